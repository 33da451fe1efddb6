/* tests/sim/test-waitq.c — wait queues (FIFO wake-ups, wait_event
 * re-checks its condition) and completions (done counting, complete vs
 * complete_all, reinit). */
#include "config.h"

#include <glib.h>

#include "sim/engine/internal.h"

static struct sim_world *new_world(void)
{
	struct sim_world_params p = { .seed = 1 };

	return sim_world_new(&p);
}

/* ---- wait queues ------------------------------------------------------------ */

struct wq_state {
	struct sim_waitq q;
	struct sim_waitobj wo;
	unsigned order[64];
	sim_time_t when[64];
	unsigned n;
	int cond;
	unsigned sleeps[64];
};

static void wq_sleeper(struct sim_task *t, void *arg)
{
	struct wq_state *s = arg;

	sim_task_sleep(t, sim_task_id(t));   /* arrive in id order */
	sim_waitq_sleep(t, &s->q, &s->wo, "wq_sleeper");
	s->when[s->n] = sim_task_now(t);
	s->order[s->n++] = sim_task_id(t);
}

static void wq_waker_one(struct sim_task *t, void *arg)
{
	struct wq_state *s = arg;

	sim_task_sleep(t, 100);
	g_assert_true(sim_waitq_active(&s->q));
	while (sim_waitq_wake_one(&s->q))
		sim_task_sleep(t, 10);
	g_assert_false(sim_waitq_active(&s->q));
	g_assert_false(sim_waitq_wake_one(&s->q));
}

static void test_wake_one_fifo(void)
{
	struct sim_world *w = new_world();
	struct wq_state s = { .wo = { .name = "wq" } };
	const unsigned n = 8;

	sim_waitq_init(&s.q);
	for (unsigned i = 0; i < n; i++)
		sim_task_spawn(w, "sleeper", wq_sleeper, &s);
	sim_task_spawn(w, "waker", wq_waker_one, &s);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(s.n, ==, n);
	for (unsigned i = 0; i < n; i++) {
		g_assert_cmpuint(s.order[i], ==, i);
		g_assert_cmpint(s.when[i], ==, 100 + 10 * i);
	}
	sim_world_free(w);
}

static void wq_waker_all(struct sim_task *t, void *arg)
{
	struct wq_state *s = arg;

	sim_task_sleep(t, 100);
	g_assert_cmpuint(sim_waitq_wake_all(&s->q), ==, 8);
	g_assert_cmpuint(sim_waitq_wake_all(&s->q), ==, 0);
}

static void test_wake_all(void)
{
	struct sim_world *w = new_world();
	struct wq_state s = { .wo = { .name = "wq" } };

	sim_waitq_init(&s.q);
	for (unsigned i = 0; i < 8; i++)
		sim_task_spawn(w, "sleeper", wq_sleeper, &s);
	sim_task_spawn(w, "waker", wq_waker_all, &s);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(s.n, ==, 8);
	for (unsigned i = 0; i < 8; i++) {
		g_assert_cmpuint(s.order[i], ==, i);
		g_assert_cmpint(s.when[i], ==, 100);
	}
	sim_world_free(w);
}

static void we_waiter(struct sim_task *t, void *arg)
{
	struct wq_state *s = arg;
	unsigned id = sim_task_id(t);

	/* count how often the wait went to sleep */
	while (!(s->cond >= 3)) {
		s->sleeps[id]++;
		sim_waitq_sleep(t, &s->q, &s->wo, __func__);
	}
	s->order[s->n++] = id;
}

static void we_waiter_macro(struct sim_task *t, void *arg)
{
	struct wq_state *s = arg;

	sim_wait_event(t, &s->q, &s->wo, s->cond >= 3);
	g_assert_cmpint(s->cond, >=, 3);
	s->order[s->n++] = sim_task_id(t);
}

static void we_bumper(struct sim_task *t, void *arg)
{
	struct wq_state *s = arg;

	for (int i = 0; i < 3; i++) {
		sim_task_sleep(t, 10);
		s->cond++;
		/* every waker re-evaluates; only the last one finds it true */
		sim_waitq_wake_all(&s->q);
	}
}

static void test_wait_event(void)
{
	struct sim_world *w = new_world();
	struct wq_state s = { .wo = { .name = "wq" } };

	sim_waitq_init(&s.q);
	sim_task_spawn(w, "w0", we_waiter, &s);
	sim_task_spawn(w, "w1", we_waiter_macro, &s);
	sim_task_spawn(w, "bumper", we_bumper, &s);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(s.n, ==, 2);
	g_assert_cmpuint(s.sleeps[0], ==, 3);
	g_assert_cmpint(sim_world_now(w), ==, 30);
	sim_world_free(w);
}

/* ---- completions ------------------------------------------------------------- */

struct comp_state {
	struct sim_completion c;
	unsigned passed;
	sim_time_t when[16];
	struct sim_task *waiter0;
	bool saw_waiting_on;
};

static void comp_waiter(struct sim_task *t, void *arg)
{
	struct comp_state *s = arg;

	sim_wait_for_completion(t, &s->c, "comp_waiter");
	s->when[s->passed++] = sim_task_now(t);
}

static void comp_signaller(struct sim_task *t, void *arg)
{
	struct comp_state *s = arg;

	sim_task_sleep(t, 10);
	s->saw_waiting_on = sim_task_waiting_on(s->waiter0) == &s->c.wo;
	sim_complete(&s->c);        /* one waiter */
	sim_task_sleep(t, 10);
	sim_complete(&s->c);        /* another */
	sim_task_sleep(t, 10);
	g_assert_cmpuint(s->passed, ==, 2);
	sim_complete_all(&s->c);    /* the rest, and all future waiters */
}

static void test_completion(void)
{
	struct sim_world *w = new_world();
	struct comp_state s = { 0 };
	struct sim_task *sig;

	sim_completion_init(&s.c, "done");
	s.waiter0 = sim_task_spawn(w, "waiter", comp_waiter, &s);
	for (int i = 0; i < 3; i++)
		sim_task_spawn(w, "waiter", comp_waiter, &s);
	sig = sim_task_spawn(w, "signaller", comp_signaller, &s);
	sim_completion_set_signaller(&s.c, sig);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_true(s.saw_waiting_on);
	g_assert_cmpuint(s.passed, ==, 4);
	g_assert_cmpint(s.when[0], ==, 10);
	g_assert_cmpint(s.when[1], ==, 20);
	g_assert_cmpint(s.when[2], ==, 30);
	g_assert_cmpint(s.when[3], ==, 30);

	/* after complete_all, waiting does not block */
	sim_task_spawn(w, "late", comp_waiter, &s);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(s.passed, ==, 5);
	g_assert_cmpint(s.when[4], ==, 30);
	sim_world_free(w);
}

static void comp_early(struct sim_task *t, void *arg)
{
	struct comp_state *s = arg;

	/* done counts: two completions before anyone waits let two through */
	sim_complete(&s->c);
	sim_complete(&s->c);
	sim_wait_for_completion(t, &s->c, "comp_early");
	sim_wait_for_completion(t, &s->c, "comp_early");
	g_assert_cmpuint(s->c.done, ==, 0);
	s->passed++;
	sim_completion_reinit(&s->c);
	sim_complete(&s->c);
	sim_completion_reinit(&s->c);
	g_assert_cmpuint(s->c.done, ==, 0);
	s->passed++;
}

static void test_completion_counts(void)
{
	struct sim_world *w = new_world();
	struct comp_state s = { 0 };

	sim_completion_init(&s.c, "early");
	sim_task_spawn(w, "early", comp_early, &s);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(s.passed, ==, 2);
	sim_world_free(w);
}

static void test_completion_describe(void)
{
	struct sim_completion c;
	char buf[128];

	sim_completion_init(&c, "commit_done");
	g_assert_cmpstr(c.wo.ops->kind, ==, "completion");
	c.wo.ops->describe(&c.wo, buf, sizeof(buf));
	g_assert_nonnull(strstr(buf, "commit_done"));
	g_assert_nonnull(strstr(buf, "signaller unknown"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/waitq/wake-one-fifo", test_wake_one_fifo);
	g_test_add_func("/waitq/wake-all", test_wake_all);
	g_test_add_func("/waitq/wait-event", test_wait_event);
	g_test_add_func("/waitq/completion", test_completion);
	g_test_add_func("/waitq/completion-counts", test_completion_counts);
	g_test_add_func("/waitq/completion-describe", test_completion_describe);
	return g_test_run();
}
