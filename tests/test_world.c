/*
 * tests/test_world.c: the world helpers a mechanism calls
 * (models/core/world.c, declared in models/core/world.h), used the way a
 * mechanism uses them: pay and costs, failures, moving a person between
 * territories, a person leaving, the target rule with and without the
 * ratchet overlay (models/core/overlays.c), the per-agent state; and the
 * rule that mechanisms depend on the world, not on the loop (no file of
 * models/mechanisms/ includes sim.h or sim_internal.h).
 */
#include "testutil.h"

#include <dirent.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <salesim/salesim.h>

#include "mechanism.h"
#include "sim.h"
#include "world.h"
#include "streams.h"

static const char *scenario_text =
    "name = \"world\";\nseed = 11;\nmonths = 24;\n"
    "population = { reps = 12; hire_delay = 2; };\n"
    "territories = { count = 4; };\n"
    "mechanisms = (\n"
    "  { type = \"commission\"; name = \"plain\"; },\n"
    "  { type = \"target_salary\"; name = \"ratcheted\"; ratchet = 0.5; }\n"
    ");\n";

static salesim_world *world_of(salesim_scenario **sc, int mech) {
  *sc = salesim_test_load_text(scenario_text);
  assert_non_null(*sc);
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, *sc, mech, 0, (*sc)->seed), 0);
  return w;
}

/* Pay goes to the agent's month and year and to the firm's ledger, split
 * into fixed and variable; staff pay and management cost only the ledger. */
static void test_pay_and_costs(void **state) {
  (void)state;
  salesim_scenario *sc;
  salesim_world *w = world_of(&sc, 0);
  salesim_agent *a = &w->agents[3];
  double pay0 = w->ledger.pay, year0 = a->pay_year;
  a->last_pay = 0;
  salesim_world_pay(w, a, 100, 0);
  salesim_world_pay(w, a, 30, 1);
  salesim_world_pay(w, a, 0, 1);
  assert_true(a->last_pay == 130);
  assert_true(a->pay_year == year0 + 130);
  assert_true(w->ledger.pay == pay0 + 130);
  assert_true(w->ledger.pay_fixed == 100 && w->ledger.pay_variable == 30);
  salesim_world_pay_staff(w, 50, 1);
  assert_true(w->ledger.pay == pay0 + 180 && w->ledger.pay_variable == 80);
  assert_true(a->last_pay == 130);
  double cost0 = w->ledger.mgmt_cost;
  salesim_world_mgmt_cost(w, 7.5);
  assert_true(w->ledger.mgmt_cost == cost0 + 7.5);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

/* The first failure is kept; a positive code becomes SALESIM_EINVAL. */
static void test_fail_keeps_the_first(void **state) {
  (void)state;
  salesim_scenario *sc;
  salesim_world *w = world_of(&sc, 0);
  assert_int_equal(w->error, 0);
  salesim_world_fail(w, 3, "first %d", 1);
  assert_int_equal(w->error, SALESIM_EINVAL);
  assert_string_equal(w->error_text, "first 1");
  salesim_world_fail(w, SALESIM_ENOMEM, "second");
  assert_int_equal(w->error, SALESIM_EINVAL);
  assert_string_equal(w->error_text, "first 1");
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

static double lead_rate_of(const salesim_world *w, int k) {
  const salesim_territory *t = &w->terr[k];
  double n = t->n_slots > 0 ? t->n_slots : 1;
  return t->potential * t->lead_mult / (n * 12.0 * 0.2 * w->deal_mean);
}

/* Moving a person: slot counts and lead rates of both territories follow,
 * the accounts stay behind as the old territory's orphan book. */
static void test_move(void **state) {
  (void)state;
  salesim_scenario *sc;
  salesim_world *w = world_of(&sc, 0);
  salesim_agent *a = &w->agents[0];
  for (int i = 1; i < w->n_agents; i++) /* the biggest book: one to leave behind */
    if (w->agents[i].book > a->book)
      a = &w->agents[i];
  int from = a->territory, to = (from + 1) % w->n_terr;
  int n_from = w->terr[from].n_slots, n_to = w->terr[to].n_slots;
  double book = a->book, orphan = w->terr[from].orphan_book;
  assert_true(book > 0);
  salesim_world_move(w, a, to);
  assert_int_equal(a->territory, to);
  assert_int_equal(w->terr[from].n_slots, n_from - 1);
  assert_int_equal(w->terr[to].n_slots, n_to + 1);
  assert_true(a->book == 0);
  assert_true(w->terr[from].orphan_book == orphan + book);
  assert_true(w->terr[from].lead_rate == lead_rate_of(w, from));
  assert_true(w->terr[to].lead_rate == lead_rate_of(w, to));
  salesim_world_move(w, a, to); /* to where it is: nothing changes */
  assert_int_equal(w->terr[to].n_slots, n_to + 1);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

/* A person leaving: the slot waits hire_delay months, the book waits with
 * the slot for the replacement (production.accounts_to_hire, the default;
 * otherwise it becomes the territory's orphan book), the pipeline is dropped, the leaver is counted in
 * the ledger and the month's series; leaving an empty slot does nothing. */
static void test_exit(void **state) {
  (void)state;
  salesim_scenario *sc;
  salesim_world *w = world_of(&sc, 0);
  salesim_agent *a = &w->agents[5];
  double book = a->book, orphan = w->terr[a->territory].orphan_book;
  assert_true(a->n_opps > 0);
  salesim_world_exit(w, a, SALESIM_EXIT_BROKE);
  assert_int_equal(a->status, SALESIM_AGENT_VACANT);
  assert_int_equal(a->vacant_until, w->month + 1 + 2);
  assert_true(a->book == 0);
  assert_int_equal(a->n_opps, 0);
  if (sc->production.accounts_to_hire) {
    assert_true(a->held_book == book);
    assert_true(w->terr[a->territory].orphan_book == orphan);
  } else {
    assert_true(w->terr[a->territory].orphan_book == orphan + book);
  }
  assert_true(w->ledger.quits == 1 && w->ledger.quits_broke == 1);
  assert_true(w->monthly[(size_t)w->month * SALESIM_SERIES_COUNT + SALESIM_SERIES_QUITS] == 1);
  salesim_world_exit(w, a, SALESIM_EXIT_QUIT);
  assert_true(w->ledger.quits == 1);
  /* vacate alone (a demotion to a bench) counts nobody */
  salesim_agent *b = &w->agents[6];
  salesim_world_vacate(w, b);
  assert_int_equal(b->status, SALESIM_AGENT_VACANT);
  assert_true(w->ledger.quits == 1);
  salesim_world_count_leaver(w, SALESIM_EXIT_QUIT);
  assert_true(w->ledger.quits == 2 && w->ledger.quits_broke == 1);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

/* The firm's rule (potential share of the firm's estimate per slot plus
 * twelve months of book); with the ratchet on and a year behind, last
 * year's target moved halfway to last year's sales, never below a quarter
 * of the rule. */
static void test_rule_target_and_ratchet(void **state) {
  (void)state;
  salesim_scenario *sc;
  salesim_world *w = world_of(&sc, 1);
  salesim_agent *a = &w->agents[2];
  const salesim_territory *t = &w->terr[a->territory];
  const salesim_firm *f = &sc->firm;
  double rule = f->potential_share * t->est_firm * (1.0 / t->n_slots) +
                f->book_factor * 12.0 * a->book;
  a->has_prev = 0;
  assert_close(salesim_world_rule_target(w, a), rule, 1e-12, 0);
  a->has_prev = 1;
  a->prev_target = 1000;
  a->prev_sales = 1400;
  double ratcheted = fmax(1000 + 0.5 * 400, 0.25 * rule);
  assert_close(salesim_world_rule_target(w, a), ratcheted, 1e-12, 0);
  a->prev_target = a->prev_sales = 0; /* the floor: a quarter of the rule */
  assert_close(salesim_world_rule_target(w, a), 0.25 * rule, 1e-12, 0);
  salesim_world_free(w);
  /* without the ratchet a year behind changes nothing */
  w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  a = &w->agents[2];
  a->has_prev = 1;
  a->prev_target = 1000;
  a->prev_sales = 1400;
  t = &w->terr[a->territory];
  rule = f->potential_share * t->est_firm * (1.0 / t->n_slots) + f->book_factor * 12.0 * a->book;
  assert_close(salesim_world_rule_target(w, a), rule, 1e-12, 0);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

/* Per-agent state: one aligned block per slot, zeroed, distinct per slot. */
static void test_agent_state(void **state) {
  (void)state;
  salesim_scenario *sc;
  salesim_world *w = world_of(&sc, 0);
  assert_true(w->type->agent_state_size > 0);
  unsigned char *s0 = salesim_agent_state(w, &w->agents[0]);
  unsigned char *s1 = salesim_agent_state(w, &w->agents[1]);
  assert_non_null(s0);
  assert_true((size_t)(s1 - s0) == w->agent_state_stride);
  assert_true(w->agent_state_stride >= w->type->agent_state_size);
  assert_true(w->agent_state_stride % _Alignof(max_align_t) == 0);
  assert_ptr_equal(salesim_agent_state_const(w, &w->agents[1]), s1);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

/* Mechanisms depend on the world (world.h, mechanism.h), not on the loop. */
static void test_mechanisms_do_not_include_the_loop(void **state) {
  (void)state;
  const char *dir_path = salesim_test_path("models/mechanisms");
  char dir_copy[4096];
  snprintf(dir_copy, sizeof dir_copy, "%s", dir_path);
  DIR *d = opendir(dir_copy);
  assert_non_null(d);
  int seen = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name);
    if (n < 3 || e->d_name[n - 2] != '.' || (e->d_name[n - 1] != 'c' && e->d_name[n - 1] != 'h'))
      continue;
    char path[4352];
    snprintf(path, sizeof path, "%s/%s", dir_copy, e->d_name);
    char *text = salesim_test_slurp(path, NULL);
    assert_non_null(text);
    if (strstr(text, "#include \"sim.h\"") != NULL ||
        strstr(text, "#include \"sim_internal.h\"") != NULL)
      fail_msg("%s includes the loop's header (sim.h or sim_internal.h)", path);
    free(text);
    seen++;
  }
  closedir(d);
  assert_true(seen >= 10);
}

/* salesim_rng_uniform reads GSL's taus2 state directly: the same numbers as
 * gsl_rng_uniform, draw by draw, from many seeds (issue 12). It would fail if
 * a GSL stored taus2's state otherwise. */
static void test_rng_uniform_inline(void **state) {
  (void)state;
  for (uint64_t seed = 0; seed < 200; seed++) {
    gsl_rng *a = salesim_stream_alloc(seed, 3, seed * 7, 1);
    gsl_rng *b = salesim_stream_alloc(seed, 3, seed * 7, 1);
    assert_non_null(a);
    assert_non_null(b);
    for (int i = 0; i < 5000; i++) {
      double x = salesim_rng_uniform(a), y = gsl_rng_uniform(b);
      if (memcmp(&x, &y, sizeof x) != 0)
        fail_msg("seed %llu draw %d: %.17g != %.17g", (unsigned long long)seed, i, x, y);
    }
    /* and the streams stay in step when mixed with GSL's own draws */
    assert_true(gsl_rng_get(a) == gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
  }
  /* another generator falls through to GSL */
  gsl_rng *m1 = gsl_rng_alloc(gsl_rng_mt19937), *m2 = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(m1);
  assert_non_null(m2);
  for (int i = 0; i < 1000; i++)
    assert_true(salesim_rng_uniform(m1) == gsl_rng_uniform(m2));
  gsl_rng_free(m1);
  gsl_rng_free(m2);
}

/* salesim_rng_gaussian and salesim_rng_poisson take GSL's draws for it on
 * taus2 streams: the same numbers as gsl_ran_gaussian_ziggurat and
 * gsl_ran_poisson, and the streams left in the same place, draw by draw,
 * from many seeds, sigmas and means (issue 12). The ziggurat's tail and
 * wedges (about 1 % of draws) are in every seed's 5,000 draws. */
static void test_rng_gaussian_poisson_inline(void **state) {
  (void)state;
  const double sigmas[] = {1.0, 0.3, 2.5};
  const double mus[] = {0.0, 1e-3, 0.7, 3.2, 9.99, 10.0, 10.5, 40.0};
  for (uint64_t seed = 0; seed < 100; seed++) {
    gsl_rng *a = salesim_stream_alloc(seed, 4, seed * 13, 2);
    gsl_rng *b = salesim_stream_alloc(seed, 4, seed * 13, 2);
    assert_non_null(a);
    assert_non_null(b);
    for (int i = 0; i < 5000; i++) {
      double s = sigmas[i % 3];
      double x = salesim_rng_gaussian(a, s), y = gsl_ran_gaussian_ziggurat(b, s);
      if (memcmp(&x, &y, sizeof x) != 0)
        fail_msg("seed %llu draw %d: %.17g != %.17g", (unsigned long long)seed, i, x, y);
      if (i % 5 == 0) {
        double mu = mus[(i / 5) % 8];
        unsigned p = salesim_rng_poisson(a, mu), q = gsl_ran_poisson(b, mu);
        if (p != q)
          fail_msg("seed %llu draw %d mu %g: %u != %u", (unsigned long long)seed, i, mu, p, q);
      }
    }
    assert_true(gsl_rng_get(a) == gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
  }
  /* another generator falls through to GSL */
  gsl_rng *m1 = gsl_rng_alloc(gsl_rng_mt19937), *m2 = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(m1);
  assert_non_null(m2);
  for (int i = 0; i < 1000; i++) {
    assert_true(salesim_rng_gaussian(m1, 1.0) == gsl_ran_gaussian_ziggurat(m2, 1.0));
    assert_true(salesim_rng_poisson(m1, 2.5) == gsl_ran_poisson(m2, 2.5));
  }
  gsl_rng_free(m1);
  gsl_rng_free(m2);
}

/* salesim_dist_fast_draw (and its form on a held taus2 state, the loop's)
 * gives salesim_dist_draw's numbers from the same draws, for every kind,
 * clamped or not, and a lognormal with mean 0 (no draw). */
static void test_dist_fast_draw(void **state) {
  (void)state;
  salesim_dist ds[] = {
      {.kind = SALESIM_DIST_LOGNORMAL, .mean = 150000, .sd = 75000, .min = NAN, .max = NAN},
      {.kind = SALESIM_DIST_LOGNORMAL, .mean = 3, .sd = 2, .min = 0.5, .max = 6},
      {.kind = SALESIM_DIST_LOGNORMAL, .mean = 0, .sd = 1, .min = NAN, .max = NAN},
      {.kind = SALESIM_DIST_NORMAL, .mean = 5500, .sd = 1200, .min = 0, .max = INFINITY},
      {.kind = SALESIM_DIST_NORMAL, .mean = 1, .sd = 0.5, .min = NAN, .max = NAN},
      {.kind = SALESIM_DIST_UNIFORM, .mean = 0, .sd = 0, .min = 2, .max = 7},
      {.kind = SALESIM_DIST_CONSTANT, .mean = 4.5, .sd = 0, .min = NAN, .max = NAN},
  };
  const int nd = (int)(sizeof ds / sizeof ds[0]);
  salesim_dist_fast f[sizeof ds / sizeof ds[0]];
  for (int k = 0; k < nd; k++)
    salesim_dist_fast_init(&f[k], &ds[k]);
  for (uint64_t seed = 0; seed < 40; seed++) {
    gsl_rng *a = salesim_stream_alloc(seed, 5, seed, 3);
    gsl_rng *b = salesim_stream_alloc(seed, 5, seed, 3);
    gsl_rng *c = salesim_stream_alloc(seed, 5, seed, 3);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    salesim_taus t = {0, 0, 0};
    assert_true(salesim_taus_load(c, &t));
    for (int i = 0; i < 3000; i++) {
      int k = (i * 7 + (int)seed) % nd;
      double x = salesim_dist_fast_draw(&f[k], a), y = salesim_dist_draw(&ds[k], b);
      double z = salesim_dist_fast_draw_taus(&f[k], c, &t);
      if (memcmp(&x, &y, sizeof x) != 0 || memcmp(&z, &y, sizeof z) != 0)
        fail_msg("seed %llu draw %d kind %d: %.17g, %.17g != %.17g", (unsigned long long)seed,
                 i, k, x, z, y);
    }
    salesim_taus_store(c, &t);
    unsigned long ga = gsl_rng_get(a), gb = gsl_rng_get(b), gc = gsl_rng_get(c);
    assert_true(ga == gb);
    assert_true(gc == gb);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pay_and_costs),
      cmocka_unit_test(test_fail_keeps_the_first),
      cmocka_unit_test(test_move),
      cmocka_unit_test(test_exit),
      cmocka_unit_test(test_rule_target_and_ratchet),
      cmocka_unit_test(test_agent_state),
      cmocka_unit_test(test_mechanisms_do_not_include_the_loop),
      cmocka_unit_test(test_rng_uniform_inline),
      cmocka_unit_test(test_rng_gaussian_poisson_inline),
      cmocka_unit_test(test_dist_fast_draw),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
