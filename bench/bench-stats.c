/* bench/bench-stats.c — cost per call of the random streams, samplers,
 * deterministic math and histogram recording (make bench only).
 * The accumulated result is printed so the loops cannot be optimised away.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/engine/hist.h"
#include "sim/engine/rng.h"

_Noreturn void sim_bug(const char *file, int line, const char *cond)
{
	fprintf(stderr, "BUG at %s:%d: %s\n", file, line, cond);
	abort();
}

#define N 4000000

static void report(const char *what, gint64 t0, double sink)
{
	double ns = (double)(g_get_monotonic_time() - t0) * 1000.0 / N;

	printf("%-22s %7.2f ns/call   (sink %g)\n", what, ns, sink);
}

static void bench_dist(const char *what, struct sim_dist d, struct sim_rng *r)
{
	double s = 0;
	gint64 t0 = g_get_monotonic_time();
	int i;

	for (i = 0; i < N; i++)
		s += sim_dist_sample(&d, r);
	report(what, t0, s);
}

int main(void)
{
	struct sim_hist *h = g_new(struct sim_hist, 1);
	struct sim_rng r;
	struct sim_dist z;
	double s = 0;
	uint64_t u = 0;
	gint64 t0;
	int i;

	sim_rng_seed(&r, 1, 0, 0, 0);
	t0 = g_get_monotonic_time();
	for (i = 0; i < N; i++)
		u += sim_rng_next(&r);
	report("sim_rng_next", t0, (double)u);
	t0 = g_get_monotonic_time();
	for (i = 0; i < N; i++)
		u += sim_rng_below(&r, 1000003);
	report("sim_rng_below", t0, (double)u);

	t0 = g_get_monotonic_time();
	for (i = 0; i < N; i++)
		s += sim_log(1.0 + i);
	report("sim_log", t0, s);
	t0 = g_get_monotonic_time();
	for (i = 0; i < N; i++)
		s += sim_exp(i * 1e-4);
	report("sim_exp", t0, s);
	t0 = g_get_monotonic_time();
	for (i = 0; i < N; i++)
		s += sim_pow(1.0 + i * 1e-6, -1.7);
	report("sim_pow", t0, s);
	t0 = g_get_monotonic_time();
	for (i = 0; i < N; i++)
		s += sim_sqrt(1.0 + i);
	report("sim_sqrt", t0, s);

	bench_dist("dist uniform", sim_dist_uniform(0, 1e6), &r);
	bench_dist("dist exp", sim_dist_exp(2000), &r);
	bench_dist("dist normal", sim_dist_normal(100, 15), &r);
	bench_dist("dist lognormal", sim_dist_lognormal(1e4, 5e3), &r);
	bench_dist("dist pareto", sim_dist_pareto(1.5, 100), &r);
	z = sim_dist_zipf(0.99);
	sim_dist_zipf_prepare(&z, 1 << 20);
	bench_dist("dist zipf(0.99, 2^20)", z, &r);

	sim_hist_init(h);
	t0 = g_get_monotonic_time();
	for (i = 0; i < N; i++)
		sim_hist_record(h, (int64_t)(u += 0x9e3779b97f4a7c15ULL) >> 40 & 0xffffff);
	report("sim_hist_record", t0, (double)h->count);
	t0 = g_get_monotonic_time();
	for (i = 0; i < N / 1000; i++)
		s += (double)sim_hist_percentile(h, 99.9);
	printf("%-22s %7.2f us/call\n", "sim_hist_percentile",
	       (double)(g_get_monotonic_time() - t0) / (N / 1000));
	g_free(h);
	return 0;
}
