/*
 * tests/test_history.c: the history recorder (models/core/history.h) and
 * `salesim run --export-history` (engine/run/export.c,
 * engine/output/history_csv.c):
 *   - recording changes no result: every metric and monthly value of
 *     replication 1 of every mechanism of six shipped scenarios (commission,
 *     target salary, quota bonus with timing games, the ladder and
 *     monitoring, tender / top-down / forecast bonus, linear mode) is the
 *     same bits with and without the recorder;
 *   - every month the accounts of each holder (a rep's book, an empty
 *     slot's held book, a territory's orphan book) sum to its number within
 *     1e-9 relative;
 *   - the opportunity log is consistent: dates increase and fall within the
 *     rep's employment, stages go one step at a time from 20, every opportunity ends won (with a value) or lost,
 *     or is open at the end;
 *   - an account's owner works in its territory, a pay period overlaps its
 *     rep's employment;
 *   - people: the run's hires and leavers equal the roster's (not under the
 *     training ladder, whose bench is not recorded: docs/export-history.md);
 *   - the CLI writes the six files per mechanism, with the columns
 *     (read back with engine/scenario/data_csv.h), the same bytes with
 *     --threads 1 and 2, and refuses a folder that is not salesim's;
 *   - the export loads back as a company's data with every row (skipped in
 *     a tree without the loader, engine/scenario/data_load.c).
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "data_csv.h"
#include "history.h"
#include "history_csv.h"
#include "metrics.h"
#include "sim.h"
#include "study.h"
#include "world.h"

#define sh(...) salesim_test_sh(__VA_ARGS__)

static salesim_scenario *load(const char *rel) {
  salesim_scenario *sc = NULL;
  salesim_diag d = SALESIM_DIAG_INIT;
  int rc = salesim_scenario_load(&sc, salesim_test_path(rel), &d);
  for (size_t i = 0; i < d.count; i++)
    printf("%s\n", d.lines[i]);
  salesim_diag_clear(&d);
  assert_int_equal(rc, 0);
  return sc;
}

/* ---- the recorder changes nothing ---------------------------------------------- */

static void same_bits(const char *rel) {
  salesim_scenario *sc = load(rel);
  int nm = salesim_metric_count();
  size_t nmon = (size_t)sc->months * SALESIM_SERIES_COUNT;
  for (int mech = 0; mech < sc->n_mechanisms; mech++) {
    double *m0 = malloc((size_t)nm * sizeof *m0), *m1 = malloc((size_t)nm * sizeof *m1);
    double *s0 = calloc(nmon, sizeof *s0), *s1 = calloc(nmon, sizeof *s1);
    assert_non_null(m0);
    assert_non_null(m1);
    assert_non_null(s0);
    assert_non_null(s1);
    salesim_task_out o0 = {m0, s0, NULL, 0, NULL}, o1 = {m1, s1, NULL, 0, NULL};
    salesim_diag d = SALESIM_DIAG_INIT;
    salesim_data *h = NULL;
    assert_int_equal(salesim_sim_run(sc, mech, 0, sc->seed, &o0, &d), 0);
    assert_int_equal(salesim_sim_run_recorded(sc, mech, 0, sc->seed, &o1, &d, &h), 0);
    assert_non_null(h);
    assert_true(h->n_reps > 0 && h->n_territories > 0);
    assert_memory_equal(m0, m1, (size_t)nm * sizeof *m0);
    assert_memory_equal(s0, s1, nmon * sizeof *s0);
    assert_int_equal(o0.n_tables, o1.n_tables);
    for (int t = 0; t < o0.n_tables; t++)
      salesim_table_free(o0.tables[t]);
    for (int t = 0; t < o1.n_tables; t++)
      salesim_table_free(o1.tables[t]);
    free(o0.tables);
    free(o1.tables);
    salesim_data_free(h);
    salesim_diag_clear(&d);
    free(m0);
    free(m1);
    free(s0);
    free(s1);
  }
  salesim_scenario_free(sc);
}

static void test_no_change(void **state) {
  (void)state;
  same_bits("scenarios/default.cfg");
  same_bits("scenarios/timing-games.cfg");
  same_bits("scenarios/ratchet-cap.cfg");
  same_bits("scenarios/rules-vs-mechanism.cfg");
  same_bits("scenarios/territory-tender.cfg");
  same_bits("scenarios/multitask-linear.cfg");
}

/* ---- accounts, opportunities, people on a world stepped month by month ---------- */

static void check_sums(const salesim_world *w) {
  for (int i = 0; i < w->n_agents; i++) {
    const salesim_agent *a = &w->agents[i];
    assert_close(salesim_history_holder_sum(w, SALESIM_HOLD_BOOK, i), a->book, 1e-9, 1e-6);
    assert_close(salesim_history_holder_sum(w, SALESIM_HOLD_HELD, i), a->held_book, 1e-9, 1e-6);
  }
  for (int k = 0; k < w->n_terr; k++)
    assert_close(salesim_history_holder_sum(w, SALESIM_HOLD_ORPHAN, k), w->terr[k].orphan_book,
                 1e-9, 1e-6);
}

static void check_opportunities(const salesim_data *d, long end) {
  size_t i = 0, n_won = 0, n_lost = 0, n_open = 0;
  /* every row within its rep's employment */
  for (size_t k = 0; k < d->n_events; k++) {
    const salesim_data_rep *r = &d->reps[d->events[k].rep];
    if (!(d->events[k].date > r->hire_date))
      printf("row %zu: opportunity %s stage %d on day %ld, its rep %s hired on day %ld\n", k,
             d->opportunities[d->events[k].opportunity], d->events[k].stage, d->events[k].date,
             r->id, r->hire_date);
    assert_true(d->events[k].date > r->hire_date);
    if (!(r->exit_date == SALESIM_DATA_NO_DATE || d->events[k].date <= r->exit_date))
      printf("row %zu: opportunity %s stage %d on day %ld, its rep %s left on day %ld\n", k,
             d->opportunities[d->events[k].opportunity], d->events[k].stage, d->events[k].date,
             r->id, r->exit_date);
    assert_true(r->exit_date == SALESIM_DATA_NO_DATE || d->events[k].date <= r->exit_date);
  }
  while (i < d->n_events) {
    size_t j = i;
    const salesim_data_event *e = &d->events[i];
    assert_int_equal(e->stage, SALESIM_DATA_STAGE_20);
    int stage = e->stage;
    long date = e->date;
    for (j = i + 1; j < d->n_events && d->events[j].opportunity == e->opportunity; j++) {
      const salesim_data_event *x = &d->events[j];
      assert_true(x->date > date);
      assert_true(stage <= SALESIM_DATA_STAGE_80); /* nothing after won or lost */
      if (x->stage == SALESIM_DATA_STAGE_WON) {
        assert_int_equal(stage, SALESIM_DATA_STAGE_80);
        assert_true(x->value > 0);
      } else if (x->stage != SALESIM_DATA_STAGE_LOST) {
        assert_int_equal(x->stage, stage + 1);
      }
      assert_true(x->date < end);
      stage = x->stage;
      date = x->date;
    }
    n_won += stage == SALESIM_DATA_STAGE_WON;
    n_lost += stage == SALESIM_DATA_STAGE_LOST;
    n_open += stage <= SALESIM_DATA_STAGE_80;
    i = j;
  }
  printf("opportunities: %zu won, %zu lost, %zu open at the end\n", n_won, n_lost, n_open);
  assert_true(n_won > 0 && n_lost > 0);
  assert_int_equal(n_won + n_lost + n_open, d->n_opportunities);
}

static void stepped(const char *rel, int mech, int people) {
  salesim_scenario *sc = load(rel);
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, mech, 0, sc->seed), 0);
  assert_int_equal(salesim_history_attach(w), 0);
  check_sums(w);
  for (int t = 0; t < sc->months; t++) {
    assert_int_equal(salesim_world_step(w), 0);
    check_sums(w);
  }
  salesim_data *d = NULL;
  assert_int_equal(salesim_history_finish(w, &d), 0);
  check_opportunities(d, salesim_history_month_day(w, sc->months));
  /* people: hires and leavers of the ledger are the roster's */
  size_t hires = 0, exits = 0;
  for (size_t r = 0; r < d->n_reps; r++) {
    hires += d->reps[r].hire_date >= d->start;
    exits += d->reps[r].exit_date != SALESIM_DATA_NO_DATE;
    assert_true(d->reps[r].exit_date == SALESIM_DATA_NO_DATE ||
                d->reps[r].exit_date > d->reps[r].hire_date);
  }
  printf("%s/%s: %zu people, %zu hires, %zu exits, %zu accounts, %zu periods\n", rel,
         sc->mechanisms[mech].name, d->n_reps, hires, exits, d->n_accounts, d->n_periods);
  printf("  the run's hires %g, leavers %g\n", w->ledger.hires, w->ledger.quits);
  if (people) {
    assert_int_equal((double)hires, w->ledger.hires);
    assert_int_equal((double)exits, w->ledger.quits);
  }
  /* what the loader checks across files: an account's owner works in its
   * territory; a pay period overlaps its rep's employment */
  for (size_t k = 0; k < d->n_accounts; k++)
    if (d->accounts[k].owner >= 0)
      assert_int_equal(d->reps[d->accounts[k].owner].territory, d->accounts[k].territory);
  for (size_t k = 0; k < d->n_periods; k++) {
    const salesim_data_period *p = &d->periods[k];
    const salesim_data_rep *r = &d->reps[p->rep];
    long from = salesim_data_days((int)(p->first_month / 12), (int)(p->first_month % 12) + 1, 1);
    long last = p->first_month + p->months;
    long to = salesim_data_days((int)(last / 12), (int)(last % 12) + 1, 1);
    assert_true(r->hire_date < to);
    assert_true(r->exit_date == SALESIM_DATA_NO_DATE || r->exit_date >= from);
  }
  if (people) /* the ladder's bench at the start is employed too */
    assert_int_equal(salesim_data_starting_force(d, NULL, 0), (size_t)w->n_agents);
  salesim_data_free(d);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

static void test_stepped(void **state) {
  (void)state;
  stepped("scenarios/default.cfg", 0, 1);
  stepped("scenarios/default.cfg", 1, 1);
  stepped("scenarios/timing-games.cfg", 1, 1);
  stepped("scenarios/territory-tender.cfg", 0, 1);
  stepped("scenarios/territory-tender.cfg", 1, 1);
  stepped("scenarios/territory-tender.cfg", 2, 1);
  stepped("scenarios/rules-vs-mechanism.cfg", 0, 1);
  stepped("scenarios/rules-vs-mechanism.cfg", 1, 1);
  stepped("scenarios/rules-vs-mechanism.cfg", 2, 0);
}

/* ---- the CLI ---------------------------------------------------------------------- */

static const salesim_data_column territories_cols[] = {
    {"territory_id", 1}, {"name", 1}, {"region", 1}, {"potential", 1}, {"prospects", 1}};
static const salesim_data_column accounts_cols[] = {
    {"account_id", 1},     {"name", 1},           {"territory_id", 1},
    {"owner_rep_id", 1},   {"annual_revenue", 1}, {"customer_since", 1}};
static const salesim_data_column roster_cols[] = {
    {"rep_id", 1},      {"name", 1},        {"territory_id", 1},     {"hire_date", 1},
    {"exit_date", 1},   {"exit_reason", 1}, {"grade", 1},            {"annual_base", 1},
    {"target_incentive", 1}, {"annual_quota", 1}};
static const salesim_data_column performance_cols[] = {
    {"rep_id", 1}, {"period", 1}, {"quota", 1}, {"credited_sales", 1}, {"variable_pay", 1}};
static const salesim_data_column opportunities_cols[] = {
    {"opportunity_id", 1}, {"account_id", 1}, {"rep_id", 1},
    {"date", 1},           {"stage", 1},      {"value", 1}};
static const salesim_data_column activities_cols[] = {
    {"activity_id", 1}, {"rep_id", 1}, {"date", 1}, {"type", 1}, {"state", 1}, {"account_id", 1}};

static size_t parse(const char *dir, const char *file, const salesim_data_column *cols, int n) {
  char path[4300];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  size_t len = 0;
  char *text = salesim_test_slurp(path, &len);
  assert_non_null(text);
  /* exactly the header, in its order */
  size_t hl = strcspn(text, "\n");
  char header[400] = "";
  for (int c = 0; c < n; c++)
    snprintf(header + strlen(header), sizeof header - strlen(header), "%s%s", c ? "," : "",
             cols[c].name);
  assert_int_equal(hl, strlen(header));
  assert_memory_equal(text, header, hl);
  salesim_data_csv t;
  salesim_diag d = SALESIM_DIAG_INIT;
  int rc = salesim_data_csv_parse(&t, file, text, len, cols, n, &d);
  for (size_t i = 0; i < d.count && i < 5; i++)
    printf("%s\n", d.lines[i]);
  assert_int_equal(rc, 0);
  size_t rows = t.n_rows;
  /* dates and periods read back */
  int dc = salesim_data_csv_col(&t, "hire_date"), pc = salesim_data_csv_col(&t, "period");
  for (size_t r = 0; r < rows && (dc >= 0 || pc >= 0); r++) {
    long days, first;
    int months;
    if (dc >= 0)
      assert_int_equal(salesim_data_csv_date(&t, r, dc, &days, &d), 1);
    if (pc >= 0)
      assert_int_equal(salesim_data_csv_period(&t, r, pc, &first, &months, &d), 1);
  }
  salesim_data_csv_free(&t);
  salesim_diag_clear(&d);
  free(text);
  return rows;
}

static void test_cli(void **state) {
  (void)state;
  char *out = NULL;
  const char *root = salesim_test_root();
  const char *scn = salesim_test_path("scenarios/target-salary-example.cfg");
  int rc = sh(&out, "cd '%s' && '%s' run -q '%s' --replications 2 --threads 1 -o o1 "
                    "--export-history h1",
              root, SALESIM_BINARY, scn);
  printf("%s", out ? out : "");
  free(out);
  assert_int_equal(rc, 0);
  rc = sh(&out, "cd '%s' && '%s' run -q '%s' --replications 2 --threads 2 -o o2 "
                "--export-history h2",
          root, SALESIM_BINARY, scn);
  free(out);
  assert_int_equal(rc, 0);
  rc = sh(&out, "cd '%s' && diff -r h1 h2 && cmp o1/summary.csv o2/summary.csv", root);
  printf("%s", out ? out : "");
  free(out);
  assert_int_equal(rc, 0);
  salesim_scenario *sc = load("scenarios/target-salary-example.cfg");
  for (int m = 0; m < sc->n_mechanisms; m++) {
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/h1/%s", root, sc->mechanisms[m].name);
    size_t nt = parse(dir, "territories.csv", territories_cols, 5);
    size_t na = parse(dir, "accounts.csv", accounts_cols, 6);
    size_t nr = parse(dir, "roster.csv", roster_cols, 10);
    size_t np = parse(dir, "performance.csv", performance_cols, 5);
    size_t no = parse(dir, "opportunities.csv", opportunities_cols, 6);
    size_t nc = parse(dir, "activities.csv", activities_cols, 6);
    printf("%s: %zu territories, %zu accounts, %zu people, %zu periods, %zu opportunity rows, "
           "%zu activities\n",
           sc->mechanisms[m].name, nt, na, nr, np, no, nc);
    assert_true(nt > 0 && na > 0 && nr >= (size_t)sc->population.reps && np > 0 && no > 0);
    assert_int_equal(nc, 0);
  }
  salesim_scenario_free(sc);
  /* the same export again replaces the folder (it is salesim's) */
  rc = sh(&out, "cd '%s' && '%s' run -q '%s' --replications 2 -o o1 --export-history h1", root,
          SALESIM_BINARY, scn);
  free(out);
  assert_int_equal(rc, 0);
  /* a folder that is not salesim's is refused before the run, untouched */
  assert_int_equal(sh(NULL, "mkdir '%s'", salesim_test_at("mine")), 0);
  salesim_test_write_text(salesim_test_at("mine/keep.txt"), "mine\n");
  rc = sh(&out, "cd '%s' && '%s' run -q '%s' --replications 2 -o o3 --export-history mine",
          root, SALESIM_BINARY, scn);
  printf("%s", out ? out : "");
  assert_true(rc != 0);
  assert_non_null(out);
  assert_non_null(strstr(out, "mine"));
  free(out);
  assert_true(salesim_test_exists(salesim_test_at("mine/keep.txt")));
  assert_false(salesim_test_exists(salesim_test_at("o3")));
  assert_int_equal(salesim_test_count_temp(root), 0);
  /* the output folder itself is refused as the export's */
  rc = sh(&out, "cd '%s' && '%s' run -q '%s' -o o1 --export-history o1", root, SALESIM_BINARY,
          scn);
  free(out);
  assert_int_equal(rc, 2);
}

/* ---- the round trip through the loader ------------------------------------------ */

/* The export of a run loads as a company's data, with every row: the
 * loader (engine/scenario/data_load.c) reads what the writer wrote. Skipped
 * in a tree without the loader. */
static void test_loads_back(void **state) {
  (void)state;
  if (!salesim_test_exists(salesim_test_path("engine/scenario/data_load.c")))
    skip();
  salesim_scenario *sc = load("scenarios/default.cfg");
  for (int m = 0; m < sc->n_mechanisms; m++) {
    salesim_data *h = NULL;
    salesim_diag d = SALESIM_DIAG_INIT;
    assert_int_equal(salesim_study_record(sc, m, 0, sc->seed, NULL, &h, &d), 0);
    char sub[64];
    snprintf(sub, sizeof sub, "h%d", m);
    assert_int_equal(sh(NULL, "mkdir -p '%s'", salesim_test_at(sub)), 0);
    assert_int_equal(salesim_history_csv_write(h, salesim_test_at(sub), &d), 0);
    char text[2000];
    snprintf(text, sizeof text,
             "name = \"back\";\nmonths = 12;\nreplications = 1;\n"
             "data = { territories = \"%s/territories.csv\"; accounts = \"%s/accounts.csv\";\n"
             "  roster = \"%s/roster.csv\"; performance = \"%s/performance.csv\";\n"
             "  opportunities = \"%s/opportunities.csv\"; activities = \"%s/activities.csv\"; };\n"
             "mechanisms = ( { type = \"target_salary\"; } );\n",
             sub, sub, sub, sub, sub, sub);
    const char *cfg = salesim_test_write_at("back.cfg", text);
    salesim_scenario *back = NULL;
    int rc = salesim_scenario_load(&back, cfg, &d);
    for (size_t i = 0; i < d.count && i < 10; i++)
      printf("%s\n", d.lines[i]);
    assert_int_equal(rc, 0);
    assert_non_null(back->data);
    const salesim_data *b = back->data;
    assert_int_equal(b->n_territories, h->n_territories);
    assert_int_equal(b->n_reps, h->n_reps);
    assert_int_equal(b->n_accounts, h->n_accounts);
    assert_int_equal(b->n_periods, h->n_periods);
    assert_int_equal(b->n_events, h->n_events);
    assert_int_equal(b->n_opportunities, h->n_opportunities);
    for (size_t r = 0; r < h->n_reps; r++) {
      assert_string_equal(b->reps[r].id, h->reps[r].id);
      assert_int_equal(b->reps[r].hire_date, h->reps[r].hire_date);
      assert_int_equal(b->reps[r].exit_date, h->reps[r].exit_date);
    }
    salesim_scenario_free(back);
    salesim_data_free(h);
    salesim_diag_clear(&d);
  }
  salesim_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_change),
      cmocka_unit_test(test_stepped),
      cmocka_unit_test_setup_teardown(test_cli, salesim_test_root_setup,
                                      salesim_test_root_teardown),
      cmocka_unit_test_setup_teardown(test_loads_back, salesim_test_root_setup,
                                      salesim_test_root_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
