/*
 * engine/cli/table.h: the comparison table printed at the end of a run.
 * Read next: engine/cli/table.c.
 */
#ifndef SALESIM_CLI_TABLE_H
#define SALESIM_CLI_TABLE_H

#include <stdio.h>

#include <salesim/results.h>

/**
 * Print the comparison table an HR analyst reads: one row per headline
 * metric (then every other metric with data), for each mechanism the mean
 * with its 95 % interval and, for the others, the paired difference against
 * the baseline with its interval. One table up to ~140 columns, else one
 * block per mechanism. The statistics are computed from r's replications
 * (r->summary is not required). `r` is borrowed.
 */
void salesim_cli_print_table(FILE *fp, const salesim_results *r);

#endif
