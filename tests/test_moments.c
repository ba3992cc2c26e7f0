/* tests/test_moments.c: the moments the calibration matches, on a company
 * small enough to count by hand (engine/run/moments.c, issue 13;
 * definitions in docs/calibration.md). */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include <salesim/data.h>

#include "moments.h"

#define DAY(y, m, d) salesim_data_days(y, m, d)
#define NO SALESIM_DATA_NO_DATE

static void rep(salesim_data *d, const char *id, long hire, long exit, int why) {
  salesim_data_rep r = {id, "", 0, hire, exit, why, 0, NAN, NAN, NAN};
  assert_true(salesim_data_add_rep(d, &r) >= 0);
}
static void period(salesim_data *d, int r, int y, int m, int months, double quota, double sales) {
  salesim_data_period p = {r, (long)y * 12 + m - 1, months, quota, sales, NAN};
  assert_true(salesim_data_add_period(d, &p) >= 0);
}
static void event(salesim_data *d, const char *opp, int r, long day, int stage, double value) {
  salesim_data_event e = {(int)salesim_data_opportunity(d, opp), -1, r, day, stage, value};
  assert_true(salesim_data_add_event(d, &e) >= 0);
}

static salesim_data *company(void) {
  salesim_data *d = salesim_data_new();
  assert_non_null(d);
  d->start = DAY(2026, 1, 1);
  salesim_data_territory t = {"T", "", "", NAN, NAN};
  assert_int_equal(salesim_data_add_territory(d, &t), 0);
  rep(d, "R0", DAY(2020, 1, 1), NO, SALESIM_DATA_EXIT_NONE);
  rep(d, "R1", DAY(2024, 3, 1), DAY(2025, 6, 15), SALESIM_DATA_EXIT_QUIT);
  rep(d, "R2", DAY(2024, 6, 1), DAY(2025, 9, 1), SALESIM_DATA_EXIT_DISMISSED);
  rep(d, "R3", DAY(2024, 2, 1), DAY(2024, 10, 1), SALESIM_DATA_EXIT_QUIT);
  period(d, 0, 2024, 1, 12, 100, 120);
  period(d, 0, 2025, 1, 12, 100, 80);
  period(d, 1, 2024, 4, 3, 50, 10);
  period(d, 1, 2024, 7, 3, 50, 30);
  period(d, 1, 2024, 10, 3, 50, 60);
  period(d, 1, 2025, 1, 3, 50, 20);
  period(d, 1, 2025, 4, 3, 50, 45); /* R1 left before its end: not counted */
  period(d, 0, 2023, 1, 12, 100, 10); /* before the window */
  salesim_data_account a[3] = {{"A1", "", 0, 0, 1000, DAY(2010, 1, 1)},
                               {"A2", "", 0, 0, 500, DAY(2025, 3, 1)},
                               {"A3", "", 0, -1, 500, NO}};
  for (int i = 0; i < 3; i++)
    assert_int_equal(salesim_data_add_account(d, &a[i]), i);
  event(d, "O1", 0, DAY(2024, 5, 1), SALESIM_DATA_STAGE_20, 300);
  event(d, "O1", 0, DAY(2024, 6, 1), SALESIM_DATA_STAGE_40, 300);
  event(d, "O1", 0, DAY(2024, 8, 1), SALESIM_DATA_STAGE_WON, 300);
  event(d, "O2", 1, DAY(2025, 1, 10), SALESIM_DATA_STAGE_20, 100);
  event(d, "O2", 1, DAY(2025, 3, 1), SALESIM_DATA_STAGE_LOST, 100);
  event(d, "O3", 0, DAY(2025, 12, 1), SALESIM_DATA_STAGE_60, 250); /* out of order on purpose */
  event(d, "O3", 0, DAY(2025, 12, 5), SALESIM_DATA_STAGE_80, NAN); /* the value stays 250 */
  event(d, "O3", 0, DAY(2025, 10, 1), SALESIM_DATA_STAGE_20, 200);
  event(d, "O4", 0, DAY(2023, 5, 1), SALESIM_DATA_STAGE_WON, 900);
  event(d, "O5", 0, DAY(2026, 2, 1), SALESIM_DATA_STAGE_20, 700); /* after the window */
  return d;
}

static void test_by_hand(void **state) {
  (void)state;
  salesim_data *d = company();
  salesim_moments m;
  assert_int_equal(salesim_moments_compute(d, DAY(2024, 1, 1), DAY(2026, 1, 1), NULL, &m), 0);
  double want[SALESIM_MOMENTS] = {0};
  want[SALESIM_MOMENT_ATT_MEAN_NEW] = (0.2 + 0.6 + 1.2 + 0.4) / 4;
  want[SALESIM_MOMENT_ATT_MEAN_EST] = 1.0;
  want[SALESIM_MOMENT_ATT_SD_EST] = sqrt(0.08);
  want[SALESIM_MOMENT_ATT_AT_QUOTA] = 2.0 / 6;
  /* 120 + 80 + 10 + 30 + 60 + 20 over 2 + 4 * 0.25 rep-years */
  want[SALESIM_MOMENT_SALES_PER_REP] = 320.0 / 3;
  /* R1 and R3 quit; employed 731 + (2025-06-15 - 2024-03-01) + (2025-09-01 - 2024-06-01) +
   * (2024-10-01 - 2024-02-01) days */
  want[SALESIM_MOMENT_QUIT_RATE] =
      2.0 / ((731.0 + (DAY(2025, 6, 15) - DAY(2024, 3, 1)) + (DAY(2025, 9, 1) - DAY(2024, 6, 1)) +
              (DAY(2024, 10, 1) - DAY(2024, 2, 1))) / 365.25);
  want[SALESIM_MOMENT_SURVIVAL_12] = 2.0 / 3;
  want[SALESIM_MOMENT_QUIT_LOW] = 2.0; /* R1 quit within the quarter after 40 %: 4 a year, and 0 */
  want[SALESIM_MOMENT_QUIT_MID] = 0;
  want[SALESIM_MOMENT_QUIT_HIGH] = 0;
  want[SALESIM_MOMENT_NEW_REVENUE] = 0.25;
  want[SALESIM_MOMENT_WIN_RATE] = 0.5;
  want[SALESIM_MOMENT_COVERAGE] = 2.5;
  double n[SALESIM_MOMENTS] = {4, 2, 2, 6, 6, 4, 3, 2, 1, 2, 3, 2, 1};
  for (int k = 0; k < SALESIM_MOMENTS; k++) {
    print_message("%s = %g (n %g)\n", salesim_moment_name(k), m.value[k], m.n[k]);
    assert_close(m.value[k], want[k], 1e-12, 1e-15);
    assert_close(m.n[k], n[k], 0, 0);
    assert_true(strlen(salesim_moment_doc(k)) > 10);
  }
  /* weights: without R0, its periods, accounts and deals drop out */
  double w[4] = {0, 1, 1, 1};
  assert_int_equal(salesim_moments_compute(d, DAY(2024, 1, 1), DAY(2026, 1, 1), w, &m), 0);
  assert_true(isnan(m.value[SALESIM_MOMENT_ATT_MEAN_EST]));
  assert_close(m.value[SALESIM_MOMENT_ATT_AT_QUOTA], 0.25, 1e-12, 0);
  assert_close(m.value[SALESIM_MOMENT_WIN_RATE], 0, 0, 0);
  assert_close(m.value[SALESIM_MOMENT_NEW_REVENUE], 0, 0, 0); /* only A3, not new */
  assert_true(isnan(m.value[SALESIM_MOMENT_COVERAGE]));  /* nobody with a quota employed */
  /* a window that does not end on the accounts' day has no revenue share */
  assert_int_equal(salesim_moments_compute(d, DAY(2024, 1, 1), DAY(2025, 1, 1), NULL, &m), 0);
  assert_true(isnan(m.value[SALESIM_MOMENT_NEW_REVENUE]));
  assert_close(m.value[SALESIM_MOMENT_WIN_RATE], 1, 0, 0);
  salesim_data_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_by_hand)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
