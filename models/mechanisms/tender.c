/*
 * models/mechanisms/tender.c: tendered territories with two-way team formation,
 * 挂牌招标 + 双向选择 (MODEL.md §6.4, DIGEST §1 Case B). Rules:
 *
 *  1. Posting. Each plan year the firm posts every territory's target,
 *     reserve_share x its own rule target (firm.potential_share x its
 *     estimate of potential + firm.book_factor x a year of the territory's
 *     book), with a package that scales with the target (org `package`):
 *     the fixed share of the package of the posted target is paid monthly;
 *     the variable share of the package of the winning bid is paid on
 *     attainment against the bid.
 *  2. Bidding. Every manager candidate (models/mechanisms/org.h) values each territory
 *     from its private estimate and bids, on the few territories where it
 *     pays most (at most bids_per_manager, only where the expected surplus
 *     over its outside wage is positive), the quota b >= posted target that
 *     maximises its expected surplus
 *         P(pass panel) * P(win | x) * P(keep team | x) * (CE(b) - 12 * outside wage),
 *     x = b / posted,
 *     CE(b) = fixed(posted) + variable(b) x curve(S / b) in expectation,
 *     less a risk premium (salesim_org_manager_ce).
 *     P(win | x) = F(x)^n_k is the bidder's belief about rivals: n_k rival
 *     bids expected on territory k (at first in proportion to the posted
 *     targets, then learned from the published number of bids each year)
 *     each drawn from F, the kernel-smoothed distribution of published bids
 *     / posted targets (at first uniform over [1, 1 + prior_bid_spread],
 *     then each year's bids enter with weight learning_rate). A higher bid
 *     wins more often and pays a bigger package, but the manager must then
 *     meet it. P(keep team | x) is learned from the published voided awards
 *     (salesim_tender_team_prob), taken as non-increasing in x. (The bidder
 *     ignores that the firm's score also weighs the panel's view of ability.)
 *  3. Panel. Each plan is reviewed at panel_cost (management cost); the panel
 *     sees the manager's ability with log noise panel_sd; plans scoring
 *     under panel_threshold are rejected.
 *  4. Winner determination (models/algorithms/assign.h, SSP or GLPK): each manager at
 *     most one territory, each territory at most one manager, maximising the
 *     firm's total score, score = bid x panel score (the quota committed,
 *     weighted by how able the panel thinks its bidder is).
 *  5. Team formation (models/algorithms/matching.h): every active rep ranks the winners
 *     by its own certainty equivalent of joining (models/core/decision.c on the
 *     offer: target salary on its split of the bid, in that territory, with
 *     its own book if it stays in its territory and a share of the orphan
 *     accounts, and the lead multiplier it perceives of the manager), lists
 *     only winners better than staying out of teams (a house rep on the
 *     firm's rule target: in its own territory if nobody won it, else where
 *     the firm would place it, without its accounts), at most rep_list_max
 *     of them; winners rank reps
 *     by their view of ability x skill (their pay rises with team sales).
 *     Many-to-one deferred acceptance with team sizes min_team..max_team,
 *     proposing side `proposing`. A winner short of min_team loses the award:
 *     its bid is excluded, winners are re-determined (the next bidder, or
 *     nobody), and teams re-formed until no team is short
 *     (salesim_match_rounds_run). Optionally (stable_mip) the final teams are
 *     the welfare-maximising stable matching (GLPK MIP; same team sizes by
 *     the rural hospitals theorem).
 *  6. Members move to their team's territory (salesim_world_move); reps in
 *     no team leave territories a team runs for the territory nobody won
 *     with the fewest positions per unit of the firm's target. Territories
 *     nobody won fall back to the firm's own top-down target, with a manager
 *     the firm appoints from the candidates left (fallback_appoint) whose
 *     team are the reps there, or run by the firm without one.
 *     The winning bid is the manager's target for the year; the team is paid
 *     on the manager's split of it (models/mechanisms/org.h). Re-tendered every year.
 *
 * Read next: models/mechanisms/top_down.c, docs/tender.md.
 */
#include "tender.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "assign.h"
#include "decision.h"
#include "matching.h"
#include "numerics.h"

enum { SOLVER_SSP = 0, SOLVER_GLPK = 1 };
enum { PROPOSE_REPS = 0, PROPOSE_TEAMS = 1 };

typedef struct tender_params {
  salesim_org_params org;
  double reserve_share;
  int bids_per_manager;
  double panel_cost, panel_sd, panel_threshold;
  double prior_bid_spread, belief_bandwidth;
  int min_team, max_team;
  int proposing;
  int rep_list_max;
  int stable_mip;
  int solver;
  int max_rounds;
  int fallback_appoint;
  double mip_time_limit;
  int mip_node_limit;
} tender_params;

static const salesim_param_spec tender_specs[] = {
    SALESIM_ORG_PARAM_SPECS(tender_params),
    {"reserve_share", SALESIM_P_DOUBLE, offsetof(tender_params, reserve_share), 0.9, NULL, 0, 10,
     SALESIM_PF_MIN_EXCL, NULL, "share",
     "Posted target (the lowest bid allowed) as a share of the firm's own rule target."},
    {"bids_per_manager", SALESIM_P_INT, offsetof(tender_params, bids_per_manager), 3, NULL, 1,
     1000, 0, NULL, "bids", "Most territories a manager bids for in a year (those worth most to it)."},
    {"panel_cost", SALESIM_P_DOUBLE, offsetof(tender_params, panel_cost), 3000, NULL, 0, 1e9, 0,
     NULL, "currency", "Review-panel cost per operating plan (per bid), a management cost."},
    {"panel_sd", SALESIM_P_DOUBLE, offsetof(tender_params, panel_sd), 0.2, NULL, 0, 10, 0, NULL,
     "log sd", "Noise of the panel's view of a bidder's ability."},
    {"panel_threshold", SALESIM_P_DOUBLE, offsetof(tender_params, panel_threshold), 0.7, NULL, 0,
     100, 0, NULL, "ability", "Plans the panel scores below this are rejected."},
    {"prior_bid_spread", SALESIM_P_DOUBLE, offsetof(tender_params, prior_bid_spread), 0.3, NULL,
     0, 10, 0, NULL, "ratio",
     "Bidders' prior: winning bid / posted target uniform on [1, 1 + prior_bid_spread]."},
    {"belief_bandwidth", SALESIM_P_DOUBLE, offsetof(tender_params, belief_bandwidth), 0.05, NULL,
     0, 10, SALESIM_PF_MIN_EXCL, NULL, "ratio",
     "Kernel bandwidth smoothing the bidders' distribution of winning ratios."},
    {"min_team", SALESIM_P_INT, offsetof(tender_params, min_team), 2, NULL, 0, 100000, 0, NULL,
     "reps", "A winner with fewer reps loses the award to the next bidder."},
    {"max_team", SALESIM_P_INT, offsetof(tender_params, max_team), 6, NULL, 1, 100000, 0, NULL,
     "reps", "Most reps a winner's team takes."},
    {"proposing", SALESIM_P_CHOICE, offsetof(tender_params, proposing), PROPOSE_REPS, NULL, 0, 1,
     0, "reps|teams", "choice", "Which side proposes in deferred acceptance."},
    {"rep_list_max", SALESIM_P_INT, offsetof(tender_params, rep_list_max), 8, NULL, 1, 100000, 0,
     NULL, "teams", "Most winners a rep ranks (its best ones)."},
    {"stable_mip", SALESIM_P_BOOL, offsetof(tender_params, stable_mip), 0, NULL, 0, 1, 0, NULL,
     "bool",
     "Form the final teams as the welfare-maximising stable matching (GLPK MIP) instead of "
     "deferred acceptance's."},
    {"mip_node_limit", SALESIM_P_INT, offsetof(tender_params, mip_node_limit), 5000, NULL, 0,
     100000000, 0, NULL, "nodes",
     "Most branch-and-bound subproblems GLPK may create for the stable MIP each year (0: no "
     "limit); without a proven optimum within them the deferred-acceptance teams stand. A "
     "count, not a time, so results never depend on the machine's speed. The MIP grows with "
     "the square of list lengths: keep rep_list_max small (e.g. 3) with it."},
    {"mip_time_limit", SALESIM_P_DOUBLE, offsetof(tender_params, mip_time_limit), 600, NULL, 0,
     86400, 0, NULL, "seconds",
     "Wall-clock guard for the stable MIP each year (0: none). Running out of it ends the run "
     "with an error (never a different result): lower mip_node_limit or rep_list_max."},
    {"solver", SALESIM_P_CHOICE, offsetof(tender_params, solver), SOLVER_SSP, NULL, 0, 1, 0,
     "ssp|glpk", "choice",
     "Winner determination: shortest augmenting paths or the LP in GLPK (same optimum)."},
    {"max_rounds", SALESIM_P_INT, offsetof(tender_params, max_rounds), 0, NULL, 0, 1000000, 0,
     NULL, "rounds", "Cap on team-formation rounds (0: until no team is short)."},
    {"fallback_appoint", SALESIM_P_BOOL, offsetof(tender_params, fallback_appoint), 1, NULL, 0,
     1, 0, NULL, "bool",
     "A territory nobody won gets a manager the firm appoints from the candidates left, on "
     "the firm's target (top-down); else the firm runs it without a manager."},
};

static const salesim_param_table tender_table = {
    "tender", tender_specs, sizeof tender_specs / sizeof tender_specs[0], sizeof(tender_params)};

static int tender_check(const void *vp, const salesim_scenario *sc, const char *where,
                        salesim_diag *diag) {
  const tender_params *p = vp;
  int bad = salesim_org_check(&p->org, where, diag) != 0;
  (void)sc;
  if (p->min_team > p->max_team) {
    salesim_diag_add(diag, "%s.min_team: %d is above max_team %d (expected min_team <= max_team)",
                     where, p->min_team, p->max_team);
    bad = 1;
  }
  return bad ? SALESIM_ESCENARIO : 0;
}

typedef struct keyed {
  double key;
  int who;
} keyed;

static int by_key_desc(const void *x, const void *y) {
  const keyed *a = x, *b = y;
  if (a->key != b->key)
    return a->key < b->key ? 1 : -1;
  return (a->who > b->who) - (a->who < b->who);
}

typedef struct tender_state {
  salesim_org org; /* first: salesim_tender_org and the salesim_org_hook_* hooks */
  const tender_params *p;
  salesim_world *w;
  /* bidders' belief: published bids / posted target, weighted, and the
   * expected number of bids per territory */
  double *ratio, *weight, *rivals, *year_ratio;
  int n_ratio, cap_ratio, rivals_set;
  /* and of past provisional awards: ratio, team formed, weight */
  double *aw_ratio, *aw_ok, *aw_weight;
  int n_aw, cap_aw;
  struct belief_tab *tab; /* this year's belief, tabulated */
  /* bids */
  salesim_tender_bid *in;
  salesim_bid *bids;
  double *amount;
  unsigned char *excluded;
  int n_bids, cap_bids;
  int *award; /* territory -> bid or -1 */
  salesim_assign *assign;
  keyed *cand; /* n_terr */
  /* team formation */
  int *reps, n_reps;  /* market rep -> slot */
  double *house;      /* market rep: CE of staying out of teams */
  double *house_stay; /* market rep: CE of a house job in its own territory */
  double *view;       /* market rep: scratch for team lists */
  int *team_terr, *terr_team, n_teams;
  int *bid_row;       /* bid -> row of util, or -1 */
  double *util;       /* rows of n_reps CEs */
  int n_rows;
  size_t util_len;    /* doubles allocated in util */
  int *rep_start, *rep_list, *team_start, *team_list, *capacity, *minimum;
  int *team_of_rep, *fill, *mip_team;
  double *pair_util;
  keyed *sortbuf;
  double voided, unfilled, unmatched;
  int mip_solved, mip_failed; /* stable MIP: years proven optimal / not */
  long mip_changed;           /* reps the MIP placed differently from DA */
} tender_state;

salesim_org *salesim_tender_org(salesim_world *w) { return &((tender_state *)w->state)->org; }

void salesim_tender_get_stats(const salesim_world *w, salesim_tender_stats *out) {
  const tender_state *s = w->state;
  out->voided = s->voided;
  out->unfilled = s->unfilled;
  out->unmatched = s->unmatched;
  out->mip_solved = s->mip_solved;
  out->mip_failed = s->mip_failed;
  out->mip_changed = s->mip_changed;
}

/* ---- beliefs and bids -------------------------------------------------------- */

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

/* The belief tabulated once a year on a fine grid of bid ratios (the same
 * for every bidder but for the number of rivals), linear in between. */
#define BELIEF_GRID 1024
typedef struct belief_tab {
  double hi, step, rivals;
  double F[BELIEF_GRID], Q[BELIEF_GRID];
} belief_tab;

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
static int collect_bids(salesim_world *w, tender_state *s) {
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
    qsort(s->cand, (size_t)w->n_terr, sizeof *s->cand, by_key_desc);
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
static void learn_bids(salesim_world *w, tender_state *s, const double *ratios, int n) {
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

/* ---- team formation ------------------------------------------------------------ */

/* A rep's certainty equivalent (per month) of an offer in territory k with
 * annual target `target`, book `book`, a team of n_plan and lead multiplier
 * `mult` (decision.c on a what-if copy of the rep). */
static double offer_value(salesim_world *w, tender_state *s, const salesim_agent *a, int k,
                          double target, double book, int n_plan, double mult) {
  salesim_org *o = &s->org;
  salesim_territory *tr = &w->terr[k];
  salesim_agent tmp = *a;
  tmp.territory = k;
  tmp.book = book;
  salesim_schedule sched;
  salesim_incentive inc;
  salesim_org_rep_offer(w, o, &tmp, target, salesim_org_rep_salary(&s->p->org, a), &sched, &inc);
  double save_mult = tr->lead_mult;
  int save_n = tr->n_slots;
  tr->lead_mult = mult;
  tr->n_slots = n_plan;
  salesim_world_territory_update(w, k);
  /* an offer is a new plan year on a new schedule: a full search, as the
   * monthly loop does at a plan year's start (models/core/sim.c), so the value
   * depends on the offer alone, never on the rep's last month or on what
   * the stack held (hint is an input of salesim_decide) */
  salesim_choice ch;
  memset(&ch, 0, sizeof ch);
  ch.hint = -1;
  salesim_decide(w, &tmp, &inc, &ch);
  tr->lead_mult = save_mult;
  tr->n_slots = save_n;
  salesim_world_territory_update(w, k);
  return ch.ce_month;
}

static int plan_size(const tender_params *p, const salesim_territory *tr) {
  int n = tr->n_slots;
  if (n < p->min_team)
    n = p->min_team;
  if (n > p->max_team)
    n = p->max_team;
  return n > 0 ? n : 1;
}

/* What joining the winner of bid b is worth to rep a. */
static double join_value(salesim_world *w, tender_state *s, const salesim_agent *a, int b) {
  const tender_params *p = s->p;
  salesim_org *o = &s->org;
  int i = s->bids[b].manager, k = s->bids[b].territory;
  const salesim_territory *tr = &w->terr[k];
  int n_plan = plan_size(p, tr);
  double book = (a->territory == k ? a->book : 0) + tr->orphan_book / n_plan;
  double newb = o->phi_new * o->mgr[i].mult * salesim_org_estimate(w, i, k);
  double target = salesim_org_split(s->amount[b], o->terr[k].book_start, n_plan, newb, book);
  double view = o->mgr[i].ability *
                exp(p->org.rep_view_sd * salesim_org_normal(w, SALESIM_ORG_SEE_REP, a->id, i, w->year));
  return offer_value(w, s, a, k, target, book, n_plan, pow(view, p->org.manager_effect));
}

static int ensure_row(salesim_world *w, tender_state *s, int b) {
  if (s->bid_row[b] >= 0)
    return 0;
  /* rows of n_reps values; the number of reps changes from year to year */
  size_t width = (size_t)(s->n_reps > 0 ? s->n_reps : 1);
  if ((size_t)(s->n_rows + 1) * width > s->util_len) {
    size_t len = 2 * s->util_len;
    if (len < (size_t)(s->n_rows + 16) * width)
      len = (size_t)(s->n_rows + 16) * width;
    double *u = realloc(s->util, len * sizeof *u);
    if (u == NULL)
      return SALESIM_ENOMEM;
    s->util = u;
    s->util_len = len;
  }
  int row = s->n_rows++;
  s->bid_row[b] = row;
  for (int r = 0; r < s->n_reps; r++)
    s->util[(size_t)row * s->n_reps + r] = join_value(w, s, &w->agents[s->reps[r]], b);
  return 0;
}

static double rep_view_by(const salesim_world *w, const tender_state *s, int manager,
                          const salesim_agent *a) {
  return a->ability * a->skill *
         exp(s->p->org.manager_view_sd *
             salesim_org_normal(w, SALESIM_ORG_SEE_MANAGER, manager, a->id, w->year));
}

/* Where the firm places a rep in no team whose territory went to a team:
 * the territory nobody won with the fewest positions per unit of the
 * firm's target (counts[] if given, else the slot counts); -1 if every
 * territory was won. */
static int house_territory(const salesim_world *w, const tender_state *s, const int *counts) {
  int best = -1;
  double best_load = INFINITY;
  for (int k = 0; k < w->n_terr; k++) {
    if (s->award[k] >= 0)
      continue;
    double load = ((counts ? counts[k] : w->terr[k].n_slots) + 1.0) /
                  fmax(1.0, s->org.terr[k].firm_target);
    if (load < best_load) {
      best_load = load;
      best = k;
    }
  }
  return best;
}

/* The firm's target of a house rep with no book in territory u. */
static double house_target(const salesim_world *w, const salesim_agent *a, int u) {
  salesim_agent tmp = *a;
  tmp.territory = u;
  tmp.book = 0;
  return salesim_world_rule_target(w, &tmp);
}

static int tender_market(void *ctx, salesim_match_market *m) {
  tender_state *s = ctx;
  salesim_world *w = s->w;
  const tender_params *p = s->p;
  int nt = 0;
  for (int k = 0; k < w->n_terr; k++) {
    s->terr_team[k] = -1;
    if (s->award[k] >= 0) {
      int rc = ensure_row(w, s, s->award[k]);
      if (rc != 0)
        return rc;
      s->team_terr[nt] = k;
      s->terr_team[k] = nt++;
    }
  }
  s->n_teams = nt;
  /* staying out of teams: a house rep in one's own territory if nobody won
   * it, else where the firm would place one, without one's accounts */
  int u_star = house_territory(w, s, NULL);
  for (int r = 0; r < s->n_reps; r++) {
    const salesim_agent *a = &w->agents[s->reps[r]];
    s->house[r] = s->award[a->territory] < 0 || u_star < 0
                      ? s->house_stay[r]
                      : offer_value(w, s, a, u_star, house_target(w, a, u_star), 0,
                                    w->terr[u_star].n_slots + 1, 1.0);
  }
  /* reps: the winners better than staying out, best first */
  int pos = 0;
  for (int r = 0; r < s->n_reps; r++) {
    s->rep_start[r] = pos;
    int c = 0;
    for (int j = 0; j < nt; j++) {
      int b = s->award[s->team_terr[j]];
      double u = s->util[(size_t)s->bid_row[b] * s->n_reps + r];
      if (u > s->house[r]) {
        s->sortbuf[c].key = u;
        s->sortbuf[c].who = j;
        c++;
      }
    }
    qsort(s->sortbuf, (size_t)c, sizeof *s->sortbuf, by_key_desc);
    if (c > p->rep_list_max)
      c = p->rep_list_max;
    for (int q = 0; q < c; q++)
      s->rep_list[pos++] = s->sortbuf[q].who;
  }
  s->rep_start[s->n_reps] = pos;
  /* winners: the reps who listed them, by the manager's view of ability */
  for (int j = 0; j <= nt; j++)
    s->team_start[j] = 0;
  for (int q = 0; q < pos; q++)
    s->team_start[s->rep_list[q] + 1]++;
  for (int j = 0; j < nt; j++)
    s->team_start[j + 1] += s->team_start[j];
  for (int j = 0; j < nt; j++)
    s->fill[j] = s->team_start[j];
  for (int r = 0; r < s->n_reps; r++)
    for (int q = s->rep_start[r]; q < s->rep_start[r + 1]; q++)
      s->team_list[s->fill[s->rep_list[q]]++] = r;
  for (int j = 0; j < nt; j++) {
    int mgr = s->bids[s->award[s->team_terr[j]]].manager;
    int a0 = s->team_start[j], n = s->team_start[j + 1] - a0;
    for (int q = 0; q < n; q++) {
      int r = s->team_list[a0 + q];
      s->sortbuf[q].key = rep_view_by(w, s, mgr, &w->agents[s->reps[r]]);
      s->sortbuf[q].who = r;
    }
    qsort(s->sortbuf, (size_t)n, sizeof *s->sortbuf, by_key_desc);
    for (int q = 0; q < n; q++)
      s->team_list[a0 + q] = s->sortbuf[q].who;
    s->capacity[j] = p->max_team;
    s->minimum[j] = p->min_team;
  }
  m->n_reps = s->n_reps;
  m->n_teams = nt;
  m->rep_start = s->rep_start;
  m->rep_list = s->rep_list;
  m->team_start = s->team_start;
  m->team_list = s->team_list;
  m->capacity = s->capacity;
  m->minimum = s->minimum;
  return 0;
}

static int solve_award(tender_state *s) {
  return salesim_assign_solve(s->assign,
                              s->p->solver == SOLVER_GLPK ? SALESIM_ASSIGN_GLPK : SALESIM_ASSIGN_SSP,
                              s->bids, (size_t)s->n_bids, s->excluded, s->award, NULL);
}

/* A provisional award becomes public: voided (ok = 0) or kept (ok = 1). */
static void record_award(tender_state *s, int b, double ok) {
  if (s->n_aw >= s->cap_aw)
    return;
  s->aw_ratio[s->n_aw] = s->year_ratio[b];
  s->aw_ok[s->n_aw] = ok;
  s->aw_weight[s->n_aw] = 1;
  s->n_aw++;
}

static int tender_reaward(void *ctx, const int *short_teams, int n_short) {
  tender_state *s = ctx;
  for (int q = 0; q < n_short; q++) {
    int b = s->award[s->team_terr[short_teams[q]]];
    s->excluded[b] = 1;
    s->voided += 1;
    record_award(s, b, 0);
  }
  int rc = solve_award(s);
  return rc != 0 ? rc : n_short;
}

/* Final teams as the welfare-maximising stable matching: welfare of a pair
 * = the rep's CE per month + the manager's variable package per seat per
 * month x its view of the rep's ability. Kept only if proven and stable.
 * Returns 0 or a negative code (world error set). */
static int stable_mip_teams(salesim_world *w, tender_state *s) {
  salesim_match_market m = {s->n_reps,     s->n_teams,    s->rep_start, s->rep_list,
                            s->team_start, s->team_list,  s->capacity,  s->minimum};
  salesim_match *mt = NULL;
  int rc = salesim_match_alloc(&mt, &m);
  if (rc != 0) {
    salesim_world_fail(w, rc, "year %d: tender: stable teams: no memory", w->year + 1);
    return rc;
  }
  const salesim_org_params *op = &s->p->org;
  for (int r = 0; r < s->n_reps; r++)
    for (int q = s->rep_start[r]; q < s->rep_start[r + 1]; q++) {
      int j = s->rep_list[q], b = s->award[s->team_terr[j]];
      double seat = salesim_org_variable(op, s->amount[b]) / (12.0 * s->p->max_team);
      s->pair_util[q] = s->util[(size_t)s->bid_row[b] * s->n_reps + r] +
                        seat * rep_view_by(w, s, s->bids[b].manager, &w->agents[s->reps[r]]);
    }
  int limit_ms = (int)(s->p->mip_time_limit * 1000);
  /* no proven optimum (SALESIM_ESOLVER: GLPK out of time or without an
   * optimum) keeps the deferred-acceptance teams, by the rules above; out of
   * memory or bad input ends the run */
  rc = salesim_match_stable_mip(mt, s->pair_util, s->p->mip_node_limit, limit_ms, s->mip_team,
                                NULL);
  if (rc == SALESIM_ELIMIT) {
    salesim_world_fail(w, rc,
                       "year %d: tender: stable-matching MIP ran out of mip_time_limit (%g s) "
                       "before mip_node_limit (%d); lower mip_node_limit or rep_list_max",
                       w->year + 1, s->p->mip_time_limit, s->p->mip_node_limit);
  } else if (rc != 0 && rc != SALESIM_ESOLVER) {
    salesim_world_fail(w, rc, "year %d: tender: stable-matching MIP failed", w->year + 1);
  } else if (rc == 0 && salesim_match_is_stable(mt, s->mip_team, NULL, NULL) == 1) {
    s->mip_solved += 1;
    for (int r = 0; r < s->n_reps; r++)
      s->mip_changed += s->mip_team[r] != s->team_of_rep[r];
    memcpy(s->team_of_rep, s->mip_team, (size_t)s->n_reps * sizeof *s->team_of_rep);
  } else {
    s->mip_failed += 1; /* no proven optimum: the deferred-acceptance teams stay */
    rc = 0;
  }
  salesim_match_free(mt);
  return rc;
}

int salesim_tender_round(salesim_world *w, const salesim_tender_bid *in, int n) {
  tender_state *s = w->state;
  const tender_params *p = s->p;
  salesim_org *o = &s->org;
  int rc = 0;
  s->w = w;
  /* panel review of each plan; bids under the posted target are invalid */
  s->n_bids = 0;
  for (int q = 0; q < n && s->n_bids < s->cap_bids; q++) {
    int i = in[q].manager, k = in[q].territory;
    if (i < 0 || i >= o->n_mgr || k < 0 || k >= w->n_terr || !isfinite(in[q].amount) ||
        in[q].amount < o->terr[k].posted)
      continue;
    o->terr[k].bids++;
    o->panel_cost += p->panel_cost;
    salesim_world_mgmt_cost(w, p->panel_cost);
    double view = o->mgr[i].ability *
                  exp(p->panel_sd * salesim_org_normal(w, SALESIM_ORG_SEE_PANEL, i, k, w->year));
    if (view < p->panel_threshold)
      continue;
    s->year_ratio[s->n_bids] = in[q].amount / o->terr[k].posted;
    s->bids[s->n_bids].manager = i;
    s->bids[s->n_bids].territory = k;
    s->bids[s->n_bids].score = in[q].amount * view;
    s->amount[s->n_bids] = in[q].amount;
    s->excluded[s->n_bids] = 0;
    s->bid_row[s->n_bids] = -1;
    s->n_bids++;
  }
  /* the reps in the market and what staying out of teams is worth to them */
  s->n_reps = 0;
  for (int i = 0; i < w->n_agents; i++)
    if (w->agents[i].status == SALESIM_AGENT_ACTIVE)
      s->reps[s->n_reps++] = i;
  for (int r = 0; r < s->n_reps; r++) {
    const salesim_agent *a = &w->agents[s->reps[r]];
    const salesim_territory *tr = &w->terr[a->territory];
    s->house_stay[r] = offer_value(w, s, a, a->territory, salesim_world_rule_target(w, a),
                                   a->book, tr->n_slots, 1.0);
  }
  s->n_rows = 0;
  for (int r = 0; r < s->n_reps; r++)
    s->team_of_rep[r] = -1;
  /* last years' award records lose weight; this year's enter at weight 1 */
  {
    double lr = p->org.learning_rate;
    int keep = 0;
    for (int j = 0; j < s->n_aw; j++) {
      double wgt = s->aw_weight[j] * (1 - lr);
      if (wgt > 1e-6) {
        s->aw_ratio[keep] = s->aw_ratio[j];
        s->aw_ok[keep] = s->aw_ok[j];
        s->aw_weight[keep] = wgt;
        keep++;
      }
    }
    s->n_aw = keep;
  }
  rc = solve_award(s);
  if (rc == 0 && s->n_bids > 0) {
    salesim_match_rounds ops = {tender_market, tender_reaward};
    rc = salesim_match_rounds_run(&ops, s,
                                  p->proposing == PROPOSE_TEAMS ? SALESIM_MATCH_TEAMS_PROPOSE
                                                                : SALESIM_MATCH_REPS_PROPOSE,
                                  p->max_rounds, s->n_reps, s->team_of_rep, NULL);
    if (rc == SALESIM_EINTERRUPTED) {
      /* round cap: short teams keep nothing */
      rc = 0;
      for (int r = 0; r < s->n_reps; r++)
        if (s->team_of_rep[r] >= 0)
          s->fill[s->team_of_rep[r]] = 0;
      for (int r = 0; r < s->n_reps; r++)
        if (s->team_of_rep[r] >= 0)
          s->fill[s->team_of_rep[r]]++;
      for (int j = 0; j < s->n_teams; j++)
        if (s->fill[j] < p->min_team) {
          record_award(s, s->award[s->team_terr[j]], 0);
          s->award[s->team_terr[j]] = -1;
          s->voided += 1;
        }
      for (int r = 0; r < s->n_reps; r++)
        if (s->team_of_rep[r] >= 0 && s->award[s->team_terr[s->team_of_rep[r]]] < 0)
          s->team_of_rep[r] = -1;
    } else if (rc == 0 && p->stable_mip && s->n_teams > 0) {
      rc = stable_mip_teams(w, s);
    }
  }
  /* winner determination or team formation failed (GLPK, memory, a
   * bound): the round ends here with the error, never "every territory
   * falls back" as if nobody had bid */
  if (rc != 0)
    return rc;
  /* apply: managers and targets, members move to their team's territory */
  for (int i = 0; i < o->n_mgr; i++)
    o->mgr[i].territory = -1;
  int n_won = 0;
  for (int k = 0; k < w->n_terr; k++) {
    salesim_org_terr *t = &o->terr[k];
    int b = s->award[k];
    if (b < 0) {
      t->manager = -1;
      t->kind = SALESIM_ORG_KIND_FALLBACK;
      t->target = t->firm_target;
      s->unfilled += 1;
      continue;
    }
    int i = s->bids[b].manager;
    record_award(s, b, 1);
    t->manager = i;
    t->kind = SALESIM_ORG_KIND_BID;
    t->bid = t->target = s->amount[b];
    salesim_org_belief(w, o, i, k, &t->mu, &(double){0});
    o->mgr[i].fixed_year = salesim_org_fixed(&p->org, t->posted);
    o->mgr[i].variable = salesim_org_variable(&p->org, t->bid);
    o->mgr[i].territory = k;
    n_won++;
  }
  for (int i = 0; i < w->n_agents; i++)
    w->agents[i].manager = -1;
  for (int r = 0; r < s->n_reps; r++) {
    salesim_agent *a = &w->agents[s->reps[r]];
    int j = s->team_of_rep[r];
    if (j < 0) {
      s->unmatched += 1;
      continue;
    }
    int k = s->team_terr[j];
    salesim_world_move(w, a, k);
    a->manager = o->terr[k].manager;
  }
  /* reps in no team cannot stay in a territory a team runs (its accounts
   * are the team's now): the firm places them where nobody won */
  for (int k = 0; k < w->n_terr; k++)
    s->fill[k] = w->terr[k].n_slots;
  for (int r = 0; r < s->n_reps; r++) {
    salesim_agent *a = &w->agents[s->reps[r]];
    if (s->team_of_rep[r] >= 0 || s->award[a->territory] < 0)
      continue;
    int u = house_territory(w, s, s->fill);
    if (u < 0)
      break; /* every territory has a team: house reps stay */
    s->fill[a->territory]--;
    s->fill[u]++;
    salesim_world_move(w, a, u);
  }
  /* territories nobody won: top-down, with a manager the firm appoints from
   * the candidates left (if fallback_appoint); their reps are its team */
  if (p->fallback_appoint && (rc = salesim_org_appoint(w, o)) < 0)
    return rc;
  for (int k = 0; k < w->n_terr; k++) {
    salesim_org_terr *t = &o->terr[k];
    if (s->award[k] >= 0 || t->manager < 0)
      continue;
    salesim_manager *m = &o->mgr[t->manager];
    m->fixed_year = salesim_org_fixed(&p->org, t->firm_target);
    m->variable = salesim_org_variable(&p->org, t->firm_target);
    salesim_org_belief(w, o, t->manager, k, &t->mu, &(double){0});
  }
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_ACTIVE && s->award[a->territory] < 0)
      a->manager = o->terr[a->territory].manager;
  }
  (void)n_won;
  learn_bids(w, s, s->year_ratio, s->n_bids);
  return salesim_org_start_plans(w, o);
}

/* ---- the mechanism's hooks --------------------------------------------------------- */

static int tender_init(salesim_world *w) {
  tender_state *s = w->state;
  const tender_params *p = w->params;
  s->p = p;
  s->w = w;
  int rc = salesim_org_init(&s->org, w, &p->org);
  if (rc != 0)
    return rc;
  salesim_org *o = &s->org;
  size_t na = (size_t)(w->n_agents > 0 ? w->n_agents : 1), nt = (size_t)w->n_terr;
  size_t cap = (size_t)o->n_mgr * (size_t)p->bids_per_manager;
  if (cap < 1)
    cap = 1;
  s->cap_bids = (int)cap;
  s->cap_ratio = 4096;
  size_t list = na * (size_t)p->rep_list_max;
  size_t sortn = na > nt ? na : nt;
  s->ratio = malloc((size_t)s->cap_ratio * sizeof *s->ratio);
  s->weight = malloc((size_t)s->cap_ratio * sizeof *s->weight);
  s->rivals = malloc(nt * sizeof *s->rivals);
  s->tab = malloc(sizeof *s->tab);
  s->cap_aw = 8192;
  s->aw_ratio = malloc((size_t)s->cap_aw * sizeof *s->aw_ratio);
  s->aw_ok = malloc((size_t)s->cap_aw * sizeof *s->aw_ok);
  s->aw_weight = malloc((size_t)s->cap_aw * sizeof *s->aw_weight);
  s->year_ratio = malloc(cap * sizeof *s->year_ratio);
  s->in = malloc(cap * sizeof *s->in);
  s->bids = malloc(cap * sizeof *s->bids);
  s->amount = malloc(cap * sizeof *s->amount);
  s->excluded = malloc(cap);
  s->bid_row = malloc(cap * sizeof *s->bid_row);
  s->award = malloc(nt * sizeof *s->award);
  s->cand = malloc(nt * sizeof *s->cand);
  s->reps = malloc(na * sizeof *s->reps);
  s->house = malloc(na * sizeof *s->house);
  s->house_stay = malloc(na * sizeof *s->house_stay);
  s->view = malloc(sortn * sizeof *s->view);
  s->team_terr = malloc(nt * sizeof *s->team_terr);
  s->terr_team = malloc(nt * sizeof *s->terr_team);
  s->rep_start = malloc((na + 1) * sizeof *s->rep_start);
  s->rep_list = malloc(list * sizeof *s->rep_list);
  s->team_start = malloc((nt + 1) * sizeof *s->team_start);
  s->team_list = malloc(list * sizeof *s->team_list);
  s->capacity = malloc(nt * sizeof *s->capacity);
  s->minimum = malloc(nt * sizeof *s->minimum);
  s->team_of_rep = malloc(na * sizeof *s->team_of_rep);
  s->mip_team = malloc(na * sizeof *s->mip_team);
  s->fill = malloc(nt * sizeof *s->fill);
  s->pair_util = malloc(list * sizeof *s->pair_util);
  s->sortbuf = malloc(sortn * sizeof *s->sortbuf);
  if (!s->ratio || !s->weight || !s->rivals || !s->tab || !s->aw_ratio || !s->aw_ok || !s->aw_weight || !s->year_ratio || !s->in || !s->bids || !s->amount || !s->excluded ||
      !s->bid_row || !s->award || !s->cand || !s->reps || !s->house || !s->house_stay || !s->view ||
      !s->team_terr || !s->terr_team || !s->rep_start || !s->rep_list || !s->team_start ||
      !s->team_list || !s->capacity || !s->minimum || !s->team_of_rep || !s->mip_team ||
      !s->fill || !s->pair_util || !s->sortbuf)
    return SALESIM_ENOMEM;
  rc = salesim_assign_alloc(&s->assign, o->n_mgr, w->n_terr, cap);
  if (rc != 0)
    return rc;
  /* prior: winning ratios spread evenly over [1, 1 + prior_bid_spread] */
  s->n_ratio = 20;
  for (int j = 0; j < s->n_ratio; j++) {
    s->ratio[j] = 1 + p->prior_bid_spread * (j + 0.5) / s->n_ratio;
    s->weight[j] = 1.0 / s->n_ratio;
  }
  return 0;
}

static void tender_fini(salesim_world *w) {
  tender_state *s = w->state;
  if (s == NULL)
    return;
  salesim_org_fini(&s->org);
  salesim_assign_free(s->assign);
  free(s->ratio);
  free(s->weight);
  free(s->rivals);
  free(s->tab);
  free(s->aw_ratio);
  free(s->aw_ok);
  free(s->aw_weight);
  free(s->year_ratio);
  free(s->in);
  free(s->bids);
  free(s->amount);
  free(s->excluded);
  free(s->bid_row);
  free(s->award);
  free(s->cand);
  free(s->reps);
  free(s->house);
  free(s->house_stay);
  free(s->view);
  free(s->team_terr);
  free(s->terr_team);
  free(s->util);
  free(s->rep_start);
  free(s->rep_list);
  free(s->team_start);
  free(s->team_list);
  free(s->capacity);
  free(s->minimum);
  free(s->team_of_rep);
  free(s->mip_team);
  free(s->fill);
  free(s->pair_util);
  free(s->sortbuf);
}

static int tender_year_start(salesim_world *w) {
  tender_state *s = w->state;
  salesim_org *o = &s->org;
  salesim_org_year_begin(w, o);
  double sum = 0;
  for (int k = 0; k < w->n_terr; k++) {
    o->terr[k].posted = s->p->reserve_share * o->terr[k].firm_target;
    sum += o->terr[k].posted;
  }
  if (!s->rivals_set) {
    /* prior: every candidate bids its bids_per_manager times, spread over
     * the territories in proportion to their posted targets */
    double all = (double)o->n_mgr * s->p->bids_per_manager;
    for (int k = 0; k < w->n_terr; k++)
      s->rivals[k] = sum > 0 ? all * o->terr[k].posted / sum : all / w->n_terr;
    s->rivals_set = 1;
  }
  int n = collect_bids(w, s);
  int rc = salesim_tender_round(w, s->in, n);
  if (rc != 0) /* a more precise reason recorded inside the round wins */
    salesim_world_fail(w, rc, "year %d: tender: winner determination or team formation failed",
                       w->year + 1);
  return rc;
}

static int tender_hire(salesim_world *w, salesim_agent *a) {
  tender_state *s = w->state;
  return salesim_org_hire(w, &s->org, a, s->p->max_team);
}

static int tender_period_end(salesim_world *w) {
  tender_state *s = w->state;
  return salesim_org_year_end(w, &s->org);
}

static int tender_report(salesim_world *w) {
  tender_state *s = w->state;
  salesim_world_metric(w, SALESIM_ORG_METRIC_AWARDS_VOIDED, s->voided);
  salesim_world_metric(w, SALESIM_ORG_METRIC_TERRITORIES_UNFILLED, s->unfilled);
  salesim_world_metric(w, SALESIM_ORG_METRIC_REPS_UNMATCHED, s->unmatched);
  salesim_org_report(w, &s->org);
  return 0;
}

const salesim_mechanism_type salesim_mechanism_tender = {
    .version = SALESIM_MECHANISM_VERSION,
    .name = "tender",
    .summary = "Tendered territories (挂牌招标): managers bid quotas >= posted targets, a panel "
    "reviews plans, winners form teams by two-way selection (双向选择).",
    .params = &tender_table,
    .check = tender_check,
    .state_size = sizeof(tender_state),
    .agent_state_size = sizeof(salesim_org_agent),
    .init = tender_init,
    .fini = tender_fini,
    .year_start = tender_year_start,
    .hire = tender_hire,
    .incentive = salesim_org_hook_incentive,
    .month_pay = salesim_org_hook_month_pay,
    .month_end = salesim_org_hook_month_end,
    .period_end = tender_period_end,
    .report = tender_report,
    .metrics = salesim_org_metrics,
    .n_metrics = SALESIM_ORG_METRIC_COUNT,
};
