/*
 * models/core/history.c: the history recorder (models/core/history.h).
 *
 * What it keeps while the world runs:
 *   - people: one row per person who held a slot (by the world's person id),
 *     with the slot and territory, hire and exit, the plan's target, pay,
 *     and the current pay period's quota, credit and variable pay;
 *   - accounts: revenue now and at the start, the holder (a slot's book, an
 *     empty slot's held book, a territory's orphan book) in a singly linked
 *     list per holder, so that churn scales one list and a move relinks one;
 *   - opportunities: an id per deal, parallel to each slot's deal block
 *     (pipeline.c moves the ids with the deals), the stage changes as events,
 *     the wins waiting to be booked (timing games may hold them a month).
 * salesim_history_finish turns it into a salesim_data with the builder
 * functions of engine/base/data.c. Nothing here draws from the world's
 * streams: a day within a month is a hash of the ids and the month.
 *
 * Read next: engine/output/history_csv.c, docs/export-history.md.
 */
#include "history.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct hist_person {
  int id;                /* the world's person id */
  int slot, territory;
  int data_rep;          /* the data's roster row for the starting force, or -1 */
  long hire, exit;       /* days; exit SALESIM_DATA_NO_DATE while employed */
  int exit_reason;       /* salesim_data_exit */
  double target, target_pay; /* the plan year's, last seen (prorated) */
  int plan_left;         /* months of the plan year that target covers */
  int plan_year;         /* the plan year of target, -1 none */
  int grade;             /* 1, 2, ...; 0 unknown */
  double fixed_cur, fixed_last; /* fixed pay of the current and the last month */
  int cur_month;         /* month of fixed_cur, -1 none */
  long p_first;          /* the open period's first calendar month, -1 none */
  double p_quota, p_credit, p_var;
  int p_has_target;
} hist_person;

typedef struct hist_account {
  double rev, rev0;      /* monthly revenue now, and at its first month */
  long since;            /* customer_since, days */
  int kind, holder;      /* salesim_history_holder, slot or territory */
  int next;              /* next in the holder's list, -1 */
} hist_account;

typedef struct hist_event {
  long opp;
  int person;            /* index into people, -1 none */
  int month;             /* month of the run (negative: before the start) */
  int stage;             /* salesim_data_stage */
  int last_day;          /* 1: the month's last day (a drop), 2: `date`, 0: a hashed day */
  double value;          /* the deal's value (won: what it signed for); NAN: as before */
  long date;             /* days, when last_day == 2 */
} hist_event;

typedef struct hist_win {
  long opp;
  double value;
  int deferrable;
} hist_win;

typedef struct hist_visits {
  int person, month;
  unsigned done, struck;
} hist_visits;

typedef struct hist_slot {
  long *ids;             /* opportunity ids parallel to the deal block */
  int cap;
  int person;            /* index into people of the slot's holder, -1 none */
  hist_win *wins;        /* wins waiting to be booked */
  int n_wins, cap_wins;
  int grade_id, grade;   /* a grade set for person grade_id before it joined */
} hist_slot;

typedef struct list {
  int head, tail;
} list;

struct salesim_history {
  long base_month;       /* calendar month index (y * 12 + m - 1) of month 0 */
  int period;            /* months in a pay period: 12, 3 or 1 */
  hist_person *people;
  int n_people, cap_people;
  int *person_of_id;     /* world person id -> index into people, -1 */
  int cap_ids;
  hist_account *acc;
  int n_acc, cap_acc;
  list *lists;           /* [kind * stride + index] */
  int stride;
  hist_event *ev;
  long n_ev, cap_ev;
  long n_opps;
  hist_slot *slots;
  int n_slots;
  hist_visits *visits;   /* one record per rep-month with reported visits */
  int n_visits, cap_visits;
  int failed;            /* out of memory while recording */
};

/* ---- small helpers ---------------------------------------------------------------- */

static uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

static uint64_t hash3(uint64_t a, uint64_t b, uint64_t c) {
  return mix(mix(mix(a) ^ b) ^ c);
}

static int grow(void **p, int *cap, int need, size_t size) {
  if (need <= *cap)
    return 0;
  int c = *cap > 0 ? *cap : 16;
  while (c < need)
    c *= 2;
  void *q = realloc(*p, (size_t)c * size);
  if (q == NULL)
    return SALESIM_ENOMEM;
  *p = q;
  *cap = c;
  return 0;
}

static void oom(salesim_world *w) {
  w->history->failed = 1;
  salesim_world_fail(w, SALESIM_ENOMEM, "month %d: out of memory for the history export",
                     w->month + 1);
}

static long month_first(long cal) {
  return salesim_data_days((int)(cal / 12), (int)(cal % 12) + 1, 1);
}

long salesim_history_month_day(const salesim_world *w, int m) {
  return month_first(w->history->base_month + m);
}

static int month_days(long cal) { return (int)(month_first(cal + 1) - month_first(cal)); }

/* A day of month m of the run: the last one, or one between by a hash. */
static long day_in(const struct salesim_history *h, int m, uint64_t key, int last) {
  long cal = h->base_month + m;
  int dim = month_days(cal);
  long d0 = month_first(cal);
  if (last)
    return d0 + dim - 1;
  /* the 2nd .. the day before the last: after a hire (the 1st), before a
   * leaver's dropped deals and exit (the last) */
  return d0 + 1 + (long)(hash3(key, (uint64_t)(int64_t)m, 0x5A1E5) % (uint64_t)(dim - 2));
}

static list *holder(struct salesim_history *h, int kind, int index) {
  return &h->lists[(size_t)kind * (size_t)h->stride + (size_t)index];
}

/* ---- people ----------------------------------------------------------------------- */

static int person_index(struct salesim_history *h, int id) {
  return id >= 0 && id < h->cap_ids ? h->person_of_id[id] : -1;
}

static int add_person(salesim_world *w, const salesim_agent *a, long hire, int data_rep) {
  struct salesim_history *h = w->history;
  if (a->id >= h->cap_ids) {
    int old = h->cap_ids;
    if (grow((void **)&h->person_of_id, &h->cap_ids, a->id + 1, sizeof(int)) != 0)
      return -1;
    for (int i = old; i < h->cap_ids; i++)
      h->person_of_id[i] = -1;
  }
  if (grow((void **)&h->people, &h->cap_people, h->n_people + 1, sizeof *h->people) != 0)
    return -1;
  hist_person *p = &h->people[h->n_people];
  memset(p, 0, sizeof *p);
  p->id = a->id;
  p->slot = (int)(a - w->agents);
  p->territory = a->territory;
  p->data_rep = data_rep;
  p->hire = hire;
  p->exit = SALESIM_DATA_NO_DATE;
  p->cur_month = -1;
  p->p_first = -1;
  p->plan_year = -1;
  h->person_of_id[a->id] = h->n_people;
  return h->n_people++;
}

/* A finished pay period of a person (performance.csv), kept until the end. */
typedef struct period_row {
  int person;
  long first;
  double quota, credit, var;
  int has_target;
} period_row;

static int roll_month(salesim_world *w, int p);

/* ---- accounts --------------------------------------------------------------------- */

static int new_account(salesim_world *w, double rev, long since, int kind, int index) {
  struct salesim_history *h = w->history;
  if (grow((void **)&h->acc, &h->cap_acc, h->n_acc + 1, sizeof *h->acc) != 0) {
    oom(w);
    return -1;
  }
  hist_account *x = &h->acc[h->n_acc];
  x->rev = x->rev0 = rev;
  x->since = since;
  x->kind = kind;
  x->holder = index;
  x->next = -1;
  list *l = holder(h, kind, index);
  if (l->tail >= 0)
    h->acc[l->tail].next = h->n_acc;
  else
    l->head = h->n_acc;
  l->tail = h->n_acc;
  return h->n_acc++;
}

/* A starting book `book` of holder (kind, index) split into accounts of
 * about `unit` each (weights from a hash), customers for up to `months`. */
static int split_start(salesim_world *w, double book, double unit, int months, int kind,
                       int index) {
  struct salesim_history *h = w->history;
  if (!(book > 0))
    return 0;
  int n = unit > 0 ? (int)ceil(book / unit) : 1;
  if (n < 1)
    n = 1;
  if (n > 1000)
    n = 1000;
  double wsum = 0, wt[1000];
  for (int j = 0; j < n; j++) {
    wt[j] = 0.5 + (double)(hash3((uint64_t)kind, (uint64_t)index, (uint64_t)j) >> 11) /
                      9007199254740992.0;
    wsum += wt[j];
  }
  if (months < 1)
    months = 1;
  for (int j = 0; j < n; j++) {
    uint64_t k = hash3(0xACC, ((uint64_t)kind << 32) + (uint64_t)index, (uint64_t)j);
    int back = 1 + (int)(k % (uint64_t)months);
    long since = day_in(h, -back, k, 0);
    if (new_account(w, book * wt[j] / wsum, since, kind, index) < 0)
      return SALESIM_ENOMEM;
  }
  return 0;
}

double salesim_history_holder_sum(const salesim_world *w, int kind, int index) {
  struct salesim_history *h = w->history;
  double s = 0;
  for (int i = holder(h, kind, index)->head; i >= 0; i = h->acc[i].next)
    s += h->acc[i].rev;
  return s;
}

void salesim_history_scale(salesim_world *w, int kind, int index, double factor) {
  struct salesim_history *h = w->history;
  for (int i = holder(h, kind, index)->head; i >= 0; i = h->acc[i].next)
    h->acc[i].rev *= factor;
}

void salesim_history_transfer(salesim_world *w, int from_kind, int from, int to_kind, int to) {
  struct salesim_history *h = w->history;
  list *a = holder(h, from_kind, from), *b = holder(h, to_kind, to);
  if (a == b || a->head < 0)
    return;
  for (int i = a->head; i >= 0; i = h->acc[i].next) {
    h->acc[i].kind = to_kind;
    h->acc[i].holder = to;
  }
  if (b->tail >= 0)
    h->acc[b->tail].next = a->head;
  else
    b->head = a->head;
  b->tail = a->tail;
  a->head = a->tail = -1;
}

void salesim_history_hand_out(salesim_world *w, int k, const int *members, int n,
                              const double *got) {
  struct salesim_history *h = w->history;
  if (n <= 0)
    return;
  if (n == 1) {
    salesim_history_transfer(w, SALESIM_HOLD_ORPHAN, k, SALESIM_HOLD_BOOK, members[0]);
    return;
  }
  /* whole accounts, in list order, each to the member furthest below what
   * it was dealt; then each member's new accounts scaled to exactly that
   * (the mechanism re-cut the orphan book: docs/export-history.md) */
  double *given = calloc((size_t)n, sizeof *given);
  int *first = malloc((size_t)n * sizeof *first);
  if (given == NULL || first == NULL) {
    free(given);
    free(first);
    oom(w);
    return;
  }
  for (int m = 0; m < n; m++)
    first[m] = -1;
  list *o = holder(h, SALESIM_HOLD_ORPHAN, k);
  long since0 = SALESIM_DATA_NO_DATE;
  int i = o->head;
  o->head = o->tail = -1;
  while (i >= 0) {
    int nx = h->acc[i].next;
    int best = 0;
    for (int m = 1; m < n; m++)
      if (got[m] - given[m] > got[best] - given[best])
        best = m;
    if (since0 == SALESIM_DATA_NO_DATE)
      since0 = h->acc[i].since;
    given[best] += h->acc[i].rev;
    h->acc[i].kind = SALESIM_HOLD_BOOK;
    h->acc[i].holder = members[best];
    h->acc[i].next = -1;
    list *l = holder(h, SALESIM_HOLD_BOOK, members[best]);
    if (l->tail >= 0)
      h->acc[l->tail].next = i;
    else
      l->head = i;
    l->tail = i;
    if (first[best] < 0)
      first[best] = i;
    i = nx;
  }
  for (int m = 0; m < n; m++) {
    if (!(got[m] > 0))
      continue;
    if (first[m] >= 0 && given[m] > 0) {
      double f = got[m] / given[m];
      for (int j = first[m]; j >= 0; j = h->acc[j].next) {
        h->acc[j].rev *= f;
        h->acc[j].rev0 *= f;
      }
    } else { /* a piece of the territory's accounts */
      long since = since0 != SALESIM_DATA_NO_DATE ? since0 : salesim_history_month_day(w, w->month);
      if (new_account(w, got[m], since, SALESIM_HOLD_BOOK, members[m]) < 0)
        break;
    }
  }
  free(given);
  free(first);
}

/* ---- opportunities ---------------------------------------------------------------- */

static void add_event(salesim_world *w, long opp, int person, int month, int stage, int last,
                      double value) {
  struct salesim_history *h = w->history;
  if (h->n_ev == h->cap_ev) {
    long c = h->cap_ev > 0 ? 2 * h->cap_ev : 1024;
    hist_event *e = realloc(h->ev, (size_t)c * sizeof *e);
    if (e == NULL) {
      oom(w);
      return;
    }
    h->ev = e;
    h->cap_ev = c;
  }
  h->ev[h->n_ev++] = (hist_event){opp, person, month, stage, last, value, 0};
}

long *salesim_history_ids(salesim_world *w, const salesim_agent *a) {
  return w->history->slots[a - w->agents].ids;
}

static int slot_person(salesim_world *w, const salesim_agent *a) {
  return w->history->slots[a - w->agents].person;
}

/* The person in slot a now, registered when a mechanism seated someone
 * without the loop's fill (the training ladder seats its bench at the
 * month's end): the market's sites use it, never an applicant's plan. */
static int occupant(salesim_world *w, const salesim_agent *a) {
  int p = slot_person(w, a);
  if (p >= 0 && w->history->people[p].id == a->id)
    return p;
  salesim_history_joined(w, a);
  return slot_person(w, a);
}

void salesim_history_opened(salesim_world *w, const salesim_agent *a, int first) {
  struct salesim_history *h = w->history;
  hist_slot *s = &h->slots[a - w->agents];
  if (grow((void **)&s->ids, &s->cap, a->n_opps, sizeof *s->ids) != 0) {
    oom(w);
    return;
  }
  for (int k = first; k < a->n_opps; k++) {
    long id = h->n_opps++;
    s->ids[k] = id;
    add_event(w, id, occupant(w, a), w->month, a->deal_stage[k], 0, a->deal_value[k]);
  }
}

void salesim_history_stage(salesim_world *w, const salesim_agent *a, long opp, int stage) {
  add_event(w, opp, occupant(w, a), w->month, stage, 0, NAN);
}

void salesim_history_win(salesim_world *w, const salesim_agent *a, long opp, double value,
                         int deferrable) {
  hist_slot *s = &w->history->slots[a - w->agents];
  if (grow((void **)&s->wins, &s->cap_wins, s->n_wins + 1, sizeof *s->wins) != 0) {
    oom(w);
    return;
  }
  s->wins[s->n_wins++] = (hist_win){opp, value, deferrable};
}

void salesim_history_book(salesim_world *w, const salesim_agent *a, double won, int pushed) {
  struct salesim_history *h = w->history;
  int slot = (int)(a - w->agents);
  hist_slot *s = &h->slots[slot];
  double share = w->sc->production.account_share, vsum = 0;
  for (int i = 0; i < s->n_wins; i++)
    if (!(pushed && s->wins[i].deferrable))
      vsum += s->wins[i].value;
  /* the accounts sum to what the book gained (won * account_share) */
  double scale = vsum > 0 ? won / vsum : 0;
  int kept = 0, made = 0;
  long today = day_in(h, w->month, (uint64_t)slot, 0);
  for (int i = 0; i < s->n_wins; i++) {
    hist_win *x = &s->wins[i];
    if (pushed && x->deferrable) { /* held into next month */
      x->deferrable = 0;
      s->wins[kept++] = *x;
      continue;
    }
    add_event(w, x->opp, occupant(w, a), w->month, SALESIM_DATA_STAGE_WON, 0, x->value);
    long since = day_in(h, w->month, (uint64_t)x->opp, 0); /* the won row's day */
    if (new_account(w, x->value * scale * share, since, SALESIM_HOLD_BOOK, slot) >= 0)
      made++;
  }
  s->n_wins = kept;
  if (made == 0 && won > 0) /* booked without a recorded win: one account for it */
    new_account(w, won * share, today, SALESIM_HOLD_BOOK, slot);
}

void salesim_history_dropped(salesim_world *w, const salesim_agent *a) {
  struct salesim_history *h = w->history;
  hist_slot *s = &h->slots[a - w->agents];
  for (int k = 0; k < a->n_opps; k++)
    add_event(w, s->ids[k], occupant(w, a), w->month, SALESIM_DATA_STAGE_LOST, 1, NAN);
  for (int i = 0; i < s->n_wins; i++)
    add_event(w, s->wins[i].opp, occupant(w, a), w->month, SALESIM_DATA_STAGE_LOST, 1, NAN);
  s->n_wins = 0;
}

/* ---- people: joining, leaving, pay, the month's credit ------------------------------ */

void salesim_history_joined(salesim_world *w, const salesim_agent *a) {
  struct salesim_history *h = w->history;
  int p = person_index(h, a->id);
  if (p < 0) {
    /* hired on the first day of its month of hire (a bench person of the
     * training ladder: when it joined the bench) */
    long hire = a->hired_month >= 0 ? month_first(h->base_month + a->hired_month)
                                     : month_first(h->base_month + a->hired_month + 1) - 1;
    p = add_person(w, a, hire, -1);
    if (p < 0) {
      oom(w);
      return;
    }
  }
  hist_slot *s = &h->slots[a - w->agents];
  s->person = p;
  h->people[p].slot = (int)(a - w->agents);
  h->people[p].territory = a->territory;
  if (s->grade > 0 && s->grade_id == a->id)
    h->people[p].grade = s->grade;
  s->grade = 0;
}

void salesim_history_exit(salesim_world *w, const salesim_agent *a, int why) {
  struct salesim_history *h = w->history;
  int p = occupant(w, a);
  if (p < 0)
    return;
  hist_person *q = &h->people[p];
  q->exit = day_in(h, w->month, 0, 1);
  q->exit_reason = why == SALESIM_EXIT_DISMISSED   ? SALESIM_DATA_EXIT_DISMISSED
                   : why == SALESIM_EXIT_EXOGENOUS ? SALESIM_DATA_EXIT_OTHER
                                                   : SALESIM_DATA_EXIT_QUIT;
  q->territory = a->territory;
}

/* Finished period rows, kept until the end (people's periods are flushed
 * when they move on to another period or leave). */
typedef struct { period_row *rows; int n, cap; } period_list;

static int push_row(struct salesim_history *h, int p);

/* Person p's record for month `m` of the run begins: the fixed pay of its
 * last month is kept, and the period row finishes when m is in another
 * period. */
static int roll_month(salesim_world *w, int p) {
  struct salesim_history *h = w->history;
  hist_person *q = &h->people[p];
  if (q->cur_month == w->month)
    return 0;
  if (q->cur_month >= 0)
    q->fixed_last = q->fixed_cur;
  q->fixed_cur = 0;
  q->cur_month = w->month;
  long cal = h->base_month + w->month;
  long first = cal / h->period * h->period;
  if (q->p_first != first) {
    if (q->p_first >= 0 && push_row(h, p) != 0)
      return SALESIM_ENOMEM;
    q->p_first = first;
    q->p_quota = q->p_credit = q->p_var = 0;
    q->p_has_target = 0;
  }
  return 0;
}

void salesim_history_pay(salesim_world *w, const salesim_agent *a, double amount, int variable) {
  int p = slot_person(w, a);
  if (p < 0 || w->history->people[p].id != a->id)
    return;
  if (roll_month(w, p) != 0) {
    oom(w);
    return;
  }
  hist_person *q = &w->history->people[p];
  if (variable && amount > 0) /* fines and clawbacks are not variable pay earned */
    q->p_var += amount;
  else if (!variable)
    q->fixed_cur += amount;
}

void salesim_history_month(salesim_world *w, const salesim_agent *a, double credit) {
  int p = occupant(w, a);
  if (p < 0)
    return;
  if (roll_month(w, p) != 0) {
    oom(w);
    return;
  }
  hist_person *q = &w->history->people[p];
  q->p_credit += credit;
  /* every mechanism prorates a plan set after the plan year's start to the
   * months left: a month's quota is the target over those months */
  if (q->plan_year != w->year || q->target != a->target) {
    q->plan_year = w->year;
    q->plan_left = w->sc->months_per_year - w->month_in_year;
  }
  if (a->target > 0) {
    q->p_quota += a->target / q->plan_left;
    q->p_has_target = 1;
  }
  q->target = a->target;
  q->target_pay = a->target_pay;
}

void salesim_history_grade(salesim_world *w, const salesim_agent *a,
                           const salesim_vector *grade_tenure) {
  int p = slot_person(w, a), g = 0;
  for (int i = 0; i < grade_tenure->n; i++)
    if (a->tenure >= grade_tenure->v[i])
      g = i;
  if (p >= 0 && w->history->people[p].id == a->id) {
    w->history->people[p].grade = g + 1;
  } else { /* an applicant's plan (the hire hook): kept until it joins */
    hist_slot *s = &w->history->slots[a - w->agents];
    s->grade_id = a->id;
    s->grade = g + 1;
  }
}

void salesim_history_visits(salesim_world *w, const salesim_agent *a, unsigned done,
                            unsigned struck) {
  struct salesim_history *h = w->history;
  int p = occupant(w, a);
  if (p < 0 || done + struck == 0)
    return;
  if (grow((void **)&h->visits, &h->cap_visits, h->n_visits + 1, sizeof *h->visits) != 0) {
    oom(w);
    return;
  }
  h->visits[h->n_visits++] = (hist_visits){p, w->month, done, struck};
}

/* ---- the finished rows ------------------------------------------------------------ */

static period_list *rows_of(struct salesim_history *h);

static int push_row(struct salesim_history *h, int p) {
  period_list *pl = rows_of(h);
  hist_person *q = &h->people[p];
  if (grow((void **)&pl->rows, &pl->cap, pl->n + 1, sizeof *pl->rows) != 0)
    return SALESIM_ENOMEM;
  pl->rows[pl->n++] = (period_row){p, q->p_first, q->p_quota, q->p_credit, q->p_var,
                                   q->p_has_target};
  q->p_first = -1;
  return 0;
}

/* ---- attach, finish, free ----------------------------------------------------------- */

/* the rows live after the struct, in one allocation with it */
typedef struct history_block {
  struct salesim_history h;
  period_list rows;
} history_block;

static period_list *rows_of(struct salesim_history *h) { return &((history_block *)h)->rows; }

void salesim_history_free(struct salesim_history *h) {
  if (h == NULL)
    return;
  if (h->slots != NULL)
    for (int i = 0; i < h->n_slots; i++) {
      free(h->slots[i].ids);
      free(h->slots[i].wins);
    }
  free(h->slots);
  free(h->people);
  free(h->person_of_id);
  free(h->acc);
  free(h->lists);
  free(h->ev);
  free(h->visits);
  free(rows_of(h)->rows);
  free(h);
}

int salesim_calendar_start_month(const salesim_scenario *sc) {
  if (sc->firm.start_month >= 1 && sc->firm.start_month <= 12)
    return sc->firm.start_month;
  if (sc->data != NULL && sc->data->start != SALESIM_DATA_NO_DATE) {
    int y, m, dd;
    salesim_data_ymd(sc->data->start, &y, &m, &dd);
    return m;
  }
  return 1;
}

int salesim_calendar_fiscal_start(const salesim_scenario *sc) {
  if (sc->firm.fiscal_year_start >= 1 && sc->firm.fiscal_year_start <= 12)
    return sc->firm.fiscal_year_start;
  return salesim_calendar_start_month(sc); /* 0: the plan year from run month 0 */
}

int salesim_calendar_offset(const salesim_scenario *sc) {
  if (sc->months_per_year != 12)
    return 0; /* the loader refuses fiscal_year_start != 0 then */
  int fy = salesim_calendar_fiscal_start(sc);
  return ((salesim_calendar_start_month(sc) - fy) % 12 + 12) % 12;
}

int salesim_history_attach(salesim_world *w) {
  history_block *b = calloc(1, sizeof *b);
  if (b == NULL)
    return SALESIM_ENOMEM;
  struct salesim_history *h = &b->h;
  const salesim_scenario *sc = w->sc;
  long start =
      sc->data != NULL && sc->data->start != SALESIM_DATA_NO_DATE
          ? sc->data->start
          : salesim_data_days(SALESIM_HISTORY_DEFAULT_YEAR, salesim_calendar_start_month(sc), 1);
  int y, m, dd;
  salesim_data_ymd(start, &y, &m, &dd);
  h->base_month = (long)y * 12 + m - 1;
  /* the plan year when it is a calendar year (performance.csv's periods
   * are calendar years, quarters or months), else quarters when the plan
   * year's quarters are calendar quarters (a fiscal year from January,
   * April, July or October), else months. A run that starts inside a plan
   * year (a stub year) has that year's months in periods of its own: no
   * period starts before the run. */
  int fy = salesim_calendar_fiscal_start(sc);
  h->period = sc->months_per_year == 12 && h->base_month % 12 == 0 && fy == 1 ? 12
              : sc->months_per_year % 3 == 0 && h->base_month % 3 == 0 && (fy - 1) % 3 == 0
                  ? 3
                  : 1;
  h->n_slots = w->n_agents;
  h->stride = w->n_agents > w->n_terr ? w->n_agents : w->n_terr;
  h->slots = calloc((size_t)w->n_agents, sizeof *h->slots);
  h->lists = malloc(3 * (size_t)h->stride * sizeof *h->lists);
  w->history = h;
  if (h->slots == NULL || h->lists == NULL)
    goto fail;
  for (size_t i = 0; i < 3 * (size_t)h->stride; i++)
    h->lists[i].head = h->lists[i].tail = -1;
  /* the starting force: the data's people when it gives every slot's */
  long *force = NULL;
  size_t n_force = 0;
  if (sc->data != NULL && sc->data->n_reps > 0) {
    n_force = salesim_data_starting_force(sc->data, NULL, 0);
    if (n_force == (size_t)w->n_agents) {
      force = malloc(n_force * sizeof *force);
      if (force == NULL)
        goto fail;
      salesim_data_starting_force(sc->data, force, n_force);
    }
  }
  const salesim_production *prod = &sc->production;
  double unit = prod->account_share * w->deal_mean;
  for (int i = 0; i < w->n_agents; i++) {
    salesim_agent *a = &w->agents[i];
    h->slots[i].person = -1;
    if (a->status != SALESIM_AGENT_VACANT) {
      /* hired on the last day before the month `tenure` months back */
      long hire = force != NULL ? sc->data->reps[force[i]].hire_date
                                : month_first(h->base_month - a->tenure) - 1;
      int p = add_person(w, a, hire, force != NULL ? (int)force[i] : -1);
      if (p < 0) {
        free(force);
        goto fail;
      }
      h->slots[i].person = p;
    }
    int months = a->tenure > 0 ? a->tenure : 1;
    if (split_start(w, a->book, unit, months, SALESIM_HOLD_BOOK, i) != 0 ||
        split_start(w, a->held_book, unit, months, SALESIM_HOLD_HELD, i) != 0) {
      free(force);
      goto fail;
    }
    /* open deals at stage j: opened j months before the start at 20 %,
     * one stage a month since */
    if (a->n_opps > 0) {
      hist_slot *s = &h->slots[i];
      if (grow((void **)&s->ids, &s->cap, a->n_opps, sizeof *s->ids) != 0) {
        free(force);
        goto fail;
      }
      for (int k = 0; k < a->n_opps; k++) {
        long id = h->n_opps++;
        s->ids[k] = id;
        int j = a->deal_stage[k];
        for (int st = 1; st <= j; st++)
          add_event(w, id, s->person, st - 1 - j, st, 0, a->deal_value[k]);
        if (h->failed) {
          free(force);
          goto fail;
        }
        /* the earlier stages fit between the holder's hire and the start:
         * spread over the j months before the start, or from the day after
         * the hire when that is later */
        long t0 = month_first(h->base_month);
        long first = month_first(h->base_month - j);
        long hired = s->person >= 0 ? h->people[s->person].hire : SALESIM_DATA_NO_DATE;
        if (hired != SALESIM_DATA_NO_DATE && hired + 1 > first && t0 - (hired + 1) >= j)
          first = hired + 1;
        for (int st = 1; st <= j; st++) {
          hist_event *e = &h->ev[h->n_ev - j + st - 1];
          e->last_day = 2;
          e->date = first + (long)(st - 1) * (t0 - first) / j;
        }
      }
    }
  }
  free(force);
  for (int k = 0; k < w->n_terr; k++)
    if (split_start(w, w->terr[k].orphan_book, unit, 12, SALESIM_HOLD_ORPHAN, k) != 0)
      goto fail;
  if (h->failed)
    goto fail;
  return 0;
fail:
  w->history = NULL;
  salesim_history_free(h);
  if (w->error == SALESIM_ENOMEM) {
    w->error = 0;
    w->error_text[0] = '\0';
  }
  return SALESIM_ENOMEM;
}

/* ---- the data ----------------------------------------------------------------------- */

static const char *const first_names[] = {
    "Ada", "Bo", "Chen", "Dara", "Eli", "Fen", "Gus", "Hana", "Ivo", "Jin", "Kai", "Lena",
    "Mei", "Nico", "Ola", "Pia", "Qiu", "Rui", "Sol", "Tao", "Uma", "Vik", "Wen", "Xia",
    "Yara", "Zed"};
static const char *const last_names[] = {
    "Arlo", "Brandt", "Corr", "Dunmore", "Ellery", "Fawkner", "Gale", "Hollis", "Ives",
    "Jarrow", "Kestrel", "Lind", "Marlow", "Nyland", "Orme", "Pryor", "Quill", "Rook",
    "Sallow", "Thorne", "Upton", "Vance", "Wren", "Yeld"};

static void person_name(char *buf, size_t n, int id) {
  uint64_t k = hash3(0x9E0, (uint64_t)id, 0);
  snprintf(buf, n, "%s %s", first_names[k % (sizeof first_names / sizeof *first_names)],
           last_names[(k >> 20) % (sizeof last_names / sizeof *last_names)]);
}

static int build(salesim_world *w, salesim_data *d) {
  struct salesim_history *h = w->history;
  const salesim_data *src = w->sc->data;
  char id[48], name[64];
  d->start = month_first(h->base_month);
  int terr_from_data = src != NULL && src->n_territories == (size_t)w->n_terr;
  for (int k = 0; k < w->n_terr; k++) {
    salesim_data_territory t = {0};
    snprintf(id, sizeof id, "T%03d", k + 1);
    snprintf(name, sizeof name, "Territory %d", k + 1);
    t.id = terr_from_data ? src->territories[k].id : id;
    t.name = terr_from_data ? src->territories[k].name : name;
    t.region = terr_from_data ? src->territories[k].region : "";
    t.potential = w->terr[k].potential;
    t.prospects = w->terr[k].prospects0;
    if (salesim_data_add_territory(d, &t) < 0)
      return SALESIM_ENOMEM;
  }
  /* people still in a slot at the end: their territory, target and pay then */
  for (int i = 0; i < w->n_agents; i++) {
    const salesim_agent *a = &w->agents[i];
    int p = h->slots[i].person;
    if (a->status != SALESIM_AGENT_VACANT && p >= 0 && h->people[p].id == a->id)
      h->people[p].territory = a->territory;
  }
  for (int p = 0; p < h->n_people; p++) {
    const hist_person *q = &h->people[p];
    salesim_data_rep r = {0};
    if (q->data_rep >= 0) {
      r.id = src->reps[q->data_rep].id;
      r.name = src->reps[q->data_rep].name;
    } else {
      snprintf(id, sizeof id, "P%06d", q->id);
      person_name(name, sizeof name, q->id);
      r.id = id;
      r.name = name;
    }
    r.territory = q->territory;
    r.hire_date = q->hire;
    r.exit_date = q->exit;
    r.exit_reason = q->exit == SALESIM_DATA_NO_DATE ? SALESIM_DATA_EXIT_NONE : q->exit_reason;
    r.grade = q->grade;
    double fixed = q->cur_month >= 0 ? q->fixed_cur : q->fixed_last;
    r.annual_base = 12 * fixed;
    /* the last plan, a year's worth (plans set mid-year are prorated) */
    double per_year = q->plan_left > 0 ? 12.0 / q->plan_left : 0;
    r.annual_quota = q->target > 0 ? q->target * per_year : NAN;
    r.target_incentive =
        q->target_pay > 0 ? fmax(0, q->target_pay * per_year - r.annual_base) : NAN;
    if (salesim_data_add_rep(d, &r) < 0)
      return SALESIM_ENOMEM;
  }
  for (int i = 0; i < h->n_acc; i++) {
    const hist_account *x = &h->acc[i];
    if (!(x->rev >= SALESIM_HISTORY_CHURNED * x->rev0) || !(x->rev > 0))
      continue;
    salesim_data_account r = {0};
    snprintf(id, sizeof id, "A%07d", i + 1);
    snprintf(name, sizeof name, "Customer %d", i + 1);
    r.id = id;
    r.name = name;
    r.territory = x->kind == SALESIM_HOLD_ORPHAN ? x->holder : w->agents[x->holder].territory;
    r.owner = -1;
    if (x->kind == SALESIM_HOLD_BOOK) {
      const salesim_agent *a = &w->agents[x->holder];
      int p = h->slots[x->holder].person;
      if (a->status != SALESIM_AGENT_VACANT && p >= 0 && h->people[p].id == a->id)
        r.owner = p;
    }
    r.annual_revenue = 12 * x->rev;
    r.customer_since = x->since;
    if (salesim_data_add_account(d, &r) < 0)
      return SALESIM_ENOMEM;
  }
  for (long e = 0; e < h->n_ev; e++) {
    const hist_event *x = &h->ev[e];
    snprintf(id, sizeof id, "O%07ld", x->opp + 1);
    long o = salesim_data_opportunity(d, id);
    if (o < 0)
      return SALESIM_ENOMEM;
    long date = x->last_day == 2 ? x->date
                                 : day_in(h, x->month, (uint64_t)x->opp, x->last_day);
    salesim_data_event r = {(int)o, -1, x->person, date, x->stage, x->value};
    if (x->person < 0)
      continue; /* a deal of nobody (cannot happen: deals belong to people) */
    if (salesim_data_add_event(d, &r) < 0)
      return SALESIM_ENOMEM;
  }
  if (salesim_data_sort_events(d) != 0)
    return SALESIM_ENOMEM;
  /* every row carries the deal's value as a CRM logs it: the value it was
   * opened with until a win says otherwise (a pulled deal's discount) */
  for (size_t e = 0; e < d->n_events; e++) {
    salesim_data_event *r = &d->events[e];
    if (!isfinite(r->value) && e > 0 && d->events[e - 1].opportunity == r->opportunity)
      r->value = d->events[e - 1].value;
  }
  /* activities: the visits monitoring's reps reported, on days spread over
   * the month by a hash; those an audit found false as cancelled */
  long n_act = 0;
  for (int v = 0; v < h->n_visits; v++) {
    const hist_visits *x = &h->visits[v];
    for (unsigned u = 0; u < x->done + x->struck; u++) {
      snprintf(id, sizeof id, "V%08ld", ++n_act);
      salesim_data_activity r = {id, x->person,
                                 day_in(h, x->month, hash3(0x715, (uint64_t)x->person, u), 0),
                                 SALESIM_DATA_ACT_VISIT,
                                 u < x->done ? SALESIM_DATA_ACT_DONE : SALESIM_DATA_ACT_CANCELLED,
                                 -1};
      if (salesim_data_add_activity(d, &r) < 0)
        return SALESIM_ENOMEM;
    }
  }
  /* periods: the finished rows, then the open ones, by person and period */
  for (int p = 0; p < h->n_people; p++)
    if (h->people[p].p_first >= 0 && push_row(h, p) != 0)
      return SALESIM_ENOMEM;
  period_list *pl = rows_of(h);
  /* stable by person (counting sort keeps the order of periods) */
  int *count = calloc((size_t)h->n_people + 1, sizeof *count);
  period_row *sorted = malloc((size_t)(pl->n > 0 ? pl->n : 1) * sizeof *sorted);
  if (count == NULL || sorted == NULL) {
    free(count);
    free(sorted);
    return SALESIM_ENOMEM;
  }
  for (int i = 0; i < pl->n; i++)
    count[pl->rows[i].person + 1]++;
  for (int p = 0; p < h->n_people; p++)
    count[p + 1] += count[p];
  for (int i = 0; i < pl->n; i++)
    sorted[count[pl->rows[i].person]++] = pl->rows[i];
  int rc = 0;
  for (int i = 0; i < pl->n && rc == 0; i++) {
    const period_row *x = &sorted[i];
    /* a period without a quota (monitoring, the training ladder) is no row:
     * attainment is not defined; a linear-mode period can sell less than
     * nothing (noise): credited 0 */
    if (!x->has_target)
      continue;
    salesim_data_period r = {x->person, x->first, h->period, x->quota, fmax(0, x->credit),
                             x->var};
    if (salesim_data_add_period(d, &r) < 0)
      rc = SALESIM_ENOMEM;
  }
  free(count);
  free(sorted);
  return rc;
}

int salesim_history_finish(salesim_world *w, salesim_data **out) {
  *out = NULL;
  if (w->history == NULL || w->history->failed)
    return SALESIM_ENOMEM;
  salesim_data *d = salesim_data_new();
  if (d == NULL)
    return SALESIM_ENOMEM;
  int rc = build(w, d);
  if (rc != 0) {
    salesim_data_free(d);
    return rc;
  }
  *out = d;
  return 0;
}
