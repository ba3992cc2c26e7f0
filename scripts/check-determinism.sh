#!/usr/bin/env bash
# scripts/check-determinism.sh: the same scenario and seed must give the same
# bytes on any thread count, whatever the memory held before.
#
# For every shipped scenario and several seeds, runs `salesim run` once as
# the reference (--threads 1) and then REPEATS more times alternating
# --threads 2 and --threads 1, each with a different MALLOC_PERTURB_ (glibc
# fills fresh and freed heap memory with that byte) and a different amount
# of environment (which moves the stack), with address randomisation left as
# the kernel has it. Every output CSV, summary.json, scenario.cfg and
# report.md of each repeat is compared byte for byte (cmp) with the
# reference; only the run's own clock and thread count are blanked first
# (manifest "started", "wall_seconds", "threads"). docs/checks.md says more.
#
# usage: scripts/check-determinism.sh [SALESIM_BINARY]   (default build/salesim)
#   DET_SCENARIOS     scenario files (default scenarios/*.cfg)
#   DET_SEEDS         seeds ("scenario" = the scenario's own; default
#                     "scenario 101 2147483647")
#   DET_REPEATS       runs compared with the reference (default 3)
#   DET_REPLICATIONS  replications per run (default 3; months stay as shipped)
# Exit 0 if everything is identical, 1 if any file differs, 2 on a usage or
# set-up problem.
set -u
cd "$(dirname "$0")/.."
bin=${1:-build/salesim}
scenarios=${DET_SCENARIOS:-$(ls scenarios/*.cfg)}
seeds=${DET_SEEDS:-scenario 101 2147483647}
repeats=${DET_REPEATS:-3}
reps=${DET_REPLICATIONS:-3}
if [ ! -x "$bin" ]; then
  echo "check-determinism: $bin not found (run \`make check-determinism\`, which builds it)" >&2
  exit 2
fi
aslr=$(cat /proc/sys/kernel/randomize_va_space 2>/dev/null || echo unknown)
if [ "$aslr" = 0 ]; then
  echo "check-determinism: warning: address randomisation is off" \
       "(/proc/sys/kernel/randomize_va_space = 0); layouts vary less" >&2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/salesim-determinism.XXXXXX")
trap 'rm -rf "$work"' EXIT
perturb=(0 85 170 255 51 204 1 254)

# normalise DIR (scripts/normalise-outputs.sh), then drop DIR itself
. scripts/normalise-outputs.sh
normalise_and_drop() {
  normalise "$1"
  rm -rf "$1"
}

# run TAG THREADS PERTURB PAD SCENARIO SEEDARGS...
run() {
  local tag=$1 t=$2 p=$3 pad=$4 sc=$5
  shift 5
  local log=$work/$tag.log
  if ! env MALLOC_PERTURB_="$p" SALESIM_DET_PAD="$(printf '%*s' "$pad" '')" \
      OMP_WAIT_POLICY=passive "$bin" run "$sc" -o "$work/$tag" --replications "$reps" \
      --threads "$t" --quiet "$@" >"$log" 2>&1; then
    echo "check-determinism: FAILED to run: $bin run $sc --threads $t $* (MALLOC_PERTURB_=$p):" >&2
    sed -n 1,10p "$log" >&2
    return 1
  fi
  normalise_and_drop "$work/$tag"
}

start=$(date +%s)
n_sc=0 n_runs=0 n_files=0 bad=0
for sc in $scenarios; do
  n_sc=$((n_sc + 1))
  name=$(basename "$sc" .cfg)
  for seed in $seeds; do
    if [ "$seed" = scenario ]; then seedargs=(); else seedargs=(--seed "$seed"); fi
    ref=$name-s$seed-ref
    if ! run "$ref" 1 0 0 "$sc" "${seedargs[@]}"; then
      bad=$((bad + 1))
      continue
    fi
    n_runs=$((n_runs + 1))
    for ((k = 1; k <= repeats; k++)); do
      t=$((k % 2 == 1 ? 2 : 1))
      p=${perturb[$((k % ${#perturb[@]}))]}
      tag=$name-s$seed-r$k
      if ! run "$tag" "$t" "$p" $((k * 997)) "$sc" "${seedargs[@]}"; then
        bad=$((bad + 1))
        continue
      fi
      n_runs=$((n_runs + 1))
      # the same set of files, each identical
      for f in "$work/$ref.cmp"/* "$work/$tag.cmp"/*; do
        base=$(basename "$f")
        [ -e "$work/$ref.cmp/$base" ] && [ -e "$work/$tag.cmp/$base" ] && continue
        echo "DIFFERS: $sc seed $seed: $base only in one of --threads 1 (reference)" \
             "and --threads $t MALLOC_PERTURB_=$p (repeat $k)"
        bad=$((bad + 1))
      done
      for f in "$work/$ref.cmp"/*; do
        base=$(basename "$f")
        [ -e "$work/$tag.cmp/$base" ] || continue
        n_files=$((n_files + 1))
        if ! where=$(cmp "$f" "$work/$tag.cmp/$base" 2>&1); then
          echo "DIFFERS: $sc seed $seed: $base: --threads 1 (reference) against" \
               "--threads $t MALLOC_PERTURB_=$p (repeat $k): first difference at ${where#* differ: }"
          diff <(sed -n 1,400p "$f") <(sed -n 1,400p "$work/$tag.cmp/$base") | sed -n 1,6p
          bad=$((bad + 1))
        fi
      done
      rm -rf "$work/$tag.cmp"
    done
    rm -rf "$work/$ref.cmp"
  done
done
el=$(($(date +%s) - start))
n_seeds=$(echo "$seeds" | wc -w)
summary="$n_sc scenarios x $n_seeds seeds x $repeats repeats (+1 reference; threads 1/2, MALLOC_PERTURB_, ASLR=$aslr, $reps replications): $n_runs runs, $n_files file comparisons"
if [ $bad -ne 0 ]; then
  echo "check-determinism: $summary: $bad DIFFER OR FAILED (${el} s)"
  exit 1
fi
echo "check-determinism: $summary: all identical (${el} s)"
