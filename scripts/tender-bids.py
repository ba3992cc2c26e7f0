#!/usr/bin/env python3
"""Bids per territory in each tender year, from tender_territories.csv.

usage: scripts/tender-bids.py OUT/tender_territories.csv

Run the scenario with territory_table = "all" to pool every replication
(with "first" only replication 1 is in the table). Prints a markdown table,
one row per tender year over all replications: P10/P50/P90/max of valid
bids per territory, the share of territories without a bid, the 10
most-bid territories' share of all bids (mean over replications), and the
mean bids on a territory by quintile of the firm's error ln(firm_estimate /
potential), from the most under-estimated (cheapest posted target) to the
most over-estimated. Herding shows as many territories without a bid, a
large top-10 share and bids piled on the first quintile.
"""
import csv
import math
import statistics as st
import sys

rows = [r for r in csv.DictReader(open(sys.argv[1])) if r['label'] == 'tender']
years = sorted({int(r['year']) for r in rows})
print('| tender year | bids per territory P10 / P50 / P90 / max | territories with no bid | '
      '10 most-bid territories\' share of bids | mean bids by quintile of the firm\'s error, '
      'most under- → most over-estimated |')
print('|---|---|---|---|---|')
for y in years:
    R = [r for r in rows if int(r['year']) == y]
    b = sorted(int(float(r['bids'])) for r in R)
    n = len(b)
    q = lambda p: b[min(n - 1, int(p * n))]
    tops = []
    for rep in sorted({r['replication'] for r in R}):
        bb = sorted((int(float(r['bids'])) for r in R if r['replication'] == rep), reverse=True)
        tops.append(sum(bb[:10]) / max(1, sum(bb)))
    e = sorted((math.log(float(r['firm_estimate']) / float(r['potential'])),
                int(float(r['bids']))) for r in R)
    qs = [st.mean(x[1] for x in e[i * n // 5:(i + 1) * n // 5]) for i in range(5)]
    print(f'| {y} | {q(.1)} / {q(.5)} / {q(.9)} / {b[-1]} | {sum(x == 0 for x in b) / n:.0%} | '
          f'{st.mean(tops):.0%} | {" · ".join("%.1f" % x for x in qs)} |')
