/* fs/mm/readahead.c — readahead windows and batch reads (mm/readahead.c,
 * v4.4): file_ra_state_init, read_pages, __do_page_cache_readahead,
 * force_page_cache_readahead, get_init_ra_size / get_next_ra_size,
 * count_history_pages / try_context_readahead, ondemand_readahead,
 * page_cache_sync_readahead, page_cache_async_readahead, ra_submit
 * (mm/internal.h) and the readahead(2) system call.
 *
 * A batch allocates every missing page first, marks the one
 * `lookahead_size` from the end PG_readahead, and hands the list to
 * ->readpages (ext4_mpage_readpages), which inserts each page locked into
 * the page cache and submits the reads.  No fs lock is taken in v4.4/v4.5
 * (FIDELITY 2.4, 3.3); v5.15 takes invalidate_lock (r) around the whole
 * batch (page_cache_ra_unbounded) — the filesystem's shared side when it
 * takes it on FS_SIM_INVALIDATE_READ (fs/fs.h).  (v5.15 inserts the pages itself before
 * ->readahead; here ->readpages inserts them, under the same lock.)
 *
 * Simplified: no bdi (ra_pages is VM_MAX_READAHEAD for every file), no
 * FMODE_RANDOM / VM_RAND_READ / VM_SEQ_READ (madvise/fadvise RANDOM and
 * SEQUENTIAL are not modelled), no IO-congestion deferral.  Hole scans
 * (page_cache_next_hole / prev_hole) walk the index like the kernel's
 * radix-tree scan and are charged as one lookup.
 */
#include "config.h"

#include "fs/mm/fault.h"

void file_ra_state_init(struct file_ra_state *ra,
			struct address_space *mapping)
{
	(void)mapping;
	ra->start = 0;
	ra->size = 0;
	ra->async_size = 0;
	ra->mmap_miss = 0;
	ra->ra_pages = VM_MAX_READAHEAD * 1024 / PAGE_SIZE;
	ra->prev_pos = -1;
}

/* put_pages_list: pages ->readpages did not consume. */
static void put_pages_list(struct sim_list *pages)
{
	while (!sim_list_empty(pages)) {
		struct page *page = sim_list_entry(pages->prev, struct page, lru);

		sim_list_del(&page->lru);
		put_page(page);
	}
}

static int read_pages(struct address_space *mapping, struct file *filp,
		      struct sim_list *pages, unsigned nr_pages)
{
	int ret;

	if (mapping->a_ops->readpages) {
		ret = mapping->a_ops->readpages(filp, mapping, pages, nr_pages);
		put_pages_list(pages);
		return ret;
	}
	for (unsigned i = 0; i < nr_pages; i++) {
		struct page *page = sim_list_entry(pages->prev, struct page, lru);

		sim_list_del(&page->lru);
		if (!add_to_page_cache_lru(page, mapping, page->index))
			mapping->a_ops->readpage(filp, page);
		put_page(page);
	}
	return 0;
}

int __do_page_cache_readahead(struct address_space *mapping,
			      struct file *filp, pgoff_t offset,
			      unsigned long nr_to_read,
			      unsigned long lookahead_size)
{
	struct inode *inode = mapping->host;
	struct sim_list page_pool;
	unsigned long end_index;
	loff_t isize;
	int ret = 0;
	bool locked;
	loff_t lstart = (loff_t)offset << PAGE_SHIFT;
	loff_t lend = (loff_t)(offset + nr_to_read) * PAGE_SIZE - 1;

	sim_list_init(&page_pool);
	/* v5.15 page_cache_ra_unbounded: the batch is created under
	 * invalidate_lock (r). */
	locked = filemap_sim_invalidate_lock_shared(mapping,
						    FS_SIM_INVALIDATE_READ,
						    lstart, lend);
	isize = i_size_read(inode);
	if (isize == 0)
		goto out;
	end_index = (unsigned long)((isize - 1) >> PAGE_SHIFT);

	/* Preallocate as many pages as we will need. */
	for (unsigned long page_idx = 0; page_idx < nr_to_read; page_idx++) {
		pgoff_t page_offset = offset + page_idx;
		struct page *page;

		if (page_offset > end_index)
			break;
		page = find_get_page(mapping, page_offset);
		if (page) {
			put_page(page);
			continue;
		}
		page = page_cache_alloc(mapping);
		page->index = page_offset;
		sim_list_add(&page->lru, &page_pool);
		if (page_idx == nr_to_read - lookahead_size)
			SetPageReadahead(page);
		ret++;
	}

	/* Start the IO.  Errors are ignored: a page that is not uptodate
	 * is read again by whoever needs it. */
	if (ret)
		read_pages(mapping, filp, &page_pool, (unsigned)ret);
	SIM_BUG_ON(!sim_list_empty(&page_pool));
out:
	filemap_sim_invalidate_unlock_shared(mapping, locked, lstart, lend);
	return ret;
}

unsigned long ra_submit(struct file_ra_state *ra,
			struct address_space *mapping, struct file *filp)
{
	return (unsigned long)__do_page_cache_readahead(mapping, filp,
							ra->start, ra->size,
							ra->async_size);
}

/* Chunks of 2 MiB, so as not to pin too much memory at once. */
int force_page_cache_readahead(struct address_space *mapping,
			       struct file *filp, pgoff_t offset,
			       unsigned long nr_to_read)
{
	unsigned long max = VM_MAX_READAHEAD * 1024 / PAGE_SIZE;

	if (!mapping->a_ops ||
	    (!mapping->a_ops->readpage && !mapping->a_ops->readpages))
		return -EINVAL;
	nr_to_read = min(nr_to_read, max);
	while (nr_to_read) {
		unsigned long this_chunk = (2 * 1024 * 1024) / PAGE_SIZE;
		int err;

		if (this_chunk > nr_to_read)
			this_chunk = nr_to_read;
		err = __do_page_cache_readahead(mapping, filp, offset,
						this_chunk, 0);
		if (err < 0)
			return err;
		offset += this_chunk;
		nr_to_read -= this_chunk;
	}
	return 0;
}

static unsigned long roundup_pow_of_two(unsigned long n)
{
	unsigned long p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* Initial window: round the request up to a power of two, x4 when small,
 * x2 when medium, else the maximum. */
static unsigned long get_init_ra_size(unsigned long size, unsigned long max)
{
	unsigned long newsize = roundup_pow_of_two(size);

	if (newsize <= max / 32)
		newsize = newsize * 4;
	else if (newsize <= max / 4)
		newsize = newsize * 2;
	else
		newsize = max;
	return newsize;
}

/* Ramp up: x4 while small, then x2, capped at max. */
static unsigned long get_next_ra_size(struct file_ra_state *ra,
				      unsigned long max)
{
	unsigned long cur = ra->size;
	unsigned long newsize = cur < max / 16 ? 4 * cur : 2 * cur;

	return min(newsize, max);
}

/* page_cache_next_hole / page_cache_prev_hole (mm/filemap.c): the first
 * index without a page scanning up (down) from index, at most max_scan
 * entries; on no hole, index + max_scan (index - max_scan). */
static pgoff_t page_cache_next_hole(struct address_space *mapping,
				    pgoff_t index, unsigned long max_scan)
{
	fault_sim_charge(mapping->mm_sim->costs.page_lookup);
	for (unsigned long i = 0; i < max_scan; i++) {
		if (!page_cache_sim_peek(mapping, index))
			break;
		index++;
		if (index == 0)
			break;
	}
	return index;
}

static pgoff_t page_cache_prev_hole(struct address_space *mapping,
				    pgoff_t index, unsigned long max_scan)
{
	fault_sim_charge(mapping->mm_sim->costs.page_lookup);
	for (unsigned long i = 0; i < max_scan; i++) {
		if (!page_cache_sim_peek(mapping, index))
			break;
		index--;
		if (index == (pgoff_t)-1)
			break;
	}
	return index;
}

/* Contiguously cached pages before offset: the length of the sequential
 * stream that led here (conservatively). */
static pgoff_t count_history_pages(struct address_space *mapping,
				   pgoff_t offset, unsigned long max)
{
	pgoff_t head = page_cache_prev_hole(mapping, offset - 1, max);

	return offset - 1 - head;
}

/* Page-cache-context readahead: a stream without readahead state. */
static int try_context_readahead(struct address_space *mapping,
				 struct file_ra_state *ra, pgoff_t offset,
				 unsigned long req_size, unsigned long max)
{
	pgoff_t size = count_history_pages(mapping, offset, max);

	/* Not enough history: could be a random read. */
	if (size <= req_size)
		return 0;
	/* From the start of the file: a long stream or whole-file read. */
	if (size >= offset)
		size *= 2;
	ra->start = offset;
	ra->size = (unsigned)min(size + req_size, max);
	ra->async_size = 1;
	return 1;
}

static unsigned long ondemand_readahead(struct address_space *mapping,
					struct file_ra_state *ra,
					struct file *filp,
					bool hit_readahead_marker,
					pgoff_t offset, unsigned long req_size)
{
	unsigned long max = ra->ra_pages;
	pgoff_t prev_offset;

	/* Start of file. */
	if (!offset)
		goto initial_readahead;

	/* The expected callback offset: assume sequential access, ramp up
	 * and push the window forward. */
	if (offset == ra->start + ra->size - ra->async_size ||
	    offset == ra->start + ra->size) {
		ra->start += ra->size;
		ra->size = (unsigned)get_next_ra_size(ra, max);
		ra->async_size = ra->size;
		goto readit;
	}

	/* A marked page without valid readahead state (interleaved
	 * reads): size the window from the cached run after offset. */
	if (hit_readahead_marker) {
		pgoff_t start = page_cache_next_hole(mapping, offset + 1, max);

		if (!start || start - offset > max)
			return 0;
		ra->start = start;
		ra->size = (unsigned)(start - offset);   /* old async_size */
		ra->size += (unsigned)req_size;
		ra->size = (unsigned)get_next_ra_size(ra, max);
		ra->async_size = ra->size;
		goto readit;
	}

	/* Oversize read. */
	if (req_size > max)
		goto initial_readahead;

	/* Sequential cache miss (or an unaligned re-read of the page). */
	prev_offset = (pgoff_t)((uint64_t)ra->prev_pos >> PAGE_SHIFT);
	if (offset - prev_offset <= 1ul)
		goto initial_readahead;

	/* Traces a sequential stream leaves in the cache. */
	if (try_context_readahead(mapping, ra, offset, req_size, max))
		goto readit;

	/* A standalone small random read: read as is, keep the state. */
	return (unsigned long)__do_page_cache_readahead(mapping, filp, offset,
							req_size, 0);

initial_readahead:
	ra->start = offset;
	ra->size = (unsigned)get_init_ra_size(req_size, max);
	ra->async_size = ra->size > req_size ? ra->size - (unsigned)req_size :
					       ra->size;
readit:
	/* Will this read hit the marker it sets itself?  Then merge the
	 * next window into this one now. */
	if (offset == ra->start && ra->size == ra->async_size) {
		ra->async_size = (unsigned)get_next_ra_size(ra, max);
		ra->size += ra->async_size;
	}
	return ra_submit(ra, mapping, filp);
}

void page_cache_sync_readahead(struct address_space *mapping,
			       struct file_ra_state *ra, struct file *filp,
			       pgoff_t offset, unsigned long req_size)
{
	if (!ra->ra_pages)
		return;
	ondemand_readahead(mapping, ra, filp, false, offset, req_size);
}

void page_cache_async_readahead(struct address_space *mapping,
				struct file_ra_state *ra, struct file *filp,
				struct page *page, pgoff_t offset,
				unsigned long req_size)
{
	if (!ra->ra_pages)
		return;
	/* Same bit as PG_reclaim in the kernel. */
	if (PageWriteback(page))
		return;
	ClearPageReadahead(page);
	ondemand_readahead(mapping, ra, filp, true, offset, req_size);
}

ssize_t sys_readahead(struct file *file, loff_t offset, size_t count)
{
	struct address_space *mapping = file->f_mapping;
	pgoff_t start, end;

	fault_sim_charge(fault_sim_cost(mapping->host, syscall_entry));
	if (!mapping || !mapping->a_ops)
		return -EINVAL;
	start = (pgoff_t)(offset >> PAGE_SHIFT);
	end = (pgoff_t)((offset + (loff_t)count - 1) >> PAGE_SHIFT);
	return force_page_cache_readahead(mapping, file, start,
					  end - start + 1);
}
