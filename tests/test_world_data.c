/* tests/test_world_data.c: a replication set up from the company's own data
 * (models/core/world_alloc.c, issue 13): territories, the starting force and
 * books come from the data where it has them, the rest from the scenario's
 * distributions; a scenario without data keeps its draws. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "metrics.h"
#include "sim.h"
#include "world.h"

static const char *scenario_text =
    "name = \"own\";\nseed = 5;\nmonths = 12;\n"
    "population = { reps = 4; };\n"
    "territories = { count = 3; };\n"
    "mechanisms = ( { type = \"commission\"; name = \"plain\"; } );\n";

/* Three territories (the second without a potential), five people of whom
 * four are employed on 2026-01-01 (one left in 2025), six accounts. */
static salesim_data *company(void) {
  salesim_data *d = salesim_data_new();
  assert_non_null(d);
  d->start = salesim_data_days(2026, 1, 1);
  salesim_data_territory t[3] = {{"N", "North", "", 1.2e6, 400},
                                 {"S", "South", "", NAN, NAN},
                                 {"E", "East", "", 3e5, 50}};
  for (int k = 0; k < 3; k++)
    assert_int_equal(salesim_data_add_territory(d, &t[k]), k);
  struct {
    const char *id;
    int terr, y, m, dd, left;
  } people[5] = {{"A", 0, 2020, 3, 15, 0},
                 {"B", 1, 2025, 7, 1, 0},
                 {"C", 0, 2019, 1, 1, 1},
                 {"D", 2, 2025, 12, 31, 0},
                 {"E", 0, 2023, 1, 2, 0}};
  for (int i = 0; i < 5; i++) {
    salesim_data_rep r = {people[i].id, "", people[i].terr,
                          salesim_data_days(people[i].y, people[i].m, people[i].dd),
                          people[i].left ? salesim_data_days(2025, 6, 30) : SALESIM_DATA_NO_DATE,
                          people[i].left ? SALESIM_DATA_EXIT_QUIT : SALESIM_DATA_EXIT_NONE,
                          0, NAN, NAN, NAN};
    assert_int_equal(salesim_data_add_rep(d, &r), i);
  }
  struct {
    const char *id;
    int terr, owner;
    double annual;
  } acc[6] = {{"a1", 0, 0, 120000}, {"a2", 0, 0, 24000}, {"a3", 1, 1, 60000},
              {"a4", 0, 2, 36000},  {"a5", 2, -1, 12000}, {"a6", 0, 4, 1200}};
  for (int c = 0; c < 6; c++) {
    salesim_data_account a = {acc[c].id, "", acc[c].terr, acc[c].owner, acc[c].annual,
                              SALESIM_DATA_NO_DATE};
    assert_int_equal(salesim_data_add_account(d, &a), c);
  }
  return d;
}

static void test_world_from_data(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(scenario_text);
  assert_non_null(sc);
  salesim_world *plain = NULL, *w = NULL;
  assert_int_equal(salesim_world_alloc(&plain, sc, 0, 0, sc->seed), 0);
  sc->data = company();
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  /* slots: A, B, D, E (C left before the start) in roster order */
  int terr[4] = {0, 1, 2, 0}, tenure[4] = {69, 6, 0, 35};
  double book[4] = {12000, 5000, 0, 100};
  for (int i = 0; i < 4; i++) {
    assert_int_equal(w->agents[i].territory, terr[i]);
    assert_int_equal(w->agents[i].tenure, tenure[i]);
    assert_int_equal(w->agents[i].hired_month, -1 - tenure[i]);
    assert_close(w->agents[i].book, book[i], 1e-12, 0);
    /* traits are the scenario's draws, slot by slot */
    assert_true(w->agents[i].ability == plain->agents[i].ability);
  }
  assert_int_equal(w->terr[0].n_slots, 2);
  assert_int_equal(w->terr[1].n_slots, 1);
  assert_int_equal(w->terr[2].n_slots, 1);
  /* C's account and the account of nobody are their territories' orphans */
  assert_close(w->terr[0].orphan_book, 3000, 1e-12, 0);
  assert_close(w->terr[2].orphan_book, 1000, 1e-12, 0);
  assert_close(w->terr[1].orphan_book, 0, 0, 0);
  /* the data's potentials and prospects; South keeps the scenario's draws */
  assert_true(w->terr[0].potential == 1.2e6 && w->terr[0].prospects0 == 400);
  assert_true(w->terr[2].potential == 3e5 && w->terr[2].prospects0 == 50);
  assert_true(w->terr[1].potential == plain->terr[1].potential);
  assert_true(w->terr[1].prospects0 == plain->terr[1].prospects0);
  /* the rest of the replication runs */
  for (int t = 0; t < sc->months; t++)
    assert_int_equal(salesim_world_step(w), 0);
  salesim_world_free(w);
  salesim_world_free(plain);
  salesim_scenario_free(sc);
}

/* A scenario built in code whose counts disagree with its data is refused
 * with a reason, not run on a half-filled world. */
static void test_counts_must_match(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(scenario_text);
  assert_non_null(sc);
  sc->data = company();
  sc->population.reps = 5;
  salesim_world *w = NULL;
  salesim_diag d = SALESIM_DIAG_INIT;
  double metrics[512], monthly[12 * SALESIM_SERIES_COUNT];
  assert_true(salesim_metric_count() <= 512);
  salesim_task_out out = {0};
  out.metrics = metrics;
  out.monthly = monthly;
  assert_int_equal(salesim_sim_run(sc, 0, 0, sc->seed, &out, &d), SALESIM_EINVAL);
  assert_true(salesim_test_has_line(&d, "plain: replication 1: invalid argument: 5 reps, the "
                                        "roster has 4 people employed on the start date"));
  salesim_diag_clear(&d);
  sc->population.reps = 4;
  sc->territories.count = 2;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), SALESIM_EINVAL);
  assert_null(w);
  assert_int_equal(salesim_sim_run(sc, 0, 0, sc->seed, &out, &d), SALESIM_EINVAL);
  assert_true(salesim_test_has_line(&d, "plain: replication 1: invalid argument: 2 territories, "
                                        "the data has 3"));
  salesim_diag_clear(&d);
  salesim_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_world_from_data),
      cmocka_unit_test(test_counts_must_match),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
