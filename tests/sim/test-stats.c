/* tests/sim/test-stats.c — replica statistics: t table, intervals, and the
 * coverage of the paired intervals on synthetic data with a known answer.
 *
 * Coverage is checked over 2000 simulated experiments: a correct 95%
 * interval covers the truth in 95% ± 0.49% (one binomial sd) of them, so
 * the checks allow 5 sd: [92.6%, 97.4%].
 */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine/rng.h"
#include "sim/engine/stats.h"

_Noreturn void sim_bug(const char *file, int line, const char *cond)
{
	g_printerr("BUG at %s:%d: %s\n", file, line, cond);
	abort();
}

static void test_t95(void)
{
	/* reference quantiles (mpmath, Student t inverse CDF at 0.975) */
	static const struct { unsigned df; double t; } ref[] = {
		{ 1, 12.7062047362 }, { 2, 4.30265272975 }, { 5, 2.57058183564 },
		{ 10, 2.22813885199 }, { 15, 2.13144954556 }, { 30, 2.0422724563 },
		{ 31, 2.0395134464 }, { 35, 2.03010792825 }, { 50, 2.0085591121 },
		{ 120, 1.97993040508 }, { 500, 1.96471983747 },
	};
	unsigned i, df;

	for (i = 0; i < G_N_ELEMENTS(ref); i++)
		g_assert_cmpfloat(fabs(sim_stats_t95(ref[i].df) - ref[i].t), <, 5e-8);
	g_assert_true(isnan(sim_stats_t95(0)));
	/* decreasing towards the normal quantile, also across the seam at 30 */
	for (df = 1; df < 100000; df++) {
		g_assert_cmpfloat(sim_stats_t95(df + 1), <, sim_stats_t95(df));
		if (df > 50000)
			df += 997;
	}
	g_assert_cmpfloat(fabs(sim_stats_t95(4000000000u) - 1.959963984540054), <, 1e-9);
}

static void test_mean_sd_ci(void)
{
	static const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	static const double two[] = { 0, 2 };
	struct sim_ci ci;

	g_assert_cmpfloat(sim_stats_mean(x, 8), ==, 5);
	g_assert_cmpfloat(fabs(sim_stats_stddev(x, 8) - sqrt(32.0 / 7)), <, 1e-15);
	ci = sim_stats_ci95(x, 8);
	g_assert_cmpuint(ci.n, ==, 8);
	g_assert_cmpfloat(fabs(ci.half - 2.36462425159 * sqrt(32.0 / 7) / sqrt(8)), <, 1e-12);
	/* n = 2: sd sqrt(2), half = t(1) sqrt(2) / sqrt(2) */
	ci = sim_stats_ci95(two, 2);
	g_assert_cmpfloat(fabs(ci.half - 12.7062047362), <, 1e-9);
	/* one replica: a mean, no interval */
	ci = sim_stats_ci95(x, 1);
	g_assert_cmpfloat(ci.mean, ==, 2);
	g_assert_cmpfloat(ci.sd, ==, 0);
	g_assert_true(isnan(ci.half));
	g_assert_true(isnan(sim_stats_mean(x, 0)));
}

static void test_paired_exact(void)
{
	static const double a[] = { 11, 22, 33, 44 }, b[] = { 10, 20, 30, 40 };
	struct sim_paired p = sim_stats_paired95(a, b, 4);
	char buf[64];

	/* a = 1.1 b exactly: diff is 2.5 ± t3 sd(1,2,3,4)/2, rel is 10% ± 0 */
	g_assert_cmpfloat(p.diff, ==, 2.5);
	g_assert_cmpfloat(fabs(p.diff_half - 3.18244630528 * sqrt(5.0 / 3) / 2), <, 1e-9);
	g_assert_cmpfloat(fabs(p.rel - 10), <, 1e-12);
	g_assert_cmpfloat(p.rel_half, <, 1e-12);
	g_assert_true(sim_stats_paired_significant(&p));
	sim_stats_format_rel(&p, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "+10.0% \u00b10.0%");

	p = sim_stats_paired95(b, a, 1);
	g_assert_true(isnan(p.diff_half));
	g_assert_false(sim_stats_paired_significant(&p));
	sim_stats_format_rel(&p, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "-9.1%");

	p = sim_stats_paired95(a, (const double[]){ 0, 0, 0, 0 }, 4);
	g_assert_true(isnan(p.rel) && isnan(p.rel_half));
	sim_stats_format_rel(&p, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "n/a");
}

/* Synthetic replicas: a shared replica effect c_i (what common random
 * numbers share) plus independent noise per strategy, with a known truth.
 * Additive: b = c + e, a = c + 38 + f, so E[a - b] = 38.
 * Multiplicative: b = c (1 + e), a = 1.38 c (1 + f), so E[a] / E[b] = 1.38
 * (the delta-method interval is approximate; its coverage is measured). */
static void test_paired_coverage(void)
{
	enum { TRIALS = 2000, N = 8 };
	struct sim_dist rep = sim_dist_normal(100, 20), noise = sim_dist_normal(0, 3);
	struct sim_dist mult = sim_dist_normal(0, 0.03);
	unsigned cov_diff = 0, cov_rel = 0, narrower = 0, t, i;
	const double lo = 0.95 - 5 * sqrt(0.95 * 0.05 / TRIALS);
	const double hi = 0.95 + 5 * sqrt(0.95 * 0.05 / TRIALS);
	struct sim_rng r;

	sim_rng_seed(&r, 1, 0, 0, sim_rng_purpose("coverage"));
	for (t = 0; t < TRIALS; t++) {
		double a[N], b[N];
		struct sim_paired p;
		struct sim_ci ca, cb;

		for (i = 0; i < N; i++) {
			double c = sim_dist_sample(&rep, &r);

			b[i] = c + sim_dist_sample(&noise, &r);
			a[i] = c + 38 + sim_dist_sample(&noise, &r);
		}
		p = sim_stats_paired95(a, b, N);
		cov_diff += fabs(p.diff - 38) <= p.diff_half;
		/* pairing removes the replica effect: much narrower than two
		 * independent intervals */
		ca = sim_stats_ci95(a, N);
		cb = sim_stats_ci95(b, N);
		narrower += p.diff_half < 0.5 * sqrt(ca.half * ca.half + cb.half * cb.half);

		for (i = 0; i < N; i++) {
			double c = sim_dist_sample(&rep, &r);

			b[i] = c * (1 + sim_dist_sample(&mult, &r));
			a[i] = 1.38 * c * (1 + sim_dist_sample(&mult, &r));
		}
		p = sim_stats_paired95(a, b, N);
		cov_rel += fabs(p.rel - 38) <= p.rel_half;
	}
	g_test_message("coverage: diff %.1f%%, rel %.1f%%; paired CI < half the unpaired in %.1f%%",
		       100.0 * cov_diff / TRIALS, 100.0 * cov_rel / TRIALS,
		       100.0 * narrower / TRIALS);
	g_assert_cmpfloat((double)cov_diff / TRIALS, >=, lo);
	g_assert_cmpfloat((double)cov_diff / TRIALS, <=, hi);
	g_assert_cmpfloat((double)cov_rel / TRIALS, >=, lo);
	g_assert_cmpfloat((double)cov_rel / TRIALS, <=, hi);
	g_assert_cmpuint(narrower, >=, TRIALS * 99 / 100);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/stats/t95", test_t95);
	g_test_add_func("/stats/mean-sd-ci", test_mean_sd_ci);
	g_test_add_func("/stats/paired-exact", test_paired_exact);
	g_test_add_func("/stats/paired-coverage", test_paired_coverage);
	return g_test_run();
}
