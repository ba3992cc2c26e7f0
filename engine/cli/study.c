/*
 * engine/cli/study.c: the commands for studies: `salesim report` (rebuild
 * the reports of an output folder), `salesim batch` (many scenarios, one
 * folder each, an index streamed to disk) and `salesim optimize` (one plan
 * parameter against expected profit). Like main.c, the only code here that
 * prints or decides exit codes; the work is in engine/report/report.c,
 * engine/run/batch.c and engine/run/optimize.c. Exit status: 0 success, 2 bad input,
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
#include "calibrate.h"
#include "calibrate_out.h"
#include "cli.h"
#include "dist.h"
#include "optimize.h"
#include "output.h"
#include "report.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_INPUT = 2 };

static void print_diag(const salesim_diag *d) {
  char safe[SALESIM_CLI_SAFE_SIZE];
  if (salesim_dist_rank() != 0) /* under MPI rank 0 speaks for all */
    return;
  for (size_t i = 0; i < d->count; i++)
    fprintf(stderr, "%s\n", salesim_cli_safe(d->lines[i], safe, sizeof safe));
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

static volatile sig_atomic_t interrupted = 0;

static void on_signal(int sig) {
  salesim_cli_mpi_signal(sig);
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
          "                     [--replications N] [--resume] [--include-dir DIR]\n"
          "                     [--redact] [--quiet]\n"
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
          "  --resume             skip scenarios whose output folder holds the results\n"
          "                       of the same inputs: the scenario with every included\n"
          "                       file, seed, replications, months and salesim version\n"
          "                       (docs/batch-and-sweeps.md)\n"
          SALESIM_CLI_INCLUDE_HELP
          SALESIM_CLI_REDACT_HELP
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
  if (salesim_dist_rank() != 0) /* under MPI rank 0 speaks for all */
    return;
  if (done > 0 && es[done - 1].status == SALESIM_BATCH_FAILED)
  {
    const salesim_batch_entry *e = &es[done - 1];
    int named = strncmp(e->error, e->path, strlen(e->path)) == 0;
    char path[SALESIM_CLI_SAFE_SIZE], error[SALESIM_CLI_SAFE_SIZE];
    fprintf(stderr, "%ssalesim batch: %s%s%s\n", p->tty && !p->quiet ? "\r\033[K" : "",
            named ? "" : salesim_cli_safe(e->path, path, sizeof path), named ? "" : ": ",
            salesim_cli_safe(e->error, error, sizeof error));
  }
  if (p->quiet)
    return;
  double now = wall(), el = now - p->start;
  int ran = 0;
  for (int i = 0; i < done; i++)
    ran += es[i].status != SALESIM_BATCH_RESUMED;
  double rate = el > 0 ? ran / el : 0;
  double left = done > 0 && done < total ? el / done * (total - done) : 0;
  char safe[SALESIM_CLI_SAFE_SIZE];
  const char *next = done < total ? salesim_cli_safe(es[done].path, safe, sizeof safe) : "";
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

int salesim_cli_batch(int argc, char **argv, const salesim_load_options *load) {
  const char *outdir = "out/batch";
  salesim_batch_options opt = SALESIM_BATCH_OPTIONS_INIT;
  opt.load = *load;
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
  salesim_cli_mpi_hint("salesim batch: stopped by a signal (under mpirun: a rank failed or the "
                       "job was cancelled); finished scenarios are kept in %s (index "
                       "%s/batch.csv): run the same command with --resume\n",
                       outdir, outdir);
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
  int root = salesim_dist_rank() == 0;
  if (rc == SALESIM_EINTERRUPTED) {
    if (root && !salesim_cli_mpi_hinted())
      fprintf(stderr, "salesim batch: interrupted after %d of %d scenarios; finished ones kept "
                      "in %s (index %s/batch.csv); the same command with --resume runs only "
                      "the others\n",
              ok + resumed + failed, n, outdir, outdir);
    status = EXIT_RUNTIME;
  } else if (rc != 0) {
    print_diag(&diag);
    status = EXIT_RUNTIME;
  } else if (failed > 0) {
    status = bad_input == n ? EXIT_INPUT : EXIT_RUNTIME;
  }
  if (!quiet && rc == 0 && root)
    printf("salesim batch: %d ok (%d resumed), %d failed of %d; index %s/batch.csv\n",
           ok + resumed, resumed, failed, n, outdir);
  (void)done;
  free(es);
  salesim_batch_paths_free(paths, n);
  salesim_diag_clear(&diag);
  return status;
}

/* ---- salesim optimize --------------------------------------------------------- */

static void usage_optimize(FILE *fp) {
  fprintf(fp,
          "usage: salesim optimize SCENARIO --mechanism NAME --param SETTING\n"
          "                        [--range LO:HI] [--max-cost-of-sales X]\n"
          "                        [--min-retention X] [--bind-participation]\n"
          "                        [--seed N] [--replications N] [--threads N]\n"
          "                        [--include-dir DIR] [--redact]\n"
          "\n"
          "Finds the value of one setting of one plan that maximises expected profit\n"
          "per year (mean over replications), running that plan alone with the same\n"
          "random numbers at every value: a grid, golden-section search in the best\n"
          "bracket, and a final grid around the optimum. Prints the optimum, its\n"
          "profit with a 95 %% interval, and the range of values whose profit is not\n"
          "significantly below the best (paired t test at 5 %%).\n"
          "\n"
          "  --mechanism NAME     the plan's label in the scenario\n"
          "  --param SETTING      its setting (e.g. rate, curve[2].pay), or a full path\n"
          "                       (mechanisms.LABEL.SETTING, mechanisms[INDEX].SETTING)\n"
          "  --range LO:HI        values to search (default: the setting's range; a\n"
          "                       point's x: between its neighbours' x)\n"
          "  --max-cost-of-sales X  keep mean cost of sales at most X (a share)\n"
          "  --min-retention X    keep mean top-quintile retention at least X\n"
          "  --bind-participation objective as if the base were set so that the\n"
          "                       agents' participation binds (Holmstrom-Milgrom):\n"
          "                       profit + pay - participation cost; linear mode,\n"
          "                       commission rate (scenarios/hm-linear.cfg)\n"
          SALESIM_CLI_INCLUDE_HELP SALESIM_CLI_REDACT_HELP);
}

static int parse_double(const char *s, double *out) {
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (errno != 0 || end == s || *end != '\0' || !isfinite(v))
    return -1;
  *out = v;
  return 0;
}

int salesim_cli_optimize(int argc, char **argv, const salesim_load_options *load) {
  const char *scenario = NULL;
  salesim_optimize_options o;
  memset(&o, 0, sizeof o);
  salesim_run_options ro = SALESIM_RUN_OPTIONS_INIT;
  o.run = ro;
  o.max_cost_of_sales = NAN;
  o.min_retention = NAN;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : NULL;
    long v;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage_optimize(stdout);
      return EXIT_OK;
    } else if (!strcmp(a, "--bind-participation")) {
      o.bind_participation = 1;
      continue;
    } else if (a[0] != '-' || a[1] == '\0') {
      if (scenario != NULL) {
        fprintf(stderr, "salesim optimize: one scenario at a time (got %s and %s)\n", scenario, a);
        return EXIT_INPUT;
      }
      scenario = a;
      continue;
    }
    if (val == NULL) {
      fprintf(stderr, "salesim optimize: %s needs a value (see salesim optimize --help)\n", a);
      return EXIT_INPUT;
    }
    i++;
    if (!strcmp(a, "--mechanism")) {
      o.mechanism = val;
    } else if (!strcmp(a, "--param")) {
      o.param = val;
    } else if (!strcmp(a, "--range")) {
      char lo[64], *colon = strchr(val, ':');
      if (colon == NULL || (size_t)(colon - val) >= sizeof lo) {
        fprintf(stderr, "salesim optimize: --range %s: expected LO:HI\n", val);
        return EXIT_INPUT;
      }
      memcpy(lo, val, (size_t)(colon - val));
      lo[colon - val] = '\0';
      if (parse_double(lo, &o.lo) != 0 || parse_double(colon + 1, &o.hi) != 0 || !(o.hi > o.lo)) {
        fprintf(stderr, "salesim optimize: --range %s: expected LO:HI with LO < HI\n", val);
        return EXIT_INPUT;
      }
      o.has_range = 1;
    } else if (!strcmp(a, "--max-cost-of-sales") || !strcmp(a, "--min-retention")) {
      double x;
      if (parse_double(val, &x) != 0 || x < 0) {
        fprintf(stderr, "salesim optimize: %s %s: expected a number >= 0\n", a, val);
        return EXIT_INPUT;
      }
      if (!strcmp(a, "--max-cost-of-sales"))
        o.max_cost_of_sales = x;
      else
        o.min_retention = x;
    } else if (!strcmp(a, "--seed") || !strcmp(a, "--replications") || !strcmp(a, "--threads")) {
      int is_seed = !strcmp(a, "--seed");
      long lo = is_seed ? 0 : 1, hi = is_seed ? LONG_MAX : 100000;
      if (salesim_cli_parse_count(val, lo, hi, &v) != 0) {
        fprintf(stderr,
                "salesim optimize: %s %s: not a whole number in range (expected %ld to %ld)\n", a,
                val, lo, hi);
        return EXIT_INPUT;
      }
      if (is_seed) {
        o.run.seed_set = 1;
        o.run.seed = (uint64_t)v;
      } else if (!strcmp(a, "--replications")) {
        o.run.replications = (int)v;
      } else {
        o.run.threads = (int)v;
      }
    } else {
      fprintf(stderr, "salesim optimize: unknown option %s (see salesim optimize --help)\n", a);
      return EXIT_INPUT;
    }
  }
  if (scenario == NULL || o.mechanism == NULL || o.param == NULL) {
    fprintf(stderr, "salesim optimize: needs SCENARIO, --mechanism and --param (see salesim "
                    "optimize --help)\n");
    return EXIT_INPUT;
  }
  salesim_diag diag = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  if (salesim_scenario_load_with(&sc, scenario, load, &diag) != 0) {
    print_diag(&diag);
    salesim_diag_clear(&diag);
    return EXIT_INPUT;
  }
  o.run.cancel = &interrupted;
  signal(SIGINT, on_signal);
  salesim_optimize_result res;
  int rc = salesim_optimize(&res, sc, &o, &diag);
  int status = EXIT_OK;
  if (rc != 0) {
    print_diag(&diag);
    status = rc == SALESIM_EINVAL ? EXIT_INPUT : EXIT_RUNTIME;
  } else if (salesim_dist_rank() == 0) { /* every rank holds the same result */
    printf("optimum %s = %.6g\n", res.path, res.best.x);
    printf("  %s per year: %.6g [%.6g, %.6g] (95 %% interval over replications)\n",
           o.bind_participation ? "profit with participation binding" : "profit",
           res.best.mean, res.best.ci_low, res.best.ci_high);
    printf("  values not significantly worse (paired t, 5 %%): %.6g .. %.6g\n",
           res.interval_lo, res.interval_hi);
    printf("  cost of sales %.4g, top-quintile retention %.4g\n", res.best.cost_of_sales,
           res.best.retention);
    printf("  searched %.6g .. %.6g with %d evaluations on common random numbers\n", res.lo,
           res.hi, res.evaluations);
  }
  salesim_optimize_result_clear(&res);
  salesim_scenario_free(sc);
  salesim_diag_clear(&diag);
  return status;
}

/* ---- salesim calibrate ---------------------------------------------------- */

static void usage_calibrate(FILE *fp) {
  fprintf(fp,
          "usage: salesim calibrate SCENARIO -o DIR [--mechanism NAME] [--replications N]\n"
          "                         [--max-evaluations N] [--bootstrap N] [--seed N]\n"
          "                         [--threads N] [--include-dir DIR] [--redact]\n"
          "\n"
          "Fits a scenario to its company's own history (its `data` group names\n"
          "roster.csv, performance.csv and ideally accounts.csv, opportunities.csv;\n"
          "docs/data-format.md): the pipeline from the deal log by maximum likelihood,\n"
          "then the people's hidden traits (ability spread, effort cost, risk aversion,\n"
          "outside wage, savings) by the simulated method of moments on common random\n"
          "numbers, with standard errors; a trait the data cannot move is reported\n"
          "as not identified (docs/calibration.md). Writes DIR/fit.csv,\n"
          "DIR/calibration.md, DIR/calibrated.cfg (loads and runs as it is) and\n"
          "DIR/data/ (copies of the data files it names; with --redact written from\n"
          "the data in memory, names replaced by ids).\n"
          "\n"
          "  -o, --output DIR     where to write (refused unless absent, empty or\n"
          "                       salesim's; replaced in one step)\n"
          "  --mechanism NAME     the plan the history was sold under (default: the\n"
          "                       scenario's baseline)\n"
          "  --replications N     simulated histories per candidate (default 24)\n"
          "  --max-evaluations N  candidates the simplex may try (default 120)\n"
          "  --bootstrap N        bootstrap draws of the observed moments (default 200)\n"
          "  --holdout-months N   fit without the history's last N months, then predict\n"
          "                       them (fit.csv rows `holdout`)\n"
          "  --seed N             the simulations' seed (default: the scenario's)\n"
          "  --threads N          threads (default: all cores); any N gives the same\n"
          "                       numbers\n" SALESIM_CLI_INCLUDE_HELP SALESIM_CLI_REDACT_HELP);
}

int salesim_cli_calibrate(int argc, char **argv, const salesim_load_options *load) {
  const char *scenario = NULL, *out = NULL;
  salesim_calibrate_options o = SALESIM_CALIBRATE_OPTIONS_INIT;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : NULL;
    long v;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage_calibrate(stdout);
      return EXIT_OK;
    } else if (a[0] != '-' || a[1] == '\0') {
      if (scenario != NULL) {
        fprintf(stderr, "salesim calibrate: one scenario at a time (got %s and %s)\n", scenario,
                a);
        return EXIT_INPUT;
      }
      scenario = a;
      continue;
    }
    if (val == NULL) {
      fprintf(stderr, "salesim calibrate: %s needs a value (see salesim calibrate --help)\n", a);
      return EXIT_INPUT;
    }
    i++;
    if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
      out = val;
    } else if (!strcmp(a, "--mechanism")) {
      o.mechanism = val;
    } else if (!strcmp(a, "--seed")) {
      if (salesim_cli_parse_count(val, 0, LONG_MAX, &v) != 0) {
        fprintf(stderr, "salesim calibrate: --seed %s: not a whole number >= 0\n", val);
        return EXIT_INPUT;
      }
      o.has_seed = 1;
      o.seed = (uint64_t)v;
    } else if (!strcmp(a, "--replications") || !strcmp(a, "--max-evaluations") ||
               !strcmp(a, "--bootstrap") || !strcmp(a, "--threads") ||
               !strcmp(a, "--holdout-months")) {
      long lo = !strcmp(a, "--bootstrap") ? 20 : 1,
           hi = !strcmp(a, "--threads") ? salesim_threads_max() : 100000;
      if (salesim_cli_parse_count(val, lo, hi, &v) != 0) {
        fprintf(stderr,
                "salesim calibrate: %s %s: not a whole number in range (expected %ld to %ld)\n",
                a, val, lo, hi);
        return EXIT_INPUT;
      }
      if (!strcmp(a, "--replications"))
        o.replications = (int)v;
      else if (!strcmp(a, "--max-evaluations"))
        o.max_evaluations = (int)v;
      else if (!strcmp(a, "--bootstrap"))
        o.bootstrap = (int)v;
      else if (!strcmp(a, "--holdout-months"))
        o.holdout_months = (int)v;
      else
        o.threads = (int)v;
    } else {
      fprintf(stderr, "salesim calibrate: unknown option %s (see salesim calibrate --help)\n", a);
      return EXIT_INPUT;
    }
  }
  if (scenario == NULL || out == NULL) {
    fprintf(stderr, "salesim calibrate: needs SCENARIO and -o DIR (see salesim calibrate "
                    "--help)\n");
    return EXIT_INPUT;
  }
  salesim_diag diag = SALESIM_DIAG_INIT, warn = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  if (salesim_scenario_load_with(&sc, scenario, load, &diag) != 0 ||
      salesim_output_check(out, &diag) != 0) {
    print_diag(&diag);
    salesim_diag_clear(&diag);
    salesim_scenario_free(sc);
    return EXIT_INPUT;
  }
  o.cancel = (const volatile int *)&interrupted;
  signal(SIGINT, on_signal);
  salesim_calibrate_result res;
  int rc = salesim_calibrate(sc, &o, &res, &diag, &warn);
  if (rc == 0)
    rc = salesim_calibrate_write(sc, &res, &warn, out, &diag);
  int status = EXIT_OK;
  if (rc != 0) {
    print_diag(&diag);
    status = rc == SALESIM_EINVAL ? EXIT_INPUT : EXIT_RUNTIME;
  } else {
    print_diag(&warn);
    printf("calibrated %s on %d months of history (%d people at its start), %d candidates%s\n",
           scenario, res.months, res.reps_at_start, res.evaluations,
           res.converged ? "" : " (stopped at the budget)");
    for (int p = 0; p < SALESIM_CALIB_PARAMS; p++) {
      const salesim_calibrate_param *q = &res.param[p];
      if (q->identified)
        printf("  %-30s %.6g  [%.6g, %.6g]\n", q->setting, q->estimate, q->low, q->high);
      else
        printf("  %-30s %.6g  not identified (kept)\n", q->setting, q->estimate);
    }
    if (res.holdout_to > res.to) {
      int covered = 0, observed = 0;
      for (int k = 0; k < SALESIM_MOMENTS; k++) {
        double ob = res.holdout_observed.value[k];
        if (!isfinite(ob) || !isfinite(res.holdout_p025[k]))
          continue;
        observed++;
        covered += ob >= res.holdout_p025[k] && ob <= res.holdout_p975[k];
      }
      printf("held-out %d months: %d of %d moments inside the predicted 95 %% range\n",
             o.holdout_months, covered, observed);
    }
    printf("wrote %s/fit.csv, calibration.md, calibrated.cfg\n", out);
  }
  salesim_calibrate_result_clear(&res);
  salesim_scenario_free(sc);
  salesim_diag_clear(&diag);
  salesim_diag_clear(&warn);
  return status;
}
