/*
 * models/core/window.h: what one unit of hunting effort is worth to a pay
 * rule that counts wins inside a window of months (a SPIF), as the agent
 * reckons it (models/core/decision.c): the expected number of wins per
 * unit of hunting effort, discounted, from the leads the agent finds over
 * its horizon, that close in months [from, to) counted from now.
 * Read next: models/core/window.c, models/core/pipeline.c (win_within).
 */
#ifndef SALESIM_WINDOW_H
#define SALESIM_WINDOW_H

#include "world.h"

/** Expected wins per unit of hunting effort h, discounted as the agent
 *  discounts (d^m for a win in month m, m = 0 this month: w->dpow), from the
 *  leads found in this month and each later month of the agent's horizon
 *  (population.horizon_months, at most SALESIM_MAX_HORIZON) that close in a
 *  month m with from <= m < to and m < the horizon. Leads found in month s
 *  open after that month's pipeline step (models/core/market.c), so they
 *  win in month s + u with chance win_within[1][u] - win_within[1][u-1],
 *  u >= 1; summed over s the chance of a win in month m telescopes to
 *  win_within[1][m]:
 *
 *    value = lead_unit * sum_{m in [from, to), 1 <= m < H} d^m win_within[1][m]
 *
 *  with lead_unit = leads a month per unit h (the territory's lead rate x
 *  ability x skill x prospects left / difficulty, as decision.c counts
 *  them; collisions and the territory's shock are left out there too).
 *  0 when the window is empty or past the horizon; pipeline mode only
 *  (linear mode has no leads: 0). Pure. */
double salesim_win_value_window(const salesim_world *w, const salesim_agent *a, int from, int to);

#endif
