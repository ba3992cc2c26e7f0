/*
 * engine/base/util_sort.h: qsort comparators shared by models/ and engine/ (the
 * lowest layer: it depends on nothing of the project, so both may use it).
 *
 * One copy of each order instead of one per file: numbers ascending with
 * NaN last (a total order, so qsort is well defined on any input), C
 * strings in strcmp order, and indices by a key, largest key first; and
 * one insertion sort of indices with a context (C11's qsort has none).
 *
 * Read next: models/README.md.
 */
#ifndef SALESIM_MODELS_UTIL_SORT_H
#define SALESIM_MODELS_UTIL_SORT_H

#include <stddef.h>
#include <stdint.h>

/** qsort comparator for double: ascending; NaN after every number (NaNs
 *  compare equal); -0.0 and 0.0 compare equal. */
int salesim_sort_cmp_double(const void *a, const void *b);

/** Sort n doubles ascending in place (salesim_sort_cmp_double's order),
 *  stable: the same bits as qsort with that comparator (glibc's merge
 *  sort), by a radix sort (util_sort.c). Returns 0, or -1 when its work
 *  space cannot be allocated (x unchanged). */
int salesim_sort_doubles(double *x, size_t n);

/** A value's place in salesim_sort_cmp_double's order (key) with what it
 *  carries along (an index, the value's bits). */
typedef struct salesim_sort_record {
  uint64_t key;
  uint64_t payload;
} salesim_sort_record;

/** rec's key for `value` (-0.0 as 0.0, every NaN last and equal) and its payload. */
void salesim_sort_record_set(salesim_sort_record *rec, double value, uint64_t payload);

/** Sort n records by key, stable (equal keys keep their order). Returns 0,
 *  or -1 out of memory (rec unchanged). */
int salesim_sort_records(salesim_sort_record *rec, size_t n);

/** qsort comparator for an array of `char *` (or `const char *`): strcmp
 *  order of the strings pointed to. */
int salesim_sort_cmp_string(const void *a, const void *b);

/** An index (`who`: a manager, a territory, a rep...) with the number it is
 *  ranked by (models/mechanisms/org_year.c, models/mechanisms/tender_bids.c,
 *  models/mechanisms/tender_teams.c). */
typedef struct salesim_sort_keyed {
  double key;
  int who;
} salesim_sort_keyed;

/** qsort comparator for salesim_sort_keyed: key descending, equal keys by
 *  `who` ascending, so the order does not depend on where the entries
 *  started. Keys must not be NaN (-INFINITY is fine). */
int salesim_sort_cmp_keyed_desc(const void *a, const void *b);

/** Order of two indices for salesim_sort_indices: < 0 if a goes first,
 *  > 0 if b does, 0 if either may; `ctx` is the caller's data. */
typedef int (*salesim_sort_index_cmp)(int a, int b, const void *ctx);

/** Sort n indices in place by `cmp` with insertion sort: stable (indices
 *  that compare equal keep their order), for small n (quadratic); the
 *  comparisons made depend only on the input, never on the platform. */
void salesim_sort_indices(int *idx, int n, salesim_sort_index_cmp cmp, const void *ctx);

#endif
