/* fs/mm/memory_map.c — page-table primitives the fault paths build on, and
 * unmap_mapping_range: do_set_pte, vm_insert_mixed (insert_pfn), the
 * reuse half of wp_page_reuse/wp_pfn_shared, zap_pte_range's per-PTE body,
 * zap_page_range, unmap_mapping_range(_tree) (mm/memory.c, v4.4).  Fault
 * dispatch itself (handle_mm_fault, do_*_fault) is not here.
 *
 * Simplified: a VMA owns its page tables (a directory per GiB, a PTE
 * table per 2 MiB, allocated on first use; no mm-wide pgd), no PTE
 * spinlock (a path only yields at a sim call, and PTE changes charge their
 * cost after the change, so "pte_same, then set" stays atomic as under the
 * PTE lock); TLB flushes are a cost per VMA, not a shootdown protocol;
 * mapping->i_mmap is a list walked in mmap order, not an interval tree
 * (same VMAs, deterministic order).
 *
 * Lock order: unmap_mapping_range takes mapping->i_mmap_rwsem (w); callers
 * may hold a page lock (truncate_inode_page): page lock > i_mmap_rwsem.
 */
#include "config.h"

#include <stdlib.h>

#include "fs/mm/internal.h"
#include "fs/oracle/oracle.h"

static inline void pte_sim_changed(pte_t *pte)
{
	pte->gen++;
}

pte_t *pte_sim_alloc(struct vm_area_struct *vma, unsigned long address)
{
	struct pte_sim_table ***dir, **t;

	SIM_BUG_ON(address < vma->vm_start || address >= vma->vm_end);
	dir = &vma->pt_dirs[(address >> PTE_SIM_DIR_SHIFT) -
			    (vma->vm_start >> PTE_SIM_DIR_SHIFT)];
	if (!*dir) {
		*dir = calloc(PTE_SIM_PER_TABLE, sizeof(**dir));
		SIM_BUG_ON(!*dir);
	}
	t = &(*dir)[(address >> PTE_SIM_TABLE_SHIFT) & (PTE_SIM_PER_TABLE - 1)];
	if (!*t) {
		*t = calloc(1, sizeof(**t));
		SIM_BUG_ON(!*t);
	}
	return &(*t)->pte[(address >> PAGE_SHIFT) & (PTE_SIM_PER_TABLE - 1)];
}

pte_t *pte_sim_next_present(struct vm_area_struct *vma,
			    unsigned long *address)
{
	unsigned long a = *address;

	if (!vma->nr_ptes_present)
		return NULL;
	while (a >= vma->vm_start && a < vma->vm_end) {
		unsigned long d = (a >> PTE_SIM_DIR_SHIFT) -
				  (vma->vm_start >> PTE_SIM_DIR_SHIFT);
		struct pte_sim_table **dir = vma->pt_dirs[d], *t;

		if (!dir) {   /* on to the next GiB */
			a = ((a >> PTE_SIM_DIR_SHIFT) + 1) << PTE_SIM_DIR_SHIFT;
			continue;
		}
		t = dir[(a >> PTE_SIM_TABLE_SHIFT) & (PTE_SIM_PER_TABLE - 1)];
		if (t) {
			for (unsigned i = (a >> PAGE_SHIFT) & (PTE_SIM_PER_TABLE - 1);
			     i < PTE_SIM_PER_TABLE && a < vma->vm_end;
			     i++, a += PAGE_SIZE)
				if (pte_present(t->pte[i])) {
					*address = a;
					return &t->pte[i];
				}
			continue;
		}
		a = ((a >> PTE_SIM_TABLE_SHIFT) + 1) << PTE_SIM_TABLE_SHIFT;
	}
	return NULL;
}

/* A DAX PTE maps a disk block: the oracle's reverse index hears of every
 * install and zap here, where they happen, so the two always pair. */
static void pte_sim_report_pfn(struct vm_area_struct *vma,
			       unsigned long address, const pte_t *pte, bool map)
{
	struct inode *inode;
	uint64_t pgoff;

	if (!vma->vm_file || !vma->vm_file->f_mapping)
		return;
	inode = vma->vm_file->f_mapping->host;
	pgoff = linear_page_index(vma, address);
	if (map)
		fs_oracle_dax_pte_map(inode, pgoff, pte->u.pfn);
	else
		fs_oracle_dax_pte_unmap(inode, pgoff, pte->u.pfn);
}

void do_set_pte(struct vm_area_struct *vma, unsigned long address,
		struct page *page, pte_t *pte, bool write, bool anon)
{
	struct mm_sim *s = vma->vm_mm->sim;

	SIM_BUG_ON(!pte_none(*pte));
	SIM_BUG_ON(anon != PageAnon(page));
	pte->kind = PTE_SIM_PAGE;
	pte->u.page = page;
	/* maybe_mkwrite(pte_mkdirty(entry)): writable only in a VM_WRITE
	 * mapping, dirty whenever installed for a write. */
	pte->write = write && (vma->vm_flags & VM_WRITE);
	pte->dirty = write;
	pte_sim_changed(pte);
	vma->nr_ptes_present++;
	if (anon)
		page_add_new_anon_rmap(page, vma, address);
	else
		page_add_file_rmap(page);
	mm_sim_charge(s, mm_costs(s)->pte_set);
}

int vm_insert_mixed(struct vm_area_struct *vma, unsigned long address,
		    uint64_t pfn)
{
	struct mm_sim *s = vma->vm_mm->sim;
	pte_t *pte = pte_offset_map(vma, address);

	if (!pte_none(*pte))
		return -EBUSY;
	/* vm_page_prot of a shared mapping with ->pfn_mkwrite is read-only:
	 * the first store takes a write fault (wp_pfn_shared). */
	pte->kind = PTE_SIM_PFN;
	pte->u.pfn = pfn;
	pte->write = false;
	pte->dirty = false;
	pte_sim_changed(pte);
	vma->nr_ptes_present++;
	vma->nr_pfns_present++;
	pte_sim_report_pfn(vma, address, pte, true);
	mm_sim_charge(s, mm_costs(s)->pte_set);
	return 0;
}

void pte_sim_mkwrite(struct vm_area_struct *vma, unsigned long address,
		     pte_t *pte)
{
	struct mm_sim *s = vma->vm_mm->sim;

	SIM_BUG_ON(!pte_present(*pte));
	pte->write = (vma->vm_flags & VM_WRITE) != 0;
	pte->dirty = true;
	pte_sim_changed(pte);
	mm_sim_charge(s, mm_costs(s)->pte_set);
}

void pte_sim_mark_dirty(pte_t *pte)
{
	/* The hardware dirty bit: not part of the PTE's identity here
	 * (pte_same would see it in the kernel; faults retry rarely on it). */
	SIM_BUG_ON(!pte_present(*pte) || !pte->write);
	pte->dirty = true;
}

/* zap_pte_range's body for one PTE (of address), without the cost. */
static void zap_one(struct vm_area_struct *vma, unsigned long address,
		    pte_t *pte)
{
	struct mm_sim *s = vma->vm_mm->sim;

	if (pte->kind == PTE_SIM_PAGE) {
		struct page *page = pte->u.page;
		bool dirty = pte->dirty;

		pte->kind = PTE_SIM_NONE;
		pte->u.page = NULL;
		pte->write = pte->dirty = false;
		pte_sim_changed(pte);
		vma->nr_ptes_present--;
		/* A store went through this PTE: the page carries it on. */
		if (!PageAnon(page) && dirty)
			set_page_dirty(page);
		page_remove_rmap(page);
		put_page(page);   /* the PTE's reference */
	} else if (pte->kind == PTE_SIM_PFN) {
		pte_sim_report_pfn(vma, address, pte, false);
		pte->kind = PTE_SIM_NONE;
		pte->u.pfn = 0;
		pte->write = pte->dirty = false;
		pte_sim_changed(pte);
		vma->nr_ptes_present--;
		vma->nr_pfns_present--;
	}
	s->stats.ptes_zapped++;
}

void pte_sim_zap(struct vm_area_struct *vma, unsigned long address, pte_t *pte)
{
	struct mm_sim *s = vma->vm_mm->sim;

	if (pte_none(*pte))
		return;
	zap_one(vma, address, pte);
	mm_sim_charge(s, mm_costs(s)->pte_zap + mm_costs(s)->vma_flush);
}

/* Zap PTEs [first, last] (page indices in the VMA); check_mapping non-NULL
 * keeps pages of other mappings (private COW copies).  Returns how many
 * were zapped; charges nothing.  Walks the page tables in use only. */
static unsigned long zap_ptes(struct vm_area_struct *vma, unsigned long first,
			      unsigned long last,
			      const struct address_space *check_mapping)
{
	unsigned long zapped = 0;
	unsigned long a = vma->vm_start + (first << PAGE_SHIFT);
	unsigned long end = vma->vm_start + (last << PAGE_SHIFT);   /* inclusive */
	pte_t *pte;

	while (a <= end && (pte = pte_sim_next_present(vma, &a)) && a <= end) {
		if (!(check_mapping && pte->kind == PTE_SIM_PAGE &&
		      pte->u.page->mapping != check_mapping)) {
			zap_one(vma, a, pte);
			zapped++;
		}
		a += PAGE_SIZE;
	}
	return zapped;
}

static void charge_zap(struct mm_sim *s, unsigned long zapped)
{
	if (zapped)
		mm_sim_charge(s, mm_costs(s)->pte_zap * (sim_time_t)zapped +
				 mm_costs(s)->vma_flush);
}

void zap_page_range(struct vm_area_struct *vma, unsigned long address,
		    unsigned long size)
{
	unsigned long first, last;

	if (!size)
		return;
	SIM_BUG_ON(address < vma->vm_start || address + size > vma->vm_end);
	first = (address - vma->vm_start) >> PAGE_SHIFT;
	last = (address + size - 1 - vma->vm_start) >> PAGE_SHIFT;
	charge_zap(vma->vm_mm->sim, zap_ptes(vma, first, last, NULL));
}

void unmap_mapping_range(struct address_space *mapping, loff_t holebegin,
			 loff_t holelen, bool even_cows)
{
	struct mm_sim *s = mapping->mm_sim;
	pgoff_t hba = (pgoff_t)holebegin >> PAGE_SHIFT;
	/* Kernel arithmetic, signed shift included: a negative length (lend
	 * -1 through truncate_pagecache_range) wraps to "to EOF" below. */
	pgoff_t hlen = (pgoff_t)((holelen + PAGE_SIZE - 1) >> PAGE_SHIFT);
	pgoff_t first = hba, last;
	const struct address_space *check = even_cows ? NULL : mapping;
	struct sim_list *pos;

	/* (The kernel's overflow check only exists where loff_t is wider
	 * than pgoff_t, not on 64-bit.) */
	last = hba + hlen - 1;
	if (last < first)
		last = (pgoff_t)-1;

	/* DAX relies on i_mmap_rwsem to serialise truncate against faults. */
	mm_sim_down_write(&mapping->i_mmap_rwsem, __func__);
	sim_list_for_each(pos, &mapping->i_mmap) {
		struct vm_area_struct *vma =
			sim_list_entry(pos, struct vm_area_struct, shared);
		pgoff_t vba = vma->vm_pgoff;
		pgoff_t vea = vba + vma_pages(vma) - 1;
		pgoff_t zba = max(first, vba), zea = min(last, vea);

		if (zba > zea || !vma->nr_ptes_present)
			continue;
		/* Zap this VMA's part atomically, then pay for it (faults may
		 * refill behind us meanwhile, as behind per-PMD PTE locks). */
		charge_zap(s, zap_ptes(vma, zba - vba, zea - vba, check));
	}
	mm_sim_up_write(&mapping->i_mmap_rwsem);
}
