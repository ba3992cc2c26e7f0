#!/usr/bin/env bash
# scripts/make-example-company.sh: regenerate the example company's data
# files (scenarios/data/example-company/*.csv) from its hidden truth
# (scenarios/data/example-company/truth.cfg, seed 20261128): one replication
# of that simulated firm, exported with `salesim run --export-history`. The
# names in the files (people, territories, customers) are invented by the
# export. Usage: scripts/make-example-company.sh [SALESIM_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/salesim}
dir=scenarios/data/example-company
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$dir/truth.cfg" "$tmp/truth.cfg"
"$bin" run "$tmp/truth.cfg" -o "$tmp/run" --replications 1 --export-history "$tmp/history" >/dev/null
for f in territories accounts roster performance opportunities activities; do
  cp "$tmp/history/target_salary/$f.csv" "$dir/$f.csv"
done
wc -l "$dir"/*.csv
