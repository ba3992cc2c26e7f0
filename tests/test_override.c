/*
 * tests/test_override.c: every number of a scenario is addressable by a path
 * (salesim_scenario_get/set, engine/scenario/override.c): a mechanism by
 * label or by index, a payout-curve point by .x/.y or the spec's names
 * (curve[2].pay, curve[2].attainment), a tier (tiers[1].threshold), a vector
 * element, labels with dots (longest label first); out-of-range indexes and
 * an x that breaks the points' order are refused with one line naming the
 * path and what was expected. Then the CLI: a sweep over a curve point runs
 * (grid and lhs) and names the path in sweep.csv; optimize takes --param on a
 * curve point by index. Read next: docs/batch-and-sweeps.md ("Paths").
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

static const char *three_plans =
    "name = \"paths\";\nseed = 5;\nreplications = 2;\nmonths = 12;\n"
    "territories = { count = 4; };\npopulation = { reps = 8; };\n"
    "mechanisms = (\n"
    "  { type = \"commission\"; name = \"plan\"; rate = 0.02;\n"
    "    tiers = ( (0.0, 0.02), (1000000.0, 0.04), (2000000.0, 0.06) ); },\n"
    "  { type = \"target_salary\"; name = \"ts\"; salary_by_grade = [100000.0, 120000.0];\n"
    "    grade_tenure = [0, 24];\n"
    "    curve = ( (0.0, 0.0), (0.5, 0.3), (1.0, 1.0), (1.5, 3.0) ); },\n"
    "  { type = \"commission\"; name = \"plan.b\"; rate = 0.03; }\n"
    ");\n";

/* set must fail with `code` and a message containing `part`. */
static void refused(salesim_scenario *sc, const char *path, double v, int code,
                    const char *part) {
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_scenario_set(sc, path, v, &d), code);
  assert_int_equal(d.count, 1);
  if (strstr(d.lines[0], part) == NULL)
    fail_msg("%s: got \"%s\", expected \"%s\" in it", path, d.lines[0], part);
  if (code == SALESIM_ENOTFOUND || strstr(part, "out of") != NULL)
    assert_non_null(strstr(d.lines[0], path)); /* the cross-checks name the setting */
  salesim_diag_clear(&d);
}

static void test_points_by_name_and_axis(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(three_plans);
  salesim_diag d = SALESIM_DIAG_INIT;
  /* by label, by index, by the spec's names and by x/y: the same number */
  assert_close(salesim_scenario_get(sc, "mechanisms.ts.curve[2].pay", &d), 1.0, 0, 0);
  assert_close(salesim_scenario_get(sc, "mechanisms[1].curve[2].pay", &d), 1.0, 0, 0);
  assert_close(salesim_scenario_get(sc, "mechanisms[1].curve[2].y", &d), 1.0, 0, 0);
  assert_close(salesim_scenario_get(sc, "mechanisms[1].curve[3].attainment", &d), 1.5, 0, 0);
  assert_close(salesim_scenario_get(sc, "mechanisms.ts.curve[3].x", &d), 1.5, 0, 0);
  assert_int_equal(d.count, 0);
  /* set by one name, read by the other */
  assert_int_equal(salesim_scenario_set(sc, "mechanisms.ts.curve[2].pay", 1.2, &d), 0);
  assert_close(salesim_scenario_get(sc, "mechanisms[1].curve[2].y", &d), 1.2, 0, 0);
  assert_int_equal(salesim_scenario_set(sc, "mechanisms[1].curve[2].attainment", 1.1, &d), 0);
  assert_close(salesim_scenario_get(sc, "mechanisms.ts.curve[2].x", &d), 1.1, 0, 0);
  assert_int_equal(salesim_scenario_set(sc, "mechanisms[1].curve[3].x", 4.0, &d), 0);
  assert_int_equal(d.count, 0);
  /* the other points did not move */
  assert_close(salesim_scenario_get(sc, "mechanisms.ts.curve[1].x", &d), 0.5, 0, 0);
  assert_close(salesim_scenario_get(sc, "mechanisms.ts.curve[3].pay", &d), 3.0, 0, 0);
  /* commission tiers: threshold and rate */
  assert_close(salesim_scenario_get(sc, "mechanisms[0].tiers[1].threshold", &d), 1e6, 0, 0);
  assert_int_equal(salesim_scenario_set(sc, "mechanisms.plan.tiers[2].rate", 0.08, &d), 0);
  assert_close(salesim_scenario_get(sc, "mechanisms.plan.tiers[2].y", &d), 0.08, 0, 0);
  /* a vector element */
  assert_close(salesim_scenario_get(sc, "mechanisms.ts.salary_by_grade[1]", &d), 120000, 0, 0);
  assert_int_equal(salesim_scenario_set(sc, "mechanisms[1].salary_by_grade[1]", 130000, &d), 0);
  assert_close(salesim_scenario_get(sc, "mechanisms.ts.salary_by_grade[1]", &d), 130000, 0, 0);
  assert_int_equal(d.count, 0);
  /* the old forms are unchanged */
  assert_close(salesim_scenario_get(sc, "mechanisms.plan.rate", &d), 0.02, 0, 0);
  assert_int_equal(salesim_scenario_set(sc, "population.ability.mean", 1.1, &d), 0);
  assert_close(salesim_scenario_get(sc, "population.ability.mean", &d), 1.1, 0, 0);
  assert_int_equal(d.count, 0);
  salesim_scenario_free(sc);
}

static void test_labels_with_dots(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(three_plans);
  salesim_diag d = SALESIM_DIAG_INIT;
  /* "plan" and "plan.b" both fit "mechanisms.plan.b.rate": the longest wins */
  assert_close(salesim_scenario_get(sc, "mechanisms.plan.b.rate", &d), 0.03, 0, 0);
  assert_close(salesim_scenario_get(sc, "mechanisms.plan.rate", &d), 0.02, 0, 0);
  assert_close(salesim_scenario_get(sc, "mechanisms[2].rate", &d), 0.03, 0, 0);
  assert_int_equal(salesim_scenario_set(sc, "mechanisms.plan.b.rate", 0.05, &d), 0);
  assert_close(salesim_scenario_get(sc, "mechanisms.plan.rate", &d), 0.02, 0, 0);
  assert_close(salesim_scenario_get(sc, "mechanisms[2].rate", &d), 0.05, 0, 0);
  /* "plan.b" has no tiers set, "plan" has: the shorter label answers */
  assert_close(salesim_scenario_get(sc, "mechanisms.plan.tiers[0].rate", &d), 0.02, 0, 0);
  assert_int_equal(d.count, 0);
  salesim_scenario_free(sc);
}

static void test_bad_paths_and_values(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(three_plans);
  refused(sc, "mechanisms.ts.curve[4].pay", 1, SALESIM_ENOTFOUND,
          "no point 4 in curve (expected an index from 0 to 3: curve has 4 points)");
  refused(sc, "mechanisms[3].rate", 0.1, SALESIM_ENOTFOUND,
          "no mechanism 3 (expected an index from 0 to 2: the scenario has 3 mechanisms: "
          "plan, ts, plan.b)");
  refused(sc, "mechanisms.ts.salary_by_grade[2]", 1, SALESIM_ENOTFOUND,
          "no value 2 in salary_by_grade (expected an index from 0 to 1: salary_by_grade has "
          "2 values)");
  refused(sc, "mechanisms.ts.curve", 1, SALESIM_ENOTFOUND,
          "curve is a list of points (expected curve[i].x or .y, .attainment or .pay)");
  refused(sc, "mechanisms.ts.curve[1].z", 1, SALESIM_ENOTFOUND, "a point has two numbers");
  refused(sc, "mechanisms.plan.b.tiers[0].rate", 1, SALESIM_ENOTFOUND, "tiers has no points");
  refused(sc, "mechanisms.ts.curve[x].pay", 1, SALESIM_ENOTFOUND, "a list of points");
  /* an x that breaks the order, at the middle and at the ends */
  refused(sc, "mechanisms.ts.curve[2].attainment", 0.5, SALESIM_EINVAL,
          "= 0.5: out of order (expected strictly between 0.5 and 1.5, the neighbouring "
          "points' attainment)");
  refused(sc, "mechanisms.ts.curve[3].x", 1.0, SALESIM_EINVAL,
          "out of order (expected above 1, the previous points' attainment)");
  refused(sc, "mechanisms.ts.curve[0].x", 0.6, SALESIM_EINVAL,
          "out of order (expected below 0.5, the next points' attainment)");
  refused(sc, "mechanisms.ts.grade_tenure[1]", 0, SALESIM_EINVAL, "out of order");
  /* y out of the spec's range; a value the cross-checks refuse */
  refused(sc, "mechanisms.ts.curve[2].pay", 101, SALESIM_EINVAL, "out of range (expected");
  refused(sc, "mechanisms.ts.curve[2].pay", 0.1, SALESIM_EINVAL,
          "mechanisms.ts.curve: multiple falls from 0.3 to 0.1 (expected non-decreasing)");
  refused(sc, "mechanisms.ts.salary_by_grade[0]", NAN, SALESIM_EINVAL, "out of range");
  refused(sc, "mechanisms.ts.curve[3].x", INFINITY, SALESIM_EINVAL,
          "out of range (expected a finite number)");
  /* a group's vector left at its default (empty): nothing to address */
  refused(sc, "production.stage_advance[0]", 0.5, SALESIM_ENOTFOUND,
          "stage_advance has no values (expected it set in the scenario first)");
  salesim_scenario_free(sc);
}

/* A small shipped scenario with a sweep over a curve point. */
static const char *swept(const char *name, const char *sweep) {
  char *text = salesim_test_slurp(salesim_test_path("scenarios/target-salary-example.cfg"), NULL);
  assert_non_null(text);
  char *buf = malloc(strlen(text) + strlen(sweep) + 64);
  assert_non_null(buf);
  char *r = strstr(text, "replications = 20;"), *m = strstr(text, "months = 36;");
  assert_non_null(r);
  assert_non_null(m);
  memcpy(r, "replications = 2; ", 18); /* same length: fast */
  memcpy(m, "months = 12;", 12);
  sprintf(buf, "%s\n%s\n", text, sweep);
  const char *p = salesim_test_write_temp(name, buf);
  free(buf);
  free(text);
  return p;
}

static void test_sweep_over_a_curve_point(void **state) {
  (void)state;
  const char *designs[] = {
      "sweep = { params = ( { path = \"mechanisms[0].curve[2].pay\"; values = [2.0, 3.0]; } "
      "); };",
      "sweep = { design = \"lhs\"; points = 3; params = ( { path = "
      "\"mechanisms.target_salary.curve[2].pay\"; min = 1.5; max = 4.0; } ); };"};
  const char *headers[] = {"point,mechanisms[0].curve[2].pay,mechanism,",
                           "point,mechanisms.target_salary.curve[2].pay,mechanism,"};
  for (int k = 0; k < 2; k++) {
    const char *cfg = swept(k ? "lhs.cfg" : "grid.cfg", designs[k]);
    char *out = NULL;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s.out", cfg);
    assert_int_equal(salesim_test_sh(&out, "'%s' run '%s' -o '%s'", SALESIM_BINARY, cfg, dir), 0);
    free(out);
    char csv[1100];
    snprintf(csv, sizeof csv, "%s/sweep.csv", dir);
    char *text = salesim_test_slurp(csv, NULL);
    assert_non_null(text);
    assert_memory_equal(text, headers[k], strlen(headers[k]));
    /* grid: the plan at pay 2 and pay 3 differ (the curve reached the run) */
    if (k == 0) {
      const char *a = strstr(text, "\n1,2,target_salary,"), *b = strstr(text, "\n2,3,target_salary,");
      assert_non_null(a);
      assert_non_null(b);
      double ra = strtod(a + strlen("\n1,2,target_salary,"), NULL);
      double rb = strtod(b + strlen("\n2,3,target_salary,"), NULL);
      assert_true(ra != rb);
    }
    free(text);
  }
  /* a point out of order is refused at load, naming the path */
  const char *bad = swept("bad.cfg", "sweep = { params = ( { path = "
                                     "\"mechanisms[0].curve[1].attainment\"; values = [1.6]; } ); };");
  char *out = NULL;
  assert_int_equal(salesim_test_sh(&out, "'%s' validate '%s'", SALESIM_BINARY, bad), 2);
  assert_non_null(strstr(out, "sweep.params[0]: mechanisms[0].curve[1].attainment = 1.6: out of "
                              "order (expected strictly between 0 and 1.5"));
  free(out);
}

/* Sweep paths hold 159 characters (SALESIM_PATH_MAX - 1), labels 63. */
static void test_long_paths(void **state) {
  (void)state;
  char label[64], text[8192], path[256];
  memset(label, 'a', 63);
  label[63] = '\0';
  label[10] = '.'; /* a label with a dot, as long as labels go */
  for (int extra = 0; extra < 2; extra++) {
    /* 11 + 63 + 1 + len(setting) characters; pad the setting's index with zeros */
    int pad = 159 - (11 + 63 + 1 + (int)strlen("curve[].pay")) + extra;
    snprintf(path, sizeof path, "mechanisms.%s.curve[%0*d].pay", label, pad, 2);
    assert_int_equal((int)strlen(path), 159 + extra);
    snprintf(text, sizeof text,
             "name = \"long\";\nseed = 5;\nreplications = 2;\nmonths = 12;\n"
             "territories = { count = 4; };\npopulation = { reps = 8; };\n"
             "firm = { target_rule = \"fixed\"; fixed_target = 5000000.0; };\n"
             "mechanisms = ( { type = \"target_salary\"; name = \"%s\";\n"
             "  curve = ( (0.0, 0.0), (1.0, 1.0), (1.5, 3.0) ); } );\n"
             "sweep = { params = ( { path = \"%s\"; values = [2.0, 4.0]; } ); };\n",
             label, path);
    const char *cfg = salesim_test_write_temp("long.cfg", text);
    char *out = NULL;
    int rc = salesim_test_sh(&out, "'%s' validate '%s'", SALESIM_BINARY, cfg);
    if (extra == 0)
      assert_int_equal(rc, 0);
    else {
      assert_int_equal(rc, 2);
      assert_non_null(strstr(out, "sweep.params[0].path: 160 characters (expected at most 159)"));
    }
    free(out);
  }
}

static void test_optimize_a_curve_point(void **state) {
  (void)state;
  const char *cfg = swept("opt.cfg", "");
  char *out = NULL;
  assert_int_equal(salesim_test_sh(&out,
                                   "'%s' optimize '%s' --mechanism target_salary --param "
                                   "'mechanisms[0].curve[2].pay' --range 1:5 --replications 2",
                                   SALESIM_BINARY, cfg),
                   0);
  const char *p = strstr(out, "optimum mechanisms.target_salary.curve[2].pay = ");
  assert_non_null(p);
  double x = strtod(p + strlen("optimum mechanisms.target_salary.curve[2].pay = "), NULL);
  assert_true(x >= 1 && x <= 5);
  free(out);
  /* the default range of an x: between its neighbours (0 and 1.5) */
  assert_int_equal(salesim_test_sh(&out,
                                   "'%s' optimize '%s' --mechanism target_salary --param "
                                   "'curve[1].attainment' --replications 2",
                                   SALESIM_BINARY, cfg),
                   0);
  assert_non_null(strstr(out, "searched 0.0015 .. 1.4985"));
  free(out);
  /* a path of another mechanism is refused */
  assert_int_equal(salesim_test_sh(&out,
                                   "'%s' optimize '%s' --mechanism target_salary --param "
                                   "'mechanisms[1].rate'",
                                   SALESIM_BINARY, cfg),
                   2);
  assert_non_null(strstr(out, "a number of mechanism 'commission', not of --mechanism "
                              "target_salary"));
  free(out);
}

static void test_group_vector(void **state) {
  (void)state;
  char text[4096];
  snprintf(text, sizeof text, "%s%s", three_plans,
           "production = { stage_advance = [0.3, 0.3, 0.3, 0.3];\n"
           "  stage_loss = [0.1, 0.1, 0.1, 0.1]; };\n");
  salesim_scenario *sc = salesim_test_load_text(text);
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_close(salesim_scenario_get(sc, "production.stage_advance[3]", &d), 0.3, 0, 0);
  assert_int_equal(salesim_scenario_set(sc, "production.stage_advance[3]", 0.5, &d), 0);
  assert_close(salesim_scenario_get(sc, "production.stage_advance[3]", &d), 0.5, 0, 0);
  assert_close(salesim_scenario_get(sc, "production.stage_advance[2]", &d), 0.3, 0, 0);
  assert_int_equal(d.count, 0);
  refused(sc, "production.stage_advance[0]", 1.0, SALESIM_EINVAL, "out of range");
  refused(sc, "production.stage_loss[3]", 0.6, SALESIM_EINVAL,
          "= 0.6: with stage_advance[3] = 0.5 adds up to 1.1 (expected at most 1)");
  refused(sc, "production.stage_advance[4]", 0.5, SALESIM_ENOTFOUND,
          "no value 4 in stage_advance (expected an index from 0 to 3");
  salesim_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_points_by_name_and_axis),
      cmocka_unit_test(test_labels_with_dots),
      cmocka_unit_test(test_bad_paths_and_values),
      cmocka_unit_test(test_group_vector),
      cmocka_unit_test(test_sweep_over_a_curve_point),
      cmocka_unit_test(test_long_paths),
      cmocka_unit_test(test_optimize_a_curve_point),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
