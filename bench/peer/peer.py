#!/usr/bin/env python3
"""bench/peer/peer.py: a vectorised numpy implementation of salesim's model
for the commission arm of bench/standard.cfg (issue 12: "at least 8x faster
than a vectorised numpy implementation of the same model").

Same model, same decisions (docs/model.md, models/core/*.c):
  * world: territories (potential, book, prospects drawn as in
    world_alloc.c), lead_rate_k = P_k / (n_k * 12 * 0.2 * E[V]), monthly
    log-normal shocks, the starting force with tenure-weighted books and
    starting pipelines (split_books);
  * month: plan-year reset, vacancies (up to `candidates` applicants, each a
    fresh draw who takes the job if its liquidity-constrained CE per month
    beats its outside wage), decisions of every active rep, market (book
    revenue and churn reduced by farming, pipeline step, wins to the book,
    prospects used up, Poisson leads with collisions), commission pay and
    living cost, orphan (held) books, leaving (broke, CE below outside
    wage, life events), as models/core/sim.c;
  * decision: decision.c for open-ended linear pay (straight commission):
    mu = rate, the closed-form bundle (both first-order conditions or a
    corner, Lambert W by Halley iteration), CE, then broke_month and the
    liquidity-constrained re-solve; pipeline_expect from per-deal arrays.
    `solve_schedule` is the vectorised grid + golden-section search of
    decision.c for a piecewise-linear schedule (target salary), used by the
    decision test only (see S3.md for what the target-salary arm still needs).

Random numbers are numpy's (PCG64), not salesim's streams: outputs agree in
distribution, not draw by draw. Deals live in flat arrays (owner, stage,
value): the natural numpy layout.

Usage: peer.py SCENARIO_REPS TERRITORIES REPLICATIONS [--seed N] [--json]
"""
import json
import math
import sys
import time

import numpy as np

STAGES = 5
MAXH = 240


def lognormal(rng, mean, sd, size):
    s2 = math.log(1 + (sd / mean) ** 2)
    return np.exp(math.log(mean) - 0.5 * s2 + math.sqrt(s2) * rng.standard_normal(size))


class Scenario:
    """bench/standard.cfg with the defaults it does not set (salesim params)."""

    def __init__(self, reps=10000, territories=200, months=36, replications=20):
        self.reps, self.n_terr, self.months, self.replications = reps, territories, months, replications
        self.mpy = 12
        # production
        self.cycle = 6.0
        self.deal_mean, self.deal_sd = 150000.0, 75000.0
        self.account_share = 0.02
        self.churn = 0.02
        self.orphan_churn = 0.06
        self.farm_effect = 1.5
        self.hunt_pain = 1.5
        self.market_sd = 0.15
        # population
        self.ability = (1.0, 0.3)
        self.skill = (1.0, 0.2)
        self.risk = (3e-6, 2e-6)
        self.effort_cost = (1500.0, 500.0)
        self.outside_wage = (5500.0, 1200.0)  # normal, min 0
        self.savings_months = (3.0, 2.0)
        self.tenure_max = 96.0
        self.living = 4000.0
        self.hire_delay = 1
        self.candidates = 5
        self.quit_rate = 0.005
        self.horizon = 24
        self.discount = 0.99
        # territories
        self.potential = (100e6, 30e6)
        self.book = (12.5e6, 3.75e6)
        self.prospects = (5000.0, 1250.0)
        # commission
        self.rate = 0.029
        # target salary
        self.salary_by_grade = [90000.0, 110000.0, 140000.0]
        self.grade_tenure = [0, 24, 60]
        self.fixed_share = 0.7
        self.potential_share = 0.5
        self.book_factor = 1.0
        self.firm_estimate_sd = 0.25
        self.pull_window = 1
        self.pull_discount = 0.1


class Tables:
    """pipeline.c salesim_pipeline_calibrate."""

    def __init__(self, sc):
        q = min(1.0, 4.0 / sc.cycle)
        adv = np.zeros(STAGES)
        lose = np.zeros(STAGES)
        for j in range(1, STAGES):
            adv[j] = q * j / (j + 1.0)
            lose[j] = q / (j + 1.0)
        ww = np.zeros((STAGES, MAXH + 1))
        for m in range(1, MAXH + 1):
            for j in range(STAGES - 1, 0, -1):
                up = 1.0 if j == STAGES - 1 else ww[j + 1, m - 1]
                stay = 1 - adv[j] - lose[j]
                ww[j, m] = adv[j] * up + stay * ww[j, m - 1]
        psi = np.zeros(MAXH + 1)
        for m in range(1, MAXH + 1):
            psi[m] = psi[m - 1] + ww[1, m - 1]
        d = sc.discount if sc.discount > 0 else 1
        wd = np.zeros(MAXH + 1)
        dk = 1.0
        for u in range(1, MAXH + 1):
            dk *= d
            wd[u] = wd[u - 1] + dk * (ww[1, u] - ww[1, u - 1])
        disc = np.zeros(MAXH + 1)
        psi_d = np.zeros(MAXH + 1)
        keep_d = np.zeros(MAXH + 1)
        gain_d = np.zeros(MAXH + 1)
        ds, keepd = 1.0, 1.0
        for m in range(1, MAXH + 1):
            tau = m - 1
            disc[m] = disc[m - 1] + ds
            keep_d[m] = keep_d[m - 1] + keepd
            gain_d[m] = gain_d[m - 1] + (ds * tau * (1 - sc.churn) ** (tau - 1) if tau > 0 else 0)
            ds *= d
            keepd *= d * (1 - sc.churn)
            acc, dsum = 0.0, 1.0
            for s0 in range(m):
                acc += dsum * wd[m - 1 - s0]
                dsum *= d
            psi_d[m] = acc
        self.adv, self.lose, self.ww, self.psi = adv, lose, ww, psi
        self.disc, self.psi_d, self.keep_d, self.gain_d = disc, psi_d, keep_d, gain_d
        keep_u = np.zeros(MAXH + 1)
        gain_u = np.zeros(MAXH + 1)
        kp = 1.0
        for m in range(1, MAXH + 1):
            tau = m - 1
            keep_u[m] = keep_u[m - 1] + kp
            gain_u[m] = gain_u[m - 1] + (tau * (1 - sc.churn) ** (tau - 1) if tau > 0 else 0)
            kp *= 1 - sc.churn
        self.keep, self.gain = keep_u, gain_u
        self.dpow = d ** np.arange(MAXH + 1)
        self.vbar = sc.deal_mean
        self.m2 = sc.deal_sd ** 2 + sc.deal_mean ** 2


def lambert_w0(x):
    """W0 for x >= 0 by Halley iteration (to ~1e-15 in 6 steps from this start)."""
    x = np.asarray(x, dtype=float)
    w = np.log1p(x)
    big = x > 3
    lx = np.log(np.where(big, x, 3.0))
    w = np.where(big, lx - np.log(lx), w)
    for _ in range(8):
        ew = np.exp(w)
        f = w * ew - x
        wp1 = w + 1
        w = w - f / (ew * wp1 - (w + 2) * f / (2 * wp1))
    return np.where(x > 0, w, 0.0)


def bundle(m_h, G, k, pain, Mc):
    """decision.c bundle(), vectorised: the cheapest (h, f) valuing credit so."""
    with np.errstate(divide="ignore", invalid="ignore"):
        e = m_h / (pain * Mc)
        fi = np.where(G > 0, np.log(np.maximum(G, 1e-300) * k * pain / np.maximum(m_h, 1e-300)) / k, -1.0)
        h_int = m_h / (pain * pain * Mc)
        pos = m_h > 0
        h = np.where(pos & (fi <= 0), h_int, np.where(pos & (e > fi), (e - fi) / pain, 0.0))
        need = (~pos | ((fi > 0) & (e <= fi))) & (G > 0) & (Mc > 0)
        farm_only = np.zeros(np.shape(m_h))
        if need.any():
            farm_only[need] = lambert_w0(G[need] * k * k / Mc[need]) / k
        f = np.where(~pos, farm_only,
                     np.where(fi <= 0, 0.0, np.where(e <= fi, farm_only, fi)))
    ok = Mc > 0
    return np.where(ok, h, 0.0), np.where(ok, f, 0.0)


# ---- target salary: piecewise-linear schedules, vectorised ----------------
def norm_cdf_pdf(z, pdf):
    """schedule.c's Zelen & Severo normal CDF from the density."""
    t = 1.0 / (1.0 + 0.2316419 * np.abs(z))
    poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))))
    upper = pdf * poly
    return np.where(z >= 0, 1.0 - upper, upper)


def sched_expect(knot, ds, m, sd):
    """salesim_schedule_expect for a = b = 0: value and slope. knot and ds are
    sequences of 1-D arrays (one per knot, contiguous: a loop over the few
    knots of 1-D operations beats (n, k) arrays reduced along an axis)."""
    pos = sd > 0
    sds = np.where(pos, sd, 1.0)
    v = np.zeros(m.shape)
    d = np.zeros(m.shape)
    v0 = np.zeros(m.shape)
    d0 = np.zeros(m.shape)
    for kn, dk in zip(knot, ds):
        dm = m - kn
        z = dm / sds
        pdf = 0.39894228040143267794 * np.exp(-0.5 * z * z)
        cdf = norm_cdf_pdf(z, pdf)
        v += dk * (dm * cdf + sds * pdf)
        d += dk * cdf
        v0 += dk * np.maximum(dm, 0)
        d0 += dk * (dm >= 0)
    if pos.all():
        return v, d
    return np.where(pos, v, v0), np.where(pos, d, d0)


def sched_eval(knot, ds, x):
    """salesim_schedule_eval, knot and ds (n, k)."""
    return (ds * np.maximum(x[:, None] - knot, 0)).sum(axis=1)


def ts_plan(sc, month_in_year, tenure, book, est_share):
    """target_salary.c ts_set_plan: target, variable pay, base, schedule."""
    left = sc.mpy - month_in_year
    prorate = left / sc.mpy
    g = np.zeros(tenure.shape, np.int64)
    for i, gt in enumerate(sc.grade_tenure):
        g[tenure >= gt] = i
    salary = np.asarray(sc.salary_by_grade)[g]
    target = (sc.potential_share * est_share + sc.book_factor * 12.0 * book) * prorate
    V = salary * (1 - sc.fixed_share) * prorate
    base = salary * sc.fixed_share / 12.0
    T = target
    knot = np.stack([np.zeros_like(T), T, 1.5 * T], axis=1)
    ds = np.stack([V / T, 3 * V / T, -4 * V / T], axis=1)
    return target, base, knot, ds


def decide_ts(sc, T, M, ab, sk, risk, ec, book, credit, lead_rate, rho, base_month, knot, ds,
              target, exp_att, sd_att, pm, pv, pmH):
    """decision.c salesim_decide for a target-salary plan (paid at the year's
    end, not open-ended), the full search: 12-point grid on the shadow price
    and 14 golden-section steps, vectorised over agents. Liquidity never binds
    here (base >= living cost: checked by the caller)."""
    H = max(sc.horizon, M)
    k, pain = sc.farm_effect, sc.hunt_pain
    lead_unit = lead_rate * ab * sk * rho
    B = book
    slopes = np.cumsum(ds, axis=1)  # knots are increasing here: slope right of each knot
    knot = list(np.ascontiguousarray(knot.T))
    ds = list(np.ascontiguousarray(ds.T))
    # after_value (world.c salesim_world_after_value)
    xa = np.where(exp_att > 0, exp_att * target, target)
    sda = np.maximum(sd_att, 0.1) * target
    _, av = sched_expect(knot, ds, xa, sda)
    X0 = credit + pm + B * T.keep[M]
    var0 = pv
    H_in = lead_unit * T.vbar * T.psi[M]
    hvar = lead_unit * T.psi[M] * T.m2
    F_in = B * sc.churn * T.gain[M]
    H_after = lead_unit * T.vbar * (T.psi_d[H] - T.psi_d[M])
    F_after = B * sc.churn * (T.gain_d[H] - T.gain_d[M])
    after0 = B * (T.keep_d[H] - T.keep_d[M]) + (pmH - pm)
    weight = T.disc[H]
    base = base_month * weight
    Mc = weight * ec
    pay_disc = T.dpow[M - 1]

    def evaluate(mu):
        mh = mu * H_in + av * H_after
        G = mu * F_in + av * F_after
        h, f = bundle(mh, G, k, pain, Mc)
        saved = 1 - np.exp(-k * f)
        x = X0 + H_in * h + F_in * saved
        var = var0 + hvar * h
        sd = np.sqrt(np.maximum(var, 0))
        pay, slope = sched_expect(knot, ds, x, sd)
        pay = pay_disc * pay
        slope = slope * pay_disc
        after = av * (after0 + H_after * h + F_after * saved)
        e = pain * h + f
        ce = base + pay + after - 0.5 * Mc * e * e - 0.5 * risk * slope * slope * var
        return ce, h, f, x, sd, slope

    # full_grid: mu scaled by the steepest slope of the schedule
    sref = np.maximum(np.maximum(slopes.max(axis=1), 0), av)
    sref = np.where(sref > 0, sref, 1e-6)
    grid = np.array([0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0, 1.2, 1.5, 2.0, 3.0])
    n = ab.size
    best = np.full(n, -np.inf)
    bi = np.zeros(n, np.int64)
    for i, gv in enumerate(grid):
        ce = evaluate(gv * sref)[0]
        better = ce > best
        best = np.where(better, ce, best)
        bi = np.where(better, i, bi)
    lo = grid[np.maximum(bi - 1, 0)] * sref
    hi = grid[np.minimum(bi + 1, grid.size - 1)] * sref
    best_mu = grid[bi] * sref
    g = 0.6180339887498949
    x1 = hi - g * (hi - lo)
    x2 = lo + g * (hi - lo)
    f1 = evaluate(x1)[0]
    f2 = evaluate(x2)[0]
    for _ in range(14):
        left = f1 < f2
        lo = np.where(left, x1, lo)
        hi = np.where(left, hi, x2)
        nx1 = np.where(left, x2, hi - g * (hi - lo))
        nx2 = np.where(left, lo + g * (hi - lo), x1)
        nf1 = np.where(left, f2, 0.0)
        nf2 = np.where(left, 0.0, f1)
        fn = evaluate(np.where(left, nx2, nx1))[0]
        f1 = np.where(left, nf1, fn)
        f2 = np.where(left, fn, nf2)
        x1, x2 = nx1, nx2
    # the larger of the last two points replaces the grid's best when it beats it
    pick2 = f2 > f1
    fx = np.where(pick2, f2, f1)
    xx = np.where(pick2, x2, x1)
    upd = fx > best
    best_mu = np.where(upd, xx, best_mu)
    ce, h, f, x, sd, slope = evaluate(best_mu)
    return h, f, ce / weight, x, sd, slope, av


class Deals:
    """Open opportunities in flat arrays."""

    def __init__(self):
        self.owner = np.zeros(0, np.int64)
        self.stage = np.zeros(0, np.int8)
        self.value = np.zeros(0)

    def add(self, owner, stage, value):
        self.owner = np.concatenate([self.owner, owner])
        self.stage = np.concatenate([self.stage, stage.astype(np.int8)])
        self.value = np.concatenate([self.value, value])

    def keep(self, mask):
        self.owner, self.stage, self.value = self.owner[mask], self.stage[mask], self.value[mask]

    def expect(self, T, m, n):
        """salesim_pipeline_expect for every agent at horizon m (scalar or per deal)."""
        p = T.ww[self.stage, m if np.isscalar(m) else m[self.owner]]
        mu = np.bincount(self.owner, p * self.value, minlength=n)
        var = np.bincount(self.owner, p * (1 - p) * self.value * self.value, minlength=n)
        return mu, var


def decide_commission(sc, T, ab, sk, risk, ec, sav, book, credit, lead_rate, rho, deals_mu24,
                      deals_var24, deals_mu_by_m, pm_cyc):
    """decision.c salesim_decide for straight commission, vectorised over agents.

    Returns hunt, farm, ce_month (unconstrained, for staying), ce_month_liquid."""
    H = sc.horizon
    mu = sc.rate
    weight = T.disc[H]
    Mc = weight * ec
    k, pain = sc.farm_effect, sc.hunt_pain
    lead_unit = lead_rate * ab * sk * rho  # difficulty 1
    B = book

    def solve(Mi, pm, pv):
        X0 = credit + pm + B * T.keep_d[Mi]
        H_in = lead_unit * T.vbar * T.psi_d[Mi]
        hvar = lead_unit * T.psi[Mi] * T.m2
        F_in = B * sc.churn * T.gain_d[Mi]
        extra_h = -0.5 * risk * mu * mu * hvar
        h, f = bundle(mu * H_in + extra_h, mu * F_in, k, pain, Mc)
        saved = 1 - np.exp(-k * f)
        X = X0 + H_in * h + F_in * saved
        var = pv + hvar * h
        e = pain * h + f
        ce = mu * X - 0.5 * Mc * e * e - 0.5 * risk * mu * mu * var
        return h, f, ce

    h, f, ce = solve(H, deals_mu24, deals_var24)
    ce_month = ce / weight
    # broke_month (monthly pay): months the savings last at this hunting
    cyc = int(math.ceil(sc.cycle))
    lead_value = lead_rate * ab * sk * rho * T.vbar
    safe = mu * book >= sc.living
    s = sav.copy()
    bk = book.copy()
    tb = np.full(book.shape, H + 1)
    alive = ~safe
    for tau in range(1, H + 1):
        comm = bk + (pm_cyc / cyc if tau <= cyc else 0.0) + h * lead_value * T.ww[1, tau - 1]
        s += np.maximum(0.0, mu * comm) - sc.living
        hit = alive & (s < 0) & (tb > H)
        tb[hit] = tau
        bk *= 1 - sc.churn
    ce_liq = ce_month.copy()
    con = tb <= H
    if con.any():
        Mi = np.maximum(tb[con] - 1, 1)
        pm, pv = deals_mu_by_m(con, Mi)
        # keep_d / psi_d / gain_d indexed per agent
        X0 = credit[con] + pm + B[con] * T.keep_d[Mi]
        lu = lead_unit[con]
        H_in = lu * T.vbar * T.psi_d[Mi]
        hvar = lu * T.psi[Mi] * T.m2
        F_in = B[con] * sc.churn * T.gain_d[Mi]
        r = risk[con]
        hh, ff = bundle(mu * H_in - 0.5 * r * mu * mu * hvar, mu * F_in, k, pain, Mc[con])
        saved = 1 - np.exp(-k * ff)
        X = X0 + H_in * hh + F_in * saved
        var = pv + hvar * hh
        e = pain * hh + ff
        cec = mu * X - 0.5 * Mc[con] * e * e - 0.5 * r * mu * mu * var
        h = h.copy()
        f = f.copy()
        h[con] = hh
        f[con] = ff
        ce_liq[con] = cec / weight
    return h, f, ce_month, ce_liq


def run_rep(sc, T, seed, rep, mech="commission"):
    ts = mech == "target_salary"
    rng = np.random.default_rng([seed, rep])
    N, K = sc.reps, sc.n_terr
    # territories (world_alloc.c draw_territories)
    potential = lognormal(rng, *sc.potential, K)
    tbook = lognormal(rng, *sc.book, K)
    prospects0 = np.maximum(1, lognormal(rng, *sc.prospects, K))
    prospects = prospects0.copy()
    est_firm = potential * np.exp(rng.normal(0, sc.firm_estimate_sd, K))
    terr = np.arange(N) % K
    nslots = np.bincount(terr, minlength=K).astype(float)
    lead_rate_k = potential / (nslots * 12.0 * 0.2 * T.vbar)
    est_share = (est_firm / nslots)[terr]
    by_terr = np.lexsort((np.arange(N), terr))  # slots by territory, then slot order
    terr_count = np.bincount(terr, minlength=K)
    terr_end = np.cumsum(terr_count)
    shocks = np.exp(rng.normal(0, sc.market_sd, (sc.months, K)) - 0.5 * sc.market_sd ** 2)

    def draw_people(n):
        ab = lognormal(rng, *sc.ability, n)
        sk = lognormal(rng, *sc.skill, n)
        rk = np.maximum(0, lognormal(rng, *sc.risk, n))
        ec = np.maximum(1e-9, lognormal(rng, *sc.effort_cost, n))
        ow = np.maximum(0, rng.normal(sc.outside_wage[0], sc.outside_wage[1], n))
        sv = np.maximum(0, lognormal(rng, *sc.savings_months, n)) * sc.living
        return ab, sk, rk, ec, ow, sv

    ab, sk, rk, ec, ow, sav = draw_people(N)
    tenure = np.floor(rng.uniform(0, sc.tenure_max, N))
    tsum = np.bincount(terr, tenure, minlength=K)
    book = np.where(tsum[terr] > 0, tbook[terr] * tenure / np.maximum(tsum[terr], 1e-300),
                    tbook[terr] / nslots[terr])
    active = np.ones(N, bool)
    held = np.zeros(N)
    vacant_until = np.zeros(N, np.int64)
    credit = np.zeros(N)
    # target salary state of each slot
    target = np.zeros(N)
    base_month = np.zeros(N)
    knot = np.zeros((N, 3))
    dsl = np.zeros((N, 3))
    exp_att = np.zeros(N)
    sd_att = np.zeros(N)
    m_now = np.zeros(N)
    m_after = np.zeros(N)
    deals = Deals()
    q = 4.0 / sc.cycle
    ramp = np.minimum(1.0, tenure / sc.cycle)
    lam0 = 0.5 * lead_rate_k[terr] * ab * sk * ramp
    for j in range(1, STAGES):
        n = rng.poisson(lam0 * (1.0 / j) / q)
        own = np.repeat(np.arange(N), n)
        deals.add(own, np.full(own.size, j), lognormal(rng, sc.deal_mean, sc.deal_sd, own.size))

    keys = ["revenue", "revenue_new", "hunting", "farming", "headcount", "quits", "hires", "pay",
            "effort", "active", "new_customers", "collisions", "quits_broke"]
    out = {k_: np.zeros(sc.months) for k_ in keys}
    arangeN = np.arange(N)

    def expect_sub(idx_mask, Mi):
        # pipeline_expect for the agents in idx_mask at their own horizon Mi
        m_of = np.zeros(N, np.int64)
        m_of[idx_mask] = Mi
        sel = idx_mask[deals.owner]
        p = T.ww[deals.stage[sel], m_of[deals.owner[sel]]]
        v = deals.value[sel]
        mu_ = np.bincount(deals.owner[sel], p * v, minlength=N)[idx_mask]
        var_ = np.bincount(deals.owner[sel], p * (1 - p) * v * v, minlength=N)[idx_mask]
        return mu_, var_

    for t in range(sc.months):
        miy = t % sc.mpy
        M = sc.mpy - miy  # months left in the plan year
        if miy == 0:
            credit[:] = 0
            if ts:
                ia = np.flatnonzero(active)
                target[ia], base_month[ia], knot[ia], dsl[ia] = ts_plan(sc, 0, tenure[ia], book[ia], est_share[ia])
                if (base_month[ia] < sc.living).any():
                    raise NotImplementedError("target salary below living cost: liquidity rule not in the peer")
        rho = prospects / prospects0
        # 2. vacancies: applicants in order, the first who accepts
        vac = np.flatnonzero(~active & (t >= vacant_until))
        if vac.size:
            nv = vac.size
            C = sc.candidates
            pa = draw_people(nv * C)
            slot = np.repeat(vac, C)
            bk = held[slot]
            zero = np.zeros(nv * C)
            if ts:
                tg, bm, kn, dd = ts_plan(sc, miy, zero, bk, est_share[slot])
                _, _, ceL, xx, sdd, _, _ = decide_ts(
                    sc, T, M, pa[0], pa[1], pa[2], pa[3], bk, zero, lead_rate_k[terr[slot]],
                    rho[terr[slot]], bm, kn, dd, tg, zero, zero, zero, zero, zero)
            else:
                _, _, _, ceL = decide_commission(
                    sc, T, pa[0], pa[1], pa[2], pa[3], pa[5], bk, zero, lead_rate_k[terr[slot]],
                    rho[terr[slot]], zero, zero, lambda m, Mi: (np.zeros(Mi.size), np.zeros(Mi.size)),
                    zero)
            acc = (ceL >= pa[4]).reshape(nv, C)
            any_acc = acc.any(axis=1)
            first = acc.argmax(axis=1)
            pick = np.arange(nv) * C + first
            hi = vac[any_acc]
            pk = pick[any_acc]
            ab[hi], sk[hi], rk[hi], ec[hi], ow[hi], sav[hi] = (x[pk] for x in pa)
            book[hi] = held[hi]
            held[hi] = 0
            tenure[hi] = 0
            credit[hi] = 0
            active[hi] = True
            if ts:
                target[hi], base_month[hi], knot[hi], dsl[hi] = tg[pk], bm[pk], kn[pk], dd[pk]
                exp_att[hi] = xx[pk] / tg[pk]
                sd_att[hi] = sdd[pk] / tg[pk]
            vacant_until[vac[~any_acc]] = t + 1
            out["hires"][t] = hi.size
        # 3. decisions of every active rep
        idx = np.flatnonzero(active)
        hunt = np.zeros(N)
        farm = np.zeros(N)
        stay = np.zeros(N)
        if ts:
            pm, pv = deals.expect(T, M, N)
            pmH, _ = deals.expect(T, max(sc.horizon, M), N)
            h, f, cem, xx, sdd, slope, av = decide_ts(
                sc, T, M, ab[idx], sk[idx], rk[idx], ec[idx], book[idx], credit[idx],
                lead_rate_k[terr[idx]], rho[terr[idx]], base_month[idx], knot[idx], dsl[idx],
                target[idx], exp_att[idx], sd_att[idx], pm[idx], pv[idx], pmH[idx])
            exp_att[idx] = xx / target[idx]
            sd_att[idx] = sdd / target[idx]
            m_now[idx] = slope
            m_after[idx] = av
        else:
            mu24, var24 = deals.expect(T, sc.horizon, N)
            pm6, _ = deals.expect(T, int(math.ceil(sc.cycle)), N)
            h, f, cem, _ = decide_commission(
                sc, T, ab[idx], sk[idx], rk[idx], ec[idx], sav[idx], book[idx], credit[idx],
                lead_rate_k[terr[idx]], rho[terr[idx]], mu24[idx], var24[idx],
                lambda m, Mi: expect_sub(np.isin(arangeN, idx[m]), Mi), pm6[idx])
        hunt[idx], farm[idx], stay[idx] = h, f, cem
        intensity = ab * sk * hunt
        hunters = np.bincount(terr, intensity, minlength=K)
        # 4. market: book, timing games, pipeline step, wins, leads
        rev_book = book.copy() * active
        book = book * (1 - sc.churn * np.exp(-sc.farm_effect * farm))
        won_value = np.zeros(N)
        wins = np.zeros(N)
        if ts and M <= sc.pull_window:
            # pipeline.c salesim_pipeline_pull: an 80 % deal signed now at a discount
            top = STAGES - 1
            in_time = T.ww[top, M]
            eventual = 0.2 * top
            wait = m_now * in_time + m_after * (eventual - in_time)
            pull = eventual * m_now * (1 - sc.pull_discount)
            pulls = active & (pull > wait * (1 + 1e-9) + 1e-12)
            sel = (deals.stage == top) & pulls[deals.owner]
            if sel.any():
                u = rng.random(sel.sum())
                w_ = u < eventual
                o_ = deals.owner[sel][w_]
                won_value += np.bincount(o_, deals.value[sel][w_] * (1 - sc.pull_discount), minlength=N)
                wins += np.bincount(o_, minlength=N)
                deals.keep(~sel)
        u = rng.random(deals.stage.size)
        st = deals.stage
        a_ = T.adv[st]
        l_ = T.lose[st]
        up = u < a_
        lost = (~up) & (u < a_ + l_)
        won = up & (st == STAGES - 1)
        won_value += np.bincount(deals.owner[won], deals.value[won], minlength=N)
        wins += np.bincount(deals.owner[won], minlength=N)
        deals.stage = np.where(up & ~won, st + 1, st).astype(np.int8)
        deals.keep(~(won | lost))
        book += won_value * sc.account_share
        # market.c runs slot by slot: a rep's leads see the pool after its own
        # and earlier slots' wins in its territory (slots are dealt round-robin)
        cw = np.cumsum(wins[by_terr])
        cw_in = cw - np.repeat(np.concatenate([[0.0], cw[terr_end[:-1] - 1]]), terr_count)
        seen = np.empty(N)
        seen[by_terr] = np.maximum(0, prospects[terr[by_terr]] - cw_in)
        prospects = np.maximum(0, prospects - np.bincount(terr, wins, minlength=K))
        sh = shocks[t]
        lam = lead_rate_k[terr] * intensity * (seen / prospects0[terr]) * sh[terr]
        n = rng.poisson(lam)
        if not ts:  # collisions: hunters without assigned accounts
            others = hunters[terr] - intensity
            pc = np.where(hunters[terr] > intensity,
                          np.minimum(0.9, lead_rate_k[terr] * others * sh[terr] * 5.0 /
                                     np.maximum(1.0, seen)), 0.0)
            n_all = n
            n = rng.binomial(n, 1 - pc)
            out["collisions"][t] = (n_all - n).sum()
        own = np.repeat(arangeN, n)
        deals.add(own, np.ones(own.size), lognormal(rng, sc.deal_mean, sc.deal_sd, own.size))
        # 5. pay and living cost; the plan year's end
        cr = won_value + rev_book
        if ts:
            pay = base_month * active
        else:
            pay = sc.rate * cr * active
        credit += cr * active
        if ts and miy == sc.mpy - 1:
            pay = pay + np.where(active, sched_eval(knot, dsl, credit), 0.0)
        sav = np.where(active, sav + pay - sc.living, sav)
        orphan_rev = held.sum()
        held *= 1 - sc.orphan_churn
        out["revenue"][t] = won_value.sum() + rev_book.sum() + orphan_rev
        out["revenue_new"][t] = won_value.sum()
        out["hunting"][t] = hunt.sum()
        out["farming"][t] = farm.sum()
        out["pay"][t] = pay.sum()
        out["effort"][t] = (sc.hunt_pain * hunt + farm).sum()
        out["active"][t] = active.sum()
        out["new_customers"][t] = wins.sum()
        # 6. leaving
        life = rng.random(N) < sc.quit_rate
        leave = active & ((sav < 0) | (stay < ow) | life)
        out["quits_broke"][t] = (active & (sav < 0)).sum()
        if leave.any():
            held[leave] += book[leave]
            book[leave] = 0
            active[leave] = False
            vacant_until[leave] = t + 1 + sc.hire_delay
            deals.keep(~leave[deals.owner])
        tenure[active] += 1
        out["quits"][t] = leave.sum()
        out["headcount"][t] = active.sum()
    return out


def main(argv):
    reps = int(argv[1]) if len(argv) > 1 else 10000
    terr = int(argv[2]) if len(argv) > 2 else max(1, reps // 50)
    nrep = int(argv[3]) if len(argv) > 3 else 20
    seed = 7
    if "--seed" in argv:
        seed = int(argv[argv.index("--seed") + 1])
    sc = Scenario(reps, terr, 36, nrep)
    T = Tables(sc)
    t0 = time.perf_counter()
    c0 = time.process_time()
    mechs = ["commission"]
    if "--mech" in argv:
        mechs = argv[argv.index("--mech") + 1].split(",")
    outs_by = {m: [run_rep(sc, T, seed, r, m) for r in range(nrep)] for m in mechs}
    dt = time.perf_counter() - t0
    dc = time.process_time() - c0
    am = sc.reps * sc.months * nrep * len(mechs)
    years = sc.months / sc.mpy
    res = {"seconds": dt, "agent_months": am, "ns_per_agent_month": dt / am * 1e9,
           "cpu_ns_per_agent_month": dc / am * 1e9, "metrics": {}}
    for m, outs in outs_by.items():
        per = {
            "revenue": [o["revenue"].sum() / years for o in outs],
            "revenue_new": [o["revenue_new"].sum() / years for o in outs],
            "pay_cost": [o["pay"].sum() / years for o in outs],
            "new_customers": [o["new_customers"].sum() / years for o in outs],
            "effort": [o["effort"].sum() / o["active"].sum() for o in outs],
            "headcount_end": [o["headcount"][-1] for o in outs],
            "quits": [o["quits"].sum() / years for o in outs],
            "quits_broke": [o["quits_broke"].sum() / years for o in outs],
            "hires": [o["hires"].sum() / years for o in outs],
            "collisions": [o["collisions"].sum() / years for o in outs],
        }
        res["metrics"][m] = {k: [float(np.mean(v)), float(np.std(v, ddof=1) / math.sqrt(len(v))) if len(v) > 1 else 0.0]
                             for k, v in per.items()}
    if "--json" in argv:
        print(json.dumps(res))
    else:
        print(f"numpy peer: {am} agent-months in {dt:.2f} s, {res['ns_per_agent_month']:.0f} ns per agent-month "
              f"({res['cpu_ns_per_agent_month']:.0f} ns CPU)")
        for m, met in res["metrics"].items():
            print(m)
            for k, (v, se) in met.items():
                print(f"  {k:22s} {v:14.6g} +- {se:.3g}")


if __name__ == "__main__":
    main(sys.argv)
