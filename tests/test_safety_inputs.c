/*
 * tests/test_safety_inputs.c: what a scenario may make salesim read, and
 * what a run records (docs/input-safety.md, docs/batch-and-sweeps.md):
 * @include confined to the scenario's folder tree (or --include-dir),
 * nothing of a file that is not a scenario echoed in a message or in
 * batch.csv, inputs that are not regular files or too large refused before
 * libconfig sees them, NUL bytes refused, include depth/count/cycles, the
 * batch resume key (included files, replications, version), the
 * self-contained scenario.cfg that reproduces a run byte for byte, and
 * sweep combinations that break a cross-check refused by validate and run.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, mkfifo, symlink */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <salesim/salesim.h>

#include "study.h"

static char tmp_root[256];

/* A small valid scenario (fast: 20 reps, 12 months). */
#define SMALL_BODY                                                                      \
  "months = 12;\nreplications = 2;\nterritories = { count = 5; };\n"                    \
  "mechanisms = ( { type = \"target_salary\"; }, { type = \"commission\"; rate = 0.03; } );\n"

/* Text of a file that is not a scenario: none of it may appear in output. */
static const char secret[] = "root:x:0:0:TOPSECRET-first-line:/root:/bin/bash\n"
                             "daemon:x:1:1:TOPSECRET-second:/usr/sbin\n";

static const char *in_tmp(const char *rel) {
  static char buf[8][768];
  static int k;
  k = (k + 1) % 8;
  snprintf(buf[k], sizeof buf[k], "%s/%s", tmp_root, rel);
  return buf[k];
}

static void write_bytes(const char *rel, const char *text, size_t n) {
  FILE *f = fopen(in_tmp(rel), "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, n, f), n);
  assert_int_equal(fclose(f), 0);
}

static void write_text(const char *rel, const char *text) { write_bytes(rel, text, strlen(text)); }

/* A file of `n` bytes: one comment line per 64 bytes. */
static void write_filler(const char *rel, size_t n) {
  char *b = malloc(n + 1);
  assert_non_null(b);
  memset(b, '#', n);
  for (size_t i = 63; i < n; i += 64)
    b[i] = '\n';
  write_bytes(rel, b, n);
  free(b);
}

static char *slurp(const char *path, size_t *len) { return salesim_test_slurp(path, len); }

/* Run salesim in tmp_root; output (stdout+stderr) in *out. */
static int run(const char *args, char **out) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s", tmp_root, SALESIM_BINARY, args);
  return salesim_test_run(cmd, out);
}

static void sh(const char *fmt, const char *a) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, fmt, tmp_root, a);
  assert_int_equal(salesim_test_run(cmd, NULL), 0);
}

/* Fail if `out` lacks `want`, printing it. */
static void expect_in(const char *out, const char *want) {
  if (out == NULL || strstr(out, want) == NULL) {
    print_message("expected: %s\ngot: %s\n", want, out != NULL ? out : "(nothing)");
    fail();
  }
}

static void expect_no_secret(const char *out) {
  if (strstr(out, "TOPSECRET") != NULL || strstr(out, "root:") != NULL) {
    print_message("leaked: %s\n", out);
    fail();
  }
}

/* Same bytes in two files. */
static void same_file(const char *a, const char *b) {
  size_t la, lb;
  char *x = slurp(a, &la), *y = slurp(b, &lb);
  assert_non_null(x);
  assert_non_null(y);
  if (la != lb || memcmp(x, y, la) != 0) {
    print_message("%s and %s differ\n", a, b);
    fail();
  }
  free(x);
  free(y);
}

static int setup(void **state) {
  (void)state;
  snprintf(tmp_root, sizeof tmp_root, "/tmp/salesim_test_inputs_XXXXXX");
  if (mkdtemp(tmp_root) == NULL)
    return -1;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s/scen/parts' '%s/other'", tmp_root, tmp_root);
  return salesim_test_run(cmd, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
  return salesim_test_run(cmd, NULL) == 0 ? 0 : -1;
}

/* Defect 5: an include outside the scenario's folder tree is refused with
 * FILE, LINE and the include path, and nothing of the file is echoed. */
static void test_include_confined(void **state) {
  (void)state;
  char *out = NULL;
  write_text("secret.txt", secret);
  write_text("scen/parts/pop.cfg", "population = { reps = 20; };\n");

  /* inside the tree: fine */
  write_text("scen/ok.cfg", "@include \"parts/pop.cfg\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/ok.cfg", &out), 0);
  free(out);

  /* a relative path up and out, to the system's password file */
  write_text("scen/up.cfg", "seed = 3;\n@include \"../../../../../../../../../etc/passwd\"\n"
                            SMALL_BODY);
  assert_int_equal(run("validate scen/up.cfg", &out), 2);
  expect_in(out, "scen/up.cfg:2: @include \"../../../../../../../../../etc/passwd\": outside the "
                 "scenario's folder ");
  expect_in(out, "(expected a file in that folder or below it; --include-dir DIR allows "
                 "another folder)");
  expect_no_secret(out);
  free(out);

  /* one level up, to a file that is not a scenario */
  write_text("scen/sib.cfg", "@include \"../secret.txt\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/sib.cfg", &out), 2);
  expect_in(out, "scen/sib.cfg:1: @include \"../secret.txt\": outside the scenario's folder");
  expect_no_secret(out);
  free(out);

  /* an absolute path, and a symbolic link inside the tree that points out */
  write_text("scen/abs.cfg", "@include \"/etc/passwd\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/abs.cfg", &out), 2);
  expect_in(out, "scen/abs.cfg:1: @include \"/etc/passwd\": outside the scenario's folder");
  expect_no_secret(out);
  free(out);
  sh("ln -s '%s/secret.txt' '%s'", in_tmp("scen/parts/link.cfg"));
  write_text("scen/link.cfg", "@include \"parts/link.cfg\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/link.cfg", &out), 2);
  expect_in(out, "scen/link.cfg:1: @include \"parts/link.cfg\": outside the scenario's folder");
  expect_no_secret(out);
  free(out);

  /* nested: the included file's own include is checked too, named there */
  write_text("scen/parts/nest.cfg", "# nested\n@include \"../secret.txt\"\n");
  write_text("scen/nest.cfg", "@include \"parts/nest.cfg\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/nest.cfg", &out), 2);
  expect_in(out, "scen/parts/nest.cfg:2: @include \"../secret.txt\": outside the scenario's "
                 "folder");
  expect_no_secret(out);
  free(out);

  /* batch: the refusal is the scenario's error in batch.csv, no content */
  assert_int_equal(run("batch scen/sib.cfg -o bout -q", &out), 2);
  free(out);
  char *csv = slurp(in_tmp("bout/batch.csv"), NULL);
  assert_non_null(csv);
  expect_in(csv, "@include \"\"../secret.txt\"\": outside the scenario's folder");
  expect_no_secret(csv);
  free(csv);

  /* --include-dir allows another tree; a file there that is not a scenario
   * fails to parse with FILE:LINE and libconfig's phrase, never its text */
  char args[1024];
  snprintf(args, sizeof args, "validate --include-dir '%s' scen/sib.cfg", tmp_root);
  assert_int_equal(run(args, &out), 2);
  expect_in(out, "secret.txt:1: syntax error: syntax error");
  expect_no_secret(out);
  free(out);
  snprintf(args, sizeof args, "batch --include-dir '%s' scen/sib.cfg -o bout2 -q", tmp_root);
  assert_int_equal(run(args, &out), 2);
  free(out);
  csv = slurp(in_tmp("bout2/batch.csv"), NULL);
  assert_non_null(csv);
  expect_in(csv, "secret.txt:1: syntax error: syntax error");
  expect_no_secret(csv);
  free(csv);
  write_text("other/pop.cfg", "population = { reps = 20; };\n");
  write_text("scen/other.cfg", "@include \"../other/pop.cfg\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/other.cfg", &out), 2);
  free(out);
  snprintf(args, sizeof args, "validate scen/other.cfg --include-dir '%s/other'", tmp_root);
  assert_int_equal(run(args, &out), 0);
  free(out);
  assert_int_equal(run("validate --include-dir no/such/folder scen/ok.cfg", &out), 2);
  expect_in(out, "salesim validate: --include-dir no/such/folder: No such file or directory");
  free(out);
  assert_int_equal(run("run --help", &out), 0);
  expect_in(out, "--include-dir DIR");
  free(out);

  /* in-tree file that is not a scenario: no quote of its text either */
  write_text("scen/parts/notes.txt", "TOPSECRET salary list: alice 100k\n");
  write_text("scen/notes.cfg", "@include \"parts/notes.txt\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/notes.cfg", &out), 2);
  expect_in(out, "scen/parts/notes.txt:1: syntax error: syntax error");
  expect_no_secret(out);
  free(out);
  /* batch over a received folder: a *.cfg there linking to a system file
   * is not quoted either */
  sh("mkdir -p '%s/%s'", "recv");
  sh("ln -s '%s/secret.txt' '%s'", in_tmp("recv/x.cfg"));
  assert_int_equal(run("batch recv -o bout3 -q", &out), 2);
  free(out);
  csv = slurp(in_tmp("bout3/batch.csv"), NULL);
  assert_non_null(csv);
  expect_in(csv, "recv/x.cfg:1: syntax error: syntax error");
  expect_no_secret(csv);
  free(csv);
  /* the main file, which the user named, is still quoted */
  write_text("scen/mainsyntax.cfg", "months = 12;\nseed = = 4;\n");
  assert_int_equal(run("validate scen/mainsyntax.cfg", &out), 2);
  expect_in(out, "scen/mainsyntax.cfg:2: syntax error: syntax error, in: seed = = 4;");
  free(out);
}

/* Include depth, count, cycles, odd paths, and lines mapped back to files. */
static void test_include_limits(void **state) {
  (void)state;
  char *out = NULL;
  /* a cycle */
  write_text("scen/cyc_a.cfg", "@include \"parts/cyc_b.cfg\"\n" SMALL_BODY);
  write_text("scen/parts/cyc_b.cfg", "\n@include \"cyc_a.cfg\"\n");
  assert_int_equal(run("validate scen/cyc_a.cfg", &out), 2);
  expect_in(out, "scen/parts/cyc_b.cfg:2: @include \"cyc_a.cfg\": includes itself through "
                 "scen/parts/cyc_b.cfg (expected no include cycle)");
  free(out);

  /* nine levels: one more than allowed */
  for (int i = 1; i <= 9; i++) {
    char name[64], text[128];
    snprintf(name, sizeof name, "scen/parts/d%d.cfg", i);
    snprintf(text, sizeof text, "@include \"parts/d%d.cfg\"\n", i + 1);
    write_text(name, i == 9 ? "# deepest\n" : text);
  }
  write_text("scen/deep.cfg", "@include \"parts/d1.cfg\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/deep.cfg", &out), 2);
  expect_in(out, "scen/parts/d8.cfg:1: @include \"parts/d9.cfg\": nested more than 8 levels deep "
                 "(expected at most 8)");
  free(out);
  write_text("scen/parts/d8.cfg", "# level 8\n");
  assert_int_equal(run("validate scen/deep.cfg", &out), 0);
  free(out);

  /* more directives than allowed, all of one empty file */
  write_text("scen/parts/empty.cfg", "");
  size_t cap = 300 * 32 + sizeof SMALL_BODY;
  char *many = malloc(cap);
  assert_non_null(many);
  size_t at = 0;
  for (int i = 0; i < SALESIM_INCLUDE_MAX_COUNT + 1; i++)
    at += (size_t)snprintf(many + at, cap - at, "@include \"parts/empty.cfg\"\n");
  snprintf(many + at, cap - at, "%s", SMALL_BODY);
  write_text("scen/many.cfg", many);
  free(many);
  assert_int_equal(run("validate scen/many.cfg", &out), 2);
  expect_in(out, "scen/many.cfg:257: @include \"parts/empty.cfg\": more than 256 @include "
                 "directives in all (expected at most 256)");
  free(out);

  /* a missing file, an empty path, a backslash */
  write_text("scen/odd.cfg", "@include \"parts/none.cfg\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/odd.cfg", &out), 2);
  expect_in(out, "scen/odd.cfg:1: @include \"parts/none.cfg\": cannot read: No such file or "
                 "directory");
  free(out);
  write_text("scen/odd.cfg", "@include \"\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/odd.cfg", &out), 2);
  expect_in(out, "scen/odd.cfg:1: @include \"\": empty path (expected a file name)");
  free(out);
  write_text("scen/odd.cfg", "@include \"parts\\\\pop.cfg\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/odd.cfg", &out), 2);
  expect_in(out, "a backslash or control character in the path (expected a plain file path)");
  free(out);

  /* @include inside a comment or string is text, as for libconfig */
  write_text("scen/text.cfg", "/*\n@include \"../secret.txt\"\n*/\n"
                              "description = \"a\n@include \\\"../secret.txt\\\"\";\n" SMALL_BODY);
  assert_int_equal(run("validate scen/text.cfg", &out), 0);
  free(out);

  /* an included file may not leave a string or comment open */
  write_text("scen/parts/open.cfg", "description = \"never closed;\n");
  write_text("scen/open.cfg", "@include \"parts/open.cfg\"\n\";\n" SMALL_BODY);
  assert_int_equal(run("validate scen/open.cfg", &out), 2);
  expect_in(out, "scen/parts/open.cfg:1: string not closed (expected \" in the same file)");
  free(out);

  /* problems after an include still name the right file and line */
  write_text("scen/parts/three.cfg", "# one\n# two\npopulation = { reps = 20; };\n");
  write_text("scen/parts/comments.cfg", "# one\n# two\n");
  write_text("scen/lines.cfg", "@include \"parts/three.cfg\"\nseed = -4;\n" SMALL_BODY
                               "@include \"parts/comments.cfg\"\n");
  assert_int_equal(run("validate scen/lines.cfg", &out), 2);
  expect_in(out, "scen/lines.cfg:2: seed: -4 out of range");
  free(out);
  write_text("scen/parts/badrep.cfg", "\n\npopulation = { reps = 0; };\n");
  write_text("scen/lines2.cfg", "seed = 4;\n  @include \"parts/badrep.cfg\"  # c\n" SMALL_BODY);
  assert_int_equal(run("validate scen/lines2.cfg", &out), 2);
  expect_in(out, "scen/parts/badrep.cfg:3: population.reps: 0 out of range");
  free(out);
}

/* Inputs that are not regular files, too large, too long a string, NUL. */
static void test_not_regular_or_too_large(void **state) {
  (void)state;
  char *out = NULL;
  /* /dev/zero would be read forever: refused at once */
  assert_int_equal(run("validate /dev/zero", &out), 2);
  expect_in(out, "/dev/zero: not a regular file");
  free(out);
  assert_int_equal(run("run /dev/zero -q -o never", &out), 2);
  expect_in(out, "/dev/zero: not a regular file");
  free(out);
  /* a FIFO with no writer would block an open: refused without blocking */
  sh("mkfifo '%s/%s'", "fifo.cfg");
  assert_int_equal(run("validate fifo.cfg", &out), 2);
  expect_in(out, "fifo.cfg: not a regular file");
  free(out);
  assert_int_equal(run("validate scen", &out), 2);
  expect_in(out, "scen: not a regular file");
  free(out);
  /* included FIFO inside the tree */
  sh("mkfifo '%s/%s'", "scen/parts/fifo.cfg");
  write_text("scen/incfifo.cfg", "@include \"parts/fifo.cfg\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/incfifo.cfg", &out), 2);
  expect_in(out, "scen/incfifo.cfg:1: @include \"parts/fifo.cfg\": not a regular file");
  free(out);

  /* sizes: one file, an included file, the total */
  write_filler("big.cfg", SALESIM_FILE_MAX_BYTES + 1);
  assert_int_equal(run("validate big.cfg", &out), 2);
  expect_in(out, "big.cfg: larger than 1048576 bytes (expected at most 1048576)");
  free(out);
  write_filler("scen/parts/big.cfg", SALESIM_FILE_MAX_BYTES + 1);
  write_text("scen/incbig.cfg", "@include \"parts/big.cfg\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/incbig.cfg", &out), 2);
  expect_in(out, "scen/incbig.cfg:1: @include \"parts/big.cfg\": larger than 1048576 bytes "
                 "(expected at most 1048576)");
  free(out);
  write_filler("scen/parts/mib.cfg", SALESIM_FILE_MAX_BYTES);
  write_text("scen/total.cfg", "@include \"parts/mib.cfg\"\n@include \"parts/mib.cfg\"\n"
                               "@include \"parts/mib.cfg\"\n@include \"parts/mib.cfg\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/total.cfg", &out), 2);
  expect_in(out, "scen/total.cfg: with its includes larger than 4194304 bytes (expected at most "
                 "4194304 in all)");
  free(out);
  write_text("scen/total.cfg", "@include \"parts/mib.cfg\"\n@include \"parts/mib.cfg\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/total.cfg", &out), 0);
  free(out);

  /* a string libconfig's lexer would take quadratic time over */
  static char s[SALESIM_STRING_MAX_BYTES + 128];
  const size_t n = SALESIM_STRING_MAX_BYTES + 16;
  static const char head[] = "seed = 1;\ndescription = \"";
  const size_t h = sizeof head - 1;
  memcpy(s, head, h);
  memset(s + h, 'a', n);
  memcpy(s + h + n, "\";\n", 4);
  write_text("longstr.cfg", s);
  assert_int_equal(run("validate longstr.cfg", &out), 2);
  expect_in(out, "longstr.cfg:2: a string of more than 65536 bytes (expected at most 65536)");
  free(out);
  /* also as adjacent strings, which libconfig joins */
  memcpy(s + h + n / 2, "\" \"", 3);
  write_text("longstr.cfg", s);
  assert_int_equal(run("validate longstr.cfg", &out), 2);
  expect_in(out, "longstr.cfg:2: a string of more than 65536 bytes");
  free(out);

  /* a NUL byte cut a string silently before */
  static const char nul[] = "seed = 1;\nmonths = 12;\nname = \"ab\0cd\";\n";
  write_bytes("nul.cfg", nul, sizeof nul - 1);
  assert_int_equal(run("validate nul.cfg", &out), 2);
  expect_in(out, "nul.cfg:3: a NUL byte (expected text without NUL bytes)");
  free(out);
  write_bytes("scen/parts/nul.cfg", nul, sizeof nul - 1);
  write_text("scen/incnul.cfg", "@include \"parts/nul.cfg\"\n" SMALL_BODY);
  assert_int_equal(run("validate scen/incnul.cfg", &out), 2);
  expect_in(out, "scen/parts/nul.cfg:3: a NUL byte (expected text without NUL bytes)");
  free(out);
}

/* The column `resumed` of the scenario's row in OUT/batch.csv. */
static int resumed(const char *dir) {
  char path[512];
  snprintf(path, sizeof path, "%s/batch.csv", dir);
  char *csv = slurp(in_tmp(path), NULL);
  assert_non_null(csv);
  int r = strstr(csv, ",ok,1,") != NULL ? 1 : strstr(csv, ",ok,0,") != NULL ? 0 : -1;
  free(csv);
  return r;
}

/* Defect 6: the resume key covers included files and overrides. */
static void test_resume_key(void **state) {
  (void)state;
  char *out = NULL;
  sh("mkdir -p '%s/%s'", "rb/parts");
  write_text("rb/parts/pop.cfg", "population = { reps = 20; };\n");
  write_text("rb/r.cfg", "seed = 11;\n@include \"parts/pop.cfg\"\n" SMALL_BODY);
  assert_int_equal(run("batch rb/r.cfg -o rout -q", &out), 0);
  free(out);
  assert_int_equal(resumed("rout"), 0);
  assert_int_equal(run("batch rb/r.cfg -o rout -q --resume", &out), 0);
  free(out);
  assert_int_equal(resumed("rout"), 1); /* nothing changed */

  /* an edit inside the included file: rerun, then resumable again */
  write_text("rb/parts/pop.cfg", "population = { reps = 21; };\n");
  assert_int_equal(run("batch rb/r.cfg -o rout -q --resume", &out), 0);
  free(out);
  assert_int_equal(resumed("rout"), 0);
  assert_int_equal(run("batch rb/r.cfg -o rout -q --resume", &out), 0);
  free(out);
  assert_int_equal(resumed("rout"), 1);

  /* --replications: rerun; the same again: resumed */
  assert_int_equal(run("batch rb/r.cfg -o rout -q --resume --replications 3", &out), 0);
  free(out);
  assert_int_equal(resumed("rout"), 0);
  assert_int_equal(run("batch rb/r.cfg -o rout -q --resume --replications 3", &out), 0);
  free(out);
  assert_int_equal(resumed("rout"), 1);
  assert_int_equal(run("batch rb/r.cfg -o rout -q --resume", &out), 0);
  free(out);
  assert_int_equal(resumed("rout"), 0); /* back to the file's 2 */

  /* results of another salesim version are not reused */
  char *json = slurp(in_tmp("rout/r/summary.json"), NULL);
  assert_non_null(json);
  char *v = strstr(json, "\"salesim_version\": \"");
  assert_non_null(v);
  v += strlen("\"salesim_version\": \"");
  v[0] = v[0] == '9' ? '8' : '9';
  write_text("rout/r/summary.json", json);
  free(json);
  assert_int_equal(run("batch rb/r.cfg -o rout -q --resume", &out), 0);
  free(out);
  assert_int_equal(resumed("rout"), 0);
}

/* Provenance: the copy in the output folder reproduces the run alone. */
static void test_scenario_copy_reproduces(void **state) {
  (void)state;
  char *out = NULL;
  sh("mkdir -p '%s/%s'", "pv/parts");
  write_text("pv/parts/pop.cfg", "population = { reps = 20; };\nseed = 5; # here, not above\n");
  write_text("pv/pv.cfg", "name = \"pv\";\nreplications = 4;\n@include \"parts/pop.cfg\"\n"
                          "months = 12;\nterritories = { count = 5; };\n"
                          "mechanisms = ( { type = \"target_salary\"; }, "
                          "{ type = \"commission\"; rate = 0.03; } );\n");
  assert_int_equal(run("run pv/pv.cfg -o pv1 -q --seed 77 --replications 3", &out), 0);
  free(out);
  char *copy = slurp(in_tmp("pv1/scenario.cfg"), NULL);
  assert_non_null(copy);
  assert_null(strstr(copy, "@include"));
  expect_in(copy, "population = { reps = 20; };");
  expect_in(copy, "seed = 77;");
  expect_in(copy, "replications = 3;");
  assert_null(strstr(copy, "seed = 5"));
  assert_null(strstr(copy, "replications = 4"));
  free(copy);
  /* alone, in another folder, with no options */
  sh("cd '%s' && mkdir -p %s && cp pv1/scenario.cfg elsewhere/", "elsewhere");
  assert_int_equal(run("run elsewhere/scenario.cfg -o pv2 -q", &out), 0);
  free(out);
  static const char *const files[] = {"summary.csv", "replications.csv", "monthly.csv"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char a[64], b[64];
    snprintf(a, sizeof a, "pv1/%s", files[i]);
    snprintf(b, sizeof b, "pv2/%s", files[i]);
    same_file(in_tmp(a), in_tmp(b));
  }
  /* --costing is recorded as mode */
  assert_int_equal(run("run pv/pv.cfg -o pv3 -q --costing", &out), 0);
  free(out);
  copy = slurp(in_tmp("pv3/scenario.cfg"), NULL);
  assert_non_null(copy);
  expect_in(copy, "mode = \"costing\";");
  free(copy);
  /* no include, no override: the copy is the file, byte for byte */
  write_text("plain.cfg", "seed = 9;\n" SMALL_BODY "months_per_year = 12; /* no newline */");
  assert_int_equal(run("run plain.cfg -o pv4 -q", &out), 0);
  free(out);
  same_file(in_tmp("plain.cfg"), in_tmp("pv4/scenario.cfg"));
  /* an override of a file that ends without a newline still parses */
  assert_int_equal(run("run plain.cfg -o pv5 -q --seed 10", &out), 0);
  free(out);
  assert_int_equal(run("validate pv5/scenario.cfg", &out), 0);
  free(out);
  /* libconfig reads 010 as ten: a run with seed 8 must still be written */
  write_text("oct.cfg", "seed = 010;\n" SMALL_BODY "population = { reps = 20; };\n");
  assert_int_equal(run("run oct.cfg -o pv6 -q --seed 8 --replications 1", &out), 0);
  free(out);
  copy = slurp(in_tmp("pv6/scenario.cfg"), NULL);
  assert_non_null(copy);
  expect_in(copy, "seed = 8;");
  assert_null(strstr(copy, "010"));
  free(copy);
  /* a seed a file cannot hold is refused, so every run can be written down */
  assert_int_equal(run("run oct.cfg -o pv7 -q --seed 2147483648", &out), 2);
  expect_in(out, "--seed 2147483648: not a whole number in 0..2147483647");
  free(out);
}

static const char sweep_cfg[] =
    "months = 12;\nreplications = 2;\npopulation = { reps = 20; };\n"
    "territories = { count = 5; };\n"
    "mechanisms = ( { type = \"tender\"; name = \"t\"; } );\n"
    "sweep = {\n  design = \"grid\";\n  params = (\n"
    "    { path = \"mechanisms.t.min_team\"; values = [1, %s]; },\n"
    "    { path = \"mechanisms.t.max_team\"; values = [3, 8]; }\n  );\n};\n";

/* Defect 7, first item: a sweep combination that breaks a cross-check. */
static void test_sweep_combinations(void **state) {
  (void)state;
  char *out = NULL, text[1024];
  snprintf(text, sizeof text, sweep_cfg, "5");
  write_text("sw.cfg", text);
  assert_int_equal(run("validate sw.cfg", &out), 2);
  expect_in(out, "sw.cfg:9: sweep.params: point 3 of 4 (mechanisms.t.min_team = 5, "
                 "mechanisms.t.max_team = 3): mechanisms.t.min_team: 5 is above max_team 3 "
                 "(expected min_team <= max_team)");
  free(out);
  assert_int_equal(run("run sw.cfg -q -o swout", &out), 2);
  expect_in(out, "sw.cfg:9: sweep.params: point 3 of 4");
  free(out);
  struct stat st;
  assert_int_not_equal(stat(in_tmp("swout"), &st), 0);

  /* values that pass together validate */
  snprintf(text, sizeof text, sweep_cfg, "2");
  write_text("sw2.cfg", text);
  assert_int_equal(run("validate sw2.cfg", &out), 0);
  free(out);

  /* run checks the points again before the main run (a design whose points
   * change with --seed): a bad point found there writes nothing */
  salesim_scenario *sc = NULL;
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_scenario_load(&sc, in_tmp("sw2.cfg"), &d), 0);
  sc->sweep->params[0].values.v[1] = 4; /* (4, 3) breaks min_team <= max_team */
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = 1;
  salesim_results *res = NULL;
  assert_int_equal(salesim_study_run(sc, in_tmp("swlib"), &opt, &res, &d), SALESIM_ESCENARIO);
  assert_null(res);
  assert_int_equal(d.count, 1);
  expect_in(d.lines[0], "sw2.cfg:9: sweep.params: point 3 of 4 (mechanisms.t.min_team = 4, "
                        "mechanisms.t.max_team = 3): mechanisms.t.min_team: 4 is above");
  assert_int_not_equal(stat(in_tmp("swlib"), &st), 0);
  salesim_diag_clear(&d);
  salesim_scenario_free(sc);
}

int main(int argc, char **argv) {
  if (argc > 1)
    cmocka_set_test_filter(argv[1]); /* one test by name */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_include_confined),
      cmocka_unit_test(test_include_limits),
      cmocka_unit_test(test_not_regular_or_too_large),
      cmocka_unit_test(test_resume_key),
      cmocka_unit_test(test_scenario_copy_reproduces),
      cmocka_unit_test(test_sweep_combinations),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
