/*
 * models/mechanisms/registry.c: the mechanism registry: every mechanism type the
 * engine knows, looked up by the name a scenario file uses (as GSL's
 * gsl_rng_types). Adding a mechanism = one line in SALESIM_SHIPPED_MECHANISMS.
 * Tests may add types of their own with salesim_mechanism_register_extra
 * (models/core/mechanism.h); the shipped list never changes.
 */
#include <stddef.h>
#include <string.h>

#include "mechanism.h"

#define EXTRA_MAX 8 /* types a test program may add */

/* The shipped types, in registry order (the order of the metric catalogue:
 * add a new type at the end). Adding a mechanism = one line here. */
#define SALESIM_SHIPPED_MECHANISMS(X) \
  X(commission)                       \
  X(target_salary)                    \
  X(quota_bonus)                      \
  X(monitoring)                       \
  X(training_ladder)                  \
  X(tender)                           \
  X(top_down)                         \
  X(forecast_bonus)                   \
  X(flat_salary)                      \
  X(plan)                             \
  X(transition)

#define X_EXTERN(n) extern const salesim_mechanism_type salesim_mechanism_##n;
SALESIM_SHIPPED_MECHANISMS(X_EXTERN)
#undef X_EXTERN

/* the shipped types, then room for the test seam's extra ones (NULL-ended) */
#define X_ENTRY(n) &salesim_mechanism_##n,
static const salesim_mechanism_type *registry[] = {
    SALESIM_SHIPPED_MECHANISMS(X_ENTRY)
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, /* EXTRA_MAX */
    NULL,
};
#undef X_ENTRY
#define REGISTRY_LEN (sizeof registry / sizeof registry[0])

/* their names, kept beside the list (written only when a type is added,
 * never when read: several threads may read them) */
#define X_NAME(n) #n,
static const char *names[REGISTRY_LEN] = {SALESIM_SHIPPED_MECHANISMS(X_NAME)};
#undef X_NAME
#define X_ONE(n) +1
_Static_assert(REGISTRY_LEN == 0 SALESIM_SHIPPED_MECHANISMS(X_ONE) + EXTRA_MAX + 1,
               "room for EXTRA_MAX extra types");
#undef X_ONE

const salesim_mechanism_type *const *salesim_mechanism_all(void) {
  return registry;
}

const salesim_mechanism_type *salesim_mechanism_find(const char *name) {
  if (name == NULL)
    return NULL;
  for (size_t i = 0; registry[i] != NULL; i++)
    if (strcmp(registry[i]->name, name) == 0)
      return registry[i];
  return NULL;
}

int salesim_mechanism_register_extra(const salesim_mechanism_type *t) {
  if (t == NULL || t->name == NULL || t->version != SALESIM_MECHANISM_VERSION ||
      t->incentive == NULL || t->month_pay == NULL || salesim_mechanism_find(t->name) != NULL)
    return SALESIM_EINVAL;
  size_t n = 0;
  while (registry[n] != NULL)
    n++;
  if (n + 1 >= REGISTRY_LEN)
    return SALESIM_ELIMIT;
  registry[n] = t;
  names[n] = t->name;
  return 0;
}

const char *const *salesim_mechanism_names(void) { return names; }
