/*
 * models/core/multitask.c: the multitask agent (models/core/multitask.h): the check
 * of a salesim_hm91 problem and the agent's nonnegative QP by active-set
 * enumeration. Moved unchanged from models/algorithms/theory.c so decision.c can use it
 * without depending on the theory checks. Matrices live on the stack.
 * Read next: models/algorithms/theory.c.
 */
#include "multitask.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <salesim/errors.h>

#include "numerics.h"

#define MAXT SALESIM_MULTITASK_MAX_TASKS

int salesim_multitask_check(const salesim_hm91 *p) {
  gsl_set_error_handler_off();
  if (p == NULL || p->n < 1 || p->n > MAXT)
    return SALESIM_EINVAL;
  int n = p->n;
  if (!isfinite(p->r) || p->r < 0.0 || !isfinite(p->wbar))
    return SALESIM_EINVAL;
  for (int i = 0; i < n; i++) {
    if (!isfinite(p->b[i]))
      return SALESIM_EINVAL;
    for (int j = 0; j < n; j++)
      if (!isfinite(p->K[i][j]) || !isfinite(p->Sigma[i][j]))
        return SALESIM_EINVAL;
  }
  if (!salesim_num_is_symmetric(p->K, n) || !salesim_num_is_symmetric(p->Sigma, n) ||
      !salesim_num_is_pd(p->K, n))
    return SALESIM_EINVAL;
  if (p->r > 0.0 && !salesim_num_is_pd(p->Sigma, n))
    return SALESIM_EINVAL;
  return SALESIM_OK;
}

int salesim_multitask_solve(double *t, const salesim_hm91 *p, const double *alpha) {
  int n = p->n;
  double amax = 0.0;
  for (int i = 0; i < n; i++)
    amax = fmax(amax, fabs(alpha[i]));
  int found = 0;
  double best_value = -INFINITY, best[MAXT] = {0};
  for (unsigned set = 0; set < (1u << n); set++) {
    int idx[MAXT], m = 0;
    for (int i = 0; i < n; i++)
      if (set & (1u << i))
        idx[m++] = i;
    double kss[MAXT * MAXT], as[MAXT], ts[MAXT];
    for (int a = 0; a < m; a++) {
      as[a] = alpha[idx[a]];
      for (int c = 0; c < m; c++)
        kss[a * m + c] = p->K[idx[a]][idx[c]];
    }
    if (salesim_num_spd_solve(ts, kss, as, m) != SALESIM_OK)
      return SALESIM_ESOLVER;
    double tmax = 0.0;
    for (int a = 0; a < m; a++)
      tmax = fmax(tmax, fabs(ts[a]));
    double tol = 1e-10 * (1.0 + amax + tmax);
    int ok = 1;
    for (int a = 0; a < m && ok; a++)
      ok = ts[a] >= -tol;
    double cand[MAXT] = {0};
    for (int a = 0; a < m; a++)
      cand[idx[a]] = ts[a] > 0.0 ? ts[a] : 0.0;
    for (int j = 0; j < n && ok; j++) {
      if (set & (1u << j))
        continue;
      double slack = -alpha[j]; /* s_j = (K t)_j - alpha_j */
      for (int a = 0; a < m; a++)
        slack += p->K[j][idx[a]] * ts[a];
      ok = slack >= -tol;
    }
    if (!ok)
      continue;
    /* value alpha.t - t'Kt/2 of the candidate */
    double value = 0.0;
    for (int i = 0; i < n; i++) {
      value += alpha[i] * cand[i];
      for (int j = 0; j < n; j++)
        value -= 0.5 * cand[i] * p->K[i][j] * cand[j];
    }
    if (!found || value > best_value) {
      found = 1;
      best_value = value;
      memcpy(best, cand, sizeof best);
    }
  }
  if (!found)
    return SALESIM_ESOLVER;
  memcpy(t, best, sizeof(double) * (size_t)n);
  return SALESIM_OK;
}

int salesim_multitask_effort(double *t, const salesim_hm91 *p, const double *alpha) {
  gsl_set_error_handler_off();
  int rc = salesim_multitask_check(p);
  if (rc != SALESIM_OK)
    return rc;
  for (int i = 0; i < p->n; i++)
    if (!isfinite(alpha[i]))
      return SALESIM_EINVAL;
  return salesim_multitask_solve(t, p, alpha);
}

