/*
 * engine/report/report_xlsx.c: report.xlsx with libxlsxwriter (MEASURED.md: native
 * charts that Excel draws and openpyxl reads back).
 *
 * Sheets, in order: Summary (mechanisms side by side: mean, 95 % interval,
 * paired difference against the baseline with its interval; risk bands
 * below), Calibration (a calibrated run's fit: engine/report/report_calib.c),
 * Charts (native Excel charts), Monthly (monthly.csv), Payout curves,
 * Costing and Sweep when the run has them, one sheet per detail table,
 * Scenario (the file, one line per row), Manifest, and Chart data (the
 * numbers the charts plot). The headline charts have one series per
 * mechanism so each series can carry a fixed error bar equal to the half
 * width of its (symmetric, Student t) 95 % interval: libxlsxwriter 1.1 has
 * no custom per-point error bars. The document's creation time is the run's
 * start time, so the same output folder gives the same workbook.
 */
#define _XOPEN_SOURCE 700

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"

#ifndef SALESIM_HAVE_XLSXWRITER

int salesim_report_write_xlsx(const salesim_report_data *d, const char *path,
                              salesim_diag *diag) {
  (void)d;
  salesim_diag_add(diag, "%s: this build has no libxlsxwriter (install libxlsxwriter-dev "
                         "and rebuild)", path);
  return SALESIM_ENOTFOUND;
}

#else

#include <xlsxwriter.h>

typedef struct xl {
  lxw_workbook *wb;
  lxw_format *bold, *head, *money, *share, *number, *wrap, *title, *mono;
} xl;

static lxw_format *fmt_for(const xl *x, const char *unit) {
  if (unit && strcmp(unit, "share") == 0)
    return x->share;
  if (unit && strncmp(unit, "currency", 8) == 0)
    return x->money;
  return x->number;
}

static void put_num(lxw_worksheet *ws, int row, int col, double v, lxw_format *f) {
  if (isfinite(v))
    worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, f);
}

/* The Calibration sheet of a calibrated run (engine/report/report_calib.c):
 * the facts, a warning row per trait not identified (bold red), then each
 * table with its numbers as numbers. 0 or SALESIM_ENOMEM. */
static int calibration_sheet(xl *x, lxw_worksheet *ws, const salesim_report_data *d) {
  salesim_report_calib c;
  if (salesim_report_calib_build(d->calibration, &c) != 0)
    return SALESIM_ENOMEM;
  lxw_format *warn = workbook_add_format(x->wb);
  format_set_bold(warn);
  format_set_font_color(warn, 0xC62828);
  int row = 0;
  worksheet_write_string(ws, (lxw_row_t)row++, 0, "Calibration", x->title);
  worksheet_write_string(ws, (lxw_row_t)row++, 0, c.facts, NULL);
  for (size_t i = 0; i < c.n_warn; i++) {
    char line[1200];
    snprintf(line, sizeof line, "Warning: %s", c.warn[i]);
    worksheet_write_string(ws, (lxw_row_t)row++, 0, line, warn);
  }
  for (int k = 0; k < c.n_tables; k++) {
    const salesim_report_ttable *t = &c.table[k];
    row++;
    worksheet_write_string(ws, (lxw_row_t)row++, 0, t->title, x->bold);
    if (t->intro != NULL)
      worksheet_write_string(ws, (lxw_row_t)row++, 0, t->intro, NULL);
    for (int j = 0; j < t->ncols; j++)
      worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)j, t->head[j], x->head);
    row++;
    for (size_t i = 0; i < t->nrows; i++, row++)
      for (int j = 0; j < t->ncols; j++) {
        size_t at = i * (size_t)t->ncols + (size_t)j;
        if (isfinite(t->num[at]))
          worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)j, t->num[at], NULL);
        else
          worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)j, t->cell[at], NULL);
      }
  }
  row++;
  worksheet_write_string(ws, (lxw_row_t)row, 0,
                         "Every figure of the fit is in calibration.csv (the fit.csv of salesim "
                         "calibrate).",
                         NULL);
  worksheet_set_column(ws, 0, 0, 30, NULL);
  worksheet_set_column(ws, 1, 7, 18, NULL);
  salesim_report_calib_free(&c);
  return 0;
}

/* A valid, unique sheet name (31 characters, none of []:*?/\). */
/* A chart series name: libxlsxwriter takes a leading '=' as a cell
 * reference, so such a name (from an edited summary.json) gets a space. */
static const char *series_name(const char *name, char *buf, size_t size) {
  if (name[0] != '=')
    return name;
  snprintf(buf, size, " %s", name);
  return buf;
}

static void sheet_name(lxw_workbook *wb, const char *want, char *out, size_t size) {
  char base[32];
  size_t n = 0;
  for (const char *c = want; *c && n < 28; c++)
    base[n++] = strchr("[]:*?/\\'", *c) ? '_' : *c;
  base[n] = '\0';
  if (n == 0)
    snprintf(base, sizeof base, "table");
  snprintf(out, size, "%s", base);
  for (int i = 2; workbook_get_worksheet_by_name(wb, out) != NULL && i < 1000; i++)
    snprintf(out, size, "%.26s_%d", base, i);
}

static void csv_sheet(xl *x, const char *name, const salesim_csv *c) {
  char sn[40];
  sheet_name(x->wb, name, sn, sizeof sn);
  lxw_worksheet *ws = workbook_add_worksheet(x->wb, sn);
  if (ws == NULL)
    return;
  for (int j = 0; j < c->ncols; j++)
    worksheet_write_string(ws, 0, (lxw_col_t)j, c->header[j], x->head);
  for (size_t i = 0; i < c->nrows && i < 1000000; i++)
    for (int j = 0; j < c->ncols; j++) {
      double v = salesim_csv_number(c, i, j);
      if (isfinite(v))
        worksheet_write_number(ws, (lxw_row_t)(i + 1), (lxw_col_t)j, v, NULL);
      else if (salesim_csv_cell(c, i, j)[0] != '\0')
        worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)j,
                               salesim_csv_cell(c, i, j), NULL);
    }
  worksheet_set_column(ws, 0, (lxw_col_t)(c->ncols > 0 ? c->ncols - 1 : 0), 14, NULL);
  worksheet_freeze_panes(ws, 1, 0);
}

/* Summary: a block of columns per mechanism. Returns the row after it. */
static int summary_sheet(xl *x, lxw_worksheet *ws, const salesim_report_data *d) {
  worksheet_write_string(ws, 0, 0, d->title, x->title);
  char line[300];
  snprintf(line, sizeof line,
           "Mean over replications with its 95 %% interval; Δ = paired difference against "
           "the baseline (%s) on common random numbers. Money in %s.",
           d->mech[d->baseline].name, d->currency[0] ? d->currency : "currency units");
  worksheet_write_string(ws, 1, 0, line, NULL);
  int row = 3;
  worksheet_write_string(ws, (lxw_row_t)row + 1, 0, "Metric", x->head);
  worksheet_write_string(ws, (lxw_row_t)row + 1, 1, "Unit", x->head);
  int col = 2;
  for (int k = 0; k < d->n_mech; k++) {
    int width = k == d->baseline ? 3 : 6;
    char head[100];
    snprintf(head, sizeof head, "%s%s", d->mech[k].name, k == d->baseline ? " (baseline)" : "");
    worksheet_merge_range(ws, (lxw_row_t)row, (lxw_col_t)col, (lxw_row_t)row,
                          (lxw_col_t)(col + width - 1), head, x->head);
    static const char *const sub[] = {"Mean", "95% low", "95% high", "Δ vs baseline", "Δ low",
                                      "Δ high"};
    for (int j = 0; j < width; j++)
      worksheet_write_string(ws, (lxw_row_t)row + 1, (lxw_col_t)(col + j), sub[j], x->head);
    col += width;
  }
  row += 2;
  for (int m = 0; m < d->n_metrics; m++) {
    if (!d->has_metric[m])
      continue;
    const salesim_metric_info *info = d->metric_info[m];
    lxw_format *f = fmt_for(x, info->unit);
    worksheet_write_string(ws, (lxw_row_t)row, 0, info->label, NULL);
    worksheet_write_string(ws, (lxw_row_t)row, 1, info->unit, NULL);
    col = 2;
    for (int k = 0; k < d->n_mech; k++) {
      const salesim_stat *s = &d->mech[k].stat[m];
      put_num(ws, row, col, s->mean, f);
      put_num(ws, row, col + 1, s->ci_low, f);
      put_num(ws, row, col + 2, s->ci_high, f);
      col += 3;
      if (k != d->baseline) {
        put_num(ws, row, col, s->diff, f);
        put_num(ws, row, col + 1, s->diff_low, f);
        put_num(ws, row, col + 2, s->diff_high, f);
        col += 3;
      }
    }
    row++;
  }
  /* risk bands */
  row += 1;
  worksheet_write_string(ws, (lxw_row_t)row++, 0,
                         "Risk bands: P5, median and P95 over replications", x->bold);
  static const char *const rh[] = {"Mechanism", "Metric", "P5", "P50", "P95"};
  for (int j = 0; j < 5; j++)
    worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)j, rh[j], x->head);
  row++;
  static const int risk[] = {SALESIM_METRIC_PAY_COST, SALESIM_METRIC_COST_OF_SALES,
                             SALESIM_METRIC_PROFIT, SALESIM_METRIC_REVENUE};
  for (int k = 0; k < d->n_mech; k++)
    for (size_t i = 0; i < sizeof risk / sizeof risk[0]; i++) {
      int m = risk[i];
      if (!d->has_metric[m])
        continue;
      const salesim_metric_info *info = d->metric_info[m];
      const salesim_stat *s = &d->mech[k].stat[m];
      lxw_format *f = fmt_for(x, info->unit);
      worksheet_write_string(ws, (lxw_row_t)row, 0, d->mech[k].name, NULL);
      worksheet_write_string(ws, (lxw_row_t)row, 1, info->label, NULL);
      put_num(ws, row, 2, s->p5, f);
      put_num(ws, row, 3, s->p50, f);
      put_num(ws, row, 4, s->p95, f);
      row++;
    }
  worksheet_set_column(ws, 0, 0, 38, NULL);
  worksheet_set_column(ws, 1, 1, 14, NULL);
  worksheet_set_column(ws, 2, (lxw_col_t)(2 + 6 * d->n_mech), 14, NULL);
  worksheet_freeze_panes(ws, 5, 2);
  return row;
}

/* Seconds since 1970 of a UTC calendar time (timegm is not POSIX): days
 * from the civil date (H. Hinnant's algorithm). */
static time_t utc_seconds(const struct tm *tm) {
  long y = tm->tm_year + 1900L, m = tm->tm_mon + 1L, dd = tm->tm_mday;
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  long days = era * 146097 + doe - 719468;
  return (time_t)(days * 86400L + tm->tm_hour * 3600L + tm->tm_min * 60L + tm->tm_sec);
}

static void insert_chart(lxw_worksheet *ws, lxw_chart *ch, int slot) {
  /* two charts per row, 16 rows apart */
  lxw_chart_options opt = {0};
  opt.x_scale = 1;
  opt.y_scale = 1;
  worksheet_insert_chart_opt(ws, (lxw_row_t)(1 + (slot / 2) * 16), (lxw_col_t)((slot % 2) * 9),
                             ch, &opt);
}

int salesim_report_write_xlsx(const salesim_report_data *d, const char *path,
                              salesim_diag *diag) {
  size_t n = strlen(path);
  char *tmp = malloc(n + 5);
  if (tmp == NULL)
    return SALESIM_ENOMEM;
  memcpy(tmp, path, n);
  memcpy(tmp + n, ".tmp", 5);
  lxw_workbook_options wopt = {0};
  xl x = {0};
  char sn[256];
  x.wb = workbook_new_opt(tmp, &wopt);
  if (x.wb == NULL) {
    salesim_diag_add(diag, "%s: cannot create the workbook", tmp);
    free(tmp);
    return SALESIM_EIO;
  }
  /* properties: fixed creation time (the run's start) for reproducible bytes */
  lxw_doc_properties props = {0};
  char title[300];
  snprintf(title, sizeof title, "salesim report: %s", d->title);
  for (char *c = title; *c; c++) /* XML has no control characters (docs/safety.md) */
    if ((unsigned char)*c < 0x20 || *c == 0x7f)
      *c = '?';
  props.title = title;
  char comments[] = "Written by salesim";
  props.comments = comments;
  const char *started = json_string_value(json_object_get(d->manifest, "started"));
  struct tm tm = {0};
  props.created = 0;
  if (started && strptime(started, "%Y-%m-%dT%H:%M:%SZ", &tm) != NULL)
    props.created = utc_seconds(&tm);
  if (props.created <= 0)
    props.created = 946684800; /* 2000-01-01 */
  workbook_set_properties(x.wb, &props);

  x.bold = workbook_add_format(x.wb);
  format_set_bold(x.bold);
  x.title = workbook_add_format(x.wb);
  format_set_bold(x.title);
  format_set_font_size(x.title, 14);
  x.head = workbook_add_format(x.wb);
  format_set_bold(x.head);
  format_set_bg_color(x.head, 0xF4F6F8);
  format_set_border(x.head, LXW_BORDER_THIN);
  format_set_align(x.head, LXW_ALIGN_CENTER);
  x.money = workbook_add_format(x.wb);
  format_set_num_format(x.money, "#,##0");
  x.share = workbook_add_format(x.wb);
  format_set_num_format(x.share, "0.0%");
  x.number = workbook_add_format(x.wb);
  format_set_num_format(x.number, "0.000");
  x.mono = workbook_add_format(x.wb);
  format_set_font_name(x.mono, "Courier New");

  lxw_worksheet *summary = workbook_add_worksheet(x.wb, "Summary");
  lxw_worksheet *calib = d->calibration ? workbook_add_worksheet(x.wb, "Calibration") : NULL;
  lxw_worksheet *charts = workbook_add_worksheet(x.wb, "Charts");
  lxw_worksheet *monthly = d->n_months > 0 ? workbook_add_worksheet(x.wb, "Monthly") : NULL;
  int any_curve = 0;
  for (int k = 0; k < d->n_mech; k++)
    any_curve |= d->mech[k].curve_n > 0;
  lxw_worksheet *payout = any_curve ? workbook_add_worksheet(x.wb, "Payout curves") : NULL;
  summary_sheet(&x, summary, d);
  int calib_rc = calib != NULL ? calibration_sheet(&x, calib, d) : 0;
  if (d->costing)
    csv_sheet(&x, "Costing", d->costing);
  if (d->sweep)
    csv_sheet(&x, "Sweep", d->sweep);
  for (int i = 0; i < d->n_tables; i++)
    csv_sheet(&x, d->table_names[i], d->tables[i]);

  /* Scenario, Manifest */
  lxw_worksheet *scen = workbook_add_worksheet(x.wb, "Scenario");
  int oom = calib_rc != 0; /* a workbook without its calibration is not written */
  if (d->scenario_text) {
    const char *p = d->scenario_text;
    int row = 0;
    while (*p && row < 100000) {
      size_t len = strcspn(p, "\n");
      char *line = malloc(len + 1);
      if (line == NULL) {
        oom = 1; /* a workbook without its scenario is not written */
        break;
      }
      memcpy(line, p, len);
      line[len] = '\0';
      if (len > 0)
        worksheet_write_string(scen, (lxw_row_t)row, 0, line, x.mono);
      free(line);
      row++;
      p += len;
      if (*p == '\n')
        p++;
    }
  } else {
    worksheet_write_string(scen, 0, 0, "The scenario file was not saved with this output.", NULL);
  }
  worksheet_set_column(scen, 0, 0, 100, NULL);
  lxw_worksheet *man = workbook_add_worksheet(x.wb, "Manifest");
  {
    int row = 0;
    const char *key;
    const json_t *val;
    worksheet_write_string(man, 0, 0, "Field", x.head);
    worksheet_write_string(man, 0, 1, "Value", x.head);
    json_object_foreach((json_t *)d->manifest, key, val) {
      row++;
      worksheet_write_string(man, (lxw_row_t)row, 0, key, NULL);
      if (json_is_string(val)) {
        worksheet_write_string(man, (lxw_row_t)row, 1, json_string_value(val), NULL);
      } else if (json_is_number(val)) {
        worksheet_write_number(man, (lxw_row_t)row, 1, json_number_value(val), NULL);
      } else {
        char *text = json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (text && strlen(text) > 32000)
          text[32000] = '\0';
        if (text)
          worksheet_write_string(man, (lxw_row_t)row, 1, text, NULL);
        free(text);
      }
    }
    worksheet_set_column(man, 0, 0, 20, NULL);
    worksheet_set_column(man, 1, 1, 80, NULL);
  }

  /* Chart data: headline block (metric rows, mean/low/high per mechanism),
   * then the attainment block. */
  lxw_worksheet *cd = workbook_add_worksheet(x.wb, "Chart data");
  worksheet_write_string(cd, 0, 0, "Metric", x.head);
  for (int k = 0; k < d->n_mech; k++) {
    char h[100];
    snprintf(h, sizeof h, "%s mean", d->mech[k].name);
    worksheet_write_string(cd, 0, (lxw_col_t)(1 + 3 * k), h, x.head);
    snprintf(h, sizeof h, "%s 95%% low", d->mech[k].name);
    worksheet_write_string(cd, 0, (lxw_col_t)(2 + 3 * k), h, x.head);
    snprintf(h, sizeof h, "%s 95%% high", d->mech[k].name);
    worksheet_write_string(cd, 0, (lxw_col_t)(3 + 3 * k), h, x.head);
  }
  int slot = 0, row = 1;
  worksheet_write_string(charts, 0, 0,
                         "Headline metrics (error bars: 95 % interval of the mean), attainment "
                         "distribution, payout curves and monthly series.",
                         x.bold);
  for (int i = 0; i < salesim_report_headline_count; i++, row++) {
    int m = salesim_report_headline[i];
    const salesim_metric_info *info = d->metric_info[m];
    worksheet_write_string(cd, (lxw_row_t)row, 0, info->label, NULL);
    for (int k = 0; k < d->n_mech; k++) {
      const salesim_stat *s = &d->mech[k].stat[m];
      put_num(cd, row, 1 + 3 * k, s->mean, NULL);
      put_num(cd, row, 2 + 3 * k, s->ci_low, NULL);
      put_num(cd, row, 3 + 3 * k, s->ci_high, NULL);
    }
    if (!d->has_metric[m])
      continue;
    lxw_chart *ch = workbook_add_chart(x.wb, LXW_CHART_COLUMN);
    char t[200];
    snprintf(t, sizeof t, "%s (%s)", info->label, info->unit);
    chart_title_set_name(ch, t);
    for (int k = 0; k < d->n_mech; k++) {
      lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
      chart_series_set_categories(se, "Chart data", (lxw_row_t)row, 0, (lxw_row_t)row, 0);
      chart_series_set_values(se, "Chart data", (lxw_row_t)row, (lxw_col_t)(1 + 3 * k),
                              (lxw_row_t)row, (lxw_col_t)(1 + 3 * k));
      chart_series_set_name(se, series_name(d->mech[k].name, sn, sizeof sn));
      const salesim_stat *s = &d->mech[k].stat[m];
      if (isfinite(s->ci_high) && isfinite(s->ci_low)) {
        lxw_series_error_bars *eb = chart_series_get_error_bars(se, LXW_CHART_ERROR_BAR_AXIS_Y);
        chart_series_set_error_bars(eb, LXW_CHART_ERROR_BAR_TYPE_FIXED,
                                    (s->ci_high - s->ci_low) / 2);
      }
    }
    if (strcmp(info->unit, "share") == 0)
      chart_axis_set_num_format(ch->y_axis, "0%");
    else if (strncmp(info->unit, "currency", 8) == 0)
      chart_axis_set_num_format(ch->y_axis, "#,##0");
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    insert_chart(charts, ch, slot++);
  }
  /* attainment block */
  row++;
  int att_row = row;
  worksheet_write_string(cd, (lxw_row_t)row++, 0, "Attainment band", x.head);
  int any_att = 0;
  for (int i = 0; i < salesim_report_attainment_count; i++, row++) {
    int m = salesim_report_attainment[i];
    any_att |= d->has_metric[m];
    worksheet_write_string(cd, (lxw_row_t)row, 0, d->metric_info[m]->label, NULL);
    for (int k = 0; k < d->n_mech; k++)
      put_num(cd, row, 1 + 3 * k, d->mech[k].stat[m].mean, x.share);
  }
  if (any_att) {
    lxw_chart *ch = workbook_add_chart(x.wb, LXW_CHART_COLUMN);
    chart_title_set_name(ch, "Attainment distribution (share of rep-years)");
    for (int k = 0; k < d->n_mech; k++) {
      lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
      chart_series_set_categories(se, "Chart data", (lxw_row_t)(att_row + 1), 0,
                                  (lxw_row_t)(att_row + salesim_report_attainment_count), 0);
      chart_series_set_values(se, "Chart data", (lxw_row_t)(att_row + 1), (lxw_col_t)(1 + 3 * k),
                              (lxw_row_t)(att_row + salesim_report_attainment_count),
                              (lxw_col_t)(1 + 3 * k));
      chart_series_set_name(se, series_name(d->mech[k].name, sn, sizeof sn));
    }
    chart_axis_set_num_format(ch->y_axis, "0%");
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    insert_chart(charts, ch, slot++);
  }
  worksheet_set_column(cd, 0, 0, 36, NULL);

  /* payout curves: column 0 attainment, one column per plan with a curve */
  if (payout != NULL) {
    char note[200], tgt[64];
    salesim_report_fmt(d->reference_target, "currency", tgt, sizeof tgt);
    worksheet_write_string(payout, 0, 0, "Attainment", x.head);
    lxw_chart *ch = workbook_add_chart(x.wb, LXW_CHART_SCATTER_STRAIGHT);
    chart_title_set_name(ch, "Payout curves: annual pay by attainment");
    int col = 1;
    for (int i = 0; i <= 80; i++)
      worksheet_write_number(payout, (lxw_row_t)(i + 1), 0, i * 0.025, x.share);
    for (int k = 0; k < d->n_mech; k++) {
      const salesim_report_mech *m = &d->mech[k];
      if (m->curve_n == 0)
        continue;
      worksheet_write_string(payout, 0, (lxw_col_t)col, m->name, x.head);
      for (int i = 0; i < m->curve_n; i++)
        put_num(payout, i + 1, col, m->curve_y[i], x.money);
      lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
      chart_series_set_categories(se, "Payout curves", 1, 0, (lxw_row_t)m->curve_n, 0);
      chart_series_set_values(se, "Payout curves", 1, (lxw_col_t)col, (lxw_row_t)m->curve_n,
                              (lxw_col_t)col);
      chart_series_set_name(se, series_name(m->name, sn, sizeof sn));
      col++;
    }
    snprintf(note, sizeof note,
             "Annual pay (fixed + variable) at attainment of a typical target of %s %s", tgt,
             d->currency);
    worksheet_write_string(payout, 0, (lxw_col_t)(col + 1), note, NULL);
    chart_axis_set_name(ch->x_axis, "Attainment");
    chart_axis_set_num_format(ch->x_axis, "0%");
    chart_axis_set_name(ch->y_axis, "Annual pay");
    chart_axis_set_num_format(ch->y_axis, "#,##0");
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    worksheet_set_column(payout, 0, (lxw_col_t)col, 16, NULL);
    insert_chart(charts, ch, slot++);
  }

  /* monthly: long format, one block of months per mechanism */
  if (monthly != NULL) {
    worksheet_write_string(monthly, 0, 0, "mechanism", x.head);
    worksheet_write_string(monthly, 0, 1, "month", x.head);
    for (int s = 0; s < SALESIM_SERIES_COUNT; s++)
      worksheet_write_string(monthly, 0, (lxw_col_t)(2 + s), salesim_series_name(s), x.head);
    for (int k = 0; k < d->n_mech; k++)
      for (int t = 0; t < d->n_months; t++) {
        int r = 1 + k * d->n_months + t;
        worksheet_write_string(monthly, (lxw_row_t)r, 0, d->mech[k].name, NULL);
        worksheet_write_number(monthly, (lxw_row_t)r, 1, t + 1, NULL);
        for (int s = 0; s < SALESIM_SERIES_COUNT; s++)
          put_num(monthly, r, 2 + s, SALESIM_REPORT_MONTHLY(d, k, t, s), NULL);
      }
    worksheet_set_column(monthly, 0, (lxw_col_t)(1 + SALESIM_SERIES_COUNT), 14, NULL);
    worksheet_freeze_panes(monthly, 1, 2);
    static const int series[] = {SALESIM_SERIES_REVENUE, SALESIM_SERIES_HEADCOUNT,
                                 SALESIM_SERIES_PAY};
    static const char *const titles[] = {"Monthly revenue", "Headcount", "Monthly pay"};
    for (int j = 0; j < 3; j++) {
      lxw_chart *ch = workbook_add_chart(x.wb, LXW_CHART_LINE);
      chart_title_set_name(ch, titles[j]);
      for (int k = 0; k < d->n_mech; k++) {
        lxw_row_t r0 = (lxw_row_t)(1 + k * d->n_months), r1 = (lxw_row_t)(r0 + d->n_months - 1);
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(se, "Monthly", r0, 1, r1, 1);
        chart_series_set_values(se, "Monthly", r0, (lxw_col_t)(2 + series[j]), r1,
                                (lxw_col_t)(2 + series[j]));
        chart_series_set_name(se, series_name(d->mech[k].name, sn, sizeof sn));
      }
      chart_axis_set_name(ch->x_axis, "Month");
      if (series[j] != SALESIM_SERIES_HEADCOUNT)
        chart_axis_set_num_format(ch->y_axis, "#,##0");
      chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
      insert_chart(charts, ch, slot++);
    }
  }

  lxw_error err = workbook_close(x.wb);
  int rc = 0;
  if (oom) {
    salesim_diag_add(diag, "%s: out of memory", tmp);
    rc = SALESIM_ENOMEM;
    remove(tmp);
  } else if (err != LXW_NO_ERROR) {
    salesim_diag_add(diag, "%s: %s", tmp, lxw_strerror(err));
    rc = SALESIM_EIO;
    remove(tmp);
  } else if (rename(tmp, path) != 0) {
    salesim_diag_add(diag, "%s: cannot rename into place", path);
    rc = SALESIM_EIO;
    remove(tmp);
  }
  free(tmp);
  return rc;
}

#endif
