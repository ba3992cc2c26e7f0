/*
 * tests/test_payout_curve.c: payout curves supplied by the mechanisms
 * (engine/base/payout_curve.h): commission and target_salary compute annual pay
 * at attainment 0 .. 200 % from their own settings; the run writes them
 * into summary.json ("payout_curve": [{"attainment", "pay"}, ...]) with
 * every digit; the report reader takes them from there (and only there),
 * refuses a malformed one, and shows none for a mechanism without one.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <salesim/salesim.h>

#include "mechanism.h"
#include "params_json.h"
#include "report.h"

static const char scenario[] =
    "seed = 2;\nreplications = 2;\nmonths = 12;\n"
    "population = { reps = 6; };\nterritories = { count = 2; };\n"
    "firm = { target_rule = \"fixed\"; fixed_target = 100000.0; };\n"
    "mechanisms = (\n"
    "  { type = \"commission\"; name = \"plain\"; rate = 0.1; base = 1000.0; },\n"
    "  { type = \"commission\"; name = \"capped\"; rate = 0.1; cap = 12000.0; },\n"
    "  { type = \"target_salary\"; name = \"ts\"; salary_by_grade = [80000.0]; },\n"
    "  { type = \"monitoring\"; name = \"rules\"; }\n"
    ");\n";

static salesim_payout_curve curve_of(const salesim_scenario *sc, int k, double target) {
  salesim_payout_curve c;
  memset(&c, 0xff, sizeof c);
  const salesim_mechanism_type *t = sc->mechanisms[k].type;
  assert_non_null(t->payout_curve);
  assert_int_equal(t->payout_curve(sc->mechanisms[k].params, sc, target, &c), 0);
  return c;
}

static void test_hooks(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(scenario);
  double target = salesim_params_reference_target(sc);
  assert_close(target, 100000.0, 0, 0);

  salesim_payout_curve c = curve_of(sc, 0, target);
  assert_int_equal(c.n, SALESIM_PAYOUT_POINTS);
  for (int i = 0; i < c.n; i++) {
    assert_close(c.attainment[i], i * 0.025, 1e-15, 0);
    assert_close(c.pay[i], 12000.0 + 0.1 * c.attainment[i] * 100000.0, 1e-12, 1e-9);
  }
  assert_close(c.pay[40], 22000.0, 1e-12, 0); /* 100 % */

  c = curve_of(sc, 1, target); /* capped at 12,000 of commission = 120 % */
  assert_close(c.pay[40], 10000.0, 1e-12, 0);
  assert_close(c.pay[48], 12000.0, 1e-12, 0);
  assert_close(c.pay[80], 12000.0, 1e-12, 0);
  c = curve_of(sc, 0, NAN); /* no target: commission has nothing to scale by */
  assert_int_equal(c.n, 0);
  c = curve_of(sc, 0, 0.0);
  assert_int_equal(c.n, 0);

  /* target salary, default curve (0,0) (1,1) (1.5,3), 70:30 */
  c = curve_of(sc, 2, target);
  assert_int_equal(c.n, SALESIM_PAYOUT_POINTS);
  assert_close(c.pay[0], 56000.0, 1e-12, 0);
  assert_close(c.pay[20], 56000.0 + 0.5 * 24000.0, 1e-12, 0);
  assert_close(c.pay[40], 80000.0, 1e-12, 0);
  assert_close(c.pay[60], 56000.0 + 3 * 24000.0, 1e-12, 0);
  assert_close(c.pay[80], 56000.0 + 3 * 24000.0, 1e-12, 0); /* flat after the last point */
  c = curve_of(sc, 2, NAN); /* attainment alone */
  assert_int_equal(c.n, SALESIM_PAYOUT_POINTS);
  assert_close(c.pay[40], 80000.0, 1e-12, 0);

  assert_null(sc->mechanisms[3].type->payout_curve); /* monitoring: no pay curve */
  salesim_scenario_free(sc);
}

static char *replace_once(const char *text, const char *from, const char *to) {
  const char *at = strstr(text, from);
  assert_non_null(at);
  size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
  char *out = malloc(n);
  assert_non_null(out);
  snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
  return out;
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

static void test_written_and_read(void **state) {
  (void)state;
  char root[] = "/tmp/salesim-curve-XXXXXX";
  assert_non_null(mkdtemp(root));
  char dir[256], path[300], cmd[300];
  snprintf(dir, sizeof dir, "%s/out", root);
  salesim_scenario *sc = salesim_test_load_text(scenario);
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = 1;
  salesim_results *r = NULL;
  assert_int_equal(salesim_run(&r, sc, &opt, &d), 0);
  assert_int_equal(salesim_output_write(r, sc, dir, &d), 0);

  /* summary.json: the key where a curve exists, exactly the hook's numbers */
  snprintf(path, sizeof path, "%s/summary.json", dir);
  json_error_t err;
  json_t *js = json_load_file(path, 0, &err);
  assert_non_null(js);
  const json_t *mechs = json_object_get(js, "mechanisms");
  const char *names[] = {"plain", "capped", "ts", "rules"};
  double target = salesim_params_reference_target(sc);
  for (int k = 0; k < 4; k++) {
    const json_t *a = json_object_get(json_object_get(mechs, names[k]), "payout_curve");
    if (k == 3) {
      assert_null(a);
      continue;
    }
    salesim_payout_curve c = curve_of(sc, k, target);
    assert_true(json_is_array(a));
    assert_int_equal((int)json_array_size(a), c.n);
    for (int i = 0; i < c.n; i++) {
      const json_t *pt = json_array_get(a, (size_t)i);
      assert_true(json_number_value(json_object_get(pt, "attainment")) == c.attainment[i]);
      assert_true(json_number_value(json_object_get(pt, "pay")) == c.pay[i]);
    }
  }
  json_decref(js);

  /* the report reader takes the same numbers from the file */
  salesim_report_data *rd = NULL;
  assert_int_equal(salesim_report_load(&rd, dir, &d), 0);
  for (int k = 0; k < 4; k++) {
    if (k == 3) {
      assert_int_equal(rd->mech[k].curve_n, 0);
      continue;
    }
    salesim_payout_curve c = curve_of(sc, k, target);
    assert_int_equal(rd->mech[k].curve_n, c.n);
    for (int i = 0; i < c.n; i++) {
      assert_true(rd->mech[k].curve_x[i] == c.attainment[i]);
      assert_true(rd->mech[k].curve_y[i] == c.pay[i]);
    }
  }
  salesim_report_data_free(rd);

  /* ... and only from the file: change a point, the reader shows it */
  size_t len = 0;
  char *text = salesim_test_slurp(path, &len);
  assert_non_null(text);
  char *moved = replace_once(text, "\"pay\": 12000.0", "\"pay\": 12345.0");
  write_text(path, moved);
  assert_int_equal(salesim_report_load(&rd, dir, &d), 0);
  assert_close(rd->mech[0].curve_y[0], 12345.0, 0, 0);
  salesim_report_data_free(rd);
  free(moved);

  /* a malformed curve is refused with one line */
  char *bad = replace_once(text, "\"payout_curve\": [", "\"payout_curve\": \"x\", \"was\": [");
  write_text(path, bad);
  salesim_diag_clear(&d);
  assert_int_equal(salesim_report_load(&rd, dir, &d), SALESIM_EINVAL);
  assert_null(rd);
  assert_int_equal((int)d.count, 1);
  assert_non_null(strstr(d.lines[0], "mechanisms.plain.payout_curve"));
  free(bad);
  bad = replace_once(text, "\"pay\": 12000.0", "\"pay\": \"lots\"");
  write_text(path, bad);
  salesim_diag_clear(&d);
  assert_int_equal(salesim_report_load(&rd, dir, &d), SALESIM_EINVAL);
  assert_non_null(strstr(d.lines[0], "payout_curve[0]"));
  free(bad);
  free(text);

  salesim_diag_clear(&d);
  salesim_results_free(r);
  salesim_scenario_free(sc);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  assert_int_equal(system(cmd), 0);
}

static int failing_curve(const void *params, const salesim_scenario *sc, double target,
                         salesim_payout_curve *out) {
  (void)params;
  (void)sc;
  (void)target;
  out->n = 0;
  return SALESIM_ESOLVER;
}

/* A curve hook that fails stops the output: no folder, one message. */
static void test_failing_hook(void **state) {
  (void)state;
  char root[] = "/tmp/salesim-curve-XXXXXX";
  assert_non_null(mkdtemp(root));
  char dir[256], cmd[300];
  snprintf(dir, sizeof dir, "%s/out", root);
  salesim_scenario *sc = salesim_test_load_text(scenario);
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = 1;
  salesim_results *r = NULL;
  assert_int_equal(salesim_run(&r, sc, &opt, &d), 0);
  salesim_mechanism_type broken = *sc->mechanisms[1].type;
  broken.payout_curve = failing_curve;
  const salesim_mechanism_type *saved = sc->mechanisms[1].type;
  sc->mechanisms[1].type = &broken;
  assert_int_equal(salesim_output_write(r, sc, dir, &d), SALESIM_ESOLVER);
  sc->mechanisms[1].type = saved;
  assert_int_equal((int)d.count, 1);
  assert_non_null(strstr(d.lines[0], "capped: payout curve"));
  assert_int_not_equal(access(dir, F_OK), 0);
  salesim_diag_clear(&d);
  salesim_results_free(r);
  salesim_scenario_free(sc);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  assert_int_equal(system(cmd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_hooks),
                                     cmocka_unit_test(test_written_and_read),
                                     cmocka_unit_test(test_failing_hook)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
