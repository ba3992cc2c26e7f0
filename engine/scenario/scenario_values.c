/*
 * engine/scenario/scenario_values.c: reading one setting of a scenario.
 *
 * Each kind of salesim_param_spec has its reader here: numbers (range
 * checks, the 32-bit trap), choices (with did-you-mean), distributions
 * (a number or a { dist = ...; } group), points, vectors and lists of typed
 * groups (SALESIM_P_ITEMS: a plan's components); scn_read_table
 * fills a whole group's struct from its table and reports every setting
 * the table does not know. Every problem is one line through
 * engine/scenario/scenario_diag.c; a reader never stops at the first.
 *
 * Read next: engine/scenario/scenario_groups.c (the scenario's parts built from
 * these readers).
 */
#define _XOPEN_SOURCE 700

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_loader.h"

static const char dist_choices[] = "constant|normal|lognormal|uniform";

/* ---- values ------------------------------------------------------------------ */

/* 0: *v holds the number; 1: not a number (nothing reported); -1: reported. */
static int get_number(loader *ld, const config_setting_t *s, const char *name, double *v) {
  switch (config_setting_type(s)) {
  case CONFIG_TYPE_INT: {
    int i = config_setting_get_int(s);
    if (scn_check_wrap(ld, s, name, i))
      return -1;
    *v = i;
    return 0;
  }
  case CONFIG_TYPE_INT64:
    *v = (double)config_setting_get_int64(s);
    return 0;
  case CONFIG_TYPE_FLOAT:
    *v = config_setting_get_float(s);
    if (!isfinite(*v)) {
      scn_report(ld, s, name, "%g is not a finite number (expected a number)", *v);
      return -1;
    }
    return 0;
  default:
    return 1;
  }
}

/* As get_number, reporting a wrong type too: 0 or -1. */
static int need_number(loader *ld, const config_setting_t *s, const char *name,
                       const char *expected, double *v) {
  int rc = get_number(ld, s, name, v);
  if (rc == 1)
    scn_wrong_type(ld, s, name, expected);
  return rc == 0 ? 0 : -1;
}

/* "; a share: write 0.5 for 50 %" when a share setting got a value that
 * looks like a percentage (1 < v <= 100), else "": appended to a range
 * message (issue 14: a fixed share written as 50 instead of 0.5). */
static const char *share_hint(const salesim_param_spec *spec, double v, char *buf, size_t size) {
  char a[32], b[32];
  buf[0] = '\0';
  if (spec->unit != NULL && strcmp(spec->unit, "share") == 0 && v > 1 && v <= 100)
    snprintf(buf, size, "; a share: write %s for %s %%",
             salesim_params_number_text(v / 100, a, sizeof a),
             salesim_params_number_text(v, b, sizeof b));
  return buf;
}

static int out_of_range(loader *ld, const config_setting_t *s, const char *name, double v,
                        const salesim_param_spec *spec) {
  char num[32], expect[256], hint[96];
  scn_report(ld, s, name, "%s out of range (expected %s%s)",
             salesim_params_number_text(v, num, sizeof num),
             salesim_params_expect_text(spec, expect, sizeof expect),
             share_hint(spec, v, hint, sizeof hint));
  return -1;
}

/* The choices of "a|b|c" as separate strings, for suggestions. */
static size_t split_choices(const char *choices, char store[][SALESIM_NAME_MAX],
                            const char **ptrs, size_t max) {
  size_t n = 0;
  for (const char *p = choices; p != NULL && n < max; n++) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len >= SALESIM_NAME_MAX)
      len = SALESIM_NAME_MAX - 1;
    memcpy(store[n], p, len);
    store[n][len] = '\0';
    ptrs[n] = store[n];
    p = bar ? bar + 1 : NULL;
  }
  return n;
}

/* A string that must be one of `choices`; returns its index or -1. */
static int read_choice(loader *ld, const config_setting_t *s, const char *name,
                       const char *choices) {
  char store[16][SALESIM_NAME_MAX], list[LIST_TEXT], expect[LIST_TEXT + 16];
  const char *ptrs[16];
  size_t n = split_choices(choices, store, ptrs, 16);
  scn_join_list(ptrs, n, list, sizeof list);
  snprintf(expect, sizeof expect, "one of: %s", list);
  if (config_setting_type(s) != CONFIG_TYPE_STRING) {
    scn_wrong_type(ld, s, name, expect);
    return -1;
  }
  const char *v = config_setting_get_string(s);
  char sv[SHOWN_SIZE];
  int idx = salesim_params_choice_index(choices, v);
  if (idx < 0) {
    const char *guess = salesim_params_suggest(v, ptrs, n);
    if (guess != NULL)
      scn_report(ld, s, name, "unknown value \"%s\", did you mean '%s'? (expected %s)",
                 scn_shown_value(v, sv), guess, expect);
    else
      scn_report(ld, s, name, "unknown value \"%s\" (expected %s)", scn_shown_value(v, sv), expect);
  }
  return idx;
}

/* A distribution: a plain number (constant) or a group
 * { dist = "constant"|"normal"|"lognormal"|"uniform"; mean; sd; min; max; }.
 * The spec's range applies to the mean, and to min and max where given;
 * unset min/max default to the spec's range (draws are clamped to them). */
static int read_dist(loader *ld, const config_setting_t *s, const char *name,
                     const salesim_param_spec *spec, salesim_dist *out) {
  enum { K_DIST, K_MEAN, K_SD, K_MIN, K_MAX, K_COUNT };
  static const char *const keys[K_COUNT] = {"dist", "mean", "sd", "min", "max"};
  /* which keys each kind uses (1) and requires (2) */
  static const int use[4][K_COUNT] = {
      {2, 2, 0, 0, 0}, /* constant */
      {2, 2, 2, 1, 1}, /* normal */
      {2, 2, 2, 1, 1}, /* lognormal */
      {2, 0, 0, 2, 2}, /* uniform */
  };
  char expect[256], full[NAME_TEXT], kinds[128], num[32], num2[32];
  const config_setting_t *m[K_COUNT] = {NULL, NULL, NULL, NULL, NULL};
  double val[K_COUNT] = {0, 0, 0, 0, 0};
  double v;
  int bad = 0, kind = -1;

  int rc = get_number(ld, s, name, &v);
  if (rc < 0)
    return -1;
  if (rc == 0) {
    if (!salesim_params_in_range(spec, v))
      return out_of_range(ld, s, name, v, spec);
    salesim_dist d = {SALESIM_DIST_CONSTANT, v, 0, v, v};
    *out = d;
    return 0;
  }
  if (!config_setting_is_group(s)) {
    scn_wrong_type(ld, s, name, salesim_params_expect_text(spec, expect, sizeof expect));
    return -1;
  }
  for (int i = 0; i < config_setting_length(s); i++) {
    const config_setting_t *c = config_setting_get_elem(s, (unsigned)i);
    const char *cn = config_setting_name(c);
    int k = 0;
    while (k < K_COUNT && strcmp(keys[k], cn) != 0)
      k++;
    scn_join_name(full, sizeof full, name, cn);
    if (k == K_COUNT) {
      scn_unknown_setting(ld, c, full, keys, K_COUNT);
      bad = 1;
    } else
      m[k] = c;
  }
  salesim_params_choice_text(dist_choices, -1, kinds, sizeof kinds);
  scn_join_name(full, sizeof full, name, "dist");
  if (m[K_DIST] == NULL) {
    scn_report(ld, s, full, "missing (expected one of: %s)", kinds);
    bad = 1;
  } else if ((kind = read_choice(ld, m[K_DIST], full, dist_choices)) < 0)
    bad = 1;
  for (int k = K_MEAN; k < K_COUNT; k++) {
    if (m[k] == NULL)
      continue;
    scn_join_name(full, sizeof full, name, keys[k]);
    if (need_number(ld, m[k], full, "a number", &val[k]) != 0)
      bad = 1;
  }
  if (kind < 0)
    return -1;
  for (int k = K_MEAN; k < K_COUNT; k++) {
    scn_join_name(full, sizeof full, name, keys[k]);
    if (m[k] != NULL && use[kind][k] == 0) {
      char used[96] = "";
      size_t u = 0;
      for (int j = K_MEAN; j < K_COUNT; j++)
        if (use[kind][j])
          u += (size_t)snprintf(used + u, sizeof used - u, "%s%s", u ? ", " : "", keys[j]);
      scn_report(ld, m[k], full, "not used by dist \"%s\" (expected only %s)",
                 salesim_params_choice_text(dist_choices, kind, kinds, sizeof kinds), used);
      bad = 1;
    } else if (m[k] == NULL && use[kind][k] == 2) {
      scn_report(ld, s, full, "missing for dist \"%s\" (expected a number)",
                 salesim_params_choice_text(dist_choices, kind, kinds, sizeof kinds));
      bad = 1;
    }
  }
  if (bad)
    return -1;

  salesim_dist d = {(salesim_dist_kind)kind, val[K_MEAN], val[K_SD], spec->min, spec->max};
  if (kind != SALESIM_DIST_UNIFORM) {
    scn_join_name(full, sizeof full, name, "mean");
    if (!salesim_params_in_range(spec, d.mean))
      bad = out_of_range(ld, m[K_MEAN], full, d.mean, spec);
    else if (kind == SALESIM_DIST_LOGNORMAL && !(d.mean > 0)) {
      scn_report(ld, m[K_MEAN], full, "%s out of range (expected > 0 for a lognormal)",
                 salesim_params_number_text(d.mean, num, sizeof num));
      bad = -1;
    }
  }
  if (kind == SALESIM_DIST_CONSTANT) {
    d.min = d.max = d.mean;
  } else if (kind == SALESIM_DIST_NORMAL || kind == SALESIM_DIST_LOGNORMAL) {
    scn_join_name(full, sizeof full, name, "sd");
    if (!(d.sd >= 0)) {
      scn_report(ld, m[K_SD], full, "%s out of range (expected >= 0)",
                 salesim_params_number_text(d.sd, num, sizeof num));
      bad = -1;
    }
    /* draws are clamped to [min, max]: an open end of the range must be
     * closed by an explicit bound the draws cannot reach */
    int lo_open = (spec->flags & SALESIM_PF_MIN_EXCL) && isfinite(spec->min) &&
                  !(kind == SALESIM_DIST_LOGNORMAL && spec->min <= 0);
    int hi_open = (spec->flags & SALESIM_PF_MAX_EXCL) && isfinite(spec->max);
    for (int k = K_MIN; k <= K_MAX; k++) {
      int open = k == K_MIN ? lo_open : hi_open;
      scn_join_name(full, sizeof full, name, keys[k]);
      if (m[k] != NULL) {
        if (!salesim_params_in_range(spec, val[k]))
          bad = out_of_range(ld, m[k], full, val[k], spec);
        else if (k == K_MIN)
          d.min = val[k];
        else
          d.max = val[k];
      } else if (open) {
        char range[96];
        scn_report(ld, s, full,
                   "missing: a %s can reach the end of the range and draws are clamped to it "
                   "(expected an explicit %s, %s)",
                   salesim_params_choice_text(dist_choices, kind, kinds, sizeof kinds), keys[k],
                   salesim_params_range_text(spec, range, sizeof range));
        bad = -1;
      }
    }
    if (bad == 0 && d.min > d.max) {
      scn_join_name(full, sizeof full, name, "max");
      scn_report(ld, m[K_MAX] ? m[K_MAX] : s, full, "%s is below min %s (expected min <= max)",
                 salesim_params_number_text(d.max, num, sizeof num),
                 salesim_params_number_text(d.min, num2, sizeof num2));
      bad = -1;
    } else if (bad == 0 && (d.mean < d.min || d.mean > d.max)) {
      scn_join_name(full, sizeof full, name, "mean");
      scn_report(ld, m[K_MEAN], full,
                 "%s is outside [min, max] = [%s, %s] (expected a mean inside)",
                 salesim_params_number_text(d.mean, num, sizeof num),
                 salesim_params_number_text(d.min, num2, sizeof num2),
                 salesim_params_number_text(d.max, expect, sizeof expect));
      bad = -1;
    }
  } else { /* uniform */
    for (int k = K_MIN; k <= K_MAX; k++) {
      scn_join_name(full, sizeof full, name, keys[k]);
      if (!salesim_params_in_range(spec, val[k]))
        bad = out_of_range(ld, m[k], full, val[k], spec);
    }
    if (bad == 0 && !(val[K_MIN] < val[K_MAX])) {
      scn_join_name(full, sizeof full, name, "max");
      scn_report(ld, m[K_MAX], full, "%s is not above min %s (expected min < max)",
                 salesim_params_number_text(val[K_MAX], num, sizeof num),
                 salesim_params_number_text(val[K_MIN], num2, sizeof num2));
      bad = -1;
    }
    d.min = val[K_MIN];
    d.max = val[K_MAX];
    d.mean = (d.min + d.max) / 2;
    d.sd = (d.max - d.min) / sqrt(12.0);
  }
  if (bad)
    return -1;
  *out = d;
  return 0;
}

static int is_sequence(const config_setting_t *s) {
  return config_setting_is_list(s) || config_setting_is_array(s);
}

/* Points: ( (x, y), (x, y), ... ), each pair a list or an array. */
static int read_points(loader *ld, const config_setting_t *s, const char *name,
                       const salesim_param_spec *spec, salesim_points *out) {
  char expect[256], full[NAME_TEXT], a[32], b[32], range[96];
  salesim_params_expect_text(spec, expect, sizeof expect);
  if (!is_sequence(s)) {
    scn_wrong_type(ld, s, name, expect);
    return -1;
  }
  int n = config_setting_length(s), bad = 0;
  if (n > SALESIM_MAX_POINTS) {
    scn_report(ld, s, name, "%d points (expected at most %d)", n, SALESIM_MAX_POINTS);
    return -1;
  }
  salesim_points p;
  memset(&p, 0, sizeof p);
  p.n = n;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    scn_index_name(full, sizeof full, name, i);
    if (!is_sequence(e) || config_setting_length(e) != 2) {
      scn_report(ld, e, full, "not an (x, y) pair, got %s (expected %s)", scn_type_text(e), expect);
      bad = 1;
      continue;
    }
    if (need_number(ld, config_setting_get_elem(e, 0), full, "a number", &p.x[i]) != 0 ||
        need_number(ld, config_setting_get_elem(e, 1), full, "a number", &p.y[i]) != 0)
      bad = 1;
  }
  if (bad)
    return -1;
  salesim_params_range_text(spec, range, sizeof range);
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    scn_index_name(full, sizeof full, name, i);
    if ((spec->flags & SALESIM_PF_INCREASING) && i > 0 && !(p.x[i] > p.x[i - 1])) {
      scn_report(ld, e, full, "x = %s is not above the previous x = %s (expected x strictly "
                          "increasing)",
                 salesim_params_number_text(p.x[i], a, sizeof a),
                 salesim_params_number_text(p.x[i - 1], b, sizeof b));
      bad = 1;
    }
    if (!salesim_params_in_range(spec, p.y[i])) {
      char hint[96];
      scn_report(ld, e, full, "y = %s out of range (expected y %s%s)",
                 salesim_params_number_text(p.y[i], a, sizeof a), range,
                 share_hint(spec, p.y[i], hint, sizeof hint));
      bad = 1;
    }
  }
  if (bad)
    return -1;
  *out = p;
  return 0;
}

/* A vector: [1, 2, 3] or (1, 2.5, 3). */
static int read_vector(loader *ld, const config_setting_t *s, const char *name,
                       const salesim_param_spec *spec, salesim_vector *out) {
  char expect[256], full[NAME_TEXT], a[32], b[32], range[96];
  salesim_params_expect_text(spec, expect, sizeof expect);
  if (!is_sequence(s)) {
    scn_wrong_type(ld, s, name, expect);
    return -1;
  }
  int n = config_setting_length(s), bad = 0;
  if (n == 0 || n > SALESIM_MAX_POINTS) {
    scn_report(ld, s, name, "%d values (expected 1 to %d)", n, SALESIM_MAX_POINTS);
    return -1;
  }
  salesim_vector v;
  memset(&v, 0, sizeof v);
  v.n = n;
  salesim_params_range_text(spec, range, sizeof range);
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    scn_index_name(full, sizeof full, name, i);
    if (need_number(ld, e, full, "a number", &v.v[i]) != 0) {
      bad = 1;
      continue;
    }
    if (!salesim_params_in_range(spec, v.v[i])) {
      char hint[96];
      scn_report(ld, e, full, "%s out of range (expected %s%s)",
                 salesim_params_number_text(v.v[i], a, sizeof a), range,
                 share_hint(spec, v.v[i], hint, sizeof hint));
      bad = 1;
    } else if ((spec->flags & SALESIM_PF_INCREASING) && i > 0 && !(v.v[i] > v.v[i - 1])) {
      scn_report(ld, e, full, "%s is not above the previous value %s (expected strictly "
                          "increasing values)",
                 salesim_params_number_text(v.v[i], a, sizeof a),
                 salesim_params_number_text(v.v[i - 1], b, sizeof b));
      bad = 1;
    }
  }
  if (bad)
    return -1;
  *out = v;
  return 0;
}

/* A list of typed groups (SALESIM_P_ITEMS):
 *   ( { type = "K"; name = "N"; ...settings of K... }, ... )
 * Each group's `type` picks one of the spec's kinds (def_ptr); its body gets
 * the kind's defaults, then its settings (scn_read_table, prefix
 * NAME[j]); `name` follows the rules of a mechanism's label and defaults to
 * the type's name; names are unique; at most spec->max items. A kind's
 * `check` runs on each item whose settings are valid, with where =
 * "FILE:LINE: NAME[j]" at the group's own line. Every problem of every
 * item is reported. */
static int read_items(loader *ld, const config_setting_t *s, const char *name,
                      const salesim_param_spec *spec, salesim_items *out) {
  static const char *const skip[] = {"type", "name"};
  const salesim_item_kinds *ks = spec->def_ptr;
  const char *types[MAX_CANDIDATES];
  char list[LIST_TEXT], expect[LIST_TEXT + 16], full[NAME_TEXT], at[NAME_TEXT], sv[SHOWN_SIZE];
  size_t nt = 0;
  int bad = 0;
  assert(ks != NULL && ks->n > 0 && ks->n <= MAX_CANDIDATES);
  for (int k = 0; k < ks->n; k++) {
    /* a kind's settings must fit an item's body: a programming error */
    assert(ks->kinds[k].table != NULL && ks->kinds[k].table->struct_size <= SALESIM_ITEM_BYTES);
    types[nt++] = ks->kinds[k].type;
  }
  scn_join_list(types, nt, list, sizeof list);
  snprintf(expect, sizeof expect, "one of: %s", list);
  out->n = 0;
  if (!is_sequence(s)) {
    char what[LIST_TEXT + 64];
    scn_wrong_type(ld, s, name, salesim_params_expect_text(spec, what, sizeof what));
    return -1;
  }
  int n = config_setting_length(s);
  int max = spec->max > 0 && spec->max < SALESIM_MAX_ITEMS ? (int)spec->max : SALESIM_MAX_ITEMS;
  if (n > max) {
    scn_report(ld, s, name, "%d items (expected at most %d)", n, max);
    return -1;
  }
  for (int j = 0; j < n; j++) {
    const config_setting_t *e = config_setting_get_elem(s, (unsigned)j);
    salesim_item *it = &out->item[j];
    memset(it, 0, sizeof *it);
    it->type = -1;
    scn_setting_source(ld, e, &it->line);
    scn_index_name(at, sizeof at, name, j);
    if (!config_setting_is_group(e)) {
      char what[LIST_TEXT + 64];
      snprintf(what, sizeof what, "a group { type = \"...\"; ... }, type %s", expect);
      scn_wrong_type(ld, e, at, what);
      bad = 1;
      continue;
    }
    const config_setting_t *ts = config_setting_get_member(e, "type");
    scn_join_name(full, sizeof full, at, "type");
    if (ts == NULL)
      scn_report(ld, e, full, "missing (expected %s)", expect);
    else if (config_setting_type(ts) != CONFIG_TYPE_STRING)
      scn_wrong_type(ld, ts, full, expect);
    else {
      const char *tn = config_setting_get_string(ts);
      for (int k = 0; k < ks->n && it->type < 0; k++)
        if (strcmp(ks->kinds[k].type, tn) == 0)
          it->type = k;
      if (it->type < 0) {
        const char *guess = salesim_params_suggest(tn, types, nt);
        if (guess != NULL)
          scn_report(ld, ts, full, "unknown type \"%s\", did you mean '%s'? (expected %s)",
                     scn_shown_value(tn, sv), guess, expect);
        else
          scn_report(ld, ts, full, "unknown type \"%s\" (expected %s)", scn_shown_value(tn, sv),
                     expect);
      }
    }
    const config_setting_t *ns = config_setting_get_member(e, "name");
    scn_join_name(full, sizeof full, at, "name");
    if (ns != NULL) {
      if (scn_read_label(ld, ns, full, it->name) != 0)
        bad = 1;
    } else if (it->type >= 0)
      snprintf(it->name, sizeof it->name, "%s", ks->kinds[it->type].type);
    if (it->type < 0) {
      bad = 1;
      continue;
    }
    const salesim_item_kind *kind = &ks->kinds[it->type];
    salesim_params_defaults(kind->table, it->body.bytes);
    if (scn_read_table(ld, e, at, kind->table, it->body.bytes, skip, 2, NULL) != 0) {
      bad = 1;
      continue;
    }
    if (kind->check != NULL) {
      char where[NAME_TEXT + 600];
      int line;
      const char *file = scn_setting_source(ld, e, &line);
      snprintf(where, sizeof where, "%s:%d: %s", file, line > 0 ? line : 1, at);
      int problems = kind->check(it->body.bytes, where, ld->diag);
      if (problems > 0) {
        ld->errors += problems;
        bad = 1;
      }
    }
  }
  /* names are unique within the list */
  for (int j = 1; j < n; j++) {
    if (out->item[j].name[0] == '\0')
      continue;
    for (int i = 0; i < j; i++)
      if (strcmp(out->item[i].name, out->item[j].name) == 0) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)j);
        const config_setting_t *ns = config_setting_get_member(e, "name");
        scn_index_name(at, sizeof at, name, j);
        scn_join_name(full, sizeof full, at, "name");
        scn_report(ld, ns ? ns : e, full,
                   "\"%s\" is also the name of %s[%d] on line %d (expected unique names: set "
                   "name = \"...\")",
                   scn_shown_value(out->item[j].name, sv), name, i, out->item[i].line);
        bad = 1;
        break;
      }
  }
  if (bad)
    return -1;
  out->n = n;
  return 0;
}

/* Read one setting into its field; 0 or -1 (reported). */
static int read_value(loader *ld, const config_setting_t *s, const char *name,
                      const salesim_param_spec *spec, void *field) {
  char expect[256];
  double v;
  salesim_params_expect_text(spec, expect, sizeof expect);
  switch (spec->kind) {
  case SALESIM_P_DOUBLE:
    if (need_number(ld, s, name, expect, &v) != 0)
      return -1;
    if (!salesim_params_in_range(spec, v))
      return out_of_range(ld, s, name, v, spec);
    *(double *)field = v;
    return 0;
  case SALESIM_P_INT: {
    long long i;
    if (config_setting_type(s) == CONFIG_TYPE_INT) {
      int small = config_setting_get_int(s);
      if (scn_check_wrap(ld, s, name, small))
        return -1;
      i = small;
    } else if (config_setting_type(s) == CONFIG_TYPE_INT64)
      i = config_setting_get_int64(s);
    else {
      scn_wrong_type(ld, s, name, expect);
      return -1;
    }
    if (!salesim_params_in_range(spec, (double)i)) {
      scn_report(ld, s, name, "%lld out of range (expected %s)", i, expect);
      return -1;
    }
    *(int *)field = (int)i;
    return 0;
  }
  case SALESIM_P_BOOL:
    if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
      scn_wrong_type(ld, s, name, expect);
      return -1;
    }
    *(int *)field = config_setting_get_bool(s) ? 1 : 0;
    return 0;
  case SALESIM_P_CHOICE: {
    int idx = read_choice(ld, s, name, spec->choices);
    if (idx < 0)
      return -1;
    *(int *)field = idx;
    return 0;
  }
  case SALESIM_P_STRING: {
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
      scn_wrong_type(ld, s, name, expect);
      return -1;
    }
    const char *str = config_setting_get_string(s);
    size_t len = strlen(str), cap = spec->max > 0 ? (size_t)spec->max : SALESIM_NAME_MAX;
    if (len >= cap) {
      scn_report(ld, s, name, "%zu characters (expected at most %zu)", len, cap - 1);
      return -1;
    }
    memcpy(field, str, len + 1);
    return 0;
  }
  case SALESIM_P_DIST:
    return read_dist(ld, s, name, spec, field);
  case SALESIM_P_POINTS:
    return read_points(ld, s, name, spec, field);
  case SALESIM_P_VECTOR:
    return read_vector(ld, s, name, spec, field);
  case SALESIM_P_ITEMS:
    return read_items(ld, s, name, spec, field);
  }
  return -1;
}

int scn_spec_index(const salesim_param_table *t, const char *name) {
  for (size_t i = 0; i < t->count; i++)
    if (strcmp(t->specs[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* Fill `out` from group `g` with table `t` (defaults must be in `out`
 * already). Names in `skip` are the caller's to read. Every setting not in
 * the table or `skip` is an error. *present gets a bit per spec found.
 * Returns 0 or -1 (reported). */
int scn_read_table(loader *ld, const config_setting_t *g, const char *prefix,
                      const salesim_param_table *t, void *out, const char *const *skip,
                      size_t n_skip, uint64_t *present) {
  const char *cands[MAX_CANDIDATES];
  char full[NAME_TEXT], expect[256];
  size_t nc = 0;
  uint64_t seen = 0;
  int bad = 0;
  assert(t->count <= 64);
  for (size_t i = 0; i < t->count && nc < MAX_CANDIDATES; i++)
    cands[nc++] = t->specs[i].name;
  for (size_t i = 0; i < n_skip && nc < MAX_CANDIDATES; i++)
    if (scn_spec_index(t, skip[i]) < 0)
      cands[nc++] = skip[i];
  for (int i = 0; i < config_setting_length(g); i++) {
    const config_setting_t *c = config_setting_get_elem(g, (unsigned)i);
    const char *name = config_setting_name(c);
    size_t k = 0;
    while (k < n_skip && strcmp(skip[k], name) != 0)
      k++;
    if (k < n_skip)
      continue; /* the caller's */
    scn_join_name(full, sizeof full, prefix, name);
    int j = scn_spec_index(t, name);
    if (j < 0) {
      scn_unknown_setting(ld, c, full, cands, nc);
      bad = 1;
      continue;
    }
    seen |= UINT64_C(1) << j;
    if (read_value(ld, c, full, &t->specs[j], (char *)out + t->specs[j].offset) != 0)
      bad = 1;
  }
  for (size_t j = 0; j < t->count; j++)
    if ((t->specs[j].flags & SALESIM_PF_REQUIRED) && !(seen & (UINT64_C(1) << j))) {
      scn_join_name(full, sizeof full, prefix, t->specs[j].name);
      scn_report(ld, g, full, "missing (expected %s)",
                 salesim_params_expect_text(&t->specs[j], expect, sizeof expect));
      bad = 1;
    }
  if (present != NULL)
    *present = seen;
  return bad ? -1 : 0;
}
