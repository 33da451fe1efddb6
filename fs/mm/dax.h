/* fs/mm/dax.h — DAX page faults and DAX read(2)/write(2) (fs/dax.c;
 * include/linux/dax.h, include/linux/iomap.h; v4.4/v4.5, v5.15 for the
 * iomap side).  See fs/mm/dax.c (faults) and fs/mm/dax_io.c (IO) for what
 * is modelled.  Where the versions differ, the mount's version decides
 * (sb_sim_kver, fs/fs.h). */
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

/* ---- read(2)/write(2) (fs/mm/dax_io.c) ------------------------------------------------ */

struct dio_sim_result;

/* v4.4.1/v4.5 dax_do_io, synchronous: DIO_LOCKING reads take i_mutex and
 * flush the range; i_dio_count is held across the copy; writes map with
 * create (get_block's choice: initialized or unwritten blocks), zero what
 * the write leaves of new or unwritten blocks (dax_new_buf) and copy the
 * stamp's bytes into the blocks; reads copy the blocks' bytes to the
 * iterator's sink (zeros for holes and unwritten blocks), clipped at
 * i_size.  res (may be NULL) learns whether a write met an unwritten
 * block (the kernel: EXT4_STATE_DIO_UNWRITTEN).  Returns bytes or -errno.
 * (The kernel's end_io argument is not taken: ext4's ext4_end_io_dio does
 * nothing for a synchronous kiocb.) */
ssize_t dax_do_io(struct kiocb *iocb, struct inode *inode,
		  struct iov_iter *iter, loff_t pos, get_block_t get_block,
		  int flags, struct dio_sim_result *res);

/* v5.15 include/linux/iomap.h, reduced to what dax_iomap_rw reads: one
 * extent of the file as the filesystem maps it. */
#define IOMAP_HOLE      0
#define IOMAP_MAPPED    2
#define IOMAP_UNWRITTEN 3

#define IOMAP_F_NEW 0x01     /* blocks allocated by this iomap_begin */

#define IOMAP_WRITE (1u << 0)  /* iomap_begin flags: writing */

struct iomap {
	uint64_t addr;     /* first block (MAPPED, UNWRITTEN) */
	loff_t offset;     /* file offset of the extent */
	uint64_t length;   /* bytes */
	uint16_t type;
	uint16_t flags;
};

/* iomap_ops->iomap_begin (the model has no iomap_end: ext4's returns an
 * error only for a write that wrote nothing, which dax_iomap_rw then
 * returns as 0 bytes written anyway). */
typedef int (*dax_sim_iomap_begin_t)(struct inode *inode, loff_t offset,
				     loff_t length, unsigned flags,
				     struct iomap *iomap);

/* v5.15 dax_iomap_rw: the caller holds i_rwsem (shared for reads,
 * exclusive for writes).  Extent by extent: a read yields zeros over a
 * hole or an unwritten extent and stops at i_size; a write into a new
 * extent first invalidates the page-cache (hole) pages over it, then
 * copies.  Advances iocb->ki_pos; returns bytes or -errno. */
ssize_t dax_iomap_rw(struct kiocb *iocb, struct iov_iter *iter,
		     dax_sim_iomap_begin_t iomap_begin);

#endif /* FS_MM_DAX_H */
