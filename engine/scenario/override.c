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
 *   mechanisms.LABEL.SETTING (a mechanism by its label in the file; the
 *     longest label that fits wins, so labels with dots work),
 *   mechanisms[INDEX].SETTING (by its place in the file, from 0),
 *   SETTING[i] (an element of a vector), SETTING[i].x / .y or the spec's
 *     names for them (a point: mechanisms[0].curve[2].pay),
 *   LIST[j].SETTING or LIST.NAME.SETTING (a setting of an item of a list of
 *     typed groups, SALESIM_P_ITEMS, by place or by name, with every form
 *     above inside: mechanisms.plan.components.kicker.curve[1].pay); a set
 *     reruns the item kind's check, then the mechanism's.
 * Read next: engine/run/sweep.c.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/salesim.h>

#include "mechanism.h"
#include "override.h"
#include "params.h"

/* What a path points at. */
typedef struct target {
  const salesim_param_spec *spec;
  char *field;       /* the spec's field in the scenario */
  int dist_part;     /* -1 whole (constant), 0 mean, 1 sd, 2 min, 3 max */
  int index;         /* element of a points or vector setting, or -1 */
  int axis;          /* points: 0 x, 1 y; otherwise -1 */
  int mech;          /* mechanism index or -1 */
  /* inside an item of a list of typed groups (SALESIM_P_ITEMS), or NULL */
  const salesim_item_kind *kind;
  salesim_item *item;
  const char *items_name; /* the list's setting, e.g. "components" */
  int item_index;
} target;

static const char *const dist_parts[] = {"mean", "sd", "min", "max"};

/* A points spec's names for x and y ("attainment|pay" in its choices). */
static void axis_names(const salesim_param_spec *s, char x[SALESIM_NAME_MAX],
                       char y[SALESIM_NAME_MAX]) {
  x[0] = y[0] = '\0';
  const char *bar = s->choices ? strchr(s->choices, '|') : NULL;
  if (bar == NULL)
    return;
  snprintf(x, SALESIM_NAME_MAX, "%.*s", (int)(bar - s->choices), s->choices);
  snprintf(y, SALESIM_NAME_MAX, "%s", bar + 1);
}

/* "[i]" at *p: the index, with *p moved past the ']'; -1 when not an index. */
static int read_index(const char **p) {
  const char *s = *p;
  if (*s != '[' || !(s[1] >= '0' && s[1] <= '9'))
    return -1;
  long v = 0;
  for (s++; *s >= '0' && *s <= '9'; s++)
    if ((v = v * 10 + (*s - '0')) > 100000)
      return -1;
  if (*s != ']')
    return -1;
  *p = s + 1;
  return (int)v;
}

static int find_in_table(const salesim_param_table *t, void *base, const char *name,
                         const char *path, target *out, salesim_diag *diag);

/* The items' names as "a, b, c". */
static void item_names(const salesim_items *its, char *buf, size_t size) {
  buf[0] = '\0';
  for (int j = 0; j < its->n; j++)
    snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", j ? ", " : "", its->item[j].name);
}

/* A number inside an item of the list setting s (SALESIM_P_ITEMS) over
 * `field`: `rest` is "[j].SETTING..." or ".NAME.SETTING..." (the item's
 * name; the longest name that fits and leads to a number wins, so names
 * with dots work). 0, or -2 with one line in diag. */
static int find_in_items(const salesim_param_spec *s, char *field, const char *rest,
                         const char *path, target *out, salesim_diag *diag) {
  salesim_items *its = (salesim_items *)field;
  const salesim_item_kinds *ks = s->def_ptr;
  char names[SALESIM_MAX_ITEMS * (SALESIM_NAME_MAX + 2)];
  const char *after = rest;
  int j = read_index(&after), rc;
  item_names(its, names, sizeof names);
  if (j >= 0) {
    if (j >= its->n) {
      if (diag && its->n == 0)
        salesim_diag_add(diag, "%s: %s has no items (expected them set in the scenario first)",
                         path, s->name);
      else if (diag)
        salesim_diag_add(diag,
                         "%s: no item %d in %s (expected an index from 0 to %d: %s has %d "
                         "item%s: %s)",
                         path, j, s->name, its->n - 1, s->name, its->n, its->n == 1 ? "" : "s",
                         names);
      return -2;
    }
    if (*after != '.') {
      if (diag)
        salesim_diag_add(diag, "%s: %s[%d] is a group of settings (expected %s[%d].SETTING)",
                         path, s->name, j, s->name, j);
      return -2;
    }
    after++;
  } else if (*rest == '.') {
    /* by name: the longest that fits and resolves; else say why for the longest */
    const char *r = rest + 1;
    int longest = -1;
    size_t below = (size_t)-1;
    for (;;) {
      int best = -1;
      size_t best_len = 0;
      for (int k = 0; k < its->n; k++) {
        size_t len = strlen(its->item[k].name);
        if (len < below && (best < 0 || len > best_len) &&
            strncmp(r, its->item[k].name, len) == 0 && r[len] == '.') {
          best = k;
          best_len = len;
        }
      }
      if (best < 0)
        break;
      if (longest < 0)
        longest = best;
      salesim_item *it = &its->item[best];
      if (it->type >= 0 && it->type < ks->n &&
          find_in_table(ks->kinds[it->type].table, it->body.bytes, r + best_len + 1, path, out,
                        NULL) == 0) {
        j = best;
        after = r + best_len + 1;
        break;
      }
      below = best_len;
    }
    if (j < 0 && longest >= 0) {
      j = longest;
      after = r + strlen(its->item[j].name) + 1;
    } else if (j < 0) {
      if (diag)
        salesim_diag_add(diag, "%s: no item of %s has that name (expected one of: %s)", path,
                         s->name, its->n ? names : "none: the list is empty");
      return -2;
    }
  } else {
    if (diag)
      salesim_diag_add(diag, "%s: %s is a list of groups (expected %s[j].SETTING or "
                       "%s.NAME.SETTING)", path, s->name, s->name, s->name);
    return -2;
  }
  salesim_item *it = &its->item[j];
  assert(it->type >= 0 && it->type < ks->n);
  const salesim_item_kind *kind = &ks->kinds[it->type];
  rc = find_in_table(kind->table, it->body.bytes, after, path, out, diag);
  if (rc == -1 && diag)
    salesim_diag_add(diag, "%s: item %d of %s ('%s', type %s) has no number %s", path, j, s->name,
                     it->name, kind->type, after);
  if (rc != 0)
    return -2;
  out->kind = kind;
  out->item = it;
  out->items_name = s->name;
  out->item_index = j;
  return 0;
}

/* Find `name` ("rate", "ability.mean", "curve[2].pay", "salary_by_grade[1]",
 * "components[1].rate", "components.kicker.rate") in table t over struct
 * `base`. Returns 0; -1 when no setting of that name is a number (the caller
 * says so); -2 when the setting exists but the element does not (said here,
 * in diag, about `path`). */
static int find_in_table(const salesim_param_table *t, void *base, const char *name,
                         const char *path, target *out, salesim_diag *diag) {
  for (size_t i = 0; i < t->count; i++) {
    const salesim_param_spec *s = &t->specs[i];
    size_t n = strlen(s->name);
    if (strncmp(name, s->name, n) != 0)
      continue;
    const char *rest = name + n;
    if (*rest != '\0' && *rest != '.' && *rest != '[')
      continue; /* a longer name that starts with this one */
    if (s->kind == SALESIM_P_ITEMS)
      return find_in_items(s, (char *)base + s->offset, rest, path, out, diag);
    out->spec = s;
    out->field = (char *)base + s->offset;
    out->dist_part = -1;
    out->index = -1;
    out->axis = -1;
    if (s->kind == SALESIM_P_POINTS || s->kind == SALESIM_P_VECTOR) {
      int pts = s->kind == SALESIM_P_POINTS;
      int count = pts ? ((const salesim_points *)out->field)->n
                      : ((const salesim_vector *)out->field)->n;
      char xn[SALESIM_NAME_MAX], yn[SALESIM_NAME_MAX], names[3 * SALESIM_NAME_MAX];
      axis_names(s, xn, yn);
      snprintf(names, sizeof names, "x or .y%s%s%s%s", xn[0] ? ", ." : "", xn,
               yn[0] ? " or ." : "", yn);
      const char *after = rest;
      int k = read_index(&after);
      if (k < 0) {
        if (diag) {
          if (pts)
            salesim_diag_add(diag, "%s: %s is a list of points (expected %s[i].%s)", path,
                             s->name, s->name, names);
          else
            salesim_diag_add(diag, "%s: %s is a list of numbers (expected %s[i])", path,
                             s->name, s->name);
        }
        return -2;
      }
      if (k >= count && count == 0) {
        if (diag)
          salesim_diag_add(diag, "%s: %s has no %s (expected it set in the scenario first)", path,
                           s->name, pts ? "points" : "values");
        return -2;
      }
      if (k >= count) {
        if (diag)
          salesim_diag_add(diag, "%s: no %s %d in %s (expected an index from 0 to %d: %s has %d %s)",
                           path, pts ? "point" : "value", k, s->name, count - 1, s->name, count,
                           pts ? (count == 1 ? "point" : "points")
                               : (count == 1 ? "value" : "values"));
        return -2;
      }
      out->index = k;
      if (!pts && *after == '\0')
        return 0;
      if (pts && *after == '.') {
        const char *ax = after + 1;
        if (strcmp(ax, "x") == 0 || (xn[0] && strcmp(ax, xn) == 0))
          out->axis = 0;
        else if (strcmp(ax, "y") == 0 || (yn[0] && strcmp(ax, yn) == 0))
          out->axis = 1;
        if (out->axis >= 0)
          return 0;
      }
      if (diag) {
        if (pts)
          salesim_diag_add(diag, "%s: a point has two numbers (expected %s[%d].%s)", path,
                           s->name, k, names);
        else
          salesim_diag_add(diag, "%s: %s[%d] is one number (expected nothing after it)", path,
                           s->name, k);
      }
      return -2;
    }
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

/* The mechanism with the longest label shorter than `below` characters that
 * ends at a '.' in `rest`, or -1. Labels may contain dots ("a.b" and "a" both
 * fit "a.b.rate"); labels are unique, so two that fit differ in length. */
static int label_fitting(const salesim_scenario *sc, const char *rest, size_t below) {
  int best = -1;
  size_t best_len = 0;
  for (int m = 0; m < sc->n_mechanisms; m++) {
    size_t len = strlen(sc->mechanisms[m].name);
    if (len >= below || (best >= 0 && len <= best_len))
      continue;
    if (strncmp(rest, sc->mechanisms[m].name, len) == 0 && rest[len] == '.') {
      best = m;
      best_len = len;
    }
  }
  return best;
}

/* A mechanism's setting `setting` (the text after "mechanisms.LABEL." or
 * "mechanisms[i].") in mechanism m. */
static int find_in_mechanism(salesim_scenario *sc, int m, const char *setting, const char *path,
                             target *out, salesim_diag *diag) {
  const salesim_mechanism_spec *ms = &sc->mechanisms[m];
  int rc = find_in_table(ms->type->params, ms->params, setting, path, out, diag);
  if (rc == 0) {
    out->mech = m;
    return 0;
  }
  if (rc == -1 && diag)
    salesim_diag_add(diag, "%s: mechanism '%s' (%s) has no number %s", path, ms->name,
                     ms->type->name, setting);
  return SALESIM_ENOTFOUND;
}

static void mechanism_names(const salesim_scenario *sc, char *names, size_t size) {
  names[0] = '\0';
  for (int m = 0; m < sc->n_mechanisms; m++)
    snprintf(names + strlen(names), size - strlen(names), "%s%s", m ? ", " : "",
             sc->mechanisms[m].name);
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
  out->index = -1;
  out->axis = -1;
  out->kind = NULL;
  out->item = NULL;
  out->items_name = NULL;
  out->item_index = -1;
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
      int rc = find_in_table(&tables[groups[g].table], (char *)sc + groups[g].offset,
                             path + n + 1, path, out, diag);
      if (rc == 0)
        return 0;
      if (rc == -1 && diag)
        salesim_diag_add(diag, "%s: no number %s in %s (see salesim params)", path, path + n + 1,
                         groups[g].group);
      return SALESIM_ENOTFOUND;
    }
  }
  if (strncmp(path, "mechanisms[", 11) == 0) {
    const char *rest = path + 10;
    int m = read_index(&rest);
    if (m < 0 || *rest != '.') {
      if (diag)
        salesim_diag_add(diag, "%s: not a mechanism's number (expected mechanisms[INDEX].SETTING)",
                         path);
      return SALESIM_ENOTFOUND;
    }
    if (m >= sc->n_mechanisms) {
      char names[512];
      mechanism_names(sc, names, sizeof names);
      if (diag)
        salesim_diag_add(diag,
                         "%s: no mechanism %d (expected an index from 0 to %d: the scenario has "
                         "%d mechanisms: %s)",
                         path, m, sc->n_mechanisms - 1, sc->n_mechanisms, names);
      return SALESIM_ENOTFOUND;
    }
    return find_in_mechanism(sc, m, rest + 1, path, out, diag);
  }
  if (strncmp(path, "mechanisms.", 11) == 0) {
    const char *rest = path + 11;
    int longest = label_fitting(sc, rest, (size_t)-1);
    /* the longest label whose remainder is a number */
    for (int m = longest; m >= 0; m = label_fitting(sc, rest, strlen(sc->mechanisms[m].name)))
      if (find_in_mechanism(sc, m, rest + strlen(sc->mechanisms[m].name) + 1, path, out, NULL) ==
          0)
        return 0;
    if (longest >= 0) /* say why for the longest label */
      return find_in_mechanism(sc, longest, rest + strlen(sc->mechanisms[longest].name) + 1,
                               path, out, diag);
    if (diag) {
      char names[512];
      mechanism_names(sc, names, sizeof names);
      salesim_diag_add(diag, "%s: no mechanism with that label (expected one of: %s)", path,
                       names);
    }
    return SALESIM_ENOTFOUND;
  }
  if (diag)
    salesim_diag_add(diag,
                     "%s: unknown path (expected mechanisms.LABEL.SETTING, "
                     "mechanisms[INDEX].SETTING, budget, or "
                     "production|population|territories|firm.SETTING)",
                     path);
  return SALESIM_ENOTFOUND;
}

/* The neighbours of an element of a points (x) or vector setting:
 * -/+INFINITY at the ends. */
static void neighbours(const target *t, double *prev, double *next) {
  const double *v;
  int n;
  if (t->spec->kind == SALESIM_P_POINTS) {
    v = ((const salesim_points *)t->field)->x;
    n = ((const salesim_points *)t->field)->n;
  } else {
    v = ((const salesim_vector *)t->field)->v;
    n = ((const salesim_vector *)t->field)->n;
  }
  *prev = t->index > 0 ? v[t->index - 1] : -INFINITY;
  *next = t->index + 1 < n ? v[t->index + 1] : INFINITY;
}

/* The values a resolved number may take alone (before the mechanism's
 * cross-checks): the spec's range, for a point's x (x increasing) the open
 * interval between its neighbours' x (the loader bounds x no other way), for
 * an element of an increasing vector also between its neighbours. */
static void allowed(const target *t, double *lo, double *hi, int *lo_open, int *hi_open) {
  const salesim_param_spec *s = t->spec;
  *lo = s->min;
  *hi = s->max;
  *lo_open = (s->flags & SALESIM_PF_MIN_EXCL) != 0;
  *hi_open = (s->flags & SALESIM_PF_MAX_EXCL) != 0;
  if (s->kind == SALESIM_P_DIST && t->dist_part > 0) { /* sd, min, max: set checks none */
    *lo = -INFINITY;
    *hi = INFINITY;
    *lo_open = *hi_open = 0;
    return;
  }
  if (t->index < 0 || t->axis == 1 || !(s->flags & SALESIM_PF_INCREASING))
    return;
  if (t->axis == 0) {
    *lo = -INFINITY;
    *hi = INFINITY;
    *lo_open = *hi_open = 0;
  }
  double prev, next;
  neighbours(t, &prev, &next);
  if (prev >= *lo) {
    *lo = prev;
    *lo_open = isfinite(prev);
  }
  if (next <= *hi) {
    *hi = next;
    *hi_open = isfinite(next);
  }
}

/* The field's double an element path names, or NULL. */
static double *element(const target *t) {
  if (t->index < 0)
    return NULL;
  if (t->spec->kind == SALESIM_P_POINTS) {
    salesim_points *p = (salesim_points *)t->field;
    return t->axis == 0 ? &p->x[t->index] : &p->y[t->index];
  }
  if (t->spec->kind == SALESIM_P_VECTOR)
    return &((salesim_vector *)t->field)->v[t->index];
  return NULL;
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
  case SALESIM_P_POINTS:
  case SALESIM_P_VECTOR:
    return *element(&t);
  default:
    return NAN;
  }
}

/* An element out of its place: "strictly between 0.8 and 1.2, the
 * neighbouring points' attainment". */
static void order_text(const target *t, double lo, double hi, char *buf, size_t size) {
  char a[32], b[32], xn[SALESIM_NAME_MAX], yn[SALESIM_NAME_MAX];
  axis_names(t->spec, xn, yn);
  const char *what = t->spec->kind == SALESIM_P_POINTS ? "points'" : "values";
  const char *axis = t->spec->kind == SALESIM_P_POINTS ? (xn[0] ? xn : "x") : "";
  salesim_params_number_text(lo, a, sizeof a);
  salesim_params_number_text(hi, b, sizeof b);
  if (isfinite(lo) && isfinite(hi))
    snprintf(buf, size, "strictly between %s and %s, the neighbouring %s%s%s", a, b, what,
             axis[0] ? " " : "", axis);
  else if (isfinite(lo))
    snprintf(buf, size, "above %s, the previous %s%s%s", a, what, axis[0] ? " " : "", axis);
  else
    snprintf(buf, size, "below %s, the next %s%s%s", b, what, axis[0] ? " " : "", axis);
}

int salesim_scenario_set(salesim_scenario *sc, const char *path, double value,
                         salesim_diag *diag) {
  target t;
  int rc = resolve(sc, path, &t, diag);
  if (rc != 0)
    return rc;
  const salesim_param_spec *s = t.spec;
  double *el = element(&t);
  if (el != NULL) {
    char range[96];
    if (!isfinite(value) || (t.axis != 0 && !salesim_params_in_range(s, value))) {
      salesim_diag_add(diag, "%s = %g: out of range (expected %s)", path, value,
                       t.axis == 0 ? "a finite number" /* x: bounded by its neighbours only */
                                   : salesim_params_range_text(s, range, sizeof range));
      return SALESIM_EINVAL;
    }
    double prev, next;
    if ((s->flags & SALESIM_PF_INCREASING) && t.axis != 1) {
      neighbours(&t, &prev, &next);
      if (!(value > prev && value < next)) {
        char order[256];
        order_text(&t, prev, next, order, sizeof order);
        salesim_diag_add(diag, "%s = %g: out of order (expected %s)", path, value, order);
        return SALESIM_EINVAL;
      }
    }
    /* the one cross-check of a group's list (the loader's, scenario_groups.c):
     * a pipeline stage's advance and loss add up to at most 1 */
    const salesim_vector *adv = &sc->production.stage_advance, *los = &sc->production.stage_loss;
    if ((t.field == (char *)adv || t.field == (char *)los) && t.index < adv->n &&
        t.index < los->n) {
      int is_adv = t.field == (char *)adv;
      double other = is_adv ? los->v[t.index] : adv->v[t.index];
      if (!(value + other <= 1)) {
        salesim_diag_add(diag, "%s = %g: with %s[%d] = %g adds up to %g (expected at most 1)",
                         path, value, is_adv ? "stage_loss" : "stage_advance", t.index, other,
                         value + other);
        return SALESIM_EINVAL;
      }
    }
    *el = value;
  } else {
    int range_applies = s->kind != SALESIM_P_DIST || t.dist_part <= 0;
    if (!isfinite(value) || (s->kind == SALESIM_P_BOOL && value != 0 && value != 1) ||
        (range_applies && !salesim_params_in_range(s, value))) {
      char range[64];
      salesim_diag_add(diag, "%s = %g: out of range (expected %s)", path, value,
                       s->kind == SALESIM_P_BOOL ? "0 or 1"
                                                 : salesim_params_range_text(s, range, sizeof range));
      return SALESIM_EINVAL;
    }
    /* the calendar's cross-checks (the loader's, scenario_groups.c), so
     * that a sweep's point or an override meets them too: a fiscal year
     * given as a calendar month needs 12-month plan years (months_per_year
     * is no path), and a start month given with dated data is the data's */
    if (s->kind == SALESIM_P_INT && t.field == (char *)&sc->firm.fiscal_year_start &&
        lround(value) != 0 && sc->months_per_year != 12) {
      salesim_diag_add(diag,
                       "%s = %g with months_per_year = %d (expected 0, the start month, or "
                       "months_per_year = 12)",
                       path, value, sc->months_per_year);
      return SALESIM_EINVAL;
    }
    if (s->kind == SALESIM_P_INT && t.field == (char *)&sc->firm.start_month && value >= 1 &&
        sc->data != NULL && sc->data->start != SALESIM_DATA_NO_DATE) {
      int y, m, dd;
      salesim_data_ymd(sc->data->start, &y, &m, &dd);
      if ((int)lround(value) != m) {
        salesim_diag_add(diag,
                         "%s = %g: the data start in month %d of %d (expected %d, or 0)", path,
                         value, m, y, m);
        return SALESIM_EINVAL;
      }
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
  }
  if (t.mech >= 0) {
    const salesim_mechanism_spec *m = &sc->mechanisms[t.mech];
    if (t.item != NULL && t.kind->check != NULL) { /* the item's own checks, then the type's */
      char where[3 * SALESIM_NAME_MAX + 32];
      snprintf(where, sizeof where, "mechanisms.%s.%s[%d]", m->name, t.items_name, t.item_index);
      if (t.kind->check(t.item->body.bytes, where, diag) != 0)
        return SALESIM_EINVAL;
    }
    if (m->type->check != NULL) {
      char where[160]; /* the check names its settings after this prefix */
      snprintf(where, sizeof where, "mechanisms.%s", m->name);
      if (m->type->check(m->params, sc, where, diag) != 0)
        return SALESIM_EINVAL;
    }
  }
  return 0;
}

int salesim_scenario_path_info(const salesim_scenario *sc, const char *path,
                               salesim_path_info *out, salesim_diag *diag) {
  if (out == NULL)
    return SALESIM_EINVAL;
  memset(out, 0, sizeof *out);
  target t;
  int rc = resolve(sc, path, &t, diag);
  if (rc != 0)
    return rc;
  out->spec = t.spec;
  out->mech = t.mech;
  out->index = t.index;
  out->axis = t.axis;
  allowed(&t, &out->lo, &out->hi, &out->lo_open, &out->hi_open);
  const char *after = NULL; /* the setting part of an index path */
  if (t.mech >= 0 && strncmp(path, "mechanisms[", 11) == 0)
    after = strchr(path, ']') + 2;
  if (after != NULL)
    snprintf(out->label_path, sizeof out->label_path, "mechanisms.%s.%s",
             sc->mechanisms[t.mech].name, after);
  else
    snprintf(out->label_path, sizeof out->label_path, "%s", path);
  if (strlen(path) >= sizeof out->label_path ||
      (after != NULL &&
       strlen(sc->mechanisms[t.mech].name) + strlen(after) + 12 > sizeof out->label_path)) {
    if (diag)
      salesim_diag_add(diag, "%s: too long (expected at most %d characters)", path,
                       SALESIM_PATH_MAX - 1);
    return SALESIM_ENOTFOUND;
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
