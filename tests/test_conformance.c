/*
 * tests/test_conformance.c: one contract, every registered mechanism (as
 * SUNDIALS runs one conformance test against every implementation of an
 * interface). Each mechanism, with its default settings, runs a small sales
 * force for two plan years: it has a name, a summary and a settings table
 * whose defaults pass its own check; the run finishes; money adds up; the
 * numbers are finite where defined and the same on a second run. The
 * interface's contract (models/core/mechanism.h): version 2, every hook's status
 * 0 in a normal run (a world stepped month by month never reports an
 * error), and the per-agent state the engine keeps matches the type's
 * agent_state_size (one aligned, zeroed block; none when the size is 0).
 * tests/test_mechanism_contract.c covers failing hooks with a probe type.
 * Its declared metrics are well formed (unique names, none a core name, valid
 * unit, direction and kind; docs/mechanism-authoring.md) and it fills no
 * other mechanism's; its payout curve, when it supplies one, has the 81
 * points 0 .. 200 % with finite pay >= 0 that never falls with attainment
 * (beyond rounding, 1e-12 relative).
 */
#include "testutil.h"

#include <math.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <salesim/salesim.h>

#include "mechanism.h"
#include "sim.h"
#include "params_json.h"

static void check_declared(const salesim_mechanism_type *type, const salesim_results *r) {
  char msg[256] = "";
  if (salesim_metric_decls_check(type, msg, sizeof msg) != 0)
    fail_msg("%s", msg);
  for (int m = SALESIM_METRIC_CORE_COUNT; m < r->n_metrics; m++) {
    int own = 0;
    for (int i = 0; i < type->n_metrics; i++)
      own |= salesim_metric_slot(type, i) == m;
    for (int rep = 0; !own && rep < r->n_rep; rep++)
      if (!isnan(SALESIM_METRIC_AT(r, 0, rep, m)))
        fail_msg("%s fills %s, which it does not declare", type->name, r->metric_info[m]->name);
  }
}

static void check_curve(const salesim_mechanism_type *type, const salesim_scenario *sc) {
  if (type->payout_curve == NULL)
    return;
  const double targets[] = {salesim_params_reference_target(sc), 1.0, NAN};
  for (size_t k = 0; k < sizeof targets / sizeof targets[0]; k++) {
    salesim_payout_curve c;
    assert_int_equal(type->payout_curve(sc->mechanisms[0].params, sc, targets[k], &c), 0);
    assert_true(c.n == 0 || c.n == SALESIM_PAYOUT_POINTS);
    for (int i = 0; i < c.n; i++) {
      assert_close(c.attainment[i], i * SALESIM_PAYOUT_STEP, 1e-12, 0);
      assert_true(isfinite(c.pay[i]) && c.pay[i] >= 0);
      /* never falls, up to rounding in the schedule's arithmetic */
      if (i > 0 && c.pay[i] < c.pay[i - 1] - 1e-12 * fabs(c.pay[i - 1]))
        fail_msg("%s: payout curve falls from %g to %g at %g", type->name, c.pay[i - 1],
                 c.pay[i], c.attainment[i]);
    }
    if (k == 0)
      assert_int_equal(c.n, SALESIM_PAYOUT_POINTS); /* defaults, a known target */
  }
}

/* The settings a type cannot default: `transition` names two plan entries
 * of the scenario (they follow it; the tested entry stays the first). */
static const char *needs(const salesim_mechanism_type *type) {
  if (strcmp(type->name, "transition") == 0)
    return " from = \"a\"; to = \"b\"; }, { type = \"plan\"; name = \"a\"; components = "
           "( { type = \"commission\"; rate = 0.03; } ); }, { type = \"plan\"; name = \"b\"; "
           "base = 3000.0; components = ( { type = \"target_incentive\"; amount = 30000.0; } );";
  return "";
}

static salesim_scenario *load_one(const salesim_mechanism_type *type) {
  char text[1024];
  snprintf(text, sizeof text,
           "seed = 3;\nreplications = 2;\nmonths = 24;\n"
           "population = { reps = 24; };\nterritories = { count = 6; };\n"
           "mechanisms = ( { type = \"%s\";%s } );\n",
           type->name, needs(type));
  return salesim_test_load_text(text);
}

/* The interface contract: status 0 from every hook of a normal run (the
 * engine turns any other status into a world error and a non-zero step),
 * and the world's per-agent state as the type declares it. */
static void contract_one(const salesim_mechanism_type *type) {
  assert_int_equal(type->version, 2);
  salesim_scenario *sc = load_one(type);
  for (int rep = 0; rep < 2; rep++) {
    salesim_world *w = NULL;
    assert_int_equal(salesim_world_alloc(&w, sc, 0, rep, sc->seed), 0);
    assert_int_equal(w->error, 0);
    assert_true((w->state != NULL) == (type->state_size > 0));
    if (type->agent_state_size == 0) {
      assert_null(w->agent_state);
      assert_null(salesim_agent_state(w, &w->agents[0]));
    } else {
      assert_non_null(w->agent_state);
      assert_true(w->agent_state_stride >= type->agent_state_size);
      assert_true(w->agent_state_stride < type->agent_state_size + alignof(max_align_t));
      assert_int_equal(w->agent_state_stride % alignof(max_align_t), 0);
      for (int i = 0; i < w->n_agents; i++) {
        const unsigned char *p = salesim_agent_state(w, &w->agents[i]);
        assert_ptr_equal(p, w->agent_state + (size_t)i * w->agent_state_stride);
        assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
      }
    }
    for (int t = 0; t < sc->months; t++) {
      int rc = salesim_world_step(w);
      if (rc != 0)
        print_message("%s: month %d: %s\n", type->name, t + 1, w->error_text);
      assert_int_equal(rc, 0);
      assert_int_equal(w->error, 0);
      assert_int_equal(w->month, t + 1);
    }
    salesim_world_free(w);
  }
  salesim_scenario_free(sc);
}

static void run_one(const salesim_mechanism_type *type) {
  salesim_scenario *sc = load_one(type);
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = 1;
  salesim_results *r1 = NULL, *r2 = NULL;
  assert_int_equal(salesim_run(&r1, sc, &opt, &d), 0);
  assert_int_equal(salesim_run(&r2, sc, &opt, &d), 0);
  salesim_diag_clear(&d);
  for (int rep = 0; rep < r1->n_rep; rep++) {
    for (int m = 0; m < r1->n_metrics; m++) {
      double v = SALESIM_METRIC_AT(r1, 0, rep, m);
      assert_true(isnan(v) || isfinite(v));
      double w = SALESIM_METRIC_AT(r2, 0, rep, m);
      assert_true((isnan(v) && isnan(w)) || v == w);
    }
    double rev = SALESIM_METRIC_AT(r1, 0, rep, SALESIM_METRIC_REVENUE);
    double pay = SALESIM_METRIC_AT(r1, 0, rep, SALESIM_METRIC_PAY_COST);
    assert_true(rev > 0);
    assert_true(pay >= 0);
    assert_close(pay,
                 SALESIM_METRIC_AT(r1, 0, rep, SALESIM_METRIC_PAY_FIXED) +
                     SALESIM_METRIC_AT(r1, 0, rep, SALESIM_METRIC_PAY_VARIABLE),
                 1e-9, 1e-6);
    assert_true(SALESIM_METRIC_AT(r1, 0, rep, SALESIM_METRIC_HEADCOUNT_END) <= 24);
  }
  check_declared(type, r1);
  check_curve(type, sc);
  salesim_results_free(r1);
  salesim_results_free(r2);
  salesim_scenario_free(sc);
}

static void test_every_mechanism(void **state) {
  (void)state;
  const salesim_mechanism_type *const *all = salesim_mechanism_all();
  int n = 0;
  for (size_t i = 0; all[i] != NULL; i++, n++) {
    const salesim_mechanism_type *t = all[i];
    assert_int_equal(t->version, SALESIM_MECHANISM_VERSION);
    assert_non_null(t->name);
    assert_non_null(t->summary);
    assert_non_null(t->params);
    assert_non_null(t->incentive);
    assert_non_null(t->month_pay);
    assert_ptr_equal(salesim_mechanism_find(t->name), t);
    print_message("conformance: %s\n", t->name);
    contract_one(t);
    run_one(t);
  }
  assert_true(n >= 3);
  char msg[256] = "";
  if (salesim_metric_catalogue_check(msg, sizeof msg) != 0)
    fail_msg("%s", msg);
  assert_null(salesim_mechanism_find("no_such_mechanism"));
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_every_mechanism)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
