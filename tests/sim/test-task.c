/* tests/sim/test-task.c — tasks: spawn order, delay/sleep/yield accounting,
 * many tasks, nested spawn, exit, block/wake, notes, world free with
 * blocked tasks. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "sim/engine/internal.h"

static struct sim_world *new_world(uint64_t seed, bool shuffle)
{
	struct sim_world_params p = { .seed = seed, .tie_shuffle = shuffle };

	return sim_world_new(&p);
}

/* ---- delay and sleep accounting ------------------------------------------ */

static void delayer(struct sim_task *t, void *arg)
{
	sim_time_t *end = arg;

	sim_task_delay(t, 100);
	sim_task_sleep(t, 1000);
	sim_task_delay(t, 20);
	sim_task_delay(t, 0);   /* free */
	sim_task_yield(t);
	sim_task_sleep(t, 0);
	*end = sim_task_now(t);
}

static void test_delay_sleep(void)
{
	struct sim_world *w = new_world(1, false);
	sim_time_t end = -1;
	struct sim_task *t = sim_task_spawn(w, "delayer", delayer, &end);

	g_assert_cmpuint(sim_task_id(t), ==, 0);
	g_assert_cmpstr(sim_task_name(t), ==, "delayer");
	g_assert_false(sim_task_exited(t));
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpint(end, ==, 1120);
	g_assert_cmpint(sim_task_busy(t), ==, 120);
	g_assert_true(sim_task_exited(t));
	g_assert_cmpint(sim_world_now(w), ==, 1120);
	/* start, delay, sleep, delay, yield, sleep(0) */
	g_assert_cmpuint(sim_world_switches(w), ==, 6);
	sim_world_free(w);
}

/* ---- run limits ------------------------------------------------------------ */

static void ticker(struct sim_task *t, void *arg)
{
	int *ticks = arg;

	for (int i = 0; i < 10; i++) {
		sim_task_sleep(t, 100);
		(*ticks)++;
	}
}

static void test_run_until(void)
{
	struct sim_world *w = new_world(1, false);
	int ticks = 0;

	sim_task_spawn(w, "ticker", ticker, &ticks);
	/* events strictly before 350: ticks at 100, 200, 300 */
	g_assert_cmpint(sim_world_run(w, 350), ==, SIM_STOP_TIME);
	g_assert_cmpint(ticks, ==, 3);
	g_assert_cmpint(sim_world_now(w), ==, 350);
	/* an event exactly at `until` does not run */
	g_assert_cmpint(sim_world_run(w, 400), ==, SIM_STOP_TIME);
	g_assert_cmpint(ticks, ==, 3);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpint(ticks, ==, 10);
	g_assert_cmpint(sim_world_now(w), ==, 1000);
	sim_world_free(w);
}

static void stopper(struct sim_task *t, void *arg)
{
	int *n = arg;

	for (;;) {
		sim_task_sleep(t, 10);
		if (++*n == 5)
			sim_world_request_stop(sim_task_world(t));
	}
}

static void test_request_stop(void)
{
	struct sim_world *w = new_world(1, false);
	int n = 0;

	sim_task_spawn(w, "stopper", stopper, &n);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_REQUESTED);
	g_assert_cmpint(n, ==, 5);
	g_assert_cmpint(sim_world_now(w), ==, 50);
	/* continuing runs on until the next request */
	g_assert_cmpint(sim_world_run(w, 200), ==, SIM_STOP_TIME);
	g_assert_cmpint(n, ==, 19);
	sim_world_free(w);   /* frees a task that never exited */
}

/* ---- many tasks, in spawn order ------------------------------------------- */

struct order {
	unsigned log[4096];
	unsigned n;
};

static void ordered(struct sim_task *t, void *arg)
{
	struct order *o = arg;

	o->log[o->n++] = sim_task_id(t);
	sim_task_sleep(t, 10 + sim_task_id(t) % 7);
	o->log[o->n++] = sim_task_id(t);
}

static void test_many_tasks(void)
{
	struct sim_world *w = new_world(1, false);
	struct order *o = g_new0(struct order, 1);
	const unsigned n = 2000;

	for (unsigned i = 0; i < n; i++) {
		struct sim_task *t = sim_task_spawn(w, "t", ordered, o);

		g_assert_cmpuint(sim_task_id(t), ==, i);
		g_assert_true(sim_world_task(w, i) == t);
	}
	g_assert_cmpuint(sim_world_task_count(w), ==, n);
	g_assert_null(sim_world_task(w, n));
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(o->n, ==, 2 * n);
	/* first halves run in spawn order (all at time 0, FIFO) */
	for (unsigned i = 0; i < n; i++)
		g_assert_cmpuint(o->log[i], ==, i);
	/* then by wake time, ties in scheduling (= spawn) order */
	for (unsigned i = n + 1; i < 2 * n; i++) {
		unsigned a = o->log[i - 1], b = o->log[i];

		g_assert_true(a % 7 < b % 7 || (a % 7 == b % 7 && a < b));
	}
	g_assert_cmpint(sim_world_now(w), ==, 16);
	g_free(o);
	sim_world_free(w);
}

/* Tie-shuffle: tasks waking at the same time run in a seeded order, but
 * never out of time order, and an order-insensitive result is unchanged. */
struct shuf {
	sim_time_t last;
	bool time_ok;
	uint64_t order_sig;
	uint64_t sum;
};

static void shuffled(struct sim_task *t, void *arg)
{
	struct shuf *s = arg;
	unsigned id = sim_task_id(t);

	for (int i = 0; i < 20; i++) {
		sim_time_t now = sim_task_now(t);

		s->time_ok &= now >= s->last;
		s->last = now;
		s->order_sig = s->order_sig * 1000003 + id;
		s->sum += (uint64_t)now * (id + 1);
		if (i % 3 == 0)
			sim_task_yield(t);
		else
			sim_task_sleep(t, 10 * (id % 3));
	}
}

static void run_shuffled(struct shuf *s, uint64_t seed, bool shuffle)
{
	struct sim_world *w = new_world(seed, shuffle);

	*s = (struct shuf){ .time_ok = true };
	for (int i = 0; i < 30; i++)
		sim_task_spawn(w, "shuffled", shuffled, s);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	sim_world_free(w);
}

static void test_tie_shuffle_tasks(void)
{
	struct shuf fifo, a, b, a2;

	run_shuffled(&fifo, 1, false);
	run_shuffled(&a, 1, true);
	run_shuffled(&b, 2, true);
	run_shuffled(&a2, 1, true);
	g_assert_true(fifo.time_ok && a.time_ok && b.time_ok);
	g_assert_cmpuint(a.sum, ==, fifo.sum);
	g_assert_cmpuint(b.sum, ==, fifo.sum);
	g_assert_cmpuint(a.order_sig, !=, fifo.order_sig);
	g_assert_cmpuint(a.order_sig, !=, b.order_sig);
	g_assert_cmpuint(a.order_sig, ==, a2.order_sig);
}

/* ---- nested spawn ------------------------------------------------------------ */

struct nest {
	int depth;
	unsigned ran;
	sim_time_t when[8];
};

static void nested(struct sim_task *t, void *arg)
{
	struct nest *n = arg;
	int d = n->depth++;

	n->when[d] = sim_task_now(t);
	n->ran++;
	sim_task_delay(t, 5);
	if (d < 7)
		sim_task_spawn(sim_task_world(t), "child", nested, n);
	sim_task_sleep(t, 1);
}

static void test_nested_spawn(void)
{
	struct sim_world *w = new_world(1, false);
	struct nest n = { 0 };

	sim_task_spawn(w, "root", nested, &n);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(n.ran, ==, 8);
	g_assert_cmpuint(sim_world_task_count(w), ==, 8);
	for (int i = 0; i < 8; i++) {
		g_assert_cmpint(n.when[i], ==, 5 * i);
		g_assert_true(sim_task_exited(sim_world_task(w, i)));
	}
	sim_world_free(w);
}

/* ---- block and wake, current task ------------------------------------------- */

struct pair {
	struct sim_task *sleeper;
	int stage;
	bool saw_current;
};

static void blocker(struct sim_task *t, void *arg)
{
	struct pair *p = arg;

	p->saw_current = sim_current_task() == t &&
			 sim_current_world() == sim_task_world(t);
	p->stage = 1;
	sim_task_block(t, NULL, "blocker");
	g_assert_cmpint(p->stage, ==, 2);
	g_assert_cmpint(sim_task_now(t), ==, 300);
	p->stage = 3;
}

static void waker(struct sim_task *t, void *arg)
{
	struct pair *p = arg;

	sim_task_sleep(t, 300);
	g_assert_cmpint(p->stage, ==, 1);
	g_assert_null(sim_task_waiting_on(p->sleeper));
	g_assert_true(p->sleeper->state == SIM_TASK_BLOCKED);
	p->stage = 2;
	sim_task_wake(p->sleeper);
	sim_task_wake(p->sleeper);   /* not asleep any more: no-op */
	sim_task_wake(t);            /* running: no-op */
	g_assert_cmpint(p->stage, ==, 2);
}

static void test_block_wake(void)
{
	struct sim_world *w = new_world(1, false);
	struct pair p = { 0 };

	p.sleeper = sim_task_spawn(w, "blocker", blocker, &p);
	sim_task_spawn(w, "waker", waker, &p);
	g_assert_null(sim_current_task());
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_null(sim_current_task());
	g_assert_null(sim_current_world());
	g_assert_cmpint(p.stage, ==, 3);
	g_assert_true(p.saw_current);
	sim_world_free(w);
}

/* ---- world free with blocked tasks --------------------------------------------- */

static void forever(struct sim_task *t, void *arg)
{
	char buf[4096];

	/* dirty some stack so there is something to drop */
	memset(buf, 0x5a, sizeof(buf));
	sim_task_set_daemon(t, true);
	sim_task_block(t, NULL, "forever");
	g_assert_not_reached();
}

static void test_free_blocked(void)
{
	for (int round = 0; round < 3; round++) {
		struct sim_world *w = new_world(round, false);

		for (int i = 0; i < 50; i++)
			sim_task_spawn(w, "forever", forever, NULL);
		/* daemons idling: not a deadlock */
		g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==,
				SIM_STOP_IDLE);
		g_assert_null(sim_world_deadlock_report(w));
		sim_world_free(w);
	}
}

/* A sanitizer build must announce every stack switch (sim/engine/context.h):
 * clang before 17 does not define __SANITIZE_ADDRESS__, and without the
 * hooks ASan kept the scope poison of frames abandoned in freed task stacks
 * and reported stack-use-after-scope in sim_task_map when a later world
 * mapped tasks at the same addresses (512 tasks on a 4K file, found by
 * fuzz/gen-extreme.py in the clang fuzz build). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) && !defined(SIM_CONTEXT_ASAN)
#error "AddressSanitizer build without the fiber hooks (SIM_CONTEXT_ASAN)"
#endif
#if __has_feature(thread_sanitizer) && !defined(SIM_CONTEXT_TSAN)
#error "ThreadSanitizer build without the fiber hooks (SIM_CONTEXT_TSAN)"
#endif
#endif

static void scoped(struct sim_task *t, void *arg)
{
	volatile char *keep = arg;

	for (int i = 0; i < 2; i++) {
		char buf[256];

		/* a scope left and entered again: its poison is in the
		 * shadow while the task is blocked */
		memset(buf, i, sizeof(buf));
		keep[i] = buf[i];
	}
	sim_task_set_daemon(t, true);
	{
		char inner[512];

		memset(inner, 1, sizeof(inner));
		keep[2] = inner[7];
		sim_task_block(t, NULL, "forever");
	}
	g_assert_not_reached();
}

static void quick(struct sim_task *t, void *arg)
{
	char buf[1024];

	(void)arg;
	memset(buf, 2, sizeof(buf));
	sim_task_sleep(t, (sim_time_t)buf[5]);
}

/* Worlds of 512 tasks abandoned mid-frame, freed, and new tasks mapped where
 * their stacks were: clean under every sanitizer. */
static void test_free_blocked_reuse(void)
{
	char keep[3];

	for (int round = 0; round < 3; round++) {
		struct sim_world *w = new_world(round, false);

		for (int i = 0; i < 512; i++)
			sim_task_spawn(w, round == 2 ? "quick" : "scoped",
				       round == 2 ? quick : scoped, keep);
		g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==,
				SIM_STOP_IDLE);
		g_assert_null(sim_world_deadlock_report(w));
		sim_world_free(w);
	}
	g_assert_cmpint(keep[2], ==, 1);
}

/* ---- private pointer and notes ------------------------------------------------ */

static void noter(struct sim_task *t, void *arg)
{
	sim_task_set_private(t, arg);
	for (int i = 0; i < 100; i++) {
		sim_task_note(t, "noter", "step", "obj", i);
		sim_task_sleep(t, 1);
	}
}

static void test_notes(void)
{
	struct sim_world *w = new_world(1, false);
	int cookie;
	struct sim_task *t = sim_task_spawn(w, "noter", noter, &cookie);
	struct sim_note out[SIM_NOTES + 1];
	unsigned n;

	g_assert_cmpuint(sim_task_notes(t, out, SIM_NOTES), ==, 0);
	sim_world_run(w, 10);   /* notes 0..9 at times 0..9 */
	g_assert_true(sim_task_get_private(t) == &cookie);
	n = sim_task_notes(t, out, SIM_NOTES);
	g_assert_cmpuint(n, ==, 10);
	for (unsigned i = 0; i < n; i++) {
		g_assert_cmpint(out[i].arg, ==, i);
		g_assert_cmpint(out[i].time, ==, i);
		g_assert_cmpstr(out[i].func, ==, "noter");
	}
	n = sim_task_notes(t, out, 3);   /* the newest three */
	g_assert_cmpuint(n, ==, 3);
	g_assert_cmpint(out[0].arg, ==, 7);
	g_assert_cmpint(out[2].arg, ==, 9);
	sim_world_run(w, SIM_TIME_MAX);
	n = sim_task_notes(t, out, SIM_NOTES + 1);
	g_assert_cmpuint(n, ==, SIM_NOTES);
	for (unsigned i = 0; i < n; i++)
		g_assert_cmpint(out[i].arg, ==, 100 - SIM_NOTES + i);
	sim_world_free(w);
}

/* ---- stack use: a task can use most of its stack ---------------------------- */

static unsigned recurse(unsigned depth)
{
	volatile char pad[512];

	pad[0] = (char)depth;
	if (depth == 0)
		return pad[0];
	return recurse(depth - 1) + pad[0];
}

static void deep(struct sim_task *t, void *arg)
{
	unsigned *out = arg;

	sim_task_sleep(t, 1);
	/* ~40 KiB of a 64 KiB stack */
	*out = recurse(70);
}

static void test_stack(void)
{
	struct sim_world *w = new_world(1, false);
	unsigned out = 0;

	sim_task_spawn(w, "deep", deep, &out);
	sim_world_run(w, SIM_TIME_MAX);
	g_assert_cmpuint(out, ==, 70 * 71 / 2);
	sim_world_free(w);
}

/* ---- failures: sim_bug and the guard page (in subprocesses) --------------- */

static void buggy(struct sim_task *t, void *arg)
{
	sim_task_sleep(t, 1234);
	SIM_BUG_ON(sim_task_now(t) == 1234);
}

static void test_bug_message(void)
{
	if (g_test_subprocess()) {
		struct sim_world *w = new_world(77, false);

		sim_task_spawn(w, "first", delayer, &(sim_time_t){ 0 });
		sim_task_spawn(w, "buggy", buggy, NULL);
		sim_world_run(w, SIM_TIME_MAX);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*BUG: *test-task.c:*: sim_task_now(t) == 1234*");
	g_test_trap_assert_stderr("*at sim time 1234 ns (seed 77, job 0)*");
	g_test_trap_assert_stderr("*in task buggy/1*");
}

static unsigned runaway(unsigned depth, unsigned limit)
{
	volatile char pad[256];

	pad[0] = (char)depth;
	if (depth == limit)   /* never: limit is far beyond any stack */
		return pad[0];
	return runaway(depth + 1, limit) + pad[0];
}

static void overflower(struct sim_task *t, void *arg)
{
	sim_task_sleep(t, 1);
	*(unsigned *)arg = runaway(0, 1u << 30);
}

static void test_guard_page(void)
{
	if (g_test_subprocess()) {
		struct sim_world *w = new_world(1, false);
		unsigned out;

		sim_task_spawn(w, "overflower", overflower, &out);
		sim_world_run(w, SIM_TIME_MAX);
		return;
	}
	/* Under ASan the overflow is reported instead of faulting; either
	 * way the process must die rather than run on. */
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/task/delay-sleep", test_delay_sleep);
	g_test_add_func("/task/run-until", test_run_until);
	g_test_add_func("/task/request-stop", test_request_stop);
	g_test_add_func("/task/many", test_many_tasks);
	g_test_add_func("/task/tie-shuffle", test_tie_shuffle_tasks);
	g_test_add_func("/task/nested-spawn", test_nested_spawn);
	g_test_add_func("/task/block-wake", test_block_wake);
	g_test_add_func("/task/free-blocked", test_free_blocked);
	g_test_add_func("/task/free-blocked-reuse", test_free_blocked_reuse);
	g_test_add_func("/task/notes", test_notes);
	g_test_add_func("/task/stack", test_stack);
	g_test_add_func("/task/bug-message", test_bug_message);
	g_test_add_func("/task/guard-page", test_guard_page);
	return g_test_run();
}
