/*
 * engine/output/history_csv.h: a company's data (include/salesim/data.h) as
 * the six CSV files of the issue 13 data format, and `salesim run
 * --export-history DIR`'s folder: one subfolder per mechanism, written with
 * the rules of docs/safety.md (the marker, a staging folder, one atomic
 * exchange; a folder that is neither salesim's nor empty is refused).
 * Read next: engine/output/history_csv.c, docs/export-history.md.
 */
#ifndef SALESIM_ENGINE_HISTORY_CSV_H
#define SALESIM_ENGINE_HISTORY_CSV_H

#include <salesim/data.h>
#include <salesim/errors.h>

/** Write territories.csv, accounts.csv, roster.csv, performance.csv,
 *  opportunities.csv and activities.csv of `d` into the existing folder
 *  `dir`, in the columns the loader reads (numbers %.10g, dates
 *  YYYY-MM-DD, periods YYYY, YYYY-Qn or YYYY-MM; text quoted and guarded
 *  like every output). The caller sets the C locale. Returns 0 or a
 *  negative code with one line in `diag`. */
int salesim_history_csv_write(const salesim_data *d, const char *dir, salesim_diag *diag);

/** The export's folder `dir`, checked before a run as outputs are
 *  (salesim_output_check): 0, or a code with one line. */
int salesim_history_export_check(const char *dir, salesim_diag *diag);

/** Write `n` histories, history i into DIR/labels[i]/, atomically: the
 *  whole folder appears at once or the previous one stays as it was.
 *  Returns 0 or a negative code with one line in `diag`. */
int salesim_history_export_write(const char *dir, int n, const char *const *labels,
                                 const salesim_data *const *data, salesim_diag *diag);

#endif
