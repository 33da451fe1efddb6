/* fs/ext4/fsync.c — ext4_sync_file (fs/ext4/fsync.c, v4.4.1): write back
 * and wait for the range's dirty pages (filemap_write_and_wait_range: no
 * i_mutex, no fault lock), then wait for the commit of the transaction
 * that last journalled the inode (jbd2_complete_transaction), and flush
 * the device cache when that commit will not (or already did).
 *
 * The inode's transaction: the kernel records ei->i_sync_tid (and
 * i_datasync_tid) whenever the inode is journalled.  The model asks the
 * journal instead: the running or committing transaction whose block set
 * holds the inode's key (ext4_mark_inode_dirty journals it under
 * JBD2_SIM_INODE_KEY); if neither does, it is committed already.
 * datasync waits for the same transaction (the kernel's i_datasync_tid
 * skips commits that changed only timestamps).
 *
 * Without a journal: generic_file_fsync — write and wait, then a cache
 * flush (the inode-table block write of sync_inode_metadata is not
 * modelled).  data=journal: ext4_force_commit.
 */
#include "config.h"

#include "fs/ext4/ext4_map.h"
#include "fs/block/block.h"
#include "fs/block/disk.h"

/* blkdev_issue_flush: an empty REQ_FLUSH request, waited for. */
static int ext4_sim_issue_flush(struct super_block *sb)
{
	struct bio bio;

	bio_init(&bio);
	bio.bi_bdev = &EXT4_SB(sb)->s_disk->bdev;
	return submit_bio_wait(WRITE | REQ_FLUSH, &bio);
}

/* The tid fsync must wait for, or 0 with *none set when the inode's last
 * change is committed already. */
static tid_t ext4_sim_inode_sync_tid(journal_t *journal, struct inode *inode,
				     bool *none)
{
	uint64_t key = JBD2_SIM_INODE_KEY(inode->i_ino);
	transaction_t *t;

	*none = false;
	t = journal->j_running_transaction;
	if (t && jbd2_sim_bufset_contains(&t->t_bufs, key))
		return t->t_tid;
	t = journal->j_committing_transaction;
	if (t && jbd2_sim_bufset_contains(&t->t_bufs, key))
		return t->t_tid;
	*none = true;
	return journal->j_commit_sequence;
}

int ext4_sync_file(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct inode *inode = file->f_mapping->host;
	journal_t *journal = EXT4_SB(inode->i_sb)->s_journal;
	bool committed;
	tid_t commit_tid;
	int ret, err;

	(void)datasync;
	SIM_BUG_ON(ext4_journal_current_handle() != NULL);

	if (!journal) {
		/* generic_file_fsync */
		ret = filemap_write_and_wait_range(inode->i_mapping, start, end);
		if (ret)
			return ret;
		return ext4_sim_issue_flush(inode->i_sb);
	}

	ret = filemap_write_and_wait_range(inode->i_mapping, start, end);
	if (ret)
		return ret;
	/* data=journal: the data is in the journal; commit it.  (The model
	 * writes data=journal like ordered, so this only forces a commit.) */
	if (ext4_should_journal_data(inode))
		return jbd2_journal_force_commit(journal);

	commit_tid = ext4_sim_inode_sync_tid(journal, inode, &committed);
	if (committed) {
		/* jbd2_trans_will_send_data_barrier is false: no commit will
		 * flush the cache for this data, so flush it ourselves. */
		return ext4_sim_issue_flush(inode->i_sb);
	}
	/* The commit's preflush + FUA commit record cover the data. */
	ret = jbd2_complete_transaction(journal, commit_tid);
	err = 0;
	return ret ? ret : err;
}
