/*
 * tests/test_forecast.c: the Gonik/Weitzman forecast bonus (models/algorithms/forecast.h):
 * the payouts of MODEL.md §9, the closed-form expected payout against Monte
 * Carlo, the quantile forecast against a grid search on a normal, the
 * sample quantile against every candidate forecast, and the error paths.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "forecast.h"

static const salesim_forecast_bonus model = {100, 70, 150}; /* beta, alpha, gamma */

static void test_model_section9(void **state) {
  (void)state;
  assert_int_equal(salesim_forecast_check(&model, NULL), 0);
  assert_close(salesim_forecast_payout(&model, 22, 20), 1900, 1e-15, 0);
  assert_close(salesim_forecast_payout(&model, 20, 22), 2140, 1e-15, 0);
  assert_close(salesim_forecast_payout(&model, 20, 20), 2000, 1e-15, 0);
  assert_close(salesim_forecast_level(&model), 30.0 / 80.0, 1e-15, 0);
  /* a truthful forecast of 20 beats missing it either way when S = 20 */
  assert_true(salesim_forecast_payout(&model, 20, 20) > salesim_forecast_payout(&model, 22, 20));
  assert_true(salesim_forecast_payout(&model, 20, 20) > salesim_forecast_payout(&model, 18, 20));
}

static void test_normal_optimum_by_grid(void **state) {
  (void)state;
  const salesim_forecast_bonus rates[] = {{100, 70, 150}, {10, 2, 11}, {5, 4, 40}};
  const double means[] = {20, 1000, 3}, sds[] = {3, 250, 0.5};
  for (int k = 0; k < 3; k++) {
    double best_f = NAN;
    assert_int_equal(salesim_forecast_optimal_normal(&rates[k], means[k], sds[k], &best_f), 0);
    double best_e = salesim_forecast_expected_normal(&rates[k], best_f, means[k], sds[k]);
    double step = sds[k] / 1000, grid_f = 0, grid_e = -INFINITY;
    for (double f = means[k] - 5 * sds[k]; f <= means[k] + 5 * sds[k]; f += step) {
      double e = salesim_forecast_expected_normal(&rates[k], f, means[k], sds[k]);
      assert_true(e <= best_e + 1e-9 * fabs(best_e));
      if (e > grid_e) {
        grid_e = e;
        grid_f = f;
      }
    }
    assert_close(grid_f, best_f, 0, 2 * step);
  }
  /* sd = 0: forecast the certain sales */
  double f;
  assert_int_equal(salesim_forecast_optimal_normal(&model, 20, 0, &f), 0);
  assert_close(f, 20, 0, 0);
}

/* The closed form against a Monte Carlo mean, and the sample optimum. */
static void test_sample(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 8UL);
  const size_t n = 200000;
  double *s = malloc(n * sizeof *s);
  assert_non_null(s);
  for (size_t i = 0; i < n; i++)
    s[i] = 20 + gsl_ran_gaussian_ziggurat(r, 3);
  double mc = 0;
  for (size_t i = 0; i < n; i++)
    mc += salesim_forecast_payout(&model, 21, s[i]);
  mc /= (double)n;
  assert_close(mc, salesim_forecast_expected_normal(&model, 21, 20, 3), 2e-3, 0);
  double f_sample, f_normal;
  assert_int_equal(salesim_forecast_optimal_sample(&model, s, n, &f_sample), 0);
  assert_int_equal(salesim_forecast_optimal_normal(&model, 20, 3, &f_normal), 0);
  assert_close(f_sample, f_normal, 0, 0.03);
  /* On a small sample the returned order statistic beats every other
   * sample point (the sample-mean payout is piecewise linear with kinks at
   * the sample points, so its maximum is at one of them). */
  for (int rep = 0; rep < 50; rep++) {
    size_t m = 1 + gsl_rng_uniform_int(r, 40);
    double best, mean_best = 0;
    assert_int_equal(salesim_forecast_optimal_sample(&model, s + rep * 41, m, &best), 0);
    for (size_t i = 0; i < m; i++)
      mean_best += salesim_forecast_payout(&model, best, s[rep * 41 + i]);
    for (size_t c = 0; c < m; c++) {
      double cand = s[rep * 41 + c], mean_c = 0;
      for (size_t i = 0; i < m; i++)
        mean_c += salesim_forecast_payout(&model, cand, s[rep * 41 + i]);
      assert_true(mean_c <= mean_best + 1e-9 * fabs(mean_best));
    }
  }
  /* n tau integer: 8 draws, tau = 3/8 -> the 3rd smallest */
  const double eight[8] = {8, 1, 7, 2, 6, 3, 5, 4};
  double f3;
  assert_int_equal(salesim_forecast_optimal_sample(&model, eight, 8, &f3), 0);
  assert_close(f3, 3, 0, 0);
  free(s);
  gsl_rng_free(r);
}

static void test_errors(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const salesim_forecast_bonus bad = {100, 120, 90};
  assert_int_equal(salesim_forecast_check(&bad, &d), SALESIM_EINVAL);
  assert_int_equal(d.count, 2);
  assert_string_equal(d.lines[0], "forecast_bonus: beta = 100; must be > alpha = 120");
  assert_string_equal(d.lines[1], "forecast_bonus: gamma = 90; must be > beta = 100");
  salesim_diag_clear(&d);
  const salesim_forecast_bonus zero = {100, 0, 150};
  assert_int_equal(salesim_forecast_check(&zero, &d), SALESIM_EINVAL);
  assert_string_equal(d.lines[0], "forecast_bonus: alpha = 0; must be > 0");
  salesim_diag_clear(&d);
  const salesim_forecast_bonus inf = {INFINITY, 1, 2};
  assert_int_equal(salesim_forecast_check(&inf, NULL), SALESIM_EINVAL);
  double f, x = 1;
  assert_int_equal(salesim_forecast_optimal_normal(&bad, 0, 1, &f), SALESIM_EINVAL);
  assert_int_equal(salesim_forecast_optimal_normal(&model, 0, -1, &f), SALESIM_EINVAL);
  assert_int_equal(salesim_forecast_optimal_normal(&model, NAN, 1, &f), SALESIM_EINVAL);
  assert_int_equal(salesim_forecast_optimal_sample(&model, &x, 0, &f), SALESIM_EINVAL);
  x = NAN;
  assert_int_equal(salesim_forecast_optimal_sample(&model, &x, 1, &f), SALESIM_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_model_section9),
      cmocka_unit_test(test_normal_optimum_by_grid),
      cmocka_unit_test(test_sample),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
