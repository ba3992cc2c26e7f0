/*
 * bench/bench_scale.c: time per agent-month against the size of the sales
 * force (issue 12: "flat within 1.3x from 1,000 to 1,000,000 reps").
 *
 * The scenario (default bench/standard.cfg) is scaled to each size with
 * population.reps and territories.count together (50 positions a
 * territory, so every territory looks the same at every size), run for
 * --months months (default 12) with as many replications as make
 * --agent-months agent-months a size (default 24,000,000: 1,000 replications
 * at 1k reps, 1 at 1M), every mechanism (or those named by --mechanism), one
 * replication after another on this thread, each replication through
 * salesim_sim_run as `salesim run` does. Before each size's timed runs, one
 * untimed warm-up replication of --warmup-months months (default 1) of the
 * same size. Prints ns per agent-month (wall and process CPU), the ratio to
 * the first size, the largest ratio against 1.3, and peak memory per rep
 * (ru_maxrss after the size / reps: sizes run smallest first). A size whose
 * world does not fit in the available memory (MemAvailable in
 * /proc/meminfo, about 2 KB a rep with room) is skipped with a message.
 * Timings are comparable within one run only (run it on a quiet machine).
 *   bench_scale [SCENARIO] [--sizes 1000,10000,100000,1000000] [--months N]
 *               [--agent-months N] [--warmup-months N] [--mechanism NAME]...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <salesim/salesim.h>

#include "mechanism.h"
#include "metrics.h"
#include "sim.h"

#define MAX_SIZES 16
#define MAX_MECH 32

static double now(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* MemAvailable from /proc/meminfo in bytes, or -1 if unknown */
static double mem_available(void) {
  FILE *fp = fopen("/proc/meminfo", "r");
  if (fp == NULL)
    return -1;
  char line[256];
  double kb = -1;
  while (fgets(line, sizeof line, fp) != NULL)
    if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1)
      break;
  fclose(fp);
  return kb > 0 ? kb * 1024 : -1;
}

/* one replication of mechanism `mech` of sc; 0 or the run's code */
static int run_one(const salesim_scenario *sc, int mech, int rep, double *metrics,
                   double *monthly) {
  salesim_task_out out;
  memset(&out, 0, sizeof out);
  /* the loop adds into the month's series: zero, as salesim_run's are */
  memset(monthly, 0, (size_t)sc->months * SALESIM_SERIES_COUNT * sizeof *monthly);
  out.metrics = metrics;
  out.monthly = monthly;
  salesim_diag diag = SALESIM_DIAG_INIT;
  int rc = salesim_sim_run(sc, mech, rep, sc->seed, &out, &diag);
  for (size_t i = 0; i < diag.count; i++)
    fprintf(stderr, "bench_scale: %s\n", diag.lines[i]);
  salesim_diag_clear(&diag);
  for (int i = 0; i < out.n_tables; i++)
    salesim_table_free(out.tables[i]);
  free(out.tables);
  return rc;
}

static int usage(void) {
  fprintf(stderr, "usage: bench_scale [SCENARIO] [--sizes N,N,...] [--months N] "
                  "[--agent-months N] [--warmup-months N] [--mechanism NAME]...\n");
  return 2;
}

int main(int argc, char **argv) {
  const char *path = SALESIM_SOURCE_DIR "/bench/standard.cfg";
  int sizes[MAX_SIZES] = {1000, 10000, 100000, 1000000}, n_sizes = 4;
  int months = 12, warm_months = 1;
  double budget = 24e6;
  const char *only[MAX_MECH];
  int n_only = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int more = i + 1 < argc;
    if (!strcmp(a, "--sizes") && more) {
      n_sizes = 0;
      for (char *s = argv[++i], *end; *s && n_sizes < MAX_SIZES; s = *end ? end + 1 : end) {
        long v = strtol(s, &end, 10);
        if (end == s || v < 1 || v > 1000000 || (*end && *end != ','))
          return usage();
        sizes[n_sizes++] = (int)v;
      }
    } else if (!strcmp(a, "--months") && more) {
      months = atoi(argv[++i]);
    } else if (!strcmp(a, "--agent-months") && more) {
      budget = atof(argv[++i]);
    } else if (!strcmp(a, "--warmup-months") && more) {
      warm_months = atoi(argv[++i]);
    } else if (!strcmp(a, "--mechanism") && more && n_only < MAX_MECH) {
      only[n_only++] = argv[++i];
    } else if (a[0] == '-') {
      return usage();
    } else {
      path = a;
    }
  }
  if (n_sizes < 1 || months < 1 || warm_months < 0 || !(budget > 0))
    return usage();
  salesim_diag diag = SALESIM_DIAG_INIT;
  salesim_scenario *base = NULL;
  if (salesim_scenario_load(&base, path, &diag) != 0) {
    for (size_t i = 0; i < diag.count; i++)
      fprintf(stderr, "%s\n", diag.lines[i]);
    return 2;
  }
  if (base->territories.list_count > 0) {
    fprintf(stderr, "bench_scale: %s lists its territories: give one with territories.count\n",
            path);
    return 2;
  }
  if (months > base->months) {
    fprintf(stderr, "bench_scale: --months %d: the scenario runs %d\n", months, base->months);
    return 2;
  }
  int mechs[MAX_MECH], n_mechs = 0;
  for (int m = 0; m < base->n_mechanisms && n_mechs < MAX_MECH; m++) {
    int take = n_only == 0;
    for (int k = 0; k < n_only; k++)
      take |= !strcmp(only[k], base->mechanisms[m].name) ||
              !strcmp(only[k], base->mechanisms[m].type->name);
    if (take)
      mechs[n_mechs++] = m;
  }
  if (n_mechs == 0) {
    fprintf(stderr, "bench_scale: no mechanism of %s is named so\n", path);
    return 2;
  }
  int n_metrics = salesim_metric_count();
  double *metrics = malloc((size_t)n_metrics * sizeof *metrics);
  double *monthly = malloc((size_t)base->months * SALESIM_SERIES_COUNT * sizeof *monthly);
  if (metrics == NULL || monthly == NULL)
    return 1;
  printf("scenario  %s, %d months, %d mechanism(s):", path, months, n_mechs);
  for (int k = 0; k < n_mechs; k++)
    printf(" %s", base->mechanisms[mechs[k]].name);
  printf("; 50 positions a territory; one thread\n");
  double ref_w = 0, ref_c = 0, worst = 0;
  int measured = 0;
  for (int s = 0; s < n_sizes; s++) {
    int reps = sizes[s];
    double need = (double)reps * 2048 * 1.25;
    double avail = mem_available();
    if (avail > 0 && need > avail) {
      printf("reps %8d  skipped: needs about %.1f GB, %.1f GB available\n", reps, need / 1e9,
             avail / 1e9);
      continue;
    }
    salesim_scenario *sc = salesim_scenario_copy(base);
    if (sc == NULL)
      return 1;
    int terr = reps / 50 > 0 ? reps / 50 : 1;
    if (salesim_scenario_set(sc, "population.reps", reps, &diag) != 0 ||
        salesim_scenario_set(sc, "territories.count", terr, &diag) != 0) {
      for (size_t i = 0; i < diag.count; i++)
        fprintf(stderr, "%s\n", diag.lines[i]);
      return 2;
    }
    int rc = 0;
    if (warm_months > 0) {
      sc->months = warm_months < months ? warm_months : months;
      rc = run_one(sc, mechs[0], 0, metrics, monthly);
    }
    sc->months = months;
    double per_rep = (double)reps * months * n_mechs;
    int reps_run = (int)(budget / per_rep + 0.5);
    if (reps_run < 1)
      reps_run = 1;
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    for (int r = 0; r < reps_run && rc == 0; r++)
      for (int k = 0; k < n_mechs && rc == 0; k++)
        rc = run_one(sc, mechs[k], r, metrics, monthly);
    double wall = now(CLOCK_MONOTONIC) - w0, cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    salesim_scenario_free(sc);
    if (rc != 0) {
      fprintf(stderr, "bench_scale: %d reps: run failed (%d)\n", reps, rc);
      return 1;
    }
    double am = per_rep * reps_run;
    double ns_w = wall / am * 1e9, ns_c = cpu / am * 1e9;
    if (measured++ == 0) {
      ref_w = ns_w;
      ref_c = ns_c;
    }
    if (ns_c / ref_c > worst)
      worst = ns_c / ref_c;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("reps %8d  replications %5d  %5.1f M agent-months  %6.0f ns/agent-month wall "
           "(%.2fx)  %6.0f CPU (%.2fx)  peak %6.0f bytes a rep\n",
           reps, reps_run, am / 1e6, ns_w, ns_w / ref_w, ns_c, ns_c / ref_c,
           ru.ru_maxrss * 1024.0 / reps);
    fflush(stdout);
  }
  if (measured > 1)
    printf("largest CPU ratio to the first size: %.2f (issue 12: <= 1.3 from 1k to 1M): %s\n",
           worst, worst <= 1.3 ? "within" : "above");
  free(metrics);
  free(monthly);
  salesim_scenario_free(base);
  salesim_diag_clear(&diag);
  return 0;
}
