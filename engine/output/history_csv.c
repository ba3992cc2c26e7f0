/*
 * engine/output/history_csv.c: a company's data as its six CSV files
 * (engine/output/history_csv.h), and the `--export-history` folder.
 *
 * The columns are exactly those the loader reads (issue 13); each file is
 * written through an out_file
 * (engine/output/output_file.c: %.10g numbers with NAN blank, RFC 4180
 * quoting and the formula guard of docs/safety.md), and the folder through
 * the output's staging folder and atomic exchange (engine/output/output_fs.c).
 * What the files hold for a simulated firm: docs/export-history.md.
 *
 * Read next: docs/export-history.md.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs.h"
#include "history_csv.h"
#include "output.h"
#include "output_write.h"

static void date_cell(out_file *f, long days) {
  if (days == SALESIM_DATA_NO_DATE)
    return;
  int y, m, d;
  salesim_data_ymd(days, &y, &m, &d);
  salesim_out_printf(f, "%04d-%02d-%02d", y, m, d);
}

static void period_cell(out_file *f, long first, int months) {
  int y = (int)(first / 12), m = (int)(first % 12) + 1;
  if (months == 12)
    salesim_out_printf(f, "%04d", y);
  else if (months == 3)
    salesim_out_printf(f, "%04d-Q%d", y, (m - 1) / 3 + 1);
  else
    salesim_out_printf(f, "%04d-%02d", y, m);
}

static const char *rep_id(const salesim_data *d, int rep) {
  return rep >= 0 && (size_t)rep < d->n_reps ? d->reps[rep].id : "";
}

static const char *exit_text(int r) {
  switch (r) {
  case SALESIM_DATA_EXIT_QUIT: return "quit";
  case SALESIM_DATA_EXIT_DISMISSED: return "dismissed";
  case SALESIM_DATA_EXIT_OTHER: return "other";
  default: return "";
  }
}

static const char *stage_text(int s) {
  static const char *const t[] = {"lead", "20", "40", "60", "80", "won", "lost"};
  return s >= 0 && s <= SALESIM_DATA_STAGE_LOST ? t[s] : "";
}

static int write_territories(const salesim_data *d, const char *dir, salesim_diag *diag) {
  out_file f;
  int rc = salesim_out_open(&f, dir, "territories.csv", diag);
  if (rc != 0)
    return rc;
  salesim_out_printf(&f, "territory_id,name,region,potential,prospects\n");
  for (size_t i = 0; i < d->n_territories; i++) {
    const salesim_data_territory *t = &d->territories[i];
    salesim_out_text(&f, t->id);
    salesim_out_printf(&f, ",");
    salesim_out_text(&f, t->name);
    salesim_out_printf(&f, ",");
    salesim_out_text(&f, t->region);
    salesim_out_printf(&f, ",");
    salesim_out_number(&f, t->potential);
    salesim_out_printf(&f, ",");
    salesim_out_number(&f, t->prospects);
    salesim_out_printf(&f, "\n");
  }
  return salesim_out_close(&f, diag);
}

static int write_accounts(const salesim_data *d, const char *dir, salesim_diag *diag) {
  out_file f;
  int rc = salesim_out_open(&f, dir, "accounts.csv", diag);
  if (rc != 0)
    return rc;
  salesim_out_printf(&f,
                     "account_id,name,territory_id,owner_rep_id,annual_revenue,customer_since\n");
  for (size_t i = 0; i < d->n_accounts; i++) {
    const salesim_data_account *a = &d->accounts[i];
    salesim_out_text(&f, a->id);
    salesim_out_printf(&f, ",");
    salesim_out_text(&f, a->name);
    salesim_out_printf(&f, ",");
    salesim_out_text(&f, d->territories[a->territory].id);
    salesim_out_printf(&f, ",");
    salesim_out_text(&f, rep_id(d, a->owner));
    salesim_out_printf(&f, ",");
    salesim_out_number(&f, a->annual_revenue);
    salesim_out_printf(&f, ",");
    date_cell(&f, a->customer_since);
    salesim_out_printf(&f, "\n");
  }
  return salesim_out_close(&f, diag);
}

static int write_roster(const salesim_data *d, const char *dir, salesim_diag *diag) {
  out_file f;
  int rc = salesim_out_open(&f, dir, "roster.csv", diag);
  if (rc != 0)
    return rc;
  salesim_out_printf(&f, "rep_id,name,territory_id,hire_date,exit_date,exit_reason,grade,"
                         "annual_base,target_incentive,annual_quota\n");
  for (size_t i = 0; i < d->n_reps; i++) {
    const salesim_data_rep *r = &d->reps[i];
    salesim_out_text(&f, r->id);
    salesim_out_printf(&f, ",");
    salesim_out_text(&f, r->name);
    salesim_out_printf(&f, ",");
    salesim_out_text(&f, d->territories[r->territory].id);
    salesim_out_printf(&f, ",");
    date_cell(&f, r->hire_date);
    salesim_out_printf(&f, ",");
    date_cell(&f, r->exit_date);
    salesim_out_printf(&f, ",%s,", exit_text(r->exit_reason));
    if (r->grade > 0)
      salesim_out_printf(&f, "%d", r->grade);
    salesim_out_printf(&f, ",");
    salesim_out_number(&f, r->annual_base);
    salesim_out_printf(&f, ",");
    salesim_out_number(&f, r->target_incentive);
    salesim_out_printf(&f, ",");
    salesim_out_number(&f, r->annual_quota);
    salesim_out_printf(&f, "\n");
  }
  return salesim_out_close(&f, diag);
}

static int write_performance(const salesim_data *d, const char *dir, salesim_diag *diag) {
  out_file f;
  int rc = salesim_out_open(&f, dir, "performance.csv", diag);
  if (rc != 0)
    return rc;
  salesim_out_printf(&f, "rep_id,period,quota,credited_sales,variable_pay\n");
  for (size_t i = 0; i < d->n_periods; i++) {
    const salesim_data_period *p = &d->periods[i];
    salesim_out_text(&f, rep_id(d, p->rep));
    salesim_out_printf(&f, ",");
    period_cell(&f, p->first_month, p->months);
    salesim_out_printf(&f, ",");
    salesim_out_number(&f, p->quota);
    salesim_out_printf(&f, ",");
    salesim_out_number(&f, p->credited_sales);
    salesim_out_printf(&f, ",");
    salesim_out_number(&f, p->variable_pay);
    salesim_out_printf(&f, "\n");
  }
  return salesim_out_close(&f, diag);
}

static int write_opportunities(const salesim_data *d, const char *dir, salesim_diag *diag) {
  out_file f;
  int rc = salesim_out_open(&f, dir, "opportunities.csv", diag);
  if (rc != 0)
    return rc;
  salesim_out_printf(&f, "opportunity_id,account_id,rep_id,date,stage,value\n");
  for (size_t i = 0; i < d->n_events; i++) {
    const salesim_data_event *e = &d->events[i];
    salesim_out_text(&f, d->opportunities[e->opportunity]);
    salesim_out_printf(&f, ",");
    if (e->account >= 0)
      salesim_out_text(&f, d->accounts[e->account].id);
    salesim_out_printf(&f, ",");
    salesim_out_text(&f, rep_id(d, e->rep));
    salesim_out_printf(&f, ",");
    date_cell(&f, e->date);
    salesim_out_printf(&f, ",%s,", stage_text(e->stage));
    salesim_out_number(&f, e->value);
    salesim_out_printf(&f, "\n");
  }
  return salesim_out_close(&f, diag);
}

static int write_activities(const salesim_data *d, const char *dir, salesim_diag *diag) {
  static const char *const type[] = {"daily", "visit", "trip"};
  static const char *const state[] = {"planned",   "unplanned",   "postponed", "cancelled",
                                      "in_progress", "done",      "overdue"};
  out_file f;
  int rc = salesim_out_open(&f, dir, "activities.csv", diag);
  if (rc != 0)
    return rc;
  salesim_out_printf(&f, "activity_id,rep_id,date,type,state,account_id\n");
  for (size_t i = 0; i < d->n_activities; i++) {
    const salesim_data_activity *a = &d->activities[i];
    salesim_out_text(&f, a->id);
    salesim_out_printf(&f, ",");
    salesim_out_text(&f, rep_id(d, a->rep));
    salesim_out_printf(&f, ",");
    date_cell(&f, a->date);
    salesim_out_printf(&f, ",%s,%s,", a->type >= 0 && a->type <= 2 ? type[a->type] : "",
                       a->state >= 0 && a->state <= 6 ? state[a->state] : "");
    if (a->account >= 0)
      salesim_out_text(&f, d->accounts[a->account].id);
    salesim_out_printf(&f, "\n");
  }
  return salesim_out_close(&f, diag);
}

int salesim_history_csv_write(const salesim_data *d, const char *dir, salesim_diag *diag) {
  int rc;
  if ((rc = write_territories(d, dir, diag)) != 0 || (rc = write_accounts(d, dir, diag)) != 0 ||
      (rc = write_roster(d, dir, diag)) != 0 || (rc = write_performance(d, dir, diag)) != 0 ||
      (rc = write_opportunities(d, dir, diag)) != 0)
    return rc;
  return write_activities(d, dir, diag);
}

int salesim_history_export_check(const char *dir, salesim_diag *diag) {
  return salesim_output_check(dir, diag);
}

/* A mechanism's label as a folder name: not empty, no '/', not starting
 * with '.' (the scenario's names rules keep labels tame already). */
static int label_ok(const char *s) {
  return s != NULL && s[0] != '\0' && s[0] != '.' && strchr(s, '/') == NULL;
}

typedef struct export_job {
  int n;
  const char *const *labels;
  const salesim_data *const *data;
} export_job;

static int export_fill(const char *tmp, void *arg, salesim_diag *diag) {
  const export_job *j = arg;
  int rc = 0;
  for (int i = 0; i < j->n && rc == 0; i++) {
    char *sub = salesim_fs_join(tmp, j->labels[i]);
    if (sub == NULL)
      return SALESIM_ENOMEM;
    if (mkdir(sub, 0777) != 0) {
      salesim_diag_add(diag, "%s: %s", sub, strerror(errno));
      rc = SALESIM_EIO;
    } else {
      rc = salesim_history_csv_write(j->data[i], sub, diag);
    }
    free(sub);
  }
  return rc;
}

int salesim_history_export_write(const char *dir, int n, const char *const *labels,
                                 const salesim_data *const *data, salesim_diag *diag) {
  for (int i = 0; i < n; i++)
    if (!label_ok(labels[i]) || data[i] == NULL) {
      salesim_diag_add(diag, "%s: mechanism %d: no usable folder name or no history", dir, i + 1);
      return SALESIM_EINVAL;
    }
  export_job j = {n, labels, data};
  return salesim_output_folder(dir, export_fill, &j, diag);
}
