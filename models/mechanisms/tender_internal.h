/*
 * models/mechanisms/tender_internal.h: what the files of the `tender`
 * mechanism share (internal: only models/mechanisms/tender*.c include it;
 * tests and benches use models/mechanisms/tender.h): the settings, the
 * state of a tender world, the belief table, and the functions one file
 * calls in another. Functions shared between these files carry the prefix
 * tender_.
 * Read next: models/mechanisms/tender.c.
 */
#ifndef SALESIM_TENDER_INTERNAL_H
#define SALESIM_TENDER_INTERNAL_H

#include <stddef.h>

#include "assign.h"
#include "matching.h"
#include "tender.h"
#include "util_sort.h"

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
  int staffing;      /* STAFF_PLAN or STAFF_MAX_TEAM (issue 11 #2) */
  double entry_scale; /* logit scale of mixed entry (currency/year); 0: pure best response */
  int rival_bids;     /* RIVAL_SCALED or RIVAL_POOLED (with mixed entry) */
  double mip_time_limit;
  int mip_node_limit;
} tender_params;

/* The belief tabulated once a year on a fine grid of bid ratios (the same
 * for every bidder but for the number of rivals), linear in between. */
#define BELIEF_GRID 1024
typedef struct belief_tab {
  double hi, step, rivals;
  double scale; /* rivals' ratios read at x / scale (rival_bids = "scaled"), else 1 */
  double F[BELIEF_GRID], Q[BELIEF_GRID];
} belief_tab;

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
  salesim_sort_keyed *cand; /* n_terr */
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
  int *planned;       /* territory: planned headcount (its slots at set-up) */
  int *n_val;         /* bid: team size its join offers were valued with (0: capacity) */
  double revalue_passes; /* run total of team formations repeated to re-value offers */
  int revalue_left;   /* last tender: winners whose team ended at a size other than valued */
  int revalue_first;  /* last tender: the same after the first formation */
  double *pair_util;
  salesim_sort_keyed *sortbuf;
  double voided, unfilled, unmatched;
  double no_bid, bids_max_sum, tenders; /* bids per territory (issue 11 #3) */
  /* mixed entry (entry_scale > 0, issue 11 #3): per manager its ENTRY_CAND
   * best territories (ent_k, -1 unused), ln of the surplus without the
   * chance of beating rivals on ENTRY_GRID bid ratios (ent_lnG), its
   * probability of bidding there (ent_pi); expected bids per territory
   * (ent_n); scratch of one manager's grid over all territories */
  int *ent_k;
  double *ent_lnF;   /* ln F (one rival below the ratio) on the grid, per pair */
  double *ent_scale; /* per pair: the territory's worth to i relative to its others */
  double *ent_lnG, *ent_pi, *ent_q, *ent_n, *ent_new, *ent_scr;
  int ent_cand;
  int entry_iters;  /* last tender: fixed-point iterations */
  double entry_gap; /* last tender: max |expected bids - their best response| per territory */
  int mip_solved, mip_failed; /* stable MIP: years proven optimal / not */
  long mip_changed;           /* reps the MIP placed differently from DA */
} tender_state;

enum { STAFF_PLAN = 0, STAFF_MAX_TEAM = 1 };
enum { RIVAL_SCALED = 0, RIVAL_POOLED = 1 };
/* Most reps a winner's team in territory k takes: its planned headcount
 * within min_team..max_team (staffing = "plan"), or max_team. */
int tender_capacity(const tender_state *s, int k);

/* ---- tender_bids.c ---- */

#define REVALUE_PASSES 4 /* most re-formations of teams to re-value join offers */
#define ENTRY_GRID 32  /* bid ratios on which entry surpluses are tabulated */
#define ENTRY_CAND 64  /* most territories a manager weighs for entry */
#define ENTRY_ITER 3000
#define ENTRY_TOL 1e-3 /* bids per territory */

/* Every manager's bids of the year into s->in; returns how many. */
int tender_collect_bids(salesim_world *w, tender_state *s);
/* What bidders learn from the n published bid ratios (bid / posted
 * target) and the number of bids on each territory. */
void tender_learn_bids(salesim_world *w, tender_state *s, const double *ratios, int n);

/* ---- tender_teams.c ---- */

/* Rep a's certainty equivalent (per month) of an offer in territory k. */
double tender_offer_value(salesim_world *w, tender_state *s, const salesim_agent *a, int k,
                          double target, double book, int n_plan, double mult);
/* Where the firm places a rep in no team (-1: every territory was won). */
int tender_house_territory(const salesim_world *w, const tender_state *s, const int *counts);
/* The two-sided market of this round's winners (salesim_match_rounds). */
int tender_market(void *ctx, salesim_match_market *m);
/* Winner determination on the bids not excluded (s->award). */
int tender_solve_award(tender_state *s);
/* A provisional award becomes public: voided (ok = 0) or kept (ok = 1). */
void tender_record_award(tender_state *s, int b, double ok);
/* The next-bidder re-award of short teams (salesim_match_rounds). */
int tender_reaward(void *ctx, const int *short_teams, int n_short);
/* Final teams as the welfare-maximising stable matching (stable_mip). */
int tender_stable_mip_teams(salesim_world *w, tender_state *s);

#endif
