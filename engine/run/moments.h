/*
 * engine/run/moments.h: what a user can see of a sales force, measured on a
 * company's data (include/salesim/data.h): the moments the calibration
 * matches (issue 13, docs/calibration.md).
 *
 * One definition serves the observed firm (the CSV files) and every
 * simulated one (the history a replication records), so a difference
 * between them is the model's, never the measuring's. Every moment is
 * computed over a window of days [from, to); people can be weighted (a
 * bootstrap over reps draws the weights), and a moment without
 * observations is NAN.
 *
 * Read next: engine/run/moments.c, engine/run/calibrate.c.
 */
#ifndef SALESIM_ENGINE_MOMENTS_H
#define SALESIM_ENGINE_MOMENTS_H

#include <stddef.h>

#include <salesim/data.h>

/* The moments, in the order of salesim_moments.value. */
#define SALESIM_MOMENT_LIST(X)                                                                  \
  X(ATT_MEAN_NEW, "attainment_mean_tenure_lt12",                                                \
    "mean attainment of plan periods that start in a rep's first 12 months")                    \
  X(ATT_MEAN_EST, "attainment_mean_tenure_ge12",                                                \
    "mean attainment of plan periods that start after a rep's first 12 months")                 \
  X(ATT_SD_EST, "attainment_sd_tenure_ge12",                                                    \
    "standard deviation of those periods' attainment")                                          \
  X(ATT_AT_QUOTA, "share_periods_at_quota", "share of plan periods with attainment >= 100 %")   \
  X(SALES_PER_REP, "credited_sales_per_rep_year",                                               \
    "credited sales of those plan periods per rep and year (currency)")                         \
  X(QUIT_RATE, "quit_rate", "resignations in the window per person-year employed in it")       \
  X(SURVIVAL_12, "new_hire_survival_12m",                                                       \
    "share of the window's hires still employed 12 months after their hire")                    \
  X(QUIT_LOW, "quit_rate_att_lt50", "annual resignation rate after a period below 50 % of quota") \
  X(QUIT_MID, "quit_rate_att_50_100",                                                           \
    "annual resignation rate after a period at 50-100 % of quota")                              \
  X(QUIT_HIGH, "quit_rate_att_ge100",                                                           \
    "annual resignation rate after a period at or above quota")                                 \
  X(NEW_REVENUE, "revenue_share_new_accounts",                                                  \
    "share of the accounts' annual revenue at the window's end from customers won in its last " \
    "12 months")                                                                                \
  X(WIN_RATE, "win_rate", "share of opportunities closed in the window that were won")          \
  X(COVERAGE, "pipeline_coverage",                                                              \
    "open pipeline value at the window's end over the annual quota of the reps then employed")

typedef enum salesim_moment_id {
#define SALESIM_X_MOMENT(id, name, doc) SALESIM_MOMENT_##id,
  SALESIM_MOMENT_LIST(SALESIM_X_MOMENT)
#undef SALESIM_X_MOMENT
  SALESIM_MOMENTS
} salesim_moment_id;

/** A window's moments and how many observations each rests on. */
typedef struct salesim_moments {
  double value[SALESIM_MOMENTS]; /* NAN: no observation */
  double n[SALESIM_MOMENTS];     /* observations (weighted) */
} salesim_moments;

/** The moment's name (a fit.csv key) and one-line meaning. */
const char *salesim_moment_name(int m);
const char *salesim_moment_doc(int m);

/**
 * The moments of `d` over the days [from, to). `rep_weight` (n_reps
 * numbers, NULL: all 1) weights each person's observations: plan periods,
 * hires and quits by the person; accounts and opportunities by their owner
 * or rep (1 when nobody owns them). Returns 0 or SALESIM_ENOMEM.
 */
int salesim_moments_compute(const salesim_data *d, long from, long to, const double *rep_weight,
                            salesim_moments *out);

#endif
