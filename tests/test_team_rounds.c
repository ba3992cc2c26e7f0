/*
 * tests/test_team_rounds.c: the minimum-team-size loop
 * (salesim_match_rounds_run) driven by the winner determination of
 * models/algorithms/assign.h, on small hand-made tenders: a winner nobody will join
 * loses the award to the next bidder; when no bidder can form a team the
 * territory is left unfilled (the tender's top-down fallback); the round cap
 * and a caller that changes nothing end the loop.
 */
#include "testutil.h"

#include <string.h>

#include "assign.h"
#include "matching.h"

#define N_TERR 2
#define N_MGR 3
#define N_REPS 4
#define N_BIDS 4

/* Bids: M0 on T0 scores 10, M0 on T1 1, M1 on T0 8, M2 on T1 5. */
static const salesim_bid bids[N_BIDS] = {{0, 0, 10}, {0, 1, 1}, {1, 0, 8}, {2, 1, 5}};
static const int capacity_of_territory[N_TERR] = {2, 2};
static const int minimum_of_territory[N_TERR] = {2, 1};
/* Managers rank reps (perceived ability), best first. */
static const int manager_pref[N_MGR][N_REPS] = {{0, 1, 2, 3}, {3, 1, 0, 2}, {2, 0, 1, 3}};

typedef struct tender {
  /* reps rank managers, best first (-1 ends a list) */
  int rep_pref[N_REPS][N_MGR + 1];
  salesim_assign *ws;
  unsigned char excluded[N_BIDS];
  int award[N_TERR];        /* winning bid per territory or -1 */
  int territory_of_team[N_TERR];
  int n_teams, reawards, never_change;
  /* market storage */
  int rs[N_REPS + 1], rl[N_REPS * N_TERR], ts[N_TERR + 1], tl[N_TERR * N_REPS];
  int cap[N_TERR], min[N_TERR];
} tender;

static int solve(tender *t) {
  return salesim_assign_solve(t->ws, SALESIM_ASSIGN_SSP, bids, N_BIDS,
                              t->excluded, t->award, NULL);
}

/* Teams are the territories with a winner, in territory order. */
static int market_cb(void *ctx, salesim_match_market *m) {
  tender *t = ctx;
  int team_of_manager[N_MGR], n = 0;
  t->n_teams = 0;
  for (int i = 0; i < N_MGR; i++)
    team_of_manager[i] = -1;
  for (int k = 0; k < N_TERR; k++) {
    if (t->award[k] < 0)
      continue;
    int j = t->n_teams++;
    t->territory_of_team[j] = k;
    team_of_manager[bids[t->award[k]].manager] = j;
    t->cap[j] = capacity_of_territory[k];
    t->min[j] = minimum_of_territory[k];
  }
  t->rs[0] = 0;
  for (int r = 0; r < N_REPS; r++) {
    for (int x = 0; t->rep_pref[r][x] >= 0; x++)
      if (team_of_manager[t->rep_pref[r][x]] >= 0)
        t->rl[n++] = team_of_manager[t->rep_pref[r][x]];
    t->rs[r + 1] = n;
  }
  n = 0;
  t->ts[0] = 0;
  for (int j = 0; j < t->n_teams; j++) {
    int manager = bids[t->award[t->territory_of_team[j]]].manager;
    for (int x = 0; x < N_REPS; x++)
      t->tl[n++] = manager_pref[manager][x];
    t->ts[j + 1] = n;
  }
  salesim_match_market mm = {N_REPS, t->n_teams, t->rs, t->rl, t->ts, t->tl,
                             t->cap, t->min};
  *m = mm;
  return 0;
}

/* Void the short teams' winning bids and re-solve the award. */
static int reaward_cb(void *ctx, const int *short_teams, int n_short) {
  tender *t = ctx;
  if (t->never_change)
    return 0;
  for (int s = 0; s < n_short; s++)
    t->excluded[t->award[t->territory_of_team[short_teams[s]]]] = 1;
  t->reawards += n_short;
  int rc = solve(t);
  return rc < 0 ? rc : n_short;
}

static void start(tender *t, int nobody_wants_m1) {
  /* Nobody lists M0. r0: M2 > M1, r1: M1 > M2, r2: M2 > M1, r3: M1. */
  const int prefs[N_REPS][N_MGR + 1] = {{2, 1, -1}, {1, 2, -1}, {2, 1, -1}, {1, -1}};
  const int prefs2[N_REPS][N_MGR + 1] = {{2, -1}, {2, -1}, {2, -1}, {-1}};
  memset(t, 0, sizeof *t);
  memcpy(t->rep_pref, nobody_wants_m1 ? prefs2 : prefs, sizeof prefs);
  assert_int_equal(salesim_assign_alloc(&t->ws, N_MGR, N_TERR, N_BIDS), 0);
  assert_int_equal(solve(t), 0);
  assert_int_equal(t->award[0], 0); /* M0 wins T0, M2 wins T1: 15 */
  assert_int_equal(t->award[1], 3);
}

static const salesim_match_rounds ops = {market_cb, reaward_cb};

/* Round 1: nobody joins M0 at T0 (short: 0 < 2); M2 at T1 takes r2 and r0.
 * M0's bid is voided; the re-solve gives T0 to the next bidder M1 (8 + 5).
 * Round 2: M1 gets r3 and r1, M2 keeps r0 and r2; nobody is short. */
static void test_next_bidder(void **state) {
  (void)state;
  for (int side = 0; side < 2; side++) {
    tender t;
    int team_of_rep[N_REPS], rounds = 0;
    start(&t, 0);
    assert_int_equal(salesim_match_rounds_run(&ops, &t, (salesim_match_side)side,
                                              0, N_REPS, team_of_rep, &rounds), 0);
    assert_int_equal(rounds, 2);
    assert_int_equal(t.reawards, 1);
    assert_int_equal(bids[t.award[0]].manager, 1);
    assert_int_equal(bids[t.award[1]].manager, 2);
    const int want_territory[N_REPS] = {1, 0, 1, 0};
    for (int r = 0; r < N_REPS; r++)
      assert_int_equal(t.territory_of_team[team_of_rep[r]], want_territory[r]);
    salesim_assign_free(t.ws);
  }
}

/* Nobody will join M0 or M1: T0 goes M0 -> M1 -> nobody (unfilled: the
 * tender falls back to a top-down target there), in three rounds. */
static void test_unfilled_after_fallbacks(void **state) {
  (void)state;
  tender t;
  int team_of_rep[N_REPS], rounds = 0;
  start(&t, 1);
  assert_int_equal(salesim_match_rounds_run(&ops, &t, SALESIM_MATCH_TEAMS_PROPOSE,
                                            0, N_REPS, team_of_rep, &rounds), 0);
  assert_int_equal(rounds, 3);
  assert_int_equal(t.reawards, 2);
  assert_int_equal(t.award[0], -1);
  assert_int_equal(bids[t.award[1]].manager, 2);
  assert_int_equal(t.n_teams, 1);
  const int want[N_REPS] = {0, -1, 0, -1}; /* M2 takes r2 and r0 */
  assert_memory_equal(team_of_rep, want, sizeof want);
  salesim_assign_free(t.ws);

  /* The cap on rounds is reported. */
  start(&t, 1);
  assert_int_equal(salesim_match_rounds_run(&ops, &t, SALESIM_MATCH_REPS_PROPOSE,
                                            2, N_REPS, team_of_rep, &rounds),
                   SALESIM_EINTERRUPTED);
  assert_int_equal(rounds, 2);
  salesim_assign_free(t.ws);

  /* A caller that changes nothing ends the loop with the team left short. */
  start(&t, 1);
  t.never_change = 1;
  assert_int_equal(salesim_match_rounds_run(&ops, &t, SALESIM_MATCH_REPS_PROPOSE,
                                            0, N_REPS, team_of_rep, &rounds), 0);
  assert_int_equal(rounds, 1);
  assert_int_equal(t.award[0], 0);
  salesim_assign_free(t.ws);

  /* Bad calls. */
  assert_int_equal(salesim_match_rounds_run(NULL, &t, SALESIM_MATCH_REPS_PROPOSE,
                                            0, N_REPS, team_of_rep, &rounds),
                   SALESIM_EINVAL);
  start(&t, 1);
  assert_int_equal(salesim_match_rounds_run(&ops, &t, SALESIM_MATCH_REPS_PROPOSE,
                                            0, N_REPS - 1, team_of_rep, &rounds),
                   SALESIM_EINVAL); /* the market has another number of reps */
  salesim_assign_free(t.ws);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_next_bidder),
      cmocka_unit_test(test_unfilled_after_fallbacks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
