/*
 * models/core/decision.c: how a self-interested agent chooses effort (MODEL.md §5).
 *
 * The agent plans a constant hunting h and farming f over its horizon H
 * (horizon_months, or the rest of its pay period if longer) and maximises
 *
 *   CE = D*base + d_M*(E[pay(X)] - paid) + after_value*Y
 *        + (D*extra_hunt + hunt_value)*h + D*extra_farm*(1 - exp(-kappa_f*f))
 *        - D*c*(pi*h + f)^2/2 - (r/2)*slope^2*Var[X] - credit_cost*(X - X0)
 *        + lump_value
 *
 * (D: discounted months of the horizon; d_M: discount on a period-end
 * payment; extra_farm is money per unit of saved churn, as the bundle
 * counts it; hunt_value and lump_value are already money over the plan,
 * mechanism.h; lump_value is added beside the search, so effort never
 * sees it). A floor on cash (a draw) helps only liquidity, for
 * cash_floor_months months (broke_month()). X is the expected credit at
 * the pay period's end (M months;
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
 * candidates at every pay jump (search_many(); exact to 1e-6 of the CE,
 * issue 12, tests/test_decision_exact.c). The searches of a month's agents
 * run side by side (salesim_decide_many): every evaluation is a SIMD lane,
 * and an answer is the same bits whichever agents share its batch
 * (tests/test_determinism.c test_decide_many_same_bits). For
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

/* The CE of the bundle at shadow price mu, one point at a time with libm:
 * the test reference's evaluation (salesim_decide_reference_ce), kept apart
 * from the search's own (eval_lanes) so that the test compares two
 * implementations. */
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
  double ce = P->base + pay + after + P->extra_h * *h + P->extra_f * saved - 0.5 * P->Mc * e * e -
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
  if (inc->hunt_value != 0) /* guarded: + 0.0 could change a -0 (G4) */
    P->extra_h += inc->hunt_value;
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
  if (inc->hunt_value != 0) /* already money over the plan */
    P->extra_h += inc->hunt_value;
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

/* ---- decisions side by side (issue 12) ---------------------------------------
 *
 * Every evaluation of a plan's CE in the search is a lane: the 12 grid points
 * of each problem of a batch, then one point a problem in each round of
 * Brent's method and of the bisections at pay jumps, for all problems of the
 * batch at once (search_many()). Each step of eval_lanes() is a loop over
 * the lanes that the compiler turns into SIMD instructions. A lane's
 * arithmetic never depends on the other lanes or on its position: only
 * IEEE + - * / and sqrt, and this file's own exp and log (g_exp, g_log; no
 * contraction under ISO C's -ffp-contract=off). So an answer is the same
 * bits whichever agents share its batch and whichever instruction set the
 * clone uses, on every thread count and every x86-64 CPU; g_exp and g_log
 * agree with libm's within a few ulp. */
#define GRID_N 12
#define LANES 96      /* lanes one eval_lanes() call takes at most */
#define BATCH_MAX 32  /* problems searched side by side (2 * BATCH_MAX <= LANES) */
#if defined(_OPENMP)
#define SIMD_LOOP _Pragma("omp simd")
#else
#define SIMD_LOOP
#endif

/* e^x: salesim_num_exp (models/core/numerics.h). */
static inline __attribute__((always_inline)) double g_exp(double x) { return salesim_num_exp(x); }

/* log x for normal x > 0 within ~1 ulp; below the normal range -746, above
 * 1e300 +inf (the callers only compare such values with 0). */
static inline __attribute__((always_inline)) double g_log(double x) {
  uint64_t u = salesim_num_d_bits(x);
  double m = salesim_num_bits_d((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  uint64_t eb = (u >> 52) & 0x7ff; /* biased exponent */
  int big = m > 1.4142135623730951;
  m = big ? 0.5 * m : m;
  eb += (uint64_t)big;
  double ex = salesim_num_bits_d(0x4330000000000000ULL + eb) - (0x1p52 + 1023.0);
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

/* The lanes: each one a problem's numbers at a shadow price mu. */
typedef struct lanes {
  /* inputs (problem's fields; lost as 0/1) */
  double mu[LANES], Fin[LANES], Fa[LANES], Hin[LANES], Ha[LANES], eh[LANES], ef[LANES],
      av[LANES], k[LANES], pain[LANES], Mc[LANES], X0[LANES], var0[LANES], hvar[LANES],
      lost[LANES], pd[LANES], paid[LANES], after0[LANES], base[LANES], r[LANES], cc[LANES],
      sa[LANES], sb[LANES];
  const salesim_schedule *S[LANES];
  const problem *P[LANES]; /* whose numbers the lane holds (NULL: none) */
  /* outputs: the plan at mu and its CE (evaluate_s()'s h, f, X, raw slope) */
  double ce[LANES], h[LANES], f[LANES], X[LANES], slope[LANES];
  /* scratch */
  double FO[LANES], FI[LANES], saved[LANES], m[LANES], sd[LANES], v[LANES], d[LANES],
      kn[LANES], ds[LANES], wx[LANES];
  int wi[LANES];
} lanes;

static inline void lane_set(lanes *L, int i, const problem *P, double mu) {
  L->mu[i] = mu;
  if (L->P[i] == P) /* Brent's rounds: mostly the same problem in the same lane */
    return;
  L->P[i] = P;
  L->Fin[i] = P->F_in;
  L->Fa[i] = P->F_after;
  L->Hin[i] = P->H_in;
  L->Ha[i] = P->H_after;
  L->eh[i] = P->extra_h;
  L->ef[i] = P->extra_f;
  L->av[i] = P->after_value;
  L->k[i] = P->kappa;
  L->pain[i] = P->pain;
  L->Mc[i] = P->Mc;
  L->X0[i] = P->X0;
  L->var0[i] = P->var0;
  L->hvar[i] = P->hvar;
  L->lost[i] = P->lost;
  L->pd[i] = P->pay_disc;
  L->paid[i] = P->paid;
  L->after0[i] = P->after0;
  L->base[i] = P->base;
  L->r[i] = P->r;
  L->cc[i] = P->credit_cost;
  L->S[i] = P->sched;
  L->sa[i] = P->sched->a;
  L->sb[i] = P->sched->b;
}

/* Lanes l0 .. l0 + n - 1 all hold problem P (the grid's points of one
 * problem: each field filled in one loop). */
static inline void lanes_fill(lanes *L, int l0, int n, const problem *P) {
#define FILL(field, value)                                                                         \
  do {                                                                                             \
    const double v_ = (value);                                                                     \
    for (int i = l0; i < l0 + n; i++)                                                              \
      L->field[i] = v_;                                                                            \
  } while (0)
  FILL(Fin, P->F_in);
  FILL(Fa, P->F_after);
  FILL(Hin, P->H_in);
  FILL(Ha, P->H_after);
  FILL(eh, P->extra_h);
  FILL(ef, P->extra_f);
  FILL(av, P->after_value);
  FILL(k, P->kappa);
  FILL(pain, P->pain);
  FILL(Mc, P->Mc);
  FILL(X0, P->X0);
  FILL(var0, P->var0);
  FILL(hvar, P->hvar);
  FILL(lost, P->lost);
  FILL(pd, P->pay_disc);
  FILL(paid, P->paid);
  FILL(after0, P->after0);
  FILL(base, P->base);
  FILL(r, P->r);
  FILL(cc, P->credit_cost);
  FILL(sa, P->sched->a);
  FILL(sb, P->sched->b);
#undef FILL
  for (int i = l0; i < l0 + n; i++) {
    L->S[i] = P->sched;
    L->P[i] = P;
  }
}

/* evaluate_s() in every lane i < n (n <= LANES): the bundle at mu and its
 * expected credit X; with `pay`, also E[pay]'s slope and the CE. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
static void eval_lanes(lanes *L, int n, int pay) {
  SIMD_LOOP
  for (int i = 0; i < n; i++) {
    double k = L->k[i], kk = k > 0 ? k : 1;
    double mh = L->mu[i] * L->Hin[i] + L->av[i] * L->Ha[i] + L->eh[i];
    double G = L->mu[i] * L->Fin[i] + L->av[i] * L->Fa[i] + L->ef[i];
    int gk = (G > 0) & (k > 0);
    double fi = g_log(gk & (mh > 0) ? G * k * L->pain[i] / mh : 1) / kk;
    L->FI[i] = gk ? fi : -1;
  }
  /* Farming alone (Lambert W) only in the lanes whose bundle is a corner
   * without hunting (bundle(): m_h <= 0, or e <= f_i), side by side in a
   * packed list: the same bits as computing it in every lane, at a fraction
   * of the cost */
  int nw = 0;
  for (int i = 0; i < n; i++) {
    double k = L->k[i], Mc = L->Mc[i] > 0 ? L->Mc[i] : 1;
    double mh = L->mu[i] * L->Hin[i] + L->av[i] * L->Ha[i] + L->eh[i];
    double G = L->mu[i] * L->Fin[i] + L->av[i] * L->Fa[i] + L->ef[i];
    double fi = L->FI[i], e = mh / (L->pain[i] * Mc);
    L->FO[i] = 0;
    /* exactly where the selects below take fo (NaN included) */
    int no_hunt = !(mh > 0), corner = !(fi <= 0) & (e <= fi);
    if ((G > 0) & (k > 0) & (no_hunt | corner)) {
      L->wi[nw] = i;
      L->wx[nw++] = G * k * k / Mc;
    }
  }
  SIMD_LOOP
  for (int q = 0; q < nw; q++)
    L->wx[q] = g_lambert_w0(L->wx[q]);
  for (int q = 0; q < nw; q++) {
    int i = L->wi[q];
    L->FO[i] = L->wx[q] / L->k[i];
  }
  SIMD_LOOP
  for (int i = 0; i < n; i++) {
    double pain = L->pain[i], Mc = L->Mc[i] > 0 ? L->Mc[i] : 1;
    double mh = L->mu[i] * L->Hin[i] + L->av[i] * L->Ha[i] + L->eh[i];
    double fo = L->FO[i], fi = L->FI[i];
    double e = mh / (pain * Mc);
    /* bundle()'s cases as selects: every candidate is computed */
    double h_only = mh / (pain * pain * Mc), h_mix = (e - fi) / pain;
    double h = e <= fi ? 0.0 : h_mix, f = e <= fi ? fo : fi;
    h = fi <= 0 ? h_only : h;
    f = fi <= 0 ? 0.0 : f;
    h = mh > 0 ? h : 0.0;
    f = mh > 0 ? f : fo;
    int costly = L->Mc[i] > 0; /* effort without cost: none is chosen */
    L->h[i] = costly ? h : 0.0;
    L->f[i] = costly ? f : 0.0;
  }
  SIMD_LOOP
  for (int i = 0; i < n; i++) {
    double k = L->k[i], h = L->h[i], f = L->f[i];
    double sv = 1 - g_exp(-k * f);
    sv = k > 0 ? sv : 0;
    L->saved[i] = sv;
    double x = L->X0[i] + L->Hin[i] * h + L->Fin[i] * sv;
    L->m[i] = x;
    L->X[i] = x;
    double vr = L->var0[i] + L->hvar[i] * h;
    L->sd[i] = vr > 0 ? vr : 0;
    L->v[i] = L->sa[i] + L->sb[i] * x;
    L->d[i] = L->sb[i];
  }
  if (!pay)
    return;
  int nk = 0, nj = 0;
  for (int i = 0; i < n; i++) {
    nk = L->S[i]->nk > nk ? L->S[i]->nk : nk;
    nj = L->S[i]->nj > nj ? L->S[i]->nj : nj;
  }
  SIMD_LOOP
  for (int i = 0; i < n; i++)
    L->sd[i] = sqrt(L->sd[i]); /* decision.c is built with -fno-math-errno */
  for (int j = 0; j < nk; j++) {
    /* knot j of each lane's schedule; a lane with fewer adds 0 */
    for (int i = 0; i < n; i++) {
      const salesim_schedule *S = L->S[i];
      L->kn[i] = j < S->nk ? S->knot[j] : 0.0;
      L->ds[i] = j < S->nk ? S->dslope[j] : 0.0;
    }
    SIMD_LOOP
    for (int i = 0; i < n; i++) {
      double kn = L->kn[i], ds = L->ds[i], sd = L->sd[i], m = L->m[i];
      double s = sd > 0 ? sd : 1;
      double z = (m - kn) / s;
      double pdf = salesim_num_norm_pdf(z);
      double cdf = salesim_num_norm_cdf_pdf(z, pdf);
      double tv = z > 9 ? m - kn : (m - kn) * cdf + s * pdf;
      double td = z > 9 ? 1.0 : cdf;
      int skip = z < -38.6;
      /* no noise: the schedule itself (salesim_schedule_eval/_slope) */
      double tv0 = m > kn ? m - kn : 0, td0 = m >= kn ? 1.0 : 0.0;
      int on = sd > 0;
      /* increments selected, then always added and stored (a store in
       * one branch only would stop the vectoriser) */
      double dv = on ? (skip ? 0.0 : ds * tv) : ds * tv0;
      double dd = on ? (skip ? 0.0 : ds * td) : ds * td0;
      L->v[i] = L->v[i] + dv;
      L->d[i] = L->d[i] + dd;
    }
  }
  for (int j = 0; j < nj; j++) {
    for (int i = 0; i < n; i++) {
      const salesim_schedule *S = L->S[i];
      L->kn[i] = j < S->nj ? S->jump_at[j] : 0.0;
      L->ds[i] = j < S->nj ? S->jump[j] : 0.0;
    }
    SIMD_LOOP
    for (int i = 0; i < n; i++) {
      double ta = L->kn[i], J = L->ds[i], sd = L->sd[i], m = L->m[i];
      int on = sd > 0;
      double s = on ? sd : 1;
      double z = (m - ta) / s;
      double pdf = salesim_num_norm_pdf(z);
      double cdf = salesim_num_norm_cdf_pdf(z, pdf);
      double dv = on ? J * cdf : (m >= ta ? J : 0.0);
      double dd = on ? J * pdf / s : 0.0;
      L->v[i] = L->v[i] + dv;
      L->d[i] = L->d[i] + dd;
    }
  }
  SIMD_LOOP
  for (int i = 0; i < n; i++) {
    double h = L->h[i], f = L->f[i], x = L->m[i], lost = L->lost[i] != 0;
    double pay_v = lost ? 0 : L->pd[i] * (L->v[i] - L->paid[i]);
    double sr = lost ? 0 : L->d[i];
    L->slope[i] = sr;
    double slope = sr * L->pd[i];
    double after = L->av[i] * (L->after0[i] + L->Ha[i] * h + L->Fa[i] * L->saved[i]);
    double e = L->pain[i] * h + f;
    double vr = L->var0[i] + L->hvar[i] * h; /* the sd's variance is clamped at 0 */
    L->ce[i] = L->base[i] + pay_v + after + L->eh[i] * h + L->ef[i] * L->saved[i] -
               0.5 * L->Mc[i] * e * e - 0.5 * L->r[i] * slope * slope * vr -
               L->cc[i] * (x - L->X0[i]);
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

/* Offer lane i's plan to *B: kept if its CE is higher. */
static void keep(best_plan *B, const lanes *L, int i) {
  if (L->ce[i] > B->ce) {
    B->mu = L->mu[i];
    B->ce = L->ce[i];
    B->h = L->h[i];
    B->f = L->f[i];
    B->X = L->X[i];
    B->slope = L->slope[i];
  }
}

/* Brent's method (parabolic steps safeguarded by golden section; Brent
 * 1973, as gsl_min_fminimizer_brent) for the maximum of CE on [a, b] from
 * x inside it with CE(x) = fx, until the bracket is within tol of x or
 * after max_evals evaluations; a CE that is not finite takes the golden
 * step. As a state machine for all problems of a batch side by side
 * (structure of arrays): brents_next() proposes each running problem's
 * next point u, brents_take() takes CE(u). Both are loops over the
 * problems whose branches are selects, so they vectorise; a problem's
 * numbers never depend on another's. */
typedef struct brents {
  double a[BATCH_MAX], b[BATCH_MAX], x[BATCH_MAX], gx[BATCH_MAX], w[BATCH_MAX], gw[BATCH_MAX],
      v[BATCH_MAX], gv[BATCH_MAX], d[BATCH_MAX], e[BATCH_MAX], tol[BATCH_MAX], u[BATCH_MAX],
      fu[BATCH_MAX];
  int it[BATCH_MAX], max_evals[BATCH_MAX];
  int on[BATCH_MAX]; /* running: taking part in the current step */
} brents;

static void brent_start(brents *R, int p, double a, double b, double x, double fx, double tol,
                        int max_evals) {
  R->a[p] = a, R->b[p] = b, R->x[p] = R->w[p] = R->v[p] = x;
  R->gx[p] = R->gw[p] = R->gv[p] = -fx;
  R->d[p] = R->e[p] = 0;
  R->tol[p] = tol;
  R->u[p] = x;
  R->it[p] = 0;
  R->max_evals[p] = max_evals;
  R->on[p] = 1;
}

/* Each running problem's next point R->u; a problem that has converged
 * or used its evaluations stops running. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
static void brents_next(brents *R, int np) {
  const double cg = 0.3819660112501051; /* 2 - phi */
  SIMD_LOOP
  for (int p = 0; p < np; p++) {
    double a = R->a[p], b = R->b[p], x = R->x[p], w = R->w[p], v = R->v[p];
    double gx = R->gx[p], gw = R->gw[p], gv = R->gv[p], d = R->d[p], e = R->e[p];
    double xm = 0.5 * (a + b), tol1 = R->tol[p], tol2 = 2 * tol1;
    int go = R->on[p] & (R->it[p] < R->max_evals[p]) & !(fabs(x - xm) <= tol2 - 0.5 * (b - a));
    int fin = isfinite(gx) & isfinite(gw) & isfinite(gv);
    double r = (x - w) * (gx - gv), q = (x - v) * (gx - gw);
    double pp = (x - v) * q - (x - w) * r;
    q = 2 * (q - r);
    pp = q > 0 ? -pp : pp;
    q = fabs(q);
    int para = (fabs(e) > tol1) & fin &
               !((fabs(pp) >= fabs(0.5 * q * e)) | (pp <= q * (a - x)) | (pp >= q * (b - x)));
    double dp = pp / (para ? q : 1.0); /* the parabolic step */
    double up = x + dp;
    dp = (up - a < tol2) | (b - up < tol2) ? (xm >= x ? tol1 : -tol1) : dp;
    double eg = x >= xm ? a - x : b - x; /* the golden step */
    double e_new = para ? d : eg, d_new = para ? dp : cg * eg;
    double u = fabs(d_new) >= tol1 ? x + d_new : x + (d_new >= 0 ? tol1 : -tol1);
    R->e[p] = go ? e_new : e;
    R->d[p] = go ? d_new : d;
    R->u[p] = go ? u : R->u[p];
    R->on[p] = go;
  }
}

/* Each running problem takes CE(u) = R->fu. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
static void brents_take(brents *R, int np) {
  SIMD_LOOP
  for (int p = 0; p < np; p++) {
    double u = R->u[p], gu = -R->fu[p], x = R->x[p], w = R->w[p], v = R->v[p];
    double gx = R->gx[p], gw = R->gw[p], gv = R->gv[p], a = R->a[p], b = R->b[p];
    int on = R->on[p];
    int better = !(gu > gx); /* u is at least as good (NaN: never) */
    /* better: the bracket moves to u's side of x and u becomes x */
    double a1 = u >= x ? x : a, b1 = u >= x ? b : x;
    /* worse: u bounds the bracket, and becomes w or v */
    double a2 = u < x ? u : a, b2 = u < x ? b : u;
    int c1 = (gu <= gw) | (w == x);
    int c2 = (c1 == 0) & ((gu <= gv) | (v == x) | (v == w));
    double v2 = c1 ? w : (c2 ? u : v), gv2 = c1 ? gw : (c2 ? gu : gv);
    double w2 = c1 ? u : w, gw2 = c1 ? gu : gw;
    R->a[p] = on ? (better ? a1 : a2) : a;
    R->b[p] = on ? (better ? b1 : b2) : b;
    R->v[p] = on ? (better ? w : v2) : v;
    R->gv[p] = on ? (better ? gw : gv2) : gv;
    R->w[p] = on ? (better ? x : w2) : w;
    R->gw[p] = on ? (better ? gx : gw2) : gw;
    R->x[p] = on & better ? u : x;
    R->gx[p] = on & better ? gu : gx;
    R->it[p] += on;
  }
}

/* Where one problem of a batch is in its search (its Brent state: brents). */
typedef struct search_st {
  double sref;
  double la, lb; /* a jump's threshold price lies in [exp(la), exp(lb)] */
  int done;      /* no finite CE anywhere: the plan at mu = 0, no more steps */
} search_st;

/* Brent's method for every running problem, one lane a problem a round. */
static void brent_rounds(lanes *L, const problem *const *P, int np, brents *R, best_plan *B) {
  int idx[BATCH_MAX];
  for (;;) {
    brents_next(R, np);
    int n = 0;
    for (int p = 0; p < np; p++)
      if (R->on[p]) {
        lane_set(L, n, P[p], R->u[p]);
        idx[n++] = p;
      }
    if (n == 0)
      return;
    eval_lanes(L, n, 1);
    for (int i = 0; i < n; i++) {
      keep(&B[idx[i]], L, i);
      R->fu[idx[i]] = L->ce[i];
    }
    brents_take(R, np);
  }
}

/* Money per unit of effort that does not come through credit (extra_h,
 * extra_f: plan components, mechanism.h) can put the low prices of the
 * expansion path on a farming-only corner (bundle(): e <= f_i) and switch
 * to hunting at a price where the CE rises steeply and falls again within
 * a few per cent of mu: a narrow peak between grid points. Candidate: the
 * price at which hunting switches on (or off), found by bisection in log
 * mu, and Brent's method on the side where it hunts. Only for problems
 * with such money, so the search of every other problem is unchanged. */
static void switch_candidates(lanes *L, const problem *const *P, int np, search_st *st, brents *R,
                              best_plan *B) {
  int idx[2 * BATCH_MAX], up[BATCH_MAX];
  int n = 0;
  for (int p = 0; p < np; p++) {
    R->on[p] = 0;
    if (st[p].done || (P[p]->extra_h == 0 && P[p]->extra_f == 0))
      continue;
    st[p].la = g_log(st[p].sref * 1e-12);
    st[p].lb = g_log(3.0 * st[p].sref);
    lane_set(L, n, P[p], g_exp(st[p].la));
    idx[n++] = p;
    lane_set(L, n, P[p], g_exp(st[p].lb));
    idx[n++] = p;
  }
  if (n == 0)
    return;
  eval_lanes(L, n, 0);
  for (int i = 0; i < n; i += 2) {
    int p = idx[i];
    up[p] = L->h[i + 1] > 0; /* hunting at the top of the range */
    R->on[p] = (L->h[i] > 0) != up[p];
  }
  for (int it = 0; it < THRESHOLD_STEPS; it++) {
    n = 0;
    for (int p = 0; p < np; p++)
      if (R->on[p]) {
        lane_set(L, n, P[p], g_exp(0.5 * (st[p].la + st[p].lb)));
        idx[n++] = p;
      }
    if (n == 0)
      break;
    eval_lanes(L, n, 0);
    for (int i = 0; i < n; i++) {
      search_st *s = &st[idx[i]];
      double m = 0.5 * (s->la + s->lb);
      if ((L->h[i] > 0) == up[idx[i]])
        s->lb = m;
      else
        s->la = m;
    }
  }
  n = 0;
  for (int p = 0; p < np; p++)
    if (R->on[p]) {
      lane_set(L, n, P[p], g_exp(up[p] ? st[p].lb : st[p].la));
      idx[n++] = p;
    }
  if (n == 0)
    return;
  eval_lanes(L, n, 1);
  for (int i = 0; i < n; i++) {
    int p = idx[i];
    double mu_t = L->mu[i], v = L->ce[i];
    keep(&B[p], L, i);
    R->on[p] = 0;
    if (isfinite(v)) {
      double a = up[p] ? mu_t : mu_t / 1.5, b = up[p] ? 1.5 * mu_t : mu_t;
      brent_start(R, p, a, b, mu_t, v, SEARCH_TOL * mu_t, SEARCH_EVALS);
    }
  }
  brent_rounds(L, P, np, R, B);
}

/* The whole search for np <= BATCH_MAX problems without a closed form, side
 * by side; each problem's answer is what it would get alone. For each: a
 * 12-point grid over mu scaled by the schedule's steepest slope (the
 * optimum can jump between zero and an interior effort, MEASURED.md),
 * Brent's method in the bracket around the grid's best, and a candidate at
 * every pay jump. No warm start: last month's shadow price can sit at a
 * local optimum that is no longer the best (issue 12). */
static void search_many(lanes *L, const problem *const *P, int np, search_st *st, brents *R,
                        best_plan *B) {
  static const double grid[GRID_N] = {0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0, 1.2, 1.5, 2.0, 3.0};
  const int per_call = LANES / GRID_N;
  for (int i = 0; i < LANES; i++)
    L->P[i] = NULL; /* the problems are new */
  /* brents_next and brents_take compute every problem's step and keep the
   * running ones': the others' numbers must be set too */
  memset(R, 0, sizeof *R);
  for (int p0 = 0; p0 < np; p0 += per_call) {
    int q = np - p0 < per_call ? np - p0 : per_call;
    for (int p = p0; p < p0 + q; p++) {
      st[p].sref = grid_scale(P[p]);
      lanes_fill(L, (p - p0) * GRID_N, GRID_N, P[p]);
      for (int i = 0; i < GRID_N; i++)
        L->mu[(p - p0) * GRID_N + i] = grid[i] * st[p].sref;
    }
    eval_lanes(L, q * GRID_N, 1);
    for (int p = p0; p < p0 + q; p++) {
      const double sref = st[p].sref;
      const int l0 = (p - p0) * GRID_N;
      B[p].ce = -INFINITY;
      B[p].mu = 0;
      double best = -INFINITY;
      int bi = 0;
      for (int i = 0; i < GRID_N; i++) {
        keep(&B[p], L, l0 + i);
        /* on a plateau (no effort until mu passes a corner) the last point
         * of it: the bracket then reaches past it, where CE can rise again */
        if (L->ce[l0 + i] >= best) {
          best = L->ce[l0 + i];
          bi = i;
        }
      }
      st[p].done = !(best > -INFINITY);
      R->on[p] = 0;
      if (st[p].done) { /* no finite CE anywhere: the plan at mu = 0 */
        B[p].mu = 0;
        B[p].ce = L->ce[l0];
        B[p].h = L->h[l0];
        B[p].f = L->f[l0];
        B[p].X = L->X[l0];
        B[p].slope = L->slope[l0];
        continue;
      }
      double lo = grid[bi > 0 ? bi - 1 : 0] * sref;
      double hi = grid[bi < GRID_N - 1 ? bi + 1 : GRID_N - 1] * sref;
      brent_start(R, p, lo, hi, grid[bi] * sref, best, SEARCH_TOL * (hi - lo), SEARCH_EVALS);
    }
  }
  brent_rounds(L, P, np, R, B);
  /* A jump in pay (a bonus at a threshold) with nearly certain credit makes
   * sref huge (jump * 0.4 / sd_ref), so the whole grid but mu = 0 can lie
   * past the shadow price that just reaches the threshold, and the optimum
   * (do just enough to earn the bonus) is never bracketed (issue 12, S1
   * section 4). Candidate: the mu at which the plan's expected credit
   * reaches each jump (credit is nondecreasing in mu along the expansion
   * path), found by bisection in log mu, refined around it. */
  int nj = 0;
  for (int p = 0; p < np; p++)
    nj = !st[p].done && P[p]->sched->nj > nj ? P[p]->sched->nj : nj;
  int idx[2 * BATCH_MAX];
  for (int j = 0; j < nj; j++) {
    int n = 0;
    for (int p = 0; p < np; p++) {
      const salesim_schedule *S = P[p]->sched;
      R->on[p] = 0;
      if (st[p].done || j >= S->nj || !(S->jump[j] > 0))
        continue;
      st[p].la = g_log(st[p].sref * 1e-12);
      st[p].lb = g_log(3.0 * st[p].sref);
      lane_set(L, n, P[p], g_exp(st[p].lb));
      idx[n++] = p;
      lane_set(L, n, P[p], 0);
      idx[n++] = p;
    }
    if (n == 0)
      continue;
    eval_lanes(L, n, 0);
    for (int i = 0; i < n; i += 2) {
      double t = P[idx[i]]->sched->jump_at[j];
      R->on[idx[i]] = !(L->X[i] < t || L->X[i + 1] >= t);
    }
    for (int it = 0; it < THRESHOLD_STEPS; it++) {
      n = 0;
      for (int p = 0; p < np; p++)
        if (R->on[p]) {
          lane_set(L, n, P[p], g_exp(0.5 * (st[p].la + st[p].lb)));
          idx[n++] = p;
        }
      if (n == 0)
        break;
      eval_lanes(L, n, 0);
      for (int i = 0; i < n; i++) {
        search_st *s = &st[idx[i]];
        double m = 0.5 * (s->la + s->lb);
        if (L->X[i] >= P[idx[i]]->sched->jump_at[j])
          s->lb = m;
        else
          s->la = m;
      }
    }
    /* either side: with uncertain credit the best plan can stop short of
     * the threshold (ratchet-cap's quota bonus) */
    n = 0;
    for (int p = 0; p < np; p++)
      if (R->on[p]) {
        lane_set(L, n, P[p], g_exp(st[p].lb));
        idx[n++] = p;
      }
    if (n == 0)
      continue;
    eval_lanes(L, n, 1);
    for (int i = 0; i < n; i++) {
      double mu_t = L->mu[i], v = L->ce[i];
      keep(&B[idx[i]], L, i);
      R->on[idx[i]] = 0;
      if (isfinite(v))
        brent_start(R, idx[i], mu_t / 1.5, 1.5 * mu_t, mu_t, v, SEARCH_TOL * mu_t, SEARCH_EVALS);
    }
    brent_rounds(L, P, np, R, B);
  }
  switch_candidates(L, P, np, st, R, B);
}

/* What solve() reports about a plan (the tail of every solve). */
static void solve_report(const problem *P, int open_linear, double h, double f, double X,
                         double best_mu, double slope, salesim_choice *out) {
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
    out->margin_now = P->sched->b;
    out->margin_after = P->sched->b;
  } else {
    out->margin_now = P->lost ? 0 : P->pay_disc * slope - P->credit_cost;
    out->margin_after = P->after_value;
  }
}

/* Straight commission: mu is the rate; the variance of hunting's
 * compound-Poisson wins enters as a cost per unit h. Closed form. */
static void solve_linear(const problem *P, salesim_choice *out) {
  double h, f;
  double mu = P->sched->b;
  double extra_h = P->extra_h - 0.5 * P->r * mu * mu * P->hvar;
  bundle(mu * P->H_in + extra_h, mu * P->F_in + P->extra_f, P->kappa, P->pain, P->Mc, &h, &f);
  double saved = P->kappa > 0 ? 1 - exp(-P->kappa * f) : 0;
  double X = P->X0 + P->H_in * h + P->F_in * saved;
  double var = P->var0 + P->hvar * h;
  double e = P->pain * h + f;
  out->ce = P->base + mu * X + P->extra_h * h + P->extra_f * saved - 0.5 * P->Mc * e * e -
            0.5 * P->r * mu * mu * var;
  solve_report(P, 1, h, f, X, mu, 0, out);
}

/* Maximise CE over the expansion path for n problems (open_linear[i]: the
 * pay is open-ended and linear); fills out[i] (hunt, farm, ce, shadow,
 * exp_credit, sd_credit, margins). */
static void solve_many(lanes *L, const problem *P, const int *open_linear, int n,
                       salesim_choice *const *out) {
  const problem *sp[BATCH_MAX];
  int who[BATCH_MAX];
  search_st st[BATCH_MAX];
  brents R;
  best_plan B[BATCH_MAX];
  for (int i0 = 0; i0 < n; i0 += BATCH_MAX) {
    int i1 = n - i0 < BATCH_MAX ? n : i0 + BATCH_MAX, np = 0;
    for (int i = i0; i < i1; i++) {
      if (open_linear[i] && !P[i].lost) {
        solve_linear(&P[i], out[i]);
        continue;
      }
      sp[np] = &P[i];
      who[np++] = i;
    }
    if (np == 0)
      continue;
    search_many(L, sp, np, st, &R, B);
    for (int k = 0; k < np; k++) {
      int i = who[k];
      out[i]->ce = B[k].ce;
      /* E[pay]'s slope at the plan, before pay_disc */
      solve_report(&P[i], open_linear[i], B[k].h, B[k].f, B[k].X, B[k].mu, B[k].slope, out[i]);
    }
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
  int floor_months = inc->cash_floor_months; /* 0: the floor holds every month */
  if (fixed + rate * a->book * inc->book_credit >= living ||
      (inc->cash_floor >= living && (floor_months == 0 || floor_months >= M)))
    return M + 1;
  int cyc = (int)ceil(w->cycle); /* cycle_months, or the per-stage chain's mean */
  double pm = 0, pv;
  if (monthly)
    salesim_pipeline_expect(w, a, cyc, &pm, &pv);
  const salesim_territory *t = &w->terr[a->territory];
  double rho = t->prospects0 > 0 ? t->prospects / t->prospects0 : 1;
  double lead_value = t->lead_rate * a->ability * a->skill * rho / t->difficulty * w->deal_mean;
  double savings = a->savings, book = a->book;
  for (int tau = 1; tau <= M; tau++) {
    double comm = book * inc->book_credit + (tau <= cyc ? pm / cyc : 0) +
                  h * lead_value * w->lead_within[tau - 1];
    if (floor_months != 0 && tau > floor_months) /* the floor has ended */
      savings += fixed + rate * comm - living;
    else
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
  if (inc->hunt_value != 0) /* the plan is this month */
    alpha[0] += inc->hunt_value;
  double t[2] = {0, 0};
  if (salesim_multitask_effort(t, &p, alpha) != 0)
    t[0] = t[1] = 0;
  out->hunt = t[0];
  out->farm = t[1];
  double cost = 0.5 * (p.K[0][0] * t[0] * t[0] + 2 * p.K[0][1] * t[0] * t[1] + p.K[1][1] * t[1] * t[1]);
  double var = rate * rate * (p.Sigma[0][0] + inc->book_credit * inc->book_credit * p.Sigma[1][1]);
  out->ce_month = inc->base_month + alpha[0] * t[0] + alpha[1] * t[1] - cost - 0.5 * p.r * var;
  if (inc->lump_value != 0)
    out->ce_month += inc->lump_value;
  out->ce = out->ce_month;
  out->exp_credit = inc->credit_to_date + unit * (t[0] + inc->book_credit * t[1]);
  out->sd_credit = sqrt(p.Sigma[0][0] + p.Sigma[1][1]);
  out->shadow = rate;
  out->margin_now = out->margin_after = rate;
}

/* The test hook of salesim_decide_set_probe (this thread only). */
static _Thread_local salesim_decide_probe_fn probe_fn;
static _Thread_local void *probe_ctx;

/* Months of the plan an agent makes: the pay period's rest, or its horizon
 * under open-ended pay. */
static int plan_months(const salesim_world *w, const salesim_incentive *inc) {
  int M = inc->period_months <= 0 ? w->sc->population.horizon_months : inc->months_left;
  if (M < 1)
    M = 1;
  if (M > SALESIM_MAX_HORIZON)
    M = SALESIM_MAX_HORIZON;
  return M;
}

static int two_tasks(const salesim_world *w) {
  return w->sc->production.mode == SALESIM_MODE_LINEAR && w->sc->production.tasks == 2;
}

void salesim_decide_many(const salesim_world *w, int n, const salesim_agent *const *agents,
                         const salesim_incentive *inc, salesim_choice *out) {
  lanes L;
  problem P[BATCH_MAX], P2[BATCH_MAX];
  int ol[BATCH_MAX], ol2[BATCH_MAX], cm2[BATCH_MAX], M_of[BATCH_MAX], who[BATCH_MAX], who2[BATCH_MAX];
  salesim_choice *o1[BATCH_MAX], *o2[BATCH_MAX], con[BATCH_MAX];
  for (int i0 = 0; i0 < n; i0 += BATCH_MAX) {
    int i1 = n - i0 < BATCH_MAX ? n : i0 + BATCH_MAX, np = 0, n2 = 0;
    for (int i = i0; i < i1; i++) {
      const salesim_agent *a = agents[i];
      const salesim_incentive *ic = &inc[i];
      if (two_tasks(w)) {
        decide_two_tasks(w, a, ic, &out[i]);
        out[i].ce_month_liquid = out[i].ce_month;
        out[i].ce_liquid = out[i].ce;
        out[i].credit_months = 0;
        continue;
      }
      const salesim_schedule *sched = ic->sched ? ic->sched : &a->sched;
      int open = ic->period_months <= 0, M = plan_months(w, ic);
      build_problem(w, a, ic, M, SALESIM_MAX_HORIZON + 1, &P[np]);
      ol[np] = open && salesim_schedule_is_linear(sched);
      M_of[np] = M;
      who[np] = i;
      o1[np++] = &out[i];
    }
    solve_many(&L, P, ol, np, o1);
    for (int k = 0; k < np; k++) {
      salesim_choice *o = o1[k];
      const salesim_incentive *ic = &inc[who[k]];
      /* money that effort does not change: in the CE, after the search, so
       * effort is the same bits with it or without */
      if (ic->lump_value != 0)
        o->ce += ic->lump_value;
      /* staying is judged on the job's value as the agent plans it */
      o->ce_month = o->ce / P[k].weight;
      o->ce_month_liquid = o->ce_month;
      o->ce_liquid = o->ce;
      o->credit_months = 0;
      if (P[k].linear_mode)
        continue;
      /* Liquidity: pay that arrives after the savings are gone is worth
       * nothing to this agent, so effort is chosen for the months it can
       * hold out. */
      const salesim_agent *a = agents[who[k]];
      int M = M_of[k];
      int H = w->sc->population.horizon_months > M ? w->sc->population.horizon_months : M;
      if (H > SALESIM_MAX_HORIZON)
        H = SALESIM_MAX_HORIZON;
      int tb = broke_month(w, a, ic, H, o->hunt);
      if (tb <= H) {
        build_problem(w, a, ic, M, tb > 1 ? tb - 1 : 1, &P2[n2]);
        ol2[n2] = ol[k];
        who2[n2] = k;
        cm2[n2] = tb > 1 ? tb - 1 : 1;
        o2[n2] = &con[n2];
        n2++;
      }
    }
    solve_many(&L, P2, ol2, n2, o2);
    for (int q = 0; q < n2; q++) {
      salesim_choice *o = o1[who2[q]];
      const salesim_choice *c = &con[q];
      const salesim_incentive *ic = &inc[who[who2[q]]];
      double ce_l = c->ce;
      if (ic->lump_value != 0)
        ce_l += ic->lump_value;
      o->hunt = c->hunt;
      o->farm = c->farm;
      o->exp_credit = c->exp_credit;
      o->sd_credit = c->sd_credit;
      o->shadow = c->shadow;
      o->margin_now = c->margin_now;
      o->margin_after = c->margin_after;
      /* the job's value under the same liquidity rule (issue 11 #5) */
      o->ce_month_liquid = ce_l / P2[q].weight;
      o->ce_liquid = ce_l;
      o->credit_months = cm2[q];
    }
    if (probe_fn && !two_tasks(w))
      for (int i = i0; i < i1; i++)
        probe_fn(probe_ctx, w, agents[i], &inc[i], &out[i]);
  }
}

void salesim_decide(const salesim_world *w, const salesim_agent *a, const salesim_incentive *inc,
                    salesim_choice *out) {
  salesim_decide_many(w, 1, &a, inc, out);
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
  if (P->extra_h != 0 || P->extra_f != 0) { /* where hunting switches on or off */
    double h, f, X, a = log(sref * 1e-12), b = log(top);
    evaluate(P, exp(a), &h, &f, &X);
    int lo_h = h > 0;
    evaluate(P, exp(b), &h, &f, &X);
    if (lo_h != (h > 0)) {
      int up = h > 0;
      for (int it = 0; it < 60; it++) {
        double m = 0.5 * (a + b);
        evaluate(P, exp(m), &h, &f, &X);
        if ((h > 0) == up)
          b = m;
        else
          a = m;
      }
      double mu_t = exp(up ? b : a), v = evaluate(P, mu_t, &h, &f, &X);
      best = v > best ? v : best;
      best = up ? refine_ref(P, mu_t, fmin(1.5 * mu_t, top), best)
                : refine_ref(P, mu_t / 1.5, mu_t, best);
    }
  }
  return best;
}

double salesim_decide_reference_ce(const salesim_world *w, const salesim_agent *a,
                                   const salesim_incentive *inc, int credit_months) {
  if (w->sc->production.mode == SALESIM_MODE_LINEAR && w->sc->production.tasks == 2)
    return NAN;
  const salesim_schedule *sched = inc->sched ? inc->sched : &a->sched;
  int open = inc->period_months <= 0, M = plan_months(w, inc);
  problem P;
  build_problem(w, a, inc, M, credit_months > 0 ? credit_months : SALESIM_MAX_HORIZON + 1, &P);
  double ce;
  if (open && salesim_schedule_is_linear(sched) && !P.lost) {
    salesim_choice c;
    memset(&c, 0, sizeof c);
    solve_linear(&P, &c);
    ce = c.ce;
  } else {
    ce = reference_search(&P);
  }
  if (inc->lump_value != 0) /* as salesim_decide_many: beside the search */
    ce += inc->lump_value;
  return ce;
}

void salesim_decide_set_probe(salesim_decide_probe_fn fn, void *ctx) {
  probe_fn = fn;
  probe_ctx = ctx;
}
