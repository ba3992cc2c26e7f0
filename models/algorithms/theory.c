/*
 * models/algorithms/theory.c: the agency-theory checks of MODEL.md §9 (Holmstrom-Milgrom
 * 1987 and 1991). The derivations are in models/algorithms/theory.h; the parameters and
 * numbers the tests use are in docs/theory-checks.md. The agent's side of
 * 1991 is in models/core/multitask.c, Brent and the Cholesky helpers in
 * models/core/numerics.c. Matrices are at most 4 x 4 and live on the stack:
 * nothing here allocates.
 */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_vector.h>

#include <salesim/errors.h>

#include "decision.h"
#include "multitask.h"
#include "numerics.h"
#include "theory.h"

#define MAXT SALESIM_THEORY_MAX_TASKS

/* ======================================================================== */
/* Holmstrom-Milgrom 1987                                                   */
/* ======================================================================== */

int salesim_theory_hm87_check(const salesim_hm87 *p) {
  if (p == NULL)
    return SALESIM_EINVAL;
  if (!isfinite(p->theta) || !isfinite(p->c) || !isfinite(p->r) ||
      !isfinite(p->sigma2) || !isfinite(p->wbar))
    return SALESIM_EINVAL;
  if (!(p->theta > 0.0) || !(p->c > 0.0) || p->r < 0.0 || p->sigma2 < 0.0)
    return SALESIM_EINVAL;
  return SALESIM_OK;
}

double salesim_theory_hm87_effort(const salesim_hm87 *p, double beta) {
  assert(salesim_theory_hm87_check(p) == SALESIM_OK);
  return salesim_decide_linear_effort(beta, p->theta, p->c);
}

double salesim_theory_hm87_beta_star(const salesim_hm87 *p) {
  assert(salesim_theory_hm87_check(p) == SALESIM_OK);
  double th2 = p->theta * p->theta;
  return th2 / (th2 + p->r * p->c * p->sigma2);
}

double salesim_theory_hm87_alpha(const salesim_hm87 *p, double beta) {
  double e = salesim_theory_hm87_effort(p, beta);
  return p->wbar - beta * p->theta * e + 0.5 * p->c * e * e +
         0.5 * p->r * beta * beta * p->sigma2;
}

double salesim_theory_hm87_profit(const salesim_hm87 *p, double beta) {
  double e = salesim_theory_hm87_effort(p, beta);
  /* theta*e - alpha*(beta) - beta*theta*e, with alpha* from above */
  return p->theta * e - 0.5 * p->c * e * e -
         0.5 * p->r * beta * beta * p->sigma2 - p->wbar;
}

/* The bracketing grid below minimises the loss, minus the profit. */
static double hm87_loss(double beta, void *params) {
  return -salesim_theory_hm87_profit((const salesim_hm87 *)params, beta);
}

/* The profit for salesim_num_brent_max (which hands GSL its negative). */
static int hm87_value(double beta, void *params, double *value) {
  *value = salesim_theory_hm87_profit((const salesim_hm87 *)params, beta);
  return 0;
}

#define HM87_GRID 20          /* coarse grid intervals on [0, 1] */
#define HM87_REFINE 40        /* halvings towards an end point */
#define HM87_MAX_ITER 200
#define HM87_TOL 1e-7         /* Brent stalls near sqrt(DBL_EPSILON)*|beta| */

int salesim_theory_hm87_search(double *beta_out, double *profit_out,
                               const salesim_hm87 *p) {
  gsl_set_error_handler_off();
  if (beta_out != NULL)
    *beta_out = NAN;
  if (profit_out != NULL)
    *profit_out = NAN;
  if (salesim_theory_hm87_check(p) != SALESIM_OK)
    return SALESIM_EINVAL;

  /* Bracket: Brent needs lo < m < hi with f(m) below both ends. */
  double step = 1.0 / HM87_GRID;
  double fbest = INFINITY;
  int ibest = 0;
  for (int i = 0; i <= HM87_GRID; i++) {
    double f = hm87_loss(i * step, (void *)p);
    if (f < fbest) {
      fbest = f;
      ibest = i;
    }
  }
  double lo, m, hi, beta = ibest * step;
  if (ibest > 0 && ibest < HM87_GRID) {
    lo = (ibest - 1) * step;
    m = beta;
    hi = (ibest + 1) * step;
  } else {
    /* The best grid point is an end: walk towards it, halving the distance,
     * until a point beats it; the previous point (no better than the end,
     * so worse than the new one) closes the bracket. */
    double end = beta, dir = ibest == 0 ? 1.0 : -1.0, prev = end + dir * step;
    int found = 0;
    for (int k = 1; k <= HM87_REFINE && !found; k++) {
      double x = end + dir * ldexp(step, -k);
      if (hm87_loss(x, (void *)p) < fbest) {
        found = 1;
        m = x;
        lo = dir > 0 ? end : prev;
        hi = dir > 0 ? prev : end;
      }
      prev = x;
    }
    if (!found) {
      if (beta_out != NULL)
        *beta_out = end;
      if (profit_out != NULL)
        *profit_out = -fbest;
      return SALESIM_OK;
    }
  }
  double fm = hm87_loss(m, (void *)p);
  if (!(fm < hm87_loss(lo, (void *)p) && fm < hm87_loss(hi, (void *)p))) {
    /* flat around the grid's best point: nothing better to find */
    if (beta_out != NULL)
      *beta_out = m;
    if (profit_out != NULL)
      *profit_out = -fm;
    return SALESIM_OK;
  }

  /* Brent on the bracket (models/core/numerics.c: -profit handed to GSL, the
   * interval test at HM87_TOL); any failure or non-convergence is reported
   * as a solver failure, running out of memory as such. */
  int rc = salesim_num_brent_max(beta_out, profit_out, hm87_value, (void *)p, m, lo, hi,
                                 HM87_MAX_ITER, HM87_TOL, 0.0);
  if (rc != SALESIM_OK && rc != SALESIM_ENOMEM)
    rc = SALESIM_ESOLVER;
  return rc;
}

/* ======================================================================== */
/* Holmstrom-Milgrom 1991                                                   */
/* ======================================================================== */

/* The agent's side (the problem type, its check and the nonnegative QP)
 * lives in models/core/multitask.c, below both this file and decision.c. */
int salesim_theory_hm91_check(const salesim_hm91 *p) { return salesim_multitask_check(p); }

int salesim_theory_hm91_effort(double *t, const salesim_hm91 *p, const double *alpha) {
  return salesim_multitask_effort(t, p, alpha);
}

int salesim_theory_hm91_interior(double *alpha, double *t,
                                 const salesim_hm91 *p) {
  gsl_set_error_handler_off();
  int rc = salesim_theory_hm91_check(p);
  if (rc != SALESIM_OK)
    return rc;
  int n = p->n;
  /* M = I + r K Sigma, solved by LU (it is not symmetric) */
  double m[MAXT * MAXT], k[MAXT * MAXT];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double ks = 0.0;
      for (int l = 0; l < n; l++)
        ks += p->K[i][l] * p->Sigma[l][j];
      m[i * n + j] = (i == j ? 1.0 : 0.0) + p->r * ks;
      k[i * n + j] = p->K[i][j];
    }
  size_t perm_data[MAXT];
  gsl_permutation perm = {(size_t)n, perm_data};
  int signum;
  gsl_matrix_view mv = gsl_matrix_view_array(m, (size_t)n, (size_t)n);
  gsl_vector_const_view bv = gsl_vector_const_view_array(p->b, (size_t)n);
  gsl_vector_view av = gsl_vector_view_array(alpha, (size_t)n);
  if (gsl_linalg_LU_decomp(&mv.matrix, &perm, &signum) != GSL_SUCCESS ||
      gsl_linalg_LU_solve(&mv.matrix, &perm, &bv.vector, &av.vector) !=
          GSL_SUCCESS)
    return SALESIM_ESOLVER;
  for (int i = 0; i < n; i++)
    if (!isfinite(alpha[i]))
      return SALESIM_ESOLVER;
  return salesim_num_spd_solve(t, k, alpha, n);
}

/* b.t - t'Kt/2 - (r/2) alpha'Sigma alpha - wbar */
static double hm91_value(const salesim_hm91 *p, const double *alpha,
                         const double *t) {
  int n = p->n;
  double v = -p->wbar;
  for (int i = 0; i < n; i++) {
    v += p->b[i] * t[i];
    for (int j = 0; j < n; j++)
      v -= 0.5 * (t[i] * p->K[i][j] * t[j] +
                  p->r * alpha[i] * p->Sigma[i][j] * alpha[j]);
  }
  return v;
}

int salesim_theory_hm91_profit(double *profit, double *t,
                               const salesim_hm91 *p, const double *alpha) {
  double tt[MAXT];
  int rc = salesim_theory_hm91_effort(tt, p, alpha);
  if (rc != SALESIM_OK)
    return rc;
  *profit = hm91_value(p, alpha, tt);
  if (t != NULL)
    memcpy(t, tt, sizeof(double) * (size_t)p->n);
  return SALESIM_OK;
}

enum { CASE_P = 0, CASE_Z = 1, CASE_B = 2 };

/* The principal's best point in one complementarity case (see theory.h).
 * Writes alpha and t and returns 1 if the point satisfies the case's
 * inequalities, 0 if not, or a negative code. */
static int principal_case(double *alpha, double *t, const salesim_hm91 *p,
                          const int *kind) {
  int n = p->n, np = 0, nz = 0, P[MAXT], Z[MAXT];
  for (int i = 0; i < n; i++) {
    if (kind[i] == CASE_P)
      P[np++] = i;
    else if (kind[i] == CASE_Z)
      Z[nz++] = i;
  }
  int m = np + nz;
  /* alpha = A z with z = (t_P, alpha_Z) */
  double A[MAXT][MAXT] = {{0}};
  for (int i = 0; i < n; i++) {
    if (kind[i] == CASE_Z) {
      for (int c = 0; c < nz; c++)
        A[i][np + c] = Z[c] == i ? 1.0 : 0.0;
    } else {
      for (int c = 0; c < np; c++)
        A[i][c] = p->K[i][P[c]];
    }
  }
  double H[MAXT * MAXT], g[MAXT], z[MAXT];
  for (int a = 0; a < m; a++) {
    g[a] = a < np ? p->b[P[a]] : 0.0;
    for (int c = 0; c < m; c++) {
      double h = (a < np && c < np) ? p->K[P[a]][P[c]] : 0.0;
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
          h += p->r * A[i][a] * p->Sigma[i][j] * A[j][c];
      H[a * m + c] = h;
    }
  }
  int rc = salesim_num_spd_solve(z, H, g, m);
  if (rc != SALESIM_OK)
    return rc;
  double amax = 0.0, tmax = 0.0;
  for (int i = 0; i < n; i++) {
    alpha[i] = 0.0;
    for (int c = 0; c < m; c++)
      alpha[i] += A[i][c] * z[c];
    t[i] = 0.0;
    amax = fmax(amax, fabs(alpha[i]));
  }
  for (int c = 0; c < np; c++) {
    t[P[c]] = z[c];
    tmax = fmax(tmax, fabs(z[c]));
  }
  double tol = 1e-10 * (1.0 + amax + tmax);
  for (int c = 0; c < np; c++)
    if (z[c] < -tol)
      return 0;
  for (int c = 0; c < nz; c++) {
    int j = Z[c];
    double slack = -alpha[j];
    for (int l = 0; l < n; l++)
      slack += p->K[j][l] * t[l];
    if (slack < -tol)
      return 0;
  }
  return 1;
}

int salesim_theory_hm91_optimal(salesim_hm91_solution *out,
                                const salesim_hm91 *p) {
  gsl_set_error_handler_off();
  memset(out, 0, sizeof *out);
  int rc = salesim_theory_hm91_check(p);
  if (rc != SALESIM_OK)
    return rc;
  int n = p->n;
  double alpha[MAXT] = {0};

  if (p->r == 0.0) {
    /* No risk cost: pay the full marginal benefit; the agent's problem is
     * then the first-best problem max b.t - t'Kt/2 over t >= 0. */
    memcpy(alpha, p->b, sizeof(double) * (size_t)n);
    double k[MAXT * MAXT], t[MAXT];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++)
        k[i * n + j] = p->K[i][j];
    rc = salesim_num_spd_solve(t, k, alpha, n);
    if (rc != SALESIM_OK)
      return rc;
    out->interior = 1;
    for (int i = 0; i < n; i++)
      out->interior = out->interior && t[i] >= 0.0;
  } else {
    int ncases = 1;
    for (int i = 0; i < n; i++)
      ncases *= 3;
    int found = 0;
    double best_value = -INFINITY;
    for (int code = 0; code < ncases; code++) {
      int kind[MAXT], rest = code;
      for (int i = 0; i < n; i++) {
        kind[i] = rest % 3;
        rest /= 3;
      }
      double a[MAXT], t[MAXT];
      int ok = principal_case(a, t, p, kind);
      if (ok < 0)
        return ok;
      if (ok == 0)
        continue;
      double v = hm91_value(p, a, t);
      if (!found || v > best_value) {
        found = 1;
        best_value = v;
        memcpy(alpha, a, sizeof alpha);
        out->interior = code == 0; /* every task in case P */
      }
    }
    if (!found)
      return SALESIM_ESOLVER;
  }
  memcpy(out->alpha, alpha, sizeof alpha);
  rc = salesim_multitask_solve(out->t, p, out->alpha);
  if (rc != SALESIM_OK)
    return rc;
  out->profit = hm91_value(p, out->alpha, out->t);
  for (int i = 0; i < n; i++)
    if (out->t[i] > 0.0)
      out->active |= 1u << i;
  return SALESIM_OK;
}
