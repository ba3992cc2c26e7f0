/*
 * models/core/market.c: the market of one month for one position (MODEL.md
 * §2, §4): what the person in the slot sells.
 *
 *   - linear mode: sales are ability * effort * scale + noise (one task, or
 *     two with the book as the second);
 *   - pipeline mode: the book pays its revenue and churns (less with
 *     farming); deals held back last period sign; timing games pull deals
 *     into the period (models/core/pipeline.c) or push them out of it
 *     (models/core/overlays.c); open opportunities take their monthly step
 *     (salesim_pipeline_step); wins become accounts and use up prospects;
 *     hunting finds new leads (Poisson in the territory's lead rate, the
 *     pool left and the month's shock), some lost to a teammate hunting the
 *     same prospects (collisions); the pipeline review overlay looks at the
 *     result. With sub-steps (cycle_months < 4, w->sub_steps > 1) hunting
 *     comes before the step and the new leads take part in it with the
 *     first-month row (half a month's sub-steps; docs/model.md).
 *
 * salesim_market_orphans: the orphan books (accounts of people who left)
 * of every territory pay the firm and churn untended.
 * The loop (models/core/sim.c) calls salesim_market_agent for each filled
 * slot, then the mechanism's month_pay with the outcome. The per-lead and
 * per-opportunity loops are in models/core/pipeline.c.
 *
 * Read next: models/core/pipeline.c, models/core/sim_metrics.c.
 */
#include <math.h>

#include <gsl/gsl_rng.h>

#include "history.h"
#include "pipeline.h"
#include "streams.h"
#include "sim_internal.h"

/* Hunting: the month's new leads (Poisson in the territory's lead rate,
 * the pool left and the month's shock), collisions, deals opened at stage
 * 1 at the end of slot i's list. Returns 0 or a negative code (w->error
 * set). */
static int hunt(salesim_world *w, salesim_agent *a, int i, salesim_outcome *o) {
  const salesim_production *prod = &w->sc->production;
  salesim_ledger *L = &w->ledger;
  salesim_territory *tr = &w->terr[a->territory];
  int rc;
  if (a->status == SALESIM_AGENT_ACTIVE && a->hunt > 0) {
    double rho = tr->prospects / tr->prospects0;
    double intensity = a->ability * a->skill * a->hunt;
    double lam = tr->lead_rate * intensity * rho * tr->shock / tr->difficulty;
    unsigned n = 0;
    if ((lam > 0 || !isfinite(lam)) && (rc = salesim_pipeline_leads(w, lam, a->rng, &n)) != 0)
      return rc; /* past a bound: w->error says which */
    w->draws += 1 + n;
    /* hunters without assigned accounts work the same prospect pool:
     * a lead a teammate also found is wasted (a conflict) */
    double p_coll = 0;
    if (prod->collisions && !a->assigned && tr->hunters > intensity) {
      double others = tr->hunters - intensity;
      double contacts = tr->lead_rate * others * tr->shock / tr->difficulty * 5.0;
      p_coll = fmin(0.9, contacts / fmax(1.0, tr->prospects));
    }
    /* each lead: a collision, or a deal opened (pipeline.c); a lead the
     * pool cannot take ends the run (w->error says why) */
    if ((rc = salesim_pipeline_find(w, i, n, p_coll, &o->collisions, &o->leads)) < 0)
      return rc;
    a->leads_month = o->leads;
    L->collisions += o->collisions;
    L->leads += o->leads;
  }
  return 0;
}

int salesim_market_agent(salesim_world *w, salesim_agent *a, int i, salesim_outcome *o) {
  const salesim_production *prod = &w->sc->production;
  salesim_ledger *L = &w->ledger;
  int t = w->month;
  int rc;
  salesim_territory *tr = &w->terr[a->territory];
  if (prod->mode == SALESIM_MODE_LINEAR) {
    size_t k = (size_t)t * w->n_agents + i;
    o->book_kept = 1; /* no churn in linear mode */
    if (a->status == SALESIM_AGENT_ACTIVE) {
      o->revenue_new =
          a->ability * a->hunt * prod->output_scale + prod->noise_sd * w->linear_noise[k];
      if (prod->tasks == 2) /* the second task's noise: the next stream slot */
        o->revenue_book = a->ability * a->farm * prod->output_scale +
                          prod->noise_sd_farm * w->linear_noise2[k];
    }
    return 0;
  }
  /* book: revenue this month, then churn reduced by farming */
  o->revenue_book = a->book;
  double keep = 1 - prod->churn * exp(-prod->farm_effect * a->farm);
  a->book *= keep;
  o->book_kept = keep;
  if (w->history != NULL) /* the accounts churn with the book */
    salesim_history_scale(w, SALESIM_HOLD_BOOK, i, keep);
  double won = a->pushed_value, wins = a->pushed_wins; /* held back last period */
  a->pushed_value = a->pushed_wins = 0;
  int timing = prod->timing_games && a->status == SALESIM_AGENT_ACTIVE && a->period_left > 0;
  if (timing && a->period_left <= prod->pull_window) {
    double won0 = won, dc0 = L->discount_cost;
    salesim_pipeline_pull(w, a, a->m_now, a->m_after, a->period_left, prod->pull_discount,
                          &won, &wins, &L->pulled, &L->discount_cost);
    L->pulled_value += (won - won0) + (L->discount_cost - dc0); /* at list price */
  }
  /* with sub-steps (cycle_months < 4) the month's leads are found first
   * and take part in this month's step with the first-month row (half the
   * month's sub-steps: they arrive evenly over the month); at k = 1 they
   * open after the step, as before (below) */
  int fresh = 0;
  if (w->sub_steps > 1) {
    int before = a->n_opps;
    if ((rc = hunt(w, a, i, o)) != 0)
      return rc;
    fresh = a->n_opps - before;
  }
  w->draws += (unsigned long long)a->n_opps;
  double won_now = 0, wins_now = 0;
  salesim_pipeline_step_fresh(w, a, fresh, &won_now, &wins_now);
  if (timing) {
    salesim_overlay_push(w, a, o->revenue_book * a->book_credit + won, &won_now, &wins_now);
    L->pushed_value += a->pushed_value; /* 0 unless pushed this month */
  }
  won += won_now;
  wins += wins_now;
  o->revenue_new = won;
  o->wins = wins;
  if (wins > 0) {
    a->book += won * prod->account_share;
    tr->prospects = fmax(0, tr->prospects - wins);
  }
  if (w->history != NULL) /* the wins sign and become accounts, or wait */
    salesim_history_book(w, a, wins > 0 ? won : 0, a->pushed_wins > 0);
  if (w->sub_steps == 1 && (rc = hunt(w, a, i, o)) != 0)
    return rc; /* one stage a month at most: leads open after the step */
  if (w->spec->overlays.review && a->status == SALESIM_AGENT_ACTIVE)
    salesim_overlay_review(w, a);
  return 0;
}

void salesim_market_orphans(salesim_world *w, double *rev_book, double *book_sum) {
  const salesim_production *prod = &w->sc->production;
  /* accounts of people who left: revenue to the firm, churning untended;
   * those an empty position keeps for its replacement the same */
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status != SALESIM_AGENT_VACANT || !(a->held_book > 0))
      continue;
    *rev_book += a->held_book;
    *book_sum += a->held_book;
    a->held_book *= 1 - prod->orphan_churn;
    if (w->history != NULL)
      salesim_history_scale(w, SALESIM_HOLD_HELD, i, 1 - prod->orphan_churn);
  }
  for (int k = 0; k < w->n_terr; k++) {
    salesim_territory *tr = &w->terr[k];
    *rev_book += tr->orphan_book;
    *book_sum += tr->orphan_book;
    tr->orphan_book *= 1 - prod->orphan_churn;
    if (w->history != NULL)
      salesim_history_scale(w, SALESIM_HOLD_ORPHAN, k, 1 - prod->orphan_churn);
  }
}
