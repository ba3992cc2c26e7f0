/*
 * tests/test_fairdiv.c: cut-and-choose (models/algorithms/fairdiv.h). The chooser never
 * envies; the splitter gets at least its maximin share, computed here by an
 * independent brute force over all 2^n assignments for small n; the
 * heuristic cut stays within its stated bounds; error paths.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "fairdiv.h"

/* Maximin share by brute force over every assignment of n accounts. */
static double brute_mms(int n, const double *v) {
  double best = 0;
  for (unsigned long mask = 0; mask < (1ul << n); mask++) {
    double s[2] = {0, 0};
    for (int a = 0; a < n; a++)
      s[mask >> a & 1ul] += v[a];
    if (fmin(s[0], s[1]) > best)
      best = fmin(s[0], s[1]);
  }
  return best;
}

static void random_values(gsl_rng *r, int n, double *v, int style) {
  for (int a = 0; a < n; a++) {
    switch (style) {
    case 0: v[a] = gsl_rng_uniform(r); break;                    /* uniform */
    case 1: v[a] = (double)gsl_rng_uniform_int(r, 6); break;     /* ties, zeros */
    default: v[a] = exp(3 * gsl_rng_uniform(r)); break;          /* skewed */
    }
  }
}

static void check_outcome(int n, const double *vs, const double *vc,
                          const int *owner, const salesim_cut_choose *cc) {
  double s[2] = {0, 0}, c[2] = {0, 0};
  for (int a = 0; a < n; a++) {
    assert_true(owner[a] == 0 || owner[a] == 1);
    s[owner[a]] += vs[a];
    c[owner[a]] += vc[a];
  }
  assert_close(cc->splitter_share, s[0], 1e-12, 1e-12);
  assert_close(cc->splitter_other, s[1], 1e-12, 1e-12);
  assert_close(cc->chooser_share, c[1], 1e-12, 1e-12);
  assert_close(cc->chooser_other, c[0], 1e-12, 1e-12);
  assert_true(cc->chooser_share >= cc->chooser_other); /* no envy */
  assert_true(cc->splitter_share >= cc->splitter_mms - 1e-12);
}

static void test_exact_small(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 1234UL);
  double vs[20], vc[20];
  int owner[20];
  for (int it = 0; it < 600; it++) {
    int n = (int)gsl_rng_uniform_int(r, 13); /* 0..12 */
    random_values(r, n, vs, it % 3);
    random_values(r, n, vc, (it + 1) % 3);
    salesim_cut_choose cc;
    assert_int_equal(salesim_fairdiv_cut_choose(n, vs, vc, SALESIM_FAIRDIV_AUTO,
                                                owner, &cc), 0);
    check_outcome(n, vs, vc, owner, &cc);
    double mms = brute_mms(n, vs);
    assert_close(cc.splitter_mms, mms, 1e-12, 1e-12);
    assert_true(cc.splitter_share >= mms - 1e-12);
  }
  /* Up to the AUTO limit of 20 accounts, a few times. */
  for (int it = 0; it < 3; it++) {
    random_values(r, 20, vs, it);
    random_values(r, 20, vc, it + 1);
    salesim_cut_choose cc;
    assert_int_equal(salesim_fairdiv_cut_choose(20, vs, vc, SALESIM_FAIRDIV_AUTO,
                                                owner, &cc), 0);
    check_outcome(20, vs, vc, owner, &cc);
    assert_close(cc.splitter_mms, brute_mms(20, vs), 1e-12, 1e-12);
  }
  gsl_rng_free(r);
}

/* Splitter values 8 7 6 5 4 (total 30): the maximin cut is {8,7} | {6,5,4}
 * (15 each). The chooser values 1 1 1 1 10 and takes {6,5,4} (12 > 2). */
static void test_hand_case(void **state) {
  (void)state;
  const double vs[5] = {8, 7, 6, 5, 4}, vc[5] = {1, 1, 1, 1, 10};
  int owner[5];
  salesim_cut_choose cc;
  assert_int_equal(salesim_fairdiv_cut_choose(5, vs, vc, SALESIM_FAIRDIV_EXACT,
                                              owner, &cc), 0);
  const int want[5] = {0, 0, 1, 1, 1};
  assert_memory_equal(owner, want, sizeof want);
  assert_close(cc.splitter_mms, 15, 0, 0);
  assert_close(cc.splitter_share, 15, 0, 0);
  assert_close(cc.chooser_share, 12, 0, 0);
  assert_close(cc.chooser_other, 2, 0, 0);
  /* Both value alike and the cut is even: the tie goes to bundle 0. */
  const double same[2] = {3, 3};
  assert_int_equal(salesim_fairdiv_cut_choose(2, same, same, SALESIM_FAIRDIV_AUTO,
                                              owner, &cc), 0);
  assert_int_equal(owner[0] + owner[1], 1);
  assert_close(cc.splitter_share, 3, 0, 0);
}

/* The heuristic: within 5/6 of the maximin share on small cases (the LPT
 * bound for two bundles), never worse than (total - largest)/2 (no
 * improving move is left), and cut-and-choose properties at any size. */
static void test_heuristic(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 555UL);
  double vs[400], vc[400];
  int owner[400];
  double worst_ratio = 1;
  for (int it = 0; it < 300; it++) {
    int n = 2 + (int)gsl_rng_uniform_int(r, 13);
    random_values(r, n, vs, it % 3);
    double h = -1, mms = brute_mms(n, vs);
    assert_int_equal(salesim_fairdiv_split(n, vs, SALESIM_FAIRDIV_HEURISTIC,
                                           owner, &h), 0);
    assert_true(h <= mms + 1e-12);
    assert_true(h >= 5.0 / 6.0 * mms - 1e-12);
    if (mms > 0 && h / mms < worst_ratio)
      worst_ratio = h / mms;
  }
  print_message("heuristic / maximin share, worst of 300: %.4f\n", worst_ratio);
  const int sizes[] = {21, 40, 100, 400};
  for (int s = 0; s < 4; s++) {
    int n = sizes[s];
    for (int style = 0; style < 3; style++) {
      random_values(r, n, vs, style);
      random_values(r, n, vc, (style + 1) % 3);
      salesim_cut_choose cc;
      assert_int_equal(salesim_fairdiv_cut_choose(n, vs, vc, SALESIM_FAIRDIV_AUTO,
                                                  owner, &cc), 0);
      check_outcome(n, vs, vc, owner, &cc);
      double total = 0, largest = 0;
      for (int a = 0; a < n; a++) {
        total += vs[a];
        largest = fmax(largest, vs[a]);
      }
      assert_true(cc.splitter_mms >= (total - largest) / 2 - 1e-9);
    }
  }
  gsl_rng_free(r);
}

static void test_errors(void **state) {
  (void)state;
  double v[30] = {1, -1, 2};
  int side[30];
  assert_int_equal(salesim_fairdiv_split(3, v, SALESIM_FAIRDIV_AUTO, side, NULL),
                   SALESIM_EINVAL);
  v[1] = NAN;
  assert_int_equal(salesim_fairdiv_split(3, v, SALESIM_FAIRDIV_AUTO, side, NULL),
                   SALESIM_EINVAL);
  v[1] = 1;
  assert_int_equal(salesim_fairdiv_split(-1, v, SALESIM_FAIRDIV_AUTO, side, NULL),
                   SALESIM_EINVAL);
  assert_int_equal(salesim_fairdiv_split(3, v, (salesim_fairdiv_method)9, side, NULL),
                   SALESIM_EINVAL);
  assert_int_equal(salesim_fairdiv_split(SALESIM_FAIRDIV_EXACT_LIMIT + 1, v,
                                         SALESIM_FAIRDIV_EXACT, side, NULL),
                   SALESIM_EINVAL);
  double c[3] = {1, INFINITY, 0};
  assert_int_equal(salesim_fairdiv_cut_choose(3, v, c, SALESIM_FAIRDIV_AUTO, side, NULL),
                   SALESIM_EINVAL);
  double m = -1;
  assert_int_equal(salesim_fairdiv_split(0, v, SALESIM_FAIRDIV_AUTO, side, &m), 0);
  assert_close(m, 0, 0, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_exact_small),
      cmocka_unit_test(test_hand_case),
      cmocka_unit_test(test_heuristic),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
