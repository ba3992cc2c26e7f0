/* tests/test_errors.c: error texts and the diagnostics list. */
#include "testutil.h"

#include <string.h>

#include <salesim/errors.h>

static void test_strerror(void **state) {
  (void)state;
  assert_string_equal(salesim_strerror(SALESIM_OK), "success");
  assert_string_equal(salesim_strerror(SALESIM_ESCENARIO), "invalid scenario");
  assert_string_equal(salesim_strerror(12345), "unknown error");
}

static void test_diag_collects_lines(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  for (int i = 0; i < 20; i++)
    assert_int_equal(salesim_diag_add(&d, "f.cfg:%d: x: bad", i + 1), 0);
  assert_int_equal(d.count, 20);
  assert_string_equal(d.lines[19], "f.cfg:20: x: bad");
  salesim_diag_clear(&d);
  assert_int_equal(d.count, 0);
  assert_null(d.lines);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_strerror),
      cmocka_unit_test(test_diag_collects_lines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
