/*
 * tests/test_fuzz_regressions.c: every input a fuzz target once failed on
 * (crash, leak, hang, broken contract), replayed through the same code path
 * as the target (tests/fuzz/fuzz_common.h):
 *   tests/fuzz/regressions/run/NAME.cfg     fuzz_run: load, shrink, one run
 *   tests/fuzz/regressions/report/NAME.out  fuzz_report: unpack, build
 * Next to each input, NAME.expect holds the outcome: "ok", or a part of the
 * first diagnostic line. Under `make asan` a memory error or leak fails the
 * test too. docs/fuzzing.md lists the findings.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#include <salesim/salesim.h>

#include "fuzz/fuzz_common.h"
#include "report.h"

static char *slurp(const char *path, size_t *len) { return salesim_test_slurp(path, len); }

/* The expectation beside `input` ("ok" or part of the first diagnostic). */
static char *expectation(const char *input) {
  char path[4400];
  snprintf(path, sizeof path, "%s", input);
  char *dot = strrchr(path, '.');
  assert_non_null(dot);
  snprintf(dot, sizeof path - (size_t)(dot - path), ".expect");
  char *e = slurp(path, NULL);
  if (e == NULL)
    fail_msg("%s: no .expect file", input);
  e[strcspn(e, "\n")] = '\0';
  return e;
}

static void check_outcome(const char *input, int rc, const salesim_diag *d, const char *expect) {
  for (size_t i = 0; i < d->count; i++)
    if (strchr(d->lines[i], '\n') != NULL)
      fail_msg("%s: a diagnostic of more than one line: %s", input, d->lines[i]);
  if (strcmp(expect, "ok") == 0) {
    if (rc != 0)
      fail_msg("%s: rc %d, %s (expected ok)", input, rc, d->count ? d->lines[0] : "-");
  } else {
    if (rc == 0 || d->count == 0 || strstr(d->lines[0], expect) == NULL)
      fail_msg("%s: rc %d, \"%s\" (expected a failure with \"%s\")", input, rc,
               d->count ? d->lines[0] : "-", expect);
  }
}

/* Files of tests/fuzz/regressions/SUB ending in `ext`, sorted. */
static int list_inputs(const char *sub, const char *ext, char names[][256], int max) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/%s", salesim_test_path("tests/fuzz/regressions"), sub);
  DIR *dd = opendir(dir);
  if (dd == NULL)
    return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(dd)) != NULL && n < max) {
    size_t len = strlen(e->d_name), el = strlen(ext);
    if (len > el && strcmp(e->d_name + len - el, ext) == 0)
      snprintf(names[n++], 256, "%s", e->d_name);
  }
  closedir(dd);
  qsort(names, (size_t)n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
  return n;
}

/* fuzz_run's path: load, cut down, one replication. */
static void test_run_inputs(void **state) {
  (void)state;
  static char names[256][256];
  int n = list_inputs("run", ".cfg", names, 256);
  char base[4100];
  snprintf(base, sizeof base, "%s", salesim_test_path("tests/fuzz/regressions"));
  for (int i = 0; i < n; i++) {
    char path[4400];
    snprintf(path, sizeof path, "%s/run/%.255s", base, names[i]);
    char *expect = expectation(path);
    salesim_scenario *sc = NULL;
    salesim_results *res = NULL;
    salesim_diag d = SALESIM_DIAG_INIT;
    int rc = salesim_scenario_load(&sc, path, &d);
    assert_true((rc == 0) == (sc != NULL));
    if (rc == 0) {
      salesim_fuzz_shrink(sc);
      salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
      opt.threads = 1;
      opt.replications = 1;
      rc = salesim_run(&res, sc, &opt, &d);
      assert_true((rc == 0) == (res != NULL));
    }
    check_outcome(path, rc, &d, expect);
    salesim_results_free(res);
    salesim_scenario_free(sc);
    salesim_diag_clear(&d);
    free(expect);
  }
}

/* fuzz_report's path: unpack into a fresh folder, build the reports. */
static void test_report_inputs(void **state) {
  (void)state;
  static char names[256][256];
  int n = list_inputs("report", ".out", names, 256);
  char base[4100];
  snprintf(base, sizeof base, "%s", salesim_test_path("tests/fuzz/regressions"));
  char root[] = "/tmp/salesim_test_fuzz_regressions_XXXXXX";
  assert_non_null(mkdtemp(root));
  for (int i = 0; i < n; i++) {
    char path[4400], dir[600];
    snprintf(path, sizeof path, "%s/report/%.255s", base, names[i]);
    snprintf(dir, sizeof dir, "%s/%d", root, i);
    assert_int_equal(mkdir(dir, 0700), 0);
    size_t len = 0;
    char *bytes = slurp(path, &len);
    assert_non_null(bytes);
    salesim_fuzz_unpack(dir, (const uint8_t *)bytes, len);
    free(bytes);
    char *expect = expectation(path);
    salesim_diag d = SALESIM_DIAG_INIT;
    int rc = salesim_report_build(dir, SALESIM_REPORT_HTML | SALESIM_REPORT_MD, NULL, &d);
    check_outcome(path, rc, &d, expect);
    if (rc != 0 && (salesim_fuzz_exists(dir, "report.html") || salesim_fuzz_exists(dir, "report.md")))
      fail_msg("%s: a report written by a failed build", path);
    salesim_diag_clear(&d);
    free(expect);
  }
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  assert_int_equal(salesim_test_run(cmd, NULL), 0);
}

/* The framing of fuzz_report's inputs (so the replays above mean what the
 * fuzzer meant): names, empty files, the separator newline, bad names. */
static void test_unpack_framing(void **state) {
  (void)state;
  char root[] = "/tmp/salesim_test_fuzz_unpack_XXXXXX";
  assert_non_null(mkdtemp(root));
  const char in[] = "junk\n#### a.csv\nx,y\n1,2\n\n#### empty\n#### ../evil\nno\n#### b\nlast";
  salesim_fuzz_unpack(root, (const uint8_t *)in, sizeof in - 1);
  char path[256];
  snprintf(path, sizeof path, "%s/a.csv", root);
  char *a = slurp(path, NULL);
  assert_non_null(a);
  assert_string_equal(a, "x,y\n1,2\n");
  free(a);
  snprintf(path, sizeof path, "%s/empty", root);
  char *e = slurp(path, NULL);
  assert_non_null(e);
  assert_string_equal(e, "");
  free(e);
  snprintf(path, sizeof path, "%s/b", root);
  char *b = slurp(path, NULL);
  assert_non_null(b);
  assert_string_equal(b, "last");
  free(b);
  snprintf(path, sizeof path, "%s/../evil", root);
  assert_int_equal(access(path, F_OK), -1);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  assert_int_equal(salesim_test_run(cmd, NULL), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unpack_framing),
      cmocka_unit_test(test_run_inputs),
      cmocka_unit_test(test_report_inputs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
