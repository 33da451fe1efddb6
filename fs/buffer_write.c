/* fs/buffer_write.c — the write side of page buffers, after fs/buffer.c of
 * v4.4: __block_write_begin, page_zero_new_buffers, __block_commit_write /
 * block_commit_write, block_write_end, generic_write_end,
 * block_page_mkwrite, and the pieces they need (mark_buffer_dirty for page
 * buffers, ll_rw_block(READ) of one buffer, unmap_underlying_metadata).
 *
 * What matters for the race under study: __block_write_begin calls
 * get_block only for buffers that are not mapped yet, so a buffer that got
 * mapped once keeps its b_blocknr across later writes and mkwrites — the
 * extent tree is not asked again (FIDELITY 2.0, 3.1).
 *
 * Simplified: no BH_Lock handling around the read beyond the flag (the
 * page lock already serialises users of a page buffer); flush_dcache_page
 * is a no-op; no quota.  The one block device is ext4's disk (the kernel's
 * bh->b_bdev), reached through the superblock.
 *
 * Lock order: page lock (held by the callers) > whatever get_block takes
 * (i_data_sem, FIDELITY 1.3).
 */
#include "config.h"

#include "fs/buffer_write.h"
#include "fs/writeback.h"
#include "fs/block/block.h"
#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"

void buffer_sim_report_mapped(struct buffer_head *bh)
{
	struct page *page = bh->b_page;
	struct inode *inode;
	unsigned bbits;

	if (!page || !page->mapping)
		return;
	inode = page->mapping->host;
	bbits = inode->i_sb->s_blocksize_bits;
	fs_oracle_bh_map(inode,
			 (uint32_t)((page->index << (PAGE_SHIFT - bbits)) +
				    bh_sim_index(bh)),
			 bh->b_blocknr);
}

void buffer_sim_mark_dirty(struct buffer_head *bh)
{
	struct page *page = bh->b_page;
	struct address_space *mapping;

	SIM_BUG_ON(!page);
	if (buffer_dirty(bh))
		return;
	set_buffer_dirty(bh);
	if (PageDirty(page))
		return;
	mapping = page_mapping(page);
	__set_page_dirty_nobuffers(page);
	if (mapping)
		__mark_inode_dirty(mapping->host, I_DIRTY_PAGES);
}

int buffer_sim_set_page_dirty(struct page *page)
{
	struct address_space *mapping = page_mapping(page);
	bool newly = __set_page_dirty_buffers(page);

	if (newly && mapping)
		__mark_inode_dirty(mapping->host, I_DIRTY_PAGES);
	return newly;
}

int buffer_sim_read(struct inode *inode, struct buffer_head *bh)
{
	struct ext4_sim_disk *d = inode->i_sb->s_disk;
	struct page *page = bh->b_page;
	unsigned off = bh_offset(bh);
	struct bio bio;
	int err;

	SIM_BUG_ON(!buffer_mapped(bh) || bh->b_blocknr >= d->nblocks);
	bio_init(&bio);
	bio.bi_bdev = &d->bdev;
	bio.bi_iter.bi_sector = bh->b_blocknr * (bh->b_size >> SECTOR_SHIFT);
	bio.bi_iter.bi_size = bh->b_size;
	set_buffer_locked(bh);
	err = submit_bio_wait(READ, &bio);
	clear_buffer_locked(bh);
	if (err)
		return -EIO;
	/* The bytes are the block's as the read completes. */
	sim_contents_copy(&page->contents, off,
			  ext4_sim_disk_contents(d, bh->b_blocknr), 0,
			  bh->b_size);
	set_buffer_uptodate(bh);
	return 0;
}

void unmap_underlying_metadata(struct super_block *sb, sector_t block)
{
	struct buffer_head *old;

	/* A delayed buffer's placeholder block is no block at all (the
	 * kernel's lookup simply finds nothing). */
	if (block >= sb->s_disk->nblocks)
		return;
	old = sb_find_get_block(sb, block);

	if (old) {
		clear_buffer_dirty(old);
		brelse(old);
	}
}

/* zero_user_segments(page, start1, end1, start2, end2) */
static void zero_user_segments(struct page *page, unsigned start1,
			       unsigned end1, unsigned start2, unsigned end2)
{
	if (end1 > start1)
		zero_user_segment(page, start1, end1);
	if (end2 > start2)
		zero_user_segment(page, start2, end2);
}

void page_zero_new_buffers(struct page *page, unsigned from, unsigned to)
{
	struct buffer_head *head, *bh;
	unsigned block_start = 0, block_end;

	SIM_BUG_ON(!PageLocked(page));
	if (!page_has_buffers(page))
		return;
	bh = head = page_buffers(page);
	do {
		block_end = block_start + bh->b_size;
		if (buffer_new(bh) && block_end > from && block_start < to) {
			if (!PageUptodate(page)) {
				unsigned start = max(from, block_start);
				unsigned size = min(to, block_end) - start;

				zero_user(page, start, size);
				set_buffer_uptodate(bh);
			}
			clear_buffer_new(bh);
			buffer_sim_mark_dirty(bh);
		}
		block_start = block_end;
		bh = bh->b_this_page;
	} while (bh != head);
}

int __block_write_begin(struct page *page, loff_t pos, unsigned len,
			get_block_t *get_block)
{
	unsigned from = (unsigned)(pos & (PAGE_SIZE - 1));
	unsigned to = from + len;
	struct inode *inode = page->mapping->host;
	unsigned block_start, block_end, blocksize, bbits;
	sector_t block;
	struct buffer_head *bh, *head, *wait[PAGE_SIZE / 512], **wait_bh = wait;
	int err = 0;

	SIM_BUG_ON(!PageLocked(page));
	SIM_BUG_ON(from > PAGE_SIZE || to > PAGE_SIZE || from > to);

	head = create_page_buffers(page, inode, 0);
	blocksize = head->b_size;
	bbits = (unsigned)__builtin_ctz(blocksize);
	block = (sector_t)page->index << (PAGE_SHIFT - bbits);

	for (bh = head, block_start = 0; bh != head || !block_start;
	     block++, block_start = block_end, bh = bh->b_this_page) {
		block_end = block_start + blocksize;
		if (block_end <= from || block_start >= to) {
			if (PageUptodate(page) && !buffer_uptodate(bh))
				set_buffer_uptodate(bh);
			continue;
		}
		if (buffer_new(bh))
			clear_buffer_new(bh);
		if (!buffer_mapped(bh)) {
			WARN_ON(bh->b_size != blocksize);
			err = get_block(inode, block, bh, 1);
			if (err)
				break;
			if (buffer_new(bh)) {
				unmap_underlying_metadata(inode->i_sb,
							  bh->b_blocknr);
				if (PageUptodate(page)) {
					clear_buffer_new(bh);
					set_buffer_uptodate(bh);
					buffer_sim_mark_dirty(bh);
					continue;
				}
				if (block_end > to || block_start < from)
					zero_user_segments(page, to, block_end,
							   block_start, from);
				continue;
			}
		}
		if (PageUptodate(page)) {
			if (!buffer_uptodate(bh))
				set_buffer_uptodate(bh);
			continue;
		}
		if (!buffer_uptodate(bh) && !buffer_delay(bh) &&
		    !buffer_unwritten(bh) &&
		    (block_start < from || block_end > to))
			*wait_bh++ = bh;
	}
	/* The kernel submits every read (ll_rw_block) and then waits for
	 * each; the model reads them one after the other — at most two per
	 * page (the partial head and tail block). */
	while (wait_bh > wait) {
		struct buffer_head *rbh = *--wait_bh;

		if (buffer_sim_read(inode, rbh) && !err)
			err = -EIO;
	}
	if (err)
		page_zero_new_buffers(page, from, to);
	return err;
}

static int __block_commit_write(struct page *page, unsigned from, unsigned to)
{
	unsigned block_start = 0, block_end;
	bool partial = false;
	struct buffer_head *bh, *head;

	bh = head = page_buffers(page);
	do {
		block_end = block_start + bh->b_size;
		if (block_end <= from || block_start >= to) {
			if (!buffer_uptodate(bh))
				partial = true;
		} else {
			set_buffer_uptodate(bh);
			buffer_sim_mark_dirty(bh);
		}
		clear_buffer_new(bh);
		block_start = block_end;
		bh = bh->b_this_page;
	} while (bh != head);
	/* Every buffer uptodate: the page is (a read need not be issued). */
	if (!partial)
		SetPageUptodate(page);
	return 0;
}

int block_commit_write(struct page *page, unsigned from, unsigned to)
{
	return __block_commit_write(page, from, to);
}

int block_write_end(struct file *file, struct address_space *mapping,
		    loff_t pos, unsigned len, unsigned copied,
		    struct page *page, void *fsdata)
{
	unsigned start = (unsigned)(pos & (PAGE_SIZE - 1));

	(void)file;
	(void)mapping;
	(void)fsdata;
	if (copied < len) {
		/* A short copy into a page that is not uptodate cannot be
		 * committed partially: the whole copy is discarded. */
		if (!PageUptodate(page))
			copied = 0;
		page_zero_new_buffers(page, start + copied, start + len);
	}
	__block_commit_write(page, start, start + copied);
	return (int)copied;
}

int generic_write_end(struct file *file, struct address_space *mapping,
		      loff_t pos, unsigned len, unsigned copied,
		      struct page *page, void *fsdata)
{
	struct inode *inode = mapping->host;
	loff_t old_size = inode->i_size;
	bool i_size_changed = false;

	copied = (unsigned)block_write_end(file, mapping, pos, len, copied,
					   page, fsdata);
	/* i_size moves while the page is still locked, so writeback of the
	 * page cannot zero what lies past the old size (kernel comment). */
	if (pos + copied > inode->i_size) {
		i_size_write(inode, pos + copied);
		i_size_changed = true;
	}
	unlock_page(page);
	put_page(page);
	if (old_size < pos)
		pagecache_isize_extended(inode, old_size, pos);
	/* Not under the page lock: marking the inode dirty may start a
	 * handle, which ranks above the page lock. */
	if (i_size_changed)
		mark_inode_dirty(inode);
	return (int)copied;
}

int block_page_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf,
		       get_block_t get_block)
{
	struct page *page = vmf->page;
	struct inode *inode = file_inode(vma->vm_file);
	unsigned long end;
	loff_t size;
	int ret;

	lock_page(page);
	size = i_size_read(inode);
	/* Truncated (or invalidated by a punch) while we slept: the fault
	 * is retried (-EFAULT → VM_FAULT_NOPAGE). */
	if (page->mapping != inode->i_mapping || page_offset(page) > size) {
		ret = -EFAULT;
		goto out_unlock;
	}
	if (((loff_t)(page->index + 1) << PAGE_SHIFT) > size)
		end = (unsigned long)(size & (PAGE_SIZE - 1));
	else
		end = PAGE_SIZE;

	ret = __block_write_begin(page, 0, (unsigned)end, get_block);
	if (!ret)
		ret = block_commit_write(page, 0, (unsigned)end);
	if (ret < 0)
		goto out_unlock;
	set_page_dirty(page);
	wait_for_stable_page(page);
	return 0;
out_unlock:
	unlock_page(page);
	return ret;
}
