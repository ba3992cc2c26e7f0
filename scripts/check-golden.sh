#!/usr/bin/env bash
# scripts/check-golden.sh: every shipped scenario gives the same bytes as the
# recorded golden outputs (tests/golden/outputs.sha256).
#
# A refactoring (issue 10) must not change a single result: this
# runs every scenarios/*.cfg (2 replications, shipped months, seed as
# shipped, --threads 2) and default.cfg once more in costing mode, and
# compares the SHA-256 of every CSV, summary.json, scenario.cfg, report.md,
# report.html and the terminal table with the recorded ones. Only the run's
# own clock, wall time and thread count are blanked first. When results change ON
# PURPOSE (a model fix), record the new figures with --update in the same
# commit and say why in its message.
#
# usage: scripts/check-golden.sh [--update] [--keep DIR] [SALESIM_BINARY]
# Exit 0 if identical, 1 if anything differs, 2 on a set-up problem.
set -u
cd "$(dirname "$0")/.."
update=0 keep=
while [ $# -gt 0 ]; do
  case $1 in
    --update) update=1; shift ;;
    --keep) keep=$2; shift 2 ;;
    *) break ;;
  esac
done
bin=${1:-build/salesim}
golden=tests/golden/outputs.sha256
if [ ! -x "$bin" ]; then
  echo "check-golden: $bin not found (build first)" >&2
  exit 2
fi
if [ -n "$keep" ]; then
  rm -rf "$keep" && mkdir -p "$keep" && work=$keep
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/salesim-golden.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi

# normalise DIR into DIR.n: blank the run's clock and thread count
normalise() {
  local dir=$1 f base
  mkdir -p "$dir.n"
  for f in "$dir"/*.csv "$dir"/summary.json "$dir"/scenario.cfg "$dir"/report.md \
           "$dir"/report.html "$dir"/stdout.txt; do
    [ -e "$f" ] || continue
    base=$(basename "$f")
    case $base in
      summary.json)
        sed -E 's/^( *"(started|wall_seconds|threads)": ).*$/\1-/' "$f" >"$dir.n/$base" ;;
      report.md)
        sed -E 's/^\| (started|wall_seconds|threads) \|.*$/| \1 | - |/' "$f" >"$dir.n/$base" ;;
      report.html)
        sed -E -e 's/, run [0-9T:-]+Z\./, run -./' \
               -e 's#^(<tr><th class="l">(started|wall_seconds|threads)</th><td class="l">).*(</td></tr>)$#\1-\3#' \
               "$f" >"$dir.n/$base" ;;
      stdout.txt)
        sed -E -e '1s/, [0-9.]+ s$/, - s/' -e 's#^results written to .*$#results written to -#' "$f" >"$dir.n/$base" ;;
      *) cp "$f" "$dir.n/$base" ;;
    esac
  done
}

cases=()
for sc in scenarios/*.cfg; do cases+=("$(basename "$sc" .cfg)|$sc|"); done
cases+=("default-costing|scenarios/default.cfg|--costing")
out=$work/actual.sha256
: >"$out"
bad=0
for c in "${cases[@]}"; do
  IFS='|' read -r tag sc extra <<<"$c"
  # shellcheck disable=SC2086
  if ! OMP_WAIT_POLICY=passive "$bin" run "$sc" -o "$work/$tag" --replications 2 \
       --threads 2 $extra >"$work/$tag.stdout" 2>"$work/$tag.stderr"; then
    echo "check-golden: FAILED to run $bin run $sc $extra:" >&2
    sed -n 1,10p "$work/$tag.stderr" >&2
    bad=1
    continue
  fi
  mv "$work/$tag.stdout" "$work/$tag/stdout.txt"
  normalise "$work/$tag"
  (cd "$work/$tag.n" && sha256sum -- *) | sed "s#  #  $tag/#" >>"$out"
done
if [ $update -eq 1 ]; then
  if [ $bad -ne 0 ]; then echo "check-golden: not updated (a run failed)" >&2; exit 2; fi
  cp "$out" "$golden"
  echo "check-golden: recorded $(wc -l <"$golden") files in $golden"
  exit 0
fi
if [ ! -e "$golden" ]; then echo "check-golden: $golden missing (--update records it)" >&2; exit 2; fi
if ! diff <(sort -k2 "$golden") <(sort -k2 "$out") >"$work/diff.txt"; then
  echo "check-golden: outputs differ from $golden (< recorded, > now):"
  cat "$work/diff.txt"
  [ -n "$keep" ] && echo "check-golden: outputs kept in $keep"
  exit 1
fi
[ $bad -ne 0 ] && exit 1
echo "check-golden: $(wc -l <"$out") files of ${#cases[@]} runs identical to $golden"
