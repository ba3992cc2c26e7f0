/*
 * models/algorithms/target_lp.h: the firm's top-down split of a company target across
 * territories (MODEL.md's top-down target rule; `top_down` mechanism), as a
 * linear programme solved by GLPK (the only file that includes glpk.h for
 * it; inputs are validated first because GLPK aborts on bad arguments).
 *
 * The firm wants each territory's target T_k near its estimate-based share
 * s_k of the company target, within per-territory bounds (e.g. relative to
 * last year's sales), and the targets to add up to the company target:
 *
 *   min  sum_k (d+_k + d-_k) / s_k
 *   s.t. T_k - d+_k + d-_k = s_k        (relative deviation from the share)
 *        sum_k T_k = total
 *        lo_k <= T_k <= hi_k,  d+_k, d-_k >= 0.
 *
 * Without binding bounds T_k = s_k. With bounds, the excess or shortfall
 * moves to the territories where a unit costs the least relative deviation
 * (the largest shares), as far as their bounds allow.
 * Read next: models/mechanisms/top_down.c.
 */
#ifndef SALESIM_TARGET_LP_H
#define SALESIM_TARGET_LP_H

#include <salesim/errors.h>

/**
 * Split `total` into out[0..n-1].
 *   share  n estimate-based targets (finite, > 0), borrowed;
 *   lo, hi n bounds (finite lo >= 0; hi >= lo, may be +INFINITY), borrowed;
 *   total  finite, with sum lo <= total <= sum hi (clamp it first).
 * Returns 0, SALESIM_EINVAL (one diag line per problem; nothing reaches
 * GLPK) or SALESIM_ESOLVER (no proven optimum).
 */
int salesim_target_split(int n, const double *share, const double *lo, const double *hi,
                         double total, double *out, salesim_diag *diag);

#endif
