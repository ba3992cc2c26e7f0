/*
 * models/core/mechanism.h: a mechanism as a type object (as gsl_rng_type or
 * sqlite3_vfs): a const struct of function pointers with a name (the key a
 * scenario file uses) and a version. The engine owns the loop (models/core/sim.c)
 * and asks the mechanism, in this order each month:
 *
 *   year_start  (first month of a plan year: set targets and pay schedules)
 *   incentive   (per active agent: what the agent's pay rules are this month)
 *   -- agents decide efforts (models/core/decision.c), the market produces --
 *   month_pay   (per active agent: pay for the month given its outcome)
 *   month_end   (after all agents: audits, reviews, demotions, ...)
 *   period_end  (last month of a pay period: settle bonuses)
 *   report      (end of run: mechanism-specific metrics and tables)
 *
 * Every hook but `name`, `params`, `incentive` and `month_pay` may be NULL.
 * The behaviour of agents is never coded here: a mechanism states rules
 * (pay, information, who owns accounts) and the agents optimise against them.
 * Read next: models/mechanisms/registry.c, models/mechanisms/commission.c.
 */
#ifndef SALESIM_MECHANISM_H
#define SALESIM_MECHANISM_H

#include "world.h"

#define SALESIM_MECHANISM_VERSION 1

struct salesim_choice; /* models/core/decision.h */

/** What an agent faces this month (filled by the mechanism's `incentive`;
 *  the engine zeroes it first and sets the defaults noted). */
typedef struct salesim_incentive {
  double base_month;    /* certain pay this month (base salary) */
  double cash_floor;    /* guaranteed cash this month (a draw against
                           commission): helps liquidity, not value */
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
  double extra_farm;    /* same for farming */
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
  int (*init)(salesim_world *w);       /* after the population exists */
  void (*fini)(salesim_world *w);      /* free what init allocated */

  void (*year_start)(salesim_world *w);
  /** A person starts in slot `a` (start of run or a replacement hire). */
  void (*hire)(salesim_world *w, salesim_agent *a);
  void (*incentive)(const salesim_world *w, const salesim_agent *a,
                    salesim_incentive *inc);
  /** Pay for the month; call salesim_world_pay() for each part. */
  void (*month_pay)(salesim_world *w, salesim_agent *a,
                    const salesim_outcome *o);
  /** Optional: choices that exist only under this mechanism (e.g. false
   *  visit reports), made by the agent after the engine's effort choice by
   *  comparing its own certainty equivalents; may change ch->hunt/farm. */
  void (*adjust)(salesim_world *w, salesim_agent *a, const salesim_incentive *inc,
                 struct salesim_choice *ch);
  /** Optional: fill vacant slot `a` from inside (a reserve bench) instead
   *  of hiring from outside; return 1 if filled (then also call what `hire`
   *  would), 0 to let the engine hire once the delay is over. Called every
   *  month for every vacancy. */
  int (*fill)(salesim_world *w, salesim_agent *a);
  void (*month_end)(salesim_world *w);
  void (*period_end)(salesim_world *w);
  /** Fill mechanism-specific metrics (w->metrics) and tables. */
  void (*report)(salesim_world *w);
} salesim_mechanism_type;

/** Find a registered type by name; NULL if none. */
const salesim_mechanism_type *salesim_mechanism_find(const char *name);
/** The registered types, NULL-terminated. */
const salesim_mechanism_type *const *salesim_mechanism_all(void);

#endif
