/*
 * engine/scenario/scenario_wrap.c: libconfig 1.5's 32-bit integer trap.
 *
 * libconfig 1.5 reads an integer literal beyond 32 bits without an L suffix
 * (`potential = 3000000000;`) as atoi() does and silently keeps the
 * truncated value. The loader scans the inlined text for such literals with
 * libconfig's own lexical rules (scn_scan_wraps) and, when an integer
 * setting is read, reports the setting a literal wrapped into
 * (scn_check_wrap) rather than simulating with a wrong number.
 *
 * Read next: engine/scenario/scenario_diag.c (how problems are reported).
 */
#define _XOPEN_SOURCE 700

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_loader.h"

/* ---- integers libconfig truncates ---------------------------------------- */

/* libconfig 1.5 reads an integer literal without L as atoi() does: the
 * strtol value cut to its low 32 bits. */
static int as_libconfig_int(long long v) {
  uint32_t u = (uint32_t)(unsigned long long)v;
  return u <= (uint32_t)INT_MAX ? (int)u : (int)(u - UINT32_C(0x80000000)) + INT_MIN;
}

static void add_wrap(loader *ld, const char *file, int line, const char *lit, size_t n) {
  if (ld->n_wraps == ld->cap_wraps) {
    size_t cap = ld->cap_wraps ? 2 * ld->cap_wraps : 8;
    wrapped_int *w = realloc(ld->wraps, cap * sizeof *w);
    if (w == NULL) {
      ld->oom = 1;
      return;
    }
    ld->wraps = w;
    ld->cap_wraps = cap;
  }
  wrapped_int *w = &ld->wraps[ld->n_wraps];
  char num[64];
  size_t k = n < sizeof num - 1 ? n : sizeof num - 1;
  memcpy(num, lit, k);
  num[k] = '\0';
  w->file = scn_copy_text(file, strlen(file));
  if (w->file == NULL) {
    ld->oom = 1;
    return;
  }
  w->line = line;
  w->value = as_libconfig_int(strtoll(num, NULL, 10));
  snprintf(w->text, sizeof w->text, "%s", num);
  ld->n_wraps++;
}

/* Find decimal integer literals outside 32 bits (no L suffix) in one source
 * file: the lexical rules follow libconfig's scanner (comments #, //, C
 * style; strings with escapes; names may contain digits and '-'). */
void scn_scan_wraps(loader *ld, const char *file, const char *b, size_t n) {
  int line = 1;
  size_t i = 0;
  while (i < n) {
    char c = b[i];
    if (c == '\n') {
      line++;
      i++;
    } else if (c == '#' || (c == '/' && i + 1 < n && b[i + 1] == '/')) {
      while (i < n && b[i] != '\n')
        i++;
    } else if (c == '/' && i + 1 < n && b[i + 1] == '*') {
      i += 2;
      while (i < n && !(b[i] == '*' && i + 1 < n && b[i + 1] == '/')) {
        if (b[i] == '\n')
          line++;
        i++;
      }
      i += 2;
    } else if (c == '"') {
      i++;
      while (i < n && b[i] != '"') {
        if (b[i] == '\\' && i + 1 < n)
          i++;
        if (b[i] == '\n')
          line++;
        i++;
      }
      i++;
    } else if (scn_is_name_start(c)) {
      while (i < n && scn_is_name_char(b[i]))
        i++;
    } else if (scn_is_digit(c) || ((c == '-' || c == '+') && i + 1 < n && scn_is_digit(b[i + 1]))) {
      size_t start = i;
      if (!scn_is_digit(c))
        i++;
      if (b[i] == '0' && i + 1 < n && (b[i + 1] == 'x' || b[i + 1] == 'X')) {
        i += 2; /* hexadecimal: rare in a scenario, not checked */
        while (i < n && (scn_is_digit(b[i]) || (b[i] >= 'a' && b[i] <= 'f') ||
                         (b[i] >= 'A' && b[i] <= 'F') || b[i] == 'L'))
          i++;
        continue;
      }
      while (i < n && scn_is_digit(b[i]))
        i++;
      if (i < n && (b[i] == '.' || b[i] == 'e' || b[i] == 'E')) {
        while (i < n && (scn_is_digit(b[i]) || b[i] == '.' || b[i] == 'e' || b[i] == 'E' ||
                         b[i] == '-' || b[i] == '+'))
          i++;
        continue;
      }
      if (i < n && b[i] == 'L') {
        while (i < n && b[i] == 'L')
          i++;
        continue;
      }
      size_t len = i - start;
      /* more than 10 digits, or 10 digits above INT range */
      size_t digits = len - (scn_is_digit(b[start]) ? 0 : 1);
      if (digits >= 10) {
        char num[64];
        size_t k = len < sizeof num - 1 ? len : sizeof num - 1;
        memcpy(num, b + start, k);
        num[k] = '\0';
        errno = 0;
        long long v = strtoll(num, NULL, 10);
        if (errno == ERANGE || v > INT_MAX || v < INT_MIN)
          add_wrap(ld, file, line, b + start, len);
      }
    } else
      i++;
  }
}

/* Nonzero (and reported) if this int setting holds a truncated literal. */
int scn_check_wrap(loader *ld, const config_setting_t *s, const char *name, int value) {
  int line = (int)config_setting_source_line(s); /* in the inlined text, as the scan's */
  for (size_t i = 0; i < ld->n_wraps; i++) {
    const wrapped_int *w = &ld->wraps[i];
    if (w->line == line && w->value == value) {
      scn_report(ld, s, name,
                 "%s does not fit a 32-bit integer and libconfig reads it as %d (expected %s.0 "
                 "or %sL)",
                 w->text, value, w->text, w->text);
      return 1;
    }
  }
  return 0;
}
