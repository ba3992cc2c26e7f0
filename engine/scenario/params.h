/*
 * engine/scenario/params.h: internal helpers around salesim_param_table (not part of
 * the public API): the tables of the scenario's own groups, range and
 * default texts, "did you mean" suggestions, and the markdown reference
 * that docs/scenario-format.md and `salesim params` print.
 *
 * Implemented without libconfig in engine/scenario/params.c (the tables),
 * engine/scenario/params_text.c (defaults, ranges, texts, suggestions),
 * engine/scenario/params_doc.c (the markdown reference) and engine/scenario/params_limits.c
 * (bounded work); the loader (engine/scenario/scenario*.c, the only code that
 * includes libconfig.h) reads files with these tables.
 */
#ifndef SALESIM_ENGINE_PARAMS_H
#define SALESIM_ENGINE_PARAMS_H

#include <stddef.h>
#include <stdio.h>

#include <salesim/scenario.h>

/** The top-level scalar settings of a scenario file, as the reader fills
 *  them; engine/scenario/scenario_groups.c copies them into salesim_scenario. `description`
 *  is here for the docs only: the loader reads it itself (any length). */
typedef struct salesim_scenario_top {
  char name[SALESIM_NAME_MAX];
  char description[SALESIM_NAME_MAX];
  char currency[SALESIM_NAME_MAX];
  int seed;
  int replications;
  int months;
  int months_per_year;
  char baseline[SALESIM_NAME_MAX];
  int mode;      /* salesim_study_mode */
  double budget; /* costing: annual pay-cost budget */
  char calibration[SALESIM_NAME_MAX]; /* the table's entry for the docs: the
                                         loader reads the setting itself
                                         (engine/scenario/calibration_load.c) */
} salesim_scenario_top;

/** Indexes into the array salesim_scenario_tables() returns. */
enum salesim_scenario_table_id {
  SALESIM_TABLE_TOP = 0,     /* salesim_scenario_top */
  SALESIM_TABLE_PRODUCTION,  /* salesim_production */
  SALESIM_TABLE_POPULATION,  /* salesim_population */
  SALESIM_TABLE_TERRITORIES, /* salesim_territories (without `list`) */
  SALESIM_TABLE_TERRITORY,   /* salesim_territory_spec: an entry of `list` */
  SALESIM_TABLE_FIRM,        /* salesim_firm */
  SALESIM_TABLE_OVERLAYS,    /* salesim_overlays: in every mechanism entry */
  SALESIM_TABLE_SWEEP,       /* salesim_sweep (without `params`) */
  SALESIM_TABLE_SWEEP_PARAM, /* salesim_sweep_param: an entry of sweep.params */
  SALESIM_TABLE_COUNT
};

/** Optimal-string-alignment edit distance (a swap of two neighbours counts
 *  as one edit); names longer than 63 characters give a large number. */
size_t salesim_params_distance(const char *a, const char *b);

/** The candidate closest to `name` within edit distance 2, or NULL. */
const char *salesim_params_suggest(const char *name, const char *const *candidates,
                                   size_t n);

/** Nonzero if `v` is in the spec's range (flags included; ints also within
 *  the range of int). NaN and infinities are never in range. */
int salesim_params_in_range(const salesim_param_spec *spec, double v);

/** The spec's range as text: "> 0", "0..1", "0 < x <= 1", ">= 4", or "" if
 *  unbounded. Returns buf. */
const char *salesim_params_range_text(const salesim_param_spec *spec, char *buf,
                                      size_t size);

/** What a value of this spec looks like, for "(expected ...)": "a number
 *  > 0", "an integer 1..600", "one of: annual, quarterly", ... */
const char *salesim_params_expect_text(const salesim_param_spec *spec, char *buf,
                                       size_t size);

/** The spec's default as text ("lognormal(mean 1, sd 0.3)", "(0, 0) (1, 1)",
 *  "required"). Returns buf. */
const char *salesim_params_default_text(const salesim_param_spec *spec, char *buf,
                                        size_t size);

/** Index of `value` in a "a|b|c" choice list, or -1. */
int salesim_params_choice_index(const char *choices, const char *value);

/** The choices as "a, b, c" (or the idx-th alone when idx >= 0). */
const char *salesim_params_choice_text(const char *choices, int idx, char *buf,
                                       size_t size);

/** A number as text: integers up to 1e15 without exponent, else %g. */
const char *salesim_params_number_text(double v, char *buf, size_t size);

/* salesim_scenario_doc_markdown (the tables as markdown) is public:
 * include/salesim/scenario.h. */

/* ---- bounded work (docs/limits.md) ---------------------------------------- */

/** At most this many new opportunities a month per position at unit hunting
 *  effort (pipeline mode); the runtime bound is 20 times higher. */
#define SALESIM_LIMIT_LEADS_UNIT 500
/** effort_cost at least the money a position can sell a month over this. */
#define SALESIM_LIMIT_EFFORT_RATIO 1000000

/** The numbers behind the pipeline-mode cross-checks of bounded work. */
typedef struct salesim_limit_check {
  double deal_mean;        /* mean deal value */
  double sales_month;      /* largest territory potential / 12 / its positions */
  double leads_unit;       /* leads a month per position at unit hunting effort */
  double deal_min;         /* smallest mean deal value within the limit */
  double effort_cost_mean; /* mean effort_cost */
  double effort_cost_min;  /* smallest mean effort_cost within the limit */
} salesim_limit_check;

/** Fill *out from a loaded scenario (population.reps, territories,
 *  production.deal_value, population.effort_cost). */
void salesim_params_limit_check(const salesim_scenario *sc, salesim_limit_check *out);

#endif
