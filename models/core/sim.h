/*
 * models/core/sim.h: one replication of one mechanism (the period loop),
 * for the engine and tests; mechanisms never include it (they depend on the
 * world: models/core/world.h, models/core/mechanism.h). The loop is
 * models/core/sim.c; a world's set-up and freeing models/core/world_alloc.c.
 * Read next: models/core/sim.c.
 */
#ifndef SALESIM_SIM_H
#define SALESIM_SIM_H

#include <signal.h>

#include "world.h"

/** Output of one (mechanism, replication) task. */
typedef struct salesim_task_out {
  double *metrics;        /* salesim_metric_count() values, caller-owned */
  double *monthly;        /* months * SALESIM_SERIES_COUNT, caller-owned */
  salesim_table **tables; /* malloc'd array of tables (ownership to caller) */
  int n_tables;
  const volatile sig_atomic_t *cancel; /* checked after every month; may be NULL */
} salesim_task_out;

/**
 * Simulate mechanism `mech` of `sc` in replication `rep` with `seed`.
 * Deterministic in (sc, mech, rep, seed) alone. Returns 0 or a negative
 * code with one message line in diag: SALESIM_EINTERRUPTED (out->cancel set,
 * checked after every month), SALESIM_ELIMIT (docs/limits.md),
 * SALESIM_ENOMEM, SALESIM_ESOLVER, SALESIM_ENUMERIC (a NaN or infinity in
 * the month's series or the metrics).
 */
int salesim_sim_run(const salesim_scenario *sc, int mech, int rep, uint64_t seed,
                    salesim_task_out *out, salesim_diag *diag);

/** salesim_sim_run with the history recorder on (models/core/history.h):
 *  the same results, to the bit, and on success *history (caller frees with
 *  salesim_data_free) holds what the replication did as a company's data
 *  (`salesim run --export-history`, the calibration's simulated firm).
 *  *history is NULL on failure. */
int salesim_sim_run_recorded(const salesim_scenario *sc, int mech, int rep, uint64_t seed,
                             salesim_task_out *out, salesim_diag *diag,
                             salesim_data **history);

/** Allocate and populate a world without running it (for tests): month 0,
 *  before the first plan year starts. Free with salesim_world_free(). */
int salesim_world_alloc(salesim_world **out, const salesim_scenario *sc, int mech, int rep,
                        uint64_t seed);
void salesim_world_free(salesim_world *w);
/** Run one month of the loop (tests step through a world with this).
 *  Returns 0, or the world's error (w->error, with w->error_text) when a
 *  mechanism hook or the loop failed: the month stops there and the world
 *  may only be freed. */
int salesim_world_step(salesim_world *w);

/** The incentive agent `a` reads this month, as the loop sets it before a
 *  decision: zeroed, the agent's schedule, book credit 1, then the
 *  mechanism's `incentive` hook (before the ratchet overlay). Returns the
 *  hook's status (0 or a negative code, with the world's message). */
struct salesim_incentive;
int salesim_sim_incentive(salesim_world *w, salesim_agent *a, struct salesim_incentive *inc);

/** Random draws made by all finished runs since the last reset (benchmarks
 *  compare the loop with a floor loop of the same number of draws). */
void salesim_sim_reset_counters(void);
unsigned long long salesim_sim_draws(void);

#endif
