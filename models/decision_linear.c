/*
 * models/decision_linear.c: the one-task agent in `linear` mode under linear
 * pay (MODEL.md §4 and §5, Holmstrom-Milgrom 1987). Kept apart so that the
 * theory checks (models/theory.c) can build before models/decision.c exists;
 * the lead may fold this function into decision.c.
 */
#include <assert.h>

#include "decision.h"

double salesim_decide_linear_effort(double beta, double theta, double c) {
  assert(c > 0.0);
  /* The agent's certainty equivalent is alpha + beta*theta*e - c*e^2/2
   * - (r/2)*beta^2*sigma^2; the risk term does not depend on e, so the
   * first-order condition gives e = beta*theta/c, cut at zero effort. */
  double e = beta * theta / c;
  return e > 0.0 ? e : 0.0;
}
