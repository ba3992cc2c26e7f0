/*
 * models/core/world.c: the helpers a mechanism (and the loop) calls on the
 * world, declared in models/core/world.h: pay and management cost, a
 * failure that ends the run, detail tables, people's traits, the firm's
 * target rule, moving people between territories and taking them out of
 * their slots (vacate, count a leaver, exit), and the per-agent state
 * accessor. Mechanisms depend on these, never on the loop (sim.c).
 *
 * Read next: models/core/world_alloc.c (how a world is set up),
 * models/core/sim.c (the monthly loop that calls the mechanism's hooks).
 */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "history.h"
#include "pipeline.h"
#include "sim_internal.h"

/* ---- the firm's target rule --------------------------------------------- */

static double firm_rule_target(const salesim_world *w, const salesim_agent *a) {
  const salesim_firm *firm = &w->sc->firm;
  if (firm->target_rule == SALESIM_TARGET_FIXED)
    return firm->fixed_target;
  const salesim_territory *t = &w->terr[a->territory];
  double share = t->n_slots > 0 ? 1.0 / t->n_slots : 1.0;
  /* the firm sets targets from what it sees: its estimate of potential */
  return firm->potential_share * t->est_firm * share +
         firm->book_factor * 12.0 * a->book;
}

/* The rule, then the ratchet overlay's say on it (models/core/overlays.c). */
double salesim_world_rule_target(const salesim_world *w, const salesim_agent *a) {
  double rule = firm_rule_target(w, a);
  return salesim_overlay_ratchet_target(w, a, rule);
}

/* ---- pay, cost, failures, tables ---------------------------------------- */

void salesim_world_pay(salesim_world *w, salesim_agent *a, double amount, int variable) {
  if (amount == 0)
    return;
  if (w->history != NULL)
    salesim_history_pay(w, a, amount, variable);
  a->last_pay += amount;
  a->pay_year += amount;
  /* people.csv: the pay of a slot's first holder (the company's person) */
  if (w->person != NULL && a->hire_count == 0 && a->status != SALESIM_AGENT_VACANT &&
      a >= w->agents && a < w->agents + w->n_agents)
    w->person[3 * (size_t)(a - w->agents) + 1] += amount;
  /* pay reaches the person's savings when it is paid, whichever hook pays
   * it (month_pay, month_end, period_end): a year-end bonus included */
  a->savings += amount;
  w->ledger.pay += amount;
  if (variable)
    w->ledger.pay_variable += amount;
  else
    w->ledger.pay_fixed += amount;
}

double salesim_world_after_value(const salesim_schedule *sched, double target, double exp_att,
                                 double sd_att, double x_default) {
  double x = exp_att > 0 ? exp_att * target : x_default;
  double sd = (sd_att > 0.1 ? sd_att : 0.1) * target, slope = 0;
  salesim_schedule_expect(sched, x, sd, &slope);
  return slope;
}

void salesim_world_mgmt_cost(salesim_world *w, double amount) { w->ledger.mgmt_cost += amount; }

void salesim_world_fail(salesim_world *w, int code, const char *fmt, ...) {
  if (w->error != 0)
    return;
  w->error = code < 0 ? code : SALESIM_EINVAL;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(w->error_text, sizeof w->error_text, fmt, ap);
  va_end(ap);
}

int salesim_world_add_table(salesim_world *w, salesim_table *t) {
  salesim_table **n = realloc(w->tables, (size_t)(w->n_tables + 1) * sizeof *n);
  if (n == NULL) {
    salesim_world_fail(w, SALESIM_ENOMEM, "out of memory for the table %s",
                       t ? t->name : "");
    salesim_table_free(t);
    return SALESIM_ENOMEM;
  }
  w->tables = n;
  w->tables[w->n_tables++] = t;
  return 0;
}

void salesim_world_pay_staff(salesim_world *w, double amount, int variable) {
  if (amount == 0)
    return;
  w->ledger.pay += amount;
  if (variable)
    w->ledger.pay_variable += amount;
  else
    w->ledger.pay_fixed += amount;
}

/* ---- territories and moves ---------------------------------------------- */

void salesim_world_territory_update(salesim_world *w, int k) {
  salesim_territory *t = &w->terr[k];
  double n = t->n_slots > 0 ? t->n_slots : 1;
  t->lead_rate =
      w->deal_mean > 0 ? t->potential * t->lead_mult / (n * 12.0 * w->p_win[1] * w->deal_mean)
                       : 0;
}

void salesim_world_move(salesim_world *w, salesim_agent *a, int k) {
  int old = a->territory;
  if (old == k)
    return;
  w->terr[old].orphan_book += a->book;
  a->book = 0;
  if (w->history != NULL)
    salesim_history_transfer(w, SALESIM_HOLD_BOOK, (int)(a - w->agents), SALESIM_HOLD_ORPHAN,
                             old);
  w->terr[old].n_slots--;
  w->terr[k].n_slots++;
  a->territory = k;
  salesim_world_territory_update(w, old);
  salesim_world_territory_update(w, k);
}

/* ---- people leaving their slots ----------------------------------------- */

void salesim_world_count_survival(salesim_world *w, salesim_agent *a, int leaving) {
  if (a->hired_month < 0)
    return;
  int months = w->sc->months;
  if (!a->counted_6 && a->hired_month + 6 <= months && (leaving || a->tenure >= 6)) {
    a->counted_6 = 1;
    w->ledger.hires_6_total++;
    w->ledger.hires_6_alive += !leaving || a->tenure >= 6;
  }
  if (!a->counted_12 && a->hired_month + 12 <= months && (leaving || a->tenure >= 12)) {
    a->counted_12 = 1;
    w->ledger.hires_12_total++;
    w->ledger.hires_12_alive += !leaving || a->tenure >= 12;
  }
}

void salesim_world_vacate(salesim_world *w, salesim_agent *a) {
  salesim_territory *t = &w->terr[a->territory];
  if (w->sc->production.accounts_to_hire)
    a->held_book += a->book; /* for the replacement (hire_into, a fill) */
  else
    t->orphan_book += a->book;
  a->book = 0;
  if (w->history != NULL) /* the accounts go where the book went */
    salesim_history_transfer(w, SALESIM_HOLD_BOOK, (int)(a - w->agents),
                             w->sc->production.accounts_to_hire ? SALESIM_HOLD_HELD
                                                                : SALESIM_HOLD_ORPHAN,
                             w->sc->production.accounts_to_hire ? (int)(a - w->agents)
                                                                : a->territory);
  salesim_pipeline_clear(w, a);
  a->status = SALESIM_AGENT_VACANT;
  a->vacant_until = w->month + 1 + w->sc->population.hire_delay;
}

void salesim_world_count_leaver(salesim_world *w, int why) {
  w->ledger.quits += 1;
  if (why == SALESIM_EXIT_BROKE)
    w->ledger.quits_broke += 1;
  w->monthly[(size_t)w->month * SALESIM_SERIES_COUNT + SALESIM_SERIES_QUITS] += 1;
}

void salesim_world_exit(salesim_world *w, salesim_agent *a, int why) {
  if (a->status == SALESIM_AGENT_VACANT)
    return;
  salesim_world_count_survival(w, a, 1);
  if (w->history != NULL)
    salesim_history_exit(w, a, why);
  salesim_world_vacate(w, a);
  salesim_world_count_leaver(w, why);
}

/* ---- per-agent mechanism state ------------------------------------------ */

void *salesim_agent_state(salesim_world *w, const salesim_agent *a) {
  if (w->agent_state == NULL)
    return NULL;
  assert(a >= w->agents && a < w->agents + w->n_agents);
  return w->agent_state + (size_t)(a - w->agents) * w->agent_state_stride;
}

const void *salesim_agent_state_const(const salesim_world *w, const salesim_agent *a) {
  if (w->agent_state == NULL)
    return NULL;
  assert(a >= w->agents && a < w->agents + w->n_agents);
  return w->agent_state + (size_t)(a - w->agents) * w->agent_state_stride;
}

/* ---- people's traits ------------------------------------------------------ */

void salesim_world_draw_traits(const salesim_world *w, gsl_rng *r, salesim_traits *t) {
  /* w->trait_dist holds the population's distributions in this order
   * (models/core/world_alloc.c); the same draws as salesim_dist_draw */
  const salesim_dist_fast *q = w->trait_dist;
  double x[7];
  salesim_taus st;
  if (salesim_taus_load(r, &st)) { /* the stream's state in registers */
    for (int k = 0; k < 7; k++)
      x[k] = salesim_dist_fast_draw_taus(&q[k], r, &st);
    salesim_taus_store(r, &st);
  } else {
    for (int k = 0; k < 7; k++)
      x[k] = salesim_dist_fast_draw(&q[k], r);
  }
  t->ability = x[0];
  t->skill = x[1];
  t->risk_aversion = fmax(0, x[2]);
  t->effort_cost = fmax(1e-9, x[3]);
  t->outside_wage = x[4];
  t->savings = fmax(0, x[5]) * w->sc->population.living_cost;
  t->moral_cost = fmax(0, x[6]);
}

void salesim_agent_set_traits(salesim_agent *a, const salesim_traits *t) {
  a->ability = t->ability;
  a->skill = t->skill;
  a->risk_aversion = t->risk_aversion;
  a->effort_cost = t->effort_cost;
  a->outside_wage = t->outside_wage;
  a->savings = t->savings;
  a->moral_cost = t->moral_cost;
}

void salesim_agent_get_traits(const salesim_agent *a, salesim_traits *t) {
  t->ability = a->ability;
  t->skill = a->skill;
  t->risk_aversion = a->risk_aversion;
  t->effort_cost = a->effort_cost;
  t->outside_wage = a->outside_wage;
  t->savings = a->savings;
  t->moral_cost = a->moral_cost;
}

double salesim_grade_salary(const salesim_vector *salary_by_grade,
                            const salesim_vector *grade_tenure, int tenure) {
  int g = 0;
  for (int i = 0; i < grade_tenure->n; i++)
    if (tenure >= grade_tenure->v[i])
      g = i;
  return salary_by_grade->v[g];
}

int salesim_check_grades(const salesim_vector *salary_by_grade, const salesim_vector *grade_tenure,
                         const char *where, const char *salary_name, const char *tenure_name,
                         salesim_diag *diag) {
  if (grade_tenure->n != salary_by_grade->n) {
    salesim_diag_add(diag, "%s.%s: %d values but %s has %d (expected the same length)", where,
                     tenure_name, grade_tenure->n, salary_name, salary_by_grade->n);
    return 1;
  }
  if (grade_tenure->n > 0 && grade_tenure->v[0] != 0) {
    salesim_diag_add(diag, "%s.%s: first value is %g (expected 0)", where, tenure_name,
                     grade_tenure->v[0]);
    return 1;
  }
  return 0;
}
