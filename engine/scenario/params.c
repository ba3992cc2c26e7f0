/*
 * engine/scenario/params.c: the parameter tables (salesim_param_table) of the
 * scenario's own groups (MODEL.md §1-§4): top level, sweep, production,
 * population, territories, firm and the overlays every mechanism entry
 * accepts. One table drives loading, validation, the docs and did-you-mean.
 *
 * Nothing here reads files: engine/scenario/scenario_groups.c walks a libconfig tree
 * with these tables. Mechanisms bring their own tables (models/mechanisms/commission.c).
 * What a table means as text (defaults, ranges, suggestions) is in
 * engine/scenario/params_text.c, the markdown reference in engine/scenario/params_doc.c and
 * the bounded-work numbers in engine/scenario/params_limits.c.
 * Read next: engine/scenario/params_text.c.
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
    {"calibration", SALESIM_P_STRING, offsetof(salesim_scenario_top, calibration), 0, "", 0, 0,
     0, NULL, "path",
     "The fit.csv a `salesim calibrate` wrote (calibrated.cfg names it): relative to the "
     "scenario's folder and confined like the data files, checked at load; a run copies it "
     "to calibration.csv and its reports show the fit (docs/calibration.md); default: none."},
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
    {"path", SALESIM_P_STRING, offsetof(salesim_sweep_param, path), 0, "", 0, SALESIM_PATH_MAX,
     SALESIM_PF_REQUIRED, NULL, "path",
     "The number to vary: mechanisms.LABEL.SETTING or mechanisms[INDEX].SETTING, or "
     "GROUP.SETTING for production, population, territories, firm; one element of a list "
     "as SETTING[i] or a point as SETTING[i].x, .y (curve[2].pay: docs/batch-and-sweeps.md); "
     "at most 159 characters."},
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
    {"cycle_months", SALESIM_P_DOUBLE, offsetof(salesim_production, cycle_months), 6, NULL,
     0.5, 60, 0, NULL, "months",
     "Mean months from first contact to a won contract, from 0.5 (two weeks). At 4 and above "
     "an opportunity moves at most one stage a month; below 4 a month is k sub-steps (4 to 16) "
     "at a chance solved so that the mean is exactly this, a deal may move several stages in "
     "a month and a lead takes half a month's sub-steps in the month it is found "
     "(docs/model.md). With stage_advance and stage_loss given, those set the stages and this "
     "is not used."},
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
    {"accounts_to_hire", SALESIM_P_BOOL, offsetof(salesim_production, accounts_to_hire), 1, NULL,
     0, 1, 0, NULL, "bool",
     "A leaver's accounts stay with the position (churning at orphan_churn while it is empty) and "
     "go to the replacement, under every plan (false: they become the territory's orphan book)."},
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
    {"push_deals", SALESIM_P_BOOL, offsetof(salesim_production, push_deals), 0, NULL, 0, 1, 0,
     NULL, "bool",
     "With timing_games: customers let a rep delay a signature into the next pay period "
     "(false, the default: deals can only be pulled in, as in the year-end spike Oyer 1998 "
     "and the pulled-in deals Larkin 2014 found)."},
    {"pull_discount", SALESIM_P_DOUBLE, offsetof(salesim_production, pull_discount), 0.1, NULL,
     0, 1, SALESIM_PF_MAX_EXCL, NULL, "share",
     "Price discount a customer needs to sign an 80 % deal now."},
    {"pull_window", SALESIM_P_INT, offsetof(salesim_production, pull_window), 1, NULL, 1, 12, 0,
     NULL, "months", "Months before a pay period's end in which deals can be pulled in."},
    {"stage_advance", SALESIM_P_VECTOR, offsetof(salesim_production, stage_advance), 0,
     &no_values, 0, 1, SALESIM_PF_MIN_EXCL | SALESIM_PF_MAX_EXCL, NULL, "share/month",
     "Pipeline mode: monthly chance that an opportunity at 20, 40, 60, 80 % moves up one stage "
     "(at 80 %: is won), 4 values, with stage_loss (each stage's two values add up to at most "
     "1; salesim calibrate estimates them, docs/pipeline-fit.md); default: advance "
     "q*j/(j+1), loss q/(j+1) at stage j with q = 4/cycle_months."},
    {"stage_loss", SALESIM_P_VECTOR, offsetof(salesim_production, stage_loss), 0, &no_values, 0,
     1, SALESIM_PF_MIN_EXCL | SALESIM_PF_MAX_EXCL, NULL, "share/month",
     "Pipeline mode: monthly chance that an opportunity at 20, 40, 60, 80 % is lost, 4 values, "
     "with stage_advance; default: from cycle_months."},
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
    {"people_table", SALESIM_P_BOOL, offsetof(salesim_population, people_table), 0, NULL, 0, 1,
     0, NULL, "bool",
     "With the company's roster (data.roster): the detail table people.csv, per starting person, "
     "mechanism and replication: still employed at the end, months employed, pay and credited "
     "sales a year, with rep_id and name (docs/output-format.md)."},
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
    {"fiscal_year_start", SALESIM_P_INT, offsetof(salesim_firm, fiscal_year_start), 0, NULL, 0,
     12, 0, NULL, "month",
     "Calendar month (1..12) the plan year starts: 4 for a fiscal year from April. 0: the run's "
     "start month (start_month), so the plan year starts at run month 0 whatever month the "
     "data start in. Other than 0 only with months_per_year = 12. A run that starts inside a "
     "plan year begins with a stub year: plans set at month 0 are prorated to the months left "
     "(docs/model.md)."},
    {"start_month", SALESIM_P_INT, offsetof(salesim_firm, start_month), 0, NULL, 0, 12, 0, NULL,
     "month",
     "Calendar month (1..12) of the run's first month; 0: the data's start month (data.start or "
     "the data's own dates), else 1 (January). With data it must be the data's start month."},
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
