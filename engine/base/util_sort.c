/*
 * engine/base/util_sort.c: the shared qsort comparators (engine/base/util_sort.h).
 *
 * Read next: engine/base/util_sort.h.
 */
#include <math.h>
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

void salesim_sort_doubles(double *x, size_t n) {
  qsort(x, n, sizeof *x, salesim_sort_cmp_double);
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
