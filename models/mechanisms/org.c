/*
 * models/mechanisms/org.c: managers, teams, the split of a territory target among a
 * team, pay of reps and managers, and the year's territory accounts shared
 * by tender, top_down and forecast_bonus (see models/mechanisms/org.h for the rules).
 * Read next: models/mechanisms/tender.c.
 */
#include "org.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "fairdiv.h"
#include "streams.h"

#define INF ((double)INFINITY)

const salesim_dist salesim_org_default_ability = {SALESIM_DIST_LOGNORMAL, 1, 0.3, 0, INF};
const salesim_dist salesim_org_default_risk_aversion = {SALESIM_DIST_LOGNORMAL, 1e-6, 5e-7, 0,
                                                        INF};
const salesim_dist salesim_org_default_outside_wage = {SALESIM_DIST_NORMAL, 12000, 2500, 0, INF};
const salesim_points salesim_org_default_package = {2, {0, 20000000}, {160000, 280000}};
const salesim_points salesim_org_default_manager_curve = {3, {0.8, 1, 1.5}, {0, 1, 2}};
const salesim_vector salesim_org_default_salary = {1, {100000}};
const salesim_vector salesim_org_default_grade_tenure = {1, {0}};
const salesim_points salesim_org_default_rep_curve = {3, {0, 1, 1.5}, {0, 1, 3}};

/* Orphan books are cut into at most this many accounts per territory. */
#define ORG_MAX_ACCOUNTS 400

static int check_curve(const salesim_points *c, const char *where, const char *name,
                       salesim_diag *diag) {
  if (c->n < 2) {
    salesim_diag_add(diag, "%s.%s: %d point(s) (expected at least 2)", where, name, c->n);
    return 1;
  }
  for (int i = 1; i < c->n; i++)
    if (c->y[i] < c->y[i - 1]) {
      salesim_diag_add(diag, "%s.%s: value falls from %g to %g (expected non-decreasing)",
                       where, name, c->y[i - 1], c->y[i]);
      return 1;
    }
  return 0;
}

int salesim_org_check(const salesim_org_params *p, const char *where, salesim_diag *diag) {
  int bad = 0;
  if (p->rep_grade_tenure.n != p->rep_salary_by_grade.n) {
    salesim_diag_add(diag,
                     "%s.rep_grade_tenure: %d values but rep_salary_by_grade has %d (expected "
                     "the same length)",
                     where, p->rep_grade_tenure.n, p->rep_salary_by_grade.n);
    bad = 1;
  } else if (p->rep_grade_tenure.n > 0 && p->rep_grade_tenure.v[0] != 0) {
    salesim_diag_add(diag, "%s.rep_grade_tenure: first value is %g (expected 0)", where,
                     p->rep_grade_tenure.v[0]);
    bad = 1;
  }
  bad |= check_curve(&p->rep_curve, where, "rep_curve", diag);
  bad |= check_curve(&p->manager_curve, where, "manager_curve", diag);
  bad |= check_curve(&p->package, where, "package", diag);
  return bad ? SALESIM_ESCENARIO : 0;
}

/* ---- private views ---------------------------------------------------------- */

double salesim_org_normal(const salesim_world *w, int what, long i, long j, int year) {
  uint64_t b = ((uint64_t)SALESIM_STREAM_MANAGERS << 40) | ((uint64_t)what << 32) |
               (uint64_t)(uint32_t)year;
  uint64_t c = ((uint64_t)(uint32_t)i << 32) | (uint64_t)(uint32_t)j;
  double u = salesim_hash_uniform(w->seed, (uint64_t)w->rep, b, c);
  if (u < 1e-15)
    u = 1e-15;
  return gsl_cdf_ugaussian_Pinv(u);
}

double salesim_org_estimate(const salesim_world *w, int i, int k) {
  double sd = w->sc->territories.manager_estimate_sd;
  return w->terr[k].potential * exp(sd * salesim_org_normal(w, SALESIM_ORG_SEE_ESTIMATE, i, k, 0));
}

double salesim_org_package(const salesim_org_params *p, double target) {
  const salesim_points *c = &p->package;
  if (c->n == 1)
    return c->y[0];
  int i = 0;
  while (i + 2 < c->n && target > c->x[i + 1])
    i++;
  if (target < c->x[0])
    return c->y[0];
  double slope = (c->y[i + 1] - c->y[i]) / (c->x[i + 1] - c->x[i]);
  return fmax(0, c->y[i] + slope * (target - c->x[i]));
}

void salesim_org_belief(const salesim_world *w, const salesim_org *o, int i, int k,
                        double *mean, double *sd) {
  const salesim_manager *m = &o->mgr[i];
  double est = salesim_org_estimate(w, i, k);
  double newb = o->phi_new * m->mult * est;
  double book = o->phi_book * 12.0 * o->terr[k].book_start;
  double esd = w->sc->territories.manager_estimate_sd;
  *mean = newb + book;
  double a = esd * newb, b = o->p->sales_cv * *mean;
  *sd = sqrt(a * a + b * b);
}

double salesim_org_fixed(const salesim_org_params *p, double firm_target) {
  return p->manager_fixed_share * salesim_org_package(p, firm_target);
}

double salesim_org_variable(const salesim_org_params *p, double target) {
  return (1 - p->manager_fixed_share) * salesim_org_package(p, target);
}

double salesim_org_manager_ce(const salesim_org *o, int i, double target, double fixed,
                              double variable, double mean, double sd) {
  const salesim_org_params *p = o->p;
  salesim_schedule s;
  salesim_schedule_from_points(&s, &p->manager_curve, target, variable);
  double slope = 0;
  double e = salesim_schedule_expect(&s, mean, sd, &slope);
  return fixed + e - 0.5 * o->mgr[i].risk_aversion * slope * slope * sd * sd;
}

double salesim_org_split(double target, double team_book, int n, double new_total,
                         double book_r) {
  double base = 12.0 * team_book + new_total;
  if (!(base > 0) || n < 1)
    return n >= 1 ? target / n : target;
  return target * (12.0 * book_r + new_total / n) / base;
}

double salesim_org_rep_salary(const salesim_org_params *p, const salesim_agent *a) {
  int g = 0;
  for (int i = 0; i < p->rep_grade_tenure.n; i++)
    if (a->tenure >= p->rep_grade_tenure.v[i])
      g = i;
  return p->rep_salary_by_grade.v[g];
}

/* ---- set-up ------------------------------------------------------------------ */

salesim_org *salesim_org_of(salesim_world *w) { return (salesim_org *)w->state; }

/* a rep's plan (the per-agent state of tender, top_down, forecast_bonus) */
static inline salesim_org_agent *oa(salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state(w, a);
}

static inline const salesim_org_agent *oa_const(const salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state_const(w, a);
}

int salesim_org_init(salesim_org *o, salesim_world *w, const salesim_org_params *p) {
  memset(o, 0, sizeof *o);
  o->p = p;
  o->n_terr = w->n_terr;
  o->n_mgr = p->managers > 0 ? p->managers : 2 * w->n_terr;
  o->mgr = calloc((size_t)o->n_mgr, sizeof *o->mgr);
  o->terr = calloc((size_t)w->n_terr, sizeof *o->terr);
  o->members = malloc((size_t)(w->n_agents > 0 ? w->n_agents : 1) * sizeof *o->members);
  o->acc_cap = ORG_MAX_ACCOUNTS;
  o->acc_rev = malloc((size_t)o->acc_cap * sizeof *o->acc_rev);
  o->acc_v0 = malloc((size_t)o->acc_cap * sizeof *o->acc_v0);
  o->acc_v1 = malloc((size_t)o->acc_cap * sizeof *o->acc_v1);
  o->acc_bundle = malloc((size_t)o->acc_cap * sizeof *o->acc_bundle);
  o->acc_owner = malloc((size_t)o->acc_cap * sizeof *o->acc_owner);
  o->acc_idx = malloc((size_t)o->acc_cap * sizeof *o->acc_idx);
  o->bundle_rev = malloc((size_t)(w->n_agents > 0 ? w->n_agents : 1) * sizeof *o->bundle_rev);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  if (!o->mgr || !o->terr || !o->members || !o->acc_rev || !o->acc_v0 || !o->acc_v1 ||
      !o->acc_bundle || !o->acc_owner || !o->acc_idx || !o->bundle_rev || !r) {
    gsl_rng_free(r);
    salesim_org_fini(o);
    return SALESIM_ENOMEM;
  }
  /* the same managers under every mechanism with the same settings */
  for (int i = 0; i < o->n_mgr; i++) {
    salesim_manager *m = &o->mgr[i];
    salesim_stream_seed(r, w->seed, (uint64_t)w->rep, SALESIM_STREAM_MANAGERS, (uint64_t)i);
    m->ability = fmax(1e-6, salesim_dist_draw(&p->manager_ability, r));
    m->risk_aversion = fmax(0, salesim_dist_draw(&p->manager_risk_aversion, r));
    m->outside_wage = fmax(0, salesim_dist_draw(&p->manager_outside_wage, r));
    m->mult = pow(m->ability, p->manager_effect);
    m->territory = -1;
  }
  gsl_rng_free(r);
  for (int k = 0; k < w->n_terr; k++)
    o->terr[k].manager = -1;
  o->phi_new = p->prior_new_share;
  /* prior of the book's yearly realisation: a year of base churn */
  o->phi_book = w->book_keep[12] / 12.0;
  if (!(o->phi_book > 0))
    o->phi_book = 1;
  if (p->table == SALESIM_ORG_TABLE_ALL || (p->table == SALESIM_ORG_TABLE_FIRST && w->rep == 0)) {
    static const char *const cols[] = {
        "replication", "year",        "territory",      "potential",   "firm_estimate",
        "firm_target", "posted_target", "bids",         "winning_bid", "target",
        "manager",     "manager_ability", "team_size",  "bargaining_rounds",
        "realised_sales", "attainment"};
    int rc = salesim_table_alloc(&o->table, "tender_territories",
                                 (int)(sizeof cols / sizeof cols[0]), cols);
    if (rc != 0) {
      salesim_org_fini(o);
      return rc;
    }
  }
  return 0;
}

void salesim_org_fini(salesim_org *o) {
  if (o == NULL)
    return;
  free(o->mgr);
  free(o->terr);
  free(o->members);
  free(o->acc_rev);
  free(o->acc_v0);
  free(o->acc_v1);
  free(o->acc_bundle);
  free(o->acc_owner);
  free(o->acc_idx);
  free(o->bundle_rev);
  salesim_table_free(o->table);
  memset(o, 0, sizeof *o);
}

/* ---- plan year ---------------------------------------------------------------- */

void salesim_org_year_begin(salesim_world *w, salesim_org *o) {
  const salesim_firm *firm = &w->sc->firm;
  for (int k = 0; k < w->n_terr; k++) {
    salesim_org_terr *t = &o->terr[k];
    t->book_start = w->terr[k].orphan_book;
  }
  for (int i = 0; i < w->n_agents; i++) {
    const salesim_agent *a = &w->agents[i];
    if (a->status != SALESIM_AGENT_VACANT)
      o->terr[a->territory].book_start += a->book;
  }
  for (int k = 0; k < w->n_terr; k++) {
    salesim_org_terr *t = &o->terr[k];
    t->firm_target =
        firm->potential_share * w->terr[k].est_firm + firm->book_factor * 12.0 * t->book_start;
    t->posted = t->target = t->firm_target;
    t->bid = NAN;
    t->mu = NAN;
    t->kind = SALESIM_ORG_KIND_FALLBACK;
    t->team_sales = t->team_new = t->all_new = t->all_book = 0;
    t->team = t->bids = t->rounds = 0;
    t->new_share = 0;
    t->scale = 1;
  }
}

/* firm's view of manager ability, sorted descending */
typedef struct keyed {
  double key;
  int who;
} keyed;

static int by_key_desc(const void *x, const void *y) {
  const keyed *a = x, *b = y;
  if (a->key != b->key)
    return a->key < b->key ? 1 : -1;
  return (a->who > b->who) - (a->who < b->who);
}

int salesim_org_appoint(salesim_world *w, salesim_org *o) {
  keyed *mk = malloc((size_t)o->n_mgr * sizeof *mk);
  keyed *tk = malloc((size_t)w->n_terr * sizeof *tk);
  if (mk == NULL || tk == NULL) {
    free(mk);
    free(tk);
    salesim_world_fail(w, SALESIM_ENOMEM, "year %d: out of memory appointing managers",
                       w->year + 1);
    return SALESIM_ENOMEM;
  }
  int nm = 0, nt = 0;
  for (int i = 0; i < o->n_mgr; i++) {
    if (o->mgr[i].territory >= 0)
      continue;
    mk[nm].key = o->mgr[i].ability *
                 exp(o->p->firm_view_sd * salesim_org_normal(w, SALESIM_ORG_SEE_FIRM, i, 0, 0));
    mk[nm++].who = i;
  }
  for (int k = 0; k < w->n_terr; k++) {
    if (o->terr[k].manager >= 0)
      continue;
    tk[nt].key = o->terr[k].firm_target;
    tk[nt++].who = k;
  }
  qsort(mk, (size_t)nm, sizeof *mk, by_key_desc);
  qsort(tk, (size_t)nt, sizeof *tk, by_key_desc);
  int n = nt < nm ? nt : nm;
  for (int j = 0; j < n; j++) {
    o->terr[tk[j].who].manager = mk[j].who;
    o->mgr[mk[j].who].territory = tk[j].who;
  }
  free(mk);
  free(tk);
  return n;
}

/* ---- accounts ------------------------------------------------------------------ */

static double taste(const salesim_world *w, const salesim_org *o, const salesim_agent *a, int k,
                    int acc) {
  return exp(o->p->account_taste_sd *
             salesim_org_normal(w, SALESIM_ORG_SEE_TASTE, a->id, (long)k * 4096 + acc, w->year));
}

static int by_rev_desc(const void *x, const void *y, const double *rev) {
  int a = *(const int *)x, b = *(const int *)y;
  if (rev[a] != rev[b])
    return rev[a] < rev[b] ? 1 : -1;
  return (a > b) - (a < b);
}

/* insertion sort of account indices by revenue (small n; qsort has no
 * context argument in C11) */
static void sort_accounts(int *idx, int n, const double *rev) {
  for (int i = 1; i < n; i++) {
    int v = idx[i], j = i - 1;
    while (j >= 0 && by_rev_desc(&idx[j], &v, rev) > 0) {
      idx[j + 1] = idx[j];
      j--;
    }
    idx[j + 1] = v;
  }
}

/* Hand territory k's orphan accounts to its n members (slots in members[]):
 * cut into accounts, dealt by the manager in equal-revenue shares (longest
 * first to the lightest share); with cut_choose each pair of members
 * (senior first) re-splits the union of its two shares by cut-and-choose.
 * Envy within pairs is counted either way. */
static int hand_out_accounts(salesim_world *w, salesim_org *o, int k, const int *members,
                             int n) {
  salesim_territory *tr = &w->terr[k];
  double orphan = tr->orphan_book;
  if (!(orphan > 0) || n <= 0)
    return 0;
  tr->orphan_book = 0;
  if (n == 1) {
    w->agents[members[0]].book += orphan;
    return 0;
  }
  const salesim_production *prod = &w->sc->production;
  double unit = prod->account_share * w->deal_mean;
  int na = unit > 0 ? (int)ceil(orphan / unit) : 1;
  if (na > o->acc_cap)
    na = o->acc_cap;
  if (na < 1)
    na = 1;
  double sum = 0;
  for (int j = 0; j < na; j++) {
    o->acc_rev[j] = fmax(1e-9, salesim_dist_draw(&prod->deal_value, w->rng_mech));
    sum += o->acc_rev[j];
  }
  for (int j = 0; j < na; j++) {
    o->acc_rev[j] *= orphan / sum;
    o->acc_idx[j] = j;
  }
  /* the manager's deal: longest processing time first */
  sort_accounts(o->acc_idx, na, o->acc_rev);
  for (int b = 0; b < n; b++)
    o->bundle_rev[b] = 0;
  for (int q = 0; q < na; q++) {
    int j = o->acc_idx[q], best = 0;
    for (int b = 1; b < n; b++)
      if (o->bundle_rev[b] < o->bundle_rev[best])
        best = b;
    o->acc_bundle[j] = best;
    o->bundle_rev[best] += o->acc_rev[j];
  }
  /* pairs (members sorted by tenure, senior first, by the caller) */
  for (int pr = 0; pr + 1 < n; pr += 2) {
    salesim_agent *s = &w->agents[members[pr]], *c = &w->agents[members[pr + 1]];
    int m = 0;
    for (int j = 0; j < na; j++)
      if (o->acc_bundle[j] == pr || o->acc_bundle[j] == pr + 1) {
        o->acc_idx[m] = j;
        o->acc_v0[m] = o->acc_rev[j] * taste(w, o, s, k, j);
        o->acc_v1[m] = o->acc_rev[j] * taste(w, o, c, k, j);
        m++;
      }
    if (o->p->cut_choose && m > 0) {
      salesim_cut_choose cc;
      int rc = salesim_fairdiv_cut_choose(m, o->acc_v0, o->acc_v1, SALESIM_FAIRDIV_AUTO,
                                          o->acc_owner, &cc);
      if (rc != 0) { /* not a reason to keep the accounts where they were */
        salesim_world_fail(w, rc, "year %d: cut-and-choose of orphan accounts failed",
                           w->year + 1);
        return rc;
      }
      {
        for (int q = 0; q < m; q++)
          o->acc_bundle[o->acc_idx[q]] = o->acc_owner[q] ? pr + 1 : pr;
        o->splits += 1;
        o->chooser_envy += cc.chooser_other > cc.chooser_share * (1 + 1e-12);
        o->splitter_short += cc.splitter_share < cc.splitter_mms * (1 - 1e-12);
      }
    }
    /* envy in the pair, in each one's own values */
    double s_own = 0, s_other = 0, c_own = 0, c_other = 0;
    for (int q = 0; q < m; q++) {
      int mine = o->acc_bundle[o->acc_idx[q]] == pr;
      s_own += mine ? o->acc_v0[q] : 0;
      s_other += mine ? 0 : o->acc_v0[q];
      c_own += mine ? 0 : o->acc_v1[q];
      c_other += mine ? o->acc_v1[q] : 0;
    }
    o->envy += (s_other > s_own * (1 + 1e-12)) + (c_other > c_own * (1 + 1e-12));
    o->envy_n += 2;
  }
  for (int j = 0; j < na; j++)
    w->agents[members[o->acc_bundle[j]]].book += o->acc_rev[j];
  return 0;
}

static int by_tenure_desc(const void *x, const void *y, const salesim_world *w) {
  const salesim_agent *a = &w->agents[*(const int *)x], *b = &w->agents[*(const int *)y];
  if (a->tenure != b->tenure)
    return a->tenure < b->tenure ? 1 : -1;
  return (*(const int *)x > *(const int *)y) - (*(const int *)x < *(const int *)y);
}

static void sort_by_tenure(int *idx, int n, const salesim_world *w) {
  for (int i = 1; i < n; i++) {
    int v = idx[i], j = i - 1;
    while (j >= 0 && by_tenure_desc(&idx[j], &v, w) > 0) {
      idx[j + 1] = idx[j];
      j--;
    }
    idx[j + 1] = v;
  }
}

/* ---- plans ----------------------------------------------------------------------- */

static int in_team(const salesim_org *o, const salesim_agent *a) {
  int m = o->terr[a->territory].manager;
  return m >= 0 && a->manager == m;
}

void salesim_org_rep_offer(const salesim_world *w, const salesim_org *o, const salesim_agent *a,
                           double target, double salary, salesim_schedule *sched,
                           salesim_incentive *inc) {
  const salesim_org_params *p = o->p;
  int mpy = w->sc->months_per_year;
  if (target < salary)
    target = salary;
  salesim_schedule_from_points(sched, &p->rep_curve, target, salary * (1 - p->rep_fixed_share));
  memset(inc, 0, sizeof *inc);
  inc->sched = sched;
  inc->base_month = salary * p->rep_fixed_share / 12.0;
  inc->period_months = mpy;
  inc->months_left = mpy;
  inc->credit_to_date = 0;
  inc->book_credit = 1;
  inc->after_value = salesim_schedule_slope(sched, target * 0.999);
  inc->assigned_accounts = 1;
  (void)a;
}

int salesim_org_rep_plan(salesim_world *w, salesim_org *o, salesim_agent *a) {
  const salesim_org_params *p = o->p;
  int mpy = w->sc->months_per_year;
  int left = mpy - w->month_in_year;
  double prorate = (double)left / mpy;
  double salary = salesim_org_rep_salary(p, a);
  double target;
  if (in_team(o, a)) {
    const salesim_org_terr *t = &o->terr[a->territory];
    target = t->scale * (12.0 * a->book + t->new_share) * prorate;
  } else {
    target = salesim_world_rule_target(w, a) * prorate;
  }
  if (target < salary * prorate)
    target = salary * prorate;
  a->target = target;
  a->target_pay = salary * prorate;
  salesim_org_agent *st = oa(w, a);
  st->base_month = salary * p->rep_fixed_share / 12.0;
  st->variable_full = salary * (1 - p->rep_fixed_share) * prorate;
  int rc = salesim_schedule_from_points(&a->sched, &p->rep_curve, a->target, st->variable_full);
  if (rc != 0)
    salesim_world_fail(w, rc, "%s: the rep payout curve of slot %d makes no schedule",
                       w->type->name, (int)(a - w->agents));
  return rc;
}

int salesim_org_hire(salesim_world *w, salesim_org *o, salesim_agent *a, int max_team) {
  int m = o->terr[a->territory].manager;
  a->manager = -1;
  if (m >= 0) {
    int n = 0;
    for (int i = 0; i < w->n_agents; i++) {
      const salesim_agent *b = &w->agents[i];
      if (b != a && b->status != SALESIM_AGENT_VACANT && b->territory == a->territory &&
          b->manager == m)
        n++;
    }
    if (max_team <= 0 || n < max_team)
      a->manager = m;
  }
  return salesim_org_rep_plan(w, o, a);
}

int salesim_org_start_plans(salesim_world *w, salesim_org *o) {
  const salesim_org_params *p = o->p;
  /* managers: lead multipliers and pay plans */
  for (int k = 0; k < w->n_terr; k++) {
    salesim_org_terr *t = &o->terr[k];
    w->terr[k].manager = t->manager;
    w->terr[k].lead_mult = t->manager >= 0 ? o->mgr[t->manager].mult : 1;
    salesim_world_territory_update(w, k);
    if (t->manager >= 0) {
      salesim_manager *m = &o->mgr[t->manager];
      m->territory = k;
      m->target = t->target;
      m->fixed_month = m->fixed_year / 12.0;
      int rc = salesim_schedule_from_points(&m->sched, &p->manager_curve, m->target, m->variable);
      if (rc != 0) {
        salesim_world_fail(w, rc, "%s: the manager payout curve makes no schedule",
                           w->type->name);
        return rc;
      }
    }
  }
  /* accounts of leavers and movers go to the people working the territory:
   * the team if it has one, else the house reps */
  for (int k = 0; k < w->n_terr; k++) {
    int n = 0, m = o->terr[k].manager;
    for (int i = 0; i < w->n_agents; i++) {
      const salesim_agent *a = &w->agents[i];
      if (a->status == SALESIM_AGENT_VACANT || a->territory != k)
        continue;
      if (m < 0 || a->manager == m)
        o->members[n++] = i;
    }
    if (n == 0 && m >= 0) /* a team nobody joined: any rep there */
      for (int i = 0; i < w->n_agents; i++) {
        const salesim_agent *a = &w->agents[i];
        if (a->status != SALESIM_AGENT_VACANT && a->territory == k)
          o->members[n++] = i;
      }
    sort_by_tenure(o->members, n, w);
    int rc = hand_out_accounts(w, o, k, o->members, n);
    if (rc != 0)
      return rc;
  }
  /* the manager's split of the target: a year of each member's own book,
   * plus an equal share of the new business asked beyond the team's book */
  for (int k = 0; k < w->n_terr; k++) {
    salesim_org_terr *t = &o->terr[k];
    t->team = 0;
    double book = 0;
    for (int i = 0; i < w->n_agents; i++) {
      const salesim_agent *a = &w->agents[i];
      if (a->status != SALESIM_AGENT_VACANT && a->territory == k && t->manager >= 0 &&
          a->manager == t->manager) {
        t->team++;
        book += a->book;
      }
    }
    double newb = t->manager >= 0 ? o->phi_new * o->mgr[t->manager].mult *
                                        salesim_org_estimate(w, t->manager, k)
                                  : 0;
    /* a team nobody joined yet: its first hire is asked for all of it */
    int n = t->team > 0 ? t->team : 1;
    double base = 12.0 * book + newb;
    t->new_share = newb / n;
    t->scale = base > 0 ? t->target / base : 0;
  }
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status != SALESIM_AGENT_VACANT) {
      int rc = salesim_org_rep_plan(w, o, a);
      if (rc != 0)
        return rc;
    }
  }
  return 0;
}

/* ---- the month -------------------------------------------------------------------- */

void salesim_org_incentive(const salesim_world *w, const salesim_org *o, const salesim_agent *a,
                           salesim_incentive *inc) {
  (void)o;
  int mpy = w->sc->months_per_year;
  inc->base_month = oa_const(w, a)->base_month;
  inc->period_months = mpy;
  inc->months_left = mpy - w->month_in_year;
  inc->credit_to_date = a->credit_period;
  inc->book_credit = 1;
  /* credit after the year counts toward next year's attainment, valued at
   * the curve's slope at target (as target_salary) */
  double slope1 = salesim_schedule_slope(&a->sched, a->target * 0.999);
  inc->after_value = slope1 * (double)(mpy - w->month_in_year) / mpy;
  inc->assigned_accounts = 1;
}

void salesim_org_month_pay(salesim_world *w, salesim_org *o, salesim_agent *a,
                           const salesim_outcome *out) {
  salesim_world_pay(w, a, oa(w, a)->base_month, 0);
  salesim_org_terr *t = &o->terr[a->territory];
  double book = out->credit - out->revenue_new;
  t->all_new += out->revenue_new;
  t->all_book += book;
  if (in_team(o, a)) {
    t->team_sales += out->credit;
    t->team_new += out->revenue_new;
  }
}

void salesim_org_month_end(salesim_world *w, salesim_org *o) {
  for (int k = 0; k < w->n_terr; k++) {
    int m = o->terr[k].manager;
    if (m >= 0) {
      salesim_world_pay_staff(w, o->mgr[m].fixed_month, 0);
      o->manager_pay += o->mgr[m].fixed_month;
    }
  }
}

int salesim_org_year_end(salesim_world *w, salesim_org *o) {
  const salesim_org_params *p = o->p;
  /* reps: the variable part on attainment */
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    salesim_world_pay(w, a, salesim_schedule_eval(&a->sched, a->credit_period), 1);
  }
  double obs_new = 0, base_new = 0, obs_book = 0, base_book = 0;
  for (int k = 0; k < w->n_terr; k++) {
    salesim_org_terr *t = &o->terr[k];
    const salesim_territory *tr = &w->terr[k];
    int m = t->manager;
    double sales = m >= 0 ? t->team_sales : t->all_new + t->all_book;
    /* managers: variable pay on the team's attainment, or the Gonik bonus */
    if (m >= 0) {
      salesim_manager *mg = &o->mgr[m];
      double pay;
      if (o->use_gonik && mg->firm_ref > 0)
        pay = mg->variable *
              salesim_forecast_payout(&o->gonik, t->target / mg->firm_ref, sales / mg->firm_ref);
      else
        pay = salesim_schedule_eval(&mg->sched, sales);
      salesim_world_pay_staff(w, pay, 1);
      o->manager_pay += pay;
    }
    if (sales > 0 && t->target > 0) {
      o->terr_err_sum += fabs(t->target - sales) / sales;
      o->terr_err_n += 1;
    }
    if (t->kind == SALESIM_ORG_KIND_BID) {
      o->winners += 1;
      o->cursed += sales < t->bid;
      double cap = tr->potential + 12.0 * t->book_start;
      if (cap > 0) {
        o->bid_pot_sum += t->bid / cap;
        o->bid_pot_n += 1;
      }
    } else if ((t->kind == SALESIM_ORG_KIND_FIRM || t->kind == SALESIM_ORG_KIND_FALLBACK) &&
               m >= 0) {
      o->blamed += sales < t->target; /* "the quota was too high" */
    }
    /* the public league table the managers learn from */
    obs_new += t->all_new;
    base_new += tr->lead_mult * tr->est_firm;
    obs_book += t->all_book;
    base_book += 12.0 * t->book_start;
    if (o->table) {
      double row[16] = {w->rep + 1, /* 1-based, as replications.csv */
                        w->year + 1,
                        k,
                        tr->potential,
                        tr->est_firm,
                        t->firm_target,
                        t->posted,
                        t->bids,
                        t->bid,
                        t->target,
                        m,
                        m >= 0 ? o->mgr[m].ability : NAN,
                        t->team,
                        t->rounds,
                        sales,
                        t->target > 0 ? sales / t->target : NAN};
      if (salesim_table_add(o->table, w->spec->name, row) != 0) {
        salesim_world_fail(w, SALESIM_ENOMEM, "out of memory for the table tender_territories");
        return SALESIM_ENOMEM;
      }
    }
  }
  double lr = p->learning_rate;
  if (base_new > 0)
    o->phi_new = (1 - lr) * o->phi_new + lr * obs_new / base_new;
  if (base_book > 0)
    o->phi_book = (1 - lr) * o->phi_book + lr * obs_book / base_book;
  o->years++;
  return 0;
}

static double ratio(double a, double b) { return b > 0 ? a / b : NAN; }

#define PER_YEAR SALESIM_METRIC_KIND_PER_YEAR
#define LEVEL SALESIM_METRIC_KIND_LEVEL
const salesim_metric_decl salesim_org_metrics[SALESIM_ORG_METRIC_COUNT] = {
    [SALESIM_ORG_METRIC_TERRITORY_TARGET_ERROR] =
        {{"territory_target_error", "Territory target error |target-sales|/sales", "share", -1},
         LEVEL},
    [SALESIM_ORG_METRIC_BID_TO_POTENTIAL] =
        {{"bid_to_potential", "Winning bid / true potential (new business + a year of book)",
          "ratio", 0},
         LEVEL},
    [SALESIM_ORG_METRIC_WINNERS_CURSE] =
        {{"winners_curse", "Winners who missed their own bid", "share", -1}, LEVEL},
    [SALESIM_ORG_METRIC_AWARDS_VOIDED] =
        {{"awards_voided", "Awards voided for lack of a team", "per year", -1}, PER_YEAR},
    [SALESIM_ORG_METRIC_TERRITORIES_UNFILLED] =
        {{"territories_unfilled", "Territories nobody won (top-down fallback)", "per year", -1},
         PER_YEAR},
    [SALESIM_ORG_METRIC_REPS_UNMATCHED] =
        {{"reps_unmatched", "Reps in no manager's team", "per year", 0}, PER_YEAR},
    [SALESIM_ORG_METRIC_PANEL_COST] =
        {{"panel_cost", "Review-panel cost", "currency/year", -1}, PER_YEAR},
    [SALESIM_ORG_METRIC_BARGAINING_COST] =
        {{"bargaining_cost", "Target-bargaining cost", "currency/year", -1}, PER_YEAR},
    [SALESIM_ORG_METRIC_BARGAINING_CUT] =
        {{"bargaining_cut", "Target cut by bargaining / firm's target", "share", -1}, LEVEL},
    [SALESIM_ORG_METRIC_BLAMED_MISSES] =
        {{"blamed_misses", "Missed firm-set targets blamed on the firm", "per year", -1},
         LEVEL}, /* per plan year played, set as such */
    [SALESIM_ORG_METRIC_MANAGER_PAY] =
        {{"manager_pay", "Territory managers' pay", "currency/year", 0}, PER_YEAR},
    [SALESIM_ORG_METRIC_ENVY_RATE] =
        {{"envy_rate", "Reps envying their partner's share of accounts", "share", -1}, LEVEL},
};
#undef PER_YEAR
#undef LEVEL

void salesim_org_report(salesim_world *w, salesim_org *o) {
  double years = o->years > 0 ? o->years : NAN;
  salesim_world_metric(w, SALESIM_ORG_METRIC_TERRITORY_TARGET_ERROR,
                       ratio(o->terr_err_sum, o->terr_err_n));
  salesim_world_metric(w, SALESIM_ORG_METRIC_BID_TO_POTENTIAL, ratio(o->bid_pot_sum, o->bid_pot_n));
  salesim_world_metric(w, SALESIM_ORG_METRIC_WINNERS_CURSE, ratio(o->cursed, o->winners));
  salesim_world_metric(w, SALESIM_ORG_METRIC_PANEL_COST, o->panel_cost);
  salesim_world_metric(w, SALESIM_ORG_METRIC_BARGAINING_COST, o->bargain_cost);
  salesim_world_metric(w, SALESIM_ORG_METRIC_BLAMED_MISSES, o->blamed / years);
  salesim_world_metric(w, SALESIM_ORG_METRIC_MANAGER_PAY, o->manager_pay);
  salesim_world_metric(w, SALESIM_ORG_METRIC_ENVY_RATE, ratio(o->envy, o->envy_n));
  if (o->table) {
    salesim_world_add_table(w, o->table); /* ownership passes, even on failure */
    o->table = NULL;
  }
}

int salesim_org_attach_and_start(salesim_world *w, salesim_org *o) {
  int unteamed = 0;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    a->manager = o->terr[a->territory].manager;
    if (a->status == SALESIM_AGENT_ACTIVE && a->manager < 0)
      unteamed++;
  }
  int rc = salesim_org_start_plans(w, o);
  return rc != 0 ? rc : unteamed;
}

/* ---- hooks for mechanisms whose state starts with a salesim_org ---------- */

int salesim_org_hook_incentive(const salesim_world *w, const salesim_agent *a,
                               salesim_incentive *inc) {
  salesim_org_incentive(w, (const salesim_org *)w->state, a, inc);
  return 0;
}

int salesim_org_hook_month_pay(salesim_world *w, salesim_agent *a, const salesim_outcome *out) {
  salesim_org_month_pay(w, (salesim_org *)w->state, a, out);
  return 0;
}

int salesim_org_hook_month_end(salesim_world *w) {
  salesim_org_month_end(w, (salesim_org *)w->state);
  return 0;
}
