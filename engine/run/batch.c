/*
 * engine/run/batch.c: `salesim batch` (engine/run/batch.h). Reading order:
 * salesim_batch_expand (arguments to files), salesim_batch_run (the loop:
 * load, maybe resume, run as a study, record, rewrite the index),
 * write_index (batch.csv and batch.json through temporary files and a
 * rename).
 */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "batch.h"
#include "dist.h"
#include "names.h"
#include "output.h"
#include "report.h"
#include "metrics.h"
#include "study.h"
#include "util_sort.h"

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static char *dup_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *c = malloc(n);
  if (c)
    memcpy(c, s, n);
  return c;
}

void salesim_batch_paths_free(char **paths, int n) {
  for (int i = 0; paths && i < n; i++)
    free(paths[i]);
  free(paths);
}

static int push(char ***v, int *n, int *cap, char *s) {
  if (s == NULL)
    return SALESIM_ENOMEM;
  if (*n == *cap) {
    int nc = *cap ? *cap * 2 : 16;
    char **t = realloc(*v, (size_t)nc * sizeof *t);
    if (t == NULL) {
      free(s);
      return SALESIM_ENOMEM;
    }
    *v = t;
    *cap = nc;
  }
  (*v)[(*n)++] = s;
  return 0;
}

int salesim_batch_expand(char ***out, int *n, char *const *args, int nargs, salesim_diag *diag) {
  char **v = NULL;
  int count = 0, cap = 0, rc = 0;
  (void)diag;
  for (int i = 0; i < nargs && rc == 0; i++) {
    struct stat st;
    if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      DIR *d = opendir(args[i]);
      if (d == NULL) {
        rc = push(&v, &count, &cap, dup_str(args[i])); /* fails when loaded */
        continue;
      }
      int first = count;
      struct dirent *e;
      while ((e = readdir(d)) != NULL && rc == 0) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".cfg") != 0 || e->d_name[0] == '.')
          continue;
        size_t dl = strlen(args[i]);
        char *p = malloc(dl + len + 2);
        if (p != NULL)
          snprintf(p, dl + len + 2, "%s%s%s", args[i], args[i][dl - 1] == '/' ? "" : "/",
                   e->d_name);
        rc = push(&v, &count, &cap, p);
      }
      closedir(d);
      qsort(v + first, (size_t)(count - first), sizeof *v, salesim_sort_cmp_string);
    } else {
      rc = push(&v, &count, &cap, dup_str(args[i]));
    }
  }
  if (rc != 0) {
    salesim_batch_paths_free(v, count);
    return rc;
  }
  *out = v;
  *n = count;
  return 0;
}

/* Output folder of a scenario: its file stem, made unique in the batch. */
static void output_name(salesim_batch_entry *e, const salesim_batch_entry *all, int index,
                        const char *dir) {
  const char *base = strrchr(e->path, '/');
  base = base ? base + 1 : e->path;
  char stem[256];
  snprintf(stem, sizeof stem, "%s", base);
  char *dot = strrchr(stem, '.');
  if (dot != NULL && dot != stem)
    *dot = '\0';
  /* the rules of scenario names (docs/safety.md); never the index's files */
  salesim_output_name_sanitize(stem, sizeof stem);
  static const char *const index_files[] = {"batch.csv", "batch.json", "batch.csv.tmp",
                                            "batch.json.tmp"};
  for (size_t k = 0; k < sizeof index_files / sizeof index_files[0]; k++)
    if (strcasecmp(stem, index_files[k]) == 0)
      stem[5] = '_';
  snprintf(e->output, sizeof e->output, "%s/%s", dir, stem);
  for (int k = 2;; k++) {
    int clash = 0;
    for (int j = 0; j < index; j++)
      clash |= strcmp(all[j].output, e->output) == 0;
    if (!clash)
      break;
    snprintf(e->output, sizeof e->output, "%s/%s-%d", dir, stem, k);
  }
}

static void record_results(salesim_batch_entry *e, const salesim_results *r) {
  e->n_mech = r->n_mech < SALESIM_BATCH_MAX_MECH ? r->n_mech : SALESIM_BATCH_MAX_MECH;
  for (int k = 0; k < e->n_mech; k++) {
    snprintf(e->mech[k], sizeof e->mech[k], "%s", r->mech_names[k]);
    for (int i = 0; i < SALESIM_BATCH_METRICS; i++) {
      const salesim_stat *s = &SALESIM_STAT_AT(r, k, salesim_study_headline[i]);
      e->mean[k][i] = s->n > 0 ? s->mean : NAN;
    }
  }
}

/* Resume: the folder's summary.json was written from the same inputs. Its
 * manifest's scenario_hash covers the scenario with every included file's
 * text (sc->hash of the inlined source), and seed, replications and months
 * are the values the run used, overrides included; salesim_version rules
 * out results of another build. Then its headline means fill the entry.
 * docs/batch-and-sweeps.md lists the key. */
static int resume_match(salesim_batch_entry *e, int replications, int months) {
  char path[1100];
  snprintf(path, sizeof path, "%s/summary.json", e->output);
  json_t *root = json_load_file(path, 0, NULL);
  if (root == NULL)
    return 0;
  const json_t *man = json_object_get(root, "manifest");
  const char *hash = json_string_value(json_object_get(man, "scenario_hash"));
  const json_t *seed = json_object_get(man, "seed");
  const json_t *reps = json_object_get(man, "replications");
  const json_t *mo = json_object_get(man, "months");
  const char *version = json_string_value(json_object_get(man, "salesim_version"));
  int ok = hash != NULL && strcmp(hash, e->hash) == 0 && json_is_integer(seed) &&
           (unsigned long long)json_integer_value(seed) == e->seed && json_is_integer(reps) &&
           json_integer_value(reps) == replications && json_is_integer(mo) &&
           json_integer_value(mo) == months && version != NULL &&
           strcmp(version, salesim_version()) == 0;
  if (ok) {
    const json_t *order = json_object_get(man, "mechanisms");
    const json_t *mechs = json_object_get(root, "mechanisms");
    e->n_mech = 0;
    for (size_t k = 0; k < json_array_size(order) && e->n_mech < SALESIM_BATCH_MAX_MECH; k++) {
      const char *name = json_string_value(json_object_get(json_array_get(order, k), "name"));
      if (name == NULL)
        continue;
      snprintf(e->mech[e->n_mech], sizeof e->mech[0], "%s", name);
      const json_t *metrics = json_object_get(json_object_get(mechs, name), "metrics");
      for (int i = 0; i < SALESIM_BATCH_METRICS; i++) {
        const json_t *m = json_object_get(
            metrics, salesim_metric_catalogue_info(salesim_study_headline[i])->name);
        const json_t *mean = json_object_get(m, "mean");
        e->mean[e->n_mech][i] = json_is_number(mean) ? json_number_value(mean) : NAN;
      }
      e->n_mech++;
    }
  }
  json_decref(root);
  return ok;
}

static const char *status_text(int s) {
  switch (s) {
  case SALESIM_BATCH_OK: return "ok";
  case SALESIM_BATCH_RESUMED: return "ok";
  case SALESIM_BATCH_FAILED: return "failed";
  case SALESIM_BATCH_INTERRUPTED: return "interrupted";
  default: return "pending";
  }
}

/* RFC 4180; a field a spreadsheet would take for a formula gets a leading '
 * (docs/safety.md). */
static void csv_text(salesim_sbuf *b, const char *s) {
  const char *guard = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL ? "'" : "";
  if (strpbrk(s, ",\"\r\n") == NULL) {
    salesim_sbuf_printf(b, "%s%s", guard, s);
    return;
  }
  salesim_sbuf_printf(b, "\"%s", guard);
  for (; *s; s++) {
    if (*s == '"')
      salesim_sbuf_put(b, "\"", 1);
    salesim_sbuf_put(b, s, 1);
  }
  salesim_sbuf_put(b, "\"", 1);
}

static void csv_number(salesim_sbuf *b, double v) {
  if (!isnan(v))
    salesim_sbuf_printf(b, "%.10g", v == 0.0 ? 0.0 : v);
}

/* batch.csv: one row per scenario and mechanism (one row with no mechanism
 * for a scenario that produced none); batch.json: the same as a tree. */
static int write_index(const salesim_batch_entry *es, int n, const char *dir,
                       salesim_diag *diag) {
  salesim_sbuf b = {0};
  salesim_sbuf_printf(&b, "scenario,output,status,resumed,error,wall_seconds,scenario_hash,"
                          "seed,mechanism");
  for (int i = 0; i < SALESIM_BATCH_METRICS; i++)
    salesim_sbuf_printf(&b, ",%s", salesim_metric_catalogue_info(salesim_study_headline[i])->name);
  salesim_sbuf_printf(&b, "\n");
  json_t *root = json_object(), *list = json_array();
  int ok = root != NULL && list != NULL;
  for (int i = 0; i < n; i++) {
    const salesim_batch_entry *e = &es[i];
    if (e->status == SALESIM_BATCH_PENDING)
      continue;
    int rows = e->n_mech > 0 ? e->n_mech : 1;
    for (int k = 0; k < rows; k++) {
      csv_text(&b, e->path);
      salesim_sbuf_put(&b, ",", 1);
      csv_text(&b, e->output);
      salesim_sbuf_printf(&b, ",%s,%d,", status_text(e->status),
                          e->status == SALESIM_BATCH_RESUMED);
      csv_text(&b, e->error);
      salesim_sbuf_put(&b, ",", 1);
      csv_number(&b, e->status == SALESIM_BATCH_RESUMED ? NAN : e->wall_seconds);
      salesim_sbuf_printf(&b, ",%s,", e->hash);
      if (e->hash[0])
        salesim_sbuf_printf(&b, "%llu", e->seed);
      salesim_sbuf_put(&b, ",", 1);
      if (e->n_mech > 0)
        csv_text(&b, e->mech[k]);
      for (int m = 0; m < SALESIM_BATCH_METRICS; m++) {
        salesim_sbuf_put(&b, ",", 1);
        if (e->n_mech > 0)
          csv_number(&b, e->mean[k][m]);
      }
      salesim_sbuf_put(&b, "\n", 1);
    }
    json_t *o = json_object(), *mechs = json_object();
    if (o == NULL || mechs == NULL) {
      ok = 0;
      json_decref(o);
      json_decref(mechs);
      continue;
    }
    json_object_set_new(o, "scenario", json_string(e->path));
    json_object_set_new(o, "output", json_string(e->output));
    json_object_set_new(o, "status", json_string(status_text(e->status)));
    json_object_set_new(o, "resumed", json_boolean(e->status == SALESIM_BATCH_RESUMED));
    json_object_set_new(o, "error", e->error[0] ? json_string(e->error) : json_null());
    json_object_set_new(o, "wall_seconds", e->status == SALESIM_BATCH_RESUMED
                                               ? json_null()
                                               : json_real(e->wall_seconds));
    json_object_set_new(o, "scenario_hash", e->hash[0] ? json_string(e->hash) : json_null());
    json_object_set_new(o, "seed", e->hash[0] ? json_integer((json_int_t)e->seed) : json_null());
    for (int k = 0; k < e->n_mech; k++) {
      json_t *mm = json_object();
      for (int m = 0; mm != NULL && m < SALESIM_BATCH_METRICS; m++)
        json_object_set_new(mm, salesim_metric_catalogue_info(salesim_study_headline[m])->name,
                            isfinite(e->mean[k][m]) ? json_real(e->mean[k][m]) : json_null());
      json_object_set_new(mechs, e->mech[k], mm);
    }
    json_object_set_new(o, "mechanisms", mechs);
    json_array_append_new(list, o);
  }
  int rc = 0;
  char *text = NULL;
  if (ok) {
    json_object_set_new(root, "scenarios", list);
    list = NULL;
    text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
  }
  if (!ok || text == NULL || b.oom) {
    salesim_diag_add(diag, "%s/batch.json: out of memory", dir);
    rc = SALESIM_ENOMEM;
  } else {
    char path[1100];
    snprintf(path, sizeof path, "%s/batch.csv", dir);
    rc = salesim_report_write_file(path, b.s, b.len, diag);
    if (rc == 0) {
      snprintf(path, sizeof path, "%s/batch.json", dir);
      size_t tl = strlen(text);
      char *withnl = malloc(tl + 2);
      if (withnl == NULL) {
        rc = SALESIM_ENOMEM;
      } else {
        memcpy(withnl, text, tl);
        withnl[tl] = '\n';
        rc = salesim_report_write_file(path, withnl, tl + 1, diag);
        free(withnl);
      }
    }
  }
  free(text);
  json_decref(list);
  json_decref(root);
  salesim_sbuf_free(&b);
  return rc;
}

/* The diag's lines as one line ("; "-joined, cut to fit). */
static void one_line(char *out, size_t size, const salesim_diag *d, const char *fallback) {
  out[0] = '\0';
  for (size_t i = 0; i < d->count; i++) {
    size_t len = strlen(out);
    snprintf(out + len, size - len, "%s%s", i ? "; " : "", d->lines[i]);
  }
  if (out[0] == '\0')
    snprintf(out, size, "%s", fallback);
  for (char *c = out; *c; c++)
    if (*c == '\n' || *c == '\r')
      *c = ' ';
}

int salesim_batch_run(salesim_batch_entry **entries, char *const *paths, int n, const char *dir,
                      const salesim_batch_options *opt, salesim_diag *diag) {
  *entries = NULL;
  salesim_batch_entry *es = calloc((size_t)(n > 0 ? n : 1), sizeof *es);
  if (es == NULL)
    return SALESIM_ENOMEM;
  /* under MPI (engine/run/dist.h) every rank runs each scenario together
   * (salesim_study_run is collective) and rank 0 alone claims, decides
   * what --resume skips, and writes the index; its decisions are shared */
  int root = salesim_dist_rank() == 0;
  int rc = root ? salesim_output_claim(dir, diag) : 0; /* made, marked, ours to write */
  rc = salesim_dist_agree(rc);
  if (rc != 0) {
    free(es);
    return rc;
  }
  for (int i = 0; i < n; i++) {
    snprintf(es[i].path, sizeof es[i].path, "%s", paths[i]);
    output_name(&es[i], es, i, dir);
  }
  if (opt->progress)
    opt->progress(opt->progress_arg, es, 0, n);
  volatile sig_atomic_t *cancel = opt->run.cancel;
  for (int i = 0; i < n; i++) {
    salesim_batch_entry *e = &es[i];
    if (salesim_dist_agree(cancel && *cancel ? 1 : 0))
      break;
    double t0 = now_seconds();
    salesim_diag d = SALESIM_DIAG_INIT;
    salesim_scenario *sc = NULL;
    int lrc = salesim_scenario_load_with(&sc, e->path, &opt->load, &d);
    /* every rank reads the file itself (a shared file system); one that
     * cannot while rank 0 can cannot take part: the job ends */
    int lrc0 = salesim_dist_agree(lrc);
    if (lrc != 0 && lrc0 == 0) {
      salesim_diag_add(diag, "%s: rank %d cannot read what rank 0 read (%s)", e->path,
                       salesim_dist_rank(), d.count ? d.lines[0] : salesim_strerror(lrc));
      salesim_diag_clear(&d);
      free(es);
      return SALESIM_EIO;
    }
    if (lrc == 0 && lrc0 != 0) {
      lrc = lrc0;
      salesim_scenario_free(sc);
      sc = NULL;
    }
    if (lrc != 0) {
      e->status = SALESIM_BATCH_FAILED;
      e->input_error = 1;
      one_line(e->error, sizeof e->error, &d, salesim_strerror(lrc));
    } else {
      snprintf(e->hash, sizeof e->hash, "%s", sc->hash);
      e->seed = (unsigned long long)(opt->run.seed_set ? opt->run.seed : sc->seed);
      int reps = opt->run.replications > 0 ? opt->run.replications : sc->replications;
      int skip = opt->resume && root && resume_match(e, reps, sc->months);
      if (salesim_dist_agree(skip)) {
        e->status = SALESIM_BATCH_RESUMED;
      } else {
        salesim_results *res = NULL;
        salesim_run_options ro = opt->run;
        ro.progress = NULL;
        /* a sweep's finished points are kept for --resume too */
        salesim_study_resume rs = {0};
        rs.resume = opt->resume;
        int src = salesim_study_run_resumable(sc, e->output, &ro, &rs, &res, &d);
        if (src == SALESIM_EINTERRUPTED) {
          e->status = SALESIM_BATCH_INTERRUPTED;
          snprintf(e->error, sizeof e->error, "interrupted: nothing written");
        } else if (src != 0) {
          e->status = SALESIM_BATCH_FAILED;
          one_line(e->error, sizeof e->error, &d, salesim_strerror(src));
        } else {
          e->status = SALESIM_BATCH_OK;
          record_results(e, res);
        }
        salesim_results_free(res);
      }
    }
    e->wall_seconds = now_seconds() - t0;
    salesim_scenario_free(sc);
    salesim_diag_clear(&d);
    int wrc = root ? write_index(es, n, dir, diag) : 0;
    wrc = salesim_dist_agree(wrc);
    if (wrc != 0) {
      rc = wrc;
      break;
    }
    if (opt->progress)
      opt->progress(opt->progress_arg, es, i + 1, n);
    if (e->status == SALESIM_BATCH_INTERRUPTED)
      break;
  }
  /* rank 0's view, so every rank returns the same */
  int stopped = salesim_dist_agree(cancel && *cancel ? 1 : 0);
  if (rc == 0 && stopped)
    rc = SALESIM_EINTERRUPTED;
  *entries = es;
  return rc;
}
