/*
 * salesim/salesim.h: the public API, in the order a caller uses it:
 * load a scenario (scenario.h), run it (salesim_run), summarise and write
 * the results (results.h, salesim_output_write).
 *
 * Determinism: the same scenario and seed give the same numbers, byte for
 * byte, for any thread count: each (mechanism, replication) pair is an
 * independent task with its own random streams (models/core/streams.c).
 */
#ifndef SALESIM_SALESIM_H
#define SALESIM_SALESIM_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "results.h"
#include "scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Library version, "MAJOR.MINOR.PATCH". */
const char *salesim_version(void);

/** Options of a run; initialise with SALESIM_RUN_OPTIONS_INIT. */
typedef struct salesim_run_options {
  int version;        /* 1 */
  int seed_set;       /* nonzero: use `seed` instead of the scenario's */
  uint64_t seed;
  int replications;   /* > 0 overrides the scenario */
  int threads;        /* 0: OpenMP default; 1: serial; more than the tasks or
                         than salesim_threads_max() runs that many */
  /* Called as tasks finish (may be NULL), with done = 1, 2, ... in that
   * order and total the number of tasks. Each call runs on the thread
   * that finished the task: an OpenMP worker, which may or may not be the
   * thread that called salesim_run. Calls are serialised by a lock held
   * around each one: never two at once, each one complete before the next
   * starts (so the callback needs no lock for its own state, but should
   * return quickly: other workers wait for it when they finish a task). A
   * task skipped after a cancel is not counted, so the last call may have
   * done < total. It must not call salesim_run. */
  void (*progress)(void *arg, int done, int total);
  void *progress_arg;
  /* if non-NULL and set nonzero (e.g. by a signal handler), the run stops
   * within a month of simulation and returns SALESIM_EINTERRUPTED */
  volatile sig_atomic_t *cancel;
} salesim_run_options;

#define SALESIM_RUN_OPTIONS_INIT {1, 0, 0, 0, 0, NULL, NULL, NULL}

/** Upper limit on worker threads: 4 per online core, at most
 *  SALESIM_THREADS_MAX (docs/limits.md). */
#define SALESIM_THREADS_MAX 1024
int salesim_threads_max(void);

/**
 * Run every mechanism of `sc` for every replication on common random
 * numbers. On success *out holds summarised results (caller frees).
 * Returns 0, SALESIM_EINTERRUPTED or another negative code (message in diag).
 */
int salesim_run(salesim_results **out, const salesim_scenario *sc,
                const salesim_run_options *opt, salesim_diag *diag);

/**
 * Write summary.csv, replications.csv, monthly.csv, every detail table and
 * summary.json into `dir`, atomically: files are written to a temporary
 * folder beside `dir` and moved in place only when all succeeded.
 */
int salesim_output_write(const salesim_results *r, const salesim_scenario *sc,
                         const char *dir, salesim_diag *diag);

/* ---- the registered mechanism types --------------------------------------
 * What a scenario's `mechanisms[i].type` may name, in registry order (the
 * order `salesim mechanisms` lists them). Strings are static: never freed. */

/** Names of the registered mechanism types, NULL-terminated (static). */
const char *const *salesim_mechanism_names(void);

/** Number of registered mechanism types. */
int salesim_mechanism_count(void);

/** Name of mechanism type `i` (0 <= i < salesim_mechanism_count()), the
 *  value of a scenario's `type`; NULL if `i` is out of range. */
const char *salesim_mechanism_name(int i);

/** One-line summary of mechanism type `i` (what it pays for, for listings
 *  and docs); NULL if `i` is out of range. */
const char *salesim_mechanism_summary(int i);

#ifdef __cplusplus
}
#endif
#endif
