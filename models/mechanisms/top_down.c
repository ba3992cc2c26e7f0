/*
 * models/mechanisms/top_down.c: top-down targets (MODEL.md's top-down target rule;
 * DIGEST §1 Case B, what the tender replaces). Rules:
 *
 *  1. The firm appoints territory managers once (salesim_org_appoint: the
 *     best by its noisy view of ability get the largest territories); every
 *     rep of a territory is in its manager's team.
 *  2. Each plan year the firm sets a company target: the sum of its own rule
 *     targets in the first year (firm.potential_share x estimate + firm.
 *     book_factor x a year of book), company_growth x last year's sales
 *     after. It splits it across territories by the LP of models/
 *     target_lp.h: each territory near its estimate-based share, within
 *     [1 - max_cut, 1 + max_raise] x last year's sales. The manager's
 *     package is fixed by this allocation (salesim_org_package).
 *  3. Managers know more (their own estimate, salesim_org_belief) and
 *     bargain: in each round a manager argues the target down toward its
 *     claim, (1 - bargain_margin) x its own forecast of the team's sales;
 *     the firm concedes `concession` of the gap. A manager argues another
 *     round only while the gain in its certainty equivalent (same package,
 *     lower target) beats its own time cost manager_bargain_cost; each round
 *     costs the firm bargain_cost of management time (management cost), up
 *     to max_bargain_rounds.
 *  4. The team is paid on the manager's split of the bargained target, the
 *     manager on attainment against it (models/mechanisms/org.h). A manager whose team
 *     misses the target blames the target: a "blamed miss".
 *
 * Read next: models/mechanisms/forecast_bonus.c.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "org.h"
#include "target_lp.h"

typedef struct top_down_params {
  salesim_org_params org;
  double company_growth;
  double max_raise, max_cut;
  double bargain_margin, concession, bargain_cost, manager_bargain_cost;
  int max_bargain_rounds;
} top_down_params;

static const salesim_param_spec top_down_specs[] = {
    SALESIM_ORG_PARAM_SPECS(top_down_params),
    {"company_growth", SALESIM_P_DOUBLE, offsetof(top_down_params, company_growth), 1.05, NULL, 0,
     10, SALESIM_PF_MIN_EXCL, NULL, "ratio",
     "Company target as a multiple of last year's sales (the first year: the sum of the firm's "
     "rule targets)."},
    {"max_raise", SALESIM_P_DOUBLE, offsetof(top_down_params, max_raise), 0.3, NULL, 0, 100, 0,
     NULL, "share", "A territory's target is at most (1 + max_raise) x its sales last year."},
    {"max_cut", SALESIM_P_DOUBLE, offsetof(top_down_params, max_cut), 0.2, NULL, 0, 1, 0, NULL,
     "share", "A territory's target is at least (1 - max_cut) x its sales last year."},
    {"bargain_margin", SALESIM_P_DOUBLE, offsetof(top_down_params, bargain_margin), 0.1, NULL, 0,
     1, 0, NULL, "share",
     "Managers argue for (1 - bargain_margin) x their own forecast of the team's sales."},
    {"concession", SALESIM_P_DOUBLE, offsetof(top_down_params, concession), 0.3, NULL, 0, 1, 0,
     NULL, "share", "Share of the gap to the manager's claim the firm concedes per round."},
    {"bargain_cost", SALESIM_P_DOUBLE, offsetof(top_down_params, bargain_cost), 5000, NULL, 0,
     1e9, 0, NULL, "currency", "Firm's management time per bargaining round (management cost)."},
    {"manager_bargain_cost", SALESIM_P_DOUBLE, offsetof(top_down_params, manager_bargain_cost),
     2000, NULL, 0, 1e9, 0, NULL, "currency",
     "A manager's own cost of a bargaining round: it argues on only while a round gains more."},
    {"max_bargain_rounds", SALESIM_P_INT, offsetof(top_down_params, max_bargain_rounds), 5, NULL,
     0, 1000, 0, NULL, "rounds", "Most bargaining rounds the firm grants a territory per year."},
};

static const salesim_param_table top_down_table = {
    "top_down", top_down_specs, sizeof top_down_specs / sizeof top_down_specs[0],
    sizeof(top_down_params)};

static int top_down_check(const void *vp, const salesim_scenario *sc, const char *where,
                          salesim_diag *diag) {
  const top_down_params *p = vp;
  (void)sc;
  return salesim_org_check(&p->org, where, diag);
}

typedef struct top_down_state {
  salesim_org org; /* first: the salesim_org_hook_* hooks read it */
  const top_down_params *p;
  double *share, *lo, *hi, *alloc, *last;
  int have_last, appointed;
  double unmanaged, unteamed, split_failures;
} top_down_state;

static int top_down_init(salesim_world *w) {
  top_down_state *s = w->state;
  s->p = w->params;
  int rc = salesim_org_init(&s->org, w, &s->p->org);
  if (rc != 0)
    return rc;
  size_t n = (size_t)w->n_terr;
  s->share = malloc(n * sizeof *s->share);
  s->lo = malloc(n * sizeof *s->lo);
  s->hi = malloc(n * sizeof *s->hi);
  s->alloc = malloc(n * sizeof *s->alloc);
  s->last = malloc(n * sizeof *s->last);
  return s->share && s->lo && s->hi && s->alloc && s->last ? 0 : SALESIM_ENOMEM;
}

static void top_down_fini(salesim_world *w) {
  top_down_state *s = w->state;
  if (s == NULL)
    return;
  salesim_org_fini(&s->org);
  free(s->share);
  free(s->lo);
  free(s->hi);
  free(s->alloc);
  free(s->last);
}

/* The firm's split of the company target (step 2). */
static int split_company_target(salesim_world *w, top_down_state *s) {
  const top_down_params *p = s->p;
  salesim_org *o = &s->org;
  int n = w->n_terr;
  double est = 0, total = 0, sum_lo = 0, sum_hi = 0;
  for (int k = 0; k < n; k++)
    est += o->terr[k].firm_target;
  if (s->have_last) {
    for (int k = 0; k < n; k++)
      total += s->last[k];
    total *= p->company_growth;
  } else {
    total = est;
  }
  for (int k = 0; k < n; k++) {
    double sh = est > 0 ? total * o->terr[k].firm_target / est : total / n;
    s->share[k] = sh > 0 ? sh : 1.0;
    if (s->have_last) {
      s->lo[k] = fmax(0, (1 - p->max_cut) * s->last[k]);
      s->hi[k] = (1 + p->max_raise) * fmax(0, s->last[k]);
    } else {
      s->lo[k] = 0;
      s->hi[k] = INFINITY;
    }
    sum_lo += s->lo[k];
    sum_hi += s->hi[k];
  }
  /* the bounds win over the company target when they cannot hold it */
  if (total < sum_lo)
    total = sum_lo;
  if (total > sum_hi)
    total = sum_hi;
  /* the bounds hold the total (clamped above): the LP has an optimum, and
   * GLPK not finding it is a failure of the run, not a reason to guess */
  int rc = salesim_target_split(n, s->share, s->lo, s->hi, total, s->alloc, NULL);
  if (rc != 0) {
    s->split_failures += 1;
    salesim_world_fail(w, rc, "year %d: top_down: target split LP failed (GLPK)", w->year + 1);
  }
  return rc;
}

static int top_down_year_start(salesim_world *w) {
  top_down_state *s = w->state;
  const top_down_params *p = s->p;
  salesim_org *o = &s->org;
  salesim_org_year_begin(w, o);
  int rc;
  if (!s->appointed) {
    if ((rc = salesim_org_appoint(w, o)) < 0)
      return rc;
    s->appointed = 1;
  } else {
    for (int i = 0; i < o->n_mgr; i++)
      if (o->mgr[i].territory >= 0)
        o->terr[o->mgr[i].territory].manager = i;
  }
  if ((rc = split_company_target(w, s)) != 0)
    return rc;
  for (int k = 0; k < w->n_terr; k++) {
    salesim_org_terr *t = &o->terr[k];
    t->posted = s->alloc[k];
    t->target = s->alloc[k];
    int i = t->manager;
    if (i < 0) {
      t->kind = SALESIM_ORG_KIND_FALLBACK;
      s->unmanaged += 1;
      continue;
    }
    t->kind = SALESIM_ORG_KIND_FIRM;
    double fixed = salesim_org_fixed(&p->org, s->alloc[k]);
    double variable = salesim_org_variable(&p->org, s->alloc[k]);
    o->mgr[i].fixed_year = fixed;
    o->mgr[i].variable = variable;
    double mean, sd;
    salesim_org_belief(w, o, i, k, &mean, &sd);
    t->mu = mean;
    double claim = (1 - p->bargain_margin) * mean, target = t->target;
    while (t->rounds < p->max_bargain_rounds && target > claim) {
      double next = target - p->concession * (target - claim);
      double gain = salesim_org_manager_ce(o, i, next, fixed, variable, mean, sd) -
                    salesim_org_manager_ce(o, i, target, fixed, variable, mean, sd);
      if (!(gain > p->manager_bargain_cost))
        break;
      target = next;
      t->rounds++;
      o->bargain_cost += p->bargain_cost;
      salesim_world_mgmt_cost(w, p->bargain_cost);
    }
    if (t->posted > 0) {
      o->bargain_cut_sum += (t->posted - target) / t->posted;
      o->bargain_cut_n += 1;
    }
    t->target = target;
  }
  int unteamed = salesim_org_attach_and_start(w, o);
  if (unteamed < 0)
    return unteamed;
  s->unteamed += unteamed;
  return 0;
}

static int top_down_hire(salesim_world *w, salesim_agent *a) {
  top_down_state *s = w->state;
  return salesim_org_hire(w, &s->org, a, 0);
}

static int top_down_period_end(salesim_world *w) {
  top_down_state *s = w->state;
  salesim_org *o = &s->org;
  for (int k = 0; k < w->n_terr; k++) {
    const salesim_org_terr *t = &o->terr[k];
    s->last[k] = t->manager >= 0 ? t->team_sales : t->all_new + t->all_book;
  }
  s->have_last = 1;
  return salesim_org_year_end(w, o);
}

static int top_down_report(salesim_world *w) {
  top_down_state *s = w->state;
  salesim_world_metric(w, SALESIM_ORG_METRIC_TERRITORIES_UNFILLED, s->unmanaged);
  salesim_world_metric(w, SALESIM_ORG_METRIC_REPS_UNMATCHED, s->unteamed);
  salesim_world_metric(w, SALESIM_ORG_METRIC_BARGAINING_CUT,
                       s->org.bargain_cut_n > 0 ? s->org.bargain_cut_sum / s->org.bargain_cut_n
                                                : NAN);
  salesim_org_report(w, &s->org);
  return 0;
}

const salesim_mechanism_type salesim_mechanism_top_down = {
    .version = SALESIM_MECHANISM_VERSION,
    .name = "top_down",
    .summary = "Top-down targets: the firm splits a company target across territories (LP); "
    "appointed managers bargain them down and blame them when they miss.",
    .params = &top_down_table,
    .check = top_down_check,
    .state_size = sizeof(top_down_state),
    .agent_state_size = sizeof(salesim_org_agent),
    .init = top_down_init,
    .fini = top_down_fini,
    .year_start = top_down_year_start,
    .hire = top_down_hire,
    .incentive = salesim_org_hook_incentive,
    .month_pay = salesim_org_hook_month_pay,
    .month_end = salesim_org_hook_month_end,
    .period_end = top_down_period_end,
    .report = top_down_report,
    .metrics = salesim_org_metrics,
    .n_metrics = SALESIM_ORG_METRIC_COUNT,
};
