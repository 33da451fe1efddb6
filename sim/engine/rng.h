/* sim/engine/rng.h — per-stream pseudo-random numbers and distributions.
 *
 * Every stream is seeded from (seed, job, task, purpose), so replica r of
 * every strategy draws the same workload (common random numbers) and adding
 * a consumer never shifts another stream.  Distribution code is our own and
 * uses no libm, so results do not depend on the C library.
 *
 * Implemented in rng.c (generator, seeding), fmath.c (log/exp/pow/sqrt) and
 * dist.c (distributions, weighted choice).
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include "sim/engine/types.h"

/* xoshiro256** state.  Plain data: copy it to fork a stream's position. */
struct sim_rng {
	uint64_t s[4];
};

/* Any two different (seed, job, task, purpose) tuples give independent
 * streams; the same tuple always gives the same sequence. */
void sim_rng_seed(struct sim_rng *r, uint64_t seed, uint64_t job,
		  uint64_t task, uint64_t purpose);
/* A purpose id from a name ("think", "offset", ...), so consumers need no
 * central enum: FNV-1a, stable across builds and machines. */
uint64_t sim_rng_purpose(const char *name);
uint64_t sim_rng_next(struct sim_rng *r);
double sim_rng_double(struct sim_rng *r);            /* [0, 1), 53 bits */
uint64_t sim_rng_below(struct sim_rng *r, uint64_t n); /* [0, n), unbiased; n > 0 */

/* Deterministic replacements for libm (identical results on any IEEE-754
 * machine; see fmath.c for the accuracy measured against glibc). */
double sim_log(double x);
double sim_log1p(double x);
double sim_exp(double x);
double sim_expm1(double x);
double sim_pow(double x, double y);
double sim_sqrt(double x);

enum sim_dist_kind {
	SIM_DIST_FIXED,
	SIM_DIST_UNIFORM,
	SIM_DIST_EXP,
	SIM_DIST_NORMAL,
	SIM_DIST_LOGNORMAL,
	SIM_DIST_ZIPF,
	SIM_DIST_PARETO,
};

/* A parsed distribution.  Parameters are in the unit of the key that holds
 * it (ns for times, bytes for sizes).  Build one with a constructor below;
 * the struct is plain data (copyable, no allocation). */
struct sim_dist {
	enum sim_dist_kind kind;
	double a, b;      /* fixed: a; uniform: [a, b]; exp: mean a; normal and
			     lognormal: mean a, stddev b (of the samples, not of
			     the underlying normal); zipf: theta a over [0, n);
			     pareto: shape a, scale b (the minimum) */
	double lo, hi;    /* clamp applied to samples (hi <= 0: none) */
	double zipf_c[4]; /* precomputed rejection-inversion constants */
	uint64_t zipf_n;  /* 0 until sim_dist_zipf_prepare() */
};

struct sim_dist sim_dist_fixed(double v);
struct sim_dist sim_dist_uniform(double a, double b);      /* a <= b */
struct sim_dist sim_dist_exp(double mean);                  /* mean > 0 */
struct sim_dist sim_dist_normal(double mean, double sd);    /* sd >= 0 */
struct sim_dist sim_dist_lognormal(double mean, double sd); /* mean > 0, sd >= 0 */
struct sim_dist sim_dist_zipf(double theta);                /* theta > 0 */
struct sim_dist sim_dist_pareto(double shape, double scale); /* both > 0 */
/* Clamp every sample to [lo, hi] (hi > 0, lo <= hi). */
void sim_dist_clamp(struct sim_dist *d, double lo, double hi);
/* Theoretical mean and variance (before clamping); NaN where undefined
 * (zipf needs prepare; pareto needs shape > 1 resp. > 2). */
double sim_dist_mean(const struct sim_dist *d);
double sim_dist_variance(const struct sim_dist *d);

double sim_dist_sample(const struct sim_dist *d, struct sim_rng *r);
/* Zipf over [0, n): rank 0 is the most popular, P(k) ∝ (k+1)^-theta.
 * Rejection-inversion (Hörmann & Derflinger 1996): O(1), no table. */
void sim_dist_zipf_prepare(struct sim_dist *d, uint64_t n);
uint64_t sim_dist_zipf_sample(const struct sim_dist *d, struct sim_rng *r);

/* "fixed:V", "uniform:A-B", "exp:MEAN", "normal:MEAN,SD",
 * "lognormal:MEAN,SD", "zipf:THETA", "pareto:SHAPE,SCALE", followed by
 * ",clamp=LO-HI" when clamped.  Numbers are printed in the shortest form
 * that reads back to the same double.  Returns what snprintf returns. */
int sim_dist_format(const struct sim_dist *d, char *buf, size_t len);

/* Weighted choice over n items (weights >= 0, sum > 0). */
#define SIM_CHOICE_MAX 32
struct sim_choice {
	unsigned n;
	double cum[SIM_CHOICE_MAX];  /* cumulative, cum[n-1] = total */
};
void sim_choice_init(struct sim_choice *c, const double *weights, unsigned n);
unsigned sim_choice_pick(const struct sim_choice *c, struct sim_rng *r);

#endif /* SIM_RNG_H */
