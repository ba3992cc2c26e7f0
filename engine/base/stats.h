/*
 * engine/base/stats.h: small statistics helpers the engine shares (internal).
 *
 * Pay inequality (Gini), pay-performance rank correlation (Spearman), the
 * median (OTE accuracy), and the over-replication summary that both
 * salesim_results_summarize() and the writers use, so a report is always
 * computed from the data it is written with. Implemented in engine/base/results.c.
 * Read next: engine/base/results.c, engine/output/output.c.
 */
#ifndef SALESIM_STATS_H
#define SALESIM_STATS_H

#include <stddef.h>

#include <salesim/results.h>

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

/**
 * Statistics over replications for every mechanism and metric of `r`
 * (the rules of salesim_results_summarize()) into `out`, an array of
 * r->n_mech * SALESIM_METRIC_COUNT entries indexed like r->summary.
 * Returns 0, SALESIM_EINVAL (bad baseline, sizes) or SALESIM_ENOMEM.
 */
int salesim_stats_summarize_into(const salesim_results *r, salesim_stat *out);

#endif
