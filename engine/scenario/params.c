/*
 * engine/scenario/params.c: parameter tables (salesim_param_table): the tables of the
 * scenario's own groups (MODEL.md §1-§4), their defaults, range and default
 * texts, "did you mean" suggestions, and the markdown reference printed by
 * `salesim params` and kept in docs/scenario-format.md.
 *
 * Nothing here reads files: engine/scenario/scenario.c walks a libconfig tree with
 * these tables. Mechanisms bring their own tables (models/mechanisms/commission.c).
 * Read next: engine/scenario/scenario.c.
 */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "mechanism.h"
#include "params.h"

#define INF ((double)INFINITY)
#define N_SPECS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the top level --------------------------------------------------- */

static const salesim_param_spec top_specs[] = {
    {"name", SALESIM_P_STRING, offsetof(salesim_scenario_top, name), 0, "", 0, 0, 0, NULL,
     "text", "Scenario name shown in reports and the default output folder out/<name>: 1 to 63 letters, digits, -, _ or ., not starting with . (docs/safety.md); default: the file name without extension, made safe."},
    {"description", SALESIM_P_STRING, offsetof(salesim_scenario_top, description), 0, "", 0,
     0, 0, NULL, "text", "Free text shown in reports (any length); default: none."},
    {"currency", SALESIM_P_STRING, offsetof(salesim_scenario_top, currency), 0, "CNY", 0, 0, 0,
     NULL, "text",
     "Label of the one currency unit every amount of money is in (at most 15 characters)."},
    {"seed", SALESIM_P_INT, offsetof(salesim_scenario_top, seed), 1, NULL, 0, INT_MAX, 0, NULL,
     "", "Seed of all random streams: the same seed gives the same results."},
    {"replications", SALESIM_P_INT, offsetof(salesim_scenario_top, replications), 20, NULL, 1,
     100000, 0, NULL, "runs", "Independent runs of every mechanism (common random numbers)."},
    {"months", SALESIM_P_INT, offsetof(salesim_scenario_top, months), 36, NULL, 1, 600, 0, NULL,
     "months", "Length of a run."},
    {"months_per_year", SALESIM_P_INT, offsetof(salesim_scenario_top, months_per_year), 12, NULL,
     1, 24, 0, NULL, "months",
     "Months in a plan year (targets, annual settlement); a quarter is 3 months of it."},
    {"baseline", SALESIM_P_STRING, offsetof(salesim_scenario_top, baseline), 0, "", 0, 0, 0,
     NULL, "label",
     "Name of the mechanism the others are compared against; default: the first."},
    {"mode", SALESIM_P_CHOICE, offsetof(salesim_scenario_top, mode), SALESIM_STUDY_COMPARISON,
     NULL, 0, 1, 0, "comparison|costing", "choice",
     "comparison: several plans on one sales force; costing: one plan, many draws, with "
     "P5/P50/P95 of cost and profit and the chance of exceeding `budget` (costing.csv)."},
    {"budget", SALESIM_P_DOUBLE, offsetof(salesim_scenario_top, budget), 0, NULL, 0, INF, 0,
     NULL, "currency/year",
     "costing: annual pay-cost budget whose chance of being exceeded is reported; 0: none."},
};

/* ---- sweeps (docs/batch-and-sweeps.md) ------------------------------------ */

static const salesim_vector no_values = {0, {0}};

static const salesim_param_spec sweep_specs[] = {
    {"design", SALESIM_P_CHOICE, offsetof(salesim_sweep, design), SALESIM_SWEEP_GRID, NULL, 0, 2,
     0, "grid|lhs|sobol", "choice",
     "grid: every combination of each parameter's values; lhs: Latin hypercube of `points` "
     "points; sobol: the first `points` points of a Sobol sequence."},
    {"points", SALESIM_P_INT, offsetof(salesim_sweep, points), 10, NULL, 1, 100000, 0, NULL,
     "points", "lhs and sobol: number of design points."},
};

static const salesim_param_spec sweep_param_specs[] = {
    {"path", SALESIM_P_STRING, offsetof(salesim_sweep_param, path), 0, "", 0, 0,
     SALESIM_PF_REQUIRED, NULL, "path",
     "The number to vary: mechanisms.LABEL.SETTING, or GROUP.SETTING for production, "
     "population, territories, firm."},
    {"min", SALESIM_P_DOUBLE, offsetof(salesim_sweep_param, min), 0, NULL, -INF, INF, 0, NULL,
     "setting's unit", "Lowest value (lhs, sobol, grid with steps)."},
    {"max", SALESIM_P_DOUBLE, offsetof(salesim_sweep_param, max), 0, NULL, -INF, INF, 0, NULL,
     "setting's unit", "Highest value (lhs, sobol, grid with steps)."},
    {"steps", SALESIM_P_INT, offsetof(salesim_sweep_param, steps), 5, NULL, 1, 10000, 0, NULL,
     "values", "grid: number of equally spaced values from min to max (1: min only)."},
    {"values", SALESIM_P_VECTOR, offsetof(salesim_sweep_param, values), 0, &no_values, -INF, INF,
     0, NULL, "setting's unit", "grid: explicit values (replace min, max and steps)."},
};

/* ---- production (MODEL.md §4) ------------------------------------------ */

static const salesim_dist default_deal_value = {SALESIM_DIST_LOGNORMAL, 200000, 100000, 0, INF};

static const salesim_param_spec production_specs[] = {
    {"mode", SALESIM_P_CHOICE, offsetof(salesim_production, mode), SALESIM_MODE_PIPELINE, NULL, 0,
     1, 0, "pipeline|linear", "choice",
     "pipeline: hunting and farming, opportunities move through stages 20..100 %; linear: "
     "sales = ability * effort + noise, to check against theory."},
    {"cycle_months", SALESIM_P_DOUBLE, offsetof(salesim_production, cycle_months), 6, NULL, 4,
     60, 0, NULL, "months",
     "Mean months from first contact to contract; at least 4, as an opportunity moves at most "
     "one stage a month."},
    {"deal_value", SALESIM_P_DIST, offsetof(salesim_production, deal_value), 0,
     &default_deal_value, 0, INF, SALESIM_PF_MIN_EXCL, NULL, "currency",
     "Contract value of a won deal. Pipeline mode: the mean must keep leads at unit hunting "
     "effort at most 500 a month per position (docs/limits.md)."},
    {"account_share", SALESIM_P_DOUBLE, offsetof(salesim_production, account_share), 0.02, NULL,
     0, 1, 0, NULL, "share/month",
     "Monthly recurring revenue of a won account as a share of its contract value."},
    {"churn", SALESIM_P_DOUBLE, offsetof(salesim_production, churn), 0.03, NULL, 0, 1, 0, NULL,
     "share/month", "Monthly churn of the book with no farming effort."},
    {"orphan_churn", SALESIM_P_DOUBLE, offsetof(salesim_production, orphan_churn), 0.06, NULL, 0,
     1, 0, NULL, "share/month",
     "Monthly churn of accounts whose owner left, until the end of the run: nobody serves them."},
    {"farm_effect", SALESIM_P_DOUBLE, offsetof(salesim_production, farm_effect), 1.5, NULL, 0,
     INF, 0, NULL, "per unit effort",
     "kappa_f: farming effort f lowers churn to churn * exp(-farm_effect * f)."},
    {"hunt_pain", SALESIM_P_DOUBLE, offsetof(salesim_production, hunt_pain), 1.5, NULL, 1, INF, 0,
     NULL, "ratio",
     "pi: weight of hunting in the effort cost c*(pi*h + f)^2/2 (prospecting is harder than "
     "account care)."},
    {"market_sd", SALESIM_P_DOUBLE, offsetof(salesim_production, market_sd), 0.15, NULL, 0, 3,
     0, NULL, "log sd",
     "Standard deviation of the monthly log shock to lead arrival, per territory (3: a "
     "month 20 times busier than usual is a one-sigma event)."},
    {"noise_sd", SALESIM_P_DOUBLE, offsetof(salesim_production, noise_sd), 0, NULL, 0, INF, 0,
     NULL, "currency/month", "linear mode: standard deviation of the monthly sales noise."},
    {"tasks", SALESIM_P_INT, offsetof(salesim_production, tasks), 1, NULL, 1, 2, 0, NULL,
     "count",
     "Linear mode: 1 effort (x = ability*e + noise), or 2 tasks, hunting and farming, each "
     "with its own output and noise (Holmstrom-Milgrom 1991); pay: rate on the first, "
     "book_rate on the second."},
    {"noise_sd_farm", SALESIM_P_DOUBLE, offsetof(salesim_production, noise_sd_farm), 0, NULL, 0,
     INF, 0, NULL, "currency/month", "Linear mode with 2 tasks: sd of the farming output's noise."},
    {"task_substitution", SALESIM_P_DOUBLE, offsetof(salesim_production, task_substitution), 0,
     NULL, 0, 1, SALESIM_PF_MAX_EXCL, NULL, "share",
     "Linear mode with 2 tasks: rho in the effort cost c/2 (pi^2 h^2 + 2 rho pi h f + f^2); "
     "0: independent tasks, near 1: substitutes."},
    {"output_scale", SALESIM_P_DOUBLE, offsetof(salesim_production, output_scale), 1, NULL, 0,
     INF, SALESIM_PF_MIN_EXCL, NULL, "currency",
     "linear mode: monthly sales per unit of ability * effort."},
    {"collisions", SALESIM_P_BOOL, offsetof(salesim_production, collisions), 1, NULL, 0, 1, 0,
     NULL, "bool",
     "Reps hunting one territory without assigned accounts collide on the same prospects."},
    {"timing_games", SALESIM_P_BOOL, offsetof(salesim_production, timing_games), 1, NULL, 0, 1,
     0, NULL, "bool",
     "Reps may pull a deal at 80 % into the current pay period with a price discount, or push "
     "a deal closing in a period's last month into the next, when their pay makes it worth it."},
    {"push_deals", SALESIM_P_BOOL, offsetof(salesim_production, push_deals), 1, NULL, 0, 1, 0,
     NULL, "bool",
     "With timing_games: customers let a rep delay a signature into the next pay period "
     "(false: deals can only be pulled in)."},
    {"pull_discount", SALESIM_P_DOUBLE, offsetof(salesim_production, pull_discount), 0.1, NULL,
     0, 1, SALESIM_PF_MAX_EXCL, NULL, "share",
     "Price discount a customer needs to sign an 80 % deal now."},
    {"pull_window", SALESIM_P_INT, offsetof(salesim_production, pull_window), 1, NULL, 1, 12, 0,
     NULL, "months", "Months before a pay period's end in which deals can be pulled in."},
};

/* ---- population (MODEL.md §3) ------------------------------------------ */

static const salesim_dist default_ability = {SALESIM_DIST_LOGNORMAL, 1, 0.3, 0, INF};
static const salesim_dist default_skill = {SALESIM_DIST_LOGNORMAL, 1, 0.2, 0, INF};
static const salesim_dist default_risk_aversion = {SALESIM_DIST_LOGNORMAL, 3e-6, 2e-6, 0, INF};
static const salesim_dist default_effort_cost = {SALESIM_DIST_LOGNORMAL, 3000, 1000, 0, INF};
static const salesim_dist default_outside_wage = {SALESIM_DIST_NORMAL, 4500, 1000, 0, INF};
static const salesim_dist default_savings_months = {SALESIM_DIST_LOGNORMAL, 4, 2, 0, INF};
static const salesim_dist default_moral_cost = {SALESIM_DIST_LOGNORMAL, 500, 800, 0, INF};
/* uniform on [0, 96]: mean 48, sd 96/sqrt(12) */
static const salesim_dist default_tenure = {SALESIM_DIST_UNIFORM, 48, 27.712812921102035, 0,
                                            96};

static const salesim_param_spec population_specs[] = {
    {"reps", SALESIM_P_INT, offsetof(salesim_population, reps), 200, NULL, 1, 1000000, 0, NULL,
     "people", "Sales positions (all filled at the start); at least one per territory."},
    {"ability", SALESIM_P_DIST, offsetof(salesim_population, ability), 0, &default_ability, 0,
     INF, SALESIM_PF_MIN_EXCL, NULL, "multiple", "theta: ability, multiplies sales and leads."},
    {"skill", SALESIM_P_DIST, offsetof(salesim_population, skill), 0, &default_skill, 0, INF,
     SALESIM_PF_MIN_EXCL, NULL, "multiple", "s: hunting skill, multiplies lead arrival."},
    {"risk_aversion", SALESIM_P_DIST, offsetof(salesim_population, risk_aversion), 0,
     &default_risk_aversion, 0, INF, 0, NULL, "per currency",
     "r: CARA coefficient of absolute risk aversion."},
    {"effort_cost", SALESIM_P_DIST, offsetof(salesim_population, effort_cost), 0,
     &default_effort_cost, 0, INF, SALESIM_PF_MIN_EXCL, NULL, "currency/month",
     "c: a month at effort e costs c*e^2/2 (pipeline: e = hunt_pain*hunt + farm; the mean at "
     "least a millionth of what a position can sell a month, docs/limits.md)."},
    {"outside_wage", SALESIM_P_DIST, offsetof(salesim_population, outside_wage), 0,
     &default_outside_wage, 0, INF, 0, NULL, "currency/month",
     "w-bar: pay of the person's best alternative job."},
    {"savings_months", SALESIM_P_DIST, offsetof(salesim_population, savings_months), 0,
     &default_savings_months, 0, INF, 0, NULL, "months",
     "L: savings at the start, in months of living cost."},
    {"moral_cost", SALESIM_P_DIST, offsetof(salesim_population, moral_cost), 0,
     &default_moral_cost, 0, INF, 0, NULL, "currency",
     "kappa: personal cost of filing one false report."},
    {"tenure_months", SALESIM_P_DIST, offsetof(salesim_population, tenure_months), 0,
     &default_tenure, 0, 1200, 0, NULL, "months", "Tenure of the starting force."},
    {"living_cost", SALESIM_P_DOUBLE, offsetof(salesim_population, living_cost), 4000, NULL, 0,
     INF, SALESIM_PF_MIN_EXCL, NULL, "currency/month",
     "Spending a person cannot cut; pay below it drains savings."},
    {"hiring_cost", SALESIM_P_DOUBLE, offsetof(salesim_population, hiring_cost), 20000, NULL, 0,
     INF, 0, NULL, "currency", "The firm's cost of one hire."},
    {"hire_delay", SALESIM_P_INT, offsetof(salesim_population, hire_delay), 1, NULL, 0, 24, 0,
     NULL, "months", "Months a position stays empty after someone leaves."},
    {"candidates", SALESIM_P_INT, offsetof(salesim_population, candidates), 5, NULL, 1, 100, 0,
     NULL, "people/month",
     "Applicants a vacancy sees per month; the first who prefers the job (its certainty "
     "equivalent) to their outside wage takes it."},
    {"quit_rate", SALESIM_P_DOUBLE, offsetof(salesim_population, quit_rate), 0.005, NULL, 0, 1, 0,
     NULL, "probability/month", "Chance a person leaves for reasons outside the job."},
    {"horizon_months", SALESIM_P_INT, offsetof(salesim_population, horizon_months), 24, NULL, 1,
     240, 0, NULL, "months", "Horizon over which a person compares staying with leaving."},
    {"discount", SALESIM_P_DOUBLE, offsetof(salesim_population, discount), 0.99, NULL, 0, 1,
     SALESIM_PF_MIN_EXCL, NULL, "factor/month", "People's monthly discount factor."},
};

/* ---- territories (MODEL.md §2) ----------------------------------------- */

static const salesim_dist default_potential = {SALESIM_DIST_LOGNORMAL, 12e6, 4e6, 0, INF};
static const salesim_dist default_book = {SALESIM_DIST_LOGNORMAL, 200000, 80000, 0, INF};
static const salesim_dist default_prospects = {SALESIM_DIST_LOGNORMAL, 400, 100, 0, INF};
static const salesim_dist default_difficulty = {SALESIM_DIST_CONSTANT, 1, 0, 1, 1};

static const salesim_param_spec territories_specs[] = {
    {"count", SALESIM_P_INT, offsetof(salesim_territories, count), 50, NULL, 1, 100000, 0, NULL,
     "territories", "Territories drawn from the distributions below (not with `list`)."},
    {"potential", SALESIM_P_DIST, offsetof(salesim_territories, potential), 0, &default_potential,
     0, INF, SALESIM_PF_MIN_EXCL, NULL, "currency/year",
     "P: annual new-business potential of a territory."},
    {"book", SALESIM_P_DIST, offsetof(salesim_territories, book), 0, &default_book, 0, INF, 0,
     NULL, "currency/month", "Recurring monthly revenue of the territory's current customers."},
    {"prospects", SALESIM_P_DIST, offsetof(salesim_territories, prospects), 0, &default_prospects,
     0, INF, SALESIM_PF_MIN_EXCL, NULL, "prospects",
     "Prospects in the territory's pool at the start (the pool depletes)."},
    {"difficulty", SALESIM_P_DIST, offsetof(salesim_territories, difficulty), 0,
     &default_difficulty, 0.01, 100, 0, NULL, "multiple",
     "Divides lead arrival: 2 means leads come half as fast."},
    {"firm_estimate_sd", SALESIM_P_DOUBLE, offsetof(salesim_territories, firm_estimate_sd), 0.25,
     NULL, 0, 3, 0, NULL, "log sd", "Error of the firm's estimate of each potential."},
    {"manager_estimate_sd", SALESIM_P_DOUBLE,
     offsetof(salesim_territories, manager_estimate_sd), 0.1, NULL, 0, 3, 0, NULL, "log sd",
     "Error of a manager's estimate of a potential (managers know better)."},
};

/* An entry of territories.list; defaults are replaced by the means of the
 * territories' distributions when the file sets those. */
static const salesim_param_spec territory_specs[] = {
    {"potential", SALESIM_P_DOUBLE, offsetof(salesim_territory_spec, potential), 0, NULL, 0, INF,
     SALESIM_PF_MIN_EXCL | SALESIM_PF_REQUIRED, NULL, "currency/year",
     "Annual new-business potential of this territory."},
    {"book", SALESIM_P_DOUBLE, offsetof(salesim_territory_spec, book), 200000, NULL, 0, INF, 0,
     NULL, "currency/month",
     "Recurring monthly revenue of current customers; default: the mean of territories.book."},
    {"prospects", SALESIM_P_DOUBLE, offsetof(salesim_territory_spec, prospects), 400, NULL, 0,
     INF, SALESIM_PF_MIN_EXCL, NULL, "prospects",
     "Prospects in the pool at the start; default: the mean of territories.prospects."},
    {"difficulty", SALESIM_P_DOUBLE, offsetof(salesim_territory_spec, difficulty), 1, NULL, 0.01,
     100, 0, NULL, "multiple",
     "Divides lead arrival; default: the mean of territories.difficulty."},
};

/* ---- the firm ------------------------------------------------------------ */

static const salesim_param_spec firm_specs[] = {
    {"margin", SALESIM_P_DOUBLE, offsetof(salesim_firm, margin), 0.4, NULL, 0, 1, 0, NULL, "share",
     "Gross margin on revenue before the cost of sales pay."},
    {"overhead_per_rep", SALESIM_P_DOUBLE, offsetof(salesim_firm, overhead_per_rep), 1000, NULL,
     0, INF, 0, NULL, "currency/month", "Management cost per filled position."},
    {"target_rule", SALESIM_P_CHOICE, offsetof(salesim_firm, target_rule),
     SALESIM_TARGET_POTENTIAL_BOOK, NULL, 0, 1, 0, "potential_book|fixed", "choice",
     "potential_book: potential_share * estimated potential + book_factor * 12 * book; fixed: "
     "fixed_target for everyone."},
    {"potential_share", SALESIM_P_DOUBLE, offsetof(salesim_firm, potential_share), 1.0, NULL, 0,
     INF, 0, NULL, "share", "potential_book rule: share of the firm's estimate of potential."},
    {"book_factor", SALESIM_P_DOUBLE, offsetof(salesim_firm, book_factor), 1.0, NULL, 0, INF, 0,
     NULL, "multiple", "potential_book rule: multiple of a year of book revenue (12 * book)."},
    {"fixed_target", SALESIM_P_DOUBLE, offsetof(salesim_firm, fixed_target), 0, NULL, 0, INF, 0,
     NULL, "currency/year", "fixed rule: annual target of every rep; required (> 0) then."},
};

/* ---- overlays: accepted in every mechanism entry (MODEL.md §6) ---------- */

static const salesim_param_spec overlay_specs[] = {
    {"ratchet", SALESIM_P_DOUBLE, offsetof(salesim_overlays, ratchet), 0, NULL, 0, 1, 0, NULL,
     "share",
     "Ratchet: next year's target = this year's target + ratchet * (sales - target); 0: "
     "targets from the firm's rule every year."},
    {"review", SALESIM_P_BOOL, offsetof(salesim_overlays, review), 0, NULL, 0, 1, 0, NULL,
     "bool",
     "Pipeline review: each month the manager warns a rep whose open opportunities have all "
     "sat at or below review_stage for review_months with no new ones, and coaches them."},
    {"review_months", SALESIM_P_INT, offsetof(salesim_overlays, review_months), 3, NULL, 1, 24,
     0, NULL, "months", "Months stuck before a warning."},
    {"review_stage", SALESIM_P_INT, offsetof(salesim_overlays, review_stage), 1, NULL, 1, 4, 0,
     NULL, "stage", "Highest stage that counts as stuck (1 = 20 %, 2 = 40 %, ...)."},
    {"coaching_cost", SALESIM_P_DOUBLE, offsetof(salesim_overlays, coaching_cost), 3000, NULL,
     0, INF, 0, NULL, "currency", "Management cost of coaching one warned rep."},
    {"coaching_gain", SALESIM_P_DOUBLE, offsetof(salesim_overlays, coaching_gain), 0.2, NULL, 0,
     10, 0, NULL, "share", "Relative gain in hunting skill while coached."},
    {"coaching_months", SALESIM_P_INT, offsetof(salesim_overlays, coaching_months), 3, NULL, 1,
     60, 0, NULL, "months", "Months the coaching gain lasts."},
};

static const salesim_param_table scenario_tables[SALESIM_TABLE_COUNT] = {
    {"scenario", top_specs, N_SPECS(top_specs), sizeof(salesim_scenario_top)},
    {"production", production_specs, N_SPECS(production_specs), sizeof(salesim_production)},
    {"population", population_specs, N_SPECS(population_specs), sizeof(salesim_population)},
    {"territories", territories_specs, N_SPECS(territories_specs), sizeof(salesim_territories)},
    {"territories.list", territory_specs, N_SPECS(territory_specs),
     sizeof(salesim_territory_spec)},
    {"firm", firm_specs, N_SPECS(firm_specs), sizeof(salesim_firm)},
    {"overlays", overlay_specs, N_SPECS(overlay_specs), sizeof(salesim_overlays)},
    {"sweep", sweep_specs, N_SPECS(sweep_specs), sizeof(salesim_sweep)},
    {"sweep.params", sweep_param_specs, N_SPECS(sweep_param_specs),
     sizeof(salesim_sweep_param)},
};

const salesim_param_table *salesim_scenario_tables(size_t *count) {
  if (count != NULL)
    *count = SALESIM_TABLE_COUNT;
  return scenario_tables;
}

/* ---- defaults ------------------------------------------------------------ */

void salesim_params_defaults(const salesim_param_table *table, void *out) {
  memset(out, 0, table->struct_size);
  for (size_t i = 0; i < table->count; i++) {
    const salesim_param_spec *s = &table->specs[i];
    char *field = (char *)out + s->offset;
    switch (s->kind) {
    case SALESIM_P_DOUBLE:
      *(double *)field = s->def;
      break;
    case SALESIM_P_INT:
    case SALESIM_P_BOOL:
    case SALESIM_P_CHOICE:
      *(int *)field = (int)s->def;
      break;
    case SALESIM_P_STRING:
      if (s->def_ptr != NULL)
        snprintf(field, SALESIM_NAME_MAX, "%s", (const char *)s->def_ptr);
      break;
    case SALESIM_P_DIST:
      if (s->def_ptr != NULL)
        *(salesim_dist *)field = *(const salesim_dist *)s->def_ptr;
      else {
        salesim_dist d = {SALESIM_DIST_CONSTANT, s->def, 0, s->def, s->def};
        *(salesim_dist *)field = d;
      }
      break;
    case SALESIM_P_POINTS:
      if (s->def_ptr != NULL)
        *(salesim_points *)field = *(const salesim_points *)s->def_ptr;
      break;
    case SALESIM_P_VECTOR:
      if (s->def_ptr != NULL)
        *(salesim_vector *)field = *(const salesim_vector *)s->def_ptr;
      break;
    }
  }
}

/* ---- names and suggestions ---------------------------------------------- */

size_t salesim_params_distance(const char *a, const char *b) {
  enum { MAXLEN = 63 };
  size_t n = strlen(a), m = strlen(b);
  if (n > MAXLEN || m > MAXLEN)
    return (size_t)-1;
  /* three rows of the optimal-string-alignment table */
  size_t r0[MAXLEN + 1], r1[MAXLEN + 1], r2[MAXLEN + 1];
  size_t *prev2 = r0, *prev = r1, *cur = r2;
  for (size_t j = 0; j <= m; j++)
    prev[j] = j;
  for (size_t i = 1; i <= n; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= m; j++) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = prev[j] + 1;
      if (cur[j - 1] + 1 < best)
        best = cur[j - 1] + 1;
      if (prev[j - 1] + cost < best)
        best = prev[j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          prev2[j - 2] + 1 < best)
        best = prev2[j - 2] + 1;
      cur[j] = best;
    }
    size_t *t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

const char *salesim_params_suggest(const char *name, const char *const *candidates,
                                   size_t n) {
  const char *best = NULL;
  size_t best_d = 3;
  for (size_t i = 0; i < n; i++) {
    if (candidates[i] == NULL)
      continue;
    size_t d = salesim_params_distance(name, candidates[i]);
    if (d < best_d) {
      best_d = d;
      best = candidates[i];
    }
  }
  return best;
}

/* ---- ranges, choices and texts ------------------------------------------ */

/* The effective bounds of a spec: ints are also bounded by int's range. */
static void bounds(const salesim_param_spec *s, double *lo, double *hi) {
  *lo = s->min;
  *hi = s->max;
  if (s->kind == SALESIM_P_INT) {
    if (!(*lo >= INT_MIN))
      *lo = INT_MIN;
    if (!(*hi <= INT_MAX))
      *hi = INT_MAX;
  }
}

int salesim_params_in_range(const salesim_param_spec *s, double v) {
  double lo, hi;
  if (!isfinite(v))
    return 0;
  bounds(s, &lo, &hi);
  if ((s->flags & SALESIM_PF_MIN_EXCL) ? !(v > lo) : !(v >= lo))
    return 0;
  if ((s->flags & SALESIM_PF_MAX_EXCL) ? !(v < hi) : !(v <= hi))
    return 0;
  return 1;
}

const char *salesim_params_number_text(double v, char *buf, size_t size) {
  if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
    snprintf(buf, size, "%.0f", v);
  else
    snprintf(buf, size, "%g", v);
  return buf;
}

const char *salesim_params_range_text(const salesim_param_spec *s, char *buf, size_t size) {
  double lo, hi;
  char a[32], b[32];
  bounds(s, &lo, &hi);
  /* an int's upper limit is always news (a seed of 3e9 is refused); its
   * lower one only where the spec sets it */
  int has_lo = isfinite(s->min);
  int has_hi = isfinite(hi);
  int lo_ex = (s->flags & SALESIM_PF_MIN_EXCL) != 0;
  int hi_ex = (s->flags & SALESIM_PF_MAX_EXCL) != 0;
  salesim_params_number_text(lo, a, sizeof a);
  salesim_params_number_text(hi, b, sizeof b);
  if (has_lo && has_hi) {
    if (!lo_ex && !hi_ex)
      snprintf(buf, size, "%s..%s", a, b);
    else
      snprintf(buf, size, "%s %s x %s %s", a, lo_ex ? "<" : "<=", hi_ex ? "<" : "<=", b);
  } else if (has_lo)
    snprintf(buf, size, "%s %s", lo_ex ? ">" : ">=", a);
  else if (has_hi)
    snprintf(buf, size, "%s %s", hi_ex ? "<" : "<=", b);
  else if (size > 0)
    buf[0] = '\0';
  return buf;
}

int salesim_params_choice_index(const char *choices, const char *value) {
  if (choices == NULL || value == NULL)
    return -1;
  size_t len = strlen(value);
  int idx = 0;
  for (const char *p = choices;; idx++) {
    const char *bar = strchr(p, '|');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    if (n == len && strncmp(p, value, n) == 0)
      return idx;
    if (bar == NULL)
      return -1;
    p = bar + 1;
  }
}

const char *salesim_params_choice_text(const char *choices, int idx, char *buf, size_t size) {
  size_t used = 0;
  int i = 0;
  if (size == 0)
    return buf;
  buf[0] = '\0';
  if (choices == NULL)
    return buf;
  for (const char *p = choices;; i++) {
    const char *bar = strchr(p, '|');
    int n = (int)(bar ? (size_t)(bar - p) : strlen(p));
    if (idx < 0 || idx == i) {
      int w = snprintf(buf + used, size - used, "%s%.*s", used > 0 ? ", " : "", n, p);
      if (w < 0 || (size_t)w >= size - used)
        break;
      used += (size_t)w;
    }
    if (bar == NULL)
      break;
    p = bar + 1;
  }
  return buf;
}

const char *salesim_params_expect_text(const salesim_param_spec *s, char *buf, size_t size) {
  char r[96], c[256];
  salesim_params_range_text(s, r, sizeof r);
  switch (s->kind) {
  case SALESIM_P_DOUBLE:
    snprintf(buf, size, "a number%s%s", r[0] ? " " : "", r);
    break;
  case SALESIM_P_INT:
    snprintf(buf, size, "an integer%s%s", r[0] ? " " : "", r);
    break;
  case SALESIM_P_BOOL:
    snprintf(buf, size, "true or false");
    break;
  case SALESIM_P_CHOICE:
    snprintf(buf, size, "one of: %s", salesim_params_choice_text(s->choices, -1, c, sizeof c));
    break;
  case SALESIM_P_STRING:
    snprintf(buf, size, "a string of at most %d characters", SALESIM_NAME_MAX - 1);
    break;
  case SALESIM_P_DIST:
    snprintf(buf, size,
             "a number%s%s or a group { dist = \"normal\"; mean = ...; sd = ...; }",
             r[0] ? " " : "", r);
    break;
  case SALESIM_P_POINTS:
    snprintf(buf, size, "a list of (x, y) pairs, e.g. ( (0, 0), (1, 1) )");
    break;
  case SALESIM_P_VECTOR:
    snprintf(buf, size, "an array of numbers, e.g. [1, 2]");
    break;
  }
  return buf;
}

static const char *dist_text(const salesim_dist *d, char *buf, size_t size) {
  char m[32], s[32], lo[32], hi[32];
  salesim_params_number_text(d->mean, m, sizeof m);
  salesim_params_number_text(d->sd, s, sizeof s);
  salesim_params_number_text(d->min, lo, sizeof lo);
  salesim_params_number_text(d->max, hi, sizeof hi);
  switch (d->kind) {
  case SALESIM_DIST_CONSTANT:
    snprintf(buf, size, "%s", m);
    break;
  case SALESIM_DIST_UNIFORM:
    snprintf(buf, size, "uniform(min %s, max %s)", lo, hi);
    break;
  case SALESIM_DIST_NORMAL:
  case SALESIM_DIST_LOGNORMAL: {
    int w = snprintf(buf, size, "%s(mean %s, sd %s",
                     d->kind == SALESIM_DIST_NORMAL ? "normal" : "lognormal", m, s);
    size_t used = w > 0 && (size_t)w < size ? (size_t)w : 0;
    /* a bound is news only where it cuts the distribution's own support */
    if (isfinite(d->min) && (d->kind == SALESIM_DIST_NORMAL || d->min > 0))
      used += (size_t)snprintf(buf + used, size - used, ", min %s", lo);
    if (used < size && isfinite(d->max))
      used += (size_t)snprintf(buf + used, size - used, ", max %s", hi);
    if (used < size)
      snprintf(buf + used, size - used, ")");
    break;
  }
  }
  return buf;
}

const char *salesim_params_default_text(const salesim_param_spec *s, char *buf, size_t size) {
  size_t used = 0;
  if (s->flags & SALESIM_PF_REQUIRED) {
    snprintf(buf, size, "required");
    return buf;
  }
  switch (s->kind) {
  case SALESIM_P_DOUBLE:
  case SALESIM_P_INT:
    salesim_params_number_text(s->def, buf, size);
    break;
  case SALESIM_P_BOOL:
    snprintf(buf, size, "%s", s->def != 0 ? "true" : "false");
    break;
  case SALESIM_P_CHOICE:
    salesim_params_choice_text(s->choices, (int)s->def, buf, size);
    break;
  case SALESIM_P_STRING: {
    const char *d = s->def_ptr;
    if (d == NULL || d[0] == '\0')
      snprintf(buf, size, "(see meaning)");
    else
      snprintf(buf, size, "\"%s\"", d);
    break;
  }
  case SALESIM_P_DIST:
    if (s->def_ptr != NULL)
      dist_text(s->def_ptr, buf, size);
    else
      salesim_params_number_text(s->def, buf, size);
    break;
  case SALESIM_P_POINTS: {
    const salesim_points *p = s->def_ptr;
    if (p == NULL || p->n == 0) {
      snprintf(buf, size, "none");
      break;
    }
    buf[0] = '\0';
    for (int i = 0; i < p->n && used < size; i++) {
      char x[32], y[32];
      used += (size_t)snprintf(buf + used, size - used, "%s(%s, %s)", i ? " " : "",
                               salesim_params_number_text(p->x[i], x, sizeof x),
                               salesim_params_number_text(p->y[i], y, sizeof y));
    }
    break;
  }
  case SALESIM_P_VECTOR: {
    const salesim_vector *v = s->def_ptr;
    used = (size_t)snprintf(buf, size, "[");
    for (int i = 0; v != NULL && i < v->n && used < size; i++) {
      char x[32];
      used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                               salesim_params_number_text(v->v[i], x, sizeof x));
    }
    if (used < size)
      snprintf(buf + used, size - used, "]");
    break;
  }
  }
  return buf;
}

/* ---- bounded work (docs/limits.md) ---------------------------------------- */

static double dist_mean(const salesim_dist *d) {
  return d->kind == SALESIM_DIST_UNIFORM ? 0.5 * (d->min + d->max) : d->mean;
}

void salesim_params_limit_check(const salesim_scenario *sc, salesim_limit_check *out) {
  const salesim_territories *ts = &sc->territories;
  int n_terr = ts->list_count > 0 ? ts->list_count : ts->count;
  if (n_terr < 1)
    n_terr = 1;
  /* the territory with the fewest positions gets reps / n_terr of them */
  double slots = sc->population.reps / n_terr;
  if (slots < 1)
    slots = 1;
  double potential = 0;
  if (ts->list_count > 0) {
    for (int k = 0; k < ts->list_count; k++)
      if (ts->list[k].potential > potential)
        potential = ts->list[k].potential;
  } else {
    potential = dist_mean(&ts->potential);
  }
  out->deal_mean = dist_mean(&sc->production.deal_value);
  out->sales_month = potential / (12.0 * slots);
  /* territory lead rate (models/core/sim.c): P / (n * 12 * 0.2 * E[V]) */
  out->leads_unit = out->deal_mean > 0 ? out->sales_month / (0.2 * out->deal_mean) : INF;
  out->deal_min = out->sales_month / (0.2 * SALESIM_LIMIT_LEADS_UNIT);
  out->effort_cost_mean = dist_mean(&sc->population.effort_cost);
  out->effort_cost_min = out->sales_month / SALESIM_LIMIT_EFFORT_RATIO;
}

/* ---- the markdown reference ------------------------------------------------ */

static const char *kind_name(salesim_param_kind k) {
  switch (k) {
  case SALESIM_P_DOUBLE:
    return "number";
  case SALESIM_P_INT:
    return "integer";
  case SALESIM_P_BOOL:
    return "bool";
  case SALESIM_P_CHOICE:
    return "choice";
  case SALESIM_P_STRING:
    return "string";
  case SALESIM_P_DIST:
    return "distribution";
  case SALESIM_P_POINTS:
    return "points";
  case SALESIM_P_VECTOR:
    return "vector";
  }
  return "?";
}

/* The "allowed" column: the range plus what the kind adds to it. */
static const char *allowed_text(const salesim_param_spec *s, char *buf, size_t size) {
  char r[96], c[256];
  salesim_params_range_text(s, r, sizeof r);
  switch (s->kind) {
  case SALESIM_P_DOUBLE:
  case SALESIM_P_INT:
    snprintf(buf, size, "%s", r[0] ? r : "any");
    break;
  case SALESIM_P_BOOL:
    snprintf(buf, size, "true, false");
    break;
  case SALESIM_P_CHOICE:
    salesim_params_choice_text(s->choices, -1, c, sizeof c);
    snprintf(buf, size, "%s", c);
    break;
  case SALESIM_P_STRING:
    snprintf(buf, size, "text");
    break;
  case SALESIM_P_DIST:
    snprintf(buf, size, "mean %s", r[0] ? r : "any");
    break;
  case SALESIM_P_POINTS:
    snprintf(buf, size, "up to %d points%s; y %s", SALESIM_MAX_POINTS,
             (s->flags & SALESIM_PF_INCREASING) ? ", x increasing" : "", r[0] ? r : "any");
    break;
  case SALESIM_P_VECTOR:
    snprintf(buf, size, "1 to %d values, each %s%s", SALESIM_MAX_POINTS, r[0] ? r : "any",
             (s->flags & SALESIM_PF_INCREASING) ? ", increasing" : "");
    break;
  }
  return buf;
}

/* Markdown table cells must not contain '|'. */
static int put_cell(FILE *fp, const char *text) {
  if (fputs("| ", fp) == EOF)
    return -1;
  for (const char *p = text; *p; p++)
    if ((*p == '|' ? fputs("\\|", fp) : fputc(*p, fp)) == EOF)
      return -1;
  return fputc(' ', fp) == EOF ? -1 : 0;
}

static int table_markdown(FILE *fp, const char *heading, const char *summary,
                          const salesim_param_table *t) {
  char name[SALESIM_NAME_MAX + 4], def[512], allowed[512];
  if (fprintf(fp, "### %s\n\n", heading) < 0)
    return -1;
  if (summary != NULL && fprintf(fp, "%s\n\n", summary) < 0)
    return -1;
  if (fputs("| setting | type | default | allowed | unit | meaning |\n"
            "|---|---|---|---|---|---|\n",
            fp) == EOF)
    return -1;
  for (size_t i = 0; i < t->count; i++) {
    const salesim_param_spec *s = &t->specs[i];
    snprintf(name, sizeof name, "`%s`", s->name);
    salesim_params_default_text(s, def, sizeof def);
    allowed_text(s, allowed, sizeof allowed);
    if (put_cell(fp, name) || put_cell(fp, kind_name(s->kind)) || put_cell(fp, def) ||
        put_cell(fp, allowed) || put_cell(fp, s->unit ? s->unit : "") ||
        put_cell(fp, s->doc ? s->doc : "") || fputs("|\n", fp) == EOF)
      return -1;
  }
  return fputc('\n', fp) == EOF ? -1 : 0;
}

int salesim_scenario_doc_markdown(FILE *fp) {
  static const char *const headings[SALESIM_TABLE_COUNT] = {
      "Top level",  "`production`", "`population`",
      "`territories`", "`territories.list` entries", "`firm`",
      "Every mechanism entry (overlays)", "`sweep`", "`sweep.params` entries"};
  char heading[128];
  size_t n;
  const salesim_param_table *tables = salesim_scenario_tables(&n);
  for (size_t i = 0; i < n; i++)
    if (table_markdown(fp, headings[i], NULL, &tables[i]) != 0)
      return SALESIM_EIO;
  const salesim_mechanism_type *const *all = salesim_mechanism_all();
  for (size_t i = 0; all[i] != NULL; i++) {
    snprintf(heading, sizeof heading, "Mechanism `%s`", all[i]->name);
    if (table_markdown(fp, heading, all[i]->summary, all[i]->params) != 0)
      return SALESIM_EIO;
  }
  return fflush(fp) == 0 ? 0 : SALESIM_EIO;
}
