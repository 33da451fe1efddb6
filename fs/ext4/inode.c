/* fs/ext4/inode.c — block mapping: ext4_map_blocks, the get_block
 * callbacks (_ext4_get_block, ext4_get_block, ext4_get_block_write,
 * ext4_get_block_write_nolock), delayed allocation at write time
 * (ext4_da_map_blocks, ext4_da_get_block_prep, ext4_da_reserve_space,
 * ext4_da_release_space, ext4_da_page_release_reservation), i_disksize
 * updates (ext4_update_i_disksize, ext4_update_inode_size),
 * ext4_nonda_switch and ext4_issue_zeroout, after fs/ext4/inode.c and
 * ext4.h of v4.4.1 (EXT4_GET_BLOCKS_ZERO: v4.5).  The
 * write paths that use them are in inode_write.c.
 *
 * ext4_map_blocks (FIDELITY 2.0): (1) extent-status cache lookup without
 * i_data_sem; (2) miss: i_data_sem (r) — skipped with
 * EXT4_GET_BLOCKS_NO_LOCK or when the task's fault path already holds it —
 * ext4_ext_map_blocks lookup, es insert, release; (3) no CREATE, or
 * already mapped (and no CONVERT_UNWRITTEN): done; (4) i_data_sem (w),
 * ext4_ext_map_blocks with the caller's flags (allocate / convert), with
 * EXT4_GET_BLOCKS_ZERO (v4.5+ DAX faults) ext4_issue_zeroout of new
 * blocks, es insert, release.  Creating requires the caller's handle.
 *
 * CPU costs ([costs]): es_lookup per cache lookup, extent_lookup_level per
 * tree level read, extent_modify per create/convert and block_alloc when
 * blocks were allocated; charged while the lock is held, so they count as
 * hold time.
 *
 * Simplified: extent-mapped files only (no ext4_ind_map_blocks), no inline
 * data, no quota (dquot reservations), no bigalloc clusters (one block per
 * cluster), no per-inode i_reserved_data_blocks (the delalloc reservation
 * is the fs-wide s_dirtyclusters_counter only; the extent code releases
 * it when the blocks are allocated), no ES_AGGRESSIVE_TEST recheck.
 *
 * Lock order: page lock (callers) > i_data_sem; the es cache needs no lock
 * here (atomic in a single-threaded world).
 */
#include "config.h"

#include "fs/ext4/ext4_map.h"
#include "fs/ext4/writes_internal.h"
#include "fs/costs.h"
#include "fs/task_state.h"
#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"

static const struct fs_costs ext4_sim_no_costs;

const struct fs_costs *ext4_sim_costs(struct super_block *sb)
{
	const struct fs_costs *c = sb->s_costs;

	return c ? c : &ext4_sim_no_costs;
}

void ext4_sim_charge_cpu(sim_time_t d)
{
	struct sim_task *t = sim_current_task();

	if (t && d > 0)
		sim_task_delay(t, d);
}

sim_stamp_t ext4_sim_new_stamp(struct inode *inode, loff_t off, uint32_t len,
			       enum sim_stamp_kind kind, uint64_t seq)
{
	struct ext4_sim_disk *d = EXT4_SB(inode->i_sb)->s_disk;

	return sim_stamp_new(&d->stamps, inode->i_ino, off, len, kind, seq,
			     sim_world_now(inode->i_sb->s_world));
}

/* The running task's fault path holds i_data_sem (r) (strategies with
 * EXT4_LOCK_FAULT_HOLDS_DATA_SEM): lookups must not take it again. */
static bool ext4_sim_fault_holds_data_sem(void)
{
	struct sim_task *t = sim_current_task();
	struct fs_task_state *ts = t ? fs_task_state_of(t) : NULL;

	return ts && ts->i_data_sem_held_by_fault;
}

/* check_block_validity: a mapping outside the data area is corruption. */
static int check_block_validity(struct inode *inode,
				const struct ext4_map_blocks *map)
{
	struct ext4_sb_info *sbi = EXT4_SB(inode->i_sb);

	if (map->m_pblk < sbi->s_first_data_block ||
	    map->m_pblk + map->m_len > sbi->s_blocks_count)
		return -EFSCORRUPTED;
	return 0;
}

/* ext4_find_delalloc_range: any delayed block in [lblk, end]? */
static bool ext4_find_delalloc_range(struct inode *inode, ext4_lblk_t lblk,
				     ext4_lblk_t end)
{
	struct extent_status es;

	ext4_es_find_delayed_extent_range(inode, lblk, end, &es);
	return es.es_len != 0;
}

/* The status a successful mapping leaves in the es cache. */
static void ext4_sim_es_insert_mapped(struct inode *inode,
				      struct ext4_map_blocks *map, int flags,
				      int *retval)
{
	unsigned int status;
	int ret;

	if ((unsigned)*retval != map->m_len) {
		/* "ES len assertion failed": the kernel WARNs and goes on. */
		WARN_ON(1);
	}
	status = map->m_flags & EXT4_MAP_UNWRITTEN ? EXTENT_STATUS_UNWRITTEN :
						     EXTENT_STATUS_WRITTEN;
	if (!(flags & EXT4_GET_BLOCKS_DELALLOC_RESERVE) &&
	    !(status & EXTENT_STATUS_WRITTEN) &&
	    ext4_find_delalloc_range(inode, map->m_lblk,
				     map->m_lblk + map->m_len - 1))
		status |= EXTENT_STATUS_DELAYED;
	ret = ext4_es_insert_extent(inode, map->m_lblk, map->m_len, map->m_pblk,
				    status);
	if (ret < 0)
		*retval = ret;
}

int ext4_map_blocks(handle_t *handle, struct inode *inode,
		    struct ext4_map_blocks *map, int flags)
{
	struct ext4_inode_info *ei = EXT4_I(inode);
	const struct fs_costs *c = ext4_sim_costs(inode->i_sb);
	struct extent_status es;
	bool nolock, held_w;
	int retval;
	int ret = 0;

	map->m_flags = 0;
	if (map->m_len > INT32_MAX)
		map->m_len = INT32_MAX;
	if (map->m_lblk >= EXT_MAX_BLOCKS)
		return -EFSCORRUPTED;

	/* Lookup extent status tree firstly */
	ext4_sim_charge_cpu(c->es_lookup);
	if (ext4_es_lookup_extent(inode, map->m_lblk, &es)) {
		if (ext4_es_is_written(&es) || ext4_es_is_unwritten(&es)) {
			map->m_pblk = ext4_es_pblock(&es) + map->m_lblk -
				      es.es_lblk;
			map->m_flags |= ext4_es_is_written(&es) ?
					EXT4_MAP_MAPPED : EXT4_MAP_UNWRITTEN;
			retval = (int)(es.es_len - (map->m_lblk - es.es_lblk));
			if ((unsigned)retval > map->m_len)
				retval = (int)map->m_len;
			map->m_len = (unsigned)retval;
		} else if (ext4_es_is_delayed(&es) || ext4_es_is_hole(&es)) {
			retval = 0;
		} else {
			BUG();
		}
		goto found;
	}

	/* Try to see if we can get the block without requesting a new file
	 * system block. */
	nolock = (flags & EXT4_GET_BLOCKS_NO_LOCK) ||
		 ext4_sim_fault_holds_data_sem();
	if (!nolock)
		down_read(&ei->i_data_sem);
	ext4_sim_charge_cpu(c->extent_lookup_level * (ext_depth(inode) + 1));
	retval = ext4_ext_map_blocks(handle, inode, map,
				     flags & EXT4_GET_BLOCKS_KEEP_SIZE);
	if (retval > 0)
		ext4_sim_es_insert_mapped(inode, map, flags, &retval);
	if (!nolock)
		up_read(&ei->i_data_sem);

found:
	if (retval > 0 && (map->m_flags & EXT4_MAP_MAPPED)) {
		ret = check_block_validity(inode, map);
		if (ret != 0)
			return ret;
	}

	/* If it is only a block(s) look up */
	if ((flags & EXT4_GET_BLOCKS_CREATE) == 0)
		return retval;

	/* Already allocated (unwritten extents come back without MAPPED and
	 * go on to be converted) — unless it is to become unwritten. */
	if (retval > 0 && (map->m_flags & EXT4_MAP_MAPPED) &&
	    !(flags & EXT4_GET_BLOCKS_CONVERT_UNWRITTEN))
		return retval;

	/* Flags are set again by the allocation. */
	map->m_flags &= ~EXT4_MAP_FLAGS;

	/* Allocating or converting changes the tree: i_data_sem (w), inside
	 * the caller's handle (transaction start ranks above i_data_sem).
	 * Model extension for design A (fs/ext4/lock-i_data_sem_held.c): a
	 * caller that holds i_data_sem (w) already passes NO_LOCK, which then
	 * covers this step too (no 4.4.1 caller combines NO_LOCK with
	 * CREATE). */
	SIM_BUG_ON(!ext4_handle_valid(handle) && ext4_sim_has_journal(inode));
	held_w = (flags & EXT4_GET_BLOCKS_NO_LOCK) && ei->i_data_sem.writer &&
		 ei->i_data_sem.writer == current;
	if (!held_w)
		down_write(&ei->i_data_sem);
	ext4_sim_charge_cpu(c->extent_lookup_level * (ext_depth(inode) + 1) +
			    c->extent_modify);
	retval = ext4_ext_map_blocks(handle, inode, map, flags);
	if (retval > 0 && (map->m_flags & EXT4_MAP_NEW))
		ext4_sim_charge_cpu(c->block_alloc);
	if (retval > 0) {
		/* v4.5+ DAX (EXT4_GET_BLOCKS_ZERO): new blocks are zeroed
		 * before the es cache shows them, still under i_data_sem (w),
		 * or another fault could look them up and map a block that
		 * still holds its previous owner's data. */
		if ((flags & EXT4_GET_BLOCKS_ZERO) &&
		    (map->m_flags & EXT4_MAP_MAPPED) &&
		    (map->m_flags & EXT4_MAP_NEW)) {
			ret = ext4_issue_zeroout(inode, map->m_lblk,
						 map->m_pblk, map->m_len);
			if (ret) {
				retval = ret;
				goto has_zeroout;
			}
		}
		/* A pre-IO split zeroed the extent out instead: the es cache
		 * already says written. */
		if ((flags & EXT4_GET_BLOCKS_PRE_IO) &&
		    ext4_es_lookup_extent(inode, map->m_lblk, &es) &&
		    ext4_es_is_written(&es))
			goto has_zeroout;
		ext4_sim_es_insert_mapped(inode, map, flags, &retval);
	}
has_zeroout:
	if (!held_w)
		up_write(&ei->i_data_sem);
	if (retval > 0 && (map->m_flags & EXT4_MAP_MAPPED)) {
		ret = check_block_validity(inode, map);
		if (ret != 0)
			return ret;
	}
	return retval;
}

/* ext4_issue_zeroout -> sb_issue_zeroout: a zeroing write over [pblk,
 * pblk + len), waited for; the zeroes land on the simulated disk and the
 * oracle hears of each block.  (No encryption: ext4_encrypted_zeroout is
 * not modelled.) */
int ext4_issue_zeroout(struct inode *inode, ext4_lblk_t lblk,
		       ext4_fsblk_t pblk, ext4_lblk_t len)
{
	struct super_block *sb = inode->i_sb;
	struct ext4_sim_disk *disk = EXT4_SB(sb)->s_disk;
	struct bio bio;
	int err;

	bio_init(&bio);
	bio.bi_bdev = &disk->bdev;
	bio.bi_iter.bi_sector = pblk << (sb->s_blocksize_bits - SECTOR_SHIFT);
	bio.bi_iter.bi_size = len << sb->s_blocksize_bits;
	err = submit_bio_wait(WRITE, &bio);
	for (ext4_lblk_t i = 0; !err && i < len; i++) {
		struct ext4_sim_owner was;
		bool foreign = ext4_sim_disk_write_zero(disk, pblk + i, 0,
							sb->s_blocksize,
							(uint32_t)inode->i_ino,
							lblk + i, &was);

		fs_oracle_disk_write(sb, inode, lblk + i, pblk + i, foreign,
				     &was, "zeroout");
	}
	return err;
}

/* ---- get_block callbacks ------------------------------------------------------------ */

/* Maximum number of blocks we map for direct IO at once. */
#define DIO_MAX_BLOCKS 4096

static int _ext4_get_block(struct inode *inode, sector_t iblock,
			   struct buffer_head *bh, int flags)
{
	handle_t *handle = ext4_journal_current_handle();
	struct ext4_map_blocks map;
	int ret, started = 0;

	map.m_lblk = (ext4_lblk_t)iblock;
	map.m_len = bh->b_size >> inode->i_sb->s_blocksize_bits;

	if (flags && !(flags & EXT4_GET_BLOCKS_NO_LOCK) && !handle &&
	    ext4_sim_has_journal(inode)) {
		/* Direct IO write: a handle per mapped chunk. */
		if (map.m_len > DIO_MAX_BLOCKS)
			map.m_len = DIO_MAX_BLOCKS;
		handle = ext4_journal_start(inode, EXT4_HT_MAP_BLOCKS,
					    ext4_chunk_trans_blocks(inode,
								    (int)map.m_len));
		if (IS_ERR(handle))
			return (int)PTR_ERR(handle);
		started = 1;
	}

	ret = ext4_map_blocks(handle, inode, &map, flags);
	if (ret > 0) {
		map_bh(bh, inode->i_sb, map.m_pblk);
		bh->b_state = (bh->b_state & ~(unsigned long)EXT4_MAP_FLAGS) |
			      map.m_flags;
		bh->b_size = inode->i_sb->s_blocksize * map.m_len;
		/* A page-cache buffer now points at a disk block.  (An
		 * unwritten extent looked up without create leaves the buffer
		 * unmapped: nothing maps it, as for the kernel's writeback.) */
		if (bh->b_page && buffer_mapped(bh))
			buffer_sim_report_mapped(bh);
		ret = 0;
	}
	if (started)
		ext4_journal_stop(handle);
	return ret;
}

int ext4_get_block(struct inode *inode, sector_t iblock,
		   struct buffer_head *bh, int create)
{
	return _ext4_get_block(inode, iblock, bh,
			       create ? EXT4_GET_BLOCKS_CREATE : 0);
}

int ext4_get_block_write(struct inode *inode, sector_t iblock,
			 struct buffer_head *bh_result, int create)
{
	(void)create;
	return _ext4_get_block(inode, iblock, bh_result,
			       EXT4_GET_BLOCKS_IO_CREATE_EXT);
}

int ext4_get_block_write_nolock(struct inode *inode, sector_t iblock,
				struct buffer_head *bh_result, int create)
{
	(void)create;
	return _ext4_get_block(inode, iblock, bh_result,
			       EXT4_GET_BLOCKS_NO_LOCK);
}

/* ---- delayed allocation at write time ---------------------------------------------- */

/* Reserve space for a single block (the data; metadata is charged at
 * writeback). */
static int ext4_da_reserve_space(struct inode *inode)
{
	if (ext4_claim_free_clusters(EXT4_SB(inode->i_sb), 1, 0))
		return -ENOSPC;
	return 0;
}

static void ext4_da_release_space(struct inode *inode, int to_free)
{
	if (!to_free)
		return;
	ext4_sim_release_dirty_clusters(EXT4_SB(inode->i_sb), to_free);
}

/* The delayed buffers of a page being invalidated (truncate, punch) give
 * their reservation back and leave the es cache. */
void ext4_da_page_release_reservation(struct page *page, unsigned offset,
				      unsigned length)
{
	struct inode *inode = page->mapping->host;
	unsigned bbits = inode->i_sb->s_blocksize_bits;
	unsigned curr_off = 0, stop = offset + length;
	int to_release = 0, contiguous_blks = 0;
	struct buffer_head *head, *bh;
	ext4_lblk_t lblk;

	SIM_BUG_ON(stop > PAGE_SIZE || stop < length);
	head = page_buffers(page);
	bh = head;
	do {
		unsigned next_off = curr_off + bh->b_size;

		if (next_off > stop)
			break;
		if (offset <= curr_off && buffer_delay(bh)) {
			to_release++;
			contiguous_blks++;
			clear_buffer_delay(bh);
		} else if (contiguous_blks) {
			lblk = (ext4_lblk_t)(page->index << (PAGE_SHIFT - bbits));
			lblk += (curr_off >> bbits) - contiguous_blks;
			ext4_es_remove_extent(inode, lblk, contiguous_blks);
			contiguous_blks = 0;
		}
		curr_off = next_off;
	} while ((bh = bh->b_this_page) != head);

	if (contiguous_blks) {
		lblk = (ext4_lblk_t)(page->index << (PAGE_SHIFT - bbits));
		lblk += (curr_off >> bbits) - contiguous_blks;
		ext4_es_remove_extent(inode, lblk, contiguous_blks);
	}
	/* No bigalloc: every released block is a whole cluster. */
	ext4_da_release_space(inode, to_release);
}

/* ext4_da_map_blocks: the start of ext4_map_blocks for write time, which
 * sets the buffer's delay bit under i_data_sem when the block is a hole. */
static int ext4_da_map_blocks(struct inode *inode, sector_t iblock,
			      struct ext4_map_blocks *map,
			      struct buffer_head *bh)
{
	struct ext4_inode_info *ei = EXT4_I(inode);
	const struct fs_costs *c = ext4_sim_costs(inode->i_sb);
	sector_t invalid_block = ~((sector_t)0xffff);
	struct extent_status es;
	bool nolock = ext4_sim_fault_holds_data_sem();
	int retval;

	if (invalid_block < EXT4_SB(inode->i_sb)->s_blocks_count)
		invalid_block = ~(sector_t)0;
	map->m_flags = 0;

	/* Lookup extent status tree firstly */
	ext4_sim_charge_cpu(c->es_lookup);
	if (ext4_es_lookup_extent(inode, (ext4_lblk_t)iblock, &es)) {
		if (ext4_es_is_hole(&es)) {
			retval = 0;
			if (!nolock)
				down_read(&ei->i_data_sem);
			goto add_delayed;
		}
		/* Delayed already (a delayed extent may also have been
		 * fallocated: then it is unwritten and mapped below). */
		if (ext4_es_is_delayed(&es) && !ext4_es_is_unwritten(&es)) {
			map_bh(bh, inode->i_sb, invalid_block);
			set_buffer_new(bh);
			set_buffer_delay(bh);
			return 0;
		}
		map->m_pblk = ext4_es_pblock(&es) + iblock - es.es_lblk;
		retval = (int)(es.es_len - (iblock - es.es_lblk));
		if ((unsigned)retval > map->m_len)
			retval = (int)map->m_len;
		map->m_len = (unsigned)retval;
		if (ext4_es_is_written(&es))
			map->m_flags |= EXT4_MAP_MAPPED;
		else if (ext4_es_is_unwritten(&es))
			map->m_flags |= EXT4_MAP_UNWRITTEN;
		else
			BUG();
		return retval;
	}

	/* Try to see if we can get the block without requesting a new file
	 * system block. */
	if (!nolock)
		down_read(&ei->i_data_sem);
	ext4_sim_charge_cpu(c->extent_lookup_level * (ext_depth(inode) + 1));
	retval = ext4_ext_map_blocks(NULL, inode, map, 0);

add_delayed:
	if (retval == 0) {
		int ret;

		/* A hole: reserve the block now, allocate at writeback. */
		ret = ext4_da_reserve_space(inode);
		if (ret) {
			retval = ret;
			goto out_unlock;
		}
		ret = ext4_es_insert_extent(inode, map->m_lblk, map->m_len,
					    ~(ext4_fsblk_t)0,
					    EXTENT_STATUS_DELAYED);
		if (ret) {
			retval = ret;
			goto out_unlock;
		}
		map_bh(bh, inode->i_sb, invalid_block);
		set_buffer_new(bh);
		set_buffer_delay(bh);
	} else if (retval > 0) {
		unsigned int status;
		int ret;

		if ((unsigned)retval != map->m_len)
			WARN_ON(1);
		status = map->m_flags & EXT4_MAP_UNWRITTEN ?
			 EXTENT_STATUS_UNWRITTEN : EXTENT_STATUS_WRITTEN;
		ret = ext4_es_insert_extent(inode, map->m_lblk, map->m_len,
					    map->m_pblk, status);
		if (ret != 0)
			retval = ret;
	}
out_unlock:
	if (!nolock)
		up_read(&ei->i_data_sem);
	return retval;
}

int ext4_da_get_block_prep(struct inode *inode, sector_t iblock,
			   struct buffer_head *bh, int create)
{
	struct ext4_map_blocks map;
	int ret;

	BUG_ON(create == 0);
	BUG_ON(bh->b_size != inode->i_sb->s_blocksize);

	map.m_lblk = (ext4_lblk_t)iblock;
	map.m_len = 1;

	/* First, is the block allocated already?  Preallocated (unwritten)
	 * blocks count as allocated. */
	ret = ext4_da_map_blocks(inode, iblock, &map, bh);
	if (ret <= 0)
		return ret;

	/* An existing block: the buffer maps it — not delayed.  This is the
	 * mapping a later writeback trusts without asking the tree. */
	map_bh(bh, inode->i_sb, map.m_pblk);
	bh->b_state = (bh->b_state & ~(unsigned long)EXT4_MAP_FLAGS) |
		      map.m_flags;
	if (buffer_unwritten(bh)) {
		/* Mapped so get_block is not asked again; new so a partial
		 * write zeroes the rest of the block. */
		set_buffer_new(bh);
		set_buffer_mapped(bh);
	}
	if (bh->b_page)
		buffer_sim_report_mapped(bh);
	return 0;
}

/* ---- i_disksize ----------------------------------------------------------------------- */

void ext4_update_i_disksize(struct inode *inode, loff_t newsize)
{
	struct ext4_inode_info *ei = EXT4_I(inode);
	/* design A (i_data_sem_held): a block-removing caller
	 * (zero range growing the file) already holds it (w) */
	bool held = ext4_sim_data_sem_held_across(inode);

	if (!held)
		down_write(&ei->i_data_sem);
	if (newsize > ei->i_disksize)
		ei->i_disksize = newsize;
	if (!held)
		up_write(&ei->i_data_sem);
}

int ext4_update_inode_size(struct inode *inode, loff_t newsize)
{
	int changed = 0;

	if (newsize > inode->i_size) {
		i_size_write(inode, newsize);
		changed = 1;
	}
	if (newsize > EXT4_I(inode)->i_disksize) {
		ext4_update_i_disksize(inode, newsize);
		changed |= 2;
	}
	return changed;
}

/* Switch to non-delalloc when free space runs low: the free counter is
 * exact here, so EXT4_FREECLUSTERS_WATERMARK (a percpu-counter error
 * margin) is 0. */
int ext4_nonda_switch(struct super_block *sb)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	int64_t free_clusters = max(sbi->s_freeclusters_counter, (int64_t)0);
	int64_t dirty_clusters = max(sbi->s_dirtyclusters_counter, (int64_t)0);

	/* Start pushing delalloc when 1/2 of free blocks are dirty.  The
	 * kernel's try_to_writeback_inodes_sb waits for the flusher's pass;
	 * the model only kicks it. */
	if (dirty_clusters && free_clusters < 2 * dirty_clusters)
		wb_sim_start_background(sb);
	if (2 * free_clusters < 3 * dirty_clusters ||
	    free_clusters < dirty_clusters)
		return 1;
	return 0;
}
