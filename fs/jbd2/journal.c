/* fs/jbd2/journal.c — the journal object, kjournald2 and commit requests.
 * Mirrors fs/jbd2/journal.c of v4.4.1: journal_reset, kjournald2,
 * commit_timeout, jbd2_journal_start_thread, journal_kill_thread,
 * __jbd2_log_start_commit, jbd2_log_start_commit, jbd2_log_wait_commit,
 * jbd2_complete_transaction, jbd2_journal_start_commit,
 * __jbd2_journal_force_commit, jbd2_journal_next_log_block,
 * jbd2_journal_get_log_tail, __jbd2_update_log_tail, jbd2_update_log_tail,
 * jbd2_journal_destroy; jbd2_get_transaction from transaction.c.
 *
 * kjournald2 is a sim task spawned by jbd2_journal_load.  It sleeps on
 * j_wait_commit until the commit timer fires (each new transaction arms it
 * at t_expires = start + commit interval) or j_commit_request moves past
 * j_commit_sequence (fsync, restart, full transaction, ENOSPC retry), then
 * commits (commit.c).
 *
 * Simplified: no journal superblock contents, no recovery (journal_reset
 * always starts an empty log), no freezing.  Transaction objects are
 * recycled through j_free_transactions so that steady state allocates
 * nothing.  Journal IO goes through jbd2_sim_write (one place to reach the
 * block layer); its time is simulated device time.
 *
 * Lock order: j_checkpoint_mutex only (jbd2_update_log_tail).
 */
#include "fs/jbd2/jbd2.h"
#include "fs/task_state.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- wait objects: what the deadlock detector sees ------------------------ */

static struct sim_task *journal_committer(const journal_t *journal)
{
	return journal->j_committer ? journal->j_committer : journal->j_task;
}

static void blocker_is_committer(const journal_t *journal,
				 const struct sim_task *waiter,
				 sim_blocker_fn fn, void *ctx)
{
	struct sim_task *c = journal_committer(journal);

	if (c && c != waiter)
		fn(c, ctx);
}

static void locked_for_each_blocker(const struct sim_waitobj *o,
				    const struct sim_task *waiter,
				    sim_blocker_fn fn, void *ctx)
{
	blocker_is_committer(container_of(o, journal_t, j_wo_locked), waiter,
			     fn, ctx);
}

static void locked_describe(const struct sim_waitobj *o, char *buf,
			    size_t len)
{
	const journal_t *j = container_of(o, journal_t, j_wo_locked);
	const transaction_t *t = j->j_running_transaction;

	if (t)
		snprintf(buf, len,
			 "journal start: transaction %u %s, %d handles, %d/%d credits",
			 t->t_tid, jbd2_sim_tstate_name(t->t_state),
			 t->t_updates, t->t_outstanding_credits,
			 j->j_max_transaction_buffers);
	else
		snprintf(buf, len, "journal start: no running transaction");
}

/* The committer waits for every task still holding a handle on the
 * transaction it locked. */
static void updates_for_each_blocker(const struct sim_waitobj *o,
				     const struct sim_task *waiter,
				     sim_blocker_fn fn, void *ctx)
{
	const journal_t *j = container_of(o, journal_t, j_wo_updates);
	const transaction_t *t = j->j_running_transaction;
	const struct sim_list *pos;

	if (!t || t->t_state != T_LOCKED)
		return;
	sim_list_for_each(pos, &t->t_handles) {
		const handle_t *h = sim_list_entry(pos, handle_t, h_tnode);

		if (h->h_task != waiter)
			fn(h->h_task, ctx);
	}
}

static void updates_describe(const struct sim_waitobj *o, char *buf,
			     size_t len)
{
	const journal_t *j = container_of(o, journal_t, j_wo_updates);
	const transaction_t *t = j->j_running_transaction;

	if (t)
		snprintf(buf, len,
			 "jbd2 commit of transaction %u: waiting for %d handles (t_updates)",
			 t->t_tid, t->t_updates);
	else
		snprintf(buf, len, "jbd2 commit: t_updates");
}

static void commit_for_each_blocker(const struct sim_waitobj *o,
				    const struct sim_task *waiter,
				    sim_blocker_fn fn, void *ctx)
{
	blocker_is_committer(container_of(o, journal_t, j_wo_commit), waiter,
			     fn, ctx);
}

static void commit_describe(const struct sim_waitobj *o, char *buf,
			    size_t len)
{
	const journal_t *j = container_of(o, journal_t, j_wo_commit);

	snprintf(buf, len,
		 "jbd2 commit: committed %u, requested %u, committing %s",
		 j->j_commit_sequence, j->j_commit_request,
		 j->j_committing_transaction ?
			 jbd2_sim_tstate_name(
				 j->j_committing_transaction->t_state) :
			 "none");
}

static const struct sim_waitobj_ops jbd2_locked_ops = {
	.kind = "journal",
	.for_each_blocker = locked_for_each_blocker,
	.describe = locked_describe,
};

static const struct sim_waitobj_ops jbd2_updates_ops = {
	.kind = "journal",
	.for_each_blocker = updates_for_each_blocker,
	.describe = updates_describe,
};

static const struct sim_waitobj_ops jbd2_commit_ops = {
	.kind = "journal",
	.for_each_blocker = commit_for_each_blocker,
	.describe = commit_describe,
};

/* ---- transactions --------------------------------------------------------- */

transaction_t *jbd2_sim_transaction_alloc(journal_t *journal)
{
	transaction_t *t;

	if (!sim_list_empty(&journal->j_free_transactions)) {
		t = sim_list_first_entry(&journal->j_free_transactions,
					 transaction_t, t_cpnode);
		sim_list_del(&t->t_cpnode);
	} else {
		t = calloc(1, sizeof(*t));
		SIM_BUG_ON(t == NULL);
		sim_list_init(&t->t_cpnode);
	}
	return t;
}

void jbd2_sim_transaction_free(journal_t *journal, transaction_t *t)
{
	SIM_BUG_ON(t->t_updates != 0);
	SIM_BUG_ON(!sim_list_empty(&t->t_inode_list));
	sim_list_add_tail(&t->t_cpnode, &journal->j_free_transactions);
}

static void bufset_clear(struct jbd2_sim_bufset *s)
{
	s->n = 0;
	if (s->index)
		memset(s->index, 0, s->index_size * sizeof(*s->index));
}

/*
 * Create a new running transaction (the journal has none).  Keeps the block
 * set's storage of a recycled object, emptied.
 */
void jbd2_get_transaction(journal_t *journal, transaction_t *t)
{
	struct jbd2_sim_bufset bufs = t->t_bufs, forget = t->t_forget;
	sim_time_t now = sim_world_now(journal->j_world);

	SIM_BUG_ON(journal->j_running_transaction != NULL);
	bufset_clear(&bufs);
	bufset_clear(&forget);
	*t = (transaction_t){
		.t_journal = journal,
		.t_tid = journal->j_transaction_sequence++,
		.t_state = T_RUNNING,
		.t_start = now,
		.t_expires = now + journal->j_commit_interval,
		.t_bufs = bufs,
		.t_forget = forget,
	};
	sim_list_init(&t->t_inode_list);
	sim_list_init(&t->t_handles);
	sim_list_init(&t->t_cpnode);

	/* Set up the commit timer for the new transaction. */
	sim_event_schedule_at(journal->j_world, &journal->j_commit_timer,
			      t->t_expires);
	journal->j_running_transaction = t;
}

/* ---- creation, kjournald2, destruction -------------------------------------- */

static void commit_timeout(struct sim_world *w, struct sim_event *ev)
{
	journal_t *journal = container_of(ev, journal_t, j_commit_timer);

	(void)w;
	sim_waitq_wake_all(&journal->j_wait_commit);
}

journal_t *jbd2_sim_journal_new(struct sim_world *w, struct super_block *sb,
				const struct jbd2_sim_params *p)
{
	journal_t *j;

	if (p->maxlen < JBD2_MIN_JOURNAL_BLOCKS)
		return NULL;
	j = calloc(1, sizeof(*j));
	SIM_BUG_ON(j == NULL);
	j->j_private = sb;
	j->j_world = w;
	j->j_blocksize = p->blocksize ? p->blocksize : 4096;
	j->j_maxlen = p->maxlen;
	j->j_commit_interval = p->commit_interval ? p->commit_interval :
						    JBD2_DEFAULT_MAX_COMMIT_AGE;
	/* ext4 defaults (EXT4_DEF_MIN/MAX_BATCH_TIME: 0, 15000 us) */
	j->j_min_batch_time = 0;
	j->j_max_batch_time = 15 * SIM_MSEC;

	sim_list_init(&j->j_checkpoint_transactions);
	sim_list_init(&j->j_free_transactions);
	sim_waitq_init(&j->j_wait_transaction_locked);
	sim_waitq_init(&j->j_wait_done_commit);
	sim_waitq_init(&j->j_wait_commit);
	sim_waitq_init(&j->j_wait_updates);
	sim_waitq_init(&j->j_wait_inode);
	j->j_wo_locked = (struct sim_waitobj){ &jbd2_locked_ops,
					       "jbd2 transaction locked" };
	j->j_wo_updates = (struct sim_waitobj){ &jbd2_updates_ops,
						"jbd2 t_updates" };
	j->j_wo_commit = (struct sim_waitobj){ &jbd2_commit_ops,
					       "jbd2 commit" };
	sim_mutex_init(w, &j->j_checkpoint_mutex, "j_checkpoint_mutex");
	sim_lockdep_map_init(w, &j->j_handle_map, "jbd2_handle");
	sim_event_init(w, &j->j_commit_timer, commit_timeout);

	sim_hist_init(&j->j_stats.commit_time);
	sim_hist_init(&j->j_stats.locked_time);
	sim_hist_init(&j->j_stats.start_wait);
	return j;
}

static void kjournald2(struct sim_task *task, void *arg)
{
	journal_t *journal = arg;
	transaction_t *transaction;

	/* Record that the journal thread is running */
	journal->j_task = task;
	sim_waitq_wake_all(&journal->j_wait_done_commit);

	for (;;) {
		if (journal->j_flags & JBD2_UNMOUNT)
			break;

		if (journal->j_commit_sequence != journal->j_commit_request) {
			sim_event_cancel(journal->j_world,
					 &journal->j_commit_timer);
			jbd2_journal_commit_transaction(journal);
			continue;
		}

		sim_waitq_wake_all(&journal->j_wait_done_commit);
		transaction = journal->j_running_transaction;
		if (!(transaction &&
		      sim_task_now(task) >= transaction->t_expires)) {
			/* Idle, waiting for work: no deadlock if nothing
			 * else is left (but a committer is a real task). */
			sim_task_set_daemon(task, true);
			sim_waitq_sleep(task, &journal->j_wait_commit, NULL,
					"kjournald2");
			sim_task_set_daemon(task, false);
		}

		/* Were we woken up by the commit timer? */
		transaction = journal->j_running_transaction;
		if (transaction && sim_task_now(task) >= transaction->t_expires &&
		    !tid_geq(journal->j_commit_request, transaction->t_tid))
			journal->j_commit_request = transaction->t_tid;
	}

	sim_event_cancel(journal->j_world, &journal->j_commit_timer);
	journal->j_task = NULL;
	sim_waitq_wake_all(&journal->j_wait_done_commit);
}

/* journal_reset + jbd2_journal_start_thread. */
int jbd2_journal_load(journal_t *journal)
{
	journal->j_first = 1;          /* block 0: the journal superblock */
	journal->j_last = journal->j_maxlen;
	journal->j_head = journal->j_first;
	journal->j_tail = journal->j_first;
	journal->j_free = journal->j_last - journal->j_first;

	journal->j_transaction_sequence = 1;
	journal->j_tail_sequence = journal->j_transaction_sequence;
	journal->j_commit_sequence = journal->j_transaction_sequence - 1;
	journal->j_commit_request = journal->j_commit_sequence;
	journal->j_max_transaction_buffers = (int)(journal->j_maxlen / 4);

	/* The kernel waits for the thread to run; a sim task spawned now
	 * runs before anything scheduled later at this time, and nothing
	 * below depends on j_task being set already. */
	sim_task_spawn(journal->j_world, "kjournald2", kjournald2, journal);
	SIM_CHECK(jbd2_sim_check(journal));
	return 0;
}

static void journal_kill_thread(journal_t *journal)
{
	journal->j_flags |= JBD2_UNMOUNT;
	while (journal->j_task) {
		sim_waitq_wake_all(&journal->j_wait_commit);
		sim_waitq_sleep(current, &journal->j_wait_done_commit,
				&journal->j_wo_commit, "journal_kill_thread");
	}
}

/*
 * Unmount: stop kjournald2, commit what is running (in this task, as the
 * kernel does), then checkpoint everything.  The caller holds no handle.
 */
int jbd2_journal_destroy(journal_t *journal)
{
	SIM_BUG_ON(journal_current_handle() != NULL);
	/* A commit kjournald2 has in progress finishes before it exits. */
	journal_kill_thread(journal);

	if (journal->j_running_transaction) {
		/* Record the request too (the kernel does not bother: the
		 * thread is gone), so j_commit_request stays >= sequence. */
		journal->j_commit_request =
			journal->j_running_transaction->t_tid;
		jbd2_journal_commit_transaction(journal);
	}

	while (!sim_list_empty(&journal->j_checkpoint_transactions)) {
		mutex_lock(&journal->j_checkpoint_mutex);
		jbd2_log_do_checkpoint(journal);
		mutex_unlock(&journal->j_checkpoint_mutex);
	}
	mutex_lock(&journal->j_checkpoint_mutex);
	jbd2_cleanup_journal_tail(journal);
	mutex_unlock(&journal->j_checkpoint_mutex);
	SIM_CHECK(jbd2_sim_check(journal));
	return 0;
}

static void transaction_release(transaction_t *t)
{
	free(t->t_bufs.keys);
	free(t->t_bufs.index);
	free(t->t_forget.keys);
	free(t->t_forget.index);
	free(t);
}

void jbd2_sim_journal_free(journal_t *journal)
{
	struct sim_list *pos, *tmp;

	if (!journal)
		return;
	/* Handles of tasks that never stopped are not touched: their
	 * storage belongs to the tasks. */
	if (journal->j_running_transaction)
		transaction_release(journal->j_running_transaction);
	if (journal->j_committing_transaction)
		transaction_release(journal->j_committing_transaction);
	sim_list_for_each_safe(pos, tmp, &journal->j_checkpoint_transactions)
		transaction_release(sim_list_entry(pos, transaction_t,
						   t_cpnode));
	sim_list_for_each_safe(pos, tmp, &journal->j_free_transactions)
		transaction_release(sim_list_entry(pos, transaction_t,
						   t_cpnode));
	sim_event_destroy(journal->j_world, &journal->j_commit_timer);
	jbd2_sim_cpmap_free(&journal->j_cp_owner);
	free(journal->j_cp_scratch);
	free(journal);
}

/* ---- commit requests -------------------------------------------------------- */

/*
 * Ask kjournald2 to commit `target`; true if a commit was started.  Only the
 * running transaction can be asked for; an older tid is already committing
 * or done.
 */
int __jbd2_log_start_commit(journal_t *journal, tid_t target)
{
	transaction_t *running = journal->j_running_transaction;

	/* Return if the txn has already requested to be committed */
	if (journal->j_commit_request == target)
		return 0;

	if (running && running->t_tid == target) {
		/* Mark the request and wake the commit thread; we do not
		 * commit ourselves. */
		journal->j_commit_request = target;
		running->t_requested = sim_world_now(journal->j_world);
		journal->j_stats.commits_requested++;
		sim_waitq_wake_all(&journal->j_wait_commit);
		return 1;
	}
	/* The kernel WARNs on a request for a tid beyond the running one. */
	SIM_BUG_ON(!tid_geq(journal->j_commit_request, target));
	return 0;
}

int jbd2_log_start_commit(journal_t *journal, tid_t tid)
{
	return __jbd2_log_start_commit(journal, tid);
}

/* Wait until transaction tid has committed. */
int jbd2_log_wait_commit(journal_t *journal, tid_t tid)
{
	while (tid_gt(tid, journal->j_commit_sequence)) {
		sim_waitq_wake_all(&journal->j_wait_commit);
		sim_task_note(current, "jbd2_log_wait_commit", "wait",
			      "jbd2 commit", tid);
		sim_waitq_sleep(current, &journal->j_wait_done_commit,
				&journal->j_wo_commit, "jbd2_log_wait_commit");
	}
	return is_journal_aborted(journal) ? -EIO : 0;
}

/* Make sure tid is committed: request its commit if it is still running,
 * and wait (fsync). */
int jbd2_complete_transaction(journal_t *journal, tid_t tid)
{
	transaction_t *running = journal->j_running_transaction;
	transaction_t *committing = journal->j_committing_transaction;

	if (running && running->t_tid == tid) {
		if (journal->j_commit_request != tid)
			jbd2_log_start_commit(journal, tid);
	} else if (!(committing && committing->t_tid == tid)) {
		return 0;
	}
	return jbd2_log_wait_commit(journal, tid);
}

int jbd2_journal_start_commit(journal_t *journal, tid_t *ptid)
{
	if (journal->j_running_transaction) {
		tid_t tid = journal->j_running_transaction->t_tid;

		__jbd2_log_start_commit(journal, tid);
		if (ptid)
			*ptid = tid;
		return 1;
	}
	if (journal->j_committing_transaction) {
		if (ptid)
			*ptid = journal->j_committing_transaction->t_tid;
		return 1;
	}
	return 0;
}

/*
 * Force and wait for any uncommitted transaction.  The running one can only
 * be forced if we hold no handle (else we would wait for ourselves).
 * < 0: error, 0: nothing to commit, 1: a transaction was committed.
 */
static int __jbd2_journal_force_commit(journal_t *journal)
{
	transaction_t *transaction = NULL;
	bool need_to_start = false;
	tid_t tid;
	int ret;

	if (journal->j_running_transaction && !journal_current_handle()) {
		transaction = journal->j_running_transaction;
		if (!tid_geq(journal->j_commit_request, transaction->t_tid))
			need_to_start = true;
	} else if (journal->j_committing_transaction) {
		transaction = journal->j_committing_transaction;
	}
	if (!transaction)
		return 0;

	tid = transaction->t_tid;
	if (need_to_start)
		jbd2_log_start_commit(journal, tid);
	ret = jbd2_log_wait_commit(journal, tid);
	return ret ? ret : 1;
}

/* ENOSPC retry (ext4_should_retry_alloc): true if progress was made. */
int jbd2_journal_force_commit_nested(journal_t *journal)
{
	return __jbd2_journal_force_commit(journal) > 0;
}

int jbd2_journal_force_commit(journal_t *journal)
{
	int ret;

	SIM_BUG_ON(journal_current_handle() != NULL);
	ret = __jbd2_journal_force_commit(journal);
	return ret > 0 ? 0 : ret;
}

/* ---- the log ------------------------------------------------------------------- */

/* Next block of the log for the commit (the kernel asserts j_free > 1: the
 * space reservation in start_this_handle guarantees it). */
unsigned long jbd2_journal_next_log_block(journal_t *journal)
{
	unsigned long blocknr;

	SIM_BUG_ON(journal->j_free <= 1);
	blocknr = journal->j_head;
	journal->j_head++;
	journal->j_free--;
	if (journal->j_head == journal->j_last)
		journal->j_head = journal->j_first;
	return blocknr;
}

/*
 * Where the log would start if we dropped everything already written home:
 * the oldest checkpoint transaction, else the committing one, else the
 * head.  True if that is newer than the current tail.
 */
bool jbd2_journal_get_log_tail(journal_t *journal, tid_t *tid,
			       unsigned long *block)
{
	transaction_t *t;

	if (!sim_list_empty(&journal->j_checkpoint_transactions)) {
		t = sim_list_first_entry(&journal->j_checkpoint_transactions,
					 transaction_t, t_cpnode);
		*tid = t->t_tid;
		*block = t->t_log_start;
	} else if ((t = journal->j_committing_transaction) != NULL) {
		*tid = t->t_tid;
		*block = t->t_log_start;
	} else if ((t = journal->j_running_transaction) != NULL) {
		*tid = t->t_tid;
		*block = journal->j_head;
	} else {
		*tid = journal->j_transaction_sequence;
		*block = journal->j_head;
	}
	return tid_gt(*tid, journal->j_tail_sequence);
}

/*
 * Move the log tail to `block` (tid): write the journal superblock (FUA),
 * then give the space back.  Under j_checkpoint_mutex.
 */
int __jbd2_update_log_tail(journal_t *journal, tid_t tid, unsigned long block)
{
	unsigned long freed;
	int ret;

	SIM_BUG_ON(!sim_mutex_held_by(&journal->j_checkpoint_mutex, current));
	ret = jbd2_sim_write(journal, JBD2_SIM_IO_SUPERBLOCK, 0, 1);
	if (ret)
		return ret;

	freed = block - journal->j_tail;
	if (block < journal->j_tail)
		freed += journal->j_last - journal->j_first;
	journal->j_free += freed;
	journal->j_tail_sequence = tid;
	journal->j_tail = block;
	SIM_CHECK(jbd2_sim_check(journal));
	return 0;
}

void jbd2_update_log_tail(journal_t *journal, tid_t tid, unsigned long block)
{
	mutex_lock(&journal->j_checkpoint_mutex);
	if (tid_gt(tid, journal->j_tail_sequence))
		__jbd2_update_log_tail(journal, tid, block);
	mutex_unlock(&journal->j_checkpoint_mutex);
}

/* ---- IO ------------------------------------------------------------------------- */

/*
 * All journal IO goes through here: log writes are split where the log
 * wraps (j_last → j_first), then handed to the IO hook (the block layer),
 * which makes the calling task wait for the device.  Without a hook, IO is
 * instantaneous (unit tests of the state machine only).
 */
int jbd2_sim_write(journal_t *journal, enum jbd2_sim_io_kind kind,
		   uint64_t blocknr, unsigned count)
{
	if (kind == JBD2_SIM_IO_LOG || kind == JBD2_SIM_IO_COMMIT)
		journal->j_stats.blocks_logged += count;
	if (!journal->j_sim_io || !count)
		return 0;
	if ((kind == JBD2_SIM_IO_LOG || kind == JBD2_SIM_IO_COMMIT) &&
	    blocknr + count > journal->j_last) {
		unsigned first = (unsigned)(journal->j_last - blocknr);
		int ret = journal->j_sim_io(journal, kind, blocknr, first);

		if (ret)
			return ret;
		return journal->j_sim_io(journal, kind, journal->j_first,
					 count - first);
	}
	return journal->j_sim_io(journal, kind, blocknr, count);
}

/* ---- statistics ------------------------------------------------------------------ */

/* The shape of /proc/fs/jbd2/<dev>/info (jbd2_seq_info_show), with the
 * model's waits added.  Times in microseconds. */
void jbd2_sim_stats_print(const journal_t *journal, FILE *out)
{
	const struct jbd2_sim_stats *s = &journal->j_stats;
	uint64_t n = s->commits ? s->commits : 1;

	fprintf(out, "%" PRIu64 " transactions (%" PRIu64
		" requested), each up to %d blocks\n",
		s->commits, s->commits_requested,
		journal->j_max_transaction_buffers);
	fprintf(out, "average:\n");
	fprintf(out, "  %.1fus waiting in start_this_handle (%" PRIu64
		" T_LOCKED/full waits, %" PRIu64 " log space waits)\n",
		sim_hist_mean(&s->start_wait) / 1e3, s->locked_waits,
		s->space_waits);
	fprintf(out, "  %.1fus transaction was being locked\n",
		sim_hist_mean(&s->locked_time) / 1e3);
	fprintf(out, "  %.1fus average transaction commit time\n",
		sim_hist_mean(&s->commit_time) / 1e3);
	fprintf(out, "  %" PRIu64 " handles per transaction\n",
		s->handles / n);
	fprintf(out, "  %" PRIu64 " logged blocks per transaction\n",
		s->blocks_logged / n);
	fprintf(out, "%" PRIu64 " checkpoints, %" PRIu64
		" blocks written home\n",
		s->checkpoints, s->checkpoint_blocks);
}
