/*
 * engine/report_data.c: what the reports are made from (engine/report.h):
 * an output folder read back (summary.json with jansson, the CSV files with
 * a small RFC 4180 reader), each plan's payout curve computed from its
 * settings in the manifest with the engine's own pay schedules
 * (models/schedule.h), and the number formats and string buffer the three
 * writers share. Read next: engine/report_xlsx.c.
 */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "schedule.h"

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

static char *join(const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  char *p = malloc(na + nb + 2);
  if (p == NULL)
    return NULL;
  memcpy(p, a, na);
  p[na] = '/';
  memcpy(p + na + 1, b, nb + 1);
  return p;
}

/* Whole file into a malloc'd, NUL-terminated string; NULL with errno. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  size_t cap = 1 << 16, n = 0, got;
  char *s = malloc(cap);
  while (s != NULL && (got = fread(s + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n < 2) {
      char *t = realloc(s, cap * 2);
      if (t == NULL) {
        free(s);
        s = NULL;
        errno = ENOMEM;
        break;
      }
      s = t;
      cap *= 2;
    }
  }
  int bad = ferror(f);
  fclose(f);
  if (s != NULL && bad) {
    free(s);
    errno = EIO;
    return NULL;
  }
  if (s != NULL) {
    s[n] = '\0';
    if (len)
      *len = n;
  }
  return s;
}

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

/* ---- CSV -------------------------------------------------------------------------- */

void salesim_csv_free(salesim_csv *c) {
  if (c == NULL)
    return;
  for (int i = 0; i < c->ncols; i++)
    free(c->header[i]);
  free(c->header);
  for (size_t i = 0; i < c->nrows * (size_t)c->ncols; i++)
    free(c->cells[i]);
  free(c->cells);
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

/* One field starting at *p; advances past it and its delimiter. *eol is set
 * when the record ended. Returns a malloc'd string or NULL (bad quote or
 * out of memory: *bad says which). */
static char *csv_field(const char **p, int *eol, int *bad) {
  const char *s = *p;
  salesim_sbuf b = {0};
  salesim_sbuf_put(&b, "", 0);
  if (*s == '"') {
    s++;
    for (;;) {
      if (*s == '\0') {
        *bad = 1;
        salesim_sbuf_free(&b);
        return NULL;
      }
      if (*s == '"') {
        if (s[1] == '"') {
          salesim_sbuf_put(&b, "\"", 1);
          s += 2;
          continue;
        }
        s++;
        break;
      }
      salesim_sbuf_put(&b, s, 1);
      s++;
    }
  } else {
    size_t n = strcspn(s, ",\r\n");
    salesim_sbuf_put(&b, s, n);
    s += n;
  }
  if (*s == ',') {
    s++;
    *eol = 0;
  } else if (*s == '\r' || *s == '\n' || *s == '\0') {
    if (*s == '\r')
      s++;
    if (*s == '\n')
      s++;
    *eol = 1;
  } else {
    *bad = 1;
    salesim_sbuf_free(&b);
    return NULL;
  }
  *p = s;
  if (b.oom) {
    salesim_sbuf_free(&b);
    return NULL;
  }
  return b.s;
}

int salesim_csv_read(salesim_csv **out, const char *path, salesim_diag *diag) {
  *out = NULL;
  char *text = slurp(path, NULL);
  if (text == NULL) {
    salesim_diag_add(diag, "%s: %s", path, strerror(errno));
    return SALESIM_EIO;
  }
  int rc = SALESIM_ENOMEM;
  salesim_csv *c = calloc(1, sizeof *c);
  char **row = NULL;
  size_t rowcap = 0, cellcap = 0;
  const char *p = text;
  int line = 1;
  size_t n = 0; /* fields of the row being read (freed on failure) */
  if (c == NULL)
    goto cleanup;
  while (*p != '\0') {
    n = 0;
    int eol = 0, bad = 0;
    while (!eol) {
      char *f = csv_field(&p, &eol, &bad);
      if (f == NULL) {
        if (bad) {
          salesim_diag_add(diag, "%s:%d: malformed CSV field", path, line);
          rc = SALESIM_EINVAL;
        }
        goto cleanup;
      }
      if (n == rowcap) {
        size_t nc = rowcap ? rowcap * 2 : 16;
        char **t = realloc(row, nc * sizeof *t);
        if (t == NULL) {
          free(f);
          goto cleanup;
        }
        row = t;
        rowcap = nc;
      }
      row[n++] = f;
    }
    line++;
    if (c->header == NULL) {
      c->header = row;
      c->ncols = (int)n;
      row = NULL;
      rowcap = 0;
      continue;
    }
    if (n == 1 && row[0][0] == '\0') { /* blank line */
      free(row[0]);
      row[0] = NULL;
      continue;
    }
    if ((c->nrows + 1) * (size_t)c->ncols > cellcap) {
      size_t nc = cellcap ? cellcap * 2 : (size_t)c->ncols * 64;
      while (nc < (c->nrows + 1) * (size_t)c->ncols)
        nc *= 2;
      char **t = realloc(c->cells, nc * sizeof *t);
      if (t == NULL)
        goto cleanup; /* the row's fields are freed there */
      c->cells = t;
      cellcap = nc;
    }
    char **dst = c->cells + c->nrows * (size_t)c->ncols;
    for (size_t i = 0; i < (size_t)c->ncols; i++) {
      if (i < n) {
        dst[i] = row[i];
        row[i] = NULL;
      } else {
        dst[i] = calloc(1, 1);
      }
    }
    for (size_t i = (size_t)c->ncols; i < n; i++) {
      free(row[i]);
      row[i] = NULL;
    }
    c->nrows++;
    for (size_t i = 0; i < (size_t)c->ncols; i++)
      if (dst[i] == NULL)
        goto cleanup;
  }
  if (c->header == NULL) {
    salesim_diag_add(diag, "%s: empty file (expected a header line)", path);
    rc = SALESIM_EINVAL;
    goto cleanup;
  }
  *out = c;
  c = NULL;
  rc = 0;
cleanup:
  if (c != NULL && c->header == row)
    row = NULL;
  for (size_t i = 0; row != NULL && i < n; i++)
    free(row[i]); /* a half-read row */
  free(row);
  salesim_csv_free(c);
  free(text);
  return rc;
}

/* ---- payout curves ------------------------------------------------------------ */

static double jnumber(const json_t *o, const char *key, double def) {
  const json_t *v = json_object_get(o, key);
  return json_is_number(v) ? json_number_value(v) : def;
}

static void jpoints(const json_t *o, const char *key, salesim_points *p) {
  const json_t *a = json_object_get(o, key);
  p->n = 0;
  for (size_t i = 0; json_is_array(a) && i < json_array_size(a) && p->n < SALESIM_MAX_POINTS;
       i++) {
    const json_t *pair = json_array_get(a, i);
    if (!json_is_array(pair) || json_array_size(pair) != 2)
      continue;
    p->x[p->n] = json_number_value(json_array_get(pair, 0));
    p->y[p->n] = json_number_value(json_array_get(pair, 1));
    p->n++;
  }
}

/* Annual pay against attainment (0 .. 200 % of the reference target) for
 * the plan types whose rules are known here; other types get no curve. */
static void payout_curve(salesim_report_mech *m, double target) {
  salesim_schedule sched;
  const json_t *p = m->params;
  m->curve_n = 0;
  if (p == NULL)
    return;
  double fixed = 0, scale = target;
  if (strcmp(m->type, "commission") == 0) {
    if (!(target > 0))
      return;
    salesim_points tiers;
    jpoints(p, "tiers", &tiers);
    double rate = jnumber(p, "rate", 0), cap = jnumber(p, "cap", 0);
    if (tiers.n > 0) {
      if (salesim_schedule_tiers(&sched, &tiers, cap) != 0)
        return;
    } else {
      salesim_schedule_linear(&sched, rate);
      if (cap > 0 && rate > 0)
        salesim_schedule_add_hinge(&sched, cap / rate, -rate);
    }
    fixed = 12.0 * jnumber(p, "base", 0);
  } else if (strcmp(m->type, "target_salary") == 0) {
    salesim_points curve;
    jpoints(p, "curve", &curve);
    const json_t *salaries = json_object_get(p, "salary_by_grade");
    double salary = json_number_value(json_array_get(salaries, 0));
    double fs = jnumber(p, "fixed_share", 0.7);
    scale = target > 0 ? target : 1.0;
    if (curve.n < 1 || salesim_schedule_from_points(&sched, &curve, scale, salary * (1 - fs)) != 0)
      return;
    fixed = salary * fs;
  } else {
    return;
  }
  for (int i = 0; i <= 80; i++) {
    double att = i * 0.025;
    m->curve_x[i] = att;
    m->curve_y[i] = fixed + salesim_schedule_eval(&sched, att * scale);
  }
  m->curve_n = 81;
}

/* ---- loading ------------------------------------------------------------------- */

void salesim_report_data_free(salesim_report_data *d) {
  if (d == NULL)
    return;
  json_decref(d->summary);
  free(d->mech);
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

static void stat_from_json(salesim_stat *s, const json_t *o) {
  s->mean = jnumber(o, "mean", NAN);
  s->sd = jnumber(o, "sd", NAN);
  s->ci_low = jnumber(o, "ci_low", NAN);
  s->ci_high = jnumber(o, "ci_high", NAN);
  s->diff = jnumber(o, "diff_vs_baseline", NAN);
  s->diff_low = jnumber(o, "diff_ci_low", NAN);
  s->diff_high = jnumber(o, "diff_ci_high", NAN);
  s->p5 = jnumber(o, "p5", NAN);
  s->p50 = jnumber(o, "p50", NAN);
  s->p95 = jnumber(o, "p95", NAN);
  s->n = (int)jnumber(o, "n", 0);
}

static int add_table(salesim_report_data *d, const char *dir, const char *stem,
                     salesim_diag *diag) {
  char file[300];
  snprintf(file, sizeof file, "%s.csv", stem);
  char *path = join(dir, file);
  if (path == NULL)
    return SALESIM_ENOMEM;
  salesim_csv *c = NULL;
  int rc = salesim_csv_read(&c, path, diag);
  free(path);
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

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Detail tables: the manifest's list, or (older folders) every other CSV. */
static int load_tables(salesim_report_data *d, const char *dir, salesim_diag *diag) {
  const json_t *list = json_object_get(d->manifest, "tables");
  if (json_is_array(list)) {
    for (size_t i = 0; i < json_array_size(list); i++) {
      const char *stem = json_string_value(json_array_get(list, i));
      int rc;
      if (stem != NULL && (rc = add_table(d, dir, stem, diag)) != 0)
        return rc;
    }
    return 0;
  }
  static const char *const known[] = {"summary.csv", "replications.csv", "monthly.csv",
                                      "sweep.csv", "costing.csv"};
  DIR *dd = opendir(dir);
  if (dd == NULL)
    return 0;
  char *found[256];
  int nf = 0;
  struct dirent *e;
  while ((e = readdir(dd)) != NULL && nf < 256) {
    size_t n = strlen(e->d_name);
    if (n < 5 || strcmp(e->d_name + n - 4, ".csv") != 0 || e->d_name[0] == '.')
      continue;
    int skip = 0;
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
      skip |= strcmp(e->d_name, known[k]) == 0;
    if (skip)
      continue;
    found[nf] = malloc(n - 3);
    if (found[nf] == NULL)
      break;
    memcpy(found[nf], e->d_name, n - 4);
    found[nf][n - 4] = '\0';
    nf++;
  }
  closedir(dd);
  qsort(found, (size_t)nf, sizeof found[0], cmp_str);
  int rc = 0;
  for (int i = 0; i < nf; i++) {
    if (rc == 0)
      rc = add_table(d, dir, found[i], diag);
    free(found[i]);
  }
  return rc;
}

static int load_monthly(salesim_report_data *d, const char *dir, salesim_diag *diag) {
  char *path = join(dir, "monthly.csv");
  if (path == NULL)
    return SALESIM_ENOMEM;
  salesim_csv *c = NULL;
  FILE *probe = fopen(path, "rb");
  if (probe == NULL) {
    free(path);
    return 0; /* no monthly series: the charts are left out */
  }
  fclose(probe);
  int rc = salesim_csv_read(&c, path, diag);
  free(path);
  if (rc != 0)
    return rc;
  int cmech = salesim_csv_col(c, "mechanism"), cmonth = salesim_csv_col(c, "month");
  int col[SALESIM_SERIES_COUNT];
  int months = 0;
  for (int s = 0; s < SALESIM_SERIES_COUNT; s++)
    col[s] = salesim_csv_col(c, salesim_series_name(s));
  for (size_t i = 0; i < c->nrows; i++) {
    double m = salesim_csv_number(c, i, cmonth);
    if (m >= 1 && m <= 100000 && (int)m > months)
      months = (int)m;
  }
  if (cmech < 0 || cmonth < 0 || months == 0) {
    salesim_csv_free(c);
    return 0;
  }
  d->n_months = months;
  d->monthly = malloc((size_t)d->n_mech * (size_t)months * SALESIM_SERIES_COUNT *
                      sizeof *d->monthly);
  if (d->monthly == NULL) {
    salesim_csv_free(c);
    return SALESIM_ENOMEM;
  }
  for (size_t i = 0; i < (size_t)d->n_mech * (size_t)months * SALESIM_SERIES_COUNT; i++)
    d->monthly[i] = NAN;
  for (size_t i = 0; i < c->nrows; i++) {
    const char *name = salesim_csv_cell(c, i, cmech);
    int mech = -1;
    for (int k = 0; k < d->n_mech; k++)
      if (strcmp(d->mech[k].name, name) == 0)
        mech = k;
    double m = salesim_csv_number(c, i, cmonth);
    if (mech < 0 || !(m >= 1 && m <= months))
      continue;
    for (int s = 0; s < SALESIM_SERIES_COUNT; s++)
      if (col[s] >= 0)
        SALESIM_REPORT_MONTHLY(d, mech, (int)m - 1, s) = salesim_csv_number(c, i, col[s]);
  }
  salesim_csv_free(c);
  return 0;
}

static int load_optional_csv(salesim_csv **out, const char *dir, const char *name,
                             salesim_diag *diag) {
  char *path = join(dir, name);
  if (path == NULL)
    return SALESIM_ENOMEM;
  FILE *probe = fopen(path, "rb");
  int rc = 0;
  if (probe != NULL) {
    fclose(probe);
    rc = salesim_csv_read(out, path, diag);
  }
  free(path);
  return rc;
}

int salesim_report_load(salesim_report_data **out, const char *dir, salesim_diag *diag) {
  *out = NULL;
  int rc = SALESIM_ENOMEM;
  json_error_t jerr;
  salesim_report_data *d = calloc(1, sizeof *d);
  char *path = join(dir, "summary.json");
  if (d == NULL || path == NULL)
    goto cleanup;
  FILE *probe = fopen(path, "rb");
  if (probe == NULL) {
    salesim_diag_add(diag, "%s: %s (expected the output folder of a salesim run)", path,
                     strerror(errno));
    rc = SALESIM_EIO;
    goto cleanup;
  }
  fclose(probe);
  d->summary = json_load_file(path, 0, &jerr);
  if (d->summary == NULL) {
    salesim_diag_add(diag, "%s:%d: %s", path, jerr.line, jerr.text);
    rc = SALESIM_EINVAL;
    goto cleanup;
  }
  d->manifest = json_object_get(d->summary, "manifest");
  const json_t *mechs = json_object_get(d->summary, "mechanisms");
  const json_t *order = json_object_get(d->manifest, "mechanisms");
  if (!json_is_object(d->manifest) || !json_is_object(mechs) || !json_is_array(order) ||
      json_array_size(order) == 0) {
    salesim_diag_add(diag, "%s: no manifest or mechanisms (expected summary.json of a salesim run)",
                     path);
    rc = SALESIM_EINVAL;
    goto cleanup;
  }
  const char *name = json_string_value(json_object_get(d->manifest, "scenario_name"));
  if (name == NULL) {
    const char *slash = strrchr(dir, '/');
    name = slash && slash[1] ? slash + 1 : dir;
  }
  snprintf(d->title, sizeof d->title, "%s", name);
  const char *cur = json_string_value(json_object_get(d->manifest, "currency"));
  snprintf(d->currency, sizeof d->currency, "%s", cur ? cur : "");
  d->reference_target = jnumber(d->manifest, "reference_target", NAN);

  d->n_mech = (int)json_array_size(order);
  d->mech = calloc((size_t)d->n_mech, sizeof *d->mech);
  if (d->mech == NULL)
    goto cleanup;
  const char *base = json_string_value(json_object_get(d->manifest, "baseline"));
  for (int k = 0; k < d->n_mech; k++) {
    salesim_report_mech *m = &d->mech[k];
    const json_t *entry = json_array_get(order, (size_t)k);
    const char *mn = json_string_value(json_object_get(entry, "name"));
    const char *mt = json_string_value(json_object_get(entry, "type"));
    snprintf(m->name, sizeof m->name, "%s", mn ? mn : "?");
    snprintf(m->type, sizeof m->type, "%s", mt ? mt : "?");
    m->params = json_object_get(entry, "params");
    m->baseline = base != NULL && strcmp(base, m->name) == 0;
    if (m->baseline)
      d->baseline = k;
    for (int i = 0; i < SALESIM_METRIC_COUNT; i++) {
      salesim_stat nan_stat = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0};
      m->stat[i] = nan_stat;
    }
    const json_t *metrics = json_object_get(json_object_get(mechs, m->name), "metrics");
    const char *key;
    const json_t *val;
    json_object_foreach((json_t *)metrics, key, val) {
      int i = salesim_metric_find(key);
      if (i < 0)
        continue;
      stat_from_json(&m->stat[i], val);
      d->has_metric[i] = 1;
    }
    payout_curve(m, d->reference_target);
  }
  if ((rc = load_monthly(d, dir, diag)) != 0 || (rc = load_tables(d, dir, diag)) != 0 ||
      (rc = load_optional_csv(&d->sweep, dir, "sweep.csv", diag)) != 0 ||
      (rc = load_optional_csv(&d->costing, dir, "costing.csv", diag)) != 0)
    goto cleanup;
  free(path);
  path = join(dir, "scenario.cfg");
  if (path == NULL) {
    rc = SALESIM_ENOMEM;
    goto cleanup;
  }
  errno = 0;
  d->scenario_text = slurp(path, NULL); /* optional, but not out of memory */
  if (d->scenario_text == NULL && errno == ENOMEM) {
    salesim_diag_add(diag, "%s: out of memory", path);
    rc = SALESIM_ENOMEM;
    goto cleanup;
  }
  *out = d;
  d = NULL;
  rc = 0;
cleanup:
  free(path);
  salesim_report_data_free(d);
  return rc;
}
