/* fs/ext4/extents_check.c — well-formedness of extent trees.
 *
 * __ext4_ext_check / ext4_ext_check_inode mirror fs/ext4/extents.c of
 * v4.4.1: the per-node checks the kernel runs when a node is first read
 * (magic, depth, eh_max, entry count, each entry's validity, the tail
 * checksum of non-root nodes).  ext4_data_block_valid is simplified to "the
 * range lies inside the filesystem" (the model has no system-zone tree; the
 * full walk below checks ownership instead).
 *
 * ext4_sim_ext_check_tree is the model's fsck of one tree: a full walk that
 * adds what a per-node check cannot see — keys strictly increasing inside
 * and across nodes, each index key equal to its child's first key, every
 * extent inside its parent's key range and not overlapping its neighbours
 * (across leaves too), every node one level below its parent, every node
 * block owned NODE(ino) on the disk, and (optionally) every data block
 * owned DATA(ino, lblk).  ext4_sim_es_check_against_tree checks the
 * extent-status cache against the tree.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/block/disk.h"
#include "fs/ext4/extents_internal.h"

/* ---- the kernel's per-node check ---------------------------------------- */

static bool ext4_sim_data_block_valid(struct inode *inode, ext4_fsblk_t blk,
				      unsigned int len)
{
	struct ext4_sb_info *sbi = EXT4_SB(inode->i_sb);

	return blk >= sbi->s_first_data_block && len > 0 &&
	       blk + len > blk && blk + len <= sbi->s_blocks_count;
}

static bool ext4_valid_extent(struct inode *inode, struct ext4_extent *ext)
{
	ext4_lblk_t lblock = le32_to_cpu(ext->ee_block);
	int len = ext4_ext_get_actual_len(ext);

	if (len == 0 || lblock > lblock + (ext4_lblk_t)len - 1)
		return false;
	return ext4_sim_data_block_valid(inode, ext4_ext_pblock(ext),
					 (unsigned int)len);
}

static bool ext4_valid_extent_entries(struct inode *inode,
				      struct ext4_extent_header *eh, int depth)
{
	unsigned int entries = le16_to_cpu(eh->eh_entries);

	if (entries == 0)
		return true;
	if (depth == 0) {
		struct ext4_extent *ext = EXT_FIRST_EXTENT(eh);
		ext4_lblk_t prev = 0;

		for (; entries; entries--, ext++) {
			ext4_lblk_t lblock = le32_to_cpu(ext->ee_block);

			if (!ext4_valid_extent(inode, ext))
				return false;
			/* sorted, not overlapping (prev == 0: first) */
			if (prev && lblock <= prev)
				return false;
			prev = lblock + (ext4_lblk_t)ext4_ext_get_actual_len(ext) - 1;
		}
	} else {
		struct ext4_extent_idx *ix = EXT_FIRST_INDEX(eh);

		for (; entries; entries--, ix++)
			if (!ext4_sim_data_block_valid(inode, ext4_idx_pblock(ix), 1))
				return false;
	}
	return true;
}

/* Diagnostics only: the last corruption __ext4_ext_check found on this
 * thread (the kernel logs it through ext4_error_inode). */
static _Thread_local char ext4_sim_ext_error[160];

const char *ext4_sim_ext_last_error(void)
{
	return ext4_sim_ext_error;
}

int __ext4_ext_check(const char *function, unsigned int line,
		     struct inode *inode, struct ext4_extent_header *eh,
		     int depth, ext4_fsblk_t pblk)
{
	const char *error_msg;
	int max = 0, err = -EFSCORRUPTED;

	if (eh->eh_magic != EXT4_EXT_MAGIC) {
		error_msg = "invalid magic";
		goto corrupted;
	}
	if (le16_to_cpu(eh->eh_depth) != depth) {
		error_msg = "unexpected eh_depth";
		goto corrupted;
	}
	if (eh->eh_max == 0) {
		error_msg = "invalid eh_max";
		goto corrupted;
	}
	max = ext4_ext_max_entries(inode, depth);
	if (le16_to_cpu(eh->eh_max) > max) {
		error_msg = "too large eh_max";
		goto corrupted;
	}
	if (le16_to_cpu(eh->eh_entries) > le16_to_cpu(eh->eh_max)) {
		error_msg = "invalid eh_entries";
		goto corrupted;
	}
	if (!ext4_valid_extent_entries(inode, eh, depth)) {
		error_msg = "invalid extent entries";
		goto corrupted;
	}
	if (ext_depth(inode) != depth &&
	    le32_to_cpu(find_ext4_extent_tail(eh)->et_checksum) !=
	    ext4_sim_extent_block_csum(inode, eh)) {
		error_msg = "extent tree corrupted";
		err = -EFSBADCRC;
		goto corrupted;
	}
	return 0;

corrupted:
	snprintf(ext4_sim_ext_error, sizeof(ext4_sim_ext_error),
		 "%s:%u: inode %lu: pblk %llu bad header/extent: %s - magic %x, "
		 "entries %u, max %u(%d), depth %u(%d)", function, line,
		 inode->i_ino, (unsigned long long)pblk, error_msg,
		 le16_to_cpu(eh->eh_magic), le16_to_cpu(eh->eh_entries),
		 le16_to_cpu(eh->eh_max), max, le16_to_cpu(eh->eh_depth), depth);
	return err;
}

int ext4_ext_check_inode(struct inode *inode)
{
	return ext4_ext_check(inode, ext_inode_hdr(inode), ext_depth(inode), 0);
}

/* ---- the full walk ------------------------------------------------------------ */

struct ext_walk {
	struct inode *inode;
	struct ext4_sim_disk *disk;
	unsigned int flags;
	struct ext4_sim_ext_census census;
	uint64_t prev_end;           /* first lblk after the previous extent */
	char *why;
	size_t whylen;
	void (*node_fn)(void *ctx, ext4_fsblk_t blk, int depth);
	void (*ext_fn)(void *ctx, const struct ext4_extent *ex);
	void *ctx;
};

#define WALK_FAIL(w, ...) \
	do { snprintf((w)->why, (w)->whylen, __VA_ARGS__); \
	     return -EFSCORRUPTED; } while (0)

/* Walks the node eh (at pblk; 0 for the root) whose keys must lie in
 * [lo, hi). */
static int ext_walk_node(struct ext_walk *w, struct ext4_extent_header *eh,
			 int depth, ext4_fsblk_t pblk, uint64_t lo, uint64_t hi)
{
	struct inode *inode = w->inode;
	unsigned int i, n;
	int err;

	err = ext4_ext_check(inode, eh, depth, pblk);
	if (err)
		WALK_FAIL(w, "%s", ext4_sim_ext_last_error());
	n = le16_to_cpu(eh->eh_entries);
	if (pblk && n == 0)
		WALK_FAIL(w, "inode %lu: node %llu (depth %d) is empty",
			  inode->i_ino, (unsigned long long)pblk, depth);
	if (!pblk && depth > 0 && n == 0)
		WALK_FAIL(w, "inode %lu: root index (depth %d) is empty",
			  inode->i_ino, depth);

	if (depth == 0) {
		struct ext4_extent *ex = EXT_FIRST_EXTENT(eh);

		for (i = 0; i < n; i++, ex++) {
			uint64_t lblk = le32_to_cpu(ex->ee_block);
			unsigned int len = (unsigned int)ext4_ext_get_actual_len(ex);
			ext4_fsblk_t p = ext4_ext_pblock(ex);

			if (len == 0 ||
			    (ext4_ext_is_unwritten(ex) && len > EXT_UNWRITTEN_MAX_LEN) ||
			    len > EXT_INIT_MAX_LEN)
				WALK_FAIL(w, "inode %lu: extent %llu: illegal length %u",
					  inode->i_ino, (unsigned long long)lblk, len);
			if (i == 0 && pblk && lblk != lo)
				WALK_FAIL(w, "inode %lu: leaf %llu starts at %llu, "
					  "index key %llu", inode->i_ino,
					  (unsigned long long)pblk,
					  (unsigned long long)lblk,
					  (unsigned long long)lo);
			if (lblk < lo || lblk + len > hi)
				WALK_FAIL(w, "inode %lu: extent [%llu, +%u) outside "
					  "its index range [%llu, %llu)",
					  inode->i_ino, (unsigned long long)lblk,
					  len, (unsigned long long)lo,
					  (unsigned long long)hi);
			if (lblk < w->prev_end)
				WALK_FAIL(w, "inode %lu: extent [%llu, +%u) overlaps "
					  "or precedes the previous one (ends %llu)",
					  inode->i_ino, (unsigned long long)lblk,
					  len, (unsigned long long)w->prev_end);
			w->prev_end = lblk + len;
			if (w->flags & EXT4_SIM_CHECK_DATA_OWNERS) {
				/* the owners' runs, not each block */
				uint64_t bad = ext4_sim_disk_find_not_data(
					w->disk, p, len, (uint32_t)inode->i_ino,
					(uint32_t)lblk);

				if (bad != UINT64_MAX) {
					const struct ext4_sim_owner *o =
						ext4_sim_disk_owner(w->disk, bad);
					char buf[96];

					ext4_sim_owner_format(o, buf, sizeof(buf));
					WALK_FAIL(w, "inode %lu: lblk %llu -> "
						  "pblk %llu owned by %s",
						  inode->i_ino,
						  (unsigned long long)(lblk + (bad - p)),
						  (unsigned long long)bad, buf);
				}
			}
			w->census.extents++;
			w->census.blocks += len;
			if (w->ext_fn)
				w->ext_fn(w->ctx, ex);
		}
		return 0;
	}

	{
		struct ext4_extent_idx *ix = EXT_FIRST_INDEX(eh);

		for (i = 0; i < n; i++, ix++) {
			uint64_t key = le32_to_cpu(ix->ei_block);
			uint64_t next = i + 1 < n ? le32_to_cpu(ix[1].ei_block) : hi;
			ext4_fsblk_t child = ext4_idx_pblock(ix);
			const struct ext4_sim_owner *o;
			struct buffer_head *bh;
			struct ext4_extent_header *ceh;

			if (i == 0 && pblk && key != lo)
				WALK_FAIL(w, "inode %lu: index node %llu starts at "
					  "%llu, parent key %llu", inode->i_ino,
					  (unsigned long long)pblk,
					  (unsigned long long)key,
					  (unsigned long long)lo);
			if (key < lo || key >= next)
				WALK_FAIL(w, "inode %lu: index key %llu out of order "
					  "or outside [%llu, %llu)", inode->i_ino,
					  (unsigned long long)key,
					  (unsigned long long)lo,
					  (unsigned long long)next);
			o = ext4_sim_disk_owner(w->disk, child);
			if (o->kind != EXT4_SIM_OWN_NODE || o->ino != inode->i_ino) {
				char buf[96];

				ext4_sim_owner_format(o, buf, sizeof(buf));
				WALK_FAIL(w, "inode %lu: node %llu owned by %s",
					  inode->i_ino, (unsigned long long)child,
					  buf);
			}
			bh = sb_find_get_block(inode->i_sb, child);
			if (!bh || !buffer_uptodate(bh)) {
				if (bh)
					brelse(bh);
				WALK_FAIL(w, "inode %lu: node %llu not in the buffer "
					  "cache", inode->i_ino,
					  (unsigned long long)child);
			}
			ceh = ext_block_hdr(bh);
			w->census.nodes++;
			if (w->node_fn)
				w->node_fn(w->ctx, child, depth - 1);
			/* the root's first key may be below the first
			 * extent only if the kernel left it so; our
			 * invariant is strict equality everywhere */
			err = ext_walk_node(w, ceh, depth - 1, child, key, next);
			brelse(bh);
			if (err)
				return err;
		}
	}
	return 0;
}

static int ext_walk(struct ext_walk *w)
{
	struct inode *inode = w->inode;
	int depth = ext_depth(inode);

	w->disk = EXT4_SB(inode->i_sb)->s_disk;
	w->prev_end = 0;
	memset(&w->census, 0, sizeof(w->census));
	w->census.depth = (unsigned int)depth;
	if (depth > EXT4_MAX_EXTENT_DEPTH)
		WALK_FAIL(w, "inode %lu: depth %d", inode->i_ino, depth);
	return ext_walk_node(w, ext_inode_hdr(inode), depth, 0, 0,
			     (uint64_t)EXT_MAX_BLOCKS);
}

int ext4_sim_ext_check_tree(struct inode *inode, unsigned int flags,
			    struct ext4_sim_ext_census *census,
			    char *why, size_t whylen)
{
	struct ext_walk w = { .inode = inode, .flags = flags, .why = why,
			      .whylen = whylen };
	int err = ext_walk(&w);

	if (census)
		*census = w.census;
	return err;
}

int ext4_sim_ext_for_each_node(struct inode *inode,
			       void (*fn)(void *ctx, ext4_fsblk_t blk, int depth),
			       void *ctx)
{
	char why[8];
	struct ext_walk w = { .inode = inode, .why = why, .whylen = sizeof(why),
			      .node_fn = fn, .ctx = ctx };

	return ext_walk(&w);
}

int ext4_sim_ext_for_each_extent(struct inode *inode,
				 void (*fn)(void *ctx, const struct ext4_extent *ex),
				 void *ctx)
{
	char why[8];
	struct ext_walk w = { .inode = inode, .why = why, .whylen = sizeof(why),
			      .ext_fn = fn, .ctx = ctx };

	return ext_walk(&w);
}

/* ---- the es cache against the tree ---------------------------------------------- */

struct es_vs_tree {
	struct ext4_extent *ext;     /* the tree's extents in order */
	unsigned long n, cap;
	char *why;
	size_t whylen;
	bool ok;
};

static void collect_extent(void *ctx, const struct ext4_extent *ex)
{
	struct es_vs_tree *v = ctx;

	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 256;
		v->ext = realloc(v->ext, v->cap * sizeof(*v->ext));
		BUG_ON(!v->ext);
	}
	v->ext[v->n++] = *ex;
}

/* Index of the first extent ending after lblk. */
static unsigned long first_ending_after(const struct es_vs_tree *v,
					uint64_t lblk)
{
	unsigned long lo = 0, hi = v->n;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		const struct ext4_extent *ex = &v->ext[mid];

		if ((uint64_t)le32_to_cpu(ex->ee_block) +
		    (uint64_t)ext4_ext_get_actual_len(ex) <= lblk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void check_es_entry(void *ctx, const struct extent_status *es)
{
	struct es_vs_tree *v = ctx;
	uint64_t lblk = es->es_lblk, end = (uint64_t)es->es_lblk + es->es_len;
	unsigned long i;

	if (!v->ok)
		return;
	i = first_ending_after(v, lblk);

	if (ext4_es_is_hole(es) ||
	    (ext4_es_is_delayed(es) && !ext4_es_is_unwritten(es))) {
		if (i < v->n && le32_to_cpu(v->ext[i].ee_block) < end) {
			snprintf(v->why, v->whylen, "es %s [%u/%u) but extent "
				 "at %u is mapped",
				 ext4_es_is_hole(es) ? "hole" : "delayed",
				 es->es_lblk, es->es_len,
				 le32_to_cpu(v->ext[i].ee_block));
			v->ok = false;
		}
		return;
	}

	/* written or unwritten: every block mapped alike, same pblk */
	while (lblk < end) {
		const struct ext4_extent *ex;
		uint64_t eb, ee;

		if (i >= v->n || le32_to_cpu(v->ext[i].ee_block) > lblk) {
			snprintf(v->why, v->whylen, "es [%u/%u) status %x: lblk "
				 "%llu is a hole in the tree", es->es_lblk,
				 es->es_len, ext4_es_status(es),
				 (unsigned long long)lblk);
			v->ok = false;
			return;
		}
		ex = &v->ext[i];
		eb = le32_to_cpu(ex->ee_block);
		ee = eb + (uint64_t)ext4_ext_get_actual_len(ex);
		if (!!ext4_ext_is_unwritten(ex) != !!ext4_es_is_unwritten(es) ||
		    (!ext4_es_is_delayed(es) &&
		     ext4_ext_pblock(ex) + (lblk - eb) !=
		     ext4_es_pblock(es) + (lblk - es->es_lblk))) {
			snprintf(v->why, v->whylen, "es [%u/%u) -> %llu status "
				 "%x disagrees at lblk %llu with extent [%llu, "
				 "+%d) -> %llu%s", es->es_lblk, es->es_len,
				 (unsigned long long)ext4_es_pblock(es),
				 ext4_es_status(es), (unsigned long long)lblk,
				 (unsigned long long)eb,
				 ext4_ext_get_actual_len(ex),
				 (unsigned long long)ext4_ext_pblock(ex),
				 ext4_ext_is_unwritten(ex) ? " unwritten" : "");
			v->ok = false;
			return;
		}
		lblk = ee < end ? ee : end;
		i++;
	}
}

int ext4_sim_es_check_against_tree(struct inode *inode, char *why,
				   size_t whylen)
{
	struct es_vs_tree v = { .why = why, .whylen = whylen, .ok = true };
	struct ext_walk w = { .inode = inode, .why = why, .whylen = whylen,
			      .ext_fn = collect_extent, .ctx = &v };
	int err;

	if (!ext4_sim_es_check(&EXT4_I(inode)->i_es_tree, why, whylen))
		return -EFSCORRUPTED;
	err = ext_walk(&w);
	if (!err) {
		ext4_sim_es_for_each(&EXT4_I(inode)->i_es_tree, check_es_entry, &v);
		if (!v.ok)
			err = -EFSCORRUPTED;
	}
	free(v.ext);
	return err;
}
