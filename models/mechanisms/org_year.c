/*
 * models/mechanisms/org_year.c: a plan year's start in the managed
 * organisation (models/mechanisms/org.h): the firm's target of every
 * territory, managers the firm appoints where nobody else runs a territory,
 * orphan accounts handed to a team's reps (dealt by the manager or split
 * by cut-and-choose), and every rep's plan on its manager's split of the
 * territory target.
 * Read next: models/mechanisms/org_pay.c.
 */
#include "org.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fairdiv.h"
#include "history.h"
#include "org_internal.h"
#include "util_sort.h"

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

int salesim_org_appoint(salesim_world *w, salesim_org *o) {
  salesim_sort_keyed *mk = malloc((size_t)o->n_mgr * sizeof *mk);
  salesim_sort_keyed *tk = malloc((size_t)w->n_terr * sizeof *tk);
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
  qsort(mk, (size_t)nm, sizeof *mk, salesim_sort_cmp_keyed_desc);
  qsort(tk, (size_t)nt, sizeof *tk, salesim_sort_cmp_keyed_desc);
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

/* account indices by revenue, largest first (salesim_sort_indices) */
static int by_rev_desc(int a, int b, const void *ctx) {
  const double *rev = ctx;
  if (rev[a] != rev[b])
    return rev[a] < rev[b] ? 1 : -1;
  return (a > b) - (a < b);
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
    if (w->history != NULL)
      salesim_history_hand_out(w, k, members, 1, &orphan);
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
  salesim_sort_indices(o->acc_idx, na, by_rev_desc, o->acc_rev);
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
  if (w->history != NULL) { /* the recorded accounts follow (models/core/history.h) */
    for (int b = 0; b < n; b++)
      o->bundle_rev[b] = 0;
    for (int j = 0; j < na; j++)
      o->bundle_rev[o->acc_bundle[j]] += o->acc_rev[j];
    salesim_history_hand_out(w, k, members, n, o->bundle_rev);
  }
  return 0;
}

/* slots by tenure, most senior first (salesim_sort_indices) */
static int by_tenure_desc(int x, int y, const void *ctx) {
  const salesim_world *w = ctx;
  const salesim_agent *a = &w->agents[x], *b = &w->agents[y];
  if (a->tenure != b->tenure)
    return a->tenure < b->tenure ? 1 : -1;
  return (x > y) - (x < y);
}

/* ---- plans ----------------------------------------------------------------------- */

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
  inc->paid_at_end = 1;
  inc->pay_scales_with_target = 1;
  /* an offer not yet held: no expectation of attainment yet, at target */
  inc->after_value = salesim_world_after_value(sched, target, 0, 0, target);
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
  if (w->history != NULL)
    salesim_history_grade(w, a, &p->rep_grade_tenure);
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
    salesim_sort_indices(o->members, n, by_tenure_desc, w);
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
                                        salesim_org_estimate(w, o, t->manager, k)
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
