/*
 * models/core/streams.h: random streams and population draws (GSL adapter).
 *
 * Common random numbers (MODEL.md §8): every stream is seeded from the
 * scenario seed, the replication and a purpose code, never from the
 * mechanism, so in replication i every mechanism sees the same territories,
 * people, hires and market shocks. Streams are GSL taus2 (24-byte state,
 * cheap to seed: MEASURED.md). Events that must line up across mechanisms
 * whatever the agents did before (exogenous quits) use a counter-based hash
 * instead of a stream position.
 */
#ifndef SALESIM_STREAMS_H
#define SALESIM_STREAMS_H

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>
#include <salesim/scenario.h>

typedef enum salesim_purpose {
  SALESIM_STREAM_TERRITORIES = 1,
  SALESIM_STREAM_POPULATION = 2,
  SALESIM_STREAM_MARKET = 3,
  SALESIM_STREAM_SLOT = 4,
  SALESIM_STREAM_HIRE = 5,
  SALESIM_STREAM_LIFE = 6,
  SALESIM_STREAM_NOISE = 7,
  SALESIM_STREAM_MECHANISM = 8,
  SALESIM_STREAM_MANAGERS = 20 /* managers and what people privately see
                                  (models/mechanisms/org.c); the same under every
                                  mechanism that has managers */
} salesim_purpose;

static inline uint64_t salesim_splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/** splitmix64-based mix of a seed with up to three counters. Inline (issue
 *  12: the exogenous quits hash every agent-month; constant counters fold). */
static inline uint64_t salesim_seed_mix(uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
  uint64_t h = salesim_splitmix64(seed ^ 0x5a1e5a1e5a1e5a1eULL);
  h = salesim_splitmix64(h ^ a);
  h = salesim_splitmix64(h ^ (b + 0x632be59bd9b4e019ULL));
  h = salesim_splitmix64(h ^ (c + 0x8cb92ba72f3d8dd7ULL));
  return h;
}

/** A uniform in [0,1) from the mix of (seed, a, b, c): counter-based. */
static inline double salesim_hash_uniform(uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
  return (double)(salesim_seed_mix(seed, a, b, c) >> 11) * 0x1.0p-53;
}
/** Allocate a taus2 stream seeded from the mix; NULL when out of memory. */
gsl_rng *salesim_stream_alloc(uint64_t seed, uint64_t a, uint64_t b, uint64_t c);
/** Re-seed an existing stream from the mix. */
void salesim_stream_seed(gsl_rng *r, uint64_t seed, uint64_t a, uint64_t b, uint64_t c);
/** A taus2 stream's state held in registers for a loop of draws (issue 12:
 *  salesim_rng_uniform through a->rng reloads the state after every store
 *  the loop makes, a byte store may alias it). salesim_taus_load copies it
 *  out of r and returns 1 when r is a taus2 stream, else 0 (use r itself);
 *  salesim_taus_store writes it back before r is used again. The draws are
 *  salesim_rng_uniform's, bit for bit. */
typedef struct salesim_taus {
  uint32_t s0, s1, s2; /* GSL keeps each below 2^32 in an unsigned long */
} salesim_taus;

static inline int salesim_taus_load(const gsl_rng *r, salesim_taus *t) {
  if (r->type != gsl_rng_taus2)
    return 0;
  const unsigned long *s = (const unsigned long *)r->state;
  t->s0 = (uint32_t)s[0];
  t->s1 = (uint32_t)s[1];
  t->s2 = (uint32_t)s[2];
  return 1;
}

static inline void salesim_taus_store(gsl_rng *r, const salesim_taus *t) {
  unsigned long *s = (unsigned long *)r->state;
  s[0] = t->s0;
  s[1] = t->s1;
  s[2] = t->s2;
}

/** The next 32-bit output (gsl_rng_get's): GSL's steps with the masks to 32
 *  bits done by 32-bit arithmetic. */
static inline unsigned long salesim_taus_get(salesim_taus *t) {
  uint32_t s0 = t->s0, s1 = t->s1, s2 = t->s2;
  s0 = (uint32_t)((s0 & 4294967294u) << 12) ^ ((uint32_t)((s0 << 13) ^ s0) >> 19);
  s1 = (uint32_t)((s1 & 4294967288u) << 4) ^ ((uint32_t)((s1 << 2) ^ s1) >> 25);
  s2 = (uint32_t)((s2 & 4294967280u) << 17) ^ ((uint32_t)((s2 << 3) ^ s2) >> 11);
  t->s0 = s0;
  t->s1 = s1;
  t->s2 = s2;
  return (unsigned long)(s0 ^ s1 ^ s2);
}

/** gsl_rng_uniform(r), bit for bit, without its two indirect calls when r
 *  is a taus2 stream (every stream of the simulation: salesim_stream_alloc).
 *  taus2 is L'Ecuyer's (1996) three-component Tausworthe generator; GSL keeps
 *  its state as three unsigned longs behind r->state, which this reads and
 *  advances exactly as GSL's taus_get does (salesim_taus_get). test_world
 *  checks the two against each other over many seeds (it would catch a GSL
 *  that stored the state otherwise). Other generators go through GSL. */
static inline double salesim_rng_uniform(gsl_rng *r) {
  salesim_taus t;
  if (!salesim_taus_load(r, &t))
    return gsl_rng_uniform(r);
  double u = (double)salesim_taus_get(&t) / 4294967296.0;
  salesim_taus_store(r, &t);
  return u;
}

/** Measure the tables salesim_rng_gaussian needs (once a process; any
 *  thread, any number of times). Until then every draw is GSL's own, with
 *  the same result; salesim_stream_alloc calls it. */
void salesim_streams_prepare(void);

/** gsl_ran_gaussian_ziggurat(r, sigma), out of line. */
double salesim_rng_gaussian_gsl(gsl_rng *r, double sigma);

/* GSL's ziggurat tables for salesim_rng_gaussian (streams.c): K, 2^24 times
 * the ratio of neighbouring steps' widths, and W, 2^-24 times a step's width */
extern _Atomic unsigned long salesim_zig_k[128];
extern double salesim_zig_w[128];

/** gsl_ran_gaussian_ziggurat(r, sigma), bit for bit and with the same draws
 *  from r, faster on a taus2 stream (salesim_rng_gaussian_taus: the same
 *  from r's state held in *t, r's own state stale until stored). GSL's
 *  ziggurat (Marsaglia & Tsang 2000, 128 steps) takes one 32-bit output k:
 *  step i = k & 0x7f, sign from bit 7, j = bits 8..31; if j < K[i] it
 *  returns sign * sigma * (j * W[i]) at once (about 99 % of draws), which is
 *  done here without GSL's indirect calls; any other case, and any other
 *  generator, is left to GSL before r has moved, so GSL draws the same
 *  output again and goes on as it always did. The tables are read out of
 *  the linked GSL (streams.c), never copied. test_world checks the two
 *  against each other over many seeds. */
static inline double salesim_rng_gaussian_taus(gsl_rng *r, salesim_taus *t, double sigma) {
  salesim_taus next = *t;
  unsigned long k = salesim_taus_get(&next);
  unsigned long i = k & 0x7f, j = (k >> 8) & 0xffffff;
  if (j < atomic_load_explicit(&salesim_zig_k[i], memory_order_acquire)) {
    *t = next;
    double sign = (k & 0x80) ? 1.0 : -1.0;
    return sign * sigma * ((double)j * salesim_zig_w[i]);
  }
  salesim_taus_store(r, t);
  double x = salesim_rng_gaussian_gsl(r, sigma);
  salesim_taus_load(r, t);
  return x;
}

static inline double salesim_rng_gaussian(gsl_rng *r, double sigma) {
  salesim_taus t;
  if (!salesim_taus_load(r, &t))
    return salesim_rng_gaussian_gsl(r, sigma);
  double x = salesim_rng_gaussian_taus(r, &t, sigma);
  salesim_taus_store(r, &t);
  return x;
}

/** gsl_ran_poisson(r, mu), bit for bit and with the same draws from r:
 *  for mu <= 10 on a taus2 stream Knuth's product of uniforms (GSL's method
 *  there) without GSL's indirect calls; otherwise GSL's. */
unsigned salesim_rng_poisson(gsl_rng *r, double mu);

/** One draw from a population distribution (scenario.h). */
double salesim_dist_draw(const salesim_dist *d, gsl_rng *r);

/** A distribution with its lognormal parameters and its clamp worked out
 *  once, for draws in the monthly loop (deal values, people's traits). */
typedef struct salesim_dist_fast {
  salesim_dist d;
  double mu, sigma; /* of log X, lognormal only */
  double lo, hi;    /* d.min, d.max, or -inf, +inf where not finite */
  int lognormal;    /* a lognormal with a mean not <= 0: drawn inline */
} salesim_dist_fast;

void salesim_dist_fast_init(salesim_dist_fast *f, const salesim_dist *d);
/** The same draw as salesim_dist_draw(&f->d, r), without recomputing the
 *  lognormal parameters. */
double salesim_dist_fast_draw(const salesim_dist_fast *f, gsl_rng *r);

/** x clamped to [lo, hi] (a NaN stays NaN). */
static inline double salesim_clamp(double x, double lo, double hi) {
  if (x < lo)
    return lo;
  if (x > hi)
    return hi;
  return x;
}

/** salesim_dist_fast_draw(f, r) from r's taus2 state held in *t
 *  (salesim_taus_load succeeded; r's own state stale until stored): the
 *  cases of salesim_dist_draw, written out again for the state in *t. */
static inline double salesim_dist_fast_draw_taus(const salesim_dist_fast *f, gsl_rng *r,
                                                 salesim_taus *t) {
  const salesim_dist *d = &f->d;
  if (f->lognormal)
    return salesim_clamp(exp(f->mu + f->sigma * salesim_rng_gaussian_taus(r, t, 1.0)), f->lo,
                         f->hi);
  switch (d->kind) {
  case SALESIM_DIST_NORMAL:
    return salesim_clamp(d->mean + d->sd * salesim_rng_gaussian_taus(r, t, 1.0), f->lo, f->hi);
  case SALESIM_DIST_LOGNORMAL:
    return 0; /* mean <= 0 */
  case SALESIM_DIST_UNIFORM:
    return d->min + (d->max - d->min) * ((double)salesim_taus_get(t) / 4294967296.0);
  case SALESIM_DIST_CONSTANT:
  default:
    return d->mean;
  }
}

#endif
