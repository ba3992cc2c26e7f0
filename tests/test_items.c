/*
 * tests/test_items.c: lists of typed groups in scenario files, the
 * SALESIM_P_ITEMS kind of setting (include/salesim/scenario.h; a plan's
 * `components`, issue 14), seen from a mechanism the tree does not ship.
 *
 * A test type "items_probe" (added with the registry's test seam,
 * salesim_mechanism_register_extra, as tests/test_mechanism_contract.c does)
 * has a salary and `components`, a list of at most 6 groups of two kinds:
 * "bonus" (amount, share, a curve and a vector, whose units are shares) and
 * "kicker" (rate, cap, months) with its own check (cap >= rate); the type's
 * own check adds up the bonus shares across items (at most 1). The tests:
 *   - loading: defaults filled, settings read, names (given or the type's),
 *     the lines of the groups, an empty list by default;
 *   - bad input, every problem in one run at its own line: not a group,
 *     missing type, unknown type with a suggestion, bad settings in two
 *     items, duplicate names (naming the first), too many items, a kind's
 *     check at the item's line (also inside an @include'd file), the type's
 *     check across items, and shares written as percentages;
 *   - summary.json's form of the setting (salesim_params_to_json);
 *   - paths: get/set by index and by name with every sub-form inside,
 *     range and check failures, an index out of range, a name not found,
 *     the default range optimize reads, copies, and sweeps checked on load;
 *   - the generated reference documents each kind as its own sub-table.
 * Read next: engine/scenario/scenario_values.c (read_items),
 * engine/scenario/override.c (find_in_items).
 */
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <salesim/salesim.h>

#include "mechanism.h"
#include "override.h"
#include "params.h"
#include "params_json.h"
#include "world.h"

#define has_line(...) salesim_test_has_line(__VA_ARGS__)

/* ---- the test type ------------------------------------------------------------- */

typedef struct bonus_item {
  double amount;
  double share;
  salesim_points curve;
  salesim_vector levels;
} bonus_item;

typedef struct kicker_item {
  double rate;
  double cap;
  int months;
} kicker_item;

typedef struct probe_params {
  double salary;
  salesim_items components;
} probe_params;

static const salesim_points default_curve = {2, {0, 1}, {0, 1}};
static const salesim_vector default_levels = {1, {0.5}};

static const salesim_param_spec bonus_specs[] = {
    {"amount", SALESIM_P_DOUBLE, offsetof(bonus_item, amount), 1000, NULL, 0, 1e9, 0, NULL,
     "currency", "Bonus paid at full pay."},
    {"share", SALESIM_P_DOUBLE, offsetof(bonus_item, share), 0.3, NULL, 0, 1, 0, NULL, "share",
     "Share of the bonus paid in advance."},
    {"curve", SALESIM_P_POINTS, offsetof(bonus_item, curve), 0, &default_curve, 0, 1,
     SALESIM_PF_INCREASING, "attainment|pay", "share", "Pay share by attainment."},
    {"levels", SALESIM_P_VECTOR, offsetof(bonus_item, levels), 0, &default_levels, 0, 1, 0, NULL,
     "share", "Shares by level."},
};
static const salesim_param_table bonus_table = {"bonus", bonus_specs, 4, sizeof(bonus_item)};

static const salesim_param_spec kicker_specs[] = {
    {"rate", SALESIM_P_DOUBLE, offsetof(kicker_item, rate), 0.05, NULL, 0, 1, 0, NULL, "share",
     "Extra commission rate."},
    {"cap", SALESIM_P_DOUBLE, offsetof(kicker_item, cap), 0.5, NULL, 0, 1, 0, NULL, "share",
     "Highest rate."},
    {"months", SALESIM_P_INT, offsetof(kicker_item, months), 3, NULL, 1, 24, 0, NULL, "months",
     "Months it lasts."},
};
static const salesim_param_table kicker_table = {"kicker", kicker_specs, 3, sizeof(kicker_item)};

/* the kicker's own check: cap >= rate */
static int kicker_check(const void *body, const char *where, salesim_diag *diag) {
  const kicker_item *k = body;
  if (k->cap >= k->rate)
    return 0;
  salesim_diag_add(diag, "%s.cap: %g is below rate %g (expected cap >= rate)", where, k->cap,
                   k->rate);
  return 1;
}

static const salesim_item_kind kinds[] = {
    {"bonus", &bonus_table, NULL},
    {"kicker", &kicker_table, kicker_check},
};
static const salesim_item_kinds probe_kinds = {kinds, 2};

static const salesim_param_spec probe_specs[] = {
    {"salary", SALESIM_P_DOUBLE, offsetof(probe_params, salary), 4000, NULL, 0, 1e9, 0, NULL,
     "currency/month", "Monthly salary."},
    {"components", SALESIM_P_ITEMS, offsetof(probe_params, components), 0, &probe_kinds, 0, 6, 0,
     NULL, "", "The plan's parts."},
};
static const salesim_param_table probe_table = {"items_probe", probe_specs, 2,
                                                sizeof(probe_params)};

/* the type's check across items: the bonus shares add up to at most 1 */
static int probe_check(const void *params, const salesim_scenario *sc, const char *where,
                       salesim_diag *diag) {
  (void)sc;
  const probe_params *p = params;
  double sum = 0;
  for (int j = 0; j < p->components.n; j++)
    if (p->components.item[j].type == 0)
      sum += ((const bonus_item *)p->components.item[j].body.bytes)->share;
  if (sum <= 1)
    return 0;
  salesim_diag_add(diag, "%s.components: bonus shares add up to %g (expected at most 1)", where,
                   sum);
  return 1;
}

static int probe_incentive(const salesim_world *w, const salesim_agent *a,
                           salesim_incentive *inc) {
  (void)a;
  inc->base_month = ((const probe_params *)w->params)->salary;
  inc->period_months = 1;
  inc->months_left = 1;
  inc->assigned_accounts = 1;
  return 0;
}

static int probe_month_pay(salesim_world *w, salesim_agent *a, const salesim_outcome *o) {
  (void)o;
  salesim_world_pay(w, a, ((const probe_params *)w->params)->salary, 0);
  return 0;
}

static const salesim_mechanism_type probe_type = {
    .version = SALESIM_MECHANISM_VERSION,
    .name = "items_probe",
    .summary = "Test mechanism: a salary and a list of typed groups.",
    .params = &probe_table,
    .check = probe_check,
    .incentive = probe_incentive,
    .month_pay = probe_month_pay,
};

static int setup(void **state) {
  assert_int_equal(salesim_mechanism_register_extra(&probe_type), 0);
  return salesim_test_root_setup(state);
}

static const bonus_item *bonus(const salesim_scenario *sc, int m, int j) {
  const probe_params *p = sc->mechanisms[m].params;
  return (const bonus_item *)p->components.item[j].body.bytes;
}

static const kicker_item *kicker(const salesim_scenario *sc, int m, int j) {
  const probe_params *p = sc->mechanisms[m].params;
  return (const kicker_item *)p->components.item[j].body.bytes;
}

static salesim_scenario *load_ok(const char *rel, const char *text) {
  const char *p = salesim_test_write_at(rel, text);
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  int rc = salesim_scenario_load(&sc, p, &d);
  salesim_test_print_diag(&d);
  salesim_diag_clear(&d);
  assert_int_equal(rc, 0);
  return sc;
}

static const char good_text[] =
    /*  1 */ "seed = 5;\n"
    /*  2 */ "population = { reps = 6; hire_delay = 0; };\n"
    /*  3 */ "territories = { count = 2; };\n"
    /*  4 */ "mechanisms = ( { type = \"items_probe\";\n"
    /*  5 */ "  components = (\n"
    /*  6 */ "    { type = \"bonus\"; amount = 500; curve = ( (0, 0), (1, 0.5), (1.5, 1) ); },\n"
    /*  7 */ "    { type = \"kicker\"; name = \"q4\"; rate = 0.1;\n"
    /*  8 */ "      cap = 0.2; },\n"
    /*  9 */ "    { type = \"bonus\"; name = \"b2\"; share = 0.4; levels = [0.1, 0.2]; }\n"
    /* 10 */ "  ); },\n"
    /* 11 */ "  { type = \"items_probe\"; name = \"none\"; } );\n";

/* ---- loading ------------------------------------------------------------------- */

static void test_load(void **state) {
  (void)state;
  salesim_scenario *sc = load_ok("good.cfg", good_text);
  const probe_params *p = sc->mechanisms[0].params;
  assert_int_equal(p->components.n, 3);
  const salesim_item *it = p->components.item;
  assert_int_equal(it[0].type, 0);
  assert_string_equal(it[0].name, "bonus"); /* the type's name */
  assert_int_equal(it[0].line, 6);
  assert_int_equal(it[1].type, 1);
  assert_string_equal(it[1].name, "q4");
  assert_int_equal(it[1].line, 7);
  assert_int_equal(it[2].type, 0);
  assert_string_equal(it[2].name, "b2");
  assert_int_equal(it[2].line, 9);
  /* settings read, the rest from the kind's defaults */
  assert_true(bonus(sc, 0, 0)->amount == 500);
  assert_true(bonus(sc, 0, 0)->share == 0.3);
  assert_int_equal(bonus(sc, 0, 0)->curve.n, 3);
  assert_true(bonus(sc, 0, 0)->curve.y[1] == 0.5);
  assert_int_equal(bonus(sc, 0, 0)->levels.n, 1);
  assert_true(bonus(sc, 0, 0)->levels.v[0] == 0.5);
  assert_true(kicker(sc, 0, 1)->rate == 0.1);
  assert_true(kicker(sc, 0, 1)->cap == 0.2);
  assert_int_equal(kicker(sc, 0, 1)->months, 3);
  assert_true(bonus(sc, 0, 2)->amount == 1000);
  assert_true(bonus(sc, 0, 2)->share == 0.4);
  assert_int_equal(bonus(sc, 0, 2)->levels.n, 2);
  /* the default is an empty list */
  assert_int_equal(((const probe_params *)sc->mechanisms[1].params)->components.n, 0);
  salesim_scenario_free(sc);
}

/* ---- bad input ----------------------------------------------------------------- */

static void test_problems_in_one_run(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char *p = salesim_test_write_at(
      "bad.cfg",
      /*  1 */ "mechanisms = ( { type = \"items_probe\";\n"
      /*  2 */ "  components = (\n"
      /*  3 */ "    5,\n"
      /*  4 */ "    { name = \"x\"; },\n"
      /*  5 */ "    { type = \"bonus\";\n"
      /*  6 */ "      amount = -1; },\n"
      /*  7 */ "    { type = \"kicker\"; rate = 0.1;\n"
      /*  8 */ "      cap = 70; sahre = 1; },\n"
      /*  9 */ "    { type = \"bonnus\"; },\n"
      /* 10 */ "    { type = \"bonus\"; name = \"x\"; }\n"
      /* 11 */ "  ); } );\n");
  assert_int_equal(salesim_test_load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d, "%s:3: mechanisms[0].components[0]: ", p));
  assert_true(has_line(&d,
                       "%s:4: mechanisms[0].components[1].type: missing (expected one of: "
                       "bonus, kicker)",
                       p));
  /* a bad setting in item 2 and one in item 3, each at its own line */
  assert_true(has_line(&d,
                       "%s:6: mechanisms[0].components[2].amount: -1 out of range (expected a "
                       "number 0..1000000000)",
                       p));
  assert_true(has_line(&d,
                       "%s:8: mechanisms[0].components[3].cap: 70 out of range (expected a number "
                       "0..1; a share: write 0.7 for 70 %%)",
                       p));
  assert_true(has_line(&d, "%s:8: mechanisms[0].components[3].sahre: unknown setting", p));
  assert_true(has_line(&d,
                       "%s:9: mechanisms[0].components[4].type: unknown type \"bonnus\", did you "
                       "mean 'bonus'? (expected one of: bonus, kicker)",
                       p));
  assert_true(has_line(&d,
                       "%s:10: mechanisms[0].components[5].name: \"x\" is also the name of "
                       "mechanisms[0].components[1] on line 4 (expected unique names",
                       p));
  assert_int_equal(d.count, 7);
  salesim_diag_clear(&d);

  /* too many items */
  p = salesim_test_write_at(
      "many.cfg", "mechanisms = ( { type = \"items_probe\";\n"
                  "  components = ( { type = \"bonus\"; name = \"a\"; }, { type = \"bonus\"; name "
                  "= \"b\"; },\n"
                  "    { type = \"kicker\"; name = \"c\"; }, { type = \"kicker\"; name = \"d\"; },\n"
                  "    { type = \"kicker\"; name = \"e\"; }, { type = \"kicker\"; name = \"f\"; },\n"
                  "    { type = \"kicker\"; name = \"g\"; } ); } );\n");
  assert_int_equal(salesim_test_load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d, "%s:2: mechanisms[0].components: 7 items (expected at most 6)", p));
  salesim_diag_clear(&d);

  /* not a list; a bad name */
  p = salesim_test_write_at("notlist.cfg",
                            "mechanisms = ( { type = \"items_probe\"; components = 5; },\n"
                            "  { type = \"items_probe\"; name = \"two\";\n"
                            "    components = ( { type = \"bonus\"; name = \"-x\"; } ); } );\n");
  assert_int_equal(salesim_test_load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d,
                       "%s:1: mechanisms[0].components: wrong type, got an integer (expected a "
                       "list of { type = \"...\"; ... } groups (kinds: bonus|kicker))",
                       p));
  assert_true(has_line(&d, "%s:3: mechanisms[1].components[0].name: \"-x\" (expected letters", p));
  assert_int_equal(d.count, 2);
  salesim_diag_clear(&d);
}

/* A kind's check runs at the item's own line, in the file the item is in
 * (here an @include'd one); the type's check across items runs when every
 * item is valid. */
static void test_checks(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(mkdir(salesim_test_at("parts"), 0700), 0);
  salesim_test_write_at("parts/mech.cfg",
                        /* 1 */ "mechanisms = ( { type = \"items_probe\";\n"
                        /* 2 */ "  components = (\n"
                        /* 3 */ "    { type = \"bonus\"; },\n"
                        /* 4 */ "    { type = \"kicker\";\n"
                        /* 5 */ "      rate = 0.5; cap = 0.2; }\n"
                        /* 6 */ "  ); } );\n");
  const char *p = salesim_test_write_at("inc.cfg", "seed = 1;\n@include \"parts/mech.cfg\"\n");
  assert_int_equal(salesim_test_load_bad(p, &d), SALESIM_ESCENARIO);
  char part[1024];
  snprintf(part, sizeof part, "%s", salesim_test_at("parts/mech.cfg"));
  assert_true(has_line(&d,
                       "%s:4: mechanisms[0].components[1].cap: 0.2 is below rate 0.5 (expected "
                       "cap >= rate)",
                       part));
  assert_int_equal(d.count, 1); /* no check across items on an invalid item */
  salesim_diag_clear(&d);

  p = salesim_test_write_at("cross.cfg",
                            /* 1 */ "mechanisms = (\n"
                            /* 2 */ "  { type = \"items_probe\"; components = (\n"
                            /* 3 */ "    { type = \"bonus\"; share = 0.6; },\n"
                            /* 4 */ "    { type = \"bonus\"; name = \"b2\"; share = 0.6; } ); } );\n");
  assert_int_equal(salesim_test_load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d,
                       "%s:2: mechanisms[0].components: bonus shares add up to 1.2 (expected at "
                       "most 1)",
                       p));
  assert_int_equal(d.count, 1);
  salesim_diag_clear(&d);
}

/* A share written as a percentage, in each kind of setting inside an item. */
static void test_percentage_hint(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char *p = salesim_test_write_at(
      "pct.cfg",
      /* 1 */ "mechanisms = ( { type = \"items_probe\"; components = (\n"
      /* 2 */ "  { type = \"bonus\"; share = 50;\n"
      /* 3 */ "    curve = ( (0, 0), (1, 30) );\n"
      /* 4 */ "    levels = [0.1, 20.0, 150.0]; } ); } );\n");
  assert_int_equal(salesim_test_load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d,
                       "%s:2: mechanisms[0].components[0].share: 50 out of range (expected a "
                       "number 0..1; a share: write 0.5 for 50 %%)",
                       p));
  assert_true(has_line(&d,
                       "%s:3: mechanisms[0].components[0].curve[1]: y = 30 out of range (expected "
                       "y 0..1; a share: write 0.3 for 30 %%)",
                       p));
  assert_true(has_line(&d,
                       "%s:4: mechanisms[0].components[0].levels[1]: 20 out of range (expected "
                       "0..1; a share: write 0.2 for 20 %%)",
                       p));
  /* above 100 it cannot be a percentage */
  assert_true(has_line(&d,
                       "%s:4: mechanisms[0].components[0].levels[2]: 150 out of range (expected "
                       "0..1)",
                       p));
  assert_int_equal(d.count, 4);
  salesim_diag_clear(&d);
}

/* ---- summary.json ----------------------------------------------------------------- */

static void test_json(void **state) {
  (void)state;
  salesim_scenario *sc = load_ok("json.cfg", good_text);
  json_t *o = salesim_params_to_json(sc->mechanisms[0].type->params, sc->mechanisms[0].params);
  assert_non_null(o);
  json_t *a = json_object_get(o, "components");
  assert_true(json_is_array(a));
  assert_int_equal(json_array_size(a), 3);
  json_t *b = json_array_get(a, 0), *k = json_array_get(a, 1);
  assert_string_equal(json_string_value(json_object_get(b, "type")), "bonus");
  assert_string_equal(json_string_value(json_object_get(b, "name")), "bonus");
  assert_true(json_real_value(json_object_get(b, "amount")) == 500);
  assert_true(json_real_value(json_object_get(b, "share")) == 0.3);
  assert_int_equal(json_array_size(json_object_get(b, "curve")), 3);
  assert_int_equal(json_object_size(b), 2 + 4); /* type, name, each setting of the kind */
  assert_string_equal(json_string_value(json_object_get(k, "type")), "kicker");
  assert_string_equal(json_string_value(json_object_get(k, "name")), "q4");
  assert_true(json_real_value(json_object_get(k, "cap")) == 0.2);
  assert_int_equal(json_integer_value(json_object_get(k, "months")), 3);
  assert_int_equal(json_object_size(k), 2 + 3);
  char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  assert_non_null(strstr(text, "\"components\":[{\"type\":\"bonus\",\"name\":\"bonus\",\"amount\""));
  free(text);
  json_decref(o);
  o = salesim_params_to_json(sc->mechanisms[1].type->params, sc->mechanisms[1].params);
  assert_int_equal(json_array_size(json_object_get(o, "components")), 0);
  json_decref(o);
  salesim_scenario_free(sc);
}

/* ---- paths ------------------------------------------------------------------------ */

static void expect_refused(salesim_scenario *sc, const char *path, double v, int code,
                           const char *want) {
  salesim_diag d = SALESIM_DIAG_INIT;
  int rc = isnan(v) ? (isnan(salesim_scenario_get(sc, path, &d)) ? SALESIM_ENOTFOUND : 0)
                    : salesim_scenario_set(sc, path, v, &d);
  assert_int_equal(rc, code);
  assert_true(d.count >= 1);
  if (strstr(d.lines[0], want) == NULL)
    print_message("got: %s\nwant: %s\n", d.lines[0], want);
  assert_non_null(strstr(d.lines[0], want));
  salesim_diag_clear(&d);
}

static void test_paths(void **state) {
  (void)state;
  salesim_scenario *sc = load_ok("paths.cfg", good_text);
  salesim_diag d = SALESIM_DIAG_INIT;
  /* get by index and by name, with the sub-forms inside */
  assert_true(salesim_scenario_get(sc, "mechanisms[0].components[1].rate", &d) == 0.1);
  assert_true(salesim_scenario_get(sc, "mechanisms.items_probe.components.q4.cap", &d) == 0.2);
  assert_true(salesim_scenario_get(sc, "mechanisms.items_probe.components[0].curve[1].pay", &d) ==
              0.5);
  assert_true(salesim_scenario_get(sc, "mechanisms[0].components.bonus.curve[2].x", &d) == 1.5);
  assert_true(salesim_scenario_get(sc, "mechanisms[0].components.b2.levels[1]", &d) == 0.2);
  assert_true(salesim_scenario_get(sc, "mechanisms[0].components.q4.months", &d) == 3);
  assert_int_equal(d.count, 0);
  /* set by name and by index */
  assert_int_equal(salesim_scenario_set(sc, "mechanisms.items_probe.components.q4.rate", 0.15, &d),
                   0);
  assert_true(kicker(sc, 0, 1)->rate == 0.15);
  assert_int_equal(salesim_scenario_set(sc, "mechanisms[0].components[0].curve[1].pay", 0.7, &d),
                   0);
  assert_true(bonus(sc, 0, 0)->curve.y[1] == 0.7);
  assert_int_equal(salesim_scenario_set(sc, "mechanisms[0].components[2].levels[0]", 0.05, &d), 0);
  assert_true(bonus(sc, 0, 2)->levels.v[0] == 0.05);
  assert_int_equal(d.count, 0);
  /* the kind's range, ordering of x, the kind's check, the type's check */
  expect_refused(sc, "mechanisms[0].components[0].share", 2, SALESIM_EINVAL,
                 "mechanisms[0].components[0].share = 2: out of range (expected 0..1)");
  expect_refused(sc, "mechanisms[0].components[0].curve[1].attainment", 2, SALESIM_EINVAL,
                 "out of order (expected strictly between 0 and 1.5");
  expect_refused(sc, "mechanisms.items_probe.components.q4.rate", 0.5, SALESIM_EINVAL,
                 "mechanisms.items_probe.components[1].cap: 0.2 is below rate 0.5 (expected cap "
                 ">= rate)");
  assert_int_equal(salesim_scenario_set(sc, "mechanisms.items_probe.components.q4.rate", 0.1, &d),
                   0);
  expect_refused(sc, "mechanisms[0].components.b2.share", 0.8, SALESIM_EINVAL,
                 "mechanisms.items_probe.components: bonus shares add up to 1.1");
  assert_int_equal(salesim_scenario_set(sc, "mechanisms[0].components.b2.share", 0.4, &d), 0);
  /* what does not exist */
  expect_refused(sc, "mechanisms[0].components[5].rate", NAN, SALESIM_ENOTFOUND,
                 "no item 5 in components (expected an index from 0 to 2: components has 3 "
                 "items: bonus, q4, b2)");
  expect_refused(sc, "mechanisms[0].components.q5.rate", NAN, SALESIM_ENOTFOUND,
                 "no item of components has that name (expected one of: bonus, q4, b2)");
  expect_refused(sc, "mechanisms[0].components.q4.amount", NAN, SALESIM_ENOTFOUND,
                 "item 1 of components ('q4', type kicker) has no number amount");
  expect_refused(sc, "mechanisms[0].components[1]", NAN, SALESIM_ENOTFOUND,
                 "components[1] is a group of settings (expected components[1].SETTING)");
  expect_refused(sc, "mechanisms[0].components", NAN, SALESIM_ENOTFOUND,
                 "components is a list of groups (expected components[j].SETTING or "
                 "components.NAME.SETTING)");
  expect_refused(sc, "mechanisms.none.components[0].rate", NAN, SALESIM_ENOTFOUND,
                 "components has no items (expected them set in the scenario first)");
  expect_refused(sc, "mechanisms[0].components[0].curve[3].pay", NAN, SALESIM_ENOTFOUND,
                 "no point 3 in curve");
  /* what optimize reads: the default range, the label path */
  salesim_path_info info;
  assert_int_equal(
      salesim_scenario_path_info(sc, "mechanisms[0].components[0].curve[1].attainment", &info, &d),
      0);
  assert_int_equal(info.mech, 0);
  assert_int_equal(info.index, 1);
  assert_int_equal(info.axis, 0);
  assert_true(info.lo == 0 && info.hi == 1.5 && info.lo_open && info.hi_open);
  assert_string_equal(info.label_path,
                      "mechanisms.items_probe.components[0].curve[1].attainment");
  assert_int_equal(salesim_scenario_path_info(sc, "mechanisms.items_probe.components.q4.cap",
                                              &info, &d),
                   0);
  assert_string_equal(info.spec->name, "cap");
  assert_true(info.lo == 0 && info.hi == 1);
  /* a copy is flat bytes: changing it leaves the original alone */
  salesim_scenario *c = salesim_scenario_copy(sc);
  assert_non_null(c);
  assert_int_equal(salesim_scenario_set(c, "mechanisms[0].components.q4.cap", 0.9, &d), 0);
  assert_true(salesim_scenario_get(c, "mechanisms[0].components.q4.cap", &d) == 0.9);
  assert_true(salesim_scenario_get(sc, "mechanisms[0].components.q4.cap", &d) == 0.2);
  assert_string_equal(((const probe_params *)c->mechanisms[0].params)->components.item[1].name,
                      "q4");
  salesim_scenario_free(c);
  assert_int_equal(d.count, 0);
  salesim_scenario_free(sc);
}

/* Item names may contain dots: the longest name that fits and leads to a
 * number wins. */
static void test_dotted_names(void **state) {
  (void)state;
  salesim_scenario *sc =
      load_ok("dots.cfg", "mechanisms = ( { type = \"items_probe\"; components = (\n"
                          "  { type = \"kicker\"; name = \"a\"; rate = 0.1; },\n"
                          "  { type = \"kicker\"; name = \"a.b\"; rate = 0.2; } ); } );\n");
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_true(salesim_scenario_get(sc, "mechanisms[0].components.a.b.rate", &d) == 0.2);
  assert_true(salesim_scenario_get(sc, "mechanisms[0].components.a.rate", &d) == 0.1);
  assert_int_equal(d.count, 0);
  salesim_scenario_free(sc);
}

/* A sweep over an item's number is checked on load, point by point, with
 * the kind's check. */
static void test_sweep_checked(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char *p = salesim_test_write_at(
      "sweep.cfg", "mechanisms = ( { type = \"items_probe\"; components = (\n"
                   "  { type = \"kicker\"; name = \"q4\"; rate = 0.1; cap = 0.2; } ); } );\n"
                   "sweep = { params = ( { path = \"mechanisms.items_probe.components.q4.rate\";\n"
                   "  values = [0.1, 0.3]; } ); };\n");
  assert_int_equal(salesim_test_load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d, "%s:3: sweep.params[0]", p));
  int found = 0;
  for (size_t i = 0; i < d.count; i++)
    found |= strstr(d.lines[i], "0.2 is below rate 0.3") != NULL;
  assert_true(found);
  salesim_diag_clear(&d);
}

/* ---- the reference ---------------------------------------------------------------- */

static void test_doc(void **state) {
  (void)state;
  FILE *fp = tmpfile();
  assert_non_null(fp);
  assert_int_equal(salesim_scenario_doc_markdown(fp), 0);
  long n = ftell(fp);
  rewind(fp);
  char *md = calloc(1, (size_t)n + 1);
  assert_int_equal(fread(md, 1, (size_t)n, fp), (size_t)n);
  fclose(fp);
  assert_non_null(strstr(md, "| `components` | list of groups | empty list | up to 6 groups; "
                             "type one of: bonus, kicker | "));
  const char *b = strstr(md, "#### `items_probe.components`: `bonus`");
  const char *k = strstr(md, "#### `items_probe.components`: `kicker`");
  assert_non_null(b);
  assert_non_null(k);
  assert_true(b < k);
  assert_non_null(strstr(b, "| `share` | number | 0.3 | 0..1 | share |"));
  assert_non_null(strstr(k, "| `months` | integer | 3 | 1..24 | months |"));
  char expect[256];
  salesim_params_expect_text(&probe_specs[1], expect, sizeof expect);
  assert_string_equal(expect, "a list of { type = \"...\"; ... } groups (kinds: bonus|kicker)");
  free(md);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_load),         cmocka_unit_test(test_problems_in_one_run),
      cmocka_unit_test(test_checks),       cmocka_unit_test(test_percentage_hint),
      cmocka_unit_test(test_json),         cmocka_unit_test(test_paths),
      cmocka_unit_test(test_dotted_names), cmocka_unit_test(test_sweep_checked),
      cmocka_unit_test(test_doc),
  };
  return cmocka_run_group_tests(tests, setup, salesim_test_root_teardown);
}
