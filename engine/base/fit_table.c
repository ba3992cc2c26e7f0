/*
 * engine/base/fit_table.c: fit.csv read back strictly (engine/base/fit_table.h):
 * the one parser of the scenario setting `calibration` (checked at load) and
 * of the reports' Calibration section (a run's calibration.csv).
 *
 * The bytes are copied once and every field unquoted in place into that
 * copy (RFC 4180: a field in double quotes may hold commas, line ends and
 * doubled quotes); the first problem stops the parse with its line and one
 * "problem (expected ...)" text, values shown at most 40 bytes, printable.
 *
 * Read next: engine/scenario/calibration_load.c, engine/report/report_calib.c.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/errors.h>

#include "fit_table.h"

#define FIT_COLS 13

static const char *const section_names[SALESIM_FIT_SECTIONS] = {"fit", "pipeline", "trait",
                                                                "moment", "holdout"};
static const char *const columns[FIT_COLS] = {
    "section",          "name",          "estimate",       "se",      "ci_low",
    "ci_high",          "observed",      "observed_se",    "one_history_low",
    "one_history_high", "n",             "status",         "meaning"};

const char *salesim_fit_section_name(salesim_fit_section s) {
  return (unsigned)s < SALESIM_FIT_SECTIONS ? section_names[s] : "?";
}

void salesim_fit_free(salesim_fit *f) {
  if (f == NULL)
    return;
  free(f->rows);
  free(f->text);
  free(f);
}

const salesim_fit_row *salesim_fit_find(const salesim_fit *f, salesim_fit_section section,
                                        const char *name) {
  for (size_t i = 0; f != NULL && i < f->n_rows; i++)
    if (f->rows[i].section == section && strcmp(f->rows[i].name, name) == 0)
      return &f->rows[i];
  return NULL;
}

/* A value as a message shows it: at most 40 bytes, '?' for anything but
 * printable ASCII, "..." when cut. */
static const char *shown(const char *s, char buf[48]) {
  size_t i = 0;
  for (; s[i] != '\0' && i < 40; i++)
    buf[i] = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f ? s[i] : '?';
  if (s[i] != '\0') {
    memcpy(buf + i, "...", 3);
    i += 3;
  }
  buf[i] = '\0';
  return buf;
}

static void say(char *why, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void say(char *why, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, size, fmt, ap);
  va_end(ap);
}

/* A number field: 1 a number, 0 empty, -1 not a number. */
static int number(const char *s, double *out) {
  *out = NAN;
  if (s[0] == '\0')
    return 0;
  /* what %.10g writes: digits, sign, point, exponent, or inf */
  for (const char *c = s; *c; c++)
    if (strchr("0123456789+-.eEinfINF", *c) == NULL)
      return -1;
  errno = 0;
  char *end = NULL;
  double v = strtod(s, &end);
  if (end == s || *end != '\0' || isnan(v))
    return -1;
  *out = v;
  return 1;
}

/* The parse's state: the copy being unquoted in place, the read position. */
typedef struct parser {
  const char *in;
  size_t len, at;
  char *out; /* the copy: fields written from its start, NUL after each */
  size_t put;
  long line;
} parser;

/* One field from p->at into p->out; *end is the character that ended it
 * (',' '\n' or '\0' for the end of the input). -1: an open quote. */
static int field(parser *p, const char **text, char *end) {
  *text = p->out + p->put;
  int quoted = p->at < p->len && p->in[p->at] == '"';
  if (quoted) {
    p->at++;
    for (;;) {
      if (p->at >= p->len)
        return -1;
      char c = p->in[p->at++];
      if (c == '"') {
        if (p->at < p->len && p->in[p->at] == '"') {
          p->out[p->put++] = '"';
          p->at++;
          continue;
        }
        break;
      }
      if (c == '\n')
        p->line++;
      p->out[p->put++] = c;
    }
  }
  /* unquoted text, or what follows the closing quote up to the delimiter */
  while (p->at < p->len && p->in[p->at] != ',' && p->in[p->at] != '\n' &&
         !(p->in[p->at] == '\r' && p->at + 1 < p->len && p->in[p->at + 1] == '\n')) {
    if (quoted)
      return -2; /* text after a closing quote */
    p->out[p->put++] = p->in[p->at++];
  }
  p->out[p->put++] = '\0';
  if (p->at >= p->len) {
    *end = '\0';
    return 0;
  }
  if (p->in[p->at] == '\r')
    p->at++;
  *end = p->in[p->at++];
  return 0;
}

int salesim_fit_parse(salesim_fit **out, const char *bytes, size_t len, long *line, char *why,
                      size_t why_size) {
  *out = NULL;
  *line = 1;
  char sv[48], sv2[48];
  /* no control character but the line ends and tab: the reports put the
   * text into HTML, markdown and XML (docs/safety.md) */
  for (size_t i = 0; i < len; i++) {
    unsigned char u = (unsigned char)bytes[i];
    if ((u < 0x20 && u != '\n' && u != '\r' && u != '\t') || u == 0x7f) {
      for (size_t k = 0; k < i; k++)
        *line += bytes[k] == '\n';
      if (u == 0)
        say(why, why_size, "a NUL byte (expected the text of a fit.csv)");
      else
        say(why, why_size, "a control character 0x%02x (expected the text of a fit.csv)", u);
      return SALESIM_EINVAL;
    }
  }
  salesim_fit *f = calloc(1, sizeof *f);
  parser p = {bytes, len, 0, malloc(len + 1), 0, 1};
  size_t cap = 0;
  int rc = 0;
  if (f == NULL || p.out == NULL) {
    free(p.out);
    free(f);
    say(why, why_size, "out of memory reading fit.csv");
    return SALESIM_ENOMEM;
  }
  f->text = p.out;
  if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0)
    p.at = 3; /* a UTF-8 byte-order mark */
  int header = 1, traits = 0;
  while (p.at < len && rc == 0) {
    long row_line = p.line;
    if (p.in[p.at] == '\n' || (p.in[p.at] == '\r' && p.at + 1 < len && p.in[p.at + 1] == '\n')) {
      p.at += p.in[p.at] == '\r' ? 2 : 1; /* an empty line */
      p.line++;
      continue;
    }
    const char *cell[FIT_COLS];
    int n = 0;
    char end = ',';
    while (end == ',') {
      const char *t;
      int fr = field(&p, &t, &end);
      if (fr != 0) {
        *line = fr == -1 ? row_line : p.line;
        say(why, why_size, fr == -1 ? "a quoted field is not closed (expected a closing \")"
                                    : "text after a closing quote (expected , or a line end)");
        rc = SALESIM_EINVAL;
        break;
      }
      if (n < FIT_COLS)
        cell[n] = t;
      n++;
    }
    if (rc != 0)
      break;
    *line = row_line;
    p.line++;
    if (header) {
      header = 0;
      for (int c = 0; c < FIT_COLS && rc == 0; c++)
        if (c >= n || strcmp(cell[c], columns[c]) != 0) {
          say(why, why_size, "column %d of the header is %s%s%s, not fit.csv's (expected "
                             "the header " SALESIM_FIT_HEADER ")",
              c + 1, c < n ? "\"" : "", c < n ? shown(cell[c], sv) : "missing",
              c < n ? "\"" : "");
          rc = SALESIM_EINVAL;
        }
      if (rc == 0 && n != FIT_COLS) {
        say(why, why_size, "the header has %d columns, not fit.csv's (expected the header "
                           SALESIM_FIT_HEADER ")",
            n);
        rc = SALESIM_EINVAL;
      }
      continue;
    }
    if (n != FIT_COLS) {
      say(why, why_size, "%d fields (expected %d, the columns of fit.csv's header)", n, FIT_COLS);
      rc = SALESIM_EINVAL;
      break;
    }
    salesim_fit_row r;
    memset(&r, 0, sizeof r);
    r.line = row_line;
    int s = -1;
    for (int k = 0; k < SALESIM_FIT_SECTIONS; k++)
      if (strcmp(cell[0], section_names[k]) == 0)
        s = k;
    if (s < 0) {
      say(why, why_size, "section \"%s\" (expected fit, pipeline, trait, moment or holdout)",
          shown(cell[0], sv));
      rc = SALESIM_EINVAL;
      break;
    }
    r.section = (salesim_fit_section)s;
    if (cell[1][0] == '\0') {
      say(why, why_size, "a %s row without a name (expected the name of the figure)",
          section_names[s]);
      rc = SALESIM_EINVAL;
      break;
    }
    r.name = cell[1];
    for (int k = 0; k < SALESIM_FIT_NUMBERS && rc == 0; k++)
      if (number(cell[2 + k], &r.v[k]) < 0) {
        say(why, why_size, "%s of %s \"%s\" is \"%s\" (expected a number or an empty field)",
            columns[2 + k], section_names[s], shown(r.name, sv), shown(cell[2 + k], sv2));
        rc = SALESIM_EINVAL;
      }
    if (rc != 0)
      break;
    r.status = cell[11];
    r.meaning = cell[12];
    if (salesim_fit_find(f, r.section, r.name) != NULL) {
      say(why, why_size, "%s \"%s\" a second time (expected each figure once)",
          section_names[s], shown(r.name, sv));
      rc = SALESIM_EINVAL;
      break;
    }
    if (f->n_rows == cap) {
      size_t c2 = cap ? 2 * cap : 64;
      salesim_fit_row *g = realloc(f->rows, c2 * sizeof *g);
      if (g == NULL) {
        say(why, why_size, "out of memory reading fit.csv");
        rc = SALESIM_ENOMEM;
        break;
      }
      f->rows = g;
      cap = c2;
    }
    f->rows[f->n_rows++] = r;
    traits += r.section == SALESIM_FIT_TRAIT;
  }
  if (rc == 0 && header) {
    *line = 1;
    say(why, why_size, "empty (expected the header " SALESIM_FIT_HEADER ")");
    rc = SALESIM_EINVAL;
  } else if (rc == 0 && (traits == 0 || salesim_fit_find(f, SALESIM_FIT_FACT, "history_months") == NULL)) {
    *line = p.line > 1 ? p.line - 1 : 1;
    say(why, why_size, "no %s row (expected the rows salesim calibrate writes: fit "
                       "history_months and a trait row per trait)",
        traits == 0 ? "trait" : "fit history_months");
    rc = SALESIM_EINVAL;
  }
  if (rc != 0) {
    salesim_fit_free(f);
    return rc;
  }
  *out = f;
  return 0;
}
