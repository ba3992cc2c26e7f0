/*
 * models/algorithms/forecast.c: payout and optimal forecast of the Gonik/Weitzman
 * forecast bonus (models/algorithms/forecast.h, MODEL.md §6.7 and §9).
 *
 * The optimal forecast for a normal uses GSL's inverse normal CDF; the
 * arguments are validated first so GSL's error handler is never reached
 * (tau is strictly inside (0, 1) for valid rates). Read next:
 * docs/tender-algorithms.md.
 */
#include "forecast.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>

int salesim_forecast_check(const salesim_forecast_bonus *b, salesim_diag *diag) {
  if (b == NULL)
    return SALESIM_EINVAL;
  if (!isfinite(b->alpha) || !isfinite(b->beta) || !isfinite(b->gamma)) {
    salesim_diag_add(diag, "forecast_bonus: alpha = %g, beta = %g, gamma = %g; "
                     "must be finite", b->alpha, b->beta, b->gamma);
    return SALESIM_EINVAL;
  }
  int rc = 0;
  if (!(b->alpha > 0)) {
    salesim_diag_add(diag, "forecast_bonus: alpha = %g; must be > 0", b->alpha);
    rc = SALESIM_EINVAL;
  }
  if (!(b->beta > b->alpha)) {
    salesim_diag_add(diag, "forecast_bonus: beta = %g; must be > alpha = %g",
                     b->beta, b->alpha);
    rc = SALESIM_EINVAL;
  }
  if (!(b->gamma > b->beta)) {
    salesim_diag_add(diag, "forecast_bonus: gamma = %g; must be > beta = %g",
                     b->gamma, b->beta);
    rc = SALESIM_EINVAL;
  }
  return rc;
}

double salesim_forecast_payout(const salesim_forecast_bonus *b, double forecast,
                               double sales) {
  if (sales >= forecast)
    return b->beta * forecast + b->alpha * (sales - forecast);
  return b->beta * forecast - b->gamma * (forecast - sales);
}

double salesim_forecast_level(const salesim_forecast_bonus *b) {
  return (b->beta - b->alpha) / (b->gamma - b->alpha);
}

double salesim_forecast_expected_normal(const salesim_forecast_bonus *b,
                                        double forecast, double mean,
                                        double sd) {
  double shortfall; /* E (F - S)+ */
  if (sd > 0) {
    double z = (forecast - mean) / sd;
    shortfall = (forecast - mean) * gsl_cdf_ugaussian_P(z) + sd * gsl_ran_ugaussian_pdf(z);
  } else {
    shortfall = forecast > mean ? forecast - mean : 0;
  }
  return (b->beta - b->alpha) * forecast + b->alpha * mean -
         (b->gamma - b->alpha) * shortfall;
}

int salesim_forecast_optimal_normal(const salesim_forecast_bonus *b,
                                    double mean, double sd, double *forecast) {
  int rc = salesim_forecast_check(b, NULL);
  if (rc != 0)
    return rc;
  if (!isfinite(mean) || !isfinite(sd) || sd < 0 || forecast == NULL)
    return SALESIM_EINVAL;
  *forecast = sd > 0 ? mean + gsl_cdf_gaussian_Pinv(salesim_forecast_level(b), sd)
                     : mean;
  return 0;
}

int salesim_forecast_optimal_sample(const salesim_forecast_bonus *b,
                                    const double *sample, size_t n,
                                    double *forecast) {
  int rc = salesim_forecast_check(b, NULL);
  if (rc != 0)
    return rc;
  if (sample == NULL || n == 0 || forecast == NULL)
    return SALESIM_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (!isfinite(sample[i]))
      return SALESIM_EINVAL;
  double *sorted = malloc(n * sizeof *sorted);
  if (sorted == NULL)
    return SALESIM_ENOMEM;
  for (size_t i = 0; i < n; i++)
    sorted[i] = sample[i];
  gsl_sort(sorted, 1, n);
  double k = ceil((double)n * salesim_forecast_level(b)); /* 1-based */
  size_t at = k < 1 ? 0 : (size_t)k - 1;
  if (at >= n)
    at = n - 1;
  *forecast = sorted[at];
  free(sorted);
  return 0;
}
