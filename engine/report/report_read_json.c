/*
 * engine/report/report_read_json.c: summary.json read back with jansson:
 * the manifest, every statistic of every mechanism, and each plan's payout
 * curve as the run wrote it (the mechanism's payout_curve hook; no pay rule
 * is known here). Each value is checked; a defect is refused with one line
 * naming its place in the file. Read next:
 * engine/report/report_read_tables.c.
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
                     path, salesim_report_shown(m->name, sb, sizeof sb),
                     SALESIM_REPORT_CURVE_POINTS);
    return SALESIM_EINVAL;
  }
  for (size_t i = 0; i < json_array_size(a); i++) {
    const json_t *pt = json_array_get(a, i);
    const json_t *x = json_object_get(pt, "attainment"), *y = json_object_get(pt, "pay");
    if (!json_is_number(x) || !json_is_number(y)) {
      salesim_diag_add(ld->diag, "%s: mechanisms.%s.payout_curve[%zu]: no number attainment "
                                 "or pay (expected {\"attainment\": A, \"pay\": P})",
                       path, salesim_report_shown(m->name, sb, sizeof sb), i);
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
                     path, salesim_report_shown(mech, sb, sizeof sb), metric);
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
                       path, salesim_report_shown(mech, sm, sizeof sm), metric, keys[i]);
      return SALESIM_EINVAL;
    }
  }
  const json_t *n = json_object_get(o, "n");
  if (!json_is_integer(n) || json_integer_value(n) < 0 ||
      json_integer_value(n) > 100000000) {
    salesim_diag_add(ld->diag, "%s: mechanisms.%s.metrics.%s.n: missing or not a count "
                               "(expected a whole number >= 0)",
                     path, salesim_report_shown(mech, sm, sizeof sm), metric);
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

int salesim_report_load_summary_json(loader *ld) {
  salesim_report_data *d = ld->d;
  char *path = salesim_fs_join(ld->dir, "summary.json"), *text = NULL;
  size_t len = 0;
  char sb[64];
  int rc = SALESIM_ENOMEM;
  if (path == NULL)
    return rc;
  rc = salesim_report_read_bounded(path, SALESIM_REPORT_MAX_FILE, &text, &len,
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
                     jerr.line, salesim_report_shown(jerr.text, sb, sizeof sb));
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
    if (salesim_report_find_mech(d, m->name) != k) {
      salesim_diag_add(ld->diag, "%s: manifest.mechanisms[%d]: \"%s\" is named twice (expected "
                                 "distinct labels)",
                       path, k, salesim_report_shown(mn, sb, sizeof sb));
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
                       path, salesim_report_shown(mn, sb, sizeof sb));
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
                     path, base ? salesim_report_shown(base, sb, sizeof sb) : "?");
    goto done;
  }
  rc = 0;
done:
  free(text);
  free(path);
  return rc;
}

