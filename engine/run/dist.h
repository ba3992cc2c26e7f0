/*
 * engine/run/dist.h: spreading a run over Open MPI ranks (internal).
 *
 * Built with MPI when CMake finds it (option SALESIM_MPI, on by default);
 * otherwise every function here is a stub for one process. Even an MPI
 * build only calls MPI_Init when it was launched by mpirun or srun (the
 * launcher's environment says so), so `salesim run` on its own never
 * touches MPI.
 *
 * What is distributed (prototype): the (mechanism, replication) tasks of
 * salesim_run, task k on rank k % size. Each rank packs its tasks' outputs
 * (metrics, monthly series, tables, diagnostics, status) as raw bytes, every
 * rank receives every rank's bytes (MPI_Allgatherv) and unpacks them into
 * the task slots indexed by k. From there salesim_run goes on exactly as in
 * one process (tables merged in task order, statistics over replications in
 * replication order), so the results are the same bytes for any number of
 * ranks, and every rank holds them: sweep and optimize, which choose their
 * next step from results, take the same steps on every rank. Only rank 0
 * writes (engine/run/study.c). Read next: engine/run/run.c.
 */
#ifndef SALESIM_ENGINE_DIST_H
#define SALESIM_ENGINE_DIST_H

#include <stddef.h>

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
/** rc as rank 0 has it, on every rank (rc itself without MPI). Every rank
 *  must call it at the same point. */
int salesim_dist_agree(int rc);

/** Exchange task outputs: on entry, task k (0 <= k < n_tasks) is filled on
 *  rank k % size only (metric and monthly slices of r, tables and n_tables
 *  in tasks[k], status[k], tdiag[k]); on return every rank holds every
 *  task. Returns 0 or SALESIM_EIO/SALESIM_ENOMEM with a line in diag (a
 *  rank lost: the caller writes nothing). No-op with one rank. */
int salesim_dist_exchange(salesim_results *r, int n_tasks, int n_mech, struct salesim_task_out *tasks,
                          int *status, salesim_diag *tdiag, salesim_diag *diag);

#endif
