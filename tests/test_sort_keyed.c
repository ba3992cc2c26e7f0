/*
 * tests/test_sort_keyed.c: the index sorts of engine/base/util_sort.h that
 * replaced copies in the mechanisms (issue 10, item 6): the keyed-index
 * comparator of models/mechanisms/org_year.c, models/mechanisms/tender_bids.c
 * and models/mechanisms/tender_teams.c, and the insertion sort of indices
 * with a context (org_year.c's accounts by revenue and members by tenure).
 * Each is checked on its own rules and against the copy it replaced, kept
 * here verbatim, on inputs full of ties: the order must be the same to the
 * last element, or shipped results would change.
 *
 * Read next: tests/test_shared_helpers.c (the other shared comparators).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "util_sort.h"

/* ---- the copies the shared code replaced (verbatim but for names) ---- */

typedef struct old_keyed {
  double key;
  int who;
} old_keyed;

static int old_by_key_desc(const void *x, const void *y) {
  const old_keyed *a = x, *b = y;
  if (a->key != b->key)
    return a->key < b->key ? 1 : -1;
  return (a->who > b->who) - (a->who < b->who);
}

static int old_by_rev_desc(const void *x, const void *y, const double *rev) {
  int a = *(const int *)x, b = *(const int *)y;
  if (rev[a] != rev[b])
    return rev[a] < rev[b] ? 1 : -1;
  return (a > b) - (a < b);
}

static void old_sort_accounts(int *idx, int n, const double *rev) {
  for (int i = 1; i < n; i++) {
    int v = idx[i], j = i - 1;
    while (j >= 0 && old_by_rev_desc(&idx[j], &v, rev) > 0) {
      idx[j + 1] = idx[j];
      j--;
    }
    idx[j + 1] = v;
  }
}

/* ---- helpers ---- */

static unsigned long lcg(unsigned long *s) {
  *s = *s * 6364136223846793005ul + 1442695040888963407ul;
  return *s >> 33;
}

/* a key with many ties and a few -INFINITY (tender's "not worth it") */
static double tied_key(unsigned long *s) {
  unsigned long r = lcg(s) % 9;
  return r == 0 ? -INFINITY : (double)(r % 4) * 0.5 - 0.25;
}

static int by_value_desc_stable(int a, int b, const void *ctx) {
  const double *v = ctx;
  return (v[a] < v[b]) - (v[a] > v[b]); /* equal values: 0, keep order */
}

/* ---- tests ---- */

static void test_keyed_rules(void **state) {
  (void)state;
  salesim_sort_keyed x[] = {{1, 4}, {-INFINITY, 0}, {2, 9}, {1, 2}, {2, 3}, {0, 1}};
  qsort(x, 6, sizeof x[0], salesim_sort_cmp_keyed_desc);
  const double key[] = {2, 2, 1, 1, 0, -INFINITY};
  const int who[] = {3, 9, 2, 4, 1, 0};
  for (int i = 0; i < 6; i++) {
    assert_true(x[i].key == key[i]);
    assert_int_equal(x[i].who, who[i]);
  }
  salesim_sort_keyed a = {1, 5}, b = {1, 5}, c = {0.5, 0};
  assert_int_equal(salesim_sort_cmp_keyed_desc(&a, &b), 0);
  assert_int_equal(salesim_sort_cmp_keyed_desc(&a, &c), -1);
  assert_int_equal(salesim_sort_cmp_keyed_desc(&c, &a), 1);
}

/* The order does not depend on where the entries started: every rotation
 * and reversal of one input sorts to the same array. */
static void test_keyed_start_independent(void **state) {
  (void)state;
  enum { N = 40 };
  unsigned long s = 7;
  salesim_sort_keyed base[N], ref[N], x[N];
  for (int i = 0; i < N; i++) {
    base[i].key = tied_key(&s);
    base[i].who = (int)(lcg(&s) % 1000);
  }
  memcpy(ref, base, sizeof ref);
  qsort(ref, N, sizeof ref[0], salesim_sort_cmp_keyed_desc);
  for (int r = 0; r < 2 * N; r++) {
    for (int i = 0; i < N; i++)
      x[i] = base[r < N ? (i + r) % N : N - 1 - (i + r) % N];
    qsort(x, N, sizeof x[0], salesim_sort_cmp_keyed_desc);
    for (int i = 0; i < N; i++) {
      assert_true(x[i].key == ref[i].key);
      assert_int_equal(x[i].who, ref[i].who);
    }
  }
}

/* The shared comparator sorts exactly as the copies in org.c and tender.c
 * did, on 500 random arrays (sizes 0..60) with many ties. */
static void test_keyed_same_as_old_copy(void **state) {
  (void)state;
  enum { N = 60 };
  unsigned long s = 2024;
  salesim_sort_keyed x[N];
  old_keyed y[N];
  for (int trial = 0; trial < 500; trial++) {
    int n = (int)(lcg(&s) % (N + 1));
    for (int i = 0; i < n; i++) {
      x[i].key = y[i].key = tied_key(&s);
      x[i].who = y[i].who = (int)(lcg(&s) % 20);
    }
    qsort(x, (size_t)n, sizeof x[0], salesim_sort_cmp_keyed_desc);
    qsort(y, (size_t)n, sizeof y[0], old_by_key_desc);
    for (int i = 0; i < n; i++) {
      assert_memory_equal(&x[i].key, &y[i].key, sizeof x[i].key);
      assert_int_equal(x[i].who, y[i].who);
    }
  }
}

static void test_sort_indices_stable(void **state) {
  (void)state;
  const double v[] = {1, 3, 1, 2, 3, 1};
  int idx[] = {0, 1, 2, 3, 4, 5};
  salesim_sort_indices(idx, 6, by_value_desc_stable, v);
  const int want[] = {1, 4, 3, 0, 2, 5}; /* ties keep their input order */
  assert_memory_equal(idx, want, sizeof want);
  int one = 7;
  salesim_sort_indices(&one, 1, by_value_desc_stable, v);
  assert_int_equal(one, 7);
  salesim_sort_indices(NULL, 0, by_value_desc_stable, v);
}

/* ctx comparator with the old by_rev_desc's rule, for the shared sort */
static int rev_desc(int a, int b, const void *ctx) {
  const double *rev = ctx;
  if (rev[a] != rev[b])
    return rev[a] < rev[b] ? 1 : -1;
  return (a > b) - (a < b);
}

/* The shared insertion sort takes the same steps as org.c's copies: the
 * same order on 500 random shuffled index arrays with tied revenues. */
static void test_sort_indices_same_as_old_copy(void **state) {
  (void)state;
  enum { N = 50 };
  unsigned long s = 99;
  double rev[N];
  int a[N], b[N];
  for (int trial = 0; trial < 500; trial++) {
    int n = (int)(lcg(&s) % (N + 1));
    for (int i = 0; i < n; i++) {
      rev[i] = (double)(lcg(&s) % 5);
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = (int)(lcg(&s) % (unsigned long)(i + 1)), t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    memcpy(b, a, (size_t)n * sizeof *a);
    salesim_sort_indices(a, n, rev_desc, rev);
    old_sort_accounts(b, n, rev);
    assert_memory_equal(a, b, (size_t)n * sizeof *a);
    for (int i = 1; i < n; i++)
      assert_true(rev[a[i - 1]] > rev[a[i]] || (rev[a[i - 1]] == rev[a[i]] && a[i - 1] < a[i]));
  }
}

/* salesim_sort_doubles (a radix sort) gives qsort's bits with
 * salesim_sort_cmp_double, glibc's qsort being a stable merge sort: on
 * inputs full of ties, -0.0 next to 0.0, infinities and NaNs of both signs
 * and several payloads, small (insertion) and large (radix) (issue 12). */
static void test_sort_doubles_same_as_qsort(void **state) {
  (void)state;
  unsigned long long seed = 12345;
  for (int round = 0; round < 400; round++) {
    size_t n = (size_t)(round < 100 ? round : 33 + (round * 97) % 5000);
    double *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    for (size_t i = 0; i < n; i++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      unsigned r = (unsigned)(seed >> 33);
      double x;
      switch (r % 11) {
      case 0: x = 0.0; break;
      case 1: x = -0.0; break;
      case 2: x = (r & 64) ? INFINITY : -INFINITY; break;
      case 3: {
        uint64_t bits = 0x7ff8000000000000ULL | (r & 0xff) | ((uint64_t)(r & 1) << 63);
        memcpy(&x, &bits, sizeof x);
        break;
      }
      case 4: x = (double)(r % 7) - 3.0; break; /* ties */
      case 5: x = ldexp((double)(r % 1000), -1074 + (int)(r % 50)); break; /* subnormal */
      default: x = ldexp((double)(r % 100000) - 50000.0, (int)(r % 200) - 100); break;
      }
      a[i] = b[i] = x;
    }
    assert_int_equal(salesim_sort_doubles(a, n), 0);
    qsort(b, n, sizeof *b, salesim_sort_cmp_double);
    if (n > 0 && memcmp(a, b, n * sizeof *a) != 0)
      fail_msg("round %d (n %zu): the radix sort's bits differ from qsort's", round, n);
    free(a);
    free(b);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_keyed_rules),
      cmocka_unit_test(test_keyed_start_independent),
      cmocka_unit_test(test_keyed_same_as_old_copy),
      cmocka_unit_test(test_sort_indices_stable),
      cmocka_unit_test(test_sort_indices_same_as_old_copy),
      cmocka_unit_test(test_sort_doubles_same_as_qsort),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
