#!/bin/sh
# scripts/check-type-names.sh: the engine never branches on a mechanism's
# name (issue 10: "reports read only data"; a mechanism is self-contained).
#
# Lists every string literal in engine/, models/core/, models/algorithms/
# and include/ that equals the name of a shipped mechanism type (the list
# SALESIM_SHIPPED_MECHANISMS in models/mechanisms/registry.c). Allowed, one
# line each, with the reason:
#   engine/run/optimize.c  --bind-participation is the Holmstrom-Milgrom
#                          linear contract, defined for a commission rate
#   engine/scenario/scenario_groups.c  an example in a message when the
#                          registry is empty
# Exit 0 if nothing else is found, 1 with the list if something is.
# Usage: scripts/check-type-names.sh   (ctest: type_names)
cd "$(dirname "$0")/.." || exit 2
names=$(sed -n '/^#define SALESIM_SHIPPED_MECHANISMS/,/^$/p' models/mechanisms/registry.c |
  grep -o 'X([a-z_]*)' | sed 's/X(\(.*\))/\1/')
[ -n "$names" ] || { echo "check-type-names: no types found in registry.c" >&2; exit 2; }
out=$(mktemp "${TMPDIR:-/tmp}/type-names.XXXXXX") || exit 2
found=0
for n in $names; do
  grep -rn --include='*.c' --include='*.h' "\"$n\"" engine models/core models/algorithms include |
    grep -v '^engine/run/optimize.c:.*strcmp(keep.type->name, "commission")' |
    grep -v '^engine/scenario/scenario_groups.c:.*names\[0\] ? names\[0\] : "commission"' |
    grep -v '^include/salesim/scenario.h:.*/\* "production", "commission", ... \*/' |
    while IFS= read -r line; do
      echo "$line: the engine names mechanism type \"$n\" (a mechanism's rules belong in its own file)"
    done
done >"$out"
if [ -s "$out" ]; then cat "$out"; found=1; fi
rm -f "$out"
[ $found = 0 ] && echo "check-type-names: the engine names no mechanism type ($(echo $names | wc -w) types)"
exit $found
