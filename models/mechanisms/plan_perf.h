/*
 * models/mechanisms/plan_perf.h: the performance components of a plan
 * (issue 14; the plan itself: plan.h):
 *
 *   mbo       a bonus on an objective the engine measures (new customers
 *             won, qualified leads, or the share of the book kept), with its
 *             own target a measurement period and its own payout curve,
 *             paid at the period's end
 *   clawback  commission on accounts won within the last `months` months
 *             and lost this month is taken back from this month's pay
 *
 * Neither is part of the plan's schedule on credit (they compile to
 * nothing there): both settle in month_pay from the month's outcome
 * (wins, leads, book_kept: models/core/mechanism.h). Agents see them
 * through the incentive's terms: an MBO on new customers or leads as
 * hunt_value, a retention MBO and a clawback as extra_farm (money a month
 * per unit of saved churn). The settlement rules are pure functions here
 * (tests/test_plan_perf.c).
 *
 * Read next: plan_perf.c, plan.c (where the hooks call these).
 */
#ifndef SALESIM_PLAN_PERF_H
#define SALESIM_PLAN_PERF_H

#include "plan.h"

/* mbo.measure */
enum { SALESIM_PLAN_MBO_NEW_CUSTOMERS = 0, SALESIM_PLAN_MBO_LEADS = 1,
       SALESIM_PLAN_MBO_RETENTION = 2 };

/** mbo: `amount` at 100 % of `target` (a measurement period's wins, leads,
 *  or share of the book kept), times curve(measured / target): the points
 *  (attainment, multiple) as target_incentive's curve, or without points
 *  1:1 capped at `cap` (0: none). Paid in the period's last month. */
typedef struct salesim_plan_mbo {
  int measure;
  double target;
  double amount;
  salesim_points curve;
  double cap;
} salesim_plan_mbo;

/** clawback: `rate` (-1: the first commission component's rate) times the
 *  contract value of accounts won in the last `months` run months (1..24)
 *  that churned this month, taken from this month's variable pay (what
 *  the variable pay cannot cover is carried to later months; forgiven when
 *  the person leaves). */
typedef struct salesim_plan_clawback {
  int months;
  double rate;
} salesim_plan_clawback;

extern const salesim_param_table salesim_plan_mbo_table, salesim_plan_clawback_table;
/** The kinds' own checks (salesim_item_kind.check). */
int salesim_plan_mbo_check(const void *body, const char *where, salesim_diag *diag);
int salesim_plan_clawback_check(const void *body, const char *where, salesim_diag *diag);

/** The checks across a plan's mbo and clawback components (more than one
 *  clawback; a clawback without a rate and no commission to take it from),
 *  one line each. Returns the number of problems added. */
int salesim_plan_perf_check(const salesim_plan_params *p, const char *where, salesim_diag *diag);

/** The MBO's multiple of its amount at attainment `att` (pure); *slope
 *  (may be NULL) gets its right-derivative there. */
double salesim_plan_mbo_multiple(const salesim_plan_mbo *m, double att, double *slope);

/** The MBO's pay for a period in which `measured` was reached (pure). */
double salesim_plan_mbo_pay(const salesim_plan_mbo *m, double measured);

/** The clawback's rate: its own, or the first commission's (0 without). */
double salesim_plan_clawback_rate(const salesim_plan_params *p, const salesim_plan_clawback *c);

/** One month of the clawback ring (pure): every cohort won 1..`months`
 *  run months before `month` loses the share 1 - `kept`; returns the
 *  contract value lost among them (what `rate` applies to); all cohorts
 *  shrink by `kept`, then `won` (this month's contract value) is stored as
 *  `month`'s cohort. */
double salesim_plan_clawback_step(salesim_plan_perf_agent *st, int months, int month, double kept,
                                  double won);

/** The contract value still held that a clawback of `months` would reach
 *  in run month `month` (cohorts won 1..months before it). */
double salesim_plan_clawback_young(const salesim_plan_perf_agent *st, int months, int month);

/** The incentive's terms of the mbo and clawback components for agent a
 *  this month: hunt_value, extra_farm (added to what is there; nothing is
 *  added for a plan without them). */
void salesim_plan_perf_incentive(const salesim_world *w, const salesim_agent *a,
                                 const salesim_plan_params *p, const salesim_plan_perf_agent *st,
                                 salesim_incentive *inc);

/** Settlement of the MBOs in month_pay: the month's measures are added,
 *  and at the period's end (`period_ends`) the MBOs' pay is added to
 *  *variable and the measures reset. Unchanged (the same bits) for a plan
 *  without MBOs. */
void salesim_plan_mbo_month(const salesim_plan_params *p, const salesim_outcome *o,
                            int period_ends, salesim_plan_perf_agent *st, double *variable);

/** Settlement of the clawback in month_pay: the young accounts lost this
 *  month times the rate, taken from *variable (at most what is positive
 *  there; the rest is owed). Unchanged for a plan without a clawback. */
void salesim_plan_clawback_month(const salesim_world *w, const salesim_plan_params *p,
                                 const salesim_outcome *o, salesim_plan_perf_agent *st,
                                 double *variable);

/** The plan type's run state (plan.c): book revenue lost to churn. */
typedef struct salesim_plan_perf_run {
  double churned;
} salesim_plan_perf_run;

/** Add a month's churned book revenue, revenue_book x (1 - book_kept). */
void salesim_plan_perf_run_add(salesim_plan_perf_run *run, const salesim_outcome *o);

/** Nonzero when plan p reports churned_revenue (pipeline mode, a clawback
 *  or an MBO: other plans leave it out so that their outputs keep their
 *  bytes); *churned gets the run's total. */
int salesim_plan_perf_churned(const salesim_world *w, const salesim_plan_params *p,
                              const salesim_plan_perf_run *run, double *churned);

#endif
