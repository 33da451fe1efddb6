/* fs/ext4/mballoc.c — the multiblock allocator: group bitmaps, the
 * allocator's view, goal-directed allocation of contiguous runs, freeing
 * with deferred reuse (models fs/ext4/mballoc.c v4.4: ext4_mb_new_blocks,
 * ext4_mb_find_by_goal, ext4_mb_regular_allocator,
 * ext4_mb_mark_diskspace_used, ext4_free_blocks, ext4_mb_free_metadata,
 * ext4_free_data_callback, mb_free_blocks).
 *
 * Policy (deterministic; simplified from the kernel's criteria 0-3):
 *   1. goal: if the goal block is free in the allocator's view and the whole
 *      request fits from it, take it (ext4_mb_find_by_goal);
 *   2. first fit: groups from the goal's group on (wrapping), in each the
 *      first free run of at least len blocks from the group's first free
 *      block (criteria 1-2 of ext4_mb_regular_allocator);
 *   3. otherwise the longest free run of the first group (in the same
 *      order) that has any free block: a shorter allocation (criterion 3).
 * Not modelled: request normalisation and inode/locality-group
 * preallocations, stripe alignment, flex_bg packing, discard.  These change
 * where blocks land, not when a freed block may be reused, which is what
 * the oracle watches.
 *
 * Freeing (FIDELITY 5): the on-disk bitmap and the free counters change at
 * once; with a handle, unless the blocks are data under data=writeback,
 * they stay in use in the allocator's view until
 * ext4_sim_mb_release_tid(tid) — the jbd2 commit callback — returns them
 * (ext4_mb_free_metadata, ext4_free_data_callback).
 *
 * ENOSPC: when the view has no room and frees are pending, ext4_mb_new_blocks
 * forces a commit (ext4_sim_force_commit) and retries, at most 3 times.  In
 * the kernel that retry sits in the callers (ext4_should_retry_alloc in
 * write_begin/page_mkwrite/fallocate, the ENOSPC branch of writepages);
 * folding it in here gives every allocation path the same behaviour.
 *
 * Group locks (ext4_lock_group) are spinlocks held without sleeping in the
 * kernel; the model never yields inside the allocator, so they are not
 * modelled.  Nor is the CPU time of the search (no cost is charged here; a
 * named cost can be added by callers when the cost model grows one).  The
 * buddy is always loaded: the kernel's buddy-page reads and
 * ext4_mb_generate_from_freelist never happen.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "fs/ext4/mballoc.h"
#include "fs/ext4/ext4_jbd2.h"
#include "fs/oracle/oracle.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "bitmaps are accessed as little-endian 64-bit words");

/* ---- bit runs over 64-bit words -------------------------------------------- */

static inline bool wtest(const uint64_t *w, unsigned b)
{
	return (w[b >> 6] >> (b & 63)) & 1;
}

static void wset_range(uint64_t *w, unsigned s, unsigned n)
{
	for (unsigned b = s; b < s + n; b++)
		w[b >> 6] |= 1ull << (b & 63);
}

static void wclear_range(uint64_t *w, unsigned s, unsigned n)
{
	for (unsigned b = s; b < s + n; b++)
		w[b >> 6] &= ~(1ull << (b & 63));
}

/* First bit >= s below lim whose value is `one`; lim if none. */
static unsigned wfind(const uint64_t *w, unsigned s, unsigned lim, bool one)
{
	while (s < lim) {
		uint64_t x = w[s >> 6];

		if (!one)
			x = ~x;
		x &= ~0ull << (s & 63);
		if (x) {
			unsigned b = (s & ~63u) + (unsigned)__builtin_ctzll(x);

			return b < lim ? b : lim;
		}
		s = (s & ~63u) + 64;
	}
	return lim;
}

static unsigned wcount_zero(const uint64_t *w, unsigned lim)
{
	unsigned n = 0;

	for (unsigned i = 0; i < lim / 64; i++)
		n += 64 - (unsigned)__builtin_popcountll(w[i]);
	for (unsigned b = lim & ~63u; b < lim; b++)
		n += !wtest(w, b);
	return n;
}

static inline uint64_t *bitmap_words(struct ext4_group_info *grp)
{
	return (uint64_t *)(void *)grp->bitmap_bh->b_data;
}

/* ---- geometry -------------------------------------------------------------- */

/* Fixed metadata blocks at the start of group g: superblock + GDT copy
 * (sparse_super), block bitmap, inode bitmap, inode table. */
static unsigned group_reserved(const struct ext4_sim_mb *mb, ext4_group_t g)
{
	return (ext4_bg_has_super(mb->sb, g) ? 1 + mb->gdt_blocks : 0) + 2 +
	       mb->itable_blocks;
}

static unsigned group_len(const struct ext4_sim_mb *mb, ext4_group_t g)
{
	struct ext4_sb_info *sbi = EXT4_SB(mb->sb);
	ext4_fsblk_t start = ext4_group_first_block_no(mb->sb, g);

	return (unsigned)min_t(uint64_t, sbi->s_blocks_per_group,
			       sbi->s_blocks_count - start);
}

/* Groups below n with a superblock copy: 0, 1 and the powers of 3, 5, 7
 * (ext4_bg_has_super). */
static uint64_t groups_with_super(ext4_group_t n)
{
	uint64_t k = n < 2 ? n : 2;

	for (uint64_t b = 3; b <= 7; b += 2)
		for (uint64_t p = b; p < n; p *= b)
			k++;
	return k;
}

/* The disk's default owners: what mkfs left in a group nobody touched. */
static enum ext4_sim_owner_kind mb_default_owner(void *ctx, uint64_t blk,
						 uint64_t *end)
{
	struct ext4_sim_mb *mb = ctx;
	struct ext4_sb_info *sbi = EXT4_SB(mb->sb);
	uint64_t fdb = sbi->s_first_data_block, start;
	ext4_group_t g;
	unsigned res;

	if (blk < fdb) {
		*end = fdb;   /* the 1 KiB boot block */
		return EXT4_SIM_OWN_FSMETA;
	}
	g = (ext4_group_t)((blk - fdb) / sbi->s_blocks_per_group);
	start = ext4_group_first_block_no(mb->sb, g);
	res = group_reserved(mb, g);
	if (blk < start + res) {
		*end = start + res;
		return EXT4_SIM_OWN_FSMETA;
	}
	*end = start + group_len(mb, g);
	return EXT4_SIM_OWN_FREE;
}

struct ext4_sim_mb *ext4_sim_mb_new(struct super_block *sb,
				    unsigned int inodes_per_group)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	struct ext4_sim_mb *mb = g_new0(struct ext4_sim_mb, 1);
	unsigned bpg = sbi->s_blocks_per_group, bs = sb->s_blocksize;
	uint64_t meta;

	SIM_BUG_ON(bpg == 0 || bpg > 8 * bs || !sbi->s_disk || !sbi->s_meta);
	mb->sb = sb;
	mb->ngroups = sbi->s_groups_count;
	mb->words = (bpg + 63) / 64;
	mb->desc_per_block = EXT4_SIM_DESC_PER_BLOCK(bs);
	mb->gdt_blocks = DIV_ROUND_UP(mb->ngroups, mb->desc_per_block);
	mb->itable_blocks = EXT4_SIM_ITABLE_BLOCKS(inodes_per_group, bs);
	radix_tree_pool_init(&mb->groups_pool);
	radix_tree_init(&mb->groups, &mb->groups_pool);
	sbi->s_mb = mb;

	/* Every group's fixed metadata in use (super.c sizes the groups so
	 * that it fits), the boot block before the first group too; the
	 * rest is free.  Counted in closed form, built on first use. */
	meta = sbi->s_first_data_block +
	       (uint64_t)mb->ngroups * (2 + mb->itable_blocks) +
	       groups_with_super(mb->ngroups) * (1 + mb->gdt_blocks);
	SIM_BUG_ON(group_reserved(mb, mb->ngroups - 1) >=
		   group_len(mb, mb->ngroups - 1));
	ext4_sim_disk_set_default(sbi->s_disk, mb_default_owner, mb, meta);
	mb->unloaded_free = sbi->s_blocks_count - meta;
	mb->buddy_free = mb->unloaded_free;
	sbi->s_freeclusters_counter = (int64_t)mb->unloaded_free;
	return mb;
}

struct ext4_group_info *ext4_sim_mb_group(struct ext4_sim_mb *mb,
					  ext4_group_t g)
{
	struct super_block *sb = mb->sb;
	struct ext4_group_info *grp = ext4_sim_mb_group_peek(mb, g);
	ext4_fsblk_t start;
	unsigned meta = 0, bs = sb->s_blocksize;
	uint64_t *bm;
	struct buffer_head *bh;

	if (grp)
		return grp;
	SIM_BUG_ON(g >= mb->ngroups);
	grp = g_new0(struct ext4_group_info, 1);
	start = ext4_group_first_block_no(sb, g);
	grp->bb_len = group_len(mb, g);
	if (ext4_bg_has_super(sb, g))
		meta += 1 + mb->gdt_blocks;
	grp->bg_block_bitmap = start + meta;
	grp->bg_inode_bitmap = start + meta + 1;
	grp->bg_inode_table = start + meta + 2;
	meta += 2 + mb->itable_blocks;
	SIM_BUG_ON(meta >= grp->bb_len);  /* super.c sizes groups */
	SIM_BUG_ON(meta != group_reserved(mb, g));
	grp->bg_reserved = meta;

	bh = sb_getblk(sb, grp->bg_block_bitmap);
	set_buffer_uptodate(bh);
	grp->bitmap_bh = bh;  /* reference kept for the world's life */
	grp->bb_buddy = g_new0(uint64_t, mb->words);
	bm = bitmap_words(grp);
	/* fixed metadata in use; bits past the group's end padded with
	 * ones (ext4_mark_bitmap_end) */
	wset_range(bm, 0, meta);
	wset_range(bm, grp->bb_len, 8 * bs - grp->bb_len);
	memcpy(grp->bb_buddy, bm, mb->words * sizeof(uint64_t));
	wset_range(grp->bb_buddy, grp->bb_len, mb->words * 64 - grp->bb_len);
	grp->bb_free = grp->bg_free = grp->bb_len - meta;
	grp->bb_first_free = meta;
	SIM_BUG_ON(radix_tree_insert(&mb->groups, g, grp) != 0);
	mb->nloaded++;
	mb->unloaded_free -= grp->bb_free;
	return grp;
}

void ext4_sim_mb_destroy(struct ext4_sim_mb *mb)
{
	struct ext4_group_info *grp;
	uint64_t g = 0;

	if (!mb)
		return;
	while ((grp = radix_tree_next(&mb->groups, g, -1, &g))) {
		g_free(grp->bb_buddy);
		g_free(grp);
		g++;
	}
	radix_tree_destroy(&mb->groups);
	radix_tree_pool_destroy(&mb->groups_pool);
	g_free(mb->pending);
	g_free(mb);
}

static struct buffer_head *gd_bh_of(struct super_block *sb, ext4_group_t g)
{
	struct ext4_sim_mb *mb = EXT4_SIM_MB(sb);
	struct buffer_head *bh;

	/* The GDT is read at mount (ext4_get_group_desc): a descriptor
	 * block's buffer is uptodate from its first use on. */
	bh = sb_getblk(sb, EXT4_SB(sb)->s_first_data_block + 1 +
			       g / mb->desc_per_block);
	set_buffer_uptodate(bh);
	return bh;
}

/* ---- allocation --------------------------------------------------------------- */

static void mark_used(struct ext4_sim_mb *mb, ext4_group_t g, unsigned s,
		      unsigned n)
{
	struct ext4_group_info *grp = ext4_sim_mb_group(mb, g);

	SIM_BUG_ON(wfind(grp->bb_buddy, s, s + n, true) != s + n);
	SIM_BUG_ON(wfind(bitmap_words(grp), s, s + n, true) != s + n);
	wset_range(grp->bb_buddy, s, n);
	wset_range(bitmap_words(grp), s, n);
	grp->bb_free -= n;
	grp->bg_free -= n;
	mb->buddy_free -= n;
	if (s <= grp->bb_first_free)
		grp->bb_first_free = wfind(grp->bb_buddy, s + n, grp->bb_len,
					   false);
}

/* First free run of >= len in group g (first fit), or the longest if
 * `longest`; returns its length (0: none), start in *start. */
static unsigned scan_group(struct ext4_sim_mb *mb, ext4_group_t g,
			   unsigned len, bool longest, unsigned *start)
{
	struct ext4_group_info *grp = ext4_sim_mb_group_peek(mb, g);
	unsigned b, best = 0;

	if (!grp) {
		/* untouched: one free run after the fixed metadata */
		unsigned res = group_reserved(mb, g), run = group_len(mb, g) - res;

		*start = res;
		if (run >= len)
			return len;
		return longest ? run : 0;
	}
	b = grp->bb_first_free;
	if (grp->bb_free == 0)
		return 0;
	while (b < grp->bb_len) {
		unsigned s = wfind(grp->bb_buddy, b, grp->bb_len, false);
		unsigned e;

		if (s >= grp->bb_len)
			break;
		e = wfind(grp->bb_buddy, s, grp->bb_len, true);
		if (!longest && e - s >= len) {
			*start = s;
			return len;
		}
		if (e - s > best) {
			best = e - s;
			*start = s;
		}
		b = e;
	}
	if (longest)
		return best < len ? best : len;
	return 0;
}

ext4_fsblk_t ext4_sim_mb_alloc_run(struct super_block *sb, ext4_fsblk_t goal,
				   unsigned int *len, unsigned int flags)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	struct ext4_sim_mb *mb = sbi->s_mb;
	ext4_group_t g0, g = 0;
	unsigned off0, want = *len, got = 0, s = 0;

	SIM_BUG_ON(want == 0);
	if (want > sbi->s_blocks_per_group)
		want = sbi->s_blocks_per_group;  /* one group at most */
	if (goal < sbi->s_first_data_block || goal >= sbi->s_blocks_count)
		goal = sbi->s_first_data_block;
	ext4_get_group_no_and_offset(sb, goal, &g0, &off0);

	/* 1. the goal itself */
	{
		struct ext4_group_info *grp = ext4_sim_mb_group_peek(mb, g0);
		bool fits = grp ? off0 < grp->bb_len &&
				  !wtest(grp->bb_buddy, off0) &&
				  wfind(grp->bb_buddy, off0,
					min(off0 + want, grp->bb_len),
					true) == off0 + want
				: off0 >= group_reserved(mb, g0) &&
				  off0 + want <= group_len(mb, g0);

		if (fits) {
			mark_used(mb, g0, off0, want);
			mb->nr_goal_hits++;
			*len = want;
			return ext4_group_first_block_no(sb, g0) + off0;
		}
	}
	/* 2. first fit of the whole request, 3. the longest run anywhere */
	for (int pass = 0; pass < 2 && !got; pass++) {
		for (ext4_group_t i = 0; i < mb->ngroups; i++) {
			g = (g0 + i) % mb->ngroups;
			got = scan_group(mb, g, want, pass == 1, &s);
			if (got)
				break;
		}
	}
	if (!got)
		return 0;
	mark_used(mb, g, s, got);
	*len = got;
	return ext4_group_first_block_no(sb, g) + s;
}

ext4_fsblk_t ext4_sim_mb_reserve(struct super_block *sb, ext4_fsblk_t goal,
				 unsigned long count, unsigned long *got,
				 enum ext4_sim_owner_kind kind)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	unsigned len = (unsigned)min_t(unsigned long, count,
				       sbi->s_blocks_per_group);
	ext4_fsblk_t blk = ext4_sim_mb_alloc_run(sb, goal, &len, 0);

	*got = blk ? len : 0;
	if (!blk)
		return 0;
	ext4_sim_disk_reserve(sbi->s_disk, blk, len, kind);
	sbi->s_freeclusters_counter -= len;
	return blk;
}

/* ext4_mb_mark_diskspace_used: the bitmap and descriptor buffers join the
 * handle's transaction (one credit each, the first time). */
static void journal_group_buffers(handle_t *handle, struct super_block *sb,
				  ext4_group_t g, bool dirty)
{
	struct buffer_head *bitmap_bh =
		ext4_sim_mb_group(EXT4_SIM_MB(sb), g)->bitmap_bh;
	struct buffer_head *gd_bh = gd_bh_of(sb, g);

	if (!dirty) {
		ext4_journal_get_write_access(handle, bitmap_bh);
		ext4_journal_get_write_access(handle, gd_bh);
	} else {
		ext4_handle_dirty_metadata(handle, NULL, bitmap_bh);
		ext4_handle_dirty_metadata(handle, NULL, gd_bh);
	}
	brelse(gd_bh);
}

ext4_fsblk_t ext4_mb_new_blocks(handle_t *handle,
				struct ext4_allocation_request *ar, int *errp)
{
	struct super_block *sb = ar->inode->i_sb;
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	struct ext4_sim_mb *mb = sbi->s_mb;
	unsigned int len, reserv = 0;
	ext4_fsblk_t blk;
	ext4_group_t g;
	unsigned off;
	int retries = 0;

	*errp = 0;
	SIM_BUG_ON(ar->len == 0);
	if (!(ar->flags & EXT4_MB_DELALLOC_RESERVED)) {
		/* Without delayed allocation the space must be claimed now
		 * (halving the request until it fits, as the kernel does). */
		while (ar->len &&
		       ext4_claim_free_clusters(sbi, ar->len, ar->flags))
			ar->len >>= 1;
		if (!ar->len) {
			mb->nr_enospc++;
			*errp = -ENOSPC;
			return 0;
		}
		reserv = ar->len;
	}
	for (;;) {
		len = ar->len;
		blk = ext4_sim_mb_alloc_run(sb, ar->goal, &len, ar->flags);
		if (blk || !mb->pending_blocks || retries++ >= 3)
			break;
		/* Only pending frees stand between us and the space. */
		mb->nr_force_commits++;
		if (ext4_sim_force_commit(sb) <= 0)
			break;
	}
	if (!blk) {
		sbi->s_dirtyclusters_counter -= reserv;
		mb->nr_enospc++;
		ar->len = 0;
		*errp = -ENOSPC;
		return 0;
	}
	ext4_get_group_no_and_offset(sb, blk, &g, &off);
	journal_group_buffers(handle, sb, g, false);
	sbi->s_freeclusters_counter -= len;
	/* Non-delalloc: the claim is converted into the allocation. */
	sbi->s_dirtyclusters_counter -= reserv;
	if (ar->flags & (EXT4_MB_SIM_NODE | EXT4_MB_HINT_METADATA)) {
		for (unsigned i = 0; i < len; i++)
			ext4_sim_disk_alloc_node(sbi->s_disk, blk + i,
						 (uint32_t)ar->inode->i_ino);
	} else {
		ext4_sim_disk_alloc_data(sbi->s_disk, blk, len,
					 (uint32_t)ar->inode->i_ino,
					 ar->logical);
	}
	journal_group_buffers(handle, sb, g, true);
	mb->nr_allocs++;
	mb->nr_alloc_blocks += len;
	ar->len = len;
	return blk;
}

/* ---- freeing ----------------------------------------------------------------- */

void ext4_sim_mb_free_range(struct super_block *sb, ext4_fsblk_t block,
			    unsigned int count, bool defer, tid_t tid)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	struct ext4_sim_mb *mb = sbi->s_mb;
	struct ext4_group_info *grp;
	ext4_group_t g;
	unsigned s;

	ext4_get_group_no_and_offset(sb, block, &g, &s);
	grp = ext4_sim_mb_group(mb, g);
	SIM_BUG_ON(count == 0 || s + count > grp->bb_len);
	/* double free: every bit must be in use in both views */
	SIM_BUG_ON(wfind(bitmap_words(grp), s, s + count, false) != s + count);
	SIM_BUG_ON(wfind(grp->bb_buddy, s, s + count, false) != s + count);
	wclear_range(bitmap_words(grp), s, count);
	grp->bg_free += count;
	if (defer) {
		struct ext4_free_data *e;

		/* ext4_mb_free_metadata: the buddy keeps the blocks */
		if (mb->npending == mb->pending_cap) {
			mb->pending_cap = mb->pending_cap ? mb->pending_cap * 2 : 64;
			mb->pending = g_realloc_n(mb->pending, mb->pending_cap,
						  sizeof(*mb->pending));
		}
		e = &mb->pending[mb->npending++];
		*e = (struct ext4_free_data){
			.efd_group = g, .efd_start_cluster = s,
			.efd_count = count, .efd_tid = tid,
		};
		grp->bb_pending += count;
		mb->pending_blocks += count;
		mb->nr_deferred_blocks += count;
		ext4_sim_disk_free_pending(sbi->s_disk, block, count, tid);
	} else {
		/* mb_free_blocks: reusable at once */
		wclear_range(grp->bb_buddy, s, count);
		grp->bb_free += count;
		mb->buddy_free += count;
		if (s < grp->bb_first_free)
			grp->bb_first_free = s;
		ext4_sim_disk_free_now(sbi->s_disk, block, count);
	}
	/* the oracle: who freed it, and (no deferral) a buffer or DAX PTE
	 * still mapping a block that is reusable now is a stale mapping */
	fs_oracle_block_free(sb, block, count);
	if (!defer)
		fs_oracle_block_reusable(sb, block, count);
	mb->nr_frees++;
	mb->nr_free_blocks += count;
}

void ext4_sim_mb_release_tid(struct ext4_sb_info *sbi, tid_t tid)
{
	struct ext4_sim_mb *mb = sbi->s_mb;
	struct super_block *sb = sbi->s_sb;
	uint64_t released = 0;
	size_t o = 0;

	for (size_t i = 0; i < mb->npending; i++) {
		struct ext4_free_data *e = &mb->pending[i];
		struct ext4_group_info *grp =
			ext4_sim_mb_group_peek(mb, e->efd_group);
		unsigned s = e->efd_start_cluster, n = e->efd_count;

		if (e->efd_tid != tid) {
			mb->pending[o++] = *e;
			continue;
		}
		/* ext4_free_data_callback -> mb_free_blocks */
		SIM_BUG_ON(wfind(grp->bb_buddy, s, s + n, false) != s + n);
		wclear_range(grp->bb_buddy, s, n);
		grp->bb_free += n;
		grp->bb_pending -= n;
		if (s < grp->bb_first_free)
			grp->bb_first_free = s;
		ext4_sim_disk_release(sbi->s_disk,
				      ext4_group_first_block_no(sb, e->efd_group) + s,
				      n, tid);
		fs_oracle_block_reusable(sb,
				ext4_group_first_block_no(sb, e->efd_group) + s, n);
		released += n;
	}
	mb->npending = o;
	mb->pending_blocks -= released;
	mb->buddy_free += released;
	if (released)
		mb->nr_releases++;
	mb->nr_released_blocks += released;
}

void ext4_free_blocks(handle_t *handle, struct inode *inode,
		      struct buffer_head *bh, ext4_fsblk_t block,
		      unsigned long count, int flags)
{
	struct super_block *sb = inode->i_sb;
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	bool writeback = (sbi->s_mount_opt & EXT4_MOUNT_DATA_FLAGS) ==
			 EXT4_MOUNT_WRITEBACK_DATA;
	bool defer;

	/* ext4_data_block_valid: never free fixed metadata or beyond the end
	 * (the kernel reports fs corruption; here it is a model bug). */
	SIM_BUG_ON(count == 0 || block < sbi->s_first_data_block ||
		   block >= sbi->s_blocks_count ||
		   count > sbi->s_blocks_count - block);
	if (bh && (flags & EXT4_FREE_BLOCKS_FORGET)) {
		SIM_BUG_ON(count > 1);
		ext4_forget(handle, flags & EXT4_FREE_BLOCKS_METADATA, inode,
			    bh, block);
	}
	if (!bh && (flags & EXT4_FREE_BLOCKS_FORGET)) {
		int is_metadata = flags & EXT4_FREE_BLOCKS_METADATA;

		for (unsigned long i = 0; i < count; i++) {
			struct buffer_head *fbh = NULL;

			if (is_metadata)
				fbh = sb_find_get_block(sb, block + i);
			ext4_forget(handle, is_metadata, inode, fbh,
				    block + i);
		}
	}

	/* Don't reuse the blocks until the freeing transaction commits,
	 * except data blocks under data=writeback ("writeback mode has weak
	 * data consistency guarantees"); extent-tree nodes (METADATA) wait
	 * in every mode that has a journal. */
	defer = ext4_handle_valid(handle) &&
		((flags & EXT4_FREE_BLOCKS_METADATA) || !writeback);
	while (count) {
		ext4_group_t g;
		unsigned off, n;

		/* freeing across a group boundary: one group at a time */
		ext4_get_group_no_and_offset(sb, block, &g, &off);
		n = (unsigned)min_t(unsigned long, count,
				    sbi->s_blocks_per_group - off);
		journal_group_buffers(handle, sb, g, false);
		ext4_sim_mb_free_range(sb, block, n, defer,
				       defer ? ext4_sim_handle_tid(handle) : 0);
		/* counters rise now, pending or not */
		sbi->s_freeclusters_counter += n;
		journal_group_buffers(handle, sb, g, true);
		block += n;
		count -= n;
	}
}

/* ---- queries and the checker ---------------------------------------------------- */

uint64_t ext4_sim_mb_buddy_free(const struct ext4_sim_mb *mb)
{
	return mb->buddy_free;
}

static bool locate(const struct ext4_sim_mb *mb, ext4_fsblk_t blk,
		   ext4_group_t *g, unsigned *off)
{
	struct ext4_sb_info *sbi = EXT4_SB(mb->sb);

	if (blk < sbi->s_first_data_block || blk >= sbi->s_blocks_count)
		return false;
	ext4_get_group_no_and_offset(mb->sb, blk, g, off);
	return true;
}

bool ext4_sim_mb_is_pending(const struct ext4_sim_mb *mb, ext4_fsblk_t blk,
			    tid_t *tid)
{
	ext4_group_t g;
	unsigned off;

	const struct ext4_group_info *grp;

	if (!locate(mb, blk, &g, &off) ||
	    !(grp = ext4_sim_mb_group_peek(mb, g)) || !grp->bb_pending)
		return false;
	for (size_t i = 0; i < mb->npending; i++) {
		const struct ext4_free_data *e = &mb->pending[i];

		if (e->efd_group == g && off >= e->efd_start_cluster &&
		    off < e->efd_start_cluster + e->efd_count) {
			if (tid)
				*tid = e->efd_tid;
			return true;
		}
	}
	return false;
}

bool ext4_sim_mb_block_in_use(const struct ext4_sim_mb *mb, ext4_fsblk_t blk)
{
	ext4_group_t g;
	unsigned off;

	const struct ext4_group_info *grp;

	if (!locate(mb, blk, &g, &off))
		return true;  /* boot block */
	grp = ext4_sim_mb_group_peek(mb, g);
	if (!grp)
		return off < group_reserved(mb, g);
	return mb_test_bit(off, grp->bitmap_bh->b_data);
}

#define FAIL(...)                                    \
	do {                                         \
		snprintf(why, len, __VA_ARGS__);     \
		ok = false;                          \
		goto out;                            \
	} while (0)

/* Owners against the bitmaps of a loaded group, a run of owners at a time
 * (a block at a time only where a run disagrees, to name the first block
 * as a per-block walk would). */
struct owner_check {
	const uint64_t *bm, *mask;
	const tid_t *tids;
	ext4_fsblk_t first;
	char *why;
	size_t len;
	bool ok;
};

static bool owner_block_bad(struct owner_check *c, unsigned b,
			    const struct ext4_sim_owner *o)
{
	bool used = wtest(c->bm, b), pending = wtest(c->mask, b);

	if (used && (o->kind == EXT4_SIM_OWN_FREE ||
		     o->kind == EXT4_SIM_OWN_PENDING_FREE)) {
		snprintf(c->why, c->len,
			 "block %" PRIu64 ": in use on disk but owner %s",
			 c->first + b, ext4_sim_owner_kind_name(o->kind));
		return true;
	}
	if (pending && (o->kind != EXT4_SIM_OWN_PENDING_FREE ||
			o->tid != c->tids[b])) {
		snprintf(c->why, c->len,
			 "block %" PRIu64 ": pending free (tid %u) but owner %s tid %u",
			 c->first + b, c->tids[b],
			 ext4_sim_owner_kind_name(o->kind), o->tid);
		return true;
	}
	if (!used && !pending && o->kind != EXT4_SIM_OWN_FREE) {
		snprintf(c->why, c->len, "block %" PRIu64 ": free but owner %s",
			 c->first + b, ext4_sim_owner_kind_name(o->kind));
		return true;
	}
	return false;
}

static bool owner_run_check(void *ctx, uint64_t blk, uint64_t count,
			    const struct ext4_sim_owner *o)
{
	struct owner_check *c = ctx;
	unsigned s = (unsigned)(blk - c->first), e = s + (unsigned)count;
	bool good;

	switch (o->kind) {
	case EXT4_SIM_OWN_FREE:
		good = wfind(c->bm, s, e, true) == e &&
		       wfind(c->mask, s, e, true) == e;
		break;
	case EXT4_SIM_OWN_PENDING_FREE:
		good = wfind(c->bm, s, e, true) == e &&
		       wfind(c->mask, s, e, false) == e;
		for (unsigned b = s; good && b < e; b++)
			good = c->tids[b] == o->tid;
		break;
	default:
		good = wfind(c->bm, s, e, false) == e &&
		       wfind(c->mask, s, e, true) == e;
		break;
	}
	if (good)
		return true;
	for (unsigned b = s; b < e; b++) {
		struct ext4_sim_owner ob = *o;

		if (o->kind == EXT4_SIM_OWN_DATA ||
		    (o->kind == EXT4_SIM_OWN_PENDING_FREE &&
		     o->prev_kind == EXT4_SIM_OWN_DATA))
			ob.lblk += b - s;
		if (owner_block_bad(c, b, &ob))
			return c->ok = false;
	}
	return true;
}

/* Load every group a stored owner run lies in: a group nobody allocated
 * from must still show its layout's owners (checked like any other). */
static bool load_run_groups(void *ctx, uint64_t blk, uint64_t count,
			    const struct ext4_sim_owner *o)
{
	struct ext4_sim_mb *mb = ctx;
	struct ext4_sb_info *sbi = EXT4_SB(mb->sb);
	uint64_t fdb = sbi->s_first_data_block;

	(void)o;
	if (blk + count <= fdb)
		return true;
	if (blk < fdb) {
		count -= fdb - blk;
		blk = fdb;
	}
	for (uint64_t g = (blk - fdb) / sbi->s_blocks_per_group;
	     g <= (blk + count - 1 - fdb) / sbi->s_blocks_per_group; g++)
		ext4_sim_mb_group(mb, (ext4_group_t)g);
	return true;
}

bool ext4_sim_mb_check(struct super_block *sb, char *why, size_t len)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	struct ext4_sim_mb *mb = sbi->s_mb;
	const struct ext4_sim_disk *d = sbi->s_disk;
	uint64_t *mask = g_new(uint64_t, mb->words);
	tid_t *tids = g_new(tid_t, sbi->s_blocks_per_group);
	uint64_t sum_bg, sum_bb, sum_pending = 0, gi = 0;
	struct ext4_group_info *grp;
	char dummy[1];
	bool ok = true;

	if (!why) {
		why = dummy;
		len = sizeof(dummy);
	}
	/* Groups never loaded hold their layout: consistent by construction
	 * unless an owner run lies in one (a transition that bypassed the
	 * allocator) — load those so that the loop below judges them. */
	{
		uint64_t key = 0, s, n;
		const struct ext4_sim_owner *v;

		while ((v = sim_extmap_next(&d->owners, key, &s, &n))) {
			load_run_groups(mb, s, n, v);
			key = s + n;
		}
	}
	sum_bg = sum_bb = mb->unloaded_free;
	while ((grp = radix_tree_next(&mb->groups, gi, -1, &gi))) {
		ext4_group_t g = (ext4_group_t)gi++;
		const uint64_t *bm = bitmap_words(grp), *bd = grp->bb_buddy;
		ext4_fsblk_t first = ext4_group_first_block_no(sb, g);
		unsigned pend = 0;
		struct owner_check oc;

		memset(mask, 0, mb->words * sizeof(uint64_t));
		for (size_t i = 0; i < mb->npending; i++) {
			const struct ext4_free_data *e = &mb->pending[i];
			unsigned s = e->efd_start_cluster;

			if (e->efd_group != g)
				continue;
			if (e->efd_count == 0 || s + e->efd_count > grp->bb_len)
				FAIL("group %u: pending free [%u,+%u) outside the group",
				     g, s, e->efd_count);
			if (wfind(mask, s, s + e->efd_count, true) != s + e->efd_count)
				FAIL("group %u: pending frees overlap at bit %u", g,
				     wfind(mask, s, s + e->efd_count, true));
			wset_range(mask, s, e->efd_count);
			for (unsigned b = s; b < s + e->efd_count; b++)
				tids[b] = e->efd_tid;
			pend += e->efd_count;
		}
		for (unsigned w = 0; w < mb->words; w++) {
			uint64_t lim = ~0ull;

			if (w * 64 + 64 > grp->bb_len)
				lim = grp->bb_len > w * 64 ?
					      (1ull << (grp->bb_len - w * 64)) - 1 : 0;
			if (bm[w] & ~bd[w] & lim)
				FAIL("group %u block %" PRIu64 ": in use on disk, free in buddy",
				     g, first + w * 64 +
					     (unsigned)__builtin_ctzll(bm[w] & ~bd[w] & lim));
			if (((bd[w] & ~bm[w]) ^ mask[w]) & lim)
				FAIL("group %u block %" PRIu64 ": %s",
				     g, first + w * 64 +
					     (unsigned)__builtin_ctzll(((bd[w] & ~bm[w]) ^ mask[w]) & lim),
				     (bd[w] & ~bm[w] & ~mask[w] & lim) ?
					     "free on disk, in use in buddy, not pending" :
					     "pending free but not (in buddy, free on disk)");
			if (~bd[w] & ~lim)
				FAIL("group %u: buddy padding bits clear", g);
		}
		if (wcount_zero(bd, grp->bb_len) != grp->bb_free)
			FAIL("group %u: bb_free %u, buddy has %u free", g,
			     grp->bb_free, wcount_zero(bd, grp->bb_len));
		if (wcount_zero(bm, grp->bb_len) != grp->bg_free)
			FAIL("group %u: bg_free %u, bitmap has %u free", g,
			     grp->bg_free, wcount_zero(bm, grp->bb_len));
		if (pend != grp->bb_pending)
			FAIL("group %u: bb_pending %u, pending list has %u", g,
			     grp->bb_pending, pend);
		if (grp->bb_first_free > grp->bb_len ||
		    wfind(bd, 0, grp->bb_first_free, false) != grp->bb_first_free)
			FAIL("group %u: free block below bb_first_free %u", g,
			     grp->bb_first_free);
		oc = (struct owner_check){ .bm = bm, .mask = mask, .tids = tids,
					   .first = first, .why = why,
					   .len = len, .ok = true };
		ext4_sim_disk_for_each_run(d, first, first + grp->bb_len,
					   owner_run_check, &oc);
		if (!oc.ok) {
			ok = false;
			goto out;
		}
		sum_bg += grp->bg_free;
		sum_bb += grp->bb_free;
		sum_pending += grp->bb_pending;
	}
	if (sum_pending != mb->pending_blocks)
		FAIL("pending total %" PRIu64 ", groups say %" PRIu64,
		     mb->pending_blocks, sum_pending);
	if ((int64_t)sum_bg != sbi->s_freeclusters_counter)
		FAIL("s_freeclusters_counter %" PRId64 ", descriptors say %" PRIu64,
		     sbi->s_freeclusters_counter, sum_bg);
	if (sum_bb + sum_pending != sum_bg)
		FAIL("buddy free %" PRIu64 " + pending %" PRIu64 " != disk free %" PRIu64,
		     sum_bb, sum_pending, sum_bg);
	if (sum_bb != mb->buddy_free)
		FAIL("buddy free %" PRIu64 ", kept %" PRIu64, sum_bb,
		     mb->buddy_free);
	if (ext4_sim_disk_count(d, EXT4_SIM_OWN_FREE) != sum_bb ||
	    ext4_sim_disk_count(d, EXT4_SIM_OWN_PENDING_FREE) != sum_pending)
		FAIL("disk owners: %" PRIu64 " free, %" PRIu64 " pending; allocator: %"
		     PRIu64 ", %" PRIu64,
		     ext4_sim_disk_count(d, EXT4_SIM_OWN_FREE),
		     ext4_sim_disk_count(d, EXT4_SIM_OWN_PENDING_FREE), sum_bb,
		     sum_pending);
out:
	g_free(mask);
	g_free(tids);
	return ok;
}
