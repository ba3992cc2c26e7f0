/*
 * engine/output/output_json.c: summary.json (docs/output-format.md): the
 * manifest, every statistic of every mechanism, and each mechanism's payout
 * curve as its payout_curve hook supplies it (engine/base/payout_curve.h),
 * spliced in with every digit.
 *
 * Numbers are written with 10 significant digits (NAN and infinities as
 * null, -0 as 0), so the same results give the same bytes. Read next:
 * engine/output/output.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <salesim/salesim.h>

#include "fs.h"
#include "mechanism.h"
#include "output_write.h"
#include "params_json.h"

/* Builders that remember a failure in *ok, so the tree is built straight
 * through and checked once. */
static void jset(json_t *obj, const char *key, json_t *value, int *ok) {
  if (value == NULL || json_object_set_new(obj, key, value) != 0)
    *ok = 0;
}

static void jappend(json_t *arr, json_t *value, int *ok) {
  if (value == NULL || json_array_append_new(arr, value) != 0)
    *ok = 0;
}

static json_t *jnum(double v) {
  if (!isfinite(v))
    return json_null();
  return json_real(v == 0.0 ? 0.0 : v);
}

/* A JSON string; bytes that are not valid UTF-8 become '?'. NULL or "" give
 * null when `empty_null`. */
static json_t *jstr(const char *s, int empty_null) {
  if (s == NULL || (empty_null && s[0] == '\0'))
    return json_null();
  json_t *j = json_string(s);
  if (j != NULL)
    return j;
  char *copy = salesim_fs_concat(s, "", "");
  if (copy == NULL)
    return NULL;
  for (char *c = copy; *c; c++)
    if ((unsigned char)*c >= 0x80 || (unsigned char)*c < 0x20)
      *c = '?';
  j = json_string(copy);
  free(copy);
  return j;
}

/* The data files of the scenario's `data` group: file -> {path, hash,
 * rows}, and the start date. */
static json_t *data_json(const salesim_data *d, int *ok) {
  json_t *o = json_object();
  if (o == NULL) {
    *ok = 0;
    return NULL;
  }
  const size_t rows[SALESIM_DATA_FILES] = {d->n_territories, d->n_accounts, d->n_reps,
                                           d->n_periods,     d->n_events,   d->n_activities};
  for (int f = 0; f < SALESIM_DATA_FILES; f++) {
    if (d->path[f] == NULL)
      continue;
    json_t *one = json_object();
    if (one != NULL) {
      jset(one, "path", jstr(d->path[f], 0), ok);
      jset(one, "hash", jstr(d->hash[f], 0), ok);
      jset(one, "rows", json_integer((json_int_t)rows[f]), ok);
    }
    jset(o, salesim_data_file_name((salesim_data_file)f), one, ok);
  }
  if (d->start != SALESIM_DATA_NO_DATE) {
    int y, m, dd;
    char buf[16];
    salesim_data_ymd(d->start, &y, &m, &dd);
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, dd);
    jset(o, "start", json_string(buf), ok);
  }
  return o;
}

static json_t *manifest_json(const report *rp, int *ok) {
  const salesim_results *r = rp->r;
  const salesim_scenario *sc = rp->sc;
  json_t *man = json_object();
  if (man == NULL) {
    *ok = 0;
    return NULL;
  }
  const char *path = sc && sc->path ? sc->path : r->scenario_path;
  const char *hash = r->scenario_hash[0] ? r->scenario_hash : sc ? sc->hash : "";
  jset(man, "scenario_path", jstr(path, 1), ok);
  jset(man, "scenario_name", jstr(sc ? sc->name : NULL, 1), ok);
  jset(man, "currency", jstr(sc ? sc->currency : NULL, 1), ok);
  jset(man, "scenario_hash", jstr(hash, 1), ok);
  if (r->seed <= (uint64_t)INT64_MAX) {
    jset(man, "seed", json_integer((json_int_t)r->seed), ok);
  } else {
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)r->seed);
    jset(man, "seed", json_string(buf), ok);
  }
  jset(man, "replications", json_integer(r->n_rep), ok);
  jset(man, "months", json_integer(r->n_months), ok);
  json_t *mechs = json_array();
  for (int mech = 0; mechs != NULL && mech < r->n_mech; mech++) {
    json_t *one = json_object();
    if (one != NULL) {
      jset(one, "name", jstr(r->mech_names[mech], 0), ok);
      jset(one, "type", jstr(r->mech_types[mech], 0), ok);
      /* the plan's settings, for payout curves in the reports */
      if (sc != NULL && mech < sc->n_mechanisms && sc->mechanisms[mech].type != NULL)
        jset(one, "params",
             salesim_params_to_json(sc->mechanisms[mech].type->params,
                                    sc->mechanisms[mech].params),
             ok);
    }
    jappend(mechs, one, ok);
  }
  jset(man, "mechanisms", mechs, ok);
  jset(man, "baseline", jstr(r->mech_names[r->baseline], 0), ok);
  jset(man, "salesim_version", jstr(r->version, 1), ok);
  jset(man, "started", jstr(r->started, 1), ok);
  jset(man, "wall_seconds", jnum(r->wall_seconds), ok);
  jset(man, "threads", json_integer(r->threads), ok);
  /* Additions for the reports (engine/report/report.c): the detail tables' file
   * stems, the annual target of a typical rep (x axis of payout curves),
   * the scenario's description. */
  json_t *tables = json_array();
  for (int i = 0; tables != NULL && i < r->n_tables; i++)
    jappend(tables, jstr(r->tables[i]->name, 0), ok);
  jset(man, "tables", tables, ok);
  if (sc != NULL) {
    jset(man, "reference_target", jnum(salesim_params_reference_target(sc)), ok);
    jset(man, "months_per_year", json_integer(sc->months_per_year), ok);
    jset(man, "description", jstr(sc->description, 1), ok);
  }
  /* which company data the run used (only with a data group: shipped
   * scenarios keep their bytes) */
  if (sc != NULL && sc->data != NULL)
    jset(man, "data", data_json(sc->data, ok), ok);
  /* the calibration the scenario named (only with the setting) */
  if (sc != NULL && sc->calibration != NULL) {
    json_t *cal = json_object();
    if (cal != NULL) {
      jset(cal, "path", jstr(sc->calibration_path, 0), ok);
      jset(cal, "hash", jstr(sc->calibration_hash, 0), ok);
      jset(cal, "copy", jstr("calibration.csv", 0), ok);
    }
    jset(man, "calibration", cal, ok);
  }
  return man;
}

static json_t *stat_json(const salesim_stat *s, const salesim_metric_info *info, int *ok) {
  json_t *o = json_object();
  if (o == NULL) {
    *ok = 0;
    return NULL;
  }
  jset(o, "label", json_string(info->label), ok);
  jset(o, "unit", json_string(info->unit), ok);
  jset(o, "higher_is_better", json_integer(info->better), ok);
  jset(o, "mean", jnum(s->mean), ok);
  jset(o, "sd", jnum(s->sd), ok);
  jset(o, "ci_low", jnum(s->ci_low), ok);
  jset(o, "ci_high", jnum(s->ci_high), ok);
  jset(o, "diff_vs_baseline", jnum(s->diff), ok);
  jset(o, "diff_ci_low", jnum(s->diff_low), ok);
  jset(o, "diff_ci_high", jnum(s->diff_high), ok);
  jset(o, "p5", jnum(s->p5), ok);
  jset(o, "p50", jnum(s->p50), ok);
  jset(o, "p95", jnum(s->p95), ok);
  jset(o, "n", json_integer(s->n), ok);
  return o;
}

/* The payout curve mechanism `mech` supplies (engine/base/payout_curve.h), as
 * [{"attainment": a, "pay": p}, ...]; NULL without one (no hook, no
 * scenario, or none for these settings), with *rc set on a hook failure. */
static json_t *payout_curve_json(const report *rp, int mech, int *ok, int *rc,
                                 salesim_diag *diag) {
  const salesim_scenario *sc = rp->sc;
  if (sc == NULL || mech >= sc->n_mechanisms || sc->mechanisms[mech].type == NULL ||
      sc->mechanisms[mech].type->payout_curve == NULL)
    return NULL;
  const salesim_mechanism_type *t = sc->mechanisms[mech].type;
  salesim_payout_curve curve;
  int err = t->payout_curve(sc->mechanisms[mech].params, sc,
                            salesim_params_reference_target(sc), &curve);
  if (err != 0) {
    salesim_diag_add(diag, "summary.json: %s: payout curve: %s", rp->r->mech_names[mech],
                     salesim_strerror(err));
    *rc = err;
    return NULL;
  }
  if (curve.n <= 0 || curve.n > SALESIM_PAYOUT_POINTS)
    return NULL;
  json_t *arr = json_array();
  for (int i = 0; arr != NULL && i < curve.n; i++) {
    json_t *pt = json_object();
    if (pt != NULL) {
      jset(pt, "attainment", jnum(curve.attainment[i]), ok);
      jset(pt, "pay", jnum(curve.pay[i]), ok);
    }
    jappend(arr, pt, ok);
  }
  if (arr == NULL)
    *ok = 0;
  return arr;
}

/* Payout curves carry every digit (the reports draw exactly the numbers
 * the mechanism computed), while the rest of summary.json keeps its 10
 * significant digits: each curve stands in the tree as a placeholder string
 * no scenario text can produce (jstr turns control bytes into '?'), and is
 * spliced into the text dumped at 17 digits, indented to its place. */
#define CURVE_MARK "\001payout_curve\001"
#define CURVE_MARK_JSON "\"\\u0001payout_curve\\u0001"

static char *splice_curve(char *text, int mech, const json_t *curve) {
  char mark[64];
  snprintf(mark, sizeof mark, CURVE_MARK_JSON "%d\"", mech);
  char *at = strstr(text, mark);
  if (at == NULL || strstr(at + 1, mark) != NULL)
    return NULL;
  size_t indent = 0;
  for (const char *c = at; c > text && c[-1] != '\n'; c--)
    indent++;
  indent -= strlen("\"payout_curve\": ");
  char *arr = json_dumps(curve, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
  if (arr == NULL)
    return NULL;
  size_t lines = 0;
  for (const char *c = arr; *c; c++)
    lines += *c == '\n';
  size_t head = (size_t)(at - text), tail = strlen(at + strlen(mark));
  char *out = malloc(head + strlen(arr) + lines * indent + tail + 1);
  if (out != NULL) {
    char *o = out;
    memcpy(o, text, head);
    o += head;
    for (const char *c = arr; *c; c++) {
      *o++ = *c;
      if (*c == '\n') {
        memset(o, ' ', indent);
        o += indent;
      }
    }
    memcpy(o, at + strlen(mark), tail + 1);
  }
  free(arr);
  return out;
}

int salesim_output_summary_json(const report *rp, const char *dir, salesim_diag *diag) {
  const salesim_results *r = rp->r;
  int ok = 1, rc = 0;
  char *text = NULL;
  out_file f;
  json_t *root = json_object();
  json_t **curves = calloc((size_t)r->n_mech, sizeof *curves);
  if (root == NULL || curves == NULL) {
    json_decref(root);
    free(curves);
    return SALESIM_ENOMEM;
  }
  jset(root, "manifest", manifest_json(rp, &ok), &ok);
  json_t *mechs = json_object();
  for (int mech = 0; mechs != NULL && mech < r->n_mech; mech++) {
    json_t *one = json_object(), *metrics = json_object();
    if (one == NULL || metrics == NULL) {
      json_decref(one);
      json_decref(metrics);
      ok = 0;
      break;
    }
    for (int m = 0; m < r->n_metrics; m++)
      if (rp->has_data[m])
        jset(metrics, r->metric_info[m]->name,
             stat_json(&REPORT_STAT(rp, mech, m), r->metric_info[m], &ok), &ok);
    jset(one, "type", jstr(r->mech_types[mech], 0), &ok);
    jset(one, "baseline", json_boolean(mech == r->baseline), &ok);
    jset(one, "metrics", metrics, &ok);
    curves[mech] = payout_curve_json(rp, mech, &ok, &rc, diag);
    if (curves[mech] != NULL) {
      char mark[64];
      snprintf(mark, sizeof mark, CURVE_MARK "%d", mech);
      jset(one, "payout_curve", json_string(mark), &ok);
    }
    jset(mechs, r->mech_names[mech], one, &ok);
  }
  jset(root, "mechanisms", mechs, &ok);
  if (rc != 0)
    goto cleanup;
  if (ok)
    text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                JSON_REAL_PRECISION(10));
  for (int mech = 0; text != NULL && mech < r->n_mech; mech++)
    if (curves[mech] != NULL) {
      char *spliced = splice_curve(text, mech, curves[mech]);
      free(text);
      text = spliced;
    }
  if (text == NULL) {
    salesim_diag_add(diag, "summary.json: out of memory building the report");
    rc = SALESIM_ENOMEM;
    goto cleanup;
  }
  rc = salesim_out_open(&f, dir, "summary.json", diag);
  if (rc != 0)
    goto cleanup;
  salesim_out_printf(&f, "%s\n", text);
  rc = salesim_out_close(&f, diag);
cleanup:
  for (int mech = 0; mech < r->n_mech; mech++)
    json_decref(curves[mech]);
  free(curves);
  free(text);
  json_decref(root);
  return rc;
}