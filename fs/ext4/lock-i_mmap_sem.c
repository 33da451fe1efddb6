/* fs/ext4/lock-i_mmap_sem.c — strategy "i_mmap_sem": v4.5.
 *
 * Stands for [4.5] (arthur-lucena/linux-4.5-hw-so @ 6b08a7b895be): ext4's
 * per-inode rw_semaphore EXT4_I(inode)->i_mmap_sem added by ea3d7209ca01
 * ("ext4: fix races between page faults and hole punching"), with its
 * siblings 32ebffd3bbb4 (collapse/insert write back under i_mutex and
 * i_mmap_sem) and 17048e8a083f (the DIO wait moved out of
 * ext4_alloc_file_blocks).  Not to be confused with mm's
 * mapping->i_mmap_rwsem (FIDELITY 0.2).
 *
 * Where it locks:
 *   shared    ext4_filemap_fault, ext4_page_mkwrite, ext4_dax_fault,
 *             ext4_dax_pmd_fault, ext4_dax_pfn_mkwrite (cycled) — taken
 *             by the fault handlers through fault_lock.  Reads and readahead
 *             stay unprotected (FIDELITY 3.3).
 *   exclusive ext4_punch_hole: after DIOREAD_LOCK + inode_dio_wait, held
 *             across the disksize update, truncate_pagecache_range, the
 *             handle, edge zeroing and removal (restarts included), until
 *             after the handle is stopped;
 *             ext4_zero_range: around disksize update, truncation and the
 *             convert-to-unwritten loop;
 *             ext4_collapse_range / ext4_insert_range: after the DIO wait,
 *             around the writeback, truncate_pagecache, the handle and the
 *             shift;
 *             ext4_setattr (size): around truncate_pagecache and
 *             ext4_truncate (after the i_size update);
 *             ext4_truncate_failed_write: around both of its calls.
 * Order (v4.5 fs/ext4/super.c): i_mutex > DIOREAD_LOCK > i_mmap_sem >
 * transaction start > page lock > i_data_sem.  No version flag: v4.5 keeps
 * only punch's unlocked writeback, which every version has.
 */
#include "config.h"

#include "fs/ext4/locking.h"

static void ext4_sim_i_mmap_sem_down_read(struct inode *inode, loff_t start,
					  loff_t end, const char *ip)
{
	(void)start, (void)end;
	sim_down_read(current, &EXT4_I(inode)->i_mmap_sem, ip);
}

static bool ext4_sim_i_mmap_sem_down_read_trylock(struct inode *inode,
						  loff_t start, loff_t end,
						  const char *ip)
{
	(void)start, (void)end;
	return sim_down_read_trylock(current, &EXT4_I(inode)->i_mmap_sem, ip);
}

static void ext4_sim_i_mmap_sem_up_read(struct inode *inode, loff_t start,
					loff_t end)
{
	(void)start, (void)end;
	up_read(&EXT4_I(inode)->i_mmap_sem);
}

static void ext4_sim_i_mmap_sem_down_write(struct inode *inode, loff_t start,
					   loff_t end, const char *ip)
{
	(void)start, (void)end;
	sim_down_write(current, &EXT4_I(inode)->i_mmap_sem, ip);
}

static void ext4_sim_i_mmap_sem_up_write(struct inode *inode, loff_t start,
					 loff_t end)
{
	(void)start, (void)end;
	up_write(&EXT4_I(inode)->i_mmap_sem);
}

const struct ext4_lock_ops ext4_lock_i_mmap_sem = {
	.name = "i_mmap_sem",
	.summary = "v4.5: ext4 i_mmap_sem, faults (r) vs punch/zero/collapse/insert/truncate (w)",
	.kver = EXT4_KVER_4_5,
	.flags = 0,
	.lock = EXT4_SIM_LOCK_RWSEM,
	.rwsem = "i_mmap_sem",
	.shared_paths = EXT4_SIM_PATH_FAULT | EXT4_SIM_PATH_MKWRITE |
			EXT4_SIM_PATH_DAX,
	.exclusive_paths = EXT4_SIM_PATHS_EXCLUSIVE,
	.fault_lock = ext4_sim_i_mmap_sem_down_read,
	.fault_trylock = ext4_sim_i_mmap_sem_down_read_trylock,
	.fault_unlock = ext4_sim_i_mmap_sem_up_read,
	.remove_lock = ext4_sim_i_mmap_sem_down_write,
	.remove_unlock = ext4_sim_i_mmap_sem_up_write,
};
