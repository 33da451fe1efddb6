/* sim/engine/hist.h — log-linear (HDR-style) latency histograms.
 *
 * Values are non-negative int64 (ns).  Buckets are exact below
 * 2^SIM_HIST_SUB_BITS and then SIM_HIST_SUB sub-buckets per power of two,
 * so any reported percentile is within SIM_HIST_REL_ERROR of a true sample
 * value (see hist.c for the derivation).  Fixed size, no allocation:
 * embeddable in lock classes and per-op statistics.
 *
 * Values above SIM_HIST_VMAX (2^42 - 1 ns, ~73 min) are recorded in the
 * last bucket and counted in `overflow`; min, max, mean and stddev still
 * use the true value.  A negative value is a caller's bug (a clock that ran
 * backwards) and stops the run with SIM_BUG_ON rather than being hidden.
 */
#ifndef SIM_HIST_H
#define SIM_HIST_H

#include "sim/engine/types.h"

#define SIM_HIST_SUB_BITS 8                      /* 256 exact values, then ... */
#define SIM_HIST_SUB (1u << (SIM_HIST_SUB_BITS - 1))  /* 128 sub-buckets per octave */
#define SIM_HIST_MAX_BITS 42                     /* values up to ~73 min in ns; larger clamp */
#define SIM_HIST_BUCKETS ((SIM_HIST_MAX_BITS - SIM_HIST_SUB_BITS + 2) * SIM_HIST_SUB)
#define SIM_HIST_VMAX ((INT64_C(1) << SIM_HIST_MAX_BITS) - 1)
#define SIM_HIST_REL_ERROR 0.01                  /* documented bound (1%) */

struct sim_hist {
	uint64_t count;
	int64_t min, max;         /* valid when count > 0 */
	double sum, sumsq;        /* for mean/stddev */
	uint64_t overflow;        /* values > SIM_HIST_VMAX (in the last bucket) */
	uint64_t counts[SIM_HIST_BUCKETS];
};

void sim_hist_init(struct sim_hist *h);

/* Bucket of v (0 <= v; values above SIM_HIST_VMAX map to the last).  For
 * v < 2^(SUB_BITS-1) the octave is taken as SUB_BITS-1, so one formula
 * covers the exact range too: e = msb(v | SUB), shift = e - (SUB_BITS-1),
 * index = (shift << (SUB_BITS-1)) + (v >> shift). */
static inline unsigned sim_hist_index(uint64_t v)
{
	unsigned shift = (unsigned)(63 - __builtin_clzll(v | SIM_HIST_SUB)) -
			 (SIM_HIST_SUB_BITS - 1);

	return (shift << (SIM_HIST_SUB_BITS - 1)) + (unsigned)(v >> shift);
}

/* Hot path: a clz, a shift, an add, four compares, and the stores. */
static inline void sim_hist_record(struct sim_hist *h, int64_t v)
{
	double d = (double)v;
	unsigned i;

	SIM_BUG_ON(v < 0);
	if (sim_likely(v <= SIM_HIST_VMAX)) {
		i = sim_hist_index((uint64_t)v);
	} else {
		i = SIM_HIST_BUCKETS - 1;
		h->overflow++;
	}
	h->counts[i]++;
	h->count++;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->sum += d;
	h->sumsq += d * d;
}

void sim_hist_record_n(struct sim_hist *h, int64_t v, uint64_t n);
/* dst += src.  Sums are doubles, so merge in a fixed order (plan order)
 * for bit-identical output. */
void sim_hist_merge(struct sim_hist *dst, const struct sim_hist *src);
/* p in [0, 100]: the value at rank ceil(p/100 * count) (p = 0: min,
 * p = 100: max), as its bucket's midpoint clamped to [min, max].
 * 0 on an empty histogram. */
int64_t sim_hist_percentile(const struct sim_hist *h, double p);
double sim_hist_mean(const struct sim_hist *h);     /* 0 if empty */
double sim_hist_stddev(const struct sim_hist *h);   /* sample (n - 1); 0 if n < 2 */
int64_t sim_hist_min(const struct sim_hist *h);     /* 0 if empty */
int64_t sim_hist_max(const struct sim_hist *h);     /* 0 if empty */

/* Bucket i covers the values [lo, hi]; used to dump buckets to JSON. */
unsigned sim_hist_bucket_of(int64_t v);
int64_t sim_hist_bucket_lo(unsigned i);
int64_t sim_hist_bucket_hi(unsigned i);
int64_t sim_hist_bucket_mid(unsigned i);
/* The first non-empty bucket at index >= i, or SIM_HIST_BUCKETS. */
unsigned sim_hist_next_bucket(const struct sim_hist *h, unsigned i);

/* for each non-empty bucket i:  sim_hist_for_each_bucket(h, i) { ... } */
#define sim_hist_for_each_bucket(h, i)                           \
	for ((i) = sim_hist_next_bucket((h), 0); (i) < SIM_HIST_BUCKETS; \
	     (i) = sim_hist_next_bucket((h), (i) + 1))

#endif /* SIM_HIST_H */
