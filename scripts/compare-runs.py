#!/usr/bin/env python3
"""Before/after of plan comparisons, from two sets of salesim output folders.

usage: scripts/compare-runs.py BEFORE AFTER [--metrics m1,m2,...] [SCENARIO...]

BEFORE and AFTER each hold one output folder per scenario (as `salesim run
scenarios/S.cfg -o BEFORE/S` writes them); SCENARIO names the folders to
compare (default: every folder in AFTER). For each scenario it prints a
markdown table: per plan and metric, the level (mean [95 % interval]) and
the paired difference against the scenario's baseline (the manifest of summary.json;
`diff_vs_baseline` [diff_ci_low, diff_ci_high] of summary.csv), before and
after. A metric missing on one side shows as "-". Used for the before/after
tables of docs/model-changes.md.
"""
import csv
import json
import os
import sys

DEFAULT = ['profit', 'revenue', 'pay_cost', 'new_hire_survival_12', 'quits', 'headcount_end']


def load(folder):
    """summary.csv rows by (plan, metric), the plans in order, the baseline
    (summary.json's "baseline"; the first plan when absent)."""
    path = os.path.join(folder, 'summary.csv')
    if not os.path.exists(path):
        return None, [], None
    rows, order = {}, []
    with open(path, newline='', encoding='utf-8') as f:
        for r in csv.DictReader(f):
            rows[(r['mechanism'], r['metric'])] = r
            if r['mechanism'] not in order:
                order.append(r['mechanism'])
    base = order[0] if order else None
    try:
        with open(os.path.join(folder, 'summary.json'), encoding='utf-8') as f:
            base = json.load(f).get('manifest', {}).get('baseline', base)
    except (OSError, ValueError):
        pass
    return rows, order, base


def fmt(x, unit):
    x = float(x)
    if x != x:
        return 'n/a'
    if unit.startswith('currency') and abs(x) >= 1e6:
        return '%.1fM' % (x / 1e6)
    if unit.startswith('currency') and abs(x) >= 1e4:
        return '%.2fM' % (x / 1e6)
    if unit == 'share':
        return '%.1f %%' % (100 * x)
    if abs(x) >= 1000:
        return '%.0f' % x
    return '%.3g' % x


def cell(r, base, level):
    if r is None:
        return '-'
    u = r['unit']
    if level:
        return '%s [%s, %s]' % (fmt(r['mean'], u), fmt(r['ci_low'], u), fmt(r['ci_high'], u))
    if base:
        return '-'
    if u == 'share':  # differences of shares in points
        return '%+.1f [%+.1f, %+.1f] pp' % tuple(100 * float(r[k]) for k in
                                                   ('diff_vs_baseline', 'diff_ci_low', 'diff_ci_high'))
    d = fmt(r['diff_vs_baseline'], u)
    return '%s%s [%s, %s]' % ('+' if float(r['diff_vs_baseline']) > 0 else '', d,
                              fmt(r['diff_ci_low'], u), fmt(r['diff_ci_high'], u))


def main(argv):
    args = argv[1:]
    metrics = DEFAULT
    if '--metrics' in args:
        i = args.index('--metrics')
        metrics = args[i + 1].split(',')
        del args[i:i + 2]
    if len(args) < 2:
        sys.stderr.write(__doc__)
        return 2
    before, after, names = args[0], args[1], args[2:]
    if not names:
        names = sorted(d for d in os.listdir(after) if os.path.isdir(os.path.join(after, d)))
    for name in names:
        a, order, base = load(os.path.join(after, name))
        if a is None:
            sys.stderr.write('compare-runs: %s: no summary.csv in %s\n' % (name, after))
            return 1
        b = load(os.path.join(before, name))[0] or {}
        print('\n#### `%s` (baseline `%s`)\n' % (name, base))
        print('| plan | metric | before | before: Δ vs baseline | after | after: Δ vs baseline |')
        print('|---|---|---|---|---|---|')
        for m in order:
            for k in metrics:
                ra, rb = a.get((m, k)), b.get((m, k))
                if ra is None and rb is None:
                    continue
                print('| %s | %s | %s | %s | %s | %s |' % (
                    m, k, cell(rb, m == base, 1), cell(rb, m == base, 0),
                    cell(ra, m == base, 1), cell(ra, m == base, 0)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
