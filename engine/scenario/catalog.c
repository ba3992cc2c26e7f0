/*
 * engine/scenario/catalog.c: the registered mechanism types as public API
 * (salesim_mechanism_count, salesim_mechanism_name,
 * salesim_mechanism_summary in include/salesim/salesim.h), so a caller such
 * as the command line can list them without the mechanism interface of
 * models/core/mechanism.h, which is internal.
 *
 * Read next: models/mechanisms/registry.c (the registry these read).
 */
#include <stddef.h>

#include <salesim/salesim.h>

#include "mechanism.h"

int salesim_mechanism_count(void) {
  const salesim_mechanism_type *const *all = salesim_mechanism_all();
  int n = 0;
  while (all[n] != NULL)
    n++;
  return n;
}

/* Type i of the registry, or NULL if i is out of range. */
static const salesim_mechanism_type *type_at(int i) {
  return i >= 0 && i < salesim_mechanism_count() ? salesim_mechanism_all()[i] : NULL;
}

const char *salesim_mechanism_name(int i) {
  const salesim_mechanism_type *t = type_at(i);
  return t != NULL ? t->name : NULL;
}

const char *salesim_mechanism_summary(int i) {
  const salesim_mechanism_type *t = type_at(i);
  return t != NULL ? t->summary : NULL;
}
