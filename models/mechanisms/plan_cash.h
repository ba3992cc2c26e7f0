/*
 * models/mechanisms/plan_cash.h: the cash and time components of a plan
 * (issue 14; the plan itself: plan.h):
 *
 *   draw   guaranteed monthly cash (a top-up of the month's pay) for new
 *          hires or for all, for some months or for good, recovered from
 *          later pay above it or not
 *   ramp   a new hire's quota as shares of the monthly quota for its first
 *          months
 *   spif   an amount per deal won (or per new customer of at least a value)
 *          in a window of run months
 *
 * None of them is part of the plan's schedule on credit (they compile to
 * nothing there): the draw and the SPIF pay in month_pay, the ramp sets the
 * period's target. Agents see them through the incentive's terms
 * (models/core/mechanism.h): a draw as cash_floor for cash_floor_months
 * (liquidity) and, when it is not recovered, its expected top-up as
 * lump_value; a SPIF as hunt_value (salesim_win_value_window,
 * models/core/window.h) and its expected pay on the deals already open as
 * lump_value; a ramp through the lower target in the schedule.
 * The settlement rules are pure functions here (tests/test_plan_cash.c).
 *
 * Read next: plan_cash.c, plan.c (where the hooks call these).
 */
#ifndef SALESIM_PLAN_CASH_H
#define SALESIM_PLAN_CASH_H

#include "plan.h"

/* draw.who */
enum { SALESIM_PLAN_DRAW_NEW_HIRES = 0, SALESIM_PLAN_DRAW_ALL = 1 };
/* spif.per */
enum { SALESIM_PLAN_PER_DEAL = 0, SALESIM_PLAN_PER_NEW_CUSTOMER = 1 };

/** draw: the month's total pay (base + variable due) topped up to `amount`
 *  while it runs: for new hires in their first `months` months in the job
 *  (tenure), or for everyone in run months [0, months) (`months` 0: for
 *  good, `all` only). Recoverable: each top-up is owed and recovered from
 *  later months' pay above `amount`, during the draw and after it (as
 *  commission.c's draw); a balance still owed when the person leaves is
 *  forgiven. */
typedef struct salesim_plan_draw {
  double amount;
  int months;
  int recoverable;
  int who;
} salesim_plan_draw;

/** ramp: shares[i] of the monthly quota in a person's month i + 1 in the
 *  job (tenure i), 1 after the last. */
typedef struct salesim_plan_ramp {
  salesim_vector shares;
} salesim_plan_ramp;

/** spif: `amount` per deal won in run months from_month..to_month (both
 *  included), paid in the month of the win; `per` new_customer counts only
 *  deals of at least `min_value`. */
typedef struct salesim_plan_spif {
  double amount;
  int per;
  double min_value;
  int from_month;
  int to_month;
} salesim_plan_spif;

/* The person's draw balance and last month's pay: salesim_plan_cash_agent,
 * in plan.h's salesim_plan_agent. */

extern const salesim_param_table salesim_plan_draw_table, salesim_plan_ramp_table,
    salesim_plan_spif_table;
/** The kinds' own checks (salesim_item_kind.check). */
int salesim_plan_draw_check(const void *body, const char *where, salesim_diag *diag);
int salesim_plan_ramp_check(const void *body, const char *where, salesim_diag *diag);
int salesim_plan_spif_check(const void *body, const char *where, salesim_diag *diag);

/** 1 for the kinds of this file (they add nothing to the schedule). */
int salesim_plan_cash_kind(int type);

/** The checks across a plan's cash components that need the scenario or
 *  the plan (a draw longer than the run, a SPIF window past it, a draw at
 *  or below the base, more than one draw or ramp), one line each at the
 *  component's own line. Returns the number of problems added. */
int salesim_plan_cash_check(const salesim_plan_params *p, const salesim_scenario *sc,
                            const char *where, salesim_diag *diag);

/** Settlement of a draw for one month (pure): `total` the month's pay
 *  before the draw (base + variable due), `variable` its variable part,
 *  `runs` whether the draw is paid this month. Sets *topup (cash added) and
 *  *recovered (variable pay withheld against *owed) and updates *owed. */
void salesim_plan_draw_settle(const salesim_plan_draw *d, int runs, double total,
                              double variable, double *owed, double *topup, double *recovered);

/** Months the draw still runs for a person with `tenure` months in the job
 *  in run month `month`, this one included: 0 when it does not run now,
 *  -1 when it runs for good. */
int salesim_plan_draw_left(const salesim_plan_draw *d, int tenure, int month);

/** Sum over the `left` months from now of the quota share of a person with
 *  `tenure` months in the job (shares[tenure + j], 1 past the ramp). */
double salesim_plan_ramp_months(const salesim_plan_ramp *r, int tenure, int left);

/** The plan's ramp applied to a target of `left` months: *target (the
 *  annual target prorated by left / mpy) becomes annual / mpy x
 *  salesim_plan_ramp_months; unchanged (the same bits) without a ramp
 *  component. */
void salesim_plan_ramp_target(const salesim_plan_params *p, int tenure, int mpy, int left,
                              double annual, double *target);

/** The SPIFs' pay for a month with `wins` deals won (`wins_min` of them of
 *  at least each SPIF's min_value: pass wins when not known) in run month
 *  `month` (pure). */
double salesim_plan_spif_pay(const salesim_plan_params *p, int month, double wins);

/** The incentive's terms of the cash components for agent a this month:
 *  cash_floor, cash_floor_months, hunt_value, lump_value (added to what
 *  is there). */
void salesim_plan_cash_incentive(const salesim_world *w, const salesim_agent *a,
                                 const salesim_plan_params *p, const salesim_plan_cash_agent *st,
                                 salesim_incentive *inc);

/** Settlement of the cash components in month_pay: *fixed (base) and
 *  *variable (the plan's pay due) before, the draw's top-up added to
 *  *fixed, its recovery taken from *variable, the SPIFs' pay added to
 *  *variable. Unchanged (the same bits) for a plan without them. */
void salesim_plan_cash_pay(const salesim_world *w, const salesim_agent *a,
                           const salesim_plan_params *p, const salesim_outcome *o,
                           salesim_plan_cash_agent *st, double *fixed, double *variable);

#endif
