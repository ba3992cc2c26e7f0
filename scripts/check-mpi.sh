#!/usr/bin/env bash
# scripts/check-mpi.sh: `mpirun -n N salesim run|batch|optimize` must write
# the same bytes as one process, for N = 1, 2, 3 (--oversubscribe: more
# ranks than cores).
#
# run: for each scenario, `salesim run` once as one process (--threads 1,
# no launcher: MPI is not started) as the reference, then under mpirun with
# N ranks; every output CSV (sweep.csv included), summary.json, scenario.cfg
# and report.md compared byte for byte (cmp), blanking only the run's own
# clock and thread count as scripts/check-determinism.sh does. Also checks
# that only rank 0 wrote (one output folder, no stray temporary folders).
# batch: two scenarios (one with a sweep) as one process and under N ranks,
# every scenario folder compared the same way and batch.csv with its output
# folder and wall-clock columns blanked; then `--resume` under N ranks must
# skip both. optimize: its printed result compared byte for byte. failure:
# rank 1 of 2 dies after the sweep's second point (a test-only variable):
# mpirun must end nonzero, nothing written, 2 points kept, a --resume hint;
# --resume under 3 ranks then writes the same bytes. A negative control
# (a run with another seed must compare different) guards the comparison.
#
# usage: scripts/check-mpi.sh [SALESIM_BINARY]   (default build/salesim)
#   MPI_SCENARIOS     scenario files for `run` (default: territory-tender.cfg
#                     over 12 months (mechanism tables) and hm-linear.cfg with a
#                     4-point lhs sweep appended (sweep.csv), both written into
#                     the work folder)
#   MPI_RANKS         rank counts (default "1 2 3")
#   MPI_REPLICATIONS  replications per run (default 5: not a multiple of 2 or 3)
#   MPI_PARTS         what to check (default "run batch optimize failure";
#                     failure needs run's hm-sweep reference)
# Exit 0 if identical, 1 if a file differs, 2 on a set-up problem, 77 (skip)
# when mpirun is missing or the binary was built without MPI.
set -u
cd "$(dirname "$0")/.."
bin=${1:-build/salesim}
scenarios=${MPI_SCENARIOS:-}
ranks=${MPI_RANKS:-1 2 3}
parts=${MPI_PARTS:-run batch optimize failure}
reps=${MPI_REPLICATIONS:-5}
if [ ! -x "$bin" ]; then
  echo "check-mpi: $bin not found (build first)" >&2
  exit 2
fi
if ! command -v mpirun >/dev/null; then
  echo "check-mpi: mpirun not found (apt-get install openmpi-bin libopenmpi-dev); skipped" >&2
  exit 77
fi
if ! ldd "$bin" 2>/dev/null | grep -q libmpi; then
  echo "check-mpi: $bin was built without MPI (cmake found none, or -DSALESIM_MPI=OFF); skipped" >&2
  exit 77
fi
mpirun_flags=(--oversubscribe)
if [ "$(id -u)" -eq 0 ]; then
  mpirun_flags+=(--allow-run-as-root)
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/salesim-mpi.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -z "$scenarios" ]; then
  { cat scenarios/hm-linear.cfg
    printf 'sweep = {\n  design = "lhs";\n  points = 4;\n  params = (\n'
    printf '    { path = "mechanisms.commission.rate"; min = 0.1; max = 0.6; }\n  );\n};\n'
  } >"$work/hm-sweep.cfg"
  # the tender scenario over 12 months (one tender: its tables, at a
  # third of the cost)
  sed -E 's/^months = 36;.*$/months = 12;/' scenarios/territory-tender.cfg >"$work/tender12.cfg"
  scenarios="$work/tender12.cfg $work/hm-sweep.cfg"
fi

# normalise DIR (scripts/normalise-outputs.sh)
. scripts/normalise-outputs.sh

# compare every file of reference folder $1 (normalised) with folder $2's
compare() {
  local what=$1 ref=$2 out=$3 f base
  normalise "$out"
  for f in "$ref.cmp"/*; do
    base=$(basename "$f")
    checked=$((checked + 1))
    if ! cmp -s "$f" "$out.cmp/$base"; then
      echo "FAIL $what: $base differs from the one-process run" >&2
      fail=1
    fi
  done
  if [ "$(ls "$ref.cmp" | wc -l)" != "$(ls "$out.cmp" | wc -l)" ]; then
    echo "FAIL $what: different files written" >&2
    fail=1
  fi
}

fail=0 checked=0
case " $parts " in *" run "*) ;; *) scenarios="" ;; esac
for sc in $scenarios; do
  name=$(basename "$sc" .cfg)
  ref="$work/$name/ref"
  mkdir -p "$work/$name"
  if ! "$bin" run "$sc" --replications "$reps" --threads 1 -q -o "$ref" 2>"$work/$name/ref.err"; then
    echo "check-mpi: $sc: the one-process run failed:" >&2
    cat "$work/$name/ref.err" >&2
    exit 2
  fi
  normalise "$ref"
  for n in $ranks; do
    out="$work/$name/n$n"
    if ! mpirun "${mpirun_flags[@]}" -n "$n" "$bin" run "$sc" --replications "$reps" --threads 1 \
         -q -o "$out" >"$out.log" 2>&1; then
      echo "FAIL $sc: mpirun -n $n exited nonzero:" >&2
      cat "$out.log" >&2
      fail=1
      continue
    fi
    compare "$sc: -n $n" "$ref" "$out"
    # only rank 0 writes: nothing in the parent but the folders this script made
    stray=$(ls -A "$work/$name" | grep -v -E '^(ref|ref\.cmp|ref\.err|n[0-9]+|n[0-9]+\.cmp|n[0-9]+\.log)$' || true)
    if [ -n "$stray" ]; then
      echo "FAIL $sc: -n $n: stray files: $stray" >&2
      fail=1
    fi
  done
done

# negative control: the comparison must see a change (another seed's run
# of the sweep scenario differs from the reference), or it checks nothing
if [ -d "$work/hm-sweep/ref" ]; then
  "$bin" run "$work/hm-sweep.cfg" --replications "$reps" --threads 1 --seed 2 -q \
    -o "$work/hm-sweep/control" 2>/dev/null
  saved_fail=$fail saved_checked=$checked
  compare "control" "$work/hm-sweep/ref" "$work/hm-sweep/control" 2>/dev/null
  if [ "$fail" -eq "$saved_fail" ]; then
    echo "FAIL control: a run with another seed compared equal: the check sees nothing" >&2
    saved_fail=1
  fi
  fail=$saved_fail checked=$saved_checked
fi

# batch: each scenario collective, rank 0 writes the folders and the index
batch_index() { # batch.csv without the output folder and wall-clock columns
  cut -d, -f1,3-5,7- "$1/batch.csv"
}
if [[ " $parts " == *" batch "* ]]; then
  mkdir -p "$work/batch-in"
  cp scenarios/hm-linear.cfg "$work/batch-in/"
  [ -f "$work/hm-sweep.cfg" ] && cp "$work/hm-sweep.cfg" "$work/batch-in/"
  if ! "$bin" batch "$work/batch-in" --replications "$reps" --threads 1 -q -o "$work/batch/ref" \
       2>"$work/batch-ref.err"; then
    echo "check-mpi: the one-process batch failed:" >&2
    cat "$work/batch-ref.err" >&2
    exit 2
  fi
  for d in "$work/batch/ref"/*/; do normalise "${d%/}"; done
  for n in $ranks; do
    out="$work/batch/n$n"
    if ! mpirun "${mpirun_flags[@]}" -n "$n" "$bin" batch "$work/batch-in" --replications "$reps" \
         --threads 1 -q -o "$out" >"$out.log" 2>&1; then
      echo "FAIL batch: mpirun -n $n exited nonzero:" >&2
      cat "$out.log" >&2
      fail=1
      continue
    fi
    for d in "$work/batch/ref"/*/; do
      d=${d%/}
      [ "${d##*.}" = cmp ] && continue
      compare "batch $(basename "$d"): -n $n" "$d" "$out/$(basename "$d")"
    done
    checked=$((checked + 1))
    if ! cmp -s <(batch_index "$work/batch/ref") <(batch_index "$out"); then
      echo "FAIL batch: -n $n: batch.csv differs from the one-process batch" >&2
      fail=1
    fi
    # --resume: rank 0 decides, every rank skips the same scenarios
    if ! mpirun "${mpirun_flags[@]}" -n "$n" "$bin" batch "$work/batch-in" --replications "$reps" \
         --threads 1 -q --resume -o "$out" >"$out.resume.log" 2>&1 ||
       [ "$(cut -d, -f4 "$out/batch.csv" | grep -c '^1$')" -ne "$(ls "$work/batch-in" | wc -l)" ]; then
      echo "FAIL batch: -n $n --resume did not skip every finished scenario" >&2
      cat "$out.resume.log" >&2
      fail=1
    fi
  done
fi

# optimize: every evaluation collective, rank 0 prints
if [[ " $parts " == *" optimize "* ]]; then
  opt=(optimize scenarios/hm-linear.cfg --mechanism commission --param rate
       --replications "$reps" --threads 1)
  if ! "$bin" "${opt[@]}" >"$work/opt-ref.txt" 2>"$work/opt-ref.err"; then
    echo "check-mpi: the one-process optimize failed:" >&2
    cat "$work/opt-ref.err" >&2
    exit 2
  fi
  for n in $ranks; do
    checked=$((checked + 1))
    if ! mpirun "${mpirun_flags[@]}" -n "$n" "$bin" "${opt[@]}" >"$work/opt-n$n.txt" \
         2>"$work/opt-n$n.err" || ! cmp -s "$work/opt-ref.txt" "$work/opt-n$n.txt"; then
      echo "FAIL optimize: -n $n differs from one process or failed:" >&2
      cat "$work/opt-n$n.err" >&2
      fail=1
    fi
  done
fi

# a rank that dies: the job ends nonzero with nothing written, rank 0 says
# how to go on, and --resume finishes with the same bytes (rank 1 kills
# itself after the sweep's point 2: SALESIM_TEST_SWEEP_DIE_RANK)
if [[ " $parts " == *" failure "* ]] && [ -f "$work/hm-sweep.cfg" ] && [ -d "$work/hm-sweep/ref" ]; then
  out="$work/hm-sweep/die"
  SALESIM_TEST_SWEEP_STOP=2 SALESIM_TEST_SWEEP_DIE_RANK=1 mpirun "${mpirun_flags[@]}" \
    -x SALESIM_TEST_SWEEP_STOP -x SALESIM_TEST_SWEEP_DIE_RANK -n 2 "$bin" run "$work/hm-sweep.cfg" \
    --replications "$reps" --threads 1 -q -o "$out" >"$out.log" 2>&1
  code=$?
  if [ "$code" -eq 0 ] || [ -e "$out" ] || ! grep -q -- "--resume" "$out.log" ||
     [ "$(ls "$out.partial" 2>/dev/null | grep -c '^point-')" -ne 2 ]; then
    echo "FAIL failure: a dead rank: exit $code, expected nonzero, no $out, 2 kept points and a --resume hint:" >&2
    cat "$out.log" >&2
    fail=1
  elif ! mpirun "${mpirun_flags[@]}" -n 3 "$bin" run "$work/hm-sweep.cfg" --replications "$reps" \
         --threads 1 -q --resume -o "$out" >"$out.resume.log" 2>&1; then
    echo "FAIL failure: --resume after a dead rank failed:" >&2
    cat "$out.resume.log" >&2
    fail=1
  else
    compare "failure: --resume after a dead rank" "$work/hm-sweep/ref" "$out"
  fi
  rm -rf "$out.partial"
fi

if [ "$fail" -eq 0 ]; then
  echo "check-mpi: $parts identical to one process for ranks $ranks ($checked files compared)"
fi
exit "$fail"
