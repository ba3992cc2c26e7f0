/* tests/test_calibrate.c: the calibration (engine/run/calibrate.c, issue 13;
 * docs/calibration.md) on simulated firms whose traits are known: the
 * identified traits' intervals cover the truth, any thread count gives the
 * same bits, and `salesim calibrate` writes a folder whose calibrated.cfg
 * loads as it is. The long round trip over several firms and seeds, and
 * the held-out year, are `make check-calibration`. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "calibrate.h"
#include "study.h"

#define TRUTH_OF(MONTHS, REPS, TERR)                                                             \
  "name = \"truth\";\nseed = 3;\nmonths = " MONTHS ";\nbaseline = \"ts\";\n"                    \
  "production = { cycle_months = 6.0; deal_value = { dist = \"lognormal\"; mean = 150000.0; "   \
  "sd = 75000.0; }; account_share = 0.02; churn = 0.02; farm_effect = 1.5; hunt_pain = 1.5; };\n" \
  "population = { reps = " REPS "; ability = { dist = \"lognormal\"; mean = 1.0; sd = 0.3; };\n"     \
  "  effort_cost = { dist = \"lognormal\"; mean = 1500.0; sd = 500.0; };\n"                      \
  "  outside_wage = { dist = \"normal\"; mean = 5500.0; sd = 1200.0; min = 0.0; };\n"            \
  "  savings_months = { dist = \"lognormal\"; mean = 3.0; sd = 2.0; };\n"                        \
  "  living_cost = 4000.0; hire_delay = 1; quit_rate = 0.005; };\n"                              \
  "territories = { count = " TERR "; potential = { dist = \"lognormal\"; mean = 8000000.0; sd = "      \
  "2500000.0; }; book = { dist = \"lognormal\"; mean = 1000000.0; sd = 300000.0; }; };\n"         \
  "mechanisms = ( { type = \"target_salary\"; name = \"ts\"; } );\n"
/* a firm of 120 reps over two years: the quick cases */
#define TRUTH TRUTH_OF("24", "120", "30")
/* 200 reps over three years: the size of the example company */
#define TRUTH_BIG TRUTH_OF("36", "200", "50")

/* The truth's history (replication 0 of seed 777) as a company's data, and
 * a scenario that starts away from the truth on it. */
static salesim_scenario *company(salesim_scenario **truth, const char *text, int months) {
  *truth = salesim_test_load_text(text);
  salesim_data *h = NULL;
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_study_record(*truth, 0, 0, 777, NULL, &h, &d), 0);
  salesim_diag_clear(&d);
  h->start = salesim_data_days(2026 + months / 12, 1, 1); /* the history's end */
  salesim_scenario *sc = salesim_scenario_copy(*truth);
  sc->data = h;
  sc->population.effort_cost.mean = 2500;
  sc->population.effort_cost.sd = 2500.0 / 3;
  sc->population.outside_wage.mean = 4500;
  sc->population.ability.sd = 0.5;
  return sc;
}

static void fit(const salesim_scenario *sc, int threads, int evals, int reps,
                salesim_calibrate_result *r) {
  salesim_calibrate_options opt = SALESIM_CALIBRATE_OPTIONS_INIT;
  opt.has_seed = 1;
  opt.seed = 99; /* not the truth's: the fit must not replay its history */
  opt.replications = reps;
  opt.check_replications = 40;
  opt.bootstrap = 100;
  opt.max_evaluations = evals;
  opt.threads = threads;
  salesim_diag d = SALESIM_DIAG_INIT, w = SALESIM_DIAG_INIT;
  int rc = salesim_calibrate(sc, &opt, r, &d, &w);
  salesim_test_print_diag(&d);
  salesim_test_print_diag(&w);
  assert_int_equal(rc, 0);
  salesim_diag_clear(&d);
  salesim_diag_clear(&w);
}

static void test_round_trip(void **state) {
  (void)state;
  salesim_scenario *truth, *sc = company(&truth, TRUTH_BIG, 36);
  salesim_calibrate_result r;
  fit(sc, 2, 100, 16, &r);
  double want[SALESIM_CALIB_PARAMS] = {0.3, 1500, 3e-6, 5500, 3};
  int identified = 0, covered[SALESIM_CALIB_PARAMS] = {0};
  for (int p = 0; p < SALESIM_CALIB_PARAMS; p++) {
    const salesim_calibrate_param *q = &r.param[p];
    print_message("%-22s start %9.4g est %9.4g [%9.4g %9.4g] sens %5.3g %s\n", q->name, q->start,
                  q->estimate, q->low, q->high, q->sensitivity,
                  q->identified ? "identified" : "not identified");
    if (!q->identified) {
      assert_true(q->estimate == q->start); /* kept, to the bit */
      continue;
    }
    identified++;
    covered[p] = q->low <= want[p] && want[p] <= q->high;
  }
  /* ability spread, effort cost and outside wage show in these moments and
   * their intervals cover the truth; the spread's reaches down into the
   * region where the moments hardly move with it (0.48 [0.12, 0.68] for
   * 0.3; the sandwich's alone, [0.33, 0.68], missed it: docs/calibration.md,
   * "Intervals") */
  assert_true(identified >= 3);
  assert_true(r.param[0].identified && covered[0] && covered[1] && covered[3]);
  assert_true(r.param[0].low < r.param[0].estimate * exp(-1.96 * r.param[0].se / r.param[0].estimate));
  assert_true(r.objective < r.objective_start);
  assert_true(r.pipeline_fitted);
  salesim_calibrate_result_clear(&r);
  salesim_scenario_free(sc);
  salesim_scenario_free(truth);
}

static void test_threads_same_bits(void **state) {
  (void)state;
  salesim_scenario *truth, *sc = company(&truth, TRUTH, 24);
  salesim_calibrate_result a, b;
  fit(sc, 1, 12, 4, &a);
  fit(sc, 2, 12, 4, &b);
  for (int p = 0; p < SALESIM_CALIB_PARAMS; p++) {
    assert_memory_equal(&a.param[p].estimate, &b.param[p].estimate, sizeof(double));
    assert_memory_equal(&a.param[p].sensitivity, &b.param[p].sensitivity, sizeof(double));
  }
  assert_memory_equal(a.sim_mean, b.sim_mean, sizeof a.sim_mean);
  salesim_calibrate_result_clear(&a);
  salesim_calibrate_result_clear(&b);
  salesim_scenario_free(sc);
  salesim_scenario_free(truth);
}

/* The command: export a history, calibrate on it, load the result; a
 * scenario without data is refused with nothing written. */
static void test_command(void **state) {
  (void)state;
  const char *root = salesim_test_root();
  salesim_test_write_at("truth.cfg", TRUTH);
  char *out = NULL;
  int rc = salesim_test_sh(&out, "cd '%s' && '%s' run truth.cfg -o run --replications 1 "
                                 "--export-history hist 2>&1",
                           root, SALESIM_BINARY);
  print_message("%s", out ? out : "");
  free(out);
  assert_int_equal(rc, 0);
  salesim_test_write_at(
      "company.cfg",
      "name = \"company\";\nseed = 5;\nmonths = 24;\nbaseline = \"ts\";\n"
      "population = { effort_cost = { dist = \"lognormal\"; mean = 2500.0; sd = 800.0; }; # guess\n"
      "  living_cost = 4000.0; hire_delay = 1; quit_rate = 0.005; };\n"
      "mechanisms = ( { type = \"target_salary\"; name = \"ts\"; } );\n"
      "data = { territories = \"hist/ts/territories.csv\"; accounts = \"hist/ts/accounts.csv\";\n"
      "  roster = \"hist/ts/roster.csv\"; performance = \"hist/ts/performance.csv\";\n"
      "  opportunities = \"hist/ts/opportunities.csv\"; };\n");
  rc = salesim_test_sh(&out, "cd '%s' && '%s' calibrate company.cfg -o cal --replications 4 "
                             "--max-evaluations 8 --bootstrap 40 --threads 2 2>&1",
                       root, SALESIM_BINARY);
  print_message("%s", out ? out : "");
  assert_true(out != NULL && strstr(out, "wrote cal/fit.csv") != NULL);
  free(out);
  assert_int_equal(rc, 0);
  static const char *const files[] = {"cal/fit.csv", "cal/calibration.md", "cal/calibrated.cfg",
                                      "cal/data/roster.csv", "cal/data/opportunities.csv",
                                      "cal/.salesim-output"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    assert_true(salesim_test_exists(salesim_test_at(files[i])));
  /* the copies are the same bytes */
  rc = salesim_test_sh(NULL, "cd '%s' && cmp hist/ts/roster.csv cal/data/roster.csv", root);
  assert_int_equal(rc, 0);
  /* calibrated.cfg loads and validates as it is, keeps the user's comment */
  rc = salesim_test_sh(&out, "cd '%s' && '%s' validate cal/calibrated.cfg 2>&1 && grep -c "
                             "'# guess' cal/calibrated.cfg",
                       root, SALESIM_BINARY);
  print_message("%s", out ? out : "");
  free(out);
  assert_int_equal(rc, 0);
  char *fitcsv = salesim_test_slurp(salesim_test_at("cal/fit.csv"), NULL);
  assert_non_null(fitcsv);
  assert_true(strncmp(fitcsv, "section,name,estimate,se,ci_low,ci_high,observed,", 49) == 0);
  assert_non_null(strstr(fitcsv, "\ntrait,effort_cost_mean,"));
  assert_non_null(strstr(fitcsv, "\nmoment,win_rate,"));
  assert_non_null(strstr(fitcsv, "\npipeline,p_win_20,"));
  free(fitcsv);
  /* held out: fitted on the first year, the second predicted */
  rc = salesim_test_sh(&out, "cd '%s' && '%s' calibrate company.cfg -o held --replications 4 "
                             "--max-evaluations 6 --bootstrap 40 --holdout-months 12 2>&1",
                       root, SALESIM_BINARY);
  print_message("%s", out ? out : "");
  assert_true(out != NULL && strstr(out, "on 12 months of history") != NULL &&
              strstr(out, "held-out 12 months: ") != NULL);
  free(out);
  assert_int_equal(rc, 0);
  fitcsv = salesim_test_slurp(salesim_test_at("held/fit.csv"), NULL);
  assert_non_null(fitcsv);
  assert_non_null(strstr(fitcsv, "\nholdout,attainment_mean_tenure_ge12,"));
  assert_non_null(strstr(fitcsv, "\nholdout,credited_sales_per_rep_year,"));
  free(fitcsv);
  /* a hold-out that leaves less than a year to fit on is refused */
  rc = salesim_test_sh(&out, "cd '%s' && '%s' calibrate company.cfg -o held2 --holdout-months 13 "
                             "2>&1",
                       root, SALESIM_BINARY);
  assert_true(out != NULL && strstr(out, "11 months of history before the held-out months "
                                         "(expected at least 12)") != NULL);
  free(out);
  assert_int_equal(rc, 2);
  assert_false(salesim_test_exists(salesim_test_at("held2")));
  /* no data: one line, exit 2, no folder */
  rc = salesim_test_sh(&out, "cd '%s' && '%s' calibrate truth.cfg -o nodata 2>&1", root,
                       SALESIM_BINARY);
  print_message("%s", out ? out : "");
  assert_true(out != NULL && strstr(out, "truth.cfg: calibrate: the scenario's data has no files") !=
                                 NULL);
  free(out);
  assert_int_equal(rc, 2);
  assert_false(salesim_test_exists(salesim_test_at("nodata")));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_threads_same_bits),
      cmocka_unit_test_setup_teardown(test_command, salesim_test_root_setup,
                                      salesim_test_root_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
