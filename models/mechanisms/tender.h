/*
 * models/mechanisms/tender.h: pieces of the `tender` mechanism (rules in
 * models/mechanisms/tender.c; bids in models/mechanisms/tender_bids.c, the
 * round in models/mechanisms/tender_round.c) that tests call directly: the bidders' belief about winning and their choice
 * of bid, and one tender round on given bids.
 * Read next: models/mechanisms/tender.c.
 */
#ifndef SALESIM_TENDER_H
#define SALESIM_TENDER_H

#include "org.h"

/** A bidder's belief about rivals on one territory: how many bid there
 *  (`rivals`, learned from last years' published bid counts) and how each
 *  bids: a weighted sample of past bids / posted targets, smoothed by a
 *  normal kernel (bandwidth): F(x) = sum_j weight_j Phi((x - ratio_j)/h). */
typedef struct salesim_bid_belief {
  const double *ratio;
  const double *weight; /* sums to 1 */
  int n;
  double bandwidth;
  double rivals;        /* expected rival bids (need not be an integer) */
  /* past provisional awards: bid / posted target, whether the winner then
   * formed a team (1) or lost the award for lack of one (0), and a weight
   * (1 for this year, decaying by 1 - learning_rate a year) */
  const double *award_ratio, *award_ok, *award_weight;
  int n_award;
} salesim_bid_belief;

/** P(winning with bid ratio x) = F(x)^rivals (1 without rivals). */
double salesim_tender_win_prob(const salesim_bid_belief *b, double x);
/** P(forming a team after winning with bid ratio x): the kernel-weighted
 *  share of past awards near x that kept their team, with one prior award
 *  that did (Nadaraya-Watson with a pseudo-count): reps refuse to join
 *  winners whose bids make their own targets too hard, and bidders learn
 *  it from the published voided awards. */
double salesim_tender_team_prob(const salesim_bid_belief *b, double x);

/**
 * Manager i's best bid on a territory with posted target `posted`, when it
 * believes the team's sales ~ N(mean, sd^2), passes the panel with
 * probability p_pass, wins with salesim_tender_win_prob(bid/posted) and
 * keeps the award with salesim_tender_team_prob(bid/posted): the bid
 * b >= posted maximising
 *   p_pass * P(win) * P(team) * (CE(target b) - 12 * outside wage)
 * (salesim_org_manager_ce). A grid over b/posted in [1, x_max] then
 * golden-section refinement. *bid gets the bid, *surplus the expected
 * surplus (<= 0: not worth bidding). x_max: 1 + 4 bandwidths beyond the
 * largest ratio of the belief, at least 1.5.
 */
void salesim_tender_best_bid(const salesim_org *o, int i, double posted, double mean, double sd,
                             double p_pass, const salesim_bid_belief *b, double *bid,
                             double *surplus);

/** A bid given to salesim_tender_round. */
typedef struct salesim_tender_bid {
  int manager, territory;
  double amount;
} salesim_tender_bid;

/**
 * One tender on the given bids, as the mechanism runs it after managers
 * have bid (world in the first month of a plan year, after
 * salesim_org_year_begin): panel review, winner determination, team
 * formation with next-bidder re-awards, fallbacks, plans. Used by
 * year_start and by tests with hand-made bids. Returns 0 or a negative code.
 */
int salesim_tender_round(salesim_world *w, const salesim_tender_bid *bids, int n);

/** The tender's organisation (managers, territories this year). */
salesim_org *salesim_tender_org(salesim_world *w);

/** Run totals of a tender world (tests, reports). */
typedef struct salesim_tender_stats {
  double voided;     /* awards voided for lack of a team */
  double unfilled;   /* territory-years nobody won */
  double unmatched;  /* rep-years in no winner's team */
  int mip_solved, mip_failed; /* stable MIP years proven optimal / not */
  long mip_changed;  /* reps the MIP placed differently from DA */
  int entry_iters;   /* mixed entry, last tender: fixed-point iterations (0: not used) */
  double entry_gap;  /* and the largest gap left between expected bids on a territory
                        and the bids the managers' entry probabilities give */
  double revalue_passes; /* team formations repeated so that reps value a join offer
                            with the size the team reached (staffing = "plan") */
  int revalue_left;      /* last tender: winners whose team still ended at another size */
  int revalue_first;     /* last tender: the same after the first formation (offers valued
                            with the winner's capacity) */
} salesim_tender_stats;

void salesim_tender_get_stats(const salesim_world *w, salesim_tender_stats *out);

#endif
