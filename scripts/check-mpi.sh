#!/usr/bin/env bash
# scripts/check-mpi.sh: `mpirun -n N salesim run` must write the same bytes
# as one process, for N = 1, 2, 3 (--oversubscribe: more ranks than cores).
#
# For each scenario, runs `salesim run` once as one process (--threads 1,
# no launcher: MPI is not started) as the reference, then under mpirun with
# N ranks, and compares every output CSV, summary.json, scenario.cfg and
# report.md byte for byte (cmp), blanking only the run's own clock and
# thread count as scripts/check-determinism.sh does. Also checks that only
# rank 0 wrote (one output folder, no stray temporary folders).
#
# usage: scripts/check-mpi.sh [SALESIM_BINARY]   (default build/salesim)
#   MPI_SCENARIOS     scenario files (default: default.cfg, territory-tender.cfg
#                     (mechanism tables) and hm-linear.cfg with a 4-point lhs
#                     sweep appended (sweep.csv), written into the work folder)
#   MPI_RANKS         rank counts (default "1 2 3")
#   MPI_REPLICATIONS  replications per run (default 5: not a multiple of 2 or 3)
# Exit 0 if identical, 1 if a file differs, 2 on a set-up problem, 77 (skip)
# when mpirun is missing or the binary was built without MPI.
set -u
cd "$(dirname "$0")/.."
bin=${1:-build/salesim}
scenarios=${MPI_SCENARIOS:-}
ranks=${MPI_RANKS:-1 2 3}
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
  scenarios="scenarios/default.cfg scenarios/territory-tender.cfg $work/hm-sweep.cfg"
fi

normalise() {
  local dir=$1 f base
  mkdir -p "$dir.cmp"
  for f in "$dir"/*.csv "$dir"/summary.json "$dir"/scenario.cfg "$dir"/report.md; do
    [ -e "$f" ] || continue
    base=$(basename "$f")
    case $base in
      summary.json)
        sed -E 's/^( *"(started|wall_seconds|threads)": ).*$/\1-/' "$f" >"$dir.cmp/$base" ;;
      report.md)
        sed -E 's/^\| (started|wall_seconds|threads) \|.*$/| \1 | - |/' "$f" >"$dir.cmp/$base" ;;
      *) cp "$f" "$dir.cmp/$base" ;;
    esac
  done
}

fail=0 checked=0
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
    normalise "$out"
    for f in "$ref.cmp"/*; do
      base=$(basename "$f")
      checked=$((checked + 1))
      if ! cmp -s "$f" "$out.cmp/$base"; then
        echo "FAIL $sc: -n $n: $base differs from the one-process run" >&2
        fail=1
      fi
    done
    if [ "$(ls "$ref.cmp" | wc -l)" != "$(ls "$out.cmp" | wc -l)" ]; then
      echo "FAIL $sc: -n $n: different files written" >&2
      fail=1
    fi
    # only rank 0 writes: nothing in the parent but the folders this script made
    stray=$(ls -A "$work/$name" | grep -v -E '^(ref|ref\.cmp|ref\.err|n[0-9]+|n[0-9]+\.cmp|n[0-9]+\.log)$' || true)
    if [ -n "$stray" ]; then
      echo "FAIL $sc: -n $n: stray files: $stray" >&2
      fail=1
    fi
  done
done
if [ "$fail" -eq 0 ]; then
  echo "check-mpi: identical to one process for ranks $ranks ($checked files compared)"
fi
exit "$fail"
