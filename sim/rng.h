/* sim/rng.h — per-stream pseudo-random numbers and distributions.
 *
 * Every stream is seeded from (seed, job, task, purpose), so replica r of
 * every strategy draws the same workload (common random numbers) and adding
 * a consumer never shifts another stream.  Distribution code is our own and
 * uses no libm, so results do not depend on the C library.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include "sim/types.h"

struct sim_rng {
	uint64_t s[4];
};

void sim_rng_seed(struct sim_rng *r, uint64_t seed, uint64_t job,
		  uint64_t task, uint64_t purpose);
uint64_t sim_rng_next(struct sim_rng *r);
double sim_rng_double(struct sim_rng *r);            /* [0, 1) */
uint64_t sim_rng_below(struct sim_rng *r, uint64_t n); /* [0, n), unbiased */

/* Deterministic replacements for libm (identical results on any IEEE-754
 * machine; see rng.c for accuracy). */
double sim_log(double x);
double sim_exp(double x);
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
 * it (ns for times, bytes for sizes). */
struct sim_dist {
	enum sim_dist_kind kind;
	double a, b;      /* fixed: a; uniform: [a, b]; exp: mean a; normal and
			     lognormal: mean a, stddev b; zipf: theta a over
			     [0, n); pareto: shape a, scale b */
	double lo, hi;    /* clamp applied to samples (hi <= 0: none) */
	double zipf_c[4]; /* precomputed rejection-inversion constants */
	uint64_t zipf_n;
};

double sim_dist_sample(const struct sim_dist *d, struct sim_rng *r);
/* Zipf over [0, n): rank 0 is the most popular. */
void sim_dist_zipf_prepare(struct sim_dist *d, uint64_t n);
uint64_t sim_dist_zipf_sample(const struct sim_dist *d, struct sim_rng *r);

/* Weighted choice over n items (weights >= 0, sum > 0). */
#define SIM_CHOICE_MAX 32
struct sim_choice {
	unsigned n;
	double cum[SIM_CHOICE_MAX];  /* cumulative, cum[n-1] = total */
};
void sim_choice_init(struct sim_choice *c, const double *weights, unsigned n);
unsigned sim_choice_pick(const struct sim_choice *c, struct sim_rng *r);

#endif /* SIM_RNG_H */
