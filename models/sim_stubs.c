/*
 * models/sim_stubs.c: TEMPORARY, delete at merge. Weak stand-ins for the
 * world and schedule helpers that models/sim.c and models/schedule.c will
 * define, so that tests linking the mechanism files (through the registry)
 * link before those files exist. A strong definition anywhere overrides
 * these. Nothing here is meant to be called.
 */
#include "mechanism.h"

#define SALESIM_WEAK __attribute__((weak))

SALESIM_WEAK double salesim_world_rule_target(const salesim_world *w, const salesim_agent *a) {
  (void)w;
  (void)a;
  return 0;
}
SALESIM_WEAK void salesim_world_pay(salesim_world *w, salesim_agent *a, double amount,
                                    int variable) {
  (void)w;
  (void)a;
  (void)amount;
  (void)variable;
}
SALESIM_WEAK void salesim_world_mgmt_cost(salesim_world *w, double amount) {
  (void)w;
  (void)amount;
}
SALESIM_WEAK int salesim_world_add_table(salesim_world *w, salesim_table *t) {
  (void)w;
  (void)t;
  return SALESIM_EINVAL;
}
SALESIM_WEAK void salesim_world_exit(salesim_world *w, salesim_agent *a, int why) {
  (void)w;
  (void)a;
  (void)why;
}

SALESIM_WEAK void salesim_schedule_linear(salesim_schedule *s, double rate) {
  (void)s;
  (void)rate;
}
SALESIM_WEAK int salesim_schedule_from_points(salesim_schedule *s, const salesim_points *p,
                                              double xscale, double yscale) {
  (void)s;
  (void)p;
  (void)xscale;
  (void)yscale;
  return SALESIM_EINVAL;
}
SALESIM_WEAK int salesim_schedule_tiers(salesim_schedule *s, const salesim_points *tiers,
                                        double cap) {
  (void)s;
  (void)tiers;
  (void)cap;
  return SALESIM_EINVAL;
}
SALESIM_WEAK int salesim_schedule_add_jump(salesim_schedule *s, double t, double J) {
  (void)s;
  (void)t;
  (void)J;
  return SALESIM_EINVAL;
}
SALESIM_WEAK int salesim_schedule_add_hinge(salesim_schedule *s, double k, double dslope) {
  (void)s;
  (void)k;
  (void)dslope;
  return SALESIM_EINVAL;
}
SALESIM_WEAK double salesim_schedule_eval(const salesim_schedule *s, double x) {
  (void)s;
  (void)x;
  return 0;
}
SALESIM_WEAK double salesim_schedule_expect(const salesim_schedule *s, double m, double sd,
                                            double *slope) {
  (void)s;
  (void)m;
  (void)sd;
  if (slope != NULL)
    *slope = 0;
  return 0;
}
SALESIM_WEAK double salesim_schedule_slope(const salesim_schedule *s, double x) {
  (void)s;
  (void)x;
  return 0;
}
SALESIM_WEAK int salesim_schedule_is_linear(const salesim_schedule *s) {
  (void)s;
  return 1;
}
