#!/usr/bin/env bash
# Pack an output folder of `salesim run` into one input of fuzz_report
# (the framing is described in tests/fuzz/fuzz_report.c): each file the
# report reader reads, as "#### NAME" and its bytes, a newline between
# files. replications.csv and the reports are left out (the reader does not
# read them).
#   tests/fuzz/pack_output.sh OUTDIR > SEED
set -eu
dir=$1
first=1
for f in summary.json summary.csv monthly.csv "$dir"/*.csv scenario.cfg; do
  name=$(basename "$f")
  case $name in replications.csv) continue ;; esac
  [ -f "$dir/$name" ] || continue
  case " ${seen:-} " in *" $name "*) continue ;; esac
  seen="${seen:-} $name"
  [ $first = 1 ] || printf '\n'
  first=0
  printf '#### %s\n' "$name"
  cat "$dir/$name"
done
