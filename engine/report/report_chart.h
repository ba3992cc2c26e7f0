/*
 * engine/report/report_chart.h: the charts of report.html as inline SVG (internal).
 *
 * Two kinds of chart cover every figure of the reports: bars by category
 * (optionally grouped by series, optionally with interval whiskers) and
 * lines (x, y series). They are drawn on a small canvas with two backends:
 * cairo's SVG surface rendering into memory when the build has cairo
 * (SALESIM_HAVE_CAIRO), otherwise SVG elements written by hand. Either way
 * the result is one <svg> element with no external reference, whose ids are
 * prefixed with "c<id>-" so several charts can share a page; the same data
 * give the same bytes. Read next: engine/report/report_html.c.
 */
#ifndef SALESIM_ENGINE_REPORT_CHART_H
#define SALESIM_ENGINE_REPORT_CHART_H

/** Bar chart: n_cat categories, n_ser series, value[ser * n_cat + cat]
 *  (NAN: no bar). `lo`/`hi` (may be NULL) give whiskers (a 95 % interval).
 *  With one series each category gets its own colour. `unit` is a metric
 *  unit ("share" gives percent ticks). Returns a malloc'd SVG element or
 *  NULL when out of memory. */
char *salesim_chart_bars(int id, double width, double height, const char *title, const char *unit, int n_cat,
                         const char *const *cats, int n_ser, const char *const *series,
                         const double *value, const double *lo, const double *hi);

/** Line chart: n_ser series, series k has n[k] points (x[k][i], y[k][i]);
 *  NAN y values break the line. */
char *salesim_chart_lines(int id, double width, double height, const char *title, const char *xlabel, const char *xunit,
                          const char *yunit, int n_ser, const char *const *series,
                          const int *n, const double *const *x, const double *const *y);

/** Which backend draws: "cairo" or "svg". */
const char *salesim_chart_backend(void);

#endif
