/*
 * engine/scenario/params_json.h: a parameter group as JSON (internal), from its
 * salesim_param_table, so summary.json's manifest can carry each plan's
 * settings and the reports can draw payout curves without knowing the
 * loader. Read next: engine/report/report.h.
 */
#ifndef SALESIM_ENGINE_PARAMS_JSON_H
#define SALESIM_ENGINE_PARAMS_JSON_H

#include <jansson.h>

#include <salesim/scenario.h>

/**
 * The settings of `params` (a struct described by `table`) as a new JSON
 * object, keys in table order: numbers and ints as numbers, bools as true or
 * false, choices and strings as strings, distributions as
 * {"dist", "mean", "sd", "min", "max"}, points as [[x, y], ...], vectors as
 * [v, ...]. NULL if out of memory or if table or params is NULL.
 */
json_t *salesim_params_to_json(const salesim_param_table *table, const void *params);

/** Mean of a distribution ((min+max)/2 for uniform). */
double salesim_params_dist_mean(const salesim_dist *d);

/**
 * The annual target of a typical rep under the scenario's target rule: the
 * fixed target, or potential_share * (mean potential per rep) +
 * book_factor * 12 * (mean book per rep), territories shared evenly among
 * the starting reps. The reports use it as the x scale of payout curves.
 */
double salesim_params_reference_target(const salesim_scenario *sc);

#endif
