/* fs/ext4/ext4_map.h — ext4's block mapping and its write side: the entry
 * points of fs/ext4/inode.c, writeback.c, page-io.c, fsync.c, dio.c and
 * file_write.c (v4.4.1 step order; v4.5 / v5.15 differences where the
 * strategy asks for them, fs/ext4/locking.h).
 *
 * struct ext4_map_blocks, the EXT4_MAP_* result flags and the
 * EXT4_GET_BLOCKS_* request flags are the kernel's (fs/ext4/ext4.h); the
 * model defines them once, in fs/ext4/ext4_extents.h,
 * which this header includes — the two modules share one definition.
 *
 * Who calls what (for the other kernel paths):
 *   ext4_map_blocks       readpage/readahead (lookup, no handle), the fault
 *                         paths, DAX get_block, fallocate/zero range
 *                         (CREATE|UNWRIT_EXT, CONVERT_UNWRITTEN, inside a
 *                         handle), writeback (CREATE|DELALLOC_RESERVE),
 *                         unwritten conversion (IO_CONVERT_EXT).
 *   ext4_get_block        block_read_full_page, nodelalloc write_begin and
 *                         page_mkwrite, DIO reads.
 *   ext4_page_mkwrite     ->page_mkwrite of ext4's vm_operations (faults).
 *   ext4_writepages       ->writepages: flusher, fsync, punch/collapse.
 *   ext4_truncate_failed_write  write_begin errors, failed DIO writes.
 */
#ifndef FS_EXT4_EXT4_MAP_H
#define FS_EXT4_EXT4_MAP_H

#include "fs/ext4/ext4_extents.h"
#include "fs/ext4/ext4_jbd2.h"
#include "fs/ext4/locking.h"
#include "fs/buffer_write.h"
#include "fs/writeback.h"

struct fs_costs;

/* The strategy's lock calls (ext4_sim_fault_lock, ext4_sim_remove_lock,
 * ...) come from fs/ext4/locking.h. */

/* The cost model of the fs; all zero when the world set none (tests). */
const struct fs_costs *ext4_sim_costs(struct super_block *sb);
/* Charge d to the running task (nothing outside a task). */
void ext4_sim_charge_cpu(sim_time_t d);

/* ---- per-inode state (ext4.h inline helpers) ---------------------------------- */

/* ext4_test/set/clear_inode_state and the DIOREAD_LOCK pseudo-lock come
 * from fs/ext4/ext4.h. */

/* dioread_nolock mount option, extent-mapped file, not data=journal. */
static inline bool ext4_should_dioread_nolock(struct inode *inode)
{
	return (EXT4_SB(inode->i_sb)->s_mount_opt & EXT4_MOUNT_DIOREAD_NOLOCK) &&
	       !ext4_should_journal_data(inode);
}

/* ---- block mapping (inode.c) ----------------------------------------------------- */

/* ext4_map_blocks is declared in ext4_extents.h:
 *   int ext4_map_blocks(handle_t *, struct inode *, struct ext4_map_blocks *,
 *                       int flags);
 * > 0: blocks mapped from m_lblk (m_pblk, m_flags); 0: hole (or delayed);
 * < 0: -errno.  With EXT4_GET_BLOCKS_CREATE the caller holds a handle. */

int ext4_get_block(struct inode *inode, sector_t iblock,
		   struct buffer_head *bh_result, int create);
/* Allocates unwritten extents (DIO writes, dioread_nolock buffered). */
int ext4_get_block_write(struct inode *inode, sector_t iblock,
			 struct buffer_head *bh_result, int create);
/* Overwrite DIO: lookups without i_data_sem (the caller holds it). */
int ext4_get_block_write_nolock(struct inode *inode, sector_t iblock,
				struct buffer_head *bh_result, int create);
/* delalloc write_begin / page_mkwrite: existing block → buffer mapped to
 * it (not delayed); hole → delayed reservation (FIDELITY 2.0). */
int ext4_da_get_block_prep(struct inode *inode, sector_t iblock,
			   struct buffer_head *bh, int create);

/* i_disksize (ext4.h inline helpers; i_data_sem (w)). */
void ext4_update_i_disksize(struct inode *inode, loff_t newsize);
int ext4_update_inode_size(struct inode *inode, loff_t newsize);

/* Low free space: delalloc falls back to allocating at write time. */
int ext4_nonda_switch(struct super_block *sb);

/* ---- write paths (inode.c) --------------------------------------------------------- */

/* Select ext4's address_space_operations for the inode (ordered/writeback
 * with or without delalloc; data=journal is written like ordered, see
 * inode.c), attach the jbd2 inode (ext4_file_open's job, folded in: the
 * model opens every file once) and initialise the writeback links. */
void ext4_set_aops(struct inode *inode);

int ext4_write_begin(struct file *file, struct address_space *mapping,
		     loff_t pos, unsigned len, unsigned flags,
		     struct page **pagep, void **fsdata);
int ext4_write_end(struct file *file, struct address_space *mapping,
		   loff_t pos, unsigned len, unsigned copied,
		   struct page *page, void *fsdata);
int ext4_da_write_begin(struct file *file, struct address_space *mapping,
			loff_t pos, unsigned len, unsigned flags,
			struct page **pagep, void **fsdata);
int ext4_da_write_end(struct file *file, struct address_space *mapping,
		      loff_t pos, unsigned len, unsigned copied,
		      struct page *page, void *fsdata);

/* ->page_mkwrite: VM_FAULT_LOCKED (page locked, mapped buffers, dirty),
 * VM_FAULT_NOPAGE (truncated or punched under us: retry the fault), or
 * VM_FAULT_SIGBUS/OOM. */
int ext4_page_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf);

/* Trim blocks a failed write instantiated beyond i_size (truncate.h);
 * i_mutex held, no handle.  v4.5/v5.15 wrap it in the exclusive side. */
void ext4_truncate_failed_write(struct inode *inode);
/* ext4_truncate (fs/ext4/truncate.c): the blocks beyond i_size go. */
void ext4_truncate(struct inode *inode);

/* ---- writeback (writeback.c, page-io.c) ------------------------------------------- */

int ext4_writepages(struct address_space *mapping,
		    struct writeback_control *wbc);
/* Never allocates: pages with delayed or unwritten buffers are redirtied
 * and skipped (the jbd2 ordered-data flush, reclaim). */
int ext4_writepage(struct page *page, struct writeback_control *wbc);

/* Per-fs writeback set-up, after ext4_sim_mount: IO pools, the unwritten
 * conversion worker, the flusher (bdi_sim_writeback_init) and the jbd2
 * data=ordered hooks (ext4_writepage through generic_writepages, then
 * filemap_fdatawait).  Intervals and thresholds are read from
 * sb->s_costs now (set it first; NULL: the [costs] defaults). */
int ext4_sim_writes_init(struct super_block *sb);
/* From a task, before the journal is detached: the flusher exits after
 * its current pass, the conversion worker once its queue is empty. */
void ext4_sim_writes_stop(struct super_block *sb);
/* The read side's ->readpage / ->readpages for ext4's per-fs tables
 * (after ext4_sim_writes_init, before ext4_set_aops). */
void ext4_sim_set_read_aops(struct super_block *sb,
			    int (*readpage)(struct file *, struct page *),
			    int (*readpages)(struct file *,
					     struct address_space *,
					     struct sim_list *, unsigned));
/* Free the state (outside tasks, before ext4_sim_unmount). */
void ext4_sim_writes_free(struct super_block *sb);
/* Writeback IO statistics (model only). */
struct ext4_sim_io_stats {
	uint64_t pages_submitted;    /* pages put under writeback */
	uint64_t blocks_written;     /* data blocks that reached the disk */
	uint64_t bios;               /* write bios submitted */
	uint64_t foreign_writes;     /* blocks written not owned at that lblk */
	uint64_t conversions;        /* io_ends converted by the worker */
	uint64_t writepage_skips;    /* ext4_writepage: delayed/unwritten */
};
const struct ext4_sim_io_stats *ext4_sim_io_stats(struct super_block *sb);

/* ---- fsync, direct IO, write(2) (fsync.c, dio.c, file_write.c) ------------------- */

int ext4_sync_file(struct file *file, loff_t start, loff_t end, int datasync);

ssize_t ext4_direct_IO(struct kiocb *iocb, struct iov_iter *iter,
		       loff_t offset);
/* The O_DIRECT branch of generic_file_read_iter (flush, ->direct_IO); the
 * buffered remainder of a short read is not done (returns the short
 * count). */
ssize_t generic_file_sim_direct_read(struct kiocb *iocb, struct iov_iter *iter);

ssize_t ext4_file_write_iter(struct kiocb *iocb, struct iov_iter *from);

/* System-call entries the workload drives (vfs_write / vfs_read with
 * O_DIRECT / vfs_fsync_range): charge syscall_entry, issue the write's
 * stamp (kind WRITE or DIO), report begin/end to the oracle.  Return bytes
 * or -errno; *stampp (if non-NULL) gets the stamp. */
ssize_t ext4_sim_sys_write(struct file *file, loff_t pos, size_t len,
			   bool direct, bool dsync, uint64_t seq,
			   sim_stamp_t *stampp);
ssize_t ext4_sim_sys_dio_read(struct file *file, loff_t pos, size_t len,
			      uint64_t seq, iov_sim_sink_fn sink, void *ctx);
/* A read whose bytes the oracle checks as they are returned (direct and
 * DAX reads: no page cache to check them in), under one read token; via
 * names the path.  DAX files go through ext4_file_read_iter, others through
 * generic_file_sim_direct_read.  Advances kiocb->ki_pos. */
ssize_t ext4_sim_checked_read(struct kiocb *kiocb, size_t len,
			      iov_sim_sink_fn sink, void *ctx,
			      const char *via);
int ext4_sim_sys_fsync(struct file *file, loff_t start, loff_t end,
		       bool datasync);

/* A fresh stamp of the world (fs/block/contents.h) for a write of the inode. */
sim_stamp_t ext4_sim_new_stamp(struct inode *inode, loff_t off, uint32_t len,
			       enum sim_stamp_kind kind, uint64_t seq);

#endif /* FS_EXT4_EXT4_MAP_H */
