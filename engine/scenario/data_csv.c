/*
 * engine/scenario/data_csv.c: reading and checking the data files (see data_csv.h).
 */
#include "data_csv.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages ------------------------------------------------------------------ */

/* At most 40 bytes of s for a message, control bytes as '?'. */
static const char *shown(const char *s, char *buf, size_t cap) {
  size_t n = 0;
  for (; s[n] != '\0' && n + 4 < cap && n < 40; n++)
    buf[n] = ((unsigned char)s[n] < 0x20 || s[n] == 0x7f) ? '?' : s[n];
  if (s[n] != '\0' && n + 4 < cap) {
    /* do not cut a UTF-8 character in two */
    while (n > 0 && ((unsigned char)buf[n] & 0xc0) == 0x80)
      n--;
    memcpy(buf + n, "...", 3);
    n += 3;
  }
  buf[n] = '\0';
  return buf;
}

const char *salesim_data_csv_shown(const char *s, char *buf, size_t cap) {
  return shown(s, buf, cap);
}

static void verror(salesim_data_csv *t, salesim_diag *d, long line, const char *col, const char *fmt,
                   va_list ap) {
  t->n_errors++;
  if (d == NULL || t->n_errors > SALESIM_DATA_CSV_MAX_ERRORS)
    return;
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  if (line > 0 && col != NULL)
    salesim_diag_add(d, "%s:%ld: %s: %s", t->name, line, col, msg);
  else if (line > 0)
    salesim_diag_add(d, "%s:%ld: %s", t->name, line, msg);
  else
    salesim_diag_add(d, "%s: %s", t->name, msg);
}

static void ferr(salesim_data_csv *t, salesim_diag *d, long line, const char *col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static void ferr(salesim_data_csv *t, salesim_diag *d, long line, const char *col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror(t, d, line, col, fmt, ap);
  va_end(ap);
}

void salesim_data_csv_error(salesim_data_csv *t, size_t row, int col, salesim_diag *d, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror(t, d, row < t->n_rows ? t->line[row] : 0,
         col >= 0 && col < t->n_cols ? t->spec[col].name : NULL, fmt, ap);
  va_end(ap);
}

void salesim_data_csv_error_tail(salesim_data_csv *t, salesim_diag *d) {
  if (t->n_errors > SALESIM_DATA_CSV_MAX_ERRORS && d != NULL)
    salesim_diag_add(d, "%s: %zu more problems not listed (fix the ones above first)", t->name,
                     t->n_errors - SALESIM_DATA_CSV_MAX_ERRORS);
}

/* ---- bytes --------------------------------------------------------------------- */

/* Length of the valid UTF-8 prefix of s[0..n) (no NUL, no overlong forms,
 * no surrogates, nothing above U+10FFFF). */
static size_t utf8_valid(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t k;
    unsigned lo = 0x80, hi = 0xbf;
    if (c == 0)
      return i;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      k = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      k = 2;
      lo = c == 0xe0 ? 0xa0 : 0x80;
      hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
      k = 3;
      lo = c == 0xf0 ? 0x90 : 0x80;
      hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
      return i;
    }
    if (i + k >= n) /* the character runs past the end */
      return i;
    if (s[i + 1] < lo || s[i + 1] > hi)
      return i;
    for (size_t j = 2; j <= k; j++)
      if ((s[i + j] & 0xc0) != 0x80)
        return i;
    i += k + 1;
  }
  return n;
}

/* Does a line break end at text[i]? "\r\n", "\n" and a lone "\r" (old Mac
 * files) each count once. */
static int breaks_at(const char *text, size_t len, size_t i) {
  return text[i] == '\n' || (text[i] == '\r' && (i + 1 >= len || text[i + 1] != '\n'));
}

static long line_of(const char *text, size_t len, size_t pos) {
  long line = 1;
  for (size_t i = 0; i < pos; i++)
    line += breaks_at(text, len, i);
  return line;
}

/* The header's spelling of a column: surrounding spaces off, lower case. */
static int same_name(const char *header, const char *name) {
  while (*header == ' ' || *header == '\t')
    header++;
  size_t n = strlen(header);
  while (n > 0 && (header[n - 1] == ' ' || header[n - 1] == '\t'))
    n--;
  if (n != strlen(name))
    return 0;
  for (size_t i = 0; i < n; i++)
    if (tolower((unsigned char)header[i]) != tolower((unsigned char)name[i]))
      return 0;
  return 1;
}

/* ---- parsing -------------------------------------------------------------------- */

typedef struct records {
  size_t *field;    /* offset of each field in the output text */
  size_t n_fields, cap_fields;
  size_t *first;    /* each record's first field */
  long *line;       /* each record's first line */
  size_t n, cap;
} records;

static int push(void **p, size_t *cap, size_t n, size_t size) {
  if (n < *cap)
    return 0;
  size_t c = *cap ? *cap * 2 : 64;
  void *g = realloc(*p, c * size);
  if (g == NULL)
    return -1;
  *p = g;
  *cap = c;
  return 0;
}

int salesim_data_csv_parse(salesim_data_csv *t, const char *name, const char *text, size_t len,
                      const salesim_data_column *spec, int n_spec, salesim_diag *d) {
  memset(t, 0, sizeof *t);
  t->spec = spec;
  t->n_cols = n_spec;
  t->name = malloc(strlen(name) + 1);
  if (t->name == NULL)
    return SALESIM_ENOMEM;
  strcpy(t->name, name);
  size_t ok = utf8_valid((const unsigned char *)text, len);
  if (ok < len) {
    ferr(t, d, line_of(text, len, ok), NULL,
         "byte 0x%02x is not UTF-8 text (expected UTF-8: save the file as \"CSV UTF-8\")",
         (unsigned char)text[ok]);
    return SALESIM_ESCENARIO;
  }
  size_t pos = 0;
  if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
    pos = 3; /* byte-order mark */
  records R;
  memset(&R, 0, sizeof R);
  char *out = malloc(2 * len + 2);
  if (out == NULL)
    return SALESIM_ENOMEM;
  size_t o = 0;
  long line = 1;
  int rc = 0;
  while (pos < len && rc == 0) {
    if (text[pos] == '\n' || text[pos] == '\r') { /* an empty line */
      pos += (text[pos] == '\r' && pos + 1 < len && text[pos + 1] == '\n') ? 2 : 1;
      line++;
      continue;
    }
    size_t cap = R.cap;
    if (push((void **)&R.first, &R.cap, R.n, sizeof *R.first) != 0) {
      rc = SALESIM_ENOMEM;
      break;
    }
    if (R.cap != cap || R.line == NULL) { /* the lines grow with the records */
      long *gl = realloc(R.line, R.cap * sizeof *R.line);
      if (gl == NULL) {
        rc = SALESIM_ENOMEM;
        break;
      }
      R.line = gl;
    }
    R.first[R.n] = R.n_fields;
    R.line[R.n] = line;
    R.n++;
    for (;;) { /* the record's fields */
      if (push((void **)&R.field, &R.cap_fields, R.n_fields, sizeof *R.field) != 0) {
        rc = SALESIM_ENOMEM;
        break;
      }
      R.field[R.n_fields++] = o;
      if (pos < len && text[pos] == '"') {
        long opened = line;
        int closed = 0;
        pos++;
        while (pos < len) {
          char c = text[pos];
          if (c == '"') {
            if (pos + 1 < len && text[pos + 1] == '"') {
              out[o++] = '"';
              pos += 2;
              continue;
            }
            pos++;
            closed = 1;
            break;
          }
          line += breaks_at(text, len, pos);
          out[o++] = c;
          pos++;
        }
        if (!closed) {
          ferr(t, d, opened, NULL,
               "a quoted field never ends (expected a closing \" before the end of the file)");
          rc = SALESIM_ESCENARIO;
          R.n--; /* the record runs to the end: nothing of it is read */
          R.n_fields = R.first[R.n];
          break;
        }
        while (pos < len && (text[pos] == ' ' || text[pos] == '\t'))
          pos++;
        if (pos < len && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
          ferr(t, d, line, NULL,
               "text after a closing quote (expected , or the end of the line; a quote "
               "inside a field is written \"\")");
          while (pos < len && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r')
            pos++;
        }
      } else {
        size_t s = pos;
        int stray = 0;
        while (pos < len && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
          stray |= text[pos] == '"';
          pos++;
        }
        if (stray)
          ferr(t, d, line, NULL,
               "a quote inside an unquoted field (expected the whole field in quotes, with "
               "each quote in it doubled)");
        while (s < pos && (text[s] == ' ' || text[s] == '\t'))
          s++;
        size_t e = pos;
        while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\t'))
          e--;
        memcpy(out + o, text + s, e - s);
        o += e - s;
      }
      out[o++] = '\0';
      if (pos < len && text[pos] == ',') {
        pos++;
        continue;
      }
      if (pos < len) { /* the line's end */
        pos += (text[pos] == '\r' && pos + 1 < len && text[pos + 1] == '\n') ? 2 : 1;
        line++;
      }
      break;
    }
  }
  t->text = out;
  if (rc == SALESIM_ENOMEM)
    goto done;
  if (R.n == 0) {
    ferr(t, d, 0, NULL, "no header row (expected a first line naming the columns)");
    rc = SALESIM_ESCENARIO;
    goto done;
  }
  /* the header */
  size_t n_head = (R.n > 1 ? R.first[1] : R.n_fields) - R.first[0];
  int *map = malloc((n_head + 1) * sizeof *map); /* header field -> spec column */
  if (map == NULL) {
    rc = SALESIM_ENOMEM;
    goto done;
  }
  for (size_t h = 0; h < n_head; h++) {
    const char *hn = out + R.field[R.first[0] + h];
    char b[64];
    map[h] = -1;
    for (int c = 0; c < n_spec; c++)
      if (same_name(hn, spec[c].name))
        map[h] = c;
    if (map[h] < 0) {
      char list[512] = "";
      for (int c = 0; c < n_spec; c++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", c ? ", " : "", spec[c].name);
      }
      ferr(t, d, R.line[0], shown(hn, b, sizeof b), "unknown column (expected one of: %s)", list);
      rc = SALESIM_ESCENARIO;
      continue;
    }
    for (size_t g = 0; g < h; g++)
      if (map[g] == map[h]) {
        ferr(t, d, R.line[0], spec[map[h]].name, "column named twice (expected it once)");
        rc = SALESIM_ESCENARIO;
        map[h] = -1;
        break;
      }
  }
  for (int c = 0; c < n_spec; c++) {
    int found = 0;
    for (size_t h = 0; h < n_head; h++)
      found |= map[h] == c;
    if (found && c < 64)
      t->present |= 1ULL << c;
    if (!found && spec[c].required) {
      ferr(t, d, R.line[0], spec[c].name, "missing column (expected it in the header row)");
      rc = SALESIM_ESCENARIO;
    }
  }
  /* the rows */
  t->cells = malloc((R.n > 1 ? R.n - 1 : 1) * (size_t)(n_spec > 0 ? n_spec : 1) * sizeof *t->cells);
  t->line = malloc((R.n > 1 ? R.n - 1 : 1) * sizeof *t->line);
  if (t->cells == NULL || t->line == NULL) {
    free(map);
    rc = SALESIM_ENOMEM;
    goto done;
  }
  static char blank[] = "";
  for (size_t r = 1; r < R.n; r++) {
    size_t nf = (r + 1 < R.n ? R.first[r + 1] : R.n_fields) - R.first[r];
    if (nf != n_head) {
      ferr(t, d, R.line[r], NULL, "%zu fields (expected %zu, as in the header row)", nf, n_head);
      rc = SALESIM_ESCENARIO;
      continue;
    }
    char **row = t->cells + t->n_rows * (size_t)n_spec;
    for (int c = 0; c < n_spec; c++)
      row[c] = blank;
    for (size_t h = 0; h < n_head; h++)
      if (map[h] >= 0)
        row[map[h]] = out + R.field[R.first[r] + h];
    t->line[t->n_rows++] = R.line[r];
  }
  free(map);
done:
  free(R.field);
  free(R.first);
  free(R.line);
  if (rc == 0 && t->n_errors > 0)
    rc = SALESIM_ESCENARIO; /* a problem of the text itself (quotes) */
  return rc;
}

void salesim_data_csv_free(salesim_data_csv *t) {
  free(t->name);
  free(t->cells);
  free(t->line);
  free(t->text);
  memset(t, 0, sizeof *t);
}

int salesim_data_csv_col(const salesim_data_csv *t, const char *name) {
  for (int c = 0; c < t->n_cols; c++)
    if (strcmp(t->spec[c].name, name) == 0)
      return c;
  return -1;
}

void salesim_data_csv_drop_cells(salesim_data_csv *t) {
  free(t->cells);
  free(t->text);
  t->cells = NULL;
  t->text = NULL;
}

const char *salesim_data_csv_cell(const salesim_data_csv *t, size_t row, int col) {
  if (t->cells == NULL || row >= t->n_rows || col < 0 || col >= t->n_cols)
    return "";
  return t->cells[row * (size_t)t->n_cols + (size_t)col];
}

/* ---- typed cells ------------------------------------------------------------------ */

int salesim_data_csv_number(salesim_data_csv *t, size_t row, int col, double min, const char *what,
                       double *out, salesim_diag *d) {
  const char *s = salesim_data_csv_cell(t, row, col);
  char b[64];
  if (*s == '\0')
    return 0;
  /* digits, one sign, a point, an exponent: no hex, inf, nan or separators */
  int ok = 1;
  for (const char *p = s; *p; p++)
    ok &= isdigit((unsigned char)*p) || *p == '-' || *p == '+' || *p == '.' || *p == 'e' ||
          *p == 'E';
  char *end = NULL;
  double x = ok ? strtod(s, &end) : 0;
  if (!ok || end == s || *end != '\0' || !isfinite(x)) {
    salesim_data_csv_error(t, row, col, d, "'%s' is not a number (expected %s, e.g. 1250.5)",
                      shown(s, b, sizeof b), what);
    return -1;
  }
  if (x < min) {
    if (min == 0)
      salesim_data_csv_error(t, row, col, d, "%s is negative (expected %s, at least 0)", shown(s, b, sizeof b), what);
    else
      salesim_data_csv_error(t, row, col, d, "%s is below %g (expected %s, at least %g)",
                        shown(s, b, sizeof b), min, what, min);
    return -1;
  }
  *out = x;
  return 1;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's
 * days_from_civil). */
static long days_from_civil(long y, unsigned m, unsigned dd) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long)doe - 719468;
}

static int digits(const char *s, int n) {
  for (int i = 0; i < n; i++)
    if (!isdigit((unsigned char)s[i]))
      return 0;
  return 1;
}

int salesim_data_csv_date(salesim_data_csv *t, size_t row, int col, long *days, salesim_diag *d) {
  const char *s = salesim_data_csv_cell(t, row, col);
  char b[64];
  if (*s == '\0')
    return 0;
  if (strlen(s) == 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
      digits(s + 8, 2)) {
    long y = strtol(s, NULL, 10);
    unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    unsigned dd = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m >= 1 && m <= 12 && dd >= 1 && dd <= mdays[m - 1] + (m == 2 && leap)) {
      *days = days_from_civil(y, m, dd);
      return 1;
    }
  }
  salesim_data_csv_error(t, row, col, d, "'%s' is not a date (expected YYYY-MM-DD, e.g. 2025-04-30)",
                    shown(s, b, sizeof b));
  return -1;
}

int salesim_data_csv_period(salesim_data_csv *t, size_t row, int col, long *first, int *months,
                       salesim_diag *d) {
  const char *s = salesim_data_csv_cell(t, row, col);
  char b[64];
  if (*s == '\0')
    return 0;
  size_t n = strlen(s);
  if (n >= 4 && digits(s, 4)) {
    long y = strtol(s, NULL, 10);
    if (n == 4) {
      *first = y * 12;
      *months = 12;
      return 1;
    }
    if (n == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q') && s[6] >= '1' && s[6] <= '4') {
      *first = y * 12 + 3 * (s[6] - '1');
      *months = 3;
      return 1;
    }
    if (n == 7 && s[4] == '-' && digits(s + 5, 2)) {
      int m = (s[5] - '0') * 10 + (s[6] - '0');
      if (m >= 1 && m <= 12) {
        *first = y * 12 + m - 1;
        *months = 1;
        return 1;
      }
    }
  }
  salesim_data_csv_error(t, row, col, d,
                    "'%s' is not a period (expected YYYY, YYYY-Qn or YYYY-MM, e.g. 2025-Q2)",
                    shown(s, b, sizeof b));
  return -1;
}
