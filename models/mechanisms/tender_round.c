/*
 * models/mechanisms/tender_round.c: one round of the `tender` mechanism on given bids
 * (salesim_tender_round; rules 3 to 6 in models/mechanisms/tender.c): panel
 * review, winner determination (models/algorithms/assign.h) and team
 * formation with next-bidder re-awards (models/mechanisms/tender_teams.c),
 * then managers and targets, moves of members and of reps in no team,
 * territories nobody won (top-down, with an appointed manager), and the
 * year's plans (models/mechanisms/org.h).
 * Read next: models/mechanisms/top_down.c.
 */
#include <math.h>
#include <string.h>

#include "tender_internal.h"

/* One formation of the tender's teams: winner determination, then deferred
 * acceptance with next-bidder re-awards until no team is short. */
static int team_pass(salesim_world *w, tender_state *s) {
  const tender_params *p = s->p;
  (void)w;
  int rc = tender_solve_award(s);
  if (rc == 0 && s->n_bids > 0) {
    salesim_match_rounds ops = {tender_market, tender_reaward};
    rc = salesim_match_rounds_run(&ops, s,
                                  p->proposing == PROPOSE_TEAMS ? SALESIM_MATCH_TEAMS_PROPOSE
                                                                : SALESIM_MATCH_REPS_PROPOSE,
                                  p->max_rounds, s->n_reps, s->team_of_rep, NULL);
    if (rc == SALESIM_EINTERRUPTED) {
      /* round cap: short teams keep nothing */
      rc = 0;
      for (int r = 0; r < s->n_reps; r++)
        if (s->team_of_rep[r] >= 0)
          s->fill[s->team_of_rep[r]] = 0;
      for (int r = 0; r < s->n_reps; r++)
        if (s->team_of_rep[r] >= 0)
          s->fill[s->team_of_rep[r]]++;
      for (int j = 0; j < s->n_teams; j++)
        if (s->fill[j] < p->min_team) {
          tender_record_award(s, s->award[s->team_terr[j]], 0);
          s->award[s->team_terr[j]] = -1;
          s->voided += 1;
        }
      for (int r = 0; r < s->n_reps; r++)
        if (s->team_of_rep[r] >= 0 && s->award[s->team_terr[s->team_of_rep[r]]] < 0)
          s->team_of_rep[r] = -1;
    }
  }
  return rc;
}

int salesim_tender_round(salesim_world *w, const salesim_tender_bid *in, int n) {
  tender_state *s = w->state;
  const tender_params *p = s->p;
  salesim_org *o = &s->org;
  int rc = 0;
  s->w = w;
  /* panel review of each plan; bids under the posted target are invalid */
  s->n_bids = 0;
  for (int q = 0; q < n && s->n_bids < s->cap_bids; q++) {
    int i = in[q].manager, k = in[q].territory;
    if (i < 0 || i >= o->n_mgr || k < 0 || k >= w->n_terr || !isfinite(in[q].amount) ||
        in[q].amount < o->terr[k].posted)
      continue;
    o->terr[k].bids++;
    o->panel_cost += p->panel_cost;
    salesim_world_mgmt_cost(w, p->panel_cost);
    double view = o->mgr[i].ability *
                  exp(p->panel_sd * salesim_org_normal(w, SALESIM_ORG_SEE_PANEL, i, k, w->year));
    if (view < p->panel_threshold)
      continue;
    s->year_ratio[s->n_bids] = in[q].amount / o->terr[k].posted;
    s->bids[s->n_bids].manager = i;
    s->bids[s->n_bids].territory = k;
    s->bids[s->n_bids].score = in[q].amount * view;
    s->amount[s->n_bids] = in[q].amount;
    s->excluded[s->n_bids] = 0;
    s->bid_row[s->n_bids] = -1;
    s->n_bids++;
  }
  /* bids per territory: herding shows as many territories without a bid
   * and many bids on a few */
  {
    int most = 0;
    for (int k = 0; k < w->n_terr; k++) {
      s->no_bid += o->terr[k].bids == 0;
      if (o->terr[k].bids > most)
        most = o->terr[k].bids;
    }
    s->bids_max_sum += most;
    s->tenders += 1;
  }
  /* the reps in the market and what staying out of teams is worth to them */
  s->n_reps = 0;
  for (int i = 0; i < w->n_agents; i++)
    if (w->agents[i].status == SALESIM_AGENT_ACTIVE)
      s->reps[s->n_reps++] = i;
  for (int r = 0; r < s->n_reps; r++) {
    const salesim_agent *a = &w->agents[s->reps[r]];
    const salesim_territory *tr = &w->terr[a->territory];
    s->house_stay[r] = tender_offer_value(w, s, a, a->territory, salesim_world_rule_target(w, a),
                                   a->book, tr->n_slots, 1.0);
  }
  s->n_rows = 0;
  for (int r = 0; r < s->n_reps; r++)
    s->team_of_rep[r] = -1;
  /* last years' award records lose weight; this year's enter at weight 1 */
  {
    double lr = p->org.learning_rate;
    int keep = 0;
    for (int j = 0; j < s->n_aw; j++) {
      double wgt = s->aw_weight[j] * (1 - lr);
      if (wgt > 1e-6) {
        s->aw_ratio[keep] = s->aw_ratio[j];
        s->aw_ok[keep] = s->aw_ok[j];
        s->aw_weight[keep] = wgt;
        keep++;
      }
    }
    s->n_aw = keep;
  }
  /* team formation; under staffing = "plan" reps value a join offer with
   * the team they will be in: first the winner's capacity, then, while a
   * winner's team ends at another size, its offers are re-valued with the
   * size it reached and the tender's teams formed again (at most
   * REVALUE_PASSES times; the award records and voided count of a repeated
   * pass replace the earlier pass's) */
  double voided0 = s->voided;
  int n_aw0 = s->n_aw;
  for (int b = 0; b < s->n_bids; b++)
    s->n_val[b] = 0;
  for (int pass = 0;; pass++) {
    s->voided = voided0;
    s->n_aw = n_aw0;
    for (int b = 0; b < s->n_bids; b++)
      s->excluded[b] = 0;
    for (int r = 0; r < s->n_reps; r++)
      s->team_of_rep[r] = -1;
    rc = team_pass(w, s);
    if (rc != 0 || p->staffing != STAFF_PLAN || s->n_bids == 0)
      break;
    int changed = 0;
    for (int k = 0; k < w->n_terr; k++)
      s->fill[k] = 0;
    for (int r = 0; r < s->n_reps; r++)
      if (s->team_of_rep[r] >= 0)
        s->fill[s->team_terr[s->team_of_rep[r]]]++;
    for (int k = 0; k < w->n_terr; k++) {
      int b = s->award[k];
      if (b < 0 || s->fill[k] < 1)
        continue;
      int valued = s->n_val[b] > 0 ? s->n_val[b] : tender_capacity(s, k);
      if (s->fill[k] != valued) {
        if (pass < REVALUE_PASSES) {
          s->n_val[b] = s->fill[k];
          s->bid_row[b] = -1; /* re-valued with the size reached */
        }
        changed++;
      }
    }
    s->revalue_left = changed; /* teams whose offers were valued at another size */
    if (pass == 0)
      s->revalue_first = changed;
    if (changed == 0 || pass >= REVALUE_PASSES)
      break;
    s->revalue_passes += 1;
  }
  if (rc == 0 && p->stable_mip && s->n_teams > 0)
    rc = tender_stable_mip_teams(w, s);
  /* winner determination or team formation failed (GLPK, memory, a
   * bound): the round ends here with the error, never "every territory
   * falls back" as if nobody had bid */
  if (rc != 0)
    return rc;
  /* apply: managers and targets, members move to their team's territory */
  for (int i = 0; i < o->n_mgr; i++)
    o->mgr[i].territory = -1;
  int n_won = 0;
  for (int k = 0; k < w->n_terr; k++) {
    salesim_org_terr *t = &o->terr[k];
    int b = s->award[k];
    if (b < 0) {
      t->manager = -1;
      t->kind = SALESIM_ORG_KIND_FALLBACK;
      t->target = t->firm_target;
      s->unfilled += 1;
      continue;
    }
    int i = s->bids[b].manager;
    tender_record_award(s, b, 1);
    t->manager = i;
    t->kind = SALESIM_ORG_KIND_BID;
    t->bid = t->target = s->amount[b];
    salesim_org_belief(w, o, i, k, &t->mu, &(double){0});
    o->mgr[i].fixed_year = salesim_org_fixed(&p->org, t->posted);
    o->mgr[i].variable = salesim_org_variable(&p->org, t->bid);
    o->mgr[i].territory = k;
    n_won++;
  }
  for (int i = 0; i < w->n_agents; i++)
    w->agents[i].manager = -1;
  for (int r = 0; r < s->n_reps; r++) {
    salesim_agent *a = &w->agents[s->reps[r]];
    int j = s->team_of_rep[r];
    if (j < 0) {
      s->unmatched += 1;
      continue;
    }
    int k = s->team_terr[j];
    salesim_world_move(w, a, k);
    a->manager = o->terr[k].manager;
  }
  /* reps in no team cannot stay in a territory a team runs (its accounts
   * are the team's now): the firm places them where nobody won */
  for (int k = 0; k < w->n_terr; k++)
    s->fill[k] = w->terr[k].n_slots;
  for (int r = 0; r < s->n_reps; r++) {
    salesim_agent *a = &w->agents[s->reps[r]];
    if (s->team_of_rep[r] >= 0 || s->award[a->territory] < 0)
      continue;
    int u = tender_house_territory(w, s, s->fill);
    if (u < 0)
      break; /* every territory has a team: house reps stay */
    s->fill[a->territory]--;
    s->fill[u]++;
    salesim_world_move(w, a, u);
  }
  /* staffing = "plan": territories nobody won are staffed by the firm's rule
   * too: while one is short of its planned headcount, the firm moves a rep
   * in no team from the fallback territory most over plan (the one with the
   * smallest book: fewest accounts left behind) */
  if (p->staffing == STAFF_PLAN) {
    for (;;) {
      int u = tender_house_territory(w, s, s->fill);
      if (u < 0 || s->fill[u] >= s->planned[u])
        break;
      int best = -1, excess = 0;
      for (int r = 0; r < s->n_reps; r++) {
        const salesim_agent *a = &w->agents[s->reps[r]];
        int k = a->territory;
        if (s->team_of_rep[r] >= 0 || s->award[k] >= 0 || k == u)
          continue;
        int ex = s->fill[k] - s->planned[k];
        if (ex > excess ||
            (ex == excess && ex > 0 && a->book < w->agents[s->reps[best]].book)) {
          excess = ex;
          best = r;
        }
      }
      if (best < 0)
        break;
      salesim_agent *a = &w->agents[s->reps[best]];
      s->fill[a->territory]--;
      s->fill[u]++;
      salesim_world_move(w, a, u);
    }
  }
  /* territories nobody won: top-down, with a manager the firm appoints from
   * the candidates left (if fallback_appoint); their reps are its team */
  if (p->fallback_appoint && (rc = salesim_org_appoint(w, o)) < 0)
    return rc;
  for (int k = 0; k < w->n_terr; k++) {
    salesim_org_terr *t = &o->terr[k];
    if (s->award[k] >= 0 || t->manager < 0)
      continue;
    salesim_manager *m = &o->mgr[t->manager];
    m->fixed_year = salesim_org_fixed(&p->org, t->firm_target);
    m->variable = salesim_org_variable(&p->org, t->firm_target);
    salesim_org_belief(w, o, t->manager, k, &t->mu, &(double){0});
  }
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_ACTIVE && s->award[a->territory] < 0)
      a->manager = o->terr[a->territory].manager;
  }
  (void)n_won;
  tender_learn_bids(w, s, s->year_ratio, s->n_bids);
  return salesim_org_start_plans(w, o);
}
