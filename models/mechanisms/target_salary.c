/*
 * models/mechanisms/target_salary.c: the target-salary plan, 目标年薪制 (MODEL.md §6.2,
 * DIGEST.md §3).
 *
 * Rules: a target annual salary S by grade (grade from tenure); a pay mix
 * fixed:variable (default 70:30): the fixed part is paid monthly, the
 * variable part at the end of the plan year as variable * curve(attainment),
 * the curve given as points (default (0,0) (1,1) (1.5,3), flat after the last
 * point). With settlement = "quarterly" the variable part is advanced each
 * quarter on year-to-date attainment against the prorated target and trued
 * up at year end. Targets come from the scenario's target rule (from
 * potential and book, or fixed). The manager assigns target accounts, so
 * teammates do not collide; reps keep the accounts they win.
 *
 * Worked example (MODEL.md §9): target 5,000,000, S = 100,000, 70:30 ->
 * base 70,000 a year; at 100 % total pay 100,000; at 150 %
 * 70,000 + 3 * 30,000 = 160,000.
 */
#include <math.h>
#include <stddef.h>

#include "history.h"
#include "mechanism.h"

enum { SETTLE_ANNUAL = 0, SETTLE_QUARTERLY = 1 };

typedef struct target_salary_params {
  salesim_vector salary_by_grade;
  salesim_vector grade_tenure;
  double fixed_share;
  salesim_points curve;
  int settlement;
  double book_credit;
} target_salary_params;

static const salesim_vector default_salary = {1, {100000}};
static const salesim_vector default_grade_tenure = {1, {0}};
static const salesim_points default_curve = {3, {0, 1, 1.5}, {0, 1, 3}};

static const salesim_param_spec target_salary_specs[] = {
    {"salary_by_grade", SALESIM_P_VECTOR, offsetof(target_salary_params, salary_by_grade), 0,
     &default_salary, 0, 1e9, SALESIM_PF_MIN_EXCL, NULL, "currency/year",
     "Target annual salary (pay at exactly 100 % attainment) for each grade."},
    {"grade_tenure", SALESIM_P_VECTOR, offsetof(target_salary_params, grade_tenure), 0,
     &default_grade_tenure, 0, 1200, SALESIM_PF_INCREASING, NULL, "months",
     "Tenure from which each grade applies; same length as salary_by_grade, first 0."},
    {"fixed_share", SALESIM_P_DOUBLE, offsetof(target_salary_params, fixed_share), 0.7, NULL,
     0, 1, 0, NULL, "share", "Fixed part of the target salary, paid monthly (70:30 -> 0.7)."},
    {"curve", SALESIM_P_POINTS, offsetof(target_salary_params, curve), 0, &default_curve, 0,
     100, SALESIM_PF_INCREASING, "attainment|pay", "(attainment, multiple)",
     "Payout curve: attainment -> multiple of the variable part; linear between points, "
     "flat after the last (cap)."},
    {"settlement", SALESIM_P_CHOICE, offsetof(target_salary_params, settlement), 0, NULL, 0, 1,
     0, "annual|quarterly", "choice",
     "When the variable part is paid: at year end, or advanced quarterly with a year-end "
     "true-up."},
    {"book_credit", SALESIM_P_DOUBLE, offsetof(target_salary_params, book_credit), 1, NULL, 0, 1,
     0, NULL, "share",
     "Share of existing-account revenue that counts toward attainment (1: all sales count; "
     "lower: the target is mostly about new customers). Pair it with firm.book_factor."},
};

static const salesim_param_table target_salary_table = {
    "target_salary", target_salary_specs,
    sizeof target_salary_specs / sizeof target_salary_specs[0], sizeof(target_salary_params)};

static int target_salary_check(const void *vp, const salesim_scenario *sc, const char *where,
                               salesim_diag *diag) {
  const target_salary_params *p = vp;
  int bad = 0;
  (void)sc;
  bad |= salesim_check_grades(&p->salary_by_grade, &p->grade_tenure, where, "salary_by_grade",
                              "grade_tenure", diag);
  if (p->curve.n < 2) {
    salesim_diag_add(diag, "%s.curve: %d point(s) (expected at least 2)", where, p->curve.n);
    bad = 1;
  }
  for (int i = 1; i < p->curve.n; i++)
    if (p->curve.y[i] < p->curve.y[i - 1]) {
      salesim_diag_add(diag, "%s.curve: multiple falls from %g to %g (expected non-decreasing)",
                       where, p->curve.y[i - 1], p->curve.y[i]);
      bad = 1;
      break;
    }
  return bad ? SALESIM_ESCENARIO : 0;
}

/* Per-agent state (agent_state_size): the year's pay plan of a slot. */
typedef struct ts_agent {
  double base_month;    /* monthly base */
  double variable_full; /* variable pay at 100 % attainment (prorated) */
  double advanced;      /* variable pay advanced this year (quarterly) */
} ts_agent;

static inline ts_agent *ts(salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state(w, a);
}

static inline const ts_agent *ts_const(const salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state_const(w, a);
}

static int ts_set_plan(salesim_world *w, salesim_agent *a) {
  const target_salary_params *p = w->params;
  ts_agent *st = ts(w, a);
  int left = w->sc->months_per_year - w->month_in_year;
  double prorate = (double)left / w->sc->months_per_year;
  double salary = salesim_grade_salary(&p->salary_by_grade, &p->grade_tenure, a->tenure);
  a->target = salesim_world_rule_target(w, a) * prorate;
  a->target_pay = salary * prorate;
  if (w->history != NULL)
    salesim_history_grade(w, a, &p->grade_tenure);
  st->base_month = salary * p->fixed_share / 12.0;
  st->variable_full = salary * (1 - p->fixed_share) * prorate;
  st->advanced = 0;
  int rc = salesim_schedule_from_points(&a->sched, &p->curve, a->target, st->variable_full);
  if (rc != 0)
    salesim_world_fail(w, rc, "target_salary: the payout curve of slot %d makes no schedule",
                       (int)(a - w->agents));
  return rc;
}

static int ts_year_start(salesim_world *w) {
  for (int i = 0; i < w->n_agents; i++)
    if (w->agents[i].status != SALESIM_AGENT_VACANT) {
      int rc = ts_set_plan(w, &w->agents[i]);
      if (rc != 0)
        return rc;
    }
  return 0;
}

static int ts_hire(salesim_world *w, salesim_agent *a) { return ts_set_plan(w, a); }

static int ts_incentive(const salesim_world *w, const salesim_agent *a,
                        salesim_incentive *inc) {
  const ts_agent *st = ts_const(w, a);
  inc->base_month = st->base_month;
  inc->period_months = w->sc->months_per_year;
  inc->months_left = w->sc->months_per_year - w->month_in_year;
  inc->credit_to_date = a->credit_period;
  inc->paid_to_date = st->advanced; /* quarterly advances */
  inc->paid_at_end = 1;
  inc->pay_scales_with_target = 1;
  inc->book_credit = ((const target_salary_params *)w->params)->book_credit;
  /* Credit after this year counts toward next year's attainment, under the
   * same rules: valued at the curve's expected slope where the rep expects
   * to land (like this year, as far as it can tell). */
  inc->after_value =
      salesim_world_after_value(&a->sched, a->target, a->exp_att, a->sd_att, a->target);
  inc->assigned_accounts = 1;
  return 0;
}

static int ts_month_pay(salesim_world *w, salesim_agent *a, const salesim_outcome *o) {
  const target_salary_params *p = w->params;
  ts_agent *st = ts(w, a);
  (void)o;
  salesim_world_pay(w, a, st->base_month, 0);
  if (p->settlement == SETTLE_QUARTERLY) {
    int m = w->month_in_year + 1;
    if (m % 3 == 0 && m < w->sc->months_per_year) {
      /* advance on YTD attainment against the prorated target */
      double credit = a->credit_period + o->credit;
      double frac = (double)m / w->sc->months_per_year;
      double due = salesim_schedule_eval(&a->sched, credit / frac) * frac;
      if (due > st->advanced) {
        salesim_world_pay(w, a, due - st->advanced, 1);
        st->advanced = due;
      }
    }
  }
  return 0;
}

static int ts_period_end(salesim_world *w) {
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    double due = salesim_schedule_eval(&a->sched, a->credit_period);
    /* true-up: a negative balance is recovered as far as this pay allows */
    ts_agent *st = ts(w, a);
    salesim_world_pay(w, a, due - st->advanced, 1);
    st->advanced = 0;
  }
  return 0;
}

/* Payout curve (engine/base/payout_curve.h) of a rep on the first grade's
 * salary: the fixed share of it plus the variable part times the curve at
 * each attainment of the reference target (of 1 when the target is
 * unknown: attainment alone). */
static int ts_payout_curve(const void *vp, const salesim_scenario *sc, double reference_target,
                           salesim_payout_curve *out) {
  const target_salary_params *p = vp;
  salesim_schedule sched;
  (void)sc;
  out->n = 0;
  double salary = p->salary_by_grade.n > 0 ? p->salary_by_grade.v[0] : 0, fs = p->fixed_share;
  double scale = reference_target > 0 ? reference_target : 1.0;
  if (p->curve.n < 1 ||
      salesim_schedule_from_points(&sched, &p->curve, scale, salary * (1 - fs)) != 0)
    return 0;
  double fixed = salary * fs;
  for (int i = 0; i < SALESIM_PAYOUT_POINTS; i++) {
    double att = i * SALESIM_PAYOUT_STEP;
    out->attainment[i] = att;
    out->pay[i] = fixed + salesim_schedule_eval(&sched, att * scale);
  }
  out->n = SALESIM_PAYOUT_POINTS;
  return 0;
}

const salesim_mechanism_type salesim_mechanism_target_salary = {
    .version = SALESIM_MECHANISM_VERSION,
    .name = "target_salary",
    .summary = "Target annual salary by grade, fixed:variable mix, payout curve on attainment "
    "(目标年薪制); manager assigns accounts.",
    .params = &target_salary_table,
    .check = target_salary_check,
    .agent_state_size = sizeof(ts_agent),
    .year_start = ts_year_start,
    .hire = ts_hire,
    .incentive = ts_incentive,
    .month_pay = ts_month_pay,
    .period_end = ts_period_end,
    .payout_curve = ts_payout_curve,
};
