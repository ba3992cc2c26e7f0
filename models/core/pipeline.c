/*
 * models/core/pipeline.c: stage chain calibration and per-agent opportunity lists.
 *
 * Calibration. Let W_j be the chance of eventually winning from stage j and
 * a_j, l_j the monthly advance and loss probabilities. W_5 = 1 and
 * W_j = a_j / (a_j + l_j) * W_{j+1}. W_j = j/5 requires
 * a_j / (a_j + l_j) = j/(j+1). The time spent at a stage is geometric with
 * mean 1/(a_j + l_j) whatever the exit, so with a_j + l_j = q at every stage
 * the mean time to close (four stages to pass) is 4/q = cycle_months.
 * production.stage_advance / stage_loss give a_j, l_j directly (estimated
 * by models/algorithms/pipeline_fit.c); then W_j is the product and a won
 * deal's mean time from 20 % is sum_j 1/(a_j + l_j) (salesim_pipeline_chain).
 *
 * Sub-steps (cycle_months < 4, issue 14). One stage a month at most cannot
 * make a cycle under 4 months, so a month is k sub-steps of the rule
 * (salesim_pipeline_substeps: k = 2 * min(8, ceil(6/cycle_months))), each
 * with exit chance q', composed into one monthly row per stage
 * (salesim_pipeline_month_rows): P(won this month), P(end at stage s),
 * P(lost), P(stay). A lead found in a month takes part in it: it gets half
 * the month's sub-steps (leads arrive evenly over the month), the
 * first-month row w->first_row, and that month counts half a month. q' is
 * solved (salesim_pipeline_solve, bisection) so that the chain's exact
 * mean months from first contact to a won contract
 * (salesim_pipeline_mean_months) is cycle_months. The step still draws one
 * uniform a deal a month, with cut points over its row; win_within, the
 * new leads' lead_within, psi, psi_d and the steady state come from the
 * rows. The eventual win chances stay j/5 at any q'. With k = 1
 * (cycle_months >= 4, or per-stage values) nothing of this runs: the same
 * code and bytes as before.
 */
#include "pipeline.h"
#include "history.h"
#include "streams.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

int salesim_pipeline_stage_rates(const salesim_production *p, double *advance, double *lose) {
  advance[0] = lose[0] = 0;
  if (p->stage_advance.n == SALESIM_STAGES - 1 && p->stage_loss.n == SALESIM_STAGES - 1) {
    for (int j = 1; j < SALESIM_STAGES; j++) {
      advance[j] = p->stage_advance.v[j - 1];
      lose[j] = p->stage_loss.v[j - 1];
    }
    return 1;
  }
  double q = 4.0 / p->cycle_months;
  if (q > 1)
    q = 1;
  for (int j = 1; j < SALESIM_STAGES; j++) {
    advance[j] = q * j / (j + 1.0);
    lose[j] = q / (j + 1.0);
  }
  return 0;
}

void salesim_pipeline_chain(const double *advance, const double *lose, double *p_win,
                            double *months_left, double *months_to_win) {
  const int top = SALESIM_STAGES - 1;
  double win = 1, left = 0, to_win = 0;
  p_win[0] = months_left[0] = months_to_win[0] = 0;
  for (int j = top; j >= 1; j--) {
    double out = advance[j] + lose[j];
    /* W_j = a_j/(a_j+l_j) W_{j+1}; T_j = (1 + a_j T_{j+1}) / (a_j + l_j):
     * a geometric stay of mean 1/(a_j+l_j), then stage j+1 if advanced.
     * Given that the deal is won, the chain conditioned on winning (Doob's
     * h-transform with h = W) leaves stage j with chance a_j W_{j+1}/W_j =
     * a_j + l_j a month and always upwards: S_j = sum_{i>=j} 1/(a_i+l_i) */
    win = out > 0 ? advance[j] / out * win : 0;
    left = out > 0 ? (1 + advance[j] * left) / out : HUGE_VAL;
    to_win = out > 0 ? to_win + 1 / out : HUGE_VAL;
    p_win[j] = win;
    months_left[j] = left;
    months_to_win[j] = to_win;
  }
}

int salesim_pipeline_substeps(const salesim_production *p) {
  if (p->stage_advance.n == SALESIM_STAGES - 1 && p->stage_loss.n == SALESIM_STAGES - 1)
    return 1;
  if (!(p->cycle_months < 4))
    return 1;
  /* k = 2h, h = ceil(6/cycle) capped at 8: even, so that the first month
   * is exactly half of them, and enough of them that the fastest chain
   * (q' = 1) closes no later than cycle_months on average (its mean is 0.5
   * with h >= 4, 1.5 with h = 2 or 3; see salesim_pipeline_solve) */
  double h = ceil(6.0 / p->cycle_months);
  if (!(h <= 8))
    h = 8;
  return 2 * (int)h;
}

/* rows[j] (j = 1..4) after k sub-steps of the rule at exit chance q (a
 * stage j advances q*j/(j+1), is lost q/(j+1)), or of the given chances
 * a, l; first: from stage 1 after k/2 sub-steps */
static void compose(const double *a, const double *l, int k,
                    double rows[SALESIM_STAGES][SALESIM_STAGES + 1],
                    double first[SALESIM_STAGES + 1]) {
  const int top = SALESIM_STAGES - 1, WIN = SALESIM_STAGES;
  for (int s = 0; s <= WIN; s++)
    rows[0][s] = 0;
  for (int j = 1; j <= top; j++) {
    /* the distribution after each sub-step, from a deal at stage j; lost
     * (0) and won (WIN) absorb */
    double v[SALESIM_STAGES + 1] = {0};
    v[j] = 1;
    for (int step = 0; step < k; step++) {
      if (first != NULL && j == 1 && step == k / 2)
        memcpy(first, v, sizeof v);
      double nv[SALESIM_STAGES + 1] = {0};
      nv[0] = v[0];
      nv[WIN] = v[WIN];
      for (int s = 1; s <= top; s++) {
        nv[s + 1] += v[s] * a[s]; /* s + 1 == WIN at the top stage */
        nv[0] += v[s] * l[s];
        nv[s] += v[s] * fmax(0, 1 - a[s] - l[s]); /* -5e-17 at q' = 1 */
      }
      memcpy(v, nv, sizeof v);
    }
    for (int s = 0; s <= WIN; s++)
      rows[j][s] = v[s];
  }
}

static void rule_rates(double q, double *a, double *l) {
  a[0] = l[0] = 0;
  for (int j = 1; j < SALESIM_STAGES; j++) {
    a[j] = q * j / (j + 1.0);
    l[j] = q / (j + 1.0);
  }
}

double salesim_pipeline_mean_months(double rows[SALESIM_STAGES][SALESIM_STAGES + 1],
                                    const double first[SALESIM_STAGES + 1], double *p_won) {
  const int WIN = SALESIM_STAGES;
  /* from a month's end at stage j: h_j = P(won), g_j = E[months * 1{won}]
   * (months: the monthly steps to the win) solve
   * h_j = row_j(W) + sum_{s>=j} row_j(s) h_s and
   * g_j = row_j(W) + sum_{s>=j} row_j(s) (h_s + g_s) */
  double g[SALESIM_STAGES + 1] = {0}, h[SALESIM_STAGES + 1] = {0};
  for (int j = SALESIM_STAGES - 1; j >= 1; j--) {
    double hw = rows[j][WIN], gw = rows[j][WIN];
    for (int s = j + 1; s < SALESIM_STAGES; s++) {
      hw += rows[j][s] * h[s];
      gw += rows[j][s] * (h[s] + g[s]);
    }
    double stay = rows[j][j];
    h[j] = hw / (1 - stay);
    g[j] = (gw + stay * h[j]) / (1 - stay);
  }
  if (first == NULL) {
    if (p_won != NULL)
      *p_won = h[1];
    return g[1] / h[1];
  }
  /* a new lead: its first month (half a month on average) counts 0.5, a
   * win in it closes then; after it, whole months from the month's end */
  double pw = first[WIN], gm = 0;
  for (int s = 1; s < SALESIM_STAGES; s++) {
    pw += first[s] * h[s];
    gm += first[s] * g[s];
  }
  if (p_won != NULL)
    *p_won = pw;
  return 0.5 + gm / pw;
}

double salesim_pipeline_solve(double cycle, int k) {
  double a[SALESIM_STAGES], l[SALESIM_STAGES];
  double rows[SALESIM_STAGES][SALESIM_STAGES + 1], first[SALESIM_STAGES + 1];
  /* the mean falls as q' rises (a won deal's sub-steps are four
   * geometric(q') stays, see salesim_pipeline_chain): bisection, from the
   * fastest chain down. With k from salesim_pipeline_substeps the mean at
   * q' = 1 is at most cycle (0.5 for cycles under 1.5, else 1.5) */
  rule_rates(1, a, l);
  compose(a, l, k, rows, first);
  if (!(salesim_pipeline_mean_months(rows, first, NULL) < cycle))
    return 1;
  double lo = 0, hi = 1; /* mean(lo) > cycle >= mean(hi) */
  for (int it = 0; it < 200 && hi - lo > 1e-16; it++) {
    double mid = 0.5 * (lo + hi);
    rule_rates(mid, a, l);
    compose(a, l, k, rows, first);
    if (salesim_pipeline_mean_months(rows, first, NULL) > cycle)
      lo = mid;
    else
      hi = mid;
  }
  /* the nearer end */
  double m[2];
  double q[2] = {lo, hi};
  for (int e = 0; e < 2; e++) {
    rule_rates(q[e], a, l);
    compose(a, l, k, rows, first);
    m[e] = q[e] > 0 ? salesim_pipeline_mean_months(rows, first, NULL) : HUGE_VAL;
  }
  return fabs(m[0] - cycle) < fabs(m[1] - cycle) ? lo : hi;
}

int salesim_pipeline_month_rows(const salesim_production *p,
                                double rows[SALESIM_STAGES][SALESIM_STAGES + 1],
                                double first[SALESIM_STAGES + 1], double *q_sub) {
  double a[SALESIM_STAGES], l[SALESIM_STAGES];
  int k = salesim_pipeline_substeps(p);
  int per_stage = salesim_pipeline_stage_rates(p, a, l);
  double q = per_stage ? 0 : fmin(1.0, 4.0 / p->cycle_months);
  if (k > 1) { /* the rule at the solved q' a sub-step (per-stage: k = 1) */
    q = salesim_pipeline_solve(p->cycle_months, k);
    rule_rates(q, a, l);
  }
  compose(a, l, k, rows, k > 1 ? first : NULL);
  if (k == 1) /* no step in the month found */
    for (int s = 0; s <= SALESIM_STAGES; s++)
      first[s] = s == 1;
  if (q_sub != NULL)
    *q_sub = q;
  return k;
}

void salesim_pipeline_steady(const salesim_production *p, double *reach, double *exit_rate) {
  double a[SALESIM_STAGES], l[SALESIM_STAGES];
  reach[0] = exit_rate[0] = 0;
  if (salesim_pipeline_substeps(p) > 1) {
    /* sub-steps: a deal may skip stages within a month, its first month
     * included. reach[s] = P(the deal sits at stage s at some month's
     * end); a month's end at s is left with chance 1 - rows[s][s] */
    double rows[SALESIM_STAGES][SALESIM_STAGES + 1], first[SALESIM_STAGES + 1];
    salesim_pipeline_month_rows(p, rows, first, NULL);
    for (int s = 1; s < SALESIM_STAGES; s++) {
      double r = first[s]; /* its first month's end (the first-month rule) */
      for (int j = 1; j < s; j++)
        r += reach[j] * rows[j][s] / exit_rate[j];
      reach[s] = r;
      exit_rate[s] = 1 - rows[s][s];
    }
    return;
  }
  if (!salesim_pipeline_stage_rates(p, a, l)) {
    /* the rule's own expressions (world_alloc.c's starting pipelines drew
     * with them before per-stage values existed): same bytes */
    double q = 4.0 / p->cycle_months;
    for (int j = 1; j < SALESIM_STAGES; j++) {
      reach[j] = 1.0 / j;
      exit_rate[j] = q;
    }
    return;
  }
  double r = 1;
  for (int j = 1; j < SALESIM_STAGES; j++) {
    reach[j] = r;
    exit_rate[j] = a[j] + l[j];
    r *= a[j] / (a[j] + l[j]);
  }
}

void salesim_pipeline_calibrate(salesim_world *w) {
  const salesim_production *p = &w->sc->production;
  double months_left[SALESIM_STAGES], months_to_win[SALESIM_STAGES];
  /* p_advance, p_lose: the chances of a chain of one step a month (the
   * monthly step with k = 1); with sub-steps (cycle_months < 4) the rule at
   * q = 1, used only for p_win (the eventual win chances are the same at
   * any q): the step and the tables then come from month_row, first_row */
  int per_stage = salesim_pipeline_stage_rates(p, w->p_advance, w->p_lose);
  salesim_pipeline_chain(w->p_advance, w->p_lose, w->p_win, months_left, months_to_win);
  w->cycle = months_to_win[1];
  if (!per_stage) { /* the rule's exact values, so defaults keep their bytes */
    for (int j = 0; j < SALESIM_STAGES; j++)
      w->p_win[j] = j * 0.2;
    w->cycle = p->cycle_months;
  }
  w->sub_steps = salesim_pipeline_month_rows(p, w->month_row, w->first_row, &w->sub_q);
  /* win_within[j][m]: P(win within m monthly steps | at stage j) */
  for (int j = 0; j < SALESIM_STAGES; j++)
    w->win_within[j][0] = 0;
  if (w->sub_steps > 1) { /* from the composed monthly rows */
    const int WIN = SALESIM_STAGES;
    for (int m = 1; m <= SALESIM_MAX_HORIZON; m++) {
      for (int j = SALESIM_STAGES - 1; j >= 1; j--) {
        double x = w->month_row[j][WIN];
        for (int s = j; s < SALESIM_STAGES; s++)
          x += w->month_row[j][s] * w->win_within[s][m - 1];
        w->win_within[j][m] = x;
      }
      w->win_within[0][m] = 0;
    }
    /* a lead found this month: its first-month row, then whole months */
    for (int m = 0; m <= SALESIM_MAX_HORIZON; m++) {
      double x = w->first_row[WIN];
      for (int s = 1; s < SALESIM_STAGES; s++)
        x += w->first_row[s] * w->win_within[s][m];
      w->lead_within[m] = x;
    }
    /* q' was solved so that the chain's exact mean months from first
     * contact to a won contract (salesim_pipeline_mean_months, to about
     * 1e-14) is cycle_months: the setting itself, so that ceil(w->cycle)
     * does not round a last bit up */
    w->cycle = p->cycle_months;
  } else {
    for (int m = 1; m <= SALESIM_MAX_HORIZON; m++) {
      for (int j = SALESIM_STAGES - 1; j >= 1; j--) {
        double up = (j == SALESIM_STAGES - 1) ? 1.0 : w->win_within[j + 1][m - 1];
        double stay = 1 - w->p_advance[j] - w->p_lose[j];
        w->win_within[j][m] = w->p_advance[j] * up + stay * w->win_within[j][m - 1];
      }
      w->win_within[0][m] = 0;
    }
    memcpy(w->lead_within, w->win_within[1], sizeof w->lead_within);
  }
  w->psi[0] = 0;
  for (int m = 1; m <= SALESIM_MAX_HORIZON; m++)
    w->psi[m] = w->psi[m - 1] + w->lead_within[m - 1];
  double keep = 1;
  w->book_keep[0] = w->book_gain[0] = 0;
  for (int m = 1; m <= SALESIM_MAX_HORIZON; m++) {
    int tau = m - 1; /* the month added */
    w->book_keep[m] = w->book_keep[m - 1] + keep;
    w->book_gain[m] = w->book_gain[m - 1] + (tau > 0 ? tau * pow(1 - p->churn, tau - 1) : 0);
    keep *= 1 - p->churn;
  }
  /* discounted versions (see world.h) */
  double d = w->sc->population.discount > 0 ? w->sc->population.discount : 1;
  double wd[SALESIM_MAX_HORIZON + 1];
  wd[0] = w->lead_within[0]; /* won in the month found: 0 at k = 1 */
  double dk = 1;
  for (int u = 1; u <= SALESIM_MAX_HORIZON; u++) {
    dk *= d;
    wd[u] = wd[u - 1] + dk * (w->lead_within[u] - w->lead_within[u - 1]);
  }
  w->disc[0] = w->psi_d[0] = w->book_keep_d[0] = w->book_gain_d[0] = 0;
  w->dpow[0] = 1;
  for (int m = 1; m <= SALESIM_MAX_HORIZON; m++)
    w->dpow[m] = w->dpow[m - 1] * d;
  double ds = 1, keepd = 1;
  for (int m = 1; m <= SALESIM_MAX_HORIZON; m++) {
    int tau = m - 1;
    w->disc[m] = w->disc[m - 1] + ds;
    w->book_keep_d[m] = w->book_keep_d[m - 1] + keepd;
    w->book_gain_d[m] = w->book_gain_d[m - 1] +
                        (tau > 0 ? ds * tau * pow(1 - p->churn, tau - 1) : 0);
    ds *= d;
    keepd *= d * (1 - p->churn);
    double acc = 0, dsum = 1;
    for (int s0 = 0; s0 < m; s0++) {
      acc += dsum * wd[m - 1 - s0];
      dsum *= d;
    }
    w->psi_d[m] = acc;
  }
  const salesim_dist *v = &p->deal_value;
  salesim_dist_fast_init(&w->deal, v);
  w->deal_mean = v->kind == SALESIM_DIST_UNIFORM ? 0.5 * (v->min + v->max) : v->mean;
  double var = v->kind == SALESIM_DIST_CONSTANT ? 0
               : v->kind == SALESIM_DIST_UNIFORM ? (v->max - v->min) * (v->max - v->min) / 12
                                                 : v->sd * v->sd;
  w->deal_m2 = var + w->deal_mean * w->deal_mean;
}

/* Room for one more deal in slot a's block: when full, a block of twice
 * the room of its own (the arena's stays unused until the world is freed).
 * Returns 0, or a negative code with the world's error set. */
static int grow(salesim_world *w, salesim_agent *a) {
  int cap = a->opp_cap > 0 ? 2 * a->opp_cap : SALESIM_DEAL_STRIDE;
  unsigned char *b = malloc((size_t)cap * (sizeof(double) + 1));
  if (b == NULL) {
    salesim_world_fail(w, SALESIM_ENOMEM, "month %d: out of memory for %d open opportunities",
                       w->month + 1, w->n_open + 1);
    return SALESIM_ENOMEM;
  }
  double *v = (double *)(void *)b;
  unsigned char *st = b + (size_t)cap * sizeof(double);
  if (a->n_opps > 0) {
    memcpy(v, a->deal_value, (size_t)a->n_opps * sizeof *v);
    memcpy(st, a->deal_stage, (size_t)a->n_opps);
  }
  if (a->opp_cap > w->deal_stride) /* its own block, not the arena's */
    free(a->deal_value);
  a->deal_value = v;
  a->deal_stage = st;
  a->opp_cap = cap;
  return 0;
}

/* salesim_pipeline_open_at for the person in slot a (w->agents + owner). */
static inline int open_deal(salesim_world *w, salesim_agent *a, double value, int stage) {
  if (w->n_open >= w->opp_limit) {
    salesim_world_fail(w, SALESIM_ELIMIT,
                       "month %d: more than %d open opportunities (%d positions): the "
                       "scenario makes more deals than the pool allows (docs/limits.md)",
                       w->month + 1, w->opp_limit, w->n_agents);
    return SALESIM_ELIMIT;
  }
  if (a->n_opps == a->opp_cap) {
    int rc = grow(w, a);
    if (rc != 0)
      return rc;
  }
  /* appended: the walks below go from the newest (the end) to the oldest */
  a->deal_value[a->n_opps] = value;
  a->deal_stage[a->n_opps] = (unsigned char)stage;
  a->n_opps++;
  w->n_open++;
  a->stage_sum[stage] += value;
  a->stage_sum2[stage] += value * value;
  return 0;
}

int salesim_pipeline_open(salesim_world *w, int owner, double value) {
  return salesim_pipeline_open_at(w, owner, value, 1);
}

int salesim_pipeline_open_at(salesim_world *w, int owner, double value, int stage) {
  salesim_agent *a = &w->agents[owner];
  int rc = open_deal(w, a, value, stage);
  if (rc == 0 && w->history != NULL)
    salesim_history_opened(w, a, a->n_opps - 1);
  return rc;
}

/* The loop of salesim_pipeline_find; `taus` as in step_deals. */
static inline __attribute__((always_inline)) int
find_leads(salesim_world *w, salesim_agent *a, unsigned n, double p_coll, int taus,
           salesim_taus *t, double *collisions, double *leads) {
  gsl_rng *r = a->rng;
  int rc = 0;
  for (unsigned u = 0; u < n; u++) {
    w->draws += p_coll > 0;
    if (p_coll > 0) {
      double x = taus ? (double)salesim_taus_get(t) / 4294967296.0 : salesim_rng_uniform(r);
      if (x < p_coll) {
        *collisions += 1;
        continue;
      }
    }
    double value = taus ? salesim_dist_fast_draw_taus(&w->deal, r, t)
                        : salesim_dist_fast_draw(&w->deal, r);
    /* a lead the pool cannot take ends the run (w->error says why) */
    if ((rc = open_deal(w, a, value, 1)) < 0)
      break;
    *leads += 1;
  }
  return rc;
}

int salesim_pipeline_find(salesim_world *w, int owner, unsigned n, double p_coll,
                          double *collisions, double *leads) {
  salesim_agent *a = &w->agents[owner];
  salesim_taus t;
  int first = a->n_opps, rc;
  if (!salesim_taus_load(a->rng, &t)) {
    rc = find_leads(w, a, n, p_coll, 0, NULL, collisions, leads);
  } else {
    rc = find_leads(w, a, n, p_coll, 1, &t, collisions, leads);
    salesim_taus_store(a->rng, &t);
  }
  if (w->history != NULL && a->n_opps > first) /* the new deals get their ids */
    salesim_history_opened(w, a, first);
  return rc;
}

void salesim_pipeline_free(salesim_world *w) {
  if (w->agents != NULL)
    for (int i = 0; i < w->n_agents; i++)
      if (w->agents[i].opp_cap > w->deal_stride)
        free(w->agents[i].deal_value);
  free(w->deal_arena);
  w->deal_arena = NULL;
}

int salesim_pipeline_alloc(salesim_world *w) {
  w->deal_stride = 0;
  w->n_open = 0;
  if (w->sc->production.mode != SALESIM_MODE_PIPELINE)
    return 0; /* no deals: a slot that opens one anyway gets a block of its own */
  size_t block = (size_t)SALESIM_DEAL_STRIDE * (sizeof(double) + 1);
  w->deal_arena = malloc((size_t)w->n_agents * block);
  if (w->deal_arena == NULL)
    return SALESIM_ENOMEM;
  salesim_world_advise_huge(w->deal_arena, (size_t)w->n_agents * block);
  w->deal_stride = SALESIM_DEAL_STRIDE;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    unsigned char *b = w->deal_arena + (size_t)i * block;
    a->deal_value = (double *)(void *)b;
    a->deal_stage = b + (size_t)SALESIM_DEAL_STRIDE * sizeof(double);
    a->opp_cap = SALESIM_DEAL_STRIDE;
    a->n_opps = 0;
  }
  return 0;
}

int salesim_pipeline_leads(salesim_world *w, double expected, gsl_rng *r, unsigned *n) {
  *n = 0;
  if (!isfinite(expected)) {
    salesim_world_fail(w, SALESIM_ENUMERIC,
                       "month %d: the expected number of new opportunities is %g", w->month + 1,
                       expected);
    return SALESIM_ENUMERIC;
  }
  if (!(expected <= (double)w->leads_limit)) {
    salesim_world_fail(w, SALESIM_ELIMIT,
                       "month %d: %g new opportunities expected for one person in a month "
                       "(at most %u: deal values too small for the territories' potential, "
                       "or effort too cheap; docs/limits.md)",
                       w->month + 1, expected, w->leads_limit);
    return SALESIM_ELIMIT;
  }
  unsigned k = salesim_rng_poisson(r, expected); /* draws even at 0 (callers rely on it) */
  if (k > w->leads_limit) {
    salesim_world_fail(w, SALESIM_ELIMIT,
                       "month %d: %u new opportunities for one person in a month (at most %u; "
                       "docs/limits.md)",
                       w->month + 1, k, w->leads_limit);
    return SALESIM_ELIMIT;
  }
  *n = k;
  return 0;
}

/* The walks below visit a slot's deals newest first (from the end of its
 * block), the order of the linked list they replaced, so the draws and
 * sums are the same bits; the deals that stay are packed towards the end in
 * that order, then moved down to the block's start. */
static void pack(salesim_world *w, salesim_agent *a, int keep) {
  int n = a->n_opps - keep;
  if (keep > 0 && n > 0) {
    memmove(a->deal_value, a->deal_value + keep, (size_t)n * sizeof *a->deal_value);
    memmove(a->deal_stage, a->deal_stage + keep, (size_t)n);
    if (w->history != NULL) { /* the recorder's ids move with their deals */
      long *ids = salesim_history_ids(w, a);
      memmove(ids, ids + keep, (size_t)n * sizeof *ids);
    }
  }
  w->n_open -= keep;
  a->n_opps = n;
  if (a->opp_cap > w->deal_stride && 2 * n <= w->deal_stride && w->deal_stride > 0) {
    /* few again: back to the slot's block of the arena (hysteresis: it left
     * above deal_stride), so most slots' deals stay in slot order */
    unsigned char *b = w->deal_arena + (size_t)(a - w->agents) * (size_t)w->deal_stride *
                                           (sizeof(double) + 1);
    double *v = (double *)(void *)b;
    unsigned char *st = b + (size_t)w->deal_stride * sizeof(double);
    memcpy(v, a->deal_value, (size_t)n * sizeof *v);
    memcpy(st, a->deal_stage, (size_t)n);
    free(a->deal_value);
    a->deal_value = v;
    a->deal_stage = st;
    a->opp_cap = w->deal_stride;
  }
}

/* salesim_pipeline_pull; with `hist` (a constant at each call) the deals'
 * ids move with them and the pulls are recorded (models/core/history.h). */
static inline __attribute__((always_inline)) void
pull_deals(salesim_world *w, salesim_agent *a, double m_now, double m_after, int months_left,
           double discount, double *won_value, double *wins, double *pulled,
           double *discount_cost, int hist) {
  long *ids = hist ? salesim_history_ids(w, a) : NULL;
  const int top = SALESIM_STAGES - 1;
  double in_time = w->win_within[top][months_left > 0 ? months_left : 0];
  double eventual = w->p_win[top]; /* 0.8 under the rule from cycle_months */
  double *val = a->deal_value;
  unsigned char *stg = a->deal_stage;
  int keep = a->n_opps; /* deals that stay go to [keep, n_opps) */
  /* the top stage's sums are rebuilt from the deals that stay (no
   * subtraction: an emptied stage is exactly 0, no rounding residue) */
  a->stage_sum[top] = a->stage_sum2[top] = 0;
  for (int k = a->n_opps - 1; k >= 0; k--) {
    double v = val[k];
    int j = stg[k];
    double wait = m_now * in_time + m_after * (eventual - in_time);
    double pull = eventual * m_now * (1 - discount);
    if (j != top || !(pull > wait * (1 + 1e-9) + 1e-12)) {
      if (j == top) {
        a->stage_sum[top] += v;
        a->stage_sum2[top] += v * v;
      }
      keep--;
      val[keep] = v;
      stg[keep] = (unsigned char)j;
      if (hist)
        ids[keep] = ids[k];
      continue;
    }
    *pulled += 1;
    if (salesim_rng_uniform(a->rng) < eventual) {
      *won_value += v * (1 - discount);
      *wins += 1;
      *discount_cost += v * discount;
      if (hist)
        salesim_history_win(w, a, ids[k], v * (1 - discount), 0);
    } else if (hist) {
      salesim_history_stage(w, a, ids[k], SALESIM_DATA_STAGE_LOST);
    }
  }
  pack(w, a, keep);
}

void salesim_pipeline_pull(salesim_world *w, salesim_agent *a, double m_now, double m_after,
                           int months_left, double discount, double *won_value, double *wins,
                           double *pulled, double *discount_cost) {
  if (w->history != NULL)
    pull_deals(w, a, m_now, m_after, months_left, discount, won_value, wins, pulled,
               discount_cost, 1);
  else
    pull_deals(w, a, m_now, m_after, months_left, discount, won_value, wins, pulled,
               discount_cost, 0);
}

/* One month of agent a's deals, newest first. With `taus` (a's stream is a
 * taus2 one, its state in *t) the draws come from *t; otherwise from r. The
 * stream's state, the per-stage sums and the cut points stay in locals for
 * the whole walk: a store into the stage bytes may alias anything, so
 * through a-> and w-> every one was reloaded after every deal (issue 12).
 * u < p is tested as (double)x < p * 2^32 on the 32-bit output x, the same
 * comparison (u = x / 2^32 and p * 2^32 are exact), one multiply fewer. */
static inline __attribute__((always_inline)) void
step_deals(salesim_world *w, salesim_agent *a, int taus, salesim_taus *t, gsl_rng *r,
           double *won_value, double *wins, int hist, int multi, int fresh) {
  /* with `hist` (a constant at each call) the deals' ids move with them and
   * every stage change is recorded (models/core/history.h) */
  long *ids = hist ? salesim_history_ids(w, a) : NULL;
  double adv[SALESIM_STAGES], out[SALESIM_STAGES];
  double sum[SALESIM_STAGES] = {0}, sum2[SALESIM_STAGES] = {0};
  for (int j = 0; j < SALESIM_STAGES; j++) {
    adv[j] = w->p_advance[j] * 4294967296.0;
    out[j] = (w->p_advance[j] + w->p_lose[j]) * 4294967296.0;
  }
  /* with `multi` (sub-steps: a deal may move several stages a month) the
   * cut points over the composed monthly row of stage j, in the order won,
   * stage top .. j+1, lost (dest[j][o]: SALESIM_STAGES = won, 0 = lost);
   * past the last one the deal stays. Row 0 holds the first-month row of
   * the `fresh` newest deals (leads found this month, at stage 1: past its
   * last cut point such a deal stays at stage 1) */
  double cut[SALESIM_STAGES][SALESIM_STAGES + 1];
  int dest[SALESIM_STAGES][SALESIM_STAGES + 1], n_cut[SALESIM_STAGES];
  if (multi) {
    for (int j = 0; j < SALESIM_STAGES; j++) {
      const double *row = j > 0 ? w->month_row[j] : w->first_row;
      int from = j > 0 ? j : 1;
      double c = row[SALESIM_STAGES];
      int o = 0;
      cut[j][o] = c * 4294967296.0;
      dest[j][o++] = SALESIM_STAGES;
      for (int s = SALESIM_STAGES - 1; s > from; s--) {
        c += row[s];
        cut[j][o] = c * 4294967296.0;
        dest[j][o++] = s;
      }
      c += row[0];
      cut[j][o] = c * 4294967296.0;
      dest[j][o++] = 0;
      n_cut[j] = o;
    }
  }
  double pv = 0, won = *won_value, n_won = *wins; /* added to in the same order */
  int max_stage = 0;
  double *val = a->deal_value;
  unsigned char *stg = a->deal_stage;
  int keep = a->n_opps; /* deals that stay go to [keep, n_opps) */
  int fresh_from = a->n_opps - fresh;
  for (int k = a->n_opps - 1; k >= 0; k--) {
    double v = val[k];
    double x = taus ? (double)salesim_taus_get(t) : gsl_rng_uniform(r) * 4294967296.0;
    int j = stg[k];
    if (multi) {
      int row = k >= fresh_from ? 0 : j, o = 0;
      while (o < n_cut[row] && !(x < cut[row][o]))
        o++;
      if (o < n_cut[row]) {
        int d = dest[row][o];
        if (d == SALESIM_STAGES) {
          won += v;
          n_won += 1;
          if (hist)
            salesim_history_win(w, a, ids[k], v, 1);
          continue;
        }
        if (d == 0) {
          if (hist)
            salesim_history_stage(w, a, ids[k], SALESIM_DATA_STAGE_LOST);
          continue;
        }
        j = d;
        if (hist)
          salesim_history_stage(w, a, ids[k], j);
      }
    } else if (x < adv[j]) {
      if (j + 1 == SALESIM_STAGES) {
        won += v;
        n_won += 1;
        if (hist)
          salesim_history_win(w, a, ids[k], v, 1);
        continue;
      }
      j++;
      if (hist)
        salesim_history_stage(w, a, ids[k], j);
    } else if (x < out[j]) {
      if (hist)
        salesim_history_stage(w, a, ids[k], SALESIM_DATA_STAGE_LOST);
      continue;
    }
    keep--;
    val[keep] = v;
    stg[keep] = (unsigned char)j;
    if (hist)
      ids[keep] = ids[k];
    sum[j] += v;
    sum2[j] += v * v;
    pv += v * j * 0.2;
    if (j > max_stage)
      max_stage = j;
  }
  /* the per-stage sums are rebuilt from the survivors every month, so what
   * pull subtracted leaves no rounding residue behind */
  for (int j = 0; j < SALESIM_STAGES; j++) {
    a->stage_sum[j] = sum[j];
    a->stage_sum2[j] = sum2[j];
  }
  *won_value = won;
  *wins = n_won;
  pack(w, a, keep);
  a->pipeline_value = pv;
  a->max_stage = max_stage;
}

/* step_deals with `multi` a constant at each call */
static inline __attribute__((always_inline)) void
step_any(salesim_world *w, salesim_agent *a, int taus, salesim_taus *t, gsl_rng *r,
         double *won_value, double *wins, int hist, int fresh) {
  if (w->sub_steps > 1)
    step_deals(w, a, taus, t, r, won_value, wins, hist, 1, fresh);
  else
    step_deals(w, a, taus, t, r, won_value, wins, hist, 0, 0);
}

void salesim_pipeline_step_fresh(salesim_world *w, salesim_agent *a, int fresh,
                                 double *won_value, double *wins) {
  salesim_taus t;
  int hist = w->history != NULL;
  if (fresh < 0 || fresh > a->n_opps || w->sub_steps <= 1)
    fresh = 0; /* k = 1: no step in the month found (market.c opens after) */
  if (salesim_taus_load(a->rng, &t)) {
    if (hist)
      step_any(w, a, 1, &t, NULL, won_value, wins, 1, fresh);
    else
      step_any(w, a, 1, &t, NULL, won_value, wins, 0, fresh);
    salesim_taus_store(a->rng, &t);
  } else if (hist) {
    step_any(w, a, 0, NULL, a->rng, won_value, wins, 1, fresh);
  } else {
    step_any(w, a, 0, NULL, a->rng, won_value, wins, 0, fresh);
  }
}

void salesim_pipeline_step(salesim_world *w, salesim_agent *a, double *won_value,
                           double *wins) {
  salesim_pipeline_step_fresh(w, a, 0, won_value, wins);
}

void salesim_pipeline_clear(salesim_world *w, salesim_agent *a) {
  if (w->history != NULL) /* the deals are lost with the person */
    salesim_history_dropped(w, a);
  w->n_open -= a->n_opps;
  a->n_opps = 0;
  a->pipeline_value = 0;
  for (int j = 0; j < SALESIM_STAGES; j++)
    a->stage_sum[j] = a->stage_sum2[j] = 0;
}
