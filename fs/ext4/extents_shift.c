/* fs/ext4/extents_shift.c — moving extents along the file (collapse and
 * insert range).
 *
 * Mirrors fs/ext4/extents.c of v4.4.1 as fixed in the 4.4.y stable series
 * (read from 4.4.155): ext4_ext_shift_extents, one leaf at
 * a time (LEFT from start forwards, RIGHT from the last extent backwards),
 * ext4_ext_shift_path_extents (the keys of one leaf, merging left on LEFT
 * shifts, and the index keys above when the leaf's first key moved), and
 * ext4_access_path (restarts the handle when fewer than 7 credits remain,
 * dropping i_data_sem meanwhile — and, as in the kernel, carrying on with
 * the path it had).
 *
 * Taken from 4.4.155 rather than 4.4.1: the lookups use EXT4_EX_NOCACHE
 * (4.4.1 looked up with caching, so a leaf read for the first time put its
 * pre-shift extents into the es cache after the caller had purged it:
 * stale entries, which the property test found), right shifts refuse to
 * move the last extent past EXT_MAX_BLOCKS, and the walk ends at block 0
 * instead of relying on unsigned wrap-around.
 *
 * Model addition: a shifted extent's data blocks are relabelled on the
 * disk (owner DATA(ino, lblk) follows the new logical block), so the oracle
 * keeps knowing which file block each physical block holds.
 *
 * Locking: the caller holds i_data_sem for write (and i_mutex plus the
 * strategy's invalidate lock); ext4_access_path may drop and retake
 * i_data_sem.
 */
#include "config.h"

#include "fs/block/disk.h"
#include "fs/ext4/extents_internal.h"

/* Write access to a node of the path, topping up the handle first. */
static int ext4_access_path(handle_t *handle, struct inode *inode,
			    struct ext4_ext_path *path)
{
	int err;

	if (!ext4_handle_valid(handle))
		return 0;
	/* leaf, sb and inode, plus bitmap and descriptor for two groups */
	if (handle->h_buffer_credits < 7) {
		err = ext4_ext_truncate_extend_restart(handle, inode,
					ext4_writepage_trans_blocks(inode));
		/* a restart is fine here: the shift goes on */
		if (err && err != -EAGAIN)
			return err;
	}
	return ext4_ext_get_access(handle, inode, path);
}

static void ext4_sim_relabel_extent(struct inode *inode,
				    const struct ext4_extent *ex)
{
	ext4_sim_disk_relabel(EXT4_SB(inode->i_sb)->s_disk, ext4_ext_pblock(ex),
			      (uint64_t)ext4_ext_get_actual_len(ex),
			      (uint32_t)inode->i_ino, le32_to_cpu(ex->ee_block));
}

/* Shifts the extents of the path's leaf from p_ext to the last, then the
 * index keys above while they are first in their nodes. */
static int ext4_ext_shift_path_extents(struct ext4_ext_path *path,
				       ext4_lblk_t shift, struct inode *inode,
				       handle_t *handle,
				       enum SHIFT_DIRECTION SHIFT)
{
	struct ext4_extent *ex_start, *ex_last;
	int depth = path->p_depth, err;
	bool update = false;

	while (depth >= 0) {
		if (depth == path->p_depth) {
			struct ext4_extent_header *eh = path[depth].p_hdr;

			ex_start = path[depth].p_ext;
			if (!ex_start)
				return -EFSCORRUPTED;
			ex_last = EXT_LAST_EXTENT(eh);
			err = ext4_access_path(handle, inode, path + depth);
			if (err)
				return err;
			if (ex_start == EXT_FIRST_EXTENT(eh))
				update = true;

			while (ex_start <= ex_last) {
				if (SHIFT == SHIFT_LEFT) {
					le32_add_cpu(&ex_start->ee_block,
						     -(int32_t)shift);
					ext4_sim_relabel_extent(inode, ex_start);
					/* the collapse may make it abut its
					 * left neighbour */
					if (ex_start > EXT_FIRST_EXTENT(eh) &&
					    ext4_ext_try_to_merge_right(inode,
							path, ex_start - 1))
						ex_last--;
					else
						ex_start++;
				} else {
					le32_add_cpu(&ex_last->ee_block,
						     (int32_t)shift);
					ext4_sim_relabel_extent(inode, ex_last);
					ext4_ext_try_to_merge_right(inode, path,
								    ex_last);
					ex_last--;
				}
			}
			err = ext4_ext_dirty(handle, inode, path + depth);
			if (err)
				return err;
			if (--depth < 0 || !update)
				break;
		}

		/* the key of this subtree moved with its first extent */
		err = ext4_access_path(handle, inode, path + depth);
		if (err)
			return err;
		if (SHIFT == SHIFT_LEFT)
			le32_add_cpu(&path[depth].p_idx->ei_block,
				     -(int32_t)shift);
		else
			le32_add_cpu(&path[depth].p_idx->ei_block,
				     (int32_t)shift);
		err = ext4_ext_dirty(handle, inode, path + depth);
		if (err)
			return err;
		if (path[depth].p_idx != EXT_FIRST_INDEX(path[depth].p_hdr))
			break;
		depth--;
	}
	return 0;
}

int ext4_ext_shift_extents(struct inode *inode, handle_t *handle,
			   ext4_lblk_t start, ext4_lblk_t shift,
			   enum SHIFT_DIRECTION SHIFT)
{
	struct ext4_ext_path *path;
	struct ext4_extent *extent;
	ext4_lblk_t stop, *iterator, ex_start, ex_end;
	int ret = 0, depth;

	/* the last extent bounds the work */
	path = ext4_find_extent(inode, EXT_MAX_BLOCKS - 1, NULL,
				EXT4_EX_NOCACHE);
	if (IS_ERR(path))
		return (int)PTR_ERR(path);
	depth = path->p_depth;
	extent = path[depth].p_ext;
	if (!extent)
		goto out;
	stop = le32_to_cpu(extent->ee_block);

	if (SHIFT == SHIFT_LEFT) {
		/* nothing may move until the hole before start is known to
		 * be at least shift blocks long */
		path = ext4_find_extent(inode, start - 1, &path,
					EXT4_EX_NOCACHE);
		if (IS_ERR(path))
			return (int)PTR_ERR(path);
		depth = path->p_depth;
		extent = path[depth].p_ext;
		/* Deviation: the lookup may land on the first extent right
		 * of start - 1 when nothing lies before it; the kernel then
		 * compares against that extent (and its unsigned arithmetic
		 * lets any shift through).  Treat it as "no extent before". */
		if (extent && le32_to_cpu(extent->ee_block) <= start - 1) {
			ex_start = le32_to_cpu(extent->ee_block);
			ex_end = ex_start +
				 (ext4_lblk_t)ext4_ext_get_actual_len(extent);
		} else {
			ex_start = 0;
			ex_end = 0;
		}
		if ((start == ex_start && shift > ex_start) ||
		    shift > start - ex_end) {
			ret = -EINVAL;
			goto out;
		}
	} else if (shift > EXT_MAX_BLOCKS -
		   (stop + (ext4_lblk_t)ext4_ext_get_actual_len(extent))) {
		/* the last extent would go past the largest block */
		ret = -EINVAL;
		goto out;
	}

	/* LEFT walks start up to stop; RIGHT walks stop down to start (and
	 * ends by clearing the iterator at block 0: both are unsigned) */
	iterator = SHIFT == SHIFT_LEFT ? &start : &stop;

	while (iterator && start <= stop) {
		path = ext4_find_extent(inode, *iterator, &path,
					EXT4_EX_NOCACHE);
		if (IS_ERR(path))
			return (int)PTR_ERR(path);
		depth = path->p_depth;
		extent = path[depth].p_ext;
		if (!extent) {
			ret = -EFSCORRUPTED;
			break;
		}
		if (SHIFT == SHIFT_LEFT &&
		    *iterator > le32_to_cpu(extent->ee_block)) {
			/* in a hole: begin with the next extent */
			if (extent < EXT_LAST_EXTENT(path[depth].p_hdr)) {
				path[depth].p_ext++;
			} else {
				*iterator = ext4_ext_next_allocated_block(path);
				continue;
			}
		}

		if (SHIFT == SHIFT_LEFT) {
			extent = EXT_LAST_EXTENT(path[depth].p_hdr);
			*iterator = le32_to_cpu(extent->ee_block) +
				    (ext4_lblk_t)ext4_ext_get_actual_len(extent);
		} else {
			struct ext4_extent *last =
				EXT_LAST_EXTENT(path[depth].p_hdr);

			/* Deviation: when start lies in the hole after this
			 * leaf, the kernel's scan below runs off the end of
			 * the leaf; nothing here moves, so the shift is done. */
			if (le32_to_cpu(last->ee_block) < start)
				break;
			extent = EXT_FIRST_EXTENT(path[depth].p_hdr);
			if (le32_to_cpu(extent->ee_block) > 0)
				*iterator = le32_to_cpu(extent->ee_block) - 1;
			else
				iterator = NULL;
			/* only extents at or after start move */
			while (le32_to_cpu(extent->ee_block) < start)
				extent++;
			path[depth].p_ext = extent;
		}
		ret = ext4_ext_shift_path_extents(path, shift, inode, handle,
						  SHIFT);
		if (ret)
			break;
	}
out:
	ext4_ext_path_free(path);
	return ret;
}
