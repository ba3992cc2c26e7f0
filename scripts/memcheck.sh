#!/usr/bin/env bash
# scripts/memcheck.sh: valgrind memcheck over a short run of every shipped
# scenario, on the normal OpenMP build, at --threads 1 and --threads 2, then
# `salesim report` on each output folder. Zero errors required: any
# uninitialised read, invalid access or definite leak fails the check.
# docs/checks.md says what it covers and how long it takes.
#
# usage: scripts/memcheck.sh [BUILD_DIR]    (default build-memcheck; `make memcheck`
#        builds it with -O2 -g and OpenMP)
#   MEMCHECK_REPLICATIONS  replications per run (default 1)
#   MEMCHECK_THREADS       thread counts to try (default "1 2")
#   MEMCHECK_SCENARIOS     scenario files (default scenarios/*.cfg)
#   MEMCHECK_JOBS          valgrind processes at once (default 2; valgrind
#                          runs a process's threads one at a time)
set -u
cd "$(dirname "$0")/.."
build=${1:-build-memcheck}
bin=$build/salesim
reps=${MEMCHECK_REPLICATIONS:-1}
threads=${MEMCHECK_THREADS:-1 2}
jobs=${MEMCHECK_JOBS:-2}
scenarios=${MEMCHECK_SCENARIOS:-$(ls scenarios/*.cfg)}
if [ ! -x "$bin" ]; then
  echo "memcheck: $bin not found (run \`make memcheck\`, which builds it)" >&2
  exit 2
fi
if ! command -v valgrind >/dev/null; then
  echo "memcheck: valgrind is not installed (apt-get install valgrind)" >&2
  exit 2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/salesim-memcheck.XXXXXX")
trap 'rm -rf "$work"' EXIT
# libgomp's idle threads spin; under valgrind (one thread at a time) that
# only burns time, so let them sleep
export OMP_WAIT_POLICY=passive
vg=(valgrind --tool=memcheck --track-origins=yes --error-exitcode=99
    --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite
    --suppressions=tests/valgrind.supp --num-callers=30 -q)

# one job: scenario, thread count -> log file; exit status of the worst step
one() {
  local sc=$1 t=$2 tag log out
  tag=$(basename "$sc" .cfg)-t$t
  log=$work/$tag.log
  out=$work/out/$tag
  "${vg[@]}" --log-file="$log.run" "$bin" run "$sc" -o "$out" --replications "$reps" \
    --threads "$t" --quiet >"$log.stdout" 2>&1
  local rc=$?
  local rc2=0
  if [ $rc -eq 0 ]; then
    "${vg[@]}" --log-file="$log.report" "$bin" report "$out" >>"$log.stdout" 2>&1
    rc2=$?
  fi
  cat "$log.run" "$log.report" 2>/dev/null >"$log"
  if [ $rc -ne 0 ] || [ $rc2 -ne 0 ]; then
    echo "FAIL $tag (run exit $rc, report exit $rc2)" >"$log.status"
  else
    echo "ok   $tag" >"$log.status"
  fi
  rm -rf "$out"
}
start=$(date +%s)
n=0
for sc in $scenarios; do
  for t in $threads; do
    n=$((n + 1))
    one "$sc" "$t" &
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
      wait -n
    done
  done
done
wait
fail=0
for s in "$work"/*.status; do
  cat "$s"
  case $(cat "$s") in
    FAIL*)
      fail=$((fail + 1))
      log=${s%.status}
      echo "---- valgrind log of $(basename "$log" .log) ----"
      sed -n 1,120p "$log"
      echo "---- its output ----"
      sed -n 1,20p "$log.stdout"
      ;;
  esac
done
el=$(($(date +%s) - start))
nsc=$(echo "$scenarios" | wc -w)
if [ $fail -ne 0 ]; then
  echo "memcheck: $fail of $n runs FAILED ($nsc scenarios x threads {$threads}, ${el} s)"
  exit 1
fi
echo "memcheck: $nsc scenarios x threads {$threads}, run + report: $n runs, 0 valgrind errors (${el} s)"
