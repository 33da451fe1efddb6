/* fs/writeback.h — writing dirty page-cache data back, and the VFS helpers
 * the write paths share: the subset of include/linux/writeback.h,
 * include/linux/fs.h (file_update_time, inode_dio_*, mark_inode_dirty) and
 * include/linux/pagemap.h (write_begin/write_end plumbing) of v4.4.
 *
 * Who implements what:
 *   fs/mm/writeback.c   write_cache_pages, generic_writepages, do_writepages,
 *                       filemap_fdatawrite_range, filemap_write_and_wait_range,
 *                       redirty_page_for_writepage
 *   fs/mm/write.c       generic_perform_write, __generic_file_write_iter,
 *                       generic_file_direct_write, balance_dirty_pages_ratelimited
 *   fs/fs-writeback.c   the flusher (wb_workfn), __mark_inode_dirty (and
 *                       through it ->dirty_inode: ext4_dirty_inode)
 *   fs/inode.c          file_update_time
 *   fs/ext4/dio.c       inode_dio_wait
 * Page dirty/writeback state itself (set_page_dirty, clear_page_dirty_for_io,
 * set_page_writeback, ...) is fs/mm/page-writeback.c.
 */
#ifndef FS_WRITEBACK_H
#define FS_WRITEBACK_H

#include "fs/mm.h"
#include "fs/uio.h"
#include "fs/task_state.h"

struct fs_costs;

/* ---- writeback_control ------------------------------------------------------ */

enum writeback_sync_modes {
	WB_SYNC_NONE,   /* don't wait on anything: memory cleaning */
	WB_SYNC_ALL,    /* wait on every page: data integrity (fsync) */
};

#define LLONG_MAX_SIM INT64_MAX   /* the kernel's LLONG_MAX range end */

struct writeback_control {
	long nr_to_write;            /* pages left to write; decremented */
	long pages_skipped;          /* pages redirtied instead of written */
	loff_t range_start;
	loff_t range_end;            /* inclusive */
	enum writeback_sync_modes sync_mode;
	unsigned for_kupdate:1;      /* the flusher's periodic old-data pass */
	unsigned for_background:1;   /* the flusher's background pass */
	unsigned tagged_writepages:1;/* tag-and-write to avoid livelock */
	unsigned for_reclaim:1;
	unsigned range_cyclic:1;     /* range_start/end ignored */
	unsigned for_sync:1;
};

typedef int (*writepage_t)(struct page *page, struct writeback_control *wbc,
			   void *data);

int write_cache_pages(struct address_space *mapping,
		      struct writeback_control *wbc, writepage_t writepage,
		      void *data);
/* write_cache_pages with ->writepage. */
int generic_writepages(struct address_space *mapping,
		       struct writeback_control *wbc);
/* ->writepages, else generic_writepages. */
int do_writepages(struct address_space *mapping, struct writeback_control *wbc);
int __filemap_fdatawrite_range(struct address_space *mapping, loff_t start,
			       loff_t end, int sync_mode);
int filemap_fdatawrite_range(struct address_space *mapping, loff_t start,
			     loff_t end);
int filemap_fdatawrite(struct address_space *mapping);
/* Start writeback of [lstart, lend] (inclusive, bytes) with WB_SYNC_ALL
 * and wait for it; nothing to do without pages. */
int filemap_write_and_wait_range(struct address_space *mapping, loff_t lstart,
				 loff_t lend);
int filemap_write_and_wait(struct address_space *mapping);
/* A ->writepage that could not write the page gives it back dirty. */
void redirty_page_for_writepage(struct writeback_control *wbc,
				struct page *page);

/* ---- write_begin / write_end (include/linux/fs.h, pagemap.h) --------------- */

#define AOP_FLAG_UNINTERRUPTIBLE 0x0001
#define AOP_FLAG_CONT_EXPAND     0x0002
#define AOP_FLAG_NOFS            0x0004

/* Find or create the page at index, locked (FGP_LOCK|ACCESSED|WRITE|CREAT),
 * then wait_for_stable_page.  NULL never happens in the model (no memory
 * allocation failure). */
struct page *grab_cache_page_write_begin(struct address_space *mapping,
					 pgoff_t index, unsigned flags);
/* The model has no stable-page bdi: writers never wait for writeback
 * before changing a page (wait_for_stable_page is a no-op unless the
 * backing device asks for stable writes, which ours never does). */
static inline void wait_for_stable_page(struct page *page)
{
	(void)page;
}

/* The buffered-write loop: for each page, fault in the user buffer (a
 * cost), ->write_begin, copy (stamp bytes into the page), ->write_end,
 * balance_dirty_pages_ratelimited.  Returns bytes written or -errno. */
ssize_t generic_perform_write(struct file *file, struct iov_iter *i,
			      loff_t pos);
/* file_update_time, then direct or buffered write (with the buffered
 * fall-back of a short direct write).  Caller holds i_mutex. */
ssize_t __generic_file_write_iter(struct kiocb *iocb, struct iov_iter *from);
ssize_t generic_file_direct_write(struct kiocb *iocb, struct iov_iter *from,
				  loff_t pos);

/* Dirty throttling (mm/page-writeback.c), simplified: over the background
 * threshold the flusher is kicked; over the dirty threshold the writer
 * sleeps dirty_pause at a time until it is not.  Thresholds are percentages
 * of the world's page budget; without a budget nothing throttles. */
void balance_dirty_pages_ratelimited(struct address_space *mapping);

/* ---- the flusher (fs/fs-writeback.c) ----------------------------------------- */

#define I_DIRTY_SYNC     (1ul << 0)
#define I_DIRTY_DATASYNC (1ul << 1)
#define I_DIRTY_PAGES    (1ul << 2)
#define I_SYNC           (1ul << 7)   /* writeback of the inode in progress */

/* MAX_WRITEBACK_PAGES: the chunk the flusher writes per inode per turn. */
#define MAX_WRITEBACK_PAGES 1024

struct bdi_writeback_stats {
	uint64_t wakeups;            /* passes of the flusher loop */
	uint64_t kupdate_passes;     /* old-data passes that found expired inodes */
	uint64_t background_passes;
	uint64_t inodes_written;     /* __writeback_single_inode calls */
	uint64_t pages_written;      /* nr_to_write consumed */
	uint64_t throttled;          /* balance_dirty_pages sleeps */
};

/* One per filesystem (sb->s_bdi_wb): the dirty-inode list in dirtied_when
 * order and the flusher task that drains it. */
struct bdi_writeback {
	struct super_block *sb;
	struct sim_world *world;
	struct sim_list b_dirty;     /* inodes with I_DIRTY_PAGES, oldest first */
	struct sim_task *task;       /* the flusher, "writeback" */
	struct fs_task_state ts;     /* its journal handle storage */
	struct sim_waitq wait;       /* the flusher sleeps here */
	struct sim_event timer;      /* next periodic wake-up, armed while
				      * dirty inodes exist (wb_wakeup_delayed) */
	struct sim_waitobj wo;       /* what waiters on the flusher block on */
	bool background;             /* background writeback requested */
	bool stopping;
	sim_time_t last_old_flush;
	/* parameters ([costs], fs/costs.h) */
	sim_time_t writeback_interval;
	sim_time_t expire_interval;
	int64_t background_ratio, dirty_ratio;
	sim_time_t dirty_pause;
	sim_time_t fault_in_cost;    /* user_fault_in, for generic_perform_write */
	struct sim_waitq sync_wait;  /* inode_sim_wb_detach waits out I_SYNC */
	struct bdi_writeback_stats stats;
};

/* Create the per-fs writeback state and spawn the flusher (a daemon);
 * costs: the [costs] section (NULL: documented defaults). */
struct bdi_writeback *bdi_sim_writeback_init(struct super_block *sb,
					     const struct fs_costs *costs);
/* From a task: stop the flusher (it exits after its current pass). */
void bdi_sim_writeback_stop(struct super_block *sb);
/* Free the state (no task may use it any more). */
void bdi_sim_writeback_free(struct super_block *sb);
/* The inode's pages went dirty (flags I_DIRTY_PAGES) or its metadata did
 * (I_DIRTY_SYNC/DATASYNC: the filesystem's ->dirty_inode, sb->s_sim_op;
 * ext4 journals it). */
void __mark_inode_dirty(struct inode *inode, unsigned long flags);
/* The inode is going away: take it off the dirty list. */
void inode_sim_wb_detach(struct inode *inode);
/* Kick background writeback (never blocks). */
void wb_sim_start_background(struct super_block *sb);
/* Dirty pages over all dirty inodes of the fs (DIRTY-tagged pages). */
unsigned long wb_sim_nr_dirty(const struct bdi_writeback *wb);

/* ---- VFS helpers of the write paths ------------------------------------------ */

/* mtime/ctime update; if the (jiffy-granular) time changed, dirty the
 * inode (ext4: a small handle, FIDELITY 2.2 step 1).  0 or -errno. */
int file_update_time(struct file *file);
/* The inode's metadata changed: ->dirty_inode (ext4_dirty_inode journals
 * it, in a nested handle if one is held).  Simplified: the kernel's
 * I_DIRTY also carries I_DIRTY_PAGES; here an inode joins the flusher's
 * list only when one of its pages goes dirty. */
static inline void mark_inode_dirty(struct inode *inode)
{
	__mark_inode_dirty(inode, I_DIRTY_SYNC | I_DIRTY_DATASYNC);
}

/* Direct IO accounting (include/linux/fs.h, fs/inode.c).  begin/end are
 * counted under i_mutex by the writers so inode_dio_wait is exact. */
static inline void inode_dio_begin(struct inode *inode)
{
	inode->i_dio_count++;
}

static inline void inode_dio_end(struct inode *inode)
{
	SIM_BUG_ON(inode->i_dio_count == 0);
	if (--inode->i_dio_count == 0)
		sim_waitq_wake_all(&inode->i_dio_wq);
}

/* Sleep until no direct IO is in flight on the inode. */
void inode_dio_wait(struct inode *inode);

/* sb_start_write / sb_start_pagefault: freeze protection.  The model never
 * freezes a filesystem, so these are no-ops kept at the kernel's call
 * sites (they rank first in FIDELITY 1.3's order). */
static inline void sb_start_write(struct super_block *sb) { (void)sb; }
static inline void sb_end_write(struct super_block *sb) { (void)sb; }
static inline void sb_start_pagefault(struct super_block *sb) { (void)sb; }
static inline void sb_end_pagefault(struct super_block *sb) { (void)sb; }

#endif /* FS_WRITEBACK_H */
