/*
 * engine/run/dist.c: Open MPI ranks for salesim_run (engine/run/dist.h).
 *
 * The packed record of one task, in the machine's own byte order (ranks of
 * one job run the same binary on the same kind of machine):
 *   int32 run (which of the jobs exchanged together), int32 k, int32 status, int32 n_diag, n_diag x string,
 *   n_metrics doubles, months * SALESIM_SERIES_COUNT doubles,
 *   int32 n_tables, per table: string name, int32 ncols, ncols x string,
 *   int64 nrows, nrows x string label, nrows * ncols doubles;
 * a string is int32 length then the bytes. Doubles travel as their bits, so
 * nothing is rounded on the way.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef SALESIM_HAVE_MPI
#include <mpi.h>
#endif

#include "dist.h"
#include "sim.h"

static int dist_rank = 0, dist_size = 1;

int salesim_dist_rank(void) { return dist_rank; }
int salesim_dist_size(void) { return dist_size; }

void salesim_dist_task_at(const salesim_run_job *jobs, long p, int *job, int *k) {
  int i = 0;
  while (p >= jobs[i].n_tasks)
    p -= jobs[i++].n_tasks;
  /* position p of the job, mechanism-major, is task k (replication-major) */
  int n_rep = jobs[i].n_tasks / jobs[i].n_mech;
  int mech = (int)(p / n_rep), rep = (int)(p % n_rep);
  *job = i;
  *k = mech + rep * jobs[i].n_mech;
}

/* the number of processes a launcher started (mpirun, srun, another PMI
 * launcher), 0 when none did */
static long launched_size(void) {
  /* not SLURM_NTASKS: a plain command inside an sbatch script has it too */
  static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
    const char *v = getenv(vars[i]);
    if (v != NULL && *v != '\0')
      return strtol(v, NULL, 10);
  }
  return 0;
}

#ifndef SALESIM_HAVE_MPI

int salesim_dist_init(int *argc, char ***argv, char *why, size_t why_size) {
  (void)argc;
  (void)argv;
  /* N copies of a one-process build would each run the whole scenario and
   * race for the output folder */
  if (launched_size() > 1) {
    snprintf(why, why_size,
             "started as %ld processes, but this build has no MPI (install libopenmpi-dev "
             "and rebuild; docs/cluster.md)",
             launched_size());
    return -1;
  }
  return 0;
}
void salesim_dist_finalize(int failed) { (void)failed; }
int salesim_dist_threads(void) { return 0; }
int salesim_dist_agree(int rc) { return rc; }
int salesim_dist_exchange(salesim_run_job *jobs, int n_jobs, salesim_diag *diag) {
  (void)jobs, (void)n_jobs, (void)diag;
  return 0;
}
int salesim_dist_bcast(void *p, size_t n, salesim_diag *diag) {
  (void)p, (void)n, (void)diag;
  return 0;
}

#else

static int dist_started = 0;
static int dist_threads = 0;
/* set when every rank is known to hold the same failure (an agreed code, or
 * task statuses every rank received): then the ranks end together, without
 * MPI_Abort's job-killing banner */
static int dist_failure_shared = 0;

/* launched by mpirun (Open MPI), by srun (PMI/PMIx) or by another PMI launcher */
static int under_launcher(void) {
  static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
    if (getenv(vars[i]) != NULL)
      return 1;
  return 0;
}

int salesim_dist_init(int *argc, char ***argv, char *why, size_t why_size) {
  if (!under_launcher())
    return 0;
  int provided = 0;
  /* one thread calls MPI (OpenMP workers never do) */
  if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    snprintf(why, why_size, "MPI would not start under this launcher (launched as %ld)",
             launched_size());
    return -1;
  }
  dist_started = 1;
  /* a failed call returns its code instead of killing the job, so the run
   * can say what happened (Open MPI still ends the job when a rank dies) */
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &dist_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &dist_size);
  /* threads: the node's cores shared by its ranks, within this rank's
   * affinity (mpirun binds a rank to one core when ranks <= 2, to a socket
   * or nothing otherwise), unless OMP_NUM_THREADS says */
  MPI_Comm node;
  int local = 1;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
      MPI_SUCCESS) {
    MPI_Comm_size(node, &local);
    MPI_Comm_free(&node);
  }
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  long mine = online;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    mine = CPU_COUNT(&set);
  long share = online / (local > 0 ? local : 1);
  long t = mine < share ? mine : share;
  dist_threads = getenv("OMP_NUM_THREADS") != NULL ? 0 : t < 1 ? 1 : (int)t;
  return 0;
}

int salesim_dist_threads(void) { return dist_threads; }

void salesim_dist_finalize(int failed) {
  if (!dist_started)
    return;
  /* a failure this rank alone saw: the others may wait in a collective */
  if (failed && !dist_failure_shared)
    MPI_Abort(MPI_COMM_WORLD, 1);
  MPI_Finalize();
}

int salesim_dist_agree(int rc) {
  if (dist_size < 2)
    return rc;
  if (MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
    return SALESIM_EIO;
  if (rc != 0)
    dist_failure_shared = 1;
  return rc;
}

/* ---- packing ------------------------------------------------------------- */

typedef struct buf {
  unsigned char *p;
  size_t n, cap;
  int failed;
} buf;

static void put(buf *b, const void *src, size_t len) {
  if (b->failed)
    return;
  if (b->n + len > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + len)
      cap *= 2;
    unsigned char *p = realloc(b->p, cap);
    if (p == NULL) {
      b->failed = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, src, len);
  b->n += len;
}
static void put_i32(buf *b, int32_t v) { put(b, &v, sizeof v); }
static void put_str(buf *b, const char *s) {
  int32_t len = (int32_t)strlen(s);
  put_i32(b, len);
  put(b, s, (size_t)len);
}

typedef struct rd {
  const unsigned char *p, *end;
  int failed;
} rd;

static void get(rd *r, void *dst, size_t len) {
  if (r->failed || (size_t)(r->end - r->p) < len) {
    r->failed = 1;
    memset(dst, 0, len);
    return;
  }
  memcpy(dst, r->p, len);
  r->p += len;
}
static int32_t get_i32(rd *r) {
  int32_t v;
  get(r, &v, sizeof v);
  return v;
}
/* a malloc'd copy, NUL-terminated */
static char *get_str(rd *r) {
  int32_t len = get_i32(r);
  if (r->failed || len < 0 || (size_t)(r->end - r->p) < (size_t)len) {
    r->failed = 1;
    return NULL;
  }
  char *s = malloc((size_t)len + 1);
  if (s == NULL) {
    r->failed = 1;
    return NULL;
  }
  memcpy(s, r->p, (size_t)len);
  s[len] = '\0';
  r->p += len;
  return s;
}

static void pack_task(buf *b, int job, const salesim_run_job *j, int k) {
  const salesim_results *r = j->r;
  const salesim_task_out *t = &j->tasks[k];
  int status = j->status[k];
  const salesim_diag *d = &j->tdiag[k];
  int mech = k % j->n_mech, rep = k / j->n_mech;
  put_i32(b, job);
  put_i32(b, k);
  put_i32(b, status);
  put_i32(b, (int32_t)d->count);
  for (size_t i = 0; i < d->count; i++)
    put_str(b, d->lines[i]);
  put(b, &SALESIM_METRIC_AT(r, mech, rep, 0), (size_t)r->n_metrics * sizeof(double));
  put(b, &SALESIM_MONTHLY_AT(r, mech, rep, 0, 0),
      (size_t)r->n_months * SALESIM_SERIES_COUNT * sizeof(double));
  put_i32(b, t->n_tables);
  for (int i = 0; i < t->n_tables; i++) {
    const salesim_table *tb = t->tables[i];
    put_str(b, tb->name);
    put_i32(b, tb->ncols);
    for (int c = 0; c < tb->ncols; c++)
      put_str(b, tb->colnames[c]);
    int64_t nrows = (int64_t)tb->nrows;
    put(b, &nrows, sizeof nrows);
    for (size_t row = 0; row < tb->nrows; row++)
      put_str(b, tb->labels[row]);
    put(b, tb->cells, tb->nrows * (size_t)tb->ncols * sizeof(double));
  }
}

/* one table from the record; NULL on a malformed record or no memory */
static salesim_table *unpack_table(rd *rr) {
  char *name = get_str(rr);
  int32_t ncols = get_i32(rr);
  if (rr->failed || ncols < 0 || ncols > 100000) {
    free(name);
    rr->failed = 1;
    return NULL;
  }
  char **cols = calloc((size_t)ncols + 1, sizeof *cols);
  salesim_table *tb = NULL;
  double *row = calloc((size_t)ncols + 1, sizeof *row);
  if (cols == NULL || row == NULL)
    rr->failed = 1;
  for (int32_t c = 0; c < ncols && !rr->failed; c++)
    cols[c] = get_str(rr);
  int64_t nrows = 0;
  get(rr, &nrows, sizeof nrows);
  if (!rr->failed && salesim_table_alloc(&tb, name, ncols, (const char *const *)cols) != 0)
    rr->failed = 1;
  for (int64_t i = 0; i < nrows && !rr->failed; i++) {
    char *label = get_str(rr);
    /* the labels first (rows of zeros), the cells after in one block */
    if (label == NULL)
      break;
    if (salesim_table_add(tb, label, row) != 0)
      rr->failed = 1;
    free(label);
  }
  /* now the cells, nrows * ncols, into the rows just added */
  if (!rr->failed && tb != NULL)
    get(rr, tb->cells, (size_t)nrows * (size_t)ncols * sizeof(double));
  for (int32_t c = 0; c < ncols && cols; c++)
    free(cols[c]);
  free(cols);
  free(row);
  free(name);
  if (rr->failed) {
    salesim_table_free(tb);
    return NULL;
  }
  return tb;
}

static int unpack_task(rd *rr, salesim_run_job *jobs, int n_jobs) {
  int32_t job = get_i32(rr);
  int32_t k = get_i32(rr);
  if (rr->failed || job < 0 || job >= n_jobs || k < 0 || k >= jobs[job].n_tasks)
    return SALESIM_EIO;
  salesim_results *r = jobs[job].r;
  salesim_task_out *tasks = jobs[job].tasks;
  int *status = jobs[job].status;
  salesim_diag *tdiag = jobs[job].tdiag;
  int mech = k % jobs[job].n_mech, rep = k / jobs[job].n_mech;
  status[k] = get_i32(rr);
  int32_t nd = get_i32(rr);
  for (int32_t i = 0; i < nd && !rr->failed; i++) {
    char *line = get_str(rr);
    if (line != NULL)
      salesim_diag_add(&tdiag[k], "%s", line);
    free(line);
  }
  get(rr, &SALESIM_METRIC_AT(r, mech, rep, 0), (size_t)r->n_metrics * sizeof(double));
  get(rr, &SALESIM_MONTHLY_AT(r, mech, rep, 0, 0),
      (size_t)r->n_months * SALESIM_SERIES_COUNT * sizeof(double));
  int32_t nt = get_i32(rr);
  if (rr->failed || nt < 0 || nt > 100000)
    return SALESIM_EIO;
  tasks[k].tables = nt > 0 ? calloc((size_t)nt, sizeof *tasks[k].tables) : NULL;
  if (nt > 0 && tasks[k].tables == NULL)
    return SALESIM_ENOMEM;
  for (int32_t i = 0; i < nt; i++) {
    salesim_table *tb = unpack_table(rr);
    if (tb == NULL)
      return SALESIM_EIO;
    tasks[k].tables[tasks[k].n_tables++] = tb;
  }
  return rr->failed ? SALESIM_EIO : 0;
}

static int mpi_failed(int err, const char *what, salesim_diag *diag) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(err, text, &len) != MPI_SUCCESS)
    snprintf(text, sizeof text, "error %d", err);
  salesim_diag_add(diag,
                   "MPI: %s failed (%s): a rank was lost or could not be reached; nothing "
                   "written (rerun; batch and sweep skip finished work with --resume)",
                   what, text);
  return SALESIM_EIO;
}

int salesim_dist_bcast(void *p, size_t n, salesim_diag *diag) {
  if (dist_size < 2 || n == 0)
    return 0;
  if (n > (size_t)INT32_MAX) {
    salesim_diag_add(diag, "MPI: a broadcast over 2 GB");
    return SALESIM_ELIMIT;
  }
  int err = MPI_Bcast(p, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD);
  return err == MPI_SUCCESS ? 0 : mpi_failed(err, "MPI_Bcast", diag);
}

int salesim_dist_exchange(salesim_run_job *jobs, int n_jobs, salesim_diag *diag) {
  if (dist_size < 2)
    return 0;
  long n_tasks = 0;
  for (int i = 0; i < n_jobs; i++)
    n_tasks += jobs[i].n_tasks;
  /* SALESIM_MPI_TIMING=1: each rank prints its bytes and the seconds spent
   * from entering here (its own tasks done) to having everyone's results
   * (waiting for the slowest rank + transfer + unpacking): the figures of
   * the scaling model in docs/cluster.md */
  double t0 = MPI_Wtime();
  buf b = {0};
  long n_mine = 0;
  for (long p = dist_rank; p < n_tasks; p += dist_size) {
    int job, k;
    salesim_dist_task_at(jobs, p, &job, &k);
    pack_task(&b, job, &jobs[job], k);
    n_mine++;
  }
  /* this rank's own tables are sent; every rank rebuilds every task's
   * tables from the bytes, so all ranks hold them the same way */
  for (long p = dist_rank; p < n_tasks; p += dist_size) {
    int job, k;
    salesim_dist_task_at(jobs, p, &job, &k);
    salesim_task_out *t = &jobs[job].tasks[k];
    for (int i = 0; i < t->n_tables; i++)
      salesim_table_free(t->tables[i]);
    free(t->tables);
    t->tables = NULL;
    t->n_tables = 0;
    salesim_diag_clear(&jobs[job].tdiag[k]);
  }
  int rc = 0;
  int *counts = calloc((size_t)dist_size, sizeof *counts);
  int *displs = calloc((size_t)dist_size, sizeof *displs);
  unsigned char *all = NULL;
  /* every rank reaches every collective below whatever happened to it, or
   * the others would wait forever: failures are agreed on first */
  int mine_failed = b.failed || counts == NULL || displs == NULL || b.n > (size_t)INT32_MAX;
  int any_failed = 0;
  int err = MPI_Allreduce(&mine_failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (err != MPI_SUCCESS) {
    rc = mpi_failed(err, "MPI_Allreduce", diag);
  } else if (any_failed) {
    /* out of memory, or one rank's results over 2 GB (MPI 3 counts are int) */
    salesim_diag_add(diag, "MPI: a rank could not pack its results (out of memory or over 2 GB)");
    rc = SALESIM_ENOMEM;
  }
  int mine = (int)b.n;
  if (rc == 0 && (err = MPI_Allgather(&mine, 1, MPI_INT, counts, 1, MPI_INT, MPI_COMM_WORLD)) !=
                     MPI_SUCCESS)
    rc = mpi_failed(err, "MPI_Allgather", diag);
  size_t total = 0;
  if (rc == 0) {
    for (int i = 0; i < dist_size; i++) {
      displs[i] = (int)total;
      total += (size_t)counts[i];
    }
    /* the same sizes on every rank, so every rank takes the same branch;
     * only a failed malloc differs (then the job ends at the abort) */
    if (total > (size_t)INT32_MAX) {
      salesim_diag_add(diag, "MPI: the results of all ranks exceed 2 GB");
      rc = SALESIM_ELIMIT;
    } else if ((all = malloc(total ? total : 1)) == NULL) {
      rc = SALESIM_ENOMEM;
    }
  }
  if (rc == 0 && (err = MPI_Allgatherv(b.p, mine, MPI_BYTE, all, counts, displs, MPI_BYTE,
                                       MPI_COMM_WORLD)) != MPI_SUCCESS)
    rc = mpi_failed(err, "MPI_Allgatherv", diag);
  free(b.p);
  if (rc == 0) {
    rd rr = {all, all + total, 0};
    while (rc == 0 && rr.p < rr.end)
      rc = unpack_task(&rr, jobs, n_jobs);
    if (rc != 0)
      salesim_diag_add(diag, "MPI: a rank's results could not be read back");
    for (int i = 0; rc == 0 && i < n_jobs; i++)
      for (int k = 0; k < jobs[i].n_tasks; k++)
        if (jobs[i].status[k] != 0) /* every rank now sees the same failed task */
          dist_failure_shared = 1;
  }
  if (getenv("SALESIM_MPI_TIMING") != NULL)
    fprintf(stderr, "salesim: MPI rank %d/%d: %ld tasks, sent %d bytes, received %zu, exchange %.6f s\n",
            dist_rank, dist_size, n_mine, mine, total,
            MPI_Wtime() - t0);
  free(all);
  free(counts);
  free(displs);
  return rc;
}

#endif
