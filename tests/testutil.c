/* tests/testutil.c: see testutil.h. */
#define _POSIX_C_SOURCE 200809L /* popen, pclose, mkdtemp */
#include "testutil.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <salesim/scenario.h>
#include <salesim/salesim.h>

#include <gsl/gsl_cdf.h>

void salesim_test_assert_close(double a, double b, double rel, double abs_tol,
                               const char *ea, const char *eb, const char *file,
                               int line) {
  double scale = fmax(fabs(a), fabs(b));
  if (!(fabs(a - b) <= rel * scale + abs_tol)) {
    print_error("%s = %.12g and %s = %.12g differ by more than rel %g abs %g\n",
                ea, a, eb, b, rel, abs_tol);
    _fail(file, line);
  }
}

const char *salesim_test_path(const char *rel) {
  static char buf[4096];
  snprintf(buf, sizeof buf, "%s/%s", SALESIM_SOURCE_DIR, rel);
  return buf;
}

int salesim_test_run(const char *cmd, char **out) {
  char full[8192];
  snprintf(full, sizeof full, "%s 2>&1", cmd);
  FILE *p = popen(full, "r");
  if (p == NULL)
    return -1;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  size_t n;
  while (buf && (n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
    len += n;
    if (cap - len < 2) {
      cap *= 2;
      char *nb = realloc(buf, cap);
      if (nb == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
    }
  }
  if (buf)
    buf[len] = '\0';
  int st = pclose(p);
  if (out)
    *out = buf;
  else
    free(buf);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* folders made by salesim_test_write_temp, removed when the test exits */
static char temp_dirs[256][64];
static int n_temp_dirs;

static void remove_temp_dirs(void) {
  for (int i = 0; i < n_temp_dirs; i++) {
    char cmd[sizeof temp_dirs[0] + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%.63s'", temp_dirs[i]);
    if (system(cmd) != 0)
      fprintf(stderr, "could not remove %s\n", temp_dirs[i]);
  }
}

const char *salesim_test_write_temp(const char *name, const char *text) {
  static char path[4096];
  char dir[] = "/tmp/salesim-test-XXXXXX";
  if (mkdtemp(dir) == NULL)
    return NULL;
  if (n_temp_dirs == 0)
    atexit(remove_temp_dirs);
  if (n_temp_dirs < 256)
    snprintf(temp_dirs[n_temp_dirs++], sizeof temp_dirs[0], "%s", dir);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *fp = fopen(path, "w");
  if (fp == NULL)
    return NULL;
  fputs(text, fp);
  fclose(fp);
  return path;
}

salesim_scenario *salesim_test_load_text(const char *text) {
  const char *path = salesim_test_write_temp("scenario.cfg", text);
  assert_non_null(path);
  salesim_diag diag = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  int rc = salesim_scenario_load(&sc, path, &diag);
  for (size_t i = 0; i < diag.count; i++)
    print_message("diag: %s\n", diag.lines[i]);
  salesim_diag_clear(&diag);
  assert_int_equal(rc, 0);
  return sc;
}

char *salesim_test_slurp(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (fp == NULL)
    return NULL;
  char *buf = NULL;
  long n = -1;
  if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
      (buf = malloc((size_t)n + 1)) != NULL && fread(buf, 1, (size_t)n, fp) == (size_t)n) {
    buf[n] = '\0';
    if (len != NULL)
      *len = (size_t)n;
  } else {
    free(buf);
    buf = NULL;
  }
  fclose(fp);
  return buf;
}

/* ---- a temporary folder per test or group ---- */

static char root[200];

int salesim_test_root_setup(void **state) {
  (void)state;
  const char *base = getenv("TMPDIR");
  snprintf(root, sizeof root, "%s/salesim-test-XXXXXX", base && *base ? base : "/tmp");
  return mkdtemp(root) ? 0 : -1;
}

int salesim_test_root_teardown(void **state) {
  (void)state;
  char cmd[512];
  snprintf(cmd, sizeof cmd, "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", root, root);
  return system(cmd) == 0 ? 0 : -1;
}

const char *salesim_test_root(void) { return root; }

const char *salesim_test_at(const char *rel) {
  static char buf[8][1024];
  static int k;
  k = (k + 1) % 8;
  snprintf(buf[k], sizeof buf[k], "%s/%s", root, rel);
  return buf[k];
}

const char *salesim_test_write_at(const char *rel, const char *text) {
  const char *path = salesim_test_at(rel);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  assert_true(fputs(text, fp) >= 0);
  assert_int_equal(fclose(fp), 0);
  return path;
}

/* ---- files and commands ---- */

int salesim_test_sh(char **out, const char *fmt, ...) {
  char cmd[8192];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  return salesim_test_run(cmd, out);
}

void salesim_test_write_text(const char *path, const char *text) {
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs(text, fp);
  fclose(fp);
}

int salesim_test_exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

int salesim_test_count_temp(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    n += strstr(e->d_name, ".tmp.") != NULL || strstr(e->d_name, ".old.") != NULL;
  closedir(d);
  return n;
}

void salesim_test_write_small_scenario(const char *path, const char *head) {
  char text[4096];
  snprintf(text, sizeof text,
           "%s\nseed = 7;\nreplications = 4;\nmonths = 12;\n"
           "population = { reps = 20; };\nterritories = { count = 5; };\n"
           "mechanisms = (\n  { type = \"target_salary\"; },\n"
           "  { type = \"commission\"; rate = 0.05; }\n);\n",
           head);
  salesim_test_write_text(path, text);
}

/* ---- diagnostics ---- */

void salesim_test_print_diag(const salesim_diag *d) {
  for (size_t i = 0; i < d->count; i++)
    print_message("  diag: %s\n", d->lines[i]);
}

int salesim_test_has_line(const salesim_diag *d, const char *fmt, ...) {
  char want[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(want, sizeof want, fmt, ap);
  va_end(ap);
  for (size_t i = 0; i < d->count; i++)
    if (strncmp(d->lines[i], want, strlen(want)) == 0)
      return 1;
  print_message("missing diag line: %s\n", want);
  salesim_test_print_diag(d);
  return 0;
}

int salesim_test_load_bad(const char *path, salesim_diag *d) {
  salesim_scenario *sc = (salesim_scenario *)&sc; /* must be reset */
  int rc = salesim_scenario_load(&sc, path, d);
  assert_null(sc);
  assert_true(d->count > 0);
  return rc;
}

/* ---- validation runs and paired behaviour tests (plan, transition) ---- */

char *salesim_test_validate(const char *name, const char *text, int *status) {
  const char *path = salesim_test_write_temp(name, text);
  char cmd[1024], *out = NULL;
  snprintf(cmd, sizeof cmd, "%s validate %s 2>&1", SALESIM_BINARY, path);
  *status = salesim_test_run(cmd, &out);
  assert_non_null(out);
  return out;
}

int salesim_test_count_lines(const char *s) {
  int n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

void salesim_test_expect_lines(const char *out, const char *const *want, size_t n) {
  for (size_t k = 0; k < n; k++) {
    if (strstr(out, want[k]) == NULL)
      print_message("missing: %s\n", want[k]);
    assert_non_null(strstr(out, want[k]));
  }
}

struct salesim_results *salesim_test_run_text(const char *text) {
  salesim_scenario *sc = salesim_test_load_text(text);
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = 2;
  salesim_results *r = NULL;
  salesim_diag d = SALESIM_DIAG_INIT;
  int rc = salesim_run(&r, sc, &opt, &d);
  salesim_test_print_diag(&d);
  assert_int_equal(rc, 0);
  salesim_diag_clear(&d);
  salesim_scenario_free(sc);
  return r;
}

void salesim_test_paired(const char *what, const double *x1, const double *x0, int n, int dir) {
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; i++) {
    sum += x1[i] - x0[i];
    sum2 += (x1[i] - x0[i]) * (x1[i] - x0[i]);
  }
  double mean = sum / n, var = (sum2 - n * mean * mean) / (n - 1);
  double half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(var > 0 ? var / n : 0);
  print_message("%-34s with - without = %.6g [%.6g, %.6g]\n", what, mean, mean - half,
                mean + half);
  if (dir > 0 && dir != 2)
    assert_true(mean - half > 0);
  else if (dir < 0)
    assert_true(mean + half < 0);
  else if (dir == 2)
    assert_true(mean - half <= 0);
}
