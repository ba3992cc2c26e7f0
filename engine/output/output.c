/*
 * engine/output/output.c: the report files of a run (salesim_output_write in
 * salesim/salesim.h; every file and column is described in
 * docs/output-format.md): the order of one write.
 *
 * The names are checked, the statistics recomputed from the per-replication
 * values (engine/base/stats.h), a staging folder made
 * (engine/output/output_fs.c), then summary.csv, replications.csv,
 * monthly.csv and one CSV per detail table (engine/output/output_csv.c),
 * scenario.cfg, calibration.csv (a calibrated scenario's fit, byte for byte)
 * and summary.json (engine/output/output_json.c) written into
 * it, the caller's hook run, and the folder exchanged with the target in one
 * step. A failed write leaves the previous output untouched and no
 * temporary folder (docs/safety.md).
 *
 * Numbers are printed with %.10g under the C locale (uselocale, per thread;
 * the global locale is never changed), NAN as an empty field (JSON null), so
 * the same results give the same bytes. Read next: engine/output/output_fs.c,
 * then engine/cli/table.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "output.h"
#include "output_write.h"
#include "stats.h"

/* ---- checks before anything is written ---------------------------------------- */

static int same_name_nocase(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
    char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
    if (x != y)
      return 0;
  }
  return *a == *b;
}

/* Detail tables must have distinct file names that do not shadow the main
 * files; mechanism names must be distinct (they key summary.json). */
static int check_names(const salesim_results *r, salesim_diag *diag) {
  static const char *const reserved[] = {"summary", "replications", "monthly", "sweep",
                                         "costing", "batch", "calibration"};
  int rc = 0;
  for (int i = 0; i < r->n_tables; i++) {
    const salesim_table *t = r->tables[i];
    if (t == NULL || t->name == NULL || t->name[0] == '\0' || t->name[0] == '.' ||
        strchr(t->name, '/') != NULL) {
      salesim_diag_add(diag, "output: detail table %d has no usable file name", i);
      rc = SALESIM_EINVAL;
      continue;
    }
    for (size_t k = 0; k < sizeof reserved / sizeof reserved[0]; k++)
      if (same_name_nocase(t->name, reserved[k])) {
        salesim_diag_add(diag, "output: detail table '%s' would overwrite %s.csv",
                         t->name, reserved[k]);
        rc = SALESIM_EINVAL;
      }
    for (int j = 0; j < i; j++)
      if (r->tables[j] && r->tables[j]->name &&
          same_name_nocase(t->name, r->tables[j]->name)) {
        salesim_diag_add(diag, "output: two detail tables named '%s'", t->name);
        rc = SALESIM_EINVAL;
      }
  }
  for (int a = 0; a < r->n_mech; a++)
    for (int b = 0; b < a; b++)
      if (strcmp(r->mech_names[a], r->mech_names[b]) == 0) {
        salesim_diag_add(diag, "output: two mechanisms named '%s'",
                         r->mech_names[a]);
        rc = SALESIM_EINVAL;
      }
  return rc;
}

/* ---- the whole write ------------------------------------------------------------ */

/* scenario.cfg: the scenario as run, self-contained (every @include inlined,
 * the run's seed, replications and mode written in), so that `salesim run
 * DIR/scenario.cfg` alone gives the same numbers; the reports quote it.
 * Nothing is written for a scenario that was not loaded from a file. */
static int write_scenario_copy(const report *rp, const char *dir, salesim_diag *diag) {
  if (rp->sc == NULL || rp->sc->source == NULL)
    return 0;
  char *text = NULL;
  size_t len = 0;
  int rc = salesim_scenario_resolved_text(rp->sc, rp->r->seed, rp->r->n_rep, &text, &len);
  if (rc != 0) {
    salesim_diag_add(diag, "%s/scenario.cfg: %s", dir, salesim_strerror(rc));
    return rc;
  }
  out_file f;
  rc = salesim_out_open(&f, dir, "scenario.cfg", diag);
  if (rc == 0) {
    if (fwrite(text, 1, len, f.fp) != len)
      f.err = errno ? errno : EIO;
    rc = salesim_out_close(&f, diag);
  }
  free(text);
  return rc;
}

/* calibration.csv: with a `calibration` setting, the fit.csv the scenario
 * named, byte for byte as the load checked and hashed it (the reports'
 * Calibration section is rebuilt from it: engine/report/report_calib.c). */
static int write_calibration_copy(const report *rp, const char *dir, salesim_diag *diag) {
  if (rp->sc == NULL || rp->sc->calibration == NULL)
    return 0;
  out_file f;
  int rc = salesim_out_open(&f, dir, "calibration.csv", diag);
  if (rc == 0) {
    if (rp->sc->calibration_len > 0 &&
        fwrite(rp->sc->calibration, 1, rp->sc->calibration_len, f.fp) != rp->sc->calibration_len)
      f.err = errno ? errno : EIO;
    rc = salesim_out_close(&f, diag);
  }
  return rc;
}

static int write_all(const report *rp, const char *tmp, salesim_diag *diag) {
  int rc;
  if ((rc = salesim_output_summary_csv(rp, tmp, diag)) != 0 ||
      (rc = salesim_output_replications_csv(rp, tmp, diag)) != 0 ||
      (rc = salesim_output_monthly_csv(rp, tmp, diag)) != 0)
    return rc;
  for (int i = 0; i < rp->r->n_tables; i++)
    if ((rc = salesim_output_table_csv(rp->r->tables[i], rp->sc, tmp, diag)) != 0)
      return rc;
  if ((rc = write_scenario_copy(rp, tmp, diag)) != 0 ||
      (rc = write_calibration_copy(rp, tmp, diag)) != 0)
    return rc;
  return salesim_output_summary_json(rp, tmp, diag);
}

int salesim_output_write(const salesim_results *r, const salesim_scenario *sc,
                         const char *dir, salesim_diag *diag) {
  return salesim_output_write_hooked(r, sc, dir, NULL, NULL, diag);
}

/* The run's files, then the hook, in the staging folder (the marker is
 * already there: salesim_output_folder). */
typedef struct run_job {
  const report *rp;
  salesim_output_hook hook;
  void *hook_arg;
} run_job;

static int fill_run(const char *tmp, void *arg, salesim_diag *diag) {
  const run_job *j = arg;
  int rc = write_all(j->rp, tmp, diag);
  if (rc == 0 && j->hook != NULL)
    rc = j->hook(tmp, j->rp->r, j->rp->sc, j->hook_arg, diag);
  return rc;
}

int salesim_output_write_hooked(const salesim_results *r, const salesim_scenario *sc,
                                const char *dir, salesim_output_hook hook, void *hook_arg,
                                salesim_diag *diag) {
  int rc = 0;
  report rp = {r, sc, NULL, NULL};
  size_t n0 = diag ? diag->count : 0;

  if (r == NULL || dir == NULL || dir[0] == '\0' || r->n_mech < 1 ||
      r->n_rep < 1 || r->n_months < 0 || r->metric == NULL || r->n_metrics < 1 ||
      r->metric_info == NULL ||
      (r->n_months > 0 && r->monthly == NULL) || r->mech_names == NULL ||
      r->mech_types == NULL || r->baseline < 0 || r->baseline >= r->n_mech ||
      (r->n_tables > 0 && r->tables == NULL)) {
    salesim_diag_add(diag, "output: invalid results or folder name");
    return SALESIM_EINVAL;
  }
  if ((rc = check_names(r, diag)) != 0)
    return rc;

  rp.stats = malloc((size_t)r->n_mech * (size_t)r->n_metrics * sizeof *rp.stats);
  rp.has_data = calloc((size_t)r->n_metrics, sizeof *rp.has_data);
  if (rp.stats == NULL || rp.has_data == NULL)
    rc = SALESIM_ENOMEM;
  else
    rc = salesim_stats_summarize_into(r, rp.stats);
  if (rc == 0) {
    for (int m = 0; m < r->n_metrics; m++)
      for (int mech = 0; mech < r->n_mech; mech++)
        if (REPORT_STAT(&rp, mech, m).n > 0)
          rp.has_data[m] = 1;
    /* the target checked, the files staged with the marker under the C
     * locale, exchanged in one step (docs/safety.md) */
    run_job job = {&rp, hook, hook_arg};
    rc = salesim_output_folder(dir, fill_run, &job, diag);
  } else {
    rc = salesim_output_said(rc, diag, n0, dir);
  }
  free(rp.stats);
  free(rp.has_data);
  return rc;
}
