/*
 * engine/scenario/sweep_design.c: the points of a declared sweep and their
 * check against the settings (docs/batch-and-sweeps.md). A design is a list
 * of points, each a value for every swept parameter: a full grid, a Latin
 * hypercube (each parameter's range cut into N equal strata, one point per
 * stratum, strata paired by random permutations from a GSL stream seeded
 * from the scenario's seed), or the first N points of a Sobol sequence
 * (gsl_qrng_sobol). It belongs to the scenario layer: the loader checks
 * every point when it reads a sweep, and running the points is
 * engine/run/sweep.c's job. Read next: engine/run/sweep.c.
 */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sweep_design.h"

static double grid_value(const salesim_sweep_param *p, int i) {
  if (p->values.n > 0)
    return p->values.v[i];
  if (p->steps <= 1)
    return p->min;
  return p->min + (p->max - p->min) * i / (p->steps - 1);
}

int salesim_sweep_points(const salesim_sweep *sw, uint64_t seed, double **out, int *n,
                         salesim_diag *diag) {
  *out = NULL;
  *n = 0;
  int np = sw->n_params;
  if (np < 1)
    return SALESIM_EINVAL;
  long total = 1;
  if (sw->design == SALESIM_SWEEP_GRID) {
    for (int j = 0; j < np; j++) {
      const salesim_sweep_param *p = &sw->params[j];
      total *= p->values.n > 0 ? p->values.n : (p->steps > 0 ? p->steps : 1);
      if (total > 100000) {
        salesim_diag_add(diag, "sweep: the grid has more than 100000 points");
        return SALESIM_EINVAL;
      }
    }
  } else {
    total = sw->points;
  }
  double *v = malloc((size_t)total * (size_t)np * sizeof *v);
  if (v == NULL)
    return SALESIM_ENOMEM;
  if (sw->design == SALESIM_SWEEP_GRID) {
    for (long i = 0; i < total; i++) {
      long rest = i;
      for (int j = np - 1; j >= 0; j--) {
        const salesim_sweep_param *p = &sw->params[j];
        int count = p->values.n > 0 ? p->values.n : (p->steps > 0 ? p->steps : 1);
        v[i * np + j] = grid_value(p, (int)(rest % count));
        rest /= count;
      }
    }
  } else if (sw->design == SALESIM_SWEEP_LHS) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    size_t *perm = malloc((size_t)total * sizeof *perm);
    if (r == NULL || perm == NULL) {
      gsl_rng_free(r);
      free(perm);
      free(v);
      return SALESIM_ENOMEM;
    }
    /* a stream of its own: the seed mixed with a constant for "sweep" */
    gsl_rng_set(r, (unsigned long)(seed ^ UINT64_C(0x5377656570000001)));
    for (int j = 0; j < np; j++) {
      const salesim_sweep_param *p = &sw->params[j];
      for (long i = 0; i < total; i++)
        perm[i] = (size_t)i;
      gsl_ran_shuffle(r, perm, (size_t)total, sizeof *perm);
      for (long i = 0; i < total; i++) {
        double u = ((double)perm[i] + gsl_rng_uniform(r)) / (double)total;
        v[i * np + j] = p->min + (p->max - p->min) * u;
      }
    }
    free(perm);
    gsl_rng_free(r);
  } else {
    if (np > 40) {
      free(v);
      salesim_diag_add(diag, "sweep: sobol supports at most 40 parameters (got %d)", np);
      return SALESIM_EINVAL;
    }
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)np);
    double u[40];
    if (q == NULL) {
      free(v);
      return SALESIM_ENOMEM;
    }
    for (long i = 0; i < total; i++) {
      gsl_qrng_get(q, u);
      for (int j = 0; j < np; j++)
        v[i * np + j] = sw->params[j].min + (sw->params[j].max - sw->params[j].min) * u[j];
    }
    gsl_qrng_free(q);
  }
  *out = v;
  *n = (int)total;
  return 0;
}

int salesim_sweep_check(const salesim_scenario *sc, uint64_t seed, char *what, size_t size,
                        salesim_diag *problem) {
  double *v = NULL;
  int n = 0, np = sc->sweep ? sc->sweep->n_params : 0;
  what[0] = '\0';
  if (np == 0)
    return 0;
  int rc = salesim_sweep_points(sc->sweep, seed, &v, &n, problem);
  salesim_scenario *copy = rc == 0 ? salesim_scenario_copy(sc) : NULL;
  if (rc == 0 && copy == NULL)
    rc = SALESIM_ENOMEM;
  for (int pt = 0; rc == 0 && pt < n; pt++) {
    const double *x = &v[(size_t)pt * (size_t)np];
    salesim_diag one = SALESIM_DIAG_INIT;
    /* set every value first, so that each check below sees the whole point */
    for (int j = 0; j < np; j++) {
      salesim_scenario_set(copy, sc->sweep->params[j].path, x[j], &one);
      salesim_diag_clear(&one);
    }
    for (int j = 0; j < np && rc == 0; j++) {
      int src = salesim_scenario_set(copy, sc->sweep->params[j].path, x[j], &one);
      if (src == SALESIM_ENOMEM) {
        rc = src;
      } else if (src != 0) {
        for (size_t k = 0; k < one.count; k++)
          salesim_diag_add(problem, "%s", one.lines[k]);
        int w = snprintf(what, size, "point %d of %d (", pt + 1, n);
        for (int i = 0; i < np && w >= 0 && (size_t)w < size; i++)
          w += snprintf(what + w, size - (size_t)w, "%s%s = %.10g", i ? ", " : "",
                        sc->sweep->params[i].path, x[i]);
        if (w >= 0 && (size_t)w < size)
          snprintf(what + w, size - (size_t)w, ")");
        rc = SALESIM_ESCENARIO;
      }
      salesim_diag_clear(&one);
    }
  }
  salesim_scenario_free(copy);
  free(v);
  return rc;
}

