/*
 * tests/test_training_ladder.c: the training ladder with a reserve bench
 * (models/mechanisms/training_ladder.c).
 *
 * The Poisson hit chance and the pass chance by hand; the rep's dynamic
 * programme against closed forms; effort rising with the reward and with
 * the chance of being replaced; in a running world, demotion after exactly
 * max_strikes misses and not before; and a rep facing no reward and no
 * bench works less than the same rep with them (same seed).
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <salesim/salesim.h>

#include "mechanism.h"
#include "sim.h"
#include "training_ladder.h"

static void test_hit_and_pass_by_hand(void **state) {
  (void)state;
  assert_close(salesim_ladder_hit_prob(2, 1), 1 - exp(-2), 1e-12, 0);
  assert_close(salesim_ladder_hit_prob(2, 3), 1 - exp(-2) * (1 + 2 + 2), 1e-12, 0);
  assert_close(salesim_ladder_hit_prob(0, 1), 0, 0, 0);
  assert_close(salesim_ladder_hit_prob(0, 0), 1, 0, 0);
  /* half of pass_max at mid, rising in ability */
  assert_close(salesim_ladder_pass_prob(0.6, 0.6, 6, 0.9), 0.45, 1e-12, 0);
  assert_close(salesim_ladder_pass_prob(1.0, 0.6, 6, 0.9), 0.9 / (1 + exp(-2.4)), 1e-12, 0);
  assert_true(salesim_ladder_pass_prob(1.2, 0.6, 6, 0.9) > salesim_ladder_pass_prob(0.8, 0.6, 6, 0.9));
}

static salesim_lead_problem base_problem(void) {
  salesim_lead_problem p;
  memset(&p, 0, sizeof p);
  p.leads_per_hunt = 3;
  p.target = 1;
  p.reward = 2000;
  p.effort_cost = 3000;
  p.pain = 2;
  p.surplus = 2000;
  p.discount = 0.99;
  p.horizon = 24;
  p.max_strikes = 3;
  p.p_replace = 1;
  p.training_months = 1;
  p.months_per_year = 12;
  p.reset_yearly = 1;
  return p;
}

static void test_value_closed_forms(void **state) {
  (void)state;
  /* no demotion rule, no time off after a miss: an annuity of u(h) */
  salesim_lead_problem p = base_problem();
  p.max_strikes = 0;
  p.training_months = 0;
  double h = 0.4, P = 1 - exp(-3 * h);
  double u = p.surplus + P * p.reward - 0.5 * 3000 * (2 * h) * (2 * h);
  double annuity = (1 - pow(0.99, 24)) / (1 - 0.99);
  assert_close(salesim_ladder_value(&p, h), u * annuity, 1e-12, 0);
  /* two months, one strike demotes for sure, no training time:
   * W = u + d * P * u (a miss ends the job) */
  p = base_problem();
  p.horizon = 2;
  p.max_strikes = 1;
  p.training_months = 0;
  assert_close(salesim_ladder_value(&p, h), u + 0.99 * P * u, 1e-12, 0);
  /* the same with nobody to replace the rep: the miss costs nothing */
  p.p_replace = 0;
  assert_close(salesim_ladder_value(&p, h), u + 0.99 * u, 1e-12, 0);
  /* one month of training after a miss, then nothing left: the training
   * month is worth the surplus alone */
  p = base_problem();
  p.horizon = 2;
  p.max_strikes = 0;
  p.training_months = 1;
  assert_close(salesim_ladder_value(&p, h), u + 0.99 * (P * u + (1 - P) * p.surplus), 1e-12,
               0);
}

static void test_effort_rises_with_reward_and_bench(void **state) {
  (void)state;
  double flow;
  /* nothing for hunting: no reward, nobody to replace the rep */
  salesim_lead_problem p = base_problem();
  p.reward = 0;
  p.p_replace = 0;
  assert_close(salesim_ladder_best_hunt(&p, &flow), 0, 0, 0);
  assert_close(flow, 0, 0, 0);
  /* the reward alone */
  p.reward = 2000;
  double h_reward = salesim_ladder_best_hunt(&p, &flow);
  assert_true(h_reward > 0.05);
  assert_true(flow > 0);
  /* a credible threat at every strike count raises effort */
  for (int s = 0; s < 3; s++) {
    p.strikes = s;
    p.p_replace = 0;
    double h0 = salesim_ladder_best_hunt(&p, NULL);
    p.p_replace = 1;
    double h1 = salesim_ladder_best_hunt(&p, NULL);
    print_message("strikes %d: h = %.4f without a bench, %.4f with\n", s, h0, h1);
    assert_true(h1 > h0);
  }
  /* the best effort is the best on a fine grid */
  p.strikes = 1;
  double hb = salesim_ladder_best_hunt(&p, NULL), vb = salesim_ladder_value(&p, hb);
  for (double h = 0; h < 3; h += 0.001)
    assert_true(salesim_ladder_value(&p, h) <= vb + 1e-6 * fabs(vb));
}

/* ---- in a running world ------------------------------------------------- */

/* Two trained reps who cannot meet a target of 10,000 leads: each month on
 * target is a miss, each miss a month of retraining (passed for sure), and
 * the third miss demotes: months 0, 2 and 4. A bench of two replaces them. */
static const char *const demotion_cfg =
    "seed = 3; replications = 1; months = 8;\n"
    "production = { mode = \"pipeline\"; };\n"
    "population = { reps = 2; outside_wage = 0.0; savings_months = 100.0;\n"
    "  quit_rate = 0.0; };\n"
    "territories = { count = 1; };\n"
    "mechanisms = ( { type = \"training_ladder\"; lead_target = 10000; reward = 1000.0;\n"
    "  start_trained = 1.0; capacity = 10; training_months = 1; max_strikes = 3;\n"
    "  bench = 2; bench_seats = 0; fail_is_strike = false; pass_mid = 0.0;\n"
    "  pass_slope = 1000.0; pass_max = 1.0; } );\n";

static void test_demotion_after_exactly_max_strikes(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(demotion_cfg);
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  int id[2] = {w->agents[0].id, w->agents[1].id};
  /* after month t: strikes and status of each rep */
  static const int strikes[4] = {1, 1, 2, 2};
  static const int status[4] = {SALESIM_AGENT_TRAINING, SALESIM_AGENT_ACTIVE,
                                SALESIM_AGENT_TRAINING, SALESIM_AGENT_ACTIVE};
  for (int t = 0; t < 4; t++) {
    salesim_world_step(w);
    for (int i = 0; i < 2; i++) {
      const salesim_agent *a = &w->agents[i];
      assert_int_equal(a->id, id[i]);
      assert_int_equal(salesim_ladder_grade(w, a), 1);
      assert_int_equal(salesim_ladder_strikes(w, a), strikes[t]);
      assert_int_equal(a->status, status[t]);
    }
  }
  /* month 4: the third miss; the bench takes both seats */
  salesim_world_step(w);
  for (int i = 0; i < 2; i++) {
    const salesim_agent *a = &w->agents[i];
    assert_int_not_equal(a->id, id[0]);
    assert_int_not_equal(a->id, id[1]);
    assert_int_equal(salesim_ladder_grade(w, a), 1);
    assert_int_equal(salesim_ladder_strikes(w, a), 0);
    assert_int_equal(a->status, SALESIM_AGENT_ACTIVE);
  }
  assert_int_equal(w->type->report(w), 0);
  salesim_world_metrics_finish(w);
  assert_close(w->metrics[salesim_metric_catalogue_find("demotions")], 2.0 * 12 / 8, 1e-12, 0);
  assert_close(w->metrics[salesim_metric_catalogue_find("replacements")], 2.0 * 12 / 8, 1e-12, 0);
  assert_close(w->metrics[salesim_metric_catalogue_find("rewards_paid")], 0, 0, 0);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

/* The same people in three worlds: reward and bench, reward alone, and
 * neither. */
static const char *const effort_cfg =
    "seed = 9; replications = 1; months = 3;\n"
    "production = { mode = \"pipeline\"; };\n"
    "population = { reps = 10; outside_wage = 3000.0; quit_rate = 0.0; };\n"
    "territories = { count = 5; };\n"
    "mechanisms = (\n"
    "  { type = \"training_ladder\"; name = \"full\"; start_trained = 1.0;\n"
    "    reward = 2000.0; bench = 3; },\n"
    "  { type = \"training_ladder\"; name = \"no_bench\"; start_trained = 1.0;\n"
    "    reward = 2000.0; bench = 0; },\n"
    "  { type = \"training_ladder\"; name = \"bare\"; start_trained = 1.0;\n"
    "    reward = 0.0; bench = 0; } );\n";

static void test_no_reward_no_bench_works_less(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(effort_cfg);
  salesim_world *w[3] = {NULL, NULL, NULL};
  double total[3] = {0, 0, 0};
  for (int m = 0; m < 3; m++) {
    assert_int_equal(salesim_world_alloc(&w[m], sc, m, 0, sc->seed), 0);
    salesim_world_step(w[m]);
  }
  int n = 0;
  for (int i = 0; i < w[0]->n_agents; i++) {
    const salesim_agent *full = &w[0]->agents[i], *nob = &w[1]->agents[i],
                        *bare = &w[2]->agents[i];
    assert_int_equal(full->id, bare->id); /* the same person */
    assert_close(full->ability, bare->ability, 0, 0);
    total[0] += full->hunt;
    total[1] += nob->hunt;
    total[2] += bare->hunt;
    assert_close(bare->hunt, 0, 0, 0);
    assert_true(nob->hunt >= bare->hunt);
    assert_true(full->hunt >= nob->hunt - 1e-9);
    n += full->hunt > bare->hunt;
  }
  print_message("hunting: reward+bench %.3f, reward %.3f, neither %.3f\n", total[0], total[1],
                total[2]);
  assert_int_equal(n, w[0]->n_agents);
  assert_true(total[0] > total[1]);
  assert_true(total[1] > total[2]);
  for (int m = 0; m < 3; m++)
    salesim_world_free(w[m]);
  salesim_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hit_and_pass_by_hand),
      cmocka_unit_test(test_value_closed_forms),
      cmocka_unit_test(test_effort_rises_with_reward_and_bench),
      cmocka_unit_test(test_demotion_after_exactly_max_strikes),
      cmocka_unit_test(test_no_reward_no_bench_works_less),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
