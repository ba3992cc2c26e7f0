/*
 * models/core/sim_metrics.c: what the loop counts beyond the month's series
 * (MODEL.md §7, docs/metrics.md), and the core metrics made from it:
 *
 *   - effort by book fifth and over the plan year (each decision),
 *   - the firm's stage-weighted forecast for the quarter and its error,
 *   - the plan year's attainment statistics, pay inequality and pay for
 *     performance, OTE accuracy (each plan year's end),
 *   - at the run's end: the core metrics from the ledger, the year shape
 *     (bunching at the deadline), the hunting-by-book table, then the
 *     mechanism's report hook and its declared metrics
 *     (models/core/metrics.c).
 *
 * The metric catalogue itself (names, units, the mechanisms' declared
 * metrics) is models/core/metrics.c.
 *
 * Read next: models/core/metrics.c, engine/base/sample_stats.c.
 */
#include <math.h>

#include "mechanism.h"
#include "sample_stats.h"
#include "sim_internal.h"

static double ratio(double a, double b) { return b > 0 ? a / b : NAN; }

/* ---- during the run ----------------------------------------------------- */

void salesim_metrics_count_effort(salesim_world *w, const salesim_agent *a,
                                  const salesim_choice *ch) {
  const salesim_production *prod = &w->sc->production;
  int mpy = w->sc->months_per_year;
  salesim_ledger *L = &w->ledger;
  int band = 0;
  while (band < 4 && a->book > w->book_cut[band])
    band++;
  L->band_hunt[band] += ch->hunt;
  L->band_farm[band] += ch->farm;
  L->band_n[band] += 1;
  double e = prod->hunt_pain * ch->hunt + ch->farm;
  if (w->month_in_year >= mpy - mpy / 4) {
    L->effort_late += e;
    L->effort_n_late += 1;
  }
  if (!(a->target > 0 && a->credit_period >= a->target * w->month_in_year / mpy &&
        w->month_in_year > 0)) {
    /* effort over the year: reps ahead of their target so far only */
  } else if (w->month_in_year >= mpy - mpy / 4) {
    L->effort_q4 += e;
    L->effort_n_q4 += 1;
  } else {
    L->effort_q123 += e;
    L->effort_n_q123 += 1;
  }
}

void salesim_metrics_quarter_start(salesim_world *w) {
  /* the firm's stage-weighted forecast for the quarter (DIGEST.md §2) */
  salesim_ledger *L = &w->ledger;
  if (w->month_in_year % 3 == 0) {
    double f = 0;
    for (int i = 0; i < w->n_agents; i++)
      if (w->agents[i].status != SALESIM_AGENT_VACANT)
        f += w->agents[i].pipeline_value;
    L->forecast = f;
    L->quarter_sales = 0;
  }
}

void salesim_metrics_quarter_end(salesim_world *w) {
  salesim_ledger *L = &w->ledger;
  if (w->month_in_year % 3 == 2 && L->forecast > 0 && L->quarter_sales > 0) {
    L->forecast_err_sum += fabs(L->forecast - L->quarter_sales) / L->quarter_sales;
    L->forecast_n += 1;
  }
}

/* x with its significand rounded to 30 bits (ties in ranking, see below). */
static double snap_bits(double x) {
  int e;
  double m = frexp(x, &e);
  return ldexp(round(ldexp(m, 30)), e - 30);
}

void salesim_metrics_year_end(salesim_world *w) {
  int n = 0, np = 0;
  double *pay = w->scratch_a, *sales = w->scratch_b;
  double below50 = 0, mid = 0, at = 0, above150 = 0, err = 0;
  int nerr = 0;
  /* the plan year's first run month: below 0 for a stub year (the run
   * started inside it), which nobody served in full */
  int year_start = w->month - w->month_in_year;
  const salesim_overlays *ov = &w->spec->overlays;
  salesim_ledger *L = &w->ledger;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT || !(a->target > 0))
      continue;
    double att = a->sales_year / a->target;
    int full_year = year_start >= 0 && a->hired_month <= year_start;
    if (full_year) {
      /* for a ratchet next year, and the review's hit rate this year */
      a->prev_target = a->target;
      a->prev_sales = a->sales_year;
      a->has_prev = 1;
      if (ov->review)
        salesim_overlay_review_score(w, a, year_start, att);
    }
    a->warned_month = -1;
    n++;
    below50 += att < 0.5;
    mid += att >= 0.8 && att <= 1.2;
    at += att >= 1.0;
    above150 += att > 1.5;
    if (a->sales_year > 0) {
      err += fabs(a->target - a->sales_year) / a->sales_year;
      nerr++;
    }
    if (full_year && a->target_pay > 0) {
      pay[np] = a->pay_year;
      sales[np] = a->sales_year;
      w->ote_ratio[w->n_ote++] = a->pay_year / a->target_pay;
      np++;
    }
  }
  L->att_n += n;
  L->att_below50 += below50;
  L->att_80_120 += mid;
  L->att_at += at;
  L->att_above150 += above150;
  L->target_err_sum += err;
  L->target_err_n += nerr;
  if (np >= 2) {
    double gini = NAN, rho = NAN;
    int rc = salesim_stats_gini(pay, (size_t)np, &gini);
    /* Rank pay and sales on 30 significant bits (9 digits): pay on a flat
     * part of a curve (a cap, base only) is equal in money but not in its
     * last bits, and ranking those bits made every rounding-level change of
     * a decision move the correlation by up to 1 % (issue 12, S1 section 5).
     * Relative, not to the cent: linear mode counts sales in small units. */
    for (int k = 0; k < np; k++) {
      pay[k] = snap_bits(pay[k]);
      sales[k] = snap_bits(sales[k]);
    }
    if (rc == 0)
      rc = salesim_stats_spearman(pay, sales, (size_t)np, &rho);
    if (rc != 0) {
      salesim_world_fail(w, rc, "out of memory for the plan year's pay statistics");
      return;
    }
    L->gini_sum += gini;
    L->gini_n += 1;
    if (!isnan(rho)) {
      L->corr_sum += rho;
      L->corr_n += 1;
    }
  }
}

/* ---- at the run's end --------------------------------------------------- */

/* Bunching around the plan year's deadline (Oyer 1998): new revenue in a
 * plan year's last month over the mean of the months either side of it, and
 * in the next year's first month over the mean of its neighbours. Slow
 * swings of effort over the year cancel; deals moved across the deadline
 * show. */
static void year_shape(salesim_world *w) {
  int mpy = w->sc->months_per_year, T = w->sc->months;
  const double *m = w->monthly;
#define NEW_REV(t) (m[(size_t)(t) * SALESIM_SERIES_COUNT + SALESIM_SERIES_REVENUE_NEW])
  double spike = 0, trough = 0;
  int ns = 0, nt = 0;
  /* the first plan year's last month (earlier with a stub year) */
  for (int last = mpy - 1 - w->fiscal_offset % mpy; last + 1 < T; last += mpy) {
    double around = last >= 1 ? 0.5 * (NEW_REV(last - 1) + NEW_REV(last + 1)) : 0;
    if (last >= 1 && around > 0) {
      spike += NEW_REV(last) / around;
      ns++;
    }
    if (last + 2 < T) {
      double next = 0.5 * (NEW_REV(last) + NEW_REV(last + 2));
      if (next > 0) {
        trough += NEW_REV(last + 1) / next;
        nt++;
      }
    }
  }
#undef NEW_REV
  w->metrics[SALESIM_METRIC_YEAR_END_BUNCHING] = ns > 0 ? spike / ns : NAN;
  w->metrics[SALESIM_METRIC_NEW_YEAR_TROUGH] = nt > 0 ? trough / nt : NAN;
}

/* Detail table: hunting share by the fifth of the starting force's book
 * sizes a rep's current book falls in. */
static void hunting_table(salesim_world *w) {
  static const char *const cols[] = {"replication", "book_fifth", "book_from", "book_to",
                                     "hunting_share", "agent_months"};
  salesim_table *t = NULL;
  int rc = salesim_table_alloc(&t, "hunting_by_book", 6, cols);
  if (rc != 0) {
    salesim_world_fail(w, rc, "out of memory for the table hunting_by_book");
    return;
  }
  const salesim_ledger *L = &w->ledger;
  for (int b = 0; b < 5; b++) {
    double row[6] = {w->rep + 1,
                     b + 1,
                     b == 0 ? 0 : w->book_cut[b - 1],
                     b == 4 ? INFINITY : w->book_cut[b],
                     ratio(L->band_hunt[b], L->band_hunt[b] + L->band_farm[b]),
                     L->band_n[b]};
    rc = salesim_table_add(t, w->spec->name, row);
    if (rc != 0) {
      salesim_world_fail(w, rc, "out of memory for the table hunting_by_book");
      salesim_table_free(t);
      return;
    }
  }
  salesim_world_add_table(w, t);
}

/* Detail table people.csv (population.people_table with the company's
 * roster): one row per starting person of the data (slot i held by roster
 * row w->data_rep[i]) for this replication: still in the slot at the end,
 * months employed, and pay and credited sales per year employed while they
 * held it. Only recorded figures: no result depends on it. */
static void people_table(salesim_world *w) {
  static const char *const cols[] = {"replication",    "rep",          "slot",
                                     "employed_end",   "months_employed", "pay_per_year",
                                     "credited_sales_per_year"};
  enum { NC = (int)(sizeof cols / sizeof cols[0]) };
  salesim_table *t = NULL;
  int rc = salesim_table_alloc(&t, "people", NC, cols);
  if (rc != 0) {
    salesim_world_fail(w, rc, "out of memory for the table people");
    return;
  }
  double per_year = w->sc->months_per_year;
  for (int i = 0; i < w->n_agents; i++) {
    const salesim_agent *a = &w->agents[i];
    const double *p = &w->person[3 * (size_t)i];
    double row[NC] = {w->rep + 1,
                      (double)w->data_rep[i],
                      i,
                      a->hire_count == 0 && a->status != SALESIM_AGENT_VACANT,
                      p[0],
                      ratio(p[1] * per_year, p[0]),
                      ratio(p[2] * per_year, p[0])};
    rc = salesim_table_add(t, w->spec->name, row);
    if (rc != 0) {
      salesim_world_fail(w, rc, "out of memory for the table people");
      salesim_table_free(t);
      return;
    }
  }
  salesim_world_add_table(w, t);
}

void salesim_metrics_finish(salesim_world *w) {
  const salesim_scenario *sc = w->sc;
  const salesim_ledger *L = &w->ledger;
  double *m = w->metrics;
  double per_year = (double)sc->months_per_year / sc->months;
  m[SALESIM_METRIC_REVENUE] = L->revenue * per_year;
  m[SALESIM_METRIC_REVENUE_NEW] = L->revenue_new * per_year;
  m[SALESIM_METRIC_REVENUE_BOOK] = L->revenue_book * per_year;
  m[SALESIM_METRIC_NEW_CUSTOMERS] = L->new_customers * per_year;
  m[SALESIM_METRIC_PAY_COST] = L->pay * per_year;
  m[SALESIM_METRIC_PAY_FIXED] = L->pay_fixed * per_year;
  m[SALESIM_METRIC_PAY_VARIABLE] = L->pay_variable * per_year;
  m[SALESIM_METRIC_MGMT_COST] = L->mgmt_cost * per_year;
  m[SALESIM_METRIC_COST_OF_SALES] = ratio(L->pay + L->mgmt_cost, L->revenue);
  m[SALESIM_METRIC_COST_PER_NEW_CUSTOMER] = ratio(L->pay + L->mgmt_cost, L->new_customers);
  m[SALESIM_METRIC_PROFIT] =
      (L->revenue * sc->firm.margin - L->pay - L->mgmt_cost) * per_year;
  int head = 0, top_alive = 0;
  for (int i = 0; i < w->n_agents; i++) {
    const salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    head++;
    if (a->hired_month < 0 && a->top_quintile)
      top_alive++;
  }
  m[SALESIM_METRIC_HEADCOUNT_END] = head;
  m[SALESIM_METRIC_QUITS] = L->quits * per_year;
  m[SALESIM_METRIC_QUITS_BROKE] = L->quits_broke * per_year;
  m[SALESIM_METRIC_HIRES] = L->hires * per_year;
  m[SALESIM_METRIC_OFFERS_DECLINED] = L->offers_declined * per_year;
  m[SALESIM_METRIC_SURVIVAL_6] = ratio(L->hires_6_alive, L->hires_6_total);
  m[SALESIM_METRIC_SURVIVAL_12] = ratio(L->hires_12_alive, L->hires_12_total);
  m[SALESIM_METRIC_TOP_RETENTION] = ratio(top_alive, L->top_start);
  m[SALESIM_METRIC_PCT_BELOW_50] = ratio(L->att_below50, L->att_n);
  m[SALESIM_METRIC_PCT_80_120] = ratio(L->att_80_120, L->att_n);
  m[SALESIM_METRIC_PCT_AT_TARGET] = ratio(L->att_at, L->att_n);
  m[SALESIM_METRIC_PCT_ABOVE_150] = ratio(L->att_above150, L->att_n);
  double *ote = &m[SALESIM_METRIC_OTE_ACCURACY];
  if (salesim_stats_median(w->ote_ratio, (size_t)w->n_ote, ote) != 0)
    salesim_world_fail(w, SALESIM_ENOMEM, "out of memory for the OTE accuracy median");
  m[SALESIM_METRIC_PAY_GINI] = ratio(L->gini_sum, L->gini_n);
  m[SALESIM_METRIC_PAY_PERF_CORR] = ratio(L->corr_sum, L->corr_n);
  m[SALESIM_METRIC_TARGET_ACCURACY] = ratio(L->target_err_sum, L->target_err_n);
  m[SALESIM_METRIC_HUNTING_SHARE] = ratio(L->hunt_sum, L->hunt_sum + L->farm_sum);
  m[SALESIM_METRIC_EFFORT] = ratio(L->effort_sum, L->agent_months);
  m[SALESIM_METRIC_EFFORT_LATE] = ratio(L->effort_late, L->effort_n_late);
  m[SALESIM_METRIC_EFFORT_Q4_RATIO] =
      ratio(ratio(L->effort_q4, L->effort_n_q4), ratio(L->effort_q123, L->effort_n_q123));
  if (sc->production.mode == SALESIM_MODE_PIPELINE) {
    m[SALESIM_METRIC_COLLISIONS] = L->collisions * per_year;
    m[SALESIM_METRIC_HUNT_SMALL_BOOK] = ratio(L->band_hunt[0], L->band_hunt[0] + L->band_farm[0]);
    m[SALESIM_METRIC_HUNT_LARGE_BOOK] = ratio(L->band_hunt[4], L->band_hunt[4] + L->band_farm[4]);
    m[SALESIM_METRIC_DEALS_PULLED] = L->pulled * per_year;
    m[SALESIM_METRIC_DEALS_PUSHED] = L->pushed * per_year;
    m[SALESIM_METRIC_DEALS_MOVED] = ratio(L->pulled + L->pushed, L->new_customers + L->pulled);
    m[SALESIM_METRIC_DISCOUNT_COST] = L->discount_cost * per_year;
    /* Larkin (2014) reports the cost of timing games as a share of revenue:
     * shares of new business at list price (revenue_new + discounts) */
    m[SALESIM_METRIC_REVENUE_MOVED] =
        ratio(L->pulled_value + L->pushed_value, L->revenue_new + L->discount_cost);
    m[SALESIM_METRIC_DISCOUNT_SHARE] = ratio(L->discount_cost, L->revenue_new + L->discount_cost);
    m[SALESIM_METRIC_FORECAST_ERROR] = ratio(L->forecast_err_sum, L->forecast_n);
    year_shape(w);
    hunting_table(w);
  }
  if (w->spec->overlays.review) {
    m[SALESIM_METRIC_WARNINGS] = L->warnings * per_year;
    m[SALESIM_METRIC_WARNING_PRECISION] = ratio(L->warn_tp, L->warn_tp + L->warn_fp);
    m[SALESIM_METRIC_WARNING_RECALL] = ratio(L->warn_tp, L->warn_tp + L->warn_fn);
    m[SALESIM_METRIC_WARNING_LEAD] = ratio(L->warn_lead, L->warn_tp);
  }
  if (w->person != NULL && w->data_rep != NULL)
    people_table(w);
  if (w->type->report) {
    int rc = w->type->report(w);
    if (rc != 0 && w->error == 0)
      salesim_world_fail(w, rc, "%s: report failed", w->type->name);
  }
  if (w->error == 0)
    salesim_world_metrics_finish(w);
}
