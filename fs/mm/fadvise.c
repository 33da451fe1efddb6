/* fs/mm/fadvise.c — posix_fadvise(2) POSIX_FADV_WILLNEED
 * (SYSCALL_DEFINE4(fadvise64_64), mm/fadvise.c, v4.4): read the range
 * ahead with force_page_cache_readahead, no lock (FIDELITY 2.4; v5.15 takes
 * invalidate_lock inside the readahead batch, fs/mm/readahead.c).  Advice
 * is ignored for DAX files.  Other advice values are not modelled
 * (-EINVAL).
 */
#include "config.h"

#include "fs/mm/fault.h"

int sys_fadvise64_64(struct file *file, loff_t offset, loff_t len, int advice)
{
	struct address_space *mapping = file->f_mapping;
	pgoff_t start_index, end_index;
	unsigned long nrpages;
	loff_t endbyte;   /* inclusive */

	fault_sim_charge(fault_sim_cost(file_inode(file), syscall_entry));
	if (!mapping || len < 0)
		return -EINVAL;
	if (advice != POSIX_FADV_WILLNEED)
		return -EINVAL;
	if (IS_DAX(file_inode(file)))
		return 0;   /* no bad return value, but ignore advice */

	/* len == 0 means "as much as possible". */
	endbyte = offset + len;
	if (!len || endbyte < len)
		endbyte = -1;
	else
		endbyte--;
	/* First and last partial page. */
	start_index = (pgoff_t)(offset >> PAGE_SHIFT);
	end_index = (pgoff_t)(endbyte >> PAGE_SHIFT);
	nrpages = end_index - start_index + 1;
	if (!nrpages)
		nrpages = ~0ul;
	/* fadvise succeeds even when no hint could be acted on. */
	force_page_cache_readahead(mapping, file, start_index, nrpages);
	return 0;
}
