/*
 * tests/test_shared_helpers.c: the helpers that replaced copies in several
 * files: the qsort comparators of engine/base/util_sort.h and the path join of
 * engine/base/fs.h.
 *
 * Read next: tests/test_results.c (the statistics that sort with them).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "testutil.h"
#include "util_sort.h"

static void test_cmp_double_total_order(void **state) {
  (void)state;
  double x[] = {3.0, NAN, -1.0, 0.0, -0.0, 2.5, NAN, -7.25};
  salesim_sort_doubles(x, sizeof x / sizeof x[0]);
  assert_true(x[0] == -7.25 && x[1] == -1.0 && x[2] == 0.0 && x[3] == 0.0);
  assert_true(x[4] == 2.5 && x[5] == 3.0);
  assert_true(isnan(x[6]) && isnan(x[7]));
  double a = 1.0, b = 2.0, n = NAN, z = 0.0, mz = -0.0;
  assert_int_equal(salesim_sort_cmp_double(&a, &b), -1);
  assert_int_equal(salesim_sort_cmp_double(&b, &a), 1);
  assert_int_equal(salesim_sort_cmp_double(&a, &a), 0);
  assert_int_equal(salesim_sort_cmp_double(&n, &a), 1);
  assert_int_equal(salesim_sort_cmp_double(&a, &n), -1);
  assert_int_equal(salesim_sort_cmp_double(&n, &n), 0);
  assert_int_equal(salesim_sort_cmp_double(&z, &mz), 0);
  salesim_sort_doubles(x, 0); /* nothing to sort */
}

static void test_cmp_string(void **state) {
  (void)state;
  const char *s[] = {"pear", "apple", "Zebra", "apple2", ""};
  qsort(s, 5, sizeof s[0], salesim_sort_cmp_string);
  assert_string_equal(s[0], "");
  assert_string_equal(s[1], "Zebra");
  assert_string_equal(s[2], "apple");
  assert_string_equal(s[3], "apple2");
  assert_string_equal(s[4], "pear");
}

static void test_fs_join(void **state) {
  (void)state;
  char *p = salesim_fs_join("out/run", "summary.json");
  assert_string_equal(p, "out/run/summary.json");
  free(p);
  p = salesim_fs_join("", "a");
  assert_string_equal(p, "/a");
  free(p);
  p = salesim_fs_join("dir/", "");
  assert_string_equal(p, "dir//");
  free(p);
}

static void test_fs_concat(void **state) {
  (void)state;
  char *p = salesim_fs_concat("out/run", ".tmp.", "4242");
  assert_string_equal(p, "out/run.tmp.4242");
  free(p);
  p = salesim_fs_concat("a/b", "", "");
  assert_string_equal(p, "a/b");
  free(p);
  p = salesim_fs_concat("x", "", ".csv");
  assert_string_equal(p, "x.csv");
  free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cmp_double_total_order),
      cmocka_unit_test(test_cmp_string),
      cmocka_unit_test(test_fs_join),
      cmocka_unit_test(test_fs_concat),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
