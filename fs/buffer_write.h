/* fs/buffer_write.h — the write side of page buffers (fs/buffer.c and
 * include/linux/buffer_head.h, v4.4): mapping a page's buffers through a
 * filesystem's get_block before a write, committing the written range,
 * write faults on shared mappings (block_page_mkwrite), and reading a
 * partially overwritten block.  Implemented in fs/buffer_write.c; the rest
 * of fs/buffer.c (creating, invalidating, freeing buffers) belongs to the
 * page-cache module and is declared in fs/mm.h.
 */
#ifndef FS_BUFFER_WRITE_H
#define FS_BUFFER_WRITE_H

#include "fs/mm.h"
#include "fs/uio.h"

/* A filesystem's block mapper: map bh (b_size bytes from file block iblock)
 * — set BH_Mapped and b_blocknr, BH_New for a fresh block, BH_Delay or
 * BH_Unwritten as the case may be.  create: allocate (or reserve) if
 * unmapped.  0 or -errno. */
typedef int (get_block_t)(struct inode *inode, sector_t iblock,
			  struct buffer_head *bh_result, int create);

static inline void map_bh(struct buffer_head *bh, struct super_block *sb,
			  sector_t block)
{
	set_buffer_mapped(bh);
	bh->b_blocknr = block;
	bh->b_size = sb->s_blocksize;
}

/* Byte offset of a page buffer within its page. */
static inline unsigned bh_offset(const struct buffer_head *bh)
{
	return bh_sim_index(bh) * bh->b_size;
}

/* A page-cache buffer now maps a disk block: tell the oracle's reverse
 * index (fs_oracle_bh_map).  The rule, for whoever reports the unmap
 * (fs/buffer.c discard_buffer, try_to_free_buffers, page teardown): a
 * buffer maps b_blocknr while it is BH_Mapped and not BH_Delay (a delayed
 * buffer's b_blocknr is a placeholder past the end of the disk; it is
 * reported when writeback gives it its block).  ext4_da_invalidatepage
 * clears BH_Delay (ext4_da_page_release_reservation) before
 * block_invalidatepage discards the buffer, which then still carries the
 * placeholder: a block number >= s_disk->nblocks was never reported and is
 * skipped (fs/buffer.c buffer_sim_report_unmapped).  A buffer left
 * unmapped — an unwritten extent found by a lookup — is not reported
 * either. */
void buffer_sim_report_mapped(struct buffer_head *bh);

/* mark_buffer_dirty for a page-cache buffer: the buffer, its page (DIRTY
 * tag) and the inode (I_DIRTY_PAGES) become dirty.  (fs/block/block.c's
 * mark_buffer_dirty handles block-device buffers only.) */
void buffer_sim_mark_dirty(struct buffer_head *bh);
/* ll_rw_block(READ) + wait_on_buffer for one mapped page buffer: read the
 * block from the disk into the page; 0 or -EIO. */
int buffer_sim_read(struct inode *inode, struct buffer_head *bh);
/* A block just allocated for data may have a stale dirty alias in the
 * block-device buffer cache (a freed extent-tree node): drop its dirt so
 * it is never written over the data. */
void unmap_underlying_metadata(struct super_block *sb, sector_t block);

/* The default ->set_page_dirty of a buffer-backed mapping
 * (__set_page_dirty_buffers + __mark_inode_dirty(I_DIRTY_PAGES)). */
int buffer_sim_set_page_dirty(struct page *page);

void page_zero_new_buffers(struct page *page, unsigned from, unsigned to);
/* Map (get_block create=1) the buffers of [pos, pos+len) that are not
 * mapped, zero new blocks outside the range, read partially overwritten
 * blocks.  Page locked. */
int __block_write_begin(struct page *page, loff_t pos, unsigned len,
			get_block_t *get_block);
/* Buffers of [from, to) become uptodate and dirty; the page uptodate when
 * every buffer is. */
int block_commit_write(struct page *page, unsigned from, unsigned to);
/* write_end helpers: commit what was copied; generic_write_end also
 * raises i_size, unlocks and releases the page, dirties the inode. */
int block_write_end(struct file *file, struct address_space *mapping,
		    loff_t pos, unsigned len, unsigned copied,
		    struct page *page, void *fsdata);
int generic_write_end(struct file *file, struct address_space *mapping,
		      loff_t pos, unsigned len, unsigned copied,
		      struct page *page, void *fsdata);

/* Write fault on a shared mapping: lock the page, re-check it against
 * truncation (-EFAULT), map its buffers up to EOF, commit, dirty.  Returns
 * 0 with the page locked, or -errno (page unlocked). */
int block_page_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf,
		       get_block_t get_block);

static inline int block_page_mkwrite_return(int err)
{
	if (err == 0)
		return VM_FAULT_LOCKED;
	if (err == -EFAULT || err == -EAGAIN)
		return VM_FAULT_NOPAGE;
	if (err == -ENOMEM)
		return VM_FAULT_OOM;
	/* -ENOSPC, -EDQUOT, -EIO ... */
	return VM_FAULT_SIGBUS;
}

/* ---- the direct IO engine (fs/direct-io.c) ----------------------------------------- */

#define DIO_LOCKING    0x01  /* reads: i_mutex around flush and block lookups */
#define DIO_SKIP_HOLES 0x02  /* writes inside i_size never allocate */

/* What the filesystem learns from the IO (the kernel keeps it in buffer
 * and inode state: BH_Unwritten → EXT4_STATE_DIO_UNWRITTEN). */
struct dio_sim_result {
	bool unwritten;     /* some chunk was mapped to an unwritten extent */
};

/* do_blockdev_direct_IO for a synchronous kiocb: map with get_block chunk
 * by chunk, submit a bio per mapped chunk (zeroing the uncovered parts of
 * new blocks), read holes as zeros, wait for every bio; i_dio_count is
 * held from before the first lookup to the last completion.  offset and
 * count must be 512-byte aligned (-EINVAL).  Writes stop at an unmapped
 * chunk (-ENOTBLK becomes a short write: the caller falls back to
 * buffered IO).  Reads are clipped at i_size.  Returns bytes or -errno. */
ssize_t __blockdev_direct_IO(struct kiocb *iocb, struct inode *inode,
			     struct iov_iter *iter, loff_t offset,
			     get_block_t get_block, int flags,
			     struct dio_sim_result *res);

static inline ssize_t blockdev_direct_IO(struct kiocb *iocb,
					 struct inode *inode,
					 struct iov_iter *iter, loff_t offset,
					 get_block_t get_block,
					 struct dio_sim_result *res)
{
	return __blockdev_direct_IO(iocb, inode, iter, offset, get_block,
				    DIO_LOCKING | DIO_SKIP_HOLES, res);
}

#endif /* FS_BUFFER_WRITE_H */
