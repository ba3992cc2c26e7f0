#!/usr/bin/env bash
# tests/check_vocabulary.sh (ctest plan_vocabulary): docs/plan-vocabulary.md
# shows what salesim loads.
#
#  * every ```cfg block of the page is a run of consecutive lines of
#    docs/examples/plan-vocabulary.cfg (compared with leading and trailing
#    blanks removed, so the page may indent differently);
#  * every term of the page's table has its row (the issue's list of words);
#  * the example file validates and runs (2 replications, as written), and
#    every plan in it appears in summary.csv.
#
# usage: tests/check_vocabulary.sh [SALESIM_BINARY]   (default build/salesim)
# Exit 0 if every check passes, 1 otherwise.
set -u
cd "$(dirname "$0")/.."
bin=${1:-build/salesim}
doc=docs/plan-vocabulary.md
cfg=docs/examples/plan-vocabulary.cfg
work=$(mktemp -d "${TMPDIR:-/tmp}/salesim-vocab.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
die() { echo "FAIL: $*" >&2; fail=1; }

# 1. blocks of the page inside the file
awk -v doc="$doc" -v cfg="$cfg" '
  function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t\r]+$/, "", s); return s }
  FNR == NR { f[++nf] = trim($0); next }
  /^```cfg[ \t]*$/ { inb = 1; nb = 0; start = FNR; next }
  inb && /^```[ \t]*$/ {
    inb = 0; found = 0
    for (i = 1; i + nb - 1 <= nf && !found; i++) {
      ok = 1
      for (j = 1; j <= nb && ok; j++) if (f[i + j - 1] != b[j]) ok = 0
      if (ok) found = 1
    }
    if (!found) { printf "%s:%d: cfg block not found word for word in %s\n", doc, start, cfg; bad = 1 }
    blocks++
    next
  }
  inb { b[++nb] = trim($0) }
  END { if (blocks == 0) { printf "%s: no cfg blocks\n", doc; bad = 1 } exit bad }
' "$cfg" "$doc" >&2 || die "the page and $cfg differ (above)"

# 2. the terms the page must define (issue 14's list)
for term in "OTE" "pay mix" "target incentive" "quota" "attainment" "gate" "threshold" \
  "decelerator" "accelerator" "cap" "draw" "ramp" "SPIF" "MBO" "clawback" "split" "overlay" \
  "quota relief" "hold-harmless" "retroactive"; do
  grep -qi -- "^| .*$term" "$doc" || die "$doc: the table has no row for '$term'"
done

# 3. the file validates and runs; every plan is in the results
"$bin" validate "$cfg" >"$work/validate.txt" 2>&1 || { cat "$work/validate.txt" >&2; die "validate $cfg"; }
if "$bin" run "$cfg" -o "$work/out" --quiet --threads 2 >"$work/run.txt" 2>&1; then
  for name in $(sed -n 's/.*name = "\([a-z_]*\)";.*/\1/p' "$cfg" | grep -v '^plan-vocabulary$'); do
    grep -q "^$name," "$work/out/summary.csv" || grep -q ",$name," "$work/out/summary.csv" ||
      die "$name missing from summary.csv"
  done
else
  cat "$work/run.txt" >&2
  die "run $cfg"
fi
[ $fail -eq 0 ] && echo "plan vocabulary: page, example file and run agree"
exit $fail
