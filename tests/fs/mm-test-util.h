/* tests/fs/mm-test-util.h — a world with one file and its page cache, for
 * the page-cache and mm tests: pages with recognisable contents (every byte
 * of page i is byte k of write stamp 1000 + i), buffers, and running task
 * functions to completion. */
#ifndef TESTS_FS_MM_TEST_UTIL_H
#define TESTS_FS_MM_TEST_UTIL_H

#include <glib.h>
#include <string.h>

#include "fs/mm.h"

#define STAMP(i) ((sim_stamp_t)(1000 + (i)))

struct mmt {
	struct sim_world *w;
	struct mm_sim *s;
	struct super_block sb;
	struct inode inode;
	struct address_space *mapping;
	struct file file;
	/* findings reported through the world's hook */
	unsigned findings;
	char kind[32];
	char *report;
};

static void mmt_finding(void *ctx, struct sim_world *w, const char *kind,
			const char *report)
{
	struct mmt *m = ctx;

	m->findings++;
	g_strlcpy(m->kind, kind, sizeof(m->kind));
	g_free(m->report);
	m->report = g_strdup(report);
	if (g_test_verbose())
		g_printerr("%s", report);
}

/* Zero costs by default: tests that check times set the costs they need.
 * shuffle_seed != 0: same-time events run in a seeded random order. */
static inline struct mmt *mmt_new_shuffled(const struct mm_sim_costs *costs,
					   unsigned blocksize,
					   uint64_t shuffle_seed)
{
	struct sim_world_params p = { .seed = shuffle_seed ? shuffle_seed : 1,
				      .tie_shuffle = shuffle_seed != 0 };
	struct mm_sim_costs zero = { 0 };
	struct mmt *m = g_new0(struct mmt, 1);

	m->w = sim_world_new(&p);
	sim_world_set_finding_hook(m->w, mmt_finding, m);
	m->s = mm_sim_new(m->w, costs ? costs : &zero);
	m->sb.s_blocksize = blocksize;
	m->sb.s_blocksize_bits = (unsigned)__builtin_ctz(blocksize);
	m->sb.s_world = m->w;
	m->inode.i_ino = 12;
	m->inode.i_sb = &m->sb;
	m->inode.i_mapping = &m->inode.i_data;
	m->mapping = &m->inode.i_data;
	address_space_sim_init(m->mapping, &m->inode, m->s);
	m->file.f_inode = &m->inode;
	m->file.f_mapping = m->mapping;
	return m;
}

static inline struct mmt *mmt_new(const struct mm_sim_costs *costs,
				  unsigned blocksize)
{
	return mmt_new_shuffled(costs, blocksize, 0);
}

static inline void mmt_free(struct mmt *m)
{
	sim_world_free(m->w);
	address_space_sim_destroy(m->mapping);
	g_assert_cmpuint(m->s->nr_cache_pages, ==, 0);
	mm_sim_free(m->s);
	g_free(m->report);
	g_free(m);
}

/* Set-up code runs outside any task: no cost, no lock waits. */
static inline struct page *mmt_add_page(struct mmt *m, pgoff_t index,
					bool with_buffers)
{
	struct page *page = page_cache_alloc(m->mapping);

	g_assert_cmpint(add_to_page_cache_lru(page, m->mapping, index), ==, 0);
	sim_contents_set(&page->contents, 0, PAGE_SIZE, STAMP(index), 0);
	SetPageUptodate(page);
	if (with_buffers) {
		struct buffer_head *head, *bh;
		unsigned i = 0;

		create_empty_buffers(page, m->sb.s_blocksize,
				     1ul << BH_Mapped);
		head = bh = page_buffers(page);
		do {
			bh->b_blocknr = 100000 + index * 16 + i++;
			bh = bh->b_this_page;
		} while (bh != head);
	}
	unlock_page(page);
	put_page(page);
	return page;
}

/* Every byte of page index outside [zfrom, zto) is its original stamp,
 * every byte inside is zero. */
static inline void mmt_assert_contents(const struct page *page, pgoff_t index,
				       unsigned zfrom, unsigned zto)
{
	for (unsigned off = 0; off < PAGE_SIZE; off += 1) {
		uint32_t origin;
		sim_stamp_t st = sim_contents_at(&page->contents, off, &origin);

		if (off >= zfrom && off < zto) {
			g_assert_cmpuint(st, ==, 0);
		} else {
			g_assert_cmpuint(st, ==, STAMP(index));
			g_assert_cmpuint(origin, ==, off);
		}
	}
}

static inline void mmt_check(struct mmt *m)
{
	char why[160] = "";

	if (!page_cache_sim_check(m->mapping, why, sizeof(why)))
		g_error("page cache check: %s", why);
	if (!mm_sim_check(m->s, why, sizeof(why)))
		g_error("mm check: %s", why);
}

#endif /* TESTS_FS_MM_TEST_UTIL_H */
