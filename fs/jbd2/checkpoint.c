/* fs/jbd2/checkpoint.c — writing committed metadata home so log space can be
 * reused.  Mirrors fs/jbd2/checkpoint.c of v4.4.1: __jbd2_log_wait_for_space,
 * jbd2_log_do_checkpoint, jbd2_cleanup_journal_tail,
 * __jbd2_journal_insert_checkpoint; and the forget/revoke effect of
 * jbd2_journal_forget / jbd2_journal_revoke on checkpointing.
 *
 * A committed transaction stays on j_checkpoint_transactions (oldest first)
 * until a checkpoint pass has written its blocks to their home locations;
 * then the log tail may move past it (jbd2_cleanup_journal_tail) and its log
 * blocks count as free again.
 *
 * Which copy is written home: the kernel keeps one journal_head per buffer,
 * so when a newer transaction commits a block, the block leaves the older
 * transaction's checkpoint list; and a block forgotten (freed) by a
 * transaction is not written home at all once that transaction commits —
 * otherwise a checkpoint could write stale metadata over the block's next
 * owner.  The model keeps the same effect with one journal-wide map
 * (j_cp_owner: block → tid of the committed transaction whose copy is to
 * be written home); a checkpoint pass writes a block only if it is the
 * owner.
 *
 * Simplified: no background writeback of metadata (the kernel's flusher
 * may write checkpointed buffers earlier; here only a checkpoint pass
 * does); a pass writes the oldest transaction's blocks in ascending block
 * order, contiguous runs as one IO each, one IO after the other (the kernel
 * submits a batch of up to 64 buffers under a plug and waits for them);
 * an inode's on-disk copy (JBD2_SIM_INODE_KEY) has no modelled home block
 * and costs no IO.
 *
 * Lock order: j_checkpoint_mutex, taken with no other journal lock held.
 */
#include "fs/jbd2/jbd2.h"
#include "fs/task_state.h"

#include <stdlib.h>

/* ---- j_cp_owner: block → tid whose copy goes home ------------------------- */

static unsigned cpmap_slot(uint64_t key, unsigned mask)
{
	key ^= key >> 33;
	key *= UINT64_C(0xff51afd7ed558ccd);
	key ^= key >> 33;
	return (unsigned)key & mask;
}

static void cpmap_put(struct jbd2_sim_cpmap *m, uint64_t key, tid_t tid);

static void cpmap_grow(struct jbd2_sim_cpmap *m)
{
	struct jbd2_sim_cpmap old = *m;
	unsigned i;

	m->size = old.size ? old.size * 2 : 1024;
	m->n = 0;
	m->slots = calloc(m->size, sizeof(*m->slots));
	SIM_BUG_ON(m->slots == NULL);
	for (i = 0; i < old.size; i++)
		if (old.slots[i].used)
			cpmap_put(m, old.slots[i].key, old.slots[i].tid);
	free(old.slots);
}

static struct jbd2_sim_cpslot *cpmap_find(const struct jbd2_sim_cpmap *m,
					  uint64_t key)
{
	unsigned mask, i;

	if (!m->size)
		return NULL;
	mask = m->size - 1;
	for (i = cpmap_slot(key, mask); m->slots[i].used; i = (i + 1) & mask)
		if (m->slots[i].key == key)
			return &m->slots[i];
	return NULL;
}

static void cpmap_put(struct jbd2_sim_cpmap *m, uint64_t key, tid_t tid)
{
	struct jbd2_sim_cpslot *s = cpmap_find(m, key);
	unsigned mask, i;

	if (s) {
		s->tid = tid;
		return;
	}
	if (2 * (m->n + 1) > m->size)
		cpmap_grow(m);
	mask = m->size - 1;
	for (i = cpmap_slot(key, mask); m->slots[i].used; i = (i + 1) & mask)
		;
	m->slots[i] = (struct jbd2_sim_cpslot){ key, tid, true };
	m->n++;
}

/* Linear probing with backward-shift deletion (no tombstones). */
static void cpmap_del(struct jbd2_sim_cpmap *m, struct jbd2_sim_cpslot *s)
{
	unsigned mask = m->size - 1;
	unsigned hole = (unsigned)(s - m->slots), i = hole;

	for (;;) {
		unsigned home;

		i = (i + 1) & mask;
		if (!m->slots[i].used)
			break;
		home = cpmap_slot(m->slots[i].key, mask);
		/* move slot i into the hole unless its home lies cyclically
		 * in (hole, i] */
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			m->slots[hole] = m->slots[i];
			hole = i;
		}
	}
	m->slots[hole].used = false;
	m->n--;
}

void jbd2_sim_cpmap_free(struct jbd2_sim_cpmap *m)
{
	free(m->slots);
	*m = (struct jbd2_sim_cpmap){ 0 };
}

/* ---- the checkpoint list --------------------------------------------------- */

/*
 * A transaction has committed: its blocks' copies are now the ones to write
 * home (superseding older transactions'), except blocks it forgot.
 */
void __jbd2_journal_insert_checkpoint(journal_t *journal,
				      transaction_t *transaction)
{
	unsigned k;

	for (k = 0; k < transaction->t_bufs.n; k++)
		cpmap_put(&journal->j_cp_owner, transaction->t_bufs.keys[k],
			  transaction->t_tid);
	for (k = 0; k < transaction->t_forget.n; k++) {
		struct jbd2_sim_cpslot *s =
			cpmap_find(&journal->j_cp_owner,
				   transaction->t_forget.keys[k]);

		if (s)
			cpmap_del(&journal->j_cp_owner, s);
	}
	sim_list_add_tail(&transaction->t_cpnode,
			  &journal->j_checkpoint_transactions);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Collect the blocks whose home copy is this transaction's, sorted. */
static unsigned checkpoint_collect(journal_t *journal, transaction_t *t)
{
	unsigned k, n = 0;

	if (journal->j_cp_scratch_cap < t->t_bufs.n) {
		free(journal->j_cp_scratch);
		journal->j_cp_scratch_cap = t->t_bufs.n;
		journal->j_cp_scratch =
			malloc(t->t_bufs.n * sizeof(*journal->j_cp_scratch));
		SIM_BUG_ON(journal->j_cp_scratch == NULL);
	}
	for (k = 0; k < t->t_bufs.n; k++) {
		uint64_t key = t->t_bufs.keys[k];
		struct jbd2_sim_cpslot *s =
			cpmap_find(&journal->j_cp_owner, key);

		if (!s || s->tid != t->t_tid)
			continue;  /* superseded or forgotten */
		cpmap_del(&journal->j_cp_owner, s);
		if (!JBD2_SIM_KEY_IS_INODE(key))
			journal->j_cp_scratch[n++] = key;
	}
	qsort(journal->j_cp_scratch, n, sizeof(*journal->j_cp_scratch),
	      cmp_u64);
	return n;
}

/*
 * Write the oldest checkpoint transaction's blocks home and drop it; then
 * move the log tail.  Called with j_checkpoint_mutex held.
 */
int jbd2_log_do_checkpoint(journal_t *journal)
{
	transaction_t *transaction;
	unsigned n, i;
	int result;

	SIM_BUG_ON(!sim_mutex_held_by(&journal->j_checkpoint_mutex, current));

	/* First: drop whatever no longer needs checkpointing. */
	result = jbd2_cleanup_journal_tail(journal);
	if (result <= 0)
		return result;

	if (sim_list_empty(&journal->j_checkpoint_transactions))
		goto out;
	transaction = sim_list_first_entry(&journal->j_checkpoint_transactions,
					   transaction_t, t_cpnode);
	sim_task_note(current, "jbd2_log_do_checkpoint", "checkpoint", "jbd2",
		      transaction->t_tid);

	n = checkpoint_collect(journal, transaction);
	for (i = 0; i < n;) {
		unsigned run = 1;

		while (i + run < n &&
		       journal->j_cp_scratch[i + run] ==
			       journal->j_cp_scratch[i] + run)
			run++;
		result = jbd2_sim_write(journal, JBD2_SIM_IO_CHECKPOINT,
					journal->j_cp_scratch[i], run);
		SIM_BUG_ON(result != 0);   /* the model has no IO errors */
		i += run;
	}
	journal->j_stats.checkpoints++;
	journal->j_stats.checkpoint_blocks += n;

	/* Only checkpoint passes (under the mutex we hold) remove
	 * transactions from the list, so it is still the first one. */
	sim_list_del(&transaction->t_cpnode);
	/* Still in its commit callback: the commit frees it. */
	if (transaction->t_state == T_FINISHED)
		jbd2_sim_transaction_free(journal, transaction);
out:
	result = jbd2_cleanup_journal_tail(journal);
	return result < 0 ? result : 0;
}

/*
 * Move the tail past transactions no longer needed in the log.
 * 0: moved, 1: nothing to do, < 0: error.
 */
int jbd2_cleanup_journal_tail(journal_t *journal)
{
	tid_t first_tid;
	unsigned long blocknr;

	if (is_journal_aborted(journal))
		return -EIO;
	if (!jbd2_journal_get_log_tail(journal, &first_tid, &blocknr))
		return 1;
	SIM_BUG_ON(blocknr == 0);
	return __jbd2_update_log_tail(journal, first_tid, blocknr);
}

/*
 * Wait until the log has room for a whole transaction: checkpoint the
 * oldest transaction, or move the tail, or wait for the committing
 * transaction.  The caller (start_this_handle) holds no journal lock.
 */
void __jbd2_log_wait_for_space(journal_t *journal)
{
	int nblocks = jbd2_space_needed(journal);

	while (jbd2_log_space_left(journal) < nblocks) {
		mutex_lock(&journal->j_checkpoint_mutex);

		/* Test again: another task may have checkpointed while we
		 * waited for the mutex. */
		nblocks = jbd2_space_needed(journal);
		if (jbd2_log_space_left(journal) < nblocks) {
			bool chkpt = !sim_list_empty(
				&journal->j_checkpoint_transactions);
			transaction_t *committing =
				journal->j_committing_transaction;
			tid_t tid = committing ? committing->t_tid : 0;

			if (chkpt) {
				jbd2_log_do_checkpoint(journal);
			} else if (jbd2_cleanup_journal_tail(journal) == 0) {
				/* We were able to recover space. */
			} else if (committing) {
				/* The commit may want the mutex. */
				mutex_unlock(&journal->j_checkpoint_mutex);
				jbd2_log_wait_commit(journal, tid);
				continue;
			} else {
				/* The kernel aborts the journal: no way to
				 * get more space.  A model bug (journal far
				 * too small for its transactions). */
				sim_bug(__FILE__, __LINE__,
					"no way to get more journal space");
			}
		}
		mutex_unlock(&journal->j_checkpoint_mutex);
	}
}
