/* fs/mm/filemap_fault.c — the page-cache side of a file page fault
 * (mm/filemap.c): filemap_fault with do_sync_mmap_readahead /
 * do_async_mmap_readahead / page_cache_read, and fault-around
 * filemap_map_pages.  Step order of v4.4.1; where the filesystem takes
 * invalidate_lock here (FS_SIM_INVALIDATE_FAULT), of v5.15 (FIDELITY 2.1):
 *
 *   v4.4  i_size check -> find_get_page -> hit: async readahead | miss:
 *         sync mmap readahead, find again, still missing: page_cache_read
 *         (insert locked + ->readpage) -> lock_page_or_retry (waits for the
 *         read IO; may drop mmap_sem and return VM_FAULT_RETRY) ->
 *         page->mapping re-check (truncated: look up again) -> not
 *         uptodate: ->readpage once more, wait -> i_size re-check under
 *         the page lock (SIGBUS) -> return the page locked.
 *   v5.15 the same checks, but invalidate_lock (r) is taken when the page
 *         is missing or not uptodate, before the page is created
 *         (pagecache_get_page(FGP_CREAT | FGP_FOR_MMAP)) and across the
 *         read, and dropped before the final i_size check.
 *
 * v4.5's i_mmap_sem around the whole of filemap_fault is ext4's
 * (ext4_filemap_fault, fs/ext4/file.c), not here.
 *
 * Simplified: no VM_RAND_READ / VM_SEQ_READ hints; v5.15's dropping of
 * mmap_sem around readahead IO (maybe_unlock_mmap_for_io, fpin) is not
 * modelled — mmap_sem is held across the IO as in v4.4; only
 * lock_page_or_retry drops it.
 *
 * Lock order: mmap_sem (held by the caller) > [v4.5: i_mmap_sem, taken by
 * ext4_filemap_fault] > [v5.15: invalidate_lock] > page lock > (inside
 * ->readpage) i_data_sem.  lock_page_or_retry is the page cache's
 * (fs/mm/filemap.c).
 */
#include "config.h"

#include "fs/mm/fault.h"

/* A missing page at offset: read ra_pages around it, unless mmap reads
 * of this file mostly miss. */
static void do_sync_mmap_readahead(struct vm_area_struct *vma,
				   struct file_ra_state *ra,
				   struct file *file, pgoff_t offset)
{
	struct address_space *mapping = file->f_mapping;

	(void)vma;
	if (!ra->ra_pages)
		return;
	if (ra->mmap_miss < MMAP_LOTSAMISS * 10)
		ra->mmap_miss++;
	/* Missing much more than hitting: readahead only hurts. */
	if (ra->mmap_miss > MMAP_LOTSAMISS)
		return;
	/* mmap read-around */
	ra->start = offset > ra->ra_pages / 2 ? offset - ra->ra_pages / 2 : 0;
	ra->size = ra->ra_pages;
	ra->async_size = ra->ra_pages / 4;
	ra_submit(ra, mapping, file);
}

/* A cached page: maybe extend the readahead when it carries the mark. */
static void do_async_mmap_readahead(struct vm_area_struct *vma,
				    struct file_ra_state *ra,
				    struct file *file, struct page *page,
				    pgoff_t offset)
{
	(void)vma;
	if (ra->mmap_miss > 0)
		ra->mmap_miss--;
	if (PageReadahead(page))
		page_cache_async_readahead(file->f_mapping, ra, file, page,
					   offset, ra->ra_pages);
}

/* Add the page at offset to the cache (locked) and start reading it. */
static int page_cache_read(struct file *file, pgoff_t offset)
{
	struct address_space *mapping = file->f_mapping;
	int ret;

	do {
		struct page *page = page_cache_alloc(mapping);

		ret = add_to_page_cache_lru(page, mapping, offset);
		if (ret == 0)
			ret = mapping->a_ops->readpage(file, page);
		else if (ret == -EEXIST)
			ret = 0;   /* losing the race to add is fine */
		put_page(page);
	} while (ret == AOP_TRUNCATED_PAGE);
	return ret;
}

/* v5.15 pagecache_get_page(FGP_CREAT | FGP_FOR_MMAP): the cached page, or
 * a new one inserted (locked, then unlocked again: FOR_MMAP), with a
 * reference. */
static struct page *filemap_sim_get_page_for_mmap(struct address_space *mapping,
						  pgoff_t offset)
{
	for (;;) {
		struct page *page = find_get_page(mapping, offset);
		int err;

		if (page)
			return page;
		page = page_cache_alloc(mapping);
		err = add_to_page_cache_lru(page, mapping, offset);
		if (!err) {
			unlock_page(page);
			return page;
		}
		put_page(page);
		if (err != -EEXIST)
			return NULL;
	}
}

int filemap_fault(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct file *file = vma->vm_file;
	struct address_space *mapping = file->f_mapping;
	struct file_ra_state *ra = &file->f_ra;
	struct inode *inode = mapping->host;
	bool v515 = filemap_sim_invalidate_lock_on(mapping,
						   FS_SIM_INVALIDATE_FAULT);
	pgoff_t offset = vmf->pgoff;
	loff_t lstart = (loff_t)offset << PAGE_SHIFT;
	loff_t lend = lstart + PAGE_SIZE - 1;
	bool mapping_locked = false;
	struct page *page;
	loff_t size;
	int error, ret = 0;

	size = round_up(i_size_read(inode), (loff_t)PAGE_SIZE);
	if (offset >= (pgoff_t)(size >> PAGE_SHIFT))
		return VM_FAULT_SIGBUS;

	/* Do we have something in the page cache already? */
	page = find_get_page(mapping, offset);
	if (page) {
		/* Try async readahead before waiting for the lock. */
		if (!(vmf->flags & FAULT_FLAG_TRIED))
			do_async_mmap_readahead(vma, ra, file, page, offset);
		if (v515 && !PageUptodate(page))
			mapping_locked = filemap_sim_invalidate_lock_shared(
				mapping, FS_SIM_INVALIDATE_FAULT, lstart, lend);
	} else {
		/* No page in the page cache at all. */
		sim_task_note(current, __func__, "page not cached", NULL,
			      (int64_t)offset);
		do_sync_mmap_readahead(vma, ra, file, offset);
		ret = VM_FAULT_MAJOR;
retry_find:
		if (v515) {
			/* v5.15: create the page under invalidate_lock. */
			if (!mapping_locked)
				mapping_locked = filemap_sim_invalidate_lock_shared(
					mapping, FS_SIM_INVALIDATE_FAULT,
					lstart, lend);
			page = filemap_sim_get_page_for_mmap(mapping, offset);
			if (!page) {
				filemap_sim_invalidate_unlock_shared(
					mapping, mapping_locked, lstart, lend);
				return VM_FAULT_OOM;
			}
		} else {
			page = find_get_page(mapping, offset);
			if (!page)
				goto no_cached_page;
		}
	}

	if (!lock_page_or_retry(page, vma->vm_mm, vmf->flags)) {
		put_page(page);
		filemap_sim_invalidate_unlock_shared(mapping, mapping_locked,
						     lstart, lend);
		return ret | VM_FAULT_RETRY;
	}

	/* Did it get truncated? */
	if (page->mapping != mapping) {
		unlock_page(page);
		put_page(page);
		goto retry_find;
	}
	SIM_BUG_ON(page->index != offset);

	/* A locked page in the cache: not uptodate means a read error (or,
	 * v5.15, it was invalidated while we did not hold the lock). */
	if (!PageUptodate(page)) {
		if (v515 && !mapping_locked) {
			unlock_page(page);
			put_page(page);
			goto retry_find;
		}
		goto page_not_uptodate;
	}
	filemap_sim_invalidate_unlock_shared(mapping, mapping_locked, lstart,
					     lend);
	mapping_locked = false;

	/* We have the page referenced: re-check i_size under the page lock
	 * (truncate lowers i_size before it drops the page cache). */
	size = round_up(i_size_read(inode), (loff_t)PAGE_SIZE);
	if (offset >= (pgoff_t)(size >> PAGE_SHIFT)) {
		unlock_page(page);
		put_page(page);
		return VM_FAULT_SIGBUS;
	}
	vmf->page = page;
	return ret | VM_FAULT_LOCKED;

no_cached_page:
	/* v4.4: only likely with readahead off (or mostly missing). */
	error = page_cache_read(file, offset);
	if (error >= 0)
		goto retry_find;
	return error == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;

page_not_uptodate:
	/* Re-read it once, synchronously, to see the error if any. */
	ClearPageError(page);
	error = mapping->a_ops->readpage(file, page);
	if (!error) {
		wait_on_page_locked(page);
		if (!PageUptodate(page))
			error = -EIO;
	}
	put_page(page);
	if (!error || error == AOP_TRUNCATED_PAGE)
		goto retry_find;
	filemap_sim_invalidate_unlock_shared(mapping, mapping_locked, lstart,
					     lend);
	ra->ra_pages /= 4;   /* shrink_readahead_size_eio */
	return VM_FAULT_SIGBUS;
}

/* Fault-around: map the cached, uptodate, unlocked pages of
 * [vmf->pgoff, vmf->max_pgoff] whose PTEs are empty, read-only.  Never
 * creates a page or takes a filesystem lock (FIDELITY 3.2). */
void filemap_map_pages(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct file *file = vma->vm_file;
	struct address_space *mapping = file->f_mapping;
	unsigned long address = vmf->virtual_address;
	struct page *pages[FAULT_AROUND_BYTES / PAGE_SIZE];
	pgoff_t indices[FAULT_AROUND_BYTES / PAGE_SIZE];
	unsigned n, nr = (unsigned)min(vmf->max_pgoff - vmf->pgoff + 1,
				       (pgoff_t)SIM_ARRAY_SIZE(pages));
	loff_t size;

	/* The RCU radix walk, as one gang lookup (references taken). */
	n = find_get_entries(mapping, vmf->pgoff, nr, pages, indices);
	for (unsigned i = 0; i < n; i++) {
		struct page *page = pages[i];
		pte_t *pte;

		if (indices[i] > vmf->max_pgoff)
			goto skip;
		if (!PageUptodate(page) || PageReadahead(page))
			goto skip;
		if (!trylock_page(page))
			goto skip;
		if (page->mapping != mapping || !PageUptodate(page))
			goto unlock;
		size = round_up(i_size_read(mapping->host), (loff_t)PAGE_SIZE);
		if (page->index >= (pgoff_t)(size >> PAGE_SHIFT))
			goto unlock;
		pte = vmf->pte + (page->index - vmf->pgoff);
		if (!pte_none(*pte))
			goto unlock;
		if (file->f_ra.mmap_miss > 0)
			file->f_ra.mmap_miss--;
		/* The lookup reference becomes the PTE's. */
		do_set_pte(vma, address + (page->index - vmf->pgoff) * PAGE_SIZE,
			   page, pte, false, false);
		unlock_page(page);
		continue;
unlock:
		unlock_page(page);
skip:
		put_page(page);
	}
}
