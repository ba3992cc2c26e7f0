/*
 * models/mechanisms/plan.h: a pay plan written as components, the way
 * incentive-compensation teams write one (issue 14): a monthly base, then
 * a list of components, each a typed group of the scenario's `components`
 * setting (SALESIM_P_ITEMS, include/salesim/scenario.h):
 *
 *   target_incentive  an amount a year at 100 % attainment times a payout
 *                     curve, as points or as a named shape (gate,
 *                     decelerator, accelerator from accelerator_start, cap)
 *   commission        a rate or tiers, on credit or on attainment, marginal
 *                     or retroactive, with a cap a period
 *   quota_bonus       a lump bonus at an attainment, a rate above it
 *   draw, ramp, spif  cash and time components (plan_cash.h)
 *
 *   mbo, clawback     a bonus on a measured objective, commission taken
 *                     back on young accounts lost (plan_perf.h)
 *
 * Coming in a later slice (not accepted yet: a file naming them gets the
 * loader's "unknown type"): crediting, relief.
 *
 * A plan is data. For one rep and one measurement period it compiles into
 * ONE salesim_schedule (the sum of its components' schedules, base-free,
 * on the period's credit): settlement evaluates it (salesim_schedule_eval)
 * and the agents' decisions take its expectation (salesim_schedule_expect),
 * so both read one function. The compile and pay functions here are pure
 * (no world): tests/test_plan_pay.c calls them with hand numbers.
 *
 * Read next: plan_pay.c (compile and pay), plan_kinds.c (the components'
 * settings and checks), plan.c (the mechanism type `plan`).
 */
#ifndef SALESIM_PLAN_H
#define SALESIM_PLAN_H

#include "mechanism.h"

/* the components' kinds, in the order of salesim_plan_kinds (item.type) */
enum {
  SALESIM_PLAN_TARGET_INCENTIVE = 0,
  SALESIM_PLAN_COMMISSION = 1,
  SALESIM_PLAN_QUOTA_BONUS = 2,
  SALESIM_PLAN_DRAW = 3, /* draw, ramp, spif: plan_cash.h */
  SALESIM_PLAN_RAMP = 4,
  SALESIM_PLAN_SPIF = 5,
  SALESIM_PLAN_MBO = 6, /* mbo, clawback: plan_perf.h */
  SALESIM_PLAN_CLAWBACK = 7,
  SALESIM_PLAN_N_KINDS
};

/* measurement: credit and attainment reset each period of the plan year */
enum { SALESIM_PLAN_YEAR = 0, SALESIM_PLAN_QUARTER = 1, SALESIM_PLAN_MONTH = 2 };
/* payment: each month the pay of the month's credit, or all at the period's end */
enum { SALESIM_PLAN_AS_EARNED = 0, SALESIM_PLAN_PERIOD_END = 1 };
/* commission tiers: on credit or on attainment; marginal or retroactive */
enum { SALESIM_PLAN_ON_AMOUNT = 0, SALESIM_PLAN_ON_ATTAINMENT = 1 };
enum { SALESIM_PLAN_MARGINAL = 0, SALESIM_PLAN_RETROACTIVE = 1 };

/** target_incentive: `amount` a year at 100 % attainment times a multiple
 *  of attainment, from `curve` points or from the named shape. The shape's
 *  settings are -1 when not written (decelerator and accelerator then 1,
 *  accelerator_start 1.0): multiple = 1 - decelerator*(1 - att) below 1.0
 *  (at least 0), 1:1 from 1.0 to accelerator_start, then `accelerator`
 *  per unit of attainment, at most `cap` (0: none); below `gate` (0: none)
 *  nothing, from it the shape's value (a jump). */
typedef struct salesim_plan_ti {
  double amount;
  salesim_points curve;
  double gate, decelerator, accelerator, accelerator_start, cap;
} salesim_plan_ti;

/** commission: `rate` on credit, or `tiers` (threshold, rate) on credit a
 *  period (currency) or on attainment, marginal or retroactive; `cap` on
 *  the component's pay a period (0: none); `book_rate` (-1: the first
 *  rate) sets how book revenue is credited for the whole plan. */
typedef struct salesim_plan_commission {
  double rate;
  double book_rate;
  salesim_points tiers;
  int tiers_on;
  int tiers_apply;
  double cap;
} salesim_plan_commission;

/** quota_bonus: `bonus` when the period's attainment reaches `at`, and
 *  `rate_above` on credit above that point. */
typedef struct salesim_plan_quota_bonus {
  double bonus;
  double at;
  double rate_above;
} salesim_plan_quota_bonus;

/* arithmetic: the order of operations and conventions of the plan itself,
 * or of an older type the plan reproduces bit for bit (docs/plan-vocabulary.md,
 * "The older types as plans"; tests/test_presets.c) */
enum {
  SALESIM_PLAN_ARITH_PLAN = 0,
  SALESIM_PLAN_ARITH_COMMISSION = 1,
  SALESIM_PLAN_ARITH_TARGET_SALARY = 2,
  SALESIM_PLAN_ARITH_QUOTA_BONUS = 3
};
/* advance: none, or a year's variable pay advanced each quarter */
enum { SALESIM_PLAN_ADVANCE_NONE = 0, SALESIM_PLAN_ADVANCE_QUARTERLY = 1 };

/** The settings of a `plan` mechanism (table group "plan"). The settings
 *  after `components` make a plan reproduce the older types (presets); a
 *  zeroed struct means today's plan (quota_share 0 is read as 1,
 *  book_credit is -1 when loaded unset). */
typedef struct salesim_plan_params {
  double base;
  double ote;
  int measurement;
  int payment;
  salesim_items components;
  int arithmetic;        /* SALESIM_PLAN_ARITH_* */
  int advance;           /* SALESIM_PLAN_ADVANCE_* (payment period_end, measurement year) */
  double book_credit;    /* credit of book revenue; -1: from the first commission */
  double quota_share;    /* the period's target as a share of the firm's target */
  int assigned_accounts; /* bool: the manager assigns prospects */
} salesim_plan_params;

/** The kinds a plan's `components` accept (plan_kinds.c). */
extern const salesim_item_kinds salesim_plan_kinds;
/** The settings table of the `plan` type (plan.c). */
extern const salesim_param_table salesim_plan_table;

/** Months in a measurement period (12 for a year of 12 months). */
int salesim_plan_period_len(const salesim_plan_params *p, int months_per_year);

/** Compile the plan for one rep and one period into *out (base-free
 *  variable pay on the period's credit): `target` is the period's target
 *  (the annual target prorated to the period and to a hire's months left),
 *  `year_share` the share of a year the period counts for (its months /
 *  months_per_year), which prorates the target incentive's yearly amount.
 *  Tiers on credit, commission caps and quota bonuses are per period and
 *  not prorated. Returns 0, SALESIM_EINVAL (a component that makes no
 *  schedule) or SALESIM_ELIMIT (the sum has more knots or jumps than a
 *  schedule holds; the plan's check refuses such plans at load). */
int salesim_plan_compile(salesim_schedule *out, const salesim_plan_params *p, double target,
                         double year_share);

/** One component alone (the same rules as salesim_plan_compile). */
int salesim_plan_component(salesim_schedule *out, const salesim_item *item, double target,
                           double year_share);

/** The most knots and jumps the plan's schedule can have, for any target:
 *  each component's own, added (no merging assumed). */
void salesim_plan_worst_case(const salesim_plan_params *p, int *knots, int *jumps);

/** Variable pay due this month: as earned, sched(before + credit) -
 *  sched(before); at period end, sched(before + credit) in the period's
 *  last month (`period_ends`), else 0. `before` is the period's credit
 *  before this month. */
double salesim_plan_variable_due(const salesim_plan_params *p, const salesim_schedule *sched,
                                 double before, double credit, int period_ends);

/** The credit of one unit of book revenue under the plan: the first
 *  commission component's book_rate / its first rate (1 without one). */
double salesim_plan_book_credit(const salesim_plan_params *p);

/** The first commission component's first rate (its rate, or its first
 *  tier's), 0 without one: what commission's convention values credit
 *  after the period at (arithmetic = "commission"). */
double salesim_plan_first_rate(const salesim_plan_params *p);

/** Nonzero if some component's pay depends on the target (a higher target
 *  lowers pay for the same credit): the incentive's pay_scales_with_target. */
int salesim_plan_scales_with_target(const salesim_plan_params *p);

/** The payout_curve hook of `plan` (engine/base/payout_curve.h): base*12
 *  plus the plan's pay over a year at each attainment of
 *  `reference_target`, the credit spread evenly over the year's periods
 *  (each period compiled at its share of the target); none without a
 *  positive reference target. */
int salesim_plan_payout_curve(const void *params, const salesim_scenario *sc,
                              double reference_target, salesim_payout_curve *out);

/** Where component j's own checks point: "FILE:LINE: mechanisms[i]" (the
 *  mechanism check's `where`) becomes "FILE:ITEMLINE: mechanisms[i].components[j]"
 *  at the component's line; any other `where` gets ".components[j]". */
void salesim_plan_item_where(char *buf, size_t n, const char *where, const salesim_item *it,
                             int j);

/** The cross-setting check of a plan (the mechanism's `check`): what the
 *  components' own checks cannot see, e.g. "WHERE.components: 20
 *  breakpoints in all (expected at most 18)". Returns 0 or
 *  SALESIM_ESCENARIO. */
int salesim_plan_check(const void *params, const salesim_scenario *sc, const char *where,
                       salesim_diag *diag);

/* ---- the hooks of `plan` on a given plan (the type `transition` runs
 * two plans in one entry, models/mechanisms/transition.c) ---- */

/** A person's draw balance and last month's pay (the draw and SPIF
 *  components, plan_cash.h). */
typedef struct salesim_plan_cash_agent {
  double draw_owed;     /* recoverable draw advanced and not yet recovered */
  double last_variable; /* variable pay of the person's last month */
} salesim_plan_cash_agent;

/** Run months a clawback reaches back (mbo and clawback, plan_perf.h). */
#define SALESIM_PLAN_CLAWBACK_MAX 24

/** A person's MBO measures of the current period and clawback ring
 *  (plan_perf.h). */
typedef struct salesim_plan_perf_agent {
  double wins, leads;  /* this period's deals won and qualified leads */
  double churned;      /* this period's churned share of the book, 1 - the
                          product of the months' book_kept */
  int months;          /* months of the period measured so far */
  int paced;           /* a full period was measured: pace_* set */
  double pace_wins, pace_leads; /* the last full period's, a month */
  double won[SALESIM_PLAN_CLAWBACK_MAX + 1]; /* contract value won by run
                          month (ring: month % 25), shrunk by churn */
  double claw_owed;    /* clawback not yet taken from variable pay */
} salesim_plan_perf_agent;

/** A plan's per-agent state: the current period's target, the draw's
 *  and SPIF's state, the MBO's and clawback's, and the year's advances. */
typedef struct salesim_plan_agent {
  double period_target;
  salesim_plan_cash_agent cash;
  salesim_plan_perf_agent perf;
  double advanced; /* variable pay advanced this year (advance = quarterly) */
} salesim_plan_agent;

/** Set the schedule of a period with `left` of its months to go under plan
 *  p (a->sched, st->period_target) for the annual target `annual` (plan
 *  itself: salesim_world_rule_target). Returns 0 or a negative code (after
 *  salesim_world_fail). */
int salesim_plan_set_period_for(salesim_world *w, salesim_agent *a, const salesim_plan_params *p,
                                salesim_plan_agent *st, int left, double annual);
/** Plan p's year from plan-year month `month_in_year` for the annual
 *  target `annual`: the year's target (a->target), the period's schedule,
 *  the advertised pay (a->target_pay), prorated to the months left as for
 *  a hire. */
int salesim_plan_set_for(salesim_world *w, salesim_agent *a, const salesim_plan_params *p,
                         salesim_plan_agent *st, int month_in_year, double annual);
/** Plan p's incentive for agent a this month (the hook `incentive`). */
void salesim_plan_incentive_for(const salesim_world *w, const salesim_agent *a,
                                const salesim_plan_params *p, const salesim_plan_agent *st,
                                salesim_incentive *inc);
/** Plan p's pay for the month (base, then the variable pay due, with the
 *  draw and SPIF of plan_cash.h on the person's state st). */
void salesim_plan_month_pay_for(salesim_world *w, salesim_agent *a, const salesim_plan_params *p,
                                salesim_plan_agent *st, const salesim_outcome *o);
/** Nonzero when this month ends a measurement period of plan p other than
 *  the plan year's last (month_end then resets credit and sets the next
 *  period's schedule). */
int salesim_plan_period_turns(const salesim_world *w, const salesim_plan_params *p);

#endif
