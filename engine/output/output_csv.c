/*
 * engine/output/output_csv.c: summary.csv, replications.csv, monthly.csv and
 * one CSV per detail table (every column is described in
 * docs/output-format.md).
 *
 * The statistics are the ones salesim_output_write recomputed from the
 * per-replication values (engine/base/stats.h), so the files never disagree
 * with the data they are written with. Read next:
 * engine/output/output_json.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "fs.h"
#include "output_write.h"

int salesim_output_summary_csv(const report *rp, const char *dir, salesim_diag *diag) {
  const salesim_results *r = rp->r;
  out_file f;
  int rc = salesim_out_open(&f, dir, "summary.csv", diag);
  if (rc != 0)
    return rc;
  salesim_out_printf(&f, "mechanism,type,metric,unit,mean,sd,ci_low,ci_high,"
                 "diff_vs_baseline,diff_ci_low,diff_ci_high,p5,p50,p95,n\n");
  for (int mech = 0; mech < r->n_mech; mech++) {
    for (int m = 0; m < r->n_metrics; m++) {
      if (!rp->has_data[m])
        continue;
      const salesim_metric_info *info = r->metric_info[m];
      const salesim_stat *s = &REPORT_STAT(rp, mech, m);
      const double v[] = {s->mean, s->sd,  s->ci_low, s->ci_high, s->diff,
                          s->diff_low, s->diff_high, s->p5, s->p50, s->p95};
      salesim_out_text(&f, r->mech_names[mech]);
      salesim_out_printf(&f, ",");
      salesim_out_text(&f, r->mech_types[mech]);
      salesim_out_printf(&f, ",%s,%s", info->name, info->unit);
      for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        salesim_out_printf(&f, ",");
        salesim_out_number(&f, v[i]);
      }
      salesim_out_printf(&f, ",%d\n", s->n);
    }
  }
  return salesim_out_close(&f, diag);
}

int salesim_output_replications_csv(const report *rp, const char *dir, salesim_diag *diag) {
  const salesim_results *r = rp->r;
  out_file f;
  int rc = salesim_out_open(&f, dir, "replications.csv", diag);
  if (rc != 0)
    return rc;
  salesim_out_printf(&f, "mechanism,replication,metric,value\n");
  for (int mech = 0; mech < r->n_mech; mech++) {
    for (int rep = 0; rep < r->n_rep; rep++) {
      for (int m = 0; m < r->n_metrics; m++) {
        double v = SALESIM_METRIC_AT(r, mech, rep, m);
        if (isnan(v))
          continue;
        salesim_out_text(&f, r->mech_names[mech]);
        salesim_out_printf(&f, ",%d,%s,", rep + 1, r->metric_info[m]->name);
        salesim_out_number(&f, v);
        salesim_out_printf(&f, "\n");
      }
    }
  }
  return salesim_out_close(&f, diag);
}

int salesim_output_monthly_csv(const report *rp, const char *dir, salesim_diag *diag) {
  const salesim_results *r = rp->r;
  out_file f;
  int rc = salesim_out_open(&f, dir, "monthly.csv", diag);
  if (rc != 0)
    return rc;
  salesim_out_printf(&f, "mechanism,month");
  for (int s = 0; s < SALESIM_SERIES_COUNT; s++)
    salesim_out_printf(&f, ",%s", salesim_series_name(s));
  salesim_out_printf(&f, "\n");
  for (int mech = 0; mech < r->n_mech; mech++) {
    for (int t = 0; t < r->n_months; t++) {
      salesim_out_text(&f, r->mech_names[mech]);
      salesim_out_printf(&f, ",%d", t + 1);
      for (int s = 0; s < SALESIM_SERIES_COUNT; s++) {
        double sum = 0.0;
        int n = 0;
        for (int rep = 0; rep < r->n_rep; rep++) {
          double v = SALESIM_MONTHLY_AT(r, mech, rep, t, s);
          if (!isnan(v)) {
            sum += v;
            n++;
          }
        }
        salesim_out_printf(&f, ",");
        salesim_out_number(&f, n > 0 ? sum / n : NAN);
      }
      salesim_out_printf(&f, "\n");
    }
  }
  return salesim_out_close(&f, diag);
}

/* The company's territory k (include/salesim/data.h) a cell of a
 * `territory` column names: the world's territory k is the data's row k
 * (models/core/world_alloc.c). NULL when the cell is not such an index. */
static const salesim_data_territory *cell_territory(const salesim_data *d, double v) {
  if (d == NULL || !(v >= 0) || v != floor(v) || v >= (double)d->n_territories)
    return NULL;
  return &d->territories[(size_t)v];
}

/* The company's person a cell of a `rep` column names: row k of the
 * roster. NULL when the cell is not such an index. */
static const salesim_data_rep *cell_rep(const salesim_data *d, double v) {
  if (d == NULL || !(v >= 0) || v != floor(v) || v >= (double)d->n_reps)
    return NULL;
  return &d->reps[(size_t)v];
}

/* What follows column `name` with the company's data: 1 a territory's id
 * and name, 2 a person's, 0 nothing. */
static int named_column(const salesim_data *d, const char *name) {
  if (d == NULL)
    return 0;
  if (d->n_territories > 0 && strcmp(name, "territory") == 0)
    return 1;
  if (d->n_reps > 0 && strcmp(name, "rep") == 0)
    return 2;
  return 0;
}

int salesim_output_table_csv(const salesim_table *t, const salesim_scenario *sc, const char *dir,
                             salesim_diag *diag) {
  /* with the company's data, a `territory` column is followed by the
   * territory's id and name, a `rep` column (a roster row) by the person's
   * (docs/output-format.md "Names") */
  const salesim_data *d = sc != NULL ? sc->data : NULL;
  out_file f;
  char *name = salesim_fs_concat(t->name, "", ".csv");
  if (name == NULL)
    return SALESIM_ENOMEM;
  int rc = salesim_out_open(&f, dir, name, diag);
  free(name);
  if (rc != 0)
    return rc;
  salesim_out_printf(&f, "label");
  for (int c = 0; c < t->ncols; c++) {
    salesim_out_printf(&f, ",");
    salesim_out_text(&f, t->colnames[c]);
    int named = named_column(d, t->colnames[c]);
    if (named == 1)
      salesim_out_printf(&f, ",territory_id,territory_name");
    else if (named == 2)
      salesim_out_printf(&f, ",rep_id,rep_name");
  }
  salesim_out_printf(&f, "\n");
  for (size_t i = 0; i < t->nrows; i++) {
    salesim_out_text(&f, t->labels[i]);
    for (int c = 0; c < t->ncols; c++) {
      salesim_out_printf(&f, ",");
      double v = t->cells[i * (size_t)t->ncols + (size_t)c];
      salesim_out_number(&f, v);
      int named = named_column(d, t->colnames[c]);
      if (named != 0) {
        const salesim_data_territory *dt = named == 1 ? cell_territory(d, v) : NULL;
        const salesim_data_rep *dr = named == 2 ? cell_rep(d, v) : NULL;
        salesim_out_printf(&f, ",");
        salesim_out_text(&f, dt ? dt->id : dr ? dr->id : "");
        salesim_out_printf(&f, ",");
        salesim_out_text(&f, dt ? dt->name : dr ? dr->name : "");
      }
    }
    salesim_out_printf(&f, "\n");
  }
  return salesim_out_close(&f, diag);
}