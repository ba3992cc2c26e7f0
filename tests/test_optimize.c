/*
 * tests/test_optimize.c: `salesim optimize` lands on Holmstrom-Milgrom's
 * beta* = theta^2/(theta^2 + r c sigma^2) = 2.25/4.25 on
 * scenarios/hm-linear.cfg (objective with participation binding, within
 * 1e-3; common random numbers make the noise cancel, so it lands much closer),
 * on margin/2 = 0.5 with the file's fixed base (within 0.02), respects a
 * cost-of-sales constraint, and rejects bad options with exit 2. A
 * transition entry, which runs the two plans it names, is optimised with
 * them kept (scenarios/reform-transition.cfg).
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

/* Two tasks (Holmstrom-Milgrom 1991), issue 11 #7: with the participation
 * constraint binding, the optimal hunting rate given the book_rate is the
 * closed form's. K = [[1, .3], [.3, 1]], Sigma = diag(1, 2), r = 1, b = (1, 1):
 * the principal's optimum (salesim_theory_hm91_optimal) is interior,
 * alpha* = (0.412371, 0.292096); at book_rate = alpha_2* the best rate is
 * alpha_1*. The one-task participation cost, c (h + f)^2 / 2, put it at
 * about 0.35. */
static const char *two_task_scenario =
    "name = \"hm91\";\nseed = 5;\nreplications = 4;\nmonths = 12;\n"
    "production = { mode = \"linear\"; tasks = 2; noise_sd = 1.0; noise_sd_farm = 1.4142135623730951;\n"
    "  task_substitution = 0.3; hunt_pain = 1.0; output_scale = 1.0; };\n"
    "population = { reps = 20; ability = 1.0; effort_cost = 1.0; risk_aversion = 1.0;\n"
    "  outside_wage = 0.0; living_cost = 0.01; savings_months = 100000.0; quit_rate = 0.0;\n"
    "  hiring_cost = 0.0; };\n"
    "territories = { count = 1; };\n"
    "firm = { margin = 1.0; overhead_per_rep = 0.0; target_rule = \"fixed\"; fixed_target = 1.0; };\n"
    "mechanisms = ( { type = \"commission\"; rate = 0.5; book_rate = 0.29209621993127149; base = 1.0; } );\n";

static void test_hm91_bind_participation(void **state) {
  (void)state;
  const char *sc = salesim_test_write_temp("hm91.cfg", two_task_scenario);
  char cmd[2048], *out = NULL;
  snprintf(cmd, sizeof cmd,
           "'%s' optimize '%s' --mechanism commission --param rate --range 0.05:0.95 "
           "--bind-participation --threads 2",
           SALESIM_BINARY, sc);
  int st = salesim_test_run(cmd, &out);
  if (st != 0)
    fail_msg("%s", out ? out : "");
  const char *p = strstr(out, "optimum mechanisms.commission.rate = ");
  assert_non_null(p);
  double x = strtod(p + strlen("optimum mechanisms.commission.rate = "), NULL);
  print_message("two tasks: optimum rate %.6f (closed form 0.412371)\n", x);
  assert_close(x, 0.412371, 0, 1e-3);
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
  /* one task, ability varying: c e^2/2 at the mean effort is not the mean
   * cost, so the participation cost would be wrong; refused */
  const char *varied = salesim_test_write_temp(
      "varied.cfg", "name = \"varied\";\nseed = 3;\nreplications = 2;\nmonths = 12;\n"
                    "territories = { count = 5; };\n"
                    "population = { reps = 20; ability = { dist = \"lognormal\"; mean = 1.0; "
                    "sd = 0.3; }; outside_wage = 5000.0; effort_cost = 1500.0; "
                    "risk_aversion = 3e-6; };\n"
                    "production = { mode = \"linear\"; };\n"
                    "mechanisms = ( { type = \"commission\"; rate = 0.03; } );\n");
  snprintf(cmd, sizeof cmd, "'%s' optimize '%s' --mechanism commission --param rate "
                            "--bind-participation --range 0.01:0.05",
           SALESIM_BINARY, varied);
  assert_int_equal(salesim_test_run(cmd, &out), 2);
  assert_non_null(strstr(out, "ability, and the rate of a commission plan"));
  free(out);
}

/* A transition cannot run without the plans it names (`from`, `to`):
 * optimize keeps them beside it, and the optimum is a transition's. */
static void test_transition_keeps_its_plans(void **state) {
  (void)state;
  char cmd[2048], *out = NULL;
  snprintf(cmd, sizeof cmd,
           "'%s' optimize '%s' --mechanism switch_with_care --param transition_payment "
           "--range 0:20000 --replications 2 --threads 2",
           SALESIM_BINARY, salesim_test_path("scenarios/reform-transition.cfg"));
  int st = salesim_test_run(cmd, &out);
  if (st != 0)
    fail_msg("%s", out ? out : "");
  const char *p = strstr(out, "optimum mechanisms.switch_with_care.transition_payment = ");
  assert_non_null(p);
  double x = strtod(strchr(p, '=') + 1, NULL);
  assert_true(x >= 0 && x <= 20000);
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hm_beta_star),
      cmocka_unit_test(test_fixed_base_margin_half),
      cmocka_unit_test(test_hm91_bind_participation),
      cmocka_unit_test(test_bad_options),
      cmocka_unit_test(test_transition_keeps_its_plans),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
