/*
 * tests/test_scenario.c: the scenario loader (engine/scenario/scenario.c) and the
 * parameter tables (engine/scenario/params.c): shipped scenarios load clean,
 * defaults, values of every kind, syntax errors, unreadable files, @include,
 * and docs that list every setting. Every kind of problem reported at its
 * FILE:LINE is in tests/test_scenario_problems.c.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <salesim/salesim.h>

#include "mechanism.h"
#include "params.h"
#include "testutil.h"

/* Short names for the helpers of tests/testutil.h this file uses on most lines. */
#define write_file(...) salesim_test_write_at(__VA_ARGS__)
#define tmp_path(...) salesim_test_at(__VA_ARGS__)
#define has_line(...) salesim_test_has_line(__VA_ARGS__)
#define print_diag(...) salesim_test_print_diag(__VA_ARGS__)
#define load_bad(...) salesim_test_load_bad(__VA_ARGS__)

/* The group's folder, with parts/ for the @include tests. */
static int setup(void **state) {
  if (salesim_test_root_setup(state) != 0)
    return -1;
  return mkdir(salesim_test_at("parts"), 0700);
}

/* A mechanism's setting by name, through its param table. */
static const void *mech_field(const salesim_mechanism_spec *m, const char *name) {
  const salesim_param_table *t = m->type->params;
  for (size_t i = 0; i < t->count; i++)
    if (strcmp(t->specs[i].name, name) == 0)
      return (const char *)m->params + t->specs[i].offset;
  fail_msg("no setting %s in %s", name, t->group);
  return NULL;
}

/* ---- shipped scenarios and defaults -------------------------------------- */

static void test_shipped_default(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  int rc = salesim_scenario_load(&sc, salesim_test_path("scenarios/default.cfg"), &d);
  print_diag(&d);
  assert_int_equal(rc, 0);
  assert_int_equal(d.count, 0);
  assert_non_null(sc);
  assert_string_equal(sc->name, "default");
  assert_int_equal(sc->population.reps, 200);
  assert_int_equal(sc->territories.count, 50);
  assert_null(sc->territories.list);
  assert_int_equal(sc->months, 36);
  assert_int_equal(sc->replications, 20);
  assert_int_equal(sc->n_mechanisms, 3);
  assert_string_equal(sc->mechanisms[0].name, "target_salary");
  assert_string_equal(sc->mechanisms[1].name, "commission");
  assert_string_equal(sc->mechanisms[2].name, "commission_draw");
  assert_int_equal(sc->baseline_index, 0);
  assert_string_equal(sc->baseline, "target_salary");
  assert_int_equal(strlen(sc->hash), 16);
  const salesim_vector *salary = mech_field(&sc->mechanisms[0], "salary_by_grade");
  assert_int_equal(salary->n, 3);
  assert_close(salary->v[2], 140000, 1e-12, 0);
  assert_close(*(const double *)mech_field(&sc->mechanisms[2], "draw"), 5000, 1e-12, 0);
  assert_true(sc->mechanisms[2].line > sc->mechanisms[1].line);
  salesim_scenario_free(sc);
  salesim_diag_clear(&d);
}

static void test_shipped_target_salary_example(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  int rc = salesim_scenario_load(
      &sc, salesim_test_path("scenarios/target-salary-example.cfg"), &d);
  print_diag(&d);
  assert_int_equal(rc, 0);
  assert_int_equal(d.count, 0);
  assert_int_equal(sc->firm.target_rule, SALESIM_TARGET_FIXED);
  assert_close(sc->firm.fixed_target, 5e6, 1e-12, 0);
  const salesim_mechanism_spec *ts = &sc->mechanisms[sc->baseline_index];
  assert_string_equal(ts->type->name, "target_salary");
  const salesim_points *curve = mech_field(ts, "curve");
  assert_int_equal(curve->n, 3);
  assert_close(curve->x[2], 1.5, 1e-12, 0);
  assert_close(curve->y[2], 3.0, 1e-12, 0);
  assert_close(*(const double *)mech_field(ts, "fixed_share"), 0.7, 1e-12, 0);
  salesim_scenario_free(sc);
  salesim_diag_clear(&d);
}

static void test_defaults(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  const char *path = write_file("minimal.cfg", "mechanisms = ( { type = \"commission\"; } );\n");
  int rc = salesim_scenario_load(&sc, path, &d);
  print_diag(&d);
  assert_int_equal(rc, 0);
  assert_string_equal(sc->path, path);
  assert_string_equal(sc->name, "minimal");
  assert_string_equal(sc->currency, "CNY");
  assert_null(sc->description);
  assert_true(sc->seed == 1);
  assert_int_equal(sc->replications, 20);
  assert_int_equal(sc->months, 36);
  assert_int_equal(sc->months_per_year, 12);
  assert_string_equal(sc->baseline, "commission");
  /* production */
  assert_int_equal(sc->production.mode, SALESIM_MODE_PIPELINE);
  assert_close(sc->production.cycle_months, 6, 1e-12, 0);
  assert_int_equal(sc->production.deal_value.kind, SALESIM_DIST_LOGNORMAL);
  assert_close(sc->production.deal_value.mean, 200000, 1e-12, 0);
  assert_close(sc->production.account_share, 0.02, 1e-12, 0);
  assert_close(sc->production.churn, 0.03, 1e-12, 0);
  assert_close(sc->production.output_scale, 1, 1e-12, 0);
  assert_int_equal(sc->production.collisions, 1);
  /* population */
  assert_int_equal(sc->population.reps, 200);
  assert_int_equal(sc->population.ability.kind, SALESIM_DIST_LOGNORMAL);
  assert_close(sc->population.ability.sd, 0.3, 1e-12, 0);
  assert_close(sc->population.risk_aversion.mean, 3e-6, 1e-12, 0);
  assert_int_equal(sc->population.outside_wage.kind, SALESIM_DIST_NORMAL);
  assert_close(sc->population.outside_wage.min, 0, 0, 0);
  assert_true(isinf(sc->population.outside_wage.max));
  assert_int_equal(sc->population.tenure_months.kind, SALESIM_DIST_UNIFORM);
  assert_close(sc->population.tenure_months.max, 96, 1e-12, 0);
  assert_close(sc->population.tenure_months.mean, 48, 1e-12, 0);
  assert_int_equal(sc->population.hire_delay, 1);
  assert_int_equal(sc->population.horizon_months, 24);
  assert_close(sc->population.discount, 0.99, 1e-12, 0);
  /* territories and firm */
  assert_int_equal(sc->territories.count, 50);
  assert_close(sc->territories.potential.mean, 12e6, 1e-12, 0);
  assert_int_equal(sc->territories.difficulty.kind, SALESIM_DIST_CONSTANT);
  assert_close(sc->territories.difficulty.mean, 1, 1e-12, 0);
  assert_close(sc->firm.margin, 0.4, 1e-12, 0);
  assert_int_equal(sc->firm.target_rule, SALESIM_TARGET_POTENTIAL_BOOK);
  /* the mechanism's own defaults */
  assert_close(*(const double *)mech_field(&sc->mechanisms[0], "rate"), 0.02, 1e-12, 0);
  assert_int_equal(*(const int *)mech_field(&sc->mechanisms[0], "draw_recoverable"), 1);
  salesim_scenario_free(sc);
  salesim_diag_clear(&d);
}

static void test_values_of_every_kind(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  const char *path = write_file("kinds.cfg",
                                "description = \"a long description that does not fit in "
                                "sixty-three characters, which is fine\";\n"
                                "seed = 12345L;\n"
                                "production = { mode = \"linear\"; noise_sd = 1000; "
                                "collisions = false; deal_value = 150000; };\n"
                                "population = { reps = 3; ability = 1.25; "
                                "effort_cost = { dist = \"normal\"; mean = 3000; sd = 500; "
                                "min = 100; }; };\n"
                                "territories = { list = ( { potential = 1e7; },\n"
                                "  { potential = 2e7; book = 5; prospects = 10; difficulty = 2; } );\n"
                                "  book = 7; };\n"
                                "mechanisms = ( { type = \"target_salary\"; name = \"ts-2.a\";\n"
                                "  salary_by_grade = (90000, 110000.5); grade_tenure = [0, 24];\n"
                                "  curve = ( [0, 0], (1, 1.5) ); settlement = \"quarterly\"; } );\n");
  int rc = salesim_scenario_load(&sc, path, &d);
  print_diag(&d);
  assert_int_equal(rc, 0);
  assert_non_null(sc->description);
  assert_true(strlen(sc->description) > 63);
  assert_true(sc->seed == 12345);
  assert_int_equal(sc->production.mode, SALESIM_MODE_LINEAR);
  assert_int_equal(sc->production.collisions, 0);
  assert_int_equal(sc->production.deal_value.kind, SALESIM_DIST_CONSTANT);
  assert_close(sc->production.deal_value.mean, 150000, 1e-12, 0);
  assert_close(sc->population.ability.mean, 1.25, 1e-12, 0);
  assert_int_equal(sc->population.effort_cost.kind, SALESIM_DIST_NORMAL);
  assert_close(sc->population.effort_cost.min, 100, 1e-12, 0);
  assert_int_equal(sc->territories.list_count, 2);
  assert_int_equal(sc->territories.count, 2);
  /* unset entries take the means of the territories' distributions */
  assert_close(sc->territories.list[0].book, 7, 1e-12, 0);
  assert_close(sc->territories.list[0].prospects, 400, 1e-12, 0);
  assert_close(sc->territories.list[1].difficulty, 2, 1e-12, 0);
  const salesim_mechanism_spec *m = &sc->mechanisms[0];
  assert_string_equal(m->name, "ts-2.a");
  assert_string_equal(sc->baseline, "ts-2.a");
  const salesim_vector *v = mech_field(m, "salary_by_grade");
  assert_int_equal(v->n, 2);
  assert_close(v->v[1], 110000.5, 1e-12, 0);
  const salesim_points *p = mech_field(m, "curve");
  assert_int_equal(p->n, 2);
  assert_close(p->y[1], 1.5, 1e-12, 0);
  assert_int_equal(*(const int *)mech_field(m, "settlement"), 1);
  salesim_scenario_free(sc);
  salesim_diag_clear(&d);
}

/* ---- files ---------------------------------------------------------------- */

static void test_syntax_error(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char *p = write_file("syntax.cfg", "seed = 1;\nmonths = ;\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_int_equal(d.count, 1);
  assert_true(has_line(&d, "%s:2: syntax error: syntax error, in: months = ;", p));
  salesim_diag_clear(&d);

  p = write_file("mixed.cfg", "seed = 1;\n\nx = [1, 2.0];\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d, "%s:3: syntax error: mismatched element type in array", p));
  salesim_diag_clear(&d);
}

static void test_missing_file(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char *p = tmp_path("does-not-exist.cfg");
  assert_int_equal(load_bad(p, &d), SALESIM_EIO);
  assert_int_equal(d.count, 1);
  assert_true(has_line(&d, "%s: cannot read: No such file or directory", p));
  salesim_diag_clear(&d);

  assert_int_equal(load_bad(salesim_test_root(), &d), SALESIM_ESCENARIO); /* a folder */
  assert_true(has_line(&d, "%s: not a regular file", salesim_test_root()));
  salesim_diag_clear(&d);
}

static void test_include(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  write_file("parts/pop.cfg", "population = { reps = 120; };\n");
  const char *p = write_file("inc.cfg",
                             "@include \"parts/pop.cfg\"\n"
                             "mechanisms = ( { type = \"commission\"; } );\n");
  int rc = salesim_scenario_load(&sc, p, &d);
  print_diag(&d);
  assert_int_equal(rc, 0);
  assert_int_equal(sc->population.reps, 120);
  salesim_scenario_free(sc);

  /* a problem inside the included file names that file and its line */
  write_file("parts/bad.cfg", "# people\npopulation = {\n  reps = -1;\n  abilty = 1; };\n");
  p = write_file("incbad.cfg",
                 "months = 12;\n"
                 "@include \"parts/bad.cfg\"\n"
                 "mechanisms = ( { type = \"commission\"; } );\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d,
                       "%s/parts/bad.cfg:3: population.reps: -1 out of range (expected an "
                       "integer 1..1000000)",
                       salesim_test_root()));
  assert_true(has_line(&d,
                       "%s/parts/bad.cfg:4: population.abilty: unknown setting, did you mean "
                       "'ability'?",
                       salesim_test_root()));
  salesim_diag_clear(&d);

  /* a syntax error inside the included file too */
  write_file("parts/syntax.cfg", "population = {\n  reps = 5;\n  skill = ;\n};\n");
  p = write_file("incsyntax.cfg", "@include \"parts/syntax.cfg\"\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(
      has_line(&d, "%s/parts/syntax.cfg:3: syntax error: syntax error", salesim_test_root()));
  salesim_diag_clear(&d);

  /* and an include that is not there */
  p = write_file("incmissing.cfg", "seed = 2;\n@include \"parts/nope.cfg\"\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d,
                       "%s:2: @include \"parts/nope.cfg\": cannot read: No such file or "
                       "directory",
                       p));
  salesim_diag_clear(&d);
}

static void test_hash_and_free(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *a = NULL, *b = NULL, *c = NULL;
  const char *text = "mechanisms = ( { type = \"commission\"; } );\n";
  assert_int_equal(salesim_scenario_load(&a, write_file("h1.cfg", text), &d), 0);
  assert_int_equal(salesim_scenario_load(&b, write_file("h2.cfg", text), &d), 0);
  assert_int_equal(salesim_scenario_load(
                       &c, write_file("h3.cfg", "# other\nmechanisms = ( { type = \"commission\"; } );\n"),
                       &d),
                   0);
  assert_string_equal(a->hash, b->hash);
  assert_string_not_equal(a->hash, c->hash);
  /* an empty file is valid libconfig but has no mechanisms */
  write_file("empty.cfg", "");
  salesim_scenario *e = NULL;
  assert_int_equal(salesim_scenario_load(&e, tmp_path("empty.cfg"), &d), SALESIM_ESCENARIO);
  salesim_scenario_free(a);
  salesim_scenario_free(b);
  salesim_scenario_free(c);
  salesim_scenario_free(NULL);
  salesim_diag_clear(&d);
  assert_int_equal(salesim_scenario_load(&e, NULL, &d), SALESIM_EINVAL);
}

/* ---- tables and docs ----------------------------------------------------- */

static void test_distance_and_suggest(void **state) {
  (void)state;
  static const char *const names[] = {"rate", "book_rate", "tiers", "base", "draw", "cap"};
  assert_int_equal(salesim_params_distance("rate", "rate"), 0);
  assert_int_equal(salesim_params_distance("rtae", "rate"), 1); /* a swap is one edit */
  assert_int_equal(salesim_params_distance("", "abc"), 3);
  assert_int_equal(salesim_params_distance("kitten", "sitting"), 3);
  assert_string_equal(salesim_params_suggest("rat", names, 6), "rate");
  assert_string_equal(salesim_params_suggest("tires", names, 6), "tiers");
  assert_null(salesim_params_suggest("zzzzzz", names, 6));
}

static void test_param_helpers(void **state) {
  (void)state;
  char buf[256];
  salesim_param_spec s = {"x", SALESIM_P_DOUBLE, 0, 0, NULL, 0, 1, SALESIM_PF_MIN_EXCL, NULL,
                          "", ""};
  assert_false(salesim_params_in_range(&s, 0));
  assert_true(salesim_params_in_range(&s, 1));
  assert_false(salesim_params_in_range(&s, NAN));
  assert_string_equal(salesim_params_range_text(&s, buf, sizeof buf), "0 < x <= 1");
  s.max = INFINITY;
  assert_string_equal(salesim_params_range_text(&s, buf, sizeof buf), "> 0");
  assert_int_equal(salesim_params_choice_index("annual|quarterly", "quarterly"), 1);
  assert_int_equal(salesim_params_choice_index("annual|quarterly", "annua"), -1);
  assert_string_equal(salesim_params_choice_text("a|bb|c", -1, buf, sizeof buf), "a, bb, c");
  assert_string_equal(salesim_params_choice_text("a|bb|c", 1, buf, sizeof buf), "bb");
  assert_string_equal(salesim_params_number_text(12e6, buf, sizeof buf), "12000000");
  /* defaults of every registered mechanism satisfy its own table and check */
  const salesim_mechanism_type *const *all = salesim_mechanism_all();
  for (size_t i = 0; all[i] != NULL; i++) {
    const salesim_param_table *t = all[i]->params;
    void *p = calloc(1, t->struct_size);
    assert_non_null(p);
    salesim_params_defaults(t, p);
    for (size_t j = 0; j < t->count; j++)
      if (t->specs[j].kind == SALESIM_P_DOUBLE && !(t->specs[j].flags & SALESIM_PF_REQUIRED))
        assert_true(
            salesim_params_in_range(&t->specs[j], *(double *)((char *)p + t->specs[j].offset)));
    free(p);
  }
}

/* Every setting of every table must appear in docs/scenario-format.md as
 * `name`, so the docs cannot fall behind the tables. */
static void check_names_in(const char *text, const char *what) {
  char needle[SALESIM_NAME_MAX + 4];
  size_t n;
  const salesim_param_table *tables = salesim_scenario_tables(&n);
  int missing = 0;
  for (size_t t = 0; t < n; t++)
    for (size_t i = 0; i < tables[t].count; i++) {
      snprintf(needle, sizeof needle, "`%s`", tables[t].specs[i].name);
      if (strstr(text, needle) == NULL) {
        print_message("%s lacks %s.%s\n", what, tables[t].group, tables[t].specs[i].name);
        missing++;
      }
    }
  const salesim_mechanism_type *const *all = salesim_mechanism_all();
  for (size_t m = 0; all[m] != NULL; m++) {
    snprintf(needle, sizeof needle, "`%s`", all[m]->name);
    if (strstr(text, needle) == NULL) {
      print_message("%s lacks mechanism %s\n", what, all[m]->name);
      missing++;
    }
    const salesim_param_table *t = all[m]->params;
    for (size_t i = 0; i < t->count; i++) {
      snprintf(needle, sizeof needle, "`%s`", t->specs[i].name);
      if (strstr(text, needle) == NULL) {
        print_message("%s lacks %s.%s\n", what, all[m]->name, t->specs[i].name);
        missing++;
      }
      /* a list of typed groups (SALESIM_P_ITEMS): each kind has its own
       * sub-table, "`MECH.LIST`: `KIND`", with every setting of the kind */
      const salesim_item_kinds *ks = t->specs[i].def_ptr;
      if (t->specs[i].kind != SALESIM_P_ITEMS || ks == NULL)
        continue;
      for (int k = 0; k < ks->n; k++) {
        char head[3 * SALESIM_NAME_MAX + 16];
        snprintf(head, sizeof head, "`%s.%s`: `%s`", all[m]->name, t->specs[i].name,
                 ks->kinds[k].type);
        const char *sub = strstr(text, head);
        if (sub == NULL) {
          print_message("%s lacks %s\n", what, head);
          missing++;
          continue;
        }
        const char *end = strstr(sub + 1, "\n#"); /* the sub-table ends at the next heading */
        const salesim_param_table *kt = ks->kinds[k].table;
        for (size_t j = 0; j < kt->count; j++) {
          snprintf(needle, sizeof needle, "`%s`", kt->specs[j].name);
          const char *at = strstr(sub, needle);
          if (at == NULL || (end != NULL && at > end)) {
            print_message("%s lacks %s.%s\n", what, head, kt->specs[j].name);
            missing++;
          }
        }
      }
    }
  }
  assert_int_equal(missing, 0);
}

static char *slurp(FILE *fp) {
  size_t cap = 1 << 16, len = 0, got;
  char *buf = malloc(cap);
  assert_non_null(buf);
  while ((got = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
    len += got;
    if (cap - len < 2) {
      cap *= 2;
      buf = realloc(buf, cap);
      assert_non_null(buf);
    }
  }
  buf[len] = '\0';
  return buf;
}

static void test_docs_list_every_setting(void **state) {
  (void)state;
  FILE *fp = fopen(salesim_test_path("docs/scenario-format.md"), "r");
  assert_non_null(fp);
  char *doc = slurp(fp);
  fclose(fp);
  check_names_in(doc, "docs/scenario-format.md");
  free(doc);

  fp = tmpfile();
  assert_non_null(fp);
  assert_int_equal(salesim_scenario_doc_markdown(fp), 0);
  rewind(fp);
  char *md = slurp(fp);
  fclose(fp);
  check_names_in(md, "salesim_scenario_doc_markdown");
  assert_non_null(strstr(md, "| `fixed_share` | number | 0.7 | 0..1 | share |"));
  assert_non_null(strstr(md, "lognormal(mean 1, sd 0.3)"));
  free(md);
}

/* The complete example in the docs is a valid scenario. */
static void test_docs_example_loads(void **state) {
  (void)state;
  FILE *fp = fopen(salesim_test_path("docs/scenario-format.md"), "r");
  assert_non_null(fp);
  char *doc = slurp(fp);
  fclose(fp);
  const char *start = strstr(doc, "```cfg\n");
  assert_non_null(start);
  start += strlen("```cfg\n");
  const char *end = strstr(start, "```");
  assert_non_null(end);
  char *example = malloc((size_t)(end - start) + 1);
  assert_non_null(example);
  memcpy(example, start, (size_t)(end - start));
  example[end - start] = '\0';
  const char *p = write_file("docs-example.cfg", example);
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  int rc = salesim_scenario_load(&sc, p, &d);
  print_diag(&d);
  assert_int_equal(rc, 0);
  salesim_scenario_free(sc);
  salesim_diag_clear(&d);
  free(example);
  free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shipped_default),
      cmocka_unit_test(test_shipped_target_salary_example),
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_values_of_every_kind),
      cmocka_unit_test(test_syntax_error),
      cmocka_unit_test(test_missing_file),
      cmocka_unit_test(test_include),
      cmocka_unit_test(test_hash_and_free),
      cmocka_unit_test(test_distance_and_suggest),
      cmocka_unit_test(test_param_helpers),
      cmocka_unit_test(test_docs_list_every_setting),
      cmocka_unit_test(test_docs_example_loads),
  };
  return cmocka_run_group_tests(tests, setup, salesim_test_root_teardown);
}
