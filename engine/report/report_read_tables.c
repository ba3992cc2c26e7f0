/*
 * engine/report/report_read_tables.c: the CSV files of an output folder read
 * back and checked cell by cell and against summary.json: summary.csv (the
 * same statistics), monthly.csv (every mechanism, every month, once), the
 * detail tables, sweep.csv and costing.csv when present, and scenario.cfg.
 * A truncated, corrupt or inconsistent folder is refused with one line
 * FILE:LINE: COLUMN: problem (expected ...). Read next:
 * engine/report/report_format.c.
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
#include "report_read.h"
#include "util_sort.h"

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
                   c->header[col],
                   salesim_report_shown(salesim_csv_cell(c, row, col), sb, sizeof sb), expected);
}

/* The header must be exactly `names` (n of them), in order. */
static int check_header(loader *ld, const char *path, const salesim_csv *c,
                        const char *const *names, int n) {
  char sb[64];
  for (int i = 0; i < n && i < c->ncols; i++)
    if (strcmp(c->header[i], names[i]) != 0) {
      salesim_diag_add(ld->diag, "%s:1: column %d is \"%s\" (expected \"%s\")", path, i + 1,
                       salesim_report_shown(c->header[i], sb, sizeof sb), names[i]);
      return SALESIM_EINVAL;
    }
  if (c->ncols != n) {
    salesim_diag_add(ld->diag, "%s:1: %d columns (expected %d: %s ... %s)", path, c->ncols, n,
                     names[0], names[n - 1]);
    return SALESIM_EINVAL;
  }
  return 0;
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
  int rc = salesim_csv_read_budget(c, *path, &ld->budget, what, ld->diag);
  if (rc == SALESIM_ENOTFOUND)
    rc = SALESIM_EINVAL;
  if (rc == 0)
    rc = check_header(ld, *path, *c, cols, ncols);
  return rc;
}

int salesim_report_load_summary_csv(loader *ld) {
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
    int k = salesim_report_find_mech(d, salesim_csv_cell(c, i, 0));
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
                         salesim_report_shown(d->mech[k].name, sb, sizeof sb),
                         d->metric_info[m]->name);
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

int salesim_report_load_monthly(loader *ld) {
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
    int k = salesim_report_find_mech(d, salesim_csv_cell(c, i, 0));
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
                       salesim_report_shown(d->mech[j / (size_t)d->n_months].name, sb, sizeof sb),
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
  int rc = salesim_csv_read_budget(&c, path, &ld->budget, "a table listed in summary.json",
                                   ld->diag);
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
                                             "costing", "batch", "calibration"};

static int reserved_stem(const char *s) {
  for (size_t k = 0; k < sizeof reserved_stems / sizeof reserved_stems[0]; k++)
    if (strcmp(s, reserved_stems[k]) == 0)
      return 1;
  return 0;
}

/* Detail tables: the manifest's list, or (older folders) every other CSV. */
int salesim_report_load_tables(loader *ld) {
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
                         ld->dir, i, stem ? salesim_report_shown(stem, sb, sizeof sb) : "?");
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

int salesim_report_load_optional_csv(loader *ld, salesim_csv **out, const char *name) {
  char *path = salesim_fs_join(ld->dir, name);
  if (path == NULL)
    return SALESIM_ENOMEM;
  int rc = salesim_csv_read_budget(out, path, &ld->budget, NULL, ld->diag);
  free(path);
  return rc == SALESIM_ENOTFOUND ? 0 : rc;
}

int salesim_report_load_scenario_text(loader *ld) {
  char *path = salesim_fs_join(ld->dir, "scenario.cfg");
  if (path == NULL)
    return SALESIM_ENOMEM;
  size_t len = 0, limit = SALESIM_REPORT_MAX_SCENARIO;
  if (ld->budget < limit)
    limit = ld->budget;
  int rc = salesim_report_read_bounded(path, limit, &ld->d->scenario_text, &len, NULL, ld->diag);
  if (rc == 0 && memchr(ld->d->scenario_text, '\0', len) != NULL) {
    salesim_diag_add(ld->diag, "%s: a NUL byte (expected the text of a scenario)", path);
    rc = SALESIM_EINVAL;
  }
  free(path);
  ld->budget -= len;
  return rc == SALESIM_ENOTFOUND ? 0 : rc; /* optional */
}

