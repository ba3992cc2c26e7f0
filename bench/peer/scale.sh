#!/bin/bash
# bench/peer/scale.sh BUILD [SIZES...]: issue 12's scaling figures in one run.
# (1) ns per agent-month of bench_core on one thread for bench/standard.cfg
#     scaled to each size (50 positions a territory, same people/market/plans);
#     replications chosen so each size runs >= ~1.4 M agent-months;
# (2) salesim run on standard.cfg (reps scaled down) with 1 and 2 threads;
# (3) a sweep (standard.cfg, 2,000 reps, 8 points x 2 replications) with 1 and 2 threads.
# Prints ratios; timings are only comparable within one run.
set -eu
B=${1:-build}; shift || true
SIZES=${*:-1000 10000 100000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/salesim_scale_XXXXXX)
trap 'rm -rf "$T"' EXIT
mk() { # reps replications [extra] -> file
  local n=$1 r=$2 f=$T/s$1_$2.cfg terr=$(( $1 / 50 )); [ $terr -lt 1 ] && terr=1
  sed -e "s/reps = 10000;/reps = $n;/" -e "s/count = 200;/count = $terr;/" \
      -e "s/replications = 20;/replications = $r;/" "$ROOT/bench/standard.cfg" > "$f"
  [ -n "${3:-}" ] && printf '%s\n' "$3" >> "$f"
  echo "$f"
}
echo "== (1) bench_core, 1 thread, ns per agent-month by size"
base=""
for n in $SIZES; do
  r=$(( 20000 / n )); [ $r -lt 1 ] && r=1
  f=$(mk $n $r)
  ns=$("$B/bench/bench_core" "$f" --threads 1 | awk '/^simulation  /{print $(NF-3)}')
  [ -z "$base" ] && base=$ns
  printf 'reps %8d  replications %3d  %6s ns/agent-month  ratio to first %.2f\n' $n $r $ns \
    "$(echo "$ns / $base" | bc -l)"
done
echo "== (2) salesim run (standard.cfg, 10,000 reps, 4 replications), 1 vs 2 threads"
f=$(mk 10000 4)
for th in 1 2; do
  s=$(date +%s.%N); "$B/salesim" run "$f" -o "$T/run$th" --threads $th -q; e=$(date +%s.%N)
  eval "t$th=$(echo "$e - $s" | bc -l)"
done
printf 'run: 1 thread %.2f s, 2 threads %.2f s, speed-up %.2fx\n' $t1 $t2 "$(echo "$t1 / $t2" | bc -l)"
echo "== (3) sweep (standard.cfg, 2,000 reps, 8 LHS points x 2 replications), 1 vs 2 threads"
f=$(mk 2000 2 'sweep = { design = "lhs"; points = 8; params = ( { path = "mechanisms.commission.rate"; min = 0.01; max = 0.06; } ); };')
for th in 1 2; do
  s=$(date +%s.%N); "$B/salesim" run "$f" -o "$T/sw$th" --threads $th -q; e=$(date +%s.%N)
  eval "t$th=$(echo "$e - $s" | bc -l)"
done
printf 'sweep: 1 thread %.2f s, 2 threads %.2f s, speed-up %.2fx\n' $t1 $t2 "$(echo "$t1 / $t2" | bc -l)"
cmp -s "$T/sw1/sweep.csv" "$T/sw2/sweep.csv" && echo "sweep.csv identical at 1 and 2 threads"
