/*
 * engine/run/sweep.c: parameter sweeps (engine/run/study.h,
 * docs/batch-and-sweeps.md). A design is a list of points, each a value for
 * every swept parameter: a full grid, a Latin hypercube (each parameter's
 * range cut into N equal strata, one point per stratum, strata paired by
 * random permutations from a GSL stream seeded from the scenario's seed), or
 * the first N points of a Sobol sequence (gsl_qrng_sobol). Each point runs
 * every mechanism with the scenario's seed, so all points share common
 * random numbers and differences between points are the parameters', not
 * the dice's. The points run in groups, each group one task list over
 * (point, mechanism, replication) spread over the threads and MPI ranks
 * (engine/run/run.c) and reduced point by point exactly as a run of that
 * point alone, so the numbers depend neither on threads, ranks nor groups.
 * Finished points are kept for --resume (engine/run/sweep_resume.c). The design itself (the
 * points, and the check of every point against the settings) is in
 * engine/scenario/sweep_design.c.
 */
#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "dist.h"
#include "metrics.h"
#include "study.h"
#include "sweep_design.h"

const int salesim_study_headline[] = {
    SALESIM_METRIC_REVENUE,       SALESIM_METRIC_PAY_COST,      SALESIM_METRIC_PROFIT,
    SALESIM_METRIC_COST_OF_SALES, SALESIM_METRIC_HEADCOUNT_END, SALESIM_METRIC_SURVIVAL_12,
    SALESIM_METRIC_TOP_RETENTION};
const int salesim_study_headline_count =
    (int)(sizeof salesim_study_headline / sizeof salesim_study_headline[0]);

void salesim_sweep_result_free(salesim_sweep_result *s) {
  if (s == NULL)
    return;
  free(s->paths);
  free(s->mech_names);
  free(s->values);
  free(s->stats);
  free(s);
}

/* Points per group: enough tasks that every rank's threads get about
 * SWEEP_TASKS_PER_WORKER each (the idle tail at the group's end is then
 * about one task in that many), never more than SWEEP_GROUP_MAX points
 * (each point holds its results until the group is reduced). */
enum { SWEEP_TASKS_PER_WORKER = 16, SWEEP_GROUP_MAX = 64 };

/* SALESIM_TEST_SWEEP_STOP=k (tests only): stop as if interrupted once the
 * points up to k are done and kept (groups end at k); 0 when unset */
static int test_stop_after(void) {
  const char *v = getenv("SALESIM_TEST_SWEEP_STOP");
  return v != NULL ? atoi(v) : 0;
}

int salesim_sweep_run(salesim_sweep_result **out, const salesim_scenario *sc,
                      const salesim_run_options *opt, salesim_diag *diag) {
  return salesim_sweep_run_stored(out, sc, opt, NULL, NULL, diag);
}

int salesim_sweep_run_stored(salesim_sweep_result **out, const salesim_scenario *sc,
                             const salesim_run_options *opt, const salesim_sweep_store *store,
                             int *kept, salesim_diag *diag) {
  *out = NULL;
  if (kept != NULL)
    *kept = 0;
  if (sc->sweep == NULL)
    return SALESIM_EINVAL;
  salesim_sweep_result *s = calloc(1, sizeof *s);
  if (s == NULL)
    return SALESIM_ENOMEM;
  int rc = salesim_sweep_points(sc->sweep, opt && opt->seed_set ? opt->seed : sc->seed,
                                &s->values, &s->n_points, diag);
  if (rc != 0) {
    salesim_sweep_result_free(s);
    return rc;
  }
  s->n_params = sc->sweep->n_params;
  s->n_mech = sc->n_mechanisms;
  s->n_metrics = salesim_metric_count();
  s->paths = calloc((size_t)s->n_params, sizeof *s->paths);
  s->mech_names = calloc((size_t)s->n_mech, sizeof *s->mech_names);
  s->stats = calloc((size_t)s->n_points * (size_t)s->n_mech * (size_t)s->n_metrics,
                    sizeof *s->stats);
  unsigned char *done = calloc((size_t)s->n_points, 1);
  int gmax = SWEEP_GROUP_MAX < s->n_points ? SWEEP_GROUP_MAX : s->n_points;
  salesim_run_job *jobs = calloc((size_t)gmax, sizeof *jobs);
  salesim_scenario **copies = calloc((size_t)gmax, sizeof *copies);
  int *group = calloc((size_t)gmax, sizeof *group);
  if (s->paths == NULL || s->mech_names == NULL || s->stats == NULL || done == NULL ||
      jobs == NULL || copies == NULL || group == NULL) {
    rc = SALESIM_ENOMEM;
    goto cleanup;
  }
  for (int j = 0; j < s->n_params; j++)
    snprintf(s->paths[j], sizeof s->paths[j], "%s", sc->sweep->params[j].path);
  for (int k = 0; k < s->n_mech; k++)
    snprintf(s->mech_names[k], sizeof s->mech_names[k], "%s", sc->mechanisms[k].name);
  salesim_run_options ro = SALESIM_RUN_OPTIONS_INIT;
  if (opt != NULL)
    ro = *opt;
  ro.progress = NULL;
  int root = salesim_dist_rank() == 0;
  int n_done = 0;
  if (store != NULL && store->resume) {
    /* rank 0 reads what an earlier run kept; every rank takes the same
     * points and statistics, so all run the same task list */
    if (root)
      n_done = salesim_sweep_store_load(store, s, done);
    rc = salesim_dist_bcast(done, (size_t)s->n_points, diag);
    if (rc == 0)
      rc = salesim_dist_bcast(s->stats, (size_t)s->n_points * (size_t)s->n_mech *
                                            (size_t)s->n_metrics * sizeof *s->stats, diag);
    if (rc == 0)
      rc = salesim_dist_bcast(&n_done, sizeof n_done, diag);
    if (rc != 0)
      goto cleanup;
    if (opt && opt->progress && n_done > 0)
      opt->progress(opt->progress_arg, n_done, s->n_points);
  }
  if (kept != NULL)
    *kept = n_done;
  int tasks_per_point = s->n_mech * (ro.replications > 0 ? ro.replications : sc->replications);
  long workers = (long)salesim_dist_size() * salesim_run_threads(&ro, INT32_MAX);
  long want = (SWEEP_TASKS_PER_WORKER * workers + tasks_per_point - 1) / tasks_per_point;
  int per_group = want < 1 ? 1 : want > gmax ? gmax : (int)want;
  int stop = test_stop_after();
  int next = 0; /* the first point not yet looked at */
  while (rc == 0) {
    /* the next group: points not done, in order, ending at the test stop */
    int n_group = 0;
    while (next < s->n_points && n_group < per_group) {
      if (!done[next])
        group[n_group++] = next;
      next++;
      if (stop > 0 && next == stop)
        break;
    }
    if (n_group == 0 && next >= s->n_points)
      break;
    for (int g = 0; g < n_group && rc == 0; g++) {
      int pt = group[g];
      copies[g] = salesim_scenario_copy(sc);
      if (copies[g] == NULL) {
        rc = SALESIM_ENOMEM;
        break;
      }
      for (int j = 0; j < s->n_params && rc == 0; j++) {
        rc = salesim_scenario_set(copies[g], s->paths[j], s->values[pt * s->n_params + j], diag);
        if (rc != 0)
          salesim_diag_add(diag, "sweep point %d: cannot set %s", pt + 1, s->paths[j]);
      }
      if (rc == 0)
        rc = salesim_run_job_init(&jobs[g], copies[g], &ro, diag);
    }
    if (rc == 0)
      rc = salesim_run_jobs(jobs, n_group, &ro, diag);
    /* each point reduced as its own run, in point order; a point whose
     * tasks all finished is kept even when another was interrupted */
    for (int g = 0; g < n_group && rc == 0; g++) {
      int pt = group[g], failed = 0;
      for (int k = 0; k < jobs[g].n_tasks; k++)
        failed |= jobs[g].status[k] != 0;
      salesim_results *r = NULL;
      int prc = salesim_run_job_finish(&jobs[g], &r, diag);
      if (prc == 0 && r->n_metrics != s->n_metrics) {
        salesim_diag_add(diag, "sweep point %d: %d metrics, expected %d", pt + 1, r->n_metrics,
                         s->n_metrics);
        prc = SALESIM_EINVAL;
      }
      if (prc == 0) {
        memcpy(&s->stats[(size_t)pt * (size_t)s->n_mech * (size_t)s->n_metrics], r->summary,
               (size_t)s->n_mech * (size_t)s->n_metrics * sizeof *s->stats);
        done[pt] = 1;
        n_done++;
        if (store != NULL && root) {
          int src = salesim_sweep_store_save(store, s, pt, diag);
          if (src != 0 && rc == 0)
            rc = src;
        }
      } else if (prc != SALESIM_EINTERRUPTED || !failed) {
        rc = prc; /* the first point that failed ends the sweep */
      } else if (rc == 0) {
        rc = SALESIM_EINTERRUPTED; /* but the finished points of the group are kept */
        for (int h = g + 1; h < n_group; h++) {
          int whole = 1;
          for (int k = 0; k < jobs[h].n_tasks; k++)
            whole &= jobs[h].status[k] == 0;
          if (!whole)
            continue;
          salesim_results *rh = NULL;
          if (salesim_run_job_finish(&jobs[h], &rh, NULL) == 0 && rh->n_metrics == s->n_metrics) {
            memcpy(&s->stats[(size_t)group[h] * (size_t)s->n_mech * (size_t)s->n_metrics],
                   rh->summary, (size_t)s->n_mech * (size_t)s->n_metrics * sizeof *s->stats);
            done[group[h]] = 1;
            n_done++;
            if (store != NULL && root)
              salesim_sweep_store_save(store, s, group[h], NULL);
          }
          salesim_results_free(rh);
        }
      }
      salesim_results_free(r);
    }
    for (int g = 0; g < n_group; g++) {
      salesim_run_job_clear(&jobs[g]);
      salesim_scenario_free(copies[g]);
      copies[g] = NULL;
    }
    if (rc == 0 && stop > 0 && next == stop && next < s->n_points) {
      /* SALESIM_TEST_SWEEP_DIE_RANK=r (tests only): rank r dies there
       * instead, as a lost machine would (scripts/check-mpi.sh) */
      const char *die = getenv("SALESIM_TEST_SWEEP_DIE_RANK");
      if (die != NULL && atoi(die) == salesim_dist_rank())
        raise(SIGKILL);
      salesim_diag_add(diag, "sweep: stopped after point %d (SALESIM_TEST_SWEEP_STOP)", stop);
      rc = SALESIM_EINTERRUPTED;
    }
    /* a point rank 0 could not save ends the run on every rank */
    if (store != NULL)
      rc = salesim_dist_agree(rc);
    if (kept != NULL && store != NULL)
      *kept = n_done;
    if (rc == 0 && opt && opt->progress)
      opt->progress(opt->progress_arg, n_done, s->n_points);
  }
cleanup:
  if (jobs != NULL)
    for (int g = 0; g < gmax; g++) {
      salesim_run_job_clear(&jobs[g]);
      salesim_scenario_free(copies[g]);
    }
  free(jobs);
  free(copies);
  free(group);
  free(done);
  if (rc != 0) {
    salesim_sweep_result_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

/* A CSV number (%.10g, NAN empty, -0 as 0). */
static void put_number(FILE *f, double v) {
  if (!isnan(v))
    fprintf(f, "%.10g", v == 0.0 ? 0.0 : v);
}

static void put_text(FILE *f, const char *s) {
  if (strpbrk(s, ",\"\r\n") == NULL) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"')
      fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

static int close_checked(FILE *f, const char *path, salesim_diag *diag) {
  int bad = ferror(f);
  if (fclose(f) != 0)
    bad = 1;
  if (bad) {
    salesim_diag_add(diag, "%s: %s", path, strerror(errno ? errno : EIO));
    return SALESIM_EIO;
  }
  return 0;
}

static FILE *open_in(const char *dir, const char *name, char *path, size_t size,
                     salesim_diag *diag) {
  snprintf(path, size, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (f == NULL)
    salesim_diag_add(diag, "%s: %s", path, strerror(errno));
  return f;
}

int salesim_sweep_write_csv(const salesim_sweep_result *s, const char *dir, salesim_diag *diag) {
  char path[4096];
  FILE *f = open_in(dir, "sweep.csv", path, sizeof path, diag);
  if (f == NULL)
    return SALESIM_EIO;
  fputs("point", f);
  for (int j = 0; j < s->n_params; j++) {
    fputc(',', f);
    put_text(f, s->paths[j]);
  }
  fputs(",mechanism", f);
  /* every metric of the catalogue (issue 11: the calibration table needs
   * them all), each with its paired difference vs the baseline at the same
   * point; profit's keep their old names (profit_diff_vs_baseline, ...) */
  for (int i = 0; i < s->n_metrics; i++) {
    const char *n = salesim_metric_catalogue_info(i)->name;
    fprintf(f, ",%s_mean,%s_ci_low,%s_ci_high,%s_diff_vs_baseline,%s_diff_ci_low,%s_diff_ci_high",
            n, n, n, n, n, n);
  }
  fputc('\n', f);
  for (int pt = 0; pt < s->n_points; pt++)
    for (int k = 0; k < s->n_mech; k++) {
      fprintf(f, "%d", pt + 1);
      for (int j = 0; j < s->n_params; j++) {
        fputc(',', f);
        put_number(f, s->values[pt * s->n_params + j]);
      }
      fputc(',', f);
      put_text(f, s->mech_names[k]);
      const salesim_stat *st = &s->stats[((size_t)pt * (size_t)s->n_mech + (size_t)k) *
                                         (size_t)s->n_metrics];
      for (int i = 0; i < s->n_metrics; i++) {
        const salesim_stat *x = &st[i];
        const double v[6] = {x->mean, x->ci_low, x->ci_high, x->diff, x->diff_low, x->diff_high};
        for (int q = 0; q < 6; q++) {
          fputc(',', f);
          put_number(f, x->n > 0 || q >= 3 ? v[q] : NAN);
        }
      }
      fputc('\n', f);
    }
  return close_checked(f, path, diag);
}

int salesim_costing_write_csv(const salesim_results *r, double budget, const char *dir,
                              salesim_diag *diag) {
  static const int metrics[] = {SALESIM_METRIC_PAY_COST, SALESIM_METRIC_COST_OF_SALES,
                                SALESIM_METRIC_PROFIT, SALESIM_METRIC_REVENUE};
  char path[4096];
  FILE *f = open_in(dir, "costing.csv", path, sizeof path, diag);
  if (f == NULL)
    return SALESIM_EIO;
  fputs("mechanism,metric,unit,mean,p5,p50,p95,draws,budget,p_over_budget\n", f);
  for (int k = 0; k < r->n_mech; k++)
    for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++) {
      int m = metrics[i];
      const salesim_stat *s = &SALESIM_STAT_AT(r, k, m);
      if (s->n == 0)
        continue;
      put_text(f, r->mech_names[k]);
      fprintf(f, ",%s,%s,", r->metric_info[m]->name, r->metric_info[m]->unit);
      put_number(f, s->mean);
      fputc(',', f);
      put_number(f, s->p5);
      fputc(',', f);
      put_number(f, s->p50);
      fputc(',', f);
      put_number(f, s->p95);
      fprintf(f, ",%d,", s->n);
      if (m == SALESIM_METRIC_PAY_COST && budget > 0) {
        int over = 0, n = 0;
        for (int rep = 0; rep < r->n_rep; rep++) {
          double v = SALESIM_METRIC_AT(r, k, rep, m);
          if (isnan(v))
            continue;
          n++;
          over += v > budget;
        }
        put_number(f, budget);
        fputc(',', f);
        put_number(f, n > 0 ? (double)over / n : NAN);
      } else {
        fputc(',', f);
      }
      fputc('\n', f);
    }
  return close_checked(f, path, diag);
}
