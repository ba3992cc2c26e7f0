/*
 * engine/scenario/params_limits.c: the numbers behind the cross-checks of bounded
 * work in pipeline mode (docs/limits.md): how many leads a month a position
 * would see and how cheap effort may be, from a loaded scenario.
 *
 * Read next: engine/scenario/scenario.c (the loader; engine/scenario/scenario_groups.c runs
 * the cross-checks that use these numbers).
 */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "params.h"

#define INF ((double)INFINITY)

/* ---- bounded work (docs/limits.md) ---------------------------------------- */

static double dist_mean(const salesim_dist *d) {
  return d->kind == SALESIM_DIST_UNIFORM ? 0.5 * (d->min + d->max) : d->mean;
}

/* P(win | stage 20 %): 0.2 under the rule from cycle_months, else the
 * product of the per-stage advance shares a/(a+l) (models/core/pipeline.c,
 * salesim_pipeline_calibrate, computes the same). */
static double win_from_first(const salesim_production *p) {
  const salesim_vector *a = &p->stage_advance, *l = &p->stage_loss;
  if (a->n != 4 || l->n != 4)
    return 0.2;
  double w = 1;
  for (int j = 3; j >= 0; j--)
    w *= a->v[j] + l->v[j] > 0 ? a->v[j] / (a->v[j] + l->v[j]) : 0;
  return w;
}

void salesim_params_limit_check(const salesim_scenario *sc, salesim_limit_check *out) {
  const salesim_territories *ts = &sc->territories;
  int n_terr = ts->list_count > 0 ? ts->list_count : ts->count;
  if (n_terr < 1)
    n_terr = 1;
  /* the territory with the fewest positions gets reps / n_terr of them */
  double slots = sc->population.reps / n_terr;
  if (slots < 1)
    slots = 1;
  double potential = 0;
  if (ts->list_count > 0) {
    for (int k = 0; k < ts->list_count; k++)
      if (ts->list[k].potential > potential)
        potential = ts->list[k].potential;
  } else {
    potential = dist_mean(&ts->potential);
  }
  out->deal_mean = dist_mean(&sc->production.deal_value);
  out->sales_month = potential / (12.0 * slots);
  /* territory lead rate (models/core/world.c): P / (n * 12 * W_1 * E[V]),
   * W_1 = P(win | stage 20 %), 0.2 by default */
  double w1 = win_from_first(&sc->production);
  out->leads_unit = out->deal_mean > 0 ? out->sales_month / (w1 * out->deal_mean) : INF;
  out->deal_min = out->sales_month / (w1 * SALESIM_LIMIT_LEADS_UNIT);
  out->effort_cost_mean = dist_mean(&sc->population.effort_cost);
  out->effort_cost_min = out->sales_month / SALESIM_LIMIT_EFFORT_RATIO;
}
