/* tests/test_table.c: the terminal comparison table (engine/cli/table.c),
 * printed from hand-made results into a temporary file and read back. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/results.h>

#include "cli/table.h"

/* Print r's table into a string (caller frees). */
static char *table_text(const salesim_results *r) {
  FILE *f = tmpfile();
  assert_non_null(f);
  salesim_cli_print_table(f, r);
  long n = ftell(f);
  assert_true(n > 0);
  rewind(f);
  char *s = malloc((size_t)n + 1);
  assert_non_null(s);
  assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
  s[n] = '\0';
  fclose(f);
  return s;
}

static int longest_line(const char *s) {
  int best = 0, cur = 0;
  for (; *s; s++) {
    if (*s == '\n') {
      cur = 0;
      continue;
    }
    if (++cur > best)
      best = cur;
  }
  return best;
}

static int occurrences(const char *s, const char *part) {
  int n = 0;
  for (const char *p = strstr(s, part); p; p = strstr(p + 1, part))
    n++;
  return n;
}

/* The row of `text` whose label starts the line (static copy) or NULL. */
static const char *row_of(const char *text, const char *label) {
  static char line[1024];
  size_t nl = strlen(label);
  for (const char *p = text; p && *p;) {
    const char *end = strchr(p, '\n');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len > nl && strncmp(p, label, nl) == 0 && p[nl] == ' ' && len < sizeof line) {
      memcpy(line, p, len);
      line[len] = '\0';
      return line;
    }
    p = end ? end + 1 : NULL;
  }
  return NULL;
}

/* Mechanisms: commission (baseline), target_salary, tender (only some
 * metrics), then `extra` copies of target_salary. Five replications. */
static salesim_results *sample(int extra) {
  static const double rev[5] = {1.0e6, 1.1e6, 1.2e6, 1.3e6, 1.4e6};
  static const double rev_up[5] = {50e3, 60e3, 40e3, 55e3, 45e3};
  static const double rev_down[5] = {10e3, 12e3, 8e3, 10e3, 10e3};
  static const double heads[5] = {100, 101, 99, 100, 100};
  static const double customers[5] = {1200, 1300, 1250, 1250, 1250};
  static const double at_target[5] = {0.55, 0.6, 0.65, 0.6, 0.6};
  salesim_results *r = NULL;
  int n_mech = 3 + extra;
  assert_int_equal(salesim_results_alloc(&r, n_mech, 5, 12), 0);
  snprintf(r->mech_names[0], 64, "commission");
  snprintf(r->mech_names[1], 64, "target_salary");
  snprintf(r->mech_names[2], 64, "tender");
  for (int i = 3; i < n_mech; i++)
    snprintf(r->mech_names[i], 64, "variant_%d", i);
  for (int mech = 0; mech < n_mech; mech++)
    for (int rep = 0; rep < 5; rep++) {
      double up = mech == 0 ? 0 : mech == 2 ? -rev_down[rep] : rev_up[rep];
      SALESIM_METRIC_AT(r, mech, rep, SALESIM_METRIC_REVENUE) = rev[rep] + up;
      if (mech == 2) {
        SALESIM_METRIC_AT(r, mech, rep, SALESIM_METRIC_HIRES) = 3;
        continue;
      }
      SALESIM_METRIC_AT(r, mech, rep, SALESIM_METRIC_HEADCOUNT_END) = heads[rep];
      SALESIM_METRIC_AT(r, mech, rep, SALESIM_METRIC_NEW_CUSTOMERS) = customers[rep];
      SALESIM_METRIC_AT(r, mech, rep, SALESIM_METRIC_PCT_AT_TARGET) =
          mech == 0 ? 0.5 : at_target[rep];
      SALESIM_METRIC_AT(r, mech, rep, SALESIM_METRIC_PAY_GINI) = 0.3;
    }
  assert_int_equal(salesim_results_summarize(r), 0);
  return r;
}

static void test_three_mechanisms(void **state) {
  (void)state;
  salesim_results *r = sample(0);
  char *s = table_text(r);
  if (getenv("SALESIM_TEST_SHOW")) fputs(s, stderr);

  assert_non_null(strstr(s, "commission (baseline)"));
  assert_non_null(strstr(s, "diff vs commission"));
  assert_non_null(strstr(s, "mean [95% CI]"));
  assert_int_equal(occurrences(s, "Metric "), 1); /* one table */
  assert_true(longest_line(s) <= 140);

  /* revenue: 1.2M +- t*158k/sqrt(5); target_salary +50k [40.2k, 59.8k];
   * tender -10k [-11.8k, -8.2k]; both intervals exclude 0 */
  const char *row = row_of(s, "Revenue /yr");
  assert_non_null(row);
  assert_non_null(strstr(row, "1.20M [1.00M, 1.40M]"));
  assert_non_null(strstr(row, "1.25M [1.06M, 1.44M]"));
  assert_non_null(strstr(row, "+50.0k [40.2k, 59.8k]*"));
  assert_non_null(strstr(row, "-10.0k [-11.8k, -8.2k]*"));
  /* counts with thousands separators */
  row = row_of(s, "New customers /yr");
  assert_non_null(strstr(row, "1,250 [1,206, 1,294]"));
  assert_non_null(strstr(row, "  0  ")); /* no difference */
  row = row_of(s, "Headcount at end");
  assert_non_null(strstr(row, "100.0 [99.1, 100.9]"));
  /* shares in percent, differences in percentage points */
  row = row_of(s, "At/above target");
  assert_non_null(strstr(row, "50.0%"));
  assert_non_null(strstr(row, "60.0% [55.6%, 64.4%]"));
  assert_non_null(strstr(row, "+10.0pp [5.6pp, 14.4pp]*"));
  /* an index with three decimals, no interval when all values agree */
  row = row_of(s, "Pay Gini");
  assert_non_null(strstr(row, "0.300"));
  /* headline rows stay, with '-' where nothing applies */
  row = row_of(s, "Profit /yr");
  assert_non_null(row);
  assert_null(strstr(row, "0."));
  assert_non_null(strstr(row, "-"));
  /* another metric with data for one mechanism is listed after */
  assert_non_null(row_of(s, "Hires /yr"));
  assert_true(strstr(s, "Hires /yr") > strstr(s, "Pay Gini"));
  assert_null(row_of(s, "Mean effort"));
  assert_non_null(strstr(s, "5 replications of 12 months"));
  free(s);
  salesim_results_free(r);
}

static void test_many_mechanisms_in_blocks(void **state) {
  (void)state;
  salesim_results *r = sample(4);
  char *s = table_text(r);
  if (getenv("SALESIM_TEST_SHOW"))
    fputs(s, stderr);
  assert_int_equal(occurrences(s, "\nMetric "), 7); /* one block each */
  assert_int_equal(occurrences(s, "diff vs commission"), 6);
  assert_true(longest_line(s) <= 140);
  assert_non_null(strstr(s, "variant_6"));
  free(s);
  salesim_results_free(r);
}

static void test_baseline_not_first(void **state) {
  (void)state;
  salesim_results *r = sample(0);
  r->baseline = 1;
  char *s = table_text(r);
  if (getenv("SALESIM_TEST_SHOW"))
    fputs(s, stderr);
  /* "(baseline)" is dropped from the header when the table would not fit */
  assert_non_null(strstr(s, "baseline: target_salary"));
  assert_non_null(strstr(s, "diff vs target_salary"));
  assert_int_equal(occurrences(s, "Metric "), 1);
  assert_true(longest_line(s) <= 140);
  /* the baseline comes first */
  assert_true(strstr(s, "  target_salary") < strstr(s, "  commission"));
  const char *row = row_of(s, "Revenue /yr");
  assert_non_null(strstr(row, "-50.0k [-59.8k, -40.2k]*"));
  assert_non_null(strstr(row, "-60.0k [-71.4k, -48.6k]*"));
  free(s);
  salesim_results_free(r);
}

static void test_single_replication(void **state) {
  (void)state;
  salesim_results *r = NULL;
  assert_int_equal(salesim_results_alloc(&r, 2, 1, 1), 0);
  snprintf(r->mech_names[0], 64, "a");
  snprintf(r->mech_names[1], 64, "b");
  SALESIM_METRIC_AT(r, 0, 0, SALESIM_METRIC_PROFIT) = -2.5e6;
  SALESIM_METRIC_AT(r, 1, 0, SALESIM_METRIC_PROFIT) = 1234.0;
  char *s = table_text(r); /* not summarized: the table computes its own */
  if (getenv("SALESIM_TEST_SHOW"))
    fputs(s, stderr);
  const char *row = row_of(s, "Profit /yr");
  assert_non_null(strstr(row, "-2.50M"));
  assert_non_null(strstr(row, "1.23k"));
  assert_non_null(strstr(row, "+2.50M"));
  assert_null(strstr(row, "["));
  assert_non_null(strstr(s, "1 replication of 1 month;"));
  assert_non_null(strstr(s, "no intervals"));
  free(s);
  salesim_results_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_three_mechanisms),
      cmocka_unit_test(test_many_mechanisms_in_blocks),
      cmocka_unit_test(test_baseline_not_first),
      cmocka_unit_test(test_single_replication),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
