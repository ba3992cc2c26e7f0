/*
 * engine/run/sweep_resume.c: finished sweep points kept for `salesim run
 * --resume` (engine/run/study.h, docs/batch-and-sweeps.md).
 *
 * While a sweep runs, every finished point's statistics go into
 * "<outdir>.partial/point-NNNNNN.txt" beside the output folder (the folder
 * carries the marker file of docs/safety.md; each file is written through
 * "<file>.tmp" and a rename, so a killed run leaves whole files or none).
 * A file records what the point was computed from (salesim version,
 * scenario hash, seed, replications, the point's values, mechanisms and
 * metric count) and every statistic as a C99 hexadecimal float (%a), which
 * reads back to the same bits: a resumed sweep writes the same sweep.csv as
 * an uninterrupted one. A file that does not match the run is ignored (its
 * point runs again). The folder is removed once the outputs are written.
 * Under MPI only rank 0 reads and writes here (engine/run/sweep.c shares
 * what it read). Read next: engine/run/sweep.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "output.h"
#include "output_write.h"
#include "report.h"
#include "study.h"

int salesim_sweep_store_open(salesim_sweep_store *st, const char *outdir, int resume,
                             salesim_diag *diag) {
  size_t n = strlen(outdir);
  while (n > 1 && outdir[n - 1] == '/')
    n--;
  if (n + sizeof ".partial" > sizeof st->dir) {
    salesim_diag_add(diag, "%s: output folder name too long", outdir);
    return SALESIM_EIO;
  }
  memcpy(st->dir, outdir, n);
  memcpy(st->dir + n, ".partial", sizeof ".partial");
  st->resume = resume;
  struct stat sb;
  /* a fresh run starts its sweep over; the checks of docs/safety.md first
   * (only a folder salesim made, or an empty one, is ever removed) */
  if (!resume && lstat(st->dir, &sb) == 0 && S_ISDIR(sb.st_mode) &&
      salesim_output_has_marker(st->dir) && salesim_output_remove_tree(st->dir) != 0) {
    salesim_diag_add(diag, "%s: cannot remove the points of an earlier run: %s", st->dir,
                     strerror(errno));
    return SALESIM_EIO;
  }
  return salesim_output_claim(st->dir, diag);
}

/* the header lines every point file starts with */
static void put_header(salesim_sbuf *b, const salesim_sweep_store *st,
                       const salesim_sweep_result *s, int pt) {
  salesim_sbuf_printf(b, "salesim sweep point\nversion %s\nscenario_hash %s\nseed %" PRIu64
                         "\nreplications %d\npoint %d\nvalues",
                      salesim_version(), st->hash, st->seed, st->replications, pt + 1);
  for (int j = 0; j < s->n_params; j++)
    salesim_sbuf_printf(b, " %a", s->values[pt * s->n_params + j]);
  salesim_sbuf_printf(b, "\nmechanisms %d\nmetrics %d\n", s->n_mech, s->n_metrics);
  for (int k = 0; k < s->n_mech; k++)
    salesim_sbuf_printf(b, "mechanism %s\n", s->mech_names[k]);
}

static void point_path(char *path, size_t size, const salesim_sweep_store *st, int pt) {
  snprintf(path, size, "%s/point-%06d.txt", st->dir, pt + 1);
}

int salesim_sweep_store_save(const salesim_sweep_store *st, const salesim_sweep_result *s,
                             int pt, salesim_diag *diag) {
  salesim_sbuf b = {0};
  put_header(&b, st, s, pt);
  const salesim_stat *x = &s->stats[(size_t)pt * (size_t)s->n_mech * (size_t)s->n_metrics];
  for (size_t i = 0; i < (size_t)s->n_mech * (size_t)s->n_metrics; i++)
    salesim_sbuf_printf(&b, "%a %a %a %a %a %a %a %a %a %a %d\n", x[i].mean, x[i].sd,
                        x[i].ci_low, x[i].ci_high, x[i].diff, x[i].diff_low, x[i].diff_high,
                        x[i].p5, x[i].p50, x[i].p95, x[i].n);
  salesim_sbuf_printf(&b, "end\n");
  char path[sizeof st->dir + 32];
  point_path(path, sizeof path, st, pt);
  return salesim_report_write_sbuf(path, &b, diag);
}

/* One point's file, if it matches: its statistics into s. 1 if taken. */
static int load_point(const salesim_sweep_store *st, salesim_sweep_result *s, int pt) {
  char path[sizeof st->dir + 32];
  point_path(path, sizeof path, st, pt);
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return 0;
  salesim_sbuf want = {0};
  put_header(&want, st, s, pt);
  int ok = !want.oom;
  char *got = ok ? malloc(want.len + 1) : NULL;
  ok = got != NULL && fread(got, 1, want.len, f) == want.len && memcmp(got, want.s, want.len) == 0;
  free(got);
  salesim_sbuf_free(&want);
  size_t n = (size_t)s->n_mech * (size_t)s->n_metrics;
  salesim_stat *x = ok ? calloc(n, sizeof *x) : NULL;
  ok = x != NULL;
  for (size_t i = 0; ok && i < n; i++) {
    char v[10][64];
    int cnt = 0;
    if (fscanf(f, "%63s %63s %63s %63s %63s %63s %63s %63s %63s %63s %d", v[0], v[1], v[2], v[3],
               v[4], v[5], v[6], v[7], v[8], v[9], &cnt) != 11) {
      ok = 0;
      break;
    }
    double d[10];
    for (int q = 0; q < 10 && ok; q++) {
      char *end = NULL;
      d[q] = strtod(v[q], &end);
      ok = end != v[q] && *end == '\0';
    }
    x[i] = (salesim_stat){.mean = d[0], .sd = d[1], .ci_low = d[2], .ci_high = d[3],
                          .diff = d[4], .diff_low = d[5], .diff_high = d[6], .p5 = d[7],
                          .p50 = d[8], .p95 = d[9], .n = cnt};
  }
  char tail[8] = "";
  /* the last line: a file cut short is not taken */
  ok = ok && fscanf(f, "%7s", tail) == 1 && strcmp(tail, "end") == 0;
  fclose(f);
  if (ok)
    memcpy(&s->stats[(size_t)pt * n], x, n * sizeof *x);
  free(x);
  return ok;
}

int salesim_sweep_store_load(const salesim_sweep_store *st, salesim_sweep_result *s,
                             unsigned char *done) {
  int count = 0;
  for (int pt = 0; pt < s->n_points; pt++) {
    done[pt] = (unsigned char)load_point(st, s, pt);
    count += done[pt];
  }
  return count;
}

void salesim_sweep_store_remove(const salesim_sweep_store *st) {
  if (st->dir[0] != '\0')
    salesim_output_remove_tree(st->dir);
}
