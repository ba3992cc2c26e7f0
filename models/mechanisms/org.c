/*
 * models/mechanisms/org.c: the managed sales organisation shared by tender,
 * top_down and forecast_bonus (see models/mechanisms/org.h for the rules):
 * the settings' defaults and checks, what a person privately sees, a
 * manager's package and certainty equivalent, the split of a territory
 * target, the managers drawn at set-up, and the hooks those mechanisms
 * share.
 *
 * The module's files, in reading order:
 *   org.c           this file: settings, private views, set-up, shared hooks
 *   org_year.c      a plan year's start: the firm's targets, appointed
 *                   managers, orphan accounts handed out, every rep's plan
 *   org_pay.c       the month and the year end: pay of reps and managers,
 *                   the firm's learning, the territory table, the metrics
 *   org_internal.h  what those files share
 *
 * Read next: models/mechanisms/org_year.c.
 */
#include "org.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "org_internal.h"
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
  bad |= salesim_check_grades(&p->rep_salary_by_grade, &p->rep_grade_tenure, where,
                              "rep_salary_by_grade", "rep_grade_tenure", diag);
  bad |= check_curve(&p->rep_curve, where, "rep_curve", diag);
  bad |= check_curve(&p->manager_curve, where, "manager_curve", diag);
  bad |= check_curve(&p->package, where, "package", diag);
  return bad ? SALESIM_ESCENARIO : 0;
}

/* ---- private views ---------------------------------------------------------- */

double salesim_org_uniform(const salesim_world *w, int what, long i, long j, int year) {
  uint64_t b = ((uint64_t)SALESIM_STREAM_MANAGERS << 40) | ((uint64_t)what << 32) |
               (uint64_t)(uint32_t)year;
  uint64_t c = ((uint64_t)(uint32_t)i << 32) | (uint64_t)(uint32_t)j;
  return salesim_hash_uniform(w->seed, (uint64_t)w->rep, b, c);
}

double salesim_org_normal(const salesim_world *w, int what, long i, long j, int year) {
  double u = salesim_org_uniform(w, what, i, j, year);
  if (u < 1e-15)
    u = 1e-15;
  return gsl_cdf_ugaussian_Pinv(u);
}

/* Manager i's log error is manager_estimate_sd x (rho e_k + sqrt(1 - rho^2) z_ik):
 * e_k the firm's standardised log error in territory k (common to every
 * manager), z_ik the manager's own draw, rho = estimate_firm_corr. With
 * rho = 0 the signals are private and independent (the values before issue
 * 11, bit for bit). */
double salesim_org_estimate(const salesim_world *w, const salesim_org *o, int i, int k) {
  double sd = w->sc->territories.manager_estimate_sd;
  double z = salesim_org_normal(w, SALESIM_ORG_SEE_ESTIMATE, i, k, 0);
  double rho = o->p->estimate_firm_corr;
  if (rho != 0) {
    double fsd = w->sc->territories.firm_estimate_sd;
    const salesim_territory *t = &w->terr[k];
    double e = fsd > 0 && t->potential > 0 && t->est_firm > 0
                   ? log(t->est_firm / t->potential) / fsd
                   : 0;
    z = rho * e + sqrt(1 - rho * rho) * z;
  }
  return w->terr[k].potential * exp(sd * z);
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
  double est = salesim_org_estimate(w, o, i, k);
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
  return salesim_grade_salary(&p->rep_salary_by_grade, &p->rep_grade_tenure, a->tenure);
}

/* ---- set-up ------------------------------------------------------------------ */

salesim_org *salesim_org_of(salesim_world *w) { return (salesim_org *)w->state; }

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
        "realised_sales", "attainment", "expected_sales"};
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
