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
  for (size_t i = 0; i < sizeof writers / sizeof writers[0] && rc == 0; i++) {
    if (!(formats & writers[i].bit))
      continue;
#ifndef SALESIM_HAVE_XLSXWRITER
    if (writers[i].bit == SALESIM_REPORT_XLSX) {
      if (skipped)
        *skipped |= SALESIM_REPORT_XLSX;
      continue;
    }
#endif
    char *path = salesim_fs_join(dir, writers[i].file);
    if (path == NULL) {
      rc = SALESIM_ENOMEM;
      break;
    }
    rc = writers[i].write(d, path, diag);
    free(path);
  }
  salesim_report_data_free(d);
  return rc;
}

int salesim_report_output_hook(const char *tmpdir, const salesim_results *r,
                               const salesim_scenario *sc, void *arg, salesim_diag *diag) {
  (void)r;
  (void)sc;
  (void)arg;
  return salesim_report_build(tmpdir, SALESIM_REPORT_ALL, NULL, diag);
}
