/*
 * tests/test_pipeline.c: the stage chain is calibrated so that the chance of
 * eventually winning from stage j is j*20 % and the mean time from first
 * contact to contract is cycle_months (MODEL.md §4), checked over many
 * simulated opportunities, and the win_within table agrees with simulation.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "pipeline.h"

static void calibrate(salesim_world *w, salesim_scenario *sc, double cycle) {
  memset(sc, 0, sizeof *sc);
  sc->production.cycle_months = cycle;
  sc->production.deal_value.kind = SALESIM_DIST_CONSTANT;
  sc->production.deal_value.mean = 1;
  memset(w, 0, sizeof *w);
  w->sc = sc;
  salesim_pipeline_calibrate(w);
}

static void check_cycle(double cycle) {
  static salesim_world w;
  salesim_scenario sc;
  calibrate(&w, &sc, cycle);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 11);
  const int n = 200000;
  for (int start = 1; start < SALESIM_STAGES; start++) {
    int won = 0;
    double months_sum = 0;
    int within6 = 0;
    for (int i = 0; i < n; i++) {
      int j = start, t = 0;
      for (;;) {
        t++;
        double u = gsl_rng_uniform(r);
        if (u < w.p_advance[j]) {
          if (++j == SALESIM_STAGES) {
            won++;
            months_sum += t;
            within6 += t <= 6;
            break;
          }
        } else if (u < w.p_advance[j] + w.p_lose[j]) {
          break;
        }
      }
    }
    double p = (double)won / n;
    double se = sqrt(0.2 * start * (1 - 0.2 * start) / n);
    assert_close(p, 0.2 * start, 0, 5 * se);
    assert_close((double)within6 / n, w.win_within[start][6], 0, 0.005);
    if (start == 1) /* first contact -> contract */
      assert_close(months_sum / won, cycle, 0.01, 0);
  }
  /* psi: expected wins within m months from leads opened over m months */
  double psi = 0;
  for (int u = 0; u < 12; u++)
    psi += w.win_within[1][u];
  assert_close(w.psi[12], psi, 1e-12, 0);
  assert_close(w.win_within[1][SALESIM_MAX_HORIZON], 0.2, 1e-6, 0);
  gsl_rng_free(r);
}

static void test_cycle_6(void **state) {
  (void)state;
  check_cycle(6);
}

static void test_cycle_9(void **state) {
  (void)state;
  check_cycle(9);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cycle_6),
      cmocka_unit_test(test_cycle_9),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
