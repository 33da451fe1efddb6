/* fs/mm/fault.c — page-fault dispatch for file mappings (mm/memory.c,
 * v4.4.1): handle_mm_fault, __handle_mm_fault (the DAX PMD attempt),
 * handle_pte_fault, do_fault, do_fault_around, do_read_fault,
 * do_cow_fault, do_shared_fault, __do_fault, do_page_mkwrite, do_wp_page,
 * wp_page_shared, wp_page_reuse, wp_page_copy, wp_pfn_shared.
 *
 * Called with mmap_sem (r) held by the arch fault handler
 * (fs/mm/arch_fault.c), for the whole fault (FIDELITY 2.1, 2.2).  The
 * page ->fault returns is locked; the PTE is (re)checked with pte_same
 * before it is set, as under the kernel's PTE lock (no yield happens
 * between the check and the change: PTE primitives charge their cost
 * after the change, fs/mm/memory_map.c).  The fault lock of a strategy is
 * taken inside ->fault / ->page_mkwrite (fs/ext4/file.c, inode.c), never
 * here: between ->fault and ->page_mkwrite nothing is held but the page
 * reference, and mkwrite's page->mapping re-check catches a page removed
 * in between (FIDELITY 2.2).
 *
 * Simplified: file VMAs only (no anonymous VMAs, swap, NUMA or hugetlb);
 * no PMD level — a DAX PMD fault is attempted when the VMA is VM_HUGEPAGE
 * and every PTE of the 2 MiB range is empty (the kernel: pmd_none), and
 * falls back to PTEs in every modelled version (fs/mm/dax.c);
 * replacing a PTE by a COW copy is zap-then-set, and if another fault of
 * the same mm refilled the PTE in between, the copy is dropped as if
 * pte_same had failed.
 *
 * Lock order: mmap_sem (r, the caller's) > [->fault / ->page_mkwrite's
 * own locks] > page lock.  The PTE lock is implicit (see above).
 */
#include "config.h"

#include "fs/mm/fault.h"
#include "fs/block/disk.h"
#include "fs/writeback.h"

#define PTRS_PER_PTE 512ul
#define PMD_SIZE (PTRS_PER_PTE * PAGE_SIZE)
#define PMD_MASK (~(PMD_SIZE - 1))

static int __do_fault(struct vm_area_struct *vma, unsigned long address,
		      pgoff_t pgoff, unsigned int flags,
		      struct page *cow_page, struct page **page)
{
	struct vm_fault vmf = {
		.virtual_address = address & PAGE_MASK,
		.pgoff = pgoff,
		.flags = flags,
		.page = NULL,
		.cow_page = cow_page,
	};
	int ret;

	ret = vma->vm_ops->fault(vma, &vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	if (vmf.page) {
		if (!(ret & VM_FAULT_LOCKED))
			lock_page(vmf.page);
		else
			SIM_BUG_ON(!PageLocked(vmf.page));
	}
	*page = vmf.page;
	return ret;
}

/* Map the cached neighbours of address (fault_around_bytes, aligned, not
 * past the VMA or the page table) through ->map_pages. */
static void do_fault_around(struct vm_area_struct *vma, unsigned long address,
			    pte_t *pte, pgoff_t pgoff, unsigned int flags)
{
	unsigned long nr_pages = FAULT_AROUND_BYTES >> PAGE_SHIFT;
	unsigned long mask = ~(nr_pages * PAGE_SIZE - 1) & PAGE_MASK;
	unsigned long start_addr, off;
	pgoff_t max_pgoff;
	struct vm_fault vmf;

	start_addr = max(address & mask, vma->vm_start);
	off = ((address - start_addr) >> PAGE_SHIFT) & (PTRS_PER_PTE - 1);
	pte -= off;
	pgoff -= off;
	/* max_pgoff: end of the page table, of the VMA, or of the window,
	 * whichever is nearest. */
	max_pgoff = pgoff - ((start_addr >> PAGE_SHIFT) & (PTRS_PER_PTE - 1)) +
		    PTRS_PER_PTE - 1;
	max_pgoff = min(max_pgoff, vma_pages(vma) + vma->vm_pgoff - 1);
	max_pgoff = min(max_pgoff, pgoff + nr_pages - 1);

	/* Does calling ->map_pages make any sense? */
	while (!pte_none(*pte)) {
		if (++pgoff > max_pgoff)
			return;
		start_addr += PAGE_SIZE;
		if (start_addr >= vma->vm_end)
			return;
		pte++;
	}
	vmf = (struct vm_fault){
		.virtual_address = start_addr,
		.pte = pte,
		.pgoff = pgoff,
		.max_pgoff = max_pgoff,
		.flags = flags,
	};
	vma->vm_ops->map_pages(vma, &vmf);
}

static int do_read_fault(struct mm_struct *mm, struct vm_area_struct *vma,
			 unsigned long address, pgoff_t pgoff,
			 unsigned int flags, pte_t orig_pte)
{
	struct page *fault_page;
	pte_t *pte;
	int ret = 0;

	(void)mm;
	sim_task_note(current, __func__, "page", NULL, (int64_t)pgoff);
	/* ->map_pages first; ->fault only if the page is not ready. */
	if (vma->vm_ops->map_pages && FAULT_AROUND_BYTES >> PAGE_SHIFT > 1) {
		pte = pte_offset_map(vma, address);
		do_fault_around(vma, address, pte, pgoff, flags);
		if (!pte_same(*pte, orig_pte))
			return ret;
	}

	ret = __do_fault(vma, address, pgoff, flags, NULL, &fault_page);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;

	pte = pte_offset_map(vma, address);
	if (!pte_same(*pte, orig_pte)) {
		unlock_page(fault_page);
		put_page(fault_page);
		return ret;
	}
	do_set_pte(vma, address, fault_page, pte, false, false);
	unlock_page(fault_page);
	return ret;
}

/* Write fault on a private mapping with no PTE: copy the file page into a
 * new anonymous page; the page cache is only read. */
static int do_cow_fault(struct mm_struct *mm, struct vm_area_struct *vma,
			unsigned long address, pgoff_t pgoff,
			unsigned int flags, pte_t orig_pte)
{
	struct page *fault_page = NULL, *new_page;
	pte_t *pte;
	int ret;

	(void)mm;
	sim_task_note(current, __func__, "page", NULL, (int64_t)pgoff);
	new_page = alloc_page_vma(vma, address);
	ret = __do_fault(vma, address, pgoff, flags, new_page, &fault_page);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		goto uncharge_out;

	if (fault_page)
		copy_user_highpage(new_page, fault_page);
	SetPageUptodate(new_page);

	pte = pte_offset_map(vma, address);
	if (!pte_same(*pte, orig_pte)) {
		if (fault_page) {
			unlock_page(fault_page);
			put_page(fault_page);
		} else {
			/* DAX: no page to lock, so ->fault returned holding
			 * i_mmap_rwsem (r) against truncate. */
			i_mmap_unlock_read(vma->vm_file->f_mapping);
		}
		goto uncharge_out;
	}
	do_set_pte(vma, address, new_page, pte, true, true);
	if (fault_page) {
		unlock_page(fault_page);
		put_page(fault_page);
	} else {
		i_mmap_unlock_read(vma->vm_file->f_mapping);
	}
	return ret;
uncharge_out:
	put_page(new_page);
	return ret;
}

/* ->page_mkwrite for a page about to become writable.  Returns with the
 * page locked (VM_FAULT_LOCKED), 0 (retry the fault) or an error /
 * NOPAGE. */
static int do_page_mkwrite(struct vm_area_struct *vma, struct page *page,
			   unsigned long address)
{
	struct vm_fault vmf = {
		.virtual_address = address & PAGE_MASK,
		.pgoff = page->index,
		.flags = FAULT_FLAG_WRITE | FAULT_FLAG_MKWRITE,
		.page = page,
		.cow_page = NULL,
	};
	int ret;

	sim_task_note(current, __func__, "page", NULL, (int64_t)page->index);
	ret = vma->vm_ops->page_mkwrite(vma, &vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
		return ret;
	if (!(ret & VM_FAULT_LOCKED)) {
		lock_page(page);
		if (!page->mapping) {
			unlock_page(page);
			return 0;   /* truncated: retry */
		}
		ret |= VM_FAULT_LOCKED;
	} else {
		SIM_BUG_ON(!PageLocked(page));
	}
	return ret;
}

static int do_shared_fault(struct mm_struct *mm, struct vm_area_struct *vma,
			   unsigned long address, pgoff_t pgoff,
			   unsigned int flags, pte_t orig_pte)
{
	struct page *fault_page = NULL;
	struct address_space *mapping;
	bool dirtied;
	pte_t *pte;
	int ret, tmp;

	(void)mm;
	sim_task_note(current, __func__, "page", NULL, (int64_t)pgoff);
	ret = __do_fault(vma, address, pgoff, flags, NULL, &fault_page);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;

	/* Does the backing store want to know the page becomes writable?
	 * The page is unlocked across ->page_mkwrite, which locks it again
	 * and re-checks page->mapping. */
	if (vma->vm_ops->page_mkwrite) {
		unlock_page(fault_page);
		tmp = do_page_mkwrite(vma, fault_page, address);
		if (!tmp || (tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))) {
			put_page(fault_page);
			return tmp;
		}
	}

	pte = pte_offset_map(vma, address);
	if (!pte_same(*pte, orig_pte)) {
		unlock_page(fault_page);
		put_page(fault_page);
		return ret;
	}
	do_set_pte(vma, address, fault_page, pte, true, false);
	dirtied = set_page_dirty(fault_page);
	/* page->mapping may go to truncate once the page is unlocked; the
	 * mapping itself is pinned by the file. */
	mapping = fault_page->mapping;
	unlock_page(fault_page);
	if ((dirtied || vma->vm_ops->page_mkwrite) && mapping)
		balance_dirty_pages_ratelimited(mapping);
	if (!vma->vm_ops->page_mkwrite)
		file_update_time(vma->vm_file);
	return ret;
}

static int do_fault(struct mm_struct *mm, struct vm_area_struct *vma,
		    unsigned long address, unsigned int flags, pte_t orig_pte)
{
	pgoff_t pgoff = linear_page_index(vma, address & PAGE_MASK);

	if (!vma->vm_ops || !vma->vm_ops->fault)
		return VM_FAULT_SIGBUS;
	if (!(flags & FAULT_FLAG_WRITE))
		return do_read_fault(mm, vma, address, pgoff, flags, orig_pte);
	if (!(vma->vm_flags & VM_SHARED))
		return do_cow_fault(mm, vma, address, pgoff, flags, orig_pte);
	return do_shared_fault(mm, vma, address, pgoff, flags, orig_pte);
}

/* Make the present PTE writable and dirty; for a shared file page also
 * dirty the page (locking it unless ->page_mkwrite returned it locked). */
static int wp_page_reuse(struct vm_area_struct *vma, unsigned long address,
			 pte_t *pte, struct page *page, bool page_mkwrite,
			 bool dirty_shared)
{
	pte_sim_mkwrite(vma, address, pte);
	if (dirty_shared) {
		struct address_space *mapping;
		bool dirtied;

		if (!page_mkwrite)
			lock_page(page);
		dirtied = set_page_dirty(page);
		SIM_BUG_ON(PageAnon(page));
		mapping = page->mapping;
		unlock_page(page);
		put_page(page);
		if ((dirtied || page_mkwrite) && mapping)
			balance_dirty_pages_ratelimited(mapping);
		if (!page_mkwrite)
			file_update_time(vma->vm_file);
	}
	return VM_FAULT_WRITE;
}

/* The PTE's new private copy: of the page, or (DAX, old_page NULL) of the
 * disk block the PFN maps. */
static int wp_page_copy(struct vm_area_struct *vma, unsigned long address,
			pte_t orig_pte, struct page *old_page)
{
	struct page *new_page = alloc_page_vma(vma, address);
	bool page_copied = false;
	pte_t *pte;

	if (old_page) {
		copy_user_highpage(new_page, old_page);
	} else {
		/* cow_user_page from the user address: the DAX block. */
		struct inode *inode = vma->vm_file->f_inode;
		const struct ext4_sim_disk *disk = inode->i_sb->s_disk;

		fault_sim_charge(new_page->sim->costs.page_copy);
		sim_contents_copy_all(&new_page->contents,
				      ext4_sim_disk_contents(disk,
							     pte_pfn(orig_pte)));
	}
	SetPageUptodate(new_page);

	pte = pte_offset_map(vma, address);
	if (pte_same(*pte, orig_pte)) {
		/* ptep_clear_flush + set_pte_at_notify; page_remove_rmap of
		 * the old page and the PTE's reference go with the zap. */
		pte_sim_zap(vma, address, pte);
		if (pte_none(*pte)) {
			do_set_pte(vma, address, new_page, pte, true, true);
			page_copied = true;
			new_page = NULL;
		}
	}
	if (new_page)
		put_page(new_page);
	if (old_page)
		put_page(old_page);
	return page_copied ? VM_FAULT_WRITE : 0;
}

/* Write to a read-only PFN PTE of a shared DAX mapping. */
static int wp_pfn_shared(struct vm_area_struct *vma, unsigned long address,
			 pte_t orig_pte)
{
	pte_t *pte;

	if (vma->vm_ops && vma->vm_ops->pfn_mkwrite) {
		struct vm_fault vmf = {
			.page = NULL,
			.pgoff = linear_page_index(vma, address),
			.virtual_address = address & PAGE_MASK,
			.flags = FAULT_FLAG_WRITE | FAULT_FLAG_MKWRITE,
		};
		int ret = vma->vm_ops->pfn_mkwrite(vma, &vmf);

		if (ret & VM_FAULT_ERROR)
			return ret;
		/* Raced with another fault (or a punch's unmap) while the
		 * PTE lock was dropped? */
		pte = pte_offset_map(vma, address);
		if (!pte_same(*pte, orig_pte))
			return 0;
	}
	pte = pte_offset_map(vma, address);
	return wp_page_reuse(vma, address, pte, NULL, false, false);
}

static int wp_page_shared(struct vm_area_struct *vma, unsigned long address,
			  pte_t orig_pte, struct page *old_page)
{
	bool page_mkwrite = false;
	pte_t *pte;

	get_page(old_page);
	if (vma->vm_ops && vma->vm_ops->page_mkwrite) {
		int tmp = do_page_mkwrite(vma, old_page, address);

		if (!tmp || (tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))) {
			put_page(old_page);
			return tmp;
		}
		/* The PTE lock was dropped: someone may have changed it. */
		pte = pte_offset_map(vma, address);
		if (!pte_same(*pte, orig_pte)) {
			unlock_page(old_page);
			put_page(old_page);
			return 0;
		}
		page_mkwrite = true;
	}
	pte = pte_offset_map(vma, address);
	return wp_page_reuse(vma, address, pte, old_page, page_mkwrite, true);
}

/* Write fault on a present, write-protected PTE. */
static int do_wp_page(struct mm_struct *mm, struct vm_area_struct *vma,
		      unsigned long address, pte_t *pte, pte_t orig_pte)
{
	struct page *old_page;

	(void)mm;
	if (pte_sim_is_pfn(orig_pte)) {
		/* vm_normal_page() is NULL for a DAX pfn: no COW in a shared
		 * writable mapping, just make it writable (->pfn_mkwrite). */
		if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) ==
		    (VM_WRITE | VM_SHARED))
			return wp_pfn_shared(vma, address, orig_pte);
		return wp_page_copy(vma, address, orig_pte, NULL);
	}
	old_page = pte_page(orig_pte);

	/* Anonymous (COW) pages first. */
	if (PageAnon(old_page)) {
		if (!trylock_page(old_page)) {
			get_page(old_page);
			lock_page(old_page);
			if (!pte_same(*pte, orig_pte)) {
				unlock_page(old_page);
				put_page(old_page);
				return 0;
			}
			put_page(old_page);
		}
		/* reuse_swap_page: no swap here, so "mapped once" */
		if (page_mapcount(old_page) == 1) {
			unlock_page(old_page);
			return wp_page_reuse(vma, address, pte, old_page,
					     false, false);
		}
		unlock_page(old_page);
	} else if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) ==
		   (VM_WRITE | VM_SHARED)) {
		return wp_page_shared(vma, address, orig_pte, old_page);
	}

	/* Copy it is. */
	get_page(old_page);
	return wp_page_copy(vma, address, orig_pte, old_page);
}

static int handle_pte_fault(struct mm_struct *mm, struct vm_area_struct *vma,
			    unsigned long address, unsigned int flags)
{
	pte_t *pte = pte_offset_map(vma, address);
	pte_t entry = *pte;

	if (!pte_present(entry))
		return do_fault(mm, vma, address, flags, entry);
	if (flags & FAULT_FLAG_WRITE) {
		if (!pte_write(entry))
			return do_wp_page(mm, vma, address, pte, entry);
		pte_sim_mark_dirty(pte);
	}
	/* Spurious: another thread fixed it up already. */
	return 0;
}

/* pmd_none(): no PTE of the 2 MiB range around address is in use (the
 * model keeps no page-table pages, see the top). */
static bool pmd_sim_none(struct vm_area_struct *vma, unsigned long address)
{
	unsigned long start = max(address & PMD_MASK, vma->vm_start);
	unsigned long end = min((address & PMD_MASK) + PMD_SIZE, vma->vm_end);

	for (unsigned long a = start; a < end; a += PAGE_SIZE)
		if (!pte_none(*pte_offset_map(vma, a)))
			return false;
	return true;
}

static int __handle_mm_fault(struct mm_struct *mm, struct vm_area_struct *vma,
			     unsigned long address, unsigned int flags)
{
	/* create_huge_pmd: a transparent-hugepage VMA with no page table
	 * here yet tries ->pmd_fault first. */
	if ((vma->vm_flags & VM_HUGEPAGE) && vma->vm_ops &&
	    vma->vm_ops->pmd_fault && pmd_sim_none(vma, address)) {
		int ret = vma->vm_ops->pmd_fault(vma, address, NULL, flags);

		if (!(ret & VM_FAULT_FALLBACK))
			return ret;
	}
	return handle_pte_fault(mm, vma, address, flags);
}

int handle_mm_fault(struct mm_struct *mm, struct vm_area_struct *vma,
		    unsigned long address, unsigned int flags)
{
	SIM_BUG_ON(address < vma->vm_start || address >= vma->vm_end);
	SIM_BUG_ON(!sim_rwsem_held_by(&mm->mmap_sem, current));
	fault_sim_charge(fault_sim_cost(vma->vm_file->f_inode, fault_entry));
	return __handle_mm_fault(mm, vma, address, flags);
}
