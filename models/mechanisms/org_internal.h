/*
 * models/mechanisms/org_internal.h: what the files of the managed
 * organisation share (internal: only models/mechanisms/org*.c include it;
 * the mechanisms use models/mechanisms/org.h): a rep's plan (its per-agent
 * state) and whether a rep is in its territory manager's team.
 * Read next: models/mechanisms/org.c.
 */
#ifndef SALESIM_ORG_INTERNAL_H
#define SALESIM_ORG_INTERNAL_H

#include "org.h"

/* a rep's plan (the per-agent state of tender, top_down, forecast_bonus) */
static inline salesim_org_agent *oa(salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state(w, a);
}

static inline const salesim_org_agent *oa_const(const salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state_const(w, a);
}

/* whether rep a is in the team of its territory's manager (else a house
 * rep, run by the firm on its own target) */
static inline int in_team(const salesim_org *o, const salesim_agent *a) {
  int m = o->terr[a->territory].manager;
  return m >= 0 && a->manager == m;
}

#endif
