/*
 * bench/bench_core.c: speed of the simulation core (issue 2).
 *
 * Runs bench/standard.cfg (10,000 reps, 200 territories, 36 months, two
 * mechanisms, 20 replications) on one thread and reports agent-months per
 * second; then, in the same run, a floor loop that only draws as many random
 * numbers as the simulation did (counted by the engine), and the ratio of
 * the two; and peak memory (ru_maxrss) per rep. Then, unless --no-memory,
 * memory per rep from one more world stepped through (not timed; it doubles
 * the wall time of a large single replication and a quarter of a profile's
 * instructions: profile with --no-memory or callgrind's
 * --toggle-collect=salesim_run). Usage:
 *   bench_core [SCENARIO] [--replications N] [--threads N] [--no-memory]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <salesim/salesim.h>

#include "sim.h"

#include "bench_clock.h"

int main(int argc, char **argv) {
  const char *path = SALESIM_SOURCE_DIR "/bench/standard.cfg";
  int reps = 0, threads = 1, memory = 1;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--no-memory"))
      memory = 0;
    else if (!strcmp(argv[i], "--replications") && i + 1 < argc)
      reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = atoi(argv[++i]);
    else
      path = argv[i];
  }
  salesim_diag diag = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  if (salesim_scenario_load(&sc, path, &diag) != 0) {
    for (size_t i = 0; i < diag.count; i++)
      fprintf(stderr, "%s\n", diag.lines[i]);
    return 2;
  }
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.replications = reps;
  opt.threads = threads;
  salesim_sim_reset_counters();
  double t0 = now(), c0 = cpu_now();
  salesim_results *r = NULL;
  if (salesim_run(&r, sc, &opt, &diag) != 0) {
    fprintf(stderr, "run failed\n");
    return 1;
  }
  double t_sim = now() - t0, c_sim = cpu_now() - c0;
  double agent_months = (double)sc->population.reps * sc->months * r->n_mech * r->n_rep;
  unsigned long long draws = salesim_sim_draws();

  /* floor: the same number of random draws, nothing else */
  gsl_rng *g = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(g, 1);
  double sink = 0;
  t0 = now();
  for (unsigned long long i = 0; i < draws; i++)
    sink += gsl_rng_uniform(g);
  double t_floor = now() - t0;
  gsl_rng_free(g);

  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double rss = ru.ru_maxrss * 1024.0;
  printf("scenario            %s\n", path);
  printf("threads             %d\n", threads);
  printf("agent-months        %.0f (%d reps x %d months x %d mechanisms x %d replications)\n",
         agent_months, sc->population.reps, sc->months, r->n_mech, r->n_rep);
  printf("simulation          %.2f s, %.2f M agent-months/s, %.0f ns per agent-month\n", t_sim,
         agent_months / t_sim / 1e6, t_sim / agent_months * 1e9);
  printf("simulation cpu      %.2f s, %.0f ns per agent-month (process CPU time, all threads)\n",
         c_sim, c_sim / agent_months * 1e9);
  printf("random draws        %llu (%.1f per agent-month)\n", draws, draws / agent_months);
  printf("floor loop          %.3f s (same number of gsl_rng_uniform draws)\n", t_floor);
  printf("ratio sim / floor   %.1f\n", t_sim / t_floor);
  printf("peak memory         %.1f MB (%.0f bytes per rep incl. opportunities)\n", rss / 1e6,
         rss / sc->population.reps);
  /* memory per rep without its opportunities: one world, stepped through */
  if (memory) {
    salesim_world *w = NULL;
    if (salesim_world_alloc(&w, sc, 0, 0, sc->seed) == 0) {
      int open_max = 0;
      for (int t = 0; t < sc->months; t++) {
        salesim_world_step(w);
        int open = 0;
        for (int i = 0; i < w->n_agents; i++)
          open += w->agents[i].n_opps;
        if (open > open_max)
          open_max = open;
      }
      size_t per_rep = sizeof(salesim_agent) + 64 /* taus2 stream + malloc */ +
                       3 * sizeof(double) + 3 * sizeof(double) /* year scratch, OTE */ +
                       (size_t)w->deal_stride * (sizeof(double) + 1) /* arena block */;
      int grown = 0;
      for (int i = 0; i < w->n_agents; i++)
        grown += w->agents[i].opp_cap > w->deal_stride;
      printf("per rep             %zu bytes (agent %zu + stream, scratch, deal block), plus %zu bytes "
             "per open opportunity (%.1f open per rep at most; at the end %d of %d reps "
             "have more than the arena's %d a rep)\n",
             per_rep, sizeof(salesim_agent), sizeof(double) + 1,
             (double)open_max / w->n_agents, grown, w->n_agents, w->deal_stride);
      salesim_world_free(w);
    }
  }
  printf("(checksum %g)\n", sink > 0 ? 1.0 : 0.0);
  salesim_results_free(r);
  salesim_scenario_free(sc);
  salesim_diag_clear(&diag);
  return 0;
}
