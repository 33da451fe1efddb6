/* fs/ext4/locking.h — the strategy plug point (docs/design.md §4).
 *
 * A strategy decides how page-cache-instantiating paths (faults, mkwrite,
 * DAX faults; for invalidate_lock also read/readahead page creation) are
 * serialized against block-removing paths (punch, zero, collapse, insert,
 * truncate, failed-write trimming).  The kernel paths are written once per
 * step order — the order of the kernel version the strategy stands for
 * (kver) — and call these ops exactly where the i_mmap_sem patch (v4.5) and
 * the invalidate_lock series (v5.15) put their lock calls; in the v4.4.1
 * order they call remove_lock just before the page-cache truncation (where
 * design A takes i_data_sem) and remove_unlock where v4.5 releases
 * i_mmap_sem (after the handle is stopped).  A NULL op means "no lock here"
 * for that strategy.
 *
 * Ranges are byte ranges [start, end] (inclusive end, as the kernel's
 * lend; end = LLONG_MAX: to EOF), so a range-aware strategy can be added
 * without touching paths.  Every strategy here ignores them.  `ip` is the
 * kernel function on whose behalf the lock is taken (the wrappers below
 * pass the caller's __func__), so lockdep, lock_stat notes and reports say
 * "i_mmap_sem at ext4_punch_hole" as the kernel's inline calls would.
 *
 * Who calls what:
 *   fault_lock/unlock      ext4_filemap_fault, ext4_page_mkwrite, the DAX
 *                          handlers; read(2) page
 *                          creation, re-reads and readahead batches when
 *                          EXT4_LOCK_READ_PATHS is set, and filemap_fault's
 *                          slow path with EXT4_LOCK_FAULT_FAST_PATH — the
 *                          generic mm reaches those through ext4_sim_sops
 *                          (sb->s_sim_op, fs/fs.h), never this header.
 *   fault_trylock          the IOCB_NOWAIT re-read (filemap_update_page).
 *   remove_lock/unlock     ext4_punch_hole, ext4_zero_range,
 *                          ext4_collapse_range, ext4_insert_range,
 *                          ext4_setattr (size), ext4_truncate_failed_write.
 * The i_data_sem designs need no journal hooks: design A's "keep i_data_sem
 * across the restart" is the flag EXT4_LOCK_HOLD_DATA_SEM_ACROSS_JOURNAL,
 * checked in ext4_truncate_restart_trans (fs/ext4/ext4_jbd2.c); design B
 * drops it there as the kernel does.
 *
 * A new strategy is one file fs/ext4/lock-NAME.c and one line in the
 * registry (fs/ext4/locking.c).
 */
#ifndef FS_EXT4_LOCKING_H
#define FS_EXT4_LOCKING_H

#include "fs/ext4/ext4.h"

/* Kernel version whose step order the paths follow; generic code sees the
 * same values as enum fs_sim_kver (fs/fs.h, ext4_sim_sb_kver below). */
enum ext4_kver {
	EXT4_KVER_4_4 = FS_SIM_KVER_4_4,    /* v4.4.1: lockless, and the
					       i_data_sem designs */
	EXT4_KVER_4_5 = FS_SIM_KVER_4_5,    /* v4.5: i_mmap_sem */
	EXT4_KVER_5_15 = FS_SIM_KVER_5_15,  /* v5.15: invalidate_lock */
};

/* Version differences a strategy stands for (ext4_lock_ops.flags).  Where a
 * difference is one of step order as a whole (where the DIO wait sits,
 * DIOREAD_LOCK, break_layouts), the paths follow kver instead. */
#define EXT4_LOCK_PUNCH_SECOND_TRUNCATE  0x0001 /* v4.4.1 stop-gap second
						   truncate_pagecache_range
						   in ext4_punch_hole
						   (e251f9bca99c) */
#define EXT4_LOCK_UNLOCKED_WRITEBACK     0x0002 /* v4.4.1: dirty-range
						   writeback before i_mutex in
						   zero/collapse/insert (punch
						   does it in every version) */
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
						   not take it again
						   (EXT4_GET_BLOCKS_NO_LOCK) */

struct ext4_lock_ops {
	const char *name;
	const char *summary;      /* one line, for --list-strategies */
	enum ext4_kver kver;
	unsigned flags;

	/* Shared side of the invalidate role. */
	void (*fault_lock)(struct inode *inode, loff_t start, loff_t end,
			   const char *ip);
	bool (*fault_trylock)(struct inode *inode, loff_t start, loff_t end,
			      const char *ip);
	void (*fault_unlock)(struct inode *inode, loff_t start, loff_t end);

	/* Exclusive side: block-removing paths, from before the page-cache
	 * truncation until the extents are changed. */
	void (*remove_lock)(struct inode *inode, loff_t start, loff_t end,
			    const char *ip);
	void (*remove_unlock)(struct inode *inode, loff_t start, loff_t end);
};

/* The strategies (fs/ext4/lock-*.c) and the registry (fs/ext4/locking.c),
 * in the order --list-strategies prints them. */
/* i_data_sem (r) as the fault lock: designs A and B (lock-i_data_sem.c). */
void ext4_sim_data_sem_down_read(struct inode *inode, loff_t start, loff_t end,
				 const char *ip);
bool ext4_sim_data_sem_down_read_trylock(struct inode *inode, loff_t start,
					 loff_t end, const char *ip);
void ext4_sim_data_sem_up_read(struct inode *inode, loff_t start, loff_t end);

/* The one list of strategies: each X(name) is fs/ext4/lock-name.c defining
 * ext4_lock_name.  The registry (ext4_lock_strategies), the workload key's
 * allowed names (fs_strategy_names) and the tests that loop over every
 * strategy are all generated from it, so a new strategy is its file and
 * one entry here. */
#define EXT4_LOCK_STRATEGIES(X) \
	X(lockless) X(i_data_sem) X(i_data_sem_held) X(i_mmap_sem) \
	X(invalidate_lock)

#define EXT4_LOCK_STRATEGY_DECLARE(n) extern const struct ext4_lock_ops ext4_lock_##n;
#define EXT4_LOCK_STRATEGY_NAME(n) #n,
#define EXT4_LOCK_STRATEGY_COUNT(n) + 1
EXT4_LOCK_STRATEGIES(EXT4_LOCK_STRATEGY_DECLARE)
enum { EXT4_NR_LOCK_STRATEGIES = 0 EXT4_LOCK_STRATEGIES(EXT4_LOCK_STRATEGY_COUNT) };
extern const struct ext4_lock_ops *const ext4_lock_strategies[]; /* NULL-ended */

/* By name, or NULL. */
const struct ext4_lock_ops *ext4_lock_ops_find(const char *name);

/* The strategy as generic code sees it, through ext4_sim_sops
 * (fs/ext4/super.c; struct super_sim_operations, fs/fs.h): its kernel
 * version and, where v5.15's generic mm takes invalidate_lock (r), the
 * paths that take it and its shared side. */
enum fs_sim_kver ext4_sim_sb_kver(struct super_block *sb);
unsigned ext4_sim_invalidate_lock_paths(struct super_block *sb);
void ext4_sim_filemap_lock_shared(struct address_space *mapping,
				  loff_t start, loff_t end, const char *ip);
void ext4_sim_filemap_unlock_shared(struct address_space *mapping,
				    loff_t start, loff_t end);

/* ---- what paths call ------------------------------------------------------
 * The strategy of a filesystem (of an inode's).  Without one (unit tests
 * that set no strategy) the kernel is v4.4.1 as it was: lockless. */
static inline const struct ext4_lock_ops *ext4_sim_sb_lock_ops(struct super_block *sb)
{
	const struct ext4_lock_ops *ops = EXT4_SB(sb)->s_lock_ops;

	return ops ? ops : &ext4_lock_lockless;
}

static inline const struct ext4_lock_ops *ext4_sim_lock_ops(struct inode *inode)
{
	return ext4_sim_sb_lock_ops(inode->i_sb);
}

static inline enum ext4_kver ext4_sim_kver(struct inode *inode)
{
	return ext4_sim_lock_ops(inode)->kver;
}

static inline bool ext4_sim_lock_has(struct inode *inode, unsigned flag)
{
	return (ext4_sim_lock_ops(inode)->flags & flag) != 0;
}

static inline void ext4_sim__fault_lock(struct inode *inode, loff_t start,
					loff_t end, const char *ip)
{
	const struct ext4_lock_ops *ops = ext4_sim_lock_ops(inode);

	if (ops->fault_lock)
		ops->fault_lock(inode, start, end, ip);
}
#define ext4_sim_fault_lock(inode, start, end) \
	ext4_sim__fault_lock((inode), (start), (end), __func__)

/* True when the shared side is held afterwards (always, without a lock). */
static inline bool ext4_sim__fault_trylock(struct inode *inode, loff_t start,
					   loff_t end, const char *ip)
{
	const struct ext4_lock_ops *ops = ext4_sim_lock_ops(inode);

	return ops->fault_trylock ? ops->fault_trylock(inode, start, end, ip)
				  : true;
}
#define ext4_sim_fault_trylock(inode, start, end) \
	ext4_sim__fault_trylock((inode), (start), (end), __func__)

static inline void ext4_sim_fault_unlock(struct inode *inode, loff_t start,
					 loff_t end)
{
	const struct ext4_lock_ops *ops = ext4_sim_lock_ops(inode);

	if (ops->fault_unlock)
		ops->fault_unlock(inode, start, end);
}

static inline void ext4_sim__remove_lock(struct inode *inode, loff_t start,
					 loff_t end, const char *ip)
{
	const struct ext4_lock_ops *ops = ext4_sim_lock_ops(inode);

	if (ops->remove_lock)
		ops->remove_lock(inode, start, end, ip);
}
#define ext4_sim_remove_lock(inode, start, end) \
	ext4_sim__remove_lock((inode), (start), (end), __func__)

static inline void ext4_sim_remove_unlock(struct inode *inode, loff_t start,
					  loff_t end)
{
	const struct ext4_lock_ops *ops = ext4_sim_lock_ops(inode);

	if (ops->remove_unlock)
		ops->remove_unlock(inode, start, end);
}

/* Design A: the running task already holds i_data_sem (w) for the strategy,
 * so a block-removing path must neither take it again nor let a journal
 * restart drop it. */
static inline bool ext4_sim_data_sem_held_across(struct inode *inode)
{
	return ext4_sim_lock_has(inode, EXT4_LOCK_HOLD_DATA_SEM_ACROSS_JOURNAL) &&
	       EXT4_I(inode)->i_data_sem.writer == sim_current_task();
}

#endif /* FS_EXT4_LOCKING_H */
