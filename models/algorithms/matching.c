/*
 * models/algorithms/matching.c: many-to-one deferred acceptance between reps and teams
 * (models/algorithms/matching.h), its stability checker, a brute-force enumeration of
 * all stable matchings for tests, and the minimum-team-size loop.
 *
 * Rank tables. For every rep-list position the team's rank of that rep, and
 * for every team-list position the rep's rank of that team, built in one
 * pass over the lists (bucket the team lists by rep), so no dense
 * reps x teams table is needed: memory is linear in the lists.
 *
 * Reps propose (Gale-Shapley 1962; Roth 1984). A team keeps flags over its
 * own list marking the reps it holds and the rank of the worst one. Once a
 * team is full it stays full and its worst held rank only improves, so the
 * scan for the new worst after an eviction moves one way: O(list length) per
 * team over the whole run, O(total list length) in all.
 *
 * Teams propose (Roth 1985). A team with open seats proposes to its next
 * reps, one per open seat; a rep holds its best offer; a team whose rep
 * trades up gets the seat back and goes back on the stack. Each team proposes
 * to each listed rep at most once: O(total list length).
 *
 * Both results are stable and optimal for the proposers among all stable
 * matchings; reps-propose is strategy-proof for reps (Roth 1982; Dubins and
 * Freedman 1981), teams-propose is NOT strategy-proof for teams of capacity
 * above one (Roth 1985), only for one-to-one markets.
 * Read next: models/algorithms/match_mip.c.
 */
#include "matching.h"

#include <stdlib.h>
#include <string.h>

struct salesim_match {
  salesim_match_market view; /* points at the owned copies below */
  int *rep_start, *rep_list, *team_start, *team_list, *capacity, *minimum;
  int *team_rank;  /* per rep_list position */
  int *rep_rank;   /* per team_list position */
  /* deferred acceptance workspace */
  int *next;       /* next list position of each proposer */
  int *stack;      /* proposers still to move */
  int *count;      /* per team: held reps (reps propose) or open seats */
  int *worst;      /* per team: worst held rank (reps propose) */
  int *held_rank;  /* per rep: rank of the held team (teams propose) */
  unsigned char *held;     /* per team_list position (reps propose) */
  unsigned char *in_stack; /* per team (teams propose) */
};

static int max_int(int a, int b) { return a > b ? a : b; }

int salesim_match_check(const salesim_match_market *m, salesim_diag *diag) {
  int rc = 0;
  int *stamp = NULL;
  if (m == NULL)
    return SALESIM_EINVAL;
  if (m->n_reps < 0 || m->n_teams < 0) {
    salesim_diag_add(diag, "match: n_reps = %d, n_teams = %d; must be >= 0",
                     m->n_reps, m->n_teams);
    return SALESIM_EINVAL;
  }
  if (m->rep_start == NULL || m->team_start == NULL ||
      (m->n_teams > 0 && m->capacity == NULL)) {
    salesim_diag_add(diag, "match: rep_start, team_start and capacity are required");
    return SALESIM_EINVAL;
  }
  const int sides[2] = {m->n_reps, m->n_teams};
  const int *starts[2] = {m->rep_start, m->team_start};
  const int *lists[2] = {m->rep_list, m->team_list};
  const char *who[2] = {"rep", "team"}, *whom[2] = {"team", "rep"};
  for (int s = 0; s < 2; s++) {
    const int n = sides[s], *start = starts[s];
    if (start[0] != 0) {
      salesim_diag_add(diag, "match: %s_start[0] = %d; must be 0", who[s], start[0]);
      return SALESIM_EINVAL;
    }
    for (int a = 0; a < n; a++) {
      if (start[a + 1] < start[a]) {
        salesim_diag_add(diag, "match: %s_start[%d] = %d < %s_start[%d] = %d",
                         who[s], a + 1, start[a + 1], who[s], a, start[a]);
        return SALESIM_EINVAL;
      }
    }
    if (start[n] > 0 && lists[s] == NULL) {
      salesim_diag_add(diag, "match: %s_list is missing", who[s]);
      return SALESIM_EINVAL;
    }
  }
  stamp = malloc((size_t)max_int(1, max_int(m->n_reps, m->n_teams)) * sizeof *stamp);
  if (stamp == NULL)
    return SALESIM_ENOMEM;
  for (int s = 0; s < 2; s++) {
    const int n = sides[s], other = sides[1 - s], *start = starts[s];
    for (int b = 0; b < other; b++)
      stamp[b] = -1;
    for (int a = 0; a < n; a++) {
      for (int p = start[a]; p < start[a + 1]; p++) {
        int b = lists[s][p];
        if (b < 0 || b >= other) {
          salesim_diag_add(diag, "match: %s %d lists %s %d; must be in 0..%d",
                           who[s], a, whom[s], b, other - 1);
          rc = SALESIM_EINVAL;
        } else if (stamp[b] == a) {
          salesim_diag_add(diag, "match: %s %d lists %s %d twice", who[s], a,
                           whom[s], b);
          rc = SALESIM_EINVAL;
        } else {
          stamp[b] = a;
        }
      }
    }
  }
  for (int j = 0; j < m->n_teams; j++) {
    if (m->capacity[j] < 0) {
      salesim_diag_add(diag, "match: capacity[%d] = %d; must be >= 0", j,
                       m->capacity[j]);
      rc = SALESIM_EINVAL;
    }
    if (m->minimum != NULL && m->minimum[j] < 0) {
      salesim_diag_add(diag, "match: minimum[%d] = %d; must be >= 0", j,
                       m->minimum[j]);
      rc = SALESIM_EINVAL;
    }
  }
  free(stamp);
  return rc;
}

void salesim_match_free(salesim_match *mt) {
  if (mt == NULL)
    return;
  free(mt->rep_start);
  free(mt->rep_list);
  free(mt->team_start);
  free(mt->team_list);
  free(mt->capacity);
  free(mt->minimum);
  free(mt->team_rank);
  free(mt->rep_rank);
  free(mt->next);
  free(mt->stack);
  free(mt->count);
  free(mt->worst);
  free(mt->held_rank);
  free(mt->held);
  free(mt->in_stack);
  free(mt);
}

static int *copy_ints(const int *src, size_t n) {
  int *dst = malloc((n > 0 ? n : 1) * sizeof *dst);
  if (dst != NULL && n > 0)
    memcpy(dst, src, n * sizeof *dst);
  return dst;
}

/* Fill team_rank and rep_rank in one pass over the lists (see file header). */
static int build_ranks(salesim_match *mt) {
  const int R = mt->view.n_reps, T = mt->view.n_teams;
  const int LR = mt->rep_start[R], LT = mt->team_start[T];
  int rc = SALESIM_ENOMEM;
  int *by_rep_start = calloc((size_t)R + 1, sizeof *by_rep_start);
  int *by_rep = malloc((size_t)max_int(LT, 1) * sizeof *by_rep);
  int *owner = malloc((size_t)max_int(LT, 1) * sizeof *owner);
  int *rank_of_team = malloc((size_t)max_int(T, 1) * sizeof *rank_of_team);
  if (!by_rep_start || !by_rep || !owner || !rank_of_team)
    goto cleanup;
  for (int j = 0; j < T; j++)
    for (int q = mt->team_start[j]; q < mt->team_start[j + 1]; q++) {
      owner[q] = j;
      by_rep_start[mt->team_list[q] + 1]++;
    }
  for (int r = 0; r < R; r++)
    by_rep_start[r + 1] += by_rep_start[r];
  for (int q = 0; q < LT; q++)
    by_rep[by_rep_start[mt->team_list[q]]++] = q;
  for (int r = R; r > 0; r--) /* shift the cursors back to the starts */
    by_rep_start[r] = by_rep_start[r - 1];
  by_rep_start[0] = 0;
  for (int j = 0; j < T; j++)
    rank_of_team[j] = -1;
  for (int p = 0; p < LR; p++)
    mt->team_rank[p] = -1;
  for (int r = 0; r < R; r++) {
    const int base = mt->rep_start[r];
    for (int p = base; p < mt->rep_start[r + 1]; p++)
      rank_of_team[mt->rep_list[p]] = p - base;
    for (int e = by_rep_start[r]; e < by_rep_start[r + 1]; e++) {
      int q = by_rep[e], j = owner[q], rank = rank_of_team[j];
      mt->rep_rank[q] = rank;
      if (rank >= 0)
        mt->team_rank[base + rank] = q - mt->team_start[j];
    }
    for (int p = base; p < mt->rep_start[r + 1]; p++)
      rank_of_team[mt->rep_list[p]] = -1;
  }
  rc = 0;
cleanup:
  free(by_rep_start);
  free(by_rep);
  free(owner);
  free(rank_of_team);
  return rc;
}

int salesim_match_alloc(salesim_match **out, const salesim_match_market *m) {
  int rc;
  salesim_match *mt = NULL;
  *out = NULL;
  rc = salesim_match_check(m, NULL);
  if (rc != 0)
    return rc;
  rc = SALESIM_ENOMEM;
  const int R = m->n_reps, T = m->n_teams;
  const size_t LR = (size_t)m->rep_start[R], LT = (size_t)m->team_start[T];
  const size_t both = (size_t)max_int(1, max_int(R, T));
  mt = calloc(1, sizeof *mt);
  if (mt == NULL)
    goto cleanup;
  mt->rep_start = copy_ints(m->rep_start, (size_t)R + 1);
  mt->rep_list = copy_ints(m->rep_list, LR);
  mt->team_start = copy_ints(m->team_start, (size_t)T + 1);
  mt->team_list = copy_ints(m->team_list, LT);
  mt->capacity = copy_ints(m->capacity, (size_t)T);
  if (m->minimum != NULL && (mt->minimum = copy_ints(m->minimum, (size_t)T)) == NULL)
    goto cleanup;
  mt->team_rank = malloc((LR > 0 ? LR : 1) * sizeof *mt->team_rank);
  mt->rep_rank = malloc((LT > 0 ? LT : 1) * sizeof *mt->rep_rank);
  mt->next = malloc(both * sizeof *mt->next);
  mt->stack = malloc(both * sizeof *mt->stack);
  mt->count = malloc(both * sizeof *mt->count);
  mt->worst = malloc(both * sizeof *mt->worst);
  mt->held_rank = malloc(both * sizeof *mt->held_rank);
  mt->held = malloc(LT > 0 ? LT : 1);
  mt->in_stack = malloc(both);
  if (!mt->rep_start || !mt->rep_list || !mt->team_start || !mt->team_list ||
      !mt->capacity || !mt->team_rank || !mt->rep_rank || !mt->next ||
      !mt->stack || !mt->count || !mt->worst || !mt->held_rank || !mt->held ||
      !mt->in_stack)
    goto cleanup;
  mt->view = *m;
  mt->view.rep_start = mt->rep_start;
  mt->view.rep_list = mt->rep_list;
  mt->view.team_start = mt->team_start;
  mt->view.team_list = mt->team_list;
  mt->view.capacity = mt->capacity;
  mt->view.minimum = mt->minimum;
  rc = build_ranks(mt);
  if (rc != 0)
    goto cleanup;
  *out = mt;
  mt = NULL;
cleanup:
  salesim_match_free(mt);
  return rc;
}

const salesim_match_market *salesim_match_market_of(const salesim_match *mt) {
  return &mt->view;
}

const int *salesim_match_team_rank(const salesim_match *mt) {
  return mt->team_rank;
}

const int *salesim_match_rep_rank(const salesim_match *mt) {
  return mt->rep_rank;
}

/* ---- deferred acceptance -------------------------------------------------- */

static void reps_propose(salesim_match *mt, int *team_of_rep) {
  const int R = mt->view.n_reps, T = mt->view.n_teams;
  int top = 0;
  memset(mt->held, 0, (size_t)mt->team_start[T]);
  for (int j = 0; j < T; j++) {
    mt->count[j] = 0;
    mt->worst[j] = -1;
  }
  for (int r = R - 1; r >= 0; r--) { /* rep 0 moves first */
    team_of_rep[r] = -1;
    mt->next[r] = mt->rep_start[r];
    mt->stack[top++] = r;
  }
  while (top > 0) {
    int r = mt->stack[--top];
    while (mt->next[r] < mt->rep_start[r + 1]) {
      int p = mt->next[r]++;
      int j = mt->rep_list[p], q = mt->team_rank[p];
      if (q < 0 || mt->capacity[j] == 0)
        continue; /* unacceptable to the team */
      unsigned char *held = mt->held + mt->team_start[j];
      if (mt->count[j] < mt->capacity[j]) {
        held[q] = 1;
        mt->count[j]++;
        if (q > mt->worst[j])
          mt->worst[j] = q;
        team_of_rep[r] = j;
        break;
      }
      if (q < mt->worst[j]) { /* full: the worst held rep is rejected */
        int w = mt->worst[j];
        int evicted = mt->team_list[mt->team_start[j] + w];
        held[w] = 0;
        team_of_rep[evicted] = -1;
        mt->stack[top++] = evicted;
        held[q] = 1;
        team_of_rep[r] = j;
        while (!held[w]) /* stops at q at the latest */
          w--;
        mt->worst[j] = w;
        break;
      }
    }
  }
}

static void teams_propose(salesim_match *mt, int *team_of_rep) {
  const int R = mt->view.n_reps, T = mt->view.n_teams;
  int top = 0;
  for (int r = 0; r < R; r++) {
    team_of_rep[r] = -1;
    mt->held_rank[r] = -1;
  }
  for (int j = T - 1; j >= 0; j--) { /* team 0 moves first */
    mt->count[j] = mt->capacity[j]; /* open seats */
    mt->next[j] = mt->team_start[j];
    mt->stack[top++] = j;
    mt->in_stack[j] = 1;
  }
  while (top > 0) {
    int j = mt->stack[--top];
    mt->in_stack[j] = 0;
    while (mt->count[j] > 0 && mt->next[j] < mt->team_start[j + 1]) {
      int q = mt->next[j]++;
      int r = mt->team_list[q], p = mt->rep_rank[q];
      if (p < 0)
        continue; /* the rep does not list the team */
      int had = team_of_rep[r];
      if (had >= 0 && mt->held_rank[r] < p)
        continue; /* the rep holds a better offer */
      if (had >= 0) { /* the rep trades up: `had` gets its seat back */
        mt->count[had]++;
        if (!mt->in_stack[had]) {
          mt->stack[top++] = had;
          mt->in_stack[had] = 1;
        }
      }
      team_of_rep[r] = j;
      mt->held_rank[r] = p;
      mt->count[j]--;
    }
  }
}

int salesim_match_run(salesim_match *mt, salesim_match_side side,
                      int *team_of_rep) {
  if (mt == NULL || (team_of_rep == NULL && mt->view.n_reps > 0))
    return SALESIM_EINVAL;
  if (side == SALESIM_MATCH_REPS_PROPOSE)
    reps_propose(mt, team_of_rep);
  else if (side == SALESIM_MATCH_TEAMS_PROPOSE)
    teams_propose(mt, team_of_rep);
  else
    return SALESIM_EINVAL;
  return 0;
}

/* ---- stability ------------------------------------------------------------- */

/* The checker proper, on caller scratch: count, worst (n_teams), pos (n_reps). */
static int stable_core(const salesim_match *mt, const int *team_of_rep,
                       int *count, int *worst, int *pos, int *block_rep,
                       int *block_team) {
  const int R = mt->view.n_reps, T = mt->view.n_teams;
  int br = -1, bt = -1;
  for (int j = 0; j < T; j++) {
    count[j] = 0;
    worst[j] = -1;
  }
  for (int r = 0; r < R; r++) {
    int j = team_of_rep[r];
    pos[r] = mt->rep_start[r + 1]; /* unmatched: every listed team is better */
    if (j < 0)
      continue;
    if (j >= T)
      return SALESIM_EINVAL;
    for (int p = mt->rep_start[r]; p < mt->rep_start[r + 1]; p++)
      if (mt->rep_list[p] == j)
        pos[r] = p;
    if (pos[r] == mt->rep_start[r + 1] || mt->team_rank[pos[r]] < 0) {
      br = r; /* not mutually acceptable */
      bt = j;
      goto unstable;
    }
    count[j]++;
    if (mt->team_rank[pos[r]] > worst[j])
      worst[j] = mt->team_rank[pos[r]];
  }
  for (int j = 0; j < T; j++)
    if (count[j] > mt->capacity[j]) {
      bt = j;
      goto unstable;
    }
  for (int r = 0; r < R; r++)
    for (int p = mt->rep_start[r]; p < pos[r]; p++) {
      int j = mt->rep_list[p], q = mt->team_rank[p];
      if (q >= 0 && (count[j] < mt->capacity[j] || q < worst[j])) {
        br = r;
        bt = j;
        goto unstable;
      }
    }
  return 1;
unstable:
  if (block_rep != NULL)
    *block_rep = br;
  if (block_team != NULL)
    *block_team = bt;
  return 0;
}

int salesim_match_is_stable(const salesim_match *mt, const int *team_of_rep,
                            int *block_rep, int *block_team) {
  if (mt == NULL || (team_of_rep == NULL && mt->view.n_reps > 0))
    return SALESIM_EINVAL;
  const size_t T = (size_t)max_int(1, mt->view.n_teams);
  const size_t R = (size_t)max_int(1, mt->view.n_reps);
  int *count = malloc(T * sizeof *count), *worst = malloc(T * sizeof *worst);
  int *pos = malloc(R * sizeof *pos);
  int rc = SALESIM_ENOMEM;
  if (count && worst && pos)
    rc = stable_core(mt, team_of_rep, count, worst, pos, block_rep, block_team);
  free(count);
  free(worst);
  free(pos);
  return rc;
}

/* ---- brute-force enumeration ------------------------------------------------ */

typedef struct enum_state {
  const salesim_match *mt;
  salesim_match_visit_fn visit;
  void *ctx;
  int *team_of_rep, *seats, *count, *worst, *pos;
  long found;
} enum_state;

static int enum_rec(enum_state *st, int r) {
  const salesim_match *mt = st->mt;
  if (r == mt->view.n_reps) {
    int s = stable_core(mt, st->team_of_rep, st->count, st->worst, st->pos,
                        NULL, NULL);
    if (s <= 0)
      return s;
    st->found++;
    return st->visit != NULL ? st->visit(st->ctx, st->team_of_rep) : 0;
  }
  st->team_of_rep[r] = -1;
  int rc = enum_rec(st, r + 1);
  for (int p = mt->rep_start[r]; rc == 0 && p < mt->rep_start[r + 1]; p++) {
    int j = mt->rep_list[p];
    if (mt->team_rank[p] < 0 || st->seats[j] >= mt->capacity[j])
      continue;
    st->seats[j]++;
    st->team_of_rep[r] = j;
    rc = enum_rec(st, r + 1);
    st->seats[j]--;
  }
  st->team_of_rep[r] = -1;
  return rc;
}

int salesim_match_enumerate_stable(const salesim_match *mt,
                                   salesim_match_visit_fn visit, void *ctx,
                                   long *count) {
  enum_state st;
  int rc = SALESIM_ENOMEM;
  if (count != NULL)
    *count = 0;
  if (mt == NULL)
    return SALESIM_EINVAL;
  const int R = mt->view.n_reps, T = mt->view.n_teams;
  double space = 1;
  for (int r = 0; r < R; r++) {
    int acceptable = 1;
    for (int p = mt->rep_start[r]; p < mt->rep_start[r + 1]; p++)
      acceptable += mt->team_rank[p] >= 0;
    space *= acceptable;
  }
  if (space > 2e7)
    return SALESIM_EINVAL;
  memset(&st, 0, sizeof st);
  st.mt = mt;
  st.visit = visit;
  st.ctx = ctx;
  st.team_of_rep = malloc((size_t)max_int(1, R) * sizeof(int));
  st.pos = malloc((size_t)max_int(1, R) * sizeof(int));
  st.seats = calloc((size_t)max_int(1, T), sizeof(int));
  st.count = malloc((size_t)max_int(1, T) * sizeof(int));
  st.worst = malloc((size_t)max_int(1, T) * sizeof(int));
  if (st.team_of_rep && st.pos && st.seats && st.count && st.worst) {
    rc = enum_rec(&st, 0);
    if (count != NULL)
      *count = st.found;
  }
  free(st.team_of_rep);
  free(st.pos);
  free(st.seats);
  free(st.count);
  free(st.worst);
  return rc;
}

/* ---- the minimum-team-size loop ------------------------------------------- */

int salesim_match_rounds_run(const salesim_match_rounds *ops, void *ctx,
                             salesim_match_side side, int max_rounds,
                             int n_reps, int *team_of_rep, int *rounds) {
  int rc = 0, round = 0, *size = NULL, *short_teams = NULL;
  salesim_match *mt = NULL;
  if (rounds != NULL)
    *rounds = 0;
  if (ops == NULL || ops->market == NULL || ops->reaward == NULL ||
      n_reps < 0 || (team_of_rep == NULL && n_reps > 0))
    return SALESIM_EINVAL;
  for (;;) {
    salesim_match_market m;
    if (max_rounds > 0 && round >= max_rounds) {
      rc = SALESIM_EINTERRUPTED;
      goto cleanup;
    }
    round++;
    memset(&m, 0, sizeof m);
    rc = ops->market(ctx, &m);
    if (rc < 0)
      goto cleanup;
    if (m.n_reps != n_reps) {
      rc = SALESIM_EINVAL;
      goto cleanup;
    }
    rc = salesim_match_alloc(&mt, &m);
    if (rc != 0)
      goto cleanup;
    rc = salesim_match_run(mt, side, team_of_rep);
    if (rc != 0)
      goto cleanup;
    const int T = m.n_teams;
    free(size);
    free(short_teams);
    size = calloc((size_t)max_int(1, T), sizeof *size);
    short_teams = malloc((size_t)max_int(1, T) * sizeof *short_teams);
    if (size == NULL || short_teams == NULL) {
      rc = SALESIM_ENOMEM;
      goto cleanup;
    }
    for (int r = 0; r < n_reps; r++)
      if (team_of_rep[r] >= 0)
        size[team_of_rep[r]]++;
    int n_short = 0;
    for (int j = 0; j < T; j++)
      if (mt->minimum != NULL && size[j] < mt->minimum[j])
        short_teams[n_short++] = j;
    salesim_match_free(mt);
    mt = NULL;
    if (n_short == 0)
      break;
    rc = ops->reaward(ctx, short_teams, n_short);
    if (rc <= 0)
      break; /* an error, or nothing changed */
  }
cleanup:
  if (rounds != NULL)
    *rounds = round;
  salesim_match_free(mt);
  free(size);
  free(short_teams);
  return rc < 0 ? rc : 0;
}
