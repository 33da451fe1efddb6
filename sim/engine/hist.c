/* sim/engine/hist.c — log-linear histograms: percentiles, moments, merge, buckets.
 *
 * Layout (fio's and HdrHistogram's idea): values below 2^SUB_BITS = 256
 * have a bucket each; above, each octave [2^e, 2^(e+1)) (8 <= e <= 41) is
 * split into SIM_HIST_SUB = 128 equal buckets of width w = 2^(e-7).  4608
 * buckets cover [0, 2^42) ns; recording is a clz and a shift (hist.h).
 *
 * Error bound.  Percentile p reports, for the rank r = ceil(p/100 n), the
 * midpoint m of the bucket that holds the r-th smallest sample v, clamped
 * to [min, max].  Below 256 buckets are exact: m = v.  Above, v and m lie
 * in the same bucket [lo, lo + w - 1] with m = lo + w/2, so
 *     |m - v| <= w/2 = 2^(e-8)   and   v >= lo >= 2^e,
 *     |m - v| / v <= 2^-8 = 0.39%.
 * Clamping to [min, max] only moves m towards v (min <= v <= max).  So the
 * reported value is within 0.39% of a true sample at the requested rank;
 * the documented bound SIM_HIST_REL_ERROR = 1% leaves room for a coarser
 * layout later.  The bound holds for v <= SIM_HIST_VMAX; above it (73 min
 * of latency) only min/max/mean stay exact.
 *
 * Moments: mean and stddev come from sum and sum of squares in double.
 * Welford would cost a division per record; the cancellation in
 * sumsq - sum^2/n only matters when stddev/mean < ~1e-7, which no latency
 * distribution here approaches.
 */
#include <string.h>

#include "sim/engine/hist.h"
#include "sim/engine/rng.h"

void sim_hist_init(struct sim_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = INT64_MAX;
	h->max = 0;
}

void sim_hist_record_n(struct sim_hist *h, int64_t v, uint64_t n)
{
	double d = (double)v, dn = (double)n;
	unsigned i;

	SIM_BUG_ON(v < 0);
	if (n == 0)
		return;
	if (v <= SIM_HIST_VMAX) {
		i = sim_hist_index((uint64_t)v);
	} else {
		i = SIM_HIST_BUCKETS - 1;
		h->overflow += n;
	}
	h->counts[i] += n;
	h->count += n;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->sum += d * dn;
	h->sumsq += d * d * dn;
}

void sim_hist_merge(struct sim_hist *dst, const struct sim_hist *src)
{
	unsigned i;

	if (src->count == 0)
		return;
	for (i = 0; i < SIM_HIST_BUCKETS; i++)
		dst->counts[i] += src->counts[i];
	dst->count += src->count;
	dst->overflow += src->overflow;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->sum += src->sum;
	dst->sumsq += src->sumsq;
}

int64_t sim_hist_min(const struct sim_hist *h)
{
	return h->count ? h->min : 0;
}

int64_t sim_hist_max(const struct sim_hist *h)
{
	return h->count ? h->max : 0;
}

int64_t sim_hist_percentile(const struct sim_hist *h, double p)
{
	double want;
	uint64_t rank, seen = 0;
	unsigned i;
	int64_t m;

	if (h->count == 0)
		return 0;
	if (!(p > 0))
		return h->min;
	if (p >= 100)
		return h->max;
	/* rank = ceil(p/100 n) in [1, n].  p/100 n is rounded, so a rank
	 * that should be an integer (p = 99.9, n = 1000) may come out an ulp
	 * above it; shave a relative 1e-12 before the ceiling (which would only
	 * misplace a rank for n near 1e12). */
	want = p / 100 * (double)h->count;
	want -= want * 1e-12;
	rank = (uint64_t)want;
	if ((double)rank < want)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;

	for (i = 0; i < SIM_HIST_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen >= rank)
			break;
	}
	SIM_BUG_ON(i == SIM_HIST_BUCKETS);	/* counts disagree with count */
	m = sim_hist_bucket_mid(i);
	if (m < h->min)
		m = h->min;
	if (m > h->max)
		m = h->max;
	return m;
}

double sim_hist_mean(const struct sim_hist *h)
{
	return h->count ? h->sum / (double)h->count : 0;
}

double sim_hist_stddev(const struct sim_hist *h)
{
	double n = (double)h->count, var;

	if (h->count < 2)
		return 0;
	var = (h->sumsq - h->sum * h->sum / n) / (n - 1);
	return var > 0 ? sim_sqrt(var) : 0;
}

/* ---- buckets ------------------------------------------------------------ */

unsigned sim_hist_bucket_of(int64_t v)
{
	SIM_BUG_ON(v < 0);
	if (v > SIM_HIST_VMAX)
		return SIM_HIST_BUCKETS - 1;
	return sim_hist_index((uint64_t)v);
}

int64_t sim_hist_bucket_lo(unsigned i)
{
	unsigned shift;

	SIM_BUG_ON(i >= SIM_HIST_BUCKETS);
	if (i < 2 * SIM_HIST_SUB)
		return i;
	/* inverse of sim_hist_index: i = (shift << 7) + (v >> shift), with
	 * v >> shift in [128, 256) */
	shift = (i >> (SIM_HIST_SUB_BITS - 1)) - 1;
	return (int64_t)(SIM_HIST_SUB + (i & (SIM_HIST_SUB - 1))) << shift;
}

int64_t sim_hist_bucket_hi(unsigned i)
{
	unsigned shift;

	SIM_BUG_ON(i >= SIM_HIST_BUCKETS);
	if (i < 2 * SIM_HIST_SUB)
		return i;
	shift = (i >> (SIM_HIST_SUB_BITS - 1)) - 1;
	return sim_hist_bucket_lo(i) + (INT64_C(1) << shift) - 1;
}

int64_t sim_hist_bucket_mid(unsigned i)
{
	int64_t lo = sim_hist_bucket_lo(i), hi = sim_hist_bucket_hi(i);

	return lo + (hi - lo + 1) / 2;
}

unsigned sim_hist_next_bucket(const struct sim_hist *h, unsigned i)
{
	for (; i < SIM_HIST_BUCKETS; i++)
		if (h->counts[i])
			break;
	return i;
}
