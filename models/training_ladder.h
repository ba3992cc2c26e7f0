/*
 * models/training_ladder.h: the trained rep's choice under the
 * `training_ladder` (MODEL.md §6.5), as pure functions so it can be tested
 * on its own (tests/test_training_ladder.c). The mechanism is in
 * models/training_ladder.c.
 *
 * A trained rep owes `target` qualified new opportunities a month. Leads
 * arrive ~ Poisson(lambda * h) (lambda: the engine's lead rate for this rep
 * and territory, per unit of hunting). Meeting the target pays the reward R;
 * missing it is a strike. With s strikes, max_strikes - s - 1 = k further
 * misses in the strike window (n on-target months left) after a miss now
 * demote the rep, if the firm can replace them (chance p_replace, from the
 * bench). Demotion costs J, the value of keeping the job. So a miss now
 * rather than a hit costs, in expectation,
 *
 *   threat = p_replace * J * [P(Bin(n, p_miss) >= k) - P(Bin(n, p_miss) >= k+1)]
 *          = p_replace * J * P(Bin(n, p_miss) = k)
 *
 * with p_miss the rep's own miss chance at the effort it plans to keep
 * (k = 0: a miss now demotes, a hit now only saves the job if no later miss
 * in the window does it: P(Bin = 0)). When in the window the demotion
 * happens is ignored: this is an upper bound for early months. The rep
 * chooses h >= h0 (h0: what it would hunt for its other pay) to maximise
 *
 *   V(h) = CE[R * 1{N >= T}] - (1 - P_hit(h)) * threat(h)
 *          - c/2 * ((pi*h + f)^2 - (pi*h0 + f)^2)
 *
 * CE of the reward lottery for a CARA person: -(1/r) ln(1 - P + P e^{-rR}).
 * The first-order condition, for reading: the marginal effect of hunting on
 * P(N >= T) is lambda * Poisson_pmf(T-1; lambda*h), so at an interior
 * optimum lambda * pmf(T-1; lambda h) * (R + threat) ~ c*pi*(pi*h + f):
 * the engine's `extra_hunt` per unit of h, evaluated at the optimum.
 */
#ifndef SALESIM_TRAINING_LADDER_H
#define SALESIM_TRAINING_LADDER_H

/** P(N >= target) for N ~ Poisson(mean); 1 when target <= 0. */
double salesim_ladder_hit_prob(double mean, int target);

/** P(Bin(n, p) = k); 0 outside 0..n. */
double salesim_ladder_binom_pmf(int n, double p, int k);

/** Pass chance of a training: pass_max / (1 + exp(-slope*(ability - mid))),
 *  rising with ability, half of pass_max at ability = mid. */
double salesim_ladder_pass_prob(double ability, double mid, double slope, double pass_max);

/** A trained rep's monthly problem. */
typedef struct salesim_lead_problem {
  double leads_per_hunt; /* lambda: expected qualified leads per unit h */
  int target;            /* T: qualified leads owed this month */
  double reward;         /* R */
  double risk_aversion;  /* r (CARA, per currency) */
  double hunt0, farm;    /* efforts chosen for the rep's other pay */
  double effort_cost;    /* c */
  double pain;           /* pi */
  double job_value;      /* J */
  double p_replace;      /* chance the firm can replace the rep if demoted */
  int strikes_left;      /* misses, this one included, until demotion (>= 1);
                            0: no demotion rule */
  int window;            /* on-target months left in the strike window after
                            this one */
} salesim_lead_problem;

/** Expected loss from a miss now rather than a hit (`threat` above). */
double salesim_ladder_threat(const salesim_lead_problem *p, double p_miss);

/** V(h) above. */
double salesim_ladder_value(const salesim_lead_problem *p, double h);

/** The rep's best hunting effort h >= hunt0 (grid then golden section),
 *  with *flow = CE of the reward lottery minus the extra effort cost at that
 *  effort (what the month is worth on top of salary, for staying or
 *  leaving; the threat is a loss of future months, not of this one). */
double salesim_ladder_best_hunt(const salesim_lead_problem *p, double *flow);

#endif
