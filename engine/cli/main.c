/*
 * engine/cli/main.c: the `salesim` command line. The only code that prints
 * to a terminal or calls exit. Exit status: 0 success, 2 bad input (usage
 * or scenario), 1 runtime failure.
 *
 *   salesim run [SCENARIO] [-o DIR] [--seed N] [--replications N]
 *               [--threads N] [--resume] [--quiet]
 *   salesim validate SCENARIO...
 *   salesim report OUTDIR...   (engine/cli/study.c)
 *   salesim batch, salesim optimize (engine/cli/study.c)
 *   salesim params          (every scenario setting, as markdown)
 *   salesim mechanisms      (registered mechanisms)
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <salesim/salesim.h>

#include "cli.h"
#include "dist.h"
#include "study.h"
#include "table.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_INPUT = 2 };

static volatile sig_atomic_t interrupted = 0;

static char mpi_hint[2048];
static size_t mpi_hint_len;
static volatile sig_atomic_t mpi_hint_written = 0;

void salesim_cli_mpi_hint(const char *fmt, const char *a, const char *b) {
  mpi_hint_len = 0;
  if (salesim_dist_size() < 2 || salesim_dist_rank() != 0)
    return;
  char sa[SALESIM_CLI_SAFE_SIZE], sb[SALESIM_CLI_SAFE_SIZE];
  int n = snprintf(mpi_hint, sizeof mpi_hint, fmt, salesim_cli_safe(a, sa, sizeof sa),
                   salesim_cli_safe(b ? b : "", sb, sizeof sb));
  mpi_hint_len = n > 0 && (size_t)n < sizeof mpi_hint ? (size_t)n : 0;
}

void salesim_cli_mpi_signal(int sig) {
  /* write(2) alone: async-signal-safe */
  if (sig == SIGTERM && mpi_hint_len > 0 && !mpi_hint_written) {
    mpi_hint_written = 1;
    ssize_t w = write(STDERR_FILENO, mpi_hint, mpi_hint_len);
    (void)w;
  }
}

int salesim_cli_mpi_hinted(void) { return mpi_hint_written; }

static void on_signal(int sig) {
  salesim_cli_mpi_signal(sig);
  interrupted = 1;
}

static void usage_main(FILE *fp) {
  fprintf(fp,
          "usage: salesim <command> [options]\n"
          "\n"
          "Simulate a sales force of self-interested agents under pay and territory\n"
          "mechanisms and compare what each plan costs, sells, keeps and provokes.\n"
          "\n"
          "commands:\n"
          "  run [SCENARIO]       run every mechanism of a scenario (default: the\n"
          "                       installed default scenario) and write the results\n"
          "  validate SCENARIO..  check scenario files and report every problem\n"
          "  batch SCENARIO|DIR.. run many scenarios, one output folder each, with an index\n"
          "  optimize SCENARIO    find the plan parameter value that maximises profit\n"
          "  calibrate SCENARIO   fit the people's traits to the company's own history\n"
          "  report OUTDIR..      rebuild report.xlsx, report.html and report.md of a run\n"
          "  params               list every scenario setting (markdown)\n"
          "  mechanisms           list the mechanisms a scenario can use\n"
          "\n"
          "options:\n"
          "  -h, --help           this help; `salesim run --help` for run's options\n"
          "  -V, --version        print the version\n"
          "\n"
          "exit status: 0 success, 2 bad input (usage or scenario), 1 runtime failure\n");
}

static void usage_run(FILE *fp) {
  fprintf(fp,
          "usage: salesim run [SCENARIO] [-o DIR] [--seed N] [--replications N]\n"
          "                   [--threads N] [--costing] [--resume] [--include-dir DIR]\n"
          "                   [--export-history DIR] [--redact] [--quiet]\n"
          "\n"
          "Runs every mechanism the scenario lists on common random numbers, prints\n"
          "the comparison table and writes summary.csv, replications.csv,\n"
          "monthly.csv, summary.json (and detail tables), scenario.cfg and the reports\n"
          "report.xlsx, report.html and report.md into DIR, atomically.\n"
          "\n"
          "  SCENARIO             scenario file (default: %s)\n"
          "  -o, --output DIR     output folder (default: out/<scenario name>)\n"
          "  --seed N             override the scenario's seed (0..2147483647)\n"
          "  --replications N     override the number of replications\n"
          "  --threads N          worker threads (default: all cores; at most 4 per\n"
          "                       core; results are identical for any N)\n"
          SALESIM_CLI_INCLUDE_HELP
          "  --costing            costing mode (as mode = \"costing\"): also write\n"
          "                       costing.csv with P5/P50/P95 and P(pay cost > budget)\n"
          "  --resume             keep the sweep points an interrupted run into the same\n"
          "                       DIR finished (DIR.partial) and run only the others\n"
          "  --export-history DIR also write replication 1 of every mechanism as a\n"
          "                       company's data: DIR/<mechanism>/territories.csv,\n"
          "                       accounts.csv, roster.csv, performance.csv,\n"
          "                       opportunities.csv, activities.csv (docs/export-history.md)\n"
          SALESIM_CLI_REDACT_HELP
          "  -q, --quiet          no progress and no table on the terminal\n"
          "\n"
          "A scenario with a `sweep` group also runs every design point and writes\n"
          "sweep.csv (docs/batch-and-sweeps.md). Under mpirun the work is spread over\n"
          "the ranks with the same results (docs/cluster.md).\n",
          salesim_cli_default_scenario());
}

const char *salesim_cli_default_scenario(void) {
  static char path[PATH_MAX];
  struct stat st;
  snprintf(path, sizeof path, "%s/scenarios/default.cfg", SALESIM_DATADIR);
  if (stat(path, &st) == 0)
    return path;
  snprintf(path, sizeof path, "%s/default.cfg", SALESIM_SOURCE_SCENARIOS);
  return path;
}

int salesim_cli_parse_count(const char *s, long lo, long hi, long *out) {
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

/* Length of the UTF-8 character at s (2..4) if it is well formed and not a
 * C1 control, else 0. */
static size_t utf8_printable(const unsigned char *s) {
  size_t n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
  if (n == 0 || s[0] > 0xF4)
    return 0;
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xC0) != 0x80)
      return 0;
  if (n == 2 && s[0] == 0xC2 && s[1] < 0xA0)
    return 0; /* U+0080..U+009F */
  if ((n == 3 && s[0] == 0xE0 && s[1] < 0xA0) || (n == 4 && s[0] == 0xF0 && s[1] < 0x90) ||
      (n == 4 && s[0] == 0xF4 && s[1] > 0x8F) || (n == 3 && s[0] == 0xED && s[1] > 0x9F))
    return 0; /* overlong, beyond U+10FFFF, surrogates */
  return n;
}

char *salesim_cli_safe(const char *s, char *buf, size_t size) {
  const unsigned char *c = (const unsigned char *)s;
  size_t k = 0;
  while (*c) {
    size_t n = *c >= 0x20 && *c < 0x7f ? 1 : *c >= 0x80 ? utf8_printable(c) : 0;
    if (k + (n ? n : 4) + 4 > size) {
      memcpy(buf + k, "...", 4);
      return buf;
    }
    if (n > 0) {
      memcpy(buf + k, c, n);
      k += n;
      c += n;
    } else {
      k += (size_t)snprintf(buf + k, size - k, "\\x%02x", *c);
      c++;
    }
  }
  buf[k] = '\0';
  return buf;
}

static void print_diag(const salesim_diag *d) {
  char safe[SALESIM_CLI_SAFE_SIZE];
  if (salesim_dist_rank() != 0) /* under MPI rank 0 speaks for all */
    return;
  for (size_t i = 0; i < d->count; i++)
    fprintf(stderr, "%s\n", salesim_cli_safe(d->lines[i], safe, sizeof safe));
}

typedef struct progress_state {
  int tty;
  double start;
  double last;
} progress_state;

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void progress(void *arg, int done, int total) {
  progress_state *p = arg;
  double now = wall();
  if (done < total && now - p->last < (p->tty ? 0.2 : 10.0))
    return;
  p->last = now;
  double el = now - p->start;
  double left = done > 0 ? el * (total - done) / done : 0;
  if (p->tty)
    fprintf(stderr, "\r%d/%d runs, %.1f s elapsed, ~%.0f s left   %s", done, total, el, left,
            done == total ? "\n" : "");
  else
    fprintf(stderr, "salesim: %d/%d runs, %.1f s elapsed, ~%.0f s left\n", done, total, el,
            left);
}

static int cmd_run(int argc, char **argv, const salesim_load_options *load) {
  const char *scenario = NULL, *outdir = NULL, *histdir = NULL;
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  int quiet = 0, costing = 0, resume = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    long v;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage_run(stdout);
      return EXIT_OK;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (!strcmp(a, "--costing")) {
      costing = 1;
    } else if (!strcmp(a, "--resume")) {
      resume = 1;
    } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
      if (++i >= argc) {
        fprintf(stderr, "salesim run: %s needs a folder\n", a);
        return EXIT_INPUT;
      }
      outdir = argv[i];
    } else if (!strcmp(a, "--export-history")) {
      if (++i >= argc || argv[i][0] == '\0') {
        fprintf(stderr, "salesim run: %s needs a folder\n", a);
        return EXIT_INPUT;
      }
      histdir = argv[i];
    } else if (!strcmp(a, "--seed") || !strcmp(a, "--replications") ||
               !strcmp(a, "--threads")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "salesim run: %s needs a number\n", a);
        return EXIT_INPUT;
      }
      const char *val = argv[++i];
      int is_seed = !strcmp(a, "--seed");
      long lo = is_seed ? 0 : 1, hi = is_seed ? INT_MAX : 100000; /* a file's seed range */
      if (salesim_cli_parse_count(val, lo, hi, &v) != 0) {
        fprintf(stderr, "salesim run: %s %s: not a whole number in %ld..%ld\n", a, val, lo, hi);
        return EXIT_INPUT;
      }
      if (!strcmp(a, "--threads") && v > salesim_threads_max()) {
        fprintf(stderr, "salesim run: --threads %s: more than %d (4 per core; docs/limits.md)\n",
                val, salesim_threads_max());
        return EXIT_INPUT;
      }
      if (is_seed) {
        opt.seed_set = 1;
        opt.seed = (uint64_t)v;
      } else if (!strcmp(a, "--replications")) {
        opt.replications = (int)v;
      } else {
        opt.threads = (int)v;
      }
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "salesim run: unknown option %s (see salesim run --help)\n", a);
      return EXIT_INPUT;
    } else if (scenario == NULL) {
      scenario = a;
    } else {
      fprintf(stderr, "salesim run: one scenario at a time (got %s and %s)\n", scenario, a);
      return EXIT_INPUT;
    }
  }
  if (scenario == NULL)
    scenario = salesim_cli_default_scenario();

  /* from here an interrupt ends the run cleanly (checked every month) */
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  salesim_diag diag = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  int rc = salesim_scenario_load_with(&sc, scenario, load, &diag);
  if (rc != 0) {
    print_diag(&diag);
    salesim_diag_clear(&diag);
    return EXIT_INPUT;
  }
  char defdir[PATH_MAX];
  if (outdir == NULL) {
    snprintf(defdir, sizeof defdir, "out/%s", sc->name);
    outdir = defdir;
  }
  progress_state ps = {isatty(STDERR_FILENO), wall(), 0};
  if (salesim_dist_rank() != 0) /* under MPI rank 0 speaks for all */
    quiet = 1;
  if (!quiet) {
    opt.progress = progress;
    opt.progress_arg = &ps;
  }
  opt.cancel = &interrupted;
  if (sc->sweep != NULL)
    salesim_cli_mpi_hint("salesim run: stopped by a signal (under mpirun: a rank failed or the job "
                         "was cancelled); nothing written to %s; finished sweep points stay in "
                         "%s.partial: run the same command with --resume\n",
                         outdir, outdir);
  else
    salesim_cli_mpi_hint("salesim run: stopped by a signal (under mpirun: a rank failed or the job "
                         "was cancelled); nothing written to %s%s\n",
                         outdir, NULL);

  salesim_results *res = NULL;
  if (costing)
    sc->mode = SALESIM_STUDY_COSTING;
  if (histdir != NULL && strcmp(histdir, outdir) == 0) {
    fprintf(stderr, "salesim run: --export-history %s: the same folder as the output (expected "
                    "a folder of its own)\n", histdir);
    salesim_scenario_free(sc);
    return EXIT_INPUT;
  }
  /* the export's folder is checked before the run, like the output's */
  if (histdir != NULL && (rc = salesim_study_export_check(histdir, &diag)) != 0) {
    print_diag(&diag);
    salesim_scenario_free(sc);
    salesim_diag_clear(&diag);
    return EXIT_RUNTIME;
  }
  salesim_study_resume rs = {0};
  rs.resume = resume;
  rc = salesim_study_run_resumable(sc, outdir, &opt, &rs, &res, &diag);
  /* the run is written; then its first replication again with the
   * history recorder (the same numbers: docs/export-history.md) */
  if (rc == 0 && histdir != NULL) {
    rc = salesim_study_export_history(sc, &opt, histdir, &diag);
    if (rc != 0) { /* the run's outputs are written: say so, and what failed */
      if (salesim_dist_rank() == 0) {
        print_diag(&diag);
        fprintf(stderr, "salesim run: results written to %s; the history export %s, nothing "
                        "written to %s\n",
                outdir, rc == SALESIM_EINTERRUPTED ? "was interrupted" : "failed", histdir);
      }
      salesim_results_free(res);
      salesim_scenario_free(sc);
      salesim_diag_clear(&diag);
      return EXIT_RUNTIME;
    }
  }
  int root = salesim_dist_rank() == 0;
  if (rc == SALESIM_EINTERRUPTED && salesim_cli_mpi_hinted()) {
    salesim_scenario_free(sc);
    salesim_diag_clear(&diag);
    return EXIT_RUNTIME;
  }
  if (rc == SALESIM_EINTERRUPTED && root) {
    char safe[SALESIM_CLI_SAFE_SIZE];
    if (rs.points_kept > 0)
      fprintf(stderr,
              "salesim run: interrupted; %d finished sweep points kept in %s; run the same "
              "command with --resume to run only the others (nothing written to %s yet)\n",
              rs.points_kept, salesim_cli_safe(rs.partial, safe, sizeof safe), outdir);
    else
      fprintf(stderr, "salesim run: interrupted by a signal; nothing written to %s\n", outdir);
    salesim_scenario_free(sc);
    salesim_diag_clear(&diag);
    return EXIT_RUNTIME;
  }
  if (rc != 0) {
    char safe[SALESIM_CLI_SAFE_SIZE];
    print_diag(&diag);
    /* the diagnostic already says it in one line; under MPI rank 0 holds it */
    if (diag.count == 0 && root)
      fprintf(stderr, "salesim run: %s: %s\n", salesim_cli_safe(scenario, safe, sizeof safe),
              salesim_strerror(rc));
    if (rs.points_kept > 0 && root)
      fprintf(stderr, "salesim run: %d finished sweep points kept in %s (--resume runs only the "
                      "others)\n",
              rs.points_kept, salesim_cli_safe(rs.partial, safe, sizeof safe));
    salesim_results_free(res);
    salesim_scenario_free(sc);
    salesim_diag_clear(&diag);
    return rc == SALESIM_ESCENARIO ? EXIT_INPUT : EXIT_RUNTIME;
  }
  if (!quiet) {
    char safe[SALESIM_CLI_SAFE_SIZE];
    printf("salesim %s: %s, %d replications x %d months, seed %llu, %.1f s\n",
           salesim_version(), salesim_cli_safe(sc->path, safe, sizeof safe), res->n_rep,
           res->n_months,
           (unsigned long long)res->seed, res->wall_seconds);
    salesim_cli_print_table(stdout, res);
    printf("\nresults written to %s/\n", outdir);
    if (histdir != NULL)
      printf("history of replication 1 written to %s/\n", histdir);
  }
  salesim_results_free(res);
  salesim_scenario_free(sc);
  salesim_diag_clear(&diag);
  return EXIT_OK;
}

static int cmd_validate(int argc, char **argv, const salesim_load_options *load) {
  if (argc < 1) {
    fprintf(stderr, "usage: salesim validate SCENARIO...\n");
    return EXIT_INPUT;
  }
  int bad = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      printf("usage: salesim validate [--include-dir DIR] SCENARIO...\n"
             "Checks each file and reports every problem, one line each:\n"
             "FILE:LINE: SETTING: problem (expected ...). Exit 2 if any.\n"
             "\n" SALESIM_CLI_INCLUDE_HELP);
      return EXIT_OK;
    }
  }
  for (int i = 0; i < argc; i++) {
    salesim_diag diag = SALESIM_DIAG_INIT;
    salesim_scenario *sc = NULL;
    int rc = salesim_scenario_load_with(&sc, argv[i], load, &diag);
    if (rc != 0) {
      print_diag(&diag);
      bad = 1;
    } else {
      char safe[SALESIM_CLI_SAFE_SIZE];
      printf("%s: ok (%d mechanisms, %d replications, %d months)\n",
             salesim_cli_safe(argv[i], safe, sizeof safe), sc->n_mechanisms,
             sc->replications, sc->months);
    }
    salesim_scenario_free(sc);
    salesim_diag_clear(&diag);
  }
  return bad ? EXIT_INPUT : EXIT_OK;
}

/* Take every `--include-dir DIR` out of argv (after the command) into the
 * load options: that folder is allowed for @include (docs/input-safety.md). */
int salesim_cli_include_dirs(const char *cmd, int *argc, char **argv, const char **dirs,
                             salesim_load_options *load) {
  int w = 2;
  int redact_ok = strcmp(cmd, "validate") != 0; /* run, batch, optimize, calibrate */
  for (int i = 2; i < *argc; i++) {
    if (redact_ok && strcmp(argv[i], "--redact") == 0) {
      load->redact = 1;
      continue;
    }
    if (strcmp(argv[i], "--include-dir") != 0) {
      argv[w++] = argv[i];
      continue;
    }
    if (i + 1 >= *argc) {
      fprintf(stderr, "salesim %s: --include-dir needs a folder\n", cmd);
      return EXIT_INPUT;
    }
    const char *dir = argv[++i];
    salesim_diag diag = SALESIM_DIAG_INIT;
    if (load->n_include_dirs >= SALESIM_INCLUDE_DIRS_MAX)
      salesim_diag_add(&diag, "--include-dir %s: more than %d folders (expected at most %d)", dir,
                       SALESIM_INCLUDE_DIRS_MAX, SALESIM_INCLUDE_DIRS_MAX);
    else if (salesim_scenario_check_include_dir(dir, &diag) == 0)
      dirs[load->n_include_dirs++] = dir;
    if (diag.count > 0) {
      for (size_t k = 0; k < diag.count; k++)
        fprintf(stderr, "salesim %s: %s\n", cmd, diag.lines[k]);
      salesim_diag_clear(&diag);
      return EXIT_INPUT;
    }
  }
  *argc = w;
  argv[w] = NULL;
  load->include_dirs = dirs;
  return EXIT_OK;
}

static int cmd_mechanisms(void) {
  for (int i = 0; i < salesim_mechanism_count(); i++)
    printf("%-18s %s\n", salesim_mechanism_name(i), salesim_mechanism_summary(i));
  return EXIT_OK;
}

static int dispatch(int argc, char **argv);

/* Output that could not be written is a failure too (salesim params >
 * /dev/full, a full disk under a redirected table). */
int main(int argc, char **argv) {
  gsl_set_error_handler_off(); /* every GSL status is checked; never abort */
  /* MPI starts only under mpirun or srun (engine/run/dist.h) */
  char why[256] = "";
  if (salesim_dist_init(&argc, &argv, why, sizeof why) != 0) {
    fprintf(stderr, "salesim: %s\n", why);
    return EXIT_RUNTIME;
  }
  int rc = dispatch(argc, argv);
  /* a rank that failed alone would leave the others waiting: end them all
   * (the failing rank has printed why; rank 0 printed the run's errors) */
  salesim_dist_finalize(rc == EXIT_RUNTIME && salesim_dist_size() > 1);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "salesim: standard output: %s\n", strerror(errno ? errno : EIO));
    if (rc == EXIT_OK)
      rc = EXIT_RUNTIME;
  }
  return rc;
}

static int dispatch(int argc, char **argv) {
  if (argc < 2) {
    usage_main(stderr);
    return EXIT_INPUT;
  }
  const char *cmd = argv[1];
  const char *dirs[SALESIM_INCLUDE_DIRS_MAX];
  salesim_load_options load = SALESIM_LOAD_OPTIONS_INIT;
  if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
    usage_main(stdout);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
    printf("salesim %s\n", salesim_version());
    return EXIT_OK;
  }
  if (!strcmp(cmd, "run") || !strcmp(cmd, "validate") || !strcmp(cmd, "batch") ||
      !strcmp(cmd, "optimize") || !strcmp(cmd, "calibrate")) {
    int rc = salesim_cli_include_dirs(cmd, &argc, argv, dirs, &load);
    if (rc != EXIT_OK)
      return rc;
  }
  if (salesim_dist_size() > 1 && strcmp(cmd, "run") != 0 && strcmp(cmd, "batch") != 0 &&
      strcmp(cmd, "optimize") != 0) {
    /* under MPI run, batch and optimize spread their work over the ranks
     * (docs/cluster.md); the rest (validate, report, params, ...) is done
     * once, by rank 0 */
    if (salesim_dist_rank() != 0)
      return EXIT_OK;
  }
  if (!strcmp(cmd, "run"))
    return cmd_run(argc - 2, argv + 2, &load);
  if (!strcmp(cmd, "report"))
    return salesim_cli_report(argc - 2, argv + 2);
  if (!strcmp(cmd, "batch"))
    return salesim_cli_batch(argc - 2, argv + 2, &load);
  if (!strcmp(cmd, "optimize"))
    return salesim_cli_optimize(argc - 2, argv + 2, &load);
  if (!strcmp(cmd, "calibrate"))
    return salesim_cli_calibrate(argc - 2, argv + 2, &load);
  if (!strcmp(cmd, "validate"))
    return cmd_validate(argc - 2, argv + 2, &load);
  if (!strcmp(cmd, "params"))
    return salesim_scenario_doc_markdown(stdout) == 0 ? EXIT_OK : EXIT_RUNTIME;
  if (!strcmp(cmd, "mechanisms"))
    return cmd_mechanisms();
  fprintf(stderr, "salesim: unknown command '%s' (see salesim --help)\n", cmd);
  return EXIT_INPUT;
}
