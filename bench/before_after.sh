#!/bin/bash
# bench/before_after.sh BUILD [REF] [-- BENCH_CORE_ARGS...]: this tree's
# bench_core against a frozen "before" in one run (issue 12: "<= 500 ns per
# agent-month" and "4x today's speed" as ratios).
# Builds commit REF (default 190bdc7, main where issue 12's speed work
# started) into build-ref-SHA/ beside this tree (kept: the next run reuses
# it; the sources come from `git archive REF`), then runs REF's bench_core
# and BUILD's alternately ROUNDS times (default 3) on one thread, and prints
# each round and the median after/before ratio of ns per agent-month, wall
# and process CPU, and the new ns per agent-month against 500. Default
# bench_core arguments: bench/standard.cfg --replications 2 (10,000 reps,
# 1.44 M agent-months a run); `--no-memory` is passed to the binaries that
# know it. The load average is printed at the start and the end: on a shared
# machine trust the CPU ratio and say the load with it.
set -eu
B=${1:-build}; shift || true
REF=190bdc7
if [ $# -gt 0 ] && [ "$1" != "--" ]; then REF=$1; shift; fi
if [ "${1:-}" = "--" ]; then shift; fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ARGS=("$@"); [ ${#ARGS[@]} -eq 0 ] && ARGS=("$ROOT/bench/standard.cfg" --replications 2)
ROUNDS=${ROUNDS:-3}
SHA=$(git -C "$ROOT" rev-parse --short=7 "$REF^{commit}")
RB=$ROOT/build-ref-$SHA
if [ ! -x "$RB/build/bench/bench_core" ]; then
  echo "building $REF ($SHA) into $RB"
  rm -rf "$RB" && mkdir -p "$RB/src"
  git -C "$ROOT" archive "$SHA" | tar -x -C "$RB/src"
  f=$RB/src/bench/bench_core.c
  if ! grep -q "simulation cpu" "$f"; then
    # a bench_core older than its CPU-time line (before 0ce43a9): add it,
    # timing the same salesim_run call
    perl -0pi -e 's/static double now\(void\) \{/static double cpu_now(void) {\n  struct timespec ts;\n  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);\n  return ts.tv_sec + ts.tv_nsec * 1e-9;\n}\n\nstatic double now(void) {/;
      s/double t0 = now\(\);/double t0 = now(), c0 = cpu_now();/;
      s/double t_sim = now\(\) - t0;/double t_sim = now() - t0, c_sim = cpu_now() - c0;/;
      s/(  printf\("random draws)/  printf("simulation cpu      %.2f s, %.0f ns per agent-month (process CPU time, all threads)\\n", c_sim, c_sim \/ agent_months * 1e9);\n$1/' "$f"
    grep -q "simulation cpu" "$f" && echo "(added the CPU-time line to $REF's bench_core)"
  fi
  cmake -S "$RB/src" -B "$RB/build" -DCMAKE_BUILD_TYPE=Release > "$RB/cmake.log"
  cmake --build "$RB/build" -j2 --target bench_core > "$RB/build.log"
fi
NEW=$B/bench/bench_core; OLD=$RB/build/bench/bench_core
[ -x "$NEW" ] || { echo "before_after: $NEW not found (build first)" >&2; exit 2; }
T=$(mktemp -d /tmp/salesim_ba_XXXXXX)
trap 'rm -rf "$T"' EXIT
run() { # binary label
  local extra=()
  grep -q -- --no-memory "$1" && extra=(--no-memory)
  "$1" "${ARGS[@]}" --threads 1 "${extra[@]}" > "$T/out.txt"
  awk -v l="$2" '/^simulation  /{w=$(NF-3)} /^simulation cpu/{c=$5} END{print l, w, c}' \
    "$T/out.txt" >> "$T/ns"
}
echo "before: $REF ($SHA), after: $B; bench_core ${ARGS[*]}; $ROUNDS rounds"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then run "$OLD" before; run "$NEW" after
  else run "$NEW" after; run "$OLD" before; fi
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
awk '$1 == "before" {bw[++nb] = $2; bc[nb] = $3} $1 == "after" {aw[++na] = $2; ac[na] = $3}
function median(x, n,   i, j, t, y) {
  for (i = 1; i <= n; i++) y[i] = x[i]
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (y[j] < y[i]) { t = y[i]; y[i] = y[j]; y[j] = t }
  return n % 2 ? y[(n + 1) / 2] : (y[n / 2] + y[n / 2 + 1]) / 2
}
END {
  for (i = 1; i <= na; i++) {
    rw[i] = aw[i] / bw[i]; rc[i] = ac[i] / bc[i]
    printf "round %d: before %6.0f ns/agent-month wall %6.0f CPU; after %6.0f wall %6.0f CPU; after/before %.3f wall %.3f CPU\n", i, bw[i], bc[i], aw[i], ac[i], rw[i], rc[i]
  }
  mw = median(rw, na); mc = median(rc, na)
  printf "after/before (median of %d): %.3f wall, %.3f CPU (speed-up %.2fx wall, %.2fx CPU; issue 12: >= 4x)\n", na, mw, mc, 1 / mw, 1 / mc
  printf "after: median %.0f ns/agent-month wall, %.0f CPU (issue 12: <= 500)\n", median(aw, na), median(ac, na)
}' "$T/ns"
