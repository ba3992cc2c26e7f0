/*
 * models/algorithms/forecast.h: the forecast bonus of Gonik (1978) and Weitzman (1976)
 * (MODEL.md §6.7 `forecast_bonus`). The rep states a forecast F of its
 * sales; with realised sales S the bonus is
 *
 *   payout(F, S) = beta F + alpha (S - F)   if S >= F,
 *                  beta F - gamma (F - S)   if S <  F,   0 < alpha < beta < gamma.
 *
 * Written as (beta - alpha) F + alpha S - (gamma - alpha) (F - S)+, the
 * expected payout is concave in F with slope (beta - alpha) -
 * (gamma - alpha) P(S < F), so a risk-neutral rep forecasts the quantile
 * tau = (beta - alpha) / (gamma - alpha) of its sales distribution: under-
 * forecasting loses beta - alpha per unit, over-forecasting costs
 * gamma - beta. MODEL.md §9: beta = 100, alpha = 70, gamma = 150 pay 1,900
 * for F = 22, S = 20 and 2,140 for F = 20, S = 22; tau = 3/8.
 * Read next: docs/tender-algorithms.md.
 */
#ifndef SALESIM_FORECAST_H
#define SALESIM_FORECAST_H

#include <stddef.h>

#include <salesim/errors.h>

/** Rates of the bonus, per unit of sales. */
typedef struct salesim_forecast_bonus {
  double beta;   /* per unit forecast */
  double alpha;  /* per unit sold above the forecast */
  double gamma;  /* per unit short of the forecast */
} salesim_forecast_bonus;

/** Check 0 < alpha < beta < gamma, all finite; one diag line per problem
 *  (`diag` may be NULL). Returns 0 or SALESIM_EINVAL. */
int salesim_forecast_check(const salesim_forecast_bonus *b, salesim_diag *diag);

/** The bonus for forecast F and sales S (rates assumed checked). */
double salesim_forecast_payout(const salesim_forecast_bonus *b, double forecast,
                               double sales);

/** tau = (beta - alpha) / (gamma - alpha), in (0, 1) for checked rates. */
double salesim_forecast_level(const salesim_forecast_bonus *b);

/** Expected payout of forecast F when S ~ N(mean, sd^2), closed form with
 *  E(F - S)+ = (F - mean) Phi(z) + sd phi(z), z = (F - mean)/sd; sd = 0 is
 *  certain sales. Rates assumed checked, sd >= 0. */
double salesim_forecast_expected_normal(const salesim_forecast_bonus *b,
                                        double forecast, double mean,
                                        double sd);

/**
 * Best forecast of a risk-neutral rep with S ~ N(mean, sd^2):
 * mean + sd * Phi^-1(tau) (gsl_cdf_gaussian_Pinv). *forecast: out.
 * Returns 0 or SALESIM_EINVAL (bad rates, non-finite mean, sd < 0).
 */
int salesim_forecast_optimal_normal(const salesim_forecast_bonus *b,
                                    double mean, double sd, double *forecast);

/**
 * Best forecast against an empirical sample of sales (n >= 1 draws,
 * borrowed; copied and sorted internally): the order statistic
 * S_(ceil(n tau)), the lower tau-quantile, which maximises the sample mean of
 * the payout exactly (when n tau is an integer k, every F in
 * [S_(k), S_(k+1)] does, and S_(k) is returned). *forecast: out.
 * Returns 0, SALESIM_EINVAL or SALESIM_ENOMEM.
 */
int salesim_forecast_optimal_sample(const salesim_forecast_bonus *b,
                                    const double *sample, size_t n,
                                    double *forecast);

#endif
