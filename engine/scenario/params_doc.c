/*
 * engine/scenario/params_doc.c: the markdown reference of every scenario setting
 * (salesim_scenario_doc_markdown, `salesim params`; docs/scenario-format.md
 * holds the same tables): one table per group and per registered mechanism,
 * with type, default, allowed values, unit and meaning; a mechanism's list
 * of typed groups (SALESIM_P_ITEMS) adds one sub-table per kind of group.
 *
 * Read next: engine/scenario/params_limits.c.
 */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "mechanism.h"
#include "params.h"

/* ---- the markdown reference ------------------------------------------------ */

static const char *kind_name(salesim_param_kind k) {
  switch (k) {
  case SALESIM_P_DOUBLE:
    return "number";
  case SALESIM_P_INT:
    return "integer";
  case SALESIM_P_BOOL:
    return "bool";
  case SALESIM_P_CHOICE:
    return "choice";
  case SALESIM_P_STRING:
    return "string";
  case SALESIM_P_DIST:
    return "distribution";
  case SALESIM_P_POINTS:
    return "points";
  case SALESIM_P_VECTOR:
    return "vector";
  case SALESIM_P_ITEMS:
    return "list of groups";
  }
  return "?";
}

/* The "allowed" column: the range plus what the kind adds to it. */
static const char *allowed_text(const salesim_param_spec *s, char *buf, size_t size) {
  char r[96], c[256];
  salesim_params_range_text(s, r, sizeof r);
  switch (s->kind) {
  case SALESIM_P_DOUBLE:
  case SALESIM_P_INT:
    snprintf(buf, size, "%s", r[0] ? r : "any");
    break;
  case SALESIM_P_BOOL:
    snprintf(buf, size, "true, false");
    break;
  case SALESIM_P_CHOICE:
    salesim_params_choice_text(s->choices, -1, c, sizeof c);
    snprintf(buf, size, "%s", c);
    break;
  case SALESIM_P_STRING:
    snprintf(buf, size, "text");
    break;
  case SALESIM_P_DIST:
    snprintf(buf, size, "mean %s", r[0] ? r : "any");
    break;
  case SALESIM_P_POINTS:
    /* the names of x and y in paths (curve[2].pay), from `choices` */
    if (s->choices != NULL && strchr(s->choices, '|') != NULL)
      snprintf(c, sizeof c, "; in paths x is .%.*s, y .%s", (int)(strchr(s->choices, '|') -
                                                                s->choices),
               s->choices, strchr(s->choices, '|') + 1);
    else
      c[0] = '\0';
    snprintf(buf, size, "up to %d points%s; y %s%s", SALESIM_MAX_POINTS,
             (s->flags & SALESIM_PF_INCREASING) ? ", x increasing" : "", r[0] ? r : "any", c);
    break;
  case SALESIM_P_VECTOR:
    snprintf(buf, size, "1 to %d values, each %s%s", SALESIM_MAX_POINTS, r[0] ? r : "any",
             (s->flags & SALESIM_PF_INCREASING) ? ", increasing" : "");
    break;
  case SALESIM_P_ITEMS: {
    const salesim_item_kinds *ks = s->def_ptr;
    int max = s->max > 0 && s->max < SALESIM_MAX_ITEMS ? (int)s->max : SALESIM_MAX_ITEMS;
    size_t used = (size_t)snprintf(buf, size, "up to %d groups; type one of: ", max);
    for (int k = 0; ks != NULL && k < ks->n && used < size; k++)
      used += (size_t)snprintf(buf + used, size - used, "%s%s", k ? ", " : "", ks->kinds[k].type);
    break;
  }
  }
  return buf;
}

/* Markdown table cells must not contain '|'. */
static int put_cell(FILE *fp, const char *text) {
  if (fputs("| ", fp) == EOF)
    return -1;
  for (const char *p = text; *p; p++)
    if ((*p == '|' ? fputs("\\|", fp) : fputc(*p, fp)) == EOF)
      return -1;
  return fputc(' ', fp) == EOF ? -1 : 0;
}

static int table_markdown(FILE *fp, const char *level, const char *heading, const char *summary,
                          const salesim_param_table *t) {
  char name[SALESIM_NAME_MAX + 4], def[512], allowed[512];
  if (fprintf(fp, "%s %s\n\n", level, heading) < 0)
    return -1;
  if (summary != NULL && fprintf(fp, "%s\n\n", summary) < 0)
    return -1;
  if (fputs("| setting | type | default | allowed | unit | meaning |\n"
            "|---|---|---|---|---|---|\n",
            fp) == EOF)
    return -1;
  for (size_t i = 0; i < t->count; i++) {
    const salesim_param_spec *s = &t->specs[i];
    snprintf(name, sizeof name, "`%s`", s->name);
    salesim_params_default_text(s, def, sizeof def);
    allowed_text(s, allowed, sizeof allowed);
    if (put_cell(fp, name) || put_cell(fp, kind_name(s->kind)) || put_cell(fp, def) ||
        put_cell(fp, allowed) || put_cell(fp, s->unit ? s->unit : "") ||
        put_cell(fp, s->doc ? s->doc : "") || fputs("|\n", fp) == EOF)
      return -1;
  }
  return fputc('\n', fp) == EOF ? -1 : 0;
}

/* Each kind of each list-of-groups setting (SALESIM_P_ITEMS) of table t, as
 * its own sub-table under the mechanism `mech`: "`plan.components`: `spif`". */
static int items_markdown(FILE *fp, const char *mech, const salesim_param_table *t) {
  char heading[3 * SALESIM_NAME_MAX + 16], summary[3 * SALESIM_NAME_MAX + 160];
  for (size_t i = 0; i < t->count; i++) {
    const salesim_param_spec *s = &t->specs[i];
    const salesim_item_kinds *ks = s->def_ptr;
    if (s->kind != SALESIM_P_ITEMS || ks == NULL)
      continue;
    for (int k = 0; k < ks->n; k++) {
      snprintf(heading, sizeof heading, "`%s.%s`: `%s`", mech, s->name, ks->kinds[k].type);
      snprintf(summary, sizeof summary,
               "A group `{ type = \"%s\"; name = \"...\"; ... }` in `%s` (`name` optional, "
               "default \"%s\", unique in the list) takes these settings:",
               ks->kinds[k].type, s->name, ks->kinds[k].type);
      if (table_markdown(fp, "####", heading, summary, ks->kinds[k].table) != 0)
        return -1;
    }
  }
  return 0;
}

int salesim_scenario_doc_markdown(FILE *fp) {
  static const char *const headings[SALESIM_TABLE_COUNT] = {
      "Top level",  "`production`", "`population`",
      "`territories`", "`territories.list` entries", "`firm`",
      "Every mechanism entry (overlays)", "`sweep`", "`sweep.params` entries"};
  char heading[128];
  size_t n;
  const salesim_param_table *tables = salesim_scenario_tables(&n);
  for (size_t i = 0; i < n; i++)
    if (table_markdown(fp, "###", headings[i], NULL, &tables[i]) != 0)
      return SALESIM_EIO;
  const salesim_mechanism_type *const *all = salesim_mechanism_all();
  for (size_t i = 0; all[i] != NULL; i++) {
    snprintf(heading, sizeof heading, "Mechanism `%s`", all[i]->name);
    if (table_markdown(fp, "###", heading, all[i]->summary, all[i]->params) != 0 ||
        items_markdown(fp, all[i]->name, all[i]->params) != 0)
      return SALESIM_EIO;
  }
  return fflush(fp) == 0 ? 0 : SALESIM_EIO;
}
