/* fs/ext4/lock-range_lock.c — strategy "range_lock": invalidate_lock made
 * a range lock.  A design, not a kernel version.
 *
 * What is new: nothing in mainline locks the page cache by range.  Every
 * kernel from v4.5 on serializes page-cache filling against hole punching
 * with one rw_semaphore per file (ext4's i_mmap_sem, then v5.15's
 * mapping->invalidate_lock), so a fault anywhere in a file waits for a
 * punch anywhere in it.  This strategy asks what a per-mapping range lock
 * would buy: faults and reads lock only the pages they create or map,
 * block-removing paths only the bytes they remove.  It follows the
 * proposals posted and not merged [unverified: from memory and from
 * copies of the 2017 code in third-party trees, not from a kernel tree]:
 * Jan Kara's "[RFC] Implement range locks" (2013: a mapping range lock
 * taken by the page-cache filling and truncating paths) and Davidlohr
 * Bueso's "locking: Introduce range reader/writer lock" (2017, with Jan
 * Kara; range_read_lock / range_write_lock over an interval tree).  The
 * lock itself is sim/engine/range_lock.c.
 *
 * Step order: [5.15] (yhuan416/linux-5.15.24 @ 0ea83df25009), the
 * invalidate_lock series (730633f0b7f9, d4f5258eae7b; merge aa99f3c2b9c7)
 * exactly — the same call sites and flags as lock-invalidate_lock.c, so
 * read(2) and readahead page creation are covered too, and cached
 * uptodate pages are mapped without the lock (EXT4_LOCK_FAULT_FAST_PATH).
 * Only what each call locks differs:
 *   shared    ext4_filemap_fault's slow path (filemap_fault): the faulting
 *             page; ext4_page_mkwrite: its page; ext4_dax_fault: the page;
 *             ext4_dax_pmd_fault: the whole PMD it may map;
 *             page_cache_ra_unbounded: the batch of pages it creates;
 *             filemap_create_page / filemap_update_page: their page.
 *             Fault-around (filemap_map_pages) takes no lock in v5.15 and
 *             none here: it only maps pages that are cached, uptodate and
 *             still in the mapping under their page lock (FIDELITY 2.1,
 *             3.2), so the range it maps is never created under it.
 *   exclusive ext4_punch_hole and ext4_zero_range: their byte range
 *             (punch: clipped at the page holding EOF, as the kernel
 *             clips it; zero range: its block-aligned interior, the part
 *             it truncates and converts); ext4_collapse_range and
 *             ext4_insert_range: from the offset to EOF, since they shift
 *             every extent after it; ext4_setattr (size): from the lower
 *             of the old and new size to EOF; ext4_truncate_failed_write:
 *             from i_size to EOF.
 * Order: as invalidate_lock's (i_rwsem > range lock > i_mmap_rwsem;
 * mmap_lock > range lock > page lock; range lock > transaction start).
 * Taking a second range while holding one is recursive locking to lockdep
 * (one class): no path does.
 * Expected: no window the regression scenarios find (every page a fault
 * or read creates overlaps the range a remover holds exclusively, from
 * before its page-cache truncation until its blocks are gone); faults
 * and reads away from a punch no longer wait for it.  Whether that pays
 * off is workloads/range_lock.cfg's question.
 */
#include "config.h"

#include "fs/ext4/locking.h"

/* The mapping's range lock, set up at its first use. */
static struct sim_range_lock *ext4_sim_range_lock_of(struct inode *inode)
{
	struct sim_range_lock *rl = &inode->i_mapping->range_lock;

	if (!rl->wo.ops)
		sim_range_lock_init(inode->i_sb->s_world, rl, "range_lock");
	return rl;
}

/* range_read_lock */
static void ext4_sim_range_read_lock(struct inode *inode, loff_t start,
				     loff_t end, const char *ip)
{
	sim_range_read_lock(current, ext4_sim_range_lock_of(inode), start, end,
			    ip);
}

/* range_read_trylock */
static bool ext4_sim_range_read_trylock(struct inode *inode, loff_t start,
					loff_t end, const char *ip)
{
	return sim_range_read_trylock(current, ext4_sim_range_lock_of(inode),
				      start, end, ip);
}

/* range_read_unlock / range_write_unlock */
static void ext4_sim_range_unlock(struct inode *inode, loff_t start,
				  loff_t end)
{
	sim_range_unlock(current, ext4_sim_range_lock_of(inode), start, end);
}

/* range_write_lock */
static void ext4_sim_range_write_lock(struct inode *inode, loff_t start,
				      loff_t end, const char *ip)
{
	sim_range_write_lock(current, ext4_sim_range_lock_of(inode), start,
			     end, ip);
}

const struct ext4_lock_ops ext4_lock_range_lock = {
	.name = "range_lock",
	.summary = "design: v5.15 with invalidate_lock as a range lock (faults/reads lock their pages, removers their bytes)",
	.kver = EXT4_KVER_5_15,
	.flags = EXT4_LOCK_READ_PATHS | EXT4_LOCK_FAULT_FAST_PATH |
		 EXT4_LOCK_BEFORE_ISIZE,
	.lock = EXT4_SIM_LOCK_RANGE,
	.shared_paths = EXT4_SIM_PATHS_SHARED,
	.exclusive_paths = EXT4_SIM_PATHS_EXCLUSIVE,
	.fault_lock = ext4_sim_range_read_lock,
	.fault_trylock = ext4_sim_range_read_trylock,
	.fault_unlock = ext4_sim_range_unlock,
	.remove_lock = ext4_sim_range_write_lock,
	.remove_unlock = ext4_sim_range_unlock,
};
