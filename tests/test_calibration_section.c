/* tests/test_calibration_section.c: a calibrated run carries its fit (issue
 * 13, docs/calibration.md "A run of calibrated.cfg"): fit.csv read back by
 * its one parser (engine/base/fit_table.c) with every problem's line and
 * message; the scenario setting `calibration` (confined, checked, hashed:
 * engine/scenario/calibration_load.c); `salesim calibrate` writing it into
 * calibrated.cfg; the run's calibration.csv a byte copy; and the Calibration
 * section of report.md, report.html and report.xlsx
 * (engine/report/report_calib.c), also rebuilt by `salesim report`, with a
 * warning per trait not identified, the pipeline and held-out tables. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "fit_table.h"

#define HEADER SALESIM_FIT_HEADER "\n"
#define FACT "fit,history_months,24,,,,,,,,,,2024-01-01 to 2026-01-01 (the day before)\n"
#define TRAIT                                                                                     \
  "trait,ability_sd,0.38,0.035,0.31,0.45,,,,,,identified,\"population.ability.sd (the "       \
  "scenario said 0.3; sensitivity 87.8)\"\n"

/* ---- the parser ---------------------------------------------------------- */

static void bad(const char *text, long want_line, const char *want) {
  salesim_fit *f = (salesim_fit *)1;
  long line = -1;
  char why[600] = "";
  int rc = salesim_fit_parse(&f, text, strlen(text), &line, why, sizeof why);
  print_message("line %ld: %s\n", line, why);
  assert_int_equal(rc, SALESIM_EINVAL);
  assert_null(f);
  assert_int_equal(line, want_line);
  assert_non_null(strstr(why, want));
  assert_non_null(strstr(why, "(expected "));
}

static void test_fit_parse(void **state) {
  (void)state;
  const char *good = HEADER FACT TRAIT
      "fit,evaluations,12,,,,,,,,,stopped at the budget,candidates the simplex tried\r\n"
      "moment,win_rate,0.2,,0.19,0.21,0.5,0.27,0.15,0.26,4,used,\"a \"\"quoted\"\", "
      "multi\nline text\"\n"
      "\n"
      "pipeline,p_win_20,-1e-3,inf,,,,,,,7,estimated,x\n";
  salesim_fit *f = NULL;
  long line = 0;
  char why[600];
  assert_int_equal(salesim_fit_parse(&f, good, strlen(good), &line, why, sizeof why), 0);
  assert_non_null(f);
  assert_int_equal(f->n_rows, 5);
  const salesim_fit_row *t = salesim_fit_find(f, SALESIM_FIT_TRAIT, "ability_sd");
  assert_non_null(t);
  assert_int_equal(t->line, 3);
  assert_true(t->v[SALESIM_FIT_ESTIMATE] == 0.38 && t->v[SALESIM_FIT_CI_HIGH] == 0.45);
  assert_true(isnan(t->v[SALESIM_FIT_OBSERVED]) && isnan(t->v[SALESIM_FIT_N]));
  assert_string_equal(t->meaning, "population.ability.sd (the scenario said 0.3; sensitivity 87.8)");
  const salesim_fit_row *m = salesim_fit_find(f, SALESIM_FIT_MOMENT, "win_rate");
  assert_non_null(m);
  assert_string_equal(m->meaning, "a \"quoted\", multi\nline text");
  assert_true(m->v[SALESIM_FIT_N] == 4 && m->v[SALESIM_FIT_ONE_LOW] == 0.15);
  assert_string_equal(salesim_fit_find(f, SALESIM_FIT_FACT, "evaluations")->status,
                      "stopped at the budget");
  const salesim_fit_row *p = salesim_fit_find(f, SALESIM_FIT_PIPELINE, "p_win_20");
  assert_non_null(p);
  assert_int_equal(p->line, 8); /* after a two-line field and an empty line */
  assert_true(p->v[SALESIM_FIT_ESTIMATE] == -1e-3 && isinf(p->v[SALESIM_FIT_SE]));
  assert_null(salesim_fit_find(f, SALESIM_FIT_TRAIT, "win_rate"));
  assert_string_equal(salesim_fit_section_name(SALESIM_FIT_HOLDOUT), "holdout");
  salesim_fit_free(f);
  salesim_fit_free(NULL);

  bad("section,name,estimat,se\n" FACT TRAIT, 1, "column 3 of the header is \"estimat\"");
  bad(SALESIM_FIT_HEADER ",extra\n" FACT TRAIT, 1, "the header has 14 columns");
  bad("", 1, "empty");
  bad(HEADER FACT "trait,ability_sd,0.38\n", 3, "3 fields (expected 13");
  bad(HEADER FACT "traits,ability_sd,0.38,,,,,,,,,,x\n", 3, "section \"traits\"");
  bad(HEADER FACT "trait,,0.38,,,,,,,,,,x\n", 3, "a trait row without a name");
  bad(HEADER FACT "trait,ability_sd,0.38x,,,,,,,,,,x\n", 3,
      "estimate of trait \"ability_sd\" is \"0.38x\"");
  bad(HEADER FACT "trait,ability_sd,,,,,,,,,nan,,x\n", 3, "n of trait \"ability_sd\" is \"nan\"");
  bad(HEADER FACT TRAIT TRAIT, 4, "trait \"ability_sd\" a second time");
  bad(HEADER FACT, 2, "no trait row");
  bad(HEADER TRAIT, 2, "no fit history_months row");
  bad(HEADER FACT "trait,ability_sd,1,,,,,,,,,,\"open\n", 3, "a quoted field is not closed");
  bad(HEADER FACT "trait,ability_sd,1,,,,,,,,,,\"x\"y\n", 3, "text after a closing quote");
  bad(HEADER FACT "trait,ability_sd,1,,,,,,,,,,a\033[31mred\n", 3, "a control character 0x1b");
  const char nul[] = HEADER FACT "tr\0it";
  salesim_fit *g = NULL;
  assert_int_equal(salesim_fit_parse(&g, nul, sizeof nul - 1, &line, why, sizeof why),
                   SALESIM_EINVAL);
  assert_int_equal(line, 3);
  assert_non_null(strstr(why, "a NUL byte"));
}

/* ---- the setting, the run, the reports --------------------------------------- */

/* The traits of fit.csv at `path`, one a line, for the reports' checks. */
static int trait_names(const char *path, char names[][64], int max) {
  size_t len = 0;
  char *text = salesim_test_slurp(path, &len);
  assert_non_null(text);
  salesim_fit *f = NULL;
  long line;
  char why[600];
  assert_int_equal(salesim_fit_parse(&f, text, len, &line, why, sizeof why), 0);
  int n = 0;
  for (size_t i = 0; i < f->n_rows && n < max; i++)
    if (f->rows[i].section == SALESIM_FIT_TRAIT)
      snprintf(names[n++], 64, "%s", f->rows[i].name);
  salesim_fit_free(f);
  free(text);
  return n;
}

static char *sh_out(int want_rc, const char *fmt, const char *a, const char *b) {
  char *out = NULL;
  int rc = salesim_test_sh(&out, fmt, a, b);
  print_message("%s", out ? out : "");
  assert_int_equal(rc, want_rc);
  assert_non_null(out);
  return out;
}

/* The lines of `out` (run's stderr) that are not progress lines. */
static int problem_lines(const char *out) {
  int n = 0;
  for (const char *l = out; *l;) {
    const char *e = strchr(l, '\n');
    size_t len = e ? (size_t)(e - l) : strlen(l);
    if (len > 0 && strncmp(l, "salesim: ", 9) != 0)
      n++;
    l += len + (e != NULL);
  }
  return n;
}

/* The test company copied to ROOT/co and calibrated cheaply into ROOT/cal
 * (as tests/check_redact.sh runs it) with at most `evals` candidates. */
static void calibrate_company(const char *root, int evals) {
  char *out = NULL;
  int rc = salesim_test_sh(&out, "cp -R '%s/tests/data/company' '%s/co' 2>&1", SALESIM_SOURCE_DIR,
                           root);
  free(out);
  assert_int_equal(rc, 0);
  rc = salesim_test_sh(&out, "cd '%s' && '%s' calibrate co/company.cfg -o cal --replications 2 "
                            "--max-evaluations %d --bootstrap 20 --threads 1 2>&1",
                       root, SALESIM_BINARY, evals);
  print_message("%s", out ? out : "");
  free(out);
  assert_int_equal(rc, 0);
}

static void test_calibrated_run(void **state) {
  (void)state;
  const char *root = salesim_test_root();
  char *out = NULL;
  int rc;
  calibrate_company(root, 12);
  char *cfg = salesim_test_slurp(salesim_test_at("cal/calibrated.cfg"), NULL);
  assert_non_null(cfg);
  assert_non_null(strstr(cfg, "\ncalibration = \"fit.csv\";\n"));
  free(cfg);
  char names[8][64];
  int n_traits = trait_names(salesim_test_at("cal/fit.csv"), names, 8);
  assert_int_equal(n_traits, 5);

  /* the run of calibrated.cfg as it is: calibration.csv a byte copy */
  out = sh_out(0, "cd '%s' && '%s' run cal/calibrated.cfg -o run --replications 2 2>&1", root,
               SALESIM_BINARY);
  free(out);
  rc = salesim_test_sh(NULL, "cd '%s' && cmp cal/fit.csv run/calibration.csv", root);
  assert_int_equal(rc, 0);
  char *json = salesim_test_slurp(salesim_test_at("run/summary.json"), NULL);
  assert_non_null(json);
  assert_non_null(strstr(json, "\"calibration\": {"));
  assert_non_null(strstr(json, "\"copy\": \"calibration.csv\""));
  free(json);

  /* the section in report.md: after the summary, before the rest */
  char *md = salesim_test_slurp(salesim_test_at("run/report.md"), NULL);
  assert_non_null(md);
  const char *sec = strstr(md, "\n## Calibration\n");
  assert_non_null(sec);
  assert_true(strstr(md, "\n## Summary\n") < sec);
  assert_true(sec < strstr(md, "\n## Risk bands\n"));
  assert_non_null(strstr(sec, "Fitted by salesim calibrate to 24 months of the company's "
                              "history, 2024-01-01 to 2026-01-01 (the day before), starting "
                              "from the 7 people employed on its first day; 2 simulated "
                              "histories per candidate, 12 candidates evaluated"));
  assert_non_null(strstr(sec, "### Traits (simulated method of moments)"));
  assert_non_null(strstr(sec, "### Moments: observed and simulated at the estimate"));
  assert_non_null(strstr(sec, "| win_rate |"));
  for (int i = 0; i < n_traits; i++) {
    char cell[80];
    snprintf(cell, sizeof cell, "| %.63s |", names[i]);
    assert_non_null(strstr(sec, cell));
  }
  /* the other sections' bytes are those of a run without the setting */
  char *html = salesim_test_slurp(salesim_test_at("run/report.html"), NULL);
  assert_non_null(html);
  const char *hs = strstr(html, "<h2 id=\"calibration\">Calibration</h2>");
  assert_non_null(hs);
  assert_non_null(strstr(html, "<a href=\"#calibration\">Calibration</a>"));
  assert_true(strstr(html, "<h2 id=\"summary\">") < hs && hs < strstr(html, "<h2 id=\"charts\">"));
  for (int i = 0; i < n_traits; i++) {
    char cell[100];
    snprintf(cell, sizeof cell, "<tr><td class=\"l\">%.63s</td>", names[i]);
    assert_non_null(strstr(hs, cell));
  }
  /* report.xlsx: a Calibration sheet after Summary, the traits' names in it */
  out = sh_out(0, "cd '%s' && python3 -c 'import re,sys,zipfile; z=zipfile.ZipFile(\"run/report.xlsx\"); "
                  "print(re.findall(\"<sheet name=\\\"([^\\\"]+)\\\"\", z.read(\"xl/workbook.xml\").decode())); "
                  "print(z.read(\"xl/sharedStrings.xml\").decode())' 2>&1%s",
               root, "");
  assert_non_null(strstr(out, "['Summary', 'Calibration', 'Charts'"));
  for (int i = 0; i < n_traits; i++) {
    char cell[100];
    snprintf(cell, sizeof cell, "<t>%.63s</t>", names[i]);
    assert_non_null(strstr(out, cell));
  }
  assert_non_null(strstr(out, "Traits (simulated method of moments)"));
  free(out);

  /* salesim report OUTDIR rebuilds the same section from calibration.csv */
  rc = salesim_test_sh(NULL, "cd '%s' && mv run/report.md run/old.md && '%s' report run >/dev/null "
                             "2>&1 && cmp run/report.md run/old.md",
                       root, SALESIM_BINARY);
  assert_int_equal(rc, 0);

  /* a trait not identified: a warning line; pipeline and held-out rows: their tables */
  rc = salesim_test_sh(
      &out,
      "cd '%s' && sed 's/^trait,effort_cost_mean,\\(.*\\),identified,/trait,effort_cost_mean,\\1,"
      "not identified: kept at the scenario'\"'\"'s value,/' cal/fit.csv > run/calibration.csv && "
      "printf 'pipeline,p_win_20,0.25,0.05,0.15,0.35,,,,,12,estimated,ml\\n"
      "pipeline,opportunities,18,,,,,,,,18,estimated,ml\\n"
      "holdout,win_rate,0.2,,0.1,0.3,0.5,,0.1,0.3,4,not covered,share won\\n' >> "
      "run/calibration.csv && grep -c 'not identified' run/calibration.csv && '%s' report run 2>&1",
      root, SALESIM_BINARY);
  print_message("%s", out ? out : "");
  free(out);
  assert_int_equal(rc, 0);
  free(md);
  md = salesim_test_slurp(salesim_test_at("run/report.md"), NULL);
  assert_non_null(md);
  sec = strstr(md, "\n## Calibration\n");
  assert_non_null(sec);
  assert_non_null(strstr(sec, "4 of 5 traits are identified"));
  assert_non_null(strstr(sec, "**Warning:** Trait effort_cost_mean (population.effort_cost.mean) "
                              "is not identified by the data: the run kept the scenario's value, "
                              "3,000; every result that depends on it rests on that assumption."));
  assert_non_null(strstr(sec, "| effort_cost_mean | population.effort_cost.mean | 3,000 | "));
  assert_non_null(strstr(sec, "| not identified | not identified: kept at the scenario's value |"));
  assert_non_null(strstr(sec, "The deal log's counts: opportunities 18."));
  assert_non_null(strstr(sec, "### Pipeline (maximum likelihood from the deal log)"));
  assert_non_null(strstr(sec, "| p_win_20 | 0\\.25 | \\[0.15, 0.35\\] | 12 |"));
  assert_non_null(strstr(sec, "### Held-out months"));
  assert_non_null(strstr(sec, "0 of the 1 moments observed there"));
  assert_non_null(strstr(sec, "| win_rate | 0\\.5 | 0\\.2 | \\[0.1, 0.3\\] | not covered |"));
  free(html);
  html = salesim_test_slurp(salesim_test_at("run/report.html"), NULL);
  assert_non_null(html);
  assert_non_null(strstr(html, "<p class=\"bad\"><strong>Warning:</strong> Trait effort_cost_mean "
                               "(population.effort_cost.mean) is not identified"));

  /* a broken calibration.csv in the folder: salesim report refuses it, one line */
  rc = salesim_test_sh(&out, "cd '%s' && sed -i '1s/^section/sektion/' run/calibration.csv && "
                             "'%s' report run 2>&1",
                       root, SALESIM_BINARY);
  print_message("%s", out ? out : "");
  assert_int_equal(rc, 2);
  assert_non_null(strstr(out, "run/calibration.csv:1: column 1 of the header is \"sektion\""));
  assert_int_equal(problem_lines(out), 1);
  free(out);
  free(md);
  free(html);
}

static void test_bad_setting(void **state) {
  (void)state;
  const char *root = salesim_test_root();
  char *out = NULL;
  int rc;
  calibrate_company(root, 4);
  /* a wrong header: one line at fit.csv's line, exit 2, no output folder */
  rc = salesim_test_sh(NULL, "cd '%s/cal' && sed '1s/,estimate,/,estimat,/' fit.csv > bad.csv && "
                             "sed 's/^calibration = \"fit.csv\";/calibration = \"bad.csv\";/' "
                             "calibrated.cfg > bad.cfg && grep -q 'calibration = \"bad.csv\"' bad.cfg",
                       root);
  assert_int_equal(rc, 0);
  out = sh_out(2, "cd '%s/cal' && '%s' run bad.cfg -o ../badrun 2>&1", root, SALESIM_BINARY);
  assert_non_null(strstr(out, "bad.csv:1: calibration: column 3 of the header is \"estimat\", not "
                              "fit.csv's (expected the header " SALESIM_FIT_HEADER ")"));
  assert_int_equal(problem_lines(out), 1);
  free(out);
  assert_false(salesim_test_exists(salesim_test_at("badrun")));
  /* a path outside the scenario's folder is refused */
  rc = salesim_test_sh(NULL, "cd '%s' && cp cal/fit.csv outside.csv && "
                             "sed 's/^calibration = \"fit.csv\";/calibration = \"..\\/outside.csv\";/' "
                             "cal/calibrated.cfg > cal/out.cfg",
                       root);
  assert_int_equal(rc, 0);
  out = sh_out(2, "cd '%s/cal' && '%s' run out.cfg -o ../outrun 2>&1", root, SALESIM_BINARY);
  assert_non_null(strstr(out, "out.cfg:"));
  assert_non_null(strstr(out, ": calibration: outside the scenario's folder"));
  assert_int_equal(problem_lines(out), 1);
  free(out);
  assert_false(salesim_test_exists(salesim_test_at("outrun")));
  /* a missing file, a number instead of a path */
  rc = salesim_test_sh(NULL, "cd '%s/cal' && sed 's/^calibration = \"fit.csv\";/calibration = "
                             "\"none.csv\";/' calibrated.cfg > none.cfg && sed "
                             "'s/^calibration = \"fit.csv\";/calibration = 3;/' calibrated.cfg > "
                             "num.cfg",
                       root);
  assert_int_equal(rc, 0);
  out = sh_out(2, "cd '%s/cal' && '%s' validate none.cfg 2>&1", root, SALESIM_BINARY);
  assert_non_null(strstr(out, ": calibration: cannot read: No such file or directory"));
  free(out);
  out = sh_out(2, "cd '%s/cal' && '%s' validate num.cfg 2>&1", root, SALESIM_BINARY);
  assert_non_null(strstr(out, ": calibration: wrong type, got an integer (expected a file name"));
  free(out);

  /* loaded: the bytes and their hash; the scenario's hash covers the file */
  salesim_diag dg = SALESIM_DIAG_INIT, *d = &dg;
  salesim_scenario *sc = NULL;
  assert_int_equal(salesim_scenario_load(&sc, salesim_test_at("cal/calibrated.cfg"), d), 0);
  size_t len = 0;
  char *bytes = salesim_test_slurp(salesim_test_at("cal/fit.csv"), &len);
  assert_non_null(bytes);
  assert_string_equal(sc->calibration_path, "fit.csv");
  assert_int_equal(sc->calibration_len, len);
  assert_memory_equal(sc->calibration, bytes, len);
  assert_int_equal(strlen(sc->calibration_hash), 16);
  salesim_scenario *copy = salesim_scenario_copy(sc);
  assert_non_null(copy);
  assert_memory_equal(copy->calibration, bytes, len);
  assert_string_equal(copy->calibration_path, "fit.csv");
  salesim_scenario_free(copy);
  char hash[17];
  memcpy(hash, sc->hash, sizeof hash);
  salesim_scenario_free(sc);
  sc = NULL;
  /* the same file with one figure changed: the same text, another hash */
  rc = salesim_test_sh(NULL, "cd '%s/cal' && sed -i 's/^fit,replications,2,/fit,replications,3,/' "
                             "fit.csv && grep -q '^fit,replications,3,' fit.csv",
                       root);
  assert_int_equal(rc, 0);
  assert_int_equal(salesim_scenario_load(&sc, salesim_test_at("cal/calibrated.cfg"), d), 0);
  assert_string_not_equal(sc->hash, hash);
  salesim_scenario_free(sc);
  /* a scenario without the setting has none */
  assert_int_equal(salesim_scenario_load(&sc, salesim_test_at("co/company.cfg"), d), 0);
  assert_null(sc->calibration);
  assert_null(sc->calibration_path);
  assert_string_equal(sc->calibration_hash, "");
  salesim_scenario_free(sc);
  salesim_diag_clear(d);
  free(bytes);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fit_parse),
      cmocka_unit_test_setup_teardown(test_calibrated_run, salesim_test_root_setup,
                                      salesim_test_root_teardown),
      cmocka_unit_test_setup_teardown(test_bad_setting, salesim_test_root_setup,
                                      salesim_test_root_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
