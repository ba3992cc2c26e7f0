/*
 * models/algorithms/matching.h: two-way team formation of the tender (MODEL.md §6.4,
 * DIGEST §1 Case B step 3): many-to-one deferred acceptance between reps and
 * the winners of the tender (teams), as in the college admissions problem of
 * Gale and Shapley (1962) and Roth (1984, 1985).
 *
 * A market is given as preference lists in CSR form: rep r ranks the teams
 * rep_list[rep_start[r] .. rep_start[r+1]-1], best first; team j ranks the
 * reps team_list[team_start[j] .. team_start[j+1]-1], best first, and takes
 * at most capacity[j] reps. A partner not on a list is unacceptable; a pair
 * can be matched only if each lists the other. Lists are strict (no
 * duplicates). Team preferences over sets are responsive to the list.
 *
 * What is here:
 *   salesim_match_run            deferred acceptance, either side proposing;
 *   salesim_match_is_stable      a checker (no blocking pair, no unacceptable
 *                                partner, no team over capacity);
 *   salesim_match_enumerate_stable  every stable matching by brute force
 *                                (tiny markets, for tests);
 *   salesim_match_stable_mip     the welfare-maximising stable matching as a
 *                                GLPK MIP (models/algorithms/match_mip.c);
 *   salesim_match_rounds_run     the minimum-team-size loop: teams short of
 *                                their minimum lose the award, the caller
 *                                re-awards, and the market is re-matched
 *                                until nothing changes.
 * Guarantees and tests: docs/tender-algorithms.md.
 * Read next: models/algorithms/match_mip.c, models/algorithms/fairdiv.h.
 */
#ifndef SALESIM_MATCHING_H
#define SALESIM_MATCHING_H

#include <salesim/errors.h>

/** A market of reps and teams (all arrays borrowed from the caller). */
typedef struct salesim_match_market {
  int n_reps, n_teams;
  const int *rep_start;  /* n_reps+1 offsets into rep_list, rep_start[0] = 0 */
  const int *rep_list;   /* teams, most preferred first */
  const int *team_start; /* n_teams+1 offsets into team_list */
  const int *team_list;  /* reps, most preferred first */
  const int *capacity;   /* n_teams maximum team sizes, >= 0 */
  const int *minimum;    /* n_teams minimum team sizes, or NULL (none); used
                            only by salesim_match_rounds_run */
} salesim_match_market;

typedef enum salesim_match_side {
  SALESIM_MATCH_REPS_PROPOSE = 0,  /* rep-optimal stable matching */
  SALESIM_MATCH_TEAMS_PROPOSE = 1  /* team-optimal stable matching */
} salesim_match_side;

/** A market copied with the cross-ranks deferred acceptance needs. */
typedef struct salesim_match salesim_match;

/**
 * Check a market: sizes >= 0, offsets non-decreasing, entries in range, no
 * duplicate in a list, capacities and minimums >= 0. One diag line per
 * problem (`diag` may be NULL). Returns 0 or SALESIM_EINVAL.
 */
int salesim_match_check(const salesim_match_market *m, salesim_diag *diag);

/**
 * Check and copy market `m` (the caller may free its arrays afterwards) and
 * build the rank tables, O(total list length). On success *out owns the
 * handle (free with salesim_match_free); on failure *out is NULL.
 * Returns 0, SALESIM_EINVAL or SALESIM_ENOMEM.
 */
int salesim_match_alloc(salesim_match **out, const salesim_match_market *m);

/** Free a handle; NULL is allowed. */
void salesim_match_free(salesim_match *mt);

/** The handle's own copy of the market (borrowed; lives as long as mt). */
const salesim_match_market *salesim_match_market_of(const salesim_match *mt);

/** Cross-ranks (borrowed, live as long as mt). team_rank has one entry per
 *  rep_list position p: the rank (0 = best) team rep_list[p] gives that rep,
 *  or -1 if the team does not list the rep. rep_rank has one entry per
 *  team_list position: the rank the rep gives the team, or -1. */
const int *salesim_match_team_rank(const salesim_match *mt);
const int *salesim_match_rep_rank(const salesim_match *mt);

/**
 * Deferred acceptance. Reps propose: each free rep proposes to the next team
 * on its list; a team holds its best proposals up to capacity and rejects the
 * rest. Teams propose: each team with open seats proposes to its next reps,
 * up to the open seats; a rep holds its best offer and rejects the rest (the
 * rejecting team gets its seat back). O(total list length) time.
 * team_of_rep: out, n_reps entries, the team of each rep or -1 (caller's).
 * The result is the stable matching optimal for the proposing side.
 * Returns 0 or SALESIM_EINVAL (bad side).
 */
int salesim_match_run(salesim_match *mt, salesim_match_side side,
                      int *team_of_rep);

/**
 * Is `team_of_rep` (n_reps entries, team or -1) a stable matching: every
 * pair mutually acceptable, no team above capacity, and no blocking pair
 * (a rep and a team that list each other, the rep prefers the team to its
 * assignment or is unmatched, and the team has an empty seat or prefers the
 * rep to its worst member)? If not and `block_rep`/`block_team` are not NULL,
 * they receive a witness (block_rep = -1 for a team above capacity).
 * Returns 1 (stable), 0 (not), SALESIM_EINVAL or SALESIM_ENOMEM.
 */
int salesim_match_is_stable(const salesim_match *mt, const int *team_of_rep,
                            int *block_rep, int *block_team);

/** Callback of the enumeration: a stable matching (borrowed for the call).
 *  Return 0 to go on, a negative code to stop (returned by the caller). */
typedef int (*salesim_match_visit_fn)(void *ctx, const int *team_of_rep);

/**
 * Every stable matching, by brute force over all individually rational
 * assignments within capacity. Only for tiny markets (tests): refuses with
 * SALESIM_EINVAL when the product over reps of (1 + acceptable teams)
 * exceeds 2e7. *count (may be NULL) receives the number found.
 * Returns 0, a code from `visit`, SALESIM_EINVAL or SALESIM_ENOMEM.
 */
int salesim_match_enumerate_stable(const salesim_match *mt,
                                   salesim_match_visit_fn visit, void *ctx,
                                   long *count);

/**
 * Welfare-maximising stable matching, GLPK MIP (models/algorithms/match_mip.c).
 * utility: one entry per rep_list position of the market, the welfare of
 * matching that pair (finite; ignored for pairs not mutually acceptable).
 * Binary x_p per mutually acceptable pair; rows: each rep at most one team,
 * each team at most capacity; stability of each acceptable pair (r, j):
 *   q_j * sum_{j' >=_r j} x_{r j'} + sum_{r' >_j r} x_{r' j} >= q_j
 * (r gets j or better, or j is full of reps it prefers to r). The LP
 * relaxation of these constraints is NOT integral for many-to-one markets
 * (unlike the one-to-one stable marriage polytope), hence the MIP. The
 * constraint matrix has O(sum of squared list lengths) entries: small and
 * medium markets only.
 * node_limit: most branch-and-bound subproblems GLPK may create, 0 for
 * none; a deterministic budget, so whether the MIP is proven optimal never
 * depends on the machine's speed. time_limit_ms: a wall-clock guard, 0 for
 * none; running out of it is an error, not a result. team_of_rep: out
 * (caller's). welfare: out, may be NULL. Returns 0, SALESIM_EINVAL,
 * SALESIM_ENOMEM, SALESIM_ESOLVER (no proven optimum within node_limit, or
 * none exists) or SALESIM_ELIMIT (time_limit_ms ran out first).
 */
int salesim_match_stable_mip(const salesim_match *mt, const double *utility,
                             int node_limit, int time_limit_ms, int *team_of_rep,
                             double *welfare);

/** Callbacks of the minimum-team-size loop (salesim_match_rounds_run). */
typedef struct salesim_match_rounds {
  /** Describe the market of the current award (teams = current winners) in
   *  *m; its arrays belong to ctx and must stay valid until the next call.
   *  The number of reps must not change. Return 0 or a negative code. */
  int (*market)(void *ctx, salesim_match_market *m);
  /** Teams short_teams[0..n_short-1] (indices in the last market) are short
   *  of their minimum: void their awards and re-award (the tender re-solves
   *  the assignment without those bids, so the next bidder can win). Return
   *  the number of awards changed (0 ends the loop with the teams left
   *  short), or a negative code. */
  int (*reaward)(void *ctx, const int *short_teams, int n_short);
} salesim_match_rounds;

/**
 * Form teams, voiding awards of short teams until no team is short or the
 * caller changes nothing: market -> deferred acceptance (side) -> teams with
 * size < minimum -> reaward -> again. By the rural hospitals theorem the set
 * of short teams is the same whichever side proposes. Terminates if every
 * reaward voids at least one bid for good; max_rounds > 0 caps the rounds
 * (SALESIM_EINTERRUPTED when reached). team_of_rep (n_reps, caller's) gets
 * the last round's matching, *rounds (may be NULL) the rounds run.
 * Returns 0, SALESIM_EINTERRUPTED, a callback's code, or a code of
 * salesim_match_alloc.
 */
int salesim_match_rounds_run(const salesim_match_rounds *ops, void *ctx,
                             salesim_match_side side, int max_rounds,
                             int n_reps, int *team_of_rep, int *rounds);

#endif
