/* fs/ext4/lock-i_data_sem.c — strategy "i_data_sem": design B of
 * FIDELITY 3.4, the fix one might try with the lock ext4 already has.
 *
 * Stands for [4.4.1] (zanpocc/linux-4.4.1 @ d4321c96f179) with faults
 * serialized by EXT4_I(inode)->i_data_sem instead of a new lock — the
 * alternative ea3d7209ca01's commit message rules out ("i_data_sem ranks
 * below transaction start; the new lock must be held across the whole
 * operation").  It keeps the legal order (transaction start > page lock >
 * i_data_sem, FIDELITY 1.2), so the remove side cannot hold i_data_sem any
 * longer than v4.4.1 already does.
 *
 * Where it locks:
 *   shared    i_data_sem (r) around ->fault and ->page_mkwrite and the DAX
 *             handlers; their inner block lookups pass
 *             EXT4_GET_BLOCKS_NO_LOCK (EXT4_LOCK_FAULT_HOLDS_DATA_SEM),
 *             since a second down_read queued behind a waiting writer would
 *             deadlock the fault against itself.
 *   exclusive no strategy lock.  The paths follow v4.4.1's order: the page
 *             cache is truncated BEFORE the handle starts, and i_data_sem
 *             (w) is taken where v4.4.1 takes it — after journal start and
 *             after the partial-edge zeroing, which locks pages (page lock
 *             ranks above i_data_sem, so "from journal start" cannot come
 *             earlier) — until the extents are changed.  Every handle
 *             restart inside ext4_ext_remove_space / ext4_ext_shift_extents
 *             drops it (ext4_truncate_restart_trans), so the window
 *             reopens mid-operation, with the not-yet-removed left part
 *             still mapped.
 * No second truncate (it was v4.4.1's stop-gap; this design is offered as
 * its replacement); zero/collapse/insert keep v4.4.1's unlocked writeback.
 * Expected: the FIDELITY 3.1 window between truncate_pagecache_range and
 * down_write(i_data_sem) stays open, restarts reopen it, and faults that
 * lock pages (and, non-delalloc, start handles) under i_data_sem (r) invert
 * page lock > i_data_sem and transaction start > i_data_sem.
 */
#include "config.h"

#include "fs/ext4/locking.h"

/* The fault side, shared with design A (lock-i_data_sem_held.c). */

void ext4_sim_data_sem_down_read(struct inode *inode, loff_t start,
					loff_t end, const char *ip)
{
	(void)start, (void)end;
	sim_down_read(current, &EXT4_I(inode)->i_data_sem, ip);
}

bool ext4_sim_data_sem_down_read_trylock(struct inode *inode,
						loff_t start, loff_t end,
						const char *ip)
{
	(void)start, (void)end;
	return sim_down_read_trylock(current, &EXT4_I(inode)->i_data_sem, ip);
}

void ext4_sim_data_sem_up_read(struct inode *inode, loff_t start,
				      loff_t end)
{
	(void)start, (void)end;
	up_read(&EXT4_I(inode)->i_data_sem);
}

const struct ext4_lock_ops ext4_lock_i_data_sem = {
	.name = "i_data_sem",
	.summary = "design B: faults hold i_data_sem (r); punch takes it (w) after truncation, drops it on restarts",
	.kver = EXT4_KVER_4_4,
	.flags = EXT4_LOCK_FAULT_HOLDS_DATA_SEM | EXT4_LOCK_UNLOCKED_WRITEBACK,
	.lock = EXT4_SIM_LOCK_RWSEM,
	.rwsem = "i_data_sem",
	.shared_paths = EXT4_SIM_PATH_FAULT | EXT4_SIM_PATH_MKWRITE |
			EXT4_SIM_PATH_DAX,
	.exclusive_paths = 0,
	.fault_lock = ext4_sim_data_sem_down_read,
	.fault_trylock = ext4_sim_data_sem_down_read_trylock,
	.fault_unlock = ext4_sim_data_sem_up_read,
};
