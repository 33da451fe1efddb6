/* fs/buffer_read.c — the read half of fs/buffer.c (v4.4): block_read_full_page
 * with mark_buffer_async_read / submit_bh(READ) / end_buffer_async_read.
 * The page's buffers are created if absent and mapped with
 * get_block(create = 0) — to whatever block the filesystem maps right now;
 * that mapping stays on the buffers after the read (FIDELITY 2.4, 3.3).
 *
 * Simplified: BH_Async_Read is not a separate bit — a page-cache buffer is
 * locked only for IO here, and its page is locked during the read, so
 * "locked" stands for "async read in flight"; no BH_Uptodate_Lock (IO
 * completions run one at a time in a world).  One bio per buffer, as
 * submit_bh builds.
 */
#include "config.h"

#include "fs/mm/fault.h"

#define MAX_BUF_PER_PAGE (PAGE_SIZE / 512)

static void end_buffer_async_read(struct buffer_head *bh, bool uptodate)
{
	struct page *page = bh->b_page;
	struct buffer_head *tmp;
	bool page_uptodate = true;

	SIM_BUG_ON(!buffer_locked(bh));
	if (uptodate) {
		set_buffer_uptodate(bh);
	} else {
		clear_buffer_uptodate(bh);
		SetPageError(page);
	}
	clear_buffer_locked(bh);   /* clear_buffer_async_read + unlock_buffer */
	tmp = bh;
	do {
		if (!buffer_uptodate(tmp))
			page_uptodate = false;
		if (buffer_locked(tmp))
			return;            /* still busy: another read in flight */
		tmp = tmp->b_this_page;
	} while (tmp != bh);
	/* The last read of the page is done. */
	if (page_uptodate && !PageError(page))
		SetPageUptodate(page);
	unlock_page(page);
}

static void end_bio_bh_io_sync(struct sim_rbio *rb)
{
	struct buffer_head *bh = rb->vec[0].bh;
	bool ok = rb->bio.bi_error == 0;

	sim_rbio_put(rb);
	end_buffer_async_read(bh, ok);
}

/* submit_bh(READ, bh): one bio for the buffer's block. */
static void submit_bh_read(struct super_block *sb, struct buffer_head *bh)
{
	struct sim_rbio *rb = sim_rbio_alloc(sb, bh->b_blocknr,
					     end_bio_bh_io_sync);

	sim_rbio_add_page(rb, bh->b_page, bh,
			  (uint32_t)(bh_sim_index(bh) * bh->b_size),
			  bh->b_size);
	sim_rbio_submit(rb);
}

int block_read_full_page(struct page *page, get_block_t *get_block)
{
	struct inode *inode = page->mapping->host;
	sector_t iblock, lblock;
	struct buffer_head *bh, *head, *arr[MAX_BUF_PER_PAGE];
	unsigned blocksize, bbits;
	unsigned nr = 0, i = 0;
	bool fully_mapped = true;

	SIM_BUG_ON(!PageLocked(page));
	head = create_page_buffers(page, inode, 0);
	blocksize = head->b_size;
	bbits = (unsigned)__builtin_ctz(blocksize);

	iblock = (sector_t)page->index << (PAGE_SHIFT - bbits);
	lblock = ((sector_t)i_size_read(inode) + blocksize - 1) >> bbits;
	bh = head;
	do {
		if (buffer_uptodate(bh))
			continue;
		if (!buffer_mapped(bh)) {
			int err = 0;

			fully_mapped = false;
			if (iblock < lblock) {
				WARN_ON(bh->b_size != blocksize);
				err = get_block(inode, iblock, bh, 0);
				if (err)
					SetPageError(page);
			}
			if (!buffer_mapped(bh)) {
				zero_user(page, i * blocksize, blocksize);
				if (!err)
					set_buffer_uptodate(bh);
				continue;
			}
			/* get_block() might have brought it uptodate. */
			if (buffer_uptodate(bh))
				continue;
		}
		arr[nr++] = bh;
	} while (i++, iblock++, (bh = bh->b_this_page) != head);

	if (fully_mapped)
		SetPageMappedToDisk(page);

	if (!nr) {
		/* Every buffer is uptodate (holes zeroed): so is the page,
		 * unless get_block failed. */
		if (!PageError(page))
			SetPageUptodate(page);
		unlock_page(page);
		return 0;
	}

	/* Stage two: lock the buffers (mark_buffer_async_read). */
	for (i = 0; i < nr; i++)
		set_buffer_locked(arr[i]);
	/* The reads own the page lock now; the last completion unlocks. */
	page_sim_lock_hand_to_io(page);
	/* Stage three: start the IO. */
	for (i = 0; i < nr; i++)
		submit_bh_read(inode->i_sb, arr[i]);
	return 0;
}
