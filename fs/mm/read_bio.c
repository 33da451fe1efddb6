/* fs/mm/read_bio.c — bios that read file data into page-cache pages: the
 * bio + bio_vec[] of the kernel's readpage paths (block/bio.c bio_alloc,
 * bio_add_page, submit_bio, v4.4) with the data movement the model needs.
 *
 * A read bio covers contiguous disk blocks.  At completion — the moment the
 * device's DMA is done — each block's disk contents (fs/block/disk.h) are copied
 * into its page at the vector's offset, then the owner's end_io runs
 * (mpage_end_io, end_buffer_async_read), which sets PG_uptodate and
 * unlocks.  Reading the disk at completion rather than at submission is
 * what the hardware does; it matters when a write lands in the block while
 * the read is in flight.
 *
 * Until submission the bio is its builder's: a task that waits in
 * lock_page for one of its pages waits for that task (rb->wo, named by the
 * page's lock_io_via), so a builder blocked before submitting (on
 * i_data_sem, mapping the next page) can close a wait-for cycle.
 *
 * Storage: a per-filesystem pool (the kernel's fs_bio_set) that grows in
 * chunks and recycles bios, so steady-state IO allocates nothing; freed at
 * unmount (sim_rbio_pool_destroy, from ext4_sim_unmount).
 */
#include "config.h"

#include <stdlib.h>

#include "fs/mm/fault.h"
#include "fs/block/disk.h"

#define RBIO_PER_CHUNK 32

struct sim_rbio_pool {
	struct sim_rbio *free;
	void **chunks;
	unsigned nchunks, cap;
	uint64_t in_use;
};

static struct sim_rbio_pool *rbio_pool(struct super_block *sb)
{
	if (!sb->s_sim_rbio_pool) {
		sb->s_sim_rbio_pool = calloc(1, sizeof(struct sim_rbio_pool));
		SIM_BUG_ON(!sb->s_sim_rbio_pool);
	}
	return sb->s_sim_rbio_pool;
}

static void sim_rbio_for_each_blocker(const struct sim_waitobj *o,
				      const struct sim_task *waiter,
				      sim_blocker_fn fn, void *ctx)
{
	const struct sim_rbio *rb = container_of(o, struct sim_rbio, wo);

	(void)waiter;
	if (rb->holder)
		fn(rb->holder, ctx);
}

static void sim_rbio_describe(const struct sim_waitobj *o, char *buf,
			      size_t len)
{
	const struct sim_rbio *rb = container_of(o, struct sim_rbio, wo);

	if (rb->holder)
		snprintf(buf, len, "read bio of %u pages built by %s, not "
			 "submitted", rb->vcnt, sim_task_name(rb->holder));
	else
		snprintf(buf, len, "read bio of %u pages, submitted", rb->vcnt);
}

static const struct sim_waitobj_ops sim_rbio_wo_ops = {
	.kind = "bio",
	.for_each_blocker = sim_rbio_for_each_blocker,
	.describe = sim_rbio_describe,
};

static void rbio_pool_grow(struct sim_rbio_pool *p)
{
	struct sim_rbio *chunk = calloc(RBIO_PER_CHUNK, sizeof(*chunk));

	SIM_BUG_ON(!chunk);
	if (p->nchunks == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 8;
		p->chunks = realloc(p->chunks, p->cap * sizeof(void *));
		SIM_BUG_ON(!p->chunks);
	}
	p->chunks[p->nchunks++] = chunk;
	for (int i = RBIO_PER_CHUNK - 1; i >= 0; i--) {
		chunk[i].wo = (struct sim_waitobj){ .ops = &sim_rbio_wo_ops,
						    .name = "read bio" };
		chunk[i].next_free = p->free;
		p->free = &chunk[i];
	}
}

void sim_rbio_pool_destroy(struct super_block *sb)
{
	struct sim_rbio_pool *p = sb->s_sim_rbio_pool;

	if (!p)
		return;
	for (unsigned i = 0; i < p->nchunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	free(p);
	sb->s_sim_rbio_pool = NULL;
}

/* The device finished: the data lands in the pages, then the owner
 * completes them. */
static void sim_rbio_endio(struct bio *bio)
{
	struct sim_rbio *rb = container_of(bio, struct sim_rbio, bio);
	const struct ext4_sim_disk *disk = rb->sb->s_disk;
	unsigned bs = rb->sb->s_blocksize;
	uint64_t blk = rb->first_block;

	for (unsigned i = 0; i < rb->vcnt; i++) {
		struct sim_rbio_vec *v = &rb->vec[i];

		for (uint32_t off = 0; off < v->len; off += bs, blk++)
			sim_contents_copy(&v->page->contents, v->offset + off,
					  ext4_sim_disk_contents(disk, blk), 0,
					  bs);
	}
	rb->end_io(rb);
}

/* Who read the page from which block, and when (the block was just looked
 * up): what an explanation of stale data in the page needs.  The disk
 * block at the vector's offset is the next one of the bio. */
static void sim_rbio_note_reader(const struct sim_rbio *rb, struct page *page)
{
	struct sim_task *t = sim_current_task();

	page->sim_read_task = t ? sim_task_id(t) + 1 : 0;
	page->sim_read_time = t ? sim_task_now(t) : 0;
	page->sim_read_pblk = rb->first_block +
			      (rb->bio.bi_iter.bi_size >> rb->sb->s_blocksize_bits);
}

struct sim_rbio *sim_rbio_alloc(struct super_block *sb, uint64_t block,
				void (*end_io)(struct sim_rbio *rb))
{
	struct sim_rbio_pool *p = rbio_pool(sb);
	struct sim_rbio *rb;

	if (!p->free)
		rbio_pool_grow(p);
	rb = p->free;
	p->free = rb->next_free;
	p->in_use++;
	bio_init(&rb->bio);
	rb->bio.bi_bdev = &sb->s_disk->bdev;
	rb->bio.bi_iter.bi_sector = block << (sb->s_blocksize_bits - SECTOR_SHIFT);
	rb->bio.bi_end_io = sim_rbio_endio;
	rb->sb = sb;
	rb->first_block = block;
	rb->vcnt = 0;
	rb->end_io = end_io;
	rb->next_free = NULL;
	rb->holder = sim_current_task();
	return rb;
}

bool sim_rbio_add_page(struct sim_rbio *rb, struct page *page,
		       struct buffer_head *bh, uint32_t offset, uint32_t len)
{
	SIM_BUG_ON(len == 0 || len % rb->sb->s_blocksize ||
		   offset + len > PAGE_SIZE);
	if (rb->vcnt == SIM_RBIO_MAX_VECS)
		return false;
	sim_rbio_note_reader(rb, page);
	rb->vec[rb->vcnt++] = (struct sim_rbio_vec){
		.page = page, .bh = bh, .offset = offset, .len = len,
	};
	rb->bio.bi_iter.bi_size += len;
	/* The page's lock, once handed to the IO, waits for this bio. */
	page_sim_set_lock_io_via(page, &rb->wo);
	return true;
}

void sim_rbio_submit(struct sim_rbio *rb)
{
	SIM_BUG_ON(rb->vcnt == 0);
	rb->holder = NULL;   /* the device completes it from here */
	/* The block layer and driver run before the device sees it. */
	fault_sim_charge(rb->sb->s_costs ? rb->sb->s_costs->bio_submit : 0);
	submit_bio(READ, &rb->bio);
}

void sim_rbio_put(struct sim_rbio *rb)
{
	struct sim_rbio_pool *p = rbio_pool(rb->sb);

	SIM_BUG_ON(p->in_use == 0);
	/* A page whose other buffers are still being read (buffer reads:
	 * one bio per buffer, all submitted) must not point at a bio going
	 * back to the pool; unlock_page cleared the others. */
	for (unsigned i = 0; i < rb->vcnt; i++)
		if (rb->vec[i].page->lock_io_via == &rb->wo)
			rb->vec[i].page->lock_io_via = NULL;
	p->in_use--;
	rb->vcnt = 0;
	rb->next_free = p->free;
	p->free = rb;
}
