/* fs/ext4/ext4.h — ext4's in-memory superblock and inode (subset of
 * fs/ext4/ext4.h, v4.4), and the prototypes modules call across each other.
 *
 * Lock ordering (v4.5 fs/ext4/super.c, FIDELITY 1.3), outermost first:
 *   sb_start_write > i_mutex > mmap_sem > sb_start_pagefault
 *   > [DIOREAD_LOCK] > i_mmap_sem / invalidate_lock > transaction start
 *   > page lock > i_data_sem > es lock, group lock, j_state_lock
 */
#ifndef FS_EXT4_H
#define FS_EXT4_H

#include "fs/fs.h"
#include "fs/buffer_head.h"
#include "fs/jbd2/jbd2.h"
#include "fs/ext4/extents_status.h"

typedef uint32_t ext4_lblk_t;   /* logical block */
typedef uint64_t ext4_fsblk_t;  /* physical block (48 bits used) */
typedef uint32_t ext4_group_t;

#define EXT_MAX_BLOCKS 0xffffffffu

/* Mount options that matter here (s_mount_opt). */
#define EXT4_MOUNT_JOURNAL_DATA   0x0001   /* data=journal */
#define EXT4_MOUNT_ORDERED_DATA   0x0002   /* data=ordered */
#define EXT4_MOUNT_WRITEBACK_DATA 0x0004   /* data=writeback */
#define EXT4_MOUNT_DATA_FLAGS     0x0007
#define EXT4_MOUNT_DELALLOC       0x0008
#define EXT4_MOUNT_DAX            0x0010
#define EXT4_MOUNT_NOJOURNAL      0x0020   /* model: no journal at all */

struct ext4_sim_disk;       /* fs/disk.c */
struct ext4_sim_mb;         /* fs/ext4/mballoc.c */
struct ext4_sim_meta;       /* fs/block.c: block-device buffer cache */

struct ext4_sb_info {
	struct super_block *s_sb;
	struct sim_world *s_world;
	ext4_fsblk_t s_blocks_count;
	unsigned int s_blocks_per_group;
	ext4_group_t s_groups_count;
	ext4_fsblk_t s_first_data_block;
	unsigned int s_mount_opt;
	sim_time_t s_commit_interval;
	journal_t *s_journal;               /* NULL without a journal */
	struct ext4_sim_disk *s_disk;
	struct ext4_sim_mb *s_mb;
	struct ext4_sim_meta *s_meta;
};

/* Per-inode statistics of the extent-tree operations (fs/ext4/extents*.c;
 * model only).  Cumulative: tests and reports take differences. */
struct ext4_sim_ext_stats {
	uint64_t credits_used;       /* handle credits consumed by tree ops */
	uint64_t credits_requested;  /* asked for through extend / restart */
	uint64_t extends;            /* successful ext4_journal_extend calls */
	uint64_t restarts;           /* handle restarts (i_data_sem dropped) */
	uint64_t node_dirties;       /* node buffers / inode root dirtied */
	uint64_t nodes_allocated, nodes_freed;
	uint64_t splits;             /* ext4_ext_split */
	uint64_t grows;              /* ext4_ext_grow_indepth */
	uint64_t merges;             /* neighbouring extents merged */
	uint64_t merge_ups;          /* ext4_ext_try_to_merge_up collapses */
	uint64_t max_depth;          /* deepest tree seen */
};

/* ext4_inode_info state bits (i_state_flags). */
enum {
	EXT4_STATE_DIOREAD_LOCK,
	EXT4_STATE_EXT_PRECACHED,
};

struct ext4_inode_info {
	uint32_t i_data[15];            /* i_block: the extent-tree root [i_data_sem] */
	loff_t i_disksize;              /* [i_data_sem] */
	unsigned long i_state_flags;
	struct sim_rwsem i_data_sem;    /* extent tree / block map */
	struct sim_rwsem i_mmap_sem;    /* v4.5 strategy */
	struct ext4_es_tree i_es_tree;  /* [i_es_lock] */
	struct ext4_sim_ext_stats i_ext_stats;  /* extents*.c, model only */
	struct jbd2_inode *jinode;
	struct inode vfs_inode;
};

static inline struct ext4_inode_info *EXT4_I(struct inode *inode)
{
	return container_of(inode, struct ext4_inode_info, vfs_inode);
}

static inline struct ext4_sb_info *EXT4_SB(struct super_block *sb)
{
	return (struct ext4_sb_info *)sb->s_fs_info;
}

static inline bool test_opt_delalloc(const struct ext4_sb_info *sbi)
{
	return sbi->s_mount_opt & EXT4_MOUNT_DELALLOC;
}

/* ---- mballoc (fs/ext4/mballoc.c) ---------------------------------------- */

/* ext4_allocation_request flags */
#define EXT4_MB_HINT_METADATA 0x0004
#define EXT4_MB_HINT_DATA     0x0008
#define EXT4_MB_HINT_TRY_GOAL 0x0200

struct ext4_allocation_request {
	struct inode *inode;
	unsigned int len;        /* wanted (in), got (out via return length) */
	ext4_lblk_t logical;
	ext4_fsblk_t goal;
	unsigned int flags;
};

/* Returns the first block of a contiguous run and sets ar->len to its length
 * (>= 1); 0 with *errp = -ENOSPC when nothing can be had. */
ext4_fsblk_t ext4_mb_new_blocks(handle_t *handle,
				struct ext4_allocation_request *ar, int *errp);

/* ext4_free_blocks flags */
#define EXT4_FREE_BLOCKS_METADATA 0x0001
#define EXT4_FREE_BLOCKS_FORGET   0x0002

void ext4_free_blocks(handle_t *handle, struct inode *inode,
		      struct buffer_head *bh, ext4_fsblk_t block,
		      unsigned long count, int flags);

#endif /* FS_EXT4_H */
