/*
 * engine/base/sample_stats.h: statistics of one sample (internal): pay
 * inequality (Gini), pay-performance rank correlation (Spearman), the median
 * (OTE accuracy). Used by the simulation (models/core/sim_metrics.c) and, through
 * engine/base/stats.h, by the engine's summaries and writers.
 * Read next: engine/base/sample_stats.c, engine/base/stats.h.
 */
#ifndef SALESIM_SAMPLE_STATS_H
#define SALESIM_SAMPLE_STATS_H

#include <stddef.h>

/**
 * Gini coefficient of n non-negative values (MODEL.md §7, pay Gini):
 *
 *   G = sum_i sum_j |x_i - x_j| / (2 n^2 mean)
 *
 * without the n/(n-1) small-sample correction, so {1,1,1,1} gives 0 and
 * {0,0,0,1} gives 0.75. Computed in O(n log n) from the sorted values as
 * G = sum_k (2k - n + 1) x_(k) / (n^2 mean), k = 0..n-1. *out is 0 when
 * all values are zero, NAN for n = 0, a negative mean or any NAN value.
 * `x` is not modified (a sorted copy is made). Returns 0, or SALESIM_ENOMEM
 * when the copy cannot be made (then *out is NAN): the caller fails, it
 * never gets a number computed another way.
 */
int salesim_stats_gini(const double *x, size_t n, double *out);

/**
 * Spearman rank correlation of x and y: Pearson correlation of their ranks,
 * ties given the average of the ranks they span, in *out: NAN if n < 3, if
 * either variable is constant or if a value is NAN. Returns 0, or
 * SALESIM_ENOMEM when its work space cannot be allocated (*out NAN).
 */
int salesim_stats_spearman(const double *x, const double *y, size_t n, double *out);

/** Median of n values in *out (NAN for n = 0); sorts `x` in place.
 *  Returns 0, or SALESIM_ENOMEM when its work space cannot be allocated
 *  (*out NAN). */
int salesim_stats_median(double *x, size_t n, double *out);

#endif
