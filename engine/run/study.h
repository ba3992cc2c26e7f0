/*
 * engine/run/study.h: a scenario run as a study (internal): the comparison run
 * itself, plus the sweep (engine/run/sweep.c) when the scenario declares one and
 * the costing summary (engine/run/sweep.c too) in costing mode, all written into
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
  int n_metrics;                    /* the metric catalogue's size */
  char (*paths)[SALESIM_NAME_MAX];  /* n_params */
  char (*mech_names)[64];           /* n_mech */
  double *values;                   /* [point * n_params + j] */
  salesim_stat *stats;              /* [(point * n_mech + mech) * n_metrics + m] */
} salesim_sweep_result;

void salesim_sweep_result_free(salesim_sweep_result *s);

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
