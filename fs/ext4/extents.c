/* fs/ext4/extents.c — the extent tree: lookup, insertion and splitting.
 *
 * Mirrors fs/ext4/extents.c of v4.4.1: ext4_find_extent (the path array),
 * ext4_ext_insert_extent with merging to the left and right,
 * ext4_ext_create_new_leaf / ext4_ext_split / ext4_ext_grow_indepth when a
 * leaf is full, ext4_ext_try_to_merge_up (a lone leaf folds back into the
 * inode), ext4_ext_correct_indexes, ext4_split_extent_at and
 * ext4_split_extent.  Removal is in extents_remove.c, shifting in
 * extents_shift.c, block mapping and unwritten conversion in
 * extents_map.c, the structural checks in extents_check.c.
 *
 * Nodes are real bytes (see ext4_extents.h): the root in i_data, the rest in
 * block-device buffers from fs/block/block.c allocated as metadata through
 * ext4_new_meta_blocks (disk owner NODE(ino)).
 *
 * Simplifications (each also noted where it is made):
 *  - node buffers stay in the buffer cache for the life of the world (no
 *    metadata eviction), so a lookup costs CPU only and never device IO;
 *  - no bigalloc (cluster ratio 1) and no quota;
 *  - merging unwritten extents is not held back by in-flight DIO
 *    conversions (the model has no EXT4_STATE_DIO_UNWRITTEN / i_unwritten);
 *  - no AGGRESSIVE_TEST: small block sizes (1 KiB: 84 entries per node)
 *    are what forces deep trees in the tests.
 *
 * Deviations, for robustness (each marked where made): ext4_find_extent
 * hands a reallocated path array back through *orig_path; after a failed
 * insert, ext4_split_extent_at finds its first half again before fixing
 * its length (the failed insert may have grown the tree); the depth limit
 * of later kernels (5) is enforced.
 *
 * Locking: callers hold i_data_sem, for write when the tree changes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fs/block/disk.h"
#include "fs/ext4/extents_internal.h"

/* ---- capacities ------------------------------------------------------------ */

int ext4_ext_space_root(struct inode *inode)
{
	return (int)((sizeof(EXT4_I(inode)->i_data) -
		      sizeof(struct ext4_extent_header)) /
		     sizeof(struct ext4_extent));
}

static int ext4_ext_space_root_idx(struct inode *inode)
{
	return (int)((sizeof(EXT4_I(inode)->i_data) -
		      sizeof(struct ext4_extent_header)) /
		     sizeof(struct ext4_extent_idx));
}

int ext4_ext_space_block(struct inode *inode)
{
	return (int)((inode->i_sb->s_blocksize -
		      sizeof(struct ext4_extent_header)) /
		     sizeof(struct ext4_extent));
}

static int ext4_ext_space_block_idx(struct inode *inode)
{
	return (int)((inode->i_sb->s_blocksize -
		      sizeof(struct ext4_extent_header)) /
		     sizeof(struct ext4_extent_idx));
}

int ext4_ext_max_entries(struct inode *inode, int depth)
{
	if (depth == ext_depth(inode))
		return depth == 0 ? ext4_ext_space_root(inode)
				  : ext4_ext_space_root_idx(inode);
	return depth == 0 ? ext4_ext_space_block(inode)
			  : ext4_ext_space_block_idx(inode);
}

/* ---- journalled access, with credit accounting -------------------------------- */

int ext4_ext_get_access(handle_t *handle, struct inode *inode,
			struct ext4_ext_path *path)
{
	int before, err;

	/* the root lives in the inode: dirtying the inode covers it */
	if (!path->p_bh)
		return 0;
	before = ext4_sim_credits_before(handle);
	err = ext4_journal_get_write_access(handle, path->p_bh);
	ext4_sim_charge(inode, handle, before);
	return err;
}

int ext4_sim_mark_inode_dirty(handle_t *handle, struct inode *inode)
{
	int before = ext4_sim_credits_before(handle);
	int err = ext4_mark_inode_dirty(handle, inode);

	ext4_sim_charge(inode, handle, before);
	ext4_sim_ext_stats(inode)->node_dirties++;
	return err;
}

static int ext4_sim_dirty_node_bh(handle_t *handle, struct inode *inode,
				  struct buffer_head *bh)
{
	int before = ext4_sim_credits_before(handle);
	int err;

	find_ext4_extent_tail(ext_block_hdr(bh))->et_checksum =
		cpu_to_le32(ext4_sim_extent_block_csum(inode, ext_block_hdr(bh)));
	err = ext4_handle_dirty_metadata(handle, inode, bh);
	ext4_sim_charge(inode, handle, before);
	ext4_sim_ext_stats(inode)->node_dirties++;
	return err;
}

int __ext4_ext_dirty(const char *where, unsigned int line, handle_t *handle,
		     struct inode *inode, struct ext4_ext_path *path)
{
	(void)where;
	(void)line;
	/* every tree change happens under i_data_sem */
	WARN_ON(!sim_rwsem_is_locked(&EXT4_I(inode)->i_data_sem));
	if (path->p_bh)
		return ext4_sim_dirty_node_bh(handle, inode, path->p_bh);
	return ext4_sim_mark_inode_dirty(handle, inode);
}

void ext4_sim_ext_free_blocks(handle_t *handle, struct inode *inode,
			      ext4_fsblk_t blk, unsigned long count, int flags)
{
	int before = ext4_sim_credits_before(handle);

	ext4_free_blocks(handle, inode, NULL, blk, count, flags);
	ext4_sim_charge(inode, handle, before);
}

/* An extent-tree node block goes back to the allocator; the journal must
 * forget (revoke) it so replay cannot write the old node over its next
 * owner. */
void ext4_sim_ext_free_node(handle_t *handle, struct inode *inode,
			    ext4_fsblk_t blk)
{
	ext4_sim_ext_free_blocks(handle, inode, blk, 1,
				 EXT4_FREE_BLOCKS_METADATA |
				 EXT4_FREE_BLOCKS_FORGET);
	ext4_sim_ext_stats(inode)->nodes_freed++;
}

/* ---- allocation of node blocks --------------------------------------------------- */

/* Simplification of ext4_inode_to_goal_block (balloc.c): no flex_bg and no
 * per-process colour; the inode's "home" group is ino mod groups. */
static ext4_fsblk_t ext4_sim_inode_goal(struct inode *inode)
{
	struct ext4_sb_info *sbi = EXT4_SB(inode->i_sb);

	return ext4_group_first_block_no(inode->i_sb,
					 (ext4_group_t)(inode->i_ino %
							sbi->s_groups_count));
}

/* Where the block for lblk `block` would best go: next to the extent the
 * path found (as if the file were being filled in densely), else next to
 * the leaf, else the inode's group. */
ext4_fsblk_t ext4_ext_find_goal(struct inode *inode,
				struct ext4_ext_path *path, ext4_lblk_t block)
{
	if (path) {
		int depth = path->p_depth;
		struct ext4_extent *ex = path[depth].p_ext;

		if (ex) {
			ext4_fsblk_t pblk = ext4_ext_pblock(ex);
			ext4_lblk_t lblk = le32_to_cpu(ex->ee_block);

			if (block > lblk)
				return pblk + (block - lblk);
			return pblk - (lblk - block);
		}
		if (path[depth].p_bh)
			return path[depth].p_bh->b_blocknr;
	}
	return ext4_sim_inode_goal(inode);
}

static ext4_fsblk_t ext4_sim_new_node_block(handle_t *handle,
					    struct inode *inode,
					    ext4_fsblk_t goal,
					    unsigned int flags, int *err)
{
	int before = ext4_sim_credits_before(handle);
	ext4_fsblk_t blk;

	blk = ext4_new_meta_blocks(handle, inode, goal, flags, NULL, err);
	ext4_sim_charge(inode, handle, before);
	if (blk)
		ext4_sim_ext_stats(inode)->nodes_allocated++;
	return blk;
}

static ext4_fsblk_t ext4_ext_new_meta_block(handle_t *handle,
					    struct inode *inode,
					    struct ext4_ext_path *path,
					    struct ext4_extent *ex, int *err,
					    unsigned int flags)
{
	ext4_fsblk_t goal = ext4_ext_find_goal(inode, path,
					       le32_to_cpu(ex->ee_block));

	return ext4_sim_new_node_block(handle, inode, goal, flags, err);
}

/* The buffer of a freshly allocated node, zeroed and writable.  The kernel
 * leaves stale bytes beyond the entries; zeroing keeps the checksum (and
 * so the whole model) independent of what the block held before. */
static struct buffer_head *ext4_sim_new_node_bh(handle_t *handle,
						struct inode *inode,
						ext4_fsblk_t blk, int *err)
{
	struct buffer_head *bh = sb_getblk(inode->i_sb, blk);
	int before;

	if (!bh) {
		*err = -ENOMEM;
		return NULL;
	}
	memset(bh->b_data, 0, inode->i_sb->s_blocksize);
	ext4_sim_set_buffer_verified(bh, false);
	/* kernel: ext4_journal_get_create_access */
	before = ext4_sim_credits_before(handle);
	*err = ext4_journal_get_write_access(handle, bh);
	ext4_sim_charge(inode, handle, before);
	if (*err) {
		brelse(bh);
		return NULL;
	}
	return bh;
}

/* ---- reading nodes --------------------------------------------------------------- */

struct buffer_head *ext4_sim_read_extent_tree_block(struct inode *inode,
						    ext4_fsblk_t pblk,
						    int depth, int flags)
{
	struct buffer_head *bh;
	struct ext4_extent_header *eh;
	int err;

	bh = sb_getblk(inode->i_sb, pblk);
	if (!bh)
		return ERR_PTR(-ENOMEM);
	/* Model: node buffers are created in memory and never evicted, so a
	 * node block that is not uptodate was never written as a node. */
	if (!buffer_uptodate(bh)) {
		err = -EFSCORRUPTED;
		goto errout;
	}
	if (ext4_sim_buffer_verified(bh) && !(flags & EXT4_EX_FORCE_CACHE))
		return bh;
	eh = ext_block_hdr(bh);
	err = ext4_ext_check(inode, eh, depth, pblk);
	if (err)
		goto errout;
	ext4_sim_set_buffer_verified(bh, true);

	/* first sight of a leaf: remember all it says, holes between
	 * its extents included */
	if (!(flags & EXT4_EX_NOCACHE) && depth == 0) {
		struct ext4_extent *ex = EXT_FIRST_EXTENT(eh);
		ext4_lblk_t prev = 0;
		int i;

		for (i = le16_to_cpu(eh->eh_entries); i > 0; i--, ex++) {
			ext4_lblk_t lblk = le32_to_cpu(ex->ee_block);
			int len = ext4_ext_get_actual_len(ex);

			if (prev && prev != lblk)
				ext4_es_cache_extent(inode, prev, lblk - prev,
						     ~0ull, EXTENT_STATUS_HOLE);
			ext4_es_cache_extent(inode, lblk, (ext4_lblk_t)len,
					     ext4_ext_pblock(ex),
					     ext4_ext_is_unwritten(ex) ?
					     EXTENT_STATUS_UNWRITTEN :
					     EXTENT_STATUS_WRITTEN);
			prev = lblk + (ext4_lblk_t)len;
		}
	}
	return bh;
errout:
	brelse(bh);
	return ERR_PTR(err);
}

/* ---- paths ------------------------------------------------------------------------- */

void ext4_ext_drop_refs(struct ext4_ext_path *path)
{
	int depth, i;

	if (!path)
		return;
	depth = path->p_depth;
	for (i = 0; i <= depth; i++, path++) {
		if (path->p_bh) {
			brelse(path->p_bh);
			path->p_bh = NULL;
		}
	}
}

/* Model-only: each path array sits after a header that links it on its
 * filesystem's list of live paths.  A task holds a path across calls that
 * may sleep (buffer reads, journal credits, allocation); a world that
 * stops there — a deadlock, the job's duration — discards the task's
 * stack and, with it, the only pointer to the path: unmount frees what is
 * left on the list (issue 11: LeakSanitizer, as for fsx's replay state in
 * fs/workload/workload.c). */
struct ext4_sim_path_hdr {
	struct sim_list node;
};

struct ext4_ext_path *ext4_sim_path_alloc(struct super_block *sb, size_t n)
{
	struct ext4_sim_path_hdr *h =
		calloc(1, sizeof(*h) + n * sizeof(struct ext4_ext_path));

	if (!h)
		return NULL;
	sim_list_add_tail(&h->node, &EXT4_SB(sb)->s_sim_paths);
	return (struct ext4_ext_path *)(h + 1);
}

static void ext4_sim_path_release(struct ext4_ext_path *path)
{
	struct ext4_sim_path_hdr *h;

	if (!path)
		return;
	h = (struct ext4_sim_path_hdr *)path - 1;
	sim_list_del(&h->node);
	free(h);
}

void ext4_sim_paths_free(struct super_block *sb)
{
	struct sim_list *pos, *tmp;

	sim_list_for_each_safe(pos, tmp, &EXT4_SB(sb)->s_sim_paths) {
		sim_list_del(pos);
		free(sim_list_entry(pos, struct ext4_sim_path_hdr, node));
	}
}

void ext4_ext_path_free(struct ext4_ext_path *path)
{
	ext4_ext_drop_refs(path);
	ext4_sim_path_release(path);
}

/* The index entry whose subtree holds block: the last with ei_block <=
 * block, or the first one if block lies before them all. */
static void ext4_ext_binsearch_idx(struct ext4_ext_path *path,
				   ext4_lblk_t block)
{
	struct ext4_extent_header *eh = path->p_hdr;
	struct ext4_extent_idx *lo = EXT_FIRST_INDEX(eh) + 1;
	struct ext4_extent_idx *hi = EXT_LAST_INDEX(eh);

	while (lo <= hi) {
		struct ext4_extent_idx *mid = lo + (hi - lo) / 2;

		if (block < le32_to_cpu(mid->ei_block))
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	path->p_idx = lo - 1;
}

/* Same over a leaf; an empty leaf (possible only while the tree is being
 * changed) leaves p_ext NULL. */
static void ext4_ext_binsearch(struct ext4_ext_path *path, ext4_lblk_t block)
{
	struct ext4_extent_header *eh = path->p_hdr;
	struct ext4_extent *lo, *hi;

	if (eh->eh_entries == 0)
		return;
	lo = EXT_FIRST_EXTENT(eh) + 1;
	hi = EXT_LAST_EXTENT(eh);
	while (lo <= hi) {
		struct ext4_extent *mid = lo + (hi - lo) / 2;

		if (block < le32_to_cpu(mid->ee_block))
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	path->p_ext = lo - 1;
}

int ext4_ext_tree_init(handle_t *handle, struct inode *inode)
{
	struct ext4_extent_header *eh = ext_inode_hdr(inode);

	memset(EXT4_I(inode)->i_data, 0, sizeof(EXT4_I(inode)->i_data));
	eh->eh_depth = 0;
	eh->eh_entries = 0;
	eh->eh_magic = EXT4_EXT_MAGIC;
	eh->eh_max = cpu_to_le16(ext4_ext_space_root(inode));
	ext4_sim_mark_inode_dirty(handle, inode);
	return 0;
}

struct ext4_ext_path *ext4_find_extent(struct inode *inode, ext4_lblk_t block,
				       struct ext4_ext_path **orig_path,
				       int flags)
{
	struct ext4_extent_header *eh = ext_inode_hdr(inode);
	struct ext4_ext_path *path = orig_path ? *orig_path : NULL;
	struct buffer_head *bh;
	int depth = ext_depth(inode), i, ppos = 0, ret;

	if (depth > EXT4_MAX_EXTENT_DEPTH) {
		ret = -EFSCORRUPTED;
		goto err;
	}
	if (path) {
		ext4_ext_drop_refs(path);
		if (depth > path[0].p_maxdepth) {
			ext4_sim_path_release(path);
			*orig_path = path = NULL;
		}
	}
	if (!path) {
		/* one spare level: an insert may grow the tree by one */
		path = ext4_sim_path_alloc(inode->i_sb, (size_t)depth + 2);
		if (!path)
			return ERR_PTR(-ENOMEM);
		path[0].p_maxdepth = (uint16_t)(depth + 1);
	}
	path[0].p_hdr = eh;
	path[0].p_bh = NULL;

	for (i = depth; i; ppos++) {
		ext4_ext_binsearch_idx(path + ppos, block);
		path[ppos].p_block = ext4_idx_pblock(path[ppos].p_idx);
		path[ppos].p_depth = (uint16_t)i;
		path[ppos].p_ext = NULL;

		bh = read_extent_tree_block(inode, path[ppos].p_block, --i,
					    flags);
		if (IS_ERR(bh)) {
			ret = (int)PTR_ERR(bh);
			goto err;
		}
		eh = ext_block_hdr(bh);
		path[ppos + 1].p_bh = bh;
		path[ppos + 1].p_hdr = eh;
	}

	path[ppos].p_depth = 0;
	path[ppos].p_ext = NULL;
	path[ppos].p_idx = NULL;
	ext4_ext_binsearch(path + ppos, block);
	if (path[ppos].p_ext)
		path[ppos].p_block = ext4_ext_pblock(path[ppos].p_ext);
	/* Deviation: 4.4 leaves *orig_path NULL when it had to reallocate
	 * (the tree grew past the array), and callers that keep using
	 * *orig_path (create_new_leaf's refill) then hold a freed array;
	 * handing the new one back is what later kernels do. */
	if (orig_path)
		*orig_path = path;
	return path;

err:
	if (path) {
		ext4_ext_path_free(path);
		if (orig_path)
			*orig_path = NULL;
	}
	return ERR_PTR(ret);
}

/* ---- growing the tree ------------------------------------------------------------------ */

/* Adds index (logical -> ptr) to the node at curp, before or after
 * curp->p_idx. */
static int ext4_ext_insert_index(handle_t *handle, struct inode *inode,
				 struct ext4_ext_path *curp,
				 ext4_lblk_t logical, ext4_fsblk_t ptr)
{
	struct ext4_extent_idx *ix;
	long tail;
	int err;

	err = ext4_ext_get_access(handle, inode, curp);
	if (err)
		return err;
	if (logical == le32_to_cpu(curp->p_idx->ei_block) ||
	    le16_to_cpu(curp->p_hdr->eh_entries) >=
	    le16_to_cpu(curp->p_hdr->eh_max))
		return -EFSCORRUPTED;

	ix = curp->p_idx;
	if (logical > le32_to_cpu(ix->ei_block))
		ix++;
	tail = EXT_LAST_INDEX(curp->p_hdr) - ix + 1;
	BUG_ON(tail < 0);
	if (tail)
		memmove(ix + 1, ix, (size_t)tail * sizeof(*ix));
	if (ix > EXT_MAX_INDEX(curp->p_hdr))
		return -EFSCORRUPTED;
	ix->ei_block = cpu_to_le32(logical);
	ext4_idx_store_pblock(ix, ptr);
	ix->ei_unused = 0;
	le16_add_cpu(&curp->p_hdr->eh_entries, 1);
	return ext4_ext_dirty(handle, inode, curp);
}

/* Hangs a new subtree off the first non-full level `at` of the path: one
 * new block per level below `at` (the leaf included).  Everything right of
 * the path at those levels moves into the new blocks, so the new subtree
 * starts at `border` — the first key moved, or newext when nothing moves
 * (the common append). */
static int ext4_ext_split(handle_t *handle, struct inode *inode,
			  unsigned int flags, struct ext4_ext_path *path,
			  struct ext4_extent *newext, int at)
{
	int depth = ext_depth(inode);
	ext4_fsblk_t ablocks[EXT4_MAX_EXTENT_DEPTH + 1] = { 0 };
	ext4_fsblk_t newblock, oldblock;
	struct ext4_extent_header *neh;
	struct ext4_extent_idx *fidx;
	struct buffer_head *bh = NULL;
	__le32 border;
	int i, k, a, err = 0;
	long m;

	BUG_ON(depth > EXT4_MAX_EXTENT_DEPTH);
	if (path[depth].p_ext > EXT_MAX_EXTENT(path[depth].p_hdr))
		return -EFSCORRUPTED;
	if (path[depth].p_ext != EXT_MAX_EXTENT(path[depth].p_hdr))
		border = path[depth].p_ext[1].ee_block;
	else
		border = newext->ee_block;

	/* all blocks first, so a failure leaves the tree untouched */
	for (a = 0; a < depth - at; a++) {
		newblock = ext4_ext_new_meta_block(handle, inode, path, newext,
						   &err, flags);
		if (!newblock)
			goto cleanup;
		ablocks[a] = newblock;
	}

	/* the new leaf takes the extents right of p_ext */
	newblock = ablocks[--a];
	bh = ext4_sim_new_node_bh(handle, inode, newblock, &err);
	if (!bh)
		goto cleanup;
	neh = ext_block_hdr(bh);
	neh->eh_entries = 0;
	neh->eh_max = cpu_to_le16(ext4_ext_space_block(inode));
	neh->eh_magic = EXT4_EXT_MAGIC;
	neh->eh_depth = 0;

	if (path[depth].p_hdr->eh_entries != path[depth].p_hdr->eh_max) {
		err = -EFSCORRUPTED;
		goto cleanup;
	}
	m = EXT_MAX_EXTENT(path[depth].p_hdr) - path[depth].p_ext++;
	if (m) {
		memmove(EXT_FIRST_EXTENT(neh), path[depth].p_ext,
			sizeof(struct ext4_extent) * (size_t)m);
		le16_add_cpu(&neh->eh_entries, (int16_t)m);
	}
	set_buffer_uptodate(bh);
	err = ext4_sim_dirty_node_bh(handle, inode, bh);
	if (err)
		goto cleanup;
	brelse(bh);
	bh = NULL;

	if (m) {
		err = ext4_ext_get_access(handle, inode, path + depth);
		if (err)
			goto cleanup;
		le16_add_cpu(&path[depth].p_hdr->eh_entries, (int16_t)-m);
		err = ext4_ext_dirty(handle, inode, path + depth);
		if (err)
			goto cleanup;
	}

	/* index levels between `at` and the leaf: each new block points at
	 * the one made below it and takes the indexes right of the path */
	k = depth - at - 1;
	if (k < 0) {
		err = -EFSCORRUPTED;
		goto cleanup;
	}
	for (i = depth - 1; k > 0; k--, i--) {
		oldblock = newblock;
		newblock = ablocks[--a];
		bh = ext4_sim_new_node_bh(handle, inode, newblock, &err);
		if (!bh)
			goto cleanup;
		neh = ext_block_hdr(bh);
		neh->eh_entries = cpu_to_le16(1);
		neh->eh_magic = EXT4_EXT_MAGIC;
		neh->eh_max = cpu_to_le16(ext4_ext_space_block_idx(inode));
		neh->eh_depth = cpu_to_le16(depth - i);
		fidx = EXT_FIRST_INDEX(neh);
		fidx->ei_block = border;
		ext4_idx_store_pblock(fidx, oldblock);

		if (EXT_MAX_INDEX(path[i].p_hdr) != EXT_LAST_INDEX(path[i].p_hdr)) {
			err = -EFSCORRUPTED;
			goto cleanup;
		}
		m = EXT_MAX_INDEX(path[i].p_hdr) - path[i].p_idx++;
		if (m) {
			memmove(fidx + 1, path[i].p_idx,
				sizeof(struct ext4_extent_idx) * (size_t)m);
			le16_add_cpu(&neh->eh_entries, (int16_t)m);
		}
		set_buffer_uptodate(bh);
		err = ext4_sim_dirty_node_bh(handle, inode, bh);
		if (err)
			goto cleanup;
		brelse(bh);
		bh = NULL;

		if (m) {
			err = ext4_ext_get_access(handle, inode, path + i);
			if (err)
				goto cleanup;
			le16_add_cpu(&path[i].p_hdr->eh_entries, (int16_t)-m);
			err = ext4_ext_dirty(handle, inode, path + i);
			if (err)
				goto cleanup;
		}
	}

	err = ext4_ext_insert_index(handle, inode, path + at,
				    le32_to_cpu(border), newblock);
	if (!err)
		ext4_sim_ext_stats(inode)->splits++;

cleanup:
	if (bh)
		brelse(bh);
	if (err) {
		for (i = 0; i < depth; i++) {
			if (!ablocks[i])
				continue;
			ext4_sim_ext_free_blocks(handle, inode, ablocks[i], 1,
						 EXT4_FREE_BLOCKS_METADATA);
			ext4_sim_ext_stats(inode)->nodes_freed++;
		}
	}
	return err;
}

/* Every level is full: move the root's contents into a new block and make
 * the root a one-entry index above it. */
static int ext4_ext_grow_indepth(handle_t *handle, struct inode *inode,
				 unsigned int flags)
{
	struct ext4_sb_info *sbi = EXT4_SB(inode->i_sb);
	struct ext4_extent_header *neh;
	struct buffer_head *bh;
	ext4_fsblk_t newblock, goal = 0;
	int err = 0;

	/* right before the current first child, if there is room */
	if (ext_depth(inode))
		goal = ext4_idx_pblock(EXT_FIRST_INDEX(ext_inode_hdr(inode)));
	if (goal > sbi->s_first_data_block) {
		flags |= EXT4_MB_HINT_TRY_GOAL;
		goal--;
	} else {
		goal = ext4_sim_inode_goal(inode);
	}
	newblock = ext4_sim_new_node_block(handle, inode, goal, flags, &err);
	if (!newblock)
		return err;

	bh = ext4_sim_new_node_bh(handle, inode, newblock, &err);
	if (!bh)
		return err;
	memcpy(bh->b_data, EXT4_I(inode)->i_data, sizeof(EXT4_I(inode)->i_data));
	neh = ext_block_hdr(bh);
	neh->eh_max = cpu_to_le16(ext_depth(inode) ?
				  ext4_ext_space_block_idx(inode) :
				  ext4_ext_space_block(inode));
	neh->eh_magic = EXT4_EXT_MAGIC;
	set_buffer_uptodate(bh);
	err = ext4_sim_dirty_node_bh(handle, inode, bh);
	if (err)
		goto out;

	/* the root keeps its first key (the new child's first key) */
	neh = ext_inode_hdr(inode);
	neh->eh_entries = cpu_to_le16(1);
	ext4_idx_store_pblock(EXT_FIRST_INDEX(neh), newblock);
	EXT_FIRST_INDEX(neh)->ei_unused = 0;
	if (neh->eh_depth == 0)
		neh->eh_max = cpu_to_le16(ext4_ext_space_root_idx(inode));
	le16_add_cpu(&neh->eh_depth, 1);
	ext4_sim_mark_inode_dirty(handle, inode);
	ext4_sim_ext_stats(inode)->grows++;
out:
	brelse(bh);
	return err;
}

/* Makes room for newext: split at the lowest level with a free slot, or
 * grow the tree when there is none (and split the grown tree if its new
 * leaf level is still full). */
static int ext4_ext_create_new_leaf(handle_t *handle, struct inode *inode,
				    unsigned int mb_flags,
				    unsigned int gb_flags,
				    struct ext4_ext_path **ppath,
				    struct ext4_extent *newext)
{
	struct ext4_ext_path *path, *curp;
	int depth, i, err;

repeat:
	path = *ppath;
	i = depth = ext_depth(inode);
	curp = path + depth;
	while (i > 0 && !EXT_HAS_FREE_INDEX(curp)) {
		i--;
		curp--;
	}

	if (EXT_HAS_FREE_INDEX(curp)) {
		err = ext4_ext_split(handle, inode, mb_flags, path, newext, i);
		if (err)
			return err;
		path = ext4_find_extent(inode, le32_to_cpu(newext->ee_block),
					ppath, (int)gb_flags);
		return IS_ERR(path) ? (int)PTR_ERR(path) : 0;
	}

	err = ext4_ext_grow_indepth(handle, inode, mb_flags);
	if (err)
		return err;
	path = ext4_find_extent(inode, le32_to_cpu(newext->ee_block), ppath,
				(int)gb_flags);
	if (IS_ERR(path))
		return (int)PTR_ERR(path);
	/* only growing from depth 0 leaves room in the (new) leaf */
	depth = ext_depth(inode);
	if (path[depth].p_hdr->eh_entries == path[depth].p_hdr->eh_max)
		goto repeat;
	return 0;
}

/* ---- neighbours -------------------------------------------------------------------------- */

/* The last mapped block left of *logical: *logical and *phys are set to it,
 * or *phys = 0 when *logical lies before every extent. */
int ext4_ext_search_left(struct inode *inode, struct ext4_ext_path *path,
			 ext4_lblk_t *logical, ext4_fsblk_t *phys)
{
	struct ext4_extent *ex;
	int depth, ee_len;

	if (!path)
		return -EFSCORRUPTED;
	depth = path->p_depth;
	*phys = 0;
	if (depth == 0 && path->p_ext == NULL)
		return 0;

	ex = path[depth].p_ext;
	ee_len = ext4_ext_get_actual_len(ex);
	if (*logical < le32_to_cpu(ex->ee_block)) {
		/* only the very first extent of the file can be right of it */
		if (EXT_FIRST_EXTENT(path[depth].p_hdr) != ex)
			return -EFSCORRUPTED;
		while (--depth >= 0)
			if (path[depth].p_idx != EXT_FIRST_INDEX(path[depth].p_hdr))
				return -EFSCORRUPTED;
		return 0;
	}
	if (*logical < le32_to_cpu(ex->ee_block) + (ext4_lblk_t)ee_len)
		return -EFSCORRUPTED;
	*logical = le32_to_cpu(ex->ee_block) + (ext4_lblk_t)ee_len - 1;
	*phys = ext4_ext_pblock(ex) + (ext4_fsblk_t)ee_len - 1;
	return 0;
}

/* The first mapped block right of *logical (and its extent), or *phys = 0
 * when nothing is mapped after it. */
int ext4_ext_search_right(struct inode *inode, struct ext4_ext_path *path,
			  ext4_lblk_t *logical, ext4_fsblk_t *phys,
			  struct ext4_extent **ret_ex)
{
	struct buffer_head *bh = NULL;
	struct ext4_extent_idx *ix;
	struct ext4_extent *ex;
	ext4_fsblk_t block;
	int depth, ee_len;

	if (!path)
		return -EFSCORRUPTED;
	depth = path->p_depth;
	*phys = 0;
	if (depth == 0 && path->p_ext == NULL)
		return 0;

	ex = path[depth].p_ext;
	ee_len = ext4_ext_get_actual_len(ex);
	if (*logical < le32_to_cpu(ex->ee_block)) {
		if (EXT_FIRST_EXTENT(path[depth].p_hdr) != ex)
			return -EFSCORRUPTED;
		while (--depth >= 0)
			if (path[depth].p_idx != EXT_FIRST_INDEX(path[depth].p_hdr))
				return -EFSCORRUPTED;
		goto found_extent;
	}
	if (*logical < le32_to_cpu(ex->ee_block) + (ext4_lblk_t)ee_len)
		return -EFSCORRUPTED;
	if (ex != EXT_LAST_EXTENT(path[depth].p_hdr)) {
		ex++;
		goto found_extent;
	}

	/* climb to the first level with an index right of the path */
	while (--depth >= 0) {
		ix = path[depth].p_idx;
		if (ix != EXT_LAST_INDEX(path[depth].p_hdr))
			break;
	}
	if (depth < 0)
		return 0;

	/* and descend along the leftmost edge of that subtree */
	block = ext4_idx_pblock(ix + 1);
	while (++depth < path->p_depth) {
		bh = read_extent_tree_block(inode, block,
					    path->p_depth - depth, 0);
		if (IS_ERR(bh))
			return (int)PTR_ERR(bh);
		block = ext4_idx_pblock(EXT_FIRST_INDEX(ext_block_hdr(bh)));
		brelse(bh);
	}
	bh = read_extent_tree_block(inode, block, path->p_depth - depth, 0);
	if (IS_ERR(bh))
		return (int)PTR_ERR(bh);
	ex = EXT_FIRST_EXTENT(ext_block_hdr(bh));
found_extent:
	*logical = le32_to_cpu(ex->ee_block);
	*phys = ext4_ext_pblock(ex);
	/* Model: the node stays cached, so ex remains valid after brelse
	 * (the kernel relies on the same while i_data_sem is held). */
	*ret_ex = ex;
	if (bh)
		brelse(bh);
	return 0;
}

/* The first block mapped after the path's extent (index keys count as
 * mapped), or EXT_MAX_BLOCKS. */
ext4_lblk_t ext4_ext_next_allocated_block(struct ext4_ext_path *path)
{
	int depth;

	BUG_ON(path == NULL);
	depth = path->p_depth;
	if (depth == 0 && path->p_ext == NULL)
		return EXT_MAX_BLOCKS;

	for (; depth >= 0; depth--) {
		if (depth == path->p_depth) {
			if (path[depth].p_ext &&
			    path[depth].p_ext != EXT_LAST_EXTENT(path[depth].p_hdr))
				return le32_to_cpu(path[depth].p_ext[1].ee_block);
		} else if (path[depth].p_idx !=
			   EXT_LAST_INDEX(path[depth].p_hdr)) {
			return le32_to_cpu(path[depth].p_idx[1].ei_block);
		}
	}
	return EXT_MAX_BLOCKS;
}

/* First key of the leaf after the path's leaf, or EXT_MAX_BLOCKS. */
static ext4_lblk_t ext4_ext_next_leaf_block(struct ext4_ext_path *path)
{
	int depth;

	BUG_ON(path == NULL);
	depth = path->p_depth;
	if (depth == 0)
		return EXT_MAX_BLOCKS;
	for (depth--; depth >= 0; depth--)
		if (path[depth].p_idx != EXT_LAST_INDEX(path[depth].p_hdr))
			return le32_to_cpu(path[depth].p_idx[1].ei_block);
	return EXT_MAX_BLOCKS;
}

/* When the first extent of a leaf changed, the keys above it change too,
 * up to the first level where the path is not at the first index. */
int ext4_ext_correct_indexes(handle_t *handle, struct inode *inode,
			     struct ext4_ext_path *path)
{
	int depth = ext_depth(inode), k, err;
	struct ext4_extent_header *eh = path[depth].p_hdr;
	struct ext4_extent *ex = path[depth].p_ext;
	__le32 border;

	if (ex == NULL || eh == NULL)
		return -EFSCORRUPTED;
	if (depth == 0 || ex != EXT_FIRST_EXTENT(eh))
		return 0;

	border = ex->ee_block;
	for (k = depth - 1; k >= 0; k--) {
		if (k < depth - 1 &&
		    path[k + 1].p_idx != EXT_FIRST_INDEX(path[k + 1].p_hdr))
			break;
		err = ext4_ext_get_access(handle, inode, path + k);
		if (err)
			return err;
		path[k].p_idx->ei_block = border;
		err = ext4_ext_dirty(handle, inode, path + k);
		if (err)
			return err;
	}
	return 0;
}

/* ---- merging -------------------------------------------------------------------------------- */

/* ex1 directly before ex2, logically and physically, same state, and the
 * sum still encodable (32768 initialized, 32767 unwritten). */
int ext4_can_extents_be_merged(struct inode *inode, struct ext4_extent *ex1,
			       struct ext4_extent *ex2)
{
	unsigned int len1, len2;

	(void)inode;
	if (ext4_ext_is_unwritten(ex1) != ext4_ext_is_unwritten(ex2))
		return 0;
	len1 = (unsigned int)ext4_ext_get_actual_len(ex1);
	len2 = (unsigned int)ext4_ext_get_actual_len(ex2);
	if (le32_to_cpu(ex1->ee_block) + len1 != le32_to_cpu(ex2->ee_block))
		return 0;
	if (len1 + len2 > EXT_INIT_MAX_LEN)
		return 0;
	/* Simplification: the kernel also refuses while DIO conversions of
	 * unwritten extents are in flight; the model has no such state. */
	if (ext4_ext_is_unwritten(ex1) && len1 + len2 > EXT_UNWRITTEN_MAX_LEN)
		return 0;
	return ext4_ext_pblock(ex1) + len1 == ext4_ext_pblock(ex2);
}

/* Absorbs into ex every following extent of the leaf it can; 1 if any. */
int ext4_ext_try_to_merge_right(struct inode *inode,
				struct ext4_ext_path *path,
				struct ext4_extent *ex)
{
	struct ext4_extent_header *eh;
	int depth = ext_depth(inode), merged = 0, unwritten;

	BUG_ON(path[depth].p_hdr == NULL);
	eh = path[depth].p_hdr;
	while (ex < EXT_LAST_EXTENT(eh)) {
		if (!ext4_can_extents_be_merged(inode, ex, ex + 1))
			break;
		unwritten = ext4_ext_is_unwritten(ex);
		ex->ee_len = cpu_to_le16(ext4_ext_get_actual_len(ex) +
					 ext4_ext_get_actual_len(ex + 1));
		if (unwritten)
			ext4_ext_mark_unwritten(ex);
		if (ex + 1 < EXT_LAST_EXTENT(eh))
			memmove(ex + 1, ex + 2, (size_t)(EXT_LAST_EXTENT(eh) - ex - 1) *
						sizeof(struct ext4_extent));
		le16_add_cpu(&eh->eh_entries, -1);
		merged = 1;
		ext4_sim_ext_stats(inode)->merges++;
		WARN_ON(eh->eh_entries == 0);
	}
	return merged;
}

/* A depth-1 tree whose only leaf fits in the inode folds back into it and
 * the leaf block is freed. */
static void ext4_ext_try_to_merge_up(handle_t *handle, struct inode *inode,
				     struct ext4_ext_path *path)
{
	unsigned int max_root = (unsigned int)ext4_ext_space_root(inode);
	ext4_fsblk_t blk;
	size_t bytes;
	int err;

	if (path[0].p_depth != 1 ||
	    le16_to_cpu(path[0].p_hdr->eh_entries) != 1 ||
	    le16_to_cpu(path[1].p_hdr->eh_entries) > max_root)
		return;

	/* freeing the block touches the bitmap and group descriptor: give
	 * up rather than overrun the handle */
	if (ext4_handle_valid(handle)) {
		ext4_sim_ext_stats(inode)->credits_requested += 2;
		err = ext4_journal_extend(handle, 2);
		if (err)
			return;
		ext4_sim_ext_stats(inode)->extends++;
	}

	blk = ext4_idx_pblock(path[0].p_idx);
	bytes = sizeof(struct ext4_extent_header) +
		le16_to_cpu(path[1].p_hdr->eh_entries) * sizeof(struct ext4_extent);
	path[1].p_maxdepth = path[0].p_maxdepth;
	memcpy(path[0].p_hdr, path[1].p_hdr, bytes);
	path[0].p_depth = 0;
	path[0].p_ext = EXT_FIRST_EXTENT(path[0].p_hdr) +
			(path[1].p_ext - EXT_FIRST_EXTENT(path[1].p_hdr));
	path[0].p_hdr->eh_max = cpu_to_le16(max_root);

	brelse(path[1].p_bh);
	path[1].p_bh = NULL;
	ext4_sim_ext_free_node(handle, inode, blk);
	ext4_sim_ext_stats(inode)->merge_ups++;
}

void ext4_ext_try_to_merge(handle_t *handle, struct inode *inode,
			   struct ext4_ext_path *path, struct ext4_extent *ex)
{
	struct ext4_extent_header *eh;
	int depth = ext_depth(inode), merged = 0;

	BUG_ON(path[depth].p_hdr == NULL);
	eh = path[depth].p_hdr;
	if (ex > EXT_FIRST_EXTENT(eh))
		merged = ext4_ext_try_to_merge_right(inode, path, ex - 1);
	if (!merged)
		(void)ext4_ext_try_to_merge_right(inode, path, ex);
	ext4_ext_try_to_merge_up(handle, inode, path);
}

/* ---- insertion -------------------------------------------------------------------------------- */

/* Trims newext so it ends before the next mapped block; 1 if trimmed. */
unsigned int ext4_ext_check_overlap(struct inode *inode,
				    struct ext4_extent *newext,
				    struct ext4_ext_path *path)
{
	ext4_lblk_t b1, b2;
	unsigned int depth = ext_depth(inode), len1, ret = 0;

	b1 = le32_to_cpu(newext->ee_block);
	len1 = (unsigned int)ext4_ext_get_actual_len(newext);
	if (!path[depth].p_ext)
		return 0;
	b2 = le32_to_cpu(path[depth].p_ext->ee_block);
	if (b2 < b1) {
		b2 = ext4_ext_next_allocated_block(path);
		if (b2 == EXT_MAX_BLOCKS)
			return 0;
	}
	if (b1 + len1 < b1) {
		len1 = EXT_MAX_BLOCKS - b1;
		newext->ee_len = cpu_to_le16(len1);
		ret = 1;
	}
	if (b1 + len1 > b2) {
		newext->ee_len = cpu_to_le16(b2 - b1);
		ret = 1;
	}
	return ret;
}

int ext4_ext_insert_extent(handle_t *handle, struct inode *inode,
			   struct ext4_ext_path **ppath,
			   struct ext4_extent *newext, int gb_flags)
{
	struct ext4_ext_path *path = *ppath, *npath = NULL;
	struct ext4_extent_header *eh;
	struct ext4_extent *ex, *fex, *nearex;
	unsigned int mb_flags = 0;
	ext4_lblk_t next;
	int depth, err, unwritten;
	long len;

	if (gb_flags & EXT4_GET_BLOCKS_DELALLOC_RESERVE)
		mb_flags |= EXT4_MB_DELALLOC_RESERVED;
	if (ext4_ext_get_actual_len(newext) == 0)
		return -EFSCORRUPTED;
	depth = ext_depth(inode);
	ex = path[depth].p_ext;
	eh = path[depth].p_hdr;
	if (eh == NULL)
		return -EFSCORRUPTED;

	/* first try to grow a neighbour; PRE_IO callers want the extent
	 * kept separate (it is converted on IO completion) */
	if (ex && !(gb_flags & EXT4_GET_BLOCKS_PRE_IO)) {
		/* the lookup lands left or right of the new range: look at
		 * the neighbour on the near side */
		if (ex < EXT_LAST_EXTENT(eh) &&
		    le32_to_cpu(ex->ee_block) + (ext4_lblk_t)ext4_ext_get_actual_len(ex) <
		    le32_to_cpu(newext->ee_block)) {
			ex += 1;
			goto prepend;
		} else if (ex > EXT_FIRST_EXTENT(eh) &&
			   le32_to_cpu(newext->ee_block) +
			   (ext4_lblk_t)ext4_ext_get_actual_len(newext) <
			   le32_to_cpu(ex->ee_block)) {
			ex -= 1;
		}

		if (ext4_can_extents_be_merged(inode, ex, newext)) {
			/* append */
			err = ext4_ext_get_access(handle, inode, path + depth);
			if (err)
				return err;
			unwritten = ext4_ext_is_unwritten(ex);
			ex->ee_len = cpu_to_le16(ext4_ext_get_actual_len(ex) +
						 ext4_ext_get_actual_len(newext));
			if (unwritten)
				ext4_ext_mark_unwritten(ex);
			ext4_sim_ext_stats(inode)->merges++;
			nearex = ex;
			goto merge;
		}
prepend:
		if (ext4_can_extents_be_merged(inode, newext, ex)) {
			err = ext4_ext_get_access(handle, inode, path + depth);
			if (err)
				return err;
			unwritten = ext4_ext_is_unwritten(ex);
			ex->ee_block = newext->ee_block;
			ext4_ext_store_pblock(ex, ext4_ext_pblock(newext));
			ex->ee_len = cpu_to_le16(ext4_ext_get_actual_len(ex) +
						 ext4_ext_get_actual_len(newext));
			if (unwritten)
				ext4_ext_mark_unwritten(ex);
			ext4_sim_ext_stats(inode)->merges++;
			nearex = ex;
			goto merge;
		}
	}

	depth = ext_depth(inode);
	eh = path[depth].p_hdr;
	if (le16_to_cpu(eh->eh_entries) < le16_to_cpu(eh->eh_max))
		goto has_space;

	/* full leaf: an append may fit in the next leaf */
	fex = EXT_LAST_EXTENT(eh);
	next = EXT_MAX_BLOCKS;
	if (le32_to_cpu(newext->ee_block) > le32_to_cpu(fex->ee_block))
		next = ext4_ext_next_leaf_block(path);
	if (next != EXT_MAX_BLOCKS) {
		npath = ext4_find_extent(inode, next, NULL, 0);
		if (IS_ERR(npath))
			return (int)PTR_ERR(npath);
		BUG_ON(npath->p_depth != path->p_depth);
		eh = npath[depth].p_hdr;
		if (le16_to_cpu(eh->eh_entries) < le16_to_cpu(eh->eh_max)) {
			path = npath;
			goto has_space;
		}
	}

	if (gb_flags & EXT4_GET_BLOCKS_METADATA_NOFAIL)
		mb_flags |= EXT4_MB_USE_RESERVED;
	err = ext4_ext_create_new_leaf(handle, inode, mb_flags,
				       (unsigned int)gb_flags, ppath, newext);
	if (err)
		goto cleanup;
	/* the kernel keeps using its local copy here; *ppath is the same
	 * array unless the lookup had to reallocate it */
	path = *ppath;
	depth = ext_depth(inode);
	eh = path[depth].p_hdr;

has_space:
	nearex = path[depth].p_ext;
	err = ext4_ext_get_access(handle, inode, path + depth);
	if (err)
		goto cleanup;

	if (!nearex) {
		nearex = EXT_FIRST_EXTENT(eh);
	} else {
		if (le32_to_cpu(newext->ee_block) > le32_to_cpu(nearex->ee_block))
			nearex++;
		else
			BUG_ON(newext->ee_block == nearex->ee_block);
		len = EXT_LAST_EXTENT(eh) - nearex + 1;
		if (len > 0)
			memmove(nearex + 1, nearex,
				(size_t)len * sizeof(struct ext4_extent));
	}
	le16_add_cpu(&eh->eh_entries, 1);
	path[depth].p_ext = nearex;
	nearex->ee_block = newext->ee_block;
	ext4_ext_store_pblock(nearex, ext4_ext_pblock(newext));
	nearex->ee_len = newext->ee_len;

merge:
	if (!(gb_flags & EXT4_GET_BLOCKS_PRE_IO))
		ext4_ext_try_to_merge(handle, inode, path, nearex);

	err = ext4_ext_correct_indexes(handle, inode, path);
	if (err)
		goto cleanup;
	err = ext4_ext_dirty(handle, inode, path + path->p_depth);

cleanup:
	if (ext_depth(inode) > ext4_sim_ext_stats(inode)->max_depth)
		ext4_sim_ext_stats(inode)->max_depth = ext_depth(inode);
	ext4_ext_path_free(npath);
	return err;
}

/* ---- splitting ------------------------------------------------------------------------------ */

/* Model of ext4_ext_zeroout: zeroes land in the extent's blocks.
 * Simplification: instantaneous (the kernel issues and waits for a
 * zero-out bio); only the ENOSPC fallback of a split uses it. */
static int ext4_ext_zeroout(struct inode *inode, struct ext4_extent *ex)
{
	struct ext4_sim_disk *disk = EXT4_SB(inode->i_sb)->s_disk;
	ext4_fsblk_t pblk = ext4_ext_pblock(ex);
	ext4_lblk_t lblk = le32_to_cpu(ex->ee_block);
	int i, len = ext4_ext_get_actual_len(ex);

	for (i = 0; i < len; i++)
		ext4_sim_disk_write_zero(disk, pblk + (ext4_fsblk_t)i, 0,
					 inode->i_sb->s_blocksize,
					 (uint32_t)inode->i_ino,
					 lblk + (ext4_lblk_t)i, NULL);
	return 0;
}

static int ext4_zeroout_es(struct inode *inode, struct ext4_extent *ex)
{
	int len = ext4_ext_get_actual_len(ex);

	if (len == 0)
		return 0;
	return ext4_es_insert_extent(inode, le32_to_cpu(ex->ee_block),
				     (ext4_lblk_t)len, ext4_ext_pblock(ex),
				     EXTENT_STATUS_WRITTEN);
}

/* Cuts the extent at path[depth].p_ext into [start, split) and [split,
 * end]; split_flag says which halves are unwritten.  split == start only
 * re-marks the extent. */
int ext4_split_extent_at(handle_t *handle, struct inode *inode,
			 struct ext4_ext_path **ppath, ext4_lblk_t split,
			 int split_flag, int flags)
{
	struct ext4_ext_path *path = *ppath;
	struct ext4_extent *ex, newex, orig_ex, zero_ex;
	ext4_fsblk_t newblock;
	ext4_lblk_t ee_block;
	unsigned int ee_len, depth;
	int err;

	BUG_ON((split_flag & (EXT4_EXT_DATA_VALID1 | EXT4_EXT_DATA_VALID2)) ==
	       (EXT4_EXT_DATA_VALID1 | EXT4_EXT_DATA_VALID2));

	depth = ext_depth(inode);
	ex = path[depth].p_ext;
	ee_block = le32_to_cpu(ex->ee_block);
	ee_len = (unsigned int)ext4_ext_get_actual_len(ex);
	newblock = split - ee_block + ext4_ext_pblock(ex);

	BUG_ON(split < ee_block || split >= ee_block + ee_len);
	BUG_ON(!ext4_ext_is_unwritten(ex) &&
	       (split_flag & (EXT4_EXT_MAY_ZEROOUT | EXT4_EXT_MARK_UNWRIT1 |
			      EXT4_EXT_MARK_UNWRIT2)));

	err = ext4_ext_get_access(handle, inode, path + depth);
	if (err)
		return err;

	if (split == ee_block) {
		/* nothing to cut: the whole extent takes the second state */
		if (split_flag & EXT4_EXT_MARK_UNWRIT2)
			ext4_ext_mark_unwritten(ex);
		else
			ext4_ext_mark_initialized(ex);
		if (!(flags & EXT4_GET_BLOCKS_PRE_IO))
			ext4_ext_try_to_merge(handle, inode, path, ex);
		return ext4_ext_dirty(handle, inode, path + path->p_depth);
	}

	orig_ex = *ex;
	ex->ee_len = cpu_to_le16(split - ee_block);
	if (split_flag & EXT4_EXT_MARK_UNWRIT1)
		ext4_ext_mark_unwritten(ex);
	/* the insert below may move the path to another leaf: dirty now */
	err = ext4_ext_dirty(handle, inode, path + depth);
	if (err)
		goto fix_extent_len;

	memset(&newex, 0, sizeof(newex));
	newex.ee_block = cpu_to_le32(split);
	newex.ee_len = cpu_to_le16(ee_len - (split - ee_block));
	ext4_ext_store_pblock(&newex, newblock);
	if (split_flag & EXT4_EXT_MARK_UNWRIT2)
		ext4_ext_mark_unwritten(&newex);

	err = ext4_ext_insert_extent(handle, inode, ppath, &newex, flags);
	if (err) {
		/* Deviation: the failed insert may have grown the tree (the
		 * new root level succeeded, the split below it did not), which
		 * moves the first half; find it again instead of trusting ex. */
		struct ext4_ext_path *p = ext4_find_extent(inode, ee_block,
							   ppath, 0);

		if (IS_ERR(p))
			return (int)PTR_ERR(p);
		depth = ext_depth(inode);
		ex = p[depth].p_ext;
	}
	if (err == -ENOSPC && (split_flag & EXT4_EXT_MAY_ZEROOUT)) {
		/* no room for the second half: write zeroes where the data
		 * is not valid and keep one initialized extent instead */
		struct ext4_extent *zsrc;

		if (split_flag & EXT4_EXT_DATA_VALID1)
			zsrc = &newex;
		else if (split_flag & EXT4_EXT_DATA_VALID2)
			zsrc = ex;
		else
			zsrc = &orig_ex;
		err = ext4_ext_zeroout(inode, zsrc);
		memset(&zero_ex, 0, sizeof(zero_ex));
		zero_ex.ee_block = zsrc->ee_block;
		zero_ex.ee_len = cpu_to_le16(ext4_ext_get_actual_len(zsrc));
		ext4_ext_store_pblock(&zero_ex, ext4_ext_pblock(zsrc));
		if (err)
			goto fix_extent_len;
		path = *ppath;
		ex->ee_len = cpu_to_le16(ee_len);
		ext4_ext_try_to_merge(handle, inode, path, ex);
		err = ext4_ext_dirty(handle, inode, path + path->p_depth);
		if (err)
			goto fix_extent_len;
		return ext4_zeroout_es(inode, &zero_ex);
	} else if (err) {
		goto fix_extent_len;
	}
	return 0;

fix_extent_len:
	ex->ee_len = orig_ex.ee_len;
	path = *ppath;
	ext4_ext_dirty(handle, inode, path + path->p_depth);
	return err;
}

/* Splits the extent at the path so that [m_lblk, m_lblk + m_len) becomes
 * an extent of its own (up to three pieces).  Returns the blocks of the
 * extent from m_lblk on, or -errno. */
int ext4_split_extent(handle_t *handle, struct inode *inode,
		      struct ext4_ext_path **ppath,
		      struct ext4_map_blocks *map, int split_flag, int flags)
{
	struct ext4_ext_path *path = *ppath;
	struct ext4_extent *ex;
	ext4_lblk_t ee_block;
	unsigned int ee_len, depth;
	int err = 0, unwritten, split_flag1, flags1;
	int allocated = (int)map->m_len;

	depth = ext_depth(inode);
	ex = path[depth].p_ext;
	ee_block = le32_to_cpu(ex->ee_block);
	ee_len = (unsigned int)ext4_ext_get_actual_len(ex);
	unwritten = ext4_ext_is_unwritten(ex);

	if (map->m_lblk + map->m_len < ee_block + ee_len) {
		/* cut off the tail first; both pieces keep the old state */
		split_flag1 = split_flag & EXT4_EXT_MAY_ZEROOUT;
		flags1 = flags | EXT4_GET_BLOCKS_PRE_IO;
		if (unwritten)
			split_flag1 |= EXT4_EXT_MARK_UNWRIT1 |
				       EXT4_EXT_MARK_UNWRIT2;
		if (split_flag & EXT4_EXT_DATA_VALID2)
			split_flag1 |= EXT4_EXT_DATA_VALID1;
		err = ext4_split_extent_at(handle, inode, ppath,
					   map->m_lblk + map->m_len,
					   split_flag1, flags1);
		if (err)
			return err;
	} else {
		allocated = (int)(ee_len - (map->m_lblk - ee_block));
	}

	/* the split may have moved things or zeroed them out: look again */
	path = ext4_find_extent(inode, map->m_lblk, ppath, 0);
	if (IS_ERR(path))
		return (int)PTR_ERR(path);
	depth = ext_depth(inode);
	ex = path[depth].p_ext;
	if (!ex)
		return -EFSCORRUPTED;
	unwritten = ext4_ext_is_unwritten(ex);
	split_flag1 = 0;

	if (map->m_lblk >= ee_block) {
		split_flag1 = split_flag & EXT4_EXT_DATA_VALID2;
		if (unwritten) {
			split_flag1 |= EXT4_EXT_MARK_UNWRIT1;
			split_flag1 |= split_flag & (EXT4_EXT_MAY_ZEROOUT |
						     EXT4_EXT_MARK_UNWRIT2);
		}
		err = ext4_split_extent_at(handle, inode, ppath, map->m_lblk,
					   split_flag1, flags);
		if (err)
			return err;
	}
	return allocated;
}

/* ---- credit estimates ------------------------------------------------------------------------- */

/* Index and leaf blocks a change of `extents` extents may touch: every
 * level may split (2 per level for one extent, 3 for more). */
int ext4_ext_index_trans_blocks(struct inode *inode, int extents)
{
	int depth = ext_depth(inode);

	return extents <= 1 ? depth * 2 : depth * 3;
}

int ext4_ext_calc_credits_for_single_extent(struct inode *inode, int nrblocks,
					    struct ext4_ext_path *path)
{
	if (path) {
		int depth = ext_depth(inode);

		/* room in the leaf: bitmap + group descriptor + the rest */
		if (le16_to_cpu(path[depth].p_hdr->eh_entries) <
		    le16_to_cpu(path[depth].p_hdr->eh_max))
			return 2 + EXT4_META_TRANS_BLOCKS;
	}
	return ext4_chunk_trans_blocks(inode, nrblocks);
}
