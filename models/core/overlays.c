/*
 * models/core/overlays.c: the engine-side rules that every mechanism entry
 * accepts on top of its own (the scenario's `overlays` settings and the
 * production's timing games; docs/model.md "Timing games, pipeline review,
 * forecasts"):
 *
 *   - the ratchet: next year's target moves toward this year's sales
 *     (salesim_world_rule_target, models/core/world.c, asks
 *     salesim_overlay_ratchet_target), and the agent counts what a unit of
 *     credit now costs it next year (salesim_overlay_ratchet_cost, from the
 *     decisions in models/core/sim.c);
 *   - timing games: pulling deals into a pay period at a discount
 *     (salesim_pipeline_pull, models/core/pipeline.c) and pushing deals that
 *     close in a period's last month into the next (salesim_overlay_push),
 *     both from the market (models/core/market.c);
 *   - the pipeline review: warnings and coaching for reps whose pipeline is
 *     stuck (salesim_overlay_review, from the market) and its hit rate at
 *     the plan year's end (salesim_overlay_review_score, from the year's
 *     statistics in models/core/sim_metrics.c).
 *
 * Read next: models/core/market.c.
 */
#include <math.h>

#include "sim_internal.h"

/* ---- the ratchet ---------------------------------------------------------- */

double salesim_overlay_ratchet_target(const salesim_world *w, const salesim_agent *a,
                                      double rule) {
  double ratchet = w->spec->overlays.ratchet;
  if (ratchet > 0 && a->has_prev) {
    /* ratchet: last year's target moved toward last year's sales, never
     * below a quarter of what the rule would set */
    double t = a->prev_target + ratchet * (a->prev_sales - a->prev_target);
    return fmax(t, 0.25 * rule);
  }
  return rule;
}

void salesim_overlay_ratchet_cost(const salesim_world *w, const salesim_agent *a,
                                  salesim_incentive *inc) {
  /* a ratchet makes this year's credit raise next year's target: the agent
   * counts what that costs it next year (the schedule's expected slope at
   * target), if it is in the plan year from its start */
  double ratchet = w->spec->overlays.ratchet;
  if (ratchet > 0 && inc->pay_scales_with_target && inc->period_months > 0 && a->target > 0 &&
      a->hired_month <= w->month - w->month_in_year) {
    /* pay next year is schedule(S'; T') with the schedule scaling with T':
     * d pay / d T' = -A * slope(A T') for attainment A; expecting next year
     * to go like this one (A = the attainment it plans for now), a unit of
     * credit now raises T' by `ratchet` and costs ratchet * A * slope */
    /* early in the year the outcome is unsure and the cost is an average
     * over it; late, a rep sure to overshoot knows it pays the steep rate */
    double att = a->exp_att > 0 ? a->exp_att : 1.0, slope = 0;
    double sd = a->sd_att > 0 ? a->sd_att : 0.2;
    salesim_schedule_expect(inc->sched, att * a->target, sd * a->target, &slope);
    inc->credit_cost =
        ratchet * att * slope * w->dpow[inc->months_left];
    /* next year's credit raises the target after that in the same way */
    double later = inc->credit_cost * w->dpow[w->sc->months_per_year];
    inc->after_value = inc->after_value > later ? inc->after_value - later : 0;
  }
}

/* ---- timing games: the push ---------------------------------------------- */

/* Does holding `deals` (value) back into the next pay period pay the agent?
 * The period ends this month with credit a->credit_period + other + deals. */
static int push_pays(const salesim_world *w, const salesim_agent *a, double other, double deals) {
  double end = a->credit_period + other + deals;
  double now =
      salesim_schedule_eval(&a->sched, end) - salesim_schedule_eval(&a->sched, end - deals);
  double later = a->m_after * w->sc->population.discount * deals;
  return later > now * (1 + 1e-9) + 1e-9;
}

void salesim_overlay_push(salesim_world *w, salesim_agent *a, double other, double *won_now,
                          double *wins_now) {
  /* push: deals closing in the period's last month sign next month when
   * they are worth more there (cap reached, quota out of reach): what
   * they add to this period's pay, read off the schedule at the period's
   * final credit, against their value next period */
  if (w->sc->production.push_deals && a->period_left == 1 && *wins_now > 0 &&
      push_pays(w, a, other, *won_now)) {
    a->pushed_value = *won_now;
    a->pushed_wins = *wins_now;
    w->ledger.pushed += *wins_now;
    *won_now = *wins_now = 0;
  }
}

/* ---- the pipeline review --------------------------------------------------- */

/* Pipeline review overlay (DIGEST.md §2): a rep whose open opportunities
 * have all sat at or below review_stage, with no new ones, for review_months
 * gets a warning and coaching: a management cost and a temporary gain in
 * hunting skill. Precision and recall are scored at the plan year's end
 * against who then missed target (salesim_overlay_review_score). */
void salesim_overlay_review(salesim_world *w, salesim_agent *a) {
  const salesim_overlays *ov = &w->spec->overlays;
  if (a->coached_until == w->month) {
    a->skill /= 1 + ov->coaching_gain;
    a->coached_until = -1;
  }
  if (a->max_stage <= ov->review_stage && a->leads_month == 0)
    a->stuck_months++;
  else
    a->stuck_months = 0;
  if (a->stuck_months < ov->review_months)
    return;
  a->stuck_months = 0;
  w->ledger.warnings += 1;
  if (a->warned_month < 0)
    a->warned_month = w->month;
  w->ledger.mgmt_cost += ov->coaching_cost;
  if (a->coached_until < 0)
    a->skill *= 1 + ov->coaching_gain;
  a->coached_until = w->month + ov->coaching_months;
}

void salesim_overlay_review_score(salesim_world *w, const salesim_agent *a, int year_start,
                                  double att) {
  salesim_ledger *L = &w->ledger;
  int warned = a->warned_month >= year_start;
  int missed = att < 1.0;
  L->warn_tp += warned && missed;
  L->warn_fp += warned && !missed;
  L->warn_fn += !warned && missed;
  if (warned && missed)
    L->warn_lead += w->month + 1 - a->warned_month;
}
