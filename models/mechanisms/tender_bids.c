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
#include <string.h>

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
  t->scale = 1;
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

/* Linear interpolation of a tabulated column at bid ratio x. */
static double tab_at(const belief_tab *t, const double *col, double x) {
  double u = (x - 1) / t->step;
  int g = (int)u;
  if (g < 0)
    g = 0, u = 0;
  if (g >= BELIEF_GRID - 1)
    g = BELIEF_GRID - 2, u = BELIEF_GRID - 1;
  double f = u - g;
  return col[g] + f * (col[g + 1] - col[g]);
}

/* P(win) x P(keep the team) at bid ratio x; rivals' ratios are read at
 * x / scale (rival_bids = "scaled": rivals bid in proportion to what the
 * territory is worth; scale 1 otherwise). */
static double tab_prob(const belief_tab *t, double x) {
  double F = tab_at(t, t->F, x / t->scale);
  double Q = tab_at(t, t->Q, x);
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

/* F (one rival's bid ratio below x) and Q (keeping the team) at x. */
static void tab_FQ(const belief_tab *t, double x, double *F, double *Q) {
  *F = tab_at(t, t->F, x);
  *Q = tab_at(t, t->Q, x);
}

/* ln of manager i's best expected surplus on a candidate (its ln surplus
 * without rivals on each grid ratio, lnG) when r rivals are expected:
 * max_g lnG_g + r ln F_g (-INFINITY: nothing worth bidding). */
static double entry_lnU(const double *lnG, const double *lnF, double r) {
  double best = -INFINITY;
  for (int g = 0; g < ENTRY_GRID; g++) {
    if (lnG[g] == -INFINITY)
      continue;
    double v = lnG[g] + (r > 0 ? r * lnF[g] : 0);
    if (v > best)
      best = v;
  }
  return best;
}

/* Manager i's entry probabilities pi_new[c] on its candidates, given the
 * current ones (pi: its own share of the expected bids n_k, left out of
 * its rival count n_k - pi). A capped logit: the manager uses its
 * m = min(bids_per_manager, territories with a positive surplus) bids
 * (bidding costs it nothing), pi_c = min(1, a exp(U_c / scale)) over the
 * candidates with U_c > 0, a such that the pi sum to m (water-filling).
 * As scale -> 0 this is the pure best response (pi = 1 on its m best);
 * a larger scale spreads the bids. `w` is scratch for C doubles. */
static void entry_probs(const tender_state *s, int i, const double *pi,
                        double *w, double *pi_new) {
  int C = s->ent_cand, pos = 0;
  double lam = s->p->entry_scale, vmax = -INFINITY;
  for (int c = 0; c < C; c++) {
    int k = s->ent_k[i * C + c];
    w[c] = -INFINITY;
    pi_new[c] = 0;
    if (k < 0)
      continue;
    double r = s->ent_n[k] - pi[c];
    double lnU = entry_lnU(s->ent_lnG + ((size_t)i * C + c) * ENTRY_GRID,
                           s->ent_lnF + ((size_t)i * C + c) * ENTRY_GRID, r > 0 ? r : 0);
    if (lnU == -INFINITY)
      continue;
    w[c] = exp(lnU) / lam;
    pos++;
    if (w[c] > vmax)
      vmax = w[c];
  }
  int m = pos < s->p->bids_per_manager ? pos : s->p->bids_per_manager;
  if (m == 0)
    return;
  double sum = 0;
  for (int c = 0; c < C; c++) {
    w[c] = w[c] > -INFINITY ? exp(w[c] - vmax) : 0;
    sum += w[c];
  }
  /* water-filling: cap the largest weights at 1 until the rest fit */
  int capped = 0;
  double used = 0;
  unsigned char cap[ENTRY_CAND] = {0};
  for (;;) {
    double a = (m - used) / sum;
    int big = -1;
    for (int c = 0; c < C; c++)
      if (!cap[c] && w[c] > 0 && a * w[c] > 1 && (big < 0 || w[c] > w[big]))
        big = c;
    if (big < 0 || capped == m) {
      for (int c = 0; c < C; c++)
        pi_new[c] = cap[c] ? 1 : (sum > 0 ? fmin(1, a * w[c]) : 0);
      return;
    }
    cap[big] = 1;
    capped++;
    used += 1;
    sum -= w[big];
    if (!(sum > 0)) {
      for (int c = 0; c < C; c++)
        pi_new[c] = cap[c] ? 1 : 0;
      return;
    }
  }
}

/* How many of the points u, u + 1, u + 2, ... lie below x. */
static double points_below(double x, double u) { return x > u ? ceil(x - u) : 0; }

/* Mixed entry (entry_scale > 0; issue 11 #3, in the spirit of Levin and
 * Smith 1994): manager i bids on territory k with probability pi_ik from a
 * logit over its best expected surplus there, U_ik(r_ik), given the
 * r_ik = n_k - pi_ik rival bids it expects, where n_k = sum_j pi_jk; the
 * n_k are solved in-year as a damped fixed point (a logit equilibrium of
 * the entry game, which crowding makes a congestion game: the damped
 * iteration converges). Each manager then makes bids_per_manager
 * independent draws from its logit (counter-based: the same at any
 * thread count) and bids, at its best bid against r_ik rivals, on the
 * distinct territories drawn. With rival_bids = "scaled" a bidder reads
 * its rivals' bid ratios on territory k at x / s_ik, s_ik = (its expected
 * sales on k / posted_k) / (the same over all its territories): it
 * expects rivals, who see roughly what it sees, to bid a territory it
 * finds cheap up in proportion (and to stay away from one it finds dear),
 * so crowding deters entry where everyone expects a bargain. */
static int collect_mixed(salesim_world *w, tender_state *s, belief_tab *tab) {
  const tender_params *p = s->p;
  salesim_org *o = &s->org;
  int nt = w->n_terr, C = s->ent_cand;
  double Qg[ENTRY_GRID], xg[ENTRY_GRID];
  double step = (tab->hi - 1) / (ENTRY_GRID - 1);
  for (int g = 0; g < ENTRY_GRID; g++) {
    double F;
    xg[g] = 1 + step * g;
    tab_FQ(tab, xg[g], &F, &Qg[g]);
    (void)F;
  }
  /* each manager's surplus without rivals on the grid; its C best
   * territories by their best such surplus */
  for (int i = 0; i < o->n_mgr; i++) {
    double pp = pass_prob(p, o->mgr[i].ability), smean = 0, spost = 0;
    for (int k = 0; k < nt; k++) {
      double mean, sd, best = -INFINITY, *lnG = s->ent_scr + (size_t)k * ENTRY_GRID;
      salesim_org_belief(w, o, i, k, &mean, &sd);
      smean += mean;
      spost += o->terr[k].posted;
      double posted = o->terr[k].posted;
      for (int g = 0; g < ENTRY_GRID; g++) {
        double bid = xg[g] * posted;
        double ce = salesim_org_manager_ce(o, i, bid, salesim_org_fixed(&p->org, posted),
                                           salesim_org_variable(&p->org, bid), mean, sd);
        double u = pp * Qg[g] * (ce - 12.0 * o->mgr[i].outside_wage);
        lnG[g] = u > 0 && isfinite(u) ? log(u) : -INFINITY;
        if (lnG[g] > best)
          best = lnG[g];
      }
      s->cand[k].key = best;
      s->cand[k].who = k;
    }
    qsort(s->cand, (size_t)nt, sizeof *s->cand, salesim_sort_cmp_keyed_desc);
    for (int c = 0; c < C; c++) {
      int ok = c < nt && s->cand[c].key > -INFINITY;
      s->ent_k[i * C + c] = ok ? s->cand[c].who : -1;
      if (ok) {
        int k = s->cand[c].who;
        double mean, sd;
        salesim_org_belief(w, o, i, k, &mean, &sd);
        double sc = p->rival_bids == RIVAL_SCALED && smean > 0 && spost > 0 && mean > 0
                        ? (mean / o->terr[k].posted) / (smean / spost)
                        : 1;
        s->ent_scale[i * C + c] = sc;
        for (int g = 0; g < ENTRY_GRID; g++) {
          double F, Q;
          tab_FQ(tab, xg[g] / sc, &F, &Q);
          s->ent_lnF[((size_t)i * C + c) * ENTRY_GRID + g] = F > 0 ? log(F) : -INFINITY;
        }
        memcpy(s->ent_lnG + ((size_t)i * C + c) * ENTRY_GRID,
               s->ent_scr + (size_t)s->cand[c].who * ENTRY_GRID, ENTRY_GRID * sizeof(double));
      }
    }
  }
  /* the fixed point, from the bidders' learned counts */
  size_t pairs = (size_t)o->n_mgr * C;
  double *scr = s->ent_scr; /* C doubles of scratch (ent_scr holds nt >= C grids) */
  for (size_t c = 0; c < pairs; c++)
    s->ent_pi[c] = 0;
  for (int k = 0; k < nt; k++)
    s->ent_n[k] = s->rivals[k];
  for (int i = 0; i < o->n_mgr; i++) /* start: responses to the learned counts */
    entry_probs(s, i, s->ent_pi + (size_t)i * C, scr, s->ent_q + (size_t)i * C);
  memcpy(s->ent_pi, s->ent_q, pairs * sizeof *s->ent_pi);
  double alpha = 0.5, last = INFINITY;
  int it = 0;
  s->entry_gap = 0;
  for (;; it++) {
    for (int k = 0; k < nt; k++)
      s->ent_n[k] = 0;
    for (size_t c = 0; c < pairs; c++)
      if (s->ent_k[c] >= 0)
        s->ent_n[s->ent_k[c]] += s->ent_pi[c];
    if (it >= ENTRY_ITER)
      break;
    for (int k = 0; k < nt; k++)
      s->ent_new[k] = 0;
    for (int i = 0; i < o->n_mgr; i++) {
      entry_probs(s, i, s->ent_pi + (size_t)i * C, scr, s->ent_q + (size_t)i * C);
      for (int c = 0; c < C; c++) {
        int k = s->ent_k[i * C + c];
        if (k >= 0)
          s->ent_new[k] += s->ent_q[i * C + c];
      }
    }
    double gap = 0;
    for (int k = 0; k < nt; k++)
      if (fabs(s->ent_new[k] - s->ent_n[k]) > gap)
        gap = fabs(s->ent_new[k] - s->ent_n[k]);
    s->entry_gap = gap;
    if (gap < ENTRY_TOL)
      break;
    /* damping that halves when the gap grows (the iteration overshoots) */
    if (gap > last && alpha > 0.02)
      alpha *= 0.5;
    last = gap;
    for (size_t c = 0; c < pairs; c++)
      s->ent_pi[c] += alpha * (s->ent_q[c] - s->ent_pi[c]);
  }
  s->entry_iters = it;
  /* the draws: systematic sampling with one counter-based uniform per
   * manager and year, so manager i bids on candidate c with probability
   * exactly pi_ic and on at most bids_per_manager territories */
  int n = 0;
  for (int i = 0; i < o->n_mgr; i++) {
    const double *pi = s->ent_pi + (size_t)i * C;
    double u = salesim_org_uniform(w, SALESIM_ORG_SEE_ENTRY, i, 0, w->year), cum = 0;
    int picks = 0;
    double pp = pass_prob(p, o->mgr[i].ability);
    for (int c = 0; c < C; c++) {
      int k = s->ent_k[i * C + c];
      double lo = cum;
      cum += pi[c];
      /* a point u + j (j = 0, 1, ...) in [lo, cum); never more than the cap
       * (the pi sum to at most bids_per_manager, up to rounding) */
      if (k < 0 || !(pi[c] > 0) || !(points_below(cum, u) > points_below(lo, u)) ||
          picks >= p->bids_per_manager)
        continue;
      picks++;
      double mean, sd, bid, sur, r = s->ent_n[k] - pi[c];
      salesim_org_belief(w, o, i, k, &mean, &sd);
      tab->rivals = r > 0 ? r : 0;
      tab->scale = s->ent_scale[i * C + c];
      best_bid(o, i, o->terr[k].posted, mean, sd, pp, tab, 32, 1, &bid, &sur);
      tab->scale = 1;
      if (!(sur > 0) || n >= s->cap_bids)
        continue;
      s->in[n].manager = i;
      s->in[n].territory = k;
      s->in[n].amount = bid;
      n++;
    }
  }
  return n;
}

/* Every manager's bids of the year: the territories worth most to it, each
 * at its best bid (a coarse screen over all territories, then the best
 * candidates refined); or, with entry_scale > 0, mixed entry
 * (collect_mixed). */
int tender_collect_bids(salesim_world *w, tender_state *s) {
  const tender_params *p = s->p;
  salesim_org *o = &s->org;
  salesim_bid_belief b = {s->ratio,       s->weight,  s->n_ratio,      p->belief_bandwidth,
                          0,              s->aw_ratio, s->aw_ok,       s->aw_weight,
                          s->n_aw};
  belief_tab *tab = s->tab;
  tabulate(tab, &b);
  if (p->entry_scale > 0)
    return collect_mixed(w, s, tab);
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
