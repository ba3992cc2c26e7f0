/*
 * engine/base/util_sort.h: qsort comparators shared by models/ and engine/ (the
 * lowest layer: it depends on nothing of the project, so both may use it).
 *
 * One copy of each order instead of one per file: numbers ascending with
 * NaN last (a total order, so qsort is well defined on any input) and C
 * strings in strcmp order.
 *
 * Read next: models/README.md.
 */
#ifndef SALESIM_MODELS_UTIL_SORT_H
#define SALESIM_MODELS_UTIL_SORT_H

#include <stddef.h>

/** qsort comparator for double: ascending; NaN after every number (NaNs
 *  compare equal); -0.0 and 0.0 compare equal. */
int salesim_sort_cmp_double(const void *a, const void *b);

/** Sort n doubles ascending in place (salesim_sort_cmp_double's order). */
void salesim_sort_doubles(double *x, size_t n);

/** qsort comparator for an array of `char *` (or `const char *`): strcmp
 *  order of the strings pointed to. */
int salesim_sort_cmp_string(const void *a, const void *b);

#endif
