/* fs/mm/page-writeback.c — dirty and writeback state of pages and the
 * page-cache tags that follow it: set_page_dirty, __set_page_dirty_nobuffers,
 * clear_page_dirty_for_io, cancel_dirty_page, __test_set_page_writeback,
 * test_clear_page_writeback, tag_pages_for_writeback (mm/page-writeback.c,
 * v4.4).  Writeback itself (write_cache_pages, ->writepages, the flusher,
 * dirty throttling) is not here.
 *
 * Tag rules kept from the kernel (page_cache_sim_check verifies them):
 *  - a cached page with PG_dirty carries the DIRTY tag; the tag may outlive
 *    the flag (clear_page_dirty_for_io and cancel_dirty_page leave it, the
 *    next set_page_writeback or the page's deletion drops it);
 *  - PG_writeback and the WRITEBACK tag go together;
 *  - TOWRITE is set only from DIRTY (tag_pages_for_writeback) and cleared
 *    when the page goes under writeback (unless keep_write).
 * Simplified: no dirty/writeback accounting, memcg or bdi statistics.
 */
#include "config.h"

#include "fs/mm/internal.h"

/* Tag a page that is (still) in its mapping's cache. */
static void tag_if_cached(struct page *page, unsigned tag, bool set)
{
	struct address_space *mapping = page_mapping(page);

	if (!mapping)
		return;
	if (set)
		page_cache_sim_tag_set(mapping, page->index, tag);
	else
		page_cache_sim_tag_clear(mapping, page->index, tag);
}

bool __set_page_dirty_nobuffers(struct page *page)
{
	if (TestSetPageDirty(page))
		return false;
	tag_if_cached(page, PAGECACHE_TAG_DIRTY, true);
	return true;
}

bool set_page_dirty(struct page *page)
{
	struct address_space *mapping = page_mapping(page);

	if (mapping) {
		ClearPageReclaim(page);
		if (mapping->a_ops && mapping->a_ops->set_page_dirty)
			return mapping->a_ops->set_page_dirty(page);
		return __set_page_dirty_buffers(page);
	}
	return !TestSetPageDirty(page);
}

bool clear_page_dirty_for_io(struct page *page)
{
	SIM_BUG_ON(!PageLocked(page));
	if (page_mapping(page)) {
		/* Fold dirt from the page tables into the page and
		 * write-protect them: the next store faults and goes
		 * through ->page_mkwrite again.  The DIRTY tag stays. */
		if (page_mkclean(page))
			set_page_dirty(page);
	}
	return TestClearPageDirty(page);
}

void cancel_dirty_page(struct page *page)
{
	/* The DIRTY tag stays (it leaves with the page). */
	ClearPageDirty(page);
}

static bool __test_set_page_writeback(struct page *page, bool keep_write)
{
	bool ret = TestSetPageWriteback(page);

	if (!ret)
		tag_if_cached(page, PAGECACHE_TAG_WRITEBACK, true);
	if (!PageDirty(page))
		tag_if_cached(page, PAGECACHE_TAG_DIRTY, false);
	if (!keep_write)
		tag_if_cached(page, PAGECACHE_TAG_TOWRITE, false);
	return ret;
}

bool set_page_writeback(struct page *page)
{
	return __test_set_page_writeback(page, false);
}

bool set_page_writeback_keepwrite(struct page *page)
{
	return __test_set_page_writeback(page, true);
}

bool test_clear_page_writeback(struct page *page)
{
	bool ret = TestClearPageWriteback(page);

	if (ret)
		tag_if_cached(page, PAGECACHE_TAG_WRITEBACK, false);
	return ret;
}

void tag_pages_for_writeback(struct address_space *mapping, pgoff_t start,
			     pgoff_t end)
{
	struct mm_sim *s = mapping->mm_sim;
	uint64_t index = start;
	unsigned long tagged = 0;

	/* One pass under the (modelled) tree lock; the kernel batches 4096
	 * at a time only to bound its irq-off time. */
	while (index <= end &&
	       radix_tree_next(mapping_tree(mapping), index,
			       PAGECACHE_TAG_DIRTY, &index) &&
	       index <= end) {
		page_cache_sim_tag_set(mapping, index, PAGECACHE_TAG_TOWRITE);
		tagged++;
		if (index == UINT64_MAX)
			break;
		index++;
	}
	mm_sim_charge(s, mm_costs(s)->page_lookup +
			 mm_costs(s)->page_lookup_next * (sim_time_t)tagged);
}
