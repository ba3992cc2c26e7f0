/*
 * engine/scenario/data_csv.h: the data files a company brings (issue 13), read
 * whole and checked before any value is used.
 *
 * A file is UTF-8 CSV with a header row (RFC 4180: a field in double quotes
 * may hold commas, line breaks and doubled quotes; CRLF, LF or CR line ends; a
 * UTF-8 byte-order mark is skipped; entirely empty lines are skipped).
 * Columns are found by name (case and surrounding spaces ignored), in any
 * order. Every problem is one line "FILE:LINE: COLUMN: problem (expected
 * ...)" in a salesim_diag, all of a file's problems in one pass (at most
 * SALESIM_DATA_CSV_MAX_ERRORS lines a file, then one line with the count of the
 * rest); the values are never quoted back beyond a short, printable
 * prefix. Which files and columns a scenario can name, and the checks
 * across rows and files: engine/scenario/data_load.c, docs/data-format.md.
 *
 * Read next: tests/test_data_csv.c.
 */
#ifndef SALESIM_ENGINE_DATA_CSV_H
#define SALESIM_ENGINE_DATA_CSV_H

#include <stddef.h>

#include <salesim/errors.h>

#define SALESIM_DATA_CSV_MAX_ERRORS 50

/** A column a file may have; `required` ones must be in its header. */
typedef struct salesim_data_column {
  const char *name;
  int required;
} salesim_data_column;

/** A parsed file: n_rows rows of n_cols cells (the spec's columns, in the
 *  spec's order; a column the file lacks reads as blank). */
typedef struct salesim_data_csv {
  char *name;        /* the file as messages name it */
  int n_cols;
  const salesim_data_column *spec;
  size_t n_rows;
  char **cells;      /* n_rows * n_cols pointers into text (never NULL) */
  long *line;        /* the line on which each row starts (1-based) */
  char *text;        /* the cells' bytes, NUL-terminated each */
  size_t n_errors;   /* problems reported against this file so far */
  unsigned long long present; /* bit c: spec column c is in the header (c < 64) */
} salesim_data_csv;

/** Parse `len` bytes of `text` as file `name` with columns `spec[0..n)`.
 *  Returns 0, SALESIM_ESCENARIO when the file has problems (each in d; *t
 *  then holds the rows that could be read, to check further), or
 *  SALESIM_ENOMEM. Free *t with salesim_data_csv_free in every case. */
int salesim_data_csv_parse(salesim_data_csv *t, const char *name, const char *text, size_t len,
                      const salesim_data_column *spec, int n, salesim_diag *d);

void salesim_data_csv_free(salesim_data_csv *t);

/** Free the cells' text once the rows are read, keeping what messages
 *  need (name, lines, error count); every cell then reads as blank. */
void salesim_data_csv_drop_cells(salesim_data_csv *t);

/** The spec's column `name`, or -1. */
int salesim_data_csv_col(const salesim_data_csv *t, const char *name);

/** Cell (row, col): "" when blank. */
const char *salesim_data_csv_cell(const salesim_data_csv *t, size_t row, int col);

/** One problem of cell (row, col), as "NAME:LINE: COLUMN: " + the text;
 *  counted against the file's SALESIM_DATA_CSV_MAX_ERRORS. */
void salesim_data_csv_error(salesim_data_csv *t, size_t row, int col, salesim_diag *d, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/** After all checks: if more problems were found than reported, one line
 *  saying how many more. */
void salesim_data_csv_error_tail(salesim_data_csv *t, salesim_diag *d);

/** A cell's text as messages show it: at most 40 bytes (not cutting a
 *  UTF-8 character), control bytes as '?', "..." when cut; cap >= 48. */
const char *salesim_data_csv_shown(const char *s, char *buf, size_t cap);

/* Typed cells: 1 a value, 0 blank, -1 not valid (reported). */

/** A number (plain decimal or exponent notation) >= min. `what` names the
 *  expected kind in messages ("an amount", "a share"). */
int salesim_data_csv_number(salesim_data_csv *t, size_t row, int col, double min, const char *what,
                       double *out, salesim_diag *d);

/** A date YYYY-MM-DD, as days since 1970-01-01. */
int salesim_data_csv_date(salesim_data_csv *t, size_t row, int col, long *days, salesim_diag *d);

/** A period YYYY, YYYY-Qn or YYYY-MM: its first month (year * 12 + month
 *  - 1) and its length in months (12, 3 or 1). */
int salesim_data_csv_period(salesim_data_csv *t, size_t row, int col, long *first, int *months,
                       salesim_diag *d);

#endif
