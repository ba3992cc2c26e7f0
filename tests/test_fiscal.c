/*
 * tests/test_fiscal.c: a plan year that starts in any calendar month
 * (firm.fiscal_year_start, firm.start_month; issue 14). A run starting in
 * January under a fiscal year from April begins with a stub year of 3
 * months: year_start runs at run months 0, 3, 15, 27, the stub's plans are
 * prorated to 3 months left, the year's statistics are taken at months 2,
 * 14, 26 (the stub's without its OTE ratios: nobody served it in full),
 * and the year-end bunching is measured at those deadlines. The default
 * calendar keeps months 0, 12, 24. The history export's dates and
 * performance periods follow the calendar. Out-of-range and inconsistent
 * settings are refused with the house line.
 *
 * Read next: models/core/sim.c (salesim_world_step), models/core/history.c
 * (salesim_calendar_offset), docs/model.md ("Time and order of events").
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "metrics.h"
#include "sim.h"
#include "world.h"

#define TARGET 1200000.0

/* fiscal < 0: fiscal_year_start left out (the default, 0: the start month) */
static salesim_scenario *load_fiscal(int fiscal, int start, int months) {
  char text[1024], fy[64] = "";
  if (fiscal >= 0)
    snprintf(fy, sizeof fy, " fiscal_year_start = %d;", fiscal);
  snprintf(text, sizeof text,
           "name = \"fiscal\";\nseed = 3;\nmonths = %d;\n"
           "population = { reps = 24; };\nterritories = { count = 4; };\n"
           "firm = { target_rule = \"fixed\"; fixed_target = %.1f;%s"
           " start_month = %d; };\n"
           "mechanisms = ( { type = \"target_salary\"; name = \"ts\"; } );\n",
           months, TARGET, fy, start);
  salesim_scenario *sc = salesim_test_load_text(text);
  assert_non_null(sc);
  return sc;
}

/* Steps a world through the run; marks[m] gets 1 where year_start ran in
 * month m (every slot's pay_year zeroed: a sentinel left there before the
 * step is gone; a hire zeroes only its own slot's), 2 where the year's statistics were taken (att_n grew), 4
 * where OTE ratios were added. Checks the stub's prorated targets. */
static void walk(salesim_scenario *sc, int *marks, int stub_left) {
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  const double sentinel = -1e9;
  double *saved = malloc((size_t)w->n_agents * sizeof *saved);
  assert_non_null(saved);
  for (int m = 0; m < sc->months; m++) {
    for (int i = 0; i < w->n_agents; i++) {
      saved[i] = w->agents[i].pay_year;
      w->agents[i].pay_year = sentinel;
    }
    double att_n = w->ledger.att_n;
    int n_ote = w->n_ote;
    assert_int_equal(salesim_world_step(w), 0);
    /* year_start zeroes every slot's; a hire only its own */
    int n_reset = 0;
    for (int i = 0; i < w->n_agents; i++)
      n_reset += w->agents[i].pay_year > sentinel / 10;
    int reset = n_reset == w->n_agents;
    assert_true(reset || n_reset < w->n_agents / 2);
    for (int i = 0; i < w->n_agents; i++)
      if (!(w->agents[i].pay_year > sentinel / 10)) /* the month's pay added to the year's */
        w->agents[i].pay_year = saved[i] + (w->agents[i].pay_year - sentinel);
    marks[m] = reset | (w->ledger.att_n > att_n ? 2 : 0) | (w->n_ote > n_ote ? 4 : 0);
    if (m == 0) { /* the stub's plans: the target prorated to the months left */
      assert_int_equal(w->month_in_year, sc->months_per_year - stub_left);
      int checked = 0;
      for (int i = 0; i < w->n_agents; i++)
        if (w->agents[i].status != SALESIM_AGENT_VACANT && w->agents[i].hired_month < 0) {
          assert_close(w->agents[i].target, TARGET * stub_left / 12, 1e-12, 0);
          checked++;
        }
      assert_true(checked > 10);
    }
  }
  free(saved);
  salesim_world_free(w);
}

static void expect_marks(const int *marks, int months, const int *starts, const int *ends,
                         const int *ote) {
  for (int m = 0; m < months; m++) {
    int want = 0;
    for (const int *p = starts; *p >= 0; p++)
      want |= *p == m;
    for (const int *p = ends; *p >= 0; p++)
      want |= *p == m ? 2 : 0;
    for (const int *p = ote; *p >= 0; p++)
      want |= *p == m ? 4 : 0;
    if (marks[m] != want)
      print_message("month %d: marks %d, expected %d\n", m, marks[m], want);
    assert_int_equal(marks[m], want);
  }
}

static void test_stub_year(void **state) {
  (void)state;
  int marks[36];
  salesim_scenario *sc = load_fiscal(4, 1, 36);
  walk(sc, marks, 3);
  static const int starts[] = {0, 3, 15, 27, -1}, ends[] = {2, 14, 26, -1},
                   ote[] = {14, 26, -1};
  expect_marks(marks, 36, starts, ends, ote);
  salesim_scenario_free(sc);
  /* the default calendar: plan years from run month 0 */
  sc = load_fiscal(1, 1, 36);
  walk(sc, marks, 12);
  static const int starts1[] = {0, 12, 24, -1}, ends1[] = {11, 23, 35, -1},
                   ote1[] = {11, 23, 35, -1};
  expect_marks(marks, 36, starts1, ends1, ote1);
  salesim_scenario_free(sc);
  /* a run from April under a fiscal year from April: no stub */
  sc = load_fiscal(4, 4, 36);
  walk(sc, marks, 12);
  expect_marks(marks, 36, starts1, ends1, ote1);
  salesim_scenario_free(sc);
  /* a run from July with fiscal_year_start left out (0: the start month):
   * plan years from run month 0, as before fiscal years existed */
  sc = load_fiscal(-1, 7, 36);
  assert_int_equal(sc->firm.fiscal_year_start, 0);
  walk(sc, marks, 12);
  expect_marks(marks, 36, starts1, ends1, ote1);
  salesim_scenario_free(sc);
  /* the same run under a January plan year: a stub of 6 months */
  sc = load_fiscal(1, 7, 36);
  walk(sc, marks, 6);
  static const int starts7[] = {0, 6, 18, 30, -1}, ends7[] = {5, 17, 29, -1},
                   ote7[] = {17, 29, -1};
  expect_marks(marks, 36, starts7, ends7, ote7);
  salesim_scenario_free(sc);
}

/* The company of tests/data/company with data.start = `start` and `firm`
 * (a group's body, may be empty) in a fresh folder: its scenario.cfg. */
static const char *company(const char *name, const char *start, const char *firm) {
  static char path[1100];
  char dir[1024], *out = NULL, text[2048];
  assert_true(salesim_test_root()[0] == '/'); /* the group's folder (main) */
  snprintf(dir, sizeof dir, "%s", salesim_test_at(name));
  assert_int_equal(salesim_test_sh(&out, "mkdir -p '%s' && cp '%s'/*.csv '%s'/", dir,
                                   salesim_test_path("tests/data/company"), dir),
                   0);
  free(out);
  snprintf(text, sizeof text,
           "name = \"company\";\nmonths = 36;\nfirm = {%s};\ndata = {\n"
           "  start = \"%s\";\n"
           "  territories = \"territories.csv\";\n  accounts = \"accounts.csv\";\n"
           "  roster = \"roster.csv\";\n  performance = \"performance.csv\";\n"
           "  opportunities = \"opportunities.csv\";\n  activities = \"activities.csv\";\n"
           "};\nmechanisms = ( { type = \"commission\"; rate = 0.03; } );\n",
           firm, start);
  snprintf(path, sizeof path, "%s/scenario.cfg", dir);
  salesim_test_write_text(path, text);
  return path;
}

/* The run months where year_start runs (salesim_world_step: month 0 and
 * every plan-year month 0) into starts[], -1 after the last. */
static void year_starts(const char *cfg, int *starts, int *stub_months) {
  salesim_scenario *sc = NULL;
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_scenario_load(&sc, cfg, &d), 0);
  salesim_diag_clear(&d);
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  *stub_months = sc->months_per_year - w->fiscal_offset;
  int n = 0;
  for (int m = 0; m < sc->months; m++) {
    assert_int_equal(salesim_world_step(w), 0);
    if (m == 0 || w->month_in_year == 0)
      starts[n++] = m;
  }
  starts[n] = -1;
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

/* Data that start in July: with fiscal_year_start left out the plan years
 * start at run months 0, 12, 24 (as before fiscal years existed); with
 * fiscal_year_start = 1 the first is a stub of 6 months. */
static void test_data_from_july(void **state) {
  (void)state;
  int starts[64], stub;
  year_starts(company("fiscal_july", "2026-07-01", ""), starts, &stub);
  assert_int_equal(stub, 12);
  static const int want0[] = {0, 12, 24, -1};
  assert_memory_equal(starts, want0, sizeof want0);
  year_starts(company("fiscal_july_jan", "2026-07-01", " fiscal_year_start = 1; "), starts,
              &stub);
  assert_int_equal(stub, 6);
  static const int want1[] = {0, 6, 18, 30, -1};
  assert_memory_equal(starts, want1, sizeof want1);
  /* start_month given and equal to the data's: accepted */
  year_starts(company("fiscal_july_7", "2026-07-01", " start_month = 7; "), starts, &stub);
  assert_int_equal(stub, 12);
}

/* A whole 36-month run with the fiscal year from April: the year-end
 * bunching is new revenue at months 2, 14, 26 over the mean of the months
 * either side (recomputed here from the monthly series). */
static void test_year_metrics(void **state) {
  (void)state;
  salesim_scenario *sc = load_fiscal(4, 1, 36);
  int nm = salesim_metric_count();
  size_t nmon = (size_t)sc->months * SALESIM_SERIES_COUNT;
  double *met = malloc((size_t)nm * sizeof *met), *mon = calloc(nmon, sizeof *mon);
  assert_non_null(met);
  assert_non_null(mon);
  salesim_task_out o = {met, mon, NULL, 0, NULL};
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_sim_run(sc, 0, 0, sc->seed, &o, &d), 0);
#define NEW_REV(t) (mon[(size_t)(t) * SALESIM_SERIES_COUNT + SALESIM_SERIES_REVENUE_NEW])
  double spike = 0;
  int ns = 0;
  for (int last = 2; last + 1 < 36; last += 12) {
    double around = 0.5 * (NEW_REV(last - 1) + NEW_REV(last + 1));
    if (around > 0) {
      spike += NEW_REV(last) / around;
      ns++;
    }
  }
#undef NEW_REV
  assert_int_equal(ns, 3);
  assert_close(met[SALESIM_METRIC_YEAR_END_BUNCHING], spike / ns, 1e-12, 0);
  assert_true(isfinite(met[SALESIM_METRIC_PCT_AT_TARGET]));
  assert_true(isfinite(met[SALESIM_METRIC_OTE_ACCURACY]));
  for (int t = 0; t < o.n_tables; t++)
    salesim_table_free(o.tables[t]);
  free(o.tables);
  salesim_diag_clear(&d);
  free(met);
  free(mon);
  salesim_scenario_free(sc);
}

/* The history export: its first day is the start month's, and performance
 * periods are calendar years only for a January plan year, calendar
 * quarters for a fiscal year from January, April, July or October, else
 * months; a stub quarter's quota is the stub's target. */
static void check_history(int fiscal, int start, int period, long first_day) {
  salesim_scenario *sc = load_fiscal(fiscal, start, 24);
  int nm = salesim_metric_count();
  size_t nmon = (size_t)sc->months * SALESIM_SERIES_COUNT;
  double *met = malloc((size_t)nm * sizeof *met), *mon = calloc(nmon, sizeof *mon);
  assert_non_null(met);
  assert_non_null(mon);
  salesim_task_out o = {met, mon, NULL, 0, NULL};
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_data *h = NULL;
  assert_int_equal(salesim_sim_run_recorded(sc, 0, 0, sc->seed, &o, &d, &h), 0);
  assert_non_null(h);
  assert_int_equal(h->start, first_day);
  int y, m, dd;
  salesim_data_ymd(first_day, &y, &m, &dd);
  long base = (long)y * 12 + m - 1;
  assert_true(h->n_periods > 0);
  int stub_rows = 0;
  for (size_t i = 0; i < h->n_periods; i++) {
    const salesim_data_period *p = &h->periods[i];
    assert_int_equal(p->months, period);
    assert_int_equal(p->first_month % period, 0);
    assert_true(p->first_month >= base && p->first_month < base + 24);
    if (fiscal == 4 && start == 1 && p->first_month == base) {
      /* Jan-Mar: the stub year, its whole target (3 months of 12) */
      assert_true(p->quota <= TARGET * 3 / 12 * (1 + 1e-12));
      stub_rows += fabs(p->quota - TARGET * 3 / 12) < 1e-6 * TARGET;
    }
  }
  if (fiscal == 4 && start == 1)
    assert_true(stub_rows > 10);
  salesim_data_free(h);
  for (int t = 0; t < o.n_tables; t++)
    salesim_table_free(o.tables[t]);
  free(o.tables);
  salesim_diag_clear(&d);
  free(met);
  free(mon);
  salesim_scenario_free(sc);
}

static void test_history_calendar(void **state) {
  (void)state;
  check_history(1, 1, 12, salesim_data_days(2026, 1, 1));
  check_history(4, 1, 3, salesim_data_days(2026, 1, 1));
  check_history(4, 4, 3, salesim_data_days(2026, 4, 1));
  check_history(2, 1, 1, salesim_data_days(2026, 1, 1));
  check_history(1, 3, 1, salesim_data_days(2026, 3, 1));
}

static void test_refused(void **state) {
  (void)state;
  const char *p = salesim_test_write_temp("fiscal_bad.cfg",
                                          "name = \"bad\";\nmonths = 12;\n"
                                          "firm = {\n  fiscal_year_start = 13;\n"
                                          "  start_month = -1;\n};\n"
                                          "mechanisms = ( { type = \"commission\"; } );\n");
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_test_load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(salesim_test_has_line(
      &d, "%s:4: firm.fiscal_year_start: 13 out of range (expected an integer 0..12)", p));
  assert_true(salesim_test_has_line(
      &d, "%s:5: firm.start_month: -1 out of range (expected an integer 0..12)", p));
  salesim_diag_clear(&d);
  /* a fiscal year needs 12-month plan years */
  p = salesim_test_write_temp("fiscal_mpy.cfg",
                              "name = \"bad\";\nmonths = 12;\nmonths_per_year = 6;\n"
                              "firm = { fiscal_year_start = 4; };\n"
                              "mechanisms = ( { type = \"commission\"; } );\n");
  assert_int_equal(salesim_test_load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(salesim_test_has_line(&d,
                                    "%s:4: firm.fiscal_year_start: 4 with months_per_year = 6 "
                                    "(expected 0, the start month, or months_per_year = 12)",
                                    p));
  salesim_diag_clear(&d);
  /* ... and 1 (January) is a calendar month too */
  p = salesim_test_write_temp("fiscal_mpy1.cfg",
                              "name = \"bad\";\nmonths = 12;\nmonths_per_year = 6;\n"
                              "firm = { fiscal_year_start = 1; };\n"
                              "mechanisms = ( { type = \"commission\"; } );\n");
  assert_int_equal(salesim_test_load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(salesim_test_has_line(&d,
                                    "%s:4: firm.fiscal_year_start: 1 with months_per_year = 6 "
                                    "(expected 0, the start month, or months_per_year = 12)",
                                    p));
  salesim_diag_clear(&d);
  /* a start month that is not the data's */
  const char *cfg = company("fiscal_start_bad", "2029-01-01", " start_month = 4; ");
  assert_int_equal(salesim_test_load_bad(cfg, &d), SALESIM_ESCENARIO);
  assert_true(salesim_test_has_line(&d,
                                    "%s:3: firm.start_month: 4 but the data start in month 1 "
                                    "of 2029 (expected 1, or leave it out)",
                                    cfg));
  salesim_diag_clear(&d);
}

/* The calendar's cross-checks hold for every point of a sweep (and for an
 * override: salesim_scenario_set): a swept fiscal_year_start under
 * 6-month plan years and a swept start_month against the data's are
 * refused at load, naming the sweep's parameter; a sweep of fiscal years
 * under 12-month plan years loads. */
static void test_sweep_calendar(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char *p = salesim_test_write_temp(
      "fiscal_sweep_fy.cfg",
      "name = \"bad\";\nmonths = 12;\nmonths_per_year = 6;\n"
      "mechanisms = ( { type = \"commission\"; } );\n"
      "sweep = { params = ( { path = \"firm.fiscal_year_start\"; values = [0, 4]; } ); };\n");
  assert_int_equal(salesim_test_load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(salesim_test_has_line(&d,
                                    "%s:5: sweep.params[0]: firm.fiscal_year_start = 4 with "
                                    "months_per_year = 6 (expected 0, the start month, or "
                                    "months_per_year = 12)",
                                    p));
  assert_int_equal(d.count, 1);
  salesim_diag_clear(&d);
  /* a swept start month against the data's */
  char text[4096];
  const char *cfg = company("fiscal_sweep_start", "2026-07-01", "");
  char *body = salesim_test_slurp(cfg, NULL);
  assert_non_null(body);
  snprintf(text, sizeof text,
           "%ssweep = { params = ( { path = \"firm.start_month\"; values = [7, 1]; } ); };\n",
           body);
  free(body);
  salesim_test_write_text(cfg, text);
  assert_int_equal(salesim_test_load_bad(cfg, &d), SALESIM_ESCENARIO);
  assert_true(salesim_test_has_line(&d,
                                    "%s:14: sweep.params[0]: firm.start_month = 1: the data "
                                    "start in month 7 of 2026 (expected 7, or 0)",
                                    cfg));
  salesim_diag_clear(&d);
  /* fiscal years swept under 12-month plan years: fine */
  salesim_scenario *sc = salesim_test_load_text(
      "name = \"ok\";\nmonths = 12;\nmechanisms = ( { type = \"commission\"; } );\n"
      "sweep = { params = ( { path = \"firm.fiscal_year_start\"; values = [0, 1, 4]; } ); "
      "};\n");
  assert_non_null(sc);
  salesim_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stub_year),
      cmocka_unit_test(test_year_metrics),
      cmocka_unit_test(test_history_calendar),
      cmocka_unit_test(test_refused),
      cmocka_unit_test(test_data_from_july),
      cmocka_unit_test(test_sweep_calendar),
  };
  return cmocka_run_group_tests(tests, salesim_test_root_setup, salesim_test_root_teardown);
}
