/*
 * models/core/world.h: the simulated sales organisation (internal).
 *
 * A salesim_world is one replication of one mechanism: territories, people
 * (agents), their open opportunities, the random streams, and the running
 * accumulators of the firm's accounts. The engine owns the period loop
 * (models/core/sim.c); a mechanism only answers its questions through the type
 * object in models/core/mechanism.h, and reaches the world through the helpers
 * declared at the end of this file (models/core/world.c), never through the
 * loop: a mechanism includes world.h and mechanism.h, not sim.h.
 * Read next: models/core/mechanism.h, models/core/world.c.
 */
#ifndef SALESIM_WORLD_H
#define SALESIM_WORLD_H

#include <gsl/gsl_rng.h>
#include <salesim/salesim.h>

#include "schedule.h"
#include "streams.h"

#define SALESIM_STAGES 5       /* 20, 40, 60, 80, 100 % */
#define SALESIM_MAX_HORIZON 240
/* Bounded work (docs/limits.md): a replication fails with SALESIM_ELIMIT
 * rather than exceed these. Open opportunities: on average per position,
 * and in all (9 bytes each, at most twice that with blocks' room to grow);
 * new opportunities of one person in a month. */
#define SALESIM_MAX_OPEN_PER_POSITION 1000
#define SALESIM_MAX_OPEN_TOTAL (1 << 27)
#define SALESIM_MAX_LEADS_PER_MONTH 10000u
/* Open opportunities a slot keeps in the world's arena before its deals
 * move to a block of their own (pipeline.c) */
#define SALESIM_DEAL_STRIDE 32

typedef enum salesim_agent_status {
  SALESIM_AGENT_VACANT = 0,  /* position empty, waiting for a hire */
  SALESIM_AGENT_ACTIVE = 1,  /* selling */
  SALESIM_AGENT_TRAINING = 2 /* off the field (training ladder) */
} salesim_agent_status;

/* Why a person left. */
typedef enum salesim_exit {
  SALESIM_EXIT_QUIT = 0,     /* staying was worth less than the outside wage */
  SALESIM_EXIT_BROKE = 1,    /* savings ran out */
  SALESIM_EXIT_EXOGENOUS = 2,/* life events */
  SALESIM_EXIT_DISMISSED = 3 /* fired by a mechanism's rule */
} salesim_exit;

/** What a person brings (MODEL.md §3), drawn from the scenario's
 *  population distributions. */
typedef struct salesim_traits {
  double ability, skill, risk_aversion, effort_cost, outside_wage, savings, moral_cost;
} salesim_traits;

/** A person in a sales position (a slot: the position outlives the person). */
typedef struct salesim_agent {
  /* Layout (issue 12, memory at 1M reps): the loop passes over every slot
   * several times a month, most passes reading only the fields of the first
   * cache line (status, savings, tenure: vacancies, leaving, the month's
   * series, orphan books, the quarter's forecast) or the second (the
   * month's efforts, book and credit); the struct is 64-byte aligned so each
   * pass touches one line a slot. Keep these two groups together. */
  _Alignas(64) int status; /* salesim_agent_status */
  int vacant_until;      /* month a vacancy is filled */
  int tenure;            /* months in the firm */
  int hired_month;       /* month of hire (negative for the starting force) */
  int counted_6, counted_12; /* survival bookkeeping for new hires */
  double outside_wage;   /* w-bar per month */
  double savings;        /* currency */
  double stay_value;     /* CE per month of staying, last computed */
  double held_book;      /* vacant slot: its last holder's accounts, kept for the
                            replacement (production.accounts_to_hire) */
  double pipeline_value; /* sum of value * stage probability of open opps */
  /* the month's efforts, pay, book and credit */
  double hunt, farm;     /* efforts chosen this month */
  double last_pay;       /* pay of the last month */
  double leads_month;    /* new opportunities this month */
  double book;           /* monthly recurring revenue of owned accounts */
  double credit_period;  /* credited sales in the current pay period */
  double sales_year;     /* credited sales in the plan year */
  double pay_year;       /* pay earned in the plan year */
  /* traits (MODEL.md §3; outside_wage and savings above) */
  double ability;        /* theta */
  double skill;          /* hunting skill s */
  double risk_aversion;  /* CARA r per currency unit */
  double effort_cost;    /* c: cost c*(pi*h+f)^2/2 per month */
  double moral_cost;     /* kappa per false report */
  /* state */
  double target;         /* annual target (the firm's quota) */
  double target_pay;     /* annual on-target earnings (OTE) */
  double shadow;         /* shadow price of credit chosen last month */
  int id;                /* person id (unique in the run) */
  int territory;
  int manager;           /* manager id or -1 */
  /* open opportunities, oldest first, in one block (models/core/pipeline.c):
   * deal_value[k] and deal_stage[k] (1..4 = 20..80 %) for k < n_opps; the
   * block holds opp_cap deals, in the world's arena (w->deal_arena) while
   * opp_cap == w->deal_stride, its own allocation once it has grown */
  double *deal_value;
  unsigned char *deal_stage;
  int n_opps, opp_cap;
  double stage_sum[SALESIM_STAGES];  /* per stage: sum of open deals' values and of */
  double stage_sum2[SALESIM_STAGES]; /* their squares (salesim_pipeline_expect) */
  int hire_count;        /* people who have held this slot */
  int top_quintile;      /* ability in the top fifth of the starting force */
  int assigned;          /* this month: prospects assigned by a manager */
  int period_left;       /* this month: months left in the pay period (0: open) */
  int max_stage;         /* highest stage among open opportunities (0: none) */
  int has_prev;          /* a full plan year behind: prev_* are valid */
  int stuck_months;      /* pipeline review: months all opps at low stages */
  int coached_until;     /* pipeline review: month the coaching gain ends */
  int warned_month;      /* pipeline review: first warning this year, or -1 */
  double prev_target, prev_sales; /* last full plan year (ratchet) */
  double m_now, m_after; /* marginal pay of credit now / after the period */
  double exp_att, sd_att; /* attainment the agent expected at its last plan,
                            and how unsure it was */
  double pushed_value, pushed_wins; /* wins held back into the next period */
  double book_credit;    /* this month: credit per unit of book revenue */
  salesim_schedule sched; /* variable pay of the period vs period credit */
  gsl_rng *rng;          /* this slot's stream (owned by the world) */
} salesim_agent;

/** A territory (MODEL.md §2). */
typedef struct salesim_territory {
  double potential;      /* true annual new-business potential */
  double est_firm;       /* the firm's noisy estimate */
  double est_manager;    /* a manager's (better) estimate */
  double prospects0, prospects; /* prospect pool at start and now */
  double difficulty;
  double lead_rate;      /* leads per month at theta*s*h = 1, fresh pool */
  double orphan_book;    /* revenue of accounts whose owner left */
  double shock;          /* this month's market multiplier on leads */
  double hunters;        /* sum of hunting intensity this month */
  int n_slots;           /* positions in the territory (slots whose
                            agent->territory is k; mechanisms that move
                            people keep it right: salesim_world_move) */
  double lead_mult;      /* the territory manager's effect on lead arrival
                            (1 = none); folded into lead_rate */
  int manager;
  int assigned_accounts; /* bool: manager assigns prospects (no collisions) */
} salesim_territory;

/** Per-run accumulators the engine turns into metrics. */
typedef struct salesim_ledger {
  double revenue, revenue_new, revenue_book, new_customers;
  double pay, pay_fixed, pay_variable, mgmt_cost, hiring_cost;
  double quits, quits_broke, hires, offers_declined;
  double hunt_sum, farm_sum, effort_sum, agent_months;
  double leads, collisions;
  double pulled, pushed, discount_cost, wins_all;
  double pulled_value, pushed_value; /* list price of deals won by a pull, of deals pushed */
  double band_hunt[5], band_farm[5], band_n[5]; /* by starting book quintile */
  double warnings, warn_tp, warn_fp, warn_fn, warn_lead;
  double forecast, forecast_err_sum, forecast_n, quarter_sales;
  double effort_q4, effort_q123, effort_n_q4, effort_n_q123; /* reps ahead of target */
  double effort_late, effort_n_late; /* everyone, last quarter of plan years */
  double gini_sum, gini_n, corr_sum, corr_n;
  int hires_6_total, hires_6_alive, hires_12_total, hires_12_alive;
  int top_start, top_alive;
  /* plan-year attainment, accumulated over completed years */
  double att_n, att_below50, att_80_120, att_at, att_above150;
  double target_err_sum, target_err_n;
} salesim_ledger;

struct salesim_mechanism_type;
struct salesim_history;

typedef struct salesim_world {
  const salesim_scenario *sc;
  const salesim_mechanism_spec *spec;
  const struct salesim_mechanism_type *type;
  const void *params;     /* spec->params */
  void *state;            /* mechanism state (type->state_size bytes) */
  /* per-agent mechanism state: n_agents blocks of agent_state_stride bytes
   * (type->agent_state_size rounded up for alignment); NULL when the type
   * declares none. Reach it with salesim_agent_state(). */
  unsigned char *agent_state;
  size_t agent_state_stride;
  int rep;                /* replication index */
  uint64_t seed;          /* the run's seed (streams mix it with rep) */
  int month;              /* 0-based month of the run */
  int month_in_year;      /* 0..months_per_year-1 */
  int year;
  int next_person_id;

  salesim_agent *agents;  /* n_agents slots, 64-byte aligned inside agents_mem */
  void *agents_mem;
  int n_agents;
  salesim_territory *terr;
  int n_terr;
  /* open opportunities: each slot's first deal_stride deals in its own
   * block of the arena, slot after slot (deal_stride doubles, then as many
   * stage bytes); a slot with more moves to a block of its own */
  unsigned char *deal_arena;
  int deal_stride;
  int n_open;             /* open opportunities of all slots */

  double *shock;          /* [month * n_terr + k] market multipliers */
  double *linear_noise;   /* linear mode: [month * n_agents + slot] N(0,1) */
  double *linear_noise2;  /* linear mode, 2 tasks: the second task's noise */
  gsl_rng *rng_world;     /* world set-up (population, territories) */
  gsl_rng *rng_mech;      /* the mechanism's own stream */
  gsl_rng **rng_slot;     /* one per slot */

  /* pipeline calibration (models/core/pipeline.c) */
  double p_advance[SALESIM_STAGES], p_lose[SALESIM_STAGES];
  /* p_win[j]: P(an opp at stage j is eventually won), exactly j * 0.2 under
   * the rule from cycle_months; cycle: mean months from stage 1 (20 %) to
   * the contract of a deal that is won, sum_j 1/(a_j+l_j) (cycle_months
   * under that rule) */
  double p_win[SALESIM_STAGES], cycle;
  /* win_within[j][m]: P(an opp at stage j wins within m months) */
  double win_within[SALESIM_STAGES][SALESIM_MAX_HORIZON + 1];
  double psi[SALESIM_MAX_HORIZON + 1]; /* sum_{u<m} win_within[1][u] */
  double deal_mean, deal_m2; /* E[V], E[V^2] */
  salesim_dist_fast deal;    /* deal values, ready to draw */
  /* people's traits, ready to draw (salesim_world_draw_traits): ability,
   * skill, risk aversion, effort cost, outside wage, savings in months,
   * moral cost, the population's distributions with their lognormal
   * parameters worked out once (issue 12: hiring drew them anew for every
   * applicant) */
  salesim_dist_fast trait_dist[7];
  /* book_keep[m] = sum_{tau<m} (1-churn)^tau: book revenue over m months;
   * book_gain[m] = sum_{0<tau<m} tau (1-churn)^(tau-1): its derivative in
   * the monthly churn saved (models/core/decision.c) */
  double book_keep[SALESIM_MAX_HORIZON + 1], book_gain[SALESIM_MAX_HORIZON + 1];
  /* the same weighted by the agents' monthly discount factor d, for pay
   * that arrives as deals close (open-ended commission): disc[m] = sum_{s<m}
   * d^s; psi_d[m] = sum_{s<m} d^s sum_{tau<=m-1-s} d^tau P(win at step tau) */
  double disc[SALESIM_MAX_HORIZON + 1], psi_d[SALESIM_MAX_HORIZON + 1];
  double dpow[SALESIM_MAX_HORIZON + 1]; /* d^m */
  double book_keep_d[SALESIM_MAX_HORIZON + 1], book_gain_d[SALESIM_MAX_HORIZON + 1];

  /* the company's own people (sc->data has a roster, issue 13): the roster
   * row of the person who held slot i at the start, for i < n_agents
   * (salesim_data_starting_force); NULL without a roster */
  long *data_rep;
  /* the starting person's own figures while they hold their slot
   * (hire_count 0), [3*i + 0, 1, 2]: months employed, pay, credited sales;
   * NULL unless population.people_table and data_rep (people.csv,
   * models/core/sim_metrics.c); recorded only, never read by the model */
  double *person;

  salesim_ledger ledger;
  double mgmt_prev;       /* management cost up to last month */
  unsigned long long draws; /* random draws made in the loop (bench/) */
  double book_cut[4];     /* quintile cut points of the starting books */
  double *scratch_a, *scratch_b; /* n_agents doubles for year statistics */
  double *ote_ratio;      /* pay / target pay of full-year reps, all years */
  int n_ote;
  double *own_metrics, *own_monthly; /* used when not writing to a task */
  double *metrics;        /* out: n_metrics values (engine/base/metrics.h catalogue) */
  int n_metrics;
  double *monthly;        /* out: months * SALESIM_SERIES_COUNT */
  salesim_table **tables; /* detail tables added by the mechanism */
  int n_tables;
  /* bounded work (docs/limits.md): the pool of open opportunities and the
   * leads one person may find in a month, set from the scenario */
  int opp_limit;
  unsigned leads_limit;
  /* a failure inside the loop or a hook (out of memory, a solver, a bound):
   * the first one is kept; the engine ends the run after the month with
   * `error_text` as its diagnostic (salesim_world_fail) */
  int error;
  char error_text[200];
  /* the history recorder (models/core/history.h): NULL unless the run
   * exports its history; it records, it never changes what happens */
  struct salesim_history *history;
} salesim_world;

/* ---- helpers for mechanisms and the engine (models/core/world.c) ------------- */

/** Draw a person's traits from the population (savings in currency). */
void salesim_world_draw_traits(const salesim_world *w, gsl_rng *r, salesim_traits *t);
/** Put a person's traits into a position, or read them back out. */
void salesim_agent_set_traits(salesim_agent *a, const salesim_traits *t);
void salesim_agent_get_traits(const salesim_agent *a, salesim_traits *t);
/** Annual target of agent `a` under the scenario's target rule. */
double salesim_world_rule_target(const salesim_world *w, const salesim_agent *a);
/** Pay by grade (target_salary, flat_salary, the org family's reps): the
 *  grade of a person with `tenure` months is the last i with
 *  tenure >= grade_tenure[i]; returns salary_by_grade[that grade]. */
double salesim_grade_salary(const salesim_vector *salary_by_grade,
                            const salesim_vector *grade_tenure, int tenure);
/** A mechanism's check of a (salary_by_grade, grade_tenure) pair: the same
 *  length, the first tenure 0. Adds one line per problem, as
 *  "WHERE.TENURE_NAME: ..." naming both settings; returns 1 if there was
 *  one, else 0. */
int salesim_check_grades(const salesim_vector *salary_by_grade, const salesim_vector *grade_tenure,
                         const char *where, const char *salary_name, const char *tenure_name,
                         salesim_diag *diag);
/** The value to a rep of one unit of credit that lands after its pay period
 *  under any plan with a target (target_salary, quota_bonus, the org family:
 *  top_down, tender, forecast_bonus), docs/model.md "after_value": the
 *  schedule's expected slope where the rep expects to land, attainment
 *  exp_att +- sd_att of the target (sd at least 0.1), as this period as far as
 *  it can tell; without an expectation yet (exp_att <= 0) at x_default. Not
 *  scaled by the months left: next period's rules are the same. */
double salesim_world_after_value(const salesim_schedule *sched, double target, double exp_att,
                                 double sd_att, double x_default);
/** Add pay to an agent's month (fixed or variable part), with bookkeeping;
 *  the amount reaches the agent's savings at once, from any hook. */
void salesim_world_pay(salesim_world *w, salesim_agent *a, double amount,
                       int variable);
/** Add a management cost (audits, panels, training, coaching...). */
void salesim_world_mgmt_cost(salesim_world *w, double amount);
/** Attach a detail table to this run (ownership passes). */
int salesim_world_add_table(salesim_world *w, salesim_table *t);
/** Record a failure that must end this run (a negative SALESIM_E* code and
 *  a one-line reason); only the first is kept. A failing hook calls this
 *  and returns the code (models/core/mechanism.h); the engine checks w->error
 *  after every hook and month. */
void salesim_world_fail(salesim_world *w, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/** Remove an agent from the firm (leaving or dismissed): survival counts,
 *  salesim_world_vacate, then salesim_world_count_leaver. */
void salesim_world_exit(salesim_world *w, salesim_agent *a, int why);
/** Empty slot `a` without counting a leaver (the person stays in the firm
 *  off the field, e.g. demoted to a bench): the accounts become the
 *  territory's orphan book, the pipeline is dropped, and the slot waits
 *  hire_delay months for a hire. */
void salesim_world_vacate(salesim_world *w, salesim_agent *a);
/** Count one person leaving the firm (`why`: salesim_exit) in the ledger
 *  and the month's series, for people who leave from outside the slots. */
void salesim_world_count_leaver(salesim_world *w, int why);
/** The per-agent state of slot `a` (a pointer into w->agents): the
 *  mechanism's agent_state_size bytes, aligned for any type; NULL when the
 *  type declares none. Mechanisms wrap it in a typed static inline function
 *  (models/mechanisms/commission.c: static commission_agent *ca(w, a)). */
void *salesim_agent_state(salesim_world *w, const salesim_agent *a);
const void *salesim_agent_state_const(const salesim_world *w, const salesim_agent *a);
/** Pay to people outside the sales slots (managers): the firm's pay ledger
 *  only (fixed or variable part). */
void salesim_world_pay_staff(salesim_world *w, double amount, int variable);
/** A hint for a large block the loop walks every month (the agents: 896
 *  bytes a slot since issue 14's 8 schedule jumps, 832 before; the deal arena): ask Linux for 2 MB pages in its 2 MB
 *  aligned interior, before the first touch (madvise MADV_HUGEPAGE; models/
 *  core/world_alloc.c). Where refused or unknown nothing changes; results
 *  never do. */
void salesim_world_advise_huge(void *p, size_t n);
/** Recompute territory k's lead_rate from its potential, slot count and
 *  lead_mult: lead_rate = P * lead_mult / (n_slots * 12 * W_1 * E[V]), W_1 = p_win[1], so a
 *  full team hunting at unit intensity meets the potential. */
void salesim_world_territory_update(salesim_world *w, int k);
/** Move the person in slot `a` to territory k (team formation): the slot
 *  counts of both territories and their lead rates follow; the person's
 *  accounts stay behind as k's old territory's orphan book (the accounts are
 *  the territory's), the open pipeline goes with the person. */
void salesim_world_move(salesim_world *w, salesim_agent *a, int k);

#endif
