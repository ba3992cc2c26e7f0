#!/usr/bin/env bash
# scripts/rules-vs-mechanism-figures.sh: regenerate every figure of
# docs/rules-vs-mechanism.md from runs of the shipped scenarios and the
# variants the page quotes (cheap call-backs with dear training; the quota
# from 8 to 18).
#
# usage: scripts/rules-vs-mechanism-figures.sh [SALESIM_BINARY] [OUT_DIR]
#   defaults: build/salesim, out/rules-vs-mechanism. About 25 s on two threads.
# Prints the mean [95 % interval] of each quoted metric and the paired
# difference to the scenario's baseline [95 % interval] (summary.csv), the
# ladder-minus-monitoring paired difference (per replication, t interval,
# from replications.csv) and the monthly series the prose quotes
# (monthly.csv, averaged over replications).
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build/salesim}
out=${2:-out/rules-vs-mechanism}
if [ ! -x "$bin" ]; then
  echo "rules-vs-mechanism-figures: $bin not found (build first)" >&2
  exit 2
fi
mkdir -p "$out/cfg"
run() { "$bin" run "$1" -o "$out/$2" --threads 2 --quiet; }
M=new_customers,mgmt_cost,cost_per_new_customer,quits,pay_cost,profit

table() { python3 scripts/summary-table.py "$out/$1" "$2" --thousands; }

# pdiff DIR A B METRICS: paired A - B per replication, mean [95 % t interval]
pdiff() {
  python3 - "$out/$1" "$2" "$3" "$4" <<'PY'
import csv, sys, math
from statistics import mean, stdev
d, a, b, ks = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(',')
v = {}
for r in csv.DictReader(open(d + '/replications.csv')):
    v[(r['mechanism'], r['replication'], r['metric'])] = float(r['value'])
reps = sorted({k[1] for k in v}, key=int)
for k in ks:
    x = [v[(a, rep, k)] - v[(b, rep, k)] for rep in reps]
    n = len(x)
    t = {19: 2.093, 59: 2.001}.get(n - 1, 1.96)
    h = t * stdev(x) / math.sqrt(n)
    print(f"  {a} - {b}  {k:22s} {mean(x):+.4g} [{mean(x)-h:+.4g}, {mean(x)+h:+.4g}]  (n={n})")
PY
}

# monthly DIR: quarterly means of the monthly series the prose quotes
monthly() {
  python3 - "$out/$1" <<'PY'
import csv, sys
from collections import defaultdict
d = sys.argv[1]
s = defaultdict(lambda: defaultdict(list))
for r in csv.DictReader(open(d + '/monthly.csv')):
    q = (int(r['month']) - 1) // 3 + 1
    for k in ('false_reports', 'hunting_effort', 'new_customers', 'audit_share'):
        s[(r['mechanism'], k)][q].append(float(r[k]))
print('== monthly (mean per month, by quarter)', d)
for (m, k), qs in sorted(s.items()):
    print(f"  {m:16s} {k:15s} " + ' '.join(f"{sum(v)/len(v):6.1f}" for q, v in sorted(qs.items())))
PY
}

run scenarios/rules-vs-mechanism.cfg shipped
table shipped $M,visits_real,visits_false,rewards_paid,trainings,training_cost,demotions,top_quintile_retention
pdiff shipped training_ladder monitoring new_customers,cost_per_new_customer,mgmt_cost,quits
monthly shipped

# cheap call-backs are dear: audit_cost 300, training_cost 1000
sed -e 's/audit_cost = 80.0;/audit_cost = 300.0;/' -e 's/training_cost = 2500.0;/training_cost = 1000.0;/' \
  scenarios/rules-vs-mechanism.cfg >"$out/cfg/dear-audits.cfg"
run "$out/cfg/dear-audits.cfg" dear-audits
table dear-audits new_customers,mgmt_cost,cost_per_new_customer

# the rules win
run scenarios/rules-vs-mechanism-rules-win.cfg rules-win
table rules-win $M,visits_real,visits_false

# monitoring by quota, everything else as shipped
for q in 8 10 12 13 15 18; do
  sed "s/    quota = 15; /    quota = $q; /" scenarios/rules-vs-mechanism.cfg >"$out/cfg/quota$q.cfg"
  run "$out/cfg/quota$q.cfg" "quota$q"
  python3 - "$out/quota$q" "$q" <<'PY'
import csv, sys
d, q = sys.argv[1], sys.argv[2]
v = {r['metric']: float(r['mean']) for r in csv.DictReader(open(d + '/summary.csv'))
     if r['mechanism'] == 'monitoring' and r['mean'] != ''}
print(f"  quota {q:>2}: new customers {v['new_customers']:.0f}, false reports {v['visits_false']:.0f},"
      f" cost per new customer {v['cost_per_new_customer']/1e3:.1f}k, management cost {v['mgmt_cost']/1e3:.0f}k,"
      f" real visits {v['visits_real']:,.0f}")
PY
done
