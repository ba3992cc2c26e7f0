/*
 * engine/base/results.c: what a run produces (salesim/results.h) and the
 * statistics over it (engine/base/stats.h).
 *
 * Series descriptions come from the X-macro list in results.h; the metric
 * catalogue of a results object from models/core/metrics.c (core + declared).
 * The summary follows MODEL.md §8: per mechanism and metric, over the
 * replications where the metric has a value (NAN = not applicable), the mean,
 * the sample sd (n-1), a 95 % Student t interval, the paired difference to
 * the baseline mechanism on common random numbers with its own t interval,
 * and the P5/P50/P95 risk bands (GSL's linear interpolation between order
 * statistics). Read next: engine/output/output.c (the files), engine/cli/table.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include <salesim/results.h>

#include "metrics.h"
#include "stats.h"
#include "util_sort.h"

/* ---- metric and series descriptions ------------------------------------ */

static const char *const series_names[SALESIM_SERIES_COUNT] = {
#define SALESIM_X_SERIES_NAME(id, name) name,
    SALESIM_SERIES_LIST(SALESIM_X_SERIES_NAME)
#undef SALESIM_X_SERIES_NAME
};

int salesim_results_metric_count(const salesim_results *r) { return r ? r->n_metrics : 0; }

const salesim_metric_info *salesim_results_metric_info(const salesim_results *r, int m) {
  if (r == NULL || m < 0 || m >= r->n_metrics)
    return NULL;
  return r->metric_info[m];
}

const char *salesim_results_metric_short_label(const salesim_results *r, int m) {
  if (r == NULL || m < SALESIM_METRIC_CORE_COUNT || m >= r->n_metrics)
    return NULL;
  const salesim_metric_decl *d = salesim_metric_catalogue_decl(m);
  return d ? d->short_label : NULL;
}

int salesim_results_metric_find(const salesim_results *r, const char *name) {
  if (r == NULL || name == NULL)
    return -1;
  for (int m = 0; m < r->n_metrics; m++)
    if (strcmp(r->metric_info[m]->name, name) == 0)
      return m;
  return -1;
}

const char *salesim_series_name(int s) {
  if (s < 0 || s >= SALESIM_SERIES_COUNT)
    return NULL;
  return series_names[s];
}

/* ---- detail tables -------------------------------------------------------- */

static char *copy_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *c = malloc(n);
  if (c != NULL)
    memcpy(c, s, n);
  return c;
}

/* A table name becomes a file name: letters, digits, '_', '-', '.', not
 * starting with '.', so it can never leave the output folder. */
static int table_name_ok(const char *name) {
  size_t n = strlen(name);
  if (n == 0 || n > 200 || name[0] == '.')
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok)
      return 0;
  }
  return 1;
}

int salesim_table_alloc(salesim_table **out, const char *name, int ncols,
                        const char *const *colnames) {
  int rc = SALESIM_ENOMEM;
  salesim_table *t = NULL;
  if (out == NULL)
    return SALESIM_EINVAL;
  *out = NULL;
  if (name == NULL || !table_name_ok(name) || ncols < 0 ||
      (ncols > 0 && colnames == NULL))
    return SALESIM_EINVAL;
  for (int c = 0; c < ncols; c++)
    if (colnames[c] == NULL)
      return SALESIM_EINVAL;

  t = calloc(1, sizeof *t);
  if (t == NULL)
    goto cleanup;
  t->name = copy_string(name);
  if (t->name == NULL)
    goto cleanup;
  if (ncols > 0) {
    t->colnames = calloc((size_t)ncols, sizeof *t->colnames);
    if (t->colnames == NULL)
      goto cleanup;
    /* ncols counts the names copied so far, so a partial table frees. */
    for (int c = 0; c < ncols; c++) {
      t->colnames[c] = copy_string(colnames[c]);
      if (t->colnames[c] == NULL)
        goto cleanup;
      t->ncols = c + 1;
    }
  }
  *out = t;
  t = NULL;
  rc = 0;
cleanup:
  salesim_table_free(t);
  return rc;
}

int salesim_table_add(salesim_table *t, const char *label, const double *row) {
  if (t == NULL || (t->ncols > 0 && row == NULL))
    return SALESIM_EINVAL;
  if (t->nrows == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 16;
    if (cap > SIZE_MAX / sizeof(double) / ((size_t)t->ncols + 1))
      return SALESIM_ENOMEM;
    char **labels = realloc(t->labels, cap * sizeof *labels);
    if (labels == NULL)
      return SALESIM_ENOMEM;
    t->labels = labels;
    if (t->ncols > 0) {
      double *cells = realloc(t->cells, cap * (size_t)t->ncols * sizeof *cells);
      if (cells == NULL)
        return SALESIM_ENOMEM;
      t->cells = cells;
    }
    t->cap = cap;
  }
  char *copy = copy_string(label ? label : "");
  if (copy == NULL)
    return SALESIM_ENOMEM;
  t->labels[t->nrows] = copy;
  if (t->ncols > 0)
    memcpy(t->cells + t->nrows * (size_t)t->ncols, row,
           (size_t)t->ncols * sizeof *row);
  t->nrows++;
  return 0;
}

void salesim_table_free(salesim_table *t) {
  if (t == NULL)
    return;
  for (int c = 0; c < t->ncols; c++)
    free(t->colnames[c]);
  free(t->colnames);
  for (size_t i = 0; i < t->nrows; i++)
    free(t->labels[i]);
  free(t->labels);
  free(t->cells);
  free(t->name);
  free(t);
}

/* ---- results ---------------------------------------------------------------- */

int salesim_results_alloc(salesim_results **out, int n_mech, int n_rep,
                          int n_months) {
  int rc = SALESIM_ENOMEM;
  salesim_results *r = NULL;
  if (out == NULL)
    return SALESIM_EINVAL;
  *out = NULL;
  if (n_mech < 1 || n_rep < 1 || n_months < 0)
    return SALESIM_EINVAL;
  const salesim_metric_info **infos = NULL;
  int n_metrics = salesim_metric_catalogue(&infos);
  if (n_metrics < 0)
    return n_metrics;
  size_t runs = (size_t)n_mech * (size_t)n_rep;
  if (runs > SIZE_MAX / sizeof(double) / (size_t)n_metrics ||
      (n_months > 0 &&
       runs > SIZE_MAX / sizeof(double) / SALESIM_SERIES_COUNT / (size_t)n_months)) {
    free(infos);
    return SALESIM_ENOMEM;
  }
  size_t n_metric = runs * (size_t)n_metrics;
  size_t n_monthly = runs * (size_t)n_months * SALESIM_SERIES_COUNT;

  r = calloc(1, sizeof *r);
  if (r == NULL) {
    free(infos);
    goto cleanup;
  }
  r->n_metrics = n_metrics;
  r->metric_info = infos;
  r->n_mech = n_mech;
  r->n_rep = n_rep;
  r->n_months = n_months;
  r->mech_names = calloc((size_t)n_mech, sizeof *r->mech_names);
  r->mech_types = calloc((size_t)n_mech, sizeof *r->mech_types);
  r->metric = malloc(n_metric * sizeof *r->metric);
  r->monthly = calloc(n_monthly ? n_monthly : 1, sizeof *r->monthly);
  r->summary = calloc((size_t)n_mech * (size_t)n_metrics, sizeof *r->summary);
  if (r->mech_names == NULL || r->mech_types == NULL || r->metric == NULL ||
      r->monthly == NULL || r->summary == NULL)
    goto cleanup;
  for (size_t i = 0; i < n_metric; i++)
    r->metric[i] = NAN;
  for (size_t i = 0; i < (size_t)n_mech * (size_t)n_metrics; i++) {
    salesim_stat *s = &r->summary[i];
    s->mean = s->sd = s->ci_low = s->ci_high = NAN;
    s->diff = s->diff_low = s->diff_high = NAN;
    s->p5 = s->p50 = s->p95 = NAN;
    s->n = 0;
  }
  *out = r;
  r = NULL;
  rc = 0;
cleanup:
  salesim_results_free(r);
  return rc;
}

void salesim_results_free(salesim_results *r) {
  if (r == NULL)
    return;
  for (int i = 0; i < r->n_tables; i++)
    salesim_table_free(r->tables[i]);
  free(r->tables);
  free(r->mech_names);
  free(r->mech_types);
  free(r->metric);
  free(r->monthly);
  free(r->summary);
  free(r->metric_info);
  free(r);
}

/* Same name and columns: the rows of one table written by many runs. */
static int same_shape(const salesim_table *a, const salesim_table *b) {
  if (strcmp(a->name, b->name) != 0 || a->ncols != b->ncols)
    return 0;
  for (int c = 0; c < a->ncols; c++)
    if (strcmp(a->colnames[c], b->colnames[c]) != 0)
      return 0;
  return 1;
}

int salesim_results_add_table(salesim_results *r, salesim_table *t) {
  if (r == NULL || t == NULL)
    return SALESIM_EINVAL;
  /* every (mechanism, replication) task may add rows to a table of the same
   * name: append them, in task order, to the first one */
  for (int i = 0; i < r->n_tables; i++)
    if (same_shape(r->tables[i], t)) {
      for (size_t row = 0; row < t->nrows; row++) {
        int rc = salesim_table_add(r->tables[i], t->labels[row],
                                   &t->cells[row * (size_t)t->ncols]);
        if (rc != 0)
          return rc;
      }
      salesim_table_free(t);
      return 0;
    }
  salesim_table **tables =
      realloc(r->tables, ((size_t)r->n_tables + 1) * sizeof *tables);
  if (tables == NULL)
    return SALESIM_ENOMEM;
  r->tables = tables;
  r->tables[r->n_tables++] = t;
  return 0;
}

/* ---- statistics ------------------------------------------------------------- */

/* Gini, Spearman and the median are in engine/base/sample_stats.c (the
 * simulation computes them per year); engine/base/stats.h forwards them. */

/* Mean, sd (n-1) and 95 % t interval of v[0..n-1]; n = 1 gives sd 0 and a
 * zero-width interval. */
static void mean_interval(const double *v, size_t n, double *mean, double *sd,
                          double *lo, double *hi) {
  if (n == 0) {
    *mean = *sd = *lo = *hi = NAN;
    return;
  }
  double m = gsl_stats_mean(v, 1, n);
  *mean = m;
  if (n == 1) {
    *sd = 0.0;
    *lo = *hi = m;
    return;
  }
  double s = gsl_stats_sd_m(v, 1, n, m);
  double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * s / sqrt((double)n);
  *sd = s;
  *lo = m - half;
  *hi = m + half;
}

int salesim_stats_summarize_into(const salesim_results *r, salesim_stat *out) {
  if (r == NULL || out == NULL || r->n_mech < 1 || r->n_rep < 1 ||
      r->metric == NULL || r->baseline < 0 || r->baseline >= r->n_mech)
    return SALESIM_EINVAL;
  size_t n_rep = (size_t)r->n_rep;
  double *values = malloc(n_rep * sizeof *values);
  double *diffs = malloc(n_rep * sizeof *diffs);
  if (values == NULL || diffs == NULL) {
    free(values);
    free(diffs);
    return SALESIM_ENOMEM;
  }
  for (int mech = 0; mech < r->n_mech; mech++) {
    for (int m = 0; m < r->n_metrics; m++) {
      salesim_stat *s = &out[(size_t)mech * (size_t)r->n_metrics + (size_t)m];
      size_t n = 0, nd = 0;
      for (int rep = 0; rep < r->n_rep; rep++) {
        double v = SALESIM_METRIC_AT(r, mech, rep, m);
        if (isnan(v))
          continue;
        values[n++] = v;
        double b = SALESIM_METRIC_AT(r, r->baseline, rep, m);
        if (!isnan(b))
          diffs[nd++] = v - b;
      }
      s->n = (int)n;
      mean_interval(values, n, &s->mean, &s->sd, &s->ci_low, &s->ci_high);
      if (mech == r->baseline) {
        s->diff = s->diff_low = s->diff_high = n > 0 ? 0.0 : NAN;
      } else {
        double sd_unused;
        mean_interval(diffs, nd, &s->diff, &sd_unused, &s->diff_low,
                      &s->diff_high);
      }
      if (n > 0) {
        qsort(values, n, sizeof *values, salesim_sort_cmp_double);
        s->p5 = gsl_stats_quantile_from_sorted_data(values, 1, n, 0.05);
        s->p50 = gsl_stats_quantile_from_sorted_data(values, 1, n, 0.50);
        s->p95 = gsl_stats_quantile_from_sorted_data(values, 1, n, 0.95);
      } else {
        s->p5 = s->p50 = s->p95 = NAN;
      }
    }
  }
  free(values);
  free(diffs);
  return 0;
}

int salesim_results_summarize(salesim_results *r) {
  if (r == NULL)
    return SALESIM_EINVAL;
  if (r->summary == NULL) {
    if (r->n_mech < 1)
      return SALESIM_EINVAL;
    r->summary = calloc((size_t)r->n_mech * (size_t)r->n_metrics,
                        sizeof *r->summary);
    if (r->summary == NULL)
      return SALESIM_ENOMEM;
  }
  return salesim_stats_summarize_into(r, r->summary);
}
