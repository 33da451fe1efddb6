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
/* The highest logical block a file may map (v5.15 ext4.h). */
#define EXT4_MAX_LOGICAL_BLOCK 0xfffffffeu

/* Mount options that matter here (s_mount_opt). */
#define EXT4_MOUNT_JOURNAL_DATA   0x0001   /* data=journal */
#define EXT4_MOUNT_ORDERED_DATA   0x0002   /* data=ordered */
#define EXT4_MOUNT_WRITEBACK_DATA 0x0004   /* data=writeback */
#define EXT4_MOUNT_DATA_FLAGS     0x0007
#define EXT4_MOUNT_DELALLOC       0x0008
#define EXT4_MOUNT_DAX            0x0010
#define EXT4_MOUNT_NOJOURNAL      0x0020   /* model: no journal at all */
#define EXT4_MOUNT_DIOREAD_NOLOCK 0x0040   /* dioread_nolock */

struct ext4_sim_disk;       /* fs/block/disk.c */
struct ext4_sim_mb;         /* fs/ext4/mballoc.c */
struct ext4_sim_meta;       /* fs/block/block.c: block-device buffer cache */
struct ext4_lock_ops;       /* fs/ext4/locking.h */
struct ext4_sim_mount_opts; /* fs/ext4/super.c */
struct blk_sim_profile;     /* fs/block/block.h */
struct ext4_sim_io;         /* fs/ext4/page-io.c */

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
	struct ext4_sim_disk *s_disk;       /* = s_sb->s_disk (set at mount) */
	struct ext4_sim_mb *s_mb;
	struct ext4_sim_meta *s_meta;       /* = s_sb->s_meta (set at mount) */
	/* block accounting (fs/ext4/balloc.c, mballoc.c): the kernel's
	 * percpu counters, exact here (one thread per world). */
	int64_t s_freeclusters_counter;     /* free incl. pending frees */
	int64_t s_dirtyclusters_counter;    /* delalloc reservations */
	uint64_t s_resv_clusters;           /* ext4_calculate_resv_clusters */
	/* model set-up state (fs/ext4/super.c, ialloc.c) */
	unsigned long s_sim_next_ino;       /* ext4_sim_new_inode */
	uint32_t s_csum_seed;               /* crc32c(~0, s_uuid): metadata_csum */
	struct ext4_sim_mount_opts *s_sim_opts;  /* as mounted */
	/* The journal's blocks: one contiguous run (as mke2fs lays out the
	 * journal inode); s_sim_journal_blocks is 0 without a journal. */
	ext4_fsblk_t s_sim_journal_start;
	uint64_t s_sim_journal_blocks;
	/* [model] the locking strategy (fs/ext4/locking.h), set by the world
	 * set-up (fs/workload/model.c).  The cost model, the oracle and the
	 * read-bio pool are generic code's too: struct super_block. */
	const struct ext4_lock_ops *s_lock_ops;
	/* writeback IO state: io_end/bio pools, the unwritten-
	 * conversion worker (fs/ext4/page-io.c, ext4_sim_writes_init). */
	struct ext4_sim_io *s_sim_io;
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

/* i_state_flags accessors and the DIOREAD_LOCK pseudo-lock
 * (v4.4 fs/ext4/ext4.h; the barriers are moot in a one-thread world).
 * Block-removing paths set it around inode_dio_wait so that lockless
 * (dioread_nolock) DIO readers fall back to the i_mutex path. */
static inline bool ext4_test_inode_state(struct inode *inode, int bit)
{
	return (EXT4_I(inode)->i_state_flags >> bit) & 1;
}

static inline void ext4_set_inode_state(struct inode *inode, int bit)
{
	EXT4_I(inode)->i_state_flags |= 1ul << bit;
}

static inline void ext4_clear_inode_state(struct inode *inode, int bit)
{
	EXT4_I(inode)->i_state_flags &= ~(1ul << bit);
}

static inline void ext4_inode_block_unlocked_dio(struct inode *inode)
{
	ext4_set_inode_state(inode, EXT4_STATE_DIOREAD_LOCK);
}

static inline void ext4_inode_resume_unlocked_dio(struct inode *inode)
{
	ext4_clear_inode_state(inode, EXT4_STATE_DIOREAD_LOCK);
}

static inline struct ext4_sb_info *EXT4_SB(struct super_block *sb)
{
	return (struct ext4_sb_info *)sb->s_fs_info;
}

static inline bool test_opt_delalloc(const struct ext4_sb_info *sbi)
{
	return sbi->s_mount_opt & EXT4_MOUNT_DELALLOC;
}

/* ---- mballoc (fs/ext4/mballoc.c, balloc.c) ------------------------------ */

/* ext4_allocation_request flags (4.4 values) */
#define EXT4_MB_HINT_METADATA 0x0004
#define EXT4_MB_HINT_DATA     0x0008
#define EXT4_MB_HINT_TRY_GOAL 0x0200
#define EXT4_MB_DELALLOC_RESERVED 0x0400  /* blocks already claimed (delalloc) */
#define EXT4_MB_USE_ROOT_BLOCKS 0x1000
#define EXT4_MB_USE_RESERVED  0x2000      /* may dip into s_resv_clusters */
/* Model-only: the blocks become an extent-tree node of ar->inode (set by
 * ext4_new_meta_blocks) rather than data at ar->logical. */
#define EXT4_MB_SIM_NODE      0x40000000

struct ext4_allocation_request {
	struct inode *inode;
	unsigned int len;        /* wanted (in), got (out via return length) */
	ext4_lblk_t logical;
	ext4_fsblk_t goal;
	unsigned int flags;
};

/* Returns the first block of a contiguous run and sets ar->len to its length
 * (>= 1); 0 with *errp = -ENOSPC when nothing can be had.  The new blocks'
 * disk owner becomes DATA(inode, logical + i), or NODE(inode) with
 * EXT4_MB_SIM_NODE / EXT4_MB_HINT_METADATA. */
ext4_fsblk_t ext4_mb_new_blocks(handle_t *handle,
				struct ext4_allocation_request *ar, int *errp);

/* ext4_new_meta_blocks (balloc.c): allocate *count (NULL: 1) blocks for an
 * extent-tree node of inode near goal. */
ext4_fsblk_t ext4_new_meta_blocks(handle_t *handle, struct inode *inode,
				  ext4_fsblk_t goal, unsigned int flags,
				  unsigned long *count, int *errp);

/* ext4_free_blocks flags (4.4 values) */
#define EXT4_FREE_BLOCKS_METADATA 0x0001
#define EXT4_FREE_BLOCKS_FORGET   0x0002
#define EXT4_FREE_BLOCKS_VALIDATED 0x0004
#define EXT4_FREE_BLOCKS_NO_QUOT_UPDATE 0x0008

/* With a handle, reuse waits until the handle's transaction commits
 * (FIDELITY 5), except data blocks (no METADATA flag) under data=writeback,
 * which are reusable at once, as is everything without a journal. */
void ext4_free_blocks(handle_t *handle, struct inode *inode,
		      struct buffer_head *bh, ext4_fsblk_t block,
		      unsigned long count, int flags);

/* Group arithmetic (balloc.c). */
void ext4_get_group_no_and_offset(struct super_block *sb, ext4_fsblk_t blocknr,
				  ext4_group_t *blockgrpp,
				  unsigned int *offsetp);
ext4_fsblk_t ext4_group_first_block_no(struct super_block *sb,
				       ext4_group_t group_no);
/* Free-space accounting (balloc.c).  ext4_claim_free_clusters returns 0 and
 * adds to s_dirtyclusters_counter if nclusters can be had, else -ENOSPC. */
int ext4_claim_free_clusters(struct ext4_sb_info *sbi, int64_t nclusters,
			     unsigned int flags);
bool ext4_has_free_clusters(struct ext4_sb_info *sbi, int64_t nclusters,
			    unsigned int flags);
/* Give back a delalloc reservation (ext4_da_update_reserve_space after the
 * allocation, ext4_da_release_space when the delayed block goes away). */
void ext4_sim_release_dirty_clusters(struct ext4_sb_info *sbi, int64_t n);
/* ENOSPC retry (balloc.c): forces a commit so pending frees become
 * reusable; true if the caller should retry (at most 3 times). */
bool ext4_should_retry_alloc(struct super_block *sb, int *retries);

/* ---- journal hooks mballoc calls (fs/ext4/ext4_jbd2.c) -----------------------
 * Declared here so mballoc does not depend on the journal's layout.
 * ext4_sim_handle_tid: the tid of the transaction the handle belongs to.
 * ext4_sim_force_commit: jbd2_journal_force_commit_nested semantics —
 *   commit the running transaction (or wait for the committing one if the
 *   caller holds a handle) and wait; > 0 if something was committed and the
 *   caller may retry, 0 if nothing to do, < 0 on error.
 * ext4_forget: FORGET handling of a freed block (revoke for metadata,
 *   jbd2_journal_forget for data; __ext4_forget). */
tid_t ext4_sim_handle_tid(handle_t *handle);
int ext4_sim_force_commit(struct super_block *sb);
int ext4_forget(handle_t *handle, int is_metadata, struct inode *inode,
		struct buffer_head *bh, ext4_fsblk_t blocknr);

/* ---- model set-up (fs/ext4/super.c, ialloc.c) ------------------------------ */

enum ext4_sim_data_mode {
	EXT4_SIM_DATA_ORDERED,
	EXT4_SIM_DATA_WRITEBACK,
	EXT4_SIM_DATA_JOURNAL,
};

/* Geometry and the mount options that matter here.  No option parsing:
 * the config module fills this in ([global] device, mount, ...). */
struct ext4_sim_mount_opts {
	unsigned int blocksize;        /* 1K..4K (PAGE_SIZE), power of two;
					* default 4K */
	uint64_t size;                 /* device bytes; default 1 GiB */
	unsigned int blocks_per_group; /* 0: 8 * blocksize (one bitmap block) */
	unsigned int inodes_per_group; /* 0: default (inode table size only) */
	uint64_t journal_blocks;       /* 0: mke2fs's default for the size */
	bool journal;                  /* false: no journal (handles NULL) */
	enum ext4_sim_data_mode data;  /* data=ordered|writeback|journal */
	bool delalloc;                 /* delalloc|nodelalloc */
	bool dax;
	sim_time_t commit_interval;    /* commit=; default 5 s */
	const char *device;            /* profile name; default "nvme" */
	const struct blk_sim_profile *profile;  /* overrides device if set */
};

void ext4_sim_mount_opts_default(struct ext4_sim_mount_opts *o);
/* What generic code asks ext4 (the kernel's ext4_sops, as far as the model
 * has them; struct super_sim_operations, fs/fs.h): ->dirty_inode and the
 * strategy's version and invalidate_lock.  ext4_sim_mount installs it in
 * sb->s_sim_op. */
extern const struct super_sim_operations ext4_sim_sops;
/* ->dirty_inode (fs/ext4/inode_write.c): journal the inode, in a nested
 * handle if one is held. */
void ext4_dirty_inode(struct inode *inode, int flags);

/* The UUID every modelled file system carries, and the metadata_csum seed
 * ext4_fill_super derives from a UUID: crc32c(~0, uuid) (extents_csum.c). */
extern const uint8_t ext4_sim_uuid[16];
uint32_t ext4_sim_csum_seed(const uint8_t uuid[16]);
/* Builds sb + sbi, the disk, the buffer cache and the allocator; returns
 * ERR_PTR(-EINVAL) for impossible geometry or option combinations. */
struct super_block *ext4_sim_mount(struct sim_world *w,
				   const struct ext4_sim_mount_opts *o);
/* Why a mount was refused, for the user: the option at fault and one
 * that goes with it ([global] key names: "blocksize", "fs_size",
 * "blocks_per_group", "journal_size", "mount", ...; key2 may be NULL),
 * and a sentence naming the constraint and the values. */
struct ext4_sim_mount_error {
	const char *key, *key2;
	char why[320];
};
/* ext4_sim_mount that fills *me (if non-NULL) when it refuses. */
struct super_block *ext4_sim_mount_why(struct sim_world *w,
				       const struct ext4_sim_mount_opts *o,
				       struct ext4_sim_mount_error *me);
void ext4_sim_unmount(struct super_block *sb);
/* frees the read-bio pool (fs/mm/read_bio.c); called by
 * ext4_sim_unmount. */
void sim_rbio_pool_destroy(struct super_block *sb);
/* Disk block of journal block n (jbd2_journal_bmap over the journal
 * inode); n < s_sim_journal_blocks. */
ext4_fsblk_t ext4_sim_journal_bmap(struct super_block *sb, uint64_t n);

/* A new in-core regular-file inode, i_size 0, locks initialised (classes
 * "i_data_sem", "i_mmap_sem", "i_mutex", "i_mmap_rwsem",
 * "invalidate_lock").  The extent root is left zeroed: the caller runs
 * ext4_ext_tree_init, as __ext4_new_inode does. */
struct inode *ext4_sim_new_inode(struct super_block *sb);
void ext4_sim_free_inode(struct inode *inode);

#endif /* FS_EXT4_H */
