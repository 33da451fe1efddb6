/* fs/jbd2/commit.c — committing a transaction, and the journal's invariants.
 * Mirrors jbd2_journal_commit_transaction, journal_submit_data_buffers and
 * journal_finish_inode_data_buffers of fs/jbd2/commit.c, v4.4.1.
 *
 * Transaction states (include/linux/jbd2.h; v4.4.1 has no T_SWITCH):
 *
 *   (new) ──jbd2_get_transaction──► T_RUNNING ◄── handles attach, dirty
 *                                       │         buffers, stop
 *                   commit begins       ▼
 *                                   T_LOCKED   new handles wait; the
 *                                       │      committer drains t_updates
 *                      t_updates == 0   ▼
 *                                   T_FLUSH    no longer running: new
 *                                       │      handles get a new transaction;
 *                                       │      ordered data submitted
 *                                       ▼
 *                                   T_COMMIT   descriptors + metadata to
 *                                       │      the log; ordered data waited
 *                                       ▼
 *                               T_COMMIT_DFLUSH   (data device flush)
 *                                       ▼
 *                               T_COMMIT_JFLUSH   commit record written;
 *                                       │         on the checkpoint list
 *                                       ▼
 *                              T_COMMIT_CALLBACK  j_commit_sequence = tid;
 *                                       │         j_commit_callback (ext4:
 *                                       ▼         pending frees released)
 *                                   T_FINISHED    waiters woken; freed once
 *                                                 checkpointed
 *
 * Transition table (who moves it, where):
 *   T_RUNNING        → T_LOCKED           committer, commit start
 *   T_LOCKED         → T_FLUSH            committer, after t_updates == 0
 *   T_FLUSH          → T_COMMIT           committer, ordered data submitted
 *   T_COMMIT         → T_COMMIT_DFLUSH    committer, log blocks written
 *   T_COMMIT_DFLUSH  → T_COMMIT_JFLUSH    committer
 *   T_COMMIT_JFLUSH  → T_COMMIT_CALLBACK  committer, commit record on disk
 *   T_COMMIT_CALLBACK→ T_FINISHED         committer, after the callback
 *   T_FINISHED       → (free)             checkpoint (or commit, if nothing
 *                                         is left to write home)
 *
 * Invariants (checked by jbd2_sim_check, called in SIM_CHECK()s: a failure is a model error):
 *  J1 the running transaction, if any, is T_RUNNING or T_LOCKED; it is
 *     T_LOCKED only while a committer runs and nothing else is committing.
 *  J2 the committing transaction, if any, is in T_FLUSH .. T_COMMIT_JFLUSH
 *     and has t_updates == 0 and no handles.
 *  J3 for every transaction, t_updates = the number of handles on
 *     t_handles, each pointing back at it.
 *  J4 credits: up to T_FLUSH, t_outstanding_credits = t_nr_buffers + the
 *     credits its attached handles still hold; from T_COMMIT on it is 0 (all
 *     buffers were given log blocks).  The running transaction never exceeds
 *     j_max_transaction_buffers.
 *  J5 t_nr_buffers = the size of its block set.
 *  J6 tids increase: checkpoint list (oldest first) < committing < running
 *     < j_transaction_sequence; j_commit_sequence <= j_commit_request; the
 *     committing tid is j_commit_sequence + 1; j_tail_sequence <= the oldest
 *     tid in the log.
 *  J7 log space: j_free = (j_last - j_first) - (j_head - j_tail mod the log
 *     length); j_free > 0.
 *  J8 checkpoint transactions are past T_COMMIT_JFLUSH.
 */
#include "fs/jbd2/jbd2.h"


const char *jbd2_sim_tstate_name(enum jbd2_sim_tstate s)
{
	static const char *const names[] = {
		[T_RUNNING] = "T_RUNNING",
		[T_LOCKED] = "T_LOCKED",
		[T_FLUSH] = "T_FLUSH",
		[T_COMMIT] = "T_COMMIT",
		[T_COMMIT_DFLUSH] = "T_COMMIT_DFLUSH",
		[T_COMMIT_JFLUSH] = "T_COMMIT_JFLUSH",
		[T_COMMIT_CALLBACK] = "T_COMMIT_CALLBACK",
		[T_FINISHED] = "T_FINISHED",
	};

	return (unsigned)s < SIM_ARRAY_SIZE(names) ? names[s] : "T_?";
}

/* J3, J4, J5 for one transaction. */
static bool check_transaction(const journal_t *j, const transaction_t *t)
{
	const struct sim_list *pos;
	int nhandles = 0, held = 0;

	if (t->t_journal != j)
		return false;
	sim_list_for_each(pos, &t->t_handles) {
		const handle_t *h = sim_list_entry(pos, handle_t, h_tnode);

		if (h->h_transaction != t || h->h_buffer_credits < 0)
			return false;
		nhandles++;
		held += h->h_buffer_credits;
	}
	if (nhandles != t->t_updates)                           /* J3 */
		return false;
	if ((unsigned)t->t_nr_buffers != t->t_bufs.n)           /* J5 */
		return false;
	if (t->t_state <= T_FLUSH) {                             /* J4 */
		if (t->t_outstanding_credits != t->t_nr_buffers + held)
			return false;
	} else if (t->t_outstanding_credits != 0) {
		return false;
	}
	return true;
}

bool jbd2_sim_check(const journal_t *j)
{
	const transaction_t *run = j->j_running_transaction;
	const transaction_t *com = j->j_committing_transaction;
	const struct sim_list *pos;
	unsigned long len = j->j_last - j->j_first, used;
	bool have_prev = false;
	tid_t prev = 0;

	if (run) {                                               /* J1 */
		if (run->t_state != T_RUNNING && run->t_state != T_LOCKED)
			return false;
		if (run->t_state == T_LOCKED && (com || !j->j_committer))
			return false;
		if (!check_transaction(j, run))
			return false;
		if (run->t_outstanding_credits > j->j_max_transaction_buffers)
			return false;
		if (!tid_gt(j->j_transaction_sequence, run->t_tid))  /* J6 */
			return false;
	}
	if (com) {                                               /* J2 */
		if (com->t_state < T_FLUSH || com->t_state > T_COMMIT_JFLUSH)
			return false;
		if (com->t_updates || !sim_list_empty(&com->t_handles))
			return false;
		if (!check_transaction(j, com))
			return false;
		if (run && !tid_gt(run->t_tid, com->t_tid))      /* J6 */
			return false;
		if (com->t_tid != j->j_commit_sequence + 1)
			return false;
	}
	if (tid_gt(j->j_commit_sequence, j->j_commit_request))  /* J6 */
		return false;
	sim_list_for_each(pos, &j->j_checkpoint_transactions) {
		const transaction_t *t =
			sim_list_entry(pos, transaction_t, t_cpnode);

		if (t->t_state < T_COMMIT_JFLUSH)                /* J8 */
			return false;
		if (t->t_updates || !check_transaction(j, t))
			return false;
		if (have_prev && !tid_gt(t->t_tid, prev))        /* J6 */
			return false;
		if (tid_gt(j->j_tail_sequence, t->t_tid))
			return false;
		prev = t->t_tid;
		have_prev = true;
	}
	if (have_prev && com && !tid_gt(com->t_tid, prev))
		return false;
	if (j->j_last) {                                         /* J7 */
		used = (j->j_head + len - j->j_tail) % len;
		if (j->j_free != len - used || j->j_free == 0)
			return false;
	}
	return true;
}

/* ---- ordered data ------------------------------------------------------------ */

/*
 * data=ordered: submit the dirty pages of every inode attached to the
 * transaction (the kernel uses writepage, never writepages, so nothing is
 * allocated here).  The page-cache module provides the writeout through
 * j_submit_inode_data_buffers; without it there is nothing to flush.
 */
static int journal_submit_data_buffers(journal_t *journal,
				       transaction_t *commit_transaction)
{
	struct sim_list *pos;
	int err, ret = 0;

	sim_list_for_each(pos, &commit_transaction->t_inode_list) {
		struct jbd2_inode *jinode =
			sim_list_entry(pos, struct jbd2_inode, i_list);

		jinode->i_flags |= JI_COMMIT_RUNNING;
		err = journal->j_submit_inode_data_buffers ?
			journal->j_submit_inode_data_buffers(journal, jinode) :
			0;
		if (!ret)
			ret = err;
		SIM_BUG_ON(jinode->i_transaction != commit_transaction);
		jinode->i_flags &= ~JI_COMMIT_RUNNING;
		sim_waitq_wake_all(&journal->j_wait_inode);
	}
	return ret;
}

/* Wait for that data, then refile each inode to the transaction it joined
 * meanwhile (or to none). */
static int journal_finish_inode_data_buffers(journal_t *journal,
					     transaction_t *commit_transaction)
{
	struct sim_list *pos, *tmp;
	int err, ret = 0;

	sim_list_for_each(pos, &commit_transaction->t_inode_list) {
		struct jbd2_inode *jinode =
			sim_list_entry(pos, struct jbd2_inode, i_list);

		jinode->i_flags |= JI_COMMIT_RUNNING;
		err = journal->j_finish_inode_data_buffers ?
			journal->j_finish_inode_data_buffers(journal, jinode) :
			0;
		if (!ret)
			ret = err;
		jinode->i_flags &= ~JI_COMMIT_RUNNING;
		sim_waitq_wake_all(&journal->j_wait_inode);
	}

	sim_list_for_each_safe(pos, tmp, &commit_transaction->t_inode_list) {
		struct jbd2_inode *jinode =
			sim_list_entry(pos, struct jbd2_inode, i_list);

		sim_list_del(&jinode->i_list);
		if (jinode->i_next_transaction) {
			jinode->i_transaction = jinode->i_next_transaction;
			jinode->i_next_transaction = NULL;
			sim_list_add_tail(&jinode->i_list,
					  &jinode->i_transaction->t_inode_list);
		} else {
			jinode->i_transaction = NULL;
		}
	}
	return ret;
}

/* Descriptor blocks for n tagged buffers: a 12-byte header, 16-byte tags
 * (csum v3 layout) and the 16-byte UUID after the first tag. */
static unsigned descriptor_blocks(const journal_t *journal, unsigned n)
{
	unsigned per = (journal->j_blocksize - 12 - 16) / 16;

	return n ? DIV_ROUND_UP(n, per) : 0;
}

/* ---- the commit ----------------------------------------------------------------- */

/*
 * Commit the running transaction.  Runs in kjournald2 (or in the unmounting
 * task); blocks on the handle drain, the ordered-data writeout and the log
 * IO.
 */
void jbd2_journal_commit_transaction(journal_t *journal)
{
	struct sim_task *task = current;
	transaction_t *commit_transaction;
	sim_time_t locked_at, now;
	unsigned long first_block, log_start;
	unsigned nlog, i;
	tid_t first_tid;
	bool update_tail;
	int err;

	SIM_BUG_ON(journal->j_running_transaction == NULL);
	SIM_BUG_ON(journal->j_committing_transaction != NULL);
	SIM_BUG_ON(journal->j_committer != NULL);
	commit_transaction = journal->j_running_transaction;
	journal->j_committer = task;

	/* First job: lock down the transaction and wait for all outstanding
	 * updates (handles) to complete.  For lockdep this is the exclusive
	 * side of "jbd2_handle" (FIDELITY §6.6). */
	SIM_BUG_ON(commit_transaction->t_state != T_RUNNING);
	commit_transaction->t_state = T_LOCKED;
	locked_at = sim_task_now(task);
	commit_transaction->t_locked_at = locked_at;
	sim_task_note(task, "jbd2_journal_commit_transaction", "T_LOCKED",
		      "jbd2", commit_transaction->t_tid);
	SIM_CHECK(jbd2_sim_check(journal));

	sim_lockdep_acquire(task, &journal->j_handle_map, journal, false,
			    "jbd2_journal_commit_transaction");
	while (commit_transaction->t_updates)
		sim_waitq_sleep(task, &journal->j_wait_updates,
				&journal->j_wo_updates,
				"jbd2_journal_commit_transaction");
	sim_lockdep_release(task, journal);

	SIM_BUG_ON(commit_transaction->t_outstanding_credits >
		   journal->j_max_transaction_buffers);

	/* No reserved buffers, revoke tables or checkpoint-list cleaning in
	 * the model (see jbd2.h). */

	commit_transaction->t_state = T_FLUSH;
	journal->j_committing_transaction = commit_transaction;
	journal->j_running_transaction = NULL;
	commit_transaction->t_log_start = journal->j_head;
	sim_waitq_wake_all(&journal->j_wait_transaction_locked);
	now = sim_task_now(task);
	sim_hist_record(&journal->j_stats.locked_time, now - locked_at);
	sim_task_note(task, "jbd2_journal_commit_transaction", "T_FLUSH",
		      "jbd2", commit_transaction->t_tid);
	SIM_CHECK(jbd2_sim_check(journal));

	/* Data blocks go first (data=ordered). */
	err = journal_submit_data_buffers(journal, commit_transaction);
	SIM_BUG_ON(err != 0);    /* the model has no IO errors */

	commit_transaction->t_state = T_COMMIT;

	/* Give every buffer and descriptor a log block; the credits the
	 * buffers held are released as they get one. */
	nlog = descriptor_blocks(journal, commit_transaction->t_bufs.n) +
	       commit_transaction->t_bufs.n;
	log_start = journal->j_head;
	for (i = 0; i < nlog; i++)
		jbd2_journal_next_log_block(journal);
	commit_transaction->t_outstanding_credits -=
		commit_transaction->t_nr_buffers;
	commit_transaction->t_log_blocks = (int)nlog;
	SIM_CHECK(jbd2_sim_check(journal));

	err = jbd2_sim_write(journal, JBD2_SIM_IO_LOG, log_start, nlog);
	SIM_BUG_ON(err != 0);

	err = journal_finish_inode_data_buffers(journal, commit_transaction);
	SIM_BUG_ON(err != 0);

	/* Oldest transaction still in the log, taken before the flush: the
	 * tail moves only if that frees a quarter of the log. */
	update_tail = jbd2_journal_get_log_tail(journal, &first_tid,
						&first_block);
	if (update_tail) {
		long freed = (long)first_block - (long)journal->j_tail;

		if (first_block < journal->j_tail)
			freed += (long)(journal->j_last - journal->j_first);
		if (freed < (long)(journal->j_maxlen / 4))
			update_tail = false;
	}
	commit_transaction->t_state = T_COMMIT_DFLUSH;

	/* Internal journal: no separate data-device flush. */
	commit_transaction->t_state = T_COMMIT_JFLUSH;

	/* The commit record (preflush + FUA in the kernel's barrier mode). */
	err = jbd2_sim_write(journal, JBD2_SIM_IO_COMMIT,
			     jbd2_journal_next_log_block(journal), 1);
	SIM_BUG_ON(err != 0);
	commit_transaction->t_log_blocks++;

	if (update_tail)
		jbd2_update_log_tail(journal, first_tid, first_block);

	/* Its metadata must now be written home before the log space can be
	 * reused. */
	__jbd2_journal_insert_checkpoint(journal, commit_transaction);

	commit_transaction->t_state = T_COMMIT_CALLBACK;
	journal->j_commit_sequence = commit_transaction->t_tid;
	journal->j_committing_transaction = NULL;
	now = sim_task_now(task);
	/* Weight the average towards history (as the kernel does). */
	if (journal->j_average_commit_time)
		journal->j_average_commit_time =
			((now - locked_at) + journal->j_average_commit_time * 3) / 4;
	else
		journal->j_average_commit_time = now - locked_at;
	SIM_CHECK(jbd2_sim_check(journal));

	if (journal->j_commit_callback)
		journal->j_commit_callback(journal, commit_transaction);

	commit_transaction->t_state = T_FINISHED;
	journal->j_committer = NULL;
	journal->j_stats.commits++;
	sim_hist_record(&journal->j_stats.commit_time,
			sim_task_now(task) - locked_at);
	sim_task_note(task, "jbd2_journal_commit_transaction", "T_FINISHED",
		      "jbd2", commit_transaction->t_tid);
	/* Nothing to write home: drop it now (the kernel does so when its
	 * checkpoint lists are empty).  A checkpoint that already wrote it
	 * home while the callback ran left the freeing to us. */
	if (commit_transaction->t_nr_buffers == 0)
		sim_list_del(&commit_transaction->t_cpnode);
	if (sim_list_empty(&commit_transaction->t_cpnode))
		jbd2_sim_transaction_free(journal, commit_transaction);
	SIM_CHECK(jbd2_sim_check(journal));
	sim_waitq_wake_all(&journal->j_wait_done_commit);
}
