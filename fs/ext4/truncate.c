/* fs/ext4/truncate.c — truncate(2): do_truncate (fs/open.c), the size part
 * of ext4_setattr, ext4_truncate and ext4_block_truncate_page
 * (fs/ext4/inode.c), ext4_begin_ordered_truncate (ext4.h, with jbd2's
 * jbd2_journal_begin_ordered_truncate folded in), in the step order of the active strategy's version
 * (FIDELITY 2.12):
 *
 *   v4.4.1  ordered shrink: begin_ordered_truncate [IO]; handle (3 credits),
 *           orphan add, i_data_sem (w): i_disksize, i_size lowered; stop;
 *           grow: pagecache_isize_extended; shrink with a journal:
 *           DIOREAD_LOCK + inode_dio_wait (data=journal: wait for the tail
 *           page's commit); [remove_lock] truncate_pagecache;
 *           ext4_truncate (handle, zero the tail block, i_data_sem (w),
 *           ext4_ext_truncate with restarts); [remove_unlock].
 *   v4.5    the same, with i_mmap_sem (w) around truncate_pagecache and
 *           ext4_truncate.
 *   v5.15   shrink: begin_ordered_truncate, inode_dio_wait first;
 *           invalidate_lock (w) BEFORE the i_size update
 *           (EXT4_LOCK_BEFORE_ISIZE) + ext4_break_layouts; size update;
 *           truncate_pagecache; ext4_truncate for any size <= the old one.
 * In every version i_size is lowered before the page cache is dropped:
 * that ordering, with the i_size checks in the fault paths, is what keeps
 * truncate out of the fault race (FIDELITY 3.1).
 *
 * Lock order: sb_start_write > i_mutex > DIOREAD_LOCK > i_mmap_sem /
 * invalidate_lock > transaction start > i_data_sem.
 *
 * Simplified: see fs/ext4/truncate.h (no orphan list: ext4_orphan_add/del
 * are comments, there is no crash to recover from; no IS_SYNC; extents
 * only).  ext4_wait_for_tail_page_commit (data=journal) cannot ask jbd2
 * whether the tail page's buffers belong to the committing transaction
 * (__ext4_journalled_invalidatepage -> -EBUSY): it waits for the
 * committing transaction, if any, whenever the tail page is cached — an
 * over-approximation of the kernel's wait.
 */
#include "config.h"

#include "fs/ext4/truncate.h"
#include "fs/ext4/ext4_extents.h"
#include "fs/ext4/ext4_jbd2.h"
#include "fs/costs.h"
#include "fs/oracle/oracle.h"

/* ---- helpers ------------------------------------------------------------------------ */

/* ext4_begin_ordered_truncate + jbd2_journal_begin_ordered_truncate: if the
 * inode's ordered data belongs to the transaction now committing, start
 * writeback of everything beyond the new size so the commit does not wait
 * on pages the truncate is about to drop. */
static int ext4_begin_ordered_truncate(struct inode *inode, loff_t new_size)
{
	struct jbd2_inode *jinode = EXT4_I(inode)->jinode;
	journal_t *journal = EXT4_SB(inode->i_sb)->s_journal;

	if (!jinode || !journal || !jinode->i_transaction)
		return 0;
	if (jinode->i_transaction != journal->j_committing_transaction)
		return 0;
	return filemap_fdatawrite_range(inode->i_mapping, new_size, LLONG_MAX);
}

/* data=journal shrink: the tail page's journalled buffers cannot be
 * invalidated while their transaction commits (see the file comment). */
static void ext4_wait_for_tail_page_commit(struct inode *inode)
{
	journal_t *journal = EXT4_SB(inode->i_sb)->s_journal;
	unsigned offset = (unsigned)(inode->i_size & (PAGE_SIZE - 1));
	struct page *page;
	tid_t commit_tid;

	/* all buffers of the last page stay valid: nothing to do */
	if (offset > PAGE_SIZE - inode->i_sb->s_blocksize)
		return;
	page = find_lock_page(inode->i_mapping,
			      (pgoff_t)(inode->i_size >> PAGE_SHIFT));
	if (!page)
		return;
	unlock_page(page);
	put_page(page);
	if (!journal || !journal->j_committing_transaction)
		return;
	commit_tid = journal->j_committing_transaction->t_tid;
	jbd2_log_wait_commit(journal, commit_tid);
}

/* Zero the rest of the block holding from (static in the kernel). */
static int ext4_block_truncate_page(handle_t *handle,
				    struct address_space *mapping, loff_t from)
{
	unsigned offset = (unsigned)(from & (PAGE_SIZE - 1));
	unsigned blocksize = mapping->host->i_sb->s_blocksize;
	unsigned length = blocksize - (offset & (blocksize - 1));

	return ext4_block_zero_page_range(handle, mapping, from, length);
}

/* ---- ext4_truncate ------------------------------------------------------------------ */

void ext4_truncate(struct inode *inode)
{
	struct ext4_inode_info *ei = EXT4_I(inode);
	struct address_space *mapping = inode->i_mapping;
	unsigned bs = inode->i_sb->s_blocksize;
	handle_t *handle;
	bool held;

	SIM_BUG_ON(!sim_mutex_is_locked(&inode->i_mutex));
	/* ext4_can_truncate: a regular extent-mapped file, always here; no
	 * EOFBLOCKS flag, no DA_ALLOC_CLOSE heuristic, no inline data */

	/* zeroing the tail of the last block needs the jbd2 inode */
	if (inode->i_size & (bs - 1)) {
		if (ext4_inode_attach_jinode(inode) < 0)
			return;
	}

	handle = ext4_journal_start(inode, EXT4_HT_TRUNCATE,
				    ext4_writepage_trans_blocks(inode));
	if (IS_ERR(handle))
		return;

	if (inode->i_size & (bs - 1))
		ext4_block_truncate_page(handle, mapping, inode->i_size);

	/* ext4_orphan_add(handle, inode): so that a truncate spanning
	 * several transactions resumes after a crash — no crashes here */

	held = ext4_sim_data_sem_held_across(inode);
	if (!held)
		down_write(&ei->i_data_sem);
	/* ext4_discard_preallocations: none in the model */
	/* sets i_disksize, purges the es cache, removes the blocks beyond
	 * i_size; restarts the handle as needed, dropping i_data_sem (not
	 * under design A) */
	ext4_sim_step("ext4_ext_truncate", inode->i_size);
	ext4_ext_truncate(handle, inode);
	if (!held)
		up_write(&ei->i_data_sem);
	/* IS_SYNC: never.  ext4_orphan_del: see above. */

	inode->i_mtime = inode->i_ctime = ext4_current_time(inode);
	ext4_mark_inode_dirty(handle, inode);
	ext4_journal_stop(handle);
}

/* ---- ext4_setattr (ATTR_SIZE) ---------------------------------------------------------- */

int ext4_setattr(struct inode *inode, const struct iattr *attr)
{
	enum ext4_kver kver = ext4_sim_kver(inode);
	bool lock_first = ext4_sim_lock_has(inode, EXT4_LOCK_BEFORE_ISIZE);
	loff_t oldsize = inode->i_size;
	handle_t *handle;
	bool shrink, orphan = false;
	uint64_t op;
	int error = 0, rc = 0;

	SIM_BUG_ON(!sim_mutex_is_locked(&inode->i_mutex));
	if (!(attr->ia_valid & ATTR_SIZE))
		return 0;
	/* inode_change_ok -> inode_newsize_ok */
	if (attr->ia_size > ext4_sim_maxbytes(inode->i_sb))
		return -EFBIG;

	/* v5.15 counts an unchanged size as no shrink (but still truncates
	 * below); v4.4/v4.5 as a shrink */
	shrink = kver == EXT4_KVER_5_15 ? attr->ia_size < oldsize
					: attr->ia_size <= oldsize;
	op = fs_oracle_remove_begin(inode, FS_ORACLE_TRUNCATE, attr->ia_size,
				    0);

	if (kver == EXT4_KVER_5_15) {
		if (shrink) {
			if (ext4_should_order_data(inode)) {
				error = ext4_begin_ordered_truncate(inode,
							attr->ia_size);
				if (error)
					goto err_out;
			}
			/* blocks are going away: wait for DIO in flight */
			inode_dio_wait(inode);
		}
	} else if (ext4_should_order_data(inode) && attr->ia_size < oldsize) {
		error = ext4_begin_ordered_truncate(inode, attr->ia_size);
		if (error)
			goto err_out;
	}

	if (lock_first) {
		ext4_sim_remove_lock(inode, attr->ia_size, LLONG_MAX);
		if (kver == EXT4_KVER_5_15) {
			rc = ext4_break_layouts(inode);
			if (rc)
				goto out_mmap_sem;
		}
	}

	if (attr->ia_size != inode->i_size) {
		handle = ext4_journal_start(inode, EXT4_HT_INODE, 3);
		if (IS_ERR(handle)) {
			error = (int)PTR_ERR(handle);
			goto out_mmap_sem;
		}
		/* ext4_orphan_add (see ext4_truncate) — but whether it would
		 * run decides the DIO wait below, as in v4.4/v4.5 */
		if (ext4_handle_valid(handle) && shrink)
			orphan = true;
		/* truncate up updates c/mtime here, ext4_truncate on shrink */
		if (!shrink)
			inode->i_mtime = inode->i_ctime =
				ext4_current_time(inode);
		/* i_size with i_disksize under i_data_sem, against
		 * ext4_wb_update_i_disksize in writeback */
		down_write(&EXT4_I(inode)->i_data_sem);
		EXT4_I(inode)->i_disksize = attr->ia_size;
		rc = ext4_mark_inode_dirty(handle, inode);
		if (!error)
			error = rc;
		if (!error) {
			i_size_write(inode, attr->ia_size);
			ext4_sim_step("i_size_write", attr->ia_size);
		}
		up_write(&EXT4_I(inode)->i_data_sem);
		ext4_journal_stop(handle);
		if (error)
			goto out_mmap_sem;
		if (kver == EXT4_KVER_5_15) {
			if (!shrink)
				pagecache_isize_extended(inode, oldsize,
							 inode->i_size);
			else if (ext4_should_journal_data(inode))
				ext4_wait_for_tail_page_commit(inode);
		}
	}

	if (kver != EXT4_KVER_5_15) {
		if (!shrink)
			pagecache_isize_extended(inode, oldsize,
						 inode->i_size);
		/* blocks are going away: wait for DIO in flight, with
		 * dioread_nolock disabled meanwhile to prevent livelock */
		if (orphan) {
			if (!ext4_should_journal_data(inode)) {
				ext4_inode_block_unlocked_dio(inode);
				inode_dio_wait(inode);
				ext4_inode_resume_unlocked_dio(inode);
			} else {
				ext4_wait_for_tail_page_commit(inode);
			}
		}
	}

	/* v4.5 i_mmap_sem (w); design A i_data_sem (w) */
	if (!lock_first)
		ext4_sim_remove_lock(inode, inode->i_size, LLONG_MAX);
	/* after the data=journal commit wait, so the pages can be freed */
	ext4_sim_step("truncate_pagecache", inode->i_size);
	truncate_pagecache(inode, inode->i_size);
	if (kver == EXT4_KVER_5_15 ? attr->ia_size <= oldsize : shrink)
		ext4_truncate(inode);
	if (!lock_first)
		ext4_sim_remove_unlock(inode, inode->i_size, LLONG_MAX);
out_mmap_sem:
	if (lock_first)
		ext4_sim_remove_unlock(inode, attr->ia_size, LLONG_MAX);
	if (!error && !rc) {
		/* setattr_copy; mark_inode_dirty (ext4_dirty_inode) */
		mark_inode_dirty(inode);
	}
	/* orphan && i_nlink: ext4_orphan_del — see ext4_truncate */
err_out:
	fs_oracle_remove_end(inode, op, error ? error : rc);
	return error ? error : rc;
}

/* ---- do_truncate (fs/open.c) ----------------------------------------------------------- */

int do_truncate(struct inode *inode, loff_t length)
{
	const struct fs_costs *costs = inode->i_sb->s_costs;
	struct iattr attr = { .ia_valid = ATTR_SIZE, .ia_size = length };
	int ret;

	if (costs)
		sim_task_delay(current, costs->syscall_entry);
	if (length < 0)
		return -EINVAL;
	sb_start_write(inode->i_sb);
	mutex_lock(&inode->i_mutex);
	ret = ext4_setattr(inode, &attr);   /* notify_change */
	mutex_unlock(&inode->i_mutex);
	sb_end_write(inode->i_sb);
	return ret;
}
