/*
 * tests/testutil.h: helpers shared by the cmocka tests.
 * cmocka's float assertion casts to float; use these relative-tolerance
 * checks instead.
 */
#ifndef SALESIM_TESTUTIL_H
#define SALESIM_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/** Fail unless |a-b| <= rel*max(|a|,|b|) + abs_tol. */
#define assert_close(a, b, rel, abs_tol) \
  salesim_test_assert_close((a), (b), (rel), (abs_tol), #a, #b, __FILE__, __LINE__)

void salesim_test_assert_close(double a, double b, double rel, double abs_tol,
                               const char *ea, const char *eb, const char *file,
                               int line);

/** Path of a file in the source tree (static buffer). */
const char *salesim_test_path(const char *rel);

/** Run a shell command, capture stdout+stderr into a malloc'd string in *out
 *  (may be NULL); returns the exit status or -1. */
int salesim_test_run(const char *cmd, char **out);

/** The whole file at `path` as a malloc'd NUL-terminated string (its length
 *  in *len when len is not NULL), or NULL if it cannot be read. */
char *salesim_test_slurp(const char *path, size_t *len);

/** Write `text` to a new file in a fresh temporary folder; returns its path
 *  (static buffer, valid until the next call). */
const char *salesim_test_write_temp(const char *name, const char *text);

struct salesim_scenario;
/** Write `text` to a temporary scenario file and load it; fails the test
 *  (printing every diagnostic) if it does not load. Caller frees. */
struct salesim_scenario *salesim_test_load_text(const char *text);

/** `salesim validate` on `text` written to a temporary file `name`: its
 *  output (malloc'd, both streams) and exit status in *status. */
char *salesim_test_validate(const char *name, const char *text, int *status);
/** Lines (newlines) in `s`. */
int salesim_test_count_lines(const char *s);
/** Each of want[0..n) occurs in `out` (the missing one is printed). */
void salesim_test_expect_lines(const char *out, const char *const *want, size_t n);

struct salesim_results;
/** Load `text` and run it on 2 threads (the test fails if it does not);
 *  caller frees the results. */
struct salesim_results *salesim_test_run_text(const char *text);
/** The paired difference x1 - x0 over n replications with its 95 % t
 *  interval, printed as "WHAT with - without = mean [lo, hi]"; dir 1: the
 *  interval must lie above 0, -1: below 0, 2: its low end at most 0 (not
 *  higher), 0: printed only. */
void salesim_test_paired(const char *what, const double *x1, const double *x0, int n, int dir);

/* ---- a temporary folder per test or group (cmocka setup/teardown) ---- */

/** Make a fresh folder under $TMPDIR (or /tmp) as cmocka setup. */
int salesim_test_root_setup(void **state);
/** Remove it with everything in it (write permission restored first). */
int salesim_test_root_teardown(void **state);
/** The folder made by salesim_test_root_setup. */
const char *salesim_test_root(void);
/** A path under it (static, eight in rotation). */
const char *salesim_test_at(const char *rel);
/** Write `text` to salesim_test_at(rel), failing the test on an error;
 *  returns the path (as salesim_test_at). */
const char *salesim_test_write_at(const char *rel, const char *text);

/* ---- files and commands ---- */

/** salesim_test_run with a printf-formatted command. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int salesim_test_sh(char **out, const char *fmt, ...);
/** Write `text` to `path` (the test fails if it cannot be opened). */
void salesim_test_write_text(const char *path, const char *text);
/** 1 if `path` exists (a symbolic link counts, followed or not). */
int salesim_test_exists(const char *path);
/** Entries of `dir` whose name contains ".tmp." or ".old.". */
int salesim_test_count_temp(const char *dir);
/** A small scenario (about a tenth of a second) at `path`, `head` prepended. */
void salesim_test_write_small_scenario(const char *path, const char *head);

/* ---- diagnostics ---- */

struct salesim_diag;
/** Print every line of `d` (cmocka's print_message). */
void salesim_test_print_diag(const struct salesim_diag *d);
/** Nonzero if some line of `d` starts with the formatted text; else prints
 *  the missing line and every line of `d`, and returns 0. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int salesim_test_has_line(const struct salesim_diag *d, const char *fmt, ...);
/** Load `path` expecting failure: checks the scenario pointer is reset to
 *  NULL and `d` has a line; returns the code. */
int salesim_test_load_bad(const char *path, struct salesim_diag *d);

#endif
