/*
 * models/mechanisms/commission.c: straight commission (MODEL.md §6.1).
 *
 * Rules: a rate on closed new-contract value and (optionally a different
 * rate) on the recurring revenue of the accounts the rep owns; optional
 * marginal-rate tiers on annual credit; optional monthly base; optional draw
 * (a guaranteed monthly cash floor, recovered from later commission when
 * `draw_recoverable`); optional annual cap on commission pay. Reps own the
 * accounts they win and nobody assigns prospects, so teammates hunting one
 * territory collide (the market in models/core/market.c). Nothing here says how reps behave:
 * that follows from these rules in models/core/decision.c.
 */
#include <math.h>
#include <stddef.h>

#include "mechanism.h"

typedef struct commission_params {
  double rate;
  double book_rate;
  salesim_points tiers;
  double base;
  double draw;
  int draw_recoverable;
  double cap;
  double ote;
} commission_params;

static const salesim_points no_tiers = {0, {0}, {0}};

static const salesim_param_spec commission_specs[] = {
    {"rate", SALESIM_P_DOUBLE, offsetof(commission_params, rate), 0.02, NULL, 0, 1,
     0, NULL, "share", "Commission on closed new-contract value."},
    {"book_rate", SALESIM_P_DOUBLE, offsetof(commission_params, book_rate), -1, NULL, -1, 1,
     0, NULL, "share",
     "Commission on recurring revenue of owned accounts; -1 means the same as rate."},
    {"tiers", SALESIM_P_POINTS, offsetof(commission_params, tiers), 0, &no_tiers, 0, 1,
     SALESIM_PF_INCREASING, "threshold|rate", "(currency/year, share)",
     "Marginal-rate tiers as (annual credit threshold, rate) pairs, first threshold 0; "
     "replaces rate when given."},
    {"base", SALESIM_P_DOUBLE, offsetof(commission_params, base), 0, NULL, 0, 1e9, 0,
     NULL, "currency/month", "Monthly base salary."},
    {"draw", SALESIM_P_DOUBLE, offsetof(commission_params, draw), 0, NULL, 0, 1e9, 0,
     NULL, "currency/month", "Guaranteed monthly cash against future commission (0: none)."},
    {"draw_recoverable", SALESIM_P_BOOL, offsetof(commission_params, draw_recoverable), 1,
     NULL, 0, 1, 0, NULL, "bool",
     "The draw is an advance recovered from later commission above the draw."},
    {"cap", SALESIM_P_DOUBLE, offsetof(commission_params, cap), 0, NULL, 0, 1e12, 0, NULL,
     "currency/year", "Cap on annual commission pay (0: no cap)."},
    {"ote", SALESIM_P_DOUBLE, offsetof(commission_params, ote), 0, NULL, 0, 1e12, 0, NULL,
     "currency/year",
     "Advertised on-target earnings; 0: base*12 + commission at the rep's target."},
};

static const salesim_param_table commission_table = {
    "commission", commission_specs, sizeof commission_specs / sizeof commission_specs[0],
    sizeof(commission_params)};

static int commission_check(const void *vp, const salesim_scenario *sc, const char *where,
                            salesim_diag *diag) {
  const commission_params *p = vp;
  int bad = 0;
  (void)sc;
  if (p->tiers.n > 0 && p->tiers.x[0] != 0) {
    salesim_diag_add(diag, "%s.tiers: first threshold is %g (expected 0)", where,
                     p->tiers.x[0]);
    bad = 1;
  }
  for (int i = 0; i < p->tiers.n; i++)
    if (p->tiers.y[i] < 0 || p->tiers.y[i] > 1) {
      salesim_diag_add(diag, "%s.tiers: rate %g out of range (expected 0..1)", where,
                       p->tiers.y[i]);
      bad = 1;
    }
  if (p->tiers.n == 0 && p->rate <= 0 && p->base <= 0) {
    salesim_diag_add(diag, "%s.rate: 0 with no base and no tiers pays nothing (expected rate > 0)",
                     where);
    bad = 1;
  }
  return bad ? SALESIM_ESCENARIO : 0;
}

/* The rate that values one unit of credit: book revenue is converted into
 * credit at book_rate/rate so one schedule covers both. */
static double main_rate(const commission_params *p) {
  return p->tiers.n > 0 ? p->tiers.y[0] : p->rate;
}

static double book_rate(const commission_params *p) {
  return p->book_rate >= 0 ? p->book_rate : main_rate(p);
}

static int open_ended(const commission_params *p) {
  return p->tiers.n == 0 && p->cap <= 0;
}

/* Per-agent state (agent_state_size): what a recoverable draw has
 * advanced and later commissions pay back. */
typedef struct commission_agent {
  double draw_owed;
} commission_agent;

static inline commission_agent *ca(salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state(w, a);
}

static int commission_set_plan(salesim_world *w, salesim_agent *a) {
  const commission_params *p = w->params;
  int left = w->sc->months_per_year - w->month_in_year;
  int rc = 0;
  a->target = salesim_world_rule_target(w, a) * left / w->sc->months_per_year;
  if (p->tiers.n > 0)
    rc = salesim_schedule_tiers(&a->sched, &p->tiers, p->cap);
  else {
    salesim_schedule_linear(&a->sched, p->rate);
    if (p->cap > 0 && p->rate > 0)
      rc = salesim_schedule_add_hinge(&a->sched, p->cap / p->rate, -p->rate);
  }
  if (rc != 0) {
    salesim_world_fail(w, rc, "commission: the pay schedule of slot %d has too many tiers",
                       (int)(a - w->agents));
    return rc;
  }
  double ote = p->ote > 0 ? p->ote * left / w->sc->months_per_year
                          : p->base * left + salesim_schedule_eval(&a->sched, a->target);
  a->target_pay = ote;
  return 0;
}

static int commission_year_start(salesim_world *w) {
  for (int i = 0; i < w->n_agents; i++)
    if (w->agents[i].status != SALESIM_AGENT_VACANT) {
      int rc = commission_set_plan(w, &w->agents[i]);
      if (rc != 0)
        return rc;
    }
  return 0;
}

static int commission_hire(salesim_world *w, salesim_agent *a) {
  return commission_set_plan(w, a);
}

static int commission_incentive(const salesim_world *w, const salesim_agent *a,
                                 salesim_incentive *inc) {
  const commission_params *p = w->params;
  double r = main_rate(p);
  inc->base_month = p->base;
  inc->cash_floor = p->draw;
  inc->period_months = open_ended(p) ? 0 : w->sc->months_per_year;
  inc->months_left = w->sc->months_per_year - w->month_in_year;
  inc->credit_to_date = a->credit_period;
  inc->paid_to_date = salesim_schedule_eval(&a->sched, a->credit_period);
  inc->book_credit = r > 0 ? book_rate(p) / r : 0;
  inc->after_value = r; /* next year starts again at the first tier */
  inc->assigned_accounts = 0;
  return 0;
}

static int commission_month_pay(salesim_world *w, salesim_agent *a,
                                const salesim_outcome *o) {
  const commission_params *p = w->params;
  commission_agent *st = ca(w, a);
  double before = a->credit_period;
  double comm = salesim_schedule_eval(&a->sched, before + o->credit) -
                salesim_schedule_eval(&a->sched, before);
  double topup = 0;
  if (p->draw > 0) {
    if (comm < p->draw) {
      topup = p->draw - comm;
      if (p->draw_recoverable)
        st->draw_owed += topup;
    } else if (st->draw_owed > 0) {
      double recover = fmin(st->draw_owed, comm - p->draw);
      st->draw_owed -= recover;
      comm -= recover;
    }
  }
  salesim_world_pay(w, a, p->base + topup, 0);
  salesim_world_pay(w, a, comm, 1);
  return 0;
}

/* Payout curve (engine/base/payout_curve.h): base*12 plus the commission
 * schedule (tiers or rate, cap) at each attainment of the reference
 * target; none without a positive target, as commission has no target of
 * its own to scale by. */
static int commission_payout_curve(const void *vp, const salesim_scenario *sc,
                                   double reference_target, salesim_payout_curve *out) {
  const commission_params *p = vp;
  salesim_schedule sched;
  (void)sc;
  out->n = 0;
  if (!(reference_target > 0))
    return 0;
  if (p->tiers.n > 0) {
    if (salesim_schedule_tiers(&sched, &p->tiers, p->cap) != 0)
      return 0;
  } else {
    salesim_schedule_linear(&sched, p->rate);
    if (p->cap > 0 && p->rate > 0)
      salesim_schedule_add_hinge(&sched, p->cap / p->rate, -p->rate);
  }
  double fixed = 12.0 * p->base;
  for (int i = 0; i < SALESIM_PAYOUT_POINTS; i++) {
    double att = i * SALESIM_PAYOUT_STEP;
    out->attainment[i] = att;
    out->pay[i] = fixed + salesim_schedule_eval(&sched, att * reference_target);
  }
  out->n = SALESIM_PAYOUT_POINTS;
  return 0;
}

const salesim_mechanism_type salesim_mechanism_commission = {
    .version = SALESIM_MECHANISM_VERSION,
    .name = "commission",
    .summary = "Commission on closed revenue (rate, tiers, base, draw, cap); reps own their accounts.",
    .params = &commission_table,
    .check = commission_check,
    .agent_state_size = sizeof(commission_agent),
    .year_start = commission_year_start,
    .hire = commission_hire,
    .incentive = commission_incentive,
    .month_pay = commission_month_pay,
    .payout_curve = commission_payout_curve,
};
