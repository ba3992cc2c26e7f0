/*
 * models/core/pipeline.h: the sales pipeline (MODEL.md §4, DIGEST.md §2).
 *
 * Opportunities sit at stages 1..4 (20, 40, 60, 80 %); each month an open
 * opportunity advances one stage, is lost, or stays. With per-month exit
 * probability q = 4 / cycle_months at every stage, advance q*j/(j+1) and
 * loss q/(j+1), the chance of eventually winning from stage j is exactly
 * j * 20 % and the mean time from first contact to contract is
 * cycle_months (four geometric stays of mean 1/q; see pipeline.c).
 * production.stage_advance / stage_loss replace that rule by per-stage
 * values (estimated from a company's deal log: algorithms/pipeline_fit.h);
 * then P(win | j) = prod_{i>=j} a_i/(a_i+l_i) and the cycle (a won deal's
 * months from 20 % to contract) is sum_j 1/(a_j+l_j) (w->p_win, w->cycle).
 * Under 4 months (issue 14) the rule runs k sub-steps a month at an exit
 * chance q' solved so that the mean months from first contact to a won
 * contract is cycle_months, composed into monthly rows (w->month_row): a
 * deal may then move several stages, or close, within a month, its first
 * month (half of the sub-steps, w->first_row) included (pipeline.c).
 */
#ifndef SALESIM_PIPELINE_H
#define SALESIM_PIPELINE_H

#include "world.h"

/** The world's deal arena: every slot's block of SALESIM_DEAL_STRIDE deals,
 *  slot after slot (pipeline mode only; w->agents allocated). Returns 0 or
 *  SALESIM_ENOMEM. salesim_pipeline_free frees it and every block a slot
 *  grew into. */
int salesim_pipeline_alloc(salesim_world *w);
void salesim_pipeline_free(salesim_world *w);

/** Fill w->p_advance, p_lose, p_win, cycle, win_within, psi, deal_mean,
 *  deal_m2 from the scenario's production settings. */
void salesim_pipeline_calibrate(salesim_world *w);

/** The monthly advance and loss chances of stages 1..4 into advance[j],
 *  lose[j] (index 0 set to 0; arrays of SALESIM_STAGES): the scenario's
 *  stage_advance / stage_loss when both hold 4 values (returns 1), else the
 *  rule q*j/(j+1), q/(j+1), q = 4/cycle_months (returns 0). */
int salesim_pipeline_stage_rates(const salesim_production *p, double *advance, double *lose);

/** k, the chain's sub-steps a month: under the rule when cycle_months < 4,
 *  2 * min(8, ceil(6 / cycle_months)) (even: the first month is half of
 *  them; 4 at 3 months, 8 at 1.5, 16 from 0.75 down); else 1 (also with
 *  per-stage values). */
int salesim_pipeline_substeps(const salesim_production *p);

/** The exact mean months from first contact to a won contract of the
 *  monthly chain `rows` (as from salesim_pipeline_month_rows), for a lead
 *  that starts with the row `first` in the month it is found: that month
 *  counts 0.5 (leads arrive evenly over the month; a win in it closes at
 *  its end), every later month 1. With first NULL: from a month's end at
 *  stage 1, whole months. *p_won (may be NULL): its chance of a win. */
double salesim_pipeline_mean_months(double rows[SALESIM_STAGES][SALESIM_STAGES + 1],
                                    const double first[SALESIM_STAGES + 1], double *p_won);

/** q' in (0, 1]: the sub-step exit chance of the rule (advance q'j/(j+1),
 *  loss q'/(j+1)) at which k sub-steps a month, a new lead's first month
 *  k/2 of them, give a mean (salesim_pipeline_mean_months) of `cycle`
 *  months: bisection to the last bit. 1 when even q' = 1 is not faster
 *  (cycle 0.5 at k = 16 is exactly q' = 1). */
double salesim_pipeline_solve(double cycle, int k);

/** The monthly transition rows: rows[j][s] = P(a deal at stage j ends the
 *  month lost (s = 0), at stage s (1..SALESIM_STAGES-1), or won (s =
 *  SALESIM_STAGES)), the k-step chain composed, each sub-step with the
 *  rule's chances at q' = salesim_pipeline_solve(cycle_months, k) (with k =
 *  1, the monthly chances of salesim_pipeline_stage_rates). Row 0 is all 0.
 *  first[s]: the same for a lead found this month, from stage 1 over k/2
 *  sub-steps (the first-month rule); at k = 1 it stays at stage 1 (first[1]
 *  = 1). *q_sub (may be NULL): q' (4/cycle_months capped at 1 at k = 1
 *  under the rule, 0 with per-stage values). Returns k. */
int salesim_pipeline_month_rows(const salesim_production *p,
                                double rows[SALESIM_STAGES][SALESIM_STAGES + 1],
                                double first[SALESIM_STAGES + 1], double *q_sub);

/** The chain's steady state, for a pipeline that has run a long time (the
 *  starting force's open deals): with lam new deals a month opening at
 *  20 %, the expected open deals at stage j at a month's end are
 *  lam * reach[j] / exit_rate[j], where reach[j] = P(a deal reaches stage
 *  j) = prod_{i<j} a_i/(a_i+l_i) and exit_rate[j] = a_j + l_j (arrays of
 *  SALESIM_STAGES, index 0 set to 0). Under the rule from cycle_months they
 *  are exactly 1.0 / j and 4.0 / cycle_months, the expressions the
 *  starting pipelines have always used, so defaults keep their bytes.
 *  With sub-steps (a deal may skip stages in a month, its first one
 *  included) reach[j] is the chance that a deal sits at stage j at some
 *  month's end and exit_rate[j] = 1 - P(it stays there a month), both from
 *  the monthly rows and the first-month row. */
void salesim_pipeline_steady(const salesim_production *p, double *reach, double *exit_rate);

/** The absorbing chain's exact figures from per-stage chances (arrays of
 *  SALESIM_STAGES, index 0 set to 0): p_win[j] = P(eventually won | stage
 *  j) = prod_{i>=j} a_i/(a_i+l_i); months_left[j] = expected months from
 *  entering stage j to the close, won or lost; months_to_win[j] = expected
 *  months from stage j to the contract of a deal that is won, sum_{i>=j}
 *  1/(a_i+l_i) (cycle_months under the default rule). HUGE_VAL where a
 *  stage is never left. */
void salesim_pipeline_chain(const double *advance, const double *lose, double *p_win,
                            double *months_left, double *months_to_win);

/** Open a new opportunity at stage 1 for slot `owner`; returns 0, or a
 *  negative code when out of memory (SALESIM_ENOMEM) or past w->opp_limit
 *  open in all (SALESIM_ELIMIT): then the world's error is set and the
 *  caller ends the run, never drops the lead (docs/limits.md). A slot's
 *  deals sit in one block (a->deal_value, a->deal_stage, oldest first) that
 *  moves when it grows: keep no pointer into it. */
int salesim_pipeline_open(salesim_world *w, int owner, double value);

/** salesim_pipeline_open at stage `stage` (1..SALESIM_STAGES-1): the
 *  starting force's pipelines. */
int salesim_pipeline_open_at(salesim_world *w, int owner, double value, int stage);

/** The month's n new leads of the person in slot `owner`, in turn: with
 *  p_coll > 0 a uniform from its stream decides whether a teammate found
 *  the lead first (below p_coll: *collisions += 1); otherwise a deal value
 *  drawn from w->deal opens at stage 1 (*leads += 1). The same draws and
 *  opens as that loop written with salesim_rng_uniform,
 *  salesim_dist_fast_draw and salesim_pipeline_open, with the stream's
 *  state held in registers (issue 12). Returns 0, or the first open's
 *  negative code (the world's error set; the leads after it not drawn). */
int salesim_pipeline_find(salesim_world *w, int owner, unsigned n, double p_coll,
                          double *collisions, double *leads);

/** Draw the number of new opportunities of one person this month, Poisson
 *  with mean `expected`, from r into *n. Refuses (world error set, *n = 0,
 *  SALESIM_ELIMIT) an expectation or a draw above w->leads_limit, and a
 *  non-finite expectation, without drawing. */
int salesim_pipeline_leads(salesim_world *w, double expected, gsl_rng *r, unsigned *n);

/** Advance every open opportunity of agent `a` by one month. Wins add to
 *  *won_value and *wins (the caller books them); uses a->rng, one uniform
 *  a deal. Also refreshes a->pipeline_value (sum of value * stage
 *  probability). */
void salesim_pipeline_step(salesim_world *w, salesim_agent *a, double *won_value,
                           double *wins);

/** salesim_pipeline_step where the `fresh` newest deals (leads found this
 *  month, opened at stage 1 just before) take the first-month row
 *  w->first_row instead of a whole month's: still one uniform a deal. With
 *  k = 1 (w->sub_steps) `fresh` is ignored: salesim_pipeline_step. */
void salesim_pipeline_step_fresh(salesim_world *w, salesim_agent *a, int fresh,
                                 double *won_value, double *wins);

/** Timing games (Larkin 2014): before the pipeline step, an agent with
 *  `months_left` in its pay period may pull each deal at stage 4 (80 %) into
 *  this month at a price discount: the deal is decided now, won with its
 *  eventual chance W_4 = w->p_win[4] (0.8 under the default rule) at
 *  value*(1-discount). The agent pulls when that is worth more to it than
 *  waiting: W_4*m_now*V*(1-d) against
 *  V*(m_now*P(win in time) + m_after*(W_4 - P(win in time))), with m_now and
 *  m_after its marginal pay of credit in and after the period. Adds pulled
 *  wins to *won_value / *wins, and counts *pulled and *discount_cost. */
void salesim_pipeline_pull(salesim_world *w, salesim_agent *a, double m_now, double m_after,
                           int months_left, double discount, double *won_value, double *wins,
                           double *pulled, double *discount_cost);

/** Expected value and variance of what agent a's open pipeline closes
 *  within m months, from its per-stage sums (kept on open/pull/step/clear:
 *  no walk of the deals). Inline (issue 12): the decisions ask it several
 *  times per agent-month. */
static inline void salesim_pipeline_expect(const salesim_world *w, const salesim_agent *a,
                                           int m, double *mean, double *var) {
  double mu = 0, v = 0;
  if (m > SALESIM_MAX_HORIZON)
    m = SALESIM_MAX_HORIZON;
  for (int j = 1; j < SALESIM_STAGES; j++) {
    double p = w->win_within[j][m];
    mu += p * a->stage_sum[j];
    v += p * (1 - p) * a->stage_sum2[j];
  }
  *mean = mu;
  *var = v;
}

/** Drop all open opportunities of agent a (they leave with the person). */
void salesim_pipeline_clear(salesim_world *w, salesim_agent *a);

#endif
