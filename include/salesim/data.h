/*
 * salesim/data.h: a company's own data (issue 13): its territories,
 * accounts, people, their plan-period results, its deal log and activities,
 * in memory.
 *
 * The same structure comes from three places: the CSV files a scenario names
 * in its `data` group (engine/scenario/data_load.c, docs/data-format.md),
 * the history a simulated firm records (`salesim run --export-history`),
 * and a program that builds one row by row with the functions below. The
 * calibration's moments are computed from it in every case, so what is
 * observed and what is simulated are measured by one definition.
 *
 * Rows refer to each other by index (a rep's territory is an index into
 * `territories`); the ids and names the company uses are kept as strings
 * for messages and outputs. Strings live in the data's own arena: a pointer
 * returned by salesim_data_intern stays valid until the data is freed.
 * Dates are days since 1970-01-01 (proleptic Gregorian), months are
 * year * 12 + month - 1.
 *
 * A loaded scenario owns its data through a reference count: copies of the
 * scenario (sweeps) share it, read-only. Building is single-threaded.
 * Read next: engine/base/data.c, docs/data-format.md.
 */
#ifndef SALESIM_DATA_H
#define SALESIM_DATA_H

#include <limits.h>
#include <stddef.h>

#include "errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A date that was left blank. */
#define SALESIM_DATA_NO_DATE LONG_MIN

/** The files, in the order they are read and checked. */
typedef enum salesim_data_file {
  SALESIM_DATA_TERRITORIES = 0,
  SALESIM_DATA_ACCOUNTS,
  SALESIM_DATA_ROSTER,
  SALESIM_DATA_PERFORMANCE,
  SALESIM_DATA_OPPORTUNITIES,
  SALESIM_DATA_ACTIVITIES,
  SALESIM_DATA_FILES
} salesim_data_file;

/** What an id names (salesim_data_find). */
typedef enum salesim_data_kind {
  SALESIM_DATA_K_TERRITORY = 0,
  SALESIM_DATA_K_ACCOUNT,
  SALESIM_DATA_K_REP,
  SALESIM_DATA_K_OPPORTUNITY,
  SALESIM_DATA_K_ACTIVITY,
  SALESIM_DATA_KINDS
} salesim_data_kind;

/** territories.csv: territory_id, name, region, potential, prospects. */
typedef struct salesim_data_territory {
  const char *id, *name, *region; /* name, region: "" when blank */
  double potential;               /* new business a year, currency; NAN: from the scenario */
  double prospects;               /* prospects in the pool; NAN: from the scenario */
} salesim_data_territory;

/** accounts.csv: account_id, name, territory_id, owner_rep_id,
 *  annual_revenue, customer_since. */
typedef struct salesim_data_account {
  const char *id, *name;
  int territory;          /* index into territories */
  int owner;              /* index into reps; -1: nobody serves it */
  double annual_revenue;  /* recurring revenue a year, currency */
  long customer_since;    /* days; SALESIM_DATA_NO_DATE when blank */
} salesim_data_account;

/** Why a person left (roster.csv exit_reason). */
typedef enum salesim_data_exit {
  SALESIM_DATA_EXIT_NONE = 0, /* still employed */
  SALESIM_DATA_EXIT_QUIT,     /* resigned */
  SALESIM_DATA_EXIT_DISMISSED,/* let go by the firm */
  SALESIM_DATA_EXIT_OTHER     /* retired, moved, ill, ... (the model's life events) */
} salesim_data_exit;

/** roster.csv: rep_id, name, territory_id, hire_date, exit_date,
 *  exit_reason, grade, annual_base, target_incentive, annual_quota. */
typedef struct salesim_data_rep {
  const char *id, *name;
  int territory;           /* index into territories */
  long hire_date;          /* days */
  long exit_date;          /* days; SALESIM_DATA_NO_DATE: still employed */
  int exit_reason;         /* salesim_data_exit */
  int grade;               /* 1, 2, ...; 0 when blank */
  double annual_base;      /* fixed pay a year, currency; NAN when blank */
  double target_incentive; /* variable pay at 100 % of quota, a year; NAN when blank */
  double annual_quota;     /* currency; NAN when blank */
} salesim_data_rep;

/** performance.csv: rep_id, period, quota, credited_sales, variable_pay. */
typedef struct salesim_data_period {
  int rep;                 /* index into reps */
  long first_month;        /* year * 12 + month - 1 */
  int months;              /* 12, 3 or 1 */
  double quota;            /* the period's quota, currency */
  double credited_sales;   /* currency */
  double variable_pay;     /* currency; NAN when blank */
} salesim_data_period;

/** A stage of opportunities.csv. */
typedef enum salesim_data_stage {
  SALESIM_DATA_STAGE_LEAD = 0,
  SALESIM_DATA_STAGE_20 = 1, /* 1..4: the model's stages 20, 40, 60, 80 % */
  SALESIM_DATA_STAGE_40 = 2,
  SALESIM_DATA_STAGE_60 = 3,
  SALESIM_DATA_STAGE_80 = 4,
  SALESIM_DATA_STAGE_WON = 5,
  SALESIM_DATA_STAGE_LOST = 6
} salesim_data_stage;

/** opportunities.csv, one row per stage change: opportunity_id, account_id,
 *  rep_id, date, stage, value. */
typedef struct salesim_data_event {
  int opportunity;         /* index into opportunity ids */
  int account;             /* index into accounts; -1 when blank (a new customer) */
  int rep;                 /* index into reps */
  long date;               /* days */
  int stage;               /* salesim_data_stage */
  double value;            /* contract value, currency; NAN when blank */
} salesim_data_event;

/** activities.csv: activity_id, rep_id, date, type, state, account_id. */
typedef enum salesim_data_activity_type {
  SALESIM_DATA_ACT_DAILY = 0, SALESIM_DATA_ACT_VISIT, SALESIM_DATA_ACT_TRIP
} salesim_data_activity_type;
typedef enum salesim_data_activity_state {
  SALESIM_DATA_ACT_PLANNED = 0, SALESIM_DATA_ACT_UNPLANNED, SALESIM_DATA_ACT_POSTPONED,
  SALESIM_DATA_ACT_CANCELLED, SALESIM_DATA_ACT_IN_PROGRESS, SALESIM_DATA_ACT_DONE,
  SALESIM_DATA_ACT_OVERDUE
} salesim_data_activity_state;
typedef struct salesim_data_activity {
  const char *id;
  int rep;                 /* index into reps */
  long date;               /* days */
  int type;                /* salesim_data_activity_type */
  int state;               /* salesim_data_activity_state */
  int account;             /* index into accounts; -1 when blank */
} salesim_data_activity;

/** A company's data. Counts and arrays are read-only to everyone but the
 *  builder functions. */
typedef struct salesim_data {
  /* where each file came from, as the scenario names it (NULL: not given),
   * and the FNV-1a 64 hash of its bytes, hex ("" when not given) */
  char *path[SALESIM_DATA_FILES];
  char hash[SALESIM_DATA_FILES][17];
  /* the simulated firm's month 0: the first day of a month, in days; the
   * history is what happened before it (SALESIM_DATA_NO_DATE: not set) */
  long start;
  /* the revenue of the accounts that were customers before `start`, as the
   * simulation's starting books: annual_revenue * account_scale (1 for a
   * company's own data; the calibration's back-cast to the history's first
   * day, engine/run/calibrate.c) */
  double account_scale;
  salesim_data_territory *territories;
  size_t n_territories;
  salesim_data_account *accounts;
  size_t n_accounts;
  salesim_data_rep *reps;
  size_t n_reps;
  salesim_data_period *periods;
  size_t n_periods;
  salesim_data_event *events;  /* in file order until salesim_data_sort_events */
  size_t n_events;
  const char **opportunities;  /* opportunity ids, by index */
  size_t n_opportunities;
  salesim_data_activity *activities;
  size_t n_activities;
  void *priv;                  /* the arena, the id indexes, the reference count */
  /* 1: the names are the ids (salesim_data_redacted, `--redact`): writers
   * that would copy the data's files write them from memory instead */
  int redacted;
} salesim_data;

/** An empty data set (start = SALESIM_DATA_NO_DATE), or NULL if out of
 *  memory. Its reference count is 1. */
salesim_data *salesim_data_new(void);
/** One more owner; returns d. */
salesim_data *salesim_data_retain(salesim_data *d);
/** A new data set with `d`'s territories, accounts and people (not its
 *  periods, deals or activities: the shape a simulation starts from) and
 *  the start `start`: the calibration's firm as it stood on its history's
 *  first day. NULL if out of memory. */
salesim_data *salesim_data_copy_shape(const salesim_data *d, long start);
/** Drop one owner; the last frees everything. NULL is ignored. */
void salesim_data_free(salesim_data *d);

/** A copy of `s` in the data's arena (stable until the data is freed), or
 *  NULL if out of memory. NULL `s` gives "". */
const char *salesim_data_intern(salesim_data *d, const char *s);

/** The index of the row whose id is `id`, or -1. */
long salesim_data_find(const salesim_data *d, salesim_data_kind kind, const char *id);

/* Append a row (its strings are interned: the caller's may be temporary).
 * Each returns the new row's index, SALESIM_EINVAL when the id is already
 * there (kinds with ids), or SALESIM_ENOMEM. Indexes inside the row must be
 * valid already (the territory before its accounts and reps...). */
long salesim_data_add_territory(salesim_data *d, const salesim_data_territory *t);
long salesim_data_add_account(salesim_data *d, const salesim_data_account *a);
long salesim_data_add_rep(salesim_data *d, const salesim_data_rep *r);
long salesim_data_add_period(salesim_data *d, const salesim_data_period *p);
long salesim_data_add_activity(salesim_data *d, const salesim_data_activity *a);
/** The index of opportunity `id`, added if new (SALESIM_ENOMEM). */
long salesim_data_opportunity(salesim_data *d, const char *id);
/** Append a stage change (its `opportunity` from salesim_data_opportunity). */
long salesim_data_add_event(salesim_data *d, const salesim_data_event *e);

/** Sort the events by opportunity, then date, keeping the file's order
 *  among equal dates (stable). Returns 0 or SALESIM_ENOMEM. */
int salesim_data_sort_events(salesim_data *d);

/** The days since 1970-01-01 of year y, month m (1-12), day dd (1-31), and
 *  back; no check of the calendar (the CSV reader checks it). */
long salesim_data_days(int y, int m, int dd);
void salesim_data_ymd(long days, int *y, int *m, int *dd);

/** The people employed on d->start (hired before it, not yet left: exit
 *  date blank or on/after it), in roster order: the simulated firm's
 *  starting force, slot i held by rep out[i]. Writes at most `cap` indexes
 *  into `out` (may be NULL with cap 0) and returns how many there are. */
size_t salesim_data_starting_force(const salesim_data *d, long *out, size_t cap);

/** Whole calendar months from day `from` to day `to` (a month counts once
 *  its day of the month is reached); 0 when to <= from. Tenure from a hire
 *  date, the length of a history. */
int salesim_data_months_between(long from, long to);

/** The file's name as messages and docs use it ("roster.csv"...). */
const char *salesim_data_file_name(salesim_data_file f);

/** A full copy of `d` (every row, in the same order, the same indexes,
 *  paths, hashes, start and scale) whose names are replaced by ids: a
 *  territory's, a rep's and an account's name by its own id, a territory's
 *  region by "region-N", N counting the distinct regions in their order of
 *  first appearance (blank stays blank). What `--redact` runs on, so that
 *  no output carries a name (docs/data-format.md "Names and --redact").
 *  Its reference count is 1; NULL if out of memory. (Issue 13, names.) */
salesim_data *salesim_data_redacted(const salesim_data *d);

#ifdef __cplusplus
}
#endif
#endif
