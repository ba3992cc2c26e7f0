/*
 * engine/base/data.c: a company's data in memory (include/salesim/data.h):
 * growing arrays of rows, a string arena whose pointers never move, and one
 * open-addressing index of ids per kind (FNV-1a 64 hashes, linear probing,
 * grown at half full), so a million opportunity rows find their ids in
 * constant time each.
 *
 * Read next: engine/scenario/data_load.c (the files), docs/data-format.md.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <salesim/data.h>
#include <salesim/errors.h>

/* The arena: chunks of at least CHUNK bytes, never moved. */
#define CHUNK ((size_t)64 * 1024)
typedef struct chunk {
  struct chunk *next;
  size_t used, cap;
  char bytes[];
} chunk;

/* One kind's ids: slot i holds row index + 1 (0: empty). */
typedef struct id_index {
  long *slot;
  size_t cap; /* a power of two, or 0 */
  size_t n;
} id_index;

typedef struct data_priv {
  atomic_int refs;
  chunk *arena;
  id_index ids[SALESIM_DATA_KINDS];
  size_t cap_terr, cap_acc, cap_rep, cap_per, cap_ev, cap_opp, cap_act;
} data_priv;

static data_priv *priv(const salesim_data *d) { return (data_priv *)d->priv; }

static uint64_t fnv(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ULL;
  }
  return h;
}

static const char *id_of(const salesim_data *d, salesim_data_kind kind, long row) {
  switch (kind) {
  case SALESIM_DATA_K_TERRITORY: return d->territories[row].id;
  case SALESIM_DATA_K_ACCOUNT: return d->accounts[row].id;
  case SALESIM_DATA_K_REP: return d->reps[row].id;
  case SALESIM_DATA_K_OPPORTUNITY: return d->opportunities[row];
  case SALESIM_DATA_K_ACTIVITY: return d->activities[row].id;
  default: return "";
  }
}

salesim_data *salesim_data_new(void) {
  salesim_data *d = calloc(1, sizeof *d);
  data_priv *p = calloc(1, sizeof *p);
  if (d == NULL || p == NULL) {
    free(d);
    free(p);
    return NULL;
  }
  atomic_init(&p->refs, 1);
  d->priv = p;
  d->start = SALESIM_DATA_NO_DATE;
  d->account_scale = 1;
  return d;
}

salesim_data *salesim_data_retain(salesim_data *d) {
  if (d != NULL)
    atomic_fetch_add(&priv(d)->refs, 1);
  return d;
}

void salesim_data_free(salesim_data *d) {
  if (d == NULL)
    return;
  data_priv *p = priv(d);
  if (atomic_fetch_sub(&p->refs, 1) != 1)
    return;
  for (chunk *c = p->arena, *next; c != NULL; c = next) {
    next = c->next;
    free(c);
  }
  for (int k = 0; k < SALESIM_DATA_KINDS; k++)
    free(p->ids[k].slot);
  for (int f = 0; f < SALESIM_DATA_FILES; f++)
    free(d->path[f]);
  free(d->territories);
  free(d->accounts);
  free(d->reps);
  free(d->periods);
  free(d->events);
  free(d->opportunities);
  free(d->activities);
  free(p);
  free(d);
}

const char *salesim_data_intern(salesim_data *d, const char *s) {
  if (s == NULL)
    s = "";
  data_priv *p = priv(d);
  size_t n = strlen(s) + 1;
  chunk *c = p->arena;
  if (c == NULL || c->cap - c->used < n) {
    size_t cap = n > CHUNK ? n : CHUNK;
    chunk *fresh = malloc(sizeof *fresh + cap);
    if (fresh == NULL)
      return NULL;
    fresh->used = 0;
    fresh->cap = cap;
    if (c != NULL && n > CHUNK) { /* a long string: behind the current chunk */
      fresh->next = c->next;
      c->next = fresh;
    } else {
      fresh->next = c;
      p->arena = fresh;
    }
    c = fresh;
  }
  char *out = c->bytes + c->used;
  memcpy(out, s, n);
  c->used += n;
  return out;
}

static long index_lookup(const salesim_data *d, salesim_data_kind kind, const char *id,
                         size_t *where) {
  const id_index *ix = &priv(d)->ids[kind];
  if (ix->cap == 0) {
    *where = 0;
    return -1;
  }
  size_t mask = ix->cap - 1;
  for (size_t i = (size_t)fnv(id) & mask;; i = (i + 1) & mask) {
    if (ix->slot[i] == 0) {
      *where = i;
      return -1;
    }
    if (strcmp(id_of(d, kind, ix->slot[i] - 1), id) == 0) {
      *where = i;
      return ix->slot[i] - 1;
    }
  }
}

long salesim_data_find(const salesim_data *d, salesim_data_kind kind, const char *id) {
  size_t where;
  if (d == NULL || id == NULL || kind < 0 || kind >= SALESIM_DATA_KINDS)
    return -1;
  return index_lookup(d, kind, id, &where);
}

/* Room for one more id of `kind` (grown at half full, rehashed). */
static int index_room(salesim_data *d, salesim_data_kind kind) {
  id_index *ix = &priv(d)->ids[kind];
  if (2 * (ix->n + 1) <= ix->cap)
    return 0;
  size_t cap = ix->cap ? 2 * ix->cap : 64;
  long *slot = calloc(cap, sizeof *slot);
  if (slot == NULL)
    return SALESIM_ENOMEM;
  for (size_t i = 0; i < ix->cap; i++) {
    if (ix->slot[i] == 0)
      continue;
    size_t j = (size_t)fnv(id_of(d, kind, ix->slot[i] - 1)) & (cap - 1);
    while (slot[j] != 0)
      j = (j + 1) & (cap - 1);
    slot[j] = ix->slot[i];
  }
  free(ix->slot);
  ix->slot = slot;
  ix->cap = cap;
  return 0;
}

/* Room for one more row in *arr (n rows of `size` bytes, *cap allocated). */
static int grow(void **arr, size_t *cap, size_t n, size_t size) {
  if (n < *cap)
    return 0;
  size_t c = *cap ? 2 * *cap : 16;
  void *p = realloc(*arr, c * size);
  if (p == NULL)
    return SALESIM_ENOMEM;
  *arr = p;
  *cap = c;
  return 0;
}

/* The checks and index work every row with an id shares: returns the
 * position in the index for the new row, or a negative code. */
static long id_slot(salesim_data *d, salesim_data_kind kind, const char *id, size_t *where) {
  if (index_room(d, kind) != 0)
    return SALESIM_ENOMEM;
  if (index_lookup(d, kind, id, where) >= 0)
    return SALESIM_EINVAL;
  return 0;
}

static long id_commit(salesim_data *d, salesim_data_kind kind, size_t where, long row) {
  id_index *ix = &priv(d)->ids[kind];
  ix->slot[where] = row + 1;
  ix->n++;
  return row;
}

#define ADD_ROW(ARR, N, CAP, ROW, KIND, IDFIELD)                                             \
  do {                                                                                       \
    size_t where = 0;                                                                        \
    long rc = id_slot(d, KIND, (ROW)->IDFIELD ? (ROW)->IDFIELD : "", &where);                \
    if (rc != 0)                                                                             \
      return rc;                                                                             \
    if (grow((void **)&d->ARR, &priv(d)->CAP, d->N, sizeof *d->ARR) != 0)                    \
      return SALESIM_ENOMEM;                                                                 \
    d->ARR[d->N] = *(ROW);                                                                   \
    if ((d->ARR[d->N].IDFIELD = salesim_data_intern(d, (ROW)->IDFIELD)) == NULL)             \
      return SALESIM_ENOMEM;                                                                 \
    row = (long)d->N;                                                                        \
    d->N++;                                                                                  \
    id_commit(d, KIND, where, row);                                                          \
  } while (0)

long salesim_data_add_territory(salesim_data *d, const salesim_data_territory *t) {
  long row;
  ADD_ROW(territories, n_territories, cap_terr, t, SALESIM_DATA_K_TERRITORY, id);
  salesim_data_territory *r = &d->territories[row];
  if ((r->name = salesim_data_intern(d, t->name)) == NULL ||
      (r->region = salesim_data_intern(d, t->region)) == NULL)
    return SALESIM_ENOMEM;
  return row;
}

long salesim_data_add_account(salesim_data *d, const salesim_data_account *a) {
  long row;
  ADD_ROW(accounts, n_accounts, cap_acc, a, SALESIM_DATA_K_ACCOUNT, id);
  if ((d->accounts[row].name = salesim_data_intern(d, a->name)) == NULL)
    return SALESIM_ENOMEM;
  return row;
}

long salesim_data_add_rep(salesim_data *d, const salesim_data_rep *r) {
  long row;
  ADD_ROW(reps, n_reps, cap_rep, r, SALESIM_DATA_K_REP, id);
  if ((d->reps[row].name = salesim_data_intern(d, r->name)) == NULL)
    return SALESIM_ENOMEM;
  return row;
}

long salesim_data_add_activity(salesim_data *d, const salesim_data_activity *a) {
  long row;
  ADD_ROW(activities, n_activities, cap_act, a, SALESIM_DATA_K_ACTIVITY, id);
  return row;
}

long salesim_data_add_period(salesim_data *d, const salesim_data_period *p) {
  if (grow((void **)&d->periods, &priv(d)->cap_per, d->n_periods, sizeof *d->periods) != 0)
    return SALESIM_ENOMEM;
  d->periods[d->n_periods] = *p;
  return (long)d->n_periods++;
}

long salesim_data_opportunity(salesim_data *d, const char *id) {
  size_t where = 0;
  if (id == NULL)
    id = "";
  if (index_room(d, SALESIM_DATA_K_OPPORTUNITY) != 0)
    return SALESIM_ENOMEM;
  long found = index_lookup(d, SALESIM_DATA_K_OPPORTUNITY, id, &where);
  if (found >= 0)
    return found;
  if (grow((void **)&d->opportunities, &priv(d)->cap_opp, d->n_opportunities,
           sizeof *d->opportunities) != 0)
    return SALESIM_ENOMEM;
  const char *s = salesim_data_intern(d, id);
  if (s == NULL)
    return SALESIM_ENOMEM;
  long row = (long)d->n_opportunities++;
  d->opportunities[row] = s;
  return id_commit(d, SALESIM_DATA_K_OPPORTUNITY, where, row);
}

long salesim_data_add_event(salesim_data *d, const salesim_data_event *e) {
  if (grow((void **)&d->events, &priv(d)->cap_ev, d->n_events, sizeof *d->events) != 0)
    return SALESIM_ENOMEM;
  d->events[d->n_events] = *e;
  return (long)d->n_events++;
}

/* A stable sort by (opportunity, date): a radix-free merge sort on an
 * index, so equal keys keep the file's order. */
static int event_before(const salesim_data_event *a, const salesim_data_event *b) {
  if (a->opportunity != b->opportunity)
    return a->opportunity < b->opportunity;
  return a->date < b->date;
}

int salesim_data_sort_events(salesim_data *d) {
  size_t n = d->n_events;
  if (n < 2)
    return 0;
  salesim_data_event *tmp = malloc(n * sizeof *tmp);
  if (tmp == NULL)
    return SALESIM_ENOMEM;
  salesim_data_event *src = d->events, *dst = tmp;
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n;
      size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        dst[k++] = event_before(&src[j], &src[i]) ? src[j++] : src[i++];
      while (i < mid)
        dst[k++] = src[i++];
      while (j < hi)
        dst[k++] = src[j++];
    }
    salesim_data_event *t = src;
    src = dst;
    dst = t;
  }
  if (src != d->events)
    memcpy(d->events, src, n * sizeof *tmp);
  free(tmp);
  return 0;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
long salesim_data_days(int y, int m, int dd) {
  long yy = (long)y - (m <= 2);
  long era = (yy >= 0 ? yy : yy - 399) / 400;
  long yoe = yy - era * 400;
  long mp = (m + 9) % 12;
  long doy = (153 * mp + 2) / 5 + dd - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void salesim_data_ymd(long days, int *y, int *m, int *dd) {
  long z = days + 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  long day = doy - (153 * mp + 2) / 5 + 1;
  long mon = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)(yoe + era * 400 + (mon <= 2));
  *m = (int)mon;
  *dd = (int)day;
}

salesim_data *salesim_data_copy_shape(const salesim_data *d, long start) {
  salesim_data *c = salesim_data_new();
  if (c == NULL)
    return NULL;
  c->start = start;
  c->account_scale = d->account_scale;
  int ok = 1;
  for (int f = 0; f < SALESIM_DATA_FILES && ok; f++) {
    memcpy(c->hash[f], d->hash[f], sizeof c->hash[f]);
    if (d->path[f] != NULL) {
      size_t n = strlen(d->path[f]) + 1;
      ok = (c->path[f] = malloc(n)) != NULL;
      if (ok)
        memcpy(c->path[f], d->path[f], n);
    }
  }
  for (size_t i = 0; i < d->n_territories && ok; i++)
    ok = salesim_data_add_territory(c, &d->territories[i]) >= 0;
  for (size_t i = 0; i < d->n_reps && ok; i++)
    ok = salesim_data_add_rep(c, &d->reps[i]) >= 0;
  for (size_t i = 0; i < d->n_accounts && ok; i++)
    ok = salesim_data_add_account(c, &d->accounts[i]) >= 0;
  if (!ok) {
    salesim_data_free(c);
    return NULL;
  }
  return c;
}

int salesim_data_months_between(long from, long to) {
  if (to <= from)
    return 0;
  int y0, m0, d0, y1, m1, d1;
  salesim_data_ymd(from, &y0, &m0, &d0);
  salesim_data_ymd(to, &y1, &m1, &d1);
  int m = (y1 - y0) * 12 + (m1 - m0) - (d1 < d0);
  return m > 0 ? m : 0;
}

size_t salesim_data_starting_force(const salesim_data *d, long *out, size_t cap) {
  size_t n = 0;
  for (size_t r = 0; r < d->n_reps; r++) {
    const salesim_data_rep *p = &d->reps[r];
    if (p->hire_date >= d->start ||
        (p->exit_date != SALESIM_DATA_NO_DATE && p->exit_date < d->start))
      continue;
    if (n < cap)
      out[n] = (long)r;
    n++;
  }
  return n;
}

const char *salesim_data_file_name(salesim_data_file f) {
  static const char *const names[SALESIM_DATA_FILES] = {
      "territories.csv", "accounts.csv", "roster.csv", "performance.csv",
      "opportunities.csv", "activities.csv"};
  return f >= 0 && f < SALESIM_DATA_FILES ? names[f] : "";
}

/* The index + 1 of region `r` among the first `n` territories' regions
 * (0: not among them). Quadratic in the territories, which are few. */
static size_t region_number(const salesim_data *d, size_t n, const char *r) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    const char *q = d->territories[i].region;
    if (q == NULL || q[0] == '\0')
      continue;
    size_t j = 0;
    while (j < i && (d->territories[j].region == NULL ||
                     strcmp(d->territories[j].region, q) != 0))
      j++;
    if (j < i)
      continue; /* seen before */
    k++;
    if (strcmp(q, r) == 0)
      return k;
  }
  return 0;
}

salesim_data *salesim_data_redacted(const salesim_data *d) {
  salesim_data *c = salesim_data_copy_shape(d, d->start);
  if (c == NULL)
    return NULL;
  int ok = 1;
  char buf[32];
  for (size_t i = 0; i < c->n_territories && ok; i++) {
    salesim_data_territory *t = &c->territories[i];
    t->name = t->id;
    if (t->region != NULL && t->region[0] != '\0') {
      snprintf(buf, sizeof buf, "region-%zu", region_number(d, d->n_territories, t->region));
      ok = (t->region = salesim_data_intern(c, buf)) != NULL;
    }
  }
  for (size_t i = 0; i < c->n_reps; i++)
    c->reps[i].name = c->reps[i].id;
  for (size_t i = 0; i < c->n_accounts; i++)
    c->accounts[i].name = c->accounts[i].id;
  for (size_t i = 0; i < d->n_periods && ok; i++)
    ok = salesim_data_add_period(c, &d->periods[i]) >= 0;
  for (size_t i = 0; i < d->n_opportunities && ok; i++)
    ok = salesim_data_opportunity(c, d->opportunities[i]) == (long)i;
  for (size_t i = 0; i < d->n_events && ok; i++)
    ok = salesim_data_add_event(c, &d->events[i]) >= 0;
  for (size_t i = 0; i < d->n_activities && ok; i++)
    ok = salesim_data_add_activity(c, &d->activities[i]) >= 0;
  if (!ok) {
    salesim_data_free(c);
    return NULL;
  }
  c->redacted = 1;
  return c;
}
