/*
 * engine/run/calibrate_out.c: what `salesim calibrate SCENARIO -o DIR`
 * writes (docs/calibration.md), in one atomic step with the rules of
 * docs/safety.md (engine/output/output_folder.c):
 *
 *   fit.csv          every figure of the fit: the pipeline's estimates, the
 *                    traits with their intervals, each moment observed and
 *                    simulated, the fit's own figures
 *   calibration.md   the same for people: what was fitted, how well, what
 *                    the data could not tell, the method's assumptions
 *   calibrated.cfg   the scenario with the estimates written in (comments
 *                    and every other setting kept) naming the data copies
 *                    below and `calibration = "fit.csv";`: it loads and
 *                    runs as it is, and its run's reports show the fit
 *   data/FILE.csv    byte copies of the data files the scenario named
 *                    (with --redact written from memory, names as ids)
 *
 * Read next: engine/run/calibrate.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calibrate.h"
#include "calibrate_out.h"
#include "fit_table.h"
#include "history_csv.h"
#include "fs.h"
#include "output.h"
#include "output_write.h"
#include "pipeline_fit.h"

typedef struct job {
  const salesim_scenario *sc;
  const salesim_calibrate_result *r;
  const salesim_diag *warn;
} job;

/* ---- fit.csv ---- */

/* One row under SALESIM_FIT_HEADER (engine/base/fit_table.h: the reader of
 * the `calibration` setting and of the reports parses what this writes):
 * section,name,estimate,se,ci_low,ci_high,observed,observed_se,
 * one_history_low,one_history_high,n,status,meaning */
static void row(out_file *f, const char *section, const char *name, double est, double se,
                double lo, double hi, double obs, double obs_se, double r_lo, double r_hi,
                double n, const char *status, const char *meaning) {
  salesim_out_printf(f, "%s,%s", section, name);
  const double v[] = {est, se, lo, hi, obs, obs_se, r_lo, r_hi, n};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    salesim_out_printf(f, ",");
    salesim_out_number(f, v[i]);
  }
  salesim_out_printf(f, ",");
  salesim_out_text(f, status);
  salesim_out_printf(f, ",");
  salesim_out_text(f, meaning);
  salesim_out_printf(f, "\n");
}

static void day_text(long day, char *buf, size_t n) {
  int y, m, d;
  salesim_data_ymd(day, &y, &m, &d);
  snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
}

static int write_fit_csv(const job *j, out_file *fp) {
  const salesim_calibrate_result *r = j->r;
  const double N = NAN;
  salesim_out_printf(fp, "%s\n", SALESIM_FIT_HEADER);
  char buf[256], from[16], to[16];
  day_text(r->from, from, sizeof from);
  day_text(r->to, to, sizeof to);
  snprintf(buf, sizeof buf, "%s to %s (the day before)", from, to);
  row(fp, "fit", "history_months", r->months, N, N, N, N, N, N, N, N, "", buf);
  row(fp, "fit", "people_at_start", r->reps_at_start, N, N, N, N, N, N, N, N, "",
      "the roster's people employed on the history's first day");
  row(fp, "fit", "replications", r->replications, N, N, N, N, N, N, N, N, "",
      "simulated histories per candidate, the same seeds for every candidate");
  row(fp, "fit", "evaluations", r->evaluations, N, N, N, N, N, N, N, N,
      r->converged ? "converged" : "stopped at the budget", "candidates the simplex tried");
  row(fp, "fit", "objective_start", r->objective_start, N, N, N, N, N, N, N, N, "",
      "weighted squared distance of the moments at the scenario's values");
  row(fp, "fit", "objective", r->objective, N, N, N, N, N, N, N, N, "",
      "the same at the estimate");
  row(fp, "fit", "account_backcast", r->account_scale, N, N, N, N, N, N, N, N, "",
      "the old accounts' revenue on the history's first day per unit of today's");
  if (r->pipeline_fitted) {
    salesim_pipeline_fit_row rows[SALESIM_PIPELINE_FIT_ROWS];
    int n = salesim_pipeline_fit_rows(r->pipeline, rows, SALESIM_PIPELINE_FIT_ROWS);
    for (int i = 0; i < n; i++)
      row(fp, "pipeline", rows[i].parameter, rows[i].estimate, rows[i].se, rows[i].ci_low,
          rows[i].ci_high, N, N, N, N, (double)rows[i].n, "estimated",
          "maximum likelihood from opportunities.csv (docs/pipeline-fit.md)");
  }
  for (int p = 0; p < SALESIM_CALIB_PARAMS; p++) {
    const salesim_calibrate_param *q = &r->param[p];
    snprintf(buf, sizeof buf, "%s (the scenario said %.6g; sensitivity %.3g)", q->setting,
             q->start, q->sensitivity);
    row(fp, "trait", q->name, q->estimate, q->se, q->low, q->high, N, N, N, N, N,
        !q->identified ? "not identified: kept at the scenario's value"
        : q->open_low && q->open_high ? "identified; the data do not bound it either way: both "
                                        "ends are the search's limits"
        : q->open_low  ? "identified; the data do not bound it below: ci_low is the search's limit"
        : q->open_high ? "identified; the data do not bound it above: ci_high is the search's limit"
                       : "identified",
        buf);
  }
  for (int k = 0; k < SALESIM_MOMENTS; k++) {
    const char *status = r->used[k] ? "used"
                         : k == SALESIM_MOMENT_SALES_PER_REP || k == SALESIM_MOMENT_QUIT_RATE
                             ? "reported, not fitted"
                         : !isfinite(r->observed.value[k])
                             ? "not used: the data has no observation of it"
                             : "not used: it does not vary between bootstrap draws";
    row(fp, "moment", salesim_moment_name(k), r->sim_mean[k], N, r->sim_low[k], r->sim_high[k],
        r->observed.value[k], r->observed_se[k], r->sim_p025[k], r->sim_p975[k],
        r->observed.n[k], status, salesim_moment_doc(k));
  }
  if (r->holdout_to > r->to) {
    for (int k = 0; k < SALESIM_MOMENTS; k++) {
      double o = r->holdout_observed.value[k];
      const char *status = !isfinite(o) || !isfinite(r->holdout_p025[k])
                               ? "no observation"
                           : o >= r->holdout_p025[k] && o <= r->holdout_p975[k] ? "covered"
                                                                                : "not covered";
      row(fp, "holdout", salesim_moment_name(k), r->holdout_mean[k], NAN, r->holdout_p025[k],
          r->holdout_p975[k], o, NAN, r->holdout_p025[k], r->holdout_p975[k],
          r->holdout_observed.n[k], status, salesim_moment_doc(k));
    }
  }
  return 0;
}

/* ---- calibration.md ---- */

static void md_num(out_file *fp, double x) {
  if (isfinite(x))
    salesim_out_printf(fp, "%.4g", x);
  else
    salesim_out_printf(fp, "–");
}

static int write_md(const job *j, out_file *fp) {
  const salesim_calibrate_result *r = j->r;
  char from[16], to[16];
  day_text(r->from, from, sizeof from);
  day_text(r->to, to, sizeof to);
  int ident = 0, outside = 0, used = 0;
  for (int p = 0; p < SALESIM_CALIB_PARAMS; p++)
    ident += r->param[p].identified;
  for (int k = 0; k < SALESIM_MOMENTS; k++)
    if (r->used[k]) {
      used++;
      outside += !(r->observed.value[k] >= r->sim_p025[k] && r->observed.value[k] <= r->sim_p975[k]);
    }
  salesim_out_printf(fp, "## Calibration\n\n");
  salesim_out_printf(fp,
          "Fitted to %d months of the company's history (%s to the day before %s), starting from "
          "the %d people employed on its first day, under the plan `%s`. **%d of %d traits are "
          "identified** by the data; %d of the %d moments used lie outside the range one "
          "simulated history shows at the estimate.\n\n",
          r->months, from, to, r->reps_at_start, j->sc->mechanisms[r->mech].name, ident,
          SALESIM_CALIB_PARAMS, outside, used);
  salesim_out_printf(fp, "### Traits (simulated method of moments)\n\n"
              "| trait | estimate | 95 %% interval | the scenario said | status |\n"
              "| --- | ---: | --- | ---: | --- |\n");
  for (int p = 0; p < SALESIM_CALIB_PARAMS; p++) {
    const salesim_calibrate_param *q = &r->param[p];
    salesim_out_printf(fp, "| `%s` | ", q->setting);
    md_num(fp, q->estimate);
    salesim_out_printf(fp, " | ");
    if (q->identified) {
      md_num(fp, q->low);
      salesim_out_printf(fp, " – ");
      md_num(fp, q->high);
    } else {
      salesim_out_printf(fp, "not identified");
    }
    salesim_out_printf(fp, " | ");
    md_num(fp, q->start);
    salesim_out_printf(fp, " | %s |\n", q->identified ? "identified" : "kept at the scenario's value");
  }
  salesim_out_printf(fp, "\n### Moments: observed and simulated at the estimate\n\n"
              "| moment | observed | simulated mean (95 %% interval) | one history's range | "
              "used |\n| --- | ---: | --- | --- | --- |\n");
  for (int k = 0; k < SALESIM_MOMENTS; k++) {
    salesim_out_printf(fp, "| %s | ", salesim_moment_doc(k));
    md_num(fp, r->observed.value[k]);
    salesim_out_printf(fp, " | ");
    md_num(fp, r->sim_mean[k]);
    salesim_out_printf(fp, " (");
    md_num(fp, r->sim_low[k]);
    salesim_out_printf(fp, " – ");
    md_num(fp, r->sim_high[k]);
    salesim_out_printf(fp, ") | ");
    md_num(fp, r->sim_p025[k]);
    salesim_out_printf(fp, " – ");
    md_num(fp, r->sim_p975[k]);
    salesim_out_printf(fp, " | %s |\n", r->used[k] ? "yes" : "no");
  }
  if (r->pipeline_fitted) {
    const salesim_pipeline_estimate *e = r->pipeline;
    salesim_out_printf(fp, "\n### Pipeline (maximum likelihood from the deal log)\n\n"
                "| stage | advance a month | lost a month | chance of winning |\n"
                "| --- | ---: | ---: | ---: |\n");
    for (int s = 1; s < SALESIM_STAGES; s++) {
      salesim_out_printf(fp, "| %d %% | ", 20 * s);
      md_num(fp, e->advance[s]);
      salesim_out_printf(fp, " ± ");
      md_num(fp, 1.96 * e->advance_se[s]);
      salesim_out_printf(fp, " | ");
      md_num(fp, e->loss[s]);
      salesim_out_printf(fp, " ± ");
      md_num(fp, 1.96 * e->loss_se[s]);
      salesim_out_printf(fp, " | ");
      md_num(fp, e->p_win[s]);
      salesim_out_printf(fp, " |\n");
    }
    salesim_out_printf(fp, "\nDeal value: lognormal, mean ");
    md_num(fp, e->value_mean);
    salesim_out_printf(fp, ", sd ");
    md_num(fp, e->value_sd);
    salesim_out_printf(fp, " (%ld won deals). Months to a contract: ", e->n_values);
    md_num(fp, e->cycle_won);
    salesim_out_printf(fp, ".\n");
  }
  if (r->holdout_to > r->to) {
    char hto[16];
    day_text(r->holdout_to, hto, sizeof hto);
    int covered = 0, observed = 0;
    for (int k = 0; k < SALESIM_MOMENTS; k++) {
      double o = r->holdout_observed.value[k];
      if (!isfinite(o) || !isfinite(r->holdout_p025[k]))
        continue;
      observed++;
      covered += o >= r->holdout_p025[k] && o <= r->holdout_p975[k];
    }
    salesim_out_printf(fp,
                       "\n### Held-out months: %s to the day before %s\n\n"
                       "Fitted without these months, the model was run from the history's start "
                       "through them; %d of the %d moments observed there lie inside the 95 %% "
                       "range of the predicted histories.\n\n"
                       "| moment | observed | predicted mean | 95 %% range of one history |\n"
                       "| --- | ---: | ---: | --- |\n",
                       to, hto, covered, observed);
    for (int k = 0; k < SALESIM_MOMENTS; k++) {
      salesim_out_printf(fp, "| %s | ", salesim_moment_doc(k));
      md_num(fp, r->holdout_observed.value[k]);
      salesim_out_printf(fp, " | ");
      md_num(fp, r->holdout_mean[k]);
      salesim_out_printf(fp, " | ");
      md_num(fp, r->holdout_p025[k]);
      salesim_out_printf(fp, " – ");
      md_num(fp, r->holdout_p975[k]);
      salesim_out_printf(fp, " |\n");
    }
  }
  if (j->warn != NULL && j->warn->count > 0) {
    salesim_out_printf(fp, "\n### Warnings\n\n");
    for (size_t i = 0; i < j->warn->count; i++)
      salesim_out_printf(fp, "- %s\n", j->warn->lines[i]);
  }
  salesim_out_printf(fp,
          "\n### Method and assumptions\n\n"
          "- Each candidate's simulated firm starts as the data says the company stood on the "
          "history's first day: its territories, the people then employed with their tenure, the "
          "accounts it then had (today's accounts won before that day, their revenue scaled back "
          "by %.4g, the share the model says such accounts lose over the history; accounts whose "
          "owner today was hired later go back to the territory's people who left). It runs "
          "%d times over the history's months under the current plan, with the same seeds for "
          "every candidate (common random numbers).\n"
          "- The moments are measured on each simulated history exactly as on the company's; "
          "the objective weighs each by the inverse of its bootstrap variance (%s).\n"
          "- Standard errors are asymptotic: the SMM sandwich with the factor (1 + 1/R) for the "
          "simulation, the Jacobian by central differences on the same seeds. Intervals start "
          "from exp(log estimate ± 1.96 SE) and are followed along the objective: an end moves "
          "out where the objective rises more slowly than the sandwich assumes (moments flat in "
          "the trait there), never in (docs/calibration.md, \"Intervals\").\n"
          "- A trait whose moments move less than one standard error of the observed moments per "
          "unit of its logarithm, at the start or at the estimate, is not identified: it stays "
          "at the scenario's value, and any comparison that depends on it rests on that "
          "assumption.\n"
          "- Everything else in the scenario (the plan, market, costs and the traits not listed) "
          "is an assumption stated in `calibrated.cfg`.\n",
          r->account_scale, r->replications, "draws of the reps with replacement");
  if (j->sc->data != NULL && j->sc->data->redacted)
    salesim_out_printf(fp, "- Redacted (`--redact`): `data/` is not a copy of the data files but "
                           "the data written from memory with every name replaced by its id "
                           "(numbers to 10 significant digits; docs/data-format.md).\n");
  return 0;
}

/* ---- calibrated.cfg and the data's copies ---- */

/* The data file as the loader read it: relative paths from the scenario's
 * folder (the loader checked both against the folder rules). */
static char *data_source(const salesim_scenario *sc, const char *path) {
  if (path[0] == '/' || sc->path == NULL)
    return strdup(path);
  const char *slash = strrchr(sc->path, '/');
  if (slash == NULL)
    return strdup(path);
  size_t n = (size_t)(slash - sc->path);
  char *dir = malloc(n + 1);
  if (dir == NULL)
    return NULL;
  memcpy(dir, sc->path, n);
  dir[n] = '\0';
  char *out = salesim_fs_join(dir, path);
  free(dir);
  return out;
}

static int copy_file(const char *from, const char *to, salesim_diag *diag) {
  int in = open(from, O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    salesim_diag_add(diag, "%s: %s", from, strerror(errno));
    return SALESIM_EIO;
  }
  int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (out < 0) {
    salesim_diag_add(diag, "%s: %s", to, strerror(errno));
    close(in);
    return SALESIM_EIO;
  }
  char buf[65536];
  int rc = 0;
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n == 0)
      break;
    if (n < 0 || write(out, buf, (size_t)n) != n) {
      salesim_diag_add(diag, "%s: %s", n < 0 ? from : to, strerror(errno));
      rc = SALESIM_EIO;
      break;
    }
  }
  close(in);
  if (close(out) != 0 && rc == 0) {
    salesim_diag_add(diag, "%s: %s", to, strerror(errno));
    rc = SALESIM_EIO;
  }
  return rc;
}

static void dist_text(const salesim_dist *d, char *buf, size_t n) {
  static const char *const kinds[] = {"constant", "normal", "lognormal", "uniform"};
  if (d->kind == SALESIM_DIST_CONSTANT) {
    snprintf(buf, n, "%.17g", d->mean);
    return;
  }
  int at = snprintf(buf, n, "{ dist = \"%s\"; mean = %.17g; sd = %.17g;", kinds[d->kind], d->mean,
                    d->sd);
  /* min as the user may write it: a lognormal's must be above 0 (0 is its
   * default anyway) */
  if (isfinite(d->min) && (d->kind != SALESIM_DIST_LOGNORMAL || d->min > 0) && at > 0 &&
      (size_t)at < n)
    at += snprintf(buf + at, n - (size_t)at, " min = %.17g;", d->min);
  if (isfinite(d->max) && at > 0 && (size_t)at < n)
    at += snprintf(buf + at, n - (size_t)at, " max = %.17g;", d->max);
  if (at > 0 && (size_t)at < n)
    snprintf(buf + at, n - (size_t)at, " }");
}

static void vector_text(const double *v, int k, char *buf, size_t n) {
  int at = snprintf(buf, n, "[");
  for (int i = 0; i < k && at > 0 && (size_t)at < n; i++)
    at += snprintf(buf + at, n - (size_t)at, "%s%.17g", i ? ", " : "", v[i]);
  if (at > 0 && (size_t)at < n)
    snprintf(buf + at, n - (size_t)at, "]");
}

static int write_scenario(const job *j, const char *tmp, salesim_diag *diag) {
  const salesim_scenario *sc = j->sc;
  const salesim_data *d = sc->data;
  salesim_scenario *cal = salesim_calibrate_apply(sc, j->r);
  if (cal == NULL)
    return SALESIM_ENOMEM;
  /* at most: 5 traits, 3 pipeline settings, 6 files, the start and the
   * calibration */
  salesim_text_edit ed[16];
  char vals[16][1024];
  int n = 0, rc = 0;
  static const char *const dists[SALESIM_CALIB_PARAMS] = {
      "ability", "effort_cost", "risk_aversion", "outside_wage", "savings_months"};
  const salesim_dist *pd[SALESIM_CALIB_PARAMS] = {
      &cal->population.ability, &cal->population.effort_cost, &cal->population.risk_aversion,
      &cal->population.outside_wage, &cal->population.savings_months};
  for (int p = 0; p < SALESIM_CALIB_PARAMS; p++) {
    if (!j->r->param[p].identified)
      continue; /* kept as the user wrote it */
    dist_text(pd[p], vals[n], sizeof vals[n]);
    ed[n] = (salesim_text_edit){"population", dists[p], vals[n]};
    n++;
  }
  if (j->r->pipeline_fitted) {
    vector_text(cal->production.stage_advance.v, cal->production.stage_advance.n, vals[n],
                sizeof vals[n]);
    ed[n] = (salesim_text_edit){"production", "stage_advance", vals[n]};
    n++;
    vector_text(cal->production.stage_loss.v, cal->production.stage_loss.n, vals[n],
                sizeof vals[n]);
    ed[n] = (salesim_text_edit){"production", "stage_loss", vals[n]};
    n++;
    dist_text(&cal->production.deal_value, vals[n], sizeof vals[n]);
    ed[n] = (salesim_text_edit){"production", "deal_value", vals[n]};
    n++;
  }
  static const char *const keys[SALESIM_DATA_FILES] = {
      "territories", "accounts", "roster", "performance", "opportunities", "activities"};
  char *datadir = salesim_fs_join(tmp, "data");
  if (datadir == NULL || mkdir(datadir, 0777) != 0) {
    if (datadir != NULL)
      salesim_diag_add(diag, "%s: %s", datadir, strerror(errno));
    rc = datadir == NULL ? SALESIM_ENOMEM : SALESIM_EIO;
  }
  /* --redact: the files are written from the data in memory, names
   * replaced by ids (salesim_data_redacted), never copied; the files the
   * scenario did not name are not kept */
  if (rc == 0 && d->redacted)
    rc = salesim_history_csv_write(d, datadir, diag);
  for (int f = 0; f < SALESIM_DATA_FILES && rc == 0; f++) {
    char *dst = salesim_fs_join(datadir, salesim_data_file_name((salesim_data_file)f));
    if (d->path[f] == NULL) {
      if (dst != NULL && d->redacted)
        unlink(dst);
      free(dst);
      continue;
    }
    char *src = d->redacted ? NULL : data_source(sc, d->path[f]);
    rc = (src == NULL && !d->redacted) || dst == NULL ? SALESIM_ENOMEM
         : d->redacted                                ? 0
                                                      : copy_file(src, dst, diag);
    free(src);
    free(dst);
    snprintf(vals[n], sizeof vals[n], "\"data/%s\"", salesim_data_file_name((salesim_data_file)f));
    ed[n] = (salesim_text_edit){"data", keys[f], vals[n]};
    n++;
  }
  if (rc == 0 && d->start != SALESIM_DATA_NO_DATE) {
    char day[16];
    day_text(d->start, day, sizeof day);
    snprintf(vals[n], sizeof vals[n], "\"%s\"", day);
    ed[n] = (salesim_text_edit){"data", "start", vals[n]};
    n++;
  }
  free(datadir);
  /* the fit itself, next to calibrated.cfg: a run of it carries the fit
   * into its output folder (calibration.csv) and its reports */
  ed[n] = (salesim_text_edit){NULL, "calibration", "\"fit.csv\""};
  n++;
  char *txt = NULL;
  size_t len = 0;
  if (rc == 0)
    rc = salesim_scenario_edited_text(sc, ed, n, "set by salesim calibrate (calibration.md, fit.csv)",
                                      &txt, &len);
  if (rc == 0) {
    char *path = salesim_fs_join(tmp, "calibrated.cfg");
    FILE *fp = path != NULL ? fopen(path, "wx") : NULL;
    if (fp == NULL) {
      salesim_diag_add(diag, "%s: %s", path ? path : "calibrated.cfg", strerror(errno));
      rc = SALESIM_EIO;
    } else {
      if (fwrite(txt, 1, len, fp) != len)
        rc = SALESIM_EIO;
      if (fclose(fp) != 0)
        rc = SALESIM_EIO;
      if (rc != 0)
        salesim_diag_add(diag, "%s: %s", path, strerror(errno));
    }
    free(path);
  }
  free(txt);
  salesim_scenario_free(cal);
  return rc;
}

static int write_text_file(const char *tmp, const char *name, const job *j,
                           int (*body)(const job *, out_file *), salesim_diag *diag) {
  out_file f;
  int rc = salesim_out_open(&f, tmp, name, diag);
  if (rc != 0)
    return rc;
  rc = body(j, &f);
  int rc2 = salesim_out_close(&f, diag);
  return rc != 0 ? rc : rc2;
}

static int fill(const char *tmp, void *arg, salesim_diag *diag) {
  const job *j = arg;
  int rc = write_text_file(tmp, "fit.csv", j, write_fit_csv, diag);
  if (rc == 0)
    rc = write_text_file(tmp, "calibration.md", j, write_md, diag);
  if (rc == 0)
    rc = write_scenario(j, tmp, diag);
  return rc;
}

int salesim_calibrate_write(const salesim_scenario *sc, const salesim_calibrate_result *r,
                            const salesim_diag *warn, const char *dir, salesim_diag *diag) {
  job j = {sc, r, warn};
  return salesim_output_folder(dir, fill, &j, diag);
}
