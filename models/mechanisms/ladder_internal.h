/*
 * models/mechanisms/ladder_internal.h: what the files of the
 * `training_ladder` mechanism share (internal: only
 * models/mechanisms/training_ladder.c and models/mechanisms/ladder_bench.c
 * include it; tests use models/mechanisms/training_ladder.h): the settings,
 * a bench person, a field rep's per-agent state, the mechanism's state, and
 * the functions one file calls in the other (prefix ladder_).
 * Read next: models/mechanisms/training_ladder.c.
 */
#ifndef SALESIM_LADDER_INTERNAL_H
#define SALESIM_LADDER_INTERNAL_H

#include <gsl/gsl_rng.h>

#include "mechanism.h"
#include "training_ladder.h"

enum { RESET_YEAR = 0, RESET_NEVER = 1 };

typedef struct ladder_params {
  double rep_salary;
  double trainee_pay;
  int capacity;
  int training_months;
  double training_cost;
  double skill_gain;
  double skill_max;
  double pass_mid;
  double pass_slope;
  double pass_max;
  int lead_target;
  double reward;
  int max_strikes;
  int strike_reset;
  int bench;
  int bench_seats;
  int demote_needs_bench;
  int fail_is_strike;
  double start_trained;
  int recruit_tries;
} ladder_params;

/* ---- people off the field: the reserve bench ---- */

enum { POOL_UNTRAINED = 0, POOL_TRAINING = 1, POOL_TRAINED = 2 };

typedef struct pool_person {
  salesim_traits t;
  int id, hired_month, tenure, strikes, state, months_left;
} pool_person;

/* Per-agent state of people in field positions (agent_state_size):
 * zeroed for each person drawn into the slot and when a bench person is
 * seated there. */
typedef struct ladder_agent {
  int grade;      /* 0: untrained, 1: trained */
  int on_target;  /* bool: this month the rep works to the lead target */
  int result;     /* this month: 1 hit the target, -1 missed, 0 none */
  int retrain;    /* bool: sent back to training (a miss or a failed course) */
  int train_left; /* months of training left */
  int strikes;    /* strikes now */
} ladder_agent;

static inline ladder_agent *la(salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state(w, a);
}

static inline const ladder_agent *la_const(const salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state_const(w, a);
}

typedef struct ladder_state {
  pool_person *pool;
  int n_pool, cap_pool;
  int recruits;        /* candidates drawn so far (their stream index) */
  gsl_rng *rng_recruit;
  int bench_trained;   /* trained people on the bench, as of last month end */
  int at_risk;         /* trained reps with one strike left */
  /* run totals */
  double trainings, passes, training_cost, rewards, demotions, replacements;
  double bench_sum, target_months, hit_months, placements;
} ladder_state;

/* ---- ladder_bench.c ---- */

/* Trained people on the bench. */
int ladder_count_trained(const ladder_state *s);
/* A pass of training: skill_gain more hunting skill, up to skill_max. */
void ladder_train_skill(const ladder_params *p, double *skill);
/* The next candidate the firm approaches (the same person in every run of
 * this seed and replication). */
void ladder_draw_candidate(salesim_world *w, pool_person *o);
/* Add a person at the end of the bench's queue; 0 if it is full. */
int ladder_pool_add(ladder_state *s, const pool_person *o);
/* The month_end hook: strikes, demotions, trainings, the bench, seats. */
int ladder_month_end(salesim_world *w);
/* The fill hook: a vacancy gets the first trained bench person. */
int ladder_fill(salesim_world *w, salesim_agent *a);

#endif
