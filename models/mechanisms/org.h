/*
 * models/mechanisms/org.h: the managed sales organisation shared by the target-setting
 * mechanisms of issue 4 (`tender`, `top_down`, `forecast_bonus`; MODEL.md
 * §6.4, §6.7 and the top-down target rule; DIGEST §1 Case B).
 *
 * Territory MANAGERS are agents too, but not sales slots: a population kept
 * in the mechanism's state with ability (a multiplier on their team's lead
 * arrival: ability^manager_effect, through territory lead_mult), risk
 * aversion, an outside wage, and a private noisy estimate of every
 * territory's potential (log sd `territories.manager_estimate_sd`, better
 * than the firm's `firm_estimate_sd`). What a person privately sees (a
 * manager's estimate, a panel's view, a rep's view of a manager...) is a
 * counter-based draw from (seed, replication, what, who, year), so it is the
 * same under every mechanism and any thread count.
 *
 * A territory's TEAM is the reps in its slots whose `manager` field names
 * the territory's manager; other reps in the territory are "house" reps run
 * by the firm on its own top-down target. Each plan year a mechanism decides
 * who manages which territory and the territory's target (a winning bid, a
 * bargained firm target, a forecast, or the firm's fallback target); this
 * module then
 *   - hands the territory's orphan accounts (of leavers and movers) to the
 *     reps working it: dealt by the manager in equal-revenue shares, or with
 *     `cut_choose` split within pairs of teammates by cut-and-choose
 *     (models/algorithms/fairdiv.h; "accounts" below);
 *   - pays reps target salary (by grade, fixed:variable mix, payout curve)
 *     on the manager's split of the territory target T in proportion to
 *     what each member is expected to sell: a year of its own book plus an
 *     equal share of the new business the manager expects (E = phi_new x
 *     manager effect x its estimate of potential):
 *         target_r = T (12 book_r + E/n) / (12 book_team + E),
 *     at least the rep's target salary;
 *   - pays managers a package that scales with the target (`package`
 *     points: target -> annual package): the fixed part is
 *     manager_fixed_share x the package of the target the FIRM sets (posted
 *     or allocated), paid monthly; the variable part is the rest of the
 *     package of the target that pays it (a winning bid raises it, a
 *     bargained cut does not lower it), paid at year end on attainment
 *     against the territory target (payout curve) or as a Gonik bonus;
 *   - keeps the year's territory accounts, the public league table the
 *     managers learn from, the metrics and the "who won what" table.
 *
 * ACCOUNTS. A rep's book is one number (monthly recurring revenue). When
 * orphan accounts are handed out, the orphan book is cut into accounts of
 * account_share * V each, V drawn from the deal distribution (the engine's
 * own account size), scaled so they sum to the orphan book; each rep values
 * an account at its revenue times a private taste exp(N(0, taste sd)).
 * Once handed out an account is again part of the rep's aggregate book.
 *
 * The code: models/mechanisms/org.c (checks, private views, manager's CE
 * and the split, init/fini, the salesim_org_hook_* hooks),
 * models/mechanisms/org_year.c (year_begin, appoint, accounts, rep_offer,
 * rep_plan, hire, start_plans, attach_and_start),
 * models/mechanisms/org_pay.c (incentive, month_pay, month_end, year_end,
 * the metrics, report).
 *
 * Read next: models/mechanisms/org.c, then models/mechanisms/tender.c,
 * models/mechanisms/top_down.c, models/mechanisms/forecast_bonus.c.
 */
#ifndef SALESIM_ORG_H
#define SALESIM_ORG_H

#include <stddef.h>

#include "forecast.h"
#include "mechanism.h"

/** Settings every managed mechanism shares (embedded as `org` in its params
 *  struct; the specs come from SALESIM_ORG_PARAM_SPECS). */
typedef struct salesim_org_params {
  int managers;                     /* candidates; 0 = two per territory */
  salesim_dist manager_ability;
  salesim_dist manager_risk_aversion;
  salesim_dist manager_outside_wage;
  double manager_effect;            /* lead arrival x ability^effect */
  salesim_points package;           /* territory target -> annual package */
  double manager_fixed_share;
  salesim_points manager_curve;     /* attainment -> multiple of variable */
  salesim_vector rep_salary_by_grade;
  salesim_vector rep_grade_tenure;
  double rep_fixed_share;
  salesim_points rep_curve;
  double prior_new_share;           /* managers' prior realisation ratio */
  double learning_rate;
  double sales_cv;
  double estimate_firm_corr;        /* corr of a manager's log estimate error with the firm's */
  double firm_view_sd;              /* firm's view of a manager's ability */
  double rep_view_sd;               /* a rep's view of a manager's ability */
  double manager_view_sd;           /* a manager's view of a rep's ability */
  int cut_choose;                   /* bool */
  double account_taste_sd;
  int table;                        /* SALESIM_ORG_TABLE_* */
} salesim_org_params;

enum { SALESIM_ORG_TABLE_FIRST = 0, SALESIM_ORG_TABLE_ALL = 1, SALESIM_ORG_TABLE_NONE = 2 };

extern const salesim_dist salesim_org_default_ability;
extern const salesim_dist salesim_org_default_risk_aversion;
extern const salesim_dist salesim_org_default_outside_wage;
extern const salesim_points salesim_org_default_package;
extern const salesim_points salesim_org_default_manager_curve;
extern const salesim_vector salesim_org_default_salary;
extern const salesim_vector salesim_org_default_grade_tenure;
extern const salesim_points salesim_org_default_rep_curve;

/* The specs of salesim_org_params inside a mechanism's params struct T
 * (field `org`). */
#define SALESIM_ORG_PARAM_SPECS(T)                                                             \
  {"managers", SALESIM_P_INT, offsetof(T, org.managers), 0, NULL, 0, 1000000, 0, NULL,        \
   "people", "Manager candidates (territory managers are agents, not sales slots); 0: two "   \
   "per territory."},                                                                          \
  {"manager_ability", SALESIM_P_DIST, offsetof(T, org.manager_ability), 0,                     \
   &salesim_org_default_ability, 0, 1e9, SALESIM_PF_MIN_EXCL, NULL, "multiple",               \
   "A manager's ability; the team's lead arrival is multiplied by ability^manager_effect."},  \
  {"manager_risk_aversion", SALESIM_P_DIST, offsetof(T, org.manager_risk_aversion), 0,         \
   &salesim_org_default_risk_aversion, 0, 1, 0, NULL, "per currency",                         \
   "A manager's CARA risk aversion."},                                                        \
  {"manager_outside_wage", SALESIM_P_DIST, offsetof(T, org.manager_outside_wage), 0,           \
   &salesim_org_default_outside_wage, 0, 1e9, 0, NULL, "currency/month",                      \
   "A manager's outside wage: a territory is worth bidding for only above it."},              \
  {"manager_effect", SALESIM_P_DOUBLE, offsetof(T, org.manager_effect), 0.5, NULL, 0, 5, 0,    \
   NULL, "elasticity", "Lead arrival of a managed territory is multiplied by "                \
   "manager ability^manager_effect (0: managers do not change sales)."},                      \
  {"package", SALESIM_P_POINTS, offsetof(T, org.package), 0, &salesim_org_default_package, 0, \
   1e12, SALESIM_PF_INCREASING, "target|package", "(currency/year, currency/year)",            \
   "A manager's annual package as a function of the territory target: linear between "        \
   "points, extended along the last segment."},                                               \
  {"manager_fixed_share", SALESIM_P_DOUBLE, offsetof(T, org.manager_fixed_share), 0.4, NULL,   \
   0, 1, 0, NULL, "share", "Share of the manager's package paid monthly; the rest on "         \
   "attainment against the territory target at year end."},                                  \
  {"manager_curve", SALESIM_P_POINTS, offsetof(T, org.manager_curve), 0,                       \
   &salesim_org_default_manager_curve, 0, 100, SALESIM_PF_INCREASING, "attainment|pay",       \
   "(attainment, multiple)", "Manager's payout curve: attainment of the team against the "    \
   "territory target -> multiple of the variable package (flat after the last point)."},     \
  {"rep_salary_by_grade", SALESIM_P_VECTOR, offsetof(T, org.rep_salary_by_grade), 0,           \
   &salesim_org_default_salary, 0, 1e9, SALESIM_PF_MIN_EXCL, NULL, "currency/year",           \
   "Reps' target annual salary by grade (reps are paid target salary on their split of the "  \
   "territory target)."},                                                                     \
  {"rep_grade_tenure", SALESIM_P_VECTOR, offsetof(T, org.rep_grade_tenure), 0,                 \
   &salesim_org_default_grade_tenure, 0, 1200, SALESIM_PF_INCREASING, NULL, "months",         \
   "Tenure from which each rep grade applies; same length as rep_salary_by_grade, first 0."}, \
  {"rep_fixed_share", SALESIM_P_DOUBLE, offsetof(T, org.rep_fixed_share), 0.7, NULL, 0, 1, 0,  \
   NULL, "share", "Fixed part of a rep's target salary, paid monthly."},                      \
  {"rep_curve", SALESIM_P_POINTS, offsetof(T, org.rep_curve), 0,                               \
   &salesim_org_default_rep_curve, 0, 100, SALESIM_PF_INCREASING, "attainment|pay",           \
   "(attainment, multiple)", "Reps' payout curve on attainment of their own target."},        \
  {"prior_new_share", SALESIM_P_DOUBLE, offsetof(T, org.prior_new_share), 0.3, NULL, 0, 10,   \
   SALESIM_PF_MIN_EXCL, NULL, "ratio", "Managers' prior belief of a year's new business per " \
   "unit of (estimated potential x manager effect), before any league table is published."}, \
  {"learning_rate", SALESIM_P_DOUBLE, offsetof(T, org.learning_rate), 0.5, NULL, 0, 1, 0,      \
   NULL, "share", "Weight managers give each year's published results when updating their "   \
   "beliefs (realisation ratios, winning bids)."},                                           \
  {"sales_cv", SALESIM_P_DOUBLE, offsetof(T, org.sales_cv), 0.1, NULL, 0, 10, 0, NULL,         \
   "share", "Managers' belief of the coefficient of variation of a team's annual sales "      \
   "beyond their estimate's own error."},                                                    \
  {"estimate_firm_corr", SALESIM_P_DOUBLE, offsetof(T, org.estimate_firm_corr), 0.5, NULL, \
   -1, 1, 0, NULL, "correlation", "Correlation of each manager's log error in estimating a "  \
   "territory's potential with the firm's own log error there (0: independent private "      \
   "signals; 1: every manager's error is the firm's, scaled to manager_estimate_sd; "       \
   "default 0.5: docs/tender.md)."},                                                          \
  {"firm_view_sd", SALESIM_P_DOUBLE, offsetof(T, org.firm_view_sd), 0.2, NULL, 0, 10, 0,       \
   NULL, "log sd", "Noise of the firm's view of a manager's ability when it appoints "        \
   "managers (top-down, forecast bonus)."},                                                  \
  {"rep_view_sd", SALESIM_P_DOUBLE, offsetof(T, org.rep_view_sd), 0.2, NULL, 0, 10, 0, NULL,   \
   "log sd", "Noise of a rep's view of a manager's ability (tender team formation)."},        \
  {"manager_view_sd", SALESIM_P_DOUBLE, offsetof(T, org.manager_view_sd), 0.2, NULL, 0, 10, 0, \
   NULL, "log sd", "Noise of a manager's view of a rep's ability (tender team formation)."},  \
  {"cut_choose", SALESIM_P_BOOL, offsetof(T, org.cut_choose), 0, NULL, 0, 1, 0, NULL, "bool",  \
   "Orphan accounts handed to a territory's reps are split within pairs of teammates by "     \
   "cut-and-choose (the senior cuts, the other picks) instead of dealt by the manager."},     \
  {"account_taste_sd", SALESIM_P_DOUBLE, offsetof(T, org.account_taste_sd), 0.3, NULL, 0, 10,  \
   0, NULL, "log sd", "Spread of reps' private valuations of an account around its revenue."}, \
  {"territory_table", SALESIM_P_CHOICE, offsetof(T, org.table), SALESIM_ORG_TABLE_FIRST, NULL, \
   0, 2, 0, "first|all|none", "choice",                                                        \
   "Write tender_territories.csv (who ran which territory on what target, each year) for "   \
   "replication 0, for all replications, or not."}

/** Check the shared settings (lengths, first tenure 0, curves); one diag
 *  line per problem prefixed by `where`. Returns 0 or SALESIM_ESCENARIO. */
int salesim_org_check(const salesim_org_params *p, const char *where, salesim_diag *diag);

/** A territory manager. */
typedef struct salesim_manager {
  double ability, risk_aversion, outside_wage;
  double mult;          /* ability^manager_effect */
  int territory;        /* run this year, or -1 */
  double target;
  double fixed_year;    /* fixed pay of the year (set by the mechanism) */
  double variable;      /* variable pay at 100 % (set by the mechanism) */
  double fixed_month;   /* monthly fixed pay */
  double firm_ref;      /* forecast bonus: the firm's target it is scaled by */
  salesim_schedule sched;
} salesim_manager;

/** How a territory's target was set this year. */
enum {
  SALESIM_ORG_KIND_FALLBACK = 0, /* the firm's target, with an appointed
                                    manager if one was free */
  SALESIM_ORG_KIND_BID = 1,      /* the manager's winning bid */
  SALESIM_ORG_KIND_FIRM = 2,     /* the firm's split, bargained down */
  SALESIM_ORG_KIND_FORECAST = 3  /* the manager's forecast */
};

/** A territory's plan year. */
typedef struct salesim_org_terr {
  int manager;          /* index or -1 */
  int kind;             /* SALESIM_ORG_KIND_* */
  double firm_target;   /* the firm's rule target from its estimate */
  double posted;        /* posted target (tender) or allocation (top-down) */
  double target;        /* this year's territory target */
  double bid;           /* winning bid, NAN if none */
  double book_start;    /* the territory's book at year start (monthly) */
  double mu;            /* the manager's forecast of the team's sales */
  double new_share;     /* expected new business per member (split) */
  double scale;         /* target / (12 team book + team new business) */
  double team_sales, team_new;  /* the team's credit this year */
  double all_new, all_book;     /* all credit in the territory */
  int team;             /* team members at year start */
  int bids;             /* bids received */
  int rounds;           /* bargaining rounds */
} salesim_org_terr;

/** A rep's plan under an organisation: the per-agent state of tender,
 *  top_down and forecast_bonus (their agent_state_size). */
typedef struct salesim_org_agent {
  double base_month;    /* monthly fixed pay */
  double variable_full; /* variable pay at 100 % attainment (prorated) */
} salesim_org_agent;

/** The organisation (embed in the mechanism's state). */
typedef struct salesim_org {
  const salesim_org_params *p;
  salesim_manager *mgr;
  int n_mgr;
  salesim_org_terr *terr;
  int n_terr;
  salesim_forecast_bonus gonik; /* used when use_gonik */
  int use_gonik;
  double phi_new, phi_book;     /* managers' learned realisation ratios */
  int years;                    /* completed plan years */
  /* metric accumulators (run totals) */
  double terr_err_sum, terr_err_n, winners, cursed;
  /* winners' bids, own expected sales (when they bid) and realised sales */
  double win_bid_sum, win_expect_sum, win_sales_sum;
  double voided, unfilled, unmatched, panel_cost, bargain_cost;
  double bargain_cut_sum, bargain_cut_n, blamed, manager_pay, envy, envy_n;
  long chooser_envy, splitter_short, splits; /* cut-and-choose checks */
  salesim_table *table;
  /* workspaces (sized at init) */
  int *members;                 /* n_agents */
  int acc_cap;
  double *acc_rev, *acc_v0, *acc_v1, *bundle_rev;
  int *acc_bundle, *acc_owner, *acc_idx;
} salesim_org;

/** The organisation of a world whose mechanism is tender, top_down or
 *  forecast_bonus (each keeps its salesim_org first in its state). */
salesim_org *salesim_org_of(salesim_world *w);

/** Draw the managers and size the workspaces. Returns 0 or SALESIM_ENOMEM. */
int salesim_org_init(salesim_org *o, salesim_world *w, const salesim_org_params *p);
/** Free what init allocated (the table if not yet handed over). */
void salesim_org_fini(salesim_org *o);

/** A standard normal that depends only on (seed, replication, what, i, j,
 *  year): what people privately see. */
double salesim_org_normal(const salesim_world *w, int what, long i, long j, int year);
/** The uniform on [0, 1) behind salesim_org_normal (same counters). */
double salesim_org_uniform(const salesim_world *w, int what, long i, long j, int year);
enum {
  SALESIM_ORG_SEE_ESTIMATE = 1, /* manager i's estimate of territory j */
  SALESIM_ORG_SEE_PANEL = 2,    /* panel's view of manager i's plan for j */
  SALESIM_ORG_SEE_REP = 3,      /* rep (person i) views manager j */
  SALESIM_ORG_SEE_MANAGER = 4,  /* manager i views rep (person j) */
  SALESIM_ORG_SEE_TASTE = 5,    /* rep (person i) values account j */
  SALESIM_ORG_SEE_FIRM = 6,     /* the firm views manager i */
  SALESIM_ORG_SEE_ENTRY = 7     /* manager i's j-th entry draw (tender, mixed entry) */
};

/** Manager i's estimate of territory k's potential. */
double salesim_org_estimate(const salesim_world *w, const salesim_org *o, int i, int k);
/** The package for a territory target (points, extended linearly). */
double salesim_org_package(const salesim_org_params *p, double target);
/** Manager i's belief of its team's annual sales in territory k:
 *  mean phi_new * mult_i * estimate_ik + phi_book * 12 * book_k, sd from
 *  the estimate's error and sales_cv. */
void salesim_org_belief(const salesim_world *w, const salesim_org *o, int i, int k,
                        double *mean, double *sd);
/** Fixed pay of a year when the firm's target is `firm_target`:
 *  manager_fixed_share x package(firm_target). */
double salesim_org_fixed(const salesim_org_params *p, double firm_target);
/** Variable pay at 100 % when the package is set by `target`:
 *  (1 - manager_fixed_share) x package(target). */
double salesim_org_variable(const salesim_org_params *p, double target);
/** Manager i's certainty equivalent (a year's pay) of running a territory
 *  with `target`, fixed pay `fixed` and variable pay `variable` at 100 %
 *  when it believes sales ~ N(mean, sd^2):
 *  fixed + E[variable * curve(S/target)] - (r/2) slope^2 sd^2. */
double salesim_org_manager_ce(const salesim_org *o, int i, double target, double fixed,
                              double variable, double mean, double sd);
/** The manager's split (see above): rep target for a member with book
 *  `book_r` in a team of n with book `team_book` and expected new business
 *  `new_total`, when the territory target is `target`. */
double salesim_org_split(double target, double team_book, int n, double new_total,
                         double book_r);
/** Rep's target annual salary by grade. */
double salesim_org_rep_salary(const salesim_org_params *p, const salesim_agent *a);
/** The incentive of a rep on target salary with annual `target` and
 *  `salary` at the start of a plan year (for what-if valuations): fills
 *  *sched and *inc. */
void salesim_org_rep_offer(const salesim_world *w, const salesim_org *o, const salesim_agent *a,
                           double target, double salary, salesim_schedule *sched,
                           salesim_incentive *inc);

/** First month of a plan year, before the mechanism decides: territory
 *  books, the firm's targets, reset of the year's accounts. */
void salesim_org_year_begin(salesim_world *w, salesim_org *o);
/** Top-down appointment: the firm ranks the managers who run no territory
 *  by its noisy view of ability and gives the best the largest territories
 *  (by its own target) among those nobody runs. Returns the number
 *  appointed, or SALESIM_ENOMEM (world error set). The caller puts reps in
 *  teams. */
int salesim_org_appoint(salesim_world *w, salesim_org *o);
/** After the mechanism has set each territory's manager, kind, target and
 *  each rep's `manager`, and each running manager's package: orphan
 *  accounts, lead multipliers, rep and manager plans. Returns 0 or a
 *  negative code (world error set: cut-and-choose, a pay schedule). */
int salesim_org_start_plans(salesim_world *w, salesim_org *o);
/** Plan of one rep (start of year or a hire: prorated), kept in the rep's
 *  salesim_org_agent. Returns 0 or a negative code (world error set). */
int salesim_org_rep_plan(salesim_world *w, salesim_org *o, salesim_agent *a);
/** A new hire in slot a: joins the territory's team when the team has
 *  fewer than `max_team` members (max_team <= 0: no limit). Returns as
 *  salesim_org_rep_plan. */
int salesim_org_hire(salesim_world *w, salesim_org *o, salesim_agent *a, int max_team);

void salesim_org_incentive(const salesim_world *w, const salesim_org *o, const salesim_agent *a,
                           salesim_incentive *inc);
void salesim_org_month_pay(salesim_world *w, salesim_org *o, salesim_agent *a,
                           const salesim_outcome *out);
/** Managers' monthly fixed pay. */
void salesim_org_month_end(salesim_world *w, salesim_org *o);

/** After targets are set: each rep joins its territory's manager's team;
 *  then every rep's plan starts. Returns the number of active reps left
 *  without a manager, or a negative code (as salesim_org_start_plans). */
int salesim_org_attach_and_start(salesim_world *w, salesim_org *o);

/* Hooks for mechanisms whose state struct starts with its salesim_org
 * (tender, top_down, forecast_bonus) and whose per-agent state is a
 * salesim_org_agent: use them directly in the type object. */
int salesim_org_hook_incentive(const salesim_world *w, const salesim_agent *a,
                               salesim_incentive *inc);
int salesim_org_hook_month_pay(salesim_world *w, salesim_agent *a, const salesim_outcome *out);
int salesim_org_hook_month_end(salesim_world *w);
/** Last month of a plan year: settle reps and managers, count, learn, and
 *  write the year's rows of the territory table. Returns 0 or
 *  SALESIM_ENOMEM (world error set). */
int salesim_org_year_end(salesim_world *w, salesim_org *o);
/** End of run: metrics; hands the territory table to the world. */
/* The metrics of the org family (tender, top_down, forecast_bonus share
 * one list; each sets the ones it has, the rest stay NAN). */
enum {
  SALESIM_ORG_METRIC_TERRITORY_TARGET_ERROR,
  SALESIM_ORG_METRIC_BID_TO_SALES,
  SALESIM_ORG_METRIC_WINNERS_CURSE,
  SALESIM_ORG_METRIC_AWARDS_VOIDED,
  SALESIM_ORG_METRIC_TERRITORIES_UNFILLED,
  SALESIM_ORG_METRIC_REPS_UNMATCHED,
  SALESIM_ORG_METRIC_PANEL_COST,
  SALESIM_ORG_METRIC_BARGAINING_COST,
  SALESIM_ORG_METRIC_BARGAINING_CUT,
  SALESIM_ORG_METRIC_BLAMED_MISSES,
  SALESIM_ORG_METRIC_MANAGER_PAY,
  SALESIM_ORG_METRIC_ENVY_RATE,
  SALESIM_ORG_METRIC_BIDS_MISSED,
  SALESIM_ORG_METRIC_TERRITORIES_NO_BID,
  SALESIM_ORG_METRIC_BIDS_MAX,
  SALESIM_ORG_METRIC_COUNT
};
extern const salesim_metric_decl salesim_org_metrics[SALESIM_ORG_METRIC_COUNT];
/** Set the family's shared metrics and hand over the detail table. */
void salesim_org_report(salesim_world *w, salesim_org *o);

#endif
