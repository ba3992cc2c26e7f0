/*
 * bench/bench_tender.c: the algorithmic core of the tender at the issue's
 * scale (issue 4): 2,000 territories, 3,000 managers bidding on 5
 * territories each, 20,000 reps each ranking ~10 winners, team capacity
 * ~1.5 x reps / winners. Times winner determination with the dedicated
 * solver (successive shortest paths) and with GLPK in the same run, checks
 * they reach the same optimum, times team formation (market build, rank
 * tables, deferred acceptance from each side) and prints peak RSS.
 * Usage: bench_tender [seed]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "assign.h"
#include "matching.h"

#define N_TERRITORIES 2000
#define N_MANAGERS 3000
#define BIDS_PER_MANAGER 5
#define N_REPS 20000
#define RANKS_PER_REP 10

#include "bench_clock.h"

typedef struct keyed {
  double key;
  int who;
} keyed;

static int by_key_desc(const void *a, const void *b) {
  double x = ((const keyed *)a)->key, y = ((const keyed *)b)->key;
  return (x < y) - (x > y);
}

int main(int argc, char **argv) {
  unsigned long seed = argc > 1 ? strtoul(argv[1], NULL, 10) : 2024UL;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, seed);
  int rc = 1;

  /* ---- bids: a manager bids on 5 distinct territories; the firm's score
   * grows with the territory's size and the manager's (panel-scored)
   * ability, with noise. */
  double *size = malloc(N_TERRITORIES * sizeof *size);
  double *ability = malloc(N_MANAGERS * sizeof *ability);
  salesim_bid *bids = malloc((size_t)N_MANAGERS * BIDS_PER_MANAGER * sizeof *bids);
  int *award_ssp = malloc(N_TERRITORIES * sizeof *award_ssp);
  int *award_glpk = malloc(N_TERRITORIES * sizeof *award_glpk);
  if (!size || !ability || !bids || !award_ssp || !award_glpk)
    return 1;
  for (int k = 0; k < N_TERRITORIES; k++)
    size[k] = gsl_ran_lognormal(r, 0, 0.5);
  for (int i = 0; i < N_MANAGERS; i++)
    ability[i] = gsl_ran_lognormal(r, 0, 0.3);
  size_t n_bids = 0;
  for (int i = 0; i < N_MANAGERS; i++) {
    int chosen[BIDS_PER_MANAGER];
    for (int b = 0; b < BIDS_PER_MANAGER; b++) {
      int k, dup;
      do {
        k = (int)gsl_rng_uniform_int(r, N_TERRITORIES);
        dup = 0;
        for (int c = 0; c < b; c++)
          dup |= chosen[c] == k;
      } while (dup);
      chosen[b] = k;
      bids[n_bids].manager = i;
      bids[n_bids].territory = k;
      bids[n_bids].score = 1000.0 * size[k] * ability[i] * (0.8 + 0.4 * gsl_rng_uniform(r));
      n_bids++;
    }
  }

  salesim_assign *ws = NULL;
  if (salesim_assign_alloc(&ws, N_MANAGERS, N_TERRITORIES, n_bids) != 0)
    return 1;
  double v_ssp = 0, v_glpk = 0;
  const int ssp_reps = 10;
  double t0 = now();
  for (int rep = 0; rep < ssp_reps; rep++)
    if (salesim_assign_solve(ws, SALESIM_ASSIGN_SSP, bids, n_bids, NULL, award_ssp, &v_ssp) != 0)
      return 1;
  double t_ssp = (now() - t0) / ssp_reps;
  t0 = now();
  int grc = salesim_assign_solve(ws, SALESIM_ASSIGN_GLPK, bids, n_bids, NULL, award_glpk, &v_glpk);
  double t_glpk = now() - t0;
  if (grc != 0) {
    printf("GLPK failed: %s\n", salesim_strerror(grc));
    return 1;
  }
  int n_winners = 0;
  for (int k = 0; k < N_TERRITORIES; k++)
    n_winners += award_ssp[k] >= 0;
  printf("winner determination: %d territories, %d managers, %zu bids, %d awarded\n",
         N_TERRITORIES, N_MANAGERS, n_bids, n_winners);
  printf("  SSP   %10.4f s  (mean of %d)  score %.6f\n", t_ssp, ssp_reps, v_ssp);
  printf("  GLPK  %10.4f s              score %.6f\n", t_glpk, v_glpk);
  printf("  GLPK / SSP time ratio %.0f; relative score gap %.2e\n", t_glpk / t_ssp,
         (v_glpk - v_ssp) / v_ssp);

  /* ---- team formation: winners are teams. Each rep ranks ~10 winners by
   * its own utility (package ~ territory size, perceived manager quality,
   * taste); a winner ranks the reps that listed it by perceived ability. */
  int *team_terr = malloc(N_TERRITORIES * sizeof *team_terr);
  double *rep_ability = malloc(N_REPS * sizeof *rep_ability);
  int *rs = malloc((N_REPS + 1) * sizeof *rs);
  int *rl = malloc((size_t)N_REPS * RANKS_PER_REP * sizeof *rl);
  int *ts = calloc((size_t)n_winners + 1, sizeof *ts);
  int *tl = malloc((size_t)N_REPS * RANKS_PER_REP * sizeof *tl);
  int *cap = malloc((size_t)n_winners * sizeof *cap);
  keyed *tmp = malloc((size_t)N_REPS * RANKS_PER_REP * sizeof *tmp);
  int *team_of_rep = malloc(N_REPS * sizeof *team_of_rep);
  int *team_of_rep2 = malloc(N_REPS * sizeof *team_of_rep2);
  if (!team_terr || !rep_ability || !rs || !rl || !ts || !tl || !cap || !tmp ||
      !team_of_rep || !team_of_rep2)
    return 1;
  int W = 0;
  for (int k = 0; k < N_TERRITORIES; k++)
    if (award_ssp[k] >= 0)
      team_terr[W++] = k;
  const int capacity = (int)(1.5 * N_REPS / W + 0.5);
  for (int j = 0; j < W; j++)
    cap[j] = capacity;
  for (int p = 0; p < N_REPS; p++)
    rep_ability[p] = gsl_ran_lognormal(r, 0, 0.4);

  double tb = now();
  rs[0] = 0;
  for (int p = 0; p < N_REPS; p++) {
    keyed pick[RANKS_PER_REP];
    for (int x = 0; x < RANKS_PER_REP; x++) {
      int j, dup;
      do {
        j = (int)gsl_rng_uniform_int(r, (unsigned long)W);
        dup = 0;
        for (int c = 0; c < x; c++)
          dup |= pick[c].who == j;
      } while (dup);
      int k = team_terr[j];
      pick[x].who = j;
      pick[x].key = size[k] * ability[bids[award_ssp[k]].manager] *
                    gsl_ran_lognormal(r, 0, 0.3);
    }
    qsort(pick, RANKS_PER_REP, sizeof pick[0], by_key_desc);
    for (int x = 0; x < RANKS_PER_REP; x++)
      rl[p * RANKS_PER_REP + x] = pick[x].who;
    rs[p + 1] = (p + 1) * RANKS_PER_REP;
  }
  const int L = N_REPS * RANKS_PER_REP;
  for (int q = 0; q < L; q++)
    ts[rl[q] + 1]++;
  for (int j = 0; j < W; j++)
    ts[j + 1] += ts[j];
  int *fill = malloc(((size_t)W + 1) * sizeof *fill);
  if (fill == NULL)
    return 1;
  memcpy(fill, ts, ((size_t)W + 1) * sizeof *fill);
  for (int p = 0; p < N_REPS; p++)
    for (int q = rs[p]; q < rs[p + 1]; q++) {
      keyed *e = &tmp[fill[rl[q]]++];
      e->who = p;
      e->key = rep_ability[p] * gsl_ran_lognormal(r, 0, 0.2);
    }
  for (int j = 0; j < W; j++) {
    qsort(tmp + ts[j], (size_t)(ts[j + 1] - ts[j]), sizeof *tmp, by_key_desc);
    for (int q = ts[j]; q < ts[j + 1]; q++)
      tl[q] = tmp[q].who;
  }
  double t_build = now() - tb;

  salesim_match_market m = {N_REPS, W, rs, rl, ts, tl, cap, NULL};
  salesim_match *mt = NULL;
  double ta = now();
  if (salesim_match_alloc(&mt, &m) != 0)
    return 1;
  double t_alloc = now() - ta;
  const int da_reps = 10;
  double t1 = now();
  for (int rep = 0; rep < da_reps; rep++)
    salesim_match_run(mt, SALESIM_MATCH_REPS_PROPOSE, team_of_rep);
  double t_reps = (now() - t1) / da_reps;
  t1 = now();
  for (int rep = 0; rep < da_reps; rep++)
    salesim_match_run(mt, SALESIM_MATCH_TEAMS_PROPOSE, team_of_rep2);
  double t_teams = (now() - t1) / da_reps;
  int stable1 = salesim_match_is_stable(mt, team_of_rep, NULL, NULL);
  int stable2 = salesim_match_is_stable(mt, team_of_rep2, NULL, NULL);
  int matched = 0, differ = 0;
  for (int p = 0; p < N_REPS; p++) {
    matched += team_of_rep[p] >= 0;
    differ += team_of_rep[p] != team_of_rep2[p];
  }
  printf("team formation: %d reps, %d teams of capacity %d, %d list entries\n",
         N_REPS, W, capacity, L);
  printf("  market build (lists, sorting)  %8.4f s\n", t_build);
  printf("  rank tables (salesim_match_alloc) %8.4f s\n", t_alloc);
  printf("  DA, reps propose   %8.4f s  (mean of %d)  stable %d\n", t_reps, da_reps, stable1);
  printf("  DA, teams propose  %8.4f s  (mean of %d)  stable %d\n", t_teams, da_reps, stable2);
  printf("  reps matched %d; reps whose team differs between the sides %d\n",
         matched, differ);

  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("peak RSS %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
  rc = (stable1 == 1 && stable2 == 1) ? 0 : 1;

  salesim_match_free(mt);
  salesim_assign_free(ws);
  free(fill);
  free(size);
  free(ability);
  free(bids);
  free(award_ssp);
  free(award_glpk);
  free(team_terr);
  free(rep_ability);
  free(rs);
  free(rl);
  free(ts);
  free(tl);
  free(cap);
  free(tmp);
  free(team_of_rep);
  free(team_of_rep2);
  gsl_rng_free(r);
  return rc;
}
