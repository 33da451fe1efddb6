/* fs/ext4/ext4_jbd2.h — ext4's journalling wrappers and credit arithmetic
 * (fs/ext4/ext4_jbd2.h, v4.4).  Without a journal (EXT4_MOUNT_NOJOURNAL) the
 * handle is NULL and ext4_handle_valid() is false, as in the kernel's
 * no-journal mode: credits are not accounted and nothing ever blocks.
 * (The kernel passes a small non-pointer refcount as the no-journal handle;
 * the model's NULL carries no nesting count, which nothing here needs.)
 * Implemented in fs/ext4/ext4_jbd2.c over fs/jbd2/.
 */
#ifndef FS_EXT4_JBD2_H
#define FS_EXT4_JBD2_H

#include "fs/ext4/ext4.h"

/* Credit constants, extents-based files, no quota (FIDELITY 4.4). */
#define EXT4_SINGLEDATA_TRANS_BLOCKS 20
#define EXT4_XATTR_TRANS_BLOCKS 6
#define EXT4_DATA_TRANS_BLOCKS \
	(EXT4_SINGLEDATA_TRANS_BLOCKS + EXT4_XATTR_TRANS_BLOCKS - 2)
#define EXT4_META_TRANS_BLOCKS 6
#define EXT4_RESERVE_TRANS_BLOCKS 12
#define EXT4_INDEX_EXTRA_TRANS_BLOCKS 8

static inline bool ext4_handle_valid(const handle_t *handle)
{
	return handle != NULL;
}

/* The handle the running task holds (current->journal_info), or NULL. */
handle_t *ext4_journal_current_handle(void);

/* Start a handle with nblocks credits (nested: the task's handle again).
 * Returns NULL without a journal, ERR_PTR(-errno) on failure. */
handle_t *ext4_journal_start(struct inode *inode, int type, int nblocks);
handle_t *ext4_journal_start_sb(struct super_block *sb, int type, int nblocks);
int ext4_journal_stop(handle_t *handle);
/* 0: extended; > 0: could not extend (caller restarts); < 0: error. */
int ext4_journal_extend(handle_t *handle, int nblocks);
int ext4_journal_restart(handle_t *handle, int nblocks);
bool ext4_handle_has_enough_credits(handle_t *handle, int needed);
int ext4_journal_get_write_access(handle_t *handle, struct buffer_head *bh);
/* Charges a credit the first time bh is dirtied in the transaction. */
int ext4_handle_dirty_metadata(handle_t *handle, struct inode *inode,
			       struct buffer_head *bh);
/* The inode's on-disk copy is journalled: one credit per inode per
 * transaction (the kernel: its inode-table block). */
int ext4_mark_inode_dirty(handle_t *handle, struct inode *inode);
void ext4_handle_sync(handle_t *handle);
/* ext4_forget: a block freed by this handle — revoke (metadata) or forget
 * (journalled data): never written home from the journal again. */
int ext4_forget(handle_t *handle, int is_metadata, struct inode *inode,
		struct buffer_head *bh, ext4_fsblk_t blocknr);

/* data=ordered: the commit of the handle's transaction writes the inode's
 * dirty pages first.  Needs EXT4_I(inode)->jinode (ext4_inode_attach_jinode
 * at open; the kernel does it in ext4_file_open). */
int ext4_jbd2_file_inode(handle_t *handle, struct inode *inode);
int ext4_inode_attach_jinode(struct inode *inode);
/* ext4_clear_inode's part: wait out a commit flushing the inode, detach and
 * free its jinode.  From a task. */
void ext4_sim_inode_release_jinode(struct inode *inode);

/* Handle types, for statistics and lockdep notes. */
enum {
	EXT4_HT_MISC, EXT4_HT_INODE, EXT4_HT_WRITE_PAGE, EXT4_HT_MAP_BLOCKS,
	EXT4_HT_DIR, EXT4_HT_TRUNCATE, EXT4_HT_QUOTA, EXT4_HT_RESIZE,
	EXT4_HT_MIGRATE, EXT4_HT_MOVE_EXTENTS, EXT4_HT_XATTR, EXT4_HT_EXT_CONVERT,
};

/* Data journalling mode of an inode (no per-inode JOURNAL_DATA flag in the
 * model: the mount option decides). */
static inline bool ext4_sim_has_journal(const struct inode *inode)
{
	return EXT4_SB(inode->i_sb)->s_journal != NULL;
}

static inline bool ext4_should_journal_data(struct inode *inode)
{
	return ext4_sim_has_journal(inode) &&
	       (EXT4_SB(inode->i_sb)->s_mount_opt & EXT4_MOUNT_DATA_FLAGS) ==
		       EXT4_MOUNT_JOURNAL_DATA;
}

static inline bool ext4_should_order_data(struct inode *inode)
{
	return ext4_sim_has_journal(inode) &&
	       (EXT4_SB(inode->i_sb)->s_mount_opt & EXT4_MOUNT_DATA_FLAGS) ==
		       EXT4_MOUNT_ORDERED_DATA;
}

static inline bool ext4_should_writeback_data(struct inode *inode)
{
	return !ext4_should_journal_data(inode) &&
	       !ext4_should_order_data(inode);
}

/* Credit estimates (fs/ext4/inode.c, extents.c). */
int ext4_journal_blocks_per_page(struct inode *inode);
int ext4_meta_trans_blocks(struct inode *inode, int lblocks, int pextents);
int ext4_writepage_trans_blocks(struct inode *inode);
int ext4_chunk_trans_blocks(struct inode *inode, int nrblocks);
/* Depth of the inode's extent tree, from the root header in i_data. */
int ext4_sim_ext_depth(struct inode *inode);

/* ext4_truncate_restart_trans (fs/ext4/inode.c): drops i_data_sem around
 * the restart "to avoid deadlock with ext4_map_blocks", then retakes it. */
int ext4_truncate_restart_trans(handle_t *handle, struct inode *inode,
				int nblocks);

/* For mballoc (also declared in ext4.h): the tid a freeing
 * handle belongs to (0 without a journal), and a forced commit so pending
 * frees are released (ENOSPC retry: jbd2_journal_force_commit_nested —
 * returns 1 if a commit made progress, 0 otherwise / without a journal). */
tid_t ext4_sim_handle_tid(handle_t *handle);
int ext4_sim_force_commit(struct super_block *sb);

/* Mount / unmount (ext4_load_journal, ext4_put_super).  Attach: create a
 * journal of nblocks blocks (the area mount reserved at device block
 * start), start kjournald2 with s_commit_interval and hook the commit
 * callback; mount then sets j_sim_io (its device IO).  Detach runs in a
 * task (commits, checkpoints, stops kjournald2); free releases memory
 * without blocking (before the disk and the world go). */
int ext4_sim_journal_attach(struct super_block *sb, uint64_t start,
			    unsigned long nblocks);
int ext4_sim_journal_detach(struct super_block *sb);
void ext4_sim_journal_free(struct super_block *sb);

#endif /* FS_EXT4_JBD2_H */
