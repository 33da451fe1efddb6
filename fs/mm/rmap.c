/* fs/mm/rmap.c — from a page to the PTEs that map it: mapcount upkeep
 * (page_add_file_rmap, page_add_new_anon_rmap, page_remove_rmap) and
 * page_mkclean (mm/rmap.c, v4.4), which writeback uses (through
 * clear_page_dirty_for_io) to write-protect a page so the next store takes
 * a write fault and goes through ->page_mkwrite again.
 *
 * Simplified: no anon_vma (private COW pages are never looked up from the
 * page side here); the file rmap walk is mapping->i_mmap in mmap order.
 *
 * Lock order: page_mkclean is called with the page locked and takes
 * mapping->i_mmap_rwsem (r): page lock > i_mmap_rwsem.
 */
#include "config.h"

#include "fs/mm/internal.h"

void page_add_file_rmap(struct page *page)
{
	SIM_BUG_ON(PageAnon(page));
	page->_mapcount++;
}

void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma,
			    unsigned long address)
{
	SIM_BUG_ON(!PageAnon(page));
	page->_mapcount++;
}

void page_remove_rmap(struct page *page)
{
	SIM_BUG_ON(page->_mapcount <= 0);
	page->_mapcount--;
}

int page_mkclean(struct page *page)
{
	struct address_space *mapping = page_mapping(page);
	struct mm_sim *s = page->sim;
	struct sim_task *t = sim_current_task();
	struct sim_list *pos;
	int cleaned = 0;

	SIM_BUG_ON(!PageLocked(page));
	if (!mapping || !page_mapped(page))
		return 0;
	SIM_BUG_ON(!t);
	down_read(&mapping->i_mmap_rwsem);
	sim_list_for_each(pos, &mapping->i_mmap) {
		struct vm_area_struct *vma =
			sim_list_entry(pos, struct vm_area_struct, shared);
		pte_t *pte;

		/* invalid_mkclean_vma: only shared mappings matter. */
		if (!(vma->vm_flags & VM_SHARED))
			continue;
		if (page->index < vma->vm_pgoff ||
		    page->index >= vma->vm_pgoff + vma_pages(vma))
			continue;
		pte = pte_sim_peek(vma, vma->vm_start +
				   ((page->index - vma->vm_pgoff) << PAGE_SHIFT));
		if (!pte || pte_page(*pte) != page)
			continue;
		if (pte->write || pte->dirty) {
			pte->write = false;
			pte->dirty = false;
			pte->gen++;
			cleaned++;   /* one PTE per VMA: one flush each */
		}
	}
	s->stats.ptes_wrprotected += (uint64_t)cleaned;
	/* Paid inside the walk's lock hold, after the atomic change. */
	if (cleaned)
		mm_sim_charge(s, (mm_costs(s)->pte_wrprotect +
				  mm_costs(s)->vma_flush) * cleaned);
	up_read(&mapping->i_mmap_rwsem);
	return cleaned;
}
