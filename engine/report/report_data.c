/*
 * engine/report/report_data.c: what the reports are made from (engine/report/report.h):
 * an output folder read back strictly (summary.json with jansson, the CSV
 * files with a small RFC 4180 reader that unquotes in place; every file
 * bounded in size, checked cell by cell and against the other files, so a
 * truncated, corrupt or inconsistent folder is refused with one line
 * FILE:LINE: COLUMN: problem (expected ...); docs/reports.md lists the
 * checks and limits), each plan's payout curve as the run wrote it (the
 * mechanism's payout_curve hook; no pay rule is known here), and the
 * number formats and string buffer the three
 * writers share. Read next: engine/report/report_xlsx.c.
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

#include "fs.h"
#include "metrics.h"
#include "report.h"
#include "util_sort.h"

const int salesim_report_headline[] = {
    SALESIM_METRIC_REVENUE,       SALESIM_METRIC_PAY_COST,     SALESIM_METRIC_PROFIT,
    SALESIM_METRIC_COST_OF_SALES, SALESIM_METRIC_HEADCOUNT_END, SALESIM_METRIC_SURVIVAL_12};
const int salesim_report_headline_count =
    (int)(sizeof salesim_report_headline / sizeof salesim_report_headline[0]);
const int salesim_report_attainment[] = {SALESIM_METRIC_PCT_BELOW_50, SALESIM_METRIC_PCT_80_120,
                                         SALESIM_METRIC_PCT_AT_TARGET,
                                         SALESIM_METRIC_PCT_ABOVE_150};
const int salesim_report_attainment_count =
    (int)(sizeof salesim_report_attainment / sizeof salesim_report_attainment[0]);

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

/* ---- bounded file reading ------------------------------------------------------ */

/* Printable, bounded copy of untrusted text for a message: at most 40
 * bytes, anything but printable ASCII shown as '?', "..." when cut. */
static const char *shown(const char *s, char *buf, size_t size) {
  size_t o = 0, i = 0;
  for (; s[i] != '\0' && o + 4 < size && i < 40; i++)
    buf[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
  if (s[i] != '\0' && o + 4 <= size) {
    memcpy(buf + o, "...", 3);
    o += 3;
  }
  buf[o] = '\0';
  return buf;
}

/* The whole of `path` into a malloc'd NUL-terminated buffer: a regular
 * file (symbolic links, FIFOs and devices are refused), at most `limit`
 * bytes. Returns 0, SALESIM_ENOTFOUND (no such file), SALESIM_EIO (cannot
 * open or read), SALESIM_EINVAL (not a regular file, too large) or
 * SALESIM_ENOMEM, with one line in diag, except for a missing optional
 * file (`need` NULL); `need` says what the file should be, for the
 * message. */
static int read_bounded(const char *path, size_t limit, char **out, size_t *len,
                        const char *need, salesim_diag *diag) {
  *out = NULL;
  *len = 0;
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    if (e == ELOOP) {
      salesim_diag_add(diag, "%s: a symbolic link (expected a regular file)", path);
      return SALESIM_EINVAL;
    }
    if (need != NULL || e != ENOENT)
      salesim_diag_add(diag, "%s: %s (expected %s)", path, strerror(e),
                       need ? need : "a readable file");
    return e == ENOENT ? SALESIM_ENOTFOUND : SALESIM_EIO;
  }
  struct stat st;
  int rc = 0;
  char *s = NULL;
  size_t n = 0;
  if (fstat(fd, &st) != 0) {
    salesim_diag_add(diag, "%s: %s", path, strerror(errno));
    rc = SALESIM_EIO;
  } else if (!S_ISREG(st.st_mode)) {
    salesim_diag_add(diag, "%s: not a regular file (expected a file written by salesim)", path);
    rc = SALESIM_EINVAL;
  } else if ((uintmax_t)st.st_size > (uintmax_t)limit) {
    salesim_diag_add(diag, "%s: %jd bytes (expected at most %zu)", path, (intmax_t)st.st_size,
                     limit);
    rc = SALESIM_EINVAL;
  } else if ((s = malloc((size_t)st.st_size + 2)) == NULL) {
    rc = SALESIM_ENOMEM;
  } else {
    /* read to the end: the file may have grown since fstat */
    size_t cap = (size_t)st.st_size + 1;
    for (;;) {
      ssize_t got = read(fd, s + n, cap - n);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0) {
        salesim_diag_add(diag, "%s: %s", path, strerror(errno));
        rc = SALESIM_EIO;
        break;
      }
      if (got == 0)
        break;
      n += (size_t)got;
      if (n == cap) {
        salesim_diag_add(diag, "%s: grew while being read (expected at most %zu bytes)", path,
                         limit);
        rc = SALESIM_EINVAL;
        break;
      }
    }
  }
  close(fd);
  if (rc != 0) {
    free(s);
    return rc;
  }
  s[n] = '\0';
  *out = s;
  *len = n;
  return 0;
}

/* ---- CSV -------------------------------------------------------------------------- */

void salesim_csv_free(salesim_csv *c) {
  if (c == NULL)
    return;
  free(c->header);
  free(c->cells);
  free(c->lines);
  free(c->text);
  free(c);
}

int salesim_csv_col(const salesim_csv *c, const char *name) {
  for (int i = 0; c && i < c->ncols; i++)
    if (strcmp(c->header[i], name) == 0)
      return i;
  return -1;
}

const char *salesim_csv_cell(const salesim_csv *c, size_t row, int col) {
  if (c == NULL || row >= c->nrows || col < 0 || col >= c->ncols)
    return "";
  return c->cells[row * (size_t)c->ncols + (size_t)col];
}

double salesim_csv_number(const salesim_csv *c, size_t row, int col) {
  const char *s = salesim_csv_cell(c, row, col);
  if (*s == '\0')
    return NAN;
  char *end;
  double v = strtod(s, &end);
  return *end == '\0' ? v : NAN;
}

/* Field offsets of the file being parsed (turned into pointers at the end,
 * when the text no longer moves). */
typedef struct csv_offsets {
  size_t *at;
  size_t n, cap;
} csv_offsets;

static int offsets_push(csv_offsets *o, size_t v) {
  if (o->n == o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 256;
    size_t *t = realloc(o->at, cap * sizeof *t);
    if (t == NULL)
      return SALESIM_ENOMEM;
    o->at = t;
    o->cap = cap;
  }
  o->at[o->n++] = v;
  return 0;
}

/* Parse `t` (n bytes, NUL at t[n]) in place: each field is unquoted where
 * it lies and NUL-terminated (a field never grows when unquoted, and its
 * delimiter leaves room for the NUL). */
static int csv_parse(salesim_csv *c, char *t, size_t n, const char *path, salesim_diag *diag) {
  csv_offsets off = {0};
  int *lines = NULL;
  size_t lines_cap = 0;
  size_t r = 0, w = 0;
  int line = 1, rc = 0;
  size_t ncols = 0, row = 0;

  if (n == 0) {
    salesim_diag_add(diag, "%s: empty file (expected a header line)", path);
    return SALESIM_EINVAL;
  }
  const char *nul = memchr(t, '\0', n);
  if (nul != NULL) {
    int at = 1;
    for (const char *q = t; q < nul; q++)
      at += *q == '\n';
    salesim_diag_add(diag, "%s:%d: a NUL byte (expected text)", path, at);
    return SALESIM_EINVAL;
  }
  if (t[n - 1] != '\n') {
    int at = 1;
    for (size_t i = 0; i + 1 < n; i++)
      at += t[i] == '\n';
    salesim_diag_add(diag, "%s:%d: the last line has no line end (expected a complete file; "
                           "truncated?)", path, at);
    return SALESIM_EINVAL;
  }
  while (r < n && rc == 0) {
    int row_line = line;
    size_t nfields = 0;
    int eol = 0;
    while (!eol) {
      size_t start = w;
      if (t[r] == '"') {
        r++;
        for (;;) {
          if (r >= n) {
            salesim_diag_add(diag, "%s:%d: a quoted field is not closed (expected a closing \")",
                             path, row_line);
            rc = SALESIM_EINVAL;
            goto done;
          }
          if (t[r] == '"') {
            if (t[r + 1] == '"') {
              t[w++] = '"';
              r += 2;
              continue;
            }
            r++;
            break;
          }
          line += t[r] == '\n';
          t[w++] = t[r++];
        }
      } else {
        while (r < n && t[r] != ',' && t[r] != '\n' && t[r] != '\r') {
          if (t[r] == '"') {
            salesim_diag_add(diag, "%s:%d: a \" inside an unquoted field (expected a field in "
                                   "quotes with the \" doubled)", path, line);
            rc = SALESIM_EINVAL;
            goto done;
          }
          t[w++] = t[r++];
        }
      }
      if (t[r] == ',') {
        r++;
      } else if (t[r] == '\n' || (t[r] == '\r' && t[r + 1] == '\n')) {
        r += t[r] == '\r' ? 2 : 1;
        line++;
        eol = 1;
      } else {
        salesim_diag_add(diag, "%s:%d: %s after a field (expected ',' or a line end)", path,
                         line, t[r] == '\r' ? "a lone carriage return" : "text");
        rc = SALESIM_EINVAL;
        goto done;
      }
      t[w++] = '\0';
      nfields++;
      if (ncols == 0 ? nfields > SALESIM_REPORT_MAX_COLS : nfields > ncols) {
        salesim_diag_add(diag, "%s:%d: more than %zu fields (expected %zu%s)", path, row_line,
                         ncols ? ncols : (size_t)SALESIM_REPORT_MAX_COLS,
                         ncols ? ncols : (size_t)SALESIM_REPORT_MAX_COLS,
                         ncols ? ", as in the header" : " at most");
        rc = SALESIM_EINVAL;
        goto done;
      }
      if (off.n >= SALESIM_REPORT_MAX_CELLS) {
        salesim_diag_add(diag, "%s:%d: more than %u cells (expected at most %u)", path,
                         row_line, SALESIM_REPORT_MAX_CELLS, SALESIM_REPORT_MAX_CELLS);
        rc = SALESIM_EINVAL;
        goto done;
      }
      if ((rc = offsets_push(&off, start)) != 0)
        goto done;
    }
    if (ncols == 0) {
      ncols = nfields;
      continue;
    }
    if (nfields != ncols) {
      salesim_diag_add(diag, "%s:%d: %zu field%s (expected %zu, as in the header)", path,
                       row_line, nfields, nfields == 1 ? "" : "s", ncols);
      rc = SALESIM_EINVAL;
      goto done;
    }
    if (row == lines_cap) {
      size_t cap = lines_cap ? lines_cap * 2 : 64;
      int *l = realloc(lines, cap * sizeof *l);
      if (l == NULL) {
        rc = SALESIM_ENOMEM;
        goto done;
      }
      lines = l;
      lines_cap = cap;
    }
    lines[row++] = row_line;
  }
  /* the header: distinct, non-empty names */
  for (size_t i = 0; i < ncols; i++) {
    const char *h = t + off.at[i];
    char sb[64];
    if (h[0] == '\0') {
      salesim_diag_add(diag, "%s:1: column %zu has no name (expected a header line of names)",
                       path, i + 1);
      rc = SALESIM_EINVAL;
      goto done;
    }
    for (size_t k = 0; k < i; k++)
      if (strcmp(h, t + off.at[k]) == 0) {
        salesim_diag_add(diag, "%s:1: %s: a second column of that name (expected distinct names)",
                         path, shown(h, sb, sizeof sb));
        rc = SALESIM_EINVAL;
        goto done;
      }
  }
  c->ncols = (int)ncols;
  c->nrows = row;
  c->header = malloc(ncols * sizeof *c->header);
  c->cells = malloc((off.n - ncols + 1) * sizeof *c->cells);
  if (c->header == NULL || c->cells == NULL) {
    rc = SALESIM_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < ncols; i++)
    c->header[i] = t + off.at[i];
  for (size_t i = ncols; i < off.n; i++)
    c->cells[i - ncols] = t + off.at[i];
  c->lines = lines;
  lines = NULL;
done:
  free(off.at);
  free(lines);
  return rc;
}

/* As salesim_csv_read, with the byte budget of the folder being loaded. */
static int csv_read_budget(salesim_csv **out, const char *path, size_t *budget,
                           const char *need, salesim_diag *diag) {
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  size_t limit = SALESIM_REPORT_MAX_FILE;
  if (budget != NULL && *budget < limit)
    limit = *budget;
  int rc = read_bounded(path, limit, &text, &len, need, diag);
  if (rc != 0)
    return rc;
  if (budget != NULL)
    *budget -= len;
  salesim_csv *c = calloc(1, sizeof *c);
  if (c == NULL) {
    free(text);
    return SALESIM_ENOMEM;
  }
  c->text = text;
  rc = csv_parse(c, text, len, path, diag);
  if (rc != 0) {
    salesim_csv_free(c);
    return rc;
  }
  *out = c;
  return 0;
}

int salesim_csv_read(salesim_csv **out, const char *path, salesim_diag *diag) {
  int rc = csv_read_budget(out, path, NULL, "a CSV file", diag);
  return rc == SALESIM_ENOTFOUND ? SALESIM_EIO : rc;
}

/* ---- loading ------------------------------------------------------------------- */

void salesim_report_data_free(salesim_report_data *d) {
  if (d == NULL)
    return;
  json_decref(d->summary);
  for (int k = 0; d->mech != NULL && k < d->n_mech; k++)
    free(d->mech[k].stat);
  free(d->mech);
  free(d->metric_info);
  free(d->has_metric);
  free(d->monthly);
  for (int i = 0; i < d->n_tables; i++) {
    free(d->table_names[i]);
    salesim_csv_free(d->tables[i]);
  }
  free(d->table_names);
  free(d->tables);
  salesim_csv_free(d->sweep);
  salesim_csv_free(d->costing);
  free(d->scenario_text);
  free(d);
}

/* State of one load: the folder, its byte budget, the message sink. */
typedef struct loader {
  salesim_report_data *d;
  const char *dir;
  size_t budget; /* bytes still allowed (SALESIM_REPORT_MAX_TOTAL) */
  salesim_diag *diag;
  unsigned char *json_has; /* [mech * d->n_metrics + m]: in summary.json */
} loader;

/* A number of a CSV cell as salesim writes it (%.10g, "inf"/"-inf" for an
 * infinity): 0 and *v set (NAN for an empty field), or -1. NaN spelled out,
 * hex floats, spaces and overflowing numbers are refused. */
static int cell_number(const char *s, double *v) {
  if (*s == '\0') {
    *v = NAN;
    return 0;
  }
  if (strcmp(s, "inf") == 0 || strcmp(s, "-inf") == 0) {
    *v = s[0] == '-' ? -INFINITY : INFINITY;
    return 0;
  }
  if (strspn(s, "0123456789+-.eE") != strlen(s))
    return -1;
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  if (*end != '\0' || end == s || !isfinite(x) || (errno == ERANGE && fabs(x) > 1))
    return -1;
  *v = x;
  return 0;
}

/* A whole number of a CSV cell in lo..hi, or -1. */
static int cell_int(const char *s, long lo, long hi, long *v) {
  if (*s == '\0' || strspn(s, "0123456789-") != strlen(s) || strlen(s) > 12)
    return -1;
  char *end;
  long x = strtol(s, &end, 10);
  if (*end != '\0' || x < lo || x > hi)
    return -1;
  *v = x;
  return 0;
}

static void bad_cell(loader *ld, const char *path, const salesim_csv *c, size_t row, int col,
                     const char *expected) {
  char sb[64];
  salesim_diag_add(ld->diag, "%s:%d: %s: \"%s\" (expected %s)", path, c->lines[row],
                   c->header[col], shown(salesim_csv_cell(c, row, col), sb, sizeof sb),
                   expected);
}

/* The header must be exactly `names` (n of them), in order. */
static int check_header(loader *ld, const char *path, const salesim_csv *c,
                        const char *const *names, int n) {
  char sb[64];
  for (int i = 0; i < n && i < c->ncols; i++)
    if (strcmp(c->header[i], names[i]) != 0) {
      salesim_diag_add(ld->diag, "%s:1: column %d is \"%s\" (expected \"%s\")", path, i + 1,
                       shown(c->header[i], sb, sizeof sb), names[i]);
      return SALESIM_EINVAL;
    }
  if (c->ncols != n) {
    salesim_diag_add(ld->diag, "%s:1: %d columns (expected %d: %s ... %s)", path, c->ncols, n,
                     names[0], names[n - 1]);
    return SALESIM_EINVAL;
  }
  return 0;
}

static int find_mech(const salesim_report_data *d, const char *name) {
  for (int k = 0; k < d->n_mech; k++)
    if (strcmp(d->mech[k].name, name) == 0)
      return k;
  return -1;
}

/* A plain file stem: letters, digits, '_', '-', '.', no leading '.', at most
 * 64 characters (as engine/output/output.c allows for table names). */
static int plain_stem(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 64 || s[0] == '.')
    return 0;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
          ch == '_' || ch == '-' || ch == '.'))
      return 0;
  }
  return 1;
}

/* ---- summary.json ---- */

/* The payout curve the run wrote for a mechanism (its "payout_curve": an
 * array of at most SALESIM_REPORT_CURVE_POINTS {"attainment", "pay"}
 * objects of finite numbers); none when the key is absent (a mechanism
 * without a pay curve, or a folder from before curves were written). */
static int curve_from_json(loader *ld, const char *path, salesim_report_mech *m,
                           const json_t *one) {
  char sb[64];
  const json_t *a = json_object_get(one, "payout_curve");
  m->curve_n = 0;
  if (a == NULL)
    return 0;
  if (!json_is_array(a) || json_array_size(a) > SALESIM_REPORT_CURVE_POINTS) {
    salesim_diag_add(ld->diag, "%s: mechanisms.%s.payout_curve: not an array of at most %d "
                               "points (expected [{\"attainment\": A, \"pay\": P}, ...])",
                     path, shown(m->name, sb, sizeof sb), SALESIM_REPORT_CURVE_POINTS);
    return SALESIM_EINVAL;
  }
  for (size_t i = 0; i < json_array_size(a); i++) {
    const json_t *pt = json_array_get(a, i);
    const json_t *x = json_object_get(pt, "attainment"), *y = json_object_get(pt, "pay");
    if (!json_is_number(x) || !json_is_number(y)) {
      salesim_diag_add(ld->diag, "%s: mechanisms.%s.payout_curve[%zu]: no number attainment "
                                 "or pay (expected {\"attainment\": A, \"pay\": P})",
                       path, shown(m->name, sb, sizeof sb), i);
      return SALESIM_EINVAL;
    }
    m->curve_x[i] = json_number_value(x);
    m->curve_y[i] = json_number_value(y);
  }
  m->curve_n = (int)json_array_size(a);
  return 0;
}

static int stat_from_json(loader *ld, const char *path, const char *mech, const char *metric,
                          salesim_stat *s, const json_t *o) {
  static const char *const keys[] = {"mean", "sd", "ci_low", "ci_high", "diff_vs_baseline",
                                     "diff_ci_low", "diff_ci_high", "p5", "p50", "p95"};
  double *dst[] = {&s->mean, &s->sd,   &s->ci_low, &s->ci_high, &s->diff,
                   &s->diff_low, &s->diff_high, &s->p5, &s->p50, &s->p95};
  char sb[64], sm[64];
  if (!json_is_object(o)) {
    salesim_diag_add(ld->diag, "%s: mechanisms.%s.metrics.%s: not an object (expected "
                               "{\"mean\": ..., \"n\": ...})",
                     path, shown(mech, sb, sizeof sb), metric);
    return SALESIM_EINVAL;
  }
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    const json_t *v = json_object_get(o, keys[i]);
    if (v == NULL || json_is_null(v))
      *dst[i] = NAN;
    else if (json_is_number(v))
      *dst[i] = json_number_value(v);
    else {
      salesim_diag_add(ld->diag, "%s: mechanisms.%s.metrics.%s.%s: not a number (expected a "
                                 "number or null)",
                       path, shown(mech, sm, sizeof sm), metric, keys[i]);
      return SALESIM_EINVAL;
    }
  }
  const json_t *n = json_object_get(o, "n");
  if (!json_is_integer(n) || json_integer_value(n) < 0 ||
      json_integer_value(n) > 100000000) {
    salesim_diag_add(ld->diag, "%s: mechanisms.%s.metrics.%s.n: missing or not a count "
                               "(expected a whole number >= 0)",
                     path, shown(mech, sm, sizeof sm), metric);
    return SALESIM_EINVAL;
  }
  s->n = (int)json_integer_value(n);
  return 0;
}

static int manifest_int(loader *ld, const char *path, const char *key, long lo, long hi,
                        long *v) {
  const json_t *j = json_object_get(ld->d->manifest, key);
  if (!json_is_integer(j) || json_integer_value(j) < lo || json_integer_value(j) > hi) {
    salesim_diag_add(ld->diag, "%s: manifest.%s: missing or out of range (expected a whole "
                               "number in %ld..%ld)",
                     path, key, lo, hi);
    return SALESIM_EINVAL;
  }
  *v = (long)json_integer_value(j);
  return 0;
}

static int load_summary_json(loader *ld) {
  salesim_report_data *d = ld->d;
  char *path = salesim_fs_join(ld->dir, "summary.json"), *text = NULL;
  size_t len = 0;
  char sb[64];
  int rc = SALESIM_ENOMEM;
  if (path == NULL)
    return rc;
  rc = read_bounded(path, SALESIM_REPORT_MAX_FILE, &text, &len,
                    "the output folder of a salesim run", ld->diag);
  if (rc == SALESIM_ENOTFOUND)
    rc = SALESIM_EIO;
  if (rc != 0)
    goto done;
  ld->budget -= len;
  json_error_t jerr;
  d->summary = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (d->summary == NULL) {
    salesim_diag_add(ld->diag, "%s:%d: %s (expected the summary.json of a salesim run)", path,
                     jerr.line, shown(jerr.text, sb, sizeof sb));
    rc = SALESIM_EINVAL;
    goto done;
  }
  rc = SALESIM_EINVAL;
  d->manifest = json_object_get(d->summary, "manifest");
  const json_t *mechs = json_object_get(d->summary, "mechanisms");
  const json_t *order = json_object_get(d->manifest, "mechanisms");
  if (!json_is_object(d->manifest) || !json_is_object(mechs) || !json_is_array(order) ||
      json_array_size(order) == 0) {
    salesim_diag_add(ld->diag,
                     "%s: no manifest or mechanisms (expected summary.json of a salesim run)",
                     path);
    goto done;
  }
  if (json_array_size(order) > SALESIM_REPORT_MAX_MECHS) {
    salesim_diag_add(ld->diag, "%s: manifest.mechanisms: %zu entries (expected at most %d)",
                     path, json_array_size(order), SALESIM_REPORT_MAX_MECHS);
    goto done;
  }
  long months = 0;
  if (manifest_int(ld, path, "months", 1, SALESIM_REPORT_MAX_MONTHS, &months) != 0)
    goto done;
  d->n_months = (int)months;
  const json_t *jname = json_object_get(d->manifest, "scenario_name");
  const char *name = json_string_value(jname);
  if (name == NULL) {
    const char *slash = strrchr(ld->dir, '/');
    name = slash && slash[1] ? slash + 1 : ld->dir;
  }
  snprintf(d->title, sizeof d->title, "%s", name);
  const char *cur = json_string_value(json_object_get(d->manifest, "currency"));
  snprintf(d->currency, sizeof d->currency, "%s", cur ? cur : "");
  const json_t *rt = json_object_get(d->manifest, "reference_target");
  d->reference_target = json_is_number(rt) && isfinite(json_number_value(rt))
                            ? json_number_value(rt)
                            : NAN;

  d->n_mech = (int)json_array_size(order);
  d->mech = calloc((size_t)d->n_mech, sizeof *d->mech);
  ld->json_has = calloc((size_t)d->n_mech * (size_t)d->n_metrics, 1);
  if (d->mech == NULL || ld->json_has == NULL) {
    rc = SALESIM_ENOMEM;
    goto done;
  }
  for (int k = 0; k < d->n_mech; k++)
    if ((d->mech[k].stat = malloc((size_t)d->n_metrics * sizeof *d->mech[k].stat)) == NULL) {
      rc = SALESIM_ENOMEM;
      goto done;
    }
  const json_t *jbase = json_object_get(d->manifest, "baseline");
  const char *base = json_string_value(jbase);
  int found_base = 0;
  for (int k = 0; k < d->n_mech; k++) {
    salesim_report_mech *m = &d->mech[k];
    const json_t *entry = json_array_get(order, (size_t)k);
    const char *mn = json_string_value(json_object_get(entry, "name"));
    const char *mt = json_string_value(json_object_get(entry, "type"));
    if (mn == NULL || mn[0] == '\0' || strlen(mn) >= sizeof m->name || mt == NULL ||
        strlen(mt) >= sizeof m->type) {
      salesim_diag_add(ld->diag, "%s: manifest.mechanisms[%d]: no name or type, or too long "
                                 "(expected {\"name\": LABEL, \"type\": TYPE} of at most %zu "
                                 "characters each)",
                       path, k, sizeof m->name - 1);
      goto done;
    }
    snprintf(m->name, sizeof m->name, "%s", mn);
    snprintf(m->type, sizeof m->type, "%s", mt);
    if (find_mech(d, m->name) != k) {
      salesim_diag_add(ld->diag, "%s: manifest.mechanisms[%d]: \"%s\" is named twice (expected "
                                 "distinct labels)",
                       path, k, shown(mn, sb, sizeof sb));
      goto done;
    }
    m->params = json_object_get(entry, "params");
    if (m->params != NULL && !json_is_object(m->params))
      m->params = NULL;
    m->baseline = base != NULL && strcmp(base, m->name) == 0;
    if (m->baseline) {
      d->baseline = k;
      found_base = 1;
    }
    for (int i = 0; i < d->n_metrics; i++) {
      salesim_stat nan_stat = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0};
      m->stat[i] = nan_stat;
    }
    const json_t *one = json_object_get(mechs, m->name);
    const json_t *metrics = json_object_get(one, "metrics");
    if (!json_is_object(metrics)) {
      salesim_diag_add(ld->diag, "%s: mechanisms.%s: missing or without metrics (expected an "
                                 "entry for every mechanism of the manifest)",
                       path, shown(mn, sb, sizeof sb));
      goto done;
    }
    const char *key;
    const json_t *val;
    json_object_foreach((json_t *)metrics, key, val) {
      int i = salesim_metric_catalogue_find(key);
      if (i < 0)
        continue; /* a metric this version does not know: not shown */
      if (stat_from_json(ld, path, m->name, key, &m->stat[i], val) != 0)
        goto done;
      d->has_metric[i] = 1;
      ld->json_has[(size_t)k * (size_t)d->n_metrics + (size_t)i] = 1;
    }
    if (curve_from_json(ld, path, m, one) != 0)
      goto done;
  }
  if (jbase != NULL && !json_is_null(jbase) && !found_base) {
    salesim_diag_add(ld->diag, "%s: manifest.baseline: \"%s\" is not a mechanism of the "
                               "manifest (expected one of its labels)",
                     path, base ? shown(base, sb, sizeof sb) : "?");
    goto done;
  }
  rc = 0;
done:
  free(text);
  free(path);
  return rc;
}

/* ---- summary.csv: the same statistics as summary.json ---- */

/* A statistic in summary.csv (a) and summary.json (b) agree: both missing
 * (an infinity is written as "inf" in the CSV and null in JSON), or equal to
 * the 10 significant digits both files are written with (%.10g in both:
 * the same digits parse to the same double; 1e-12 allows for nothing more). */
static int same_stat(double a, double b) {
  if (isnan(b) || isnan(a) || isinf(a))
    return isnan(b) && (isnan(a) || isinf(a));
  return fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b));
}

/* Read the file `name` every run writes into *c (its path in *path, both
 * the caller's to free, also on failure) and check its header: missing is
 * an input error like any other defect. */
static int read_required(loader *ld, const char *name, const char *const *cols, int ncols,
                         char **path, salesim_csv **c) {
  *c = NULL;
  if ((*path = salesim_fs_join(ld->dir, name)) == NULL)
    return SALESIM_ENOMEM;
  char what[64];
  snprintf(what, sizeof what, "the %s every run writes", name);
  int rc = csv_read_budget(c, *path, &ld->budget, what, ld->diag);
  if (rc == SALESIM_ENOTFOUND)
    rc = SALESIM_EINVAL;
  if (rc == 0)
    rc = check_header(ld, *path, *c, cols, ncols);
  return rc;
}

static int load_summary_csv(loader *ld) {
  static const char *const cols[] = {"mechanism", "type", "metric", "unit", "mean", "sd",
                                     "ci_low", "ci_high", "diff_vs_baseline", "diff_ci_low",
                                     "diff_ci_high", "p5", "p50", "p95", "n"};
  salesim_report_data *d = ld->d;
  char *path = NULL;
  salesim_csv *c = NULL;
  unsigned char *seen = NULL;
  char sb[64];
  int rc = read_required(ld, "summary.csv", cols, 15, &path, &c);
  if (rc != 0)
    goto done;
  rc = SALESIM_ENOMEM;
  if ((seen = calloc((size_t)d->n_mech * (size_t)d->n_metrics, 1)) == NULL)
    goto done;
  rc = SALESIM_EINVAL;
  for (size_t i = 0; i < c->nrows; i++) {
    int k = find_mech(d, salesim_csv_cell(c, i, 0));
    if (k < 0) {
      bad_cell(ld, path, c, i, 0, "a mechanism of summary.json");
      goto done;
    }
    if (strcmp(salesim_csv_cell(c, i, 1), d->mech[k].type) != 0) {
      bad_cell(ld, path, c, i, 1, "the mechanism's type in summary.json");
      goto done;
    }
    int m = salesim_metric_catalogue_find(salesim_csv_cell(c, i, 2));
    if (m < 0 || !ld->json_has[(size_t)k * (size_t)d->n_metrics + (size_t)m]) {
      bad_cell(ld, path, c, i, 2, "a metric of this mechanism in summary.json");
      goto done;
    }
    if (seen[(size_t)k * (size_t)d->n_metrics + (size_t)m]++) {
      bad_cell(ld, path, c, i, 2, "one row per mechanism and metric");
      goto done;
    }
    if (strcmp(salesim_csv_cell(c, i, 3), d->metric_info[m]->unit) != 0) {
      char exp[96];
      snprintf(exp, sizeof exp, "\"%s\", the metric's unit", d->metric_info[m]->unit);
      bad_cell(ld, path, c, i, 3, exp);
      goto done;
    }
    const salesim_stat *s = &d->mech[k].stat[m];
    const double json[] = {s->mean, s->sd,  s->ci_low, s->ci_high, s->diff,
                           s->diff_low, s->diff_high, s->p5, s->p50, s->p95};
    for (int j = 0; j < 10; j++) {
      double v;
      if (cell_number(salesim_csv_cell(c, i, 4 + j), &v) != 0) {
        bad_cell(ld, path, c, i, 4 + j, "a number or an empty field");
        goto done;
      }
      if (!same_stat(v, json[j])) {
        bad_cell(ld, path, c, i, 4 + j, "the value in summary.json");
        goto done;
      }
    }
    long n;
    if (cell_int(salesim_csv_cell(c, i, 14), 0, 100000000, &n) != 0 || n != s->n) {
      bad_cell(ld, path, c, i, 14, "a whole number >= 0, as in summary.json");
      goto done;
    }
  }
  for (int k = 0; k < d->n_mech; k++)
    for (int m = 0; m < d->n_metrics; m++)
      if (ld->json_has[(size_t)k * (size_t)d->n_metrics + (size_t)m] &&
          !seen[(size_t)k * (size_t)d->n_metrics + (size_t)m]) {
        salesim_diag_add(ld->diag, "%s:%d: mechanism %s, metric %s: no row (expected one for "
                                   "every metric in summary.json; truncated?)",
                         path, c->nrows ? c->lines[c->nrows - 1] + 1 : 2,
                         shown(d->mech[k].name, sb, sizeof sb), d->metric_info[m]->name);
        goto done;
      }
  rc = 0;
done:
  free(seen);
  salesim_csv_free(c);
  free(path);
  return rc;
}

/* ---- monthly.csv: every mechanism, every month, once ---- */

static int load_monthly(loader *ld) {
  salesim_report_data *d = ld->d;
  const char *cols[2 + SALESIM_SERIES_COUNT];
  cols[0] = "mechanism";
  cols[1] = "month";
  for (int s = 0; s < SALESIM_SERIES_COUNT; s++)
    cols[2 + s] = salesim_series_name(s);
  char *path = NULL;
  salesim_csv *c = NULL;
  unsigned char *seen = NULL;
  char sb[64];
  int rc = read_required(ld, "monthly.csv", cols, 2 + SALESIM_SERIES_COUNT, &path, &c);
  if (rc != 0)
    goto done;
  rc = SALESIM_ENOMEM;
  size_t cells = (size_t)d->n_mech * (size_t)d->n_months;
  d->monthly = malloc(cells * SALESIM_SERIES_COUNT * sizeof *d->monthly);
  if (d->monthly == NULL || (seen = calloc(cells, 1)) == NULL)
    goto done;
  rc = SALESIM_EINVAL;
  for (size_t i = 0; i < c->nrows; i++) {
    int k = find_mech(d, salesim_csv_cell(c, i, 0));
    if (k < 0) {
      bad_cell(ld, path, c, i, 0, "a mechanism of summary.json");
      goto done;
    }
    long t;
    if (cell_int(salesim_csv_cell(c, i, 1), 1, d->n_months, &t) != 0) {
      char exp[96];
      snprintf(exp, sizeof exp, "a month in 1..%d, as summary.json's months", d->n_months);
      bad_cell(ld, path, c, i, 1, exp);
      goto done;
    }
    if (seen[(size_t)k * (size_t)d->n_months + (size_t)(t - 1)]++) {
      bad_cell(ld, path, c, i, 1, "one row per mechanism and month");
      goto done;
    }
    for (int s = 0; s < SALESIM_SERIES_COUNT; s++) {
      double v;
      if (cell_number(salesim_csv_cell(c, i, 2 + s), &v) != 0) {
        bad_cell(ld, path, c, i, 2 + s, "a number or an empty field");
        goto done;
      }
      SALESIM_REPORT_MONTHLY(d, k, t - 1, s) = v;
    }
  }
  for (size_t j = 0; j < cells; j++)
    if (!seen[j]) {
      salesim_diag_add(ld->diag, "%s:%d: mechanism %s, month %d: no row (expected months "
                                 "1..%d of every mechanism; truncated?)",
                       path, c->nrows ? c->lines[c->nrows - 1] + 1 : 2,
                       shown(d->mech[j / (size_t)d->n_months].name, sb, sizeof sb),
                       (int)(j % (size_t)d->n_months) + 1, d->n_months);
      goto done;
    }
  rc = 0;
done:
  free(seen);
  salesim_csv_free(c);
  free(path);
  return rc;
}

/* ---- detail tables, sweep.csv, costing.csv, scenario.cfg ---- */

static int add_table(loader *ld, const char *stem) {
  salesim_report_data *d = ld->d;
  char file[80];
  if (d->n_tables >= SALESIM_REPORT_MAX_TABLES) {
    salesim_diag_add(ld->diag, "%s: more than %d detail tables (expected at most %d)", ld->dir,
                     SALESIM_REPORT_MAX_TABLES, SALESIM_REPORT_MAX_TABLES);
    return SALESIM_EINVAL;
  }
  snprintf(file, sizeof file, "%s.csv", stem);
  char *path = salesim_fs_join(ld->dir, file);
  if (path == NULL)
    return SALESIM_ENOMEM;
  salesim_csv *c = NULL;
  int rc = csv_read_budget(&c, path, &ld->budget, "a table listed in summary.json", ld->diag);
  free(path);
  if (rc == SALESIM_ENOTFOUND)
    rc = SALESIM_EINVAL;
  if (rc != 0)
    return rc;
  char **names = realloc(d->table_names, (size_t)(d->n_tables + 1) * sizeof *names);
  if (names != NULL)
    d->table_names = names;
  salesim_csv **tabs = realloc(d->tables, (size_t)(d->n_tables + 1) * sizeof *tabs);
  if (tabs != NULL)
    d->tables = tabs;
  char *name = malloc(strlen(stem) + 1);
  if (names == NULL || tabs == NULL || name == NULL) {
    free(name);
    salesim_csv_free(c);
    return SALESIM_ENOMEM;
  }
  strcpy(name, stem);
  d->table_names[d->n_tables] = name;
  d->tables[d->n_tables] = c;
  d->n_tables++;
  return 0;
}

static const char *const reserved_stems[] = {"summary", "replications", "monthly", "sweep",
                                             "costing", "batch"};

static int reserved_stem(const char *s) {
  for (size_t k = 0; k < sizeof reserved_stems / sizeof reserved_stems[0]; k++)
    if (strcmp(s, reserved_stems[k]) == 0)
      return 1;
  return 0;
}

/* Detail tables: the manifest's list, or (older folders) every other CSV. */
static int load_tables(loader *ld) {
  salesim_report_data *d = ld->d;
  const json_t *list = json_object_get(d->manifest, "tables");
  char sb[64];
  if (list != NULL) {
    if (!json_is_array(list)) {
      salesim_diag_add(ld->diag, "%s/summary.json: manifest.tables: not a list (expected the "
                                 "file stems of the detail tables)",
                       ld->dir);
      return SALESIM_EINVAL;
    }
    for (size_t i = 0; i < json_array_size(list); i++) {
      const char *stem = json_string_value(json_array_get(list, i));
      if (stem == NULL || !plain_stem(stem) || reserved_stem(stem)) {
        salesim_diag_add(ld->diag, "%s/summary.json: manifest.tables[%zu]: \"%s\" is not a "
                                   "table name (expected letters, digits, '_', '-', '.', no "
                                   "leading '.', at most 64, not a file salesim writes itself)",
                         ld->dir, i, stem ? shown(stem, sb, sizeof sb) : "?");
        return SALESIM_EINVAL;
      }
      for (int k = 0; k < d->n_tables; k++)
        if (strcmp(d->table_names[k], stem) == 0) {
          salesim_diag_add(ld->diag, "%s/summary.json: manifest.tables[%zu]: \"%s\" is listed "
                                     "twice (expected distinct names)",
                           ld->dir, i, stem);
          return SALESIM_EINVAL;
        }
      int rc = add_table(ld, stem);
      if (rc != 0)
        return rc;
    }
    return 0;
  }
  DIR *dd = opendir(ld->dir);
  if (dd == NULL)
    return 0;
  char *found[SALESIM_REPORT_MAX_TABLES + 1];
  int nf = 0, rc = 0;
  struct dirent *e;
  while ((e = readdir(dd)) != NULL) {
    size_t n = strlen(e->d_name);
    if (n < 5 || strcmp(e->d_name + n - 4, ".csv") != 0)
      continue;
    char stem[80];
    if (n - 4 >= sizeof stem)
      continue;
    memcpy(stem, e->d_name, n - 4);
    stem[n - 4] = '\0';
    if (!plain_stem(stem) || reserved_stem(stem))
      continue;
    if (nf == SALESIM_REPORT_MAX_TABLES) {
      salesim_diag_add(ld->diag, "%s: more than %d detail tables (expected at most %d)",
                       ld->dir, SALESIM_REPORT_MAX_TABLES, SALESIM_REPORT_MAX_TABLES);
      rc = SALESIM_EINVAL;
      break;
    }
    if ((found[nf] = malloc(n - 3)) == NULL) {
      rc = SALESIM_ENOMEM;
      break;
    }
    memcpy(found[nf], stem, n - 3);
    nf++;
  }
  closedir(dd);
  qsort(found, (size_t)nf, sizeof found[0], salesim_sort_cmp_string);
  for (int i = 0; i < nf; i++) {
    if (rc == 0)
      rc = add_table(ld, found[i]);
    free(found[i]);
  }
  return rc;
}

static int load_optional_csv(loader *ld, salesim_csv **out, const char *name) {
  char *path = salesim_fs_join(ld->dir, name);
  if (path == NULL)
    return SALESIM_ENOMEM;
  int rc = csv_read_budget(out, path, &ld->budget, NULL, ld->diag);
  free(path);
  return rc == SALESIM_ENOTFOUND ? 0 : rc;
}

static int load_scenario_text(loader *ld) {
  char *path = salesim_fs_join(ld->dir, "scenario.cfg");
  if (path == NULL)
    return SALESIM_ENOMEM;
  size_t len = 0, limit = SALESIM_REPORT_MAX_SCENARIO;
  if (ld->budget < limit)
    limit = ld->budget;
  int rc = read_bounded(path, limit, &ld->d->scenario_text, &len, NULL, ld->diag);
  if (rc == 0 && memchr(ld->d->scenario_text, '\0', len) != NULL) {
    salesim_diag_add(ld->diag, "%s: a NUL byte (expected the text of a scenario)", path);
    rc = SALESIM_EINVAL;
  }
  free(path);
  ld->budget -= len;
  return rc == SALESIM_ENOTFOUND ? 0 : rc; /* optional */
}

int salesim_report_load(salesim_report_data **out, const char *dir, salesim_diag *diag) {
  *out = NULL;
  loader ld = {NULL, dir, SALESIM_REPORT_MAX_TOTAL, diag, NULL};
  int rc = SALESIM_ENOMEM;
  if ((ld.d = calloc(1, sizeof *ld.d)) == NULL)
    return rc;
  ld.d->n_metrics = salesim_metric_catalogue(&ld.d->metric_info);
  ld.d->has_metric = ld.d->n_metrics > 0 ? calloc((size_t)ld.d->n_metrics, sizeof *ld.d->has_metric)
                                         : NULL;
  if (ld.d->has_metric == NULL) {
    salesim_report_data_free(ld.d);
    return SALESIM_ENOMEM;
  }
  if ((rc = load_summary_json(&ld)) != 0 || (rc = load_summary_csv(&ld)) != 0 ||
      (rc = load_monthly(&ld)) != 0 || (rc = load_tables(&ld)) != 0 ||
      (rc = load_optional_csv(&ld, &ld.d->sweep, "sweep.csv")) != 0 ||
      (rc = load_optional_csv(&ld, &ld.d->costing, "costing.csv")) != 0 ||
      (rc = load_scenario_text(&ld)) != 0) {
    salesim_report_data_free(ld.d);
    free(ld.json_has);
    return rc;
  }
  free(ld.json_has);
  *out = ld.d;
  return 0;
}
