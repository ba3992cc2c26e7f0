/*
 * tests/test_safety_killed.c: a killed run never costs the previous output
 * (docs/safety.md, "Atomic replacement and killed runs"): temporary folders of a dead
 * salesim removed (or the previous output put back) by the next run into
 * the same place, a live process's folders and unmarked look-alikes kept;
 * kill -9 on the real CLI, then a re-run identical to an uninterrupted one;
 * a killed batch re-run, and resumed with --resume byte for byte the
 * uninterrupted batch. The other rules of docs/safety.md:
 * tests/test_safety_paths.c.
 */
#define _XOPEN_SOURCE 700
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <salesim/salesim.h>

#include "names.h"
#include "output.h"

/* Short names for the helpers of tests/testutil.h this file uses on most lines. */
#define at(...) salesim_test_at(__VA_ARGS__)
#define sh(...) salesim_test_sh(__VA_ARGS__)
#define write_text(...) salesim_test_write_text(__VA_ARGS__)
#define exists(...) salesim_test_exists(__VA_ARGS__)
#define count_temp(...) salesim_test_count_temp(__VA_ARGS__)
#define write_scenario(...) salesim_test_write_small_scenario(__VA_ARGS__)

static char *slurp(const char *path) { return salesim_test_slurp(path, NULL); }

/* ---- temporary folders of killed runs ---------------------------------------- */

static pid_t dead_pid(void) {
  pid_t p = fork();
  assert_true(p >= 0);
  if (p == 0)
    _exit(0);
  waitpid(p, NULL, 0);
  return p;
}

static void make_marked(const char *dir) {
  assert_int_equal(mkdir(dir, 0777), 0);
  char p[1100];
  snprintf(p, sizeof p, "%s/.salesim-output", dir);
  write_text(p, SALESIM_OUTPUT_MARKER_TAG "\nversion test\n");
  snprintf(p, sizeof p, "%s/summary.csv", dir);
  write_text(p, "half\n");
}

/* Left-overs of a dead salesim are removed by the next run into the same
 * place; a live process's folders and unmarked look-alikes are kept. */
static void test_stale_temp_folders_cleaned(void **state) {
  (void)state;
  char *out = NULL, name[1100];
  write_scenario(at("s.cfg"), "name = \"s\";");
  assert_int_equal(mkdir(at("o"), 0777), 0);
  pid_t gone = dead_pid();
  snprintf(name, sizeof name, "%s/s.tmp.%ld", at("o"), (long)gone);
  make_marked(name);
  snprintf(name, sizeof name, "%s/s.old.%ld", at("o"), (long)gone);
  make_marked(name);
  snprintf(name, sizeof name, "%s/s.tmp.%ld", at("o"), (long)dead_pid());
  assert_int_equal(mkdir(name, 0777), 0); /* empty: killed right after mkdir */
  char foreign[1000], live[1100], other[1100];
  snprintf(foreign, sizeof foreign, "%s/s.tmp.%ld", at("o"), (long)dead_pid());
  assert_int_equal(mkdir(foreign, 0777), 0);
  snprintf(name, sizeof name, "%s/mine.txt", foreign);
  write_text(name, "not salesim's\n"); /* no marker: left alone */
  snprintf(live, sizeof live, "%s/s.tmp.%ld", at("o"), (long)getpid());
  make_marked(live); /* this test process is alive: a concurrent run */
  snprintf(other, sizeof other, "%s/t.tmp.%ld", at("o"), (long)gone);
  make_marked(other); /* another output's: not this run's business */

  int rc = sh(&out, "'%s' run -q '%s' -o '%s'", SALESIM_BINARY, at("s.cfg"), at("o/s"));
  assert_int_equal(rc, 0);
  free(out);
  assert_true(exists(at("o/s/summary.json")));
  assert_true(exists(foreign));
  assert_true(exists(live));
  assert_true(exists(other));
  assert_int_equal(count_temp(at("o")), 3);
}

/* Start the CLI with `argv` (argv[0] its path), output to /dev/null. */
static pid_t spawn_quiet(const char *const argv[]) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  return pid;
}

/* kill -9 `pid` as soon as `probe` exists; 1 if it was killed, 0 if it
 * finished first. Reaps the child either way. */
static int kill_when_exists(pid_t pid, const char *probe) {
  int status = 0;
  for (;;) {
    if (exists(probe)) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return 1;
    }
    if (waitpid(pid, &status, WNOHANG) == pid)
      return 0;
    struct timespec ts = {0, 200000};
    nanosleep(&ts, NULL);
  }
}

/* 1 if the two files hold the same bytes. */
static int same_file(const char *a, const char *b) {
  char *x = slurp(a), *y = slurp(b);
  int same = x != NULL && y != NULL && strcmp(x, y) == 0;
  free(x);
  free(y);
  return same;
}

/* kill -9 the real CLI at several points of its write, then run again: no
 * temporary folder is left and the output is complete. */
static void test_kill9_then_rerun(void **state) {
  (void)state;
  write_scenario(at("k.cfg"), "name = \"k\";");
  char target[1024];
  snprintf(target, sizeof target, "%s", at("kill/k"));
  assert_int_equal(mkdir(at("kill"), 0777), 0);
  /* kill when the staging folder holds: nothing yet, its marker, the CSV
   * files, the reports being written */
  static const char *const wait_for[] = {NULL, ".salesim-output", "summary.json",
                                         "report.html"};
  int left = 0;
  for (size_t i = 0; i < sizeof wait_for / sizeof wait_for[0]; i++) {
    const char *const argv[] = {SALESIM_BINARY, "run", "-q", at("k.cfg"), "-o", target, NULL};
    pid_t pid = spawn_quiet(argv);
    char tmp[1100], probe[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", target, (long)pid);
    if (wait_for[i])
      snprintf(probe, sizeof probe, "%s/%s", tmp, wait_for[i]);
    else
      snprintf(probe, sizeof probe, "%s", tmp);
    kill_when_exists(pid, probe); /* finished first: fine, the next round replaces it */
    left += count_temp(at("kill"));
  }
  print_message("kill -9 left temporary folders %d times over %zu kills\n", left,
                sizeof wait_for / sizeof wait_for[0]);
  char *out = NULL;
  int rc = sh(&out, "'%s' run -q '%s' -o '%s'", SALESIM_BINARY, at("k.cfg"), target);
  if (rc != 0)
    fail_msg("the run after the kills failed: %s", out);
  free(out);
  assert_int_equal(count_temp(at("kill")), 0);
  static const char *const files[] = {".salesim-output", "summary.csv", "replications.csv",
                                      "monthly.csv", "summary.json", "scenario.cfg",
                                      "report.html", "report.md"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char p[1200];
    snprintf(p, sizeof p, "%s/%s", target, files[i]);
    assert_true(exists(p));
  }
  char p[1200];
  snprintf(p, sizeof p, "%s/report.md", target);
  char *md = slurp(p);
  assert_non_null(strstr(md, "## Scenario")); /* written to the end */
  free(md);
  /* and the same bytes as a run nobody interrupted */
  rc = sh(&out, "'%s' run -q '%s' -o '%s'", SALESIM_BINARY, at("k.cfg"), at("ref"));
  if (rc != 0)
    fail_msg("the uninterrupted run failed: %s", out);
  free(out);
  static const char *const data[] = {"summary.csv", "replications.csv", "monthly.csv"};
  for (size_t i = 0; i < sizeof data / sizeof data[0]; i++) {
    char a[1200], b[1200];
    snprintf(a, sizeof a, "%s/%s", at("ref"), data[i]);
    snprintf(b, sizeof b, "%s/%s", target, data[i]);
    if (!same_file(a, b))
      fail_msg("%s differs from an uninterrupted run's %s", b, a);
  }
}

/* The same for a batch: killed while its second entry is being written,
 * the next batch into the same folder leaves no temporary folder. */
static void test_kill9_batch_then_rerun(void **state) {
  (void)state;
  write_scenario(at("one.cfg"), "");
  write_scenario(at("two.cfg"), "");
  char outdir[1024], one[1024], two[1024];
  snprintf(outdir, sizeof outdir, "%s", at("kb"));
  snprintf(one, sizeof one, "%s", at("one.cfg"));
  snprintf(two, sizeof two, "%s", at("two.cfg"));
  const char *const argv[] = {SALESIM_BINARY, "batch", "-q", one, two, "-o", outdir, NULL};
  pid_t pid = spawn_quiet(argv);
  char probe[1100];
  snprintf(probe, sizeof probe, "%s/two.tmp.%ld/summary.json", outdir, (long)pid);
  int killed = kill_when_exists(pid, probe);
  print_message("batch killed while writing: %s, temporary folders left: %d\n",
                killed ? "yes" : "no (it finished first)", count_temp(outdir));
  char *out = NULL;
  int rc = sh(&out, "'%s' batch -q '%s' '%s' -o '%s'", SALESIM_BINARY, one, two, outdir);
  if (rc != 0)
    fail_msg("the batch after the kill failed: %s", out);
  free(out);
  assert_int_equal(count_temp(outdir), 0);
  char *index = slurp(at("kb/batch.csv"));
  assert_non_null(strstr(index, "/kb/one,ok,"));
  assert_non_null(strstr(index, "/kb/two,ok,"));
  free(index);
}

/* kill -9 a batch after its first scenario is complete, then `--resume`:
 * the first scenario is resumed, the second rerun, and every result file is
 * byte for byte what an uninterrupted batch writes. */
static void test_kill9_batch_then_resume_identical(void **state) {
  (void)state;
  write_scenario(at("one.cfg"), "");
  write_scenario(at("two.cfg"), "");
  char whole[1024], cut[1024], one[1024], two[1024];
  snprintf(whole, sizeof whole, "%s", at("whole"));
  snprintf(cut, sizeof cut, "%s", at("cut"));
  snprintf(one, sizeof one, "%s", at("one.cfg"));
  snprintf(two, sizeof two, "%s", at("two.cfg"));
  char *out = NULL;
  int rc = sh(&out, "'%s' batch -q --threads 1 '%s' '%s' -o '%s'", SALESIM_BINARY, one, two,
              whole);
  if (rc != 0)
    fail_msg("uninterrupted batch failed: %s", out);
  free(out);

  int killed = 0;
  for (int attempt = 0; attempt < 5 && !killed; attempt++) {
    const char *const argv[] = {SALESIM_BINARY, "batch", "-q", "--threads", "1", one, two,
                                "-o", cut, NULL};
    pid_t pid = spawn_quiet(argv);
    char probe[1100];
    snprintf(probe, sizeof probe, "%s/two.tmp.%ld/summary.json", cut, (long)pid);
    killed = kill_when_exists(pid, probe);
  }
  if (!killed)
    skip(); /* the machine was too fast to catch the batch five times */
  rc = sh(&out, "'%s' batch -q --resume '%s' '%s' -o '%s'", SALESIM_BINARY, one, two, cut);
  if (rc != 0)
    fail_msg("the resumed batch failed: %s", out);
  free(out);
  assert_int_equal(count_temp(cut), 0);
  char *index = slurp(at("cut/batch.csv"));
  assert_non_null(index);
  assert_non_null(strstr(index, "/cut/one,ok,1,")); /* resumed */
  assert_non_null(strstr(index, "/cut/two,ok,0,")); /* rerun */
  free(index);
  static const char *const files[] = {"summary.csv", "replications.csv", "monthly.csv",
                                      "scenario.cfg"};
  static const char *const names[] = {"one", "two"};
  for (size_t n = 0; n < 2; n++)
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
      char a[1200], b[1200];
      snprintf(a, sizeof a, "%s/%s/%s", whole, names[n], files[f]);
      snprintf(b, sizeof b, "%s/%s/%s", cut, names[n], files[f]);
      if (!same_file(a, b))
        fail_msg("%s differs from the uninterrupted batch's %s", b, a);
    }
}

/* Each test in a fresh folder of its own (tests/testutil.h). */
#define WITH_ROOT(test) \
  cmocka_unit_test_setup_teardown(test, salesim_test_root_setup, salesim_test_root_teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      WITH_ROOT(test_stale_temp_folders_cleaned),
      WITH_ROOT(test_kill9_then_rerun),
      WITH_ROOT(test_kill9_batch_then_rerun),
      WITH_ROOT(test_kill9_batch_then_resume_identical),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
