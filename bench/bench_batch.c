/*
 * bench/bench_batch.c: batch and sweep throughput (issue 6). Writes 20
 * scenario files (100 reps, 36 months, 8 replications, target salary against
 * commission, different seeds) into a temporary folder, runs them as a batch
 * with 1 and then 2 threads, and runs a 200-point Latin-hypercube sweep of
 * the commission rate and the margin with 1 and 2 threads. Prints seconds
 * per scenario and per sweep point and the speed-up from 1 to 2 threads,
 * measured in the same run (ratios, not absolute goals). Run: make bench.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <salesim/salesim.h>

#include "batch.h"
#include "study.h"

#include "bench_clock.h"

static const char scenario[] =
    "name = \"bench%d\";\nseed = %d;\nreplications = 8;\nmonths = 36;\n"
    "population = { reps = 100; };\nterritories = { count = 25; };\n"
    "mechanisms = (\n  { type = \"target_salary\"; },\n  { type = \"commission\"; rate = 0.03; }\n);\n";

static const char sweep[] =
    "sweep = {\n  design = \"lhs\";\n  points = 200;\n  params = (\n"
    "    { path = \"mechanisms.commission.rate\"; min = 0.01; max = 0.06; },\n"
    "    { path = \"firm.margin\"; min = 0.3; max = 0.5; }\n  );\n};\n";

int main(void) {
  char dir[] = "/tmp/salesim_bench_batch_XXXXXX";
  if (mkdtemp(dir) == NULL)
    return 1;
  char *paths[20];
  for (int i = 0; i < 20; i++) {
    paths[i] = malloc(strlen(dir) + 32);
    sprintf(paths[i], "%s/s%02d.cfg", dir, i);
    FILE *f = fopen(paths[i], "w");
    if (f == NULL)
      return 1;
    fprintf(f, scenario, i, i + 1);
    fclose(f);
  }
  double batch_t[2];
  for (int th = 1; th <= 2; th++) {
    char out[256];
    snprintf(out, sizeof out, "%s/out%d", dir, th);
    salesim_batch_options opt = SALESIM_BATCH_OPTIONS_INIT;
    opt.run.threads = th;
    salesim_batch_entry *es = NULL;
    salesim_diag d = SALESIM_DIAG_INIT;
    double t0 = now();
    int rc = salesim_batch_run(&es, paths, 20, out, &opt, &d);
    batch_t[th - 1] = now() - t0;
    int ok = 0;
    for (int i = 0; es && i < 20; i++)
      ok += es[i].status == SALESIM_BATCH_OK;
    if (rc != 0 || ok != 20) {
      fprintf(stderr, "batch failed: %d ok, %s\n", ok, d.count ? d.lines[0] : "");
      return 1;
    }
    free(es);
    salesim_diag_clear(&d);
    printf("batch of 20 scenarios, %d thread%s: %.2f s, %.3f s per scenario (with reports)\n",
           th, th > 1 ? "s" : "", batch_t[th - 1], batch_t[th - 1] / 20);
  }
  printf("batch speed-up 1 -> 2 threads: %.2fx\n", batch_t[0] / batch_t[1]);

  char sweep_path[256];
  snprintf(sweep_path, sizeof sweep_path, "%s/sweep.cfg", dir);
  FILE *f = fopen(sweep_path, "w");
  if (f == NULL)
    return 1;
  fprintf(f, scenario, 99, 99);
  fputs(sweep, f);
  fclose(f);
  salesim_scenario *sc = NULL;
  salesim_diag d = SALESIM_DIAG_INIT;
  if (salesim_scenario_load(&sc, sweep_path, &d) != 0) {
    fprintf(stderr, "%s\n", d.count ? d.lines[0] : "load failed");
    return 1;
  }
  sc->replications = 4;
  double sweep_t[2];
  for (int th = 1; th <= 2; th++) {
    salesim_run_options ro = SALESIM_RUN_OPTIONS_INIT;
    ro.threads = th;
    salesim_sweep_result *res = NULL;
    double t0 = now();
    int rc = salesim_sweep_run(&res, sc, &ro, &d);
    sweep_t[th - 1] = now() - t0;
    if (rc != 0) {
      fprintf(stderr, "sweep failed: %s\n", d.count ? d.lines[0] : "");
      return 1;
    }
    printf("sweep of %d points x 2 mechanisms x 4 replications, %d thread%s: %.2f s, "
           "%.4f s per point\n",
           res->n_points, th, th > 1 ? "s" : "", sweep_t[th - 1], sweep_t[th - 1] / res->n_points);
    salesim_sweep_result_free(res);
  }
  printf("sweep speed-up 1 -> 2 threads: %.2fx\n", sweep_t[0] / sweep_t[1]);
  salesim_scenario_free(sc);
  salesim_diag_clear(&d);
  for (int i = 0; i < 20; i++)
    free(paths[i]);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : 1;
}
