/* fs/mm/read.c — buffered read(2) through the page cache (mm/filemap.c,
 * v4.4.1): generic_file_read_iter and do_generic_file_read, with the
 * copy to the user (copy_page_to_iter) reported to the oracle.
 *
 * Per page: find_get_page; a miss starts synchronous readahead
 * (ext4_readpages inserts the pages locked and submits the reads), a hit
 * on a PG_readahead page starts the next asynchronous window; a page that
 * is not uptodate is locked — which waits for its read IO — and re-read
 * if still not uptodate; page->mapping == NULL (truncated meanwhile) means
 * look again; i_size is checked only once the page is uptodate, and only
 * bytes below it are copied.  v4.4 and v4.5 take no filesystem lock
 * anywhere on this path (FIDELITY 2.4).
 *
 * v5.15 (FS_SIM_INVALIDATE_READ, fs/fs.h) takes invalidate_lock (r)
 * where filemap_read does: inside the readahead batch
 * (fs/mm/readahead.c), around creating and reading a single page
 * (filemap_create_page) and around locking and re-reading a cached page
 * that is not uptodate (filemap_update_page) — never across the copy to
 * the user.  Those two v5.15 helpers replace v4.4's no_cached_page and
 * page_not_up_to_date steps when the flag is set; the per-page loop stays
 * v4.4's (v5.15 looks pages up in batches of a pagevec).
 *
 * O_DIRECT (and DAX) reads go to ->direct_IO after the
 * range is written back, as in v4.4.
 *
 * Simplified: no partially
 * uptodate pages (is_partially_uptodate), no killable waits, and the user
 * buffer is not memory (copying cannot fault), no atime.
 *
 * Lock order: [v5.15: invalidate_lock] > page lock > (inside ->readpage)
 * i_data_sem.
 */
#include "config.h"

#include "fs/mm/fault.h"
#include "fs/oracle/oracle.h"
#include "fs/writeback.h"

/* The bytes [offset, offset + bytes) of the page reach the user: the
 * copy's CPU time, then the bytes as they are now go to the oracle and to
 * the iterator's sink. */
static size_t copy_page_to_iter(struct file *filp, uint64_t token,
				struct page *page, size_t offset, size_t bytes,
				struct iov_iter *i)
{
	struct inode *inode = filp->f_mapping->host;
	loff_t pos = page_offset(page) + (loff_t)offset;

	bytes = min(bytes, i->count);
	fault_sim_charge(fault_sim_cost(inode, page_copy) *
			 (sim_time_t)bytes / PAGE_SIZE);
	fs_oracle_read(inode, token, pos, (uint32_t)bytes, &page->contents,
		       (uint32_t)offset, "read");
	iov_iter_sim_deliver(i, pos, &page->contents, (uint32_t)offset,
			     (uint32_t)bytes);
	return bytes;
}

/* v5.15 filemap_read_page: ->readpage, wait for the IO, check. */
static int filemap_read_page(struct file *file, struct address_space *mapping,
			     struct page *page)
{
	int error;

	ClearPageError(page);
	error = mapping->a_ops->readpage(file, page);
	if (error)
		return error;
	wait_on_page_locked(page);
	if (PageUptodate(page))
		return 0;
	file->f_ra.ra_pages /= 4;   /* shrink_readahead_size_eio */
	return -EIO;
}

/* v5.15 filemap_update_page: a cached page that is not uptodate, under
 * invalidate_lock (r).  0 (uptodate now, reference kept),
 * AOP_TRUNCATED_PAGE (reference dropped: look again) or -errno. */
static int filemap_update_page(struct file *file, struct address_space *mapping,
			       struct page *page)
{
	loff_t lstart = page_offset(page), lend = lstart + PAGE_SIZE - 1;
	bool locked = filemap_sim_invalidate_lock_shared(mapping,
							 FS_SIM_INVALIDATE_READ,
							 lstart, lend);
	int error;

	if (!trylock_page(page)) {
		/* put_and_wait_on_page_locked, then look again. */
		filemap_sim_invalidate_unlock_shared(mapping, locked, lstart,
						     lend);
		wait_on_page_locked(page);
		put_page(page);
		return AOP_TRUNCATED_PAGE;
	}
	error = AOP_TRUNCATED_PAGE;
	if (!page->mapping)
		goto unlock;
	error = 0;
	if (PageUptodate(page))
		goto unlock;
	error = filemap_read_page(file, mapping, page);
	goto unlock_mapping;
unlock:
	unlock_page(page);
unlock_mapping:
	filemap_sim_invalidate_unlock_shared(mapping, locked, lstart, lend);
	if (error == AOP_TRUNCATED_PAGE)
		put_page(page);
	return error;
}

/* v5.15 filemap_create_page: insert and read one page under
 * invalidate_lock (r).  0 with *pagep referenced and uptodate,
 * AOP_TRUNCATED_PAGE (look again) or -errno. */
static int filemap_create_page(struct file *file,
			       struct address_space *mapping, pgoff_t index,
			       struct page **pagep)
{
	loff_t lstart = (loff_t)index << PAGE_SHIFT, lend = lstart + PAGE_SIZE - 1;
	struct page *page = page_cache_alloc(mapping);
	bool locked = filemap_sim_invalidate_lock_shared(mapping,
							 FS_SIM_INVALIDATE_READ,
							 lstart, lend);
	int error;

	error = add_to_page_cache_lru(page, mapping, index);
	if (error == -EEXIST)
		error = AOP_TRUNCATED_PAGE;
	if (error)
		goto error;
	error = filemap_read_page(file, mapping, page);
	if (error)
		goto error;
	filemap_sim_invalidate_unlock_shared(mapping, locked, lstart, lend);
	*pagep = page;
	return 0;
error:
	filemap_sim_invalidate_unlock_shared(mapping, locked, lstart, lend);
	put_page(page);
	return error;
}

static ssize_t do_generic_file_read(struct file *filp, loff_t *ppos,
				    struct iov_iter *iter, ssize_t written,
				    uint64_t token)
{
	struct address_space *mapping = filp->f_mapping;
	struct inode *inode = mapping->host;
	struct file_ra_state *ra = &filp->f_ra;
	bool v515 = filemap_sim_invalidate_lock_on(mapping,
						   FS_SIM_INVALIDATE_READ);
	pgoff_t index, last_index, prev_index;
	unsigned long offset;      /* offset into the page */
	unsigned prev_offset;
	int error = 0;

	index = (pgoff_t)(*ppos >> PAGE_SHIFT);
	/* As the kernel: a signed shift, so prev_pos -1 (no previous read)
	 * gives prev_index ULONG_MAX, which the end turns back into -1. */
	prev_index = (pgoff_t)(ra->prev_pos >> PAGE_SHIFT);
	prev_offset = (unsigned)(ra->prev_pos & (PAGE_SIZE - 1));
	last_index = (pgoff_t)((*ppos + (loff_t)iter->count + PAGE_SIZE - 1) >>
			       PAGE_SHIFT);
	offset = (unsigned long)(*ppos & (PAGE_SIZE - 1));

	for (;;) {
		struct page *page;
		pgoff_t end_index;
		loff_t isize;
		unsigned long nr, ret;

find_page:
		page = find_get_page(mapping, index);
		if (!page) {
			page_cache_sync_readahead(mapping, ra, filp, index,
						  last_index - index);
			page = find_get_page(mapping, index);
			if (!page)
				goto no_cached_page;
		}
		if (PageReadahead(page))
			page_cache_async_readahead(mapping, ra, filp, page,
						   index, last_index - index);
		if (!PageUptodate(page))
			goto page_not_up_to_date;
page_ok:
		/* i_size must be checked after the page is uptodate, so
		 * that the zero-filled tail past EOF is not copied. */
		isize = i_size_read(inode);
		end_index = (pgoff_t)((isize - 1) >> PAGE_SHIFT);
		if (!isize || index > end_index) {
			put_page(page);
			goto out;
		}
		nr = PAGE_SIZE;
		if (index == end_index) {
			nr = (unsigned long)((isize - 1) & (PAGE_SIZE - 1)) + 1;
			if (nr <= offset) {
				put_page(page);
				goto out;
			}
		}
		nr = nr - offset;

		/* A sequential read touching a page several times marks it
		 * accessed only the first time. */
		if (prev_index != index || offset != prev_offset)
			mark_page_accessed(page);
		prev_index = index;

		ret = copy_page_to_iter(filp, token, page, offset, nr, iter);
		offset += ret;
		index += offset >> PAGE_SHIFT;
		offset &= PAGE_SIZE - 1;
		prev_offset = (unsigned)offset;

		put_page(page);
		written += (ssize_t)ret;
		if (!iov_iter_count(iter))
			goto out;
		if (ret < nr) {
			error = -EFAULT;
			goto out;
		}
		continue;

page_not_up_to_date:
		if (v515) {
			error = filemap_update_page(filp, mapping, page);
			if (error == AOP_TRUNCATED_PAGE) {
				error = 0;
				goto find_page;
			}
			if (error)
				goto readpage_error;
			goto page_ok;
		}
		/* Get exclusive access to the page: waits for a read in
		 * flight, whose completion unlocks it. */
		lock_page(page);

		/* Truncated before we got the lock? */
		if (!page->mapping) {
			unlock_page(page);
			put_page(page);
			continue;
		}
		/* Somebody filled it already? */
		if (PageUptodate(page)) {
			unlock_page(page);
			goto page_ok;
		}
readpage:
		/* A previous IO error may have been temporary. */
		ClearPageError(page);
		/* Start the read; its completion unlocks the page. */
		error = mapping->a_ops->readpage(filp, page);
		if (error) {
			if (error == AOP_TRUNCATED_PAGE) {
				put_page(page);
				error = 0;
				goto find_page;
			}
			goto readpage_error;
		}
		if (!PageUptodate(page)) {
			lock_page(page);
			if (!PageUptodate(page)) {
				if (page->mapping == NULL) {
					/* invalidated meanwhile */
					unlock_page(page);
					put_page(page);
					goto find_page;
				}
				unlock_page(page);
				ra->ra_pages /= 4;   /* shrink_readahead_size_eio */
				error = -EIO;
				goto readpage_error;
			}
			unlock_page(page);
		}
		goto page_ok;

readpage_error:
		put_page(page);
		goto out;

no_cached_page:
		/* Not cached even after readahead: create the page. */
		if (v515) {
			error = filemap_create_page(filp, mapping, index, &page);
			if (error == AOP_TRUNCATED_PAGE) {
				error = 0;
				goto find_page;
			}
			if (error)
				goto out;
			goto page_ok;
		}
		page = page_cache_alloc(mapping);
		error = add_to_page_cache_lru(page, mapping, index);
		if (error) {
			put_page(page);
			if (error == -EEXIST) {
				error = 0;
				goto find_page;
			}
			goto out;
		}
		goto readpage;
	}

out:
	/* The kernel shifts the signed prev_pos (wrapping: -fno-strict-
	 * overflow); in unsigned arithmetic, so ULONG_MAX comes back as -1
	 * without the signed overflow UBSan flags (issue 11 finding 6). */
	ra->prev_pos = (loff_t)(((uint64_t)prev_index << PAGE_SHIFT) |
				prev_offset);
	*ppos = ((loff_t)index << PAGE_SHIFT) + (loff_t)offset;
	return written ? written : error;
}

ssize_t generic_file_read_iter(struct kiocb *iocb, struct iov_iter *iter)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file_inode(file);
	loff_t *ppos = &iocb->ki_pos;
	ssize_t retval = 0;
	uint64_t token;

	if (iocb->ki_flags & IOCB_DIRECT) {
		/* Direct IO (and every DAX read): flush the range, then
		 * ->direct_IO; the rest, if short and not
		 * at EOF, falls through to the page cache. */
		struct address_space *mapping = file->f_mapping;
		size_t count = iov_iter_count(iter);
		loff_t pos = *ppos, size;

		if (!count)
			return 0;
		size = i_size_read(inode);
		retval = filemap_write_and_wait_range(mapping, pos,
						      pos + (loff_t)count - 1);
		if (!retval) {
			struct iov_iter data = *iter;

			retval = mapping->a_ops->direct_IO(iocb, &data, pos);
		}
		if (retval > 0) {
			*ppos = pos + retval;
			iov_iter_advance(iter, (size_t)retval);
		}
		if (retval < 0 || !iov_iter_count(iter) || *ppos >= size ||
		    IS_DAX(inode))
			return retval;
	}
	/* The buffered read begins now: a write completed before this may
	 * not be missed, one overlapping it may be seen. */
	token = fs_oracle_read_begin(inode);
	retval = do_generic_file_read(file, ppos, iter, retval, token);
	fs_oracle_read_end(inode, token);
	return retval;
}
