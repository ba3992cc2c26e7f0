/*
 * models/core/mechanism.h: a mechanism as a type object (as gsl_rng_type or
 * sqlite3_vfs): a const struct of function pointers with a name (the key a
 * scenario file uses) and a version. The engine owns the loop (models/core/sim.c)
 * and asks the mechanism, in this order each month:
 *
 *   year_start  (first month of a plan year: set targets and pay schedules)
 *   fill / hire (vacant slots: fill from inside, else a hire from outside)
 *   incentive   (per active agent: what the agent's pay rules are this month)
 *   -- agents decide efforts (models/core/decision.c) --
 *   adjust      (per active agent: choices only this mechanism offers)
 *   -- the market produces --
 *   month_pay   (per active agent: pay for the month given its outcome)
 *   month_end   (after all agents: audits, reviews, demotions, ...)
 *   period_end  (last month of a plan year: settle bonuses)
 *   report      (end of run: the declared metrics and tables)
 *
 * Status (as every sqlite3_vfs method returns an int): every hook but
 * `fini` (void, like free) returns 0 on success or a negative
 * SALESIM_E* code (include/salesim/errors.h) on failure; `fill` returns 1
 * (filled), 0 (not filled) or a negative code. A hook that fails should
 * also call salesim_world_fail() with a one-line reason (`incentive` sees a
 * const world and cannot); when it returns an error without one the engine
 * writes "mechanism NAME: HOOK failed: <error string>". A positive status
 * (fill: above 1) breaks the contract and fails the run with SALESIM_EINVAL.
 * The engine checks every status: a failure ends the replication
 * at once (nothing of the run is written) and the CLI exits 1 with the
 * message. A hook never swallows an internal failure (allocation, GLPK, a
 * solver) by carrying on with a made-up fallback.
 *
 * State: `state_size` bytes of run state (w->state) and `agent_state_size`
 * bytes per slot, reached with salesim_agent_state() (models/core/world.h); both
 * start zeroed, and a slot's state is zeroed again whenever the engine draws
 * a new person into the slot (a hire candidate). docs/mechanism-authoring.md
 * says what a hook may and may not do.
 *
 * Every hook but `name`, `params`, `incentive` and `month_pay` may be NULL.
 * The behaviour of agents is never coded here: a mechanism states rules
 * (pay, information, who owns accounts) and the agents optimise against them.
 * Read next: models/mechanisms/registry.c, models/mechanisms/commission.c.
 */
#ifndef SALESIM_MECHANISM_H
#define SALESIM_MECHANISM_H

#include "metrics.h"
#include "payout_curve.h"
#include "world.h"

/* 2: hooks return a status; per-agent state (agent_state_size); declared
 * metrics and a payout curve (the last three fields) */
#define SALESIM_MECHANISM_VERSION 2

struct salesim_choice; /* models/core/decision.h */

/** What an agent faces this month (filled by the mechanism's `incentive`;
 *  the engine zeroes it first and sets the defaults noted). */
typedef struct salesim_incentive {
  double base_month;    /* certain pay this month (base salary) */
  double cash_floor;    /* guaranteed cash this month (a draw against
                           commission): helps liquidity, not value */
  int cash_floor_months;/* months, this one included, for which cash_floor
                           holds (a draw that ends); 0 = every month */
  const salesim_schedule *sched; /* variable pay of the period vs credit;
                                    default &agent->sched */
  int period_months;    /* length of the pay period; 0 = open-ended (pay per
                           unit credit as it closes: commission) */
  int months_left;      /* months left in the period, this one included */
  double credit_to_date;/* credit earned in the period so far */
  double paid_to_date;  /* variable pay of this period already paid out
                           (commission paid monthly, bonus advances) */
  int paid_at_end;      /* bool: the schedule's pay comes at the period's
                           end (bonus), not month by month (commission) */
  int pay_scales_with_target; /* bool: a higher target lowers the pay for
                           the same credit (payout curves, quota bonuses):
                           then a ratchet costs the agent */
  double book_credit;   /* credit per unit of book revenue (default 1) */
  double after_value;   /* value to the agent of one unit of credit that
                           arrives after the period ends (per currency) */
  double extra_hunt;    /* extra money per unit of hunting effort per month
                           (rewards for qualified opportunities, threats) */
  double extra_farm;    /* extra money per month per unit of saved churn,
                           i.e. of 1 - exp(-farm_effect * f), the share of
                           the book's churn that farming f saves (a
                           clawback avoided); the bundle and the CE both
                           count it so. In linear two-task mode (no churn)
                           it is money per unit of farming effort */
  double hunt_value;    /* money over the plan (not per month) per unit of
                           hunting effort, already discounted (a SPIF:
                           amount x salesim_win_value_window, window.h);
                           enters effort and the CE as extra_hunt x the
                           plan's discounted months does */
  double lump_value;    /* money over the plan that does not depend on
                           effort (a transition payment, the expected
                           top-up of a non-recoverable draw): added to the
                           CE (stay, leave, hiring), never to effort */
  double credit_cost;   /* money the agent loses later per unit of credit in
                           this period (a ratchet raising next year's
                           target); the engine sets it from the overlays */
  int assigned_accounts;/* bool: manager assigns prospects: no collisions */
} salesim_incentive;

/** What an agent produced this month (given to month_pay). */
typedef struct salesim_outcome {
  double revenue_new;   /* contract value closed this month */
  double revenue_book;  /* recurring revenue of the agent's book */
  double credit;        /* credited sales this month (new + book*book_credit) */
  double wins;          /* deals won */
  double leads;         /* new opportunities (qualified, from the pipeline) */
  double collisions;    /* leads lost to a teammate */
  double book_kept;     /* share of the book (revenue_book) kept after this
                           month's churn, 1 - churn0*exp(-farm_effect*farm)
                           (pipeline mode; 1 in linear mode: no churn); a
                           plan's clawback and retention MBO read it */
} salesim_outcome;

typedef struct salesim_mechanism_type {
  int version;                         /* SALESIM_MECHANISM_VERSION */
  const char *name;                    /* key in scenario files */
  const char *summary;                 /* one line, for --help and docs */
  const salesim_param_table *params;   /* settings of the mechanism's group */

  /** Cross-setting checks after the table's own range checks; add one diag
   *  line per problem, prefixed by `where` ("FILE:LINE: mechanisms[1]"). */
  int (*check)(const void *params, const salesim_scenario *sc,
               const char *where, salesim_diag *diag);

  size_t state_size;                   /* bytes of w->state, zeroed */
  /** Bytes of per-agent state of each slot (0: none), as gsl_rng_type's
   *  `size`: salesim_agent_state(w, a) gives slot a's block, zeroed at the
   *  start and whenever a new person is drawn into the slot. */
  size_t agent_state_size;
  int (*init)(salesim_world *w);       /* after the population exists */
  void (*fini)(salesim_world *w);      /* free what init allocated */

  int (*year_start)(salesim_world *w);
  /** A person starts in slot `a` (start of run or a replacement hire). */
  int (*hire)(salesim_world *w, salesim_agent *a);
  /** What agent `a` faces this month, from its own state and the world's
   *  settings only: the month's agents are asked in blocks before any of
   *  them takes its choice (models/core/sim.c, decisions()). */
  int (*incentive)(const salesim_world *w, const salesim_agent *a,
                   salesim_incentive *inc);
  /** Pay for the month; call salesim_world_pay() for each part. */
  int (*month_pay)(salesim_world *w, salesim_agent *a,
                   const salesim_outcome *o);
  /** Optional: choices that exist only under this mechanism (e.g. false
   *  visit reports), made by the agent after the engine's effort choice by
   *  comparing its own certainty equivalents; may change ch->hunt/farm.
   *  Writes only agent `a`'s state (and the mechanism's counters): later
   *  agents of the month may already have decided. */
  int (*adjust)(salesim_world *w, salesim_agent *a, const salesim_incentive *inc,
                struct salesim_choice *ch);
  /** Optional: fill vacant slot `a` from inside (a reserve bench) instead
   *  of hiring from outside; return 1 if filled (then also do what `hire`
   *  would), 0 to let the engine hire once the delay is over, or a negative
   *  code. Called every month for every vacancy. */
  int (*fill)(salesim_world *w, salesim_agent *a);
  int (*month_end)(salesim_world *w);
  int (*period_end)(salesim_world *w);
  /** Set the declared metrics (salesim_world_metric, index in `metrics`)
   *  and add tables. Returns 0 or a negative code (the replication then
   *  ends; a message set with salesim_world_fail is kept). */
  int (*report)(salesim_world *w);

  /* ---- declared metrics and payout curve (engine/base/metrics.h,
   * engine/base/payout_curve.h; docs/mechanism-authoring.md) ---- */
  const salesim_metric_decl *metrics; /* the mechanism's own metrics, may be NULL */
  int n_metrics;
  /** Optional: the annual pay of a typical rep at attainment
   *  0, 2.5 %, ..., 200 % of `reference_target` (NAN if unknown) under
   *  `params`; out->n = 0 when these settings give no curve. Returns 0 or a
   *  negative code. NULL: the mechanism has no pay curve. */
  int (*payout_curve)(const void *params, const salesim_scenario *sc, double reference_target,
                      salesim_payout_curve *out);
} salesim_mechanism_type;

/** Find a registered type by name; NULL if none. */
const salesim_mechanism_type *salesim_mechanism_find(const char *name);
/** The registered types, NULL-terminated. */
const salesim_mechanism_type *const *salesim_mechanism_all(void);

/** Test seam (internal, not public API): register one more type after the
 *  shipped ones, for test programs that need a mechanism the tree does not
 *  ship (one whose hooks fail on purpose: tests/test_mechanism_contract.c).
 *  Call before loading a scenario, from one thread; the type must outlive
 *  every run. Returns 0, SALESIM_EINVAL (NULL, no name, wrong version, a
 *  name taken) or SALESIM_ELIMIT (no room). */
int salesim_mechanism_register_extra(const salesim_mechanism_type *t);

#endif
