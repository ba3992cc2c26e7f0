/*
 * models/mechanisms/plan.c: the mechanism type `plan`: a pay plan made of
 * components (plan.h), settled monthly, at quarter or year end.
 *
 * Rules: a monthly `base`; the components' pay on the credit of each
 * measurement period (`measurement`: the plan year, its quarters or its
 * months, all following the plan year's months, month_in_year), against
 * the period's target: the firm's annual target for the rep (the target
 * rule, as target_salary and commission use it) prorated to the period and,
 * for a hire, to the months left in it. Credit and attainment reset at each
 * period's end. `payment`: as earned (each month the plan's pay of the
 * period's credit so far less what it paid before, as commission does), or
 * at the period's end (as target_salary's annual bonus and quota_bonus).
 * Reps own the accounts they win and nobody assigns prospects (as
 * commission). Nothing here says how reps behave: the agents choose
 * against the compiled schedule in models/core/decision.c.
 *
 * The older types as presets (docs/plan-vocabulary.md, tests/test_presets.c):
 * `arithmetic` reproduces commission's, target_salary's or quota_bonus's
 * order of operations and conventions bit for bit (proration, advertised
 * pay, the value of credit after the period, a period-end payment after
 * every rep's month: month_end, period_end), `advance` target_salary's
 * quarterly advances, and `quota_share`, `book_credit`, `assigned_accounts`
 * their settings of those names. By default they change nothing.
 *
 * Simplified (said in docs and the report): one credit of book
 * revenue for the whole plan (the first commission's book_rate); the
 * advertised OTE counts the period's pay at 100 % times the periods left;
 * a person who leaves before a period_end payment forfeits it (as
 * quota_bonus).
 *
 * Read next: plan_pay.c (the pure pay functions these hooks call).
 */
#include <stddef.h>

#include "plan.h"
#include "plan_cash.h"
#include "plan_perf.h"

static const salesim_param_spec plan_specs[] = {
    {"base", SALESIM_P_DOUBLE, offsetof(salesim_plan_params, base), 0, NULL, 0, 1e9, 0, NULL,
     "currency/month", "Monthly base salary."},
    {"ote", SALESIM_P_DOUBLE, offsetof(salesim_plan_params, ote), 0, NULL, 0, 1e12, 0, NULL,
     "currency/year",
     "Advertised on-target earnings; 0: base*12 plus the components' pay at 100 % of the "
     "period's target times the periods in the year (prorated for a hire)."},
    {"measurement", SALESIM_P_CHOICE, offsetof(salesim_plan_params, measurement), 0, NULL, 0, 2,
     0, "year|quarter|month", "choice",
     "Measurement period: credit and attainment reset at the end of each plan year, quarter "
     "or month; the period's target is the annual target prorated to it."},
    {"payment", SALESIM_P_CHOICE, offsetof(salesim_plan_params, payment), 0, NULL, 0, 1, 0,
     "as_earned|period_end", "choice",
     "As earned: each month the pay of the period's credit so far less what was paid; period "
     "end: all of it in the period's last month (a person who leaves before it forfeits it)."},
    {"components", SALESIM_P_ITEMS, offsetof(salesim_plan_params, components), 0,
     &salesim_plan_kinds, 0, SALESIM_MAX_ITEMS, 0, NULL, "components",
     "The plan's components, each a group with its `type`: target_incentive, commission, "
     "quota_bonus, draw, ramp, spif, mbo, clawback (crediting and relief come later)."},
    /* the older types as presets (docs/plan-vocabulary.md, "The older types as plans") */
    {"arithmetic", SALESIM_P_CHOICE, offsetof(salesim_plan_params, arithmetic), 0, NULL, 0, 3, 0,
     "plan|commission|target_salary|quota_bonus", "choice",
     "Order of operations and conventions: the plan's own, or an older type's, to reproduce "
     "its results bit for bit: how targets are prorated, the advertised pay, how a rep values "
     "credit after the period (commission: the first rate), and when a period-end payment is "
     "made (target_salary: after the year's last month, quota_bonus: after each period's "
     "last month, both after every rep's month; needs payment = \"period_end\")."},
    {"advance", SALESIM_P_CHOICE, offsetof(salesim_plan_params, advance), 0, NULL, 0, 1, 0,
     "none|quarterly", "choice",
     "With payment = \"period_end\" and measurement = \"year\": advance the variable pay each "
     "quarter on the year-to-date credit against the prorated target (curve(credit / share) * "
     "share), trued up at the year's end (as target_salary's quarterly settlement)."},
    {"book_credit", SALESIM_P_DOUBLE, offsetof(salesim_plan_params, book_credit), -1, NULL, -1,
     1, 0, NULL, "share",
     "Share of existing-account revenue credited (as target_salary's book_credit); -1: from "
     "the first commission component's book_rate (1 without one)."},
    {"quota_share", SALESIM_P_DOUBLE, offsetof(salesim_plan_params, quota_share), 1, NULL, 0, 10,
     SALESIM_PF_MIN_EXCL, NULL, "share",
     "The period's target (quota) as a share of the firm's target for the rep (as "
     "quota_bonus's quota_share); the year's reported target stays the firm's."},
    {"assigned_accounts", SALESIM_P_BOOL, offsetof(salesim_plan_params, assigned_accounts), 0,
     NULL, 0, 1, 0, NULL, "bool",
     "The manager assigns prospects, so teammates do not collide (as target_salary)."},
};

const salesim_param_table salesim_plan_table = {
    "plan", plan_specs, sizeof plan_specs / sizeof plan_specs[0], sizeof(salesim_plan_params)};

/* Per-agent state (agent_state_size): the current period's target, the
 * draw owed and last month's pay (salesim_plan_agent, plan.h). */
static inline salesim_plan_agent *pa(salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state(w, a);
}

static inline const salesim_plan_agent *pa_const(const salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state_const(w, a);
}

/* The plan's quota_share (0 in a zeroed struct: 1). */
static double quota_share(const salesim_plan_params *p) {
  return p->quota_share > 0 ? p->quota_share : 1.0;
}

/* Prorated as the older types do it: commission and quota_bonus take
 * target * left / mpy, the plan and target_salary target * (left / mpy). */
static int by_months(const salesim_plan_params *p) {
  return p->arithmetic == SALESIM_PLAN_ARITH_COMMISSION ||
         p->arithmetic == SALESIM_PLAN_ARITH_QUOTA_BONUS;
}

int salesim_plan_set_period_for(salesim_world *w, salesim_agent *a, const salesim_plan_params *p,
                                salesim_plan_agent *st, int left, double annual) {
  int mpy = w->sc->months_per_year;
  double share = (double)left / mpy;
  annual = quota_share(p) * annual;
  double target = by_months(p) ? annual * left / mpy : annual * share;
  salesim_plan_ramp_target(p, a->tenure, mpy, left, annual, &target); /* a new hire's ramp */
  st->period_target = target;
  int rc = salesim_plan_compile(&a->sched, p, target, share);
  if (rc != 0)
    salesim_world_fail(w, rc, "plan: the pay schedule of slot %d cannot be built (%s)",
                       (int)(a - w->agents),
                       rc == SALESIM_ELIMIT ? "too many breakpoints" : "a component");
  return rc;
}

int salesim_plan_set_for(salesim_world *w, salesim_agent *a, const salesim_plan_params *p,
                         salesim_plan_agent *st, int month_in_year, double annual) {
  int mpy = w->sc->months_per_year, len = salesim_plan_period_len(p, mpy);
  int left_year = mpy - month_in_year, left = len - month_in_year % len;
  double prorate = (double)left_year / mpy;
  int ts = p->arithmetic == SALESIM_PLAN_ARITH_TARGET_SALARY;
  a->target = ts ? annual * prorate : annual * left_year / mpy;
  salesim_plan_ramp_target(p, a->tenure, mpy, left_year, annual, &a->target);
  st->advanced = 0;
  int rc = salesim_plan_set_period_for(w, a, p, st, left, annual);
  if (rc != 0)
    return rc;
  /* the period's pay at 100 %, as many times as periods remain */
  double at_target = salesim_schedule_eval(&a->sched, st->period_target);
  if (p->ote > 0)
    a->target_pay = ts ? p->ote * prorate : p->ote * left_year / mpy;
  else if (p->arithmetic == SALESIM_PLAN_ARITH_COMMISSION) /* the year's pay at its target */
    a->target_pay = p->base * left_year + salesim_schedule_eval(&a->sched, a->target);
  else if (p->arithmetic == SALESIM_PLAN_ARITH_QUOTA_BONUS) /* periods left, prorated */
    a->target_pay = p->base * left_year + at_target * ((double)left_year / len);
  else
    a->target_pay = p->base * left_year + at_target * left_year / left;
  return 0;
}

/* The year's plan from this month: the year's target, the period's
 * schedule, the advertised pay. */
static int plan_set(salesim_world *w, salesim_agent *a) {
  return salesim_plan_set_for(w, a, w->params, pa(w, a), w->month_in_year,
                              salesim_world_rule_target(w, a));
}

static int plan_year_start(salesim_world *w) {
  for (int i = 0; i < w->n_agents; i++)
    if (w->agents[i].status != SALESIM_AGENT_VACANT) {
      int rc = plan_set(w, &w->agents[i]);
      if (rc != 0)
        return rc;
    }
  return 0;
}

static int plan_hire(salesim_world *w, salesim_agent *a) { return plan_set(w, a); }

void salesim_plan_incentive_for(const salesim_world *w, const salesim_agent *a,
                                const salesim_plan_params *p, const salesim_plan_agent *st,
                                salesim_incentive *inc) {
  int len = salesim_plan_period_len(p, w->sc->months_per_year);
  int as_earned = p->payment == SALESIM_PLAN_AS_EARNED;
  inc->base_month = p->base;
  /* a straight rate paid as earned has no period (commission's open end) */
  int open = as_earned && salesim_schedule_is_linear(&a->sched) && a->sched.a == 0;
  inc->period_months = open ? 0 : len;
  inc->months_left = len - w->month_in_year % len;
  inc->credit_to_date = a->credit_period;
  inc->paid_to_date =
      as_earned ? salesim_schedule_eval(&a->sched, a->credit_period) : st->advanced;
  inc->paid_at_end = !as_earned;
  inc->pay_scales_with_target = salesim_plan_scales_with_target(p);
  inc->book_credit = p->book_credit >= 0 ? p->book_credit : salesim_plan_book_credit(p);
  /* credit after the period counts in the next one under the same rules:
   * the expected slope where the rep expects to land (as quota_bonus);
   * commission's convention: next year starts again at the first rate */
  if (p->arithmetic == SALESIM_PLAN_ARITH_COMMISSION)
    inc->after_value = salesim_plan_first_rate(p);
  else
    inc->after_value = open ? a->sched.b
                            : salesim_world_after_value(&a->sched, a->target, a->exp_att,
                                                        a->sd_att, st->period_target);
  inc->assigned_accounts = p->assigned_accounts != 0;
  salesim_plan_cash_incentive(w, a, p, &st->cash, inc); /* draw, spif */
  salesim_plan_perf_incentive(w, a, p, &st->perf, inc); /* mbo, clawback */
}

static int plan_incentive(const salesim_world *w, const salesim_agent *a,
                          salesim_incentive *inc) {
  salesim_plan_incentive_for(w, a, w->params, pa_const(w, a), inc);
  return 0;
}

void salesim_plan_month_pay_for(salesim_world *w, salesim_agent *a, const salesim_plan_params *p,
                                salesim_plan_agent *st, const salesim_outcome *o) {
  int len = salesim_plan_period_len(p, w->sc->months_per_year);
  int ends = (w->month_in_year + 1) % len == 0;
  double fixed = p->base;
  double due = salesim_plan_variable_due(p, &a->sched, a->credit_period, o->credit, ends);
  salesim_plan_mbo_month(p, o, ends, &st->perf, &due); /* mbo */
  salesim_plan_cash_pay(w, a, p, o, &st->cash, &fixed, &due); /* draw, spif */
  salesim_plan_clawback_month(w, p, o, &st->perf, &due); /* clawback */
  salesim_world_pay(w, a, fixed, 0);
  if (due != 0)
    salesim_world_pay(w, a, due, 1);
}

/* Nonzero when the plan's period-end payment is made after every rep's
 * month (the older types' hooks): target_salary at the year's end
 * (period_end), quota_bonus at each period's end (month_end). */
static int settles_late(const salesim_plan_params *p) {
  return p->payment == SALESIM_PLAN_PERIOD_END &&
         (p->arithmetic == SALESIM_PLAN_ARITH_TARGET_SALARY ||
          p->arithmetic == SALESIM_PLAN_ARITH_QUOTA_BONUS);
}

/* The plan type's own month: as salesim_plan_month_pay_for, and, with
 * `advance` or a late settlement, the older types' order: the base, then
 * the quarter's advance (curve(credit / share) * share above what was
 * advanced), the period's pay less the advances at its end (here, or
 * after every rep's month). */
static int plan_month_pay(salesim_world *w, salesim_agent *a, const salesim_outcome *o) {
  const salesim_plan_params *p = w->params;
  salesim_plan_agent *st = pa(w, a);
  int late = settles_late(p), adv = p->advance == SALESIM_PLAN_ADVANCE_QUARTERLY;
  salesim_plan_perf_run_add(w->state, o); /* churned_revenue */
  if (!late && !adv) {
    salesim_plan_month_pay_for(w, a, p, st, o);
    return 0;
  }
  int mpy = w->sc->months_per_year, len = salesim_plan_period_len(p, mpy);
  int m = w->month_in_year + 1, ends = m % len == 0;
  double fixed = p->base, due = 0;
  if (!late) {
    due = salesim_plan_variable_due(p, &a->sched, a->credit_period, o->credit, ends);
    if (ends && adv) { /* the year's true-up: what the advances did not pay */
      due -= st->advanced;
      st->advanced = 0;
    }
  }
  salesim_plan_mbo_month(p, o, ends, &st->perf, &due);        /* mbo */
  salesim_plan_cash_pay(w, a, p, o, &st->cash, &fixed, &due); /* draw, spif */
  salesim_plan_clawback_month(w, p, o, &st->perf, &due);      /* clawback */
  salesim_world_pay(w, a, fixed, 0);
  if (due != 0)
    salesim_world_pay(w, a, due, 1);
  if (adv && m % 3 == 0 && m < mpy) {
    double credit = a->credit_period + o->credit;
    double frac = (double)m / mpy;
    double upto = salesim_schedule_eval(&a->sched, credit / frac) * frac;
    if (upto > st->advanced) {
      salesim_world_pay(w, a, upto - st->advanced, 1);
      st->advanced = upto;
    }
  }
  return 0;
}

static const salesim_metric_decl plan_metrics[] = {
    {{"churned_revenue",
      "Book revenue lost to churn a year (plan with an mbo or clawback, pipeline mode)",
      "currency/year", -1},
     SALESIM_METRIC_KIND_PER_YEAR,
     "Churned revenue"},
};

static int plan_report(salesim_world *w) {
  double churned;
  if (salesim_plan_perf_churned(w, w->params, w->state, &churned)) /* mbo, clawback */
    salesim_world_metric(w, 0, churned);
  return 0;
}

int salesim_plan_period_turns(const salesim_world *w, const salesim_plan_params *p) {
  int mpy = w->sc->months_per_year, len = salesim_plan_period_len(p, mpy);
  int m = w->month_in_year + 1;
  return !(m % len != 0 || m == mpy);
}

/* A period other than the year's last ends: credit resets, and the next
 * period's schedule is set (a full period). The year's last period ends
 * with the engine's plan year start. */
static int plan_month_end(salesim_world *w) {
  const salesim_plan_params *p = w->params;
  int len = salesim_plan_period_len(p, w->sc->months_per_year);
  int turns = salesim_plan_period_turns(w, p);
  /* quota_bonus's order: each period's pay after every rep's month */
  int pay = settles_late(p) && p->arithmetic == SALESIM_PLAN_ARITH_QUOTA_BONUS &&
            (w->month_in_year + 1) % len == 0;
  if (!turns && !pay)
    return 0;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    if (pay)
      salesim_world_pay(w, a, salesim_schedule_eval(&a->sched, a->credit_period), 1);
    if (!turns)
      continue;
    a->credit_period = 0;
    int rc = salesim_plan_set_period_for(w, a, p, pa(w, a), len, salesim_world_rule_target(w, a));
    if (rc != 0)
      return rc;
  }
  return 0;
}

/* target_salary's order: the year's pay less its advances after every
 * rep's last month (a negative balance is recovered as far as this pay
 * allows). */
static int plan_period_end(salesim_world *w) {
  const salesim_plan_params *p = w->params;
  if (!settles_late(p) || p->arithmetic != SALESIM_PLAN_ARITH_TARGET_SALARY)
    return 0;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    salesim_plan_agent *st = pa(w, a);
    double due = salesim_schedule_eval(&a->sched, a->credit_period);
    salesim_world_pay(w, a, due - st->advanced, 1);
    st->advanced = 0;
  }
  return 0;
}

const salesim_mechanism_type salesim_mechanism_plan = {
    .version = SALESIM_MECHANISM_VERSION,
    .name = "plan",
    .summary = "A pay plan made of components: base, target incentive (curve or gate, "
               "decelerator, accelerator, cap), commission tiers, quota bonus; settled by "
               "month, quarter or year.",
    .params = &salesim_plan_table,
    .check = salesim_plan_check,
    .state_size = sizeof(salesim_plan_perf_run),
    .agent_state_size = sizeof(salesim_plan_agent),
    .year_start = plan_year_start,
    .hire = plan_hire,
    .incentive = plan_incentive,
    .month_pay = plan_month_pay,
    .month_end = plan_month_end,
    .period_end = plan_period_end,
    .payout_curve = salesim_plan_payout_curve,
    .report = plan_report,
    .metrics = plan_metrics,
    .n_metrics = 1,
};
