/*
 * engine/output/output.c: the report files of a run (salesim_output_write in
 * salesim/salesim.h; every file and column is described in
 * docs/output-format.md).
 *
 * Writes summary.csv, replications.csv, monthly.csv, one CSV per detail table
 * and summary.json. The write is atomic: everything goes into
 * "<dir>.tmp.<pid>" beside the target, and only when every file is complete
 * is it exchanged with an existing <dir> in one step (renameat2
 * RENAME_EXCHANGE; without it: <dir> moved aside to "<dir>.old.<pid>", the
 * new folder renamed in) and the old one removed. A failed write leaves the
 * previous output untouched and no temporary folder. Every folder written
 * carries the marker file .salesim-output; an existing folder is replaced
 * only if it carries it or is empty, and temporary folders of a killed run
 * are removed by the next run into the same place (docs/safety.md).
 *
 * Numbers are printed with %.10g under the C locale (uselocale, per thread;
 * the global locale is never changed), NAN as an empty field (JSON null), so
 * the same results give the same bytes. The statistics are recomputed from
 * the per-replication values (engine/base/stats.h), so the files never disagree
 * with the data they are written with. Read next: engine/cli/table.c.
 */
#define _GNU_SOURCE /* renameat2 (RENAME_EXCHANGE), realpath */

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <jansson.h>

#include <salesim/salesim.h>

#include "mechanism.h"
#include "names.h"
#include "output.h"
#include "params_json.h"
#include "stats.h"

/* ---- paths and folders -------------------------------------------------------- */

/* malloc'd "<a><sep><b>" */
static char *path_join(const char *a, const char *sep, const char *b) {
  size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
  char *p = malloc(na + ns + nb + 1);
  if (p == NULL)
    return NULL;
  memcpy(p, a, na);
  memcpy(p + na, sep, ns);
  memcpy(p + na + ns, b, nb + 1);
  return p;
}

/* Remove a file or a folder with everything in it (best effort; returns 0
 * or -1 with errno set by the first failure). A folder's marker file goes
 * last, so a process killed half-way leaves a folder the next run still
 * knows as salesim's (docs/safety.md). */
static int remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0)
    return errno == ENOENT ? 0 : -1;
  if (!S_ISDIR(st.st_mode))
    return unlink(path);
  DIR *d = opendir(path);
  if (d == NULL)
    return -1;
  int rc = 0, err = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
        strcmp(e->d_name, SALESIM_OUTPUT_MARKER) == 0)
      continue;
    char *child = path_join(path, "/", e->d_name);
    if (child == NULL || remove_tree(child) != 0) {
      if (rc == 0)
        err = child ? errno : ENOMEM;
      rc = -1;
    }
    free(child);
  }
  closedir(d);
  char *marker = path_join(path, "/", SALESIM_OUTPUT_MARKER);
  if (marker == NULL || (unlink(marker) != 0 && errno != ENOENT)) {
    if (rc == 0)
      err = marker ? errno : ENOMEM;
    rc = -1;
  }
  free(marker);
  if (rmdir(path) != 0 && rc == 0) {
    rc = -1;
    err = errno;
  }
  if (rc != 0)
    errno = err;
  return rc;
}

/* mkdir -p: create `path` and its missing parents. On failure returns
 * SALESIM_EIO with a message naming the folder that could not be made. */
static int make_dirs(const char *path, salesim_diag *diag) {
  int rc = 0;
  char *p = path_join(path, "", "");
  if (p == NULL)
    return SALESIM_ENOMEM;
  size_t n = strlen(p);
  for (size_t i = 1; i <= n; i++) {
    if (p[i] != '/' && p[i] != '\0')
      continue;
    if (p[i - 1] == '/')
      continue; /* "a//b" */
    char saved = p[i];
    p[i] = '\0';
    if (mkdir(p, 0777) != 0) {
      int err = errno;
      struct stat st;
      if (err != EEXIST || stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
        if (err == EEXIST)
          err = ENOTDIR;
        salesim_diag_add(diag, "%s: cannot create folder: %s", p, strerror(err));
        rc = SALESIM_EIO;
        goto cleanup;
      }
    }
    p[i] = saved;
  }
cleanup:
  free(p);
  return rc;
}

/* ---- names, the marker, checks before a run (docs/safety.md) ------------------- */

int salesim_output_has_marker(const char *dir) {
  char *path = path_join(dir, "/", SALESIM_OUTPUT_MARKER);
  struct stat st;
  int ok = 0;
  if (path != NULL && lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
    FILE *fp = fopen(path, "rb");
    char head[sizeof SALESIM_OUTPUT_MARKER_TAG] = {0};
    if (fp != NULL) {
      ok = fread(head, 1, sizeof head - 1, fp) == sizeof head - 1 &&
           memcmp(head, SALESIM_OUTPUT_MARKER_TAG, sizeof head - 1) == 0;
      fclose(fp);
    }
  }
  free(path);
  return ok;
}

/* The marker file, written first into every folder salesim makes. */
static int write_marker(const char *dir, salesim_diag *diag) {
  char *path = path_join(dir, "/", SALESIM_OUTPUT_MARKER);
  if (path == NULL)
    return SALESIM_ENOMEM;
  FILE *fp = fopen(path, "w");
  int rc = 0;
  if (fp == NULL ||
      fprintf(fp, "%s\nversion %s\nsalesim replaces this folder as a whole on its next run into "
                  "it; delete this file to keep salesim out.\n",
              SALESIM_OUTPUT_MARKER_TAG, salesim_version()) < 0 ||
      fflush(fp) != 0) {
    salesim_diag_add(diag, "%s: %s", path, strerror(errno ? errno : EIO));
    rc = SALESIM_EIO;
  }
  if (fp != NULL && fclose(fp) != 0 && rc == 0) {
    salesim_diag_add(diag, "%s: %s", path, strerror(errno ? errno : EIO));
    rc = SALESIM_EIO;
  }
  free(path);
  return rc;
}

/* 1 if `dir` is a folder with nothing in it; with `marker_ok`, also one
 * that holds nothing but a file named like the marker (a run killed while
 * it wrote the marker, its first file). */
static int dir_is_empty_but(const char *dir, int marker_ok) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return 0;
  struct dirent *e;
  int empty = 1;
  while (empty && (e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
        !(marker_ok && strcmp(e->d_name, SALESIM_OUTPUT_MARKER) == 0))
      empty = 0;
  closedir(d);
  return empty;
}

static int dir_is_empty(const char *dir) { return dir_is_empty_but(dir, 0); }

/* May salesim replace or write into `target` (symbolic links resolved)? */
static int check_replaceable(const char *target, const char *shown, salesim_diag *diag) {
  struct stat st;
  if (lstat(target, &st) != 0) {
    if (errno == ENOENT)
      return 0;
    salesim_diag_add(diag, "%s: %s", shown, strerror(errno));
    return SALESIM_EIO;
  }
  if (!S_ISDIR(st.st_mode)) {
    salesim_diag_add(diag, "%s: exists and is not a folder; nothing was changed (choose "
                           "another output folder)", shown);
    return SALESIM_EIO;
  }
  if (salesim_output_has_marker(target) || dir_is_empty(target))
    return 0;
  salesim_diag_add(diag, "%s: exists and is not a salesim output folder (no %s file); nothing "
                         "was changed (delete it or choose another output folder)",
                   shown, SALESIM_OUTPUT_MARKER);
  return SALESIM_EIO;
}

/* The nearest existing folder at or above `parent` must be a folder we can
 * write into (so the missing ones can be made and the output renamed in). */
static int check_writable(const char *parent, salesim_diag *diag) {
  char *p = path_join(parent, "", "");
  if (p == NULL)
    return SALESIM_ENOMEM;
  int rc = 0;
  struct stat st;
  for (;;) {
    if (stat(p, &st) == 0)
      break;
    if (errno != ENOENT) {
      salesim_diag_add(diag, "%s: cannot create an output folder here: %s", p, strerror(errno));
      rc = SALESIM_EIO;
      goto cleanup;
    }
    char *slash = strrchr(p, '/');
    while (slash != NULL && slash > p && slash[-1] == '/')
      slash--;
    if (slash == NULL)
      snprintf(p, strlen(p) + 1, ".");
    else if (slash == p)
      p[1] = '\0';
    else
      *slash = '\0';
  }
  if (!S_ISDIR(st.st_mode)) {
    salesim_diag_add(diag, "%s: cannot hold an output folder: %s", p, strerror(ENOTDIR));
    rc = SALESIM_EIO;
  } else if (access(p, W_OK | X_OK) != 0) {
    salesim_diag_add(diag, "%s: cannot write an output folder here: %s", p, strerror(errno));
    rc = SALESIM_EIO;
  }
cleanup:
  free(p);
  return rc;
}

/* Remove "<base>.tmp.<pid>" and "<base>.old.<pid>" in `parent` left by a
 * salesim process that is gone: only folders (not links) that carry the
 * marker or are empty. A live process's folders are left alone. */
static void clean_stale(const char *parent, const char *base) {
  DIR *d = opendir(parent);
  if (d == NULL)
    return;
  size_t nb = strlen(base);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    const char *s = e->d_name;
    if (strncmp(s, base, nb) != 0 || strlen(s) - nb != salesim_name_temp_suffix(s))
      continue;
    const char *digits = s + nb + 5;
    if (strlen(digits) > 9)
      continue; /* not a pid */
    pid_t pid = (pid_t)strtol(digits, NULL, 10);
    if (pid != getpid() && (pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH))
      continue; /* that process still runs (or cannot be asked) */
    char *path = path_join(parent, "/", s);
    char *target = path_join(parent, "/", base);
    struct stat st;
    if (path != NULL && target != NULL && lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
        (salesim_output_has_marker(path) || dir_is_empty_but(path, 1))) {
      /* A run killed between moving the previous output aside and putting
       * the new one in place: the previous output goes back, never lost. */
      if (strncmp(s + nb, ".old.", 5) == 0 && lstat(target, &st) != 0 && errno == ENOENT &&
          salesim_output_has_marker(path) && rename(path, target) == 0) {
        free(path);
        free(target);
        continue;
      }
      remove_tree(path);
    }
    free(path);
    free(target);
  }
  closedir(d);
}

/* `dir` without trailing slashes, a symbolic link to a folder resolved;
 * refuses "/", "." and ".." and names ending in them. */
static int resolve_target(char **out, const char *dir, salesim_diag *diag) {
  *out = NULL;
  if (dir == NULL || dir[0] == '\0') {
    salesim_diag_add(diag, "output: empty folder name");
    return SALESIM_EINVAL;
  }
  char *target = path_join(dir, "", "");
  if (target == NULL)
    return SALESIM_ENOMEM;
  for (size_t n = strlen(target); n > 1 && target[n - 1] == '/'; n--)
    target[n - 1] = '\0';
  const char *last = strrchr(target, '/');
  last = last ? last + 1 : target;
  if (strcmp(target, "/") == 0 || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
    salesim_diag_add(diag, "%s: cannot be replaced as an output folder", dir);
    free(target);
    return SALESIM_EINVAL;
  }
  struct stat st;
  if (lstat(target, &st) == 0 && S_ISLNK(st.st_mode) && stat(target, &st) == 0 &&
      S_ISDIR(st.st_mode)) {
    char *resolved = realpath(target, NULL);
    if (resolved == NULL) {
      salesim_diag_add(diag, "%s: %s", target, strerror(errno));
      free(target);
      return SALESIM_EIO;
    }
    free(target);
    target = resolved;
  }
  *out = target;
  return 0;
}

/* The folder holding `target` ("." for a bare name); malloc'd. */
static char *parent_of(const char *target) {
  const char *slash = strrchr(target, '/');
  if (slash == NULL)
    return path_join(".", "", "");
  char *p = path_join(target, "", "");
  if (p != NULL)
    p[slash == target ? 1 : (size_t)(slash - target)] = '\0';
  return p;
}

static int check_target(const char *target, const char *shown, salesim_diag *diag) {
  char *parent = parent_of(target);
  if (parent == NULL)
    return SALESIM_ENOMEM;
  int rc = check_writable(parent, diag);
  if (rc == 0) {
    const char *base = strrchr(target, '/');
    clean_stale(parent, base ? base + 1 : target);
    rc = check_replaceable(target, shown, diag);
  }
  free(parent);
  return rc;
}

/* Every failure says something: a failure that left no line of its own
 * (out of memory on the way) gets "DIR: <reason>". */
static int said(int rc, salesim_diag *diag, size_t lines_before, const char *dir) {
  if (rc != 0 && diag != NULL && diag->count == lines_before)
    salesim_diag_add(diag, "%s: %s", dir ? dir : "output", salesim_strerror(rc));
  return rc;
}

int salesim_output_check(const char *dir, salesim_diag *diag) {
  size_t n0 = diag ? diag->count : 0;
  char *target = NULL;
  int rc = resolve_target(&target, dir, diag);
  if (rc == 0)
    rc = check_target(target, dir, diag);
  free(target);
  return said(rc, diag, n0, dir);
}

int salesim_output_claim(const char *dir, salesim_diag *diag) {
  size_t n0 = diag ? diag->count : 0;
  char *target = NULL;
  int rc = resolve_target(&target, dir, diag);
  if (rc == 0)
    rc = check_target(target, dir, diag);
  if (rc == 0)
    rc = make_dirs(target, diag);
  if (rc == 0 && !salesim_output_has_marker(target))
    rc = write_marker(target, diag);
  free(target);
  return said(rc, diag, n0, dir);
}

/* ---- a file being written ----------------------------------------------------- */

typedef struct out_file {
  FILE *fp;
  char *path; /* owned */
  int err;    /* errno of the first failure, 0 if none */
} out_file;

static int out_open(out_file *f, const char *dir, const char *name,
                    salesim_diag *diag) {
  f->err = 0;
  f->fp = NULL;
  f->path = path_join(dir, "/", name);
  if (f->path == NULL)
    return SALESIM_ENOMEM;
  f->fp = fopen(f->path, "w");
  if (f->fp == NULL) {
    salesim_diag_add(diag, "%s: %s", f->path, strerror(errno));
    free(f->path);
    f->path = NULL;
    return SALESIM_EIO;
  }
  return 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void out_printf(out_file *f, const char *fmt, ...) {
  if (f->err)
    return;
  va_list ap;
  va_start(ap, fmt);
  errno = 0;
  if (vfprintf(f->fp, fmt, ap) < 0)
    f->err = errno ? errno : EIO;
  va_end(ap);
}

/* A CSV text field, quoted (RFC 4180) only when it needs to be. A field
 * that a spreadsheet would take for a formula (starting with = + - @, tab
 * or carriage return) gets a leading ' (docs/safety.md). */
static void out_text(out_file *f, const char *s) {
  const char *guard = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL ? "'" : "";
  if (strpbrk(s, ",\"\r\n") == NULL) {
    out_printf(f, "%s%s", guard, s);
    return;
  }
  out_printf(f, "\"%s", guard);
  for (const char *c = s; *c; c++) {
    if (*c == '"')
      out_printf(f, "\"\"");
    else
      out_printf(f, "%c", *c);
  }
  out_printf(f, "\"");
}

/* A number: %.10g, NAN as an empty field, -0 as 0. */
static void out_number(out_file *f, double v) {
  if (isnan(v))
    return;
  out_printf(f, "%.10g", v == 0.0 ? 0.0 : v);
}

/* Close and report; returns 0 or SALESIM_EIO with "PATH: strerror". */
static int out_close(out_file *f, salesim_diag *diag) {
  int rc = 0;
  if (f->fp != NULL) {
    errno = 0;
    if (fflush(f->fp) != 0 && !f->err)
      f->err = errno ? errno : EIO;
    if (ferror(f->fp) && !f->err)
      f->err = EIO;
    errno = 0;
    if (fclose(f->fp) != 0 && !f->err)
      f->err = errno ? errno : EIO;
    f->fp = NULL;
  }
  if (f->err) {
    salesim_diag_add(diag, "%s: %s", f->path ? f->path : "?", strerror(f->err));
    rc = SALESIM_EIO;
  }
  free(f->path);
  f->path = NULL;
  return rc;
}

/* ---- the CSV files ------------------------------------------------------------ */

typedef struct report {
  const salesim_results *r;
  const salesim_scenario *sc;
  salesim_stat *stats; /* [mech*r->n_metrics + m] */
  int *has_data;       /* r->n_metrics: some mechanism has n > 0 */
} report;

#define REPORT_STAT(rep, mech, m) \
  ((rep)->stats[(size_t)(mech) * (size_t)(rep)->r->n_metrics + (size_t)(m)])

static int write_summary_csv(const report *rp, const char *dir,
                             salesim_diag *diag) {
  const salesim_results *r = rp->r;
  out_file f;
  int rc = out_open(&f, dir, "summary.csv", diag);
  if (rc != 0)
    return rc;
  out_printf(&f, "mechanism,type,metric,unit,mean,sd,ci_low,ci_high,"
                 "diff_vs_baseline,diff_ci_low,diff_ci_high,p5,p50,p95,n\n");
  for (int mech = 0; mech < r->n_mech; mech++) {
    for (int m = 0; m < r->n_metrics; m++) {
      if (!rp->has_data[m])
        continue;
      const salesim_metric_info *info = r->metric_info[m];
      const salesim_stat *s = &REPORT_STAT(rp, mech, m);
      const double v[] = {s->mean, s->sd,  s->ci_low, s->ci_high, s->diff,
                          s->diff_low, s->diff_high, s->p5, s->p50, s->p95};
      out_text(&f, r->mech_names[mech]);
      out_printf(&f, ",");
      out_text(&f, r->mech_types[mech]);
      out_printf(&f, ",%s,%s", info->name, info->unit);
      for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        out_printf(&f, ",");
        out_number(&f, v[i]);
      }
      out_printf(&f, ",%d\n", s->n);
    }
  }
  return out_close(&f, diag);
}

static int write_replications_csv(const report *rp, const char *dir,
                                  salesim_diag *diag) {
  const salesim_results *r = rp->r;
  out_file f;
  int rc = out_open(&f, dir, "replications.csv", diag);
  if (rc != 0)
    return rc;
  out_printf(&f, "mechanism,replication,metric,value\n");
  for (int mech = 0; mech < r->n_mech; mech++) {
    for (int rep = 0; rep < r->n_rep; rep++) {
      for (int m = 0; m < r->n_metrics; m++) {
        double v = SALESIM_METRIC_AT(r, mech, rep, m);
        if (isnan(v))
          continue;
        out_text(&f, r->mech_names[mech]);
        out_printf(&f, ",%d,%s,", rep + 1, r->metric_info[m]->name);
        out_number(&f, v);
        out_printf(&f, "\n");
      }
    }
  }
  return out_close(&f, diag);
}

static int write_monthly_csv(const report *rp, const char *dir,
                             salesim_diag *diag) {
  const salesim_results *r = rp->r;
  out_file f;
  int rc = out_open(&f, dir, "monthly.csv", diag);
  if (rc != 0)
    return rc;
  out_printf(&f, "mechanism,month");
  for (int s = 0; s < SALESIM_SERIES_COUNT; s++)
    out_printf(&f, ",%s", salesim_series_name(s));
  out_printf(&f, "\n");
  for (int mech = 0; mech < r->n_mech; mech++) {
    for (int t = 0; t < r->n_months; t++) {
      out_text(&f, r->mech_names[mech]);
      out_printf(&f, ",%d", t + 1);
      for (int s = 0; s < SALESIM_SERIES_COUNT; s++) {
        double sum = 0.0;
        int n = 0;
        for (int rep = 0; rep < r->n_rep; rep++) {
          double v = SALESIM_MONTHLY_AT(r, mech, rep, t, s);
          if (!isnan(v)) {
            sum += v;
            n++;
          }
        }
        out_printf(&f, ",");
        out_number(&f, n > 0 ? sum / n : NAN);
      }
      out_printf(&f, "\n");
    }
  }
  return out_close(&f, diag);
}

static int write_table_csv(const salesim_table *t, const char *dir,
                           salesim_diag *diag) {
  out_file f;
  char *name = path_join(t->name, "", ".csv");
  if (name == NULL)
    return SALESIM_ENOMEM;
  int rc = out_open(&f, dir, name, diag);
  free(name);
  if (rc != 0)
    return rc;
  out_printf(&f, "label");
  for (int c = 0; c < t->ncols; c++) {
    out_printf(&f, ",");
    out_text(&f, t->colnames[c]);
  }
  out_printf(&f, "\n");
  for (size_t i = 0; i < t->nrows; i++) {
    out_text(&f, t->labels[i]);
    for (int c = 0; c < t->ncols; c++) {
      out_printf(&f, ",");
      out_number(&f, t->cells[i * (size_t)t->ncols + (size_t)c]);
    }
    out_printf(&f, "\n");
  }
  return out_close(&f, diag);
}

/* ---- summary.json ------------------------------------------------------------- */

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
  char *copy = path_join(s, "", "");
  if (copy == NULL)
    return NULL;
  for (char *c = copy; *c; c++)
    if ((unsigned char)*c >= 0x80 || (unsigned char)*c < 0x20)
      *c = '?';
  j = json_string(copy);
  free(copy);
  return j;
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

static int write_summary_json(const report *rp, const char *dir,
                              salesim_diag *diag) {
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
  rc = out_open(&f, dir, "summary.json", diag);
  if (rc != 0)
    goto cleanup;
  out_printf(&f, "%s\n", text);
  rc = out_close(&f, diag);
cleanup:
  for (int mech = 0; mech < r->n_mech; mech++)
    json_decref(curves[mech]);
  free(curves);
  free(text);
  json_decref(root);
  return rc;
}

/* ---- checks before anything is written ---------------------------------------- */

static int same_name_nocase(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
    char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
    if (x != y)
      return 0;
  }
  return *a == *b;
}

/* Detail tables must have distinct file names that do not shadow the main
 * files; mechanism names must be distinct (they key summary.json). */
static int check_names(const salesim_results *r, salesim_diag *diag) {
  static const char *const reserved[] = {"summary", "replications", "monthly", "sweep",
                                         "costing", "batch"};
  int rc = 0;
  for (int i = 0; i < r->n_tables; i++) {
    const salesim_table *t = r->tables[i];
    if (t == NULL || t->name == NULL || t->name[0] == '\0' || t->name[0] == '.' ||
        strchr(t->name, '/') != NULL) {
      salesim_diag_add(diag, "output: detail table %d has no usable file name", i);
      rc = SALESIM_EINVAL;
      continue;
    }
    for (size_t k = 0; k < sizeof reserved / sizeof reserved[0]; k++)
      if (same_name_nocase(t->name, reserved[k])) {
        salesim_diag_add(diag, "output: detail table '%s' would overwrite %s.csv",
                         t->name, reserved[k]);
        rc = SALESIM_EINVAL;
      }
    for (int j = 0; j < i; j++)
      if (r->tables[j] && r->tables[j]->name &&
          same_name_nocase(t->name, r->tables[j]->name)) {
        salesim_diag_add(diag, "output: two detail tables named '%s'", t->name);
        rc = SALESIM_EINVAL;
      }
  }
  for (int a = 0; a < r->n_mech; a++)
    for (int b = 0; b < a; b++)
      if (strcmp(r->mech_names[a], r->mech_names[b]) == 0) {
        salesim_diag_add(diag, "output: two mechanisms named '%s'",
                         r->mech_names[a]);
        rc = SALESIM_EINVAL;
      }
  return rc;
}

/* ---- the whole write ------------------------------------------------------------ */

/* scenario.cfg: the scenario as run, self-contained (every @include inlined,
 * the run's seed, replications and mode written in), so that `salesim run
 * DIR/scenario.cfg` alone gives the same numbers; the reports quote it.
 * Nothing is written for a scenario that was not loaded from a file. */
static int write_scenario_copy(const report *rp, const char *dir, salesim_diag *diag) {
  if (rp->sc == NULL || rp->sc->source == NULL)
    return 0;
  char *text = NULL;
  size_t len = 0;
  int rc = salesim_scenario_resolved_text(rp->sc, rp->r->seed, rp->r->n_rep, &text, &len);
  if (rc != 0) {
    salesim_diag_add(diag, "%s/scenario.cfg: %s", dir, salesim_strerror(rc));
    return rc;
  }
  out_file f;
  rc = out_open(&f, dir, "scenario.cfg", diag);
  if (rc == 0) {
    if (fwrite(text, 1, len, f.fp) != len)
      f.err = errno ? errno : EIO;
    rc = out_close(&f, diag);
  }
  free(text);
  return rc;
}

static int write_all(const report *rp, const char *tmp, salesim_diag *diag) {
  int rc;
  if ((rc = write_marker(tmp, diag)) != 0 || (rc = write_summary_csv(rp, tmp, diag)) != 0 ||
      (rc = write_replications_csv(rp, tmp, diag)) != 0 ||
      (rc = write_monthly_csv(rp, tmp, diag)) != 0)
    return rc;
  for (int i = 0; i < rp->r->n_tables; i++)
    if ((rc = write_table_csv(rp->r->tables[i], tmp, diag)) != 0)
      return rc;
  if ((rc = write_scenario_copy(rp, tmp, diag)) != 0)
    return rc;
  return write_summary_json(rp, tmp, diag);
}

int salesim_output_write(const salesim_results *r, const salesim_scenario *sc,
                         const char *dir, salesim_diag *diag) {
  return salesim_output_write_hooked(r, sc, dir, NULL, NULL, diag);
}

int salesim_output_write_hooked(const salesim_results *r, const salesim_scenario *sc,
                                const char *dir, salesim_output_hook hook, void *hook_arg,
                                salesim_diag *diag) {
  int rc = 0, tmp_made = 0, had_old = 0;
  char *target = NULL, *parent = NULL, *tmp = NULL, *old = NULL;
  const char *slash;
  char pid[32];
  struct stat st;
  report rp = {r, sc, NULL, NULL};
  locale_t c_locale = (locale_t)0, saved_locale = (locale_t)0;
  size_t n0 = diag ? diag->count : 0;

  if (r == NULL || dir == NULL || dir[0] == '\0' || r->n_mech < 1 ||
      r->n_rep < 1 || r->n_months < 0 || r->metric == NULL || r->n_metrics < 1 ||
      r->metric_info == NULL ||
      (r->n_months > 0 && r->monthly == NULL) || r->mech_names == NULL ||
      r->mech_types == NULL || r->baseline < 0 || r->baseline >= r->n_mech ||
      (r->n_tables > 0 && r->tables == NULL)) {
    salesim_diag_add(diag, "output: invalid results or folder name");
    return SALESIM_EINVAL;
  }
  if ((rc = check_names(r, diag)) != 0)
    return rc;

  /* The target without trailing slashes (so "<dir>.tmp.<pid>" is beside
   * it), a symbolic link to a folder resolved (the folder it points to is
   * replaced, the link kept); then the checks of salesim_output_check. */
  if ((rc = resolve_target(&target, dir, diag)) != 0 ||
      (rc = check_target(target, dir, diag)) != 0)
    goto cleanup;

  rp.stats = malloc((size_t)r->n_mech * (size_t)r->n_metrics * sizeof *rp.stats);
  rp.has_data = calloc((size_t)r->n_metrics, sizeof *rp.has_data);
  if (rp.stats == NULL || rp.has_data == NULL) {
    rc = SALESIM_ENOMEM;
    goto cleanup;
  }
  if ((rc = salesim_stats_summarize_into(r, rp.stats)) != 0)
    goto cleanup;
  for (int m = 0; m < r->n_metrics; m++)
    for (int mech = 0; mech < r->n_mech; mech++)
      if (REPORT_STAT(&rp, mech, m).n > 0)
        rp.has_data[m] = 1;

  snprintf(pid, sizeof pid, "%ld", (long)getpid());
  tmp = path_join(target, ".tmp.", pid);
  old = path_join(target, ".old.", pid);
  if (tmp == NULL || old == NULL) {
    rc = SALESIM_ENOMEM;
    goto cleanup;
  }
  slash = strrchr(target, '/');
  if (slash != NULL && slash != target) {
    parent = path_join(target, "", "");
    if (parent == NULL) {
      rc = SALESIM_ENOMEM;
      goto cleanup;
    }
    parent[slash - target] = '\0';
    if ((rc = make_dirs(parent, diag)) != 0)
      goto cleanup;
  }

  /* A leftover with our pid was removed by check_target if it was ours;
   * anything else of that name is not touched (mkdir fails). */
  if (mkdir(tmp, 0777) != 0) {
    salesim_diag_add(diag, "%s: cannot create folder: %s", tmp, strerror(errno));
    rc = SALESIM_EIO;
    goto cleanup;
  }
  tmp_made = 1;

  c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
  if (c_locale != (locale_t)0)
    saved_locale = uselocale(c_locale);
  rc = write_all(&rp, tmp, diag);
  if (rc == 0 && hook != NULL)
    rc = hook(tmp, r, sc, hook_arg, diag);
  if (c_locale != (locale_t)0)
    uselocale(saved_locale);
  if (rc != 0)
    goto cleanup;

  /* Swap: move an existing output aside, put the new one in place. Checked
   * again: the folder may have changed while the run went on. */
  if ((rc = check_replaceable(target, dir, diag)) != 0)
    goto cleanup;
  if (lstat(target, &st) == 0) {
    /* One atomic exchange where the file system has it: at every instant
     * the target holds either the previous output or the new one, and a
     * kill after the exchange leaves the previous output in "<dir>.tmp.<pid>",
     * which the next run removes. */
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, target, RENAME_EXCHANGE) == 0) {
      if (remove_tree(tmp) != 0)
        salesim_diag_add(diag, "%s: warning: could not remove the previous output: %s",
                         tmp, strerror(errno));
      tmp_made = 0;
      goto cleanup;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
      salesim_diag_add(diag, "%s: cannot put the new output in place: %s", target,
                       strerror(errno));
      rc = SALESIM_EIO;
      goto cleanup;
    }
    /* Without the exchange: move aside, rename in. A kill between the two
     * leaves no target and "<dir>.old.<pid>", which the next run puts back. */
    if (rename(target, old) != 0) {
      salesim_diag_add(diag, "%s: cannot move aside to %s: %s", target, old,
                       strerror(errno));
      rc = SALESIM_EIO;
      goto cleanup;
    }
    had_old = 1;
  }
  if (rename(tmp, target) != 0) {
    salesim_diag_add(diag, "%s: cannot rename %s into place: %s", target, tmp,
                     strerror(errno));
    if (had_old)
      rename(old, target);
    rc = SALESIM_EIO;
    goto cleanup;
  }
  tmp_made = 0;
  if (had_old && remove_tree(old) != 0)
    salesim_diag_add(diag, "%s: warning: could not remove the previous output: %s",
                     old, strerror(errno));

cleanup:
  if (tmp_made)
    remove_tree(tmp);
  if (c_locale != (locale_t)0)
    freelocale(c_locale);
  free(rp.stats);
  free(rp.has_data);
  free(target);
  free(parent);
  free(tmp);
  free(old);
  return said(rc, diag, n0, dir);
}
