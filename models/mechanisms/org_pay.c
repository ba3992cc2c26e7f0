/*
 * models/mechanisms/org_pay.c: the month and the year end of the managed
 * organisation (models/mechanisms/org.h): reps' base pay and incentive,
 * managers' monthly fixed pay, at year end the variable pay of reps and
 * managers on attainment, the accounts of the year (target errors, the
 * winner's curse, blame), the "who won what" table, what the firm learns,
 * and the module's metrics.
 * Read next: models/mechanisms/tender.c.
 */
#include "org.h"

#include <math.h>

#include "org_internal.h"

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
  inc->paid_at_end = 1;             /* the variable part is paid at the year's end */
  inc->pay_scales_with_target = 1;  /* as target_salary: the ratchet overlay applies */
  /* credit after the year counts toward next year's attainment under the
   * same rules: the one rule of every plan with a target (issue 11 #1; it
   * was the slope at target scaled by months left / 12, which valued next
   * year's credit at nearly nothing in the last months) */
  inc->after_value =
      salesim_world_after_value(&a->sched, a->target, a->exp_att, a->sd_att, a->target);
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
      /* bid_to_sales and winners_curse (docs/tender.md, "Reading the
       * output"): ratios of sums over the run's winners. t->mu is the
       * winner's own expectation of its team's sales when it bid
       * (salesim_org_belief at the award, same estimate, phi and book). */
      o->win_bid_sum += t->bid;
      o->win_expect_sum += t->mu;
      o->win_sales_sum += sales;
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
      double row[17] = {w->rep + 1, /* 1-based, as replications.csv */
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
                        t->target > 0 ? sales / t->target : NAN,
                        t->kind == SALESIM_ORG_KIND_BID ? t->mu : NAN};
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
    [SALESIM_ORG_METRIC_BID_TO_SALES] =
        {{"bid_to_sales",
          "Winning bids / their teams' realised sales (1 = winners committed what they sold)",
          "ratio", 0},
         LEVEL},
    [SALESIM_ORG_METRIC_WINNERS_CURSE] =
        {{"winners_curse",
          "Winners' own expected sales / realised sales - 1 (0 = no curse, 0.1 = expected 10 % "
          "more than sold)",
          "ratio", 0},
         LEVEL},
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
    [SALESIM_ORG_METRIC_BIDS_MISSED] =
        {{"bids_missed",
          "Winners whose team sold less than the bid (0.5 for a bid at the median of sales)",
          "share", 0},
         LEVEL},
    [SALESIM_ORG_METRIC_TERRITORIES_NO_BID] =
        {{"territories_no_bid", "Territories with no valid bid (tender)", "per year", 0},
         PER_YEAR},
    [SALESIM_ORG_METRIC_BIDS_MAX] =
        {{"bids_max", "Valid bids on the most-bid territory, mean over tenders (tender)", "bids",
          0},
         LEVEL},
};
#undef PER_YEAR
#undef LEVEL

void salesim_org_report(salesim_world *w, salesim_org *o) {
  double years = o->years > 0 ? o->years : NAN;
  salesim_world_metric(w, SALESIM_ORG_METRIC_TERRITORY_TARGET_ERROR,
                       ratio(o->terr_err_sum, o->terr_err_n));
  salesim_world_metric(w, SALESIM_ORG_METRIC_BID_TO_SALES,
                       ratio(o->win_bid_sum, o->win_sales_sum));
  salesim_world_metric(w, SALESIM_ORG_METRIC_WINNERS_CURSE,
                       ratio(o->win_expect_sum, o->win_sales_sum) - 1);
  salesim_world_metric(w, SALESIM_ORG_METRIC_BIDS_MISSED, ratio(o->cursed, o->winners));
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
