/*
 * models/core/schedule.h: variable pay of a pay period as a function of the
 * period's credited sales X, written as hinges and jumps:
 *
 *   pay(X) = a + b*X + sum_k c_k * max(0, X - k_k) + sum_j J_j * [X >= t_j]
 *
 * Commission tiers and caps, payout curves scaled by target and salary,
 * lump quota bonuses are all of this form. Under normal noise
 * X ~ N(m, s^2) the expected pay and its slope have closed forms
 * (E[(X-k)+] = (m-k)Phi(z) + s phi(z)), which is what the agents'
 * decisions use (MEASURED.md: ~1 us per decision, quadrature is 100x slower).
 */
#ifndef SALESIM_SCHEDULE_H
#define SALESIM_SCHEDULE_H

#include <salesim/scenario.h>

#define SALESIM_SCHED_MAX_KNOTS (SALESIM_MAX_POINTS + 2)
#define SALESIM_SCHED_MAX_JUMPS 4

typedef struct salesim_schedule {
  double a, b;
  int nk;
  double knot[SALESIM_SCHED_MAX_KNOTS];
  double dslope[SALESIM_SCHED_MAX_KNOTS];
  int nj;
  double jump_at[SALESIM_SCHED_MAX_JUMPS];
  double jump[SALESIM_SCHED_MAX_JUMPS];
} salesim_schedule;

/** pay = rate * X (straight commission). */
void salesim_schedule_linear(salesim_schedule *s, double rate);
/** A piecewise-linear curve through points (x_i, y_i), flat left of the
 *  first point and flat right of the last (a cap), with x scaled by
 *  `xscale` and y by `yscale`: payout curve attainment -> multiple becomes
 *  credit -> pay with xscale = target and yscale = variable pay. */
int salesim_schedule_from_points(salesim_schedule *s, const salesim_points *p,
                                 double xscale, double yscale);
/** Marginal-rate tiers: rate r_i applies to credit above threshold x_i
 *  (x_0 = 0); optional cap on total variable pay (cap <= 0: none). */
int salesim_schedule_tiers(salesim_schedule *s, const salesim_points *tiers,
                           double cap);
/** Add a jump of size J at credit t. */
int salesim_schedule_add_jump(salesim_schedule *s, double t, double J);
/** Add a hinge: slope changes by dslope at credit k. */
int salesim_schedule_add_hinge(salesim_schedule *s, double k, double dslope);

/** pay(X). */
double salesim_schedule_eval(const salesim_schedule *s, double x);
/** E[pay(X)], X ~ N(m, sd^2); sd = 0 gives pay(m). Optionally *slope gets
 *  dE/dm (the expected marginal rate). */
double salesim_schedule_expect(const salesim_schedule *s, double m, double sd,
                               double *slope);
/** Right-derivative of pay at x (the marginal rate there). */
double salesim_schedule_slope(const salesim_schedule *s, double x);
/** Nonzero if the schedule is a straight line (no hinge, no jump). */
int salesim_schedule_is_linear(const salesim_schedule *s);

#endif
