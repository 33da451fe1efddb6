/* tests/sim/test-mutex.c — struct mutex: FIFO hand-off, trylock, state
 * queries, lock_stat figures, per-task notes and tracer spans. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "sim/engine/sim.h"

struct grant {
	unsigned task;
	sim_time_t time;
};

struct mx {
	struct sim_mutex m;
	struct grant log[16];
	unsigned nlog;
	bool checked;
	struct sim_task *tasks[4];
};

static void logged_lock(struct sim_task *t, struct mx *x, const char *ip)
{
	sim_mutex_lock(t, &x->m, ip);
	g_assert_true(sim_mutex_held_by(&x->m, t));
	g_assert_cmpuint(x->nlog, <, G_N_ELEMENTS(x->log));
	x->log[x->nlog].task = sim_task_id(t);
	x->log[x->nlog].time = sim_task_now(t);
	x->nlog++;
}

static struct sim_world *new_world(void)
{
	struct sim_world_params p = { .seed = 7, .job = 0 };

	return sim_world_new(&p);
}

/* ---- FIFO ------------------------------------------------------------------ */

/* Task i asks at time i and holds 10: grants at 0, 10, 20, 30 in id order,
 * waits 0, 9, 18, 27. */
static void fifo_task(struct sim_task *t, void *arg)
{
	struct mx *x = arg;

	sim_task_sleep(t, sim_task_id(t));
	logged_lock(t, x, "fifo_task");
	sim_task_sleep(t, 10);
	sim_mutex_unlock(t, &x->m);
}

static void fifo_checker(struct sim_task *t, void *arg)
{
	struct mx *x = arg;
	const struct sim_waitobj *o = &x->m.wo;
	char buf[160];

	sim_task_sleep(t, 5);
	/* task 0 owns it; 1, 2, 3 wait in that order */
	g_assert_true(sim_mutex_is_locked(&x->m));
	g_assert_true(sim_mutex_held_by(&x->m, x->tasks[0]));
	g_assert_false(sim_mutex_held_by(&x->m, x->tasks[1]));
	o->ops->describe(o, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==,
			"mutex fifo_mutex: owner f0/0 since 0 ns (at fifo_task), "
			"3 waiting");
	g_assert_true(sim_task_waiting_on(x->tasks[2]) == o);
	x->checked = true;
}

static void test_fifo(void)
{
	struct sim_world *w = new_world();
	struct mx *x = g_new0(struct mx, 1);
	const struct sim_lock_stats *st;
	unsigned i;

	sim_mutex_init(w, &x->m, "fifo_mutex");
	for (i = 0; i < 4; i++) {
		char name[8];

		g_snprintf(name, sizeof(name), "f%u", i);
		x->tasks[i] = sim_task_spawn(w, name, fifo_task, x);
	}
	sim_task_spawn(w, "checker", fifo_checker, x);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_true(x->checked);
	g_assert_cmpuint(x->nlog, ==, 4);
	for (i = 0; i < 4; i++) {
		g_assert_cmpuint(x->log[i].task, ==, i);
		g_assert_cmpint(x->log[i].time, ==, 10 * i);
	}
	g_assert_false(sim_mutex_is_locked(&x->m));

	st = sim_lock_class_stats(w, x->m.dep.class_id);
	g_assert_cmpuint(st->acquisitions, ==, 4);
	g_assert_cmpuint(st->acquisitions_read, ==, 0);
	g_assert_cmpuint(st->contentions, ==, 3);
	g_assert_cmpfloat(st->wait.sum, ==, 9 + 18 + 27);
	g_assert_cmpint(st->wait.min, ==, 9);
	g_assert_cmpint(st->wait.max, ==, 27);
	g_assert_cmpuint(st->hold.count, ==, 4);
	g_assert_cmpfloat(st->hold.sum, ==, 40);
	sim_world_free(w);
	g_free(x);
}

/* ---- hand-off: an unlocker that relocks at once queues behind ------------- */

static void handoff_a(struct sim_task *t, void *arg)
{
	struct mx *x = arg;

	logged_lock(t, x, "handoff_a");
	sim_task_sleep(t, 10);
	sim_mutex_unlock(t, &x->m);
	/* Already B's: handed off at unlock, before B has even run. */
	g_assert_true(sim_mutex_is_locked(&x->m));
	g_assert_true(sim_mutex_held_by(&x->m, x->tasks[1]));
	g_assert_false(sim_mutex_trylock(t, &x->m, "handoff_a"));
	logged_lock(t, x, "handoff_a");
	sim_mutex_unlock(t, &x->m);
	x->checked = true;
}

static void handoff_b(struct sim_task *t, void *arg)
{
	struct mx *x = arg;

	sim_task_sleep(t, 1);
	logged_lock(t, x, "handoff_b");
	sim_task_sleep(t, 10);
	sim_mutex_unlock(t, &x->m);
}

static void test_handoff(void)
{
	struct sim_world *w = new_world();
	struct mx *x = g_new0(struct mx, 1);

	sim_mutex_init(w, &x->m, "handoff_mutex");
	x->tasks[0] = sim_task_spawn(w, "a", handoff_a, x);
	x->tasks[1] = sim_task_spawn(w, "b", handoff_b, x);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_true(x->checked);
	g_assert_cmpuint(x->nlog, ==, 3);
	g_assert_cmpuint(x->log[0].task, ==, 0);
	g_assert_cmpint(x->log[0].time, ==, 0);
	g_assert_cmpuint(x->log[1].task, ==, 1);
	g_assert_cmpint(x->log[1].time, ==, 10);
	g_assert_cmpuint(x->log[2].task, ==, 0);
	g_assert_cmpint(x->log[2].time, ==, 20);
	sim_world_free(w);
	g_free(x);
}

/* ---- trylock ------------------------------------------------------------------ */

static void try_holder(struct sim_task *t, void *arg)
{
	struct mx *x = arg;

	g_assert_true(sim_mutex_trylock(t, &x->m, "try_holder"));
	g_assert_true(sim_mutex_held_by(&x->m, t));
	sim_task_sleep(t, 10);
	sim_mutex_unlock(t, &x->m);
}

static void try_other(struct sim_task *t, void *arg)
{
	struct mx *x = arg;
	struct sim_note notes[SIM_NOTES];
	unsigned n;

	sim_task_sleep(t, 5);
	g_assert_false(sim_mutex_trylock(t, &x->m, "try_other"));
	n = sim_task_notes(t, notes, SIM_NOTES);
	g_assert_cmpuint(n, >=, 1);
	g_assert_cmpstr(notes[n - 1].what, ==, "trylock-fail");
	g_assert_cmpstr(notes[n - 1].obj, ==, "try_mutex");
	sim_task_sleep(t, 10);
	g_assert_false(sim_mutex_is_locked(&x->m));
	g_assert_true(sim_mutex_trylock(t, &x->m, "try_other"));
	sim_mutex_unlock(t, &x->m);
	x->checked = true;
}

static void test_trylock(void)
{
	struct sim_world *w = new_world();
	struct mx *x = g_new0(struct mx, 1);
	const struct sim_lock_stats *st;

	sim_mutex_init(w, &x->m, "try_mutex");
	sim_task_spawn(w, "holder", try_holder, x);
	sim_task_spawn(w, "other", try_other, x);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_true(x->checked);
	st = sim_lock_class_stats(w, x->m.dep.class_id);
	g_assert_cmpuint(st->acquisitions, ==, 2);
	g_assert_cmpuint(st->contentions, ==, 0);
	sim_world_free(w);
	g_free(x);
}

/* ---- notes and tracer spans ------------------------------------------------------ */

struct spans {
	char log[32][48];
	unsigned n;
};

static void tracer(void *ctx, const struct sim_trace_rec *r)
{
	struct spans *s = ctx;
	static const char *const kind[] = { "B", "E", "I" };

	if (strncmp(r->cat, "lock-", 5) != 0 || s->n >= G_N_ELEMENTS(s->log))
		return;
	g_snprintf(s->log[s->n++], sizeof(s->log[0]), "%lld %u %s %s %s",
		   (long long)r->time, r->task, kind[r->kind], r->cat,
		   r->name);
}

static void note_waiter(struct sim_task *t, void *arg)
{
	struct mx *x = arg;
	struct sim_note notes[SIM_NOTES];
	unsigned n;

	sim_task_sleep(t, 1);
	sim_mutex_lock(t, &x->m, "note_waiter");
	sim_task_sleep(t, 3);
	sim_mutex_unlock(t, &x->m);
	n = sim_task_notes(t, notes, SIM_NOTES);
	g_assert_cmpuint(n, >=, 3);
	g_assert_cmpstr(notes[n - 3].what, ==, "wait");
	g_assert_cmpstr(notes[n - 3].func, ==, "note_waiter");
	g_assert_cmpstr(notes[n - 3].obj, ==, "note_mutex");
	g_assert_cmpint(notes[n - 3].time, ==, 1);
	g_assert_cmpstr(notes[n - 2].what, ==, "acquire");
	g_assert_cmpint(notes[n - 2].time, ==, 10);
	g_assert_cmpint(notes[n - 2].arg, ==, 9);        /* waited */
	g_assert_cmpstr(notes[n - 1].what, ==, "release");
	g_assert_cmpstr(notes[n - 1].func, ==, "mutex_unlock");
	g_assert_cmpint(notes[n - 1].arg, ==, 3);        /* held */
	x->checked = true;
}

static void note_holder(struct sim_task *t, void *arg)
{
	struct mx *x = arg;

	sim_mutex_lock(t, &x->m, "note_holder");
	sim_task_sleep(t, 10);
	sim_mutex_unlock(t, &x->m);
}

static void test_notes_and_spans(void)
{
	struct sim_world *w = new_world();
	struct mx *x = g_new0(struct mx, 1);
	struct spans *s = g_new0(struct spans, 1);
	static const char *const want[] = {
		"0 0 B lock-hold note_mutex",
		"1 1 B lock-wait note_mutex",
		"10 0 E lock-hold note_mutex",
		"10 1 E lock-wait note_mutex",
		"10 1 B lock-hold note_mutex",
		"13 1 E lock-hold note_mutex",
	};
	unsigned i;

	sim_world_set_tracer(w, tracer, s);
	sim_mutex_init(w, &x->m, "note_mutex");
	sim_task_spawn(w, "holder", note_holder, x);
	sim_task_spawn(w, "waiter", note_waiter, x);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_true(x->checked);
	g_assert_cmpuint(s->n, ==, G_N_ELEMENTS(want));
	for (i = 0; i < G_N_ELEMENTS(want); i++)
		g_assert_cmpstr(s->log[i], ==, want[i]);
	sim_world_free(w);
	g_free(x);
	g_free(s);
}

/* ---- classes ------------------------------------------------------------------------ */

static void test_classes(void)
{
	struct sim_world *w = new_world();
	struct sim_mutex a, b, c;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	sim_mutex_init(w, &a, "inode_mutex");
	sim_mutex_init(w, &b, "inode_mutex");
	sim_mutex_init(w, &c, "other_mutex");
	g_assert_cmpuint(a.dep.class_id, ==, b.dep.class_id);
	g_assert_cmpuint(a.dep.class_id, !=, c.dep.class_id);
	g_assert_cmpuint(sim_lock_class_count(w), ==, 2);
	g_assert_cmpuint(sim_lock_class(w, "other_mutex"), ==, c.dep.class_id);

	f = open_memstream(&out, &len);
	sim_lock_stat_print(w, f);
	fclose(f);
	g_assert_nonnull(strstr(out, "inode_mutex:"));
	g_assert_nonnull(strstr(out, "holdtime-avg"));
	free(out);
	sim_world_free(w);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/mutex/fifo", test_fifo);
	g_test_add_func("/mutex/handoff", test_handoff);
	g_test_add_func("/mutex/trylock", test_trylock);
	g_test_add_func("/mutex/notes-and-spans", test_notes_and_spans);
	g_test_add_func("/mutex/classes", test_classes);
	return g_test_run();
}
