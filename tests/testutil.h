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

#endif
