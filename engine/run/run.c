/*
 * engine/run/run.c: run every (mechanism, replication) pair of a scenario.
 *
 * Each pair is an independent task (models/core/sim.c) whose streams depend on
 * the seed and the replication only, writing into its own slice of the
 * results; tables are merged in task order afterwards. So the numbers are
 * the same, byte for byte, for any number of threads. Threads come from
 * OpenMP when the build has it. The progress callback runs on the worker
 * that finished a task, under a lock, so calls are serialised and counted
 * in order (the guarantee is stated at salesim_run_options.progress).
 *
 * Read next: models/core/sim.h (one task), engine/base/results.c (what it fills).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include <salesim/salesim.h>

#include "dist.h"
#include "mechanism.h"
#include "sim.h"

const char *salesim_version(void) { return SALESIM_VERSION_STRING; }

int salesim_threads_max(void) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (cores < 1)
    cores = 1;
  if (cores > SALESIM_THREADS_MAX / 4)
    cores = SALESIM_THREADS_MAX / 4;
  return (int)(4 * cores);
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int salesim_run(salesim_results **out, const salesim_scenario *sc,
                const salesim_run_options *opt, salesim_diag *diag) {
  salesim_run_options defaults = SALESIM_RUN_OPTIONS_INIT;
  if (opt == NULL)
    opt = &defaults;
  *out = NULL;
  if (sc == NULL || sc->n_mechanisms < 1)
    return SALESIM_EINVAL;
  size_t diag_before = diag != NULL ? diag->count : 0;
  /* GSL's default handler aborts the process; every GSL status is checked
   * instead (idempotent, before any thread starts) */
  gsl_set_error_handler_off();
  int n_rep = opt->replications > 0 ? opt->replications : sc->replications;
  uint64_t seed = opt->seed_set ? opt->seed : sc->seed;
  int n_mech = sc->n_mechanisms;
  int n_tasks = n_mech * n_rep;

  salesim_results *r = NULL;
  int rc = salesim_results_alloc(&r, n_mech, n_rep, sc->months);
  if (rc != 0) {
    salesim_diag_add(diag, "%s: %s", sc->path ? sc->path : "run", salesim_strerror(rc));
    return rc;
  }
  r->baseline = sc->baseline_index;
  for (int m = 0; m < n_mech; m++) {
    snprintf(r->mech_names[m], sizeof r->mech_names[m], "%s", sc->mechanisms[m].name);
    snprintf(r->mech_types[m], sizeof r->mech_types[m], "%s", sc->mechanisms[m].type->name);
  }
  snprintf(r->scenario_path, sizeof r->scenario_path, "%s", sc->path ? sc->path : "");
  snprintf(r->scenario_hash, sizeof r->scenario_hash, "%s", sc->hash);
  snprintf(r->version, sizeof r->version, "%s", salesim_version());
  r->seed = seed;
  {
    time_t t0 = time(NULL);
    struct tm tm;
    gmtime_r(&t0, &tm);
    strftime(r->started, sizeof r->started, "%Y-%m-%dT%H:%M:%SZ", &tm);
  }
  double start = now_seconds();

  salesim_task_out *tasks = calloc((size_t)n_tasks, sizeof *tasks);
  int *status = calloc((size_t)n_tasks, sizeof *status);
  salesim_diag *tdiag = calloc((size_t)n_tasks, sizeof *tdiag);
  if (tasks == NULL || status == NULL || tdiag == NULL) {
    rc = SALESIM_ENOMEM;
    goto cleanup;
  }
  /* never more threads than tasks nor than salesim_threads_max() (the CLI
   * refuses more; docs/limits.md): libgomp fails on tens of thousands */
  int threads = opt->threads;
#ifdef _OPENMP
  if (threads <= 0)
    threads = omp_get_max_threads();
  if (threads > salesim_threads_max())
    threads = salesim_threads_max();
  if (threads > n_tasks)
    threads = n_tasks;
  if (threads < 1)
    threads = 1;
#else
  threads = 1;
#endif
  r->threads = threads;
  int done = 0;
  /* under MPI (engine/run/dist.h) this rank runs tasks rank, rank + size,
   * ...; the others arrive in salesim_dist_exchange below */
  int rank = salesim_dist_rank(), ranks = salesim_dist_size();
  int n_local = n_tasks > rank ? (n_tasks - rank + ranks - 1) / ranks : 0;
  /* task k: mechanism k % n_mech, replication k / n_mech, so the mechanisms
   * of one replication run close together */
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
  for (int j = 0; j < n_local; j++) {
    int k = rank + j * ranks;
    int mech = k % n_mech, rep = k / n_mech;
    if (opt->cancel && *opt->cancel) {
      status[k] = SALESIM_EINTERRUPTED;
      continue;
    }
    salesim_task_out *to = &tasks[k];
    to->metrics = &SALESIM_METRIC_AT(r, mech, rep, 0);
    to->monthly = &SALESIM_MONTHLY_AT(r, mech, rep, 0, 0);
    to->cancel = opt->cancel;
    status[k] = salesim_sim_run(sc, mech, rep, seed, to, &tdiag[k]);
    /* the count and the call under one lock: calls never overlap and see
     * done = 1, 2, 3, ... in order (salesim_run_options.progress) */
#ifdef _OPENMP
#pragma omp critical(salesim_progress)
#endif
    {
      ++done;
      if (opt->progress) /* this rank's own tasks */
        opt->progress(opt->progress_arg, done, n_local);
    }
  }
  rc = salesim_dist_exchange(r, n_tasks, n_mech, tasks, status, tdiag, diag);
  if (rc != 0)
    goto cleanup;
  for (int k = 0; k < n_tasks; k++) {
    for (size_t i = 0; i < tdiag[k].count; i++)
      salesim_diag_add(diag, "%s", tdiag[k].lines[i]);
    if (status[k] != 0 && rc == 0)
      rc = status[k];
  }
  if (rc != 0)
    goto cleanup;
  for (int k = 0; k < n_tasks; k++) {
    for (int i = 0; i < tasks[k].n_tables; i++) {
      int trc = salesim_results_add_table(r, tasks[k].tables[i]);
      if (trc != 0) /* not taken on failure */
        salesim_table_free(tasks[k].tables[i]);
      tasks[k].tables[i] = NULL;
      if (trc != 0 && rc == 0)
        rc = trc;
    }
  }
  if (rc == 0)
    rc = salesim_results_summarize(r);
  r->wall_seconds = now_seconds() - start;

cleanup:
  if (tasks) {
    for (int k = 0; k < n_tasks; k++) {
      for (int i = 0; i < tasks[k].n_tables; i++)
        salesim_table_free(tasks[k].tables[i]);
      free(tasks[k].tables);
    }
  }
  if (tdiag)
    for (int k = 0; k < n_tasks; k++)
      salesim_diag_clear(&tdiag[k]);
  free(tdiag);
  free(tasks);
  free(status);
  if (rc != 0) {
    /* every failure gets its line (a task's own line names the replication) */
    if (diag != NULL && diag->count == diag_before)
      salesim_diag_add(diag, "%s: %s", sc->path ? sc->path : "run", salesim_strerror(rc));
    salesim_results_free(r);
    return rc;
  }
  *out = r;
  return 0;
}
