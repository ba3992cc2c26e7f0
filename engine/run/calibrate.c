/*
 * engine/run/calibrate.c: the simulated method of moments (engine/run/
 * calibrate.h; the method and its assumptions in docs/calibration.md).
 *
 *   1. the history window [from, to): from the first plan period's first
 *      day (performance.csv) to the data's start date;
 *   2. the observed moments, and their covariance from a bootstrap over
 *      reps (each draw weights every person by how often it was drawn);
 *   3. the objective J(theta) = sum over usable moments of
 *      (mean simulated - observed)^2 / bootstrap variance, the simulated
 *      mean over R histories with the same seeds for every theta;
 *   4. GSL's nmsimplex2 on log theta from the scenario's values;
 *   5. at the estimate: the Jacobian G of the simulated means by central
 *      differences (step 0.1 in log theta, on the same seeds), the
 *      sandwich (1 + 1/R) (G'WG)^-1 G'W S W G (G'WG)^-1 with W the
 *      weights and S the bootstrap covariance, and the sensitivity of each
 *      parameter sqrt(G_p' W G_p) (observed-moment SEs per unit of log
 *      parameter): below 1, the parameter is reported not identified;
 *   6. the moments at the estimate over more histories, for fit.csv.
 *
 * Everything is a function of the scenario, its data and the seed: the
 * histories run on threads, each into its own slot, and are summed in
 * replication order, so any thread count gives the same bits.
 *
 * Read next: engine/run/moments.c, docs/calibration.md.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "calibrate.h"
#include "pipeline_fit.h"
#include "study.h"

/* ---- the parameters ---------------------------------------------------- */

enum { FIELD_MEAN = 0, FIELD_SD = 1 };
static const struct {
  const char *name, *setting;
  size_t offset; /* of the salesim_dist in salesim_population */
  int field;
} params[SALESIM_CALIB_PARAMS] = {
    {"ability_sd", "population.ability.sd", offsetof(salesim_population, ability), FIELD_SD},
    {"effort_cost_mean", "population.effort_cost.mean", offsetof(salesim_population, effort_cost),
     FIELD_MEAN},
    {"risk_aversion_mean", "population.risk_aversion.mean",
     offsetof(salesim_population, risk_aversion), FIELD_MEAN},
    {"outside_wage_mean", "population.outside_wage.mean",
     offsetof(salesim_population, outside_wage), FIELD_MEAN},
    {"savings_months_mean", "population.savings_months.mean",
     offsetof(salesim_population, savings_months), FIELD_MEAN},
};

static salesim_dist *dist_of(salesim_scenario *sc, int p) {
  return (salesim_dist *)(void *)((char *)&sc->population + params[p].offset);
}

static double param_get(const salesim_scenario *sc, int p) {
  const salesim_dist *d =
      (const salesim_dist *)(const void *)((const char *)&sc->population + params[p].offset);
  return params[p].field == FIELD_SD ? d->sd : d->mean;
}

/* Set parameter p to v: a mean keeps the distribution's coefficient of
 * variation (its sd moves with it); a spread turns a constant into a
 * lognormal around the same mean. */
static void param_set(salesim_scenario *sc, int p, double v) {
  salesim_dist *d = dist_of(sc, p);
  if (params[p].field == FIELD_SD) {
    if (d->kind == SALESIM_DIST_CONSTANT) {
      d->kind = SALESIM_DIST_LOGNORMAL;
      d->min = 0;
      d->max = INFINITY;
    }
    d->sd = v;
  } else {
    if (d->mean > 0)
      d->sd *= v / d->mean;
    d->mean = v;
  }
}

/* ---- a history's moments, R at a time ------------------------------------ */


static int first_of_month(long day) {
  int y, m, dd;
  salesim_data_ymd(day, &y, &m, &dd);
  return dd == 1;
}

/* The revenue at the history's end of the accounts that were customers
 * before its start, in a history and in the data it started from. */
static double old_revenue(const salesim_data *d, long start) {
  double s = 0;
  for (size_t i = 0; i < d->n_accounts; i++)
    if (d->accounts[i].customer_since == SALESIM_DATA_NO_DATE ||
        d->accounts[i].customer_since < start)
      s += d->accounts[i].annual_revenue;
  return s;
}

/* The firm as it stood on day `start`, from data whose accounts describe
 * day `to`: an account that was a customer before `start` but whose owner
 * today was not in the firm then passed to its owner when someone left
 * (the only way accounts change hands in the model's plans without a
 * hand-out: the leaver's book waits for the replacement, or stays the
 * territory's). It goes back to one of its territory's people of the
 * start who left before `to`, the one with the least revenue per month of
 * tenure so far (the model splits books in proportion to tenure); with
 * nobody to give it to, it stays unowned. Returns 0 or SALESIM_ENOMEM. */
static int reassign_old_accounts(salesim_data *c, long start, long to) {
  size_t n = c->n_reps, nt = c->n_territories;
  double *load = calloc(n > 0 ? n : 1, sizeof *load);
  double *tenure = calloc(n > 0 ? n : 1, sizeof *tenure);
  char *in_force = calloc(n > 0 ? n : 1, 1), *leaver = calloc(n > 0 ? n : 1, 1);
  if (load == NULL || tenure == NULL || in_force == NULL || leaver == NULL) {
    free(load);
    free(tenure);
    free(in_force);
    free(leaver);
    return SALESIM_ENOMEM;
  }
  for (size_t r = 0; r < n; r++) {
    const salesim_data_rep *p = &c->reps[r];
    in_force[r] = p->hire_date < start &&
                  (p->exit_date == SALESIM_DATA_NO_DATE || p->exit_date >= start);
    leaver[r] = in_force[r] && p->exit_date != SALESIM_DATA_NO_DATE && p->exit_date < to;
    tenure[r] = salesim_data_months_between(p->hire_date, start);
  }
  for (size_t i = 0; i < c->n_accounts; i++) {
    salesim_data_account *a = &c->accounts[i];
    if ((a->customer_since != SALESIM_DATA_NO_DATE && a->customer_since >= start) ||
        (a->owner >= 0 && in_force[a->owner]) || a->territory < 0 || (size_t)a->territory >= nt)
      continue;
    long best = -1;
    for (size_t r = 0; r < n; r++) /* the territory's leavers */
      if (leaver[r] && c->reps[r].territory == a->territory &&
          (best < 0 || load[r] / (tenure[r] + 1) < load[best] / (tenure[best] + 1)))
        best = (long)r;
    if (best >= 0) {
      a->owner = (int)best;
      load[best] += a->annual_revenue;
    }
  }
  free(load);
  free(tenure);
  free(in_force);
  free(leaver);
  return 0;
}

int salesim_calibrate_simulate(const salesim_scenario *sc, int mech, long start, long to,
                               long measure_from, double account_scale, int reps, uint64_t seed,
                               int threads, salesim_moments *out, double *kept,
                               salesim_diag *diag) {
  if (sc->data == NULL || reps < 1 || to <= start || !first_of_month(start) ||
      !first_of_month(to)) {
    salesim_diag_add(diag, "calibrate: a history needs the company's data and whole months");
    return SALESIM_EINVAL;
  }
  salesim_scenario *cs = salesim_scenario_copy(sc);
  if (cs == NULL)
    return SALESIM_ENOMEM;
  salesim_data_free(cs->data);
  cs->data = salesim_data_copy_shape(sc->data, start);
  if (cs->data == NULL) {
    salesim_scenario_free(cs);
    return SALESIM_ENOMEM;
  }
  cs->data->account_scale = account_scale;
  if (reassign_old_accounts(cs->data, start, to) != 0) {
    salesim_scenario_free(cs);
    return SALESIM_ENOMEM;
  }
  double old0 = old_revenue(cs->data, start) * account_scale;
  cs->population.reps = (int)salesim_data_starting_force(cs->data, NULL, 0);
  cs->months = salesim_data_months_between(start, to);
  if (cs->population.reps < 1) {
    salesim_diag_add(diag, "calibrate: nobody in the roster was employed on the history's first "
                           "day (expected people hired before it)");
    salesim_scenario_free(cs);
    return SALESIM_EINVAL;
  }
  int *rc = calloc((size_t)reps, sizeof *rc);
  salesim_diag *dg = calloc((size_t)reps, sizeof *dg);
  if (rc == NULL || dg == NULL) {
    free(rc);
    free(dg);
    salesim_scenario_free(cs);
    return SALESIM_ENOMEM;
  }
#ifdef _OPENMP
  if (threads <= 0)
    threads = omp_get_max_threads();
  if (threads > reps)
    threads = reps;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
  for (int r = 0; r < reps; r++) {
    salesim_data *h = NULL;
    rc[r] = salesim_study_record(cs, mech, r, seed, NULL, &h, &dg[r]);
    if (rc[r] == 0 && h != NULL) {
      h->start = to; /* the accounts describe the history's last day */
      rc[r] = salesim_moments_compute(h, measure_from, to, NULL, &out[r]);
      if (kept != NULL)
        kept[r] = old0 > 0 ? old_revenue(h, start) / old0 : NAN;
    }
    salesim_data_free(h);
  }
  (void)threads;
  int first = 0;
  for (int r = 0; r < reps; r++) {
    if (rc[r] != 0 && first == 0) {
      first = rc[r];
      if (dg[r].count > 0)
        salesim_diag_add(diag, "calibrate: %s", dg[r].lines[0]);
      else
        salesim_diag_add(diag, "calibrate: replication %d: %s", r + 1, salesim_strerror(rc[r]));
    }
    salesim_diag_clear(&dg[r]);
  }
  free(rc);
  free(dg);
  salesim_scenario_free(cs);
  return first;
}

/* ---- the objective ------------------------------------------------------- */

typedef struct fit {
  const salesim_scenario *sc;
  const salesim_calibrate_options *opt;
  salesim_calibrate_result *res;
  int threads;
  uint64_t seed;
  salesim_moments *buf; /* R histories */
  double *kept;         /* R: the share of the old accounts' revenue kept */
  double scale;         /* the old accounts' back-cast (data.h account_scale) */
  int free_p[SALESIM_CALIB_PARAMS]; /* the simplex moves these */
  int n_free;
  double x_fixed[SALESIM_CALIB_PARAMS]; /* log values of all; the fixed ones stay */
  double w[SALESIM_MOMENTS]; /* 1 / bootstrap variance of the used moments */
  int evaluations;
  int error;
  salesim_diag *diag;
} fit;

/* The mean over histories of each moment (NAN when no history has it). */
static void mean_moments(const salesim_moments *m, int n, double *mean) {
  for (int k = 0; k < SALESIM_MOMENTS; k++) {
    double s = 0;
    int c = 0;
    for (int r = 0; r < n; r++)
      if (isfinite(m[r].value[k])) {
        s += m[r].value[k];
        c++;
      }
    mean[k] = c > 0 ? s / c : NAN;
  }
}

/* The simulated means at log parameters x (R histories, the same seeds). */
/* `reps` histories at log parameters x from the history's start to day
 * `to`, measured over [measure_from, to) (a trait at the scenario's value
 * keeps it to the bit). */
static int simulate_to(fit *f, const double *x, long to, long measure_from, int reps,
                       salesim_moments *buf, double *kept) {
  salesim_scenario *s = salesim_scenario_copy(f->sc);
  if (s == NULL)
    return SALESIM_ENOMEM;
  for (int p = 0; p < SALESIM_CALIB_PARAMS; p++)
    if (x[p] != f->x_fixed[p]) /* a trait at its start keeps the scenario's, to the bit */
      param_set(s, p, exp(x[p]));
  int rc = salesim_calibrate_simulate(s, f->res->mech, f->res->from, to, measure_from, f->scale,
                                      reps, f->seed, f->threads, buf, kept, f->diag);
  salesim_scenario_free(s);
  return rc;
}

static int simulate_at(fit *f, const double *x, int reps, salesim_moments *buf, double *mean) {
  int rc = simulate_to(f, x, f->res->to, f->res->from, reps, buf, NULL);
  if (rc == 0)
    mean_moments(buf, reps, mean);
  return rc;
}

#define PENALTY 1e6 /* a used moment no simulated history has */

static double objective_of(const fit *f, const double *mean) {
  double j = 0;
  for (int k = 0; k < SALESIM_MOMENTS; k++) {
    if (!f->res->used[k])
      continue;
    if (!isfinite(mean[k])) {
      j += PENALTY;
      continue;
    }
    double d = mean[k] - f->res->observed.value[k];
    j += f->w[k] * d * d;
  }
  return j;
}

static double objective(const gsl_vector *v, void *arg) {
  fit *f = arg;
  if (f->error != 0 || (f->opt->cancel != NULL && *f->opt->cancel))
    return GSL_POSINF;
  double x[SALESIM_CALIB_PARAMS], mean[SALESIM_MOMENTS];
  memcpy(x, f->x_fixed, sizeof x);
  for (int q = 0; q < f->n_free; q++) {
    int p = f->free_p[q];
    x[p] = gsl_vector_get(v, (size_t)q);
    if (!(fabs(x[p]) < 700)) /* exp would leave the doubles */
      return GSL_POSINF;
  }
  f->evaluations++;
  int rc = simulate_at(f, x, f->res->replications, f->buf, mean);
  if (rc != 0) {
    f->error = rc;
    return GSL_POSINF;
  }
  return objective_of(f, mean);
}

/* ---- the observed moments and their bootstrap ------------------------------ */

static int observe(const salesim_data *d, salesim_calibrate_result *res, int draws, uint64_t seed,
                   double *cov /* SALESIM_MOMENTS^2 */) {
  int rc = salesim_moments_compute(d, res->from, res->to, NULL, &res->observed);
  if (rc != 0)
    return rc;
  size_t n = d->n_reps;
  double *wt = malloc((n > 0 ? n : 1) * sizeof *wt);
  double *val = malloc((size_t)draws * SALESIM_MOMENTS * sizeof *val);
  gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
  if (wt == NULL || val == NULL || g == NULL) {
    free(wt);
    free(val);
    gsl_rng_free(g);
    return SALESIM_ENOMEM;
  }
  gsl_rng_set(g, (unsigned long)(seed ^ 0x5bd1e995u));
  for (int b = 0; b < draws && rc == 0; b++) {
    for (size_t i = 0; i < n; i++)
      wt[i] = 0;
    for (size_t i = 0; i < n; i++)
      wt[gsl_rng_uniform_int(g, n)] += 1;
    salesim_moments m;
    rc = salesim_moments_compute(d, res->from, res->to, wt, &m);
    for (int k = 0; k < SALESIM_MOMENTS; k++)
      val[(size_t)b * SALESIM_MOMENTS + k] = m.value[k];
  }
  /* covariance over the draws where both moments exist */
  for (int k = 0; k < SALESIM_MOMENTS && rc == 0; k++)
    for (int l = 0; l < SALESIM_MOMENTS; l++) {
      double sk = 0, sl = 0, skl = 0;
      int c = 0;
      for (int b = 0; b < draws; b++) {
        double a = val[(size_t)b * SALESIM_MOMENTS + k], e = val[(size_t)b * SALESIM_MOMENTS + l];
        if (isfinite(a) && isfinite(e)) {
          sk += a;
          sl += e;
          skl += a * e;
          c++;
        }
      }
      cov[k * SALESIM_MOMENTS + l] = c > 1 ? (skl - sk * sl / c) / (c - 1) : NAN;
    }
  free(wt);
  free(val);
  gsl_rng_free(g);
  return rc;
}

/* ---- the fit ------------------------------------------------------------- */

static int check_data(const salesim_scenario *sc, const salesim_calibrate_options *opt,
                      salesim_calibrate_result *res, salesim_diag *diag) {
  const salesim_data *d = sc->data;
  if (d == NULL || d->n_reps == 0 || d->n_periods == 0) {
    salesim_diag_add(diag, "%s: calibrate: the scenario's data has no %s (expected a data group "
                           "naming roster.csv and performance.csv, docs/data-format.md)",
                     sc->path ? sc->path : "scenario",
                     d == NULL ? "files" : d->n_reps == 0 ? "roster" : "plan-period results");
    return SALESIM_EINVAL;
  }
  res->mech = sc->baseline_index;
  if (opt->mechanism != NULL) {
    res->mech = -1;
    for (int m = 0; m < sc->n_mechanisms; m++)
      if (strcmp(sc->mechanisms[m].name, opt->mechanism) == 0)
        res->mech = m;
    if (res->mech < 0) {
      salesim_diag_add(diag, "--mechanism %s: no such mechanism in %s", opt->mechanism,
                       sc->path ? sc->path : "the scenario");
      return SALESIM_EINVAL;
    }
  }
  res->to = opt->to != SALESIM_DATA_NO_DATE ? opt->to : d->start;
  if (opt->from != SALESIM_DATA_NO_DATE) {
    res->from = opt->from;
  } else {
    long first = -1;
    for (size_t i = 0; i < d->n_periods; i++)
      if (first < 0 || d->periods[i].first_month < first)
        first = d->periods[i].first_month;
    long y = first / 12;
    res->from = salesim_data_days((int)y, (int)(first - 12 * y) + 1, 1);
  }
  if (!first_of_month(res->from) || !first_of_month(res->to) || res->to <= res->from) {
    salesim_diag_add(diag, "%s: calibrate: the history [%ld, %ld) is not whole months (expected "
                           "the first plan period's first day before the data's start date)",
                     sc->path ? sc->path : "scenario", res->from, res->to);
    return SALESIM_EINVAL;
  }
  if (opt->holdout_months > 0) {
    int y, m, dd;
    salesim_data_ymd(res->to, &y, &m, &dd);
    long mi = (long)y * 12 + (m - 1) - opt->holdout_months;
    res->holdout_to = res->to;
    res->to = salesim_data_days((int)(mi / 12), (int)(mi % 12) + 1, 1);
  }
  res->months = salesim_data_months_between(res->from, res->to);
  if (res->months < 12) {
    salesim_diag_add(diag, "%s: calibrate: %d months of history%s (expected at least 12)",
                     sc->path ? sc->path : "scenario", res->months,
                     opt->holdout_months > 0 ? " before the held-out months" : "");
    return SALESIM_EINVAL;
  }
  salesim_data *shape = salesim_data_copy_shape(d, res->from);
  if (shape == NULL)
    return SALESIM_ENOMEM;
  res->reps_at_start = (int)salesim_data_starting_force(shape, NULL, 0);
  salesim_data_free(shape);
  if (res->reps_at_start < 1) {
    salesim_diag_add(diag, "%s: calibrate: nobody in roster.csv was employed on the history's "
                           "first day (expected people hired before it)",
                     sc->path ? sc->path : "scenario");
    return SALESIM_EINVAL;
  }
  for (int p = 0; p < SALESIM_CALIB_PARAMS; p++) {
    const salesim_dist *pd = (const salesim_dist *)(const void *)((const char *)&sc->population +
                                                                  params[p].offset);
    if (pd->kind == SALESIM_DIST_UNIFORM) {
      salesim_diag_add(diag, "%s: %s: a uniform distribution cannot be calibrated (expected "
                             "normal, lognormal or a constant)",
                       sc->path ? sc->path : "scenario", params[p].setting);
      return SALESIM_EINVAL;
    }
  }
  return 0;
}

/* Moment k over `n` histories: its mean, the half-width of the mean's 95 %
 * interval, and the 2.5 and 97.5 percentiles (the range of one history);
 * NAN without a history that has it. `v` holds n doubles of scratch. */
static void spread(const salesim_moments *buf, int n, int k, double *v, double *mean,
                   double *half, double *p025, double *p975) {
  int c = 0;
  for (int r = 0; r < n; r++)
    if (isfinite(buf[r].value[k]))
      v[c++] = buf[r].value[k];
  *mean = *half = *p025 = *p975 = NAN;
  if (c == 0)
    return;
  *mean = gsl_stats_mean(v, 1, (size_t)c);
  *half = c > 1 ? 1.96 * gsl_stats_sd_m(v, 1, (size_t)c, *mean) / sqrt((double)c) : 0;
  gsl_sort(v, 1, (size_t)c);
  *p025 = gsl_stats_quantile_from_sorted_data(v, 1, (size_t)c, 0.025);
  *p975 = gsl_stats_quantile_from_sorted_data(v, 1, (size_t)c, 0.975);
}

/* One step of the old accounts' back-cast at log parameters x: the scale
 * that would have kept, on average over the histories, exactly the
 * revenue the data shows today. */
static int backcast(fit *f, const double *x) {
  /* through the day the accounts describe: the history's end, or the
   * held-out months' */
  long end = f->res->holdout_to > f->res->to ? f->res->holdout_to : f->res->to;
  int rc = simulate_to(f, x, end, f->res->from, f->res->replications, f->buf, f->kept);
  if (rc != 0)
    return rc;
  double s = 0;
  int c = 0;
  for (int r = 0; r < f->res->replications; r++)
    if (isfinite(f->kept[r]) && f->kept[r] > 0) {
      s += f->kept[r];
      c++;
    }
  if (c > 0 && s > 0)
    f->scale = (double)c / s; /* kept is already per unit of the scaled start */
  f->res->account_scale = f->scale;
  return 0;
}

/* G[k][p]: the simulated means' derivatives in log parameter p at x, by
 * central differences of 0.1 on the same seeds (0 for unused moments). */
static int jacobian(fit *f, const double *x, double G[SALESIM_MOMENTS][SALESIM_CALIB_PARAMS]) {
  const double h = 0.1;
  for (int p = 0; p < SALESIM_CALIB_PARAMS; p++) {
    double xp[SALESIM_CALIB_PARAMS], up[SALESIM_MOMENTS], dn[SALESIM_MOMENTS];
    memcpy(xp, x, sizeof xp);
    xp[p] = x[p] + h;
    int rc = simulate_at(f, xp, f->res->replications, f->buf, up);
    xp[p] = x[p] - h;
    if (rc == 0)
      rc = simulate_at(f, xp, f->res->replications, f->buf, dn);
    if (rc != 0)
      return rc;
    for (int k = 0; k < SALESIM_MOMENTS; k++)
      G[k][p] = f->res->used[k] && isfinite(up[k]) && isfinite(dn[k]) ? (up[k] - dn[k]) / (2 * h)
                                                                      : 0;
  }
  return 0;
}

/* How many observed-moment SEs the moments move per unit of log p. */
static double sensitivity(const fit *f, double G[SALESIM_MOMENTS][SALESIM_CALIB_PARAMS], int p) {
  double s = 0;
  for (int k = 0; k < SALESIM_MOMENTS; k++)
    if (f->res->used[k])
      s += G[k][p] * f->w[k] * G[k][p];
  return sqrt(s);
}

/* The held-out months' histories (f->buf, n of them) with the estimate's
 * uncertainty: PREDICT_DRAWS draws of the log parameters from the normal
 * with the sandwich's covariance V around xe (the free ones; a V that is
 * not positive definite: its diagonal), each run on its own seeds, the n
 * histories shared out among them in turn. A prediction at the estimate
 * alone would ignore that the traits are estimated and claim too narrow a
 * range. */
#define PREDICT_DRAWS 20
static int predict(fit *f, const double *xe, double V[SALESIM_CALIB_PARAMS][SALESIM_CALIB_PARAMS],
                   int n) {
  int P = f->n_free;
  double L[SALESIM_CALIB_PARAMS][SALESIM_CALIB_PARAMS] = {{0}};
  if (P > 0) {
    gsl_matrix *C = gsl_matrix_alloc((size_t)P, (size_t)P);
    if (C == NULL)
      return SALESIM_ENOMEM;
    for (int a = 0; a < P; a++)
      for (int b = 0; b < P; b++)
        gsl_matrix_set(C, (size_t)a, (size_t)b, V[f->free_p[a]][f->free_p[b]]);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int chol = gsl_linalg_cholesky_decomp1(C);
    gsl_set_error_handler(old);
    for (int a = 0; a < P; a++)
      for (int b = 0; b <= a; b++) {
        double d = V[f->free_p[a]][f->free_p[a]];
        L[a][b] = chol == 0 ? gsl_matrix_get(C, (size_t)a, (size_t)b)
                            : (a == b && d > 0 ? sqrt(d) : 0);
        if (!isfinite(L[a][b]))
          L[a][b] = 0;
      }
    gsl_matrix_free(C);
  }
  gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
  if (g == NULL)
    return SALESIM_ENOMEM;
  gsl_rng_set(g, (unsigned long)(f->seed ^ 0x7f4a7c15u));
  int draws = n < PREDICT_DRAWS ? n : PREDICT_DRAWS, rc = 0, done = 0;
  uint64_t seed = f->seed;
  for (int d = 0; d < draws && rc == 0; d++) {
    int k = n / draws + (d < n % draws);
    double z[SALESIM_CALIB_PARAMS], x[SALESIM_CALIB_PARAMS];
    for (int a = 0; a < P; a++)
      z[a] = gsl_ran_ugaussian(g);
    memcpy(x, xe, sizeof x);
    for (int a = 0; a < P; a++)
      for (int b = 0; b <= a; b++)
        x[f->free_p[a]] += L[a][b] * z[b];
    f->seed = seed + 0x9e3779b97f4a7c15ull * (uint64_t)(d + 1); /* the draw's own seeds */
    rc = simulate_to(f, x, f->res->holdout_to, f->res->to, k, f->buf + done, NULL);
    done += k;
  }
  f->seed = seed;
  gsl_rng_free(g);
  return rc;
}

/* The objective at log parameters x (the histories of the fit's seeds). */
static int objective_at(fit *f, const double *x, double *j) {
  double mean[SALESIM_MOMENTS];
  int rc = simulate_at(f, x, f->res->replications, f->buf, mean);
  *j = rc == 0 ? objective_of(f, mean) : NAN;
  return rc;
}

/* Parameter p's interval followed along the objective. In the quadratic
 * approximation the objective, with the other free parameters at their
 * best for each value of p (the direction `dir`, p's column of (G'WG)^-1
 * scaled to 1 in p), rises by `crit` at the sandwich's ends xe[p] +- half.
 * Where the moments are flatter than that approximation (a spread that
 * hardly shows in small samples, a quit rate that saturates), the rise is
 * slower and the end moves out to where it reaches `crit`: by doubling,
 * at most FOLLOW_DOUBLINGS times and never past FOLLOW_MAX_LOG, then by
 * bisection. An interval is never
 * narrower than the sandwich's; an end at the search's limit is flagged
 * open (the data do not bound it). */
#define FOLLOW_DOUBLINGS 4
#define FOLLOW_BISECTIONS 5
#define FOLLOW_MAX_LOG 6.9 /* never past a factor of 1000 from the estimate */
static int follow_interval(fit *f, const double *xe, const double *dir, int p, double half,
                           double crit, salesim_calibrate_param *out) {
  double j0, x[SALESIM_CALIB_PARAMS];
  if (!(half < FOLLOW_MAX_LOG)) /* the sandwich's ends are already that far */
    return 0;
  int rc = objective_at(f, xe, &j0);
  for (int side = -1; side <= 1 && rc == 0; side += 2) {
    double lo = 0, hi = half, j = NAN; /* rise(lo) < crit; hi under test */
    int doublings = 0, found = 0;
    for (;;) {
      for (int c = 0; c < SALESIM_CALIB_PARAMS; c++)
        x[c] = xe[c] + side * hi * dir[c];
      if ((rc = objective_at(f, x, &j)) != 0)
        return rc;
      if (!(j - j0 < crit)) { /* reached (NAN: no history has a moment there) */
        found = 1;
        break;
      }
      if (doublings == FOLLOW_DOUBLINGS || hi >= FOLLOW_MAX_LOG)
        break;
      lo = hi;
      hi = fmin(2 * hi, FOLLOW_MAX_LOG);
      doublings++;
    }
    if (found && lo == 0) /* at least as steep as the approximation: the sandwich's end */
      continue;
    if (found)
      for (int b = 0; b < FOLLOW_BISECTIONS; b++) {
        double mid = 0.5 * (lo + hi);
        for (int c = 0; c < SALESIM_CALIB_PARAMS; c++)
          x[c] = xe[c] + side * mid * dir[c];
        if ((rc = objective_at(f, x, &j)) != 0)
          return rc;
        if (j - j0 < crit)
          lo = mid;
        else
          hi = mid;
      }
    double end = exp(xe[p] + side * hi);
    if (side < 0) {
      out->low = end;
      out->open_low = !found;
    } else {
      out->high = end;
      out->open_high = !found;
    }
  }
  return rc;
}

int salesim_calibrate(const salesim_scenario *sc, const salesim_calibrate_options *opt,
                      salesim_calibrate_result *res, salesim_diag *diag, salesim_diag *warn) {
  memset(res, 0, sizeof *res);
  int rc = check_data(sc, opt, res, diag);
  if (rc != 0)
    return rc;
  res->replications = opt->replications > 0 ? opt->replications : 24;
  /* 0. the pipeline from the deal log, into the scenario the fit runs on */
  salesim_scenario *own = NULL;
  if (sc->data->n_events > 0) {
    res->pipeline = calloc(1, sizeof *res->pipeline);
    if (res->pipeline == NULL)
      return SALESIM_ENOMEM;
    rc = salesim_pipeline_fit(sc->data, res->from, res->to, res->pipeline, warn);
    if (rc == SALESIM_ENOMEM)
      return rc;
    if (rc == 0) {
      own = salesim_scenario_copy(sc);
      if (own == NULL)
        return SALESIM_ENOMEM;
      if (salesim_pipeline_fit_apply(res->pipeline, &own->production, warn) == 0) {
        res->pipeline_fitted = 1;
        sc = own;
      }
    }
    if (!res->pipeline_fitted && warn != NULL)
      salesim_diag_add(warn, "calibrate: the pipeline could not be estimated from the deal log: "
                             "the scenario's is kept");
    rc = 0;
  }
  int check_reps = opt->check_replications > 0 ? opt->check_replications : 100;
  int draws = opt->bootstrap > 1 ? opt->bootstrap : 200;
  fit f;
  memset(&f, 0, sizeof f);
  f.sc = sc;
  f.opt = opt;
  f.res = res;
  f.threads = opt->threads;
  f.seed = opt->has_seed ? opt->seed : sc->seed;
  f.diag = diag;
  double cov[SALESIM_MOMENTS * SALESIM_MOMENTS];
  if ((rc = observe(sc->data, res, draws, f.seed, cov)) != 0) {
    salesim_scenario_free(own);
    return rc;
  }
  int n_used = 0;
  for (int k = 0; k < SALESIM_MOMENTS; k++) {
    double v = cov[k * SALESIM_MOMENTS + k];
    res->observed_se[k] = v >= 0 ? sqrt(v) : NAN;
    /* the moments are fitted; the sales level and the overall quit
     * rate are measured and predicted (the held-out months) but not fitted */
    if (k == SALESIM_MOMENT_SALES_PER_REP || k == SALESIM_MOMENT_QUIT_RATE)
      continue;
    res->used[k] = isfinite(res->observed.value[k]) && v > 0 && isfinite(v);
    if (res->used[k]) {
      f.w[k] = 1.0 / v;
      n_used++;
    } else if (warn != NULL) {
      salesim_diag_add(warn, "calibrate: moment %s not used (%s)", salesim_moment_name(k),
                       !isfinite(res->observed.value[k]) ? "the data has no observation of it"
                                                         : "it does not vary in the bootstrap");
    }
  }
  if (n_used < SALESIM_CALIB_PARAMS) {
    salesim_diag_add(diag, "%s: calibrate: %d usable moments for %d parameters (expected at least "
                           "as many moments: docs/calibration.md lists what each needs)",
                     sc->path ? sc->path : "scenario", n_used, SALESIM_CALIB_PARAMS);
    salesim_scenario_free(own);
    return SALESIM_EINVAL;
  }
  int nb = res->replications > check_reps ? res->replications : check_reps;
  f.buf = calloc((size_t)nb, sizeof *f.buf);
  f.kept = calloc((size_t)nb, sizeof *f.kept);
  if (f.buf == NULL || f.kept == NULL) {
    free(f.buf);
    free(f.kept);
    salesim_scenario_free(own);
    return SALESIM_ENOMEM;
  }
  double x0[SALESIM_CALIB_PARAMS], xe[SALESIM_CALIB_PARAMS];
  for (int p = 0; p < SALESIM_CALIB_PARAMS; p++) {
    double v = param_get(sc, p);
    res->param[p].name = params[p].name;
    res->param[p].setting = params[p].setting;
    res->param[p].start = v;
    if (!(v > 0)) /* a constant ability: start from a spread of 0.3 */
      v = params[p].field == FIELD_SD ? 0.3 : 1;
    x0[p] = log(v);
  }
  memcpy(f.x_fixed, x0, sizeof x0);
  gsl_multimin_fminimizer *mz = NULL;
  gsl_vector *x = NULL, *step = NULL;
  double G[SALESIM_MOMENTS][SALESIM_CALIB_PARAMS];
  double dir[SALESIM_CALIB_PARAMS][SALESIM_CALIB_PARAMS] = {{0}};
  double crit[SALESIM_CALIB_PARAMS], reach[SALESIM_CALIB_PARAMS];
  double Vfull[SALESIM_CALIB_PARAMS][SALESIM_CALIB_PARAMS] = {{0}}; /* log scale, free ones */
  double V_at[SALESIM_CALIB_PARAMS]; /* its diagonal (NAN: none) */
  for (int p = 0; p < SALESIM_CALIB_PARAMS; p++)
    crit[p] = reach[p] = NAN;
  /* the old accounts' back-cast at the start values (two steps of the
   * fixed point scale * kept(scale) = 1) */
  f.scale = 1;
  for (int it = 0; it < 2 && rc == 0; it++)
    rc = backcast(&f, x0);
  /* which parameters the moments move at all: the rest stay at the
   * scenario's values */
  if (rc == 0)
    rc = jacobian(&f, x0, G);
  if (rc != 0)
    goto done;
  for (int p = 0; p < SALESIM_CALIB_PARAMS; p++) {
    double sens = sensitivity(&f, G, p);
    if (sens >= 1.0)
      f.free_p[f.n_free++] = p;
    else if (warn != NULL)
      salesim_diag_add(warn,
                       "calibrate: %s is not identified by these data (the moments move %.2g of "
                       "their standard errors per unit of its logarithm; expected at least 1): "
                       "kept at the scenario's %g",
                       params[p].name, sens, res->param[p].start);
  }
  memcpy(xe, x0, sizeof xe);
  res->objective_start = res->objective = NAN; /* nothing to move: no search */
  int searches = 0;
search:
  if (f.n_free > 0) {
    /* 4. the simplex on the free parameters' logarithms, from the start
     * (or, searching again without a trait, from the last estimate) */
    gsl_multimin_fminimizer_free(mz);
    gsl_vector_free(x);
    gsl_vector_free(step);
    res->converged = 0;
    mz = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, (size_t)f.n_free);
    x = gsl_vector_alloc((size_t)f.n_free);
    step = gsl_vector_alloc((size_t)f.n_free);
    if (mz == NULL || x == NULL || step == NULL) {
      rc = SALESIM_ENOMEM;
      goto done;
    }
    for (int q = 0; q < f.n_free; q++) {
      gsl_vector_set(x, (size_t)q, xe[f.free_p[q]]);
      gsl_vector_set(step, (size_t)q, 0.4);
    }
    gsl_multimin_function fn = {objective, (size_t)f.n_free, &f};
    double jstart = objective(x, &f);
    if (searches++ == 0)
      res->objective_start = jstart;
    if (f.error != 0) {
      rc = f.error;
      goto done;
    }
    gsl_multimin_fminimizer_set(mz, &fn, x, step);
    int budget = opt->max_evaluations > 0 ? opt->max_evaluations : 120;
    int iterations = 0;
    while (f.evaluations < budget) {
      int st = gsl_multimin_fminimizer_iterate(mz);
      iterations++;
      if (f.error != 0) {
        rc = f.error;
        goto done;
      }
      if (opt->cancel != NULL && *opt->cancel) {
        rc = SALESIM_EINTERRUPTED;
        goto done;
      }
      if (st != GSL_SUCCESS)
        break;
      if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(mz), 0.01) == GSL_SUCCESS) {
        res->converged = 1;
        break;
      }
    }
    /* a budget spent on the first simplex leaves the start (the
     * minimiser's fval is set by its first iteration only) */
    res->objective = jstart;
    if (iterations > 0) {
      for (int q = 0; q < f.n_free; q++)
        xe[f.free_p[q]] = gsl_vector_get(mz->x, (size_t)q);
      res->objective = mz->fval;
    }
  }
  res->evaluations = f.evaluations;
  /* 5. at the estimate: the back-cast again, then the Jacobian */
  rc = backcast(&f, xe);
  if (rc == 0)
    rc = jacobian(&f, xe, G);
  if (rc != 0)
    goto done;
  /* A = G'WG, B = G'W S W G over the free parameters; V = (1 + 1/R)
   * A^-1 B A^-1 on the log scale */
  {
    int P = f.n_free;
    gsl_matrix *A = P > 0 ? gsl_matrix_calloc((size_t)P, (size_t)P) : NULL;
    gsl_matrix *B = P > 0 ? gsl_matrix_calloc((size_t)P, (size_t)P) : NULL;
    gsl_matrix *Ai = P > 0 ? gsl_matrix_alloc((size_t)P, (size_t)P) : NULL;
    gsl_matrix *T = P > 0 ? gsl_matrix_alloc((size_t)P, (size_t)P) : NULL;
    gsl_permutation *perm = P > 0 ? gsl_permutation_alloc((size_t)P) : NULL;
    double V[SALESIM_CALIB_PARAMS];
    for (int p = 0; p < SALESIM_CALIB_PARAMS; p++) {
      V[p] = NAN;
      crit[p] = NAN;
    }
    if (P > 0 && (!A || !B || !Ai || !T || !perm)) {
      rc = SALESIM_ENOMEM;
    } else if (P > 0) {
      for (int qa = 0; qa < P; qa++)
        for (int qb = 0; qb < P; qb++) {
          int a = f.free_p[qa], b = f.free_p[qb];
          double sa = 0, tb = 0;
          for (int k = 0; k < SALESIM_MOMENTS; k++) {
            if (!res->used[k])
              continue;
            sa += G[k][a] * f.w[k] * G[k][b];
            for (int l = 0; l < SALESIM_MOMENTS; l++)
              if (res->used[l])
                tb += G[k][a] * f.w[k] * cov[k * SALESIM_MOMENTS + l] * f.w[l] * G[l][b];
          }
          gsl_matrix_set(A, (size_t)qa, (size_t)qb, sa);
          gsl_matrix_set(B, (size_t)qa, (size_t)qb, tb);
        }
      gsl_matrix_memcpy(T, A);
      int sign;
      gsl_error_handler_t *old = gsl_set_error_handler_off();
      int lu = gsl_linalg_LU_decomp(T, perm, &sign);
      double det = lu == 0 ? gsl_linalg_LU_det(T, sign) : 0;
      if (lu == 0 && det != 0 && isfinite(det) && gsl_linalg_LU_invert(T, perm, Ai) == 0) {
        for (int qa = 0; qa < P; qa++) /* Ai B Ai */
          for (int qb = 0; qb < P; qb++) {
            double v = 0;
            for (int c = 0; c < P; c++)
              for (int e = 0; e < P; e++)
                v += gsl_matrix_get(Ai, (size_t)qa, (size_t)c) *
                     gsl_matrix_get(B, (size_t)c, (size_t)e) * gsl_matrix_get(Ai, (size_t)e, (size_t)qb);
            Vfull[f.free_p[qa]][f.free_p[qb]] = (1.0 + 1.0 / res->replications) * v;
          }
        for (int qa = 0; qa < P; qa++) {
          double v = Vfull[f.free_p[qa]][f.free_p[qa]];
          V[f.free_p[qa]] = v;
          /* the profile's direction and the objective's rise at the
           * sandwich's ends, both in the quadratic approximation */
          double aii = gsl_matrix_get(Ai, (size_t)qa, (size_t)qa);
          if (aii > 0 && v > 0) {
            for (int c = 0; c < P; c++)
              dir[f.free_p[qa]][f.free_p[c]] = gsl_matrix_get(Ai, (size_t)c, (size_t)qa) / aii;
            crit[f.free_p[qa]] = 1.96 * 1.96 * V[f.free_p[qa]] / aii;
          }
        }
      }
      gsl_set_error_handler(old);
    }
    for (int p = 0; p < SALESIM_CALIB_PARAMS; p++) {
      /* a trait that did not move keeps the scenario's value to the bit */
    double est = xe[p] == x0[p] ? res->param[p].start : exp(xe[p]);
    double v = V[p];
      double sl = v >= 0 && isfinite(v) ? sqrt(v) : NAN;
      res->param[p].estimate = est;
      res->param[p].sensitivity = sensitivity(&f, G, p);
      res->param[p].se = est * sl; /* delta method */
      res->param[p].low = isfinite(sl) ? exp(xe[p] - 1.96 * sl) : NAN;
      res->param[p].high = isfinite(sl) ? exp(xe[p] + 1.96 * sl) : NAN;
      res->param[p].identified = isfinite(sl);
      reach[p] = 1.96 * sl;
      V_at[p] = v;
    }
    gsl_matrix_free(A);
    gsl_matrix_free(B);
    gsl_matrix_free(Ai);
    gsl_matrix_free(T);
    gsl_permutation_free(perm);
  }
  if (rc != 0)
    goto done;
  /* 5a. a trait the moments do not move at the estimate (the search went
   * where they are flat in it, or two traits move them alike) has no
   * interval and an arbitrary value: the least sensitive one goes back to
   * the scenario's value and the others are searched again */
  {
    int drop = -1, singular = 0;
    for (int q = 0; q < f.n_free; q++) {
      int p = f.free_p[q];
      singular |= !isfinite(V_at[p]);
      if (drop < 0 || sensitivity(&f, G, p) < sensitivity(&f, G, drop))
        drop = p;
    }
    if (drop >= 0 && (singular || sensitivity(&f, G, drop) < 1.0)) {
      if (warn != NULL)
        salesim_diag_add(warn,
                         "calibrate: %s does not move the moments at the fitted values (%.2g of "
                         "their standard errors per unit of its logarithm%s; expected at least "
                         "1): kept at the scenario's %g, the other traits searched again",
                         params[drop].name, sensitivity(&f, G, drop),
                         singular ? ", and the traits' effects are not separable" : "",
                         res->param[drop].start);
      int n = 0;
      for (int q = 0; q < f.n_free; q++)
        if (f.free_p[q] != drop)
          f.free_p[n++] = f.free_p[q];
      f.n_free = n;
      xe[drop] = x0[drop];
      for (int p = 0; p < SALESIM_CALIB_PARAMS; p++)
        crit[p] = reach[p] = NAN;
      memset(dir, 0, sizeof dir);
      memset(Vfull, 0, sizeof Vfull);
      goto search;
    }
  }
  /* 5b. the intervals followed along the objective */
  for (int q = 0; q < f.n_free && rc == 0; q++) {
    int p = f.free_p[q];
    if (res->param[p].identified && isfinite(crit[p]))
      rc = follow_interval(&f, xe, dir[p], p, reach[p], crit[p], &res->param[p]);
  }
  if (rc != 0)
    goto done;
  /* 6. the moments at the estimate over more histories */
  {
    double mean[SALESIM_MOMENTS];
    rc = simulate_at(&f, xe, check_reps, f.buf, mean);
    double *v = malloc((size_t)check_reps * sizeof *v);
    if (rc == 0 && v == NULL)
      rc = SALESIM_ENOMEM;
    for (int k = 0; k < SALESIM_MOMENTS && rc == 0; k++) {
      double half;
      spread(f.buf, check_reps, k, v, &res->sim_mean[k], &half, &res->sim_p025[k],
             &res->sim_p975[k]);
      res->sim_low[k] = res->sim_mean[k] - half;
      res->sim_high[k] = res->sim_mean[k] + half;
    }
    free(v);
  }
  /* the held-out months: the model at the estimate, from the history's
   * start through them, measured on them only */
  if (rc == 0 && res->holdout_to > res->to) {
    rc = salesim_moments_compute(sc->data, res->to, res->holdout_to, NULL, &res->holdout_observed);
    if (rc == 0)
      rc = predict(&f, xe, Vfull, check_reps);
    double *v = rc == 0 ? malloc((size_t)check_reps * sizeof *v) : NULL;
    if (rc == 0 && v == NULL)
      rc = SALESIM_ENOMEM;
    for (int k = 0; k < SALESIM_MOMENTS && rc == 0; k++) {
      double half;
      spread(f.buf, check_reps, k, v, &res->holdout_mean[k], &half, &res->holdout_p025[k],
             &res->holdout_p975[k]);
    }
    free(v);
  }
done:
  gsl_multimin_fminimizer_free(mz);
  gsl_vector_free(x);
  gsl_vector_free(step);
  free(f.buf);
  free(f.kept);
  salesim_scenario_free(own);
  return rc;
}

salesim_scenario *salesim_calibrate_apply(const salesim_scenario *sc,
                                          const salesim_calibrate_result *r) {
  salesim_scenario *c = salesim_scenario_copy(sc);
  if (c == NULL)
    return NULL;
  if (r->pipeline_fitted && salesim_pipeline_fit_apply(r->pipeline, &c->production, NULL) != 0) {
    salesim_scenario_free(c);
    return NULL;
  }
  for (int p = 0; p < SALESIM_CALIB_PARAMS; p++)
    if (r->param[p].estimate != r->param[p].start) /* unmoved: kept as written */
      param_set(c, p, r->param[p].estimate);
  return c;
}

void salesim_calibrate_result_clear(salesim_calibrate_result *r) {
  if (r == NULL)
    return;
  free(r->pipeline);
  r->pipeline = NULL;
  r->pipeline_fitted = 0;
}
