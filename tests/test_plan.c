/*
 * tests/test_plan.c: the mechanism type `plan` from scenario files
 * (models/mechanisms/plan.c): tests/data/plan-saas.cfg runs (money adds
 * up, the same bits on one and two threads); paid at the
 * quarter's end, variable pay comes only in the plan year's quarter-end
 * months, paid as earned it comes every month; the components are
 * addressable by path and compile into the schedule the run uses; bad
 * components give one line each, all in one run, exit 2 (a cap below the
 * accelerator's start, points and a named shape both, an unknown kind, too
 * many breakpoints in all); the hooks on a world: a hire at month 6 gets
 * half the target and the 8 % break at half the credit, the incentive's
 * fields, quarters that reset credit and set a full quarter's target.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <salesim/salesim.h>

#include "decision.h"
#include "plan.h"
#include "sim.h"

static double monthly(const salesim_results *r, int mech, int rep, int t, int s) {
  return r->monthly[(((size_t)mech * r->n_rep + rep) * r->n_months + t) * SALESIM_SERIES_COUNT +
                    s];
}

/* The file runs; quarter-end payment pays only base (multiples of 5,000)
 * outside the quarters' last months; as earned pays variable pay in them too. */
static void test_saas_file_runs(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  int rc = salesim_scenario_load(&sc, salesim_test_path("tests/data/plan-saas.cfg"), &d);
  for (size_t i = 0; i < d.count; i++)
    print_message("%s\n", d.lines[i]);
  assert_int_equal(rc, 0);
  salesim_diag_clear(&d);
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = 1;
  salesim_results *r = NULL;
  assert_int_equal(salesim_run(&r, sc, &opt, &d), 0);
  salesim_diag_clear(&d);
  int off_quarter_variable[2] = {0, 0}, quarter_end_variable[2] = {0, 0};
  for (int mech = 0; mech < 2; mech++)
    for (int rep = 0; rep < r->n_rep; rep++) {
      assert_true(SALESIM_METRIC_AT(r, mech, rep, SALESIM_METRIC_PAY_VARIABLE) > 0);
      assert_true(SALESIM_METRIC_AT(r, mech, rep, SALESIM_METRIC_EFFORT) > 0);
      for (int t = 0; t < r->n_months; t++) {
        double pay = monthly(r, mech, rep, t, SALESIM_SERIES_PAY);
        /* the series is a difference of running totals: within 1e-6 */
        int base_only = fabs(pay / 5000.0 - round(pay / 5000.0)) < 1e-6;
        if (t % 12 % 3 == 2)
          quarter_end_variable[mech] += !base_only;
        else
          off_quarter_variable[mech] += !base_only;
      }
    }
  assert_int_equal(off_quarter_variable[0], 0);
  assert_true(quarter_end_variable[0] > 0);
  assert_true(off_quarter_variable[1] > 0);
  /* money adds up; the same results on two threads */
  for (int mech = 0; mech < 2; mech++)
    for (int rep = 0; rep < r->n_rep; rep++)
      assert_close(SALESIM_METRIC_AT(r, mech, rep, SALESIM_METRIC_PAY_COST),
                   SALESIM_METRIC_AT(r, mech, rep, SALESIM_METRIC_PAY_FIXED) +
                       SALESIM_METRIC_AT(r, mech, rep, SALESIM_METRIC_PAY_VARIABLE),
                   1e-12, 1e-6);
  salesim_results *r2 = NULL;
  opt.threads = 2;
  assert_int_equal(salesim_run(&r2, sc, &opt, &d), 0);
  salesim_diag_clear(&d);
  size_t nm = (size_t)r->n_mech * r->n_rep * r->n_metrics;
  size_t ns = (size_t)r->n_mech * r->n_rep * r->n_months * SALESIM_SERIES_COUNT;
  assert_memory_equal(r->metric, r2->metric, nm * sizeof(double));
  assert_memory_equal(r->monthly, r2->monthly, ns * sizeof(double));
  salesim_results_free(r2);
  salesim_results_free(r);
  salesim_scenario_free(sc);
}

/* A component's number by path; the run's plan is the compiled file. */
static void test_paths_and_compile(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  assert_int_equal(salesim_scenario_load(&sc, salesim_test_path("tests/data/plan-saas.cfg"), &d),
                   0);
  assert_ptr_equal(sc->mechanisms[0].type, salesim_mechanism_find("plan"));
  const salesim_plan_params *p = sc->mechanisms[0].params;
  assert_int_equal(p->components.n, 2);
  assert_int_equal(p->components.item[0].type, SALESIM_PLAN_TARGET_INCENTIVE);
  assert_int_equal(p->components.item[1].type, SALESIM_PLAN_COMMISSION);
  assert_int_equal(p->measurement, SALESIM_PLAN_QUARTER);
  assert_int_equal(p->payment, SALESIM_PLAN_PERIOD_END);
  /* a quarter at target 1,500,000 / 4: TI 10,000 a quarter at 100 % and 2 % of it all */
  salesim_schedule s;
  assert_int_equal(salesim_plan_compile(&s, p, 375000, 0.25), 0);
  assert_close(salesim_schedule_eval(&s, 375000), 10000 + 7500, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 187499), 1874.99, 1e-12, 1e-9); /* below the gate */
  assert_int_equal(salesim_scenario_set(sc, "mechanisms[0].components[1].tiers[1].rate", 0.03, &d),
                   0);
  assert_int_equal(salesim_scenario_set(sc, "mechanisms.saas-quarterly.components.tiers.tiers[0].rate",
                                        0.015, &d),
                   0);
  assert_int_equal(salesim_plan_compile(&s, p, 375000, 0.25), 0);
  assert_close(salesim_schedule_eval(&s, 375000), 10000 + 11250, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&s, 187499), 2812.485, 1e-12, 1e-9);
  /* the item's own check runs on a change by path */
  assert_int_not_equal(
      salesim_scenario_set(sc, "mechanisms[0].components[0].cap", 0.9, &d), 0);
  int found = 0;
  for (size_t i = 0; i < d.count; i++)
    found += strstr(d.lines[i], "a cap below the accelerator's start") != NULL;
  assert_int_equal(found, 1);
  salesim_diag_clear(&d);
  salesim_scenario_free(sc);
}


static const char *const hook_text =
    "seed = 3;\nmonths = 24;\n"
    "population = { reps = 6; };\nterritories = { count = 2; };\n"
    "firm = { target_rule = \"fixed\"; fixed_target = 1000000.0; };\n"
    "mechanisms = ( { type = \"plan\"; base = 4000.0; measurement = \"%s\";\n"
    "  payment = \"period_end\";\n"
    "  components = ( { type = \"commission\"; tiers = ((0.0, 0.05), (1.0, 0.08));\n"
    "    tiers_on = \"attainment\"; tiers_apply = \"retroactive\"; } ); } );\n";

/* The hooks on a world: year start, a hire at month 6, the incentive, a
 * quarter's end. */
static void test_hooks(void **state) {
  (void)state;
  char text[1024];
  /* measured by the year: a hire at month 6 has half the target, and the
   * 8 % break moves to half the credit */
  snprintf(text, sizeof text, hook_text, "year");
  salesim_scenario *sc = salesim_test_load_text(text);
  assert_non_null(sc);
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  w->month_in_year = 0;
  assert_int_equal(w->type->year_start(w), 0);
  assert_close(salesim_schedule_eval(&w->agents[0].sched, 1.2e6), 96000, 1e-12, 1e-9);
  w->month_in_year = 6;
  assert_int_equal(w->type->hire(w, &w->agents[0]), 0);
  assert_close(w->agents[0].target, 5e5, 1e-15, 0);
  assert_close(salesim_schedule_eval(&w->agents[0].sched, 499999), 24999.95, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&w->agents[0].sched, 6e5), 48000, 1e-12, 1e-9);
  salesim_world_free(w);
  salesim_scenario_free(sc);
  /* measured by the quarter */
  snprintf(text, sizeof text, hook_text, "quarter");
  sc = salesim_test_load_text(text);
  assert_non_null(sc);
  w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  const salesim_mechanism_type *t = w->type;
  assert_string_equal(t->name, "plan");
  salesim_agent *a = &w->agents[0];
  w->month_in_year = 0;
  assert_int_equal(t->year_start(w), 0);
  assert_close(a->target, 1e6, 1e-15, 0);
  /* the first quarter: target 250,000, the 8 % break there */
  assert_close(salesim_schedule_eval(&a->sched, 249999), 0.05 * 249999, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&a->sched, 3e5), 24000, 1e-12, 1e-9);
  /* a hire at month 6 of 12 (the first month of the third quarter): the
   * year's target halves, the quarter's is a full quarter */
  w->month_in_year = 6;
  assert_int_equal(t->hire(w, a), 0);
  assert_close(a->target, 5e5, 1e-15, 0);
  assert_close(salesim_schedule_eval(&a->sched, 3e5), 24000, 1e-12, 1e-9);
  /* a hire at month 7: two months of the quarter left, the break at 2/3 of it */
  w->month_in_year = 7;
  assert_int_equal(t->hire(w, a), 0);
  assert_close(salesim_schedule_eval(&a->sched, 166666), 0.05 * 166666, 1e-12, 1e-9);
  assert_close(salesim_schedule_eval(&a->sched, 1.7e5), 0.08 * 1.7e5, 1e-12, 1e-9);
  salesim_incentive inc;
  a->credit_period = 1000;
  assert_int_equal(salesim_sim_incentive(w, a, &inc), 0);
  assert_int_equal(inc.period_months, 3);
  assert_int_equal(inc.months_left, 2);
  assert_int_equal(inc.paid_at_end, 1);
  assert_int_equal(inc.pay_scales_with_target, 1);
  assert_close(inc.credit_to_date, 1000, 0, 0);
  assert_close(inc.paid_to_date, 0, 0, 0);
  assert_close(inc.book_credit, 1, 0, 0);
  assert_close(inc.base_month, 4000, 0, 0);
  salesim_world_free(w);
  /* stepping through a quarter: its end resets the credit and sets a full
   * quarter's schedule */
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  for (int m = 0; m < 3; m++)
    assert_int_equal(salesim_world_step(w), 0);
  int active = 0;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *b = &w->agents[i];
    if (b->status == SALESIM_AGENT_VACANT)
      continue;
    active++;
    assert_close(b->credit_period, 0, 0, 0);
    assert_close(salesim_schedule_eval(&b->sched, 3e5), 24000, 1e-12, 1e-9);
  }
  assert_true(active > 0);
  salesim_world_free(w);
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
  if (out->credit_months > 0) {
    double refl = salesim_decide_reference_ce(w, a, inc, (int)out->credit_months);
    double gl = (refl - out->ce_liquid) / fmax(1, fabs(refl));
    t->bad += gl > 1e-6;
    t->worst = fmax(t->worst, gl);
  }
}

/* Every decision of the first 13 months under both plans of the file. */
static void test_decisions_exact(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  assert_int_equal(salesim_scenario_load(&sc, salesim_test_path("tests/data/plan-saas.cfg"), &d),
                   0);
  for (int m = 0; m < 2; m++) {
    salesim_world *w = NULL;
    assert_int_equal(salesim_world_alloc(&w, sc, m, 0, sc->seed), 0);
    exact_tally t = {0, 0, 0};
    salesim_decide_set_probe(exact_probe, &t);
    for (int k = 0; k < 13; k++)
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

/* one line each, at the component's own line, all in one run */
static void test_bad_components(void **state) {
  (void)state;
  int status;
  char *out = salesim_test_validate("plan_bad.cfg",
                       "mechanisms = ( { type = \"plan\"; base = 5000.0;\n"              /* 1 */
                       "  components = (\n"                                              /* 2 */
                       "    { type = \"target_incentive\"; amount = 60000.0;\n"          /* 3 */
                       "      accelerator_start = 1.2; cap = 1.1; },\n"                  /* 4 */
                       "    { type = \"target_incentive\"; name = \"ti2\";\n"            /* 5 */
                       "      amount = 1000.0; curve = ((0.0, 0.0), (1.0, 1.0)); gate = 0.5; },\n"
                       "    { type = \"crediting\"; amount = 3000.0; }\n"                /* 7 */
                       "  ); } );\n",
                       &status);
  print_message("%s", out);
  assert_int_equal(status, 2);
  assert_non_null(strstr(out, ":3: mechanisms[0].components[0].cap: 1.1, a cap below the "
                              "accelerator's start (multiple 1.2 at attainment 1.2) (expected at "
                              "least 1.2, or 0 for no cap)"));
  assert_non_null(strstr(out, ":5: mechanisms[0].components[1].curve: both points and a named "
                              "shape"));
  assert_non_null(strstr(out, ":7: mechanisms[0].components[2].type: unknown type \"crediting\""));
  assert_non_null(strstr(out, "expected one of: target_incentive, commission, quota_bonus"));
  assert_int_equal(salesim_test_count_lines(out), 3);
  free(out);

  out = salesim_test_validate("plan_big.cfg",
                 "mechanisms = ( { type = \"plan\";\n"
                 "  components = (\n"
                 "    { type = \"target_incentive\"; amount = 60000.0; curve = ((0.1, 0.0), (0.2, "
                 "0.1), (0.3, 0.3), (0.4, 0.6), (0.5, 1.0), (0.6, 1.5), (0.7, 2.1), (0.8, 2.8), "
                 "(0.9, 3.6), (1.0, 4.5), (1.1, 5.5), (1.2, 6.6), (1.3, 7.8), (1.4, 9.1), (1.5, "
                 "10.5), (1.6, 12.0)); },\n"
                 "    { type = \"commission\"; tiers = ((0.0, 0.01), (0.85, 0.02), (1.35, 0.03));\n"
                 "      tiers_on = \"attainment\"; cap = 90000.0; }\n"
                 "  ); } );\n",
                 &status);
  print_message("%s", out);
  assert_int_equal(status, 2);
  assert_non_null(
      strstr(out, ":1: mechanisms[0].components: 19 breakpoints in all (expected at most 18)"));
  assert_int_equal(salesim_test_count_lines(out), 1);
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_saas_file_runs),
      cmocka_unit_test(test_paths_and_compile),
      cmocka_unit_test(test_bad_components),
      cmocka_unit_test(test_hooks),
      cmocka_unit_test(test_decisions_exact),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
