/*
 * tests/test_pipeline_sums.c: salesim_pipeline_expect reads per-stage sums
 * of the open deals' values and squares (models/core/pipeline.c) instead of
 * walking the deals. After random sequences of open (at any stage), pull,
 * step and clear on a real world, its mean and variance stay within 1e-12
 * relative of a walk over every open deal (the walk the function used to
 * do, kept here as the reference), every stage's sums within 1e-12 of the
 * walk's, and a stage with no open deal has sums of exactly 0 (the sums are
 * rebuilt, never subtracted down to a rounding residue). And the storage
 * those walks run over: each slot's deals in one block, in order.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include <salesim/salesim.h>

#include "pipeline.h"
#include "sim.h"
#include "world.h"

static const char *scenario_text =
    "name = \"sums\";\nseed = 5;\nmonths = 24;\n"
    "population = { reps = 16; };\n"
    "territories = { count = 4; };\n"
    "mechanisms = ( { type = \"commission\"; name = \"plain\"; } );\n";

/* What a walk over agent a's open deals gives: per-stage counts, sums and
 * sums of squares, and the expectation within m months. */
typedef struct {
  int n[SALESIM_STAGES];
  double s[SALESIM_STAGES], s2[SALESIM_STAGES];
  double mean, var;
} walk_t;

static walk_t walk(const salesim_world *w, const salesim_agent *a, int m) {
  walk_t r;
  memset(&r, 0, sizeof r);
  int count = 0;
  for (int k = a->n_opps - 1; k >= 0; k--) {
    int j = a->deal_stage[k];
    double v = a->deal_value[k];
    assert_true(j >= 1 && j < SALESIM_STAGES);
    double p = w->win_within[j][m];
    r.mean += p * v;
    r.var += p * (1 - p) * v * v;
    r.n[j]++;
    r.s[j] += v;
    r.s2[j] += v * v;
    count++;
  }
  assert_int_equal(count, a->n_opps);
  assert_true(a->n_opps <= a->opp_cap);
  return r;
}

static void check(const salesim_world *w, const salesim_agent *a, int *empties) {
  for (int m = 0; m <= SALESIM_MAX_HORIZON; m += 7) {
    walk_t r = walk(w, a, m);
    double mean, var;
    salesim_pipeline_expect(w, a, m, &mean, &var);
    assert_close(mean, r.mean, 1e-12, 0);
    assert_close(var, r.var, 1e-12, 0);
    if (m > 0)
      continue;
    for (int j = 1; j < SALESIM_STAGES; j++) {
      if (r.n[j] == 0) {
        assert_true(a->stage_sum[j] == 0 && a->stage_sum2[j] == 0);
        (*empties)++;
      } else {
        assert_close(a->stage_sum[j], r.s[j], 1e-12, 0);
        assert_close(a->stage_sum2[j], r.s2[j], 1e-12, 0);
      }
    }
  }
}

/* Deal values over six orders of magnitude (the sums' relative error must
 * not depend on the values being alike). */
static double draw_value(gsl_rng *r) {
  return exp(log(10.0) * (2 + 6 * gsl_rng_uniform(r)));
}

static void test_random_sequences(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(scenario_text);
  assert_non_null(sc);
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 20261128);
  int empties = 0, pulls = 0, steps = 0, clears = 0;
  for (int i = 0; i < w->n_agents; i++)
    check(w, &w->agents[i], &empties); /* the starting force's pipelines */
  for (int op = 0; op < 40000; op++) {
    int i = (int)gsl_rng_uniform_int(r, (unsigned long)w->n_agents);
    salesim_agent *a = &w->agents[i];
    double u = gsl_rng_uniform(r);
    if (u < 0.6) { /* a few new deals, at any stage */
      int k = 1 + (int)gsl_rng_uniform_int(r, 4);
      for (int n = 0; n < k; n++) {
        int stage = 1 + (int)gsl_rng_uniform_int(r, SALESIM_STAGES - 1);
        int rc = stage == 1 ? salesim_pipeline_open(w, i, draw_value(r))
                            : salesim_pipeline_open_at(w, i, draw_value(r), stage);
        assert_int_equal(rc, 0);
      }
    } else if (u < 0.75) { /* pull every top-stage deal into this month */
      double won = 0, wins = 0, pulled = 0, dc = 0;
      salesim_pipeline_pull(w, a, 1, 0, 1, 0, &won, &wins, &pulled, &dc);
      pulls += pulled > 0;
    } else if (u < 0.98) {
      double won = 0, wins = 0;
      salesim_pipeline_step(w, a, &won, &wins);
      steps++;
    } else {
      salesim_pipeline_clear(w, a);
      clears++;
    }
    check(w, a, &empties);
  }
  /* the sequence did what it is for */
  assert_true(pulls > 1000 && steps > 5000 && clears > 300 && empties > 10000);
  gsl_rng_free(r);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

/* A slot's deals in one block: opened deals keep their order across the
 * block's growth (16 -> 32 in the arena, then blocks of their own of 64,
 * 128, 256), a pull removes deals without reordering the rest, a slot with
 * few deals again goes back to its arena block, and the world's count of
 * open deals follows; past w->opp_limit open is refused with the world's
 * error set. */
static void test_deal_blocks(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(scenario_text);
  assert_non_null(sc);
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  assert_true(w->deal_stride >= 8);
  int i = 3, empties = 0;
  salesim_agent *a = &w->agents[i];
  double *arena_block = a->deal_value;
  int others = w->n_open - a->n_opps;
  salesim_pipeline_clear(w, a);
  assert_int_equal(w->n_open, others);
  enum { N = 200 };
  double want[N];
  for (int k = 0; k < N; k++) { /* stage 4 and stage 1 in turn */
    want[k] = 1000.0 + k;
    assert_int_equal(salesim_pipeline_open_at(w, i, want[k], k % 2 ? 1 : SALESIM_STAGES - 1), 0);
    assert_int_equal(a->n_opps, k + 1);
    assert_true(a->opp_cap >= a->n_opps);
    assert_true((a->deal_value == arena_block) == (a->opp_cap == w->deal_stride));
  }
  assert_true(a->opp_cap > w->deal_stride);
  assert_int_equal(w->n_open, others + N);
  for (int k = 0; k < N; k++)
    assert_true(a->deal_value[k] == want[k]);
  check(w, a, &empties);
  double won = 0, wins = 0, pulled = 0, dc = 0;
  salesim_pipeline_pull(w, a, 1, 0, 1, 0, &won, &wins, &pulled, &dc);
  assert_true(pulled == N / 2);
  assert_int_equal(a->n_opps, N / 2);
  assert_int_equal(w->n_open, others + N / 2);
  for (int k = 0; k < N / 2; k++) /* the stage-1 deals, in their order */
    assert_true(a->deal_value[k] == want[2 * k + 1] && a->deal_stage[k] == 1);
  check(w, a, &empties);
  assert_true(empties > 0); /* the top stage, emptied by the pull */
  for (int t = 0; t < 200 && a->n_opps > 0; t++) {
    salesim_pipeline_step(w, a, &won, &wins);
    check(w, a, &empties);
    assert_true((a->deal_value == arena_block) == (a->opp_cap == w->deal_stride));
    if (2 * a->n_opps <= w->deal_stride) /* few again: back in the arena */
      assert_true(a->deal_value == arena_block);
  }
  assert_int_equal(a->n_opps, 0);
  assert_int_equal(w->n_open, others);
  /* the bound: open is refused past opp_limit, nothing half done */
  w->opp_limit = w->n_open + 3;
  for (int k = 0; k < 3; k++)
    assert_int_equal(salesim_pipeline_open(w, i, 1.0), 0);
  assert_int_equal(salesim_pipeline_open(w, i, 1.0), SALESIM_ELIMIT);
  assert_int_equal(w->error, SALESIM_ELIMIT);
  assert_non_null(strstr(w->error_text, "open opportunities"));
  assert_int_equal(a->n_opps, 3);
  assert_int_equal(w->n_open, w->opp_limit);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_sequences),
      cmocka_unit_test(test_deal_blocks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
