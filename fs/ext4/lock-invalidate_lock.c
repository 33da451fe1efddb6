/* fs/ext4/lock-invalidate_lock.c — strategy "invalidate_lock": v5.15.
 *
 * Stands for [5.15] (yhuan416/linux-5.15.24 @ 0ea83df25009): the VFS-level
 * rw_semaphore mapping->invalidate_lock of 730633f0b7f9 ("mm: Protect
 * operations adding pages to page cache with invalidate_lock") and
 * d4f5258eae7b ("ext4: Convert to use mapping->invalidate_lock"), merged
 * as aa99f3c2b9c7; the filemap_invalidate_lock{,_shared} helpers of
 * [5.15] include/linux/fs.h.  It replaces i_mmap_sem and also closes the
 * read(2)/readahead race (FIDELITY 3.3).
 *
 * Where it locks:
 *   shared    ext4_filemap_fault's slow path only — filemap_fault takes it
 *             when the page must be created or re-read, never for a cached
 *             uptodate page (EXT4_LOCK_FAULT_FAST_PATH); ext4_page_mkwrite;
 *             ext4_dax_huge_fault; and (EXT4_LOCK_READ_PATHS) the read
 *             side of mm: page_cache_ra_unbounded around each readahead
 *             batch, filemap_create_page, filemap_update_page (trylock with
 *             IOCB_NOWAIT) — never across the copy to user space.
 *   exclusive ext4_punch_hole / ext4_collapse_range / ext4_insert_range:
 *             after inode_dio_wait, then ext4_break_layouts, until the
 *             handle is stopped; ext4_zero_range: around break_layouts,
 *             disksize update, truncation and conversion;
 *             ext4_setattr (size): before the i_size update
 *             (EXT4_LOCK_BEFORE_ISIZE), through truncate_pagecache and
 *             ext4_truncate; ext4_truncate_failed_write.
 * Order ([5.15] mm/filemap.c, fs/ext4/super.c): i_rwsem > invalidate_lock >
 * i_mmap_rwsem; mmap_lock > invalidate_lock > page lock; invalidate_lock >
 * transaction start > page lock > i_data_sem.
 */
#include "config.h"

#include "fs/ext4/locking.h"

/* filemap_invalidate_lock_shared */
static void ext4_sim_invalidate_lock_shared(struct inode *inode, loff_t start,
					    loff_t end, const char *ip)
{
	(void)start, (void)end;
	sim_down_read(current, &inode->i_mapping->invalidate_lock, ip);
}

/* filemap_invalidate_trylock_shared */
static bool ext4_sim_invalidate_trylock_shared(struct inode *inode,
					       loff_t start, loff_t end,
					       const char *ip)
{
	(void)start, (void)end;
	return sim_down_read_trylock(current, &inode->i_mapping->invalidate_lock,
				     ip);
}

/* filemap_invalidate_unlock_shared */
static void ext4_sim_invalidate_unlock_shared(struct inode *inode,
					      loff_t start, loff_t end)
{
	(void)start, (void)end;
	up_read(&inode->i_mapping->invalidate_lock);
}

/* filemap_invalidate_lock */
static void ext4_sim_invalidate_lock(struct inode *inode, loff_t start,
				     loff_t end, const char *ip)
{
	(void)start, (void)end;
	sim_down_write(current, &inode->i_mapping->invalidate_lock, ip);
}

/* filemap_invalidate_unlock */
static void ext4_sim_invalidate_unlock(struct inode *inode, loff_t start,
				       loff_t end)
{
	(void)start, (void)end;
	up_write(&inode->i_mapping->invalidate_lock);
}

const struct ext4_lock_ops ext4_lock_invalidate_lock = {
	.name = "invalidate_lock",
	.summary = "v5.15: mapping->invalidate_lock, also held (r) by read/readahead page creation",
	.kver = EXT4_KVER_5_15,
	.flags = EXT4_LOCK_READ_PATHS | EXT4_LOCK_FAULT_FAST_PATH |
		 EXT4_LOCK_BEFORE_ISIZE,
	.lock = EXT4_SIM_LOCK_RWSEM,
	.rwsem = "invalidate_lock",
	.shared_paths = EXT4_SIM_PATHS_SHARED,
	.exclusive_paths = EXT4_SIM_PATHS_EXCLUSIVE,
	.fault_lock = ext4_sim_invalidate_lock_shared,
	.fault_trylock = ext4_sim_invalidate_trylock_shared,
	.fault_unlock = ext4_sim_invalidate_unlock_shared,
	.remove_lock = ext4_sim_invalidate_lock,
	.remove_unlock = ext4_sim_invalidate_unlock,
};
