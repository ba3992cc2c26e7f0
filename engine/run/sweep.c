/*
 * engine/run/sweep.c: parameter sweeps (engine/run/study.h,
 * docs/batch-and-sweeps.md). A design is a list of points, each a value for
 * every swept parameter: a full grid, a Latin hypercube (each parameter's
 * range cut into N equal strata, one point per stratum, strata paired by
 * random permutations from a GSL stream seeded from the scenario's seed), or
 * the first N points of a Sobol sequence (gsl_qrng_sobol). Each point runs
 * every mechanism with the scenario's seed, so all points share common
 * random numbers and differences between points are the parameters', not
 * the dice's. Points run one after another; each run uses the threads, so
 * the numbers do not depend on the thread count. The design itself (the
 * points, and the check of every point against the settings) is in
 * engine/scenario/sweep_design.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

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

int salesim_sweep_run(salesim_sweep_result **out, const salesim_scenario *sc,
                      const salesim_run_options *opt, salesim_diag *diag) {
  *out = NULL;
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
  salesim_scenario *copy = salesim_scenario_copy(sc);
  if (s->paths == NULL || s->mech_names == NULL || s->stats == NULL || copy == NULL) {
    salesim_scenario_free(copy);
    salesim_sweep_result_free(s);
    return SALESIM_ENOMEM;
  }
  for (int j = 0; j < s->n_params; j++)
    snprintf(s->paths[j], sizeof s->paths[j], "%s", sc->sweep->params[j].path);
  for (int k = 0; k < s->n_mech; k++)
    snprintf(s->mech_names[k], sizeof s->mech_names[k], "%s", sc->mechanisms[k].name);
  salesim_run_options ro = SALESIM_RUN_OPTIONS_INIT;
  if (opt != NULL)
    ro = *opt;
  ro.progress = NULL;
  for (int pt = 0; pt < s->n_points && rc == 0; pt++) {
    for (int j = 0; j < s->n_params && rc == 0; j++) {
      rc = salesim_scenario_set(copy, s->paths[j], s->values[pt * s->n_params + j], diag);
      if (rc != 0)
        salesim_diag_add(diag, "sweep point %d: cannot set %s", pt + 1, s->paths[j]);
    }
    salesim_results *r = NULL;
    if (rc == 0)
      rc = salesim_run(&r, copy, &ro, diag);
    if (rc == 0 && r->n_metrics != s->n_metrics) {
      salesim_diag_add(diag, "sweep point %d: %d metrics, expected %d", pt + 1, r->n_metrics,
                       s->n_metrics);
      rc = SALESIM_EINVAL;
    }
    if (rc == 0)
      memcpy(&s->stats[(size_t)pt * (size_t)s->n_mech * (size_t)s->n_metrics], r->summary,
             (size_t)s->n_mech * (size_t)s->n_metrics * sizeof *s->stats);
    salesim_results_free(r);
    if (rc == 0 && opt && opt->progress)
      opt->progress(opt->progress_arg, pt + 1, s->n_points);
  }
  salesim_scenario_free(copy);
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
