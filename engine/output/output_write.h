/*
 * engine/output/output_write.h: what the output writer's files share
 * (internal to engine/output/).
 *
 * One write (engine/output/output.c) stages every file in a temporary folder
 * and exchanges it with the target (engine/output/output_fs.c, the rules of
 * docs/safety.md); each file is written through an out_file
 * (engine/output/output_file.c) by the CSV writers
 * (engine/output/output_csv.c) or the summary.json writer
 * (engine/output/output_json.c). Read next: engine/output/output_fs.c.
 */
#ifndef SALESIM_ENGINE_OUTPUT_WRITE_H
#define SALESIM_ENGINE_OUTPUT_WRITE_H

#include <stddef.h>
#include <stdio.h>

#include <salesim/salesim.h>

/* ---- the results being written (output.c) ---- */

typedef struct report {
  const salesim_results *r;
  const salesim_scenario *sc;
  salesim_stat *stats; /* [mech*r->n_metrics + m] */
  int *has_data;       /* r->n_metrics: some mechanism has n > 0 */
} report;

#define REPORT_STAT(rep, mech, m) \
  ((rep)->stats[(size_t)(mech) * (size_t)(rep)->r->n_metrics + (size_t)(m)])

/* ---- folders, the marker, staging and exchange (output_fs.c) ---- */

/** Remove a file or a folder with everything in it, the marker last (best
 *  effort; 0 or -1 with errno set by the first failure). */
int salesim_output_remove_tree(const char *path);

/** Write the marker file into `dir` (the first file of every folder). */
int salesim_output_write_marker(const char *dir, salesim_diag *diag);

/** `dir` without trailing slashes, a symbolic link to a folder resolved,
 *  malloc'd into *out; refuses "/", "." and ".." and names ending in them. */
int salesim_output_resolve_target(char **out, const char *dir, salesim_diag *diag);

/** The checks of salesim_output_check on a resolved target (`shown` is the
 *  name the user gave), with the clean-up of a killed run's folders. */
int salesim_output_check_target(const char *target, const char *shown, salesim_diag *diag);

/** `rc`, after adding "DIR: <reason>" when the failure left no line of its
 *  own since `diag` had `lines_before` lines. */
int salesim_output_said(int rc, salesim_diag *diag, size_t lines_before, const char *dir);

/** Make the staging folder "<target>.tmp.<pid>" (and missing parents);
 *  *tmp and *old ("<target>.old.<pid>") malloc'd for the caller to free. */
int salesim_output_stage(const char *target, char **tmp, char **old, salesim_diag *diag);

/** Put the complete staging folder in place of `target`; on failure `tmp`
 *  is left for the caller to remove and the previous output is untouched. */
int salesim_output_swap_in(const char *tmp, const char *target, const char *old,
                           const char *shown, salesim_diag *diag);

/* ---- a file being written (output_file.c) ---- */

typedef struct out_file {
  FILE *fp;
  char *path; /* owned */
  int err;    /* errno of the first failure, 0 if none */
} out_file;

/** Open DIR/NAME for writing; 0, SALESIM_ENOMEM or SALESIM_EIO with
 *  "PATH: strerror". */
int salesim_out_open(out_file *f, const char *dir, const char *name, salesim_diag *diag);

/** printf into the file; the first failure is remembered, later calls do
 *  nothing. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void salesim_out_printf(out_file *f, const char *fmt, ...);

/** A CSV text field (RFC 4180 quoting, formula guard of docs/safety.md). */
void salesim_out_text(out_file *f, const char *s);

/** A number: %.10g, NAN as an empty field, -0 as 0. */
void salesim_out_number(out_file *f, double v);

/** Close and report; 0 or SALESIM_EIO with "PATH: strerror". */
int salesim_out_close(out_file *f, salesim_diag *diag);

/* ---- the files (output_csv.c, output_json.c) ---- */

int salesim_output_summary_csv(const report *rp, const char *dir, salesim_diag *diag);
int salesim_output_replications_csv(const report *rp, const char *dir, salesim_diag *diag);
int salesim_output_monthly_csv(const report *rp, const char *dir, salesim_diag *diag);
/* A detail table; with the company's data in `sc` (may be NULL), a
 * `territory` column is followed by territory_id and territory_name. */
int salesim_output_table_csv(const salesim_table *t, const salesim_scenario *sc, const char *dir,
                             salesim_diag *diag);
int salesim_output_summary_json(const report *rp, const char *dir, salesim_diag *diag);

#endif
