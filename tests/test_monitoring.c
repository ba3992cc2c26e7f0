/*
 * tests/test_monitoring.c: the rules baseline (models/mechanisms/monitoring.c).
 *
 * The choice to fake switches exactly where q*F + kappa crosses the effort
 * a false report saves, computed by hand; the CARA cost of the audit
 * lottery; the rep ignores a quota not worth its effort; and, in a running
 * world, a rep who fakes every month and is always audited is dismissed at
 * exactly max_strikes.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <salesim/salesim.h>

#include "mechanism.h"
#include "monitoring.h"
#include "sim.h"

/* Hand numbers: quota 10 visits, 10 visits per unit of hunting, c = 1000,
 * pi = 1, no farming, nothing hunted for its own sake. Then v real visits
 * cost 1000/2 * (v/10)^2 = 5 v^2 a month, and the n-th false report saves
 * the effort of visit 10 - n + 1: 5*(100 - 81) = 95 for the first,
 * 5*(81 - 64) = 85 for the second, 75 for the third. */
static salesim_visit_problem hand_problem(double fake_cost) {
  salesim_visit_problem p;
  memset(&p, 0, sizeof p);
  p.quota = 10;
  p.visits_per_hunt = 10;
  p.effort_cost = 1000;
  p.pain = 1;
  p.stake = 1000;
  p.fake_cost = fake_cost;
  return p;
}

static void test_fake_cost_by_hand(void **state) {
  (void)state;
  /* risk neutral: kappa + q*(F + strike) */
  assert_close(salesim_monitoring_fake_cost(0.1, 500, 0, 45, 0), 95, 1e-12, 0);
  assert_close(salesim_monitoring_fake_cost(0.25, 400, 200, 10, 0), 160, 1e-12, 0);
  /* CARA: (1/r) ln(1 - q + q e^{r L}) > q L, and -> q L as r -> 0 */
  double r = 1e-3, L = 1000, q = 0.2;
  double ce = salesim_monitoring_fake_cost(q, L, 0, 0, r);
  assert_close(ce, log(1 - q + q * exp(r * L)) / r, 1e-12, 0);
  assert_true(ce > q * L);
  assert_close(salesim_monitoring_fake_cost(q, L, 0, 0, 1e-14), q * L, 1e-6, 0);
  /* no audits: only the moral cost */
  assert_close(salesim_monitoring_fake_cost(0, 5000, 9000, 30, 1e-5), 30, 1e-12, 0);
}

static void test_switch_exactly_at_effort_saved(void **state) {
  (void)state;
  const double q = 0.1, F = 500; /* q*F = 50 */
  /* the comparison itself */
  assert_int_equal(salesim_monitoring_fake_pays(95, q * F + 45), 0); /* tie: honest */
  assert_int_equal(salesim_monitoring_fake_pays(95, q * F + 44.999), 1);
  assert_int_equal(salesim_monitoring_fake_pays(95, q * F + 45.001), 0);

  salesim_visit_plan plan;
  /* kappa = 45: q*F + kappa = 95 = the first saving: no false report */
  salesim_visit_problem p = hand_problem(salesim_monitoring_fake_cost(q, F, 0, 45, 0));
  salesim_monitoring_plan(&p, &plan);
  assert_int_equal(plan.meet, 1);
  assert_close(plan.fake, 0, 0, 0);
  assert_close(plan.real, 10, 1e-12, 0);
  assert_close(plan.hunt, 1, 1e-12, 0);
  assert_close(plan.gain, 1000 - 500, 1e-9, 0);
  /* just below: one false report, and only one (85 < 94.99) */
  p = hand_problem(salesim_monitoring_fake_cost(q, F, 0, 44.99, 0));
  salesim_monitoring_plan(&p, &plan);
  assert_close(plan.fake, 1, 0, 0);
  assert_close(plan.real, 9, 1e-12, 0);
  assert_close(plan.gain, 1000 - 5 * 81 - 94.99, 1e-9, 0);
  /* just above: honest */
  p = hand_problem(salesim_monitoring_fake_cost(q, F, 0, 45.01, 0));
  salesim_monitoring_plan(&p, &plan);
  assert_close(plan.fake, 0, 0, 0);
  /* kappa = 30 (cost 80): the first two save 95 and 85 > 80, the third 75 */
  p = hand_problem(salesim_monitoring_fake_cost(q, F, 0, 30, 0));
  salesim_monitoring_plan(&p, &plan);
  assert_close(plan.fake, 2, 0, 0);
  assert_close(plan.real, 8, 1e-12, 0);
  assert_close(plan.gain, 1000 - 5 * 64 - 2 * 80, 1e-9, 0);
  /* a free lie (no audits, no conscience): every visit is faked */
  p = hand_problem(0);
  salesim_monitoring_plan(&p, &plan);
  assert_close(plan.fake, 10, 0, 0);
  assert_close(plan.real, 0, 0, 0);
  assert_close(plan.gain, 1000, 1e-12, 0);
}

static void test_quota_not_worth_it(void **state) {
  (void)state;
  salesim_visit_plan plan;
  /* honest (fakes cost 1000 each) and 10 real visits cost 500 > stake 400 */
  salesim_visit_problem p = hand_problem(1000);
  p.stake = 400;
  salesim_monitoring_plan(&p, &plan);
  assert_int_equal(plan.meet, 0);
  assert_close(plan.fake, 0, 0, 0);
  assert_close(plan.hunt, 0, 0, 0);
  assert_close(plan.gain, 0, 0, 0);
  /* a rep who hunts 1.2 for its own pay meets the quota for free */
  p = hand_problem(0);
  p.hunt0 = 1.2;
  salesim_monitoring_plan(&p, &plan);
  assert_int_equal(plan.meet, 1);
  assert_close(plan.fake, 0, 0, 0);
  assert_close(plan.hunt, 1.2, 1e-12, 0);
  assert_close(plan.gain, 1000, 1e-12, 0);
  /* partway: hunting 0.5 for itself, the saving of faking visit 10 is
   * still 95; faking from visit 5 down saves nothing (already made) */
  p = hand_problem(0.5);
  p.hunt0 = 0.5;
  salesim_monitoring_plan(&p, &plan);
  assert_close(plan.fake, 5, 0, 0);
  assert_close(plan.real, 5, 1e-12, 0);
}

/* ---- in a running world ------------------------------------------------- */

/* One rep, a quota of one visit, a real visit hugely expensive, no
 * conscience, no fine, every report audited, and a job worth little more
 * than the outside wage (horizon one month, salary 6000 vs 5950): the
 * strike a false report costs is worth J/(strikes left) = 17, 67 then 83,
 * each below the bonus of 100, so the rep fakes every month, is caught
 * every month and is dismissed at the third strike, not before. */
static const char *const strike_cfg =
    "seed = 5; replications = 1; months = 6;\n"
    "production = { mode = \"pipeline\"; };\n"
    "population = { reps = 1; effort_cost = 1000000.0; moral_cost = 0.0;\n"
    "  outside_wage = 5950.0; savings_months = 100.0; quit_rate = 0.0;\n"
    "  horizon_months = 1; };\n"
    "territories = { count = 1; };\n"
    "mechanisms = ( { type = \"monitoring\"; salary = 6000.0; quota = 1;\n"
    "  quota_bonus = 100.0; miss_cut = 0.0; audit_share = 1.0; audit_max = 1.0;\n"
    "  fine = 0.0; max_strikes = 3; escalate_every = 0; } );\n";

static void test_dismissed_at_max_strikes(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(strike_cfg);
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  int id = w->agents[0].id;
  for (int month = 0; month < 3; month++) {
    salesim_world_step(w);
    if (month < 2) {
      assert_int_equal(w->agents[0].status, SALESIM_AGENT_ACTIVE);
      assert_int_equal(w->agents[0].id, id);
      assert_int_equal(salesim_monitoring_strikes(w, &w->agents[0]), month + 1);
    }
  }
  /* third strike: dismissed at the end of month 2 */
  assert_int_equal(w->agents[0].status, SALESIM_AGENT_VACANT);
  assert_int_equal(w->type->report(w), 0);
  salesim_world_metrics_finish(w);
  assert_close(w->metrics[salesim_metric_catalogue_find("false_caught")], 3.0 * 12 / 6, 1e-12, 0);
  assert_close(w->metrics[salesim_metric_catalogue_find("dismissals")], 1.0 * 12 / 6, 1e-12, 0);
  assert_close(w->metrics[salesim_metric_catalogue_find("visits_real")], 0, 0, 0);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

/* Escalation: an all-faking force makes the firm raise q and F every
 * review until the caps. */
static void test_escalation_raises_audits(void **state) {
  (void)state;
  static const char *const cfg =
      "seed = 5; replications = 1; months = 9;\n"
      "production = { mode = \"pipeline\"; };\n"
      "population = { reps = 4; effort_cost = 1000000.0; moral_cost = 0.0;\n"
      "  outside_wage = 1000.0; savings_months = 100.0; quit_rate = 0.0; };\n"
      "territories = { count = 2; };\n"
      "mechanisms = ( { type = \"monitoring\"; salary = 6000.0; quota = 20;\n"
      "  quota_bonus = 3000.0; audit_share = 0.05; fine = 100.0; max_strikes = 0;\n"
      "  escalate_every = 3; audit_step = 0.1; audit_max = 0.25; fine_factor = 2.0;\n"
      "  fine_max = 300.0; } );\n";
  salesim_scenario *sc = salesim_test_load_text(cfg);
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  double share[9];
  for (int t = 0; t < 9; t++) {
    salesim_world_step(w);
    share[t] = w->monthly[(size_t)t * SALESIM_SERIES_COUNT + SALESIM_SERIES_AUDIT_SHARE];
  }
  /* audits find every audited report false: q is 0.05 for months 0-2,
   * 0.15 for 3-5, then the cap 0.25 */
  assert_close(share[0], 0.05, 1e-12, 0);
  assert_close(share[2], 0.05, 1e-12, 0);
  assert_close(share[3], 0.15, 1e-12, 0);
  assert_close(share[6], 0.25, 1e-12, 0);
  assert_close(share[8], 0.25, 1e-12, 0);
  assert_int_equal(w->type->report(w), 0);
  salesim_world_metrics_finish(w);
  assert_close(w->metrics[salesim_metric_catalogue_find("audit_share_end")], 0.25, 1e-12, 0);
  assert_true(w->metrics[salesim_metric_catalogue_find("visits_false")] > 0);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fake_cost_by_hand),
      cmocka_unit_test(test_switch_exactly_at_effort_saved),
      cmocka_unit_test(test_quota_not_worth_it),
      cmocka_unit_test(test_dismissed_at_max_strikes),
      cmocka_unit_test(test_escalation_raises_audits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
