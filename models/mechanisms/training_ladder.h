/*
 * models/mechanisms/training_ladder.h: the trained rep's choice under the
 * `training_ladder` (MODEL.md §6.5), as pure functions so it can be tested
 * on its own (tests/test_training_ladder.c); they are implemented in
 * models/mechanisms/ladder_rep.c. The mechanism is in
 * models/mechanisms/training_ladder.c.
 *
 * A trained rep owes `target` qualified new opportunities a month; leads
 * arrive ~ Poisson(lambda * h), lambda the engine's lead rate for this rep
 * and territory per unit of hunting, so a month is met with probability
 * P(h) = P(N >= target). The rep plans a constant h and values the job by
 * its surplus over the best alternative (outside wage or trainee pay), month
 * by month over its horizon H, discounted by delta:
 *
 *   on target   u(h) = salary - alt + CE[reward * 1{N >= T}] - (cost(h) - cost(h0))
 *   training    u_t  = salary - alt           (after a miss, training_months)
 *   demoted     0 from then on
 *
 * with cost(h) = c*(pi*h + f)^2/2 and CE of the reward lottery for a CARA
 * person -(1/r) ln(1 - P + P e^{-rR}). With s strikes, a miss is a strike;
 * the strike that reaches max_strikes demotes with probability p_replace
 * (the firm can only demote when the bench can replace: see the mechanism)
 * and otherwise the rep is retrained and kept at its last strike. Strikes
 * start from zero at each plan year start when reset_yearly. The value of
 * the job in state (strikes s, month t) is then the dynamic programme
 *
 *   W(s,t) = u(h) + delta * [ P * W(s', t+1)
 *            + (1-P) * ( sum_{j<tm} delta^j u_t + delta^tm * X(s, t+1+tm) ) ]
 *   X(s,.) = W(s+1, .)                                   if s+1 < max
 *          = (1 - p_replace) * W(max-1, .)               if s+1 = max (else 0)
 *   W(., H) = 0,   s' = s (or 0 across a plan-year start)
 *
 * and the rep chooses h >= h0 (h0: what it would hunt for its other pay) to
 * maximise W(strikes_now, 0). Read as a first-order condition: the marginal
 * effect of hunting on P(N >= T) is lambda * pmf(T-1; lambda h), and it is
 * worth the reward plus the difference between keeping the strike count
 * and taking one more (W(s) - X(s)), which rises with p_replace: a deeper
 * bench raises effort only through what the rep expects.
 */
#ifndef SALESIM_TRAINING_LADDER_H
#define SALESIM_TRAINING_LADDER_H

/** P(N >= target) for N ~ Poisson(mean); 1 when target <= 0. */
double salesim_ladder_hit_prob(double mean, int target);

/** Pass chance of a training: pass_max / (1 + exp(-slope*(ability - mid))),
 *  rising with ability, half of pass_max at ability = mid. */
double salesim_ladder_pass_prob(double ability, double mid, double slope, double pass_max);

/* the largest max_strikes the dynamic programme tracks (the setting's range) */
#define SALESIM_LADDER_MAX_STRIKES 24

/** A trained rep's problem this month. */
typedef struct salesim_lead_problem {
  double leads_per_hunt; /* lambda: expected qualified leads per unit h */
  int target;            /* T: qualified leads owed a month */
  double reward;         /* R, paid in a month the target is met */
  double risk_aversion;  /* r (CARA, per currency) */
  double hunt0, farm;    /* efforts chosen for the rep's other pay */
  double effort_cost;    /* c */
  double pain;           /* pi */
  double surplus;        /* salary - alt: a month in the job over the best
                            alternative, before reward and effort */
  double discount;       /* delta, per month */
  int horizon;           /* H: months the rep looks ahead (<= 240) */
  int strikes;           /* strikes now */
  int max_strikes;       /* strikes that demote; 0: no demotion rule */
  double p_replace;      /* chance the firm can replace the rep if demoted */
  int training_months;   /* months off target after a miss */
  int month_in_year;     /* 0-based month of the plan year now */
  int months_per_year;
  int reset_yearly;      /* bool: strikes start from zero each plan year */
} salesim_lead_problem;

/** W(strikes, 0) above at effort h: the value of the job, in surplus over
 *  the alternative, of keeping hunting effort h. */
double salesim_ladder_value(const salesim_lead_problem *p, double h);

/** The rep's best hunting effort h >= hunt0 (grid then golden section),
 *  with *flow = CE of the reward lottery minus the extra effort cost at that
 *  effort (what this month adds to salary, for staying or leaving). */
double salesim_ladder_best_hunt(const salesim_lead_problem *p, double *flow);

struct salesim_world;
struct salesim_agent;
/** Strikes of the person in field slot `a` of a training_ladder world (its
 *  per-agent state; tests read it). */
int salesim_ladder_strikes(const struct salesim_world *w, const struct salesim_agent *a);
/** Grade (0 untrained, 1 trained) of the person in field slot `a`. */
int salesim_ladder_grade(const struct salesim_world *w, const struct salesim_agent *a);

#endif
