/*
 * models/mechanisms/registry.c: the mechanism registry: every mechanism type the
 * engine knows, looked up by the name a scenario file uses (as GSL's
 * gsl_rng_types). Adding a mechanism = one extern line and one entry here.
 */
#include <stddef.h>
#include <string.h>

#include "mechanism.h"

extern const salesim_mechanism_type salesim_mechanism_commission;
extern const salesim_mechanism_type salesim_mechanism_target_salary;
extern const salesim_mechanism_type salesim_mechanism_quota_bonus;
extern const salesim_mechanism_type salesim_mechanism_monitoring;
extern const salesim_mechanism_type salesim_mechanism_training_ladder;
extern const salesim_mechanism_type salesim_mechanism_tender;
extern const salesim_mechanism_type salesim_mechanism_top_down;
extern const salesim_mechanism_type salesim_mechanism_forecast_bonus;

static const salesim_mechanism_type *const registry[] = {
    &salesim_mechanism_commission,
    &salesim_mechanism_target_salary,
    &salesim_mechanism_quota_bonus,
    &salesim_mechanism_monitoring,
    &salesim_mechanism_training_ladder,
    &salesim_mechanism_tender,
    &salesim_mechanism_top_down,
    &salesim_mechanism_forecast_bonus,
    NULL,
};

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

const char *const *salesim_mechanism_names(void) {
  static const char *names[sizeof registry / sizeof registry[0]];
  for (size_t i = 0; registry[i] != NULL; i++)
    names[i] = registry[i]->name;
  return names;
}
