#!/usr/bin/env bash
# scripts/check-slurm.sh: the Slurm recipes of docs/cluster.md, run on
# whatever Slurm cluster `sbatch` reaches (one node will do), must write the
# same bytes as one process:
#   srun --mpi=pmix -n 2 salesim run ...           (a job step from salloc)
#   salloc -n 2 mpirun salesim run ...              (Open MPI reads the allocation)
#   sbatch of a sweep with srun, cancelled (scancel) once some sweep points
#   are kept in DIR.partial, then the same script again with --resume.
# Compared: every CSV the run writes (sweep.csv included), byte for byte.
# The sweep is docs/calibration/default--churn.cfg (6 points).
#
# usage: scripts/check-slurm.sh [SALESIM_BINARY]   (default build/salesim)
#   SLURM_REPLICATIONS  replications per run (default 60: the sweep runs long
#                       enough to be cancelled half-way)
# Exit 0 if identical, 1 if a file differs, 2 on a set-up problem, 77 (skip)
# when Slurm is not reachable or the binary was built without MPI.
# A one-node Slurm for this check (Debian's slurm-wlm and munge, as root):
# docs/cluster.md, "Checked on Slurm".
set -u
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-build/salesim}")
reps=${SLURM_REPLICATIONS:-60}
if [ ! -x "$bin" ]; then
  echo "check-slurm: $bin not found (build first)" >&2
  exit 2
fi
if ! command -v sbatch >/dev/null || ! sinfo -h >/dev/null 2>&1; then
  echo "check-slurm: no Slurm cluster reachable (sinfo failed): skipped" >&2
  exit 77
fi
if ! srun --mpi=list 2>&1 | grep -q pmix; then
  echo "check-slurm: this Slurm has no pmix MPI plugin: skipped" >&2
  exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/salesim-slurm.XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$(pwd)
sweep=(run docs/calibration/default--churn.cfg --include-dir scenarios --replications "$reps" --quiet)
run=(run scenarios/default.cfg --quiet)
fail=0
same() { # reference dir, candidate dir, label
  local f n=0
  for f in "$1"/*.csv; do
    n=$((n + 1))
    if ! cmp -s "$f" "$2/$(basename "$f")"; then
      echo "check-slurm: $3: $(basename "$f") differs from one process" >&2
      fail=1
    fi
  done
  echo "check-slurm: $3: $n CSV files compared"
}
"$bin" "${run[@]}" -o "$work/run-one" >/dev/null 2>&1 || { echo "check-slurm: reference run failed" >&2; exit 2; }
"$bin" "${sweep[@]}" -o "$work/sweep-one" >/dev/null 2>&1 || { echo "check-slurm: reference sweep failed" >&2; exit 2; }
# a negative control: another seed must compare different
"$bin" "${run[@]}" --seed 99 -o "$work/run-seed" >/dev/null 2>&1
if cmp -s "$work/run-one/summary.csv" "$work/run-seed/summary.csv"; then
  echo "check-slurm: the comparison cannot tell runs apart" >&2
  exit 2
fi

salloc -Q -n 2 srun --mpi=pmix "$bin" "${run[@]}" -o "$work/run-srun" >/dev/null 2>&1 ||
  { echo "check-slurm: srun --mpi=pmix -n 2 failed" >&2; fail=1; }
same "$work/run-one" "$work/run-srun" "srun --mpi=pmix -n 2"
salloc -Q -n 2 mpirun --allow-run-as-root "$bin" "${run[@]}" -o "$work/run-mpirun" >/dev/null 2>&1 ||
  { echo "check-slurm: salloc -n 2 mpirun failed" >&2; fail=1; }
same "$work/run-one" "$work/run-mpirun" "salloc -n 2 mpirun"

cat > "$work/sweep.sh" <<EOS
#!/bin/bash
#SBATCH --job-name=salesim-check
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=2
#SBATCH --cpus-per-task=1
#SBATCH --output=$work/job-%j.log
cd "$src"
srun --mpi=pmix "$bin" ${sweep[*]} -o "$work/sweep-slurm" \$RESUME
EOS
wait_job() { while squeue -h -j "$1" 2>/dev/null | grep -q .; do sleep 0.5; done; }
j=$(sbatch --parsable --export=ALL,RESUME= "$work/sweep.sh") || { echo "check-slurm: sbatch failed" >&2; exit 2; }
# cancel once a sweep point is kept
for _ in $(seq 1 600); do
  [ -n "$(ls "$work/sweep-slurm.partial" 2>/dev/null)" ] && break
  squeue -h -j "$j" 2>/dev/null | grep -q . || break
  sleep 0.2
done
scancel "$j"
wait_job "$j"
kept=$(ls "$work/sweep-slurm.partial" 2>/dev/null | wc -l)
if [ -d "$work/sweep-slurm" ] || [ "$kept" -eq 0 ]; then
  echo "check-slurm: the sweep was not cancelled half-way ($kept points kept): raise SLURM_REPLICATIONS" >&2
  exit 2
fi
grep -q -- "--resume" "$work"/job-"$j".log ||
  { echo "check-slurm: the cancelled job did not say how to resume" >&2; fail=1; }
j2=$(sbatch --parsable --export=ALL,RESUME=--resume "$work/sweep.sh")
wait_job "$j2"
echo "check-slurm: sweep cancelled with $kept of 6 points kept, then --resume"
same "$work/sweep-one" "$work/sweep-slurm" "sbatch sweep, scancel, --resume"
[ -d "$work/sweep-slurm.partial" ] && { echo "check-slurm: DIR.partial left after the resumed sweep" >&2; fail=1; }
exit $fail
