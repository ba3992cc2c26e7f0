/*
 * bench/bench_data.c: loading a company's own data (issue 13: "files of
 * 100,000 accounts and 1,000,000 opportunity rows load in seconds"). Writes
 * a generated, valid company into a temporary folder: 200 territories,
 * 2,000 people (one in ten left in 2024), 100,000 accounts, 250,000
 * opportunities of four stage changes each (1,000,000 rows), 24,000
 * monthly results and 100,000 activities; then times salesim_scenario_load
 * on a scenario naming every file (every check of engine/scenario/data_load.c
 * runs), ROUNDS times (default 3), and prints each round and the median in
 * seconds, wall and process CPU (less moved by other jobs on a shared
 * machine), with the bytes read per second. The folder is removed at the end.
 * Options: --rounds N, --accounts N, --opportunities N (opportunities,
 * four rows each), --keep (leave the folder and print it). Run: make bench.
 * Read next: bench/README.md.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <salesim/salesim.h>

#include "bench_clock.h"

static uint32_t next_of(uint64_t *rng) { /* xorshift64*: the same company every run */
  *rng ^= *rng >> 12;
  *rng ^= *rng << 25;
  *rng ^= *rng >> 27;
  return (uint32_t)((*rng * 0x2545f4914f6cdd1dULL) >> 32);
}
#define next() next_of(&rng)

static void date_of(long days, char out[16]) {
  int y, m, d;
  salesim_data_ymd(days, &y, &m, &d);
  snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

static FILE *open_in(const char *dir, const char *name) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  if (f == NULL) {
    perror(p);
    exit(1);
  }
  return f;
}

static long file_size(const char *dir, const char *name) {
  char p[512];
  struct stat st;
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return stat(p, &st) == 0 ? (long)st.st_size : 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  uint64_t rng = 0x9e3779b97f4a7c15ULL;
  int rounds = 3, keep = 0;
  long n_accounts = 100000, n_opps = 250000;
  const int n_terr = 200, per_terr = 10, n_reps = n_terr * per_terr;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
      rounds = atoi(argv[++i]);
    else if (strcmp(argv[i], "--accounts") == 0 && i + 1 < argc)
      n_accounts = atol(argv[++i]);
    else if (strcmp(argv[i], "--opportunities") == 0 && i + 1 < argc)
      n_opps = atol(argv[++i]);
    else if (strcmp(argv[i], "--keep") == 0)
      keep = 1;
    else {
      fprintf(stderr, "usage: bench_data [--rounds N] [--accounts N] [--opportunities N] [--keep]\n");
      return 2;
    }
  }
  if (rounds < 1 || rounds > 100 || n_accounts < n_terr || n_opps < 1) {
    fprintf(stderr, "bench_data: bad option value\n");
    return 2;
  }
  char dir[] = "/tmp/salesim_bench_data_XXXXXX";
  if (mkdtemp(dir) == NULL)
    return 1;
  char d1[16], d2[16], d3[16], d4[16];
  const long day0 = salesim_data_days(2023, 1, 1), exit_day = salesim_data_days(2024, 6, 30);

  FILE *f = open_in(dir, "territories.csv");
  fprintf(f, "territory_id,name,region,potential,prospects\n");
  for (int t = 0; t < n_terr; t++)
    fprintf(f, "T%04d,Territory %d,Region %d,%d,%d\n", t, t, t / 20, 5000000 + (int)(next() % 5000000),
            20 + (int)(next() % 40));
  fclose(f);

  /* rep t*10+9 of each territory left in 2024; the others own the book */
  f = open_in(dir, "roster.csv");
  fprintf(f, "rep_id,name,territory_id,hire_date,exit_date,exit_reason,grade,annual_base,"
             "target_incentive,annual_quota\n");
  for (int r = 0; r < n_reps; r++) {
    long hire = salesim_data_days(2012, 1, 1) + (long)(next() % 3650);
    date_of(hire, d1);
    int leaver = r % per_terr == per_terr - 1;
    date_of(exit_day, d2);
    fprintf(f, "R%05d,\"Person %d, Jr.\",T%04d,%s,%s,%s,%d,%d,%d,%d\n", r, r, r / per_terr, d1,
            leaver ? d2 : "", leaver ? "quit" : "", 1 + (int)(next() % 4),
            70000 + (int)(next() % 40000), 30000, 1000000);
  }
  fclose(f);

  f = open_in(dir, "accounts.csv");
  fprintf(f, "account_id,name,territory_id,owner_rep_id,annual_revenue,customer_since\n");
  for (long a = 0; a < n_accounts; a++) {
    int t = (int)(a % n_terr);
    int owner = t * per_terr + (int)(next() % (per_terr - 1));
    date_of(salesim_data_days(2005, 1, 1) + (long)(next() % 7000), d1);
    fprintf(f, "A%06ld,Account %ld Ltd,T%04d,R%05d,%.2f,%s\n", a, a, t, owner,
            (double)(next() % 50000000) / 100.0, d1);
  }
  fclose(f);

  f = open_in(dir, "performance.csv");
  fprintf(f, "rep_id,period,quota,credited_sales,variable_pay\n");
  for (int r = 0; r < n_reps; r++) {
    int leaver = r % per_terr == per_terr - 1;
    for (int m = 1; m <= (leaver ? 6 : 12); m++)
      fprintf(f, "R%05d,%d-%02d,%d,%d,%d\n", r, leaver ? 2024 : 2025, m, 80000 + (int)(next() % 10000),
              (int)(next() % 150000), (int)(next() % 6000));
  }
  fclose(f);

  /* each opportunity: lead, 20, 40, then won (with its value) or lost; the
   * account's owner works it; dates 2023-01 .. 2025-11 */
  static const char *const mid[] = {"lead", "20", "40%"};
  f = open_in(dir, "opportunities.csv");
  fprintf(f, "opportunity_id,account_id,rep_id,date,stage,value\n");
  for (long o = 0; o < n_opps; o++) {
    long a = (long)(next() % (uint32_t)n_accounts);
    int t = (int)(a % n_terr);
    int rep = t * per_terr + (int)(next() % (per_terr - 1));
    long d = day0 + (long)(next() % 980);
    int won = next() % 3 == 0;
    double value = 1000 + (double)(next() % 20000000) / 100.0;
    for (int s = 0; s < 3; s++) {
      date_of(d + 10 * s, d3);
      fprintf(f, "O%07ld,A%06ld,R%05d,%s,%s,\n", o, a, rep, d3, mid[s]);
    }
    date_of(d + 40, d4);
    if (won)
      fprintf(f, "O%07ld,A%06ld,R%05d,%s,won,%.2f\n", o, a, rep, d4, value);
    else
      fprintf(f, "O%07ld,A%06ld,R%05d,%s,lost,\n", o, a, rep, d4);
  }
  fclose(f);

  static const char *const types[] = {"daily", "visit", "trip"};
  static const char *const states[] = {"planned", "done", "cancelled", "overdue"};
  f = open_in(dir, "activities.csv");
  fprintf(f, "activity_id,rep_id,date,type,state,account_id\n");
  for (long v = 0; v < 100000; v++) {
    long a = (long)(next() % (uint32_t)n_accounts);
    int t = (int)(a % n_terr);
    int rep = t * per_terr + (int)(next() % (per_terr - 1));
    date_of(salesim_data_days(2025, 1, 1) + (long)(next() % 360), d1);
    fprintf(f, "V%06ld,R%05d,%s,%s,%s,A%06ld\n", v, rep, d1, types[next() % 3],
            states[next() % 4], a);
  }
  fclose(f);

  f = open_in(dir, "company.cfg");
  fprintf(f, "months = 12;\nreplications = 1;\n"
             "data = { territories = \"territories.csv\"; accounts = \"accounts.csv\";\n"
             "  roster = \"roster.csv\"; performance = \"performance.csv\";\n"
             "  opportunities = \"opportunities.csv\"; activities = \"activities.csv\"; };\n"
             "mechanisms = ( { type = \"commission\"; rate = 0.03; } );\n");
  fclose(f);
  static const char *const names[] = {"territories.csv", "accounts.csv", "roster.csv",
                                      "performance.csv", "opportunities.csv", "activities.csv"};
  long bytes = 0;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    bytes += file_size(dir, names[i]);

  char cfg[512];
  snprintf(cfg, sizeof cfg, "%s/company.cfg", dir);
  double *secs = calloc((size_t)rounds, sizeof *secs);
  double *cpu = calloc((size_t)rounds, sizeof *cpu);
  int rc = 0;
  printf("bench_data: %ld accounts, %ld opportunity rows, %d reps, %d territories, %.1f MB of CSV\n",
         n_accounts, 4 * n_opps, n_reps, n_terr, bytes / 1e6);
  for (int r = 0; r < rounds && secs != NULL && cpu != NULL; r++) {
    salesim_scenario *sc = NULL;
    salesim_diag d = SALESIM_DIAG_INIT;
    double t0 = now(), c0 = cpu_now();
    int lr = salesim_scenario_load(&sc, cfg, &d);
    secs[r] = now() - t0;
    cpu[r] = cpu_now() - c0;
    if (lr != 0) {
      for (size_t i = 0; i < d.count && i < 20; i++)
        fprintf(stderr, "%s\n", d.lines[i]);
      rc = 1;
      salesim_diag_clear(&d);
      break;
    }
    printf("  round %d: %.3f s wall, %.3f s process CPU (%zu events, %zu accounts, starting "
           "force %d)\n",
           r + 1, secs[r], cpu[r], sc->data->n_events, sc->data->n_accounts, sc->population.reps);
    salesim_scenario_free(sc);
    salesim_diag_clear(&d);
  }
  if (rc == 0 && secs != NULL && cpu != NULL) {
    qsort(secs, (size_t)rounds, sizeof *secs, cmp_double);
    qsort(cpu, (size_t)rounds, sizeof *cpu, cmp_double);
    double med = secs[rounds / 2];
    printf("  median of %d: %.3f s wall to load and check (%.0f MB/s), %.3f s process CPU\n",
           rounds, med, bytes / 1e6 / med, cpu[rounds / 2]);
  }
  free(secs);
  free(cpu);
  if (keep) {
    printf("  kept %s\n", dir);
  } else {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
      rc = 1;
  }
  return rc;
}
