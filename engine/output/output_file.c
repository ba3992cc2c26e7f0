/*
 * engine/output/output_file.c: one file of an output folder being written
 * (out_file): the first failure remembered, CSV text fields quoted only
 * when they need to be and guarded against spreadsheet formulas
 * (docs/safety.md), numbers as %.10g with NAN as an empty field.
 *
 * The caller (salesim_output_write) has switched the thread to the C locale,
 * so the same numbers give the same bytes. Read next:
 * engine/output/output_csv.c.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "fs.h"
#include "output_write.h"

int salesim_out_open(out_file *f, const char *dir, const char *name, salesim_diag *diag) {
  f->err = 0;
  f->fp = NULL;
  f->path = salesim_fs_join(dir, name);
  if (f->path == NULL)
    return SALESIM_ENOMEM;
  f->fp = fopen(f->path, "w");
  if (f->fp == NULL) {
    salesim_diag_add(diag, "%s: %s", f->path, strerror(errno));
    free(f->path);
    f->path = NULL;
    return SALESIM_EIO;
  }
  return 0;
}

void salesim_out_printf(out_file *f, const char *fmt, ...) {
  if (f->err)
    return;
  va_list ap;
  va_start(ap, fmt);
  errno = 0;
  if (vfprintf(f->fp, fmt, ap) < 0)
    f->err = errno ? errno : EIO;
  va_end(ap);
}

/* A CSV text field, quoted (RFC 4180) only when it needs to be. A field
 * that a spreadsheet would take for a formula (starting with = + - @, tab
 * or carriage return) gets a leading ' (docs/safety.md). */
void salesim_out_text(out_file *f, const char *s) {
  const char *guard = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL ? "'" : "";
  if (strpbrk(s, ",\"\r\n") == NULL) {
    salesim_out_printf(f, "%s%s", guard, s);
    return;
  }
  salesim_out_printf(f, "\"%s", guard);
  for (const char *c = s; *c; c++) {
    if (*c == '"')
      salesim_out_printf(f, "\"\"");
    else
      salesim_out_printf(f, "%c", *c);
  }
  salesim_out_printf(f, "\"");
}

/* A number: %.10g, NAN as an empty field, -0 as 0. */
void salesim_out_number(out_file *f, double v) {
  if (isnan(v))
    return;
  salesim_out_printf(f, "%.10g", v == 0.0 ? 0.0 : v);
}

/* Close and report; returns 0 or SALESIM_EIO with "PATH: strerror". */
int salesim_out_close(out_file *f, salesim_diag *diag) {
  int rc = 0;
  if (f->fp != NULL) {
    errno = 0;
    if (fflush(f->fp) != 0 && !f->err)
      f->err = errno ? errno : EIO;
    if (ferror(f->fp) && !f->err)
      f->err = EIO;
    errno = 0;
    if (fclose(f->fp) != 0 && !f->err)
      f->err = errno ? errno : EIO;
    f->fp = NULL;
  }
  if (f->err) {
    salesim_diag_add(diag, "%s: %s", f->path ? f->path : "?", strerror(f->err));
    rc = SALESIM_EIO;
  }
  free(f->path);
  f->path = NULL;
  return rc;
}