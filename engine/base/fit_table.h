/*
 * engine/base/fit_table.h: fit.csv, the table of a calibration's figures
 * that `salesim calibrate` writes (engine/run/calibrate_out.c), as one
 * definition shared by its writer, by the scenario setting `calibration =
 * "fit.csv";` that checks it at load (engine/scenario/calibration_load.c)
 * and by the reports that show it from a run's calibration.csv
 * (engine/report/report_calib.c). docs/calibration.md describes the columns.
 *
 * The file is CSV (RFC 4180 quoting, LF or CRLF line ends) with exactly the
 * header SALESIM_FIT_HEADER and one row per figure: a section (fit,
 * pipeline, trait, moment, holdout), a name, nine numbers (empty when there
 * is none) and two texts (status, meaning). It holds no names of people,
 * accounts or territories: only the fit's own figures and the model's
 * setting and moment names.
 *
 * Read next: engine/base/fit_table.c.
 */
#ifndef SALESIM_ENGINE_FIT_TABLE_H
#define SALESIM_ENGINE_FIT_TABLE_H

#include <stddef.h>

/** The header row of fit.csv, without its line end. */
#define SALESIM_FIT_HEADER                                                                        \
  "section,name,estimate,se,ci_low,ci_high,observed,observed_se,one_history_low,"                \
  "one_history_high,n,status,meaning"

/** The bytes fit.csv may have: a calibration writes a few kilobytes. */
#define SALESIM_FIT_MAX_BYTES ((size_t)1 << 20)

/** The sections of fit.csv, in the order the file has them. */
typedef enum salesim_fit_section {
  SALESIM_FIT_FACT = 0, /* "fit": the fit's own figures */
  SALESIM_FIT_PIPELINE, /* the pipeline's maximum-likelihood estimates */
  SALESIM_FIT_TRAIT,    /* the traits of the simulated method of moments */
  SALESIM_FIT_MOMENT,   /* each moment observed and simulated */
  SALESIM_FIT_HOLDOUT,  /* the held-out months, when there are any */
  SALESIM_FIT_SECTIONS
} salesim_fit_section;

/** The numbers of a row, in the file's column order (index into v[]). */
enum {
  SALESIM_FIT_ESTIMATE = 0,
  SALESIM_FIT_SE,
  SALESIM_FIT_CI_LOW,
  SALESIM_FIT_CI_HIGH,
  SALESIM_FIT_OBSERVED,
  SALESIM_FIT_OBSERVED_SE,
  SALESIM_FIT_ONE_LOW,  /* one_history_low */
  SALESIM_FIT_ONE_HIGH, /* one_history_high */
  SALESIM_FIT_N,
  SALESIM_FIT_NUMBERS
};

/** One row. The strings point into the salesim_fit's text. */
typedef struct salesim_fit_row {
  salesim_fit_section section;
  const char *name;
  double v[SALESIM_FIT_NUMBERS]; /* NAN where the field is empty */
  const char *status, *meaning;
  long line; /* of the file, 1-based */
} salesim_fit_row;

/** A parsed fit.csv (salesim_fit_parse; free with salesim_fit_free). */
typedef struct salesim_fit {
  size_t n_rows;
  salesim_fit_row *rows;
  char *text; /* owned: every cell, NUL-terminated */
} salesim_fit;

/** The section's name as fit.csv writes it ("fit", "trait", ...). */
const char *salesim_fit_section_name(salesim_fit_section s);

/**
 * Parse `len` bytes as fit.csv: the header must be SALESIM_FIT_HEADER, every
 * row 13 fields, a known section, a name, numbers or empty fields in the nine
 * number columns, no (section, name) twice, at least one trait row and the
 * fit's history_months. On success *out is the table (caller frees).
 * Otherwise *out is NULL, *line the file's line of the first problem and
 * `why` (at least 200 bytes) "problem (expected ...)"; returns
 * SALESIM_EINVAL, or SALESIM_ENOMEM (why says so).
 */
int salesim_fit_parse(salesim_fit **out, const char *bytes, size_t len, long *line, char *why,
                      size_t why_size);

void salesim_fit_free(salesim_fit *f);

/** The row (section, name), or NULL. */
const salesim_fit_row *salesim_fit_find(const salesim_fit *f, salesim_fit_section section,
                                        const char *name);

#endif
