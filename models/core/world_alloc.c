/*
 * models/core/world_alloc.c: setting up one replication's world, and
 * freeing it (MODEL.md §2-§4).
 *
 * salesim_world_alloc draws territories and the starting sales force from
 * streams that depend on the seed and replication only (common random
 * numbers), in these steps, each its own function below and always in this
 * order (the order of the draws is part of the results):
 *
 *   1. the arrays, the world's and the mechanism's streams, per-agent
 *      mechanism state; the pipeline's calibration (models/core/pipeline.c)
 *   2. territories: potential, book, prospects, difficulty, the firm's and
 *      a manager's estimates; slots spread over them; the bounds of work
 *   3. the market's shocks and, in linear mode, the production noise
 *   4. the starting sales force, one person per slot from its own stream
 *   5. their books (each territory's split in proportion to tenure) and,
 *      in pipeline mode, a starting pipeline in the steady state
 *   6. the cut points of book and ability quintiles; the mechanism's state
 *      and its init hook
 *
 * A scenario with the company's own data (sc->data, include/salesim/data.h,
 * docs/data-format.md) replaces draws by the data where it has them, after
 * drawing them all the same (so the streams stay where they were): a
 * territory's potential and prospects (territories.csv), each slot's
 * territory and tenure (roster.csv: slot i is the i-th person employed on
 * the start date), each rep's book and the territories' unowned accounts
 * (accounts.csv: those that were customers before the start date). Traits
 * are always drawn: calibration estimates their distribution.
 *
 * salesim_world_draw_person (also used for hires, models/core/sim.c) puts a
 * freshly drawn person into a slot.
 *
 * Read next: models/core/sim.c (the monthly loop that runs the world).
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <gsl/gsl_randist.h>

#include "history.h"
#include "mechanism.h"
#include "pipeline.h"
#include "sim.h"
#include "sim_internal.h"
#include "streams.h"
#include "util_sort.h"

void salesim_world_draw_person(salesim_world *w, salesim_agent *a, gsl_rng *r) {
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
  salesim_history_free(w->history);
  free(w->state);
  free(w->agent_state);
  if (w->rng_slot) {
    for (int i = 0; i < w->n_agents; i++)
      gsl_rng_free(w->rng_slot[i]);
    free(w->rng_slot);
  }
  gsl_rng_free(w->rng_world);
  gsl_rng_free(w->rng_mech);
  salesim_pipeline_free(w); /* reads the agents' blocks */
  free(w->agents_mem);
  free(w->terr);
  free(w->shock);
  free(w->linear_noise);
  free(w->linear_noise2);
  free(w->scratch_a);
  free(w->scratch_b);
  for (int i = 0; i < w->n_tables; i++)
    salesim_table_free(w->tables[i]);
  free(w->tables);
  free(w->ote_ratio);
  free(w->data_rep);
  free(w->person);
  free(w->own_metrics);
  free(w->own_monthly);
  free(w);
}

/* Each step returns 0 or SALESIM_ENOMEM; a step that failed for another
 * reason (a bound of work, docs/limits.md) has set w->error, which then
 * wins (world_alloc's cleanup). */

/* world.h. Issue 12: at 10,000 reps the first writes to the agents' fresh
 * 4 KB pages, about 2,000 faults a world, were 1.2 % of bench_core, and
 * every pass over the slots missed the TLB; with 2 MB pages bench_scale at
 * 100,000 reps took 0.78-0.98x the CPU time (5 alternating runs, median
 * 0.82x). */
void salesim_world_advise_huge(void *p, size_t n) {
#if defined(MADV_HUGEPAGE)
  const uintptr_t huge = (uintptr_t)2 << 20;
  uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
  uintptr_t hi = ((uintptr_t)p + n) & ~(huge - 1);
  if (hi > lo)
    (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
  (void)p;
  (void)n;
#endif
}

/* 1. The arrays, streams and per-agent state; the pipeline's calibration. */
static int alloc_arrays(salesim_world *w) {
  const salesim_scenario *sc = w->sc;
  /* 64-byte aligned: the first cache line of every slot is the one the
   * loop's light passes read (world.h). calloc, not aligned_alloc + memset:
   * a large calloc gets fresh zeroed pages it gives back when freed (with
   * aligned_alloc a process running replication after replication kept
   * several worlds' agents resident: peak memory 4x at 10,000 reps) */
  const size_t align = _Alignof(salesim_agent);
  size_t agents_size = (size_t)w->n_agents * sizeof *w->agents + align;
  w->agents_mem = calloc(agents_size, 1);
  if (w->agents_mem != NULL)
    salesim_world_advise_huge(w->agents_mem, agents_size);
  if (w->agents_mem != NULL)
    w->agents = (salesim_agent *)(void *)((unsigned char *)w->agents_mem +
                                          (align - (uintptr_t)w->agents_mem % align) % align);
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
  w->rng_world = salesim_stream_alloc(w->seed, (uint64_t)w->rep, SALESIM_STREAM_TERRITORIES, 0);
  w->rng_mech = salesim_stream_alloc(w->seed, (uint64_t)w->rep, SALESIM_STREAM_MECHANISM, 0);
  if (w->type->agent_state_size > 0) {
    /* one zeroed block, each slot's part aligned for any type */
    size_t al = _Alignof(max_align_t);
    w->agent_state_stride = (w->type->agent_state_size + al - 1) / al * al;
    w->agent_state = calloc((size_t)w->n_agents, w->agent_state_stride);
    if (w->agent_state == NULL)
      return SALESIM_ENOMEM;
  }
  if (!w->agents || !w->terr || !w->rng_slot || !w->shock || !w->scratch_a || !w->scratch_b ||
      !w->own_metrics || !w->own_monthly || !w->ote_ratio || !w->rng_world || !w->rng_mech)
    return SALESIM_ENOMEM;
  w->metrics = w->own_metrics;
  w->monthly = w->own_monthly;
  for (int m = 0; m < w->n_metrics; m++)
    w->metrics[m] = NAN;
  salesim_pipeline_calibrate(w);
  return 0;
}

/* The territory of slot i at the start: the roster's, or the slots dealt
 * round the territories in turn. */
static int slot_territory(const salesim_world *w, int i) {
  if (w->data_rep != NULL)
    return w->sc->data->reps[w->data_rep[i]].territory;
  return i % w->n_terr;
}


/* The company's data (sc->data) as the world's shape: its territories
 * are the world's (the loader sets territories.count to their number), its
 * starting force fills the slots (population.reps is their number). A
 * scenario built in code that disagrees ends here with a reason. */
static int data_people(salesim_world *w) {
  const salesim_data *d = w->sc->data;
  if (d == NULL)
    return 0;
  if (d->n_territories > 0 && (size_t)w->n_terr != d->n_territories) {
    salesim_world_fail(w, SALESIM_EINVAL, "%d territories, the data has %zu", w->n_terr,
                       d->n_territories);
    return SALESIM_EINVAL;
  }
  if (d->n_reps == 0)
    return 0;
  size_t n = salesim_data_starting_force(d, NULL, 0);
  if (n != (size_t)w->n_agents || d->n_territories == 0) {
    salesim_world_fail(w, SALESIM_EINVAL,
                       "%d reps, the roster has %zu people employed on the start date%s",
                       w->n_agents, n, d->n_territories == 0 ? " but no territories" : "");
    return SALESIM_EINVAL;
  }
  w->data_rep = malloc((n > 0 ? n : 1) * sizeof *w->data_rep);
  if (w->data_rep == NULL)
    return SALESIM_ENOMEM;
  salesim_data_starting_force(d, w->data_rep, n);
  if (w->sc->population.people_table &&
      (w->person = calloc((n > 0 ? n : 1) * 3, sizeof *w->person)) == NULL)
    return SALESIM_ENOMEM;
  return 0;
}

/* 2. Territories (listed in the scenario or drawn from rng_world), the
 *    slots spread over them, and the bounds of work. */
static void draw_territories(salesim_world *w) {
  const salesim_territories *ts = &w->sc->territories;
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
    if (w->sc->data != NULL && (size_t)k < w->sc->data->n_territories) {
      const salesim_data_territory *dt = &w->sc->data->territories[k];
      if (isfinite(dt->potential))
        t->potential = dt->potential;
      if (isfinite(dt->prospects))
        t->prospects0 = dt->prospects;
    }
    t->prospects0 = fmax(1, t->prospects0);
    t->prospects = t->prospects0;
    if (!(t->difficulty > 0))
      t->difficulty = 1;
    t->est_firm =
        t->potential * exp(salesim_rng_gaussian(w->rng_world, ts->firm_estimate_sd));
    t->est_manager =
        t->potential * exp(salesim_rng_gaussian(w->rng_world, ts->manager_estimate_sd));
    t->manager = -1;
    t->lead_mult = 1;
  }
  for (int i = 0; i < w->n_agents; i++)
    w->terr[slot_territory(w, i)].n_slots++;
  /* bounded work (docs/limits.md) */
  w->leads_limit = SALESIM_MAX_LEADS_PER_MONTH;
  {
    double lim = (double)w->n_agents * SALESIM_MAX_OPEN_PER_POSITION;
    w->opp_limit = lim < SALESIM_MAX_OPEN_TOTAL ? (int)lim : SALESIM_MAX_OPEN_TOTAL;
  }
  for (int k = 0; k < w->n_terr; k++)
    salesim_world_territory_update(w, k);
}

/* 3. Market shocks (the same for every mechanism) and, in linear mode, the
 *    production noise of every slot and month. */
static int draw_market(salesim_world *w) {
  const salesim_scenario *sc = w->sc;
  const salesim_production *prod = &sc->production;
  {
    gsl_rng *r = salesim_stream_alloc(w->seed, (uint64_t)w->rep, SALESIM_STREAM_MARKET, 0);
    if (r == NULL)
      return SALESIM_ENOMEM;
    double sd = prod->market_sd;
    for (size_t i = 0; i < (size_t)sc->months * (size_t)w->n_terr; i++)
      w->shock[i] = exp(salesim_rng_gaussian(r, sd) - 0.5 * sd * sd);
    gsl_rng_free(r);
  }
  if (prod->mode == SALESIM_MODE_LINEAR) {
    w->linear_noise = malloc((size_t)sc->months * (size_t)w->n_agents * sizeof *w->linear_noise);
    gsl_rng *r = salesim_stream_alloc(w->seed, (uint64_t)w->rep, SALESIM_STREAM_NOISE, 0);
    if (w->linear_noise == NULL || r == NULL) {
      gsl_rng_free(r);
      return SALESIM_ENOMEM;
    }
    for (size_t i = 0; i < (size_t)sc->months * (size_t)w->n_agents; i++)
      w->linear_noise[i] = salesim_rng_gaussian(r, 1.0);
    if (prod->tasks == 2) {
      w->linear_noise2 =
          malloc((size_t)sc->months * (size_t)w->n_agents * sizeof *w->linear_noise2);
      if (w->linear_noise2 == NULL) {
        gsl_rng_free(r);
        return SALESIM_ENOMEM;
      }
      for (size_t i = 0; i < (size_t)sc->months * (size_t)w->n_agents; i++)
        w->linear_noise2[i] = salesim_rng_gaussian(r, 1.0);
    }
    gsl_rng_free(r);
  }
  return 0;
}

/* 4. The starting sales force: drawn per slot so each slot's person is the
 *    same under every mechanism (`pr` is reseeded for every slot). */
static int draw_force(salesim_world *w, gsl_rng *pr) {
  const salesim_population *pop = &w->sc->population;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    a->territory = slot_territory(w, i);
    a->manager = -1;
    for (int j = 0; j < SALESIM_STAGES; j++)
      a->stage_sum[j] = a->stage_sum2[j] = 0;
    w->rng_slot[i] =
        salesim_stream_alloc(w->seed, (uint64_t)w->rep, SALESIM_STREAM_SLOT, (uint64_t)i);
    if (w->rng_slot[i] == NULL)
      return SALESIM_ENOMEM;
    a->rng = w->rng_slot[i];
    salesim_stream_seed(pr, w->seed, (uint64_t)w->rep, SALESIM_STREAM_POPULATION, (uint64_t)i);
    salesim_world_draw_person(w, a, pr);
    a->tenure = (int)fmax(0, salesim_dist_draw(&pop->tenure_months, pr));
    if (w->data_rep != NULL) /* drawn all the same: the stream stays in step */
      a->tenure = salesim_data_months_between(w->sc->data->reps[w->data_rep[i]].hire_date,
                                              w->sc->data->start);
    a->hired_month = -1 - a->tenure;
    w->scratch_a[i] = a->ability;
  }
  return 0;
}

/* 5. Books and starting pipelines: each territory's book is split in
 *    proportion to tenure (linear mode has no accounts or pipeline: sales
 *    are ability*effort+noise); in pipeline mode veterans start with a
 *    pipeline in the steady state of moderate hunting, drawn from `pr`
 *    where the force's draws left it. */
static int split_books(salesim_world *w, gsl_rng *pr) {
  const salesim_production *prod = &w->sc->production;
  const salesim_data *data = w->sc->data;
  if (prod->mode == SALESIM_MODE_LINEAR)
    for (int k = 0; k < w->n_terr; k++)
      w->terr[k].orphan_book = 0;
  if (prod->mode == SALESIM_MODE_PIPELINE && data != NULL && data->n_accounts > 0) {
    /* the company's accounts: each starting rep's own, the rest (nobody's,
     * or of someone not in the starting force) the territory's orphan book */
    long *slot_of = malloc((data->n_reps > 0 ? data->n_reps : 1) * sizeof *slot_of);
    if (slot_of == NULL)
      return SALESIM_ENOMEM;
    for (size_t r = 0; r < data->n_reps; r++)
      slot_of[r] = -1;
    for (int i = 0; w->data_rep != NULL && i < w->n_agents; i++)
      slot_of[w->data_rep[i]] = i;
    for (int k = 0; k < w->n_terr; k++)
      w->terr[k].orphan_book = 0;
    for (int i = 0; i < w->n_agents; i++)
      w->agents[i].book = 0;
    for (size_t c = 0; c < data->n_accounts; c++) {
      const salesim_data_account *ac = &data->accounts[c];
      if (ac->customer_since != SALESIM_DATA_NO_DATE && ac->customer_since >= data->start)
        continue; /* not yet a customer on the start date */
      double monthly = ac->annual_revenue * data->account_scale / 12.0;
      long i = ac->owner >= 0 ? slot_of[ac->owner] : -1;
      if (i >= 0)
        w->agents[i].book += monthly;
      else if (ac->territory >= 0 && ac->territory < w->n_terr)
        w->terr[ac->territory].orphan_book += monthly;
    }
    free(slot_of);
  } else {
    /* each territory's book split in proportion to tenure (per territory in
     * slot order: the sums below add in the same order as a loop over the
     * territory's slots) */
    double *tsum = calloc((size_t)w->n_terr, sizeof *tsum);
    if (tsum == NULL)
      return SALESIM_ENOMEM;
    for (int i = 0; i < w->n_agents; i++)
      tsum[w->agents[i].territory] += w->agents[i].tenure;
    for (int i = 0; i < w->n_agents; i++) {
      salesim_agent *a = &w->agents[i];
      const salesim_territory *t = &w->terr[a->territory];
      double ts = tsum[a->territory];
      a->book = ts > 0 ? t->orphan_book * a->tenure / ts : t->orphan_book / t->n_slots;
    }
    free(tsum);
    for (int k = 0; k < w->n_terr; k++)
      w->terr[k].orphan_book = 0;
  }
  if (prod->mode == SALESIM_MODE_PIPELINE) {
    /* the chain's steady state: lam * reach_j / (a_j + l_j) open deals at
     * stage j (exactly 1/j and 4/cycle_months under the default rule) */
    double reach[SALESIM_STAGES], exit_rate[SALESIM_STAGES];
    salesim_pipeline_steady(prod, reach, exit_rate);
    for (int i = 0; i < w->n_agents; i++) {
      salesim_agent *a = &w->agents[i];
      const salesim_territory *t = &w->terr[a->territory];
      double ramp = fmin(1.0, a->tenure / w->cycle);
      double lam = 0.5 * t->lead_rate * a->ability * a->skill / t->difficulty * ramp;
      for (int j = 1; j < SALESIM_STAGES; j++) {
        unsigned n;
        int prc = salesim_pipeline_leads(w, lam * reach[j] / exit_rate[j], pr, &n);
        for (unsigned u = 0; u < n && prc == 0; u++) {
          prc = salesim_pipeline_open_at(w, i, salesim_dist_fast_draw(&w->deal, pr), j);
        }
        if (prc != 0) /* past a bound or out of memory: w->error says which */
          return SALESIM_ENOMEM;
      }
    }
  }
  return 0;
}

/* 6. Quintile cut points of the starting force's books (hunting by book)
 *    and its top ability quintile (retention of the best). */
static int starting_quintiles(salesim_world *w) {
  for (int i = 0; i < w->n_agents; i++)
    w->scratch_b[i] = w->agents[i].book;
  if (salesim_sort_doubles(w->scratch_b, (size_t)w->n_agents) != 0 ||
      salesim_sort_doubles(w->scratch_a, (size_t)w->n_agents) != 0)
    return SALESIM_ENOMEM;
  for (int q = 0; q < 4; q++)
    w->book_cut[q] = w->scratch_b[(int)floor((q + 1) * 0.2 * (w->n_agents - 1))];
  double cut = w->scratch_a[(int)floor(0.8 * (w->n_agents - 1))];
  for (int i = 0; i < w->n_agents; i++)
    if (w->agents[i].ability >= cut && w->agents[i].ability > 0) {
      w->agents[i].top_quintile = 1;
      w->ledger.top_start++;
    }
  return 0;
}

int salesim_world_alloc_why(salesim_world **out, const salesim_scenario *sc, int mech, int rep,
                            uint64_t seed, char *why, size_t why_len) {
  *out = NULL;
  if (why != NULL && why_len > 0)
    why[0] = '\0';
  int rc = SALESIM_ENOMEM;
  salesim_world *w = calloc(1, sizeof *w);
  if (w == NULL)
    return SALESIM_ENOMEM;
  const salesim_territories *ts = &sc->territories;
  w->sc = sc;
  /* the plan-year month of run month 0 (firm.fiscal_year_start) */
  w->fiscal_offset = salesim_calendar_offset(sc);
  w->month_in_year = w->fiscal_offset;
  {
    const salesim_population *pop = &sc->population;
    const salesim_dist *traits[7] = {&pop->ability,      &pop->skill,
                                     &pop->risk_aversion, &pop->effort_cost,
                                     &pop->outside_wage,  &pop->savings_months,
                                     &pop->moral_cost};
    for (int i = 0; i < 7; i++)
      salesim_dist_fast_init(&w->trait_dist[i], traits[i]);
  }
  w->spec = &sc->mechanisms[mech];
  w->type = w->spec->type;
  w->params = w->spec->params;
  w->rep = rep;
  w->seed = seed;
  w->n_agents = sc->population.reps;
  w->n_terr = ts->list_count > 0 ? ts->list_count : ts->count;
  gsl_rng *pr = NULL; /* the population's stream, reseeded per slot */
  if (alloc_arrays(w) != 0 || data_people(w) != 0)
    goto fail;
  draw_territories(w);
  if (draw_market(w) != 0)
    goto fail;
  /* every slot's block of open opportunities (pipeline.c) */
  if (salesim_pipeline_alloc(w) != 0)
    goto fail;
  pr = gsl_rng_alloc(gsl_rng_taus2);
  if (pr == NULL || draw_force(w, pr) != 0 || split_books(w, pr) != 0)
    goto fail;
  gsl_rng_free(pr);
  pr = NULL;
  if (starting_quintiles(w) != 0)
    goto fail;
  if (w->type->state_size > 0) {
    w->state = calloc(1, w->type->state_size);
    if (w->state == NULL)
      goto fail;
  }
  if (w->type->init) {
    /* the init's own status and reason (not "out of memory" for all) */
    rc = salesim_hook_status(w, "init", w->type->init(w), 0);
    if (rc != 0)
      goto fail;
  }
  *out = w;
  return 0;
fail:
  gsl_rng_free(pr);
  if (w->error != 0)
    rc = w->error;
  if (why != NULL && why_len > 0 && w->error != 0)
    snprintf(why, why_len, "%s", w->error_text);
  salesim_world_free(w);
  return rc;
}

int salesim_world_alloc(salesim_world **out, const salesim_scenario *sc, int mech, int rep,
                        uint64_t seed) {
  return salesim_world_alloc_why(out, sc, mech, rep, seed, NULL, 0);
}
