#!/usr/bin/env bash
# scripts/update-paths.sh: after files moved (git mv), make every citation of
# their old paths name the new ones: file headers ("Read next: ..."),
# comments, READMEs, docs, tests.
#
# usage: scripts/update-paths.sh COMMIT        renames between COMMIT and the
#                                              work tree (staged git mv too)
#        scripts/update-paths.sh OLD=NEW ...   the given pairs
# A path is replaced only as a whole path: for the pair dir/a.c=dir/b/a.c,
# "dir/a.cfg" and "x/dir/a.c" stay. This script itself is never rewritten. scenarios/*.cfg and tests/golden/
# are left alone: a scenario's comments are copied into every run's
# scenario.cfg, whose bytes the golden outputs record. Prints each changed
# file with its count; exit 0, or 2 on bad usage.
set -eu
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  echo "usage: scripts/update-paths.sh COMMIT | OLD=NEW ..." >&2
  exit 2
fi
pairs=$(mktemp)
trap 'rm -f "$pairs"' EXIT
case $1 in
  *=*) for p in "$@"; do printf '%s\t%s\n' "${p%%=*}" "${p#*=}"; done >"$pairs" ;;
  *) git diff --name-status -M "$1" | awk -F'\t' '$1 ~ /^R/ {print $2 "\t" $3}' >"$pairs" ;;
esac
python3 - "$pairs" <<'PY'
import re, subprocess, sys
moves = {}
for line in open(sys.argv[1]):
    old, new = line.rstrip("\n").split("\t")
    moves[old] = new
if not moves:
    print("update-paths: no moved files")
    sys.exit(0)
keys = sorted(moves, key=len, reverse=True)
rx = re.compile(r"(?<![A-Za-z0-9_/.])(" + "|".join(map(re.escape, keys)) + r")(?![A-Za-z0-9_])")
files = subprocess.check_output(["git", "ls-files"]).decode().split("\n")
for f in files:
    if (not f or f.startswith("tests/golden/") or f.startswith("scenarios/")
            or f == "scripts/update-paths.sh"):
        continue
    try:
        text = open(f, encoding="utf-8").read()
    except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
        continue
    new, n = rx.subn(lambda m: moves[m.group(1)], text)
    if n:
        open(f, "w", encoding="utf-8").write(new)
        print(n, f)
PY
