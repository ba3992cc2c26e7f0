/*
 * engine/report/report.h: the reports an analyst reads (internal API):
 * report.xlsx (Excel, native charts), report.html (one self-contained page,
 * inline SVG charts) and report.md (for version control and e-mail), all
 * rebuilt from the files of an output folder (docs/output-format.md), so
 * `salesim report OUTDIR` and `salesim run` give the same reports.
 *
 * Reading order: salesim_report_load() reads summary.json, monthly.csv, the
 * detail tables, scenario.cfg and the optional sweep.csv / costing.csv /
 * calibration.csv (engine/report/report_calib.c) into a
 * salesim_report_data; the writers (report_xlsx.c, report_html.c,
 * report_md.c) only format it; report_chart.c draws the SVG charts.
 * docs/reports.md explains every table and chart.
 */
#ifndef SALESIM_ENGINE_REPORT_H
#define SALESIM_ENGINE_REPORT_H

#include <stddef.h>

#include <jansson.h>

#include <salesim/salesim.h>

#include "fit_table.h"


/* Bounds of what the report reader loads (docs/reports.md, "Limits"): a
 * folder that exceeds one is refused with a one-line message, exit 2. */
#define SALESIM_REPORT_MAX_FILE (64u << 20)     /* bytes of one CSV or summary.json */
#define SALESIM_REPORT_MAX_SCENARIO (16u << 20) /* bytes of scenario.cfg */
#define SALESIM_REPORT_MAX_TOTAL (256u << 20)   /* bytes of all files of a folder */
#define SALESIM_REPORT_MAX_CELLS (8u << 20)     /* cells of one CSV file */
#define SALESIM_REPORT_MAX_COLS 1024            /* columns of one CSV file */
#define SALESIM_REPORT_MAX_MECHS 256            /* mechanisms of a run */
#define SALESIM_REPORT_MAX_MONTHS 600           /* months of a run */
#define SALESIM_REPORT_MAX_TABLES 64            /* detail tables of a run */
#define SALESIM_REPORT_CURVE_POINTS 81          /* points of a payout curve */

/** A CSV file as text cells (RFC 4180; header row kept apart). Every
 *  string points into `text`, the file's bytes unquoted in place. */
typedef struct salesim_csv {
  int ncols;
  char **header;  /* ncols names */
  size_t nrows;
  char **cells;   /* nrows * ncols, "" for an empty field */
  int *lines;     /* nrows: line of the file where each row starts */
  char *text;     /* owned storage of every cell */
} salesim_csv;

/** sweep.csv has every metric (six columns each); the HTML and Markdown
 *  reports show only its design columns (up to `mechanism`) and the
 *  headline metrics' mean and interval and profit's difference. 1 if
 *  column j of `c` is shown. */
int salesim_report_sweep_column_shown(const salesim_csv *c, int j);

/** Read `path` strictly: a regular file (not a link) of at most
 *  SALESIM_REPORT_MAX_FILE bytes, no NUL byte, ending with a line end, a
 *  header of distinct non-empty names, then rows with exactly as many
 *  fields as the header. On failure *out is NULL, one line
 *  "FILE:LINE: problem (expected ...)" is in diag and SALESIM_EINVAL (bad
 *  content), SALESIM_EIO (missing or unreadable) or SALESIM_ENOMEM is
 *  returned. */
int salesim_csv_read(salesim_csv **out, const char *path, salesim_diag *diag);
void salesim_csv_free(salesim_csv *c);
/** Column index by name, or -1. */
int salesim_csv_col(const salesim_csv *c, const char *name);
/** Cell text (never NULL). */
const char *salesim_csv_cell(const salesim_csv *c, size_t row, int col);
/** Cell as a number; NAN when empty or not a number. */
double salesim_csv_number(const salesim_csv *c, size_t row, int col);

/** One mechanism of the report, from summary.json. */
typedef struct salesim_report_mech {
  char name[64], type[64];
  int baseline;
  const json_t *params;                     /* borrowed from the data's JSON, may be NULL */
  salesim_stat *stat;                       /* n_metrics of the data, NAN where missing */
  /* payout curve from summary.json: annual pay at attainment x (share of
   * the reference target) */
  int curve_n;                              /* 0: the mechanism supplied none */
  double curve_x[SALESIM_REPORT_CURVE_POINTS], curve_y[SALESIM_REPORT_CURVE_POINTS];
} salesim_report_mech;

/** Everything the writers need. */
typedef struct salesim_report_data {
  json_t *summary;           /* summary.json (owned) */
  const json_t *manifest;    /* borrowed from summary */
  char title[256];           /* scenario name or folder name */
  char currency[32];
  int n_mech, baseline;
  salesim_report_mech *mech; /* n_mech */
  int n_metrics;             /* the build's metric catalogue (engine/base/metrics.h) */
  const salesim_metric_info **metric_info; /* n_metrics */
  int *has_metric;           /* n_metrics */
  int n_months;              /* months in monthly.csv (0 if absent) */
  double *monthly;           /* [(mech * n_months + t) * SALESIM_SERIES_COUNT + s] */
  double reference_target;   /* NAN if unknown: curves then use attainment only */
  int n_tables;
  char **table_names;        /* file stems */
  salesim_csv **tables;
  salesim_csv *sweep;        /* sweep.csv or NULL */
  salesim_csv *costing;      /* costing.csv or NULL */
  char *scenario_text;       /* scenario.cfg or NULL */
  salesim_fit *calibration;  /* calibration.csv (a calibrated scenario's fit) or NULL */
} salesim_report_data;

#define SALESIM_REPORT_MONTHLY(d, mech, t, s) \
  ((d)->monthly[((size_t)(mech) * (size_t)(d)->n_months + (size_t)(t)) * SALESIM_SERIES_COUNT + (size_t)(s)])

/** The metrics the charts and the short tables show, in order. */
extern const int salesim_report_headline[];
extern const int salesim_report_headline_count;
/** The attainment distribution metrics, in order. */
extern const int salesim_report_attainment[];
extern const int salesim_report_attainment_count;

/** Load an output folder. Returns 0, SALESIM_EIO (missing or unreadable
 *  summary.json, with the path in diag), SALESIM_EINVAL (malformed) or
 *  SALESIM_ENOMEM. */
int salesim_report_load(salesim_report_data **out, const char *dir, salesim_diag *diag);
void salesim_report_data_free(salesim_report_data *d);

/** Report formats (bit mask). */
enum {
  SALESIM_REPORT_XLSX = 1,
  SALESIM_REPORT_HTML = 2,
  SALESIM_REPORT_MD = 4,
  SALESIM_REPORT_ALL = 7
};

/** Write report.xlsx / report.html / report.md into `dir` from the files in
 *  `dir`. Each file is written under a temporary name and renamed, so a
 *  failure leaves any previous report in place. Formats this build cannot
 *  write (no libxlsxwriter) are skipped with *skipped set. Returns 0 or a
 *  negative code with one line per problem in diag. */
int salesim_report_build(const char *dir, unsigned formats, unsigned *skipped,
                         salesim_diag *diag);

/** The same on `threads` threads (OpenMP tasks: the three files, and
 *  report.html's charts, at once); the files are the same bytes for any
 *  number. salesim_report_build is this with one thread. */
int salesim_report_build_threads(const char *dir, unsigned formats, int threads,
                                 unsigned *skipped, salesim_diag *diag);

/** The output hook (engine/output/output.h) that builds every report in the
 *  staging folder of `salesim run`; `arg` is unused. */
int salesim_report_output_hook(const char *tmpdir, const salesim_results *r,
                               const salesim_scenario *sc, void *arg, salesim_diag *diag);

/* The writers (one file each). */
int salesim_report_write_xlsx(const salesim_report_data *d, const char *path, salesim_diag *diag);
int salesim_report_write_html(const salesim_report_data *d, const char *path, salesim_diag *diag);
int salesim_report_write_md(const salesim_report_data *d, const char *path, salesim_diag *diag);

/* ---- the Calibration section (report_calib.c) ---- */

/** A table of text for the three writers: ncols columns, nrows rows. */
typedef struct salesim_report_ttable {
  const char *title;       /* static */
  char *intro;             /* owned, a sentence above the table (may be NULL) */
  int ncols;
  const char *const *head; /* static, ncols names */
  const char *align;       /* static, ncols letters: 'l' text, 'r' numbers */
  size_t nrows;
  char **cell;             /* owned, nrows * ncols */
  double *num;             /* nrows * ncols: the number a spreadsheet writes in
                              the cell's place, NAN where the text stands */
} salesim_report_ttable;

/** The Calibration section of a calibrated run (docs/reports.md). */
typedef struct salesim_report_calib {
  char *facts;   /* one paragraph: history, people, replications, evaluations */
  size_t n_warn;
  char **warn;   /* one line per trait the data do not identify */
  int n_tables;  /* traits, [pipeline], moments, [held-out months] */
  salesim_report_ttable table[4];
} salesim_report_calib;

/** The section from a fit (d->calibration): 0 or SALESIM_ENOMEM (then
 *  *out is empty). Free with salesim_report_calib_free. */
int salesim_report_calib_build(const salesim_fit *fit, salesim_report_calib *out);
void salesim_report_calib_free(salesim_report_calib *c);

/* ---- formatting shared by the writers (report_format.c) ---- */

/** A growable string. */
typedef struct salesim_sbuf {
  char *s;
  size_t len, cap;
  int oom;
} salesim_sbuf;

void salesim_sbuf_printf(salesim_sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void salesim_sbuf_put(salesim_sbuf *b, const char *s, size_t n);
/** Text escaped for HTML/XML (&, <, >, "). */
void salesim_sbuf_html(salesim_sbuf *b, const char *s);
void salesim_sbuf_free(salesim_sbuf *b);

/** A value for people: money with thousands separators and no decimals
 *  (>= 1000), shares as percentages, others with 3 significant digits.
 *  `unit` is the metric's unit. "–" for NAN. Returns buf. */
const char *salesim_report_fmt(double v, const char *unit, char *buf, size_t size);
/** Same, for a difference (a leading + on positives; shares in points). */
const char *salesim_report_fmt_diff(double v, const char *unit, char *buf, size_t size);

/** Write `len` bytes to `path` through "<path>.tmp" and a rename. */
int salesim_report_write_file(const char *path, const char *text, size_t len, salesim_diag *diag);
/** Write a report built in `b` to `path` (salesim_report_write_file), or
 *  report "PATH: out of memory building the report" if building it ran out
 *  of memory; frees `b` either way. */
int salesim_report_write_sbuf(const char *path, salesim_sbuf *b, salesim_diag *diag);

#endif
