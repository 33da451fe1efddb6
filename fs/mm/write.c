/* fs/mm/write.c — the generic buffered and direct write paths, after
 * mm/filemap.c (grab_cache_page_write_begin, generic_perform_write,
 * __generic_file_write_iter, generic_file_direct_write) and
 * mm/page-writeback.c (balance_dirty_pages_ratelimited) of v4.4.
 *
 * generic_perform_write, per page (FIDELITY 2.5): fault the user buffer in
 * first (iov_iter_fault_in_readable — may page-fault, so before any page
 * lock; modelled as the [costs] user_fault_in CPU time: the user buffer is
 * always resident), ->write_begin, copy with page faults disabled (the
 * bytes become the request's stamp bytes; [costs] page_copy pro rata),
 * ->write_end, balance_dirty_pages_ratelimited.
 *
 * Dirty throttling is simplified: the kernel's balance_dirty_pages sizes
 * its pauses from measured bandwidth and ratelimits the checks to every
 * 32 pages per task; here every call compares the fs's dirty pages with
 * dirty_background_ratio / dirty_ratio percent of the world's page budget,
 * kicks background writeback above the first, and sleeps dirty_pause at a
 * time above the second (bounded, so a stuck flusher cannot hang a
 * writer forever).  Without a page budget nothing throttles.
 *
 * A direct write (every write(2) to a DAX file in v4.4) that stops short
 * finishes through the page cache, unless the file is DAX.
 *
 * Lock order: the caller's i_mutex > what write_begin takes (transaction
 * start > page lock > i_data_sem).
 */
#include "config.h"

#include "fs/writeback.h"
#include "fs/costs.h"

/* Pauses one balance_dirty_pages call sleeps at most. */
#define BALANCE_SIM_MAX_PAUSES 1000

struct page *grab_cache_page_write_begin(struct address_space *mapping,
					 pgoff_t index, unsigned flags)
{
	struct page *page;

	(void)flags;
	page = pagecache_get_page(mapping, index,
				  FGP_LOCK | FGP_ACCESSED | FGP_WRITE | FGP_CREAT);
	if (page)
		wait_for_stable_page(page);
	return page;
}

static sim_time_t write_sim_fault_in_cost(struct address_space *mapping)
{
	struct bdi_writeback *wb = mapping->host->i_sb->s_bdi_wb;

	return wb ? wb->fault_in_cost : 0;
}

/* iov_iter_copy_from_user_atomic: the next bytes of the request become
 * page bytes [offset, offset + bytes). */
static size_t iov_iter_copy_from_user_atomic(struct page *page,
					     struct iov_iter *i,
					     unsigned long offset,
					     unsigned long bytes)
{
	struct mm_sim *s = page->sim;

	if (i->stamp)
		sim_contents_set(&page->contents, (uint32_t)offset,
				 (uint32_t)bytes, i->stamp, (uint32_t)i->done);
	else
		sim_contents_zero(&page->contents, (uint32_t)offset,
				  (uint32_t)bytes);
	mm_sim_charge(s, s->costs.page_copy * (sim_time_t)bytes /
			 (sim_time_t)PAGE_SIZE);
	return bytes;
}

ssize_t generic_perform_write(struct file *file, struct iov_iter *i,
			      loff_t pos)
{
	struct address_space *mapping = file->f_mapping;
	const struct address_space_operations *a_ops = mapping->a_ops;
	sim_time_t fault_in = write_sim_fault_in_cost(mapping);
	ssize_t written = 0;
	long status = 0;

	do {
		unsigned long offset = (unsigned long)(pos & (PAGE_SIZE - 1));
		unsigned long bytes = min_t(unsigned long, PAGE_SIZE - offset,
					    iov_iter_count(i));
		struct page *page;
		void *fsdata = NULL;
		size_t copied;

		/* Bring in the user page first: faulting with the page
		 * locked could deadlock on that very page. */
		if (fault_in > 0 && current)
			sim_task_delay(current, fault_in);

		status = a_ops->write_begin(file, mapping, pos, (unsigned)bytes,
					    0, &page, &fsdata);
		if (status < 0)
			break;
		copied = iov_iter_copy_from_user_atomic(page, i, offset, bytes);
		status = a_ops->write_end(file, mapping, pos, (unsigned)bytes,
					  (unsigned)copied, page, fsdata);
		if (status < 0)
			break;
		copied = (size_t)status;
		/* The model's copies never fault: a zero-length copy would
		 * make the kernel retry with a single segment. */
		SIM_BUG_ON(copied == 0);
		iov_iter_advance(i, copied);
		pos += (loff_t)copied;
		written += (ssize_t)copied;

		balance_dirty_pages_ratelimited(mapping);
	} while (iov_iter_count(i));

	return written ? written : status;
}

ssize_t generic_file_direct_write(struct kiocb *iocb, struct iov_iter *from,
				  loff_t pos)
{
	struct file *file = iocb->ki_filp;
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = mapping->host;
	size_t write_len = iov_iter_count(from);
	pgoff_t end = (pgoff_t)((pos + (loff_t)write_len - 1) >> PAGE_SHIFT);
	struct iov_iter data;
	ssize_t written;

	written = filemap_write_and_wait_range(mapping, pos,
					       pos + (loff_t)write_len - 1);
	if (written)
		goto out;
	/* Drop cached pages of the range, so a later buffered read sees
	 * what DIO wrote.  A page that cannot go (dirty again, busy): let
	 * the buffered path do the write. */
	if (mapping->nrpages) {
		written = invalidate_inode_pages2_range(mapping,
				(pgoff_t)(pos >> PAGE_SHIFT), end);
		if (written) {
			if (written == -EBUSY)
				return 0;
			goto out;
		}
	}
	data = *from;
	written = mapping->a_ops->direct_IO(iocb, &data, pos);
	/* Pages read in by a fault or readahead during the write hold old
	 * data: drop them again. */
	if (mapping->nrpages)
		invalidate_inode_pages2_range(mapping,
					      (pgoff_t)(pos >> PAGE_SHIFT), end);
	if (written > 0) {
		pos += written;
		iov_iter_advance(from, (size_t)written);
		if (pos > i_size_read(inode)) {
			i_size_write(inode, pos);
			mark_inode_dirty(inode);
		}
		iocb->ki_pos = pos;
	}
out:
	return written;
}

ssize_t __generic_file_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct address_space *mapping = file->f_mapping;
	ssize_t written = 0, status;
	int err;

	err = file_update_time(file);
	if (err)
		goto out;

	if (iocb->ki_flags & IOCB_DIRECT) {
		loff_t pos, endbyte;

		written = generic_file_direct_write(iocb, from, iocb->ki_pos);
		/* Stopped short (e.g. a page could not be invalidated):
		 * finish through the page cache — except for DAX files,
		 * whose page cache must never hold dirty pages. */
		if (written < 0 || !iov_iter_count(from) ||
		    IS_DAX(file_inode(file)))
			goto out;
		pos = iocb->ki_pos;
		status = generic_perform_write(file, from, pos);
		if (status < 0) {
			err = (int)status;
			goto out;
		}
		/* O_DIRECT semantics: the data is on disk and not cached
		 * when we return. */
		endbyte = pos + status - 1;
		err = filemap_write_and_wait_range(mapping, pos, endbyte);
		if (err == 0) {
			iocb->ki_pos = endbyte + 1;
			written += status;
			/* invalidate_mapping_pages: the model's closest is
			 * invalidate_inode_pages2_range; a page it cannot
			 * drop simply stays cached (clean). */
			invalidate_inode_pages2_range(mapping,
					(pgoff_t)(pos >> PAGE_SHIFT),
					(pgoff_t)(endbyte >> PAGE_SHIFT));
		}
	} else {
		written = generic_perform_write(file, from, iocb->ki_pos);
		if (written > 0)
			iocb->ki_pos += written;
	}
out:
	return written ? written : err;
}

void balance_dirty_pages_ratelimited(struct address_space *mapping)
{
	struct super_block *sb = mapping->host->i_sb;
	struct bdi_writeback *wb = sb->s_bdi_wb;
	unsigned long budget, bg_thresh, thresh, nr;

	if (!wb || !mapping->mm_sim || !current)
		return;
	budget = mapping->mm_sim->page_budget;
	if (!budget)
		return;
	bg_thresh = (unsigned long)((uint64_t)budget * (uint64_t)wb->background_ratio / 100);
	thresh = (unsigned long)((uint64_t)budget * (uint64_t)wb->dirty_ratio / 100);
	nr = wb_sim_nr_dirty(wb);
	if (bg_thresh && nr > bg_thresh)
		wb_sim_start_background(sb);
	for (unsigned n = 0; thresh && nr > thresh && n < BALANCE_SIM_MAX_PAUSES;
	     n++) {
		wb->stats.throttled++;
		wb_sim_start_background(sb);
		sim_task_note(current, "balance_dirty_pages", "pause",
			      "dirty pages", (int64_t)nr);
		sim_task_sleep(current, wb->dirty_pause);
		nr = wb_sim_nr_dirty(wb);
	}
}
