/*
 * models/mechanisms/training_ladder.c: the moulded training system with a reserve
 * bench, 模压式训练 + 替代机制 (MODEL.md §6.5, DIGEST.md §1 Case A and the
 * replacement mechanism).
 *
 * Rules (settings in ladder_specs below):
 *   grades     every person is a trainee (grade 0) or a trained rep
 *              (grade 1). Field reps are paid `rep_salary` a month, trained
 *              or not, in training or not; bench people `trainee_pay`.
 *   training   at most `capacity` people are in training at once, each for
 *              `training_months` months off the field (status
 *              SALESIM_AGENT_TRAINING: no selling) at `training_cost` per
 *              person-month (management cost). A training is passed with
 *              chance pass_max / (1 + exp(-pass_slope * (ability -
 *              pass_mid))), rising with ability; a pass adds `skill_gain`
 *              to hunting skill (up to `skill_max`) and makes the person
 *              grade 1; a field rep who fails takes a strike (`fail_is_strike`).
 *              Seats go first to reps sent back after a miss, then to
 *              untrained field reps, then to the bench's trainees, except
 *              `bench_seats` kept for the bench while its trainees wait.
 *   target     a trained rep in the field owes `lead_target` qualified new
 *              opportunities a month, counted by the pipeline (a lead is an
 *              opened opportunity: nothing self-reported). Meeting it pays
 *              `reward`; missing it is a strike and sends the rep back to
 *              training (until a seat is free the rep stays on target and
 *              can strike again). `max_strikes` strikes (reset each plan year with
 *              strike_reset = "year") demote the rep to trainee grade: the
 *              position goes to the first trained person on the bench, who
 *              inherits its accounts and open opportunities; the demoted
 *              person joins the bench as an untrained trainee on trainee pay
 *              or leaves, whichever is worth more to them. With
 *              `demote_needs_bench` the firm demotes only when someone on
 *              the bench can take the seat (replaceability is what makes
 *              the threat credible).
 *   bench      the firm keeps `bench` people in its reserve (trained or in
 *              the making), recruiting from outside (hiring cost) when it
 *              falls short; the bench is full and trained at the start.
 *              Vacancies (people who left) are filled from the trained bench
 *              first (fill hook); only when it is empty does the engine hire
 *              from outside (an untrained hire, queued for training).
 *
 * Behaviour (adjust hook): a trained rep on target chooses the constant
 * hunting effort that maximises the value of the job over its horizon: a
 * dynamic programme over its strike count (models/mechanisms/training_ladder.h), in
 * which each month pays salary, the certainty equivalent of the reward
 * lottery and costs effort, a miss costs a month of retraining and a
 * strike, and the last strike ends the job if the firm can replace the
 * rep: chance = trained bench people / reps at their last strike (capped
 * at 1). So a deeper bench raises effort only through what people expect;
 * a rep's effort rises as it nears demotion. Bench
 * people stay while trainee pay plus the prospect of a field job (the
 * share of their horizon they expect to spend in the field, from the
 * placement rate so far) beats their outside wage; recruits and demoted reps
 * decide the same way. Nothing here says who works hard.
 *
 * Read next: models/mechanisms/monitoring.c (the rules it is compared with),
 * docs/rules-vs-mechanism.md.
 */
#include "training_ladder.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "mechanism.h"
#include "numerics.h"
#include "pipeline.h"
#include "streams.h"

/* ---- the rep's choice (pure) ---------------------------------------------- */

double salesim_ladder_hit_prob(double mean, int target) {
  if (target <= 0)
    return 1;
  if (!(mean > 0))
    return 0;
  /* 1 - sum_{j<T} e^-m m^j / j! */
  double term = exp(-mean), below = term;
  for (int j = 1; j < target; j++) {
    term *= mean / j;
    below += term;
  }
  double p = 1 - below;
  return p < 0 ? 0 : (p > 1 ? 1 : p);
}

double salesim_ladder_pass_prob(double ability, double mid, double slope, double pass_max) {
  return pass_max / (1 + exp(-slope * (ability - mid)));
}

static double effort_cost(const salesim_lead_problem *p, double h) {
  double e = p->pain * h + p->farm;
  return 0.5 * p->effort_cost * e * e;
}

/* CE of R with probability P (CARA) */
static double reward_ce(const salesim_lead_problem *p, double P) {
  double R = p->reward, r = p->risk_aversion;
  if (!(R > 0))
    return 0;
  if (r * R < 1e-9)
    return P * R;
  return -log1p(P * expm1(-r * R)) / r;
}

/* what an on-target month adds to salary at effort h; *P = P(hit) */
static double month_flow(const salesim_lead_problem *p, double h, double *P) {
  *P = salesim_ladder_hit_prob(p->leads_per_hunt * h, p->target);
  return reward_ce(p, *P) - (effort_cost(p, h) - effort_cost(p, p->hunt0));
}

/* does moving from month t to month t2 (ahead) cross a plan-year start? */
static int crosses_reset(const salesim_lead_problem *p, int t, int t2) {
  if (!p->reset_yearly || p->months_per_year <= 0)
    return 0;
  return (p->month_in_year + t) / p->months_per_year !=
         (p->month_in_year + t2) / p->months_per_year;
}

double salesim_ladder_value(const salesim_lead_problem *p, double h) {
  static const int max_h = 240;
  double P;
  double u = p->surplus + month_flow(p, h, &P), ut = p->surplus;
  double d = p->discount;
  int H = p->horizon < 1 ? 1 : (p->horizon > max_h ? max_h : p->horizon);
  int S = p->max_strikes > 0 ? p->max_strikes : 1;
  if (S > SALESIM_LADDER_MAX_STRIKES)
    S = SALESIM_LADDER_MAX_STRIKES; /* the setting's range stops there */
  int tm = p->training_months > 0 ? p->training_months : 0;
  /* W[t][s], t = 0..H (W[H] = 0) */
  double W[241][SALESIM_LADDER_MAX_STRIKES];
  double train_sum[242]; /* sum_{j<n} d^j ut */
  train_sum[0] = 0;
  for (int n = 1; n <= H + 1; n++)
    train_sum[n] = train_sum[n - 1] + pow(d, n - 1) * ut;
  double dtm = pow(d, tm);
  for (int s = 0; s < S; s++)
    W[H][s] = 0;
  for (int t = H - 1; t >= 0; t--)
    for (int s = 0; s < S; s++) {
      int t1 = t + 1;
      double hit = W[t1][crosses_reset(p, t, t1) ? 0 : s];
      int tt = t + 1 + tm;
      int tr = tm < H - t1 ? tm : H - t1;
      double miss = train_sum[tr];
      if (tt < H) {
        double cont;
        if (p->max_strikes > 0 && s + 1 >= p->max_strikes)
          cont = (1 - p->p_replace) * W[tt][crosses_reset(p, t, tt) ? 0 : S - 1];
        else
          cont = W[tt][crosses_reset(p, t, tt) ? 0 : (s + 1 < S ? s + 1 : S - 1)];
        miss += dtm * cont;
      }
      W[t][s] = u + d * (P * hit + (1 - P) * miss);
    }
  int s0 = p->strikes < 0 ? 0 : (p->strikes < S ? p->strikes : S - 1);
  return W[0][s0];
}

/* salesim_ladder_value() as a salesim_num_fn for the golden-section search. */
static int value_fn(double h, void *ctx, double *value) {
  *value = salesim_ladder_value((const salesim_lead_problem *)ctx, h);
  return 0;
}

double salesim_ladder_best_hunt(const salesim_lead_problem *p, double *flow) {
  double h0 = p->hunt0 > 0 ? p->hunt0 : 0;
  double P;
  double best_h = h0;
  double best = salesim_ladder_value(p, h0);
  if (flow)
    *flow = month_flow(p, h0, &P);
  if (!(p->leads_per_hunt > 0) || !(p->effort_cost > 0) || !(p->pain > 0))
    return best_h;
  /* no effort whose extra monthly cost exceeds the reward plus every month
   * of the job's surplus over the horizon */
  double stake = fmax(0, p->reward) + fmax(0, p->surplus + p->reward) * p->horizon;
  if (!(stake > 0))
    return best_h;
  double e_hi = sqrt(2 * (stake + effort_cost(p, h0)) / p->effort_cost);
  double h_hi = (e_hi - p->farm) / p->pain;
  if (!(h_hi > h0))
    return best_h;
  /* the value is S-shaped in h (Poisson tail, strike chain): grid, then
   * golden section between the best point's neighbours */
  enum { NG = 96 };
  double step = (h_hi - h0) / NG;
  int bi = 0;
  for (int i = 1; i <= NG; i++) {
    double v = salesim_ladder_value(p, h0 + i * step);
    if (v > best) {
      best = v;
      bi = i;
    }
  }
  double lo = h0 + (bi > 0 ? bi - 1 : 0) * step, hi = h0 + (bi < NG ? bi + 1 : NG) * step;
  /* 30 steps; the larger of the last two points replaces the grid's best
   * when it beats it. A value that is not finite (SALESIM_ENUMERIC) leaves
   * the grid's best, an effort the rep can keep. */
  static const salesim_num_golden_opts steps = {30, 0};
  salesim_num_golden g;
  int rc = salesim_num_golden_max(&g, value_fn, (void *)p, lo, hi, &steps);
  best_h = h0 + bi * step;
  if (rc == 0)
    salesim_num_golden_pick(&g, SALESIM_NUM_PICK_LARGER, &best_h, &best);
  if (flow)
    *flow = month_flow(p, best_h, &P);
  return best_h;
}

/* ---- settings -------------------------------------------------------------- */

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

static const salesim_param_spec ladder_specs[] = {
    {"rep_salary", SALESIM_P_DOUBLE, offsetof(ladder_params, rep_salary), 6000, NULL, 0, 1e9, 0,
     NULL, "currency/month", "Monthly salary of a rep in a field position (also while in training)."},
    {"trainee_pay", SALESIM_P_DOUBLE, offsetof(ladder_params, trainee_pay), 4000, NULL, 0, 1e9, 0,
     NULL, "currency/month", "Monthly pay of a trainee on the reserve bench (and of demoted reps)."},
    {"capacity", SALESIM_P_INT, offsetof(ladder_params, capacity), 10, NULL, 0, 1000000, 0, NULL,
     "people", "People who can be in training at the same time."},
    {"training_months", SALESIM_P_INT, offsetof(ladder_params, training_months), 1, NULL, 1, 24, 0,
     NULL, "months", "Months a training takes, off the field."},
    {"training_cost", SALESIM_P_DOUBLE, offsetof(ladder_params, training_cost), 3000, NULL, 0, 1e9,
     0, NULL, "currency/person-month", "Management cost of a month of training for one person."},
    {"skill_gain", SALESIM_P_DOUBLE, offsetof(ladder_params, skill_gain), 0.3, NULL, 0, 100, 0,
     NULL, "skill units", "Added to hunting skill s by each training passed."},
    {"skill_max", SALESIM_P_DOUBLE, offsetof(ladder_params, skill_max), 2.5, NULL, 0, 100,
     SALESIM_PF_MIN_EXCL, NULL, "skill units", "Training raises skill no higher than this."},
    {"pass_mid", SALESIM_P_DOUBLE, offsetof(ladder_params, pass_mid), 0.6, NULL, 0, 100, 0, NULL,
     "ability", "Ability at which the pass chance is half of pass_max."},
    {"pass_slope", SALESIM_P_DOUBLE, offsetof(ladder_params, pass_slope), 6, NULL, 0, 1000, 0, NULL,
     "per unit ability", "Steepness of the pass chance in ability (logistic)."},
    {"pass_max", SALESIM_P_DOUBLE, offsetof(ladder_params, pass_max), 0.95, NULL, 0, 1, 0, NULL,
     "probability", "Pass chance of the most able."},
    {"lead_target", SALESIM_P_INT, offsetof(ladder_params, lead_target), 3, NULL, 1, 10000, 0, NULL,
     "opportunities/month",
     "Qualified new opportunities (opened in the pipeline) a trained rep owes a month."},
    {"reward", SALESIM_P_DOUBLE, offsetof(ladder_params, reward), 2000, NULL, 0, 1e9, 0, NULL,
     "currency/month", "Cash reward for a month whose lead target is met."},
    {"max_strikes", SALESIM_P_INT, offsetof(ladder_params, max_strikes), 3, NULL, 0,
     SALESIM_LADDER_MAX_STRIKES, 0, NULL,
     "misses", "Missed months that demote a trained rep to trainee; 0: nobody is demoted."},
    {"strike_reset", SALESIM_P_CHOICE, offsetof(ladder_params, strike_reset), RESET_YEAR, NULL, 0,
     1, 0, "year|never", "choice", "Strikes start again from zero every plan year, or never."},
    {"bench", SALESIM_P_INT, offsetof(ladder_params, bench), 3, NULL, 0, 1000000, 0, NULL, "people",
     "People the firm keeps in its reserve bench (trained or in training)."},
    {"bench_seats", SALESIM_P_INT, offsetof(ladder_params, bench_seats), 2, NULL, 0, 1000000, 0,
     NULL, "people",
     "Training seats (of capacity) kept for the bench's trainees while any wait; the rest go "
     "to reps sent back and untrained field reps first."},
    {"demote_needs_bench", SALESIM_P_BOOL, offsetof(ladder_params, demote_needs_bench), 1, NULL, 0,
     1, 0, NULL, "bool",
     "Demote only when a trained bench person can take the seat (else retrain and keep)."},
    {"fail_is_strike", SALESIM_P_BOOL, offsetof(ladder_params, fail_is_strike), 1, NULL, 0, 1, 0,
     NULL, "bool", "A field rep who fails a training takes a strike, as for a missed month."},
    {"start_trained", SALESIM_P_DOUBLE, offsetof(ladder_params, start_trained), 0, NULL, 0, 1, 0,
     NULL, "share", "Share of the starting sales force already trained (the rest queue for it)."},
    {"recruit_tries", SALESIM_P_INT, offsetof(ladder_params, recruit_tries), 3, NULL, 0, 1000, 0,
     NULL, "candidates/month",
     "Candidates the firm approaches a month for each open bench place (some decline)."},
};

static const salesim_param_table ladder_table = {
    "training_ladder", ladder_specs, sizeof ladder_specs / sizeof ladder_specs[0],
    sizeof(ladder_params)};

static int ladder_check(const void *vp, const salesim_scenario *sc, const char *where,
                        salesim_diag *diag) {
  const ladder_params *p = vp;
  int bad = 0;
  if (sc->production.mode != SALESIM_MODE_PIPELINE) {
    salesim_diag_add(diag,
                     "%s: training_ladder needs production.mode = \"pipeline\" (its target is "
                     "qualified opportunities)",
                     where);
    bad = 1;
  }
  if (p->capacity == 0 && p->start_trained < 1) {
    salesim_diag_add(diag,
                     "%s.capacity: 0 with start_trained %g leaves untrained reps untrained "
                     "(expected capacity >= 1 or start_trained = 1)",
                     where, p->start_trained);
    bad = 1;
  }
  return bad ? SALESIM_ESCENARIO : 0;
}

/* ---- people off the field: the reserve bench -------------------------------- */

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

int salesim_ladder_strikes(const salesim_world *w, const salesim_agent *a) {
  const ladder_agent *st = la_const(w, a);
  return st != NULL ? st->strikes : 0;
}

int salesim_ladder_grade(const salesim_world *w, const salesim_agent *a) {
  const ladder_agent *st = la_const(w, a);
  return st != NULL ? st->grade : 0;
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

static int count_trained(const ladder_state *s) {
  int n = 0;
  for (int i = 0; i < s->n_pool; i++)
    n += s->pool[i].state == POOL_TRAINED;
  return n;
}

static void train_skill(const ladder_params *p, double *skill) {
  *skill = fmin(p->skill_max, *skill + p->skill_gain);
  if (*skill < 0)
    *skill = 0;
}

/* the k-th candidate the firm approaches: the same person in every run of
 * this seed and replication, whatever happened before */
static void draw_candidate(salesim_world *w, pool_person *o) {
  ladder_state *s = w->state;
  gsl_rng *r = s->rng_recruit;
  salesim_stream_seed(r, w->seed, (uint64_t)w->rep, SALESIM_STREAM_MECHANISM,
                      ((uint64_t)1 << 40) + (uint64_t)s->recruits++);
  memset(o, 0, sizeof *o);
  salesim_world_draw_traits(w, r, &o->t);
  o->hired_month = w->month;
  o->state = POOL_UNTRAINED;
}

static int pool_add(ladder_state *s, const pool_person *o) {
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

/* ---- hooks -------------------------------------------------------------------- */

static void ladder_fini(salesim_world *w) {
  ladder_state *s = w->state;
  if (s == NULL)
    return;
  free(s->pool);
  s->pool = NULL;
  if (s->rng_recruit)
    gsl_rng_free(s->rng_recruit);
  s->rng_recruit = NULL;
}

static int ladder_init(salesim_world *w) {
  const ladder_params *p = w->params;
  ladder_state *s = w->state;
  s->cap_pool = p->bench + w->n_agents;
  s->pool = calloc((size_t)s->cap_pool, sizeof *s->pool);
  s->rng_recruit = gsl_rng_alloc(gsl_rng_taus2);
  if (s->pool == NULL || s->rng_recruit == NULL) {
    ladder_fini(w);
    return SALESIM_ENOMEM;
  }
  /* the starting force: a share already trained (same people in every run) */
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    double u = salesim_hash_uniform(w->seed, (uint64_t)w->rep,
                                    ((uint64_t)SALESIM_STREAM_MECHANISM << 32) + (uint64_t)i, 0);
    if (u < p->start_trained) {
      la(w, a)->grade = 1;
      train_skill(p, &a->skill);
    }
  }
  /* the starting bench: full and trained */
  for (int k = 0; k < p->bench; k++) {
    pool_person o;
    draw_candidate(w, &o);
    o.id = w->next_person_id++;
    o.hired_month = -1;
    o.state = POOL_TRAINED;
    train_skill(p, &o.t.skill);
    pool_add(s, &o);
  }
  s->bench_trained = count_trained(s);
  return 0;
}

static void ladder_plan(salesim_world *w, salesim_agent *a) {
  const ladder_params *p = w->params;
  a->target = 0; /* no sales target: attainment statistics do not apply */
  a->target_pay = p->rep_salary * (w->sc->months_per_year - w->month_in_year);
}

static int ladder_year_start(salesim_world *w) {
  const ladder_params *p = w->params;
  ladder_state *s = w->state;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    ladder_plan(w, a);
    if (p->strike_reset == RESET_YEAR)
      la(w, a)->strikes = 0;
  }
  if (p->strike_reset == RESET_YEAR)
    for (int i = 0; i < s->n_pool; i++)
      s->pool[i].strikes = 0;
  return 0;
}

static int ladder_hire(salesim_world *w, salesim_agent *a) {
  /* an outside hire starts untrained and queues for training */
  la(w, a)->grade = 0;
  ladder_plan(w, a);
  return 0;
}

static int ladder_incentive(const salesim_world *w, const salesim_agent *a,
                             salesim_incentive *inc) {
  const ladder_params *p = w->params;
  (void)a;
  inc->base_month = p->rep_salary;
  inc->period_months = 1; /* salary: nothing rides on sales itself */
  inc->months_left = 1;
  inc->assigned_accounts = 1;
  return 0;
}

/* Fill the lead problem of trained rep `a` this month; `month_value` is
 * what a month in the job is worth before the lead target (salary). */
static void lead_problem(const salesim_world *w, const salesim_agent *a, double hunt0,
                         double farm, double month_value, salesim_lead_problem *lp) {
  const ladder_params *p = w->params;
  const ladder_state *s = w->state;
  const salesim_population *pop = &w->sc->population;
  const salesim_territory *t = &w->terr[a->territory];
  double rho = t->prospects0 > 0 ? t->prospects / t->prospects0 : 1;
  lp->leads_per_hunt = t->lead_rate * a->ability * a->skill * rho / t->difficulty;
  lp->target = p->lead_target;
  lp->reward = p->reward;
  lp->risk_aversion = a->risk_aversion;
  lp->hunt0 = hunt0;
  lp->farm = farm;
  lp->effort_cost = a->effort_cost;
  lp->pain = w->sc->production.hunt_pain;
  /* the alternative to the job: the outside wage, or trainee pay on the
   * bench after a demotion, whichever is more */
  lp->surplus = month_value - fmax(a->outside_wage, p->trainee_pay);
  lp->discount = pop->discount;
  lp->horizon = pop->horizon_months;
  int strikes = la_const(w, a)->strikes;
  lp->strikes = strikes;
  lp->max_strikes = p->max_strikes;
  /* the firm can replace the rep if someone trained is on the bench for
   * each rep at their last strike (this one counted) */
  int at_risk = s->at_risk + (strikes >= p->max_strikes - 1 ? 0 : 1);
  lp->p_replace = !p->demote_needs_bench
                      ? 1.0
                      : fmin(1.0, (double)s->bench_trained / (at_risk > 0 ? at_risk : 1));
  lp->training_months = p->training_months;
  lp->month_in_year = w->month_in_year;
  lp->months_per_year = w->sc->months_per_year;
  lp->reset_yearly = p->strike_reset == RESET_YEAR;
}

static int ladder_adjust(salesim_world *w, salesim_agent *a, const salesim_incentive *inc,
                         salesim_choice *ch) {
  (void)inc;
  ladder_agent *st = la(w, a);
  st->on_target = 0;
  if (st->grade < 1)
    return 0; /* no target until trained; a rep waiting for a retraining
                 seat stays on target (and can strike again) */
  salesim_lead_problem lp;
  lead_problem(w, a, ch->hunt, ch->farm, ch->ce_month, &lp);
  double flow = 0;
  ch->hunt = salesim_ladder_best_hunt(&lp, &flow);
  ch->ce_month += flow;
  ch->ce += flow;
  st->on_target = 1;
  return 0;
}

static int ladder_month_pay(salesim_world *w, salesim_agent *a, const salesim_outcome *o) {
  const ladder_params *p = w->params;
  ladder_state *s = w->state;
  ladder_agent *st = la(w, a);
  salesim_world_pay(w, a, p->rep_salary, 0);
  if (a->status != SALESIM_AGENT_ACTIVE || st->on_target <= 0)
    return 0;
  s->target_months += 1;
  if (o->leads >= p->lead_target) {
    salesim_world_pay(w, a, p->reward, 1);
    s->rewards += p->reward;
    s->hit_months += 1;
    st->result = 1;
  } else {
    st->result = -1;
  }
  return 0;
}

/* A demoted or displaced person decides: the bench on trainee pay, or out. */
static void to_bench_or_out(salesim_world *w, pool_person *o) {
  ladder_state *s = w->state;
  o->state = POOL_UNTRAINED;
  o->strikes = 0;
  const ladder_params *p = w->params;
  if (bench_month_value(w, s->n_pool, p->training_months) >= o->t.outside_wage && pool_add(s, o))
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
  return gsl_rng_uniform(w->rng_mech) < pp;
}

static int ladder_month_end(salesim_world *w) {
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
      train_skill(p, &a->skill);
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
      train_skill(p, &o->t.skill);
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
    draw_candidate(w, &o);
    tries++;
    if (bench_month_value(w, s->n_pool, p->training_months) < o.t.outside_wage) {
      w->ledger.offers_declined += 1; /* the candidate declines */
      continue;
    }
    o.id = w->next_person_id++;
    if (!pool_add(s, &o))
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
  s->bench_trained = count_trained(s);
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

static int ladder_fill(salesim_world *w, salesim_agent *a) {
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
  s->bench_trained = count_trained(s);
  return 1;
}

/* The metrics the ladder declares (engine/base/metrics.h), in output order. */
enum {
  M_TRAININGS, M_TRAINING_PASSES, M_TRAINING_COST, M_REWARDS_PAID, M_DEMOTIONS,
  M_REPLACEMENTS, M_BENCH_MEAN, M_COUNT
};
#define PER_YEAR SALESIM_METRIC_KIND_PER_YEAR
static const salesim_metric_decl ladder_metrics[M_COUNT] = {
    [M_TRAININGS] = {{"trainings", "Training spells started", "per year", 0},
                     PER_YEAR,
                     "Trainings /yr"},
    [M_TRAINING_PASSES] = {{"training_passes", "Training passes", "per year", 0},
                           PER_YEAR,
                           "Training passes /yr"},
    [M_TRAINING_COST] = {{"training_cost", "Training cost", "currency/year", -1},
                         PER_YEAR,
                         "Training cost /yr"},
    [M_REWARDS_PAID] = {{"rewards_paid", "Lead-target rewards paid", "currency/year", 0},
                        PER_YEAR,
                        "Rewards paid /yr"},
    [M_DEMOTIONS] = {{"demotions", "Demotions to trainee", "per year", -1},
                     PER_YEAR,
                     "Demotions /yr"},
    [M_REPLACEMENTS] = {{"replacements", "Positions filled from the bench", "per year", 0},
                        PER_YEAR,
                        "From bench /yr"},
    [M_BENCH_MEAN] = {{"bench_mean", "Trained reserve bench (mean)", "people", 0},
                      SALESIM_METRIC_KIND_MONTHLY_MEAN,
                      "Bench (mean)"},
};
#undef PER_YEAR

static int ladder_report(salesim_world *w) {
  const ladder_state *s = w->state;
  salesim_world_metric(w, M_TRAININGS, s->trainings);
  salesim_world_metric(w, M_TRAINING_PASSES, s->passes);
  salesim_world_metric(w, M_TRAINING_COST, s->training_cost);
  salesim_world_metric(w, M_REWARDS_PAID, s->rewards);
  salesim_world_metric(w, M_DEMOTIONS, s->demotions);
  salesim_world_metric(w, M_REPLACEMENTS, s->replacements);
  salesim_world_metric(w, M_BENCH_MEAN, s->bench_sum);
  return 0;
}

const salesim_mechanism_type salesim_mechanism_training_ladder = {
    .version = SALESIM_MECHANISM_VERSION,
    .name = "training_ladder",
    .summary = "Mechanism (模压式训练 + 替代机制): training, a monthly target of qualified "
               "opportunities with a cash reward, strikes that demote, a reserve bench that "
               "replaces.",
    .params = &ladder_table,
    .check = ladder_check,
    .state_size = sizeof(ladder_state),
    .agent_state_size = sizeof(ladder_agent),
    .init = ladder_init,
    .fini = ladder_fini,
    .year_start = ladder_year_start,
    .hire = ladder_hire,
    .incentive = ladder_incentive,
    .adjust = ladder_adjust,
    .month_pay = ladder_month_pay,
    .fill = ladder_fill,
    .month_end = ladder_month_end,
    .report = ladder_report,
    .metrics = ladder_metrics,
    .n_metrics = M_COUNT,
};
