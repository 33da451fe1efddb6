/* fs/mm/fault.h — the page-fault, read(2) and readahead paths
 * : fault dispatch (fs/mm/fault.c, mm/memory.c), filemap_fault and
 * fault-around (fs/mm/filemap_fault.c), readahead (fs/mm/readahead.c),
 * buffered read (fs/mm/read.c), madvise/fadvise (fs/mm/madvise.c,
 * fadvise.c), DAX faults (fs/mm/dax.c), the read bios that fill pages
 * (fs/mm/read_bio.c, fs/buffer_read.c) and the user-space side of a mapped
 * access (fs/mm/arch_fault.c).  Kernel prototypes of v4.4 unless noted.
 *
 * The filesystem's locking strategy enters the generic mm code only where
 * v5.15 takes mapping->invalidate_lock there (filemap_fault's slow path,
 * read(2) page creation, readahead batches); filemap_sim_invalidate_lock_
 * shared() below is that call site, and it asks the superblock's
 * super_sim_operations (fs/fs.h), never the filesystem itself.
 */
#ifndef FS_MM_FAULT_H
#define FS_MM_FAULT_H

#include "fs/mm.h"
#include "fs/uio.h"
#include "fs/block/block.h"
#include "fs/buffer_write.h"
#include "fs/costs.h"

/* ---- costs and the strategy, as the mm paths see them ---------------------- */

/* A [costs] entry of the inode's filesystem; 0 when the superblock has no
 * cost model (unit tests of other modules). */
#define fault_sim_cost(inode, field)                                      \
	((inode)->i_sb->s_costs ? (inode)->i_sb->s_costs->field : (sim_time_t)0)

/* Charge CPU time to the running task (nothing outside a task). */
static inline void fault_sim_charge(sim_time_t cost)
{
	struct sim_task *t = sim_current_task();

	if (t && cost > 0)
		sim_task_delay(t, cost);
}

/* Whether the mapping's filesystem takes the v5.15 invalidate_lock on the
 * generic path `path` (FS_SIM_INVALIDATE_FAULT: filemap_fault,
 * FS_SIM_INVALIDATE_READ: read(2) and readahead), i.e. runs it in v5.15's
 * step order. */
static inline bool filemap_sim_invalidate_lock_on(struct address_space *mapping,
						  unsigned path)
{
	struct super_block *sb = mapping->host->i_sb;
	const struct super_sim_operations *op = sb->s_sim_op;

	return op && op->invalidate_lock_paths &&
	       (op->invalidate_lock_paths(sb) & path);
}

/* v5.15 filemap_invalidate_lock_shared(mapping) at a generic-mm call site:
 * the filesystem's shared side when it takes it on `path`, else nothing.
 * Returns whether it locked, for the matching unlock.  The caller's name
 * is the lock's "ip". */
static inline bool filemap_sim__invalidate_lock_shared(struct address_space *mapping,
						       unsigned path,
						       loff_t start, loff_t end,
						       const char *ip)
{
	if (!filemap_sim_invalidate_lock_on(mapping, path))
		return false;
	mapping->host->i_sb->s_sim_op->invalidate_lock_shared(mapping, start,
							      end, ip);
	return true;
}
#define filemap_sim_invalidate_lock_shared(mapping, path, start, end) \
	filemap_sim__invalidate_lock_shared((mapping), (path), (start), (end), \
					    __func__)

static inline void filemap_sim_invalidate_unlock_shared(struct address_space *mapping,
							bool locked,
							loff_t start, loff_t end)
{
	if (locked)
		mapping->host->i_sb->s_sim_op->invalidate_unlock_shared(mapping,
									start,
									end);
}

/* i_mmap_lock_read / i_mmap_unlock_read (include/linux/fs.h). */
#define i_mmap_lock_read(mapping) down_read(&(mapping)->i_mmap_rwsem)
#define i_mmap_unlock_read(mapping) up_read(&(mapping)->i_mmap_rwsem)

/* ---- fault dispatch (fs/mm/fault.c) ------------------------------------------
 * Called with mm->mmap_sem held for read.  Returns VM_FAULT_* bits; with
 * VM_FAULT_RETRY mmap_sem has been dropped (see lock_page_or_retry). */
int handle_mm_fault(struct mm_struct *mm, struct vm_area_struct *vma,
		    unsigned long address, unsigned int flags);

/* ---- the arch fault handler and user accesses (fs/mm/arch_fault.c) -----------
 * __do_page_fault (arch/x86/mm/fault.c): mmap_sem (r), find_vma,
 * handle_mm_fault, the VM_FAULT_RETRY loop (second try with
 * FAULT_FLAG_TRIED and without ALLOW_RETRY), up_read.  Returns 0 when the
 * fault was resolved, else the VM_FAULT_ERROR bits (SIGBUS, SIGSEGV, OOM)
 * the task would be signalled with. */
int __do_page_fault(struct mm_struct *mm, unsigned long address, bool write);

/* A user-space load of [addr, addr + len) (may span pages): every page
 * is faulted in as the MMU would (read fault if its PTE is absent), then
 * its bytes are read from the page or, for a DAX PTE, from the disk block,
 * reported to the oracle as a mapped load, and copied to dst[0, len) when
 * dst is non-NULL (dst->size >= len).  Returns 0 or the fault's error bits
 * (bytes before the failing page were loaded). */
int mm_sim_user_load(struct mm_struct *mm, unsigned long addr, uint32_t len,
		     struct sim_contents *dst);
/* A user-space store: bytes [addr, addr + len) take bytes [0, len) of
 * write `stamp` (sim_stamp_new by the caller); [addr, addr + len) lies in
 * one VMA.  Write
 * faults as the MMU takes them; the store lands in the page (PTE dirty bit
 * set) or, through a DAX PTE, in the disk block (reported to the oracle as
 * a DAX disk write).  Each page's part is reported to the oracle as a
 * completed write.  Returns 0 or the fault's error bits. */
int mm_sim_user_store(struct mm_struct *mm, unsigned long addr, uint32_t len,
		      sim_stamp_t stamp);

/* ---- filemap fault and fault-around (fs/mm/filemap_fault.c) -------------------- */

/* ->readpage: "the page was truncated under me, look it up again". */
#define AOP_TRUNCATED_PAGE 0x80001

int filemap_fault(struct vm_area_struct *vma, struct vm_fault *vmf);
void filemap_map_pages(struct vm_area_struct *vma, struct vm_fault *vmf);
/* mm/memory.c fault_around_bytes (64 KiB). */
#define FAULT_AROUND_BYTES 65536ul

/* ---- readahead (fs/mm/readahead.c) -------------------------------------------------- */

/* VM_MAX_READAHEAD: 128 KiB = 32 pages, the default bdi ra_pages. */
#define VM_MAX_READAHEAD 128
#define MMAP_LOTSAMISS 100

void file_ra_state_init(struct file_ra_state *ra,
			struct address_space *mapping);
int __do_page_cache_readahead(struct address_space *mapping,
			      struct file *filp, pgoff_t offset,
			      unsigned long nr_to_read,
			      unsigned long lookahead_size);
int force_page_cache_readahead(struct address_space *mapping,
			       struct file *filp, pgoff_t offset,
			       unsigned long nr_to_read);
unsigned long ra_submit(struct file_ra_state *ra,
			struct address_space *mapping, struct file *filp);
void page_cache_sync_readahead(struct address_space *mapping,
			       struct file_ra_state *ra, struct file *filp,
			       pgoff_t offset, unsigned long req_size);
void page_cache_async_readahead(struct address_space *mapping,
				struct file_ra_state *ra, struct file *filp,
				struct page *page, pgoff_t offset,
				unsigned long req_size);
/* readahead(2) (SYSCALL_DEFINE3(readahead)): 0 or -errno. */
ssize_t sys_readahead(struct file *file, loff_t offset, size_t count);

/* ---- buffered read(2) (fs/mm/read.c) -------------------------------------------------
 * struct kiocb / iov_iter: fs/uio.h.  The read's bytes go to the iterator's
 * sink (copy_page_to_iter) and to the oracle under one read token, taken
 * when ->read_iter starts. */
ssize_t generic_file_read_iter(struct kiocb *iocb, struct iov_iter *iter);

/* ---- madvise / fadvise (fs/mm/madvise.c, fadvise.c) ------------------------------------ */

#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define POSIX_FADV_WILLNEED 3

/* madvise(2) for the behaviours modelled (others: -EINVAL).  Takes
 * mmap_sem (r), as 4.4 does for both. */
int sys_madvise(struct mm_struct *mm, unsigned long start, size_t len_in,
		int behavior);
/* fadvise64_64(2), WILLNEED only (others: -EINVAL). */
int sys_fadvise64_64(struct file *file, loff_t offset, loff_t len,
		     int advice);

/* ---- read bios (fs/mm/read_bio.c) ------------------------------------------------------
 * A bio reading contiguous disk blocks into page-cache pages, with its
 * vector (kernel: struct bio + bio_vec[]).  Completion copies each block's
 * disk contents into its page at the time the IO completes (the DMA), then
 * runs the owner's completion.  The storage comes from a per-filesystem
 * pool (the kernel's bio_set), recycled, freed at unmount. */
#define SIM_RBIO_MAX_VECS 64

struct sim_rbio_vec {
	struct page *page;
	struct buffer_head *bh;         /* buffer reads: the buffer */
	uint32_t offset;                /* in the page */
	uint32_t len;                   /* bytes, whole blocks */
};

struct sim_rbio {
	struct bio bio;
	struct super_block *sb;
	uint64_t first_block;           /* disk block of vec[0] */
	unsigned vcnt;
	struct sim_rbio_vec vec[SIM_RBIO_MAX_VECS];
	void (*end_io)(struct sim_rbio *rb);  /* after the contents landed */
	struct sim_rbio *next_free;
	/* Wait-for graph: a page's lock held by this read waits for the
	 * task building the bio until sim_rbio_submit (ext4_mpage_readpages
	 * keeps it across the next page's ext4_map_blocks), then for the
	 * device only.  Pages name it in page->lock_io_via. */
	struct sim_waitobj wo;
	struct sim_task *holder;        /* building it, not yet submitted */
};

/* A bio reading from disk block `block` on sb's device. */
struct sim_rbio *sim_rbio_alloc(struct super_block *sb, uint64_t block,
				void (*end_io)(struct sim_rbio *rb));
/* bio_add_page: false when the bio is full (submit it and start another). */
bool sim_rbio_add_page(struct sim_rbio *rb, struct page *page,
		       struct buffer_head *bh, uint32_t offset, uint32_t len);
/* Charges bio_submit and queues the bio on the device; never blocks. */
void sim_rbio_submit(struct sim_rbio *rb);
/* Back to the pool (from end_io). */
void sim_rbio_put(struct sim_rbio *rb);
/* Unmount: free the pool's storage (bios still in flight included). */
void sim_rbio_pool_destroy(struct super_block *sb);

/* ---- fs/buffer.c, read side (fs/buffer_read.c) ------------------------------------------ */

/* The page is locked: read its blocks through buffers (created if absent,
 * mapped with get_block(create = 0)); holes are zeroed; end_io unlocks the
 * page once every buffer read is done.  Returns 0. */
int block_read_full_page(struct page *page, get_block_t *get_block);

#endif /* FS_MM_FAULT_H */
