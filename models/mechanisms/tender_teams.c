/*
 * models/mechanisms/tender_teams.c: team formation of the `tender` mechanism (rule 5
 * in models/mechanisms/tender.c): what an offer and joining a winner are
 * worth to a rep (models/core/decision.c on a what-if copy of the rep),
 * where the firm places reps in no team, the two-sided market handed to
 * salesim_match_rounds_run (models/algorithms/matching.h), the next-bidder
 * re-award, and the optional welfare-maximising stable teams (GLPK MIP).
 * Read next: models/mechanisms/tender_round.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "tender_internal.h"

/* A rep's certainty equivalent (per month) of an offer in territory k with
 * annual target `target`, book `book`, a team of n_plan and lead multiplier
 * `mult` (decision.c on a what-if copy of the rep). */
double tender_offer_value(salesim_world *w, tender_state *s, const salesim_agent *a, int k,
                          double target, double book, int n_plan, double mult) {
  salesim_org *o = &s->org;
  salesim_territory *tr = &w->terr[k];
  salesim_agent tmp = *a;
  tmp.territory = k;
  tmp.book = book;
  salesim_schedule sched;
  salesim_incentive inc;
  salesim_org_rep_offer(w, o, &tmp, target, salesim_org_rep_salary(&s->p->org, a), &sched, &inc);
  double save_mult = tr->lead_mult;
  int save_n = tr->n_slots;
  tr->lead_mult = mult;
  tr->n_slots = n_plan;
  salesim_world_territory_update(w, k);
  /* an offer is a new plan year on a new schedule: a full search, as the
   * monthly loop does at a plan year's start (models/core/sim.c), so the value
   * depends on the offer alone, never on the rep's last month */
  salesim_choice ch;
  salesim_decide(w, &tmp, &inc, &ch);
  tr->lead_mult = save_mult;
  tr->n_slots = save_n;
  salesim_world_territory_update(w, k);
  return ch.ce_month;
}

int tender_capacity(const tender_state *s, int k) {
  const tender_params *p = s->p;
  if (p->staffing == STAFF_MAX_TEAM)
    return p->max_team;
  int n = s->planned[k];
  if (n < p->min_team)
    n = p->min_team;
  if (n > p->max_team)
    n = p->max_team;
  return n > 0 ? n : 1;
}

/* The team a rep expects to be in when it values a join offer: the
 * winner's capacity under staffing = "plan" (deferred acceptance fills
 * popular winners to it); before issue 11, the territory's current slots
 * within min_team..max_team, though the team could end at max_team. */
static int plan_size(const tender_state *s, const salesim_territory *tr, int k) {
  const tender_params *p = s->p;
  if (p->staffing == STAFF_PLAN)
    return tender_capacity(s, k);
  int n = tr->n_slots;
  if (n < p->min_team)
    n = p->min_team;
  if (n > p->max_team)
    n = p->max_team;
  return n > 0 ? n : 1;
}

/* What joining the winner of bid b is worth to rep a. */
static double join_value(salesim_world *w, tender_state *s, const salesim_agent *a, int b) {
  const tender_params *p = s->p;
  salesim_org *o = &s->org;
  int i = s->bids[b].manager, k = s->bids[b].territory;
  const salesim_territory *tr = &w->terr[k];
  int n_plan = s->n_val[b] > 0 ? s->n_val[b] : plan_size(s, tr, k);
  double book = (a->territory == k ? a->book : 0) + tr->orphan_book / n_plan;
  double newb = o->phi_new * o->mgr[i].mult * salesim_org_estimate(w, o, i, k);
  double target = salesim_org_split(s->amount[b], o->terr[k].book_start, n_plan, newb, book);
  double view = o->mgr[i].ability *
                exp(p->org.rep_view_sd * salesim_org_normal(w, SALESIM_ORG_SEE_REP, a->id, i, w->year));
  return tender_offer_value(w, s, a, k, target, book, n_plan, pow(view, p->org.manager_effect));
}

static int ensure_row(salesim_world *w, tender_state *s, int b) {
  if (s->bid_row[b] >= 0)
    return 0;
  /* rows of n_reps values; the number of reps changes from year to year */
  size_t width = (size_t)(s->n_reps > 0 ? s->n_reps : 1);
  if ((size_t)(s->n_rows + 1) * width > s->util_len) {
    size_t len = 2 * s->util_len;
    if (len < (size_t)(s->n_rows + 16) * width)
      len = (size_t)(s->n_rows + 16) * width;
    double *u = realloc(s->util, len * sizeof *u);
    if (u == NULL)
      return SALESIM_ENOMEM;
    s->util = u;
    s->util_len = len;
  }
  int row = s->n_rows++;
  s->bid_row[b] = row;
  for (int r = 0; r < s->n_reps; r++)
    s->util[(size_t)row * s->n_reps + r] = join_value(w, s, &w->agents[s->reps[r]], b);
  return 0;
}

static double rep_view_by(const salesim_world *w, const tender_state *s, int manager,
                          const salesim_agent *a) {
  return a->ability * a->skill *
         exp(s->p->org.manager_view_sd *
             salesim_org_normal(w, SALESIM_ORG_SEE_MANAGER, manager, a->id, w->year));
}

/* Where the firm places a rep in no team whose territory went to a team:
 * the territory nobody won with the fewest positions per unit of the
 * firm's target (counts[] if given, else the slot counts); -1 if every
 * territory was won. */
int tender_house_territory(const salesim_world *w, const tender_state *s, const int *counts) {
  int best = -1;
  double best_load = INFINITY;
  for (int k = 0; k < w->n_terr; k++) {
    if (s->award[k] >= 0)
      continue;
    int have = counts ? counts[k] : w->terr[k].n_slots;
    double load = (have + 1.0) / fmax(1.0, s->org.terr[k].firm_target);
    if (s->p->staffing == STAFF_PLAN) /* most short of plan first */
      load += 1e9 * (double)(have - s->planned[k]);
    if (load < best_load) {
      best_load = load;
      best = k;
    }
  }
  return best;
}

/* The firm's target of a house rep with no book in territory u. */
static double house_target(const salesim_world *w, const salesim_agent *a, int u) {
  salesim_agent tmp = *a;
  tmp.territory = u;
  tmp.book = 0;
  return salesim_world_rule_target(w, &tmp);
}

int tender_market(void *ctx, salesim_match_market *m) {
  tender_state *s = ctx;
  salesim_world *w = s->w;
  const tender_params *p = s->p;
  int nt = 0;
  for (int k = 0; k < w->n_terr; k++) {
    s->terr_team[k] = -1;
    if (s->award[k] >= 0) {
      int rc = ensure_row(w, s, s->award[k]);
      if (rc != 0)
        return rc;
      s->team_terr[nt] = k;
      s->terr_team[k] = nt++;
    }
  }
  s->n_teams = nt;
  /* staying out of teams: a house rep in one's own territory if nobody won
   * it, else where the firm would place one, without one's accounts */
  int u_star = tender_house_territory(w, s, NULL);
  for (int r = 0; r < s->n_reps; r++) {
    const salesim_agent *a = &w->agents[s->reps[r]];
    s->house[r] = s->award[a->territory] < 0 || u_star < 0
                      ? s->house_stay[r]
                      : tender_offer_value(w, s, a, u_star, house_target(w, a, u_star), 0,
                                    w->terr[u_star].n_slots + 1, 1.0);
  }
  /* reps: the winners better than staying out, best first */
  int pos = 0;
  for (int r = 0; r < s->n_reps; r++) {
    s->rep_start[r] = pos;
    int c = 0;
    for (int j = 0; j < nt; j++) {
      int b = s->award[s->team_terr[j]];
      double u = s->util[(size_t)s->bid_row[b] * s->n_reps + r];
      if (u > s->house[r]) {
        s->sortbuf[c].key = u;
        s->sortbuf[c].who = j;
        c++;
      }
    }
    qsort(s->sortbuf, (size_t)c, sizeof *s->sortbuf, salesim_sort_cmp_keyed_desc);
    if (c > p->rep_list_max)
      c = p->rep_list_max;
    for (int q = 0; q < c; q++)
      s->rep_list[pos++] = s->sortbuf[q].who;
  }
  s->rep_start[s->n_reps] = pos;
  /* winners: the reps who listed them, by the manager's view of ability */
  for (int j = 0; j <= nt; j++)
    s->team_start[j] = 0;
  for (int q = 0; q < pos; q++)
    s->team_start[s->rep_list[q] + 1]++;
  for (int j = 0; j < nt; j++)
    s->team_start[j + 1] += s->team_start[j];
  for (int j = 0; j < nt; j++)
    s->fill[j] = s->team_start[j];
  for (int r = 0; r < s->n_reps; r++)
    for (int q = s->rep_start[r]; q < s->rep_start[r + 1]; q++)
      s->team_list[s->fill[s->rep_list[q]]++] = r;
  for (int j = 0; j < nt; j++) {
    int mgr = s->bids[s->award[s->team_terr[j]]].manager;
    int a0 = s->team_start[j], n = s->team_start[j + 1] - a0;
    for (int q = 0; q < n; q++) {
      int r = s->team_list[a0 + q];
      s->sortbuf[q].key = rep_view_by(w, s, mgr, &w->agents[s->reps[r]]);
      s->sortbuf[q].who = r;
    }
    qsort(s->sortbuf, (size_t)n, sizeof *s->sortbuf, salesim_sort_cmp_keyed_desc);
    for (int q = 0; q < n; q++)
      s->team_list[a0 + q] = s->sortbuf[q].who;
    s->capacity[j] = tender_capacity(s, s->team_terr[j]);
    s->minimum[j] = p->min_team;
  }
  m->n_reps = s->n_reps;
  m->n_teams = nt;
  m->rep_start = s->rep_start;
  m->rep_list = s->rep_list;
  m->team_start = s->team_start;
  m->team_list = s->team_list;
  m->capacity = s->capacity;
  m->minimum = s->minimum;
  return 0;
}

int tender_solve_award(tender_state *s) {
  return salesim_assign_solve(s->assign,
                              s->p->solver == SOLVER_GLPK ? SALESIM_ASSIGN_GLPK : SALESIM_ASSIGN_SSP,
                              s->bids, (size_t)s->n_bids, s->excluded, s->award, NULL);
}

/* A provisional award becomes public: voided (ok = 0) or kept (ok = 1). */
void tender_record_award(tender_state *s, int b, double ok) {
  if (s->n_aw >= s->cap_aw)
    return;
  s->aw_ratio[s->n_aw] = s->year_ratio[b];
  s->aw_ok[s->n_aw] = ok;
  s->aw_weight[s->n_aw] = 1;
  s->n_aw++;
}

int tender_reaward(void *ctx, const int *short_teams, int n_short) {
  tender_state *s = ctx;
  for (int q = 0; q < n_short; q++) {
    int b = s->award[s->team_terr[short_teams[q]]];
    s->excluded[b] = 1;
    s->voided += 1;
    tender_record_award(s, b, 0);
  }
  int rc = tender_solve_award(s);
  return rc != 0 ? rc : n_short;
}

/* Final teams as the welfare-maximising stable matching: welfare of a pair
 * = the rep's CE per month + the manager's variable package per seat per
 * month x its view of the rep's ability. Kept only if proven and stable.
 * Returns 0 or a negative code (world error set). */
int tender_stable_mip_teams(salesim_world *w, tender_state *s) {
  salesim_match_market m = {s->n_reps,     s->n_teams,    s->rep_start, s->rep_list,
                            s->team_start, s->team_list,  s->capacity,  s->minimum};
  salesim_match *mt = NULL;
  int rc = salesim_match_alloc(&mt, &m);
  if (rc != 0) {
    salesim_world_fail(w, rc, "year %d: tender: stable teams: no memory", w->year + 1);
    return rc;
  }
  const salesim_org_params *op = &s->p->org;
  for (int r = 0; r < s->n_reps; r++)
    for (int q = s->rep_start[r]; q < s->rep_start[r + 1]; q++) {
      int j = s->rep_list[q], b = s->award[s->team_terr[j]];
      double seat = salesim_org_variable(op, s->amount[b]) / (12.0 * s->p->max_team);
      s->pair_util[q] = s->util[(size_t)s->bid_row[b] * s->n_reps + r] +
                        seat * rep_view_by(w, s, s->bids[b].manager, &w->agents[s->reps[r]]);
    }
  int limit_ms = (int)(s->p->mip_time_limit * 1000);
  /* no proven optimum (SALESIM_ESOLVER: GLPK out of time or without an
   * optimum) keeps the deferred-acceptance teams, by the rules above; out of
   * memory or bad input ends the run */
  rc = salesim_match_stable_mip(mt, s->pair_util, s->p->mip_node_limit, limit_ms, s->mip_team,
                                NULL);
  if (rc == SALESIM_ELIMIT) {
    salesim_world_fail(w, rc,
                       "year %d: tender: stable-matching MIP ran out of mip_time_limit (%g s) "
                       "before mip_node_limit (%d); lower mip_node_limit or rep_list_max",
                       w->year + 1, s->p->mip_time_limit, s->p->mip_node_limit);
  } else if (rc != 0 && rc != SALESIM_ESOLVER) {
    salesim_world_fail(w, rc, "year %d: tender: stable-matching MIP failed", w->year + 1);
  } else if (rc == 0 && salesim_match_is_stable(mt, s->mip_team, NULL, NULL) == 1) {
    s->mip_solved += 1;
    for (int r = 0; r < s->n_reps; r++)
      s->mip_changed += s->mip_team[r] != s->team_of_rep[r];
    memcpy(s->team_of_rep, s->mip_team, (size_t)s->n_reps * sizeof *s->team_of_rep);
  } else {
    s->mip_failed += 1; /* no proven optimum: the deferred-acceptance teams stay */
    rc = 0;
  }
  salesim_match_free(mt);
  return rc;
}
