/* fs/ext4/writeback.c — ->writepages and ->writepage, after fs/ext4/inode.c
 * of v4.4.1: ext4_writepages with mpage_prepare_extent_to_map,
 * mpage_process_page_bufs, mpage_add_bh_to_extent, mpage_submit_page,
 * mpage_map_one_extent, mpage_map_and_submit_buffers,
 * mpage_map_and_submit_extent, mpage_release_unused_pages; ext4_writepage;
 * and the jbd2 data=ordered hooks (journal_submit_inode_data_buffers,
 * journal_finish_inode_data_buffers of fs/jbd2/commit.c) with the per-fs
 * set-up that wires them.
 *
 * ext4_writepages (FIDELITY 2.6): per round a handle with
 * ext4_da_writepages_trans_blocks credits [J]; lock dirty pages in index
 * order; buffers mapped and neither delayed nor unwritten go straight to
 * IO at b_blocknr (no extent lookup — the stale-mapping hazard); delayed /
 * unwritten buffers accumulate one extent (≤ 2048 blocks) with their pages
 * kept locked; ext4_map_blocks(CREATE [| DELALLOC_RESERVE]) allocates it
 * under i_data_sem (w); the buffers learn their blocks, the pages go to IO;
 * i_disksize advances under i_data_sem.  clear_page_dirty_for_io
 * write-protects the PTEs, so the next store faults into page_mkwrite.
 * No i_mutex, no fault/remove lock in any version.
 *
 * ext4_writepage (the jbd2 ordered-data flush, reclaim): never allocates;
 * a page with a delayed or unwritten dirty buffer is redirtied and skipped
 * (4 KiB blocks: the whole page).
 *
 * Simplified: range_cyclic writeback always starts at page 0 (no
 * mapping->writeback_index; written pages are clean, so the next pass
 * moves on anyway); no blk plugging; no s_writepages_rwsem (v5.15 takes it
 * only against journal-mode changes, which the model never makes); no
 * reserved handle for dioread_nolock conversion (page-io.c); the ENOSPC
 * retry loop is bounded.
 *
 * Lock order: transaction start > page locks (index order) > i_data_sem.
 */
#include "config.h"

#include "fs/ext4/writes_internal.h"
#include "fs/costs.h"

#define MAX_WRITEPAGES_EXTENT_LEN 2048
#define BH_FLAGS ((1ul << BH_Unwritten) | (1ul << BH_Delay))

struct mpage_da_data {
	struct inode *inode;
	struct writeback_control *wbc;
	pgoff_t first_page;   /* The first page to write */
	pgoff_t next_page;    /* Current page to examine */
	pgoff_t last_page;    /* Last page to examine */
	/* Extent to map; m_flags holds BH_Delay/BH_Unwritten of its
	 * buffers. */
	struct ext4_map_blocks map;
	struct ext4_io_submit io_submit;
};

static int ext4_bh_delay_or_unwritten(handle_t *handle, struct buffer_head *bh)
{
	(void)handle;
	return (buffer_delay(bh) || buffer_unwritten(bh)) && buffer_dirty(bh);
}

static void mpage_release_unused_pages(struct mpage_da_data *mpd,
				       bool invalidate)
{
	struct inode *inode = mpd->inode;
	struct address_space *mapping = inode->i_mapping;
	unsigned bbits = inode->i_sb->s_blocksize_bits;
	struct pagevec pvec;
	pgoff_t index, end;

	/* This is necessary when next_page == 0. */
	if (mpd->first_page >= mpd->next_page)
		return;
	index = mpd->first_page;
	end = mpd->next_page - 1;
	if (invalidate) {
		ext4_lblk_t start = (ext4_lblk_t)(index << (PAGE_SHIFT - bbits));
		ext4_lblk_t last = (ext4_lblk_t)(end << (PAGE_SHIFT - bbits));

		ext4_es_remove_extent(inode, start, last - start + 1);
	}
	pagevec_init(&pvec);
	while (index <= end) {
		unsigned nr_pages = pagevec_lookup(&pvec, mapping, index,
						   PAGEVEC_SIZE);

		if (nr_pages == 0)
			break;
		for (unsigned i = 0; i < nr_pages; i++) {
			struct page *page = pvec.pages[i];

			if (page->index > end)
				break;
			SIM_BUG_ON(!PageLocked(page));
			SIM_BUG_ON(PageWriteback(page));
			if (invalidate) {
				block_invalidatepage(page, 0, PAGE_SIZE);
				ClearPageUptodate(page);
			}
			unlock_page(page);
		}
		index = pvec.pages[nr_pages - 1]->index + 1;
		pagevec_release(&pvec);
	}
}

static int mpage_submit_page(struct mpage_da_data *mpd, struct page *page)
{
	loff_t size = i_size_read(mpd->inode);
	int len, err;

	SIM_BUG_ON(page->index != mpd->first_page);
	if (page->index == (pgoff_t)(size >> PAGE_SHIFT))
		len = (int)(size & (PAGE_SIZE - 1));
	else
		len = PAGE_SIZE;
	/* Write-protects the PTEs: the next store goes through mkwrite. */
	clear_page_dirty_for_io(page);
	err = ext4_bio_write_page(&mpd->io_submit, page, len, mpd->wbc, false);
	if (!err)
		mpd->wbc->nr_to_write--;
	mpd->first_page++;
	return err;
}

/* Add bh to the extent to map if it needs mapping; true if the caller can
 * go on (including: nothing to map yet, write this buffer now). */
static bool mpage_add_bh_to_extent(struct mpage_da_data *mpd, ext4_lblk_t lblk,
				   struct buffer_head *bh)
{
	struct ext4_map_blocks *map = &mpd->map;

	/* Buffer that doesn't need mapping for writeback? */
	if (!buffer_dirty(bh) || !buffer_mapped(bh) ||
	    (!buffer_delay(bh) && !buffer_unwritten(bh))) {
		/* So far no extent to map => we write the buffer right away */
		return map->m_len == 0;
	}
	/* First block in the extent? */
	if (map->m_len == 0) {
		map->m_lblk = lblk;
		map->m_len = 1;
		map->m_flags = (unsigned)(bh->b_state & BH_FLAGS);
		return true;
	}
	/* Don't go larger than mballoc is willing to allocate */
	if (map->m_len >= MAX_WRITEPAGES_EXTENT_LEN)
		return false;
	/* Can we merge the block to our big extent? */
	if (lblk == map->m_lblk + map->m_len &&
	    (bh->b_state & BH_FLAGS) == map->m_flags) {
		map->m_len++;
		return true;
	}
	return false;
}

/* Walk the page's buffers from bh: submit the page if all of it is mapped
 * and no extent is pending, else add buffers to the extent.  1: go on with
 * the next page; 0: the extent is complete; < 0: error. */
static int mpage_process_page_bufs(struct mpage_da_data *mpd,
				   struct buffer_head *head,
				   struct buffer_head *bh, ext4_lblk_t lblk)
{
	struct inode *inode = mpd->inode;
	unsigned bbits = inode->i_sb->s_blocksize_bits;
	ext4_lblk_t blocks = (ext4_lblk_t)((i_size_read(inode) +
					    (1 << bbits) - 1) >> bbits);
	int err;

	do {
		SIM_BUG_ON(buffer_locked(bh));
		if (lblk >= blocks || !mpage_add_bh_to_extent(mpd, lblk, bh)) {
			/* Found extent to map? */
			if (mpd->map.m_len)
				return 0;
			/* Everything mapped so far and we hit EOF */
			break;
		}
	} while (lblk++, (bh = bh->b_this_page) != head);
	/* So far everything mapped? Submit the page for IO. */
	if (mpd->map.m_len == 0) {
		err = mpage_submit_page(mpd, head->b_page);
		if (err < 0)
			return err;
	}
	return lblk < blocks;
}

/* The extent just mapped: delayed buffers learn their blocks, unwritten
 * ones lose the flag, fully mapped pages go to IO; a last page only partly
 * covered leaves the next extent to map in mpd->map. */
static int mpage_map_and_submit_buffers(struct mpage_da_data *mpd)
{
	struct inode *inode = mpd->inode;
	int bpp_bits = PAGE_SHIFT - (int)inode->i_sb->s_blocksize_bits;
	struct buffer_head *head, *bh;
	struct pagevec pvec;
	pgoff_t start, end;
	ext4_lblk_t lblk;
	sector_t pblock;
	int err;

	start = mpd->map.m_lblk >> bpp_bits;
	end = (mpd->map.m_lblk + mpd->map.m_len - 1) >> bpp_bits;
	lblk = (ext4_lblk_t)(start << bpp_bits);
	pblock = mpd->map.m_pblk;

	pagevec_init(&pvec);
	while (start <= end) {
		unsigned nr_pages = pagevec_lookup(&pvec, inode->i_mapping,
						   start, PAGEVEC_SIZE);

		if (nr_pages == 0)
			break;
		for (unsigned i = 0; i < nr_pages; i++) {
			struct page *page = pvec.pages[i];

			if (page->index > end)
				break;
			/* Up to 'end' pages must be contiguous */
			SIM_BUG_ON(page->index != start);
			bh = head = page_buffers(page);
			do {
				if (lblk < mpd->map.m_lblk)
					continue;
				if (lblk >= mpd->map.m_lblk + mpd->map.m_len) {
					/* Buffer after end of mapped extent:
					 * find the next buffer to map. */
					mpd->map.m_len = 0;
					mpd->map.m_flags = 0;
					err = mpage_process_page_bufs(mpd, head,
								      bh, lblk);
					pagevec_release(&pvec);
					if (err > 0)
						err = 0;
					return err;
				}
				if (buffer_delay(bh)) {
					clear_buffer_delay(bh);
					bh->b_blocknr = pblock++;
					buffer_sim_report_mapped(bh);
				}
				clear_buffer_unwritten(bh);
			} while (lblk++, (bh = bh->b_this_page) != head);

			mpd->io_submit.io_end->size += PAGE_SIZE;
			/* Page fully mapped - let IO run! */
			err = mpage_submit_page(mpd, page);
			if (err < 0) {
				pagevec_release(&pvec);
				return err;
			}
			start++;
		}
		pagevec_release(&pvec);
	}
	/* Extent fully mapped and matches with page boundary. We are done. */
	mpd->map.m_len = 0;
	mpd->map.m_flags = 0;
	return 0;
}

static int mpage_map_one_extent(handle_t *handle, struct mpage_da_data *mpd)
{
	struct inode *inode = mpd->inode;
	struct ext4_map_blocks *map = &mpd->map;
	bool dioread_nolock = ext4_should_dioread_nolock(inode);
	int get_blocks_flags, err;

	/* Writeback must not fail for want of metadata blocks: it may use
	 * the reserved pool.  DELALLOC_RESERVE: the data blocks were claimed
	 * when the data was copied into the page cache. */
	get_blocks_flags = EXT4_GET_BLOCKS_CREATE |
			   EXT4_GET_BLOCKS_METADATA_NOFAIL;
	if (dioread_nolock)
		get_blocks_flags |= EXT4_GET_BLOCKS_IO_CREATE_EXT;
	if (map->m_flags & (1u << BH_Delay))
		get_blocks_flags |= EXT4_GET_BLOCKS_DELALLOC_RESERVE;

	err = ext4_map_blocks(handle, inode, map, get_blocks_flags);
	if (err < 0)
		return err;
	if (dioread_nolock && (map->m_flags & EXT4_MAP_UNWRITTEN))
		mpd->io_submit.io_end->flag |= EXT4_IO_END_UNWRITTEN;

	SIM_BUG_ON(map->m_len == 0);
	if (map->m_flags & EXT4_MAP_NEW) {
		for (unsigned i = 0; i < map->m_len; i++)
			unmap_underlying_metadata(inode->i_sb, map->m_pblk + i);
	}
	return 0;
}

static int mpage_map_and_submit_extent(handle_t *handle,
				       struct mpage_da_data *mpd,
				       bool *give_up_on_write)
{
	struct inode *inode = mpd->inode;
	struct ext4_inode_info *ei = EXT4_I(inode);
	struct ext4_map_blocks *map = &mpd->map;
	bool progress = false;
	loff_t disksize;
	int err;

	mpd->io_submit.io_end->offset =
		(loff_t)map->m_lblk << inode->i_sb->s_blocksize_bits;
	do {
		err = mpage_map_one_extent(handle, mpd);
		if (err < 0) {
			/* Transient: let the caller retry (ENOSPC with free
			 * clusters left: a commit frees pending blocks). */
			if (err == -ENOMEM ||
			    (err == -ENOSPC &&
			     EXT4_SB(inode->i_sb)->s_freeclusters_counter > 0)) {
				if (progress)
					goto update_disksize;
				return err;
			}
			/* "Delayed block allocation failed ... Data will be
			 * lost" */
			*give_up_on_write = true;
			return err;
		}
		progress = true;
		/* Update buffer state, submit mapped pages, and get us new
		 * extent to map */
		err = mpage_map_and_submit_buffers(mpd);
		if (err < 0)
			goto update_disksize;
	} while (map->m_len);

update_disksize:
	/* On-disk size moves after the IO is submitted; i_size is checked
	 * under i_data_sem against a racing truncate. */
	disksize = (loff_t)mpd->first_page << PAGE_SHIFT;
	if (disksize > ei->i_disksize) {
		int err2;
		loff_t i_size;

		down_write(&ei->i_data_sem);
		i_size = i_size_read(inode);
		if (disksize > i_size)
			disksize = i_size;
		if (disksize > ei->i_disksize)
			ei->i_disksize = disksize;
		err2 = ext4_mark_inode_dirty(handle, inode);
		up_write(&ei->i_data_sem);
		if (!err)
			err = err2;
	}
	return err;
}

/* Credits for one writepages round: an extent of up to
 * MAX_WRITEPAGES_EXTENT_LEN blocks plus the rest of the last page, in up to
 * bpp extents. */
static int ext4_da_writepages_trans_blocks(struct inode *inode)
{
	int bpp = ext4_journal_blocks_per_page(inode);

	return ext4_meta_trans_blocks(inode,
				      MAX_WRITEPAGES_EXTENT_LEN + bpp - 1, bpp);
}

/* Find and lock a run of dirty pages and the extent under them that needs
 * mapping; fully mapped pages before it are submitted on the way. */
static int mpage_prepare_extent_to_map(struct mpage_da_data *mpd)
{
	struct address_space *mapping = mpd->inode->i_mapping;
	unsigned bbits = mpd->inode->i_sb->s_blocksize_bits;
	long left = mpd->wbc->nr_to_write;
	pgoff_t index = mpd->first_page;
	pgoff_t end = mpd->last_page;
	struct buffer_head *head;
	struct pagevec pvec;
	ext4_lblk_t lblk;
	int tag, err = 0;

	if (mpd->wbc->sync_mode == WB_SYNC_ALL || mpd->wbc->tagged_writepages)
		tag = PAGECACHE_TAG_TOWRITE;
	else
		tag = PAGECACHE_TAG_DIRTY;

	pagevec_init(&pvec);
	mpd->map.m_len = 0;
	mpd->next_page = index;
	while (index <= end) {
		unsigned nr_pages = pagevec_lookup_tag(&pvec, mapping, &index,
				tag, (unsigned)(min(end - index,
						    (pgoff_t)PAGEVEC_SIZE - 1) + 1));

		if (nr_pages == 0)
			goto out;
		for (unsigned i = 0; i < nr_pages; i++) {
			struct page *page = pvec.pages[i];

			/* The page may have been truncated meanwhile; its
			 * index does not change while we hold a reference. */
			if (page->index > end)
				goto out;
			/* Accumulated enough dirty pages?  (Not for
			 * integrity sync: it must write every tagged page.) */
			if (mpd->wbc->sync_mode == WB_SYNC_NONE && left <= 0)
				goto out;
			/* If we can't merge this page, we are done. */
			if (mpd->map.m_len > 0 && mpd->next_page != page->index)
				goto out;

			lock_page(page);
			/* No longer dirty, truncated, or under writeback and
			 * this is not an integrity sync: skip. */
			if (!PageDirty(page) ||
			    (PageWriteback(page) &&
			     mpd->wbc->sync_mode == WB_SYNC_NONE) ||
			    page->mapping != mapping) {
				unlock_page(page);
				continue;
			}
			wait_on_page_writeback(page);
			SIM_BUG_ON(PageWriteback(page));

			if (mpd->map.m_len == 0)
				mpd->first_page = page->index;
			mpd->next_page = page->index + 1;
			/* Add all dirty buffers to mpd */
			lblk = (ext4_lblk_t)(page->index << (PAGE_SHIFT - bbits));
			/* ext4 pages are dirtied through their buffers
			 * (write_begin, page_mkwrite): never bufferless. */
			SIM_BUG_ON(!page_has_buffers(page));
			head = page_buffers(page);
			err = mpage_process_page_bufs(mpd, head, head, lblk);
			if (err <= 0)
				goto out;
			err = 0;
			left--;
		}
		pagevec_release(&pvec);
	}
	return 0;
out:
	pagevec_release(&pvec);
	return err;
}

static int __writepage(struct page *page, struct writeback_control *wbc,
		       void *data)
{
	(void)data;
	return ext4_writepage(page, wbc);
}

int ext4_writepages(struct address_space *mapping,
		    struct writeback_control *wbc)
{
	struct inode *inode = mapping->host;
	struct ext4_sb_info *sbi = EXT4_SB(inode->i_sb);
	bool give_up_on_write = false;
	bool range_whole = false;
	struct mpage_da_data mpd;
	int needed_blocks, ret = 0, enospc_retries = 0;
	handle_t *handle;
	bool done;

	/* No pages to write?  (Also keeps journal starts out of inodes with
	 * nothing to do.) */
	if (!mapping->nrpages || !mapping_tagged(mapping, PAGECACHE_TAG_DIRTY))
		return 0;

	if (ext4_should_journal_data(inode))
		return write_cache_pages(mapping, wbc, __writepage, mapping);

	if (wbc->range_start == 0 && wbc->range_end == LLONG_MAX_SIM)
		range_whole = true;
	(void)range_whole;
	if (wbc->range_cyclic) {
		mpd.first_page = 0;
		mpd.last_page = (pgoff_t)-1;
	} else {
		mpd.first_page = (pgoff_t)(wbc->range_start >> PAGE_SHIFT);
		mpd.last_page = (pgoff_t)(wbc->range_end >> PAGE_SHIFT);
	}
	mpd.inode = inode;
	mpd.wbc = wbc;
	mpd.next_page = mpd.first_page;
	mpd.map = (struct ext4_map_blocks){ 0 };
	ext4_io_submit_init(&mpd.io_submit, wbc);

	if (wbc->sync_mode == WB_SYNC_ALL || wbc->tagged_writepages)
		tag_pages_for_writeback(mapping, mpd.first_page, mpd.last_page);
	done = false;
	while (!done && mpd.first_page <= mpd.last_page) {
		/* For each extent of pages we use new io_end */
		mpd.io_submit.io_end = ext4_init_io_end(inode);

		/* Journalled data never gets here (no delalloc with it). */
		needed_blocks = ext4_da_writepages_trans_blocks(inode);
		handle = ext4_journal_start(inode, EXT4_HT_WRITE_PAGE,
					    needed_blocks);
		if (IS_ERR(handle)) {
			ret = (int)PTR_ERR(handle);
			ext4_put_io_end(mpd.io_submit.io_end);
			break;
		}
		ret = mpage_prepare_extent_to_map(&mpd);
		if (!ret) {
			if (mpd.map.m_len)
				ret = mpage_map_and_submit_extent(handle, &mpd,
							&give_up_on_write);
			else
				/* Whole range scanned (or nr_to_write used
				 * up), mapped pages submitted, nothing to
				 * map: done. */
				done = true;
		}
		ext4_journal_stop(handle);
		/* Submit prepared bio */
		ext4_io_submit(&mpd.io_submit);
		/* Unlock pages we didn't use */
		mpage_release_unused_pages(&mpd, give_up_on_write);
		/* Drop our io_end reference we got from init */
		ext4_put_io_end(mpd.io_submit.io_end);

		if (ret == -ENOSPC && sbi->s_journal &&
		    enospc_retries++ < 64) {
			/* Commit the transaction that freed blocks, retry. */
			jbd2_journal_force_commit_nested(sbi->s_journal);
			ret = 0;
			continue;
		}
		/* Fatal error - ENOMEM, EIO... */
		if (ret)
			break;
	}
	return ret;
}

int ext4_writepage(struct page *page, struct writeback_control *wbc)
{
	struct inode *inode = page->mapping->host;
	struct ext4_io_submit io_submit;
	struct buffer_head *page_bufs;
	bool keep_towrite = false;
	unsigned len;
	loff_t size;
	int ret;

	size = i_size_read(inode);
	if (page->index == (pgoff_t)(size >> PAGE_SHIFT))
		len = (unsigned)(size & (PAGE_SIZE - 1));
	else
		len = PAGE_SIZE;

	page_bufs = page_buffers(page);
	/* No block allocation or extent work here: buffers that need it
	 * make the page go back dirty.  With one buffer per page the page
	 * cannot be written at all. */
	if (ext4_walk_page_buffers(NULL, page_bufs, 0, len, NULL,
				   ext4_bh_delay_or_unwritten)) {
		redirty_page_for_writepage(wbc, page);
		ext4_sim_io(inode->i_sb)->stats.writepage_skips++;
		if (inode->i_sb->s_blocksize == PAGE_SIZE) {
			unlock_page(page);
			return 0;
		}
		keep_towrite = true;
	}

	ext4_io_submit_init(&io_submit, wbc);
	io_submit.io_end = ext4_init_io_end(inode);
	ret = ext4_bio_write_page(&io_submit, page, (int)len, wbc,
				  keep_towrite);
	ext4_io_submit(&io_submit);
	/* Drop io_end reference we got from init */
	ext4_put_io_end_defer(io_submit.io_end);
	return ret;
}

/* ---- jbd2 data=ordered hooks ----------------------------------------------------------- */

/* journal_submit_inode_data_buffers: write (not wait) the inode's dirty
 * pages with ->writepage — never ->writepages, so the commit allocates
 * nothing. */
static int ext4_sim_journal_submit_inode_data(journal_t *journal,
					      struct jbd2_inode *jinode)
{
	struct address_space *mapping = jinode->i_vfs_inode->i_mapping;
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_ALL,
		.nr_to_write = (long)mapping->nrpages * 2,
		.range_start = 0,
		.range_end = i_size_read(mapping->host),
	};

	(void)journal;
	return generic_writepages(mapping, &wbc);
}

/* journal_finish_inode_data_buffers: wait for that data. */
static int ext4_sim_journal_finish_inode_data(journal_t *journal,
					      struct jbd2_inode *jinode)
{
	struct address_space *mapping = jinode->i_vfs_inode->i_mapping;

	(void)journal;
	return filemap_fdatawait_range(mapping, 0, LLONG_MAX_SIM);
}

int ext4_sim_writes_init(struct super_block *sb)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	int err;

	err = ext4_sim_io_init(sb);
	if (err)
		return err;
	if (!bdi_sim_writeback_init(sb, sb->s_costs)) {
		ext4_sim_io_free(sb);
		return -ENOMEM;
	}
	if (sbi->s_journal) {
		sbi->s_journal->j_submit_inode_data_buffers =
			ext4_sim_journal_submit_inode_data;
		sbi->s_journal->j_finish_inode_data_buffers =
			ext4_sim_journal_finish_inode_data;
	}
	return 0;
}

void ext4_sim_writes_stop(struct super_block *sb)
{
	bdi_sim_writeback_stop(sb);
	ext4_sim_io_stop(sb);
}

void ext4_sim_writes_free(struct super_block *sb)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);

	if (sbi->s_journal) {
		sbi->s_journal->j_submit_inode_data_buffers = NULL;
		sbi->s_journal->j_finish_inode_data_buffers = NULL;
	}
	bdi_sim_writeback_free(sb);
	ext4_sim_io_free(sb);
}
