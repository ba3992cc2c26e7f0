/*
 * models/core/schedule.c: piecewise-linear pay schedules and their expectation
 * under normal noise (see schedule.h).
 *
 * pay(X) = a + b X + sum_k c_k (X - k_k)+ + sum_j J_j [X >= t_j]
 * E[(X-k)+] = (m-k) Phi(z) + s phi(z),  z = (m-k)/s
 * E[[X >= t]] = Phi((m-t)/s)
 * dE/dm = b + sum_k c_k Phi(z_k) + sum_j J_j phi(z_j)/s
 */
#include "schedule.h"

#include "numerics.h"

#include <math.h>
#include <string.h>

#include <salesim/errors.h>

void salesim_schedule_linear(salesim_schedule *s, double rate) {
  memset(s, 0, sizeof *s);
  s->b = rate;
}

int salesim_schedule_add_hinge(salesim_schedule *s, double k, double dslope) {
  if (dslope == 0)
    return 0;
  for (int i = 0; i < s->nk; i++)
    if (s->knot[i] == k) {
      s->dslope[i] += dslope;
      return 0;
    }
  if (s->nk >= SALESIM_SCHED_MAX_KNOTS)
    return SALESIM_EINVAL;
  s->knot[s->nk] = k;
  s->dslope[s->nk] = dslope;
  s->nk++;
  return 0;
}

int salesim_schedule_add_jump(salesim_schedule *s, double t, double J) {
  if (s->nj >= SALESIM_SCHED_MAX_JUMPS)
    return SALESIM_EINVAL;
  s->jump_at[s->nj] = t;
  s->jump[s->nj] = J;
  s->nj++;
  return 0;
}

int salesim_schedule_from_points(salesim_schedule *s, const salesim_points *p, double xscale,
                                 double yscale) {
  memset(s, 0, sizeof *s);
  if (p->n < 1)
    return SALESIM_EINVAL;
  /* flat at y0 left of x0 (x0 >= 0 in payout curves) */
  s->a = p->y[0] * yscale;
  if (p->n == 1 || xscale <= 0)
    return 0;
  double prev = 0;
  int rc = 0;
  for (int i = 0; i + 1 < p->n; i++) {
    double slope = (p->y[i + 1] - p->y[i]) * yscale / ((p->x[i + 1] - p->x[i]) * xscale);
    rc |= salesim_schedule_add_hinge(s, p->x[i] * xscale, slope - prev);
    prev = slope;
  }
  rc |= salesim_schedule_add_hinge(s, p->x[p->n - 1] * xscale, -prev);
  return rc ? SALESIM_EINVAL : 0;
}

int salesim_schedule_tiers(salesim_schedule *s, const salesim_points *tiers, double cap) {
  memset(s, 0, sizeof *s);
  if (tiers->n < 1)
    return SALESIM_EINVAL;
  double prev = 0;
  int rc = 0;
  for (int i = 0; i < tiers->n; i++) {
    if (tiers->x[i] <= 0 && i == 0)
      s->b = tiers->y[0];
    else
      rc |= salesim_schedule_add_hinge(s, tiers->x[i], tiers->y[i] - prev);
    prev = tiers->y[i];
  }
  if (cap > 0) {
    /* find the credit at which pay reaches the cap and flatten there */
    double x = 0, pay = 0, rate = s->b;
    for (int i = 1; i <= tiers->n; i++) {
      double next = i < tiers->n ? tiers->x[i] : INFINITY;
      if (rate > 0 && pay + rate * (next - x) >= cap) {
        double xc = x + (cap - pay) / rate;
        rc |= salesim_schedule_add_hinge(s, xc, -rate);
        break;
      }
      pay += rate * (next - x);
      x = next;
      if (i < tiers->n)
        rate = tiers->y[i];
    }
  }
  return rc ? SALESIM_EINVAL : 0;
}

/* Tiers walked break by break (thresholds scaled by xscale): the segment
 * below each break pays `prev` per unit; a retroactive break also jumps by
 * (r - prev) t. With a cap the walk stops where pay first reaches it. */
static int tiers_walk(salesim_schedule *s, const salesim_points *tiers, double xscale,
                      double cap, int retro) {
  memset(s, 0, sizeof *s);
  if (tiers->n < 1)
    return SALESIM_EINVAL;
  int rc = 0, capped = cap > 0;
  double prev = 0, x = 0, pay = 0; /* rate, last break, pay just after it */
  for (int i = 0; i < tiers->n; i++) {
    double t = tiers->x[i] * xscale, r = tiers->y[i];
    if (i == 0 && t <= 0) { /* a first tier from 0: a straight rate */
      s->b = r;
      prev = r;
      x = t;
      continue;
    }
    if (capped && prev > 0 && pay + prev * (t - x) >= cap) {
      rc |= salesim_schedule_add_hinge(s, x + (cap - pay) / prev, -prev);
      return rc ? SALESIM_EINVAL : 0;
    }
    pay += prev * (t - x);
    double J = retro ? (r - prev) * t : 0;
    if (capped && J > 0 && pay + J >= cap) { /* this break jumps to the cap */
      if (cap > pay)
        rc |= salesim_schedule_add_jump(s, t, cap - pay);
      rc |= salesim_schedule_add_hinge(s, t, -prev);
      return rc ? SALESIM_EINVAL : 0;
    }
    if (J != 0)
      rc |= salesim_schedule_add_jump(s, t, J);
    rc |= salesim_schedule_add_hinge(s, t, r - prev);
    pay += J;
    prev = r;
    x = t;
  }
  if (capped && prev > 0)
    rc |= salesim_schedule_add_hinge(s, x + (cap - pay) / prev, -prev);
  return rc ? SALESIM_EINVAL : 0;
}

int salesim_schedule_tiers_scaled(salesim_schedule *s, const salesim_points *tiers,
                                  double xscale, double cap) {
  return tiers_walk(s, tiers, xscale, cap, 0);
}

int salesim_schedule_tiers_retro(salesim_schedule *s, const salesim_points *tiers,
                                 double xscale, double cap) {
  return tiers_walk(s, tiers, xscale, cap, 1);
}

int salesim_schedule_gate(salesim_schedule *s, double t) {
  salesim_schedule g;
  memset(&g, 0, sizeof g);
  double v = salesim_schedule_eval(s, t), r = salesim_schedule_slope(s, t);
  int rc = salesim_schedule_add_hinge(&g, t, r);
  for (int i = 0; i < s->nk; i++)
    if (s->knot[i] > t)
      rc |= salesim_schedule_add_hinge(&g, s->knot[i], s->dslope[i]);
  if (v != 0)
    rc |= salesim_schedule_add_jump(&g, t, v);
  for (int j = 0; j < s->nj; j++)
    if (s->jump_at[j] > t)
      rc |= salesim_schedule_add_jump(&g, s->jump_at[j], s->jump[j]);
  if (rc != 0)
    return SALESIM_EINVAL;
  *s = g;
  return 0;
}

int salesim_schedule_add(salesim_schedule *dst, const salesim_schedule *src) {
  salesim_schedule sum = *dst;
  sum.a += src->a;
  sum.b += src->b;
  for (int i = 0; i < src->nk; i++) {
    int k = 0;
    while (k < sum.nk && sum.knot[k] != src->knot[i])
      k++;
    if (k == sum.nk) {
      if (sum.nk >= SALESIM_SCHED_MAX_KNOTS)
        return SALESIM_ELIMIT;
      sum.knot[sum.nk] = src->knot[i];
      sum.dslope[sum.nk++] = 0;
    }
    sum.dslope[k] += src->dslope[i];
  }
  for (int j = 0; j < src->nj; j++) {
    int k = 0;
    while (k < sum.nj && sum.jump_at[k] != src->jump_at[j])
      k++;
    if (k == sum.nj) {
      if (sum.nj >= SALESIM_SCHED_MAX_JUMPS)
        return SALESIM_ELIMIT;
      sum.jump_at[sum.nj] = src->jump_at[j];
      sum.jump[sum.nj++] = 0;
    }
    sum.jump[k] += src->jump[j];
  }
  *dst = sum;
  return 0;
}

double salesim_schedule_eval(const salesim_schedule *s, double x) {
  double v = s->a + s->b * x;
  for (int i = 0; i < s->nk; i++)
    if (x > s->knot[i])
      v += s->dslope[i] * (x - s->knot[i]);
  for (int j = 0; j < s->nj; j++)
    if (x >= s->jump_at[j])
      v += s->jump[j];
  return v;
}

double salesim_schedule_slope(const salesim_schedule *s, double x) {
  double v = s->b;
  for (int i = 0; i < s->nk; i++)
    if (x >= s->knot[i])
      v += s->dslope[i];
  return v;
}

double salesim_schedule_expect(const salesim_schedule *s, double m, double sd, double *slope) {
  if (!(sd > 0)) {
    if (slope)
      *slope = salesim_schedule_slope(s, m);
    return salesim_schedule_eval(s, m);
  }
  double v = s->a + s->b * m, d = s->b;
  for (int i = 0; i < s->nk; i++) {
    double z = (m - s->knot[i]) / sd;
    /* Skipping the exp gives the same bits (issue 12; tests/test_numerics.c
     * test_schedule_expect_skip). A knot more than 9 sd below the mean:
     * the density is below 1.1e-18, so Phi = 1 - pdf*poly rounds to exactly
     * 1 and sd*pdf to nothing against m - k >= 9 sd. A knot more than
     * 38.6 sd above it: exp underflows to 0 and the terms are exactly 0.
     * (From 9 sd above on the terms are tiny but can still move a small
     * slope d by an ulp, so that side waits for the underflow.) */
    if (z > 9) {
      v += s->dslope[i] * (m - s->knot[i]);
      d += s->dslope[i];
      continue;
    }
    if (z < -38.6)
      continue;
    double pdf = salesim_num_norm_pdf(z);
    double cdf = salesim_num_norm_cdf_pdf(z, pdf);
    v += s->dslope[i] * ((m - s->knot[i]) * cdf + sd * pdf);
    d += s->dslope[i] * cdf;
  }
  for (int j = 0; j < s->nj; j++) {
    double z = (m - s->jump_at[j]) / sd;
    double pdf = salesim_num_norm_pdf(z);
    v += s->jump[j] * salesim_num_norm_cdf_pdf(z, pdf);
    d += s->jump[j] * pdf / sd;
  }
  if (slope)
    *slope = d;
  return v;
}

int salesim_schedule_is_linear(const salesim_schedule *s) { return s->nk == 0 && s->nj == 0; }

/* ---- the larger of two schedules (salesim_schedule_max) ---- */

/* The line s follows on (lo, hi) (lo = -HUGE_VAL or hi = HUGE_VAL for an
 * open end): its slope, and its value at the probe point *at. */
static void line_on(const salesim_schedule *s, double lo, double hi, double *at, double *v,
                    double *slope) {
  double x;
  if (lo == -HUGE_VAL && hi == HUGE_VAL)
    x = 0;
  else if (lo == -HUGE_VAL)
    x = hi - 1 - fabs(hi);
  else if (hi == HUGE_VAL)
    x = lo + 1 + fabs(lo);
  else
    x = 0.5 * (lo + hi);
  *at = x;
  *v = salesim_schedule_eval(s, x);
  *slope = salesim_schedule_slope(s, x);
}

static void sort_unique(double *p, int *n) {
  for (int i = 1; i < *n; i++) /* insertion sort: a few dozen points */
    for (int j = i; j > 0 && p[j] < p[j - 1]; j--) {
      double t = p[j];
      p[j] = p[j - 1];
      p[j - 1] = t;
    }
  int m = 0;
  for (int i = 0; i < *n; i++)
    if (m == 0 || p[i] != p[m - 1])
      p[m++] = p[i];
  *n = m;
}

#define MAX_POINTS_OF_MAX (4 * (SALESIM_SCHED_MAX_KNOTS + SALESIM_SCHED_MAX_JUMPS) + 4)

int salesim_schedule_max(salesim_schedule *out, const salesim_schedule *a,
                         const salesim_schedule *b) {
  const salesim_schedule *s[2] = {a, b};
  double p[MAX_POINTS_OF_MAX];
  int n = 0;
  for (int k = 0; k < 2; k++) {
    for (int i = 0; i < s[k]->nk; i++)
      p[n++] = s[k]->knot[i];
    for (int j = 0; j < s[k]->nj; j++)
      p[n++] = s[k]->jump_at[j];
  }
  sort_unique(p, &n);
  /* both are straight between the points: where their lines cross inside
   * an interval, the larger changes; add those points */
  int n0 = n;
  for (int i = 0; i <= n0; i++) {
    double lo = i > 0 ? p[i - 1] : -HUGE_VAL, hi = i < n0 ? p[i] : HUGE_VAL;
    double at, va, sa, vb, sb;
    line_on(a, lo, hi, &at, &va, &sa);
    line_on(b, lo, hi, &at, &vb, &sb);
    if (sa == sb)
      continue;
    double x = at - (va - vb) / (sa - sb);
    if (x > lo && x < hi && isfinite(x))
      p[n++] = x;
  }
  sort_unique(p, &n);
  /* the larger line on each interval, then hinges and jumps at the points */
  salesim_schedule r;
  memset(&r, 0, sizeof r);
  double prev_slope = 0, prev_at = 0, prev_v = 0;
  for (int i = 0; i <= n; i++) {
    double lo = i > 0 ? p[i - 1] : -HUGE_VAL, hi = i < n ? p[i] : HUGE_VAL;
    double at, va, sa, vb, sb;
    line_on(a, lo, hi, &at, &va, &sa);
    line_on(b, lo, hi, &at, &vb, &sb);
    int wa = va > vb || (va == vb && sa >= sb);
    double v = wa ? va : vb, sl = wa ? sa : sb;
    if (i == 0) {
      r.a = v - sl * at;
      r.b = sl;
    } else {
      double x = p[i - 1];
      double left = prev_v + prev_slope * (x - prev_at); /* the max just left of x */
      double here = fmax(salesim_schedule_eval(a, x), salesim_schedule_eval(b, x));
      double d = sl - prev_slope, jump = here - left;
      double scale = 1 + fabs(here) + fabs(left);
      if (fabs(d) > 1e-12 * (fabs(sl) + fabs(prev_slope)) &&
          salesim_schedule_add_hinge(&r, x, d) != 0)
        return SALESIM_ELIMIT;
      if (fabs(jump) > 1e-10 * scale && salesim_schedule_add_jump(&r, x, jump) != 0)
        return SALESIM_ELIMIT;
    }
    prev_slope = sl;
    prev_at = at;
    prev_v = v;
  }
  *out = r;
  return 0;
}
