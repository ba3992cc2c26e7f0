/*
 * tests/test_bounds.c: bounded work and failures reported (issue 9,
 * docs/limits.md). Values that would make the pool of open deals explode
 * are refused by `validate` with FILE:LINE; the runtime bounds end a run
 * that gets past validation (a sweep or a library caller setting numbers)
 * with SALESIM_ELIMIT and one line; NaN/inf in results is SALESIM_ENUMERIC;
 * --threads is limited; SIGINT and SIGTERM end a long single-task run with
 * exit 1, a message and no output folder.
 */
#define _DEFAULT_SOURCE /* usleep */
#include "testutil.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <salesim/salesim.h>

/* A small pipeline scenario that validates; %s is spliced into production. */
static const char *small_fmt = "name = \"small\";\n"
                               "seed = 3;\n"
                               "replications = 1;\n"
                               "months = 12;\n"
                               "production = { %s };\n"
                               "population = { reps = 8; %s };\n"
                               "territories = { count = 2; };\n"
                               "mechanisms = ( { type = \"commission\"; rate = 0.03; } );\n";

static const char *write_small(const char *production, const char *population) {
  char text[2048];
  snprintf(text, sizeof text, small_fmt, production, population);
  return salesim_test_write_temp("small.cfg", text);
}

static void test_validate_refuses_tiny_deal_value(void **state) {
  (void)state;
  char *out = NULL, cmd[1024];
  const char *path = write_small("deal_value = 0.01;", "");
  snprintf(cmd, sizeof cmd, "%s validate %s", SALESIM_BINARY, path);
  assert_int_equal(salesim_test_run(cmd, &out), 2);
  assert_non_null(strstr(out, "small.cfg:5: production.deal_value: mean 0.01 makes"));
  assert_non_null(strstr(out, "(expected a mean of at least"));
  free(out);
  /* the same with a distribution */
  path = write_small("deal_value = { dist = \"lognormal\"; mean = 50.0; sd = 10.0; };", "");
  snprintf(cmd, sizeof cmd, "%s validate %s", SALESIM_BINARY, path);
  assert_int_equal(salesim_test_run(cmd, &out), 2);
  assert_non_null(strstr(out, "production.deal_value: mean 50 makes"));
  free(out);
}

static void test_validate_refuses_cheap_effort(void **state) {
  (void)state;
  char *out = NULL, cmd[1024];
  const char *path = write_small("", "effort_cost = 1e-6;");
  snprintf(cmd, sizeof cmd, "%s validate %s", SALESIM_BINARY, path);
  assert_int_equal(salesim_test_run(cmd, &out), 2);
  assert_non_null(strstr(out, "small.cfg:6: population.effort_cost: mean 1e-06 is too cheap"));
  free(out);
}

static void test_validate_refuses_wild_spreads(void **state) {
  (void)state;
  char *out = NULL, cmd[1024];
  const char *path = write_small("market_sd = 50.0;", "");
  snprintf(cmd, sizeof cmd, "%s validate %s", SALESIM_BINARY, path);
  assert_int_equal(salesim_test_run(cmd, &out), 2);
  assert_non_null(strstr(out, "production.market_sd"));
  assert_non_null(strstr(out, "0..3"));
  free(out);
}

/* A run that passes validation but is then given a tiny deal value in
 * memory (as a sweep or a library caller can) ends with the bound. */
static void test_runtime_bound_ends_run(void **state) {
  (void)state;
  char text[2048];
  snprintf(text, sizeof text, small_fmt, "", "");
  salesim_scenario *sc = salesim_test_load_text(text);
  salesim_dist tiny = {SALESIM_DIST_CONSTANT, 0.001, 0, 0.001, 0.001};
  sc->production.deal_value = tiny;
  salesim_results *r = NULL;
  salesim_diag diag = SALESIM_DIAG_INIT;
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = 1;
  int rc = salesim_run(&r, sc, &opt, &diag);
  assert_int_equal(rc, SALESIM_ELIMIT);
  assert_null(r);
  assert_int_equal(diag.count, 1);
  assert_non_null(strstr(diag.lines[0], "commission: replication 1: work limit exceeded: month 1:"));
  assert_non_null(strstr(diag.lines[0], "docs/limits.md"));
  salesim_diag_clear(&diag);

  /* a deal value just small enough to pass the lead check but to grow the
   * pool past its bound: 1000 open deals per position */
  salesim_dist small = {SALESIM_DIST_CONSTANT, 200, 0, 200, 200};
  sc->production.deal_value = small;
  rc = salesim_run(&r, sc, &opt, &diag);
  assert_int_equal(rc, SALESIM_ELIMIT);
  assert_null(r);
  assert_int_equal(diag.count, 1);
  assert_non_null(strstr(diag.lines[0], "open opportunities"));
  salesim_diag_clear(&diag);
  salesim_scenario_free(sc);
}

/* An infinite cost is a numerical failure, not a number in the results. */
static void test_infinity_is_numeric_failure(void **state) {
  (void)state;
  char text[2048];
  snprintf(text, sizeof text, small_fmt, "", "");
  salesim_scenario *sc = salesim_test_load_text(text);
  sc->firm.overhead_per_rep = INFINITY;
  salesim_results *r = NULL;
  salesim_diag diag = SALESIM_DIAG_INIT;
  int rc = salesim_run(&r, sc, NULL, &diag);
  assert_int_equal(rc, SALESIM_ENUMERIC);
  assert_null(r);
  assert_true(diag.count >= 1);
  assert_non_null(strstr(diag.lines[0], "NaN or infinity"));
  salesim_diag_clear(&diag);
  salesim_scenario_free(sc);
}

/* Threads: the CLI refuses more than 4 per core; the library clamps (to
 * the tasks and the same maximum) and gives the same numbers. */
static void test_threads_limited(void **state) {
  (void)state;
  char *out = NULL, cmd[1024];
  const char *path = write_small("", "");
  snprintf(cmd, sizeof cmd, "%s run %s -o %s.out --threads 100000 --quiet", SALESIM_BINARY, path,
           path);
  assert_int_equal(salesim_test_run(cmd, &out), 2);
  assert_non_null(strstr(out, "--threads 100000: more than"));
  free(out);
  char p[1100];
  struct stat st;
  snprintf(p, sizeof p, "%s.out", path);
  assert_int_not_equal(stat(p, &st), 0);

  char text[2048];
  snprintf(text, sizeof text, small_fmt, "", "");
  salesim_scenario *sc = salesim_test_load_text(text);
  salesim_results *a = NULL, *b = NULL;
  salesim_diag diag = SALESIM_DIAG_INIT;
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.replications = 3;
  opt.threads = 1;
  assert_int_equal(salesim_run(&a, sc, &opt, &diag), 0);
  opt.threads = 100000;
  assert_int_equal(salesim_run(&b, sc, &opt, &diag), 0);
  assert_true(b->threads <= 3);
  assert_true(b->threads <= salesim_threads_max());
  assert_memory_equal(a->metric, b->metric,
                      (size_t)a->n_mech * a->n_rep * a->n_metrics * sizeof(double));
  salesim_results_free(a);
  salesim_results_free(b);
  salesim_diag_clear(&diag);
  salesim_scenario_free(sc);
}

/* One long task (many reps, many months, one replication, one thread):
 * the signal must be honoured inside the month loop. The wait is generous
 * (30 s; the run alone would take minutes): no timing is asserted. */
static void interrupt_with(int sig) {
  const char *path = salesim_test_write_temp(
      "long.cfg", "name = \"long\";\nseed = 1;\nreplications = 1;\nmonths = 600;\n"
                  "population = { reps = 50000; };\nterritories = { count = 5000; };\n"
                  "mechanisms = ( { type = \"commission\"; rate = 0.03; } );\n");
  char outdir[1100], errpath[1100];
  snprintf(outdir, sizeof outdir, "%s.out", path);
  snprintf(errpath, sizeof errpath, "%s.err", path);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    FILE *e = freopen(errpath, "w", stderr);
    (void)e;
    execl(SALESIM_BINARY, SALESIM_BINARY, "run", path, "-o", outdir, "--threads", "1",
          "--quiet", (char *)NULL);
    _exit(127);
  }
  /* let it load and start simulating (a second is plenty; if the signal
   * comes earlier it is still caught: the handlers are set before loading) */
  sleep(1);
  assert_int_equal(kill(pid, sig), 0);
  int status = 0, waited = 0;
  pid_t got = 0;
  while (waited < 300 && (got = waitpid(pid, &status, WNOHANG)) == 0) {
    usleep(100000);
    waited++;
  }
  if (got == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    fail_msg("salesim did not end within 30 s of signal %d", sig);
  }
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 1);
  FILE *fp = fopen(errpath, "r");
  assert_non_null(fp);
  char line[1024] = "";
  char *ok = fgets(line, sizeof line, fp);
  fclose(fp);
  assert_non_null(ok);
  assert_non_null(strstr(line, "interrupted"));
  assert_non_null(strstr(line, "nothing written"));
  struct stat st;
  assert_int_not_equal(stat(outdir, &st), 0);
}

static void test_sigint_ends_long_run(void **state) {
  (void)state;
  interrupt_with(SIGINT);
}

static void test_sigterm_ends_long_run(void **state) {
  (void)state;
  interrupt_with(SIGTERM);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_validate_refuses_tiny_deal_value),
      cmocka_unit_test(test_validate_refuses_cheap_effort),
      cmocka_unit_test(test_validate_refuses_wild_spreads),
      cmocka_unit_test(test_runtime_bound_ends_run),
      cmocka_unit_test(test_infinity_is_numeric_failure),
      cmocka_unit_test(test_threads_limited),
      cmocka_unit_test(test_sigint_ends_long_run),
      cmocka_unit_test(test_sigterm_ends_long_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
