/* fs/mm/vmscan.c — memory pressure: a page-cache budget per world and
 * direct reclaim of clean, unmapped page-cache pages from the LRU tail.
 * Keeps the idea of shrink_page_list/__remove_mapping (mm/vmscan.c, v4.4):
 * trylock the page, skip anything dirty, under writeback, mapped or
 * referenced by someone else, release buffers (try_to_release_page), then
 * delete it from its mapping.
 *
 * Simplified: one LRU (no active/inactive lists, no referenced-bit second
 * chance, no kswapd, no watermarks, no writeback from reclaim, no anon
 * reclaim); the budget counts page-cache pages only, and when nothing can
 * be reclaimed the insert goes ahead over budget (no OOM).  Pages that
 * cannot be taken rotate to the head, as putback_lru_page puts them back,
 * so the next scan does not meet them first.  The scan is one atomic pass
 * charged at its end (the kernel isolates a batch under the LRU lock and
 * works on pages nobody else can find any more).
 */
#include "config.h"

#include "fs/mm/internal.h"

#define SWAP_CLUSTER_MAX 32ul

/* Could reclaim take this page?  Its only references are the cache's and
 * its buffers'. */
static bool page_sim_reclaimable(const struct page *page)
{
	return !PageLocked(page) && !PageDirty(page) && !PageWriteback(page) &&
	       !page_mapped(page) && page->_count == 1 + (int)PagePrivate(page);
}

unsigned long try_to_free_pages(struct mm_sim *s, unsigned long nr)
{
	unsigned long freed = 0, scanned = 0;
	unsigned long limit = s->nr_cache_pages;   /* one lap at most */

	while (freed < nr && scanned < limit && !sim_list_empty(&s->lru)) {
		struct page *page =
			sim_list_entry(s->lru.prev, struct page, lru);

		scanned++;
		/* Rotate first: whatever happens below, the page is no
		 * longer the oldest. */
		sim_list_del(&page->lru);
		sim_list_add(&page->lru, &s->lru);
		if (!page_sim_reclaimable(page))
			continue;
		get_page(page);                     /* isolation reference */
		if (!trylock_page_sim_nodep(page)) {
			put_page(page);
			continue;
		}
		if (page_has_private(page) && !try_to_release_page(page, 0)) {
			unlock_page(page);
			put_page(page);
			continue;
		}
		/* Locked by us now: recheck (__remove_mapping's refcount
		 * test: the cache's reference and ours, nobody else's). */
		if (PageDirty(page) || PageWriteback(page) || page_mapped(page) ||
		    page->_count != 2) {
			unlock_page(page);
			put_page(page);
			continue;
		}
		__delete_from_page_cache(page);
		unlock_page(page);
		put_page(page);                     /* frees it */
		freed++;
	}
	s->stats.reclaim_scanned += scanned;
	s->stats.reclaimed += freed;
	mm_sim_charge(s, mm_costs(s)->reclaim_scan * (sim_time_t)scanned +
			 mm_costs(s)->page_delete * (sim_time_t)freed);
	return freed;
}

void mm_sim_reclaim_for_insert(struct mm_sim *s)
{
	unsigned long want, batch;

	if (!s->page_budget || s->nr_cache_pages < s->page_budget)
		return;
	/* Room for one more page, in batches like the kernel's
	 * SWAP_CLUSTER_MAX, but never more than a quarter of the budget so
	 * small budgets keep most of their pages. */
	want = s->nr_cache_pages + 1 - s->page_budget;
	batch = min(SWAP_CLUSTER_MAX, s->page_budget / 4);
	if (!try_to_free_pages(s, max(want, batch)))
		s->stats.reclaim_failed++;
}
