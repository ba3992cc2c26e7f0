/*
 * models/algorithms/target_lp.c: the top-down target split as an LP in GLPK (see
 * models/algorithms/target_lp.h). Columns 1..n are T_k, n+1..2n are d+_k, 2n+1..3n
 * are d-_k; rows 1..n tie each T_k to its share, row n+1 is the total.
 */
#include "target_lp.h"

#include <math.h>
#include <stdlib.h>

#include <glpk.h>

int salesim_target_split(int n, const double *share, const double *lo, const double *hi,
                         double total, double *out, salesim_diag *diag) {
  int bad = 0;
  if (n < 1 || share == NULL || lo == NULL || hi == NULL || out == NULL) {
    salesim_diag_add(diag, "target split: %d territories or a missing array (expected n >= 1)",
                     n);
    return SALESIM_EINVAL;
  }
  double sum_lo = 0, sum_hi = 0;
  for (int k = 0; k < n; k++) {
    if (!isfinite(share[k]) || !(share[k] > 0)) {
      salesim_diag_add(diag, "target split: share[%d] = %g (expected finite > 0)", k, share[k]);
      bad = 1;
    }
    if (!isfinite(lo[k]) || lo[k] < 0) {
      salesim_diag_add(diag, "target split: lo[%d] = %g (expected finite >= 0)", k, lo[k]);
      bad = 1;
    }
    if (isnan(hi[k]) || hi[k] < lo[k]) {
      salesim_diag_add(diag, "target split: hi[%d] = %g below lo %g (expected hi >= lo)", k,
                       hi[k], lo[k]);
      bad = 1;
    }
    sum_lo += lo[k];
    sum_hi += hi[k];
  }
  if (!isfinite(total) || total < sum_lo * (1 - 1e-12) || total > sum_hi * (1 + 1e-12)) {
    salesim_diag_add(diag,
                     "target split: total %g outside the bounds' range [%g, %g] (expected "
                     "sum lo <= total <= sum hi)",
                     total, sum_lo, sum_hi);
    bad = 1;
  }
  if (bad)
    return SALESIM_EINVAL;

  int rc = SALESIM_ESOLVER;
  size_t nz = (size_t)4 * (size_t)n + 1;
  int *ia = malloc((nz + 1) * sizeof *ia), *ja = malloc((nz + 1) * sizeof *ja);
  double *ar = malloc((nz + 1) * sizeof *ar);
  glp_prob *lp = NULL;
  if (ia == NULL || ja == NULL || ar == NULL) {
    rc = SALESIM_ENOMEM;
    goto cleanup;
  }
  lp = glp_create_prob();
  glp_set_obj_dir(lp, GLP_MIN);
  glp_add_rows(lp, n + 1);
  glp_add_cols(lp, 3 * n);
  int e = 0;
  for (int k = 0; k < n; k++) {
    int t = k + 1, dp = n + k + 1, dm = 2 * n + k + 1;
    glp_set_row_bnds(lp, k + 1, GLP_FX, share[k], share[k]);
    if (isinf(hi[k]))
      glp_set_col_bnds(lp, t, GLP_LO, lo[k], 0.0);
    else if (hi[k] > lo[k])
      glp_set_col_bnds(lp, t, GLP_DB, lo[k], hi[k]);
    else
      glp_set_col_bnds(lp, t, GLP_FX, lo[k], lo[k]);
    glp_set_col_bnds(lp, dp, GLP_LO, 0.0, 0.0);
    glp_set_col_bnds(lp, dm, GLP_LO, 0.0, 0.0);
    glp_set_obj_coef(lp, dp, 1.0 / share[k]);
    glp_set_obj_coef(lp, dm, 1.0 / share[k]);
    ++e, ia[e] = k + 1, ja[e] = t, ar[e] = 1.0;
    ++e, ia[e] = k + 1, ja[e] = dp, ar[e] = -1.0;
    ++e, ia[e] = k + 1, ja[e] = dm, ar[e] = 1.0;
    ++e, ia[e] = n + 1, ja[e] = t, ar[e] = 1.0;
  }
  /* the bounds may hold the total only up to rounding: clamp it exactly */
  if (total < sum_lo)
    total = sum_lo;
  if (total > sum_hi)
    total = sum_hi;
  glp_set_row_bnds(lp, n + 1, GLP_FX, total, total);
  glp_load_matrix(lp, e, ia, ja, ar);
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_ON;
  if (glp_simplex(lp, &parm) != 0 || glp_get_status(lp) != GLP_OPT) {
    salesim_diag_add(diag, "target split: GLPK found no optimum");
    goto cleanup;
  }
  for (int k = 0; k < n; k++)
    out[k] = glp_get_col_prim(lp, k + 1);
  rc = 0;
cleanup:
  if (lp != NULL)
    glp_delete_prob(lp);
  free(ia);
  free(ja);
  free(ar);
  return rc;
}
