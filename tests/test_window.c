/*
 * tests/test_window.c: salesim_win_value_window (models/core/window.h), the
 * discounted expected wins per unit of hunting effort inside a window of
 * months, against a brute force that does not use win_within: for every
 * month s of the horizon a lead found that month is put at stage 1 after
 * the month's step and the chain (p_advance, p_lose) is stepped month by
 * month, the chance of a win in each month m in the window discounted by
 * d^m; and against a simulation of single deals. With the rule of
 * cycle_months and with per-stage rates; empty windows and windows past
 * the horizon give 0; the window [0, H) is lead_unit x psi_d[H].
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "pipeline.h"
#include "window.h"

static salesim_world w;
static salesim_scenario sc;
static salesim_territory terr;
static salesim_agent ag;

static void setup_world(double cycle, int per_stage, double discount, int horizon) {
  memset(&sc, 0, sizeof sc);
  sc.production.cycle_months = cycle;
  sc.production.deal_value.kind = SALESIM_DIST_CONSTANT;
  sc.production.deal_value.mean = 1;
  if (per_stage) {
    static const double adv[4] = {0.30, 0.25, 0.35, 0.5}, lose[4] = {0.2, 0.1, 0.15, 0.1};
    sc.production.stage_advance.n = sc.production.stage_loss.n = 4;
    for (int j = 0; j < 4; j++) {
      sc.production.stage_advance.v[j] = adv[j];
      sc.production.stage_loss.v[j] = lose[j];
    }
  }
  sc.population.discount = discount;
  sc.population.horizon_months = horizon;
  memset(&w, 0, sizeof w);
  w.sc = &sc;
  salesim_pipeline_calibrate(&w);
  memset(&terr, 0, sizeof terr);
  terr.lead_rate = 0.8;
  terr.prospects0 = 400;
  terr.prospects = 300;
  terr.difficulty = 1.25;
  w.terr = &terr;
  memset(&ag, 0, sizeof ag);
  ag.ability = 1.1;
  ag.skill = 0.9;
  ag.territory = 0;
}

static double lead_unit(void) { return 0.8 * 1.1 * 0.9 * (300.0 / 400) / 1.25; }

/* The chain stepped month by month for every month a lead can be found. */
static double brute(int from, int to, int H, double d) {
  double total = 0;
  for (int s = 0; s < H; s++) {
    double p[SALESIM_STAGES] = {0, 1, 0, 0, 0}; /* opened after month s's step */
    for (int m = s + 1; m < H; m++) {
      double q[SALESIM_STAGES] = {0}, win = 0;
      for (int j = 1; j < SALESIM_STAGES; j++) {
        double a = w.p_advance[j], l = w.p_lose[j];
        if (j + 1 == SALESIM_STAGES)
          win += p[j] * a;
        else
          q[j + 1] += p[j] * a;
        q[j] += p[j] * (1 - a - l);
      }
      memcpy(p, q, sizeof p);
      if (m >= from && m < to)
        total += pow(d, m) * win;
    }
  }
  return lead_unit() * total;
}

/* Single deals simulated: a lead found in a uniformly drawn month s of the
 * horizon, counted (x H: one lead a month) when it wins in the window. */
static double simulated(int from, int to, int H, double d, int n, gsl_rng *r, double *se) {
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; i++) {
    int s = (int)gsl_rng_uniform_int(r, (unsigned long)H), j = 1;
    double v = 0;
    for (int m = s + 1; m < H; m++) {
      double u = gsl_rng_uniform(r);
      if (u < w.p_advance[j]) {
        if (++j == SALESIM_STAGES) {
          v = m >= from && m < to ? pow(d, m) * H : 0;
          break;
        }
      } else if (u < w.p_advance[j] + w.p_lose[j]) {
        break;
      }
    }
    sum += v;
    sum2 += v * v;
  }
  double mean = sum / n, var = sum2 / n - mean * mean;
  *se = lead_unit() * sqrt(var / n);
  return lead_unit() * mean;
}

static void check_setting(double cycle, int per_stage, double d, int H) {
  setup_world(cycle, per_stage, d, H);
  static const int win[][2] = {{0, 3}, {4, 5}, {2, 7}, {5, 9}, {0, 24}, {3, 40}, {10, 12}};
  for (size_t k = 0; k < sizeof win / sizeof win[0]; k++) {
    double v = salesim_win_value_window(&w, &ag, win[k][0], win[k][1]);
    double b = brute(win[k][0], win[k][1], H, d);
    print_message("cycle %.0f%s d %.3f H %d window [%d, %d): %.9f brute %.9f\n", cycle,
                  per_stage ? " (per stage)" : "", d, H, win[k][0], win[k][1], v, b);
    assert_close(v, b, 1e-12, 1e-15);
  }
  /* nothing outside the window */
  assert_true(salesim_win_value_window(&w, &ag, 4, 4) == 0);
  assert_true(salesim_win_value_window(&w, &ag, 6, 2) == 0);
  assert_true(salesim_win_value_window(&w, &ag, H, H + 5) == 0);
  /* a lead takes a stage a month: found this month, it can win in month 4 */
  assert_true(salesim_win_value_window(&w, &ag, 0, 4) == 0);
  assert_true(salesim_win_value_window(&w, &ag, 4, 5) > 0);
  /* the whole horizon is psi_d's sum */
  assert_close(salesim_win_value_window(&w, &ag, 0, H), lead_unit() * w.psi_d[H], 1e-12, 0);
  /* windows add up */
  double parts = salesim_win_value_window(&w, &ag, 0, 5) + salesim_win_value_window(&w, &ag, 5, H);
  assert_close(parts, salesim_win_value_window(&w, &ag, 0, H), 1e-12, 0);
}

static void test_window_brute_force(void **state) {
  (void)state;
  check_setting(6, 0, 0.99, 24);
  check_setting(4, 0, 1.0, 12);
  check_setting(9, 1, 0.985, 36);
}

/* Cycles under 4 months: a month is several sub-steps and a lead can win in
 * the month it is found (pipeline.c lead_within[0] > 0), so a window that
 * starts now is worth something at once; the whole horizon is still psi_d's
 * sum and windows add up. */
static void test_window_short_cycle(void **state) {
  (void)state;
  setup_world(0.5, 0, 0.99, 24);
  assert_true(w.lead_within[0] > 0);
  double now = salesim_win_value_window(&w, &ag, 0, 1);
  assert_close(now, lead_unit() * w.lead_within[0], 1e-12, 0);
  setup_world(1.5, 0, 0.99, 24);
  assert_close(salesim_win_value_window(&w, &ag, 0, 24), lead_unit() * w.psi_d[24], 1e-12, 0);
  double parts = salesim_win_value_window(&w, &ag, 0, 2) + salesim_win_value_window(&w, &ag, 2, 24);
  assert_close(parts, salesim_win_value_window(&w, &ag, 0, 24), 1e-12, 0);
  assert_true(salesim_win_value_window(&w, &ag, 1, 2) > 0);
}

static void test_window_simulated(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 14);
  setup_world(6, 0, 0.99, 24);
  double se, s = simulated(2, 8, 24, 0.99, 400000, r, &se);
  double v = salesim_win_value_window(&w, &ag, 2, 8);
  print_message("window [2, 8): %.6f simulated %.6f (se %.6f)\n", v, s, se);
  assert_true(fabs(v - s) < 4 * se);
  gsl_rng_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_window_brute_force),
      cmocka_unit_test(test_window_simulated),
      cmocka_unit_test(test_window_short_cycle),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
