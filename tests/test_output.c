/* tests/test_output.c: the report writer (engine/output/output.c): every file read
 * back, summary.json parsed with jansson, atomic replacement, failures that
 * leave nothing behind, and byte-identical output for identical results. */
#define _XOPEN_SOURCE 700

#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include <salesim/salesim.h>

/* ---- helpers ------------------------------------------------------------------ */

static char tmp_root[512];

static int setup_dir(void **state) {
  (void)state;
  snprintf(tmp_root, sizeof tmp_root, "/tmp/salesim_test_output_XXXXXX");
  return mkdtemp(tmp_root) == NULL ? -1 : 0;
}

static int teardown_dir(void **state) {
  (void)state;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
  return salesim_test_run(cmd, NULL) == 0 ? 0 : -1;
}

static const char *in_tmp(const char *rel) {
  static char buf[4][1024];
  static int which;
  which = (which + 1) % 4;
  snprintf(buf[which], sizeof buf[which], "%s/%s", tmp_root, rel);
  return buf[which];
}

static char *slurp(const char *path) { return salesim_test_slurp(path, NULL); }

static int exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

/* Entries of `dir` other than . and .., and how many contain `part`. */
static int count_entries(const char *dir, const char *part, int *matching) {
  DIR *d = opendir(dir);
  int n = 0;
  *matching = 0;
  if (d == NULL)
    return -1;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    n++;
    if (part && strstr(e->d_name, part))
      (*matching)++;
  }
  closedir(d);
  return n;
}

static int count_lines(const char *s) {
  int n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

/* The line of `text` that starts with `prefix` (static copy) or NULL. */
static const char *line_starting(const char *text, const char *prefix) {
  static char line[4096];
  size_t np = strlen(prefix);
  for (const char *p = text; p && *p;) {
    const char *end = strchr(p, '\n');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len >= np && strncmp(p, prefix, np) == 0 && len < sizeof line) {
      memcpy(line, p, len);
      line[len] = '\0';
      return line;
    }
    p = end ? end + 1 : NULL;
  }
  return NULL;
}

/* Split a CSV line without quotes into fields (in place). */
static int split_csv(char *line, char **fields, int max) {
  int n = 0;
  fields[n++] = line;
  for (char *c = line; *c && n < max; c++)
    if (*c == ',') {
      *c = '\0';
      fields[n++] = c + 1;
    }
  return n;
}

/* Two mechanisms, 3 replications, 2 months; revenue for both, quits with a
 * gap, pct_at_target only for the second, everything else not applicable. */
static salesim_results *sample(void) {
  static const double base[3] = {100, 200, 300};
  static const double other[3] = {110, 190, 330.5};
  salesim_results *r = NULL;
  assert_int_equal(salesim_results_alloc(&r, 2, 3, 2), 0);
  snprintf(r->mech_names[0], 64, "commission");
  snprintf(r->mech_types[0], 64, "commission");
  snprintf(r->mech_names[1], 64, "target_salary");
  snprintf(r->mech_types[1], 64, "target_salary");
  for (int rep = 0; rep < 3; rep++) {
    SALESIM_METRIC_AT(r, 0, rep, SALESIM_METRIC_REVENUE) = base[rep];
    SALESIM_METRIC_AT(r, 1, rep, SALESIM_METRIC_REVENUE) = other[rep];
    SALESIM_METRIC_AT(r, 1, rep, SALESIM_METRIC_PCT_AT_TARGET) = 0.25 * (rep + 1);
    SALESIM_METRIC_AT(r, 0, rep, SALESIM_METRIC_QUITS) = rep;
    if (rep != 1)
      SALESIM_METRIC_AT(r, 1, rep, SALESIM_METRIC_QUITS) = 2 * rep;
    SALESIM_MONTHLY_AT(r, 0, rep, 0, SALESIM_SERIES_REVENUE) = rep + 1;
    SALESIM_MONTHLY_AT(r, 0, rep, 1, SALESIM_SERIES_REVENUE) = rep < 2 ? rep + 4 : NAN;
    SALESIM_MONTHLY_AT(r, 1, rep, 1, SALESIM_SERIES_HEADCOUNT) = 10;
  }
  salesim_table *t = NULL;
  const char *cols[] = {"bid", "potential"};
  const double row[] = {1.5, NAN};
  assert_int_equal(salesim_table_alloc(&t, "tender_bids", 2, cols), 0);
  assert_int_equal(salesim_table_add(t, "commission", row), 0);
  assert_int_equal(salesim_results_add_table(r, t), 0);
  snprintf(r->scenario_path, sizeof r->scenario_path, "scenarios/sample.cfg");
  snprintf(r->scenario_hash, sizeof r->scenario_hash, "0123456789abcdef");
  r->seed = 42;
  r->threads = 2;
  snprintf(r->version, sizeof r->version, "0.1.0-test");
  snprintf(r->started, sizeof r->started, "2024-01-02T03:04:05Z");
  r->wall_seconds = 1.25;
  assert_int_equal(salesim_results_summarize(r), 0);
  return r;
}

static void write_ok(const salesim_results *r, const salesim_scenario *sc,
                     const char *dir) {
  salesim_diag d = SALESIM_DIAG_INIT;
  int rc = salesim_output_write(r, sc, dir, &d);
  if (rc != 0)
    fail_msg("write %s: %d %s", dir, rc, d.count ? d.lines[0] : "");
  salesim_diag_clear(&d);
}

/* ---- the files ---------------------------------------------------------------- */

static void test_summary_csv(void **state) {
  (void)state;
  salesim_results *r = sample();
  write_ok(r, NULL, in_tmp("out"));
  char *s = slurp(in_tmp("out/summary.csv"));
  assert_non_null(s);
  static const char header[] = "mechanism,type,metric,unit,mean,sd,ci_low,ci_high,"
                               "diff_vs_baseline,diff_ci_low,diff_ci_high,p5,p50,"
                               "p95,n\n";
  assert_true(strncmp(s, header, strlen(header)) == 0);
  /* revenue, quits, pct_at_target for two mechanisms; pay_gini etc. skipped */
  assert_int_equal(count_lines(s), 1 + 2 * 3);
  assert_null(strstr(s, "pay_gini"));

  /* baseline revenue {100,200,300}: mean 200, sd 100, diff 0 */
  char *f[20];
  const char *l = line_starting(s, "commission,commission,revenue,");
  assert_non_null(l);
  char line[4096];
  snprintf(line, sizeof line, "%s", l);
  assert_int_equal(split_csv(line, f, 20), 15);
  assert_string_equal(f[3], "currency/year");
  assert_string_equal(f[4], "200");
  assert_string_equal(f[5], "100");
  double half = 4.302653 * 100 / sqrt(3.0); /* t_{0.975,2} */
  assert_close(strtod(f[6], NULL), 200 - half, 1e-6, 0);
  assert_close(strtod(f[7], NULL), 200 + half, 1e-6, 0);
  assert_string_equal(f[8], "0");
  assert_string_equal(f[9], "0");
  assert_string_equal(f[10], "0");
  assert_string_equal(f[11], "110"); /* P5: 100 + 0.1 * 100 */
  assert_string_equal(f[12], "200");
  assert_string_equal(f[13], "290");
  assert_string_equal(f[14], "3");

  /* the other: diffs {10,-10,30.5}, mean 10.1666... */
  l = line_starting(s, "target_salary,target_salary,revenue,");
  assert_non_null(l);
  snprintf(line, sizeof line, "%s", l);
  split_csv(line, f, 20);
  assert_string_equal(f[8], "10.16666667");
  const salesim_stat *st = &SALESIM_STAT_AT(r, 1, SALESIM_METRIC_REVENUE);
  char expect[64];
  snprintf(expect, sizeof expect, "%.10g", st->diff_low);
  assert_string_equal(f[9], expect);

  /* not applicable for the baseline: empty fields, n 0 */
  assert_non_null(line_starting(s, "commission,commission,pct_at_target,share,"
                                   ",,,,,,,,,,0"));
  /* quits of the other: 2 values, 2 pairs {0-0, 4-2} */
  l = line_starting(s, "target_salary,target_salary,quits,per year,2,");
  assert_non_null(l);
  snprintf(line, sizeof line, "%s", l);
  split_csv(line, f, 20);
  assert_string_equal(f[8], "1");
  assert_string_equal(f[14], "2");
  free(s);
  salesim_results_free(r);
}

static void test_other_csv_files(void **state) {
  (void)state;
  salesim_results *r = sample();
  write_ok(r, NULL, in_tmp("out"));

  char *s = slurp(in_tmp("out/replications.csv"));
  assert_non_null(s);
  assert_true(strncmp(s, "mechanism,replication,metric,value\n", 35) == 0);
  /* 3+3 revenue, 3+2 quits, 3 pct_at_target: NAN values skipped */
  assert_int_equal(count_lines(s), 1 + 14);
  assert_non_null(strstr(s, "\ntarget_salary,2,revenue,190\n"));
  assert_non_null(strstr(s, "\ntarget_salary,3,revenue,330.5\n"));
  assert_non_null(strstr(s, "\ncommission,1,quits,0\n"));
  assert_null(strstr(s, "target_salary,2,quits"));
  free(s);

  s = slurp(in_tmp("out/monthly.csv"));
  assert_non_null(s);
  char header[1024] = "mechanism,month";
  for (int i = 0; i < SALESIM_SERIES_COUNT; i++) {
    strcat(header, ",");
    strcat(header, salesim_series_name(i));
  }
  strcat(header, "\n");
  assert_true(strncmp(s, header, strlen(header)) == 0);
  assert_int_equal(count_lines(s), 1 + 2 * 2);
  /* month 1: mean of {1,2,3}; month 2: {4,5} (a NAN is ignored) */
  assert_non_null(line_starting(s, "commission,1,2,0,0,"));
  assert_non_null(line_starting(s, "commission,2,4.5,0,"));
  /* headcount is the 7th series: 10 in month 2 */
  assert_non_null(line_starting(s, "target_salary,2,0,0,0,0,0,0,10,0,"));
  free(s);

  s = slurp(in_tmp("out/tender_bids.csv"));
  assert_non_null(s);
  assert_string_equal(s, "label,bid,potential\ncommission,1.5,\n");
  free(s);
  salesim_results_free(r);
}

static void test_summary_json(void **state) {
  (void)state;
  salesim_results *r = sample();
  write_ok(r, NULL, in_tmp("out"));
  json_error_t err;
  json_t *root = json_load_file(in_tmp("out/summary.json"), 0, &err);
  if (root == NULL)
    fail_msg("summary.json: %s at line %d", err.text, err.line);
  json_t *man = json_object_get(root, "manifest");
  assert_non_null(man);
  assert_string_equal(json_string_value(json_object_get(man, "scenario_path")),
                      "scenarios/sample.cfg");
  assert_string_equal(json_string_value(json_object_get(man, "scenario_hash")),
                      "0123456789abcdef");
  assert_true(json_is_null(json_object_get(man, "scenario_name")));
  assert_int_equal(json_integer_value(json_object_get(man, "seed")), 42);
  assert_int_equal(json_integer_value(json_object_get(man, "replications")), 3);
  assert_int_equal(json_integer_value(json_object_get(man, "months")), 2);
  assert_int_equal(json_integer_value(json_object_get(man, "threads")), 2);
  assert_string_equal(json_string_value(json_object_get(man, "baseline")), "commission");
  assert_string_equal(json_string_value(json_object_get(man, "salesim_version")),
                      "0.1.0-test");
  assert_string_equal(json_string_value(json_object_get(man, "started")),
                      "2024-01-02T03:04:05Z");
  assert_close(json_number_value(json_object_get(man, "wall_seconds")), 1.25, 0, 0);
  json_t *list = json_object_get(man, "mechanisms");
  assert_int_equal(json_array_size(list), 2);
  assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "type")),
                      "target_salary");

  json_t *mechs = json_object_get(root, "mechanisms");
  assert_int_equal(json_object_size(mechs), 2);
  json_t *ts = json_object_get(mechs, "target_salary");
  assert_true(json_is_false(json_object_get(ts, "baseline")));
  json_t *metrics = json_object_get(ts, "metrics");
  assert_int_equal(json_object_size(metrics), 3);
  assert_null(json_object_get(metrics, "pay_gini"));
  json_t *rev = json_object_get(metrics, "revenue");
  const salesim_stat *st = &SALESIM_STAT_AT(r, 1, SALESIM_METRIC_REVENUE);
  assert_close(json_number_value(json_object_get(rev, "mean")), 630.5 / 3, 1e-9, 0);
  assert_close(json_number_value(json_object_get(rev, "diff_vs_baseline")), 30.5 / 3, 1e-9, 0);
  assert_close(json_number_value(json_object_get(rev, "diff_ci_high")), st->diff_high, 1e-9, 0);
  assert_close(json_number_value(json_object_get(rev, "sd")), st->sd, 1e-9, 0);
  assert_close(json_number_value(json_object_get(rev, "p95")), st->p95, 1e-9, 0);
  assert_int_equal(json_integer_value(json_object_get(rev, "n")), 3);
  assert_string_equal(json_string_value(json_object_get(rev, "unit")), "currency/year");
  const char *fields[] = {"mean", "sd", "ci_low", "ci_high", "diff_vs_baseline",
                          "diff_ci_low", "diff_ci_high", "p5", "p50", "p95", "n"};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    assert_non_null(json_object_get(rev, fields[i]));
  /* no data: nulls and n 0 */
  json_t *pct = json_object_get(
      json_object_get(json_object_get(mechs, "commission"), "metrics"), "pct_at_target");
  assert_true(json_is_null(json_object_get(pct, "mean")));
  assert_int_equal(json_integer_value(json_object_get(pct, "n")), 0);
  assert_true(json_is_true(json_object_get(json_object_get(mechs, "commission"), "baseline")));
  json_decref(root);
  salesim_results_free(r);
}

static void test_scenario_in_manifest(void **state) {
  (void)state;
  salesim_results *r = sample();
  salesim_scenario sc;
  memset(&sc, 0, sizeof sc);
  char path[] = "scenarios/from_scenario.cfg";
  sc.path = path;
  snprintf(sc.name, sizeof sc.name, "from_scenario");
  snprintf(sc.currency, sizeof sc.currency, "EUR");
  write_ok(r, &sc, in_tmp("with_sc"));
  json_t *root = json_load_file(in_tmp("with_sc/summary.json"), 0, NULL);
  assert_non_null(root);
  json_t *man = json_object_get(root, "manifest");
  assert_string_equal(json_string_value(json_object_get(man, "scenario_path")), path);
  assert_string_equal(json_string_value(json_object_get(man, "scenario_name")),
                      "from_scenario");
  assert_string_equal(json_string_value(json_object_get(man, "currency")), "EUR");
  json_decref(root);
  salesim_results_free(r);
}

static void test_quoting_and_names(void **state) {
  (void)state;
  salesim_results *r = sample();
  snprintf(r->mech_names[1], 64, "tender, \"sealed\"");
  write_ok(r, NULL, in_tmp("quoted"));
  char *s = slurp(in_tmp("quoted/summary.csv"));
  assert_non_null(line_starting(s, "\"tender, \"\"sealed\"\"\",target_salary,revenue,"));
  free(s);

  /* names that would clash are refused before anything is written */
  salesim_diag d = SALESIM_DIAG_INIT;
  snprintf(r->mech_names[1], 64, "commission");
  assert_int_equal(salesim_output_write(r, NULL, in_tmp("clash"), &d), SALESIM_EINVAL);
  assert_non_null(strstr(d.lines[0], "two mechanisms named 'commission'"));
  salesim_diag_clear(&d);
  snprintf(r->mech_names[1], 64, "target_salary");
  free(r->tables[0]->name);
  r->tables[0]->name = strdup("Summary");
  assert_int_equal(salesim_output_write(r, NULL, in_tmp("clash"), &d), SALESIM_EINVAL);
  assert_non_null(strstr(d.lines[0], "would overwrite summary.csv"));
  salesim_diag_clear(&d);
  assert_false(exists(in_tmp("clash")));
  int tmps;
  count_entries(tmp_root, ".tmp.", &tmps);
  assert_int_equal(tmps, 0);
  assert_int_equal(salesim_output_write(NULL, NULL, in_tmp("clash"), &d), SALESIM_EINVAL);
  assert_int_equal(salesim_output_write(r, NULL, "", &d), SALESIM_EINVAL);
  salesim_diag_clear(&d);
  salesim_results_free(r);
}

/* ---- atomicity ---------------------------------------------------------------- */

static void test_parent_is_a_file(void **state) {
  (void)state;
  salesim_results *r = sample();
  FILE *f = fopen(in_tmp("plain"), "w");
  assert_non_null(f);
  fputs("not a folder\n", f);
  fclose(f);
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_output_write(r, NULL, in_tmp("plain/out"), &d), SALESIM_EIO);
  assert_int_equal(d.count, 1);
  assert_non_null(strstr(d.lines[0], in_tmp("plain")));
  assert_non_null(strstr(d.lines[0], strerror(ENOTDIR)));
  salesim_diag_clear(&d);
  /* deeper still: the first missing parent is under the file */
  assert_int_equal(salesim_output_write(r, NULL, in_tmp("plain/a/b/out"), &d), SALESIM_EIO);
  salesim_diag_clear(&d);
  int tmps, n = count_entries(tmp_root, ".tmp.", &tmps);
  assert_int_equal(n, 1); /* only "plain" */
  assert_int_equal(tmps, 0);
  char *s = slurp(in_tmp("plain"));
  assert_string_equal(s, "not a folder\n");
  free(s);
  salesim_results_free(r);
}

static void test_target_is_a_file(void **state) {
  (void)state;
  salesim_results *r = sample();
  FILE *f = fopen(in_tmp("taken"), "w");
  assert_non_null(f);
  fputs("keep me\n", f);
  fclose(f);
  salesim_diag d = SALESIM_DIAG_INIT;
  /* fails after every file was written: the temporary folder must go */
  assert_int_equal(salesim_output_write(r, NULL, in_tmp("taken"), &d), SALESIM_EIO);
  assert_non_null(strstr(d.lines[0], "not a folder"));
  salesim_diag_clear(&d);
  int tmps, n = count_entries(tmp_root, ".tmp.", &tmps);
  assert_int_equal(n, 1);
  assert_int_equal(tmps, 0);
  char *s = slurp(in_tmp("taken"));
  assert_string_equal(s, "keep me\n");
  free(s);
  salesim_results_free(r);
}

static void test_rewrite_replaces(void **state) {
  (void)state;
  salesim_results *r = sample();
  write_ok(r, NULL, in_tmp("out"));
  assert_true(exists(in_tmp("out/tender_bids.csv")));
  FILE *f = fopen(in_tmp("out/stray.txt"), "w");
  assert_non_null(f);
  fclose(f);

  /* the second run has no detail table and other numbers */
  int n_tables = r->n_tables;
  r->n_tables = 0;
  SALESIM_METRIC_AT(r, 0, 0, SALESIM_METRIC_REVENUE) = 1000;
  write_ok(r, NULL, in_tmp("out"));
  r->n_tables = n_tables;
  assert_false(exists(in_tmp("out/stray.txt")));
  assert_false(exists(in_tmp("out/tender_bids.csv")));
  char *s = slurp(in_tmp("out/replications.csv"));
  assert_non_null(strstr(s, "\ncommission,1,revenue,1000\n"));
  free(s);
  int tmps, olds;
  assert_int_equal(count_entries(tmp_root, ".tmp.", &tmps), 1);
  assert_int_equal(tmps, 0);
  count_entries(tmp_root, ".old.", &olds);
  assert_int_equal(olds, 0);
  salesim_results_free(r);
}

static void test_symlink_to_folder(void **state) {
  (void)state;
  salesim_results *r = sample();
  assert_int_equal(mkdir(in_tmp("real"), 0777), 0);
  assert_int_equal(symlink("real", in_tmp("link")), 0);
  write_ok(r, NULL, in_tmp("link"));
  write_ok(r, NULL, in_tmp("link/")); /* and again, replacing it */
  struct stat st;
  assert_int_equal(lstat(in_tmp("link"), &st), 0);
  assert_true(S_ISLNK(st.st_mode)); /* the link stays a link */
  assert_true(exists(in_tmp("real/summary.csv")));
  int tmps;
  assert_int_equal(count_entries(tmp_root, ".tmp.", &tmps), 2);
  assert_int_equal(tmps, 0);
  salesim_results_free(r);
}

static void test_parents_and_trailing_slash(void **state) {
  (void)state;
  salesim_results *r = sample();
  write_ok(r, NULL, in_tmp("a/b/c/"));
  assert_true(exists(in_tmp("a/b/c/summary.csv")));
  assert_true(exists(in_tmp("a/b/c/summary.json")));
  int tmps;
  assert_int_equal(count_entries(in_tmp("a/b"), ".tmp.", &tmps), 1);
  assert_int_equal(tmps, 0);
  assert_int_equal(count_entries(in_tmp("a/b/c"), NULL, &tmps), 6); /* 5 + the marker */
  salesim_results_free(r);
}

static void test_byte_identical(void **state) {
  (void)state;
  salesim_results *r = sample();
  write_ok(r, NULL, in_tmp("one"));
  write_ok(r, NULL, in_tmp("two"));
  const char *files[] = {"summary.csv", "replications.csv", "monthly.csv",
                         "tender_bids.csv", "summary.json"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char a[1024], b[1024];
    snprintf(a, sizeof a, "%s/one/%s", tmp_root, files[i]);
    snprintf(b, sizeof b, "%s/two/%s", tmp_root, files[i]);
    char *x = slurp(a), *y = slurp(b);
    assert_non_null(x);
    assert_non_null(y);
    assert_string_equal(x, y);
    free(x);
    free(y);
  }
  salesim_results_free(r);
}

/* Under a locale with a decimal comma the files still use '.' (skipped when
 * no such locale is installed). */
static void test_locale_independent(void **state) {
  (void)state;
  const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8",
                         "nl_NL.UTF-8"};
  const char *found = NULL;
  for (size_t i = 0; i < sizeof names / sizeof names[0] && !found; i++)
    if (setlocale(LC_NUMERIC, names[i]) != NULL)
      found = names[i];
  if (found == NULL) {
    /* None installed: compile one into the temporary folder (about 1 s). */
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/loc' && localedef -i de_DE -f UTF-8 '%s/loc/de_DE.UTF-8'",
             tmp_root, tmp_root);
    if (salesim_test_run(cmd, NULL) == 0 && setenv("LOCPATH", in_tmp("loc"), 1) == 0 &&
        setlocale(LC_NUMERIC, "de_DE.UTF-8") != NULL)
      found = "de_DE.UTF-8";
  }
  if (found == NULL)
    skip();
  char probe[32];
  snprintf(probe, sizeof probe, "%.1f", 4.5);
  assert_string_equal(probe, "4,5"); /* the locale really uses a comma */
  salesim_results *r = sample();
  write_ok(r, NULL, in_tmp("locale"));
  setlocale(LC_NUMERIC, "C");
  unsetenv("LOCPATH");
  char *s = slurp(in_tmp("locale/monthly.csv"));
  assert_non_null(line_starting(s, "commission,2,4.5,0,"));
  free(s);
  s = slurp(in_tmp("locale/summary.json"));
  assert_non_null(strstr(s, "\"wall_seconds\": 1.25,"));
  free(s);
  salesim_results_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_summary_csv, setup_dir, teardown_dir),
      cmocka_unit_test_setup_teardown(test_other_csv_files, setup_dir, teardown_dir),
      cmocka_unit_test_setup_teardown(test_summary_json, setup_dir, teardown_dir),
      cmocka_unit_test_setup_teardown(test_scenario_in_manifest, setup_dir, teardown_dir),
      cmocka_unit_test_setup_teardown(test_quoting_and_names, setup_dir, teardown_dir),
      cmocka_unit_test_setup_teardown(test_parent_is_a_file, setup_dir, teardown_dir),
      cmocka_unit_test_setup_teardown(test_target_is_a_file, setup_dir, teardown_dir),
      cmocka_unit_test_setup_teardown(test_rewrite_replaces, setup_dir, teardown_dir),
      cmocka_unit_test_setup_teardown(test_symlink_to_folder, setup_dir, teardown_dir),
      cmocka_unit_test_setup_teardown(test_parents_and_trailing_slash, setup_dir, teardown_dir),
      cmocka_unit_test_setup_teardown(test_byte_identical, setup_dir, teardown_dir),
      cmocka_unit_test_setup_teardown(test_locale_independent, setup_dir, teardown_dir),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
