/*
 * engine/base/util_sort.c: the shared qsort comparators and the stable radix
 * sort of doubles (engine/base/util_sort.h).
 *
 * Read next: engine/base/util_sort.h.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util_sort.h"

int salesim_sort_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  /* NAN sorts last so the comparison stays a total order. */
  if (isnan(x) || isnan(y))
    return isnan(x) - isnan(y);
  return (x > y) - (x < y);
}

/* ---- stable radix sort by a double's order ---------------------------------
 *
 * The year's statistics sort every slot's pay or sales (issue 12: qsort's
 * merge sort with a comparator call per step was 1.6 % of bench_core). A
 * double maps to an unsigned key in its salesim_sort_cmp_double order: the
 * sign bit set on a non-negative number, every bit flipped on a negative
 * one, -0.0 as 0.0, every NaN as the largest key. Eight stable counting
 * passes of a byte each (a pass whose byte is the same for every key is
 * skipped) then give exactly the order of a stable sort with that
 * comparator, glibc's qsort (a merge sort) included: equal keys, -0.0 and
 * 0.0 or NaNs, keep the order they came in. */

static uint64_t order_key(double x) {
  if (isnan(x))
    return UINT64_MAX;
  if (x == 0)
    x = 0.0;
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

int salesim_sort_records(salesim_sort_record *rec, size_t n) {
  if (n < 2)
    return 0;
  if (n <= 32) { /* insertion sort: stable */
    for (size_t i = 1; i < n; i++) {
      salesim_sort_record v = rec[i];
      size_t j = i;
      while (j > 0 && rec[j - 1].key > v.key) {
        rec[j] = rec[j - 1];
        j--;
      }
      rec[j] = v;
    }
    return 0;
  }
  salesim_sort_record *tmp = malloc(n * sizeof *tmp);
  if (tmp == NULL)
    return -1;
  size_t count[8][256] = {{0}};
  for (size_t i = 0; i < n; i++)
    for (int b = 0; b < 8; b++)
      count[b][(rec[i].key >> (8 * b)) & 0xff]++;
  salesim_sort_record *from = rec, *to = tmp;
  for (int b = 0; b < 8; b++) {
    size_t *c = count[b];
    if (c[(rec[0].key >> (8 * b)) & 0xff] == n)
      continue; /* the same byte everywhere: order unchanged */
    size_t at = 0;
    for (int d = 0; d < 256; d++) {
      size_t k = c[d];
      c[d] = at;
      at += k;
    }
    for (size_t i = 0; i < n; i++)
      to[c[(from[i].key >> (8 * b)) & 0xff]++] = from[i];
    salesim_sort_record *t = from;
    from = to;
    to = t;
  }
  if (from != rec)
    memcpy(rec, from, n * sizeof *rec);
  free(tmp);
  return 0;
}

void salesim_sort_record_set(salesim_sort_record *rec, double value, uint64_t payload) {
  rec->key = order_key(value);
  rec->payload = payload;
}

int salesim_sort_doubles(double *x, size_t n) {
  if (n < 2)
    return 0;
  salesim_sort_record *rec = malloc(n * sizeof *rec);
  if (rec == NULL)
    return -1;
  for (size_t i = 0; i < n; i++) {
    uint64_t bits;
    memcpy(&bits, &x[i], sizeof bits);
    salesim_sort_record_set(&rec[i], x[i], bits);
  }
  int rc = salesim_sort_records(rec, n);
  if (rc == 0)
    for (size_t i = 0; i < n; i++)
      memcpy(&x[i], &rec[i].payload, sizeof x[i]);
  free(rec);
  return rc;
}

int salesim_sort_cmp_string(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void salesim_sort_indices(int *idx, int n, salesim_sort_index_cmp cmp, const void *ctx) {
  for (int i = 1; i < n; i++) {
    int v = idx[i], j = i - 1;
    while (j >= 0 && cmp(idx[j], v, ctx) > 0) {
      idx[j + 1] = idx[j];
      j--;
    }
    idx[j + 1] = v;
  }
}

int salesim_sort_cmp_keyed_desc(const void *x, const void *y) {
  const salesim_sort_keyed *a = x, *b = y;
  if (a->key != b->key)
    return a->key < b->key ? 1 : -1;
  return (a->who > b->who) - (a->who < b->who);
}
