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
  double hint;         /* in: last month's shadow price to search around
                          (warm start), or < 0 for a full search */
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
} salesim_choice;

/** Choose efforts for agent `a` facing `inc` in world `w` (pipeline or
 *  linear mode). Pure: reads w and a, writes only *out. With out->hint >= 0
 *  the search starts around that shadow price and falls back to the full
 *  grid when the optimum is not inside the local bracket. */
void salesim_decide(const salesim_world *w, const salesim_agent *a,
                    const salesim_incentive *inc, salesim_choice *out);


/** Test reference (issue 12): the CE of the unconstrained plan by a dense
 *  search of the expansion path (2,001 grid points, golden section around
 *  every local maximum). Compare with salesim_choice.ce from salesim_decide. */
double salesim_decide_reference_ce(const salesim_world *w, const salesim_agent *a,
                                   const salesim_incentive *inc);

#endif
