/*
 * tests/test_optimize.c: `salesim optimize` lands on Holmstrom-Milgrom's
 * beta* = theta^2/(theta^2 + r c sigma^2) = 2.25/4.25 on
 * scenarios/hm-linear.cfg (objective with participation binding, within
 * 1e-3; common random numbers make the noise cancel, so it lands much closer),
 * on margin/2 = 0.5 with the file's fixed base (within 0.02), respects a
 * cost-of-sales constraint, and rejects bad options with exit 2.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double optimum(const char *extra, int *status, char **text) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "'%s' optimize '%s' --mechanism commission --param rate --range 0.05:0.95 %s",
           SALESIM_BINARY, salesim_test_path("scenarios/hm-linear.cfg"), extra);
  char *out = NULL;
  *status = salesim_test_run(cmd, &out);
  double x = NAN;
  const char *p = out ? strstr(out, "optimum mechanisms.commission.rate = ") : NULL;
  if (p != NULL)
    x = strtod(p + strlen("optimum mechanisms.commission.rate = "), NULL);
  if (text)
    *text = out;
  else
    free(out);
  return x;
}

static void test_hm_beta_star(void **state) {
  (void)state;
  int st;
  char *out = NULL;
  double beta = optimum("--bind-participation --threads 2", &st, &out);
  if (st != 0)
    fail_msg("%s", out ? out : "");
  const double theta = 1.5, c = 2, r = 1, sigma2 = 1;
  double star = theta * theta / (theta * theta + r * c * sigma2);
  assert_close(beta, star, 0, 1e-3);
  assert_non_null(strstr(out, "values not significantly worse"));
  free(out);
}

static void test_fixed_base_margin_half(void **state) {
  (void)state;
  int st;
  double beta = optimum("", &st, NULL);
  assert_int_equal(st, 0);
  assert_close(beta, 0.5, 0, 0.02);
  /* a cost-of-sales cap binds below the unconstrained optimum */
  char *out = NULL;
  beta = optimum("--max-cost-of-sales 1e9", &st, &out);
  assert_int_equal(st, 0);
  free(out);
  beta = optimum("--max-cost-of-sales 0", &st, &out);
  assert_int_equal(st, 2);
  assert_non_null(strstr(out, "no value in 0.05..0.95 meets the constraints"));
  free(out);
}

static void test_bad_options(void **state) {
  (void)state;
  char cmd[2048], *out = NULL;
  const char *sc = salesim_test_path("scenarios/hm-linear.cfg");
  snprintf(cmd, sizeof cmd, "'%s' optimize '%s' --mechanism nope --param rate", SALESIM_BINARY, sc);
  assert_int_equal(salesim_test_run(cmd, &out), 2);
  assert_non_null(strstr(out, "no mechanism 'nope' (expected one of: commission)"));
  free(out);
  snprintf(cmd, sizeof cmd, "'%s' optimize '%s' --mechanism commission --param ratte",
           SALESIM_BINARY, sc);
  assert_int_equal(salesim_test_run(cmd, &out), 2);
  assert_non_null(strstr(out, "has no number ratte"));
  free(out);
  snprintf(cmd, sizeof cmd, "'%s' optimize '%s' --mechanism commission --param rate --range 2:3",
           SALESIM_BINARY, sc);
  assert_int_equal(salesim_test_run(cmd, &out), 2);
  assert_non_null(strstr(out, "out of range"));
  free(out);
  snprintf(cmd, sizeof cmd, "'%s' optimize '%s' --mechanism commission", SALESIM_BINARY, sc);
  assert_int_equal(salesim_test_run(cmd, NULL), 2);
  snprintf(cmd, sizeof cmd, "'%s' optimize '%s' --mechanism commission --param base "
                            "--bind-participation --range 0:10",
           SALESIM_BINARY, sc);
  assert_int_equal(salesim_test_run(cmd, &out), 2);
  assert_non_null(strstr(out, "--bind-participation: needs"));
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hm_beta_star),
      cmocka_unit_test(test_fixed_base_margin_half),
      cmocka_unit_test(test_bad_options),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
