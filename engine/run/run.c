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
#include <stdint.h>
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
#include "study.h"

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

/* The threads a run of n_tasks tasks uses: opt->threads (0: OpenMP's
 * default), never more than salesim_threads_max() (the CLI refuses more;
 * docs/limits.md: libgomp fails on tens of thousands) nor than the tasks. */
int salesim_run_threads(const salesim_run_options *opt, int n_tasks) {
  int threads = opt != NULL ? opt->threads : 0;
#ifdef _OPENMP
  if (threads <= 0) /* under MPI: this rank's share of the node */
    threads = salesim_dist_threads();
  if (threads <= 0)
    threads = omp_get_max_threads();
  if (threads > salesim_threads_max())
    threads = salesim_threads_max();
  if (threads > n_tasks)
    threads = n_tasks;
  if (threads < 1)
    threads = 1;
#else
  (void)n_tasks;
  threads = 1;
#endif
  return threads;
}

void salesim_run_job_clear(salesim_run_job *j) {
  if (j == NULL)
    return;
  if (j->tasks) {
    for (int k = 0; k < j->n_tasks; k++) {
      for (int i = 0; i < j->tasks[k].n_tables; i++)
        salesim_table_free(j->tasks[k].tables[i]);
      free(j->tasks[k].tables);
    }
  }
  if (j->tdiag)
    for (int k = 0; k < j->n_tasks; k++)
      salesim_diag_clear(&j->tdiag[k]);
  free(j->tdiag);
  free(j->tasks);
  free(j->status);
  salesim_results_free(j->r);
  memset(j, 0, sizeof *j);
}

int salesim_run_job_init(salesim_run_job *j, const salesim_scenario *sc,
                         const salesim_run_options *opt, salesim_diag *diag) {
  salesim_run_options defaults = SALESIM_RUN_OPTIONS_INIT;
  if (opt == NULL)
    opt = &defaults;
  memset(j, 0, sizeof *j);
  if (sc == NULL || sc->n_mechanisms < 1)
    return SALESIM_EINVAL;
  int n_rep = opt->replications > 0 ? opt->replications : sc->replications;
  j->sc = sc;
  j->seed = opt->seed_set ? opt->seed : sc->seed;
  j->n_mech = sc->n_mechanisms;
  j->n_tasks = j->n_mech * n_rep;
  int rc = salesim_results_alloc(&j->r, j->n_mech, n_rep, sc->months);
  if (rc != 0) {
    salesim_diag_add(diag, "%s: %s", sc->path ? sc->path : "run", salesim_strerror(rc));
    return rc;
  }
  salesim_results *r = j->r;
  r->baseline = sc->baseline_index;
  for (int m = 0; m < j->n_mech; m++) {
    snprintf(r->mech_names[m], sizeof r->mech_names[m], "%s", sc->mechanisms[m].name);
    snprintf(r->mech_types[m], sizeof r->mech_types[m], "%s", sc->mechanisms[m].type->name);
  }
  snprintf(r->scenario_path, sizeof r->scenario_path, "%s", sc->path ? sc->path : "");
  snprintf(r->scenario_hash, sizeof r->scenario_hash, "%s", sc->hash);
  snprintf(r->version, sizeof r->version, "%s", salesim_version());
  r->seed = j->seed;
  {
    time_t t0 = time(NULL);
    struct tm tm;
    gmtime_r(&t0, &tm);
    strftime(r->started, sizeof r->started, "%Y-%m-%dT%H:%M:%SZ", &tm);
  }
  j->start = now_seconds();
  r->threads = salesim_run_threads(opt, j->n_tasks);
  j->tasks = calloc((size_t)j->n_tasks, sizeof *j->tasks);
  j->status = calloc((size_t)j->n_tasks, sizeof *j->status);
  j->tdiag = calloc((size_t)j->n_tasks, sizeof *j->tdiag);
  if (j->tasks == NULL || j->status == NULL || j->tdiag == NULL) {
    salesim_diag_add(diag, "%s: %s", sc->path ? sc->path : "run",
                     salesim_strerror(SALESIM_ENOMEM));
    salesim_run_job_clear(j);
    return SALESIM_ENOMEM;
  }
  return 0;
}

int salesim_run_jobs(salesim_run_job *jobs, int n_jobs, const salesim_run_options *opt,
                     salesim_diag *diag) {
  salesim_run_options defaults = SALESIM_RUN_OPTIONS_INIT;
  if (opt == NULL)
    opt = &defaults;
  /* GSL's default handler aborts the process; every GSL status is checked
   * instead (idempotent, before any thread starts) */
  gsl_set_error_handler_off();
  /* one task list over the jobs: global task g = the job's first task + k;
   * under MPI (engine/run/dist.h) this rank runs positions rank, rank + N,
   * ... (salesim_dist_task_at); the others arrive in salesim_dist_exchange */
  int ranks = salesim_dist_size();
  long total = 0;
  for (int i = 0; i < n_jobs; i++)
    total += jobs[i].n_tasks;
  if (total > INT32_MAX)
    return SALESIM_ELIMIT;
  int rank = salesim_dist_rank();
  int n_local = total > rank ? (int)((total - rank + ranks - 1) / ranks) : 0;
  /* (job, task) of this rank's tasks, in list order */
  int *local = malloc(2 * (size_t)(n_local > 0 ? n_local : 1) * sizeof *local);
  if (local == NULL)
    return SALESIM_ENOMEM;
  for (int q = 0; q < n_local; q++)
    salesim_dist_task_at(jobs, rank + (long)q * ranks, &local[2 * q], &local[2 * q + 1]);
  int threads = salesim_run_threads(opt, (int)total);
  int done = 0;
  /* task k: mechanism k % n_mech, replication k / n_mech */
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#else
  (void)threads;
#endif
  for (int q = 0; q < n_local; q++) {
    salesim_run_job *j = &jobs[local[2 * q]];
    int k = local[2 * q + 1];
    int mech = k % j->n_mech, rep = k / j->n_mech;
    if (opt->cancel && *opt->cancel) {
      j->status[k] = SALESIM_EINTERRUPTED;
      continue;
    }
    salesim_task_out *to = &j->tasks[k];
    to->metrics = &SALESIM_METRIC_AT(j->r, mech, rep, 0);
    to->monthly = &SALESIM_MONTHLY_AT(j->r, mech, rep, 0, 0);
    to->cancel = opt->cancel;
    j->status[k] = salesim_sim_run(j->sc, mech, rep, j->seed, to, &j->tdiag[k]);
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
  free(local);
  return salesim_dist_exchange(jobs, n_jobs, diag);
}

int salesim_run_job_finish(salesim_run_job *j, salesim_results **out, salesim_diag *diag) {
  *out = NULL;
  int rc = 0;
  salesim_results *r = j->r;
  for (int k = 0; k < j->n_tasks; k++) {
    for (size_t i = 0; i < j->tdiag[k].count; i++)
      salesim_diag_add(diag, "%s", j->tdiag[k].lines[i]);
    if (j->status[k] != 0 && rc == 0)
      rc = j->status[k];
  }
  for (int k = 0; rc == 0 && k < j->n_tasks; k++) {
    for (int i = 0; i < j->tasks[k].n_tables; i++) {
      int trc = salesim_results_add_table(r, j->tasks[k].tables[i]);
      if (trc != 0) /* not taken on failure */
        salesim_table_free(j->tasks[k].tables[i]);
      j->tasks[k].tables[i] = NULL;
      if (trc != 0 && rc == 0)
        rc = trc;
    }
  }
  if (rc == 0)
    rc = salesim_results_summarize(r);
  if (rc != 0)
    return rc;
  r->wall_seconds = now_seconds() - j->start;
  *out = r;
  j->r = NULL;
  return 0;
}

int salesim_run(salesim_results **out, const salesim_scenario *sc,
                const salesim_run_options *opt, salesim_diag *diag) {
  *out = NULL;
  if (sc == NULL || sc->n_mechanisms < 1)
    return SALESIM_EINVAL;
  size_t diag_before = diag != NULL ? diag->count : 0;
  salesim_run_job j;
  int rc = salesim_run_job_init(&j, sc, opt, diag);
  if (rc == 0)
    rc = salesim_run_jobs(&j, 1, opt, diag);
  if (rc == 0)
    rc = salesim_run_job_finish(&j, out, diag);
  salesim_run_job_clear(&j);
  /* every failure gets its line (a task's own line names the replication) */
  if (rc != 0 && diag != NULL && diag->count == diag_before)
    salesim_diag_add(diag, "%s: %s", sc->path ? sc->path : "run", salesim_strerror(rc));
  return rc;
}
