/* fs/ext4/lock-lockless.c — strategy "lockless": v4.4.1 as it was.
 *
 * Stands for [4.4.1] (zanpocc/linux-4.4.1 @ d4321c96f179), the state before
 * ea3d7209ca01 ("ext4: fix races between page faults and hole punching",
 * v4.5): faults, page_mkwrite, DAX faults and reads take no inode lock at
 * all; block-removing paths serialize only among themselves (i_mutex) and
 * against direct IO (DIOREAD_LOCK + inode_dio_wait, 02d262dffcf4 and
 * 26a4c0c6ccec).  What the kernel had instead of a lock, and the paths
 * reproduce through the flags:
 *   - EXT4_LOCK_PUNCH_SECOND_TRUNCATE: ext4_punch_hole truncates the page
 *     cache a second time after removing the blocks (e251f9bca99c, "release
 *     the pages again to reduce race window"; removed by ea3d7209ca01);
 *   - EXT4_LOCK_UNLOCKED_WRITEBACK: zero/collapse/insert write the dirty
 *     range back before taking i_mutex (moved inside by 32ebffd3bbb4 for
 *     collapse/insert; zero range lost it in v4.5).
 * Where it locks: nowhere.  The race it leaves open is FIDELITY 3.1.
 */
#include "config.h"

#include "fs/ext4/locking.h"

const struct ext4_lock_ops ext4_lock_lockless = {
	.name = "lockless",
	.summary = "v4.4.1: no fault lock; punch truncates the page cache twice",
	.kver = EXT4_KVER_4_4,
	.flags = EXT4_LOCK_PUNCH_SECOND_TRUNCATE | EXT4_LOCK_UNLOCKED_WRITEBACK,
	.lock = EXT4_SIM_LOCK_NONE,
};
