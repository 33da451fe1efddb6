/* fs/mm/arch_fault.c — the user-space side of a mapped access: the x86
 * page-fault handler __do_page_fault (arch/x86/mm/fault.c, v4.4: mmap_sem
 * (r) across handle_mm_fault, the VM_FAULT_RETRY loop) and, model-only,
 * the MMU performing a load or store through the PTEs (mm_sim_user_load /
 * mm_sim_user_store), which report what they return or write to the
 * oracle.
 *
 * Simplified: no kernel-mode faults, no fatal-signal checks, no stack
 * expansion; the MMU walk reads the VMA list without mmap_sem (the
 * hardware walks page tables, not VMAs; the VMA only names the PTE array).
 * A store is atomic per page (no yield inside), as an aligned CPU store.
 */
#include "config.h"

#include "fs/mm/fault.h"
#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"

int __do_page_fault(struct mm_struct *mm, unsigned long address, bool write)
{
	unsigned int flags = FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE |
			     FAULT_FLAG_USER;
	struct vm_area_struct *vma;
	int fault;

	if (write)
		flags |= FAULT_FLAG_WRITE;
retry:
	down_read(&mm->mmap_sem);
	vma = find_vma(mm, address);
	if (!vma) {
		up_read(&mm->mmap_sem);
		return VM_FAULT_SIGSEGV;
	}
	/* access_error() */
	if (write ? !(vma->vm_flags & VM_WRITE) : !(vma->vm_flags & VM_READ)) {
		up_read(&mm->mmap_sem);
		return VM_FAULT_SIGSEGV;
	}
	fault = handle_mm_fault(mm, vma, address, flags);
	if (fault & VM_FAULT_RETRY) {
		/* mmap_sem was dropped (lock_page_or_retry); try once more,
		 * this time waiting for everything. */
		SIM_BUG_ON(!(flags & FAULT_FLAG_ALLOW_RETRY));
		flags &= ~FAULT_FLAG_ALLOW_RETRY;
		flags |= FAULT_FLAG_TRIED;
		goto retry;
	}
	up_read(&mm->mmap_sem);
	return fault & VM_FAULT_ERROR;
}

/* The PTE an access to address goes through, faulting until it allows
 * the access.  *err: the fault's error bits when it does not. */
static pte_t *mm_sim_walk(struct mm_struct *mm, unsigned long address,
			  bool write, struct vm_area_struct **vmap, int *err)
{
	for (;;) {
		struct vm_area_struct *vma = find_vma(mm, address);
		pte_t *pte;

		if (!vma) {
			*err = VM_FAULT_SIGSEGV;
			return NULL;
		}
		pte = pte_offset_map(vma, address);
		if (pte_present(*pte) && (!write || pte_write(*pte))) {
			*vmap = vma;
			return pte;
		}
		*err = __do_page_fault(mm, address, write);
		if (*err)
			return NULL;
	}
}

/* Byte offset in the file of address in vma. */
static loff_t mm_sim_file_offset(const struct vm_area_struct *vma,
				 unsigned long address)
{
	return ((loff_t)linear_page_index(vma, address) << PAGE_SHIFT) +
	       (loff_t)(address & (PAGE_SIZE - 1));
}

/* How many of the n bytes at file offset pos lie below EOF.  The page that
 * straddles EOF is mapped whole, but its bytes past i_size are no file
 * data: mmap(2) zero-fills them when the page is read in, stores there are
 * "not written out" (ext4_bio_write_page zeroes them at writeback), and a
 * size change (collapse, truncate) can move EOF below a store that began
 * above it. */
static uint32_t mm_sim_in_file(struct inode *inode, loff_t pos, uint32_t n)
{
	loff_t isize = i_size_read(inode);

	if (pos >= isize)
		return 0;
	return isize - pos < (loff_t)n ? (uint32_t)(isize - pos) : n;
}

int mm_sim_user_load(struct mm_struct *mm, unsigned long addr, uint32_t len,
		     struct sim_contents *dst)
{
	uint32_t done = 0;

	SIM_BUG_ON(dst && dst->size < len);
	while (done < len) {
		unsigned long a = addr + done;
		uint32_t off = (uint32_t)(a & (PAGE_SIZE - 1));
		uint32_t n = min(len - done, (uint32_t)PAGE_SIZE - off);
		struct vm_area_struct *vma;
		const struct sim_contents *c;
		struct inode *inode;
		pte_t *pte;
		int err;

		pte = mm_sim_walk(mm, a, false, &vma, &err);
		if (!pte)
			return err;
		inode = vma->vm_file->f_inode;
		if (pte_sim_is_pfn(*pte)) {
			/* DAX: the load reads the disk block itself (block
			 * size == page size for DAX). */
			c = ext4_sim_disk_contents(inode->i_sb->s_disk,
						   pte_pfn(*pte));
		} else {
			c = &pte_page(*pte)->contents;
		}
		/* A private COW copy holds the process's own data, not the
		 * file's: nothing to check it against. */
		if (pte_sim_is_pfn(*pte) || !PageAnon(pte_page(*pte))) {
			loff_t pos = mm_sim_file_offset(vma, a);
			uint32_t in = mm_sim_in_file(inode, pos, n);

			if (in)
				fs_oracle_read(inode, 0, pos, in, c, off,
					       "mapread");
		}
		if (dst)
			sim_contents_copy(dst, done, c, off, n);
		done += n;
	}
	return 0;
}

/* A DAX store: the bytes land in the disk block the PTE maps; the oracle
 * hears which block that was. */
static void mm_sim_dax_store(struct vm_area_struct *vma, unsigned long a,
			     pte_t *pte, uint32_t off, uint32_t n,
			     sim_stamp_t stamp, uint32_t origin)
{
	struct inode *inode = vma->vm_file->f_inode;
	struct super_block *sb = inode->i_sb;
	struct ext4_sim_disk *disk = sb->s_disk;
	uint32_t lblk = (uint32_t)linear_page_index(vma, a);
	struct ext4_sim_owner was;
	struct sim_contents src;
	bool foreign;

	sim_contents_init(&src, PAGE_SIZE);
	sim_contents_set(&src, off, n, stamp, origin);
	foreign = ext4_sim_disk_write(disk, pte_pfn(*pte), off, n, &src, off,
				      (uint32_t)inode->i_ino, lblk, &was);
	sim_contents_destroy(&src);
	fs_oracle_disk_write(sb, inode, lblk, pte_pfn(*pte), foreign, &was,
			     "dax");
	pte_sim_mark_dirty(pte);
}

int mm_sim_user_store(struct mm_struct *mm, unsigned long addr, uint32_t len,
		      sim_stamp_t stamp)
{
	uint32_t done = 0;
	int err = 0;

	while (done < len) {
		unsigned long a = addr + done;
		uint32_t off = (uint32_t)(a & (PAGE_SIZE - 1));
		uint32_t n = min(len - done, (uint32_t)PAGE_SIZE - off);
		struct vm_area_struct *vma;
		pte_t *pte;

		pte = mm_sim_walk(mm, a, true, &vma, &err);
		if (!pte)
			break;
		/* One oracle write per page, reported as the bytes land (no
		 * yield between here and the store): the walk may have
		 * faulted and slept, and a collapse or insert meanwhile moves
		 * which file offset this address maps, so a multi-page store
		 * is not one write at one offset.  Bytes past EOF are reported
		 * "maybe written": writeback zeroes them, but an extending
		 * write or truncate before that makes them file data. */
		if (vma->vm_flags & VM_SHARED) {
			struct inode *inode = vma->vm_file->f_inode;
			loff_t pos = mm_sim_file_offset(vma, a);

			fs_oracle_write_end(inode,
					    fs_oracle_write_begin_at(inode, pos,
								     n, stamp,
								     done),
					    mm_sim_in_file(inode, pos, n));
		}
		if (pte_sim_is_pfn(*pte)) {
			mm_sim_dax_store(vma, a, pte, off, n, stamp, done);
		} else {
			sim_contents_set(&pte_page(*pte)->contents, off, n,
					 stamp, done);
			pte_sim_mark_dirty(pte);
		}
		done += n;
	}
	return err;
}
