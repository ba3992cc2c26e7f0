/*
 * engine/run/calibrate.h: the people's hidden traits fitted to a company's
 * own history (issue 13; the command is `salesim calibrate`,
 * docs/calibration.md).
 *
 * The simulated method of moments on common random numbers: the company's
 * firm as it stood on the history's first day (its territories, the people
 * then employed with their tenure, the accounts it then had) is simulated
 * under the scenario's current plan (its baseline mechanism) over the
 * history's months, R times with the same seeds for every candidate; the
 * moments of engine/run/moments.h are measured on each simulated history
 * exactly as on the observed one; the candidate minimising the weighted
 * distance between the observed moments and the simulated means wins
 * (GSL's Nelder-Mead simplex on the logarithms of the parameters). The
 * weights are the inverse bootstrap variances of the observed moments (a
 * bootstrap over reps); standard errors are the asymptotic SMM sandwich
 * with the simulation's (1 + 1/R); a parameter the moments hardly move is
 * reported as not identified.
 *
 * Before the traits, the pipeline (stage chances and deal values) is
 * estimated directly from the deal log by maximum likelihood
 * (models/algorithms/pipeline_fit.h) and replaces the scenario's, so the
 * simulated firms sell through the company's own funnel.
 *
 * Read next: engine/run/calibrate.c, engine/run/moments.h.
 */
#ifndef SALESIM_ENGINE_CALIBRATE_H
#define SALESIM_ENGINE_CALIBRATE_H

#include <stdint.h>

#include <salesim/salesim.h>

#include "moments.h"

struct salesim_pipeline_estimate; /* models/algorithms/pipeline_fit.h */

/* The traits fitted (population settings): their names in fit.csv. */
#define SALESIM_CALIB_PARAMS 5

typedef struct salesim_calibrate_options {
  int replications;      /* simulated histories per candidate (default 24) */
  int check_replications;/* histories at the estimate for the moments' intervals (default 100) */
  int bootstrap;         /* bootstrap draws of the observed moments (default 200) */
  int max_evaluations;   /* candidates the simplex may try (default 120) */
  int threads;           /* 0: the machine's */
  uint64_t seed;         /* the simulations' and the bootstrap's seed (default: the scenario's) */
  int has_seed;
  long from, to;         /* the history's days [from, to); SALESIM_DATA_NO_DATE: from the data */
  int holdout_months;    /* fit without the history's last N months, then predict them (0: none) */
  const char *mechanism; /* the current plan's label (default: the baseline) */
  const volatile int *cancel; /* checked between candidates; may be NULL */
} salesim_calibrate_options;

#define SALESIM_CALIBRATE_OPTIONS_INIT                                                            \
  {24, 100, 200, 120, 0, 0, 0, SALESIM_DATA_NO_DATE, SALESIM_DATA_NO_DATE, 0, NULL, NULL}

typedef struct salesim_calibrate_param {
  const char *name;      /* "ability_sd", ... */
  const char *setting;   /* "population.ability.sd", ... */
  double start;          /* the scenario's value */
  double estimate, se;   /* se of the estimate (delta method from the log scale) */
  double low, high;      /* 95 % interval: the sandwich's, followed along the objective */
  int open_low, open_high; /* 1: that end is the search's limit (the data do not bound it) */
  double sensitivity;    /* observed-moment SEs moved per unit of log parameter */
  int identified;        /* 0: the moments hardly move with it (a warning) */
} salesim_calibrate_param;

typedef struct salesim_calibrate_result {
  long from, to;                  /* the history used */
  int months, reps_at_start, replications;
  int mech;                       /* the current plan's index in the scenario */
  salesim_moments observed;
  double observed_se[SALESIM_MOMENTS];  /* bootstrap */
  int used[SALESIM_MOMENTS];            /* 1: in the objective */
  double sim_mean[SALESIM_MOMENTS];     /* at the estimate, check_replications histories */
  double sim_low[SALESIM_MOMENTS], sim_high[SALESIM_MOMENTS];   /* 95 % interval of the mean */
  double sim_p025[SALESIM_MOMENTS], sim_p975[SALESIM_MOMENTS];  /* range of one history */
  salesim_calibrate_param param[SALESIM_CALIB_PARAMS];
  double objective_start, objective;
  int pipeline_fitted;            /* 1: the pipeline below replaced the scenario's */
  struct salesim_pipeline_estimate *pipeline; /* owned: from opportunities.csv
                                                 (docs/pipeline-fit.md), NULL without one */
  double account_scale;           /* the old accounts' back-cast to the history's start */
  /* the held-out months [to, holdout_to) (options.holdout_months > 0): the
   * company's moments there and what the fitted model, run from the
   * history's start through them, predicts (check_replications histories) */
  long holdout_to;                /* 0: no hold-out */
  salesim_moments holdout_observed;
  double holdout_mean[SALESIM_MOMENTS];
  double holdout_p025[SALESIM_MOMENTS], holdout_p975[SALESIM_MOMENTS];
  int evaluations;
  int converged;                  /* the simplex met its size before the budget */
} salesim_calibrate_result;

/**
 * Fit the traits of `sc`'s population to its data (sc->data with a roster
 * and plan-period results). *out is filled. Returns 0, SALESIM_EINVAL
 * (the data cannot support a fit: one line each in diag), a run's code,
 * SALESIM_EINTERRUPTED or SALESIM_ENOMEM. Warnings (a parameter not
 * identified, a moment without observations) are lines in `warn`.
 */
int salesim_calibrate(const salesim_scenario *sc, const salesim_calibrate_options *opt,
                      salesim_calibrate_result *out, salesim_diag *diag, salesim_diag *warn);

/** Free what a result owns (salesim_calibrate fills it in every case). */
void salesim_calibrate_result_clear(salesim_calibrate_result *r);

/** A copy of `sc` with the fitted values set (the pipeline when it was
 *  fitted, the traits; its data shared); NULL if out of memory. */
salesim_scenario *salesim_calibrate_apply(const salesim_scenario *sc,
                                          const salesim_calibrate_result *r);

/** Simulate `sc`'s firm as its data says it stood on day `start` (the
 *  people then employed, the accounts it then had) until day `to`, `reps`
 *  histories under mechanism `mech` (the scenario as given, seeds `seed`
 *  and replications 0..reps-1), and measure each one's moments over
 *  [measure_from, to): out[r]. The accounts that were customers before
 *  `start` enter the books at `account_scale` times their revenue in the
 *  data; kept[r] (NULL: not wanted) is the share of that starting revenue
 *  those accounts still bring at `to` in history r. The calibration's inner
 *  step, public for the held-out check. Returns 0 or a run's code (one line in diag). */
int salesim_calibrate_simulate(const salesim_scenario *sc, int mech, long start, long to,
                               long measure_from, double account_scale, int reps, uint64_t seed,
                               int threads, salesim_moments *out, double *kept,
                               salesim_diag *diag);

#endif
