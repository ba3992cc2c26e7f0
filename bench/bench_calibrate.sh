#!/usr/bin/env bash
# bench/bench_calibrate.sh: the issue 13 speed target, "calibrating the
# example company (>= 200 reps, 3 years) takes under 10 minutes on this
# 2-core machine": times `salesim calibrate scenarios/example-company.cfg`
# with the default settings (24 histories per candidate, up to 120
# candidates, 100 check histories) on all cores, and prints the wall and CPU
# seconds and their ratio to the 600-second budget.
# Usage: bench/bench_calibrate.sh [SALESIM_BINARY] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-build/salesim}")
threads=${2:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$tmp/cpu" "$bin" calibrate scenarios/example-company.cfg \
  -o "$tmp/out" --threads "$threads" > "$tmp/log" 2>&1
end=$(date +%s.%N)
read -r user sys < "$tmp/cpu"
grep "calibrated " "$tmp/log"
awk -v s="$start" -v e="$end" -v u="$user" -v y="$sys" -v t="$threads" 'BEGIN {
  w = e - s;
  printf "calibrate example-company: %.1f s wall, %.1f s CPU on %d threads; %.3f of the 600 s budget (load average %s)\n",
         w, u + y, t, w / 600, "'"$(cut -d' ' -f1 /proc/loadavg)"'" }'
