/*
 * engine/run/export.c: `salesim run ... --export-history DIR` (issue 13):
 * replication 1 (index 0) of every mechanism run again with the history
 * recorder on (models/core/history.h; the same numbers as in the run, by
 * common random numbers: the recorder changes nothing), and the histories
 * written as DIR/<mechanism>/{territories,accounts,roster,performance,
 * opportunities,activities}.csv in one atomic step
 * (engine/output/history_csv.c).
 *
 * Each recorded run is one task on one thread, so the files do not depend
 * on --threads; under MPI rank 0 records and writes, the others wait for
 * its verdict (engine/run/dist.h), so they do not depend on the rank count
 * either. Read next: engine/output/history_csv.c, docs/export-history.md.
 */
#include <stdlib.h>

#include <salesim/salesim.h>

#include "dist.h"
#include "history_csv.h"
#include "metrics.h"
#include "sim.h"
#include "study.h"

int salesim_study_export_check(const char *dir, salesim_diag *diag) {
  int rc = salesim_dist_rank() == 0 ? salesim_history_export_check(dir, diag) : 0;
  return salesim_dist_agree(rc);
}

int salesim_study_record(const salesim_scenario *sc, int mech, int rep, uint64_t seed,
                         const volatile sig_atomic_t *cancel, salesim_data **out,
                         salesim_diag *diag) {
  *out = NULL;
  int n_metrics = salesim_metric_count();
  double *metrics = malloc((size_t)n_metrics * sizeof *metrics);
  double *monthly = calloc((size_t)(sc->months > 0 ? sc->months : 1) * SALESIM_SERIES_COUNT,
                           sizeof *monthly);
  int rc = SALESIM_ENOMEM;
  if (metrics != NULL && monthly != NULL) {
    salesim_task_out to = {metrics, monthly, NULL, 0, cancel};
    rc = salesim_sim_run_recorded(sc, mech, rep, seed, &to, diag, out);
    for (int t = 0; t < to.n_tables; t++)
      salesim_table_free(to.tables[t]);
    free(to.tables);
  } else {
    salesim_diag_add(diag, "the history export: %s", salesim_strerror(rc));
  }
  free(metrics);
  free(monthly);
  return rc;
}

int salesim_study_export_history(const salesim_scenario *sc, const salesim_run_options *opt,
                                 const char *dir, salesim_diag *diag) {
  int rc = 0;
  if (salesim_dist_rank() == 0) {
    uint64_t seed = opt != NULL && opt->seed_set ? opt->seed : sc->seed;
    int n = sc->n_mechanisms;
    salesim_data **data = calloc((size_t)(n > 0 ? n : 1), sizeof *data);
    const char **labels = calloc((size_t)(n > 0 ? n : 1), sizeof *labels);
    if (data == NULL || labels == NULL) {
      salesim_diag_add(diag, "%s: %s", dir, salesim_strerror(SALESIM_ENOMEM));
      rc = SALESIM_ENOMEM;
    }
    for (int m = 0; m < n && rc == 0; m++) {
      labels[m] = sc->mechanisms[m].name;
      rc = salesim_study_record(sc, m, 0, seed, opt != NULL ? opt->cancel : NULL, &data[m], diag);
    }
    if (rc == 0)
      rc = salesim_history_export_write(dir, n, labels, (const salesim_data *const *)data, diag);
    for (int m = 0; data != NULL && m < n; m++)
      salesim_data_free(data[m]);
    free(data);
    free(labels);
  }
  return salesim_dist_agree(rc);
}
