/* fs/ext4/mballoc.h — the block allocator's state (model of fs/ext4/mballoc.h
 * and the group parts of fs/ext4/ext4.h, v4.4).
 *
 * Two views per group, as in the kernel:
 *   - the on-disk block bitmap: the b_data of the group's bitmap buffer in
 *     the buffer cache (little-endian bit order, 1 = in use), plus the
 *     descriptor's free count bg_free;
 *   - the allocator's view ("buddy"): a bitmap where a block pending free
 *     is still in use, plus bb_free.  The kernel's buddy cache adds orders
 *     above 0 to speed up the search; the model scans 64-bit words instead
 *     (same answers for the policy below, fewer structures to keep
 *     consistent).
 *
 * Invariants (ext4_sim_mb_check, used by fsck):
 *   1. bitmap bit set    => buddy bit set;
 *   2. buddy set, bitmap clear <=> covered by exactly one pending free;
 *   3. pending frees do not overlap, lie inside their group;
 *   4. bb_free = zeros of buddy; bg_free = zeros of bitmap; sums match
 *      s_freeclusters_counter (free + pending) and the pending total;
 *   5. disk owners agree: bitmap clear + not pending <=> FREE;
 *      pending(tid) <=> PENDING_FREE(tid); bitmap set <=> allocated kind.
 */
#ifndef FS_EXT4_MBALLOC_H
#define FS_EXT4_MBALLOC_H

#include "fs/ext4/ext4.h"
#include "fs/block/disk.h"
#include "fs/mm/radix-tree.h"

/* A pending free: ext4_free_data (efd_*), kept until tid commits. */
struct ext4_free_data {
	ext4_group_t efd_group;
	unsigned int efd_start_cluster;   /* bit in the group */
	unsigned int efd_count;
	tid_t efd_tid;
};

struct ext4_group_info {
	uint64_t *bb_buddy;          /* allocator view, 1 = in use or pending */
	unsigned int bb_free;        /* zeros in bb_buddy */
	unsigned int bb_first_free;  /* no zero below this bit (search hint) */
	unsigned int bb_pending;     /* blocks of this group pending free */
	unsigned int bb_len;         /* blocks in the group (last may be short) */
	unsigned int bg_free;        /* descriptor: bg_free_blocks_count */
	ext4_fsblk_t bg_block_bitmap;  /* block holding the on-disk bitmap */
	ext4_fsblk_t bg_inode_bitmap;
	ext4_fsblk_t bg_inode_table;
	unsigned int bg_reserved;    /* fixed metadata blocks at the group start */
	struct buffer_head *bitmap_bh; /* on-disk bitmap (b_data) */
};

/* Groups are loaded on first use (a radix tree of the loaded ones): a group
 * no allocation or free has touched is its mkfs layout — fixed metadata in
 * use, everything after it free — which the allocator, the queries and the
 * checker read from the geometry, and the disk reports as its default
 * owners (ext4_sim_disk_set_default).  So mount costs the same for 1 GiB
 * and 16 TiB; memory follows the groups in use.  Loading a group builds
 * its bitmap buffer (uptodate, clean) and allocator view, as mount did for
 * every group before; nothing in the simulation can tell the difference. */
struct ext4_sim_mb {
	struct super_block *sb;
	ext4_group_t ngroups;
	unsigned int words;              /* uint64_t words per group bitmap */
	unsigned int desc_per_block;     /* group descriptors per GDT block */
	unsigned int gdt_blocks;
	unsigned int itable_blocks;      /* per group */
	struct radix_tree_root groups;   /* group -> struct ext4_group_info * */
	struct radix_tree_pool groups_pool;
	ext4_group_t nloaded;            /* groups loaded */
	uint64_t unloaded_free;          /* free blocks of groups not loaded */
	uint64_t buddy_free;             /* zeros of every group's buddy */
	/* pending frees in freeing order (tids commit in order) */
	struct ext4_free_data *pending;
	size_t npending, pending_cap;
	uint64_t pending_blocks;
	/* statistics */
	uint64_t nr_allocs, nr_alloc_blocks, nr_goal_hits;
	uint64_t nr_frees, nr_free_blocks, nr_deferred_blocks;
	uint64_t nr_releases, nr_released_blocks, nr_force_commits, nr_enospc;
};

static inline struct ext4_sim_mb *EXT4_SIM_MB(struct super_block *sb)
{
	return EXT4_SB(sb)->s_mb;
}

/* Layout constants: 32-byte group descriptors (no 64bit feature), 256-byte
 * inodes. */
#define EXT4_SIM_DESC_PER_BLOCK(bs) ((bs) / 32u)
#define EXT4_SIM_ITABLE_BLOCKS(ipg, bs) DIV_ROUND_UP((ipg) * 256u, (bs))

/* sparse_super: superblock + GDT copies in groups 0, 1 and powers of 3, 5
 * and 7 (balloc.c). */
bool ext4_bg_has_super(struct super_block *sb, ext4_group_t group);

/* The groups' layout: fixed metadata (superblock and GDT copies per
 * sparse_super, bitmaps, inode table) in use and owned FSMETA (the disk's
 * default layout), the rest free; groups are loaded on first use.  Needs
 * sbi geometry, s_disk and s_meta. */
struct ext4_sim_mb *ext4_sim_mb_new(struct super_block *sb,
				    unsigned int inodes_per_group);
void ext4_sim_mb_destroy(struct ext4_sim_mb *mb);

/* Mount time: take count blocks near goal for a fixed owner (the journal).
 * Returns the first block and sets *got (may be less than count). */
ext4_fsblk_t ext4_sim_mb_reserve(struct super_block *sb, ext4_fsblk_t goal,
				 unsigned long count, unsigned long *got,
				 enum ext4_sim_owner_kind kind);

/* The allocation core (no journalling, no accounting): a contiguous run of
 * up to *len free blocks chosen by the policy in mballoc.c, marked in use
 * in both views.  0 if the buddy has no free block. */
ext4_fsblk_t ext4_sim_mb_alloc_run(struct super_block *sb, ext4_fsblk_t goal,
				   unsigned int *len, unsigned int flags);

/* The free core: clear bits in the on-disk bitmap and, unless `defer`,
 * in the buddy; with defer record a pending free of transaction tid.
 * Owners change accordingly.  The range must not cross a group. */
void ext4_sim_mb_free_range(struct super_block *sb, ext4_fsblk_t block,
			    unsigned int count, bool defer, tid_t tid);

/* ext4_free_data_callback for every pending free of tid: the blocks go back
 * to the buddy and become FREE on disk.  Called from the jbd2 commit
 * callback (ext4_journal_commit_callback).  mb->nr_released_blocks counts
 * what it returned. */
void ext4_sim_mb_release_tid(struct ext4_sb_info *sbi, tid_t tid);

/* Group g, loaded (built from its layout) if it was not.  For tests and the
 * checker; the allocator loads what it touches. */
struct ext4_group_info *ext4_sim_mb_group(struct ext4_sim_mb *mb,
					  ext4_group_t g);
/* Group g if loaded, else NULL (its layout is untouched). */
static inline struct ext4_group_info *
ext4_sim_mb_group_peek(const struct ext4_sim_mb *mb, ext4_group_t g)
{
	return radix_tree_lookup(&mb->groups, g);
}

/* Blocks pending free (all transactions). */
static inline uint64_t ext4_sim_mb_pending(const struct ext4_sim_mb *mb)
{
	return mb->pending_blocks;
}
/* Free in the allocator's view (what can be allocated now). */
uint64_t ext4_sim_mb_buddy_free(const struct ext4_sim_mb *mb);
/* Is blk pending free?  *tid receives the freeing transaction. */
bool ext4_sim_mb_is_pending(const struct ext4_sim_mb *mb, ext4_fsblk_t blk,
			    tid_t *tid);
bool ext4_sim_mb_block_in_use(const struct ext4_sim_mb *mb, ext4_fsblk_t blk);

/* Invariants 1–5 above; on failure writes the first broken one to why. */
bool ext4_sim_mb_check(struct super_block *sb, char *why, size_t len);

/* Bit helpers over little-endian bitmaps (ext4_set_bit, mb_test_bit). */
static inline bool mb_test_bit(unsigned int bit, const void *map)
{
	return (((const uint8_t *)map)[bit >> 3] >> (bit & 7)) & 1;
}

#endif /* FS_EXT4_MBALLOC_H */
