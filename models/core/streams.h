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

/** splitmix64-based mix of a seed with up to three counters. */
uint64_t salesim_seed_mix(uint64_t seed, uint64_t a, uint64_t b, uint64_t c);
/** A uniform in [0,1) from the mix of (seed, a, b, c): counter-based. */
double salesim_hash_uniform(uint64_t seed, uint64_t a, uint64_t b, uint64_t c);
/** Allocate a taus2 stream seeded from the mix; NULL when out of memory. */
gsl_rng *salesim_stream_alloc(uint64_t seed, uint64_t a, uint64_t b, uint64_t c);
/** Re-seed an existing stream from the mix. */
void salesim_stream_seed(gsl_rng *r, uint64_t seed, uint64_t a, uint64_t b, uint64_t c);
/** gsl_rng_uniform(r), bit for bit, without its two indirect calls when r
 *  is a taus2 stream (every stream of the simulation: salesim_stream_alloc).
 *  taus2 is L'Ecuyer's (1996) three-component Tausworthe generator; GSL keeps
 *  its state as three unsigned longs behind r->state, which this reads and
 *  advances exactly as GSL's taus_get does. test_streams checks the two
 *  against each other over many seeds (it would catch a GSL that stored the
 *  state otherwise). Other generators go through GSL. */
static inline double salesim_rng_uniform(gsl_rng *r) {
  if (r->type != gsl_rng_taus2)
    return gsl_rng_uniform(r);
  unsigned long *s = (unsigned long *)r->state;
  const unsigned long mask = 0xffffffffUL;
  s[0] = (((s[0] & 4294967294UL) << 12) & mask) ^ ((((s[0] << 13) & mask) ^ s[0]) >> 19);
  s[1] = (((s[1] & 4294967288UL) << 4) & mask) ^ ((((s[1] << 2) & mask) ^ s[1]) >> 25);
  s[2] = (((s[2] & 4294967280UL) << 17) & mask) ^ ((((s[2] << 3) & mask) ^ s[2]) >> 11);
  return (double)(s[0] ^ s[1] ^ s[2]) / 4294967296.0;
}

/** One draw from a population distribution (scenario.h). */
double salesim_dist_draw(const salesim_dist *d, gsl_rng *r);

/** A distribution with its lognormal parameters worked out once, for draws
 *  in the monthly loop (deal values). */
typedef struct salesim_dist_fast {
  salesim_dist d;
  double mu, sigma; /* of log X, lognormal only */
} salesim_dist_fast;

void salesim_dist_fast_init(salesim_dist_fast *f, const salesim_dist *d);
/** The same draw as salesim_dist_draw(&f->d, r), without recomputing the
 *  lognormal parameters. */
double salesim_dist_fast_draw(const salesim_dist_fast *f, gsl_rng *r);

#endif
