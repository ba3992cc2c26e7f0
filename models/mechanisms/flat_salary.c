/*
 * models/mechanisms/flat_salary.c: a flat salary with no variable pay, the
 * baseline that shows what pay for performance buys (docs/flat-salary.md).
 *
 * Rules: an annual salary by grade (grade from tenure, as target_salary),
 * paid monthly, whatever the rep sells. The firm still sets targets by its
 * target rule, so attainment and target accuracy are measured, but nothing
 * is paid on them. With `assigned_accounts` (default) the manager hands out
 * prospects, so teammates do not collide; reps keep the accounts they win.
 * An optional annual `raise` (a share of salary, on each full plan year of
 * tenure in the firm) stands for the pay rise of a seniority system.
 *
 * What the agents do follows from the rules (models/core/decision.c): a
 * unit of credit is worth nothing to the rep, so effort falls to what costs
 * nothing; people stay while the salary beats their outside wage, so a high
 * salary keeps everyone, including those who sell least.
 *
 * The whole mechanism is this file and one line in registry.c: its
 * settings, its per-agent state (the slot's monthly salary), its payout
 * curve (flat). It declares no metrics of its own: the core metrics say
 * what a flat salary costs and sells.
 * Read next: models/mechanisms/target_salary.c.
 */
#include <stddef.h>

#include "history.h"
#include "mechanism.h"

typedef struct flat_salary_params {
  salesim_vector salary_by_grade;
  salesim_vector grade_tenure;
  double raise;
  int assigned_accounts;
} flat_salary_params;

static const salesim_vector default_salary = {1, {100000}};
static const salesim_vector default_grade_tenure = {1, {0}};

static const salesim_param_spec flat_salary_specs[] = {
    {"salary_by_grade", SALESIM_P_VECTOR, offsetof(flat_salary_params, salary_by_grade), 0,
     &default_salary, 0, 1e9, SALESIM_PF_MIN_EXCL, NULL, "currency/year",
     "Annual salary for each grade, paid monthly whatever the rep sells."},
    {"grade_tenure", SALESIM_P_VECTOR, offsetof(flat_salary_params, grade_tenure), 0,
     &default_grade_tenure, 0, 1200, SALESIM_PF_INCREASING, NULL, "months",
     "Tenure from which each grade applies; same length as salary_by_grade, first 0."},
    {"raise", SALESIM_P_DOUBLE, offsetof(flat_salary_params, raise), 0, NULL, 0, 1, 0, NULL,
     "share/year",
     "Seniority raise: the salary grows by this share for each full plan year of tenure "
     "(0: none), whatever the rep sold."},
    {"assigned_accounts", SALESIM_P_BOOL, offsetof(flat_salary_params, assigned_accounts), 1,
     NULL, 0, 1, 0, NULL, "bool",
     "The manager assigns prospects, so teammates do not collide (false: reps hunt the same "
     "pool)."},
};

static const salesim_param_table flat_salary_table = {
    "flat_salary", flat_salary_specs, sizeof flat_salary_specs / sizeof flat_salary_specs[0],
    sizeof(flat_salary_params)};

static int flat_salary_check(const void *vp, const salesim_scenario *sc, const char *where,
                             salesim_diag *diag) {
  const flat_salary_params *p = vp;
  (void)sc;
  if (salesim_check_grades(&p->salary_by_grade, &p->grade_tenure, where, "salary_by_grade",
                           "grade_tenure", diag))
    return SALESIM_ESCENARIO;
  return 0;
}

/* Per-agent state (agent_state_size): the slot's salary this plan year. */
typedef struct flat_agent {
  double salary_month;
} flat_agent;

static inline flat_agent *fa(salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state(w, a);
}

static inline const flat_agent *fa_const(const salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state_const(w, a);
}

/* Annual salary of a person with `tenure` months in the firm. */
static double salary_at(const flat_salary_params *p, int tenure, int months_per_year) {
  double s = salesim_grade_salary(&p->salary_by_grade, &p->grade_tenure, tenure);
  for (int y = tenure / months_per_year; y > 0; y--)
    s *= 1 + p->raise;
  return s;
}

/* The year's plan of one slot: a target (measured, not paid on) and the
 * salary, prorated to the months left for someone hired mid-year. */
static int flat_set_plan(salesim_world *w, salesim_agent *a) {
  const flat_salary_params *p = w->params;
  int left = w->sc->months_per_year - w->month_in_year;
  double prorate = (double)left / w->sc->months_per_year;
  double salary = salary_at(p, a->tenure, w->sc->months_per_year);
  a->target = salesim_world_rule_target(w, a) * prorate;
  a->target_pay = salary * prorate;
  fa(w, a)->salary_month = salary / 12.0;
  salesim_schedule_linear(&a->sched, 0.0); /* no variable pay */
  if (w->history != NULL)
    salesim_history_grade(w, a, &p->grade_tenure);
  return 0;
}

static int flat_year_start(salesim_world *w) {
  for (int i = 0; i < w->n_agents; i++)
    if (w->agents[i].status != SALESIM_AGENT_VACANT) {
      int rc = flat_set_plan(w, &w->agents[i]);
      if (rc != 0)
        return rc;
    }
  return 0;
}

static int flat_hire(salesim_world *w, salesim_agent *a) { return flat_set_plan(w, a); }

static int flat_incentive(const salesim_world *w, const salesim_agent *a,
                          salesim_incentive *inc) {
  const flat_salary_params *p = w->params;
  inc->base_month = fa_const(w, a)->salary_month;
  inc->period_months = w->sc->months_per_year;
  inc->months_left = w->sc->months_per_year - w->month_in_year;
  inc->credit_to_date = a->credit_period;
  inc->paid_at_end = 1;
  inc->after_value = 0; /* credit after the year earns nothing either */
  inc->assigned_accounts = p->assigned_accounts;
  return 0;
}

static int flat_month_pay(salesim_world *w, salesim_agent *a, const salesim_outcome *o) {
  (void)o;
  salesim_world_pay(w, a, fa(w, a)->salary_month, 0);
  return 0;
}

/* Payout curve (engine/base/payout_curve.h): the first grade's salary at
 * every attainment. */
static int flat_payout_curve(const void *vp, const salesim_scenario *sc, double reference_target,
                             salesim_payout_curve *out) {
  const flat_salary_params *p = vp;
  (void)sc;
  (void)reference_target;
  double salary = p->salary_by_grade.n > 0 ? p->salary_by_grade.v[0] : 0;
  for (int i = 0; i < SALESIM_PAYOUT_POINTS; i++) {
    out->attainment[i] = i * SALESIM_PAYOUT_STEP;
    out->pay[i] = salary;
  }
  out->n = SALESIM_PAYOUT_POINTS;
  return 0;
}

const salesim_mechanism_type salesim_mechanism_flat_salary = {
    .version = SALESIM_MECHANISM_VERSION,
    .name = "flat_salary",
    .summary = "Flat salary by grade, no variable pay (optional seniority raise): the baseline "
    "that shows what pay for performance buys.",
    .params = &flat_salary_table,
    .check = flat_salary_check,
    .agent_state_size = sizeof(flat_agent),
    .year_start = flat_year_start,
    .hire = flat_hire,
    .incentive = flat_incentive,
    .month_pay = flat_month_pay,
    .payout_curve = flat_payout_curve,
};
