/* fs/buffer.c — buffers of page-cache pages: create_empty_buffers,
 * create_page_buffers, block_invalidatepage (discard_buffer),
 * try_to_free_buffers (drop_buffers), __set_page_dirty_buffers (fs/buffer.c,
 * v4.4).  One buffer per block of a page, in a ring from offset 0, each
 * with its state (mapped, new, delay, unwritten, dirty, uptodate) and
 * b_blocknr: writeback trusts a mapped buffer's block number without asking
 * the extent tree, which is what makes stale buffers dangerous (FIDELITY
 * 2.6, 3.1).
 *
 * Simplified: no private_lock (atomic here), no associated-buffer lists,
 * no BH_Req/write-IO-error bits; buffer heads come from the world's pool.
 * Block-device (metadata) buffers live in fs/block/block.c, not here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fs/mm/internal.h"
#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"

#define BH_PER_CHUNK 512

struct buffer_head *bh_sim_alloc(struct mm_sim *s)
{
	struct buffer_head *bh;

	if (!s->free_bh) {
		struct buffer_head *chunk = calloc(BH_PER_CHUNK, sizeof(*chunk));

		SIM_BUG_ON(!chunk);
		mm_sim_chunks_add(&s->bh_chunks, chunk);
		for (int i = BH_PER_CHUNK - 1; i >= 0; i--) {
			chunk[i].b_this_page = s->free_bh;
			s->free_bh = &chunk[i];
		}
	}
	bh = s->free_bh;
	s->free_bh = bh->b_this_page;
	memset(bh, 0, sizeof(*bh));
	s->nr_bh++;
	return bh;
}

void bh_sim_free(struct mm_sim *s, struct buffer_head *bh)
{
	bh->b_page = NULL;
	bh->b_this_page = s->free_bh;
	s->free_bh = bh;
	s->nr_bh--;
}

unsigned bh_sim_index(const struct buffer_head *bh)
{
	const struct buffer_head *p = page_buffers(bh->b_page);
	unsigned i = 0;

	while (p != bh) {
		p = p->b_this_page;
		i++;
		SIM_BUG_ON(p == page_buffers(bh->b_page));
	}
	return i;
}

void create_empty_buffers(struct page *page, unsigned long blocksize,
			  unsigned long b_state)
{
	struct mm_sim *s = page->sim;
	struct buffer_head *head = NULL, *tail = NULL;
	unsigned n;

	SIM_BUG_ON(PagePrivate(page));
	SIM_BUG_ON(blocksize == 0 || blocksize > PAGE_SIZE ||
		   PAGE_SIZE % blocksize);
	mm_sim_charge(s, mm_costs(s)->buffers_create);
	n = PAGE_SIZE / (unsigned)blocksize;
	for (unsigned i = 0; i < n; i++) {
		struct buffer_head *bh = bh_sim_alloc(s);

		bh->b_state = b_state;
		if (PageDirty(page))
			set_buffer_dirty(bh);
		if (PageUptodate(page))
			set_buffer_uptodate(bh);
		bh->b_blocknr = UINT64_MAX;   /* kernel: -1 until mapped */
		bh->b_size = (unsigned)blocksize;
		bh->b_page = page;
		if (tail)
			tail->b_this_page = bh;
		else
			head = bh;
		tail = bh;
	}
	tail->b_this_page = head;
	/* attach_page_buffers: the buffers hold a page reference. */
	get_page(page);
	SetPagePrivate(page);
	page->private = head;
}

struct buffer_head *create_page_buffers(struct page *page, struct inode *inode,
					unsigned long b_state)
{
	SIM_BUG_ON(!PageLocked(page));
	if (!page_has_buffers(page)) {
		unsigned long bs = inode->i_sb ? inode->i_sb->s_blocksize : PAGE_SIZE;

		create_empty_buffers(page, bs, b_state);
	}
	return page_buffers(page);
}

/* The other half of buffer_sim_report_mapped's rule (fs/buffer_write.h):
 * a page buffer maps b_blocknr while BH_Mapped and not BH_Delay, so such a
 * buffer about to lose BH_Mapped or be freed is reported unmapped.  i is
 * the buffer's position in its page.  inode is the page's owner, looked up
 * while the page is still in its mapping; NULL (a detached page) reports
 * nothing: the map was not reported without a mapping either, and a page
 * leaves its mapping only after its buffers were discarded or released —
 * except at address_space_sim_destroy, which is teardown only: the oracle
 * is gone by then (ext4_model_destroy), or the superblock is (test
 * harnesses), so nothing may be reported there. */
static void buffer_sim_report_unmapped(struct inode *inode,
				       struct buffer_head *bh, unsigned i)
{
	struct super_block *sb;

	if (!inode || !buffer_mapped(bh) || buffer_delay(bh))
		return;
	/* ext4_da_invalidatepage clears BH_Delay (ext4_da_page_release_
	 * reservation) just before block_invalidatepage discards the buffer:
	 * it still carries the placeholder past the end of the disk, which
	 * was never reported. */
	sb = inode->i_sb;
	if (sb && sb->s_disk && bh->b_blocknr >= sb->s_disk->nblocks)
		return;
	fs_oracle_bh_unmap(inode,
			   (uint32_t)(bh->b_page->index *
				      (PAGE_SIZE / bh->b_size) + i),
			   bh->b_blocknr);
}

static struct inode *page_sim_owner(const struct page *page)
{
	return page->mapping ? page->mapping->host : NULL;
}

/* The block is gone (truncated or punched): forget where it lived. */
static void discard_buffer(struct inode *inode, struct buffer_head *bh,
			   unsigned i)
{
	buffer_sim_report_unmapped(inode, bh, i);
	clear_buffer_dirty(bh);
	clear_buffer_mapped(bh);
	clear_buffer_new(bh);
	clear_buffer_delay(bh);
	clear_buffer_unwritten(bh);
}

void block_invalidatepage(struct page *page, unsigned offset, unsigned length)
{
	struct inode *inode = page_sim_owner(page);
	struct buffer_head *head, *bh;
	unsigned curr_off = 0, i = 0;
	unsigned stop = offset + length;

	SIM_BUG_ON(!PageLocked(page));
	if (!page_has_buffers(page))
		return;
	SIM_BUG_ON(stop > PAGE_SIZE || stop < length);
	head = page_buffers(page);
	bh = head;
	do {
		unsigned next_off = curr_off + bh->b_size;
		struct buffer_head *next = bh->b_this_page;

		/* Past the range: buffers beyond it stay as they are. */
		if (next_off > stop)
			return;
		/* Wholly inside the range: discard. */
		if (offset <= curr_off)
			discard_buffer(inode, bh, i);
		curr_off = next_off;
		bh = next;
		i++;
	} while (bh != head);
	/* The whole page went: try to drop the buffers too. */
	if (offset == 0)
		try_to_release_page(page, 0);
}

static bool buffer_busy(const struct buffer_head *bh)
{
	return bh->b_count || buffer_dirty(bh) || buffer_locked(bh);
}

/* Mapped buffers among them stop mapping their blocks: reported for the
 * page's owner (NULL: the page is detached, see above). */
static void free_page_buffers(struct page *page, struct inode *inode)
{
	struct mm_sim *s = page->sim;
	struct buffer_head *head = page->private, *bh = head;
	unsigned i = 0;

	do {
		struct buffer_head *next = bh->b_this_page;

		buffer_sim_report_unmapped(inode, bh, i++);
		bh_sim_free(s, bh);
		bh = next;
	} while (bh != head);
	page->private = NULL;
	ClearPagePrivate(page);
	put_page(page);   /* __clear_page_buffers: the buffers' reference */
}

void buffers_sim_drop(struct page *page)
{
	if (PagePrivate(page))
		free_page_buffers(page, page_sim_owner(page));
}

bool try_to_free_buffers(struct page *page)
{
	struct buffer_head *head, *bh;

	SIM_BUG_ON(!PageLocked(page));
	if (PageWriteback(page))
		return false;
	if (!page_has_buffers(page))
		return true;
	head = page_buffers(page);
	bh = head;
	do {
		if (buffer_busy(bh))
			return false;
		bh = bh->b_this_page;
	} while (bh != head);
	/* Every buffer is clean: so is the page (truncate's discard_buffer
	 * cleaned them; the page follows). */
	if (page->mapping)
		cancel_dirty_page(page);
	free_page_buffers(page, page_sim_owner(page));
	return true;
}

bool __set_page_dirty_buffers(struct page *page)
{
	struct address_space *mapping = page_mapping(page);
	bool newly_dirty;

	if (!mapping)
		return !TestSetPageDirty(page);
	if (page_has_buffers(page)) {
		struct buffer_head *head = page_buffers(page), *bh = head;

		do {
			set_buffer_dirty(bh);
			bh = bh->b_this_page;
		} while (bh != head);
	}
	newly_dirty = !TestSetPageDirty(page);
	if (newly_dirty)
		page_cache_sim_tag_set(mapping, page->index,
				       PAGECACHE_TAG_DIRTY);
	return newly_dirty;
}
