/*
 * tests/test_report.c: the reports (engine/report/report*.c) end to end through the
 * CLI: `salesim run` writes report.xlsx/.html/.md with the other files;
 * report.xlsx read back with python3-openpyxl (sheets, cells against
 * summary.json, native charts with error bars); report.html self-contained
 * (tables, inline <svg> charts, no URL, no script) and loaded in headless
 * Chromium; report.md tables; `salesim report` rebuilds identical bytes;
 * results written without a scenario; bad folders. The Python and Chromium
 * checks are skipped with a message when those are not installed.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <salesim/salesim.h>

#include "report.h"

static char tmp_root[256];
static char out_dir[512];

static char *slurp(const char *path) { return salesim_test_slurp(path, NULL); }

static int count(const char *s, const char *part) {
  int n = 0;
  for (const char *p = s; (p = strstr(p, part)) != NULL; p++)
    n++;
  return n;
}

static int group_setup(void **state) {
  (void)state;
  snprintf(tmp_root, sizeof tmp_root, "/tmp/salesim_test_report_XXXXXX");
  if (mkdtemp(tmp_root) == NULL)
    return -1;
  snprintf(out_dir, sizeof out_dir, "%s/default", tmp_root);
  char cmd[2048], *out = NULL;
  snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s' --replications 3 --quiet", SALESIM_BINARY,
           salesim_test_path("scenarios/default.cfg"), out_dir);
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

static const char *in_out(const char *name) {
  static char buf[4][768];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", out_dir, name);
  return buf[k];
}

/* The Python that has openpyxl (Debian's system python3), or NULL. */
static const char *python_with_openpyxl(void) {
  static const char *const candidates[] = {"/usr/bin/python3", "python3"};
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s -c 'import openpyxl' >/dev/null 2>&1", candidates[i]);
    if (salesim_test_run(cmd, NULL) == 0)
      return candidates[i];
  }
  return NULL;
}

/* ---- tests ------------------------------------------------------------------- */

static void test_run_writes_reports(void **state) {
  (void)state;
  struct stat st;
  assert_int_equal(stat(in_out("report.html"), &st), 0);
  assert_true(st.st_size > 1000);
  assert_int_equal(stat(in_out("report.md"), &st), 0);
  assert_int_equal(stat(in_out("scenario.cfg"), &st), 0);
#ifdef SALESIM_HAVE_XLSXWRITER
  assert_int_equal(stat(in_out("report.xlsx"), &st), 0);
#endif
  /* nothing half-written left beside or inside */
  char cmd[1024], *out = NULL;
  snprintf(cmd, sizeof cmd, "ls -a '%s' '%s'", tmp_root, out_dir);
  assert_int_equal(salesim_test_run(cmd, &out), 0);
  assert_null(strstr(out, ".tmp"));
  free(out);
}

static void test_xlsx_openpyxl(void **state) {
  (void)state;
#ifndef SALESIM_HAVE_XLSXWRITER
  print_message("skipped: built without libxlsxwriter\n");
  skip();
#else
  const char *py = python_with_openpyxl();
  if (py == NULL) {
    print_message("skipped: python3-openpyxl is not installed (apt-get install "
                  "python3-openpyxl)\n");
    skip();
  }
  /* Sheets, the Summary's cells against summary.json, and the charts:
   * headline bars with fixed error bars, attainment bars, payout scatter,
   * monthly lines. */
  static const char script[] =
      "import json, sys, openpyxl\n"
      "d = sys.argv[1]\n"
      "wb = openpyxl.load_workbook(d + '/report.xlsx')\n"
      "s = json.load(open(d + '/summary.json'))\n"
      "names = wb.sheetnames\n"
      "for want in ['Summary', 'Charts', 'Monthly', 'Payout curves', 'Scenario', 'Manifest']:\n"
      "    assert want in names, (want, names)\n"
      "ws = wb['Summary']\n"
      "assert ws['A6'].value == 'Revenue', ws['A6'].value\n"
      "base = s['manifest']['baseline']\n"
      "mean = s['mechanisms'][base]['metrics']['revenue']['mean']\n"
      "assert abs(ws['C6'].value - mean) <= 1e-6 * abs(mean), (ws['C6'].value, mean)\n"
      "assert ws['D6'].value <= mean <= ws['E6'].value\n"
      "charts = wb['Charts']._charts\n"
      "kinds = [type(c).__name__ for c in charts]\n"
      "assert kinds.count('BarChart') >= 5, kinds\n"
      "assert 'ScatterChart' in kinds and kinds.count('LineChart') == 3, kinds\n"
      "bar = charts[0]\n"
      "assert len(bar.series) == len(s['manifest']['mechanisms'])\n"
      "eb = bar.series[0].errBars\n"
      "assert eb is not None and eb.errValType == 'fixedVal' and eb.val > 0, eb\n"
      "m0 = s['manifest']['mechanisms'][0]['name']\n"
      "r = s['mechanisms'][m0]['metrics']['revenue']\n"
      "assert abs(eb.val - (r['ci_high'] - r['ci_low']) / 2) <= 1e-6 * eb.val\n"
      "pc = wb['Payout curves']\n"
      "assert pc['A1'].value == 'Attainment' and pc['B1'].value is not None\n"
      "assert wb['Monthly'].max_row == 1 + 36 * len(s['manifest']['mechanisms'])\n"
      "assert wb['Scenario']['A1'].value is not None\n"
      "print('xlsx ok')\n";
  char path[600];
  snprintf(path, sizeof path, "%s/check_xlsx.py", tmp_root);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(script, f);
  fclose(f);
  char cmd[2048], *out = NULL;
  snprintf(cmd, sizeof cmd, "%s '%s' '%s'", py, path, out_dir);
  int rc = salesim_test_run(cmd, &out);
  if (rc != 0 || strstr(out, "xlsx ok") == NULL)
    fail_msg("openpyxl check failed:\n%s", out ? out : "");
  free(out);
#endif
}

static void test_html_self_contained(void **state) {
  (void)state;
  char *html = slurp(in_out("report.html"));
  assert_non_null(html);
  assert_non_null(strstr(html, "<!DOCTYPE html>"));
  assert_true(count(html, "<table") >= 4);
  assert_non_null(strstr(html, "<td class=\"l\">Revenue</td>"));
  /* 6 headline charts, attainment, payout, 3 monthly */
  assert_true(count(html, "<svg") >= 11);
  assert_int_equal(count(html, "<svg"), count(html, "</svg>"));
  assert_non_null(strstr(html, "Payout curves"));
  assert_non_null(strstr(html, "<h2 id=\"scenario\">"));
  assert_non_null(strstr(html, "scenario_hash"));
  /* offline: no URL, no script, no external file */
  assert_null(strstr(html, "http://"));
  assert_null(strstr(html, "https://"));
  assert_null(strstr(html, "<script"));
  assert_null(strstr(html, "<link"));
  assert_null(strstr(html, " src="));
  free(html);
}

static void test_html_in_chromium(void **state) {
  (void)state;
  const char *browser = NULL;
  static const char *const names[] = {"chromium", "chromium-browser", "google-chrome"};
  for (size_t i = 0; i < sizeof names / sizeof names[0] && browser == NULL; i++) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", names[i]);
    if (salesim_test_run(cmd, NULL) == 0)
      browser = names[i];
  }
  if (browser == NULL) {
    print_message("skipped: chromium is not installed (apt-get install chromium)\n");
    skip();
  }
  char cmd[4096], *out = NULL;
  snprintf(cmd, sizeof cmd,
           "profile=$(mktemp -d) && timeout 60 %s --headless --no-sandbox --disable-gpu "
           "--disable-background-networking --disable-component-update --disable-sync "
           "--no-first-run --user-data-dir=\"$profile\" --dump-dom 'file://%s' 2>/dev/null; "
           "rc=$?; rm -rf \"$profile\"; exit $rc",
           browser, in_out("report.html"));
  int rc = salesim_test_run(cmd, &out);
  if (rc != 0)
    fail_msg("%s exited %d: %s", browser, rc, out ? out : "");
  /* the DOM after parsing: the page loaded and its charts are there */
  assert_non_null(strstr(out, "<h1>default</h1>"));
  assert_true(count(out, "<svg") >= 11);
  assert_non_null(strstr(out, "class=\"chart\""));
  free(out);
}

static void test_md(void **state) {
  (void)state;
  char *md = slurp(in_out("report.md"));
  assert_non_null(md);
  assert_non_null(strstr(md, "# default\n"));
  assert_non_null(strstr(md, "## Summary"));
  assert_non_null(strstr(md, "| Revenue | currency/year |"));
  assert_non_null(strstr(md, "## Risk bands"));
  assert_non_null(strstr(md, "## Payout curves"));
  assert_non_null(strstr(md, "| 100 % |"));
  assert_non_null(strstr(md, "## Scenario\n\n```\n"));
  free(md);
}

/* `salesim report` on the folder gives the same bytes as `salesim run`. */
static void test_rebuild_identical(void **state) {
  (void)state;
  static const char *const files[] = {"report.html", "report.md", "report.xlsx"};
  char *before[3];
  for (int i = 0; i < 3; i++)
    before[i] = slurp(in_out(files[i]));
  char cmd[1024], *out = NULL;
  snprintf(cmd, sizeof cmd, "'%s' report '%s'", SALESIM_BINARY, out_dir);
  assert_int_equal(salesim_test_run(cmd, &out), 0);
  assert_non_null(strstr(out, "report.html"));
  free(out);
  for (int i = 0; i < 3; i++) {
    char *after = slurp(in_out(files[i]));
    if (before[i] == NULL) {
      assert_null(after);
      continue;
    }
    assert_non_null(after);
    if (i < 2) /* text; the binary xlsx is compared with cmp below */
      assert_string_equal(before[i], after);
    free(after);
    free(before[i]);
  }
  snprintf(cmd, sizeof cmd, "cd '%s' && cp report.xlsx /tmp/.x$$ && '%s' report -q . && "
                            "cmp report.xlsx /tmp/.x$$; rc=$?; rm -f /tmp/.x$$; exit $rc",
           out_dir, SALESIM_BINARY);
  assert_int_equal(salesim_test_run(cmd, NULL), 0);
}

/* report.xlsx, report.html (whose charts are drawn as tasks) and report.md
 * are the same bytes on 1, 2 and 4 threads (issue 12: `salesim run` writes
 * its reports on the run's threads). */
static void test_threads_identical(void **state) {
  (void)state;
  static const char *const files[] = {"report.html", "report.md", "report.xlsx"};
  static const int threads[] = {1, 2, 4};
  size_t len[3][3] = {{0}};
  char *text[3][3] = {{NULL}};
  for (int k = 0; k < 3; k++) {
    salesim_diag d = SALESIM_DIAG_INIT;
    int rc = salesim_report_build_threads(out_dir, SALESIM_REPORT_ALL, threads[k], NULL, &d);
    if (rc != 0)
      fail_msg("%s", d.count ? d.lines[0] : "?");
    salesim_diag_clear(&d);
    for (int i = 0; i < 3; i++)
      text[k][i] = salesim_test_slurp(in_out(files[i]), &len[k][i]);
  }
  assert_non_null(text[0][0]);
  assert_non_null(strstr(text[0][0], "<figure>"));
  for (int i = 0; i < 3; i++)
    for (int k = 1; k < 3; k++) {
      if (text[0][i] == NULL) { /* no libxlsxwriter: none of the three */
        assert_null(text[k][i]);
        continue;
      }
      assert_non_null(text[k][i]);
      assert_int_equal(len[k][i], len[0][i]);
      assert_memory_equal(text[k][i], text[0][i], len[0][i]);
    }
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < 3; i++)
      free(text[k][i]);
}

static void test_bad_folder(void **state) {
  (void)state;
  char cmd[1024], *out = NULL;
  snprintf(cmd, sizeof cmd, "'%s' report '%s/nothing-here'", SALESIM_BINARY, tmp_root);
  assert_int_equal(salesim_test_run(cmd, &out), 2);
  assert_non_null(strstr(out, "nothing-here/summary.json"));
  free(out);
  snprintf(cmd, sizeof cmd, "mkdir -p '%s/broken' && echo '{\"manifest\": 3' > '%s/broken/summary.json' && "
                            "'%s' report '%s/broken'",
           tmp_root, tmp_root, SALESIM_BINARY, tmp_root);
  assert_int_equal(salesim_test_run(cmd, &out), 2);
  assert_non_null(strstr(out, "broken/summary.json:"));
  free(out);
  snprintf(cmd, sizeof cmd, "'%s' report", SALESIM_BINARY);
  assert_int_equal(salesim_test_run(cmd, NULL), 2);
  snprintf(cmd, sizeof cmd, "'%s' report --bogus x", SALESIM_BINARY);
  assert_int_equal(salesim_test_run(cmd, NULL), 2);
}

/* Results written by the library with no scenario (no plan settings, no
 * reference target, a detail table) still give every report. */
static void test_without_scenario(void **state) {
  (void)state;
  salesim_results *r = NULL;
  assert_int_equal(salesim_results_alloc(&r, 2, 3, 2), 0);
  snprintf(r->mech_names[0], 64, "a, \"quoted\" <plan>");
  snprintf(r->mech_types[0], 64, "commission");
  snprintf(r->mech_names[1], 64, "b");
  snprintf(r->mech_types[1], 64, "target_salary");
  for (int rep = 0; rep < 3; rep++) {
    SALESIM_METRIC_AT(r, 0, rep, SALESIM_METRIC_REVENUE) = 100 + rep;
    SALESIM_METRIC_AT(r, 1, rep, SALESIM_METRIC_REVENUE) = 90 + 2 * rep;
    SALESIM_METRIC_AT(r, 1, rep, SALESIM_METRIC_PCT_AT_TARGET) = 0.1 * rep;
    SALESIM_MONTHLY_AT(r, 0, rep, 0, SALESIM_SERIES_REVENUE) = rep;
  }
  salesim_table *t = NULL;
  const char *cols[] = {"bid"};
  const double row[] = {1.5};
  assert_int_equal(salesim_table_alloc(&t, "tender_bids", 1, cols), 0);
  assert_int_equal(salesim_table_add(t, "x,y", row), 0);
  assert_int_equal(salesim_results_add_table(r, t), 0);
  snprintf(r->started, sizeof r->started, "2024-01-02T03:04:05Z");
  assert_int_equal(salesim_results_summarize(r), 0);
  char dir[600];
  snprintf(dir, sizeof dir, "%s/noscenario", tmp_root);
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_output_write(r, NULL, dir, &d), 0);
  unsigned skipped = 0;
  int rc = salesim_report_build(dir, SALESIM_REPORT_ALL, &skipped, &d);
  if (rc != 0)
    fail_msg("%s", d.count ? d.lines[0] : "?");
  salesim_diag_clear(&d);
  salesim_results_free(r);
  char path[700];
  snprintf(path, sizeof path, "%s/report.html", dir);
  char *html = slurp(path);
  assert_non_null(html);
  assert_non_null(strstr(html, "a, &quot;quoted&quot; &lt;plan&gt;"));
  assert_non_null(strstr(html, "<h3>tender_bids</h3>"));
  assert_non_null(strstr(html, "<td class=\"l\">x,y</td>"));
  assert_null(strstr(html, "Payout curves"));
  free(html);
  snprintf(path, sizeof path, "%s/report.md", dir);
  char *md = slurp(path);
  assert_non_null(md);
  assert_non_null(strstr(md, "`tender_bids.csv`: 1 rows"));
  free(md);
}

static void test_formats(void **state) {
  (void)state;
  char buf[64];
  assert_string_equal(salesim_report_fmt(1234567.4, "currency/year", buf, sizeof buf),
                      "1,234,567");
  assert_string_equal(salesim_report_fmt(-1234.6, "currency", buf, sizeof buf), "−1,235");
  assert_string_equal(salesim_report_fmt(0.256, "share", buf, sizeof buf), "25.6 %");
  assert_string_equal(salesim_report_fmt_diff(0.012, "share", buf, sizeof buf), "+1.2 pts");
  assert_string_equal(salesim_report_fmt(NAN, "share", buf, sizeof buf), "–");
  assert_string_equal(salesim_report_fmt(0, "currency", buf, sizeof buf), "0");
  assert_string_equal(salesim_report_fmt(0.5, "ratio", buf, sizeof buf), "0.5");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_formats),
      cmocka_unit_test(test_run_writes_reports),
      cmocka_unit_test(test_xlsx_openpyxl),
      cmocka_unit_test(test_html_self_contained),
      cmocka_unit_test(test_html_in_chromium),
      cmocka_unit_test(test_md),
      cmocka_unit_test(test_rebuild_identical),
      cmocka_unit_test(test_threads_identical),
      cmocka_unit_test(test_bad_folder),
      cmocka_unit_test(test_without_scenario),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
