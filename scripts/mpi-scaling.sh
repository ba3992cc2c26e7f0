#!/bin/bash
# scripts/mpi-scaling.sh (docs/cluster.md, "How it scales"):
# Strong scaling of `salesim run` (default.cfg, R replications x 3 mechanisms,
# --threads 1) and of a sweep (6-point churn grid on default.cfg, 12 months):
# one process without a launcher vs mpirun -n 1, 2 and --oversubscribe -n 3, 4,
# alternated in each round (ratios in one run), with the load average before
# each round. Prints: round, config, whole-command seconds, manifest wall_seconds.
# usage: scripts/mpi-scaling.sh BIN ROUNDS REPS SWEEPCFG   (from the source folder;
#   SWEEPCFG: e.g. docs/calibration/default--churn.cfg with months = 12, made by hand)
set -u
BIN=$1 ROUNDS=${2:-3} REPS=${3:-60} SWEEP=$4
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
W=$(mktemp -d /tmp/salesim-scal.XXXXXX); trap 'rm -rf $W' EXIT
SC=${SC:-scenarios/default.cfg}
one() { # label, command...
  local label=$1; shift
  local t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || echo "FAILED $label" >&2
  local t1=$(date +%s.%N)
  local ws=$(grep -o '"wall_seconds": [0-9.e+-]*' $W/o/summary.json | head -1 | cut -d' ' -f2)
  printf '%s %-8s %s %.3f %s\n' "$r" "$label" "$kind" "$(echo "$t1 - $t0" | bc)" "$ws"
  rm -rf $W/o
}
for r in $(seq 1 $ROUNDS); do
  echo "# round $r load $(cut -d' ' -f1-3 /proc/loadavg)"
  for kind in run sweep; do
    if [ $kind = run ]; then args=(run $SC --replications $REPS --threads 1 -q -o $W/o); else args=(run $SWEEP --replications 20 --threads 1 -q -o $W/o); fi
    one one   $BIN "${args[@]}"
    one n1    mpirun -n 1 $BIN "${args[@]}"
    one n2    mpirun -n 2 $BIN "${args[@]}"
    one n3    mpirun --oversubscribe -n 3 $BIN "${args[@]}"
    one n4    mpirun --oversubscribe -n 4 $BIN "${args[@]}"
    one n4y   mpirun --oversubscribe --mca mpi_yield_when_idle 1 -n 4 $BIN "${args[@]}"
  done
done
