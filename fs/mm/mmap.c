/* fs/mm/mmap.c — processes' address spaces: mm_struct with its mmap_sem,
 * and file VMAs created and destroyed whole (the roles of mm_alloc/mmput in
 * kernel/fork.c and of mmap_region/do_munmap/find_vma in mm/mmap.c, v4.4).
 *
 * Simplified: a VMA is created by vm_mmap_sim at the next free address of
 * its mm (no address hints, no merging, splitting or mprotect) and removed
 * whole; its page tables are allocated as they are first used
 * (pte_sim_alloc) and freed with it.
 *
 * Lock order: mmap_sem (w) > mapping->i_mmap_rwsem (w), as in mmap_region
 * and unmap_region.  Without a running task (set-up, teardown) no lock is
 * taken: nothing else runs.
 */
#include "config.h"

#include <stdlib.h>

#include "fs/mm/internal.h"

/* First user address handed out, and the gap between VMAs (a guard page,
 * so an off-by-one address never lands in the next VMA). */
#define MMAP_SIM_BASE 0x10000000ul

struct mm_struct *mm_alloc(struct mm_sim *s)
{
	struct mm_struct *mm = calloc(1, sizeof(*mm));

	SIM_BUG_ON(!mm);
	sim_rwsem_init(s->world, &mm->mmap_sem, "mmap_sem");
	sim_list_init(&mm->mmap);
	mm->mmap_sim_next = MMAP_SIM_BASE;
	mm->sim = s;
	return mm;
}

struct vm_area_struct *vm_mmap_sim(struct mm_struct *mm, struct file *file,
				   pgoff_t pgoff, unsigned long npages,
				   unsigned long vm_flags,
				   const struct vm_operations_struct *vm_ops)
{
	struct address_space *mapping = file->f_mapping;
	struct vm_area_struct *vma;

	SIM_BUG_ON(npages == 0);
	vma = calloc(1, sizeof(*vma));
	SIM_BUG_ON(!vma);
	vma->vm_mm = mm;
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = pgoff;
	vma->vm_file = file;
	vma->vm_ops = vm_ops;

	mm_sim_down_write(&mm->mmap_sem, __func__);
	vma->vm_start = mm->mmap_sim_next;
	vma->vm_end = vma->vm_start + (npages << PAGE_SHIFT);
	mm->mmap_sim_next = vma->vm_end + PAGE_SIZE;
	/* page tables come with the first access (pte_sim_alloc) */
	vma->nr_pt_dirs = ((vma->vm_end - 1) >> PTE_SIM_DIR_SHIFT) -
			  (vma->vm_start >> PTE_SIM_DIR_SHIFT) + 1;
	vma->pt_dirs = calloc(vma->nr_pt_dirs, sizeof(vma->pt_dirs[0]));
	SIM_BUG_ON(!vma->pt_dirs);
	/* Addresses only grow, so appending keeps mm->mmap sorted. */
	sim_list_add_tail(&vma->vm_list, &mm->mmap);
	mm->map_count++;
	mm_sim_down_write(&mapping->i_mmap_rwsem, __func__);
	sim_list_add_tail(&vma->shared, &mapping->i_mmap);
	mm_sim_up_write(&mapping->i_mmap_rwsem);
	mm_sim_up_write(&mm->mmap_sem);
	return vma;
}

/* Zap, unlink, free; mmap_sem (w) held by the caller if in a task. */
static void remove_vma(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct address_space *mapping = vma->vm_file->f_mapping;

	zap_page_range(vma, vma->vm_start, vma->vm_end - vma->vm_start);
	mm_sim_down_write(&mapping->i_mmap_rwsem, "unlink_file_vma");
	sim_list_del(&vma->shared);
	mm_sim_up_write(&mapping->i_mmap_rwsem);
	sim_list_del(&vma->vm_list);
	mm->map_count--;
	/* free_pgtables */
	for (unsigned long i = 0; i < vma->nr_pt_dirs; i++) {
		if (!vma->pt_dirs[i])
			continue;
		for (unsigned t = 0; t < PTE_SIM_PER_TABLE; t++)
			free(vma->pt_dirs[i][t]);
		free(vma->pt_dirs[i]);
	}
	free(vma->pt_dirs);
	free(vma);
}

void vm_munmap_sim(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;

	mm_sim_down_write(&mm->mmap_sem, __func__);
	remove_vma(vma);
	mm_sim_up_write(&mm->mmap_sem);
}

void mmput(struct mm_struct *mm)
{
	/* exit_mmap: the last user is gone, no lock needed beyond the
	 * i_mmap_rwsem remove_vma takes. */
	while (!sim_list_empty(&mm->mmap))
		remove_vma(sim_list_first_entry(&mm->mmap,
						struct vm_area_struct, vm_list));
	free(mm);
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long address)
{
	struct sim_list *pos;

	sim_list_for_each(pos, &mm->mmap) {
		struct vm_area_struct *vma =
			sim_list_entry(pos, struct vm_area_struct, vm_list);

		if (address < vma->vm_end)
			return address >= vma->vm_start ? vma : NULL;
	}
	return NULL;
}
