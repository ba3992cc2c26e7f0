#!/usr/bin/env bash
# tests/check_sweep_resume.sh (ctest sweep_resume): a sweep stopped after k
# points and finished with `salesim run --resume` writes the same bytes as
# one uninterrupted run (sweep.csv and every other output), reusing only
# point files that match the run. The stop is the test-only variable
# SALESIM_TEST_SWEEP_STOP=k, which ends the run exactly as an interrupt
# does after point k (engine/run/sweep.c).
#
# usage: tests/check_sweep_resume.sh [SALESIM_BINARY]   (default build/salesim)
# Exit 0 if every check passes, 1 otherwise.
set -u
cd "$(dirname "$0")/.."
bin=${1:-build/salesim}
work=$(mktemp -d "${TMPDIR:-/tmp}/salesim-resume.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
die() { echo "FAIL: $*" >&2; fail=1; }

{ cat scenarios/hm-linear.cfg
  printf 'sweep = {\n  design = "lhs";\n  points = 7;\n  params = (\n'
  printf '    { path = "mechanisms.commission.rate"; min = 0.1; max = 0.6; }\n  );\n};\n'
} >"$work/hm7.cfg"
run() { "$bin" run "$work/hm7.cfg" --replications 3 --threads 2 -q "$@"; }

# the bytes to compare: every CSV, summary.json and report.md, the run's
# clock blanked as scripts/check-determinism.sh does
same() {
  local a=$1 b=$2 f base
  for f in "$a"/*.csv "$a"/summary.json "$a"/report.md; do
    base=$(basename "$f")
    if ! cmp -s <(sed -E 's/^( *"(started|wall_seconds|threads)": ).*$/\1-/; s/^\| (started|wall_seconds|threads) \|.*$/| \1 | - |/' "$f") \
                <(sed -E 's/^( *"(started|wall_seconds|threads)": ).*$/\1-/; s/^\| (started|wall_seconds|threads) \|.*$/| \1 | - |/' "$b/$base"); then
      echo "$base differs" >&2
      return 1
    fi
  done
  [ -s "$b/sweep.csv" ]
}

run -o "$work/full" || die "the uninterrupted run failed"

# 1. stop after 3 points: exit 1, nothing in the output folder, 3 points
# kept and the message says how to go on
SALESIM_TEST_SWEEP_STOP=3 run -o "$work/a" 2>"$work/a.err"
[ $? -eq 1 ] || die "a stopped run should exit 1"
grep -q -- "--resume" "$work/a.err" || die "the stopped run does not say how to resume: $(cat "$work/a.err")"
[ ! -e "$work/a" ] || die "a stopped run wrote its output folder"
[ "$(ls "$work/a.partial" | grep -c '^point-.*\.txt$')" -eq 3 ] || die "not 3 point files: $(ls "$work/a.partial")"
# 2. resume: only the others run, the same bytes, the partial folder gone
run -o "$work/a" --resume || die "the resumed run failed"
same "$work/full" "$work/a" || die "resumed outputs differ from the uninterrupted run"
[ ! -e "$work/a.partial" ] || die "a.partial left after the outputs were written"

# 3. a kept point whose file does not match is run again: one file cut
# short, one from another number of replications
SALESIM_TEST_SWEEP_STOP=4 run -o "$work/b" 2>/dev/null
head -c 200 "$work/b.partial/point-000002.txt" >"$work/b.partial/cut" &&
  mv "$work/b.partial/cut" "$work/b.partial/point-000002.txt"
sed -i 's/^replications 3$/replications 4/' "$work/b.partial/point-000003.txt"
run -o "$work/b" --resume || die "the resume over damaged point files failed"
same "$work/full" "$work/b" || die "damaged point files changed the outputs"

# 4. a fresh run (no --resume) starts over and still ends clean
SALESIM_TEST_SWEEP_STOP=2 run -o "$work/c" 2>/dev/null
run -o "$work/c" || die "a fresh run over kept points failed"
same "$work/full" "$work/c" || die "a fresh run over kept points differs"
[ ! -e "$work/c.partial" ] || die "c.partial left"

# 5. a changed scenario does not take the old points (its hash differs)
SALESIM_TEST_SWEEP_STOP=3 run -o "$work/d" 2>/dev/null
sed -i 's/^seed = .*/seed = 12;/' "$work/hm7.cfg"
run -o "$work/d12" || die "the seed-12 run failed"
run -o "$work/d" --resume || die "the resume of a changed scenario failed"
same "$work/d12" "$work/d" || die "a changed scenario took the old points"

[ "$fail" -eq 0 ] && echo "sweep_resume: stop after k points + --resume = one uninterrupted run (5 checks)"
exit "$fail"
