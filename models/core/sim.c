/*
 * models/core/sim.c: the period loop (MODEL.md §1-§5, §7).
 *
 * salesim_world_step runs one month of a world set up by
 * salesim_world_alloc (models/core/world_alloc.c), in named steps, each
 * one job, always in this order:
 *
 *   1. plan_year_start: in a plan year's first month reset the year's
 *      counters; the mechanism sets targets and pay schedules (year_start)
 *   2. vacancies: a mechanism may fill a vacancy from inside (fill); else
 *      hire from outside once the delay is over (hire_into; hire hook);
 *      then the quarter's forecast (models/core/sim_metrics.c)
 *   3. decisions: every active agent looks at its incentive and chooses
 *      efforts (agent_choose: the mechanism's incentive, the ratchet
 *      overlay, models/core/decision.c, the mechanism's adjust)
 *   4. market_and_pay: for each filled slot the market of the month
 *      (models/core/market.c: book churn and revenue, pipeline steps,
 *      timing games, new leads and collisions) and then the mechanism pays
 *      the month (month_pay); savings lose the living cost (every payment
 *      reaches savings when salesim_world_pay makes it, bonuses paid at
 *      month_end or period_end too); the orphan books
 *   5. month_end: the mechanism's month_end; in the last month of a plan
 *      year period_end (bonuses) and the year's statistics
 *   6. leaving: savings gone, staying worth less than the outside wage, or
 *      life events; their accounts become the territory's orphan book and
 *      their pipeline is lost (salesim_world_exit, models/core/world.c)
 *   7. month_series: the month's row of the monthly series
 *
 * Every mechanism hook's status is checked (salesim_hook_status in
 * models/core/sim_internal.h): a failing hook, or a bound or allocation in
 * the loop, ends the month at once with the world's error, and
 * salesim_sim_run reports it as the run's diagnostic.
 *
 * salesim_sim_run sets up a world, loops the months and turns the ledger
 * into metrics (models/core/sim_metrics.c).
 *
 * The files of the loop: world.c (helpers mechanisms call, world.h),
 * world_alloc.c, sim.c, market.c, overlays.c, sim_metrics.c; what they
 * share is in sim_internal.h, which no mechanism includes.
 * Read next: models/core/market.c, models/core/overlays.c.
 */
#include "sim.h"

#include <math.h>
#include <string.h>

#include "decision.h"
#include "history.h"
#include "mechanism.h"
#include "pipeline.h"
#include "sim_internal.h"
#include "streams.h"

/* ---- decisions and hires ---------------------------------------------------- */

/* What agent a faces and chooses this month. */
int salesim_sim_incentive(salesim_world *w, salesim_agent *a, salesim_incentive *inc) {
  memset(inc, 0, sizeof *inc);
  inc->sched = &a->sched;
  inc->book_credit = 1;
  return salesim_hook_status(w, "incentive", w->type->incentive(w, a, inc), 0);
}

/* What agent a faces this month: the mechanism's incentive and the overlays. */
static int agent_incentive(salesim_world *w, salesim_agent *a, salesim_incentive *inc) {
  int rc = salesim_sim_incentive(w, a, inc);
  if (rc != 0)
    return rc;
  salesim_overlay_ratchet_cost(w, a, inc);
  return 0;
}

/* Agent a takes its choice ch of incentive inc (and the mechanism adjusts it). */
static int agent_take(salesim_world *w, salesim_agent *a, const salesim_incentive *inc,
                      salesim_choice *ch) {
  a->shadow = ch->shadow;
  a->exp_att = a->target > 0 && inc->period_months > 0 ? ch->exp_credit / a->target : 0;
  a->sd_att = a->target > 0 && inc->period_months > 0 ? ch->sd_credit / a->target : 0;
  a->m_now = ch->margin_now;
  a->m_after = ch->margin_after; /* timing games need a pay period: see period_left */
  a->period_left = inc->period_months > 0 ? inc->months_left : 0;
  if (w->type->adjust)
    return salesim_hook_status(w, "adjust", w->type->adjust(w, a, inc, ch), 0);
  return 0;
}

static int agent_choose(salesim_world *w, salesim_agent *a, salesim_incentive *inc,
                        salesim_choice *ch) {
  int rc = agent_incentive(w, a, inc);
  if (rc != 0)
    return rc;
  salesim_decide(w, a, inc, ch);
  return agent_take(w, a, inc, ch);
}

/* Fill a vacancy from outside: applicants come one by one (the j-th
 * applicant for the k-th hire of a slot is the same person under every
 * mechanism); the first who values the job above their outside wage takes
 * it. Nobody: the position stays empty another month. Returns the world's
 * error (a hook failed). */
static int hire_into(salesim_world *w, salesim_agent *a, int slot) {
  const salesim_population *pop = &w->sc->population;
  gsl_rng *r = w->rng_world;
  for (int j = 0; j < pop->candidates; j++) {
    salesim_stream_seed(r, w->seed, (uint64_t)w->rep, SALESIM_STREAM_HIRE,
                        ((uint64_t)slot << 32) + ((uint64_t)a->hire_count << 8) + (uint64_t)j);
    salesim_world_draw_person(w, a, r);
    a->book = a->held_book; /* the accounts come with the job: the applicant values them */
    salesim_pipeline_clear(w, a); /* empty already: the leaver's went with them */
    a->tenure = 0;
    a->hired_month = w->month;
    int rc = w->type->hire ? salesim_hook_status(w, "hire", w->type->hire(w, a), 0) : 0;
    if (rc != 0)
      return rc;
    salesim_incentive inc;
    salesim_choice ch;
    rc = agent_choose(w, a, &inc, &ch);
    if (rc != 0)
      return rc;
    /* the applicant weighs its own liquidity: pay that arrives after its
     * savings run out is worth nothing to it (issue 11 #5) */
    if (ch.ce_month_liquid >= a->outside_wage) {
      a->held_book = 0;
      if (w->history != NULL) { /* the hire and the accounts that came with the job */
        salesim_history_transfer(w, SALESIM_HOLD_HELD, slot, SALESIM_HOLD_BOOK, slot);
        salesim_history_joined(w, a);
      }
      a->hire_count++;
      w->ledger.hires += 1;
      w->ledger.mgmt_cost += pop->hiring_cost;
      w->ledger.hiring_cost += pop->hiring_cost;
      return 0;
    }
    w->ledger.offers_declined += 1;
  }
  a->status = SALESIM_AGENT_VACANT;
  a->book = 0; /* still held for the next applicant */
  a->vacant_until = w->month + 1;
  a->hire_count++;
  return 0;
}

/* ---- the steps of a month ---------------------------------------------------- */

/* Sums over the positions of one month, for its row of the series. */
typedef struct month_totals {
  double rev_new, rev_book, wins_all, pay0, hunt_sum, farm_sum;
  double pipe_sum, book_sum;
  int active;
} month_totals;

/* 1. A plan year's first month: the year's counters, then year_start. */
static int plan_year_start(salesim_world *w) {
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    a->credit_period = a->sales_year = a->pay_year = 0;
  }
  if (w->type->year_start)
    return salesim_hook_status(w, "year_start", w->type->year_start(w), 0);
  return 0;
}

/* 2. Vacancies: filled from inside by the mechanism, or by a hire. */
static int vacancies(salesim_world *w) {
  const salesim_mechanism_type *type = w->type;
  int rc;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status != SALESIM_AGENT_VACANT)
      continue;
    if (type->fill) {
      int filled = type->fill(w, a);
      if ((rc = salesim_hook_status(w, "fill", filled, 1)) != 0)
        return rc;
      if (filled == 1) {
        a->book += a->held_book; /* filled from inside: the accounts go with the seat */
        a->held_book = 0;
        if (w->history != NULL) {
          salesim_history_transfer(w, SALESIM_HOLD_HELD, i, SALESIM_HOLD_BOOK, i);
          salesim_history_joined(w, a);
        }
        continue;
      }
    }
    if (w->month >= a->vacant_until && (rc = hire_into(w, a, i)) != 0)
      return rc;
  }
  return 0;
}

/* 3. Decisions: the month's shocks, then each active agent's efforts. The
 * agents decide in blocks (salesim_decide_many: their searches side by
 * side, issue 12); that changes nothing, as an incentive reads only its own
 * agent and the world's settings (the hooks take them const) and a
 * decision reads nothing another agent's choice writes, and each agent
 * still takes its choice (and the mechanism's adjust) in turn. */
#define DECIDE_BLOCK 32
static int decisions(salesim_world *w) {
  int t = w->month;
  int rc = 0;
  for (int k = 0; k < w->n_terr; k++) {
    w->terr[k].shock = w->shock[(size_t)t * w->n_terr + k];
    w->terr[k].hunters = 0;
  }
  salesim_agent *blk[DECIDE_BLOCK];
  salesim_incentive inc[DECIDE_BLOCK];
  salesim_choice ch[DECIDE_BLOCK];
  int i = 0;
  while (i < w->n_agents && rc == 0) {
    int nb = 0;
    for (; i < w->n_agents && nb < DECIDE_BLOCK; i++) {
      salesim_agent *a = &w->agents[i];
      a->last_pay = 0;
      a->leads_month = 0;
      if (a->status != SALESIM_AGENT_ACTIVE) {
        a->hunt = a->farm = 0;
        continue;
      }
      /* a failed incentive ends the month after the agents before it */
      if ((rc = agent_incentive(w, a, &inc[nb])) != 0)
        break;
      blk[nb++] = a;
    }
    salesim_decide_many(w, nb, (const salesim_agent *const *)blk, inc, ch);
    for (int k = 0; k < nb; k++) {
      salesim_agent *a = blk[k];
      int rc2 = agent_take(w, a, &inc[k], &ch[k]);
      if (rc2 != 0)
        return rc2;
      salesim_metrics_count_effort(w, a, &ch[k]);
      a->hunt = ch[k].hunt;
      a->farm = ch[k].farm;
      a->stay_value = ch[k].ce_month;
      a->book_credit = inc[k].book_credit;
      a->assigned = inc[k].assigned_accounts;
      salesim_territory *tr = &w->terr[a->territory];
      if (!inc[k].assigned_accounts)
        tr->hunters += a->ability * a->skill * a->hunt;
    }
  }
  return rc;
}

/* 4. The market of each filled slot, then the mechanism pays its month. */
static int market_and_pay(salesim_world *w, month_totals *mt) {
  const salesim_scenario *sc = w->sc;
  const salesim_production *prod = &sc->production;
  const salesim_population *pop = &sc->population;
  salesim_ledger *L = &w->ledger;
  int rc;
  memset(mt, 0, sizeof *mt);
  mt->pay0 = L->pay;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    salesim_outcome o;
    memset(&o, 0, sizeof o);
    if (a->status == SALESIM_AGENT_ACTIVE) {
      mt->active++;
      mt->hunt_sum += a->hunt;
      mt->farm_sum += a->farm;
      L->hunt_sum += a->hunt;
      L->effort_sum += prod->hunt_pain * a->hunt + a->farm;
      L->farm_sum += a->farm;
      L->agent_months += 1;
    }
    if ((rc = salesim_market_agent(w, a, i, &o)) != 0)
      return rc;
    o.credit = o.revenue_new + a->book_credit * o.revenue_book;
    if ((rc = salesim_hook_status(w, "month_pay", w->type->month_pay(w, a, &o), 0)) != 0)
      return rc;
    a->credit_period += o.credit;
    a->sales_year += o.credit;
    if (w->person != NULL && a->hire_count == 0) { /* people.csv: the first holder */
      w->person[3 * (size_t)i] += 1;
      w->person[3 * (size_t)i + 2] += o.credit;
    }
    if (w->history != NULL)
      salesim_history_month(w, a, o.credit);
    a->savings -= pop->living_cost; /* pay was added as it was paid (salesim_world_pay) */
    mt->rev_new += o.revenue_new;
    mt->rev_book += o.revenue_book;
    mt->wins_all += o.wins;
    L->quarter_sales += o.revenue_new;
    mt->pipe_sum += a->pipeline_value;
    mt->book_sum += a->book;
  }
  salesim_market_orphans(w, &mt->rev_book, &mt->book_sum);
  L->mgmt_cost += sc->firm.overhead_per_rep * mt->active; /* managing the people in the field */
  L->revenue_new += mt->rev_new;
  L->revenue_book += mt->rev_book;
  L->revenue += mt->rev_new + mt->rev_book;
  L->new_customers += mt->wins_all;
  return 0;
}

/* 5. The month's end; at a plan year's end period_end and its statistics. */
static int month_end(salesim_world *w) {
  const salesim_mechanism_type *type = w->type;
  int rc;
  if (type->month_end && (rc = salesim_hook_status(w, "month_end", type->month_end(w), 0)) != 0)
    return rc;
  salesim_metrics_quarter_end(w);
  if (w->month_in_year == w->sc->months_per_year - 1) {
    if (type->period_end &&
        (rc = salesim_hook_status(w, "period_end", type->period_end(w), 0)) != 0)
      return rc;
    salesim_metrics_year_end(w);
  }
  return 0;
}

/* 6. People leave (savings gone, a better outside wage, life events); the
 *    others serve another month. */
static void leaving(salesim_world *w) {
  const salesim_population *pop = &w->sc->population;
  int t = w->month;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    if (a->status == SALESIM_AGENT_VACANT)
      continue;
    if (a->savings < 0)
      salesim_world_exit(w, a, SALESIM_EXIT_BROKE);
    else if (a->status == SALESIM_AGENT_ACTIVE && a->stay_value < a->outside_wage)
      salesim_world_exit(w, a, SALESIM_EXIT_QUIT);
    else if (salesim_hash_uniform(w->seed, (uint64_t)w->rep,
                                  ((uint64_t)SALESIM_STREAM_LIFE << 32) + (uint64_t)i,
                                  (uint64_t)t) < pop->quit_rate)
      salesim_world_exit(w, a, SALESIM_EXIT_EXOGENOUS);
    else {
      a->tenure++;
      salesim_world_count_survival(w, a, 0);
    }
  }
}

/* 7. The month's row of the monthly series. */
static void month_series(salesim_world *w, const month_totals *mt) {
  double *mon = &w->monthly[(size_t)w->month * SALESIM_SERIES_COUNT];
  const salesim_ledger *L = &w->ledger;
  int headcount = 0;
  for (int i = 0; i < w->n_agents; i++)
    headcount += w->agents[i].status != SALESIM_AGENT_VACANT;
  mon[SALESIM_SERIES_REVENUE] += mt->rev_new + mt->rev_book;
  mon[SALESIM_SERIES_REVENUE_NEW] += mt->rev_new;
  mon[SALESIM_SERIES_REVENUE_BOOK] += mt->rev_book;
  mon[SALESIM_SERIES_NEW_CUSTOMERS] += mt->wins_all;
  mon[SALESIM_SERIES_PAY] += L->pay - mt->pay0;
  mon[SALESIM_SERIES_MGMT_COST] = L->mgmt_cost - w->mgmt_prev;
  w->mgmt_prev = L->mgmt_cost;
  mon[SALESIM_SERIES_HEADCOUNT] = headcount;
  mon[SALESIM_SERIES_HUNTING] = mt->hunt_sum;
  mon[SALESIM_SERIES_FARMING] = mt->farm_sum;
  mon[SALESIM_SERIES_PIPELINE] = mt->pipe_sum;
  mon[SALESIM_SERIES_BOOK] = mt->book_sum;
}

int salesim_world_step(salesim_world *w) {
  int mpy = w->sc->months_per_year;
  /* the plan year's calendar: fiscal_offset is 0 unless the run starts
   * inside a plan year (firm.fiscal_year_start, firm.start_month); that
   * first, stub, year still starts at run month 0, its plans prorated to
   * the months left (months_per_year - month_in_year) */
  w->month_in_year = (w->month + w->fiscal_offset) % mpy;
  w->year = (w->month + w->fiscal_offset) / mpy;
  month_totals mt;
  int rc;
  if ((w->month_in_year == 0 || w->month == 0) && (rc = plan_year_start(w)) != 0)
    return rc;
  if ((rc = vacancies(w)) != 0)
    return rc;
  salesim_metrics_quarter_start(w);
  if ((rc = decisions(w)) != 0 || (rc = market_and_pay(w, &mt)) != 0 ||
      (rc = month_end(w)) != 0)
    return rc;
  leaving(w);
  month_series(w, &mt);
  w->month++;
  return w->error;
}

/* ---- the run -------------------------------------------------------------- */

static unsigned long long total_draws;

void salesim_sim_reset_counters(void) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
  total_draws = 0;
}

unsigned long long salesim_sim_draws(void) {
  unsigned long long v;
#ifdef _OPENMP
#pragma omp atomic read
#endif
  v = total_draws;
  return v;
}

/* A NaN or infinity in month t's series: a numerical failure. */
static int month_finite(const salesim_world *w, int t) {
  const double *mon = &w->monthly[(size_t)t * SALESIM_SERIES_COUNT];
  for (int k = 0; k < SALESIM_SERIES_COUNT; k++)
    if (!isfinite(mon[k]))
      return 0;
  return 1;
}

/* salesim_sim_run, and with `history` (not NULL) the recorded history. */
static int sim_run(const salesim_scenario *sc, int mech, int rep, uint64_t seed,
                   salesim_task_out *out, salesim_diag *diag, salesim_data **history) {
  salesim_world *w = NULL;
  const char *label = sc->mechanisms[mech].name;
  char why[sizeof w->error_text];
  int rc = salesim_world_alloc_why(&w, sc, mech, rep, seed, why, sizeof why);
  if (rc != 0) {
    if (why[0] != '\0')
      salesim_diag_add(diag, "%s: replication %d: %s: %s", label, rep + 1, salesim_strerror(rc),
                       why);
    else
      salesim_diag_add(diag, "%s: replication %d: %s", label, rep + 1, salesim_strerror(rc));
    return rc;
  }
  if (history != NULL && (rc = salesim_history_attach(w)) != 0) {
    salesim_diag_add(diag, "%s: replication %d: the history recorder: %s", label, rep + 1,
                     salesim_strerror(rc));
    salesim_world_free(w);
    return rc;
  }
  w->monthly = out->monthly;
  w->metrics = out->metrics;
  for (int m = 0; m < w->n_metrics; m++)
    w->metrics[m] = NAN;
  for (int t = 0; t < sc->months && w->error == 0; t++) {
    if (out->cancel != NULL && *out->cancel) {
      rc = SALESIM_EINTERRUPTED;
      break;
    }
    if (salesim_world_step(w) == 0 && !month_finite(w, t))
      salesim_world_fail(w, SALESIM_ENUMERIC, "month %d: NaN or infinity in the monthly results",
                         t + 1);
  }
  if (rc == 0 && w->error == 0) {
    salesim_metrics_finish(w);
    for (int m = 0; m < w->n_metrics && w->error == 0; m++)
      if (isinf(w->metrics[m])) /* NaN is "not defined" (no data), infinity a failure */
        salesim_world_fail(w, SALESIM_ENUMERIC, "metric %s is infinite",
                           salesim_metric_catalogue_info(m)->name);
  }
  if (rc == 0 && w->error != 0) {
    rc = w->error;
    salesim_diag_add(diag, "%s: replication %d: %s: %s", label, rep + 1,
                     salesim_strerror(rc), w->error_text);
  }
  if (rc != 0) {
    salesim_world_free(w);
    return rc;
  }
  if (history != NULL && (rc = salesim_history_finish(w, history)) != 0) {
    salesim_diag_add(diag, "%s: replication %d: the history recorder: %s", label, rep + 1,
                     salesim_strerror(rc));
    salesim_world_free(w);
    return rc;
  }
#ifdef _OPENMP
#pragma omp atomic
#endif
  total_draws += w->draws;
  out->tables = w->tables;
  out->n_tables = w->n_tables;
  w->tables = NULL;
  w->n_tables = 0;
  salesim_world_free(w);
  return 0;
}

int salesim_sim_run(const salesim_scenario *sc, int mech, int rep, uint64_t seed,
                    salesim_task_out *out, salesim_diag *diag) {
  return sim_run(sc, mech, rep, seed, out, diag, NULL);
}

int salesim_sim_run_recorded(const salesim_scenario *sc, int mech, int rep, uint64_t seed,
                             salesim_task_out *out, salesim_diag *diag,
                             salesim_data **history) {
  *history = NULL;
  return sim_run(sc, mech, rep, seed, out, diag, history);
}
