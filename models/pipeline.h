/*
 * models/pipeline.h: the sales pipeline (MODEL.md §4, DIGEST.md §2).
 *
 * Opportunities sit at stages 1..4 (20, 40, 60, 80 %); each month an open
 * opportunity advances one stage, is lost, or stays. With per-month exit
 * probability q = 4 / cycle_months at every stage, advance q*j/(j+1) and
 * loss q/(j+1), the chance of eventually winning from stage j is exactly
 * j * 20 % and the mean time from first contact to contract is
 * cycle_months (four geometric stays of mean 1/q; see pipeline.c).
 */
#ifndef SALESIM_PIPELINE_H
#define SALESIM_PIPELINE_H

#include "world.h"

/** Fill w->p_advance, p_lose, win_within, psi, deal_mean, deal_m2 from the
 *  scenario's production settings. */
void salesim_pipeline_calibrate(salesim_world *w);

/** Open a new opportunity at stage 1 for slot `owner`; returns its index
 *  or -1 when out of memory (the lead is then dropped). The pool grows by
 *  doubling, so indices stay valid but opp pointers do not. */
int salesim_pipeline_open(salesim_world *w, int owner, double value);

/** Advance every open opportunity of agent `a` by one month. Wins add to
 *  *won_value and *wins (the caller books them); uses a->rng. Also
 *  refreshes a->pipeline_value (sum of value * stage probability). */
void salesim_pipeline_step(salesim_world *w, salesim_agent *a, double *won_value,
                           double *wins);

/** Expected value and variance of what agent a's open pipeline closes
 *  within m months. */
void salesim_pipeline_expect(const salesim_world *w, const salesim_agent *a, int m,
                             double *mean, double *var);

/** Drop all open opportunities of agent a (they leave with the person). */
void salesim_pipeline_clear(salesim_world *w, salesim_agent *a);

#endif
