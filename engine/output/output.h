/*
 * engine/output/output.h: the output writer's hook (internal).
 *
 * salesim_output_write (salesim/salesim.h) stages every file in a temporary
 * folder beside the target and renames it into place at the end. A hook
 * runs after the engine's own files are complete and before the rename, with
 * the temporary folder's path, so extra files (the reports of
 * engine/report/report.c, a sweep's table, a costing summary) land atomically with
 * the rest: if the hook fails, nothing is replaced. The hook runs under the
 * C locale, like the writer.
 *
 * It also holds the rules of docs/safety.md for everything salesim writes
 * (engine/output/output_fs.c):
 * the marker file that makes a
 * folder salesim's to replace, the check made before a run starts, and the
 * clean-up of temporary folders left by a killed run (which names may become
 * file or folder names: engine/scenario/names.h). Read next:
 * engine/report/report.h.
 */
#ifndef SALESIM_ENGINE_OUTPUT_H
#define SALESIM_ENGINE_OUTPUT_H

#include <salesim/salesim.h>

/** Called with the staging folder `tmpdir` (borrowed), the results and the
 *  scenario being written (`sc` may be NULL). Return 0 or a negative code
 *  with a message in `diag`. */
typedef int (*salesim_output_hook)(const char *tmpdir, const salesim_results *r,
                                   const salesim_scenario *sc, void *arg,
                                   salesim_diag *diag);

/** salesim_output_write with a hook (may be NULL). */
int salesim_output_write_hooked(const salesim_results *r, const salesim_scenario *sc,
                                const char *dir, salesim_output_hook hook, void *hook_arg,
                                salesim_diag *diag);

/** Fill the staging folder `tmpdir` (borrowed) with files: 0 or a
 *  negative code with a message in `diag`. */
typedef int (*salesim_output_fill)(const char *tmpdir, void *arg, salesim_diag *diag);

/** A folder of files that is not a run's output (a calibration's fit, a
 *  history export), written with the rules of docs/safety.md: `dir` checked
 *  as salesim_output_check does, `fill` called on a staging folder that
 *  already holds the marker (under the C locale), the result exchanged with
 *  `dir` in one step. On failure nothing of `dir` changes. Returns 0 or a
 *  negative code with one line in `diag` (engine/output/output_folder.c). */
int salesim_output_folder(const char *dir, salesim_output_fill fill, void *arg,
                          salesim_diag *diag);

/* The marker file in every folder salesim writes; a folder is replaced (or
 * written into, for a batch) only if it carries it or is empty. Its first
 * line is SALESIM_OUTPUT_MARKER_TAG. */
#define SALESIM_OUTPUT_MARKER ".salesim-output"
#define SALESIM_OUTPUT_MARKER_TAG "salesim output folder"

/** 1 if `dir` is a folder that holds salesim's marker file (a regular file
 *  whose first line is the tag), else 0. */
int salesim_output_has_marker(const char *dir);

/** What salesim_output_write checks first, callable before a long run:
 *  `dir` is not "/", "." or "..", is absent, empty or a marked output
 *  folder (a symbolic link is followed), and the nearest existing folder
 *  above it is a writable folder. Also removes "<dir>.tmp.<pid>" and
 *  "<dir>.old.<pid>" folders left by a salesim process that is no longer
 *  running, when they carry the marker or are empty. Returns 0, or
 *  SALESIM_EIO / SALESIM_EINVAL with one line in `diag`; nothing is
 *  created or changed except that clean-up. */
int salesim_output_check(const char *dir, salesim_diag *diag);

/** Prepare a folder salesim writes into without replacing it (a batch
 *  folder): the same checks as salesim_output_check, then make it and its
 *  parents and put the marker into it. */
int salesim_output_claim(const char *dir, salesim_diag *diag);

#endif
