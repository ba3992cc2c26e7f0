/*
 * engine/base/sample_stats.c: statistics of one sample of agents (pay Gini,
 * pay-performance Spearman, the median), computed by the simulation each
 * year (models/core/sim_metrics.c) and by the engine's summaries (engine/base/stats.h
 * forwards them). Moved unchanged from engine/base/results.c so models/ does
 * not include engine/. Read next: engine/base/results.c.
 */
#include "sample_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include <salesim/errors.h>

#include "util_sort.h"

double salesim_stats_median(double *x, size_t n) {
  if (n == 0)
    return NAN;
  qsort(x, n, sizeof *x, salesim_sort_cmp_double);
  return gsl_stats_median_from_sorted_data(x, 1, n);
}

/* The Gini of n values with no NAN and a positive sum, from a sorted copy. */
static int gini_sorted(const double *x, size_t n, double sum, double *out) {
  double *sorted = malloc(n * sizeof *sorted);
  if (sorted == NULL)
    return SALESIM_ENOMEM;
  double dn = (double)n, pair_diff_sum = 0.0; /* sum_{i<j} |x_i - x_j| */
  memcpy(sorted, x, n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, salesim_sort_cmp_double);
  for (size_t k = 0; k < n; k++)
    pair_diff_sum += (2.0 * (double)k - dn + 1.0) * sorted[k];
  free(sorted);
  /* G = 2 * pair_diff_sum / (2 n^2 mean) = pair_diff_sum / (n * sum). */
  *out = pair_diff_sum / (dn * sum);
  return 0;
}

int salesim_stats_gini(const double *x, size_t n, double *out) {
  *out = NAN;
  if (n == 0)
    return 0;
  double sum = 0.0;
  for (size_t i = 0; i < n; i++) {
    if (isnan(x[i]))
      return 0;
    sum += x[i];
  }
  if (sum == 0.0) {
    /* All zero (or cancelling negatives, which the formula excludes). */
    for (size_t i = 0; i < n; i++)
      if (x[i] != 0.0)
        return 0;
    *out = 0.0;
    return 0;
  }
  if (sum < 0.0)
    return 0;
  return gini_sorted(x, n, sum, out);
}

typedef struct ranked {
  double value;
  size_t index;
} ranked;

static int compare_ranked(const void *a, const void *b) {
  const ranked *x = a, *y = b;
  if (x->value != y->value)
    return (x->value > y->value) - (x->value < y->value);
  return (x->index > y->index) - (x->index < y->index);
}

/* Average ranks (1-based) of v into rank; work has n entries. */
static void average_ranks(const double *v, size_t n, ranked *work, double *rank) {
  for (size_t i = 0; i < n; i++) {
    work[i].value = v[i];
    work[i].index = i;
  }
  qsort(work, n, sizeof *work, compare_ranked);
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && work[j].value == work[i].value)
      j++;
    /* positions i..j-1 hold ranks i+1..j: their average is (i+1+j)/2 */
    double avg = ((double)i + 1.0 + (double)j) / 2.0;
    for (size_t k = i; k < j; k++)
      rank[work[k].index] = avg;
    i = j;
  }
}

int salesim_stats_spearman(const double *x, const double *y, size_t n, double *out) {
  *out = NAN;
  if (n < 3)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (isnan(x[i]) || isnan(y[i]))
      return 0;
  int rc = SALESIM_ENOMEM;
  ranked *work = malloc(n * sizeof *work);
  double *rx = malloc(n * sizeof *rx);
  double *ry = malloc(n * sizeof *ry);
  if (work == NULL || rx == NULL || ry == NULL)
    goto cleanup;
  average_ranks(x, n, work, rx);
  average_ranks(y, n, work, ry);
  /* Pearson on ranks; both rank vectors have mean (n+1)/2. */
  double mean = ((double)n + 1.0) / 2.0, sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (size_t i = 0; i < n; i++) {
    double dx = rx[i] - mean, dy = ry[i] - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx > 0.0 && syy > 0.0)
    *out = sxy / sqrt(sxx * syy);
  rc = 0;
cleanup:
  free(work);
  free(rx);
  free(ry);
  return rc;
}
