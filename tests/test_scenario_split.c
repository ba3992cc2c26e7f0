/*
 * tests/test_scenario_split.c: the scenario loader's per-load state
 * (engine/scenario/scenario_loader.h): the folders a load may @include from are that
 * load's options, never state kept between loads, so two loads at once on
 * two threads, each with its own folders, do not affect each other.
 *
 * Layout in a fresh temporary folder:
 *   a/frag.cfg, b/frag.cfg        fragments outside the scenarios' folder
 *   scen/x.cfg  @include "../a/frag.cfg"   (needs folder a allowed)
 *   scen/y.cfg  @include "../b/frag.cfg"   (needs folder b allowed)
 *
 * Also the public list of mechanism types the command line uses
 * (salesim_mechanism_count/name/summary).
 *
 * Read next: tests/test_safety_inputs.c (the @include rules themselves).
 */
#define _XOPEN_SOURCE 700

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <salesim/salesim.h>

#include "testutil.h"

#define BODY                                                                            \
  "months = 12;\nreplications = 2;\nterritories = { count = 5; };\n"                    \
  "mechanisms = ( { type = \"target_salary\"; }, { type = \"commission\"; rate = 0.03; } );\n"

#define ROUNDS 40

static char root[512];

static const char *at(const char *rel) {
  static char buf[8][768];
  static int k;
  k = (k + 1) % 8;
  snprintf(buf[k], sizeof buf[k], "%s/%s", root, rel);
  return buf[k];
}

static void put(const char *rel, const char *text) {
  FILE *f = fopen(at(rel), "w");
  assert_non_null(f);
  assert_int_equal(fputs(text, f) >= 0, 1);
  assert_int_equal(fclose(f), 0);
}

static int setup(void **state) {
  (void)state;
  snprintf(root, sizeof root, "/tmp/salesim-split-XXXXXX");
  if (mkdtemp(root) == NULL)
    return -1;
  mkdir(at("a"), 0700);
  mkdir(at("b"), 0700);
  mkdir(at("scen"), 0700);
  put("a/frag.cfg", "seed = 11;\n");
  put("b/frag.cfg", "seed = 22;\n");
  put("scen/x.cfg", "@include \"../a/frag.cfg\"\n" BODY);
  put("scen/y.cfg", "@include \"../b/frag.cfg\"\n" BODY);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  return system(cmd) == 0 ? 0 : -1;
}

/* Load `scen` with only `dir` allowed: its seed, 0 if refused (then the
 * message must say the include is outside the folder), -1 on anything else. */
static long load_seed(const char *scen, const char *dir) {
  const char *dirs[1] = {dir};
  salesim_load_options opt = SALESIM_LOAD_OPTIONS_INIT;
  opt.include_dirs = dirs;
  opt.n_include_dirs = 1;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  long seed = -1;
  int rc = salesim_scenario_load_with(&sc, scen, &opt, &d);
  if (rc == 0 && sc != NULL)
    seed = (long)sc->seed;
  else if (rc == SALESIM_ESCENARIO && sc == NULL && d.count == 1 &&
           strstr(d.lines[0], "outside the scenario's folder") != NULL)
    seed = 0;
  salesim_scenario_free(sc);
  salesim_diag_clear(&d);
  return seed;
}

typedef struct worker {
  const char *own, *other; /* scenario needing `dir`, and one needing the other folder */
  const char *dir;
  long want;               /* the seed of `own` */
  int bad;                 /* loads that did not give what they should */
} worker;

static void *work(void *arg) {
  worker *w = arg;
  for (int i = 0; i < ROUNDS; i++) {
    if (load_seed(w->own, w->dir) != w->want)
      w->bad++;
    if (load_seed(w->other, w->dir) != 0)
      w->bad++;
  }
  return NULL;
}

/* Two threads load at once, each allowing only its own folder: every load
 * sees exactly its own options (with one list shared by the process, a
 * thread would see the other's folder, or lose its own). */
static void test_two_threads_own_folders(void **state) {
  (void)state;
  char x[768], y[768], a[768], b[768];
  snprintf(x, sizeof x, "%s", at("scen/x.cfg"));
  snprintf(y, sizeof y, "%s", at("scen/y.cfg"));
  snprintf(a, sizeof a, "%s", at("a"));
  snprintf(b, sizeof b, "%s", at("b"));
  worker wa = {x, y, a, 11, 0}, wb = {y, x, b, 22, 0};
  pthread_t ta, tb;
  assert_int_equal(pthread_create(&ta, NULL, work, &wa), 0);
  assert_int_equal(pthread_create(&tb, NULL, work, &wb), 0);
  assert_int_equal(pthread_join(ta, NULL), 0);
  assert_int_equal(pthread_join(tb, NULL), 0);
  assert_int_equal(wa.bad, 0);
  assert_int_equal(wb.bad, 0);
}

/* Nothing is kept between loads: after a load that allowed folder a, a
 * load without options refuses the include again. */
static void test_nothing_kept_between_loads(void **state) {
  (void)state;
  assert_int_equal(load_seed(at("scen/x.cfg"), at("a")), 11);
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  assert_int_equal(salesim_scenario_load(&sc, at("scen/x.cfg"), &d), SALESIM_ESCENARIO);
  assert_null(sc);
  assert_int_equal(d.count, 1);
  assert_non_null(strstr(d.lines[0], "scen/x.cfg:1: @include \"../a/frag.cfg\": outside the "
                                     "scenario's folder"));
  salesim_diag_clear(&d);
  /* NULL options are no options */
  assert_int_equal(salesim_scenario_load_with(&sc, at("scen/x.cfg"), NULL, &d),
                   SALESIM_ESCENARIO);
  assert_null(sc);
  salesim_diag_clear(&d);
}

static void test_bad_folders(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_scenario_check_include_dir(at("a"), &d), 0);
  assert_int_equal(d.count, 0);
  assert_int_equal(salesim_scenario_check_include_dir(at("no/such"), &d), SALESIM_EINVAL);
  assert_int_equal(d.count, 1);
  assert_non_null(strstr(d.lines[0], "no/such: No such file or directory"));
  assert_non_null(strstr(d.lines[0], "--include-dir "));
  salesim_diag_clear(&d);
  assert_int_equal(salesim_scenario_check_include_dir(at("a/frag.cfg"), &d), SALESIM_EINVAL);
  assert_non_null(strstr(d.lines[0], "a/frag.cfg: not a folder"));
  salesim_diag_clear(&d);

  /* at load: a folder that is not one, and too many folders */
  salesim_scenario *sc = NULL;
  const char *dirs[SALESIM_INCLUDE_DIRS_MAX + 1];
  for (int i = 0; i <= SALESIM_INCLUDE_DIRS_MAX; i++)
    dirs[i] = root;
  salesim_load_options opt = SALESIM_LOAD_OPTIONS_INIT;
  opt.include_dirs = dirs;
  opt.n_include_dirs = SALESIM_INCLUDE_DIRS_MAX + 1;
  assert_int_equal(salesim_scenario_load_with(&sc, at("scen/x.cfg"), &opt, &d), SALESIM_EINVAL);
  assert_null(sc);
  assert_int_equal(d.count, 1);
  assert_string_equal(d.lines[0], "--include-dir: 9 folders (expected 0 to 8)");
  salesim_diag_clear(&d);
  opt.n_include_dirs = SALESIM_INCLUDE_DIRS_MAX; /* the most allowed */
  assert_int_equal(salesim_scenario_load_with(&sc, at("scen/x.cfg"), &opt, &d), 0);
  assert_non_null(sc);
  assert_int_equal((int)sc->seed, 11);
  salesim_scenario_free(sc);
  sc = NULL;
  dirs[1] = at("a/frag.cfg");
  opt.n_include_dirs = 2;
  assert_int_equal(salesim_scenario_load_with(&sc, at("scen/x.cfg"), &opt, &d), SALESIM_EINVAL);
  assert_null(sc);
  assert_int_equal(d.count, 1);
  assert_non_null(strstr(d.lines[0], "a/frag.cfg: not a folder"));
  salesim_diag_clear(&d);
}

/* The public list of mechanism types (what `salesim mechanisms` prints):
 * the registry's names in order, each with a summary; NULL out of range. */
static void test_mechanism_catalog(void **state) {
  (void)state;
  const char *const *names = salesim_mechanism_names();
  int n = salesim_mechanism_count();
  assert_true(n >= 8);
  for (int i = 0; i < n; i++) {
    assert_non_null(names[i]);
    assert_string_equal(salesim_mechanism_name(i), names[i]);
    assert_non_null(salesim_mechanism_summary(i));
    assert_true(strlen(salesim_mechanism_summary(i)) > 10);
  }
  assert_null(names[n]);
  assert_null(salesim_mechanism_name(n));
  assert_null(salesim_mechanism_name(-1));
  assert_null(salesim_mechanism_summary(n));
  assert_null(salesim_mechanism_summary(-1));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_two_threads_own_folders),
      cmocka_unit_test(test_nothing_kept_between_loads),
      cmocka_unit_test(test_bad_folders),
      cmocka_unit_test(test_mechanism_catalog),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
