/* sim/engine/dist.c — distributions drawn from a sim_rng stream, and weighted
 * choice.
 *
 * Every sampler is stateless per call (the struct is read-only while
 * sampling), so a stream's sequence depends only on the calls made on it.
 * All arithmetic goes through fmath.c, never libm, so samples are
 * bit-identical on every IEEE-754 machine.
 *
 * Algorithms, and why:
 *   exp        ziggurat (Marsaglia & Tsang 2000, 256 layers, tables in
 *              ziggurat.c): one 64-bit draw gives the layer (low 8 bits)
 *              and a 53-bit uniform (high bits); 98.9% of samples are one
 *              multiply and one compare, the rest go to the wedge test
 *              (one sim_exp) or, 0.03%, to the tail (r + an inversion
 *              sample: the law is memoryless).  Exact law, as inversion;
 *              ~6x cheaper than -mean log(1 - U), which cost one sim_log
 *              (~110 instructions) per sample
 *   normal     Marsaglia polar; the second variate of the pair is dropped
 *              so no spare has to live in the stream (Box-Muller would need
 *              sin/cos, which fmath.c does not have)
 *   lognormal  exp(mu + sigma Z) with sigma^2 = log(1 + sd^2/mean^2) and
 *              mu = log(mean) - sigma^2/2, so mean and sd are those of the
 *              samples, which is what a workload file means by them
 *   pareto     inversion, scale (1 - U)^(-1/shape)
 *   zipf       rejection-inversion (Hörmann & Derflinger, "Rejection-
 *              inversion to generate variates from monotone discrete
 *              distributions", 1996), in the form of Apache Commons RNG's
 *              RejectionInversionZipfSampler: O(1) expected draws (< 1.1
 *              for any theta), no table, and theta = 1 needs no special
 *              case because H is written with expm1/log1p helpers.
 *   choice     binary search over cumulative weights (n <= 32).
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim/engine/rng.h"
#include "sim/engine/ziggurat.h"

static struct sim_dist sim_dist_make(enum sim_dist_kind kind, double a, double b)
{
	struct sim_dist d = { .kind = kind, .a = a, .b = b };

	return d;
}

struct sim_dist sim_dist_fixed(double v)
{
	return sim_dist_make(SIM_DIST_FIXED, v, 0);
}

struct sim_dist sim_dist_uniform(double a, double b)
{
	SIM_BUG_ON(!(a <= b));
	return sim_dist_make(SIM_DIST_UNIFORM, a, b);
}

struct sim_dist sim_dist_exp(double mean)
{
	SIM_BUG_ON(!(mean > 0));
	return sim_dist_make(SIM_DIST_EXP, mean, 0);
}

struct sim_dist sim_dist_normal(double mean, double sd)
{
	SIM_BUG_ON(!(sd >= 0));
	return sim_dist_make(SIM_DIST_NORMAL, mean, sd);
}

struct sim_dist sim_dist_lognormal(double mean, double sd)
{
	SIM_BUG_ON(!(mean > 0) || !(sd >= 0));
	return sim_dist_make(SIM_DIST_LOGNORMAL, mean, sd);
}

struct sim_dist sim_dist_zipf(double theta)
{
	SIM_BUG_ON(!(theta > 0));
	return sim_dist_make(SIM_DIST_ZIPF, theta, 0);
}

struct sim_dist sim_dist_pareto(double shape, double scale)
{
	SIM_BUG_ON(!(shape > 0) || !(scale > 0));
	return sim_dist_make(SIM_DIST_PARETO, shape, scale);
}

void sim_dist_clamp(struct sim_dist *d, double lo, double hi)
{
	SIM_BUG_ON(!(hi > 0) || !(lo <= hi));
	d->lo = lo;
	d->hi = hi;
}

/* ---- zipf: rejection-inversion ---------------------------------------- */

/* log1p(x)/x and expm1(x)/x, continuous through 0 (Taylor near 0, where
 * the quotients lose nothing but the division would be 0/0). */
static double sim_zipf_helper1(double x)
{
	if (x > 1e-8 || x < -1e-8)
		return sim_log1p(x) / x;
	return 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}

static double sim_zipf_helper2(double x)
{
	if (x > 1e-8 || x < -1e-8)
		return sim_expm1(x) / x;
	return 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x));
}

/* h(x) = x^-theta, H its antiderivative (x^(1-theta) - 1)/(1-theta)
 * (log x at theta = 1), and H's inverse. */
static double sim_zipf_h(double x, double theta)
{
	return sim_exp(-theta * sim_log(x));
}

static double sim_zipf_H(double x, double theta)
{
	double lx = sim_log(x);

	return sim_zipf_helper2((1 - theta) * lx) * lx;
}

static double sim_zipf_Hinv(double x, double theta)
{
	double t = x * (1 - theta);

	if (t < -1)	/* rounding guard: H^-1 is only defined for t >= -1 */
		t = -1;
	return sim_exp(sim_zipf_helper1(t) * x);
}

void sim_dist_zipf_prepare(struct sim_dist *d, uint64_t n)
{
	double theta = d->a;

	SIM_BUG_ON(d->kind != SIM_DIST_ZIPF || n == 0);
	d->zipf_n = n;
	d->zipf_c[0] = sim_zipf_H(1.5, theta) - 1;		/* H(x1) */
	d->zipf_c[1] = sim_zipf_H((double)n + 0.5, theta);	/* H(n + 1/2) */
	d->zipf_c[2] = 2 - sim_zipf_Hinv(sim_zipf_H(2.5, theta) -
					 sim_zipf_h(2, theta), theta);
	d->zipf_c[3] = 0;
}

uint64_t sim_dist_zipf_sample(const struct sim_dist *d, struct sim_rng *r)
{
	double theta = d->a, hx1 = d->zipf_c[0], hn = d->zipf_c[1];
	double s = d->zipf_c[2];
	uint64_t n = d->zipf_n;

	SIM_BUG_ON(d->kind != SIM_DIST_ZIPF || n == 0);
	for (;;) {
		/* u uniform on (H(x1), H(n + 1/2)] */
		double u = hn + sim_rng_double(r) * (hx1 - hn);
		double x = sim_zipf_Hinv(u, theta);
		uint64_t k;

		k = x < 1 ? 1 : (uint64_t)(x + 0.5);
		if (k < 1)
			k = 1;
		else if (k > n)
			k = n;
		/* Accept at once inside the squeeze, else against the exact
		 * area under h around k. */
		if ((double)k - x <= s ||
		    u >= sim_zipf_H((double)k + 0.5, theta) - sim_zipf_h((double)k, theta))
			return k - 1;
	}
}

/* ---- sampling ------------------------------------------------------------ */

/* Exp(1) by the ziggurat (see the top of the file and ziggurat.c). */
static double sim_exp01(struct sim_rng *r)
{
	for (;;) {
		uint64_t u = sim_rng_next(r);
		unsigned i = (unsigned)(u & (SIM_ZIG_EXP_LAYERS - 1));
		uint64_t j = u >> 11;                 /* 53 bits */
		double x = (double)j * sim_zig_exp_w[i];

		if (sim_likely(j < sim_zig_exp_k[i]))
			return x;
		if (i == 0)   /* the tail beyond r */
			return SIM_ZIG_EXP_R - sim_log(1 - sim_rng_double(r));
		/* the wedge between layer i and the one above it */
		if (sim_zig_exp_f[i] + sim_rng_double(r) *
		    (sim_zig_exp_f[i - 1] - sim_zig_exp_f[i]) < sim_exp(-x))
			return x;
	}
}

/* Standard normal, Marsaglia polar (the pair's second value is dropped). */
static double sim_normal01(struct sim_rng *r)
{
	double u, v, s;

	do {
		u = 2 * sim_rng_double(r) - 1;
		v = 2 * sim_rng_double(r) - 1;
		s = u * u + v * v;
	} while (s >= 1 || s == 0);
	return u * sim_sqrt(-2 * sim_log(s) / s);
}

double sim_dist_sample(const struct sim_dist *d, struct sim_rng *r)
{
	double x = 0;

	switch (d->kind) {
	case SIM_DIST_FIXED:
		x = d->a;
		break;
	case SIM_DIST_UNIFORM:
		x = d->a + (d->b - d->a) * sim_rng_double(r);
		break;
	case SIM_DIST_EXP:
		x = d->a * sim_exp01(r);
		break;
	case SIM_DIST_NORMAL:
		x = d->a + d->b * sim_normal01(r);
		break;
	case SIM_DIST_LOGNORMAL: {
		double cv = d->b / d->a;
		double s2 = sim_log1p(cv * cv);
		double mu = sim_log(d->a) - 0.5 * s2;

		x = sim_exp(mu + sim_sqrt(s2) * sim_normal01(r));
		break;
	}
	case SIM_DIST_ZIPF:
		x = (double)sim_dist_zipf_sample(d, r);
		break;
	case SIM_DIST_PARETO:
		x = d->b * sim_pow(1 - sim_rng_double(r), -1 / d->a);
		break;
	default:
		SIM_BUG_ON(1);
	}
	if (d->hi > 0) {
		if (x < d->lo)
			x = d->lo;
		if (x > d->hi)
			x = d->hi;
	}
	return x;
}

/* ---- moments --------------------------------------------------------------- */

#define SIM_ZIPF_MOMENT_MAX (1u << 20)	/* exact sums up to this n */

static void sim_zipf_moments(const struct sim_dist *d, double *mean, double *var)
{
	double z = 0, s1 = 0, s2 = 0;
	uint64_t k;

	if (d->zipf_n == 0 || d->zipf_n > SIM_ZIPF_MOMENT_MAX) {
		*mean = *var = __builtin_nan("");
		return;
	}
	/* Smallest terms first, for a sum that does not depend on n's size. */
	for (k = d->zipf_n; k >= 1; k--) {
		double p = sim_pow((double)k, -d->a), x = (double)(k - 1);

		z += p;
		s1 += p * x;
		s2 += p * x * x;
	}
	*mean = s1 / z;
	*var = s2 / z - *mean * *mean;
}

double sim_dist_mean(const struct sim_dist *d)
{
	double m, v;

	switch (d->kind) {
	case SIM_DIST_FIXED:
		return d->a;
	case SIM_DIST_UNIFORM:
		return 0.5 * (d->a + d->b);
	case SIM_DIST_EXP:
	case SIM_DIST_NORMAL:
	case SIM_DIST_LOGNORMAL:
		return d->a;
	case SIM_DIST_ZIPF:
		sim_zipf_moments(d, &m, &v);
		return m;
	case SIM_DIST_PARETO:
		return d->a > 1 ? d->a * d->b / (d->a - 1) : __builtin_nan("");
	}
	return __builtin_nan("");
}

double sim_dist_variance(const struct sim_dist *d)
{
	double m, v, w;

	switch (d->kind) {
	case SIM_DIST_FIXED:
		return 0;
	case SIM_DIST_UNIFORM:
		w = d->b - d->a;
		return w * w / 12;
	case SIM_DIST_EXP:
		return d->a * d->a;
	case SIM_DIST_NORMAL:
	case SIM_DIST_LOGNORMAL:
		return d->b * d->b;
	case SIM_DIST_ZIPF:
		sim_zipf_moments(d, &m, &v);
		return v;
	case SIM_DIST_PARETO:
		if (!(d->a > 2))
			return __builtin_nan("");
		return d->b * d->b * d->a / ((d->a - 1) * (d->a - 1) * (d->a - 2));
	}
	return __builtin_nan("");
}

/* ---- formatting ------------------------------------------------------------ */

/* Integers as integers (2000, not 2e+03), others in the shortest %g form
 * that reads back to the same double. */
static void sim_fmt_num(char *buf, size_t len, double v)
{
	int prec;

	if (v == (double)(int64_t)v && v < 1e15 && v > -1e15) {
		snprintf(buf, len, "%.0f", v);
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, len, "%.17g", v);
}

int sim_dist_format(const struct sim_dist *d, char *buf, size_t len)
{
	char a[32], b[32], lo[32], hi[32], clamp[80] = "";

	sim_fmt_num(a, sizeof(a), d->a);
	sim_fmt_num(b, sizeof(b), d->b);
	if (d->hi > 0) {
		sim_fmt_num(lo, sizeof(lo), d->lo);
		sim_fmt_num(hi, sizeof(hi), d->hi);
		snprintf(clamp, sizeof(clamp), ",clamp=%s-%s", lo, hi);
	}
	switch (d->kind) {
	case SIM_DIST_FIXED:
		return snprintf(buf, len, "fixed:%s%s", a, clamp);
	case SIM_DIST_UNIFORM:
		return snprintf(buf, len, "uniform:%s-%s%s", a, b, clamp);
	case SIM_DIST_EXP:
		return snprintf(buf, len, "exp:%s%s", a, clamp);
	case SIM_DIST_NORMAL:
		return snprintf(buf, len, "normal:%s,%s%s", a, b, clamp);
	case SIM_DIST_LOGNORMAL:
		return snprintf(buf, len, "lognormal:%s,%s%s", a, b, clamp);
	case SIM_DIST_ZIPF:
		return snprintf(buf, len, "zipf:%s%s", a, clamp);
	case SIM_DIST_PARETO:
		return snprintf(buf, len, "pareto:%s,%s%s", a, b, clamp);
	}
	return snprintf(buf, len, "?");
}

/* ---- weighted choice ----------------------------------------------------------- */

void sim_choice_init(struct sim_choice *c, const double *weights, unsigned n)
{
	double total = 0;
	unsigned i;

	SIM_BUG_ON(n == 0 || n > SIM_CHOICE_MAX);
	for (i = 0; i < n; i++) {
		SIM_BUG_ON(!(weights[i] >= 0));
		total += weights[i];
		c->cum[i] = total;
	}
	SIM_BUG_ON(!(total > 0));
	c->n = n;
}

unsigned sim_choice_pick(const struct sim_choice *c, struct sim_rng *r)
{
	/* x < total always (U <= 1 - 2^-53 and the product rounds down
	 * unless exact); the first i with cum[i] > x is picked, so items of
	 * weight 0 (cum[i] == cum[i-1]) never are. */
	double x = sim_rng_double(r) * c->cum[c->n - 1];
	unsigned lo = 0, hi = c->n - 1;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (c->cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}
