# scripts/normalise-outputs.sh: sourced by scripts/check-determinism.sh and
# scripts/check-mpi.sh. normalise DIR copies the files those checks compare
# (every CSV, summary.json, scenario.cfg, report.md) into DIR.cmp, blanking
# only the run's own clock and thread count, which differ between runs that
# must otherwise be the same bytes.
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
