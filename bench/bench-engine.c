/* bench/bench-engine.c — the engine's hot path: the classic hold model.
 *
 * T tasks each sleep an exponential time (mean 1 us), forever; every event
 * is one pop, one switch into a task, one push and one switch back.  The
 * figure is events per wall-clock second, for T = 4, 1 000 and 30 000 (the
 * last mostly measures cache misses: each task's stack and struct live on
 * their own pages).  Each case runs about a second.
 *
 * Exponential samples come from a table of -ln(u) drawn once (a local
 * polynomial log, no libm), indexed by a xorshift: the benchmark must
 * measure the engine, not a log implementation.
 *
 * Usage: bench-engine [seconds-per-case [T]]   (default 1, all three T)
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <glib.h>

#include "sim/engine/sim.h"

#define EXP_TABLE 4096
#define MEAN_NS 1000.0

struct bench {
	sim_time_t exp_ns[EXP_TABLE];
	uint64_t rng;
	uint64_t budget;     /* sleeps left in the whole run */
	struct sim_event *evs;
};

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* ln(x) for x in (0, 1]: split off the binary exponent, atanh series on the
 * mantissa; ~1e-12 relative, plenty for a benchmark's distribution. */
static double bench_log(double x)
{
	int e = 0;
	double m = frexp(x, &e);   /* x = m 2^e, m in [0.5, 1) */
	double s = (m - 1) / (m + 1), s2 = s * s, sum = 0, term = s;

	for (int k = 1; k < 40; k += 2) {
		sum += term / k;
		term *= s2;
	}
	return 2 * sum + e * 0.69314718055994530942;
}

static void hold_task(struct sim_task *t, void *arg)
{
	struct bench *b = arg;
	uint64_t r = (uint64_t)sim_task_id(t) * 0x9e3779b97f4a7c15 + 1;

	while (b->budget) {
		b->budget--;
		sim_task_sleep(t, b->exp_ns[xorshift64(&r) % EXP_TABLE]);
	}
}

/* The same hold model without tasks: bare events re-arming themselves,
 * which is the cost of the event list and dispatch alone. */
static void hold_event(struct sim_world *w, struct sim_event *ev)
{
	struct bench *b = sim_world_model(w);

	if (b->budget) {
		b->budget--;
		b->rng += ev->slot;
		sim_event_schedule(w, ev, b->exp_ns[xorshift64(&b->rng) % EXP_TABLE]);
	}
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Returns events per CPU second (the machine is shared: CPU time is the
 * steadier figure); *wall_rate gets events per wall second. */
static double run_case(struct bench *b, unsigned ntasks, bool tasks,
		       uint64_t events, double *wall_rate, uint64_t *hash)
{
	struct sim_world_params p = { .seed = 1 };
	struct sim_world *w = sim_world_new(&p);
	double t0, t1, c0, c1;
	uint64_t ev;

	b->budget = events;
	sim_world_set_model(w, b);
	b->evs = tasks ? NULL : g_new0(struct sim_event, ntasks);
	for (unsigned i = 0; i < ntasks; i++) {
		if (tasks) {
			sim_task_spawn(w, "hold", hold_task, b);
		} else {
			sim_event_init(w, &b->evs[i], hold_event);
			sim_event_schedule(w, &b->evs[i], 0);
		}
	}
	/* warm up: start every task (first switches fault stack pages in) */
	sim_world_run(w, 1);
	ev = sim_world_events(w);
	t0 = clock_s(CLOCK_MONOTONIC);
	c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	if (sim_world_run(w, SIM_TIME_MAX) != SIM_STOP_IDLE)
		g_error("hold model did not end idle");
	c1 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	t1 = clock_s(CLOCK_MONOTONIC);
	ev = sim_world_events(w) - ev;
	*hash = sim_world_trace_hash(w);
	sim_world_free(w);
	g_free(b->evs);
	*wall_rate = ev / (t1 - t0);
	return ev / (c1 - c0);
}

int main(int argc, char **argv)
{
	static const unsigned sizes[] = { 4, 1000, 30000 };
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	struct bench *b = g_new0(struct bench, 1);

	b->rng = 0x12345678;
	for (int i = 0; i < EXP_TABLE; i++) {
		/* u in (0, 1] */
		double u = ((xorshift64(&b->rng) >> 11) + 1) * 0x1.0p-53;

		b->exp_ns[i] = (sim_time_t)(-bench_log(u) * MEAN_NS + 0.5);
	}
	for (int tasks = 1; tasks >= 0; tasks--) {
		if (tasks)
			printf("hold model: T tasks sleep exp(mean %.0f ns), "
			       "one switch out and back per event\n", MEAN_NS);
		else
			printf("event list alone: T bare events re-arm "
			       "exp(mean %.0f ns), no task switch\n", MEAN_NS);
		for (size_t k = 0; k < SIM_ARRAY_SIZE(sizes); k++) {
			unsigned n = sizes[k];
			uint64_t hash, events;
			double wrate, rate;

			if (argc > 2 && (unsigned)atoi(argv[2]) != n)
				continue;
			/* calibrate with a short run, then size the real one
			 * to `secs`.  30 000 x 64 KiB stacks is 2 GB of address
			 * space and 60 000 mappings (stack + guard): fine. */
			rate = run_case(b, n, tasks, 200000 + 20 * (uint64_t)n,
					&wrate, &hash);
			events = (uint64_t)(rate * secs);
			rate = run_case(b, n, tasks, events, &wrate, &hash);
			printf("  T = %6u: %6.2f M events/s CPU time, %6.2f M/s "
			       "wall, %5.1f ns/event  (%" PRIu64 " events, "
			       "trace %016" PRIx64 ")\n", n, rate / 1e6,
			       wrate / 1e6, 1e9 / rate, events, hash);
		}
	}
	g_free(b);
	return 0;
}
