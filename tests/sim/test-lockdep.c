/* tests/sim/test-lockdep.c — dependency recording and lockdep's reports.
 *
 * The scenarios take locks one task after another (never concurrently),
 * so nothing deadlocks: lockdep must find the inversions from the order
 * alone, as the kernel's does.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "sim/engine/sim.h"

struct findings {
	unsigned n;
	char *kind;
	char *report;
};

static void on_finding(void *ctx, struct sim_world *w, const char *kind,
		       const char *report)
{
	struct findings *f = ctx;

	f->n++;
	if (f->n == 1) {
		f->kind = g_strdup(kind);
		f->report = g_strdup(report);
	}
}

static void findings_clear(struct findings *f)
{
	g_free(f->kind);
	g_free(f->report);
}

#define NLOCKS 6

struct scene {
	struct sim_mutex m[NLOCKS];
	struct sim_rwsem s[2];
	struct sim_lockdep_map handle_map;
	int journal;   /* the pseudo-lock's instance */
	/* a script per task: lock indices to take in order, -1 terminated */
	int order[4][6];
	unsigned start[4];
};

/* Takes the locks of its script in order (index >= 100: trylock of
 * index - 100), holds them 1 ns, releases in reverse order. */
static void scripted(struct sim_task *t, void *arg)
{
	struct scene *sc = arg;
	const int *o = sc->order[sim_task_id(t)];
	unsigned n = 0, i;

	sim_task_sleep(t, sc->start[sim_task_id(t)]);
	for (n = 0; o[n] >= 0; n++) {
		if (o[n] >= 100)
			g_assert_true(sim_mutex_trylock(t, &sc->m[o[n] - 100],
							"scripted_try"));
		else
			sim_mutex_lock(t, &sc->m[o[n]], "scripted");
	}
	sim_task_sleep(t, 1);
	for (i = n; i-- > 0;)
		sim_mutex_unlock(t, &sc->m[o[i] % 100]);
}

static void set_order(struct scene *sc, unsigned task, const int *o)
{
	unsigned i = 0;

	do
		sc->order[task][i] = o[i];
	while (o[i++] >= 0);
}

static struct sim_world *scene_world(struct scene *sc, struct findings *f,
				     const char *const *names)
{
	struct sim_world_params p = { .seed = 3 };
	struct sim_world *w = sim_world_new(&p);
	unsigned i;

	sim_world_set_finding_hook(w, on_finding, f);
	for (i = 0; i < NLOCKS && names[i]; i++)
		sim_mutex_init(w, &sc->m[i], names[i]);
	return w;
}

static void run_scripts(struct sim_world *w, struct scene *sc, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		char name[8];

		g_snprintf(name, sizeof(name), "t%u", i);
		sc->start[i] = 10 * i;
		sim_task_spawn(w, name, scripted, sc);
	}
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
}

static void assert_has(const char *report, const char *needle)
{
	if (!strstr(report, needle))
		g_error("report lacks \"%s\":\n%s", needle, report);
}

static void test_abba(void)
{
	static const char *const names[] = { "abba_a", "abba_b", NULL };
	struct scene *sc = g_new0(struct scene, 1);
	struct findings f = { 0 };
	struct sim_world *w = scene_world(sc, &f, names);
	const int o[2][3] = { { 0, 1, -1 }, { 1, 0, -1 } };

	set_order(sc, 0, o[0]);
	set_order(sc, 1, o[1]);
	run_scripts(w, sc, 2);

	g_assert_cmpuint(f.n, ==, 1);
	g_assert_cmpstr(f.kind, ==, "lock_order");
	g_assert_cmpstr(f.report, ==, sim_lockdep_report(w));
	if (g_test_verbose())
		g_test_message("%s", f.report);
	assert_has(f.report,
		   "WARNING: possible circular locking dependency detected");
	assert_has(f.report, "t1/1 is trying to acquire lock:\n"
		   " (abba_a){+.+.}, at: scripted\n");
	assert_has(f.report, "but task is already holding lock:\n"
		   " (abba_b){+.+.}, at: scripted\n");
	assert_has(f.report, "which lock already depends on the new lock.");
	assert_has(f.report,
		   "the existing dependency chain (in reverse order) is:");
	assert_has(f.report, "-> #1 (abba_b){+.+.}:");
	assert_has(f.report, "-> #0 (abba_a){+.+.}:");
	assert_has(f.report, "first seen in t0/0");
	assert_has(f.report, "other info that might help us debug this:");
	assert_has(f.report, "       CPU0                    CPU1\n"
		   "       ----                    ----\n"
		   "  lock(abba_b);\n"
		   "                               lock(abba_a);\n"
		   "                               lock(abba_b);\n"
		   "  lock(abba_a);\n");
	assert_has(f.report, "*** DEADLOCK ***");
	assert_has(f.report, "1 lock held by t1/1:\n #0:  (abba_b)");
	g_assert_null(strstr(f.report, "Chain exists of"));
	sim_world_free(w);
	findings_clear(&f);
	g_free(sc);
}

static void test_three_lock_cycle(void)
{
	static const char *const names[] = { "c_a", "c_b", "c_c", NULL };
	struct scene *sc = g_new0(struct scene, 1);
	struct findings f = { 0 };
	struct sim_world *w = scene_world(sc, &f, names);
	const int o[3][3] = { { 0, 1, -1 }, { 1, 2, -1 }, { 2, 0, -1 } };

	set_order(sc, 0, o[0]);
	set_order(sc, 1, o[1]);
	set_order(sc, 2, o[2]);
	run_scripts(w, sc, 3);

	g_assert_cmpuint(f.n, ==, 1);
	if (g_test_verbose())
		g_test_message("%s", f.report);
	assert_has(f.report,
		   "WARNING: possible circular locking dependency detected");
	assert_has(f.report, "t2/2 is trying to acquire lock:\n (c_a)");
	assert_has(f.report, "but task is already holding lock:\n (c_c)");
	assert_has(f.report, "-> #2 (c_c){+.+.}:");
	assert_has(f.report, "-> #1 (c_b){+.+.}:");
	assert_has(f.report, "-> #0 (c_a){+.+.}:");
	assert_has(f.report, "Chain exists of:\n  c_a --> c_b --> c_c\n");
	assert_has(f.report, "  lock(c_c);\n"
		   "                               lock(c_b);\n"
		   "                               lock(c_c);\n"
		   "  lock(c_a);\n");
	assert_has(f.report, "*** DEADLOCK ***");
	sim_world_free(w);
	findings_clear(&f);
	g_free(sc);
}

static void test_consistent_order_silent(void)
{
	static const char *const names[] = { "o_a", "o_b", "o_c", "o_d",
					     NULL };
	struct scene *sc = g_new0(struct scene, 1);
	struct findings f = { 0 };
	struct sim_world *w = scene_world(sc, &f, names);
	/* Every task respects a < b < c < d, skipping some; a trylock taken
	 * out of order (d then a) adds no a-after-d dependency. */
	const int o[4][6] = {
		{ 0, 1, 2, 3, -1 },
		{ 0, 2, -1 },
		{ 1, 3, -1 },
		{ 3, 100, -1 },
	};

	memcpy(sc->order, o, sizeof(o));
	run_scripts(w, sc, 4);
	g_assert_cmpuint(f.n, ==, 0);
	g_assert_null(sim_lockdep_report(w));
	sim_world_free(w);
	g_free(sc);
}

static void test_trylocked_holder_orders(void)
{
	static const char *const names[] = { "y_a", "y_b", NULL };
	struct scene *sc = g_new0(struct scene, 1);
	struct findings f = { 0 };
	struct sim_world *w = scene_world(sc, &f, names);
	/* A lock held by trylock still orders what is taken after it. */
	const int o[2][3] = { { 100, 1, -1 }, { 1, 0, -1 } };

	set_order(sc, 0, o[0]);
	set_order(sc, 1, o[1]);
	run_scripts(w, sc, 2);
	g_assert_cmpuint(f.n, ==, 1);
	assert_has(f.report, "possible circular locking dependency");
	sim_world_free(w);
	findings_clear(&f);
	g_free(sc);
}

static void test_reported_once(void)
{
	static const char *const names[] = { "r_a", "r_b", "r_c", "r_d",
					     NULL };
	struct scene *sc = g_new0(struct scene, 1);
	struct findings f = { 0 };
	struct sim_world *w = scene_world(sc, &f, names);
	const int o[4][6] = {
		{ 0, 1, -1 }, { 1, 0, -1 }, { 2, 3, -1 }, { 3, 2, -1 },
	};
	char *first;

	memcpy(sc->order, o, sizeof(o));
	run_scripts(w, sc, 2);
	g_assert_cmpuint(f.n, ==, 1);
	first = g_strdup(sim_lockdep_report(w));
	/* another inversion (c, d): lockdep is off after its first report */
	sim_task_spawn(w, "again", scripted, sc);  /* id 2: c then d */
	sim_task_spawn(w, "again", scripted, sc);  /* id 3: d then c */
	sc->start[2] = 100;
	sc->start[3] = 110;
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(f.n, ==, 1);
	g_assert_cmpstr(sim_lockdep_report(w), ==, first);
	g_free(first);
	sim_world_free(w);
	findings_clear(&f);
	g_free(sc);
}

/* ---- pseudo-lock ------------------------------------------------------------------- */

/* A handle holder takes a mutex inside its handle (handle -> m); later a
 * task holding the mutex "waits for the commit" (m -> handle, exclusive). */
static void pseudo_handle_holder(struct sim_task *t, void *arg)
{
	struct scene *sc = arg;
	char buf[128];

	sim_lockdep_acquire(t, &sc->handle_map, &sc->journal, true,
			    "start_this_handle");
	g_assert_true(sim_lockdep_held(t, &sc->journal));
	sim_down_write(t, &sc->s[0], "ext4_punch_hole");
	sim_mutex_lock(t, &sc->m[0], "ext4_sim_take_mutex");
	sim_lockdep_held_str(t, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "jbd2_handle(r), p_sem(w), p_mutex");
	g_assert_cmpuint(sim_lockdep_depth(t), ==, 3);
	sim_mutex_unlock(t, &sc->m[0]);
	sim_up_write(t, &sc->s[0]);
	sim_lockdep_release(t, &sc->journal);
	g_assert_false(sim_lockdep_held(t, &sc->journal));
	g_assert_cmpuint(sim_lockdep_depth(t), ==, 0);
}

static void pseudo_committer(struct sim_task *t, void *arg)
{
	struct scene *sc = arg;

	sim_task_sleep(t, 10);
	sim_mutex_lock(t, &sc->m[0], "ext4_sim_take_mutex");
	sim_lockdep_acquire(t, &sc->handle_map, &sc->journal, false,
			    "jbd2_might_wait_for_commit");
	sim_lockdep_release(t, &sc->journal);
	sim_mutex_unlock(t, &sc->m[0]);
}

static void test_pseudo_lock(void)
{
	static const char *const names[] = { "p_mutex", NULL };
	struct scene *sc = g_new0(struct scene, 1);
	struct findings f = { 0 };
	struct sim_world *w = scene_world(sc, &f, names);
	const struct sim_lock_stats *st;

	sim_rwsem_init(w, &sc->s[0], "p_sem");
	sim_lockdep_map_init(w, &sc->handle_map, "jbd2_handle");
	sim_task_spawn(w, "handle", pseudo_handle_holder, sc);
	sim_task_spawn(w, "commit", pseudo_committer, sc);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(f.n, ==, 1);
	if (g_test_verbose())
		g_test_message("%s", f.report);
	assert_has(f.report, "commit/1 is trying to acquire lock:\n"
		   " (jbd2_handle){++++}, at: jbd2_might_wait_for_commit\n");
	assert_has(f.report, "but task is already holding lock:\n"
		   " (p_mutex){+.+.}");
	/* the chain goes handle -> p_sem -> p_mutex; only direct edges from
	 * the top held lock are recorded, so the chain has three links */
	assert_has(f.report, "Chain exists of:\n"
		   "  jbd2_handle --> p_sem --> p_mutex\n");
	assert_has(f.report, "held: jbd2_handle(r), p_sem(w)");
	st = sim_lock_class_stats(w, sc->handle_map.class_id);
	g_assert_cmpuint(st->acquisitions, ==, 2);
	g_assert_cmpuint(st->acquisitions_read, ==, 1);
	sim_world_free(w);
	findings_clear(&f);
	g_free(sc);
}

/* ---- same class, two instances; the same instance twice ------------------------------ */

static void nest_task(struct sim_task *t, void *arg)
{
	struct scene *sc = arg;

	/* two inodes' i_data_sem, nested: not a cycle */
	sim_down_write(t, &sc->s[0], "ext4_sim_nest");
	sim_down_write(t, &sc->s[1], "ext4_sim_nest");
	sim_up_write(t, &sc->s[1]);
	sim_up_write(t, &sc->s[0]);
	sim_down_read(t, &sc->s[1], "ext4_sim_nest");
	sim_down_read(t, &sc->s[0], "ext4_sim_nest");
	sim_up_read(t, &sc->s[0]);
	sim_up_read(t, &sc->s[1]);
	sim_task_sleep(t, 10);
	g_assert_null(sim_lockdep_report(sim_task_world(t)));

	/* the very same instance again: recursive (no waiter, so it goes
	 * through, and would deadlock behind any queued writer) */
	sim_down_read(t, &sc->s[0], "ext4_sim_outer");
	sim_down_read(t, &sc->s[0], "ext4_sim_inner");
	sim_up_read(t, &sc->s[0]);
	sim_up_read(t, &sc->s[0]);
}

static void test_same_class(void)
{
	static const char *const names[] = { NULL };
	struct scene *sc = g_new0(struct scene, 1);
	struct findings f = { 0 };
	struct sim_world *w = scene_world(sc, &f, names);

	sim_rwsem_init(w, &sc->s[0], "i_data_sem");
	sim_rwsem_init(w, &sc->s[1], "i_data_sem");
	sim_task_spawn(w, "nest", nest_task, sc);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(f.n, ==, 1);
	if (g_test_verbose())
		g_test_message("%s", f.report);
	assert_has(f.report, "WARNING: possible recursive locking detected");
	assert_has(f.report, "nest/0 is trying to acquire lock:\n"
		   " (i_data_sem){++++}, at: ext4_sim_inner\n");
	assert_has(f.report, "but task is already holding lock:\n"
		   " (i_data_sem){++++}, at: ext4_sim_outer\n");
	assert_has(f.report, "  lock(i_data_sem);\n  lock(i_data_sem);\n");
	sim_world_free(w);
	findings_clear(&f);
	g_free(sc);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/lockdep/abba", test_abba);
	g_test_add_func("/lockdep/three-lock-cycle", test_three_lock_cycle);
	g_test_add_func("/lockdep/consistent-order-silent",
			test_consistent_order_silent);
	g_test_add_func("/lockdep/trylocked-holder-orders",
			test_trylocked_holder_orders);
	g_test_add_func("/lockdep/reported-once", test_reported_once);
	g_test_add_func("/lockdep/pseudo-lock", test_pseudo_lock);
	g_test_add_func("/lockdep/same-class", test_same_class);
	return g_test_run();
}
