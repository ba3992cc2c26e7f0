/*
 * tests/test_safety_paths.c: nothing salesim writes or deletes lands outside
 * the folders the user named (issue 9, "Paths"; docs/safety.md).
 *
 * Names that become folder names (refused by validate, sanitised when taken
 * from a file name, batch entries never shadowing the index), the marker
 * file (a foreign or unmarked folder is never replaced, `-o` on a full
 * folder is refused), the output checked before the simulation, and
 * scenario text escaped for Markdown, HTML, CSV and the terminal. Killed
 * runs and their temporary folders: tests/test_safety_killed.c.
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

/* ---- names ------------------------------------------------------------------ */

static void test_name_rules(void **state) {
  (void)state;
  static const char *const good[] = {"default", "a", "A-b_c.9", "batch.csv", "x.tmp",
                                     "plan.old.v2"};
  static const char *const bad[] = {"", ".", "..", "../../Documents", ".hidden", "a/b",
                                    "a\\b", "a b", "a\x1b[31m", "tab\there", "\xc3\xa9",
                                    "x.tmp.123", "y.old.9", "semi;colon", "star*"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    assert_null(salesim_output_name_problem(good[i]));
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_non_null(salesim_output_name_problem(bad[i]));
  char longest[SALESIM_OUTPUT_NAME_MAX + 2];
  memset(longest, 'a', sizeof longest - 1);
  longest[SALESIM_OUTPUT_NAME_MAX + 1] = '\0';
  assert_non_null(salesim_output_name_problem(longest)); /* 64 characters */
  longest[SALESIM_OUTPUT_NAME_MAX] = '\0';
  assert_null(salesim_output_name_problem(longest)); /* 63 */

  /* names from file names are made safe, never refused */
  static const char *const raw[][2] = {
      {"..", "__"},           {".hidden", "_hidden"}, {"my plan", "my_plan"},
      {"a\x1b[1m", "a__1m"},  {"", "scenario"},       {"x.tmp.42", "x_tmp_42"},
      {"batch.csv", "batch.csv"}, {"\xc3\xa9t\xc3\xa9", "__t__"}};
  for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++) {
    char name[SALESIM_NAME_MAX];
    snprintf(name, sizeof name, "%s", raw[i][0]);
    salesim_output_name_sanitize(name, sizeof name);
    assert_string_equal(name, raw[i][1]);
    assert_null(salesim_output_name_problem(name));
  }
}

/* validate: FILE:LINE: name: problem (expected ...), exit 2, for each bad
 * name; the terminal never gets the raw escape code. */
static void test_validate_refuses_bad_names(void **state) {
  (void)state;
  char overlong[120];
  memset(overlong, 'n', 70);
  overlong[70] = '\0';
  const char *names[] = {"../../Documents", ".", "..", "a/b", "\\x1b[31mred\\x1b[0m",
                         "line\\nbreak", overlong, "x.tmp.1"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char head[200], *out = NULL;
    snprintf(head, sizeof head, "# a scenario with a bad name\nname = \"%s\";", names[i]);
    write_scenario(at("bad.cfg"), head);
    int rc = sh(&out, "'%s' validate '%s'", SALESIM_BINARY, at("bad.cfg"));
    assert_int_equal(rc, 2);
    assert_non_null(out);
    char want[1100];
    snprintf(want, sizeof want, "%s:2: name: ", at("bad.cfg"));
    if (strstr(out, want) == NULL || strstr(out, "(expected ") == NULL)
      fail_msg("name \"%s\": got %s", names[i], out);
    assert_null(strchr(out, '\x1b'));
    free(out);
  }
}

/* name = "../../Documents": run refuses before anything is made, and the
 * sibling folder with its contents is still there. */
static void test_run_never_touches_a_sibling(void **state) {
  (void)state;
  assert_int_equal(mkdir(at("home"), 0777), 0);
  assert_int_equal(mkdir(at("home/Documents"), 0777), 0);
  write_text(at("home/Documents/thesis.txt"), "years of work\n");
  assert_int_equal(mkdir(at("home/work"), 0777), 0);
  assert_int_equal(mkdir(at("home/work/mail"), 0777), 0);
  write_scenario(at("home/work/mail/evil.cfg"), "name = \"../../Documents\";");
  const char *evil_names[] = {"../../Documents", ".", ".."};
  for (size_t i = 0; i < 3; i++) {
    char head[100], *out = NULL;
    snprintf(head, sizeof head, "name = \"%s\";", evil_names[i]);
    write_scenario(at("home/work/mail/evil.cfg"), head);
    int rc = sh(&out, "cd '%s' && '%s' run mail/evil.cfg", at("home/work"), SALESIM_BINARY);
    assert_int_equal(rc, 2);
    assert_null(strstr(out, "runs,")); /* refused before simulating */
    free(out);
    char *kept = slurp(at("home/Documents/thesis.txt"));
    assert_non_null(kept);
    assert_string_equal(kept, "years of work\n");
    free(kept);
    assert_false(exists(at("home/work/out"))); /* not even an empty out/ */
    assert_int_equal(count_temp(at("home")), 0);
  }
}

/* A default name from an odd file name is made safe; in a batch a file
 * called batch.csv.cfg does not collide with the index. */
static void test_names_from_file_names(void **state) {
  (void)state;
  char *out = NULL;
  assert_int_equal(mkdir(at("in"), 0777), 0);
  write_scenario(at("in/batch.csv.cfg"), "");
  write_scenario(at("in/my plan.cfg"), "");
  write_text(at("in/e\x1b[31mvil.cfg"), "name = 5;\n"); /* bad, and an escape code */
  int rc = sh(&out, "'%s' batch '%s' -o '%s'", SALESIM_BINARY, at("in"), at("b"));
  assert_int_equal(rc, 1); /* one of three failed */
  assert_null(strchr(out, '\x1b'));
  assert_non_null(strstr(out, "\\x1b"));
  free(out);
  struct stat st;
  assert_int_equal(lstat(at("b/batch.csv"), &st), 0);
  assert_true(S_ISREG(st.st_mode));
  assert_true(exists(at("b/batch_csv/summary.json")));
  assert_true(exists(at("b/my_plan/summary.json")));
  assert_true(exists(at("b/.salesim-output")));
  char *index = slurp(at("b/batch.csv"));
  assert_non_null(strstr(index, "/b/batch_csv,ok,"));
  free(index);

  /* run: the default name is the sanitised file stem */
  write_scenario(at("in/odd name!.cfg"), "");
  rc = sh(&out, "cd '%s' && '%s' run -q 'in/odd name!.cfg'", salesim_test_root(),
          SALESIM_BINARY);
  assert_int_equal(rc, 0);
  free(out);
  assert_true(exists(at("out/odd_name_/summary.json")));
  rc = sh(&out, "cd '%s' && '%s' validate 'in/odd name!.cfg'", salesim_test_root(),
          SALESIM_BINARY);
  assert_int_equal(rc, 0);
  free(out);
}

/* ---- the marker ------------------------------------------------------------- */

static void test_marker_guards_replacement(void **state) {
  (void)state;
  char *out = NULL;
  write_scenario(at("s.cfg"), "name = \"s\";");
  /* a folder with someone's files: -o on it is refused, nothing touched */
  assert_int_equal(mkdir(at("home"), 0777), 0);
  write_text(at("home/notes.txt"), "keep me\n");
  int rc = sh(&out, "'%s' run -q '%s' -o '%s'", SALESIM_BINARY, at("s.cfg"), at("home"));
  assert_int_equal(rc, 1);
  assert_non_null(strstr(out, "not a salesim output folder"));
  assert_non_null(strstr(out, ".salesim-output"));
  assert_null(strstr(out, "runs,"));
  assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1); /* one line */
  free(out);
  char *kept = slurp(at("home/notes.txt"));
  assert_string_equal(kept, "keep me\n");
  free(kept);
  assert_false(exists(at("home/.salesim-output")));
  assert_int_equal(count_temp(salesim_test_root()), 0);
  /* the same with a trailing slash and through a symbolic link */
  rc = sh(&out, "'%s' run -q '%s' -o '%s/'", SALESIM_BINARY, at("s.cfg"), at("home"));
  assert_int_equal(rc, 1);
  free(out);
  assert_int_equal(symlink(at("home"), at("link")), 0);
  rc = sh(&out, "'%s' run -q '%s' -o '%s'", SALESIM_BINARY, at("s.cfg"), at("link"));
  assert_int_equal(rc, 1);
  free(out);
  assert_true(exists(at("home/notes.txt")));
  /* -o . and -o .. are never replaced */
  rc = sh(&out, "cd '%s' && '%s' run -q '%s' -o .", at("home"), SALESIM_BINARY, at("s.cfg"));
  assert_true(rc != 0);
  free(out);
  rc = sh(&out, "cd '%s' && '%s' run -q '%s' -o ..", at("home"), SALESIM_BINARY, at("s.cfg"));
  assert_true(rc != 0);
  free(out);
  assert_true(exists(at("home/notes.txt")));

  /* an empty folder is taken, marked, and replaced on the next run */
  assert_int_equal(mkdir(at("empty"), 0777), 0);
  rc = sh(&out, "'%s' run -q '%s' -o '%s'", SALESIM_BINARY, at("s.cfg"), at("empty"));
  assert_int_equal(rc, 0);
  free(out);
  assert_true(salesim_output_has_marker(at("empty")));
  write_text(at("empty/stale.txt"), "from before\n");
  rc = sh(&out, "'%s' run -q '%s' -o '%s'", SALESIM_BINARY, at("s.cfg"), at("empty"));
  assert_int_equal(rc, 0);
  free(out);
  assert_false(exists(at("empty/stale.txt"))); /* replaced as a whole */
  assert_true(exists(at("empty/summary.json")));

  /* an output without the marker (older salesim) is refused */
  assert_int_equal(unlink(at("empty/.salesim-output")), 0);
  rc = sh(&out, "'%s' run -q '%s' -o '%s'", SALESIM_BINARY, at("s.cfg"), at("empty"));
  assert_int_equal(rc, 1);
  free(out);
  assert_true(exists(at("empty/summary.json")));
  /* a marker that is a link or has other content does not count */
  assert_int_equal(symlink(at("s.cfg"), at("empty/.salesim-output")), 0);
  assert_false(salesim_output_has_marker(at("empty")));
  assert_int_equal(unlink(at("empty/.salesim-output")), 0);
  write_text(at("empty/.salesim-output"), "something else\n");
  assert_false(salesim_output_has_marker(at("empty")));

  /* a file where the folder should be */
  write_text(at("afile"), "x\n");
  rc = sh(&out, "'%s' run -q '%s' -o '%s'", SALESIM_BINARY, at("s.cfg"), at("afile"));
  assert_int_equal(rc, 1);
  free(out);
  char *still = slurp(at("afile"));
  assert_string_equal(still, "x\n");
  free(still);
}

/* The batch folder: refused when it holds foreign files, marked otherwise;
 * an unmarked entry folder fails that entry only. */
static void test_batch_folder_marker(void **state) {
  (void)state;
  char *out = NULL;
  write_scenario(at("a.cfg"), "");
  write_scenario(at("c.cfg"), "");
  assert_int_equal(mkdir(at("docs"), 0777), 0);
  write_text(at("docs/report.docx"), "mine\n");
  int rc = sh(&out, "'%s' batch -q '%s' -o '%s'", SALESIM_BINARY, at("a.cfg"), at("docs"));
  assert_int_equal(rc, 1);
  assert_non_null(strstr(out, "not a salesim output folder"));
  free(out);
  assert_false(exists(at("docs/batch.csv")));
  assert_false(exists(at("docs/a")));
  assert_false(exists(at("docs/.salesim-output")));

  rc = sh(&out, "'%s' batch -q '%s' '%s' -o '%s'", SALESIM_BINARY, at("a.cfg"), at("c.cfg"),
          at("b"));
  assert_int_equal(rc, 0);
  free(out);
  assert_true(salesim_output_has_marker(at("b")));
  assert_true(salesim_output_has_marker(at("b/a")));
  /* someone puts their own folder where entry c goes: c fails, a is redone */
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir '%s' && echo mine > '%s'", at("b/c"),
           at("b/c"), at("b/c/own.txt"));
  assert_int_equal(system(cmd), 0);
  rc = sh(&out, "'%s' batch -q '%s' '%s' -o '%s'", SALESIM_BINARY, at("a.cfg"), at("c.cfg"),
          at("b"));
  assert_int_equal(rc, 1);
  assert_non_null(strstr(out, "not a salesim output folder"));
  free(out);
  assert_true(exists(at("b/c/own.txt")));
  assert_false(exists(at("b/c/summary.json")));
}

/* ---- checked before simulating ---------------------------------------------- */

static void test_unwritable_output_fails_first(void **state) {
  (void)state;
  char *out = NULL;
  write_scenario(at("s.cfg"), "name = \"s\";");
  /* a path under a regular file: no run can write there, root included.
   * Without --quiet the run prints "N/N runs" when the simulation ends:
   * its absence shows the refusal came first. */
  write_text(at("plain"), "x\n");
  int rc = sh(&out, "'%s' run '%s' -o '%s'", SALESIM_BINARY, at("s.cfg"), at("plain/sub/out"));
  assert_int_equal(rc, 1);
  assert_non_null(strstr(out, strerror(ENOTDIR)));
  assert_null(strstr(out, "runs,"));
  free(out);
  rc = sh(&out, "'%s' batch '%s' -o '%s'", SALESIM_BINARY, at("s.cfg"), at("plain/b"));
  assert_int_equal(rc, 1);
  assert_null(strstr(out, "1 ok"));
  free(out);

  /* a read-only folder: root writes anyway, so only as another user */
  if (geteuid() == 0) {
    print_message("skipped the read-only folder case: running as root, where permissions do "
                  "not stop writes (the path-under-a-file case above covers the check)\n");
    return;
  }
  assert_int_equal(mkdir(at("ro"), 0555), 0);
  rc = sh(&out, "'%s' run '%s' -o '%s'", SALESIM_BINARY, at("s.cfg"), at("ro/x/out"));
  assert_int_equal(rc, 1);
  assert_non_null(strstr(out, strerror(EACCES)));
  assert_null(strstr(out, "runs,"));
  free(out);
}

/* ---- escaping ------------------------------------------------------------------ */

static const char hostile_desc[] =
    "<script>alert(1)</script> a|b *bold* `code` \\x1b[31mred\\x1b[0m\\nnext line"
    "\\n# heading\\n=HYPERLINK(\\\"http://x\\\")";

static void test_reports_escape_scenario_text(void **state) {
  (void)state;
  char head[1024], *out = NULL;
  snprintf(head, sizeof head,
           "name = \"esc\";\ndescription = \"%s\";\ncurrency = \"<b>\";\n"
           "# ```\n# <script>x</script>\n# ````",
           hostile_desc);
  write_scenario(at("esc.cfg"), head);
  int rc = sh(&out, "'%s' run -q '%s' -o '%s'", SALESIM_BINARY, at("esc.cfg"), at("esc"));
  assert_int_equal(rc, 0);
  free(out);

  char *md = slurp(at("esc/report.md"));
  assert_non_null(md);
  /* the scenario copy is a code block (inert) that its own ``` and ````
   * lines cannot close: the fence is longer */
  char *verbatim = strstr(md, "\n## Scenario\n\n`````\n");
  assert_non_null(verbatim);
  const char *body = verbatim + strlen("\n## Scenario\n\n`````");
  assert_non_null(strstr(body, "\n# ````\n")); /* inside */
  assert_non_null(strstr(body, "\n`````\n"));   /* the closing fence */
  *verbatim = '\0';
  assert_null(strstr(md, "<script"));
  assert_null(strstr(md, "<b>"));
  assert_null(strchr(md, '\x1b'));
  assert_non_null(strstr(md, "&lt;script&gt;alert(1)&lt;/script&gt; a\\|b \\*bold\\* \\`code\\`"));
  assert_non_null(strstr(md, "\n\\# heading\n")); /* not a heading */
  assert_non_null(strstr(md, "money in &lt;b&gt;"));
  free(md);

  char *html = slurp(at("esc/report.html"));
  assert_non_null(html);
  assert_null(strstr(html, "<script"));
  assert_null(strstr(html, "<b>"));
  assert_null(strchr(html, '\x1b'));
  assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  free(html);

  /* an edited summary.json (a folder from someone else): `salesim report`
   * escapes what it reads too, including the title and the version */
  char *json = slurp(at("esc/summary.json"));
  assert_non_null(json);
  const char *from = "\"scenario_name\": \"esc\"";
  char *hit = strstr(json, from);
  assert_non_null(hit);
  const char *to = "\"scenario_name\": \"<img src=x onerror=alert(1)>|`x`\\u001b[2J\"";
  FILE *fp = fopen(at("esc/summary.json"), "w");
  assert_non_null(fp);
  fwrite(json, 1, (size_t)(hit - json), fp);
  fputs(to, fp);
  fputs(hit + strlen(from), fp);
  fclose(fp);
  free(json);
  rc = sh(&out, "'%s' report '%s'", SALESIM_BINARY, at("esc"));
  assert_int_equal(rc, 0);
  assert_null(strchr(out, '\x1b'));
  free(out);
  md = slurp(at("esc/report.md"));
  assert_null(strstr(md, "<img"));
  assert_null(strchr(md, '\x1b'));
  assert_non_null(strstr(md, "# &lt;img src=x onerror=alert(1)&gt;\\|\\`x\\`?\\[2J\n"));
  free(md);
  html = slurp(at("esc/report.html"));
  assert_null(strstr(html, "<img"));
  assert_null(strchr(html, '\x1b'));
  free(html);
}

/* CSV text that a spreadsheet would run as a formula gets a leading '. */
static void test_csv_formula_guard(void **state) {
  (void)state;
  salesim_results *r = NULL;
  assert_int_equal(salesim_results_alloc(&r, 1, 2, 1), 0);
  snprintf(r->mech_names[0], 64, "commission");
  snprintf(r->mech_types[0], 64, "commission");
  for (int rep = 0; rep < 2; rep++)
    SALESIM_METRIC_AT(r, 0, rep, SALESIM_METRIC_REVENUE) = 100.0 + rep;
  salesim_table *t = NULL;
  const char *cols[] = {"=1+1", "plain"};
  const double row[] = {-1.5, 2};
  assert_int_equal(salesim_table_alloc(&t, "detail", 2, cols), 0);
  assert_int_equal(salesim_table_add(t, "=HYPERLINK(\"http://x\",\"y\")", row), 0);
  assert_int_equal(salesim_table_add(t, "+1", row), 0);
  assert_int_equal(salesim_table_add(t, "-2+3", row), 0);
  assert_int_equal(salesim_table_add(t, "@SUM(A1)", row), 0);
  assert_int_equal(salesim_table_add(t, "T-1", row), 0);
  assert_int_equal(salesim_results_add_table(r, t), 0);
  snprintf(r->version, sizeof r->version, "test");
  assert_int_equal(salesim_results_summarize(r), 0);
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_output_write(r, NULL, at("csv"), &d), 0);
  salesim_diag_clear(&d);
  salesim_results_free(r);
  char *csv = slurp(at("csv/detail.csv"));
  assert_non_null(csv);
  assert_string_equal(csv, "label,'=1+1,plain\n"
                           "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-1.5,2\n"
                           "'+1,-1.5,2\n"
                           "'-2+3,-1.5,2\n"
                           "'@SUM(A1),-1.5,2\n"
                           "T-1,-1.5,2\n");
  free(csv);

  /* batch.csv: a scenario path that starts like a formula */
  char *out = NULL;
  write_text(at("=cmd.cfg"), "name = 5;\n");
  int rc = sh(&out, "cd '%s' && '%s' batch -q '=cmd.cfg' -o b2", salesim_test_root(),
              SALESIM_BINARY);
  assert_int_equal(rc, 2);
  free(out);
  char *index = slurp(at("b2/batch.csv"));
  assert_non_null(index);
  assert_non_null(strstr(index, "\n'=cmd.cfg,"));
  free(index);
}

/* Each test in a fresh folder of its own (tests/testutil.h). */
#define WITH_ROOT(test) \
  cmocka_unit_test_setup_teardown(test, salesim_test_root_setup, salesim_test_root_teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_name_rules),
      WITH_ROOT(test_validate_refuses_bad_names),
      WITH_ROOT(test_run_never_touches_a_sibling),
      WITH_ROOT(test_names_from_file_names),
      WITH_ROOT(test_marker_guards_replacement),
      WITH_ROOT(test_batch_folder_marker),
      WITH_ROOT(test_unwritable_output_fails_first),
      WITH_ROOT(test_reports_escape_scenario_text),
      WITH_ROOT(test_csv_formula_guard),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
