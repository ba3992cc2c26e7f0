/*
 * tests/test_transition.c: the mechanism type `transition`
 * (models/mechanisms/transition.c): the stub settlement and the
 * hold-harmless schedule at hand points; on a world, B prorated at the
 * switch and the transition payment paid once to the reps in post, the
 * grandfathered book outside B and paid at A's book rate; bad
 * input one line each in one run (unknown label with "did you mean", a
 * label of a non-plan entry, the entry itself, switch_month beyond months,
 * hold-harmless longer than the months after the switch); behaviour,
 * paired on the same seed: an announced switch to a steeper plan pushes
 * deals across it (a surprise does not), one to a flatter plan pulls deals
 * before it and pushes none; 12 months of hold-harmless lower the top
 * fifth's leavers in the window; every decision of the reform scenario's
 * transitions as good as the reference search (decision.c).
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "decision.h"
#include "sim.h"
#include "transition.h"

/* plans by hand: A = 5 % commission paid at the period's end or 2.9 %
 * as earned; B = base 7,000 + a target incentive of 36,000 a year on the
 * curve (0,0) (1,1) (1.5,3), paid at the period's end */
static salesim_plan_params plan_of(const char *text, int which) {
  salesim_scenario *sc = salesim_test_load_text(text);
  assert_non_null(sc);
  salesim_plan_params p = *(const salesim_plan_params *)sc->mechanisms[which].params;
  salesim_scenario_free(sc);
  return p;
}

static const char *const plans_text =
    "months = 24;\npopulation = { reps = 4; };\nterritories = { count = 2; };\n"
    "mechanisms = (\n"
    " { type = \"plan\"; name = \"a_end\"; payment = \"period_end\";\n"
    "   components = ( { type = \"commission\"; rate = 0.05; } ); },\n"
    " { type = \"plan\"; name = \"a_earned\";\n"
    "   components = ( { type = \"commission\"; rate = 0.029; } ); },\n"
    " { type = \"plan\"; name = \"b\"; base = 7000.0; payment = \"period_end\";\n"
    "   components = ( { type = \"target_incentive\"; amount = 36000.0;\n"
    "     curve = ((0.0, 0.0), (1.0, 1.0), (1.5, 3.0)); } ); } );\n";

static void test_stub_by_hand(void **state) {
  (void)state;
  salesim_plan_params a_end = plan_of(plans_text, 0), a_earned = plan_of(plans_text, 1),
                      b = plan_of(plans_text, 2);
  double due;
  /* commission paid at the year's end, switch after 5 of 12 months:
   * 5 % of the 400,000 so far */
  assert_int_equal(salesim_transition_stub_due(&a_end, NULL, 1.2e6, 12, 5, 12, 4e5, 0, &due), 0);
  assert_close(due, 20000, 1e-12, 1e-9);
  /* paid as earned: all of it was paid, nothing more */
  assert_int_equal(
      salesim_transition_stub_due(&a_earned, NULL, 1.2e6, 12, 5, 12, 4e5, 0.029 * 4e5, &due), 0);
  assert_close(due, 0, 0, 1e-9);
  /* a target incentive after 6 of 12 months: target 600,000 and half the
   * 36,000; 600,000 of credit is 100 %: 18,000; 750,000 is 125 %, a
   * multiple of 2: 36,000 */
  assert_int_equal(salesim_transition_stub_due(&b, NULL, 1.2e6, 12, 6, 12, 6e5, 0, &due), 0);
  assert_close(due, 18000, 1e-12, 1e-9);
  assert_int_equal(salesim_transition_stub_due(&b, NULL, 1.2e6, 12, 6, 12, 7.5e5, 0, &due), 0);
  assert_close(due, 36000, 1e-12, 1e-9);
  /* the period ran its course: nothing (it was paid as usual) */
  assert_int_equal(salesim_transition_stub_due(&b, NULL, 1.2e6, 12, 12, 12, 7.5e5, 0, &due), 0);
  assert_close(due, 0, 0, 0);
  /* never negative: more paid than the stub is worth */
  assert_int_equal(salesim_transition_stub_due(&b, NULL, 1.2e6, 12, 6, 12, 6e5, 50000, &due), 0);
  assert_close(due, 0, 0, 0);
}

/* hold-harmless over a 6-month period, target 600,000: B pays 18,000 at
 * 100 %, 54,000 from 150 % (capped); A (2.9 %, no base) is compared on
 * total pay: 0.029 X - 6 x 7,000 */
static void test_hold_harmless_by_hand(void **state) {
  (void)state;
  salesim_plan_params a = plan_of(plans_text, 1), b = plan_of(plans_text, 2);
  salesim_schedule s;
  assert_int_equal(salesim_transition_schedule(&s, &b, &a, 6e5, 0.5, 6), 0);
  assert_close(salesim_schedule_eval(&s, 0), 0, 0, 1e-9);
  assert_close(salesim_schedule_eval(&s, 6e5), 18000, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 3e6), 54000, 1e-12, 1e-9);          /* B capped */
  assert_close(salesim_schedule_eval(&s, 4e6), 0.029 * 4e6 - 42000, 1e-12, 1e-9); /* A */
  /* where A overtakes the cap: 0.029 X - 42,000 = 54,000 */
  double x = 96000 / 0.029;
  assert_close(salesim_schedule_eval(&s, x), 54000, 1e-12, 1e-9);
  assert_close(salesim_schedule_slope(&s, x + 1), 0.029, 1e-12, 0);
  assert_close(salesim_schedule_slope(&s, x - 1), 0, 0, 1e-12);
  /* without the guarantee: B alone */
  assert_int_equal(salesim_transition_schedule(&s, &b, NULL, 6e5, 0.5, 6), 0);
  assert_close(salesim_schedule_eval(&s, 4e6), 54000, 1e-12, 1e-9);
  /* A's book rate (grandfathered accounts): the commission's rate */
  assert_close(salesim_transition_book_rate(&a), 0.029, 0, 0);
  assert_close(salesim_transition_book_rate(&b), -1, 0, 0);
}

static const char *const world_text =
    "seed = 5;\nmonths = 18;\nmonths_per_year = 12;\n"
    "population = { reps = 12; };\nterritories = { count = 3; };\n"
    "firm = { target_rule = \"fixed\"; fixed_target = 1200000.0; };\n"
    "mechanisms = (\n"
    " { type = \"transition\"; from = \"a\"; to = \"b\"; switch_month = 6;\n"
    "   announce_months = 2; transition_payment = 5000.0; },\n"
    " { type = \"plan\"; name = \"a\"; payment = \"period_end\";\n"
    "   components = ( { type = \"commission\"; rate = 0.05; } ); },\n"
    " { type = \"plan\"; name = \"b\"; base = 7000.0; payment = \"period_end\";\n"
    "   components = ( { type = \"target_incentive\"; amount = 36000.0;\n"
    "     curve = ((0.0, 0.0), (1.0, 1.0), (1.5, 3.0)); } ); } );\n";

/* On a world: A before, B prorated from the switch (month 6 of the year:
 * target 600,000, 18,000 at 100 %), the payment once to those in post. */
static void test_world_switch(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(world_text);
  assert_non_null(sc);
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  int pay_slot = salesim_metric_catalogue_find("transition_payments");
  assert_true(pay_slot >= 0);
  for (int m = 0; m < 6; m++)
    assert_int_equal(salesim_world_step(w), 0);
  /* in post at the switch (after month 5's leavers): B's half year */
  int n = 0;
  for (int i = 0; i < w->n_agents; i++) {
    const salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    n++;
    assert_close(a->target, 6e5, 1e-12, 0);
    assert_close(a->credit_period, 0, 0, 0);
    assert_close(salesim_schedule_eval(&a->sched, 6e5), 18000, 1e-12, 1e-9);
    assert_close(salesim_schedule_eval(&a->sched, 9e5), 54000, 1e-12, 1e-9);
  }
  assert_true(n > 0);
  /* the announcement changed the incentive before the switch: tested
   * through behaviour below; after it, B's */
  salesim_incentive inc;
  for (int i = 0; i < w->n_agents; i++)
    if (w->agents[i].status != SALESIM_AGENT_VACANT) {
      w->month_in_year = 6;
      assert_int_equal(salesim_sim_incentive(w, &w->agents[i], &inc), 0);
      assert_close(inc.base_month, 7000, 0, 0);
      assert_int_equal(inc.months_left, 6);
      assert_int_equal(inc.paid_at_end, 1);
      assert_close(inc.lump_value, 0, 0, 0);
      break;
    }
  for (int m = 6; m < sc->months; m++)
    assert_int_equal(salesim_world_step(w), 0);
  assert_int_equal(w->type->report(w), 0);
  /* paid in month 6 to each of them: all were still in post in month 6's
   * pay (people leave after it), nobody hired later got it */
  assert_close(w->metrics[pay_slot], 5000.0 * n, 1e-15, 0);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

/* Grandfathered accounts on a world: at the switch the book a rep owns is
 * outside B (no B credit for it, not in B's target: the rule's book part
 * comes off) and is paid at A's book rate (5 %): the month's variable pay
 * of a rep includes at least 5 % of that book's revenue. */
static void test_world_grandfather(void **state) {
  (void)state;
  const char *text =
      "seed = 5;\nmonths = 18;\nmonths_per_year = 12;\n"
      "population = { reps = 12; };\nterritories = { count = 3; };\n"
      "firm = { potential_share = 0.5; book_factor = 0.5; };\n"
      "mechanisms = (\n"
      " { type = \"transition\"; from = \"a\"; to = \"b\"; switch_month = 6;\n"
      "   grandfather_accounts = true; },\n"
      " { type = \"plan\"; name = \"a\";\n"
      "   components = ( { type = \"commission\"; rate = 0.05; } ); },\n"
      " { type = \"plan\"; name = \"b\"; base = 7000.0; payment = \"period_end\";\n"
      "   components = ( { type = \"target_incentive\"; amount = 36000.0; } ); } );\n";
  salesim_scenario *sc = salesim_test_load_text(text);
  assert_non_null(sc);
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  for (int m = 0; m < 6; m++)
    assert_int_equal(salesim_world_step(w), 0);
  int n = 0;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT || !(a->book > 0))
      continue;
    n++;
    /* B's half-year target without the book's part */
    double rule = salesim_world_rule_target(w, a);
    assert_close(a->target, (rule - 0.5 * 12 * a->book) * 6 / 12, 1e-12, 1e-6);
    salesim_incentive inc;
    assert_int_equal(salesim_sim_incentive(w, a, &inc), 0);
    assert_close(inc.book_credit, 0, 0, 1e-12); /* all of the book is grandfathered */
    assert_true(inc.lump_value > 0);             /* its pay at A's rate, valued */
  }
  assert_true(n > 0);
  /* the next month: B pays no variable pay before its period's end, so the
   * variable pay of the month is the grandfathered book's 5 % */
  double before = w->ledger.pay_variable, book_rev = 0;
  for (int i = 0; i < w->n_agents; i++)
    if (w->agents[i].status != SALESIM_AGENT_VACANT)
      book_rev += w->agents[i].book;
  assert_int_equal(salesim_world_step(w), 0);
  double paid = w->ledger.pay_variable - before;
  print_message("month 6: variable pay %.2f, 5 %% of the book before the month %.2f\n", paid,
                0.05 * book_rev);
  assert_true(paid > 0);
  assert_true(paid <= 0.05 * book_rev * (1 + 1e-9));
  assert_true(paid >= 0.05 * book_rev * 0.9); /* less only by the month's churn */
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

static void test_bad_input(void **state) {
  (void)state;
  int status;
  char *out = salesim_test_validate(
      "transition_bad.cfg",
      "months = 24;\n"                                                                 /* 1 */
      "mechanisms = (\n"                                                               /* 2 */
      " { type = \"plan\"; name = \"commission\";\n"                                   /* 3 */
      "   components = ( { type = \"commission\"; rate = 0.029; } ); },\n"             /* 4 */
      " { type = \"target_salary\"; name = \"ts\"; },\n"                               /* 5 */
      " { type = \"transition\"; name = \"t1\"; from = \"comission\"; to = \"ts\";\n"  /* 6 */
      "   switch_month = 30; },\n"                                                     /* 7 */
      " { type = \"transition\"; name = \"t2\"; from = \"commission\"; to = \"t2\";\n" /* 8 */
      "   switch_month = 12; hold_harmless_months = 13; }\n"                           /* 9 */
      ");\n",
      &status);
  print_message("%s", out);
  assert_int_equal(status, 2);
  assert_non_null(strstr(out, ":6: mechanisms[2].from: no entry is named \"comission\", did you "
                              "mean 'commission'? (expected the label of an entry of type plan)"));
  assert_non_null(strstr(out, ":6: mechanisms[2].to: \"ts\" is an entry of type target_salary "
                              "(expected an entry of type plan)"));
  assert_non_null(strstr(out, ":6: mechanisms[2].switch_month: 30 with months = 24 (expected 1 .. "
                              "23"));
  assert_non_null(strstr(out, ":8: mechanisms[3].to: \"t2\" is this transition itself"));
  assert_non_null(strstr(out, ":8: mechanisms[3].hold_harmless_months: 13 after a switch in month "
                              "12 of 24 (expected at most 12"));
  assert_int_equal(salesim_test_count_lines(out), 5);
  free(out);
}

/* ---- behaviour, paired on the same seed ---- */

static const char *const games_text =
    "seed = 21;\nreplications = 8;\nmonths = 18;\n"
    "production = { timing_games = true; push_deals = true; };\n"
    "population = { reps = 24; };\nterritories = { count = 6; };\n"
    "mechanisms = (\n"
    " { type = \"plan\"; name = \"now\";\n"
    "   components = ( { type = \"commission\"; rate = 0.03; } ); },\n"
    " { type = \"plan\"; name = \"%s\";\n"
    "   components = ( { type = \"commission\"; rate = %s; } ); },\n"
    " { type = \"transition\"; name = \"surprise\"; from = \"now\"; to = \"%s\";\n"
    "   switch_month = 9; },\n"
    " { type = \"transition\"; name = \"announced\"; from = \"now\"; to = \"%s\";\n"
    "   switch_month = 9; announce_months = 3; } );\n";

/* mean and 95 % half-width of entry `b` - entry `a` of a metric, paired by
 * replication (t quantile `tq` for the replications) */
static void paired_of(const salesim_results *r, int a, int b, const char *metric, double tq,
                      double *mean, double *half) {
  int m = salesim_metric_catalogue_find(metric);
  assert_true(m >= 0);
  double s = 0, s2 = 0;
  int n = r->n_rep;
  for (int k = 0; k < n; k++) {
    double d = SALESIM_METRIC_AT(r, b, k, m) - SALESIM_METRIC_AT(r, a, k, m);
    assert_false(isnan(d));
    s += d, s2 += d * d;
  }
  *mean = s / n;
  double var = (s2 - n * *mean * *mean) / (n - 1);
  *half = tq * sqrt(var > 0 ? var / n : 0);
}

/* announced - surprise, 8 replications: t(0.975, 7) */
static void paired(const salesim_results *r, const char *metric, double *mean, double *half) {
  paired_of(r, 2, 3, metric, 2.365, mean, half);
}

static salesim_results *run_games(const char *label, const char *rate) {
  char text[2048];
  snprintf(text, sizeof text, games_text, label, rate, label, label);
  salesim_scenario *sc = salesim_test_load_text(text);
  assert_non_null(sc);
  assert_int_equal(sc->replications, 8);
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = 1;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_results *r = NULL;
  assert_int_equal(salesim_run(&r, sc, &opt, &d), 0);
  salesim_diag_clear(&d);
  salesim_scenario_free(sc);
  return r;
}

static void test_announced_moves_deals(void **state) {
  (void)state;
  double mean, half;
  /* steeper after the switch (6 % against 3 %): announced reps hold deals
   * of the month before it back into B */
  salesim_results *r = run_games("steeper", "0.06");
  paired(r, "transition_pushed", &mean, &half);
  print_message("steeper: pushed, announced - surprise = %.3f +- %.3f\n", mean, half);
  assert_true(mean - half > 0);
  paired(r, "transition_pulled", &mean, &half);
  print_message("steeper: pulled, announced - surprise = %.3f +- %.3f\n", mean, half);
  assert_true(mean <= 0);
  salesim_results_free(r);
  /* flatter after it (1.5 %): they pull deals in before it, push none */
  r = run_games("flatter", "0.015");
  paired(r, "transition_pulled", &mean, &half);
  print_message("flatter: pulled, announced - surprise = %.3f +- %.3f\n", mean, half);
  assert_true(mean - half > 0);
  paired(r, "transition_pushed", &mean, &half);
  print_message("flatter: pushed, announced - surprise = %.3f +- %.3f\n", mean, half);
  assert_true(mean <= 0);
  salesim_results_free(r);
}

/* Hold-harmless keeps the strong: a switch from 2.9 % commission to a
 * target salary whose incentive stops at 100 % (the strong lose most),
 * with and without 12 months of old-or-new-whichever-is-more; leavers of
 * the top fifth in the window, 120 replications paired on the seed (the
 * figures at the time of writing: 9.4 % without, 4.9 % with, -4.5 pp
 * [-5.8, -3.2]). */
static const char *const hh_text =
    "seed = 11;\nreplications = 120;\nmonths = 30;\n"
    "production = { deal_value = { dist = \"lognormal\"; mean = 150000.0; sd = 75000.0; };\n"
    "  churn = 0.02; };\n"
    "population = { reps = 40;\n"
    "  effort_cost = { dist = \"lognormal\"; mean = 1500.0; sd = 500.0; };\n"
    "  outside_wage = { dist = \"normal\"; mean = 5500.0; sd = 1200.0; min = 0.0; };\n"
    "  savings_months = { dist = \"lognormal\"; mean = 3.0; sd = 2.0; }; };\n"
    "territories = { count = 10;\n"
    "  potential = { dist = \"lognormal\"; mean = 8000000.0; sd = 2500000.0; };\n"
    "  book = { dist = \"lognormal\"; mean = 1000000.0; sd = 300000.0; }; };\n"
    "firm = { potential_share = 0.5; book_factor = 1.0; };\n"
    "mechanisms = (\n"
    " { type = \"plan\"; name = \"commission\";\n"
    "   components = ( { type = \"commission\"; rate = 0.029; } ); },\n"
    " { type = \"plan\"; name = \"capped\"; base = 6766.67;\n"
    "   components = ( { type = \"target_incentive\"; amount = 34800.0;\n"
    "     curve = ((0.0, 0.0), (1.0, 1.0)); } ); },\n"
    " { type = \"transition\"; name = \"surprise\"; from = \"commission\"; to = \"capped\";\n"
    "   switch_month = 12; },\n"
    " { type = \"transition\"; name = \"hold_harmless\"; from = \"commission\";\n"
    "   to = \"capped\"; switch_month = 12; hold_harmless_months = 12; } );\n";

static void test_hold_harmless_keeps_the_strong(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(hh_text);
  assert_non_null(sc);
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = 1;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_results *r = NULL;
  assert_int_equal(salesim_run(&r, sc, &opt, &d), 0);
  salesim_diag_clear(&d);
  double mean, half;
  paired_of(r, 2, 3, "transition_left_fifth1", 1.98, &mean, &half); /* t(0.975, 119) */
  print_message("top fifth leavers, hold-harmless - surprise = %.4f +- %.4f\n", mean, half);
  assert_true(mean + half < 0);
  salesim_results_free(r);
  salesim_scenario_free(sc);
}

typedef struct exact_tally {
  long n, bad;
  double worst;
} exact_tally;

static void exact_probe(void *ctx, const salesim_world *w, const salesim_agent *a,
                        const salesim_incentive *inc, const salesim_choice *out) {
  exact_tally *t = ctx;
  double ref = salesim_decide_reference_ce(w, a, inc, 0);
  if (isnan(ref))
    return;
  double gap = (ref - out->ce) / fmax(1, fabs(ref));
  t->n++;
  t->bad += gap > 1e-6;
  t->worst = fmax(t->worst, gap);
}

/* Every decision of the first 20 months of both transitions of the reform
 * scenario (announcement, switch, hold-harmless, grandfathered book) is as
 * good as the reference search finds. */
static void test_decisions_exact(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  assert_int_equal(
      salesim_scenario_load(&sc, salesim_test_path("scenarios/reform-transition.cfg"), &d), 0);
  for (int m = 2; m < 4; m++) {
    salesim_world *w = NULL;
    assert_int_equal(salesim_world_alloc(&w, sc, m, 0, sc->seed), 0);
    exact_tally t = {0, 0, 0};
    salesim_decide_set_probe(exact_probe, &t);
    for (int k = 0; k < 20; k++)
      assert_int_equal(salesim_world_step(w), 0);
    salesim_decide_set_probe(NULL, NULL);
    salesim_world_free(w);
    print_message("%s: decisions %ld, worst shortfall %.2e, %ld above 1e-6\n",
                  sc->mechanisms[m].name, t.n, t.worst, t.bad);
    assert_true(t.n > 0);
    assert_true(t.worst <= 1e-6);
  }
  salesim_scenario_free(sc);
  salesim_diag_clear(&d);
}


int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stub_by_hand),
      cmocka_unit_test(test_hold_harmless_by_hand),
      cmocka_unit_test(test_world_switch),
      cmocka_unit_test(test_world_grandfather),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_announced_moves_deals),
      cmocka_unit_test(test_hold_harmless_keeps_the_strong),
      cmocka_unit_test(test_decisions_exact),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
