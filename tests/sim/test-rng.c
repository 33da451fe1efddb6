/* tests/sim/test-rng.c — random streams, deterministic math, distributions.
 *
 * Statistical checks use fixed seeds, so they cannot flake; their
 * tolerances are still honest: a sample mean must lie within 5 standard
 * errors of theory (a correct sampler fails one such check with
 * probability ~6e-7), so a pass says something about the sampler and not
 * about a lucky seed.  libm is used here only as a reference.
 */
#include <glib.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine/rng.h"
#include "sim/engine/ziggurat.h"

/* Linked against rng/fmath/dist only, so the engine's sim_bug is not
 * available: abort, which g_test_trap_subprocess sees as a failure. */
_Noreturn void sim_bug(const char *file, int line, const char *cond)
{
	g_printerr("BUG at %s:%d: %s\n", file, line, cond);
	abort();
}

#define SIGMAS 5.0

/* ---- generator -------------------------------------------------------- */

static void test_same_tuple_same_sequence(void)
{
	struct sim_rng a, b;
	int i;

	sim_rng_seed(&a, 1, 2, 3, 4);
	sim_rng_seed(&b, 1, 2, 3, 4);
	for (i = 0; i < 10000; i++)
		g_assert_cmpuint(sim_rng_next(&a), ==, sim_rng_next(&b));
}

/* Pinned first outputs: an accidental change of the generator, the seeding
 * or the double conversion changes every simulated run, so it must show up
 * here first. */
static void test_golden(void)
{
	static const uint64_t want[4] = {
		UINT64_C(0x30990282ef188ea4), UINT64_C(0x7ff86ae21f735c22),
		UINT64_C(0x78a871463f2e0227), UINT64_C(0x540b32989b712b6f),
	};
	/* xoshiro256** reference vector for the state {1, 2, 3, 4} (the
	 * authors' C code; also rand_xoshiro's test) */
	static const uint64_t ref[10] = {
		11520, 0, 1509978240, 1215971899390074240,
		1216172134540287360, 607988272756665600,
		16172922978634559625ULL, 8476171486693032832ULL,
		10595114339597558777ULL, 2904607092377533576ULL,
	};
	struct sim_rng r;
	unsigned i;

	sim_rng_seed(&r, 1, 0, 0, 0);
	for (i = 0; i < 4; i++)
		g_assert_cmphex(sim_rng_next(&r), ==, want[i]);
	sim_rng_seed(&r, 42, 7, 3, sim_rng_purpose("think"));
	g_assert_cmphex(sim_rng_next(&r), ==, UINT64_C(0xb9320d156888bb12));
	g_assert_cmpfloat(sim_rng_double(&r), ==, 0x1.cb9b2a7896582p-1);
	g_assert_cmphex(sim_rng_purpose("think"), ==, UINT64_C(0x0e975472722ea31b));

	r = (struct sim_rng){ { 1, 2, 3, 4 } };
	for (i = 0; i < 10; i++)
		g_assert_cmpuint(sim_rng_next(&r), ==, ref[i]);
}

static double corr(const double *x, const double *y, int n)
{
	double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
	int i;

	for (i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= n;
	my /= n;
	for (i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
		sxy += (x[i] - mx) * (y[i] - my);
	}
	return sxy / sqrt(sxx * syy);
}

/* Tuples differing in one field (and adjacent values, the likeliest to be
 * confused by a weak hash) give uncorrelated, non-overlapping streams. */
static void test_stream_independence(void)
{
	static const uint64_t tuples[][4] = {
		{ 1, 0, 0, 0 }, { 2, 0, 0, 0 }, { 1, 1, 0, 0 }, { 1, 0, 1, 0 },
		{ 1, 0, 0, 1 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 },
		{ 1, 0, 0, 2 }, { 1, 1, 1, 1 },
	};
	enum { N = 20000, NT = G_N_ELEMENTS(tuples) };
	static double v[NT][N];
	static uint64_t first[NT][64];
	unsigned a, b, i, j;

	for (a = 0; a < NT; a++) {
		struct sim_rng r;

		sim_rng_seed(&r, tuples[a][0], tuples[a][1], tuples[a][2],
			     tuples[a][3]);
		for (i = 0; i < 64; i++)
			first[a][i] = sim_rng_next(&r);
		for (i = 0; i < N; i++)
			v[a][i] = sim_rng_double(&r);
	}
	for (a = 0; a < NT; a++) {
		for (b = a + 1; b < NT; b++) {
			/* correlation of independent uniforms: sd 1/sqrt(N) */
			double c = corr(v[a], v[b], N);

			g_assert_cmpfloat(fabs(c), <, SIGMAS / sqrt(N));
			/* no shared 64-bit outputs (chance ~2^-52 per pair) */
			for (i = 0; i < 64; i++)
				for (j = 0; j < 64; j++)
					g_assert_cmphex(first[a][i], !=, first[b][j]);
		}
	}
}

static void test_double_range(void)
{
	enum { N = 200000 };
	struct sim_rng r;
	double sum = 0, x;
	int i;

	sim_rng_seed(&r, 5, 0, 0, 0);
	for (i = 0; i < N; i++) {
		x = sim_rng_double(&r);
		g_assert_cmpfloat(x, >=, 0);
		g_assert_cmpfloat(x, <, 1);
		/* on the 2^-53 grid */
		g_assert_cmpfloat(x * 0x1p53, ==, floor(x * 0x1p53));
		sum += x;
	}
	/* mean 1/2, sd of the mean sqrt(1/12/N) */
	g_assert_cmpfloat(fabs(sum / N - 0.5), <, SIGMAS * sqrt(1.0 / 12 / N));
}

/* Chi-square of n equally likely outcomes; 5 sigma above the mean of the
 * chi-square with n-1 degrees of freedom (sd sqrt(2(n-1))). */
static void check_below_uniform(uint64_t n, int draws, uint64_t seed)
{
	struct sim_rng r;
	unsigned *cnt = g_new0(unsigned, n);
	double chi = 0, e = (double)draws / n;
	uint64_t k;
	int i;

	sim_rng_seed(&r, seed, 0, 0, 0);
	for (i = 0; i < draws; i++) {
		k = sim_rng_below(&r, n);
		g_assert_cmpuint(k, <, n);
		cnt[k]++;
	}
	for (k = 0; k < n; k++)
		chi += (cnt[k] - e) * (cnt[k] - e) / e;
	g_assert_cmpfloat(chi, <=, (n - 1) + SIGMAS * sqrt(2.0 * (n - 1)));
	g_free(cnt);
}

static void test_below(void)
{
	struct sim_rng r;
	enum { N = 200000 };
	double sum = 0;
	uint64_t n, k;
	int i;

	check_below_uniform(1, 1000, 1);
	check_below_uniform(3, N, 2);
	check_below_uniform(7, N, 3);
	check_below_uniform(1000, N, 4);

	/* n just above 2^63: half of all 64-bit draws are rejected, and a
	 * biased reduction (x % n) would put 2/3 of the mass below n/2. */
	n = (UINT64_C(1) << 63) + 1;
	sim_rng_seed(&r, 9, 0, 0, 0);
	for (i = 0; i < N; i++) {
		k = sim_rng_below(&r, n);
		g_assert_cmpuint(k, <, n);
		sum += (double)k / (double)n;
	}
	g_assert_cmpfloat(fabs(sum / N - 0.5), <, SIGMAS * sqrt(1.0 / 12 / N));
	/* n = 2^64 - 1: every value but one allowed */
	for (i = 0; i < 1000; i++)
		g_assert_cmpuint(sim_rng_below(&r, UINT64_MAX), <, UINT64_MAX);
}

static void test_below_zero_is_bug(void)
{
	if (g_test_subprocess()) {
		struct sim_rng r;

		sim_rng_seed(&r, 1, 0, 0, 0);
		sim_rng_below(&r, 0);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*BUG*");
}

/* ---- deterministic math vs libm --------------------------------------- */

static double relerr(double got, double want)
{
	if (got == want)
		return 0;
	return fabs(got - want) / fabs(want);
}

/* log-uniform magnitude in [lo, hi] */
static double logu(struct sim_rng *r, double lo, double hi)
{
	return exp(log(lo) + (log(hi) - log(lo)) * sim_rng_double(r));
}

enum { NMATH = 100000 };

static void test_log(void)
{
	struct sim_rng r;
	double x, worst = 0;
	int i;

	sim_rng_seed(&r, 11, 0, 0, 0);
	for (i = 0; i < NMATH; i++) {
		x = logu(&r, 1e-300, 1e300);
		worst = fmax(worst, relerr(sim_log(x), log(x)));
		/* near 1, where the result is small and cancellation bites */
		x = 1 + (sim_rng_double(&r) - 0.5) * 1e-6;
		worst = fmax(worst, relerr(sim_log(x), log(x)));
		x = 0.5 + sim_rng_double(&r) * 1.5;
		worst = fmax(worst, relerr(sim_log(x), log(x)));
	}
	g_test_message("sim_log max rel error %.3g", worst);
	g_assert_cmpfloat(worst, <, 1e-14);
	/* subnormals, extremes, specials */
	g_assert_cmpfloat(relerr(sim_log(5e-324), log(5e-324)), <, 1e-14);
	g_assert_cmpfloat(relerr(sim_log(DBL_MAX), log(DBL_MAX)), <, 1e-14);
	g_assert_cmpfloat(relerr(sim_log(2.2e-310), log(2.2e-310)), <, 1e-14);
	g_assert_cmpfloat(sim_log(1), ==, 0);
	g_assert_cmpfloat(sim_log(2), ==, M_LN2);
	g_assert_true(isinf(sim_log(0)) && sim_log(0) < 0);
	g_assert_true(isnan(sim_log(-1)));
	g_assert_true(isinf(sim_log(INFINITY)));
	g_assert_true(isnan(sim_log(NAN)));
}

static void test_exp(void)
{
	struct sim_rng r;
	double x, worst = 0;
	int i;

	sim_rng_seed(&r, 12, 0, 0, 0);
	for (i = 0; i < NMATH; i++) {
		x = (sim_rng_double(&r) - 0.5) * 1400;
		worst = fmax(worst, relerr(sim_exp(x), exp(x)));
		x = (sim_rng_double(&r) - 0.5) * 2;
		worst = fmax(worst, relerr(sim_exp(x), exp(x)));
	}
	g_test_message("sim_exp max rel error %.3g", worst);
	g_assert_cmpfloat(worst, <, 1e-14);
	g_assert_cmpfloat(sim_exp(0), ==, 1);
	g_assert_cmpfloat(relerr(sim_exp(709.78), exp(709.78)), <, 1e-14);
	g_assert_cmpfloat(relerr(sim_exp(-708), exp(-708)), <, 1e-14);
	g_assert_true(isinf(sim_exp(710)));
	g_assert_cmpfloat(sim_exp(-746), ==, 0);
	g_assert_cmpfloat(sim_exp(-INFINITY), ==, 0);
	g_assert_true(isinf(sim_exp(INFINITY)));
	g_assert_true(isnan(sim_exp(NAN)));
	/* subnormal results are only roughly right (documented) */
	g_assert_cmpfloat(relerr(sim_exp(-740), exp(-740)), <, 1e-6);
}

static void test_log1p_expm1(void)
{
	struct sim_rng r;
	double x, w1 = 0, w2 = 0;
	int i;

	sim_rng_seed(&r, 13, 0, 0, 0);
	for (i = 0; i < NMATH; i++) {
		x = logu(&r, 1e-12, 10);
		if (sim_rng_double(&r) < 0.5)
			x = -x * 0.09;	/* keep log1p in its domain */
		w1 = fmax(w1, relerr(sim_log1p(x), log1p(x)));
		w2 = fmax(w2, relerr(sim_expm1(x), expm1(x)));
	}
	g_test_message("sim_log1p max rel error %.3g, sim_expm1 %.3g", w1, w2);
	g_assert_cmpfloat(w1, <, 1e-13);
	g_assert_cmpfloat(w2, <, 1e-13);
	g_assert_cmpfloat(sim_log1p(1e-300), ==, 1e-300);
	g_assert_cmpfloat(sim_expm1(1e-300), ==, 1e-300);
	g_assert_cmpfloat(relerr(sim_log1p(1e300), log1p(1e300)), <, 1e-14);
	g_assert_cmpfloat(sim_expm1(-50), ==, -1);
	g_assert_true(isinf(sim_log1p(-1)));
	g_assert_true(isnan(sim_log1p(-2)));
}

static void test_pow(void)
{
	struct sim_rng r;
	double x, y, worst = 0, small = 0;
	int i;

	sim_rng_seed(&r, 14, 0, 0, 0);
	for (i = 0; i < NMATH; i++) {
		x = logu(&r, 1e-3, 1e3);
		/* |y log x| up to 700: results across the whole double range */
		y = (sim_rng_double(&r) - 0.5) * 1400 / fabs(log(x));
		worst = fmax(worst, relerr(sim_pow(x, y), pow(x, y)));
		/* the exponents the samplers use (pareto, zipf) */
		y = (sim_rng_double(&r) - 0.5) * 6;
		small = fmax(small, relerr(sim_pow(x, y), pow(x, y)));
	}
	g_test_message("sim_pow max rel error %.3g (|y log x| < 700), %.3g (|y| < 3)",
		       worst, small);
	g_assert_cmpfloat(worst, <, 1e-14);
	g_assert_cmpfloat(small, <, 1e-15);
	g_assert_cmpfloat(sim_pow(2, 10), ==, 1024);
	g_assert_cmpfloat(sim_pow(-2, 3), ==, -8);
	g_assert_cmpfloat(sim_pow(-2, 2), ==, 4);
	g_assert_true(isnan(sim_pow(-2, 0.5)));
	g_assert_cmpfloat(sim_pow(0, 2), ==, 0);
	g_assert_true(isinf(sim_pow(0, -1)));
	g_assert_cmpfloat(sim_pow(NAN, 0), ==, 1);
	g_assert_cmpfloat(sim_pow(1, NAN), ==, 1);
	g_assert_true(isinf(sim_pow(10, 400)));
	g_assert_cmpfloat(sim_pow(10, -400), ==, 0);
	g_assert_cmpfloat(sim_pow(0.5, INFINITY), ==, 0);
	g_assert_true(isinf(sim_pow(INFINITY, 2)));
	g_assert_cmpfloat(relerr(sim_pow(2, 0.5), M_SQRT2), <, 1e-15);
}

static void test_sqrt(void)
{
	struct sim_rng r;
	double x, worst = 0;
	int i, exact = 0;

	sim_rng_seed(&r, 15, 0, 0, 0);
	for (i = 0; i < NMATH; i++) {
		x = logu(&r, 1e-300, 1e300);
		worst = fmax(worst, relerr(sim_sqrt(x), sqrt(x)));
		exact += sim_sqrt(x) == sqrt(x);
	}
	g_test_message("sim_sqrt max rel error %.3g, %d/%d correctly rounded",
		       worst, exact, NMATH);
	g_assert_cmpfloat(worst, <, 1e-15);
	g_assert_cmpfloat(sim_sqrt(4), ==, 2);
	g_assert_cmpfloat(sim_sqrt(2), ==, M_SQRT2);
	g_assert_cmpfloat(sim_sqrt(0), ==, 0);
	g_assert_cmpfloat(relerr(sim_sqrt(5e-324), sqrt(5e-324)), <, 1e-15);
	g_assert_cmpfloat(relerr(sim_sqrt(DBL_MAX), sqrt(DBL_MAX)), <, 1e-15);
	g_assert_true(isnan(sim_sqrt(-1)));
	g_assert_true(isinf(sim_sqrt(INFINITY)));
}

/* ---- distributions ---------------------------------------------------- */

/* Sample mean within 5 standard errors of theory; sample variance within 5
 * standard errors too, where SE(s^2) = sqrt((m4 - s^4)/N) uses the sample
 * fourth central moment (valid whenever the fourth moment is finite). */
static void check_moments(const char *what, const struct sim_dist *d,
			  uint64_t seed, int n)
{
	double mean = sim_dist_mean(d), var = sim_dist_variance(d);
	double *x = g_new(double, n);
	double m = 0, s2 = 0, m4 = 0, se_m, se_v;
	struct sim_rng r;
	int i;

	sim_rng_seed(&r, seed, 0, 0, sim_rng_purpose(what));
	for (i = 0; i < n; i++) {
		x[i] = sim_dist_sample(d, &r);
		m += x[i];
	}
	m /= n;
	for (i = 0; i < n; i++) {
		double dx = x[i] - m;

		s2 += dx * dx;
		m4 += dx * dx * dx * dx;
	}
	s2 /= n - 1;
	m4 /= n;
	se_m = sqrt(var / n);
	se_v = sqrt(fmax(m4 - s2 * s2, 0) / n);
	g_test_message("%s: mean %g (theory %g, se %.3g), var %g (theory %g, se %.3g)",
		       what, m, mean, se_m, s2, var, se_v);
	g_assert_cmpfloat(fabs(m - mean), <=, SIGMAS * se_m);
	g_assert_cmpfloat(fabs(s2 - var), <=, SIGMAS * se_v);
	g_free(x);
}

static void test_dist_moments(void)
{
	struct sim_dist d;
	enum { N = 200000 };

	d = sim_dist_uniform(4096, 262144);
	check_moments("uniform", &d, 1, N);
	d = sim_dist_exp(2000);
	check_moments("exp", &d, 1, N);
	d = sim_dist_normal(100, 15);
	check_moments("normal", &d, 1, N);
	d = sim_dist_normal(-3, 0.001);
	check_moments("normal-narrow", &d, 1, N);
	d = sim_dist_lognormal(10000, 5000);
	check_moments("lognormal", &d, 1, N);
	d = sim_dist_lognormal(1000, 3000);	/* heavy: cv 3 */
	check_moments("lognormal-cv3", &d, 1, N);
	d = sim_dist_pareto(5, 1000);		/* 4th moment finite */
	check_moments("pareto", &d, 1, N);
	d = sim_dist_zipf(1.2);
	sim_dist_zipf_prepare(&d, 100);
	check_moments("zipf", &d, 1, N);
}

static void test_dist_fixed_clamp(void)
{
	struct sim_dist d = sim_dist_fixed(7);
	struct sim_rng r;
	double x;
	int i, lo = 0, hi = 0;

	sim_rng_seed(&r, 1, 0, 0, 0);
	g_assert_cmpfloat(sim_dist_sample(&d, &r), ==, 7);
	d = sim_dist_normal(0, 1);
	sim_dist_clamp(&d, -1, 1);
	for (i = 0; i < 10000; i++) {
		x = sim_dist_sample(&d, &r);
		g_assert_cmpfloat(x, >=, -1);
		g_assert_cmpfloat(x, <=, 1);
		lo += x == -1;
		hi += x == 1;
	}
	/* P(|Z| > 1) = 0.317 in all, half each side */
	g_assert_cmpint(lo, >, 1300);
	g_assert_cmpint(hi, >, 1300);
	/* a pareto sample is never below its scale */
	d = sim_dist_pareto(1.5, 100);
	for (i = 0; i < 10000; i++)
		g_assert_cmpfloat(sim_dist_sample(&d, &r), >=, 100);
	/* exp is never negative */
	d = sim_dist_exp(5);
	for (i = 0; i < 10000; i++)
		g_assert_cmpfloat(sim_dist_sample(&d, &r), >=, 0);
}

/* Frequencies of the top ranks against the exact pmf, each within 5
 * binomial standard errors, for theta below, at and above 1. */
static void check_zipf(double theta, uint64_t n, int draws)
{
	enum { TOP = 10 };
	struct sim_dist d = sim_dist_zipf(theta);
	unsigned cnt[TOP] = { 0 };
	double z = 0;
	struct sim_rng r;
	uint64_t k;
	int i;

	sim_dist_zipf_prepare(&d, n);
	for (k = 1; k <= n; k++)
		z += pow((double)k, -theta);
	sim_rng_seed(&r, 77, 0, 0, (uint64_t)(theta * 1000));
	for (i = 0; i < draws; i++) {
		k = sim_dist_zipf_sample(&d, &r);
		g_assert_cmpuint(k, <, n);
		if (k < TOP)
			cnt[k]++;
	}
	for (k = 0; k < TOP && k < n; k++) {
		double p = pow((double)(k + 1), -theta) / z;
		double f = (double)cnt[k] / draws;
		double se = sqrt(p * (1 - p) / draws);

		if (fabs(f - p) > SIGMAS * se)
			g_error("zipf theta %g n %" G_GUINT64_FORMAT " rank %" G_GUINT64_FORMAT
				": freq %g, pmf %g (se %g)", theta, n, k, f, p, se);
	}
}

static void test_zipf(void)
{
	struct sim_dist d = sim_dist_zipf(0.99);
	struct sim_rng r;
	int i;

	check_zipf(0.5, 1000, 200000);
	check_zipf(0.99, 1000, 200000);
	check_zipf(1.0, 1000, 200000);
	check_zipf(1.01, 1000, 200000);
	check_zipf(1.5, 50, 200000);
	check_zipf(3.0, 1000000, 200000);
	check_zipf(0.01, 20, 200000);
	check_zipf(1.0, 2, 100000);
	/* n = 1: always rank 0; huge n stays in range */
	sim_rng_seed(&r, 1, 0, 0, 0);
	sim_dist_zipf_prepare(&d, 1);
	for (i = 0; i < 100; i++)
		g_assert_cmpuint(sim_dist_zipf_sample(&d, &r), ==, 0);
	sim_dist_zipf_prepare(&d, UINT64_C(1) << 40);
	for (i = 0; i < 1000; i++)
		g_assert_cmpuint(sim_dist_zipf_sample(&d, &r), <, UINT64_C(1) << 40);
}

static void test_choice(void)
{
	static const double w[] = { 1, 0, 3, 6, 0 };
	enum { N = 200000 };
	struct sim_choice c;
	unsigned cnt[5] = { 0 }, i;
	struct sim_rng r;

	sim_choice_init(&c, w, 5);
	sim_rng_seed(&r, 3, 0, 0, 0);
	for (i = 0; i < N; i++)
		cnt[sim_choice_pick(&c, &r)]++;
	g_assert_cmpuint(cnt[1], ==, 0);
	g_assert_cmpuint(cnt[4], ==, 0);
	for (i = 0; i < 5; i++) {
		double p = w[i] / 10, f = (double)cnt[i] / N;

		g_assert_cmpfloat(fabs(f - p), <=, SIGMAS * sqrt(p * (1 - p) / N));
	}
	/* a single item, and all weight on the last */
	sim_choice_init(&c, (const double[]){ 2 }, 1);
	g_assert_cmpuint(sim_choice_pick(&c, &r), ==, 0);
	sim_choice_init(&c, (const double[]){ 0, 0, 1 }, 3);
	for (i = 0; i < 1000; i++)
		g_assert_cmpuint(sim_choice_pick(&c, &r), ==, 2);
}

static void test_format(void)
{
	struct sim_dist d;
	char buf[128];

	d = sim_dist_exp(2000);
	sim_dist_format(&d, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "exp:2000");
	d = sim_dist_uniform(4096, 262144);
	sim_dist_format(&d, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "uniform:4096-262144");
	d = sim_dist_lognormal(0.1, 1e-7);
	sim_dist_clamp(&d, 0, 5);
	sim_dist_format(&d, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "lognormal:0.1,1e-07,clamp=0-5");
	d = sim_dist_zipf(0.99);
	sim_dist_format(&d, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "zipf:0.99");
	d = sim_dist_pareto(1.5, 1.0 / 3);
	sim_dist_format(&d, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "pareto:1.5,0.3333333333333333");
	d = sim_dist_normal(1, 2);
	sim_dist_format(&d, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "normal:1,2");
	d = sim_dist_fixed(3);
	g_assert_cmpint(sim_dist_format(&d, buf, sizeof(buf)), ==, 7);
	g_assert_cmpstr(buf, ==, "fixed:3");
}

/* Same stream, same samples: a distribution's output depends only on the
 * calls made on its stream (no hidden spare in the normal sampler). */
/* The ziggurat's tables are what their recurrence gives with sim_exp and
 * sim_log, to the last bit (sim/engine/ziggurat.c). */
static void test_exp_ziggurat_tables(void)
{
	const double m2 = 0x1p53;
	double x = SIM_ZIG_EXP_R, prev = x, q;
	uint64_t k[SIM_ZIG_EXP_LAYERS];
	double w[SIM_ZIG_EXP_LAYERS], f[SIM_ZIG_EXP_LAYERS];
	int i;

	q = SIM_ZIG_EXP_V / sim_exp(-x);
	k[0] = (uint64_t)((x / q) * m2);
	k[1] = 0;
	w[0] = q / m2;
	w[255] = x / m2;
	f[0] = 1;
	f[255] = sim_exp(-x);
	for (i = 254; i >= 1; i--) {
		x = -sim_log(SIM_ZIG_EXP_V / x + sim_exp(-x));
		k[i + 1] = (uint64_t)((x / prev) * m2);
		prev = x;
		f[i] = sim_exp(-x);
		w[i] = x / m2;
	}
	/* the top layer closes the ziggurat: x_1 (1 - exp(-x_1)) = v */
	g_assert_cmpfloat(fabs(x * (1 - exp(-x)) - SIM_ZIG_EXP_V), <, 1e-9);
	for (i = 0; i < SIM_ZIG_EXP_LAYERS; i++) {
		g_assert_cmphex(k[i], ==, sim_zig_exp_k[i]);
		g_assert_cmpfloat(w[i], ==, sim_zig_exp_w[i]);
		g_assert_cmpfloat(f[i], ==, sim_zig_exp_f[i]);
	}
}

/* Pinned first exponential samples: the sampler (ziggurat, tables and
 * bit use) decides every simulated think time and service time, so a
 * change must show up here. */
static void test_exp_golden(void)
{
	static const double want[6] = {
		0x1.9cc93576ff8cbp+8, 0x1.3565888fc69d6p+8, 0x1.3ef1af3c5f11fp+8,
		0x1.e1287f30e5116p+8, 0x1.d59cb24447567p+9, 0x1.9bb45ec261676p+11,
	};
	struct sim_dist d = sim_dist_exp(1000);
	struct sim_rng r;
	int i;

	sim_rng_seed(&r, 1, 0, 0, 0);
	for (i = 0; i < 6; i++)
		g_assert_cmpfloat(sim_dist_sample(&d, &r), ==, want[i]);
}

/* The exponential sampler against the exact law: counts in bins of width
 * 1/8 up to 12 (the ziggurat's tail starts at r = 7.7) and beyond, each
 * within 5 binomial standard errors; samples falling in every path
 * (rectangles, wedges, tail) are all binned. */
static void test_exp_law(void)
{
	enum { N = 2000000, BINS = 96 };
	struct sim_dist d = sim_dist_exp(1);
	unsigned long count[BINS + 1] = { 0 };
	struct sim_rng r;
	int i;

	sim_rng_seed(&r, 7, 0, 0, sim_rng_purpose("exp-law"));
	for (i = 0; i < N; i++) {
		double x = sim_dist_sample(&d, &r);
		int b = x >= 12 ? BINS : (int)(x * 8);

		g_assert_cmpfloat(x, >=, 0);
		count[b]++;
	}
	for (i = 0; i <= BINS; i++) {
		double p = i < BINS ? exp(-i / 8.0) - exp(-(i + 1) / 8.0)
				    : exp(-12.0);
		double se = sqrt(N * p * (1 - p));

		if (fabs(count[i] - N * p) > SIGMAS * se)
			g_error("exp bin %d: %lu samples, expected %.1f (se %.1f)",
				i, count[i], N * p, se);
	}
}

static void test_dist_deterministic(void)
{
	struct sim_dist n = sim_dist_normal(0, 1), e = sim_dist_exp(1);
	struct sim_rng a, b;
	int i;

	sim_rng_seed(&a, 1, 2, 3, 4);
	sim_rng_seed(&b, 1, 2, 3, 4);
	for (i = 0; i < 1000; i++) {
		g_assert_cmpfloat(sim_dist_sample(&n, &a), ==, sim_dist_sample(&n, &b));
		g_assert_cmpfloat(sim_dist_sample(&e, &a), ==, sim_dist_sample(&e, &b));
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/rng/same-tuple", test_same_tuple_same_sequence);
	g_test_add_func("/rng/golden", test_golden);
	g_test_add_func("/rng/independence", test_stream_independence);
	g_test_add_func("/rng/double", test_double_range);
	g_test_add_func("/rng/below", test_below);
	g_test_add_func("/rng/below-zero", test_below_zero_is_bug);
	g_test_add_func("/math/log", test_log);
	g_test_add_func("/math/exp", test_exp);
	g_test_add_func("/math/log1p-expm1", test_log1p_expm1);
	g_test_add_func("/math/pow", test_pow);
	g_test_add_func("/math/sqrt", test_sqrt);
	g_test_add_func("/dist/moments", test_dist_moments);
	g_test_add_func("/dist/fixed-clamp", test_dist_fixed_clamp);
	g_test_add_func("/dist/zipf", test_zipf);
	g_test_add_func("/dist/choice", test_choice);
	g_test_add_func("/dist/format", test_format);
	g_test_add_func("/dist/deterministic", test_dist_deterministic);
	g_test_add_func("/dist/exp-ziggurat-tables", test_exp_ziggurat_tables);
	g_test_add_func("/dist/exp-law", test_exp_law);
	g_test_add_func("/dist/exp-golden", test_exp_golden);
	return g_test_run();
}
