/*
 * models/mechanisms/quota_bonus.c: base plus a lump bonus at quota (MODEL.md §6.3).
 *
 * Rules: a monthly base; a lump `bonus` paid when the period's credit
 * reaches the period's quota (attainment >= 1); optional commission
 * `rate_above` on credit above quota. The period is the plan year or a
 * quarter (quota = annual target / 4, settled and reset every quarter).
 * Targets from the firm's rule. Nobody assigns prospects, reps keep their
 * accounts. The jump at quota is what makes reps near it pull deals in at a
 * discount, and reps far below it push deals into the next period (Oyer
 * 1998; Larkin 2014): the engine's timing games do that from the agents'
 * marginal pay, nothing here.
 */
#include <math.h>
#include <stddef.h>

#include "mechanism.h"

enum { PERIOD_ANNUAL = 0, PERIOD_QUARTERLY = 1 };

typedef struct quota_bonus_params {
  double base;
  double bonus;
  double rate_above;
  int period;
  int assigned;
  double quota_share;
} quota_bonus_params;

static const salesim_param_spec quota_bonus_specs[] = {
    {"base", SALESIM_P_DOUBLE, offsetof(quota_bonus_params, base), 6000, NULL, 0, 1e9, 0, NULL,
     "currency/month", "Monthly base salary."},
    {"bonus", SALESIM_P_DOUBLE, offsetof(quota_bonus_params, bonus), 30000, NULL, 0, 1e9, 0,
     NULL, "currency", "Lump bonus for reaching the period's quota (per period)."},
    {"rate_above", SALESIM_P_DOUBLE, offsetof(quota_bonus_params, rate_above), 0, NULL, 0, 1, 0,
     NULL, "share", "Commission on credit above quota."},
    {"period", SALESIM_P_CHOICE, offsetof(quota_bonus_params, period), 0, NULL, 0, 1, 0,
     "annual|quarterly", "choice",
     "Quota period: the plan year, or quarters with a quarter of the annual target each."},
    {"quota_share", SALESIM_P_DOUBLE, offsetof(quota_bonus_params, quota_share), 1, NULL, 0, 10,
     SALESIM_PF_MIN_EXCL, NULL, "share",
     "Quota as a share of the rep's target from the firm's rule (annual, or a quarter of it)."},
    {"assigned_accounts", SALESIM_P_BOOL, offsetof(quota_bonus_params, assigned), 0, NULL, 0, 1,
     0, NULL, "bool", "The manager assigns prospects (no collisions between teammates)."},
};

static const salesim_param_table quota_bonus_table = {
    "quota_bonus", quota_bonus_specs, sizeof quota_bonus_specs / sizeof quota_bonus_specs[0],
    sizeof(quota_bonus_params)};

static int qb_check(const void *vp, const salesim_scenario *sc, const char *where,
                    salesim_diag *diag) {
  const quota_bonus_params *p = vp;
  if (p->period == PERIOD_QUARTERLY && sc->months_per_year % 3 != 0) {
    salesim_diag_add(diag,
                     "%s.period: quarterly with months_per_year = %d (expected a multiple of 3)",
                     where, sc->months_per_year);
    return SALESIM_ESCENARIO;
  }
  if (p->bonus <= 0 && p->rate_above <= 0 && p->base <= 0) {
    salesim_diag_add(diag, "%s.bonus: the plan pays nothing (expected bonus, rate_above or base > 0)",
                     where);
    return SALESIM_ESCENARIO;
  }
  return 0;
}

static int period_len(const salesim_world *w) {
  const quota_bonus_params *p = w->params;
  return p->period == PERIOD_QUARTERLY ? 3 : w->sc->months_per_year;
}

/* Per-agent state (agent_state_size). */
typedef struct qb_agent {
  double quota; /* the current period's quota */
} qb_agent;

static inline qb_agent *qb(salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state(w, a);
}

static inline const qb_agent *qb_const(const salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state_const(w, a);
}

/* The quota and schedule of a period with `left` months to go. */
static int qb_set_period(salesim_world *w, salesim_agent *a, int left) {
  const quota_bonus_params *p = w->params;
  int mpy = w->sc->months_per_year;
  double annual = salesim_world_rule_target(w, a);
  double quota = p->quota_share * annual * left / mpy;
  qb(w, a)->quota = quota;
  salesim_schedule_linear(&a->sched, 0);
  int rc = salesim_schedule_add_jump(&a->sched, quota, p->bonus);
  if (rc == 0 && p->rate_above > 0)
    rc = salesim_schedule_add_hinge(&a->sched, quota, p->rate_above);
  if (rc != 0)
    salesim_world_fail(w, rc, "quota_bonus: the pay schedule of slot %d is full",
                       (int)(a - w->agents));
  return rc;
}

static int qb_set_plan(salesim_world *w, salesim_agent *a) {
  const quota_bonus_params *p = w->params;
  int mpy = w->sc->months_per_year, left = mpy - w->month_in_year;
  double annual = salesim_world_rule_target(w, a);
  a->target = annual * left / mpy;
  double periods = (double)left / period_len(w);
  a->target_pay = p->base * left + p->bonus * periods;
  return qb_set_period(w, a, period_len(w) - w->month_in_year % period_len(w));
}

static int qb_year_start(salesim_world *w) {
  for (int i = 0; i < w->n_agents; i++)
    if (w->agents[i].status != SALESIM_AGENT_VACANT) {
      int rc = qb_set_plan(w, &w->agents[i]);
      if (rc != 0)
        return rc;
    }
  return 0;
}

static int qb_hire(salesim_world *w, salesim_agent *a) { return qb_set_plan(w, a); }

static int qb_incentive(const salesim_world *w, const salesim_agent *a,
                         salesim_incentive *inc) {
  const quota_bonus_params *p = w->params;
  int len = period_len(w);
  inc->base_month = p->base;
  inc->period_months = len;
  inc->months_left = len - w->month_in_year % len;
  inc->credit_to_date = a->credit_period;
  inc->paid_at_end = 1;
  inc->pay_scales_with_target = 1;
  inc->book_credit = 1;
  /* next period: the same rules at a fresh quota; credit arriving then is
   * worth the expected slope where the rep expects to land (like this
   * period, as far as it can tell): near the quota the bonus makes it
   * valuable, far above or below it is worth rate_above */
  inc->after_value = salesim_world_after_value(&a->sched, a->target, a->exp_att, a->sd_att,
                                               qb_const(w, a)->quota);
  inc->assigned_accounts = p->assigned;
  return 0;
}

static int qb_month_pay(salesim_world *w, salesim_agent *a, const salesim_outcome *o) {
  const quota_bonus_params *p = w->params;
  (void)o;
  salesim_world_pay(w, a, p->base, 0);
  return 0;
}

/* Settle at the end of each period; quarterly periods reset the credit. */
static int qb_month_end(salesim_world *w) {
  int len = period_len(w);
  if ((w->month_in_year + 1) % len != 0)
    return 0;
  int year_end = w->month_in_year + 1 == w->sc->months_per_year;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    salesim_world_pay(w, a, salesim_schedule_eval(&a->sched, a->credit_period), 1);
    if (!year_end) { /* the next quarter starts next month */
      a->credit_period = 0;
      int rc = qb_set_period(w, a, len);
      if (rc != 0)
        return rc;
    }
  }
  return 0;
}

const salesim_mechanism_type salesim_mechanism_quota_bonus = {
    .version = SALESIM_MECHANISM_VERSION,
    .name = "quota_bonus",
    .summary = "Base plus a lump bonus at quota (annual or quarterly), optional commission "
               "above quota.",
    .params = &quota_bonus_table,
    .check = qb_check,
    .agent_state_size = sizeof(qb_agent),
    .year_start = qb_year_start,
    .hire = qb_hire,
    .incentive = qb_incentive,
    .month_pay = qb_month_pay,
    .month_end = qb_month_end,
};
