/*
 * models/mechanisms/transition.h: the mechanism type `transition` (issue 14):
 * plan A until run month `switch_month`, plan B after, with the care the
 * source asks for (DIGEST.md §3: prepare minds first, support the strong,
 * help the weak, settle the leavers, keep internal pay equity):
 *
 *   announce_months       reps know the switch this many months ahead: A's
 *                         period ends at the switch in their plans and
 *                         credit after it is worth B's marginal pay
 *   hold_harmless_months  for this many months after the switch a rep who
 *                         was under A is paid max(A, B) at the same credit
 *   grandfather_accounts  the book a rep owns at the switch keeps A's book
 *                         rate for the rest of the run
 *   transition_payment    paid once at the switch to every rep in post
 *
 * `from` and `to` are labels of two other entries of the same scenario, of
 * type `plan`; they still run on their own as comparisons. The pure parts
 * (a period's schedule with or without the guarantee, the stub settlement)
 * are functions here so that tests/test_transition.c checks them by hand.
 *
 * Read next: transition.c (the hooks and the metrics of the window),
 * plan.h (the plans it runs), docs/plan-vocabulary.md "Transitions".
 */
#ifndef SALESIM_TRANSITION_H
#define SALESIM_TRANSITION_H

#include "plan.h"

/** The settings of a `transition` mechanism. */
typedef struct salesim_transition_params {
  char from[SALESIM_NAME_MAX];
  char to[SALESIM_NAME_MAX];
  int switch_month;
  int announce_months;
  int hold_harmless_months;
  int grandfather_accounts;
  double transition_payment;
} salesim_transition_params;

extern const salesim_param_table salesim_transition_table;

/** The variable-pay schedule of one period (base-free, on the period's
 *  credit) under plan `p` with the period's `target` and `share` of a year
 *  (salesim_plan_compile); with `old` != NULL the hold-harmless guarantee:
 *  max(p's schedule, old's schedule + (old->base - p->base) * months), so
 *  that base plus variable pay is the larger of the two plans' at the same
 *  credit (p's base is paid monthly either way). Returns 0 or a negative
 *  code (SALESIM_ELIMIT: the guarantee needs more breakpoints than a
 *  schedule holds). */
int salesim_transition_schedule(salesim_schedule *out, const salesim_plan_params *p,
                                const salesim_plan_params *old, double target, double share,
                                int months);

/** The stub settlement of a period that ends early (at the switch, or at
 *  the end of the hold-harmless months): the period's schedule compiled for
 *  the months that passed, `elapsed` of the `covered` months it was set
 *  for (target period_target * elapsed / covered, share elapsed / mpy),
 *  evaluated at the credit so far, less `paid`, the variable pay of the
 *  period already paid as earned (0 when p pays at the period's end);
 *  never below 0 (nothing is taken back). *due = 0 when elapsed >=
 *  covered (the period ended as planned and was paid as usual). `old` as
 *  in salesim_transition_schedule. Returns 0 or a negative code. */
int salesim_transition_stub_due(const salesim_plan_params *p, const salesim_plan_params *old,
                                double period_target, int covered, int elapsed,
                                int months_per_year, double credit, double paid, double *due);

/** The money rate of one unit of book revenue under plan p (the first
 *  commission component's book_rate, or its first rate when book_rate is
 *  not set); -1 when p has no commission component. */
double salesim_transition_book_rate(const salesim_plan_params *p);

#endif
