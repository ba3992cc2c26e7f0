/* tests/test_data.c: a company's data in memory (engine/base/data.c, issue
 * 13): ids found by index across growth, duplicates refused, strings kept,
 * events sorted stably, the calendar both ways, the reference count, the
 * redacted copy of --redact. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/data.h>

static void test_ids_and_growth(void **state) {
  (void)state;
  salesim_data *d = salesim_data_new();
  assert_non_null(d);
  salesim_data_territory t = {"T1", "North", "", NAN, NAN};
  assert_int_equal(salesim_data_add_territory(d, &t), 0);
  assert_int_equal(salesim_data_add_territory(d, &t), SALESIM_EINVAL);
  char id[32];
  for (int i = 0; i < 5000; i++) { /* past many regrowths of the index and arrays */
    snprintf(id, sizeof id, "R%05d", i);
    salesim_data_rep r = {id, "someone", 0, 100, SALESIM_DATA_NO_DATE, 0, 1, NAN, NAN, NAN};
    assert_int_equal(salesim_data_add_rep(d, &r), i);
  }
  assert_int_equal(salesim_data_find(d, SALESIM_DATA_K_REP, "R04321"), 4321);
  assert_int_equal(salesim_data_find(d, SALESIM_DATA_K_REP, "R5000"), -1);
  assert_int_equal(salesim_data_find(d, SALESIM_DATA_K_TERRITORY, "T1"), 0);
  assert_int_equal(salesim_data_find(d, SALESIM_DATA_K_ACCOUNT, "T1"), -1);
  assert_string_equal(d->reps[4321].id, "R04321");
  assert_string_equal(d->territories[0].name, "North");
  /* opportunities: the same id gives the same index */
  assert_int_equal(salesim_data_opportunity(d, "O9"), 0);
  assert_int_equal(salesim_data_opportunity(d, "O1"), 1);
  assert_int_equal(salesim_data_opportunity(d, "O9"), 0);
  assert_int_equal(d->n_opportunities, 2);
  /* a long string goes to its own chunk; earlier pointers stay valid */
  static char big[100000];
  memset(big, 'x', sizeof big - 1);
  const char *p = salesim_data_intern(d, big);
  assert_int_equal(strlen(p), sizeof big - 1);
  assert_string_equal(d->reps[0].id, "R00000");
  assert_ptr_equal(salesim_data_retain(d), d);
  salesim_data_free(d); /* one owner left */
  assert_string_equal(d->reps[1].id, "R00001");
  salesim_data_free(d);
}

static void test_events_sorted_stably(void **state) {
  (void)state;
  salesim_data *d = salesim_data_new();
  assert_non_null(d);
  /* (opportunity, date, stage) in file order */
  int rows[][3] = {{1, 10, 2}, {0, 5, 1}, {1, 3, 1}, {0, 5, 2}, {1, 10, 5}, {0, 1, 0}};
  for (int i = 0; i < 6; i++) {
    salesim_data_event e = {rows[i][0], -1, 0, rows[i][1], rows[i][2], NAN};
    assert_int_equal(salesim_data_add_event(d, &e), i);
  }
  assert_int_equal(salesim_data_sort_events(d), 0);
  int want[][3] = {{0, 1, 0}, {0, 5, 1}, {0, 5, 2}, {1, 3, 1}, {1, 10, 2}, {1, 10, 5}};
  for (int i = 0; i < 6; i++) {
    assert_int_equal(d->events[i].opportunity, want[i][0]);
    assert_int_equal(d->events[i].date, want[i][1]);
    assert_int_equal(d->events[i].stage, want[i][2]);
  }
  salesim_data_free(d);
}

static void test_calendar(void **state) {
  (void)state;
  assert_int_equal(salesim_data_days(1970, 1, 1), 0);
  assert_int_equal(salesim_data_days(2024, 2, 29), 19782);
  assert_int_equal(salesim_data_days(1969, 12, 31), -1);
  for (long days = -800000; days < 800000; days += 17) {
    int y, m, dd;
    salesim_data_ymd(days, &y, &m, &dd);
    assert_int_equal(salesim_data_days(y, m, dd), days);
  }
  /* the starting force: hired before the start, not left before it */
  salesim_data *d = salesim_data_new();
  assert_non_null(d);
  d->start = 1000;
  long hires[][2] = {{999, SALESIM_DATA_NO_DATE}, {1000, SALESIM_DATA_NO_DATE}, {10, 999}, {10, 1000}};
  for (int i = 0; i < 4; i++) {
    char id[8];
    snprintf(id, sizeof id, "R%d", i);
    salesim_data_rep r = {id, "", 0, hires[i][0], hires[i][1], 0, 0, NAN, NAN, NAN};
    assert_int_equal(salesim_data_add_rep(d, &r), i);
  }
  long force[4];
  assert_int_equal(salesim_data_starting_force(d, force, 1), 2);
  assert_int_equal(salesim_data_starting_force(d, force, 4), 2);
  assert_int_equal(force[0], 0);
  assert_int_equal(force[1], 3);
  salesim_data_free(d);
  /* whole months: a month counts once its day is reached */
  assert_int_equal(salesim_data_months_between(salesim_data_days(2020, 3, 15),
                                               salesim_data_days(2026, 1, 1)), 69);
  assert_int_equal(salesim_data_months_between(salesim_data_days(2025, 1, 31),
                                               salesim_data_days(2025, 2, 28)), 0);
  assert_int_equal(salesim_data_months_between(salesim_data_days(2025, 1, 1),
                                               salesim_data_days(2025, 2, 1)), 1);
  assert_int_equal(salesim_data_months_between(salesim_data_days(2025, 2, 1),
                                               salesim_data_days(2025, 1, 1)), 0);
  assert_string_equal(salesim_data_file_name(SALESIM_DATA_ROSTER), "roster.csv");
  assert_string_equal(salesim_data_file_name(SALESIM_DATA_ACTIVITIES), "activities.csv");
}

/* --redact's copy (salesim_data_redacted): every row, index, number, path
 * and hash kept; names are ids, regions region-N by first appearance, blank
 * stays blank; the ids still found; the original untouched. */
static void test_redacted_copy(void **state) {
  (void)state;
  salesim_data *d = salesim_data_new();
  assert_non_null(d);
  d->start = salesim_data_days(2025, 1, 1);
  d->account_scale = 0.75;
  d->path[SALESIM_DATA_ROSTER] = strdup("roster.csv");
  strcpy(d->hash[SALESIM_DATA_ROSTER], "0123456789abcdef");
  salesim_data_territory t[4] = {{"T1", "North Coast", "North", 1e6, 40},
                                 {"T2", "River Valley", "", NAN, NAN},
                                 {"T3", "Plains", "South", 2e6, NAN},
                                 {"T4", "Cape", "North", NAN, 5}};
  for (int k = 0; k < 4; k++)
    assert_int_equal(salesim_data_add_territory(d, &t[k]), k);
  salesim_data_rep r = {"R1", "Ana Lima", 2, 100, SALESIM_DATA_NO_DATE, 0, 2, 9e4, 4e4, 1.2e6};
  assert_int_equal(salesim_data_add_rep(d, &r), 0);
  salesim_data_account a = {"A1", "Harbor Foods", 0, 0, 12e4, 50};
  assert_int_equal(salesim_data_add_account(d, &a), 0);
  salesim_data_period pe = {0, 2025 * 12, 3, 3e5, 2.8e5, 8500};
  assert_int_equal(salesim_data_add_period(d, &pe), 0);
  long o2 = salesim_data_opportunity(d, "O2"), o1 = salesim_data_opportunity(d, "O1");
  salesim_data_event e1 = {(int)o1, 0, 0, 200, SALESIM_DATA_STAGE_LEAD, NAN};
  salesim_data_event e2 = {(int)o2, -1, 0, 210, SALESIM_DATA_STAGE_WON, 5e4};
  assert_int_equal(salesim_data_add_event(d, &e1), 0);
  assert_int_equal(salesim_data_add_event(d, &e2), 1);
  salesim_data_activity ac = {"V1", 0, 205, SALESIM_DATA_ACT_VISIT, SALESIM_DATA_ACT_DONE, 0};
  assert_int_equal(salesim_data_add_activity(d, &ac), 0);

  salesim_data *c = salesim_data_redacted(d);
  assert_non_null(c);
  assert_int_equal(c->redacted, 1);
  assert_int_equal(d->redacted, 0);
  assert_int_equal(c->start, d->start);
  assert_true(c->account_scale == 0.75);
  assert_string_equal(c->path[SALESIM_DATA_ROSTER], "roster.csv");
  assert_string_equal(c->hash[SALESIM_DATA_ROSTER], "0123456789abcdef");
  assert_null(c->path[SALESIM_DATA_ACCOUNTS]);
  assert_int_equal(c->n_territories, 4);
  static const char *const region[4] = {"region-1", "", "region-2", "region-1"};
  for (int k = 0; k < 4; k++) {
    assert_string_equal(c->territories[k].id, t[k].id);
    assert_string_equal(c->territories[k].name, t[k].id);
    assert_string_equal(c->territories[k].region, region[k]);
    assert_memory_equal(&c->territories[k].potential, &d->territories[k].potential,
                        sizeof(double));
  }
  assert_string_equal(d->territories[0].name, "North Coast"); /* the original kept */
  assert_string_equal(c->reps[0].name, "R1");
  assert_int_equal(c->reps[0].territory, 2);
  assert_true(c->reps[0].annual_quota == 1.2e6);
  assert_string_equal(c->accounts[0].name, "A1");
  assert_int_equal(c->accounts[0].customer_since, 50);
  assert_int_equal(c->n_periods, 1);
  assert_true(c->periods[0].credited_sales == 2.8e5);
  assert_int_equal(c->n_opportunities, 2);
  assert_string_equal(c->opportunities[0], "O2");
  assert_int_equal(c->n_events, 2);
  assert_int_equal(c->events[1].opportunity, (int)o2);
  assert_int_equal(c->events[1].account, -1);
  assert_int_equal(c->n_activities, 1);
  assert_string_equal(c->activities[0].id, "V1");
  assert_int_equal(salesim_data_find(c, SALESIM_DATA_K_REP, "R1"), 0);
  assert_int_equal(salesim_data_find(c, SALESIM_DATA_K_TERRITORY, "T4"), 3);
  assert_int_equal(salesim_data_find(c, SALESIM_DATA_K_OPPORTUNITY, "O1"), o1);
  salesim_data_free(c);
  salesim_data_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ids_and_growth),
      cmocka_unit_test(test_events_sorted_stably),
      cmocka_unit_test(test_calendar),
      cmocka_unit_test(test_redacted_copy),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
