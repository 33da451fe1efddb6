/* fs/ext4/ext4_jbd2.c — ext4's side of the journal: handle wrappers,
 * dirtying metadata with credit accounting, ordered-data inodes, forget,
 * credit estimates, and creating the journal at mount (the device IO hook
 * it writes through is mount's: fs/ext4/super.c ext4_sim_journal_io).
 * Mirrors fs/ext4/ext4_jbd2.c and ext4_jbd2.h of v4.4.1 (__ext4_journal_start_sb,
 * __ext4_journal_stop, __ext4_handle_dirty_metadata, __ext4_forget), plus
 * pieces the kernel keeps elsewhere, gathered here because they are about
 * the journal: from fs/ext4/inode.c ext4_truncate_restart_trans,
 * ext4_meta_trans_blocks, ext4_writepage_trans_blocks,
 * ext4_chunk_trans_blocks, ext4_inode_attach_jinode, ext4_mark_inode_dirty;
 * from extents.c ext4_ext_index_trans_blocks (as ext4_index_trans_blocks);
 * from super.c ext4_journal_commit_callback and the journal part of
 * ext4_load_journal / ext4_put_super.
 *
 * Simplified: no-journal handles are NULL (no refcount); no journal abort,
 * so the error paths of the wrappers are SIM_BUG_ONs; quota credits are 0
 * (no quota); group descriptors are 32 bytes (no 64bit feature, as mkfs of
 * the v4.4 era made them).
 */
#include "config.h"

#include "fs/ext4/ext4_jbd2.h"
#include "fs/ext4/mballoc.h"
#include "fs/ext4/locking.h"
#include "fs/block/block.h"
#include "fs/task_state.h"

#include <stdlib.h>

static journal_t *EXT4_JOURNAL(struct inode *inode)
{
	return EXT4_SB(inode->i_sb)->s_journal;
}

/* ---- handles ------------------------------------------------------------------ */

handle_t *ext4_journal_current_handle(void)
{
	return journal_current_handle();
}

handle_t *ext4_journal_start_sb(struct super_block *sb, int type, int nblocks)
{
	journal_t *journal = EXT4_SB(sb)->s_journal;

	if (!journal)
		return NULL;        /* no-journal mode */
	return jbd2__journal_start(journal, nblocks, type);
}

handle_t *ext4_journal_start(struct inode *inode, int type, int nblocks)
{
	return ext4_journal_start_sb(inode->i_sb, type, nblocks);
}

int ext4_journal_stop(handle_t *handle)
{
	if (!ext4_handle_valid(handle))
		return 0;
	return jbd2_journal_stop(handle);
}

int ext4_journal_extend(handle_t *handle, int nblocks)
{
	if (ext4_handle_valid(handle))
		return jbd2_journal_extend(handle, nblocks);
	return 0;
}

int ext4_journal_restart(handle_t *handle, int nblocks)
{
	if (ext4_handle_valid(handle))
		return jbd2_journal_restart(handle, nblocks);
	return 0;
}

bool ext4_handle_has_enough_credits(handle_t *handle, int needed)
{
	return !ext4_handle_valid(handle) || handle->h_buffer_credits >= needed;
}

void ext4_handle_sync(handle_t *handle)
{
	if (ext4_handle_valid(handle))
		handle->h_sync = 1;
}

int ext4_journal_get_write_access(handle_t *handle, struct buffer_head *bh)
{
	if (ext4_handle_valid(handle))
		return jbd2_journal_get_write_access(handle, bh);
	return 0;
}

/*
 * With a journal the block joins the handle's transaction (one credit the
 * first time); without one it is simply dirty (mark_buffer_dirty).
 */
int ext4_handle_dirty_metadata(handle_t *handle, struct inode *inode,
			       struct buffer_head *bh)
{
	(void)inode;
	/* With a journal the buffer is not marked dirty: its journalled
	 * copy goes home at checkpoint (the kernel sets BH_JBDDirty, and
	 * BH_Dirty only once the transaction has committed). */
	if (ext4_handle_valid(handle))
		return jbd2_journal_dirty_metadata(handle, bh);
	mark_buffer_dirty(bh);
	return 0;
}

/* ext4_reserve_inode_write + ext4_mark_iloc_dirty, for the journal's sake:
 * the inode's on-disk copy is one journalled block per transaction. */
int ext4_mark_inode_dirty(handle_t *handle, struct inode *inode)
{
	if (!ext4_handle_valid(handle))
		return 0;
	return jbd2_sim_dirty_key(handle, JBD2_SIM_INODE_KEY(inode->i_ino));
}

/*
 * Freed block: metadata (and journalled data) is revoked, ordered data
 * with a buffer is forgotten; both mean no checkpoint writes an old copy of
 * the block home after this transaction commits.  Consumes the caller's
 * reference on bh, as the kernel's bforget / jbd2_journal_forget do.
 */
int ext4_forget(handle_t *handle, int is_metadata, struct inode *inode,
		struct buffer_head *bh, ext4_fsblk_t blocknr)
{
	int err = 0;

	/* In the no-journal case we can just do a bforget. */
	if (!ext4_handle_valid(handle)) {
		bforget(bh);
		return 0;
	}
	if ((EXT4_SB(inode->i_sb)->s_mount_opt & EXT4_MOUNT_DATA_FLAGS) ==
		    EXT4_MOUNT_JOURNAL_DATA ||
	    (!is_metadata && !ext4_should_journal_data(inode))) {
		/* data=journal, or un-journalled data: jbd2_journal_forget
		 * on the buffer if there is one. */
		if (bh)
			err = jbd2_sim_forget_key(handle, bh->b_blocknr);
	} else {
		/* jbd2_journal_revoke(blocknr) (which forgets bh too). */
		err = jbd2_sim_forget_key(handle, blocknr);
	}
	bforget(bh);
	return err;
}

int ext4_jbd2_file_inode(handle_t *handle, struct inode *inode)
{
	if (!ext4_handle_valid(handle))
		return 0;
	SIM_BUG_ON(EXT4_I(inode)->jinode == NULL);
	return jbd2_journal_file_inode(handle, EXT4_I(inode)->jinode);
}

int ext4_inode_attach_jinode(struct inode *inode)
{
	struct ext4_inode_info *ei = EXT4_I(inode);

	if (ei->jinode || !EXT4_JOURNAL(inode))
		return 0;
	ei->jinode = malloc(sizeof(*ei->jinode));
	if (!ei->jinode)
		return -ENOMEM;
	jbd2_journal_init_jbd_inode(ei->jinode, inode);
	return 0;
}

void ext4_sim_inode_release_jinode(struct inode *inode)
{
	struct ext4_inode_info *ei = EXT4_I(inode);

	if (!ei->jinode)
		return;
	jbd2_journal_release_jbd_inode(EXT4_JOURNAL(inode), ei->jinode);
	free(ei->jinode);
	ei->jinode = NULL;
}

tid_t ext4_sim_handle_tid(handle_t *handle)
{
	if (!ext4_handle_valid(handle) || !handle->h_transaction)
		return 0;
	return handle->h_transaction->t_tid;
}

int ext4_sim_force_commit(struct super_block *sb)
{
	journal_t *journal = EXT4_SB(sb)->s_journal;

	if (!journal)
		return 0;
	return jbd2_journal_force_commit_nested(journal);
}

/*
 * ext4_truncate_restart_trans lives in fs/ext4/inode.c in the kernel; it is
 * here because it is only a restart.  i_data_sem is dropped around it "to
 * avoid deadlock with ext4_map_blocks": the restart may wait for a commit,
 * and the commit for a handle holder that wants i_data_sem (FIDELITY §3.4).
 * The kernel then discards the inode's preallocations
 * (ext4_discard_preallocations) — the model has no preallocations.
 */
int ext4_truncate_restart_trans(handle_t *handle, struct inode *inode,
				int nblocks)
{
	/* Strategy i_data_sem_held (design A, fs/ext4/locking.h) keeps
	 * i_data_sem across the restart — the deadlock this drop avoids. */
	bool keep = ext4_sim_data_sem_held_across(inode);
	int ret;

	SIM_BUG_ON(EXT4_JOURNAL(inode) == NULL);
	if (!keep)
		up_write(&EXT4_I(inode)->i_data_sem);
	ret = ext4_journal_restart(handle, nblocks);
	if (!keep)
		down_write(&EXT4_I(inode)->i_data_sem);
	return ret;
}

/* ---- credits ---------------------------------------------------------------------- */

/*
 * eh_depth of the extent-tree root, decoded from the 12-byte little-endian
 * header at the start of i_data (struct ext4_extent_header: eh_magic,
 * eh_entries, eh_max, eh_depth as __le16, eh_generation as __le32): bytes 6
 * and 7.  Reads bytes so it does not depend on the host's byte order.
 */
int ext4_sim_ext_depth(struct inode *inode)
{
	const uint8_t *hdr = (const uint8_t *)EXT4_I(inode)->i_data;

	return hdr[6] | (hdr[7] << 8);
}

int ext4_journal_blocks_per_page(struct inode *inode)
{
	if (EXT4_JOURNAL(inode))
		return (int)(PAGE_SIZE >> inode->i_sb->s_blocksize_bits);
	return 0;
}

/* ext4_ext_index_trans_blocks: index blocks touched to map `extents`
 * physical extents (extent files only in the model). */
static int ext4_index_trans_blocks(struct inode *inode, int extents)
{
	int depth = ext4_sim_ext_depth(inode);

	return extents <= 1 ? depth * 2 : depth * 3;
}

/* s_gdb_count: group-descriptor blocks (32-byte descriptors, as mount lays
 * them out: EXT4_SIM_DESC_PER_BLOCK). */
static unsigned long ext4_sim_gdb_count(const struct ext4_sb_info *sbi)
{
	unsigned per_block = EXT4_SIM_DESC_PER_BLOCK(sbi->s_sb->s_blocksize);

	return DIV_ROUND_UP((unsigned long)sbi->s_groups_count, per_block);
}

/*
 * Credits to map lblocks logical blocks onto pextents physical extents:
 * index blocks, then a bitmap and a descriptor block per group touched,
 * then the superblock, inode and xattr.  Note the kernel's quirk, kept: the
 * descriptor count is taken before `groups` is capped at the group count.
 */
int ext4_meta_trans_blocks(struct inode *inode, int lblocks, int pextents)
{
	struct ext4_sb_info *sbi = EXT4_SB(inode->i_sb);
	long groups, ngroups = sbi->s_groups_count;
	long gdpblocks;
	int idxblocks, ret;

	(void)lblocks;     /* used only by indirect-block files */
	idxblocks = ext4_index_trans_blocks(inode, pextents);
	ret = idxblocks;

	groups = idxblocks + pextents;
	gdpblocks = groups;
	if (groups > ngroups)
		groups = ngroups;
	if (groups > (long)ext4_sim_gdb_count(sbi))
		gdpblocks = (long)ext4_sim_gdb_count(sbi);

	/* bitmaps and block group descriptor blocks */
	ret += (int)(groups + gdpblocks);
	/* Blocks for super block, inode, quota and xattr blocks */
	ret += EXT4_META_TRANS_BLOCKS;
	return ret;
}

int ext4_writepage_trans_blocks(struct inode *inode)
{
	int bpp = ext4_journal_blocks_per_page(inode);
	int ret = ext4_meta_trans_blocks(inode, bpp, bpp);

	/* Account for data blocks for journalled mode */
	if (ext4_should_journal_data(inode))
		ret += bpp;
	return ret;
}

int ext4_chunk_trans_blocks(struct inode *inode, int nrblocks)
{
	return ext4_meta_trans_blocks(inode, nrblocks, 1);
}

/* ---- mount / unmount ---------------------------------------------------------------- */

/* ext4_journal_commit_callback (super.c): the transaction is on disk, so
 * the blocks it freed may be reused — hand them back to the allocator. */
static void ext4_journal_commit_callback(journal_t *journal,
					 transaction_t *txn)
{
	struct super_block *sb = journal->j_private;

	SIM_BUG_ON(txn->t_state == T_FINISHED);
	ext4_sim_mb_release_tid(EXT4_SB(sb), txn->t_tid);
}

int ext4_sim_journal_attach(struct super_block *sb, uint64_t start,
			    unsigned long nblocks)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	struct jbd2_sim_params p = {
		.maxlen = nblocks,
		.blocksize = sb->s_blocksize,
		.commit_interval = sbi->s_commit_interval,
	};
	journal_t *journal;

	/* Where the log lies on the device is the IO hook's business
	 * (super.c: ext4_sim_journal_io over ext4_sim_journal_bmap). */
	(void)start;
	journal = jbd2_sim_journal_new(sbi->s_world, sb, &p);
	if (!journal)
		return -EINVAL;
	journal->j_commit_callback = ext4_journal_commit_callback;
	/* data=ordered writeout: the page cache module fills in
	 * j_submit_inode_data_buffers / j_finish_inode_data_buffers; until
	 * then there is nothing to flush. */
	sbi->s_journal = journal;
	return jbd2_journal_load(journal);
}

int ext4_sim_journal_detach(struct super_block *sb)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);

	if (!sbi->s_journal)
		return 0;
	return jbd2_journal_destroy(sbi->s_journal);
}

void ext4_sim_journal_free(struct super_block *sb)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);

	jbd2_sim_journal_free(sbi->s_journal);
	sbi->s_journal = NULL;
}
