/* sim/hist.h — log-linear (HDR-style) latency histograms.
 *
 * Values are non-negative int64 (ns).  Buckets are exact below
 * 2^SIM_HIST_SUB_BITS and then SIM_HIST_SUB sub-buckets per power of two,
 * so any reported percentile is within SIM_HIST_REL_ERROR of a true sample
 * value (see hist.c for the derivation).  Fixed size, no allocation:
 * embeddable in lock classes and per-op statistics.
 */
#ifndef SIM_HIST_H
#define SIM_HIST_H

#include "sim/types.h"

#define SIM_HIST_SUB_BITS 8                      /* 256 exact values, then ... */
#define SIM_HIST_SUB (1u << (SIM_HIST_SUB_BITS - 1))  /* 128 sub-buckets per octave */
#define SIM_HIST_MAX_BITS 42                     /* values up to ~73 min in ns; larger clamp */
#define SIM_HIST_BUCKETS ((SIM_HIST_MAX_BITS - SIM_HIST_SUB_BITS + 2) * SIM_HIST_SUB)
#define SIM_HIST_REL_ERROR 0.01                  /* documented bound (1%) */

struct sim_hist {
	uint64_t count;
	int64_t min, max;
	double sum, sumsq;        /* for mean/stddev */
	uint32_t counts[SIM_HIST_BUCKETS];
};

void sim_hist_init(struct sim_hist *h);
void sim_hist_record(struct sim_hist *h, int64_t v);
void sim_hist_record_n(struct sim_hist *h, int64_t v, uint64_t n);
void sim_hist_merge(struct sim_hist *dst, const struct sim_hist *src);
/* p in [0, 100]; 0 on an empty histogram. */
int64_t sim_hist_percentile(const struct sim_hist *h, double p);
double sim_hist_mean(const struct sim_hist *h);
double sim_hist_stddev(const struct sim_hist *h);
/* Bucket i covers [lo, hi]; used to dump buckets to JSON. */
unsigned sim_hist_bucket_of(int64_t v);
int64_t sim_hist_bucket_lo(unsigned i);
int64_t sim_hist_bucket_hi(unsigned i);

#endif /* SIM_HIST_H */
