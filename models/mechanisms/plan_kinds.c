/*
 * models/mechanisms/plan_kinds.c: the kinds of a plan's components (the
 * `type` of each group in `components`): their settings tables and their
 * own checks, one line per problem at the component's line, combinations
 * included (a cap below the accelerator's start, a gate at or above it,
 * points and a named shape both written).
 *
 * Read next: plan_pay.c (what the settings pay), plan.c (the plan's own
 * settings and the check across components).
 */
#include <stddef.h>

#include "plan.h"
#include "plan_cash.h"
#include "plan_perf.h"

/* ---- target_incentive ---- */

static const salesim_points no_points = {0, {0}, {0}};

static const salesim_param_spec ti_specs[] = {
    {"amount", SALESIM_P_DOUBLE, offsetof(salesim_plan_ti, amount), 0, NULL, 0, 1e12, 0, NULL,
     "currency/year", "Target incentive: the variable pay of a year at 100 % attainment."},
    {"curve", SALESIM_P_POINTS, offsetof(salesim_plan_ti, curve), 0, &no_points, 0, 100,
     SALESIM_PF_INCREASING, "attainment|multiple", "(attainment, multiple)",
     "Payout curve as points: attainment -> multiple of amount; linear between points, flat "
     "before the first and after the last (the cap). Not with the named shape."},
    {"gate", SALESIM_P_DOUBLE, offsetof(salesim_plan_ti, gate), 0, NULL, 0, 10, 0, NULL,
     "attainment",
     "Named shape: attainment below which nothing is paid; from it pay jumps to the shape "
     "(0: no gate)."},
    {"decelerator", SALESIM_P_DOUBLE, offsetof(salesim_plan_ti, decelerator), -1, NULL, -1, 100,
     0, NULL, "multiple/attainment",
     "Named shape: multiple lost per unit of attainment below 1.0 (-1: not set, 1 = 1:1)."},
    {"accelerator", SALESIM_P_DOUBLE, offsetof(salesim_plan_ti, accelerator), -1, NULL, -1, 100,
     0, NULL, "multiple/attainment",
     "Named shape: multiple gained per unit of attainment above accelerator_start (-1: not "
     "set, 1 = 1:1)."},
    {"accelerator_start", SALESIM_P_DOUBLE, offsetof(salesim_plan_ti, accelerator_start), -1,
     NULL, -1, 10, 0, NULL, "attainment",
     "Named shape: attainment from which the accelerator applies, at least 1.0; between 1.0 "
     "and it the multiple rises 1:1 (-1: not set, 1.0)."},
    {"cap", SALESIM_P_DOUBLE, offsetof(salesim_plan_ti, cap), 0, NULL, 0, 100, 0, NULL,
     "multiple", "Named shape: the largest multiple paid (0: no cap)."},
};

static const salesim_param_table ti_table = {
    "target_incentive", ti_specs, sizeof ti_specs / sizeof ti_specs[0], sizeof(salesim_plan_ti)};

/* The shape is named when any of its settings is written. */
static int ti_named(const salesim_plan_ti *c) {
  return c->gate > 0 || c->cap > 0 || c->decelerator != -1 || c->accelerator != -1 ||
         c->accelerator_start != -1;
}

static int ti_check(const void *body, const char *where, salesim_diag *diag) {
  const salesim_plan_ti *c = body;
  int bad = 0;
  if (!(c->amount > 0)) {
    salesim_diag_add(diag, "%s.amount: %g pays nothing (expected > 0, currency a year at 100 %%)",
                     where, c->amount);
    bad++;
  }
  if (c->curve.n > 0 && ti_named(c)) {
    salesim_diag_add(diag,
                     "%s.curve: both points and a named shape (gate, decelerator, accelerator, "
                     "accelerator_start, cap) (expected one of them)",
                     where);
    bad++;
  }
  if (c->curve.n == 1) {
    salesim_diag_add(diag, "%s.curve: 1 point (expected at least 2)", where);
    bad++;
  }
  for (int i = 1; i < c->curve.n; i++)
    if (c->curve.y[i] < c->curve.y[i - 1]) {
      salesim_diag_add(diag, "%s.curve: multiple falls from %g to %g (expected non-decreasing)",
                       where, c->curve.y[i - 1], c->curve.y[i]);
      bad++;
      break;
    }
  const char *sentinel[] = {"decelerator", "accelerator", "accelerator_start"};
  const double val[] = {c->decelerator, c->accelerator, c->accelerator_start};
  for (int k = 0; k < 3; k++)
    if (val[k] != -1 && val[k] < 0) {
      salesim_diag_add(diag, "%s.%s: %g (expected -1 for the default, or at least 0)", where,
                       sentinel[k], val[k]);
      bad++;
    }
  double start = c->accelerator_start != -1 ? c->accelerator_start : 1.0;
  if (c->accelerator_start != -1 && c->accelerator_start >= 0 && c->accelerator_start < 1) {
    salesim_diag_add(diag,
                     "%s.accelerator_start: %g is below 1.0, where the decelerator applies "
                     "(expected at least 1.0, or -1 for 1.0)",
                     where, c->accelerator_start);
    bad++;
  }
  double at_start = 1.0 + (start > 1 ? start - 1 : 0); /* the multiple at the start */
  if (c->cap > 0 && c->cap < at_start) {
    salesim_diag_add(diag,
                     "%s.cap: %g, a cap below the accelerator's start (multiple %g at attainment "
                     "%g) (expected at least %g, or 0 for no cap)",
                     where, c->cap, at_start, start, at_start);
    bad++;
  }
  if (c->gate > 0 && c->gate >= start) {
    salesim_diag_add(diag,
                     "%s.gate: %g is at or above the accelerator's start %g (expected a gate "
                     "below accelerator_start)",
                     where, c->gate, start);
    bad++;
  }
  return bad;
}

/* ---- commission ---- */

static const salesim_param_spec comm_specs[] = {
    {"rate", SALESIM_P_DOUBLE, offsetof(salesim_plan_commission, rate), 0, NULL, 0, 1, 0, NULL,
     "share", "Commission on credit (when no tiers are given)."},
    {"book_rate", SALESIM_P_DOUBLE, offsetof(salesim_plan_commission, book_rate), -1, NULL, -1,
     1, 0, NULL, "share",
     "Commission on the recurring revenue of owned accounts; -1: the same as the (first) rate. "
     "It sets how book revenue is credited for the whole plan."},
    {"tiers", SALESIM_P_POINTS, offsetof(salesim_plan_commission, tiers), 0, &no_points, 0, 1,
     SALESIM_PF_INCREASING, "threshold|rate", "(threshold, share)",
     "Tiers as (threshold, rate) pairs, first threshold 0; thresholds in currency a period or "
     "in attainment (tiers_on); give tiers or rate, not both."},
    {"tiers_on", SALESIM_P_CHOICE, offsetof(salesim_plan_commission, tiers_on), 0, NULL, 0, 1, 0,
     "amount|attainment", "choice",
     "Tier thresholds in credit a period (currency), or in attainment of the period's target "
     "(they move with a prorated target)."},
    {"tiers_apply", SALESIM_P_CHOICE, offsetof(salesim_plan_commission, tiers_apply), 0, NULL, 0,
     1, 0, "marginal|retroactive", "choice",
     "Marginal: each rate on the credit inside its tier; retroactive: the rate of the tier "
     "reached on all the period's credit."},
    {"cap", SALESIM_P_DOUBLE, offsetof(salesim_plan_commission, cap), 0, NULL, 0, 1e12, 0, NULL,
     "currency/period", "Cap on this component's pay a measurement period (0: no cap)."},
};

static const salesim_param_table comm_table = {"commission", comm_specs,
                                               sizeof comm_specs / sizeof comm_specs[0],
                                               sizeof(salesim_plan_commission)};

static int comm_check(const void *body, const char *where, salesim_diag *diag) {
  const salesim_plan_commission *c = body;
  int bad = 0;
  if (c->tiers.n > 0 && c->tiers.x[0] != 0) {
    salesim_diag_add(diag, "%s.tiers: first threshold is %g (expected 0)", where, c->tiers.x[0]);
    bad++;
  }
  if (c->tiers.n == 0 && !(c->rate > 0)) {
    salesim_diag_add(diag, "%s.rate: 0 with no tiers pays nothing (expected rate > 0)", where);
    bad++;
  }
  if (c->tiers.n == 0 && c->tiers_on == SALESIM_PLAN_ON_ATTAINMENT) {
    salesim_diag_add(diag, "%s.tiers_on: attainment with no tiers (expected tiers)", where);
    bad++;
  }
  if (c->tiers.n == 0 && c->tiers_apply == SALESIM_PLAN_RETROACTIVE) {
    salesim_diag_add(diag, "%s.tiers_apply: retroactive with no tiers (expected tiers)", where);
    bad++;
  }
  if (c->tiers.n > 0 && c->rate > 0) {
    salesim_diag_add(diag, "%s.rate: %g and tiers both given (expected one of them)", where,
                     c->rate);
    bad++;
  }
  return bad;
}

/* ---- quota_bonus ---- */

static const salesim_param_spec qb_specs[] = {
    {"bonus", SALESIM_P_DOUBLE, offsetof(salesim_plan_quota_bonus, bonus), 0, NULL, 0, 1e12, 0,
     NULL, "currency", "Lump bonus when the period's attainment reaches `at` (each period)."},
    {"at", SALESIM_P_DOUBLE, offsetof(salesim_plan_quota_bonus, at), 1, NULL, 0, 10,
     SALESIM_PF_MIN_EXCL, NULL, "attainment", "Attainment at which the bonus is paid."},
    {"rate_above", SALESIM_P_DOUBLE, offsetof(salesim_plan_quota_bonus, rate_above), 0, NULL, 0,
     1, 0, NULL, "share", "Commission on credit above the bonus point."},
};

static const salesim_param_table qb_table = {"quota_bonus", qb_specs,
                                             sizeof qb_specs / sizeof qb_specs[0],
                                             sizeof(salesim_plan_quota_bonus)};

static int qb_check(const void *body, const char *where, salesim_diag *diag) {
  const salesim_plan_quota_bonus *c = body;
  if (!(c->bonus > 0) && !(c->rate_above > 0)) {
    salesim_diag_add(diag, "%s.bonus: 0 with no rate_above pays nothing (expected bonus > 0)",
                     where);
    return 1;
  }
  return 0;
}

/* ---- the list ---- */

_Static_assert(sizeof(salesim_plan_ti) <= SALESIM_ITEM_BYTES, "target_incentive fits an item");
_Static_assert(sizeof(salesim_plan_commission) <= SALESIM_ITEM_BYTES, "commission fits an item");
_Static_assert(sizeof(salesim_plan_quota_bonus) <= SALESIM_ITEM_BYTES, "quota_bonus fits an item");

static const salesim_item_kind kinds[SALESIM_PLAN_N_KINDS] = {
    [SALESIM_PLAN_TARGET_INCENTIVE] = {"target_incentive", &ti_table, ti_check},
    [SALESIM_PLAN_COMMISSION] = {"commission", &comm_table, comm_check},
    [SALESIM_PLAN_QUOTA_BONUS] = {"quota_bonus", &qb_table, qb_check},
    [SALESIM_PLAN_DRAW] = {"draw", &salesim_plan_draw_table, salesim_plan_draw_check},
    [SALESIM_PLAN_RAMP] = {"ramp", &salesim_plan_ramp_table, salesim_plan_ramp_check},
    [SALESIM_PLAN_SPIF] = {"spif", &salesim_plan_spif_table, salesim_plan_spif_check},
    [SALESIM_PLAN_MBO] = {"mbo", &salesim_plan_mbo_table, salesim_plan_mbo_check},
    [SALESIM_PLAN_CLAWBACK] = {"clawback", &salesim_plan_clawback_table,
                               salesim_plan_clawback_check},
};

const salesim_item_kinds salesim_plan_kinds = {kinds, SALESIM_PLAN_N_KINDS};
