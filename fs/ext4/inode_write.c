/* fs/ext4/inode_write.c — ext4's buffered-write and write-fault paths,
 * after fs/ext4/inode.c (and truncate.h, super.c) of v4.4.1:
 * ext4_write_begin / ext4_write_end (nodelalloc), ext4_da_write_begin /
 * ext4_da_write_end (delalloc), ext4_page_mkwrite (both branches),
 * ext4_truncate_failed_write, ext4_(da_)invalidatepage, ext4_releasepage,
 * ext4_set_aops, and ext4_dirty_inode, the ->dirty_inode behind
 * mark_inode_dirty and file_update_time (fs/writeback.h).
 *
 * The shape the lock order forces (FIDELITY 1.2): write_begin grabs the
 * page locked only to allocate it, unlocks it, starts the handle, locks it
 * again and re-checks page->mapping (truncated meanwhile → retry).
 * page_mkwrite's delalloc branch needs no handle at all; its nodelalloc
 * branch returns early without a handle when every buffer is mapped.
 *
 * Strategies (fs/ext4/locking.h): ext4_page_mkwrite takes the fault side
 * (v4.5: i_mmap_sem (r), v5.15: invalidate_lock (r)) after
 * file_update_time, for the whole of its work; ext4_truncate_failed_write
 * takes the remove side (v4.5/v5.15: (w)) around the page-cache truncation
 * and ext4_truncate.  v4.4.1 takes neither.
 *
 * Simplified: no orphan list (the model never crashes, so orphan
 * bookkeeping has no effect); no inline data; data=journal is written like
 * data=ordered (no journalled data buffers, no PageChecked) — the mount
 * option is accepted but its data path is not modelled; no quota; the
 * LARGE_FILE feature is set, so ext4_da_write_credits is 1; the v5.15
 * data=journal restructuring of page_mkwrite is not modelled.
 *
 * Lock order: [fault side] > transaction start > page lock > i_data_sem.
 */
#include "config.h"

#include "fs/ext4/ext4_map.h"
#include "fs/ext4/writes_internal.h"
#include "fs/costs.h"
#include "fs/task_state.h"

/* ext4_da_write_begin's fsdata when low free space made it fall back to
 * ext4_write_begin: ext4_da_write_end then hands over to ext4_write_end. */
#define FALL_BACK_TO_NONDELALLOC 1

/* ---- ->dirty_inode ------------------------------------------------------------------ */

/* ->dirty_inode (sb->s_sim_op): journal the in-core inode (nested if a
 * handle is already held, which then never blocks). */
void ext4_dirty_inode(struct inode *inode, int flags)
{
	handle_t *handle;

	(void)flags;   /* no I_DIRTY_TIME (lazytime) in the model */
	handle = ext4_journal_start(inode, EXT4_HT_INODE, 2);
	if (IS_ERR(handle))
		return;
	ext4_mark_inode_dirty(handle, inode);
	ext4_journal_stop(handle);
}

/* ext4_walk_page_buffers: fn on every buffer overlapping [from, to); the
 * first non-zero result is returned. */
int ext4_walk_page_buffers(handle_t *handle, struct buffer_head *head,
			   unsigned from, unsigned to, int *partial,
			   int (*fn)(handle_t *handle, struct buffer_head *bh))
{
	struct buffer_head *bh, *next;
	unsigned block_start, block_end;
	unsigned blocksize = head->b_size;
	int err, ret = 0;

	for (bh = head, block_start = 0;
	     ret == 0 && (bh != head || !block_start);
	     block_start = block_end, bh = next) {
		next = bh->b_this_page;
		block_end = block_start + blocksize;
		if (block_end <= from || block_start >= to) {
			if (partial && !buffer_uptodate(bh))
				*partial = 1;
			continue;
		}
		err = (*fn)(handle, bh);
		if (!ret)
			ret = err;
	}
	return ret;
}

/* ---- failed writes -------------------------------------------------------------------- */

void ext4_truncate_failed_write(struct inode *inode)
{
	loff_t start = inode->i_size;   /* i_mutex held: stable */

	/* v4.5: i_mmap_sem (w); v5.15: invalidate_lock (w) — no
	 * ext4_break_layouts, those blocks were never visible to users.
	 * v4.4.1: nothing (i_size protects, FIDELITY 2.13). */
	ext4_sim_remove_lock(inode, start, LLONG_MAX_SIM);
	truncate_inode_pages(inode->i_mapping, start);
	ext4_truncate(inode);
	ext4_sim_remove_unlock(inode, start, LLONG_MAX_SIM);
}

/* ---- nodelalloc write_begin / write_end ---------------------------------------------- */

/* The start ext4_write_begin and ext4_da_write_begin share (the same steps
 * in both in v4.4.1 and v4.5): grab the page before the handle — finding
 * or allocating it (and waiting for its writeback) may take long, and the
 * page lock ranks below transaction start — unlock it, start the handle
 * with the caller's credits, lock the page again and grab it anew if it
 * was truncated meanwhile.  *pagep NULL: grab a page; otherwise the
 * caller's ENOSPC retry (retry_journal), which keeps its referenced page.
 * Returns the handle with *pagep locked, or ERR_PTR(-errno) with the page
 * released.  ip: the caller's name, which the page lock is noted at (as
 * the kernel's lockdep would name it). */
static handle_t *ext4_sim__write_begin_start(struct address_space *mapping,
					     pgoff_t index, unsigned flags,
					     int credits, struct page **pagep,
					     const char *ip)
{
	struct page *page = *pagep;
	handle_t *handle;

	if (page)
		goto retry_journal;
retry_grab:
	page = grab_cache_page_write_begin(mapping, index, flags);
	if (!page)
		return ERR_PTR(-ENOMEM);
	unlock_page(page);

retry_journal:
	handle = ext4_journal_start(mapping->host, EXT4_HT_WRITE_PAGE,
				    credits);
	if (IS_ERR(handle)) {
		put_page(page);
		return handle;
	}
	lock_page_sim(page, ip);
	if (page->mapping != mapping) {
		/* The page got truncated from under us */
		unlock_page(page);
		put_page(page);
		ext4_journal_stop(handle);
		goto retry_grab;
	}
	/* In case writeback began while the page was unlocked */
	wait_for_stable_page(page);
	*pagep = page;
	return handle;
}
#define ext4_sim_write_begin_start(mapping, index, flags, credits, pagep) \
	ext4_sim__write_begin_start((mapping), (index), (flags), (credits), \
				    (pagep), __func__)

int ext4_write_begin(struct file *file, struct address_space *mapping,
		     loff_t pos, unsigned len, unsigned flags,
		     struct page **pagep, void **fsdata)
{
	struct inode *inode = mapping->host;
	int ret, needed_blocks, retries = 0;
	handle_t *handle;
	struct page *page = NULL;
	pgoff_t index;

	(void)file;
	(void)fsdata;
	/* One block more for the orphan list should the write fail. */
	needed_blocks = ext4_writepage_trans_blocks(inode) + 1;
	index = (pgoff_t)(pos >> PAGE_SHIFT);

retry_journal:
	handle = ext4_sim_write_begin_start(mapping, index, flags,
					    needed_blocks, &page);
	if (IS_ERR(handle))
		return (int)PTR_ERR(handle);

	if (ext4_should_dioread_nolock(inode))
		ret = __block_write_begin(page, pos, len, ext4_get_block_write);
	else
		ret = __block_write_begin(page, pos, len, ext4_get_block);
	/* data=journal's do_journal_get_write_access walk: not modelled */
	if (ret) {
		unlock_page(page);
		ext4_journal_stop(handle);
		/* __block_write_begin may have instantiated blocks beyond
		 * i_size: trim them (i_mutex held, i_size stable).  The
		 * kernel brackets this with ext4_orphan_add/_del, which
		 * ext4_da_write_begin does not: no orphan list here, so the
		 * two error paths look alike but are kept apart. */
		if (pos + len > inode->i_size)
			ext4_truncate_failed_write(inode);
		if (ret == -ENOSPC &&
		    ext4_should_retry_alloc(inode->i_sb, &retries))
			goto retry_journal;
		put_page(page);
		return ret;
	}
	*pagep = page;
	return ret;
}

int ext4_write_end(struct file *file, struct address_space *mapping,
		   loff_t pos, unsigned len, unsigned copied,
		   struct page *page, void *fsdata)
{
	handle_t *handle = ext4_journal_current_handle();
	struct inode *inode = mapping->host;
	loff_t old_size = inode->i_size;
	int ret = 0, ret2, i_size_changed;

	/* data=ordered: the commit of this transaction writes the inode's
	 * dirty pages first (jbd2 ordered-data hooks, writeback.c). */
	if (ext4_should_order_data(inode)) {
		ret = ext4_jbd2_file_inode(handle, inode);
		if (ret) {
			unlock_page(page);
			put_page(page);
			goto errout;
		}
	}
	copied = (unsigned)block_write_end(file, mapping, pos, len, copied,
					   page, fsdata);
	/* Update i_size while still holding the page lock: writeout could
	 * otherwise zero beyond i_size. */
	i_size_changed = ext4_update_inode_size(inode, pos + copied);
	unlock_page(page);
	put_page(page);
	if (old_size < pos)
		pagecache_isize_extended(inode, old_size, pos);
	/* Not under the page lock (see generic_write_end). */
	if (i_size_changed)
		ext4_mark_inode_dirty(handle, inode);
errout:
	ret2 = ext4_journal_stop(handle);
	if (!ret)
		ret = ret2;
	/* Allocated more than was copied: trim beyond i_size. */
	if (pos + len > inode->i_size)
		ext4_truncate_failed_write(inode);
	return ret ? ret : (int)copied;
}

/* ---- delalloc write_begin / write_end --------------------------------------------------- */

int ext4_da_write_begin(struct file *file, struct address_space *mapping,
			loff_t pos, unsigned len, unsigned flags,
			struct page **pagep, void **fsdata)
{
	struct inode *inode = mapping->host;
	int ret, retries = 0;
	struct page *page = NULL;
	pgoff_t index = (pgoff_t)(pos >> PAGE_SHIFT);
	handle_t *handle;

	if (ext4_nonda_switch(inode->i_sb)) {
		*fsdata = (void *)(uintptr_t)FALL_BACK_TO_NONDELALLOC;
		return ext4_write_begin(file, mapping, pos, len, flags, pagep,
					fsdata);
	}
	*fsdata = NULL;

	/* The handle only journals an i_disksize update when the write
	 * extends the file over an already mapped buffer (write_end):
	 * ext4_da_write_credits = 1 with LARGE_FILE set. */
retry_journal:
	handle = ext4_sim_write_begin_start(mapping, index, flags, 1, &page);
	if (IS_ERR(handle))
		return (int)PTR_ERR(handle);

	ret = __block_write_begin(page, pos, len, ext4_da_get_block_prep);
	if (ret < 0) {
		unlock_page(page);
		ext4_journal_stop(handle);
		if (pos + len > inode->i_size)
			ext4_truncate_failed_write(inode);
		if (ret == -ENOSPC &&
		    ext4_should_retry_alloc(inode->i_sb, &retries))
			goto retry_journal;
		put_page(page);
		return ret;
	}
	*pagep = page;
	return ret;
}

/* Update i_disksize at write time only when the last written byte sits
 * in a buffer that is already allocated (not delayed, not unwritten). */
static bool ext4_da_should_update_i_disksize(struct page *page,
					     unsigned long offset)
{
	struct inode *inode = page->mapping->host;
	struct buffer_head *bh = page_buffers(page);
	unsigned idx = (unsigned)(offset >> inode->i_sb->s_blocksize_bits);

	for (unsigned i = 0; i < idx; i++)
		bh = bh->b_this_page;
	return buffer_mapped(bh) && !buffer_delay(bh) && !buffer_unwritten(bh);
}

int ext4_da_write_end(struct file *file, struct address_space *mapping,
		      loff_t pos, unsigned len, unsigned copied,
		      struct page *page, void *fsdata)
{
	struct inode *inode = mapping->host;
	handle_t *handle = ext4_journal_current_handle();
	int write_mode = (int)(uintptr_t)fsdata;
	unsigned long start, end;
	loff_t new_i_size;
	int ret = 0, ret2;

	if (write_mode == FALL_BACK_TO_NONDELALLOC)
		return ext4_write_end(file, mapping, pos, len, copied, page,
				      fsdata);
	start = (unsigned long)(pos & (PAGE_SIZE - 1));
	end = start + copied - 1;

	/* generic_write_end dirties the inode if i_size changes; the
	 * i_disksize update piggybacks on that. */
	new_i_size = pos + copied;
	if (copied && new_i_size > EXT4_I(inode)->i_disksize &&
	    ext4_da_should_update_i_disksize(page, end)) {
		ext4_update_i_disksize(inode, new_i_size);
		ext4_mark_inode_dirty(handle, inode);
	}
	ret2 = generic_write_end(file, mapping, pos, len, copied, page, fsdata);
	copied = (unsigned)ret2;
	if (ret2 < 0)
		ret = ret2;
	ret2 = ext4_journal_stop(handle);
	if (!ret)
		ret = ret2;
	return ret ? ret : (int)copied;
}

/* ---- page_mkwrite ------------------------------------------------------------------------ */

static int ext4_bh_unmapped(handle_t *handle, struct buffer_head *bh)
{
	(void)handle;
	return !buffer_mapped(bh);
}

int ext4_page_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct page *page = vmf->page;
	struct file *file = vma->vm_file;
	struct inode *inode = file_inode(file);
	struct address_space *mapping = inode->i_mapping;
	loff_t lock_start = page_offset(page);
	loff_t lock_end = lock_start + PAGE_SIZE - 1;
	struct fs_task_state *ts;
	bool data_sem_held;
	get_block_t *get_block;
	handle_t *handle;
	unsigned long len;
	int retries = 0;
	loff_t size;
	int ret;

	sb_start_pagefault(inode->i_sb);
	/* May start its own small handle [J] to journal the inode. */
	file_update_time(file);
	/* v4.5: down_read(i_mmap_sem); v5.15: invalidate_lock (r). */
	ext4_sim_fault_lock(inode, lock_start, lock_end);
	/* Designs holding i_data_sem (r) as the fault side: the lookups
	 * below must not take it again (ext4_map_blocks, ext4_da_map_blocks
	 * read this per-task mark). */
	ts = fs_task_state_of(current);
	data_sem_held = ts &&
			ext4_sim_lock_has(inode, EXT4_LOCK_FAULT_HOLDS_DATA_SEM);
	if (data_sem_held)
		ts->i_data_sem_held_by_fault = true;

	/* Delalloc case is easy: no handle; existing blocks are mapped into
	 * the buffers, holes get a delayed reservation. */
	if (test_opt_delalloc(EXT4_SB(inode->i_sb)) &&
	    !ext4_should_journal_data(inode) &&
	    !ext4_nonda_switch(inode->i_sb)) {
		do {
			ret = block_page_mkwrite(vma, vmf,
						 ext4_da_get_block_prep);
		} while (ret == -ENOSPC &&
			 ext4_should_retry_alloc(inode->i_sb, &retries));
		goto out_ret;
	}

	lock_page(page);
	size = i_size_read(inode);
	/* Page got truncated (or punched) from under us? */
	if (page->mapping != mapping || page_offset(page) > size) {
		unlock_page(page);
		ret = VM_FAULT_NOPAGE;
		goto out;
	}
	if (page->index == (pgoff_t)(size >> PAGE_SHIFT))
		len = (unsigned long)(size & (PAGE_SIZE - 1));
	else
		len = PAGE_SIZE;
	/* Every buffer mapped already: no handle needed (journal start can
	 * block and take long). */
	if (page_has_buffers(page) &&
	    !ext4_walk_page_buffers(NULL, page_buffers(page), 0,
				    (unsigned)len, NULL, ext4_bh_unmapped)) {
		/* Wait so that we don't change page under IO */
		wait_for_stable_page(page);
		ret = VM_FAULT_LOCKED;
		goto out;
	}
	unlock_page(page);
	/* OK, we need to fill the hole... */
	if (ext4_should_dioread_nolock(inode))
		get_block = ext4_get_block_write;
	else
		get_block = ext4_get_block;
retry_alloc:
	handle = ext4_journal_start(inode, EXT4_HT_WRITE_PAGE,
				    ext4_writepage_trans_blocks(inode));
	if (IS_ERR(handle)) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	ret = block_page_mkwrite(vma, vmf, get_block);
	ext4_journal_stop(handle);
	if (ret == -ENOSPC && ext4_should_retry_alloc(inode->i_sb, &retries))
		goto retry_alloc;
out_ret:
	ret = block_page_mkwrite_return(ret);
out:
	if (data_sem_held)
		ts->i_data_sem_held_by_fault = false;
	ext4_sim_fault_unlock(inode, lock_start, lock_end);
	sb_end_pagefault(inode->i_sb);
	return ret;
}

/* ---- address_space_operations ------------------------------------------------------------- */

static void ext4_invalidatepage(struct page *page, unsigned offset,
				unsigned length)
{
	/* No journalled data buffers in the model: the buffers just lose
	 * their state (jbd2_journal_invalidatepage's non-jbd case). */
	block_invalidatepage(page, offset, length);
}

static void ext4_da_invalidatepage(struct page *page, unsigned offset,
				   unsigned length)
{
	/* Drop reserved blocks */
	SIM_BUG_ON(!PageLocked(page));
	if (page_has_buffers(page))
		ext4_da_page_release_reservation(page, offset, length);
	ext4_invalidatepage(page, offset, length);
}

static int ext4_releasepage(struct page *page, gfp_t wait)
{
	(void)wait;
	/* jbd2_journal_try_to_free_buffers: data buffers carry no journal
	 * state here, so it reduces to try_to_free_buffers. */
	return try_to_free_buffers(page);
}

/* Templates of the per-fs tables (struct ext4_sim_io).  readpage and
 * readpages belong to the read side, which sets them with
 * ext4_sim_set_read_aops. */
static const struct address_space_operations ext4_aops = {
	.writepage = ext4_writepage,
	.writepages = ext4_writepages,
	.set_page_dirty = buffer_sim_set_page_dirty,
	.invalidatepage = ext4_invalidatepage,
	.releasepage = ext4_releasepage,
	.write_begin = ext4_write_begin,
	.write_end = ext4_write_end,
	.direct_IO = ext4_direct_IO,
};

static const struct address_space_operations ext4_da_aops = {
	.writepage = ext4_writepage,
	.writepages = ext4_writepages,
	.set_page_dirty = buffer_sim_set_page_dirty,
	.invalidatepage = ext4_da_invalidatepage,
	.releasepage = ext4_releasepage,
	.write_begin = ext4_da_write_begin,
	.write_end = ext4_da_write_end,
	.direct_IO = ext4_direct_IO,
};

void ext4_sim_aops_init(struct address_space_operations *aops,
			struct address_space_operations *da_aops)
{
	*aops = ext4_aops;
	*da_aops = ext4_da_aops;
}

void ext4_set_aops(struct inode *inode)
{
	struct ext4_sb_info *sbi = EXT4_SB(inode->i_sb);
	struct ext4_sim_io *io = sbi->s_sim_io;
	bool da = test_opt_delalloc(sbi) && !ext4_should_journal_data(inode);

	if (!inode->i_io_list.next)
		sim_list_init(&inode->i_io_list);
	/* ext4_file_open's part */
	ext4_inode_attach_jinode(inode);
	/* The per-fs tables carry the read side's readpage(s); before
	 * ext4_sim_writes_init only the write side exists. */
	if (io)
		inode->i_mapping->a_ops = da ? &io->da_aops : &io->aops;
	else
		inode->i_mapping->a_ops = da ? &ext4_da_aops : &ext4_aops;
}
