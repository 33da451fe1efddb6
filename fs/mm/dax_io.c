/* fs/mm/dax_io.c — read(2) and write(2) on DAX files (fs/dax.c): v4.4.1 /
 * v4.5 dax_do_io with dax_io and dax_new_buf (ext4 calls it from its
 * ->direct_IO: in those versions io_is_direct() is true for every DAX
 * file, so read(2)/write(2) never use the page cache), and v5.15
 * dax_iomap_rw with dax_iomap_iter (ext4_dax_read_iter /
 * ext4_dax_write_iter).  The data moves by CPU copies between the user
 * buffer and the persistent memory of the file's blocks: no page cache,
 * no bio, no block-layer time.
 *
 * dax_do_io: DIO_LOCKING reads take i_mutex and flush the range (a DAX
 * file's page cache holds only clean hole pages); inode_dio_begin (truncate
 * and punch wait for it); dax_io; drop i_mutex; inode_dio_end.  dax_io
 * walks the request: get_block (create for writes) for the rest of it; a
 * read of a hole or an unwritten block yields zeros; a write into a new or
 * unwritten block first zeroes the parts of the mapped run it will not
 * cover (dax_new_buf), then copies.  A read stops at i_size as sampled
 * when dax_io starts.
 *
 * dax_iomap_rw: the caller holds i_rwsem; iomap_begin maps one extent; a
 * read of a hole or an unwritten extent yields zeros and stops at i_size; a
 * write into a newly allocated extent first invalidates the page-cache
 * pages over it (hole pages an earlier read fault mapped: their PTEs go),
 * then copies.
 *
 * Costs ([costs]): page_copy per page copied, page_zero per page zeroed,
 * pro rata, charged before each block's bytes move: a copy spanning blocks
 * is not atomic, other tasks run between its blocks.
 *
 * Simplified: blocksize == PAGE_SIZE (a DAX mount requires it), so a
 * block's "pfn" is its number; no wmb_pmem or dax_map_atomic; copies never
 * stop short (the user buffer does not fault), so each mapped run is
 * copied whole; a write that get_block leaves unmapped stops with -EIO
 * (the kernel would compute an address from a garbage block number); a
 * hole costs one get_block / iomap_begin per block (ext4 does not tell
 * dax_io a hole's length, and the model's ext4_map_blocks does not trim
 * m_len to it for iomap either).
 */
#include "config.h"

#include <string.h>

#include "fs/mm/dax.h"
#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"
#include "fs/writeback.h"

static sim_time_t dax_sim_pro_rata(sim_time_t per_page, uint32_t bytes)
{
	return per_page * (sim_time_t)bytes / PAGE_SIZE;
}

/* clear_pmem of [off, off+len) in block blk (file block lblk). */
static void dax_sim_clear(struct inode *inode, uint64_t blk, uint32_t lblk,
			  uint32_t off, uint32_t len)
{
	struct super_block *sb = inode->i_sb;
	struct ext4_sim_owner was;
	bool foreign;

	fault_sim_charge(dax_sim_pro_rata(fault_sim_cost(inode, page_zero),
					  len));
	foreign = ext4_sim_disk_write_zero(sb->s_disk, blk, off, len,
					   (uint32_t)inode->i_ino, lblk, &was);
	fs_oracle_disk_write(sb, inode, lblk, blk, foreign, &was, "dax");
}

/* copy_from_iter_pmem: the next len bytes of the user's data land at
 * [off, off+len) of block blk, file offset pos. */
static void dax_sim_copy_from_iter(struct inode *inode, loff_t pos,
				   uint64_t blk, uint32_t off, uint32_t len,
				   struct iov_iter *iter)
{
	struct super_block *sb = inode->i_sb;
	struct ext4_sim_disk *disk = sb->s_disk;
	uint32_t lblk = (uint32_t)(pos >> sb->s_blocksize_bits);
	struct ext4_sim_owner was;
	struct sim_contents src;
	bool foreign;

	fault_sim_charge(dax_sim_pro_rata(fault_sim_cost(inode, page_copy),
					  len));
	if (iter->stamp) {
		sim_contents_init(&src, sb->s_blocksize);
		sim_contents_set(&src, off, len, iter->stamp,
				 (uint32_t)iter->done);
		foreign = ext4_sim_disk_write(disk, blk, off, len, &src, off,
					      (uint32_t)inode->i_ino, lblk,
					      &was);
		sim_contents_destroy(&src);
	} else {
		foreign = ext4_sim_disk_write_zero(disk, blk, off, len,
						   (uint32_t)inode->i_ino,
						   lblk, &was);
	}
	fs_oracle_disk_write(sb, inode, lblk, blk, foreign, &was, "dax");
	iov_iter_advance(iter, len);
}

/* copy_to_iter: [off, off+len) of block blk, file offset pos, reach the
 * user as they are now. */
static void dax_sim_copy_to_iter(struct inode *inode, loff_t pos,
				 uint64_t blk, uint32_t off, uint32_t len,
				 struct iov_iter *iter)
{
	fault_sim_charge(dax_sim_pro_rata(fault_sim_cost(inode, page_copy),
					  len));
	iov_iter_sim_deliver(iter, pos,
			     ext4_sim_disk_contents(inode->i_sb->s_disk,
						    blk), off, len);
}

/* iov_iter_zero: len bytes of zeros reach the user as file bytes from
 * pos, a page at a time. */
static void dax_sim_iov_iter_zero(struct inode *inode, loff_t pos, loff_t len,
				  struct iov_iter *iter)
{
	struct sim_contents zero;

	sim_contents_init(&zero, PAGE_SIZE);
	while (len > 0) {
		uint32_t off = (uint32_t)(pos & (PAGE_SIZE - 1));
		uint32_t n = (uint32_t)min(len, (loff_t)(PAGE_SIZE - off));

		fault_sim_charge(dax_sim_pro_rata(fault_sim_cost(inode,
								 page_zero),
						  n));
		iov_iter_sim_deliver(iter, pos, &zero, off, n);
		pos += n;
		len -= n;
	}
	sim_contents_destroy(&zero);
}

/* Copy [pos, end) between the iterator and the blocks from blk on (blk
 * holds file offset pos, at offset pos % PAGE_SIZE), block by block. */
static void dax_sim_copy(struct inode *inode, struct iov_iter *iter,
			 loff_t pos, loff_t end, uint64_t blk)
{
	while (pos < end) {
		uint32_t off = (uint32_t)(pos & (PAGE_SIZE - 1));
		uint32_t n = (uint32_t)min(end - pos, (loff_t)(PAGE_SIZE - off));

		if (iov_iter_rw(iter) == WRITE)
			dax_sim_copy_from_iter(inode, pos, blk, off, n, iter);
		else
			dax_sim_copy_to_iter(inode, pos, blk, off, n, iter);
		pos += n;
		blk++;
	}
}

/* ---- v4.4.1 / v4.5 ----------------------------------------------------------------------------- */

static bool buffer_written(const struct buffer_head *bh)
{
	return buffer_mapped(bh) && !buffer_unwritten(bh);
}

/* ext4 leaves bh untouched over a hole (b_state was zeroed before the
 * call): then b_size cannot be trusted. */
static bool buffer_size_valid(const struct buffer_head *bh)
{
	return bh->b_state != 0;
}

/* dax_new_buf: the mapped run of size bytes starts at block blk, file
 * offset pos - first; the write covers [pos, end).  Zero what it leaves:
 * [0, first) and [final, size). */
static void dax_new_buf(struct inode *inode, uint64_t blk, loff_t size,
			unsigned first, loff_t pos, loff_t end)
{
	unsigned bits = inode->i_sb->s_blocksize_bits;
	uint32_t lblk0 = (uint32_t)((pos - first) >> bits);
	loff_t final = end - pos + first;   /* the final byte of the buffer */

	if (first > 0)
		dax_sim_clear(inode, blk, lblk0, 0, first);
	for (loff_t z = final; z < size;) {
		uint32_t off = (uint32_t)(z & (PAGE_SIZE - 1));
		uint32_t n = (uint32_t)min(size - z, (loff_t)(PAGE_SIZE - off));

		dax_sim_clear(inode, blk + (uint64_t)(z >> bits),
			      lblk0 + (uint32_t)(z >> bits), off, n);
		z += n;
	}
}

static ssize_t dax_io(struct inode *inode, struct iov_iter *iter,
		      loff_t start, loff_t end, get_block_t get_block,
		      struct buffer_head *bh, struct dio_sim_result *res)
{
	unsigned blkbits = inode->i_sb->s_blocksize_bits;
	int rw = iov_iter_rw(iter);
	loff_t pos = start;
	ssize_t retval = 0;

	SIM_BUG_ON(inode->i_sb->s_blocksize != PAGE_SIZE);
	if (rw != WRITE)
		end = min(end, i_size_read(inode));

	while (pos < end) {
		sector_t block = (sector_t)(pos >> PAGE_SHIFT) <<
				 (PAGE_SHIFT - blkbits);
		unsigned first = (unsigned)(pos - ((loff_t)block << blkbits));
		loff_t size, max;

		/* Every run is copied whole, so pos is always where the
		 * last mapping ended (the kernel's pos == bh_max). */
		bh->b_size = (size_t)round_up(end - pos, (loff_t)PAGE_SIZE);
		bh->b_state = 0;
		retval = get_block(inode, block, bh, rw == WRITE);
		if (retval)
			break;
		if (!buffer_size_valid(bh))
			bh->b_size = (size_t)1 << blkbits;
		size = (loff_t)bh->b_size - first;
		max = min(pos + size, end);

		if (rw != WRITE && !buffer_written(bh)) {
			/* a hole, or unwritten: zeros */
			dax_sim_iov_iter_zero(inode, pos, max - pos, iter);
			pos = max;
			continue;
		}
		if (!buffer_mapped(bh)) {
			WARN_ON(1);
			retval = -EIO;
			break;
		}
		if (buffer_unwritten(bh) && res)
			res->unwritten = true;
		if (buffer_unwritten(bh) || buffer_new(bh))
			dax_new_buf(inode, bh->b_blocknr, (loff_t)bh->b_size,
				    first, pos, end);
		dax_sim_copy(inode, iter, pos, max, bh->b_blocknr);
		pos = max;
	}
	return pos == start ? retval : (ssize_t)(pos - start);
}

ssize_t dax_do_io(struct kiocb *iocb, struct inode *inode,
		  struct iov_iter *iter, loff_t pos, get_block_t get_block,
		  int flags, struct dio_sim_result *res)
{
	struct buffer_head bh;
	loff_t end = pos + (loff_t)iov_iter_count(iter);
	bool locked = (flags & DIO_LOCKING) && iov_iter_rw(iter) == READ;
	ssize_t retval;

	(void)iocb;
	memset(&bh, 0, sizeof(bh));
	if (locked) {
		mutex_lock(&inode->i_mutex);
		retval = filemap_write_and_wait_range(inode->i_mapping, pos,
						      end - 1);
		if (retval) {
			mutex_unlock(&inode->i_mutex);
			return retval;
		}
	}
	/* Protects against truncate */
	inode_dio_begin(inode);
	retval = dax_io(inode, iter, pos, end, get_block, &bh, res);
	if (locked)
		mutex_unlock(&inode->i_mutex);
	inode_dio_end(inode);
	return retval;
}

/* ---- v5.15 ------------------------------------------------------------------------------------- */

/* One extent: length bytes from pos inside it. */
static loff_t dax_iomap_iter(struct inode *inode, const struct iomap *iomap,
			     loff_t pos, loff_t length, struct iov_iter *iter)
{
	loff_t end = pos + length;

	SIM_BUG_ON(inode->i_sb->s_blocksize != PAGE_SIZE);
	if (iov_iter_rw(iter) == READ) {
		end = min(end, i_size_read(inode));
		if (pos >= end)
			return 0;
		if (iomap->type == IOMAP_HOLE ||
		    iomap->type == IOMAP_UNWRITTEN) {
			dax_sim_iov_iter_zero(inode, pos, end - pos, iter);
			return end - pos;
		}
	}
	if (iomap->type != IOMAP_MAPPED) {
		WARN_ON(1);
		return -EIO;
	}
	/* A write can allocate blocks where a hole page is mapped into
	 * page tables: tear those down so write(2)'s data shows in mmap. */
	if (iomap->flags & IOMAP_F_NEW)
		invalidate_inode_pages2_range(inode->i_mapping,
					      (pgoff_t)(pos >> PAGE_SHIFT),
					      (pgoff_t)((end - 1) >> PAGE_SHIFT));
	dax_sim_copy(inode, iter, pos, end,
		     iomap->addr + (uint64_t)((pos - iomap->offset) >>
					      PAGE_SHIFT));
	return end - pos;
}

ssize_t dax_iomap_rw(struct kiocb *iocb, struct iov_iter *iter,
		     dax_sim_iomap_begin_t iomap_begin)
{
	struct inode *inode = iocb->ki_filp->f_mapping->host;
	unsigned flags = iov_iter_rw(iter) == WRITE ? IOMAP_WRITE : 0;
	loff_t pos = iocb->ki_pos, len = (loff_t)iov_iter_count(iter);
	loff_t done;
	int ret = 0;

	/* iomap_iter: map, process, advance, until done or an error. */
	while (len > 0) {
		struct iomap iomap = { 0 };
		loff_t length, processed;

		ret = iomap_begin(inode, pos, len, flags, &iomap);
		if (ret)
			break;
		length = min((loff_t)(iomap.offset + (loff_t)iomap.length) - pos,
			     len);
		if (length <= 0) {
			WARN_ON(1);
			ret = -EIO;
			break;
		}
		processed = dax_iomap_iter(inode, &iomap, pos, length, iter);
		if (processed <= 0) {
			ret = (int)processed;
			break;
		}
		pos += processed;
		len -= processed;
	}
	done = pos - iocb->ki_pos;
	iocb->ki_pos = pos;
	return done ? (ssize_t)done : ret;
}
