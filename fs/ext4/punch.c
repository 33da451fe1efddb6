/* fs/ext4/punch.c — hole punching and partial-block zeroing: the kernel's
 * ext4_punch_hole, ext4_update_disksize_before_punch, ext4_break_layouts,
 * ext4_zero_partial_blocks, ext4_block_zero_page_range and
 * __ext4_block_zero_page_range (fs/ext4/inode.c), in the step order of the
 * version the active strategy stands for (FIDELITY 2.8):
 *
 *   v4.4.1  writeback of the dirty range (unlocked) -> i_mutex -> clamp ->
 *           [remove_lock] -> truncate_pagecache_range -> DIOREAD_LOCK +
 *           inode_dio_wait -> handle -> zero edges -> i_data_sem (w), es
 *           remove, remove_space (restarts drop i_data_sem) -> second
 *           truncate_pagecache_range (EXT4_LOCK_PUNCH_SECOND_TRUNCATE) ->
 *           mtime, dirty, stop -> [remove_unlock] -> resume dio -> i_mutex
 *   v4.5    writeback (unlocked) -> i_mutex -> clamp -> DIOREAD_LOCK +
 *           inode_dio_wait -> i_mmap_sem (w) -> disksize update +
 *           truncate_pagecache_range -> handle -> zero edges -> removal ->
 *           mtime, dirty, stop -> up i_mmap_sem -> resume dio -> i_mutex
 *   v5.15   writeback (unlocked) -> inode_lock -> clamp -> inode_dio_wait ->
 *           invalidate_lock (w) -> ext4_break_layouts -> disksize update +
 *           truncate -> handle -> zero edges -> removal -> mtime, dirty,
 *           stop -> invalidate_unlock -> inode_unlock
 *
 * Lock order (v4.5 fs/ext4/super.c): i_mutex > DIOREAD_LOCK > i_mmap_sem /
 * invalidate_lock > transaction start > page lock > i_data_sem; design A
 * (i_data_sem_held) deliberately inverts it (fs/ext4/lock-i_data_sem_held.c).
 *
 * Simplified (and why): see fs/ext4/truncate.h for what all these paths
 * drop.  Here also: the partial-edge lookup calls ext4_map_blocks directly
 * (the kernel goes through ext4_get_block, create=0, which is the same
 * lookup) so that it can pass EXT4_GET_BLOCKS_NO_LOCK when the running
 * task already holds i_data_sem (design A; the kernel never gets there);
 * an unwritten block read for partial zeroing fills the buffer with zeros
 * (what any reader of the unwritten extent sees); BH_Freed (jbd2
 * data=journal bookkeeping) is not modelled.
 */
#include "config.h"

#include "fs/ext4/truncate.h"
#include "fs/ext4/ext4_extents.h"
#include "fs/ext4/ext4_jbd2.h"
#include "fs/costs.h"
#include "fs/oracle/oracle.h"
#include "fs/block/disk.h"
#include "fs/buffer_write.h"

/* ---- ext4_break_layouts (v5.15) ---------------------------------------------
 * The kernel waits, dropping and retaking invalidate_lock, until no DAX page
 * of the file is pinned by get_user_pages (DIO or RDMA into a DAX mapping),
 * after dax_layout_busy_page has zapped every PTE of the file so that new
 * pins must fault (and so wait for invalidate_lock).  The model has no GUP
 * pins — nothing in a workload pins pages — so the wait returns at once;
 * the zap is kept, because it is visible: every DAX PTE of a mapped DAX file
 * goes, not only those of the range.  Non-DAX files: nothing (the kernel's
 * dax_mapping() check).
 */
static bool ext4_sim_dax_page_pinned(struct address_space *mapping)
{
	(void)mapping;
	return false;   /* no GUP pins in the model (see above) */
}

int ext4_break_layouts(struct inode *inode)
{
	struct address_space *mapping = inode->i_mapping;

	SIM_BUG_ON(!sim_rwsem_is_locked(&mapping->invalidate_lock));
	if (!(EXT4_SB(inode->i_sb)->s_mount_opt & EXT4_MOUNT_DAX) ||
	    sim_list_empty(&mapping->i_mmap))
		return 0;
	/* dax_layout_busy_page: unmap_mapping_pages(mapping, 0, all, 0) */
	unmap_mapping_range(mapping, 0, 0, false);
	while (ext4_sim_dax_page_pinned(mapping))
		SIM_BUG_ON(1);   /* ___wait_var_event would go here */
	return 0;
}

/* ---- ext4_update_disksize_before_punch (v4.5, v5.15) ------------------------- */

int ext4_update_disksize_before_punch(struct inode *inode, loff_t offset,
				      loff_t len)
{
	handle_t *handle;
	loff_t size = i_size_read(inode);
	int ret;

	SIM_BUG_ON(!sim_mutex_is_locked(&inode->i_mutex));
	if (offset > size || offset + len < size)
		return 0;
	if (EXT4_I(inode)->i_disksize >= size)
		return 0;

	handle = ext4_journal_start(inode, EXT4_HT_MISC, 1);
	if (IS_ERR(handle))
		return (int)PTR_ERR(handle);
	ext4_update_i_disksize(inode, size);
	ret = ext4_mark_inode_dirty(handle, inode);
	ext4_journal_stop(handle);
	return ret;
}

/* ---- partial-block zeroing ---------------------------------------------------- */

/* _ext4_get_block(inode, iblock, bh, 0): map bh to the block at iblock if
 * the file has one (map_bh + ext4_update_bh_state). */
static int ext4_sim_get_block_lookup(struct inode *inode, ext4_lblk_t iblock,
				     struct buffer_head *bh)
{
	struct ext4_map_blocks map = { .m_lblk = iblock, .m_len = 1 };
	int flags = 0;
	int ret;

	/* Design A: the running punch holds i_data_sem (w) already. */
	if (sim_rwsem_held_by(&EXT4_I(inode)->i_data_sem, current))
		flags |= EXT4_GET_BLOCKS_NO_LOCK;
	ret = ext4_map_blocks(NULL, inode, &map, flags);
	if (ret <= 0)
		return ret;
	map_bh(bh, inode->i_sb, map.m_pblk);
	bh->b_state = (bh->b_state & ~(unsigned long)EXT4_MAP_FLAGS) |
		      map.m_flags;
	/* An unwritten extent comes back without EXT4_MAP_MAPPED: the buffer
	 * stays unmapped (BH_Unwritten only, the caller skips it as a hole),
	 * so no mapping of the block exists for the oracle's index. */
	if (buffer_mapped(bh))
		fs_oracle_bh_map(inode, iblock, map.m_pblk);
	return ret;
}

/* ll_rw_block(READ) + wait_on_buffer.  An unwritten block reads as zeros
 * (see the file comment). */
static int ext4_sim_read_page_buffer(struct inode *inode,
				     struct buffer_head *bh)
{
	int err = buffer_sim_read(inode, bh);

	if (!err && buffer_unwritten(bh))
		sim_contents_zero(&bh->b_page->contents, bh_offset(bh),
				  bh->b_size);
	return err;
}

static int __ext4_block_zero_page_range(handle_t *handle,
					struct address_space *mapping,
					loff_t from, loff_t length)
{
	pgoff_t index = (pgoff_t)from >> PAGE_SHIFT;
	unsigned offset = (unsigned)(from & (PAGE_SIZE - 1));
	struct inode *inode = mapping->host;
	unsigned blocksize = inode->i_sb->s_blocksize;
	unsigned pos;
	ext4_lblk_t iblock;
	struct buffer_head *bh;
	struct page *page;
	int err = 0;

	page = find_or_create_page(mapping, index);
	if (!page)
		return -ENOMEM;

	iblock = (ext4_lblk_t)(index << (PAGE_SHIFT -
					 inode->i_sb->s_blocksize_bits));
	if (!page_has_buffers(page))
		create_empty_buffers(page, blocksize, 0);

	/* the buffer that contains "offset" */
	bh = page_buffers(page);
	pos = blocksize;
	while (offset >= pos) {
		bh = bh->b_this_page;
		iblock++;
		pos += blocksize;
	}
	if (!buffer_mapped(bh)) {
		ext4_sim_get_block_lookup(inode, iblock, bh);
		/* unmapped? It's a hole - nothing to do */
		if (!buffer_mapped(bh))
			goto unlock;
	}

	/* Ok, it's mapped.  Make sure it's up-to-date [IO] */
	if (PageUptodate(page))
		set_buffer_uptodate(bh);
	if (!buffer_uptodate(bh)) {
		err = ext4_sim_read_page_buffer(inode, bh);
		if (err)
			goto unlock;
	}
	if (ext4_should_journal_data(inode)) {
		err = ext4_journal_get_write_access(handle, bh);
		if (err)
			goto unlock;
	}
	zero_user(page, offset, (unsigned)length);

	if (ext4_should_journal_data(inode)) {
		err = ext4_handle_dirty_metadata(handle, inode, bh);
	} else {
		err = 0;
		buffer_sim_mark_dirty(bh);   /* mark_buffer_dirty */
		/* EXT4_STATE_ORDERED_MODE: the commit writes this page first */
		if (ext4_should_order_data(inode))
			err = ext4_jbd2_file_inode(handle, inode);
	}
unlock:
	unlock_page(page);
	put_page(page);
	return err;
}

/* dax_zero_page_range (v4.4.1 fs/dax.c) with ext4_get_block: if the block
 * is mapped and written, zero the bytes in place on the persistent memory
 * (a CPU store: page_zero pro rata, no bio). */
static int ext4_sim_dax_zero_page_range(struct inode *inode, loff_t from,
					loff_t length)
{
	struct ext4_sb_info *sbi = EXT4_SB(inode->i_sb);
	unsigned bs = inode->i_sb->s_blocksize;
	ext4_lblk_t iblock = (ext4_lblk_t)(from >> inode->i_sb->s_blocksize_bits);
	struct ext4_map_blocks map = { .m_lblk = iblock, .m_len = 1 };
	struct ext4_sim_owner was;
	bool foreign;
	int ret;

	ret = ext4_map_blocks(NULL, inode, &map,
			      sim_rwsem_held_by(&EXT4_I(inode)->i_data_sem,
						current) ?
			      EXT4_GET_BLOCKS_NO_LOCK : 0);
	if (ret <= 0 || (map.m_flags & EXT4_MAP_UNWRITTEN))
		return ret < 0 ? ret : 0;
	if (inode->i_sb->s_costs)
		sim_task_delay(current, inode->i_sb->s_costs->page_zero *
					(sim_time_t)length / PAGE_SIZE);
	foreign = ext4_sim_disk_write_zero(sbi->s_disk, map.m_pblk,
					   (uint32_t)(from % bs),
					   (uint32_t)length,
					   (uint32_t)inode->i_ino, iblock, &was);
	fs_oracle_disk_write(inode->i_sb, inode, iblock, map.m_pblk, foreign,
			     &was, "dax");
	return 0;
}

int ext4_block_zero_page_range(handle_t *handle,
			       struct address_space *mapping, loff_t from,
			       loff_t length)
{
	struct inode *inode = mapping->host;
	unsigned offset = (unsigned)(from & (PAGE_SIZE - 1));
	unsigned blocksize = inode->i_sb->s_blocksize;
	unsigned max = blocksize - (offset & (blocksize - 1));

	/* correct length if it does not fall between 'from' and the end of
	 * the block */
	if (length > max || length < 0)
		length = max;
	if (EXT4_SB(inode->i_sb)->s_mount_opt & EXT4_MOUNT_DAX)
		return ext4_sim_dax_zero_page_range(inode, from, length);
	return __ext4_block_zero_page_range(handle, mapping, from, length);
}

int ext4_zero_partial_blocks(handle_t *handle, struct inode *inode,
			     loff_t lstart, loff_t length)
{
	struct super_block *sb = inode->i_sb;
	struct address_space *mapping = inode->i_mapping;
	unsigned partial_start, partial_end;
	ext4_fsblk_t start, end;
	loff_t byte_end = lstart + length - 1;
	int err = 0;

	partial_start = (unsigned)(lstart & (sb->s_blocksize - 1));
	partial_end = (unsigned)(byte_end & (sb->s_blocksize - 1));
	start = (ext4_fsblk_t)lstart >> sb->s_blocksize_bits;
	end = (ext4_fsblk_t)byte_end >> sb->s_blocksize_bits;

	/* partial zero within a single block */
	if (start == end &&
	    (partial_start || partial_end != sb->s_blocksize - 1))
		return ext4_block_zero_page_range(handle, mapping, lstart,
						  length);
	/* partial block at the start of the range */
	if (partial_start) {
		err = ext4_block_zero_page_range(handle, mapping, lstart,
						 sb->s_blocksize);
		if (err)
			return err;
	}
	/* partial block at the end of the range */
	if (partial_end != sb->s_blocksize - 1)
		err = ext4_block_zero_page_range(handle, mapping,
						 byte_end - partial_end,
						 partial_end + 1);
	return err;
}

/* ---- ext4_punch_hole ------------------------------------------------------------ */

int ext4_punch_hole(struct inode *inode, loff_t offset, loff_t length)
{
	struct super_block *sb = inode->i_sb;
	struct ext4_inode_info *ei = EXT4_I(inode);
	struct address_space *mapping = inode->i_mapping;
	enum ext4_kver kver = ext4_sim_kver(inode);
	ext4_lblk_t first_block, stop_block;
	loff_t first_block_offset, last_block_offset;
	handle_t *handle;
	int credits;
	uint64_t op = 0;
	bool held;
	int ret = 0, ret2;

	/* v5.15 converts inline data first (under invalidate_lock): no
	 * inline data in the model.  Every version writes the dirty range
	 * back before taking i_mutex; pages can be redirtied afterwards. */
	if (mapping->nrpages && mapping_tagged(mapping, PAGECACHE_TAG_DIRTY)) {
		ret = filemap_write_and_wait_range(mapping, offset,
						   offset + length - 1);
		if (ret)
			return ret;
	}

	mutex_lock(&inode->i_mutex);

	/* No need to punch hole beyond i_size */
	if (offset >= inode->i_size)
		goto out_mutex;

	/* A hole reaching past i_size ends after the page holding EOF. */
	if (offset + length > inode->i_size)
		length = inode->i_size + PAGE_SIZE -
			 (inode->i_size & (PAGE_SIZE - 1)) - offset;

	if ((offset & (sb->s_blocksize - 1)) ||
	    ((offset + length) & (sb->s_blocksize - 1))) {
		/* partial blocks will be zeroed: attach the jbd2 inode */
		ret = ext4_inode_attach_jinode(inode);
		if (ret < 0)
			goto out_mutex;
	}
	op = fs_oracle_remove_begin(inode, FS_ORACLE_PUNCH, offset, length);

	first_block_offset = round_up(offset, (loff_t)sb->s_blocksize);
	last_block_offset = round_down(offset + length,
				       (loff_t)sb->s_blocksize) - 1;

	if (kver == EXT4_KVER_4_4) {
		/* design A takes i_data_sem (w) here; lockless nothing */
		ext4_sim_remove_lock(inode, offset, offset + length - 1);
		/* release the pages, zero the block-aligned part of pages */
		if (last_block_offset > first_block_offset) {
			ext4_sim_step("truncate_pagecache_range",
				      first_block_offset >> PAGE_SHIFT);
			truncate_pagecache_range(inode, first_block_offset,
						 last_block_offset);
		}
		/* wait for DIO in flight; newcomers block on i_mutex */
		ext4_inode_block_unlocked_dio(inode);
		inode_dio_wait(inode);
	} else {
		if (kver == EXT4_KVER_4_5)
			ext4_inode_block_unlocked_dio(inode);
		inode_dio_wait(inode);
		/* keep faults from reinstantiating the released pages */
		ext4_sim_remove_lock(inode, offset, offset + length - 1);
		if (kver == EXT4_KVER_5_15) {
			ret = ext4_break_layouts(inode);
			if (ret)
				goto out_dio;
		}
		if (last_block_offset > first_block_offset) {
			ret = ext4_update_disksize_before_punch(inode, offset,
								length);
			if (ret)
				goto out_dio;
			ext4_sim_step("truncate_pagecache_range",
				      first_block_offset >> PAGE_SHIFT);
			truncate_pagecache_range(inode, first_block_offset,
						 last_block_offset);
		}
	}

	credits = ext4_writepage_trans_blocks(inode);
	handle = ext4_journal_start(inode, EXT4_HT_TRUNCATE, credits);
	if (IS_ERR(handle)) {
		ret = (int)PTR_ERR(handle);
		goto out_dio;
	}

	ret = ext4_zero_partial_blocks(handle, inode, offset, length);
	if (ret)
		goto out_stop;

	first_block = (ext4_lblk_t)((offset + sb->s_blocksize - 1) >>
				    sb->s_blocksize_bits);
	stop_block = (ext4_lblk_t)((offset + length) >> sb->s_blocksize_bits);

	/* v4.4.1/v4.5: no blocks to remove -> done (no mtime update) */
	if (first_block >= stop_block && kver != EXT4_KVER_5_15)
		goto out_stop;

	if (stop_block > first_block) {
		held = ext4_sim_data_sem_held_across(inode);
		if (!held)
			down_write(&ei->i_data_sem);
		/* ext4_discard_preallocations: none in the model */
		ret = ext4_es_remove_extent(inode, first_block,
					    stop_block - first_block);
		if (ret) {
			if (!held)
				up_write(&ei->i_data_sem);
			goto out_stop;
		}
		/* frees the blocks; may extend or restart the handle,
		 * dropping i_data_sem (not under design A) */
		ext4_sim_step("ext4_ext_remove_space", first_block);
		ret = ext4_ext_remove_space(inode, first_block, stop_block - 1);
		if (!held)
			up_write(&ei->i_data_sem);
	}
	/* v5.15 ext4_fc_track_range: no fast commit.  IS_SYNC: never. */

	/* v4.4.1: release the pages again to reduce the race window.  (The
	 * steps' argument is the first page or block of the range.) */
	if (ext4_sim_lock_has(inode, EXT4_LOCK_PUNCH_SECOND_TRUNCATE) &&
	    last_block_offset > first_block_offset) {
		ext4_sim_step("truncate_pagecache_range",
			      first_block_offset >> PAGE_SHIFT);
		truncate_pagecache_range(inode, first_block_offset,
					 last_block_offset);
	}

	inode->i_mtime = inode->i_ctime = ext4_current_time(inode);
	ret2 = ext4_mark_inode_dirty(handle, inode);
	if (ret2 && kver == EXT4_KVER_5_15)
		ret = ret2;
out_stop:
	ext4_journal_stop(handle);
out_dio:
	ext4_sim_remove_unlock(inode, offset, offset + length - 1);
	if (kver != EXT4_KVER_5_15)
		ext4_inode_resume_unlocked_dio(inode);
out_mutex:
	if (op)
		fs_oracle_remove_end(inode, op, ret);
	mutex_unlock(&inode->i_mutex);
	return ret;
}
