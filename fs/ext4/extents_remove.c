/* fs/ext4/extents_remove.c — removing blocks from the extent tree.
 *
 * Mirrors fs/ext4/extents.c of v4.4.1: ext4_ext_remove_space (walks the
 * tree right to left with the path array as an explicit stack),
 * ext4_ext_rm_leaf (whole extents and the partial one at either end),
 * ext4_remove_blocks, ext4_ext_rm_idx (frees emptied nodes and fixes the
 * keys above), ext4_ext_more_to_rm, ext4_ext_truncate_extend_restart and
 * ext4_ext_truncate.
 *
 * Journal credits: each leaf extent removed asks for
 * 7 + 2 * (len / blocks_per_group) credits (+ depth + 1 when it is the
 * leaf's first entry, whose removal rewrites the keys above); when the
 * handle cannot be extended it is restarted — ext4_truncate_restart_trans
 * drops and retakes i_data_sem around it — and the walk starts over from a
 * fresh lookup (-EAGAIN), exactly the window FIDELITY 3.5 is about.
 *
 * Scheduling points: the kernel's cond_resched() in the walk is a
 * sim_task_yield(); the model also yields after a restart (see
 * ext4_ext_remove_space) so that kjournald2 can lock the transaction the
 * restart asked to commit — on a machine it runs in parallel.
 *
 * Simplifications: no bigalloc, so no partial-cluster bookkeeping; no quota
 * credits.
 *
 * Locking: the caller holds i_data_sem for write; the restart drops it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fs/ext4/extents_internal.h"

int ext4_ext_truncate_extend_restart(handle_t *handle, struct inode *inode,
				     int needed)
{
	struct ext4_sim_ext_stats *st = ext4_sim_ext_stats(inode);
	int err;

	if (!ext4_handle_valid(handle))
		return 0;
	if (handle->h_buffer_credits > needed)
		return 0;
	st->credits_requested += (uint64_t)needed;
	err = ext4_journal_extend(handle, needed);
	if (err <= 0) {
		if (err == 0)
			st->extends++;
		return err;
	}
	st->credits_requested += (uint64_t)needed;
	st->restarts++;
	err = ext4_truncate_restart_trans(handle, inode, needed);
	return err ? err : -EAGAIN;
}

/* Data blocks of regular files go back without FORGET unless data is
 * journalled (directories and symlinks are not modelled). */
static int get_default_free_blocks_flags(struct inode *inode)
{
	if (EXT4_SB(inode->i_sb)->s_mount_opt & EXT4_MOUNT_JOURNAL_DATA)
		return EXT4_FREE_BLOCKS_FORGET;
	return 0;
}

/* Frees blocks [from, to] of ex, which must be its tail. */
static int ext4_remove_blocks(handle_t *handle, struct inode *inode,
			      struct ext4_extent *ex, ext4_lblk_t from,
			      ext4_lblk_t to)
{
	ext4_lblk_t ee_block = le32_to_cpu(ex->ee_block);
	unsigned int ee_len = (unsigned int)ext4_ext_get_actual_len(ex);
	ext4_lblk_t num;
	ext4_fsblk_t pblk;

	if (from < ee_block || to != ee_block + ee_len - 1) {
		/* the caller splits first: anything else is a bug */
		return -EFSCORRUPTED;
	}
	num = ee_block + ee_len - from;
	pblk = ext4_ext_pblock(ex) + ee_len - num;
	ext4_sim_ext_free_blocks(handle, inode, pblk, num,
				 get_default_free_blocks_flags(inode));
	return 0;
}

/* Removes the index entry of the (emptied) node below level depth - 1,
 * frees the node, and carries a new first key upwards. */
static int ext4_ext_rm_idx(handle_t *handle, struct inode *inode,
			   struct ext4_ext_path *path, int depth)
{
	ext4_fsblk_t leaf;
	int err;

	depth--;
	path = path + depth;
	leaf = ext4_idx_pblock(path->p_idx);
	if (path->p_hdr->eh_entries == 0)
		return -EFSCORRUPTED;
	err = ext4_ext_get_access(handle, inode, path);
	if (err)
		return err;
	if (path->p_idx != EXT_LAST_INDEX(path->p_hdr))
		memmove(path->p_idx, path->p_idx + 1,
			(size_t)(EXT_LAST_INDEX(path->p_hdr) - path->p_idx) *
			sizeof(struct ext4_extent_idx));
	le16_add_cpu(&path->p_hdr->eh_entries, -1);
	err = ext4_ext_dirty(handle, inode, path);
	if (err)
		return err;
	ext4_sim_ext_free_node(handle, inode, leaf);

	/* the entry now first in this node gives its key to the parent,
	 * and so on while we are at first entries */
	while (--depth >= 0) {
		if (path->p_idx != EXT_FIRST_INDEX(path->p_hdr))
			break;
		path--;
		err = ext4_ext_get_access(handle, inode, path);
		if (err)
			break;
		path->p_idx->ei_block = (path + 1)->p_idx->ei_block;
		err = ext4_ext_dirty(handle, inode, path);
		if (err)
			break;
	}
	return err;
}

/* Removes from the leaf at the end of the path every block in [start,
 * end], right to left; an extent may stick out of the range only on the
 * left (ext4_ext_remove_space split the one at the right edge). */
static int ext4_ext_rm_leaf(handle_t *handle, struct inode *inode,
			    struct ext4_ext_path *path, ext4_lblk_t start,
			    ext4_lblk_t end)
{
	int depth = ext_depth(inode), credits, err = 0, correct_index = 0;
	struct ext4_extent_header *eh;
	struct ext4_extent *ex;
	ext4_lblk_t a, b, ex_ee_block = 0, num;
	unsigned int ex_ee_len = 0;
	int unwritten;

	if (!path[depth].p_hdr)
		path[depth].p_hdr = ext_block_hdr(path[depth].p_bh);
	eh = path[depth].p_hdr;
	ex = path[depth].p_ext;
	if (!ex)
		ex = EXT_LAST_EXTENT(eh);
	if (ex >= EXT_FIRST_EXTENT(eh)) {
		ex_ee_block = le32_to_cpu(ex->ee_block);
		ex_ee_len = (unsigned int)ext4_ext_get_actual_len(ex);
	}

	while (ex >= EXT_FIRST_EXTENT(eh) && ex_ee_block + ex_ee_len > start) {
		unwritten = ext4_ext_is_unwritten(ex);
		path[depth].p_ext = ex;
		a = ex_ee_block > start ? ex_ee_block : start;
		b = ex_ee_block + ex_ee_len - 1 < end ?
		    ex_ee_block + ex_ee_len - 1 : end;

		if (end < ex_ee_block) {
			/* right of the range: keep, look further left */
			goto prev;
		} else if (b != ex_ee_block + ex_ee_len - 1) {
			/* sticks out on the right: remove_space should have
			 * split it */
			err = -EFSCORRUPTED;
			goto out;
		} else if (a != ex_ee_block) {
			num = a - ex_ee_block;     /* keep the head */
		} else {
			num = 0;                   /* the whole extent goes */
		}

		/* leaf, sb and inode, plus bitmap and group descriptor for
		 * up to two groups and one more pair per group spanned */
		credits = 7 + 2 * (int)(ex_ee_len /
				       EXT4_SB(inode->i_sb)->s_blocks_per_group);
		if (ex == EXT_FIRST_EXTENT(eh)) {
			correct_index = 1;
			credits += ext_depth(inode) + 1;
		}
		err = ext4_ext_truncate_extend_restart(handle, inode, credits);
		if (err)
			goto out;
		err = ext4_ext_get_access(handle, inode, path + depth);
		if (err)
			goto out;
		err = ext4_remove_blocks(handle, inode, ex, a, b);
		if (err)
			goto out;

		if (num == 0)
			ext4_ext_store_pblock(ex, 0);
		ex->ee_len = cpu_to_le16(num);
		/* a removed extent must not read as a zero-length unwritten */
		if (unwritten && num)
			ext4_ext_mark_unwritten(ex);
		if (num == 0) {
			/* a punch leaves extents right of ex: close the gap */
			if (end != EXT_MAX_BLOCKS - 1) {
				memmove(ex, ex + 1,
					(size_t)(EXT_LAST_EXTENT(eh) - ex) *
					sizeof(struct ext4_extent));
				memset(EXT_LAST_EXTENT(eh), 0,
				       sizeof(struct ext4_extent));
			}
			le16_add_cpu(&eh->eh_entries, -1);
		}
		err = ext4_ext_dirty(handle, inode, path + depth);
		if (err)
			goto out;
prev:
		ex--;
		if (ex >= EXT_FIRST_EXTENT(eh)) {
			ex_ee_block = le32_to_cpu(ex->ee_block);
			ex_ee_len = (unsigned int)ext4_ext_get_actual_len(ex);
		}
	}

	if (correct_index && eh->eh_entries)
		err = ext4_ext_correct_indexes(handle, inode, path);

	/* an emptied node leaves the tree (the root stays) */
	if (err == 0 && eh->eh_entries == 0 && path[depth].p_bh != NULL)
		err = ext4_ext_rm_idx(handle, inode, path, depth);
out:
	return err;
}

/* Whether the index at this level still has a child to visit.  p_block
 * holds the entry count seen when we went down: if it changed, the child
 * was removed entirely and the current index is the next one to visit. */
static int ext4_ext_more_to_rm(struct ext4_ext_path *path)
{
	BUG_ON(path->p_idx == NULL);
	if (path->p_idx < EXT_FIRST_INDEX(path->p_hdr))
		return 0;
	if (le16_to_cpu(path->p_hdr->eh_entries) == path->p_block)
		return 0;
	return 1;
}

/* Splits the extent at the path so lblk starts a new extent, keeping both
 * halves' state, without merging and (METADATA_NOFAIL) without failing for
 * want of a node block. */
static int ext4_force_split_extent_at(handle_t *handle, struct inode *inode,
				      struct ext4_ext_path **ppath,
				      ext4_lblk_t lblk, int nofail)
{
	struct ext4_ext_path *path = *ppath;
	int unwritten = ext4_ext_is_unwritten(path[path->p_depth].p_ext);

	return ext4_split_extent_at(handle, inode, ppath, lblk,
				    unwritten ? EXT4_EXT_MARK_UNWRIT1 |
						EXT4_EXT_MARK_UNWRIT2 : 0,
				    EXT4_EX_NOCACHE | EXT4_GET_BLOCKS_PRE_IO |
				    (nofail ? EXT4_GET_BLOCKS_METADATA_NOFAIL : 0));
}

int ext4_ext_remove_space(struct inode *inode, ext4_lblk_t start,
			  ext4_lblk_t end)
{
	struct ext4_ext_path *path = NULL;
	handle_t *handle;
	int depth = ext_depth(inode), i = 0, err = 0;

	/* the first extent freed is probably the last of its leaf */
	handle = ext4_journal_start(inode, EXT4_HT_TRUNCATE, depth + 1);
	if (IS_ERR(handle))
		return (int)PTR_ERR(handle);

again:
	if (end < EXT_MAX_BLOCKS - 1) {
		/* a punch: if end falls inside an extent, cut it at end + 1
		 * so that only whole tails are removed below */
		struct ext4_extent *ex;
		ext4_lblk_t ee_block, ex_end;

		path = ext4_find_extent(inode, end, NULL, EXT4_EX_NOCACHE);
		if (IS_ERR(path)) {
			ext4_journal_stop(handle);
			return (int)PTR_ERR(path);
		}
		depth = ext_depth(inode);
		ex = path[depth].p_ext;
		if (!ex) {
			/* only an empty tree has an empty leaf */
			if (depth)
				err = -EFSCORRUPTED;
			goto out;
		}
		ee_block = le32_to_cpu(ex->ee_block);
		ex_end = ee_block + (ext4_lblk_t)ext4_ext_get_actual_len(ex) - 1;
		if (end >= ee_block && end < ex_end) {
			err = ext4_force_split_extent_at(handle, inode, &path,
							 end + 1, 1);
			if (err < 0)
				goto out;
		}
	}

	/* walk from the right; index levels start "not yet visited" */
	depth = ext_depth(inode);
	if (path) {
		int k = i = depth;

		while (--k > 0)
			path[k].p_block =
				le16_to_cpu(path[k].p_hdr->eh_entries) + 1u;
	} else {
		path = ext4_sim_path_alloc(inode->i_sb, (size_t)depth + 1);
		if (!path) {
			ext4_journal_stop(handle);
			return -ENOMEM;
		}
		path[0].p_maxdepth = path[0].p_depth = (uint16_t)depth;
		path[0].p_hdr = ext_inode_hdr(inode);
		i = 0;
		if (ext4_ext_check(inode, path[0].p_hdr, depth, 0)) {
			err = -EFSCORRUPTED;
			goto out;
		}
	}
	err = 0;

	while (i >= 0 && err == 0) {
		if (i == depth) {
			err = ext4_ext_rm_leaf(handle, inode, path, start, end);
			brelse(path[i].p_bh);   /* NULL for the root */
			path[i].p_bh = NULL;
			i--;
			continue;
		}

		if (!path[i].p_hdr)
			path[i].p_hdr = ext_block_hdr(path[i].p_bh);
		if (!path[i].p_idx) {
			/* first visit: start at the last index */
			path[i].p_idx = EXT_LAST_INDEX(path[i].p_hdr);
			path[i].p_block = le16_to_cpu(path[i].p_hdr->eh_entries) + 1u;
		} else {
			path[i].p_idx--;
		}

		if (ext4_ext_more_to_rm(path + i)) {
			struct buffer_head *bh;

			memset(path + i + 1, 0, sizeof(*path));
			bh = read_extent_tree_block(inode,
						    ext4_idx_pblock(path[i].p_idx),
						    depth - i - 1, EXT4_EX_NOCACHE);
			if (IS_ERR(bh)) {
				err = (int)PTR_ERR(bh);
				break;
			}
			/* the kernel's cond_resched() for large trees: other
			 * work due now (kjournald2 locking a transaction whose
			 * commit a restart asked for) gets to run */
			sim_task_yield(current);
			if (WARN_ON(i + 1 > depth)) {
				brelse(bh);
				err = -EFSCORRUPTED;
				break;
			}
			path[i + 1].p_bh = bh;
			/* remember the count: if it shrinks, the child went */
			path[i].p_block = le16_to_cpu(path[i].p_hdr->eh_entries);
			i++;
		} else {
			/* done with this node; drop it if it emptied */
			if (path[i].p_hdr->eh_entries == 0 && i > 0)
				err = ext4_ext_rm_idx(handle, inode, path, i);
			brelse(path[i].p_bh);
			path[i].p_bh = NULL;
			i--;
		}
	}

	/* (the kernel does not test err here; it cannot be -EAGAIN with an
	 * empty root, and a real error should not be overwritten) */
	if (err == 0 && path->p_hdr->eh_entries == 0) {
		/* everything went: the root becomes an empty leaf again */
		err = ext4_ext_get_access(handle, inode, path);
		if (err == 0) {
			ext_inode_hdr(inode)->eh_depth = 0;
			ext_inode_hdr(inode)->eh_max =
				cpu_to_le16(ext4_ext_space_root(inode));
			err = ext4_ext_dirty(handle, inode, path);
		}
	}
out:
	ext4_ext_path_free(path);
	path = NULL;
	if (err == -EAGAIN) {
		/* Model addition: after a restart, work due now on other
		 * CPUs runs first — above all kjournald2 locking the
		 * transaction whose commit the restart asked for.  On a real
		 * machine it runs in parallel; in a zero-time loop without
		 * this the restarted handle could rejoin the same full
		 * transaction forever. */
		sim_task_yield(current);
		goto again;
	}
	ext4_journal_stop(handle);
	return err;
}

void ext4_ext_truncate(handle_t *handle, struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	ext4_lblk_t last_block;
	int err;

	/* where to truncate from, should we crash */
	EXT4_I(inode)->i_disksize = inode->i_size;
	ext4_sim_mark_inode_dirty(handle, inode);

	last_block = (ext4_lblk_t)((inode->i_size + sb->s_blocksize - 1) >>
				   sb->s_blocksize_bits);
	/* Simplification: the es cache never runs out of memory here, so
	 * the kernel's ENOMEM retry loop is not needed. */
	err = ext4_es_remove_extent(inode, last_block,
				    EXT_MAX_BLOCKS - last_block);
	if (err)
		return;
	(void)ext4_ext_remove_space(inode, last_block, EXT_MAX_BLOCKS - 1);
}
