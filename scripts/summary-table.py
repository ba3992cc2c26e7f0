#!/usr/bin/env python3
"""Print chosen metrics of a salesim run: mean [95 % interval] and the
paired difference against the baseline [interval], per plan.

usage: scripts/summary-table.py OUTDIR METRIC[,METRIC...] [--thousands]

Money of a million or more prints as M; with --thousands, amounts from
10,000 print as k. Used by scripts/behaviour-figures.sh and
scripts/rules-vs-mechanism-figures.sh to print the figures their pages quote.
"""
import csv
import sys


def main(argv):
    args = [a for a in argv[1:] if a != '--thousands']
    thousands = '--thousands' in argv
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    d, ms = args[0], args[1].split(',')
    rows, order = {}, []
    with open(d + '/summary.csv', newline='', encoding='utf-8') as fh:
        for r in csv.DictReader(fh):
            rows[(r['mechanism'], r['metric'])] = r
            if r['mechanism'] not in order:
                order.append(r['mechanism'])

    def f(x):
        if x == '':
            return '-'
        v = float(x)
        if thousands:
            if abs(v) >= 1e6:
                return f"{v/1e6:.3g}M"
            if abs(v) >= 1e4:
                return f"{v/1e3:.4g}k"
            return f"{v:.4g}"
        return f"{v/1e6:.4g}M" if abs(v) >= 1e6 else f"{v:.4g}"

    wk, wm = (22, 16) if thousands else (24, 20)
    print('==', d)
    for k in ms:
        for m in order:
            r = rows.get((m, k))
            if r:
                print(f"  {k:{wk}s} {m:{wm}s} {f(r['mean'])} [{f(r['ci_low'])}, {f(r['ci_high'])}]"
                      f"   diff {f(r['diff_vs_baseline'])} [{f(r['diff_ci_low'])}, {f(r['diff_ci_high'])}]")
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
