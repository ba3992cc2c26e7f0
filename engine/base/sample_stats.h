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
 * G = sum_k (2k - n + 1) x_(k) / (n^2 mean), k = 0..n-1. Returns 0 when all
 * values are zero, NAN for n = 0, a negative mean or any NAN value.
 * `x` is not modified (a sorted copy is made; if that allocation fails the
 * O(n^2) double sum is used instead).
 */
double salesim_stats_gini(const double *x, size_t n);

/**
 * Spearman rank correlation of x and y: Pearson correlation of their ranks,
 * ties given the average of the ranks they span. NAN if n < 3, if either
 * variable is constant, if a value is NAN or if memory runs out.
 */
double salesim_stats_spearman(const double *x, const double *y, size_t n);

/** Median of n values; sorts `x` in place. NAN for n = 0. */
double salesim_stats_median(double *x, size_t n);

#endif
