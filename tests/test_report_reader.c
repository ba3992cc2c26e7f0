/*
 * tests/test_report_reader.c: the report reader (engine/report/report_data.c) is
 * strict. A real output folder (a short territory-tender run: three
 * mechanisms, two detail tables) is copied, one file is truncated or one
 * cell corrupted, and `salesim report` / salesim_report_build() must refuse
 * it with one line "FILE:LINE: COLUMN: problem (expected ...)" (or
 * "FILE: problem" where no line applies), SALESIM_EINVAL / exit 2, and no
 * report file written. Also: the CSV reader's own grammar (quotes, CRLF,
 * a row cut inside a quoted field: no leak, checked under `make asan`),
 * non-regular files, the size bounds, and table names from summary.json
 * that would reach outside the folder.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, mkfifo, symlink, truncate */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#include <salesim/salesim.h>

#include "report.h"

static char tmp_root[256];
static char orig[300]; /* the intact output folder */
static char work[300]; /* the copy each case damages */

static int group_setup(void **state) {
  (void)state;
  snprintf(tmp_root, sizeof tmp_root, "/tmp/salesim_test_report_reader_XXXXXX");
  if (mkdtemp(tmp_root) == NULL)
    return -1;
  snprintf(orig, sizeof orig, "%s/orig", tmp_root);
  snprintf(work, sizeof work, "%s/work", tmp_root);
  char cmd[2048], *out = NULL;
  /* the shipped tender scenario, cut to 4 months, 2 replications, 10 reps */
  snprintf(cmd, sizeof cmd,
           "sed -E 's/^months = [0-9]+;/months = 4;/; s/^replications = [0-9]+;/replications = 2;/;"
           " s/^(  reps = )[0-9]+;/\\110;/; s/^(  count = )[0-9]+;/\\14;/' '%s' > '%s/s.cfg' && "
           "'%s' run '%s/s.cfg' -o '%s' --quiet",
           salesim_test_path("scenarios/territory-tender.cfg"), tmp_root, SALESIM_BINARY,
           tmp_root, orig);
  int rc = salesim_test_run(cmd, &out);
  if (rc != 0)
    fprintf(stderr, "%s\n", out ? out : "");
  free(out);
  return rc == 0 ? 0 : -1;
}

static int group_teardown(void **state) {
  (void)state;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
  return salesim_test_run(cmd, NULL) == 0 ? 0 : -1;
}

static const char *in(const char *dir, const char *name) {
  static char buf[4][768];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

/* work := a copy of orig without its reports */
static void fresh_copy(void) {
  char cmd[1600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s' '%s' && rm -f '%s'/report.*", work, orig,
           work, work);
  assert_int_equal(salesim_test_run(cmd, NULL), 0);
}

static char *slurp(const char *path, size_t *len) { return salesim_test_slurp(path, len); }

static void put(const char *path, const char *text, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* Replace the first occurrence of `from` in work/FILE by `to`. */
static void edit(const char *file, const char *from, const char *to) {
  size_t n;
  char *s = slurp(in(work, file), &n);
  char *at = strstr(s, from);
  if (at == NULL)
    fail_msg("%s: no \"%s\" to replace", file, from);
  size_t a = (size_t)(at - s), fl = strlen(from), tl = strlen(to);
  char *t = malloc(n - fl + tl + 1);
  assert_non_null(t);
  memcpy(t, s, a);
  memcpy(t + a, to, tl);
  memcpy(t + a + tl, at + fl, n - a - fl + 1);
  put(in(work, file), t, n - fl + tl);
  free(t);
  free(s);
}

/* Byte offset where line `k` (from 1) of `s` starts. */
static size_t line_start(const char *s, int k) {
  const char *p = s;
  for (int i = 1; i < k; i++) {
    p = strchr(p, '\n');
    assert_non_null(p);
    p++;
  }
  return (size_t)(p - s);
}

/* The build of `work` must fail as bad input: one line that names `file`
 * and contains `part`, a FILE:LINE: prefix when `line` > 0, "(expected" in
 * it, and no report written. */
static void expect_refused(const char *file, int line, const char *part) {
  salesim_diag d = SALESIM_DIAG_INIT;
  unsigned skipped = 0;
  int rc = salesim_report_build(work, SALESIM_REPORT_ALL, &skipped, &d);
  if (rc != SALESIM_EINVAL || d.count != 1)
    fail_msg("rc %d, %zu lines, first: %s", rc, d.count, d.count ? d.lines[0] : "-");
  char prefix[800];
  if (line > 0)
    snprintf(prefix, sizeof prefix, "%s:%d: ", in(work, file), line);
  else
    snprintf(prefix, sizeof prefix, "%s", in(work, file));
  if (strncmp(d.lines[0], prefix, strlen(prefix)) != 0 || strstr(d.lines[0], part) == NULL ||
      strstr(d.lines[0], "(expected") == NULL || strchr(d.lines[0], '\n') != NULL)
    fail_msg("got \"%s\"; wanted prefix \"%s\" and \"%s\"", d.lines[0], prefix, part);
  salesim_diag_clear(&d);
  const char *reports[] = {"report.html", "report.md", "report.xlsx", "report.html.tmp",
                           "report.md.tmp", "report.xlsx.tmp"};
  for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++)
    if (access(in(work, reports[i]), F_OK) == 0)
      fail_msg("%s written after a refused load", reports[i]);
}

/* ---- tests ------------------------------------------------------------------- */

/* The intact copy builds (the strict reader accepts what salesim writes). */
static void test_intact_folder(void **state) {
  (void)state;
  fresh_copy();
  salesim_diag d = SALESIM_DIAG_INIT;
  unsigned skipped = 0;
  int rc = salesim_report_build(work, SALESIM_REPORT_ALL, &skipped, &d);
  if (rc != 0)
    fail_msg("%s", d.count ? d.lines[0] : "?");
  assert_int_equal(access(in(work, "report.html"), F_OK), 0);
  assert_int_equal(access(in(work, "report.md"), F_OK), 0);
  salesim_report_data *data = NULL;
  assert_int_equal(salesim_report_load(&data, work, &d), 0);
  assert_int_equal(data->n_mech, 3);
  assert_int_equal(data->n_months, 4);
  assert_true(data->n_tables >= 1);
  salesim_report_data_free(data);
  salesim_diag_clear(&d);
}

/* monthly.csv cut at many byte offsets: inside the header, inside a row,
 * at a row boundary (then a month is missing), one byte short. */
static void test_truncated_monthly(void **state) {
  (void)state;
  size_t n;
  char *full = slurp(in(orig, "monthly.csv"), &n);
  size_t header_end = line_start(full, 2);
  const size_t cuts[] = {1, 10, header_end - 1, header_end + 5, line_start(full, 4),
                         line_start(full, 4) + 7, line_start(full, 8), n / 2, n - 2, n - 1};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    fresh_copy();
    put(in(work, "monthly.csv"), full, cuts[i]);
    int line = 1, lines = 0;
    for (size_t k = 0; k + 1 < cuts[i]; k++)
      line += full[k] == '\n';
    for (size_t k = 0; k < cuts[i]; k++)
      lines += full[k] == '\n';
    if (full[cuts[i] - 1] == '\n') /* whole lines: a month is missing after the last */
      expect_refused("monthly.csv", lines + 1, "no row (expected months 1..4 of every mechanism");
    else if (cuts[i] < header_end)
      expect_refused("monthly.csv", 1, "the last line has no line end");
    else
      expect_refused("monthly.csv", line, "the last line has no line end (expected a complete");
  }
  fresh_copy();
  put(in(work, "monthly.csv"), full, 0);
  expect_refused("monthly.csv", 0, ": empty file (expected a header line)");
  free(full);
}

static void test_truncated_summary_csv(void **state) {
  (void)state;
  size_t n;
  char *full = slurp(in(orig, "summary.csv"), &n);
  fresh_copy();
  put(in(work, "summary.csv"), full, line_start(full, 20));
  expect_refused("summary.csv", 20, "no row (expected one for every metric in summary.json");
  fresh_copy();
  put(in(work, "summary.csv"), full, line_start(full, 20) + 3);
  expect_refused("summary.csv", 20, "the last line has no line end");
  free(full);
}

/* One corrupted cell of summary.csv at a time. */
static void test_corrupt_summary_csv(void **state) {
  (void)state;
  size_t n;
  char *full = slurp(in(orig, "summary.csv"), &n);
  /* line 2: the first mechanism's revenue; cut it into its fields */
  size_t a = line_start(full, 2), b = line_start(full, 3);
  char row[1024];
  assert_true(b - a < sizeof row);
  memcpy(row, full + a, b - a - 1);
  row[b - a - 1] = '\0';
  char *field[16];
  int nf = 0;
  char copy[1024];
  strcpy(copy, row);
  for (char *p = copy; nf < 16;) {
    field[nf++] = p;
    char *c = strchr(p, ',');
    if (c == NULL)
      break;
    *c = '\0';
    p = c + 1;
  }
  assert_int_equal(nf, 15);
  static const struct {
    int col;
    const char *value, *part;
  } cases[] = {
      {4, "abc", "mean: \"abc\" (expected a number or an empty field)"},
      {4, "nan", "mean: \"nan\" (expected a number or an empty field)"},
      {4, "1e999", "mean: \"1e999\" (expected a number or an empty field)"},
      {4, " 1", "mean: \" 1\" (expected a number or an empty field)"},
      {4, "0x10", "mean: \"0x10\" (expected a number or an empty field)"},
      {4, "", "mean: \"\" (expected the value in summary.json)"},
      {5, "12345.6789", "sd: \"12345.6789\" (expected the value in summary.json)"},
      {0, "nobody", "mechanism: \"nobody\" (expected a mechanism of summary.json)"},
      {1, "commission", "type: \"commission\" (expected the mechanism's type in summary.json)"},
      {2, "revenue_typo", "metric: \"revenue_typo\" (expected a metric of this mechanism"},
      {3, "share", "unit: \"share\" (expected \"currency/year\", the metric's unit)"},
      {14, "-1", "n: \"-1\" (expected a whole number >= 0, as in summary.json)"},
      {14, "999", "n: \"999\" (expected a whole number >= 0, as in summary.json)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    fresh_copy();
    char bad[1200] = "";
    for (int k = 0; k < nf; k++) {
      strcat(bad, k == cases[i].col ? cases[i].value : field[k]);
      strcat(bad, k + 1 < nf ? "," : "");
    }
    edit("summary.csv", row, bad);
    expect_refused("summary.csv", 2, cases[i].part);
  }
  /* one digit changed in the last place */
  fresh_copy();
  {
    char bad[1200];
    snprintf(bad, sizeof bad, "%s", row);
    char *mean = bad + (field[4] - copy);
    char *end = mean + strlen(field[4]) - 1;
    *end = *end == '9' ? '8' : (char)(*end + 1);
    edit("summary.csv", row, bad);
    expect_refused("summary.csv", 2, "mean: ");
  }
  /* a 16th field, a 14-field row, a duplicate row, a wrong header */
  fresh_copy();
  {
    char bad[1200];
    snprintf(bad, sizeof bad, "%s,7", row);
    edit("summary.csv", row, bad);
    expect_refused("summary.csv", 2, "more than 15 fields (expected 15, as in the header)");
  }
  fresh_copy();
  {
    char bad[1200];
    snprintf(bad, sizeof bad, "%s", row);
    *strrchr(bad, ',') = '\0';
    edit("summary.csv", row, bad);
    expect_refused("summary.csv", 2, "14 fields (expected 15, as in the header)");
  }
  fresh_copy();
  {
    char bad[2400];
    snprintf(bad, sizeof bad, "%s\n%s", row, row);
    edit("summary.csv", row, bad);
    expect_refused("summary.csv", 3, "metric: \"revenue\" (expected one row per mechanism");
  }
  fresh_copy();
  edit("summary.csv", "ci_low,ci_high", "ci_high,ci_low");
  expect_refused("summary.csv", 1, "column 7 is \"ci_high\" (expected \"ci_low\")");
  fresh_copy();
  edit("summary.csv", "mechanism,type", "mechanism,mechanism");
  expect_refused("summary.csv", 1, "mechanism: a second column of that name (expected distinct");
  free(full);
}

static void test_corrupt_monthly(void **state) {
  (void)state;
  size_t n;
  char *full = slurp(in(orig, "monthly.csv"), &n);
  size_t a = line_start(full, 2), b = line_start(full, 3);
  char row[4096];
  memcpy(row, full + a, b - a - 1);
  row[b - a - 1] = '\0';
  const char *rest = strchr(strchr(row, ',') + 1, ','); /* ",revenue,..." */
  char mech[128];
  snprintf(mech, sizeof mech, "%.*s", (int)(strchr(row, ',') - row), row);
  static const struct {
    const char *month, *revenue, *part;
  } cases[] = {
      {"0", NULL, "month: \"0\" (expected a month in 1..4, as summary.json's months)"},
      {"5", NULL, "month: \"5\" (expected a month in 1..4"},
      {"1.5", NULL, "month: \"1.5\" (expected a month in 1..4"},
      {"99999999999999999999", NULL, "month: \"99999999999999999999\" (expected a month"},
      {"2", NULL, "month: \"2\" (expected one row per mechanism and month)"},
      {"1", "NaN", "revenue: \"NaN\" (expected a number or an empty field)"},
      {"1", "1e400", "revenue: \"1e400\" (expected a number or an empty field)"},
      {"1", "12abc", "revenue: \"12abc\" (expected a number or an empty field)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    fresh_copy();
    char bad[4400];
    if (cases[i].revenue != NULL)
      snprintf(bad, sizeof bad, "%s,%s,%s%s", mech, cases[i].month, cases[i].revenue,
               strchr(rest + 1, ','));
    else
      snprintf(bad, sizeof bad, "%s,%s%s", mech, cases[i].month, rest);
    edit("monthly.csv", row, bad);
    /* a repeated month is found where the month comes again, on line 3 */
    expect_refused("monthly.csv", strcmp(cases[i].month, "2") == 0 ? 3 : 2, cases[i].part);
  }
  fresh_copy();
  {
    char bad[4400];
    snprintf(bad, sizeof bad, "stranger%s", strchr(row, ','));
    edit("monthly.csv", row, bad);
    expect_refused("monthly.csv", 2, "mechanism: \"stranger\" (expected a mechanism of summary.json)");
  }
  fresh_copy();
  edit("monthly.csv", "mechanism,month,revenue", "mechanism,month,revenu");
  expect_refused("monthly.csv", 1, "column 3 is \"revenu\" (expected \"revenue\")");
  /* the CSV grammar */
  fresh_copy();
  edit("monthly.csv", "\n", "\r");
  expect_refused("monthly.csv", 1, "a lone carriage return after a field (expected ',' or a line end)");
  fresh_copy();
  {
    char bad[4400];
    snprintf(bad, sizeof bad, "\"%s%s", mech, strchr(row, ','));
    edit("monthly.csv", row, bad);
    expect_refused("monthly.csv", 2, "a quoted field is not closed");
  }
  fresh_copy();
  {
    char bad[4400];
    snprintf(bad, sizeof bad, "x\"y%s", strchr(row, ','));
    edit("monthly.csv", row, bad);
    expect_refused("monthly.csv", 2, "a \" inside an unquoted field");
  }
  fresh_copy();
  {
    size_t len = strlen(full);
    char *t = malloc(len + 1);
    memcpy(t, full, len + 1);
    t[line_start(full, 3) + 2] = '\0';
    put(in(work, "monthly.csv"), t, len);
    free(t);
    expect_refused("monthly.csv", 3, "a NUL byte (expected text)");
  }
  free(full);
}

/* summary.json: inconsistent or hostile manifests. */
static void test_corrupt_summary_json(void **state) {
  (void)state;
  fresh_copy();
  edit("summary.json", "\"months\": 4", "\"months\": 4000000");
  expect_refused("summary.json", 0, "manifest.months: missing or out of range (expected a whole number in 1..600)");
  fresh_copy();
  edit("summary.json", "\"months\": 4", "\"months\": 5");
  expect_refused("monthly.csv", 14, "month 5: no row (expected months 1..5 of every mechanism");
  fresh_copy();
  edit("summary.json", "\"baseline\": \"top_down\"", "\"baseline\": \"nobody\"");
  expect_refused("summary.json", 0, "manifest.baseline: \"nobody\" is not a mechanism");
  fresh_copy();
  edit("summary.json", "\"name\": \"tender\"", "\"name\": \"top_down\"");
  expect_refused("summary.json", 0, "\"top_down\" is named twice (expected distinct labels)");
  fresh_copy();
  edit("summary.json", "\"p50\": ", "\"p50\": \"x\", \"old\": ");
  expect_refused("summary.json", 0, ".p50: not a number (expected a number or null)");
  fresh_copy();
  edit("summary.json", "\"tables\": [", "\"tables\": [\"../../../../etc/passwd\", ");
  expect_refused("summary.json", 0, "manifest.tables[0]: \"../../../../etc/passwd\" is not a table name");
  fresh_copy();
  edit("summary.json", "\"tables\": [", "\"tables\": [\"summary\", ");
  expect_refused("summary.json", 0, "manifest.tables[0]: \"summary\" is not a table name");
  fresh_copy();
  edit("summary.json", "\"tables\": [", "\"tables\": [\"not_there\", ");
  expect_refused("not_there.csv", 0, ": No such file or directory");
  fresh_copy();
  edit("summary.json", "{", "{\"manifest\": 1, ");
  expect_refused("summary.json", 2, "duplicate object key");
  fresh_copy();
  {
    /* absurd sizes: 300 mechanisms */
    static char big[300 * 40 + 200];
    size_t o = (size_t)snprintf(big, sizeof big, "{\"manifest\": {\"months\": 1, \"mechanisms\": [");
    for (int i = 0; i < 300; i++)
      o += (size_t)snprintf(big + o, sizeof big - o, "%s{\"name\": \"m%d\", \"type\": \"t\"}",
                            i ? ", " : "", i);
    o += (size_t)snprintf(big + o, sizeof big - o, "]}, \"mechanisms\": {}}\n");
    put(in(work, "summary.json"), big, o);
    expect_refused("summary.json", 0, "manifest.mechanisms: 300 entries (expected at most 256)");
  }
  fresh_copy();
  put(in(work, "summary.json"), "{\"manifest\": {\"mechanisms\": [", 30);
  expect_refused("summary.json", 1, "(expected the summary.json of a salesim run)");
}

/* Missing files, files that are not regular, files over the bounds. */
static void test_missing_and_odd_files(void **state) {
  (void)state;
  fresh_copy();
  assert_int_equal(remove(in(work, "monthly.csv")), 0);
  expect_refused("monthly.csv", 0, ": No such file or directory");
  fresh_copy();
  assert_int_equal(remove(in(work, "summary.csv")), 0);
  expect_refused("summary.csv", 0, ": No such file or directory");
  fresh_copy();
  assert_int_equal(remove(in(work, "monthly.csv")), 0);
  assert_int_equal(symlink(in(orig, "monthly.csv"), in(work, "monthly.csv")), 0);
  expect_refused("monthly.csv", 0, ": a symbolic link (expected a regular file)");
  fresh_copy();
  assert_int_equal(remove(in(work, "monthly.csv")), 0);
  assert_int_equal(mkfifo(in(work, "monthly.csv"), 0600), 0); /* must not block */
  expect_refused("monthly.csv", 0, ": not a regular file (expected a file written by salesim)");
  fresh_copy();
  assert_int_equal(truncate(in(work, "monthly.csv"), (off_t)SALESIM_REPORT_MAX_FILE + 1), 0);
  expect_refused("monthly.csv", 0, "bytes (expected at most 67108864)");
  fresh_copy();
  assert_int_equal(truncate(in(work, "scenario.cfg"), (off_t)SALESIM_REPORT_MAX_SCENARIO + 1), 0);
  expect_refused("scenario.cfg", 0, "bytes (expected at most 16777216)");
  /* scenario.cfg and the optional CSVs may be absent */
  fresh_copy();
  assert_int_equal(remove(in(work, "scenario.cfg")), 0);
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_report_build(work, SALESIM_REPORT_MD, NULL, &d), 0);
  salesim_diag_clear(&d);
}

/* The CLI: exit 2, one line, nothing written; the intact folder still 0. */
static void test_cli_exit_status(void **state) {
  (void)state;
  fresh_copy();
  size_t n;
  char *full = slurp(in(orig, "monthly.csv"), &n);
  put(in(work, "monthly.csv"), full, n - 30);
  free(full);
  char cmd[1200], *out = NULL;
  snprintf(cmd, sizeof cmd, "'%s' report '%s' 2>&1", SALESIM_BINARY, work);
  assert_int_equal(salesim_test_run(cmd, &out), 2);
  assert_non_null(strstr(out, "/work/monthly.csv:"));
  assert_non_null(strstr(out, "(expected a complete file; truncated?)"));
  assert_non_null(strchr(out, '\n'));
  assert_null(strchr(strchr(out, '\n') + 1, '\n')); /* one line */
  free(out);
  assert_int_equal(access(in(work, "report.html"), F_OK), -1);
  assert_int_equal(access(in(work, "report.md"), F_OK), -1);
  assert_int_equal(access(in(work, "report.xlsx"), F_OK), -1);
  fresh_copy();
  edit("summary.csv", ",revenue,", ",revenue_x,");
  assert_int_equal(salesim_test_run(cmd, &out), 2);
  assert_non_null(strstr(out, "/work/summary.csv:"));
  free(out);
}

/* salesim_csv_read alone: the grammar salesim writes, and a row cut inside
 * a quoted field after some fields were parsed (once leaked them). */
static void test_csv_grammar(void **state) {
  (void)state;
  char path[600];
  snprintf(path, sizeof path, "%s/g.csv", tmp_root);
  salesim_csv *c = NULL;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char ok[] = "label,\"a \"\"q\"\"\",b\r\n\"x,\ny\",1.5,\n,,-2\n";
  put(path, ok, sizeof ok - 1);
  assert_int_equal(salesim_csv_read(&c, path, &d), 0);
  assert_int_equal(c->ncols, 3);
  assert_int_equal(c->nrows, 2);
  assert_string_equal(c->header[1], "a \"q\"");
  assert_string_equal(salesim_csv_cell(c, 0, 0), "x,\ny");
  assert_string_equal(salesim_csv_cell(c, 0, 2), "");
  assert_int_equal(c->lines[1], 4);
  assert_true(salesim_csv_number(c, 1, 2) == -2.0);
  salesim_csv_free(c);
  const char *bad[] = {"a,b\n1,\"x\n", "a,b\n1,2,3\n", "a,b\n1\n", "a,b\n1,\"2\"x\n",
                       "a,a\n1,2\n", ",b\n1,2\n", "a,b\n1,2"};
  const char *part[] = {"g.csv:2: a quoted field is not closed", "g.csv:2: more than 2 fields",
                        "g.csv:2: 1 field (expected 2, as in the header)",
                        "g.csv:2: text after a field", "g.csv:1: a: a second column",
                        "g.csv:1: column 1 has no name", "g.csv:2: the last line has no line end"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    put(path, bad[i], strlen(bad[i]));
    c = (salesim_csv *)&d; /* must be reset to NULL */
    assert_int_equal(salesim_csv_read(&c, path, &d), SALESIM_EINVAL);
    assert_null(c);
    assert_int_equal(d.count, 1);
    if (strstr(d.lines[0], part[i]) == NULL || strstr(d.lines[0], "(expected") == NULL)
      fail_msg("case %zu: got \"%s\", wanted \"%s\"", i, d.lines[0], part[i]);
    salesim_diag_clear(&d);
  }
  /* a header of more than SALESIM_REPORT_MAX_COLS names */
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  for (int i = 0; i <= SALESIM_REPORT_MAX_COLS; i++)
    fprintf(f, "%sc%d", i ? "," : "", i);
  fprintf(f, "\n");
  fclose(f);
  assert_int_equal(salesim_csv_read(&c, path, &d), SALESIM_EINVAL);
  assert_non_null(strstr(d.lines[0], "g.csv:1: more than 1024 fields (expected 1024 at most)"));
  salesim_diag_clear(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_intact_folder),       cmocka_unit_test(test_truncated_monthly),
      cmocka_unit_test(test_truncated_summary_csv), cmocka_unit_test(test_corrupt_summary_csv),
      cmocka_unit_test(test_corrupt_monthly),     cmocka_unit_test(test_corrupt_summary_json),
      cmocka_unit_test(test_missing_and_odd_files), cmocka_unit_test(test_cli_exit_status),
      cmocka_unit_test(test_csv_grammar),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
