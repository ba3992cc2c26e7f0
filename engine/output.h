/*
 * engine/output.h: the output writer's hook (internal).
 *
 * salesim_output_write (salesim/salesim.h) stages every file in a temporary
 * folder beside the target and renames it into place at the end. A hook
 * runs after the engine's own files are complete and before the rename, with
 * the temporary folder's path, so extra files (the reports of
 * engine/report.c, a sweep's table, a costing summary) land atomically with
 * the rest: if the hook fails, nothing is replaced. The hook runs under the
 * C locale, like the writer. Read next: engine/report.h.
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

#endif
