/*
 * models/mechanisms/tender_bids.c: the bidders of the `tender` mechanism (rule 2 in
 * models/mechanisms/tender.c): their belief about rivals and about keeping
 * a team (salesim_tender_win_prob, salesim_tender_team_prob), tabulated once
 * a year; the best bid on a territory (a grid, then golden-section
 * refinement); every manager's bids of the year; and what bidders learn
 * from the published bids.
 * Read next: models/mechanisms/tender_teams.c.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "numerics.h"
#include "tender_internal.h"

double salesim_tender_win_prob(const salesim_bid_belief *b, double x) {
  if (!(b->rivals > 0))
    return 1;
  double p = 0;
  for (int j = 0; j < b->n; j++)
    p += b->weight[j] * gsl_cdf_ugaussian_P((x - b->ratio[j]) / b->bandwidth);
  return p > 0 ? pow(p, b->rivals) : 0;
}

double salesim_tender_team_prob(const salesim_bid_belief *b, double x) {
  double num = 1, den = 1; /* the prior: one award that kept its team */
  for (int j = 0; j < b->n_award; j++) {
    double z = (x - b->award_ratio[j]) / b->bandwidth;
    if (z * z > 60)
      continue;
    double k = b->award_weight[j] * exp(-0.5 * z * z);
    num += k * b->award_ok[j];
    den += k;
  }
  return num / den;
}

static double x_max_of(const salesim_bid_belief *b) {
  double hi = 1.5;
  for (int j = 0; j < b->n; j++)
    if (b->ratio[j] + 4 * b->bandwidth > hi)
      hi = b->ratio[j] + 4 * b->bandwidth;
  return hi;
}

static void tabulate(belief_tab *t, const salesim_bid_belief *b) {
  salesim_bid_belief one = *b;
  one.rivals = 1;
  t->hi = x_max_of(b);
  t->step = (t->hi - 1) / (BELIEF_GRID - 1);
  t->rivals = b->rivals;
  for (int g = 0; g < BELIEF_GRID; g++) {
    double x = 1 + t->step * g;
    t->F[g] = salesim_tender_win_prob(&one, x);
    t->Q[g] = salesim_tender_team_prob(b, x);
    /* a higher bid means harder targets for the team, so bidders take the
     * chance of keeping the award as non-increasing in the bid */
    if (g > 0 && t->Q[g] > t->Q[g - 1])
      t->Q[g] = t->Q[g - 1];
  }
}

static double tab_prob(const belief_tab *t, double x) {
  double u = (x - 1) / t->step;
  int g = (int)u;
  if (g < 0)
    g = 0, u = 0;
  if (g >= BELIEF_GRID - 1)
    g = BELIEF_GRID - 2, u = BELIEF_GRID - 1;
  double f = u - g;
  double F = t->F[g] + f * (t->F[g + 1] - t->F[g]);
  double Q = t->Q[g] + f * (t->Q[g + 1] - t->Q[g]);
  double win = t->rivals > 0 ? (F > 0 ? pow(F, t->rivals) : 0) : 1;
  return win * Q;
}

static double surplus_at(const salesim_org *o, int i, double posted, double mean, double sd,
                         double p_pass, const belief_tab *b, double x) {
  double bid = x * posted;
  double ce = salesim_org_manager_ce(o, i, bid, salesim_org_fixed(o->p, posted),
                                     salesim_org_variable(o->p, bid), mean, sd);
  return p_pass * tab_prob(b, x) * (ce - 12.0 * o->mgr[i].outside_wage);
}

/* surplus_at() as a salesim_num_fn for the golden-section search. */
typedef struct bid_ctx {
  const salesim_org *o;
  int i;
  double posted, mean, sd, p_pass;
  const belief_tab *b;
} bid_ctx;

static int surplus_fn(double x, void *ctx, double *value) {
  const bid_ctx *c = ctx;
  *value = surplus_at(c->o, c->i, c->posted, c->mean, c->sd, c->p_pass, c->b, x);
  return 0;
}

static void best_bid(const salesim_org *o, int i, double posted, double mean, double sd,
                     double p_pass, const belief_tab *b, int grid, int refine,
                     double *bid, double *surplus) {
  double hi = b->hi, step = (hi - 1) / (grid - 1);
  double best = -INFINITY, bx = 1;
  int bi = 0;
  for (int g = 0; g < grid; g++) {
    double x = 1 + step * g;
    double u = surplus_at(o, i, posted, mean, sd, p_pass, b, x);
    if (u > best) {
      best = u;
      bx = x;
      bi = g;
    }
  }
  if (refine) {
    /* 24 golden-section steps between the best grid point's neighbours;
     * each of the last two points in turn replaces the best when it beats
     * it. A surplus that is not finite (SALESIM_ENUMERIC) leaves the grid's
     * best: a bid on the grid is still a bid the manager can make. */
    static const salesim_num_golden_opts steps = {24, 0};
    double lo = 1 + step * (bi > 0 ? bi - 1 : 0), up = 1 + step * (bi < grid - 1 ? bi + 1 : bi);
    bid_ctx c = {o, i, posted, mean, sd, p_pass, b};
    salesim_num_golden g;
    if (salesim_num_golden_max(&g, surplus_fn, &c, lo, up, &steps) == 0)
      salesim_num_golden_pick(&g, SALESIM_NUM_PICK_IN_TURN, &bx, &best);
  }
  *bid = bx * posted;
  *surplus = best;
}

void salesim_tender_best_bid(const salesim_org *o, int i, double posted, double mean, double sd,
                             double p_pass, const salesim_bid_belief *b, double *bid,
                             double *surplus) {
  belief_tab *t = malloc(sizeof *t);
  if (t == NULL) {
    *bid = posted;
    *surplus = -INFINITY;
    return;
  }
  tabulate(t, b);
  best_bid(o, i, posted, mean, sd, p_pass, t, 32, 1, bid, surplus);
  free(t);
}

static double pass_prob(const tender_params *p, double ability) {
  if (!(p->panel_threshold > 0))
    return 1;
  if (!(p->panel_sd > 0))
    return ability >= p->panel_threshold ? 1 : 0;
  return gsl_cdf_ugaussian_P((log(ability) - log(p->panel_threshold)) / p->panel_sd);
}

/* Every manager's bids of the year: the territories worth most to it, each
 * at its best bid (a coarse screen over all territories, then the best
 * candidates refined). */
int tender_collect_bids(salesim_world *w, tender_state *s) {
  const tender_params *p = s->p;
  salesim_org *o = &s->org;
  salesim_bid_belief b = {s->ratio,       s->weight,  s->n_ratio,      p->belief_bandwidth,
                          0,              s->aw_ratio, s->aw_ok,       s->aw_weight,
                          s->n_aw};
  belief_tab *tab = s->tab;
  tabulate(tab, &b);
  int n = 0, screen = 2 * p->bids_per_manager;
  for (int i = 0; i < o->n_mgr; i++) {
    double pp = pass_prob(p, o->mgr[i].ability);
    if (!(pp > 0))
      continue;
    for (int k = 0; k < w->n_terr; k++) {
      double mean, sd, bid, u;
      salesim_org_belief(w, o, i, k, &mean, &sd);
      tab->rivals = s->rivals[k];
      best_bid(o, i, o->terr[k].posted, mean, sd, pp, tab, 8, 0, &bid, &u);
      s->cand[k].key = u;
      s->cand[k].who = k;
    }
    qsort(s->cand, (size_t)w->n_terr, sizeof *s->cand, salesim_sort_cmp_keyed_desc);
    int m = screen < w->n_terr ? screen : w->n_terr;
    for (int c = 0; c < m; c++) {
      int k = s->cand[c].who;
      double mean, sd, bid, u;
      salesim_org_belief(w, o, i, k, &mean, &sd);
      tab->rivals = s->rivals[k];
      best_bid(o, i, o->terr[k].posted, mean, sd, pp, tab, 32, 1, &bid, &u);
      s->cand[c].key = u > 0 ? u : -INFINITY;
      s->cand[c].who = k;
      s->view[c] = bid; /* scratch: bid of candidate c */
    }
    /* keep the best bids_per_manager with a positive surplus */
    for (int kept = 0; kept < p->bids_per_manager; kept++) {
      int best = -1;
      for (int c = 0; c < m; c++)
        if (s->cand[c].key > 0 && (best < 0 || s->cand[c].key > s->cand[best].key ||
                                   (s->cand[c].key == s->cand[best].key &&
                                    s->cand[c].who < s->cand[best].who)))
          best = c;
      if (best < 0)
        break;
      if (n < s->cap_bids) {
        s->in[n].manager = i;
        s->in[n].territory = s->cand[best].who;
        s->in[n].amount = s->view[best];
        n++;
      }
      s->cand[best].key = -INFINITY;
    }
  }
  return n;
}

/* The published results of a tender: every valid bid / posted target and
 * the number of bids on each territory. */
void tender_learn_bids(salesim_world *w, tender_state *s, const double *ratios, int n) {
  double lr = s->p->org.learning_rate;
  if (!(lr > 0))
    return;
  for (int k = 0; k < w->n_terr; k++)
    s->rivals[k] = (1 - lr) * s->rivals[k] + lr * s->org.terr[k].bids;
  if (n <= 0)
    return;
  int keep = 0;
  for (int j = 0; j < s->n_ratio; j++) {
    double wgt = s->weight[j] * (1 - lr);
    if (wgt > 1e-9) {
      s->ratio[keep] = s->ratio[j];
      s->weight[keep] = wgt;
      keep++;
    }
  }
  s->n_ratio = keep;
  for (int j = 0; j < n && s->n_ratio < s->cap_ratio; j++) {
    s->ratio[s->n_ratio] = ratios[j];
    s->weight[s->n_ratio] = lr / n;
    s->n_ratio++;
  }
  double tot = 0;
  for (int j = 0; j < s->n_ratio; j++)
    tot += s->weight[j];
  for (int j = 0; j < s->n_ratio; j++)
    s->weight[j] /= tot;
}
