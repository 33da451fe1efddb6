/* fs/mm/page_alloc.c — the world's mm state (struct mm_sim), its cost
 * defaults, and struct page allocation and freeing: the roles of
 * mm/page_alloc.c and mm/swap.c (put_page) in v4.4.
 *
 * Simplified: pages come from a per-world pool that grows in chunks and is
 * freed only with the world (steady state allocates nothing); a free page
 * keeps its contents storage, reset to zeros when handed out again.
 * Memory pressure is not an allocation failure here but a page-cache
 * budget enforced by reclaim (vmscan.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/mm/internal.h"
#include "fs/costs.h"

#define PAGES_PER_CHUNK 256

void mm_sim_costs_default(struct mm_sim_costs *c)
{
	*c = (struct mm_sim_costs){
		.page_lookup = 50,
		.page_lookup_next = 10,
		.page_alloc = 100,
		.page_insert = 200,
		.page_delete = 150,
		.page_zero = 300,
		.page_copy = 400,
		.pte_set = 40,
		.pte_zap = 20,
		.pte_wrprotect = 30,
		.vma_flush = 200,
		.buffers_create = 100,
		.invalidatepage = 50,
		.reclaim_scan = 30,
	};
}

void mm_sim_costs_from_config(struct mm_sim_costs *c, const struct fs_costs *fc)
{
	mm_sim_costs_default(c);
	c->page_lookup = fc->page_cache_lookup;
	/* [costs] page_cache_insert covers allocating and inserting. */
	c->page_alloc = 0;
	c->page_insert = fc->page_cache_insert;
	c->page_zero = fc->page_zero;
	c->page_copy = fc->page_copy;
	c->pte_set = fc->pte_install;
	c->pte_zap = fc->pte_zap;
}

void mm_sim_chunks_add(struct mm_sim_chunks *c, void *chunk)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		c->v = realloc(c->v, c->cap * sizeof(void *));
		SIM_BUG_ON(!c->v);
	}
	c->v[c->n++] = chunk;
}

struct mm_sim *mm_sim_new(struct sim_world *w, const struct mm_sim_costs *costs)
{
	struct mm_sim *s = calloc(1, sizeof(*s));

	SIM_BUG_ON(!s);
	s->world = w;
	if (costs)
		s->costs = *costs;
	else
		mm_sim_costs_default(&s->costs);
	sim_list_init(&s->lru);
	sim_list_init(&s->free_pages);
	radix_tree_pool_init(&s->tree_pool);
	sim_lockdep_map_init(w, &s->page_lock_dep, "page lock");
	return s;
}

void mm_sim_free(struct mm_sim *s)
{
	if (!s)
		return;
	/* Pages may still sit in caches, on PTEs or on blocked tasks' wait
	 * records (a deadlocked world): free storage wholesale, touch no
	 * list. */
	for (unsigned i = 0; i < s->page_chunks.n; i++) {
		struct page *chunk = s->page_chunks.v[i];

		for (unsigned j = 0; j < PAGES_PER_CHUNK; j++)
			sim_contents_destroy(&chunk[j].contents);
		free(chunk);
	}
	for (unsigned i = 0; i < s->bh_chunks.n; i++)
		free(s->bh_chunks.v[i]);
	free(s->page_chunks.v);
	free(s->bh_chunks.v);
	radix_tree_pool_destroy(&s->tree_pool);
	free(s->page_locks_held);
	free(s);
}

void mm_sim_set_page_budget(struct mm_sim *s, unsigned long pages)
{
	s->page_budget = pages;
}

bool mm_sim_check(const struct mm_sim *s, char *why, size_t len)
{
	const struct sim_list *pos;
	unsigned long n = 0;

	sim_list_for_each(pos, &s->lru) {
		const struct page *page = sim_list_entry(pos, struct page, lru);

		if (!PageLRU(page) || !page->mapping || PageAnon(page)) {
			if (why)
				snprintf(why, len, "LRU page %llu: flags %#lx, mapping %p",
					 (unsigned long long)page->sim_id,
					 page->flags, (void *)page->mapping);
			return false;
		}
		n++;
	}
	if (n != s->nr_cache_pages) {
		if (why)
			snprintf(why, len, "LRU holds %lu pages, %lu cached", n,
				 s->nr_cache_pages);
		return false;
	}
	return true;
}

static void page_pool_grow(struct mm_sim *s)
{
	struct page *chunk = calloc(PAGES_PER_CHUNK, sizeof(*chunk));

	SIM_BUG_ON(!chunk);
	mm_sim_chunks_add(&s->page_chunks, chunk);
	for (unsigned i = 0; i < PAGES_PER_CHUNK; i++) {
		struct page *page = &chunk[i];

		page->sim = s;
		sim_contents_init(&page->contents, PAGE_SIZE);
		sim_list_init(&page->waiters);
		sim_list_init(&page->unlock_waiters);
		sim_list_init(&page->wb_waiters);
		page->lock_wo.ops = &page_lock_wo_ops;
		page->lock_wo.name = "page lock";
		page->wb_wo.ops = &page_wb_wo_ops;
		page->wb_wo.name = "page writeback";
		sim_list_add_tail(&page->lru, &s->free_pages);
	}
}

struct page *page_sim_alloc(struct mm_sim *s)
{
	struct page *page;

	if (sim_list_empty(&s->free_pages))
		page_pool_grow(s);
	page = sim_list_first_entry(&s->free_pages, struct page, lru);
	sim_list_del(&page->lru);
	page->flags = 0;
	page->mapping = NULL;
	page->index = 0;
	page->_count = 1;
	page->_mapcount = 0;
	page->sim_read_task = 0;
	page->private = NULL;
	page->lock_owner = NULL;
	page->lock_counted = false;
	page->wb_via = NULL;
	page->lock_io_via = NULL;
	page->sim_id = ++s->next_page_id;
	SIM_BUG_ON(!sim_list_empty(&page->waiters) ||
		   !sim_list_empty(&page->unlock_waiters) ||
		   !sim_list_empty(&page->wb_waiters));
	s->nr_pages++;
	return page;
}

struct page *page_cache_alloc(struct address_space *mapping)
{
	struct mm_sim *s = mapping->mm_sim;

	mm_sim_charge(s, mm_costs(s)->page_alloc);
	return page_sim_alloc(s);
}

struct page *alloc_page_vma(struct vm_area_struct *vma, unsigned long address)
{
	struct mm_sim *s = vma->vm_mm->sim;
	struct page *page;

	mm_sim_charge(s, mm_costs(s)->page_alloc);
	page = page_sim_alloc(s);
	SetPageAnon(page);
	page->index = linear_page_index(vma, address);
	return page;
}

/* The last reference is gone: back to the pool. */
static void free_page_sim(struct page *page)
{
	struct mm_sim *s = page->sim;

	SIM_BUG_ON(PageLocked(page) || PageWriteback(page) || PageLRU(page));
	SIM_BUG_ON(page->mapping || page_mapped(page));
	SIM_BUG_ON(!sim_list_empty(&page->waiters) ||
		   !sim_list_empty(&page->unlock_waiters) ||
		   !sim_list_empty(&page->wb_waiters));
	/* Cleared when the IO ended: nothing may point into a freed request. */
	SIM_BUG_ON(page->wb_via || page->lock_io_via);
	/* Buffers hold a page reference, so a page with buffers cannot get
	 * here. */
	SIM_BUG_ON(PagePrivate(page));
	sim_contents_zero(&page->contents, 0, PAGE_SIZE);
	page->flags = 0;
	sim_list_add(&page->lru, &s->free_pages);
	s->nr_pages--;
}

void put_page(struct page *page)
{
	SIM_BUG_ON(page->_count <= 0);
	if (--page->_count == 0)
		free_page_sim(page);
}

void zero_user_segment(struct page *page, unsigned start, unsigned end)
{
	struct mm_sim *s = page->sim;

	SIM_BUG_ON(start > end || end > PAGE_SIZE);
	if (start == end)
		return;
	mm_sim_charge(s, mm_costs(s)->page_zero * (sim_time_t)(end - start) /
			 PAGE_SIZE);
	sim_contents_zero(&page->contents, start, end - start);
}

void copy_user_highpage(struct page *dst, struct page *src)
{
	struct mm_sim *s = dst->sim;

	mm_sim_charge(s, mm_costs(s)->page_copy);
	sim_contents_copy_all(&dst->contents, &src->contents);
}
