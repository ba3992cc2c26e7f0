/*
 * engine/scenario/override.h: what a number's path (salesim_scenario_set/get)
 * points at, for callers inside the library that need more than the value:
 * engine/run/optimize.c reads the setting's spec, the mechanism's label and
 * the values the number may take (its default search range). Implemented in
 * engine/scenario/override.c with the same resolver as set and get, so the
 * grammar (docs/batch-and-sweeps.md, "Paths") is written once.
 * Read next: engine/scenario/override.c.
 */
#ifndef SALESIM_ENGINE_OVERRIDE_H
#define SALESIM_ENGINE_OVERRIDE_H

#include <salesim/salesim.h>

/** What a path names. `label_path` is the same number's path with the
 *  mechanism written by its label ("mechanisms[1].curve[2].pay" ->
 *  "mechanisms.plan.curve[2].pay"; other paths unchanged), so it still
 *  names the number after the mechanisms are reordered. lo..hi are the
 *  values the number may take alone: the spec's range, or for a point's x
 *  the open interval between its neighbours (-/+INFINITY at the ends);
 *  lo_open/hi_open say whether an end is excluded. */
typedef struct salesim_path_info {
  const salesim_param_spec *spec; /* the setting (borrowed from its table) */
  int mech;                       /* the mechanism's index, or -1 */
  int index;                      /* element of a points or vector setting, or -1 */
  int axis;                       /* points: 0 x, 1 y; otherwise -1 */
  double lo, hi;
  int lo_open, hi_open;
  char label_path[SALESIM_PATH_MAX];
} salesim_path_info;

/** Resolve `path` in `sc` into *out. Returns 0, SALESIM_EINVAL (NULL
 *  arguments) or SALESIM_ENOTFOUND (one line in diag, which may be NULL,
 *  naming the path and what was expected). */
int salesim_scenario_path_info(const salesim_scenario *sc, const char *path,
                               salesim_path_info *out, salesim_diag *diag);

#endif
