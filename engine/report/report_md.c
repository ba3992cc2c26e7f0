/*
 * engine/report/report_md.c: report.md, the plain-text report for version control
 * and e-mail: the same tables as report.html (summary with differences
 * against the baseline, every metric, risk bands, attainment distribution,
 * payout curves at a few attainments, costing and sweep when present, the
 * calibration of a calibrated run after the summary), the
 * manifest, and pointers to the CSV files instead of the detail tables.
 * GitHub-flavoured markdown tables; no charts (they are in the .xlsx and
 * .html reports).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define MD_MAX_ROWS 200

static int is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Text from a scenario or an output folder as inert markdown (docs/safety.md):
 * HTML's < > & as entities, the characters that make markup (\ ` * [ ] | ~,
 * '_' at a word's edge, and # - + = or "1." at a line's start) escaped with
 * a backslash, control characters as '?'. With `lines` a line break stays
 * one, else it becomes a space. */
static void md_text(salesim_sbuf *b, const char *s, int lines) {
  int start = 1;
  for (const char *c = s; *c; c++) {
    unsigned char u = (unsigned char)*c;
    int at_start = start;
    start = 0;
    if (*c == '\n' || *c == '\r') {
      if (lines && *c == '\n') {
        salesim_sbuf_put(b, "\n", 1);
        start = 1;
      } else if (!lines)
        salesim_sbuf_put(b, " ", 1);
    } else if (u < 0x20 || u == 0x7f) {
      salesim_sbuf_put(b, u == '\t' ? " " : "?", 1);
    } else if (*c == '<') {
      salesim_sbuf_put(b, "&lt;", 4);
    } else if (*c == '>') {
      salesim_sbuf_put(b, "&gt;", 4);
    } else if (*c == '&') {
      salesim_sbuf_put(b, "&amp;", 5);
    } else if (strchr("\\`*[]|~", *c) != NULL ||
               (*c == '_' && (c == s || !is_alnum(c[-1]) || !is_alnum(c[1]))) ||
               (at_start && strchr("#-+=", *c) != NULL)) {
      salesim_sbuf_put(b, "\\", 1);
      salesim_sbuf_put(b, c, 1);
    } else if (at_start && *c >= '0' && *c <= '9') {
      const char *d = c;
      while (*d >= '0' && *d <= '9')
        d++;
      salesim_sbuf_put(b, c, (size_t)(d - c));
      if (*d == '.' || *d == ')')
        salesim_sbuf_put(b, "\\", 1);
      c = d - 1;
    } else {
      salesim_sbuf_put(b, c, 1);
    }
  }
}

/* A name as `code` when that is inert (no backtick, no control character),
 * else as escaped text. */
static void md_code(salesim_sbuf *b, const char *s) {
  for (const char *c = s; *c; c++)
    if (*c == '`' || (unsigned char)*c < 0x20 || *c == 0x7f) {
      md_text(b, s, 0);
      return;
    }
  salesim_sbuf_printf(b, "`%s`", s);
}

/* A table cell: escaped text on one line. */
static void md_cell(salesim_sbuf *b, const char *s) {
  salesim_sbuf_put(b, " ", 1);
  md_text(b, s, 0);
  salesim_sbuf_put(b, " |", 2);
}

/* A fenced code block the text cannot close: the fence is longer than any
 * run of backticks in it; control characters but tab and newline as '?'. */
static void md_verbatim(salesim_sbuf *b, const char *s) {
  size_t run = 0, longest = 0;
  for (const char *c = s; *c; c++) {
    run = *c == '`' ? run + 1 : 0;
    longest = run > longest ? run : longest;
  }
  size_t fence = longest >= 3 ? longest + 1 : 3;
  for (size_t i = 0; i < fence; i++)
    salesim_sbuf_put(b, "`", 1);
  salesim_sbuf_put(b, "\n", 1);
  for (const char *c = s; *c; c++) {
    unsigned char u = (unsigned char)*c;
    salesim_sbuf_put(b, (u < 0x20 && *c != '\n' && *c != '\t') || u == 0x7f ? "?" : c, 1);
  }
  if (s[0] == '\0' || s[strlen(s) - 1] != '\n')
    salesim_sbuf_put(b, "\n", 1);
  for (size_t i = 0; i < fence; i++)
    salesim_sbuf_put(b, "`", 1);
  salesim_sbuf_put(b, "\n", 1);
}

static void md_interval(salesim_sbuf *b, const salesim_stat *s, const char *unit, int diff) {
  char v[64], l[64], h[64], cell[220];
  double mean = diff ? s->diff : s->mean, lo = diff ? s->diff_low : s->ci_low,
         hi = diff ? s->diff_high : s->ci_high;
  const char *(*f)(double, const char *, char *, size_t) =
      diff ? salesim_report_fmt_diff : salesim_report_fmt;
  f(mean, unit, v, sizeof v);
  if (isnan(lo))
    snprintf(cell, sizeof cell, "%s", v);
  else
    snprintf(cell, sizeof cell, "%s [%s, %s]", v, f(lo, unit, l, sizeof l),
             f(hi, unit, h, sizeof h));
  md_cell(b, cell);
}

static void md_metrics(salesim_sbuf *b, const salesim_report_data *d, const int *which,
                       int count) {
  salesim_sbuf_printf(b, "| Metric | Unit |");
  int cols = 2;
  for (int k = 0; k < d->n_mech; k++) {
    char head[200];
    snprintf(head, sizeof head, "%s%s", d->mech[k].name, k == d->baseline ? " (baseline)" : "");
    md_cell(b, head);
    cols++;
    if (k != d->baseline) {
      snprintf(head, sizeof head, "%s − %s", d->mech[k].name, d->mech[d->baseline].name);
      md_cell(b, head);
      cols++;
    }
  }
  salesim_sbuf_printf(b, "\n|---|---|");
  for (int c = 2; c < cols; c++)
    salesim_sbuf_printf(b, "---:|");
  salesim_sbuf_printf(b, "\n");
  for (int i = 0; i < count; i++) {
    int m = which[i];
    if (!d->has_metric[m])
      continue;
    const salesim_metric_info *info = d->metric_info[m];
    salesim_sbuf_printf(b, "|");
    md_cell(b, info->label);
    md_cell(b, info->unit);
    for (int k = 0; k < d->n_mech; k++) {
      md_interval(b, &d->mech[k].stat[m], info->unit, 0);
      if (k != d->baseline)
        md_interval(b, &d->mech[k].stat[m], info->unit, 1);
    }
    salesim_sbuf_printf(b, "\n");
  }
  salesim_sbuf_printf(b, "\n");
}

static void md_csv_cols(salesim_sbuf *b, const salesim_csv *c,
                        int (*keep)(const salesim_csv *, int)) {
  salesim_sbuf_printf(b, "|");
  for (int j = 0; j < c->ncols; j++)
    if (keep == NULL || keep(c, j))
      md_cell(b, c->header[j]);
  salesim_sbuf_printf(b, "\n|");
  for (int j = 0; j < c->ncols; j++)
    if (keep == NULL || keep(c, j))
      salesim_sbuf_printf(b, "%s|", j == 0 ? "---" : "---:");
  salesim_sbuf_printf(b, "\n");
  size_t rows = c->nrows < MD_MAX_ROWS ? c->nrows : MD_MAX_ROWS;
  for (size_t i = 0; i < rows; i++) {
    salesim_sbuf_printf(b, "|");
    for (int j = 0; j < c->ncols; j++)
      if (keep == NULL || keep(c, j))
        md_cell(b, salesim_csv_cell(c, i, j));
    salesim_sbuf_printf(b, "\n");
  }
  if (c->nrows > rows)
    salesim_sbuf_printf(b, "\nFirst %zu of %zu rows; the CSV file has all.\n", rows, c->nrows);
  salesim_sbuf_printf(b, "\n");
}

static void md_csv(salesim_sbuf *b, const salesim_csv *c) { md_csv_cols(b, c, NULL); }

/* The Calibration section of a calibrated run (engine/report/report_calib.c). */
static void md_calibration(salesim_sbuf *b, const salesim_report_data *d) {
  salesim_report_calib c;
  if (salesim_report_calib_build(d->calibration, &c) != 0) {
    b->oom = 1;
    return;
  }
  salesim_sbuf_printf(b, "## Calibration\n\n");
  md_text(b, c.facts, 0);
  salesim_sbuf_printf(b, "\n\n");
  for (size_t i = 0; i < c.n_warn; i++) {
    salesim_sbuf_printf(b, "**Warning:** ");
    md_text(b, c.warn[i], 0);
    salesim_sbuf_printf(b, "\n\n");
  }
  for (int k = 0; k < c.n_tables; k++) {
    const salesim_report_ttable *t = &c.table[k];
    salesim_sbuf_printf(b, "### ");
    md_text(b, t->title, 0);
    salesim_sbuf_printf(b, "\n\n");
    if (t->intro != NULL) {
      md_text(b, t->intro, 0);
      salesim_sbuf_printf(b, "\n\n");
    }
    salesim_sbuf_printf(b, "|");
    for (int j = 0; j < t->ncols; j++)
      md_cell(b, t->head[j]);
    salesim_sbuf_printf(b, "\n|");
    for (int j = 0; j < t->ncols; j++)
      salesim_sbuf_printf(b, "%s|", t->align[j] == 'r' ? "---:" : "---");
    salesim_sbuf_printf(b, "\n");
    for (size_t i = 0; i < t->nrows; i++) {
      salesim_sbuf_printf(b, "|");
      for (int j = 0; j < t->ncols; j++)
        md_cell(b, t->cell[i * (size_t)t->ncols + (size_t)j]);
      salesim_sbuf_printf(b, "\n");
    }
    salesim_sbuf_printf(b, "\n");
  }
  salesim_sbuf_printf(b, "Every figure of the fit is in `calibration.csv` (the fit.csv of "
                         "salesim calibrate).\n\n");
  salesim_report_calib_free(&c);
}

int salesim_report_write_md(const salesim_report_data *d, const char *path, salesim_diag *diag) {
  salesim_sbuf b = {0};
  const json_t *man = d->manifest;
  char buf[64];
  salesim_sbuf_printf(&b, "# ");
  md_text(&b, d->title, 0);
  salesim_sbuf_printf(&b, "\n\n");
  const char *desc = json_string_value(json_object_get(man, "description"));
  if (desc != NULL) {
    md_text(&b, desc, 1);
    salesim_sbuf_printf(&b, "\n\n");
  }
  const json_t *seed = json_object_get(man, "seed");
  char seedtext[32];
  if (json_is_integer(seed))
    snprintf(seedtext, sizeof seedtext, "%lld", (long long)json_integer_value(seed));
  else
    snprintf(seedtext, sizeof seedtext, "%s",
             json_string_value(seed) ? json_string_value(seed) : "?");
  salesim_sbuf_printf(&b, "%lld replications × %lld months, seed ",
                      (long long)json_integer_value(json_object_get(man, "replications")),
                      (long long)json_integer_value(json_object_get(man, "months")));
  md_text(&b, seedtext, 0);
  salesim_sbuf_printf(&b, ", money in ");
  md_text(&b, d->currency[0] ? d->currency : "currency units", 0);
  salesim_sbuf_printf(&b, ", baseline ");
  md_code(&b, d->mech[d->baseline].name);
  salesim_sbuf_printf(&b, ".\n\n");

  salesim_sbuf_printf(&b, "## Summary\n\nMean over replications with its 95 %% interval in "
                          "brackets; the difference columns are paired differences against "
                          "the baseline on common random numbers.\n\n");
  md_metrics(&b, d, salesim_report_headline, salesim_report_headline_count);
  if (d->calibration != NULL)
    md_calibration(&b, d);

  int any_att = 0;
  for (int i = 0; i < salesim_report_attainment_count; i++)
    any_att |= d->has_metric[salesim_report_attainment[i]];
  if (any_att) {
    salesim_sbuf_printf(&b, "## Attainment distribution\n\n");
    md_metrics(&b, d, salesim_report_attainment, salesim_report_attainment_count);
  }

  static const int risk[] = {SALESIM_METRIC_PAY_COST, SALESIM_METRIC_COST_OF_SALES,
                             SALESIM_METRIC_PROFIT, SALESIM_METRIC_REVENUE};
  salesim_sbuf_printf(&b, "## Risk bands\n\n| Mechanism | Metric | P5 | P50 | P95 |\n"
                          "|---|---|---:|---:|---:|\n");
  for (int k = 0; k < d->n_mech; k++)
    for (size_t i = 0; i < sizeof risk / sizeof risk[0]; i++) {
      int m = risk[i];
      if (!d->has_metric[m])
        continue;
      const salesim_metric_info *info = d->metric_info[m];
      const salesim_stat *s = &d->mech[k].stat[m];
      salesim_sbuf_printf(&b, "|");
      md_cell(&b, d->mech[k].name);
      md_cell(&b, info->label);
      md_cell(&b, salesim_report_fmt(s->p5, info->unit, buf, sizeof buf));
      md_cell(&b, salesim_report_fmt(s->p50, info->unit, buf, sizeof buf));
      md_cell(&b, salesim_report_fmt(s->p95, info->unit, buf, sizeof buf));
      salesim_sbuf_printf(&b, "\n");
    }
  salesim_sbuf_printf(&b, "\n");

  int curves = 0;
  for (int k = 0; k < d->n_mech; k++)
    curves += d->mech[k].curve_n > 0;
  if (curves) {
    salesim_report_fmt(d->reference_target, "currency", buf, sizeof buf);
    salesim_sbuf_printf(&b, "## Payout curves\n\nAnnual pay at attainment of a typical "
                            "target of %s:\n\n| Attainment |",
                        buf);
    for (int k = 0; k < d->n_mech; k++)
      if (d->mech[k].curve_n > 0)
        md_cell(&b, d->mech[k].name);
    salesim_sbuf_printf(&b, "\n|---:|");
    for (int k = 0; k < curves; k++)
      salesim_sbuf_printf(&b, "---:|");
    salesim_sbuf_printf(&b, "\n");
    static const int at[] = {0, 20, 32, 40, 48, 60, 80}; /* 0 50 80 100 120 150 200 % */
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
      salesim_sbuf_printf(&b, "| %.0f %% |", at[i] * 2.5);
      for (int k = 0; k < d->n_mech; k++)
        if (d->mech[k].curve_n > at[i])
          md_cell(&b, salesim_report_fmt(d->mech[k].curve_y[at[i]], "currency", buf, sizeof buf));
      salesim_sbuf_printf(&b, "\n");
    }
    salesim_sbuf_printf(&b, "\n");
  }

  int *all = malloc((size_t)d->n_metrics * sizeof *all);
  if (all == NULL) {
    b.oom = 1;
  } else {
    for (int m = 0; m < d->n_metrics; m++)
      all[m] = m;
    salesim_sbuf_printf(&b, "## All metrics\n\n");
    md_metrics(&b, d, all, d->n_metrics);
    free(all);
  }

  if (d->costing) {
    salesim_sbuf_printf(&b, "## Costing\n\n");
    md_csv(&b, d->costing);
  }
  if (d->sweep) {
    salesim_sbuf_printf(&b, "## Sweep\n\n");
    md_csv_cols(&b, d->sweep, salesim_report_sweep_column_shown);
  }
  if (d->n_tables > 0) {
    salesim_sbuf_printf(&b, "## Detail tables\n\n");
    for (int i = 0; i < d->n_tables; i++) {
      char file[300];
      snprintf(file, sizeof file, "%s.csv", d->table_names[i]);
      salesim_sbuf_printf(&b, "* ");
      md_code(&b, file);
      salesim_sbuf_printf(&b, ": %zu rows\n", d->tables[i]->nrows);
    }
    salesim_sbuf_printf(&b, "\n");
  }
  salesim_sbuf_printf(&b, "## Manifest\n\n| Field | Value |\n|---|---|\n");
  const char *key;
  const json_t *val;
  json_object_foreach((json_t *)man, key, val) {
    if (strcmp(key, "mechanisms") == 0)
      continue; /* listed below with their settings */
    char *text = json_is_string(val)
                     ? NULL
                     : json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT | JSON_PRESERVE_ORDER);
    salesim_sbuf_printf(&b, "|");
    md_cell(&b, key);
    md_cell(&b, text ? text : json_string_value(val) ? json_string_value(val) : "");
    salesim_sbuf_printf(&b, "\n");
    free(text);
  }
  salesim_sbuf_printf(&b, "\n### Mechanisms\n\n");
  for (int k = 0; k < d->n_mech; k++) {
    char *text = d->mech[k].params ? json_dumps(d->mech[k].params, JSON_COMPACT |
                                                                       JSON_PRESERVE_ORDER)
                                   : NULL;
    salesim_sbuf_printf(&b, "* ");
    md_code(&b, d->mech[k].name);
    salesim_sbuf_printf(&b, " (");
    md_text(&b, d->mech[k].type, 0);
    salesim_sbuf_printf(&b, ")");
    if (text) {
      salesim_sbuf_printf(&b, ": ");
      md_code(&b, text);
    }
    salesim_sbuf_printf(&b, "\n");
    free(text);
  }
  if (d->scenario_text) {
    salesim_sbuf_printf(&b, "\n## Scenario\n\n");
    md_verbatim(&b, d->scenario_text);
  }
  return salesim_report_write_sbuf(path, &b, diag);
}
