#!/usr/bin/env bash
# scripts/behaviour-figures.sh: regenerate every figure of docs/behaviour.md
# and docs/flat-salary.md from runs of the shipped scenarios (and the
# variants the docs quote: the settings that drive the gaps to the field
# studies).
#
# usage: scripts/behaviour-figures.sh [SALESIM_BINARY] [OUT_DIR]
#   defaults: build/salesim, out/behaviour. About 40 s on two threads.
# Prints, per scenario, the mean [95 % interval] of each quoted metric and
# the paired difference to the scenario's baseline [95 % interval], as
# summary.csv has them; ratios (Misra-Nair) are the mean and t interval of
# the per-replication ratio from replications.csv.
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build/salesim}
out=${2:-out/behaviour}
if [ ! -x "$bin" ]; then
  echo "behaviour-figures: $bin not found (build first)" >&2
  exit 2
fi
mkdir -p "$out/cfg"
run() { "$bin" run "$1" -o "$out/$2" --threads 2 --quiet; }

# table DIR METRIC,METRIC...: mean [ci]  diff [ci] per mechanism
table() { python3 scripts/summary-table.py "$out/$1" "$2"; }

# ratio DIR A B METRIC: mean and 95 % t interval of A/B - 1 per replication
ratio() {
  python3 - "$out/$1" "$2" "$3" "$4" <<'PY'
import csv, sys, math
from statistics import mean, stdev
d, a, b, k = sys.argv[1:5]
v = {}
for r in csv.DictReader(open(d + '/replications.csv')):
    if r['metric'] == k:
        v[(r['mechanism'], r['replication'])] = float(r['value'])
reps = sorted({rep for _, rep in v}, key=int)
x = [v[(a, rep)] / v[(b, rep)] - 1 for rep in reps]
n = len(x)
t = {19: 2.093, 59: 2.001}.get(n - 1, 1.96)   # t(0.975, n-1) for the shipped counts
h = t * stdev(x) / math.sqrt(n)
print(f"  {k} {a}/{b} - 1 = {100*mean(x):+.1f} % [{100*(mean(x)-h):+.1f}, {100*(mean(x)+h):+.1f}]  ({d}, n={n})")
PY
}

# 1-3: commission reform
run scenarios/commission-reform.cfg commission-reform
table commission-reform offers_declined,hires,headcount_end,quits_broke,new_hire_survival_6,new_hire_survival_12,hunting_share_large_book,hunting_share_small_book,collisions,revenue,pay_cost,profit

# 4: ratchets, caps, Misra-Nair
run scenarios/ratchet-cap.cfg ratchet-cap
table ratchet-cap effort,effort_last_quarter,revenue,pay_cost,profit,deals_pushed,year_end_bunching,new_year_trough
ratio ratchet-cap mn_free mn_capped_ratchet revenue
ratio ratchet-cap ts_free ts_ratchet revenue
# the ratchet share of the plan Misra & Nair studied (assumption: 0.5)
for r in 0.0 0.25 0.35 0.75 1.0; do
  sed "s/name = \"mn_capped_ratchet\"; ratchet = 0.5;/name = \"mn_capped_ratchet\"; ratchet = $r;/" \
    scenarios/ratchet-cap.cfg >"$out/cfg/ratchet-cap-r$r.cfg"
  run "$out/cfg/ratchet-cap-r$r.cfg" "ratchet-cap-r$r"
  echo "  (mn_capped_ratchet ratchet = $r)"
  ratio "ratchet-cap-r$r" mn_free mn_capped_ratchet revenue
done
# the quota's level in the old plan (assumption: half the target); same
# commission rate (30,000 per 100 % of target) and pay at target (100,000)
q_old() { # NAME FIXED_SHARE CURVE
  sed -e "s/name = \"mn_capped_ratchet\"; ratchet = 0.5; fixed_share = 0.85;/name = \"mn_capped_ratchet\"; ratchet = 0.5; fixed_share = $2;/" \
      -e "s/curve = ( (0.0, 0.0), (0.5, 0.0), (1.5, 2.0) ); },/curve = $3; },/" \
    scenarios/ratchet-cap.cfg >"$out/cfg/ratchet-cap-$1.cfg"
  run "$out/cfg/ratchet-cap-$1.cfg" "ratchet-cap-$1"
  echo "  (old plan: $1)"
  ratio "ratchet-cap-$1" mn_free mn_capped_ratchet revenue
}
q_old quota0 0.7 "( (0.0, 0.0), (1.0, 1.0), (1.5, 1.5) )"
q_old quota75 0.925 "( (0.0, 0.0), (0.75, 0.0), (1.5, 3.0) )"

# 4: year-end bunching (Oyer), and what came from book-less hires
run scenarios/year-end-bonus.cfg year-end-bonus
table year-end-bonus year_end_bunching,new_year_trough,deals_pulled,revenue_moved,discount_share,effort,revenue,pay_cost,profit,headcount_end
sed 's/  push_deals = false;/  push_deals = false;\n  accounts_to_hire = false;/' scenarios/year-end-bonus.cfg \
  >"$out/cfg/year-end-bonus-noacc.cfg"
run "$out/cfg/year-end-bonus-noacc.cfg" year-end-bonus-noacc
table year-end-bonus-noacc year_end_bunching,new_year_trough,deals_pulled,revenue_moved

# push_deals: the default (false) against true, on default.cfg
run scenarios/default.cfg default
table default year_end_bunching,new_year_trough,deals_pulled,deals_pushed
sed 's/^production = {/production = {\n  push_deals = true;/' scenarios/default.cfg >"$out/cfg/default-push.cfg"
run "$out/cfg/default-push.cfg" default-push
table default-push year_end_bunching,new_year_trough,deals_pulled,deals_pushed

# 5: timing games (Larkin), and the settings behind the gap
run scenarios/timing-games.cfg timing-games
table timing-games revenue_moved,discount_share,deals_moved,deals_pulled,deals_pushed,discount_cost,year_end_bunching,new_year_trough,headcount_end,pay_cost,revenue,profit
{ cat scenarios/timing-games.cfg
  echo 'sweep = { design = "grid"; params = ( { path = "production.cycle_months"; values = [6.0, 9.0, 12.0]; }, { path = "production.pull_window"; values = [1, 3]; }, { path = "production.pull_discount"; values = [0.1, 0.2, 0.3, 0.4, 0.5]; } ); };'
} >"$out/cfg/timing-games-sweep.cfg"
run "$out/cfg/timing-games-sweep.cfg" timing-games-sweep
python3 - "$out/timing-games-sweep/sweep.csv" <<'PY'
import csv, sys
print('== timing-games sweep: accelerator discount_share [95 %], revenue_moved')
for r in csv.DictReader(open(sys.argv[1])):
    if r['mechanism'] != 'accelerator':
        continue
    print(f"  cycle_months {float(r['production.cycle_months']):>4g}  pull_window {r['production.pull_window']}"
          f"  pull_discount {float(r['production.pull_discount']):.1f}:  discount_share"
          f" {100*float(r['discount_share_mean']):.2f} % [{100*float(r['discount_share_ci_low']):.2f},"
          f" {100*float(r['discount_share_ci_high']):.2f}]  revenue_moved {100*float(r['revenue_moved_mean']):.1f} %")
PY

# docs/flat-salary.md
run scenarios/flat-salary-baseline.cfg flat-salary-baseline
table flat-salary-baseline revenue,new_customers,pay_cost,profit,effort,quits,hires,offers_declined,headcount_end,new_hire_survival_12,top_quintile_retention

# pipeline review and forecasts
run scenarios/pipeline-review.cfg pipeline-review
table pipeline-review warnings,warning_precision,warning_recall,warning_lead_months,pct_at_target,mgmt_cost,new_customers,forecast_error
