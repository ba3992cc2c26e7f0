/*
 * models/mechanisms/monitoring.c: the rules baseline, 制度 (MODEL.md §6.6, DIGEST.md
 * §1 Case A): a visit quota, self-reported visits, call-back audits and
 * fines, strikes and dismissal, and the firm's escalation.
 *
 * Rules (settings in monitoring_specs below):
 *   pay       a monthly `salary`; `quota_bonus` in a month whose reports
 *             reach `quota`, a pay cut `miss_cut` in a month they do not.
 *             Nothing is paid on revenue, so hunting is worth only what it
 *             does for the quota (and farming nothing).
 *   visits    real visits = visits_per_hunt * h; the rep reports real
 *             visits plus any false reports it chooses to file.
 *   audits    each report is called back with probability q (the current
 *             audit share) at `audit_cost` each; an audited false report is
 *             caught: fine F (deducted from pay) and a strike. `max_strikes`
 *             strikes dismiss the rep (0: never). Optionally a missed quota
 *             is a strike too.
 *   escalation  every `escalate_every` months the firm estimates real
 *             visits from its audits (reported * (1 - share of audited
 *             reports found false)); below `escalate_below` * quota per rep,
 *             it raises q by `audit_step` (up to `audit_max`) and F by
 *             `fine_factor` (up to `fine_max`). The source's story: more
 *             call-backs, heavier penalties.
 *
 * The rep's choice (adjust hook): after the engine's effort choice (h0, f)
 * for the rest of its pay, the rep decides whether to meet the quota and
 * with how many false reports, maximising its certainty equivalent
 * (models/mechanisms/monitoring.h: a false report is filed exactly when the effort it
 * saves exceeds kappa + CE of the fine-and-strike lottery). A strike is
 * worth J / (max_strikes - strikes) to the rep, J the value of keeping the
 * job: sum over the horizon of discounted (CE per month of staying - outside
 * wage). Nothing here says who fakes: people with a low moral cost fake
 * while audits are rare and fines light, because it pays them.
 *
 * Read next: models/mechanisms/training_ladder.c (the mechanism it is compared with),
 * docs/rules-vs-mechanism.md.
 */
#include "monitoring.h"

#include <math.h>
#include <stddef.h>

#include <gsl/gsl_randist.h>

#include "decision.h"
#include "history.h"
#include "mechanism.h"

/* ---- the rep's reporting choice (pure) ------------------------------------ */

double salesim_monitoring_fake_cost(double q, double fine, double strike_loss, double moral_cost,
                                    double risk_aversion) {
  double loss = fine + strike_loss;
  double lottery;
  if (risk_aversion * loss < 1e-9)
    lottery = q * loss;
  else /* CARA certainty equivalent of losing `loss` with probability q */
    lottery = log1p(q * expm1(risk_aversion * loss)) / risk_aversion;
  return moral_cost + lottery;
}

int salesim_monitoring_fake_pays(double effort_saved, double fake_cost) {
  return effort_saved > fake_cost;
}

/* monthly effort cost of v real visits at farming f */
static double visit_cost(const salesim_visit_problem *p, double v) {
  double e = p->pain * v / p->visits_per_hunt + p->farm;
  return 0.5 * p->effort_cost * e * e;
}

void salesim_monitoring_plan(const salesim_visit_problem *p, salesim_visit_plan *out) {
  double v0 = p->visits_per_hunt * p->hunt0;
  out->real = v0;
  out->fake = 0;
  out->hunt = p->hunt0;
  out->gain = 0;
  out->meet = 0;
  if (!(p->visits_per_hunt > 0))
    return;
  if (v0 >= p->quota) {
    out->meet = 1;
    out->gain = p->stake;
    return;
  }
  /* n false reports replace the last n real visits of the quota; the
   * effort each saves falls with n (convex cost), so stop at the first
   * that does not pay */
  double base_cost = visit_cost(p, v0);
  double max_fake = ceil(p->quota - v0);
  double n = 0;
  while (n < max_fake) {
    double hi = fmax(v0, p->quota - n), lo = fmax(v0, p->quota - n - 1);
    if (!salesim_monitoring_fake_pays(visit_cost(p, hi) - visit_cost(p, lo), p->fake_cost))
      break;
    n += 1;
  }
  double real = fmax(v0, p->quota - n);
  double gain = p->stake - (visit_cost(p, real) - base_cost) - n * p->fake_cost;
  if (gain >= 0 && p->stake > 0) {
    out->real = real;
    out->fake = n;
    out->hunt = real / p->visits_per_hunt;
    out->gain = gain;
    out->meet = 1;
  }
}

/* ---- settings -------------------------------------------------------------- */

typedef struct monitoring_params {
  double salary;
  int quota;
  double visits_per_hunt;
  double quota_bonus;
  double miss_cut;
  double audit_share;
  double audit_cost;
  double fine;
  int max_strikes;
  int strike_on_miss;
  int escalate_every;
  double escalate_below;
  double audit_step;
  double audit_max;
  double fine_factor;
  double fine_max;
} monitoring_params;

static const salesim_param_spec monitoring_specs[] = {
    {"salary", SALESIM_P_DOUBLE, offsetof(monitoring_params, salary), 6000, NULL, 0, 1e9, 0, NULL,
     "currency/month", "Monthly salary."},
    {"quota", SALESIM_P_INT, offsetof(monitoring_params, quota), 15, NULL, 1, 10000, 0, NULL,
     "visits/month", "Customer visits each rep must report a month."},
    {"visits_per_hunt", SALESIM_P_DOUBLE, offsetof(monitoring_params, visits_per_hunt), 20, NULL,
     0, 1e6, SALESIM_PF_MIN_EXCL, NULL, "visits per unit effort",
     "Real visits a month per unit of hunting effort h."},
    {"quota_bonus", SALESIM_P_DOUBLE, offsetof(monitoring_params, quota_bonus), 1000, NULL, 0,
     1e9, 0, NULL, "currency/month", "Bonus for a month whose reports reach the quota."},
    {"miss_cut", SALESIM_P_DOUBLE, offsetof(monitoring_params, miss_cut), 500, NULL, 0, 1e9, 0,
     NULL, "currency/month", "Pay cut for a month whose reports fall short of the quota."},
    {"audit_share", SALESIM_P_DOUBLE, offsetof(monitoring_params, audit_share), 0.05, NULL, 0, 1,
     0, NULL, "share", "q: share of reports the firm calls back at the start."},
    {"audit_cost", SALESIM_P_DOUBLE, offsetof(monitoring_params, audit_cost), 60, NULL, 0, 1e9, 0,
     NULL, "currency/report", "Management cost of one call-back audit."},
    {"fine", SALESIM_P_DOUBLE, offsetof(monitoring_params, fine), 1000, NULL, 0, 1e9, 0, NULL,
     "currency", "F: fine for a false report found by an audit, at the start."},
    {"max_strikes", SALESIM_P_INT, offsetof(monitoring_params, max_strikes), 3, NULL, 0, 1000, 0,
     NULL, "strikes", "Strikes (caught false reports) that dismiss a rep; 0: nobody is dismissed."},
    {"strike_on_miss", SALESIM_P_BOOL, offsetof(monitoring_params, strike_on_miss), 0, NULL, 0, 1,
     0, NULL, "bool", "A month whose reports miss the quota is a strike as well."},
    {"escalate_every", SALESIM_P_INT, offsetof(monitoring_params, escalate_every), 3, NULL, 0, 120,
     0, NULL, "months", "How often the firm reviews its audits and may escalate; 0: never."},
    {"escalate_below", SALESIM_P_DOUBLE, offsetof(monitoring_params, escalate_below), 1.0, NULL, 0,
     10, 0, NULL, "share of quota",
     "Escalate when audited-corrected real visits per rep fall below this share of the quota."},
    {"audit_step", SALESIM_P_DOUBLE, offsetof(monitoring_params, audit_step), 0.05, NULL, 0, 1, 0,
     NULL, "share", "Added to the audit share at each escalation."},
    {"audit_max", SALESIM_P_DOUBLE, offsetof(monitoring_params, audit_max), 0.5, NULL, 0, 1, 0,
     NULL, "share", "Highest audit share escalation reaches."},
    {"fine_factor", SALESIM_P_DOUBLE, offsetof(monitoring_params, fine_factor), 1.5, NULL, 1, 100,
     0, NULL, "multiple", "The fine is multiplied by this at each escalation."},
    {"fine_max", SALESIM_P_DOUBLE, offsetof(monitoring_params, fine_max), 10000, NULL, 0, 1e9, 0,
     NULL, "currency", "Highest fine escalation reaches."},
};

static const salesim_param_table monitoring_table = {
    "monitoring", monitoring_specs, sizeof monitoring_specs / sizeof monitoring_specs[0],
    sizeof(monitoring_params)};

static int monitoring_check(const void *vp, const salesim_scenario *sc, const char *where,
                            salesim_diag *diag) {
  const monitoring_params *p = vp;
  int bad = 0;
  if (p->audit_max < p->audit_share) {
    salesim_diag_add(diag, "%s.audit_max: %g is below audit_share %g (expected >= audit_share)",
                     where, p->audit_max, p->audit_share);
    bad = 1;
  }
  if (p->fine_max < p->fine) {
    salesim_diag_add(diag, "%s.fine_max: %g is below fine %g (expected >= fine)", where,
                     p->fine_max, p->fine);
    bad = 1;
  }
  if (sc->production.mode != SALESIM_MODE_PIPELINE) {
    salesim_diag_add(diag,
                     "%s: monitoring needs production.mode = \"pipeline\" (visits are hunting "
                     "effort)",
                     where);
    bad = 1;
  }
  return bad ? SALESIM_ESCENARIO : 0;
}

/* ---- state ------------------------------------------------------------------- */

/* Per-agent state (agent_state_size): this month's visit plan and the
 * strikes collected (zeroed for each new person in the slot). */
typedef struct monitoring_agent {
  double real, fake;  /* visits planned this month: real and false reports */
  double gain;        /* CE the quota layer added this month */
  double reported;    /* real + fake */
  int strikes;        /* caught false reports (and missed quotas) so far */
} monitoring_agent;

static inline monitoring_agent *ma(salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state(w, a);
}

int salesim_monitoring_strikes(const salesim_world *w, const salesim_agent *a) {
  const monitoring_agent *st = salesim_agent_state_const(w, a);
  return st != NULL ? st->strikes : 0;
}

typedef struct monitoring_state {
  double q, fine;           /* current audit share and fine */
  /* review window */
  double win_reported, win_audited, win_caught, win_rep_months;
  /* run totals */
  double reported, real, fake, caught, audits, audit_cost, fines, dismissals, escalations;
} monitoring_state;

static int monitoring_init(salesim_world *w) {
  const monitoring_params *p = w->params;
  monitoring_state *s = w->state;
  s->q = p->audit_share;
  s->fine = p->fine;
  return 0;
}

static void monitoring_plan_year(salesim_world *w, salesim_agent *a) {
  const monitoring_params *p = w->params;
  int left = w->sc->months_per_year - w->month_in_year;
  a->target = 0; /* no sales target: attainment statistics do not apply */
  a->target_pay = (p->salary + p->quota_bonus) * left;
}

static int monitoring_year_start(salesim_world *w) {
  for (int i = 0; i < w->n_agents; i++)
    if (w->agents[i].status != SALESIM_AGENT_VACANT)
      monitoring_plan_year(w, &w->agents[i]);
  return 0;
}

static int monitoring_hire(salesim_world *w, salesim_agent *a) {
  monitoring_plan_year(w, a);
  return 0;
}

static int monitoring_incentive(const salesim_world *w, const salesim_agent *a,
                                salesim_incentive *inc) {
  const monitoring_params *p = w->params;
  (void)a;
  inc->base_month = p->salary;
  inc->period_months = 1; /* a monthly salary: nothing rides on sales */
  inc->months_left = 1;
  inc->assigned_accounts = 1; /* the manager hands out call lists */
  return 0;
}

/* value of keeping the job: discounted months of (CE of staying - w-bar) */
static double job_value(const salesim_world *w, const salesim_agent *a, double ce_month) {
  const salesim_population *pop = &w->sc->population;
  double d = pop->discount, H = pop->horizon_months;
  double annuity = d < 1 ? (1 - pow(d, H)) / (1 - d) : H;
  return annuity * fmax(0, ce_month - a->outside_wage);
}

static int monitoring_adjust(salesim_world *w, salesim_agent *a, const salesim_incentive *inc,
                             salesim_choice *ch) {
  const monitoring_params *p = w->params;
  const monitoring_state *s = w->state;
  monitoring_agent *st = ma(w, a);
  (void)inc;
  double strike_loss = 0;
  if (p->max_strikes > 0) {
    double J = job_value(w, a, ch->ce_month + st->gain);
    int left = p->max_strikes - st->strikes;
    strike_loss = J / (left > 1 ? left : 1);
  }
  salesim_visit_problem vp;
  vp.quota = p->quota;
  vp.visits_per_hunt = p->visits_per_hunt;
  vp.hunt0 = ch->hunt;
  vp.farm = ch->farm;
  vp.effort_cost = a->effort_cost;
  vp.pain = w->sc->production.hunt_pain;
  vp.stake = p->quota_bonus + p->miss_cut + (p->strike_on_miss ? strike_loss : 0);
  vp.fake_cost =
      salesim_monitoring_fake_cost(s->q, s->fine, strike_loss, a->moral_cost, a->risk_aversion);
  salesim_visit_plan plan;
  salesim_monitoring_plan(&vp, &plan);
  ch->hunt = plan.hunt;
  /* the certainty equivalent of staying: the quota's stake is won or its
   * cut avoided net of what meeting it costs */
  double layer = plan.meet ? plan.gain - p->miss_cut : -p->miss_cut;
  ch->ce_month += layer;
  ch->ce += layer;
  st->gain = layer;
  st->real = plan.real;
  st->fake = plan.fake;
  st->reported = plan.real + plan.fake;
  return 0;
}

static int monitoring_month_pay(salesim_world *w, salesim_agent *a, const salesim_outcome *o) {
  const monitoring_params *p = w->params;
  (void)o;
  salesim_world_pay(w, a, p->salary, 0);
  if (a->status != SALESIM_AGENT_ACTIVE)
    return 0;
  /* reports are whole visits; a quota is met when they reach it (the
   * planned real visits may be fractional: round to the nearest visit) */
  double reported = floor(ma(w, a)->reported + 0.5);
  if (reported >= p->quota)
    salesim_world_pay(w, a, p->quota_bonus, 1);
  else
    salesim_world_pay(w, a, -p->miss_cut, 1);
  return 0;
}

static int monitoring_month_end(salesim_world *w) {
  const monitoring_params *p = w->params;
  monitoring_state *s = w->state;
  double fake_before = s->fake;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status != SALESIM_AGENT_ACTIVE)
      continue;
    monitoring_agent *st = ma(w, a);
    unsigned real = (unsigned)floor(st->real + 0.5);
    unsigned fake = (unsigned)floor(st->fake + 0.5);
    unsigned audited_real = s->q > 0 ? gsl_ran_binomial(w->rng_mech, s->q, real) : 0;
    unsigned caught = s->q > 0 ? gsl_ran_binomial(w->rng_mech, s->q, fake) : 0;
    double audited = (double)audited_real + caught;
    double cost = audited * p->audit_cost;
    salesim_world_mgmt_cost(w, cost);
    s->audit_cost += cost;
    s->audits += audited;
    s->reported += real + fake;
    s->real += real;
    s->fake += fake;
    s->caught += caught;
    s->win_reported += real + fake;
    s->win_audited += audited;
    s->win_caught += caught;
    s->win_rep_months += 1;
    int strikes = (int)caught;
    if (p->strike_on_miss && real + fake < (unsigned)p->quota)
      strikes++;
    if (caught > 0) {
      double fines = caught * s->fine;
      salesim_world_pay(w, a, -fines, 1);
      a->savings -= fines;
      s->fines += fines;
    }
    if (w->history != NULL) /* what the firm's records show (models/core/history.h) */
      salesim_history_visits(w, a, real + fake - caught, caught);
    st->strikes += strikes;
    st->real = st->fake = st->reported = 0;
    if (p->max_strikes > 0 && st->strikes >= p->max_strikes) {
      salesim_world_exit(w, a, SALESIM_EXIT_DISMISSED);
      s->dismissals += 1;
    }
  }
  double *mon = &w->monthly[(size_t)w->month * SALESIM_SERIES_COUNT];
  mon[SALESIM_SERIES_FALSE_REPORTS] = s->fake - fake_before;
  mon[SALESIM_SERIES_AUDIT_SHARE] = s->q; /* the share this month's reports faced */
  /* the firm's review: are people really visiting? */
  if (p->escalate_every > 0 && (w->month + 1) % p->escalate_every == 0) {
    if (s->win_rep_months > 0) {
      double false_share = s->win_audited > 0 ? s->win_caught / s->win_audited : 0;
      double verified = s->win_reported * (1 - false_share) / s->win_rep_months;
      if (verified < p->escalate_below * p->quota) {
        double q = fmin(p->audit_max, s->q + p->audit_step);
        double fine = fmin(p->fine_max, s->fine * p->fine_factor);
        if (q > s->q || fine > s->fine)
          s->escalations += 1;
        s->q = q;
        s->fine = fine;
      }
    }
    s->win_reported = s->win_audited = s->win_caught = s->win_rep_months = 0;
  }
  return 0;
}

/* The metrics monitoring declares (engine/base/metrics.h), in output order. */
enum {
  M_VISITS_REPORTED, M_VISITS_REAL, M_VISITS_FALSE, M_FALSE_CAUGHT, M_AUDIT_COST, M_FINES,
  M_DISMISSALS, M_AUDIT_SHARE_END, M_COUNT
};
#define PER_YEAR SALESIM_METRIC_KIND_PER_YEAR
static const salesim_metric_decl monitoring_metrics[M_COUNT] = {
    [M_VISITS_REPORTED] = {{"visits_reported", "Visits reported", "per year", 0},
                           PER_YEAR,
                           "Visits reported /yr"},
    [M_VISITS_REAL] = {{"visits_real", "Visits really made", "per year", 1},
                       PER_YEAR,
                       "Visits real /yr"},
    [M_VISITS_FALSE] = {{"visits_false", "False visit reports", "per year", -1},
                        PER_YEAR,
                        "False reports /yr"},
    [M_FALSE_CAUGHT] = {{"false_caught", "False reports caught by audits", "per year", 0},
                        PER_YEAR,
                        "False caught /yr"},
    [M_AUDIT_COST] = {{"audit_cost", "Audit (call-back) cost", "currency/year", -1},
                      PER_YEAR,
                      "Audit cost /yr"},
    [M_FINES] = {{"fines", "Fines collected", "currency/year", 0},
                 PER_YEAR,
                 "Fines /yr"},
    [M_DISMISSALS] = {{"dismissals", "Dismissals", "per year", -1},
                      PER_YEAR,
                      "Dismissals /yr"},
    [M_AUDIT_SHARE_END] = {{"audit_share_end", "Audit share at the end (after escalation)",
                            "share", 0},
                           SALESIM_METRIC_KIND_LEVEL,
                           "Audit share at end"},
};
#undef PER_YEAR

static int monitoring_report(salesim_world *w) {
  const monitoring_state *s = w->state;
  salesim_world_metric(w, M_VISITS_REPORTED, s->reported);
  salesim_world_metric(w, M_VISITS_REAL, s->real);
  salesim_world_metric(w, M_VISITS_FALSE, s->fake);
  salesim_world_metric(w, M_FALSE_CAUGHT, s->caught);
  salesim_world_metric(w, M_AUDIT_COST, s->audit_cost);
  salesim_world_metric(w, M_FINES, s->fines);
  salesim_world_metric(w, M_DISMISSALS, s->dismissals);
  salesim_world_metric(w, M_AUDIT_SHARE_END, s->q);
  return 0;
}

const salesim_mechanism_type salesim_mechanism_monitoring = {
    .version = SALESIM_MECHANISM_VERSION,
    .name = "monitoring",
    .summary = "Rules (制度): salary, a visit quota with self-reported visits, call-back audits, "
               "fines and strikes, escalating when audits show the quota missed.",
    .params = &monitoring_table,
    .check = monitoring_check,
    .state_size = sizeof(monitoring_state),
    .agent_state_size = sizeof(monitoring_agent),
    .init = monitoring_init,
    .year_start = monitoring_year_start,
    .hire = monitoring_hire,
    .incentive = monitoring_incentive,
    .adjust = monitoring_adjust,
    .month_pay = monitoring_month_pay,
    .month_end = monitoring_month_end,
    .report = monitoring_report,
    .metrics = monitoring_metrics,
    .n_metrics = M_COUNT,
};
