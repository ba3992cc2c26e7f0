/*
 * models/core/window.c: salesim_win_value_window (models/core/window.h), the
 * discounted expected wins per unit of hunting effort inside a window of
 * months, from the pipeline's lead_within table (models/core/pipeline.c).
 * tests/test_window.c checks it against the chain stepped month by month.
 * Read next: models/core/decision.c (how hunt_value enters effort).
 */
#include "window.h"

double salesim_win_value_window(const salesim_world *w, const salesim_agent *a, int from, int to) {
  const salesim_scenario *sc = w->sc;
  if (sc->production.mode == SALESIM_MODE_LINEAR)
    return 0;
  int H = sc->population.horizon_months;
  if (H > SALESIM_MAX_HORIZON)
    H = SALESIM_MAX_HORIZON;
  if (from < 0)
    from = 0;
  if (to > H)
    to = H;
  if (from >= to)
    return 0;
  const salesim_territory *t = &w->terr[a->territory];
  double rho = t->prospects0 > 0 ? t->prospects / t->prospects0 : 1;
  double lead_unit = t->lead_rate * a->ability * a->skill * rho / t->difficulty;
  double sum = 0;
  for (int m = from; m < to; m++)
    sum += w->dpow[m] * w->lead_within[m];
  return lead_unit * sum;
}
