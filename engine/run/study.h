/*
 * engine/run/study.h: a scenario run as a study (internal): the comparison run
 * itself, plus the sweep (engine/run/sweep.c) when the scenario declares one and
 * the costing summary (engine/costing.c) in costing mode, all written into
 * one output folder atomically with the reports. `salesim run` and
 * `salesim batch` both go through salesim_study_run. Read next:
 * engine/run/sweep.c, engine/run/batch.c.
 */
#ifndef SALESIM_ENGINE_STUDY_H
#define SALESIM_ENGINE_STUDY_H

#include <salesim/salesim.h>

/** Results of a sweep: one row per point and mechanism. */
typedef struct salesim_sweep_result {
  int n_points, n_params, n_mech;
  char (*paths)[SALESIM_NAME_MAX];  /* n_params */
  char (*mech_names)[64];           /* n_mech */
  double *values;                   /* [point * n_params + j] */
  salesim_stat *stats;              /* [(point * n_mech + mech) * SALESIM_METRIC_COUNT + m] */
} salesim_sweep_result;

void salesim_sweep_result_free(salesim_sweep_result *s);

/** The design points of a sweep: *out is n x sw->n_params values (malloc'd),
 *  grid in row-major order (the first parameter varies slowest), Latin
 *  hypercube from a GSL taus2 stream seeded with `seed`, Sobol from
 *  gsl_qrng_sobol (at most 40 parameters). */
int salesim_sweep_points(const salesim_sweep *sw, uint64_t seed, double **out, int *n,
                         salesim_diag *diag);

/** Check every point of sc->sweep's design (with `seed`) against the
 *  settings' ranges and every cross-check, on a copy of the scenario. On
 *  the first point that fails: SALESIM_ESCENARIO, `what` holds
 *  "point K of N (PATH = V, ...)" and `problem` the check's line. 0 if all
 *  pass; SALESIM_ENOMEM. */
int salesim_sweep_check(const salesim_scenario *sc, uint64_t seed, char *what, size_t size,
                        salesim_diag *problem);

/** Run every point of sc->sweep: the scenario with the point's values,
 *  every mechanism, the same seed at every point (common random numbers).
 *  opt->progress (if any) is called with (points done, points). */
int salesim_sweep_run(salesim_sweep_result **out, const salesim_scenario *sc,
                      const salesim_run_options *opt, salesim_diag *diag);

/** Write sweep.csv into dir (C locale expected). */
int salesim_sweep_write_csv(const salesim_sweep_result *s, const char *dir, salesim_diag *diag);

/** Write costing.csv into dir from results: per mechanism, pay cost, cost of
 *  sales, profit and revenue with mean and P5/P50/P95, and the share of
 *  replications whose pay cost exceeds `budget` (budget > 0). */
int salesim_costing_write_csv(const salesim_results *r, double budget, const char *dir,
                              salesim_diag *diag);

/** Run `sc` as a study and write everything into `outdir` atomically:
 *  results, sweep.csv (with a sweep), costing.csv (costing mode) and the
 *  three reports. *out (may be NULL) receives the comparison results. */
int salesim_study_run(const salesim_scenario *sc, const char *outdir,
                      const salesim_run_options *opt, salesim_results **out,
                      salesim_diag *diag);

/** Headline metrics of sweep.csv and batch.csv, in column order. */
extern const int salesim_study_headline[];
extern const int salesim_study_headline_count;

#endif
