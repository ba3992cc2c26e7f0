/*
 * engine/scenario/params_text.c: what a parameter table means, as values and text:
 * filling a struct with a table's defaults, "did you mean" suggestions
 * (edit distance), whether a number is in a setting's range, and the range,
 * choice, expected-value and default texts that messages and the docs
 * quote.
 *
 * Read next: engine/scenario/params_doc.c (the markdown reference built from these
 * texts), then engine/scenario/scenario.c.
 */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "params.h"

/* ---- defaults ------------------------------------------------------------ */

void salesim_params_defaults(const salesim_param_table *table, void *out) {
  memset(out, 0, table->struct_size);
  for (size_t i = 0; i < table->count; i++) {
    const salesim_param_spec *s = &table->specs[i];
    char *field = (char *)out + s->offset;
    switch (s->kind) {
    case SALESIM_P_DOUBLE:
      *(double *)field = s->def;
      break;
    case SALESIM_P_INT:
    case SALESIM_P_BOOL:
    case SALESIM_P_CHOICE:
      *(int *)field = (int)s->def;
      break;
    case SALESIM_P_STRING:
      if (s->def_ptr != NULL)
        snprintf(field, SALESIM_NAME_MAX, "%s", (const char *)s->def_ptr);
      break;
    case SALESIM_P_DIST:
      if (s->def_ptr != NULL)
        *(salesim_dist *)field = *(const salesim_dist *)s->def_ptr;
      else {
        salesim_dist d = {SALESIM_DIST_CONSTANT, s->def, 0, s->def, s->def};
        *(salesim_dist *)field = d;
      }
      break;
    case SALESIM_P_POINTS:
      if (s->def_ptr != NULL)
        *(salesim_points *)field = *(const salesim_points *)s->def_ptr;
      break;
    case SALESIM_P_VECTOR:
      if (s->def_ptr != NULL)
        *(salesim_vector *)field = *(const salesim_vector *)s->def_ptr;
      break;
    case SALESIM_P_ITEMS: /* the default is an empty list */
      ((salesim_items *)field)->n = 0;
      break;
    }
  }
}

/* ---- names and suggestions ---------------------------------------------- */

size_t salesim_params_distance(const char *a, const char *b) {
  enum { MAXLEN = 63 };
  size_t n = strlen(a), m = strlen(b);
  if (n > MAXLEN || m > MAXLEN)
    return (size_t)-1;
  /* three rows of the optimal-string-alignment table */
  size_t r0[MAXLEN + 1], r1[MAXLEN + 1], r2[MAXLEN + 1];
  size_t *prev2 = r0, *prev = r1, *cur = r2;
  for (size_t j = 0; j <= m; j++)
    prev[j] = j;
  for (size_t i = 1; i <= n; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= m; j++) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = prev[j] + 1;
      if (cur[j - 1] + 1 < best)
        best = cur[j - 1] + 1;
      if (prev[j - 1] + cost < best)
        best = prev[j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          prev2[j - 2] + 1 < best)
        best = prev2[j - 2] + 1;
      cur[j] = best;
    }
    size_t *t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

const char *salesim_params_suggest(const char *name, const char *const *candidates,
                                   size_t n) {
  const char *best = NULL;
  size_t best_d = 3;
  for (size_t i = 0; i < n; i++) {
    if (candidates[i] == NULL)
      continue;
    size_t d = salesim_params_distance(name, candidates[i]);
    if (d < best_d) {
      best_d = d;
      best = candidates[i];
    }
  }
  return best;
}

/* ---- ranges, choices and texts ------------------------------------------ */

/* The effective bounds of a spec: ints are also bounded by int's range. */
static void bounds(const salesim_param_spec *s, double *lo, double *hi) {
  *lo = s->min;
  *hi = s->max;
  if (s->kind == SALESIM_P_INT) {
    if (!(*lo >= INT_MIN))
      *lo = INT_MIN;
    if (!(*hi <= INT_MAX))
      *hi = INT_MAX;
  }
}

int salesim_params_in_range(const salesim_param_spec *s, double v) {
  double lo, hi;
  if (!isfinite(v))
    return 0;
  bounds(s, &lo, &hi);
  if ((s->flags & SALESIM_PF_MIN_EXCL) ? !(v > lo) : !(v >= lo))
    return 0;
  if ((s->flags & SALESIM_PF_MAX_EXCL) ? !(v < hi) : !(v <= hi))
    return 0;
  return 1;
}

const char *salesim_params_number_text(double v, char *buf, size_t size) {
  if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
    snprintf(buf, size, "%.0f", v);
  else
    snprintf(buf, size, "%g", v);
  return buf;
}

const char *salesim_params_range_text(const salesim_param_spec *s, char *buf, size_t size) {
  double lo, hi;
  char a[32], b[32];
  bounds(s, &lo, &hi);
  /* an int's upper limit is always news (a seed of 3e9 is refused); its
   * lower one only where the spec sets it */
  int has_lo = isfinite(s->min);
  int has_hi = isfinite(hi);
  int lo_ex = (s->flags & SALESIM_PF_MIN_EXCL) != 0;
  int hi_ex = (s->flags & SALESIM_PF_MAX_EXCL) != 0;
  salesim_params_number_text(lo, a, sizeof a);
  salesim_params_number_text(hi, b, sizeof b);
  if (has_lo && has_hi) {
    if (!lo_ex && !hi_ex)
      snprintf(buf, size, "%s..%s", a, b);
    else
      snprintf(buf, size, "%s %s x %s %s", a, lo_ex ? "<" : "<=", hi_ex ? "<" : "<=", b);
  } else if (has_lo)
    snprintf(buf, size, "%s %s", lo_ex ? ">" : ">=", a);
  else if (has_hi)
    snprintf(buf, size, "%s %s", hi_ex ? "<" : "<=", b);
  else if (size > 0)
    buf[0] = '\0';
  return buf;
}

int salesim_params_choice_index(const char *choices, const char *value) {
  if (choices == NULL || value == NULL)
    return -1;
  size_t len = strlen(value);
  int idx = 0;
  for (const char *p = choices;; idx++) {
    const char *bar = strchr(p, '|');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    if (n == len && strncmp(p, value, n) == 0)
      return idx;
    if (bar == NULL)
      return -1;
    p = bar + 1;
  }
}

const char *salesim_params_choice_text(const char *choices, int idx, char *buf, size_t size) {
  size_t used = 0;
  int i = 0;
  if (size == 0)
    return buf;
  buf[0] = '\0';
  if (choices == NULL)
    return buf;
  for (const char *p = choices;; i++) {
    const char *bar = strchr(p, '|');
    int n = (int)(bar ? (size_t)(bar - p) : strlen(p));
    if (idx < 0 || idx == i) {
      int w = snprintf(buf + used, size - used, "%s%.*s", used > 0 ? ", " : "", n, p);
      if (w < 0 || (size_t)w >= size - used)
        break;
      used += (size_t)w;
    }
    if (bar == NULL)
      break;
    p = bar + 1;
  }
  return buf;
}

const char *salesim_params_expect_text(const salesim_param_spec *s, char *buf, size_t size) {
  char r[96], c[256];
  salesim_params_range_text(s, r, sizeof r);
  switch (s->kind) {
  case SALESIM_P_DOUBLE:
    snprintf(buf, size, "a number%s%s", r[0] ? " " : "", r);
    break;
  case SALESIM_P_INT:
    snprintf(buf, size, "an integer%s%s", r[0] ? " " : "", r);
    break;
  case SALESIM_P_BOOL:
    snprintf(buf, size, "true or false");
    break;
  case SALESIM_P_CHOICE:
    snprintf(buf, size, "one of: %s", salesim_params_choice_text(s->choices, -1, c, sizeof c));
    break;
  case SALESIM_P_STRING:
    snprintf(buf, size, "a string of at most %d characters",
             (s->max > 0 ? (int)s->max : SALESIM_NAME_MAX) - 1);
    break;
  case SALESIM_P_DIST:
    snprintf(buf, size,
             "a number%s%s or a group { dist = \"normal\"; mean = ...; sd = ...; }",
             r[0] ? " " : "", r);
    break;
  case SALESIM_P_POINTS:
    snprintf(buf, size, "a list of (x, y) pairs, e.g. ( (0, 0), (1, 1) )");
    break;
  case SALESIM_P_VECTOR:
    snprintf(buf, size, "an array of numbers, e.g. [1, 2]");
    break;
  case SALESIM_P_ITEMS: {
    const salesim_item_kinds *ks = s->def_ptr;
    size_t used = (size_t)snprintf(buf, size, "a list of { type = \"...\"; ... } groups (kinds: ");
    for (int k = 0; ks != NULL && k < ks->n && used < size; k++)
      used += (size_t)snprintf(buf + used, size - used, "%s%s", k ? "|" : "", ks->kinds[k].type);
    if (used < size)
      snprintf(buf + used, size - used, ")");
    break;
  }
  }
  return buf;
}

static const char *dist_text(const salesim_dist *d, char *buf, size_t size) {
  char m[32], s[32], lo[32], hi[32];
  salesim_params_number_text(d->mean, m, sizeof m);
  salesim_params_number_text(d->sd, s, sizeof s);
  salesim_params_number_text(d->min, lo, sizeof lo);
  salesim_params_number_text(d->max, hi, sizeof hi);
  switch (d->kind) {
  case SALESIM_DIST_CONSTANT:
    snprintf(buf, size, "%s", m);
    break;
  case SALESIM_DIST_UNIFORM:
    snprintf(buf, size, "uniform(min %s, max %s)", lo, hi);
    break;
  case SALESIM_DIST_NORMAL:
  case SALESIM_DIST_LOGNORMAL: {
    int w = snprintf(buf, size, "%s(mean %s, sd %s",
                     d->kind == SALESIM_DIST_NORMAL ? "normal" : "lognormal", m, s);
    size_t used = w > 0 && (size_t)w < size ? (size_t)w : 0;
    /* a bound is news only where it cuts the distribution's own support */
    if (isfinite(d->min) && (d->kind == SALESIM_DIST_NORMAL || d->min > 0))
      used += (size_t)snprintf(buf + used, size - used, ", min %s", lo);
    if (used < size && isfinite(d->max))
      used += (size_t)snprintf(buf + used, size - used, ", max %s", hi);
    if (used < size)
      snprintf(buf + used, size - used, ")");
    break;
  }
  }
  return buf;
}

const char *salesim_params_default_text(const salesim_param_spec *s, char *buf, size_t size) {
  size_t used = 0;
  if (s->flags & SALESIM_PF_REQUIRED) {
    snprintf(buf, size, "required");
    return buf;
  }
  switch (s->kind) {
  case SALESIM_P_DOUBLE:
  case SALESIM_P_INT:
    salesim_params_number_text(s->def, buf, size);
    break;
  case SALESIM_P_BOOL:
    snprintf(buf, size, "%s", s->def != 0 ? "true" : "false");
    break;
  case SALESIM_P_CHOICE:
    salesim_params_choice_text(s->choices, (int)s->def, buf, size);
    break;
  case SALESIM_P_STRING: {
    const char *d = s->def_ptr;
    if (d == NULL || d[0] == '\0')
      snprintf(buf, size, "(see meaning)");
    else
      snprintf(buf, size, "\"%s\"", d);
    break;
  }
  case SALESIM_P_DIST:
    if (s->def_ptr != NULL)
      dist_text(s->def_ptr, buf, size);
    else
      salesim_params_number_text(s->def, buf, size);
    break;
  case SALESIM_P_POINTS: {
    const salesim_points *p = s->def_ptr;
    if (p == NULL || p->n == 0) {
      snprintf(buf, size, "none");
      break;
    }
    buf[0] = '\0';
    for (int i = 0; i < p->n && used < size; i++) {
      char x[32], y[32];
      used += (size_t)snprintf(buf + used, size - used, "%s(%s, %s)", i ? " " : "",
                               salesim_params_number_text(p->x[i], x, sizeof x),
                               salesim_params_number_text(p->y[i], y, sizeof y));
    }
    break;
  }
  case SALESIM_P_VECTOR: {
    const salesim_vector *v = s->def_ptr;
    used = (size_t)snprintf(buf, size, "[");
    for (int i = 0; v != NULL && i < v->n && used < size; i++) {
      char x[32];
      used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                               salesim_params_number_text(v->v[i], x, sizeof x));
    }
    if (used < size)
      snprintf(buf + used, size - used, "]");
    break;
  }
  case SALESIM_P_ITEMS:
    snprintf(buf, size, "empty list");
    break;
  }
  return buf;
}
