/* sim/run/demo.c — the engine's self-demonstration (`sim/sim --demo`).
 *
 * A closed queueing system: N tasks alternate an exponential think time
 * (mean Z) with an exponential hold (mean S) of one mutex.  This is the
 * machine-repairman model M/M/1//N, so the measured utilisation and mean
 * response time can be printed beside the closed-form values — a quick,
 * meaningful check that events, coroutines, the mutex and the statistics
 * agree with theory, before any filesystem is involved.  The lock_stat line
 * of the mutex class follows.
 */
#include "config.h"

#include <stdio.h>

#include "sim/engine/sim.h"
#include "sim/run/demo.h"

struct demo_world {
	struct sim_mutex lock;
	struct sim_dist think, hold;
	sim_time_t end;
	uint64_t completions;
	sim_time_t response_sum;  /* request to release, summed */
	sim_time_t busy;          /* total hold time */
};

struct demo_task {
	struct demo_world *dw;
	struct sim_rng rng;
};

static void demo_customer(struct sim_task *t, void *arg)
{
	struct demo_task *dt = arg;
	struct demo_world *dw = dt->dw;

	for (;;) {
		sim_task_sleep(t, (sim_time_t)sim_dist_sample(&dw->think, &dt->rng));
		sim_time_t start = sim_task_now(t);
		if (start >= dw->end)
			return;
		sim_mutex_lock(t, &dw->lock, __func__);
		sim_time_t s = (sim_time_t)sim_dist_sample(&dw->hold, &dt->rng);
		sim_task_delay(t, s);
		sim_mutex_unlock(t, &dw->lock);
		dw->completions++;
		dw->busy += s;
		dw->response_sum += sim_task_now(t) - start;
	}
}

/* Machine-repairman: p0 = [sum_k N!/(N-k)! r^k]^-1 with r = S/Z. */
static void repairman(unsigned n, double s, double z, double *u, double *resp)
{
	double term = 1.0, sum = 1.0, r = s / z;

	for (unsigned k = 1; k <= n; k++) {
		term *= (double)(n - k + 1) * r;
		sum += term;
	}
	*u = 1.0 - 1.0 / sum;
	double x = *u / s;
	*resp = (double)n / x - z;
}

int sim_demo_run(FILE *out, uint64_t seed)
{
	static const unsigned ns[] = { 1, 4, 16 };
	const double s_ns = 10e3, z_ns = 50e3;  /* 10 us hold, 50 us think */

	fprintf(out, "faultline engine self-demo: N tasks, exp think (Z = 50 us) and "
		"exp hold (S = 10 us) of one mutex\n"
		"closed-form reference: machine-repairman M/M/1//N\n\n");
	fprintf(out, "%4s %12s %12s %14s %14s %10s %12s\n", "N", "util", "util(th)",
		"resp(us)", "resp(th,us)", "events", "contentions");
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(ns); i++) {
		struct sim_world_params p = { .seed = seed, .job = i };
		struct sim_world *w = sim_world_new(&p);
		struct demo_world dw = { .end = 2 * SIM_SEC };
		struct demo_task tasks[16];

		sim_mutex_init(w, &dw.lock, "demo_mutex");
		dw.think = sim_dist_exp(z_ns);
		dw.hold = sim_dist_exp(s_ns);
		for (unsigned k = 0; k < ns[i]; k++) {
			tasks[k].dw = &dw;
			sim_rng_seed(&tasks[k].rng, seed, i, k, 0);
			sim_task_spawn(w, "customer", demo_customer, &tasks[k]);
		}
		enum sim_stop why = sim_world_run(w, SIM_TIME_MAX);
		double util = (double)dw.busy / (double)sim_world_now(w);
		double resp = dw.completions ?
			(double)dw.response_sum / (double)dw.completions : 0;
		double u_th, r_th;
		repairman(ns[i], s_ns, z_ns, &u_th, &r_th);
		const struct sim_lock_stats *ls =
			sim_lock_class_stats(w, sim_lock_class(w, "demo_mutex"));
		fprintf(out, "%4u %12.4f %12.4f %14.2f %14.2f %10llu %12llu\n", ns[i],
			util, u_th, resp / 1e3, r_th / 1e3,
			(unsigned long long)sim_world_events(w),
			(unsigned long long)ls->contentions);
		if (why != SIM_STOP_IDLE) {
			fprintf(out, "unexpected stop %d\n", (int)why);
			sim_world_free(w);
			return 1;
		}
		sim_world_free(w);
	}
	return 0;
}
