/* fs/mm/writeback.c — starting writeback of a mapping's dirty pages, after
 * mm/page-writeback.c (write_cache_pages, generic_writepages,
 * do_writepages, redirty_page_for_writepage) and mm/filemap.c
 * (__filemap_fdatawrite_range, filemap_fdatawrite_range,
 * filemap_fdatawrite, filemap_write_and_wait_range,
 * filemap_write_and_wait) of v4.4.  The page-state side (set_page_dirty,
 * clear_page_dirty_for_io, tags) is fs/mm/page-writeback.c
 * ; waiting is filemap_fdatawait_range there too.
 *
 * Simplified: range_cyclic starts at index 0 (no mapping->writeback_index);
 * no AS_EIO/AS_ENOSPC error bits on the mapping (PG_error carries IO errors
 * to filemap_fdatawait_range, and the model has none); no cgroup writeback
 * accounting.
 */
#include "config.h"

#include "fs/writeback.h"

int write_cache_pages(struct address_space *mapping,
		      struct writeback_control *wbc, writepage_t writepage,
		      void *data)
{
	struct pagevec pvec;
	pgoff_t index, end;
	bool done = false;
	int ret = 0;
	int tag;

	if (wbc->range_cyclic) {
		index = 0;
		end = (pgoff_t)-1;
	} else {
		index = (pgoff_t)(wbc->range_start >> PAGE_SHIFT);
		end = (pgoff_t)(wbc->range_end >> PAGE_SHIFT);
	}
	if (wbc->sync_mode == WB_SYNC_ALL || wbc->tagged_writepages)
		tag = PAGECACHE_TAG_TOWRITE;
	else
		tag = PAGECACHE_TAG_DIRTY;
	if (wbc->sync_mode == WB_SYNC_ALL || wbc->tagged_writepages)
		tag_pages_for_writeback(mapping, index, end);

	pagevec_init(&pvec);
	while (!done && index <= end) {
		unsigned nr_pages = pagevec_lookup_tag(&pvec, mapping, &index,
				tag, (unsigned)(min(end - index,
						    (pgoff_t)PAGEVEC_SIZE - 1) + 1));

		if (nr_pages == 0)
			break;
		for (unsigned i = 0; i < nr_pages; i++) {
			struct page *page = pvec.pages[i];

			if (page->index > end) {
				done = true;
				break;
			}
			lock_page(page);
			/* Truncated or invalidated: skip it, even for data
			 * integrity (the data went with the page). */
			if (page->mapping != mapping) {
continue_unlock:
				unlock_page(page);
				continue;
			}
			if (!PageDirty(page))
				/* someone wrote it for us */
				goto continue_unlock;
			if (PageWriteback(page)) {
				if (wbc->sync_mode != WB_SYNC_NONE)
					wait_on_page_writeback(page);
				else
					goto continue_unlock;
			}
			SIM_BUG_ON(PageWriteback(page));
			if (!clear_page_dirty_for_io(page))
				goto continue_unlock;
			ret = (*writepage)(page, wbc, data);
			if (ret) {
				done = true;
				break;
			}
			/* Only integrity sync goes on past nr_to_write: it
			 * must write everything tagged before the loop. */
			if (--wbc->nr_to_write <= 0 &&
			    wbc->sync_mode == WB_SYNC_NONE) {
				done = true;
				break;
			}
		}
		pagevec_release(&pvec);
	}
	return ret;
}

static int __writepage(struct page *page, struct writeback_control *wbc,
		       void *data)
{
	struct address_space *mapping = data;

	return mapping->a_ops->writepage(page, wbc);
}

int generic_writepages(struct address_space *mapping,
		       struct writeback_control *wbc)
{
	/* deal with chardevs and other special file */
	if (!mapping->a_ops || !mapping->a_ops->writepage)
		return 0;
	return write_cache_pages(mapping, wbc, __writepage, mapping);
}

int do_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	if (wbc->nr_to_write <= 0)
		return 0;
	if (mapping->a_ops && mapping->a_ops->writepages)
		return mapping->a_ops->writepages(mapping, wbc);
	return generic_writepages(mapping, wbc);
}

void redirty_page_for_writepage(struct writeback_control *wbc,
				struct page *page)
{
	wbc->pages_skipped++;
	__set_page_dirty_nobuffers(page);
}

int __filemap_fdatawrite_range(struct address_space *mapping, loff_t start,
			       loff_t end, int sync_mode)
{
	struct writeback_control wbc = {
		.sync_mode = (enum writeback_sync_modes)sync_mode,
		.nr_to_write = INT64_MAX,
		.range_start = start,
		.range_end = end,
	};

	return do_writepages(mapping, &wbc);
}

int filemap_fdatawrite_range(struct address_space *mapping, loff_t start,
			     loff_t end)
{
	return __filemap_fdatawrite_range(mapping, start, end, WB_SYNC_ALL);
}

int filemap_fdatawrite(struct address_space *mapping)
{
	return filemap_fdatawrite_range(mapping, 0, LLONG_MAX_SIM);
}

int filemap_write_and_wait_range(struct address_space *mapping, loff_t lstart,
				 loff_t lend)
{
	int err = 0;

	if (mapping->nrpages) {
		err = __filemap_fdatawrite_range(mapping, lstart, lend,
						 WB_SYNC_ALL);
		/* An IO error still waits: the pages must leave writeback. */
		if (err != -EIO) {
			int err2 = filemap_fdatawait_range(mapping, lstart,
							   lend);

			if (!err)
				err = err2;
		}
	}
	return err;
}

int filemap_write_and_wait(struct address_space *mapping)
{
	return filemap_write_and_wait_range(mapping, 0, LLONG_MAX_SIM);
}
