/*
 * models/algorithms/theory.h: closed forms of agency theory that the engine must
 * reproduce (MODEL.md §9), computed through the library's own agent where an
 * agent decides. Internal: the tests (tests/test_theory.c) and the docs
 * (docs/theory-checks.md) use it; the simulation does not.
 * Read next: models/algorithms/theory.c, models/core/multitask.h, models/core/decision.h.
 * Layering: theory depends on decision, multitask and numerics; none of
 * them depends on theory.
 *
 * ---- Holmstrom-Milgrom 1987, `linear` mode (MODEL.md §4), one period -------
 * Sales x = theta*e + eps, eps ~ N(0, sigma2); pay w = alpha + beta*x; effort
 * cost c*e^2/2; the agent is CARA with coefficient r and can earn wbar
 * elsewhere. The agent's certainty equivalent is
 *     CE = alpha + beta*theta*e - c*e^2/2 - (r/2)*beta^2*sigma2,
 * so it chooses e(beta) = max(0, beta*theta/c) (salesim_decide_linear_effort).
 * The firm sets alpha so that participation binds, CE = wbar:
 *     alpha*(beta) = wbar - beta*theta*e + c*e^2/2 + (r/2)*beta^2*sigma2,
 * and keeps theta*e - alpha - beta*theta*e:
 *     profit(beta) = theta*e - c*e^2/2 - (r/2)*beta^2*sigma2 - wbar.
 * With e = beta*theta/c the first-order condition in beta gives
 *     beta* = theta^2 / (theta^2 + r*c*sigma2)
 * (= 1/(1 + r*c*sigma2) when theta = 1). At r = c = sigma2 = theta = 1,
 * wbar = 0: beta* = 0.5, e = 0.5, alpha* = 0, profit 0.25.
 * salesim_theory_hm87_search() finds beta* numerically (GSL Brent on [0, 1])
 * from profit(beta), in which e is the library agent's response: the firm
 * anticipates the agent, and the agent is the library's, not the formula.
 *
 * ---- Holmstrom-Milgrom 1991, multitask, n <= 4 tasks ------------------------
 * Measures x = t + eps, eps ~ N(0, Sigma); the principal's expected benefit is
 * B(t) = b.t (so grad B = b); effort cost C(t) = t'Kt/2, K symmetric positive
 * definite (K_ij > 0: tasks are substitutes, more of one makes the other
 * costlier); pay w = beta + alpha.x; the agent is CARA with coefficient r.
 *
 * Agent. Given rates alpha the agent maximises alpha.t - t'Kt/2 - (r/2)
 * alpha'Sigma alpha over t >= 0 (negative effort does not exist). The risk
 * term does not depend on t, so this is a strictly concave QP with the KKT
 * conditions
 *     t >= 0,  s = K t - alpha >= 0,  t_i * s_i = 0  for every task i.
 * For a guess S of the tasks with positive effort, t_S = K_SS^{-1} alpha_S
 * and t = 0 elsewhere; the guess is right when t_S >= 0 and s >= 0 off S.
 * With n <= 4 all 2^n guesses are tried and the feasible one (unique, as the
 * problem is strictly concave) is returned, with exact zeros off S
 * (salesim_theory_hm91_effort). Interior: t = K^{-1} alpha.
 *
 * Principal. With participation binding (CE = wbar) the principal's profit is
 * the total certainty equivalent less wbar:
 *     profit(alpha) = b.t - t'Kt/2 - (r/2) alpha'Sigma alpha - wbar,
 *     t = the agent's response to alpha.
 * Interior (all tasks active, alpha = K t): the first-order condition in t is
 *     b - K t - r K Sigma K t = 0  =>  (I + r K Sigma) alpha = b,
 *     alpha = (I + r K Sigma)^{-1} b,   t = K^{-1} alpha
 * (salesim_theory_hm91_interior). For K = I and Sigma = diag(s_i) this is
 * alpha_i = b_i / (1 + r s_i). For n = 2, K = [[1,d],[d,1]],
 * Sigma = diag(s1, s2), with D = (1 + r s1)(1 + r s2) - r^2 d^2 s1 s2:
 *     alpha_1 = ((1 + r s2) b1 - r d s2 b2) / D,
 *     alpha_2 = ((1 + r s1) b2 - r d s1 b1) / D,
 * so with substitutes (d > 0) alpha_1 falls as task 2 gets noisier (s2 up).
 *
 * Corners. The interior formula may give an effort below zero (for the
 * example above, as s2 -> infinity, t_2 -> -d*t_1/(1 - d^2) < 0). Effort on
 * that task is then zero, not negative. Because the agent's response is
 * piecewise linear in alpha, the principal's problem is concave on each piece
 * but not overall, so salesim_theory_hm91_optimal() solves it globally: for
 * each task i it tries the three complementarity cases
 *     P: t_i > 0 and s_i = 0 (alpha_i = (K t)_i),
 *     Z: t_i = 0 and s_i > 0 (alpha_i free),
 *     B: t_i = 0 and s_i = 0,
 * i.e. 3^n cases. In each case the equalities leave the free variables
 * z = (t_P, alpha_Z), the profit is a strictly concave quadratic in z
 * (K is positive definite, and r > 0 with Sigma positive definite), and its
 * maximiser solves H z = g with
 *     alpha = A z (rows in P u B: K_{i,P} t_P; rows in Z: alpha_Z),
 *     H = [K_PP 0; 0 0] + r A' Sigma A,   g = (b_P, 0),
 * by Cholesky. A case is kept when its point satisfies its own inequalities
 * (t_P >= 0, s_Z >= 0); the best kept point is the global optimum, because
 * the optimum belongs to the case its own signs define and is the unique
 * maximiser there. The all-P case is the interior formula. A Z task with
 * Sigma diagonal gets alpha_i = 0 and the remaining tasks solve the interior
 * formula restricted to themselves: alpha_P = (I + r K_PP Sigma_PP)^{-1} b_P;
 * with correlated noise alpha_Z = -Sigma_ZZ^{-1} Sigma_{Z,.} alpha_{not Z}
 * insures the agent. With r = 0 the first best is reached with alpha = b.
 *
 * Consequence worth knowing: the interior formula can give nonnegative
 * efforts and still not be optimal (a corner dropping a noisy substitute
 * task can pay more). docs/theory-checks.md has a worked example.
 *
 * Every public function here that calls GSL switches GSL's abort-on-error
 * handler off on entry (gsl_set_error_handler_off) and checks every status.
 */
#ifndef SALESIM_THEORY_H
#define SALESIM_THEORY_H

#include "multitask.h"

/* ---- Holmstrom-Milgrom 1987 ------------------------------------------------ */

/** One agent in `linear` mode facing linear pay. */
typedef struct salesim_hm87 {
  double theta;   /* ability: expected sales per unit of effort, > 0 */
  double c;       /* effort-cost coefficient, > 0 */
  double r;       /* CARA risk aversion, >= 0 */
  double sigma2;  /* variance of the sales noise, >= 0 */
  double wbar;    /* outside wage (currency per period) */
} salesim_hm87;

/** 0 if every field is finite and in range, else SALESIM_EINVAL. */
int salesim_theory_hm87_check(const salesim_hm87 *p);

/** The agent's effort at commission rate beta: the library's agent
 *  (salesim_decide_linear_effort). p must pass the check. */
double salesim_theory_hm87_effort(const salesim_hm87 *p, double beta);

/** The closed form beta* = theta^2 / (theta^2 + r c sigma2). */
double salesim_theory_hm87_beta_star(const salesim_hm87 *p);

/** Fixed pay that makes participation bind at rate beta, with the agent's
 *  own effort: wbar - beta theta e + c e^2/2 + (r/2) beta^2 sigma2. */
double salesim_theory_hm87_alpha(const salesim_hm87 *p, double beta);

/** The firm's expected profit at rate beta when the fixed pay is
 *  salesim_theory_hm87_alpha(p, beta) and e is the agent's response:
 *  theta e - c e^2/2 - (r/2) beta^2 sigma2 - wbar. */
double salesim_theory_hm87_profit(const salesim_hm87 *p, double beta);

/** Search beta in [0, 1] for the maximum of salesim_theory_hm87_profit with
 *  GSL's Brent minimiser (bracketed by a coarse grid first; a maximum at an
 *  end of [0, 1] is returned as that end). Writes the rate to *beta_out and
 *  the profit there to *profit_out (either may be NULL).
 *  Returns 0, SALESIM_EINVAL for bad parameters, or SALESIM_ESOLVER when GSL
 *  fails or does not converge in 200 iterations (to 1e-7 in beta: on a
 *  function flat to second order at its minimum Brent cannot resolve much
 *  below sqrt(DBL_EPSILON)). */
int salesim_theory_hm87_search(double *beta_out, double *profit_out,
                               const salesim_hm87 *p);

/* ---- Holmstrom-Milgrom 1991 ------------------------------------------------ */

/* The problem type salesim_hm91 and the agent's side (its check and the
 * nonnegative QP) are in models/core/multitask.h, which decision.c uses too. */
#define SALESIM_THEORY_MAX_TASKS SALESIM_MULTITASK_MAX_TASKS

/** The principal's optimum. */
typedef struct salesim_hm91_solution {
  double alpha[SALESIM_THEORY_MAX_TASKS];  /* rates */
  double t[SALESIM_THEORY_MAX_TASKS];      /* the agent's efforts at alpha,
                                              exactly 0 on inactive tasks */
  double profit;                           /* profit(alpha) */
  unsigned active;                         /* bit i set: t[i] > 0 */
  int interior;                            /* bool: the optimum is the
                                              interior formula's point (its
                                              efforts all >= 0) */
} salesim_hm91_solution;

/** salesim_multitask_check(p) (models/core/multitask.h), under the name the
 *  theory checks use. */
int salesim_theory_hm91_check(const salesim_hm91 *p);

/** The interior formula: alpha = (I + r K Sigma)^{-1} b, t = K^{-1} alpha
 *  (LU, then Cholesky). t may have negative entries: that is the signal that
 *  the interior point is infeasible. alpha and t hold n entries each.
 *  Returns 0, SALESIM_EINVAL or SALESIM_ESOLVER (singular system). */
int salesim_theory_hm91_interior(double *alpha, double *t,
                                 const salesim_hm91 *p);

/** salesim_multitask_effort(t, p, alpha) (models/core/multitask.h): the
 *  library's agent, under the name the theory checks use. */
int salesim_theory_hm91_effort(double *t, const salesim_hm91 *p,
                               const double *alpha);

/** The principal's profit at rates alpha with the agent's response and
 *  binding participation: b.t - t'Kt/2 - (r/2) alpha'Sigma alpha - wbar.
 *  Writes *profit and, when t is not NULL, the efforts. Returns as
 *  salesim_theory_hm91_effort. */
int salesim_theory_hm91_profit(double *profit, double *t,
                               const salesim_hm91 *p, const double *alpha);

/** The principal's globally optimal rates, corners included (3^n cases, see
 *  above). The efforts in *out are the agent's response to the rates.
 *  Returns 0, SALESIM_EINVAL or SALESIM_ESOLVER. */
int salesim_theory_hm91_optimal(salesim_hm91_solution *out,
                                const salesim_hm91 *p);

#endif
