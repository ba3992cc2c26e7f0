/*
 * tests/test_plan_pay.c: a plan's pay through its compile function
 * (models/mechanisms/plan_pay.c), on hand-computed points: a target
 * incentive by points and by named shape (gate, decelerator, accelerator,
 * cap), commission tiers on attainment marginal and retroactive with a
 * prorated target, a quota bonus; a plan of base + target incentive against
 * target_salary's arithmetic on a fixed credit path; as earned vs at period
 * end; the worst-case size check and the components' own checks, one line
 * each. The params struct is filled here by hand (the scenario file's
 * loader is tested in tests/test_plan.c).
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "plan.h"

static salesim_plan_params plan; /* large (16 items): not on the stack */

static void plan_reset(double base) {
  memset(&plan, 0, sizeof plan);
  salesim_params_defaults(&salesim_plan_table, &plan);
  plan.base = base;
}

/* Add a component of kind k with its defaults; returns its body. */
static void *plan_add(int k) {
  assert_true(plan.components.n < SALESIM_MAX_ITEMS);
  salesim_item *it = &plan.components.item[plan.components.n++];
  memset(it, 0, sizeof *it);
  it->type = k;
  snprintf(it->name, sizeof it->name, "%s", salesim_plan_kinds.kinds[k].type);
  salesim_params_defaults(salesim_plan_kinds.kinds[k].table, it->body.bytes);
  return it->body.bytes;
}

static double pay_at(double credit, double target, double share) {
  salesim_schedule s;
  assert_int_equal(salesim_plan_compile(&s, &plan, target, share), 0);
  return salesim_schedule_eval(&s, credit);
}

/* TI 60,000 on (0.5,0) (1,1) (1.5,2), flat after the last point, target 1,000,000 */
static void test_ti_points(void **state) {
  (void)state;
  plan_reset(5000);
  salesim_plan_ti *ti = plan_add(SALESIM_PLAN_TARGET_INCENTIVE);
  ti->amount = 60000;
  ti->curve = (salesim_points){3, {0.5, 1, 1.5}, {0, 1, 2}};
  assert_close(pay_at(400000, 1e6, 1), 0, 0, 1e-9);
  assert_close(pay_at(750000, 1e6, 1), 30000, 1e-12, 1e-9);
  assert_close(pay_at(1000000, 1e6, 1), 60000, 1e-12, 1e-9);
  assert_close(pay_at(1250000, 1e6, 1), 90000, 1e-12, 1e-9);
  assert_close(pay_at(2000000, 1e6, 1), 120000, 1e-12, 1e-9);
  /* a quarter: a quarter of the target and of the amount, same attainments */
  assert_close(pay_at(312500, 2.5e5, 0.25), 22500, 1e-12, 1e-9);
}

/* the named shape: gate 0.5, decelerator 1 (1:1), accelerator 2 from 1.0, cap 2 */
static void test_ti_named(void **state) {
  (void)state;
  plan_reset(0);
  salesim_plan_ti *ti = plan_add(SALESIM_PLAN_TARGET_INCENTIVE);
  ti->amount = 60000;
  ti->gate = 0.5;
  ti->accelerator = 2;
  ti->cap = 2;
  assert_close(pay_at(499999, 1e6, 1), 0, 0, 1e-9);
  assert_close(pay_at(500000, 1e6, 1), 30000, 1e-12, 1e-9); /* the jump at the gate */
  assert_close(pay_at(750000, 1e6, 1), 45000, 1e-12, 1e-9);
  assert_close(pay_at(1000000, 1e6, 1), 60000, 1e-12, 1e-9);
  assert_close(pay_at(1250000, 1e6, 1), 90000, 1e-12, 1e-9);  /* 1 + 2 * 0.25 */
  assert_close(pay_at(1500000, 1e6, 1), 120000, 1e-12, 1e-9); /* reaches the cap */
  assert_close(pay_at(3000000, 1e6, 1), 120000, 1e-12, 1e-9);
  /* decelerator 2: nothing below 50 %, 0.5 at 75 %; the accelerator from
   * 1.2 with 1:1 between 1.0 and 1.2; no cap: it keeps rising */
  plan_reset(0);
  ti = plan_add(SALESIM_PLAN_TARGET_INCENTIVE);
  ti->amount = 60000;
  ti->decelerator = 2;
  ti->accelerator = 3;
  ti->accelerator_start = 1.2;
  assert_close(pay_at(400000, 1e6, 1), 0, 0, 1e-9);
  assert_close(pay_at(750000, 1e6, 1), 30000, 1e-12, 1e-9);
  assert_close(pay_at(1100000, 1e6, 1), 66000, 1e-12, 1e-9);
  assert_close(pay_at(1200000, 1e6, 1), 72000, 1e-12, 1e-9);
  assert_close(pay_at(1400000, 1e6, 1), 60000 * (1.2 + 3 * 0.2), 1e-12, 1e-9);
  /* nothing written: the multiple is the attainment, uncapped */
  plan_reset(0);
  ti = plan_add(SALESIM_PLAN_TARGET_INCENTIVE);
  ti->amount = 60000;
  assert_close(pay_at(300000, 1e6, 1), 18000, 1e-12, 1e-9);
  assert_close(pay_at(2500000, 1e6, 1), 150000, 1e-12, 1e-9);
}

/* tiers on attainment 0 -> 5 %, 1.0 -> 8 %: marginal and retroactive; a
 * hire at month 6 halves the target and the 8 % break moves to half the credit */
static void test_commission_attainment_tiers(void **state) {
  (void)state;
  for (int apply = 0; apply < 2; apply++) {
    plan_reset(0);
    salesim_plan_commission *c = plan_add(SALESIM_PLAN_COMMISSION);
    c->tiers = (salesim_points){2, {0, 1.0}, {0.05, 0.08}};
    c->tiers_on = SALESIM_PLAN_ON_ATTAINMENT;
    c->tiers_apply = apply;
    double full = apply == SALESIM_PLAN_RETROACTIVE ? 96000 : 66000;
    assert_close(pay_at(1.2e6, 1e6, 1), full, 1e-12, 1e-9);
    assert_close(pay_at(999999, 1e6, 1), 49999.95, 1e-12, 1e-9);
    /* hired at month 6 of 12: target 500,000 */
    double half = apply == SALESIM_PLAN_RETROACTIVE ? 0.08 * 6e5 : 25000 + 0.08 * 1e5;
    assert_close(pay_at(6e5, 5e5, 0.5), half, 1e-12, 1e-9);
    assert_close(pay_at(499999, 5e5, 0.5), 24999.95, 1e-12, 1e-9);
    /* on amount the same tiers do not move with the target */
    c->tiers = (salesim_points){2, {0, 1e6}, {0.05, 0.08}};
    c->tiers_on = SALESIM_PLAN_ON_AMOUNT;
    assert_close(pay_at(6e5, 5e5, 0.5), 30000, 1e-12, 1e-9);
  }
  /* a straight rate with a cap a period */
  plan_reset(0);
  salesim_plan_commission *c = plan_add(SALESIM_PLAN_COMMISSION);
  c->rate = 0.05;
  c->cap = 40000;
  assert_close(pay_at(7e5, 1e6, 1), 35000, 1e-12, 1e-9);
  assert_close(pay_at(9e5, 1e6, 1), 40000, 1e-12, 1e-9);
}

/* quota bonus 10,000 at 100 %, 10 % above; with a target incentive the sum */
static void test_quota_bonus_and_sum(void **state) {
  (void)state;
  plan_reset(0);
  salesim_plan_quota_bonus *q = plan_add(SALESIM_PLAN_QUOTA_BONUS);
  q->bonus = 10000;
  q->rate_above = 0.1;
  assert_close(pay_at(999999, 1e6, 1), 0, 0, 1e-9);
  assert_close(pay_at(1e6, 1e6, 1), 10000, 1e-12, 1e-9);
  assert_close(pay_at(1.1e6, 1e6, 1), 20000, 1e-12, 1e-9);
  salesim_plan_ti *ti = plan_add(SALESIM_PLAN_TARGET_INCENTIVE);
  ti->amount = 60000;
  ti->curve = (salesim_points){3, {0.5, 1, 1.5}, {0, 1, 2}};
  assert_close(pay_at(1.1e6, 1e6, 1), 20000 + 72000, 1e-12, 1e-9);
  assert_close(pay_at(9e5, 1e6, 1), 48000, 1e-12, 1e-9);
  assert_int_equal(salesim_plan_scales_with_target(&plan), 1);
}

/* A fixed credit path over a year (hand numbers): target 5,000,000,
 * target_salary S = 100,000 at 70:30 on the curve (0,0) (1,1) (1.5,3) pays
 * 70,000 + 30,000 * (1 + 4 * 0.2) = 124,000 at 6,000,000 of credit; the plan
 * base 70,000/12 a month + target incentive 30,000 on the same curve pays
 * the same, at the period's end or as earned. */
static void test_plan_equals_target_salary(void **state) {
  (void)state;
  const double credit[12] = {300e3, 450e3, 520e3, 610e3, 380e3, 700e3,
                             410e3, 560e3, 490e3, 530e3, 640e3, 410e3};
  double total_credit = 0;
  for (int m = 0; m < 12; m++)
    total_credit += credit[m];
  assert_close(total_credit, 6e6, 1e-12, 1e-6);
  const salesim_points curve = {3, {0, 1, 1.5}, {0, 1, 3}};
  /* target_salary's own arithmetic (target_salary.c: ts_set_plan) */
  salesim_schedule ts;
  assert_int_equal(salesim_schedule_from_points(&ts, &curve, 5e6, 100000 * (1 - 0.7)), 0);
  double ts_pay = 100000 * 0.7 + salesim_schedule_eval(&ts, total_credit);
  assert_close(ts_pay, 124000, 1e-12, 1e-6);
  double year[2];
  for (int payment = 0; payment < 2; payment++) {
    plan_reset(70000.0 / 12);
    plan.payment = payment;
    salesim_plan_ti *ti = plan_add(SALESIM_PLAN_TARGET_INCENTIVE);
    ti->amount = 30000;
    ti->curve = curve;
    salesim_schedule s;
    assert_int_equal(salesim_plan_compile(&s, &plan, 5e6, 1), 0);
    double paid = 0, before = 0;
    for (int m = 0; m < 12; m++) {
      double due = salesim_plan_variable_due(&plan, &s, before, credit[m], m == 11);
      if (payment == SALESIM_PLAN_PERIOD_END && m < 11)
        assert_close(due, 0, 0, 0);
      paid += plan.base + due;
      before += credit[m];
    }
    year[payment] = paid;
    assert_close(paid, 124000, 1e-12, 1e-6);
  }
  assert_close(year[0], year[1], 1e-12, 1e-6);
}

/* as earned vs at period end with tiers, a gate and a bonus: same total */
static void test_as_earned_vs_period_end(void **state) {
  (void)state;
  double total[2];
  for (int payment = 0; payment < 2; payment++) {
    plan_reset(3000);
    plan.payment = payment;
    salesim_plan_ti *ti = plan_add(SALESIM_PLAN_TARGET_INCENTIVE);
    ti->amount = 40000;
    ti->gate = 0.6;
    ti->accelerator = 2.5;
    salesim_plan_commission *c = plan_add(SALESIM_PLAN_COMMISSION);
    c->tiers = (salesim_points){2, {0, 1.0}, {0.01, 0.03}};
    c->tiers_on = SALESIM_PLAN_ON_ATTAINMENT;
    c->tiers_apply = SALESIM_PLAN_RETROACTIVE;
    salesim_plan_quota_bonus *q = plan_add(SALESIM_PLAN_QUOTA_BONUS);
    q->bonus = 5000;
    salesim_schedule s;
    assert_int_equal(salesim_plan_compile(&s, &plan, 1e6, 1), 0);
    double before = 0, paid = 0;
    for (int m = 0; m < 12; m++) {
      double x = 60e3 + 20e3 * m;
      paid += salesim_plan_variable_due(&plan, &s, before, x, m == 11);
      before += x;
    }
    /* credit 2,040,000: TI 40,000 * (1 + 2.5 * 1.04), 3 % of it all, the bonus */
    assert_close(paid, 40000 * (1 + 2.5 * 1.04) + 0.03 * 2.04e6 + 5000, 1e-12, 1e-6);
    total[payment] = paid;
  }
  assert_close(total[0], total[1], 1e-12, 1e-6);
}

/* the plan's check: the worst case of all components against the limits */
static void test_plan_check(void **state) {
  (void)state;
  salesim_scenario sc;
  memset(&sc, 0, sizeof sc);
  sc.months_per_year = 12;
  salesim_diag d = SALESIM_DIAG_INIT;
  plan_reset(0);
  salesim_plan_ti *ti = plan_add(SALESIM_PLAN_TARGET_INCENTIVE);
  ti->amount = 60000;
  ti->curve.n = SALESIM_MAX_POINTS;
  for (int i = 0; i < SALESIM_MAX_POINTS; i++)
    ti->curve.x[i] = 0.1 * (i + 1), ti->curve.y[i] = 0.1 * i * i;
  assert_int_equal(salesim_plan_check(&plan, &sc, "f.cfg:4: mechanisms[0]", &d), 0);
  assert_int_equal((int)d.count, 0);
  salesim_plan_commission *c = plan_add(SALESIM_PLAN_COMMISSION);
  c->tiers = (salesim_points){3, {0, 0.85, 1.35}, {0.01, 0.02, 0.03}};
  c->tiers_on = SALESIM_PLAN_ON_ATTAINMENT;
  c->tiers_apply = SALESIM_PLAN_RETROACTIVE;
  c->cap = 9e9;
  int nk, nj;
  salesim_plan_worst_case(&plan, &nk, &nj);
  assert_int_equal(nk, 19); /* 16 + two breaks + the cap */
  assert_int_equal(nj, 2);
  assert_int_equal(salesim_plan_check(&plan, &sc, "f.cfg:4: mechanisms[0]", &d),
                   SALESIM_ESCENARIO);
  assert_int_equal((int)d.count, 1);
  assert_string_equal(d.lines[0],
                      "f.cfg:4: mechanisms[0].components: 19 breakpoints in all (expected at most 18)");
  /* at run time the same plan does not fit either */
  salesim_schedule s;
  assert_int_equal(salesim_plan_compile(&s, &plan, 1e7, 1), SALESIM_ELIMIT);
  salesim_diag_clear(&d);
  /* one break fewer: 18, at the limit, passes and compiles */
  c->tiers = (salesim_points){2, {0, 0.85}, {0.01, 0.02}};
  salesim_plan_worst_case(&plan, &nk, &nj);
  assert_int_equal(nk, 18);
  assert_int_equal(salesim_plan_check(&plan, &sc, "f.cfg:4: mechanisms[0]", &d), 0);
  assert_int_equal((int)d.count, 0);
  assert_int_equal(salesim_plan_compile(&s, &plan, 1e7, 1), 0);
  assert_int_equal(s.nk, 18);
  /* quarters need a year of a multiple of 3 months; nine jumps (ten tiers from 0) */
  plan_reset(0);
  plan.measurement = SALESIM_PLAN_QUARTER;
  sc.months_per_year = 10;
  c = plan_add(SALESIM_PLAN_COMMISSION);
  c->tiers.n = 10;
  for (int i = 0; i < 10; i++)
    c->tiers.x[i] = 0.2 * i, c->tiers.y[i] = 0.01 * (i + 1);
  c->tiers_on = SALESIM_PLAN_ON_ATTAINMENT;
  c->tiers_apply = SALESIM_PLAN_RETROACTIVE;
  assert_int_equal(salesim_plan_check(&plan, &sc, "f.cfg:4: mechanisms[0]", &d),
                   SALESIM_ESCENARIO);
  assert_int_equal((int)d.count, 2);
  assert_non_null(strstr(d.lines[0], "f.cfg:4: mechanisms[0].measurement: quarter with "
                                     "months_per_year = 10 (expected a multiple of 3)"));
  assert_non_null(strstr(d.lines[1], "mechanisms[0].components: 9 jumps in all"));
  salesim_diag_clear(&d);
}

/* the components' own checks: one line each, at the component's place */
static void test_component_checks(void **state) {
  (void)state;
  const char *where = "f.cfg:9: mechanisms[0].components[1]";
  const salesim_item_kind *k = &salesim_plan_kinds.kinds[SALESIM_PLAN_TARGET_INCENTIVE];
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_plan_ti ti;
  salesim_params_defaults(k->table, &ti);
  ti.amount = 60000;
  assert_int_equal(k->check(&ti, where, &d), 0);
  ti.accelerator_start = 1.2;
  ti.cap = 1.1; /* the multiple at the accelerator's start is 1.2 */
  ti.gate = 1.3;
  ti.curve = (salesim_points){2, {0, 1}, {0, 1}};
  assert_int_equal(k->check(&ti, where, &d), 3);
  assert_int_equal((int)d.count, 3);
  assert_string_equal(d.lines[0], "f.cfg:9: mechanisms[0].components[1].curve: both points "
                                  "and a named shape (gate, decelerator, accelerator, "
                                  "accelerator_start, cap) (expected one of them)");
  assert_string_equal(d.lines[1], "f.cfg:9: mechanisms[0].components[1].cap: 1.1, a cap below "
                                  "the accelerator's start (multiple 1.2 at attainment 1.2) "
                                  "(expected at least 1.2, or 0 for no cap)");
  assert_string_equal(d.lines[2], "f.cfg:9: mechanisms[0].components[1].gate: 1.3 is at or "
                                  "above the accelerator's start 1.2 (expected a gate below "
                                  "accelerator_start)");
  salesim_diag_clear(&d);
  salesim_params_defaults(k->table, &ti);
  assert_int_equal(k->check(&ti, where, &d), 1); /* no amount */
  assert_non_null(strstr(d.lines[0], ".amount: 0 pays nothing"));
  salesim_diag_clear(&d);
  k = &salesim_plan_kinds.kinds[SALESIM_PLAN_COMMISSION];
  salesim_plan_commission c;
  salesim_params_defaults(k->table, &c);
  c.tiers_on = SALESIM_PLAN_ON_ATTAINMENT;
  assert_int_equal(k->check(&c, where, &d), 2); /* no rate, attainment without tiers */
  assert_non_null(strstr(d.lines[0], "components[1].rate: 0 with no tiers pays nothing"));
  assert_non_null(strstr(d.lines[1], "components[1].tiers_on: attainment with no tiers"));
  salesim_diag_clear(&d);
  k = &salesim_plan_kinds.kinds[SALESIM_PLAN_QUOTA_BONUS];
  salesim_plan_quota_bonus q;
  salesim_params_defaults(k->table, &q);
  assert_int_equal(k->check(&q, where, &d), 1);
  assert_non_null(strstr(d.lines[0], "components[1].bonus: 0 with no rate_above pays nothing"));
  salesim_diag_clear(&d);
}

/* the payout curve: base*12 + the year's pay, the same by year or by quarter */
static void test_payout_curve(void **state) {
  (void)state;
  salesim_scenario sc;
  memset(&sc, 0, sizeof sc);
  sc.months_per_year = 12;
  salesim_payout_curve year, quarter;
  plan_reset(5000);
  salesim_plan_ti *ti = plan_add(SALESIM_PLAN_TARGET_INCENTIVE);
  ti->amount = 60000;
  ti->curve = (salesim_points){3, {0.5, 1, 1.5}, {0, 1, 2}};
  assert_int_equal(salesim_plan_payout_curve(&plan, &sc, 1e6, &year), 0);
  assert_int_equal(year.n, SALESIM_PAYOUT_POINTS);
  for (int i = 0; i < year.n; i++)
    if (fabs(year.attainment[i] - 1.25) < 1e-9)
      assert_close(year.pay[i], 60000 + 90000, 1e-12, 1e-6);
  plan.measurement = SALESIM_PLAN_QUARTER;
  assert_int_equal(salesim_plan_payout_curve(&plan, &sc, 1e6, &quarter), 0);
  for (int i = 0; i < year.n; i++)
    assert_close(quarter.pay[i], year.pay[i], 1e-12, 1e-6);
  assert_int_equal(salesim_plan_payout_curve(&plan, &sc, 0, &quarter), 0);
  assert_int_equal(quarter.n, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ti_points),
      cmocka_unit_test(test_ti_named),
      cmocka_unit_test(test_commission_attainment_tiers),
      cmocka_unit_test(test_quota_bonus_and_sum),
      cmocka_unit_test(test_plan_equals_target_salary),
      cmocka_unit_test(test_as_earned_vs_period_end),
      cmocka_unit_test(test_plan_check),
      cmocka_unit_test(test_component_checks),
      cmocka_unit_test(test_payout_curve),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
