/*
 * models/algorithms/assign.h: winner determination of the tender (MODEL.md §6.4).
 *
 * Managers bid on a few territories each; the firm scores every bid. The
 * award maximises the total score with each manager winning at most one
 * territory and each territory going to at most one manager; nobody has to
 * win. That is a maximum-weight matching on the sparse bipartite graph of the
 * bids made. Two exact solvers answer it:
 *
 *   SALESIM_ASSIGN_SSP   shortest augmenting paths, one manager at a time
 *                        (Jonker-Volgenant with a heap, on the bids only),
 *                        O(M (B + N) log N) worst case, ~100x faster than
 *                        GLPK at the tender's scale (bench/bench_tender.c);
 *   SALESIM_ASSIGN_GLPK  the LP over the bids (one column per bid, one "<= 1"
 *                        row per manager and per territory), GLPK primal
 *                        simplex with presolve; integral because the
 *                        constraint matrix of a bipartite graph is totally
 *                        unimodular, and checked to be so.
 *
 * Bids can be excluded per call, which is how the tender voids an award (the
 * winner could not form a team) and hands the territory to the next bidder:
 * re-solve with that bid excluded. See docs/tender-algorithms.md.
 * Read next: models/algorithms/matching.h (team formation after the award).
 */
#ifndef SALESIM_ASSIGN_H
#define SALESIM_ASSIGN_H

#include <stddef.h>

#include <salesim/errors.h>

/** One bid: manager `manager` asks for territory `territory`; `score` is the
 *  firm's value of awarding it (finite, >= 0). Several bids on the same pair
 *  are allowed (the best counts). */
typedef struct salesim_bid {
  int manager;     /* 0 .. n_managers-1 */
  int territory;   /* 0 .. n_territories-1 */
  double score;    /* the firm's score of the bid */
} salesim_bid;

typedef enum salesim_assign_method {
  SALESIM_ASSIGN_SSP = 0,  /* dedicated: shortest augmenting paths */
  SALESIM_ASSIGN_GLPK = 1  /* LP over the bids with GLPK */
} salesim_assign_method;

/** Workspace of the solvers, sized once (no allocation in SSP solves). */
typedef struct salesim_assign salesim_assign;

/**
 * Allocate a workspace for up to `max_bids` bids among `n_managers` managers
 * and `n_territories` territories. On success *out owns the workspace (free
 * with salesim_assign_free); on failure *out is NULL.
 * Returns 0, SALESIM_EINVAL (negative sizes) or SALESIM_ENOMEM.
 */
int salesim_assign_alloc(salesim_assign **out, int n_managers,
                         int n_territories, size_t max_bids);

/** Free a workspace; NULL is allowed. */
void salesim_assign_free(salesim_assign *ws);

/**
 * Check bids before they reach a solver: indices in range, scores finite and
 * >= 0. Adds one line per bad bid to `diag` (may be NULL).
 * Returns 0 or SALESIM_EINVAL.
 */
int salesim_assign_check(int n_managers, int n_territories,
                         const salesim_bid *bids, size_t n_bids,
                         salesim_diag *diag);

/**
 * Maximum-score award.
 *   bids, n_bids  the bids (borrowed; n_bids <= max_bids of the workspace);
 *   excluded      NULL, or n_bids flags: a nonzero entry removes that bid;
 *   award         out, n_territories entries: the index in `bids` of the
 *                 winning bid of each territory, or -1 (caller's memory);
 *   value         out (may be NULL): the total score of the award.
 * Returns 0, SALESIM_EINVAL (bad bids or sizes; nothing reaches GLPK),
 * SALESIM_ENOMEM, or SALESIM_ESOLVER (GLPK failed or returned a fractional
 * point). The award is one optimum; ties are broken by the solver.
 */
int salesim_assign_solve(salesim_assign *ws, salesim_assign_method method,
                         const salesim_bid *bids, size_t n_bids,
                         const unsigned char *excluded, int *award,
                         double *value);

#endif
