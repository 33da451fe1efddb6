/* fs/ext4/extents_map.c — block mapping on the extent tree:
 * ext4_ext_map_blocks and the unwritten-extent state changes it drives.
 *
 * Mirrors fs/ext4/extents.c of v4.4.1: ext4_ext_map_blocks (lookup;
 * allocation through mballoc with a goal next to the neighbouring extent;
 * unwritten creation), ext4_ext_handle_unwritten_extents,
 * ext4_ext_convert_to_initialized (buffered write into an unwritten
 * extent), ext4_split_convert_extents (DIO pre-split),
 * ext4_convert_unwritten_extents_endio (IO completion),
 * convert_initialized_extent (zero range), ext4_ext_put_gap_in_cache.
 *
 * Simplifications:
 *  - extent_max_zeroout_kb is 0 (a legal tunable value): converting part of
 *    an unwritten extent always splits it and never writes zeroes to avoid
 *    the split.  The neighbour-transfer fast paths are kept.
 *  - no EOFBLOCKS_FL bookkeeping (check_eofblocks_fl), no DIO-unwritten
 *    inode state or io_end flags, no fsync tid tracking;
 *  - the left/right neighbour search feeds only mballoc's goal in the
 *    kernel (ar.lleft/pleft/...); the model's request has just the goal,
 *    which ext4_ext_find_goal computes from the same neighbour.
 *  - no bigalloc implied-cluster allocation;
 *  - delalloc reservations: with EXT4_GET_BLOCKS_DELALLOC_RESERVE the
 *    claimed clusters are given back through
 *    ext4_sim_release_dirty_clusters (the kernel's
 *    ext4_da_update_reserve_space, without a per-inode reserve count).
 *
 * Deviation: the zero-range conversion (convert_initialized_extent)
 * reports the physical block in map->m_pblk; 4.4.1 leaves it unset and
 * ext4_map_blocks then caches whatever it held.
 *
 * Locking: i_data_sem held by the caller (read for lookups, write when
 * CREATE or a conversion may change the tree), as in the kernel.
 */
#include "config.h"

#include <string.h>

#include "fs/ext4/extents_internal.h"

/* Remembers the hole around block as a HOLE range in the es cache, short
 * of any delayed range inside it. */
static void ext4_ext_put_gap_in_cache(struct inode *inode,
				      struct ext4_ext_path *path,
				      ext4_lblk_t block)
{
	int depth = ext_depth(inode);
	struct ext4_extent *ex = path[depth].p_ext;
	struct extent_status es;
	ext4_lblk_t lblock, len;

	if (ex == NULL) {
		lblock = 0;
		len = EXT_MAX_BLOCKS;
	} else if (block < le32_to_cpu(ex->ee_block)) {
		lblock = block;
		len = le32_to_cpu(ex->ee_block) - block;
	} else if (block >= le32_to_cpu(ex->ee_block) +
		   (ext4_lblk_t)ext4_ext_get_actual_len(ex)) {
		ext4_lblk_t next;

		lblock = le32_to_cpu(ex->ee_block) +
			 (ext4_lblk_t)ext4_ext_get_actual_len(ex);
		next = ext4_ext_next_allocated_block(path);
		BUG_ON(next == lblock);
		len = next - lblock;
	} else {
		BUG();
	}

	ext4_es_find_delayed_extent_range(inode, lblock, lblock + len - 1, &es);
	if (es.es_len) {
		if (es.es_lblk <= lblock)
			return;
		len = min(es.es_lblk - lblock, len);
	}
	ext4_es_insert_extent(inode, lblock, len, ~0ull, EXTENT_STATUS_HOLE);
}

/* A write into part of the unwritten extent at the path: the written
 * range becomes initialized — by moving it into an initialized neighbour
 * when it sits at an edge (cheap: no insertion), else by splitting.
 * Returns the blocks from m_lblk to the end of the original extent. */
static int ext4_ext_convert_to_initialized(handle_t *handle,
					   struct inode *inode,
					   struct ext4_map_blocks *map,
					   struct ext4_ext_path **ppath,
					   int flags)
{
	struct ext4_ext_path *path = *ppath;
	struct ext4_extent_header *eh;
	struct ext4_map_blocks split_map;
	struct ext4_extent *ex, *abut_ex = NULL;
	ext4_lblk_t ee_block, eof_block;
	unsigned int ee_len, depth, map_len = map->m_len;
	int allocated = 0, err = 0, split_flag = 0;

	eof_block = (ext4_lblk_t)((inode->i_size + inode->i_sb->s_blocksize - 1) >>
				  inode->i_sb->s_blocksize_bits);
	if (eof_block < map->m_lblk + map_len)
		eof_block = map->m_lblk + map_len;

	depth = ext_depth(inode);
	eh = path[depth].p_hdr;
	ex = path[depth].p_ext;
	ee_block = le32_to_cpu(ex->ee_block);
	ee_len = (unsigned int)ext4_ext_get_actual_len(ex);

	BUG_ON(!ext4_ext_is_unwritten(ex));
	BUG_ON(!in_range(map->m_lblk, ee_block, ee_len));

	/* Transfer to an initialized neighbour in the same leaf that abuts
	 * logically and physically and has room for the blocks.  Only
	 * partial writes at either edge qualify. */
	if (map->m_lblk == ee_block && map_len < ee_len &&
	    ex > EXT_FIRST_EXTENT(eh)) {
		struct ext4_extent *prev = ex - 1;
		ext4_lblk_t prev_lblk = le32_to_cpu(prev->ee_block);
		unsigned int prev_len = (unsigned int)ext4_ext_get_actual_len(prev);
		ext4_fsblk_t prev_pblk = ext4_ext_pblock(prev);
		ext4_fsblk_t ee_pblk = ext4_ext_pblock(ex);

		if (!ext4_ext_is_unwritten(prev) &&
		    prev_lblk + prev_len == ee_block &&
		    prev_pblk + prev_len == ee_pblk &&
		    prev_len < EXT_INIT_MAX_LEN - map_len) {
			err = ext4_ext_get_access(handle, inode, path + depth);
			if (err)
				return err;
			ex->ee_block = cpu_to_le32(ee_block + map_len);
			ext4_ext_store_pblock(ex, ee_pblk + map_len);
			ex->ee_len = cpu_to_le16(ee_len - map_len);
			ext4_ext_mark_unwritten(ex);
			prev->ee_len = cpu_to_le16(prev_len + map_len);
			abut_ex = prev;
			allocated = (int)map_len;
		}
	} else if (map->m_lblk + map_len == ee_block + ee_len &&
		   map_len < ee_len && ex < EXT_LAST_EXTENT(eh)) {
		struct ext4_extent *next = ex + 1;
		ext4_lblk_t next_lblk = le32_to_cpu(next->ee_block);
		unsigned int next_len = (unsigned int)ext4_ext_get_actual_len(next);
		ext4_fsblk_t next_pblk = ext4_ext_pblock(next);
		ext4_fsblk_t ee_pblk = ext4_ext_pblock(ex);

		if (!ext4_ext_is_unwritten(next) &&
		    map->m_lblk + map_len == next_lblk &&
		    ee_pblk + ee_len == next_pblk &&
		    next_len < EXT_INIT_MAX_LEN - map_len) {
			err = ext4_ext_get_access(handle, inode, path + depth);
			if (err)
				return err;
			next->ee_block = cpu_to_le32(next_lblk - map_len);
			ext4_ext_store_pblock(next, next_pblk - map_len);
			ex->ee_len = cpu_to_le16(ee_len - map_len);
			ext4_ext_mark_unwritten(ex);
			next->ee_len = cpu_to_le16(next_len + map_len);
			abut_ex = next;
			allocated = (int)map_len;
		}
	}
	if (allocated) {
		/* the keys that moved (ex's on the left, next's on the
		 * right) are never the leaf's first: no index correction */
		err = ext4_ext_dirty(handle, inode, path + depth);
		path[depth].p_ext = abut_ex;
		return err ? err : allocated;
	}
	allocated = (int)(ee_len - (map->m_lblk - ee_block));

	/* zeroing instead of splitting on ENOSPC is safe only inside
	 * i_size (or the size being written) */
	if (ee_block + ee_len <= eof_block)
		split_flag |= EXT4_EXT_MAY_ZEROOUT;

	/* Simplification: extent_max_zeroout_kb = 0, so no zero-out of
	 * the unwritten remainder: always split. */
	split_map.m_lblk = map->m_lblk;
	split_map.m_len = map->m_len;
	split_map.m_flags = 0;
	split_map.m_pblk = 0;
	err = ext4_split_extent(handle, inode, ppath, &split_map, split_flag,
				flags);
	if (err > 0)
		err = 0;
	return err ? err : allocated;
}

/* Splits the extent at the path around the mapped range before IO: for
 * CONVERT (initialized data on completion) or CONVERT_UNWRITTEN (zero
 * range). */
static int ext4_split_convert_extents(handle_t *handle, struct inode *inode,
				      struct ext4_map_blocks *map,
				      struct ext4_ext_path **ppath, int flags)
{
	struct ext4_ext_path *path = *ppath;
	struct ext4_extent *ex;
	ext4_lblk_t eof_block, ee_block;
	unsigned int ee_len;
	int split_flag = 0, depth;

	eof_block = (ext4_lblk_t)((inode->i_size + inode->i_sb->s_blocksize - 1) >>
				  inode->i_sb->s_blocksize_bits);
	if (eof_block < map->m_lblk + map->m_len)
		eof_block = map->m_lblk + map->m_len;
	depth = ext_depth(inode);
	ex = path[depth].p_ext;
	ee_block = le32_to_cpu(ex->ee_block);
	ee_len = (unsigned int)ext4_ext_get_actual_len(ex);

	if (flags & EXT4_GET_BLOCKS_CONVERT_UNWRITTEN) {
		split_flag |= EXT4_EXT_DATA_VALID1;
	} else if (flags & EXT4_GET_BLOCKS_CONVERT) {
		if (ee_block + ee_len <= eof_block)
			split_flag |= EXT4_EXT_MAY_ZEROOUT;
		split_flag |= EXT4_EXT_MARK_UNWRIT2 | EXT4_EXT_DATA_VALID2;
	}
	flags |= EXT4_GET_BLOCKS_PRE_IO;
	return ext4_split_extent(handle, inode, ppath, map, split_flag, flags);
}

/* IO completion: the written range of an unwritten extent becomes
 * initialized (split first if the extent is larger than the IO). */
static int ext4_convert_unwritten_extents_endio(handle_t *handle,
						struct inode *inode,
						struct ext4_map_blocks *map,
						struct ext4_ext_path **ppath)
{
	struct ext4_ext_path *path = *ppath;
	struct ext4_extent *ex;
	ext4_lblk_t ee_block;
	unsigned int ee_len;
	int depth, err;

	depth = ext_depth(inode);
	ex = path[depth].p_ext;
	ee_block = le32_to_cpu(ex->ee_block);
	ee_len = (unsigned int)ext4_ext_get_actual_len(ex);

	if (ee_block != map->m_lblk || ee_len > map->m_len) {
		err = ext4_split_convert_extents(handle, inode, map, ppath,
						 EXT4_GET_BLOCKS_CONVERT);
		if (err < 0)
			return err;
		path = ext4_find_extent(inode, map->m_lblk, ppath, 0);
		if (IS_ERR(path))
			return (int)PTR_ERR(path);
		depth = ext_depth(inode);
		ex = path[depth].p_ext;
	}
	err = ext4_ext_get_access(handle, inode, path + depth);
	if (err)
		return err;
	ext4_ext_mark_initialized(ex);
	/* the extent's bounds did not move: no index correction needed */
	ext4_ext_try_to_merge(handle, inode, path, ex);
	return ext4_ext_dirty(handle, inode, path + path->p_depth);
}

/* Zero range: the mapped part of an initialized extent becomes unwritten. */
static int convert_initialized_extent(handle_t *handle, struct inode *inode,
				      struct ext4_map_blocks *map,
				      struct ext4_ext_path **ppath, int flags,
				      unsigned int allocated)
{
	struct ext4_ext_path *path = *ppath;
	struct ext4_extent *ex;
	ext4_lblk_t ee_block;
	unsigned int ee_len;
	int depth, err;

	(void)flags;
	/* an unwritten extent holds at most 32767 blocks */
	if (map->m_len > EXT_UNWRITTEN_MAX_LEN)
		map->m_len = EXT_UNWRITTEN_MAX_LEN / 2;

	depth = ext_depth(inode);
	ex = path[depth].p_ext;
	ee_block = le32_to_cpu(ex->ee_block);
	ee_len = (unsigned int)ext4_ext_get_actual_len(ex);

	if (ee_block != map->m_lblk || ee_len > map->m_len) {
		err = ext4_split_convert_extents(handle, inode, map, ppath,
						 EXT4_GET_BLOCKS_CONVERT_UNWRITTEN);
		if (err < 0)
			return err;
		path = ext4_find_extent(inode, map->m_lblk, ppath, 0);
		if (IS_ERR(path))
			return (int)PTR_ERR(path);
		depth = ext_depth(inode);
		ex = path[depth].p_ext;
		if (!ex)
			return -EFSCORRUPTED;
	}
	err = ext4_ext_get_access(handle, inode, path + depth);
	if (err)
		return err;
	ext4_ext_mark_unwritten(ex);
	ext4_ext_try_to_merge(handle, inode, path, ex);
	err = ext4_ext_dirty(handle, inode, path + path->p_depth);
	if (err)
		return err;
	map->m_flags |= EXT4_MAP_UNWRITTEN;
	if (allocated > map->m_len)
		allocated = map->m_len;
	map->m_len = allocated;
	return (int)allocated;
}

/* The mapped block lies in an unwritten extent: what happens depends on
 * who asks (DIO pre-split, IO completion, fallocate again, a plain
 * lookup, or a buffered write converting it). */
static int ext4_ext_handle_unwritten_extents(handle_t *handle,
					     struct inode *inode,
					     struct ext4_map_blocks *map,
					     struct ext4_ext_path **ppath,
					     int flags, unsigned int allocated,
					     ext4_fsblk_t newblock)
{
	int ret = 0, err = 0;

	/* must not fail for want of a node block mid-conversion */
	flags |= EXT4_GET_BLOCKS_METADATA_NOFAIL;

	if (flags & EXT4_GET_BLOCKS_PRE_IO) {
		/* DIO into unwritten space: isolate the range now, convert
		 * on completion (the kernel also flags the inode/io_end) */
		ret = ext4_split_convert_extents(handle, inode, map, ppath,
						 flags | EXT4_GET_BLOCKS_CONVERT);
		if (ret <= 0)
			goto out;
		map->m_flags |= EXT4_MAP_UNWRITTEN;
		goto out;
	}
	if (flags & EXT4_GET_BLOCKS_CONVERT) {
		ret = ext4_convert_unwritten_extents_endio(handle, inode, map,
							   ppath);
		if (ret < 0)
			err = ret;
		map->m_flags |= EXT4_MAP_MAPPED;
		map->m_pblk = newblock;
		if (allocated > map->m_len)
			allocated = map->m_len;
		map->m_len = allocated;
		return err ? err : (int)allocated;
	}
	if (flags & EXT4_GET_BLOCKS_UNWRIT_EXT) {
		/* fallocate over an already unwritten range */
		map->m_flags |= EXT4_MAP_UNWRITTEN;
		goto map_out;
	}
	if (!(flags & EXT4_GET_BLOCKS_CREATE)) {
		/* a read: mapped but reads as zeroes */
		map->m_flags |= EXT4_MAP_UNWRITTEN;
		goto out1;
	}
	/* buffered write (writeback) into unwritten space */
	ret = ext4_ext_convert_to_initialized(handle, inode, map, ppath, flags);
out:
	if (ret <= 0)
		return ret;
	allocated = (unsigned int)ret;
	map->m_flags |= EXT4_MAP_NEW;
	if (allocated > map->m_len)
		allocated = map->m_len;
	map->m_len = allocated;
	/* delalloc over fallocated space: nothing is allocated, the
	 * write-time claim goes back (kernel: get_reserved_cluster_alloc +
	 * ext4_da_update_reserve_space) */
	if (flags & EXT4_GET_BLOCKS_DELALLOC_RESERVE)
		ext4_sim_release_dirty_clusters(EXT4_SB(inode->i_sb), allocated);
map_out:
	map->m_flags |= EXT4_MAP_MAPPED;
out1:
	if (allocated > map->m_len)
		allocated = map->m_len;
	map->m_pblk = newblock;
	map->m_len = allocated;
	return (int)allocated;
}

int ext4_ext_map_blocks(handle_t *handle, struct inode *inode,
			struct ext4_map_blocks *map, int flags)
{
	struct ext4_ext_path *path;
	struct ext4_extent newex, *ex;
	struct ext4_allocation_request ar;
	ext4_fsblk_t newblock = 0;
	unsigned int allocated = 0;
	int err = 0, depth, ret, before;

	path = ext4_find_extent(inode, map->m_lblk, NULL, 0);
	if (IS_ERR(path))
		return (int)PTR_ERR(path);
	depth = ext_depth(inode);
	/* a leaf may be empty only in the middle of a tree change */
	if (path[depth].p_ext == NULL && depth != 0) {
		err = -EFSCORRUPTED;
		goto out2;
	}

	ex = path[depth].p_ext;
	if (ex) {
		ext4_lblk_t ee_block = le32_to_cpu(ex->ee_block);
		ext4_fsblk_t ee_start = ext4_ext_pblock(ex);
		unsigned int ee_len = (unsigned int)ext4_ext_get_actual_len(ex);

		if (in_range(map->m_lblk, ee_block, ee_len)) {
			newblock = map->m_lblk - ee_block + ee_start;
			allocated = ee_len - (map->m_lblk - ee_block);
			if (!ext4_ext_is_unwritten(ex) &&
			    (flags & EXT4_GET_BLOCKS_CONVERT_UNWRITTEN)) {
				ret = convert_initialized_extent(handle, inode,
						map, &path, flags, allocated);
				if (ret < 0)
					err = ret;
				else
					allocated = (unsigned int)ret;
				/* Deviation: 4.4.1 leaves m_pblk unset here and
				 * ext4_map_blocks caches whatever it held;
				 * later kernels report the block, as we do. */
				map->m_pblk = newblock;
				goto out2;
			} else if (!ext4_ext_is_unwritten(ex)) {
				goto out;
			}
			ret = ext4_ext_handle_unwritten_extents(handle, inode,
					map, &path, flags, allocated, newblock);
			if (ret < 0)
				err = ret;
			else
				allocated = (unsigned int)ret;
			goto out2;
		}
	}

	if (!(flags & EXT4_GET_BLOCKS_CREATE)) {
		ext4_ext_put_gap_in_cache(inode, path, map->m_lblk);
		goto out2;
	}

	/* allocate: no longer than one extent can hold */
	memset(&newex, 0, sizeof(newex));
	newex.ee_block = cpu_to_le32(map->m_lblk);
	if (map->m_len > EXT_INIT_MAX_LEN &&
	    !(flags & EXT4_GET_BLOCKS_UNWRIT_EXT))
		map->m_len = EXT_INIT_MAX_LEN;
	else if (map->m_len > EXT_UNWRITTEN_MAX_LEN &&
		 (flags & EXT4_GET_BLOCKS_UNWRIT_EXT))
		map->m_len = EXT_UNWRITTEN_MAX_LEN;

	/* and not into the next extent */
	newex.ee_len = cpu_to_le16(map->m_len);
	if (ext4_ext_check_overlap(inode, &newex, path))
		allocated = (unsigned int)ext4_ext_get_actual_len(&newex);
	else
		allocated = map->m_len;

	memset(&ar, 0, sizeof(ar));
	ar.inode = inode;
	ar.goal = ext4_ext_find_goal(inode, path, map->m_lblk);
	ar.logical = map->m_lblk;
	ar.len = allocated;
	ar.flags = EXT4_MB_HINT_DATA;   /* the model's files are regular */
	if (flags & EXT4_GET_BLOCKS_DELALLOC_RESERVE)
		ar.flags |= EXT4_MB_DELALLOC_RESERVED;
	if (flags & EXT4_GET_BLOCKS_METADATA_NOFAIL)
		ar.flags |= EXT4_MB_USE_RESERVED;
	before = ext4_sim_credits_before(handle);
	newblock = ext4_mb_new_blocks(handle, &ar, &err);
	ext4_sim_charge(inode, handle, before);
	if (!newblock)
		goto out2;
	if (ar.len > allocated)
		ar.len = allocated;

	ext4_ext_store_pblock(&newex, newblock);
	newex.ee_len = cpu_to_le16(ar.len);
	if (flags & EXT4_GET_BLOCKS_UNWRIT_EXT) {
		ext4_ext_mark_unwritten(&newex);
		map->m_flags |= EXT4_MAP_UNWRITTEN;
	}

	err = ext4_ext_insert_extent(handle, inode, &path, &newex, flags);
	if (err) {
		/* give the data blocks back */
		ext4_sim_ext_free_blocks(handle, inode, newblock, ar.len,
					 (flags & EXT4_GET_BLOCKS_DELALLOC_RESERVE) ?
					 EXT4_FREE_BLOCKS_NO_QUOT_UPDATE : 0);
		goto out2;
	}

	/* delalloc had claimed the space at write time: the claim is now
	 * the allocation (ext4_da_update_reserve_space; simplified: no
	 * per-inode reservation count in the model) */
	if (flags & EXT4_GET_BLOCKS_DELALLOC_RESERVE)
		ext4_sim_release_dirty_clusters(EXT4_SB(inode->i_sb), ar.len);

	/* the insert may have merged the new blocks into a neighbour */
	newblock = ext4_ext_pblock(&newex);
	allocated = (unsigned int)ext4_ext_get_actual_len(&newex);
	if (allocated > map->m_len)
		allocated = map->m_len;
	map->m_flags |= EXT4_MAP_NEW;
out:
	if (allocated > map->m_len)
		allocated = map->m_len;
	map->m_flags |= EXT4_MAP_MAPPED;
	map->m_pblk = newblock;
	map->m_len = allocated;
out2:
	ext4_ext_path_free(path);
	return err ? err : (int)allocated;
}
