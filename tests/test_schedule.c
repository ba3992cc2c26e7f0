/*
 * tests/test_schedule.c: pay schedules: the source's payout-curve example
 * (MODEL.md §9), tiers and caps, and the closed-form expectation under
 * normal noise against Monte Carlo; issue 14's builders: tiers on
 * attainment (scaled thresholds), retroactive tiers, gates, the sum of two
 * schedules, 8 jumps; the larger of two schedules (hold-harmless).
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


/* issue 14: a target incentive of 60,000 on the curve (0.5,0) (1,1) (1.5,2),
 * flat after the last point (cap 2), target 1,000,000 */
static void test_ti_curve_hand(void **state) {
  (void)state;
  salesim_points curve = {3, {0.5, 1, 1.5}, {0, 1, 2}};
  salesim_schedule s;
  assert_int_equal(salesim_schedule_from_points(&s, &curve, 1e6, 60000), 0);
  assert_close(salesim_schedule_eval(&s, 400000), 0, 0, 1e-9);
  assert_close(salesim_schedule_eval(&s, 750000), 30000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 1000000), 60000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 1250000), 90000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 2000000), 120000, 1e-12, 1e-9);
}

/* tiers on attainment 0 -> 5 %, 1.0 -> 8 %, target 1,000,000 */
static void test_tiers_on_attainment(void **state) {
  (void)state;
  salesim_points tiers = {2, {0, 1.0}, {0.05, 0.08}};
  salesim_schedule m, r;
  assert_int_equal(salesim_schedule_tiers_scaled(&m, &tiers, 1e6, 0), 0);
  assert_int_equal(salesim_schedule_tiers_retro(&r, &tiers, 1e6, 0), 0);
  assert_close(salesim_schedule_eval(&m, 1.2e6), 50000 + 16000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&r, 1.2e6), 96000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&m, 999999), 49999.95, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&r, 999999), 49999.95, 1e-12, 1e-9);
  /* the retroactive break: a jump of 0.03 * 1,000,000 and a hinge of 0.03 */
  assert_int_equal(r.nj, 1);
  assert_close(r.jump_at[0], 1e6, 0, 0);
  assert_close(r.jump[0], 30000, 1e-12, 0);
  assert_close(salesim_schedule_eval(&r, 1e6), 80000, 1e-12, 1e-9);
  /* a halved target (a hire at mid-year) moves the break to half the credit */
  assert_int_equal(salesim_schedule_tiers_retro(&r, &tiers, 5e5, 0), 0);
  assert_close(salesim_schedule_eval(&r, 499999), 24999.95, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&r, 5e5), 40000, 1e-12, 1e-9);
  /* on credit (xscale 1) the scaled tiers are salesim_schedule_tiers */
  salesim_points cur = {3, {0, 1e6, 2e6}, {0.02, 0.05, 0.07}};
  salesim_schedule a, b;
  assert_int_equal(salesim_schedule_tiers(&a, &cur, 0), 0);
  assert_int_equal(salesim_schedule_tiers_scaled(&b, &cur, 1.0, 0), 0);
  for (double x = -1e5; x < 4e6; x += 123457)
    assert_close(salesim_schedule_eval(&b, x), salesim_schedule_eval(&a, x), 1e-15, 1e-9);
}

/* caps: marginal tiers stay at the cap even when a later tier begins above
 * the capping point; a retroactive break that would pass the cap jumps to it */
static void test_tier_caps(void **state) {
  (void)state;
  salesim_points tiers = {2, {0, 1e6}, {0.02, 0.05}};
  salesim_schedule s;
  assert_int_equal(salesim_schedule_tiers_scaled(&s, &tiers, 1.0, 10000), 0);
  assert_close(salesim_schedule_eval(&s, 4e5), 8000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 5e5), 10000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 2e6), 10000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 9e6), 10000, 1e-12, 1e-9);
  assert_int_equal(salesim_schedule_tiers_scaled(&s, &tiers, 1.0, 45000), 0);
  assert_close(salesim_schedule_eval(&s, 1.2e6), 30000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 9e6), 45000, 1e-12, 1e-9);
  salesim_points att = {2, {0, 1.0}, {0.05, 0.08}};
  assert_int_equal(salesim_schedule_tiers_retro(&s, &att, 1e6, 70000), 0);
  assert_close(salesim_schedule_eval(&s, 999999), 49999.95, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 1e6), 70000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 3e6), 70000, 1e-12, 1e-9);
  assert_int_equal(salesim_schedule_tiers_retro(&s, &att, 1e6, 100000), 0);
  assert_close(salesim_schedule_eval(&s, 1.2e6), 96000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 1.25e6), 100000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 5e6), 100000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 4e5), 20000, 1e-12, 1e-9);
}

/* a gate: nothing below it, the curve's value from it on */
static void test_gate(void **state) {
  (void)state;
  salesim_points curve = {3, {0, 1, 1.5}, {0, 1, 2}};
  salesim_schedule s, c;
  assert_int_equal(salesim_schedule_from_points(&c, &curve, 100, 30), 0);
  s = c;
  assert_int_equal(salesim_schedule_gate(&s, 60), 0);
  assert_close(salesim_schedule_eval(&s, 59.999), 0, 0, 1e-12);
  assert_close(salesim_schedule_eval(&s, -20), 0, 0, 1e-12);
  assert_close(salesim_schedule_eval(&s, 60), 18, 1e-12, 0);
  for (double x = 60; x < 300; x += 7.3)
    assert_close(salesim_schedule_eval(&s, x), salesim_schedule_eval(&c, x), 1e-12, 1e-12);
  assert_int_equal(s.nj, 1);
  /* a gate on a knot (100) and above the cap (200) */
  s = c;
  assert_int_equal(salesim_schedule_gate(&s, 100), 0);
  assert_close(salesim_schedule_eval(&s, 99.9), 0, 0, 1e-12);
  assert_close(salesim_schedule_eval(&s, 120), 42, 1e-12, 0);
  s = c;
  assert_int_equal(salesim_schedule_gate(&s, 200), 0);
  assert_close(salesim_schedule_eval(&s, 199), 0, 0, 1e-12);
  assert_close(salesim_schedule_eval(&s, 250), 60, 1e-12, 0);
  assert_close(salesim_schedule_slope(&s, 250), 0, 0, 1e-15);
}

/* the sum of two schedules: merged knots and jumps; the limits */
static void test_add(void **state) {
  (void)state;
  salesim_schedule a, b;
  salesim_schedule_linear(&a, 0.01);
  a.a = 5;
  assert_int_equal(salesim_schedule_add_hinge(&a, 100, 0.02), 0);
  assert_int_equal(salesim_schedule_add_jump(&a, 50, 7), 0);
  salesim_schedule_linear(&b, 0.03);
  assert_int_equal(salesim_schedule_add_hinge(&b, 100, -0.01), 0);
  assert_int_equal(salesim_schedule_add_hinge(&b, 150, 0.04), 0);
  assert_int_equal(salesim_schedule_add_jump(&b, 50, 3), 0);
  assert_int_equal(salesim_schedule_add_jump(&b, 80, 2), 0);
  salesim_schedule sum = a;
  assert_int_equal(salesim_schedule_add(&sum, &b), 0);
  assert_int_equal(sum.nk, 2);
  assert_int_equal(sum.nj, 2);
  for (double x = -30; x < 300; x += 4.1)
    assert_close(salesim_schedule_eval(&sum, x),
                 salesim_schedule_eval(&a, x) + salesim_schedule_eval(&b, x), 1e-13, 1e-12);
  /* 8 jumps fit; a ninth does not, and dst stays as it was */
  salesim_schedule j8, j1;
  salesim_schedule_linear(&j8, 0);
  for (int i = 0; i < SALESIM_SCHED_MAX_JUMPS; i++)
    assert_int_equal(salesim_schedule_add_jump(&j8, 10.0 * (i + 1), 1), 0);
  assert_int_equal(salesim_schedule_add_jump(&j8, 1000, 1), SALESIM_EINVAL);
  assert_int_equal(SALESIM_SCHED_MAX_JUMPS, 8);
  salesim_schedule_linear(&j1, 0);
  assert_int_equal(salesim_schedule_add_jump(&j1, 10, 1), 0); /* merges */
  salesim_schedule keep = j8;
  assert_int_equal(salesim_schedule_add(&j8, &j1), 0);
  assert_int_equal(j8.nj, SALESIM_SCHED_MAX_JUMPS);
  assert_close(salesim_schedule_eval(&j8, 10), 2, 0, 0);
  keep = j8;
  assert_int_equal(salesim_schedule_add_jump(&j1, 5, 1), 0); /* a new one: no room */
  assert_int_equal(salesim_schedule_add(&j8, &j1), SALESIM_ELIMIT);
  assert_memory_equal(&j8, &keep, sizeof keep);
  salesim_schedule k18, k1;
  salesim_schedule_linear(&k18, 0);
  for (int i = 0; i < SALESIM_SCHED_MAX_KNOTS; i++)
    assert_int_equal(salesim_schedule_add_hinge(&k18, 10.0 * (i + 1), 0.01), 0);
  salesim_schedule_linear(&k1, 0);
  assert_int_equal(salesim_schedule_add_hinge(&k1, 5, 0.01), 0);
  keep = k18;
  assert_int_equal(salesim_schedule_add(&k18, &k1), SALESIM_ELIMIT);
  assert_memory_equal(&k18, &keep, sizeof keep);
}

/* E[pay] closed form vs the mean of 200,000 normal draws (within 4 standard
 * errors) for a gated curve plus retroactive tiers with a cap */
static void test_expectation_gate_retro(void **state) {
  (void)state;
  salesim_points curve = {3, {0, 1, 1.5}, {0, 1, 2}};
  salesim_points tiers = {3, {0, 0.8, 1.2}, {0.02, 0.04, 0.06}};
  salesim_schedule s, t;
  assert_int_equal(salesim_schedule_from_points(&s, &curve, 1000, 300), 0);
  assert_int_equal(salesim_schedule_gate(&s, 500), 0);
  assert_int_equal(salesim_schedule_tiers_retro(&t, &tiers, 1000, 70), 0);
  assert_int_equal(salesim_schedule_add(&s, &t), 0);
  assert_true(s.nj >= 3); /* the gate and two breaks */
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 14);
  const double ms[] = {400, 520, 800, 1000, 1250, 1600};
  for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++) {
    double m = ms[k], sd = 250, sum = 0, sum2 = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
      double v = salesim_schedule_eval(&s, m + gsl_ran_gaussian_ziggurat(r, sd));
      sum += v;
      sum2 += v * v;
    }
    double mean = sum / n, se = sqrt((sum2 / n - mean * mean) / n);
    double e = salesim_schedule_expect(&s, m, sd, NULL);
    assert_true(se > 0);
    if (fabs(e - mean) > 4 * se)
      fail_msg("m = %g: E = %.6f, Monte Carlo %.6f +- %.6f", m, e, mean, se);
  }
  gsl_rng_free(r);
}

/* salesim_schedule_max (issue 14, hold-harmless): A = 2.9 % commission on
 * credit, less the new plan's base of 70,000 (the guarantee compares total
 * pay, and the new base is paid anyway); B = the source's target-salary
 * curve (target 5,000,000, variable 30,000, (0,0) (1,1) (1.5,3)). By hand:
 * A = 0.029 X - 70,000; B = 0.006 X up to the target, then 0.024 X -
 * 90,000 up to 7,500,000, then 90,000. They cross at 0.023 X = 70,000,
 * X = 3,043,478.26 (18,260.87) and again where 0.029 X - 70,000 =
 * 0.024 X - 90,000 has no solution above the target: A stays above. */
static void test_max_hand(void **state) {
  (void)state;
  salesim_points curve = {3, {0, 1, 1.5}, {0, 1, 3}};
  salesim_schedule A, B, M;
  salesim_schedule_linear(&A, 0.029);
  A.a = -70000;
  assert_int_equal(salesim_schedule_from_points(&B, &curve, 5e6, 30000), 0);
  assert_int_equal(salesim_schedule_max(&M, &A, &B), 0);
  assert_close(salesim_schedule_eval(&M, 0), 0, 0, 1e-6);
  assert_close(salesim_schedule_eval(&M, 2e6), 12000, 1e-12, 1e-6);
  assert_close(salesim_schedule_eval(&M, 70000 / 0.023), 70000 / 0.023 * 0.006, 1e-12, 1e-6);
  assert_close(salesim_schedule_eval(&M, 5e6), 75000, 1e-12, 1e-6);
  assert_close(salesim_schedule_eval(&M, 7.5e6), 147500, 1e-12, 1e-6);
  assert_close(salesim_schedule_eval(&M, 1e7), 220000, 1e-12, 1e-6);
  assert_close(salesim_schedule_eval(&M, -1e6), 0, 0, 1e-6); /* flat B left of 0 */
  assert_int_equal(M.nj, 0);
  /* slopes: 0.006 below the crossing, 0.029 above */
  assert_close(salesim_schedule_slope(&M, 1e6), 0.006, 1e-12, 0);
  assert_close(salesim_schedule_slope(&M, 6e6), 0.029, 1e-12, 0);
  /* B with a lump of 50,000 at 4,000,000 against A - 100,000: the jump
   * stays (24,000 + 50,000 at 4,000,000 against A's 16,000) */
  A.a = -100000;
  assert_int_equal(salesim_schedule_add_jump(&B, 4e6, 50000), 0);
  assert_int_equal(salesim_schedule_max(&M, &A, &B), 0);
  assert_close(salesim_schedule_eval(&M, 4e6), 74000, 1e-12, 1e-6);
  assert_close(salesim_schedule_eval(&M, 4e6 - 1), 24000 - 0.006, 1e-12, 1e-6);
  assert_int_equal(M.nj, 1);
  /* everywhere: the max of the two (a dense grid, both sides of 0) */
  for (double x = -2e6; x <= 1.2e7; x += 12345.6)
    assert_close(salesim_schedule_eval(&M, x),
                 fmax(salesim_schedule_eval(&A, x), salesim_schedule_eval(&B, x)), 1e-9, 1e-6);
  /* the max is symmetric and the max of a schedule with itself is itself */
  salesim_schedule M2;
  assert_int_equal(salesim_schedule_max(&M2, &B, &A), 0);
  for (double x = -2e6; x <= 1.2e7; x += 98765.4)
    assert_close(salesim_schedule_eval(&M2, x), salesim_schedule_eval(&M, x), 1e-9, 1e-6);
  assert_int_equal(salesim_schedule_max(&M2, &B, &B), 0);
  assert_int_equal(M2.nk, B.nk);
  assert_int_equal(M2.nj, B.nj);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_source_example),
      cmocka_unit_test(test_tiers_and_cap),
      cmocka_unit_test(test_expectation),
      cmocka_unit_test(test_ti_curve_hand),
      cmocka_unit_test(test_tiers_on_attainment),
      cmocka_unit_test(test_tier_caps),
      cmocka_unit_test(test_gate),
      cmocka_unit_test(test_add),
      cmocka_unit_test(test_expectation_gate_retro),
      cmocka_unit_test(test_max_hand),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
