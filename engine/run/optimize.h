/*
 * engine/run/optimize.h: the value of one plan parameter that maximises the
 * firm's expected profit (internal; the command is `salesim optimize`,
 * docs/batch-and-sweeps.md).
 */
#ifndef SALESIM_ENGINE_OPTIMIZE_H
#define SALESIM_ENGINE_OPTIMIZE_H

#include <salesim/salesim.h>

typedef struct salesim_optimize_options {
  const char *mechanism;     /* label in the scenario */
  const char *param;         /* SETTING of that mechanism, or a full path */
  int has_range;
  double lo, hi;             /* default: the setting's allowed range (finite) */
  double max_cost_of_sales;  /* constraint on the mean; NAN: none */
  double min_retention;      /* top_quintile_retention mean at least; NAN: none */
  int bind_participation;    /* objective as if the base made participation bind */
  int grid;                  /* points of the first grid (default 21) */
  salesim_run_options run;   /* seed, replications, threads, cancel */
} salesim_optimize_options;

typedef struct salesim_optimize_point {
  double x, mean, ci_low, ci_high; /* objective per year over replications */
  double cost_of_sales, retention;
  int feasible;
} salesim_optimize_point;

typedef struct salesim_optimize_result {
  char path[160];
  double lo, hi;                  /* the range searched */
  salesim_optimize_point best;
  double interval_lo, interval_hi;/* values not significantly worse than best */
  int evaluations;
  salesim_optimize_point *points; /* every evaluation, sorted by x (owned) */
  int n_points;
} salesim_optimize_result;

/**
 * Maximise the replication mean of the objective over the parameter: a
 * grid over the range, golden-section search in the best grid point's
 * bracket, then a grid of 21 points around the result (the final check).
 * Every evaluation runs the mechanism alone with the same seed (common
 * random numbers). The objective is profit per year; with
 * bind_participation it is profit + pay - the agents' participation cost
 * 12 * headcount * (w + c e^2/2 + r/2 beta^2 sigma^2) (Holmstrom-Milgrom's
 * objective when the base is set at alpha*; linear mode, constant
 * population, commission rate only). The interval is every evaluated value
 * whose paired difference to the best (per replication) is not significant
 * at 5 % (two-sided t). Returns 0, SALESIM_EINVAL (bad options, one line in
 * diag) or a run's error.
 */
int salesim_optimize(salesim_optimize_result *out, const salesim_scenario *sc,
                     const salesim_optimize_options *opt, salesim_diag *diag);
void salesim_optimize_result_clear(salesim_optimize_result *r);

#endif
