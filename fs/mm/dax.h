/* fs/mm/dax.h — DAX page faults (fs/dax.c; include/linux/dax.h, v4.4/v4.5).
 * See fs/mm/dax.c for what is modelled.  Where v4.4.1 and v4.5 differ, the
 * mount's version decides (sb_sim_kver, fs/fs.h). */
#ifndef FS_MM_DAX_H
#define FS_MM_DAX_H

#include "fs/mm/fault.h"

/* complete_unwritten: the fault's unwritten block at lblk was (uptodate) or
 * was not mapped; the filesystem converts it to written.  (Kernel:
 * void (*)(struct buffer_head *, int), lblk hidden in bh->b_private.) */
typedef void (*dax_iodone_t)(struct inode *inode, struct buffer_head *bh,
			     uint32_t lblk, bool uptodate);

/* The filesystem holds whatever it needs (handle, fault lock). */
int __dax_fault(struct vm_area_struct *vma, struct vm_fault *vmf,
		get_block_t get_block, dax_iodone_t complete_unwritten);
/* v4.4 dax_fault / dax_mkwrite: freeze protection and timestamps around
 * __dax_fault for writes. */
int dax_fault(struct vm_area_struct *vma, struct vm_fault *vmf,
	      get_block_t get_block, dax_iodone_t complete_unwritten);
int __dax_pmd_fault(struct vm_area_struct *vma, unsigned long address,
		    unsigned int flags, get_block_t get_block,
		    dax_iodone_t complete_unwritten);
/* v4.4: sb_start_pagefault + file_update_time; v4.5: NOPAGE. */
int dax_pfn_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf);
/* clear_pmem of one block (a new or unwritten block being mapped). */
void dax_sim_clear_block(struct inode *inode, uint64_t pblk, uint32_t lblk);

#endif /* FS_MM_DAX_H */
