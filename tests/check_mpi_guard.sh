#!/usr/bin/env bash
# tests/check_mpi_guard.sh (ctest mpi_guard): a build without MPI started as
# several processes (mpirun or srun set OMPI_COMM_WORLD_SIZE or PMI_SIZE)
# refuses with one line and writes nothing, instead of N copies racing for
# the output folder (engine/run/dist.c). Skipped (77) on an MPI build.
set -u
bin=${1:-build/salesim}
if ldd "$bin" 2>/dev/null | grep -q libmpi; then
  echo "mpi_guard: $bin is built with MPI; skipped" >&2
  exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/salesim-guard.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
for var in OMPI_COMM_WORLD_SIZE PMI_SIZE; do
  env "$var=2" "$bin" run --replications 2 -q -o "$work/out" 2>"$work/err"
  code=$?
  if [ "$code" -ne 1 ] || ! grep -q "started as 2 processes, but this build has no MPI" "$work/err" ||
     [ "$(wc -l <"$work/err")" -ne 1 ] || [ -e "$work/out" ]; then
    echo "FAIL: $var=2: exit $code, expected 1 with one line and no output: $(cat "$work/err")" >&2
    fail=1
  fi
done
# one process under a launcher is fine
OMPI_COMM_WORLD_SIZE=1 "$bin" run --replications 2 -q -o "$work/one" || { echo "FAIL: size 1 refused" >&2; fail=1; }
[ "$fail" -eq 0 ] && echo "mpi_guard: a build without MPI refuses N > 1 processes"
exit "$fail"
