/*
 * models/algorithms/match_mip.c: the welfare-maximising stable team assignment as a
 * GLPK mixed-integer program (salesim_match_stable_mip in models/algorithms/matching.h).
 *
 * Variables: binary x_p for every mutually acceptable pair (rep r, team j),
 * indexed by the position p of j in r's list. Teams of capacity 0 take
 * nobody and block nobody, so their pairs get no column.
 *
 *   max  sum_p u_p x_p
 *   s.t. sum_{j} x_{rj} <= 1                        for every rep r
 *        sum_{r} x_{rj} <= q_j                      for every team j
 *        q_j sum_{j' >=_r j} x_{rj'} + sum_{r' >_j r} x_{r'j} >= q_j
 *                                                    for every pair (r, j)
 *
 * Derivation of the stability row. The pair (r, j) blocks unless (a) r has
 * j or a team it likes better, or (b) j is full of reps it likes better than
 * r. (a) is the first sum being 1; it is at most 1, so multiplied by q_j it
 * satisfies the row alone. Otherwise the row asks for q_j reps better than r
 * at j, which is (b) as j holds at most q_j. Conversely any stable matching
 * meets every row. This is the hospitals/residents form of Baiou and
 * Balinski (2000), as stated in Delorme, Garcia, Gondzio, Kalcsics, Manlove
 * and Pettersson (2019, EJOR 277(2)). For q_j = 1 the rows give the
 * one-to-one stable marriage polytope (Vande Vate 1989; Rothblum 1992),
 * which is integral; for q_j > 1 the relaxation has fractional vertices, so
 * the integrality of x is required (GLPK's branch and cut, glp_intopt with
 * presolve). Nothing invalid reaches GLPK: the market was checked when the
 * handle was built and the utilities are checked here.
 * Read next: models/algorithms/fairdiv.c.
 */
#include "matching.h"

#include <math.h>
#include <stdlib.h>

#include <glpk.h>

/* Stops branch and bound once it has created more than *limit subproblems:
 * the count is a property of the problem, not of the machine. */
static void node_budget(glp_tree *tree, void *info) {
  const int *limit = info;
  if (glp_ios_reason(tree) != GLP_ISELECT)
    return;
  int active = 0, current = 0, total = 0;
  glp_ios_tree_size(tree, &active, &current, &total);
  if (total > *limit)
    glp_ios_terminate(tree);
}

int salesim_match_stable_mip(const salesim_match *mt, const double *utility,
                             int node_limit, int time_limit_ms, int *team_of_rep,
                             double *welfare) {
  int rc = SALESIM_ENOMEM;
  glp_prob *mip = NULL;
  int *col = NULL, *ia = NULL, *ja = NULL;
  double *ar = NULL;
  if (mt == NULL || time_limit_ms < 0 || node_limit < 0)
    return SALESIM_EINVAL;
  const salesim_match_market *m = salesim_match_market_of(mt);
  const int *team_rank = salesim_match_team_rank(mt);
  const int *rep_rank = salesim_match_rep_rank(mt);
  const int R = m->n_reps, T = m->n_teams, LR = m->rep_start[R];
  if ((R > 0 && team_of_rep == NULL) || (LR > 0 && utility == NULL))
    return SALESIM_EINVAL;
  for (int p = 0; p < LR; p++)
    if (!isfinite(utility[p]))
      return SALESIM_EINVAL;
  for (int r = 0; r < R; r++)
    team_of_rep[r] = -1;
  if (welfare != NULL)
    *welfare = 0;

  /* Columns: one per mutually acceptable pair with a team that has seats. */
  int ncols = 0;
  col = malloc((size_t)(LR > 0 ? LR : 1) * sizeof *col);
  if (col == NULL)
    goto cleanup;
  for (int r = 0; r < R; r++)
    for (int p = m->rep_start[r]; p < m->rep_start[r + 1]; p++)
      col[p] = team_rank[p] >= 0 && m->capacity[m->rep_list[p]] > 0 ? ++ncols : 0;
  if (ncols == 0) {
    rc = 0; /* nobody can be matched: the empty matching */
    goto cleanup;
  }

  /* Count the nonzeros: two per column in the capacity rows, then each
   * stability row's entries. */
  size_t nnz = 2 * (size_t)ncols;
  for (int r = 0; r < R; r++) {
    int better_or_same = 0;
    for (int p = m->rep_start[r]; p < m->rep_start[r + 1]; p++) {
      if (col[p] == 0)
        continue;
      better_or_same++;
      int j = m->rep_list[p], better_reps = 0;
      for (int q = m->team_start[j]; q < m->team_start[j] + team_rank[p]; q++)
        better_reps += rep_rank[q] >= 0;
      nnz += (size_t)better_or_same + (size_t)better_reps;
    }
  }
  if (nnz > (size_t)0x3fffffff) {
    rc = SALESIM_EINVAL; /* too big for GLPK's int indices */
    goto cleanup;
  }
  ia = malloc((nnz + 1) * sizeof *ia);
  ja = malloc((nnz + 1) * sizeof *ja);
  ar = malloc((nnz + 1) * sizeof *ar);
  if (ia == NULL || ja == NULL || ar == NULL)
    goto cleanup;

  mip = glp_create_prob();
  glp_set_obj_dir(mip, GLP_MAX);
  glp_add_cols(mip, ncols);
  for (int p = 0; p < LR; p++)
    if (col[p] > 0) {
      glp_set_col_kind(mip, col[p], GLP_BV);
      glp_set_obj_coef(mip, col[p], utility[p]);
    }
  /* Rows 1..R reps, R+1..R+T teams, then one per pair. */
  glp_add_rows(mip, R + T + ncols);
  for (int r = 1; r <= R; r++)
    glp_set_row_bnds(mip, r, GLP_UP, 0.0, 1.0);
  for (int j = 0; j < T; j++)
    glp_set_row_bnds(mip, R + 1 + j, GLP_UP, 0.0, (double)m->capacity[j]);
  size_t k = 0;
  int row = R + T;
  for (int r = 0; r < R; r++) {
    for (int p = m->rep_start[r]; p < m->rep_start[r + 1]; p++) {
      if (col[p] == 0)
        continue;
      int j = m->rep_list[p];
      double q_j = (double)m->capacity[j];
      ++k, ia[k] = r + 1, ja[k] = col[p], ar[k] = 1.0;
      ++k, ia[k] = R + 1 + j, ja[k] = col[p], ar[k] = 1.0;
      /* stability of (r, j) */
      row++;
      glp_set_row_bnds(mip, row, GLP_LO, q_j, 0.0);
      for (int pp = m->rep_start[r]; pp <= p; pp++)
        if (col[pp] > 0)
          ++k, ia[k] = row, ja[k] = col[pp], ar[k] = q_j;
      for (int q = m->team_start[j]; q < m->team_start[j] + team_rank[p]; q++) {
        if (rep_rank[q] < 0)
          continue;
        int other = m->team_list[q]; /* a rep j prefers to r, listing j */
        int pp = m->rep_start[other] + rep_rank[q];
        ++k, ia[k] = row, ja[k] = col[pp], ar[k] = 1.0;
      }
    }
  }
  glp_load_matrix(mip, (int)k, ia, ja, ar);

  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_ON;
  if (time_limit_ms > 0)
    parm.tm_lim = time_limit_ms;
  if (node_limit > 0) {
    parm.cb_func = node_budget;
    parm.cb_info = &node_limit;
  }
  int status = glp_intopt(mip, &parm);
  rc = status == GLP_ETMLIM ? SALESIM_ELIMIT : SALESIM_ESOLVER;
  if (status != 0 || glp_mip_status(mip) != GLP_OPT)
    goto cleanup;
  double total = 0;
  for (int r = 0; r < R; r++)
    for (int p = m->rep_start[r]; p < m->rep_start[r + 1]; p++)
      if (col[p] > 0 && glp_mip_col_val(mip, col[p]) > 0.5) {
        team_of_rep[r] = m->rep_list[p];
        total += utility[p];
      }
  if (welfare != NULL)
    *welfare = total;
  rc = 0;
cleanup:
  if (mip != NULL)
    glp_delete_prob(mip);
  free(col);
  free(ia);
  free(ja);
  free(ar);
  return rc;
}
