/* fs/mm/dax.c — page faults on DAX files (fs/dax.c, v4.4.1 / v4.5):
 * __dax_fault with dax_load_hole and dax_insert_mapping, dax_fault (v4.4's
 * ->page_mkwrite through dax_mkwrite), __dax_pmd_fault and
 * dax_pfn_mkwrite.  The filesystem's locks and handle are taken by its
 * callers (fs/ext4/file.c).
 *
 * __dax_fault: i_size check (SIGBUS); a page-cache page at the offset (a
 * zero page an earlier read fault put over a hole) is locked with
 * lock_page_or_retry (v5.15 faults: created locked whether or not one is
 * there, the model's stand-in for grab_mapping_entry's entry lock) and
 * re-checked (mapping, i_size); get_block(create=0);
 * a hole on a write: get_block(create=1) allocates; a hole on a read:
 * dax_load_hole maps a zero page-cache page; a COW fault copies the block
 * (or zeros) into the private page; otherwise the hole page (if any) is
 * unmapped and deleted, and dax_insert_mapping takes mapping->i_mmap_rwsem
 * (r), re-checks i_size (truncate only: a punch leaves i_size alone —
 * FIDELITY 3.1's DAX variant), zeroes a new or unwritten block (v4.4.1
 * ext4 allocates unwritten; from v4.5 ext4 zeroes inside ext4_map_blocks
 * and clears BH_New, so this does not fire for it) and inserts a PTE to
 * the block's pfn.  Stores through that PTE reach the disk block
 * directly (fs/mm/arch_fault.c).
 *
 * Simplified: the "pfn" of a block is its block number (DAX needs
 * blocksize == PAGE_SIZE); clear_pmem is a CPU cost (page_zero) plus
 * zeroes recorded on the disk; v4.5's DAX radix-tree entries (for fsync of
 * DAX mappings) are not kept, so v4.5's dax_pfn_mkwrite only returns
 * NOPAGE; PMD mappings are never installed (see __dax_pmd_fault);
 * complete_unwritten takes the logical block explicitly (the kernel hides
 * it in bh->b_private).
 *
 * Lock order (callers hold the fault lock and, for writes, a handle):
 * hole page lock > i_data_sem (get_block) > mapping->i_mmap_rwsem
 * (dax_insert_mapping); unmap_mapping_range of a hole page takes
 * i_mmap_rwsem (w) under that page's lock, as the kernel does.
 */
#include "config.h"

#include "fs/mm/dax.h"
#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"
#include "fs/writeback.h"

#define PMD_SIZE (512ul * PAGE_SIZE)
#define PMD_MASK (~(PMD_SIZE - 1))
#define PG_PMD_COLOUR ((PMD_SIZE >> PAGE_SHIFT) - 1)

/* clear_pmem of a block: the CPU zeroes the persistent memory. */
void dax_sim_clear_block(struct inode *inode, uint64_t pblk, uint32_t lblk)
{
	struct super_block *sb = inode->i_sb;
	struct ext4_sim_owner was;
	bool foreign;

	fault_sim_charge(inode->i_mapping->mm_sim->costs.page_zero);
	foreign = ext4_sim_disk_write_zero(sb->s_disk, pblk, 0,
					   sb->s_blocksize,
					   (uint32_t)inode->i_ino, lblk, &was);
	fs_oracle_disk_write(sb, inode, lblk, pblk, foreign, &was, "dax");
}

/* A read fault over a hole: a zeroed page-cache page stands in for the
 * block (it is kicked out again if the hole is ever written). */
static int dax_load_hole(struct address_space *mapping, struct page *page,
			 struct vm_fault *vmf)
{
	struct inode *inode = mapping->host;
	pgoff_t size;

	if (!page)
		page = find_or_create_page(mapping, vmf->pgoff);
	/* Re-check i_size under the page lock: truncate race. */
	size = (pgoff_t)((i_size_read(inode) + PAGE_SIZE - 1) >> PAGE_SHIFT);
	if (vmf->pgoff >= size) {
		unlock_page(page);
		put_page(page);
		return VM_FAULT_SIGBUS;
	}
	vmf->page = page;
	return VM_FAULT_LOCKED;
}

/* The PTE to the block, under i_mmap_rwsem (r), which truncate's
 * unmap_mapping_range takes for write. */
static int dax_insert_mapping(struct inode *inode, struct buffer_head *bh,
			      struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct address_space *mapping = inode->i_mapping;
	pgoff_t size;
	int error;

	SIM_BUG_ON(inode->i_sb->s_blocksize != PAGE_SIZE);
	i_mmap_lock_read(mapping);
	/* Did truncate run while we were allocating?  (The block may stay
	 * allocated past EOF; nothing to be done without i_mutex.) */
	size = (pgoff_t)((i_size_read(inode) + PAGE_SIZE - 1) >> PAGE_SHIFT);
	if (vmf->pgoff >= size) {
		error = -EIO;
		goto out;
	}
	if (buffer_unwritten(bh) || buffer_new(bh))
		dax_sim_clear_block(inode, bh->b_blocknr, (uint32_t)vmf->pgoff);
	/* (vm_insert_mixed tells the oracle about the new PTE.) */
	error = vm_insert_mixed(vma, vmf->virtual_address, bh->b_blocknr);
out:
	i_mmap_unlock_read(mapping);
	return error;
}

/* buffer_written: mapped to real data (not unwritten). */
static bool buffer_written(const struct buffer_head *bh)
{
	return buffer_mapped(bh) && !buffer_unwritten(bh);
}

int __dax_fault(struct vm_area_struct *vma, struct vm_fault *vmf,
		get_block_t get_block, dax_iodone_t complete_unwritten)
{
	struct file *file = vma->vm_file;
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = mapping->host;
	unsigned blkbits = inode->i_sb->s_blocksize_bits;
	/* v5.15: the index's entry is locked up front (see repeat:) */
	bool entry_lock = sb_sim_kver(inode->i_sb) >= FS_SIM_KVER_5_15;
	struct buffer_head bh;
	struct page *page;
	sector_t block;
	pgoff_t size;
	int error, major = 0;

	size = (pgoff_t)((i_size_read(inode) + PAGE_SIZE - 1) >> PAGE_SHIFT);
	if (vmf->pgoff >= size)
		return VM_FAULT_SIGBUS;

	bh = (struct buffer_head){ .b_size = PAGE_SIZE };
	block = (sector_t)vmf->pgoff << (PAGE_SHIFT - blkbits);

repeat:
	if (entry_lock) {
		/* v5.15 grab_mapping_entry: the index's entry is locked (an
		 * empty one inserted) before iomap_begin, and stays locked
		 * until the PTE is in; invalidate_inode_pages2_range waits
		 * for it.  The model's entry is the page-cache page a hole
		 * read maps, created locked here. */
		page = find_or_create_page(mapping, vmf->pgoff);
	} else {
		page = find_get_page(mapping, vmf->pgoff);
		if (page &&
		    !lock_page_or_retry(page, vma->vm_mm, vmf->flags)) {
			put_page(page);
			return VM_FAULT_RETRY;
		}
	}
	if (page) {
		if (page->mapping != mapping) {
			unlock_page(page);
			put_page(page);
			goto repeat;
		}
		size = (pgoff_t)((i_size_read(inode) + PAGE_SIZE - 1) >>
				 PAGE_SHIFT);
		if (vmf->pgoff >= size) {
			/* A hole page from a read fault, raced with
			 * truncate. */
			error = -EIO;
			goto unlock_page;
		}
	}

	error = get_block(inode, block, &bh, 0);
	if (!error && bh.b_size < PAGE_SIZE)
		error = -EIO;   /* fs corruption? */
	if (error)
		goto unlock_page;

	if (!buffer_mapped(&bh) && !buffer_unwritten(&bh) && !vmf->cow_page) {
		if (vmf->flags & FAULT_FLAG_WRITE) {
			error = get_block(inode, block, &bh, 1);
			major = VM_FAULT_MAJOR;
			if (!error && bh.b_size < PAGE_SIZE)
				error = -EIO;
			if (error)
				goto unlock_page;
		} else {
			return dax_load_hole(mapping, page, vmf);
		}
	}

	if (vmf->cow_page) {
		struct page *new_page = vmf->cow_page;

		/* copy_user_bh / clear_user_highpage */
		if (buffer_written(&bh)) {
			fault_sim_charge(new_page->sim->costs.page_copy);
			sim_contents_copy_all(&new_page->contents,
					      ext4_sim_disk_contents(
						      inode->i_sb->s_disk,
						      bh.b_blocknr));
		} else {
			zero_user_segment(new_page, 0, PAGE_SIZE);
		}
		vmf->page = page;
		if (!page) {
			/* No page to lock against truncate: hold
			 * i_mmap_rwsem (r) until do_cow_fault has set the
			 * PTE. */
			i_mmap_lock_read(mapping);
			size = (pgoff_t)((i_size_read(inode) + PAGE_SIZE - 1) >>
					 PAGE_SHIFT);
			if (vmf->pgoff >= size) {
				i_mmap_unlock_read(mapping);
				error = -EIO;
				goto out;
			}
		}
		return VM_FAULT_LOCKED;
	}

	/* Did a read fault install a hole page meanwhile? */
	if (!page && major)
		page = find_lock_page(mapping, vmf->pgoff);
	if (page) {
		/* (v5.15 dax_insert_entry unmaps only a zero-page entry;
		 * an empty one nobody mapped needs no unmap) */
		if (!entry_lock || page_mapped(page))
			unmap_mapping_range(mapping,
					    (loff_t)vmf->pgoff << PAGE_SHIFT,
					    PAGE_SIZE, false);
		delete_from_page_cache(page);
		unlock_page(page);
		put_page(page);
		page = NULL;
	}

	/* Insert the mapping; an unwritten extent under it is converted
	 * (or left unwritten if the insert failed, so stale data never
	 * shows). */
	error = dax_insert_mapping(inode, &bh, vma, vmf);
	if (buffer_unwritten(&bh)) {
		if (complete_unwritten)
			complete_unwritten(inode, &bh, (uint32_t)block, !error);
		else
			WARN_ON(!(vmf->flags & FAULT_FLAG_WRITE));
	}
out:
	if (error == -ENOMEM)
		return VM_FAULT_OOM | major;
	/* -EBUSY is fine: somebody else faulted the same PTE in. */
	if (error < 0 && error != -EBUSY)
		return VM_FAULT_SIGBUS | major;
	return VM_FAULT_NOPAGE | major;

unlock_page:
	if (page) {
		unlock_page(page);
		put_page(page);
	}
	goto out;
}

int dax_fault(struct vm_area_struct *vma, struct vm_fault *vmf,
	      get_block_t get_block, dax_iodone_t complete_unwritten)
{
	struct super_block *sb = file_inode(vma->vm_file)->i_sb;
	int result;

	if (vmf->flags & FAULT_FLAG_WRITE) {
		sb_start_pagefault(sb);
		file_update_time(vma->vm_file);
	}
	result = __dax_fault(vma, vmf, get_block, complete_unwritten);
	if (vmf->flags & FAULT_FLAG_WRITE)
		sb_end_pagefault(sb);
	return result;
}

/* PMD faults.  v4.4.1: FS_DAX_PMD depends on BROKEN, so this falls back
 * at once.  v4.5 (sb_sim_kver): the steps up to the device mapping —
 * get_block over 2 MiB (allocating on a write), dropping page-cache pages
 * over newly allocated storage, i_mmap_rwsem (r) and the i_size re-check —
 * and then the fall-back the kernel takes when the pfn has no struct page
 * (pfn_t_devmap false: pmem without a memmap), which is the device the
 * model has.  v5.15 PMD faults are not modelled beyond falling back. */
int __dax_pmd_fault(struct vm_area_struct *vma, unsigned long address,
		    unsigned int flags, get_block_t get_block,
		    dax_iodone_t complete_unwritten)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	struct inode *inode = mapping->host;
	unsigned blkbits = inode->i_sb->s_blocksize_bits;
	unsigned long pmd_addr = address & PMD_MASK;
	bool write = flags & FAULT_FLAG_WRITE;
	struct buffer_head bh;
	bool alloc = false;
	pgoff_t size, pgoff;
	int result = VM_FAULT_FALLBACK;

	if (sb_sim_kver(inode->i_sb) != FS_SIM_KVER_4_5)
		return VM_FAULT_FALLBACK;
	/* COW, or a PMD sticking out of the VMA: PTEs. */
	if (write && !(vma->vm_flags & VM_SHARED))
		return VM_FAULT_FALLBACK;
	if (pmd_addr < vma->vm_start || pmd_addr + PMD_SIZE > vma->vm_end)
		return VM_FAULT_FALLBACK;
	pgoff = linear_page_index(vma, pmd_addr);
	size = (pgoff_t)((i_size_read(inode) + PAGE_SIZE - 1) >> PAGE_SHIFT);
	if (pgoff >= size)
		return VM_FAULT_SIGBUS;
	/* The PMD would cover blocks beyond EOF. */
	if ((pgoff | PG_PMD_COLOUR) >= size)
		return VM_FAULT_FALLBACK;

	bh = (struct buffer_head){ .b_size = PMD_SIZE };
	if (get_block(inode, (sector_t)pgoff << (PAGE_SHIFT - blkbits), &bh, 0))
		return VM_FAULT_SIGBUS;
	if (!buffer_mapped(&bh) && write) {
		if (get_block(inode, (sector_t)pgoff << (PAGE_SHIFT - blkbits),
			      &bh, 1))
			return VM_FAULT_SIGBUS;
		alloc = true;
	}
	/* A hole of unknown length, or a short extent: PTEs. */
	if (bh.b_size < PMD_SIZE)
		return VM_FAULT_FALLBACK;
	/* New storage: no process may keep zero pages over it. */
	if (alloc) {
		loff_t lstart = (loff_t)pgoff << PAGE_SHIFT;

		truncate_pagecache_range(inode, lstart, lstart + PMD_SIZE - 1);
	}
	i_mmap_lock_read(mapping);
	size = (pgoff_t)((i_size_read(inode) + PAGE_SIZE - 1) >> PAGE_SHIFT);
	if (pgoff >= size)
		result = VM_FAULT_SIGBUS;
	/* else: no huge zero page, no devmap pfn: fall back to PTEs. */
	i_mmap_unlock_read(mapping);
	if (buffer_unwritten(&bh) && complete_unwritten)
		complete_unwritten(inode, &bh, (uint32_t)pgoff,
				   !(result & VM_FAULT_ERROR));
	return result;
}

int dax_pfn_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct super_block *sb = file_inode(vma->vm_file)->i_sb;

	(void)vmf;
	if (sb_sim_kver(sb) == FS_SIM_KVER_4_4) {
		/* v4.4.1: only freeze protection and the timestamps. */
		sb_start_pagefault(sb);
		file_update_time(vma->vm_file);
		sb_end_pagefault(sb);
	}
	/* v4.5: dirty the DAX radix entry (not kept, see the top). */
	return VM_FAULT_NOPAGE;
}
