/*
 * bench/bench_peer_decisions.c: decisions of salesim for the numpy peer's
 * decision check (bench/peer/check_decisions.py), not a timing. Loads a
 * scenario, steps one replication of mechanism MECH for MONTHS months, then
 * for every active rep writes one CSV row: what decision.c reads (traits,
 * book, credit so far, the territory's lead rate and pool left, the plan's
 * base and schedule, the expected attainment, the pipeline's expectation
 * at every horizon 1..24) and what a full search (hint -1) decides (hunt,
 * farm, CE per month, liquid CE per month, expected credit and its sd),
 * and the CE per month of the decision the loop makes (warm start).
 * Usage: bench_peer_decisions SCENARIO MECH MONTHS > decisions.csv
 */
#include <stdio.h>
#include <stdlib.h>

#include <salesim/salesim.h>

#include "decision.h"
#include "mechanism.h"
#include "pipeline.h"
#include "sim.h"

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: bench_peer_decisions SCENARIO MECH MONTHS\n");
    return 2;
  }
  salesim_diag diag = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  if (salesim_scenario_load(&sc, argv[1], &diag) != 0) {
    for (size_t i = 0; i < diag.count; i++)
      fprintf(stderr, "%s\n", diag.lines[i]);
    return 2;
  }
  int mech = atoi(argv[2]), months = atoi(argv[3]);
  if (months < 1) { /* plans are set by the first month's year_start */
    fprintf(stderr, "MONTHS must be at least 1 (no plan is set before the first month)\n");
    return 2;
  }
  salesim_world *w = NULL;
  if (salesim_world_alloc(&w, sc, mech, 0, sc->seed) != 0)
    return 1;
  for (int t = 0; t < months; t++)
    if (salesim_world_step(w) != 0)
      return 1;
  w->month_in_year = w->month % sc->months_per_year;
  w->year = w->month / sc->months_per_year;
  printf("i,ability,skill,risk,effort_cost,savings,book,credit,lead_rate,rho,base_month,months_left,"
         "target,nk,k0,d0,k1,d1,k2,d2,exp_att,sd_att");
  for (int m = 1; m <= 24; m++)
    printf(",pm%d,pv%d", m, m);
  printf(",hunt,farm,ce_month,ce_month_liquid,exp_credit,sd_credit,warm,ce_month_warm\n");
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status != SALESIM_AGENT_ACTIVE)
      continue;
    salesim_incentive inc;
    salesim_choice ch = {0};
    if (salesim_sim_incentive(w, a, &inc) != 0)
      return 1;
    salesim_decide(w, a, &inc, &ch);
    /* the warm-start columns (a search from last month's shadow price) are
     * kept for check_decisions.py; since issue 12 every decision is the full
     * search, so they repeat it */
    salesim_choice warm = ch;
    int warm_used = !(w->month_in_year == 0 || a->tenure == 0);
    const salesim_territory *t = &w->terr[a->territory];
    const salesim_schedule *s = inc.sched ? inc.sched : &a->sched;
    printf("%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%d,%.17g,%d", i,
           a->ability, a->skill, a->risk_aversion, a->effort_cost, a->savings, a->book,
           inc.credit_to_date, t->lead_rate, t->prospects / t->prospects0, inc.base_month,
           inc.months_left, a->target, s->nk);
    for (int k = 0; k < 3; k++)
      printf(",%.17g,%.17g", k < s->nk ? s->knot[k] : 0.0, k < s->nk ? s->dslope[k] : 0.0);
    printf(",%.17g,%.17g", a->exp_att, a->sd_att);
    for (int m = 1; m <= 24; m++) {
      double pm, pv;
      salesim_pipeline_expect(w, a, m, &pm, &pv);
      printf(",%.17g,%.17g", pm, pv);
    }
    printf(",%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%d,%.17g\n", ch.hunt, ch.farm, ch.ce_month,
           ch.ce_month_liquid, ch.exp_credit, ch.sd_credit, warm_used, warm.ce_month);
  }
  salesim_world_free(w);
  salesim_scenario_free(sc);
  salesim_diag_clear(&diag);
  return 0;
}
