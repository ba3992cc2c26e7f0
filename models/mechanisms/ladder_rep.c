/*
 * models/mechanisms/ladder_rep.c: the trained rep's choice under the
 * `training_ladder` as pure functions (declared and explained in
 * models/mechanisms/training_ladder.h): the chance of meeting the lead
 * target, of passing a training, the value of the job at a constant
 * hunting effort (a dynamic programme over the strike count), and the
 * effort that maximises it (a grid, then golden-section refinement).
 * Read next: models/mechanisms/ladder_bench.c.
 */
#include "training_ladder.h"

#include <math.h>

#include "numerics.h"

double salesim_ladder_hit_prob(double mean, int target) {
  if (target <= 0)
    return 1;
  if (!(mean > 0))
    return 0;
  /* 1 - sum_{j<T} e^-m m^j / j! */
  double term = exp(-mean), below = term;
  for (int j = 1; j < target; j++) {
    term *= mean / j;
    below += term;
  }
  double p = 1 - below;
  return p < 0 ? 0 : (p > 1 ? 1 : p);
}

double salesim_ladder_pass_prob(double ability, double mid, double slope, double pass_max) {
  return pass_max / (1 + exp(-slope * (ability - mid)));
}

static double effort_cost(const salesim_lead_problem *p, double h) {
  double e = p->pain * h + p->farm;
  return 0.5 * p->effort_cost * e * e;
}

/* CE of R with probability P (CARA) */
static double reward_ce(const salesim_lead_problem *p, double P) {
  double R = p->reward, r = p->risk_aversion;
  if (!(R > 0))
    return 0;
  if (r * R < 1e-9)
    return P * R;
  return -log1p(P * expm1(-r * R)) / r;
}

/* what an on-target month adds to salary at effort h; *P = P(hit) */
static double month_flow(const salesim_lead_problem *p, double h, double *P) {
  *P = salesim_ladder_hit_prob(p->leads_per_hunt * h, p->target);
  return reward_ce(p, *P) - (effort_cost(p, h) - effort_cost(p, p->hunt0));
}

/* does moving from month t to month t2 (ahead) cross a plan-year start? */
static int crosses_reset(const salesim_lead_problem *p, int t, int t2) {
  if (!p->reset_yearly || p->months_per_year <= 0)
    return 0;
  return (p->month_in_year + t) / p->months_per_year !=
         (p->month_in_year + t2) / p->months_per_year;
}

double salesim_ladder_value(const salesim_lead_problem *p, double h) {
  static const int max_h = 240;
  double P;
  double u = p->surplus + month_flow(p, h, &P), ut = p->surplus;
  double d = p->discount;
  int H = p->horizon < 1 ? 1 : (p->horizon > max_h ? max_h : p->horizon);
  int S = p->max_strikes > 0 ? p->max_strikes : 1;
  if (S > SALESIM_LADDER_MAX_STRIKES)
    S = SALESIM_LADDER_MAX_STRIKES; /* the setting's range stops there */
  int tm = p->training_months > 0 ? p->training_months : 0;
  /* W[t][s], t = 0..H (W[H] = 0) */
  double W[241][SALESIM_LADDER_MAX_STRIKES];
  double train_sum[242]; /* sum_{j<n} d^j ut */
  train_sum[0] = 0;
  for (int n = 1; n <= H + 1; n++)
    train_sum[n] = train_sum[n - 1] + pow(d, n - 1) * ut;
  double dtm = pow(d, tm);
  for (int s = 0; s < S; s++)
    W[H][s] = 0;
  for (int t = H - 1; t >= 0; t--)
    for (int s = 0; s < S; s++) {
      int t1 = t + 1;
      double hit = W[t1][crosses_reset(p, t, t1) ? 0 : s];
      int tt = t + 1 + tm;
      int tr = tm < H - t1 ? tm : H - t1;
      double miss = train_sum[tr];
      if (tt < H) {
        double cont;
        if (p->max_strikes > 0 && s + 1 >= p->max_strikes)
          cont = (1 - p->p_replace) * W[tt][crosses_reset(p, t, tt) ? 0 : S - 1];
        else
          cont = W[tt][crosses_reset(p, t, tt) ? 0 : (s + 1 < S ? s + 1 : S - 1)];
        miss += dtm * cont;
      }
      W[t][s] = u + d * (P * hit + (1 - P) * miss);
    }
  int s0 = p->strikes < 0 ? 0 : (p->strikes < S ? p->strikes : S - 1);
  return W[0][s0];
}

/* salesim_ladder_value() as a salesim_num_fn for the golden-section search. */
static int value_fn(double h, void *ctx, double *value) {
  *value = salesim_ladder_value((const salesim_lead_problem *)ctx, h);
  return 0;
}

double salesim_ladder_best_hunt(const salesim_lead_problem *p, double *flow) {
  double h0 = p->hunt0 > 0 ? p->hunt0 : 0;
  double P;
  double best_h = h0;
  double best = salesim_ladder_value(p, h0);
  if (flow)
    *flow = month_flow(p, h0, &P);
  if (!(p->leads_per_hunt > 0) || !(p->effort_cost > 0) || !(p->pain > 0))
    return best_h;
  /* no effort whose extra monthly cost exceeds the reward plus every month
   * of the job's surplus over the horizon */
  double stake = fmax(0, p->reward) + fmax(0, p->surplus + p->reward) * p->horizon;
  if (!(stake > 0))
    return best_h;
  double e_hi = sqrt(2 * (stake + effort_cost(p, h0)) / p->effort_cost);
  double h_hi = (e_hi - p->farm) / p->pain;
  if (!(h_hi > h0))
    return best_h;
  /* the value is S-shaped in h (Poisson tail, strike chain): grid, then
   * golden section between the best point's neighbours */
  enum { NG = 96 };
  double step = (h_hi - h0) / NG;
  int bi = 0;
  for (int i = 1; i <= NG; i++) {
    double v = salesim_ladder_value(p, h0 + i * step);
    if (v > best) {
      best = v;
      bi = i;
    }
  }
  double lo = h0 + (bi > 0 ? bi - 1 : 0) * step, hi = h0 + (bi < NG ? bi + 1 : NG) * step;
  /* 30 steps; the larger of the last two points replaces the grid's best
   * when it beats it. A value that is not finite (SALESIM_ENUMERIC) leaves
   * the grid's best, an effort the rep can keep. */
  static const salesim_num_golden_opts steps = {30, 0};
  salesim_num_golden g;
  int rc = salesim_num_golden_max(&g, value_fn, (void *)p, lo, hi, &steps);
  best_h = h0 + bi * step;
  if (rc == 0)
    salesim_num_golden_pick(&g, SALESIM_NUM_PICK_LARGER, &best_h, &best);
  if (flow)
    *flow = month_flow(p, best_h, &P);
  return best_h;
}
