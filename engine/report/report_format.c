/*
 * engine/report/report_format.c: what the three report writers share
 * (engine/report/report.h): the growing string buffer they build a report
 * in (with HTML escaping), the number formats (grouped thousands, shares as
 * percentages, money, differences with a sign), and writing a finished
 * report file. Read next: engine/report/report_xlsx.c.
 */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"

/* ---- string buffer ------------------------------------------------------------ */

static void sbuf_grow(salesim_sbuf *b, size_t need) {
  if (b->oom || b->len + need + 1 <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + need + 1)
    cap *= 2;
  char *s = realloc(b->s, cap);
  if (s == NULL) {
    b->oom = 1;
    return;
  }
  b->s = s;
  b->cap = cap;
}

void salesim_sbuf_put(salesim_sbuf *b, const char *s, size_t n) {
  sbuf_grow(b, n);
  if (b->oom)
    return;
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void salesim_sbuf_printf(salesim_sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->oom = 1;
    return;
  }
  sbuf_grow(b, (size_t)n);
  if (b->oom)
    return;
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void salesim_sbuf_html(salesim_sbuf *b, const char *s) {
  for (const char *c = s; *c; c++) {
    switch (*c) {
    case '&': salesim_sbuf_put(b, "&amp;", 5); break;
    case '<': salesim_sbuf_put(b, "&lt;", 4); break;
    case '>': salesim_sbuf_put(b, "&gt;", 4); break;
    case '"': salesim_sbuf_put(b, "&quot;", 6); break;
    case '\'': salesim_sbuf_put(b, "&#39;", 5); break;
    default: /* control characters (not tab or newline) are not allowed in HTML/SVG */
      if (((unsigned char)*c < 0x20 && *c != '\n' && *c != '\t') || *c == 0x7f)
        salesim_sbuf_put(b, "&#xfffd;", 8);
      else
        salesim_sbuf_put(b, c, 1);
    }
  }
}

void salesim_sbuf_free(salesim_sbuf *b) {
  free(b->s);
  b->s = NULL;
  b->len = b->cap = 0;
}

/* ---- number formats ------------------------------------------------------------- */

static int is_share(const char *unit) { return unit && strcmp(unit, "share") == 0; }
static int is_money(const char *unit) { return unit && strncmp(unit, "currency", 8) == 0; }

/* |v| with thousands separators and `decimals` decimals. */
static void grouped(double v, int decimals, char *buf, size_t size) {
  char raw[64];
  snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
  char *dot = strchr(raw, '.');
  size_t intlen = dot ? (size_t)(dot - raw) : strlen(raw);
  char out[96];
  size_t o = 0;
  for (size_t i = 0; i < intlen; i++) {
    if (i > 0 && (intlen - i) % 3 == 0)
      out[o++] = ',';
    out[o++] = raw[i];
  }
  if (dot) {
    size_t n = strlen(dot);
    memcpy(out + o, dot, n);
    o += n;
  }
  out[o] = '\0';
  snprintf(buf, size, "%s", out);
}

static const char *fmt_any(double v, const char *unit, int diff, char *buf, size_t size) {
  if (isnan(v)) {
    snprintf(buf, size, "–");
    return buf;
  }
  char body[96];
  const char *sign = v < 0 ? "−" : (diff && v > 0 ? "+" : "");
  double a = fabs(v);
  if (is_share(unit)) {
    snprintf(body, sizeof body, "%.1f%s", a * 100, diff ? " pts" : " %");
  } else if (a == 0) {
    snprintf(body, sizeof body, "0");
  } else if (is_money(unit) || a >= 1000) {
    grouped(a, a >= 100 ? 0 : 2, body, sizeof body);
  } else {
    snprintf(body, sizeof body, "%.3g", a);
  }
  snprintf(buf, size, "%s%s", sign, body);
  return buf;
}

const char *salesim_report_fmt(double v, const char *unit, char *buf, size_t size) {
  return fmt_any(v, unit, 0, buf, size);
}

const char *salesim_report_fmt_diff(double v, const char *unit, char *buf, size_t size) {
  return fmt_any(v, unit, 1, buf, size);
}

/* ---- files ---------------------------------------------------------------------- */

int salesim_report_write_file(const char *path, const char *text, size_t len,
                              salesim_diag *diag) {
  size_t n = strlen(path);
  char *tmp = malloc(n + 5);
  if (tmp == NULL)
    return SALESIM_ENOMEM;
  memcpy(tmp, path, n);
  memcpy(tmp + n, ".tmp", 5);
  FILE *f = fopen(tmp, "wb");
  int rc = 0;
  if (f == NULL) {
    salesim_diag_add(diag, "%s: %s", tmp, strerror(errno));
    free(tmp);
    return SALESIM_EIO;
  }
  errno = 0;
  if (fwrite(text, 1, len, f) != len || fflush(f) != 0) {
    salesim_diag_add(diag, "%s: %s", tmp, strerror(errno ? errno : EIO));
    rc = SALESIM_EIO;
  }
  if (fclose(f) != 0 && rc == 0) {
    salesim_diag_add(diag, "%s: %s", tmp, strerror(errno ? errno : EIO));
    rc = SALESIM_EIO;
  }
  if (rc == 0 && rename(tmp, path) != 0) {
    salesim_diag_add(diag, "%s: cannot rename into place: %s", path, strerror(errno));
    rc = SALESIM_EIO;
  }
  if (rc != 0)
    remove(tmp);
  free(tmp);
  return rc;
}

int salesim_report_write_sbuf(const char *path, salesim_sbuf *b, salesim_diag *diag) {
  int rc;
  if (b->oom) {
    salesim_diag_add(diag, "%s: out of memory building the report", path);
    rc = SALESIM_ENOMEM;
  } else {
    rc = salesim_report_write_file(path, b->s, b->len, diag);
  }
  salesim_sbuf_free(b);
  return rc;
}
