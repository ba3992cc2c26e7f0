/*
 * tests/test_run_progress.c: the progress callback of salesim_run
 * (include/salesim/salesim.h, salesim_run_options.progress): on any thread
 * count, calls never overlap, `done` goes 1, 2, ..., total in order, and
 * `total` is the number of (mechanism, replication) tasks.
 *
 * Overlap is checked with a flag set for the length of each call: if two
 * calls ran at once, one would find it set. The test cannot fail when the
 * calls are serialised, whatever the timing.
 *
 * Read next: engine/run/run.c.
 */
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "testutil.h"

#define SCENARIO                                                                          \
  "months = 12;\nreplications = 6;\nterritories = { count = 5; };\n"                      \
  "population = { reps = 5; };\n"                                                          \
  "mechanisms = ( { type = \"target_salary\"; }, { type = \"commission\"; rate = 0.03; } );\n"

typedef struct seen {
  int inside;   /* a call is running */
  int overlaps; /* calls that found another one running */
  int calls;
  int out_of_order;
  int last_total;
} seen;

static void on_progress(void *arg, int done, int total) {
  seen *s = arg;
  if (s->inside)
    s->overlaps++;
  s->inside = 1;
  if (done != s->calls + 1)
    s->out_of_order++;
  s->calls++;
  s->last_total = total;
  volatile double spin = 0; /* stay inside a little: an overlap would show */
  for (int i = 0; i < 20000; i++)
    spin += i;
  s->inside = 0;
}

static void run_with_threads(int threads) {
  salesim_scenario *sc = salesim_test_load_text(SCENARIO);
  seen s;
  memset(&s, 0, sizeof s);
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = threads;
  opt.progress = on_progress;
  opt.progress_arg = &s;
  salesim_results *r = NULL;
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_run(&r, sc, &opt, &d), 0);
  int tasks = sc->n_mechanisms * sc->replications;
  assert_int_equal(tasks, 12);
  assert_int_equal(s.calls, tasks);
  assert_int_equal(s.last_total, tasks);
  assert_int_equal(s.out_of_order, 0);
  assert_int_equal(s.overlaps, 0);
  salesim_results_free(r);
  salesim_diag_clear(&d);
  salesim_scenario_free(sc);
}

static void test_progress_serial(void **state) {
  (void)state;
  run_with_threads(1);
}

static void test_progress_threads(void **state) {
  (void)state;
  run_with_threads(4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_progress_serial),
      cmocka_unit_test(test_progress_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
