/*
 * engine/cli/study.c: the commands for studies: `salesim report` (rebuild
 * the reports of an output folder), `salesim batch` (many scenarios, one
 * folder each, an index streamed to disk) and `salesim optimize` (one plan
 * parameter against expected profit). Like main.c, the only code here that
 * prints or decides exit codes; the work is in engine/report.c,
 * engine/batch.c and engine/optimize.c. Exit status: 0 success, 2 bad input,
 * 1 runtime failure.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <salesim/salesim.h>

#include "cli.h"
#include "report.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_INPUT = 2 };

static void print_diag(const salesim_diag *d) {
  for (size_t i = 0; i < d->count; i++)
    fprintf(stderr, "%s\n", d->lines[i]);
}

/* ---- salesim report ------------------------------------------------------------ */

static void usage_report(FILE *fp) {
  fprintf(fp, "usage: salesim report OUTDIR... [--quiet]\n"
              "\n"
              "Rebuilds report.xlsx, report.html and report.md in each output folder of\n"
              "an earlier run from its summary.json, monthly.csv, detail tables and\n"
              "scenario.cfg. Each report is replaced atomically.\n");
}

int salesim_cli_report(int argc, char **argv) {
  int quiet = 0, n = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      usage_report(stdout);
      return EXIT_OK;
    }
    if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
      quiet = 1;
    else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      fprintf(stderr, "salesim report: unknown option %s (see salesim report --help)\n",
              argv[i]);
      return EXIT_INPUT;
    } else
      n++;
  }
  if (n == 0) {
    usage_report(stderr);
    return EXIT_INPUT;
  }
  int status = EXIT_OK;
  for (int i = 0; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1] != '\0')
      continue;
    salesim_diag diag = SALESIM_DIAG_INIT;
    unsigned skipped = 0;
    int rc = salesim_report_build(argv[i], SALESIM_REPORT_ALL, &skipped, &diag);
    if (rc != 0) {
      print_diag(&diag);
      /* a folder that is not a run's output is bad input; a failed write is not */
      if (status == EXIT_OK || rc != SALESIM_EIO)
        status = (rc == SALESIM_EINVAL || (rc == SALESIM_EIO && diag.count > 0 &&
                                           strstr(diag.lines[0], "summary.json")))
                     ? EXIT_INPUT
                     : EXIT_RUNTIME;
    } else if (!quiet) {
      printf("%s: report.html, report.md%s written\n", argv[i],
             skipped & SALESIM_REPORT_XLSX ? " (no report.xlsx: built without libxlsxwriter)"
                                           : ", report.xlsx");
    }
    salesim_diag_clear(&diag);
  }
  return status;
}

int salesim_cli_batch(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "salesim batch: not yet\n");
  return EXIT_RUNTIME;
}

int salesim_cli_optimize(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "salesim optimize: not yet\n");
  return EXIT_RUNTIME;
}
