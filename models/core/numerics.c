/*
 * models/core/numerics.c: the shared maximisers and small Cholesky helpers
 * (models/core/numerics.h has the contracts and the table of the copies they
 * replace). Each routine keeps the exact order of evaluations and
 * floating-point operations of the code it replaced: results are compared
 * byte for byte (tests/golden). Read next: docs/numerics.md.
 */
#include "numerics.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_vector.h>

#include <salesim/errors.h>

/* ---- golden section ---------------------------------------------------------- */

/* Evaluate F at x into *f; a failure or a non-finite value is recorded. */
static int golden_eval(salesim_num_golden *g, salesim_num_fn F, void *ctx, double x, double *f) {
  double v = NAN;
  int rc = F(x, ctx, &v);
  if (rc == 0 && !isfinite(v))
    rc = SALESIM_ENUMERIC;
  if (rc != 0) {
    g->x_failed = x;
    return rc;
  }
  g->evaluations++;
  *f = v;
  return 0;
}

int salesim_num_golden_max(salesim_num_golden *out, salesim_num_fn F, void *ctx, double lo,
                           double hi, const salesim_num_golden_opts *opt) {
  const double golden = SALESIM_NUM_GOLDEN;
  out->lo = lo;
  out->hi = hi;
  out->x1 = out->x2 = out->f1 = out->f2 = NAN;
  out->steps = out->evaluations = 0;
  out->x_failed = NAN;
  if (F == NULL || opt == NULL || opt->max_steps < 0 || !(opt->tol_x >= 0) ||
      !isfinite(lo) || !isfinite(hi) || !(lo <= hi))
    return SALESIM_EINVAL;
  double x1 = hi - golden * (hi - lo), x2 = lo + golden * (hi - lo);
  double f1 = NAN, f2 = NAN;
  out->x1 = x1;
  out->x2 = x2;
  int rc = golden_eval(out, F, ctx, x1, &f1);
  out->f1 = f1;
  if (rc != 0)
    return rc;
  rc = golden_eval(out, F, ctx, x2, &f2);
  out->f2 = f2;
  if (rc != 0)
    return rc;
  int it = 0;
  for (; it < opt->max_steps && !(opt->tol_x > 0 && !(hi - lo > opt->tol_x)); it++) {
    if (f1 < f2) {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + golden * (hi - lo);
      rc = golden_eval(out, F, ctx, x2, &f2);
      if (rc != 0)
        f2 = NAN;
    } else {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - golden * (hi - lo);
      rc = golden_eval(out, F, ctx, x1, &f1);
      if (rc != 0)
        f1 = NAN;
    }
    if (rc != 0)
      break;
  }
  out->lo = lo;
  out->hi = hi;
  out->x1 = x1;
  out->f1 = f1;
  out->x2 = x2;
  out->f2 = f2;
  out->steps = rc != 0 ? it + 1 : it;
  if (rc != 0)
    return rc;
  if (opt->tol_x > 0 && hi - lo > opt->tol_x)
    return SALESIM_ELIMIT;
  return 0;
}

int salesim_num_golden_pick(const salesim_num_golden *g, salesim_num_pick rule, double *x,
                            double *fx) {
  double f1 = g->f1, f2 = g->f2;
  if (rule == SALESIM_NUM_PICK_IN_TURN) {
    int changed = 0;
    if (f1 > *fx) {
      *fx = f1;
      *x = g->x1;
      changed = 1;
    }
    if (f2 > *fx) {
      *fx = f2;
      *x = g->x2;
      changed = 1;
    }
    return changed;
  }
  if (fmax(f1, f2) > *fx) {
    *x = f1 > f2 ? g->x1 : g->x2;
    *fx = fmax(f1, f2);
    return 1;
  }
  return 0;
}

/* ---- Brent (GSL) ---------------------------------------------------------------- */

typedef struct brent_ctx {
  salesim_num_fn F;
  void *ctx;
  int rc; /* first failure of F, or SALESIM_ENUMERIC */
} brent_ctx;

/* GSL minimises: hand it -F. A failure becomes NAN, which GSL reports as
 * GSL_EBADFUNC; the cause is kept in rc. */
static double brent_loss(double x, void *params) {
  brent_ctx *b = params;
  double v = NAN;
  int rc = b->F(x, b->ctx, &v);
  if (rc == 0 && !isfinite(v))
    rc = SALESIM_ENUMERIC;
  if (rc != 0) {
    if (b->rc == 0)
      b->rc = rc;
    return NAN;
  }
  return -v;
}

int salesim_num_brent_max(double *x_out, double *f_out, salesim_num_fn F, void *ctx, double m,
                          double lo, double hi, int max_iter, double tol_abs, double tol_rel) {
  gsl_set_error_handler_off();
  if (x_out != NULL)
    *x_out = NAN;
  if (f_out != NULL)
    *f_out = NAN;
  if (F == NULL || max_iter < 1 || !(tol_abs >= 0) || !(tol_rel >= 0))
    return SALESIM_EINVAL;
  gsl_min_fminimizer *s = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
  if (s == NULL)
    return SALESIM_ENOMEM;
  brent_ctx b = {F, ctx, 0};
  gsl_function fn = {brent_loss, &b};
  int rc = SALESIM_ELIMIT;
  if (gsl_min_fminimizer_set(s, &fn, m, lo, hi) != GSL_SUCCESS) {
    rc = SALESIM_ESOLVER;
    goto cleanup;
  }
  for (int it = 0; it < max_iter; it++) {
    if (gsl_min_fminimizer_iterate(s) != GSL_SUCCESS) {
      rc = SALESIM_ESOLVER;
      goto cleanup;
    }
    int status = gsl_min_test_interval(gsl_min_fminimizer_x_lower(s),
                                       gsl_min_fminimizer_x_upper(s), tol_abs, tol_rel);
    if (status == GSL_SUCCESS) {
      rc = SALESIM_OK;
      break;
    }
    if (status != GSL_CONTINUE) {
      rc = SALESIM_ESOLVER;
      goto cleanup;
    }
  }
  if (rc == SALESIM_OK) {
    if (x_out != NULL)
      *x_out = gsl_min_fminimizer_x_minimum(s);
    if (f_out != NULL)
      *f_out = -gsl_min_fminimizer_f_minimum(s);
  }
cleanup:
  if (b.rc != 0)
    rc = b.rc;
  gsl_min_fminimizer_free(s);
  return rc;
}

/* ---- small dense matrices --------------------------------------------------------- */

#define MAXD SALESIM_NUM_MAX_DIM

int salesim_num_spd_solve(double *x, const double *A, const double *rhs, int m) {
  if (m == 0)
    return SALESIM_OK;
  gsl_set_error_handler_off();
  double a[MAXD * MAXD];
  memcpy(a, A, sizeof(double) * (size_t)(m * m));
  gsl_matrix_view av = gsl_matrix_view_array(a, (size_t)m, (size_t)m);
  gsl_vector_const_view bv = gsl_vector_const_view_array(rhs, (size_t)m);
  gsl_vector_view xv = gsl_vector_view_array(x, (size_t)m);
  if (gsl_linalg_cholesky_decomp1(&av.matrix) != GSL_SUCCESS)
    return SALESIM_ESOLVER;
  if (gsl_linalg_cholesky_solve(&av.matrix, &bv.vector, &xv.vector) != GSL_SUCCESS)
    return SALESIM_ESOLVER;
  for (int i = 0; i < m; i++)
    if (!isfinite(x[i]))
      return SALESIM_ESOLVER;
  return SALESIM_OK;
}

int salesim_num_is_pd(const double M[MAXD][MAXD], int n) {
  gsl_set_error_handler_off();
  double a[MAXD * MAXD];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      a[i * n + j] = M[i][j];
  gsl_matrix_view av = gsl_matrix_view_array(a, (size_t)n, (size_t)n);
  return gsl_linalg_cholesky_decomp1(&av.matrix) == GSL_SUCCESS;
}

int salesim_num_is_symmetric(const double M[MAXD][MAXD], int n) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < i; j++) {
      double scale = fmax(fabs(M[i][j]), fabs(M[j][i]));
      if (fabs(M[i][j] - M[j][i]) > 1e-12 * scale)
        return 0;
    }
  return 1;
}

double salesim_num_lambert_w0(double x) {
  /* W(x) = x - x^2 + 3/2 x^3 - 8/3 x^4 + ...: relative error < 6e-20 below 1e-5 */
  if (!(x > 1e-5))
    return x * (1 - x * (1 - x * (1.5 - x * (8.0 / 3))));
  double L = log1p(x);
  double w = L * (1 - log1p(L) / (2 + L)); /* Winitzki (2003), within 2 % */
  for (int i = 0, n = x > 1e3 ? 3 : 2; i < n; i++) {
    double e = exp(w), f = w * e - x, p = w + 1;
    w -= f / (e * p - 0.5 * (p + 1) * f / p); /* Halley: cubic convergence */
  }
  return w;
}
