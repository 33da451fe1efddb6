/* fs/ext4/readpage.c — reading file pages from disk: ext4_mpage_readpages
 * with its completion mpage_end_io (fs/ext4/readpage.c, v4.4.1), and the
 * ->readpage / ->readpages operations ext4_readpage / ext4_readpages
 * (fs/ext4/inode.c).
 *
 * The fast path maps each page's blocks with ext4_map_blocks (no handle;
 * i_data_sem (r) inside on an es-cache miss), reusing the previous mapping
 * across consecutive pages, and puts whole pages into read bios WITHOUT
 * attaching buffer heads.  A page that already has buffers, whose blocks
 * are not contiguous, or that has a hole followed by data ("confused")
 * falls back to block_read_full_page(ext4_get_block), which attaches
 * buffers mapped to the blocks the extent tree names right now (FIDELITY
 * 2.4) — the buffers later writes trust without another lookup.
 *
 * Locking: every page is locked (and, from readpages, inserted into the
 * page cache) before its blocks are mapped: page lock > i_data_sem
 * (FIDELITY 1.2).  The page lock passes to the IO, whose completion
 * unlocks the page; readers wait for the read in lock_page.
 *
 * Simplified: no inline data, no encryption, no cleancache (v4.4's
 * cleancache_get_page always misses without a backend).
 */
#include "config.h"

#include "fs/ext4/file.h"
#include "fs/ext4/ext4_extents.h"

/* PAGE_SIZE / 512: blocks of a page at the smallest block size. */
#define MAX_BUF_PER_PAGE (PAGE_SIZE / 512)

/* I/O completion of a multi-page bio: the data is in the pages. */
static void mpage_end_io(struct sim_rbio *rb)
{
	for (unsigned i = 0; i < rb->vcnt; i++)
		page_endio(rb->vec[i].page, READ, rb->bio.bi_error);
	sim_rbio_put(rb);
}

int ext4_mpage_readpages(struct address_space *mapping,
			 struct sim_list *pages, struct page *page,
			 unsigned nr_pages)
{
	struct sim_rbio *bio = NULL;
	sector_t last_block_in_bio = 0;
	struct inode *inode = mapping->host;
	struct super_block *sb = inode->i_sb;
	const unsigned blkbits = sb->s_blocksize_bits;
	const unsigned blocks_per_page = PAGE_SIZE >> blkbits;
	const unsigned blocksize = 1u << blkbits;
	sector_t block_in_file, last_block, last_block_in_file;
	sector_t blocks[MAX_BUF_PER_PAGE];
	unsigned page_block;
	unsigned relative_block = 0;
	struct ext4_map_blocks map = { 0 };

	for (; nr_pages; nr_pages--) {
		bool fully_mapped = true;
		unsigned first_hole = blocks_per_page;
		uint32_t length;

		if (pages) {
			/* Lowest index at the tail (readahead adds at the
			 * head, as list_add does). */
			page = sim_list_entry(pages->prev, struct page, lru);
			sim_list_del(&page->lru);
			if (add_to_page_cache_lru(page, mapping, page->index))
				goto next_page;
		}
		SIM_BUG_ON(!PageLocked(page));

		if (page_has_buffers(page))
			goto confused;

		block_in_file = (sector_t)page->index << (PAGE_SHIFT - blkbits);
		last_block = block_in_file + (sector_t)nr_pages * blocks_per_page;
		last_block_in_file = ((sector_t)i_size_read(inode) + blocksize - 1) >>
				     blkbits;
		if (last_block > last_block_in_file)
			last_block = last_block_in_file;
		page_block = 0;

		/* Map blocks using the previous result first. */
		if ((map.m_flags & EXT4_MAP_MAPPED) &&
		    block_in_file > map.m_lblk &&
		    block_in_file < (sector_t)map.m_lblk + map.m_len) {
			unsigned map_offset = (unsigned)(block_in_file - map.m_lblk);
			unsigned last = map.m_len - map_offset;

			for (relative_block = 0; ; relative_block++) {
				if (relative_block == last) {
					map.m_flags &= ~EXT4_MAP_MAPPED;
					break;
				}
				if (page_block == blocks_per_page)
					break;
				blocks[page_block] = map.m_pblk + map_offset +
						     relative_block;
				page_block++;
				block_in_file++;
			}
		}

		/* Then more ext4_map_blocks() calls until the page is done. */
		while (page_block < blocks_per_page) {
			if (block_in_file < last_block) {
				map.m_lblk = (ext4_lblk_t)block_in_file;
				map.m_len = (unsigned)(last_block - block_in_file);
				if (ext4_map_blocks(NULL, inode, &map, 0) < 0) {
					SetPageError(page);
					zero_user_segment(page, 0, PAGE_SIZE);
					unlock_page(page);
					goto next_page;
				}
			}
			if ((map.m_flags & EXT4_MAP_MAPPED) == 0) {
				fully_mapped = false;
				if (first_hole == blocks_per_page)
					first_hole = page_block;
				page_block++;
				block_in_file++;
				continue;
			}
			if (first_hole != blocks_per_page)
				goto confused;          /* hole -> non-hole */

			/* Contiguous blocks? */
			if (page_block && blocks[page_block - 1] != map.m_pblk - 1)
				goto confused;
			for (relative_block = 0; ; relative_block++) {
				if (relative_block == map.m_len) {
					map.m_flags &= ~EXT4_MAP_MAPPED;
					break;
				} else if (page_block == blocks_per_page) {
					break;
				}
				blocks[page_block] = map.m_pblk + relative_block;
				page_block++;
				block_in_file++;
			}
		}
		if (first_hole != blocks_per_page) {
			zero_user_segment(page, first_hole << blkbits, PAGE_SIZE);
			if (first_hole == 0) {
				SetPageUptodate(page);
				unlock_page(page);
				goto next_page;
			}
		} else if (fully_mapped) {
			SetPageMappedToDisk(page);
		}

		/* This page goes into a bio.  Send the current one off first
		 * if the page does not continue it on disk. */
		if (bio && last_block_in_bio != blocks[0] - 1) {
submit_and_realloc:
			sim_rbio_submit(bio);
			bio = NULL;
		}
		if (bio == NULL)
			bio = sim_rbio_alloc(sb, blocks[0], mpage_end_io);
		length = first_hole << blkbits;
		if (!sim_rbio_add_page(bio, page, NULL, 0, length))
			goto submit_and_realloc;
		/* From here the read owns the page lock; mpage_end_io
		 * unlocks. */
		page_sim_lock_hand_to_io(page);

		if (((map.m_flags & EXT4_MAP_BOUNDARY) &&
		     relative_block == map.m_len) ||
		    first_hole != blocks_per_page) {
			sim_rbio_submit(bio);
			bio = NULL;
		} else {
			last_block_in_bio = blocks[blocks_per_page - 1];
		}
		goto next_page;
confused:
		if (bio) {
			sim_rbio_submit(bio);
			bio = NULL;
		}
		if (!PageUptodate(page))
			block_read_full_page(page, ext4_get_block);
		else
			unlock_page(page);
next_page:
		if (pages)
			put_page(page);
	}
	SIM_BUG_ON(pages && !sim_list_empty(pages));
	if (bio)
		sim_rbio_submit(bio);
	return 0;
}

int ext4_readpage(struct file *file, struct page *page)
{
	(void)file;
	/* No inline data in the model: always the mpage path. */
	return ext4_mpage_readpages(page->mapping, NULL, page, 1);
}

int ext4_readpages(struct file *file, struct address_space *mapping,
		   struct sim_list *pages, unsigned nr_pages)
{
	(void)file;
	return ext4_mpage_readpages(mapping, pages, NULL, nr_pages);
}
