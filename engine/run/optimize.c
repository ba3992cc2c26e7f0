/*
 * engine/run/optimize.c: one plan parameter against expected profit
 * (engine/run/optimize.h). Reading order: setup (the mechanism alone in a copy
 * of the scenario, the path, the range), evaluate (one run at a value with
 * the scenario's seed: common random numbers, so differences between values
 * are smooth and paired), then the search: grid, golden section in the best
 * bracket, final grid around the optimum, and the interval from paired t
 * tests against the best value's replications.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "mechanism.h"
#include "numerics.h"
#include "optimize.h"
#include "override.h"
#include "study.h"

typedef struct eval_ctx {
  salesim_scenario *sc; /* the mechanism alone */
  const salesim_optimize_options *opt;
  char path[SALESIM_PATH_MAX];
  double *per_rep;      /* objective by replication, per stored evaluation */
  int n_rep;
  salesim_optimize_point *pts;
  int n, cap;
  /* bind_participation: the population's constants */
  double w, c, r, sigma2, pain;
  /* two tasks (Holmstrom-Milgrom 1991): substitution, farming noise, the
   * commission's book_rate (< 0: the rate itself) */
  int tasks;
  double rho, sigma2_farm, book_rate;
  salesim_diag *diag;
} eval_ctx;

/* What an agent must be paid a month to stay at rate x when the
 * participation constraint binds: outside wage + effort cost + risk premium.
 * One task (Holmstrom-Milgrom 1987): c e^2/2 + (r/2) x^2 sigma^2. Two tasks
 * (1991): the cost c/2 (pi^2 h^2 + 2 rho pi h f + f^2) of the efforts the
 * agents chose (mean hunting h and farming f, from the effort metric and the
 * hunting share; every agent alike) and the risk of both rates,
 * (r/2) (x^2 sigma_1^2 + b^2 sigma_2^2) with b the book_rate. */
static double participation_cost(const eval_ctx *e, const salesim_results *res, int rep,
                                 double x) {
  double effort = SALESIM_METRIC_AT(res, 0, rep, SALESIM_METRIC_EFFORT);
  if (e->tasks != 2) {
    double eff = effort / e->pain;
    return e->w + e->c * eff * eff / 2 + e->r / 2 * x * x * e->sigma2;
  }
  double share = SALESIM_METRIC_AT(res, 0, rep, SALESIM_METRIC_HUNTING_SHARE);
  if (!isfinite(share))
    share = 0;
  double both = effort / (e->pain * share + (1 - share)); /* h + f */
  double h = share * both, f = (1 - share) * both, pi = e->pain;
  double b = e->book_rate >= 0 ? e->book_rate : x;
  return e->w + e->c / 2 * (pi * pi * h * h + 2 * e->rho * pi * h * f + f * f) +
         e->r / 2 * (x * x * e->sigma2 + b * b * e->sigma2_farm);
}

static int store(eval_ctx *e, double x, salesim_results *res, int *rc);

/* The index of the point at x, or -1 if not evaluated yet. */
static int cached(const eval_ctx *e, double x) {
  for (int i = 0; i < e->n; i++)
    if (e->pts[i].x == x)
      return i;
  return -1;
}

/* Evaluate at x (cached); returns the index of the point or -1. */
static int evaluate(eval_ctx *e, double x, int *rc) {
  int k = cached(e, x);
  if (k >= 0)
    return k;
  *rc = salesim_scenario_set(e->sc, e->path, x, e->diag);
  if (*rc != 0)
    return -1;
  salesim_results *res = NULL;
  *rc = salesim_run(&res, e->sc, &e->opt->run, e->diag);
  if (*rc != 0)
    return -1;
  return store(e, x, res, rc);
}

/* Evaluate at xs[0..n) as one task list over (value, replication) (under
 * MPI one exchange instead of n; engine/run/run.c), then stored in the
 * order given, exactly as n calls of evaluate: the same points, the same
 * first failure and its lines. Values already evaluated are skipped. */
static void evaluate_many(eval_ctx *e, const double *xs, int n, int *rc) {
  salesim_run_job *jobs = calloc((size_t)(n > 0 ? n : 1), sizeof *jobs);
  salesim_scenario **copies = calloc((size_t)(n > 0 ? n : 1), sizeof *copies);
  double *todo = calloc((size_t)(n > 0 ? n : 1), sizeof *todo);
  int m = 0;
  if (jobs == NULL || copies == NULL || todo == NULL)
    *rc = SALESIM_ENOMEM;
  for (int i = 0; *rc == 0 && i < n; i++) {
    int dup = cached(e, xs[i]) >= 0;
    for (int j = 0; j < m && !dup; j++)
      dup = todo[j] == xs[i];
    if (dup)
      continue;
    /* a value the scenario refuses stops here, as evaluate would, after
     * the values before it */
    salesim_scenario *c = salesim_scenario_copy(e->sc);
    if (c == NULL) {
      *rc = SALESIM_ENOMEM;
      break;
    }
    salesim_diag probe = SALESIM_DIAG_INIT;
    if (salesim_scenario_set(c, e->path, xs[i], &probe) != 0) {
      salesim_scenario_free(c);
      salesim_diag_clear(&probe);
      break; /* evaluate reports it below, in order */
    }
    salesim_diag_clear(&probe);
    copies[m] = c;
    todo[m] = xs[i];
    if ((*rc = salesim_run_job_init(&jobs[m], c, &e->opt->run, e->diag)) != 0)
      break;
    m++;
  }
  int src = *rc == 0 ? salesim_run_jobs(jobs, m, &e->opt->run, e->diag) : 0;
  for (int j = 0; *rc == 0 && j < m; j++) {
    salesim_results *res = NULL;
    if (src != 0) {
      *rc = src;
      break;
    }
    size_t before = e->diag != NULL ? e->diag->count : 0;
    *rc = salesim_run_job_finish(&jobs[j], &res, e->diag);
    if (*rc != 0 && e->diag != NULL && e->diag->count == before) /* as salesim_run */
      salesim_diag_add(e->diag, "%s: %s", e->sc->path ? e->sc->path : "run",
                       salesim_strerror(*rc));
    if (*rc == 0)
      store(e, todo[j], res, rc);
  }
  for (int j = 0; j < m; j++) {
    salesim_run_job_clear(&jobs[j]);
    salesim_scenario_free(copies[j]);
  }
  free(jobs);
  free(copies);
  free(todo);
  /* the rest one by one through evaluate (a refused value reports there) */
  for (int i = 0; *rc == 0 && i < n; i++)
    evaluate(e, xs[i], rc);
}

/* Store the results of a run at x as a point (frees res); its index or -1. */
static int store(eval_ctx *e, double x, salesim_results *res, int *rc) {
  if (e->n == e->cap) {
    int nc = e->cap ? 2 * e->cap : 64;
    salesim_optimize_point *p = realloc(e->pts, (size_t)nc * sizeof *p);
    double *v = realloc(e->per_rep, (size_t)nc * (size_t)res->n_rep * sizeof *v);
    if (p) e->pts = p;
    if (v) e->per_rep = v;
    if (p == NULL || v == NULL) {
      salesim_results_free(res);
      *rc = SALESIM_ENOMEM;
      return -1;
    }
    e->cap = nc;
  }
  e->n_rep = res->n_rep;
  double *v = &e->per_rep[(size_t)e->n * (size_t)e->n_rep];
  double sum = 0, sum2 = 0;
  for (int rep = 0; rep < res->n_rep; rep++) {
    double profit = SALESIM_METRIC_AT(res, 0, rep, SALESIM_METRIC_PROFIT);
    if (e->opt->bind_participation) {
      double pay = SALESIM_METRIC_AT(res, 0, rep, SALESIM_METRIC_PAY_COST);
      double heads = SALESIM_METRIC_AT(res, 0, rep, SALESIM_METRIC_HEADCOUNT_END);
      double months_per_year = e->sc->months_per_year;
      profit = profit + pay - months_per_year * heads * participation_cost(e, res, rep, x);
    }
    v[rep] = profit;
    sum += profit;
    sum2 += profit * profit;
  }
  int n = res->n_rep;
  double mean = sum / n, sd = n > 1 ? sqrt(fmax(0, (sum2 - n * mean * mean) / (n - 1))) : 0;
  double half = n > 1 ? gsl_cdf_tdist_Pinv(0.975, n - 1) * sd / sqrt((double)n) : 0;
  salesim_optimize_point *p = &e->pts[e->n];
  p->x = x;
  p->mean = mean;
  p->ci_low = mean - half;
  p->ci_high = mean + half;
  p->cost_of_sales = SALESIM_STAT_AT(res, 0, SALESIM_METRIC_COST_OF_SALES).mean;
  p->retention = SALESIM_STAT_AT(res, 0, SALESIM_METRIC_TOP_RETENTION).mean;
  p->feasible = 1;
  if (!isnan(e->opt->max_cost_of_sales) && !(p->cost_of_sales <= e->opt->max_cost_of_sales))
    p->feasible = 0;
  if (!isnan(e->opt->min_retention) && !(p->retention >= e->opt->min_retention))
    p->feasible = 0;
  salesim_results_free(res);
  return e->n++;
}

/* What the search maximises: the mean, infeasible points below every
 * feasible one. */
static double score(const salesim_optimize_point *p) {
  return p->feasible ? p->mean : -1e300;
}

/* The score at x for salesim_num_golden_max: one run (or the cached one). */
static int score_at(double x, void *ctx, double *value) {
  eval_ctx *e = ctx;
  int rc = 0;
  int k = evaluate(e, x, &rc);
  if (rc != 0)
    return rc;
  *value = score(&e->pts[k]);
  return 0;
}

static int cmp_point(const void *a, const void *b) {
  double x = ((const salesim_optimize_point *)a)->x, y = ((const salesim_optimize_point *)b)->x;
  return (x > y) - (x < y);
}

void salesim_optimize_result_clear(salesim_optimize_result *r) {
  free(r->points);
  r->points = NULL;
  r->n_points = 0;
}

/* Drop every mechanism but slot 0 and the entries slot 0 names by label in
 * a text setting (a transition's `from` and `to` plans: it cannot run
 * without them). The kept ones move up behind slot 0 in their order; only
 * slot 0's results are read. Returns the new count. */
static int keep_named(salesim_scenario *sc) {
  const salesim_mechanism_spec *m0 = &sc->mechanisms[0];
  const salesim_param_table *t = m0->type->params;
  int n = 1;
  for (int k = 1; k < sc->n_mechanisms; k++) {
    int named = 0;
    for (size_t i = 0; i < t->count && !named; i++)
      if (t->specs[i].kind == SALESIM_P_STRING)
        named = strcmp((const char *)m0->params + t->specs[i].offset,
                       sc->mechanisms[k].name) == 0;
    if (named)
      sc->mechanisms[n++] = sc->mechanisms[k];
    else
      free(sc->mechanisms[k].params);
  }
  return n;
}

static int setup(eval_ctx *e, const salesim_scenario *sc, const salesim_optimize_options *opt,
                 salesim_optimize_result *out, salesim_diag *diag) {
  int m = -1;
  for (int k = 0; k < sc->n_mechanisms; k++)
    if (opt->mechanism && strcmp(sc->mechanisms[k].name, opt->mechanism) == 0)
      m = k;
  if (m < 0) {
    char names[512] = "";
    for (int k = 0; k < sc->n_mechanisms; k++)
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "",
               sc->mechanisms[k].name);
    salesim_diag_add(diag, "%s: no mechanism '%s' (expected one of: %s)", sc->path,
                     opt->mechanism ? opt->mechanism : "", names);
    return SALESIM_EINVAL;
  }
  salesim_path_info info;
  if (strncmp(opt->param, "mechanisms.", 11) == 0 || strncmp(opt->param, "mechanisms[", 11) == 0) {
    /* by label before the mechanism moves to slot 0 */
    if (salesim_scenario_path_info(sc, opt->param, &info, diag) != 0)
      return SALESIM_EINVAL;
    if (info.mech != m) {
      salesim_diag_add(diag, "--param %s: a number of mechanism '%s', not of --mechanism %s "
                             "(expected a path of that mechanism)",
                       opt->param, sc->mechanisms[info.mech].name, opt->mechanism);
      return SALESIM_EINVAL;
    }
    snprintf(e->path, sizeof e->path, "%s", info.label_path);
  } else
    snprintf(e->path, sizeof e->path, "mechanisms.%s.%s", opt->mechanism, opt->param);
  snprintf(out->path, sizeof out->path, "%s", e->path);
  e->sc = salesim_scenario_copy(sc);
  if (e->sc == NULL)
    return SALESIM_ENOMEM;
  /* the mechanism alone: the others do not change its numbers (CRN) */
  salesim_mechanism_spec keep = e->sc->mechanisms[m];
  e->sc->mechanisms[m] = e->sc->mechanisms[0];
  e->sc->mechanisms[0] = keep;
  e->sc->n_mechanisms = keep_named(e->sc);
  e->sc->baseline_index = 0;
  snprintf(e->sc->baseline, sizeof e->sc->baseline, "%s", keep.name);
  if (salesim_scenario_path_info(e->sc, e->path, &info, diag) != 0 || info.mech != 0) {
    if (info.mech > 0) /* a full path of a mechanism dropped above */
      salesim_diag_add(diag, "%s: not a number of mechanism '%s'", e->path, keep.name);
    return SALESIM_EINVAL;
  }
  const char *setting = e->path + 11 + strlen(keep.name) + 1;
  out->lo = opt->lo;
  out->hi = opt->hi;
  if (!opt->has_range) {
    /* the values the number may take: the spec's range, a point's x between
     * its neighbours (open: searched from 0.1 % of the gap inside) */
    if (!isfinite(info.lo) || !isfinite(info.hi) || info.hi - info.lo > 1e6) {
      salesim_diag_add(diag, "%s: give the range to search with --range LO:HI", e->path);
      return SALESIM_EINVAL;
    }
    double inset = info.index >= 0 ? (info.hi - info.lo) * 1e-3 : 0;
    out->lo = info.lo + (info.lo_open ? inset : 0);
    out->hi = info.hi - (info.hi_open ? inset : 0);
  }
  if (!(out->hi > out->lo)) {
    salesim_diag_add(diag, "--range %g:%g: empty (expected LO < HI)", out->lo, out->hi);
    return SALESIM_EINVAL;
  }
  salesim_diag one = SALESIM_DIAG_INIT;
  int bad = salesim_scenario_set(e->sc, e->path, out->lo, &one) != 0 ||
            salesim_scenario_set(e->sc, e->path, out->hi, &one) != 0;
  if (bad) {
    if (opt->has_range)
      salesim_diag_add(diag, "--range %g:%g: %s", out->lo, out->hi,
                       one.count ? one.lines[0] : "out of range");
    else /* the setting's own range, which the plan's cross-checks narrow */
      salesim_diag_add(diag, "%s: the default range %g:%g fails: %s (give the range to search "
                             "with --range LO:HI)",
                       e->path, out->lo, out->hi, one.count ? one.lines[0] : "out of range");
    salesim_diag_clear(&one);
    return SALESIM_EINVAL;
  }
  salesim_diag_clear(&one);
  if (opt->bind_participation) {
    const salesim_population *pop = &e->sc->population;
    const salesim_dist *d[4] = {&pop->outside_wage, &pop->effort_cost, &pop->risk_aversion,
                                &pop->ability};
    int two = e->sc->production.tasks == 2;
    int constant = 1;
    /* the mean effort stands for every agent's only when all are alike: with
     * ability varying, c e^2/2 at the mean effort is not the mean cost */
    for (int i = 0; i < 4; i++)
      constant &= d[i]->kind == SALESIM_DIST_CONSTANT;
    if (e->sc->production.mode != SALESIM_MODE_LINEAR || !constant ||
        strcmp(keep.type->name, "commission") != 0 || strcmp(setting, "rate") != 0) {
      salesim_diag_add(diag, "--bind-participation: needs production.mode = \"linear\", a "
                             "constant outside_wage, effort_cost, risk_aversion and "
                             "ability, and the rate of a commission plan");
      return SALESIM_EINVAL;
    }
    e->tasks = two ? 2 : 1;
    if (two) {
      char path[200];
      snprintf(path, sizeof path, "mechanisms.%s.book_rate", keep.name);
      e->book_rate = salesim_scenario_get(e->sc, path, diag);
      if (isnan(e->book_rate))
        return SALESIM_EINVAL;
      e->rho = e->sc->production.task_substitution;
      e->sigma2_farm = e->sc->production.noise_sd_farm * e->sc->production.noise_sd_farm;
    }
    e->w = pop->outside_wage.mean;
    e->c = pop->effort_cost.mean;
    e->r = pop->risk_aversion.mean;
    e->sigma2 = e->sc->production.noise_sd * e->sc->production.noise_sd;
    e->pain = e->sc->production.hunt_pain;
  }
  return 0;
}

int salesim_optimize(salesim_optimize_result *out, const salesim_scenario *sc,
                     const salesim_optimize_options *opt, salesim_diag *diag) {
  memset(out, 0, sizeof *out);
  eval_ctx e;
  memset(&e, 0, sizeof e);
  e.opt = opt;
  e.diag = diag;
  int rc = setup(&e, sc, opt, out, diag);
  int G = opt->grid >= 3 ? opt->grid : 21;
  double lo = out->lo, hi = out->hi, step = (hi - lo) / (G - 1);
  int best = -1;
  /* 1. grid (its values as one task list) */
  double *xs = calloc((size_t)(G > 21 ? G : 21), sizeof *xs);
  if (xs == NULL && rc == 0)
    rc = SALESIM_ENOMEM;
  for (int i = 0; rc == 0 && i < G; i++)
    xs[i] = i == G - 1 ? hi : lo + i * step;
  if (rc == 0)
    evaluate_many(&e, xs, G, &rc);
  for (int i = 0; rc == 0 && i < G; i++) {
    int k = evaluate(&e, xs[i], &rc);
    if (k >= 0 && (best < 0 || score(&e.pts[k]) > score(&e.pts[best])))
      best = k;
  }
  /* 2. golden section in the best grid point's bracket: at most 40 steps,
   * stopping once the bracket is 1e-9 of the range wide; a run that fails
   * stops the search with its code. Running out of steps (SALESIM_ELIMIT)
   * is not an error here: the bracket is a starting point for step 3's
   * finer grid, and every point evaluated so far is a candidate. */
  if (rc == 0) {
    double a = fmax(lo, e.pts[best].x - step), b = fmin(hi, e.pts[best].x + step);
    const salesim_num_golden_opts steps = {40, 1e-9 * (hi - lo)};
    salesim_num_golden g;
    int grc = salesim_num_golden_max(&g, score_at, &e, a, b, &steps);
    if (grc == SALESIM_ENUMERIC) {
      salesim_diag_add(diag, "%s: the objective is not finite at %g", e.path, g.x_failed);
      rc = grc;
    } else if (grc != 0 && grc != SALESIM_ELIMIT) {
      rc = grc;
    }
    for (int i = 0; rc == 0 && i < e.n; i++)
      if (score(&e.pts[i]) > score(&e.pts[best]))
        best = i;
  }
  /* 3. final grid check around the optimum (also the interval's points) */
  if (rc == 0) {
    double c = e.pts[best].x;
    int nx = 0;
    for (int i = -10; i <= 10; i++) {
      double x = c + i * step / 5;
      if (x >= lo && x <= hi)
        xs[nx++] = x;
    }
    evaluate_many(&e, xs, nx, &rc);
    for (int i = 0; rc == 0 && i < e.n; i++)
      if (score(&e.pts[i]) > score(&e.pts[best]))
        best = i;
  }
  if (rc == 0 && !e.pts[best].feasible) {
    salesim_diag_add(diag, "%s: no value in %g..%g meets the constraints", e.path, lo, hi);
    rc = SALESIM_EINVAL;
  }
  if (rc == 0) {
    /* 4. interval: paired t test of each point against the best */
    const double *vb = &e.per_rep[(size_t)best * (size_t)e.n_rep];
    double tq = e.n_rep > 1 ? gsl_cdf_tdist_Pinv(0.975, e.n_rep - 1) : 0;
    out->interval_lo = out->interval_hi = e.pts[best].x;
    for (int i = 0; i < e.n; i++) {
      if (!e.pts[i].feasible)
        continue;
      const double *v = &e.per_rep[(size_t)i * (size_t)e.n_rep];
      double s = 0, s2 = 0;
      for (int rep = 0; rep < e.n_rep; rep++) {
        double d = vb[rep] - v[rep];
        s += d;
        s2 += d * d;
      }
      double mean = s / e.n_rep;
      double sd = e.n_rep > 1 ? sqrt(fmax(0, (s2 - e.n_rep * mean * mean) / (e.n_rep - 1))) : 0;
      if (mean <= tq * sd / sqrt((double)e.n_rep) + 1e-12 * fabs(e.pts[best].mean)) {
        out->interval_lo = fmin(out->interval_lo, e.pts[i].x);
        out->interval_hi = fmax(out->interval_hi, e.pts[i].x);
      }
    }
    out->best = e.pts[best];
    out->evaluations = e.n;
    qsort(e.pts, (size_t)e.n, sizeof *e.pts, cmp_point);
    out->points = e.pts;
    out->n_points = e.n;
    e.pts = NULL;
  }
  free(xs);
  free(e.pts);
  free(e.per_rep);
  salesim_scenario_free(e.sc);
  return rc;
}
