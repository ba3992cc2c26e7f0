/*
 * tests/test_cli.c: end-to-end runs of the `salesim` command on the shipped
 * scenarios: exit codes (0 ok, 2 bad input, 1 runtime), help and version,
 * the files a run writes, no output on bad input, and byte-identical output
 * for 1 and 2 threads.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[256];

static int setup(void **state) {
  (void)state;
  snprintf(tmp, sizeof tmp, "/tmp/salesim-cli-XXXXXX");
  return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  return system(cmd) == 0 ? 0 : -1;
}

static int sh(char **out, const char *fmt, ...) {
  char cmd[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  return salesim_test_run(cmd, out);
}

static int exists(const char *dir, const char *name) {
  char p[1024];
  struct stat st;
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return stat(p, &st) == 0;
}

static char *slurp(const char *path) { return salesim_test_slurp(path, NULL); }

static void test_help_and_version(void **state) {
  (void)state;
  char *out = NULL;
  assert_int_equal(sh(&out, "%s --version", SALESIM_BINARY), 0);
  assert_non_null(strstr(out, "salesim 0."));
  free(out);
  assert_int_equal(sh(&out, "%s --help", SALESIM_BINARY), 0);
  assert_non_null(strstr(out, "run [SCENARIO]"));
  free(out);
  assert_int_equal(sh(&out, "%s run --help", SALESIM_BINARY), 0);
  assert_non_null(strstr(out, "--replications"));
  free(out);
  assert_int_equal(sh(&out, "%s mechanisms", SALESIM_BINARY), 0);
  assert_non_null(strstr(out, "target_salary"));
  free(out);
  assert_int_equal(sh(&out, "%s params", SALESIM_BINARY), 0);
  assert_non_null(strstr(out, "cycle_months"));
  free(out);
}

static void test_usage_errors(void **state) {
  (void)state;
  char *out = NULL;
  assert_int_equal(sh(&out, "%s", SALESIM_BINARY), 2);
  free(out);
  assert_int_equal(sh(&out, "%s frobnicate", SALESIM_BINARY), 2);
  assert_non_null(strstr(out, "unknown command"));
  free(out);
  assert_int_equal(sh(&out, "%s run --bogus", SALESIM_BINARY), 2);
  assert_non_null(strstr(out, "unknown option --bogus"));
  free(out);
  assert_int_equal(sh(&out, "%s run --threads two", SALESIM_BINARY), 2);
  assert_non_null(strstr(out, "--threads two"));
  free(out);
  assert_int_equal(sh(&out, "%s run --replications 0", SALESIM_BINARY), 2);
  free(out);
}

static void test_validate(void **state) {
  (void)state;
  char *out = NULL;
  assert_int_equal(sh(&out, "%s validate %s %s", SALESIM_BINARY,
                      salesim_test_path("scenarios/default.cfg"),
                      salesim_test_path("scenarios/target-salary-example.cfg")),
                   0);
  assert_non_null(strstr(out, "default.cfg: ok"));
  free(out);
  const char *bad = salesim_test_write_temp(
      "bad.cfg", "months = 12;\nreplications = -3;\nmechanisms = (\n  { type = \"comission\"; }\n);\n");
  assert_int_equal(sh(&out, "%s validate %s", SALESIM_BINARY, bad), 2);
  assert_non_null(strstr(out, "bad.cfg:2: replications"));
  assert_non_null(strstr(out, "bad.cfg:4: mechanisms[0].type"));
  assert_non_null(strstr(out, "commission"));
  free(out);
}

/* A bad scenario: exit 2, one line per problem, and nothing written. */
static void test_bad_scenario_writes_nothing(void **state) {
  (void)state;
  char *out = NULL;
  const char *bad = salesim_test_write_temp(
      "bad.cfg", "population = { reps = 10; abilty = 1.0; };\nmechanisms = ( { type = \"commission\"; } );\n");
  char dir[512];
  snprintf(dir, sizeof dir, "%s/never", tmp);
  assert_int_equal(sh(&out, "%s run %s -o %s", SALESIM_BINARY, bad, dir), 2);
  assert_non_null(strstr(out, "bad.cfg:1: population.abilty"));
  assert_non_null(strstr(out, "ability"));
  free(out);
  struct stat st;
  assert_int_not_equal(stat(dir, &st), 0);
  /* a missing file */
  assert_int_equal(sh(&out, "%s run %s/missing.cfg -o %s", SALESIM_BINARY, tmp, dir), 2);
  assert_non_null(strstr(out, "missing.cfg"));
  free(out);
  assert_int_not_equal(stat(dir, &st), 0);
}

/* The default scenario end to end: table on the terminal, files on disk. */
static void test_run_default(void **state) {
  (void)state;
  char *out = NULL;
  char dir[512];
  snprintf(dir, sizeof dir, "%s/default", tmp);
  assert_int_equal(sh(&out, "%s run %s --replications 2 -o %s", SALESIM_BINARY,
                      salesim_test_path("scenarios/default.cfg"), dir),
                   0);
  assert_non_null(strstr(out, "target_salary"));
  assert_non_null(strstr(out, "commission_draw"));
  assert_non_null(strstr(out, "diff vs target_salary"));
  assert_non_null(strstr(out, "Profit"));
  free(out);
  const char *files[] = {"summary.csv", "replications.csv", "monthly.csv", "summary.json"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    assert_true(exists(dir, files[i]));
  char p[1024];
  snprintf(p, sizeof p, "%s/summary.csv", dir);
  char *csv = slurp(p);
  assert_non_null(csv);
  assert_non_null(strstr(csv, "commission,commission,new_hire_survival_12,"));
  free(csv);
}

/* No scenario: the default one (installed, else the source tree's). */
static void test_run_without_scenario(void **state) {
  (void)state;
  char *out = NULL;
  char dir[512];
  snprintf(dir, sizeof dir, "%s/implicit", tmp);
  assert_int_equal(sh(&out, "%s run --replications 1 --quiet -o %s", SALESIM_BINARY, dir), 0);
  assert_string_equal(out, "");
  free(out);
  assert_true(exists(dir, "summary.json"));
}

/* The same numbers, byte for byte, on 1 and 2 threads. */
static void test_threads_byte_identical(void **state) {
  (void)state;
  char *out = NULL;
  char d1[512], d2[512];
  snprintf(d1, sizeof d1, "%s/t1", tmp);
  snprintf(d2, sizeof d2, "%s/t2", tmp);
  const char *sc = salesim_test_path("scenarios/target-salary-example.cfg");
  assert_int_equal(sh(&out, "%s run %s --replications 4 --threads 1 -q -o %s", SALESIM_BINARY, sc, d1), 0);
  free(out);
  assert_int_equal(sh(&out, "%s run %s --replications 4 --threads 2 -q -o %s", SALESIM_BINARY, sc, d2), 0);
  free(out);
  const char *files[] = {"summary.csv", "replications.csv", "monthly.csv"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char p1[1024], p2[1024];
    snprintf(p1, sizeof p1, "%s/%s", d1, files[i]);
    snprintf(p2, sizeof p2, "%s/%s", d2, files[i]);
    char *a = slurp(p1), *b = slurp(p2);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, b);
    free(a);
    free(b);
  }
}

/* Output that cannot be written: a runtime failure (exit 1). */
static void test_unwritable_output(void **state) {
  (void)state;
  char *out = NULL;
  char file[512];
  snprintf(file, sizeof file, "%s/plainfile", tmp);
  FILE *fp = fopen(file, "w");
  assert_non_null(fp);
  fclose(fp);
  assert_int_equal(sh(&out, "%s run %s --replications 1 -q -o %s/sub", SALESIM_BINARY,
                      salesim_test_path("scenarios/target-salary-example.cfg"), file),
                   1);
  assert_non_null(strstr(out, "plainfile"));
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_help_and_version),
      cmocka_unit_test(test_usage_errors),
      cmocka_unit_test(test_validate),
      cmocka_unit_test(test_bad_scenario_writes_nothing),
      cmocka_unit_test(test_run_default),
      cmocka_unit_test(test_run_without_scenario),
      cmocka_unit_test(test_threads_byte_identical),
      cmocka_unit_test(test_unwritable_output),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
