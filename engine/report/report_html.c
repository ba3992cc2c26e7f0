/*
 * engine/report/report_html.c: report.html, one self-contained page (no script, no
 * external file, no URL) that opens offline in any browser: the headline
 * comparison, every metric with intervals and differences against the
 * baseline, risk bands, the charts as inline SVG (engine/report/report_chart.c),
 * the Calibration section of a calibrated run after the headline comparison
 * (engine/report/report_calib.c), costing and sweep tables when the run has
 * them, every detail table, the
 * scenario file and the manifest. docs/reports.md explains how to read it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_chart.h"

#define MAX_TABLE_ROWS 500

static const char style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
    "margin:2em auto;max-width:1100px;padding:0 1em;color:#222;line-height:1.4}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd}"
    "table{border-collapse:collapse;margin:.8em 0;font-size:.9em}"
    "th,td{border:1px solid #ddd;padding:.25em .6em;text-align:right;vertical-align:top}"
    "th{background:#f4f6f8}td.l,th.l{text-align:left}"
    ".ci{color:#666;font-size:.85em;display:block}.good{color:#1a7f37}.bad{color:#c62828}"
    ".meta{color:#555}figure{display:inline-block;margin:.5em 1em .5em 0}"
    "figcaption{font-size:.85em;color:#555;max-width:420px}"
    "pre{background:#f6f8fa;padding:1em;overflow:auto;font-size:.85em}"
    "svg.chart{max-width:100%;height:auto;border:1px solid #eee}"
    "nav a{margin-right:1em}";

static void cell_text(salesim_sbuf *b, const char *tag, const char *cls, const char *text) {
  salesim_sbuf_printf(b, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "",
                      cls ? "\"" : "");
  salesim_sbuf_html(b, text);
  salesim_sbuf_printf(b, "</%s>", tag);
}

/* "mean" with "[lo, hi]" under it */
static void cell_interval(salesim_sbuf *b, double mean, double lo, double hi, const char *unit,
                          int diff, const char *cls) {
  char v[64], l[64], h[64];
  if (diff) {
    salesim_report_fmt_diff(mean, unit, v, sizeof v);
    salesim_report_fmt_diff(lo, unit, l, sizeof l);
    salesim_report_fmt_diff(hi, unit, h, sizeof h);
  } else {
    salesim_report_fmt(mean, unit, v, sizeof v);
    salesim_report_fmt(lo, unit, l, sizeof l);
    salesim_report_fmt(hi, unit, h, sizeof h);
  }
  salesim_sbuf_printf(b, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
  salesim_sbuf_html(b, v);
  if (!isnan(lo))
    salesim_sbuf_printf(b, "<span class=\"ci\">[%s, %s]</span>", l, h);
  salesim_sbuf_printf(b, "</td>");
}

/* Colour of a difference whose interval excludes 0, by the metric's direction. */
static const char *diff_class(const salesim_stat *s, int better) {
  if (better == 0 || isnan(s->diff_low) || isnan(s->diff_high))
    return NULL;
  if (s->diff_low > 0)
    return better > 0 ? "good" : "bad";
  if (s->diff_high < 0)
    return better > 0 ? "bad" : "good";
  return NULL;
}

static void metrics_table(salesim_sbuf *b, const salesim_report_data *d, const int *which,
                          int count, int with_diff) {
  salesim_sbuf_printf(b, "<table>\n<tr><th class=\"l\">Metric</th><th class=\"l\">Unit</th>");
  for (int k = 0; k < d->n_mech; k++) {
    char head[160];
    snprintf(head, sizeof head, "%s%s", d->mech[k].name, k == d->baseline ? " (baseline)" : "");
    cell_text(b, "th", NULL, head);
    if (with_diff && k != d->baseline) {
      snprintf(head, sizeof head, "%s − %s", d->mech[k].name, d->mech[d->baseline].name);
      cell_text(b, "th", NULL, head);
    }
  }
  salesim_sbuf_printf(b, "</tr>\n");
  for (int i = 0; i < count; i++) {
    int m = which[i];
    if (!d->has_metric[m])
      continue;
    const salesim_metric_info *info = d->metric_info[m];
    salesim_sbuf_printf(b, "<tr>");
    cell_text(b, "td", "l", info->label);
    cell_text(b, "td", "l", info->unit);
    for (int k = 0; k < d->n_mech; k++) {
      const salesim_stat *s = &d->mech[k].stat[m];
      cell_interval(b, s->mean, s->ci_low, s->ci_high, info->unit, 0, NULL);
      if (with_diff && k != d->baseline)
        cell_interval(b, s->diff, s->diff_low, s->diff_high, info->unit, 1,
                      diff_class(s, info->better));
    }
    salesim_sbuf_printf(b, "</tr>\n");
  }
  salesim_sbuf_printf(b, "</table>\n");
}

static void csv_table_cols(salesim_sbuf *b, const salesim_csv *c,
                           int (*keep)(const salesim_csv *, int)) {
  salesim_sbuf_printf(b, "<table>\n<tr>");
  for (int j = 0; j < c->ncols; j++)
    if (keep == NULL || keep(c, j))
      cell_text(b, "th", j == 0 ? "l" : NULL, c->header[j]);
  salesim_sbuf_printf(b, "</tr>\n");
  size_t rows = c->nrows < MAX_TABLE_ROWS ? c->nrows : MAX_TABLE_ROWS;
  for (size_t i = 0; i < rows; i++) {
    salesim_sbuf_printf(b, "<tr>");
    for (int j = 0; j < c->ncols; j++)
      if (keep == NULL || keep(c, j))
        cell_text(b, "td", j == 0 ? "l" : NULL, salesim_csv_cell(c, i, j));
    salesim_sbuf_printf(b, "</tr>\n");
  }
  salesim_sbuf_printf(b, "</table>\n");
  if (c->nrows > rows)
    salesim_sbuf_printf(b, "<p class=\"meta\">First %zu of %zu rows; the CSV file has all.</p>\n",
                        rows, c->nrows);
}

static void csv_table(salesim_sbuf *b, const salesim_csv *c) { csv_table_cols(b, c, NULL); }

/* The Calibration section of a calibrated run (engine/report/report_calib.c):
 * a warning per trait not identified in the report's red (class "bad"). */
static void calibration(salesim_sbuf *b, const salesim_report_data *d) {
  salesim_report_calib c;
  if (salesim_report_calib_build(d->calibration, &c) != 0) {
    b->oom = 1;
    return;
  }
  salesim_sbuf_printf(b, "<h2 id=\"calibration\">Calibration</h2>\n<p>");
  salesim_sbuf_html(b, c.facts);
  salesim_sbuf_printf(b, "</p>\n");
  for (size_t i = 0; i < c.n_warn; i++) {
    salesim_sbuf_printf(b, "<p class=\"bad\"><strong>Warning:</strong> ");
    salesim_sbuf_html(b, c.warn[i]);
    salesim_sbuf_printf(b, "</p>\n");
  }
  for (int k = 0; k < c.n_tables; k++) {
    const salesim_report_ttable *t = &c.table[k];
    salesim_sbuf_printf(b, "<h3>");
    salesim_sbuf_html(b, t->title);
    salesim_sbuf_printf(b, "</h3>\n");
    if (t->intro != NULL) {
      salesim_sbuf_printf(b, "<p>");
      salesim_sbuf_html(b, t->intro);
      salesim_sbuf_printf(b, "</p>\n");
    }
    salesim_sbuf_printf(b, "<table>\n<tr>");
    for (int j = 0; j < t->ncols; j++)
      cell_text(b, "th", t->align[j] == 'l' ? "l" : NULL, t->head[j]);
    salesim_sbuf_printf(b, "</tr>\n");
    for (size_t i = 0; i < t->nrows; i++) {
      salesim_sbuf_printf(b, "<tr>");
      for (int j = 0; j < t->ncols; j++)
        cell_text(b, "td", t->align[j] == 'l' ? "l" : NULL, t->cell[i * (size_t)t->ncols + (size_t)j]);
      salesim_sbuf_printf(b, "</tr>\n");
    }
    salesim_sbuf_printf(b, "</table>\n");
  }
  salesim_sbuf_printf(b, "<p class=\"meta\">Every figure of the fit is in calibration.csv (the "
                         "fit.csv of salesim calibrate).</p>\n");
  salesim_report_calib_free(&c);
}

static void figure(salesim_sbuf *b, char *svg, const char *caption) {
  salesim_sbuf_printf(b, "<figure>\n");
  if (svg != NULL)
    salesim_sbuf_put(b, svg, strlen(svg));
  else
    b->oom = 1;
  salesim_sbuf_printf(b, "\n<figcaption>");
  salesim_sbuf_html(b, caption);
  salesim_sbuf_printf(b, "</figcaption>\n</figure>\n");
  free(svg);
}

/* One chart of the page, laid out first and drawn later: drawing (cairo
 * turns text into glyph outlines) is most of the report's cost, and the
 * charts are independent, so they are drawn as OpenMP tasks (on the threads
 * of the report's team, engine/report/report.c) and then put on the page in
 * their order. Each job owns its numbers; ids are given when it is laid
 * out, so the bytes do not depend on which thread drew what. */
typedef struct chart_job {
  const char *heading; /* HTML before the figure, or NULL (static text) */
  char title[160], caption[400];
  int lines, id;
  double w, h;
  const char *unit, *xlabel, *xunit; /* static text or the report data's */
  int n_cat, n_ser;
  const char *const *cats, *const *series;
  double *v, *lo, *hi;              /* bars: owned (lo, hi inside v or NULL) */
  const int *n;                     /* lines */
  const double *const *x, *const *y;
  char *svg;
} chart_job;

#define MAX_CHARTS 64

static void chart_draw(chart_job *j) {
  if (j->lines)
    j->svg = salesim_chart_lines(j->id, j->w, j->h, j->title, j->xlabel, j->xunit, j->unit, j->n_ser,
                                 j->series, j->n, j->x, j->y);
  else
    j->svg = salesim_chart_bars(j->id, j->w, j->h, j->title, j->unit, j->n_cat, j->cats, j->n_ser,
                                j->series, j->v, j->lo, j->hi);
}

static void charts(salesim_sbuf *b, const salesim_report_data *d, int *id) {
  const char *names[64];
  int nm = d->n_mech < 64 ? d->n_mech : 64;
  for (int k = 0; k < nm; k++)
    names[k] = d->mech[k].name;
  chart_job job[MAX_CHARTS];
  int nj = 0;
  /* lines charts' per-series arrays, alive until every chart is drawn */
  int n_curve[64], n_month[64];
  const double *cx[64], *cy[64], *mx[3][64], *my[3][64];
  double *xs = NULL, *ys = NULL;
  memset(job, 0, sizeof job);

  salesim_sbuf_printf(b, "<h2 id=\"charts\">Charts</h2>\n<h3>Headline metrics by mechanism</h3>\n");
  for (int i = 0; i < salesim_report_headline_count && nj < MAX_CHARTS; i++) {
    int m = salesim_report_headline[i];
    if (!d->has_metric[m])
      continue;
    const salesim_metric_info *info = d->metric_info[m];
    chart_job *j = &job[nj++];
    j->v = malloc(sizeof(double) * 3 * (size_t)(nm > 0 ? nm : 1));
    if (j->v == NULL) {
      b->oom = 1;
      continue;
    }
    j->lo = j->v + nm;
    j->hi = j->v + 2 * nm;
    for (int k = 0; k < nm; k++) {
      j->v[k] = d->mech[k].stat[m].mean;
      j->lo[k] = d->mech[k].stat[m].ci_low;
      j->hi[k] = d->mech[k].stat[m].ci_high;
    }
    snprintf(j->title, sizeof j->title, "%s (%s)", info->label, info->unit);
    snprintf(j->caption, sizeof j->caption,
             "%s: mean over replications; whiskers show the 95 %% interval of the mean.",
             info->label);
    j->id = (*id)++;
    j->w = 420;
    j->h = 280;
    j->unit = info->unit;
    j->n_cat = nm;
    j->cats = names;
    j->n_ser = 1;
  }
  int att = 0;
  for (int i = 0; i < salesim_report_attainment_count; i++)
    att |= d->has_metric[salesim_report_attainment[i]];
  if (att && nj < MAX_CHARTS) {
    static const char *const cats[] = {"below 50 %", "80-120 %", "at or above 100 %",
                                       "above 150 %"};
    chart_job *j = &job[nj++];
    j->v = malloc(sizeof(double) * (size_t)(nm > 0 ? nm : 1) * (size_t)salesim_report_attainment_count);
    if (j->v == NULL) {
      b->oom = 1;
    } else {
      for (int k = 0; k < nm; k++)
        for (int i = 0; i < salesim_report_attainment_count; i++)
          j->v[k * salesim_report_attainment_count + i] =
              d->mech[k].stat[salesim_report_attainment[i]].mean;
    }
    j->heading = "<h3>Attainment distribution</h3>\n";
    snprintf(j->title, sizeof j->title, "Share of reps by attainment of target");
    snprintf(j->caption, sizeof j->caption,
             "Share of rep-years in each attainment band (the bands overlap: 80-120 %% and "
             "at or above 100 %% share the reps between 100 %% and 120 %%).");
    j->id = (*id)++;
    j->w = 640;
    j->h = 320;
    j->unit = "share";
    j->n_cat = salesim_report_attainment_count;
    j->cats = cats;
    j->n_ser = nm;
    j->series = names;
  }
  int nc = 0;
  const char *cn[64];
  for (int k = 0; k < nm; k++)
    if (d->mech[k].curve_n > 0) {
      cn[nc] = d->mech[k].name;
      n_curve[nc] = d->mech[k].curve_n;
      cx[nc] = d->mech[k].curve_x;
      cy[nc] = d->mech[k].curve_y;
      nc++;
    }
  if (nc > 0 && nj < MAX_CHARTS) {
    char tgt[64];
    salesim_report_fmt(d->reference_target, "currency", tgt, sizeof tgt);
    chart_job *j = &job[nj++];
    snprintf(j->caption, sizeof j->caption,
             "Annual pay (fixed plus variable) of a rep against attainment of an annual "
             "target of %s %s (a typical rep's target under the scenario's target rule).",
             tgt, d->currency);
    j->heading = "<h3>Payout curves</h3>\n";
    snprintf(j->title, sizeof j->title, "Payout curves: annual pay by attainment");
    j->lines = 1;
    j->id = (*id)++;
    j->w = 640;
    j->h = 320;
    j->xlabel = "attainment";
    j->xunit = "share";
    j->unit = "currency";
    j->n_ser = nc;
    j->series = cn;
    j->n = n_curve;
    j->x = cx;
    j->y = cy;
  }
  if (d->n_months > 0) {
    static const int series[] = {SALESIM_SERIES_REVENUE, SALESIM_SERIES_HEADCOUNT,
                                 SALESIM_SERIES_PAY};
    static const char *const titles[] = {"Monthly revenue", "Headcount", "Monthly pay"};
    static const char *const units[] = {"currency", "people", "currency"};
    xs = malloc((size_t)d->n_months * sizeof *xs);
    ys = malloc((size_t)d->n_months * (size_t)nm * 3 * sizeof *ys);
    if (xs == NULL || ys == NULL) {
      b->oom = 1;
    } else {
      for (int t = 0; t < d->n_months; t++)
        xs[t] = t + 1;
      for (int s = 0; s < 3 && nj < MAX_CHARTS; s++) {
        double *yj = ys + (size_t)s * (size_t)nm * (size_t)d->n_months;
        for (int k = 0; k < nm; k++) {
          for (int t = 0; t < d->n_months; t++)
            yj[k * d->n_months + t] = SALESIM_REPORT_MONTHLY(d, k, t, series[s]);
          mx[s][k] = xs;
          my[s][k] = yj + (size_t)k * (size_t)d->n_months;
          n_month[k] = d->n_months;
        }
        chart_job *j = &job[nj++];
        j->heading = s == 0 ? "<h3>Monthly series</h3>\n" : NULL;
        snprintf(j->title, sizeof j->title, "%s", titles[s]);
        snprintf(j->caption, sizeof j->caption,
                 "Monthly total over the sales force, averaged over replications.");
        j->lines = 1;
        j->id = (*id)++;
        j->w = 640;
        j->h = 320;
        j->xlabel = "month";
        j->xunit = "";
        j->unit = units[s];
        j->n_ser = nm;
        j->series = names;
        j->n = n_month;
        j->x = mx[s];
        j->y = my[s];
      }
    }
  }

  /* draw: tasks when the page is written inside a parallel region (the
   * report's team), otherwise one after another on this thread */
  for (int i = 0; i < nj; i++) {
    chart_job *j = &job[i];
    if (!j->lines && j->v == NULL)
      continue;
#pragma omp task firstprivate(j) default(none)
    chart_draw(j);
  }
#pragma omp taskwait
  for (int i = 0; i < nj; i++) {
    if (job[i].heading != NULL)
      salesim_sbuf_printf(b, "%s", job[i].heading);
    if (job[i].lines || job[i].v != NULL)
      figure(b, job[i].svg, job[i].caption);
    free(job[i].v);
  }
  free(xs);
  free(ys);
}

static void manifest_table(salesim_sbuf *b, const json_t *man) {
  salesim_sbuf_printf(b, "<table>\n");
  const char *key;
  const json_t *val;
  json_object_foreach((json_t *)man, key, val) {
    char *text = json_is_string(val) ? NULL : json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT |
                                                                  JSON_PRESERVE_ORDER);
    salesim_sbuf_printf(b, "<tr>");
    cell_text(b, "th", "l", key);
    cell_text(b, "td", "l", text ? text : json_string_value(val) ? json_string_value(val) : "");
    salesim_sbuf_printf(b, "</tr>\n");
    free(text);
  }
  salesim_sbuf_printf(b, "</table>\n");
}

int salesim_report_write_html(const salesim_report_data *d, const char *path,
                              salesim_diag *diag) {
  salesim_sbuf b = {0};
  int id = 1;
  const json_t *man = d->manifest;
  salesim_sbuf_printf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<title>salesim report: ");
  salesim_sbuf_html(&b, d->title);
  salesim_sbuf_printf(&b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
  salesim_sbuf_html(&b, d->title);
  salesim_sbuf_printf(&b, "</h1>\n<p class=\"meta\">");
  const char *desc = json_string_value(json_object_get(man, "description"));
  if (desc != NULL) {
    salesim_sbuf_html(&b, desc);
    salesim_sbuf_printf(&b, "<br>");
  }
  salesim_sbuf_printf(&b, "%lld replications × %lld months, seed ",
                      (long long)json_integer_value(json_object_get(man, "replications")),
                      (long long)json_integer_value(json_object_get(man, "months")));
  const json_t *seed = json_object_get(man, "seed");
  if (json_is_integer(seed))
    salesim_sbuf_printf(&b, "%lld", (long long)json_integer_value(seed));
  else
    salesim_sbuf_html(&b, json_string_value(seed) ? json_string_value(seed) : "?");
  salesim_sbuf_printf(&b, "; money in ");
  salesim_sbuf_html(&b, d->currency[0] ? d->currency : "currency units");
  salesim_sbuf_printf(&b, "; baseline ");
  salesim_sbuf_html(&b, d->mech[d->baseline].name);
  const char *ver = json_string_value(json_object_get(man, "salesim_version"));
  const char *started = json_string_value(json_object_get(man, "started"));
  salesim_sbuf_printf(&b, "; salesim "); /* from summary.json: escaped like the rest */
  salesim_sbuf_html(&b, ver ? ver : "?");
  salesim_sbuf_printf(&b, ", run ");
  salesim_sbuf_html(&b, started ? started : "?");
  salesim_sbuf_printf(&b, ".</p>\n");
  salesim_sbuf_printf(&b, "<nav><a href=\"#summary\">Summary</a>");
  if (d->calibration)
    salesim_sbuf_printf(&b, "<a href=\"#calibration\">Calibration</a>");
  salesim_sbuf_printf(&b, "<a href=\"#charts\">Charts</a>"
                          "<a href=\"#metrics\">All metrics</a><a href=\"#risk\">Risk bands</a>");
  if (d->costing)
    salesim_sbuf_printf(&b, "<a href=\"#costing\">Costing</a>");
  if (d->sweep)
    salesim_sbuf_printf(&b, "<a href=\"#sweep\">Sweep</a>");
  if (d->n_tables)
    salesim_sbuf_printf(&b, "<a href=\"#tables\">Detail tables</a>");
  salesim_sbuf_printf(&b, "<a href=\"#scenario\">Scenario</a><a href=\"#manifest\">Manifest</a>"
                          "</nav>\n");

  salesim_sbuf_printf(&b, "<h2 id=\"summary\">Summary</h2>\n<p>Mean over replications with "
                          "its 95 %% interval in brackets; the difference columns compare "
                          "each mechanism with the baseline on the same random numbers "
                          "(green: better, red: worse, where the interval excludes 0).</p>\n");
  metrics_table(&b, d, salesim_report_headline, salesim_report_headline_count, 1);
  if (d->calibration != NULL)
    calibration(&b, d);
  charts(&b, d, &id);

  int *all = malloc((size_t)d->n_metrics * sizeof *all);
  if (all == NULL) {
    b.oom = 1;
  } else {
    for (int m = 0; m < d->n_metrics; m++)
      all[m] = m;
    salesim_sbuf_printf(&b, "<h2 id=\"metrics\">All metrics</h2>\n");
    metrics_table(&b, d, all, d->n_metrics, 1);
    free(all);
  }

  static const int risk[] = {SALESIM_METRIC_PAY_COST, SALESIM_METRIC_COST_OF_SALES,
                             SALESIM_METRIC_PROFIT, SALESIM_METRIC_REVENUE};
  salesim_sbuf_printf(&b, "<h2 id=\"risk\">Risk bands</h2>\n<p>P5, median and P95 over "
                          "replications: 9 runs in 10 fall between P5 and P95.</p>\n<table>\n"
                          "<tr><th class=\"l\">Mechanism</th><th class=\"l\">Metric</th>"
                          "<th>P5</th><th>P50</th><th>P95</th></tr>\n");
  for (int k = 0; k < d->n_mech; k++)
    for (size_t i = 0; i < sizeof risk / sizeof risk[0]; i++) {
      int m = risk[i];
      if (!d->has_metric[m])
        continue;
      const salesim_metric_info *info = d->metric_info[m];
      const salesim_stat *s = &d->mech[k].stat[m];
      char p5[64], p50[64], p95[64];
      salesim_sbuf_printf(&b, "<tr>");
      cell_text(&b, "td", "l", d->mech[k].name);
      cell_text(&b, "td", "l", info->label);
      cell_text(&b, "td", NULL, salesim_report_fmt(s->p5, info->unit, p5, sizeof p5));
      cell_text(&b, "td", NULL, salesim_report_fmt(s->p50, info->unit, p50, sizeof p50));
      cell_text(&b, "td", NULL, salesim_report_fmt(s->p95, info->unit, p95, sizeof p95));
      salesim_sbuf_printf(&b, "</tr>\n");
    }
  salesim_sbuf_printf(&b, "</table>\n");

  if (d->costing) {
    salesim_sbuf_printf(&b, "<h2 id=\"costing\">Costing</h2>\n<p>One plan, many draws: "
                            "risk bands of cost and profit and the probability of exceeding "
                            "the budget (costing.csv).</p>\n");
    csv_table(&b, d->costing);
  }
  if (d->sweep) {
    salesim_sbuf_printf(&b, "<h2 id=\"sweep\">Sweep</h2>\n<p>One row per design point and "
                            "mechanism; the headline metrics (sweep.csv has every "
                            "metric).</p>\n");
    csv_table_cols(&b, d->sweep, salesim_report_sweep_column_shown);
  }
  if (d->n_tables > 0) {
    salesim_sbuf_printf(&b, "<h2 id=\"tables\">Detail tables</h2>\n");
    for (int i = 0; i < d->n_tables; i++) {
      salesim_sbuf_printf(&b, "<h3>");
      salesim_sbuf_html(&b, d->table_names[i]);
      salesim_sbuf_printf(&b, "</h3>\n");
      csv_table(&b, d->tables[i]);
    }
  }
  salesim_sbuf_printf(&b, "<h2 id=\"scenario\">Scenario</h2>\n");
  if (d->scenario_text) {
    salesim_sbuf_printf(&b, "<pre>");
    salesim_sbuf_html(&b, d->scenario_text);
    salesim_sbuf_printf(&b, "</pre>\n");
  } else {
    salesim_sbuf_printf(&b, "<p class=\"meta\">The scenario file was not saved with this "
                            "output (scenario.cfg missing).</p>\n");
  }
  salesim_sbuf_printf(&b, "<h2 id=\"manifest\">Manifest</h2>\n");
  manifest_table(&b, man);
  salesim_sbuf_printf(&b, "<p class=\"meta\">Charts drawn with the %s backend.</p>\n",
                      salesim_chart_backend());
  salesim_sbuf_printf(&b, "</body>\n</html>\n");
  return salesim_report_write_sbuf(path, &b, diag);
}
