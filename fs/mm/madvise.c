/* fs/mm/madvise.c — madvise(2) for file mappings (mm/madvise.c, v4.4):
 * MADV_DONTNEED zaps the task's PTEs of the range (zap_page_range), so the
 * next access faults the pages in again — from the page cache if they are
 * still there, else from disk; MADV_WILLNEED reads the range ahead
 * (force_page_cache_readahead; ignored for DAX files).  Both run under
 * mmap_sem (r).
 *
 * Simplified: no other behaviours; v5.15's WILLNEED drops mmap_lock and
 * goes through vfs_fadvise — here it keeps mmap_sem (r) as v4.4 does
 * (legal either way: mmap_sem ranks above invalidate_lock).
 */
#include "config.h"

#include "fs/mm/fault.h"

static long madvise_willneed(struct vm_area_struct *vma, unsigned long start,
			     unsigned long end)
{
	struct file *file = vma->vm_file;
	pgoff_t first, last;

	if (!file)
		return -EBADF;
	if (IS_DAX(file_inode(file)))
		return 0;   /* no bad return value, but ignore advice */
	first = linear_page_index(vma, start);
	if (end > vma->vm_end)
		end = vma->vm_end;
	last = ((end - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
	force_page_cache_readahead(file->f_mapping, file, first, last - first);
	return 0;
}

static long madvise_dontneed(struct vm_area_struct *vma, unsigned long start,
			     unsigned long end)
{
	zap_page_range(vma, start, end - start);
	return 0;
}

int sys_madvise(struct mm_struct *mm, unsigned long start, size_t len_in,
		int behavior)
{
	unsigned long end, len;
	int error = 0, unmapped_error = 0;
	bool charged = false;

	if (behavior != MADV_DONTNEED && behavior != MADV_WILLNEED)
		return -EINVAL;
	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	len = (len_in + PAGE_SIZE - 1) & PAGE_MASK;
	if (len_in && !len)
		return -EINVAL;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;

	down_read(&mm->mmap_sem);
	/* One VMA at a time; a hole in the range is -ENOMEM at the end, as
	 * the kernel reports it, after advising the mapped parts. */
	while (start < end) {
		struct vm_area_struct *vma = NULL;
		unsigned long tmp;
		struct sim_list *pos;

		sim_list_for_each(pos, &mm->mmap) {
			struct vm_area_struct *v =
				sim_list_entry(pos, struct vm_area_struct, vm_list);

			if (v->vm_end > start) {
				vma = v;
				break;
			}
		}
		if (!vma || vma->vm_start >= end) {
			unmapped_error = -ENOMEM;
			break;
		}
		if (start < vma->vm_start) {
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
		}
		/* The syscall's entry cost, from the filesystem's cost model
		 * (the first file we meet). */
		if (!charged) {
			fault_sim_charge(fault_sim_cost(file_inode(vma->vm_file),
							syscall_entry));
			charged = true;
		}
		tmp = min(end, vma->vm_end);
		if (behavior == MADV_DONTNEED)
			error = (int)madvise_dontneed(vma, start, tmp);
		else
			error = (int)madvise_willneed(vma, start, tmp);
		if (error)
			break;
		start = tmp;
	}
	up_read(&mm->mmap_sem);
	return error ? error : unmapped_error;
}
