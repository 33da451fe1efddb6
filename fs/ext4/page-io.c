/* fs/ext4/page-io.c — writeback IO: io_ends, write bios, their completion,
 * and the conversion of unwritten extents after the data is on disk, after
 * fs/ext4/page-io.c of v4.4.1 (ext4_init_io_end, ext4_get_io_end,
 * ext4_put_io_end, ext4_put_io_end_defer, ext4_release_io_end,
 * ext4_end_io, ext4_end_bio, ext4_finish_bio, ext4_io_submit,
 * io_submit_add_bh, ext4_bio_write_page) and ext4's rsv_conversion_wq.
 *
 * ext4_bio_write_page writes every dirty buffer that is mapped and neither
 * delayed nor unwritten to its b_blocknr — no extent lookup: a buffer
 * mapped before its block was punched out writes into whatever the block
 * is now (FIDELITY 2.6, 3.1).  The data reaches the disk when the bio
 * completes: ext4_end_bio copies each buffer's bytes from the page into
 * the block (fs/block/disk.c), which reports whether the block still belongs to
 * (inode, lblk); a foreign write goes to the oracle.  Taking the bytes at
 * completion (not submission) is the model's choice of when DMA reads the
 * page; a store in between lands in this IO or the next, both legal.
 *
 * Unwritten conversion (dioread_nolock writeback): the last bio of an
 * io_end hands it to a per-fs worker task, which converts with a normal
 * handle (ext4_convert_unwritten_extents without a handle starts one per
 * extent) — the kernel passes a reserved handle that may join a T_LOCKED
 * transaction; jbd2 here has no reserved handles, so the worker may wait
 * for a commit, which the kernel's never does.  The pages' writeback ends
 * only after the conversion, as in the kernel.
 *
 * Wait-for graph: a page under writeback names its bio (page->wb_via).
 * The bio's waitobj names the task building it until ext4_io_submit —
 * ext4_writepages keeps it open across ext4_map_blocks of the next extent
 * and the journal stop, as [4.4.1] does ([5.15] stops a synchronous
 * handle only after submitting, because its commit may wait for these
 * pages) — nobody while
 * the device has it, and for unwritten extents the io_end's holder (the
 * submitter while it keeps its reference, then whoever converts).  So a
 * task waiting for such a page's writeback while the builder waits for it
 * closes a cycle the deadlock detector reports.
 *
 * Simplified: no bio merging by the device (fs/block/block.c serves bios as
 * submitted; a bio here covers up to 256 contiguous blocks, as
 * BIO_MAX_PAGES pages of 4 KiB); no IO errors; no encryption; no
 * i_ioend_count / i_unwritten waits (nothing in the model waits for them).
 * io_ends and bios come from per-fs pools (never freed before the end).
 */
#include "config.h"

#include <stdlib.h>

#include "fs/ext4/writes_internal.h"
#include "fs/costs.h"
#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"

#define EXT4_SIM_POOL_CHUNK 16

static const struct sim_waitobj_ops ext4_sim_wbio_wo_ops;

static void *ext4_sim_io_chunk(struct ext4_sim_io *io, size_t size)
{
	void *p = calloc(EXT4_SIM_POOL_CHUNK, size);

	SIM_BUG_ON(!p);
	if (io->nchunks == io->chunks_cap) {
		io->chunks_cap = io->chunks_cap ? 2 * io->chunks_cap : 16;
		io->chunks = realloc(io->chunks,
				     io->chunks_cap * sizeof(*io->chunks));
		SIM_BUG_ON(!io->chunks);
	}
	io->chunks[io->nchunks++] = p;
	return p;
}

static struct ext4_sim_wbio *ext4_sim_wbio_alloc(struct ext4_sim_io *io)
{
	struct ext4_sim_wbio *wb;

	if (!io->free_bios) {
		struct ext4_sim_wbio *c = ext4_sim_io_chunk(io, sizeof(*c));

		for (int i = EXT4_SIM_POOL_CHUNK - 1; i >= 0; i--) {
			c[i].wo = (struct sim_waitobj){
				.ops = &ext4_sim_wbio_wo_ops,
				.name = "ext4 write bio" };
			c[i].next = io->free_bios;
			io->free_bios = &c[i];
		}
	}
	wb = io->free_bios;
	io->free_bios = wb->next;
	wb->next = NULL;
	wb->nr = 0;
	wb->io_end = NULL;
	/* Until ext4_io_submit nothing but its builder can send it off. */
	wb->holder = sim_current_task();
	bio_init(&wb->bio);
	return wb;
}

static void ext4_sim_wbio_free(struct ext4_sim_io *io, struct ext4_sim_wbio *wb)
{
	wb->next = io->free_bios;
	io->free_bios = wb;
}

/* ---- io_end ---------------------------------------------------------------------- */

ext4_io_end_t *ext4_init_io_end(struct inode *inode)
{
	struct ext4_sim_io *io = ext4_sim_io(inode->i_sb);
	ext4_io_end_t *e;

	if (!io->free_ends) {
		ext4_io_end_t *c = ext4_sim_io_chunk(io, sizeof(*c));

		for (int i = EXT4_SIM_POOL_CHUNK - 1; i >= 0; i--) {
			c[i].next_free = io->free_ends;
			io->free_ends = &c[i];
		}
	}
	e = io->free_ends;
	io->free_ends = e->next_free;
	*e = (ext4_io_end_t){ .inode = inode, .count = 1,
			      .holder = sim_current_task() };
	sim_list_init(&e->list);
	return e;
}

ext4_io_end_t *ext4_get_io_end(ext4_io_end_t *io_end)
{
	io_end->count++;
	return io_end;
}

/* Every buffer of the bio has left IO: a page whose buffers all did ends
 * writeback (the kernel checks BH_Async_Write under BH_Uptodate_Lock). */
static void ext4_finish_bio(struct ext4_sim_wbio *wb)
{
	for (unsigned i = 0; i < wb->nr; i++)
		clear_buffer_async_write(wb->bhs[i]);
	for (unsigned i = 0; i < wb->nr; i++) {
		struct page *page = wb->bhs[i]->b_page;
		struct buffer_head *head, *bh;
		bool under_io = false;

		/* A page's buffers sit next to each other in the bio. */
		if (i > 0 && wb->bhs[i - 1]->b_page == page)
			continue;
		bh = head = page_buffers(page);
		do {
			if (buffer_async_write(bh))
				under_io = true;
			bh = bh->b_this_page;
		} while (bh != head);
		if (!under_io)
			end_page_writeback(page);
		else if (page->wb_via == &wb->wo)
			/* Its other buffers are in bios submitted before
			 * this one (a page's bios are built in order): the
			 * device has them.  The bio goes back to the pool,
			 * so nothing may point at it. */
			page->wb_via = NULL;
	}
}

static void ext4_release_io_end(ext4_io_end_t *io_end)
{
	struct ext4_sim_io *io = ext4_sim_io(io_end->inode->i_sb);
	struct ext4_sim_wbio *wb, *next;

	SIM_BUG_ON(!sim_list_empty(&io_end->list));
	SIM_BUG_ON(io_end->flag & EXT4_IO_END_UNWRITTEN);
	for (wb = io_end->bio; wb; wb = next) {
		next = wb->next;
		ext4_finish_bio(wb);
		ext4_sim_wbio_free(io, wb);
	}
	io_end->next_free = io->free_ends;
	io->free_ends = io_end;
}

/* Convert the written range of unwritten extents to written. Truncate and
 * punch wait for page writeback (and DIO), so the range cannot be removed
 * meanwhile. */
static int ext4_end_io(ext4_io_end_t *io_end)
{
	struct inode *inode = io_end->inode;
	int ret;

	ret = ext4_convert_unwritten_extents(NULL, inode, io_end->offset,
					     io_end->size);
	ext4_sim_io(inode->i_sb)->stats.conversions++;
	io_end->flag &= ~EXT4_IO_END_UNWRITTEN;
	ext4_release_io_end(io_end);
	return ret;
}

int ext4_put_io_end(ext4_io_end_t *io_end)
{
	int err = 0;

	SIM_BUG_ON(io_end->count <= 0);
	if (--io_end->count == 0) {
		/* The last reference: this task converts, the pages wait
		 * for it. */
		io_end->holder = current;
		if (io_end->flag & EXT4_IO_END_UNWRITTEN) {
			err = ext4_convert_unwritten_extents(NULL,
					io_end->inode, io_end->offset,
					io_end->size);
			ext4_sim_io(io_end->inode->i_sb)->stats.conversions++;
			io_end->flag &= ~EXT4_IO_END_UNWRITTEN;
		}
		ext4_release_io_end(io_end);
	} else if (io_end->holder == current) {
		/* What is left is bios in flight: the device's. */
		io_end->holder = NULL;
	}
	return err;
}

void ext4_put_io_end_defer(ext4_io_end_t *io_end)
{
	struct ext4_sim_io *io = ext4_sim_io(io_end->inode->i_sb);

	SIM_BUG_ON(io_end->count <= 0);
	if (--io_end->count) {
		/* A task dropping its reference (ext4_writepage) no longer
		 * holds the io_end up; a bio completing (event context,
		 * current == NULL) changes nothing for the holder. */
		if (current && io_end->holder == current)
			io_end->holder = NULL;
		return;
	}
	if (!(io_end->flag & EXT4_IO_END_UNWRITTEN) || !io_end->size) {
		io_end->flag &= ~EXT4_IO_END_UNWRITTEN;
		ext4_release_io_end(io_end);
		return;
	}
	/* ext4_add_complete_io: queue for the conversion worker, which the
	 * pages now wait for. */
	io_end->holder = io->worker;
	sim_list_add_tail(&io_end->list, &io->conversion_list);
	sim_waitq_wake_all(&io->worker_wait);
}

/* The rsv_conversion_wq worker (ext4_end_io_rsv_work). */
static void ext4_sim_conversion_worker(struct sim_task *t, void *arg)
{
	struct ext4_sim_io *io = arg;

	for (;;) {
		ext4_io_end_t *io_end;

		while (sim_list_empty(&io->conversion_list) && !io->stopping)
			sim_waitq_sleep(t, &io->worker_wait, &io->worker_wo,
					"ext4_end_io_rsv_work");
		if (sim_list_empty(&io->conversion_list))
			return;
		io_end = sim_list_first_entry(&io->conversion_list,
					      ext4_io_end_t, list);
		sim_list_del(&io_end->list);
		ext4_end_io(io_end);
	}
}

/* ---- write bios ----------------------------------------------------------------------- */

/* The data of every buffer of the bio reaches its block. */
static void ext4_sim_wbio_land(struct ext4_sim_wbio *wb)
{
	struct inode *inode = wb->io_end->inode;
	struct super_block *sb = inode->i_sb;
	struct ext4_sim_io *io = ext4_sim_io(sb);
	struct ext4_sim_disk *d = EXT4_SB(sb)->s_disk;
	unsigned bbits = sb->s_blocksize_bits;

	for (unsigned i = 0; i < wb->nr; i++) {
		struct buffer_head *bh = wb->bhs[i];
		struct page *page = bh->b_page;
		uint32_t lblk = (uint32_t)((page->index << (PAGE_SHIFT - bbits)) +
					   bh_sim_index(bh));
		struct ext4_sim_owner was;
		bool foreign;

		foreign = ext4_sim_disk_write(d, bh->b_blocknr, 0, bh->b_size,
					      &page->contents, bh_offset(bh),
					      (uint32_t)inode->i_ino, lblk,
					      &was);
		io->stats.blocks_written++;
		if (foreign)
			io->stats.foreign_writes++;
		fs_oracle_disk_write(sb, inode, lblk, bh->b_blocknr, foreign,
				     &was, "writeback");
	}
}

/* Completion, in event context: must not block. */
static void ext4_end_bio(struct bio *bio)
{
	struct ext4_sim_wbio *wb = container_of(bio, struct ext4_sim_wbio, bio);
	ext4_io_end_t *io_end = wb->io_end;

	bio->bi_end_io = NULL;
	ext4_sim_wbio_land(wb);
	if (io_end->flag & EXT4_IO_END_UNWRITTEN) {
		/* Pages stay under writeback until the conversion. */
		wb->next = io_end->bio;
		io_end->bio = wb;
		ext4_put_io_end_defer(io_end);
	} else {
		ext4_put_io_end_defer(io_end);
		ext4_finish_bio(wb);
		ext4_sim_wbio_free(ext4_sim_io(io_end->inode->i_sb), wb);
	}
}

void ext4_io_submit_init(struct ext4_io_submit *io,
			 struct writeback_control *wbc)
{
	io->io_wbc = wbc;
	io->io_bio = NULL;
	io->io_end = NULL;
	io->io_next_block = 0;
}

void ext4_io_submit(struct ext4_io_submit *io)
{
	struct ext4_sim_wbio *wb = io->io_bio;

	if (wb) {
		int rw = WRITE;

		/* From here the device completes it on its own. */
		wb->holder = NULL;
		if (io->io_wbc->sync_mode == WB_SYNC_ALL)
			rw |= REQ_SYNC;
		ext4_sim_io(wb->io_end->inode->i_sb)->stats.bios++;
		submit_bio(rw, &wb->bio);
	}
	io->io_bio = NULL;
}

static void io_submit_init_bio(struct ext4_io_submit *io,
			       struct buffer_head *bh)
{
	struct super_block *sb = io->io_end->inode->i_sb;
	struct ext4_sim_wbio *wb = ext4_sim_wbio_alloc(ext4_sim_io(sb));

	wb->bio.bi_bdev = &EXT4_SB(sb)->s_disk->bdev;
	wb->bio.bi_iter.bi_sector = bh->b_blocknr * (bh->b_size >> SECTOR_SHIFT);
	wb->bio.bi_iter.bi_size = 0;
	wb->bio.bi_end_io = ext4_end_bio;
	wb->io_end = ext4_get_io_end(io->io_end);
	io->io_bio = wb;
	io->io_next_block = bh->b_blocknr;
}

static void io_submit_add_bh(struct ext4_io_submit *io,
			     struct buffer_head *bh)
{
	if (io->io_bio && (bh->b_blocknr != io->io_next_block ||
			   io->io_bio->nr == EXT4_SIM_BIO_BLOCKS))
		ext4_io_submit(io);
	if (!io->io_bio)
		io_submit_init_bio(io, bh);
	io->io_bio->bhs[io->io_bio->nr++] = bh;
	io->io_bio->bio.bi_iter.bi_size += bh->b_size;
	io->io_next_block++;
}

int ext4_bio_write_page(struct ext4_io_submit *io, struct page *page,
			int len, struct writeback_control *wbc,
			bool keep_towrite)
{
	struct inode *inode = page->mapping->host;
	struct ext4_sim_io *sio = ext4_sim_io(inode->i_sb);
	struct buffer_head *bh, *head;
	int nr_submitted = 0;

	(void)wbc;
	SIM_BUG_ON(!PageLocked(page));
	SIM_BUG_ON(PageWriteback(page));
	ext4_sim_charge_cpu(ext4_sim_costs(inode->i_sb)->writeback_page);

	if (keep_towrite)
		set_page_writeback_keepwrite(page);
	else
		set_page_writeback(page);
	ClearPageError(page);

	/* The page straddles i_size: what lies past EOF is zeroed on every
	 * writeout, since it may be mmapped. */
	if (len < (int)PAGE_SIZE)
		zero_user_segment(page, (unsigned)len, PAGE_SIZE);

	/* Mark first, submit second, so end_page_writeback cannot run while
	 * later buffers are still being added. */
	bh = head = page_buffers(page);
	do {
		unsigned block_start = bh_offset(bh);

		if (block_start >= (unsigned)len) {
			clear_buffer_dirty(bh);
			set_buffer_uptodate(bh);
			continue;
		}
		if (!buffer_dirty(bh) || buffer_delay(bh) ||
		    !buffer_mapped(bh) || buffer_unwritten(bh)) {
			/* A hole? We can safely clear the dirty bit */
			if (!buffer_mapped(bh))
				clear_buffer_dirty(bh);
			if (io->io_bio)
				ext4_io_submit(io);
			continue;
		}
		if (buffer_new(bh)) {
			clear_buffer_new(bh);
			unmap_underlying_metadata(inode->i_sb, bh->b_blocknr);
		}
		set_buffer_async_write(bh);
	} while ((bh = bh->b_this_page) != head);

	/* Now submit buffers to write: straight to b_blocknr. */
	bh = head;
	do {
		if (!buffer_async_write(bh))
			continue;
		io_submit_add_bh(io, bh);
		/* Waiting for this page's writeback now waits for
		 * io->io_bio (its builder, until ext4_io_submit).  The last
		 * bio wins: the page's earlier bios were submitted when this
		 * one was started. */
		page_sim_set_wb_via(page, &io->io_bio->wo);
		nr_submitted++;
		clear_buffer_dirty(bh);
	} while ((bh = bh->b_this_page) != head);

	unlock_page(page);
	/* Nothing submitted - we have to end page writeback */
	if (!nr_submitted)
		end_page_writeback(page);
	else
		sio->stats.pages_submitted++;
	return 0;
}

/* ---- the bio in the wait-for graph ------------------------------------------------------- */

/* Tasks a page in this bio waits for before its writeback can end: the
 * builder while the bio is unsubmitted (ext4_writepages keeps it across
 * the next extent's ext4_map_blocks — i_data_sem, mballoc — and the
 * journal stop); for unwritten extents also whoever holds the io_end up
 * (its submitter's reference, the task or worker converting).  Nobody
 * while the device has it. */
static void ext4_sim_wbio_for_each_blocker(const struct sim_waitobj *o,
					   const struct sim_task *waiter,
					   sim_blocker_fn fn, void *ctx)
{
	const struct ext4_sim_wbio *wb =
		container_of(o, struct ext4_sim_wbio, wo);
	const ext4_io_end_t *io_end = wb->io_end;

	(void)waiter;
	if (wb->holder)
		fn(wb->holder, ctx);
	if (io_end && (io_end->flag & EXT4_IO_END_UNWRITTEN) &&
	    io_end->holder && io_end->holder != wb->holder)
		fn(io_end->holder, ctx);
}

static void ext4_sim_wbio_describe(const struct sim_waitobj *o, char *buf,
				   size_t len)
{
	const struct ext4_sim_wbio *wb =
		container_of(o, struct ext4_sim_wbio, wo);
	const ext4_io_end_t *io_end = wb->io_end;

	if (wb->holder)
		snprintf(buf, len, "write bio of %u blocks built by %s, not "
			 "submitted", wb->nr, sim_task_name(wb->holder));
	else if (io_end && (io_end->flag & EXT4_IO_END_UNWRITTEN))
		snprintf(buf, len, "write bio of %u blocks, unwritten "
			 "conversion by %s", wb->nr, io_end->holder ?
			 sim_task_name(io_end->holder) : "IO completion");
	else
		snprintf(buf, len, "write bio of %u blocks, submitted", wb->nr);
}

static const struct sim_waitobj_ops ext4_sim_wbio_wo_ops = {
	.kind = "bio",
	.for_each_blocker = ext4_sim_wbio_for_each_blocker,
	.describe = ext4_sim_wbio_describe,
};

/* ---- per-fs set-up ---------------------------------------------------------------------- */

static void ext4_sim_worker_for_each_blocker(const struct sim_waitobj *o,
					     const struct sim_task *waiter,
					     sim_blocker_fn fn, void *ctx)
{
	/* Waiting for work: nobody in particular owes it. */
	(void)o;
	(void)waiter;
	(void)fn;
	(void)ctx;
}

static void ext4_sim_worker_describe(const struct sim_waitobj *o, char *buf,
				     size_t len)
{
	(void)o;
	snprintf(buf, len, "ext4-rsv-conversion: waiting for completed IO");
}

static const struct sim_waitobj_ops ext4_sim_worker_wo_ops = {
	.kind = "workqueue",
	.for_each_blocker = ext4_sim_worker_for_each_blocker,
	.describe = ext4_sim_worker_describe,
};

int ext4_sim_io_init(struct super_block *sb)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	struct ext4_sim_io *io = calloc(1, sizeof(*io));

	if (!io)
		return -ENOMEM;
	io->sb = sb;
	sim_list_init(&io->conversion_list);
	sim_waitq_init(&io->worker_wait);
	io->worker_wo = (struct sim_waitobj){ .ops = &ext4_sim_worker_wo_ops,
					      .name = "ext4-rsv-conversion" };
	ext4_sim_aops_init(&io->aops, &io->da_aops);
	sbi->s_sim_io = io;
	io->worker = fs_task_spawn(sbi->s_world, "ext4-rsv-conver",
				   ext4_sim_conversion_worker, io,
				   &io->worker_ts);
	sim_task_set_daemon(io->worker, true);
	return 0;
}

void ext4_sim_io_stop(struct super_block *sb)
{
	struct ext4_sim_io *io = ext4_sim_io(sb);

	if (!io)
		return;
	io->stopping = true;
	sim_waitq_wake_all(&io->worker_wait);
}

void ext4_sim_io_free(struct super_block *sb)
{
	struct ext4_sim_io *io = ext4_sim_io(sb);

	if (!io)
		return;
	for (unsigned i = 0; i < io->nchunks; i++)
		free(io->chunks[i]);
	free(io->chunks);
	free(io);
	EXT4_SB(sb)->s_sim_io = NULL;
}

void ext4_sim_set_read_aops(struct super_block *sb,
			    int (*readpage)(struct file *, struct page *),
			    int (*readpages)(struct file *,
					     struct address_space *,
					     struct sim_list *, unsigned))
{
	struct ext4_sim_io *io = ext4_sim_io(sb);

	SIM_BUG_ON(!io);
	io->aops.readpage = io->da_aops.readpage = readpage;
	io->aops.readpages = io->da_aops.readpages = readpages;
}

const struct ext4_sim_io_stats *ext4_sim_io_stats(struct super_block *sb)
{
	return &ext4_sim_io(sb)->stats;
}
