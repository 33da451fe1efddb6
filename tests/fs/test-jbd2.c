/* tests/fs/test-jbd2.c — the journal: handles block while T_LOCKED, the
 * commit waits for the last handle, nested starts never block, restart
 * detaches and re-attaches, callbacks run after the commit record, the
 * commit timer, log space and checkpointing, forgotten blocks are not
 * written home, credits, and the classic journal-start deadlock cycle
 * (reported by the deadlock detector, not hung). */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "fs/jbd2/jbd2.h"
#include "fs/ext4/ext4_jbd2.h"
#include "fs/ext4/mballoc.h"
#include "fs/block/disk.h"
#include "fs/task_state.h"

/* ---- the rig: a world, a journal, an IO log -------------------------------- */

#define IO_LAT (100 * SIM_USEC)   /* per IO in this test's fake device */
#define MAX_EVENTS 4096

enum ev_kind { EV_IO, EV_CALLBACK };

struct ev {
	enum ev_kind kind;
	enum jbd2_sim_io_kind io;
	uint64_t blocknr;
	unsigned count;
	tid_t tid;
	sim_time_t time;
	enum jbd2_sim_tstate state;   /* callback: state of the transaction */
	tid_t commit_sequence;
};

struct rig {
	struct sim_world *w;
	journal_t *j;
	struct ev ev[MAX_EVENTS];
	unsigned nev;
	unsigned deadlocks;
	char *deadlock_report;
};

static void on_finding(void *ctx, struct sim_world *w, const char *kind,
		       const char *report)
{
	struct rig *r = ctx;

	(void)w;
	if (strcmp(kind, "deadlock") == 0) {
		r->deadlocks++;
		g_free(r->deadlock_report);
		r->deadlock_report = g_strdup(report);
	}
}

static struct ev *rig_log(struct rig *r)
{
	g_assert_cmpuint(r->nev, <, MAX_EVENTS);
	return &r->ev[r->nev++];
}

/* The fake device: every IO takes IO_LAT, logged with its completion time. */
static int rig_io(journal_t *j, enum jbd2_sim_io_kind kind, uint64_t blocknr,
		  unsigned count)
{
	struct rig *r = j->j_sim_io_ctx;
	struct ev *e;

	sim_task_sleep(sim_current_task(), IO_LAT);
	e = rig_log(r);
	*e = (struct ev){ .kind = EV_IO, .io = kind, .blocknr = blocknr,
			  .count = count, .time = sim_world_now(r->w) };
	if (j->j_committing_transaction)
		e->tid = j->j_committing_transaction->t_tid;
	return 0;
}

static void rig_callback(journal_t *j, transaction_t *t)
{
	struct rig *r = j->j_sim_io_ctx;
	struct ev *e = rig_log(r);

	*e = (struct ev){ .kind = EV_CALLBACK, .tid = t->t_tid,
			  .time = sim_world_now(r->w), .state = t->t_state,
			  .commit_sequence = j->j_commit_sequence };
}

static struct rig *rig_new_seed(unsigned long journal_blocks, uint64_t seed,
				bool tie_shuffle)
{
	struct rig *r = g_new0(struct rig, 1);
	struct sim_world_params wp = { .seed = seed,
				       .tie_shuffle = tie_shuffle };
	struct jbd2_sim_params jp = {
		.maxlen = journal_blocks,
		.blocksize = 4096,
	};

	r->w = sim_world_new(&wp);
	sim_world_set_finding_hook(r->w, on_finding, r);
	r->j = jbd2_sim_journal_new(r->w, NULL, &jp);
	g_assert_nonnull(r->j);
	r->j->j_sim_io = rig_io;
	r->j->j_sim_io_ctx = r;
	r->j->j_commit_callback = rig_callback;
	g_assert_cmpint(jbd2_journal_load(r->j), ==, 0);
	return r;
}

static struct rig *rig_new(unsigned long journal_blocks)
{
	return rig_new_seed(journal_blocks, 1, false);
}

static void rig_free(struct rig *r)
{
	jbd2_sim_journal_free(r->j);
	sim_world_free(r->w);
	g_free(r->deadlock_report);
	g_free(r);
}

/* The callback event of tid, or NULL. */
static const struct ev *rig_callback_of(const struct rig *r, tid_t tid)
{
	for (unsigned i = 0; i < r->nev; i++)
		if (r->ev[i].kind == EV_CALLBACK && r->ev[i].tid == tid)
			return &r->ev[i];
	return NULL;
}

/* A test task: fs state, a script, and what it observed. */
struct actor {
	struct rig *r;
	struct fs_task_state ts;
	struct sim_task *task;
	sim_time_t t_start_begin, t_start_end, t_stop, t_restart_end;
	tid_t tid_first, tid_after;
	int ret;
	handle_t *h;
	void *arg;
};

static struct sim_task *actor_spawn(struct rig *r, struct actor *a,
				    const char *name, sim_task_fn fn)
{
	a->r = r;
	a->task = fs_task_spawn(r->w, name, fn, a, &a->ts);
	return a->task;
}

static handle_t *start(struct actor *a, int credits)
{
	handle_t *h;

	a->t_start_begin = sim_task_now(a->task);
	h = jbd2_journal_start(a->r->j, credits);
	a->t_start_end = sim_task_now(a->task);
	g_assert_false(IS_ERR(h));
	return h;
}

/* ---- handles block while T_LOCKED; the commit waits for the last handle - */

static void long_holder(struct sim_task *t, void *arg)
{
	struct actor *a = arg;
	handle_t *h = start(a, 10);

	a->tid_first = h->h_transaction->t_tid;
	g_assert_cmpint(jbd2_sim_dirty_key(h, 7), ==, 0);
	sim_task_sleep(t, 10 * SIM_MSEC);
	a->t_stop = sim_task_now(t);
	g_assert_cmpint(jbd2_journal_stop(h), ==, 0);
}

static void committer_kick(struct sim_task *t, void *arg)
{
	struct actor *a = arg;
	tid_t tid;

	sim_task_sleep(t, 1 * SIM_MSEC);
	g_assert_cmpint(jbd2_journal_start_commit(a->r->j, &tid), ==, 1);
	a->tid_first = tid;
}

static void late_starter(struct sim_task *t, void *arg)
{
	struct actor *a = arg;
	handle_t *h;

	sim_task_sleep(t, 2 * SIM_MSEC);
	/* The running transaction is locked down by now. */
	g_assert_nonnull(a->r->j->j_running_transaction);
	g_assert_cmpint(a->r->j->j_running_transaction->t_state, ==, T_LOCKED);
	h = start(a, 5);
	a->tid_after = h->h_transaction->t_tid;
	g_assert_cmpint(jbd2_journal_stop(h), ==, 0);
}

static void run_locked_blocks_new_handles(struct rig *r)
{
	struct actor holder = { 0 }, kick = { 0 }, late = { 0 };
	const struct ev *cb;

	actor_spawn(r, &holder, "holder", long_holder);
	actor_spawn(r, &kick, "kick", committer_kick);
	actor_spawn(r, &late, "late", late_starter);
	g_assert_cmpint(sim_world_run(r->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);

	/* The late handle waited from 2 ms until the commit left T_LOCKED,
	 * which was only after the holder stopped at 10 ms. */
	g_assert_cmpint(late.t_start_begin, ==, 2 * SIM_MSEC);
	g_assert_cmpint(late.t_start_end, >=, holder.t_stop);
	g_assert_cmpuint(late.tid_after, ==, holder.tid_first + 1);
	cb = rig_callback_of(r, holder.tid_first);
	g_assert_nonnull(cb);
	g_assert_cmpint(cb->time, >, holder.t_stop);
	g_assert_cmpuint(r->j->j_stats.locked_waits, >=, 1);
	/* The drain took from the request (1 ms) to the last stop (10 ms). */
	g_assert_cmpint(sim_hist_percentile(&r->j->j_stats.locked_time, 100),
			>=, 9 * SIM_MSEC);
	g_assert_true(jbd2_sim_check(r->j));
	rig_free(r);
}

static void test_locked_blocks_new_handles(void)
{
	run_locked_blocks_new_handles(rig_new(4096));
}

/* ---- nested starts never block ------------------------------------------------ */

static void nester(struct sim_task *t, void *arg)
{
	struct actor *a = arg;
	handle_t *h = start(a, 10), *h2;
	sim_time_t before;

	a->tid_first = h->h_transaction->t_tid;
	/* Ask for the commit and let kjournald2 lock the transaction down:
	 * it now waits for us. */
	jbd2_log_start_commit(a->r->j, a->tid_first);
	sim_task_sleep(t, 1 * SIM_MSEC);
	g_assert_cmpint(h->h_transaction->t_state, ==, T_LOCKED);

	before = sim_task_now(t);
	h2 = jbd2_journal_start(a->r->j, 100);
	g_assert_true(h2 == h);
	g_assert_cmpint(h->h_ref, ==, 2);
	g_assert_cmpint(sim_task_now(t), ==, before);   /* did not block */
	g_assert_cmpint(jbd2_journal_stop(h2), ==, 0);
	g_assert_cmpint(h->h_ref, ==, 1);
	g_assert_true(fs_task_state_of(t)->journal_info == h);
	g_assert_cmpint(h->h_transaction->t_state, ==, T_LOCKED);
	a->t_stop = sim_task_now(t);
	g_assert_cmpint(jbd2_journal_stop(h), ==, 0);
	g_assert_null(fs_task_state_of(t)->journal_info);
}

static void test_nested_start(void)
{
	struct rig *r = rig_new(4096);
	struct actor a = { 0 };
	const struct ev *cb;

	actor_spawn(r, &a, "nester", nester);
	g_assert_cmpint(sim_world_run(r->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	cb = rig_callback_of(r, a.tid_first);
	g_assert_nonnull(cb);
	g_assert_cmpint(cb->time, >, a.t_stop);
	rig_free(r);
}

/* ---- restart detaches and re-attaches --------------------------------------- */

static void restarter(struct sim_task *t, void *arg)
{
	struct actor *a = arg;
	struct actor *other = a->arg;
	handle_t *h = start(a, 10);
	transaction_t *t1 = h->h_transaction;

	a->tid_first = t1->t_tid;
	g_assert_cmpint(jbd2_sim_dirty_key(h, 1), ==, 0);
	g_assert_cmpint(jbd2_sim_dirty_key(h, 2), ==, 0);
	g_assert_cmpint(h->h_buffer_credits, ==, 8);
	/* The other holder keeps t1 open; let kjournald2 lock it. */
	jbd2_log_start_commit(a->r->j, a->tid_first);
	sim_task_sleep(t, 1 * SIM_MSEC);
	g_assert_cmpint(t1->t_state, ==, T_LOCKED);
	g_assert_cmpint(t1->t_updates, ==, 2);

	/* Out of credits: extend is refused on a locked transaction. */
	g_assert_cmpint(jbd2_journal_extend(h, 50), ==, 1);
	g_assert_cmpint(jbd2_journal_restart(h, 50), ==, 0);
	a->t_restart_end = sim_task_now(t);
	/* We waited for t1's commit to pass T_LOCKED, i.e. for the other
	 * holder, and came back on a new transaction with fresh credits. */
	g_assert_cmpint(a->t_restart_end, >=, other->t_stop);
	a->tid_after = h->h_transaction->t_tid;
	g_assert_cmpuint(a->tid_after, ==, a->tid_first + 1);
	g_assert_cmpint(h->h_buffer_credits, ==, 50);
	g_assert_cmpint(h->h_transaction->t_updates, ==, 1);
	g_assert_true(fs_task_state_of(t)->journal_info == h);
	/* Block 1 is new to this transaction: it costs a credit again. */
	g_assert_cmpint(jbd2_sim_dirty_key(h, 1), ==, 0);
	g_assert_cmpint(h->h_buffer_credits, ==, 49);
	g_assert_cmpint(jbd2_journal_stop(h), ==, 0);
}

static void other_holder(struct sim_task *t, void *arg)
{
	struct actor *a = arg;
	handle_t *h = start(a, 3);

	sim_task_sleep(t, 5 * SIM_MSEC);
	a->t_stop = sim_task_now(t);
	g_assert_cmpint(jbd2_journal_stop(h), ==, 0);
}

static void test_restart(void)
{
	struct rig *r = rig_new(4096);
	struct actor a = { 0 }, b = { 0 };

	a.arg = &b;
	actor_spawn(r, &a, "restarter", restarter);
	actor_spawn(r, &b, "other", other_holder);
	g_assert_cmpint(sim_world_run(r->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(a.tid_after, ==, 2);
	g_assert_nonnull(rig_callback_of(r, 1));
	g_assert_true(jbd2_sim_check(r->j));
	rig_free(r);
}

/* ---- callbacks run after the commit record ---------------------------------- */

static void sync_writer(struct sim_task *t, void *arg)
{
	struct actor *a = arg;
	handle_t *h = start(a, 20);

	a->tid_first = h->h_transaction->t_tid;
	for (uint64_t b = 0; b < 12; b++)
		g_assert_cmpint(jbd2_sim_dirty_key(h, 5000 + b), ==, 0);
	h->h_sync = 1;
	g_assert_cmpint(jbd2_journal_stop(h), ==, 0);
	/* A sync stop returns once its transaction is committed. */
	g_assert_true(tid_geq(a->r->j->j_commit_sequence, a->tid_first));
	a->t_stop = sim_task_now(t);
}

static void test_callback_after_commit_record(void)
{
	struct rig *r = rig_new(4096);
	struct actor a = { 0 };
	int commit_rec = -1, cb = -1, log = -1;

	actor_spawn(r, &a, "sync", sync_writer);
	g_assert_cmpint(sim_world_run(r->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	for (unsigned i = 0; i < r->nev; i++) {
		const struct ev *e = &r->ev[i];

		if (e->kind == EV_IO && e->io == JBD2_SIM_IO_LOG &&
		    e->tid == a.tid_first)
			log = (int)i;
		if (e->kind == EV_IO && e->io == JBD2_SIM_IO_COMMIT &&
		    e->tid == a.tid_first)
			commit_rec = (int)i;
		if (e->kind == EV_CALLBACK && e->tid == a.tid_first)
			cb = (int)i;
	}
	g_assert_cmpint(log, >=, 0);
	g_assert_cmpint(commit_rec, >, log);
	g_assert_cmpint(cb, >, commit_rec);
	/* 12 metadata blocks + 1 descriptor in one log write. */
	g_assert_cmpuint(r->ev[log].count, ==, 13);
	g_assert_cmpint(r->ev[cb].state, ==, T_COMMIT_CALLBACK);
	g_assert_cmpuint(r->ev[cb].commit_sequence, ==, a.tid_first);
	g_assert_cmpint(r->ev[cb].time, <=, a.t_stop);
	g_assert_cmpuint(r->j->j_stats.commits, ==, 1);
	rig_free(r);
}

/* ---- the commit timer --------------------------------------------------------- */

static void lazy_writer(struct sim_task *t, void *arg)
{
	struct actor *a = arg;
	handle_t *h = start(a, 4);

	(void)t;
	a->tid_first = h->h_transaction->t_tid;
	g_assert_cmpint(jbd2_sim_dirty_key(h, 42), ==, 0);
	g_assert_cmpint(jbd2_journal_stop(h), ==, 0);
}

static void test_commit_timer(void)
{
	struct rig *r = rig_new(4096);
	struct actor a = { 0 };
	const struct ev *cb;

	actor_spawn(r, &a, "lazy", lazy_writer);
	g_assert_cmpint(sim_world_run(r->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	cb = rig_callback_of(r, a.tid_first);
	g_assert_nonnull(cb);
	/* Nobody asked: the 5 s commit interval did. */
	g_assert_cmpint(cb->time, >=, JBD2_DEFAULT_MAX_COMMIT_AGE);
	g_assert_cmpint(cb->time, <, JBD2_DEFAULT_MAX_COMMIT_AGE + SIM_SEC);
	g_assert_cmpuint(r->j->j_stats.commits_requested, ==, 0);
	rig_free(r);
}

/* ---- log space, checkpointing, forget ----------------------------------------- */

#define CP_ROUNDS 12
#define CP_BLOCKS 200

static void filler(struct sim_task *t, void *arg)
{
	struct actor *a = arg;

	(void)t;
	for (unsigned round = 0; round < CP_ROUNDS; round++) {
		handle_t *h = start(a, CP_BLOCKS + 1);

		for (uint64_t b = 0; b < CP_BLOCKS; b++) {
			uint64_t key = 10000 * (round % 6 + 1) + b;

			/* Block 10001 is only ever dirtied in round 0... */
			if (key != 10001 || round == 0)
				g_assert_cmpint(jbd2_sim_dirty_key(h, key),
						==, 0);
		}
		/* ...and freed in round 1, before round 0's transaction is
		 * checkpointed: it must never be written home. */
		if (round == 1)
			g_assert_cmpint(jbd2_sim_forget_key(h, 10001), ==, 0);
		h->h_sync = 1;
		g_assert_cmpint(jbd2_journal_stop(h), ==, 0);
		g_assert_true(jbd2_sim_check(a->r->j));
	}
}

static void test_checkpoint(void)
{
	/* 1024 blocks: transactions of up to 256 credits; ~4 fit. */
	struct rig *r = rig_new(1024);
	struct actor a = { 0 };
	unsigned cp_ios = 0;
	uint64_t cp_blocks = 0;

	actor_spawn(r, &a, "filler", filler);
	g_assert_cmpint(sim_world_run(r->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(r->j->j_stats.commits, ==, CP_ROUNDS);
	g_assert_cmpuint(r->j->j_stats.space_waits, >, 0);
	g_assert_cmpuint(r->j->j_stats.checkpoints, >, 0);
	for (unsigned i = 0; i < r->nev; i++) {
		const struct ev *e = &r->ev[i];

		if (e->kind != EV_IO || e->io != JBD2_SIM_IO_CHECKPOINT)
			continue;
		cp_ios++;
		cp_blocks += e->count;
		/* Home writes are of the dirtied blocks, never the forgotten
		 * one. */
		g_assert_true(e->blocknr >= 10000 && e->blocknr < 70000);
		g_assert_false(e->blocknr <= 10001 &&
			       e->blocknr + e->count > 10001);
	}
	/* Contiguous runs are merged into one IO (blocks 10000.. are split
	 * in two by the forgotten one). */
	g_assert_cmpuint(cp_ios, >, 0);
	g_assert_cmpuint(cp_ios, <=, 2 * r->j->j_stats.checkpoints);
	g_assert_cmpuint(cp_blocks, ==, r->j->j_stats.checkpoint_blocks);
	g_assert_cmpuint(cp_blocks, <=,
			 (uint64_t)CP_BLOCKS * r->j->j_stats.checkpoints);
	if (g_test_verbose())
		jbd2_sim_stats_print(r->j, stderr);
	g_assert_true(jbd2_sim_check(r->j));
	rig_free(r);
}

/* ---- credits ------------------------------------------------------------------ */

static void crediter(struct sim_task *t, void *arg)
{
	struct actor *a = arg;
	handle_t *h = start(a, 3);

	(void)t;
	g_assert_cmpint(jbd2_sim_dirty_key(h, 1), ==, 0);
	g_assert_cmpint(jbd2_sim_dirty_key(h, 1), ==, 0);   /* free again */
	g_assert_cmpint(jbd2_sim_dirty_key(h, JBD2_SIM_INODE_KEY(1)), ==, 0);
	g_assert_cmpint(h->h_buffer_credits, ==, 1);
	g_assert_cmpint(h->h_transaction->t_nr_buffers, ==, 2);
	/* Extension while running and small. */
	g_assert_cmpint(jbd2_journal_extend(h, 2), ==, 0);
	g_assert_cmpint(h->h_buffer_credits, ==, 3);
	g_assert_cmpint(h->h_requested_credits, ==, 5);
	/* A whole transaction's worth cannot be added. */
	g_assert_cmpint(jbd2_journal_extend(h, a->r->j->j_max_transaction_buffers),
			==, 1);
	g_assert_cmpint(jbd2_journal_stop(h), ==, 0);
	/* Too many credits for one handle: -ENOSPC. */
	h = jbd2_journal_start(a->r->j, a->r->j->j_max_transaction_buffers + 1);
	g_assert_true(IS_ERR(h));
	g_assert_cmpint(PTR_ERR(h), ==, -ENOSPC);
	g_assert_null(fs_task_state_of(t)->journal_info);
	if (a->arg) {
		/* Out of credits is a bug. */
		h = start(a, 1);
		jbd2_sim_dirty_key(h, 100);
		jbd2_sim_dirty_key(h, 101);
	}
}

static void run_crediter(bool overrun)
{
	struct rig *r = rig_new(4096);
	struct actor a = { .arg = overrun ? &a : NULL };

	actor_spawn(r, &a, "credits", crediter);
	g_assert_cmpint(sim_world_run(r->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(r->j->j_max_transaction_buffers, ==, 1024);
	rig_free(r);
}

static void test_credits(void)
{
	run_crediter(false);
	if (g_test_subprocess()) {
		run_crediter(true);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*h_buffer_credits <= 0*");
}

/* ---- the classic cycle: journal start under a lock the handle holder wants -- */

struct cycle {
	struct sim_mutex m;
};

/* A: holds M, asks for a commit, then starts a handle (T_LOCKED: waits for
 * the committer, which waits for B, which waits for M). */
static void cycle_a(struct sim_task *t, void *arg)
{
	struct actor *a = arg;
	struct cycle *c = a->arg;
	tid_t tid;

	mutex_lock(&c->m);
	sim_task_sleep(t, 2 * SIM_MSEC);
	g_assert_cmpint(jbd2_journal_start_commit(a->r->j, &tid), ==, 1);
	sim_task_sleep(t, 1 * SIM_MSEC);
	start(a, 5);
	g_assert_not_reached();
}

/* B: holds a handle, then wants M. */
static void cycle_b(struct sim_task *t, void *arg)
{
	struct actor *a = arg;
	struct cycle *c = a->arg;

	start(a, 5);
	sim_task_sleep(t, 1 * SIM_MSEC);
	mutex_lock(&c->m);
	g_assert_not_reached();
}

static void run_classic_cycle(struct rig *r)
{
	struct cycle c;
	struct actor a = { .arg = &c }, b = { .arg = &c };
	const char *rep;

	sim_mutex_init(r->w, &c.m, "M");
	actor_spawn(r, &a, "A", cycle_a);
	actor_spawn(r, &b, "B", cycle_b);
	g_assert_cmpint(sim_world_run(r->w, SIM_TIME_MAX), ==,
			SIM_STOP_DEADLOCK);
	g_assert_cmpuint(r->deadlocks, ==, 1);
	rep = sim_world_deadlock_report(r->w);
	if (g_test_verbose())
		g_printerr("%s\n", rep);
	g_assert_nonnull(rep);
	/* Every party is named, with its wait point. */
	g_assert_nonnull(strstr(rep, "wait_transaction_locked"));
	g_assert_nonnull(strstr(rep, "jbd2_journal_commit_transaction"));
	g_assert_nonnull(strstr(rep, "kjournald2"));
	g_assert_nonnull(strstr(rep, "t_updates"));
	g_assert_nonnull(strstr(rep, "jbd2_handle"));
	g_assert_cmpint(sim_world_now(r->w), ==, 3 * SIM_MSEC);
	rig_free(r);
}

static void test_classic_cycle(void)
{
	run_classic_cycle(rig_new(4096));
}

/* The same scenarios with events that share a time permuted. */
static void test_tie_shuffle(void)
{
	for (uint64_t seed = 1; seed <= 8; seed++) {
		run_locked_blocks_new_handles(rig_new_seed(4096, seed, true));
		run_classic_cycle(rig_new_seed(4096, seed, true));
	}
}

/* ---- unmount -------------------------------------------------------------------- */

static void unmounter(struct sim_task *t, void *arg)
{
	struct actor *a = arg;
	handle_t *h = start(a, 4);

	(void)t;
	a->tid_first = h->h_transaction->t_tid;
	g_assert_cmpint(jbd2_sim_dirty_key(h, 77), ==, 0);
	g_assert_cmpint(jbd2_journal_stop(h), ==, 0);
	g_assert_cmpint(jbd2_journal_destroy(a->r->j), ==, 0);
	/* Everything committed and written home; kjournald2 gone. */
	g_assert_null(a->r->j->j_task);
	g_assert_null(a->r->j->j_running_transaction);
	g_assert_true(sim_list_empty(&a->r->j->j_checkpoint_transactions));
	g_assert_true(tid_geq(a->r->j->j_commit_sequence, a->tid_first));
	g_assert_cmpuint(a->r->j->j_free,
			 ==, a->r->j->j_last - a->r->j->j_first);
}

static void test_destroy(void)
{
	struct rig *r = rig_new(4096);
	struct actor a = { 0 };

	actor_spawn(r, &a, "umount", unmounter);
	g_assert_cmpint(sim_world_run(r->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpint(sim_world_now(r->w), <, SIM_SEC);
	g_assert_nonnull(rig_callback_of(r, a.tid_first));
	rig_free(r);
}

/* ---- ext4: credit estimates (FIDELITY §4.4) ------------------------------ */

/* Sets eh_depth in the root header at i_data, little-endian bytes 6..7. */
static void set_depth(struct ext4_inode_info *ei, unsigned depth)
{
	uint8_t *hdr = (uint8_t *)ei->i_data;

	hdr[6] = depth & 0xff;
	hdr[7] = depth >> 8;
}

static void test_ext4_credits(void)
{
	struct rig *r = rig_new(4096);
	struct super_block sb = { .s_blocksize = 4096, .s_blocksize_bits = 12 };
	struct ext4_sb_info sbi = {
		.s_sb = &sb,
		.s_journal = r->j,
		.s_mount_opt = EXT4_MOUNT_ORDERED_DATA,
		.s_groups_count = 1000,   /* 8 descriptor blocks */
	};
	struct ext4_inode_info ei = { 0 };
	struct inode *inode = &ei.vfs_inode;

	sb.s_fs_info = &sbi;
	inode->i_sb = &sb;
	/* a large fs: 4 KiB blocks and pages, no quota */
	set_depth(&ei, 0);
	g_assert_cmpint(ext4_sim_ext_depth(inode), ==, 0);
	g_assert_cmpint(ext4_writepage_trans_blocks(inode), ==, 8);
	set_depth(&ei, 1);
	g_assert_cmpint(ext4_writepage_trans_blocks(inode), ==, 14);
	g_assert_cmpint(ext4_chunk_trans_blocks(inode, 100), ==, 14);
	/* more than one extent: index blocks count depth * 3 */
	g_assert_cmpint(ext4_meta_trans_blocks(inode, 10, 4), ==, 3 + 7 + 7 + 6);
	set_depth(&ei, 2);
	g_assert_cmpint(ext4_sim_ext_depth(inode), ==, 2);
	g_assert_cmpint(ext4_writepage_trans_blocks(inode), ==, 20);
	/* data=journal adds the page's blocks */
	sbi.s_mount_opt = EXT4_MOUNT_JOURNAL_DATA;
	g_assert_cmpint(ext4_writepage_trans_blocks(inode), ==, 21);
	/* a small fs (8 groups, one descriptor block): groups are capped,
	 * the descriptor count keeps the kernel's quirk (taken before the
	 * cap, then limited to s_gdb_count). */
	sbi.s_mount_opt = EXT4_MOUNT_ORDERED_DATA;
	sbi.s_groups_count = 8;
	set_depth(&ei, 1);
	g_assert_cmpint(ext4_writepage_trans_blocks(inode), ==, 2 + 3 + 1 + 6);
	sbi.s_groups_count = 2;
	g_assert_cmpint(ext4_writepage_trans_blocks(inode), ==, 2 + 2 + 1 + 6);
	/* DATA_TRANS_BLOCKS, no quota */
	g_assert_cmpint(EXT4_DATA_TRANS_BLOCKS, ==, 24);
	rig_free(r);
}

/* ---- ext4: a journalled free is reusable only after its commit ----------- */

struct ext4_rig {
	struct sim_world *w;
	struct super_block *sb;
	struct inode *inode;
	struct fs_task_state ts;
	tid_t free_tid;
	ext4_fsblk_t blk;
	bool done;
};

static struct ext4_rig *ext4_rig_new(bool journal)
{
	struct ext4_rig *e = g_new0(struct ext4_rig, 1);
	struct sim_world_params wp = { .seed = 2 };
	struct ext4_sim_mount_opts o;

	e->w = sim_world_new(&wp);
	ext4_sim_mount_opts_default(&o);
	o.size = 64u << 20;
	o.blocks_per_group = 4096;
	o.journal = journal;
	e->sb = ext4_sim_mount(e->w, &o);
	g_assert_false(IS_ERR(e->sb));
	e->inode = ext4_sim_new_inode(e->sb);
	return e;
}

static void ext4_rig_free(struct ext4_rig *e)
{
	ext4_sim_free_inode(e->inode);
	ext4_sim_unmount(e->sb);
	sim_world_free(e->w);
	g_free(e);
}

static void ext4_user(struct sim_task *t, void *arg)
{
	struct ext4_rig *e = arg;
	struct ext4_sb_info *sbi = EXT4_SB(e->sb);
	struct ext4_allocation_request ar = {
		.inode = e->inode, .len = 8, .goal = 3000,
	};
	handle_t *handle;
	tid_t tid;
	int err, credits;

	(void)t;
	g_assert_cmpint(ext4_inode_attach_jinode(e->inode), ==, 0);
	handle = ext4_journal_start(e->inode, EXT4_HT_MAP_BLOCKS, 20);
	g_assert_nonnull(handle);
	g_assert_false(IS_ERR(handle));
	g_assert_true(ext4_journal_current_handle() == handle);
	credits = handle->h_buffer_credits;
	e->blk = ext4_mb_new_blocks(handle, &ar, &err);
	g_assert_cmpint(err, ==, 0);
	g_assert_cmpuint(ar.len, ==, 8);
	/* bitmap + group descriptor joined the transaction */
	g_assert_cmpint(handle->h_buffer_credits, ==, credits - 2);
	g_assert_cmpint(ext4_mark_inode_dirty(handle, e->inode), ==, 0);
	g_assert_cmpint(ext4_jbd2_file_inode(handle, e->inode), ==, 0);
	g_assert_true(ext4_handle_has_enough_credits(handle, credits - 3));
	g_assert_false(ext4_handle_has_enough_credits(handle, credits - 2));
	g_assert_cmpint(ext4_journal_stop(handle), ==, 0);

	handle = ext4_journal_start(e->inode, EXT4_HT_TRUNCATE, 20);
	g_assert_false(IS_ERR(handle));
	tid = ext4_sim_handle_tid(handle);
	ext4_free_blocks(handle, e->inode, NULL, e->blk, 8,
			 EXT4_FREE_BLOCKS_FORGET);
	e->free_tid = tid;
	g_assert_cmpuint(ext4_sim_disk_owner(sbi->s_disk, e->blk)->kind, ==,
			 EXT4_SIM_OWN_PENDING_FREE);
	g_assert_cmpuint(ext4_sim_mb_pending(sbi->s_mb), ==, 8);
	ext4_handle_sync(handle);
	g_assert_cmpint(ext4_journal_stop(handle), ==, 0);
	/* The sync stop waited for the commit; its callback released the
	 * pending frees. */
	g_assert_true(tid_geq(sbi->s_journal->j_commit_sequence, tid));
	g_assert_cmpuint(ext4_sim_mb_pending(sbi->s_mb), ==, 0);
	g_assert_cmpuint(ext4_sim_disk_owner(sbi->s_disk, e->blk)->kind, ==,
			 EXT4_SIM_OWN_FREE);
	/* Nothing running now: a forced commit finds nothing to do. */
	g_assert_cmpint(ext4_sim_force_commit(e->sb), ==, 0);

	ext4_sim_inode_release_jinode(e->inode);
	g_assert_cmpint(ext4_sim_journal_detach(e->sb), ==, 0);
	e->done = true;
}

static void test_ext4_pending_free_released_by_commit(void)
{
	struct ext4_rig *e = ext4_rig_new(true);
	journal_t *j = EXT4_SB(e->sb)->s_journal;
	char why[256];

	g_assert_nonnull(j);
	g_assert_cmpuint(j->j_maxlen, ==, 1024);
	fs_task_spawn(e->w, "user", ext4_user, e, &e->ts);
	g_assert_cmpint(sim_world_run(e->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_true(e->done);
	g_assert_cmpuint(j->j_stats.commits, >=, 1);
	g_assert_cmpuint(j->j_stats.blocks_logged, >, 0);
	/* The log went to the device, and metadata was written home at
	 * unmount (the checkpoint). */
	g_assert_cmpuint(EXT4_SB(e->sb)->s_disk->bdev.nr_writes, >, 0);
	g_assert_cmpuint(j->j_stats.checkpoint_blocks, >, 0);
	g_assert_cmpuint(EXT4_SB(e->sb)->s_disk->foreign_writes, ==, 0);
	if (!ext4_sim_disk_check(EXT4_SB(e->sb)->s_disk, why, sizeof(why)))
		g_error("disk check: %s", why);
	if (!ext4_sim_mb_check(e->sb, why, sizeof(why)))
		g_error("mb check: %s", why);
	ext4_rig_free(e);
}

/* ---- ext4: no journal ----------------------------------------------------- */

static void nojournal_user(struct sim_task *t, void *arg)
{
	struct ext4_rig *e = arg;
	handle_t *handle;

	(void)t;
	handle = ext4_journal_start(e->inode, EXT4_HT_MISC, 1000000);
	g_assert_null(handle);
	g_assert_false(ext4_handle_valid(handle));
	g_assert_cmpint(ext4_journal_extend(handle, 5), ==, 0);
	g_assert_cmpint(ext4_journal_restart(handle, 5), ==, 0);
	g_assert_true(ext4_handle_has_enough_credits(handle, 1 << 20));
	g_assert_cmpint(ext4_mark_inode_dirty(handle, e->inode), ==, 0);
	g_assert_cmpuint(ext4_sim_handle_tid(handle), ==, 0);
	g_assert_cmpint(ext4_sim_force_commit(e->sb), ==, 0);
	g_assert_cmpint(ext4_inode_attach_jinode(e->inode), ==, 0);
	g_assert_null(EXT4_I(e->inode)->jinode);
	g_assert_cmpint(ext4_journal_stop(handle), ==, 0);
	g_assert_cmpint(ext4_sim_journal_detach(e->sb), ==, 0);
	e->done = true;
}

static void test_ext4_nojournal(void)
{
	struct ext4_rig *e = ext4_rig_new(false);

	g_assert_null(EXT4_SB(e->sb)->s_journal);
	fs_task_spawn(e->w, "user", nojournal_user, e, &e->ts);
	g_assert_cmpint(sim_world_run(e->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_true(e->done);
	g_assert_cmpint(sim_world_now(e->w), ==, 0);   /* nothing waited */
	ext4_rig_free(e);
}

/* ---- ext4_truncate_restart_trans drops i_data_sem around the restart ----- */

struct restart_rig {
	struct ext4_rig *e;
	struct fs_task_state ts_p, ts_q;
	bool drop;              /* false: hold i_data_sem across (a bad
				 * strategy): the cycle of FIDELITY §3.4 */
	sim_time_t p_done, q_got_sem;
};

/* P: truncate-like: handle, i_data_sem (w), restart. */
static void restart_p(struct sim_task *t, void *arg)
{
	struct restart_rig *rr = arg;
	struct inode *inode = rr->e->inode;
	struct ext4_inode_info *ei = EXT4_I(inode);
	handle_t *h = ext4_journal_start(inode, EXT4_HT_TRUNCATE, 10);

	g_assert_false(IS_ERR(h));
	down_write(&ei->i_data_sem);
	sim_task_sleep(t, 1 * SIM_MSEC);
	/* Q holds a handle and is queued on i_data_sem; the commit is
	 * locked down waiting for both of us. */
	g_assert_cmpint(h->h_transaction->t_state, ==, T_LOCKED);
	if (rr->drop) {
		g_assert_cmpint(ext4_truncate_restart_trans(h, inode, 10), ==, 0);
	} else {
		g_assert_cmpint(ext4_journal_restart(h, 10), ==, 0);
		g_assert_not_reached();
	}
	g_assert_true(sim_rwsem_held_by(&ei->i_data_sem, t));
	g_assert_cmpint(sim_task_now(t), >=, rr->q_got_sem);
	up_write(&ei->i_data_sem);
	g_assert_cmpint(ext4_journal_stop(h), ==, 0);
	rr->p_done = sim_task_now(t);
}

/* Q: a handle holder that needs i_data_sem (ext4_map_blocks). */
static void restart_q(struct sim_task *t, void *arg)
{
	struct restart_rig *rr = arg;
	struct inode *inode = rr->e->inode;
	handle_t *h = ext4_journal_start(inode, EXT4_HT_MAP_BLOCKS, 5);
	journal_t *j = EXT4_SB(inode->i_sb)->s_journal;

	g_assert_false(IS_ERR(h));
	jbd2_log_start_commit(j, h->h_transaction->t_tid);
	sim_task_sleep(t, 100 * SIM_USEC);
	down_read(&EXT4_I(inode)->i_data_sem);
	rr->q_got_sem = sim_task_now(t);
	up_read(&EXT4_I(inode)->i_data_sem);
	g_assert_cmpint(ext4_journal_stop(h), ==, 0);
}

static void run_restart(bool drop)
{
	struct restart_rig rr = { .e = ext4_rig_new(true), .drop = drop };

	fs_task_spawn(rr.e->w, "P", restart_p, &rr, &rr.ts_p);
	fs_task_spawn(rr.e->w, "Q", restart_q, &rr, &rr.ts_q);
	if (drop) {
		g_assert_cmpint(sim_world_run(rr.e->w, SIM_TIME_MAX), ==,
				SIM_STOP_IDLE);
		g_assert_cmpint(rr.p_done, >, 0);
		g_assert_cmpint(rr.q_got_sem, >=, 1 * SIM_MSEC);
	} else {
		const char *rep;

		g_assert_cmpint(sim_world_run(rr.e->w, SIM_TIME_MAX), ==,
				SIM_STOP_DEADLOCK);
		rep = sim_world_deadlock_report(rr.e->w);
		g_assert_nonnull(strstr(rep, "i_data_sem"));
		g_assert_nonnull(strstr(rep, "wait_transaction_locked"));
	}
	ext4_rig_free(rr.e);
}

static void test_ext4_truncate_restart(void)
{
	run_restart(true);
	run_restart(false);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/jbd2/locked-blocks-new-handles",
			test_locked_blocks_new_handles);
	g_test_add_func("/jbd2/nested-start", test_nested_start);
	g_test_add_func("/jbd2/restart", test_restart);
	g_test_add_func("/jbd2/callback-after-commit-record",
			test_callback_after_commit_record);
	g_test_add_func("/jbd2/commit-timer", test_commit_timer);
	g_test_add_func("/jbd2/checkpoint", test_checkpoint);
	g_test_add_func("/jbd2/credits", test_credits);
	g_test_add_func("/jbd2/classic-cycle", test_classic_cycle);
	g_test_add_func("/jbd2/destroy", test_destroy);
	g_test_add_func("/jbd2/tie-shuffle", test_tie_shuffle);
	g_test_add_func("/ext4-jbd2/credits", test_ext4_credits);
	g_test_add_func("/ext4-jbd2/pending-free-released-by-commit",
			test_ext4_pending_free_released_by_commit);
	g_test_add_func("/ext4-jbd2/nojournal", test_ext4_nojournal);
	g_test_add_func("/ext4-jbd2/truncate-restart",
			test_ext4_truncate_restart);
	return g_test_run();
}
