/*
 * tests/test_behaviour.c: the behaviours of issue 3, each from a shipped
 * scenario run through the library with its own seed and replications, each
 * checked as a paired difference whose 95 % interval excludes zero in the
 * stated direction (docs/behaviour.md explains the cause of each in the
 * model and the setting that switches it off).
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <salesim/salesim.h>

#include "mechanism.h"
#include "params_json.h"
#include "payout_curve.h"
#include "sim.h"

static salesim_scenario *load(const char *rel) {
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_scenario *sc = NULL;
  int rc = salesim_scenario_load(&sc, salesim_test_path(rel), &d);
  for (size_t i = 0; i < d.count; i++)
    print_message("%s\n", d.lines[i]);
  salesim_diag_clear(&d);
  assert_int_equal(rc, 0);
  return sc;
}

static salesim_results *run(const salesim_scenario *sc) {
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  salesim_results *r = NULL;
  salesim_diag d = SALESIM_DIAG_INIT;
  assert_int_equal(salesim_run(&r, sc, &opt, &d), 0);
  salesim_diag_clear(&d);
  return r;
}

static int mech(const salesim_results *r, const char *name) {
  for (int m = 0; m < r->n_mech; m++)
    if (strcmp(r->mech_names[m], name) == 0)
      return m;
  fail_msg("no mechanism %s", name);
  return -1;
}

/* Paired difference a - b of a metric over replications: its 95 % t
 * interval lies entirely above zero (dir > 0) or below it (dir < 0). */
static void paired(const salesim_results *r, const char *a, const char *b, int metric,
                   int dir) {
  int ma = mech(r, a), mb = mech(r, b), n = 0;
  double sum = 0, sum2 = 0;
  for (int rep = 0; rep < r->n_rep; rep++) {
    double x = SALESIM_METRIC_AT(r, ma, rep, metric), y = SALESIM_METRIC_AT(r, mb, rep, metric);
    if (isnan(x) || isnan(y))
      continue;
    sum += x - y;
    sum2 += (x - y) * (x - y);
    n++;
  }
  assert_true(n >= 3);
  double mean = sum / n, var = (sum2 - n * mean * mean) / (n - 1);
  double half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(var > 0 ? var / n : 0);
  print_message("%-28s %s - %s = %.6g [%.6g, %.6g]\n", r->metric_info[metric]->name, a, b,
                mean, mean - half, mean + half);
  if (dir > 0)
    assert_true(mean - half > 0);
  else
    assert_true(mean + half < 0);
}

static double mean_of(const salesim_results *r, const char *a, int metric) {
  int m = mech(r, a), n = 0;
  double s = 0;
  for (int rep = 0; rep < r->n_rep; rep++) {
    double x = SALESIM_METRIC_AT(r, m, rep, metric);
    if (!isnan(x)) {
      s += x;
      n++;
    }
  }
  return n ? s / n : NAN;
}

/* 1-3 (issue 11 #5): straight commission is hard to staff. Applicants weigh
 * their own liquidity, so those whose savings would run out before their
 * deals close decline the job instead of taking it and leaving broke: more
 * offers declined and more empty positions than under target salary, and
 * a draw narrows the gap. The hires who do take it are the ones who can
 * afford it, so broke exits are rare (but only under commission) and the
 * hires' 12-month survival is still lower than with base pay or a draw.
 * (Before #5 the test asserted the old headline, new hires leaving broke
 * in droves: 37.6 a year, 12-month survival 11.6 %.) Veterans hunt less
 * under commission; teammates collide only where nobody assigns accounts. */
static void test_commission_reform(void **state) {
  (void)state;
  salesim_scenario *sc = load("scenarios/commission-reform.cfg");
  salesim_results *r = run(sc);
  /* staffing: applicants decline, positions stay empty */
  paired(r, "commission", "target_salary", SALESIM_METRIC_OFFERS_DECLINED, +1);
  paired(r, "commission", "commission_draw", SALESIM_METRIC_OFFERS_DECLINED, +1);
  paired(r, "target_salary", "commission", SALESIM_METRIC_HEADCOUNT_END, +1);
  paired(r, "commission_draw", "commission", SALESIM_METRIC_HEADCOUNT_END, +1);
  /* the hires who accept: fewer leave broke than the old model said, but
   * only commission has broke exits, and base pay or a draw keeps more */
  assert_true(mean_of(r, "commission", SALESIM_METRIC_QUITS_BROKE) > 0);
  assert_true(mean_of(r, "target_salary", SALESIM_METRIC_QUITS_BROKE) == 0);
  assert_true(mean_of(r, "commission_draw", SALESIM_METRIC_QUITS_BROKE) == 0);
  paired(r, "target_salary", "commission", SALESIM_METRIC_SURVIVAL_12, +1);
  paired(r, "commission_draw", "commission", SALESIM_METRIC_SURVIVAL_6, +1);
  paired(r, "commission_draw", "commission", SALESIM_METRIC_SURVIVAL_12, +1);
  /* veterans: within commission big books hunt less; under the target
   * salary plan (target mostly new business) they hunt more */
  for (int rep = 0; rep < r->n_rep; rep++) {
    int m = mech(r, "commission");
    assert_true(SALESIM_METRIC_AT(r, m, rep, SALESIM_METRIC_HUNT_LARGE_BOOK) <
                SALESIM_METRIC_AT(r, m, rep, SALESIM_METRIC_HUNT_SMALL_BOOK));
  }
  paired(r, "target_salary", "commission", SALESIM_METRIC_HUNT_LARGE_BOOK, +1);
  /* collisions */
  paired(r, "commission", "target_salary", SALESIM_METRIC_COLLISIONS, +1);
  for (int rep = 0; rep < r->n_rep; rep++)
    assert_true(SALESIM_METRIC_AT(r, mech(r, "target_salary"), rep, SALESIM_METRIC_COLLISIONS) ==
                0);
  salesim_results_free(r);
  salesim_scenario_free(sc);
}

/* 4: a ratchet holds effort back, late in the year too; removing cap and
 * ratchet raises revenue; a lump bonus moves deals around its deadline. */
static void test_ratchet_cap_bonus(void **state) {
  (void)state;
  salesim_scenario *sc = load("scenarios/ratchet-cap.cfg");
  salesim_results *r = run(sc);
  paired(r, "ts_ratchet", "ts", SALESIM_METRIC_EFFORT_LATE, -1);
  paired(r, "ts_ratchet", "ts", SALESIM_METRIC_EFFORT, -1);
  paired(r, "ts_free", "ts_ratchet", SALESIM_METRIC_REVENUE, +1);
  print_message("removing cap and ratchet: revenue %+.1f %%\n",
                100 * (mean_of(r, "ts_free", SALESIM_METRIC_REVENUE) /
                           mean_of(r, "ts_ratchet", SALESIM_METRIC_REVENUE) -
                       1));
  /* issue 11 #9: Misra & Nair (2011) removed the ceiling, the quota and
   * its ratchet from a plan paying salary plus commission above a quota
   * (mn_capped_ratchet -> mn_free, the same commission rate and pay at
   * target); revenue rose 9 % (their model predicted 8 %). The model must
   * land within half to one and a half times their figure: the 95 %
   * interval of the per-replication ratio inside [+4.5 %, +13.5 %]. (The
   * ratchet share drives it: 0.25 gives about +7 %, 0.75 about +15 %;
   * docs/behaviour.md.) The ts_free arm, which also adds an uncapped 4x
   * accelerator, gives about +33 % and would fail this band. */
  paired(r, "mn_free", "mn_capped_ratchet", SALESIM_METRIC_REVENUE, +1);
  {
    int a = mech(r, "mn_free"), b = mech(r, "mn_capped_ratchet"), n = r->n_rep;
    double sum = 0, sum2 = 0;
    for (int rep = 0; rep < n; rep++) {
      double x = SALESIM_METRIC_AT(r, a, rep, SALESIM_METRIC_REVENUE) /
                     SALESIM_METRIC_AT(r, b, rep, SALESIM_METRIC_REVENUE) -
                 1;
      sum += x;
      sum2 += x * x;
    }
    double mn = sum / n, var = (sum2 - n * mn * mn) / (n - 1);
    double half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(var > 0 ? var / n : 0);
    print_message("Misra-Nair plan, quota, ceiling and ratchet removed: revenue %+.1f %% "
                  "[%+.1f, %+.1f] (theirs +9 %%)\n",
                  100 * mn, 100 * (mn - half), 100 * (mn + half));
    assert_true(mn - half > 0.045 && mn + half < 0.135);
  }
  /* with pushing allowed, reps past or far from a lump bonus's quota
   * sandbag: deals leave the year's last month */
  paired(r, "quota_bonus", "ts_free", SALESIM_METRIC_DEALS_PUSHED, +1);
  salesim_results_free(r);
  salesim_scenario_free(sc);
}

/* 4 (bonus, issue 11 #5 and #8): under a lump quota bonus paying what
 * linear commission pays at target, with customers who sign early for a
 * discount but will not wait, reps near the quota pull deals into the plan
 * year's last month: sales there rise above its neighbours and the new
 * year's first month falls below them (Oyer 1998); linear pay shows
 * neither. The effect is small (about 2 % of new business is moved), so
 * the scenario runs 60 replications. Before #5b part of the old trough came
 * from hires who started with no accounts (docs/behaviour.md); this checks
 * what remains with the leaver's accounts going to the replacement. */
static void test_year_end_bunching(void **state) {
  (void)state;
  salesim_scenario *sc = load("scenarios/year-end-bonus.cfg");
  assert_true(sc->production.accounts_to_hire);
  salesim_results *r = run(sc);
  paired(r, "quota_bonus", "linear", SALESIM_METRIC_YEAR_END_BUNCHING, +1);
  paired(r, "quota_bonus", "linear", SALESIM_METRIC_NEW_YEAR_TROUGH, -1);
  paired(r, "quota_bonus", "linear", SALESIM_METRIC_DEALS_PULLED, +1);
  paired(r, "quota_bonus", "linear", SALESIM_METRIC_REVENUE_MOVED, +1);
  assert_true(mean_of(r, "quota_bonus", SALESIM_METRIC_YEAR_END_BUNCHING) > 1);
  assert_true(mean_of(r, "quota_bonus", SALESIM_METRIC_NEW_YEAR_TROUGH) < 1);
  assert_true(mean_of(r, "linear", SALESIM_METRIC_DEALS_MOVED) == 0);
  salesim_results_free(r);
  salesim_scenario_free(sc);
}

/* Issue 11 #8: push_deals defaults to false. With customers who let a rep
 * delay a signature (the old default) every plan with a target showed a
 * year-end trough and a new-year spike in default.cfg (target salary
 * year_end_bunching 0.56, new_year_trough 1.67), the opposite of the
 * year-end spike Oyer (1998) found and of the pulled-in deals Larkin (2014)
 * found. With the shipped default, target salary's year end is not below
 * straight commission's (which never moves deals): the paired difference's
 * interval lies above -0.1, and the new year's first month is not above
 * it (interval below +0.1). Fails with push_deals = true. */
static void test_push_deals_default(void **state) {
  (void)state;
  salesim_scenario *sc = load("scenarios/default.cfg");
  assert_false(sc->production.push_deals); /* default.cfg does not set it */
  assert_true(sc->production.timing_games);
  salesim_results *r = run(sc);
  int ts = mech(r, "target_salary"), cm = mech(r, "commission"), n = r->n_rep;
  const int metrics[2] = {SALESIM_METRIC_YEAR_END_BUNCHING, SALESIM_METRIC_NEW_YEAR_TROUGH};
  for (int k = 0; k < 2; k++) {
    double sum = 0, sum2 = 0;
    for (int rep = 0; rep < n; rep++) {
      double d = SALESIM_METRIC_AT(r, ts, rep, metrics[k]) - SALESIM_METRIC_AT(r, cm, rep, metrics[k]);
      sum += d;
      sum2 += d * d;
    }
    double mean = sum / n, var = (sum2 - n * mean * mean) / (n - 1);
    double half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(var > 0 ? var / n : 0);
    print_message("%-20s target_salary - commission = %.3f [%.3f, %.3f]\n",
                  r->metric_info[metrics[k]]->name, mean, mean - half, mean + half);
    if (k == 0)
      assert_true(mean - half > -0.1);
    else
      assert_true(mean + half < 0.1);
  }
  assert_true(mean_of(r, "target_salary", SALESIM_METRIC_DEALS_PUSHED) == 0);
  salesim_results_free(r);
  salesim_scenario_free(sc);
}

/* 4 (cap): once a rep's commission reaches the cap, it works less than the
 * same person without a cap. Only less, not nothing: deals it opens now
 * mostly close next year, when the cap is fresh (docs/behaviour.md). */
static void test_cap_cuts_effort(void **state) {
  (void)state;
  const char *text =
      "seed = 9;\nreplications = 1;\nmonths = 12;\n"
      "production = { deal_value = { dist = \"lognormal\"; mean = 150000.0; sd = 75000.0; }; };\n"
      "population = { reps = 60; effort_cost = 1500.0; outside_wage = 0.0; savings_months = 12.0; "
      "quit_rate = 0.0; };\n"
      "territories = { count = 15; potential = 8000000.0; book = 1000000.0; };\n"
      "mechanisms = ( { type = \"commission\"; name = \"capped\"; rate = 0.029; cap = 60000.0; },\n"
      "               { type = \"commission\"; name = \"uncapped\"; rate = 0.029; } );\n";
  salesim_scenario *sc = salesim_test_load_text(text);
  salesim_world *capped = NULL, *free_ = NULL;
  assert_int_equal(salesim_world_alloc(&capped, sc, 0, 0, sc->seed), 0);
  assert_int_equal(salesim_world_alloc(&free_, sc, 1, 0, sc->seed), 0);
  int over[60] = {0}, compared = 0, less = 0;
  double sum_c = 0, sum_f = 0;
  for (int t = 0; t < 12; t++) {
    salesim_world_step(capped);
    salesim_world_step(free_);
    for (int i = 0; i < capped->n_agents; i++) {
      const salesim_agent *a = &capped->agents[i], *b = &free_->agents[i];
      if (a->status != SALESIM_AGENT_ACTIVE || b->status != SALESIM_AGENT_ACTIVE ||
          a->id != b->id)
        continue;
      if (over[i]) { /* months after reaching the cap */
        double ea = 1.5 * a->hunt + a->farm, eb = 1.5 * b->hunt + b->farm;
        compared++;
        less += ea < eb;
        sum_c += ea;
        sum_f += eb;
      }
      if (0.029 * a->credit_period >= 60000.0)
        over[i] = 1;
    }
  }
  print_message("rep-months past the cap: %d; effort capped %.3f vs uncapped %.3f; less in %d\n",
                compared, sum_c / compared, sum_f / compared, less);
  assert_true(compared >= 50);
  assert_true(less >= compared * 9 / 10);
  assert_true(sum_c < 0.9 * sum_f);
  salesim_world_free(capped);
  salesim_world_free(free_);
  salesim_scenario_free(sc);
}

/* 5: timing games: near zero under linear pay, a share of deals moved and
 * revenue given away in discounts under accelerators and quarterly bonuses. */
static void test_timing_games(void **state) {
  (void)state;
  salesim_scenario *sc = load("scenarios/timing-games.cfg");
  salesim_results *r = run(sc);
  assert_true(mean_of(r, "linear", SALESIM_METRIC_DEALS_MOVED) < 0.005);
  paired(r, "accelerator", "linear", SALESIM_METRIC_DEALS_MOVED, +1);
  paired(r, "quarterly", "linear", SALESIM_METRIC_DEALS_MOVED, +1);
  paired(r, "accelerator", "linear", SALESIM_METRIC_DISCOUNT_COST, +1);
  /* issue 11 #8: the measure Larkin (2014) reports, a share of revenue:
   * zero under linear pay; under the accelerator (which only pulls) the
   * discounts are pull_discount times the revenue pulled, exactly */
  assert_true(mean_of(r, "linear", SALESIM_METRIC_REVENUE_MOVED) == 0);
  assert_true(mean_of(r, "linear", SALESIM_METRIC_DISCOUNT_SHARE) == 0);
  paired(r, "accelerator", "linear", SALESIM_METRIC_REVENUE_MOVED, +1);
  paired(r, "quarterly", "linear", SALESIM_METRIC_REVENUE_MOVED, +1);
  assert_true(mean_of(r, "accelerator", SALESIM_METRIC_DEALS_PUSHED) == 0);
  assert_close(mean_of(r, "accelerator", SALESIM_METRIC_DISCOUNT_SHARE),
               sc->production.pull_discount * mean_of(r, "accelerator", SALESIM_METRIC_REVENUE_MOVED),
               1e-9, 1e-12);
  salesim_results_free(r);
  salesim_scenario_free(sc);
}

/* A number setting of a mechanism, read through its parameter table. */
static double mech_number(const salesim_mechanism_spec *ms, const char *name) {
  const salesim_param_table *t = ms->type->params;
  for (size_t i = 0; i < t->count; i++)
    if (strcmp(t->specs[i].name, name) == 0) {
      const char *p = (const char *)ms->params + t->specs[i].offset;
      return t->specs[i].kind == SALESIM_P_DOUBLE ? *(const double *)p : (double)*(const int *)p;
    }
  fail_msg("%s has no setting %s", ms->name, name);
  return NAN;
}

/* Issue 11 #8: each behaviour scenario compares plans that pay the same at
 * 100 % of target, so a difference in behaviour is not a pay cut or a rise.
 * Pay at target from each plan's payout curve at the scenario's reference
 * target (what summary.json reports); for the lump quota bonus, which has
 * no curve, twelve months of base plus one bonus per period (its quota is
 * met at 100 % of target). Before the fix the timing-games accelerator paid
 * 72,000 at target against linear's 116,000, the quarterly bonus 104,000,
 * and the year-end and ratchet-cap lump bonuses 108,000. (commission-reform
 * and flat-salary-baseline pay by grade and credit the book differently;
 * their arithmetic is in the files' comments.) */
static void test_equal_pay_at_target(void **state) {
  (void)state;
  const char *files[] = {"scenarios/timing-games.cfg", "scenarios/year-end-bonus.cfg",
                         "scenarios/ratchet-cap.cfg", "scenarios/target-salary-example.cfg"};
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    salesim_scenario *sc = load(files[f]);
    double ref = salesim_params_reference_target(sc), base_pay = NAN;
    for (int m = 0; m < sc->n_mechanisms; m++) {
      const salesim_mechanism_spec *ms = &sc->mechanisms[m];
      double pay;
      if (strcmp(ms->type->name, "quota_bonus") == 0) {
        int quarterly = (int)mech_number(ms, "period") == 1;
        assert_true(mech_number(ms, "quota_share") <= 1);
        pay = 12 * mech_number(ms, "base") + (quarterly ? 4 : 1) * mech_number(ms, "bonus");
      } else {
        salesim_payout_curve c;
        assert_non_null(ms->type->payout_curve);
        assert_int_equal(ms->type->payout_curve(ms->params, sc, ref, &c), 0);
        int at = (int)lround(1.0 / SALESIM_PAYOUT_STEP);
        assert_true(c.n > at);
        assert_close(c.attainment[at], 1.0, 1e-12, 0);
        pay = c.pay[at];
      }
      print_message("%-36s %-20s pay at target %.0f\n", files[f], ms->name, pay);
      if (m == 0)
        base_pay = pay;
      else
        assert_close(pay, base_pay, 0, 0.001 * base_pay);
    }
    salesim_scenario_free(sc);
  }
}

/* Pipeline review: warnings, their precision, recall and lead time, and the
 * coaching they cost; the stage-weighted forecast's error is reported. */
static void test_pipeline_review(void **state) {
  (void)state;
  salesim_scenario *sc = load("scenarios/pipeline-review.cfg");
  salesim_results *r = run(sc);
  assert_true(isnan(mean_of(r, "no_review", SALESIM_METRIC_WARNINGS)));
  assert_true(mean_of(r, "review", SALESIM_METRIC_WARNINGS) > 0);
  double precision = mean_of(r, "review", SALESIM_METRIC_WARNING_PRECISION);
  double recall = mean_of(r, "review", SALESIM_METRIC_WARNING_RECALL);
  double lead = mean_of(r, "review", SALESIM_METRIC_WARNING_LEAD);
  print_message("warnings: precision %.3f recall %.3f lead %.1f months\n", precision, recall, lead);
  /* warned reps miss their target far more often than reps at large do */
  assert_true(precision > 1 - mean_of(r, "review", SALESIM_METRIC_PCT_AT_TARGET));
  assert_true(recall > 0 && recall <= 1);
  assert_true(lead >= 1);
  paired(r, "review", "no_review", SALESIM_METRIC_MGMT_COST, +1);
  double fe = mean_of(r, "review", SALESIM_METRIC_FORECAST_ERROR);
  assert_true(fe > 0 && isfinite(fe));
  salesim_results_free(r);
  salesim_scenario_free(sc);
}

/* Issue 11 #1: no year-end collapse under the plans with a target set by the
 * organisation (top_down, tender, forecast_bonus). Credit that lands after
 * the plan year is worth the schedule's expected slope where the rep expects
 * to land, as under target_salary (salesim_world_after_value), not that
 * slope scaled by months left / 12. Before the fix hunting in a plan year's
 * last month was ~7 % of its first month's and effort_q4_ratio ~0.25; now
 * hunting in month 12 is at least half of month 1's and the ratio above 0.7. */
static void test_no_year_end_collapse(void **state) {
  (void)state;
  salesim_scenario *sc = load("scenarios/territory-tender.cfg");
  sc->replications = 2;
  sc->months = 12;
  salesim_results *r = run(sc);
  const char *plans[] = {"top_down", "tender", "forecast_bonus"};
  for (int k = 0; k < 3; k++) {
    int m = mech(r, plans[k]);
    double h1 = 0, h12 = 0;
    for (int rep = 0; rep < r->n_rep; rep++) {
      h1 += SALESIM_MONTHLY_AT(r, m, rep, 0, SALESIM_SERIES_HUNTING);
      h12 += SALESIM_MONTHLY_AT(r, m, rep, 11, SALESIM_SERIES_HUNTING);
    }
    double q4 = mean_of(r, plans[k], SALESIM_METRIC_EFFORT_Q4_RATIO);
    print_message("%s: hunting month 1 %.1f, month 12 %.1f, effort_q4_ratio %.3f\n", plans[k],
                  h1 / r->n_rep, h12 / r->n_rep, q4);
    assert_true(h12 >= 0.5 * h1);
    assert_true(q4 > 0.7);
  }
  salesim_results_free(r);
  salesim_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_commission_reform), cmocka_unit_test(test_ratchet_cap_bonus),
      cmocka_unit_test(test_cap_cuts_effort),   cmocka_unit_test(test_year_end_bunching),  cmocka_unit_test(test_push_deals_default),
      cmocka_unit_test(test_timing_games),      cmocka_unit_test(test_equal_pay_at_target),
      cmocka_unit_test(test_pipeline_review),
      cmocka_unit_test(test_no_year_end_collapse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
