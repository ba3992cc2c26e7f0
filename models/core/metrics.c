/*
 * models/core/metrics.c: the metric catalogue (engine/base/metrics.h): the core
 * metrics of include/salesim/results.h, then the metrics each registered
 * mechanism type declares, in registry order, each name once. Every
 * function walks the const registry: there is no global state to build or
 * lock, and the catalogue is the same for every run and thread. The walks
 * cost a few hundred string compares; callers that loop over metrics take
 * the array once (salesim_metric_catalogue, salesim_results_alloc).
 * Read next: models/core/sim_metrics.c (salesim_metrics_finish), engine/base/results.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mechanism.h"
#include "metrics.h"

static const salesim_metric_info core_infos[SALESIM_METRIC_CORE_COUNT] = {
#define SALESIM_X_INFO(id, name, label, unit, better) {name, label, unit, better},
    SALESIM_METRIC_LIST(SALESIM_X_INFO)
#undef SALESIM_X_INFO
};

static int core_find(const char *name) {
  for (int m = 0; m < SALESIM_METRIC_CORE_COUNT; m++)
    if (strcmp(core_infos[m].name, name) == 0)
      return m;
  return -1;
}

/* Declaration `d` of type number `ti` is the first of its name in the
 * registry (types before ti, then earlier entries of ti). */
static int first_of_name(const salesim_mechanism_type *const *all, int ti, int di) {
  const char *name = all[ti]->metrics[di].info.name;
  for (int t = 0; t <= ti; t++) {
    int n = t < ti ? all[t]->n_metrics : di;
    for (int i = 0; i < n; i++)
      if (strcmp(all[t]->metrics[i].info.name, name) == 0)
        return 0;
  }
  return 1;
}

/* Visit the declared part of the catalogue in order; stop when `visit`
 * returns non-zero and return that, else return the count. */
typedef int (*visit_fn)(int index, const salesim_metric_decl *d, void *arg);

static int walk(visit_fn visit, void *arg) {
  const salesim_mechanism_type *const *all = salesim_mechanism_all();
  int index = SALESIM_METRIC_CORE_COUNT;
  for (int t = 0; all[t] != NULL; t++)
    for (int i = 0; i < all[t]->n_metrics; i++) {
      if (!first_of_name(all, t, i))
        continue;
      if (visit != NULL) {
        int rc = visit(index, &all[t]->metrics[i], arg);
        if (rc != 0)
          return rc;
      }
      index++;
    }
  return index;
}

int salesim_metric_count(void) { return walk(NULL, NULL); }

typedef struct at_arg {
  int want;
  const salesim_metric_info *found;
} at_arg;

static int visit_at(int index, const salesim_metric_decl *d, void *arg) {
  at_arg *a = arg;
  if (index != a->want)
    return 0;
  a->found = &d->info;
  return 1;
}

const salesim_metric_info *salesim_metric_catalogue_info(int m) {
  if (m < 0)
    return NULL;
  if (m < SALESIM_METRIC_CORE_COUNT)
    return &core_infos[m];
  at_arg a = {m, NULL};
  walk(visit_at, &a);
  return a.found;
}

const salesim_metric_decl *salesim_metric_catalogue_decl(int m) {
  if (m < SALESIM_METRIC_CORE_COUNT)
    return NULL;
  at_arg a = {m, NULL};
  walk(visit_at, &a);
  /* the info is the first member of its declaration */
  return a.found ? (const salesim_metric_decl *)(const void *)a.found : NULL;
}

typedef struct find_arg {
  const char *name;
  int found;
} find_arg;

static int visit_find(int index, const salesim_metric_decl *d, void *arg) {
  find_arg *a = arg;
  if (strcmp(d->info.name, a->name) != 0)
    return 0;
  a->found = index;
  return 1;
}

int salesim_metric_catalogue_find(const char *name) {
  if (name == NULL)
    return -1;
  int m = core_find(name);
  if (m >= 0)
    return m;
  find_arg a = {name, -1};
  walk(visit_find, &a);
  return a.found;
}

typedef struct fill_arg {
  const salesim_metric_info **infos;
} fill_arg;

static int visit_fill(int index, const salesim_metric_decl *d, void *arg) {
  ((fill_arg *)arg)->infos[index] = &d->info;
  return 0;
}

int salesim_metric_catalogue(const salesim_metric_info ***out) {
  *out = NULL;
  int n = salesim_metric_count();
  const salesim_metric_info **infos = malloc((size_t)n * sizeof *infos);
  if (infos == NULL)
    return SALESIM_ENOMEM;
  for (int m = 0; m < SALESIM_METRIC_CORE_COUNT; m++)
    infos[m] = &core_infos[m];
  fill_arg a = {infos};
  walk(visit_fill, &a);
  *out = infos;
  return n;
}

int salesim_metric_slot(const salesim_mechanism_type *t, int i) {
  if (t == NULL || i < 0 || i >= t->n_metrics)
    return -1;
  return salesim_metric_catalogue_find(t->metrics[i].info.name);
}

/* ---- checks (the conformance test) ----------------------------------------- */

static int same_text(const char *a, const char *b) {
  return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int same_decl(const salesim_metric_decl *a, const salesim_metric_decl *b) {
  return strcmp(a->info.label, b->info.label) == 0 && strcmp(a->info.unit, b->info.unit) == 0 &&
         a->info.better == b->info.better && a->kind == b->kind &&
         same_text(a->short_label, b->short_label);
}

int salesim_metric_decls_check(const salesim_mechanism_type *t, char *msg, size_t size) {
  if (t->n_metrics < 0 || (t->n_metrics > 0 && t->metrics == NULL)) {
    snprintf(msg, size, "%s: n_metrics = %d without a list", t->name, t->n_metrics);
    return -1;
  }
  for (int i = 0; i < t->n_metrics; i++) {
    const salesim_metric_decl *d = &t->metrics[i];
    const char *name = d->info.name ? d->info.name : "";
    if (name[0] == '\0' || d->info.label == NULL || d->info.label[0] == '\0' ||
        d->info.unit == NULL || d->info.unit[0] == '\0') {
      snprintf(msg, size, "%s: metric %d: empty name, label or unit", t->name, i);
      return -1;
    }
    for (const char *c = name; *c; c++)
      if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')) {
        snprintf(msg, size, "%s: metric %s: name not in [a-z0-9_]", t->name, name);
        return -1;
      }
    if (d->info.better < -1 || d->info.better > 1) {
      snprintf(msg, size, "%s: metric %s: better = %d (expected -1, 0 or 1)", t->name, name,
               d->info.better);
      return -1;
    }
    if ((int)d->kind < 0 || d->kind >= SALESIM_METRIC_KIND_COUNT) {
      snprintf(msg, size, "%s: metric %s: unknown kind %d", t->name, name, (int)d->kind);
      return -1;
    }
    if (core_find(name) >= 0) {
      snprintf(msg, size, "%s: metric %s: clashes with a core metric", t->name, name);
      return -1;
    }
    for (int j = 0; j < i; j++)
      if (strcmp(t->metrics[j].info.name, name) == 0) {
        snprintf(msg, size, "%s: metric %s declared twice", t->name, name);
        return -1;
      }
  }
  return 0;
}

int salesim_metric_catalogue_check(char *msg, size_t size) {
  const salesim_mechanism_type *const *all = salesim_mechanism_all();
  for (int t = 0; all[t] != NULL; t++) {
    if (salesim_metric_decls_check(all[t], msg, size) != 0)
      return -1;
    for (int i = 0; i < all[t]->n_metrics; i++)
      for (int u = 0; u < t; u++)
        for (int j = 0; j < all[u]->n_metrics; j++)
          if (strcmp(all[u]->metrics[j].info.name, all[t]->metrics[i].info.name) == 0 &&
              !same_decl(&all[u]->metrics[j], &all[t]->metrics[i])) {
            snprintf(msg, size, "%s: metric %s: declared differently by %s", all[t]->name,
                     all[t]->metrics[i].info.name, all[u]->name);
            return -1;
          }
  }
  return 0;
}

/* ---- filling (the running world) ------------------------------------------- */

void salesim_world_metric(salesim_world *w, int i, double value) {
  int slot = salesim_metric_slot(w->type, i);
  if (slot < 0) {
    salesim_world_fail(w, SALESIM_EINVAL, "%s: report set metric %d, which it does not declare",
                       w->type->name, i);
    return;
  }
  w->metrics[slot] = value;
}

void salesim_world_metrics_finish(salesim_world *w) {
  const salesim_scenario *sc = w->sc;
  double per_year = (double)sc->months_per_year / sc->months;
  for (int i = 0; i < w->type->n_metrics; i++) {
    int slot = salesim_metric_slot(w->type, i);
    if (slot < 0)
      continue;
    double *v = &w->metrics[slot];
    switch (w->type->metrics[i].kind) {
    case SALESIM_METRIC_KIND_PER_YEAR:
      *v = *v * per_year;
      break;
    case SALESIM_METRIC_KIND_MONTHLY_MEAN:
      *v = sc->months > 0 ? *v / sc->months : NAN;
      break;
    default:
      break;
    }
  }
}
