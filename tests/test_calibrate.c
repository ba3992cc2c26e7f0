/* tests/test_calibrate.c: the calibration (engine/run/calibrate.c, issue 13)
 * recovers the traits of a simulated firm whose truth is known. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "calibrate.h"
#include "metrics.h"
#include "sim.h"

/* One history of `sc`'s firm (replication 0 under `seed`), as data. */
static salesim_data *history_of(const salesim_scenario *sc, uint64_t seed) {
  double *metrics = malloc((size_t)salesim_metric_count() * sizeof *metrics);
  double *monthly = calloc((size_t)sc->months * SALESIM_SERIES_COUNT, sizeof *monthly);
  salesim_task_out out = {metrics, monthly, NULL, 0, NULL};
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_data *h = NULL;
  int rc = salesim_sim_run_recorded(sc, sc->baseline_index, 0, seed, &out, &d, &h);
  salesim_test_print_diag(&d);
  assert_int_equal(rc, 0);
  for (int t = 0; t < out.n_tables; t++)
    salesim_table_free(out.tables[t]);
  free(out.tables);
  free(metrics);
  free(monthly);
  salesim_diag_clear(&d);
  return h;
}

static void test_round_trip(void **state) {
  (void)state;
  salesim_scenario *truth = salesim_test_load_text(
      "name = \"truth\";\nseed = 3;\nmonths = 36;\nbaseline = \"ts\";\n"
      "production = { cycle_months = 6.0; deal_value = { dist = \"lognormal\"; mean = 150000.0; "
      "sd = 75000.0; }; account_share = 0.02; churn = 0.02; farm_effect = 1.5; hunt_pain = 1.5; };\n"
      "population = { reps = 200; ability = { dist = \"lognormal\"; mean = 1.0; sd = 0.3; };\n"
      "  effort_cost = { dist = \"lognormal\"; mean = 1500.0; sd = 500.0; };\n"
      "  outside_wage = { dist = \"normal\"; mean = 5500.0; sd = 1200.0; min = 0.0; };\n"
      "  savings_months = { dist = \"lognormal\"; mean = 3.0; sd = 2.0; };\n"
      "  living_cost = 4000.0; hire_delay = 1; quit_rate = 0.005; };\n"
      "territories = { count = 50; potential = { dist = \"lognormal\"; mean = 8000000.0; sd = "
      "2500000.0; }; book = { dist = \"lognormal\"; mean = 1000000.0; sd = 300000.0; }; };\n"
      "mechanisms = ( { type = \"target_salary\"; name = \"ts\"; } );\n");
  salesim_data *h = history_of(truth, 777);
  print_message("history: %zu reps, %zu periods, %zu accounts, %zu events, %zu opps\n", h->n_reps,
                h->n_periods, h->n_accounts, h->n_events, h->n_opportunities);
  salesim_scenario *sc = salesim_scenario_copy(truth);
  h->start = salesim_data_days(2029, 1, 1); /* the history's end: the accounts' day */
  sc->data = h;
  /* start away from the truth */
  sc->population.effort_cost.mean = 2500;
  sc->population.effort_cost.sd = 2500.0 / 3;
  sc->population.outside_wage.mean = 4500;
  sc->population.ability.sd = 0.5;
  salesim_calibrate_options opt = SALESIM_CALIBRATE_OPTIONS_INIT;
  opt.has_seed = 1;
  opt.seed = 99;
  opt.to = salesim_data_days(2029, 1, 1);
  salesim_calibrate_result r;
  salesim_diag d = SALESIM_DIAG_INIT, w = SALESIM_DIAG_INIT;
  int rc = salesim_calibrate(sc, &opt, &r, &d, &w);
  salesim_test_print_diag(&d);
  salesim_test_print_diag(&w);
  assert_int_equal(rc, 0);
  print_message("window %ld..%ld months %d reps %d evals %d J %g -> %g conv %d\n", r.from, r.to,
                r.months, r.reps_at_start, r.evaluations, r.objective_start, r.objective,
                r.converged);
  for (int k = 0; k < SALESIM_MOMENTS; k++)
    print_message("%-32s obs %10.4g se %9.3g  sim %10.4g [%9.4g %9.4g] used %d\n",
                  salesim_moment_name(k), r.observed.value[k], r.observed_se[k], r.sim_mean[k],
                  r.sim_p025[k], r.sim_p975[k], r.used[k]);
  for (int p = 0; p < SALESIM_CALIB_PARAMS; p++)
    print_message("%-22s start %10.4g est %10.4g se %9.3g [%9.4g %9.4g] sens %6.3g id %d\n",
                  r.param[p].name, r.param[p].start, r.param[p].estimate, r.param[p].se,
                  r.param[p].low, r.param[p].high, r.param[p].sensitivity, r.param[p].identified);
  salesim_diag_clear(&d);
  salesim_diag_clear(&w);
  salesim_scenario_free(sc);
  salesim_scenario_free(truth);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_round_trip)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
