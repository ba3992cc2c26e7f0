/*
 * models/mechanisms/plan_perf.c: the performance components of a plan,
 * mbo and clawback (plan_perf.h): their settings tables and checks, their
 * settlement as pure functions, and the terms through which the agents see
 * them (models/core/mechanism.h: hunt_value, extra_farm). plan.c calls
 * these from its hooks.
 *
 * Simplified (docs/model.md, "Plan components"):
 * - MBO: agents value it linearly at the margin, at the slope of its curve
 *   at the attainment they expect (a fixed point, not the full expectation
 *   over the measure's spread): the period's measure so far plus its pace
 *   (this period's months so far, else the last full period's, else on
 *   target) over the months left; retention from the share kept so far and
 *   last month's farming. Every win (lead) within the horizon counts at
 *   that slope (each period has its MBO); the period-end payment's delay
 *   is not discounted. A hire's first period is measured from the hire
 *   with the full target (no proration).
 * - Clawback: the book is one number per agent, so accounts are cohorts of
 *   contract value by month won, each shrinking by the month's book_kept
 *   (all accounts churn alike); the young contract value is valued at
 *   today's amount over the horizon (cohorts ageing out and new wins
 *   entering are left out), and a clawback does not lower the value the
 *   agent puts on a new win (hunting). What a month's variable pay cannot
 *   cover is carried forward and forgiven at exit.
 *
 * Read next: plan.c (the hooks), tests/test_plan_perf.c.
 */
#include "plan_perf.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "window.h"

/* ---- settings ---- */

static const salesim_points no_points = {0, {0}, {0}};

static const salesim_param_spec mbo_specs[] = {
    {"measure", SALESIM_P_CHOICE, offsetof(salesim_plan_mbo, measure), 0, NULL, 0, 2, 0,
     "new_customers|leads|retention", "choice",
     "MBO objective: deals won (each a new customer), qualified leads found, or the share of "
     "the book kept over the period (1 - the share churned)."},
    {"target", SALESIM_P_DOUBLE, offsetof(salesim_plan_mbo, target), 0, NULL, 0, 1e9, 0, NULL,
     "measure/period",
     "MBO target a measurement period, in the measure's unit (deals, leads, or a share of the "
     "book kept, at most 1)."},
    {"amount", SALESIM_P_DOUBLE, offsetof(salesim_plan_mbo, amount), 0, NULL, 0, 1e9, 0, NULL,
     "currency/period", "MBO pay at 100 % of its target, paid in the period's last month."},
    {"curve", SALESIM_P_POINTS, offsetof(salesim_plan_mbo, curve), 0, &no_points, 0, 100,
     SALESIM_PF_INCREASING, "attainment|multiple", "(attainment, multiple)",
     "MBO payout curve: attainment -> multiple of amount, as target_incentive's curve; none: "
     "1:1 (capped at cap)."},
    {"cap", SALESIM_P_DOUBLE, offsetof(salesim_plan_mbo, cap), 0, NULL, 0, 100, 0, NULL,
     "multiple", "Highest multiple of amount the MBO pays (0: no cap)."},
};

const salesim_param_table salesim_plan_mbo_table = {
    "mbo", mbo_specs, sizeof mbo_specs / sizeof mbo_specs[0], sizeof(salesim_plan_mbo)};

static const salesim_param_spec clawback_specs[] = {
    {"months", SALESIM_P_INT, offsetof(salesim_plan_clawback, months), 6, NULL, 1,
     SALESIM_PLAN_CLAWBACK_MAX, 0, NULL, "months",
     "Clawback: accounts won at most this many months before the month they are lost (1..24)."},
    {"rate", SALESIM_P_DOUBLE, offsetof(salesim_plan_clawback, rate), -1, NULL, -1, 1,
     0, NULL, "share",
     "Share of a lost young account's contract value taken back (-1: the first commission "
     "component's rate)."},
};

const salesim_param_table salesim_plan_clawback_table = {
    "clawback", clawback_specs, sizeof clawback_specs / sizeof clawback_specs[0],
    sizeof(salesim_plan_clawback)};

_Static_assert(sizeof(salesim_plan_mbo) <= SALESIM_ITEM_BYTES, "mbo fits an item");
_Static_assert(sizeof(salesim_plan_clawback) <= SALESIM_ITEM_BYTES, "clawback fits an item");

/* ---- checks ---- */

int salesim_plan_mbo_check(const void *body, const char *where, salesim_diag *diag) {
  const salesim_plan_mbo *m = body;
  int bad = 0;
  if (!(m->amount > 0)) {
    salesim_diag_add(diag, "%s.amount: %g pays nothing (expected > 0, currency a period)", where,
                     m->amount);
    bad++;
  }
  if (!(m->target > 0)) {
    salesim_diag_add(diag, "%s.target: %g (expected > 0, in the measure's unit a period)", where,
                     m->target);
    bad++;
  } else if (m->measure == SALESIM_PLAN_MBO_RETENTION && m->target > 1) {
    salesim_diag_add(diag,
                     "%s.target: %g is not a share of the book kept (expected at most 1%s)",
                     where, m->target, m->target <= 100 ? ", e.g. 0.9 for 90 %" : "");
    bad++;
  }
  if (m->curve.n > 0 && m->cap > 0) {
    salesim_diag_add(diag,
                     "%s.cap: %g with curve points (expected one of them: the curve's last "
                     "point is its cap)",
                     where, m->cap);
    bad++;
  }
  return bad;
}

int salesim_plan_clawback_check(const void *body, const char *where, salesim_diag *diag) {
  const salesim_plan_clawback *c = body;
  if (c->rate != -1 && !(c->rate > 0)) {
    salesim_diag_add(diag,
                     "%s.rate: %g takes nothing back (expected a share in (0, 1], or -1 for the "
                     "first commission's rate)",
                     where, c->rate);
    return 1;
  }
  return 0;
}

double salesim_plan_clawback_rate(const salesim_plan_params *p, const salesim_plan_clawback *c) {
  if (c->rate >= 0)
    return c->rate;
  for (int j = 0; j < p->components.n; j++) {
    const salesim_item *it = &p->components.item[j];
    if (it->type != SALESIM_PLAN_COMMISSION)
      continue;
    const salesim_plan_commission *k = (const void *)it->body.bytes;
    return k->tiers.n > 0 ? k->tiers.y[0] : k->rate;
  }
  return 0;
}

int salesim_plan_perf_check(const salesim_plan_params *p, const char *where, salesim_diag *diag) {
  int bad = 0, claws = 0;
  char at[1200];
  for (int j = 0; j < p->components.n; j++) {
    const salesim_item *it = &p->components.item[j];
    if (it->type != SALESIM_PLAN_CLAWBACK)
      continue;
    salesim_plan_item_where(at, sizeof at, where, it, j);
    const salesim_plan_clawback *c = (const void *)it->body.bytes;
    if (++claws == 2) {
      salesim_diag_add(diag, "%s: a second clawback (expected at most one clawback in a plan)",
                       at);
      bad++;
    }
    if (c->rate == -1 && !(salesim_plan_clawback_rate(p, c) > 0)) {
      salesim_diag_add(diag,
                       "%s.rate: not set and the plan has no commission rate to take back "
                       "(expected a rate, e.g. 0.05)",
                       at);
      bad++;
    }
  }
  return bad;
}

/* ---- settlement (pure) ---- */

double salesim_plan_mbo_multiple(const salesim_plan_mbo *m, double att, double *slope) {
  double y, s;
  salesim_schedule sc;
  if (m->curve.n > 0 && salesim_schedule_from_points(&sc, &m->curve, 1.0, 1.0) == 0) {
    y = salesim_schedule_eval(&sc, att);
    s = salesim_schedule_slope(&sc, att);
  } else {
    y = att > 0 ? att : 0;
    s = att >= 0 ? 1 : 0;
  }
  if (m->cap > 0 && y >= m->cap) {
    y = m->cap;
    s = 0;
  }
  if (slope != NULL)
    *slope = s;
  return y;
}

double salesim_plan_mbo_pay(const salesim_plan_mbo *m, double measured) {
  return m->amount * salesim_plan_mbo_multiple(m, measured / m->target, NULL);
}

#define RING (SALESIM_PLAN_CLAWBACK_MAX + 1)

static int slot(int month) { return ((month % RING) + RING) % RING; }

double salesim_plan_clawback_young(const salesim_plan_perf_agent *st, int months, int month) {
  double sum = 0;
  for (int age = 1; age <= months && age < RING; age++)
    sum += st->won[slot(month - age)];
  return sum;
}

double salesim_plan_clawback_step(salesim_plan_perf_agent *st, int months, int month, double kept,
                                  double won) {
  double lost = salesim_plan_clawback_young(st, months, month) * (1 - kept);
  for (int k = 0; k < RING; k++)
    st->won[k] *= kept;
  st->won[slot(month)] = won;
  return lost;
}

/* ---- what the agents see ---- */

static int horizon(const salesim_world *w) {
  int H = w->sc->population.horizon_months;
  return H > SALESIM_MAX_HORIZON ? SALESIM_MAX_HORIZON : (H < 1 ? 1 : H);
}

/* Discounted leads per unit of hunting over the horizon, found this month
 * on (as window.c and decision.c count a lead). */
static double lead_value(const salesim_world *w, const salesim_agent *a) {
  const salesim_territory *t = &w->terr[a->territory];
  double rho = t->prospects0 > 0 ? t->prospects / t->prospects0 : 1;
  double lead_unit = t->lead_rate * a->ability * a->skill * rho / t->difficulty;
  double sum = 0;
  for (int m = 0; m < horizon(w); m++)
    sum += w->dpow[m];
  return lead_unit * sum;
}

void salesim_plan_perf_incentive(const salesim_world *w, const salesim_agent *a,
                                 const salesim_plan_params *p, const salesim_plan_perf_agent *st,
                                 salesim_incentive *inc) {
  const salesim_production *prod = &w->sc->production;
  if (prod->mode == SALESIM_MODE_LINEAR) /* no leads, wins or churn to measure */
    return;
  int len = salesim_plan_period_len(p, w->sc->months_per_year);
  int left = len - w->month_in_year % len;
  double c0 = prod->churn;
  for (int j = 0; j < p->components.n; j++) {
    const salesim_item *it = &p->components.item[j];
    if (it->type == SALESIM_PLAN_MBO) {
      const salesim_plan_mbo *m = (const void *)it->body.bytes;
      double expected, slope;
      if (m->measure == SALESIM_PLAN_MBO_RETENTION) {
        double keep = 1 - c0 * exp(-prod->farm_effect * a->farm); /* last month's farming */
        expected = (1 - st->churned) * pow(keep, left);
      } else {
        double so_far = m->measure == SALESIM_PLAN_MBO_LEADS ? st->leads : st->wins;
        double last = m->measure == SALESIM_PLAN_MBO_LEADS ? st->pace_leads : st->pace_wins;
        double pace = st->months > 0 ? so_far / st->months
                                     : (st->paced ? last : m->target / len); /* on target */
        expected = so_far + pace * left;
      }
      salesim_plan_mbo_multiple(m, expected / m->target, &slope);
      double per_unit = m->amount / m->target * slope;
      if (per_unit == 0)
        continue;
      if (m->measure == SALESIM_PLAN_MBO_NEW_CUSTOMERS) {
        double v = per_unit * salesim_win_value_window(w, a, 0, horizon(w));
        if (v != 0)
          inc->hunt_value += v;
      } else if (m->measure == SALESIM_PLAN_MBO_LEADS) {
        double v = per_unit * lead_value(w, a);
        if (v != 0)
          inc->hunt_value += v;
      } else if (c0 > 0) {
        /* a unit of saved churn a month raises the period's share kept by
         * about c0 a month: per_unit * c0 a month */
        inc->extra_farm += per_unit * c0;
      }
    } else if (it->type == SALESIM_PLAN_CLAWBACK) {
      const salesim_plan_clawback *c = (const void *)it->body.bytes;
      double young = salesim_plan_clawback_young(st, c->months, w->month);
      double rate = salesim_plan_clawback_rate(p, c);
      /* the month's clawback is rate * young * c0 * (1 - saved) */
      if (young > 0 && rate > 0 && c0 > 0)
        inc->extra_farm += rate * young * c0;
    }
  }
}

/* ---- settlement in month_pay ---- */

void salesim_plan_mbo_month(const salesim_plan_params *p, const salesim_outcome *o,
                            int period_ends, salesim_plan_perf_agent *st, double *variable) {
  int any = 0;
  for (int j = 0; j < p->components.n && !any; j++)
    any = p->components.item[j].type == SALESIM_PLAN_MBO;
  if (!any)
    return;
  st->wins += o->wins;
  st->leads += o->leads;
  st->churned = 1 - (1 - st->churned) * o->book_kept;
  st->months++;
  if (!period_ends)
    return;
  double pay = 0;
  for (int j = 0; j < p->components.n; j++) {
    const salesim_item *it = &p->components.item[j];
    if (it->type != SALESIM_PLAN_MBO)
      continue;
    const salesim_plan_mbo *m = (const void *)it->body.bytes;
    double measured = m->measure == SALESIM_PLAN_MBO_NEW_CUSTOMERS ? st->wins
                      : m->measure == SALESIM_PLAN_MBO_LEADS       ? st->leads
                                                                   : 1 - st->churned;
    pay += salesim_plan_mbo_pay(m, measured);
  }
  st->pace_wins = st->wins / st->months;
  st->pace_leads = st->leads / st->months;
  st->paced = 1;
  st->wins = st->leads = st->churned = 0;
  st->months = 0;
  if (pay != 0)
    *variable += pay;
}

void salesim_plan_clawback_month(const salesim_world *w, const salesim_plan_params *p,
                                 const salesim_outcome *o, salesim_plan_perf_agent *st,
                                 double *variable) {
  for (int j = 0; j < p->components.n; j++) {
    const salesim_item *it = &p->components.item[j];
    if (it->type != SALESIM_PLAN_CLAWBACK)
      continue;
    const salesim_plan_clawback *c = (const void *)it->body.bytes;
    double lost = salesim_plan_clawback_step(st, c->months, w->month, o->book_kept,
                                             o->revenue_new);
    st->claw_owed += salesim_plan_clawback_rate(p, c) * lost;
    double take = fmin(st->claw_owed, *variable > 0 ? *variable : 0);
    if (take > 0) {
      *variable -= take;
      st->claw_owed -= take;
    }
    return; /* one clawback a plan (the plan's check) */
  }
}

/* ---- the metric churned_revenue ---- */

void salesim_plan_perf_run_add(salesim_plan_perf_run *run, const salesim_outcome *o) {
  run->churned += o->revenue_book * (1 - o->book_kept);
}

int salesim_plan_perf_churned(const salesim_world *w, const salesim_plan_params *p,
                              const salesim_plan_perf_run *run, double *churned) {
  *churned = run->churned;
  if (w->sc->production.mode == SALESIM_MODE_LINEAR) /* no churn */
    return 0;
  for (int j = 0; j < p->components.n; j++)
    if (p->components.item[j].type == SALESIM_PLAN_MBO ||
        p->components.item[j].type == SALESIM_PLAN_CLAWBACK)
      return 1;
  return 0;
}
