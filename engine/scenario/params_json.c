/*
 * engine/scenario/params_json.c: parameter groups as JSON and the reference target
 * (engine/scenario/params_json.h). Generic over salesim_param_spec kinds, so a new
 * mechanism's settings appear in summary.json with no change here; a list of
 * typed groups (SALESIM_P_ITEMS) becomes an array of objects, each with its
 * "type", its "name" and every setting of its kind.
 */
#include <math.h>
#include <string.h>

#include "params_json.h"

static json_t *num(double v) {
  if (!isfinite(v))
    return json_null();
  return json_real(v == 0.0 ? 0.0 : v);
}

static const char *dist_names[] = {"constant", "normal", "lognormal", "uniform"};

/* The idx-th choice of "a|b|c" into buf. */
static const char *choice_at(const char *choices, int idx, char *buf, size_t size) {
  buf[0] = '\0';
  if (choices == NULL || idx < 0)
    return buf;
  const char *p = choices;
  for (int i = 0; i < idx && p != NULL; i++) {
    p = strchr(p, '|');
    if (p != NULL)
      p++;
  }
  if (p == NULL)
    return buf;
  size_t n = strcspn(p, "|");
  if (n >= size)
    n = size - 1;
  memcpy(buf, p, n);
  buf[n] = '\0';
  return buf;
}

static int add_fields(json_t *o, const salesim_param_table *table, const void *params);

static json_t *value_json(const salesim_param_spec *s, const char *field) {
  char buf[SALESIM_NAME_MAX + 1];
  switch (s->kind) {
  case SALESIM_P_DOUBLE:
    return num(*(const double *)field);
  case SALESIM_P_INT:
    return json_integer(*(const int *)field);
  case SALESIM_P_BOOL:
    return json_boolean(*(const int *)field);
  case SALESIM_P_CHOICE:
    return json_string(choice_at(s->choices, *(const int *)field, buf, sizeof buf));
  case SALESIM_P_STRING: {
    memcpy(buf, field, SALESIM_NAME_MAX);
    buf[SALESIM_NAME_MAX] = '\0';
    json_t *j = json_string(buf);
    return j != NULL ? j : json_null();
  }
  case SALESIM_P_DIST: {
    const salesim_dist *d = (const salesim_dist *)field;
    json_t *o = json_object();
    if (o == NULL)
      return NULL;
    int k = (int)d->kind;
    json_object_set_new(o, "dist",
                        json_string(k >= 0 && k < 4 ? dist_names[k] : "constant"));
    json_object_set_new(o, "mean", num(salesim_params_dist_mean(d)));
    json_object_set_new(o, "sd", num(d->sd));
    json_object_set_new(o, "min", num(d->min));
    json_object_set_new(o, "max", num(d->max));
    return o;
  }
  case SALESIM_P_POINTS: {
    const salesim_points *p = (const salesim_points *)field;
    json_t *a = json_array();
    for (int i = 0; a != NULL && i < p->n && i < SALESIM_MAX_POINTS; i++) {
      json_t *pair = json_array();
      if (pair != NULL) {
        json_array_append_new(pair, num(p->x[i]));
        json_array_append_new(pair, num(p->y[i]));
      }
      json_array_append_new(a, pair);
    }
    return a;
  }
  case SALESIM_P_VECTOR: {
    const salesim_vector *v = (const salesim_vector *)field;
    json_t *a = json_array();
    for (int i = 0; a != NULL && i < v->n && i < SALESIM_MAX_POINTS; i++)
      json_array_append_new(a, num(v->v[i]));
    return a;
  }
  case SALESIM_P_ITEMS: {
    /* [ {"type": ..., "name": ..., each setting of its kind}, ... ] */
    const salesim_items *its = (const salesim_items *)field;
    const salesim_item_kinds *ks = s->def_ptr;
    json_t *a = json_array();
    for (int i = 0; a != NULL && i < its->n && i < SALESIM_MAX_ITEMS; i++) {
      const salesim_item *it = &its->item[i];
      json_t *o = json_object();
      if (o == NULL || ks == NULL || it->type < 0 || it->type >= ks->n ||
          json_object_set_new(o, "type", json_string(ks->kinds[it->type].type)) != 0 ||
          json_object_set_new(o, "name", json_string(it->name)) != 0 ||
          add_fields(o, ks->kinds[it->type].table, it->body.bytes) != 0) {
        json_decref(o);
        json_decref(a);
        return NULL;
      }
      if (json_array_append_new(a, o) != 0) { /* o is released by jansson */
        json_decref(a);
        return NULL;
      }
    }
    return a;
  }
  }
  return json_null();
}

/* Every setting of `table` over `params` into object o; 0 or -1. */
static int add_fields(json_t *o, const salesim_param_table *table, const void *params) {
  for (size_t i = 0; i < table->count; i++) {
    const salesim_param_spec *s = &table->specs[i];
    json_t *v = value_json(s, (const char *)params + s->offset);
    if (v == NULL || json_object_set_new(o, s->name, v) != 0)
      return -1;
  }
  return 0;
}

json_t *salesim_params_to_json(const salesim_param_table *table, const void *params) {
  if (table == NULL || params == NULL)
    return NULL;
  json_t *o = json_object();
  if (o == NULL)
    return NULL;
  if (add_fields(o, table, params) != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

double salesim_params_dist_mean(const salesim_dist *d) {
  if (d->kind == SALESIM_DIST_UNIFORM)
    return 0.5 * (d->min + d->max);
  return d->mean;
}

double salesim_params_reference_target(const salesim_scenario *sc) {
  if (sc == NULL)
    return NAN;
  const salesim_firm *f = &sc->firm;
  if (f->target_rule == SALESIM_TARGET_FIXED)
    return f->fixed_target;
  const salesim_territories *t = &sc->territories;
  double potential = 0, book = 0;
  int count;
  if (t->list != NULL && t->list_count > 0) {
    for (int i = 0; i < t->list_count; i++) {
      potential += t->list[i].potential;
      book += t->list[i].book;
    }
    count = t->list_count;
    potential /= count;
    book /= count;
  } else {
    potential = salesim_params_dist_mean(&t->potential);
    book = salesim_params_dist_mean(&t->book);
    count = t->count;
  }
  int reps = sc->population.reps > 0 ? sc->population.reps : 1;
  double per_rep = (double)count / reps;
  return f->potential_share * potential * per_rep + f->book_factor * 12.0 * book * per_rep;
}
