/*
 * models/core/sim_internal.h: what the files of the loop share among
 * themselves (internal to models/core/: no mechanism, no engine file and no
 * test includes it; a mechanism needs only world.h and mechanism.h).
 *
 *   world.c        the world helpers of world.h
 *   world_alloc.c  set-up and freeing of a replication's world
 *   sim.c          the monthly loop and salesim_sim_run
 *   market.c       the market of a month, per position
 *   overlays.c     ratchet, timing games, pipeline review
 *   sim_metrics.c  what the loop counts, and the core metrics at the end
 *
 * Read next: models/core/sim.c.
 */
#ifndef SALESIM_SIM_INTERNAL_H
#define SALESIM_SIM_INTERNAL_H

#include <stddef.h>

#include "decision.h"
#include "mechanism.h"
#include "world.h"

/* ---- hooks' status (models/core/mechanism.h) ------------------------------ */

/** After a hook returned `rc`: a negative code without a reason gets the
 *  engine's one ("mechanism NAME: HOOK failed: ..."); a positive one (for
 *  fill: above 1) breaks the contract. Returns the world's error, 0 if none
 *  (a hook may also have recorded one with salesim_world_fail and returned
 *  0: that ends the run too). Inline: the loop calls it for every hook. */
static inline int salesim_hook_status(salesim_world *w, const char *hook, int rc, int max_ok) {
  if (rc < 0 && w->error == 0)
    salesim_world_fail(w, rc, "mechanism %s: %s failed: %s", w->type->name, hook,
                       salesim_strerror(rc));
  else if (rc > max_ok && w->error == 0)
    salesim_world_fail(w, SALESIM_EINVAL,
                       "mechanism %s: %s returned %d (expected %s or a negative SALESIM_E* code)",
                       w->type->name, hook, rc, max_ok > 0 ? "0, 1" : "0");
  return w->error;
}

/* ---- world.c -------------------------------------------------------------- */

/** Survival of people hired during the run, censored at the run's end:
 *  counted once when they leave (`leaving`) or reach 6 and 12 months. */
void salesim_world_count_survival(salesim_world *w, salesim_agent *a, int leaving);

/* ---- world_alloc.c -------------------------------------------------------- */

/** Draw a fresh person from `r` into slot `a` (traits, the slot's
 *  bookkeeping reset, the mechanism's slot state zeroed, a new id). */
void salesim_world_draw_person(salesim_world *w, salesim_agent *a, gsl_rng *r);
/** salesim_world_alloc; on failure `why` (if not NULL) gets the world's
 *  reason (a failing init hook's, or the pipeline's), or "" if none. */
int salesim_world_alloc_why(salesim_world **out, const salesim_scenario *sc, int mech, int rep,
                            uint64_t seed, char *why, size_t why_len);

/* ---- market.c ------------------------------------------------------------- */

/** What the person in slot `i` (`a`, not vacant) sells this month, into `o`
 *  (zeroed by the caller). Returns 0 or the world's error (a bound of work
 *  or the pool of opportunities). */
int salesim_market_agent(salesim_world *w, salesim_agent *a, int i, salesim_outcome *o);
/** The orphan books: revenue to the firm (added to *rev_book and
 *  *book_sum), then their churn. */
void salesim_market_orphans(salesim_world *w, double *rev_book, double *book_sum);

/* ---- overlays.c ----------------------------------------------------------- */

/** The ratchet's target: `rule` (the firm's rule target), or last year's
 *  target moved toward last year's sales when the ratchet is on. */
double salesim_overlay_ratchet_target(const salesim_world *w, const salesim_agent *a,
                                      double rule);
/** The ratchet's cost to the agent: sets inc->credit_cost and lowers
 *  inc->after_value (after the mechanism's incentive hook). */
void salesim_overlay_ratchet_cost(const salesim_world *w, const salesim_agent *a,
                                  salesim_incentive *inc);
/** Timing games: hold this month's wins (*won_now, *wins_now) back into the
 *  next pay period when that pays the agent (`other`: the rest of this
 *  month's credit); they are then zeroed. */
void salesim_overlay_push(salesim_world *w, salesim_agent *a, double other, double *won_now,
                          double *wins_now);
/** The pipeline review of an active rep after its month's market. */
void salesim_overlay_review(salesim_world *w, salesim_agent *a);
/** The review's hit rate at a plan year's end, for a full-year rep with
 *  attainment `att`. */
void salesim_overlay_review_score(salesim_world *w, const salesim_agent *a, int year_start,
                                  double att);

/* ---- sim_metrics.c -------------------------------------------------------- */

/** Effort by book fifth and over the plan year, for choice `ch` of `a`. */
void salesim_metrics_count_effort(salesim_world *w, const salesim_agent *a,
                                  const salesim_choice *ch);
/** The quarter's forecast (a quarter's first month) and its error (its
 *  last month, after month_end). */
void salesim_metrics_quarter_start(salesim_world *w);
void salesim_metrics_quarter_end(salesim_world *w);
/** The plan year's statistics, in its last month after period_end. */
void salesim_metrics_year_end(salesim_world *w);
/** The core metrics from the ledger, the report hook, declared metrics. */
void salesim_metrics_finish(salesim_world *w);

#endif
