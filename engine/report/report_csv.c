/*
 * engine/report/report_csv.c: reading a file of an output folder strictly:
 * bounded in size, a regular file only (no links, FIFOs or devices), and
 * the CSV files with a small RFC 4180 reader that unquotes in place and
 * remembers each row's line, so every problem is reported as
 * FILE:LINE: COLUMN: problem (expected ...) (docs/reports.md lists the
 * checks and limits). Read next: engine/report/report_read_json.c.
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
#include "report_read.h"

/* ---- bounded file reading ------------------------------------------------------ */

/* Printable, bounded copy of untrusted text for a message: at most 40
 * bytes, anything but printable ASCII shown as '?', "..." when cut. */
const char *salesim_report_shown(const char *s, char *buf, size_t size) {
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
int salesim_report_read_bounded(const char *path, size_t limit, char **out, size_t *len,
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
                         path, salesim_report_shown(h, sb, sizeof sb));
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
int salesim_csv_read_budget(salesim_csv **out, const char *path, size_t *budget,
                            const char *need, salesim_diag *diag) {
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  size_t limit = SALESIM_REPORT_MAX_FILE;
  if (budget != NULL && *budget < limit)
    limit = *budget;
  int rc = salesim_report_read_bounded(path, limit, &text, &len, need, diag);
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
  int rc = salesim_csv_read_budget(out, path, NULL, "a CSV file", diag);
  return rc == SALESIM_ENOTFOUND ? SALESIM_EIO : rc;
}
