/*
 * engine/scenario/scenario_text.c: the self-contained text of a run (scenario.cfg
 * in an output folder).
 *
 * salesim_scenario_resolved_text takes the loaded source (every @include
 * inlined) and sets its top-level seed, replications, months and mode to
 * the values a run used, moving the changed settings to a commented block
 * at the end, so loading the text and running it with no options
 * reproduces that run. With a `data` group a comment at the end names the
 * data files the run read (their paths stay relative to the original
 * scenario's folder: docs/data-format.md).
 *
 * Read next: engine/scenario/override.c (a number of a loaded scenario by path).
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

/* ---- the resolved text (provenance copy) ------------------------------------ */

/* Skip blanks, newlines and comments from i on. */
static size_t skip_space(const char *t, size_t n, size_t i) {
  for (;;) {
    while (i < n && (scn_is_blank(t[i]) || t[i] == '\n' || t[i] == '\r' || t[i] == '\f' ||
                     t[i] == '\v'))
      i++;
    if (i < n && (t[i] == '#' || (t[i] == '/' && i + 1 < n && t[i + 1] == '/'))) {
      while (i < n && t[i] != '\n')
        i++;
    } else if (i + 1 < n && t[i] == '/' && t[i + 1] == '*') {
      for (i += 2; i < n && !(t[i] == '*' && i + 1 < n && t[i + 1] == '/'); i++)
        ;
      i = i < n ? i + 2 : n;
    } else
      return i;
  }
}

static size_t skip_string(const char *t, size_t n, size_t i) {
  for (i++; i < n && t[i] != '"'; i++)
    if (t[i] == '\\' && i + 1 < n)
      i++;
  return i < n ? i + 1 : n;
}

/* The end of the value that starts at k: a bracketed value to its closing
 * bracket, a string (adjacent strings joined), or a scalar. */
static size_t value_end(const char *t, size_t n, size_t k) {
  if (k < n && (t[k] == '{' || t[k] == '(' || t[k] == '[')) {
    int depth = 0;
    while ((k = skip_space(t, n, k)) < n) {
      char c = t[k];
      if (c == '"') {
        k = skip_string(t, n, k);
        continue;
      }
      k++;
      if (c == '{' || c == '(' || c == '[')
        depth++;
      else if ((c == '}' || c == ')' || c == ']') && --depth == 0)
        return k;
    }
    return n;
  }
  if (k < n && t[k] == '"') {
    size_t e = k;
    do {
      k = skip_string(t, n, k);
      e = k;
      k = skip_space(t, n, k);
    } while (k < n && t[k] == '"');
    return e;
  }
  while (k < n && !scn_is_blank(t[k]) && t[k] != '\n' && t[k] != '\r' && t[k] != ';' &&
         t[k] != ',' && t[k] != '#' && t[k] != '/' && t[k] != '}' && t[k] != ')')
    k++;
  return k;
}

/* Setting `name` at bracket depth 0 of t[lo, hi): [*start, *end) from its
 * name through its terminator, its value at [*vs, *ve). 0 if found. */
static int find_in(const char *t, size_t lo, size_t hi, const char *name, size_t *start,
                   size_t *end, size_t *vs, size_t *ve) {
  size_t i = lo, nl = strlen(name);
  int depth = 0;
  while ((i = skip_space(t, hi, i)) < hi) {
    char c = t[i];
    if (c == '"') {
      i = skip_string(t, hi, i);
    } else if (c == '{' || c == '(' || c == '[') {
      depth++, i++;
    } else if (c == '}' || c == ')' || c == ']') {
      depth--, i++;
    } else if (scn_is_name_start(c)) {
      size_t s0 = i;
      while (i < hi && scn_is_name_char(t[i]))
        i++;
      if (depth != 0 || i - s0 != nl || memcmp(t + s0, name, nl) != 0)
        continue;
      size_t k = skip_space(t, hi, i);
      if (k >= hi || (t[k] != '=' && t[k] != ':'))
        continue;
      k = skip_space(t, hi, k + 1);
      *vs = k;
      *ve = value_end(t, hi, k);
      size_t e = *ve;
      while (e < hi && scn_is_blank(t[e]))
        e++;
      *start = s0;
      *end = e < hi && (t[e] == ';' || t[e] == ',') ? e + 1 : *ve;
      return 0;
    } else
      i++;
  }
  return -1;
}

/* The top-level setting `name` in the text: [*start, *end) from its name to
 * after its terminator, its value in [*vs, *ve). 0 if found. */
static int find_top_setting(const char *t, size_t n, const char *name, size_t *start,
                            size_t *end, size_t *vs, size_t *ve) {
  return find_in(t, 0, n, name, start, end, vs, ve);
}

/* With a `data` group: a comment at the end naming the data files the run
 * read, their hashes and rows (and the `calibration` file's hash), and how
 * to run the text again. The group
 * itself is kept as written: its paths are relative to the folder of the
 * scenario that was run, not to the output folder (docs/data-format.md). */
static int data_note(const salesim_scenario *sc, char **o, size_t *at) {
  const salesim_data *d = sc->data;
  const size_t rows[SALESIM_DATA_FILES] = {d->n_territories, d->n_accounts, d->n_reps,
                                           d->n_periods,     d->n_events,   d->n_activities};
  char folder[4096];
  const char *slash = sc->path ? strrchr(sc->path, '/') : NULL;
  if (slash == NULL)
    snprintf(folder, sizeof folder, ".");
  else
    snprintf(folder, sizeof folder, "%.*s", (int)(slash - sc->path > 4000 ? 4000 : slash - sc->path),
             sc->path);
  for (char *c = folder; *c; c++)
    if (*c == '\n' || *c == '\r')
      *c = '?';
  size_t need = strlen(folder) + 400;
  for (int f = 0; f < SALESIM_DATA_FILES; f++)
    need += d->path[f] ? strlen(d->path[f]) + 120 : 0;
  need += sc->calibration_path ? strlen(sc->calibration_path) + 160 : 0;
  char *g = realloc(*o, *at + need);
  if (g == NULL)
    return SALESIM_ENOMEM;
  *o = g;
  size_t cap = *at + need;
  *at += (size_t)snprintf(g + *at, cap - *at,
                          "%s\n# The data group's files are relative to the folder of the scenario "
                          "that was run,\n#   %s\n# not to this folder: to run this file again, "
                          "put it in that folder (or the files next to it).\n# The files this "
                          "run read:\n",
                          *at > 0 && g[*at - 1] != '\n' ? "\n" : "", folder);
  for (int f = 0; f < SALESIM_DATA_FILES; f++) {
    if (d->path[f] == NULL)
      continue;
    *at += (size_t)snprintf(g + *at, cap - *at, "#   %s = \"", salesim_data_file_name((salesim_data_file)f));
    for (const char *c = d->path[f]; *c && *at + 2 < cap; c++)
      g[(*at)++] = (*c == '\n' || *c == '\r') ? '?' : *c;
    *at += (size_t)snprintf(g + *at, cap - *at, "\": FNV-1a %s, %zu rows\n", d->hash[f], rows[f]);
  }
  if (d->start != SALESIM_DATA_NO_DATE) {
    int y, m, dd;
    salesim_data_ymd(d->start, &y, &m, &dd);
    *at += (size_t)snprintf(g + *at, cap - *at, "#   start: %04d-%02d-%02d\n", y, m, dd);
  }
  if (sc->calibration_path != NULL) {
    *at += (size_t)snprintf(g + *at, cap - *at, "#   calibration = \"");
    for (const char *c = sc->calibration_path; *c && *at + 2 < cap; c++)
      g[(*at)++] = (*c == '\n' || *c == '\r') ? '?' : *c;
    *at += (size_t)snprintf(g + *at, cap - *at,
                            "\": FNV-1a %s, copied into this folder as calibration.csv\n",
                            sc->calibration_hash);
  }
  return 0;
}

int salesim_scenario_resolved_text(const salesim_scenario *sc, uint64_t seed, int replications,
                                   char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (sc == NULL || sc->source == NULL)
    return SALESIM_EINVAL;
  salesim_scenario_top def;
  salesim_params_defaults(&salesim_scenario_tables(NULL)[SALESIM_TABLE_TOP], &def);
  const char *mode = sc->mode == SALESIM_STUDY_COSTING ? "costing" : "comparison";
  struct {
    const char *name;
    long long want, dflt; /* numbers; for mode, 0/1 is the choice */
    size_t start, end;    /* the setting in the text, or start = SIZE_MAX */
    int change;
  } set[] = {
      {"seed", (long long)seed, def.seed, SIZE_MAX, 0, 0},
      {"replications", replications, def.replications, SIZE_MAX, 0, 0},
      {"months", sc->months, def.months, SIZE_MAX, 0, 0},
      {"mode", sc->mode == SALESIM_STUDY_COSTING, def.mode == SALESIM_STUDY_COSTING, SIZE_MAX, 0, 0},
  };
  const size_t n_set = sizeof set / sizeof set[0];
  const char *t = sc->source;
  size_t n = sc->source_len, vs, ve;
  for (size_t k = 0; k < n_set; k++) {
    long long have = set[k].dflt;
    if (find_top_setting(t, n, set[k].name, &set[k].start, &set[k].end, &vs, &ve) == 0) {
      if (strcmp(set[k].name, "mode") == 0)
        have = ve - vs == 9 && memcmp(t + vs, "\"costing\"", 9) == 0;
      else {
        char num[64];
        size_t l = ve - vs < sizeof num - 1 ? ve - vs : sizeof num - 1;
        memcpy(num, t + vs, l);
        num[l] = '\0';
        const char *digits = num + (num[0] == '-' || num[0] == '+');
        int hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
        have = strtoll(num, NULL, hex ? 16 : 10); /* libconfig: 010 is ten */
      }
    } else
      set[k].start = SIZE_MAX;
    set[k].change = have != set[k].want;
  }
  /* the text without the changed settings, then the block of new values */
  size_t cap = n + 512, at = 0;
  char *o = malloc(cap);
  if (o == NULL)
    return SALESIM_ENOMEM;
  size_t pos = 0;
  for (;;) {
    size_t next = SIZE_MAX, which = 0;
    for (size_t k = 0; k < n_set; k++)
      if (set[k].change && set[k].start != SIZE_MAX && set[k].start >= pos &&
          set[k].start < next)
        next = set[k].start, which = k;
    if (next == SIZE_MAX)
      break;
    memcpy(o + at, t + pos, next - pos);
    at += next - pos;
    pos = set[which].end;
  }
  memcpy(o + at, t + pos, n - pos);
  at += n - pos;
  int header = 0;
  for (size_t k = 0; k < n_set; k++) {
    if (!set[k].change)
      continue;
    if (!header) {
      at += (size_t)snprintf(o + at, cap - at, "%s\n# Set by the run that wrote this folder "
                                               "(moved here from above or added):\n",
                             at > 0 && o[at - 1] != '\n' ? "\n" : "");
      header = 1;
    }
    if (strcmp(set[k].name, "mode") == 0)
      at += (size_t)snprintf(o + at, cap - at, "mode = \"%s\";\n", mode);
    else
      at += (size_t)snprintf(o + at, cap - at, "%s = %lld%s;\n", set[k].name, set[k].want,
                             set[k].want > INT_MAX ? "L" : "");
  }
  o[at] = '\0';
  if (sc->data != NULL && data_note(sc, &o, &at) != 0) {
    free(o);
    return SALESIM_ENOMEM;
  }
  *out = o;
  *len = at;
  return 0;
}

/* ---- settings of groups written anew (the calibrated scenario) ------------ */

typedef struct sbuf {
  char *p;
  size_t n, cap;
  int oom;
} sbuf;

static void put(sbuf *b, const char *s, size_t n) {
  if (b->oom)
    return;
  if (b->n + n + 1 > b->cap) {
    size_t c = (b->n + n + 1) * 2;
    char *q = realloc(b->p, c);
    if (q == NULL) {
      b->oom = 1;
      return;
    }
    b->p = q;
    b->cap = c;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}
static void puts_(sbuf *b, const char *s) { put(b, s, strlen(s)); }

/* Edits a and b are of the same group (NULL: the top level). */
static int same_group(const char *a, const char *b) {
  return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* The settings of edits[e]'s group (edits[e..n)), one a line. */
static void put_group_edits(sbuf *b, const salesim_text_edit *edits, int e, int n) {
  for (int f = e; f < n; f++) {
    if (!same_group(edits[f].group, edits[e].group))
      continue;
    puts_(b, "\n  ");
    puts_(b, edits[f].name);
    puts_(b, " = ");
    puts_(b, edits[f].value);
    puts_(b, ";");
  }
}

int salesim_scenario_edited_text(const salesim_scenario *sc, const salesim_text_edit *edits,
                                 int n_edits, const char *note, char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (sc == NULL || sc->source == NULL || n_edits < 0)
    return SALESIM_EINVAL;
  char *t = malloc(sc->source_len + 1);
  if (t == NULL)
    return SALESIM_ENOMEM;
  memcpy(t, sc->source, sc->source_len + 1);
  size_t n = sc->source_len;
  int rc = 0;
  /* one group at a time: its edited settings out, then in at its end */
  for (int e = 0; e < n_edits && rc == 0; e++) {
    int first = 1;
    for (int f = 0; f < e; f++)
      if (same_group(edits[f].group, edits[e].group))
        first = 0;
    if (!first)
      continue;
    size_t gs, ge, vs, ve;
    sbuf b = {NULL, 0, 0, 0};
    if (edits[e].group == NULL) {
      /* top-level settings: out of the text where they are, then at its end */
      size_t pos = 0;
      for (;;) {
        size_t next = SIZE_MAX, s1 = 0;
        for (int f = e; f < n_edits; f++) {
          size_t a, z, v0, v1;
          if (edits[f].group == NULL && find_in(t, pos, n, edits[f].name, &a, &z, &v0, &v1) == 0 &&
              a < next)
            next = a, s1 = z;
        }
        if (next == SIZE_MAX)
          break;
        put(&b, t + pos, next - pos);
        pos = s1;
      }
      put(&b, t + pos, n - pos);
      if (b.n > 0 && b.p[b.n - 1] != '\n')
        puts_(&b, "\n");
      if (note != NULL) {
        puts_(&b, "\n# ");
        puts_(&b, note);
      }
      for (int f = e; f < n_edits; f++) {
        if (edits[f].group != NULL)
          continue;
        puts_(&b, "\n");
        puts_(&b, edits[f].name);
        puts_(&b, " = ");
        puts_(&b, edits[f].value);
        puts_(&b, ";");
      }
      puts_(&b, "\n");
    } else if (find_in(t, 0, n, edits[e].group, &gs, &ge, &vs, &ve) == 0) {
      if (t[vs] != '{') {
        rc = SALESIM_EINVAL;
        break;
      }
      size_t close = ve - 1; /* the group's '}' */
      size_t pos = 0;
      put(&b, t, vs + 1);
      pos = vs + 1;
      for (int f = e; f < n_edits; f++) {
        if (!same_group(edits[f].group, edits[e].group))
          continue;
        size_t s0, s1, v0, v1;
        if (find_in(t, pos, close, edits[f].name, &s0, &s1, &v0, &v1) == 0) {
          /* a line left blank goes with it */
          size_t ls = s0, le = s1;
          while (ls > pos && scn_is_blank(t[ls - 1]))
            ls--;
          while (le < close && scn_is_blank(t[le]))
            le++;
          if ((ls == 0 || t[ls - 1] == '\n') && le < close && t[le] == '\n') {
            s0 = ls;
            s1 = le + 1;
          }
          put(&b, t + pos, s0 - pos);
          pos = s1;
        }
      }
      put(&b, t + pos, close - pos);
      if (note != NULL) {
        puts_(&b, "\n  # ");
        puts_(&b, note);
      }
      put_group_edits(&b, edits, e, n_edits);
      puts_(&b, "\n");
      put(&b, t + close, n - close);
    } else {
      put(&b, t, n);
      if (n > 0 && t[n - 1] != '\n')
        puts_(&b, "\n");
      if (note != NULL) {
        puts_(&b, "\n# ");
        puts_(&b, note);
      }
      puts_(&b, "\n");
      puts_(&b, edits[e].group);
      puts_(&b, " = {");
      put_group_edits(&b, edits, e, n_edits);
      puts_(&b, "\n};\n");
    }
    if (b.oom) {
      free(b.p);
      rc = SALESIM_ENOMEM;
      break;
    }
    free(t);
    t = b.p;
    n = b.n;
  }
  if (rc != 0) {
    free(t);
    return rc;
  }
  *out = t;
  *len = n;
  return 0;
}
