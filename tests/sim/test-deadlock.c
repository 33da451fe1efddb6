/* tests/sim/test-deadlock.c — locks feed the engine's wait-for graph: a
 * cycle through mutexes, rwsems (queue order included) and a journal-like
 * pseudo-object stops the world with SIM_STOP_DEADLOCK and a report that
 * names every blocked task, where it waits and what it holds. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "sim/engine/sim.h"

struct findings {
	unsigned lock_order, deadlock;
};

static void on_finding(void *ctx, struct sim_world *w, const char *kind,
		       const char *report)
{
	struct findings *f = ctx;

	if (strcmp(kind, "lock_order") == 0)
		f->lock_order++;
	else if (strcmp(kind, "deadlock") == 0)
		f->deadlock++;
}

static void assert_has(const char *report, const char *needle)
{
	if (!report || !strstr(report, needle))
		g_error("report lacks \"%s\":\n%s", needle,
			report ? report : "(null)");
}

/* ---- the journal cycle -------------------------------------------------------
 *
 *   writer     holds m_lock, waits for the commit (completion, signalled
 *              by the committer)
 *   committer  waits for t_updates == 0 (the journal's handle holders)
 *   holder     has a handle open, waits for m_lock
 *
 * The journal here is a stand-in for fs/jbd2's: a wait object whose
 * blockers are the tasks with a handle open.
 */
struct journal {
	struct sim_waitobj wo;
	struct sim_task *handles[4];
	unsigned nhandles;
	struct sim_waitq wait_updates;
	struct sim_completion commit_done;
	struct sim_lockdep_map handle_map;
	struct sim_mutex m;
	struct sim_task *committer;
};

static void journal_for_each_blocker(const struct sim_waitobj *o,
				     const struct sim_task *waiter,
				     sim_blocker_fn fn, void *ctx)
{
	const struct journal *j = container_of(o, struct journal, wo);
	unsigned i;

	for (i = 0; i < j->nhandles; i++)
		fn(j->handles[i], ctx);
}

static void journal_describe(const struct sim_waitobj *o, char *buf,
			     size_t len)
{
	const struct journal *j = container_of(o, struct journal, wo);

	g_snprintf(buf, len, "journal: t_updates %u", j->nhandles);
}

static const struct sim_waitobj_ops journal_ops = {
	.kind = "journal",
	.for_each_blocker = journal_for_each_blocker,
	.describe = journal_describe,
};

static void start_handle(struct sim_task *t, struct journal *j)
{
	sim_lockdep_acquire(t, &j->handle_map, j, true, "start_this_handle");
	j->handles[j->nhandles++] = t;
}

static void jc_holder(struct sim_task *t, void *arg)
{
	struct journal *j = arg;

	sim_task_sleep(t, 5);
	start_handle(t, j);
	sim_task_sleep(t, 10);
	sim_mutex_lock(t, &j->m, "ext4_sim_holder_lock");   /* at 15 */
	g_assert_not_reached();
}

static void jc_committer(struct sim_task *t, void *arg)
{
	struct journal *j = arg;

	sim_task_sleep(t, 10);
	/* T_LOCKED: wait for every handle to stop */
	sim_wait_event(t, &j->wait_updates, &j->wo, j->nhandles == 0);
	g_assert_not_reached();
}

static void jc_writer(struct sim_task *t, void *arg)
{
	struct journal *j = arg;

	sim_mutex_lock(t, &j->m, "ext4_sim_writer_lock");
	sim_task_sleep(t, 20);
	/* jbd2_might_wait_for_commit: lockdep sees m_lock -> jbd2_handle */
	sim_lockdep_acquire(t, &j->handle_map, j, false,
			    "jbd2_might_wait_for_commit");
	sim_lockdep_release(t, j);
	sim_wait_for_completion(t, &j->commit_done, "jbd2_log_wait_commit");
	g_assert_not_reached();
}

static void test_journal_cycle(void)
{
	struct sim_world_params p = { .seed = 11 };
	struct sim_world *w = sim_world_new(&p);
	struct journal *j = g_new0(struct journal, 1);
	struct findings f = { 0 };
	const char *r;

	sim_world_set_finding_hook(w, on_finding, &f);
	j->wo.ops = &journal_ops;
	j->wo.name = "journal";
	sim_waitq_init(&j->wait_updates);
	sim_completion_init(&j->commit_done, "commit_done");
	sim_lockdep_map_init(w, &j->handle_map, "jbd2_handle");
	sim_mutex_init(w, &j->m, "m_lock");

	sim_task_spawn(w, "writer", jc_writer, j);
	sim_task_spawn(w, "holder", jc_holder, j);
	j->committer = sim_task_spawn(w, "committer", jc_committer, j);
	sim_completion_set_signaller(&j->commit_done, j->committer);

	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_DEADLOCK);
	g_assert_cmpint(sim_world_now(w), ==, 20);
	g_assert_cmpuint(f.deadlock, ==, 1);
	/* lockdep saw it coming: jbd2_handle -> m_lock, then m_lock ->
	 * jbd2_handle in the writer */
	g_assert_cmpuint(f.lock_order, ==, 1);
	assert_has(sim_lockdep_report(w),
		   "possible circular locking dependency detected");

	r = sim_world_deadlock_report(w);
	if (g_test_verbose())
		g_test_message("%s", r);
	assert_has(r, "writer");
	assert_has(r, "holder");
	assert_has(r, "committer");
	assert_has(r, "jbd2_log_wait_commit");     /* where each waits */
	assert_has(r, "ext4_sim_holder_lock");
	assert_has(r, "jbd2_handle");              /* what the holder holds */
	assert_has(r, "m_lock");                   /* what the writer holds */
	sim_world_free(w);
	g_free(j);
}

/* ---- plain ABBA ---------------------------------------------------------------- */

struct abba {
	struct sim_mutex a, b;
};

static void abba_1(struct sim_task *t, void *arg)
{
	struct abba *x = arg;

	sim_mutex_lock(t, &x->a, "abba_first");
	sim_task_sleep(t, 10);
	sim_mutex_lock(t, &x->b, "abba_second");
	g_assert_not_reached();
}

static void abba_2(struct sim_task *t, void *arg)
{
	struct abba *x = arg;

	sim_task_sleep(t, 5);
	sim_mutex_lock(t, &x->b, "abba_first");
	sim_task_sleep(t, 10);
	sim_mutex_lock(t, &x->a, "abba_second");
	g_assert_not_reached();
}

static void test_abba(void)
{
	struct sim_world_params p = { .seed = 12 };
	struct sim_world *w = sim_world_new(&p);
	struct abba *x = g_new0(struct abba, 1);
	struct findings f = { 0 };
	const char *r;

	sim_world_set_finding_hook(w, on_finding, &f);
	sim_mutex_init(w, &x->a, "lock_a");
	sim_mutex_init(w, &x->b, "lock_b");
	sim_task_spawn(w, "t1", abba_1, x);
	sim_task_spawn(w, "t2", abba_2, x);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_DEADLOCK);
	g_assert_cmpint(sim_world_now(w), ==, 15);
	g_assert_cmpuint(f.deadlock, ==, 1);
	g_assert_cmpuint(f.lock_order, ==, 1);
	r = sim_world_deadlock_report(w);
	if (g_test_verbose())
		g_test_message("%s", r);
	assert_has(r, "t1");
	assert_has(r, "t2");
	assert_has(r, "lock_a");
	assert_has(r, "lock_b");
	assert_has(r, "abba_second");
	sim_world_free(w);
	g_free(x);
}

/* ---- a cycle through an rwsem's queue ------------------------------------------------
 *
 *   reader  holds sem (read), then wants m
 *   writer  queues for sem (write) behind the reader
 *   owner   holds m, then wants sem (read): queued behind the writer
 */
struct rq {
	struct sim_rwsem sem;
	struct sim_mutex m;
};

static void rq_reader(struct sim_task *t, void *arg)
{
	struct rq *x = arg;

	sim_down_read(t, &x->sem, "rq_reader_sem");
	sim_task_sleep(t, 30);
	sim_mutex_lock(t, &x->m, "rq_reader_m");
	g_assert_not_reached();
}

static void rq_writer(struct sim_task *t, void *arg)
{
	struct rq *x = arg;

	sim_task_sleep(t, 10);
	sim_down_write(t, &x->sem, "rq_writer_sem");
	g_assert_not_reached();
}

static void rq_owner(struct sim_task *t, void *arg)
{
	struct rq *x = arg;

	sim_mutex_lock(t, &x->m, "rq_owner_m");
	sim_task_sleep(t, 20);
	sim_down_read(t, &x->sem, "rq_owner_sem");
	g_assert_not_reached();
}

static void test_rwsem_queue(void)
{
	struct sim_world_params p = { .seed = 13 };
	struct sim_world *w = sim_world_new(&p);
	struct rq *x = g_new0(struct rq, 1);
	const char *r;

	sim_rwsem_init(w, &x->sem, "q_sem");
	sim_mutex_init(w, &x->m, "q_mutex");
	sim_task_spawn(w, "reader", rq_reader, x);
	sim_task_spawn(w, "writer", rq_writer, x);
	sim_task_spawn(w, "owner", rq_owner, x);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_DEADLOCK);
	g_assert_cmpint(sim_world_now(w), ==, 30);
	r = sim_world_deadlock_report(w);
	if (g_test_verbose())
		g_test_message("%s", r);
	assert_has(r, "reader");
	assert_has(r, "owner");
	assert_has(r, "q_sem");
	assert_has(r, "q_mutex");
	assert_has(r, "rq_reader_m");
	sim_world_free(w);
	g_free(x);
}

/* ---- no false positive: a long queue that drains -------------------------------------- */

static void drain_task(struct sim_task *t, void *arg)
{
	struct rq *x = arg;
	unsigned i;

	for (i = 0; i < 20; i++) {
		if ((sim_task_id(t) + i) % 3 == 0) {
			sim_down_write(t, &x->sem, "drain_w");
			sim_mutex_lock(t, &x->m, "drain_m");
			sim_task_sleep(t, 2);
			sim_mutex_unlock(t, &x->m);
			sim_up_write(t, &x->sem);
		} else {
			sim_down_read(t, &x->sem, "drain_r");
			sim_task_sleep(t, 3);
			sim_up_read(t, &x->sem);
		}
		sim_task_sleep(t, 1 + sim_task_id(t) % 2);
	}
}

static void test_no_false_positive(void)
{
	struct sim_world_params p = { .seed = 14 };
	struct sim_world *w = sim_world_new(&p);
	struct rq *x = g_new0(struct rq, 1);
	unsigned i;

	sim_rwsem_init(w, &x->sem, "d_sem");
	sim_mutex_init(w, &x->m, "d_mutex");
	for (i = 0; i < 8; i++)
		sim_task_spawn(w, "drain", drain_task, x);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_null(sim_world_deadlock_report(w));
	g_assert_null(sim_lockdep_report(w));
	g_assert_false(sim_rwsem_is_locked(&x->sem));
	sim_world_free(w);
	g_free(x);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/deadlock/journal-cycle", test_journal_cycle);
	g_test_add_func("/deadlock/abba", test_abba);
	g_test_add_func("/deadlock/rwsem-queue", test_rwsem_queue);
	g_test_add_func("/deadlock/no-false-positive", test_no_false_positive);
	return g_test_run();
}
