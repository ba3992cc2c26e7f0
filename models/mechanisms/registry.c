/*
 * models/mechanisms/registry.c: the mechanism registry: every mechanism type the
 * engine knows, looked up by the name a scenario file uses (as GSL's
 * gsl_rng_types). Adding a mechanism = one extern line and one entry here.
 * Tests may add types of their own with salesim_mechanism_register_extra
 * (models/core/mechanism.h); the shipped list never changes.
 */
#include <stddef.h>
#include <string.h>

#include "mechanism.h"

#define EXTRA_MAX 8 /* types a test program may add */

extern const salesim_mechanism_type salesim_mechanism_commission;
extern const salesim_mechanism_type salesim_mechanism_target_salary;
extern const salesim_mechanism_type salesim_mechanism_quota_bonus;
extern const salesim_mechanism_type salesim_mechanism_monitoring;
extern const salesim_mechanism_type salesim_mechanism_training_ladder;
extern const salesim_mechanism_type salesim_mechanism_tender;
extern const salesim_mechanism_type salesim_mechanism_top_down;
extern const salesim_mechanism_type salesim_mechanism_forecast_bonus;

/* the shipped types, then room for the test seam's extra ones (NULL-ended) */
static const salesim_mechanism_type *registry[] = {
    &salesim_mechanism_commission,
    &salesim_mechanism_target_salary,
    &salesim_mechanism_quota_bonus,
    &salesim_mechanism_monitoring,
    &salesim_mechanism_training_ladder,
    &salesim_mechanism_tender,
    &salesim_mechanism_top_down,
    &salesim_mechanism_forecast_bonus,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, /* EXTRA_MAX */
    NULL,
};
#define REGISTRY_LEN (sizeof registry / sizeof registry[0])
_Static_assert(REGISTRY_LEN == 8 + EXTRA_MAX + 1, "room for EXTRA_MAX extra types");

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
  return 0;
}

const char *const *salesim_mechanism_names(void) {
  static const char *names[REGISTRY_LEN];
  for (size_t i = 0; registry[i] != NULL; i++)
    names[i] = registry[i]->name;
  return names;
}
