/*
 * engine/report/report_calib.c: the reports' Calibration section (issue 13,
 * docs/reports.md "Calibration"), for a run of a scenario with `calibration
 * = "fit.csv";` (a calibrated.cfg of `salesim calibrate`).
 *
 * The run's output folder holds the fit as calibration.csv, a byte copy of
 * fit.csv; salesim_report_load_calibration reads it (optional, bounded like
 * every file of the folder) with the one parser of fit.csv
 * (engine/base/fit_table.c). salesim_report_calib_build turns it into what
 * the three writers show, as text, so report.md, report.html and
 * report.xlsx say the same: the fit's facts (history months, people at the
 * start, replications, evaluations and convergence), a warning line per
 * trait the data do not identify (the run kept the scenario's value), and
 * the tables of the traits, the pipeline's estimates, the moments (observed,
 * simulated mean with its 95 % interval, one history's range, whether the
 * observed value lies inside it) and the held-out months when there are
 * any. Numbers are rounded by salesim_report_fmt like the rest of the
 * report. fit.csv holds no names of people, accounts or territories (only
 * the model's setting and moment names, dates and figures), so the section
 * needs no redaction.
 *
 * Read next: engine/report/report_md.c (how a writer shows it).
 */
#define _XOPEN_SOURCE 700

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "report.h"
#include "report_read.h"

int salesim_report_load_calibration(loader *ld) {
  char *path = salesim_fs_join(ld->dir, "calibration.csv");
  if (path == NULL)
    return SALESIM_ENOMEM;
  char *text = NULL;
  size_t len = 0, limit = SALESIM_FIT_MAX_BYTES;
  if (ld->budget < limit)
    limit = ld->budget;
  int rc = salesim_report_read_bounded(path, limit, &text, &len, NULL, ld->diag);
  if (rc == SALESIM_ENOTFOUND) { /* optional: a run without the setting */
    free(path);
    return 0;
  }
  if (rc == 0) {
    ld->budget -= len;
    long line = 0;
    char why[600];
    rc = salesim_fit_parse(&ld->d->calibration, text, len, &line, why, sizeof why);
    if (rc != 0)
      salesim_diag_add(ld->diag, "%s:%ld: %s", path, line, why);
  }
  free(text);
  free(path);
  return rc;
}

/* ---- the section as text -------------------------------------------------------- */

static char *textf(int *oom, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static char *textf(int *oom, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (s == NULL) {
    *oom = 1;
    return NULL;
  }
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

/* A number as the report rounds it ("–" when there is none). */
static const char *num(double v, char *buf, size_t size) {
  return salesim_report_fmt(v, NULL, buf, size);
}

/* "[lo, hi]", or "–" without an interval. */
static const char *interval(double lo, double hi, char *buf, size_t size) {
  char l[64], h[64];
  if (isnan(lo) || isnan(hi))
    snprintf(buf, size, "–");
  else
    snprintf(buf, size, "[%s, %s]", num(lo, l, sizeof l), num(hi, h, sizeof h));
  return buf;
}

/* A count ("–" when there is none). */
static const char *count(double v, char *buf, size_t size) {
  if (isnan(v))
    snprintf(buf, size, "–");
  else
    snprintf(buf, size, "%.0f", v);
  return buf;
}

/* Row `r` of table t: its cells from the strings given (copied), each with
 * the number a spreadsheet writes in its place (NAN: the text). */
static void add_row(salesim_report_ttable *t, int *oom, const char *const *cells,
                    const double *nums) {
  if (*oom)
    return;
  size_t r = t->nrows, k = (size_t)t->ncols;
  char **c = realloc(t->cell, (r + 1) * k * sizeof *c);
  if (c != NULL)
    t->cell = c;
  double *v = c != NULL ? realloc(t->num, (r + 1) * k * sizeof *v) : NULL;
  if (v != NULL)
    t->num = v;
  if (c == NULL || v == NULL) {
    *oom = 1;
    return;
  }
  for (size_t j = 0; j < k; j++) {
    c[r * k + j] = textf(oom, "%s", cells[j]);
    v[r * k + j] = nums[j];
  }
  t->nrows = r + 1;
}

static int not_identified(const salesim_fit_row *q) {
  return strncmp(q->status, "not identified", 14) == 0;
}

/* A trait's meaning as fit.csv writes it, "SETTING (the scenario said X;
 * sensitivity S)": the setting and X as text, X returned (NAN and "–" when
 * the text is not of that form: then the setting is the whole meaning). */
static double trait_meaning(const salesim_fit_row *q, char *setting, size_t ns, char *said,
                            size_t nsaid) {
  static const char mark[] = " (the scenario said ";
  const char *at = strstr(q->meaning, mark);
  const char *semi = at != NULL ? strchr(at + sizeof mark - 1, ';') : NULL;
  if (at == NULL || semi == NULL) {
    snprintf(setting, ns, "%s", q->meaning[0] ? q->meaning : "–");
    snprintf(said, nsaid, "–");
    return NAN;
  }
  snprintf(setting, ns, "%.*s", (int)(at - q->meaning), q->meaning);
  const char *v = at + sizeof mark - 1;
  snprintf(said, nsaid, "%.*s", (int)(semi - v), v);
  /* a number is rounded as the report's others are */
  char *end = NULL;
  double x = strtod(said, &end);
  if (end == said || *end != '\0' || !isfinite(x))
    return NAN;
  char buf[64];
  snprintf(said, nsaid, "%s", num(x, buf, sizeof buf));
  return x;
}

/* A pipeline row that is an estimate (with an interval), not a count of
 * the deal log (opportunities, stage_months, censored_open...). */
static int has_interval(const salesim_fit_row *q) {
  return !isnan(q->v[SALESIM_FIT_CI_LOW]) && !isnan(q->v[SALESIM_FIT_CI_HIGH]);
}

static const salesim_fit_row *fact(const salesim_fit *f, const char *name) {
  return salesim_fit_find(f, SALESIM_FIT_FACT, name);
}

static double fact_value(const salesim_fit *f, const char *name) {
  const salesim_fit_row *q = fact(f, name);
  return q != NULL ? q->v[SALESIM_FIT_ESTIMATE] : NAN;
}

void salesim_report_calib_free(salesim_report_calib *c) {
  if (c == NULL)
    return;
  free(c->facts);
  for (size_t i = 0; i < c->n_warn; i++)
    free(c->warn[i]);
  free(c->warn);
  for (int t = 0; t < c->n_tables; t++) {
    free(c->table[t].intro);
    for (size_t i = 0; i < c->table[t].nrows * (size_t)c->table[t].ncols; i++)
      free(c->table[t].cell[i]);
    free(c->table[t].cell);
    free(c->table[t].num);
  }
  memset(c, 0, sizeof *c);
}

int salesim_report_calib_build(const salesim_fit *f, salesim_report_calib *out) {
  static const char *const trait_head[] = {"trait", "setting", "the scenario said", "estimate",
                                           "95 % interval", "status"};
  static const char *const pipe_head[] = {"parameter", "estimate", "95 % interval", "n"};
  static const char *const moment_head[] = {"moment", "observed",
                                            "simulated mean", "95 % interval of the mean",
                                            "one history's 95 % range", "observed inside",
                                            "fit", "what it measures"};
  static const char *const hold_head[] = {"moment", "observed", "predicted mean",
                                          "one history's 95 % range", "status"};
  memset(out, 0, sizeof *out);
  int oom = 0;
  char a[64], b[64], c[160], d[64], e[64];
  int traits = 0, ident = 0, used = 0, outside = 0, held = 0, covered = 0, pipes = 0;
  for (size_t i = 0; i < f->n_rows; i++) {
    const salesim_fit_row *q = &f->rows[i];
    pipes += q->section == SALESIM_FIT_PIPELINE;
    if (q->section == SALESIM_FIT_TRAIT) {
      traits++;
      ident += !not_identified(q);
    } else if (q->section == SALESIM_FIT_MOMENT && strcmp(q->status, "used") == 0) {
      used++;
      double o = q->v[SALESIM_FIT_OBSERVED];
      outside += !(o >= q->v[SALESIM_FIT_ONE_LOW] && o <= q->v[SALESIM_FIT_ONE_HIGH]);
    } else if (q->section == SALESIM_FIT_HOLDOUT && strcmp(q->status, "no observation") != 0) {
      held++;
      covered += strcmp(q->status, "covered") == 0;
    }
  }

  /* the facts */
  const salesim_fit_row *hist = fact(f, "history_months"), *ev = fact(f, "evaluations");
  char obj0[64], obj1[64], m[32], p[32], r[32], n[32];
  out->facts = textf(
      &oom,
      "Fitted by salesim calibrate to %s months of the company's history, %s, starting from "
      "the %s people employed on its first day; %s simulated histories per candidate, %s "
      "candidates evaluated (%s); the distance of the moments went from %s at the scenario's "
      "values to %s at the estimate. %d of %d traits are identified by the data; %d of the %d "
      "moments used lie outside the range one simulated history shows at the estimate.%s %s",
      count(hist->v[SALESIM_FIT_ESTIMATE], m, sizeof m), hist->meaning[0] ? hist->meaning : "–",
      count(fact_value(f, "people_at_start"), p, sizeof p),
      count(fact_value(f, "replications"), r, sizeof r),
      count(ev ? ev->v[SALESIM_FIT_ESTIMATE] : NAN, n, sizeof n),
      ev && ev->status[0] ? ev->status : "–", num(fact_value(f, "objective_start"), obj0, sizeof obj0),
      num(fact_value(f, "objective"), obj1, sizeof obj1), ident, traits, outside, used,
      pipes > 0 ? ""
                : " The pipeline was not estimated from the deal log: the scenario's pipeline "
                  "settings are kept.",
      ident < traits ? "The traits not identified keep the scenario's values: they, and every "
                       "other setting of the scenario (the plan, market, costs), are assumptions "
                       "the results above rest on."
                     : "Every other setting of the scenario (the plan, market, costs) is an "
                       "assumption the results above rest on.");

  /* a warning per trait not identified */
  for (size_t i = 0; i < f->n_rows && !oom; i++) {
    const salesim_fit_row *q = &f->rows[i];
    if (q->section != SALESIM_FIT_TRAIT || !not_identified(q))
      continue;
    char **w = realloc(out->warn, (out->n_warn + 1) * sizeof *w);
    if (w == NULL) {
      oom = 1;
      break;
    }
    out->warn = w;
    char setting[256], said[64];
    trait_meaning(q, setting, sizeof setting, said, sizeof said);
    out->warn[out->n_warn] =
        textf(&oom, "Trait %s (%s) is not identified by the data: the run kept the scenario's "
                    "value, %s; every result that depends on it rests on that assumption.",
              q->name, setting, said);
    out->n_warn += out->warn[out->n_warn] != NULL;
  }

  /* the traits */
  salesim_report_ttable *t = &out->table[out->n_tables++];
  t->title = "Traits (simulated method of moments)";
  t->intro = textf(&oom, "%s", "Estimates with their 95 % interval (asymptotic: the sandwich's, "
                               "exp(log estimate ± 1.96 SE), widened where the moments are "
                               "flatter in the trait than that assumes; docs/calibration.md).");
  t->ncols = 6;
  t->head = trait_head;
  t->align = "llrrrl";
  for (size_t i = 0; i < f->n_rows; i++) {
    const salesim_fit_row *q = &f->rows[i];
    if (q->section != SALESIM_FIT_TRAIT)
      continue;
    int ni = not_identified(q);
    char setting[256], said[64];
    double said_x = trait_meaning(q, setting, sizeof setting, said, sizeof said);
    const char *cells[] = {q->name, setting, said, num(q->v[SALESIM_FIT_ESTIMATE], a, sizeof a),
                           ni ? "not identified"
                              : interval(q->v[SALESIM_FIT_CI_LOW], q->v[SALESIM_FIT_CI_HIGH], c,
                                         sizeof c),
                           q->status};
    const double nums[] = {NAN, NAN, said_x, q->v[SALESIM_FIT_ESTIMATE], NAN, NAN};
    add_row(t, &oom, cells, nums);
  }

  /* the pipeline */
  if (pipes > 0) {
    t = &out->table[out->n_tables++];
    t->title = "Pipeline (maximum likelihood from the deal log)";
    /* the rows without an interval are counts of the deal log: one sentence */
    salesim_sbuf cnt = {0};
    for (size_t i = 0; i < f->n_rows; i++) {
      const salesim_fit_row *q = &f->rows[i];
      if (q->section != SALESIM_FIT_PIPELINE || has_interval(q) ||
          isnan(q->v[SALESIM_FIT_ESTIMATE]))
        continue;
      salesim_sbuf_printf(&cnt, "%s%s %s", cnt.len ? ", " : " The deal log's counts: ", q->name,
                          num(q->v[SALESIM_FIT_ESTIMATE], a, sizeof a));
    }
    oom |= cnt.oom;
    t->intro = textf(&oom, "Estimates with their 95 %% interval; n: the observations behind "
                           "each.%s%s",
                     cnt.s ? cnt.s : "", cnt.len ? "." : "");
    salesim_sbuf_free(&cnt);
    t->ncols = 4;
    t->head = pipe_head;
    t->align = "lrrr";
    for (size_t i = 0; i < f->n_rows; i++) {
      const salesim_fit_row *q = &f->rows[i];
      if (q->section != SALESIM_FIT_PIPELINE || !has_interval(q))
        continue;
      const char *cells[] = {q->name, num(q->v[SALESIM_FIT_ESTIMATE], a, sizeof a),
                             interval(q->v[SALESIM_FIT_CI_LOW], q->v[SALESIM_FIT_CI_HIGH], c,
                                      sizeof c),
                             count(q->v[SALESIM_FIT_N], b, sizeof b)};
      const double nums[] = {NAN, q->v[SALESIM_FIT_ESTIMATE], NAN, q->v[SALESIM_FIT_N]};
      add_row(t, &oom, cells, nums);
    }
  }

  /* the moments */
  t = &out->table[out->n_tables++];
  t->title = "Moments: observed and simulated at the estimate";
  t->intro = textf(&oom, "%s", "The simulated mean over the replications with its 95 % "
                               "interval, and the range (2.5 % to 97.5 %) one simulated history "
                               "shows: an observed value outside that range is one the model "
                               "rarely produces.");
  t->ncols = 8;
  t->head = moment_head;
  t->align = "lrrrrlll";
  for (size_t i = 0; i < f->n_rows; i++) {
    const salesim_fit_row *q = &f->rows[i];
    if (q->section != SALESIM_FIT_MOMENT)
      continue;
    double o = q->v[SALESIM_FIT_OBSERVED], lo = q->v[SALESIM_FIT_ONE_LOW],
           hi = q->v[SALESIM_FIT_ONE_HIGH];
    char rng[160];
    const char *inside = isnan(o) || isnan(lo) || isnan(hi) ? "–"
                         : o >= lo && o <= hi                ? "yes"
                                                             : "no";
    const char *cells[] = {q->name,
                           num(o, a, sizeof a),
                           num(q->v[SALESIM_FIT_ESTIMATE], b, sizeof b),
                           interval(q->v[SALESIM_FIT_CI_LOW], q->v[SALESIM_FIT_CI_HIGH], c,
                                    sizeof c),
                           interval(lo, hi, rng, sizeof rng),
                           inside,
                           q->status,
                           q->meaning};
    const double nums[] = {NAN, o, q->v[SALESIM_FIT_ESTIMATE], NAN, NAN, NAN, NAN, NAN};
    add_row(t, &oom, cells, nums);
  }

  /* the held-out months */
  int holds = 0;
  for (size_t i = 0; i < f->n_rows; i++)
    holds += f->rows[i].section == SALESIM_FIT_HOLDOUT;
  if (holds > 0) {
    t = &out->table[out->n_tables++];
    t->title = "Held-out months";
    t->ncols = 5;
    t->head = hold_head;
    t->align = "lrrrl";
    t->intro = textf(&oom, "Fitted without the months after the history, the model was run "
                              "through them: %d of the %d moments observed there lie inside the "
                              "95 %% range of one predicted history.",
                     covered, held);
    for (size_t i = 0; i < f->n_rows; i++) {
      const salesim_fit_row *q = &f->rows[i];
      if (q->section != SALESIM_FIT_HOLDOUT)
        continue;
      const char *cells[] = {q->name, num(q->v[SALESIM_FIT_OBSERVED], d, sizeof d),
                             num(q->v[SALESIM_FIT_ESTIMATE], e, sizeof e),
                             interval(q->v[SALESIM_FIT_ONE_LOW], q->v[SALESIM_FIT_ONE_HIGH], c,
                                      sizeof c),
                             q->status};
      const double nums[] = {NAN, q->v[SALESIM_FIT_OBSERVED], q->v[SALESIM_FIT_ESTIMATE], NAN,
                             NAN};
      add_row(t, &oom, cells, nums);
    }
  }
  if (oom) {
    salesim_report_calib_free(out);
    return SALESIM_ENOMEM;
  }
  return 0;
}
