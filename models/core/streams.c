/*
 * models/core/streams.c: seeded GSL streams and distribution draws (streams.h).
 */
#include "streams.h"

#include <math.h>
#include <threads.h>

#include <gsl/gsl_randist.h>

void salesim_stream_seed(gsl_rng *r, uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
  /* taus2 takes a 32-bit seed; 0 would select GSL's default seed */
  unsigned long s = (unsigned long)(salesim_seed_mix(seed, a, b, c) & 0xffffffffUL);
  gsl_rng_set(r, s ? s : 1UL);
}

gsl_rng *salesim_stream_alloc(uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
  salesim_streams_prepare(); /* before the stream's first draw */
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  if (r != NULL)
    salesim_stream_seed(r, seed, a, b, c);
  return r;
}

/* ---- the ziggurat's common case (salesim_rng_gaussian) -----------------------
 *
 * GSL's ziggurat (randist/gausszig.c, Marsaglia & Tsang 2000 with 128 steps)
 * takes one 32-bit output k of a full-range generator such as taus2: step
 * i = k & 0x7f, sign from bit 7, j = bits 8..31; if j < K[i] it returns
 * sign * sigma * (j * W[i]) at once, else it goes on to the step's wedge or
 * the tail with further draws. K and W are GSL's own tables, static in the
 * library, so they are measured from it once, through a scripted generator
 * whose outputs choose (i, j): with j = 1 (accepted on every step with
 * K[i] > 1) the answer is W[i] itself; K[i] is the first j whose call takes
 * more than one output (a bisection, as acceptance is j < K[i]). A step
 * whose K could not be read that way keeps K = 0 (always left to GSL). */

#define ZIG_STEPS 128
#define ZIG_J 16777216UL /* 2^24 */

/* K and W (streams.h): a K entry is stored (release) after its W, and read
 * (acquire) before it, so a thread that sees K[i] > j sees W[i]; while the
 * tables are not measured K is 0 and every draw is GSL's. */
_Atomic unsigned long salesim_zig_k[ZIG_STEPS];
double salesim_zig_w[ZIG_STEPS];
static once_flag zig_once = ONCE_FLAG_INIT;

/* The scripted generator: out[0] then out[1], ... (the last repeated). */
typedef struct probe_state {
  unsigned long out[3];
  int n;
} probe_state;

static void probe_set(void *s, unsigned long seed) {
  (void)s;
  (void)seed;
}

static unsigned long probe_get(void *vs) {
  probe_state *s = vs;
  unsigned long x = s->out[s->n < 3 ? s->n : 2];
  s->n++;
  return x;
}

static double probe_get_double(void *vs) { return (double)probe_get(vs) / 4294967296.0; }

static const gsl_rng_type probe_type = {"salesim_zig_probe", 0xffffffffUL, 0, sizeof(probe_state),
                                        probe_set, probe_get, probe_get_double};

/* One GSL draw with first output (j << 8) | 0x80 | i, then uniforms of 0 and
 * an output accepted at once on step 1; *calls gets the outputs it took. */
static double probe(unsigned long i, unsigned long j, int *calls) {
  probe_state st = {{(j << 8) | 0x80UL | i, 0, (1UL << 8) | 0x81UL}, 0};
  gsl_rng r = {&probe_type, &st};
  double x = gsl_ran_gaussian_ziggurat(&r, 1.0);
  *calls = st.n;
  return x;
}

static void zig_measure(void) {
  for (unsigned long i = 0; i < ZIG_STEPS; i++) {
    int calls;
    unsigned long lo = 0, hi = ZIG_J; /* K[i] in [lo, hi]: j < lo accepted */
    while (lo < hi) {
      unsigned long mid = lo + (hi - lo) / 2;
      probe(i, mid, &calls);
      if (calls == 1)
        lo = mid + 1;
      else
        hi = mid;
    }
    double w = 0;
    if (lo > 1) {
      w = probe(i, 1, &calls);
      if (calls != 1 || !(w > 0))
        lo = 0;
    }
    /* accepted below lo and not at lo (checked at both ends) */
    if (lo > 0) {
      probe(i, lo - 1, &calls);
      int below = calls;
      int at = 2;
      if (lo < ZIG_J)
        probe(i, lo, &at);
      if (below != 1 || at == 1)
        lo = 0;
    }
    salesim_zig_w[i] = lo > 1 ? w : 0;
    atomic_store_explicit(&salesim_zig_k[i], lo, memory_order_release);
  }
}

void salesim_streams_prepare(void) { call_once(&zig_once, zig_measure); }

double salesim_rng_gaussian_gsl(gsl_rng *r, double sigma) {
  return gsl_ran_gaussian_ziggurat(r, sigma);
}

unsigned salesim_rng_poisson(gsl_rng *r, double mu) {
  salesim_taus t;
  if (!(mu <= 10) || !salesim_taus_load(r, &t))
    return gsl_ran_poisson(r, mu);
  /* the product of uniforms falls below e^-mu after k + 1 of them */
  double emu = exp(-mu), prod = 1.0;
  unsigned k = 0;
  do {
    prod *= (double)salesim_taus_get(&t) / 4294967296.0;
    k++;
  } while (prod > emu);
  salesim_taus_store(r, &t);
  return k - 1;
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
  f->lo = isfinite(d->min) ? d->min : -INFINITY;
  f->hi = isfinite(d->max) ? d->max : INFINITY;
  /* as salesim_dist_draw: a lognormal with mean <= 0 is 0, no draw (a NaN
   * mean, which the scenario check refuses, draws with mu = sigma = 0) */
  f->lognormal = d->kind == SALESIM_DIST_LOGNORMAL && !(d->mean <= 0);
  if (d->kind == SALESIM_DIST_LOGNORMAL && d->mean > 0)
    lognormal_params(d, &f->mu, &f->sigma);
}

double salesim_dist_fast_draw(const salesim_dist_fast *f, gsl_rng *r) {
  salesim_taus t;
  if (!f->lognormal || !salesim_taus_load(r, &t)) {
    if (!f->lognormal)
      return salesim_dist_draw(&f->d, r);
    return salesim_clamp(exp(f->mu + f->sigma * salesim_rng_gaussian(r, 1.0)), f->lo, f->hi);
  }
  double x = salesim_dist_fast_draw_taus(f, r, &t);
  salesim_taus_store(r, &t);
  return x;
}

double salesim_dist_draw(const salesim_dist *d, gsl_rng *r) {
  double lo = isfinite(d->min) ? d->min : -INFINITY;
  double hi = isfinite(d->max) ? d->max : INFINITY;
  switch (d->kind) {
  case SALESIM_DIST_NORMAL:
    return salesim_clamp(d->mean + d->sd * salesim_rng_gaussian(r, 1.0), lo, hi);
  case SALESIM_DIST_LOGNORMAL: {
    if (d->mean <= 0)
      return 0;
    double mu, sigma;
    lognormal_params(d, &mu, &sigma);
    return salesim_clamp(exp(mu + sigma * salesim_rng_gaussian(r, 1.0)), lo, hi);
  }
  case SALESIM_DIST_UNIFORM:
    return d->min + (d->max - d->min) * salesim_rng_uniform(r);
  case SALESIM_DIST_CONSTANT:
  default:
    return d->mean;
  }
}
