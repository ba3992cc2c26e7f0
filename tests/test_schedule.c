/*
 * tests/test_schedule.c: pay schedules: the source's payout-curve example
 * (MODEL.md §9), tiers and caps, and the closed-form expectation under
 * normal noise against Monte Carlo.
 */
#include "testutil.h"

#include <math.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "schedule.h"

/* target 5,000,000; target salary 100,000; 70:30; curve (0,0) (1,1) (1.5,3) */
static void test_source_example(void **state) {
  (void)state;
  salesim_points curve = {3, {0, 1, 1.5}, {0, 1, 3}};
  salesim_schedule s;
  double target = 5e6, salary = 1e5, base = 0.7 * salary, variable = 0.3 * salary;
  assert_int_equal(salesim_schedule_from_points(&s, &curve, target, variable), 0);
  assert_close(base, 70000, 1e-12, 0);
  assert_close(base + salesim_schedule_eval(&s, target), 100000, 1e-12, 1e-6);
  assert_close(base + salesim_schedule_eval(&s, 1.5 * target), 160000, 1e-12, 1e-6);
  assert_close(base + salesim_schedule_eval(&s, 0), 70000, 1e-12, 1e-6);
  /* linear below target, 3x steeper slope between 100 % and 150 % (4x) */
  assert_close(salesim_schedule_eval(&s, 0.5 * target), 15000, 1e-12, 1e-6);
  assert_close(salesim_schedule_eval(&s, 1.25 * target), 60000, 1e-12, 1e-6);
  /* flat after the last point: a cap */
  assert_close(salesim_schedule_eval(&s, 3 * target), 90000, 1e-12, 1e-6);
  assert_close(salesim_schedule_slope(&s, 0.5 * target), variable / target, 1e-12, 0);
  assert_close(salesim_schedule_slope(&s, 1.2 * target), 4 * variable / target, 1e-12, 0);
  assert_close(salesim_schedule_slope(&s, 2 * target), 0, 0, 1e-15);
}

static void test_tiers_and_cap(void **state) {
  (void)state;
  salesim_points tiers = {2, {0, 1e6}, {0.02, 0.05}};
  salesim_schedule s;
  assert_int_equal(salesim_schedule_tiers(&s, &tiers, 0), 0);
  assert_close(salesim_schedule_eval(&s, 5e5), 10000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 2e6), 20000 + 50000, 1e-12, 1e-9);
  assert_int_equal(salesim_schedule_tiers(&s, &tiers, 45000), 0);
  assert_close(salesim_schedule_eval(&s, 1.5e6), 45000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 9e6), 45000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 1.2e6), 30000, 1e-12, 1e-9);
  salesim_schedule_linear(&s, 0.03);
  assert_true(salesim_schedule_is_linear(&s));
  assert_int_equal(salesim_schedule_add_jump(&s, 1e6, 5000), 0);
  assert_false(salesim_schedule_is_linear(&s));
  assert_close(salesim_schedule_eval(&s, 1e6), 35000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 999999), 29999.97, 1e-12, 1e-6);
}

/* E[pay(X)] closed form vs Monte Carlo, and its slope vs a finite difference */
static void test_expectation(void **state) {
  (void)state;
  salesim_points curve = {3, {0, 1, 1.5}, {0, 1, 3}};
  salesim_schedule s;
  salesim_schedule_from_points(&s, &curve, 100, 30);
  salesim_schedule_add_jump(&s, 120, 7);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 7);
  const double ms[] = {40, 95, 110, 130, 170};
  for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++) {
    double m = ms[k], sd = 20;
    double sum = 0;
    const int n = 400000;
    for (int i = 0; i < n; i++)
      sum += salesim_schedule_eval(&s, m + gsl_ran_gaussian_ziggurat(r, sd));
    double slope;
    double e = salesim_schedule_expect(&s, m, sd, &slope);
    assert_close(e, sum / n, 0.005, 0.05);
    double fd = (salesim_schedule_expect(&s, m + 1e-4, sd, NULL) -
                 salesim_schedule_expect(&s, m - 1e-4, sd, NULL)) / 2e-4;
    assert_close(slope, fd, 1e-5, 1e-8);
  }
  gsl_rng_free(r);
  /* sd = 0 is the schedule itself */
  assert_close(salesim_schedule_expect(&s, 125, 0, NULL), salesim_schedule_eval(&s, 125), 0, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_source_example),
      cmocka_unit_test(test_tiers_and_cap),
      cmocka_unit_test(test_expectation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
