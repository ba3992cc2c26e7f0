/*
 * engine/run/dist.h: spreading a run over Open MPI ranks (internal).
 *
 * Built with MPI when CMake finds it (option SALESIM_MPI, on by default);
 * otherwise every function here is a stub for one process. Even an MPI
 * build only calls MPI_Init when it was launched by mpirun or srun (the
 * launcher's environment says so), so `salesim run` on its own never
 * touches MPI.
 *
 * What is distributed: tasks, position p of a task list on rank p % size,
 * mechanism-major within a run (salesim_dist_task_at; a
 * run's (mechanism, replication) tasks; a sweep group's (point, mechanism,
 * replication) tasks, engine/run/run.c). Each rank packs its tasks' outputs
 * (metrics, monthly series, tables, diagnostics, status) as raw bytes,
 * every rank receives every rank's bytes (MPI_Allgatherv) and unpacks them
 * into the task slots. From there the reduction goes on exactly as in one
 * process (tables merged in task order, statistics over replications in
 * replication order), so the results are the same bytes for any number of
 * ranks, and every rank holds them: sweep, batch and optimize, which choose
 * their next step from results, take the same steps on every rank; what
 * rank 0 alone decides (output checks, --resume skips) is shared with
 * salesim_dist_agree / salesim_dist_bcast. Only rank 0 writes. A lost rank
 * is reported as SALESIM_EIO. docs/cluster.md. Read next: engine/run/run.c.
 */
#ifndef SALESIM_ENGINE_DIST_H
#define SALESIM_ENGINE_DIST_H

#include <stddef.h>
#include <stdint.h>

#include <salesim/salesim.h>

struct salesim_task_out; /* models/core/sim.h */

/** Start MPI if the process was launched by an MPI launcher and the build
 *  has MPI; otherwise nothing. Returns 0, or nonzero with the reason in
 *  `why` when MPI would not start, or when a build without MPI was started
 *  as several processes (CLI only: call first thing in main). */
int salesim_dist_init(int *argc, char ***argv, char *why, size_t why_size);
/** End MPI (if started). With rc != 0 on a rank that cannot reach the
 *  others any more, aborts the whole job instead of waiting forever. */
void salesim_dist_finalize(int failed);
/** This process's rank (0 without MPI) and the number of ranks (1). */
int salesim_dist_rank(void);
int salesim_dist_size(void);
/** Under MPI, the default thread count of a run on this rank: the cores
 *  this rank may use (its CPU affinity, which mpirun sets when it binds)
 *  shared by the ranks on this node (MPI_COMM_TYPE_SHARED), at least 1;
 *  0 (OpenMP's default) without MPI or when OMP_NUM_THREADS is set. */
int salesim_dist_threads(void);
/** rc as rank 0 has it, on every rank (rc itself without MPI). Every rank
 *  must call it at the same point. */
int salesim_dist_agree(int rc);

/** One run's tasks (engine/run/run.c): the scenario, the results its tasks
 *  fill (metric and monthly slices), and per task its tables, status and
 *  diagnostic lines. A sweep runs many jobs as one task list. */
typedef struct salesim_run_job {
  const salesim_scenario *sc;
  salesim_results *r;
  struct salesim_task_out *tasks; /* n_tasks */
  int *status;                    /* n_tasks */
  salesim_diag *tdiag;            /* n_tasks */
  int n_tasks, n_mech;            /* task k: mechanism k % n_mech, replication k / n_mech */
  uint64_t seed;
  double start;
} salesim_run_job;

/** Which task is at position p of the task list over jobs[]: the jobs one
 *  after another, each job's tasks in mechanism-major order (all
 *  replications of mechanism 0, then of mechanism 1, ...). Rank r runs the
 *  positions r, r + N, r + 2N, ...: every rank gets its share of every
 *  mechanism's tasks, whatever N (cyclic over task k = mech + rep * n_mech
 *  gave each of 3 ranks all tasks of one of default.cfg's 3 mechanisms:
 *  1.31 G instructions of tasks on rank 0 against 0.57 G and 0.46 G,
 *  measured). Any assignment gives the same bytes. */
void salesim_dist_task_at(const salesim_run_job *jobs, long p, int *job, int *k);

/** Exchange task outputs: on entry, the task at position p
 *  (salesim_dist_task_at) is filled on rank p % size only; on return every rank holds every task of every job.
 *  Returns 0 or SALESIM_EIO/SALESIM_ENOMEM/SALESIM_ELIMIT with a line in
 *  diag (a rank lost: the caller writes nothing). No-op with one rank. */
int salesim_dist_exchange(salesim_run_job *jobs, int n_jobs, salesim_diag *diag);

/** Broadcast n bytes at p from rank 0 to every rank (no-op with one rank).
 *  Every rank must call it at the same point. 0 or SALESIM_EIO (line in
 *  diag). */
int salesim_dist_bcast(void *p, size_t n, salesim_diag *diag);

#endif
