#!/usr/bin/env bash
# Run the fuzz targets one after the other, each for SECONDS (default 300),
# on one core: `make fuzz` calls this after building build-fuzz/.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
# Corpora grow in fuzz-corpus/<target>/ (gitignored), seeded from
# scenarios/ and, for fuzz_report, from output folders of short runs of the
# shipped scenarios (tests/fuzz/pack_output.sh). Crashes, leaks and
# timeouts (-timeout=10) are saved in fuzz-artifacts/<target>/; one line
# per run is appended to ${FUZZ_LOG:-fuzz-artifacts/fuzz-log.txt}. Exit 1
# if any target found something. docs/fuzzing.md explains the targets.
set -u
cd "$(dirname "$0")/../.."
secs=${1:-300}
shift || true
targets=${*:-fuzz_scenario fuzz_run fuzz_report fuzz_data_csv}
bin=build-fuzz/tests/fuzz
log=${FUZZ_LOG:-fuzz-artifacts/fuzz-log.txt}
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
mkdir -p fuzz-corpus fuzz-artifacts

# the dictionary must list today's settings
if [ -x build-fuzz/salesim ]; then
  fresh=$(mktemp)
  tests/fuzz/update-dict.sh build-fuzz/salesim "$fresh" >/dev/null 2>&1
  if ! cmp -s "$fresh" tests/fuzz/scenario.dict; then
    echo "warning: tests/fuzz/scenario.dict is stale; run tests/fuzz/update-dict.sh" >&2
  fi
  rm -f "$fresh"
fi

seed_report() {
  local dir=fuzz-corpus/fuzz_report tmp
  [ -n "$(ls -A "$dir" 2>/dev/null)" ] && return 0
  mkdir -p "$dir"
  tmp=$(mktemp -d)
  for f in scenarios/*.cfg; do
    b=$(basename "$f" .cfg)
    sed -E 's/^months = [0-9]+;/months = 4;/; s/^replications = [0-9]+;/replications = 2;/;
            s/^(  reps = )[0-9]+;/\110;/; s/^(  count = )[0-9]+;/\14;/' "$f" > "$tmp/$b.cfg"
    if build-fuzz/salesim run "$tmp/$b.cfg" -o "$tmp/$b" --quiet >/dev/null 2>&1; then
      tests/fuzz/pack_output.sh "$tmp/$b" > "$dir/$b.out"
    fi
  done
  rm -rf "$tmp"
}

status=0
for t in $targets; do
  mkdir -p "fuzz-corpus/$t" "fuzz-artifacts/$t"
  case $t in
    fuzz_report) seed_report; extra=(-dict=tests/fuzz/report.dict -max_len=131072) ;;
    fuzz_data_csv) [ -n "$(ls -A "fuzz-corpus/$t")" ] || cp tests/fuzz/data_csv/*.csv "fuzz-corpus/$t/"
       extra=(-max_len=16384) ;;
    *) [ -n "$(ls -A "fuzz-corpus/$t")" ] || cp scenarios/*.cfg "fuzz-corpus/$t/"
       extra=(-dict=tests/fuzz/scenario.dict -max_len=16384) ;;
  esac
  out="fuzz-artifacts/$t/last-run.txt"
  started=$(date -u +%FT%TZ)
  t0=$SECONDS
  "$bin/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="fuzz-artifacts/$t/" "${extra[@]}" "fuzz-corpus/$t" >"$out" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$out" | tail -1 | grep -o '[0-9]*')
  found=$(grep -c 'ERROR: \(AddressSanitizer\|LeakSanitizer\|libFuzzer\)\|runtime error' "$out")
  line="$started $t seconds=$((SECONDS - t0)) execs=${execs:-?} cov=${cov:-?} exit=$rc findings=$found"
  echo "$line" | tee -a "$log"
  [ "$rc" = 0 ] || status=1
done
exit $status
