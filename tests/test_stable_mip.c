/*
 * tests/test_stable_mip.c: the welfare-maximising stable team assignment
 * (salesim_match_stable_mip, models/algorithms/match_mip.c). On random small markets
 * (fixed seed) its result is stable, at least as good in welfare as both
 * deferred-acceptance outcomes, and exactly the best welfare over all stable
 * matchings listed by brute force.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "matching.h"

#define MAXR 7
#define MAXT 4

typedef struct market_data {
  int rs[MAXR + 1], rl[MAXR * MAXT], ts[MAXT + 1], tl[MAXT * MAXR];
  int cap[MAXT];
  double utility[MAXR * MAXT];
} market_data;

static void shuffle(gsl_rng *r, int *a, int n) {
  for (int k = n - 1; k > 0; k--) {
    int x = (int)gsl_rng_uniform_int(r, (unsigned long)k + 1), t = a[k];
    a[k] = a[x];
    a[x] = t;
  }
}

/* Random market with conflicting tastes half of the time (teams like the
 * reps that like them least), so that several stable matchings exist. */
static salesim_match *random_market(gsl_rng *r, market_data *md, int R,
                                    int T) {
  int order[MAXR > MAXT ? MAXR : MAXT], rank[MAXR][MAXT];
  int conflict = gsl_rng_uniform(r) < 0.5;
  int n = 0;
  md->rs[0] = 0;
  for (int i = 0; i < R; i++) {
    for (int k = 0; k < T; k++)
      order[k] = k;
    shuffle(r, order, T);
    for (int k = 0; k < T; k++) {
      rank[i][order[k]] = k;
      if (conflict || gsl_rng_uniform(r) < 0.85) {
        md->rl[n] = order[k];
        md->utility[n] = floor(10 * gsl_rng_uniform(r)); /* ties too */
        n++;
      }
    }
    md->rs[i + 1] = n;
  }
  n = 0;
  md->ts[0] = 0;
  for (int j = 0; j < T; j++) {
    double key[MAXR];
    for (int k = 0; k < R; k++) {
      order[k] = k;
      key[k] = conflict ? -rank[k][j] + 0.3 * gsl_rng_uniform(r) : gsl_rng_uniform(r);
    }
    for (int a = 1; a < R; a++)
      for (int b = a; b > 0 && key[order[b - 1]] > key[order[b]]; b--) {
        int t = order[b];
        order[b] = order[b - 1];
        order[b - 1] = t;
      }
    for (int k = 0; k < R; k++)
      if (conflict || gsl_rng_uniform(r) < 0.85)
        md->tl[n++] = order[k];
    md->ts[j + 1] = n;
    md->cap[j] = 1 + (int)gsl_rng_uniform_int(r, 3);
  }
  salesim_match_market m = {R, T, md->rs, md->rl, md->ts, md->tl, md->cap, NULL};
  salesim_match *mt = NULL;
  assert_int_equal(salesim_match_alloc(&mt, &m), 0);
  return mt;
}

static double welfare_of(const market_data *md, int R, const int *team_of_rep) {
  double w = 0;
  for (int i = 0; i < R; i++)
    for (int p = md->rs[i]; p < md->rs[i + 1]; p++)
      if (md->rl[p] == team_of_rep[i])
        w += md->utility[p];
  return w;
}

typedef struct best_stable {
  const market_data *md;
  int R;
  double best;
} best_stable;

static int keep_best(void *ctx, const int *team_of_rep) {
  best_stable *bs = ctx;
  double w = welfare_of(bs->md, bs->R, team_of_rep);
  if (w > bs->best)
    bs->best = w;
  return 0;
}

static void test_mip_is_stable_and_best(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 2718UL);
  int strictly_better = 0;
  for (int it = 0; it < 300; it++) {
    market_data md;
    int R = 2 + (int)gsl_rng_uniform_int(r, MAXR - 1);
    int T = 1 + (int)gsl_rng_uniform_int(r, MAXT);
    salesim_match *mt = random_market(r, &md, R, T);
    int mip[MAXR], a[MAXR], b[MAXR];
    double w = -1;
    assert_int_equal(salesim_match_stable_mip(mt, md.utility, 0, 0, mip, &w), 0);
    assert_close(w, welfare_of(&md, R, mip), 1e-12, 1e-12);
    assert_int_equal(salesim_match_is_stable(mt, mip, NULL, NULL), 1);
    assert_int_equal(salesim_match_run(mt, SALESIM_MATCH_REPS_PROPOSE, a), 0);
    assert_int_equal(salesim_match_run(mt, SALESIM_MATCH_TEAMS_PROPOSE, b), 0);
    double wa = welfare_of(&md, R, a), wb = welfare_of(&md, R, b);
    assert_true(w >= wa - 1e-9);
    assert_true(w >= wb - 1e-9);
    strictly_better += w > fmax(wa, wb) + 1e-9;
    best_stable bs = {&md, R, -1};
    assert_int_equal(salesim_match_enumerate_stable(mt, keep_best, &bs, NULL), 0);
    assert_close(w, bs.best, 1e-12, 1e-9);
    salesim_match_free(mt);
  }
  /* Some markets have a stable matching better than both DA outcomes. */
  assert_true(strictly_better > 0);
  gsl_rng_free(r);
}

/* The node budget is a count, so the outcome never depends on the machine:
 * the same market gives the same answer every time, and a budget too small
 * for the search gives SALESIM_ESOLVER (never a wrong matching). */
static void test_mip_node_budget_is_deterministic(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 2718UL);
  int stopped = 0, solved = 0;
  for (int it = 0; it < 300; it++) {
    market_data md;
    int R = 2 + (int)gsl_rng_uniform_int(r, MAXR - 1);
    int T = 1 + (int)gsl_rng_uniform_int(r, MAXT);
    salesim_match *mt = random_market(r, &md, R, T);
    int full[MAXR], a[MAXR], b[MAXR];
    double wf = -1, wa = -1, wb = -1;
    assert_int_equal(salesim_match_stable_mip(mt, md.utility, 0, 0, full, &wf), 0);
    int ra = salesim_match_stable_mip(mt, md.utility, 1, 0, a, &wa);
    int rb = salesim_match_stable_mip(mt, md.utility, 1, 0, b, &wb);
    assert_int_equal(ra, rb);
    assert_true(ra == 0 || ra == SALESIM_ESOLVER);
    if (ra == 0) {
      solved++;
      assert_memory_equal(a, b, (size_t)R * sizeof a[0]);
      assert_close(wa, wf, 1e-12, 1e-9);
      assert_int_equal(salesim_match_is_stable(mt, a, NULL, NULL), 1);
    } else {
      stopped++;
    }
    salesim_match_free(mt);
  }
  print_message("node budget 1: %d of 300 markets stopped, %d solved\n", stopped, solved);
  assert_true(stopped > 0); /* the budget really bites on some markets */
  assert_true(solved > 0);
  gsl_rng_free(r);
}

static void test_mip_edge_cases(void **state) {
  (void)state;
  /* Nobody acceptable: team 0 lists nobody; team 1 has no seats. */
  const int rs[] = {0, 2, 3}, rl[] = {0, 1, 1};
  const int ts[] = {0, 0, 2}, tl[] = {0, 1}, cap[] = {2, 0};
  const double u[] = {1, 2, 3};
  salesim_match_market m = {2, 2, rs, rl, ts, tl, cap, NULL};
  salesim_match *mt = NULL;
  int out[2] = {7, 7};
  double w = -1;
  assert_int_equal(salesim_match_alloc(&mt, &m), 0);
  assert_int_equal(salesim_match_stable_mip(mt, u, 0, 0, out, &w), 0);
  assert_int_equal(out[0], -1);
  assert_int_equal(out[1], -1);
  assert_close(w, 0, 0, 0);
  const double bad[] = {1, NAN, 3};
  assert_int_equal(salesim_match_stable_mip(mt, bad, 0, 0, out, &w), SALESIM_EINVAL);
  assert_int_equal(salesim_match_stable_mip(mt, u, 0, -1, out, &w), SALESIM_EINVAL);
  salesim_match_free(mt);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mip_is_stable_and_best),
      cmocka_unit_test(test_mip_node_budget_is_deterministic),
      cmocka_unit_test(test_mip_edge_cases),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
