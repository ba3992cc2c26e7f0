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

int salesim_stats_median(double *x, size_t n, double *out) {
  *out = NAN;
  if (n == 0)
    return 0;
  if (salesim_sort_doubles(x, n) != 0)
    return SALESIM_ENOMEM;
  *out = gsl_stats_median_from_sorted_data(x, 1, n);
  return 0;
}

/* The Gini of n values with no NAN and a positive sum, from a sorted copy. */
static int gini_sorted(const double *x, size_t n, double sum, double *out) {
  double *sorted = malloc(n * sizeof *sorted);
  if (sorted == NULL)
    return SALESIM_ENOMEM;
  double dn = (double)n, pair_diff_sum = 0.0; /* sum_{i<j} |x_i - x_j| */
  memcpy(sorted, x, n * sizeof *sorted);
  if (salesim_sort_doubles(sorted, n) != 0) {
    free(sorted);
    return SALESIM_ENOMEM;
  }
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

/* Average ranks (1-based) of v (no NaN) into rank; work has n entries.
 * Sorted by value, ties by index (a stable radix sort of the entries in
 * index order). Returns 0, or SALESIM_ENOMEM. */
static int average_ranks(const double *v, size_t n, salesim_sort_record *work, double *rank) {
  for (size_t i = 0; i < n; i++)
    salesim_sort_record_set(&work[i], v[i], i);
  if (salesim_sort_records(work, n) != 0)
    return SALESIM_ENOMEM;
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && v[work[j].payload] == v[work[i].payload])
      j++;
    /* positions i..j-1 hold ranks i+1..j: their average is (i+1+j)/2 */
    double avg = ((double)i + 1.0 + (double)j) / 2.0;
    for (size_t k = i; k < j; k++)
      rank[work[k].payload] = avg;
    i = j;
  }
  return 0;
}

int salesim_stats_spearman(const double *x, const double *y, size_t n, double *out) {
  *out = NAN;
  if (n < 3)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (isnan(x[i]) || isnan(y[i]))
      return 0;
  int rc = SALESIM_ENOMEM;
  salesim_sort_record *work = malloc(n * sizeof *work);
  double *rx = malloc(n * sizeof *rx);
  double *ry = malloc(n * sizeof *ry);
  if (work == NULL || rx == NULL || ry == NULL)
    goto cleanup;
  if (average_ranks(x, n, work, rx) != 0 || average_ranks(y, n, work, ry) != 0)
    goto cleanup;
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
