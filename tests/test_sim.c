/*
 * tests/test_sim.c: the simulation core: common random numbers, determinism
 * across thread counts, the agent's effort choice against closed forms, the
 * warm-started decision against a full search, and the bookkeeping of a run.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "decision.h"
#include "mechanism.h"
#include "sim.h"
#include "theory.h"

static const char *two_commissions =
    "name = \"crn\";\nseed = 5;\nreplications = 3;\nmonths = 24;\n"
    "population = { reps = 40; };\n"
    "territories = { count = 10; };\n"
    "mechanisms = (\n"
    "  { type = \"commission\"; name = \"low\"; rate = 0.02; },\n"
    "  { type = \"commission\"; name = \"high\"; rate = 0.03; },\n"
    "  { type = \"target_salary\"; }\n"
    ");\n";

/* In replication i every mechanism faces the same territories, people and
 * market shocks; a different replication faces different ones. */
static void test_common_random_numbers(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(two_commissions);
  salesim_world *a = NULL, *b = NULL, *c = NULL;
  assert_int_equal(salesim_world_alloc(&a, sc, 0, 1, sc->seed), 0);
  assert_int_equal(salesim_world_alloc(&b, sc, 1, 1, sc->seed), 0);
  assert_int_equal(salesim_world_alloc(&c, sc, 0, 2, sc->seed), 0);
  assert_int_equal(a->n_terr, b->n_terr);
  assert_memory_equal(a->shock, b->shock, (size_t)sc->months * a->n_terr * sizeof *a->shock);
  for (int k = 0; k < a->n_terr; k++) {
    assert_true(a->terr[k].potential == b->terr[k].potential);
    assert_true(a->terr[k].est_firm == b->terr[k].est_firm);
    assert_true(a->terr[k].prospects0 == b->terr[k].prospects0);
  }
  int differ = 0;
  for (int i = 0; i < a->n_agents; i++) {
    const salesim_agent *x = &a->agents[i], *y = &b->agents[i];
    assert_true(x->ability == y->ability && x->skill == y->skill);
    assert_true(x->effort_cost == y->effort_cost && x->outside_wage == y->outside_wage);
    assert_true(x->savings == y->savings && x->book == y->book && x->tenure == y->tenure);
    assert_int_equal(x->n_opps, y->n_opps);
    differ += x->ability != c->agents[i].ability;
  }
  assert_true(differ > a->n_agents / 2); /* another replication: other people */
  salesim_world_free(a);
  salesim_world_free(b);
  salesim_world_free(c);
  salesim_scenario_free(sc);
}

static salesim_results *run(const salesim_scenario *sc, int threads) {
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = threads;
  salesim_results *r = NULL;
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_run(&r, sc, &opt, &d), 0);
  salesim_diag_clear(&d);
  return r;
}

/* Same scenario and seed: the same numbers, byte for byte, on 1 or 2
 * threads, and on a second run. */
static void test_deterministic_across_threads(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(two_commissions);
  salesim_results *r1 = run(sc, 1), *r2 = run(sc, 2), *r3 = run(sc, 2);
  size_t nm = (size_t)r1->n_mech * r1->n_rep * r1->n_metrics;
  size_t nt = (size_t)r1->n_mech * r1->n_rep * r1->n_months * SALESIM_SERIES_COUNT;
  assert_memory_equal(r1->metric, r2->metric, nm * sizeof(double));
  assert_memory_equal(r1->monthly, r2->monthly, nt * sizeof(double));
  assert_memory_equal(r2->metric, r3->metric, nm * sizeof(double));
  /* and the mechanisms did differ */
  assert_true(SALESIM_METRIC_AT(r1, 0, 0, SALESIM_METRIC_PAY_COST) !=
              SALESIM_METRIC_AT(r1, 1, 0, SALESIM_METRIC_PAY_COST));
  salesim_results_free(r1);
  salesim_results_free(r2);
  salesim_results_free(r3);
  salesim_scenario_free(sc);
}

/* Linear mode, straight commission beta: the library's agent chooses
 * e = beta * theta / c (Holmstrom-Milgrom 1987), whatever its risk aversion
 * (risk does not depend on effort in this mode). */
static void test_linear_effort_through_decide(void **state) {
  (void)state;
  const double thetas[] = {1.0, 0.7, 1.6};
  const double costs[] = {1.0, 2.5, 0.8};
  const double betas[] = {0.5, 0.2, 0.9};
  for (int k = 0; k < 3; k++) {
    char text[2048];
    snprintf(text, sizeof text,
             "months = 12;\nreplications = 1;\n"
             "production = { mode = \"linear\"; noise_sd = 1.0; output_scale = 1.0; };\n"
             "population = { reps = 3; ability = %g; effort_cost = %g; risk_aversion = 1.0;\n"
             "  outside_wage = 0.0; living_cost = 1e-9; savings_months = 10.0; };\n"
             "territories = { count = 1; };\n"
             "mechanisms = ( { type = \"commission\"; rate = %g; } );\n",
             thetas[k], costs[k], betas[k]);
    salesim_scenario *sc = salesim_test_load_text(text);
    salesim_world *w = NULL;
    assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
    w->type->year_start(w);
    salesim_agent *a = &w->agents[0];
    salesim_incentive inc;
    assert_int_equal(salesim_sim_incentive(w, a, &inc), 0);
    salesim_choice ch;
    salesim_decide(w, a, &inc, &ch);
    assert_close(ch.hunt, betas[k] * thetas[k] / costs[k], 1e-12, 0);
    assert_close(ch.hunt, salesim_decide_linear_effort(betas[k], thetas[k], costs[k]), 1e-12, 0);
    assert_true(ch.farm == 0);
    salesim_world_free(w);
    salesim_scenario_free(sc);
  }
}

/* The ledger adds up: revenue = new + book, profit from its parts, shares in
 * [0, 1], headcount never above the positions. */
static void test_accounts_add_up(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(two_commissions);
  salesim_results *r = run(sc, 1);
  for (int m = 0; m < r->n_mech; m++)
    for (int rep = 0; rep < r->n_rep; rep++) {
      double rev = SALESIM_METRIC_AT(r, m, rep, SALESIM_METRIC_REVENUE);
      assert_close(rev,
                   SALESIM_METRIC_AT(r, m, rep, SALESIM_METRIC_REVENUE_NEW) +
                       SALESIM_METRIC_AT(r, m, rep, SALESIM_METRIC_REVENUE_BOOK),
                   1e-9, 1e-6);
      double pay = SALESIM_METRIC_AT(r, m, rep, SALESIM_METRIC_PAY_COST);
      assert_close(pay,
                   SALESIM_METRIC_AT(r, m, rep, SALESIM_METRIC_PAY_FIXED) +
                       SALESIM_METRIC_AT(r, m, rep, SALESIM_METRIC_PAY_VARIABLE),
                   1e-9, 1e-6);
      double profit = rev * sc->firm.margin - pay -
                      SALESIM_METRIC_AT(r, m, rep, SALESIM_METRIC_MGMT_COST);
      assert_close(SALESIM_METRIC_AT(r, m, rep, SALESIM_METRIC_PROFIT), profit, 1e-9, 1e-3);
      assert_true(SALESIM_METRIC_AT(r, m, rep, SALESIM_METRIC_HEADCOUNT_END) <= 40);
      double s12 = SALESIM_METRIC_AT(r, m, rep, SALESIM_METRIC_SURVIVAL_12);
      assert_true(isnan(s12) || (s12 >= 0 && s12 <= 1));
      double monthly_rev = 0;
      for (int t = 0; t < r->n_months; t++)
        monthly_rev += SALESIM_MONTHLY_AT(r, m, rep, t, SALESIM_SERIES_REVENUE);
      assert_close(monthly_rev * 12.0 / r->n_months, rev, 1e-9, 1e-3);
    }
  /* assigned accounts: no collisions under target salary */
  assert_true(SALESIM_METRIC_AT(r, 2, 0, SALESIM_METRIC_COLLISIONS) == 0);
  salesim_results_free(r);
  salesim_scenario_free(sc);
}


/* Linear mode with two tasks (Holmstrom-Milgrom 1991) through the library:
 * the agent's efforts are K^{-1} alpha when interior, a task whose rate does
 * not pay gets exactly zero (never negative), and at the principal's optimal
 * rates from models/algorithms/theory.c the agents choose the theory's efforts. */
static void two_task_effort(double rate, double book_rate, double rho, double *h, double *f) {
  char text[2048];
  snprintf(text, sizeof text,
           "months = 12;\nreplications = 1;\n"
           "production = { mode = \"linear\"; tasks = 2; noise_sd = 1.0; noise_sd_farm = 2.0;\n"
           "  task_substitution = %.17g; hunt_pain = 1.0; output_scale = 1.0; };\n"
           "population = { reps = 2; ability = 1.0; effort_cost = 1.0; risk_aversion = 1.0;\n"
           "  outside_wage = 0.0; living_cost = 1e-9; savings_months = 10.0; };\n"
           "territories = { count = 1; };\n"
           "mechanisms = ( { type = \"commission\"; rate = %.17g; book_rate = %.17g; } );\n",
           rho, rate, book_rate);
  salesim_scenario *sc = salesim_test_load_text(text);
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  salesim_world_step(w);
  *h = w->agents[0].hunt;
  *f = w->agents[0].farm;
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

static void test_two_tasks_hm91(void **state) {
  (void)state;
  double h, f;
  /* interior: K = [[1, .3], [.3, 1]], alpha = (0.5, 0.4) */
  two_task_effort(0.5, 0.4, 0.3, &h, &f);
  assert_close(h, (0.5 - 0.3 * 0.4) / (1 - 0.09), 1e-9, 1e-12);
  assert_close(f, (0.4 - 0.3 * 0.5) / (1 - 0.09), 1e-9, 1e-12);
  /* corner: alpha = (0.5, 0.1), rho = 0.5: the interior formula gives
   * f = (0.1 - 0.25) / 0.75 < 0; the agent farms exactly zero */
  two_task_effort(0.5, 0.1, 0.5, &h, &f);
  assert_true(f == 0.0);
  assert_close(h, 0.5, 1e-9, 1e-12);
  /* the principal's optimum (theory.c) with the agents' own response */
  salesim_hm91 p;
  memset(&p, 0, sizeof p);
  p.n = 2;
  p.b[0] = p.b[1] = 1;
  p.K[0][0] = p.K[1][1] = 1;
  p.K[0][1] = p.K[1][0] = 0.5;
  p.Sigma[0][0] = 1;
  p.Sigma[1][1] = 4;
  p.r = 1;
  salesim_hm91_solution opt;
  assert_int_equal(salesim_theory_hm91_optimal(&opt, &p), 0);
  print_message("HM91 optimum: alpha (%.4f, %.4f), efforts (%.4f, %.4f)\n", opt.alpha[0],
                opt.alpha[1], opt.t[0], opt.t[1]);
  two_task_effort(opt.alpha[0], opt.alpha[1], 0.5, &h, &f);
  assert_close(h, opt.t[0], 1e-9, 1e-12);
  assert_close(f, opt.t[1], 1e-9, 1e-12);
  assert_true(h >= 0 && f >= 0);
}

/* Savings equal what was paid minus living cost, month by month, for every
 * person who stays, under plans that pay at the year's end (issue 11 #6: a
 * year-end bonus paid in period_end never reached savings). */
static const char *year_end_plans =
    "name = \"savings\";\nseed = 11;\nreplications = 1;\nmonths = 24;\n"
    "population = { reps = 40; quit_rate = 0.0; };\n"
    "territories = { count = 10; };\n"
    "mechanisms = (\n"
    "  { type = \"target_salary\"; },\n"
    "  { type = \"quota_bonus\"; },\n"
    "  { type = \"top_down\"; },\n"
    "  { type = \"commission\"; rate = 0.03; }\n"
    ");\n";

static void test_savings_follow_pay(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(year_end_plans);
  double living = sc->population.living_cost;
  for (int m = 0; m < sc->n_mechanisms; m++) {
    salesim_world *w = NULL;
    assert_int_equal(salesim_world_alloc(&w, sc, m, 0, sc->seed), 0);
    int n = w->n_agents, checked = 0, year_end_checked = 0;
    double *sav0 = calloc((size_t)n, sizeof *sav0), *pay0 = calloc((size_t)n, sizeof *pay0);
    int *hired = calloc((size_t)n, sizeof *hired), *present = calloc((size_t)n, sizeof *present);
    for (int t = 0; t < sc->months; t++) {
      int new_year = t % sc->months_per_year == 0;
      for (int i = 0; i < n; i++) {
        salesim_agent *a = &w->agents[i];
        sav0[i] = a->savings;
        pay0[i] = new_year ? 0 : a->pay_year; /* pay_year restarts with the year */
        present[i] = a->status != SALESIM_AGENT_VACANT;
        hired[i] = a->hired_month;
      }
      assert_int_equal(salesim_world_step(w), 0);
      for (int i = 0; i < n; i++) {
        salesim_agent *a = &w->agents[i];
        if (!present[i] || a->status == SALESIM_AGENT_VACANT || a->hired_month != hired[i])
          continue; /* nobody, or another person now */
        double paid = a->pay_year - pay0[i];
        assert_close(a->savings - sav0[i], paid - living, 1e-9, 1e-6);
        checked++;
        if (t % sc->months_per_year == sc->months_per_year - 1 && paid > 0)
          year_end_checked++;
      }
    }
    print_message("%s: %d person-months, %d year ends with pay\n", sc->mechanisms[m].name, checked,
                  year_end_checked);
    assert_true(checked > 500);
    assert_true(year_end_checked > 20);
    free(sav0);
    free(pay0);
    free(hired);
    free(present);
    salesim_world_free(w);
  }
  salesim_scenario_free(sc);
}

/* Issue 11 #5: an applicant weighs its own liquidity as the employed rep does
 * when it chooses effort. With one month of savings and no book, a
 * straight-commission job pays nothing before the savings are gone: before
 * the fix such applicants took it and every one of them left broke within
 * six months (new_hire_survival_6 = 0 in every replication); now they
 * decline it. Target salary still hires (its base covers the living cost),
 * and when savings last the liquid value is the plain value. */
static void test_applicants_weigh_liquidity(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(
      "name = \"broke\";\nseed = 7;\nreplications = 3;\nmonths = 24;\n"
      "population = { reps = 40; savings_months = 1.0; };\n"
      "territories = { count = 10; };\n"
      "mechanisms = (\n"
      "  { type = \"commission\"; rate = 0.029; },\n"
      "  { type = \"target_salary\"; }\n"
      ");\n");
  salesim_results *r = run(sc, 1);
  double ts_hires = 0;
  for (int rep = 0; rep < r->n_rep; rep++) {
    double s6 = SALESIM_METRIC_AT(r, 0, rep, SALESIM_METRIC_SURVIVAL_6);
    assert_true(isnan(s6) || s6 >= 0.5);
    ts_hires += SALESIM_METRIC_AT(r, 1, rep, SALESIM_METRIC_HIRES);
  }
  assert_true(ts_hires > 0);
  salesim_results_free(r);
  salesim_scenario_free(sc);

  /* savings that last: ce_month_liquid == ce_month */
  sc = salesim_test_load_text(
      "name = \"rich\";\nseed = 7;\nreplications = 1;\nmonths = 12;\n"
      "population = { reps = 40; savings_months = 1000.0; };\n"
      "territories = { count = 10; };\n"
      "mechanisms = ( { type = \"commission\"; rate = 0.029; } );\n");
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  salesim_world_step(w);
  int n = 0;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status != SALESIM_AGENT_ACTIVE)
      continue;
    salesim_incentive inc;
    assert_int_equal(salesim_sim_incentive(w, a, &inc), 0);
    salesim_choice ch;
    salesim_decide(w, a, &inc, &ch);
    assert_true(ch.ce_month_liquid == ch.ce_month);
    n++;
  }
  assert_true(n >= 10);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

/* Issue 11 #5 (second part): a leaver's accounts wait with the position
 * (churning at orphan_churn, earning for the firm) and go to the replacement,
 * under any plan; with accounts_to_hire = false they become the territory's
 * orphan book as before. */
static void leaver_accounts(int to_hire) {
  char text[1024];
  snprintf(text, sizeof text,
           "name = \"acc\";\nseed = 3;\nreplications = 1;\nmonths = 24;\n"
           "production = { accounts_to_hire = %s; orphan_churn = 0.05; };\n"
           "population = { reps = 40; quit_rate = 0.0; };\n"
           "territories = { count = 10; };\n"
           "mechanisms = ( { type = \"target_salary\"; } );\n",
           to_hire ? "true" : "false");
  salesim_scenario *sc = salesim_test_load_text(text);
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  salesim_world_step(w);
  salesim_agent *a = NULL;
  for (int i = 0; i < w->n_agents && a == NULL; i++)
    if (w->agents[i].status == SALESIM_AGENT_ACTIVE && w->agents[i].book > 0)
      a = &w->agents[i];
  assert_non_null(a);
  double B = a->book, O = w->terr[a->territory].orphan_book;
  salesim_world_exit(w, a, SALESIM_EXIT_EXOGENOUS);
  if (to_hire) {
    assert_true(a->held_book == B);
    assert_true(w->terr[a->territory].orphan_book == O);
  } else {
    assert_true(a->held_book == 0);
    assert_close(w->terr[a->territory].orphan_book, O + B, 1e-12, 0);
  }
  int months = 0;
  while (a->status == SALESIM_AGENT_VACANT && months < 12) {
    salesim_world_step(w);
    months++;
  }
  assert_true(a->status != SALESIM_AGENT_VACANT); /* target salary hires */
  assert_true(a->held_book == 0);
  /* what was left after the vacant months, less at most one month of churn */
  double left = B * pow(1 - 0.05, months - 1);
  if (to_hire)
    assert_true(a->book >= left * (1 - sc->production.churn) - 1e-9);
  else
    assert_true(a->book < 0.2 * left);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

static void test_leaver_accounts_to_replacement(void **state) {
  (void)state;
  leaver_accounts(1);
  leaver_accounts(0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_common_random_numbers),
      cmocka_unit_test(test_deterministic_across_threads),
      cmocka_unit_test(test_linear_effort_through_decide),
      cmocka_unit_test(test_accounts_add_up),
      cmocka_unit_test(test_two_tasks_hm91),
      cmocka_unit_test(test_savings_follow_pay),
      cmocka_unit_test(test_applicants_weigh_liquidity),
      cmocka_unit_test(test_leaver_accounts_to_replacement),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
