/* tests/test_data_load.c: a scenario's `data` group (engine/scenario/data_load.c,
 * issue 13): the small company of tests/data/company/ loads into sc->data
 * with what it decides in the scenario; each kind of data error of
 * tests/data/bad/ (a folder per case holding the files that replace the
 * company's) gives exactly its lines "FILE:LINE: COLUMN: problem (expected
 * ...)", all of them in one run; paths are confined like @include; and
 * `salesim run` on bad data exits 2 and writes nothing. */
#define _XOPEN_SOURCE 700
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <salesim/salesim.h>

static const char *const all_files =
    "  territories = \"territories.csv\";\n  accounts = \"accounts.csv\";\n"
    "  roster = \"roster.csv\";\n  performance = \"performance.csv\";\n"
    "  opportunities = \"opportunities.csv\";\n  activities = \"activities.csv\";\n";

/* A fresh folder `name` under the test's root with the company's CSV
 * files, then the files of tests/data/bad/<bad> over them (bad may be
 * NULL), and scenario.cfg = head + a data group naming every file (plus
 * `extra` inside it) + one mechanism. Returns the folder (static). */
static const char *company(const char *name, const char *bad, const char *head,
                           const char *extra) {
  static char dir[1024];
  char *out = NULL, text[4096];
  snprintf(dir, sizeof dir, "%s", salesim_test_at(name));
  assert_int_equal(salesim_test_sh(&out, "mkdir -p '%s' && cp '%s'/*.csv '%s'/", dir,
                                   salesim_test_path("tests/data/company"), dir),
                   0);
  free(out);
  if (bad != NULL) {
    char src[1024];
    snprintf(src, sizeof src, "tests/data/bad/%s", bad);
    assert_int_equal(salesim_test_sh(&out, "cp '%s'/*.csv '%s'/", salesim_test_path(src), dir), 0);
    free(out);
  }
  snprintf(text, sizeof text, "%smonths = 12;\nreplications = 2;\ndata = {\n%s%s};\n"
                              "mechanisms = ( { type = \"commission\"; rate = 0.03; } );\n",
           head ? head : "", all_files, extra ? extra : "");
  char path[1100];
  snprintf(path, sizeof path, "%s/scenario.cfg", dir);
  salesim_test_write_text(path, text);
  return dir;
}

/* Load dir/scenario.cfg expecting failure with exactly the lines `want`
 * (NULL-terminated; "%s" in each is the folder). */
static void fails_with(const char *dir, const char *const *want) {
  char path[1100], line[2048];
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  snprintf(path, sizeof path, "%s/scenario.cfg", dir);
  assert_int_equal(salesim_scenario_load(&sc, path, &d), SALESIM_ESCENARIO);
  assert_null(sc);
  size_t n = 0;
  while (want[n] != NULL)
    n++;
  salesim_test_print_diag(&d);
  assert_int_equal(d.count, n);
  for (size_t i = 0; i < n; i++) {
    snprintf(line, sizeof line, want[i], dir);
    assert_string_equal(d.lines[i], line);
  }
  salesim_diag_clear(&d);
}

static salesim_scenario *loads(const char *dir, const salesim_load_options *opt) {
  char path[1100];
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  snprintf(path, sizeof path, "%s/scenario.cfg", dir);
  int rc = salesim_scenario_load_with(&sc, path, opt, &d);
  salesim_test_print_diag(&d);
  assert_int_equal(rc, 0);
  assert_non_null(sc);
  salesim_diag_clear(&d);
  return sc;
}

/* ---- the valid company ------------------------------------------------------ */

static void test_company_loads(void **state) {
  (void)state;
  salesim_scenario *sc = loads(company("ok", NULL, NULL, NULL), NULL);
  const salesim_data *d = sc->data;
  assert_non_null(d);
  assert_int_equal(d->n_territories, 3);
  assert_int_equal(d->n_accounts, 20);
  assert_int_equal(d->n_reps, 8);
  assert_int_equal(d->n_periods, 13);
  assert_int_equal(d->n_events, 18);
  assert_int_equal(d->n_opportunities, 6);
  assert_int_equal(d->n_activities, 8);
  /* the start: the month after the last date (2025-Q4 ends in December) */
  assert_int_equal(d->start, salesim_data_days(2026, 1, 1));
  /* what the data decides */
  assert_int_equal(sc->territories.count, 3);
  assert_int_equal(sc->population.reps, 6); /* R1..R6: R7, R8 left in 2025 */
  /* values */
  assert_string_equal(d->territories[2].name, "Southern Plains, East");
  assert_true(isnan(d->territories[2].potential));
  assert_true(isnan(d->territories[1].prospects));
  assert_close(d->territories[0].potential, 12e6, 0, 0);
  long r4 = salesim_data_find(d, SALESIM_DATA_K_REP, "R4");
  assert_string_equal(d->reps[r4].name, "Dana Krüger");
  assert_int_equal(d->reps[r4].territory, 1);
  long r8 = salesim_data_find(d, SALESIM_DATA_K_REP, "R8");
  assert_int_equal(d->reps[r8].exit_reason, SALESIM_DATA_EXIT_DISMISSED);
  assert_int_equal(d->reps[r8].exit_date, salesim_data_days(2025, 9, 15));
  assert_true(isnan(d->reps[salesim_data_find(d, SALESIM_DATA_K_REP, "R6")].annual_quota));
  long a05 = salesim_data_find(d, SALESIM_DATA_K_ACCOUNT, "A05");
  assert_int_equal(d->accounts[a05].owner, -1);
  long a04 = salesim_data_find(d, SALESIM_DATA_K_ACCOUNT, "A04");
  assert_close(d->accounts[a04].annual_revenue, 15500.5, 0, 0);
  assert_int_equal(d->accounts[a04].owner, salesim_data_find(d, SALESIM_DATA_K_REP, "R2"));
  assert_int_equal(d->accounts[salesim_data_find(d, SALESIM_DATA_K_ACCOUNT, "A06")].customer_since,
                   SALESIM_DATA_NO_DATE);
  /* events sorted by opportunity then date; "40%" and "Won" read as stages */
  long o1 = salesim_data_find(d, SALESIM_DATA_K_OPPORTUNITY, "O1");
  int stages[6], k = 0;
  for (size_t i = 0; i < d->n_events; i++) {
    if (i > 0)
      assert_true(d->events[i - 1].opportunity < d->events[i].opportunity ||
                  (d->events[i - 1].opportunity == d->events[i].opportunity &&
                   d->events[i - 1].date <= d->events[i].date));
    if (d->events[i].opportunity == o1 && k < 6)
      stages[k++] = d->events[i].stage;
  }
  assert_int_equal(k, 6);
  int want[6] = {0, 1, 2, 3, 4, 5};
  for (int i = 0; i < 6; i++)
    assert_int_equal(stages[i], want[i]);
  long v5 = salesim_data_find(d, SALESIM_DATA_K_ACTIVITY, "V5");
  assert_int_equal(d->activities[v5].type, SALESIM_DATA_ACT_VISIT);
  assert_int_equal(d->activities[v5].state, SALESIM_DATA_ACT_IN_PROGRESS);
  /* provenance */
  assert_string_equal(d->path[SALESIM_DATA_ROSTER], "roster.csv");
  assert_int_equal(strlen(d->hash[SALESIM_DATA_ROSTER]), 16);
  char hash[17];
  snprintf(hash, sizeof hash, "%s", sc->hash);
  salesim_scenario_free(sc);

  /* one byte of one data file changes the scenario's hash; the text alone
   * is the same */
  const char *dir = company("ok2", NULL, NULL, NULL);
  char path[1100], *out = NULL;
  snprintf(path, sizeof path, "%s/activities.csv", dir);
  assert_int_equal(salesim_test_sh(&out, "sed 's/V8,R2/V9,R2/' '%s' > '%s.x' && mv '%s.x' '%s'",
                                   path, path, path, path),
                   0);
  free(out);
  sc = loads(dir, NULL);
  assert_string_not_equal(sc->hash, hash);
  salesim_scenario_free(sc);
  sc = loads(company("ok3", NULL, NULL, NULL), NULL);
  assert_string_equal(sc->hash, hash);
  salesim_scenario_free(sc);
}

/* An explicit start decides the starting force; settings that agree with
 * the data are accepted; dates on or after the start are errors. */
static void test_start_and_agreeing_settings(void **state) {
  (void)state;
  const char *dir = company("start", NULL, NULL, NULL);
  char path[1100];
  snprintf(path, sizeof path, "%s/scenario.cfg", dir);
  /* on 2025-08-01 R8 (left 2025-09-15) is still there: 7 people */
  salesim_test_write_text(path, "population = { reps = 7; };\nterritories = { count = 3; };\n"
                                "data = { territories = \"territories.csv\"; roster = \"roster.csv\";\n"
                                "  accounts = \"accounts.csv\"; start = \"2025-08-01\"; };\n"
                                "mechanisms = ( { type = \"commission\"; } );\n");
  salesim_scenario *sc = loads(dir, NULL);
  assert_int_equal(sc->data->start, salesim_data_days(2025, 8, 1));
  assert_int_equal(sc->population.reps, 7);
  long out[8];
  assert_int_equal(salesim_data_starting_force(sc->data, out, 8), 7);
  assert_int_equal(out[6], salesim_data_find(sc->data, SALESIM_DATA_K_REP, "R8"));
  salesim_scenario_free(sc);
  salesim_test_write_text(path, "data = { territories = \"territories.csv\"; roster = \"roster.csv\";\n"
                                "  accounts = \"accounts.csv\"; start = \"2025-04-01\"; };\n"
                                "mechanisms = ( { type = \"commission\"; } );\n");
  /* the history is what happened before month 0 */
  fails_with(dir, (const char *const[]){
      "%s/accounts.csv:17: customer_since: 2025-04-11 is on or after data.start 2025-04-01 (expected the history before the simulated firm's month 0)",
      NULL});
}

/* ---- one case per error kind ------------------------------------------------ */

static void test_unknown_ids(void **state) {
  (void)state;
  fails_with(company("unknown_id", "unknown_id", NULL, NULL), (const char *const[]){
      "%s/roster.csv:3: territory_id: 'T9' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:5: owner_rep_id: 'R99' is not in roster.csv (expected a rep_id of roster.csv)",
      NULL});
}

static void test_duplicate_ids(void **state) {
  (void)state;
  /* T3 is gone (its line now says T2): its accounts and people name a
   * territory that does not exist */
  fails_with(company("duplicate_id", "duplicate_id", NULL, NULL), (const char *const[]){
      "%s/territories.csv:4: territory_id: 'T2' also on line 3 (expected each territory_id once)",
      "%s/accounts.csv:14: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:15: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:16: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:17: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:18: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:19: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:20: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:21: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/roster.csv:6: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/roster.csv:7: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/roster.csv:9: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      NULL});
}

static void test_dates_out_of_order(void **state) {
  (void)state;
  /* exit before hire: the rep's later work is outside the employment too */
  fails_with(company("exit_before_hire", "exit_before_hire", NULL, NULL), (const char *const[]){
      "%s/roster.csv:8: exit_date: 2019-12-31 is before hire_date 2020-01-06 (expected a date on or after hire_date)",
      "%s/performance.csv:10: period: 2025-Q1 begins after exit_date 2019-12-31 of rep 'R7' on roster.csv:8 (expected a period during the rep's employment)",
      "%s/performance.csv:11: period: 2025-Q2 begins after exit_date 2019-12-31 of rep 'R7' on roster.csv:8 (expected a period during the rep's employment)",
      "%s/opportunities.csv:17: date: 2025-03-03 is after exit_date 2019-12-31 of rep 'R7' on roster.csv:8 (expected a date during the rep's employment)",
      "%s/opportunities.csv:18: date: 2025-05-30 is after exit_date 2019-12-31 of rep 'R7' on roster.csv:8 (expected a date during the rep's employment)",
      "%s/activities.csv:7: date: 2025-04-01 is after exit_date 2019-12-31 of rep 'R7' on roster.csv:8 (expected a date during the rep's employment)",
      NULL});
  fails_with(company("stage_back", "stage_back_in_time", NULL, NULL), (const char *const[]){
      "%s/opportunities.csv:4: stage: 40 on 2025-03-05 after 60 on 2025-02-20 (line 6) (expected stages in the order of their dates: a deal only moves forward)",
      NULL});
  fails_with(company("period_outside", "period_outside_employment", NULL, NULL), (const char *const[]){
      "%s/performance.csv:11: period: 2025-Q3 begins after exit_date 2025-06-30 of rep 'R7' on roster.csv:8 (expected a period during the rep's employment)",
      NULL});
  fails_with(company("outside_employment", "outside_employment", NULL, NULL), (const char *const[]){
      "%s/opportunities.csv:18: date: 2025-07-30 is after exit_date 2025-06-30 of rep 'R7' on roster.csv:8 (expected a date during the rep's employment)",
      NULL});
  fails_with(company("overlap", "overlapping_periods", NULL, NULL), (const char *const[]){
      "%s/performance.csv:10: period: 2025-Q3 overlaps 2025 on line 9 for rep 'R5' (expected each rep's periods not to overlap)",
      NULL});
}

static void test_rep_in_two_territories(void **state) {
  (void)state;
  fails_with(company("two_territories", "two_territories", NULL, NULL), (const char *const[]){
      "%s/accounts.csv:4: owner_rep_id: rep 'R3' is in territory 'T2' on roster.csv:4, the account in 'T1' (expected an owner from the account's own territory)",
      NULL});
}

static void test_negative_money_encoding_columns(void **state) {
  (void)state;
  fails_with(company("negative_money", "negative_money", NULL, NULL), (const char *const[]){
      "%s/accounts.csv:5: annual_revenue: -15500.5 is negative (expected an amount a year, at least 0)",
      NULL});
  /* a broken file: its own problem only, not every reference to it */
  fails_with(company("bad_encoding", "bad_encoding", NULL, NULL), (const char *const[]){
      "%s/roster.csv:5: byte 0xfc is not UTF-8 text (expected UTF-8: save the file as \"CSV UTF-8\")",
      NULL});
  fails_with(company("missing_column", "missing_column", NULL, NULL), (const char *const[]){
      "%s/roster.csv:1: hire_date: missing column (expected it in the header row)", NULL});
}

static void test_exits_and_deals(void **state) {
  (void)state;
  fails_with(company("reason", "reason_without_date", NULL, NULL), (const char *const[]){
      "%s/roster.csv:3: exit_reason: 'quit' without an exit_date (expected blank while exit_date is blank)",
      "%s/roster.csv:8: exit_reason: blank with exit_date 2025-06-30 (expected one of: quit, dismissed, other)",
      NULL});
  fails_with(company("after_won", "rows_after_won", NULL, NULL), (const char *const[]){
      "%s/opportunities.csv:11: stage: a row after the opportunity was lost on 2025-04-09 (line 10) (expected won or lost as its last row by date)",
      NULL});
  fails_with(company("won_value", "won_without_value", NULL, NULL), (const char *const[]){
      "%s/opportunities.csv:16: value: blank on the won row and on every row of opportunity 'O4' (expected the deal's contract value)",
      NULL});
  fails_with(company("quota_zero", "quota_zero", NULL, NULL), (const char *const[]){
      "%s/performance.csv:14: quota: 0 with credited_sales 500 (expected a quota > 0 when sales are credited: attainment is undefined)",
      NULL});
}

/* Values outside an enumeration, a grade that is not one, a blank required
 * cell, an account held by a leaver, one deal on two accounts. */
static void test_values_and_leavers(void **state) {
  (void)state;
  fails_with(company("misc", "misc", NULL, NULL), (const char *const[]){
      "%s/roster.csv:6: grade: '2.5' is not a grade (expected an integer 1..1000)",
      "%s/opportunities.csv:19: stage: 'closed' is not a stage (expected one of: lead, 20, 40, 60, 80, won, lost)",
      "%s/activities.csv:3: type: 'call' is not an activity type (expected one of: daily, visit, trip)",
      "%s/activities.csv:4: rep_id: blank (expected a rep_id of roster.csv)",
      "%s/accounts.csv:7: owner_rep_id: rep 'R7' left on 2025-06-30 (roster.csv:8), before data.start 2026-01-01 (expected an owner employed at the start, or blank)",
      "%s/opportunities.csv:12: account_id: 'A14' but 'A13' on line 11 (expected one account per opportunity)",
      NULL});
}

/* Several files wrong at once: every problem of every file in one run. */
static void test_all_at_once(void **state) {
  (void)state;
  fails_with(company("all", "all_at_once", NULL, NULL), (const char *const[]){
      "%s/territories.csv:4: territory_id: 'T2' also on line 3 (expected each territory_id once)",
      "%s/accounts.csv:5: annual_revenue: -15500.5 is negative (expected an amount a year, at least 0)",
      "%s/accounts.csv:14: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:15: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:16: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:17: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:18: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:19: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:20: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/accounts.csv:21: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/roster.csv:6: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/roster.csv:7: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/roster.csv:8: exit_date: 2019-12-31 is before hire_date 2020-01-06 (expected a date on or after hire_date)",
      "%s/roster.csv:9: territory_id: 'T3' is not in territories.csv (expected a territory_id of territories.csv)",
      "%s/performance.csv:14: quota: 0 with credited_sales 500 (expected a quota > 0 when sales are credited: attainment is undefined)",
      "%s/accounts.csv:4: owner_rep_id: rep 'R3' is in territory 'T2' on roster.csv:4, the account in 'T1' (expected an owner from the account's own territory)",
      "%s/performance.csv:10: period: 2025-Q1 begins after exit_date 2019-12-31 of rep 'R7' on roster.csv:8 (expected a period during the rep's employment)",
      "%s/performance.csv:11: period: 2025-Q2 begins after exit_date 2019-12-31 of rep 'R7' on roster.csv:8 (expected a period during the rep's employment)",
      "%s/opportunities.csv:16: value: blank on the won row and on every row of opportunity 'O4' (expected the deal's contract value)",
      "%s/opportunities.csv:17: date: 2025-03-03 is after exit_date 2019-12-31 of rep 'R7' on roster.csv:8 (expected a date during the rep's employment)",
      "%s/opportunities.csv:18: date: 2025-05-30 is after exit_date 2019-12-31 of rep 'R7' on roster.csv:8 (expected a date during the rep's employment)",
      "%s/activities.csv:7: date: 2025-04-01 is after exit_date 2019-12-31 of rep 'R7' on roster.csv:8 (expected a date during the rep's employment)",
      NULL});
}

/* ---- the data group itself -------------------------------------------------- */

static void test_group_and_conflicts(void **state) {
  (void)state;
  fails_with(company("conflicts", NULL, "territories = { count = 5; };\npopulation = { reps = 10; };\n",
                     "  rooster = \"roster.csv\";\n  start = \"2026-01-15\";\n"),
             (const char *const[]){
                 "%s/scenario.cfg:12: data.rooster: unknown setting, did you mean 'roster'? (expected one of: territories, accounts, roster, performance, opportunities, activities, start)",
                 "%s/scenario.cfg:13: data.start: \"2026-01-15\" is not the first day of a month (expected a date \"YYYY-MM-01\")",
                 "%s/scenario.cfg:1: territories.count: 5 but territories.csv has 3 territories (expected 3, or leave territories.count out)",
                 "%s/scenario.cfg:2: population.reps: 10 but roster.csv has 6 people employed on data.start 2026-01-01 (expected 6, or leave population.reps out)",
                 NULL});
  fails_with(company("list", NULL, "territories = { list = ( { potential = 1.0e6; } ); };\n", NULL),
             (const char *const[]){
                 "%s/scenario.cfg:1: territories.list: given with data.territories (expected one of the two: with territories.csv the territories are its 3 rows)",
                 NULL});
  /* files that need another */
  const char *dir = company("needs", NULL, NULL, NULL);
  char path[1100];
  snprintf(path, sizeof path, "%s/scenario.cfg", dir);
  salesim_test_write_text(path, "data = { roster = \"roster.csv\"; accounts = \"accounts.csv\";\n"
                                "  performance = \"performance.csv\"; };\n"
                                "mechanisms = ( { type = \"commission\"; } );\n");
  fails_with(dir, (const char *const[]){
      "%s/scenario.cfg:1: data.roster: needs data.territories (expected territories = \"...\" too: roster.csv's territory_id names its rows)",
      "%s/scenario.cfg:1: data.accounts: needs data.territories (expected territories = \"...\" too: accounts.csv's territory_id names its rows)",
      NULL}); /* performance.csv needs roster.csv, itself not read: no second line */
  salesim_test_write_text(path, "data = { territories = \"territories.csv\";\n"
                                "  performance = \"performance.csv\"; };\n"
                                "mechanisms = ( { type = \"commission\"; } );\n");
  fails_with(dir, (const char *const[]){
      "%s/scenario.cfg:2: data.performance: needs data.roster (expected roster = \"...\" too: its rep_id names the people of roster.csv)",
      NULL});
  /* nobody employed at the start */
  dir = company("nobody", NULL, NULL, NULL);
  snprintf(path, sizeof path, "%s/roster.csv", dir);
  salesim_test_write_text(path, "rep_id,territory_id,hire_date,exit_date,exit_reason\n"
                                "R7,T1,2020-01-06,2025-06-30,quit\nR8,T3,2022-03-01,2025-09-15,other\n");
  snprintf(path, sizeof path, "%s/scenario.cfg", dir);
  salesim_test_write_text(path, "data = { territories = \"territories.csv\"; roster = \"roster.csv\"; };\n"
                                "mechanisms = ( { type = \"commission\"; } );\n");
  fails_with(dir, (const char *const[]){
      "%s/scenario.cfg:1: data.roster: nobody in roster.csv is employed on data.start 2025-10-01 (expected at least one person hired before it and not left before it)",
      NULL});
  /* fewer people than territories: the model has no vacant territory */
  snprintf(path, sizeof path, "%s/roster.csv", dir);
  salesim_test_write_text(path, "rep_id,territory_id,hire_date\nR1,T1,2020-01-01\nR2,T2,2020-01-01\n");
  fails_with(dir, (const char *const[]){
      "%s/scenario.cfg:1: data.roster: 2 people employed at the start for 3 territories (expected at least one per territory: population.reps and territories.count come from the data)",
      NULL});
}

/* Data paths follow @include's rules: the scenario's folder tree, or a
 * folder allowed with --include-dir. */
static void test_confinement(void **state) {
  (void)state;
  const char *dir = company("confined", NULL, NULL, NULL);
  char sub[1100], path[1200];
  snprintf(sub, sizeof sub, "%s/sub", dir);
  mkdir(sub, 0755);
  snprintf(path, sizeof path, "%s/scenario.cfg", sub);
  salesim_test_write_text(path, "data = { territories = \"../territories.csv\";\n"
                                "  roster = \"../roster.csv\"; };\n"
                                "mechanisms = ( { type = \"commission\"; } );\n");
  char real[1100];
  assert_non_null(realpath(sub, real));
  char want1[1400], want2[1400];
  snprintf(want1, sizeof want1, "%%s/scenario.cfg:1: data.territories: outside the scenario's folder %s (expected a file in that folder or below it; --include-dir DIR allows another folder)", real);
  snprintf(want2, sizeof want2, "%%s/scenario.cfg:2: data.roster: outside the scenario's folder %s (expected a file in that folder or below it; --include-dir DIR allows another folder)", real);
  fails_with(sub, (const char *const[]){want1, want2, NULL});
  const char *dirs[] = {dir};
  salesim_load_options opt = SALESIM_LOAD_OPTIONS_INIT;
  opt.include_dirs = dirs;
  opt.n_include_dirs = 1;
  salesim_scenario *sc = loads(sub, &opt);
  assert_int_equal(sc->population.reps, 6);
  assert_string_equal(sc->data->path[SALESIM_DATA_ROSTER], "../roster.csv");
  salesim_scenario_free(sc);
  /* not a regular file */
  salesim_test_write_text(path, "data = { territories = \".\"; };\n"
                                "mechanisms = ( { type = \"commission\"; } );\n");
  fails_with(sub, (const char *const[]){"%s/scenario.cfg:1: data.territories: not a regular file", NULL});
}

/* Through the command line: exit 2, every line, no output folder. */
static void test_cli_writes_nothing(void **state) {
  (void)state;
  const char *dir = company("cli", "all_at_once", NULL, NULL);
  char out_dir[1100], *out = NULL;
  snprintf(out_dir, sizeof out_dir, "%s/never", dir);
  assert_int_equal(salesim_test_sh(&out, "%s run '%s/scenario.cfg' -o '%s'", SALESIM_BINARY, dir,
                                   out_dir),
                   2);
  assert_non_null(strstr(out, "territories.csv:4: territory_id: 'T2' also on line 3"));
  assert_non_null(strstr(out, "activities.csv:7: date: 2025-04-01 is after exit_date"));
  free(out);
  assert_false(salesim_test_exists(out_dir));
}

/* A run on the company: the manifest names the data, scenario.cfg keeps
 * the group and notes the files it read. */
static void test_cli_run_names_its_data(void **state) {
  (void)state;
  const char *dir = company("run", NULL, NULL, NULL);
  char out_dir[1100], path[1200], *out = NULL;
  snprintf(out_dir, sizeof out_dir, "%s/out", dir);
  assert_int_equal(salesim_test_sh(&out, "%s run '%s/scenario.cfg' --replications 1 --quiet -o '%s'",
                                   SALESIM_BINARY, dir, out_dir),
                   0);
  free(out);
  snprintf(path, sizeof path, "%s/summary.json", out_dir);
  char *json = salesim_test_slurp(path, NULL);
  assert_non_null(json);
  const char *data = strstr(json, "\"data\": {");
  assert_non_null(data);
  assert_non_null(strstr(data, "\"roster.csv\": {"));
  assert_non_null(strstr(data, "\"path\": \"roster.csv\""));
  assert_non_null(strstr(data, "\"hash\": \"97b90871fcfe9eea\""));
  assert_non_null(strstr(data, "\"rows\": 18"));
  assert_non_null(strstr(data, "\"start\": \"2026-01-01\""));
  free(json);
  snprintf(path, sizeof path, "%s/scenario.cfg", out_dir);
  char *cfg = salesim_test_slurp(path, NULL);
  assert_non_null(cfg);
  assert_non_null(strstr(cfg, "  roster = \"roster.csv\";"));
  assert_non_null(strstr(cfg, "#   roster.csv = \"roster.csv\": FNV-1a 97b90871fcfe9eea, 8 rows\n"));
  free(cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_company_loads),
      cmocka_unit_test(test_start_and_agreeing_settings),
      cmocka_unit_test(test_unknown_ids),
      cmocka_unit_test(test_duplicate_ids),
      cmocka_unit_test(test_dates_out_of_order),
      cmocka_unit_test(test_rep_in_two_territories),
      cmocka_unit_test(test_negative_money_encoding_columns),
      cmocka_unit_test(test_exits_and_deals),
      cmocka_unit_test(test_values_and_leavers),
      cmocka_unit_test(test_all_at_once),
      cmocka_unit_test(test_group_and_conflicts),
      cmocka_unit_test(test_confinement),
      cmocka_unit_test(test_cli_writes_nothing),
      cmocka_unit_test(test_cli_run_names_its_data),
  };
  return cmocka_run_group_tests(tests, salesim_test_root_setup, salesim_test_root_teardown);
}
