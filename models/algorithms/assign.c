/*
 * models/algorithms/assign.c: maximum-score award of territories to bidding managers
 * (models/algorithms/assign.h), by two exact methods.
 *
 * SSP. Give every manager i a private "no award" column of score 0; the
 * award is then an assignment of every manager (row) to one column (a
 * territory it bid on, or its own no-award column) of least total cost
 * -score: a rectangular linear assignment problem on a sparse graph. Rows
 * are added one at a time (the shortest augmenting path method of Jonker
 * and Volgenant 1987, in the form of Crouse 2016, Algorithm 1, with a heap
 * instead of a dense scan): Dijkstra from the new row over reduced costs
 * c - u_i - v_j, which are >= 0 on every arc of the rows already placed,
 * stops at the first free column it settles; the duals u, v then move by
 * the settled distances, keeping c - u - v >= 0 everywhere and = 0 on the
 * matched arcs (complementary slackness: the assignment is optimal for the
 * rows placed so far), and the path is flipped. A manager's own column is
 * free and at reduced distance 0 when its row is added, so each search
 * only explores alternating paths that raise the total score.
 * O(M (B + N) log N) in the worst case for M managers, B bids, N = M + T
 * columns, far less in practice. Exact up to floating-point rounding of the
 * sums (exact for integer or dyadic scores).
 *
 * GLPK. The LP max sum score_b x_b s.t. sum_{b of manager i} x_b <= 1,
 * sum_{b on territory k} x_b <= 1, x >= 0, one column per bid made. Primal
 * simplex with presolve (MEASURED.md: dual simplex is ~90x slower, interior
 * point returns non-integral points). Basic optima are integral by total
 * unimodularity; the code checks it and reports SALESIM_ESOLVER if not.
 * Everything is validated before GLPK sees it, as GLPK aborts on bad input.
 * Read next: models/algorithms/matching.c.
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
  /* SSP. Rows are managers; columns are the T territories followed by one
   * private "no award" column per manager (T + i for manager i, score 0). */
  int *arc_start;   /* M+1: live bids of manager i are arc[arc_start[i]..] */
  int *arc;         /* max_bids: bid indices grouped by manager */
  int *arc_col;     /* max_bids: territory of each arc (contiguous copy) */
  double *arc_cost; /* max_bids: -score of each arc */
  double *u, *v;    /* row and column duals (potentials) */
  double *dist;     /* per column: tentative reduced path length */
  int *path;        /* per column: row that reached it */
  int *path_bid;    /* per column: bid that reached it (real columns) */
  int *row4col, *col4row;
  int *mate_t;      /* bid awarded per territory, or -1 */
  int *rows, *touched; /* rows visited, columns touched by one search */
  int *heap, *heap_pos; /* indexed binary heap on dist; pos -2 = scanned */
  int heap_size, n_touched;
  double bound;     /* shortest distance to a free column found so far */
  /* GLPK: triplets (1-based) and the bid of each column. */
  int *ia, *ja, *col_bid;
  double *ar;
};

void salesim_assign_free(salesim_assign *ws) {
  if (ws == NULL)
    return;
  free(ws->arc_start);
  free(ws->arc);
  free(ws->arc_col);
  free(ws->arc_cost);
  free(ws->u);
  free(ws->v);
  free(ws->dist);
  free(ws->path);
  free(ws->path_bid);
  free(ws->row4col);
  free(ws->col4row);
  free(ws->mate_t);
  free(ws->rows);
  free(ws->touched);
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
  const size_t rows = (size_t)n_managers + 1;
  const size_t cols = (size_t)n_managers + (size_t)n_territories + 1;
  const size_t nb = max_bids + 1;
  ws->arc_start = malloc(rows * sizeof *ws->arc_start);
  ws->arc = malloc(nb * sizeof *ws->arc);
  ws->arc_col = malloc(nb * sizeof *ws->arc_col);
  ws->arc_cost = malloc(nb * sizeof *ws->arc_cost);
  ws->u = malloc(rows * sizeof *ws->u);
  ws->v = malloc(cols * sizeof *ws->v);
  ws->dist = malloc(cols * sizeof *ws->dist);
  ws->path = malloc(cols * sizeof *ws->path);
  ws->path_bid = malloc(cols * sizeof *ws->path_bid);
  ws->row4col = malloc(cols * sizeof *ws->row4col);
  ws->col4row = malloc(rows * sizeof *ws->col4row);
  ws->mate_t = malloc(cols * sizeof *ws->mate_t);
  ws->rows = malloc(rows * sizeof *ws->rows);
  ws->touched = malloc(cols * sizeof *ws->touched);
  ws->heap = malloc(cols * sizeof *ws->heap);
  ws->heap_pos = malloc(cols * sizeof *ws->heap_pos);
  ws->ia = malloc((2 * nb) * sizeof *ws->ia);
  ws->ja = malloc((2 * nb) * sizeof *ws->ja);
  ws->ar = malloc((2 * nb) * sizeof *ws->ar);
  ws->col_bid = malloc(nb * sizeof *ws->col_bid);
  if (!ws->arc_start || !ws->arc || !ws->arc_col || !ws->arc_cost || !ws->u || !ws->v || !ws->dist ||
      !ws->path || !ws->path_bid || !ws->row4col || !ws->col4row ||
      !ws->mate_t || !ws->rows || !ws->touched || !ws->heap ||
      !ws->heap_pos || !ws->ia || !ws->ja || !ws->ar || !ws->col_bid)
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

/* Relax column j from row i at reduced length d through bid b (-1: the
 * row's own no-award column). */
static void relax(salesim_assign *ws, int j, double d, int i, int b) {
  if (ws->heap_pos[j] == -2 || !(d < ws->dist[j]) || !(d < ws->bound))
    return;
  if (ws->row4col[j] < 0)
    ws->bound = d; /* a free column: nothing longer can be the sink */
  if (ws->dist[j] == INFINITY)
    ws->touched[ws->n_touched++] = j;
  ws->dist[j] = d;
  ws->path[j] = i;
  ws->path_bid[j] = b;
  heap_push_or_decrease(ws, j);
}

static void solve_ssp(salesim_assign *ws, const salesim_bid *bids,
                      size_t n_bids, const unsigned char *excluded) {
  const int M = ws->n_managers, T = ws->n_territories, C = T + M;

  /* Live arcs of each manager (counting sort of the bids). */
  for (int i = 0; i <= M; i++)
    ws->arc_start[i] = 0;
  for (size_t b = 0; b < n_bids; b++)
    if (excluded == NULL || !excluded[b])
      ws->arc_start[bids[b].manager + 1]++;
  for (int i = 0; i < M; i++)
    ws->arc_start[i + 1] += ws->arc_start[i];
  for (int i = 0; i < M; i++)
    ws->col4row[i] = ws->arc_start[i]; /* fill cursor for now */
  for (size_t b = 0; b < n_bids; b++)
    if (excluded == NULL || !excluded[b])
      ws->arc[ws->col4row[bids[b].manager]++] = (int)b;
  for (int a = 0; a < ws->arc_start[M]; a++) {
    ws->arc_col[a] = bids[ws->arc[a]].territory;
    ws->arc_cost[a] = -bids[ws->arc[a]].score;
  }

  for (int j = 0; j < C; j++) {
    ws->v[j] = 0;
    ws->row4col[j] = -1;
    ws->mate_t[j] = -1;
    ws->dist[j] = INFINITY;
    ws->heap_pos[j] = -1;
  }
  /* Row reduction and a greedy start: u_i = min_j c_ij = -(best score of
   * i, or 0), which keeps every reduced cost >= 0 with v = 0; a row whose
   * best column (a tight arc) is still free takes it. Free columns keep
   * v = 0, so the placed rows are optimally assigned among themselves. */
  for (int i = 0; i < M; i++) {
    int best_b = -1;
    double best = 0;
    for (int a = ws->arc_start[i]; a < ws->arc_start[i + 1]; a++)
      if (bids[ws->arc[a]].score > best) {
        best = bids[ws->arc[a]].score;
        best_b = ws->arc[a];
      }
    ws->u[i] = -best;
    ws->col4row[i] = -1;
    int j = best_b >= 0 ? bids[best_b].territory : T + i;
    if (ws->row4col[j] < 0) {
      ws->row4col[j] = i;
      ws->col4row[i] = j;
      if (j < T)
        ws->mate_t[j] = best_b;
    }
  }

  for (int cur = 0; cur < M; cur++) {
    int i = cur, sink = -1, n_rows = 0;
    if (ws->col4row[cur] >= 0)
      continue; /* placed by the greedy start */
    double min_val = 0;
    ws->n_touched = 0;
    ws->heap_size = 0;
    ws->bound = INFINITY;
    /* Dijkstra from row cur over the columns; only arcs out of cur can
     * have negative reduced cost, which Dijkstra tolerates at the source. */
    for (;;) {
      ws->rows[n_rows++] = i;
      for (int a = ws->arc_start[i]; a < ws->arc_start[i + 1]; a++) {
        int j = ws->arc_col[a];
        relax(ws, j, min_val + ws->arc_cost[a] - ws->u[i] - ws->v[j], i, ws->arc[a]);
      }
      relax(ws, T + i, min_val - ws->u[i] - ws->v[T + i], i, -1);
      int j = heap_pop(ws); /* never empty: cur's own column is reachable */
      min_val = ws->dist[j];
      if (ws->row4col[j] < 0) {
        sink = j;
        break;
      }
      i = ws->row4col[j];
    }
    /* Dual update (keeps c - u - v >= 0 on every arc, = 0 on matched). */
    ws->u[cur] += min_val;
    for (int k = 1; k < n_rows; k++)
      ws->u[ws->rows[k]] += min_val - ws->dist[ws->col4row[ws->rows[k]]];
    for (int k = 0; k < ws->n_touched; k++) {
      int j = ws->touched[k];
      if (ws->heap_pos[j] == -2)
        ws->v[j] -= min_val - ws->dist[j];
    }
    /* Augment along the alternating path back to cur. */
    for (int j = sink;;) {
      int row = ws->path[j], next = ws->col4row[row];
      ws->row4col[j] = row;
      ws->col4row[row] = j;
      if (j < T)
        ws->mate_t[j] = ws->path_bid[j];
      if (row == cur)
        break;
      j = next;
    }
    for (int k = 0; k < ws->n_touched; k++) {
      int j = ws->touched[k];
      ws->dist[j] = INFINITY;
      ws->heap_pos[j] = -1;
    }
  }
}

/* ---- GLPK ---------------------------------------------------------------- */

static int solve_glpk(salesim_assign *ws, const salesim_bid *bids,
                      size_t n_bids, const unsigned char *excluded) {
  const int M = ws->n_managers, T = ws->n_territories;
  int rc = SALESIM_ESOLVER, ncols = 0;
  glp_prob *lp = NULL;

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
