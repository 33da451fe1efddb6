/* tests/sim/test-explore.c — schedule exploration in the engine: the step
 * hook, change points (how many fire, where, how long), determinism and
 * pairing (a schedule is a function of seed and schedule index, not of the
 * job), scripted delays, wait points in locks and completions, the replay
 * key and label, and stop_on_violation. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "sim/engine/internal.h"

#define SCALE 1000      /* every step is in an op of this cost scale */

struct hook {
	unsigned steps;             /* boundaries seen */
	unsigned injected;          /* delays the engine injected */
	GString *log;               /* "task:where:delay;" per injection */
	const char *script_at;      /* a step name that gets a scripted delay */
	sim_time_t script_delay;
};

static void hook_step(void *ctx, struct sim_task *t, const char *where,
		      struct sim_step *out)
{
	struct hook *h = ctx;

	(void)t;
	h->steps++;
	out->scale = SCALE;
	if (h->script_at && strcmp(where, h->script_at) == 0)
		out->delay = h->script_delay;
}

static void hook_injected(void *ctx, struct sim_task *t, const char *where,
			  sim_time_t delay)
{
	struct hook *h = ctx;

	h->injected++;
	g_string_append_printf(h->log, "%u@%" G_GINT64_FORMAT ":%s:%" G_GINT64_FORMAT ";",
			       sim_task_id(t), sim_task_now(t), where, delay);
}

static const struct sim_step_ops hook_ops = {
	.step = hook_step,
	.injected = hook_injected,
};

/* A task stepping every 10 ns for 100 steps, through two step names. */
static void stepper(struct sim_task *t, void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++) {
		sim_task_delay(t, 10);
		sim_task_step(t, i % 2 ? "odd" : "even");
	}
}

/* Runs three steppers under schedule `schedule` of (seed, job); returns
 * the injection log (g_free) and the trace hash. */
static char *run_schedule(uint64_t seed, uint64_t job, uint64_t schedule,
			  unsigned depth, uint64_t *hash, unsigned *steps)
{
	struct sim_explore x = {
		.schedule = schedule, .depth = depth, .delay = 1.0,
		.horizon = 900,
	};
	struct sim_world_params p = { .seed = seed, .job = job, .explore = &x };
	struct sim_world *w = sim_world_new(&p);
	struct hook h = { .log = g_string_new(NULL) };

	sim_world_set_step_hook(w, &hook_ops, &h);
	for (int i = 0; i < 3; i++)
		sim_task_spawn(w, "stepper", stepper, NULL);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	/* every change point falls in [0, 900) and the tasks step until
	 * ~1000 + delays: each fires, once */
	g_assert_cmpuint(h.injected, ==, depth);
	g_assert_cmpuint(sim_world_explore_fired(w), ==, depth);
	g_assert_cmpuint(sim_world_delays(w), ==, depth);
	g_assert_cmpint(sim_world_delay_total(w), <=, (sim_time_t)depth * SCALE);
	g_assert_cmpint(sim_world_delay_total(w), >=, (sim_time_t)depth);
	if (hash)
		*hash = sim_world_trace_hash(w);
	if (steps)
		*steps = h.steps;
	sim_world_free(w);
	return g_string_free(h.log, FALSE);
}

static void test_change_points(void)
{
	uint64_t h1, h2, h3;
	char *a = run_schedule(1, 0, 7, 3, &h1, NULL);
	char *b = run_schedule(1, 0, 7, 3, &h2, NULL);
	/* another job (strategy) of the same seed: the same draws */
	char *c = run_schedule(1, 5, 7, 3, &h3, NULL);
	char *d = run_schedule(1, 0, 8, 3, NULL, NULL);
	char *e = run_schedule(2, 0, 7, 3, NULL, NULL);

	g_assert_cmpstr(a, ==, b);
	g_assert_cmpuint(h1, ==, h2);
	g_assert_cmpstr(a, ==, c);
	g_assert_cmpuint(h1, ==, h3);
	g_assert_cmpstr(a, !=, d);
	g_assert_cmpstr(a, !=, e);
	g_free(a);
	g_free(b);
	g_free(c);
	g_free(d);
	g_free(e);
}

static void test_depth(void)
{
	unsigned steps;

	for (unsigned depth = 0; depth <= 10; depth += 5) {
		char *log = run_schedule(3, 0, 1, depth, NULL, &steps);

		g_assert_cmpuint(steps, ==, 300);
		g_free(log);
	}
}

/* Without a hook nothing happens at a boundary, exploring or not. */
static void test_no_hook(void)
{
	struct sim_explore x = { .schedule = 1, .depth = 5, .delay = 1,
				 .horizon = 500 };
	struct sim_world_params p = { .seed = 1, .explore = &x };
	struct sim_world *w = sim_world_new(&p);

	sim_task_spawn(w, "stepper", stepper, NULL);
	sim_world_run(w, SIM_TIME_MAX);
	g_assert_cmpint(sim_world_now(w), ==, 1000);
	g_assert_cmpuint(sim_world_delays(w), ==, 0);
	sim_world_free(w);
}

/* A scripted delay (the hook's own) on a world that does not explore. */
static void test_scripted(void)
{
	struct sim_world_params p = { .seed = 1 };
	struct sim_world *w = sim_world_new(&p);
	struct hook h = { .log = g_string_new(NULL), .script_at = "odd",
			  .script_delay = 5 };

	sim_world_set_step_hook(w, &hook_ops, &h);
	sim_task_spawn(w, "stepper", stepper, NULL);
	sim_world_run(w, SIM_TIME_MAX);
	/* 50 odd steps, 5 ns each, off the CPU */
	g_assert_cmpint(sim_world_now(w), ==, 1000 + 50 * 5);
	g_assert_cmpint(sim_task_busy(sim_world_task(w, 0)), ==, 1000);
	g_assert_cmpuint(sim_world_delays(w), ==, 50);
	g_assert_cmpuint(h.injected, ==, 0);
	g_assert_null(sim_world_explore(w));
	g_string_free(h.log, TRUE);
	sim_world_free(w);
}

/* Lock acquisitions are boundaries only when the task would wait. */
struct lockers {
	struct sim_mutex m;
	struct sim_rwsem s;
};

static void holder(struct sim_task *t, void *arg)
{
	struct lockers *l = arg;

	sim_mutex_lock(t, &l->m, "holder");
	sim_down_write(t, &l->s, "holder");
	sim_task_delay(t, 100);
	sim_up_write(t, &l->s);
	sim_mutex_unlock(t, &l->m);
	sim_task_sleep(t, 100);
	sim_mutex_lock(t, &l->m, "holder");     /* free: no boundary */
	sim_mutex_unlock(t, &l->m);
}

static void waiter(struct sim_task *t, void *arg)
{
	struct lockers *l = arg;

	sim_task_delay(t, 10);
	sim_mutex_lock(t, &l->m, "waiter");     /* held: a boundary */
	sim_mutex_unlock(t, &l->m);
	sim_down_read(t, &l->s, "waiter");      /* free by now */
	sim_up_read(t, &l->s);
}

static void test_wait_points(void)
{
	struct sim_world_params p = { .seed = 1 };
	struct sim_world *w = sim_world_new(&p);
	struct hook h = { .log = g_string_new(NULL) };
	struct lockers l;

	sim_mutex_init(w, &l.m, "test_mutex");
	sim_rwsem_init(w, &l.s, "test_rwsem");
	sim_world_set_step_hook(w, &hook_ops, &h);
	sim_task_spawn(w, "holder", holder, &l);
	sim_task_spawn(w, "waiter", waiter, &l);
	sim_world_run(w, SIM_TIME_MAX);
	g_assert_cmpuint(h.steps, ==, 1);
	g_string_free(h.log, TRUE);
	sim_world_free(w);
}

static void test_replay_key(void)
{
	struct sim_world_params p = { .seed = 4, .job = 9 };
	struct sim_world *w = sim_world_new(&p);
	struct sim_explore x = { .schedule = 17, .depth = SIM_EXPLORE_DEPTH,
				 .delay = SIM_EXPLORE_DELAY, .horizon = 10 };

	g_assert_cmpstr(sim_world_replay_key(w), ==, "4:9");
	g_assert_cmpstr(sim_world_label(w), ==, "seed 4 job 9");
	sim_world_free(w);
	p.explore = &x;
	w = sim_world_new(&p);
	g_assert_cmpstr(sim_world_replay_key(w), ==, "4:9:17");
	g_assert_cmpstr(sim_world_label(w), ==, "seed 4 job 9 schedule 17");
	g_assert_nonnull(sim_world_explore(w));
	sim_world_free(w);
	x.depth = 5;
	x.delay = 2.5;
	w = sim_world_new(&p);
	g_assert_cmpstr(sim_world_replay_key(w), ==,
			"4:9:17 --explore-depth 5 --explore-delay 2.5");
	sim_world_free(w);
}

static void violator(struct sim_task *t, void *arg)
{
	(void)arg;
	sim_task_delay(t, 50);
	sim_world_violation(sim_task_world(t));
	sim_task_delay(t, 50);
}

static void test_stop_on_violation(void)
{
	struct sim_world_params p = { .seed = 1, .stop_on_violation = true };
	struct sim_world *w = sim_world_new(&p);

	sim_task_spawn(w, "violator", violator, NULL);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_REQUESTED);
	g_assert_cmpint(sim_world_now(w), ==, 50);
	sim_world_free(w);
	p.stop_on_violation = false;
	w = sim_world_new(&p);
	sim_task_spawn(w, "violator", violator, NULL);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpint(sim_world_now(w), ==, 100);
	sim_world_free(w);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/explore/change-points", test_change_points);
	g_test_add_func("/explore/depth", test_depth);
	g_test_add_func("/explore/no-hook", test_no_hook);
	g_test_add_func("/explore/scripted", test_scripted);
	g_test_add_func("/explore/wait-points", test_wait_points);
	g_test_add_func("/explore/replay-key", test_replay_key);
	g_test_add_func("/explore/stop-on-violation", test_stop_on_violation);
	return g_test_run();
}
