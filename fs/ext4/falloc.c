/* fs/ext4/falloc.c — fallocate(2): the VFS entry vfs_fallocate (fs/open.c)
 * and ext4's ->fallocate with its modes: ext4_fallocate, ext4_zero_range,
 * ext4_collapse_range, ext4_insert_range and ext4_alloc_file_blocks.  In
 * the kernel these live in fs/ext4/extents.c; here they sit apart from the
 * extent tree (fs/ext4/extents*.c), whose operations
 * they call: ext4_ext_remove_space, ext4_ext_shift_extents,
 * ext4_split_extent_at, ext4_find_extent, ext4_es_remove_extent, and
 * ext4_map_blocks for allocation and conversion to unwritten.
 *
 * Step order per version of the active strategy (FIDELITY 2.9–2.11, 2.14):
 *   zero range  v4.4.1: writeback before i_mutex (EXT4_LOCK_UNLOCKED_
 *               WRITEBACK); edges preallocated (ext4_alloc_file_blocks does
 *               DIOREAD_LOCK + inode_dio_wait itself); [remove_lock]
 *               truncate_pagecache_range, DIOREAD_LOCK + dio wait,
 *               convert to unwritten [remove_unlock]; edge-zeroing handle.
 *               v4.5: no writeback; DIO wait once at the top; edges;
 *               i_mmap_sem (w) around disksize update, truncation and
 *               conversion; edge handle.  v5.15: same with invalidate_lock
 *               (w) + ext4_break_layouts.
 *   collapse /  v4.4.1: writeback [page of offset, EOF) before i_mutex;
 *   insert      [remove_lock] truncate_pagecache(page of offset); DIOREAD_LOCK
 *               + dio wait; handle; i_data_sem (w) around the tree work.
 *               v4.5 (32ebffd3bbb4 + ea3d7209ca01): dio wait, i_mmap_sem
 *               (w), writeback under it, truncate_pagecache, handle, tree
 *               work, stop, up.  v5.15: invalidate_lock + break_layouts.
 *   allocate    i_mutex, (v4.5: DIOREAD_LOCK +) dio wait,
 *               ext4_alloc_file_blocks: a handle per chunk allocating
 *               unwritten extents and growing the size.  No page-cache
 *               invalidation: it only adds blocks.
 *
 * Lock order: i_mutex > DIOREAD_LOCK > i_mmap_sem / invalidate_lock >
 * transaction start > i_data_sem (design A inverts the last two: see
 * fs/ext4/lock-i_data_sem_held.c).
 *
 * Simplified: see fs/ext4/truncate.h (extents only, no O_SYNC/IS_SYNC, no
 * inline data, encryption or preallocations).  Also: no EOFBLOCKS inode
 * flag (it only lets a later truncate to the same size run); the v4.4.1
 * insert-range error path that returned 0 after a failed extent lookup
 * returns the error here; insert range frees the lookup path in every
 * version (v4.4.1/v4.5 leaked it when offset lay in a hole past the last
 * extent).
 */
#include "config.h"

#include "fs/ext4/truncate.h"
#include "fs/ext4/ext4_extents.h"
#include "fs/ext4/ext4_jbd2.h"
#include "fs/costs.h"
#include "fs/oracle/oracle.h"

/* The modes ext4 (and the v4.4 VFS) support. */
#define FALLOC_FL_SUPPORTED_MASK                                          \
	(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE |                     \
	 FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE |                \
	 FALLOC_FL_INSERT_RANGE)

/* inode_newsize_ok (fs/attr.c): the size limit (no RLIMIT_FSIZE here). */
static int inode_newsize_ok(const struct inode *inode, loff_t offset)
{
	if (offset > ext4_sim_maxbytes(inode->i_sb))
		return -EFBIG;
	return 0;
}

/* ext4_force_commit (fs/ext4/super.c): data=journal flushes everything
 * before the range operations touch the page cache. */
static int ext4_force_commit(struct super_block *sb)
{
	journal_t *journal = EXT4_SB(sb)->s_journal;

	return journal ? jbd2_journal_force_commit(journal) : 0;
}

/* The size check of ext4_zero_range and ext4_fallocate, the same in both
 * in every version: without KEEP_SIZE a range past i_size (v5.15: or past
 * i_disksize) sets *new_size, which must pass inode_newsize_ok. */
static int ext4_sim_falloc_new_size(struct inode *inode, int mode,
				    loff_t offset, loff_t len,
				    loff_t *new_size)
{
	if (!(mode & FALLOC_FL_KEEP_SIZE) &&
	    (offset + len > i_size_read(inode) ||
	     (ext4_sim_kver(inode) == EXT4_KVER_5_15 &&
	      offset + len > EXT4_I(inode)->i_disksize))) {
		*new_size = offset + len;
		return inode_newsize_ok(inode, *new_size);
	}
	return 0;
}

/* Block lookups and allocations inside a strategy that already holds
 * i_data_sem (w) (design A) must not take it again. */
static int ext4_sim_nolock_if_held(struct inode *inode)
{
	return sim_rwsem_held_by(&EXT4_I(inode)->i_data_sem, current) ?
	       EXT4_GET_BLOCKS_NO_LOCK : 0;
}

/* ---- ext4_alloc_file_blocks --------------------------------------------------- */

static int ext4_alloc_file_blocks(struct file *file, ext4_lblk_t offset,
				  ext4_lblk_t len, loff_t new_size, int flags)
{
	struct inode *inode = file_inode(file);
	enum ext4_kver kver = ext4_sim_kver(inode);
	unsigned blkbits = inode->i_sb->s_blocksize_bits;
	struct ext4_map_blocks map;
	handle_t *handle;
	int ret = 0, ret2 = 0;
	int retries = 0;
	int credits, depth;
	loff_t epos;

	map.m_lblk = offset;
	map.m_len = len;
	/* Don't normalize the request if it fits in one extent, so that it
	 * is not split into several needlessly. */
	if (len <= EXT_UNWRITTEN_MAX_LEN)
		flags |= EXT4_GET_BLOCKS_NO_NORMALIZE;
	flags |= ext4_sim_nolock_if_held(inode);

	/* v4.4.1: the DIO wait lives here (17048e8a083f moved it out) */
	if (kver == EXT4_KVER_4_4) {
		ext4_inode_block_unlocked_dio(inode);
		inode_dio_wait(inode);
	}

	/* credits to insert one extent into the tree */
	credits = ext4_chunk_trans_blocks(inode, (int)len);
	depth = ext_depth(inode);

retry:
	while (ret >= 0 && len) {
		/* recalculate credits when the tree depth changes */
		if (depth != ext_depth(inode)) {
			credits = ext4_chunk_trans_blocks(inode, (int)len);
			depth = ext_depth(inode);
		}
		handle = ext4_journal_start(inode, EXT4_HT_MAP_BLOCKS, credits);
		if (IS_ERR(handle)) {
			ret = (int)PTR_ERR(handle);
			break;
		}
		ret = ext4_map_blocks(handle, inode, &map, flags);
		if (ret <= 0) {
			ext4_mark_inode_dirty(handle, inode);
			ret2 = ext4_journal_stop(handle);
			break;
		}
		/* v5.15: allow a full retry cycle for what remains */
		if (kver == EXT4_KVER_5_15)
			retries = 0;
		map.m_lblk += (ext4_lblk_t)ret;
		map.m_len = len = len - (ext4_lblk_t)ret;
		epos = (loff_t)map.m_lblk << blkbits;
		inode->i_ctime = ext4_current_time(inode);
		if (new_size) {
			if (epos > new_size)
				epos = new_size;
			if (ext4_update_inode_size(inode, epos) & 0x1)
				inode->i_mtime = inode->i_ctime;
		}
		/* else v4.4/v4.5 set EXT4_INODE_EOFBLOCKS past i_size: not
		 * modelled */
		ret2 = ext4_mark_inode_dirty(handle, inode);
		if (!ret2)
			ret2 = ext4_journal_stop(handle);
		else
			ext4_journal_stop(handle);
		if (ret2)
			break;
	}
	if (ret == -ENOSPC && ext4_should_retry_alloc(inode->i_sb, &retries)) {
		ret = 0;
		goto retry;
	}

	if (kver == EXT4_KVER_4_4)
		ext4_inode_resume_unlocked_dio(inode);
	return ret > 0 ? ret2 : ret;
}

/* ---- ext4_zero_range ---------------------------------------------------------------- */

static long ext4_zero_range(struct file *file, loff_t offset, loff_t len,
			    int mode)
{
	struct inode *inode = file_inode(file);
	struct address_space *mapping = inode->i_mapping;
	enum ext4_kver kver = ext4_sim_kver(inode);
	unsigned blkbits = inode->i_sb->s_blocksize_bits;
	loff_t bs = (loff_t)1 << blkbits;
	handle_t *handle;
	unsigned max_blocks;
	loff_t new_size = 0;
	int ret = 0;
	int flags, credits;
	int partial_begin, partial_end;
	loff_t start, end;
	ext4_lblk_t lblk;
	uint64_t op = 0;

	/* data=journal: flush everything first */
	if (ext4_should_journal_data(inode)) {
		ret = ext4_force_commit(inode->i_sb);
		if (ret)
			return ret;
	}

	/* v4.4.1: write the dirty range out before i_mutex (pages can be
	 * redirtied afterwards) */
	if (ext4_sim_lock_has(inode, EXT4_LOCK_UNLOCKED_WRITEBACK) &&
	    mapping->nrpages && mapping_tagged(mapping, PAGECACHE_TAG_DIRTY)) {
		ret = filemap_write_and_wait_range(mapping, offset,
						   offset + len - 1);
		if (ret)
			return ret;
	}

	/* Whole blocks inside the range become unwritten; the unaligned
	 * edges are preallocated and zeroed by hand. */
	start = round_up(offset, bs);
	end = round_down(offset + len, bs);
	if (start < offset || end > offset + len)
		return -EINVAL;
	partial_begin = (int)(offset & (bs - 1));
	partial_end = (int)((offset + len) & (bs - 1));

	lblk = (ext4_lblk_t)(start >> blkbits);
	max_blocks = (unsigned)(end >> blkbits);
	if (max_blocks < lblk)
		max_blocks = 0;
	else
		max_blocks -= lblk;

	mutex_lock(&inode->i_mutex);

	ret = ext4_sim_falloc_new_size(inode, mode, offset, len, &new_size);
	if (ret)
		goto out_mutex;

	flags = EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT;
	if ((mode & FALLOC_FL_KEEP_SIZE) && kver != EXT4_KVER_5_15)
		flags |= EXT4_GET_BLOCKS_KEEP_SIZE;
	op = fs_oracle_remove_begin(inode, FS_ORACLE_ZERO, offset, len);

	/* v4.5+: wait for DIO once, up front */
	if (kver != EXT4_KVER_4_4) {
		if (kver == EXT4_KVER_4_5)
			ext4_inode_block_unlocked_dio(inode);
		inode_dio_wait(inode);
	}

	/* preallocate the range including the unaligned edges */
	if (partial_begin || partial_end) {
		ret = ext4_alloc_file_blocks(file,
			(ext4_lblk_t)(round_down(offset, bs) >> blkbits),
			(ext4_lblk_t)((round_up(offset + len, bs) -
				       round_down(offset, bs)) >> blkbits),
			new_size, flags);
		if (ret)
			goto out_dio;
	}

	/* zero the range excluding the unaligned edges */
	if (max_blocks > 0) {
		flags |= EXT4_GET_BLOCKS_CONVERT_UNWRITTEN | EXT4_EX_NOCACHE;

		if (kver == EXT4_KVER_4_4) {
			/* design A takes i_data_sem (w) here */
			ext4_sim_remove_lock(inode, start, end - 1);
			ext4_sim_step("truncate_pagecache_range", start);
			truncate_pagecache_range(inode, start, end - 1);
			inode->i_mtime = inode->i_ctime =
				ext4_current_time(inode);
			/* wait for DIO in flight; newcomers block on i_mutex */
			ext4_inode_block_unlocked_dio(inode);
			inode_dio_wait(inode);
		} else {
			/* keep faults from reinstantiating the released pages */
			ext4_sim_remove_lock(inode, start, end - 1);
			if (kver == EXT4_KVER_5_15) {
				ret = ext4_break_layouts(inode);
				if (ret) {
					ext4_sim_remove_unlock(inode, start,
							       end - 1);
					goto out_dio;
				}
			}
			ret = ext4_update_disksize_before_punch(inode, offset,
								len);
			if (ret) {
				ext4_sim_remove_unlock(inode, start, end - 1);
				goto out_dio;
			}
			ext4_sim_step("truncate_pagecache_range", start);
			truncate_pagecache_range(inode, start, end - 1);
			inode->i_mtime = inode->i_ctime =
				ext4_current_time(inode);
		}
		ext4_sim_step("convert_to_unwritten", lblk);
		ret = ext4_alloc_file_blocks(file, lblk, max_blocks, new_size,
					     flags);
		ext4_sim_remove_unlock(inode, start, end - 1);
		if (ret)
			goto out_dio;
	}
	if (!partial_begin && !partial_end)
		goto out_dio;

	/* worst case: write out two non-adjacent unwritten blocks and update
	 * the inode */
	credits = 2 * ext4_ext_index_trans_blocks(inode, 2) + 1;
	if (ext4_should_journal_data(inode))
		credits += 2;
	handle = ext4_journal_start(inode, EXT4_HT_MISC, credits);
	if (IS_ERR(handle)) {
		ret = (int)PTR_ERR(handle);
		goto out_dio;
	}

	inode->i_mtime = inode->i_ctime = ext4_current_time(inode);
	if (new_size)
		ext4_update_inode_size(inode, new_size);
	/* else v4.4/v4.5 EOFBLOCKS past EOF: not modelled */
	ret = ext4_mark_inode_dirty(handle, inode);
	if (ret && kver == EXT4_KVER_5_15)
		goto out_handle;

	/* zero the partial blocks at the edges */
	ret = ext4_zero_partial_blocks(handle, inode, offset, len);
	/* O_SYNC: not modelled */
out_handle:
	ext4_journal_stop(handle);
out_dio:
	if (kver != EXT4_KVER_5_15)
		ext4_inode_resume_unlocked_dio(inode);
out_mutex:
	if (op)
		fs_oracle_remove_end(inode, op, ret);
	mutex_unlock(&inode->i_mutex);
	return ret;
}

/* ---- collapse and insert range --------------------------------------------------- */

/* The checks and flushes collapse and insert range share, in the kernel's
 * order (the same in both, every version): block alignment, the
 * data=journal commit, and v4.4.1's writeback from the page holding offset
 * to EOF before i_mutex.  *ioffset: offset rounded down to a page (page
 * size > block size).  The kernel computes the range's block numbers
 * between the alignment check and the commit; that arithmetic has no side
 * effect, so the callers do it after this returns. */
static int ext4_sim_shift_begin(struct inode *inode, loff_t offset,
				loff_t len, loff_t *ioffset)
{
	struct super_block *sb = inode->i_sb;
	int ret;

	/* only on cluster- (here: block-) aligned ranges */
	if ((offset & (sb->s_blocksize - 1)) || (len & (sb->s_blocksize - 1)))
		return -EINVAL;

	if (ext4_should_journal_data(inode)) {
		ret = ext4_force_commit(sb);
		if (ret)
			return ret;
	}

	*ioffset = round_down(offset, (loff_t)PAGE_SIZE);
	/* v4.4.1: write out all dirty pages from there, before i_mutex */
	if (ext4_sim_lock_has(inode, EXT4_LOCK_UNLOCKED_WRITEBACK))
		return filemap_write_and_wait_range(inode->i_mapping,
						    *ioffset, LLONG_MAX);
	return 0;
}

/* The page-cache part of collapse/insert once the exclusive side is held:
 * v4.5+ write back what the truncation below would otherwise discard
 * (32ebffd3bbb4; v4.4.1 did it before i_mutex), then drop the page cache
 * from the page holding offset to EOF.  wb_end: the end of the first
 * writeback range (collapse: offset, insert: EOF). */
static int ext4_sim_shift_prepare(struct inode *inode, loff_t ioffset,
				  loff_t wb_end, loff_t tail)
{
	int ret;

	if (!ext4_sim_lock_has(inode, EXT4_LOCK_UNLOCKED_WRITEBACK)) {
		ret = filemap_write_and_wait_range(inode->i_mapping, ioffset,
						   wb_end);
		if (ret)
			return ret;
		if (tail >= 0) {
			ret = filemap_write_and_wait_range(inode->i_mapping,
							   tail, LLONG_MAX);
			if (ret)
				return ret;
		}
	}
	ext4_sim_step("truncate_pagecache", ioffset);
	truncate_pagecache(inode, ioffset);
	return 0;
}

/* Everything between the checks under i_mutex and the tree work: the
 * version's DIO wait and exclusive side, the page-cache preparation, then
 * the handle (the same type and credits for collapse and insert).  Returns
 * the handle or ERR_PTR(-errno); either way the caller releases with
 * ext4_sim_shift_unlock.  (Lock notes and lockdep name the remove side as
 * taken here, under this name.) */
static handle_t *ext4_sim_shift_lock(struct inode *inode, loff_t offset,
				     loff_t ioffset, loff_t wb_end,
				     loff_t tail)
{
	enum ext4_kver kver = ext4_sim_kver(inode);
	int credits, ret = 0;

	if (kver == EXT4_KVER_4_4) {
		/* design A takes i_data_sem (w) here */
		ext4_sim_remove_lock(inode, offset, LLONG_MAX);
		ret = ext4_sim_shift_prepare(inode, ioffset, wb_end, tail);
		/* wait for existing DIO to complete */
		ext4_inode_block_unlocked_dio(inode);
		inode_dio_wait(inode);
	} else {
		if (kver == EXT4_KVER_4_5)
			ext4_inode_block_unlocked_dio(inode);
		inode_dio_wait(inode);
		/* keep faults from reinstantiating the released pages */
		ext4_sim_remove_lock(inode, offset, LLONG_MAX);
		if (kver == EXT4_KVER_5_15)
			ret = ext4_break_layouts(inode);
		if (!ret)
			ret = ext4_sim_shift_prepare(inode, ioffset, wb_end,
						     tail);
	}
	if (ret)
		return ERR_PTR(ret);

	credits = ext4_writepage_trans_blocks(inode);
	return ext4_journal_start(inode, EXT4_HT_TRUNCATE, credits);
}

static void ext4_sim_shift_unlock(struct inode *inode, loff_t offset)
{
	ext4_sim_remove_unlock(inode, offset, LLONG_MAX);
	if (ext4_sim_kver(inode) != EXT4_KVER_5_15)
		ext4_inode_resume_unlocked_dio(inode);
}

int ext4_collapse_range(struct inode *inode, loff_t offset, loff_t len)
{
	struct super_block *sb = inode->i_sb;
	struct ext4_inode_info *ei = EXT4_I(inode);
	ext4_lblk_t punch_start, punch_stop;
	handle_t *handle;
	loff_t new_size, ioffset;
	uint64_t op;
	bool held;
	int ret;

	ret = ext4_sim_shift_begin(inode, offset, len, &ioffset);
	if (ret)
		return ret;
	punch_start = (ext4_lblk_t)(offset >> sb->s_blocksize_bits);
	punch_stop = (ext4_lblk_t)((offset + len) >> sb->s_blocksize_bits);

	mutex_lock(&inode->i_mutex);
	/* overlapping EOF would be a truncate */
	if (offset + len >= i_size_read(inode)) {
		ret = -EINVAL;
		goto out_mutex;
	}
	op = fs_oracle_remove_begin(inode, FS_ORACLE_COLLAPSE, offset, len);

	/* v4.5+: write the tail of the page before the range, and the data
	 * that will shift, then drop the page cache from ioffset */
	handle = ext4_sim_shift_lock(inode, offset, ioffset, offset,
				      offset + len);
	if (IS_ERR(handle)) {
		ret = (int)PTR_ERR(handle);
		goto out_mmap;
	}

	held = ext4_sim_data_sem_held_across(inode);
	if (!held)
		down_write(&ei->i_data_sem);
	/* ext4_discard_preallocations: none in the model */
	ret = ext4_es_remove_extent(inode, punch_start,
				    EXT_MAX_BLOCKS - punch_start);
	if (ret)
		goto out_unlock;
	ret = ext4_ext_remove_space(inode, punch_start, punch_stop - 1);
	if (ret)
		goto out_unlock;
	/* may restart the handle, dropping i_data_sem (not under design A) */
	ext4_sim_step("ext4_ext_shift_extents", punch_stop);
	ret = ext4_ext_shift_extents(inode, handle, punch_stop,
				     punch_stop - punch_start, SHIFT_LEFT);
	if (ret)
		goto out_unlock;

	new_size = i_size_read(inode) - len;
	i_size_write(inode, new_size);
	ei->i_disksize = new_size;
	if (!held)
		up_write(&ei->i_data_sem);
	/* IS_SYNC: never */
	inode->i_mtime = inode->i_ctime = ext4_current_time(inode);
	ret = ext4_mark_inode_dirty(handle, inode);
	goto out_stop;

out_unlock:
	if (!held)
		up_write(&ei->i_data_sem);
out_stop:
	ext4_journal_stop(handle);
out_mmap:
	ext4_sim_shift_unlock(inode, offset);
	fs_oracle_remove_end(inode, op, ret);
out_mutex:
	mutex_unlock(&inode->i_mutex);
	return ret;
}

int ext4_insert_range(struct inode *inode, loff_t offset, loff_t len)
{
	struct super_block *sb = inode->i_sb;
	struct ext4_inode_info *ei = EXT4_I(inode);
	struct ext4_ext_path *path;
	struct ext4_extent *extent;
	ext4_lblk_t offset_lblk, len_lblk, ee_start_lblk = 0;
	unsigned int ee_len;
	handle_t *handle;
	loff_t ioffset;
	uint64_t op;
	bool held;
	int ret = 0, depth, split_flag = 0;

	ret = ext4_sim_shift_begin(inode, offset, len, &ioffset);
	if (ret)
		return ret;
	offset_lblk = (ext4_lblk_t)(offset >> sb->s_blocksize_bits);
	len_lblk = (ext4_lblk_t)(len >> sb->s_blocksize_bits);

	mutex_lock(&inode->i_mutex);
	/* the maximum file size must not be exceeded */
	if (len > ext4_sim_maxbytes(sb) - i_size_read(inode)) {
		ret = -EFBIG;
		goto out_mutex;
	}
	/* offset must be inside the file */
	if (offset >= i_size_read(inode)) {
		ret = -EINVAL;
		goto out_mutex;
	}
	op = fs_oracle_remove_begin(inode, FS_ORACLE_INSERT, offset, len);

	/* v4.5+: write out all dirty pages from ioffset under the lock */
	handle = ext4_sim_shift_lock(inode, offset, ioffset, LLONG_MAX, -1);
	if (IS_ERR(handle)) {
		ret = (int)PTR_ERR(handle);
		goto out_mmap;
	}

	/* expand the file first, so an error while shifting loses no data */
	i_size_write(inode, i_size_read(inode) + len);
	ei->i_disksize += len;
	inode->i_mtime = inode->i_ctime = ext4_current_time(inode);
	ret = ext4_mark_inode_dirty(handle, inode);
	if (ret)
		goto out_stop;

	held = ext4_sim_data_sem_held_across(inode);
	if (!held)
		down_write(&ei->i_data_sem);
	/* ext4_discard_preallocations: none in the model */

	path = ext4_find_extent(inode, offset_lblk, NULL, 0);
	if (IS_ERR(path)) {
		ret = (int)PTR_ERR(path);
		goto out_unlock;
	}
	depth = ext_depth(inode);
	extent = path[depth].p_ext;
	if (extent) {
		ee_start_lblk = le32_to_cpu(extent->ee_block);
		ee_len = (unsigned int)ext4_ext_get_actual_len(extent);
		/* split the extent at offset_lblk unless it starts there */
		if (offset_lblk > ee_start_lblk &&
		    offset_lblk < ee_start_lblk + ee_len) {
			if (ext4_ext_is_unwritten(extent))
				split_flag = EXT4_EXT_MARK_UNWRIT1 |
					     EXT4_EXT_MARK_UNWRIT2;
			ret = ext4_split_extent_at(handle, inode, &path,
					offset_lblk, split_flag,
					EXT4_EX_NOCACHE |
					EXT4_GET_BLOCKS_PRE_IO |
					EXT4_GET_BLOCKS_METADATA_NOFAIL);
		}
	}
	ext4_ext_path_free(path);
	if (ret < 0)
		goto out_unlock;

	ret = ext4_es_remove_extent(inode, offset_lblk,
				    EXT_MAX_BLOCKS - offset_lblk);
	if (ret)
		goto out_unlock;

	/* offset in a hole before the first extent: shift from that extent */
	ext4_sim_step("ext4_ext_shift_extents", offset_lblk);
	ret = ext4_ext_shift_extents(inode, handle,
		ee_start_lblk > offset_lblk ? ee_start_lblk : offset_lblk,
		len_lblk, SHIFT_RIGHT);
out_unlock:
	if (!held)
		up_write(&ei->i_data_sem);
	/* IS_SYNC: never */
out_stop:
	ext4_journal_stop(handle);
out_mmap:
	ext4_sim_shift_unlock(inode, offset);
	fs_oracle_remove_end(inode, op, ret);
out_mutex:
	mutex_unlock(&inode->i_mutex);
	return ret;
}

/* ---- ext4_fallocate and vfs_fallocate ---------------------------------------------- */

long ext4_fallocate(struct file *file, int mode, loff_t offset, loff_t len)
{
	struct inode *inode = file_inode(file);
	enum ext4_kver kver = ext4_sim_kver(inode);
	unsigned blkbits = inode->i_sb->s_blocksize_bits;
	loff_t new_size = 0;
	unsigned int max_blocks;
	ext4_lblk_t lblk;
	uint64_t op;
	int ret = 0;
	int flags;

	if (mode & ~FALLOC_FL_SUPPORTED_MASK)
		return -EOPNOTSUPP;

	if (mode & FALLOC_FL_PUNCH_HOLE)
		return ext4_punch_hole(inode, offset, len);

	/* ext4_convert_inline_data: no inline data */

	if (mode & FALLOC_FL_COLLAPSE_RANGE)
		return ext4_collapse_range(inode, offset, len);
	if (mode & FALLOC_FL_INSERT_RANGE)
		return ext4_insert_range(inode, offset, len);
	if (mode & FALLOC_FL_ZERO_RANGE)
		return ext4_zero_range(file, offset, len, mode);

	lblk = (ext4_lblk_t)(offset >> blkbits);
	/* not len >> blkbits: offset 3072, len 2048 spans two 4K blocks */
	max_blocks = (unsigned)((round_up(offset + len, (loff_t)1 << blkbits)
				 >> blkbits) - lblk);
	flags = EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT;
	if ((mode & FALLOC_FL_KEEP_SIZE) && kver != EXT4_KVER_5_15)
		flags |= EXT4_GET_BLOCKS_KEEP_SIZE;

	mutex_lock(&inode->i_mutex);

	ret = ext4_sim_falloc_new_size(inode, mode, offset, len, &new_size);
	if (ret)
		goto out;
	op = fs_oracle_remove_begin(inode, FS_ORACLE_FALLOCATE, offset, len);

	/* v4.5+: wait for DIO here (v4.4.1: in ext4_alloc_file_blocks) */
	if (kver == EXT4_KVER_4_5)
		ext4_inode_block_unlocked_dio(inode);
	if (kver != EXT4_KVER_4_4)
		inode_dio_wait(inode);
	ret = ext4_alloc_file_blocks(file, lblk, max_blocks, new_size, flags);
	if (kver == EXT4_KVER_4_5)
		ext4_inode_resume_unlocked_dio(inode);
	/* O_SYNC: jbd2_complete_transaction — not modelled */
	fs_oracle_remove_end(inode, op, ret);
out:
	mutex_unlock(&inode->i_mutex);
	return ret;
}

long vfs_fallocate(struct file *file, int mode, loff_t offset, loff_t len)
{
	struct inode *inode = file_inode(file);
	const struct fs_costs *costs = inode->i_sb->s_costs;
	long ret;

	if (costs)
		sim_task_delay(current, costs->syscall_entry);
	if (offset < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~FALLOC_FL_SUPPORTED_MASK)
		return -EOPNOTSUPP;
	/* punch hole and zero range are mutually exclusive */
	if ((mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) ==
	    (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	/* punch hole must keep the size */
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	/* collapse and insert range only on their own */
	if ((mode & FALLOC_FL_COLLAPSE_RANGE) &&
	    (mode & ~FALLOC_FL_COLLAPSE_RANGE))
		return -EINVAL;
	if ((mode & FALLOC_FL_INSERT_RANGE) &&
	    (mode & ~FALLOC_FL_INSERT_RANGE))
		return -EINVAL;
	/* (write permission, append-only, immutable, swapfile, FIFO: every
	 * model file is a writable regular file) */
	if (offset + len > ext4_sim_maxbytes(inode->i_sb) || offset + len < 0)
		return -EFBIG;

	sb_start_write(inode->i_sb);   /* no freezing in the model: no-op */
	ret = ext4_fallocate(file, mode, offset, len);
	sb_end_write(inode->i_sb);
	return ret;
}
