/*
 * tests/test_scenario_problems.c: every kind of problem in a scenario file
 * reported by the loader (engine/scenario/scenario.c) at its FILE:LINE with
 * its full setting name, all of them in one run: bad values, missing and
 * empty mechanisms, distributions, points and vectors, cross-checks,
 * territories and the firm, a share written as a percentage, integers that
 * would wrap, and messages kept to one line. The loader's normal paths are
 * in tests/test_scenario.c.
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
#define has_line(...) salesim_test_has_line(__VA_ARGS__)
#define load_bad(...) salesim_test_load_bad(__VA_ARGS__)


/* ---- problems ------------------------------------------------------------- */

static void test_many_problems(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char *p = write_file(
      "many.cfg",
      /*  1 */ "# many problems at once\n"
      /*  2 */ "nmae = \"x\";\n"
      /*  3 */ "months = \"36\";\n"
      /*  4 */ "replications = 0;\n"
      /*  5 */ "baseline = \"comission\";\n"
      /*  6 */ "population = {\n"
      /*  7 */ "  reps = 10;\n"
      /*  8 */ "  ability = { dist = \"lognormal\"; mean = 1.0; sd = -0.5; };\n"
      /*  9 */ "  skill = { dist = \"gamma\"; mean = 1.0; sd = 0.2; };\n"
      /* 10 */ "  tenure_months = { dist = \"uniform\"; min = 50.0; max = 10.0; };\n"
      /* 11 */ "};\n"
      /* 12 */ "territories = { count = 20; };\n"
      /* 13 */ "mechanisms = (\n"
      /* 14 */ "  { type = \"commission\"; rtae = 0.05; },\n"
      /* 15 */ "  { type = \"target_salry\"; },\n"
      /* 16 */ "  { type = \"target_salary\"; curve = ( (0.0, 0.0), (1.0, 1.0), (1.0, 2.0) ); },\n"
      /* 17 */ "  { type = \"commission\"; name = \"target_salary\"; rate = 2.0; },\n"
      /* 18 */ "  { type = \"xyz\"; }\n"
      /* 19 */ ");\n"
      /* 20 */ "production = { collisions = 1; mode = \"pipline\"; };\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d, "%s:2: nmae: unknown setting, did you mean 'name'? (expected one of: "
                           "name, description, currency, seed",
                       p));
  assert_true(has_line(&d, "%s:3: months: wrong type, got a string (expected an integer 1..600)",
                       p));
  assert_true(has_line(&d, "%s:4: replications: 0 out of range (expected an integer 1..100000)",
                       p));
  assert_true(has_line(&d, "%s:8: population.ability.sd: -0.5 out of range (expected >= 0)", p));
  assert_true(has_line(&d,
                       "%s:9: population.skill.dist: unknown value \"gamma\" (expected one of: "
                       "constant, normal, lognormal, uniform)",
                       p));
  assert_true(has_line(&d,
                       "%s:10: population.tenure_months.max: 10 is not above min 50 (expected "
                       "min < max)",
                       p));
  assert_true(has_line(&d,
                       "%s:14: mechanisms[0].rtae: unknown setting, did you mean 'rate'? "
                       "(expected one of: rate, book_rate, tiers",
                       p));
  assert_true(has_line(&d,
                       "%s:15: mechanisms[1].type: unknown mechanism \"target_salry\", did you "
                       "mean 'target_salary'? (expected one of: commission, target_salary",
                       p));
  assert_true(has_line(&d,
                       "%s:16: mechanisms[2].curve[2]: x = 1 is not above the previous x = 1 "
                       "(expected x strictly increasing)",
                       p));
  assert_true(has_line(&d,
                       "%s:17: mechanisms[3].name: \"target_salary\" is also the name of "
                       "mechanisms[2] on line 16 (expected unique names",
                       p));
  assert_true(has_line(&d, "%s:17: mechanisms[3].rate: 2 out of range (expected a number 0..1; a share: "
                       "write 0.02 for 2 %%)",
                       p));
  assert_true(has_line(&d,
                       "%s:18: mechanisms[4].type: unknown mechanism \"xyz\" (expected one of: "
                       "commission, target_salary",
                       p));
  assert_true(has_line(&d,
                       "%s:5: baseline: no mechanism is named \"comission\", did you mean "
                       "'commission'? (expected one of: commission, ",
                       p));
  assert_true(has_line(&d,
                       "%s:7: population.reps: 10 reps for 20 territories (expected at least one "
                       "rep per territory)",
                       p));
  assert_true(has_line(&d, "%s:20: production.collisions: wrong type, got an integer (expected "
                           "true or false)",
                       p));
  assert_true(has_line(&d,
                       "%s:20: production.mode: unknown value \"pipline\", did you mean "
                       "'pipeline'? (expected one of: pipeline, linear)",
                       p));
  salesim_diag_clear(&d);
}

static void test_missing_and_empty_mechanisms(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char *p = write_file("nomech.cfg", "seed = 3;\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d, "%s:1: mechanisms: missing (expected a list of mechanisms", p));
  assert_int_equal(d.count, 1);
  salesim_diag_clear(&d);

  p = write_file("emptymech.cfg", "seed = 3;\nmechanisms = ();\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d, "%s:2: mechanisms: empty list (expected at least one mechanism", p));
  salesim_diag_clear(&d);

  p = write_file("groupmech.cfg", "mechanisms = { type = \"commission\"; };\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d, "%s:1: mechanisms: wrong type, got a group (expected a list", p));
  salesim_diag_clear(&d);

  p = write_file("notype.cfg", "mechanisms = ( { rate = 0.1; }, 5 );\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d, "%s:1: mechanisms[0].type: missing (expected one of: commission, ", p));
  assert_true(has_line(&d, "%s:1: mechanisms[1]: wrong type, got an integer (expected a group", p));
  salesim_diag_clear(&d);
}

static void test_dist_problems(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char *p = write_file(
      "dist.cfg",
      /* 1 */ "population = {\n"
      /* 2 */ "  effort_cost = { dist = \"normal\"; mean = 3000; sd = 500; };\n"
      /* 3 */ "  skill = { dist = \"lognormal\"; mean = 0; sd = 0.1; };\n"
      /* 4 */ "  ability = { dist = \"constant\"; mean = 1; sd = 0.1; };\n"
      /* 5 */ "  moral_cost = { mean = 1; sd = 0.1; };\n"
      /* 6 */ "  savings_months = { dist = \"normal\"; mean = 4; sd = 2; minn = 0; };\n"
      /* 7 */ "  outside_wage = { dist = \"normal\"; mean = 4500; sd = 1000; min = 5000; };\n"
      /* 8 */ "  risk_aversion = \"high\";\n"
      /* 9 */ "  tenure_months = { dist = \"uniform\"; max = 5; };\n"
      /*10 */ "  living_cost = -1.0;\n"
      /*11 */ "};\n"
      /*12 */ "mechanisms = ( { type = \"commission\"; } );\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d,
                       "%s:2: population.effort_cost.min: missing: a normal can reach the end of "
                       "the range and draws are clamped to it (expected an explicit min, > 0)",
                       p));
  assert_true(has_line(&d, "%s:3: population.skill.mean: 0 out of range (expected a number > 0 or",
                       p));
  assert_true(has_line(&d,
                       "%s:4: population.ability.sd: not used by dist \"constant\" (expected only "
                       "mean)",
                       p));
  assert_true(has_line(&d,
                       "%s:5: population.moral_cost.dist: missing (expected one of: constant, "
                       "normal, lognormal, uniform)",
                       p));
  assert_true(has_line(&d,
                       "%s:6: population.savings_months.minn: unknown setting, did you mean "
                       "'min'? (expected one of: dist, mean, sd, min, max)",
                       p));
  assert_true(has_line(&d,
                       "%s:7: population.outside_wage.mean: 4500 is outside [min, max] = [5000, "
                       "inf] (expected a mean inside)",
                       p));
  assert_true(has_line(&d, "%s:8: population.risk_aversion: wrong type, got a string (expected a "
                           "number >= 0 or a group",
                       p));
  assert_true(has_line(&d,
                       "%s:9: population.tenure_months.min: missing for dist \"uniform\" "
                       "(expected a number)",
                       p));
  assert_true(has_line(&d,
                       "%s:10: population.living_cost: -1 out of range (expected a number > 0)",
                       p));
  salesim_diag_clear(&d);
}

static void test_points_vectors_and_checks(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char *p = write_file(
      "pv.cfg",
      /* 1 */ "mechanisms = (\n"
      /* 2 */ "  { type = \"target_salary\";\n"
      /* 3 */ "    salary_by_grade = [100000, 0];\n"
      /* 4 */ "    grade_tenure = [0, 24, 12];\n"
      /* 5 */ "    curve = ( (0, 0), (1, 1, 2), (2, -1) ); },\n"
      /* 6 */ "  { type = \"target_salary\"; name = \"two\";\n"
      /* 7 */ "    salary_by_grade = [100000];\n"
      /* 8 */ "    grade_tenure = [0, 24]; },\n"
      /* 9 */ "  { type = \"commission\"; name = \"bad name!\"; tiers = ( (0, 0.01), (1e6, 2) ); }\n"
      /*10 */ ");\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d,
                       "%s:3: mechanisms[0].salary_by_grade[1]: 0 out of range (expected 0 < x "
                       "<= 1000000000)",
                       p));
  assert_true(has_line(&d,
                       "%s:4: mechanisms[0].grade_tenure[2]: 12 is not above the previous value "
                       "24 (expected strictly increasing values)",
                       p));
  assert_true(has_line(&d, "%s:5: mechanisms[0].curve[1]: not an (x, y) pair, got a list", p));
  /* the mechanism's own check runs when its settings are valid, with the
   * same FILE:LINE: SETTING prefix */
  assert_true(has_line(&d,
                       "%s:6: mechanisms[1].grade_tenure: 2 values but salary_by_grade has 1 "
                       "(expected the same length)",
                       p));
  assert_true(has_line(&d, "%s:9: mechanisms[2].name: \"bad name!\" (expected letters, digits", p));
  assert_true(has_line(&d, "%s:9: mechanisms[2].tiers[1]: y = 2 out of range (expected y 0..1)",
                       p));
  salesim_diag_clear(&d);
}

/* A share given as a percentage (1 < v <= 100) says how to write it (issue
 * 14); above 100 it is only out of range. Points and vectors with a share
 * unit: tests/test_items.c. */
static void test_share_as_percentage(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char *p = write_file(
      "pct.cfg",
      /* 1 */ "firm = { margin = 40; };\n"
      /* 2 */ "mechanisms = (\n"
      /* 3 */ "  { type = \"target_salary\"; fixed_share = 70; },\n"
      /* 4 */ "  { type = \"target_salary\"; name = \"b\"; fixed_share = 700; }\n"
      /* 5 */ ");\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d,
                       "%s:1: firm.margin: 40 out of range (expected a number 0..1; a share: "
                       "write 0.4 for 40 %%)",
                       p));
  assert_true(has_line(&d,
                       "%s:3: mechanisms[0].fixed_share: 70 out of range (expected a number 0..1; "
                       "a share: write 0.7 for 70 %%)",
                       p));
  assert_true(has_line(&d,
                       "%s:4: mechanisms[1].fixed_share: 700 out of range (expected a number "
                       "0..1)",
                       p));
  assert_int_equal(d.count, 3);
  salesim_diag_clear(&d);
}

static void test_territories_and_firm(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char *p = write_file(
      "terr.cfg",
      /* 1 */ "territories = {\n"
      /* 2 */ "  count = 3;\n"
      /* 3 */ "  list = ( { potential = 1e6; },\n"
      /* 4 */ "           { book = 10; potentail = 5; } );\n"
      /* 5 */ "};\n"
      /* 6 */ "firm = { target_rule = \"fixed\"; };\n"
      /* 7 */ "currency = \"A currency label that is far too long\";\n"
      /* 8 */ "mechanisms = ( { type = \"commission\"; } );\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d,
                       "%s:2: territories.count: set together with territories.list (expected "
                       "one of the two",
                       p));
  assert_true(has_line(&d,
                       "%s:4: territories.list[1].potentail: unknown setting, did you mean "
                       "'potential'?",
                       p));
  assert_true(has_line(&d, "%s:4: territories.list[1].potential: missing (expected a number > 0)",
                       p));
  assert_true(has_line(&d,
                       "%s:6: firm.fixed_target: missing with target_rule = \"fixed\" (expected "
                       "a number > 0)",
                       p));
  assert_true(has_line(&d, "%s:7: currency: \"A currency label that is far too long\" has 37 "
                           "characters (expected at most 15)",
                       p));
  salesim_diag_clear(&d);
}

/* libconfig 1.5 truncates integer literals beyond 32 bits; the loader must
 * say so rather than use the wrapped number. */
static void test_wrapped_integers(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char *p = write_file("wrap.cfg",
                             "# 5000000000 in a comment is fine\n"
                             "firm = { target_rule = \"fixed\"; fixed_target = 5000000000; };\n"
                             "territories = { list = ( { potential = 3000000000; },\n"
                             "  { potential = 6000000000L; book = 12000000000.0; } ); };\n"
                             "name = \"12345678901\";\n"
                             "seed = 3000000000L;\n"
                             "mechanisms = ( { type = \"commission\"; } );\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d,
                       "%s:2: firm.fixed_target: 5000000000 does not fit a 32-bit integer and "
                       "libconfig reads it as 705032704 (expected 5000000000.0 or 5000000000L)",
                       p));
  assert_true(has_line(&d, "%s:3: territories.list[0].potential: 3000000000 does not fit", p));
  assert_true(has_line(&d,
                       "%s:6: seed: 3000000000 out of range (expected an integer 0..2147483647)",
                       p));
  assert_int_equal(d.count, 3);
  salesim_diag_clear(&d);
}

/* A user's string is echoed escaped and shortened: a message stays one line
 * (found by the fuzzer: a string value spanning lines). */
static void test_messages_are_one_line(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  const char *p = write_file("oneline.cfg",
                             "production = { mode = \"pipe\n\tline\"; };\n"
                             "baseline = \"a very long label that goes on and on and on and on\";\n"
                             "mechanisms = ( { type = \"commission\"; } );\n");
  assert_int_equal(load_bad(p, &d), SALESIM_ESCENARIO);
  assert_true(has_line(&d, "%s:1: production.mode: unknown value \"pipe\\n\\x09line\", did you "
                           "mean 'pipeline'?",
                       p));
  assert_true(has_line(&d,
                       "%s:3: baseline: no mechanism is named \"a very long label that goes on "
                       "and on an...\"",
                       p));
  for (size_t i = 0; i < d.count; i++)
    assert_null(strchr(d.lines[i], '\n'));
  salesim_diag_clear(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_many_problems),
      cmocka_unit_test(test_missing_and_empty_mechanisms),
      cmocka_unit_test(test_dist_problems),
      cmocka_unit_test(test_points_vectors_and_checks),
      cmocka_unit_test(test_share_as_percentage),
      cmocka_unit_test(test_territories_and_firm),
      cmocka_unit_test(test_wrapped_integers),
      cmocka_unit_test(test_messages_are_one_line),
  };
  return cmocka_run_group_tests(tests, salesim_test_root_setup, salesim_test_root_teardown);
}
