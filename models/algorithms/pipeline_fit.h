/*
 * models/algorithms/pipeline_fit.h: the pipeline's maximum-likelihood fit
 * from a company's deal log (issue 13; docs/pipeline-fit.md).
 *
 * Each opportunity's stage changes (opportunities.csv: lead, 20, 40, 60,
 * 80, won, lost) become its stage at the end of every calendar month; each
 * stage-month at stage j then ends in an advance (at 80 %: a win), a loss or
 * a stay, and the monthly model's advance and loss chances a_j, l_j are
 * their shares (the multinomial MLE), with standard errors. From them, with
 * delta-method standard errors: P(win | stage j), the months spent in each
 * stage, the cycle and the win rate from 20 %. Deal values get a lognormal
 * MLE. The estimate writes a scenario's production.stage_advance,
 * stage_loss and deal_value, and the rows of fit.csv.
 *
 * Read next: models/algorithms/pipeline_fit.c, models/core/pipeline.h (the
 * chain the estimate feeds), docs/pipeline-fit.md.
 */
#ifndef SALESIM_PIPELINE_FIT_H
#define SALESIM_PIPELINE_FIT_H

#include <stddef.h>

#include <salesim/data.h>
#include <salesim/errors.h>
#include <salesim/scenario.h>

#include "pipeline.h"

/** Fewer stage-months than this at a stage give a warning line. */
#define SALESIM_PIPELINE_FIT_MIN_MONTHS 30

/** The fit. Arrays are indexed by stage 1..4 (20..80 %); index 0 is 0.
 *  Every *_se is an asymptotic standard error; NAN where undefined (a stage
 *  with no stage-months, fewer than two values...). */
typedef struct salesim_pipeline_estimate {
  /* the window, in months (year * 12 + month - 1): whole months only */
  long first_month, last_month;
  /* per stage: stage-months, advances (at 80 %: wins), losses */
  long n[SALESIM_STAGES], advances[SALESIM_STAGES], losses[SALESIM_STAGES];
  double advance[SALESIM_STAGES], advance_se[SALESIM_STAGES];
  double loss[SALESIM_STAGES], loss_se[SALESIM_STAGES];
  /* derived: P(eventually won | stage j); mean months spent at stage j */
  double p_win[SALESIM_STAGES], p_win_se[SALESIM_STAGES];
  double stage_months[SALESIM_STAGES], stage_months_se[SALESIM_STAGES];
  /* expected months from entering 20 % to the close, won or lost */
  double cycle, cycle_se;
  /* expected months from 20 % to the contract of a deal that is won (what
   * production.cycle_months means) */
  double cycle_won, cycle_won_se;
  /* P(won | entered 20 %) = p_win[1] */
  double win_rate, win_rate_se;
  /* deal values of won deals: log value ~ N(log_mu, log_sigma^2) */
  long n_values;         /* won deals whose value was used */
  long values_excluded;  /* won deals with a blank, zero or negative value */
  double log_mu, log_mu_se, log_sigma, log_sigma_se;
  double value_mean, value_mean_se, value_sd, value_sd_se; /* of the value itself */
  /* what the log held */
  long opportunities;    /* with at least one stage-month or move in the window */
  long jumps;            /* months in which a deal moved more than one stage */
  long jump_stages;      /* stages skipped in them, counted as advances */
  long backward;         /* months that ended at a lower stage (counted as stays) */
  long closed_unstaged;  /* won or lost straight from lead (no stage of the model) */
  long censored;         /* still open at the window's end */
  long dropped;          /* lost in the month its rep left: censored there */
  long left_truncated;   /* open when the window began */
  long rows_ignored;     /* rows after the close, or lead rows after 20 % */
  /* time from the first `lead` row to the first stage (20 % or later) */
  long lead_n;           /* opportunities with both, entering 20 % in the window */
  double lead_days, lead_days_se;
} salesim_pipeline_estimate;

/**
 * Fit the monthly pipeline to d->events between from_day (inclusive) and
 * to_day (exclusive), days since 1970-01-01, rounded inward to whole
 * calendar months (LONG_MIN / LONG_MAX: no bound; without an upper bound
 * the window ends with the month of the last row). The events need not be
 * sorted (the fit orders them by opportunity, then date, keeping the file's
 * order among equal dates, as salesim_data_sort_events). Rows before the
 * window only give an opportunity's stage when the window opens (left
 * truncation); rows after it are ignored (the deals open then are
 * censored). Warnings (a stage with fewer than
 * SALESIM_PIPELINE_FIT_MIN_MONTHS stage-months, many multi-stage jumps, few
 * deal values) go to `diag` (may be NULL) as lines starting "pipeline fit:".
 * Returns 0, SALESIM_EINVAL (an empty window, or no stage-month in it: one
 * line in diag) or SALESIM_ENOMEM; *out is filled in every case.
 */
int salesim_pipeline_fit(const salesim_data *d, long from_day, long to_day,
                         salesim_pipeline_estimate *out, salesim_diag *diag);

/**
 * Write the estimate into production settings: stage_advance, stage_loss (4
 * values each) and deal_value (lognormal, the fitted mean and sd of the
 * value; its min and max kept). Returns 0, or SALESIM_EINVAL with nothing
 * changed when an estimate is outside what the settings take (a stage with
 * no advance or no loss observed, advance + loss above 1, fewer than two
 * deal values): then one line in diag (may be NULL) names it.
 */
int salesim_pipeline_fit_apply(const salesim_pipeline_estimate *e, salesim_production *p,
                               salesim_diag *diag);

/** One row of fit.csv: parameter, estimate, se, ci_low, ci_high (95 %,
 *  estimate -/+ 1.96 se; NAN without an se), n (the observations behind
 *  it). `parameter` is static text. */
typedef struct salesim_pipeline_fit_row {
  const char *parameter;
  double estimate, se, ci_low, ci_high;
  long n;
} salesim_pipeline_fit_row;

/** The number of rows salesim_pipeline_fit_rows writes. */
#define SALESIM_PIPELINE_FIT_ROWS 35

/** Fill rows[0..SALESIM_PIPELINE_FIT_ROWS) (cap at least that) and return
 *  how many, or SALESIM_EINVAL if cap is too small. */
int salesim_pipeline_fit_rows(const salesim_pipeline_estimate *e,
                              salesim_pipeline_fit_row *rows, size_t cap);

/** The rows as CSV text with the header "parameter,estimate,se,ci_low,
 *  ci_high,n" (numbers %.9g, an undefined one left blank, "\n" line ends),
 *  malloc'd into *text (the caller frees it). Returns 0 or SALESIM_ENOMEM. */
int salesim_pipeline_fit_csv(const salesim_pipeline_estimate *e, char **text);

#endif
