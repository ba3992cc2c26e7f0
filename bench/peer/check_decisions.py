#!/usr/bin/env python3
"""bench/peer/check_decisions.py BUILD [MONTHS...]: the numpy peer's decisions
against decision.c's, rep by rep, on the same inputs.

bench_peer_decisions (bench/bench_peer_decisions.c) steps one replication of
bench/standard.cfg (scaled to 2,000 reps) for MONTHS months under each plan
and writes, for every active rep, what salesim_decide reads and what its full
search (no warm start) chooses. This feeds the same inputs to peer.py's
decide_ts / decide_commission and prints the largest differences in hunting,
farming and CE per month. Same decisions means these are at rounding level
(golden-section ties aside)."""
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load(build, cfg, mech, months):
    out = subprocess.run([os.path.join(build, "bench", "bench_peer_decisions"), cfg, str(mech), str(months)],
                         check=True, capture_output=True, text=True).stdout
    rows = list(csv.DictReader(out.splitlines()))
    return {k: np.array([float(r[k]) for r in rows]) for k in rows[0]}


def report(name, d, h, f, ce):
    worst = 0.0
    for lab, mine, theirs, scale in (("hunt", h, d["hunt"], 1.0), ("farm", f, d["farm"], 1.0),
                                     ("ce_month", ce, d["ce_month"], np.abs(d["ce_month"]) + 1.0)):
        err = np.abs(mine - theirs) / scale
        print(f"  {name:14s} {lab:9s} max |diff| {err.max():.3g}{' (relative)' if lab == 'ce_month' else ''}"
              f"  reps with diff > 1e-6: {(err > 1e-6).sum()} of {err.size}")
        worst = max(worst, err.max())
    return worst


def main(argv):
    build = argv[1] if len(argv) > 1 else "build"
    months_list = [int(m) for m in argv[2:]] or [7, 12]
    sc = peer.Scenario(2000, 40, 36, 1)
    T = peer.Tables(sc)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "s.cfg")
        src = open(os.path.join(ROOT, "bench", "standard.cfg")).read()
        open(cfg, "w").write(src.replace("reps = 10000;", "reps = 2000;").replace("count = 200;", "count = 40;"))
        worst = 0.0
        for months in months_list:
            print(f"after {months} months (decisions of month {months + 1}):")
            d = load(build, cfg, 0, months)  # target salary
            M = int(d["months_left"][0])
            knot = np.stack([d["k0"], d["k1"], d["k2"]], axis=1)
            ds = np.stack([d["d0"], d["d1"], d["d2"]], axis=1)
            H = max(sc.horizon, M)
            h, f, cem, *_ = peer.decide_ts(
                sc, T, M, d["ability"], d["skill"], d["risk"], d["effort_cost"], d["book"], d["credit"],
                d["lead_rate"], d["rho"], d["base_month"], knot, ds, d["target"], d["exp_att"], d["sd_att"],
                d[f"pm{M}"], d[f"pv{M}"], d[f"pm{H}"])
            worst = max(worst, report("target_salary", d, h, f, cem))
            # salesim's warm start against the full search (issue 12: within 1e-6 of the full CE)
            loss = (d["ce_month"] - d["ce_month_warm"]) * peer.Tables(sc).disc[H]
            print(f"  {'target_salary':14s} warm start: {int(d['warm'].sum())} of {loss.size} warm-started; "
                  f"CE loss vs full search > 1e-6: {(loss > 1e-6).sum()}, max {loss.max():.3g} (currency over the plan)")
            d = load(build, cfg, 1, months)  # commission
            pm_all = np.stack([d[f"pm{m}"] for m in range(1, 25)], axis=1)
            pv_all = np.stack([d[f"pv{m}"] for m in range(1, 25)], axis=1)

            def by_m(mask, Mi):
                return pm_all[mask, Mi - 1], pv_all[mask, Mi - 1]

            h, f, cem, ceL = peer.decide_commission(
                sc, T, d["ability"], d["skill"], d["risk"], d["effort_cost"], d["savings"], d["book"],
                d["credit"], d["lead_rate"], d["rho"], d["pm24"], d["pv24"], by_m, d["pm6"])
            worst = max(worst, report("commission", d, h, f, cem))
            con = d["ce_month_liquid"] != d["ce_month"]
            err = np.abs(ceL - d["ce_month_liquid"]) / (np.abs(d["ce_month_liquid"]) + 1.0)
            print(f"  {'commission':14s} ce_liquid max |diff| {err.max():.3g} (relative); "
                  f"{con.sum()} reps liquidity-constrained")
            worst = max(worst, err.max())
    print(f"largest difference: {worst:.3g}")


if __name__ == "__main__":
    main(sys.argv)
