/*
 * engine/scenario/override.c: change one number of a loaded scenario by its path
 * (salesim_scenario_set/get in salesim/scenario.h), and copy a scenario, for
 * sweeps (engine/run/sweep.c) and optimisation (engine/run/optimize.c).
 *
 * Paths go through the same parameter tables the loader reads
 * (engine/scenario/params.c for the groups, each mechanism type's own table), so any
 * number a file can set can be swept, with the same range checks:
 *   production.noise_sd, population.reps, firm.margin, budget,
 *   population.ability (a distribution: set as a constant),
 *   population.ability.mean (one field of a distribution),
 *   mechanisms.LABEL.SETTING (a mechanism by its label in the file).
 * Read next: engine/run/sweep.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "mechanism.h"
#include "params.h"

/* What a path points at. */
typedef struct target {
  const salesim_param_spec *spec;
  char *field;       /* the spec's field in the scenario */
  int dist_part;     /* -1 whole (constant), 0 mean, 1 sd, 2 min, 3 max */
  int mech;          /* mechanism index or -1 */
} target;

static const char *const dist_parts[] = {"mean", "sd", "min", "max"};

/* Find `name` ("rate" or "ability.mean") in table t over struct `base`. */
static int find_in_table(const salesim_param_table *t, void *base, const char *name,
                         target *out) {
  for (size_t i = 0; i < t->count; i++) {
    const salesim_param_spec *s = &t->specs[i];
    size_t n = strlen(s->name);
    if (strncmp(name, s->name, n) != 0)
      continue;
    const char *rest = name + n;
    out->spec = s;
    out->field = (char *)base + s->offset;
    out->dist_part = -1;
    if (*rest == '\0') {
      if (s->kind == SALESIM_P_DOUBLE || s->kind == SALESIM_P_INT || s->kind == SALESIM_P_DIST ||
          s->kind == SALESIM_P_BOOL)
        return 0;
      return -1;
    }
    if (*rest == '.' && s->kind == SALESIM_P_DIST)
      for (int k = 0; k < 4; k++)
        if (strcmp(rest + 1, dist_parts[k]) == 0) {
          out->dist_part = k;
          return 0;
        }
  }
  return -1;
}

static int resolve(const salesim_scenario *csc, const char *path, target *out,
                   salesim_diag *diag) {
  salesim_scenario *sc = (salesim_scenario *)csc; /* fields are only read by get */
  const salesim_param_table *tables = salesim_scenario_tables(NULL);
  static const struct {
    const char *group;
    int table;
    size_t offset;
  } groups[] = {
      {"production", SALESIM_TABLE_PRODUCTION, offsetof(salesim_scenario, production)},
      {"population", SALESIM_TABLE_POPULATION, offsetof(salesim_scenario, population)},
      {"territories", SALESIM_TABLE_TERRITORIES, offsetof(salesim_scenario, territories)},
      {"firm", SALESIM_TABLE_FIRM, offsetof(salesim_scenario, firm)},
  };
  out->mech = -1;
  if (path == NULL || sc == NULL)
    return SALESIM_EINVAL;
  if (strcmp(path, "budget") == 0) {
    static const salesim_param_spec budget = {"budget", SALESIM_P_DOUBLE, 0, 0, NULL, 0,
                                              INFINITY, 0, NULL, "currency/year", ""};
    out->spec = &budget;
    out->field = (char *)&sc->budget;
    out->dist_part = -1;
    return 0;
  }
  for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
    size_t n = strlen(groups[g].group);
    if (strncmp(path, groups[g].group, n) == 0 && path[n] == '.') {
      if (find_in_table(&tables[groups[g].table], (char *)sc + groups[g].offset, path + n + 1,
                        out) == 0)
        return 0;
      if (diag)
        salesim_diag_add(diag, "%s: no number %s in %s (see salesim params)", path, path + n + 1,
                         groups[g].group);
      return SALESIM_ENOTFOUND;
    }
  }
  if (strncmp(path, "mechanisms.", 11) == 0) {
    const char *rest = path + 11;
    for (int m = 0; m < sc->n_mechanisms; m++) {
      size_t n = strlen(sc->mechanisms[m].name);
      if (strncmp(rest, sc->mechanisms[m].name, n) != 0 || rest[n] != '.')
        continue;
      if (find_in_table(sc->mechanisms[m].type->params, sc->mechanisms[m].params, rest + n + 1,
                        out) == 0) {
        out->mech = m;
        return 0;
      }
      if (diag)
        salesim_diag_add(diag, "%s: mechanism '%s' (%s) has no number %s", path,
                         sc->mechanisms[m].name, sc->mechanisms[m].type->name, rest + n + 1);
      return SALESIM_ENOTFOUND;
    }
    if (diag) {
      char names[512] = "";
      for (int m = 0; m < sc->n_mechanisms; m++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", m ? ", " : "",
                 sc->mechanisms[m].name);
      salesim_diag_add(diag, "%s: no mechanism with that label (expected one of: %s)", path,
                       names);
    }
    return SALESIM_ENOTFOUND;
  }
  if (diag)
    salesim_diag_add(diag,
                     "%s: unknown path (expected mechanisms.LABEL.SETTING, budget, or "
                     "production|population|territories|firm.SETTING)",
                     path);
  return SALESIM_ENOTFOUND;
}

double salesim_scenario_get(const salesim_scenario *sc, const char *path, salesim_diag *diag) {
  target t;
  if (resolve(sc, path, &t, diag) != 0)
    return NAN;
  switch (t.spec->kind) {
  case SALESIM_P_DOUBLE:
    return *(double *)t.field;
  case SALESIM_P_INT:
  case SALESIM_P_BOOL:
    return *(int *)t.field;
  case SALESIM_P_DIST: {
    const salesim_dist *d = (const salesim_dist *)t.field;
    const double parts[] = {d->mean, d->sd, d->min, d->max};
    return t.dist_part < 0 ? d->mean : parts[t.dist_part];
  }
  default:
    return NAN;
  }
}

int salesim_scenario_set(salesim_scenario *sc, const char *path, double value,
                         salesim_diag *diag) {
  target t;
  int rc = resolve(sc, path, &t, diag);
  if (rc != 0)
    return rc;
  const salesim_param_spec *s = t.spec;
  int range_applies = s->kind != SALESIM_P_DIST || t.dist_part <= 0;
  if (!isfinite(value) || (s->kind == SALESIM_P_BOOL && value != 0 && value != 1) ||
      (range_applies && !salesim_params_in_range(s, value))) {
    char range[64];
    salesim_diag_add(diag, "%s = %g: out of range (expected %s)", path, value,
                     s->kind == SALESIM_P_BOOL ? "0 or 1"
                                               : salesim_params_range_text(s, range, sizeof range));
    return SALESIM_EINVAL;
  }
  switch (s->kind) {
  case SALESIM_P_DOUBLE:
    *(double *)t.field = value;
    break;
  case SALESIM_P_INT:
  case SALESIM_P_BOOL:
    *(int *)t.field = (int)lround(value);
    break;
  case SALESIM_P_DIST: {
    salesim_dist *d = (salesim_dist *)t.field;
    if (t.dist_part < 0) {
      d->kind = SALESIM_DIST_CONSTANT;
      d->mean = d->min = d->max = value;
      d->sd = 0;
    } else {
      double *parts[] = {&d->mean, &d->sd, &d->min, &d->max};
      *parts[t.dist_part] = value;
    }
    break;
  }
  default:
    return SALESIM_ENOTFOUND;
  }
  if (t.mech >= 0) {
    const salesim_mechanism_spec *m = &sc->mechanisms[t.mech];
    if (m->type->check != NULL) {
      char where[160]; /* the check names its settings after this prefix */
      snprintf(where, sizeof where, "mechanisms.%s", m->name);
      if (m->type->check(m->params, sc, where, diag) != 0)
        return SALESIM_EINVAL;
    }
  }
  return 0;
}

static char *dup_bytes(const void *p, size_t n) {
  char *c = malloc(n ? n : 1);
  if (c != NULL && n)
    memcpy(c, p, n);
  return c;
}

salesim_scenario *salesim_scenario_copy(const salesim_scenario *sc) {
  if (sc == NULL)
    return NULL;
  salesim_scenario *c = calloc(1, sizeof *c);
  if (c == NULL)
    return NULL;
  *c = *sc;
  c->path = NULL;
  c->description = NULL;
  c->mechanisms = NULL;
  c->n_mechanisms = 0;
  c->territories.list = NULL;
  c->sweep = NULL;
  c->source = NULL;
  c->data = salesim_data_retain(sc->data); /* shared, read-only */
  c->calibration_path = NULL;
  c->calibration = NULL;
  int ok = 1;
  if (sc->calibration_path &&
      (c->calibration_path = dup_bytes(sc->calibration_path, strlen(sc->calibration_path) + 1)) ==
          NULL)
    ok = 0;
  if (sc->calibration &&
      (c->calibration = dup_bytes(sc->calibration, sc->calibration_len + 1)) == NULL)
    ok = 0;
  if (sc->source && (c->source = dup_bytes(sc->source, sc->source_len + 1)) == NULL)
    ok = 0;
  if (sc->path && (c->path = dup_bytes(sc->path, strlen(sc->path) + 1)) == NULL)
    ok = 0;
  if (sc->description &&
      (c->description = dup_bytes(sc->description, strlen(sc->description) + 1)) == NULL)
    ok = 0;
  if (sc->territories.list &&
      (c->territories.list = (salesim_territory_spec *)dup_bytes(
           sc->territories.list, (size_t)sc->territories.list_count * sizeof *sc->territories.list)) ==
          NULL)
    ok = 0;
  if (sc->sweep) {
    c->sweep = (salesim_sweep *)dup_bytes(sc->sweep, sizeof *sc->sweep);
    if (c->sweep == NULL)
      ok = 0;
    else {
      c->sweep->params = NULL;
      if (sc->sweep->n_params > 0 &&
          (c->sweep->params = (salesim_sweep_param *)dup_bytes(
               sc->sweep->params, (size_t)sc->sweep->n_params * sizeof *sc->sweep->params)) == NULL)
        ok = 0;
    }
  }
  if (ok && sc->n_mechanisms > 0) {
    c->mechanisms = calloc((size_t)sc->n_mechanisms, sizeof *c->mechanisms);
    if (c->mechanisms == NULL)
      ok = 0;
    for (int m = 0; ok && m < sc->n_mechanisms; m++) {
      c->mechanisms[m] = sc->mechanisms[m];
      c->mechanisms[m].params =
          dup_bytes(sc->mechanisms[m].params, sc->mechanisms[m].type->params->struct_size);
      if (c->mechanisms[m].params == NULL)
        ok = 0;
      c->n_mechanisms = m + 1;
    }
  }
  if (!ok) {
    salesim_scenario_free(c);
    return NULL;
  }
  return c;
}
