/*
 * salesim/results.h: what a run produces.
 *
 * Metrics (MODEL.md §7): the core metrics every mechanism has are declared
 * once in SALESIM_METRIC_LIST and keep their ids (SALESIM_METRIC_REVENUE
 * ...) as the first indexes; a mechanism declares its own metrics in its
 * type object, and a run's results carry the whole catalogue at run time
 * (salesim_results_metric_count/_info/_find; docs/metrics.md). Every
 * replication of every mechanism fills one value per catalogue metric (NAN
 * where a metric does not apply, e.g. audit counts under commission). Monthly series
 * are kept per replication and averaged by the writers. Mechanisms may add
 * detail tables (e.g. who won which territory). Statistics over replications
 * (mean, 95 % interval, paired difference to the baseline, P5/P50/P95) are in
 * salesim_summary. Read next: salesim/salesim.h.
 */
#ifndef SALESIM_RESULTS_H
#define SALESIM_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(ID, "name", "label", "unit", higher_is_better: +1, -1 or 0) */
#define SALESIM_METRIC_LIST(X)                                                  \
  X(REVENUE, "revenue", "Revenue", "currency/year", 1)                          \
  X(REVENUE_NEW, "revenue_new", "New-business revenue", "currency/year", 1)     \
  X(REVENUE_BOOK, "revenue_book", "Existing-account revenue", "currency/year", 1) \
  X(NEW_CUSTOMERS, "new_customers", "New customers", "per year", 1)             \
  X(PAY_COST, "pay_cost", "Pay cost", "currency/year", -1)                      \
  X(PAY_FIXED, "pay_fixed", "Fixed pay (base, draws)", "currency/year", 0)      \
  X(PAY_VARIABLE, "pay_variable", "Variable pay", "currency/year", 0)           \
  X(MGMT_COST, "mgmt_cost", "Management cost", "currency/year", -1)             \
  X(COST_OF_SALES, "cost_of_sales", "Cost of sales (pay+mgmt)/revenue", "share", -1) \
  X(PROFIT, "profit", "Profit", "currency/year", 1)                             \
  X(HEADCOUNT_END, "headcount_end", "Headcount at end", "people", 0)            \
  X(QUITS, "quits", "Quits", "per year", -1)                                    \
  X(QUITS_BROKE, "quits_broke", "Quits for running out of savings", "per year", -1) \
  X(HIRES, "hires", "Hires", "per year", -1)                                    \
  X(OFFERS_DECLINED, "offers_declined", "Job offers declined by applicants", "per year", -1) \
  X(SURVIVAL_6, "new_hire_survival_6", "New-hire 6-month survival", "share", 1) \
  X(SURVIVAL_12, "new_hire_survival_12", "New-hire 12-month survival", "share", 1) \
  X(TOP_RETENTION, "top_quintile_retention", "Retention of top-ability quintile", "share", 1) \
  X(PCT_BELOW_50, "pct_below_50", "Share below 50 % of target", "share", -1)    \
  X(PCT_80_120, "pct_80_120", "Share at 80-120 % of target", "share", 0)        \
  X(PCT_AT_TARGET, "pct_at_target", "Share at or above target", "share", 1)     \
  X(PCT_ABOVE_150, "pct_above_150", "Share above 150 % of target", "share", 0)  \
  X(OTE_ACCURACY, "ote_accuracy", "Median pay / target pay (OTE accuracy)", "ratio", 0) \
  X(PAY_GINI, "pay_gini", "Pay Gini", "index", 0)                               \
  X(PAY_PERF_CORR, "pay_perf_corr", "Pay-performance rank correlation", "rho", 1) \
  X(TARGET_ACCURACY, "target_accuracy", "Target error |target-sales|/sales", "share", -1) \
  X(HUNTING_SHARE, "hunting_share", "Share of effort on hunting", "share", 0)   \
  X(EFFORT, "effort", "Mean effort (pi*h+f)", "units", 0)                       \
  X(COLLISIONS, "collisions", "Leads wasted in teammate collisions", "per year", -1) \
  X(HUNT_SMALL_BOOK, "hunting_share_small_book", "Hunting share, smallest-book fifth", "share", 0) \
  X(HUNT_LARGE_BOOK, "hunting_share_large_book", "Hunting share, largest-book fifth", "share", 0) \
  X(DEALS_MOVED, "deals_moved", "Share of won deals pulled or pushed", "share", -1) \
  X(DEALS_PULLED, "deals_pulled", "Deals pulled in at a discount", "per year", -1) \
  X(DEALS_PUSHED, "deals_pushed", "Deals pushed into the next period", "per year", -1) \
  X(DISCOUNT_COST, "discount_cost", "Revenue lost to pull-in discounts", "currency/year", -1) \
  X(REVENUE_MOVED, "revenue_moved", "Share of new-business revenue pulled in or pushed out", "share", -1) \
  X(DISCOUNT_SHARE, "discount_share", "Pull-in discounts, share of new-business revenue before them", "share", -1) \
  X(YEAR_END_BUNCHING, "year_end_bunching", "New revenue in a plan year's last month / months either side", "ratio", 0) \
  X(NEW_YEAR_TROUGH, "new_year_trough", "New revenue in a plan year's first month / months either side", "ratio", 0) \
  X(EFFORT_LATE, "effort_last_quarter", "Mean effort in plan years' last quarter", "units", 0) \
  X(EFFORT_Q4_RATIO, "effort_q4_ratio", "Effort of reps ahead of target, last quarter / first three", "ratio", 0) \
  X(WARNINGS, "warnings", "Pipeline-review warnings", "per year", 0)          \
  X(WARNING_PRECISION, "warning_precision", "Warned reps who then missed target", "share", 1) \
  X(WARNING_RECALL, "warning_recall", "Reps missing target who were warned", "share", 1) \
  X(WARNING_LEAD, "warning_lead_months", "Months from warning to year end (hits)", "months", 1) \
  X(FORECAST_ERROR, "forecast_error", "Stage-weighted forecast error per quarter", "share", -1) \
  X(COST_PER_NEW_CUSTOMER, "cost_per_new_customer", "(Pay + management cost) per new customer", "currency", -1)

typedef enum salesim_metric {
#define SALESIM_X_METRIC(id, name, label, unit, better) SALESIM_METRIC_##id,
  SALESIM_METRIC_LIST(SALESIM_X_METRIC)
#undef SALESIM_X_METRIC
  SALESIM_METRIC_CORE_COUNT /* core metrics; a run has r->n_metrics >= this */
} salesim_metric;

typedef struct salesim_metric_info {
  const char *name, *label, *unit;
  int better;
} salesim_metric_info;


/* X(ID, "name") monthly series, summed over the sales force in a month. */
#define SALESIM_SERIES_LIST(X)                \
  X(REVENUE, "revenue")                       \
  X(REVENUE_NEW, "revenue_new")               \
  X(REVENUE_BOOK, "revenue_book")             \
  X(NEW_CUSTOMERS, "new_customers")           \
  X(PAY, "pay")                               \
  X(MGMT_COST, "mgmt_cost")                   \
  X(HEADCOUNT, "headcount")                   \
  X(QUITS, "quits")                           \
  X(HUNTING, "hunting_effort")                \
  X(FARMING, "farming_effort")                \
  X(PIPELINE, "pipeline_weighted")            \
  X(BOOK, "book_monthly")                     \
  X(BENCH, "bench_trained")                   \
  X(FALSE_REPORTS, "false_reports")           \
  X(AUDIT_SHARE, "audit_share")

typedef enum salesim_series {
#define SALESIM_X_SERIES(id, name) SALESIM_SERIES_##id,
  SALESIM_SERIES_LIST(SALESIM_X_SERIES)
#undef SALESIM_X_SERIES
  SALESIM_SERIES_COUNT
} salesim_series;

const char *salesim_series_name(int s);

/** A detail table a mechanism adds (e.g. per-territory tender results).
 *  Each row carries a text label (typically the mechanism) and numbers. */
typedef struct salesim_table {
  char *name;       /* file stem: "tender_territories" -> .csv */
  int ncols;
  char **colnames;  /* ncols names of the numeric columns */
  size_t nrows, cap;
  char **labels;    /* nrows row labels */
  double *cells;    /* nrows * ncols */
} salesim_table;

int salesim_table_alloc(salesim_table **out, const char *name, int ncols,
                        const char *const *colnames);
int salesim_table_add(salesim_table *t, const char *label, const double *row);
void salesim_table_free(salesim_table *t);

/** Statistics of one metric of one mechanism over replications. */
typedef struct salesim_stat {
  double mean, sd, ci_low, ci_high;
  double diff, diff_low, diff_high; /* paired vs baseline; 0 for baseline */
  double p5, p50, p95;
  int n; /* replications with a value (metric not NAN) */
} salesim_stat;

/** Results of a run. Create with salesim_run(), free with
 *  salesim_results_free(). Arrays are indexed as documented. */
typedef struct salesim_results {
  int n_mech, n_rep, n_months, baseline;
  char (*mech_names)[64];  /* n_mech labels */
  char (*mech_types)[64];  /* n_mech type names */
  int n_metrics;    /* metric catalogue: core metrics, then declared ones */
  const salesim_metric_info **metric_info; /* n_metrics (static descriptions) */
  double *metric;   /* [(mech*n_rep + rep)*n_metrics + m] */
  double *monthly;  /* [((mech*n_rep + rep)*n_months + t)*SALESIM_SERIES_COUNT + s] */
  salesim_stat *summary; /* [mech*n_metrics + m], after summarize */
  salesim_table **tables;
  int n_tables;
  /* manifest */
  char scenario_path[1024];
  char scenario_hash[17];
  uint64_t seed;
  int threads;
  char version[32];
  char started[32];   /* ISO 8601 UTC */
  double wall_seconds;
} salesim_results;

#define SALESIM_METRIC_AT(r, mech, rep, m)                                  \
  ((r)->metric[((size_t)(mech) * (size_t)(r)->n_rep + (size_t)(rep)) *     \
                   (size_t)(r)->n_metrics +                                \
               (size_t)(m)])
#define SALESIM_MONTHLY_AT(r, mech, rep, t, s)                                        \
  ((r)->monthly[(((size_t)(mech) * (size_t)(r)->n_rep + (size_t)(rep)) * (size_t)(r)->n_months + \
                 (size_t)(t)) * SALESIM_SERIES_COUNT + (size_t)(s)])
#define SALESIM_STAT_AT(r, mech, m) \
  ((r)->summary[(size_t)(mech) * (size_t)(r)->n_metrics + (size_t)(m)])

/** Metrics in r's catalogue (core first, then the declared metrics of the
 *  registered mechanism types in registry order, each name once). */
int salesim_results_metric_count(const salesim_results *r);
/** Description of metric `m` of r, or NULL when out of range. */
const salesim_metric_info *salesim_results_metric_info(const salesim_results *r, int m);
/** Index of metric `name` in r's catalogue, or -1. */
int salesim_results_metric_find(const salesim_results *r, const char *name);

/** Allocate results for n_mech x n_rep x n_months with the build's metric
 *  catalogue, all metrics NAN. */
int salesim_results_alloc(salesim_results **out, int n_mech, int n_rep,
                          int n_months);
void salesim_results_free(salesim_results *r);
/** Attach a table (ownership passes to r). A table with the name and
 *  columns of one already attached has its rows appended to it instead. */
int salesim_results_add_table(salesim_results *r, salesim_table *t);
/** Fill r->summary: means, t intervals, paired differences, quantiles. */
int salesim_results_summarize(salesim_results *r);

#ifdef __cplusplus
}
#endif
#endif
