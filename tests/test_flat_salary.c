/*
 * tests/test_flat_salary.c: the flat salary (models/mechanisms/flat_salary.c,
 * docs/flat-salary.md). Its pay is exactly the salaries of the people on the
 * payroll, with no variable part; with nothing paid on credit, agents put in
 * no effort, while target salary on the same world (common random numbers)
 * gets effort and more new business; a seniority raise costs what it says;
 * its payout curve is flat at the first grade's salary; its settings are
 * checked with one line naming the setting.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <salesim/salesim.h>

#include "mechanism.h"

static const char *const world_text =
    "seed = 5;\nreplications = 3;\nmonths = 24;\n"
    "population = { reps = 40; tenure_months = { dist = \"uniform\"; min = 0.0; max = 60.0; }; };\n"
    "territories = { count = 10; };\n";

static salesim_results *run_text(const char *mechanisms) {
  char text[2048];
  snprintf(text, sizeof text, "%s%s", world_text, mechanisms);
  salesim_scenario *sc = salesim_test_load_text(text);
  assert_non_null(sc);
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = 1;
  salesim_results *r = NULL;
  assert_int_equal(salesim_run(&r, sc, &opt, &d), 0);
  salesim_diag_clear(&d);
  salesim_scenario_free(sc);
  return r;
}

static double mean_of(const salesim_results *r, int mech, int m) {
  double s = 0;
  for (int rep = 0; rep < r->n_rep; rep++)
    s += SALESIM_METRIC_AT(r, mech, rep, m);
  return s / r->n_rep;
}

/* No variable pay; pay = fixed pay; no effort; target salary on the same
 * world gets effort and more new customers. */
static void test_no_variable_pay_no_effort(void **state) {
  (void)state;
  salesim_results *r = run_text("mechanisms = (\n"
                                "  { type = \"flat_salary\"; salary_by_grade = [90000.0]; },\n"
                                "  { type = \"target_salary\"; salary_by_grade = [90000.0]; }\n"
                                ");\n");
  for (int rep = 0; rep < r->n_rep; rep++) {
    assert_true(SALESIM_METRIC_AT(r, 0, rep, SALESIM_METRIC_PAY_VARIABLE) == 0);
    assert_true(SALESIM_METRIC_AT(r, 0, rep, SALESIM_METRIC_PAY_COST) ==
                SALESIM_METRIC_AT(r, 0, rep, SALESIM_METRIC_PAY_FIXED));
    assert_true(SALESIM_METRIC_AT(r, 0, rep, SALESIM_METRIC_EFFORT) == 0);
  }
  assert_true(mean_of(r, 1, SALESIM_METRIC_EFFORT) > 0.1);
  assert_true(mean_of(r, 1, SALESIM_METRIC_NEW_CUSTOMERS) >
              1.5 * mean_of(r, 0, SALESIM_METRIC_NEW_CUSTOMERS));
  /* a salary of 90,000 for about 40 people a year: pay cost within the
   * headcount's range (vacancies lower it) */
  double pay = mean_of(r, 0, SALESIM_METRIC_PAY_COST);
  assert_true(pay <= 40 * 90000.0 * (1 + 1e-12));
  assert_true(pay > 0.8 * 40 * 90000.0);
  salesim_results_free(r);
}

/* A seniority raise of 10 % a year costs more than no raise, and no more
 * than the raise on everyone's full tenure (tenure at most 60 + 24 months:
 * at most 7 raises). */
static void test_raise(void **state) {
  (void)state;
  salesim_results *r =
      run_text("mechanisms = (\n"
               "  { type = \"flat_salary\"; salary_by_grade = [90000.0]; },\n"
               "  { type = \"flat_salary\"; name = \"raise\"; salary_by_grade = [90000.0];\n"
               "    raise = 0.1; }\n"
               ");\n");
  double flat = mean_of(r, 0, SALESIM_METRIC_PAY_COST);
  double raised = mean_of(r, 1, SALESIM_METRIC_PAY_COST);
  assert_true(raised > 1.1 * flat);
  assert_true(raised < pow(1.1, 7) * flat);
  salesim_results_free(r);
}

static void test_payout_curve_is_flat(void **state) {
  (void)state;
  const salesim_mechanism_type *t = salesim_mechanism_find("flat_salary");
  assert_non_null(t);
  assert_non_null(t->payout_curve);
  salesim_scenario *sc = salesim_test_load_text(
      "mechanisms = ( { type = \"flat_salary\"; salary_by_grade = [80000.0, 95000.0];\n"
      "  grade_tenure = [0, 24]; } );\n");
  assert_non_null(sc);
  salesim_payout_curve c;
  assert_int_equal(t->payout_curve(sc->mechanisms[0].params, sc, 4e6, &c), 0);
  assert_int_equal(c.n, SALESIM_PAYOUT_POINTS);
  for (int i = 0; i < c.n; i++)
    assert_true(c.pay[i] == 80000.0);
  assert_true(c.attainment[c.n - 1] == 2.0);
  salesim_scenario_free(sc);
}

static void test_bad_settings(void **state) {
  (void)state;
  const char *path = salesim_test_write_temp(
      "flat_bad.cfg", "mechanisms = ( { type = \"flat_salary\";\n"
                      "  salary_by_grade = [80000.0, 95000.0]; grade_tenure = [0]; } );\n");
  char cmd[1024], *out = NULL;
  snprintf(cmd, sizeof cmd, "%s validate %s 2>&1", SALESIM_BINARY, path);
  int rc = salesim_test_run(cmd, &out);
  assert_int_equal(rc, 2);
  assert_non_null(strstr(out, "mechanisms[0].grade_tenure: 1 values but salary_by_grade has 2"));
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_variable_pay_no_effort),
      cmocka_unit_test(test_raise),
      cmocka_unit_test(test_payout_curve_is_flat),
      cmocka_unit_test(test_bad_settings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
