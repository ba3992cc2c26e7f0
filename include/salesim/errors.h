/*
 * salesim/errors.h: error codes and the diagnostics object.
 *
 * Every library function returns 0 on success or a negative SALESIM_E* code.
 * Messages live in a salesim_diag, one line each, so a caller can report
 * every problem of a scenario in one run (libgit2 style, with file:line).
 * Read next: salesim/scenario.h.
 */
#ifndef SALESIM_ERRORS_H
#define SALESIM_ERRORS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* All error codes, declared once (X-macro, as SUNDIALS does). */
#define SALESIM_ERROR_LIST(X)                                              \
  X(SALESIM_OK, 0, "success")                                              \
  X(SALESIM_ENOMEM, -1, "out of memory")                                   \
  X(SALESIM_EINVAL, -2, "invalid argument")                                \
  X(SALESIM_ESCENARIO, -3, "invalid scenario")                             \
  X(SALESIM_EIO, -4, "input/output error")                                 \
  X(SALESIM_ESOLVER, -5, "solver failed")                                  \
  X(SALESIM_ENOTFOUND, -6, "not found")                                    \
  X(SALESIM_EINTERRUPTED, -7, "interrupted")                               \
  X(SALESIM_ELIMIT, -8, "work limit exceeded")                              \
  X(SALESIM_ENUMERIC, -9, "numerical failure (NaN or infinity)")

typedef enum salesim_error {
#define SALESIM_X_ENUM(name, value, text) name = value,
  SALESIM_ERROR_LIST(SALESIM_X_ENUM)
#undef SALESIM_X_ENUM
} salesim_error;

/** Text of an error code (static storage). */
const char *salesim_strerror(int code);

/**
 * A list of one-line messages. Parse errors read
 * "FILE:LINE: SETTING: problem (expected ...)".
 */
typedef struct salesim_diag {
  char **lines;   /* owned */
  size_t count;
  size_t capacity;
} salesim_diag;

#define SALESIM_DIAG_INIT {NULL, 0, 0}

/** Append a printf-formatted line; returns 0 or SALESIM_ENOMEM. */
int salesim_diag_add(salesim_diag *d, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/** Free all lines; the struct itself is the caller's. */
void salesim_diag_clear(salesim_diag *d);

#ifdef __cplusplus
}
#endif
#endif
