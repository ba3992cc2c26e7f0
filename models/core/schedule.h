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
/* 8 jumps (issue 14: retroactive tiers add one per break, a gate one, a
 * quota bonus one); each costs 16 bytes of every agent (world.h) */
#define SALESIM_SCHED_MAX_JUMPS 8

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
/** Marginal tiers as salesim_schedule_tiers, with the thresholds x_i
 *  multiplied by `xscale` (tiers on attainment: xscale = the period's
 *  target; 1: on credit), and a cap that holds for all credit: pay stays at
 *  `cap` from the credit where it first reaches it (cap <= 0: none).
 *  (salesim_schedule_tiers keeps its own cap rule for its callers: it adds
 *  the capping hinge after every tier, so a tier above the capping point
 *  raises pay again.) Returns 0 or SALESIM_EINVAL (no tiers, too many
 *  knots). */
int salesim_schedule_tiers_scaled(salesim_schedule *s, const salesim_points *tiers,
                                  double xscale, double cap);
/** Retroactive tiers: the rate of the tier reached applies to ALL credit,
 *  pay(X) = r_k X for x_k*xscale <= X < x_{k+1}*xscale (0 below the first
 *  threshold). Each break t_i adds a jump (r_i - r_{i-1}) t_i and a hinge
 *  r_i - r_{i-1}. With cap > 0 pay is min(pay, cap): the schedule stops at
 *  the credit where pay reaches the cap (a break whose jump would pass
 *  it jumps to the cap). Returns 0 or SALESIM_EINVAL (no tiers, too many
 *  knots or jumps). */
int salesim_schedule_tiers_retro(salesim_schedule *s, const salesim_points *tiers,
                                 double xscale, double cap);
/** A gate at credit t: pay 0 below t, unchanged from t on (the pay at t
 *  becomes a jump there). In place; returns 0 or SALESIM_EINVAL (no room
 *  for the jump or the hinge). */
int salesim_schedule_gate(salesim_schedule *s, double t);
/** dst = dst + src: constants and slopes add, knots at the same credit
 *  merge, so do jumps at the same credit; the rest of src's knots and
 *  jumps follow dst's in src's order. Returns 0, or SALESIM_ELIMIT (dst
 *  unchanged) when the sum has more than SALESIM_SCHED_MAX_KNOTS knots or
 *  SALESIM_SCHED_MAX_JUMPS jumps. */
int salesim_schedule_add(salesim_schedule *dst, const salesim_schedule *src);
/** Add a jump of size J at credit t. */
int salesim_schedule_add_jump(salesim_schedule *s, double t, double J);
/** Add a hinge: slope changes by dslope at credit k. */
int salesim_schedule_add_hinge(salesim_schedule *s, double k, double dslope);

/** out = max(a, b) at every credit: the larger of two schedules (a
 *  hold-harmless guarantee: pay under the old plan or the new, whichever
 *  is more). Still hinges and jumps: the points of both, plus a point where
 *  their lines cross between two of them; hinges and jumps smaller than
 *  rounding (1e-12 of the slopes, 1e-10 of the pay) are left out. out may
 *  be a or b. Returns 0, or SALESIM_ELIMIT (out unchanged) when the result
 *  has more than SALESIM_SCHED_MAX_KNOTS knots or SALESIM_SCHED_MAX_JUMPS
 *  jumps. */
int salesim_schedule_max(salesim_schedule *out, const salesim_schedule *a,
                         const salesim_schedule *b);

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
