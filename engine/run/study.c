/*
 * engine/run/study.c: run a scenario as a study (engine/run/study.h): the
 * comparison run, then the sweep when the scenario declares one, and write
 * everything (results, sweep.csv, costing.csv in costing mode, the reports)
 * through the output writer's hook so it lands in one atomic rename.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dist.h"
#include "output.h"
#include "report.h"
#include "study.h"
#include "sweep_design.h"

typedef struct study_extra {
  const salesim_sweep_result *sweep;
  int costing;
  double budget;
} study_extra;

static int study_hook(const char *tmpdir, const salesim_results *r, const salesim_scenario *sc,
                      void *arg, salesim_diag *diag) {
  const study_extra *x = arg;
  int rc = 0;
  if (x->sweep != NULL)
    rc = salesim_sweep_write_csv(x->sweep, tmpdir, diag);
  if (rc == 0 && x->costing)
    rc = salesim_costing_write_csv(r, x->budget, tmpdir, diag);
  if (rc == 0)
    rc = salesim_report_output_hook(tmpdir, r, sc, NULL, diag);
  return rc;
}

int salesim_study_run(const salesim_scenario *sc, const char *outdir,
                      const salesim_run_options *opt, salesim_results **out,
                      salesim_diag *diag) {
  salesim_study_resume rs = {0};
  return salesim_study_run_resumable(sc, outdir, opt, &rs, out, diag);
}

int salesim_study_run_resumable(const salesim_scenario *sc, const char *outdir,
                                const salesim_run_options *opt, salesim_study_resume *rs,
                                salesim_results **out, salesim_diag *diag) {
  if (out != NULL)
    *out = NULL;
  rs->points_kept = 0;
  rs->partial[0] = '\0';
  salesim_results *res = NULL;
  salesim_sweep_result *sw = NULL;
  salesim_sweep_store store = {0};
  /* the output folder is checked before the run, not after it; under MPI
   * by rank 0 alone (the check removes stale temporary folders), which is
   * also the only rank that writes (engine/run/dist.h) */
  int root = salesim_dist_rank() == 0;
  int rc = root ? salesim_output_check(outdir, diag) : 0;
  rc = salesim_dist_agree(rc);
  if (rc == 0 && sc->sweep != NULL) {
    /* every point before the main run (a lhs or sobol design's points
     * depend on the seed, which may not be the file's) */
    char what[600];
    salesim_diag problem = SALESIM_DIAG_INIT;
    rc = salesim_sweep_check(sc, opt && opt->seed_set ? opt->seed : sc->seed, what, sizeof what,
                             &problem);
    if (rc == SALESIM_ESCENARIO)
      salesim_diag_add(diag, "%s:%d: sweep.params: %s: %s", sc->path ? sc->path : "scenario",
                       sc->sweep->n_params > 0 ? sc->sweep->params[0].line : 1, what,
                       problem.count ? problem.lines[0] : "fails the scenario's checks");
    salesim_diag_clear(&problem);
  }
  if (rc == 0 && sc->sweep != NULL) {
    /* finished points are kept beside the output folder until it is
     * written (engine/run/sweep_resume.c); rank 0 alone touches it */
    store.hash = sc->hash;
    store.seed = opt && opt->seed_set ? opt->seed : sc->seed;
    store.replications = opt && opt->replications > 0 ? opt->replications : sc->replications;
    if (root)
      rc = salesim_sweep_store_open(&store, outdir, rs->resume, diag);
    else
      store.resume = rs->resume;
    rc = salesim_dist_agree(rc);
    snprintf(rs->partial, sizeof rs->partial, "%s", store.dir);
  }
  if (rc == 0)
    rc = salesim_run(&res, sc, opt, diag);
  if (rc == 0 && sc->sweep != NULL) {
    rc = salesim_sweep_run_stored(&sw, sc, opt, &store, &rs->points_kept, diag);
  }
  if (rc == 0) {
    study_extra x = {sw, sc->mode == SALESIM_STUDY_COSTING, sc->budget};
    size_t before = diag != NULL ? diag->count : 0;
    if (root)
      rc = salesim_output_write_hooked(res, sc, outdir, study_hook, &x, diag);
    if (rc != 0 && diag != NULL && diag->count == before) /* never a failure without a line */
      salesim_diag_add(diag, "%s: writing the results: %s", outdir, salesim_strerror(rc));
    rc = salesim_dist_agree(rc);
    /* written: the kept points have served */
    if (rc == 0 && root && sc->sweep != NULL)
      salesim_sweep_store_remove(&store);
    if (rc == 0)
      rs->points_kept = 0;
  }
  salesim_sweep_result_free(sw);
  if (rc == 0 && out != NULL)
    *out = res;
  else
    salesim_results_free(res);
  return rc;
}
