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
 *     from its private estimate and bids on at most bids_per_manager
 *     territories, only where its expected surplus over its outside wage is
 *     positive: with entry_scale > 0 (mixed entry, issue 11 #3) territory k
 *     with a capped-logit probability over its surplus there given the
 *     rivals it expects, those expected counts solved in-year as a fixed
 *     point and its territories drawn with a counter-based draw
 *     (tender_bids.c, collect_mixed); with entry_scale = 0 the territories
 *     where it pays most against last years' counts. On each, the quota
 *     b >= posted target that maximises its expected surplus
 *         P(pass panel) * P(win | x) * P(keep team | x) * (CE(b) - 12 * outside wage),
 *     x = b / posted,
 *     CE(b) = fixed(posted) + variable(b) x curve(S / b) in expectation,
 *     less a risk premium (salesim_org_manager_ce).
 *     P(win | x) = F(x)^n_k is the bidder's belief about rivals: n_k rival
 *     bids expected on territory k (from the entry equilibrium; with
 *     entry_scale = 0 at first in proportion to the posted targets, then
 *     learned from the published number of bids each year) each drawn from F, the kernel-smoothed distribution of published bids
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
 *     Many-to-one deferred acceptance with team sizes min_team..the
 *     territory's capacity (its planned headcount within min_team..max_team
 *     under staffing = "plan"; max_team under "max_team"), proposing side
 *     `proposing`. Under "plan" a rep values an offer with the team it will
 *     be in: the capacity, then, for winners whose team ends at another
 *     size, that size (teams re-formed, at most REVALUE_PASSES times). A winner short of min_team loses the award:
 *     its bid is excluded, winners are re-determined (the next bidder, or
 *     nobody), and teams re-formed until no team is short
 *     (salesim_match_rounds_run). Optionally (stable_mip) the final teams are
 *     the welfare-maximising stable matching (GLPK MIP; same team sizes by
 *     the rural hospitals theorem).
 *  6. Members move to their team's territory (salesim_world_move); reps in
 *     no team leave territories a team runs for the territory nobody won
 *     most short of its planned headcount (staffing = "plan"), then with the
 *     fewest positions per unit of the firm's target; under "plan" the firm
 *     then moves house reps from fallback territories over plan to those
 *     short of it. Territories
 *     nobody won fall back to the firm's own top-down target, with a manager
 *     the firm appoints from the candidates left (fallback_appoint) whose
 *     team are the reps there, or run by the firm without one.
 *     The winning bid is the manager's target for the year; the team is paid
 *     on the manager's split of it (models/mechanisms/org.h). Re-tendered every year.
 *
 * The mechanism's files, in reading order:
 *   tender.c           this file: the rules, the settings, the hooks and the
 *                      type object
 *   tender_bids.c      the bidders: belief about rivals and keeping the team,
 *                      best bid, the year's bids, learning from them (rule 2)
 *   tender_teams.c     team formation: what joining a winner is worth to a
 *                      rep, the two-sided market, re-awards, the stable MIP
 *                      (rule 5)
 *   tender_round.c     one round: panel, winner determination, teams,
 *                      moves, fallbacks, plans (rules 3 to 6)
 *   tender_internal.h  the settings and state those files share
 *
 * Read next: models/mechanisms/tender_bids.c, docs/tender.md.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "tender_internal.h"

#define ENTRY_SCALE_DEFAULT 5000

static const salesim_param_spec tender_specs[] = {
    SALESIM_ORG_PARAM_SPECS(tender_params),
    {"reserve_share", SALESIM_P_DOUBLE, offsetof(tender_params, reserve_share), 0.9, NULL, 0, 10,
     SALESIM_PF_MIN_EXCL, NULL, "share",
     "Posted target (the lowest bid allowed) as a share of the firm's own rule target."},
    {"bids_per_manager", SALESIM_P_INT, offsetof(tender_params, bids_per_manager), 3, NULL, 1,
     1000, 0, NULL, "bids",
     "Cap on the bids each manager candidate makes in a tender (1..1000): it bids on at most "
     "this many territories a year, where its expected surplus is positive (with entry_scale > "
     "0, territories drawn from its entry probabilities; with 0, its best ones). Fewer bids "
     "per manager mean more territories without a bid; more mean more panel reviews."},
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
    {"staffing", SALESIM_P_CHOICE, offsetof(tender_params, staffing), STAFF_PLAN, NULL, 0, 1, 0,
     "plan|max_team", "choice",
     "Team sizes: \"plan\" = every territory is staffed to its planned headcount (its slots at "
     "set-up): a winner's team takes at most that (within min_team..max_team), a rep values a "
     "join offer with that team, and reps in no team go to territories nobody won that are "
     "short of plan; \"max_team\" = the rule before issue 11 (winners take up to max_team)."},
    {"entry_scale", SALESIM_P_DOUBLE, offsetof(tender_params, entry_scale), ENTRY_SCALE_DEFAULT,
     NULL, 0, 1e12, 0, NULL, "currency/year",
     "Mixed entry (Levin & Smith 1994): each manager bids on territory k with a logit "
     "probability over its expected surplus there given how many rivals are expected, those "
     "expected counts solved in-year as a fixed point; this is the logit's scale (a surplus "
     "difference of one scale multiplies the odds by e). 0: the rule before issue 11 (every "
     "manager bids on its best territories against last years' bid counts)."},
    {"rival_bids", SALESIM_P_CHOICE, offsetof(tender_params, rival_bids), RIVAL_SCALED, NULL, 0,
     1, 0, "scaled|pooled", "choice",
     "With mixed entry (entry_scale > 0), how a bidder expects rivals to bid on a territory: "
     "\"scaled\" = the published bids / posted targets, scaled by what this territory is worth "
     "to the bidder (its expected sales / posted target) against its others (rivals see "
     "roughly what it sees and bid a cheap territory up); \"pooled\" = the same published "
     "ratios on every territory (the belief before issue 11)."},
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

salesim_org *salesim_tender_org(salesim_world *w) { return &((tender_state *)w->state)->org; }

void salesim_tender_get_stats(const salesim_world *w, salesim_tender_stats *out) {
  const tender_state *s = w->state;
  out->voided = s->voided;
  out->unfilled = s->unfilled;
  out->unmatched = s->unmatched;
  out->mip_solved = s->mip_solved;
  out->mip_failed = s->mip_failed;
  out->mip_changed = s->mip_changed;
  out->entry_iters = s->entry_iters;
  out->entry_gap = s->entry_gap;
  out->revalue_passes = s->revalue_passes;
  out->revalue_left = s->revalue_left;
  out->revalue_first = s->revalue_first;
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
  s->n_val = calloc(cap, sizeof *s->n_val);
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
  s->planned = malloc(nt * sizeof *s->planned);
  if (!s->ratio || !s->weight || !s->rivals || !s->tab || !s->aw_ratio || !s->aw_ok || !s->aw_weight || !s->year_ratio || !s->in || !s->bids || !s->amount || !s->excluded ||
      !s->bid_row || !s->n_val || !s->award || !s->cand || !s->reps || !s->house || !s->house_stay || !s->view ||
      !s->team_terr || !s->terr_team || !s->rep_start || !s->rep_list || !s->team_start ||
      !s->team_list || !s->capacity || !s->minimum || !s->team_of_rep || !s->mip_team ||
      !s->fill || !s->pair_util || !s->sortbuf || !s->planned)
    return SALESIM_ENOMEM;
  for (int k = 0; k < w->n_terr; k++)
    s->planned[k] = w->terr[k].n_slots;
  if (p->entry_scale > 0) {
    int c = w->n_terr < ENTRY_CAND ? w->n_terr : ENTRY_CAND;
    size_t pairs = (size_t)(o->n_mgr > 0 ? o->n_mgr : 1) * (size_t)(c > 0 ? c : 1);
    s->ent_cand = c;
    s->ent_k = malloc(pairs * sizeof *s->ent_k);
    s->ent_lnG = malloc(pairs * ENTRY_GRID * sizeof *s->ent_lnG);
    s->ent_lnF = malloc(pairs * ENTRY_GRID * sizeof *s->ent_lnF);
    s->ent_scale = malloc(pairs * sizeof *s->ent_scale);
    s->ent_pi = malloc(pairs * sizeof *s->ent_pi);
    s->ent_q = malloc(pairs * sizeof *s->ent_q);
    s->ent_n = malloc((nt ? nt : 1) * sizeof *s->ent_n);
    s->ent_new = malloc((nt ? nt : 1) * sizeof *s->ent_new);
    s->ent_scr = malloc((nt ? nt : 1) * ENTRY_GRID * sizeof *s->ent_scr);
    if (!s->ent_k || !s->ent_lnG || !s->ent_lnF || !s->ent_scale || !s->ent_pi || !s->ent_q ||
        !s->ent_n || !s->ent_new || !s->ent_scr)
      return SALESIM_ENOMEM;
  }
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
  free(s->n_val);
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
  free(s->planned);
  free(s->ent_k);
  free(s->ent_lnG);
  free(s->ent_lnF);
  free(s->ent_scale);
  free(s->ent_pi);
  free(s->ent_q);
  free(s->ent_n);
  free(s->ent_new);
  free(s->ent_scr);
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
  int n = tender_collect_bids(w, s);
  int rc = salesim_tender_round(w, s->in, n);
  if (rc != 0) /* a more precise reason recorded inside the round wins */
    salesim_world_fail(w, rc, "year %d: tender: winner determination or team formation failed",
                       w->year + 1);
  return rc;
}

static int tender_hire(salesim_world *w, salesim_agent *a) {
  tender_state *s = w->state;
  return salesim_org_hire(w, &s->org, a, tender_capacity(s, a->territory));
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
  salesim_world_metric(w, SALESIM_ORG_METRIC_TERRITORIES_NO_BID, s->no_bid);
  salesim_world_metric(w, SALESIM_ORG_METRIC_BIDS_MAX,
                       s->tenders > 0 ? s->bids_max_sum / s->tenders : NAN);
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