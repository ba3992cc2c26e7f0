/*
 * models/core/multitask.h: the Holmstrom-Milgrom 1991 multitask problem and the
 * agent's side of it (internal): given rates alpha the agent maximises
 * alpha.t - t'Kt/2 over efforts t >= 0 (the risk term does not depend on
 * t). decision.c uses it for the two-task linear mode; theory.c builds the
 * principal's problem on it (models/algorithms/theory.h has the derivation). It sits
 * below both, so decision.c does not depend on theory.c.
 * Read next: models/core/multitask.c, models/algorithms/theory.h, models/core/numerics.h.
 */
#ifndef SALESIM_MULTITASK_H
#define SALESIM_MULTITASK_H

#define SALESIM_MULTITASK_MAX_TASKS 4

/** A multitask agency problem (models/algorithms/theory.h has the derivation).
 *  Matrices are row major; only the leading n x n block is read. */
typedef struct salesim_hm91 {
  int n;                                      /* tasks, 1..4 */
  double b[SALESIM_MULTITASK_MAX_TASKS];      /* grad B: benefit per unit of t */
  double K[SALESIM_MULTITASK_MAX_TASKS][SALESIM_MULTITASK_MAX_TASKS];
                                              /* cost Hessian, symmetric p.d. */
  double Sigma[SALESIM_MULTITASK_MAX_TASKS][SALESIM_MULTITASK_MAX_TASKS];
                                              /* noise covariance, symmetric;
                                                 p.d. when r > 0 */
  double r;                                   /* CARA risk aversion, >= 0 */
  double wbar;                                /* outside wage */
} salesim_hm91;

/** 0 if n is in 1..4, every entry finite, K symmetric positive definite, Sigma
 *  symmetric (and positive definite when r > 0), r >= 0; else
 *  SALESIM_EINVAL. Switches GSL's abort-on-error handler off. */
int salesim_multitask_check(const salesim_hm91 *p);

/** The agent's efforts t >= 0 at rates alpha (n entries each): the
 *  maximiser of alpha.t - t'Kt/2 over t >= 0 by active-set enumeration
 *  (all 2^n guesses of the active set; the feasible one is unique as the
 *  problem is strictly concave). Tasks without effort get exactly 0.
 *  Checks p and alpha first. Returns 0, SALESIM_EINVAL or SALESIM_ESOLVER. */
int salesim_multitask_effort(double *t, const salesim_hm91 *p, const double *alpha);

/** salesim_multitask_effort without the checks: p must pass
 *  salesim_multitask_check (for callers that have checked it already). */
int salesim_multitask_solve(double *t, const salesim_hm91 *p, const double *alpha);

#endif
