/* fs/ext4/file.c — ext4's mmap and read side: the vm_operations of regular
 * files (ext4_filemap_fault; the DAX handlers ext4_dax_fault,
 * ext4_dax_pmd_fault, ext4_dax_mkwrite, ext4_dax_pfn_mkwrite), ->mmap
 * (ext4_file_mmap) and ->read_iter, after fs/ext4/file.c and
 * fs/ext4/inode.c of v4.4.1 / v4.5 / v5.15 (the strategy's kver picks the
 * version), plus the DAX block mappers ext4_get_block_dax (v4.4.1),
 * ext4_dax_mmap_get_block (v4.5) and ext4_iomap_begin / ext4_iomap_alloc
 * (v5.15) (kernel: fs/ext4/inode.c), and the model's open / mmap / read
 * entry points.
 *
 * Zeroing of blocks a DAX fault maps (so no fault shows the data a block
 * held for its previous owner, e.g. before a punch freed it):
 *   v4.4.1  allocations are unwritten; dax_insert_mapping clears a new or
 *           unwritten block (clear_pmem) before the PTE goes in, and the
 *           extent is converted afterwards (ext4_end_io_unwritten);
 *   v4.5    EXT4_GET_BLOCKS_CREATE_ZERO: ext4_map_blocks zeroes new blocks
 *           (ext4_issue_zeroout) under i_data_sem (w) before the es cache
 *           shows them; unwritten extents met by any fault are converted
 *           with CONVERT | CREATE_ZERO, zeroed inside the conversion;
 *   v5.15   ext4_iomap_alloc with CREATE_ZERO (same zeroing for holes and,
 *           via ext4_ext_convert_to_initialized's NEW, unwritten extents);
 *           a read of an unwritten extent maps the zero page instead.
 *
 * Where the strategy's shared ("fault") lock goes (FIDELITY 2.1-2.3):
 *   ext4_filemap_fault   around filemap_fault (v4.5 i_mmap_sem; also the
 *                        v4.4 i_data_sem designs), unless the strategy
 *                        locks inside filemap_fault (v5.15 fast path);
 *   DAX faults           write: sb_start_pagefault, file_update_time,
 *                        lock, handle; read: lock — at v4.5's points for
 *                        kver 4.4/4.5 (NULL op for lockless v4.4.1), and
 *                        v5.15's ext4_dax_huge_fault order for kver 5.15
 *                        (handle only for shared writes);
 *   ext4_dax_pfn_mkwrite v4.5: lock cycled around the i_size check, so a
 *                        punch that started earlier has zapped the PTE and
 *                        wp_pfn_shared's pte_same fails.
 * ->page_mkwrite of non-DAX files is ext4_page_mkwrite (fs/ext4/inode.c),
 * which takes the lock itself.
 *
 * Lock order inside a DAX write fault: fault lock > transaction start >
 * (page lock of a hole page) > i_data_sem (ext4_map_blocks) >
 * i_mmap_rwsem (dax_insert_mapping).
 *
 * read(2) of a DAX file: v4.4/v4.5 set IOCB_DIRECT (io_is_direct) and go
 * through ->direct_IO to dax_do_io (fs/ext4/dio.c, fs/mm/dax_io.c); v5.15
 * ext4_dax_read_iter takes i_rwsem around dax_iomap_rw, with
 * ext4_iomap_begin as the mapper.
 *
 * Simplified: no encryption or inline data; v5.15's iomap DAX path is
 * modelled by v4.5's __dax_fault steps under v5.15's locks, with
 * ext4_iomap_begin as their get_block (its hole zero page is a page-cache
 * page as in v4.5, and it also stands in for v5.15's DAX entry lock:
 * __dax_fault creates it locked before the lookup); ext4_dax_huge_fault's
 * ENOSPC retry and MAP_SYNC are not modelled (ext4_iomap_alloc's retry
 * is).
 */
#include "config.h"

#include "fs/ext4/file.h"
#include "fs/ext4/ext4_extents.h"
#include "fs/ext4/ext4_jbd2.h"
#include "fs/mm/dax.h"
#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"
#include "fs/writeback.h"

#define DIO_MAX_BLOCKS 4096
#define PMD_SIZE (512ul * PAGE_SIZE)

/* The strategy's shared side over one page (NULL op: nothing); the
 * caller's name is the lock's "ip". */
#define ext4_sim_fault_lock_page(inode, pgoff)                             \
	ext4_sim__fault_lock((inode), (loff_t)(pgoff) << PAGE_SHIFT,        \
			     ((loff_t)(pgoff) << PAGE_SHIFT) + PAGE_SIZE - 1, \
			     __func__)
#define ext4_sim_fault_unlock_page(inode, pgoff)                           \
	ext4_sim_fault_unlock((inode), (loff_t)(pgoff) << PAGE_SHIFT,       \
			      ((loff_t)(pgoff) << PAGE_SHIFT) + PAGE_SIZE - 1)

/* Designs A/B (EXT4_LOCK_FAULT_HOLDS_DATA_SEM): the shared side is
 * i_data_sem (r), so the fault's own block lookups must not take it again;
 * the task says so while it holds the lock (fs/task_state.h).  Returns
 * whether it set the mark. */
static bool ext4_sim_fault_mark_data_sem(struct inode *inode)
{
	struct sim_task *t = sim_current_task();
	struct fs_task_state *ts = t ? fs_task_state_of(t) : NULL;

	if (!ts || !ext4_sim_lock_has(inode, EXT4_LOCK_FAULT_HOLDS_DATA_SEM) ||
	    ts->i_data_sem_held_by_fault)
		return false;
	ts->i_data_sem_held_by_fault = true;
	return true;
}

static void ext4_sim_fault_unmark_data_sem(bool marked)
{
	if (marked)
		fs_task_state_of(sim_current_task())->i_data_sem_held_by_fault =
			false;
}

/* ---- page-cache faults ------------------------------------------------------------- */

int ext4_filemap_fault(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct inode *inode = file_inode(vma->vm_file);
	bool lock = !ext4_sim_lock_has(inode, EXT4_LOCK_FAULT_FAST_PATH);

	/* v4.5: i_mmap_sem (r) across the whole of filemap_fault,
	 * readahead submission and read IO waits included. */
	bool marked = false;
	int err;

	if (lock) {
		ext4_sim_fault_lock_page(inode, vmf->pgoff);
		marked = ext4_sim_fault_mark_data_sem(inode);
	}
	err = filemap_fault(vma, vmf);
	if (lock) {
		ext4_sim_fault_unmark_data_sem(marked);
		ext4_sim_fault_unlock_page(inode, vmf->pgoff);
	}
	return err;
}

/* ---- DAX block mappers (kernel: fs/ext4/inode.c) ------------------------------------------ */

/* v4.4.1 _ext4_get_block's mapping step, for the DAX mapper below. */
static int ext4_sim_dax_map(struct inode *inode, sector_t iblock,
			    struct buffer_head *bh, int flags)
{
	handle_t *handle = ext4_journal_current_handle();
	struct ext4_map_blocks map;
	bool started = false;
	int ret;

	map.m_lblk = (ext4_lblk_t)iblock;
	map.m_len = bh->b_size >> inode->i_sb->s_blocksize_bits;
	map.m_flags = 0;
	/* Any flags and no handle: a handle of its own, as for direct IO
	 * (ext4_get_block_dax always passes flags, so even a read fault
	 * starts one). */
	if (flags && !(flags & EXT4_GET_BLOCKS_NO_LOCK) && !handle) {
		if (map.m_len > DIO_MAX_BLOCKS)
			map.m_len = DIO_MAX_BLOCKS;
		handle = ext4_journal_start(inode, EXT4_HT_MAP_BLOCKS,
					    ext4_chunk_trans_blocks(inode,
								    (int)map.m_len));
		if (IS_ERR(handle))
			return (int)PTR_ERR(handle);
		started = true;
	}
	ret = ext4_map_blocks(handle, inode, &map, flags);
	if (ret > 0) {
		map_bh(bh, inode->i_sb, map.m_pblk);
		bh->b_state = (bh->b_state & ~(unsigned long)EXT4_MAP_FLAGS) |
			      map.m_flags;
		bh->b_size = inode->i_sb->s_blocksize * map.m_len;
		ret = 0;
	}
	if (started)
		ext4_journal_stop(handle);
	return ret;
}

/* v4.4.1 ext4_get_block_dax: allocations are unwritten (PRE_IO), converted
 * after the mapping is in place (ext4_end_io_unwritten). */
static int ext4_get_block_dax(struct inode *inode, sector_t iblock,
			      struct buffer_head *bh_result, int create)
{
	int flags = EXT4_GET_BLOCKS_PRE_IO | EXT4_GET_BLOCKS_UNWRIT_EXT;

	if (create)
		flags |= EXT4_GET_BLOCKS_CREATE;
	return ext4_sim_dax_map(inode, iblock, bh_result, flags);
}

/* v4.4.1 ext4_end_io_unwritten: the block is mapped, make it written. */
static void ext4_end_io_unwritten(struct inode *inode, struct buffer_head *bh,
				  uint32_t lblk, bool uptodate)
{
	if (!uptodate)
		return;
	WARN_ON(!buffer_unwritten(bh));
	ext4_convert_unwritten_extents(NULL, inode,
				       (loff_t)lblk << inode->i_sb->s_blocksize_bits,
				       (ssize_t)bh->b_size);
}

/* Result of a DAX block mapping in bh (both v4.5 and v5.15 mappers). */
static void ext4_sim_dax_map_bh(struct inode *inode, struct buffer_head *bh,
				const struct ext4_map_blocks *map)
{
	map_bh(bh, inode->i_sb, map->m_pblk);
	bh->b_state = (bh->b_state & ~(unsigned long)EXT4_MAP_FLAGS) |
		      map->m_flags;
	/* The blocks were zeroed under i_data_sem (EXT4_GET_BLOCKS_ZERO):
	 * DAX must not zero them again, racily (a store through another
	 * task's PTE may already be in them). */
	clear_buffer_new(bh);
	bh->b_size = (size_t)map->m_len << inode->i_sb->s_blocksize_bits;
}

/* Model-only: the oracle hears a zeroing DAX allocation as an fallocate
 * (blocks added, contents unchanged).  From the extent insertion until
 * the zeroes land the tree maps blocks that still hold old data; no kernel
 * reader sees them (i_data_sem (w) is held, the es cache does not have
 * them yet), but the oracle's end-of-job check reads the tree without
 * locks, and an operation in flight tells it that a job stopped there has
 * no verdict for the file. */
static uint64_t ext4_sim_dax_alloc_begin(struct inode *inode,
					 const struct ext4_map_blocks *map)
{
	unsigned bits = inode->i_sb->s_blocksize_bits;

	return fs_oracle_remove_begin(inode, FS_ORACLE_FALLOCATE,
				      (loff_t)map->m_lblk << bits,
				      (loff_t)map->m_len << bits);
}

/* v4.5 ext4_dax_mmap_get_block: new blocks are allocated written and
 * zeroed inside ext4_map_blocks (CREATE_ZERO: before the es cache shows
 * them, under i_data_sem (w)); an unwritten extent found on the way —
 * even by a read — is zeroed and converted the same way (CONVERT |
 * CREATE_ZERO), so DAX never maps unwritten blocks.  The fault lock keeps
 * the blocks from going away between the two ext4_map_blocks calls. */
static int ext4_dax_mmap_get_block(struct inode *inode, sector_t iblock,
				   struct buffer_head *bh_result, int create)
{
	struct ext4_map_blocks map;
	handle_t *handle = NULL;
	uint64_t op = 0;
	int ret, err, err2, credits, flags = 0;

	map.m_lblk = (ext4_lblk_t)iblock;
	map.m_len = bh_result->b_size >> inode->i_sb->s_blocksize_bits;
	map.m_flags = 0;
	credits = ext4_chunk_trans_blocks(inode, (int)map.m_len);
	if (create) {
		flags |= EXT4_GET_BLOCKS_PRE_IO | EXT4_GET_BLOCKS_CREATE_ZERO;
		handle = ext4_journal_start(inode, EXT4_HT_MAP_BLOCKS, credits);
		if (IS_ERR(handle))
			return (int)PTR_ERR(handle);
		op = ext4_sim_dax_alloc_begin(inode, &map);
	}
	ret = ext4_map_blocks(handle, inode, &map, flags);
	if (create) {
		fs_oracle_remove_end(inode, op, ret < 0 ? ret : 0);
		err = ext4_journal_stop(handle);
		if (ret >= 0 && err < 0)
			ret = err;
	}
	if (ret <= 0)
		goto out;
	if (map.m_flags & EXT4_MAP_UNWRITTEN) {
		handle = ext4_journal_start(inode, EXT4_HT_MAP_BLOCKS, credits);
		if (IS_ERR(handle)) {
			ret = (int)PTR_ERR(handle);
			goto out;
		}
		err = ext4_map_blocks(handle, inode, &map,
				      EXT4_GET_BLOCKS_CONVERT |
				      EXT4_GET_BLOCKS_CREATE_ZERO);
		if (err < 0)
			ret = err;
		err2 = ext4_journal_stop(handle);
		if (err2 < 0 && ret > 0)
			ret = err2;
	}
out:
	WARN_ON(ret == 0 && create);
	if (ret > 0) {
		ext4_sim_dax_map_bh(inode, bh_result, &map);
		ret = 0;
	}
	return ret;
}

/* v5.15 ext4_iomap_alloc for a DAX inode: one handle, ext4_map_blocks
 * with CREATE_ZERO (a hole is allocated written and zeroed; an unwritten
 * extent is converted by ext4_ext_convert_to_initialized, which marks it
 * NEW, so it is zeroed too — both under i_data_sem (w) before the es
 * cache shows the blocks), ENOSPC retried after a commit. */
static int ext4_iomap_alloc(struct inode *inode, struct ext4_map_blocks *map)
{
	handle_t *handle;
	uint64_t op;
	int ret, retries = 0;

	if (map->m_len > DIO_MAX_BLOCKS)
		map->m_len = DIO_MAX_BLOCKS;
retry:
	handle = ext4_journal_start(inode, EXT4_HT_MAP_BLOCKS,
				    ext4_chunk_trans_blocks(inode,
							    (int)map->m_len));
	if (IS_ERR(handle))
		return (int)PTR_ERR(handle);
	op = ext4_sim_dax_alloc_begin(inode, map);
	ret = ext4_map_blocks(handle, inode, map, EXT4_GET_BLOCKS_CREATE_ZERO);
	fs_oracle_remove_end(inode, op, ret < 0 ? ret : 0);
	ext4_journal_stop(handle);
	if (ret == -ENOSPC && ext4_should_retry_alloc(inode->i_sb, &retries))
		goto retry;
	return ret;
}

/* v5.15 ext4_iomap_begin as a get_block for the __dax_fault steps: a
 * lookup (create=0) reports an unwritten extent as a hole, because
 * dax_iomap_pte_fault treats IOMAP_UNWRITTEN like IOMAP_HOLE (a read maps
 * the zero page, a write asks for an allocation); create=1 is the
 * IOMAP_WRITE branch: blocks already mapped inside i_size are used as
 * they are, anything else goes through ext4_iomap_alloc. */
static int ext4_sim_dax_iomap_get_block(struct inode *inode, sector_t iblock,
					struct buffer_head *bh_result,
					int create)
{
	unsigned blkbits = inode->i_sb->s_blocksize_bits;
	struct ext4_map_blocks map;
	loff_t offset = (loff_t)iblock << blkbits;
	int ret;

	map.m_lblk = (ext4_lblk_t)iblock;
	map.m_len = bh_result->b_size >> blkbits;
	map.m_flags = 0;
	if (create) {
		ret = 0;
		if (offset + (loff_t)bh_result->b_size <= i_size_read(inode))
			ret = ext4_map_blocks(NULL, inode, &map, 0);
		if (!(ret > 0 && (map.m_flags & EXT4_MAP_MAPPED)))
			ret = ext4_iomap_alloc(inode, &map);
	} else {
		ret = ext4_map_blocks(NULL, inode, &map, 0);
	}
	if (ret < 0)
		return ret;
	/* ext4_set_iomap: hole and unwritten both leave bh unmapped here */
	if (ret > 0 && (map.m_flags & EXT4_MAP_MAPPED) &&
	    !(map.m_flags & EXT4_MAP_UNWRITTEN))
		ext4_sim_dax_map_bh(inode, bh_result, &map);
	else if (ret > 0)
		bh_result->b_size = (size_t)map.m_len << blkbits;
	WARN_ON(create && !buffer_mapped(bh_result));
	return 0;
}

/* ---- DAX faults ------------------------------------------------------------------------------- */

/* The block mapper of the strategy's kernel version. */
static get_block_t *ext4_sim_dax_get_block(enum ext4_kver kver)
{
	switch (kver) {
	case EXT4_KVER_4_4:
		return ext4_get_block_dax;
	case EXT4_KVER_4_5:
		return ext4_dax_mmap_get_block;
	case EXT4_KVER_5_15:
		break;
	}
	return ext4_sim_dax_iomap_get_block;
}

int ext4_dax_fault(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct inode *inode = file_inode(vma->vm_file);
	struct super_block *sb = inode->i_sb;
	enum ext4_kver kver = ext4_sim_kver(inode);
	handle_t *handle = NULL;
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	bool marked;
	int result;

	/* v5.15: COW writes do not touch the journal. */
	if (kver == EXT4_KVER_5_15)
		write = write && (vma->vm_flags & VM_SHARED);
	if (write) {
		sb_start_pagefault(sb);
		file_update_time(vma->vm_file);
		ext4_sim_fault_lock_page(inode, vmf->pgoff);
		marked = ext4_sim_fault_mark_data_sem(inode);
		handle = ext4_journal_start_sb(sb, EXT4_HT_WRITE_PAGE,
					       EXT4_DATA_TRANS_BLOCKS);
	} else {
		ext4_sim_fault_lock_page(inode, vmf->pgoff);
		marked = ext4_sim_fault_mark_data_sem(inode);
	}
	if (IS_ERR(handle))
		result = VM_FAULT_SIGBUS;
	else
		result = __dax_fault(vma, vmf, ext4_sim_dax_get_block(kver),
				     kver == EXT4_KVER_4_4 ?
				     ext4_end_io_unwritten : NULL);
	if (write) {
		if (!IS_ERR(handle))
			ext4_journal_stop(handle);
		ext4_sim_fault_unmark_data_sem(marked);
		ext4_sim_fault_unlock_page(inode, vmf->pgoff);
		sb_end_pagefault(sb);
	} else {
		ext4_sim_fault_unmark_data_sem(marked);
		ext4_sim_fault_unlock_page(inode, vmf->pgoff);
	}
	return result;
}

int ext4_dax_pmd_fault(struct vm_area_struct *vma, unsigned long addr,
		       void *pmd, unsigned int flags)
{
	struct inode *inode = file_inode(vma->vm_file);
	struct super_block *sb = inode->i_sb;
	enum ext4_kver kver = ext4_sim_kver(inode);
	pgoff_t pgoff = linear_page_index(vma, addr);
	handle_t *handle = NULL;
	bool write = flags & FAULT_FLAG_WRITE;
	bool marked;
	int result;

	(void)pmd;
	if (kver == EXT4_KVER_5_15)
		write = write && (vma->vm_flags & VM_SHARED);
	if (write) {
		sb_start_pagefault(sb);
		file_update_time(vma->vm_file);
		ext4_sim_fault_lock_page(inode, pgoff);
		marked = ext4_sim_fault_mark_data_sem(inode);
		handle = ext4_journal_start_sb(sb, EXT4_HT_WRITE_PAGE,
			kver == EXT4_KVER_5_15 ? EXT4_DATA_TRANS_BLOCKS :
			ext4_chunk_trans_blocks(inode, (int)(PMD_SIZE / PAGE_SIZE)));
	} else {
		ext4_sim_fault_lock_page(inode, pgoff);
		marked = ext4_sim_fault_mark_data_sem(inode);
	}
	if (IS_ERR(handle))
		result = VM_FAULT_SIGBUS;
	else
		result = __dax_pmd_fault(vma, addr, flags,
					 ext4_sim_dax_get_block(kver),
					 kver == EXT4_KVER_4_4 ?
					 ext4_end_io_unwritten : NULL);
	if (write) {
		if (!IS_ERR(handle))
			ext4_journal_stop(handle);
		ext4_sim_fault_unmark_data_sem(marked);
		ext4_sim_fault_unlock_page(inode, pgoff);
		sb_end_pagefault(sb);
	} else {
		ext4_sim_fault_unmark_data_sem(marked);
		ext4_sim_fault_unlock_page(inode, pgoff);
	}
	return result;
}

/* ->page_mkwrite of DAX files.  v4.4.1: dax_mkwrite = dax_fault (no ext4
 * handle: get_block starts its own), with the strategy's lock at v4.5's
 * place; v4.5 and v5.15: ext4_dax_fault itself. */
int ext4_dax_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct inode *inode = file_inode(vma->vm_file);
	bool marked;
	int result;

	if (ext4_sim_kver(inode) != EXT4_KVER_4_4)
		return ext4_dax_fault(vma, vmf);
	ext4_sim_fault_lock_page(inode, vmf->pgoff);
	marked = ext4_sim_fault_mark_data_sem(inode);
	result = dax_fault(vma, vmf, ext4_get_block_dax, ext4_end_io_unwritten);
	ext4_sim_fault_unmark_data_sem(marked);
	ext4_sim_fault_unlock_page(inode, vmf->pgoff);
	return result;
}

/* First write through a read-only DAX PTE. */
int ext4_dax_pfn_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct inode *inode = file_inode(vma->vm_file);
	struct super_block *sb = inode->i_sb;
	enum ext4_kver kver = ext4_sim_kver(inode);
	pgoff_t size;
	int ret;

	if (kver == EXT4_KVER_5_15)
		return ext4_dax_fault(vma, vmf);
	if (kver == EXT4_KVER_4_4) {
		/* v4.4.1 dax_pfn_mkwrite; the lock (if any) at v4.5's place. */
		ext4_sim_fault_lock_page(inode, vmf->pgoff);
		ret = dax_pfn_mkwrite(vma, vmf);
		ext4_sim_fault_unlock_page(inode, vmf->pgoff);
		return ret;
	}
	/* v4.5: cycling the lock means any punch that began before us is
	 * done, so its unmap already hit our PTE and pte_same will fail. */
	sb_start_pagefault(sb);
	file_update_time(vma->vm_file);
	ext4_sim_fault_lock_page(inode, vmf->pgoff);
	size = (pgoff_t)((i_size_read(inode) + PAGE_SIZE - 1) >> PAGE_SHIFT);
	if (vmf->pgoff >= size)
		ret = VM_FAULT_SIGBUS;
	else
		ret = dax_pfn_mkwrite(vma, vmf);
	ext4_sim_fault_unlock_page(inode, vmf->pgoff);
	sb_end_pagefault(sb);
	return ret;
}

const struct vm_operations_struct ext4_dax_vm_ops = {
	.fault = ext4_dax_fault,
	.pmd_fault = ext4_dax_pmd_fault,
	.page_mkwrite = ext4_dax_mkwrite,
	.pfn_mkwrite = ext4_dax_pfn_mkwrite,
};

const struct vm_operations_struct ext4_file_vm_ops = {
	.fault = ext4_filemap_fault,
	.map_pages = filemap_map_pages,
	.page_mkwrite = ext4_page_mkwrite,
};

/* ---- mmap, read, open ------------------------------------------------------------------------- */

int ext4_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct inode *inode = file->f_mapping->host;

	if (IS_DAX(inode)) {
		vma->vm_ops = &ext4_dax_vm_ops;
		/* VM_MIXEDMAP is also the model's IS_DAX test on a VMA
		 * (vma_is_dax); v5.15 sets only VM_HUGEPAGE. */
		vma->vm_flags |= VM_MIXEDMAP | VM_HUGEPAGE;
	} else {
		vma->vm_ops = &ext4_file_vm_ops;
	}
	return 0;
}

/* v5.15 ext4_iomap_begin with ext4_set_iomap, for dax_iomap_rw: a write
 * uses blocks already mapped inside i_size as they are and sends anything
 * else to ext4_iomap_alloc (CREATE_ZERO: a new extent comes back NEW,
 * zeroed); a read only looks up.  A hole is reported one block long (the
 * model's ext4_map_blocks does not trim m_len to the hole). */
int ext4_iomap_begin(struct inode *inode, loff_t offset, loff_t length,
		     unsigned flags, struct iomap *iomap)
{
	unsigned blkbits = inode->i_sb->s_blocksize_bits;
	struct ext4_map_blocks map;
	int ret;

	if ((offset >> blkbits) > EXT4_MAX_LOGICAL_BLOCK)
		return -EINVAL;
	map.m_lblk = (ext4_lblk_t)(offset >> blkbits);
	map.m_len = (unsigned)(min((offset + length - 1) >> blkbits,
				   (loff_t)EXT4_MAX_LOGICAL_BLOCK) -
			       map.m_lblk + 1);
	map.m_flags = 0;
	if (flags & IOMAP_WRITE) {
		/* Already allocated: no transaction needed. */
		if (offset + length <= i_size_read(inode)) {
			ret = ext4_map_blocks(NULL, inode, &map, 0);
			if (ret > 0 && (map.m_flags & EXT4_MAP_MAPPED))
				goto out;
		}
		ret = ext4_iomap_alloc(inode, &map);
	} else {
		ret = ext4_map_blocks(NULL, inode, &map, 0);
	}
	if (ret < 0)
		return ret;
out:
	*iomap = (struct iomap){ .offset = (loff_t)map.m_lblk << blkbits };
	if (map.m_flags & EXT4_MAP_NEW)
		iomap->flags |= IOMAP_F_NEW;
	if (ret > 0 && (map.m_flags & EXT4_MAP_UNWRITTEN)) {
		iomap->type = IOMAP_UNWRITTEN;
		iomap->addr = map.m_pblk;
	} else if (ret > 0 && (map.m_flags & EXT4_MAP_MAPPED)) {
		iomap->type = IOMAP_MAPPED;
		iomap->addr = map.m_pblk;
	} else {
		iomap->type = IOMAP_HOLE;
		map.m_len = 1;
	}
	iomap->length = (uint64_t)map.m_len << blkbits;
	return 0;
}

/* v5.15 ext4_dax_read_iter: i_rwsem shared around dax_iomap_rw.  The
 * model's i_rwsem is the exclusive i_mutex, so DAX readers also exclude
 * each other (a cost, not a window: every writer of the file takes it
 * exclusive in the kernel too). */
static ssize_t ext4_dax_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	ssize_t ret;

	mutex_lock(&inode->i_mutex);
	ret = dax_iomap_rw(iocb, to, ext4_iomap_begin);
	mutex_unlock(&inode->i_mutex);
	return ret;
}

ssize_t ext4_file_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);

	if (IS_DAX(inode)) {
		if (ext4_sim_kver(inode) == EXT4_KVER_5_15) {
			if (!iov_iter_count(to))
				return 0;
			return ext4_dax_read_iter(iocb, to);
		}
		/* v4.4 iocb_flags(): io_is_direct() is true for DAX files,
		 * so generic_file_read_iter takes ->direct_IO, which is
		 * dax_do_io for them (fs/ext4/dio.c). */
		iocb->ki_flags |= IOCB_DIRECT;
	}
	return generic_file_read_iter(iocb, to);
}

void ext4_sim_file_open(struct file *file, struct inode *inode)
{
	*file = (struct file){ .f_inode = inode, .f_mapping = inode->i_mapping };
	file_ra_state_init(&file->f_ra, file->f_mapping);
	/* ext4_file_open: the jbd2 inode data=ordered commits flush. */
	if (EXT4_SB(inode->i_sb)->s_journal)
		ext4_inode_attach_jinode(inode);
}

struct vm_area_struct *ext4_sim_mmap(struct mm_struct *mm, struct file *file,
				     pgoff_t pgoff, unsigned long npages,
				     bool shared, bool writable)
{
	unsigned long flags = VM_READ;
	struct vm_area_struct *vma;

	if (writable)
		flags |= VM_WRITE;
	if (shared)
		flags |= VM_SHARED | VM_MAYSHARE;
	vma = vm_mmap_sim(mm, file, pgoff, npages, flags, NULL);
	ext4_file_mmap(file, vma);
	return vma;
}

ssize_t ext4_sim_read(struct file *file, loff_t *pos, size_t count,
		      iov_sim_sink_fn sink, void *sink_ctx)
{
	struct kiocb iocb = { .ki_filp = file, .ki_pos = *pos };
	struct iov_iter iter;
	ssize_t ret;

	fault_sim_charge(fault_sim_cost(file_inode(file), syscall_entry));
	/* DAX: no page cache to check the bytes in copy_page_to_iter; the
	 * oracle checks what dax_do_io / dax_iomap_rw return. */
	if (IS_DAX(file_inode(file))) {
		ret = ext4_sim_checked_read(&iocb, count, sink, sink_ctx,
					    "dax_read");
		*pos = iocb.ki_pos;
		return ret;
	}
	iov_iter_sim_init_read(&iter, count, sink, sink_ctx);
	ret = ext4_file_read_iter(&iocb, &iter);
	*pos = iocb.ki_pos;
	return ret;
}
