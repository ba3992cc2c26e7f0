/*
 * engine/scenario/scenario_groups.c: the scenario's parts, walked from libconfig's
 * tree into a salesim_scenario.
 *
 * scn_load_tree reads the top-level settings and each group with its table
 * (engine/scenario/params.c for the scenario's own groups), the territory list, each
 * entry of `mechanisms` with its mechanism's table and check, and the
 * optional `sweep` group, the optional `data` group (engine/scenario/data_load.c);
 * then the cross-checks between settings (run only
 * on settings that were valid on their own) and, last, that every swept
 * path names a number.
 *
 * Read next: engine/scenario/scenario_text.c (the text of a run).
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

#include <salesim/salesim.h>

#include "mechanism.h"
#include "names.h"
#include "scenario_loader.h"
#include "sweep_design.h"

/* The file name without folder and extension, as the default name. */
static void file_stem(const char *path, char *out, size_t size) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t n = (dot != NULL && dot != base) ? (size_t)(dot - base) : strlen(base);
  if (n >= size)
    n = size - 1;
  memcpy(out, base, n);
  out[n] = '\0';
}

/* ---- the scenario's parts ------------------------------------------------ */

static const config_setting_t *group_member(loader *ld, const config_setting_t *root,
                                            const char *name) {
  const config_setting_t *g = config_setting_get_member(root, name);
  if (g != NULL && !config_setting_is_group(g)) {
    char expect[128];
    snprintf(expect, sizeof expect, "a group %s = { ... };", name);
    scn_wrong_type(ld, g, name, expect);
    return NULL;
  }
  return g;
}

static void read_territories(loader *ld, const config_setting_t *g, salesim_territories *t) {
  const salesim_param_table *tables = salesim_scenario_tables(NULL);
  const salesim_param_table *et = &tables[SALESIM_TABLE_TERRITORY];
  static const char *const skip[] = {"list"};
  const char *expect = "a list of groups ( { potential = ...; book = ...; }, ... )";
  char full[NAME_TEXT];
  uint64_t present = 0;
  scn_read_table(ld, g, "territories", &tables[SALESIM_TABLE_TERRITORIES], t, skip, 1, &present);
  const config_setting_t *list = config_setting_get_member(g, "list");
  if (list == NULL)
    return;
  if (!config_setting_is_list(list)) {
    scn_wrong_type(ld, list, "territories.list", expect);
    return;
  }
  int count_bit = scn_spec_index(&tables[SALESIM_TABLE_TERRITORIES], "count");
  if (present & (UINT64_C(1) << count_bit))
    scn_report(ld, config_setting_get_member(g, "count"), "territories.count",
               "set together with territories.list (expected one of the two: with a list, "
               "count is its length)");
  int n = config_setting_length(list);
  if (n == 0) {
    scn_report(ld, list, "territories.list", "empty list (expected %s)", expect);
    return;
  }
  t->list = calloc((size_t)n, sizeof *t->list);
  if (t->list == NULL) {
    ld->oom = 1;
    return;
  }
  t->list_count = n;
  t->count = n;
  int book = scn_spec_index(et, "book"), prospects = scn_spec_index(et, "prospects");
  int difficulty = scn_spec_index(et, "difficulty");
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
    salesim_territory_spec *ts = &t->list[i];
    scn_index_name(full, sizeof full, "territories.list", i);
    salesim_params_defaults(et, ts);
    if (!config_setting_is_group(e)) {
      scn_wrong_type(ld, e, full, "a group { potential = ...; }");
      continue;
    }
    scn_read_table(ld, e, full, et, ts, NULL, 0, &present);
    if (!(present & (UINT64_C(1) << book)))
      ts->book = t->book.mean;
    if (!(present & (UINT64_C(1) << prospects)))
      ts->prospects = t->prospects.mean;
    if (!(present & (UINT64_C(1) << difficulty)))
      ts->difficulty = t->difficulty.mean;
  }
}

/* The optional `sweep` group: its settings from the sweep table, then each
 * entry of `params` from the sweep.params table; paths are checked against
 * the loaded scenario (salesim_scenario_get) once the mechanisms exist. */
static void read_sweep(loader *ld, const config_setting_t *g, salesim_scenario *sc) {
  const salesim_param_table *tables = salesim_scenario_tables(NULL);
  const salesim_param_table *pt = &tables[SALESIM_TABLE_SWEEP_PARAM];
  static const char *const skip[] = {"params"};
  const char *expect = "a list of groups ( { path = \"...\"; min = ...; max = ...; }, ... )";
  char full[NAME_TEXT];
  uint64_t present = 0;
  salesim_sweep *sw = calloc(1, sizeof *sw);
  if (sw == NULL) {
    ld->oom = 1;
    return;
  }
  sc->sweep = sw;
  scn_read_table(ld, g, "sweep", &tables[SALESIM_TABLE_SWEEP], sw, skip, 1, NULL);
  const config_setting_t *list = config_setting_get_member(g, "params");
  if (list == NULL) {
    scn_report(ld, g, "sweep.params", "missing (expected %s)", expect);
    return;
  }
  if (!config_setting_is_list(list) || config_setting_length(list) == 0) {
    scn_wrong_type(ld, list, "sweep.params", expect);
    return;
  }
  int n = config_setting_length(list);
  sw->params = calloc((size_t)n, sizeof *sw->params);
  if (sw->params == NULL) {
    ld->oom = 1;
    return;
  }
  sw->n_params = n;
  int steps_bit = scn_spec_index(pt, "steps"), values_bit = scn_spec_index(pt, "values");
  int min_bit = scn_spec_index(pt, "min"), max_bit = scn_spec_index(pt, "max");
  double grid_points = 1;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
    salesim_sweep_param *p = &sw->params[i];
    scn_index_name(full, sizeof full, "sweep.params", i);
    salesim_params_defaults(pt, p);
    scn_setting_source(ld, e, &p->line);
    if (!config_setting_is_group(e)) {
      scn_wrong_type(ld, e, full, "a group { path = \"...\"; min = ...; max = ...; }");
      continue;
    }
    if (scn_read_table(ld, e, full, pt, p, NULL, 0, &present) != 0)
      continue;
    int has_range = (present & (UINT64_C(1) << min_bit)) && (present & (UINT64_C(1) << max_bit));
    int has_values = (present & (UINT64_C(1) << values_bit)) != 0;
    char sub[NAME_TEXT];
    if (sw->design == SALESIM_SWEEP_GRID && has_values) {
      grid_points *= p->values.n;
      if (p->values.n == 0) {
        scn_join_name(sub, sizeof sub, full, "values");
        scn_report(ld, e, sub, "empty (expected at least one value)");
      }
    } else if (!has_range) {
      scn_report(ld, e, full, "min and max missing (expected both%s)",
                 sw->design == SALESIM_SWEEP_GRID ? ", or values" : "");
    } else if (!(p->max > p->min) &&
               !(sw->design == SALESIM_SWEEP_GRID && p->steps == 1 && p->max >= p->min)) {
      scn_join_name(sub, sizeof sub, full, "max");
      scn_report(ld, e, sub, "%g is not above min %g (expected max > min)", p->max, p->min);
    } else if (sw->design == SALESIM_SWEEP_GRID) {
      grid_points *= p->steps;
    }
    if (sw->design != SALESIM_SWEEP_GRID &&
        ((present & (UINT64_C(1) << steps_bit)) || has_values)) {
      scn_join_name(sub, sizeof sub, full, has_values ? "values" : "steps");
      scn_report(ld, e, sub, "only for design = \"grid\" (expected min and max)");
    }
  }
  if (sw->design == SALESIM_SWEEP_GRID && grid_points > 100000)
    scn_report(ld, g, "sweep.params", "the grid has %.0f points (expected at most 100000)",
               grid_points);
}

/* After the mechanisms are read: every swept path names a number. */
static void check_sweep_paths(loader *ld, const config_setting_t *root, salesim_scenario *sc) {
  const config_setting_t *g = config_setting_get_member(root, "sweep");
  const config_setting_t *list = g ? config_setting_get_member(g, "params") : NULL;
  if (sc->sweep == NULL || list == NULL)
    return;
  for (int i = 0; i < sc->sweep->n_params; i++) {
    salesim_sweep_param *p = &sc->sweep->params[i];
    if (p->path[0] == '\0')
      continue; /* reported as missing */
    salesim_diag one = SALESIM_DIAG_INIT;
    if (isnan(salesim_scenario_get(sc, p->path, &one))) {
      char full[NAME_TEXT], sub[NAME_TEXT];
      const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
      scn_index_name(full, sizeof full, "sweep.params", i);
      scn_join_name(sub, sizeof sub, full, "path");
      const config_setting_t *at = e ? config_setting_get_member(e, "path") : NULL;
      scn_report(ld, at ? at : e, sub, "%s", one.count ? one.lines[0] : "no such number");
    } else {
      /* every value the design can take must be allowed: try the ends */
      salesim_scenario *copy = salesim_scenario_copy(sc);
      double ends[SALESIM_MAX_POINTS + 2];
      int n = 0;
      if (p->values.n > 0 && sc->sweep->design == SALESIM_SWEEP_GRID)
        for (int k = 0; k < p->values.n; k++)
          ends[n++] = p->values.v[k];
      else {
        ends[n++] = p->min;
        ends[n++] = p->max;
      }
      for (int k = 0; copy != NULL && k < n; k++) {
        salesim_diag_clear(&one);
        if (salesim_scenario_set(copy, p->path, ends[k], &one) != 0) {
          char full[NAME_TEXT];
          scn_index_name(full, sizeof full, "sweep.params", i);
          scn_report(ld, config_setting_get_elem(list, (unsigned)i), full, "%s",
                     one.count ? one.lines[0] : "value out of range");
          break;
        }
      }
      if (copy == NULL)
        ld->oom = 1;
      salesim_scenario_free(copy);
    }
    salesim_diag_clear(&one);
  }
  /* every point of the design together: a combination may break a
   * cross-check its values pass alone (the grid is at most 100000 points;
   * lhs and sobol points with the file's seed, run checks them again with
   * the seed it uses) */
  if (ld->errors == 0 && !ld->oom) {
    char what[600];
    salesim_diag problem = SALESIM_DIAG_INIT;
    int rc = salesim_sweep_check(sc, sc->seed, what, sizeof what, &problem);
    if (rc == SALESIM_ENOMEM)
      ld->oom = 1;
    else if (rc != 0)
      scn_report(ld, config_setting_get_elem(list, 0), "sweep.params", "%s: %s", what,
                 problem.count ? problem.lines[0] : "fails the scenario's checks");
    salesim_diag_clear(&problem);
  }
}

/* A mechanism's label or an item's name (SALESIM_P_ITEMS) is fit to be one. */
static int label_ok(const char *s) {
  if (*s == '\0' || *s == '.' || *s == '-') /* a folder or CSV text: docs/safety.md */
    return 0;
  for (; *s; s++)
    if (!(scn_is_name_char(*s) || *s == '.') || *s == '*')
      return 0;
  return 1;
}

int scn_read_label(loader *ld, const config_setting_t *ns, const char *full,
                   char out[SALESIM_NAME_MAX]) {
  char sv[SHOWN_SIZE];
  if (config_setting_type(ns) != CONFIG_TYPE_STRING) {
    scn_wrong_type(ld, ns, full, "a string");
    return -1;
  }
  const char *label = config_setting_get_string(ns);
  if (strlen(label) >= SALESIM_NAME_MAX) {
    scn_report(ld, ns, full, "%zu characters (expected at most %d)", strlen(label),
               SALESIM_NAME_MAX - 1);
    return -1;
  }
  if (!label_ok(label)) {
    scn_report(ld, ns, full,
               "\"%s\" (expected letters, digits, '_', '-' or '.', not empty, not "
               "starting with '.' or '-')",
               scn_shown_value(label, sv));
    return -1;
  }
  snprintf(out, SALESIM_NAME_MAX, "%s", label);
  return 0;
}

static void read_mechanisms(loader *ld, const config_setting_t *root, salesim_scenario *sc) {
  /* the registered names, read into this load's own array (loads on
   * several threads share no state: docs of salesim_scenario_load_with) */
  const char *names[MAX_CANDIDATES + 1];
  static const char *const skip[] = {"type", "name"};
  size_t n_names = 0;
  char list[LIST_TEXT], where[NAME_TEXT], full[NAME_TEXT];
  for (int i = 0; i < salesim_mechanism_count() && n_names < MAX_CANDIDATES; i++)
    names[n_names++] = salesim_mechanism_name(i);
  names[n_names] = NULL;
  scn_join_list(names, n_names, list, sizeof list);

  const config_setting_t *ms = config_setting_get_member(root, "mechanisms");
  if (ms == NULL) {
    scn_report(ld, root, "mechanisms",
               "missing (expected a list of mechanisms, e.g. mechanisms = ( { type = \"%s\"; } ); "
               "types: %s)",
               names[0] ? names[0] : "commission", list);
    return;
  }
  if (!config_setting_is_list(ms)) {
    scn_wrong_type(ld, ms, "mechanisms", "a list ( { type = \"...\"; ... }, ... )");
    return;
  }
  int n = config_setting_length(ms);
  if (n == 0) {
    scn_report(ld, ms, "mechanisms", "empty list (expected at least one mechanism; types: %s)",
               list);
    return;
  }
  sc->mechanisms = calloc((size_t)n, sizeof *sc->mechanisms);
  ld->mech_ok = calloc((size_t)n, sizeof *ld->mech_ok);
  if (sc->mechanisms == NULL || ld->mech_ok == NULL) {
    ld->oom = 1;
    return;
  }
  sc->n_mechanisms = n;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(ms, (unsigned)i);
    salesim_mechanism_spec *m = &sc->mechanisms[i];
    scn_index_name(where, sizeof where, "mechanisms", i);
    scn_setting_source(ld, e, &m->line);
    if (!config_setting_is_group(e)) {
      scn_wrong_type(ld, e, where, "a group { type = \"...\"; ... }");
      continue;
    }
    const config_setting_t *ts = config_setting_get_member(e, "type");
    scn_join_name(full, sizeof full, where, "type");
    if (ts == NULL)
      scn_report(ld, e, full, "missing (expected one of: %s)", list);
    else if (config_setting_type(ts) != CONFIG_TYPE_STRING) {
      char expect[LIST_TEXT + 16];
      snprintf(expect, sizeof expect, "one of: %s", list);
      scn_wrong_type(ld, ts, full, expect);
    } else {
      const char *tn = config_setting_get_string(ts);
      char sv[SHOWN_SIZE];
      m->type = salesim_mechanism_find(tn);
      if (m->type == NULL) {
        const char *guess = salesim_params_suggest(tn, names, n_names);
        if (guess != NULL)
          scn_report(ld, ts, full,
                     "unknown mechanism \"%s\", did you mean '%s'? (expected one of: %s)",
                     scn_shown_value(tn, sv), guess, list);
        else
          scn_report(ld, ts, full, "unknown mechanism \"%s\" (expected one of: %s)",
                     scn_shown_value(tn, sv), list);
      }
    }
    const config_setting_t *ns = config_setting_get_member(e, "name");
    scn_join_name(full, sizeof full, where, "name");
    if (ns != NULL)
      scn_read_label(ld, ns, full, m->name);
    else if (m->type != NULL)
      snprintf(m->name, sizeof m->name, "%s", m->type->name);
    if (m->type == NULL)
      continue;
    const salesim_param_table *t = m->type->params;
    m->params = calloc(1, t->struct_size ? t->struct_size : 1);
    if (m->params == NULL) {
      ld->oom = 1;
      continue;
    }
    salesim_params_defaults(t, m->params);
    /* the type's own settings, then the overlays every entry accepts; each
     * pass leaves the other's names alone */
    const salesim_param_table *ov = &salesim_scenario_tables(NULL)[SALESIM_TABLE_OVERLAYS];
    const char *pass_skip[2 + 64 + 16];
    size_t np = 0;
    pass_skip[np++] = skip[0];
    pass_skip[np++] = skip[1];
    for (size_t k = 0; k < ov->count; k++)
      pass_skip[np++] = ov->specs[k].name;
    ld->mech_ok[i] = scn_read_table(ld, e, where, t, m->params, pass_skip, np, NULL) == 0;
    /* second pass: every member that is not an overlay was judged above */
    np = 0;
    for (int k = 0; k < config_setting_length(e) && np < sizeof pass_skip / sizeof pass_skip[0];
         k++) {
      const char *member = config_setting_name(config_setting_get_elem(e, (unsigned)k));
      if (scn_spec_index(ov, member) < 0)
        pass_skip[np++] = member;
    }
    salesim_params_defaults(ov, &m->overlays);
    if (scn_read_table(ld, e, where, ov, &m->overlays, pass_skip, np, NULL) != 0)
      ld->mech_ok[i] = 0;
  }
  /* labels are unique */
  for (int j = 1; j < n; j++) {
    if (sc->mechanisms[j].name[0] == '\0')
      continue;
    for (int i = 0; i < j; i++)
      if (strcmp(sc->mechanisms[i].name, sc->mechanisms[j].name) == 0) {
        const config_setting_t *e = config_setting_get_elem(ms, (unsigned)j);
        const config_setting_t *ns = config_setting_get_member(e, "name");
        scn_index_name(where, sizeof where, "mechanisms", j);
        scn_join_name(full, sizeof full, where, "name");
        scn_report(ld, ns ? ns : e, full,
                   "\"%s\" is also the name of mechanisms[%d] on line %d (expected unique names: "
                   "set name = \"...\")",
                   sc->mechanisms[j].name, i, sc->mechanisms[i].line);
        break;
      }
  }
}

/* The setting that best locates a cross-check: the first that exists. */
static const config_setting_t *locate(const config_setting_t *root, const char *a,
                                      const char *b) {
  const config_setting_t *s = NULL;
  if (a != NULL)
    s = config_setting_lookup((config_setting_t *)root, a);
  if (s == NULL && b != NULL)
    s = config_setting_lookup((config_setting_t *)root, b);
  return s != NULL ? s : root;
}

/* the pipeline's stages 20, 40, 60, 80 % (models/core/world.h: SALESIM_STAGES - 1) */
#define N_PIPE_STAGES 4

static void cross_checks(loader *ld, const config_setting_t *root, salesim_scenario *sc,
                         const salesim_scenario_top *top) {
  char num[32], where[NAME_TEXT + 4200];
  /* baseline names a mechanism */
  sc->baseline_index = 0;
  if (sc->n_mechanisms > 0) {
    if (top->baseline[0] != '\0') {
      const char *labels[256];
      char list[LIST_TEXT], sv[SHOWN_SIZE];
      int n = sc->n_mechanisms < 256 ? sc->n_mechanisms : 256, found = -1;
      for (int i = 0; i < n; i++) {
        labels[i] = sc->mechanisms[i].name;
        if (found < 0 && strcmp(labels[i], top->baseline) == 0)
          found = i;
      }
      if (found < 0) {
        const char *guess = salesim_params_suggest(top->baseline, labels, (size_t)n);
        scn_join_list(labels, (size_t)n, list, sizeof list);
        if (guess != NULL)
          scn_report(ld, locate(root, "baseline", NULL), "baseline",
                     "no mechanism is named \"%s\", did you mean '%s'? (expected one of: %s)",
                     scn_shown_value(top->baseline, sv), guess, list);
        else
          scn_report(ld, locate(root, "baseline", NULL), "baseline",
                     "no mechanism is named \"%s\" (expected one of: %s)",
                     scn_shown_value(top->baseline, sv), list);
      } else
        sc->baseline_index = found;
    }
    snprintf(sc->baseline, sizeof sc->baseline, "%s", sc->mechanisms[sc->baseline_index].name);
  }
  /* each territory needs at least one position */
  int territories = sc->territories.list ? sc->territories.list_count : sc->territories.count;
  if (sc->population.reps < territories && sc->data != NULL &&
      sc->data->path[SALESIM_DATA_ROSTER] != NULL)
    scn_report(ld, locate(root, "data.roster", NULL), "data.roster",
               "%d people employed at the start for %d territories (expected at least one per "
               "territory: population.reps and territories.count come from the data)",
               sc->population.reps, territories);
  else if (sc->population.reps < territories && !scn_has_failed(ld, root, "population.reps") &&
      !scn_has_failed(ld, root, "territories.count"))
    scn_report(ld, locate(root, "population.reps", "territories.count"), "population.reps",
               "%d reps for %d territories (expected at least one rep per territory)",
               sc->population.reps, territories);
  /* a fixed target must be given */
  if (sc->firm.target_rule == SALESIM_TARGET_FIXED && !(sc->firm.fixed_target > 0) &&
      !scn_has_failed(ld, root, "firm.fixed_target"))
    scn_report(ld, locate(root, "firm.fixed_target", "firm.target_rule"), "firm.fixed_target",
               "%s with target_rule = \"fixed\" (expected a number > 0)",
               config_setting_lookup((config_setting_t *)root, "firm.fixed_target")
               ? salesim_params_number_text(sc->firm.fixed_target, num, sizeof num)
               : "missing");
  /* the calendar (docs/model.md): a fiscal year given as a calendar month
   * needs a plan year of 12 months; a start month given with data is the
   * data's. A sweep's or an override's point gets the same checks from
   * salesim_scenario_set (override.c) */
  if (sc->firm.fiscal_year_start != 0 && sc->months_per_year != 12 &&
      !scn_has_failed(ld, root, "firm.fiscal_year_start"))
    scn_report(ld, locate(root, "firm.fiscal_year_start", "firm"), "firm.fiscal_year_start",
               "%d with months_per_year = %d (expected 0, the start month, or "
               "months_per_year = 12)",
               sc->firm.fiscal_year_start, sc->months_per_year);
  if (sc->firm.start_month > 0 && sc->data != NULL && sc->data->start != SALESIM_DATA_NO_DATE &&
      !scn_has_failed(ld, root, "firm.start_month")) {
    int y, m, dd;
    salesim_data_ymd(sc->data->start, &y, &m, &dd);
    if (m != sc->firm.start_month)
      scn_report(ld, locate(root, "firm.start_month", "firm"), "firm.start_month",
                 "%d but the data start in month %d of %d (expected %d, or leave it out)",
                 sc->firm.start_month, m, y, m);
  }
  /* per-stage pipeline (docs/pipeline-fit.md): both vectors or neither, 4
   * values each (stages 20, 40, 60, 80 %; each value's range is checked on
   * reading), and a stage's advance and loss add up to at most 1 */
  {
    const salesim_vector *adv = &sc->production.stage_advance, *los = &sc->production.stage_loss;
    int bad_a = scn_has_failed(ld, root, "production.stage_advance");
    int bad_l = scn_has_failed(ld, root, "production.stage_loss");
    if (!bad_a && !bad_l && (adv->n > 0) != (los->n > 0)) {
      const char *given = adv->n > 0 ? "production.stage_advance" : "production.stage_loss";
      const char *other = adv->n > 0 ? "production.stage_loss" : "production.stage_advance";
      scn_report(ld, locate(root, given, "production"), other,
                 "missing while %s is given (expected both, 4 values each, or neither)", given);
    }
    if (!bad_a && adv->n > 0 && adv->n != N_PIPE_STAGES)
      scn_report(ld, locate(root, "production.stage_advance", "production"),
                 "production.stage_advance",
                 "%d values (expected %d: stages 20, 40, 60, 80 %%)", adv->n, N_PIPE_STAGES);
    if (!bad_l && los->n > 0 && los->n != N_PIPE_STAGES)
      scn_report(ld, locate(root, "production.stage_loss", "production"), "production.stage_loss",
                 "%d values (expected %d: stages 20, 40, 60, 80 %%)", los->n, N_PIPE_STAGES);
    if (!bad_a && !bad_l && adv->n == N_PIPE_STAGES && los->n == N_PIPE_STAGES) {
      const config_setting_t *ls = config_setting_lookup((config_setting_t *)root,
                                                         "production.stage_loss");
      for (int j = 0; j < N_PIPE_STAGES; j++) {
        if (!(adv->v[j] + los->v[j] <= 1)) {
          char full[NAME_TEXT], num2[32], num3[32];
          const config_setting_t *e =
              ls != NULL ? config_setting_get_elem(ls, (unsigned)j) : NULL;
          scn_index_name(full, sizeof full, "production.stage_loss", j);
          scn_report(ld, e != NULL ? e : locate(root, "production.stage_loss", "production"),
                     full, "%s with stage_advance[%d] = %s adds up to %s (expected at most 1)",
                     salesim_params_number_text(los->v[j], num, sizeof num), j,
                     salesim_params_number_text(adv->v[j], num2, sizeof num2),
                     salesim_params_number_text(adv->v[j] + los->v[j], num3, sizeof num3));
        }
      }
    }
  }
  /* bounded work (docs/limits.md): in pipeline mode, leads per position and
   * month at unit hunting effort are potential / (positions * 12 * 0.2 *
   * deal value), and the effort people choose grows as effort_cost shrinks
   * against the money a position can sell */
  if (sc->production.mode == SALESIM_MODE_PIPELINE && territories > 0 &&
      !scn_has_failed(ld, root, "production.deal_value") &&
      !scn_has_failed(ld, root, "population.effort_cost")) {
    salesim_limit_check lc;
    salesim_params_limit_check(sc, &lc);
    char num2[32], num3[32];
    if (lc.leads_unit > SALESIM_LIMIT_LEADS_UNIT)
      scn_report(ld, locate(root, "production.deal_value", "territories.potential"),
                 "production.deal_value",
                 "mean %s makes %s new opportunities a month per position at unit hunting effort "
                 "(expected a mean of at least %s, for at most %d a month; docs/limits.md)",
                 salesim_params_number_text(lc.deal_mean, num, sizeof num),
                 salesim_params_number_text(lc.leads_unit, num2, sizeof num2),
                 salesim_params_number_text(lc.deal_min, num3, sizeof num3),
                 SALESIM_LIMIT_LEADS_UNIT);
    if (lc.effort_cost_mean < lc.effort_cost_min)
      scn_report(ld, locate(root, "population.effort_cost", "population"), "population.effort_cost",
                 "mean %s is too cheap for positions that can sell %s a month (expected a mean of "
                 "at least %s, 1/%d of it; docs/limits.md)",
                 salesim_params_number_text(lc.effort_cost_mean, num, sizeof num),
                 salesim_params_number_text(lc.sales_month, num2, sizeof num2),
                 salesim_params_number_text(lc.effort_cost_min, num3, sizeof num3),
                 SALESIM_LIMIT_EFFORT_RATIO);
  }
  /* each mechanism's own cross-setting checks */
  const config_setting_t *ms = config_setting_get_member(root, "mechanisms");
  for (int i = 0; i < sc->n_mechanisms && ld->mech_ok != NULL; i++) {
    const salesim_mechanism_spec *m = &sc->mechanisms[i];
    if (!ld->mech_ok[i] || m->type == NULL || m->type->check == NULL)
      continue;
    const config_setting_t *e = config_setting_get_elem(ms, (unsigned)i);
    int line;
    const char *file = scn_setting_source(ld, e, &line);
    snprintf(where, sizeof where, "%s:%d: mechanisms[%d]", file, line, i);
    if (m->type->check(m->params, sc, where, ld->diag) != 0)
      ld->errors++;
  }
}

/* Walk the whole tree into `sc`, reporting every problem. */
void scn_load_tree(loader *ld, const config_t *cf, salesim_scenario *sc) {
  static const char *const top_skip[] = {"description", "production", "population",
                                         "territories", "firm",       "mechanisms",
                                         "sweep",       "data",       "calibration"};
  const salesim_param_table *tables = salesim_scenario_tables(NULL);
  const config_setting_t *root = config_root_setting(cf);
  const config_setting_t *s;
  salesim_scenario_top top;
  char sv[SHOWN_SIZE];

  salesim_params_defaults(&tables[SALESIM_TABLE_TOP], &top);
  salesim_params_defaults(&tables[SALESIM_TABLE_PRODUCTION], &sc->production);
  salesim_params_defaults(&tables[SALESIM_TABLE_POPULATION], &sc->population);
  salesim_params_defaults(&tables[SALESIM_TABLE_TERRITORIES], &sc->territories);
  salesim_params_defaults(&tables[SALESIM_TABLE_FIRM], &sc->firm);

  scn_read_table(ld, root, "", &tables[SALESIM_TABLE_TOP], &top, top_skip,
                 sizeof top_skip / sizeof top_skip[0], NULL);
  if ((s = config_setting_get_member(root, "description")) != NULL) {
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
      scn_wrong_type(ld, s, "description", "a string");
    else {
      const char *d = config_setting_get_string(s);
      if ((sc->description = scn_copy_text(d, strlen(d))) == NULL)
        ld->oom = 1;
    }
  }
  if ((s = group_member(ld, root, "production")) != NULL)
    scn_read_table(ld, s, "production", &tables[SALESIM_TABLE_PRODUCTION], &sc->production, NULL,
                   0, NULL);
  if ((s = group_member(ld, root, "population")) != NULL)
    scn_read_table(ld, s, "population", &tables[SALESIM_TABLE_POPULATION], &sc->population, NULL,
                   0, NULL);
  if ((s = group_member(ld, root, "territories")) != NULL)
    read_territories(ld, s, &sc->territories);
  if ((s = group_member(ld, root, "firm")) != NULL)
    scn_read_table(ld, s, "firm", &tables[SALESIM_TABLE_FIRM], &sc->firm, NULL, 0, NULL);
  read_mechanisms(ld, root, sc);
  if ((s = group_member(ld, root, "sweep")) != NULL)
    read_sweep(ld, s, sc);

  /* The name becomes a folder name (out/<name>): docs/safety.md. A name taken
   * from the file name is made safe; a written one must be. */
  const char *bad_name = top.name[0] ? salesim_output_name_problem(top.name) : NULL;
  if (top.name[0] == '\0') {
    file_stem(ld->path, top.name, sizeof top.name);
    salesim_output_name_sanitize(top.name, sizeof top.name);
  } else if (bad_name != NULL)
    scn_report(ld, locate(root, "name", NULL), "name", "\"%s\" %s (expected %s)",
               scn_shown_value(top.name, sv), bad_name, SALESIM_OUTPUT_NAME_EXPECT);
  snprintf(sc->name, sizeof sc->name, "%s", top.name);
  if (strlen(top.currency) >= sizeof sc->currency)
    scn_report(ld, locate(root, "currency", NULL), "currency",
               "\"%s\" has %zu characters (expected at most %zu)", scn_shown_value(top.currency, sv),
               strlen(top.currency), sizeof sc->currency - 1);
  else
    snprintf(sc->currency, sizeof sc->currency, "%s", top.currency);
  sc->seed = (uint64_t)top.seed;
  sc->replications = top.replications;
  sc->months = top.months;
  sc->months_per_year = top.months_per_year;
  sc->mode = top.mode;
  sc->budget = top.budget;
  scn_load_data(ld, root, sc); /* may set territories.count, population.reps */
  scn_load_calibration(ld, root, sc);
  cross_checks(ld, root, sc, &top);
  if (ld->errors == 0 && !ld->oom)
    check_sweep_paths(ld, root, sc);
}
