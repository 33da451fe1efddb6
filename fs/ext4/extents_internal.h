/* fs/ext4/extents_internal.h — what fs/ext4/extents*.c share and nobody
 * else should call: node access and dirtying, merging, the credit
 * bookkeeping of the statistics in ext4_inode_info.i_ext_stats.
 *
 * Credit accounting: every journalled call the tree code makes (write
 * access, dirtying a node or the inode, allocating or freeing blocks) is
 * bracketed by ext4_sim_credits_before() / ext4_sim_charge(), which adds
 * the handle credits it consumed to credits_used.  Extends and restarts
 * are counted where they are requested.  Without a handle nothing is
 * charged, as in the kernel's no-journal mode.
 */
#ifndef FS_EXT4_EXTENTS_INTERNAL_H
#define FS_EXT4_EXTENTS_INTERNAL_H

#include "fs/block/block.h"
#include "fs/ext4/ext4_extents.h"

static inline struct ext4_sim_ext_stats *ext4_sim_ext_stats(struct inode *inode)
{
	return &EXT4_I(inode)->i_ext_stats;
}

static inline int ext4_sim_credits_before(const handle_t *handle)
{
	return ext4_handle_valid(handle) ? handle->h_buffer_credits : 0;
}

static inline void ext4_sim_charge(struct inode *inode, const handle_t *handle,
				   int before)
{
	if (ext4_handle_valid(handle))
		ext4_sim_ext_stats(inode)->credits_used +=
			(uint64_t)(before - handle->h_buffer_credits);
}

/* "Verified" state of a node buffer: the header and entries passed
 * __ext4_ext_check since the node was last (re)created.  The kernel keeps
 * it in a jbd2-private b_state bit; a high bit of b_state here, clear of
 * the bits fs/buffer_head.h and fs/jbd2 use. */
#define EXT4_SIM_BH_VERIFIED 40

static inline bool ext4_sim_buffer_verified(const struct buffer_head *bh)
{
	return (bh->b_state >> EXT4_SIM_BH_VERIFIED) & 1;
}

static inline void ext4_sim_set_buffer_verified(struct buffer_head *bh, bool on)
{
	if (on)
		bh->b_state |= 1ul << EXT4_SIM_BH_VERIFIED;
	else
		bh->b_state &= ~(1ul << EXT4_SIM_BH_VERIFIED);
}

static inline bool in_range(ext4_lblk_t b, ext4_lblk_t first, unsigned len)
{
	return b >= first && b <= first + len - 1;
}

int ext4_ext_get_access(handle_t *handle, struct inode *inode,
			struct ext4_ext_path *path);
#define ext4_ext_dirty(handle, inode, path) \
	__ext4_ext_dirty(__func__, __LINE__, (handle), (inode), (path))
int __ext4_ext_dirty(const char *where, unsigned int line, handle_t *handle,
		     struct inode *inode, struct ext4_ext_path *path);
/* 0: enough credits (extended if needed); -EAGAIN: the handle was
 * restarted (i_data_sem was dropped meanwhile: the caller must look the
 * tree up again); other < 0: error. */
int ext4_ext_truncate_extend_restart(handle_t *handle, struct inode *inode,
				     int needed);
int ext4_ext_try_to_merge_right(struct inode *inode,
				struct ext4_ext_path *path,
				struct ext4_extent *ex);
void ext4_ext_try_to_merge(handle_t *handle, struct inode *inode,
			   struct ext4_ext_path *path, struct ext4_extent *ex);
int ext4_ext_correct_indexes(handle_t *handle, struct inode *inode,
			     struct ext4_ext_path *path);
int ext4_ext_search_left(struct inode *inode, struct ext4_ext_path *path,
			 ext4_lblk_t *logical, ext4_fsblk_t *phys);
int ext4_ext_search_right(struct inode *inode, struct ext4_ext_path *path,
			  ext4_lblk_t *logical, ext4_fsblk_t *phys,
			  struct ext4_extent **ret_ex);
/* Trims newext to end before the next mapped block; 1 if trimmed. */
unsigned int ext4_ext_check_overlap(struct inode *inode,
				    struct ext4_extent *newext,
				    struct ext4_ext_path *path);
ext4_fsblk_t ext4_ext_find_goal(struct inode *inode,
				struct ext4_ext_path *path, ext4_lblk_t block);

/* The kernel's read_extent_tree_block: the node's buffer (always cached in
 * the model), checked once per (re)creation; leaf entries are put in the
 * es cache on that first check unless EXT4_EX_NOCACHE. */
struct buffer_head *ext4_sim_read_extent_tree_block(struct inode *inode,
						    ext4_fsblk_t pblk,
						    int depth, int flags);
#define read_extent_tree_block(inode, pblk, depth, flags) \
	ext4_sim_read_extent_tree_block((inode), (pblk), (depth), (flags))

/* ext4_free_blocks with the accounting above; _node frees a tree node
 * (METADATA|FORGET) and counts it. */
void ext4_sim_ext_free_node(handle_t *handle, struct inode *inode,
			    ext4_fsblk_t blk);
void ext4_sim_ext_free_blocks(handle_t *handle, struct inode *inode,
			      ext4_fsblk_t blk, unsigned long count, int flags);
uint32_t ext4_sim_extent_block_csum(struct inode *inode,
				    struct ext4_extent_header *eh);
int ext4_sim_mark_inode_dirty(handle_t *handle, struct inode *inode);

#endif /* FS_EXT4_EXTENTS_INTERNAL_H */
