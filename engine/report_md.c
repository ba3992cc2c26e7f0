/*
 * engine/report_md.c: report.md, the plain-text report for version control
 * and e-mail: the same tables as report.html (summary with differences
 * against the baseline, every metric, risk bands, attainment distribution,
 * payout curves at a few attainments, costing and sweep when present), the
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

/* A table cell: '|' escaped, line breaks as spaces. */
static void md_cell(salesim_sbuf *b, const char *s) {
  salesim_sbuf_put(b, " ", 1);
  for (const char *c = s; *c; c++) {
    if (*c == '|')
      salesim_sbuf_put(b, "\\|", 2);
    else if (*c == '\n' || *c == '\r')
      salesim_sbuf_put(b, " ", 1);
    else
      salesim_sbuf_put(b, c, 1);
  }
  salesim_sbuf_put(b, " |", 2);
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
    const salesim_metric_info *info = salesim_metric_get(m);
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

static void md_csv(salesim_sbuf *b, const salesim_csv *c) {
  salesim_sbuf_printf(b, "|");
  for (int j = 0; j < c->ncols; j++)
    md_cell(b, c->header[j]);
  salesim_sbuf_printf(b, "\n|");
  for (int j = 0; j < c->ncols; j++)
    salesim_sbuf_printf(b, "%s|", j == 0 ? "---" : "---:");
  salesim_sbuf_printf(b, "\n");
  size_t rows = c->nrows < MD_MAX_ROWS ? c->nrows : MD_MAX_ROWS;
  for (size_t i = 0; i < rows; i++) {
    salesim_sbuf_printf(b, "|");
    for (int j = 0; j < c->ncols; j++)
      md_cell(b, salesim_csv_cell(c, i, j));
    salesim_sbuf_printf(b, "\n");
  }
  if (c->nrows > rows)
    salesim_sbuf_printf(b, "\nFirst %zu of %zu rows; the CSV file has all.\n", rows, c->nrows);
  salesim_sbuf_printf(b, "\n");
}

int salesim_report_write_md(const salesim_report_data *d, const char *path, salesim_diag *diag) {
  salesim_sbuf b = {0};
  const json_t *man = d->manifest;
  char buf[64];
  salesim_sbuf_printf(&b, "# %s\n\n", d->title);
  const char *desc = json_string_value(json_object_get(man, "description"));
  if (desc != NULL)
    salesim_sbuf_printf(&b, "%s\n\n", desc);
  const json_t *seed = json_object_get(man, "seed");
  char seedtext[32];
  if (json_is_integer(seed))
    snprintf(seedtext, sizeof seedtext, "%lld", (long long)json_integer_value(seed));
  else
    snprintf(seedtext, sizeof seedtext, "%s",
             json_string_value(seed) ? json_string_value(seed) : "?");
  salesim_sbuf_printf(&b,
                      "%lld replications × %lld months, seed %s, money in %s, baseline `%s`.\n\n",
                      (long long)json_integer_value(json_object_get(man, "replications")),
                      (long long)json_integer_value(json_object_get(man, "months")), seedtext,
                      d->currency[0] ? d->currency : "currency units", d->mech[d->baseline].name);

  salesim_sbuf_printf(&b, "## Summary\n\nMean over replications with its 95 %% interval in "
                          "brackets; the difference columns are paired differences against "
                          "the baseline on common random numbers.\n\n");
  md_metrics(&b, d, salesim_report_headline, salesim_report_headline_count);

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
      const salesim_metric_info *info = salesim_metric_get(m);
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

  int all[SALESIM_METRIC_COUNT];
  for (int m = 0; m < SALESIM_METRIC_COUNT; m++)
    all[m] = m;
  salesim_sbuf_printf(&b, "## All metrics\n\n");
  md_metrics(&b, d, all, SALESIM_METRIC_COUNT);

  if (d->costing) {
    salesim_sbuf_printf(&b, "## Costing\n\n");
    md_csv(&b, d->costing);
  }
  if (d->sweep) {
    salesim_sbuf_printf(&b, "## Sweep\n\n");
    md_csv(&b, d->sweep);
  }
  if (d->n_tables > 0) {
    salesim_sbuf_printf(&b, "## Detail tables\n\n");
    for (int i = 0; i < d->n_tables; i++)
      salesim_sbuf_printf(&b, "* `%s.csv`: %zu rows\n", d->table_names[i], d->tables[i]->nrows);
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
    salesim_sbuf_printf(&b, "* `%s` (%s)%s%s%s\n", d->mech[k].name, d->mech[k].type,
                        text ? ": `" : "", text ? text : "", text ? "`" : "");
    free(text);
  }
  if (d->scenario_text)
    salesim_sbuf_printf(&b, "\n## Scenario\n\n```\n%s%s```\n", d->scenario_text,
                        d->scenario_text[0] && d->scenario_text[strlen(d->scenario_text) - 1] == '\n'
                            ? ""
                            : "\n");
  int rc;
  if (b.oom) {
    salesim_diag_add(diag, "%s: out of memory building the report", path);
    rc = SALESIM_ENOMEM;
  } else {
    rc = salesim_report_write_file(path, b.s, b.len, diag);
  }
  salesim_sbuf_free(&b);
  return rc;
}
