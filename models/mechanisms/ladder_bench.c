/*
 * models/mechanisms/ladder_bench.c: the people of the `training_ladder`
 * (rules in models/mechanisms/training_ladder.c) off the field, the reserve
 * bench: candidates drawn the same in every run, what a bench place and a
 * field month are worth, seating a bench person in a field slot; and the
 * month's end: strikes and demotions, trainings that end, the bench's pay
 * and who leaves it, recruiting, training seats for next month; the fill
 * hook that seats the first trained bench person in a vacancy.
 * Read next: models/mechanisms/org.h.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "ladder_internal.h"
#include "streams.h"

int ladder_count_trained(const ladder_state *s) {
  int n = 0;
  for (int i = 0; i < s->n_pool; i++)
    n += s->pool[i].state == POOL_TRAINED;
  return n;
}

void ladder_train_skill(const ladder_params *p, double *skill) {
  *skill = fmin(p->skill_max, *skill + p->skill_gain);
  if (*skill < 0)
    *skill = 0;
}

/* the k-th candidate the firm approaches: the same person in every run of
 * this seed and replication, whatever happened before */
void ladder_draw_candidate(salesim_world *w, pool_person *o) {
  ladder_state *s = w->state;
  gsl_rng *r = s->rng_recruit;
  salesim_stream_seed(r, w->seed, (uint64_t)w->rep, SALESIM_STREAM_MECHANISM,
                      ((uint64_t)1 << 40) + (uint64_t)s->recruits++);
  memset(o, 0, sizeof *o);
  salesim_world_draw_traits(w, r, &o->t);
  o->hired_month = w->month;
  o->state = POOL_UNTRAINED;
}

int ladder_pool_add(ladder_state *s, const pool_person *o) {
  if (s->n_pool >= s->cap_pool)
    return 0;
  s->pool[s->n_pool++] = *o;
  return 1;
}

/* remove, keeping queue order (first in, first out) */
static void pool_remove(ladder_state *s, int i) {
  memmove(&s->pool[i], &s->pool[i + 1], (size_t)(s->n_pool - i - 1) * sizeof *s->pool);
  s->n_pool--;
}

/* What a field rep's month is worth (salary plus the reward's expected
 * value at the hit rate seen so far): the prospect bench people weigh. */
static double field_month_value(const salesim_world *w) {
  const ladder_params *p = w->params;
  const ladder_state *s = w->state;
  double hit = (s->hit_months + 1) / (s->target_months + 2); /* Laplace */
  return p->rep_salary + p->reward * hit;
}

/* CE per month of being on the bench at queue position `pos` (0-based,
 * counting trained people first), needing `train` more months of training:
 * trainee pay plus the share of the horizon expected in the field times
 * what a field month adds. Placements per month: those seen so far, with a
 * prior of the exogenous quits of the sales force over a year. */
static double bench_month_value(const salesim_world *w, int pos, int train) {
  const ladder_params *p = w->params;
  const ladder_state *s = w->state;
  const salesim_population *pop = &w->sc->population;
  double prior_months = 12;
  double rate = (s->placements + w->n_agents * pop->quit_rate * prior_months) /
                (w->month + prior_months);
  double H = pop->horizon_months;
  double wait = (pos + 1) / fmax(rate, 1e-9) + train;
  double field_share = wait < H ? 1 - wait / H : 0;
  return p->trainee_pay + field_share * fmax(0, field_month_value(w) - p->trainee_pay);
}

/* Move a bench person into field slot `a` (which keeps its territory,
 * book, pipeline and stream). */
static void seat(salesim_world *w, salesim_agent *a, const pool_person *o) {
  const ladder_params *p = w->params;
  salesim_agent_set_traits(a, &o->t);
  a->id = o->id;
  a->tenure = o->tenure;
  a->hired_month = o->hired_month;
  a->status = SALESIM_AGENT_ACTIVE;
  a->counted_6 = a->counted_12 = 0;
  a->top_quintile = 0;
  a->hunt = a->farm = 0;
  a->pay_year = 0;
  a->stay_value = field_month_value(w);
  a->shadow = -1; /* a new person: no warm start from the last one */
  memset(la(w, a), 0, sizeof(ladder_agent)); /* strikes too */
  la(w, a)->grade = 1;
  a->target = 0;
  a->target_pay = p->rep_salary * (w->sc->months_per_year - w->month_in_year);
}

static void unseat(const salesim_agent *a, pool_person *o) {
  memset(o, 0, sizeof *o);
  salesim_agent_get_traits(a, &o->t);
  o->id = a->id;
  o->tenure = a->tenure;
  o->hired_month = a->hired_month;
  o->state = POOL_UNTRAINED;
}

/* first trained person on the bench, or -1 */
static int first_trained(const ladder_state *s) {
  for (int i = 0; i < s->n_pool; i++)
    if (s->pool[i].state == POOL_TRAINED)
      return i;
  return -1;
}
/* A demoted or displaced person decides: the bench on trainee pay, or out. */
static void to_bench_or_out(salesim_world *w, pool_person *o) {
  ladder_state *s = w->state;
  o->state = POOL_UNTRAINED;
  o->strikes = 0;
  const ladder_params *p = w->params;
  if (bench_month_value(w, s->n_pool, p->training_months) >= o->t.outside_wage && ladder_pool_add(s, o))
    return;
  salesim_world_count_leaver(w, SALESIM_EXIT_QUIT);
}

static void demote(salesim_world *w, salesim_agent *a) {
  ladder_state *s = w->state;
  pool_person out;
  unseat(a, &out);
  int b = first_trained(s);
  if (b >= 0) {
    pool_person in = s->pool[b];
    pool_remove(s, b);
    seat(w, a, &in); /* the successor inherits the accounts and pipeline */
    s->replacements += 1;
    s->placements += 1;
  } else {
    /* nobody to take the seat (demote_needs_bench off): the slot empties
     * as when someone leaves, but the person stays in the firm */
    salesim_world_vacate(w, a);
  }
  s->demotions += 1;
  to_bench_or_out(w, &out);
}

static int pass_training(salesim_world *w, double ability) {
  const ladder_params *p = w->params;
  double pp = salesim_ladder_pass_prob(ability, p->pass_mid, p->pass_slope, p->pass_max);
  return salesim_rng_uniform(w->rng_mech) < pp;
}

int ladder_month_end(salesim_world *w) {
  const ladder_params *p = w->params;
  ladder_state *s = w->state;
  const salesim_population *pop = &w->sc->population;

  /* 1. this month's results: strikes, retraining, demotion */
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    ladder_agent *st = la(w, a);
    int result = st->result;
    st->result = 0;
    st->on_target = 0;
    if (result >= 0)
      continue;
    st->strikes++;
    st->retrain = 1;
    if (p->max_strikes > 0 && st->strikes >= p->max_strikes &&
        (!p->demote_needs_bench || first_trained(s) >= 0))
      demote(w, a);
  }

  /* 2. trainings that end this month (their month of cost is this one) */
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status != SALESIM_AGENT_TRAINING)
      continue;
    salesim_world_mgmt_cost(w, p->training_cost);
    s->training_cost += p->training_cost;
    ladder_agent *st = la(w, a);
    if (--st->train_left > 0)
      continue;
    a->status = SALESIM_AGENT_ACTIVE;
    if (pass_training(w, a->ability)) {
      s->passes += 1;
      st->grade = 1;
      ladder_train_skill(p, &a->skill);
      st->retrain = 0;
      continue;
    }
    if (st->grade >= 1)
      st->retrain = 1; /* failed the retraining: again */
    if (p->fail_is_strike) {
      st->strikes++;
      if (p->max_strikes > 0 && st->strikes >= p->max_strikes &&
          (!p->demote_needs_bench || first_trained(s) >= 0))
        demote(w, a);
    }
  }
  for (int i = 0; i < s->n_pool; i++) {
    pool_person *o = &s->pool[i];
    if (o->state != POOL_TRAINING)
      continue;
    salesim_world_mgmt_cost(w, p->training_cost);
    s->training_cost += p->training_cost;
    if (--o->months_left > 0)
      continue;
    if (pass_training(w, o->t.ability)) {
      s->passes += 1;
      o->state = POOL_TRAINED;
      ladder_train_skill(p, &o->t.skill);
    } else {
      o->state = POOL_UNTRAINED;
    }
  }

  /* 3. bench people: pay, savings, staying or leaving */
  for (int i = 0; i < s->n_pool;) {
    pool_person *o = &s->pool[i];
    salesim_ledger *L = &w->ledger;
    L->pay += p->trainee_pay;
    L->pay_fixed += p->trainee_pay;
    o->t.savings += p->trainee_pay - pop->living_cost;
    int train = o->state == POOL_TRAINED ? 0 : (o->state == POOL_TRAINING ? o->months_left
                                                                           : p->training_months);
    int leave = o->t.savings < 0 ||
                bench_month_value(w, i, train) < o->t.outside_wage ||
                salesim_hash_uniform(w->seed, (uint64_t)w->rep,
                                     ((uint64_t)SALESIM_STREAM_LIFE << 32) + (1u << 30) +
                                         (uint64_t)o->id,
                                     (uint64_t)w->month) < pop->quit_rate;
    if (leave) {
      salesim_world_count_leaver(w, SALESIM_EXIT_QUIT);
      pool_remove(s, i);
      continue;
    }
    o->tenure++;
    i++;
  }

  /* 4. refill the bench from outside */
  int open = p->bench - s->n_pool;
  for (int tries = 0; open > 0 && tries < open * p->recruit_tries;) {
    pool_person o;
    ladder_draw_candidate(w, &o);
    tries++;
    if (bench_month_value(w, s->n_pool, p->training_months) < o.t.outside_wage) {
      w->ledger.offers_declined += 1; /* the candidate declines */
      continue;
    }
    o.id = w->next_person_id++;
    if (!ladder_pool_add(s, &o))
      break;
    salesim_world_mgmt_cost(w, pop->hiring_cost);
    w->ledger.hiring_cost += pop->hiring_cost;
    w->ledger.hires += 1;
    open--;
  }

  /* 5. training seats for next month: reps sent back first, then untrained
   * field reps, then the bench's trainees */
  int busy = 0;
  for (int i = 0; i < w->n_agents; i++)
    busy += w->agents[i].status == SALESIM_AGENT_TRAINING;
  for (int i = 0; i < s->n_pool; i++)
    busy += s->pool[i].state == POOL_TRAINING;
  int seats = p->capacity - busy;
  int bench_waiting = 0, bench_busy = 0;
  for (int i = 0; i < s->n_pool; i++) {
    bench_waiting += s->pool[i].state == POOL_UNTRAINED;
    bench_busy += s->pool[i].state == POOL_TRAINING;
  }
  int kept = p->bench_seats - bench_busy;
  if (kept > bench_waiting)
    kept = bench_waiting;
  if (kept < 0)
    kept = 0;
  if (kept > seats)
    kept = seats;
  seats -= kept;
  for (int pass = 0; pass < 2 && seats > 0; pass++)
    for (int i = 0; i < w->n_agents && seats > 0; i++) {
      salesim_agent *a = &w->agents[i];
      if (a->status != SALESIM_AGENT_ACTIVE)
        continue;
      const ladder_agent *st = la(w, a);
      int wants = pass == 0 ? st->grade >= 1 && st->retrain > 0 : st->grade < 1;
      if (!wants)
        continue;
      a->status = SALESIM_AGENT_TRAINING;
      la(w, a)->train_left = p->training_months;
      s->trainings += 1;
      seats--;
    }
  seats += kept;
  for (int i = 0; i < s->n_pool && seats > 0; i++) {
    pool_person *o = &s->pool[i];
    if (o->state != POOL_UNTRAINED)
      continue;
    o->state = POOL_TRAINING;
    o->months_left = p->training_months;
    s->trainings += 1;
    seats--;
  }

  /* 6. what people will know next month */
  s->bench_trained = ladder_count_trained(s);
  s->at_risk = 0;
  if (p->max_strikes > 0)
    for (int i = 0; i < w->n_agents; i++) {
      const salesim_agent *a = &w->agents[i];
      if (a->status != SALESIM_AGENT_VACANT && la_const(w, a)->grade >= 1 &&
          la_const(w, a)->strikes >= p->max_strikes - 1)
        s->at_risk++;
    }
  s->bench_sum += s->bench_trained;
  w->monthly[(size_t)w->month * SALESIM_SERIES_COUNT + SALESIM_SERIES_BENCH] = s->bench_trained;
  return 0;
}

int ladder_fill(salesim_world *w, salesim_agent *a) {
  ladder_state *s = w->state;
  int b = first_trained(s);
  if (b < 0)
    return 0;
  pool_person in = s->pool[b];
  pool_remove(s, b);
  /* the slot was vacated by the engine: empty book and pipeline */
  seat(w, a, &in);
  s->replacements += 1;
  s->placements += 1;
  s->bench_trained = ladder_count_trained(s);
  return 1;
}
