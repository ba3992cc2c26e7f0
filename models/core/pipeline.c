/*
 * models/core/pipeline.c: stage chain calibration and per-agent opportunity lists.
 *
 * Calibration. Let W_j be the chance of eventually winning from stage j and
 * a_j, l_j the monthly advance and loss probabilities. W_5 = 1 and
 * W_j = a_j / (a_j + l_j) * W_{j+1}. W_j = j/5 requires
 * a_j / (a_j + l_j) = j/(j+1). The time spent at a stage is geometric with
 * mean 1/(a_j + l_j) whatever the exit, so with a_j + l_j = q at every stage
 * the mean time to close (four stages to pass) is 4/q = cycle_months.
 */
#include "pipeline.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

void salesim_pipeline_calibrate(salesim_world *w) {
  const salesim_production *p = &w->sc->production;
  double q = 4.0 / p->cycle_months;
  if (q > 1)
    q = 1;
  w->p_advance[0] = w->p_lose[0] = 0;
  for (int j = 1; j < SALESIM_STAGES; j++) {
    w->p_advance[j] = q * j / (j + 1.0);
    w->p_lose[j] = q / (j + 1.0);
  }
  /* win_within[j][m]: P(win within m monthly steps | at stage j) */
  for (int j = 0; j < SALESIM_STAGES; j++)
    w->win_within[j][0] = 0;
  for (int m = 1; m <= SALESIM_MAX_HORIZON; m++) {
    for (int j = SALESIM_STAGES - 1; j >= 1; j--) {
      double up = (j == SALESIM_STAGES - 1) ? 1.0 : w->win_within[j + 1][m - 1];
      double stay = 1 - w->p_advance[j] - w->p_lose[j];
      w->win_within[j][m] = w->p_advance[j] * up + stay * w->win_within[j][m - 1];
    }
    w->win_within[0][m] = 0;
  }
  w->psi[0] = 0;
  for (int m = 1; m <= SALESIM_MAX_HORIZON; m++)
    w->psi[m] = w->psi[m - 1] + w->win_within[1][m - 1];
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
  wd[0] = 0;
  double dk = 1;
  for (int u = 1; u <= SALESIM_MAX_HORIZON; u++) {
    dk *= d;
    wd[u] = wd[u - 1] + dk * (w->win_within[1][u] - w->win_within[1][u - 1]);
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

/* Grow the pool (doubling, never past w->opp_limit); new slots go on the
 * free list. Returns 0, or a negative code with the world's error set. */
static int grow(salesim_world *w) {
  int old = w->opp_cap;
  if (old >= w->opp_limit) {
    salesim_world_fail(w, SALESIM_ELIMIT,
                       "month %d: more than %d open opportunities (%d positions): the "
                       "scenario makes more deals than the pool allows (docs/limits.md)",
                       w->month + 1, w->opp_limit, w->n_agents);
    return SALESIM_ELIMIT;
  }
  int cap = old > 0 ? (old > w->opp_limit / 2 ? w->opp_limit : 2 * old) : 1024;
  if (cap > w->opp_limit)
    cap = w->opp_limit;
  salesim_opp *n = realloc(w->opps, (size_t)cap * sizeof *n);
  if (n == NULL) {
    salesim_world_fail(w, SALESIM_ENOMEM, "month %d: out of memory for %d open opportunities",
                       w->month + 1, cap);
    return SALESIM_ENOMEM;
  }
  for (int i = old; i < cap; i++) {
    n[i].next = i + 1 < cap ? i + 1 : w->opp_free;
    n[i].stage = 0;
  }
  w->opps = n;
  w->opp_free = old;
  w->opp_cap = cap;
  return 0;
}

int salesim_pipeline_open(salesim_world *w, int owner, double value) {
  return salesim_pipeline_open_at(w, owner, value, 1);
}

int salesim_pipeline_open_at(salesim_world *w, int owner, double value, int stage) {
  if (w->opp_free < 0) {
    int rc = grow(w);
    if (rc != 0)
      return rc;
  }
  int i = w->opp_free;
  salesim_opp *o = &w->opps[i];
  w->opp_free = o->next;
  salesim_agent *a = &w->agents[owner];
  o->value = value;
  o->owner = owner;
  o->stage = stage;
  a->stage_sum[stage] += value;
  a->stage_sum2[stage] += value * value;
  o->created = w->month;
  o->stage_since = w->month;
  o->next = a->opp_head;
  a->opp_head = i;
  a->n_opps++;
  return i;
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
  unsigned k = gsl_ran_poisson(r, expected); /* draws even at 0 (callers rely on it) */
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

static void release(salesim_world *w, int i) {
  w->opps[i].next = w->opp_free;
  w->opps[i].stage = 0;
  w->opp_free = i;
}

void salesim_pipeline_pull(salesim_world *w, salesim_agent *a, double m_now, double m_after,
                           int months_left, double discount, double *won_value, double *wins,
                           double *pulled, double *discount_cost) {
  const int top = SALESIM_STAGES - 1;
  double in_time = w->win_within[top][months_left > 0 ? months_left : 0];
  double eventual = 0.2 * top;
  int *link = &a->opp_head;
  /* the top stage's sums are rebuilt from the deals that stay (no
   * subtraction: an emptied stage is exactly 0, no rounding residue) */
  a->stage_sum[top] = a->stage_sum2[top] = 0;
  while (*link >= 0) {
    int i = *link;
    salesim_opp *o = &w->opps[i];
    double wait = m_now * in_time + m_after * (eventual - in_time);
    double pull = eventual * m_now * (1 - discount);
    if (o->stage != top || !(pull > wait * (1 + 1e-9) + 1e-12)) {
      if (o->stage == top) {
        a->stage_sum[top] += o->value;
        a->stage_sum2[top] += o->value * o->value;
      }
      link = &o->next;
      continue;
    }
    *pulled += 1;
    if (gsl_rng_uniform(a->rng) < eventual) {
      *won_value += o->value * (1 - discount);
      *wins += 1;
      *discount_cost += o->value * discount;
    }
    *link = o->next;
    a->n_opps--;
    release(w, i);
  }
}

void salesim_pipeline_step(salesim_world *w, salesim_agent *a, double *won_value,
                           double *wins) {
  int *link = &a->opp_head;
  double pv = 0;
  int max_stage = 0;
  /* the per-stage sums are rebuilt from the survivors every month, so what
   * pull subtracted leaves no rounding residue behind */
  for (int j = 0; j < SALESIM_STAGES; j++)
    a->stage_sum[j] = a->stage_sum2[j] = 0;
  while (*link >= 0) {
    int i = *link;
    salesim_opp *o = &w->opps[i];
    double u = gsl_rng_uniform(a->rng);
    int j = o->stage;
    if (u < w->p_advance[j]) {
      if (j + 1 == SALESIM_STAGES) {
        *won_value += o->value;
        *wins += 1;
        *link = o->next;
        a->n_opps--;
        release(w, i);
        continue;
      }
      o->stage = j + 1;
      o->stage_since = w->month;
    } else if (u < w->p_advance[j] + w->p_lose[j]) {
      *link = o->next;
      a->n_opps--;
      release(w, i);
      continue;
    }
    a->stage_sum[o->stage] += o->value;
    a->stage_sum2[o->stage] += o->value * o->value;
    pv += o->value * o->stage * 0.2;
    if (o->stage > max_stage)
      max_stage = o->stage;
    link = &o->next;
  }
  a->pipeline_value = pv;
  a->max_stage = max_stage;
}

void salesim_pipeline_expect(const salesim_world *w, const salesim_agent *a, int m,
                             double *mean, double *var) {
  double mu = 0, v = 0;
  if (m > SALESIM_MAX_HORIZON)
    m = SALESIM_MAX_HORIZON;
  /* per-stage sums kept on open/pull/step/clear: no walk of the deal list */
  for (int j = 1; j < SALESIM_STAGES; j++) {
    double p = w->win_within[j][m];
    mu += p * a->stage_sum[j];
    v += p * (1 - p) * a->stage_sum2[j];
  }
  *mean = mu;
  *var = v;
}

void salesim_pipeline_clear(salesim_world *w, salesim_agent *a) {
  int i = a->opp_head;
  while (i >= 0) {
    int next = w->opps[i].next;
    release(w, i);
    i = next;
  }
  a->opp_head = -1;
  a->n_opps = 0;
  a->pipeline_value = 0;
  for (int j = 0; j < SALESIM_STAGES; j++)
    a->stage_sum[j] = a->stage_sum2[j] = 0;
}
