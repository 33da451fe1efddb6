/* tests/sim/test-deadlock-basic.c — the wait-for graph without locks:
 * a completion cycle is found when it closes, reported (both tasks named,
 * the hook called once), the world stops for good and a fresh world runs
 * fine afterwards; "all tasks blocked" is found when the queue runs dry;
 * no false alarm while a blocker can still act; a long chain costs no
 * recursion; held locks appear in the report. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "sim/engine/internal.h"

struct hook_log {
	unsigned calls;
	char kind[32];
	char *report;
};

static void hook(void *ctx, struct sim_world *w, const char *kind,
		 const char *report)
{
	struct hook_log *h = ctx;

	h->calls++;
	g_strlcpy(h->kind, kind, sizeof(h->kind));
	g_free(h->report);
	h->report = g_strdup(report);
}

static struct sim_world *new_world(struct hook_log *h)
{
	struct sim_world_params p = { .seed = 42, .job = 3 };
	struct sim_world *w = sim_world_new(&p);

	sim_world_set_finding_hook(w, hook, h);
	return w;
}

/* ---- two tasks, two completions ------------------------------------------- */

struct cross {
	struct sim_completion a_done, b_done;
	int after_wait;
};

static void task_a(struct sim_task *t, void *arg)
{
	struct cross *x = arg;

	sim_task_sleep(t, 5);
	sim_wait_for_completion(t, &x->b_done, "task_a_wait");
	x->after_wait++;
	sim_complete(&x->a_done);
}

static void task_b(struct sim_task *t, void *arg)
{
	struct cross *x = arg;

	sim_task_sleep(t, 7);
	sim_wait_for_completion(t, &x->a_done, "task_b_wait");
	x->after_wait++;
	sim_complete(&x->b_done);
}

static void bystander(struct sim_task *t, void *arg)
{
	int *n = arg;

	for (;;) {
		sim_task_sleep(t, 3);
		++*n;
	}
}

static void test_completion_cycle(void)
{
	struct hook_log h = { 0 };
	struct sim_world *w = new_world(&h);
	struct cross x = { .after_wait = 0 };
	struct sim_task *a, *b;
	const char *r;
	int ticks = 0;

	sim_completion_init(&x.a_done, "a_done");
	sim_completion_init(&x.b_done, "b_done");
	a = sim_task_spawn(w, "alpha", task_a, &x);
	b = sim_task_spawn(w, "beta", task_b, &x);
	sim_task_spawn(w, "bystander", bystander, &ticks);
	sim_completion_set_signaller(&x.a_done, a);
	sim_completion_set_signaller(&x.b_done, b);

	/* The bystander keeps events coming: only the cycle check can see
	 * this deadlock, at the moment beta blocks (t = 7). */
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_DEADLOCK);
	g_assert_cmpint(sim_world_now(w), ==, 7);
	g_assert_cmpint(x.after_wait, ==, 0);
	g_assert_cmpuint(h.calls, ==, 1);
	g_assert_cmpstr(h.kind, ==, "deadlock");
	r = sim_world_deadlock_report(w);
	g_assert_nonnull(r);
	g_assert_cmpstr(r, ==, h.report);
	if (g_test_verbose())
		g_printerr("%s", r);
	g_assert_nonnull(strstr(r, "DEADLOCK: wait-for cycle of 2 tasks"));
	g_assert_nonnull(strstr(r, "cycle: beta/1 -> alpha/0 -> beta/1"));
	g_assert_nonnull(strstr(r, "task alpha/0 blocked in task_a_wait"));
	g_assert_nonnull(strstr(r, "task beta/1 blocked in task_b_wait"));
	g_assert_nonnull(strstr(r, "completion a_done"));
	g_assert_nonnull(strstr(r, "completion b_done"));
	g_assert_nonnull(strstr(r, "seed 42, job 3"));
	g_assert_null(strstr(r, "bystander"));
	g_assert_true(sim_task_waiting_on(a) == &x.b_done.wo);
	g_assert_true(sim_task_waiting_on(b) == &x.a_done.wo);

	/* a dead world stays dead, and reports once */
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_DEADLOCK);
	g_assert_cmpint(sim_world_now(w), ==, 7);
	g_assert_cmpuint(h.calls, ==, 1);
	sim_world_free(w);
	g_free(h.report);
}

/* After a deadlock the process carries on: a fresh world works. */
static void test_fresh_world_after(void)
{
	struct hook_log h = { 0 };
	struct sim_world *w = new_world(&h);
	struct cross x = { .after_wait = 0 };
	struct sim_task *a, *b;

	sim_completion_init(&x.a_done, "a_done");
	sim_completion_init(&x.b_done, "b_done");
	a = sim_task_spawn(w, "alpha", task_a, &x);
	b = sim_task_spawn(w, "beta", task_b, &x);
	sim_completion_set_signaller(&x.a_done, a);
	sim_completion_set_signaller(&x.b_done, b);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_DEADLOCK);
	sim_world_free(w);

	/* same tasks, but someone breaks the cycle first */
	w = new_world(&h);
	sim_completion_init(&x.a_done, "a_done");
	sim_completion_init(&x.b_done, "b_done");
	x.after_wait = 0;
	a = sim_task_spawn(w, "alpha", task_a, &x);
	b = sim_task_spawn(w, "beta", task_b, &x);
	sim_completion_set_signaller(&x.a_done, a);
	sim_completion_set_signaller(&x.b_done, b);
	sim_complete(&x.b_done);   /* alpha will pass, then complete a_done */
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpint(x.after_wait, ==, 2);
	g_assert_null(sim_world_deadlock_report(w));
	g_assert_cmpuint(h.calls, ==, 1);
	sim_world_free(w);
	g_free(h.report);
}

/* ---- all tasks blocked ------------------------------------------------------- */

struct orphan {
	struct sim_completion never;
};

static void orphan_waiter(struct sim_task *t, void *arg)
{
	struct orphan *o = arg;

	sim_task_sleep(t, 100 * (sim_task_id(t) + 1));
	sim_wait_for_completion(t, &o->never, "orphan_waiter");
	g_assert_not_reached();
}

static void quitter(struct sim_task *t, void *arg)
{
	sim_task_sleep(t, 1000);
}

static void test_all_blocked(void)
{
	struct hook_log h = { 0 };
	struct sim_world *w = new_world(&h);
	struct orphan o;
	const char *r;

	/* no signaller known: the cycle check cannot see it */
	sim_completion_init(&o.never, "never");
	sim_task_spawn(w, "orphan", orphan_waiter, &o);
	sim_task_spawn(w, "orphan", orphan_waiter, &o);
	sim_task_spawn(w, "quitter", quitter, NULL);
	g_assert_cmpint(sim_world_run(w, 500), ==, SIM_STOP_TIME);
	g_assert_cmpuint(h.calls, ==, 0);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_DEADLOCK);
	g_assert_cmpint(sim_world_now(w), ==, 1000);   /* the last event */
	g_assert_cmpuint(h.calls, ==, 1);
	r = sim_world_deadlock_report(w);
	if (g_test_verbose())
		g_printerr("%s", r);
	g_assert_nonnull(strstr(r, "no event pending, all 2 live tasks blocked"));
	g_assert_nonnull(strstr(r, "task orphan/0 blocked in orphan_waiter since 0.000000100s"));
	g_assert_nonnull(strstr(r, "task orphan/1 blocked in orphan_waiter since 0.000000200s"));
	g_assert_null(strstr(r, "quitter"));
	sim_world_free(w);
	g_free(h.report);
}

/* ---- a custom waitobj: "lock" held by a task ---------------------------------- */

struct fake_lock {
	struct sim_waitobj wo;
	struct sim_task *holder;
	struct sim_waitq q;
};

static void fake_blockers(const struct sim_waitobj *o,
			  const struct sim_task *waiter, sim_blocker_fn fn,
			  void *ctx)
{
	const struct fake_lock *l = container_of(o, struct fake_lock, wo);

	if (l->holder)
		fn(l->holder, ctx);
}

static const struct sim_waitobj_ops fake_ops = {
	.kind = "fake",
	.for_each_blocker = fake_blockers,
	/* no describe: the report falls back to kind and name */
};

static void fake_init(struct fake_lock *l, const char *name)
{
	l->wo.ops = &fake_ops;
	l->wo.name = name;
	l->holder = NULL;
	sim_waitq_init(&l->q);
}

/* lock.c's bookkeeping, faked just enough for the report */
static void fake_acquire(struct sim_task *t, struct fake_lock *l,
			 unsigned class_id, const char *ip)
{
	while (l->holder)
		sim_waitq_sleep(t, &l->q, &l->wo, ip);
	l->holder = t;
	t->held[t->nheld++] = (struct sim_held_lock){
		.instance = l, .wo = &l->wo, .class_id = class_id,
		.shared = false, .ip = ip, .acquired_at = sim_task_now(t),
		.task = t,
	};
}

static void fake_release(struct sim_task *t, struct fake_lock *l)
{
	l->holder = NULL;
	t->nheld--;
	sim_waitq_wake_one(&l->q);
}

struct ring {
	unsigned n;
	struct fake_lock locks[5000];
	unsigned passed;
};

/* Task i takes lock i, then lock i+1 (mod n): the classic ABBA, n-wide. */
static void ring_task(struct sim_task *t, void *arg)
{
	struct ring *r = arg;
	unsigned i = sim_task_id(t);

	fake_acquire(t, &r->locks[i], 0, "ring_task_first");
	sim_task_delay(t, 10);
	fake_acquire(t, &r->locks[(i + 1) % r->n], 1, "ring_task_second");
	r->passed++;
	fake_release(t, &r->locks[(i + 1) % r->n]);
	fake_release(t, &r->locks[i]);
}

static struct sim_world *ring_world(struct hook_log *h, struct ring *r,
				    unsigned n)
{
	struct sim_world *w = new_world(h);

	w->classes[0].name = "first_lock";
	w->classes[1].name = "second_lock";
	w->nclasses = 2;
	r->n = n;
	r->passed = 0;
	for (unsigned i = 0; i < n; i++)
		fake_init(&r->locks[i], "ring_lock");
	for (unsigned i = 0; i < n; i++)
		sim_task_spawn(w, "ring", ring_task, r);
	return w;
}

static void test_ring_with_locks(void)
{
	struct hook_log h = { 0 };
	struct ring *r = g_new0(struct ring, 1);
	struct sim_world *w = ring_world(&h, r, 3);
	const char *rep;

	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_DEADLOCK);
	rep = sim_world_deadlock_report(w);
	if (g_test_verbose())
		g_printerr("%s", rep);
	g_assert_nonnull(strstr(rep, "wait-for cycle of 3 tasks"));
	g_assert_nonnull(strstr(rep, "cycle: ring/2 -> ring/0 -> ring/1 -> ring/2"));
	g_assert_nonnull(strstr(rep, "waits on fake ring_lock"));
	g_assert_nonnull(strstr(rep, "holds 1 lock:\n   #0: first_lock (w) at ring_task_first, since 0.000000000s"));
	g_assert_cmpuint(r->passed, ==, 0);
	sim_world_free(w);

	/* 5000 wide: the search is a work list, not recursion on a 64 KiB
	 * task stack */
	w = ring_world(&h, r, 5000);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_DEADLOCK);
	g_assert_nonnull(strstr(sim_world_deadlock_report(w),
				"wait-for cycle of 5000 tasks"));
	sim_world_free(w);
	g_free(h.report);
	g_free(r);
}

/* Contention and waits on tasks that can still act are no deadlock. */
static void contender(struct sim_task *t, void *arg)
{
	struct ring *r = arg;

	fake_acquire(t, &r->locks[0], 0, "contender");
	sim_task_delay(t, 10);
	r->passed++;
	fake_release(t, &r->locks[0]);
}

static void slow_signaller(struct sim_task *t, void *arg)
{
	struct cross *x = arg;

	sim_task_sleep(t, 1000);   /* runnable the whole time: no edge out */
	sim_complete_all(&x->a_done);
}

static void patient(struct sim_task *t, void *arg)
{
	struct cross *x = arg;

	sim_wait_for_completion(t, &x->a_done, "patient");
	x->after_wait++;
}

static void test_no_false_alarm(void)
{
	struct hook_log h = { 0 };
	struct ring *r = g_new0(struct ring, 1);
	struct sim_world *w = new_world(&h);
	struct cross x = { .after_wait = 0 };
	struct sim_task *sig;

	fake_init(&r->locks[0], "solo");
	for (int i = 0; i < 20; i++)
		sim_task_spawn(w, "contender", contender, r);
	sim_completion_init(&x.a_done, "slow");
	sig = sim_task_spawn(w, "signaller", slow_signaller, &x);
	sim_completion_set_signaller(&x.a_done, sig);
	for (int i = 0; i < 5; i++)
		sim_task_spawn(w, "patient", patient, &x);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(r->passed, ==, 20);
	g_assert_cmpint(x.after_wait, ==, 5);
	g_assert_cmpuint(h.calls, ==, 0);
	sim_world_free(w);
	g_free(r);
}

/* Taking a non-recursive lock twice: a cycle of one. */
static void twice(struct sim_task *t, void *arg)
{
	struct ring *r = arg;

	fake_acquire(t, &r->locks[0], 0, "twice_outer");
	fake_acquire(t, &r->locks[0], 0, "twice_inner");
	g_assert_not_reached();
}

static void test_self_deadlock(void)
{
	struct hook_log h = { 0 };
	struct ring *r = g_new0(struct ring, 1);
	struct sim_world *w = new_world(&h);
	const char *rep;

	w->classes[0].name = "i_mutex";
	w->nclasses = 1;
	fake_init(&r->locks[0], "i_mutex");
	sim_task_spawn(w, "twice", twice, r);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_DEADLOCK);
	rep = sim_world_deadlock_report(w);
	g_assert_nonnull(strstr(rep, "wait-for cycle of 1 task\n"));
	g_assert_nonnull(strstr(rep, "cycle: twice/0 -> twice/0"));
	g_assert_nonnull(strstr(rep, "blocked in twice_inner"));
	g_assert_nonnull(strstr(rep, "#0: i_mutex (w) at twice_outer"));
	g_assert_cmpuint(h.calls, ==, 1);
	sim_world_free(w);
	g_free(h.report);
	g_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/deadlock/completion-cycle", test_completion_cycle);
	g_test_add_func("/deadlock/fresh-world-after", test_fresh_world_after);
	g_test_add_func("/deadlock/all-blocked", test_all_blocked);
	g_test_add_func("/deadlock/ring-with-locks", test_ring_with_locks);
	g_test_add_func("/deadlock/no-false-alarm", test_no_false_alarm);
	g_test_add_func("/deadlock/self", test_self_deadlock);
	return g_test_run();
}
