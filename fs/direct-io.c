/* fs/direct-io.c — the block-device direct IO engine, after
 * do_blockdev_direct_IO / do_direct_IO / get_more_blocks / dio_zero_block /
 * dio_await_completion / dio_complete of fs/direct-io.c, v4.4, for
 * synchronous kiocbs.
 *
 * Steps: (DIO_LOCKING reads) i_mutex, flush the range; sample i_size;
 * inode_dio_begin; then chunk by chunk: get_block for the rest of the
 * request (create for writes, unless DIO_SKIP_HOLES and inside i_size),
 * a bio for the mapped part (a new block only partly written gets its
 * other bytes zeroed), zeros for a hole when reading, stop at a hole when
 * writing; (DIO_LOCKING reads) drop i_mutex once every lookup is done;
 * wait for the bios; inode_dio_end.
 *
 * Data: a write bio lands when it completes — the request's stamp bytes
 * go into the blocks (fs/block/disk.c reports a block not owned at that lblk to
 * the oracle as a foreign write); a read bio hands the blocks' bytes at
 * completion to the request's sink.  Holes read as zeros at lookup time.
 *
 * Simplified: synchronous only (no AIO, no deferred completion); the user
 * buffer is not a mapping of any modelled file, so get_user_pages takes no
 * mmap_sem (its cost is [costs] user_fault_in per page); at most
 * DIO_SIM_MAX_BIOS bios in flight per request (the kernel submits all,
 * then waits; a bigger request reaps as it goes); 512-byte alignment.
 */
#include "config.h"

#include "fs/buffer_write.h"
#include "fs/writeback.h"
#include "fs/block/block.h"
#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"

#define DIO_SIM_MAX_BIOS 16
#define DIO_SIM_ALIGN 512u

struct dio_sim;

struct dio_sim_bio {
	struct bio bio;
	struct dio_sim *dio;
	loff_t pos;          /* file offset of the first byte */
	uint64_t pblk;       /* its block */
	uint32_t boff;       /* its offset in that block */
	uint32_t len;
	uint32_t origin;     /* write: index of the first byte in the stamp */
	bool zero;           /* write zeros (dio_zero_block) */
	bool busy;
};

struct dio_sim {
	struct inode *inode;
	int rw;
	sim_stamp_t stamp;
	loff_t read_limit;   /* reads: nothing at or past i_size is returned */
	iov_sim_sink_fn sink;
	void *sink_ctx;
	unsigned inflight;
	struct sim_waitq wq;
	struct dio_sim_bio bios[DIO_SIM_MAX_BIOS];
};

/* Read: hand [pos, pos+len) of src (from soff) to the sink, clipped at
 * i_size. */
static void dio_sim_deliver(struct dio_sim *d, loff_t pos,
			    const struct sim_contents *src, uint32_t soff,
			    uint32_t len)
{
	if (pos >= d->read_limit)
		return;
	if (pos + len > d->read_limit)
		len = (uint32_t)(d->read_limit - pos);
	if (d->sink)
		d->sink(d->sink_ctx, pos, src, soff, len);
}

/* Completion (event context): the data moves. */
static void dio_sim_end_io(struct bio *bio)
{
	struct dio_sim_bio *b = container_of(bio, struct dio_sim_bio, bio);
	struct dio_sim *d = b->dio;
	struct inode *inode = d->inode;
	struct super_block *sb = inode->i_sb;
	struct ext4_sim_disk *disk = sb->s_disk;
	unsigned bs = sb->s_blocksize, bbits = sb->s_blocksize_bits;
	uint64_t blk = b->pblk;
	uint32_t off = b->boff, left = b->len, done = 0;

	while (left) {
		uint32_t n = min(left, bs - off);
		uint32_t lblk = (uint32_t)((b->pos + done) >> bbits);

		if (d->rw == WRITE) {
			struct ext4_sim_owner was;
			bool foreign;

			if (b->zero || !d->stamp) {
				foreign = ext4_sim_disk_write_zero(disk, blk, off,
						n, (uint32_t)inode->i_ino, lblk,
						&was);
			} else {
				struct sim_contents src;

				sim_contents_init(&src, bs);
				sim_contents_set(&src, off, n, d->stamp,
						 b->origin + done);
				foreign = ext4_sim_disk_write(disk, blk, off, n,
						&src, off,
						(uint32_t)inode->i_ino, lblk,
						&was);
				sim_contents_destroy(&src);
			}
			fs_oracle_disk_write(sb, inode, lblk, blk, foreign,
					     &was, "dio");
		} else {
			dio_sim_deliver(d, b->pos + done,
					ext4_sim_disk_contents(disk, blk), off, n);
		}
		done += n;
		left -= n;
		off = 0;
		blk++;
	}
	b->busy = false;
	d->inflight--;
	sim_waitq_wake_all(&d->wq);
}

static void dio_sim_submit(struct dio_sim *d, loff_t pos, uint64_t pblk,
			   uint32_t boff, uint32_t len, uint32_t origin,
			   bool zero)
{
	struct super_block *sb = d->inode->i_sb;
	struct dio_sim_bio *b = NULL;

	/* dio_bio_reap: wait for a free slot */
	while (d->inflight == DIO_SIM_MAX_BIOS)
		sim_waitq_sleep(current, &d->wq, NULL, "dio_bio_reap");
	for (unsigned i = 0; i < DIO_SIM_MAX_BIOS; i++) {
		if (!d->bios[i].busy) {
			b = &d->bios[i];
			break;
		}
	}
	SIM_BUG_ON(!b);
	bio_init(&b->bio);
	b->dio = d;
	b->pos = pos;
	b->pblk = pblk;
	b->boff = boff;
	b->len = len;
	b->origin = origin;
	b->zero = zero;
	b->busy = true;
	b->bio.bi_bdev = &sb->s_disk->bdev;
	b->bio.bi_iter.bi_sector = (pblk * sb->s_blocksize + boff) >> SECTOR_SHIFT;
	b->bio.bi_iter.bi_size = len;
	b->bio.bi_end_io = dio_sim_end_io;
	d->inflight++;
	submit_bio(d->rw == WRITE ? (WRITE | REQ_SYNC) : READ, &b->bio);
}

ssize_t __blockdev_direct_IO(struct kiocb *iocb, struct inode *inode,
			     struct iov_iter *iter, loff_t offset,
			     get_block_t get_block, int flags,
			     struct dio_sim_result *res)
{
	struct super_block *sb = inode->i_sb;
	struct address_space *mapping = iocb->ki_filp->f_mapping;
	unsigned bs = sb->s_blocksize, bbits = sb->s_blocksize_bits;
	struct bdi_writeback *wb = sb->s_bdi_wb;
	size_t count = iov_iter_count(iter);
	bool locked = (flags & DIO_LOCKING) && iov_iter_rw(iter) == READ;
	struct dio_sim d;
	loff_t pos = offset, i_size;
	size_t left = count;
	ssize_t ret = 0;

	if ((offset | (loff_t)count) & (DIO_SIM_ALIGN - 1))
		return -EINVAL;
	if (!count)
		return 0;
	if (locked) {
		/* released once every block is looked up */
		mutex_lock(&inode->i_mutex);
		ret = filemap_write_and_wait_range(mapping, offset,
						   offset + (loff_t)count - 1);
		if (ret) {
			mutex_unlock(&inode->i_mutex);
			return ret;
		}
	}
	/* Once we sampled i_size check for reads beyond EOF */
	i_size = i_size_read(inode);
	if (iov_iter_rw(iter) == READ && offset >= i_size) {
		if (locked)
			mutex_unlock(&inode->i_mutex);
		return 0;
	}

	d = (struct dio_sim){ .inode = inode, .rw = iov_iter_rw(iter),
			      .stamp = iter->stamp, .read_limit = i_size,
			      .sink = iter->sink, .sink_ctx = iter->sink_ctx };
	sim_waitq_init(&d.wq);
	/* Decremented at IO completion (dio_complete). */
	inode_dio_begin(inode);

	while (left) {
		sector_t fs_start = (sector_t)(pos >> bbits);
		sector_t fs_end = (sector_t)((pos + (loff_t)left - 1) >> bbits);
		loff_t block_start = (loff_t)fs_start << bbits;
		struct buffer_head map_bh = { 0 };
		int create = d.rw == WRITE;
		uint64_t pblk;
		uint32_t boff, n;

		map_bh.b_size = (unsigned)((fs_end - fs_start + 1) << bbits);
		/* Writes inside i_size on a DIO_SKIP_HOLES fs only overwrite. */
		if ((flags & DIO_SKIP_HOLES) &&
		    fs_start < (sector_t)(i_size_read(inode) >> bbits))
			create = 0;
		ret = get_block(inode, fs_start, &map_bh, create);
		if (ret)
			break;
		if (!buffer_mapped(&map_bh)) {
			struct sim_contents zero;

			/* A hole: writes fall back to buffered IO. */
			if (d.rw == WRITE) {
				ret = -ENOTBLK;
				break;
			}
			if (block_start >= round_up(i_size, (loff_t)bs))
				break;
			n = (uint32_t)min((loff_t)left, block_start + bs - pos);
			sim_contents_init(&zero, bs);
			dio_sim_deliver(&d, pos, &zero,
					(uint32_t)(pos - block_start), n);
			sim_contents_destroy(&zero);
			pos += n;
			left -= n;
			iov_iter_advance(iter, n);
			continue;
		}
		if (buffer_unwritten(&map_bh) && res)
			res->unwritten = true;
		n = (uint32_t)min((loff_t)left,
				  block_start + (loff_t)map_bh.b_size - pos);
		pblk = map_bh.b_blocknr;
		boff = (uint32_t)(pos - block_start);
		if (d.rw == WRITE && buffer_new(&map_bh)) {
			/* dio_zero_block: the parts of fresh blocks the
			 * write does not cover must not show old data. */
			loff_t end = pos + n;

			if (boff)
				dio_sim_submit(&d, block_start, pblk, 0, boff, 0,
					       true);
			if (end & (bs - 1)) {
				uint64_t last = pblk + (uint64_t)((end - 1 - block_start) >> bbits);
				uint32_t eoff = (uint32_t)(end & (bs - 1));

				dio_sim_submit(&d, end, last, eoff, bs - eoff, 0,
					       true);
			}
		}
		if (wb && wb->fault_in_cost && current)
			sim_task_delay(current, wb->fault_in_cost *
				       (sim_time_t)DIV_ROUND_UP(n, PAGE_SIZE));
		dio_sim_submit(&d, pos, pblk, boff, n, (uint32_t)iter->done,
			       false);
		pos += n;
		left -= n;
		iov_iter_advance(iter, n);
	}
	/* Every lookup done: i_mutex has protected us from looking up
	 * uninitialized blocks; let it go. */
	if (locked)
		mutex_unlock(&inode->i_mutex);
	/* dio_await_completion */
	while (d.inflight)
		sim_waitq_sleep(current, &d.wq, NULL, "dio_await_completion");
	inode_dio_end(inode);

	if (pos > offset) {
		loff_t transferred = pos - offset;

		if (d.rw == READ && offset + transferred > i_size)
			transferred = i_size - offset;
		return (ssize_t)transferred;
	}
	/* Nothing done: a hole to write into means "use buffered IO". */
	return ret == -ENOTBLK ? 0 : ret;
}
