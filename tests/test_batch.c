/*
 * tests/test_batch.c: studies through the CLI and the library: `salesim
 * batch` (one folder per scenario, index with failures, exit codes,
 * --resume, byte-identical results for --threads 1 and 2), sweeps (design
 * points, sweep.csv rows, identical at any thread count, bad sweep groups
 * reported at FILE:LINE), costing.csv, and setting numbers by path.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <salesim/salesim.h>

#include "study.h"
#include "sweep_design.h"

static char tmp_root[256];

static const char small_cfg[] = "name = \"small\";\nseed = 7;\nreplications = 4;\nmonths = 12;\n"
                                "population = { reps = 20; };\nterritories = { count = 5; };\n"
                                "budget = 1500000.0;\n"
                                "mechanisms = (\n  { type = \"target_salary\"; },\n"
                                "  { type = \"commission\"; rate = 0.03; }\n);\n";

static const char *in_tmp(const char *rel) {
  static char buf[6][768];
  static int k;
  k = (k + 1) % 6;
  snprintf(buf[k], sizeof buf[k], "%s/%s", tmp_root, rel);
  return buf[k];
}

static void write_text(const char *rel, const char *text) {
  FILE *f = fopen(in_tmp(rel), "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static char *slurp(const char *path) { return salesim_test_slurp(path, NULL); }

static int run(const char *args, char **out) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s", tmp_root, SALESIM_BINARY, args);
  return salesim_test_run(cmd, out);
}

static int lines(const char *s) {
  int n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

static int setup(void **state) {
  (void)state;
  snprintf(tmp_root, sizeof tmp_root, "/tmp/salesim_test_batch_XXXXXX");
  if (mkdtemp(tmp_root) == NULL)
    return -1;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s/in'", tmp_root);
  return salesim_test_run(cmd, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
  return salesim_test_run(cmd, NULL) == 0 ? 0 : -1;
}

static const char sweep_tail[] =
    "sweep = {\n  design = \"%s\";\n  points = 5;\n  params = (\n"
    "    { path = \"mechanisms.commission.rate\"; min = 0.01; max = 0.05; %s},\n"
    "    { path = \"firm.margin\"; min = 0.3; max = 0.5; %s}\n  );\n};\n";

static void write_sweep(const char *rel, const char *design, const char *extra) {
  char text[4096], tail[1024];
  snprintf(tail, sizeof tail, sweep_tail, design, extra, extra);
  snprintf(text, sizeof text, "%s%s", small_cfg, tail);
  write_text(rel, text);
}

/* ---- batch ------------------------------------------------------------------- */

static void test_batch_index_and_failures(void **state) {
  (void)state;
  write_text("in/a.cfg", small_cfg);
  write_sweep("in/b.cfg", "lhs", "");
  write_text("in/c.cfg", "name = \"c\";\nmechanisms = ( { type = \"comission\"; } );\n");
  char *out = NULL;
  int rc = run("batch in missing.cfg -o b1 --threads 2", &out);
  assert_int_equal(rc, 1); /* some failed */
  assert_non_null(strstr(out, "in/c.cfg:2:"));
  assert_non_null(strstr(out, "missing.cfg"));
  assert_non_null(strstr(out, "2 ok (0 resumed), 2 failed of 4"));
  free(out);
  char *csv = slurp(in_tmp("b1/batch.csv"));
  assert_non_null(csv);
  assert_non_null(strstr(csv, "in/a.cfg,b1/a,ok,0,,"));
  assert_non_null(strstr(csv, "in/c.cfg,b1/c,failed,0,"));
  assert_non_null(strstr(csv, ",commission,"));
  /* header + 2 mechanisms x 2 scenarios + 2 failures */
  assert_int_equal(lines(csv), 1 + 4 + 2);
  free(csv);
  char *json = slurp(in_tmp("b1/batch.json"));
  assert_non_null(strstr(json, "\"status\": \"failed\""));
  free(json);
  struct stat st;
  assert_int_equal(stat(in_tmp("b1/a/report.html"), &st), 0);
  assert_int_equal(stat(in_tmp("b1/b/sweep.csv"), &st), 0);
  assert_int_equal(stat(in_tmp("b1/c"), &st), -1); /* nothing half-written */

  /* every scenario bad: exit 2 */
  assert_int_equal(run("batch in/c.cfg missing.cfg -o b2 -q", NULL), 2);
  assert_int_equal(run("batch -o b3", NULL), 2);
  assert_int_equal(run("batch in --bogus", NULL), 2);
}

static void test_batch_resume_and_threads(void **state) {
  (void)state;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s/in2'", tmp_root);
  salesim_test_run(cmd, NULL);
  write_text("in2/a.cfg", small_cfg);
  write_sweep("in2/b.cfg", "sobol", "");
  assert_int_equal(run("batch in2 -o t1 --threads 1 -q", NULL), 0);
  assert_int_equal(run("batch in2 -o t2 --threads 2 -q", NULL), 0);
  static const char *const files[] = {"a/summary.csv", "a/replications.csv", "a/monthly.csv",
                                      "b/summary.csv", "b/sweep.csv",        "b/monthly.csv"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char p1[300], p2[300];
    snprintf(p1, sizeof p1, "t1/%s", files[i]);
    snprintf(p2, sizeof p2, "t2/%s", files[i]);
    char *x = slurp(in_tmp(p1)), *y = slurp(in_tmp(p2));
    assert_non_null(x);
    assert_non_null(y);
    assert_string_equal(x, y);
    free(x);
    free(y);
  }
  /* resume: nothing runs again; a changed file runs again */
  char *out = NULL;
  assert_int_equal(run("batch in2 -o t1 --resume", &out), 0);
  assert_non_null(strstr(out, "2 ok (2 resumed)"));
  free(out);
  write_text("in2/a.cfg", "# changed\n");
  FILE *f = fopen(in_tmp("in2/a.cfg"), "a");
  fputs(small_cfg, f);
  fclose(f);
  assert_int_equal(run("batch in2 -o t1 --resume", &out), 0);
  assert_non_null(strstr(out, "2 ok (1 resumed)"));
  free(out);
  char *csv = slurp(in_tmp("t1/batch.csv"));
  assert_non_null(strstr(csv, "in2/a.cfg,t1/a,ok,0,"));
  assert_non_null(strstr(csv, "in2/b.cfg,t1/b,ok,1,"));
  free(csv);
}

/* ---- sweeps and costing ------------------------------------------------------ */

static void test_sweep_designs(void **state) {
  (void)state;
  salesim_sweep_param ps[2];
  memset(ps, 0, sizeof ps);
  ps[0].min = 0;
  ps[0].max = 1;
  ps[0].steps = 3;
  ps[1].values.n = 2;
  ps[1].values.v[0] = 10;
  ps[1].values.v[1] = 20;
  salesim_sweep sw = {SALESIM_SWEEP_GRID, 0, ps, 2};
  double *v = NULL;
  int n = 0;
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_sweep_points(&sw, 1, &v, &n, &d), 0);
  assert_int_equal(n, 6);
  assert_close(v[0], 0, 0, 1e-15);
  assert_close(v[1], 10, 0, 1e-15);
  assert_close(v[3], 20, 0, 1e-15);
  assert_close(v[4], 0.5, 0, 1e-15);
  assert_close(v[10], 1, 0, 1e-15);
  free(v);
  /* Latin hypercube: exactly one point per stratum in each dimension */
  ps[1].min = -2;
  ps[1].max = 2;
  sw.design = SALESIM_SWEEP_LHS;
  sw.points = 50;
  assert_int_equal(salesim_sweep_points(&sw, 99, &v, &n, &d), 0);
  assert_int_equal(n, 50);
  for (int j = 0; j < 2; j++) {
    int seen[50] = {0};
    for (int i = 0; i < n; i++) {
      double u = (v[i * 2 + j] - ps[j].min) / (ps[j].max - ps[j].min);
      assert_true(u >= 0 && u < 1);
      seen[(int)(u * 50)]++;
    }
    for (int k = 0; k < 50; k++)
      assert_int_equal(seen[k], 1);
  }
  free(v);
  sw.design = SALESIM_SWEEP_SOBOL;
  sw.points = 8;
  assert_int_equal(salesim_sweep_points(&sw, 1, &v, &n, &d), 0);
  assert_int_equal(n, 8);
  assert_close(v[0], 0.5, 0, 1e-12); /* GSL's Sobol sequence starts in the middle */
  assert_close(v[2], 0.75, 0, 1e-12);
  free(v);
  salesim_diag_clear(&d);
}

static void test_sweep_csv_and_costing(void **state) {
  (void)state;
  write_sweep("s.cfg", "grid", "steps = 2; ");
  char *out = NULL;
  assert_int_equal(run("run s.cfg -o s1 -q --costing", &out), 0);
  free(out);
  char *csv = slurp(in_tmp("s1/sweep.csv"));
  assert_non_null(csv);
  assert_true(strncmp(csv, "point,mechanisms.commission.rate,firm.margin,mechanism,revenue_mean,", 66) == 0);
  assert_int_equal(lines(csv), 1 + 4 * 2); /* 2x2 grid, 2 mechanisms */
  assert_non_null(strstr(csv, "\n4,0.05,0.5,commission,"));
  /* every metric, not only the seven headline ones (issue 11), each with its
   * paired difference; profit's keep their old names */
  {
    const char *eol = strchr(csv, '\n');
    assert_non_null(eol);
    char *header = strndup(csv, (size_t)(eol - csv));
    assert_non_null(strstr(header, ",quits_broke_mean,quits_broke_ci_low,quits_broke_ci_high,"));
    assert_non_null(strstr(header, ",deals_moved_diff_vs_baseline,"));
    assert_non_null(strstr(header, ",profit_diff_vs_baseline,profit_diff_ci_low,profit_diff_ci_high"));
    free(header);
  }
  /* common random numbers: target_salary is unaffected by the commission
   * rate, so its rows at points 1 and 3 (margin 0.3) agree on revenue */
  free(csv);
  char *cost = slurp(in_tmp("s1/costing.csv"));
  assert_non_null(cost);
  assert_non_null(strstr(cost, "mechanism,metric,unit,mean,p5,p50,p95,draws,budget,p_over_budget\n"));
  assert_non_null(strstr(cost, "commission,pay_cost,currency/year,"));
  assert_non_null(strstr(cost, ",4,1500000,"));
  free(cost);
  char *html = slurp(in_tmp("s1/report.html"));
  assert_non_null(strstr(html, "<h2 id=\"sweep\">"));
  assert_non_null(strstr(html, "<h2 id=\"costing\">"));
  free(html);
}

static void test_sweep_errors(void **state) {
  (void)state;
  char text[4096];
  snprintf(text, sizeof text,
           "%ssweep = {\n  desgn = \"grid\";\n  params = (\n"
           "    { path = \"mechanisms.commision.rate\"; min = 0.01; max = 0.05; }\n  );\n};\n",
           small_cfg);
  write_text("e1.cfg", text);
  char *out = NULL;
  assert_int_equal(run("run e1.cfg -o e1out -q", &out), 2);
  assert_non_null(strstr(out, "e1.cfg:13: sweep.desgn: unknown setting"));
  free(out);
  snprintf(text, sizeof text,
           "%ssweep = {\n  params = (\n"
           "    { path = \"mechanisms.commision.rate\"; min = 0.01; max = 0.05; },\n"
           "    { path = \"firm.margin\"; min = 0.5; max = 1.5; }\n  );\n};\n",
           small_cfg);
  write_text("e2.cfg", text);
  assert_int_equal(run("run e2.cfg -o e2out -q", &out), 2);
  assert_non_null(strstr(out, "e2.cfg:14: sweep.params[0].path: mechanisms.commision.rate: no "
                              "mechanism with that label (expected one of: target_salary, "
                              "commission)"));
  assert_non_null(strstr(out, "e2.cfg:15: sweep.params[1]: firm.margin = 1.5: out of range"));
  free(out);
  struct stat st;
  assert_int_equal(stat(in_tmp("e2out"), &st), -1);
}

static void test_set_by_path(void **state) {
  (void)state;
  write_text("p.cfg", small_cfg);
  salesim_scenario *sc = NULL;
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_scenario_load(&sc, in_tmp("p.cfg"), &d), 0);
  assert_close(salesim_scenario_get(sc, "mechanisms.commission.rate", NULL), 0.03, 0, 0);
  assert_int_equal(salesim_scenario_set(sc, "mechanisms.commission.rate", 0.05, &d), 0);
  assert_close(salesim_scenario_get(sc, "mechanisms.commission.rate", NULL), 0.05, 0, 0);
  assert_int_equal(salesim_scenario_set(sc, "population.reps", 30.4, &d), 0);
  assert_int_equal(sc->population.reps, 30);
  assert_int_equal(salesim_scenario_set(sc, "population.ability", 1.5, &d), 0);
  assert_int_equal(sc->population.ability.kind, SALESIM_DIST_CONSTANT);
  assert_int_equal(salesim_scenario_set(sc, "population.ability.sd", 0.2, &d), 0);
  assert_close(sc->population.ability.sd, 0.2, 0, 0);
  assert_int_equal(salesim_scenario_set(sc, "budget", 10, &d), 0);
  assert_int_equal(d.count, 0);
  assert_int_equal(salesim_scenario_set(sc, "firm.margin", 2, &d), SALESIM_EINVAL);
  assert_int_equal(salesim_scenario_set(sc, "firm.nothing", 2, &d), SALESIM_ENOTFOUND);
  assert_int_equal(salesim_scenario_set(sc, "mechanisms.x.rate", 2, &d), SALESIM_ENOTFOUND);
  assert_int_equal(salesim_scenario_set(sc, "wages", 2, &d), SALESIM_ENOTFOUND);
  assert_int_equal(d.count, 4);
  assert_non_null(strstr(d.lines[0], "firm.margin = 2: out of range (expected 0..1)"));
  salesim_scenario *copy = salesim_scenario_copy(sc);
  assert_non_null(copy);
  assert_int_equal(salesim_scenario_set(copy, "mechanisms.commission.rate", 0.01, &d), 0);
  assert_close(salesim_scenario_get(sc, "mechanisms.commission.rate", NULL), 0.05, 0, 0);
  salesim_scenario_free(copy);
  salesim_scenario_free(sc);
  salesim_diag_clear(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_set_by_path),
      cmocka_unit_test(test_sweep_designs),
      cmocka_unit_test(test_sweep_csv_and_costing),
      cmocka_unit_test(test_sweep_errors),
      cmocka_unit_test(test_batch_index_and_failures),
      cmocka_unit_test(test_batch_resume_and_threads),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
