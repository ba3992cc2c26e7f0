/*
 * engine/report/report.c: build the reports of an output folder (engine/report/report.h):
 * load the folder once, write report.xlsx, report.html and report.md, each
 * through a temporary name and a rename. `salesim run` calls the same code
 * through the output hook, inside the staging folder, so the reports land
 * atomically with the CSV and JSON files they are made from.
 * Read next: engine/report/report_data.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "report.h"

int salesim_report_build(const char *dir, unsigned formats, unsigned *skipped,
                         salesim_diag *diag) {
  return salesim_report_build_threads(dir, formats, 1, skipped, diag);
}

int salesim_report_build_threads(const char *dir, unsigned formats, int threads,
                                 unsigned *skipped, salesim_diag *diag) {
  salesim_report_data *d = NULL;
  if (skipped)
    *skipped = 0;
  int rc = salesim_report_load(&d, dir, diag);
  if (rc != 0)
    return rc;
  static const struct {
    unsigned bit;
    const char *file;
    int (*write)(const salesim_report_data *, const char *, salesim_diag *);
  } writers[] = {{SALESIM_REPORT_XLSX, "report.xlsx", salesim_report_write_xlsx},
                 {SALESIM_REPORT_HTML, "report.html", salesim_report_write_html},
                 {SALESIM_REPORT_MD, "report.md", salesim_report_write_md}};
  enum { N_WRITERS = sizeof writers / sizeof writers[0] };
  /* Each writer has its own messages and code, gathered in the writers'
   * order afterwards, so what is reported does not depend on which thread
   * finished first. The writers (and report.html's charts, as nested
   * tasks) run as OpenMP tasks on `threads` threads: they only read d. */
  salesim_diag msg[N_WRITERS] = {SALESIM_DIAG_INIT, SALESIM_DIAG_INIT, SALESIM_DIAG_INIT};
  int wrc[N_WRITERS] = {0};
  char *path[N_WRITERS] = {NULL};
  int todo[N_WRITERS] = {0};
  for (int i = 0; i < N_WRITERS; i++) {
    if (!(formats & writers[i].bit))
      continue;
#ifndef SALESIM_HAVE_XLSXWRITER
    if (writers[i].bit == SALESIM_REPORT_XLSX) {
      if (skipped)
        *skipped |= SALESIM_REPORT_XLSX;
      continue;
    }
#endif
    path[i] = salesim_fs_join(dir, writers[i].file);
    if (path[i] == NULL)
      rc = SALESIM_ENOMEM;
    todo[i] = 1;
  }
  if (threads < 1)
    threads = 1;
  if (rc == 0) {
#pragma omp parallel num_threads(threads) if (threads > 1) default(none) \
    shared(writers, d, path, msg, wrc, todo)
#pragma omp single
    for (int i = 0; i < N_WRITERS; i++)
      if (todo[i]) {
#pragma omp task firstprivate(i) default(none) shared(writers, d, path, msg, wrc)
        wrc[i] = writers[i].write(d, path[i], &msg[i]);
      }
  }
  for (int i = 0; i < N_WRITERS; i++) {
    for (size_t k = 0; k < msg[i].count; k++)
      if (salesim_diag_add(diag, "%s", msg[i].lines[k]) != 0 && rc == 0)
        rc = SALESIM_ENOMEM;
    if (rc == 0 && wrc[i] != 0)
      rc = wrc[i];
    salesim_diag_clear(&msg[i]);
    free(path[i]);
  }
  salesim_report_data_free(d);
  return rc;
}

int salesim_report_output_hook(const char *tmpdir, const salesim_results *r,
                               const salesim_scenario *sc, void *arg, salesim_diag *diag) {
  (void)sc;
  (void)arg;
  return salesim_report_build_threads(tmpdir, SALESIM_REPORT_ALL, r ? r->threads : 1, NULL, diag);
}
