/*
 * models/core/window.h: what one unit of hunting effort is worth to a pay
 * rule that counts wins inside a window of months (a SPIF), as the agent
 * reckons it (models/core/decision.c): the expected number of wins per
 * unit of hunting effort, discounted, from the leads the agent finds over
 * its horizon, that close in months [from, to) counted from now.
 * Read next: models/core/window.c, models/core/pipeline.c (lead_within).
 */
#ifndef SALESIM_WINDOW_H
#define SALESIM_WINDOW_H

#include "world.h"

/** Expected wins per unit of hunting effort h, discounted as the agent
 *  discounts (d^m for a win in month m, m = 0 this month: w->dpow), from the
 *  leads found in this month and each later month of the agent's horizon
 *  (population.horizon_months, at most SALESIM_MAX_HORIZON) that close in a
 *  month m with from <= m < to and m < the horizon. A lead found in month s
 *  wins in month s + u with chance lead_within[u] - lead_within[u-1]
 *  (lead_within[-1] = 0; lead_within[0] is the chance it wins in the month
 *  it is found, 0 when a month is one step, cycles of 4 months and more,
 *  where leads open after the month's step: models/core/market.c,
 *  pipeline.c); summed over s the chance of a win in month m telescopes to
 *  lead_within[m]:
 *
 *    value = lead_unit * sum_{m in [from, to), 0 <= m < H} d^m lead_within[m]
 *
 *  with lead_unit = leads a month per unit h (the territory's lead rate x
 *  ability x skill x prospects left / difficulty, as decision.c counts
 *  them; collisions and the territory's shock are left out there too).
 *  0 when the window is empty or past the horizon; pipeline mode only
 *  (linear mode has no leads: 0). Pure. */
double salesim_win_value_window(const salesim_world *w, const salesim_agent *a, int from, int to);

#endif
