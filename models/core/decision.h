/*
 * models/core/decision.h: the self-interested agent (MODEL.md §5).
 *
 * Each month an agent chooses hunting h and farming f to maximise the
 * certainty equivalent of the pay its choice brings, given the incentive the
 * mechanism states (models/core/mechanism.h), its own state (book, pipeline,
 * savings) and the market. See models/core/decision.c for the derivation.
 */
#ifndef SALESIM_DECISION_H
#define SALESIM_DECISION_H

#include "mechanism.h"

/** Linear mode, one task, linear pay beta per unit of output x = theta*e:
 *  the effort maximising beta*theta*e - c*e^2/2 is e = beta*theta/c
 *  (Holmstrom-Milgrom 1987; never negative). */
double salesim_decide_linear_effort(double beta, double theta, double c);

/** The result of a decision. */
typedef struct salesim_choice {
  double hunt, farm;   /* efforts */
  double ce;           /* certainty equivalent of the period, currency */
  double ce_month;     /* ce per month incl. certain pay, for stay/leave */
  double ce_month_liquid; /* the same with pay that arrives after the agent's
                          savings are expected to run out worth nothing (the
                          liquidity rule that sets effort); = ce_month when
                          the savings last. Applicants accept on this. */
  double exp_credit;   /* expected credit at the period's end */
  double sd_credit;    /* its standard deviation as the agent sees it */
  double shadow;       /* the shadow price of credit chosen */
  double margin_now;   /* expected marginal pay of one more unit of credit
                          in this period, at the plan (net of credit_cost) */
  double margin_after; /* the same for credit that lands after the period */
  double ce_liquid;    /* the CE that chose effort under the liquidity rule
                          (= ce when the savings last) */
  double credit_months; /* months of credit that rule counts (0: all; a
                          whole number, double so the struct has no padding) */
} salesim_choice;

/** Choose efforts for agent `a` facing `inc` in world `w` (pipeline or
 *  linear mode). Pure: reads w and a, writes every field of *out and reads
 *  none. Exact: within 1e-6 of max(1, |CE|) of a dense search
 *  (tests/test_decision_exact.c). */
void salesim_decide(const salesim_world *w, const salesim_agent *a,
                    const salesim_incentive *inc, salesim_choice *out);

/** salesim_decide for n agents at once: out[i] is agents[i]'s answer to
 *  inc[i], the same bits as salesim_decide would give it alone (the
 *  searches run side by side in SIMD lanes, models/core/decision.c). */
void salesim_decide_many(const salesim_world *w, int n, const salesim_agent *const *agents,
                         const salesim_incentive *inc, salesim_choice *out);


/** Test reference (issue 12): the CE of the plan by a dense, independent
 *  search of the expansion path (linear and log-spaced grids, the shadow
 *  prices that reach each knot and jump, golden section around every local
 *  maximum). credit_months <= 0: the unconstrained plan (compare with
 *  salesim_choice.ce); else the liquidity-constrained one with that many
 *  months of credit (compare salesim_choice.ce_liquid when
 *  salesim_choice.credit_months is that number). NaN where salesim_decide
 *  has no search (two tasks). */
double salesim_decide_reference_ce(const salesim_world *w, const salesim_agent *a,
                                   const salesim_incentive *inc, int credit_months);

/** Test hook: after every salesim_decide on this thread, fn(ctx, w, a, inc,
 *  out) with the arguments and the answer (NULL fn: none). Lets a test see
 *  each decision the monthly loop makes. */
typedef void (*salesim_decide_probe_fn)(void *ctx, const salesim_world *w,
                                        const salesim_agent *a,
                                        const salesim_incentive *inc,
                                        const salesim_choice *out);
void salesim_decide_set_probe(salesim_decide_probe_fn fn, void *ctx);

#endif
