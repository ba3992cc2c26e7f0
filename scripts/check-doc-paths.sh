#!/bin/sh
# scripts/check-doc-paths.sh: list every file path cited in the tree's
# comments and docs that does not exist, so a comment never sends a reader
# to a file that was renamed, split or never written.
#
# Looks at every tracked source, header, script and markdown file for words
# that start with a top folder of the tree (engine/, models/, include/,
# docs/, tests/, scripts/, bench/, cmake/, scenarios/) and checks that each
# names a file or folder. Paths with wildcards (engine/scenario/scenario*.c) are
# checked as patterns (one that matches nothing counts only directly in a
# top folder: engine/*.c, which the build keeps empty); a test named by its executable (tests/test_sim) counts
# if its .c file exists. Not looked at: string literals in C code (they are
# data, e.g. paths a test writes), fenced code blocks in markdown (example
# output), and placeholders with a capitalised part (scenarios/FILE.cfg,
# tests/fuzz/regressions/SUB). Exit 0 if every path exists, 1 and the list
# if not.
#
# Usage: scripts/check-doc-paths.sh   (ctest: doc_paths)
cd "$(dirname "$0")/.." || exit 2
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files=$(git ls-files '*.c' '*.h' '*.md' '*.sh' '*.txt' '*.cfg' 'Makefile' | grep -v '^tests/golden/')
else
  files=$(find . -type f \( -name '*.c' -o -name '*.h' -o -name '*.md' -o -name '*.sh' \
    -o -name '*.txt' -o -name '*.cfg' \) -not -path './build*' | sed 's#^\./##')
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/doc-paths.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
pattern='(^|[^A-Za-z0-9_./-])(engine|models|include|docs|tests|scripts|bench|cmake|scenarios)/[A-Za-z0-9_.*/-]*[A-Za-z0-9_*]'

# 1. every cited path as "FILE:LINE:PATH"
for f in $files; do
  [ -f "$f" ] || continue
  case "$f" in
    *.c | *.h) sed -E 's/"([^"\\]|\\.)*"/""/g' "$f" ;;
    *.md) awk '/^[[:space:]]*```/ { fence = !fence; print ""; next } { print fence ? "" : $0 }' "$f" ;;
    *) cat "$f" ;;
  esac | grep -naoE "$pattern" | sed -E "s#^([0-9]+):[^A-Za-z]*#$f:\\1:#"
done >"$work/hits"

# 2. placeholders (a part in capitals: FILE.cfg, NAME.out, SUB) are not paths
grep -vE ':[^:]*(^|/)[A-Z][A-Z_]+(\.[a-z]+)?(/|$)' "$work/hits" >"$work/paths" || true

# 3. each distinct path checked once; unquoted, so a wildcard is expanded
cut -d: -f3- "$work/paths" | sort -u | while IFS= read -r path; do
  found=0
  for p in $path; do
    if [ -e "$p" ] || [ -e "$p.c" ]; then found=1 && break; fi
  done
  # a pattern that matches nothing is still right when it names a set in an
  # existing folder that is meant to be empty (the build refuses files left
  # in engine/ or models/ themselves: "engine/*.c")
  case $path in
    *'*'*) [ $found = 1 ] || { [ -d "${path%/*}" ] && [ "${path%/*}" = "${path%%/*}" ] && found=1; } ;;
  esac
  [ $found = 1 ] || printf '%s\n' "$path"
done >"$work/missing"

[ -s "$work/missing" ] || exit 0
awk -F: 'NR == FNR { missing[$0] = 1; next }
         { p = $0; sub(/^[^:]*:[^:]*:/, "", p) }
         p in missing { print $1 ":" $2 ": " p " does not exist" }' "$work/missing" "$work/paths"
exit 1
