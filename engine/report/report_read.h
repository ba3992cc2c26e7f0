/*
 * engine/report/report_read.h: what the files that read an output folder
 * back share (internal to engine/report/).
 *
 * salesim_report_load (engine/report/report_data.c) runs one load: a loader
 * holds the folder, its byte budget and the message sink; summary.json is
 * read first (engine/report/report_read_json.c), then the CSV files are read
 * and checked against it (engine/report/report_read_tables.c), each through
 * the bounded CSV reader (engine/report/report_csv.c). Read next:
 * engine/report/report_csv.c.
 */
#ifndef SALESIM_ENGINE_REPORT_READ_H
#define SALESIM_ENGINE_REPORT_READ_H

#include <stddef.h>

#include "report.h"

/* State of one load: the folder, its byte budget, the message sink. */
typedef struct loader {
  salesim_report_data *d;
  const char *dir;
  size_t budget; /* bytes still allowed (SALESIM_REPORT_MAX_TOTAL) */
  salesim_diag *diag;
  unsigned char *json_has; /* [mech * d->n_metrics + m]: in summary.json */
} loader;

/* ---- bounded reading (report_csv.c) ---- */

/** Printable, bounded copy of untrusted text for a message (at most 40
 *  bytes, '?' for anything but printable ASCII, "..." when cut). */
const char *salesim_report_shown(const char *s, char *buf, size_t size);

/** The whole of a regular file `path`, at most `limit` bytes, into a
 *  malloc'd NUL-terminated *out; 0, SALESIM_ENOTFOUND (no message when
 *  `need` is NULL), SALESIM_EIO, SALESIM_EINVAL or SALESIM_ENOMEM. */
int salesim_report_read_bounded(const char *path, size_t limit, char **out, size_t *len,
                                const char *need, salesim_diag *diag);

/** salesim_csv_read with the byte budget of the folder being loaded
 *  (`budget` may be NULL). */
int salesim_csv_read_budget(salesim_csv **out, const char *path, size_t *budget,
                            const char *need, salesim_diag *diag);

/* ---- the load (report_data.c, report_read_json.c, report_read_tables.c) ---- */

/** The index of mechanism `name` in d->mech, or -1. */
int salesim_report_find_mech(const salesim_report_data *d, const char *name);

int salesim_report_load_summary_json(loader *ld);
int salesim_report_load_summary_csv(loader *ld);
int salesim_report_load_monthly(loader *ld);
int salesim_report_load_tables(loader *ld);
int salesim_report_load_optional_csv(loader *ld, salesim_csv **out, const char *name);
int salesim_report_load_scenario_text(loader *ld);
/** calibration.csv (optional) into d->calibration (report_calib.c). */
int salesim_report_load_calibration(loader *ld);

#endif
