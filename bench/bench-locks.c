/* bench/bench-locks.c — cost of the sleeping locks (make bench).
 *
 *   (a) uncontended mutex_lock + mutex_unlock, and down_read + up_read
 *       under 4 held locks (lockdep's bit-matrix fast path), per pair
 *   (b) mutex ping-pong: two tasks hand one mutex back and forth; every
 *       acquisition waits, so each one costs two task switches
 *   (c) M/M/1 (lambda = 0.9, mu = 1, 10^6 customers): a generator task
 *       hands arrivals to a pool of customer tasks, which queue on a FIFO
 *       mutex for an Exp(1/mu) service (tests/sim/test-queueing.c's
 *       shape).  Prints the mean time in system (theory 1/(mu - lambda)
 *       = 10) and the wall time per customer (SimPy: ~3-8 us).  The run
 *       is cut into chunks of 0.5 ms of simulated time (~450 customers,
 *       ~60 us), each timed on its own: on a loaded machine the whole-run
 *       figures include preemption and caches trashed by other processes,
 *       while the fastest tenth of the chunks shows the cost of the code
 *       itself.  Chunking does not change the run (same events, same
 *       results).
 *
 * Wall-clock reads happen here, outside the worlds, never inside one.
 * Arguments: [divisor [parts]] — divide every count (for valgrind or
 * callgrind runs), and run only some of the parts ("c").
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/engine/sim.h"

static unsigned long scale = 1;

static double now_s(void)
{
	return (double)g_get_monotonic_time() / 1e6;
}

/* CPU time of the process: on a shared, loaded machine the per-operation
 * figures are CPU time; (c) prints wall time too. */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- (a) uncontended ------------------------------------------------------- */

struct unc {
	struct sim_mutex m, outer[4];
	struct sim_rwsem s;
	unsigned long n;
};

static void unc_mutex(struct sim_task *t, void *arg)
{
	struct unc *u = arg;

	for (unsigned long i = 0; i < u->n; i++) {
		sim_mutex_lock(t, &u->m, "unc_mutex");
		sim_mutex_unlock(t, &u->m);
	}
}

static void unc_rwsem_nested(struct sim_task *t, void *arg)
{
	struct unc *u = arg;

	for (unsigned i = 0; i < 4; i++)
		sim_mutex_lock(t, &u->outer[i], "unc_rwsem_nested");
	for (unsigned long i = 0; i < u->n; i++) {
		sim_down_read(t, &u->s, "unc_rwsem_nested");
		sim_up_read(t, &u->s);
	}
	for (unsigned i = 4; i-- > 0;)
		sim_mutex_unlock(t, &u->outer[i]);
}

static void bench_uncontended(void)
{
	static const char *const outer[] = { "outer0", "outer1", "outer2",
					     "outer3" };
	struct sim_world_params p = { .seed = 1 };
	struct sim_world *w = sim_world_new(&p);
	struct unc *u = g_new0(struct unc, 1);
	double t0, t1, t2;

	u->n = 10 * 1000 * 1000 / scale;
	sim_mutex_init(w, &u->m, "unc");
	for (unsigned i = 0; i < 4; i++)
		sim_mutex_init(w, &u->outer[i], outer[i]);
	sim_rwsem_init(w, &u->s, "unc_sem");
	sim_task_spawn(w, "mutex", unc_mutex, u);
	t0 = cpu_s();
	sim_world_run(w, SIM_TIME_MAX);
	t1 = cpu_s();
	sim_task_spawn(w, "rwsem", unc_rwsem_nested, u);
	sim_world_run(w, SIM_TIME_MAX);
	t2 = cpu_s();
	printf("(a) uncontended mutex lock+unlock:          %6.1f ns/pair\n",
	       (t1 - t0) * 1e9 / (double)u->n);
	printf("    down_read+up_read under 4 held locks:   %6.1f ns/pair\n",
	       (t2 - t1) * 1e9 / (double)u->n);
	sim_world_free(w);
	g_free(u);
}

/* ---- (b) ping-pong ------------------------------------------------------------ */

struct pp {
	struct sim_mutex m;
	unsigned long rounds;
};

static void pp_task(struct sim_task *t, void *arg)
{
	struct pp *x = arg;

	for (unsigned long i = 0; i < x->rounds; i++) {
		sim_mutex_lock(t, &x->m, "pp_task");
		sim_task_delay(t, 1);
		sim_mutex_unlock(t, &x->m);
	}
}

static void bench_pingpong(void)
{
	struct sim_world_params p = { .seed = 1 };
	struct sim_world *w = sim_world_new(&p);
	struct pp *x = g_new0(struct pp, 1);
	double t0, dt;
	uint64_t sw;

	x->rounds = 2 * 1000 * 1000 / scale;
	sim_mutex_init(w, &x->m, "pingpong");
	sim_task_spawn(w, "ping", pp_task, x);
	sim_task_spawn(w, "pong", pp_task, x);
	t0 = cpu_s();
	sim_world_run(w, SIM_TIME_MAX);
	dt = cpu_s() - t0;
	sw = sim_world_switches(w);
	printf("(b) mutex ping-pong: %lu hand-offs, %" G_GUINT64_FORMAT
	       " task switches in %.3f s CPU\n"
	       "    %.1f M switches/s, %.1f ns per contended acquisition\n",
	       2 * x->rounds, sw, dt, (double)sw / dt / 1e6,
	       dt * 1e9 / (double)(2 * x->rounds));
	sim_world_free(w);
	g_free(x);
}

/* ---- (c) M/M/1 ----------------------------------------------------------------- */

#define POOL 512

struct mm1 {
	struct sim_mutex m;
	struct sim_dist arrive, serve;
	struct sim_rng ra, rs;        /* interarrival and service streams */
	struct sim_task *idle[POOL];  /* idle customer tasks */
	unsigned nidle;
	sim_time_t service[POOL];
	unsigned long customers, done;
	double in_system;             /* sum of (departure - arrival), ns */
	double batch[20];             /* the same, per 1/20 of the customers */
};

static sim_time_t draw(const struct sim_dist *d, struct sim_rng *r)
{
	return (sim_time_t)(sim_dist_sample(d, r) + 0.5);
}

static void mm1_serve(struct sim_task *t, struct mm1 *q, sim_time_t arrived,
		      sim_time_t service)
{
	sim_mutex_lock(t, &q->m, "mm1_customer");
	sim_task_delay(t, service);
	sim_mutex_unlock(t, &q->m);
	q->in_system += (double)(sim_task_now(t) - arrived);
	q->batch[q->done * 20 / q->customers] +=
		(double)(sim_task_now(t) - arrived);
	if (++q->done == q->customers)
		sim_world_request_stop(sim_task_world(t));
}

/* A customer task: idle until the generator hands it an arrival.  (Tasks
 * drawing their own arrival times would save the generator's switch but
 * keep ~POOL timers in the event heap: measured slower.) */
static void mm1_customer(struct sim_task *t, void *arg)
{
	struct mm1 *q = arg;
	unsigned me = sim_task_id(t);   /* customers are spawned first */

	for (;;) {
		q->idle[q->nidle++] = t;
		sim_task_block(t, NULL, "idle");
		mm1_serve(t, q, sim_task_now(t), q->service[me]);
	}
}

static void mm1_generator(struct sim_task *t, void *arg)
{
	struct mm1 *q = arg;

	for (unsigned long i = 0; i < q->customers; i++) {
		struct sim_task *c;

		sim_task_sleep(t, draw(&q->arrive, &q->ra));
		SIM_BUG_ON(q->nidle == 0);
		c = q->idle[--q->nidle];
		q->service[sim_task_id(c)] = draw(&q->serve, &q->rs);
		sim_task_wake(c);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void bench_mm1(void)
{
	const double unit = 1000;   /* 1/mu = 1 us */
	struct sim_world_params p = { .seed = 2024, .stack_size = 16 * 1024 };
	struct sim_world *w = sim_world_new(&p);
	struct mm1 *q = g_new0(struct mm1, 1);
	double t0, c0, dt, dc, mean, ss = 0, *chunk;
	unsigned long nchunk = 0, cap;

	q->customers = 1000 * 1000 / scale;
	q->arrive.kind = SIM_DIST_EXP;
	q->arrive.a = unit / 0.9;
	q->serve.kind = SIM_DIST_EXP;
	q->serve.a = unit;
	sim_rng_seed(&q->ra, p.seed, p.job, 0, 1);
	sim_rng_seed(&q->rs, p.seed, p.job, 0, 2);
	sim_mutex_init(w, &q->m, "server");
	for (unsigned i = 0; i < POOL; i++)
		sim_task_set_daemon(sim_task_spawn(w, "customer",
						   mm1_customer, q), true);
	sim_task_spawn(w, "generator", mm1_generator, q);
	cap = q->customers / 100 + 16;
	chunk = g_new(double, cap);
	t0 = now_s();
	c0 = cpu_s();
	for (;;) {
		unsigned long d0 = q->done;
		double k0 = now_s();
		enum sim_stop st = sim_world_run(w, sim_world_now(w) +
						 500 * SIM_USEC);

		if (q->done > d0 && nchunk < cap)
			chunk[nchunk++] = (now_s() - k0) / (double)(q->done - d0);
		if (st != SIM_STOP_TIME)
			break;
	}
	dt = now_s() - t0;
	dc = cpu_s() - c0;
	qsort(chunk, nchunk, sizeof(chunk[0]), cmp_double);
	/* standard error from 20 batch means (successive customers are
	 * strongly correlated at rho = 0.9) */
	mean = q->in_system / (double)q->done;
	for (unsigned b = 0; b < 20; b++) {
		double d = q->batch[b] / ((double)q->done / 20) - mean;
		ss += d * d;
	}
	printf("(c) M/M/1 lambda=0.9 mu=1, %lu customers:\n"
	       "    mean time in system %.3f +- %.3f (SE; theory 10)\n"
	       "    %.3f s wall, %.3f us per customer (CPU: %.3f s, "
	       "%.3f us)\n"
	       "    %.3f us per customer in the fastest tenth of %lu chunks "
	       "(median chunk %.3f us)\n"
	       "    %.2f events and %.2f task switches per customer\n",
	       q->done,
	       mean / unit, sim_sqrt(ss / 19 / 20) / unit, dt,
	       dt * 1e6 / (double)q->done, dc, dc * 1e6 / (double)q->done,
	       chunk[nchunk / 10] * 1e6, nchunk, chunk[nchunk / 2] * 1e6,
	       (double)sim_world_events(w) / (double)q->done,
	       (double)sim_world_switches(w) / (double)q->done);
	sim_world_free(w);
	g_free(chunk);
	g_free(q);
}

int main(int argc, char **argv)
{
	const char *parts = argc > 2 ? argv[2] : "abc";

	if (argc > 1 && atol(argv[1]) > 0)
		scale = (unsigned long)atol(argv[1]);
	if (strchr(parts, 'a'))
		bench_uncontended();
	if (strchr(parts, 'b'))
		bench_pingpong();
	if (strchr(parts, 'c'))
		bench_mm1();
	return 0;
}
