/*
 * models/mechanisms/transition.c: the mechanism type `transition` (issue
 * 14, transition.h): plan A (`from`) until run month `switch_month`, plan B
 * (`to`) after, with announcement, hold-harmless, grandfathered accounts
 * and a transition payment.
 *
 * Rules, month by month (w->month is the 0-based run month, k the switch):
 *  * before k a rep is paid by A exactly as the entry `from` pays (plan.c);
 *    from k by B, B's period starting prorated at k as for a mid-year hire.
 *  * The switch happens at the end of month k-1 (month_end): A's open
 *    period is settled on the credit so far (the stub settlement,
 *    salesim_transition_stub_due: A recompiled for the months that passed,
 *    target and target incentive prorated to them, at the credit so far,
 *    less what A paid as earned, never below 0); credit resets; B starts.
 *  * Announcement: from month k - announce_months the rep's incentive ends
 *    A's period at the switch (months_left = months to the switch; an
 *    open-ended commission gets a period that ends there) and values credit
 *    after it at B's expected marginal pay (after_value, as plan and
 *    quota_bonus compute it with salesim_world_after_value, at the rep's
 *    expected attainment of B's first period); the transition payment is
 *    in its value (lump_value, discounted to the switch). The timing games
 *    of the engine (production.timing_games, push_deals) then move deals
 *    across the switch by that margin: no code here moves deals.
 *  * Hold-harmless: the reps in post at the switch are paid, for each of
 *    B's periods (or the part of one) inside the hold_harmless_months after
 *    the switch, max(A, B) at the same credit: base plus variable pay, A's
 *    schedule compiled for the same period (salesim_transition_schedule,
 *    salesim_schedule_max). Their decisions read the same schedule. When
 *    the months end inside a B period, that part is settled as a stub and
 *    B starts prorated again. Hires after the switch get plain B.
 *  * Grandfathered accounts: the book a rep owns at the switch is paid at
 *    A's book rate (money per unit of book revenue) for the rest of the
 *    run and is not credited under B; it shrinks at the rep's own churn
 *    (production.churn * exp(-farm_effect * farm)) and never exceeds the
 *    rep's book. New accounts are B's.
 *  * Transition payment: paid in month k to every rep who was in post at
 *    the switch and is still there.
 *
 * Simplified (docs/plan-vocabulary.md "Transitions"): the incentive has
 * one base a month, so an announced rep's value gets B's base for the
 * horizon's months after the switch as a lump (lump_value: B's base less
 * A's, discounted), which effort does not change, and credit after the
 * switch at B's expected marginal pay (linear, at the expected attainment);
 * grandfathered accounts are valued as a lump too (A's book rate on them
 * over the plan's months at the base churn; farming's effect on them is
 * left out), and B's target leaves them out (the rule's book part for
 * them); the hold-harmless guarantee is per period, on total pay (base +
 * variable) of the period.
 *
 * Metrics of the window (from the announcement to 12 months after the
 * switch): leavers by performance fifth (rank by credit in the up to 12
 * months before the announcement; every exit counts: quits, broke,
 * life events), the share of reps earning more / less under B than under A
 * at their realised sales of the first year after the switch (both plans
 * evaluated as yearly plans on those sales, each crediting book revenue
 * its own way, the credit spread evenly over their periods; reps in post
 * at the switch and at the end of the run, first-year sales annualised),
 * the coefficient of variation of reps' monthly pay in the window (the plan
 * type has no grades: one group), deals pushed across the switch (month
 * k-1) and pulled in the three months before it, the transition payments.
 *
 * Read next: transition.h, plan.c, tests/test_transition.c.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "transition.h"

static const salesim_param_spec transition_specs[] = {
    {"from", SALESIM_P_STRING, offsetof(salesim_transition_params, from), 0, "", 0,
     SALESIM_NAME_MAX, SALESIM_PF_REQUIRED, NULL, "label",
     "The plan paid until the switch: the label of another entry of type plan (it still runs "
     "on its own as a comparison)."},
    {"to", SALESIM_P_STRING, offsetof(salesim_transition_params, to), 0, "", 0,
     SALESIM_NAME_MAX, SALESIM_PF_REQUIRED, NULL, "label",
     "The plan paid from the switch: the label of another entry of type plan."},
    {"switch_month", SALESIM_P_INT, offsetof(salesim_transition_params, switch_month), 12, NULL,
     1, 10000, 0, NULL, "month",
     "Run month (0-based) from which `to` pays, 1 .. months-1; A's open period is settled at "
     "the switch on the credit so far (the stub settlement), B's starts prorated."},
    {"announce_months", SALESIM_P_INT, offsetof(salesim_transition_params, announce_months), 0,
     NULL, 0, 10000, 0, NULL, "months",
     "Months before the switch that reps know of it (0: a surprise); at most switch_month."},
    {"hold_harmless_months", SALESIM_P_INT,
     offsetof(salesim_transition_params, hold_harmless_months), 0, NULL, 0, 10000, 0, NULL,
     "months",
     "Months after the switch during which the reps in post at the switch are paid the larger "
     "of the old and the new plan at the same credit (0: none)."},
    {"grandfather_accounts", SALESIM_P_BOOL,
     offsetof(salesim_transition_params, grandfather_accounts), 0, NULL, 0, 1, 0, NULL, "bool",
     "The book a rep owns at the switch keeps the old plan's book rate for the rest of the run "
     "(the old plan needs a commission component)."},
    {"transition_payment", SALESIM_P_DOUBLE,
     offsetof(salesim_transition_params, transition_payment), 0, NULL, 0, 1e9, 0, NULL,
     "currency",
     "Paid once at the switch to every rep in post; announced reps count it in the job's "
     "value."},
};

const salesim_param_table salesim_transition_table = {
    "transition", transition_specs, sizeof transition_specs / sizeof transition_specs[0],
    sizeof(salesim_transition_params)};

/* ---- pure parts ---------------------------------------------------------- */

int salesim_transition_schedule(salesim_schedule *out, const salesim_plan_params *p,
                                const salesim_plan_params *old, double target, double share,
                                int months) {
  int rc = salesim_plan_compile(out, p, target, share);
  if (rc != 0 || old == NULL)
    return rc;
  salesim_schedule o;
  rc = salesim_plan_compile(&o, old, target, share);
  if (rc != 0)
    return rc;
  o.a += (old->base - p->base) * months;
  return salesim_schedule_max(out, &o, out);
}

int salesim_transition_stub_due(const salesim_plan_params *p, const salesim_plan_params *old,
                                double period_target, int covered, int elapsed,
                                int months_per_year, double credit, double paid, double *due) {
  *due = 0;
  if (covered <= 0 || elapsed <= 0 || elapsed >= covered)
    return 0;
  double f = (double)elapsed / covered;
  salesim_schedule s;
  int rc = salesim_transition_schedule(&s, p, old, period_target * f,
                                       (double)elapsed / months_per_year, elapsed);
  if (rc != 0)
    return rc;
  double d = salesim_schedule_eval(&s, credit) - paid;
  *due = d > 0 ? d : 0;
  return 0;
}

double salesim_transition_book_rate(const salesim_plan_params *p) {
  for (int i = 0; i < p->components.n; i++) {
    const salesim_item *it = &p->components.item[i];
    if (it->type != SALESIM_PLAN_COMMISSION)
      continue;
    const salesim_plan_commission *c = (const void *)it->body.bytes;
    double r = c->tiers.n > 0 ? c->tiers.y[0] : c->rate;
    return c->book_rate >= 0 ? c->book_rate : r;
  }
  return -1;
}

/* ---- the check ----------------------------------------------------------- */

/* edit distance (optimal string alignment), for "did you mean" */
static size_t distance(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  if (n > 63 || m > 63)
    return 1000;
  size_t d[64][64];
  for (size_t i = 0; i <= n; i++)
    d[i][0] = i;
  for (size_t j = 0; j <= m; j++)
    d[0][j] = j;
  for (size_t i = 1; i <= n; i++)
    for (size_t j = 1; j <= m; j++) {
      size_t c = a[i - 1] == b[j - 1] ? 0 : 1, v = d[i - 1][j - 1] + c;
      if (d[i - 1][j] + 1 < v)
        v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v)
        v = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[n][m];
}

/* The entry a label names; -1 (with a line) when it is missing, unknown,
 * this entry, or not a plan. */
static int find_plan(const salesim_scenario *sc, int self, const char *label, const char *where,
                     const char *setting, salesim_diag *diag) {
  if (label[0] == '\0') {
    salesim_diag_add(diag, "%s.%s: missing (expected the label of another entry of type plan)",
                     where, setting);
    return -1;
  }
  int best = -1;
  size_t bd = 3;
  for (int i = 0; i < sc->n_mechanisms; i++) {
    const salesim_mechanism_spec *m = &sc->mechanisms[i];
    if (strcmp(m->name, label) == 0) {
      if (i == self) {
        salesim_diag_add(diag, "%s.%s: \"%s\" is this transition itself (expected another "
                               "entry, of type plan)",
                         where, setting, label);
        return -1;
      }
      if (m->type == NULL || strcmp(m->type->name, "plan") != 0) {
        salesim_diag_add(diag, "%s.%s: \"%s\" is an entry of type %s (expected an entry of type "
                               "plan)",
                         where, setting, label, m->type ? m->type->name : "(unknown)");
        return -1;
      }
      return i;
    }
    size_t d = distance(label, m->name);
    if (i != self && d < bd) {
      bd = d;
      best = i;
    }
  }
  if (best >= 0)
    salesim_diag_add(diag, "%s.%s: no entry is named \"%s\", did you mean '%s'? (expected the "
                           "label of an entry of type plan)",
                     where, setting, label, sc->mechanisms[best].name);
  else
    salesim_diag_add(diag, "%s.%s: no entry is named \"%s\" (expected the label of an entry of "
                           "type plan)",
                     where, setting, label);
  return -1;
}

static int transition_check(const void *params, const salesim_scenario *sc, const char *where,
                            salesim_diag *diag) {
  const salesim_transition_params *p = params;
  int self = -1, bad = 0;
  for (int i = 0; i < sc->n_mechanisms; i++)
    if (sc->mechanisms[i].params == params)
      self = i;
  int ia = find_plan(sc, self, p->from, where, "from", diag);
  int ib = find_plan(sc, self, p->to, where, "to", diag);
  bad |= ia < 0 || ib < 0;
  if (p->switch_month >= sc->months) {
    salesim_diag_add(diag, "%s.switch_month: %d with months = %d (expected 1 .. %d: B must pay "
                           "at least one month)",
                     where, p->switch_month, sc->months, sc->months - 1);
    bad = 1;
  }
  if (p->announce_months > p->switch_month) {
    salesim_diag_add(diag, "%s.announce_months: %d before a switch in month %d (expected at "
                           "most switch_month)",
                     where, p->announce_months, p->switch_month);
    bad = 1;
  }
  if (p->switch_month < sc->months && p->hold_harmless_months > sc->months - p->switch_month) {
    salesim_diag_add(diag, "%s.hold_harmless_months: %d after a switch in month %d of %d "
                           "(expected at most %d, the months after the switch)",
                     where, p->hold_harmless_months, p->switch_month, sc->months,
                     sc->months - p->switch_month);
    bad = 1;
  }
  if (ia >= 0 && ib >= 0) {
    const salesim_plan_params *A = sc->mechanisms[ia].params, *B = sc->mechanisms[ib].params;
    if (p->grandfather_accounts && salesim_transition_book_rate(A) < 0) {
      salesim_diag_add(diag, "%s.grandfather_accounts: the plan \"%s\" pays no commission on "
                             "book revenue (expected a commission component in `from`, or "
                             "grandfather_accounts = false)",
                       where, p->from);
      bad = 1;
    }
    if (p->hold_harmless_months > 0) {
      /* the larger of the two: both plans' breakpoints and a crossing
       * between each two of them */
      int ka, ja, kb, jb;
      salesim_plan_worst_case(A, &ka, &ja);
      salesim_plan_worst_case(B, &kb, &jb);
      int nk = 2 * (ka + kb) + ja + jb + 1, nj = ja + jb;
      if (nk > SALESIM_SCHED_MAX_KNOTS || nj > SALESIM_SCHED_MAX_JUMPS) {
        salesim_diag_add(diag, "%s.hold_harmless_months: the larger of \"%s\" and \"%s\" can "
                               "have %d breakpoints and %d jumps (expected at most %d and %d: "
                               "simpler plans, or hold_harmless_months = 0)",
                         where, p->from, p->to, nk, nj, SALESIM_SCHED_MAX_KNOTS,
                         SALESIM_SCHED_MAX_JUMPS);
        bad = 1;
      }
    }
  }
  return bad ? SALESIM_ESCENARIO : 0;
}

/* ---- state --------------------------------------------------------------- */

enum {
  M_LEFT1, M_LEFT2, M_LEFT3, M_LEFT4, M_LEFT5, M_MORE, M_LESS, M_PAY_CV, M_PUSHED, M_PULLED,
  M_PAYMENTS, M_COUNT
};

typedef struct transition_state {
  const salesim_plan_params *A, *B;
  int k, ann, hh_end, window_end; /* run months */
  /* the ranking at the announcement: per slot the person ranked, the
   * fifth (1 = top), whether they left */
  int *rank_id;
  signed char *fifth;
  signed char *gone;
  double in_fifth[5], left_fifth[5];
  int ranked;
  double cv_sum, cv_n;
  double prev_pushed, prev_pulled, pushed, pulled;
  double payments;
} transition_state;

typedef struct transition_agent {
  salesim_plan_agent plan; /* the period target of the plan in force */
  int period_start;        /* run month the current schedule's period began */
  int covered;             /* months that schedule was set for */
  int hh;                  /* under the hold-harmless guarantee */
  int hh_const_paid;       /* the guarantee's pay at 0 credit, paid as earned */
  int payment_due;         /* the transition payment, paid in month k */
  int at_switch;           /* in post at the switch */
  double gf_book;          /* grandfathered book revenue a month */
  double credit_pre;       /* credit in the 12 months before the announcement */
  double new_after, book_after; /* new and book revenue in the 12 months
                                   from the switch */
  int months_after;
} transition_agent;

static inline transition_agent *ta(salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state(w, a);
}
static inline const transition_agent *ta_const(const salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state_const(w, a);
}

static const salesim_plan_params *entry(const salesim_world *w, const char *label) {
  for (int i = 0; i < w->sc->n_mechanisms; i++)
    if (strcmp(w->sc->mechanisms[i].name, label) == 0)
      return w->sc->mechanisms[i].params;
  return NULL;
}

static int transition_init(salesim_world *w) {
  const salesim_transition_params *p = w->params;
  transition_state *s = w->state;
  s->A = entry(w, p->from);
  s->B = entry(w, p->to);
  if (s->A == NULL || s->B == NULL) {
    salesim_world_fail(w, SALESIM_EINVAL, "transition: no plan named %s or %s", p->from, p->to);
    return SALESIM_EINVAL;
  }
  s->k = p->switch_month;
  s->ann = p->switch_month - p->announce_months;
  s->hh_end = p->switch_month + p->hold_harmless_months;
  s->window_end = p->switch_month + 12;
  s->rank_id = malloc((size_t)w->n_agents * sizeof *s->rank_id);
  s->fifth = calloc((size_t)w->n_agents, 1);
  s->gone = calloc((size_t)w->n_agents, 1);
  if (s->rank_id == NULL || s->fifth == NULL || s->gone == NULL) {
    salesim_world_fail(w, SALESIM_ENOMEM, "transition: out of memory for %d slots", w->n_agents);
    return SALESIM_ENOMEM;
  }
  for (int i = 0; i < w->n_agents; i++)
    s->rank_id[i] = -1;
  return 0;
}

static void transition_fini(salesim_world *w) {
  transition_state *s = w->state;
  free(s->rank_id);
  free(s->fifth);
  free(s->gone);
  s->rank_id = NULL;
  s->fifth = s->gone = NULL;
}

/* ---- setting a period ---------------------------------------------------- */

/* The annual target under the plan in force: the firm's rule, less (under
 * B, for a rep with grandfathered accounts and a target rule that counts
 * the book) the part of the target the grandfathered book makes up: those
 * accounts are outside B, neither credited nor in its quota. */
static double annual_target(const salesim_world *w, const salesim_agent *a, int month) {
  const transition_state *s = w->state;
  double T = salesim_world_rule_target(w, a);
  const transition_agent *t = ta_const(w, a);
  if (month >= s->k && t->gf_book > 0 && w->sc->firm.target_rule != SALESIM_TARGET_FIXED) {
    double gf = t->gf_book < a->book ? t->gf_book : a->book;
    T -= w->sc->firm.book_factor * 12.0 * gf;
    if (T < 0)
      T = 0;
  }
  return T;
}

/* The plan in force in run month `month` and plan-year month `miy`: A
 * before the switch, B after (with the guarantee while t->hh and before
 * hh_end); a full year's plan prorated from miy (salesim_plan_set_for). */
static int set_plan(salesim_world *w, salesim_agent *a, int month, int miy) {
  transition_state *s = w->state;
  transition_agent *t = ta(w, a);
  const salesim_plan_params *P = month >= s->k ? s->B : s->A;
  int rc = salesim_plan_set_for(w, a, P, &t->plan, miy, annual_target(w, a, month));
  if (rc != 0)
    return rc;
  int len = salesim_plan_period_len(P, w->sc->months_per_year);
  t->period_start = month;
  t->covered = len - miy % len;
  if (month >= s->k && t->hh && month < s->hh_end) {
    t->hh_const_paid = 0;
    rc = salesim_transition_schedule(&a->sched, s->B, s->A, t->plan.period_target,
                                     (double)t->covered / w->sc->months_per_year, t->covered);
    if (rc != 0)
      salesim_world_fail(w, rc, "transition: the hold-harmless schedule of slot %d has too many "
                                "breakpoints",
                         (int)(a - w->agents));
  } else
    t->hh = 0;
  return rc;
}

/* The next period of the plan in force, a full one (a period other than
 * the year's last ended). */
static int next_period(salesim_world *w, salesim_agent *a, int month) {
  transition_state *s = w->state;
  transition_agent *t = ta(w, a);
  const salesim_plan_params *P = month >= s->k ? s->B : s->A;
  int len = salesim_plan_period_len(P, w->sc->months_per_year);
  int rc = salesim_plan_set_period_for(w, a, P, &t->plan, len, annual_target(w, a, month));
  if (rc != 0)
    return rc;
  t->period_start = month;
  t->covered = len;
  if (month >= s->k && t->hh && month < s->hh_end) {
    t->hh_const_paid = 0;
    rc = salesim_transition_schedule(&a->sched, s->B, s->A, t->plan.period_target,
                                     (double)len / w->sc->months_per_year, len);
    if (rc != 0)
      salesim_world_fail(w, rc, "transition: the hold-harmless schedule of slot %d has too many "
                                "breakpoints",
                         (int)(a - w->agents));
  } else
    t->hh = 0;
  return rc;
}

/* Variable pay of the current period paid so far (as earned), for the
 * stub settlement. */
static double paid_so_far(const salesim_plan_params *P, const salesim_agent *a,
                          const transition_agent *t) {
  if (P->payment != SALESIM_PLAN_AS_EARNED)
    return 0;
  double a0 = salesim_schedule_eval(&a->sched, 0);
  return salesim_schedule_eval(&a->sched, a->credit_period) - a0 + (t->hh_const_paid ? a0 : 0);
}

/* Settle the current period early at the end of this month (elapsed
 * months since its start) under P (old: the guarantee's other plan). */
static int settle_stub(salesim_world *w, salesim_agent *a, const salesim_plan_params *P,
                       const salesim_plan_params *old) {
  transition_agent *t = ta(w, a);
  int elapsed = w->month + 1 - t->period_start;
  double due;
  int rc = salesim_transition_stub_due(P, old, t->plan.period_target, t->covered, elapsed,
                                       w->sc->months_per_year, a->credit_period,
                                       paid_so_far(P, a, t), &due);
  if (rc != 0) {
    salesim_world_fail(w, rc, "transition: the stub settlement of slot %d cannot be built",
                       (int)(a - w->agents));
    return rc;
  }
  if (due != 0)
    salesim_world_pay(w, a, due, 1);
  return 0;
}

/* ---- hooks --------------------------------------------------------------- */

static int transition_year_start(salesim_world *w) {
  for (int i = 0; i < w->n_agents; i++)
    if (w->agents[i].status != SALESIM_AGENT_VACANT) {
      int rc = set_plan(w, &w->agents[i], w->month, w->month_in_year);
      if (rc != 0)
        return rc;
    }
  return 0;
}

static int transition_hire(salesim_world *w, salesim_agent *a) {
  ta(w, a)->hh = 0; /* a hire after the switch was never under A */
  return set_plan(w, a, w->month, w->month_in_year);
}

/* The expected marginal pay of credit in the period of plan B that starts
 * in run month `start` (with the guarantee if hh), at the rep's expected
 * attainment: the after_value of credit that lands there. */
static double after_value_from(const salesim_world *w, const salesim_agent *a, int start,
                               int hh) {
  const transition_state *s = w->state;
  int mpy = w->sc->months_per_year;
  int miy = (w->month_in_year + (start - w->month)) % mpy;
  int len = salesim_plan_period_len(s->B, mpy), left = len - miy % len;
  double target = annual_target(w, a, start) * left / mpy;
  salesim_schedule sb;
  if (salesim_transition_schedule(&sb, s->B, hh ? s->A : NULL, target, (double)left / mpy,
                                  left) != 0)
    return 0; /* the check refuses such plans */
  if (s->B->payment == SALESIM_PLAN_AS_EARNED && salesim_schedule_is_linear(&sb) && sb.a == 0)
    return sb.b;
  return salesim_world_after_value(&sb, target, a->exp_att, a->sd_att, target);
}

static int transition_incentive(const salesim_world *w, const salesim_agent *a,
                                salesim_incentive *inc) {
  const transition_state *s = w->state;
  const salesim_transition_params *p = w->params;
  const transition_agent *t = ta_const(w, a);
  if (w->month < s->k) {
    salesim_plan_incentive_for(w, a, s->A, &t->plan, inc);
    if (w->month >= s->ann) { /* announced: A ends at the switch */
      int to_switch = s->k - w->month;
      if (inc->period_months <= 0 || inc->months_left >= to_switch) {
        if (inc->period_months <= 0)
          inc->period_months = to_switch;
        inc->months_left = to_switch;
        inc->after_value = after_value_from(w, a, s->k, p->hold_harmless_months > 0);
      }
      int d = to_switch < SALESIM_MAX_HORIZON ? to_switch : SALESIM_MAX_HORIZON;
      if (p->transition_payment > 0)
        inc->lump_value = p->transition_payment * w->dpow[d];
      /* the agent's plan runs over its horizon H at one base a month (A's,
       * decision.c); from the switch B's base is paid: the difference over
       * the horizon's months after the switch, discounted as the decision
       * discounts base (w->disc), is money effort does not change */
      int H = w->sc->population.horizon_months;
      if (H > SALESIM_MAX_HORIZON)
        H = SALESIM_MAX_HORIZON;
      if (w->sc->production.mode != SALESIM_MODE_LINEAR && H > d && s->B->base != s->A->base)
        inc->lump_value += (s->B->base - s->A->base) * (w->disc[H] - w->disc[d]);
    }
    return 0;
  }
  salesim_plan_incentive_for(w, a, s->B, &t->plan, inc);
  if (t->hh && w->month < s->hh_end) {
    /* the guarantee ends inside B's period: that part ends there */
    int to_end = s->hh_end - w->month;
    if (inc->period_months > 0 && inc->months_left > to_end) {
      inc->months_left = to_end;
      inc->after_value = after_value_from(w, a, s->hh_end, 0);
    } else if (inc->period_months <= 0) {
      inc->period_months = to_end;
      inc->months_left = to_end;
      inc->after_value = after_value_from(w, a, s->hh_end, 0);
    }
  }
  if (t->gf_book > 0 && a->book > 0) {
    double gf = t->gf_book < a->book ? t->gf_book : a->book;
    inc->book_credit *= 1 - gf / a->book;
    /* A's book rate on the grandfathered accounts over the plan's months,
     * as they churn at the base rate, discounted: money effort does not
     * change here (farming's effect on it is left out) */
    double rate = salesim_transition_book_rate(s->A);
    int M = inc->period_months > 0 ? inc->months_left : w->sc->population.horizon_months;
    if (M < 1)
      M = 1;
    if (M > SALESIM_MAX_HORIZON)
      M = SALESIM_MAX_HORIZON;
    if (rate > 0)
      inc->lump_value += rate * gf * w->book_keep_d[M];
  }
  return 0;
}

static int transition_month_pay(salesim_world *w, salesim_agent *a, const salesim_outcome *o) {
  transition_state *s = w->state;
  transition_agent *t = ta(w, a);
  const salesim_plan_params *P = w->month >= s->k ? s->B : s->A;
  if (t->hh && P == s->B && P->payment == SALESIM_PLAN_AS_EARNED && !t->hh_const_paid) {
    double a0 = salesim_schedule_eval(&a->sched, 0); /* guaranteed at no credit */
    if (a0 > 0)
      salesim_world_pay(w, a, a0, 1);
    t->hh_const_paid = 1;
  }
  salesim_plan_month_pay_for(w, a, P, &t->plan, o);
  if (t->payment_due) {
    const salesim_transition_params *p = w->params;
    salesim_world_pay(w, a, p->transition_payment, 0);
    s->payments += p->transition_payment;
    t->payment_due = 0;
  }
  if (w->month >= s->k && t->gf_book > 0) {
    double rev = t->gf_book < o->revenue_book ? t->gf_book : o->revenue_book;
    double rate = salesim_transition_book_rate(s->A);
    if (rev > 0 && rate > 0)
      salesim_world_pay(w, a, rate * rev, 1);
  }
  if (w->month < s->ann && w->month >= s->ann - 12)
    t->credit_pre += o->credit;
  if (w->month >= s->k && w->month < s->k + 12 && t->at_switch) {
    t->new_after += o->revenue_new;
    t->book_after += o->revenue_book;
    t->months_after++;
  }
  return 0;
}

/* The ranking by credit before the announcement, at the end of month
 * ann - 1 (the people in post then). */
static int rank(salesim_world *w) {
  transition_state *s = w->state;
  int n = 0;
  int *idx = malloc((size_t)w->n_agents * sizeof *idx);
  if (idx == NULL) {
    salesim_world_fail(w, SALESIM_ENOMEM, "transition: out of memory ranking %d slots",
                       w->n_agents);
    return SALESIM_ENOMEM;
  }
  for (int i = 0; i < w->n_agents; i++)
    if (w->agents[i].status == SALESIM_AGENT_ACTIVE)
      idx[n++] = i;
  for (int i = 1; i < n; i++) /* by credit, highest first; slot order on ties */
    for (int j = i; j > 0; j--) {
      double cj = ta(w, &w->agents[idx[j]])->credit_pre;
      double cp = ta(w, &w->agents[idx[j - 1]])->credit_pre;
      if (cj > cp) {
        int x = idx[j];
        idx[j] = idx[j - 1];
        idx[j - 1] = x;
      } else
        break;
    }
  for (int r = 0; r < n; r++) {
    int i = idx[r], f = 1 + (5 * r) / n;
    s->rank_id[i] = w->agents[i].id;
    s->fifth[i] = (signed char)f;
    s->in_fifth[f - 1] += 1;
  }
  s->ranked = n > 0;
  free(idx);
  return 0;
}

/* Who of the ranked people has left since the last look; count them when
 * `count` (in the window), else drop them from their fifth (they left
 * before the announcement took effect). */
static void look_for_leavers(salesim_world *w, int count) {
  transition_state *s = w->state;
  for (int i = 0; i < w->n_agents; i++) {
    if (s->rank_id[i] < 0 || s->gone[i])
      continue;
    const salesim_agent *a = &w->agents[i];
    if (a->status != SALESIM_AGENT_VACANT && a->id == s->rank_id[i])
      continue;
    s->gone[i] = 1;
    if (count)
      s->left_fifth[s->fifth[i] - 1] += 1;
    else
      s->in_fifth[s->fifth[i] - 1] -= 1;
  }
}

static int window_stats(salesim_world *w) {
  transition_state *s = w->state;
  int m = w->month;
  if (m >= s->ann && m <= s->window_end && s->ranked)
    look_for_leavers(w, m > s->ann);
  if (m >= s->ann && m < s->window_end) {
    double sum = 0, sum2 = 0, n = 0;
    for (int i = 0; i < w->n_agents; i++)
      if (w->agents[i].status == SALESIM_AGENT_ACTIVE) {
        double x = w->agents[i].last_pay;
        sum += x, sum2 += x * x, n += 1;
      }
    if (n > 1 && sum > 0) {
      double mean = sum / n, var = (sum2 - n * mean * mean) / (n - 1);
      s->cv_sum += sqrt(var > 0 ? var : 0) / mean;
      s->cv_n += 1;
    }
  }
  double pushed = w->ledger.pushed - s->prev_pushed, pulled = w->ledger.pulled - s->prev_pulled;
  if (m == s->k - 1)
    s->pushed += pushed;
  if (m >= s->k - 3 && m < s->k)
    s->pulled += pulled;
  s->prev_pushed = w->ledger.pushed;
  s->prev_pulled = w->ledger.pulled;
  return m == s->ann - 1 ? rank(w) : 0;
}

static int transition_month_end(salesim_world *w) {
  transition_state *s = w->state;
  const salesim_transition_params *p = w->params;
  int mpy = w->sc->months_per_year, next = w->month + 1, miy_next = (w->month_in_year + 1) % mpy;
  int rc0 = window_stats(w);
  if (rc0 != 0)
    return rc0;
  const salesim_plan_params *P = w->month >= s->k ? s->B : s->A;
  int turns = salesim_plan_period_turns(w, P);
  double churn = w->sc->production.churn, fe = w->sc->production.farm_effect;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    transition_agent *t = ta(w, a);
    int rc = 0;
    if (t->gf_book > 0) {
      t->gf_book *= 1 - churn * exp(-fe * a->farm);
      if (t->gf_book > a->book)
        t->gf_book = a->book;
    }
    if (next == s->k) { /* the switch */
      rc = settle_stub(w, a, s->A, NULL);
      if (rc == 0) {
        a->credit_period = 0;
        t->at_switch = 1;
        t->hh = p->hold_harmless_months > 0;
        t->payment_due = p->transition_payment > 0;
        t->gf_book = p->grandfather_accounts ? a->book : 0;
        rc = set_plan(w, a, next, miy_next);
      }
    } else if (next == s->hh_end && t->hh) { /* the guarantee ends */
      rc = settle_stub(w, a, s->B, s->A);
      if (rc == 0) {
        a->credit_period = 0;
        t->hh = 0;
        rc = set_plan(w, a, next, miy_next);
      }
    } else if (turns) {
      a->credit_period = 0;
      rc = next_period(w, a, next);
    }
    if (rc != 0)
      return rc;
  }
  return 0;
}

#define LEVEL SALESIM_METRIC_KIND_LEVEL
static const salesim_metric_decl transition_metrics[M_COUNT] = {
    [M_LEFT1] = {{"transition_left_fifth1", "Transition window: leavers, top fifth by credit",
                  "share", -1},
                 LEVEL,
                 "Left, top fifth"},
    [M_LEFT2] = {{"transition_left_fifth2", "Transition window: leavers, second fifth", "share",
                  -1},
                 LEVEL,
                 "Left, 2nd fifth"},
    [M_LEFT3] = {{"transition_left_fifth3", "Transition window: leavers, middle fifth", "share",
                  -1},
                 LEVEL,
                 "Left, 3rd fifth"},
    [M_LEFT4] = {{"transition_left_fifth4", "Transition window: leavers, fourth fifth", "share",
                  -1},
                 LEVEL,
                 "Left, 4th fifth"},
    [M_LEFT5] = {{"transition_left_fifth5", "Transition window: leavers, bottom fifth by credit",
                  "share", 0},
                 LEVEL,
                 "Left, bottom fifth"},
    [M_MORE] = {{"transition_more_under_new",
                 "Share of reps who earn more under the new plan at their credit", "share", 0},
                LEVEL,
                "Earn more under new"},
    [M_LESS] = {{"transition_less_under_new",
                 "Share of reps who earn less under the new plan at their credit", "share", 0},
                LEVEL,
                "Earn less under new"},
    [M_PAY_CV] = {{"transition_pay_cv",
                   "Transition window: coefficient of variation of reps' monthly pay", "ratio",
                   0},
                  LEVEL,
                  "Pay CV in window"},
    [M_PUSHED] = {{"transition_pushed", "Deals pushed across the switch (its last month before)",
                   "deals", 0},
                  LEVEL,
                  "Pushed at switch"},
    [M_PULLED] = {{"transition_pulled", "Deals pulled in the three months before the switch",
                   "deals", 0},
                  LEVEL,
                  "Pulled before switch"},
    [M_PAYMENTS] = {{"transition_payments", "Transition payments paid", "currency", 0},
                    LEVEL,
                    "Transition payments"},
};
#undef LEVEL

/* A plan's pay over a year of credit X at annual target T, the credit
 * spread evenly over its periods (as the payout curve). */
static double year_pay(const salesim_plan_params *P, int mpy, double T, double X) {
  int len = salesim_plan_period_len(P, mpy);
  double periods = (double)mpy / len, share = (double)len / mpy;
  salesim_schedule sc;
  if (salesim_plan_compile(&sc, P, T * share, share) != 0)
    return NAN;
  return P->base * mpy + periods * salesim_schedule_eval(&sc, X / periods);
}

static int transition_report(salesim_world *w) {
  transition_state *s = w->state;
  int mpy = w->sc->months_per_year;
  if (s->ranked) {
    if (w->month >= s->ann && w->month <= s->window_end)
      look_for_leavers(w, 1); /* the last month's leavers */
    for (int f = 0; f < 5; f++)
      if (s->in_fifth[f] > 0)
        salesim_world_metric(w, M_LEFT1 + f, s->left_fifth[f] / s->in_fifth[f]);
  }
  double more = 0, less = 0, n = 0;
  for (int i = 0; i < w->n_agents; i++) {
    const salesim_agent *a = &w->agents[i];
    const transition_agent *t = ta(w, a);
    if (a->status == SALESIM_AGENT_VACANT || !t->at_switch || t->months_after <= 0)
      continue;
    /* the same sales, credited as each plan credits them */
    double f = (double)mpy / t->months_after;
    double xa = f * (t->new_after + salesim_plan_book_credit(s->A) * t->book_after);
    double xb = f * (t->new_after + salesim_plan_book_credit(s->B) * t->book_after);
    double T = salesim_world_rule_target(w, a);
    double pa = year_pay(s->A, mpy, T, xa), pb = year_pay(s->B, mpy, T, xb);
    if (!isfinite(pa) || !isfinite(pb))
      continue;
    n += 1;
    double tol = 1e-9 * (fabs(pa) + fabs(pb));
    more += pb > pa + tol;
    less += pb < pa - tol;
  }
  if (n > 0) {
    salesim_world_metric(w, M_MORE, more / n);
    salesim_world_metric(w, M_LESS, less / n);
  }
  if (s->cv_n > 0)
    salesim_world_metric(w, M_PAY_CV, s->cv_sum / s->cv_n);
  salesim_world_metric(w, M_PUSHED, s->pushed);
  salesim_world_metric(w, M_PULLED, s->pulled);
  salesim_world_metric(w, M_PAYMENTS, s->payments);
  return 0;
}

const salesim_mechanism_type salesim_mechanism_transition = {
    .version = SALESIM_MECHANISM_VERSION,
    .name = "transition",
    .summary = "Plan A until a month, plan B after (two plan entries), with announcement, "
               "hold-harmless, grandfathered accounts and a transition payment.",
    .params = &salesim_transition_table,
    .check = transition_check,
    .state_size = sizeof(transition_state),
    .agent_state_size = sizeof(transition_agent),
    .init = transition_init,
    .fini = transition_fini,
    .year_start = transition_year_start,
    .hire = transition_hire,
    .incentive = transition_incentive,
    .month_pay = transition_month_pay,
    .month_end = transition_month_end,
    .report = transition_report,
    .metrics = transition_metrics,
    .n_metrics = M_COUNT,
    .payout_curve = NULL,
};
