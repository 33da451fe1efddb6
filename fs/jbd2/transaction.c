/* fs/jbd2/transaction.c — handles: start, extend, restart, stop, and the
 * per-transaction bookkeeping of journalled blocks and ordered-data inodes.
 * Mirrors fs/jbd2/transaction.c of v4.4.1: start_this_handle,
 * add_transaction_credits, wait_transaction_locked, jbd2__journal_start,
 * jbd2_journal_extend, jbd2__journal_restart, jbd2_journal_stop,
 * jbd2_journal_dirty_metadata, jbd2_journal_file_inode,
 * jbd2_journal_release_jbd_inode.
 *
 * Blocking rules of start_this_handle (FIDELITY §6.3), in the kernel's order:
 * running transaction T_LOCKED → wait until the commit leaves T_LOCKED;
 * transaction would exceed j_max_transaction_buffers → request its commit
 * and wait the same way; log space low → checkpoint or wait for the
 * committing transaction.  A nested start (the task already holds a handle)
 * only takes another reference and never blocks.
 *
 * Lockdep and the deadlock detector (FIDELITY §6.6): a handle is a shared
 * hold of the pseudo-lock "jbd2_handle" from start_this_handle to
 * stop/restart; the committer's drain of t_updates is the exclusive side
 * (commit.c).  A task waiting in wait_transaction_locked waits on
 * j_wo_locked, whose blocker is the committing task; the committer waits on
 * j_wo_updates, whose blockers are the tasks on t_handles.  So "A holds M and
 * waits in journal start, the commit waits for B's handle, B waits for M" is
 * a cycle in the engine's wait-for graph.
 *
 * Simplified: no reserved handles (h_rsv_handle, j_reserved_credits), no
 * j_barrier_count, no journal abort; jbd2_journal_get_write_access never
 * waits (the kernel may wait for a buffer being shadowed to the log by the
 * committing transaction — a short IO wait we do not model).  Handles live in
 * the task's struct fs_task_state (one per task) instead of a slab.
 *
 * Lock order: j_checkpoint_mutex is the only real lock taken here (in
 * __jbd2_log_wait_for_space, checkpoint.c), with no other journal lock held.
 */
#include "fs/jbd2/jbd2.h"
#include "fs/buffer_head.h"
#include "fs/task_state.h"

#include <stdlib.h>
#include <string.h>

/* ---- the per-transaction block set ---------------------------------------- */

static unsigned bufset_slot(uint64_t key, unsigned mask)
{
	/* splitmix64 finaliser: keys are block numbers, often consecutive */
	key ^= key >> 30;
	key *= UINT64_C(0xbf58476d1ce4e5b9);
	key ^= key >> 27;
	key *= UINT64_C(0x94d049bb133111eb);
	key ^= key >> 31;
	return (unsigned)key & mask;
}

bool jbd2_sim_bufset_contains(const struct jbd2_sim_bufset *s, uint64_t key)
{
	unsigned mask, i;

	if (!s->index_size)
		return false;
	mask = s->index_size - 1;
	for (i = bufset_slot(key, mask); s->index[i]; i = (i + 1) & mask)
		if (s->keys[s->index[i] - 1] == key)
			return true;
	return false;
}

static void bufset_grow(struct jbd2_sim_bufset *s)
{
	unsigned cap = s->cap ? s->cap * 2 : 64;
	unsigned size = cap * 2, mask = size - 1, k;

	s->keys = realloc(s->keys, cap * sizeof(*s->keys));
	free(s->index);
	s->index = calloc(size, sizeof(*s->index));
	SIM_BUG_ON(!s->keys || !s->index);
	s->cap = cap;
	s->index_size = size;
	for (k = 0; k < s->n; k++) {
		unsigned i = bufset_slot(s->keys[k], mask);

		while (s->index[i])
			i = (i + 1) & mask;
		s->index[i] = k + 1;
	}
}

/* Adds key; false if it was already there. */
static bool bufset_add(struct jbd2_sim_bufset *s, uint64_t key)
{
	unsigned mask, i;

	if (jbd2_sim_bufset_contains(s, key))
		return false;
	if (s->n == s->cap)
		bufset_grow(s);
	mask = s->index_size - 1;
	for (i = bufset_slot(key, mask); s->index[i]; i = (i + 1) & mask)
		;
	s->keys[s->n++] = key;
	s->index[i] = s->n;
	return true;
}

/* Removes key if present (used for t_forget only, whose order does not
 * matter): swap-remove in keys, backward-shift deletion in the index. */
static void bufset_del(struct jbd2_sim_bufset *s, uint64_t key)
{
	unsigned mask, i, hole, pos, last;

	if (!s->index_size)
		return;
	mask = s->index_size - 1;
	for (i = bufset_slot(key, mask); s->index[i]; i = (i + 1) & mask)
		if (s->keys[s->index[i] - 1] == key)
			break;
	if (!s->index[i])
		return;
	pos = s->index[i] - 1;
	hole = i;
	for (;;) {
		unsigned home;

		i = (i + 1) & mask;
		if (!s->index[i])
			break;
		home = bufset_slot(s->keys[s->index[i] - 1], mask);
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			s->index[hole] = s->index[i];
			hole = i;
		}
	}
	s->index[hole] = 0;

	last = --s->n;
	if (pos != last) {
		s->keys[pos] = s->keys[last];
		for (i = bufset_slot(s->keys[pos], mask);
		     s->index[i] != last + 1; i = (i + 1) & mask)
			;
		s->index[i] = pos + 1;
	}
}

/* ---- starting a handle ------------------------------------------------------ */

/* The handle holders of a transaction are the blockers of a committer that
 * waits for t_updates == 0; keep the list in attach order. */
static void handle_attach(transaction_t *transaction, handle_t *handle)
{
	handle->h_transaction = transaction;
	handle->h_task = current;
	handle->h_start = sim_task_now(current);
	transaction->t_updates++;
	transaction->t_handle_count++;
	sim_list_add_tail(&handle->h_tnode, &transaction->t_handles);
	transaction->t_journal->j_stats.handles++;
}

/* Drops t_updates; wakes the committer when the last handle leaves. */
static void handle_detach(journal_t *journal, transaction_t *transaction,
			  handle_t *handle)
{
	SIM_BUG_ON(transaction->t_updates <= 0);
	sim_list_del(&handle->h_tnode);
	handle->h_transaction = NULL;
	if (--transaction->t_updates == 0)
		sim_waitq_wake_all(&journal->j_wait_updates);
}

/*
 * Wait until the running transaction passes T_LOCKED, asking for its commit
 * if nobody has yet.  One wake-up (at T_FLUSH) and the caller retries, as in
 * the kernel.
 */
static void wait_transaction_locked(journal_t *journal)
{
	tid_t tid = journal->j_running_transaction->t_tid;
	bool need_to_start = !tid_geq(journal->j_commit_request, tid);

	if (need_to_start)
		jbd2_log_start_commit(journal, tid);
	journal->j_stats.locked_waits++;
	sim_task_note(current, "wait_transaction_locked", "wait",
		      "jbd2 T_LOCKED", tid);
	sim_waitq_sleep(current, &journal->j_wait_transaction_locked,
			&journal->j_wo_locked, "wait_transaction_locked");
}

/*
 * Returns 0 if the handle's credits were added to the running transaction,
 * 1 if we had to wait (the caller must retry from the top).
 */
static int add_transaction_credits(journal_t *journal, int blocks)
{
	transaction_t *t = journal->j_running_transaction;

	/* If the current transaction is locked down for commit, wait for the
	 * lock to be released. */
	if (t->t_state == T_LOCKED) {
		wait_transaction_locked(journal);
		return 1;
	}

	/* Too large: start its commit; we then attach to the next one. */
	if (t->t_outstanding_credits + blocks >
	    journal->j_max_transaction_buffers) {
		wait_transaction_locked(journal);
		return 1;
	}

	/* The commit assumes it can get log space without forcing a
	 * checkpoint, so make sure of the space *before* the handle may dirty
	 * buffers. */
	if (jbd2_log_space_left(journal) < jbd2_space_needed(journal)) {
		journal->j_stats.space_waits++;
		__jbd2_log_wait_for_space(journal);
		return 1;
	}

	t->t_outstanding_credits += blocks;
	return 0;
}

static int start_this_handle(journal_t *journal, handle_t *handle)
{
	transaction_t *transaction;
	int blocks = handle->h_buffer_credits;
	sim_time_t t0;
	bool waited = false;

	/* may sleep: a step boundary for schedule exploration */
	sim_task_step(current, "start_this_handle");
	t0 = sim_task_now(current);
	/* A single handle may not ask for more than a whole transaction.  The
	 * kernel also WARNs; we leave the caller to handle -ENOSPC. */
	if (blocks > journal->j_max_transaction_buffers) {
		sim_task_note(current, "start_this_handle", "too many credits",
			      "jbd2", blocks);
		return -ENOSPC;
	}

repeat:
	SIM_BUG_ON(journal->j_flags & JBD2_UNMOUNT);
	if (is_journal_aborted(journal))
		return -EROFS;

	if (!journal->j_running_transaction)
		jbd2_get_transaction(journal,
				     jbd2_sim_transaction_alloc(journal));
	transaction = journal->j_running_transaction;

	if (add_transaction_credits(journal, blocks)) {
		waited = true;
		goto repeat;
	}

	/* Account the credits (done above) and attach to the transaction. */
	handle->h_requested_credits = blocks;
	handle_attach(transaction, handle);
	fs_task_state_of(current)->journal_info = handle;
	sim_lockdep_acquire(current, &journal->j_handle_map, handle, true,
			    "start_this_handle");
	if (waited)
		sim_hist_record(&journal->j_stats.start_wait,
				sim_task_now(current) - t0);
	SIM_CHECK(jbd2_sim_check(journal));
	return 0;
}

handle_t *journal_current_handle(void)
{
	struct sim_task *t = current;
	struct fs_task_state *ts = t ? fs_task_state_of(t) : NULL;

	return ts ? ts->journal_info : NULL;
}

/*
 * Obtain a handle with nblocks credits.  A task that already holds a handle
 * gets the same one back with h_ref raised: nested starts never block.
 */
handle_t *jbd2__journal_start(journal_t *journal, int nblocks, int type)
{
	handle_t *handle = journal_current_handle();
	struct fs_task_state *ts;
	int err;

	if (!journal)
		return ERR_PTR(-EROFS);

	if (handle) {
		SIM_BUG_ON(handle->h_transaction &&
			   handle->h_transaction->t_journal != journal);
		handle->h_ref++;
		return handle;
	}

	/* Model: the task's one handle slot (the kernel allocates). */
	ts = fs_task_state_of(current);
	SIM_BUG_ON(ts == NULL);          /* task spawned without fs state */
	SIM_BUG_ON(ts->handle.h_ref != 0);  /* detached handle not stopped */
	handle = &ts->handle;
	*handle = (handle_t){
		.h_journal = journal,
		.h_buffer_credits = nblocks,
		.h_ref = 1,
		.h_type = type,
	};
	sim_list_init(&handle->h_tnode);

	err = start_this_handle(journal, handle);
	if (err < 0) {
		handle->h_ref = 0;
		return ERR_PTR(err);
	}
	return handle;
}

handle_t *jbd2_journal_start(journal_t *journal, int nblocks)
{
	return jbd2__journal_start(journal, nblocks, 0);
}

/*
 * Try to give the handle nblocks more credits in its transaction.
 * 0: done; 1: the transaction is not running, too large, or the log is too
 * full — the caller restarts; < 0: error.
 */
int jbd2_journal_extend(handle_t *handle, int nblocks)
{
	transaction_t *transaction = handle->h_transaction;
	journal_t *journal;
	int wanted;

	if (is_handle_aborted(handle))
		return -EROFS;
	SIM_BUG_ON(transaction == NULL);
	journal = transaction->t_journal;

	/* Don't extend a locked-down transaction! */
	if (transaction->t_state != T_RUNNING)
		return 1;

	wanted = transaction->t_outstanding_credits + nblocks;
	if (wanted > journal->j_max_transaction_buffers)
		return 1;
	if (wanted + (wanted >> JBD2_CONTROL_BLOCKS_SHIFT) >
	    jbd2_log_space_left(journal))
		return 1;

	transaction->t_outstanding_credits = wanted;
	handle->h_buffer_credits += nblocks;
	handle->h_requested_credits += nblocks;
	SIM_CHECK(jbd2_sim_check(journal));
	return 0;
}

/*
 * Restart a handle for a multi-transaction operation: detach from the
 * current transaction (dropping t_updates, which may let a waiting commit
 * proceed), ask for that transaction's commit, and start anew with nblocks
 * credits — which may block like any start (T_LOCKED, space).
 */
int jbd2__journal_restart(handle_t *handle, int nblocks)
{
	transaction_t *transaction = handle->h_transaction;
	journal_t *journal;
	tid_t tid;
	bool need_to_start;

	/* If we've had an abort of any type, don't even think about actually
	 * doing the restart! */
	if (is_handle_aborted(handle))
		return 0;
	SIM_BUG_ON(transaction == NULL);
	journal = transaction->t_journal;

	SIM_BUG_ON(transaction->t_updates <= 0);
	SIM_BUG_ON(journal_current_handle() != handle);

	transaction->t_outstanding_credits -= handle->h_buffer_credits;
	tid = transaction->t_tid;
	handle_detach(journal, transaction, handle);
	fs_task_state_of(current)->journal_info = NULL;
	sim_task_note(current, "jbd2__journal_restart", "restart", "jbd2",
		      tid);

	need_to_start = !tid_geq(journal->j_commit_request, tid);
	if (need_to_start)
		jbd2_log_start_commit(journal, tid);

	sim_lockdep_release(current, handle);
	handle->h_buffer_credits = nblocks;
	/* In the kernel kjournald2 runs on another CPU while this task goes
	 * on; here no simulated time passes between the detach and the new
	 * start, so without letting the events due now run first (the
	 * committer's wake-up among them) a caller that keeps needing
	 * restarts would re-join the same transaction forever.  A yield
	 * costs no simulated time. */
	sim_task_yield(current);
	return start_this_handle(journal, handle);
}

int jbd2_journal_restart(handle_t *handle, int nblocks)
{
	return jbd2__journal_restart(handle, nblocks);
}

/*
 * Drop a reference; the last one detaches the handle: unused credits go back
 * to the transaction, t_updates drops (waking a committer at 0), and a
 * commit is requested for sync handles, oversized or expired transactions.
 * Sync handles then wait for that commit.
 */
int jbd2_journal_stop(handle_t *handle)
{
	transaction_t *transaction = handle->h_transaction;
	journal_t *journal;
	struct sim_task *task = current;
	bool wait_for_commit = false;
	int err = 0;
	tid_t tid;

	if (!transaction) {
		/* Already detached (a failed restart): only drop a
		 * reference, free at zero. */
		if (--handle->h_ref > 0)
			return 0;
		goto free_and_exit;
	}
	journal = transaction->t_journal;

	SIM_BUG_ON(journal_current_handle() != handle);

	if (is_handle_aborted(handle))
		err = -EIO;
	else
		SIM_BUG_ON(transaction->t_updates <= 0);

	if (--handle->h_ref > 0)
		return err;

	/*
	 * Synchronous transaction batching: a sync handle that is not the
	 * most recent sync writer sleeps for about one commit time so others
	 * can join the transaction (commit_time clamped to
	 * [j_min_batch_time, j_max_batch_time]; ext4: 0 .. 15 ms).
	 */
	if (handle->h_sync && journal->j_last_sync_writer != sim_task_id(task) + 1 &&
	    journal->j_max_batch_time) {
		sim_time_t commit_time = journal->j_average_commit_time;
		sim_time_t trans_time = sim_task_now(task) - transaction->t_start;

		journal->j_last_sync_writer = sim_task_id(task) + 1;
		commit_time = max(commit_time, journal->j_min_batch_time);
		commit_time = min(commit_time, journal->j_max_batch_time);
		if (trans_time < commit_time)
			sim_task_sleep(task, commit_time);
	}

	if (handle->h_sync)
		transaction->t_synchronous_commit = 1;
	fs_task_state_of(task)->journal_info = NULL;
	transaction->t_outstanding_credits -= handle->h_buffer_credits;

	/* A sync handle needs another commit going; so does a transaction
	 * that has grown too large or too old. */
	if (handle->h_sync ||
	    transaction->t_outstanding_credits >
		    journal->j_max_transaction_buffers ||
	    sim_task_now(task) >= transaction->t_expires) {
		jbd2_log_start_commit(journal, transaction->t_tid);
		if (handle->h_sync)
			wait_for_commit = true;
	}

	/* Once t_updates drops the transaction may commit and be freed: do
	 * not touch it afterwards. */
	tid = transaction->t_tid;
	handle_detach(journal, transaction, handle);
	SIM_CHECK(jbd2_sim_check(journal));

	if (wait_for_commit)
		err = jbd2_log_wait_commit(journal, tid);

	sim_lockdep_release(task, handle);

free_and_exit:
	handle->h_ref = 0;
	handle->h_transaction = NULL;
	return err;
}

/* ---- buffers ------------------------------------------------------------------ */

/* Nothing to wait for in the model (see the top comment). */
int jbd2_journal_get_write_access(handle_t *handle, struct buffer_head *bh)
{
	(void)bh;
	if (is_handle_aborted(handle))
		return -EROFS;
	SIM_BUG_ON(handle->h_transaction == NULL);
	return 0;
}

/*
 * The first time a block joins a transaction it costs the handle one
 * credit.  A handle without credits left is a caller bug (the kernel returns
 * -ENOSPC and ext4 WARNs and aborts the handle).
 */
int jbd2_sim_dirty_key(handle_t *handle, uint64_t key)
{
	transaction_t *transaction = handle->h_transaction;

	if (is_handle_aborted(handle))
		return -EROFS;
	SIM_BUG_ON(transaction == NULL);
	/* Handles can still dirty buffers while the commit waits for them
	 * (T_LOCKED), never later. */
	SIM_BUG_ON(transaction->t_state > T_LOCKED);

	/* Reused after being freed in this same transaction (possible
	 * where frees are immediate, data=writeback): journalled again. */
	bufset_del(&transaction->t_forget, key);
	if (jbd2_sim_bufset_contains(&transaction->t_bufs, key))
		return 0;
	SIM_BUG_ON(handle->h_buffer_credits <= 0);  /* out of credits */
	handle->h_buffer_credits--;
	bufset_add(&transaction->t_bufs, key);
	transaction->t_nr_buffers++;
	return 0;
}

/*
 * The block is freed in this transaction.  Simplified: a block also dirtied
 * in this transaction stays in its log (the kernel unfiles it and gives the
 * credit back); either way it is never written home once we commit.
 */
int jbd2_sim_forget_key(handle_t *handle, uint64_t key)
{
	transaction_t *transaction = handle->h_transaction;

	if (is_handle_aborted(handle))
		return -EROFS;
	SIM_BUG_ON(transaction == NULL);
	SIM_BUG_ON(transaction->t_state > T_LOCKED);
	bufset_add(&transaction->t_forget, key);
	return 0;
}

int jbd2_journal_dirty_metadata(handle_t *handle, struct buffer_head *bh)
{
	/* A block is identified by its number, as in the buffer cache. */
	return jbd2_sim_dirty_key(handle, bh->b_blocknr);
}

/* ---- ordered-data inodes --------------------------------------------------- */

void jbd2_journal_init_jbd_inode(struct jbd2_inode *jinode,
				 struct inode *inode)
{
	*jinode = (struct jbd2_inode){ .i_vfs_inode = inode };
	sim_list_init(&jinode->i_list);
}

/*
 * Attach the inode to the handle's transaction so the commit writes its
 * dirty pages first (data=ordered).  An inode still on the committing
 * transaction is filed for the running one after that commit.
 */
int jbd2_journal_file_inode(handle_t *handle, struct jbd2_inode *jinode)
{
	transaction_t *transaction = handle->h_transaction;
	journal_t *journal;

	if (is_handle_aborted(handle))
		return -EROFS;
	SIM_BUG_ON(transaction == NULL);
	journal = transaction->t_journal;

	if (jinode->i_transaction == transaction ||
	    jinode->i_next_transaction == transaction)
		return 0;

	/* On some different transaction's list — the committing one. */
	if (jinode->i_transaction) {
		SIM_BUG_ON(jinode->i_next_transaction != NULL);
		SIM_BUG_ON(jinode->i_transaction !=
			   journal->j_committing_transaction);
		jinode->i_next_transaction = transaction;
		return 0;
	}
	SIM_BUG_ON(jinode->i_next_transaction != NULL);
	jinode->i_transaction = transaction;
	sim_list_add_tail(&jinode->i_list, &transaction->t_inode_list);
	return 0;
}

/*
 * The inode is going away: wait while a commit flushes its data, then take
 * it off any transaction.
 */
void jbd2_journal_release_jbd_inode(journal_t *journal,
				    struct jbd2_inode *jinode)
{
	if (!journal)
		return;
	while (jinode->i_flags & JI_COMMIT_RUNNING)
		sim_waitq_sleep(current, &journal->j_wait_inode,
				&journal->j_wo_commit,
				"jbd2_journal_release_jbd_inode");
	if (jinode->i_transaction) {
		sim_list_del(&jinode->i_list);
		jinode->i_next_transaction = NULL;
		jinode->i_transaction = NULL;
	}
}
