/* fs/ext4/truncate.h — the block-removing and allocating paths of the
 * fallocate family and truncate: what callers (the workload, the write
 * paths' failed-write cleanup) see.
 *
 * The kernel declares these in include/uapi/linux/falloc.h (FALLOC_FL_*),
 * include/linux/fs.h (vfs_fallocate, struct iattr) and
 * fs/ext4/ext4.h; here they sit in one model header so the contract headers
 * stay as they are.  fs/ext4/truncate.h of the kernel contributes
 * ext4_truncate_failed_write.  Implemented in fs/ext4/punch.c, falloc.c
 * and truncate.c.
 *
 * Simplifications shared by all of them: every file is extent-mapped
 * (EXT4_INODE_EXTENTS; the indirect-block branches are gone); no inline
 * data, encryption, quota, bigalloc clusters (cluster = block) or fast
 * commit; no preallocations (ext4_discard_preallocations is a no-op); no
 * sync files or O_SYNC (IS_SYNC is false: ext4_handle_sync is never
 * reached); no orphan list (ext4_orphan_add/del are comments: there is no
 * crash to recover from).
 */
#ifndef FS_EXT4_TRUNCATE_H
#define FS_EXT4_TRUNCATE_H

#include <limits.h>

#include "fs/ext4/ext4.h"
#include "fs/ext4/ext4_map.h"
#include "fs/ext4/locking.h"
#include "fs/mm.h"
#include "fs/writeback.h"

/* include/uapi/linux/falloc.h */
#define FALLOC_FL_KEEP_SIZE      0x01
#define FALLOC_FL_PUNCH_HOLE     0x02
#define FALLOC_FL_NO_HIDE_STALE  0x04
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE     0x10
#define FALLOC_FL_INSERT_RANGE   0x20

/* Largest file ext4 allows with extents (ext4_max_size: 2^32 - 1 blocks). */
static inline loff_t ext4_sim_maxbytes(const struct super_block *sb)
{
	return (loff_t)(((uint64_t)1 << 32) - 1) << sb->s_blocksize_bits;
}

/* The kernel's ext4_current_time: the simulated clock. */
static inline sim_time_t ext4_current_time(struct inode *inode)
{
	return sim_world_now(inode->i_sb->s_world);
}

/* ---- fallocate (fs/ext4/falloc.c; kernel: fs/open.c, fs/ext4/extents.c) -- */

/* vfs_fallocate: checks, then ->fallocate (sb_start_write around it is a
 * comment: no freezing is modelled).  Charges [costs] syscall_entry. */
long vfs_fallocate(struct file *file, int mode, loff_t offset, loff_t len);
long ext4_fallocate(struct file *file, int mode, loff_t offset, loff_t len);
int ext4_collapse_range(struct inode *inode, loff_t offset, loff_t len);
int ext4_insert_range(struct inode *inode, loff_t offset, loff_t len);

/* ---- punch (fs/ext4/punch.c; kernel: fs/ext4/inode.c) --------------------- */

int ext4_punch_hole(struct inode *inode, loff_t offset, loff_t length);
/* Zero the partial blocks at the edges of [lstart, lstart + length) in the
 * page cache (reading them first if needed), inside handle. */
int ext4_zero_partial_blocks(handle_t *handle, struct inode *inode,
			     loff_t lstart, loff_t length);
/* Zero [from, from + length) within the block holding from (length is
 * cut at the block's end); static in the kernel's inode.c. */
int ext4_block_zero_page_range(handle_t *handle,
			       struct address_space *mapping, loff_t from,
			       loff_t length);
/* v4.5+: a punch/zero reaching EOF first pushes i_disksize up to i_size so
 * writeback of the dropped delalloc tail page is not needed for it. */
int ext4_update_disksize_before_punch(struct inode *inode, loff_t offset,
				      loff_t len);
/* v5.15: wait until no DAX page of the file is pinned (see punch.c). */
int ext4_break_layouts(struct inode *inode);

/* ---- truncate (fs/ext4/truncate.c; kernel: fs/open.c, fs/ext4/inode.c) ---- */

#define ATTR_SIZE (1u << 3)

struct iattr {
	unsigned int ia_valid;
	loff_t ia_size;
};

/* truncate(2)/ftruncate(2): sb_start_write (comment), i_mutex,
 * notify_change -> ext4_setattr.  Charges [costs] syscall_entry. */
int do_truncate(struct inode *inode, loff_t length);
/* The ATTR_SIZE part of ext4_setattr; i_mutex held. */
int ext4_setattr(struct inode *inode, const struct iattr *attr);
/* Remove the blocks beyond i_size (i_mutex held).  void as in v4.4.1
 * (v5.15 returns an error the model never produces). */
void ext4_truncate(struct inode *inode);

/* inode_dio_wait, filemap_write_and_wait_range, filemap_fdatawrite_range,
 * mark_inode_dirty and sb_start_write come from fs/writeback.h
 * . */

/* i_disksize / i_size updates (ext4_update_i_disksize,
 * ext4_update_inode_size), the inode-state and DIOREAD_LOCK helpers,
 * ext4_truncate_failed_write and ext4_map_blocks come from
 * fs/ext4/ext4_map.h. */

/* A step of a path, in the running task's notes (explanations, tests):
 * what = the kernel call or event, arg = its main argument.  Also a step
 * boundary for schedule exploration (sim_task_step): the task may be
 * delayed here, before the call it names. */
#define ext4_sim_step(what, arg)                                           \
	do {                                                               \
		sim_task_note(current, __func__, (what), NULL, (int64_t)(arg)); \
		sim_task_step(current, (what));                            \
	} while (0)

#endif /* FS_EXT4_TRUNCATE_H */
