/* fs/block/block.c — bios on a device with latency, and the block-device buffer
 * cache for metadata (models block/blk-core.c submit_bio / bio_endio /
 * submit_bio_wait and fs/buffer.c __getblk / __bread / brelse /
 * mark_buffer_dirty / sync_dirty_buffer / __bforget, v4.4).
 *
 * Device model.  queue_depth service slots, each an embedded engine event:
 * a bio takes an idle slot (lowest index first) or waits in a FIFO; its
 * service time is latency + size / bandwidth (+ seek when its start sector
 * is not where the previous request ended, + flush latency for
 * REQ_FLUSH/REQ_FUA).  Completion frees the slot, starts the FIFO head in
 * it, then runs bi_end_io.  So with queue_depth 1, N requests submitted
 * together complete at N x service time, in submission order.
 * Simplifications: no request merging, no IO scheduler reordering (FIFO),
 * slots are independent channels each at full bandwidth, and the data a
 * bio carries is recorded by its submitter (the disk's contents change
 * when the submitter's end_io says so), not here.
 *
 * Default profiles (parameters; [global] device and [costs] override them):
 *   nvme  8 us read + 4K at 3.0 GB/s ~ 9.4 us; 13 us write + 4K at
 *         2.0 GB/s ~ 15 us; qd 32; flush 20 us.  Low-latency (Optane-class,
 *         or write-cached) NVMe at queue depth 1; NAND NVMe reads are
 *         nearer 60-90 us.
 *   ssd   80 us read / 50 us write (SATA SSD QD1 4K random, write-cached),
 *         550 / 520 MB/s (SATA 6G limit); qd 32 (NCQ); flush 1 ms.
 *   hdd   0.1 ms + 4 ms seek (7200 rpm: ~8 ms average seek + 4 ms half
 *         rotation for random IO; 4 ms stands for the short seeks of one
 *         file's extents), 150 MB/s; qd 1 (one head, FIFO); flush 10 ms.
 *   pmem  1 us read / 1 us write (block IO through the pmem driver is a
 *         memcpy), 6 / 2 GB/s; qd 64 (one per CPU); flush 0.
 *
 * Buffer cache.  One struct buffer_head per metadata block with b_data =
 * blocksize bytes, in a radix tree indexed by block number.
 * Simplification: metadata buffers stay cached for the world's life (no
 * buffer-cache reclaim is modelled), so each metadata block is read from
 * the device at most once.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fs/block/block.h"
#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"

#define MBps(x) ((uint64_t)(x) * 1000 * 1000)
#define GBps(x) ((uint64_t)((x) * 1000.0 * 1000 * 1000))

static const struct blk_sim_profile builtin_profiles[] = {
	{ .name = "nvme", .read_lat = 8 * SIM_USEC, .write_lat = 13 * SIM_USEC,
	  .read_bw = GBps(3.0), .write_bw = GBps(2.0), .seek = 0,
	  .flush_lat = 20 * SIM_USEC, .queue_depth = 32 },
	{ .name = "ssd", .read_lat = 80 * SIM_USEC, .write_lat = 50 * SIM_USEC,
	  .read_bw = MBps(550), .write_bw = MBps(520), .seek = 0,
	  .flush_lat = 1 * SIM_MSEC, .queue_depth = 32 },
	{ .name = "hdd", .read_lat = 100 * SIM_USEC,
	  .write_lat = 100 * SIM_USEC, .read_bw = MBps(150),
	  .write_bw = MBps(150), .seek = 4 * SIM_MSEC,
	  .flush_lat = 10 * SIM_MSEC, .queue_depth = 1 },
	{ .name = "pmem", .read_lat = 1 * SIM_USEC, .write_lat = 1 * SIM_USEC,
	  .read_bw = GBps(6.0), .write_bw = GBps(2.0), .seek = 0,
	  .flush_lat = 0, .queue_depth = 64 },
};

const char *const blk_sim_profile_names[] = { "nvme", "ssd", "hdd", "pmem",
					      NULL };

const struct blk_sim_profile *blk_sim_profile_lookup(const char *name)
{
	for (size_t i = 0; i < SIM_ARRAY_SIZE(builtin_profiles); i++)
		if (strcmp(builtin_profiles[i].name, name) == 0)
			return &builtin_profiles[i];
	return NULL;
}

sim_time_t blk_sim_service_time(const struct blk_sim_profile *p, int rw,
				unsigned bytes)
{
	bool write = rw & WRITE;
	uint64_t bw = write ? p->write_bw : p->read_bw;
	sim_time_t t = 0;

	if (bytes) {
		t = write ? p->write_lat : p->read_lat;
		if (bw)
			t += (sim_time_t)((uint64_t)bytes * (uint64_t)SIM_SEC / bw);
	}
	if (rw & (REQ_FLUSH | REQ_FUA))
		t += p->flush_lat;
	return t;
}

/* ---- the device ------------------------------------------------------------ */

static void slot_done(struct sim_world *w, struct sim_event *ev);

void blk_sim_bdev_init(struct sim_world *w, struct block_device *bdev,
		       const struct blk_sim_profile *prof, unsigned blocksize)
{
	unsigned qd;

	SIM_BUG_ON(!prof || prof->queue_depth == 0);
	memset(bdev, 0, sizeof(*bdev));
	bdev->world = w;
	bdev->prof = *prof;
	bdev->blocksize = blocksize;
	qd = prof->queue_depth;
	bdev->slots = g_new0(struct blk_sim_slot, qd);
	bdev->free_slots = g_new(unsigned, qd);
	for (unsigned i = 0; i < qd; i++) {
		bdev->slots[i].bdev = bdev;
		sim_event_init(w, &bdev->slots[i].ev, slot_done);
		/* pop order: slot 0 first */
		bdev->free_slots[i] = qd - 1 - i;
	}
	bdev->nfree = qd;
	sim_list_init(&bdev->queue);
	sim_hist_init(&bdev->read_lat);
	sim_hist_init(&bdev->write_lat);
}

void blk_sim_bdev_destroy(struct block_device *bdev)
{
	if (!bdev->slots)
		return;
	for (unsigned i = 0; i < bdev->prof.queue_depth; i++)
		sim_event_destroy(bdev->world, &bdev->slots[i].ev);
	g_free(bdev->slots);
	g_free(bdev->free_slots);
	bdev->slots = NULL;
}

static void start_bio(struct block_device *bdev, struct bio *bio)
{
	struct blk_sim_slot *s;
	sim_time_t now = sim_world_now(bdev->world), t;
	unsigned bytes = bio->bi_iter.bi_size;

	SIM_BUG_ON(bdev->nfree == 0);
	s = &bdev->slots[bdev->free_slots[--bdev->nfree]];
	s->bio = bio;
	t = blk_sim_service_time(&bdev->prof, bio->bi_rw, bytes);
	if (bytes && bdev->prof.seek && bio->bi_iter.bi_sector != bdev->head)
		t += bdev->prof.seek;
	if (bytes)
		bdev->head = bio->bi_iter.bi_sector + (bytes >> SECTOR_SHIFT);
	bio->sim_started = now;
	bdev->queue_wait += now - bio->sim_submitted;
	bdev->busy += t;
	sim_event_schedule(bdev->world, &s->ev, t);
}

static void slot_done(struct sim_world *w, struct sim_event *ev)
{
	struct blk_sim_slot *s = container_of(ev, struct blk_sim_slot, ev);
	struct block_device *bdev = s->bdev;
	struct bio *bio = s->bio;

	s->bio = NULL;
	bdev->free_slots[bdev->nfree++] = (unsigned)(s - bdev->slots);
	/* The FIFO head gets the slot before end_io can submit anything. */
	if (!sim_list_empty(&bdev->queue)) {
		struct bio *next = sim_list_first_entry(&bdev->queue,
							struct bio, sim_node);

		sim_list_del(&next->sim_node);
		bdev->queued--;
		start_bio(bdev, next);
	}
	bio->sim_done = sim_world_now(w);
	sim_hist_record((bio->bi_rw & WRITE) ? &bdev->write_lat : &bdev->read_lat,
			bio->sim_done - bio->sim_submitted);
	bio_endio(bio);
}

void submit_bio(int rw, struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;

	SIM_BUG_ON(!bdev);
	SIM_BUG_ON(bio->bi_iter.bi_size == 0 && !(rw & (REQ_FLUSH | REQ_FUA)));
	bio->bi_rw = rw;
	bio->bi_error = 0;
	bio->sim_submitted = sim_world_now(bdev->world);
	if (rw & WRITE) {
		bdev->nr_writes++;
		bdev->bytes_written += bio->bi_iter.bi_size;
	} else {
		bdev->nr_reads++;
		bdev->bytes_read += bio->bi_iter.bi_size;
	}
	if (rw & (REQ_FLUSH | REQ_FUA))
		bdev->nr_flushes++;
	if (bdev->nfree) {
		start_bio(bdev, bio);
		return;
	}
	sim_list_add_tail(&bio->sim_node, &bdev->queue);
	if (++bdev->queued > bdev->max_queued)
		bdev->max_queued = bdev->queued;
}

void bio_endio(struct bio *bio)
{
	if (bio->bi_end_io)
		bio->bi_end_io(bio);
}

struct submit_bio_ret {
	struct sim_completion event;
	int error;
};

static void submit_bio_wait_endio(struct bio *bio)
{
	struct submit_bio_ret *ret = bio->bi_private;

	ret->error = bio->bi_error;
	sim_complete(&ret->event);
}

int submit_bio_wait(int rw, struct bio *bio)
{
	struct submit_bio_ret ret;

	SIM_BUG_ON(!current);
	sim_completion_init(&ret.event, "bio");
	ret.error = 0;
	bio->bi_private = &ret;
	bio->bi_end_io = submit_bio_wait_endio;
	submit_bio(rw | REQ_SYNC, bio);
	sim_wait_for_completion(current, &ret.event, "submit_bio_wait");
	return ret.error;
}

/* ---- buffer cache ------------------------------------------------------------ */

/* A block-device buffer and the cache it belongs to. */
struct meta_bh {
	struct buffer_head bh;
	struct ext4_sim_meta *m;
};

struct ext4_sim_meta *ext4_sim_meta_new(struct super_block *sb,
					struct block_device *bdev,
					uint64_t nblocks)
{
	struct ext4_sim_meta *m = g_new0(struct ext4_sim_meta, 1);

	m->sb = sb;
	m->bdev = bdev;
	m->nblocks = nblocks;
	radix_tree_pool_init(&m->pool);
	radix_tree_init(&m->bh, &m->pool);
	return m;
}

struct buffer_head *ext4_sim_meta_next(const struct ext4_sim_meta *m,
				       uint64_t blk)
{
	uint64_t idx;

	return radix_tree_next(&m->bh, blk, -1, &idx);
}

void ext4_sim_meta_free(struct ext4_sim_meta *m)
{
	struct buffer_head *bh;
	uint64_t next;

	if (!m)
		return;
	for (bh = ext4_sim_meta_next(m, 0); bh;
	     bh = ext4_sim_meta_next(m, next)) {
		next = bh->b_blocknr + 1;
		g_free(bh->b_data);
		g_free(container_of(bh, struct meta_bh, bh));
	}
	radix_tree_destroy(&m->bh);
	radix_tree_pool_destroy(&m->pool);
	g_free(m);
}

struct buffer_head *sb_getblk(struct super_block *sb, uint64_t blk)
{
	struct ext4_sim_meta *m = sb->s_meta;
	struct buffer_head *bh;

	SIM_BUG_ON(blk >= m->nblocks);
	bh = radix_tree_lookup(&m->bh, blk);
	if (!bh) {
		struct meta_bh *mb = g_new0(struct meta_bh, 1);

		mb->m = m;
		bh = &mb->bh;
		bh->b_blocknr = blk;
		bh->b_size = sb->s_blocksize;
		bh->b_data = g_malloc0(sb->s_blocksize);
		set_buffer_mapped(bh);
		SIM_BUG_ON(radix_tree_insert(&m->bh, blk, bh) != 0);
		m->nr_cached++;
	}
	bh->b_count++;
	return bh;
}

struct buffer_head *sb_find_get_block(struct super_block *sb, uint64_t blk)
{
	struct ext4_sim_meta *m = sb->s_meta;
	struct buffer_head *bh;

	SIM_BUG_ON(blk >= m->nblocks);
	bh = radix_tree_lookup(&m->bh, blk);
	if (bh)
		bh->b_count++;
	return bh;
}

static void bh_sim_bio(struct buffer_head *bh, struct bio *bio)
{
	struct ext4_sim_meta *m = container_of(bh, struct meta_bh, bh)->m;

	bio_init(bio);
	bio->bi_bdev = m->bdev;
	bio->bi_iter.bi_sector = bh->b_blocknr * (bh->b_size >> SECTOR_SHIFT);
	bio->bi_iter.bi_size = bh->b_size;
}

struct buffer_head *sb_bread(struct super_block *sb, uint64_t blk)
{
	struct buffer_head *bh = sb_getblk(sb, blk);
	struct bio bio;

	if (buffer_uptodate(bh))
		return bh;
	/* The device has no metadata bytes to give: a block never written
	 * through the cache reads as zeros. */
	bh_sim_bio(bh, &bio);
	set_buffer_locked(bh);
	if (submit_bio_wait(READ | REQ_META, &bio) < 0) {
		clear_buffer_locked(bh);
		brelse(bh);
		return NULL;
	}
	clear_buffer_locked(bh);
	set_buffer_uptodate(bh);
	return bh;
}

void brelse(struct buffer_head *bh)
{
	if (!bh)
		return;
	SIM_BUG_ON(bh->b_count == 0);
	bh->b_count--;
}

/* Block-device buffers only: page-cache buffers (b_page set) also dirty
 * their page in the kernel, which is the page cache's business. */
void mark_buffer_dirty(struct buffer_head *bh)
{
	SIM_BUG_ON(bh->b_page != NULL);
	set_buffer_dirty(bh);
}

int sync_dirty_buffer(struct buffer_head *bh)
{
	struct ext4_sim_meta *m = container_of(bh, struct meta_bh, bh)->m;
	struct bio bio;
	int err;

	if (!buffer_dirty(bh))
		return 0;
	clear_buffer_dirty(bh);
	bh_sim_bio(bh, &bio);
	set_buffer_locked(bh);
	err = submit_bio_wait(WRITE | REQ_META, &bio);
	clear_buffer_locked(bh);
	if (err)
		return err;
	{
		struct ext4_sim_owner was;
		bool foreign = ext4_sim_disk_write_meta(m->sb->s_disk,
							bh->b_blocknr, &was);

		/* the oracle: a metadata block written over its next owner */
		fs_oracle_disk_write(m->sb, NULL, 0, bh->b_blocknr, foreign,
				     &was, "meta");
	}
	return 0;
}

void bforget(struct buffer_head *bh)
{
	if (!bh)
		return;
	clear_buffer_dirty(bh);
	brelse(bh);
}
