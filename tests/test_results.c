/* tests/test_results.c: metric descriptions, detail tables, results
 * allocation, the summary over replications (engine/base/results.c) and the
 * statistics helpers of engine/base/stats.h, against hand-computed numbers. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <salesim/results.h>

#include "stats.h"

/* t_{0.975, 4}, from tables. */
#define T975_4 2.776445

static void test_metric_info(void **state) {
  (void)state;
  salesim_results *r = NULL;
  assert_int_equal(salesim_results_alloc(&r, 1, 1, 1), 0);
  assert_true(salesim_results_metric_count(r) >= SALESIM_METRIC_CORE_COUNT);
  assert_string_equal(salesim_results_metric_info(r, SALESIM_METRIC_REVENUE)->name, "revenue");
  assert_string_equal(salesim_results_metric_info(r, SALESIM_METRIC_PAY_GINI)->unit, "index");
  assert_int_equal(salesim_results_metric_info(r, SALESIM_METRIC_PAY_COST)->better, -1);
  assert_null(salesim_results_metric_info(r, -1));
  assert_null(salesim_results_metric_info(r, r->n_metrics));
  assert_null(salesim_results_metric_info(NULL, 0));
  assert_int_equal(salesim_results_metric_find(r, "pay_gini"), SALESIM_METRIC_PAY_GINI);
  assert_int_equal(salesim_results_metric_find(r, "effort"), SALESIM_METRIC_EFFORT);
  assert_int_equal(salesim_results_metric_find(r, "no_such_metric"), -1);
  assert_int_equal(salesim_results_metric_find(r, NULL), -1);
  assert_int_equal(salesim_results_metric_count(NULL), 0);
  for (int m = 0; m < salesim_results_metric_count(r); m++)
    assert_int_equal(salesim_results_metric_find(r, salesim_results_metric_info(r, m)->name), m);
  salesim_results_free(r);
  assert_string_equal(salesim_series_name(SALESIM_SERIES_REVENUE), "revenue");
  assert_string_equal(salesim_series_name(SALESIM_SERIES_BOOK), "book_monthly");
  assert_null(salesim_series_name(-1));
  assert_null(salesim_series_name(SALESIM_SERIES_COUNT));
}

static void test_table(void **state) {
  (void)state;
  const char *cols[] = {"bid", "potential"};
  salesim_table *t = (salesim_table *)1;
  assert_int_equal(salesim_table_alloc(&t, "../evil", 2, cols), SALESIM_EINVAL);
  assert_null(t);
  assert_int_equal(salesim_table_alloc(&t, "", 2, cols), SALESIM_EINVAL);
  assert_int_equal(salesim_table_alloc(&t, "a/b", 2, cols), SALESIM_EINVAL);
  assert_int_equal(salesim_table_alloc(&t, "ok", 2, NULL), SALESIM_EINVAL);
  assert_int_equal(salesim_table_alloc(&t, "tender_territories", 2, cols), 0);
  assert_non_null(t);
  assert_string_equal(t->name, "tender_territories");
  assert_int_equal(t->ncols, 2);
  assert_string_equal(t->colnames[1], "potential");
  for (int i = 0; i < 100; i++) {
    char label[16];
    double row[2] = {i, 2.0 * i};
    snprintf(label, sizeof label, "t%d", i);
    assert_int_equal(salesim_table_add(t, label, row), 0);
  }
  assert_int_equal(salesim_table_add(t, "x", NULL), SALESIM_EINVAL);
  assert_int_equal(t->nrows, 100);
  assert_string_equal(t->labels[77], "t77");
  assert_close(t->cells[77 * 2 + 1], 154.0, 0, 0);

  salesim_results *r = NULL;
  assert_int_equal(salesim_results_alloc(&r, 1, 1, 0), 0);
  assert_int_equal(salesim_results_add_table(r, t), 0);
  assert_int_equal(r->n_tables, 1);
  assert_ptr_equal(r->tables[0], t);
  salesim_results_free(r); /* frees t */
  salesim_table_free(NULL);
}

static void test_results_alloc(void **state) {
  (void)state;
  salesim_results *r = (salesim_results *)1;
  assert_int_equal(salesim_results_alloc(&r, 0, 5, 12), SALESIM_EINVAL);
  assert_null(r);
  assert_int_equal(salesim_results_alloc(&r, 2, 0, 12), SALESIM_EINVAL);
  assert_int_equal(salesim_results_alloc(&r, 2, 3, -1), SALESIM_EINVAL);
  assert_int_equal(salesim_results_alloc(&r, 2, 3, 12), 0);
  assert_int_equal(r->n_mech, 2);
  assert_int_equal(r->n_rep, 3);
  assert_int_equal(r->n_months, 12);
  assert_int_equal(r->baseline, 0);
  for (int mech = 0; mech < 2; mech++)
    for (int rep = 0; rep < 3; rep++) {
      for (int m = 0; m < r->n_metrics; m++)
        assert_true(isnan(SALESIM_METRIC_AT(r, mech, rep, m)));
      for (int t = 0; t < 12; t++)
        for (int s = 0; s < SALESIM_SERIES_COUNT; s++)
          assert_true(SALESIM_MONTHLY_AT(r, mech, rep, t, s) == 0.0);
    }
  assert_non_null(r->summary);
  assert_int_equal(SALESIM_STAT_AT(r, 1, SALESIM_METRIC_PROFIT).n, 0);
  salesim_results_free(r);
  salesim_results_free(NULL);
}

/* Baseline revenue {10,12,14,16,18}; other {11,15,13,19,20}. */
static salesim_results *five_reps(void) {
  static const double base[5] = {10, 12, 14, 16, 18};
  static const double other[5] = {11, 15, 13, 19, 20};
  salesim_results *r = NULL;
  assert_int_equal(salesim_results_alloc(&r, 2, 5, 1), 0);
  for (int rep = 0; rep < 5; rep++) {
    SALESIM_METRIC_AT(r, 0, rep, SALESIM_METRIC_REVENUE) = base[rep];
    SALESIM_METRIC_AT(r, 1, rep, SALESIM_METRIC_REVENUE) = other[rep];
  }
  return r;
}

static void test_summary_hand_computed(void **state) {
  (void)state;
  salesim_results *r = five_reps();
  assert_int_equal(salesim_results_summarize(r), 0);

  /* mean 14, sd sqrt(40/4) = sqrt(10), half = t * sd / sqrt(5) */
  const salesim_stat *b = &SALESIM_STAT_AT(r, 0, SALESIM_METRIC_REVENUE);
  double half = T975_4 * sqrt(10.0) / sqrt(5.0); /* 3.9264863 */
  assert_int_equal(b->n, 5);
  assert_close(b->mean, 14.0, 1e-12, 0);
  assert_close(b->sd, sqrt(10.0), 1e-12, 0);
  assert_close(b->ci_low, 14.0 - half, 1e-6, 0);
  assert_close(b->ci_high, 14.0 + half, 1e-6, 0);
  assert_close(b->ci_low, 10.0735137, 1e-7, 0);
  /* the baseline against itself: 0, zero width */
  assert_true(b->diff == 0.0 && b->diff_low == 0.0 && b->diff_high == 0.0);
  /* GSL quantiles: linear between order statistics, index q*(n-1) */
  assert_close(b->p5, 10.4, 1e-12, 0);
  assert_close(b->p50, 14.0, 1e-12, 0);
  assert_close(b->p95, 17.6, 1e-12, 0);

  /* paired differences {1,3,-1,3,2}: mean 1.6, sd sqrt(11.2/4) */
  const salesim_stat *o = &SALESIM_STAT_AT(r, 1, SALESIM_METRIC_REVENUE);
  double dhalf = T975_4 * sqrt(2.8) / sqrt(5.0); /* 2.0777013 */
  assert_close(o->mean, 15.6, 1e-12, 0);
  assert_close(o->diff, 1.6, 1e-12, 0);
  assert_close(o->diff_low, 1.6 - dhalf, 1e-6, 0);
  assert_close(o->diff_high, 1.6 + dhalf, 1e-6, 0);
  assert_close(o->diff_high, 3.6777013, 1e-7, 0);

  /* a metric nobody filled */
  const salesim_stat *e = &SALESIM_STAT_AT(r, 1, SALESIM_METRIC_PAY_GINI);
  assert_int_equal(e->n, 0);
  assert_true(isnan(e->mean) && isnan(e->ci_low) && isnan(e->diff) && isnan(e->p50));
  assert_true(isnan(SALESIM_STAT_AT(r, 0, SALESIM_METRIC_PAY_GINI).diff));
  salesim_results_free(r);
}

static void test_summary_nan_and_single(void **state) {
  (void)state;
  salesim_results *r = five_reps();
  /* other loses rep 2, baseline loses rep 4: 4 values, 3 pairs {1,3,3} */
  SALESIM_METRIC_AT(r, 1, 2, SALESIM_METRIC_REVENUE) = NAN;
  SALESIM_METRIC_AT(r, 0, 4, SALESIM_METRIC_REVENUE) = NAN;
  /* a metric with one value only */
  SALESIM_METRIC_AT(r, 1, 3, SALESIM_METRIC_QUITS) = 7.0;
  assert_int_equal(salesim_results_summarize(r), 0);

  const salesim_stat *b = &SALESIM_STAT_AT(r, 0, SALESIM_METRIC_REVENUE);
  assert_int_equal(b->n, 4);
  assert_close(b->mean, 13.0, 1e-12, 0);
  const salesim_stat *o = &SALESIM_STAT_AT(r, 1, SALESIM_METRIC_REVENUE);
  assert_int_equal(o->n, 4);
  assert_close(o->mean, (11 + 15 + 19 + 20) / 4.0, 1e-12, 0);
  /* pairs: reps 0,1,3 -> {1,3,3}: mean 7/3, sd sqrt(4/3 / 2)... */
  double dmean = 7.0 / 3.0;
  double dsd = sqrt(((1 - dmean) * (1 - dmean) + 2 * (3 - dmean) * (3 - dmean)) / 2.0);
  double t2 = 4.302653; /* t_{0.975, 2} */
  assert_close(o->diff, dmean, 1e-12, 0);
  assert_close(o->diff_high, dmean + t2 * dsd / sqrt(3.0), 1e-6, 0);

  const salesim_stat *q = &SALESIM_STAT_AT(r, 1, SALESIM_METRIC_QUITS);
  assert_int_equal(q->n, 1);
  assert_true(q->mean == 7.0 && q->sd == 0.0 && q->ci_low == 7.0 && q->ci_high == 7.0);
  assert_true(q->p5 == 7.0 && q->p95 == 7.0);
  assert_true(isnan(q->diff)); /* the baseline has no quits value */
  assert_int_equal(SALESIM_STAT_AT(r, 0, SALESIM_METRIC_QUITS).n, 0);

  r->baseline = 2;
  assert_int_equal(salesim_results_summarize(r), SALESIM_EINVAL);
  assert_int_equal(salesim_results_summarize(NULL), SALESIM_EINVAL);
  salesim_results_free(r);
}

static void test_summary_second_baseline(void **state) {
  (void)state;
  salesim_results *r = five_reps();
  r->baseline = 1;
  assert_int_equal(salesim_results_summarize(r), 0);
  assert_close(SALESIM_STAT_AT(r, 0, SALESIM_METRIC_REVENUE).diff, -1.6, 1e-12, 0);
  assert_true(SALESIM_STAT_AT(r, 1, SALESIM_METRIC_REVENUE).diff == 0.0);
  salesim_results_free(r);
}

/* The statistics as numbers (0 status asserted). */
static double gini(const double *x, size_t n) {
  double g = -1;
  assert_int_equal(salesim_stats_gini(x, n, &g), 0);
  return g;
}

static double spearman(const double *x, const double *y, size_t n) {
  double r = -2;
  assert_int_equal(salesim_stats_spearman(x, y, n, &r), 0);
  return r;
}

static void test_gini(void **state) {
  (void)state;
  const double equal[] = {1, 1, 1, 1};
  const double one_has_all[] = {0, 0, 0, 1};
  const double shuffled[] = {0, 1, 0, 0};
  const double ramp[] = {4, 1, 3, 2}; /* sum_{i<j}|xi-xj| = 10, G = 20/(2*16*2.5) */
  const double zeros[] = {0, 0, 0};
  const double negative[] = {-1, -2, 0};
  const double with_nan[] = {1, NAN, 2};
  assert_close(gini(equal, 4), 0.0, 0, 1e-15);
  assert_close(gini(one_has_all, 4), 0.75, 1e-12, 0);
  assert_close(gini(shuffled, 4), 0.75, 1e-12, 0);
  assert_close(gini(ramp, 4), 0.25, 1e-12, 0);
  assert_close(gini(zeros, 3), 0.0, 0, 0);
  assert_close(gini(equal, 1), 0.0, 0, 0);
  assert_true(isnan(gini(equal, 0)));
  assert_true(isnan(gini(negative, 3)));
  assert_true(isnan(gini(with_nan, 3)));
  assert_close(ramp[0], 4.0, 0, 0); /* input untouched */
}

static void test_spearman(void **state) {
  (void)state;
  const double x[] = {1, 2, 3, 4, 5};
  const double y[] = {5, 6, 7, 8, 7};   /* ranks 1,2,3.5,5,3.5 */
  const double up[] = {10, 20, 30, 40, 50};
  const double down[] = {9, 7, 5, 3, 1};
  const double flat[] = {2, 2, 2, 2, 2};
  const double curved[] = {1, 4, 9, 16, 25};
  /* Pearson on ranks: sxy = 8, sxx = 10, syy = 9.5 */
  assert_close(spearman(x, y, 5), 8.0 / sqrt(95.0), 1e-12, 0);
  assert_close(spearman(x, y, 5), 0.8207826817, 1e-9, 0);
  assert_close(spearman(x, up, 5), 1.0, 1e-12, 0);
  assert_close(spearman(x, curved, 5), 1.0, 1e-12, 0);
  assert_close(spearman(x, down, 5), -1.0, 1e-12, 0);
  assert_true(isnan(spearman(x, flat, 5)));
  assert_true(isnan(spearman(flat, x, 5)));
  assert_true(isnan(spearman(x, y, 2)));
}

static void test_median(void **state) {
  (void)state;
  double odd[] = {3, 1, 2};
  double even[] = {4, 1, 3, 2};
  double one[] = {5};
  double med = 0;
  assert_int_equal(salesim_stats_median(odd, 3, &med), 0);
  assert_close(med, 2.0, 0, 0);
  assert_int_equal(salesim_stats_median(even, 4, &med), 0);
  assert_close(med, 2.5, 0, 0);
  assert_int_equal(salesim_stats_median(one, 1, &med), 0);
  assert_close(med, 5.0, 0, 0);
  assert_int_equal(salesim_stats_median(one, 0, &med), 0);
  assert_true(isnan(med));
  assert_close(even[0], 1.0, 0, 0); /* sorted in place */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_metric_info),
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_results_alloc),
      cmocka_unit_test(test_summary_hand_computed),
      cmocka_unit_test(test_summary_nan_and_single),
      cmocka_unit_test(test_summary_second_baseline),
      cmocka_unit_test(test_gini),
      cmocka_unit_test(test_spearman),
      cmocka_unit_test(test_median),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
