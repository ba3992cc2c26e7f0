/*
 * models/assign.c: maximum-score award of territories to bidding managers
 * (models/assign.h), by two exact methods.
 *
 * SSP. The award is a min-cost flow on  s -> manager -> territory -> t  with
 * unit capacities and cost -score on the bid arcs, of whatever flow value is
 * cheapest. Successive shortest paths push one unit along a cheapest s-t path
 * at a time; the path costs never decrease (the cost of a flow is convex in
 * its value), so the first path of true cost >= 0 means no augmentation can
 * raise the score and the current matching is optimal. Dijkstra runs on
 * reduced costs c(u,v) + pi(u) - pi(v) >= 0 from all free managers at once
 * and stops when t is settled; potentials then move by min(d(v), d(t)),
 * which keeps every residual reduced cost non-negative. Initial potentials:
 * 0 on managers, -(best score on k) on territory k, min over k on t (the
 * bid graph is acyclic, so these are feasible). Exact up to floating-point
 * rounding of the sums (exact for integer or dyadic scores).
 *
 * GLPK. The LP max sum score_b x_b s.t. sum_{b of manager i} x_b <= 1,
 * sum_{b on territory k} x_b <= 1, x >= 0, one column per bid made. Primal
 * simplex with presolve (MEASURED.md: dual simplex is ~90x slower, interior
 * point returns non-integral points). Basic optima are integral by total
 * unimodularity; the code checks it and reports SALESIM_ESOLVER if not.
 * Everything is validated before GLPK sees it, as GLPK aborts on bad input.
 * Read next: models/matching.c.
 */
#include "assign.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include <glpk.h>

struct salesim_assign {
  int n_managers, n_territories;
  size_t max_bids;
  /* SSP: node ids 0..M-1 managers, M..M+T-1 territories, M+T the sink. */
  int *arc_start;   /* M+1: bids of manager i are arc[arc_start[i]..] */
  int *arc;         /* max_bids: bid indices grouped by manager */
  double *pot;      /* node potentials */
  double *dist;     /* tentative reduced distances */
  int *via;         /* territory: bid reaching it; sink: territory */
  int *mate_m;      /* bid matched to manager i, or -1 */
  int *mate_t;      /* bid matched to territory k, or -1 */
  int *heap, *heap_pos; /* indexed binary heap on dist */
  int heap_size;
  /* GLPK: triplets (1-based) and the bid of each column. */
  int *ia, *ja, *col_bid;
  double *ar;
};

void salesim_assign_free(salesim_assign *ws) {
  if (ws == NULL)
    return;
  free(ws->arc_start);
  free(ws->arc);
  free(ws->pot);
  free(ws->dist);
  free(ws->via);
  free(ws->mate_m);
  free(ws->mate_t);
  free(ws->heap);
  free(ws->heap_pos);
  free(ws->ia);
  free(ws->ja);
  free(ws->col_bid);
  free(ws->ar);
  free(ws);
}

int salesim_assign_alloc(salesim_assign **out, int n_managers,
                         int n_territories, size_t max_bids) {
  int rc = SALESIM_ENOMEM;
  salesim_assign *ws = NULL;
  *out = NULL;
  if (n_managers < 0 || n_territories < 0 ||
      n_managers > INT_MAX / 2 - n_territories - 1 ||
      max_bids > (size_t)(INT_MAX / 2 - 1))
    return SALESIM_EINVAL;
  ws = calloc(1, sizeof *ws);
  if (ws == NULL)
    goto cleanup;
  ws->n_managers = n_managers;
  ws->n_territories = n_territories;
  ws->max_bids = max_bids;
  size_t nodes = (size_t)n_managers + (size_t)n_territories + 1;
  size_t nb = max_bids + 1;
  ws->arc_start = malloc(((size_t)n_managers + 1) * sizeof *ws->arc_start);
  ws->arc = malloc(nb * sizeof *ws->arc);
  ws->pot = malloc(nodes * sizeof *ws->pot);
  ws->dist = malloc(nodes * sizeof *ws->dist);
  ws->via = malloc(nodes * sizeof *ws->via);
  ws->mate_m = malloc(((size_t)n_managers + 1) * sizeof *ws->mate_m);
  ws->mate_t = malloc(((size_t)n_territories + 1) * sizeof *ws->mate_t);
  ws->heap = malloc(nodes * sizeof *ws->heap);
  ws->heap_pos = malloc(nodes * sizeof *ws->heap_pos);
  ws->ia = malloc((2 * nb) * sizeof *ws->ia);
  ws->ja = malloc((2 * nb) * sizeof *ws->ja);
  ws->ar = malloc((2 * nb) * sizeof *ws->ar);
  ws->col_bid = malloc(nb * sizeof *ws->col_bid);
  if (!ws->arc_start || !ws->arc || !ws->pot || !ws->dist || !ws->via ||
      !ws->mate_m || !ws->mate_t || !ws->heap || !ws->heap_pos || !ws->ia ||
      !ws->ja || !ws->ar || !ws->col_bid)
    goto cleanup;
  *out = ws;
  ws = NULL;
  rc = 0;
cleanup:
  salesim_assign_free(ws);
  return rc;
}

int salesim_assign_check(int n_managers, int n_territories,
                         const salesim_bid *bids, size_t n_bids,
                         salesim_diag *diag) {
  int rc = 0;
  if (n_bids > 0 && bids == NULL) {
    salesim_diag_add(diag, "assign: %zu bids but no bid array", n_bids);
    return SALESIM_EINVAL;
  }
  for (size_t b = 0; b < n_bids; b++) {
    const salesim_bid *bid = &bids[b];
    if (bid->manager < 0 || bid->manager >= n_managers) {
      salesim_diag_add(diag, "assign: bids[%zu].manager = %d; must be in 0..%d",
                       b, bid->manager, n_managers - 1);
      rc = SALESIM_EINVAL;
    }
    if (bid->territory < 0 || bid->territory >= n_territories) {
      salesim_diag_add(diag,
                       "assign: bids[%zu].territory = %d; must be in 0..%d", b,
                       bid->territory, n_territories - 1);
      rc = SALESIM_EINVAL;
    }
    if (!isfinite(bid->score) || bid->score < 0) {
      salesim_diag_add(diag, "assign: bids[%zu].score = %g; must be >= 0", b,
                       bid->score);
      rc = SALESIM_EINVAL;
    }
  }
  return rc;
}

/* ---- indexed binary min-heap on ws->dist --------------------------------- */

static void heap_swap(salesim_assign *ws, int a, int b) {
  int na = ws->heap[a], nb = ws->heap[b];
  ws->heap[a] = nb;
  ws->heap[b] = na;
  ws->heap_pos[nb] = a;
  ws->heap_pos[na] = b;
}

static void heap_up(salesim_assign *ws, int at) {
  while (at > 0) {
    int parent = (at - 1) / 2;
    if (ws->dist[ws->heap[parent]] <= ws->dist[ws->heap[at]])
      break;
    heap_swap(ws, at, parent);
    at = parent;
  }
}

static void heap_down(salesim_assign *ws, int at) {
  for (;;) {
    int l = 2 * at + 1, r = l + 1, best = at;
    if (l < ws->heap_size && ws->dist[ws->heap[l]] < ws->dist[ws->heap[best]])
      best = l;
    if (r < ws->heap_size && ws->dist[ws->heap[r]] < ws->dist[ws->heap[best]])
      best = r;
    if (best == at)
      return;
    heap_swap(ws, at, best);
    at = best;
  }
}

/* Insert node v or lower its key (dist[v] already updated). */
static void heap_push_or_decrease(salesim_assign *ws, int v) {
  if (ws->heap_pos[v] < 0) {
    ws->heap[ws->heap_size] = v;
    ws->heap_pos[v] = ws->heap_size++;
  }
  heap_up(ws, ws->heap_pos[v]);
}

static int heap_pop(salesim_assign *ws) {
  int top = ws->heap[0];
  ws->heap_size--;
  if (ws->heap_size > 0) {
    ws->heap[0] = ws->heap[ws->heap_size];
    ws->heap_pos[ws->heap[0]] = 0;
    heap_down(ws, 0);
  }
  ws->heap_pos[top] = -2; /* settled */
  return top;
}

/* ---- successive shortest paths ------------------------------------------ */

/* Reduced cost, clamped at 0 against rounding. */
static double reduced(double cost, double pot_u, double pot_v) {
  double r = cost + pot_u - pot_v;
  return r > 0 ? r : 0;
}

static void solve_ssp(salesim_assign *ws, const salesim_bid *bids,
                      size_t n_bids, const unsigned char *excluded) {
  const int M = ws->n_managers, T = ws->n_territories, sink = M + T;
  const int nodes = M + T + 1;
  double max_score = 0;

  /* Arcs of each manager (counting sort of the live bids). */
  for (int i = 0; i <= M; i++)
    ws->arc_start[i] = 0;
  for (size_t b = 0; b < n_bids; b++)
    if (excluded == NULL || !excluded[b])
      ws->arc_start[bids[b].manager + 1]++;
  for (int i = 0; i < M; i++)
    ws->arc_start[i + 1] += ws->arc_start[i];
  for (int i = 0; i < M; i++)
    ws->mate_m[i] = ws->arc_start[i]; /* fill cursor for now */
  for (size_t b = 0; b < n_bids; b++)
    if (excluded == NULL || !excluded[b])
      ws->arc[ws->mate_m[bids[b].manager]++] = (int)b;

  /* Initial potentials: feasible on the acyclic bid graph. */
  for (int v = 0; v < nodes; v++)
    ws->pot[v] = 0;
  for (size_t b = 0; b < n_bids; b++) {
    if (excluded != NULL && excluded[b])
      continue;
    int v = M + bids[b].territory;
    if (-bids[b].score < ws->pot[v])
      ws->pot[v] = -bids[b].score;
    if (bids[b].score > max_score)
      max_score = bids[b].score;
  }
  for (int k = 0; k < T; k++)
    if (ws->pot[M + k] < ws->pot[sink])
      ws->pot[sink] = ws->pot[M + k];
  for (int i = 0; i < M; i++)
    ws->mate_m[i] = -1;
  for (int k = 0; k < T; k++)
    ws->mate_t[k] = -1;

  /* A path of true cost above -tol gains nothing worth the rounding. */
  const double tol = 1e-12 * (1.0 + max_score);
  for (;;) {
    ws->heap_size = 0;
    for (int v = 0; v < nodes; v++) {
      ws->dist[v] = INFINITY;
      ws->heap_pos[v] = -1;
    }
    for (int i = 0; i < M; i++) {
      if (ws->mate_m[i] >= 0 || ws->arc_start[i] == ws->arc_start[i + 1])
        continue;
      ws->dist[i] = ws->pot[i] < 0 ? -ws->pot[i] : 0; /* arc s -> i */
      heap_push_or_decrease(ws, i);
    }
    while (ws->heap_size > 0) {
      int u = heap_pop(ws);
      if (u == sink)
        break;
      double du = ws->dist[u];
      if (u < M) { /* manager: unmatched bids are forward arcs */
        for (int a = ws->arc_start[u]; a < ws->arc_start[u + 1]; a++) {
          int b = ws->arc[a];
          if (b == ws->mate_m[u])
            continue;
          int v = M + bids[b].territory;
          if (ws->heap_pos[v] == -2)
            continue;
          double d = du + reduced(-bids[b].score, ws->pot[u], ws->pot[v]);
          if (d < ws->dist[v]) {
            ws->dist[v] = d;
            ws->via[v] = b;
            heap_push_or_decrease(ws, v);
          }
        }
      } else { /* territory: to the sink if free, else back to its manager */
        int k = u - M, b = ws->mate_t[k];
        int v = b < 0 ? sink : bids[b].manager;
        double cost = b < 0 ? 0.0 : bids[b].score;
        if (ws->heap_pos[v] == -2)
          continue;
        double d = du + reduced(cost, ws->pot[u], ws->pot[v]);
        if (d < ws->dist[v]) {
          ws->dist[v] = d;
          if (v == sink)
            ws->via[v] = k;
          heap_push_or_decrease(ws, v);
        }
      }
    }
    double reach = ws->dist[sink];
    /* True cost of the path: reduced length + pi(t) - pi(s), pi(s) = 0. */
    if (!isfinite(reach) || reach + ws->pot[sink] >= -tol)
      break;
    /* Augment: walk back from the sink, flipping the alternating path. */
    int k = ws->via[sink];
    for (;;) {
      int b = ws->via[M + k];
      int i = bids[b].manager;
      int old = ws->mate_m[i];
      ws->mate_m[i] = b;
      ws->mate_t[k] = b;
      if (old < 0)
        break;
      k = bids[old].territory;
    }
    for (int v = 0; v < nodes; v++)
      ws->pot[v] += ws->dist[v] < reach ? ws->dist[v] : reach;
  }
}

/* ---- GLPK ---------------------------------------------------------------- */

static int solve_glpk(salesim_assign *ws, const salesim_bid *bids,
                      size_t n_bids, const unsigned char *excluded) {
  const int M = ws->n_managers, T = ws->n_territories;
  int rc = SALESIM_ESOLVER, ncols = 0;
  glp_prob *lp = NULL;

  for (int i = 0; i < M; i++)
    ws->mate_m[i] = -1;
  for (int k = 0; k < T; k++)
    ws->mate_t[k] = -1;
  for (size_t b = 0; b < n_bids; b++)
    if (excluded == NULL || !excluded[b])
      ws->col_bid[++ncols] = (int)b;
  if (ncols == 0)
    return 0; /* GLPK refuses an empty problem; the empty award is optimal */

  lp = glp_create_prob();
  glp_set_obj_dir(lp, GLP_MAX);
  glp_add_rows(lp, M + T); /* rows 1..M managers, M+1..M+T territories */
  for (int r = 1; r <= M + T; r++)
    glp_set_row_bnds(lp, r, GLP_UP, 0.0, 1.0);
  glp_add_cols(lp, ncols);
  for (int c = 1; c <= ncols; c++) {
    const salesim_bid *bid = &bids[ws->col_bid[c]];
    glp_set_col_bnds(lp, c, GLP_LO, 0.0, 0.0);
    glp_set_obj_coef(lp, c, bid->score);
    ws->ia[2 * c - 1] = bid->manager + 1;
    ws->ja[2 * c - 1] = c;
    ws->ar[2 * c - 1] = 1.0;
    ws->ia[2 * c] = M + bid->territory + 1;
    ws->ja[2 * c] = c;
    ws->ar[2 * c] = 1.0;
  }
  glp_load_matrix(lp, 2 * ncols, ws->ia, ws->ja, ws->ar);

  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.meth = GLP_PRIMAL;
  parm.presolve = GLP_ON;
  if (glp_simplex(lp, &parm) != 0 || glp_get_status(lp) != GLP_OPT)
    goto cleanup;
  for (int c = 1; c <= ncols; c++) {
    double x = glp_get_col_prim(lp, c);
    if (fabs(x - floor(x + 0.5)) > 1e-9 || x > 1 + 1e-9)
      goto cleanup; /* not integral: should not happen (TU) */
    if (x > 0.5) {
      int b = ws->col_bid[c];
      ws->mate_m[bids[b].manager] = b;
      ws->mate_t[bids[b].territory] = b;
    }
  }
  rc = 0;
cleanup:
  if (lp != NULL)
    glp_delete_prob(lp);
  return rc;
}

int salesim_assign_solve(salesim_assign *ws, salesim_assign_method method,
                         const salesim_bid *bids, size_t n_bids,
                         const unsigned char *excluded, int *award,
                         double *value) {
  int rc;
  if (ws == NULL || award == NULL || n_bids > ws->max_bids)
    return SALESIM_EINVAL;
  if (method != SALESIM_ASSIGN_SSP && method != SALESIM_ASSIGN_GLPK)
    return SALESIM_EINVAL;
  rc = salesim_assign_check(ws->n_managers, ws->n_territories, bids, n_bids,
                            NULL);
  if (rc != 0)
    return rc;
  if (method == SALESIM_ASSIGN_SSP) {
    solve_ssp(ws, bids, n_bids, excluded);
  } else {
    rc = solve_glpk(ws, bids, n_bids, excluded);
    if (rc != 0)
      return rc;
  }
  double total = 0;
  for (int k = 0; k < ws->n_territories; k++) {
    award[k] = ws->mate_t[k];
    if (award[k] >= 0)
      total += bids[award[k]].score;
  }
  if (value != NULL)
    *value = total;
  return 0;
}
