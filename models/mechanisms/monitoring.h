/*
 * models/mechanisms/monitoring.h: the rep's reporting choice under the `monitoring`
 * rules (MODEL.md §6.6), as pure functions so the switch point can be
 * tested by hand (tests/test_monitoring.c). The mechanism itself is in
 * models/mechanisms/monitoring.c.
 *
 * A rep owes `quota` visit reports a month. A real visit is hunting:
 * visits = visits_per_hunt * h, at effort cost c*(pi*h + f)^2/2 a month. A
 * false report costs no effort but, per report, the rep's own moral cost
 * kappa plus a lottery: with probability q it is audited (call-back) and
 * found out, costing the fine F and a strike (worth `strike_loss`: the
 * share of the job's value one strike puts at risk). The certainty
 * equivalent of that cost for a CARA person with risk aversion r is
 *
 *   k = kappa + (1/r) * ln(1 - q + q * exp(r * (F + strike_loss)))
 *
 * (= kappa + q*(F + strike_loss) when r = 0); audits of different reports
 * are independent, so n false reports cost n*k exactly. Replacing the last
 * real visit of a quota by a false report saves that visit's effort cost;
 * the rep does it exactly when the saving exceeds k.
 */
#ifndef SALESIM_MONITORING_H
#define SALESIM_MONITORING_H

/** Certainty-equivalent cost to the rep of one false report (above).
 *  q in [0,1], fine, strike_loss, moral_cost >= 0, risk_aversion >= 0. */
double salesim_monitoring_fake_cost(double q, double fine, double strike_loss,
                                    double moral_cost, double risk_aversion);

/** 1 when filing a false report instead of a real visit whose effort cost is
 *  `effort_saved` pays (effort_saved > fake_cost), else 0 (ties: honest). */
int salesim_monitoring_fake_pays(double effort_saved, double fake_cost);

/** One rep's reporting problem in a month. */
typedef struct salesim_visit_problem {
  double quota;           /* visit reports owed this month */
  double visits_per_hunt; /* real visits per unit of hunting effort */
  double hunt0, farm;     /* efforts the rep chose for their own sake */
  double effort_cost;     /* c */
  double pain;            /* pi */
  double stake;           /* money riding on the quota: bonus + pay cut
                             avoided (+ a strike's value if a miss strikes) */
  double fake_cost;       /* k, salesim_monitoring_fake_cost() */
} salesim_visit_problem;

/** The rep's best plan. */
typedef struct salesim_visit_plan {
  double real;  /* real visits */
  double fake;  /* false reports (a whole number) */
  double hunt;  /* hunting effort that makes the real visits */
  double gain;  /* certainty-equivalent gain over not bothering with the
                   quota: stake - extra effort cost - fake*k, or 0 */
  int meet;     /* 1 if the reports meet the quota */
} salesim_visit_plan;

/** Best plan: either ignore the quota (real visits from hunt0, no false
 *  reports, gain 0) or meet it with n false reports and quota - n real
 *  visits (never fewer than hunt0 makes), n = 0, 1, ... chosen to maximise
 *  the gain. The n-th false report replaces real visit quota - n + 1 and is
 *  filed exactly when salesim_monitoring_fake_pays() says so. */
void salesim_monitoring_plan(const salesim_visit_problem *p, salesim_visit_plan *out);

struct salesim_world;
struct salesim_agent;
/** Strikes of the person in slot `a` of a monitoring world (its per-agent
 *  state; tests read it). */
int salesim_monitoring_strikes(const struct salesim_world *w, const struct salesim_agent *a);

#endif
