/*
 * tests/test_pipeline.c: the stage chain is calibrated so that the chance of
 * eventually winning from stage j is j*20 % and the mean time from first
 * contact to contract is cycle_months (MODEL.md §4), checked over many
 * simulated opportunities, and the win_within table agrees with simulation.
 * Cycles under 4 months (sub-steps, issue 14): at one step a month the
 * tables are bit for bit those of the one-step computation kept here. At
 * 0.5, 1, 1.5 and 3 months the chain's exact mean months from first contact
 * to a won contract (a new lead takes half a month's sub-steps in the month
 * it is found, which counts 0.5) is cycle_months to 1e-9, also worked out
 * apart from the rows (a won deal's sub-steps are four geometric(q')
 * stays); deals walked sub-step by sub-step and 100,000 deals through a
 * real world's monthly step (one uniform a deal a month, the first-month
 * row included) close in cycle_months on average (95 % interval) and win
 * one in five; the steady state of the starting pipelines and the psi
 * tables follow the first-month row; cycle_months 0.5 loads (q' = 1) and
 * 0.4 is refused.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include <salesim/salesim.h>

#include "pipeline.h"
#include "sim.h"
#include "world.h"

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

/* The tables as pipeline.c computed them before sub-steps existed (one
 * stage a month at most): win_within, psi, cycle. */
static void old_tables(const salesim_production *p,
                       double ww[SALESIM_STAGES][SALESIM_MAX_HORIZON + 1], double *psi,
                       double *cycle) {
  double a[SALESIM_STAGES], l[SALESIM_STAGES], pw[SALESIM_STAGES], left[SALESIM_STAGES],
      to_win[SALESIM_STAGES];
  int per_stage = salesim_pipeline_stage_rates(p, a, l);
  salesim_pipeline_chain(a, l, pw, left, to_win);
  *cycle = per_stage ? to_win[1] : p->cycle_months;
  for (int j = 0; j < SALESIM_STAGES; j++)
    ww[j][0] = 0;
  for (int m = 1; m <= SALESIM_MAX_HORIZON; m++) {
    for (int j = SALESIM_STAGES - 1; j >= 1; j--) {
      double up = (j == SALESIM_STAGES - 1) ? 1.0 : ww[j + 1][m - 1];
      double stay = 1 - a[j] - l[j];
      ww[j][m] = a[j] * up + stay * ww[j][m - 1];
    }
    ww[0][m] = 0;
  }
  psi[0] = 0;
  for (int m = 1; m <= SALESIM_MAX_HORIZON; m++)
    psi[m] = psi[m - 1] + ww[1][m - 1];
}

static void same_as_before(salesim_world *w) {
  static double ww[SALESIM_STAGES][SALESIM_MAX_HORIZON + 1];
  double psi[SALESIM_MAX_HORIZON + 1], cycle;
  old_tables(&w->sc->production, ww, psi, &cycle);
  assert_int_equal(w->sub_steps, 1);
  assert_memory_equal(ww, w->win_within, sizeof ww);
  assert_memory_equal(psi, w->psi, sizeof psi);
  assert_memory_equal(&cycle, &w->cycle, sizeof cycle);
  /* a new lead takes no step in the month found: its table is stage 1's */
  assert_memory_equal(ww[1], w->lead_within, sizeof w->lead_within);
  for (int s = 0; s <= SALESIM_STAGES; s++)
    assert_true(w->first_row[s] == (s == 1));
  assert_true(w->psi_d[1] == 0);
  /* the monthly rows are the one-step chances themselves */
  for (int j = 1; j < SALESIM_STAGES; j++) {
    int up = j + 1;
    assert_memory_equal(&w->month_row[j][up], &w->p_advance[j], sizeof(double));
    assert_memory_equal(&w->month_row[j][0], &w->p_lose[j], sizeof(double));
  }
}

static void test_one_step_unchanged(void **state) {
  (void)state;
  static salesim_world w;
  salesim_scenario sc;
  const double cycles[] = {4, 4.5, 6, 9, 24, 60};
  for (size_t i = 0; i < sizeof cycles / sizeof *cycles; i++) {
    calibrate(&w, &sc, cycles[i]);
    same_as_before(&w);
  }
  /* per-stage values: one step a month even with a short cycle_months */
  calibrate(&w, &sc, 1.0);
  assert_int_equal(w.sub_steps, 12);
  const double adv[] = {0.5, 0.4, 0.6, 0.7}, los[] = {0.2, 0.1, 0.15, 0.1};
  sc.production.stage_advance.n = sc.production.stage_loss.n = 4;
  for (int j = 0; j < 4; j++) {
    sc.production.stage_advance.v[j] = adv[j];
    sc.production.stage_loss.v[j] = los[j];
  }
  memset(&w, 0, sizeof w);
  w.sc = &sc;
  salesim_pipeline_calibrate(&w);
  same_as_before(&w);
}

/* The exact mean worked out apart from the rows: a won deal leaves each
 * stage upwards with chance q' a sub-step (the chain conditioned on
 * winning, pipeline.c salesim_pipeline_chain), so its sub-steps N are the
 * sum of four geometric(q'); found with h = k/2 sub-steps left in its
 * first month, it closes in that month (0.5) when N <= h, else in month
 * ceil((N - h)/k) after it (0.5 + that). */
static double mean_apart(double q, int k) {
  enum { NMAX = 4000 };
  static double pmf[NMAX + 1], next[NMAX + 1];
  memset(pmf, 0, sizeof pmf);
  pmf[0] = 1;
  for (int stage = 0; stage < 4; stage++) {
    memset(next, 0, sizeof next);
    for (int n = 0; n <= NMAX; n++) {
      if (pmf[n] == 0)
        continue;
      double g = q; /* P(this stay is d sub-steps) = q (1-q)^(d-1) */
      for (int d = 1; n + d <= NMAX && g > 1e-300; d++) {
        next[n + d] += pmf[n] * g;
        g *= 1 - q;
      }
    }
    memcpy(pmf, next, sizeof pmf);
  }
  double mean = 0, total = 0;
  int h = k / 2;
  for (int n = 1; n <= NMAX; n++) {
    total += pmf[n];
    mean += pmf[n] * (n <= h ? 0.5 : 0.5 + ceil((double)(n - h) / k));
  }
  assert_close(total, 1, 1e-12, 0);
  return mean;
}

static const double short_cycles[] = {0.5, 1, 1.5, 3};
static const int short_k[] = {16, 12, 8, 4};

/* For each short cycle: the exact mean is cycle_months, the win chances
 * j/5; deals walked sub-step by sub-step at q' (not through the composed
 * rows, the first month k/2 sub-steps) close in cycle_months on average
 * (1.96 standard errors), win one in five, and are won by the end of the
 * month after the one found as lead_within[1] says. */
static void test_short_cycle_chain(void **state) {
  (void)state;
  static salesim_world w;
  salesim_scenario sc;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 29);
  for (int c = 0; c < 4; c++) {
    double cycle = short_cycles[c];
    calibrate(&w, &sc, cycle);
    int k = w.sub_steps;
    assert_int_equal(k, short_k[c]);
    double q = w.sub_q, pw;
    assert_true(q > 0 && q <= 1);
    double mean = salesim_pipeline_mean_months(w.month_row, w.first_row, &pw);
    assert_close(mean, cycle, 1e-9, 0);
    assert_close(pw, 0.2, 1e-12, 0);
    assert_true(w.cycle == cycle);
    assert_close(mean_apart(q, k), cycle, 1e-9, 0);
    for (int j = 1; j < SALESIM_STAGES; j++) {
      double row = 0;
      for (int s = 0; s <= SALESIM_STAGES; s++) {
        assert_true(w.month_row[j][s] >= 0);
        row += w.month_row[j][s];
      }
      assert_close(row, 1, 1e-12, 0);
      assert_close(w.p_win[j], 0.2 * j, 1e-12, 0);
      assert_close(w.win_within[j][SALESIM_MAX_HORIZON], 0.2 * j, 1e-9, 0);
    }
    assert_close(w.lead_within[SALESIM_MAX_HORIZON], 0.2, 1e-9, 0);
    /* a lead can be won in the month it is found when its k/2 sub-steps
     * can pass the four stages; psi and psi_d count it */
    assert_true((w.lead_within[0] > 0) == (k / 2 >= 4));
    assert_close(w.psi[1], w.lead_within[0], 1e-15, 0);
    assert_close(w.psi_d[1], w.lead_within[0], 1e-15, 0);
    double psi = 0;
    for (int u = 0; u < 12; u++)
      psi += w.lead_within[u];
    assert_close(w.psi[12], psi, 1e-12, 0);
    const int n = 100000;
    int won = 0, within1 = 0;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; i++) {
      int j = 1, done = 0;
      for (int t = 0; !done; t++) { /* t = 0: the month found */
        for (int sub = t == 0 ? k / 2 : 0; sub < k && !done; sub++) {
          double u = gsl_rng_uniform(r);
          if (u < q * j / (j + 1.0)) {
            if (++j == SALESIM_STAGES) {
              double months = 0.5 + t;
              won++;
              sum += months;
              sum2 += months * months;
              within1 += t <= 1;
              done = 1;
            }
          } else if (u < q * j / (j + 1.0) + q / (j + 1.0)) {
            done = 1;
          }
        }
      }
    }
    assert_close((double)won / n, 0.2, 0, 5 * sqrt(0.2 * 0.8 / n));
    assert_close((double)within1 / n, w.lead_within[1], 0, 5 * sqrt(0.25 / n));
    double m = sum / won, sd = sqrt(sum2 / won - m * m);
    if (sd > 0)
      assert_close(m, cycle, 0, 1.96 * sd / sqrt(won));
    else /* cycle 0.5: q' = 1, every win in the month found */
      assert_close(m, cycle, 1e-12, 0);
  }
  gsl_rng_free(r);
}

/* The real monthly step (models/core/pipeline.c step_deals, one uniform a
 * deal a month over the composed row, the first-month row for the leads of
 * the month) in a world with each short cycle: 100,000 deals found in one
 * month win one in five, in cycle_months on average (the month found
 * counting 0.5) within the 95 % interval. */
static void test_short_cycle_world(void **state) {
  (void)state;
  for (int c = 0; c < 4; c++) {
    char text[512];
    snprintf(text, sizeof text,
             "name = \"short\";\nseed = 7;\nmonths = 12;\n"
             "population = { reps = 4; };\nterritories = { count = 1; };\n"
             "production = { cycle_months = %g; };\n"
             "mechanisms = ( { type = \"commission\"; } );\n",
             short_cycles[c]);
    salesim_scenario *sc = salesim_test_load_text(text);
    assert_non_null(sc);
    salesim_world *w = NULL;
    assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
    assert_int_equal(w->sub_steps, short_k[c]);
    salesim_agent *a = &w->agents[0];
    long opened = 0;
    double won_n = 0, t_sum = 0, t_sum2 = 0;
    for (int batch = 0; batch < 50; batch++) {
      salesim_pipeline_clear(w, a);
      for (int k = 0; k < 2000; k++)
        assert_int_equal(salesim_pipeline_open(w, 0, 1.0), 0);
      opened += 2000;
      for (int t = 0; t <= 200 && a->n_opps > 0; t++) {
        double won = 0, wins = 0;
        salesim_pipeline_step_fresh(w, a, t == 0 ? 2000 : 0, &won, &wins);
        assert_true(won == wins);
        won_n += wins;
        t_sum += (0.5 + t) * wins;
        t_sum2 += (0.5 + t) * (0.5 + t) * wins;
        for (int k = 0; k < a->n_opps; k++)
          assert_true(a->deal_stage[k] >= 1 && a->deal_stage[k] < SALESIM_STAGES);
      }
      assert_int_equal(a->n_opps, 0);
    }
    double p = won_n / (double)opened;
    assert_close(p, 0.2, 0, 5 * sqrt(0.2 * 0.8 / (double)opened));
    double mean = t_sum / won_n, sd = sqrt(fmax(0, t_sum2 / won_n - mean * mean));
    if (sd > 1e-9)
      assert_close(mean, short_cycles[c], 0, 1.96 * sd / sqrt(won_n));
    else
      assert_close(mean, short_cycles[c], 1e-12, 0);
    salesim_world_free(w);
    salesim_scenario_free(sc);
  }
}

/* The starting pipelines' steady state with sub-steps: a deal found in a
 * month takes the first-month row, then sits at stage s at reach[s] /
 * exit_rate[s] month ends on average (walked here month by month over the
 * composed rows). */
static void test_short_cycle_steady(void **state) {
  (void)state;
  static salesim_world w;
  salesim_scenario sc;
  calibrate(&w, &sc, 1.5);
  double reach[SALESIM_STAGES], exit_rate[SALESIM_STAGES];
  salesim_pipeline_steady(&sc.production, reach, exit_rate);
  assert_close(reach[1], w.first_row[1], 0, 0);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 41);
  const int n = 200000;
  double ends[SALESIM_STAGES] = {0};
  for (int i = 0; i < n; i++) {
    int j = 1;
    const double *row = w.first_row;
    for (;;) {
      double u = gsl_rng_uniform(r), c = 0;
      int to = j; /* stays unless the row says otherwise */
      for (int s = 0; s <= SALESIM_STAGES; s++) {
        if (s == j)
          continue;
        c += row[s];
        if (u < c) {
          to = s;
          break;
        }
      }
      if (to == 0 || to == SALESIM_STAGES)
        break;
      j = to;
      ends[j] += 1; /* a month's end at stage j */
      row = w.month_row[j];
    }
  }
  for (int s = 1; s < SALESIM_STAGES; s++)
    assert_close(ends[s] / n, reach[s] / exit_rate[s], 0.02, 0);
  /* a deal can skip a stage within a month: reach below the one-step 1/s */
  assert_true(reach[2] < 0.5 && reach[4] < 0.25);
  gsl_rng_free(r);
}

/* cycle_months from 0.5 (two weeks: q' = 1 at k = 16, every win in the
 * month found); 0.4 is refused with the house line. */
static void test_cycle_bounds(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(
      "name = \"half\";\nmonths = 12;\nproduction = { cycle_months = 0.5; };\n"
      "mechanisms = ( { type = \"commission\"; } );\n");
  assert_non_null(sc);
  static salesim_world w;
  memset(&w, 0, sizeof w);
  w.sc = sc;
  salesim_pipeline_calibrate(&w);
  assert_int_equal(w.sub_steps, 16);
  assert_true(w.sub_q == 1);
  assert_close(w.lead_within[0], 0.2, 1e-12, 0);
  assert_close(w.win_within[1][SALESIM_MAX_HORIZON], 0.2, 1e-9, 0);
  salesim_scenario_free(sc);
  const char *p = salesim_test_write_temp("short_cycle_bad.cfg",
                                          "name = \"bad\";\nmonths = 12;\n"
                                          "production = { cycle_months = 0.4; };\n"
                                          "mechanisms = ( { type = \"commission\"; } );\n");
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_test_load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(
      salesim_test_has_line(&d, "%s:3: production.cycle_months: 0.4 out of range (expected", p));
  salesim_diag_clear(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cycle_6),
      cmocka_unit_test(test_cycle_9),
      cmocka_unit_test(test_one_step_unchanged),
      cmocka_unit_test(test_short_cycle_chain),
      cmocka_unit_test(test_short_cycle_world),
      cmocka_unit_test(test_short_cycle_steady),
      cmocka_unit_test(test_cycle_bounds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
