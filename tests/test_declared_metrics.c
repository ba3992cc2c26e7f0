/*
 * tests/test_declared_metrics.c: metrics a mechanism declares in its type
 * object (engine/base/metrics.h) and the run-time catalogue built from them:
 * core metrics keep their ids, declared ones follow in registry order with
 * each name once (the order every output has always had), the engine
 * applies the declared kinds, a hook that sets a metric it does not
 * declare fails the replication, bad declarations are refused, and the
 * results API finds a mechanism's metric by name.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "mechanism.h"
#include "metrics.h"
#include "sim.h"

/* The metrics the mechanisms declare, in the order the outputs had when
 * they were a list in include/salesim/results.h (the byte-identity rule). */
static const char *const declared_order[] = {
    "visits_reported", "visits_real", "visits_false", "false_caught", "audit_cost", "fines",
    "dismissals", "audit_share_end", "trainings", "training_passes", "training_cost",
    "rewards_paid", "demotions", "replacements", "bench_mean", "territory_target_error",
    "bid_to_sales", "winners_curse", "awards_voided", "territories_unfilled",
    "reps_unmatched", "panel_cost", "bargaining_cost", "bargaining_cut", "blamed_misses",
    "manager_pay", "envy_rate", "bids_missed", "territories_no_bid", "bids_max",
    /* issue 14: the mechanism `plan` (its mbo and clawback components) */
    "churned_revenue",
    /* issue 14: the mechanism `transition`, last in the registry */
    "transition_left_fifth1", "transition_left_fifth2", "transition_left_fifth3",
    "transition_left_fifth4", "transition_left_fifth5", "transition_more_under_new",
    "transition_less_under_new", "transition_pay_cv", "transition_pushed", "transition_pulled",
    "transition_payments"};
#define N_DECLARED ((int)(sizeof declared_order / sizeof declared_order[0]))

static void test_catalogue_order(void **state) {
  (void)state;
  assert_int_equal(salesim_metric_count(), SALESIM_METRIC_CORE_COUNT + N_DECLARED);
  assert_string_equal(salesim_metric_catalogue_info(SALESIM_METRIC_REVENUE)->name, "revenue");
  assert_string_equal(salesim_metric_catalogue_info(SALESIM_METRIC_COST_PER_NEW_CUSTOMER)->name,
                      "cost_per_new_customer");
  for (int i = 0; i < N_DECLARED; i++) {
    const salesim_metric_info *info =
        salesim_metric_catalogue_info(SALESIM_METRIC_CORE_COUNT + i);
    assert_non_null(info);
    assert_string_equal(info->name, declared_order[i]);
    assert_int_equal(salesim_metric_catalogue_find(declared_order[i]),
                     SALESIM_METRIC_CORE_COUNT + i);
  }
  assert_null(salesim_metric_catalogue_info(-1));
  assert_null(salesim_metric_catalogue_info(salesim_metric_count()));
  assert_int_equal(salesim_metric_catalogue_find("no_such_metric"), -1);
  assert_int_equal(salesim_metric_catalogue_find(NULL), -1);
  assert_null(salesim_metric_catalogue_decl(SALESIM_METRIC_PROFIT));
  /* labels, units and directions as the outputs always showed them */
  const salesim_metric_decl *d =
      salesim_metric_catalogue_decl(salesim_metric_catalogue_find("audit_cost"));
  assert_non_null(d);
  assert_string_equal(d->info.label, "Audit (call-back) cost");
  assert_string_equal(d->info.unit, "currency/year");
  assert_int_equal(d->info.better, -1);
  assert_int_equal(d->kind, SALESIM_METRIC_KIND_PER_YEAR);
  assert_string_equal(d->short_label, "Audit cost /yr");

  const salesim_metric_info **all = NULL;
  int n = salesim_metric_catalogue(&all);
  assert_int_equal(n, salesim_metric_count());
  for (int m = 0; m < n; m++)
    assert_ptr_equal(all[m], salesim_metric_catalogue_info(m));
  free(all);

  char msg[256] = "";
  assert_int_equal(salesim_metric_catalogue_check(msg, sizeof msg), 0);
}

/* The org family shares one list: the same slots for all three types. */
static void test_shared_list_one_slot(void **state) {
  (void)state;
  const salesim_mechanism_type *t = salesim_mechanism_find("tender");
  const salesim_mechanism_type *td = salesim_mechanism_find("top_down");
  const salesim_mechanism_type *fb = salesim_mechanism_find("forecast_bonus");
  assert_non_null(t);
  assert_non_null(td);
  assert_non_null(fb);
  assert_true(t->n_metrics > 0);
  for (int i = 0; i < t->n_metrics; i++) {
    int s = salesim_metric_slot(t, i);
    assert_true(s >= SALESIM_METRIC_CORE_COUNT);
    assert_int_equal(salesim_metric_slot(td, i), s);
    assert_int_equal(salesim_metric_slot(fb, i), s);
  }
  assert_int_equal(salesim_metric_slot(t, -1), -1);
  assert_int_equal(salesim_metric_slot(t, t->n_metrics), -1);
  /* commission declares none */
  assert_int_equal(salesim_mechanism_find("commission")->n_metrics, 0);
}

static const char monitoring_text[] =
    "seed = 5;\nreplications = 1;\nmonths = 8;\n"
    "population = { reps = 6; };\nterritories = { count = 2; };\n"
    "mechanisms = ( { type = \"monitoring\"; } );\n";

/* The engine turns what the hook set into the metric by its kind. */
static void test_kinds_applied_once(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(monitoring_text);
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, 5), 0);
  int fines = salesim_metric_catalogue_find("fines");
  int share = salesim_metric_catalogue_find("audit_share_end");
  int bench = salesim_metric_catalogue_find("bench_mean");
  salesim_world_metric(w, 5, 40.0); /* fines: per year */
  salesim_world_metric(w, 7, 0.3);  /* audit_share_end: a level */
  assert_int_equal(w->error, 0);
  salesim_world_metrics_finish(w);
  assert_close(w->metrics[fines], 40.0 * 12 / 8, 1e-15, 0);
  assert_close(w->metrics[share], 0.3, 0, 0);
  assert_true(isnan(w->metrics[bench])); /* not monitoring's: untouched */
  assert_true(isnan(w->metrics[salesim_metric_catalogue_find("visits_real")]));
  /* an index the type does not declare fails the replication */
  salesim_world_metric(w, 8, 1.0);
  assert_int_not_equal(w->error, 0);
  assert_non_null(strstr(w->error_text, "does not declare"));
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

/* A monthly mean is divided by the run's months. */
static void test_monthly_mean(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(
      "seed = 5;\nreplications = 1;\nmonths = 10;\n"
      "population = { reps = 6; };\nterritories = { count = 2; };\n"
      "mechanisms = ( { type = \"training_ladder\"; } );\n");
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, 5), 0);
  const salesim_mechanism_type *t = w->type;
  int bi = -1;
  for (int i = 0; i < t->n_metrics; i++)
    if (strcmp(t->metrics[i].info.name, "bench_mean") == 0)
      bi = i;
  assert_true(bi >= 0);
  assert_int_equal(t->metrics[bi].kind, SALESIM_METRIC_KIND_MONTHLY_MEAN);
  salesim_world_metric(w, bi, 35.0);
  salesim_world_metrics_finish(w);
  assert_close(w->metrics[salesim_metric_catalogue_find("bench_mean")], 3.5, 1e-15, 0);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

/* Bad declarations are refused with a line naming the type and metric. */
static void test_bad_declarations(void **state) {
  (void)state;
  static const salesim_metric_decl clash[] = {
      {{"revenue", "Revenue again", "currency/year", 1}, SALESIM_METRIC_KIND_PER_YEAR, NULL}};
  static const salesim_metric_decl twice[] = {
      {{"x_count", "X", "per year", 0}, SALESIM_METRIC_KIND_PER_YEAR, NULL},
      {{"x_count", "X", "per year", 0}, SALESIM_METRIC_KIND_PER_YEAR, NULL}};
  static const salesim_metric_decl better[] = {
      {{"x_count", "X", "per year", 2}, SALESIM_METRIC_KIND_PER_YEAR, NULL}};
  static const salesim_metric_decl kind[] = {
      {{"x_count", "X", "per year", 0}, SALESIM_METRIC_KIND_COUNT, NULL}};
  static const salesim_metric_decl unit[] = {
      {{"x_count", "X", "", 0}, SALESIM_METRIC_KIND_LEVEL, NULL}};
  static const salesim_metric_decl name[] = {
      {{"X Count", "X", "per year", 0}, SALESIM_METRIC_KIND_LEVEL, NULL}};
  static const salesim_metric_decl good[] = {
      {{"x_count", "X", "per year", 0}, SALESIM_METRIC_KIND_PER_YEAR, "X /yr"}};
  const struct {
    const salesim_metric_decl *list;
    int n;
    const char *expect;
  } cases[] = {{clash, 1, "clashes with a core metric"},
               {twice, 2, "declared twice"},
               {better, 1, "better = 2"},
               {kind, 1, "unknown kind"},
               {unit, 1, "empty name, label or unit"},
               {name, 1, "not in [a-z0-9_]"},
               {good, 1, NULL}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    salesim_mechanism_type t = {.version = SALESIM_MECHANISM_VERSION, .name = "fake"};
    t.metrics = cases[i].list;
    t.n_metrics = cases[i].n;
    char msg[256] = "";
    int rc = salesim_metric_decls_check(&t, msg, sizeof msg);
    if (cases[i].expect == NULL) {
      assert_int_equal(rc, 0);
    } else {
      assert_int_equal(rc, -1);
      assert_non_null(strstr(msg, "fake"));
      assert_non_null(strstr(msg, cases[i].expect));
    }
  }
  salesim_mechanism_type none = {.version = SALESIM_MECHANISM_VERSION, .name = "fake"};
  none.n_metrics = 2;
  char msg[256] = "";
  assert_int_equal(salesim_metric_decls_check(&none, msg, sizeof msg), -1);
}

/* A run's results find a mechanism's metric by name, and only the running
 * mechanism's declared metrics have values. */
static void test_results_by_name(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(
      "seed = 5;\nreplications = 2;\nmonths = 12;\n"
      "population = { reps = 8; };\nterritories = { count = 2; };\n"
      "mechanisms = ( { type = \"monitoring\"; name = \"m\"; },\n"
      "               { type = \"commission\"; name = \"c\"; } );\n");
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = 1;
  salesim_results *r = NULL;
  assert_int_equal(salesim_run(&r, sc, &opt, &d), 0);
  assert_int_equal(salesim_results_metric_count(r), salesim_metric_count());
  int vr = salesim_results_metric_find(r, "visits_reported");
  assert_int_equal(vr, salesim_metric_catalogue_find("visits_reported"));
  assert_string_equal(salesim_results_metric_info(r, vr)->unit, "per year");
  for (int rep = 0; rep < r->n_rep; rep++) {
    assert_true(SALESIM_METRIC_AT(r, 0, rep, vr) > 0);
    for (int m = SALESIM_METRIC_CORE_COUNT; m < r->n_metrics; m++)
      assert_true(isnan(SALESIM_METRIC_AT(r, 1, rep, m))); /* commission declares none */
  }
  assert_int_equal(SALESIM_STAT_AT(r, 0, vr).n, 2);
  assert_int_equal(SALESIM_STAT_AT(r, 1, vr).n, 0);
  salesim_results_free(r);
  salesim_diag_clear(&d);
  salesim_scenario_free(sc);
}

static int failing_report(salesim_world *w) {
  (void)w;
  return SALESIM_ESOLVER;
}

static int undeclared_report(salesim_world *w) {
  salesim_world_metric(w, 99, 1.0);
  return 0;
}

/* A report hook that fails, or sets a metric it does not declare, ends the
 * replication with a message and the run with its code. */
static void test_report_failure_ends_run(void **state) {
  (void)state;
  int (*hooks[])(salesim_world *) = {failing_report, undeclared_report};
  const char *expect[] = {"monitoring: report failed", "does not declare"};
  const int code[] = {SALESIM_ESOLVER, SALESIM_EINVAL};
  for (int k = 0; k < 2; k++) {
    salesim_scenario *sc = salesim_test_load_text(monitoring_text);
    salesim_mechanism_type broken = *sc->mechanisms[0].type;
    broken.report = hooks[k];
    sc->mechanisms[0].type = &broken;
    salesim_diag d = SALESIM_DIAG_INIT;
    salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
    opt.threads = 1;
    salesim_results *r = NULL;
    assert_int_equal(salesim_run(&r, sc, &opt, &d), code[k]);
    assert_null(r);
    assert_true(d.count >= 1);
    assert_non_null(strstr(d.lines[0], expect[k]));
    salesim_diag_clear(&d);
    salesim_scenario_free(sc);
  }
}

/* docs/metrics.md lists every declared metric of the build. */
static void test_documented(void **state) {
  (void)state;
  size_t len = 0;
  char *doc = salesim_test_slurp(salesim_test_path("docs/metrics.md"), &len);
  assert_non_null(doc);
  for (int m = SALESIM_METRIC_CORE_COUNT; m < salesim_metric_count(); m++) {
    char cell[96];
    snprintf(cell, sizeof cell, "| `%s` |", salesim_metric_catalogue_info(m)->name);
    if (strstr(doc, cell) == NULL)
      fail_msg("docs/metrics.md does not list %s", cell);
  }
  free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_catalogue_order),   cmocka_unit_test(test_shared_list_one_slot),
      cmocka_unit_test(test_kinds_applied_once), cmocka_unit_test(test_monthly_mean),
      cmocka_unit_test(test_bad_declarations),  cmocka_unit_test(test_results_by_name),
      cmocka_unit_test(test_documented),        cmocka_unit_test(test_report_failure_ends_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
