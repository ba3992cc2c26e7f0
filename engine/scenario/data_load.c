/*
 * engine/scenario/data_load.c: a company's own data (issue 13), read from the
 * CSV files a scenario names in its optional `data` group into sc->data.
 *
 *   data = { territories = "data/territories.csv"; roster = "data/roster.csv";
 *            accounts = "..."; performance = "..."; opportunities = "...";
 *            activities = "..."; start = "2026-01-01"; };
 *
 * Each path is relative to the scenario's folder and confined exactly like
 * @include (scn_confine: the folder's tree or the load's --include-dir
 * folders), a regular file of at most SALESIM_DATA_FILE_MAX_BYTES. The
 * files are read in the order of salesim_data_file (territories first) with
 * salesim_data_csv_parse and their rows added with the builder functions of
 * include/salesim/data.h; then the checks across rows and files (ids, dates
 * in order, a rep in two territories, periods within employment, the deal
 * log's stage order...) once the start date is known. Every problem is one
 * line "FILE:LINE: COLUMN: problem (expected ...)" in the load's diag (at
 * most SALESIM_DATA_CSV_MAX_ERRORS a file), all of them in one run; the load
 * then fails as any scenario with a problem does (exit 2, nothing written).
 * Last, what the data decides in the scenario: territories.count from
 * territories.csv, population.reps from the starting force.
 * docs/data-format.md is the reference of the files, columns and checks.
 *
 * Read next: engine/base/data.c (the structure it fills), docs/data-format.md.
 */
#define _XOPEN_SOURCE 700

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <salesim/data.h>

#include "data_csv.h"
#include "params.h"
#include "scenario_loader.h"

/* ---- the files' columns (docs/data-format.md) ------------------------------- */

enum { TE_ID, TE_NAME, TE_REGION, TE_POTENTIAL, TE_PROSPECTS, TE_N };
static const salesim_data_column territory_cols[TE_N] = {
    {"territory_id", 1}, {"name", 0}, {"region", 0}, {"potential", 0}, {"prospects", 0}};

enum { AC_ID, AC_NAME, AC_TERRITORY, AC_OWNER, AC_REVENUE, AC_SINCE, AC_N };
static const salesim_data_column account_cols[AC_N] = {
    {"account_id", 1},   {"name", 0},           {"territory_id", 1},
    {"owner_rep_id", 0}, {"annual_revenue", 1}, {"customer_since", 0}};

enum { RO_ID, RO_NAME, RO_TERRITORY, RO_HIRE, RO_EXIT, RO_REASON, RO_GRADE, RO_BASE,
       RO_INCENTIVE, RO_QUOTA, RO_N };
static const salesim_data_column roster_cols[RO_N] = {
    {"rep_id", 1},      {"name", 0},        {"territory_id", 1}, {"hire_date", 1},
    {"exit_date", 0},   {"exit_reason", 0}, {"grade", 0},        {"annual_base", 0},
    {"target_incentive", 0}, {"annual_quota", 0}};

enum { PE_REP, PE_PERIOD, PE_QUOTA, PE_SALES, PE_PAY, PE_N };
static const salesim_data_column period_cols[PE_N] = {
    {"rep_id", 1}, {"period", 1}, {"quota", 1}, {"credited_sales", 1}, {"variable_pay", 0}};

enum { OP_ID, OP_ACCOUNT, OP_REP, OP_DATE, OP_STAGE, OP_VALUE, OP_N };
static const salesim_data_column opportunity_cols[OP_N] = {
    {"opportunity_id", 1}, {"account_id", 0}, {"rep_id", 1},
    {"date", 1},           {"stage", 1},      {"value", 0}};

enum { AV_ID, AV_REP, AV_DATE, AV_TYPE, AV_STATE, AV_ACCOUNT, AV_N };
static const salesim_data_column activity_cols[AV_N] = {
    {"activity_id", 1}, {"rep_id", 1}, {"date", 1}, {"type", 1}, {"state", 1}, {"account_id", 0}};

static const struct {
  const char *key; /* the setting in the data group */
  const salesim_data_column *cols;
  int n_cols;
} files[SALESIM_DATA_FILES] = {
    {"territories", territory_cols, TE_N}, {"accounts", account_cols, AC_N},
    {"roster", roster_cols, RO_N},          {"performance", period_cols, PE_N},
    {"opportunities", opportunity_cols, OP_N}, {"activities", activity_cols, AV_N}};

/* Enumerations, case-insensitive. Stages also as "20%" ... (stage_of). */
static const char *const exit_names[] = {"quit", "dismissed", "other"};
static const char *const stage_names[] = {"lead", "20", "40", "60", "80", "won", "lost"};
static const char *const type_names[] = {"daily", "visit", "trip"};
static const char *const state_names[] = {"planned", "unplanned", "postponed", "cancelled",
                                          "in_progress", "done", "overdue"};
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- one load of the data ------------------------------------------------------ */

typedef struct dload {
  loader *ld;
  salesim_data *d;
  const config_setting_t *set[SALESIM_DATA_FILES]; /* the setting naming each file */
  salesim_data_csv t[SALESIM_DATA_FILES];
  int parsed[SALESIM_DATA_FILES];                   /* t[f] holds rows */
  int inited[SALESIM_DATA_FILES];                   /* t[f] to free */
  /* the csv row of each row added, by the row's index in d (its line:
   * lineof) */
  long *line[SALESIM_DATA_FILES];
  const char **owner;  /* accounts.csv owner_rep_id by account, resolved after the roster */
  /* a file whose text or header has problems: references to its ids are
   * not reported (its rows may be missing: the first problem is enough) */
  int broken[SALESIM_DATA_FILES];
  /* ids of rows not added for a problem of another cell, by kind: a
   * reference to one is not reported again as unknown */
  salesim_data *rejected;
  int start_given;
  int oom;
} dload;

#define D_DIAG(L) ((L)->ld->diag)

static const char *date_text(long days, char buf[16]) {
  int y, m, dd;
  salesim_data_ymd(days, &y, &m, &dd);
  snprintf(buf, 16, "%04d-%02d-%02d", y, m, dd);
  return buf;
}

static const char *period_text(long first, int months, char buf[16]) {
  int y = (int)(first / 12), m = (int)(first % 12) + 1;
  if (months == 12)
    snprintf(buf, 16, "%04d", y);
  else if (months == 3)
    snprintf(buf, 16, "%04d-Q%d", y, (m - 1) / 3 + 1);
  else
    snprintf(buf, 16, "%04d-%02d", y, m);
  return buf;
}

/* One problem of cell (row, col) of file f. */
static void err(dload *L, int f, size_t row, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static void err(dload *L, int f, size_t row, int col, const char *fmt, ...) {
  char msg[640];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  salesim_data_csv_error(&L->t[f], row, col, D_DIAG(L), "%s", msg);
}

/* A required cell left blank: reported unless its whole column is missing
 * (reported once, on the header). */
static void blank(dload *L, int f, size_t row, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static void blank(dload *L, int f, size_t row, int col, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  if (col < 64 && !(L->t[f].present & (1ULL << col)))
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  err(L, f, row, col, "blank (expected %s)", msg);
}

/* The id in (row, col), or NULL when blank (reported as `what` missing). */
static const char *need(dload *L, int f, size_t row, int col, const char *what) {
  const char *s = salesim_data_csv_cell(&L->t[f], row, col);
  if (*s != '\0')
    return s;
  blank(L, f, row, col, "%s", what);
  return NULL;
}

/* The row of `kind` named in (row, col) of file f, from file `of`: its index,
 * or -1 (blank, or reported as unknown). */
static long ref(dload *L, int f, size_t row, int col, salesim_data_kind kind, int of) {
  const char *s = salesim_data_csv_cell(&L->t[f], row, col);
  char b[64];
  if (*s == '\0')
    return -1;
  long i = salesim_data_find(L->d, kind, s);
  if (i < 0 && !L->broken[of] && salesim_data_find(L->rejected, kind, s) < 0)
    err(L, f, row, col, "'%s' is not in %s (expected a %s of %s)",
        salesim_data_csv_shown(s, b, sizeof b), salesim_data_file_name((salesim_data_file)of),
        files[of].cols[0].name, salesim_data_file_name((salesim_data_file)of));
  return i;
}

/* A choice among names (case-insensitive): its index, -1 blank, -2 bad. */
static int choice(dload *L, int f, size_t row, int col, const char *const *names, size_t n,
                  const char *what) {
  const char *s = salesim_data_csv_cell(&L->t[f], row, col);
  char b[64], list[256];
  if (*s == '\0')
    return -1;
  for (size_t i = 0; i < n; i++)
    if (strcasecmp(s, names[i]) == 0)
      return (int)i;
  scn_join_list(names, n, list, sizeof list);
  err(L, f, row, col, "'%s' is not %s (expected one of: %s)",
      salesim_data_csv_shown(s, b, sizeof b), what, list);
  return -2;
}

/* A stage: lead, 20, 40, 60, 80, won, lost (also 20% ...). */
static int stage_of(dload *L, size_t row) {
  const char *s = salesim_data_csv_cell(&L->t[SALESIM_DATA_OPPORTUNITIES], row, OP_STAGE);
  size_t n = strlen(s);
  if (n == 3 && s[2] == '%') {
    for (int i = 1; i <= 4; i++)
      if (strncmp(s, stage_names[i], 2) == 0)
        return i;
  }
  int k = choice(L, SALESIM_DATA_OPPORTUNITIES, row, OP_STAGE, stage_names, N_OF(stage_names),
                 "a stage");
  if (k == -1)
    blank(L, SALESIM_DATA_OPPORTUNITIES, row, OP_STAGE, "one of: lead, 20, 40, 60, 80, won, lost");
  return k;
}

/* The line on which data row `i` of file f starts. */
static long lineof(const dload *L, int f, long i) { return L->t[f].line[L->line[f][i]]; }

static int remember_line(dload *L, int f, long row_index, size_t csv_row) {
  if (row_index < 0)
    return 0;
  L->line[f][row_index] = (long)csv_row;
  return 0;
}

/* A builder's result: the new row's index, or -1 (a duplicate id reported
 * naming the first line; out of memory noted). */
static long added(dload *L, int f, size_t row, int col, long rc, salesim_data_kind kind,
                  const char *id) {
  char b[64];
  if (rc == SALESIM_ENOMEM) {
    L->oom = 1;
    return -1;
  }
  if (rc == SALESIM_EINVAL) {
    long first = salesim_data_find(L->d, kind, id);
    err(L, f, row, col, "'%s' also on line %ld (expected each %s once)",
        salesim_data_csv_shown(id, b, sizeof b), first >= 0 ? lineof(L, f, first) : 0L,
        files[f].cols[col].name);
    return -1;
  }
  remember_line(L, f, rc, row);
  return rc;
}

/* ---- each file's rows ------------------------------------------------------------ */

static void read_territories(dload *L) {
  const int f = SALESIM_DATA_TERRITORIES;
  salesim_data_csv *t = &L->t[f];
  for (size_t r = 0; r < t->n_rows && !L->oom; r++) {
    salesim_data_territory row = {NULL, NULL, NULL, NAN, NAN};
    row.id = need(L, f, r, TE_ID, "a territory id");
    row.name = salesim_data_csv_cell(t, r, TE_NAME);
    row.region = salesim_data_csv_cell(t, r, TE_REGION);
    salesim_data_csv_number(t, r, TE_POTENTIAL, 0, "an amount a year", &row.potential,
                            D_DIAG(L));
    salesim_data_csv_number(t, r, TE_PROSPECTS, 0, "a count of prospects", &row.prospects,
                            D_DIAG(L));
    if (row.id != NULL)
      added(L, f, r, TE_ID, salesim_data_add_territory(L->d, &row), SALESIM_DATA_K_TERRITORY,
            row.id);
  }
}

static void read_accounts(dload *L) {
  const int f = SALESIM_DATA_ACCOUNTS;
  salesim_data_csv *t = &L->t[f];
  for (size_t r = 0; r < t->n_rows && !L->oom; r++) {
    salesim_data_account row = {NULL, NULL, -1, -1, NAN, SALESIM_DATA_NO_DATE};
    row.id = need(L, f, r, AC_ID, "an account id");
    row.name = salesim_data_csv_cell(t, r, AC_NAME);
    if (need(L, f, r, AC_TERRITORY, "a territory_id of territories.csv") != NULL)
      row.territory = (int)ref(L, f, r, AC_TERRITORY, SALESIM_DATA_K_TERRITORY,
                               SALESIM_DATA_TERRITORIES);
    if (salesim_data_csv_number(t, r, AC_REVENUE, 0, "an amount a year", &row.annual_revenue,
                                D_DIAG(L)) == 0)
      blank(L, f, r, AC_REVENUE, "the account's recurring revenue a year, 0 or more");
    salesim_data_csv_date(t, r, AC_SINCE, &row.customer_since, D_DIAG(L));
    if (row.id == NULL)
      continue;
    long i = added(L, f, r, AC_ID, salesim_data_add_account(L->d, &row), SALESIM_DATA_K_ACCOUNT,
                   row.id);
    if (i >= 0)
      L->owner[i] = salesim_data_csv_cell(t, r, AC_OWNER);
  }
}

static void read_roster(dload *L) {
  const int f = SALESIM_DATA_ROSTER;
  salesim_data_csv *t = &L->t[f];
  char d1[16], d2[16], b[64];
  for (size_t r = 0; r < t->n_rows && !L->oom; r++) {
    salesim_data_rep row = {NULL, NULL, -1, SALESIM_DATA_NO_DATE, SALESIM_DATA_NO_DATE,
                            SALESIM_DATA_EXIT_NONE, 0, NAN, NAN, NAN};
    row.id = need(L, f, r, RO_ID, "a rep id");
    row.name = salesim_data_csv_cell(t, r, RO_NAME);
    if (need(L, f, r, RO_TERRITORY, "a territory_id of territories.csv") != NULL)
      row.territory = (int)ref(L, f, r, RO_TERRITORY, SALESIM_DATA_K_TERRITORY,
                               SALESIM_DATA_TERRITORIES);
    int hire = salesim_data_csv_date(t, r, RO_HIRE, &row.hire_date, D_DIAG(L));
    if (hire == 0)
      blank(L, f, r, RO_HIRE, "the date the person was hired, YYYY-MM-DD");
    int ex = salesim_data_csv_date(t, r, RO_EXIT, &row.exit_date, D_DIAG(L));
    if (hire == 1 && ex == 1 && row.exit_date < row.hire_date)
      err(L, f, r, RO_EXIT, "%s is before hire_date %s (expected a date on or after hire_date)",
          date_text(row.exit_date, d1), date_text(row.hire_date, d2));
    int reason = choice(L, f, r, RO_REASON, exit_names, N_OF(exit_names), "an exit reason");
    if (reason >= 0 && ex == 0)
      err(L, f, r, RO_REASON, "'%s' without an exit_date (expected blank while exit_date is "
                              "blank)",
          salesim_data_csv_shown(salesim_data_csv_cell(t, r, RO_REASON), b, sizeof b));
    else if (reason == -1 && ex == 1)
      err(L, f, r, RO_REASON, "blank with exit_date %s (expected one of: quit, dismissed, other)",
          date_text(row.exit_date, d1));
    row.exit_reason = reason >= 0 && ex == 1 ? reason + 1 : SALESIM_DATA_EXIT_NONE;
    double g;
    if (salesim_data_csv_number(t, r, RO_GRADE, 1, "a grade", &g, D_DIAG(L)) == 1) {
      if (g != floor(g) || g > 1000)
        err(L, f, r, RO_GRADE, "'%s' is not a grade (expected an integer 1..1000)",
            salesim_data_csv_shown(salesim_data_csv_cell(t, r, RO_GRADE), b, sizeof b));
      else
        row.grade = (int)g;
    }
    salesim_data_csv_number(t, r, RO_BASE, 0, "an amount a year", &row.annual_base, D_DIAG(L));
    salesim_data_csv_number(t, r, RO_INCENTIVE, 0, "an amount a year", &row.target_incentive,
                            D_DIAG(L));
    salesim_data_csv_number(t, r, RO_QUOTA, 0, "an amount a year", &row.annual_quota, D_DIAG(L));
    if (row.id != NULL && hire == 1)
      added(L, f, r, RO_ID, salesim_data_add_rep(L->d, &row), SALESIM_DATA_K_REP, row.id);
    else if (row.id != NULL && salesim_data_add_rep(L->rejected, &row) == SALESIM_ENOMEM)
      L->oom = 1;
  }
}

static void read_periods(dload *L) {
  const int f = SALESIM_DATA_PERFORMANCE;
  salesim_data_csv *t = &L->t[f];
  char num[32];
  for (size_t r = 0; r < t->n_rows && !L->oom; r++) {
    salesim_data_period row = {-1, 0, 0, NAN, NAN, NAN};
    int ok = 1;
    if (need(L, f, r, PE_REP, "a rep_id of roster.csv") == NULL ||
        (row.rep = (int)ref(L, f, r, PE_REP, SALESIM_DATA_K_REP, SALESIM_DATA_ROSTER)) < 0)
      ok = 0;
    int p = salesim_data_csv_period(t, r, PE_PERIOD, &row.first_month, &row.months, D_DIAG(L));
    if (p == 0)
      blank(L, f, r, PE_PERIOD, "YYYY, YYYY-Qn or YYYY-MM, e.g. 2025-Q2");
    int q = salesim_data_csv_number(t, r, PE_QUOTA, 0, "an amount", &row.quota, D_DIAG(L));
    if (q == 0)
      blank(L, f, r, PE_QUOTA, "the period's quota, 0 or more");
    int s = salesim_data_csv_number(t, r, PE_SALES, 0, "an amount", &row.credited_sales,
                                    D_DIAG(L));
    if (s == 0)
      blank(L, f, r, PE_SALES, "the sales credited in the period, 0 or more");
    salesim_data_csv_number(t, r, PE_PAY, 0, "an amount", &row.variable_pay, D_DIAG(L));
    if (q == 1 && s == 1 && row.quota == 0 && row.credited_sales > 0)
      err(L, f, r, PE_QUOTA, "0 with credited_sales %s (expected a quota > 0 when sales are "
                             "credited: attainment is undefined)",
          salesim_params_number_text(row.credited_sales, num, sizeof num));
    if (ok && p == 1 && q == 1 && s == 1) {
      long i = salesim_data_add_period(L->d, &row);
      if (i < 0)
        L->oom = 1;
      else
        remember_line(L, f, i, r);
    }
  }
}

/* The last id found in a column: a deal log lists a deal's rows together,
 * so most rows repeat the row before's ids (one lookup saved per repeat). */
typedef struct memo {
  const char *s;
  long i;
} memo;

static long ref_memo(dload *L, memo *m, int f, size_t row, int col, salesim_data_kind kind,
                     int of) {
  const char *s = salesim_data_csv_cell(&L->t[f], row, col);
  if (m->s != NULL && m->i >= 0 && strcmp(s, m->s) == 0)
    return m->i;
  m->s = s;
  m->i = ref(L, f, row, col, kind, of);
  return m->i;
}

static void read_events(dload *L) {
  const int f = SALESIM_DATA_OPPORTUNITIES;
  salesim_data_csv *t = &L->t[f];
  int with_accounts = L->parsed[SALESIM_DATA_ACCOUNTS];
  memo m_acc = {NULL, -1}, m_rep = {NULL, -1}, m_opp = {NULL, -1};
  for (size_t r = 0; r < t->n_rows && !L->oom; r++) {
    salesim_data_event row = {-1, -1, -1, 0, 0, NAN};
    int ok = 1;
    const char *id = need(L, f, r, OP_ID, "an opportunity id");
    if (with_accounts)
      row.account = (int)ref_memo(L, &m_acc, f, r, OP_ACCOUNT, SALESIM_DATA_K_ACCOUNT,
                                  SALESIM_DATA_ACCOUNTS);
    if (need(L, f, r, OP_REP, "a rep_id of roster.csv") == NULL ||
        (row.rep = (int)ref_memo(L, &m_rep, f, r, OP_REP, SALESIM_DATA_K_REP,
                                 SALESIM_DATA_ROSTER)) < 0)
      ok = 0;
    int dt = salesim_data_csv_date(t, r, OP_DATE, &row.date, D_DIAG(L));
    if (dt == 0)
      blank(L, f, r, OP_DATE, "the date of the stage change, YYYY-MM-DD");
    int st = stage_of(L, r);
    salesim_data_csv_number(t, r, OP_VALUE, 0, "an amount", &row.value, D_DIAG(L));
    if (id == NULL || !ok || dt != 1 || st < 0)
      continue;
    row.stage = st;
    long o = m_opp.s != NULL && strcmp(id, m_opp.s) == 0 ? m_opp.i
                                                          : salesim_data_opportunity(L->d, id);
    if (o < 0) {
      L->oom = 1;
      break;
    }
    m_opp.s = id;
    m_opp.i = o;
    row.opportunity = (int)o;
    long i = salesim_data_add_event(L->d, &row);
    if (i < 0)
      L->oom = 1;
    else
      remember_line(L, f, i, r);
  }
}

static void read_activities(dload *L) {
  const int f = SALESIM_DATA_ACTIVITIES;
  salesim_data_csv *t = &L->t[f];
  int with_accounts = L->parsed[SALESIM_DATA_ACCOUNTS];
  for (size_t r = 0; r < t->n_rows && !L->oom; r++) {
    salesim_data_activity row = {NULL, -1, 0, 0, 0, -1};
    int ok = 1;
    row.id = need(L, f, r, AV_ID, "an activity id");
    if (need(L, f, r, AV_REP, "a rep_id of roster.csv") == NULL ||
        (row.rep = (int)ref(L, f, r, AV_REP, SALESIM_DATA_K_REP, SALESIM_DATA_ROSTER)) < 0)
      ok = 0;
    int dt = salesim_data_csv_date(t, r, AV_DATE, &row.date, D_DIAG(L));
    if (dt == 0)
      blank(L, f, r, AV_DATE, "the activity's date, YYYY-MM-DD");
    row.type = choice(L, f, r, AV_TYPE, type_names, N_OF(type_names), "an activity type");
    if (row.type == -1)
      blank(L, f, r, AV_TYPE, "one of: daily, visit, trip");
    row.state = choice(L, f, r, AV_STATE, state_names, N_OF(state_names), "an activity state");
    if (row.state == -1)
      blank(L, f, r, AV_STATE, "one of: planned, unplanned, postponed, cancelled, in_progress, "
                               "done, overdue");
    if (with_accounts)
      row.account = (int)ref(L, f, r, AV_ACCOUNT, SALESIM_DATA_K_ACCOUNT, SALESIM_DATA_ACCOUNTS);
    if (row.id == NULL || !ok || dt != 1 || row.type < 0 || row.state < 0)
      continue;
    added(L, f, r, AV_ID, salesim_data_add_activity(L->d, &row), SALESIM_DATA_K_ACTIVITY, row.id);
  }
}

/* ---- checks across rows and files -------------------------------------------------- */

static long month_of(long days) {
  int y, m, dd;
  salesim_data_ymd(days, &y, &m, &dd);
  return (long)y * 12 + m - 1;
}

static long month_days(long month) {
  return salesim_data_days((int)(month / 12), (int)(month % 12) + 1, 1);
}

/* The first day of the month after the latest date in the data. */
static long default_start(const salesim_data *d) {
  long last = LONG_MIN, month = LONG_MIN;
  for (size_t i = 0; i < d->n_reps; i++) {
    if (d->reps[i].hire_date > last)
      last = d->reps[i].hire_date;
    if (d->reps[i].exit_date > last)
      last = d->reps[i].exit_date;
  }
  for (size_t i = 0; i < d->n_accounts; i++)
    if (d->accounts[i].customer_since > last)
      last = d->accounts[i].customer_since; /* SALESIM_DATA_NO_DATE is LONG_MIN */
  for (size_t i = 0; i < d->n_events; i++)
    if (d->events[i].date > last)
      last = d->events[i].date;
  for (size_t i = 0; i < d->n_activities; i++)
    if (d->activities[i].date > last)
      last = d->activities[i].date;
  if (last != LONG_MIN)
    month = month_of(last) + 1;
  for (size_t i = 0; i < d->n_periods; i++)
    if (d->periods[i].first_month + d->periods[i].months > month)
      month = d->periods[i].first_month + d->periods[i].months;
  return month == LONG_MIN ? SALESIM_DATA_NO_DATE : month_days(month);
}

/* A date of file f (row) that must lie before the start. */
static void before_start(dload *L, int f, size_t csv_row_line_index, int col, long date) {
  char d1[16], d2[16];
  (void)csv_row_line_index;
  if (L->d->start == SALESIM_DATA_NO_DATE || date == SALESIM_DATA_NO_DATE || date < L->d->start)
    return;
  err(L, f, csv_row_line_index, col,
      "%s is on or after data.start %s (expected the history before the simulated firm's month "
      "0)",
      date_text(date, d1), date_text(L->d->start, d2));
}

/* The csv row of data row `i` of file f. */
static size_t csv_row(const dload *L, int f, long i) { return (size_t)L->line[f][i]; }

/* A date of rep `rep`'s work (an event, an activity) inside the rep's
 * employment. */
static void within_employment(dload *L, int f, size_t row, int col, int rep, long date) {
  const salesim_data_rep *p = &L->d->reps[rep];
  char d1[16], d2[16], b[64];
  long rl = lineof(L, SALESIM_DATA_ROSTER, rep);
  if (date < p->hire_date)
    err(L, f, row, col, "%s is before hire_date %s of rep '%s' on roster.csv:%ld (expected a "
                        "date during the rep's employment)",
        date_text(date, d1), date_text(p->hire_date, d2),
        salesim_data_csv_shown(p->id, b, sizeof b), rl);
  else if (p->exit_date != SALESIM_DATA_NO_DATE && date > p->exit_date)
    err(L, f, row, col, "%s is after exit_date %s of rep '%s' on roster.csv:%ld (expected a "
                        "date during the rep's employment)",
        date_text(date, d1), date_text(p->exit_date, d2),
        salesim_data_csv_shown(p->id, b, sizeof b), rl);
}

static void check_accounts(dload *L) {
  const salesim_data *d = L->d;
  const int f = SALESIM_DATA_ACCOUNTS;
  char b[64], b2[64], b3[64], d1[16], d2[16];
  for (size_t a = 0; a < d->n_accounts; a++) {
    size_t r = csv_row(L, f, (long)a);
    salesim_data_account *ac = &d->accounts[a];
    before_start(L, f, r, AC_SINCE, ac->customer_since);
    if (!L->parsed[SALESIM_DATA_ROSTER] || L->owner[a][0] == '\0')
      continue;
    long o = ref(L, f, r, AC_OWNER, SALESIM_DATA_K_REP, SALESIM_DATA_ROSTER);
    if (o < 0)
      continue;
    ac->owner = (int)o;
    const salesim_data_rep *p = &d->reps[o];
    if (ac->territory >= 0 && p->territory >= 0 && p->territory != ac->territory)
      err(L, f, r, AC_OWNER,
          "rep '%s' is in territory '%s' on roster.csv:%ld, the account in '%s' (expected an "
          "owner from the account's own territory)",
          salesim_data_csv_shown(p->id, b, sizeof b),
          salesim_data_csv_shown(d->territories[p->territory].id, b2, sizeof b2),
          lineof(L, SALESIM_DATA_ROSTER, o),
          salesim_data_csv_shown(d->territories[ac->territory].id, b3, sizeof b3));
    else if (p->exit_date != SALESIM_DATA_NO_DATE && d->start != SALESIM_DATA_NO_DATE &&
             p->exit_date < d->start)
      err(L, f, r, AC_OWNER,
          "rep '%s' left on %s (roster.csv:%ld), before data.start %s (expected an owner "
          "employed at the start, or blank)",
          salesim_data_csv_shown(p->id, b, sizeof b), date_text(p->exit_date, d1),
          lineof(L, SALESIM_DATA_ROSTER, o), date_text(d->start, d2));
  }
}

static void check_roster(dload *L) {
  const salesim_data *d = L->d;
  for (size_t i = 0; i < d->n_reps; i++)
    before_start(L, SALESIM_DATA_ROSTER, csv_row(L, SALESIM_DATA_ROSTER, (long)i), RO_HIRE,
                 d->reps[i].hire_date);
}

typedef struct sort_item {
  long key1, key2; /* compared in order */
  long idx;        /* file order: ties */
} sort_item;

static int item_cmp(const void *a, const void *b) {
  const sort_item *x = a, *y = b;
  if (x->key1 != y->key1)
    return x->key1 < y->key1 ? -1 : 1;
  if (x->key2 != y->key2)
    return x->key2 < y->key2 ? -1 : 1;
  return (x->idx > y->idx) - (x->idx < y->idx);
}

static void check_periods(dload *L) {
  const salesim_data *d = L->d;
  const int f = SALESIM_DATA_PERFORMANCE;
  char p1[16], p2[16], d1[16], b[64];
  if (d->n_periods == 0)
    return;
  sort_item *it = malloc(d->n_periods * sizeof *it);
  if (it == NULL) {
    L->oom = 1;
    return;
  }
  for (size_t i = 0; i < d->n_periods; i++) {
    const salesim_data_period *p = &d->periods[i];
    const salesim_data_rep *rp = &d->reps[p->rep];
    size_t r = csv_row(L, f, (long)i);
    long rl = lineof(L, SALESIM_DATA_ROSTER, p->rep);
    it[i] = (sort_item){p->rep, p->first_month, (long)i};
    period_text(p->first_month, p->months, p1);
    if (p->first_month + p->months - 1 < month_of(rp->hire_date))
      err(L, f, r, PE_PERIOD, "%s ends before hire_date %s of rep '%s' on roster.csv:%ld "
                              "(expected a period during the rep's employment)",
          p1, date_text(rp->hire_date, d1), salesim_data_csv_shown(rp->id, b, sizeof b), rl);
    else if (rp->exit_date != SALESIM_DATA_NO_DATE && p->first_month > month_of(rp->exit_date))
      err(L, f, r, PE_PERIOD, "%s begins after exit_date %s of rep '%s' on roster.csv:%ld "
                              "(expected a period during the rep's employment)",
          p1, date_text(rp->exit_date, d1), salesim_data_csv_shown(rp->id, b, sizeof b), rl);
    else if (d->start != SALESIM_DATA_NO_DATE && month_days(p->first_month) >= d->start)
      err(L, f, r, PE_PERIOD, "%s begins on or after data.start %s (expected the history before "
                              "the simulated firm's month 0)",
          p1, date_text(d->start, d1));
  }
  qsort(it, d->n_periods, sizeof *it, item_cmp);
  for (size_t k = 1; k < d->n_periods; k++) {
    const salesim_data_period *a = &d->periods[it[k - 1].idx], *p = &d->periods[it[k].idx];
    if (a->rep != p->rep || a->first_month + a->months <= p->first_month)
      continue;
    long later = it[k].idx > it[k - 1].idx ? it[k].idx : it[k - 1].idx;
    long other = later == it[k].idx ? it[k - 1].idx : it[k].idx;
    const salesim_data_period *lp = &d->periods[later], *op = &d->periods[other];
    err(L, f, csv_row(L, f, later), PE_PERIOD,
        "%s overlaps %s on line %ld for rep '%s' (expected each rep's periods not to overlap)",
        period_text(lp->first_month, lp->months, p1), period_text(op->first_month, op->months, p2),
        lineof(L, f, other), salesim_data_csv_shown(d->reps[p->rep].id, b, sizeof b));
  }
  free(it);
}

static void check_events(dload *L) {
  const salesim_data *d = L->d;
  const int f = SALESIM_DATA_OPPORTUNITIES;
  char d1[16], d2[16], b[64], b2[64];
  size_t n = d->n_events;
  if (n == 0)
    return;
  /* the events by opportunity, then date, then file order (the order of
   * salesim_data_sort_events): a counting sort by opportunity keeps the
   * file order, then each opportunity's few rows by date (insertion) */
  sort_item *it = malloc(n * sizeof *it);
  size_t *at = calloc(d->n_opportunities + 1, sizeof *at);
  if (it == NULL || at == NULL) {
    free(it);
    free(at);
    L->oom = 1;
    return;
  }
  for (size_t i = 0; i < n; i++)
    at[d->events[i].opportunity + 1]++;
  for (size_t o = 0; o < d->n_opportunities; o++)
    at[o + 1] += at[o];
  for (size_t i = 0; i < n; i++) {
    const salesim_data_event *e = &d->events[i];
    it[at[e->opportunity]++] = (sort_item){e->opportunity, e->date, (long)i};
  }
  free(at);
  for (size_t lo = 0, hi; lo < n; lo = hi) {
    for (hi = lo + 1; hi < n && it[hi].key1 == it[lo].key1; hi++)
      ;
    if (hi - lo > 16) { /* a long history: no quadratic insertion */
      qsort(it + lo, hi - lo, sizeof *it, item_cmp);
      continue;
    }
    for (size_t k = lo + 1; k < hi; k++) {
      sort_item x = it[k];
      size_t j = k;
      while (j > lo && it[j - 1].key2 > x.key2) {
        it[j] = it[j - 1];
        j--;
      }
      it[j] = x;
    }
  }
  for (size_t lo = 0, hi; lo < n; lo = hi) {
    int opp = d->events[it[lo].idx].opportunity;
    int has_value = 0;
    for (hi = lo; hi < n && d->events[it[hi].idx].opportunity == opp; hi++)
      has_value |= !isnan(d->events[it[hi].idx].value);
    long closed = -1; /* the event that closed it (won/lost) */
    long top = -1;    /* the furthest open or won stage so far */
    for (size_t k = lo; k < hi; k++) {
      long i = it[k].idx;
      const salesim_data_event *e = &d->events[i];
      size_t r = csv_row(L, f, i);
      within_employment(L, f, r, OP_DATE, e->rep, e->date);
      before_start(L, f, r, OP_DATE, e->date);
      const salesim_data_event *first = &d->events[it[lo].idx];
      if (k > lo && e->account != first->account && e->account >= 0 && first->account >= 0)
        err(L, f, r, OP_ACCOUNT, "'%s' but '%s' on line %ld (expected one account per "
                                 "opportunity)",
            salesim_data_csv_shown(d->accounts[e->account].id, b, sizeof b),
            salesim_data_csv_shown(d->accounts[first->account].id, b2, sizeof b2),
            lineof(L, f, it[lo].idx));
      if (closed >= 0) {
        const salesim_data_event *c = &d->events[closed];
        err(L, f, r, OP_STAGE, "a row after the opportunity was %s on %s (line %ld) (expected "
                               "won or lost as its last row by date)",
            c->stage == SALESIM_DATA_STAGE_WON ? "won" : "lost", date_text(c->date, d1),
            lineof(L, f, closed));
        continue;
      }
      if (e->stage != SALESIM_DATA_STAGE_LOST) {
        if (top >= 0 && e->stage < d->events[top].stage) {
          const salesim_data_event *t = &d->events[top];
          err(L, f, r, OP_STAGE,
              "%s on %s after %s on %s (line %ld) (expected stages in the order of their dates: "
              "a deal only moves forward)",
              stage_names[e->stage], date_text(e->date, d1), stage_names[t->stage],
              date_text(t->date, d2), lineof(L, f, top));
        } else
          top = i;
      }
      if (e->stage == SALESIM_DATA_STAGE_WON || e->stage == SALESIM_DATA_STAGE_LOST)
        closed = i;
      if (e->stage == SALESIM_DATA_STAGE_WON && !has_value)
        err(L, f, r, OP_VALUE, "blank on the won row and on every row of opportunity '%s' "
                               "(expected the deal's contract value)",
            salesim_data_csv_shown(d->opportunities[opp], b, sizeof b));
    }
  }
  free(it);
}

static void check_activities(dload *L) {
  const salesim_data *d = L->d;
  for (size_t i = 0; i < d->n_activities; i++) {
    size_t r = csv_row(L, SALESIM_DATA_ACTIVITIES, (long)i);
    within_employment(L, SALESIM_DATA_ACTIVITIES, r, AV_DATE, d->activities[i].rep,
                      d->activities[i].date);
    before_start(L, SALESIM_DATA_ACTIVITIES, r, AV_DATE, d->activities[i].date);
  }
}

/* ---- the data group ---------------------------------------------------------------- */

/* "YYYY-MM-01" as days, or SALESIM_DATA_NO_DATE. */
static long parse_start(const char *s) {
  int y, m, dd;
  char tail;
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
      sscanf(s, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) != 3 || y < 1 || m < 1 || m > 12 || dd != 1)
    return SALESIM_DATA_NO_DATE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return SALESIM_DATA_NO_DATE;
  return salesim_data_days(y, m, 1);
}

/* Read one file named by setting `s` (a string, checked) into L->t[f]. */
static void read_file(dload *L, int f, const config_setting_t *s) {
  loader *ld = L->ld;
  char name[NAME_TEXT], shown[2200], *bytes = NULL;
  const char *path = config_setting_get_string(s);
  size_t len = 0;
  scn_join_name(name, sizeof name, "data", files[f].key);
  int rc = scn_read_named_file(ld, s, name, "a CSV file", SALESIM_DATA_FILE_MAX_BYTES, 0, shown,
                               sizeof shown, &bytes, &len, L->d->hash[f]);
  if (rc != 0)
    return;
  if ((L->d->path[f] = scn_copy_text(path, strlen(path))) == NULL) {
    ld->oom = 1;
    free(bytes);
    return;
  }
  rc = salesim_data_csv_parse(&L->t[f], shown, bytes, len, files[f].cols, files[f].n_cols,
                              ld->diag);
  free(bytes);
  L->inited[f] = 1;
  if (rc == SALESIM_ENOMEM) {
    ld->oom = 1;
    return;
  }
  L->broken[f] = rc != 0;
  L->parsed[f] = 1;
  if ((L->line[f] = calloc(L->t[f].n_rows + 1, sizeof *L->line[f])) == NULL)
    L->oom = 1;
}

/* File f needs file `need_f`: report at f's setting when it is not given
 * (given but not read for a problem of its own: no second line). */
static int needs(dload *L, const int *want, int f, int need_f, const char *why) {
  if (want[need_f])
    return 1;
  if (L->set[need_f] != NULL)
    return 0;
  char name[NAME_TEXT];
  scn_join_name(name, sizeof name, "data", files[f].key);
  scn_report(L->ld, L->set[f], name, "needs data.%s (expected %s = \"...\" too: %s)",
             files[need_f].key, files[need_f].key, why);
  return 0;
}

/* What the data decides in the scenario, and its conflicts with settings. */
static void apply(dload *L, const config_setting_t *root, salesim_scenario *sc) {
  loader *ld = L->ld;
  salesim_data *d = L->d;
  char d1[16];
  if (L->parsed[SALESIM_DATA_TERRITORIES]) {
    const config_setting_t *list = config_setting_lookup((config_setting_t *)root,
                                                         "territories.list");
    const config_setting_t *count = config_setting_lookup((config_setting_t *)root,
                                                          "territories.count");
    const salesim_param_table *tt = &salesim_scenario_tables(NULL)[SALESIM_TABLE_TERRITORIES];
    const salesim_param_spec *cs = &tt->specs[scn_spec_index(tt, "count")];
    int n = d->n_territories > INT32_MAX ? INT32_MAX : (int)d->n_territories;
    if (!salesim_params_in_range(cs, n))
      scn_report(ld, L->set[SALESIM_DATA_TERRITORIES], "data.territories",
                 "territories.csv has %d territories (expected %g to %g, the bounds of "
                 "territories.count)",
                 n, cs->min, cs->max);
    else if (list != NULL)
      scn_report(ld, list, "territories.list",
                 "given with data.territories (expected one of the two: with territories.csv "
                 "the territories are its %d rows)",
                 n);
    else if (count != NULL && config_setting_type(count) == CONFIG_TYPE_INT &&
             config_setting_get_int(count) != n)
      scn_report(ld, count, "territories.count",
                 "%d but territories.csv has %d territories (expected %d, or leave "
                 "territories.count out)",
                 config_setting_get_int(count), n, n);
    else
      sc->territories.count = n;
  }
  if (L->parsed[SALESIM_DATA_ROSTER]) {
    size_t force = salesim_data_starting_force(d, NULL, 0);
    const salesim_param_table *pt = &salesim_scenario_tables(NULL)[SALESIM_TABLE_POPULATION];
    const salesim_param_spec *rs = &pt->specs[scn_spec_index(pt, "reps")];
    const config_setting_t *reps = config_setting_lookup((config_setting_t *)root,
                                                         "population.reps");
    if (force == 0)
      scn_report(ld, L->set[SALESIM_DATA_ROSTER], "data.roster",
                 "nobody in roster.csv is employed on data.start %s (expected at least one "
                 "person hired before it and not left before it)",
                 d->start == SALESIM_DATA_NO_DATE ? "(none)" : date_text(d->start, d1));
    else if (!salesim_params_in_range(rs, force > INT32_MAX ? (double)INT32_MAX + 1 : (double)force))
      scn_report(ld, L->set[SALESIM_DATA_ROSTER], "data.roster",
                 "%zu people employed at the start (expected at most %g, the bound of "
                 "population.reps)",
                 force, rs->max);
    else if (reps != NULL && config_setting_type(reps) == CONFIG_TYPE_INT &&
             (size_t)config_setting_get_int(reps) != force)
      scn_report(ld, reps, "population.reps",
                 "%d but roster.csv has %zu people employed on data.start %s (expected %zu, or "
                 "leave population.reps out)",
                 config_setting_get_int(reps), force, date_text(d->start, d1), force);
    else
      sc->population.reps = (int)force;
  }
}

void scn_load_data(loader *ld, const config_setting_t *root, salesim_scenario *sc) {
  static const char *const keys[] = {"territories", "accounts",   "roster", "performance",
                                     "opportunities", "activities", "start"};
  const config_setting_t *g = config_setting_get_member(root, "data");
  char name[NAME_TEXT];
  if (g == NULL)
    return;
  if (!config_setting_is_group(g)) {
    scn_wrong_type(ld, g, "data", "a group data = { roster = \"roster.csv\"; ... };");
    return;
  }
  dload L;
  memset(&L, 0, sizeof L);
  L.ld = ld;
  const config_setting_t *start = NULL;
  for (int i = 0; i < config_setting_length(g); i++) {
    const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
    const char *key = config_setting_name(s);
    int k = -1;
    for (int j = 0; j < (int)N_OF(keys); j++)
      if (key != NULL && strcmp(key, keys[j]) == 0)
        k = j;
    scn_join_name(name, sizeof name, "data", key ? key : "?");
    if (k < 0) {
      scn_unknown_setting(ld, s, name, keys, N_OF(keys));
      continue;
    }
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
      scn_wrong_type(ld, s, name, k == SALESIM_DATA_FILES ? "a date \"YYYY-MM-01\""
                                                          : "a file name \"....csv\"");
      continue;
    }
    if (k == SALESIM_DATA_FILES)
      start = s;
    else
      L.set[k] = s;
  }
  int any = 0;
  for (int f = 0; f < SALESIM_DATA_FILES; f++)
    any |= L.set[f] != NULL;
  if (!any) {
    if (start != NULL)
      scn_report(ld, start, "data.start", "without any data file (expected data.roster, "
                                          "data.territories, ... with it)");
    return;
  }
  if ((L.d = salesim_data_new()) == NULL || (L.rejected = salesim_data_new()) == NULL) {
    salesim_data_free(L.d);
    ld->oom = 1;
    return;
  }
  sc->data = L.d;
  if (start != NULL) {
    char sv[SHOWN_SIZE];
    L.d->start = parse_start(config_setting_get_string(start));
    L.start_given = L.d->start != SALESIM_DATA_NO_DATE;
    if (!L.start_given) {
      scn_report(ld, start, "data.start", "\"%s\" is not the first day of a month (expected a "
                                          "date \"YYYY-MM-01\")",
                 scn_shown_value(config_setting_get_string(start), sv));
    }
  }
  /* which files can be read: each needs the files its ids refer to */
  int want[SALESIM_DATA_FILES];
  for (int f = 0; f < SALESIM_DATA_FILES; f++)
    want[f] = L.set[f] != NULL;
  if (want[SALESIM_DATA_ROSTER])
    want[SALESIM_DATA_ROSTER] = needs(&L, want, SALESIM_DATA_ROSTER, SALESIM_DATA_TERRITORIES,
                                      "roster.csv's territory_id names its rows");
  if (want[SALESIM_DATA_ACCOUNTS])
    want[SALESIM_DATA_ACCOUNTS] = needs(&L, want, SALESIM_DATA_ACCOUNTS, SALESIM_DATA_TERRITORIES,
                                        "accounts.csv's territory_id names its rows");
  static const int on_roster[] = {SALESIM_DATA_PERFORMANCE, SALESIM_DATA_OPPORTUNITIES,
                                   SALESIM_DATA_ACTIVITIES};
  for (size_t i = 0; i < N_OF(on_roster); i++)
    if (want[on_roster[i]])
      want[on_roster[i]] = needs(&L, want, on_roster[i], SALESIM_DATA_ROSTER,
                                 "its rep_id names the people of roster.csv");
  for (int f = 0; f < SALESIM_DATA_FILES && !ld->oom && !L.oom; f++) {
    if (!want[f])
      continue;
    read_file(&L, f, L.set[f]);
    if (!L.parsed[f] || L.oom)
      continue;
    switch (f) {
    case SALESIM_DATA_TERRITORIES:
      read_territories(&L);
      break;
    case SALESIM_DATA_ACCOUNTS:
      if ((L.owner = calloc(L.t[f].n_rows + 1, sizeof *L.owner)) == NULL) {
        L.oom = 1;
        break;
      }
      read_accounts(&L);
      break;
    case SALESIM_DATA_ROSTER:
      read_roster(&L);
      break;
    case SALESIM_DATA_PERFORMANCE:
      read_periods(&L);
      break;
    case SALESIM_DATA_OPPORTUNITIES:
      read_events(&L);
      break;
    case SALESIM_DATA_ACTIVITIES:
      read_activities(&L);
      break;
    }
    /* no file refers to these rows' text later (accounts' owners, read
     * after the roster, do): the memory goes back before the next file */
    if (f == SALESIM_DATA_PERFORMANCE || f == SALESIM_DATA_OPPORTUNITIES ||
        f == SALESIM_DATA_ACTIVITIES)
      salesim_data_csv_drop_cells(&L.t[f]);
  }
  /* accounts' owners need the roster, which is read after them */
  if (L.parsed[SALESIM_DATA_ACCOUNTS] && !L.parsed[SALESIM_DATA_ROSTER] && L.set[SALESIM_DATA_ROSTER] == NULL) {
    for (size_t a = 0; a < L.d->n_accounts; a++)
      if (L.owner[a][0] != '\0') {
        scn_report(ld, L.set[SALESIM_DATA_ACCOUNTS], "data.accounts",
                   "accounts.csv names owners (owner_rep_id) and data.roster is not given "
                   "(expected roster = \"...\" too: owners are rep_ids of roster.csv)");
        break;
      }
  }
  if (!L.oom && !ld->oom) {
    if (!L.start_given)
      L.d->start = default_start(L.d);
    if (L.parsed[SALESIM_DATA_ACCOUNTS])
      check_accounts(&L);
    if (L.parsed[SALESIM_DATA_ROSTER])
      check_roster(&L);
    if (L.parsed[SALESIM_DATA_PERFORMANCE])
      check_periods(&L);
    if (L.parsed[SALESIM_DATA_OPPORTUNITIES])
      check_events(&L);
    if (L.parsed[SALESIM_DATA_ACTIVITIES])
      check_activities(&L);
  }
  size_t problems = 0;
  for (int f = 0; f < SALESIM_DATA_FILES; f++) {
    if (!L.parsed[f])
      continue;
    salesim_data_csv_error_tail(&L.t[f], ld->diag);
    problems += L.t[f].n_errors;
  }
  ld->errors += problems > INT32_MAX ? INT32_MAX : (int)problems;
  if (!L.oom && !ld->oom && problems == 0) {
    apply(&L, root, sc);
    if (salesim_data_sort_events(L.d) != 0)
      L.oom = 1;
  }
  if (L.oom)
    ld->oom = 1;
  for (int f = 0; f < SALESIM_DATA_FILES; f++) {
    if (L.inited[f])
      salesim_data_csv_free(&L.t[f]);
    free(L.line[f]);
  }
  free(L.owner);
  salesim_data_free(L.rejected);
}
