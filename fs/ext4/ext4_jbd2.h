/* fs/ext4/ext4_jbd2.h — ext4's journalling wrappers and credit arithmetic
 * (fs/ext4/ext4_jbd2.h, v4.4).  Without a journal (EXT4_MOUNT_NOJOURNAL) the
 * handle is NULL and ext4_handle_valid() is false, as in the kernel's
 * no-journal mode: credits are not accounted and nothing ever blocks.
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

static inline bool ext4_handle_valid(const handle_t *handle)
{
	return handle != NULL;
}

/* The handle the running task holds (current->journal_info), or NULL. */
handle_t *ext4_journal_current_handle(void);

handle_t *ext4_journal_start(struct inode *inode, int type, int nblocks);
int ext4_journal_stop(handle_t *handle);
/* 0: extended; > 0: could not extend (caller restarts); < 0: error. */
int ext4_journal_extend(handle_t *handle, int nblocks);
int ext4_journal_restart(handle_t *handle, int nblocks);
bool ext4_handle_has_enough_credits(handle_t *handle, int needed);
int ext4_journal_get_write_access(handle_t *handle, struct buffer_head *bh);
/* Charges a credit the first time bh is dirtied in the transaction. */
int ext4_handle_dirty_metadata(handle_t *handle, struct inode *inode,
			       struct buffer_head *bh);
int ext4_mark_inode_dirty(handle_t *handle, struct inode *inode);
void ext4_handle_sync(handle_t *handle);

/* Handle types, for statistics and lockdep notes. */
enum {
	EXT4_HT_MISC, EXT4_HT_INODE, EXT4_HT_WRITE_PAGE, EXT4_HT_MAP_BLOCKS,
	EXT4_HT_DIR, EXT4_HT_TRUNCATE, EXT4_HT_QUOTA, EXT4_HT_RESIZE,
	EXT4_HT_MIGRATE, EXT4_HT_MOVE_EXTENTS, EXT4_HT_XATTR, EXT4_HT_EXT_CONVERT,
};

/* Credit estimates (fs/ext4/inode.c, extents.c). */
int ext4_meta_trans_blocks(struct inode *inode, int lblocks, int pextents);
int ext4_writepage_trans_blocks(struct inode *inode);
int ext4_chunk_trans_blocks(struct inode *inode, int nrblocks);

/* ext4_truncate_restart_trans (fs/ext4/inode.c): drops i_data_sem around
 * the restart "to avoid deadlock with ext4_map_blocks", then retakes it. */
int ext4_truncate_restart_trans(handle_t *handle, struct inode *inode,
				int nblocks);

#endif /* FS_EXT4_JBD2_H */
