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
 * The mechanism's files, in reading order:
 *   training_ladder.c  this file: the rules, the settings, the hooks of the
 *                      plan year and the month, the metrics, the type object
 *   ladder_rep.c       the trained rep's choice of effort as pure functions
 *                      (models/mechanisms/training_ladder.h)
 *   ladder_bench.c     people off the field (the reserve bench) and the
 *                      month's end: strikes, demotions, trainings, the
 *                      bench's pay and refill, training seats
 *   ladder_internal.h  the settings and state those files share
 *
 * Read next: models/mechanisms/ladder_rep.c, models/mechanisms/monitoring.c
 * (the rules it is compared with), docs/rules-vs-mechanism.md.
 */
#include "training_ladder.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "decision.h"
#include "ladder_internal.h"
#include "streams.h"

/* ---- settings -------------------------------------------------------------- */

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

/* ---- a field rep's state (ladder_agent) ---- */

int salesim_ladder_strikes(const salesim_world *w, const salesim_agent *a) {
  const ladder_agent *st = la_const(w, a);
  return st != NULL ? st->strikes : 0;
}

int salesim_ladder_grade(const salesim_world *w, const salesim_agent *a) {
  const ladder_agent *st = la_const(w, a);
  return st != NULL ? st->grade : 0;
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
      ladder_train_skill(p, &a->skill);
    }
  }
  /* the starting bench: full and trained */
  for (int k = 0; k < p->bench; k++) {
    pool_person o;
    ladder_draw_candidate(w, &o);
    o.id = w->next_person_id++;
    o.hired_month = -1;
    o.state = POOL_TRAINED;
    ladder_train_skill(p, &o.t.skill);
    ladder_pool_add(s, &o);
  }
  s->bench_trained = ladder_count_trained(s);
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
