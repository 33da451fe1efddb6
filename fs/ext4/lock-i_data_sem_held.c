/* fs/ext4/lock-i_data_sem_held.c — strategy "i_data_sem_held": design A of
 * FIDELITY 3.4, i_data_sem held across the whole removal.
 *
 * Stands for [4.4.1] (zanpocc/linux-4.4.1 @ d4321c96f179) with
 * EXT4_I(inode)->i_data_sem used the way ea3d7209ca01 (v4.5) uses its new
 * i_mmap_sem: taken (w) before the page-cache truncation and held until the
 * extents are changed.  That makes i_data_sem rank ABOVE transaction start
 * and page lock, the inverse of every other ext4 path — the hierarchy
 * violation 55bd725aa3a8 removed from ext4_fallocate, and the reason the
 * real ext4_truncate_restart_trans drops i_data_sem around a restart ("to
 * avoid deadlock with ext4_map_blocks").
 *
 * Where it locks:
 *   shared    i_data_sem (r) around ->fault, ->page_mkwrite and the DAX
 *             handlers, inner lookups with EXT4_GET_BLOCKS_NO_LOCK
 *             (EXT4_LOCK_FAULT_HOLDS_DATA_SEM), as design B.
 *   exclusive i_data_sem (w) at remove_lock, which the v4.4.1-order paths
 *             call right before the page-cache truncation
 *             (truncate_pagecache_range in punch and zero range,
 *             truncate_pagecache in collapse, insert and setattr,
 *             truncate_inode_pages in ext4_truncate_failed_write), held
 *             across inode_dio_wait, journal start, the edge zeroing (page
 *             locks under it; lookups with NO_LOCK), the removal or shift
 *             — ext4_truncate_restart_trans keeps it across every restart
 *             (EXT4_LOCK_HOLD_DATA_SEM_ACROSS_JOURNAL) — and the handle
 *             stop; released at remove_unlock.  The paths' own
 *             down_write(i_data_sem) is skipped while the strategy holds it
 *             (ext4_sim_data_sem_held_across).
 * No second truncate; v4.4.1's unlocked writeback kept.
 * Expected (never a hang — the engine ends the world with a report):
 * lockdep "lock_order" i_data_sem -> jbd2_handle against any
 * jbd2_handle -> i_data_sem (ext4_map_blocks inside a handle), and
 * i_data_sem -> page lock against readpage/writeback's page lock ->
 * i_data_sem; deadlocks such as P holds i_data_sem (w) and waits in
 * start_this_handle for T_LOCKED while the commit waits for a handle
 * holder blocked on i_data_sem, or P waits in lock_page for a page whose
 * holder (readahead, writeback) waits for i_data_sem.
 */
#include "config.h"

#include "fs/ext4/locking.h"

/* The fault side is design B's (lock-i_data_sem.c). */

static void ext4_sim_data_sem_down_write(struct inode *inode, loff_t start,
					 loff_t end, const char *ip)
{
	(void)start, (void)end;
	sim_down_write(current, &EXT4_I(inode)->i_data_sem, ip);
}

static void ext4_sim_data_sem_up_write(struct inode *inode, loff_t start,
				       loff_t end)
{
	(void)start, (void)end;
	up_write(&EXT4_I(inode)->i_data_sem);
}

const struct ext4_lock_ops ext4_lock_i_data_sem_held = {
	.name = "i_data_sem_held",
	.summary = "design A: i_data_sem (w) from before truncation across journal start and restarts (inverts the order)",
	.kver = EXT4_KVER_4_4,
	.flags = EXT4_LOCK_HOLD_DATA_SEM_ACROSS_JOURNAL |
		 EXT4_LOCK_FAULT_HOLDS_DATA_SEM | EXT4_LOCK_UNLOCKED_WRITEBACK,
	.lock = EXT4_SIM_LOCK_RWSEM,
	.rwsem = "i_data_sem",
	.shared_paths = EXT4_SIM_PATH_FAULT | EXT4_SIM_PATH_MKWRITE |
			EXT4_SIM_PATH_DAX,
	.exclusive_paths = EXT4_SIM_PATHS_EXCLUSIVE,
	.fault_lock = ext4_sim_data_sem_down_read,
	.fault_trylock = ext4_sim_data_sem_down_read_trylock,
	.fault_unlock = ext4_sim_data_sem_up_read,
	.remove_lock = ext4_sim_data_sem_down_write,
	.remove_unlock = ext4_sim_data_sem_up_write,
};
