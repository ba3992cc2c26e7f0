/*
 * models/mechanisms/plan_pay.c: a plan's pay as pure functions (no world):
 * each component compiled for one rep and one measurement period into a
 * salesim_schedule on the period's credit, the plan's schedule as their sum
 * (salesim_schedule_add), the pay due in a month, the worst-case size of
 * the schedule (the plan's check), and the payout curve.
 *
 * Named target-incentive shape (plan.h): with decelerator d, accelerator
 * a from attainment s (>= 1) and cap c, the multiple m(att) is
 *   max(0, 1 - d (1 - att))   below 1.0,
 *   att                       from 1.0 to s (1:1),
 *   s + a (att - s)           above s,
 * at most c; a gate g makes pay 0 below g and m(g) at g (a jump).
 *
 * Read next: plan.c (when these run: the hooks), tests/test_plan_pay.c.
 */
#include <math.h>
#include <string.h>

#include "plan.h"
#include "plan_cash.h"
#include "plan_perf.h"

int salesim_plan_period_len(const salesim_plan_params *p, int months_per_year) {
  switch (p->measurement) {
  case SALESIM_PLAN_QUARTER:
    return 3;
  case SALESIM_PLAN_MONTH:
    return 1;
  default:
    return months_per_year;
  }
}

/* ---- target incentive ---- */

/* The named shape as points (x attainment, y multiple) from x = 0, and the
 * slope after the last point; a cap ends the points where it is reached. */
static void ti_shape(const salesim_plan_ti *c, salesim_points *pts, double *tail) {
  double d = c->decelerator >= 0 ? c->decelerator : 1;
  double acc = c->accelerator >= 0 ? c->accelerator : 1;
  double s = c->accelerator_start >= 1 ? c->accelerator_start : 1;
  int n = 0;
  if (d > 0 && 1 - 1 / d > 0) { /* nothing below 1 - 1/d */
    pts->x[n] = 0, pts->y[n++] = 0;
    pts->x[n] = 1 - 1 / d, pts->y[n++] = 0;
  } else {
    pts->x[n] = 0, pts->y[n++] = 1 - d;
  }
  pts->x[n] = 1, pts->y[n++] = 1;
  if (s > 1)
    pts->x[n] = s, pts->y[n++] = s;
  pts->n = n;
  *tail = acc;
  if (!(c->cap > 0))
    return;
  for (int i = 0; i < pts->n; i++)
    if (pts->y[i] >= c->cap) {
      if (i == 0) {
        pts->y[0] = c->cap;
        pts->n = 1;
      } else {
        double x0 = pts->x[i - 1], y0 = pts->y[i - 1];
        pts->x[i] = x0 + (c->cap - y0) * (pts->x[i] - x0) / (pts->y[i] - y0);
        pts->y[i] = c->cap;
        pts->n = i + 1;
      }
      *tail = 0;
      return;
    }
  if (*tail > 0) {
    double xl = pts->x[pts->n - 1], yl = pts->y[pts->n - 1];
    pts->x[pts->n] = xl + (c->cap - yl) / *tail;
    pts->y[pts->n++] = c->cap;
    *tail = 0;
  }
}

/* Points with a slope `tail` (multiple per attainment) after the last:
 * salesim_schedule_from_points with the last hinge to the tail. */
static int points_with_tail(salesim_schedule *s, const salesim_points *p, double tail,
                            double xscale, double yscale) {
  if (tail == 0)
    return salesim_schedule_from_points(s, p, xscale, yscale);
  memset(s, 0, sizeof *s);
  s->a = p->y[0] * yscale;
  if (!(xscale > 0))
    return 0;
  double prev = 0;
  int rc = 0;
  for (int i = 0; i + 1 < p->n; i++) {
    double slope = (p->y[i + 1] - p->y[i]) * yscale / ((p->x[i + 1] - p->x[i]) * xscale);
    rc |= salesim_schedule_add_hinge(s, p->x[i] * xscale, slope - prev);
    prev = slope;
  }
  rc |= salesim_schedule_add_hinge(s, p->x[p->n - 1] * xscale, tail * yscale / xscale - prev);
  return rc ? SALESIM_EINVAL : 0;
}

static int ti_compile(salesim_schedule *s, const salesim_plan_ti *c, double target,
                      double year_share) {
  double variable = c->amount * year_share;
  if (c->curve.n > 0)
    return salesim_schedule_from_points(s, &c->curve, target, variable);
  salesim_points pts;
  double tail;
  ti_shape(c, &pts, &tail);
  int rc = points_with_tail(s, &pts, tail, target, variable);
  if (rc == 0 && c->gate > 0 && target > 0)
    rc = salesim_schedule_gate(s, c->gate * target);
  return rc;
}

/* ---- commission and quota bonus ---- */

static int comm_compile(salesim_schedule *s, const salesim_plan_commission *c, double target) {
  if (c->tiers.n > 0) {
    double xscale = c->tiers_on == SALESIM_PLAN_ON_ATTAINMENT ? target : 1.0;
    return c->tiers_apply == SALESIM_PLAN_RETROACTIVE
               ? salesim_schedule_tiers_retro(s, &c->tiers, xscale, c->cap)
               : salesim_schedule_tiers_scaled(s, &c->tiers, xscale, c->cap);
  }
  salesim_schedule_linear(s, c->rate);
  if (c->cap > 0 && c->rate > 0)
    return salesim_schedule_add_hinge(s, c->cap / c->rate, -c->rate);
  return 0;
}

static int qb_compile(salesim_schedule *s, const salesim_plan_quota_bonus *c, double target) {
  int rc = 0;
  salesim_schedule_linear(s, 0);
  if (c->bonus != 0)
    rc = salesim_schedule_add_jump(s, c->at * target, c->bonus);
  if (rc == 0 && c->rate_above > 0)
    rc = salesim_schedule_add_hinge(s, c->at * target, c->rate_above);
  return rc;
}

int salesim_plan_component(salesim_schedule *out, const salesim_item *item, double target,
                           double year_share) {
  const void *body = item->body.bytes;
  switch (item->type) {
  case SALESIM_PLAN_TARGET_INCENTIVE:
    return ti_compile(out, body, target, year_share);
  case SALESIM_PLAN_COMMISSION:
    return comm_compile(out, body, target);
  case SALESIM_PLAN_QUOTA_BONUS:
    return qb_compile(out, body, target);
  case SALESIM_PLAN_DRAW: /* plan_cash.c: paid in month_pay, not on credit */
  case SALESIM_PLAN_RAMP:
  case SALESIM_PLAN_SPIF:
  case SALESIM_PLAN_MBO: /* plan_perf.c: settled in month_pay */
  case SALESIM_PLAN_CLAWBACK:
    salesim_schedule_linear(out, 0);
    return 0;
  default:
    memset(out, 0, sizeof *out);
    return SALESIM_EINVAL;
  }
}

int salesim_plan_compile(salesim_schedule *out, const salesim_plan_params *p, double target,
                         double year_share) {
  salesim_schedule_linear(out, 0);
  for (int i = 0; i < p->components.n; i++) {
    salesim_schedule one;
    int rc = salesim_plan_component(&one, &p->components.item[i], target, year_share);
    if (rc == 0)
      rc = salesim_schedule_add(out, &one);
    if (rc != 0)
      return rc;
  }
  return 0;
}

void salesim_plan_worst_case(const salesim_plan_params *p, int *knots, int *jumps) {
  int nk = 0, nj = 0;
  for (int i = 0; i < p->components.n; i++) {
    const salesim_item *it = &p->components.item[i];
    const void *body = it->body.bytes;
    switch (it->type) {
    case SALESIM_PLAN_TARGET_INCENTIVE: {
      const salesim_plan_ti *c = body;
      if (c->curve.n > 0)
        nk += c->curve.n;
      else {
        /* the named shape's knots and jumps do not depend on the target:
         * count them on a target of 1 */
        salesim_schedule s;
        if (ti_compile(&s, c, 1.0, 1.0) != 0) {
          nk += SALESIM_SCHED_MAX_KNOTS + 1; /* cannot be built: too many */
          break;
        }
        nk += s.nk;
        nj += s.nj;
      }
      break;
    }
    case SALESIM_PLAN_COMMISSION: {
      const salesim_plan_commission *c = body;
      if (c->tiers.n > 0) {
        int breaks = c->tiers.n - (c->tiers.x[0] <= 0); /* a first tier at 0 is a rate */
        nk += breaks + (c->cap > 0);
        if (c->tiers_apply == SALESIM_PLAN_RETROACTIVE)
          nj += breaks;
      } else
        nk += c->cap > 0 && c->rate > 0;
      break;
    }
    case SALESIM_PLAN_QUOTA_BONUS: {
      const salesim_plan_quota_bonus *c = body;
      nk += c->rate_above > 0;
      nj += c->bonus != 0;
      break;
    }
    default:
      break;
    }
  }
  *knots = nk;
  *jumps = nj;
}

double salesim_plan_variable_due(const salesim_plan_params *p, const salesim_schedule *sched,
                                 double before, double credit, int period_ends) {
  if (p->payment == SALESIM_PLAN_PERIOD_END)
    return period_ends ? salesim_schedule_eval(sched, before + credit) : 0;
  return salesim_schedule_eval(sched, before + credit) - salesim_schedule_eval(sched, before);
}

double salesim_plan_book_credit(const salesim_plan_params *p) {
  for (int i = 0; i < p->components.n; i++) {
    const salesim_item *it = &p->components.item[i];
    if (it->type != SALESIM_PLAN_COMMISSION)
      continue;
    const salesim_plan_commission *c = (const void *)it->body.bytes;
    double r = c->tiers.n > 0 ? c->tiers.y[0] : c->rate;
    if (c->book_rate < 0)
      return 1;
    return r > 0 ? c->book_rate / r : 0;
  }
  return 1;
}

double salesim_plan_first_rate(const salesim_plan_params *p) {
  for (int i = 0; i < p->components.n; i++) {
    const salesim_item *it = &p->components.item[i];
    if (it->type != SALESIM_PLAN_COMMISSION)
      continue;
    const salesim_plan_commission *c = (const void *)it->body.bytes;
    return c->tiers.n > 0 ? c->tiers.y[0] : c->rate;
  }
  return 0;
}

int salesim_plan_scales_with_target(const salesim_plan_params *p) {
  for (int i = 0; i < p->components.n; i++) {
    const salesim_item *it = &p->components.item[i];
    if (it->type == SALESIM_PLAN_TARGET_INCENTIVE || it->type == SALESIM_PLAN_QUOTA_BONUS)
      return 1;
    if (it->type == SALESIM_PLAN_COMMISSION) {
      const salesim_plan_commission *c = (const void *)it->body.bytes;
      if (c->tiers.n > 0 && c->tiers_on == SALESIM_PLAN_ON_ATTAINMENT)
        return 1;
    }
  }
  return 0;
}

int salesim_plan_payout_curve(const void *params, const salesim_scenario *sc,
                              double reference_target, salesim_payout_curve *out) {
  const salesim_plan_params *p = params;
  out->n = 0;
  if (!(reference_target > 0))
    return 0;
  int mpy = sc->months_per_year > 0 ? sc->months_per_year : 12;
  int len = salesim_plan_period_len(p, mpy);
  double periods = (double)mpy / len, share = (double)len / mpy;
  salesim_schedule sched;
  if (salesim_plan_compile(&sched, p, reference_target * share, share) != 0)
    return 0; /* the check refuses such plans */
  for (int i = 0; i < SALESIM_PAYOUT_POINTS; i++) {
    double att = i * SALESIM_PAYOUT_STEP;
    out->attainment[i] = att;
    out->pay[i] = 12.0 * p->base +
                  periods * salesim_schedule_eval(&sched, att * reference_target * share);
  }
  out->n = SALESIM_PAYOUT_POINTS;
  return 0;
}

/* The settings that make a plan an older type's preset, with the rest of
 * the plan: the settlement they reproduce needs payment at the period's
 * end (and the year for target_salary and advances); a late settlement
 * with a draw, whose top-up needs the month's pay, is not supported. */
static int salesim_plan_preset_check(const salesim_plan_params *p, const char *where,
                                     salesim_diag *diag) {
  int bad = 0, draw = 0, book_rate = 0;
  for (int i = 0; i < p->components.n; i++) {
    const salesim_item *it = &p->components.item[i];
    draw |= it->type == SALESIM_PLAN_DRAW;
    if (it->type == SALESIM_PLAN_COMMISSION)
      book_rate |= ((const salesim_plan_commission *)(const void *)it->body.bytes)->book_rate >= 0;
  }
  int ts = p->arithmetic == SALESIM_PLAN_ARITH_TARGET_SALARY;
  int qb = p->arithmetic == SALESIM_PLAN_ARITH_QUOTA_BONUS;
  if ((ts || qb) && p->payment != SALESIM_PLAN_PERIOD_END) {
    salesim_diag_add(diag,
                     "%s.arithmetic: \"%s\" with payment = \"as_earned\" (expected payment = "
                     "\"period_end\": the older type pays its variable part at the period's end)",
                     where, ts ? "target_salary" : "quota_bonus");
    bad = 1;
  }
  if (ts && p->measurement != SALESIM_PLAN_YEAR) {
    salesim_diag_add(diag,
                     "%s.arithmetic: \"target_salary\" with a measurement period shorter than "
                     "the year (expected measurement = \"year\")",
                     where);
    bad = 1;
  }
  if ((ts || qb) && draw) {
    salesim_diag_add(diag,
                     "%s.arithmetic: \"%s\" with a draw (expected no draw: its settlement is "
                     "made after the month's pay the draw tops up; use arithmetic = \"plan\")",
                     where, ts ? "target_salary" : "quota_bonus");
    bad = 1;
  }
  if (p->advance == SALESIM_PLAN_ADVANCE_QUARTERLY &&
      (p->payment != SALESIM_PLAN_PERIOD_END || p->measurement != SALESIM_PLAN_YEAR || qb)) {
    salesim_diag_add(diag,
                     "%s.advance: quarterly advances need payment = \"period_end\" and "
                     "measurement = \"year\" (expected advance = \"none\"%s)",
                     where, qb ? ", or an arithmetic other than quota_bonus" : "");
    bad = 1;
  }
  if (p->book_credit >= 0 && book_rate) {
    salesim_diag_add(diag,
                     "%s.book_credit: %g and a commission component's book_rate both set how "
                     "book revenue is credited (expected one of them)",
                     where, p->book_credit);
    bad = 1;
  }
  return bad;
}

/* "FILE:LINE: mechanisms[i]" -> "FILE:ITEMLINE: mechanisms[i].components[j]"
 * (the component's own line, in the file of the mechanism's entry); any
 * other form of `where` (a path set on the command line) gets
 * ".components[j]" appended. */
void salesim_plan_item_where(char *buf, size_t n, const char *where, const salesim_item *it,
                             int j) {
  const char *sep = strstr(where, ": mechanisms");
  const char *colon = NULL;
  if (sep != NULL)
    for (const char *c = sep - 1; c >= where; c--)
      if (*c == ':') {
        colon = c;
        break;
      }
  if (colon != NULL && it->line > 0)
    snprintf(buf, n, "%.*s:%d%s.components[%d]", (int)(colon - where), where, it->line, sep, j);
  else
    snprintf(buf, n, "%s.components[%d]", where, j);
}

int salesim_plan_check(const void *params, const salesim_scenario *sc, const char *where,
                       salesim_diag *diag) {
  const salesim_plan_params *p = params;
  int bad = 0;
  if (p->measurement == SALESIM_PLAN_QUARTER && sc->months_per_year % 3 != 0) {
    salesim_diag_add(diag,
                     "%s.measurement: quarter with months_per_year = %d (expected a multiple "
                     "of 3)",
                     where, sc->months_per_year);
    bad = 1;
  }
  int nk, nj;
  salesim_plan_worst_case(p, &nk, &nj);
  if (nk > SALESIM_SCHED_MAX_KNOTS) {
    salesim_diag_add(diag, "%s.components: %d breakpoints in all (expected at most %d)", where,
                     nk, SALESIM_SCHED_MAX_KNOTS);
    bad = 1;
  }
  if (nj > SALESIM_SCHED_MAX_JUMPS) {
    salesim_diag_add(diag,
                     "%s.components: %d jumps in all (gates, retroactive tier breaks, quota "
                     "bonuses; expected at most %d)",
                     where, nj, SALESIM_SCHED_MAX_JUMPS);
    bad = 1;
  }
  /* one credit of book revenue for the whole plan */
  double first = -2;
  for (int i = 0; i < p->components.n; i++) {
    const salesim_item *it = &p->components.item[i];
    if (it->type != SALESIM_PLAN_COMMISSION)
      continue;
    const salesim_plan_commission *c = (const void *)it->body.bytes;
    double r = c->tiers.n > 0 ? c->tiers.y[0] : c->rate;
    double ratio = c->book_rate < 0 ? 1 : (r > 0 ? c->book_rate / r : 0);
    if (first == -2)
      first = ratio;
    else if (ratio != first) {
      salesim_diag_add(diag,
                       "%s.components[%d].book_rate: credits book revenue at %g of new "
                       "business, the first commission at %g (expected the same share in "
                       "every commission component: book revenue is credited once)",
                       where, i, ratio, first);
      bad = 1;
    }
  }
  if (salesim_plan_cash_check(p, sc, where, diag) != 0) /* draw, ramp, spif */
    bad = 1;
  if (salesim_plan_preset_check(p, where, diag) != 0) /* arithmetic, advance, book_credit */
    bad = 1;
  if (salesim_plan_perf_check(p, where, diag) != 0) /* mbo, clawback */
    bad = 1;
  return bad ? SALESIM_ESCENARIO : 0;
}
