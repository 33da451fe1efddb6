/* fs/ext4/file.h — ext4's file-side entry points of the fault and read
 * paths: the vm_operations (fs/ext4/file.c), read(2),
 * opening and mmap of a file for the model, and the readpage/readpages
 * address_space operations (fs/ext4/readpage.c).  Kernel prototypes of
 * v4.4 unless noted.
 */
#ifndef FS_EXT4_FILE_H
#define FS_EXT4_FILE_H

#include "fs/mm/fault.h"
#include "fs/ext4/ext4_map.h"

/* ---- fs/ext4/file.c ------------------------------------------------------------- */

/* v4.5 fs/ext4/inode.c: ->fault of non-DAX files; the strategy's shared
 * lock around filemap_fault (unless it locks inside filemap_fault, v5.15). */
int ext4_filemap_fault(struct vm_area_struct *vma, struct vm_fault *vmf);

/* DAX vm_operations (v4.4 / v4.5 / v5.15 per the strategy's kver). */
int ext4_dax_fault(struct vm_area_struct *vma, struct vm_fault *vmf);
int ext4_dax_pmd_fault(struct vm_area_struct *vma, unsigned long address,
		       void *pmd, unsigned int flags);
int ext4_dax_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf);
int ext4_dax_pfn_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf);

extern const struct vm_operations_struct ext4_file_vm_ops;
extern const struct vm_operations_struct ext4_dax_vm_ops;

/* v5.15 ext4_iomap_begin (kernel: inode.c) for dax_iomap_rw
 * (fs/mm/dax.h). */
struct iomap;
int ext4_iomap_begin(struct inode *inode, loff_t offset, loff_t length,
		     unsigned flags, struct iomap *iomap);

/* ->mmap: picks the DAX or page-cache vm_operations. */
int ext4_file_mmap(struct file *file, struct vm_area_struct *vma);
/* ->read_iter: v4.4/v4.5 ext4 uses generic_file_read_iter directly (DAX
 * files with IOCB_DIRECT: dax_do_io); v5.15's ext4_file_read_iter sends DAX
 * files to ext4_dax_read_iter and the rest on as v4.4 does. */
ssize_t ext4_file_read_iter(struct kiocb *iocb, struct iov_iter *to);

/* Model entry points for the workload and tests.
 * ext4_sim_file_open: what do_dentry_open + ext4_file_open do to a struct
 *   file (f_mapping, readahead state, the jbd2 inode for data=ordered).
 * ext4_sim_mmap: mmap(2) of npages file pages from pgoff (MAP_SHARED or
 *   MAP_PRIVATE, PROT_READ[|PROT_WRITE]): the VMA, then ->mmap.
 * ext4_sim_read: pread(2) of count bytes at *pos (advanced): syscall
 *   entry, ->read_iter; the bytes go to sink (may be NULL). */
void ext4_sim_file_open(struct file *file, struct inode *inode);
struct vm_area_struct *ext4_sim_mmap(struct mm_struct *mm, struct file *file,
				     pgoff_t pgoff, unsigned long npages,
				     bool shared, bool writable);
ssize_t ext4_sim_read(struct file *file, loff_t *pos, size_t count,
		      iov_sim_sink_fn sink, void *sink_ctx);

/* ---- fs/ext4/readpage.c ---------------------------------------------------------- */

/* pages (linked through page->lru, not yet cached, lowest index at the
 * tail) or one locked cached page; maps blocks with ext4_map_blocks and
 * submits read bios; falls back to block_read_full_page(ext4_get_block). */
int ext4_mpage_readpages(struct address_space *mapping,
			 struct sim_list *pages, struct page *page,
			 unsigned nr_pages);
/* address_space_operations ->readpage / ->readpages (kernel: inode.c). */
int ext4_readpage(struct file *file, struct page *page);
int ext4_readpages(struct file *file, struct address_space *mapping,
		   struct sim_list *pages, unsigned nr_pages);

#endif /* FS_EXT4_FILE_H */
