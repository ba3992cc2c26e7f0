/*
 * models/core/numerics.h: the one-dimensional maximisers and the small dense
 * linear algebra the models and the engine share (internal). Lowest layer of
 * models/: it depends on GSL and salesim/errors.h only.
 * Read next: models/core/numerics.c, docs/numerics.md (contracts, tolerances).
 *
 * Routines
 *   salesim_num_golden_max   golden-section search for a maximum in [lo, hi]
 *   salesim_num_golden_pick  the rule that turns its last two points into an
 *                            answer against the caller's incumbent
 *   salesim_num_brent_max    a thin wrapper over GSL's Brent minimiser
 *                            (gsl_min_fminimizer_brent) for a maximum
 *   salesim_num_spd_solve, salesim_num_is_pd, salesim_num_is_symmetric
 *                            Cholesky solve and checks for n <= 4 matrices
 *
 * The copies they replace (issue 10, item 6), read side by side before the
 * move. Every copy ran the same golden-section step
 *     x1 = hi - g (hi - lo), x2 = lo + g (hi - lo), f1 = F(x1), f2 = F(x2);
 *     if (f1 < f2) { lo = x1; x1 = x2; f1 = f2; x2 = lo + g (hi - lo); f2 = F(x2); }
 *     else         { hi = x2; x2 = x1; f2 = f1; x1 = hi - g (hi - lo); f1 = F(x1); }
 * with g = 0.6180339887498949, evaluating x1 before x2 at the start. They
 * differed in:
 *
 *   copy                      steps  stop rule               answer from x1, x2
 *   decision.c solve()        14     fixed count             LARGER
 *   tender_bids.c best_bid()  24     fixed count             IN_TURN
 *   ladder_rep.c              30     fixed count             LARGER
 *     salesim_ladder_best_hunt()
 *   engine/run/optimize.c         40     also stops when         none: the caller
 *     salesim_optimize()             b - a <= 1e-9 (hi - lo)  scans every point
 *                                    (checked before a step); it evaluated
 *                                    an evaluation error     (with the grid's)
 *                                    stops the search
 *
 *   LARGER:  if fmax(f1, f2) > best then x = (f1 > f2 ? x1 : x2): x2 on a tie.
 *   IN_TURN: if f1 > best take x1 (best = f1); then if f2 > best take x2:
 *            x1 on a tie.
 *
 * The brackets come from each caller's own grid (decision.c: 12 multiples
 * of a reference slope; tender_bids.c and ladder_rep.c: uniform grids with
 * the neighbours of the best point; optimize.c: x_best -/+ step clipped to
 * the range). Those grids compute their points with different expressions
 * (lo + i*step, grid[i]*sref, x - step), so they stay with the callers; only
 * the golden-section step and the pick rule are shared. The step count, the
 * width rule and the pick rule are options, so each caller takes exactly the
 * steps, evaluations and floating-point operations it took before (the
 * golden outputs check this byte for byte).
 *
 * theory.c's GSL Brent (salesim_theory_hm87_search) now calls
 * salesim_num_brent_max with the same start point, bracket, 200 iterations
 * and the interval test gsl_min_test_interval(lower, upper, 1e-7, 0).
 *
 * Errors are returned, never ignored here: an evaluation that fails stops a
 * search with its status; a value that is NaN or infinite stops it with
 * SALESIM_ENUMERIC; a search with a width tolerance that runs out of steps
 * first returns SALESIM_ELIMIT (GSL_EMAXITER's meaning) with the bracket it
 * reached filled in, and the caller decides what that means for it.
 */
#ifndef SALESIM_NUMERICS_H
#define SALESIM_NUMERICS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/** 1/phi = (sqrt(5) - 1)/2, the golden-section ratio as every copy spelled it. */
#define SALESIM_NUM_GOLDEN 0.6180339887498949

/** A function to maximise: writes F(x) to *value and returns 0, or returns a
 *  negative SALESIM_E* code (the search stops and returns it). */
typedef int (*salesim_num_fn)(double x, void *ctx, double *value);

/** How long a golden-section search runs. */
typedef struct salesim_num_golden_opts {
  int max_steps; /* golden-section steps after the first two points, >= 0 */
  double tol_x;  /* > 0: stop as soon as hi - lo <= tol_x (tested before each
                    step); 0: always take max_steps steps */
} salesim_num_golden_opts;

/** Where a golden-section search ended. */
typedef struct salesim_num_golden {
  double lo, hi;      /* the final bracket */
  double x1, f1;      /* the lower interior point and its value */
  double x2, f2;      /* the upper interior point and its value */
  int steps;          /* steps taken */
  int evaluations;    /* calls of F that returned 0 */
  double x_failed;    /* the point whose evaluation failed (NAN if none) */
} salesim_num_golden;

/**
 * Golden-section search for a maximum of F on [lo, hi] (lo <= hi, finite):
 * evaluates x1 then x2 (above), then takes steps until max_steps are taken
 * or (tol_x > 0) the bracket is no wider than tol_x. F is assumed unimodal
 * on [lo, hi]; the caller brackets it (typically with a grid).
 * Fills *out in every case (points not yet evaluated have value NAN).
 * Returns 0; SALESIM_ELIMIT if tol_x > 0 and max_steps ran out first;
 * SALESIM_ENUMERIC if F gave a NaN or infinite value (out->x_failed);
 * F's own negative code if an evaluation failed (out->x_failed);
 * SALESIM_EINVAL for a bad interval or options.
 */
int salesim_num_golden_max(salesim_num_golden *out, salesim_num_fn F, void *ctx, double lo,
                           double hi, const salesim_num_golden_opts *opt);

/** How a search's last two points replace an incumbent (see above). */
typedef enum salesim_num_pick {
  SALESIM_NUM_PICK_LARGER = 0, /* decision.c, ladder_rep.c */
  SALESIM_NUM_PICK_IN_TURN = 1 /* tender_bids.c */
} salesim_num_pick;

/**
 * Compare the search's x1, x2 with the caller's incumbent (*x, *fx: usually
 * the best grid point) under `rule`; replace it when beaten. Returns 1 if
 * *x changed, else 0. g must come from a search that returned 0.
 */
int salesim_num_golden_pick(const salesim_num_golden *g, salesim_num_pick rule, double *x,
                            double *fx);

/**
 * Maximum of F with GSL's Brent minimiser run on -F: start point m inside
 * the bracket (lo, hi) with F(m) above F(lo) and F(hi) (GSL's requirement),
 * at most max_iter iterations, stopping when
 * gsl_min_test_interval(lower, upper, tol_abs, tol_rel) succeeds.
 * Writes the point and F there to *x_out and *f_out (either may be NULL;
 * NAN unless 0 is returned). Returns 0; SALESIM_ELIMIT if max_iter ran out;
 * SALESIM_ENUMERIC for a NaN or infinite value; F's own code if it failed;
 * SALESIM_ENOMEM; SALESIM_ESOLVER when GSL rejects the bracket or fails.
 * Switches GSL's abort-on-error handler off.
 */
int salesim_num_brent_max(double *x_out, double *f_out, salesim_num_fn F, void *ctx, double m,
                          double lo, double hi, int max_iter, double tol_abs, double tol_rel);

/* ---- small dense matrices (n <= SALESIM_NUM_MAX_DIM) ---------------------- */

#define SALESIM_NUM_MAX_DIM 4

/**
 * Solve A x = rhs for a symmetric positive definite m x m A (row major,
 * m <= SALESIM_NUM_MAX_DIM; A and rhs are not modified) by GSL's Cholesky.
 * m = 0 is a no-op. Returns 0, or SALESIM_ESOLVER when A is not positive
 * definite or the solution is not finite.
 */
/** Principal branch of the Lambert W function for x >= 0 (w e^w = x):
 *  Winitzki's start and two Halley steps (three above 1e3), a series below
 *  1e-5; within 1.6 ulp of the true value on [1e-12, 1e15] (GSL's
 *  gsl_sf_lambert_W0: 2.1 ulp), about 0.4x its time. NaN for a NaN. */
double salesim_num_lambert_w0(double x);

int salesim_num_spd_solve(double *x, const double *A, const double *rhs, int m);

/** 1 if the leading n x n block of M is positive definite (Cholesky
 *  succeeds), else 0. */
int salesim_num_is_pd(const double M[SALESIM_NUM_MAX_DIM][SALESIM_NUM_MAX_DIM], int n);

/** 1 if the leading n x n block of M is symmetric to 1e-12 relative, else 0. */
int salesim_num_is_symmetric(const double M[SALESIM_NUM_MAX_DIM][SALESIM_NUM_MAX_DIM], int n);

static inline double salesim_num_bits_d(uint64_t u) {
  double d;
  memcpy(&d, &u, sizeof d);
  return d;
}

static inline uint64_t salesim_num_d_bits(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

/** e^x within ~1 ulp for -708 <= x <= 709; exactly 0 below -708 (libm gives
 *  a subnormal there, which no caller can tell from 0). Plain IEEE + - * /
 *  and bit operations (issue 12): the same bits on every x86-64 CPU, unlike
 *  libm's exp, whose FMA variant glibc picks by CPU; inline, so loops over
 *  it vectorise (models/core/decision.c eval_lanes). */
static inline double salesim_num_exp(double x) {
  const double shifter = 0x1.8p52;
  double xc = x < -708.0 ? -708.0 : (x > 709.0 ? 709.0 : x);
  double t = xc * 1.4426950408889634 + shifter;
  double kf = t - shifter;
  double r = (xc - kf * 6.93147180369123816490e-01) - kf * 1.90821492927058770002e-10;
  double p = 1.0 / 6227020800.0;
  p = 1.0 / 479001600.0 + r * p;
  p = 1.0 / 39916800.0 + r * p;
  p = 1.0 / 3628800.0 + r * p;
  p = 1.0 / 362880.0 + r * p;
  p = 1.0 / 40320.0 + r * p;
  p = 1.0 / 5040.0 + r * p;
  p = 1.0 / 720.0 + r * p;
  p = 1.0 / 120.0 + r * p;
  p = 1.0 / 24.0 + r * p;
  p = 1.0 / 6.0 + r * p;
  p = 0.5 + r * p;
  p = 1.0 + r * p;
  p = 1.0 + r * p;
  double scale = salesim_num_bits_d((salesim_num_d_bits(t) - salesim_num_d_bits(shifter) + 1023) << 52);
  return x < -708.0 ? 0.0 : p * scale;
}

/** The standard normal density, with salesim_num_exp. */
static inline double salesim_num_norm_pdf(double z) {
  return 0.39894228040143267794 * salesim_num_exp(-0.5 * z * z);
}

/** The standard normal CDF from its density in no further exp: Zelen &
 *  Severo (Abramowitz & Stegun 26.2.17), absolute error < 7.5e-8, far below
 *  what the decisions need; erfc costs twice as much and the density is
 *  needed anyway. Inline: the pay expectation (models/core/schedule.c) and
 *  the search's grid (models/core/decision.c, vectorised) use the same. */
static inline double salesim_num_norm_cdf_pdf(double z, double pdf) {
  double t = 1.0 / (1.0 + 0.2316419 * fabs(z));
  double poly =
      t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  double upper = pdf * poly; /* P(Z > |z|) */
  return z >= 0 ? 1.0 - upper : upper;
}

#endif
