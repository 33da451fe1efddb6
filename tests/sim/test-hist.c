/* tests/sim/test-hist.c — log-linear histograms against sorted samples.
 *
 * The reference is the plain model: keep every sample, sort, read the value
 * at rank ceil(p/100 n).  The histogram must be within its documented
 * bound of that value (and within the derived 2^-8).
 */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine/hist.h"
#include "sim/engine/rng.h"

_Noreturn void sim_bug(const char *file, int line, const char *cond)
{
	g_printerr("BUG at %s:%d: %s\n", file, line, cond);
	abort();
}

static void test_buckets(void)
{
	unsigned i;

	g_assert_cmpint(sim_hist_bucket_lo(0), ==, 0);
	for (i = 0; i < SIM_HIST_BUCKETS; i++) {
		int64_t lo = sim_hist_bucket_lo(i), hi = sim_hist_bucket_hi(i);
		int64_t mid = sim_hist_bucket_mid(i);

		g_assert_cmpint(lo, <=, hi);
		g_assert_cmpint(lo, <=, mid);
		g_assert_cmpint(mid, <=, hi);
		g_assert_cmpuint(sim_hist_bucket_of(lo), ==, i);
		g_assert_cmpuint(sim_hist_bucket_of(hi), ==, i);
		g_assert_cmpuint(sim_hist_bucket_of(mid), ==, i);
		if (i + 1 < SIM_HIST_BUCKETS)
			g_assert_cmpint(sim_hist_bucket_lo(i + 1), ==, hi + 1);
		if (lo < (1 << SIM_HIST_SUB_BITS))
			g_assert_cmpint(lo, ==, hi);	/* exact range */
		else	/* width <= lo / 128, so midpoint error <= lo / 256 */
			g_assert_cmpint((hi - lo + 1) * 128, <=, lo);
	}
	g_assert_cmpint(sim_hist_bucket_hi(SIM_HIST_BUCKETS - 1), ==, SIM_HIST_VMAX);
	g_assert_cmpuint(sim_hist_bucket_of(SIM_HIST_VMAX + 1), ==, SIM_HIST_BUCKETS - 1);
	g_assert_cmpuint(sim_hist_bucket_of(INT64_MAX), ==, SIM_HIST_BUCKETS - 1);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static const double pcts[] = {
	0, 0.1, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100,
};

/* Record n samples of d, then compare every percentile with the sorted
 * samples, and the moments with direct computation. */
static void check_against_sorted(const char *what, const struct sim_dist *d, int n)
{
	int64_t *v = g_new(int64_t, n);
	struct sim_hist *h = g_new(struct sim_hist, 1);
	double sum = 0, ss = 0, mean, sd, worst = 0;
	struct sim_rng r;
	unsigned k;
	int i;

	sim_hist_init(h);
	sim_rng_seed(&r, 1, 0, 0, sim_rng_purpose(what));
	for (i = 0; i < n; i++) {
		v[i] = (int64_t)(sim_dist_sample(d, &r) + 0.5);
		sim_hist_record(h, v[i]);
		sum += (double)v[i];
	}
	qsort(v, n, sizeof(*v), cmp_i64);
	g_assert_cmpuint(h->count, ==, (uint64_t)n);
	g_assert_cmpint(h->min, ==, v[0]);
	g_assert_cmpint(h->max, ==, v[n - 1]);
	g_assert_cmpint(sim_hist_percentile(h, 0), ==, v[0]);
	g_assert_cmpint(sim_hist_percentile(h, 100), ==, v[n - 1]);

	for (k = 0; k < G_N_ELEMENTS(pcts); k++) {
		double p = pcts[k];
		int64_t rank = (int64_t)ceil(p / 100 * n - 1e-9);
		int64_t want, got;
		double err;

		if (rank < 1)
			rank = 1;
		want = v[rank - 1];
		got = sim_hist_percentile(h, p);
		err = want ? fabs((double)(got - want)) / (double)want : (double)got;
		worst = fmax(worst, err);
		if (err > 1.0 / 256 || err > SIM_HIST_REL_ERROR)
			g_error("%s p%g: hist %" G_GINT64_FORMAT ", sorted %" G_GINT64_FORMAT
				" (rel %g)", what, p, got, want, err);
	}

	mean = sum / n;
	for (i = 0; i < n; i++)
		ss += ((double)v[i] - mean) * ((double)v[i] - mean);
	sd = sqrt(ss / (n - 1));
	g_assert_cmpfloat(fabs(sim_hist_mean(h) - mean), <=, 1e-12 * fabs(mean) + 1e-12);
	/* sum-of-squares loses ~(mean/sd)^2 ulps to cancellation */
	g_assert_cmpfloat(fabs(sim_hist_stddev(h) - sd), <=, 1e-9 * sd + 1e-9);
	g_test_message("%s: %d samples, min %" G_GINT64_FORMAT " max %" G_GINT64_FORMAT
		       ", worst percentile rel error %.3g%%", what, n, v[0], v[n - 1],
		       100 * worst);
	g_free(h);
	g_free(v);
}

static void test_percentiles(void)
{
	struct sim_dist d;

	d = sim_dist_uniform(0, 200);		/* exact buckets only */
	check_against_sorted("uniform-small", &d, 10000);
	d = sim_dist_uniform(0, 1e6);
	check_against_sorted("uniform", &d, 100000);
	d = sim_dist_exp(1e5);
	check_against_sorted("exp", &d, 100000);
	d = sim_dist_lognormal(1e5, 1e6);	/* spans ~6 decades */
	check_against_sorted("lognormal", &d, 100000);
	d = sim_dist_pareto(1.1, 1000);		/* heavy tail, up to ~1e9+ */
	check_against_sorted("pareto", &d, 100000);
	d = sim_dist_fixed(123456789);
	check_against_sorted("fixed", &d, 100);
	d = sim_dist_uniform(0, 3);
	check_against_sorted("tiny", &d, 7);
}

/* merge(a, b) equals recording everything in one histogram. */
static void test_merge(void)
{
	struct sim_hist *a = g_new(struct sim_hist, 1), *b = g_new(struct sim_hist, 1);
	struct sim_hist *all = g_new(struct sim_hist, 1), *empty = g_new(struct sim_hist, 1);
	struct sim_dist d1 = sim_dist_exp(5000), d2 = sim_dist_lognormal(1e6, 3e6);
	struct sim_rng r;
	int i;

	sim_hist_init(a);
	sim_hist_init(b);
	sim_hist_init(all);
	sim_hist_init(empty);
	sim_rng_seed(&r, 2, 0, 0, 0);
	for (i = 0; i < 50000; i++) {
		int64_t x = (int64_t)sim_dist_sample(&d1, &r);
		int64_t y = (int64_t)sim_dist_sample(&d2, &r);

		sim_hist_record(a, x);
		sim_hist_record(b, y);
		sim_hist_record(all, x);
		sim_hist_record(all, y);
	}
	sim_hist_record(b, INT64_C(1) << 50);	/* overflow travels too */
	sim_hist_record(all, INT64_C(1) << 50);
	sim_hist_merge(a, b);
	sim_hist_merge(a, empty);
	g_assert_cmpmem(a->counts, sizeof(a->counts), all->counts, sizeof(all->counts));
	g_assert_cmpuint(a->count, ==, all->count);
	g_assert_cmpuint(a->overflow, ==, 1);
	g_assert_cmpint(a->min, ==, all->min);
	g_assert_cmpint(a->max, ==, all->max);
	/* sums are added in a different order: equal up to rounding */
	g_assert_cmpfloat(fabs(a->sum - all->sum), <=, 1e-12 * all->sum);
	g_assert_cmpfloat(fabs(a->sumsq - all->sumsq), <=, 1e-12 * all->sumsq);
	for (i = 0; i <= 100; i++)
		g_assert_cmpint(sim_hist_percentile(a, i), ==, sim_hist_percentile(all, i));
	/* merging into an empty histogram copies */
	sim_hist_merge(empty, all);
	g_assert_cmpmem(empty, sizeof(*empty), all, sizeof(*all));
	g_free(a);
	g_free(b);
	g_free(all);
	g_free(empty);
}

static void test_record_n_and_iteration(void)
{
	struct sim_hist *h = g_new(struct sim_hist, 1), *g = g_new(struct sim_hist, 1);
	uint64_t total = 0;
	unsigned i, prev = 0, nb = 0;
	int k;

	sim_hist_init(h);
	sim_hist_init(g);
	sim_hist_record_n(h, 1000, 5);
	sim_hist_record_n(h, 7, 3);
	sim_hist_record_n(h, 99, 0);
	for (k = 0; k < 5; k++)
		sim_hist_record(g, 1000);
	for (k = 0; k < 3; k++)
		sim_hist_record(g, 7);
	g_assert_cmpmem(h, sizeof(*h), g, sizeof(*g));

	sim_hist_for_each_bucket(h, i) {
		g_assert_cmpuint(h->counts[i], >, 0);
		g_assert_true(nb == 0 || i > prev);
		prev = i;
		nb++;
		total += h->counts[i];
	}
	g_assert_cmpuint(nb, ==, 2);
	g_assert_cmpuint(total, ==, h->count);
	g_assert_cmpfloat(sim_hist_mean(h), ==, (5 * 1000 + 3 * 7) / 8.0);
	g_assert_cmpint(sim_hist_percentile(h, 37.5), ==, 7);	/* rank 3 */
	g_assert_cmpint(sim_hist_percentile(h, 37.6), ==, 1000);	/* rank 4 */
	g_free(h);
	g_free(g);
}

static void test_empty_and_edges(void)
{
	struct sim_hist *h = g_new(struct sim_hist, 1);

	sim_hist_init(h);
	g_assert_cmpint(sim_hist_percentile(h, 50), ==, 0);
	g_assert_cmpfloat(sim_hist_mean(h), ==, 0);
	g_assert_cmpfloat(sim_hist_stddev(h), ==, 0);
	g_assert_cmpint(sim_hist_min(h), ==, 0);
	g_assert_cmpint(sim_hist_max(h), ==, 0);
	g_assert_cmpuint(sim_hist_next_bucket(h, 0), ==, SIM_HIST_BUCKETS);

	sim_hist_record(h, 0);
	g_assert_cmpint(sim_hist_percentile(h, 50), ==, 0);
	g_assert_cmpfloat(sim_hist_stddev(h), ==, 0);
	/* beyond the range: last bucket, counted, max exact */
	sim_hist_record(h, INT64_MAX);
	g_assert_cmpuint(h->overflow, ==, 1);
	g_assert_cmpuint(h->counts[SIM_HIST_BUCKETS - 1], ==, 1);
	g_assert_cmpint(sim_hist_max(h), ==, INT64_MAX);
	g_assert_cmpint(sim_hist_percentile(h, 100), ==, INT64_MAX);
	g_assert_cmpint(sim_hist_percentile(h, 50), ==, 0);
	g_assert_cmpint(sim_hist_percentile(h, 51), <=, INT64_MAX);
	g_free(h);
}

static void test_negative_is_bug(void)
{
	if (g_test_subprocess()) {
		struct sim_hist *h = g_new(struct sim_hist, 1);

		sim_hist_init(h);
		sim_hist_record(h, -1);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*BUG*v < 0*");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hist/buckets", test_buckets);
	g_test_add_func("/hist/percentiles", test_percentiles);
	g_test_add_func("/hist/merge", test_merge);
	g_test_add_func("/hist/record-n-iteration", test_record_n_and_iteration);
	g_test_add_func("/hist/empty-edges", test_empty_and_edges);
	g_test_add_func("/hist/negative", test_negative_is_bug);
	return g_test_run();
}
