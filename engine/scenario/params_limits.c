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
  /* territory lead rate (models/core/world.c): P / (n * 12 * 0.2 * E[V]) */
  out->leads_unit = out->deal_mean > 0 ? out->sales_month / (0.2 * out->deal_mean) : INF;
  out->deal_min = out->sales_month / (0.2 * SALESIM_LIMIT_LEADS_UNIT);
  out->effort_cost_mean = dist_mean(&sc->population.effort_cost);
  out->effort_cost_min = out->sales_month / SALESIM_LIMIT_EFFORT_RATIO;
}
