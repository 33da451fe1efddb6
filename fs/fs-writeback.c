/* fs/fs-writeback.c — the flusher: which inodes have dirty pages, and the
 * per-fs kernel thread that writes them back, after fs/fs-writeback.c
 * (__mark_inode_dirty, wb_workfn, wb_do_writeback, wb_check_old_data_flush,
 * wb_check_background_flush, wb_writeback, writeback_sb_inodes,
 * __writeback_single_inode, requeue_inode, redirty_tail) and
 * mm/backing-dev.c (wb_wakeup_delayed) of v4.4.
 *
 * An inode joins the fs's dirty list when its first page goes dirty
 * (dirtied_when = now).  The flusher sleeps until woken: by its timer,
 * armed dirty_writeback_interval (5 s) after the list became non-empty
 * and after every pass while it stays so, or by a background request
 * (balance_dirty_pages over dirty_background_ratio, ext4_nonda_switch).
 * A pass (wb_do_writeback): the periodic "kupdate" writeback of every
 * inode dirtied more than dirty_expire_interval (30 s) ago, then
 * background writeback of the oldest inodes while the fs is over the
 * background threshold.  Each inode gets WB_SYNC_NONE ->writepages chunks
 * of MAX_WRITEBACK_PAGES (1024) pages; an inode left dirty with fresh dirt
 * moves to the young end of the list (redirty_tail: dirtied_when = now).
 * The timer is armed only while dirty inodes exist, so an idle world stays
 * idle (the kernel's delayed work behaves the same).
 *
 * Simplified: one flusher per filesystem (one bdi_writeback, no cgroup
 * writeback), no work items (sync(2), WB_SYNC_ALL writeback_inodes_sb are
 * not modelled: fsync goes through filemap_write_and_wait_range), no
 * b_io / b_more_io staging lists (the dirty list is scanned with a bound
 * per round), no I_DIRTY_SYNC inode writeback (ext4 journals inodes), no
 * writeback bandwidth estimation (chunks are MAX_WRITEBACK_PAGES).
 */
#include "config.h"

#include <stdlib.h>

#include "fs/writeback.h"
#include "fs/costs.h"

static void wb_timer_fn(struct sim_world *w, struct sim_event *ev)
{
	struct bdi_writeback *wb = container_of(ev, struct bdi_writeback, timer);

	(void)w;
	sim_waitq_wake_all(&wb->wait);
}

/* wb_wakeup_delayed: a pass dirty_writeback_interval from now, unless one
 * is pending already (queue_delayed_work does not re-arm). */
static void wb_wakeup_delayed(struct bdi_writeback *wb)
{
	if (wb->stopping || !wb->writeback_interval ||
	    sim_list_empty(&wb->b_dirty) || sim_event_pending(&wb->timer))
		return;
	sim_event_schedule(wb->world, &wb->timer, wb->writeback_interval);
}

void __mark_inode_dirty(struct inode *inode, unsigned long flags)
{
	struct bdi_writeback *wb = inode->i_sb->s_bdi_wb;
	const struct super_sim_operations *op = inode->i_sb->s_sim_op;

	/* Metadata dirt: the filesystem's (ext4 journals the inode). */
	if ((flags & (I_DIRTY_SYNC | I_DIRTY_DATASYNC)) && op &&
	    op->dirty_inode)
		op->dirty_inode(inode, (int)flags);
	if (!(flags & I_DIRTY_PAGES))
		return;
	if (inode->i_state & I_DIRTY_PAGES)
		return;
	inode->i_state |= I_DIRTY_PAGES;
	if (!wb)
		return;
	if (!inode->i_io_list.next)
		sim_list_init(&inode->i_io_list);
	/* Under writeback: requeue_inode puts it where it belongs. */
	if (!sim_list_empty(&inode->i_io_list))
		return;
	inode->dirtied_when = sim_world_now(wb->world);
	sim_list_add_tail(&inode->i_io_list, &wb->b_dirty);
	wb_wakeup_delayed(wb);
}

unsigned long wb_sim_nr_dirty(const struct bdi_writeback *wb)
{
	const struct sim_list *pos;
	unsigned long n = 0;

	sim_list_for_each(pos, &wb->b_dirty) {
		const struct inode *inode =
			sim_list_entry(pos, struct inode, i_io_list);

		n += inode->i_mapping->tagged[PAGECACHE_TAG_DIRTY];
	}
	return n;
}

void wb_sim_start_background(struct super_block *sb)
{
	struct bdi_writeback *wb = sb->s_bdi_wb;

	if (!wb || wb->stopping)
		return;
	wb->background = true;
	sim_waitq_wake_all(&wb->wait);
}

/* Over dirty_background_ratio of the page budget (none: never). */
static bool wb_over_bground_thresh(const struct bdi_writeback *wb)
{
	const struct inode *inode;
	unsigned long budget;

	if (sim_list_empty(&wb->b_dirty) || !wb->background_ratio)
		return false;
	inode = sim_list_first_entry(&wb->b_dirty, struct inode, i_io_list);
	if (!inode->i_mapping->mm_sim)
		return false;
	budget = inode->i_mapping->mm_sim->page_budget;
	if (!budget)
		return false;
	return wb_sim_nr_dirty(wb) >
	       (uint64_t)budget * (uint64_t)wb->background_ratio / 100;
}

/* requeue_inode: still dirty → to the young end (redirty_tail: it takes
 * the current time if younger inodes are queued); clean → off the list. */
static void requeue_inode(struct bdi_writeback *wb, struct inode *inode)
{
	struct address_space *mapping = inode->i_mapping;

	sim_list_del(&inode->i_io_list);
	if (!mapping_tagged(mapping, PAGECACHE_TAG_DIRTY)) {
		inode->i_state &= ~I_DIRTY_PAGES;
		return;
	}
	inode->i_state |= I_DIRTY_PAGES;
	if (!sim_list_empty(&wb->b_dirty)) {
		const struct inode *tail = sim_list_entry(wb->b_dirty.prev,
							  struct inode,
							  i_io_list);

		if (inode->dirtied_when < tail->dirtied_when)
			inode->dirtied_when = sim_world_now(wb->world);
	}
	sim_list_add_tail(&inode->i_io_list, &wb->b_dirty);
}

/* __writeback_single_inode + requeue: one WB_SYNC_NONE chunk.  Returns the
 * pages written. */
static long writeback_single_inode(struct bdi_writeback *wb,
				   struct inode *inode, bool kupdate)
{
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_NONE,
		.nr_to_write = MAX_WRITEBACK_PAGES,
		.range_start = 0,
		.range_end = LLONG_MAX_SIM,
		.range_cyclic = 1,
		.for_kupdate = kupdate,
		.for_background = !kupdate,
	};
	long written;

	inode->i_state |= I_SYNC;
	inode->i_state &= ~I_DIRTY_PAGES;
	do_writepages(inode->i_mapping, &wbc);
	written = MAX_WRITEBACK_PAGES - wbc.nr_to_write;
	inode->i_state &= ~I_SYNC;
	sim_waitq_wake_all(&wb->sync_wait);
	wb->stats.inodes_written++;
	wb->stats.pages_written += (uint64_t)written;
	requeue_inode(wb, inode);
	return written;
}

/* wb_writeback: kupdate — every inode dirtied before now - expire, until
 * clean or stuck; background — oldest first while over the threshold. */
static void wb_writeback(struct bdi_writeback *wb, bool kupdate)
{
	sim_time_t oldest = sim_world_now(wb->world) - wb->expire_interval;
	bool progress = true;

	while (progress && !wb->stopping) {
		unsigned n = 0;
		struct sim_list *pos;

		progress = false;
		sim_list_for_each(pos, &wb->b_dirty)
			n++;
		for (unsigned k = 0; k < n && !sim_list_empty(&wb->b_dirty);
		     k++) {
			struct inode *inode =
				sim_list_first_entry(&wb->b_dirty, struct inode,
						     i_io_list);

			if (!kupdate && !wb_over_bground_thresh(wb))
				return;
			if (!mapping_tagged(inode->i_mapping,
					    PAGECACHE_TAG_DIRTY)) {
				/* Written by someone else (fsync). */
				sim_list_del(&inode->i_io_list);
				inode->i_state &= ~I_DIRTY_PAGES;
				continue;
			}
			if (kupdate && inode->dirtied_when > oldest) {
				/* Not expired: look at the next one. */
				sim_list_del(&inode->i_io_list);
				sim_list_add_tail(&inode->i_io_list,
						  &wb->b_dirty);
				continue;
			}
			if (writeback_single_inode(wb, inode, kupdate) > 0)
				progress = true;
		}
	}
}

/* wb_do_writeback: periodic old-data flush, then background flush. */
static void wb_do_writeback(struct bdi_writeback *wb)
{
	sim_time_t now = sim_world_now(wb->world);

	if (wb->writeback_interval &&
	    now >= wb->last_old_flush + wb->writeback_interval) {
		wb->last_old_flush = now;
		if (!sim_list_empty(&wb->b_dirty)) {
			wb->stats.kupdate_passes++;
			wb_writeback(wb, true);
		}
	}
	if (wb->background) {
		wb->background = false;
		if (wb_over_bground_thresh(wb)) {
			wb->stats.background_passes++;
			wb_writeback(wb, false);
		}
	}
}

/* The flusher ("writeback" worker of bdi_wq). */
static void wb_workfn(struct sim_task *t, void *arg)
{
	struct bdi_writeback *wb = arg;

	for (;;) {
		while (!wb->stopping && !wb->background &&
		       !(wb->writeback_interval && !sim_list_empty(&wb->b_dirty) &&
			 sim_world_now(wb->world) >=
				 wb->last_old_flush + wb->writeback_interval))
			sim_waitq_sleep(t, &wb->wait, &wb->wo, "wb_workfn");
		if (wb->stopping)
			return;
		wb->stats.wakeups++;
		wb_do_writeback(wb);
		wb_wakeup_delayed(wb);
	}
}

void inode_sim_wb_detach(struct inode *inode)
{
	struct bdi_writeback *wb = inode->i_sb->s_bdi_wb;

	if (!wb || !inode->i_io_list.next)
		return;
	/* inode_wait_for_writeback */
	while (inode->i_state & I_SYNC)
		sim_waitq_sleep(current, &wb->sync_wait, &wb->wo,
				"inode_wait_for_writeback");
	if (!sim_list_empty(&inode->i_io_list))
		sim_list_del(&inode->i_io_list);
	inode->i_state &= ~I_DIRTY_PAGES;
}

/* ---- set-up ------------------------------------------------------------------------- */

static void wb_wo_for_each_blocker(const struct sim_waitobj *o,
				   const struct sim_task *waiter,
				   sim_blocker_fn fn, void *ctx)
{
	const struct bdi_writeback *wb =
		container_of(o, struct bdi_writeback, wo);

	/* The flusher waits for work; others wait for the flusher. */
	if (wb->task && waiter != wb->task && !sim_task_exited(wb->task))
		fn(wb->task, ctx);
}

static void wb_wo_describe(const struct sim_waitobj *o, char *buf, size_t len)
{
	const struct bdi_writeback *wb =
		container_of(o, struct bdi_writeback, wo);

	snprintf(buf, len, "writeback: %lu dirty pages on the dirty list",
		 wb_sim_nr_dirty(wb));
}

static const struct sim_waitobj_ops wb_wo_ops = {
	.kind = "writeback",
	.for_each_blocker = wb_wo_for_each_blocker,
	.describe = wb_wo_describe,
};

struct bdi_writeback *bdi_sim_writeback_init(struct super_block *sb,
					     const struct fs_costs *costs)
{
	struct bdi_writeback *wb = calloc(1, sizeof(*wb));

	if (!wb)
		return NULL;
	wb->sb = sb;
	wb->world = sb->s_world;
	sim_list_init(&wb->b_dirty);
	sim_waitq_init(&wb->wait);
	sim_waitq_init(&wb->sync_wait);
	sim_event_init(wb->world, &wb->timer, wb_timer_fn);
	wb->wo = (struct sim_waitobj){ .ops = &wb_wo_ops, .name = "writeback" };
	if (costs) {
		wb->writeback_interval = costs->dirty_writeback_interval;
		wb->expire_interval = costs->dirty_expire_interval;
		wb->background_ratio = costs->dirty_background_ratio;
		wb->dirty_ratio = costs->dirty_ratio;
		wb->dirty_pause = costs->dirty_pause;
		wb->fault_in_cost = costs->user_fault_in;
	} else {
		/* The [costs] defaults (fs/workload/options.c). */
		wb->writeback_interval = 5 * SIM_SEC;
		wb->expire_interval = 30 * SIM_SEC;
		wb->background_ratio = 10;
		wb->dirty_ratio = 20;
		wb->dirty_pause = 10 * SIM_MSEC;
		wb->fault_in_cost = 0;
	}
	wb->last_old_flush = sim_world_now(wb->world);
	sb->s_bdi_wb = wb;
	wb->task = fs_task_spawn(wb->world, "writeback", wb_workfn, wb, &wb->ts);
	sim_task_set_daemon(wb->task, true);
	return wb;
}

void bdi_sim_writeback_stop(struct super_block *sb)
{
	struct bdi_writeback *wb = sb->s_bdi_wb;

	if (!wb)
		return;
	wb->stopping = true;
	sim_event_cancel(wb->world, &wb->timer);
	sim_waitq_wake_all(&wb->wait);
}

void bdi_sim_writeback_free(struct super_block *sb)
{
	struct bdi_writeback *wb = sb->s_bdi_wb;

	if (!wb)
		return;
	sim_event_destroy(wb->world, &wb->timer);
	/* Inodes still listed just lose the link (the world is over). */
	while (!sim_list_empty(&wb->b_dirty))
		sim_list_del(wb->b_dirty.next);
	sb->s_bdi_wb = NULL;
	free(wb);
}
