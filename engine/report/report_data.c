/*
 * engine/report/report_data.c: what the reports are made from
 * (engine/report/report.h): salesim_report_load, an output folder read back
 * strictly in one load (summary.json first, engine/report/report_read_json.c;
 * then the CSV files checked against it, engine/report/report_read_tables.c;
 * every file bounded in size and the folder in total,
 * engine/report/report_csv.c), and the metrics every report shows first.
 * A truncated, corrupt or inconsistent folder is refused with one line
 * FILE:LINE: COLUMN: problem (expected ...); docs/reports.md lists the
 * checks and limits. Read next: engine/report/report_read.h.
 */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"
#include "report.h"
#include "report_read.h"

const int salesim_report_headline[] = {
    SALESIM_METRIC_REVENUE,       SALESIM_METRIC_PAY_COST,     SALESIM_METRIC_PROFIT,
    SALESIM_METRIC_COST_OF_SALES, SALESIM_METRIC_HEADCOUNT_END, SALESIM_METRIC_SURVIVAL_12};
const int salesim_report_headline_count =
    (int)(sizeof salesim_report_headline / sizeof salesim_report_headline[0]);
const int salesim_report_attainment[] = {SALESIM_METRIC_PCT_BELOW_50, SALESIM_METRIC_PCT_80_120,
                                         SALESIM_METRIC_PCT_AT_TARGET,
                                         SALESIM_METRIC_PCT_ABOVE_150};
const int salesim_report_attainment_count =
    (int)(sizeof salesim_report_attainment / sizeof salesim_report_attainment[0]);

/* ---- loading ------------------------------------------------------------------- */

void salesim_report_data_free(salesim_report_data *d) {
  if (d == NULL)
    return;
  json_decref(d->summary);
  for (int k = 0; d->mech != NULL && k < d->n_mech; k++)
    free(d->mech[k].stat);
  free(d->mech);
  free(d->metric_info);
  free(d->has_metric);
  free(d->monthly);
  for (int i = 0; i < d->n_tables; i++) {
    free(d->table_names[i]);
    salesim_csv_free(d->tables[i]);
  }
  free(d->table_names);
  free(d->tables);
  salesim_csv_free(d->sweep);
  salesim_csv_free(d->costing);
  free(d->scenario_text);
  salesim_fit_free(d->calibration);
  free(d);
}


int salesim_report_find_mech(const salesim_report_data *d, const char *name) {
  for (int k = 0; k < d->n_mech; k++)
    if (strcmp(d->mech[k].name, name) == 0)
      return k;
  return -1;
}


int salesim_report_load(salesim_report_data **out, const char *dir, salesim_diag *diag) {
  *out = NULL;
  loader ld = {NULL, dir, SALESIM_REPORT_MAX_TOTAL, diag, NULL};
  int rc = SALESIM_ENOMEM;
  if ((ld.d = calloc(1, sizeof *ld.d)) == NULL)
    return rc;
  ld.d->n_metrics = salesim_metric_catalogue(&ld.d->metric_info);
  ld.d->has_metric = ld.d->n_metrics > 0 ? calloc((size_t)ld.d->n_metrics, sizeof *ld.d->has_metric)
                                         : NULL;
  if (ld.d->has_metric == NULL) {
    salesim_report_data_free(ld.d);
    return SALESIM_ENOMEM;
  }
  if ((rc = salesim_report_load_summary_json(&ld)) != 0 ||
      (rc = salesim_report_load_summary_csv(&ld)) != 0 ||
      (rc = salesim_report_load_monthly(&ld)) != 0 || (rc = salesim_report_load_tables(&ld)) != 0 ||
      (rc = salesim_report_load_optional_csv(&ld, &ld.d->sweep, "sweep.csv")) != 0 ||
      (rc = salesim_report_load_optional_csv(&ld, &ld.d->costing, "costing.csv")) != 0 ||
      (rc = salesim_report_load_scenario_text(&ld)) != 0 ||
      (rc = salesim_report_load_calibration(&ld)) != 0) {
    salesim_report_data_free(ld.d);
    free(ld.json_has);
    return rc;
  }
  free(ld.json_has);
  *out = ld.d;
  return 0;
}

int salesim_report_sweep_column_shown(const salesim_csv *c, int j) {
  static const char *const shown[] = {
      "revenue_mean", "revenue_ci_low", "revenue_ci_high", "pay_cost_mean", "pay_cost_ci_low",
      "pay_cost_ci_high", "profit_mean", "profit_ci_low", "profit_ci_high",
      "profit_diff_vs_baseline", "profit_diff_ci_low", "profit_diff_ci_high",
      "cost_of_sales_mean", "headcount_end_mean", "new_hire_survival_12_mean",
      "top_quintile_retention_mean"};
  for (int k = 0; k <= j && k < c->ncols; k++)
    if (strcmp(c->header[k], "mechanism") == 0) {
      if (k == j)
        return 1;
      goto after_design;
    }
  return 1; /* a design column (point, the parameters) */
after_design:
  for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
    if (strcmp(c->header[j], shown[i]) == 0)
      return 1;
  return 0;
}
