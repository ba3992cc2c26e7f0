/*
 * models/core/history.h: the history recorder (issue 13): what one
 * replication of the simulated firm did, recorded as a company's data
 * (include/salesim/data.h) in the same terms a company brings its own:
 * territories, people (roster), accounts, plan-period results, the
 * opportunity log, activities.
 *
 * A world carries a recorder only when asked (w->history, NULL by default):
 * salesim_sim_run_recorded (models/core/sim.c) attaches one after the
 * world's set-up and takes the data at the end. Without it the loop pays
 * one pointer test at each recording site and nothing else; with it the
 * loop makes the same random draws in the same order (the recorder draws
 * nothing: the days within a month come from a hash of ids), so the run's
 * results are the same bits either way (tests/test_history.c).
 *
 * Accounts. The model keeps each rep's book as one number (a->book,
 * monthly recurring revenue) that churns multiplicatively; the recorder
 * gives it identity: the starting books are split into accounts of about
 * one won deal's account revenue, each won deal becomes an account, and
 * every account follows its holder's book (a slot's book, the revenue an
 * empty slot holds for its next holder, a territory's orphan book): scaled
 * by the same factor each month, moved with it when the book moves. The
 * accounts of a holder always sum to its number (to rounding).
 * Every choice is in docs/export-history.md.
 *
 * Read next: models/core/history.c, engine/output/history_csv.c.
 */
#ifndef SALESIM_HISTORY_H
#define SALESIM_HISTORY_H

#include <salesim/data.h>

#include "world.h"

/** The holders of accounts (salesim_history_scale, _transfer). */
typedef enum salesim_history_holder {
  SALESIM_HOLD_BOOK = 0, /* slot i's book (a->book) */
  SALESIM_HOLD_HELD = 1, /* slot i's held book (a->held_book), empty slot */
  SALESIM_HOLD_ORPHAN = 2 /* territory k's orphan book */
} salesim_history_holder;

/** An account whose monthly revenue fell below this share of its first
 *  month's is churned: it no longer appears in accounts.csv (its residue
 *  still counts in its holder's sum). */
#define SALESIM_HISTORY_CHURNED 0.05

/** The calendar's first month when the scenario has no data (2026-01-01). */
#define SALESIM_HISTORY_DEFAULT_YEAR 2026

/** The calendar month (1..12) of run month 0: firm.start_month, else the
 *  data's start month, else 1 (January). */
int salesim_calendar_start_month(const salesim_scenario *sc);

/** The calendar month (1..12) the plan year starts: firm.fiscal_year_start,
 *  else (0, the default) the start month (salesim_calendar_start_month):
 *  the plan year starts at run month 0. */
int salesim_calendar_fiscal_start(const salesim_scenario *sc);

/** The plan-year month (0..11) of run month 0: (start month - the fiscal
 *  start month) mod 12 with months_per_year = 12, else 0 (the plan year
 *  then starts at run month 0). month_in_year = (month + offset) %
 *  months_per_year. */
int salesim_calendar_offset(const salesim_scenario *sc);

/** Attach a recorder to a world just set up (month 0, before the first
 *  step): the territories, the starting force, their books split into
 *  accounts and their open opportunities with their earlier stages. Returns
 *  0 or SALESIM_ENOMEM (nothing attached). */
int salesim_history_attach(salesim_world *w);

/** The recorded history as a new salesim_data (*out, the caller frees it
 *  with salesim_data_free), after the run's last month. Returns 0 or
 *  SALESIM_ENOMEM. */
int salesim_history_finish(salesim_world *w, salesim_data **out);

/** Free a recorder (salesim_world_free does; NULL is ignored). */
void salesim_history_free(struct salesim_history *h);

/** The first day (days since 1970) of month m of the run. */
long salesim_history_month_day(const salesim_world *w, int m);

/** The monthly revenue of a holder's accounts (tests: it equals the
 *  holder's number, a->book, a->held_book or the orphan book). */
double salesim_history_holder_sum(const salesim_world *w, int kind, int index);

/* ---- recording sites (each called only when w->history != NULL) ---------- */

/** Opportunity ids of slot a's open deals, parallel to a->deal_value. */
long *salesim_history_ids(salesim_world *w, const salesim_agent *a);
/** Deals [first, a->n_opps) of slot a were just opened at their stages. */
void salesim_history_opened(salesim_world *w, const salesim_agent *a, int first);
/** Opportunity `opp` of slot a moved to `stage` (2..4, or
 *  SALESIM_DATA_STAGE_LOST). */
void salesim_history_stage(salesim_world *w, const salesim_agent *a, long opp, int stage);
/** Opportunity `opp` of slot a was won for `value`; it signs when the
 *  market books it (salesim_history_book). `deferrable`: a win of this
 *  month's step, which the push of timing games may hold into next month. */
void salesim_history_win(salesim_world *w, const salesim_agent *a, long opp, double value,
                         int deferrable);
/** The market booked `won` (the wins' value; a->book grew by won *
 *  account_share); `pushed`: this month's step wins were held back. */
void salesim_history_book(salesim_world *w, const salesim_agent *a, double won, int pushed);
/** Every open deal of slot a (and wins not yet signed) is lost: the person
 *  leaves the slot (salesim_pipeline_clear). */
void salesim_history_dropped(salesim_world *w, const salesim_agent *a);
/** A holder's accounts scaled by `factor` (the book's churn). */
void salesim_history_scale(salesim_world *w, int kind, int index, double factor);
/** All accounts of one holder go to another. */
void salesim_history_transfer(salesim_world *w, int from_kind, int from, int to_kind, int to);
/** Territory k's orphan accounts dealt to slots members[0..n): got[i] of
 *  monthly revenue to members[i] (the org mechanisms' hand-out). */
void salesim_history_hand_out(salesim_world *w, int k, const int *members, int n,
                              const double *got);
/** The person now in slot a joined it (a hire, or a fill from inside). */
void salesim_history_joined(salesim_world *w, const salesim_agent *a);
/** The person in slot a left the firm (`why`: salesim_exit). */
void salesim_history_exit(salesim_world *w, const salesim_agent *a, int why);
/** The person in slot a was paid `amount` (fixed or variable). */
void salesim_history_pay(salesim_world *w, const salesim_agent *a, double amount, int variable);
/** The person in slot a reported `done` customer visits this month, and
 *  `struck` more that an audit found false (monitoring). */
void salesim_history_visits(salesim_world *w, const salesim_agent *a, unsigned done,
                            unsigned struck);
/** The plan just set for slot a puts its person in the grade that
 *  `grade_tenure` gives its tenure (1-based; the mechanisms with grades). */
void salesim_history_grade(salesim_world *w, const salesim_agent *a,
                           const salesim_vector *grade_tenure);
/** The person in slot a had `credit` of credited sales this month. */
void salesim_history_month(salesim_world *w, const salesim_agent *a, double credit);

#endif
