/*
 * engine/run/batch.h: many scenarios, one output folder each (internal; the
 * command is `salesim batch`, docs/batch-and-sweeps.md).
 *
 * Scenarios run one after another (each run uses the threads, so results
 * are identical for any thread count); after each one the batch index
 * (batch.csv, batch.json) is rewritten atomically, so an interrupted batch
 * keeps every finished scenario and its line in the index. A scenario that
 * fails (bad file, runtime error) is listed with its error and the batch
 * goes on. With `resume`, a scenario whose folder already holds a
 * summary.json with the same scenario hash and seed is not run again.
 */
#ifndef SALESIM_ENGINE_BATCH_H
#define SALESIM_ENGINE_BATCH_H

#include <salesim/salesim.h>

typedef enum salesim_batch_status {
  SALESIM_BATCH_PENDING = 0,
  SALESIM_BATCH_OK,          /* run and written */
  SALESIM_BATCH_RESUMED,     /* existing output matched: not run again */
  SALESIM_BATCH_FAILED,      /* see error */
  SALESIM_BATCH_INTERRUPTED  /* abandoned by a cancel: nothing written */
} salesim_batch_status;

#define SALESIM_BATCH_MAX_MECH 16
#define SALESIM_BATCH_METRICS 7 /* salesim_study_headline */

typedef struct salesim_batch_entry {
  char path[1024];     /* the scenario file */
  char output[1024];   /* its output folder */
  int status;          /* salesim_batch_status */
  int input_error;     /* failed because the file is bad (not a runtime error) */
  char error[1024];    /* one line */
  double wall_seconds;
  char hash[17];
  unsigned long long seed;
  int n_mech;
  char mech[SALESIM_BATCH_MAX_MECH][64];
  double mean[SALESIM_BATCH_MAX_MECH][SALESIM_BATCH_METRICS];
} salesim_batch_entry;

typedef struct salesim_batch_options {
  salesim_run_options run; /* threads, cancel; its progress is not used */
  int resume;
  /* after each scenario (and before the first): entries done so far */
  void (*progress)(void *arg, const salesim_batch_entry *entries, int done, int total);
  void *progress_arg;
  salesim_load_options load; /* how each scenario is loaded (--include-dir) */
} salesim_batch_options;

#define SALESIM_BATCH_OPTIONS_INIT \
  {SALESIM_RUN_OPTIONS_INIT, 0, NULL, NULL, SALESIM_LOAD_OPTIONS_INIT}

/** Expand the command line's SCENARIO|FOLDER arguments: a folder gives its
 *  *.cfg files in name order; anything else is kept as a file (a missing one
 *  then fails as that scenario). *out is malloc'd strings. */
int salesim_batch_expand(char ***out, int *n, char *const *args, int nargs, salesim_diag *diag);
void salesim_batch_paths_free(char **paths, int n);

/** Run every scenario into `dir`/<file stem>; *entries (malloc'd, n of
 *  them) tells what happened to each. Returns 0 when the batch ran to the
 *  end (even if scenarios failed), SALESIM_EINTERRUPTED when cancelled, or
 *  an error writing the index or making `dir`. */
int salesim_batch_run(salesim_batch_entry **entries, char *const *paths, int n, const char *dir,
                      const salesim_batch_options *opt, salesim_diag *diag);

#endif
