/*
 * tests/test_faults.c: fault injection (issue 9; SQLite's test_malloc.c
 * style).
 *
 * Allocation countdown: this executable is linked with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup
 * (tests/CMakeLists.txt), so every call to those from the objects of the
 * static library libsalesim.a (and from this file) goes through the
 * wrappers below; allocations inside shared libraries (libconfig, GSL,
 * GLPK, jansson, libxlsxwriter, cairo, libc's own) are not counted or
 * failed. One short study (load a scenario, one tiny replication, write
 * every output and report into a temporary folder) runs with the Nth
 * allocation failing, N = 1, 2, ... up to the number a clean run makes: at
 * every N the call must return an error code with a diagnostic, leave no
 * output folder (nor a staging folder), and leak nothing (the live count
 * returns to its start). A failed allocation that the run survives with
 * success would be a swallowed failure: also an error here. The countdown
 * runs twice: on target salary and commission over three months, and on
 * every other shipped mechanism over a plan-year boundary (issue 10: a
 * hook's failure ends the run; it found the year's pay Gini and Spearman
 * quietly falling back or giving NAN when their work space failed).
 *
 * Full disk: a 16 KiB tmpfs when this process may mount one, and always
 * files limited to 4 KiB (RLIMIT_FSIZE: writes fail as on a full disk): the
 * CLI exits 1 with a message naming the file and leaves nothing behind; a
 * run into a location that cannot be a folder exits 1; standard output on
 * /dev/full is a failure too.
 */
#define _GNU_SOURCE /* strdup declarations with -std=c11 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <salesim/salesim.h>

#include "study.h"

/* ---- the wrapped allocator ------------------------------------------------ */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);

/* Live pointers made through the wrappers (open addressing; a pointer from
 * an unwrapped allocator, e.g. libc's realpath, is passed through). */
#define LIVE_CAP (1u << 20)
static uintptr_t *live;
static size_t n_live;
static long countdown;         /* fail when it reaches 0; < 0: never */
static long n_calls;           /* allocations seen while counting */
static int failed_once;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static size_t slot_of(uintptr_t p) {
  uint64_t h = (uint64_t)p * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 44) & (LIVE_CAP - 1);
}

static void live_add(void *p) {
  if (live == NULL) {
    live = __real_calloc(LIVE_CAP, sizeof *live);
    if (live == NULL)
      abort();
  }
  size_t i = slot_of((uintptr_t)p);
  while (live[i] != 0 && live[i] != (uintptr_t)-1)
    i = (i + 1) & (LIVE_CAP - 1);
  live[i] = (uintptr_t)p;
  n_live++;
}

/* Removes p if tracked; returns 1 if it was. */
static int live_remove(void *p) {
  if (live == NULL || p == NULL)
    return 0;
  size_t i = slot_of((uintptr_t)p);
  while (live[i] != 0) {
    if (live[i] == (uintptr_t)p) {
      live[i] = (uintptr_t)-1; /* tombstone */
      n_live--;
      return 1;
    }
    i = (i + 1) & (LIVE_CAP - 1);
  }
  return 0;
}

/* Called when an allocation is failed: `break fault_injected` in gdb with
 * SALESIM_FAULT_AT=N shows who made allocation N. */
__attribute__((noinline)) void fault_injected(long n);
__attribute__((noinline)) void fault_injected(long n) {
  __asm__ volatile("" : : "r"(n) : "memory");
}

/* 1 if this allocation must fail (call with the lock held). */
static int should_fail(void) {
  n_calls++;
  if (countdown < 0)
    return 0;
  if (--countdown == 0) {
    failed_once = 1;
    fault_injected(n_calls);
    errno = ENOMEM; /* as malloc does */
    return 1;
  }
  return 0;
}

void *__wrap_malloc(size_t n) {
  pthread_mutex_lock(&lock);
  void *p = should_fail() ? NULL : __real_malloc(n);
  if (p != NULL)
    live_add(p);
  pthread_mutex_unlock(&lock);
  return p;
}

void *__wrap_calloc(size_t n, size_t size) {
  pthread_mutex_lock(&lock);
  void *p = should_fail() ? NULL : __real_calloc(n, size);
  if (p != NULL)
    live_add(p);
  pthread_mutex_unlock(&lock);
  return p;
}

void *__wrap_realloc(void *old, size_t n) {
  pthread_mutex_lock(&lock);
  if (should_fail()) {
    pthread_mutex_unlock(&lock);
    return NULL; /* the old block stays valid, as realloc promises */
  }
  int tracked = live_remove(old);
  void *p = __real_realloc(old, n);
  if (p != NULL && (tracked || old == NULL))
    live_add(p);
  else if (p == NULL && tracked)
    live_add(old);
  pthread_mutex_unlock(&lock);
  return p;
}

void __wrap_free(void *p) {
  pthread_mutex_lock(&lock);
  live_remove(p);
  pthread_mutex_unlock(&lock);
  __real_free(p);
}

char *__wrap_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = __wrap_malloc(n);
  if (p != NULL)
    memcpy(p, s, n);
  return p;
}

static void arm(long n) {
  pthread_mutex_lock(&lock);
  countdown = n;
  n_calls = 0;
  failed_once = 0;
  pthread_mutex_unlock(&lock);
}

static size_t live_now(void) {
  pthread_mutex_lock(&lock);
  size_t n = n_live;
  pthread_mutex_unlock(&lock);
  return n;
}

/* ---- helpers ----------------------------------------------------------------- */

static char tmp[256];

static int setup(void **state) {
  (void)state;
  snprintf(tmp, sizeof tmp, "/tmp/salesim-faults-XXXXXX");
  return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "umount '%s/full' 2>/dev/null; rm -rf '%s'", tmp, tmp);
  return system(cmd) == 0 ? 0 : -1;
}

/* Entries of a folder other than . and .. and `keep`. */
static int entries(const char *dir, const char *keep) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
        (keep == NULL || strcmp(e->d_name, keep)))
      n++;
  closedir(d);
  return n;
}

static const char *tiny_scenario = "name = \"tiny\";\n"
                                   "seed = 5;\n"
                                   "replications = 1;\n"
                                   "months = 3;\n"
                                   "population = { reps = 4; };\n"
                                   "territories = { count = 2; };\n"
                                   "mechanisms = ( { type = \"target_salary\"; },\n"
                                   "  { type = \"commission\"; rate = 0.03; } );\n";

/* Allocations counted when each phase of the clean run ended. */
static long phase_end[3];

/* One short study: load, one replication, write everything to outdir. */
static int short_run(const char *cfg, const char *outdir, salesim_diag *diag) {
  salesim_scenario *sc = NULL;
  int rc = salesim_scenario_load(&sc, cfg, diag);
  phase_end[0] = n_calls;
  if (rc != 0)
    return rc;
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = 1;
  salesim_results *res = NULL;
  rc = salesim_study_run(sc, outdir, &opt, &res, diag);
  salesim_results_free(res);
  salesim_scenario_free(sc);
  return rc;
}

/* ---- the countdown -------------------------------------------------------------- */

static void run_countdown(const char *scenario_text, const char *what) {
  char cfg[512], outdir[512], cmd[1024];
  snprintf(cfg, sizeof cfg, "%s/tiny.cfg", tmp);
  snprintf(outdir, sizeof outdir, "%s/out", tmp);
  FILE *fp = fopen(cfg, "w");
  assert_non_null(fp);
  fputs(scenario_text, fp);
  fclose(fp);

  /* a clean run: how many allocations it makes, and that it works */
  salesim_diag diag = SALESIM_DIAG_INIT;
  size_t start = live_now();
  arm(-1);
  int rc = short_run(cfg, outdir, &diag);
  long total = n_calls, load_end = phase_end[0];
  for (size_t i = 0; i < diag.count; i++)
    print_message("clean run: %s\n", diag.lines[i]);
  assert_int_equal(rc, 0);
  salesim_diag_clear(&diag);
  assert_int_equal(live_now(), start);
  assert_true(total > 10);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", outdir);
  assert_int_equal(system(cmd), 0);

  /* every allocation up to 3000, then a stride that still ends on the last */
  long stride = total > 3000 ? (total - 3000) / 1000 + 1 : 1;
  long tested = 0, bad = 0, first_n = 1;
  const char *only = getenv("SALESIM_FAULT_AT"); /* debugging: one point only */
  if (only != NULL)
    first_n = total = atol(only);
  for (long n = first_n; n <= total; n += n < 3000 ? 1 : stride) {
    start = live_now();
    arm(n);
    rc = short_run(cfg, outdir, &diag);
    arm(-1);
    tested++;
    int has_line = diag.count >= 1 && diag.lines[0][0] != '\0';
    char first[300];
    snprintf(first, sizeof first, "%s", has_line ? diag.lines[0] : "(none)");
    salesim_diag_clear(&diag);
    int leaked = live_now() != start;
    int left = entries(tmp, "tiny.cfg");
    if (rc == 0 || leaked || !has_line || left != 0) {
      if (bad++ < 100000)
        print_error("allocation %ld of %ld (%s) failed: rc %d (%s), %zu live allocations "
                    "leaked, diag \"%s\", %d entries left beside the scenario\n",
                    n, total, n <= load_end ? "load" : "run+write", rc, salesim_strerror(rc),
                    live_now() - start, first, left);
      snprintf(cmd, sizeof cmd, "rm -rf '%s'/out*", tmp);
      if (system(cmd) != 0)
        bad++;
    }
    salesim_diag_clear(&diag);
  }
  print_message("allocation countdown (%s): %ld allocations in a clean run, %ld failure "
                "points tested, %ld bad\n",
                what, total, tested, bad);
  assert_int_equal(bad, 0);
}

static void test_allocation_countdown(void **state) {
  (void)state;
  run_countdown(tiny_scenario, "target_salary, commission");
}

/* Every other shipped mechanism, over a plan-year boundary (the tender's
 * second round, the ladder's reviews, the forecast settlement): a failed
 * allocation inside a hook (a tender round, team formation, the bench, a
 * target split) must end the run with a message, never become a silent
 * fallback (issue 10: hooks return a status). */
static const char *mechanisms_scenario =
    "name = \"tiny_all\";\n"
    "seed = 7;\n"
    "replications = 1;\n"
    "months = 14;\n"
    "population = { reps = 8; };\n"
    "territories = { count = 2; };\n"
    "mechanisms = ( { type = \"quota_bonus\"; }, { type = \"monitoring\"; },\n"
    "  { type = \"training_ladder\"; }, { type = \"tender\"; }, { type = \"top_down\"; },\n"
    "  { type = \"forecast_bonus\"; }, { type = \"flat_salary\"; } );\n";

static void test_allocation_countdown_mechanisms(void **state) {
  (void)state;
  run_countdown(mechanisms_scenario, "every other mechanism");
}

/* ---- full disk and unwritable output -------------------------------------------- */

static void write_tiny(char *cfg, size_t size) {
  snprintf(cfg, size, "%s/tiny.cfg", tmp);
  FILE *fp = fopen(cfg, "w");
  assert_non_null(fp);
  fputs(tiny_scenario, fp);
  fclose(fp);
}

/* Run the CLI with its stderr in errfile; fsize > 0 limits the size of any
 * file it writes (RLIMIT_FSIZE; SIGXFSZ ignored so writes fail with EFBIG,
 * as on a full disk). Returns the exit status, or -1. */
static int run_cli(const char *errfile, long fsize, const char *a1, const char *a2,
                   const char *a3, const char *a4) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    if (freopen(errfile, "w", stderr) == NULL || freopen("/dev/null", "w", stdout) == NULL)
      _exit(126);
    if (fsize > 0) {
      struct rlimit rl = {(rlim_t)fsize, (rlim_t)fsize};
      signal(SIGXFSZ, SIG_IGN);
      if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
        _exit(126);
    }
    execl(SALESIM_BINARY, SALESIM_BINARY, a1, a2, a3, a4, "--quiet", (char *)NULL);
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

/* The first line of a file (static buffer) and how many lines it has. */
static const char *first_line(const char *path, int *lines) {
  static char line[2048];
  line[0] = '\0';
  *lines = 0;
  FILE *fp = fopen(path, "r");
  if (fp == NULL)
    return line;
  char buf[2048];
  while (fgets(buf, sizeof buf, fp) != NULL) {
    if (*lines == 0)
      snprintf(line, sizeof line, "%s", buf);
    (*lines)++;
  }
  fclose(fp);
  return line;
}

/* Writing into `folder` fails part way: exit 1, a message naming a file of
 * the output, nothing left in `folder`. */
static void expect_write_failure(const char *folder, long fsize, const char *why) {
  char cfg[512], out[600], err[600];
  write_tiny(cfg, sizeof cfg);
  snprintf(out, sizeof out, "%s/out", folder);
  snprintf(err, sizeof err, "%s/err.txt", tmp);
  assert_int_equal(run_cli(err, fsize, "run", cfg, "-o", out), 1);
  int lines = 0;
  const char *msg = first_line(err, &lines);
  print_message("%s: %s", why, msg);
  assert_non_null(strstr(msg, folder)); /* names the file it could not write */
  assert_true(strstr(msg, ".csv") || strstr(msg, ".json") || strstr(msg, ".cfg") ||
              strstr(msg, ".html") || strstr(msg, ".md") || strstr(msg, ".xlsx"));
  assert_true(lines <= 2); /* the file's line and the run's summary line */
  assert_int_equal(entries(folder, strcmp(folder, tmp) == 0 ? "tiny.cfg" : NULL) -
                       (strcmp(folder, tmp) == 0 ? 1 : 0),
                   0); /* only err.txt beside the scenario */
}

/* A real full disk: a 16 KiB tmpfs, where this process may mount one
 * (root with CAP_SYS_ADMIN); otherwise the test says so and skips. */
static void test_full_disk_tmpfs(void **state) {
  (void)state;
  char mnt[600], cmd[1400];
  snprintf(mnt, sizeof mnt, "%s/full", tmp);
  assert_int_equal(mkdir(mnt, 0755), 0);
  snprintf(cmd, sizeof cmd, "mount -t tmpfs -o size=16k tmpfs '%s' 2>/dev/null", mnt);
  if (geteuid() != 0 || system(cmd) != 0) {
    print_message("tmpfs cannot be mounted here: full disk tested with RLIMIT_FSIZE only\n");
    skip();
  }
  expect_write_failure(mnt, 0, "16 KiB tmpfs");
  snprintf(cmd, sizeof cmd, "umount '%s'", mnt);
  assert_int_equal(system(cmd), 0);
}

/* The same failure injected by the kernel: every file limited to 4 KiB
 * (write fails with EFBIG past it). Works without privileges. */
static void test_full_disk_file_limit(void **state) {
  (void)state;
  expect_write_failure(tmp, 4096, "files limited to 4 KiB");
}

/* An output location that cannot be a folder (a file is in the way; root
 * cannot write there either): exit 1 with a message naming it. */
static void test_unwritable_output(void **state) {
  (void)state;
  char cfg[512], out[700], err[600];
  write_tiny(cfg, sizeof cfg);
  snprintf(out, sizeof out, "%s/out", cfg);
  snprintf(err, sizeof err, "%s/err.txt", tmp);
  assert_int_equal(run_cli(err, 0, "run", cfg, "-o", out), 1);
  int lines = 0;
  const char *msg = first_line(err, &lines);
  assert_non_null(strstr(msg, cfg));
  assert_int_equal(entries(tmp, "tiny.cfg"), 1); /* err.txt only */
}

/* Standard output on a full device: exit 1 with a message, for a command
 * whose only output is there. */
static void test_stdout_full(void **state) {
  (void)state;
  if (access("/dev/full", W_OK) != 0)
    skip();
  char cmd[1400], err[600];
  snprintf(err, sizeof err, "%s/err.txt", tmp);
  snprintf(cmd, sizeof cmd, "%s params >/dev/full 2>'%s'", SALESIM_BINARY, err);
  int status = system(cmd);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 1);
  int lines = 0;
  const char *msg = first_line(err, &lines);
  assert_non_null(strstr(msg, "standard output: No space left on device"));
  assert_int_equal(lines, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_allocation_countdown, setup, teardown),
      cmocka_unit_test_setup_teardown(test_allocation_countdown_mechanisms, setup, teardown),
      cmocka_unit_test_setup_teardown(test_full_disk_tmpfs, setup, teardown),
      cmocka_unit_test_setup_teardown(test_full_disk_file_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unwritable_output, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stdout_full, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
