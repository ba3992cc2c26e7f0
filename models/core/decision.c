/*
 * models/core/decision.c: how a self-interested agent chooses effort (MODEL.md §5).
 *
 * The agent plans a constant hunting h and farming f over its horizon H
 * (horizon_months, or the rest of its pay period if longer) and maximises
 *
 *   CE = D*base + d_M*(E[pay(X)] - paid) + after_value*Y + D*extra
 *        - D*c*(pi*h + f)^2/2 - (r/2)*slope^2*Var[X] - credit_cost*(X - X0)
 *
 * (D: discounted months of the horizon; d_M: discount on a period-end
 * payment). X is the expected credit at the pay period's end (M months;
 * the whole horizon under open-ended commission): credit so far, what the
 * open pipeline closes in time, the book's revenue, plus what effort adds:
 *   hunting: leads/month = lead_rate * theta * s * rho_k / difficulty per unit
 *            h, each worth V-bar and winning 20 %, only the part closing
 *            before the period ends (psi tables of models/core/pipeline.c) and
 *            before the agent's savings run out (liquidity) counts in X;
 *            what lands after the period but within H (Y) is worth
 *            after_value a unit;
 *   farming: churn falls from churn0 to churn0*exp(-kappa_f*f); the book
 *            revenue it saves accrues over the remaining months.
 * Var[X] comes from the pipeline and from the compound-Poisson wins of new
 * leads; E[pay(X)] under normal noise has a closed form for any
 * piecewise-linear schedule with jumps (models/core/schedule.c).
 *
 * Solving. For a shadow price mu of credit, the cheapest bundle (h, f) that
 * values credit at mu has a closed form (bundle(): both
 * first-order conditions, or a corner where one effort is exactly zero).
 * Every optimum lies on this expansion path, so the two-effort problem is a
 * one-dimensional search over mu: a grid (the optimum can jump between zero
 * and an interior effort, MEASURED.md), Brent's method around its best and
 * candidates at every pay jump (search(); exact to 1e-6 of the CE, issue 12,
 * tests/test_decision_exact.c). For
 * open-ended linear pay (straight commission) mu is the rate itself and the
 * answer is closed form, with the risk premium folded into the value of
 * hunting.
 *
 * Nothing here depends on which mechanism is in force: only on the incentive
 * it states. Veterans hunt less under commission because a large book makes
 * farming worth more at the margin while the value of hunting is fixed by
 * the rate; under a target with a steep curve, reaching the target raises mu
 * and so total effort, and hunting with it.
 */
#include "decision.h"

#include "multitask.h"
#include "numerics.h"
#include "pipeline.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

double salesim_decide_linear_effort(double beta, double theta, double c) {
  if (!(c > 0))
    return 0;
  double e = beta * theta / c;
  return e > 0 ? e : 0;
}

/* max_f G*(1-exp(-k f)) - Mc*f^2/2 with h = 0: G k exp(-k f) = Mc f, i.e.
 * (k f) exp(k f) = G k^2 / Mc, so f = W0(G k^2 / Mc) / k (Lambert W). */
static double farm_only(double G, double k, double Mc) {
  if (!(G > 0) || !(k > 0) || !(Mc > 0))
    return 0;
  return salesim_num_lambert_w0(G * k * k / Mc) / k;
}

/* The bundle for total value m_h per unit h and G per unit (1-exp(-k f)). */
static void bundle(double m_h, double G, double k, double pain, double Mc, double *h,
                   double *f) {
  *h = *f = 0;
  if (!(Mc > 0))
    return;
  if (!(m_h > 0)) {
    *f = farm_only(G, k, Mc);
    return;
  }
  double e = m_h / (pain * Mc);
  double fi = (G > 0 && k > 0) ? log(G * k * pain / m_h) / k : -1;
  if (fi <= 0) {
    *h = m_h / (pain * pain * Mc);
    return;
  }
  if (e <= fi) {
    *f = farm_only(G, k, Mc);
    return;
  }
  *f = fi;
  *h = (e - fi) / pain;
}


/* Everything the CE of a bundle needs, computed once per decision. */
typedef struct problem {
  const salesim_schedule *sched;
  int linear_mode;
  int M;             /* months in the plan */
  double base;       /* certain pay over the plan */
  double X0, var0;   /* credit and its variance without effort */
  double H_in, H_after, hvar; /* hunting: credit per unit h in/after; var per unit h */
  double F_in, F_after, kappa; /* farming */
  double pain, Mc, r;
  double after_value;
  double extra_h, extra_f; /* money per unit effort over the plan */
  double lost;       /* 1 if period-end pay is lost to illiquidity */
  double paid;       /* variable pay of the period already paid out */
  double after0;     /* credit after the period that effort does not move */
  double credit_cost; /* later cost per unit of effort-made credit (ratchet) */
  double weight;     /* months of the plan, discounted (M in linear mode) */
  double pay_disc;   /* discount on period-end pay */
} problem;

static double evaluate_s(const problem *P, double mu, double *h, double *f, double *X,
                         double *slope_out) {
  double mh = mu * P->H_in + P->after_value * P->H_after + P->extra_h;
  double G = mu * P->F_in + P->after_value * P->F_after + P->extra_f;
  bundle(mh, G, P->kappa, P->pain, P->Mc, h, f);
  double saved = P->kappa > 0 ? 1 - salesim_num_exp(-P->kappa * *f) : 0;
  double x = P->X0 + P->H_in * *h + P->F_in * saved;
  double var = P->var0 + P->hvar * *h;
  double sd = sqrt(var > 0 ? var : 0);
  double slope = 0;
  double pay =
      P->lost ? 0 : P->pay_disc * (salesim_schedule_expect(P->sched, x, sd, &slope) - P->paid);
  *slope_out = slope; /* E[pay]'s own slope, for margin_now */
  slope *= P->pay_disc;
  double after = P->after_value * (P->after0 + P->H_after * *h + P->F_after * saved);
  double e = P->pain * *h + *f;
  double ce = P->base + pay + after + P->extra_h * *h + P->extra_f * *f - 0.5 * P->Mc * e * e -
              0.5 * P->r * slope * slope * var - P->credit_cost * (x - P->X0);
  *X = x;
  return ce;
}

static double evaluate(const problem *P, double mu, double *h, double *f, double *X) {
  double slope;
  return evaluate_s(P, mu, h, f, X, &slope);
}

/* The best plan seen by a search, with what solve() reports about it. */
typedef struct best_plan {
  double mu, ce, h, f, X, slope;
} best_plan;

static double eval_keep(const problem *P, double mu, best_plan *B) {
  double h, f, X, slope;
  double ce = evaluate_s(P, mu, &h, &f, &X, &slope);
  if (ce > B->ce) {
    B->mu = mu;
    B->ce = ce;
    B->h = h;
    B->f = f;
    B->X = X;
    B->slope = slope;
  }
  return ce;
}

/* Brent's method (parabolic steps safeguarded by golden section; Brent
 * 1973, as gsl_min_fminimizer_brent) for the maximum of CE on [a, b] from
 * x inside it with CE(x) = fx, until the bracket is within tol of x or
 * after max_evals evaluations. Every point is offered to *B. A CE that is
 * not finite takes the golden step. */
static void brent_refine(const problem *P, double a, double b, double x, double fx, double tol,
                         int max_evals, best_plan *B) {
  const double cg = 0.3819660112501051; /* 2 - phi */
  double gx = -fx, w = x, v = x, gw = gx, gv = gx, d = 0, e = 0;
  for (int it = 0; it < max_evals; it++) {
    double xm = 0.5 * (a + b), tol1 = tol, tol2 = 2 * tol1;
    if (fabs(x - xm) <= tol2 - 0.5 * (b - a))
      break;
    int para = 0;
    if (fabs(e) > tol1 && isfinite(gx) && isfinite(gw) && isfinite(gv)) {
      double r = (x - w) * (gx - gv), q = (x - v) * (gx - gw), p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0)
        p = -p;
      q = fabs(q);
      double etemp = e;
      if (!(fabs(p) >= fabs(0.5 * q * etemp) || p <= q * (a - x) || p >= q * (b - x))) {
        e = d;
        d = p / q;
        double u = x + d;
        if (u - a < tol2 || b - u < tol2)
          d = xm >= x ? tol1 : -tol1;
        para = 1;
      }
    }
    if (!para) {
      e = x >= xm ? a - x : b - x;
      d = cg * e;
    }
    double u = fabs(d) >= tol1 ? x + d : x + (d >= 0 ? tol1 : -tol1);
    double gu = -eval_keep(P, u, B);
    if (!(gu > gx)) { /* u is at least as good (NaN: never) */
      if (u >= x)
        a = x;
      else
        b = x;
      v = w, gv = gw;
      w = x, gw = gx;
      x = u, gx = gu;
    } else {
      if (u < x)
        a = u;
      else
        b = u;
      if (gu <= gw || w == x) {
        v = w, gv = gw;
        w = u, gw = gu;
      } else if (gu <= gv || v == x || v == w) {
        v = u, gv = gu;
      }
    }
  }
}

/* evaluate() as a salesim_num_fn for the golden-section search. */
static int ce_at(double mu, void *ctx, double *value) {
  double h, f, X;
  *value = evaluate((const problem *)ctx, mu, &h, &f, &X);
  return 0;
}

static double max_slope(const salesim_schedule *s) {
  double v = s->b, best = s->b > 0 ? s->b : 0;
  /* knots in any order: evaluate the slope right of each knot */
  for (int i = 0; i < s->nk; i++) {
    v = salesim_schedule_slope(s, s->knot[i]);
    if (v > best)
      best = v;
  }
  return best;
}

/* Fill P for a plan of M months of which the first `M_credit` count toward
 * pay (less when the agent expects its savings to run out first). */
static void build_problem(const salesim_world *w, const salesim_agent *a,
                          const salesim_incentive *inc, int M, int M_credit, problem *P) {
  const salesim_production *prod = &w->sc->production;
  const salesim_population *pop = &w->sc->population;
  const salesim_territory *t = &w->terr[a->territory];
  int open = inc->period_months <= 0;
  P->sched = inc->sched ? inc->sched : &a->sched;
  P->linear_mode = prod->mode == SALESIM_MODE_LINEAR;
  P->M = M;
  P->base = inc->base_month * M;
  P->Mc = M * a->effort_cost;
  P->r = a->risk_aversion;
  P->after_value = open ? 0 : inc->after_value;
  P->extra_h = inc->extra_hunt * M;
  P->extra_f = inc->extra_farm * M;
  P->lost = 0;
  P->paid = P->after0 = 0;
  P->credit_cost = inc->credit_cost;
  P->weight = M;
  P->pay_disc = 1;
  if (P->linear_mode) {
    double unit = a->ability * prod->output_scale;
    P->X0 = inc->credit_to_date;
    P->var0 = (double)M * prod->noise_sd * prod->noise_sd;
    P->H_in = unit * M;
    P->H_after = P->hvar = P->F_in = P->F_after = P->kappa = 0;
    P->pain = 1;
    return;
  }
  /* The plan runs over the agent's horizon H; credit that lands in the
   * current pay period (M months) is paid by the schedule, credit after it
   * (still within H) is worth after_value a unit. Pay that arrives at the
   * period's end is discounted once (pay_disc) and counted on undiscounted
   * tables; pay that arrives as deals close (commission) on discounted
   * tables. */
  int H = pop->horizon_months > M ? pop->horizon_months : M;
  if (H > SALESIM_MAX_HORIZON)
    H = SALESIM_MAX_HORIZON;
  int end_paid = !open && inc->paid_at_end;
  /* months the agent expects to hold out: credit after that is worth nothing
   * to it (a bonus paid after it has gone is lost altogether) */
  int Mi = M_credit < M ? M_credit : M, Ha = M_credit < H ? M_credit : H;
  if (end_paid && M_credit < M) {
    P->lost = 1;
    Mi = M;
  }
  double rho = t->prospects0 > 0 ? t->prospects / t->prospects0 : 1;
  double lead_unit = t->lead_rate * a->ability * a->skill * rho / t->difficulty;
  double vbar = w->deal_mean;
  double pm, pv;
  salesim_pipeline_expect(w, a, Mi, &pm, &pv);
  double B = a->book * inc->book_credit;
  double c0 = prod->churn;
  const double *psi = end_paid ? w->psi : w->psi_d;
  const double *keep = end_paid ? w->book_keep : w->book_keep_d;
  const double *gain = end_paid ? w->book_gain : w->book_gain_d;
  P->X0 = inc->credit_to_date + pm + B * keep[Mi];
  P->var0 = pv;
  P->H_in = lead_unit * vbar * psi[Mi];
  P->hvar = vbar > 0 ? lead_unit * w->psi[Mi] * w->deal_m2 : 0;
  P->F_in = B * c0 * gain[Mi];
  P->paid = inc->paid_to_date;
  P->H_after = P->F_after = P->after0 = 0;
  if (!open && Ha > M) {
    double pmH, pvH;
    salesim_pipeline_expect(w, a, Ha, &pmH, &pvH);
    P->H_after = lead_unit * vbar * (w->psi_d[Ha] - w->psi_d[M]);
    P->F_after = B * c0 * (w->book_gain_d[Ha] - w->book_gain_d[M]);
    P->after0 = B * (w->book_keep_d[Ha] - w->book_keep_d[M]) + (pmH - pm);
  }
  /* money over the plan: base, effort cost and extras month by month */
  P->weight = w->disc[H];
  P->base = inc->base_month * P->weight;
  P->Mc = P->weight * a->effort_cost;
  P->extra_h = inc->extra_hunt * P->weight;
  P->extra_f = inc->extra_farm * P->weight;
  P->pay_disc = end_paid ? w->dpow[M - 1] : 1;
  P->kappa = prod->farm_effect;
  P->pain = prod->hunt_pain;
}

/* Expected credit of the bundle at shadow price mu (evaluate() without the
 * pay schedule). */
static double credit_at(const problem *P, double mu) {
  double h, f;
  double mh = mu * P->H_in + P->after_value * P->H_after + P->extra_h;
  double G = mu * P->F_in + P->after_value * P->F_after + P->extra_f;
  bundle(mh, G, P->kappa, P->pain, P->Mc, &h, &f);
  double saved = P->kappa > 0 ? 1 - exp(-P->kappa * f) : 0;
  return P->X0 + P->H_in * h + P->F_in * saved;
}

/* ---- the grid's points side by side (issue 12) ------------------------------
 *
 * The 12 grid points of search() are evaluated together: each step below is
 * a loop over the points that the compiler turns into SIMD instructions.
 * exp and log are this file's own (g_exp, g_log: only IEEE + - * /, no
 * contraction, ISO C's -ffp-contract=off), so the answers are the same bits
 * on every x86-64 CPU whichever instruction set the clone uses; they agree
 * with libm's within a few ulp, and the grid only selects the bracket that
 * Brent's method (scalar, libm) then refines. */
#define GRID_N 12
#if defined(_OPENMP)
#define SIMD_LOOP _Pragma("omp simd")
#else
#define SIMD_LOOP
#endif

static inline __attribute__((always_inline)) double bits_d(uint64_t u) {
  double d;
  memcpy(&d, &u, sizeof d);
  return d;
}

static inline __attribute__((always_inline)) uint64_t d_bits(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

/* e^x: salesim_num_exp (models/core/numerics.h), the same in the grid and
 * in the scalar evaluation. */
static inline __attribute__((always_inline)) double g_exp(double x) { return salesim_num_exp(x); }

/* log x for normal x > 0 within ~1 ulp; below the normal range -746, above
 * 1e300 +inf (the callers only compare such values with 0). */
static inline __attribute__((always_inline)) double g_log(double x) {
  uint64_t u = d_bits(x);
  double m = bits_d((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  uint64_t eb = (u >> 52) & 0x7ff; /* biased exponent */
  int big = m > 1.4142135623730951;
  m = big ? 0.5 * m : m;
  eb += (uint64_t)big;
  double ex = bits_d(0x4330000000000000ULL + eb) - (0x1p52 + 1023.0);
  double s = (m - 1) / (m + 1), s2 = s * s;
  double p = 1.0 / 25;
  p = 1.0 / 23 + s2 * p;
  p = 1.0 / 21 + s2 * p;
  p = 1.0 / 19 + s2 * p;
  p = 1.0 / 17 + s2 * p;
  p = 1.0 / 15 + s2 * p;
  p = 1.0 / 13 + s2 * p;
  p = 1.0 / 11 + s2 * p;
  p = 1.0 / 9 + s2 * p;
  p = 1.0 / 7 + s2 * p;
  p = 1.0 / 5 + s2 * p;
  p = 1.0 / 3 + s2 * p;
  double lm = 2 * s + 2 * s * (s2 * p);
  double v = ex * 6.93147180369123816490e-01 + (lm + ex * 1.90821492927058770002e-10);
  return x < 0x1p-1022 ? -746.0 : (x > 1e300 ? INFINITY : v);
}

/* log(1 + x) for x >= 0 (Goldberg's correction of the rounded 1 + x). */
static inline __attribute__((always_inline)) double g_log1p(double x) {
  double u = 1 + x;
  double d = u - 1;
  return d == 0 ? x : g_log(u) * (x / (d == 0 ? 1 : d));
}

/* salesim_num_lambert_w0 (models/core/numerics.c) with g_exp and g_log1p
 * and the third Halley step taken by every point, used above x = 1e3. */
static inline __attribute__((always_inline)) double g_lambert_w0(double x) {
  double xs = x * (1 - x * (1 - x * (1.5 - x * (8.0 / 3))));
  double L = g_log1p(x);
  double w = L * (1 - g_log1p(L) / (2 + L));
  double e = g_exp(w), f = w * e - x, p = w + 1;
  w -= f / (e * p - 0.5 * (p + 1) * f / p);
  e = g_exp(w), f = w * e - x, p = w + 1;
  w -= f / (e * p - 0.5 * (p + 1) * f / p);
  e = g_exp(w), f = w * e - x, p = w + 1;
  double w3 = w - f / (e * p - 0.5 * (p + 1) * f / p);
  w = x > 1e3 ? w3 : w;
  return x > 1e-5 ? w : xs;
}

/* evaluate_s() at n = GRID_N shadow prices at once (P->Mc > 0). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
static void evaluate_grid(const problem *P, const double *mu, double *ce, double *hh, double *ff,
                          double *XX, double *slope_raw) {
  const salesim_schedule *S = P->sched;
  const double k = P->kappa, pain = P->pain, Mc = P->Mc;
  const double kk = k > 0 ? k : 1;
  double m[GRID_N], sd[GRID_N], var[GRID_N], saved[GRID_N], v[GRID_N], d[GRID_N];
  double FO[GRID_N], FI[GRID_N];
  SIMD_LOOP
  for (int i = 0; i < GRID_N; i++) {
    double G = mu[i] * P->F_in + P->after_value * P->F_after + P->extra_f;
    int gk = (G > 0) & (k > 0); /* & not &&: no branch in the loop */
    double fo = g_lambert_w0(gk ? G * k * k / Mc : 0) / kk;
    FO[i] = gk ? fo : 0;
  }
  SIMD_LOOP
  for (int i = 0; i < GRID_N; i++) {
    double mh = mu[i] * P->H_in + P->after_value * P->H_after + P->extra_h;
    double G = mu[i] * P->F_in + P->after_value * P->F_after + P->extra_f;
    int gk = (G > 0) & (k > 0);
    double fi = g_log(gk & (mh > 0) ? G * k * pain / mh : 1) / kk;
    FI[i] = gk ? fi : -1;
  }
  SIMD_LOOP
  for (int i = 0; i < GRID_N; i++) {
    double mh = mu[i] * P->H_in + P->after_value * P->H_after + P->extra_h;
    double fo = FO[i], fi = FI[i];
    double e = mh / (pain * Mc);
    /* bundle()'s cases as selects: every candidate is computed */
    double h_only = mh / (pain * pain * Mc), h_mix = (e - fi) / pain;
    double h = e <= fi ? 0.0 : h_mix, f = e <= fi ? fo : fi;
    h = fi <= 0 ? h_only : h;
    f = fi <= 0 ? 0.0 : f;
    h = mh > 0 ? h : 0.0;
    f = mh > 0 ? f : fo;
    hh[i] = h;
    ff[i] = f;
  }
  SIMD_LOOP
  for (int i = 0; i < GRID_N; i++) {
    double h = hh[i], f = ff[i];
    double sv = 1 - g_exp(-k * f);
    sv = k > 0 ? sv : 0;
    saved[i] = sv;
    double x = P->X0 + P->H_in * h + P->F_in * sv;
    m[i] = x;
    XX[i] = x;
    double vr = P->var0 + P->hvar * h;
    var[i] = vr > 0 ? vr : 0;
    v[i] = S->a + S->b * x;
    d[i] = S->b;
  }
  for (int i = 0; i < GRID_N; i++) /* scalar: libm's sqrt may set errno */
    sd[i] = sqrt(var[i]);
  for (int j = 0; j < S->nk; j++) {
    const double kn = S->knot[j], ds = S->dslope[j];
    SIMD_LOOP
    for (int i = 0; i < GRID_N; i++) {
      double s = sd[i] > 0 ? sd[i] : 1;
      double z = (m[i] - kn) / s;
      double pdf = salesim_num_norm_pdf(z);
      double cdf = salesim_num_norm_cdf_pdf(z, pdf);
      double tv = z > 9 ? m[i] - kn : (m[i] - kn) * cdf + s * pdf;
      double td = z > 9 ? 1.0 : cdf;
      int skip = z < -38.6;
      /* no noise: the schedule itself (salesim_schedule_eval/_slope) */
      double tv0 = m[i] > kn ? m[i] - kn : 0, td0 = m[i] >= kn ? 1.0 : 0.0;
      int on = sd[i] > 0;
      /* increments selected, then always added and stored (a store in
       * one branch only would stop the vectoriser) */
      double dv = on ? (skip ? 0.0 : ds * tv) : ds * tv0;
      double dd = on ? (skip ? 0.0 : ds * td) : ds * td0;
      v[i] = v[i] + dv;
      d[i] = d[i] + dd;
    }
  }
  for (int j = 0; j < S->nj; j++) {
    const double ta = S->jump_at[j], J = S->jump[j];
    SIMD_LOOP
    for (int i = 0; i < GRID_N; i++) {
      int on = sd[i] > 0;
      double s = on ? sd[i] : 1;
      double z = (m[i] - ta) / s;
      double pdf = salesim_num_norm_pdf(z);
      double cdf = salesim_num_norm_cdf_pdf(z, pdf);
      double dv = on ? J * cdf : (m[i] >= ta ? J : 0.0);
      double dd = on ? J * pdf / s : 0.0;
      v[i] = v[i] + dv;
      d[i] = d[i] + dd;
    }
  }
  SIMD_LOOP
  for (int i = 0; i < GRID_N; i++) {
    double h = hh[i], f = ff[i], x = m[i];
    double pay = P->lost ? 0 : P->pay_disc * (v[i] - P->paid);
    double sr = P->lost ? 0 : d[i];
    slope_raw[i] = sr;
    double slope = sr * P->pay_disc;
    double after = P->after_value * (P->after0 + P->H_after * h + P->F_after * saved[i]);
    double e = P->pain * h + f;
    double vr = P->var0 + P->hvar * h; /* var[i] is clamped at 0 for the sd */
    ce[i] = P->base + pay + after + P->extra_h * h + P->extra_f * f - 0.5 * P->Mc * e * e -
            0.5 * P->r * slope * slope * vr - P->credit_cost * (x - P->X0);
  }
}

/* Steps of the search (issue 12: every decision exact, within 1e-6 of
 * max(1, |CE|) of a dense search; tests/test_decision_exact.c). */
#define SEARCH_TOL 1e-4     /* Brent stops within this fraction of its bracket */
#define SEARCH_EVALS 24     /* and after at most this many evaluations */
#define THRESHOLD_STEPS 60  /* bisection steps in log mu for a jump's threshold */

/* The scale of the search over mu: the schedule's steepest slope (or the
 * value of credit after the period), plus each pay jump spread over the
 * credit's standard deviation; both the search and the reference use it. */
static double grid_scale(const problem *P) {
  const salesim_schedule *sched = P->sched;
  double sref = fmax(max_slope(sched), P->after_value);
  double sd_ref = sqrt(P->var0 + P->hvar + 1e-9);
  for (int j = 0; j < sched->nj; j++)
    if (sched->jump[j] > 0)
      sref += sched->jump[j] * 0.4 / sd_ref;
  if (!(sref > 0))
    sref = 1e-6;
  return sref;
}

/* The whole search for a problem without a closed form: a 12-point grid
 * over mu scaled by the schedule's steepest slope (the optimum can jump
 * between zero and an interior effort, MEASURED.md), Brent's method in the
 * bracket around the grid's best, and a candidate at every pay jump. No
 * warm start: last month's shadow price can sit at a local optimum that is
 * no longer the best (issue 12). */
static void search(const problem *P, best_plan *B) {
  const salesim_schedule *sched = P->sched;
  double sref = grid_scale(P);
  static const double grid[] = {0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0, 1.2, 1.5, 2.0, 3.0};
  const int ng = (int)(sizeof grid / sizeof grid[0]);
  B->ce = -INFINITY;
  B->mu = 0;
  double best = -INFINITY;
  int bi = 0;
  double gmu[GRID_N], gce[GRID_N], gh[GRID_N], gf[GRID_N], gX[GRID_N], gs[GRID_N];
  int batch = P->Mc > 0 && ng == GRID_N;
  if (batch) {
    for (int i = 0; i < GRID_N; i++)
      gmu[i] = grid[i] * sref;
    evaluate_grid(P, gmu, gce, gh, gf, gX, gs);
  }
  for (int i = 0; i < ng; i++) {
    double ce;
    if (batch) {
      ce = gce[i];
      if (ce > B->ce) {
        B->mu = gmu[i];
        B->ce = ce;
        B->h = gh[i];
        B->f = gf[i];
        B->X = gX[i];
        B->slope = gs[i];
      }
    } else {
      ce = eval_keep(P, grid[i] * sref, B);
    }
    /* on a plateau (no effort until mu passes a corner) the last point of
     * it: the bracket then reaches past it, where CE can rise again */
    if (ce >= best) {
      best = ce;
      bi = i;
    }
  }
  if (!(best > -INFINITY)) { /* no finite CE anywhere: plan at mu = 0 */
    B->ce = -INFINITY;
    eval_keep(P, 0, B);
    B->mu = 0;
    return;
  }
  double lo = grid[bi > 0 ? bi - 1 : 0] * sref, hi = grid[bi < ng - 1 ? bi + 1 : ng - 1] * sref;
  brent_refine(P, lo, hi, grid[bi] * sref, best, SEARCH_TOL * (hi - lo), SEARCH_EVALS, B);
  /* A jump in pay (a bonus at a threshold) with nearly certain credit makes
   * sref huge (jump * 0.4 / sd_ref), so the whole grid but mu = 0 can lie
   * past the shadow price that just reaches the threshold, and the optimum
   * (do just enough to earn the bonus) is never bracketed (issue 12, S1
   * section 4). Candidate: the mu at which the plan's expected credit
   * reaches each jump (credit is nondecreasing in mu along the expansion
   * path), found by bisection in log mu, refined around it. */
  for (int j = 0; j < sched->nj; j++) {
    if (!(sched->jump[j] > 0))
      continue;
    double t = sched->jump_at[j];
    double a = log(sref * 1e-12), b = log(3.0 * sref);
    if (credit_at(P, exp(b)) < t || credit_at(P, 0) >= t)
      continue;
    for (int it = 0; it < THRESHOLD_STEPS; it++) {
      double m = 0.5 * (a + b);
      if (credit_at(P, exp(m)) >= t)
        b = m;
      else
        a = m;
    }
    /* either side: with uncertain credit the best plan can stop short of
     * the threshold (ratchet-cap's quota bonus) */
    double mu_t = exp(b), v = eval_keep(P, mu_t, B);
    if (isfinite(v))
      brent_refine(P, mu_t / 1.5, 1.5 * mu_t, mu_t, v, SEARCH_TOL * mu_t, SEARCH_EVALS, B);
  }
}

/* Maximise CE over the expansion path; fills out (hunt, farm, ce, shadow,
 * exp_credit). */
static void solve(const problem *P, int open_linear, salesim_choice *out) {
  const salesim_schedule *sched = P->sched;
  double h, f, X, best_mu, slope = 0;
  if (open_linear && !P->lost) {
    /* straight commission: mu is the rate; the variance of hunting's
     * compound-Poisson wins enters as a cost per unit h */
    double mu = sched->b;
    double extra_h = P->extra_h - 0.5 * P->r * mu * mu * P->hvar;
    bundle(mu * P->H_in + extra_h, mu * P->F_in + P->extra_f, P->kappa, P->pain, P->Mc, &h,
           &f);
    best_mu = mu;
    double saved = P->kappa > 0 ? 1 - exp(-P->kappa * f) : 0;
    X = P->X0 + P->H_in * h + P->F_in * saved;
    double var = P->var0 + P->hvar * h;
    double e = P->pain * h + f;
    out->ce = P->base + mu * X + P->extra_h * h + P->extra_f * f - 0.5 * P->Mc * e * e -
              0.5 * P->r * mu * mu * var;
  } else {
    best_plan B;
    search(P, &B);
    best_mu = B.mu;
    out->ce = B.ce;
    h = B.h;
    f = B.f;
    X = B.X;
    slope = B.slope; /* E[pay]'s slope at the plan, before pay_disc */
  }
  if (P->linear_mode)
    f = 0;
  out->hunt = h;
  out->farm = f;
  out->exp_credit = X;
  out->shadow = best_mu;
  {
    double var = P->var0 + P->hvar * h;
    out->sd_credit = sqrt(var > 0 ? var : 0);
  }
  /* marginal pay of credit at the plan, for timing games (models/core/market.c,
   * models/core/overlays.c) */
  if (open_linear) {
    out->margin_now = sched->b;
    out->margin_after = sched->b;
  } else {
    out->margin_now = P->lost ? 0 : P->pay_disc * slope - P->credit_cost;
    out->margin_after = P->after_value;
  }
}

/* The month (1-based) in which the agent's savings are expected to run out
 * when it hunts at h, or M + 1 if they last. Cash: base or draw, plus under
 * pay that arrives as deals close the commission on the book, on the current pipeline (spread
 * over a cycle) and on its own new leads as they close (psi table). */
static int broke_month(const salesim_world *w, const salesim_agent *a,
                       const salesim_incentive *inc, int M, double h) {
  const salesim_production *prod = &w->sc->production;
  double living = w->sc->population.living_cost;
  int monthly = !(inc->period_months > 0 && inc->paid_at_end); /* paid as deals close */
  double rate = monthly ? salesim_schedule_slope(inc->sched ? inc->sched : &a->sched,
                                              inc->credit_to_date)
                     : 0;
  double fixed = inc->base_month;
  if (fixed + rate * a->book * inc->book_credit >= living || inc->cash_floor >= living)
    return M + 1;
  int cyc = (int)ceil(prod->cycle_months);
  double pm = 0, pv;
  if (monthly)
    salesim_pipeline_expect(w, a, cyc, &pm, &pv);
  const salesim_territory *t = &w->terr[a->territory];
  double rho = t->prospects0 > 0 ? t->prospects / t->prospects0 : 1;
  double lead_value = t->lead_rate * a->ability * a->skill * rho / t->difficulty * w->deal_mean;
  double savings = a->savings, book = a->book;
  for (int tau = 1; tau <= M; tau++) {
    double comm = book * inc->book_credit + (tau <= cyc ? pm / cyc : 0) +
                  h * lead_value * w->win_within[1][tau - 1];
    savings += fmax(inc->cash_floor, fixed + rate * comm) - living;
    if (savings < 0)
      return tau;
    book *= 1 - prod->churn;
  }
  return M + 1;
}

/* Linear mode with two tasks (Holmstrom-Milgrom 1991): outputs
 * x1 = theta*h*scale + eps1 (credited at rate) and x2 = theta*f*scale + eps2
 * (credited at rate*book_credit), cost c/2 (pi^2 h^2 + 2 rho pi h f + f^2).
 * Under linear pay the agent maximises alpha.t - t'Kt/2 over t >= 0, risk
 * not depending on effort: the nonnegative quadratic programme of
 * models/core/multitask.c, so a task whose rate does not pay gets exactly zero. */
static void decide_two_tasks(const salesim_world *w, const salesim_agent *a,
                             const salesim_incentive *inc, salesim_choice *out) {
  const salesim_production *prod = &w->sc->production;
  const salesim_schedule *sched = inc->sched ? inc->sched : &a->sched;
  double rate = salesim_schedule_slope(sched, inc->credit_to_date);
  double unit = a->ability * prod->output_scale, pi = prod->hunt_pain, rho = prod->task_substitution;
  salesim_hm91 p;
  memset(&p, 0, sizeof p);
  p.n = 2;
  p.K[0][0] = a->effort_cost * pi * pi;
  p.K[0][1] = p.K[1][0] = a->effort_cost * rho * pi;
  p.K[1][1] = a->effort_cost;
  p.Sigma[0][0] = prod->noise_sd * prod->noise_sd;
  p.Sigma[1][1] = prod->noise_sd_farm * prod->noise_sd_farm;
  p.r = a->risk_aversion;
  double alpha[2] = {rate * unit + inc->extra_hunt, rate * inc->book_credit * unit + inc->extra_farm};
  double t[2] = {0, 0};
  if (salesim_multitask_effort(t, &p, alpha) != 0)
    t[0] = t[1] = 0;
  out->hunt = t[0];
  out->farm = t[1];
  double cost = 0.5 * (p.K[0][0] * t[0] * t[0] + 2 * p.K[0][1] * t[0] * t[1] + p.K[1][1] * t[1] * t[1]);
  double var = rate * rate * (p.Sigma[0][0] + inc->book_credit * inc->book_credit * p.Sigma[1][1]);
  out->ce_month = inc->base_month + alpha[0] * t[0] + alpha[1] * t[1] - cost - 0.5 * p.r * var;
  out->ce = out->ce_month;
  out->exp_credit = inc->credit_to_date + unit * (t[0] + inc->book_credit * t[1]);
  out->sd_credit = sqrt(p.Sigma[0][0] + p.Sigma[1][1]);
  out->shadow = rate;
  out->margin_now = out->margin_after = rate;
}

/* The test hook of salesim_decide_set_probe (this thread only). */
static _Thread_local salesim_decide_probe_fn probe_fn;
static _Thread_local void *probe_ctx;

void salesim_decide(const salesim_world *w, const salesim_agent *a, const salesim_incentive *inc,
                    salesim_choice *out) {
  if (w->sc->production.mode == SALESIM_MODE_LINEAR && w->sc->production.tasks == 2) {
    decide_two_tasks(w, a, inc, out);
    out->ce_month_liquid = out->ce_month;
    return;
  }
  const salesim_schedule *sched = inc->sched ? inc->sched : &a->sched;
  int open = inc->period_months <= 0;
  int M = open ? w->sc->population.horizon_months : inc->months_left;
  if (M < 1)
    M = 1;
  if (M > SALESIM_MAX_HORIZON)
    M = SALESIM_MAX_HORIZON;
  int open_linear = open && salesim_schedule_is_linear(sched);
  problem P;
  build_problem(w, a, inc, M, SALESIM_MAX_HORIZON + 1, &P);
  solve(&P, open_linear, out);
  /* staying is judged on the job's value as the agent plans it */
  out->ce_month = out->ce / P.weight;
  out->ce_month_liquid = out->ce_month;
  out->ce_liquid = out->ce;
  out->credit_months = 0;
  if (P.linear_mode) {
    if (probe_fn)
      probe_fn(probe_ctx, w, a, inc, out);
    return;
  }
  /* Liquidity: pay that arrives after the savings are gone is worth nothing
   * to this agent, so effort is chosen for the months it can hold out. */
  int H = w->sc->population.horizon_months > M ? w->sc->population.horizon_months : M;
  if (H > SALESIM_MAX_HORIZON)
    H = SALESIM_MAX_HORIZON;
  int tb = broke_month(w, a, inc, H, out->hunt);
  if (tb <= H) {
    salesim_choice constrained;
    build_problem(w, a, inc, M, tb > 1 ? tb - 1 : 1, &P);
    solve(&P, open_linear, &constrained);
    out->hunt = constrained.hunt;
    out->farm = constrained.farm;
    out->exp_credit = constrained.exp_credit;
    out->sd_credit = constrained.sd_credit;
    out->shadow = constrained.shadow;
    out->margin_now = constrained.margin_now;
    out->margin_after = constrained.margin_after;
    /* the job's value under the same liquidity rule (issue 11 #5) */
    out->ce_month_liquid = constrained.ce / P.weight;
    out->ce_liquid = constrained.ce;
    out->credit_months = tb > 1 ? tb - 1 : 1;
  }
  if (probe_fn)
    probe_fn(probe_ctx, w, a, inc, out);
}

/* Reference for the test "every decision within 1e-6 of the CE of a full
 * search" (issue 12, tests/test_decision_exact.c): the problem searched
 * densely and independently of solve()'s grid: 401 points of mu over
 * [0, 3.5 sref], 121 log-spaced points over [1e-9 sref, 3.5 sref] (an
 * optimum far below sref: S1 section 4), and for every knot and jump of the
 * schedule the shadow price at which the plan's expected credit reaches it
 * (bisection in log mu); 80 golden-section steps around every local maximum
 * of each grid and on either side of each threshold price. */
static double refine_ref(const problem *P, double lo, double hi, double best) {
  static const salesim_num_golden_opts steps = {80, 0};
  salesim_num_golden g;
  double mu = lo, v = best;
  if (hi > lo && salesim_num_golden_max(&g, ce_at, (void *)P, lo, hi, &steps) == 0)
    salesim_num_golden_pick(&g, SALESIM_NUM_PICK_LARGER, &mu, &v);
  return v > best ? v : best;
}

static double reference_grid(const problem *P, const double *mu, int n, double best) {
  enum { NMAX = 401 };
  double ce[NMAX], h, f, X;
  for (int i = 0; i < n; i++)
    ce[i] = evaluate(P, mu[i], &h, &f, &X);
  for (int i = 0; i < n; i++) {
    if (ce[i] > best)
      best = ce[i];
    int lm = (i == 0 || ce[i] >= ce[i - 1]) && (i == n - 1 || ce[i] >= ce[i + 1]);
    if (lm)
      best = refine_ref(P, mu[i > 0 ? i - 1 : 0], mu[i < n - 1 ? i + 1 : n - 1], best);
  }
  return best;
}

static double reference_search(const problem *P) {
  const salesim_schedule *sched = P->sched;
  double sref = grid_scale(P);
  enum { NL = 401, NG = 121 };
  double mu[NL];
  for (int i = 0; i < NL; i++)
    mu[i] = 3.5 * sref * i / (NL - 1);
  double best = reference_grid(P, mu, NL, -INFINITY);
  for (int i = 0; i < NG; i++)
    mu[i] = sref * pow(10, -9 + (9 + log10(3.5)) * i / (NG - 1));
  best = reference_grid(P, mu, NG, best);
  double top = 3.5 * sref, x0 = credit_at(P, 0), xtop = credit_at(P, top);
  for (int k = 0; k < sched->nk + sched->nj; k++) {
    double t = k < sched->nk ? sched->knot[k] : sched->jump_at[k - sched->nk];
    if (!(x0 < t && t <= xtop))
      continue;
    double a = log(sref * 1e-12), b = log(top);
    for (int it = 0; it < 60; it++) {
      double m = 0.5 * (a + b);
      if (credit_at(P, exp(m)) >= t)
        b = m;
      else
        a = m;
    }
    double h, f, X, mu_t = exp(b), v = evaluate(P, mu_t, &h, &f, &X);
    best = v > best ? v : best;
    best = refine_ref(P, mu_t, fmin(1.5 * mu_t, top), best);
    best = refine_ref(P, mu_t / 1.5, exp(a), best);
  }
  return best;
}

double salesim_decide_reference_ce(const salesim_world *w, const salesim_agent *a,
                                   const salesim_incentive *inc, int credit_months) {
  if (w->sc->production.mode == SALESIM_MODE_LINEAR && w->sc->production.tasks == 2)
    return NAN;
  const salesim_schedule *sched = inc->sched ? inc->sched : &a->sched;
  int open = inc->period_months <= 0;
  int M = open ? w->sc->population.horizon_months : inc->months_left;
  if (M < 1)
    M = 1;
  if (M > SALESIM_MAX_HORIZON)
    M = SALESIM_MAX_HORIZON;
  problem P;
  build_problem(w, a, inc, M, credit_months > 0 ? credit_months : SALESIM_MAX_HORIZON + 1, &P);
  if (open && salesim_schedule_is_linear(sched) && !P.lost) {
    salesim_choice c;
    memset(&c, 0, sizeof c);
    solve(&P, 1, &c);
    return c.ce;
  }
  return reference_search(&P);
}

void salesim_decide_set_probe(salesim_decide_probe_fn fn, void *ctx) {
  probe_fn = fn;
  probe_ctx = ctx;
}
