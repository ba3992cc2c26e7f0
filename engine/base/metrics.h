/*
 * engine/base/metrics.h: metrics a mechanism declares in its type object, and
 * the run-time metric catalogue built from them.
 *
 * The core metrics (every mechanism; include/salesim/results.h,
 * SALESIM_METRIC_LIST) come first, indexes 0 .. SALESIM_METRIC_CORE_COUNT-1.
 * Then come the metrics the registered mechanism types declare
 * (salesim_mechanism_type.metrics), in registry order, each name once: a
 * name declared by several types (the org family shares one list) must be
 * declared identically. The catalogue is the same for every run of a build,
 * so output columns and rows do not depend on which mechanisms a scenario
 * runs (a metric without a value in a run is left out of the files, as
 * before). A mechanism's `report` hook sets its values with
 * salesim_world_metric(w, i, v) by index in its own list; the engine then
 * applies the declared kind (per-year scaling, monthly mean) once for all.
 * docs/metrics.md lists the catalogue. Read next: models/core/metrics.c.
 */
#ifndef SALESIM_MODELS_METRICS_H
#define SALESIM_MODELS_METRICS_H

#include <stddef.h>

#include <salesim/results.h>

struct salesim_world;
struct salesim_mechanism_type;

/** How the engine turns the value a `report` hook sets into the metric. */
typedef enum salesim_metric_kind {
  SALESIM_METRIC_KIND_LEVEL = 0,    /* as set (a share, a ratio, an end level) */
  SALESIM_METRIC_KIND_PER_YEAR,     /* a total over the run: x months_per_year / months */
  SALESIM_METRIC_KIND_MONTHLY_MEAN, /* a sum of monthly levels: / months */
  SALESIM_METRIC_KIND_COUNT
} salesim_metric_kind;

/** One metric a mechanism declares: the description every output shows
 *  (name, label, unit, higher_is_better +1/-1/0) and its kind. */
typedef struct salesim_metric_decl {
  salesim_metric_info info;
  salesim_metric_kind kind;
  const char *short_label; /* row label of the terminal table; NULL: info.label */
} salesim_metric_decl;

/** Metrics in the catalogue (core + declared, de-duplicated). */
int salesim_metric_count(void);
/** Description of catalogue metric `m`, or NULL when out of range. The
 *  pointer is to static data (a type object or the core table). */
const salesim_metric_info *salesim_metric_catalogue_info(int m);
/** The declaration behind catalogue metric `m`, or NULL for a core metric
 *  or an index out of range. */
const salesim_metric_decl *salesim_metric_catalogue_decl(int m);
/** Catalogue index of metric `name`, or -1. */
int salesim_metric_catalogue_find(const char *name);
/** The catalogue as an array of n pointers (malloc'd; the caller frees the
 *  array, not the entries). Returns n >= 0 or SALESIM_ENOMEM. */
int salesim_metric_catalogue(const salesim_metric_info ***out);
/** Catalogue index of metric `i` of the list type `t` declares, or -1. */
int salesim_metric_slot(const struct salesim_mechanism_type *t, int i);
/** Check the declarations of every registered type: names non-empty,
 *  unique within a type, not a core name, a name shared by two types
 *  declared identically, unit and label non-empty, better in {-1,0,1},
 *  kind valid. Returns 0, or -1 with one line in msg. */
int salesim_metric_catalogue_check(char *msg, size_t size);
/** Check one type's list alone (same rules but the sharing rule). */
int salesim_metric_decls_check(const struct salesim_mechanism_type *t, char *msg, size_t size);

/** Set metric `i` of the running mechanism's declared list (called by its
 *  `report` hook). An index out of range fails the replication. */
void salesim_world_metric(struct salesim_world *w, int i, double value);
/** Apply the declared kinds to the running mechanism's metrics (the
 *  engine, after the `report` hook). */
void salesim_world_metrics_finish(struct salesim_world *w);

#endif
