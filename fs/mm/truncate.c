/* fs/mm/truncate.c — taking pages out of a mapping: truncate_inode_pages_range
 * (two passes), truncate_inode_page, do_invalidatepage, truncate_pagecache,
 * truncate_pagecache_range, truncate_setsize, pagecache_isize_extended,
 * invalidate_inode_pages2_range (mm/truncate.c, v4.4), step for step.
 *
 * The race this file exists for (FIDELITY 3.1): truncate_inode_pages_range
 * ends when a lookup from the start of the range finds nothing; a page a
 * fault or read inserts after that final lookup survives, and nothing in
 * the punch path ever looks again.  Between lookups the paths here sleep
 * (page locks, writeback, costs), so faults run in those gaps too.
 *
 * Simplified: no shadow/exceptional entries, no cleancache, gang lookups
 * of PAGEVEC_SIZE as in the kernel but without its pagevec LRU batching.
 *
 * Lock order: truncate_inode_page may call unmap_mapping_range (i_mmap_rwsem
 * w) with the page locked: page lock > i_mmap_rwsem (mm/rmap.c order).
 */
#include "config.h"

#include "fs/mm/internal.h"

void do_invalidatepage(struct page *page, unsigned offset, unsigned length)
{
	struct address_space *mapping = page->mapping;
	struct mm_sim *s = page->sim;

	mm_sim_charge(s, mm_costs(s)->invalidatepage);
	if (mapping && mapping->a_ops && mapping->a_ops->invalidatepage)
		mapping->a_ops->invalidatepage(page, offset, length);
	else
		block_invalidatepage(page, offset, length);
}

/* The page is locked and unmapped; -EIO if it left the mapping meanwhile
 * (reclaim or another truncate got there first). */
static int truncate_complete_page(struct address_space *mapping,
				  struct page *page)
{
	if (page->mapping != mapping)
		return -EIO;
	if (page_has_private(page))
		do_invalidatepage(page, 0, PAGE_SIZE);
	/* Some filesystems redirty from ->invalidatepage, hence after it. */
	cancel_dirty_page(page);
	ClearPageMappedToDisk(page);
	delete_from_page_cache(page);
	mapping->mm_sim->stats.pages_truncated++;
	return 0;
}

int truncate_inode_page(struct address_space *mapping, struct page *page)
{
	if (page_mapped(page))
		unmap_mapping_range(mapping, (loff_t)page->index << PAGE_SHIFT,
				    PAGE_SIZE, false);
	return truncate_complete_page(mapping, page);
}

static void release_all(struct page **pages, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		put_page(pages[i]);
}

/* cond_resched(): the kernel may preempt the truncation here, between
 * batches; the model takes no time, but it is a step boundary for
 * schedule exploration (sim_task_step). */
static void cond_resched_sim(void)
{
	struct sim_task *t = sim_current_task();

	if (t)
		sim_task_step(t, "cond_resched");
}

void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart,
				loff_t lend)
{
	pgoff_t start;             /* first page wholly inside, inclusive */
	pgoff_t end;               /* exclusive */
	unsigned partial_start;    /* offset in the page before start */
	unsigned partial_end;      /* bytes of page end inside the range */
	struct page *pages[PAGEVEC_SIZE];
	pgoff_t indices[PAGEVEC_SIZE];
	pgoff_t index;
	unsigned n, i;

	if (mapping->nrpages == 0)
		return;
	partial_start = (unsigned)(lstart & (PAGE_SIZE - 1));
	partial_end = (unsigned)((lend + 1) & (PAGE_SIZE - 1));
	start = (pgoff_t)(lstart + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (lend == -1)
		end = (pgoff_t)-1;   /* to EOF */
	else
		end = (pgoff_t)(lend + 1) >> PAGE_SHIFT;

	/* Pass 1: never sleep on a page; skip locked and writeback pages. */
	index = start;
	while (index < end &&
	       (n = find_get_entries(mapping, index,
				     (unsigned)min(end - index, (pgoff_t)PAGEVEC_SIZE),
				     pages, indices))) {
		for (i = 0; i < n; i++) {
			struct page *page = pages[i];

			index = indices[i];
			if (index >= end)
				break;
			if (!trylock_page(page))
				continue;
			WARN_ON(page->index != index);
			if (PageWriteback(page)) {
				unlock_page(page);
				continue;
			}
			truncate_inode_page(mapping, page);
			unlock_page(page);
		}
		release_all(pages, n);
		cond_resched_sim();
		index++;
	}

	/* Partial edge pages: zero the part inside the range, drop the
	 * buffers it wholly covers; the page stays. */
	if (partial_start) {
		struct page *page = find_lock_page(mapping, start - 1);

		if (page) {
			unsigned top = PAGE_SIZE;

			if (start > end) {
				/* The whole range lies inside this page. */
				top = partial_end;
				partial_end = 0;
			}
			wait_on_page_writeback(page);
			zero_user_segment(page, partial_start, top);
			if (page_has_private(page))
				do_invalidatepage(page, partial_start,
						  top - partial_start);
			unlock_page(page);
			put_page(page);
		}
	}
	if (partial_end) {
		struct page *page = find_lock_page(mapping, end);

		if (page) {
			wait_on_page_writeback(page);
			zero_user_segment(page, 0, partial_end);
			if (page_has_private(page))
				do_invalidatepage(page, 0, partial_end);
			unlock_page(page);
			put_page(page);
		}
	}
	if (start >= end)
		return;

	/* Pass 2: take every page, waiting for locks and writeback, and go
	 * round again from start until one lookup finds the range empty.
	 * Whatever is inserted after that lookup stays. */
	index = start;
	for (;;) {
		cond_resched_sim();
		n = find_get_entries(mapping, index,
				     (unsigned)min(end - index, (pgoff_t)PAGEVEC_SIZE),
				     pages, indices);
		if (!n) {
			if (index == start)
				break;          /* all gone from start onwards */
			index = start;          /* restart to make sure */
			continue;
		}
		if (index == start && indices[0] >= end) {
			release_all(pages, n);  /* all gone out of the hole */
			break;
		}
		for (i = 0; i < n; i++) {
			struct page *page = pages[i];

			index = indices[i];
			if (index >= end) {
				index = start - 1;  /* restart the punch */
				break;
			}
			lock_page(page);
			WARN_ON(page->index != index);
			wait_on_page_writeback(page);
			truncate_inode_page(mapping, page);
			unlock_page(page);
		}
		release_all(pages, n);
		index++;
	}
}

void truncate_inode_pages(struct address_space *mapping, loff_t lstart)
{
	truncate_inode_pages_range(mapping, lstart, (loff_t)-1);
}

void truncate_pagecache(struct inode *inode, loff_t newsize)
{
	struct address_space *mapping = inode->i_mapping;
	loff_t holebegin = round_up(newsize, (loff_t)PAGE_SIZE);

	/* The first unmap only saves truncate_inode_page single-page unmaps;
	 * the second catches private pages COWed meanwhile. */
	unmap_mapping_range(mapping, holebegin, 0, true);
	truncate_inode_pages(mapping, newsize);
	unmap_mapping_range(mapping, holebegin, 0, true);
}

void truncate_pagecache_range(struct inode *inode, loff_t lstart, loff_t lend)
{
	struct address_space *mapping = inode->i_mapping;
	loff_t unmap_start = round_up(lstart, (loff_t)PAGE_SIZE);
	loff_t unmap_end = round_down(1 + lend, (loff_t)PAGE_SIZE) - 1;

	/* Once, before truncating, and without even_cows: a hole punch
	 * leaves private COWed pages alone. */
	if ((uint64_t)unmap_end > (uint64_t)unmap_start)
		unmap_mapping_range(mapping, unmap_start,
				    1 + unmap_end - unmap_start, false);
	truncate_inode_pages_range(mapping, lstart, lend);
}

void pagecache_isize_extended(struct inode *inode, loff_t from, loff_t to)
{
	loff_t bsize = inode->i_sb ? (loff_t)inode->i_sb->s_blocksize : PAGE_SIZE;
	loff_t rounded_from;
	struct page *page;

	WARN_ON(to > inode->i_size);
	if (from >= to || bsize == PAGE_SIZE)
		return;
	/* Does the page straddling from get a new block-sized hole? */
	rounded_from = round_up(from, bsize);
	if (to <= rounded_from || !(rounded_from & (PAGE_SIZE - 1)))
		return;
	page = find_lock_page(inode->i_mapping, (pgoff_t)from >> PAGE_SHIFT);
	if (!page)
		return;
	/* Write-protect it so the next store goes through ->page_mkwrite,
	 * which allocates the block past the old size. */
	if (page_mkclean(page))
		set_page_dirty(page);
	unlock_page(page);
	put_page(page);
}

void truncate_setsize(struct inode *inode, loff_t newsize)
{
	loff_t oldsize = inode->i_size;

	i_size_write(inode, newsize);
	if (newsize > oldsize)
		pagecache_isize_extended(inode, oldsize, newsize);
	truncate_pagecache(inode, newsize);
}

/* Like truncate_complete_page, but refuses dirty pages. */
static bool invalidate_complete_page2(struct address_space *mapping,
				      struct page *page)
{
	if (page->mapping != mapping)
		return false;
	if (page_has_private(page) && !try_to_release_page(page, 0))
		return false;
	if (PageDirty(page))
		return false;
	SIM_BUG_ON(page_has_private(page));
	delete_from_page_cache(page);
	return true;
}

int invalidate_inode_pages2_range(struct address_space *mapping, pgoff_t start,
				  pgoff_t end)
{
	struct page *pages[PAGEVEC_SIZE];
	pgoff_t indices[PAGEVEC_SIZE];
	pgoff_t index = start;
	bool did_range_unmap = false;
	unsigned n, i;
	int ret = 0;

	while (index <= end &&
	       (n = find_get_entries(mapping, index,
				     (unsigned)min(end - index,
						   (pgoff_t)PAGEVEC_SIZE - 1) + 1,
				     pages, indices))) {
		for (i = 0; i < n; i++) {
			struct page *page = pages[i];

			index = indices[i];
			if (index > end)
				break;
			lock_page(page);
			WARN_ON(page->index != index);
			if (page->mapping != mapping) {
				unlock_page(page);
				continue;
			}
			wait_on_page_writeback(page);
			if (page_mapped(page)) {
				/* First mapped page: zap the rest of the
				 * range in one go; later ones singly. */
				if (!did_range_unmap) {
					unmap_mapping_range(mapping,
						(loff_t)index << PAGE_SHIFT,
						(loff_t)(1 + end - index) << PAGE_SHIFT,
						false);
					did_range_unmap = true;
				} else {
					unmap_mapping_range(mapping,
						(loff_t)index << PAGE_SHIFT,
						PAGE_SIZE, false);
				}
			}
			SIM_BUG_ON(page_mapped(page));
			/* No ->launder_page in the model (ext4 has none). */
			if (!invalidate_complete_page2(mapping, page))
				ret = -EBUSY;
			unlock_page(page);
		}
		release_all(pages, n);
		index++;
	}
	return ret;
}
