/*
 * engine/stats.h: small statistics helpers (internal).
 */
#ifndef SALESIM_STATS_H
#define SALESIM_STATS_H

#include <stddef.h>

/** Gini coefficient of non-negative values: sum_ij |xi-xj| / (2 n^2 mean);
 *  0 when all are equal or n < 2. */
double salesim_stats_gini(const double *x, size_t n);
/** Spearman rank correlation (average ranks for ties); NAN if n < 3 or a
 *  side is constant. */
double salesim_stats_spearman(const double *x, const double *y, size_t n);
/** Median; sorts x in place. NAN if n == 0. */
double salesim_stats_median(double *x, size_t n);

#endif
