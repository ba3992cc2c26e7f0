/*
 * tests/test_assign.c: winner determination (models/algorithms/assign.h). Both solvers
 * against brute force on small random instances (every matching of <= 7x7),
 * the dedicated solver against GLPK's optimum on sparse instances of a few
 * hundred nodes, excluded bids (the next-bidder fallback), and the error
 * paths.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "assign.h"

/* ---- brute force: every matching of the live bids ------------------------ */

typedef struct brute {
  const salesim_bid *bids;
  size_t n_bids;
  const unsigned char *excluded;
  int n_managers;
  unsigned territory_used; /* bit mask */
  double best;
} brute;

static void brute_rec(brute *bf, int manager, double value) {
  if (manager == bf->n_managers) {
    if (value > bf->best)
      bf->best = value;
    return;
  }
  brute_rec(bf, manager + 1, value); /* manager wins nothing */
  for (size_t b = 0; b < bf->n_bids; b++) {
    const salesim_bid *bid = &bf->bids[b];
    unsigned bit = 1u << bid->territory;
    if (bid->manager != manager || (bf->excluded && bf->excluded[b]) ||
        (bf->territory_used & bit))
      continue;
    bf->territory_used |= bit;
    brute_rec(bf, manager + 1, value + bid->score);
    bf->territory_used &= ~bit;
  }
}

static double brute_best(const salesim_bid *bids, size_t n_bids,
                         const unsigned char *excluded, int n_managers) {
  brute bf = {bids, n_bids, excluded, n_managers, 0u, 0.0};
  brute_rec(&bf, 0, 0.0);
  return bf.best;
}

/* The award is a matching of live bids and its value is as reported. */
static void check_award(const salesim_bid *bids, size_t n_bids,
                        const unsigned char *excluded, int n_managers,
                        int n_territories, const int *award, double value) {
  int *seen = calloc((size_t)n_managers, sizeof *seen);
  double total = 0;
  assert_non_null(seen);
  for (int k = 0; k < n_territories; k++) {
    if (award[k] < 0)
      continue;
    assert_true((size_t)award[k] < n_bids);
    const salesim_bid *bid = &bids[award[k]];
    assert_int_equal(bid->territory, k);
    assert_true(excluded == NULL || !excluded[award[k]]);
    assert_int_equal(seen[bid->manager], 0);
    seen[bid->manager] = 1;
    total += bid->score;
  }
  assert_close(total, value, 1e-12, 1e-12);
  free(seen);
}

/* Random sparse bids: each manager bids on up to `per` distinct territories.
 * With `integer` the scores are small integers (many ties). */
static size_t random_bids(gsl_rng *r, int n_managers, int n_territories,
                          int per, int integer, salesim_bid *bids) {
  size_t n = 0;
  for (int i = 0; i < n_managers; i++) {
    int want = (int)gsl_rng_uniform_int(r, (unsigned long)per + 1);
    for (int t = 0; t < want; t++) {
      int k = (int)gsl_rng_uniform_int(r, (unsigned long)n_territories);
      int dup = 0;
      for (size_t b = 0; b < n; b++)
        if (bids[b].manager == i && bids[b].territory == k)
          dup = 1;
      if (dup)
        continue;
      bids[n].manager = i;
      bids[n].territory = k;
      bids[n].score = integer ? (double)gsl_rng_uniform_int(r, 5)
                              : 100.0 * gsl_rng_uniform(r);
      n++;
    }
  }
  return n;
}

static void test_brute_force_small(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 20240401UL);
  salesim_bid bids[64];
  unsigned char excluded[64];
  int award[8];
  for (int rep = 0; rep < 600; rep++) {
    int nm = 1 + (int)gsl_rng_uniform_int(r, 7);
    int nt = 1 + (int)gsl_rng_uniform_int(r, 7);
    size_t n = random_bids(r, nm, nt, nt, rep % 3 == 0, bids);
    const unsigned char *ex = NULL;
    if (rep % 2 == 1) {
      for (size_t b = 0; b < n; b++)
        excluded[b] = gsl_rng_uniform(r) < 0.25;
      ex = excluded;
    }
    double want = brute_best(bids, n, ex, nm);
    for (int m = 0; m < 2; m++) {
      salesim_assign_method method = m ? SALESIM_ASSIGN_GLPK : SALESIM_ASSIGN_SSP;
      double got = -1;
      salesim_assign *small = NULL;
      assert_int_equal(salesim_assign_alloc(&small, nm, nt, n), 0);
      assert_int_equal(salesim_assign_solve(small, method, bids, n, ex, award,
                                            &got), 0);
      check_award(bids, n, ex, nm, nt, award, got);
      assert_close(got, want, 1e-12, 1e-9);
      salesim_assign_free(small);
    }
  }
  gsl_rng_free(r);
}

static void test_ssp_equals_glpk_sparse(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 77UL);
  const int sizes[][3] = {{200, 150, 6}, {300, 300, 4}, {150, 250, 8},
                          {400, 100, 3}, {250, 250, 10}};
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    for (int rep = 0; rep < 4; rep++) {
      int nm = sizes[s][0], nt = sizes[s][1], per = sizes[s][2];
      salesim_bid *bids = malloc((size_t)nm * (size_t)per * sizeof *bids);
      unsigned char *ex = malloc((size_t)nm * (size_t)per);
      int *a1 = malloc((size_t)nt * sizeof *a1);
      int *a2 = malloc((size_t)nt * sizeof *a2);
      assert_true(bids && ex && a1 && a2);
      size_t n = random_bids(r, nm, nt, per, rep == 3, bids);
      for (size_t b = 0; b < n; b++)
        ex[b] = rep == 2 && gsl_rng_uniform(r) < 0.1;
      salesim_assign *ws = NULL;
      assert_int_equal(salesim_assign_alloc(&ws, nm, nt, n), 0);
      double v1 = 0, v2 = 0;
      assert_int_equal(
          salesim_assign_solve(ws, SALESIM_ASSIGN_SSP, bids, n, ex, a1, &v1), 0);
      assert_int_equal(
          salesim_assign_solve(ws, SALESIM_ASSIGN_GLPK, bids, n, ex, a2, &v2), 0);
      check_award(bids, n, ex, nm, nt, a1, v1);
      check_award(bids, n, ex, nm, nt, a2, v2);
      assert_close(v1, v2, 1e-10, 1e-9);
      salesim_assign_free(ws);
      free(bids);
      free(ex);
      free(a1);
      free(a2);
    }
  }
  gsl_rng_free(r);
}

/* Hand-made next-bidder case: manager 0 bids 10 on territory 0 and 1 on
 * territory 1; manager 1 bids 8 on territory 0; manager 2 bids 5 on
 * territory 1. Optimum: 0->0 and 2->1 (15). If manager 0's award of
 * territory 0 is voided (bid 0 excluded), the re-solve gives territory 0 to
 * the next bidder, manager 1 (8), and territory 1 to manager 2 (5): 13. */
static void test_exclusion_hand_case(void **state) {
  (void)state;
  const salesim_bid bids[] = {{0, 0, 10}, {0, 1, 1}, {1, 0, 8}, {2, 1, 5}};
  unsigned char ex[4] = {1, 0, 0, 0};
  int award[2];
  double v;
  salesim_assign *ws = NULL;
  assert_int_equal(salesim_assign_alloc(&ws, 3, 2, 4), 0);
  for (int m = 0; m < 2; m++) {
    salesim_assign_method method = m ? SALESIM_ASSIGN_GLPK : SALESIM_ASSIGN_SSP;
    assert_int_equal(salesim_assign_solve(ws, method, bids, 4, NULL, award, &v), 0);
    assert_int_equal(award[0], 0);
    assert_int_equal(award[1], 3);
    assert_close(v, 15, 1e-12, 0);
    assert_int_equal(salesim_assign_solve(ws, method, bids, 4, ex, award, &v), 0);
    assert_int_equal(award[0], 2);
    assert_int_equal(award[1], 3);
    assert_close(v, 13, 1e-12, 0);
  }
  /* Nothing live: the empty award. */
  unsigned char all[4] = {1, 1, 1, 1};
  assert_int_equal(salesim_assign_solve(ws, SALESIM_ASSIGN_GLPK, bids, 4, all, award, &v), 0);
  assert_int_equal(award[0], -1);
  assert_int_equal(award[1], -1);
  assert_close(v, 0, 0, 0);
  salesim_assign_free(ws);
}

/* Duplicate bids on a pair (the better counts), zero scores, a manager
 * with every bid excluded, and a contested instance with many ties. */
static void test_duplicates_and_ties(void **state) {
  (void)state;
  const salesim_bid bids[] = {{0, 0, 3}, {0, 0, 7}, {1, 0, 7}, {1, 1, 0},
                              {2, 1, 2}, {2, 1, 2}, {3, 0, 0}};
  unsigned char ex[7] = {0, 0, 0, 0, 1, 1, 0};
  int award[2];
  double v;
  salesim_assign *ws = NULL;
  assert_int_equal(salesim_assign_alloc(&ws, 4, 2, 7), 0);
  for (int m = 0; m < 2; m++) {
    salesim_assign_method method = m ? SALESIM_ASSIGN_GLPK : SALESIM_ASSIGN_SSP;
    assert_int_equal(salesim_assign_solve(ws, method, bids, 7, NULL, award, &v), 0);
    check_award(bids, 7, NULL, 4, 2, award, v);
    assert_close(v, 9, 0, 0); /* 7 on territory 0, 2 on territory 1 */
    assert_close(bids[award[0]].score, 7, 0, 0);
    assert_int_equal(bids[award[1]].manager, 2);
    assert_int_equal(salesim_assign_solve(ws, method, bids, 7, ex, award, &v), 0);
    check_award(bids, 7, ex, 4, 2, award, v);
    assert_close(v, 7, 0, 0);
  }
  salesim_assign_free(ws);

  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 5UL);
  for (int rep = 0; rep < 20; rep++) {
    const int nm = 300, nt = 60, per = 4; /* 5 managers per territory */
    salesim_bid *many = malloc((size_t)nm * per * sizeof *many);
    int *a1 = malloc(nt * sizeof *a1), *a2 = malloc(nt * sizeof *a2);
    assert_true(many && a1 && a2);
    size_t n = random_bids(r, nm, nt, per, 1, many);
    double v1, v2;
    assert_int_equal(salesim_assign_alloc(&ws, nm, nt, n), 0);
    assert_int_equal(salesim_assign_solve(ws, SALESIM_ASSIGN_SSP, many, n, NULL, a1, &v1), 0);
    assert_int_equal(salesim_assign_solve(ws, SALESIM_ASSIGN_GLPK, many, n, NULL, a2, &v2), 0);
    check_award(many, n, NULL, nm, nt, a1, v1);
    assert_close(v1, v2, 0, 1e-9);
    salesim_assign_free(ws);
    free(many);
    free(a1);
    free(a2);
  }
  gsl_rng_free(r);
}

static void test_errors(void **state) {
  (void)state;
  salesim_bid bids[] = {{0, 0, 1}, {3, 0, 1}, {0, 5, 1}, {0, 1, -2}};
  int award[2];
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_assign *ws = NULL;
  assert_int_equal(salesim_assign_alloc(&ws, -1, 2, 4), SALESIM_EINVAL);
  assert_null(ws);
  assert_int_equal(salesim_assign_check(2, 2, bids, 4, &d), SALESIM_EINVAL);
  assert_int_equal(d.count, 3);
  assert_string_equal(d.lines[0], "assign: bids[1].manager = 3; must be in 0..1");
  assert_string_equal(d.lines[1], "assign: bids[2].territory = 5; must be in 0..1");
  assert_string_equal(d.lines[2], "assign: bids[3].score = -2; must be >= 0");
  salesim_diag_clear(&d);
  assert_int_equal(salesim_assign_alloc(&ws, 2, 2, 4), 0);
  for (int m = 0; m < 2; m++) {
    salesim_assign_method method = m ? SALESIM_ASSIGN_GLPK : SALESIM_ASSIGN_SSP;
    assert_int_equal(salesim_assign_solve(ws, method, bids, 4, NULL, award, NULL),
                     SALESIM_EINVAL);
  }
  assert_int_equal(salesim_assign_solve(ws, SALESIM_ASSIGN_SSP, bids, 5, NULL, award, NULL),
                   SALESIM_EINVAL); /* more bids than the workspace holds */
  assert_int_equal(salesim_assign_solve(ws, (salesim_assign_method)7, bids, 1, NULL, award, NULL),
                   SALESIM_EINVAL);
  salesim_assign_free(ws);
  salesim_assign_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_brute_force_small),
      cmocka_unit_test(test_ssp_equals_glpk_sparse),
      cmocka_unit_test(test_exclusion_hand_case),
      cmocka_unit_test(test_duplicates_and_ties),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
