/* fs/ext4/locking.h — the strategy plug point (DESIGN §4).
 *
 * A strategy decides how page-cache-instantiating paths (faults, mkwrite,
 * DAX faults; for invalidate_lock also read/readahead page creation) are
 * serialized against block-removing paths (punch, zero, collapse, insert,
 * truncate, failed-write trimming).  The kernel paths are written once, in
 * the step order of the kernel version the strategy stands for (kver), and
 * call these ops exactly where the i_mmap_sem patch (v4.5) and the
 * invalidate_lock series (v5.15) put their lock calls.  A NULL op means "no
 * lock here" for that strategy.
 *
 * Ranges are byte ranges [start, end] (inclusive end, as the kernel's
 * lend), so a range-aware strategy can be added without touching paths.
 *
 * A new strategy is one file fs/ext4/lock-NAME.c and one line in the
 * registry (fs/ext4/locking.c).
 */
#ifndef FS_EXT4_LOCKING_H
#define FS_EXT4_LOCKING_H

#include "fs/ext4/ext4.h"

/* Kernel version whose step order the paths follow. */
enum ext4_kver {
	EXT4_KVER_4_4,   /* v4.4.1: lockless, and the i_data_sem designs */
	EXT4_KVER_4_5,   /* v4.5: i_mmap_sem */
	EXT4_KVER_5_15,  /* v5.15: invalidate_lock */
};

/* Version differences a strategy stands for (ext4_lock_ops.flags). */
#define EXT4_LOCK_PUNCH_SECOND_TRUNCATE  0x0001 /* v4.4.1 stop-gap second
						   truncate_pagecache_range
						   in ext4_punch_hole */
#define EXT4_LOCK_UNLOCKED_WRITEBACK     0x0002 /* v4.4.1: dirty-range
						   writeback before i_mutex in
						   punch/zero/collapse/insert */
#define EXT4_LOCK_READ_PATHS             0x0004 /* v5.15: read(2), readahead
						   and page re-reads take the
						   shared side */
#define EXT4_LOCK_FAULT_FAST_PATH        0x0008 /* v5.15 filemap_fault: lock
						   only when the page is not
						   cached and uptodate */
#define EXT4_LOCK_BEFORE_ISIZE           0x0010 /* v5.15 setattr: exclusive
						   side taken before the i_size
						   update */
#define EXT4_LOCK_HOLD_DATA_SEM_ACROSS_JOURNAL 0x0020 /* design A: i_data_sem
						   (w) held across journal
						   start/restart (FIDELITY
						   3.4) */
#define EXT4_LOCK_FAULT_HOLDS_DATA_SEM   0x0040 /* designs A/B: faults hold
						   i_data_sem (r), so their
						   inner block lookups must
						   not take it again */

struct ext4_lock_ops {
	const char *name;
	const char *summary;      /* one line, for --list-strategies */
	enum ext4_kver kver;
	unsigned flags;

	/* Shared side of the invalidate role: ->fault, ->page_mkwrite, DAX
	 * handlers (and read paths with EXT4_LOCK_READ_PATHS). */
	void (*fault_lock)(struct inode *inode, loff_t start, loff_t end);
	void (*fault_unlock)(struct inode *inode, loff_t start, loff_t end);

	/* Exclusive side: block-removing paths, from before the page-cache
	 * truncation until the extents are changed. */
	void (*remove_lock)(struct inode *inode, loff_t start, loff_t end);
	void (*remove_unlock)(struct inode *inode, loff_t start, loff_t end);

	/* Around journal start/restart inside a block-removing path while the
	 * exclusive side is held (the i_data_sem designs drop or keep
	 * i_data_sem here).  NULL: nothing. */
	void (*journal_start_prepare)(struct inode *inode);
	void (*journal_start_done)(struct inode *inode);
};

/* Registry (fs/ext4/locking.c). */
const struct ext4_lock_ops *ext4_lock_ops_find(const char *name);
extern const struct ext4_lock_ops *const ext4_lock_strategies[];

#endif /* FS_EXT4_LOCKING_H */
