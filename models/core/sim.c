/*
 * models/core/sim.c: the period loop (MODEL.md §1-§5, §7).
 *
 * salesim_world_alloc draws territories and the starting sales force from
 * streams that depend on the seed and replication only (common random
 * numbers); salesim_world_step runs one month:
 *
 *   1. first month of a plan year: reset the year's counters, the mechanism
 *      sets targets and pay schedules (year_start)
 *   2. fill vacancies whose delay is over (hires; mechanism's hire hook)
 *   3. every active agent looks at its incentive and chooses efforts
 *   4. the market: book churn and revenue, pipeline steps, new leads
 *      (collisions between hunters of one territory without assigned
 *      accounts), wins booked as new revenue and new accounts
 *   5. the mechanism pays the month; savings move by pay - living cost
 *   6. month_end; in the last month of a plan year period_end (bonuses)
 *      and the year's attainment statistics
 *   7. people leave: savings gone, staying worth less than the outside
 *      wage, or life events; their accounts become the territory's orphan
 *      book and their pipeline is lost
 *
 * Every mechanism hook's status is checked (hook_status): a failing hook,
 * or a bound or allocation in the loop, ends the month at once with the
 * world's error, and salesim_sim_run reports it as the run's diagnostic.
 *
 * salesim_sim_run loops the months and turns the ledger into metrics.
 */
#include "sim.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "sample_stats.h"
#include "decision.h"
#include "mechanism.h"
#include "pipeline.h"
#include "streams.h"
#include "util_sort.h"

/* ---- helpers offered to mechanisms ---------------------------------------- */

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

double salesim_world_rule_target(const salesim_world *w, const salesim_agent *a) {
  double rule = firm_rule_target(w, a);
  double ratchet = w->spec->overlays.ratchet;
  if (ratchet > 0 && a->has_prev) {
    /* ratchet: last year's target moved toward last year's sales, never
     * below a quarter of what the rule would set */
    double t = a->prev_target + ratchet * (a->prev_sales - a->prev_target);
    return fmax(t, 0.25 * rule);
  }
  return rule;
}

void salesim_world_pay(salesim_world *w, salesim_agent *a, double amount, int variable) {
  if (amount == 0)
    return;
  a->last_pay += amount;
  a->pay_year += amount;
  w->ledger.pay += amount;
  if (variable)
    w->ledger.pay_variable += amount;
  else
    w->ledger.pay_fixed += amount;
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

void salesim_world_territory_update(salesim_world *w, int k) {
  salesim_territory *t = &w->terr[k];
  double n = t->n_slots > 0 ? t->n_slots : 1;
  t->lead_rate =
      w->deal_mean > 0 ? t->potential * t->lead_mult / (n * 12.0 * 0.2 * w->deal_mean) : 0;
}

void salesim_world_move(salesim_world *w, salesim_agent *a, int k) {
  int old = a->territory;
  if (old == k)
    return;
  w->terr[old].orphan_book += a->book;
  a->book = 0;
  w->terr[old].n_slots--;
  w->terr[k].n_slots++;
  a->territory = k;
  salesim_world_territory_update(w, old);
  salesim_world_territory_update(w, k);
}

/* survival of people hired during the run, censored at the run's end */
static void count_survival(salesim_world *w, salesim_agent *a, int leaving) {
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
  t->orphan_book += a->book;
  a->book = 0;
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
  count_survival(w, a, 1);
  salesim_world_vacate(w, a);
  salesim_world_count_leaver(w, why);
}

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

/* ---- mechanism hooks' status (models/core/mechanism.h) ------------------------- */

/* After a hook returned `rc`: a negative code without a reason gets the
 * engine's one ("mechanism NAME: HOOK failed: ..."); a positive one (for
 * fill: above 1) breaks the contract. Returns the world's error, 0 if none
 * (a hook may also have recorded one with salesim_world_fail and returned
 * 0: that ends the run too). */
static int hook_status(salesim_world *w, const char *hook, int rc, int max_ok) {
  if (rc < 0 && w->error == 0)
    salesim_world_fail(w, rc, "mechanism %s: %s failed: %s", w->type->name, hook,
                       salesim_strerror(rc));
  else if (rc > max_ok && w->error == 0)
    salesim_world_fail(w, SALESIM_EINVAL,
                       "mechanism %s: %s returned %d (expected %s or a negative SALESIM_E* code)",
                       w->type->name, hook, rc, max_ok > 0 ? "0, 1" : "0");
  return w->error;
}

/* ---- set-up ----------------------------------------------------------------- */

void salesim_world_draw_traits(const salesim_world *w, gsl_rng *r, salesim_traits *t) {
  const salesim_population *p = &w->sc->population;
  t->ability = salesim_dist_draw(&p->ability, r);
  t->skill = salesim_dist_draw(&p->skill, r);
  t->risk_aversion = fmax(0, salesim_dist_draw(&p->risk_aversion, r));
  t->effort_cost = fmax(1e-9, salesim_dist_draw(&p->effort_cost, r));
  t->outside_wage = salesim_dist_draw(&p->outside_wage, r);
  t->savings = fmax(0, salesim_dist_draw(&p->savings_months, r)) * p->living_cost;
  t->moral_cost = fmax(0, salesim_dist_draw(&p->moral_cost, r));
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

static void draw_person(salesim_world *w, salesim_agent *a, gsl_rng *r) {
  salesim_traits t;
  salesim_world_draw_traits(w, r, &t);
  salesim_agent_set_traits(a, &t);
  a->book = 0;
  a->credit_period = a->sales_year = a->pay_year = 0;
  a->target = a->target_pay = 0;
  a->hunt = a->farm = a->stay_value = a->last_pay = a->pipeline_value = 0;
  a->counted_6 = a->counted_12 = 0;
  a->top_quintile = 0;
  a->has_prev = 0;
  a->prev_target = a->prev_sales = 0;
  a->stuck_months = 0;
  a->coached_until = -1;
  a->warned_month = -1;
  a->pushed_value = a->pushed_wins = 0;
  a->m_now = a->m_after = a->exp_att = a->sd_att = 0;
  a->period_left = 0;
  a->max_stage = 0;
  if (w->agent_state != NULL) /* a new person: the mechanism's slot state starts afresh */
    memset(salesim_agent_state(w, a), 0, w->agent_state_stride);
  a->id = w->next_person_id++;
  a->status = SALESIM_AGENT_ACTIVE;
}

void salesim_world_free(salesim_world *w) {
  if (w == NULL)
    return;
  if (w->type && w->type->fini)
    w->type->fini(w);
  free(w->state);
  free(w->agent_state);
  if (w->rng_slot) {
    for (int i = 0; i < w->n_agents; i++)
      gsl_rng_free(w->rng_slot[i]);
    free(w->rng_slot);
  }
  gsl_rng_free(w->rng_world);
  gsl_rng_free(w->rng_mech);
  free(w->agents);
  free(w->terr);
  free(w->opps);
  free(w->shock);
  free(w->linear_noise);
  free(w->linear_noise2);
  free(w->scratch_a);
  free(w->scratch_b);
  for (int i = 0; i < w->n_tables; i++)
    salesim_table_free(w->tables[i]);
  free(w->tables);
  free(w->ote_ratio);
  free(w->own_metrics);
  free(w->own_monthly);
  free(w);
}

/* salesim_world_alloc; on failure `why` (if not NULL) gets the world's
 * reason (a failing init hook's, or the pipeline's), or "" if none */
static int world_alloc(salesim_world **out, const salesim_scenario *sc, int mech, int rep,
                       uint64_t seed, char *why, size_t why_len) {
  *out = NULL;
  if (why != NULL && why_len > 0)
    why[0] = '\0';
  int rc = SALESIM_ENOMEM;
  salesim_world *w = calloc(1, sizeof *w);
  if (w == NULL)
    return SALESIM_ENOMEM;
  const salesim_population *pop = &sc->population;
  const salesim_territories *ts = &sc->territories;
  const salesim_production *prod = &sc->production;
  w->sc = sc;
  w->spec = &sc->mechanisms[mech];
  w->type = w->spec->type;
  w->params = w->spec->params;
  w->rep = rep;
  w->seed = seed;
  w->n_agents = pop->reps;
  w->n_terr = ts->list_count > 0 ? ts->list_count : ts->count;
  w->agents = calloc((size_t)w->n_agents, sizeof *w->agents);
  w->terr = calloc((size_t)w->n_terr, sizeof *w->terr);
  w->rng_slot = calloc((size_t)w->n_agents, sizeof *w->rng_slot);
  w->shock = malloc((size_t)sc->months * (size_t)w->n_terr * sizeof *w->shock);
  w->scratch_a = malloc((size_t)w->n_agents * sizeof *w->scratch_a);
  w->scratch_b = malloc((size_t)w->n_agents * sizeof *w->scratch_b);
  w->n_metrics = salesim_metric_count();
  w->own_metrics = malloc((size_t)w->n_metrics * sizeof *w->own_metrics);
  w->own_monthly = calloc((size_t)sc->months * SALESIM_SERIES_COUNT, sizeof *w->own_monthly);
  {
    int years = (sc->months + sc->months_per_year - 1) / sc->months_per_year;
    w->ote_ratio = malloc((size_t)w->n_agents * (size_t)years * sizeof *w->ote_ratio);
  }
  w->rng_world = salesim_stream_alloc(seed, (uint64_t)rep, SALESIM_STREAM_TERRITORIES, 0);
  w->rng_mech = salesim_stream_alloc(seed, (uint64_t)rep, SALESIM_STREAM_MECHANISM, 0);
  if (w->type->agent_state_size > 0) {
    /* one zeroed block, each slot's part aligned for any type */
    size_t al = _Alignof(max_align_t);
    w->agent_state_stride = (w->type->agent_state_size + al - 1) / al * al;
    w->agent_state = calloc((size_t)w->n_agents, w->agent_state_stride);
    if (w->agent_state == NULL)
      goto fail;
  }
  if (!w->agents || !w->terr || !w->rng_slot || !w->shock || !w->scratch_a || !w->scratch_b ||
      !w->own_metrics || !w->own_monthly || !w->ote_ratio || !w->rng_world || !w->rng_mech)
    goto fail;
  w->metrics = w->own_metrics;
  w->monthly = w->own_monthly;
  for (int m = 0; m < w->n_metrics; m++)
    w->metrics[m] = NAN;
  salesim_pipeline_calibrate(w);

  /* territories */
  for (int k = 0; k < w->n_terr; k++) {
    salesim_territory *t = &w->terr[k];
    if (ts->list_count > 0) {
      t->potential = ts->list[k].potential;
      t->orphan_book = ts->list[k].book; /* split among reps below */
      t->prospects0 = ts->list[k].prospects;
      t->difficulty = ts->list[k].difficulty;
    } else {
      t->potential = salesim_dist_draw(&ts->potential, w->rng_world);
      t->orphan_book = salesim_dist_draw(&ts->book, w->rng_world);
      t->prospects0 = salesim_dist_draw(&ts->prospects, w->rng_world);
      t->difficulty = salesim_dist_draw(&ts->difficulty, w->rng_world);
    }
    t->prospects0 = fmax(1, t->prospects0);
    t->prospects = t->prospects0;
    if (!(t->difficulty > 0))
      t->difficulty = 1;
    t->est_firm =
        t->potential * exp(gsl_ran_gaussian_ziggurat(w->rng_world, ts->firm_estimate_sd));
    t->est_manager =
        t->potential * exp(gsl_ran_gaussian_ziggurat(w->rng_world, ts->manager_estimate_sd));
    t->manager = -1;
    t->lead_mult = 1;
  }
  for (int i = 0; i < w->n_agents; i++)
    w->terr[i % w->n_terr].n_slots++;
  /* bounded work (docs/limits.md) */
  w->leads_limit = SALESIM_MAX_LEADS_PER_MONTH;
  {
    double lim = (double)w->n_agents * SALESIM_MAX_OPEN_PER_POSITION;
    w->opp_limit = lim < SALESIM_MAX_OPEN_TOTAL ? (int)lim : SALESIM_MAX_OPEN_TOTAL;
  }
  for (int k = 0; k < w->n_terr; k++)
    salesim_world_territory_update(w, k);
  /* market shocks: the same for every mechanism */
  {
    gsl_rng *r = salesim_stream_alloc(seed, (uint64_t)rep, SALESIM_STREAM_MARKET, 0);
    if (r == NULL)
      goto fail;
    double sd = prod->market_sd;
    for (size_t i = 0; i < (size_t)sc->months * (size_t)w->n_terr; i++)
      w->shock[i] = exp(gsl_ran_gaussian_ziggurat(r, sd) - 0.5 * sd * sd);
    gsl_rng_free(r);
  }
  if (prod->mode == SALESIM_MODE_LINEAR) {
    w->linear_noise = malloc((size_t)sc->months * (size_t)w->n_agents * sizeof *w->linear_noise);
    gsl_rng *r = salesim_stream_alloc(seed, (uint64_t)rep, SALESIM_STREAM_NOISE, 0);
    if (w->linear_noise == NULL || r == NULL) {
      gsl_rng_free(r);
      goto fail;
    }
    for (size_t i = 0; i < (size_t)sc->months * (size_t)w->n_agents; i++)
      w->linear_noise[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    if (prod->tasks == 2) {
      w->linear_noise2 =
          malloc((size_t)sc->months * (size_t)w->n_agents * sizeof *w->linear_noise2);
      if (w->linear_noise2 == NULL) {
        gsl_rng_free(r);
        goto fail;
      }
      for (size_t i = 0; i < (size_t)sc->months * (size_t)w->n_agents; i++)
        w->linear_noise2[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    }
    gsl_rng_free(r);
  }

  /* opportunity pool: starts small, doubles when full (pipeline.c) */
  w->opps = NULL;
  w->opp_cap = 0;
  w->opp_free = -1;

  /* the starting sales force: drawn per slot so each slot's person is the
   * same under every mechanism */
  gsl_rng *pr = gsl_rng_alloc(gsl_rng_taus2);
  if (pr == NULL)
    goto fail;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    a->territory = i % w->n_terr;
    a->manager = -1;
    a->opp_head = -1;
    w->rng_slot[i] = salesim_stream_alloc(seed, (uint64_t)rep, SALESIM_STREAM_SLOT, (uint64_t)i);
    if (w->rng_slot[i] == NULL) {
      gsl_rng_free(pr);
      goto fail;
    }
    a->rng = w->rng_slot[i];
    salesim_stream_seed(pr, seed, (uint64_t)rep, SALESIM_STREAM_POPULATION, (uint64_t)i);
    draw_person(w, a, pr);
    a->tenure = (int)fmax(0, salesim_dist_draw(&pop->tenure_months, pr));
    a->hired_month = -1 - a->tenure;
    w->scratch_a[i] = a->ability;
  }
  /* linear mode has no accounts or pipeline: sales are ability*effort+noise */
  if (prod->mode == SALESIM_MODE_LINEAR)
    for (int k = 0; k < w->n_terr; k++)
      w->terr[k].orphan_book = 0;
  /* the starting book of each territory is split in proportion to tenure;
   * veterans start with a pipeline in the steady state of moderate hunting */
  for (int k = 0; k < w->n_terr; k++) {
    double tsum = 0;
    for (int i = k; i < w->n_agents; i += w->n_terr)
      tsum += w->agents[i].tenure;
    salesim_territory *t = &w->terr[k];
    for (int i = k; i < w->n_agents; i += w->n_terr) {
      salesim_agent *a = &w->agents[i];
      a->book = tsum > 0 ? t->orphan_book * a->tenure / tsum : t->orphan_book / t->n_slots;
    }
    t->orphan_book = 0;
  }
  if (prod->mode == SALESIM_MODE_PIPELINE) {
    double q = 4.0 / prod->cycle_months;
    for (int i = 0; i < w->n_agents; i++) {
      salesim_agent *a = &w->agents[i];
      const salesim_territory *t = &w->terr[a->territory];
      double ramp = fmin(1.0, a->tenure / prod->cycle_months);
      double lam = 0.5 * t->lead_rate * a->ability * a->skill / t->difficulty * ramp;
      for (int j = 1; j < SALESIM_STAGES; j++) {
        double reach = 1.0 / j; /* P(reach stage j from stage 1) */
        unsigned n;
        int prc = salesim_pipeline_leads(w, lam * reach / q, pr, &n);
        for (unsigned u = 0; u < n && prc == 0; u++) {
          int o = salesim_pipeline_open(w, i, salesim_dist_fast_draw(&w->deal, pr));
          if (o < 0)
            prc = o;
          else
            w->opps[o].stage = j;
        }
        if (prc != 0) { /* past a bound or out of memory: w->error says which */
          gsl_rng_free(pr);
          goto fail;
        }
      }
    }
  }
  gsl_rng_free(pr);
  /* quintile cut points of the starting force's books (hunting by book) */
  for (int i = 0; i < w->n_agents; i++)
    w->scratch_b[i] = w->agents[i].book;
  qsort(w->scratch_b, (size_t)w->n_agents, sizeof *w->scratch_b, salesim_sort_cmp_double);
  for (int q = 0; q < 4; q++)
    w->book_cut[q] = w->scratch_b[(int)floor((q + 1) * 0.2 * (w->n_agents - 1))];
  /* top ability quintile of the starting force */
  qsort(w->scratch_a, (size_t)w->n_agents, sizeof *w->scratch_a, salesim_sort_cmp_double);
  {
    double cut = w->scratch_a[(int)floor(0.8 * (w->n_agents - 1))];
    for (int i = 0; i < w->n_agents; i++)
      if (w->agents[i].ability >= cut && w->agents[i].ability > 0) {
        w->agents[i].top_quintile = 1;
        w->ledger.top_start++;
      }
  }
  if (w->type->state_size > 0) {
    w->state = calloc(1, w->type->state_size);
    if (w->state == NULL)
      goto fail;
  }
  if (w->type->init) {
    /* the init's own status and reason (not "out of memory" for all) */
    rc = hook_status(w, "init", w->type->init(w), 0);
    if (rc != 0)
      goto fail;
  }
  *out = w;
  return 0;
fail:
  if (w->error != 0)
    rc = w->error;
  if (why != NULL && why_len > 0 && w->error != 0)
    snprintf(why, why_len, "%s", w->error_text);
  salesim_world_free(w);
  return rc;
}

int salesim_world_alloc(salesim_world **out, const salesim_scenario *sc, int mech, int rep,
                        uint64_t seed) {
  return world_alloc(out, sc, mech, rep, seed, NULL, 0);
}

/* ---- one month ------------------------------------------------------------- */

/* What agent a faces and chooses this month. */
static int agent_choose(salesim_world *w, salesim_agent *a, salesim_incentive *inc,
                        salesim_choice *ch) {
  memset(inc, 0, sizeof *inc);
  inc->sched = &a->sched;
  inc->book_credit = 1;
  int rc = hook_status(w, "incentive", w->type->incentive(w, a, inc), 0);
  if (rc != 0)
    return rc;
  /* a ratchet makes this year's credit raise next year's target: the agent
   * counts what that costs it next year (the schedule's expected slope at
   * target), if it is in the plan year from its start */
  double ratchet = w->spec->overlays.ratchet;
  if (ratchet > 0 && inc->pay_scales_with_target && inc->period_months > 0 && a->target > 0 &&
      a->hired_month <= w->month - w->month_in_year) {
    /* pay next year is schedule(S'; T') with the schedule scaling with T':
     * d pay / d T' = -A * slope(A T') for attainment A; expecting next year
     * to go like this one (A = the attainment it plans for now), a unit of
     * credit now raises T' by `ratchet` and costs ratchet * A * slope */
    /* early in the year the outcome is unsure and the cost is an average
     * over it; late, a rep sure to overshoot knows it pays the steep rate */
    double att = a->exp_att > 0 ? a->exp_att : 1.0, slope = 0;
    double sd = a->sd_att > 0 ? a->sd_att : 0.2;
    salesim_schedule_expect(inc->sched, att * a->target, sd * a->target, &slope);
    inc->credit_cost =
        ratchet * att * slope * w->dpow[inc->months_left];
    /* next year's credit raises the target after that in the same way */
    double later = inc->credit_cost * w->dpow[w->sc->months_per_year];
    inc->after_value = inc->after_value > later ? inc->after_value - later : 0;
  }
  /* warm start from last month's shadow price; a full search when the plan
   * year (and so the schedule) starts and for new people */
  ch->hint = (w->month_in_year == 0 || a->tenure == 0) ? -1 : a->shadow;
  salesim_decide(w, a, inc, ch);
  a->shadow = ch->shadow;
  a->exp_att = a->target > 0 && inc->period_months > 0 ? ch->exp_credit / a->target : 0;
  a->sd_att = a->target > 0 && inc->period_months > 0 ? ch->sd_credit / a->target : 0;
  a->m_now = ch->margin_now;
  a->m_after = ch->margin_after; /* timing games need a pay period: see period_left */
  a->period_left = inc->period_months > 0 ? inc->months_left : 0;
  if (w->type->adjust)
    return hook_status(w, "adjust", w->type->adjust(w, a, inc, ch), 0);
  return 0;
}

/* Fill a vacancy from outside: applicants come one by one (the j-th
 * applicant for the k-th hire of a slot is the same person under every
 * mechanism); the first who values the job above their outside wage takes
 * it. Nobody: the position stays empty another month. Returns the world's
 * error (a hook failed). */
static int hire_into(salesim_world *w, salesim_agent *a, int slot) {
  const salesim_population *pop = &w->sc->population;
  gsl_rng *r = w->rng_world;
  for (int j = 0; j < pop->candidates; j++) {
    salesim_stream_seed(r, w->seed, (uint64_t)w->rep, SALESIM_STREAM_HIRE,
                        ((uint64_t)slot << 32) + ((uint64_t)a->hire_count << 8) + (uint64_t)j);
    draw_person(w, a, r);
    a->opp_head = -1;
    a->n_opps = 0;
    a->tenure = 0;
    a->hired_month = w->month;
    int rc = w->type->hire ? hook_status(w, "hire", w->type->hire(w, a), 0) : 0;
    if (rc != 0)
      return rc;
    salesim_incentive inc;
    salesim_choice ch;
    rc = agent_choose(w, a, &inc, &ch);
    if (rc != 0)
      return rc;
    if (ch.ce_month >= a->outside_wage) {
      a->hire_count++;
      w->ledger.hires += 1;
      w->ledger.mgmt_cost += pop->hiring_cost;
      w->ledger.hiring_cost += pop->hiring_cost;
      return 0;
    }
    w->ledger.offers_declined += 1;
  }
  a->status = SALESIM_AGENT_VACANT;
  a->vacant_until = w->month + 1;
  a->hire_count++;
  return 0;
}

static void year_stats(salesim_world *w) {
  int n = 0, np = 0;
  double *pay = w->scratch_a, *sales = w->scratch_b;
  double below50 = 0, mid = 0, at = 0, above150 = 0, err = 0;
  int nerr = 0;
  int mpy = w->sc->months_per_year;
  int year_start = w->month - (mpy - 1);
  const salesim_overlays *ov = &w->spec->overlays;
  salesim_ledger *L = &w->ledger;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT || !(a->target > 0))
      continue;
    double att = a->sales_year / a->target;
    int full_year = a->hired_month <= year_start;
    if (full_year) {
      /* for a ratchet next year, and the review's hit rate this year */
      a->prev_target = a->target;
      a->prev_sales = a->sales_year;
      a->has_prev = 1;
      if (ov->review) {
        int warned = a->warned_month >= year_start;
        int missed = att < 1.0;
        L->warn_tp += warned && missed;
        L->warn_fp += warned && !missed;
        L->warn_fn += !warned && missed;
        if (warned && missed)
          L->warn_lead += w->month + 1 - a->warned_month;
      }
    }
    a->warned_month = -1;
    n++;
    below50 += att < 0.5;
    mid += att >= 0.8 && att <= 1.2;
    at += att >= 1.0;
    above150 += att > 1.5;
    if (a->sales_year > 0) {
      err += fabs(a->target - a->sales_year) / a->sales_year;
      nerr++;
    }
    if (full_year && a->target_pay > 0) {
      pay[np] = a->pay_year;
      sales[np] = a->sales_year;
      w->ote_ratio[w->n_ote++] = a->pay_year / a->target_pay;
      np++;
    }
  }
  L->att_n += n;
  L->att_below50 += below50;
  L->att_80_120 += mid;
  L->att_at += at;
  L->att_above150 += above150;
  L->target_err_sum += err;
  L->target_err_n += nerr;
  if (np >= 2) {
    double gini = NAN, rho = NAN;
    int rc = salesim_stats_gini(pay, (size_t)np, &gini);
    if (rc == 0)
      rc = salesim_stats_spearman(pay, sales, (size_t)np, &rho);
    if (rc != 0) {
      salesim_world_fail(w, rc, "out of memory for the plan year's pay statistics");
      return;
    }
    L->gini_sum += gini;
    L->gini_n += 1;
    if (!isnan(rho)) {
      L->corr_sum += rho;
      L->corr_n += 1;
    }
  }
}

/* Does holding `deals` (value) back into the next pay period pay the agent?
 * The period ends this month with credit a->credit_period + other + deals. */
static int push_pays(const salesim_world *w, const salesim_agent *a, double other, double deals) {
  double end = a->credit_period + other + deals;
  double now = salesim_schedule_eval(&a->sched, end) - salesim_schedule_eval(&a->sched, end - deals);
  double later = a->m_after * w->sc->population.discount * deals;
  return later > now * (1 + 1e-9) + 1e-9;
}

/* Pipeline review overlay (DIGEST.md §2): a rep whose open opportunities
 * have all sat at or below review_stage, with no new ones, for review_months
 * gets a warning and coaching: a management cost and a temporary gain in
 * hunting skill. Precision and recall are scored at the plan year's end
 * against who then missed target (year_stats). */
static void pipeline_review(salesim_world *w, salesim_agent *a) {
  const salesim_overlays *ov = &w->spec->overlays;
  if (a->coached_until == w->month) {
    a->skill /= 1 + ov->coaching_gain;
    a->coached_until = -1;
  }
  if (a->max_stage <= ov->review_stage && a->leads_month == 0)
    a->stuck_months++;
  else
    a->stuck_months = 0;
  if (a->stuck_months < ov->review_months)
    return;
  a->stuck_months = 0;
  w->ledger.warnings += 1;
  if (a->warned_month < 0)
    a->warned_month = w->month;
  w->ledger.mgmt_cost += ov->coaching_cost;
  if (a->coached_until < 0)
    a->skill *= 1 + ov->coaching_gain;
  a->coached_until = w->month + ov->coaching_months;
}

int salesim_world_step(salesim_world *w) {
  const salesim_scenario *sc = w->sc;
  const salesim_production *prod = &sc->production;
  const salesim_population *pop = &sc->population;
  const salesim_mechanism_type *type = w->type;
  int t = w->month;
  int mpy = sc->months_per_year;
  w->month_in_year = t % mpy;
  w->year = t / mpy;
  double *mon = &w->monthly[(size_t)t * SALESIM_SERIES_COUNT];
  salesim_ledger *L = &w->ledger;
  int rc;

  if (w->month_in_year == 0) {
    for (int i = 0; i < w->n_agents; i++) {
      salesim_agent *a = &w->agents[i];
      a->credit_period = a->sales_year = a->pay_year = 0;
    }
    if (type->year_start && (rc = hook_status(w, "year_start", type->year_start(w), 0)) != 0)
      return rc;
  }
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status != SALESIM_AGENT_VACANT)
      continue;
    if (type->fill) {
      int filled = type->fill(w, a);
      if ((rc = hook_status(w, "fill", filled, 1)) != 0)
        return rc;
      if (filled == 1)
        continue;
    }
    if (t >= a->vacant_until && (rc = hire_into(w, a, i)) != 0)
      return rc;
  }

  /* the firm's stage-weighted forecast for the quarter (DIGEST.md §2) */
  if (w->month_in_year % 3 == 0) {
    double f = 0;
    for (int i = 0; i < w->n_agents; i++)
      if (w->agents[i].status != SALESIM_AGENT_VACANT)
        f += w->agents[i].pipeline_value;
    L->forecast = f;
    L->quarter_sales = 0;
  }

  /* 3. decisions */
  for (int k = 0; k < w->n_terr; k++) {
    w->terr[k].shock = w->shock[(size_t)t * w->n_terr + k];
    w->terr[k].hunters = 0;
  }
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    a->last_pay = 0;
    a->leads_month = 0;
    if (a->status != SALESIM_AGENT_ACTIVE) {
      a->hunt = a->farm = 0;
      continue;
    }
    salesim_incentive inc;
    salesim_choice ch;
    if ((rc = agent_choose(w, a, &inc, &ch)) != 0)
      return rc;
    {
      int band = 0;
      while (band < 4 && a->book > w->book_cut[band])
        band++;
      L->band_hunt[band] += ch.hunt;
      L->band_farm[band] += ch.farm;
      L->band_n[band] += 1;
      double e = prod->hunt_pain * ch.hunt + ch.farm;
      if (w->month_in_year >= mpy - mpy / 4) {
        L->effort_late += e;
        L->effort_n_late += 1;
      }
      if (!(a->target > 0 && a->credit_period >= a->target * w->month_in_year / mpy &&
            w->month_in_year > 0)) {
        /* effort over the year: reps ahead of their target so far only */
      } else if (w->month_in_year >= mpy - mpy / 4) {
        L->effort_q4 += e;
        L->effort_n_q4 += 1;
      } else {
        L->effort_q123 += e;
        L->effort_n_q123 += 1;
      }
    }
    a->hunt = ch.hunt;
    a->farm = ch.farm;
    a->stay_value = ch.ce_month;
    a->book_credit = inc.book_credit;
    a->assigned = inc.assigned_accounts;
    salesim_territory *tr = &w->terr[a->territory];
    if (!inc.assigned_accounts)
      tr->hunters += a->ability * a->skill * a->hunt;
  }

  /* 4.-5. market and pay */
  double rev_new = 0, rev_book = 0, wins_all = 0, pay0 = L->pay, hunt_sum = 0, farm_sum = 0;
  double pipe_sum = 0, book_sum = 0;
  int active = 0;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    salesim_outcome o;
    memset(&o, 0, sizeof o);
    salesim_territory *tr = &w->terr[a->territory];
    if (a->status == SALESIM_AGENT_ACTIVE) {
      active++;
      hunt_sum += a->hunt;
      farm_sum += a->farm;
      L->hunt_sum += a->hunt;
      L->effort_sum += prod->hunt_pain * a->hunt + a->farm;
      L->farm_sum += a->farm;
      L->agent_months += 1;
    }
    if (prod->mode == SALESIM_MODE_LINEAR) {
      size_t k = (size_t)t * w->n_agents + i;
      if (a->status == SALESIM_AGENT_ACTIVE) {
        o.revenue_new = a->ability * a->hunt * prod->output_scale + prod->noise_sd * w->linear_noise[k];
        if (prod->tasks == 2) /* the second task's noise: the next stream slot */
          o.revenue_book = a->ability * a->farm * prod->output_scale +
                           prod->noise_sd_farm * w->linear_noise2[k];
      }
    } else {
      /* book: revenue this month, then churn reduced by farming */
      o.revenue_book = a->book;
      a->book *= 1 - prod->churn * exp(-prod->farm_effect * a->farm);
      double won = a->pushed_value, wins = a->pushed_wins; /* held back last period */
      a->pushed_value = a->pushed_wins = 0;
      int timing = prod->timing_games && a->status == SALESIM_AGENT_ACTIVE && a->period_left > 0;
      if (timing && a->period_left <= prod->pull_window)
        salesim_pipeline_pull(w, a, a->m_now, a->m_after, a->period_left, prod->pull_discount,
                              &won, &wins, &L->pulled, &L->discount_cost);
      w->draws += (unsigned long long)a->n_opps;
      double won_now = 0, wins_now = 0;
      salesim_pipeline_step(w, a, &won_now, &wins_now);
      /* push: deals closing in the period's last month sign next month when
       * they are worth more there (cap reached, quota out of reach): what
       * they add to this period's pay, read off the schedule at the period's
       * final credit, against their value next period */
      if (timing && prod->push_deals && a->period_left == 1 && wins_now > 0 &&
          push_pays(w, a, o.revenue_book * a->book_credit + won, won_now)) {
        a->pushed_value = won_now;
        a->pushed_wins = wins_now;
        L->pushed += wins_now;
        won_now = wins_now = 0;
      }
      won += won_now;
      wins += wins_now;
      o.revenue_new = won;
      o.wins = wins;
      if (wins > 0) {
        a->book += won * prod->account_share;
        tr->prospects = fmax(0, tr->prospects - wins);
      }
      if (a->status == SALESIM_AGENT_ACTIVE && a->hunt > 0) {
        double rho = tr->prospects / tr->prospects0;
        double intensity = a->ability * a->skill * a->hunt;
        double lam = tr->lead_rate * intensity * rho * tr->shock / tr->difficulty;
        unsigned n = 0;
        if ((lam > 0 || !isfinite(lam)) && (rc = salesim_pipeline_leads(w, lam, a->rng, &n)) != 0)
          return rc; /* past a bound: w->error says which */
        w->draws += 1 + n;
        /* hunters without assigned accounts work the same prospect pool:
         * a lead a teammate also found is wasted (a conflict) */
        double p_coll = 0;
        if (prod->collisions && !a->assigned && tr->hunters > intensity) {
          double others = tr->hunters - intensity;
          double contacts = tr->lead_rate * others * tr->shock / tr->difficulty * 5.0;
          p_coll = fmin(0.9, contacts / fmax(1.0, tr->prospects));
        }
        for (unsigned u = 0; u < n; u++) {
          w->draws += p_coll > 0;
          if (p_coll > 0 && gsl_rng_uniform(a->rng) < p_coll) {
            o.collisions += 1;
            continue;
          }
          /* a lead the pool cannot take ends the run (w->error says why) */
          if ((rc = salesim_pipeline_open(w, i, salesim_dist_fast_draw(&w->deal, a->rng))) < 0)
            return rc;
          o.leads += 1;
        }
        a->leads_month = o.leads;
        L->collisions += o.collisions;
        L->leads += o.leads;
      }
      if (w->spec->overlays.review && a->status == SALESIM_AGENT_ACTIVE)
        pipeline_review(w, a);
    }
    o.credit = o.revenue_new + a->book_credit * o.revenue_book;
    if ((rc = hook_status(w, "month_pay", type->month_pay(w, a, &o), 0)) != 0)
      return rc;
    a->credit_period += o.credit;
    a->sales_year += o.credit;
    a->savings += a->last_pay - pop->living_cost;
    rev_new += o.revenue_new;
    rev_book += o.revenue_book;
    wins_all += o.wins;
    L->quarter_sales += o.revenue_new;
    pipe_sum += a->pipeline_value;
    book_sum += a->book;
  }
  /* accounts of people who left: revenue to the firm, churning untended */
  for (int k = 0; k < w->n_terr; k++) {
    salesim_territory *tr = &w->terr[k];
    rev_book += tr->orphan_book;
    book_sum += tr->orphan_book;
    tr->orphan_book *= 1 - prod->orphan_churn;
  }
  L->mgmt_cost += sc->firm.overhead_per_rep * active; /* managing the people in the field */
  L->revenue_new += rev_new;
  L->revenue_book += rev_book;
  L->revenue += rev_new + rev_book;
  L->new_customers += wins_all;

  if (type->month_end && (rc = hook_status(w, "month_end", type->month_end(w), 0)) != 0)
    return rc;
  if (w->month_in_year % 3 == 2 && L->forecast > 0 && L->quarter_sales > 0) {
    L->forecast_err_sum += fabs(L->forecast - L->quarter_sales) / L->quarter_sales;
    L->forecast_n += 1;
  }
  if (w->month_in_year == mpy - 1) {
    if (type->period_end && (rc = hook_status(w, "period_end", type->period_end(w), 0)) != 0)
      return rc;
    year_stats(w);
  }

  /* 7. leaving */
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    if (a->savings < 0)
      salesim_world_exit(w, a, SALESIM_EXIT_BROKE);
    else if (a->status == SALESIM_AGENT_ACTIVE && a->stay_value < a->outside_wage)
      salesim_world_exit(w, a, SALESIM_EXIT_QUIT);
    else if (salesim_hash_uniform(w->seed, (uint64_t)w->rep,
                                  ((uint64_t)SALESIM_STREAM_LIFE << 32) + (uint64_t)i,
                                  (uint64_t)t) < pop->quit_rate)
      salesim_world_exit(w, a, SALESIM_EXIT_EXOGENOUS);
    else {
      a->tenure++;
      count_survival(w, a, 0);
    }
  }

  int headcount = 0;
  for (int i = 0; i < w->n_agents; i++)
    headcount += w->agents[i].status != SALESIM_AGENT_VACANT;
  mon[SALESIM_SERIES_REVENUE] += rev_new + rev_book;
  mon[SALESIM_SERIES_REVENUE_NEW] += rev_new;
  mon[SALESIM_SERIES_REVENUE_BOOK] += rev_book;
  mon[SALESIM_SERIES_NEW_CUSTOMERS] += wins_all;
  mon[SALESIM_SERIES_PAY] += L->pay - pay0;
  mon[SALESIM_SERIES_MGMT_COST] = L->mgmt_cost - w->mgmt_prev;
  w->mgmt_prev = L->mgmt_cost;
  mon[SALESIM_SERIES_HEADCOUNT] = headcount;
  mon[SALESIM_SERIES_HUNTING] = hunt_sum;
  mon[SALESIM_SERIES_FARMING] = farm_sum;
  mon[SALESIM_SERIES_PIPELINE] = pipe_sum;
  mon[SALESIM_SERIES_BOOK] = book_sum;
  w->month++;
  return w->error;
}

/* ---- metrics ---------------------------------------------------------------- */

static double ratio(double a, double b) { return b > 0 ? a / b : NAN; }

/* Bunching around the plan year's deadline (Oyer 1998): new revenue in a
 * plan year's last month over the mean of the months either side of it, and
 * in the next year's first month over the mean of its neighbours. Slow
 * swings of effort over the year cancel; deals moved across the deadline
 * show. */
static void year_shape(salesim_world *w) {
  int mpy = w->sc->months_per_year, T = w->sc->months;
  const double *m = w->monthly;
#define NEW_REV(t) (m[(size_t)(t) * SALESIM_SERIES_COUNT + SALESIM_SERIES_REVENUE_NEW])
  double spike = 0, trough = 0;
  int ns = 0, nt = 0;
  for (int last = mpy - 1; last + 1 < T; last += mpy) {
    double around = 0.5 * (NEW_REV(last - 1) + NEW_REV(last + 1));
    if (last >= 1 && around > 0) {
      spike += NEW_REV(last) / around;
      ns++;
    }
    if (last + 2 < T) {
      double next = 0.5 * (NEW_REV(last) + NEW_REV(last + 2));
      if (next > 0) {
        trough += NEW_REV(last + 1) / next;
        nt++;
      }
    }
  }
#undef NEW_REV
  w->metrics[SALESIM_METRIC_YEAR_END_BUNCHING] = ns > 0 ? spike / ns : NAN;
  w->metrics[SALESIM_METRIC_NEW_YEAR_TROUGH] = nt > 0 ? trough / nt : NAN;
}

/* Detail table: hunting share by the fifth of the starting force's book
 * sizes a rep's current book falls in. */
static void hunting_table(salesim_world *w) {
  static const char *const cols[] = {"replication", "book_fifth", "book_from", "book_to",
                                     "hunting_share", "agent_months"};
  salesim_table *t = NULL;
  int rc = salesim_table_alloc(&t, "hunting_by_book", 6, cols);
  if (rc != 0) {
    salesim_world_fail(w, rc, "out of memory for the table hunting_by_book");
    return;
  }
  const salesim_ledger *L = &w->ledger;
  for (int b = 0; b < 5; b++) {
    double row[6] = {w->rep + 1,
                     b + 1,
                     b == 0 ? 0 : w->book_cut[b - 1],
                     b == 4 ? INFINITY : w->book_cut[b],
                     ratio(L->band_hunt[b], L->band_hunt[b] + L->band_farm[b]),
                     L->band_n[b]};
    rc = salesim_table_add(t, w->spec->name, row);
    if (rc != 0) {
      salesim_world_fail(w, rc, "out of memory for the table hunting_by_book");
      salesim_table_free(t);
      return;
    }
  }
  salesim_world_add_table(w, t);
}

static void finish_metrics(salesim_world *w) {
  const salesim_scenario *sc = w->sc;
  const salesim_ledger *L = &w->ledger;
  double *m = w->metrics;
  double per_year = (double)sc->months_per_year / sc->months;
  m[SALESIM_METRIC_REVENUE] = L->revenue * per_year;
  m[SALESIM_METRIC_REVENUE_NEW] = L->revenue_new * per_year;
  m[SALESIM_METRIC_REVENUE_BOOK] = L->revenue_book * per_year;
  m[SALESIM_METRIC_NEW_CUSTOMERS] = L->new_customers * per_year;
  m[SALESIM_METRIC_PAY_COST] = L->pay * per_year;
  m[SALESIM_METRIC_PAY_FIXED] = L->pay_fixed * per_year;
  m[SALESIM_METRIC_PAY_VARIABLE] = L->pay_variable * per_year;
  m[SALESIM_METRIC_MGMT_COST] = L->mgmt_cost * per_year;
  m[SALESIM_METRIC_COST_OF_SALES] = ratio(L->pay + L->mgmt_cost, L->revenue);
  m[SALESIM_METRIC_COST_PER_NEW_CUSTOMER] = ratio(L->pay + L->mgmt_cost, L->new_customers);
  m[SALESIM_METRIC_PROFIT] =
      (L->revenue * sc->firm.margin - L->pay - L->mgmt_cost) * per_year;
  int head = 0, top_alive = 0;
  for (int i = 0; i < w->n_agents; i++) {
    const salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    head++;
    if (a->hired_month < 0 && a->top_quintile)
      top_alive++;
  }
  m[SALESIM_METRIC_HEADCOUNT_END] = head;
  m[SALESIM_METRIC_QUITS] = L->quits * per_year;
  m[SALESIM_METRIC_QUITS_BROKE] = L->quits_broke * per_year;
  m[SALESIM_METRIC_HIRES] = L->hires * per_year;
  m[SALESIM_METRIC_OFFERS_DECLINED] = L->offers_declined * per_year;
  m[SALESIM_METRIC_SURVIVAL_6] = ratio(L->hires_6_alive, L->hires_6_total);
  m[SALESIM_METRIC_SURVIVAL_12] = ratio(L->hires_12_alive, L->hires_12_total);
  m[SALESIM_METRIC_TOP_RETENTION] = ratio(top_alive, L->top_start);
  m[SALESIM_METRIC_PCT_BELOW_50] = ratio(L->att_below50, L->att_n);
  m[SALESIM_METRIC_PCT_80_120] = ratio(L->att_80_120, L->att_n);
  m[SALESIM_METRIC_PCT_AT_TARGET] = ratio(L->att_at, L->att_n);
  m[SALESIM_METRIC_PCT_ABOVE_150] = ratio(L->att_above150, L->att_n);
  m[SALESIM_METRIC_OTE_ACCURACY] =
      w->n_ote > 0 ? salesim_stats_median(w->ote_ratio, (size_t)w->n_ote) : NAN;
  m[SALESIM_METRIC_PAY_GINI] = ratio(L->gini_sum, L->gini_n);
  m[SALESIM_METRIC_PAY_PERF_CORR] = ratio(L->corr_sum, L->corr_n);
  m[SALESIM_METRIC_TARGET_ACCURACY] = ratio(L->target_err_sum, L->target_err_n);
  m[SALESIM_METRIC_HUNTING_SHARE] = ratio(L->hunt_sum, L->hunt_sum + L->farm_sum);
  m[SALESIM_METRIC_EFFORT] = ratio(L->effort_sum, L->agent_months);
  m[SALESIM_METRIC_EFFORT_LATE] = ratio(L->effort_late, L->effort_n_late);
  m[SALESIM_METRIC_EFFORT_Q4_RATIO] =
      ratio(ratio(L->effort_q4, L->effort_n_q4), ratio(L->effort_q123, L->effort_n_q123));
  if (sc->production.mode == SALESIM_MODE_PIPELINE) {
    m[SALESIM_METRIC_COLLISIONS] = L->collisions * per_year;
    m[SALESIM_METRIC_HUNT_SMALL_BOOK] = ratio(L->band_hunt[0], L->band_hunt[0] + L->band_farm[0]);
    m[SALESIM_METRIC_HUNT_LARGE_BOOK] = ratio(L->band_hunt[4], L->band_hunt[4] + L->band_farm[4]);
    m[SALESIM_METRIC_DEALS_PULLED] = L->pulled * per_year;
    m[SALESIM_METRIC_DEALS_PUSHED] = L->pushed * per_year;
    m[SALESIM_METRIC_DEALS_MOVED] = ratio(L->pulled + L->pushed, L->new_customers + L->pulled);
    m[SALESIM_METRIC_DISCOUNT_COST] = L->discount_cost * per_year;
    m[SALESIM_METRIC_FORECAST_ERROR] = ratio(L->forecast_err_sum, L->forecast_n);
    year_shape(w);
    hunting_table(w);
  }
  if (w->spec->overlays.review) {
    m[SALESIM_METRIC_WARNINGS] = L->warnings * per_year;
    m[SALESIM_METRIC_WARNING_PRECISION] = ratio(L->warn_tp, L->warn_tp + L->warn_fp);
    m[SALESIM_METRIC_WARNING_RECALL] = ratio(L->warn_tp, L->warn_tp + L->warn_fn);
    m[SALESIM_METRIC_WARNING_LEAD] = ratio(L->warn_lead, L->warn_tp);
  }
  if (w->type->report) {
    int rc = w->type->report(w);
    if (rc != 0 && w->error == 0)
      salesim_world_fail(w, rc, "%s: report failed", w->type->name);
  }
  if (w->error == 0)
    salesim_world_metrics_finish(w);
}

static unsigned long long total_draws;

void salesim_sim_reset_counters(void) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
  total_draws = 0;
}

unsigned long long salesim_sim_draws(void) {
  unsigned long long v;
#ifdef _OPENMP
#pragma omp atomic read
#endif
  v = total_draws;
  return v;
}

/* A NaN or infinity in month t's series: a numerical failure. */
static int month_finite(const salesim_world *w, int t) {
  const double *mon = &w->monthly[(size_t)t * SALESIM_SERIES_COUNT];
  for (int k = 0; k < SALESIM_SERIES_COUNT; k++)
    if (!isfinite(mon[k]))
      return 0;
  return 1;
}

int salesim_sim_run(const salesim_scenario *sc, int mech, int rep, uint64_t seed,
                    salesim_task_out *out, salesim_diag *diag) {
  salesim_world *w = NULL;
  const char *label = sc->mechanisms[mech].name;
  char why[sizeof w->error_text];
  int rc = world_alloc(&w, sc, mech, rep, seed, why, sizeof why);
  if (rc != 0) {
    if (why[0] != '\0')
      salesim_diag_add(diag, "%s: replication %d: %s: %s", label, rep + 1, salesim_strerror(rc),
                       why);
    else
      salesim_diag_add(diag, "%s: replication %d: %s", label, rep + 1, salesim_strerror(rc));
    return rc;
  }
  w->monthly = out->monthly;
  w->metrics = out->metrics;
  for (int m = 0; m < w->n_metrics; m++)
    w->metrics[m] = NAN;
  for (int t = 0; t < sc->months && w->error == 0; t++) {
    if (out->cancel != NULL && *out->cancel) {
      rc = SALESIM_EINTERRUPTED;
      break;
    }
    if (salesim_world_step(w) == 0 && !month_finite(w, t))
      salesim_world_fail(w, SALESIM_ENUMERIC, "month %d: NaN or infinity in the monthly results",
                         t + 1);
  }
  if (rc == 0 && w->error == 0) {
    finish_metrics(w);
    for (int m = 0; m < w->n_metrics && w->error == 0; m++)
      if (isinf(w->metrics[m])) /* NaN is "not defined" (no data), infinity a failure */
        salesim_world_fail(w, SALESIM_ENUMERIC, "metric %s is infinite",
                           salesim_metric_catalogue_info(m)->name);
  }
  if (rc == 0 && w->error != 0) {
    rc = w->error;
    salesim_diag_add(diag, "%s: replication %d: %s: %s", label, rep + 1,
                     salesim_strerror(rc), w->error_text);
  }
  if (rc != 0) {
    salesim_world_free(w);
    return rc;
  }
#ifdef _OPENMP
#pragma omp atomic
#endif
  total_draws += w->draws;
  out->tables = w->tables;
  out->n_tables = w->n_tables;
  w->tables = NULL;
  w->n_tables = 0;
  salesim_world_free(w);
  return 0;
}
