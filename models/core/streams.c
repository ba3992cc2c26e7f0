/*
 * models/core/streams.c: seeded GSL streams and distribution draws (streams.h).
 */
#include "streams.h"

#include <math.h>

#include <gsl/gsl_randist.h>

static uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t salesim_seed_mix(uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
  uint64_t h = splitmix64(seed ^ 0x5a1e5a1e5a1e5a1eULL);
  h = splitmix64(h ^ a);
  h = splitmix64(h ^ (b + 0x632be59bd9b4e019ULL));
  h = splitmix64(h ^ (c + 0x8cb92ba72f3d8dd7ULL));
  return h;
}

double salesim_hash_uniform(uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
  return (double)(salesim_seed_mix(seed, a, b, c) >> 11) * 0x1.0p-53;
}

void salesim_stream_seed(gsl_rng *r, uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
  /* taus2 takes a 32-bit seed; 0 would select GSL's default seed */
  unsigned long s = (unsigned long)(salesim_seed_mix(seed, a, b, c) & 0xffffffffUL);
  gsl_rng_set(r, s ? s : 1UL);
}

gsl_rng *salesim_stream_alloc(uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  if (r != NULL)
    salesim_stream_seed(r, seed, a, b, c);
  return r;
}

static double clamp(double x, double lo, double hi) {
  if (x < lo)
    return lo;
  if (x > hi)
    return hi;
  return x;
}

static void lognormal_params(const salesim_dist *d, double *mu, double *sigma) {
  double cv2 = (d->sd / d->mean) * (d->sd / d->mean);
  double s2 = log1p(cv2);
  *mu = log(d->mean) - 0.5 * s2;
  *sigma = sqrt(s2);
}

void salesim_dist_fast_init(salesim_dist_fast *f, const salesim_dist *d) {
  f->d = *d;
  f->mu = f->sigma = 0;
  if (d->kind == SALESIM_DIST_LOGNORMAL && d->mean > 0)
    lognormal_params(d, &f->mu, &f->sigma);
}

double salesim_dist_fast_draw(const salesim_dist_fast *f, gsl_rng *r) {
  const salesim_dist *d = &f->d;
  if (d->kind != SALESIM_DIST_LOGNORMAL || d->mean <= 0)
    return salesim_dist_draw(d, r);
  double lo = isfinite(d->min) ? d->min : -INFINITY;
  double hi = isfinite(d->max) ? d->max : INFINITY;
  return clamp(exp(f->mu + f->sigma * gsl_ran_gaussian_ziggurat(r, 1.0)), lo, hi);
}

double salesim_dist_draw(const salesim_dist *d, gsl_rng *r) {
  double lo = isfinite(d->min) ? d->min : -INFINITY;
  double hi = isfinite(d->max) ? d->max : INFINITY;
  switch (d->kind) {
  case SALESIM_DIST_NORMAL:
    return clamp(d->mean + d->sd * gsl_ran_gaussian_ziggurat(r, 1.0), lo, hi);
  case SALESIM_DIST_LOGNORMAL: {
    if (d->mean <= 0)
      return 0;
    double mu, sigma;
    lognormal_params(d, &mu, &sigma);
    return clamp(exp(mu + sigma * gsl_ran_gaussian_ziggurat(r, 1.0)), lo, hi);
  }
  case SALESIM_DIST_UNIFORM:
    return d->min + (d->max - d->min) * salesim_rng_uniform(r);
  case SALESIM_DIST_CONSTANT:
  default:
    return d->mean;
  }
}
