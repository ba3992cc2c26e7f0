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

#include "batch.h"
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

/* ---- salesim batch ------------------------------------------------------------ */

static volatile int interrupted = 0;

static void on_signal(int sig) {
  (void)sig;
  interrupted = 1;
}

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void usage_batch(FILE *fp) {
  fprintf(fp,
          "usage: salesim batch SCENARIO|FOLDER... [-o DIR] [--threads N]\n"
          "                     [--replications N] [--resume] [--quiet]\n"
          "\n"
          "Runs each scenario (a folder stands for its *.cfg files) into DIR/<file name>\n"
          "as `salesim run` would, one after another, and keeps an index of the batch in\n"
          "DIR/batch.csv and DIR/batch.json (status, error, wall time, headline metrics\n"
          "per mechanism), rewritten after every scenario. A failing scenario is listed\n"
          "with its error and the others still run. Ctrl-C stops after the current\n"
          "scenario is abandoned; every finished one is kept.\n"
          "\n"
          "  -o, --output DIR     batch folder (default: out/batch)\n"
          "  --threads N          worker threads per run (results identical for any N)\n"
          "  --replications N     override every scenario's replications\n"
          "  --resume             skip scenarios whose output has the same scenario\n"
          "                       hash and seed in its summary.json\n"
          "  -q, --quiet          no progress lines\n"
          "\n"
          "exit status: 0 all ok, 1 some failed or interrupted, 2 bad usage or every\n"
          "scenario file bad\n");
}

typedef struct batch_progress {
  int tty, quiet;
  double start, last;
  int last_reported;
} batch_progress;

static void batch_progress_cb(void *arg, const salesim_batch_entry *es, int done, int total) {
  batch_progress *p = arg;
  if (done > 0 && es[done - 1].status == SALESIM_BATCH_FAILED)
  {
    const salesim_batch_entry *e = &es[done - 1];
    int named = strncmp(e->error, e->path, strlen(e->path)) == 0;
    fprintf(stderr, "%ssalesim batch: %s%s%s\n", p->tty && !p->quiet ? "\r\033[K" : "",
            named ? "" : e->path, named ? "" : ": ", e->error);
  }
  if (p->quiet)
    return;
  double now = wall(), el = now - p->start;
  int ran = 0;
  for (int i = 0; i < done; i++)
    ran += es[i].status != SALESIM_BATCH_RESUMED;
  double rate = el > 0 ? ran / el : 0;
  double left = done > 0 && done < total ? el / done * (total - done) : 0;
  const char *next = done < total ? es[done].path : "";
  if (p->tty) {
    fprintf(stderr, "\r\033[K[%d/%d] %.2f scenarios/s, ~%.0f s left%s%s", done, total, rate,
            left, next[0] ? "  running " : "", next);
    if (done == total)
      fputc('\n', stderr);
    fflush(stderr);
  } else if (done == total || now - p->last >= 5.0) {
    fprintf(stderr, "salesim batch: %d/%d done, %.2f scenarios/s, ~%.0f s left\n", done, total,
            rate, left);
    p->last = now;
  }
}

int salesim_cli_batch(int argc, char **argv) {
  const char *outdir = "out/batch";
  salesim_batch_options opt = {SALESIM_RUN_OPTIONS_INIT, 0, NULL, NULL};
  int quiet = 0, nargs = 0;
  char **args = calloc((size_t)(argc > 0 ? argc : 1), sizeof *args);
  if (args == NULL)
    return EXIT_RUNTIME;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    long v;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage_batch(stdout);
      free(args);
      return EXIT_OK;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (!strcmp(a, "--resume")) {
      opt.resume = 1;
    } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
      if (++i >= argc) {
        fprintf(stderr, "salesim batch: %s needs a folder\n", a);
        free(args);
        return EXIT_INPUT;
      }
      outdir = argv[i];
    } else if (!strcmp(a, "--threads") || !strcmp(a, "--replications")) {
      if (i + 1 >= argc || salesim_cli_parse_count(argv[i + 1], 1, 100000, &v) != 0) {
        fprintf(stderr, "salesim batch: %s needs a whole number in 1..100000\n", a);
        free(args);
        return EXIT_INPUT;
      }
      i++;
      if (!strcmp(a, "--threads"))
        opt.run.threads = (int)v;
      else
        opt.run.replications = (int)v;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "salesim batch: unknown option %s (see salesim batch --help)\n", a);
      free(args);
      return EXIT_INPUT;
    } else {
      args[nargs++] = argv[i];
    }
  }
  if (nargs == 0) {
    fprintf(stderr, "salesim batch: no scenario given (see salesim batch --help)\n");
    free(args);
    return EXIT_INPUT;
  }
  salesim_diag diag = SALESIM_DIAG_INIT;
  char **paths = NULL;
  int n = 0;
  int rc = salesim_batch_expand(&paths, &n, args, nargs, &diag);
  free(args);
  if (rc != 0 || n == 0) {
    print_diag(&diag);
    if (rc == 0)
      fprintf(stderr, "salesim batch: no *.cfg scenario in the folders given\n");
    salesim_diag_clear(&diag);
    salesim_batch_paths_free(paths, n);
    return rc == 0 ? EXIT_INPUT : EXIT_RUNTIME;
  }
  batch_progress bp = {isatty(STDERR_FILENO), quiet, wall(), wall(), 0};
  opt.progress = batch_progress_cb;
  opt.progress_arg = &bp;
  opt.run.cancel = &interrupted;
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  salesim_batch_entry *es = NULL;
  rc = salesim_batch_run(&es, paths, n, outdir, &opt, &diag);
  int ok = 0, resumed = 0, failed = 0, bad_input = 0, done = 0;
  for (int i = 0; es != NULL && i < n; i++) {
    if (es[i].status == SALESIM_BATCH_PENDING)
      continue;
    done++;
    ok += es[i].status == SALESIM_BATCH_OK;
    resumed += es[i].status == SALESIM_BATCH_RESUMED;
    failed += es[i].status == SALESIM_BATCH_FAILED;
    bad_input += es[i].status == SALESIM_BATCH_FAILED && es[i].input_error;
  }
  int status = EXIT_OK;
  if (rc == SALESIM_EINTERRUPTED) {
    fprintf(stderr, "salesim batch: interrupted after %d of %d scenarios; finished ones kept "
                    "in %s (index %s/batch.csv)\n",
            ok + resumed + failed, n, outdir, outdir);
    status = EXIT_RUNTIME;
  } else if (rc != 0) {
    print_diag(&diag);
    status = EXIT_RUNTIME;
  } else if (failed > 0) {
    status = bad_input == n ? EXIT_INPUT : EXIT_RUNTIME;
  }
  if (!quiet && rc == 0)
    printf("salesim batch: %d ok (%d resumed), %d failed of %d; index %s/batch.csv\n",
           ok + resumed, resumed, failed, n, outdir);
  (void)done;
  free(es);
  salesim_batch_paths_free(paths, n);
  salesim_diag_clear(&diag);
  return status;
}

int salesim_cli_optimize(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "salesim optimize: not yet\n");
  return EXIT_RUNTIME;
}
