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

#include <stdint.h>

#include <salesim/salesim.h>

#include "dist.h"

/** Results of a sweep: one row per point and mechanism. */
typedef struct salesim_sweep_result {
  int n_points, n_params, n_mech;
  int n_metrics;                    /* the metric catalogue's size */
  char (*paths)[SALESIM_PATH_MAX];  /* n_params */
  char (*mech_names)[64];           /* n_mech */
  double *values;                   /* [point * n_params + j] */
  salesim_stat *stats;              /* [(point * n_mech + mech) * n_metrics + m] */
} salesim_sweep_result;

void salesim_sweep_result_free(salesim_sweep_result *s);

/** Where finished sweep points are kept for --resume
 *  (engine/run/sweep_resume.c): "<outdir>.partial". */
typedef struct salesim_sweep_store {
  char dir[4200];
  int resume;            /* take the points an earlier run left */
  const char *hash;      /* what a point file must match: the scenario's hash, */
  uint64_t seed;         /* the seed and */
  int replications;      /* the replications of this run */
} salesim_sweep_store;

/** Claim "<outdir>.partial" (docs/safety.md); without `resume` first
 *  remove an earlier run's points. 0 or SALESIM_EIO with a line. */
int salesim_sweep_store_open(salesim_sweep_store *st, const char *outdir, int resume,
                             salesim_diag *diag);
/** Write point pt's statistics from s (through a temporary file). */
int salesim_sweep_store_save(const salesim_sweep_store *st, const salesim_sweep_result *s,
                             int pt, salesim_diag *diag);
/** Take every point file that matches (store fields, s->values, mechanism
 *  names, metric count) into s->stats; done[pt] = 1 for those. Returns how
 *  many. */
int salesim_sweep_store_load(const salesim_sweep_store *st, salesim_sweep_result *s,
                             unsigned char *done);
/** Remove the folder (best effort; after the outputs are written). */
void salesim_sweep_store_remove(const salesim_sweep_store *st);

/** Run every point of sc->sweep: the scenario with the point's values,
 *  every mechanism, the same seed at every point (common random numbers).
 *  The points run as one task list over (point, mechanism, replication) in
 *  groups of points (engine/run/sweep.c). With `store` (may be NULL), rank
 *  0 saves each finished point there and, with store->resume, the points
 *  found there are not run again; *kept (may be NULL) receives how many
 *  points the store holds when the sweep ends, also on failure.
 *  opt->progress (if any) is called with (points done, points). */
int salesim_sweep_run_stored(salesim_sweep_result **out, const salesim_scenario *sc,
                             const salesim_run_options *opt, const salesim_sweep_store *store,
                             int *kept, salesim_diag *diag);
/** salesim_sweep_run_stored without a store. */
int salesim_sweep_run(salesim_sweep_result **out, const salesim_scenario *sc,
                      const salesim_run_options *opt, salesim_diag *diag);

/* ---- one run's tasks, and many runs as one task list (engine/run/run.c) ---- */

/** The threads for n_tasks tasks under opt (at least 1). */
int salesim_run_threads(const salesim_run_options *opt, int n_tasks);
/** Set up job j for a run of sc under opt (results allocated, no task
 *  run). 0 or a code with a line; j is cleared on failure. */
int salesim_run_job_init(salesim_run_job *j, const salesim_scenario *sc,
                         const salesim_run_options *opt, salesim_diag *diag);
/** Run the tasks of all jobs as one list (task g on rank g % ranks, OpenMP
 *  threads within a rank) and exchange them, so every rank holds them all.
 *  A task's failure is in its status, not the return (0, or an exchange
 *  failure). opt->progress counts this rank's tasks. */
int salesim_run_jobs(salesim_run_job *jobs, int n_jobs, const salesim_run_options *opt,
                     salesim_diag *diag);
/** The reduction of one job, as salesim_run does it: task diagnostics,
 *  the first failing status, tables in task order, statistics. On success
 *  *out takes the results. */
int salesim_run_job_finish(salesim_run_job *j, salesim_results **out, salesim_diag *diag);
/** Free what the job holds (accepts a cleared job). */
void salesim_run_job_clear(salesim_run_job *j);

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

/** What salesim_study_run_resumable adds: resume (in) and, out, how many
 *  sweep points are kept in `partial` after a failed or interrupted run. */
typedef struct salesim_study_resume {
  int resume;             /* in: take the finished points of an earlier run */
  int points_kept;        /* out: points in `partial` (0 without a sweep) */
  char partial[4200];     /* out: "<outdir>.partial" */
} salesim_study_resume;

/** salesim_study_run, keeping each finished sweep point in
 *  "<outdir>.partial" until the outputs are written. */
int salesim_study_run_resumable(const salesim_scenario *sc, const char *outdir,
                                const salesim_run_options *opt, salesim_study_resume *rs,
                                salesim_results **out, salesim_diag *diag);

/* ---- the history export (engine/run/export.c, docs/export-history.md) ---- */

/** `--export-history DIR` checked before the run, as an output folder is
 *  (docs/safety.md): 0, or a code with one line (rank 0's verdict). */
int salesim_study_export_check(const char *dir, salesim_diag *diag);

/** Replication `rep` (0-based) of mechanism `mech` of `sc` with `seed`,
 *  run with the history recorder: *out (caller frees, salesim_data_free) is
 *  what it did as a company's data. 0 or a code with one line. */
int salesim_study_record(const salesim_scenario *sc, int mech, int rep, uint64_t seed,
                         const volatile sig_atomic_t *cancel, salesim_data **out,
                         salesim_diag *diag);

/** Record replication 1 of every mechanism and write DIR/<mechanism>/ with
 *  the six data files, atomically (rank 0 writes; every rank returns its
 *  verdict). */
int salesim_study_export_history(const salesim_scenario *sc, const salesim_run_options *opt,
                                 const char *dir, salesim_diag *diag);

/** Headline metrics of sweep.csv and batch.csv, in column order. */
extern const int salesim_study_headline[];
extern const int salesim_study_headline_count;

#endif
