/*
 * engine/base/errors.c: error code texts and the diagnostics list (errors.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/errors.h>

const char *salesim_strerror(int code) {
  switch (code) {
#define SALESIM_X_CASE(name, value, text) \
  case value:                             \
    return text;
    SALESIM_ERROR_LIST(SALESIM_X_CASE)
#undef SALESIM_X_CASE
  default:
    return "unknown error";
  }
}

int salesim_diag_add(salesim_diag *d, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (d == NULL)
    return 0;
  if (d->count == d->capacity) {
    size_t cap = d->capacity ? 2 * d->capacity : 8;
    char **lines = realloc(d->lines, cap * sizeof *lines);
    if (lines == NULL)
      return SALESIM_ENOMEM;
    d->lines = lines;
    d->capacity = cap;
  }
  size_t n = strlen(buf) + 1;
  char *copy = malloc(n);
  if (copy == NULL)
    return SALESIM_ENOMEM;
  memcpy(copy, buf, n);
  d->lines[d->count++] = copy;
  return 0;
}

void salesim_diag_clear(salesim_diag *d) {
  if (d == NULL)
    return;
  for (size_t i = 0; i < d->count; i++)
    free(d->lines[i]);
  free(d->lines);
  d->lines = NULL;
  d->count = d->capacity = 0;
}
