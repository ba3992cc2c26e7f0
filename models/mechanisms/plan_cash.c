/*
 * models/mechanisms/plan_cash.c: the cash and time components of a plan,
 * draw, ramp and spif (plan_cash.h): their settings tables and checks,
 * their settlement as pure functions, and the terms through which the
 * agents see them (models/core/mechanism.h: cash_floor, cash_floor_months,
 * hunt_value, lump_value). plan.c calls these from its hooks.
 *
 * Simplified (docs/model.md, "Plan components"): a draw that is not
 * recovered is valued at its expected top-up with last month's variable
 * pay as the month's expectation (0 when the plan pays at the period's
 * end), without the spread of pay; a recoverable draw only for liquidity
 * (the balance forgiven at exit is not valued); a SPIF's value from new
 * leads is not cut by the liquidity rule and adds no variance; a SPIF on
 * new customers of at least a value is refused until the engine tells a
 * plan the value of each deal won (per = new_customer with min_value 0
 * counts every deal won: each is a new account).
 *
 * Read next: plan.c (the hooks), tests/test_plan_cash.c.
 */
#include "plan_cash.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "window.h"

/* ---- settings ---- */

static const salesim_param_spec draw_specs[] = {
    {"amount", SALESIM_P_DOUBLE, offsetof(salesim_plan_draw, amount), 0, NULL, 0, 1e9, 0, NULL,
     "currency/month",
     "Draw: the month's total pay (base and variable) is topped up to this while it runs."},
    {"months", SALESIM_P_INT, offsetof(salesim_plan_draw, months), 0, NULL, 0, 1200, 0, NULL,
     "months",
     "How long it runs: a new hire's first months in the job, or run months from 0 for `all` "
     "(0: for good, `all` only; at most the scenario's months)."},
    {"recoverable", SALESIM_P_BOOL, offsetof(salesim_plan_draw, recoverable), 0, NULL, 0, 1, 0,
     NULL, "bool",
     "Recoverable: each top-up is an advance recovered from later months' pay above the "
     "amount (forgiven when the person leaves); otherwise it is the rep's to keep."},
    {"who", SALESIM_P_CHOICE, offsetof(salesim_plan_draw, who), 0, NULL, 0, 1, 0,
     "new_hires|all", "choice",
     "new_hires: each person in its first `months` months in the job (the starting force by "
     "its tenure); all: everyone in run months [0, months)."},
};

const salesim_param_table salesim_plan_draw_table = {
    "draw", draw_specs, sizeof draw_specs / sizeof draw_specs[0], sizeof(salesim_plan_draw)};

static const salesim_vector default_ramp = {3, {0.25, 0.5, 0.75}};

static const salesim_param_spec ramp_specs[] = {
    {"shares", SALESIM_P_VECTOR, offsetof(salesim_plan_ramp, shares), 0, &default_ramp, 0, 1, 0,
     NULL, "share",
     "Quota ramp: share of the monthly quota in a person's months 1, 2, ... in the job (1 "
     "after the last); the period's target is the annual target / 12 times the sum over its "
     "months."},
};

const salesim_param_table salesim_plan_ramp_table = {
    "ramp", ramp_specs, sizeof ramp_specs / sizeof ramp_specs[0], sizeof(salesim_plan_ramp)};

static const salesim_param_spec spif_specs[] = {
    {"amount", SALESIM_P_DOUBLE, offsetof(salesim_plan_spif, amount), 0, NULL, 0, 1e9, 0, NULL,
     "currency/deal", "SPIF: paid for each qualifying deal won in the window, in the month of the win."},
    {"per", SALESIM_P_CHOICE, offsetof(salesim_plan_spif, per), 0, NULL, 0, 1, 0,
     "deal|new_customer", "choice",
     "deal: every deal won; new_customer: deals of at least min_value (each won deal is a new "
     "account)."},
    {"min_value", SALESIM_P_DOUBLE, offsetof(salesim_plan_spif, min_value), 0, NULL, 0, 1e12, 0,
     NULL, "currency",
     "new_customer: the smallest contract value that counts (only 0 is accepted for now: the "
     "engine does not tell a plan each won deal's value)."},
    {"from_month", SALESIM_P_INT, offsetof(salesim_plan_spif, from_month), 0, NULL, 0, 1200, 0,
     NULL, "run month", "First run month of the window (0 = the run's first month)."},
    {"to_month", SALESIM_P_INT, offsetof(salesim_plan_spif, to_month), 0, NULL, 0, 1200, 0, NULL,
     "run month",
     "Last run month of the window (included; from_month <= to_month < the scenario's "
     "months)."},
};

const salesim_param_table salesim_plan_spif_table = {
    "spif", spif_specs, sizeof spif_specs / sizeof spif_specs[0], sizeof(salesim_plan_spif)};

/* ---- the kinds' own checks ---- */

int salesim_plan_draw_check(const void *body, const char *where, salesim_diag *diag) {
  const salesim_plan_draw *d = body;
  int bad = 0;
  if (!(d->amount > 0)) {
    salesim_diag_add(diag, "%s.amount: %g pays nothing (expected > 0, currency a month)", where,
                     d->amount);
    bad++;
  }
  if (d->who == SALESIM_PLAN_DRAW_NEW_HIRES && d->months == 0) {
    salesim_diag_add(diag,
                     "%s.months: 0 (for good) with who = \"new_hires\" (expected the months a "
                     "new hire gets it, or who = \"all\")",
                     where);
    bad++;
  }
  return bad;
}

int salesim_plan_ramp_check(const void *body, const char *where, salesim_diag *diag) {
  const salesim_plan_ramp *r = body;
  if (r->shares.n == 0) {
    salesim_diag_add(diag, "%s.shares: empty (expected at least one month's share)", where);
    return 1;
  }
  for (int i = 0; i < r->shares.n; i++)
    if (!(r->shares.v[i] > 0)) {
      salesim_diag_add(diag,
                       "%s.shares[%d]: %g, a month with no quota (expected a share above 0)",
                       where, i, r->shares.v[i]);
      return 1;
    }
  return 0;
}

int salesim_plan_spif_check(const void *body, const char *where, salesim_diag *diag) {
  const salesim_plan_spif *s = body;
  int bad = 0;
  if (!(s->amount > 0)) {
    salesim_diag_add(diag, "%s.amount: %g pays nothing (expected > 0, currency a deal)", where,
                     s->amount);
    bad++;
  }
  if (s->from_month > s->to_month) {
    salesim_diag_add(diag,
                     "%s.to_month: %d is before from_month %d (expected from_month <= to_month)",
                     where, s->to_month, s->from_month);
    bad++;
  }
  if (s->min_value > 0 && s->per == SALESIM_PLAN_PER_DEAL) {
    salesim_diag_add(diag,
                     "%s.min_value: %g with per = \"deal\" (expected per = \"new_customer\", or "
                     "no min_value)",
                     where, s->min_value);
    bad++;
  } else if (s->min_value > 0) {
    salesim_diag_add(diag,
                     "%s.min_value: %g is not supported yet (expected 0: the engine does not "
                     "tell a plan the value of each deal won)",
                     where, s->min_value);
    bad++;
  }
  return bad;
}

int salesim_plan_cash_kind(int type) {
  return type == SALESIM_PLAN_DRAW || type == SALESIM_PLAN_RAMP || type == SALESIM_PLAN_SPIF;
}

int salesim_plan_cash_check(const salesim_plan_params *p, const salesim_scenario *sc,
                            const char *where, salesim_diag *diag) {
  int bad = 0, draws = 0, ramps = 0;
  char at[1200];
  for (int j = 0; j < p->components.n; j++) {
    const salesim_item *it = &p->components.item[j];
    const void *body = it->body.bytes;
    salesim_plan_item_where(at, sizeof at, where, it, j);
    if (it->type == SALESIM_PLAN_DRAW) {
      const salesim_plan_draw *d = body;
      if (++draws == 2) {
        salesim_diag_add(diag, "%s: a second draw (expected at most one draw in a plan)", at);
        bad++;
      }
      if (d->months > sc->months) {
        salesim_diag_add(diag,
                         "%s.months: %d, a draw longer than the run of %d months (expected at "
                         "most %d, or 0 for good with who = \"all\")",
                         at, d->months, sc->months, sc->months);
        bad++;
      }
      if (d->amount > 0 && d->amount <= p->base) {
        salesim_diag_add(diag,
                         "%s.amount: %g is not above the plan's base %g, so it never tops up "
                         "(expected more than the base)",
                         at, d->amount, p->base);
        bad++;
      }
    } else if (it->type == SALESIM_PLAN_RAMP) {
      if (++ramps == 2) {
        salesim_diag_add(diag, "%s: a second ramp (expected at most one ramp in a plan)", at);
        bad++;
      }
    } else if (it->type == SALESIM_PLAN_SPIF) {
      const salesim_plan_spif *s = body;
      if (s->to_month >= sc->months) {
        salesim_diag_add(diag,
                         "%s.to_month: %d is past the run's last month %d (expected run months "
                         "from 0 to %d)",
                         at, s->to_month, sc->months - 1, sc->months - 1);
        bad++;
      }
    }
  }
  return bad;
}

/* ---- settlement (pure) ---- */

void salesim_plan_draw_settle(const salesim_plan_draw *d, int runs, double total,
                              double variable, double *owed, double *topup, double *recovered) {
  *topup = *recovered = 0;
  if (runs && total < d->amount) {
    *topup = d->amount - total;
    if (d->recoverable)
      *owed += *topup;
  } else if (*owed > 0 && total > d->amount) {
    double r = fmin(*owed, total - d->amount);
    r = fmin(r, variable > 0 ? variable : 0); /* never from the base */
    *owed -= r;
    *recovered = r;
  }
}

int salesim_plan_draw_left(const salesim_plan_draw *d, int tenure, int month) {
  if (d->who == SALESIM_PLAN_DRAW_NEW_HIRES)
    return tenure < d->months ? d->months - tenure : 0;
  if (d->months == 0)
    return -1;
  return month < d->months ? d->months - month : 0;
}

double salesim_plan_ramp_months(const salesim_plan_ramp *r, int tenure, int left) {
  double sum = 0;
  for (int j = 0; j < left; j++) {
    int i = tenure + j;
    sum += i >= 0 && i < r->shares.n ? r->shares.v[i] : 1.0;
  }
  return sum;
}

void salesim_plan_ramp_target(const salesim_plan_params *p, int tenure, int mpy, int left,
                              double annual, double *target) {
  for (int j = 0; j < p->components.n; j++) {
    const salesim_item *it = &p->components.item[j];
    if (it->type != SALESIM_PLAN_RAMP)
      continue;
    const salesim_plan_ramp *r = (const void *)it->body.bytes;
    if (tenure < r->shares.n) /* past the ramp: the prorated target as it was */
      *target = annual / mpy * salesim_plan_ramp_months(r, tenure, left);
    return;
  }
}

double salesim_plan_spif_pay(const salesim_plan_params *p, int month, double wins) {
  double pay = 0;
  for (int j = 0; j < p->components.n; j++) {
    const salesim_item *it = &p->components.item[j];
    if (it->type != SALESIM_PLAN_SPIF)
      continue;
    const salesim_plan_spif *s = (const void *)it->body.bytes;
    if (month >= s->from_month && month <= s->to_month)
      pay += s->amount * wins;
  }
  return pay;
}

/* ---- what the agents see ---- */

/* The agent's horizon in months (decision.c's H without the period). */
static int horizon(const salesim_world *w) {
  int H = w->sc->population.horizon_months;
  return H > SALESIM_MAX_HORIZON ? SALESIM_MAX_HORIZON : (H < 1 ? 1 : H);
}

/* Expected SPIF wins, discounted, of the deals open now that win in months
 * [f, t) from now (m = 0 this month: an open deal steps this month). */
static double open_deals_in_window(const salesim_world *w, const salesim_agent *a, int f, int t) {
  int H = horizon(w);
  if (f < 0)
    f = 0;
  if (t > H)
    t = H;
  if (f >= t || a->n_opps <= 0)
    return 0;
  double per_stage[SALESIM_STAGES] = {0};
  for (int j = 1; j < SALESIM_STAGES; j++)
    for (int m = f; m < t; m++)
      per_stage[j] += w->dpow[m] * (w->win_within[j][m + 1] - w->win_within[j][m]);
  double sum = 0;
  for (int k = 0; k < a->n_opps; k++) {
    int j = a->deal_stage[k];
    if (j >= 1 && j < SALESIM_STAGES)
      sum += per_stage[j];
  }
  return sum;
}

void salesim_plan_cash_incentive(const salesim_world *w, const salesim_agent *a,
                                 const salesim_plan_params *p, const salesim_plan_cash_agent *st,
                                 salesim_incentive *inc) {
  int pipeline = w->sc->production.mode != SALESIM_MODE_LINEAR;
  for (int j = 0; j < p->components.n; j++) {
    const salesim_item *it = &p->components.item[j];
    if (it->type == SALESIM_PLAN_DRAW) {
      const salesim_plan_draw *d = (const void *)it->body.bytes;
      int left = salesim_plan_draw_left(d, a->tenure, w->month);
      if (left == 0)
        continue;
      inc->cash_floor = d->amount;
      inc->cash_floor_months = left > 0 ? left : 0;
      if (!d->recoverable) { /* the expected top-up is the rep's: value */
        int k = left > 0 && left < horizon(w) ? left : horizon(w);
        double v = p->payment == SALESIM_PLAN_AS_EARNED ? st->last_variable : 0;
        double gap = d->amount - p->base - v;
        if (gap > 0)
          inc->lump_value += gap * w->disc[k];
      }
    } else if (it->type == SALESIM_PLAN_SPIF && pipeline) {
      const salesim_plan_spif *s = (const void *)it->body.bytes;
      if (s->to_month < w->month)
        continue;
      int f = s->from_month - w->month, t = s->to_month + 1 - w->month;
      inc->hunt_value += s->amount * salesim_win_value_window(w, a, f, t);
      inc->lump_value += s->amount * open_deals_in_window(w, a, f, t);
    }
  }
}

void salesim_plan_cash_pay(const salesim_world *w, const salesim_agent *a,
                           const salesim_plan_params *p, const salesim_outcome *o,
                           salesim_plan_cash_agent *st, double *fixed, double *variable) {
  double due = *variable;
  for (int j = 0; j < p->components.n; j++) {
    const salesim_item *it = &p->components.item[j];
    if (it->type == SALESIM_PLAN_DRAW) {
      const salesim_plan_draw *d = (const void *)it->body.bytes;
      int runs = salesim_plan_draw_left(d, a->tenure, w->month) != 0;
      double topup, recovered;
      salesim_plan_draw_settle(d, runs, *fixed + *variable, *variable, &st->draw_owed, &topup,
                               &recovered);
      if (topup != 0)
        *fixed += topup;
      if (recovered != 0)
        *variable -= recovered;
    }
  }
  if (o->wins != 0) {
    double spif = salesim_plan_spif_pay(p, w->month, o->wins);
    if (spif != 0)
      *variable += spif;
  }
  st->last_variable = due;
}
