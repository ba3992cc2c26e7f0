#!/usr/bin/env python3
"""Team sizes of won and fallback territories, from tender_territories.csv.

usage: scripts/tender-staffing.py OUT/tender_territories.csv

Run the scenario with territory_table = "all" to pool every replication.
Prints one markdown row: territory-years won in a tender (count, mean team,
how many teams of each size), territory-years that fell back to the firm's
target (count, mean headcount), and realised sales / the firm's own target
for each.
"""
import collections
import csv
import statistics as st
import sys

R = [r for r in csv.DictReader(open(sys.argv[1])) if r['label'] == 'tender']
won = [r for r in R if r['winning_bid'] != '']
fb = [r for r in R if r['winning_bid'] == '']
sizes = collections.Counter(int(float(r['team_size'])) for r in won)
ratio = lambda rows: (sum(float(r['realised_sales']) for r in rows) /
                      sum(float(r['firm_target']) for r in rows))
print('| won: territory-years, mean team (teams by size) | fallback: territory-years, mean '
      'team | sales ÷ firm target, won / fallback |')
print('|---|---|---|')
print(f"| {len(won)}, {st.mean(float(r['team_size']) for r in won):.2f} "
      f"({', '.join(f'{k}: {v}' for k, v in sorted(sizes.items()))}) | "
      f"{len(fb)}, {st.mean(float(r['team_size']) for r in fb):.2f} | "
      f"{ratio(won):.3f} / {ratio(fb):.3f} |")
