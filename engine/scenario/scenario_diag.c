/*
 * engine/scenario/scenario_diag.c: how the scenario loader reports a problem.
 *
 * Every problem becomes one line, FILE:LINE: SETTING: problem (expected
 * ...), with FILE and LINE mapped back through the inlined text's segments
 * to the file the setting is in (also inside @include'd files) and SETTING
 * its full path (`population.ability.sd`, `mechanisms[1].rate`). A user's
 * string in a message is escaped to one line and cut; a syntax error quotes
 * the line only from the file the user named (docs/input-safety.md). The
 * settings already reported are remembered, so cross-checks do not repeat
 * them.
 *
 * Read next: engine/scenario/scenario_values.c (the readers that report through
 * these functions).
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

/* ---- small helpers ----------------------------------------------------- */

char *scn_copy_text(const char *s, size_t n) {
  char *c = malloc(n + 1);
  if (c != NULL) {
    memcpy(c, s, n);
    c[n] = '\0';
  }
  return c;
}

/* Setting paths are cut (and end in "...") if absurdly long. */
static void mark_cut(char *buf, size_t size, int written) {
  if (written >= 0 && (size_t)written < size)
    return;
  if (size > 4)
    memcpy(buf + size - 4, "...", 4);
}

void scn_join_name(char *buf, size_t size, const char *prefix, const char *name) {
  int w;
  if (prefix == NULL || prefix[0] == '\0')
    w = snprintf(buf, size, "%s", name);
  else
    w = snprintf(buf, size, "%s.%s", prefix, name);
  mark_cut(buf, size, w);
}

void scn_index_name(char *buf, size_t size, const char *prefix, int i) {
  mark_cut(buf, size, snprintf(buf, size, "%s[%d]", prefix, i));
}

/* Where line `flat` of the inlined text comes from: its file's shown name
 * and (in *line) the line in that file. */
static const char *source_at(const loader *ld, int flat, int *line) {
  size_t lo = 0, hi = ld->n_segs;
  if (flat <= 0 || ld->n_segs == 0) {
    *line = flat > 0 ? flat : 1;
    return ld->path;
  }
  while (hi - lo > 1) { /* the last segment starting at or before `flat` */
    size_t mid = (lo + hi) / 2;
    if (ld->segs[mid].flat_line <= flat)
      lo = mid;
    else
      hi = mid;
  }
  const source_segment *g = &ld->segs[lo];
  *line = g->line + (flat - g->flat_line);
  return ld->files[g->file];
}

/* The file and line a setting was read from. */
const char *scn_setting_source(const loader *ld, const config_setting_t *s, int *line) {
  return source_at(ld, s ? (int)config_setting_source_line(s) : 0, line);
}

/* Add "FILE:LINE: SETTING: message" for the place of setting `at`. */
void scn_report(loader *ld, const config_setting_t *at, const char *setting,
                   const char *fmt, ...) {
  char msg[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int line;
  const char *file = scn_setting_source(ld, at, &line);
  if (line <= 0)
    line = 1;
  if (salesim_diag_add(ld->diag, "%s:%d: %s: %s", file, line, setting, msg) != 0)
    ld->oom = 1;
  ld->errors++;
  if (at == NULL)
    return;
  if (ld->n_failed == ld->cap_failed) {
    size_t cap = ld->cap_failed ? 2 * ld->cap_failed : 16;
    const config_setting_t **f = realloc(ld->failed, cap * sizeof *f);
    if (f == NULL) {
      ld->oom = 1;
      return;
    }
    ld->failed = f;
    ld->cap_failed = cap;
  }
  ld->failed[ld->n_failed++] = at;
}

/* Nonzero if a problem was reported at this setting (a cross-check on it
 * would only repeat the problem). */
int scn_has_failed(const loader *ld, const config_setting_t *root, const char *path) {
  const config_setting_t *s = config_setting_lookup((config_setting_t *)root, path);
  for (size_t i = 0; s != NULL && i < ld->n_failed; i++)
    if (ld->failed[i] == s)
      return 1;
  return 0;
}

/* A user's string as shown in a message: control characters escaped (a
 * message is one line), cut after SHOWN_MAX bytes. */
const char *scn_shown_value(const char *s, char *buf) {
  size_t k = 0, i = 0;
  for (; s[i] != '\0' && i < SHOWN_MAX; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n')
      k += (size_t)snprintf(buf + k, SHOWN_SIZE - k, "\\n");
    else if (c == '"' || c == '\\')
      k += (size_t)snprintf(buf + k, SHOWN_SIZE - k, "\\%c", c);
    else if (c < 0x20 || c == 0x7f)
      k += (size_t)snprintf(buf + k, SHOWN_SIZE - k, "\\x%02x", c);
    else
      buf[k++] = (char)c;
  }
  if (s[i] != '\0') {
    while (k > 0 && ((unsigned char)buf[k - 1] & 0xC0) == 0x80)
      k--; /* do not end inside a UTF-8 character */
    if (k > 0 && ((unsigned char)buf[k - 1] & 0xC0) == 0xC0)
      k--;
    memcpy(buf + k, "...", 3);
    k += 3;
  }
  buf[k] = '\0';
  return buf;
}

const char *scn_type_text(const config_setting_t *s) {
  switch (config_setting_type(s)) {
  case CONFIG_TYPE_GROUP:
    return "a group";
  case CONFIG_TYPE_INT:
  case CONFIG_TYPE_INT64:
    return "an integer";
  case CONFIG_TYPE_FLOAT:
    return "a decimal number";
  case CONFIG_TYPE_STRING:
    return "a string";
  case CONFIG_TYPE_BOOL:
    return "a boolean";
  case CONFIG_TYPE_ARRAY:
    return "an array";
  case CONFIG_TYPE_LIST:
    return "a list";
  default:
    return "nothing";
  }
}

void scn_wrong_type(loader *ld, const config_setting_t *s, const char *name,
                       const char *expected) {
  scn_report(ld, s, name, "wrong type, got %s (expected %s)", scn_type_text(s), expected);
}

const char *scn_join_list(const char *const *items, size_t n, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && used < size; i++) {
    int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", items[i]);
    if (w < 0)
      break;
    used += (size_t)w;
  }
  return buf;
}

void scn_unknown_setting(loader *ld, const config_setting_t *s, const char *full,
                            const char *const *cands, size_t n) {
  char list[LIST_TEXT];
  const char *name = config_setting_name(s) ? config_setting_name(s) : "";
  const char *guess = salesim_params_suggest(name, cands, n);
  scn_join_list(cands, n, list, sizeof list);
  if (guess != NULL)
    scn_report(ld, s, full, "unknown setting, did you mean '%s'? (expected one of: %s)", guess,
               list);
  else
    scn_report(ld, s, full, "unknown setting (expected one of: %s)", list);
}

/* The n-th line of a buffer, trimmed, cut to QUOTE_MAX bytes, control
 * characters replaced. */
static int quote_line(const char *buf, size_t len, int line, char *out, size_t size) {
  size_t i = 0;
  for (int l = 1; l < line && i < len; i++)
    if (buf[i] == '\n')
      l++;
  while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
    i++;
  size_t end = i;
  while (end < len && buf[end] != '\n' && buf[end] != '\r')
    end++;
  while (end > i && (buf[end - 1] == ' ' || buf[end - 1] == '\t'))
    end--;
  if (end == i || size < QUOTE_MAX + 4)
    return 0;
  size_t n = end - i, k = 0;
  int cut = n > QUOTE_MAX;
  if (cut) {
    n = QUOTE_MAX;
    while (n > 0 && ((unsigned char)buf[i + n] & 0xC0) == 0x80)
      n--; /* do not split a UTF-8 character */
  }
  for (; k < n; k++) {
    unsigned char c = (unsigned char)buf[i + k];
    out[k] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
  }
  if (cut)
    out[k++] = '.', out[k++] = '.', out[k++] = '.';
  out[k] = '\0';
  return 1;
}

/* A syntax error: FILE:LINE and libconfig's text (a fixed phrase). A line
 * is quoted only from the main file, the one the user named, and not when
 * that name is a symbolic link (`salesim batch FOLDER` finds names the user
 * did not type): an included file that does not parse may not be a scenario
 * at all, and nothing of it is echoed (docs/input-safety.md). */
int scn_parse_error(loader *ld, const config_t *cf) {
  const char *text = config_error_text(cf) ? config_error_text(cf) : "unknown error";
  int line;
  const char *file = source_at(ld, config_error_line(cf), &line);
  char quote[QUOTE_MAX + 8];
  if (file == ld->files[0] && !ld->main_is_link && quote_line(ld->main_bytes, ld->main_len, line, quote, sizeof quote))
    salesim_diag_add(ld->diag, "%s:%d: syntax error: %s, in: %s", file, line, text, quote);
  else
    salesim_diag_add(ld->diag, "%s:%d: syntax error: %s", file, line, text);
  return SALESIM_ESCENARIO;
}
