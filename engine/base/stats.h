/*
 * engine/base/stats.h: small statistics helpers the engine shares (internal).
 *
 * Pay inequality (Gini), pay-performance rank correlation (Spearman), the
 * median (OTE accuracy), and the over-replication summary that both
 * salesim_results_summarize() and the writers use, so a report is always
 * computed from the data it is written with. The summary is implemented in
 * engine/base/results.c, the one-sample statistics in engine/base/sample_stats.c.
 * Read next: engine/base/results.c, engine/output/output.c.
 */
#ifndef SALESIM_STATS_H
#define SALESIM_STATS_H

#include <stddef.h>

#include <salesim/results.h>

/* salesim_stats_gini, salesim_stats_spearman and salesim_stats_median:
 * engine/base/sample_stats.h (the simulation
 * computes them too, and models/ does not include engine/). */
#include "sample_stats.h"

/**
 * Statistics over replications for every mechanism and metric of `r`
 * (the rules of salesim_results_summarize()) into `out`, an array of
 * r->n_mech * r->n_metrics entries indexed like r->summary.
 * Returns 0, SALESIM_EINVAL (bad baseline, sizes) or SALESIM_ENOMEM.
 */
int salesim_stats_summarize_into(const salesim_results *r, salesim_stat *out);

/** The short row label a mechanism declared for metric `m` of r (the
 *  terminal table), or NULL (a core metric, or none declared). */
const char *salesim_results_metric_short_label(const salesim_results *r, int m);

#endif
