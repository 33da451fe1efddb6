/* tests/fs/test-read.c — buffered read(2) and readahead on a mounted
 * filesystem: read returns exactly the blocks' bytes (sub-page offsets,
 * page-crossing, EOF clamping, not-uptodate pages re-read); the readahead
 * window starts small and doubles up to ra_pages while PG_readahead marks
 * trigger the next window; mmap read-around; readahead(2), fadvise and
 * madvise WILLNEED fill the cache without mapping anything; readpage's
 * fast path attaches no buffers while a page with non-contiguous blocks
 * (1 KiB blocks) goes through block_read_full_page and gets buffers mapped
 * to the blocks the extent tree names; under v5.15's strategy a read that
 * must create a page waits for invalidate_lock, a cached one does not. */
#include "config.h"

#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"
#include "tests/fs/fixture/faults-harness.h"

/* ---- reading --------------------------------------------------------------------------- */

struct sink {
	struct fh *h;
	uint64_t bytes;
	loff_t next;             /* expected next file offset */
};

static void check_sink(void *ctx, loff_t pos, const struct sim_contents *src,
		       uint32_t soff, uint32_t len)
{
	struct sink *s = ctx;

	g_assert_cmpint(pos, ==, s->next);
	fh_assert_file_bytes(s->h, src, soff, pos, len);
	s->bytes += len;
	s->next = pos + len;
}

struct read_arg {
	struct fh *h;
	loff_t pos;
	size_t count;
	sim_time_t delay;
	ssize_t ret;
	struct sink sink;
	sim_time_t done_at;
};

static void read_task(struct sim_task *t, void *arg)
{
	struct read_arg *r = arg;

	if (r->delay)
		sim_task_sleep(t, r->delay);
	r->sink = (struct sink){ .h = r->h, .next = r->pos };
	r->ret = ext4_sim_read(&r->h->file, &r->pos, r->count, check_sink,
			       &r->sink);
	r->done_at = sim_task_now(t);
}

/* A read whose bytes are not checked here (the oracle checks them). */
static void read_task_nocheck(struct sim_task *t, void *arg)
{
	struct read_arg *r = arg;

	(void)t;
	r->ret = ext4_sim_read(&r->h->file, &r->pos, r->count, NULL, NULL);
}

static ssize_t do_read(struct fh *h, loff_t pos, size_t count)
{
	struct read_arg r = { .h = h, .pos = pos, .count = count };

	fh_spawn(h, "read", read_task, &r);
	fh_run(h);
	g_assert_cmpuint(r.sink.bytes, ==, r.ret > 0 ? (uint64_t)r.ret : 0);
	if (r.ret > 0)
		g_assert_cmpint(r.pos, ==, pos + r.ret);
	return r.ret;
}

static void test_read_bytes(void)
{
	struct fh_opts o = { .file_blocks = 8 };
	struct fh *h = fh_new(&o);

	g_assert_cmpint(do_read(h, 100, 3 * PAGE_SIZE), ==, 3 * PAGE_SIZE);
	g_assert_cmpint(do_read(h, 5 * PAGE_SIZE + 7, 10), ==, 10);
	/* EOF clamps */
	g_assert_cmpint(do_read(h, 7 * PAGE_SIZE + 4000, 1000), ==, 96);
	g_assert_cmpint(do_read(h, 8 * PAGE_SIZE, 100), ==, 0);
	g_assert_true(page_cache_sim_check(h->inode->i_mapping, NULL, 0));
	fh_free(h);
}

/* A read that ends before its first page (at or past EOF) keeps the
 * readahead state's prev_pos — -1 on a fresh file, which the kernel turns
 * into prev_index ULONG_MAX and back with a wrapping signed shift; the
 * model's shift overflowed a signed long (UBSan, issue 11 finding 6: an
 * 8 KiB file, readers, a collapse shrinking it under them). */
static void test_read_past_eof_keeps_prev_pos(void)
{
	struct fh_opts o = { .file_blocks = 2 };
	struct fh *h = fh_new(&o);

	g_assert_cmpint(h->file.f_ra.prev_pos, ==, -1);
	g_assert_cmpint(do_read(h, 4 * PAGE_SIZE, 100), ==, 0);
	g_assert_cmpint(h->file.f_ra.prev_pos, ==, -1);
	g_assert_cmpint(do_read(h, 2 * PAGE_SIZE, 1), ==, 0);
	g_assert_cmpint(h->file.f_ra.prev_pos, ==, -1);
	g_assert_cmpint(do_read(h, 0, 100), ==, 100);
	g_assert_cmpint(h->file.f_ra.prev_pos, ==, 100);
	g_assert_cmpint(do_read(h, 4 * PAGE_SIZE, 100), ==, 0);
	g_assert_cmpint(h->file.f_ra.prev_pos, ==, 100);
	fh_free(h);
}

/* A cached page that is not uptodate (an earlier read error) is read
 * again under its lock. */
static void test_read_not_uptodate_page(void)
{
	struct fh_opts o = { .file_blocks = 8 };
	struct fh *h = fh_new(&o);
	struct page *page = page_cache_alloc(h->inode->i_mapping);

	g_assert_cmpint(add_to_page_cache_lru(page, h->inode->i_mapping, 2),
			==, 0);
	SetPageError(page);
	unlock_page(page);
	put_page(page);
	h->file.f_ra.ra_pages = 0;
	g_assert_cmpint(do_read(h, 2 * PAGE_SIZE, PAGE_SIZE), ==, PAGE_SIZE);
	g_assert_true(PageUptodate(page));
	g_assert_false(PageError(page));
	fh_free(h);
}

/* ---- readahead windows ---------------------------------------------------------------- */

static void test_readahead_window_growth(void)
{
	struct fh_opts o = { .file_blocks = 256 };
	struct fh *h = fh_new(&o);
	struct file_ra_state *ra = &h->file.f_ra;
	struct address_space *mapping = h->inode->i_mapping;
	/* (page read -> window after it): the marks sit at start + size -
	 * async_size, and each marked page starts the next, doubled window. */
	static const struct { pgoff_t page, start; unsigned size; } want[] = {
		{ 0, 0, 4 }, { 1, 4, 8 }, { 4, 12, 16 }, { 12, 28, 32 },
		{ 28, 60, 32 }, { 60, 92, 32 },
	};
	unsigned w = 0;

	g_assert_cmpuint(ra->ra_pages, ==, 32);
	for (pgoff_t p = 0; p <= 60; p++) {
		g_assert_cmpint(do_read(h, (loff_t)p * PAGE_SIZE, PAGE_SIZE), ==,
				PAGE_SIZE);
		if (w < G_N_ELEMENTS(want) && p == want[w].page) {
			g_assert_cmpuint(ra->start, ==, want[w].start);
			g_assert_cmpuint(ra->size, ==, want[w].size);
			w++;
		}
		/* everything up to the window's end is cached already */
		for (pgoff_t q = p; q < ra->start + ra->size; q++)
			g_assert_nonnull(page_cache_sim_peek(mapping, q));
	}
	g_assert_cmpuint(w, ==, G_N_ELEMENTS(want));
	g_assert_null(page_cache_sim_peek(mapping, want[w - 1].start +
					  want[w - 1].size));
	fh_free(h);
}

struct load_arg {
	struct fh *h;
	unsigned long addr;
	int err;
};

static void load_task(struct sim_task *t, void *arg)
{
	struct load_arg *l = arg;

	(void)t;
	l->err = mm_sim_user_load(l->h->proc, l->addr, 8, NULL);
}

/* A mapped read of page 100 reads around it: ra_pages centred. */
static void test_mmap_read_around(void)
{
	struct fh_opts o = { .file_blocks = 256 };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, 256, true, false);
	struct load_arg l = { .h = h, .addr = vma->vm_start + 100 * PAGE_SIZE };
	struct address_space *mapping = h->inode->i_mapping;

	fh_spawn(h, "load", load_task, &l);
	fh_run(h);
	g_assert_cmpint(l.err, ==, 0);
	g_assert_cmpuint(h->file.f_ra.start, ==, 84);
	g_assert_cmpuint(h->file.f_ra.size, ==, 32);
	g_assert_cmpuint(h->file.f_ra.async_size, ==, 8);
	g_assert_null(page_cache_sim_peek(mapping, 83));
	for (pgoff_t i = 84; i < 116; i++)
		g_assert_true(PageUptodate(page_cache_sim_peek(mapping, i)));
	g_assert_null(page_cache_sim_peek(mapping, 116));
	/* the mark at start + size - async_size */
	g_assert_true(PageReadahead(page_cache_sim_peek(mapping, 108)));
	fh_free(h);
}

/* ---- readahead(2), fadvise, madvise WILLNEED -------------------------------------------- */

struct advise_arg {
	struct fh *h;
	int which;               /* 0 readahead(2), 1 fadvise, 2 madvise */
	loff_t off;
	size_t len;
	unsigned long addr;
	long ret;
};

static void advise_task(struct sim_task *t, void *arg)
{
	struct advise_arg *a = arg;

	(void)t;
	if (a->which == 0)
		a->ret = sys_readahead(&a->h->file, a->off, a->len);
	else if (a->which == 1)
		a->ret = sys_fadvise64_64(&a->h->file, a->off, (loff_t)a->len,
					  POSIX_FADV_WILLNEED);
	else
		a->ret = sys_madvise(a->h->proc, a->addr, a->len, MADV_WILLNEED);
}

static void test_willneed(void)
{
	for (int which = 0; which < 3; which++) {
		struct fh_opts o = { .file_blocks = 16 };
		struct fh *h = fh_new(&o);
		struct vm_area_struct *vma = fh_mmap(h, 16, true, false);
		struct address_space *mapping = h->inode->i_mapping;
		struct advise_arg a = {
			.h = h, .which = which, .off = 2 * PAGE_SIZE + 10,
			.len = 4 * PAGE_SIZE - 10,
			.addr = vma->vm_start + 2 * PAGE_SIZE,
		};

		if (which == 2)
			a.len = 4 * PAGE_SIZE;
		fh_spawn(h, "advise", advise_task, &a);
		fh_run(h);
		g_assert_cmpint(a.ret, ==, 0);
		for (pgoff_t i = 0; i < 16; i++) {
			struct page *page = page_cache_sim_peek(mapping, i);

			g_assert_false(pte_present(vma->ptes[i]));
			if (i < 2 || i >= 6) {
				g_assert_null(page);
				continue;
			}
			g_assert_nonnull(page);
			g_assert_true(PageUptodate(page));
			g_assert_false(PageLocked(page));
			g_assert_false(PageReadahead(page));
			fh_assert_file_bytes(h, &page->contents, 0,
					     (loff_t)i * PAGE_SIZE, PAGE_SIZE);
		}
		fh_free(h);
	}
}

/* ---- readpage: fast path vs block_read_full_page --------------------------------------- */

/* Another file takes the block right after the file's block 0. */
static void alloc_other_task(struct sim_task *t, void *arg)
{
	struct fh *h = arg;
	struct inode *other = ext4_sim_new_inode(h->sb);
	struct ext4_allocation_request ar = {
		.inode = other, .len = 1, .logical = 0,
		.goal = fh_pblk(h, 0) + 1,
		.flags = EXT4_MB_HINT_DATA | EXT4_MB_HINT_TRY_GOAL,
	};
	int err = 0;

	(void)t;
	g_assert_cmpuint(ext4_mb_new_blocks(NULL, &ar, &err), ==,
			 fh_pblk(h, 0) + 1);
	g_assert_cmpint(err, ==, 0);
	ext4_sim_free_inode(other);
}

static void test_block_read_full_page(void)
{
	struct fh_opts o = { .blocksize = 1024 };
	struct fh *h = fh_new(&o);
	struct address_space *mapping = h->inode->i_mapping;
	struct buffer_head *bh, *head;
	struct page *page;
	unsigned i = 0;

	/* page 0: block 0, then another file's block, then blocks 1..3 —
	 * not contiguous on disk */
	fh_alloc(h, 0, 1);
	fh_spawn(h, "other", alloc_other_task, h);
	fh_run(h);
	fh_alloc(h, 1, 3);
	g_assert_cmpuint(fh_pblk(h, 1), !=, fh_pblk(h, 0) + 1);
	/* page 1: contiguous blocks 4..7; page 2: blocks 8, 9 then a hole */
	fh_alloc(h, 4, 6);
	i_size_write(h->inode, 3 * PAGE_SIZE);
	h->file.f_ra.ra_pages = 0;

	g_assert_cmpint(do_read(h, 0, 2 * PAGE_SIZE), ==, 2 * PAGE_SIZE);
	/* confused page: buffers mapped to the tree's blocks right now */
	page = page_cache_sim_peek(mapping, 0);
	g_assert_true(PageUptodate(page) && page_has_buffers(page));
	head = bh = page_buffers(page);
	do {
		g_assert_true(buffer_mapped(bh) && buffer_uptodate(bh));
		g_assert_cmpuint(bh->b_blocknr, ==, fh_pblk(h, i));
		i++;
		bh = bh->b_this_page;
	} while (bh != head);
	g_assert_cmpuint(i, ==, 4);
	/* contiguous page: the bio path, no buffers */
	page = page_cache_sim_peek(mapping, 1);
	g_assert_true(PageUptodate(page) && !page_has_buffers(page));
	g_assert_true(PageMappedToDisk(page));

	/* hole after data in one page: fast path zeroes the tail */
	{
		struct read_arg r = { .h = h, .pos = 2 * PAGE_SIZE,
				      .count = 2048 };

		fh_spawn(h, "read", read_task, &r);
		fh_run(h);
		g_assert_cmpint(r.ret, ==, 2048);
		page = page_cache_sim_peek(mapping, 2);
		g_assert_true(PageUptodate(page));
		g_assert_false(PageMappedToDisk(page));
		g_assert_true(sim_contents_is_zero(&page->contents, 2048, 2048));
	}
	fh_free(h);
}

/* ---- v5.15: read(2) creates pages under invalidate_lock ------------------------------- */

struct holder_arg {
	struct sim_rwsem *sem;
};

static void holder_task(struct sim_task *t, void *arg)
{
	struct holder_arg *a = arg;

	down_write(a->sem);
	sim_task_sleep(t, 100 * SIM_USEC);
	up_write(a->sem);
}

static sim_time_t read_while_held(struct fh *h, pgoff_t page)
{
	struct holder_arg ha = { .sem = &h->inode->i_mapping->invalidate_lock };
	struct read_arg r = { .h = h, .pos = (loff_t)page * PAGE_SIZE,
			      .count = 100, .delay = SIM_USEC };
	sim_time_t t0 = sim_world_now(h->w);

	fh_spawn(h, "holder", holder_task, &ha);
	fh_spawn(h, "read", read_task, &r);
	fh_run(h);
	g_assert_cmpint(r.ret, ==, 100);
	return r.done_at - t0;
}

static void test_v515_read_paths(void)
{
	struct fh_opts o = { .file_blocks = 64, .lock_ops = &ext4_lock_invalidate_lock };
	struct fh *h = fh_new(&o);

	/* the readahead batch (or the page creation) needs the lock */
	g_assert_cmpint(read_while_held(h, 3), >=, 100 * SIM_USEC);
	/* cached and uptodate now: no lock */
	g_assert_cmpint(read_while_held(h, 3), <, 100 * SIM_USEC);
	/* without readahead: filemap_create_page takes it */
	h->file.f_ra.ra_pages = 0;
	g_assert_cmpint(read_while_held(h, 40), >=, 100 * SIM_USEC);
	fh_free(h);

	/* v4.5's strategy leaves read(2) alone (FIDELITY 3.3) */
	o.lock_ops = &ext4_lock_i_mmap_sem;
	h = fh_new(&o);
	g_assert_cmpint(read_while_held(h, 3), <, 100 * SIM_USEC);
	fh_free(h);
}

/* ---- the oracle hears what reads and mapped loads return ------------------------------ */

struct mixed_arg {
	struct fh *h;
	struct vm_area_struct *vma;
	sim_stamp_t st;
};

static void mixed_task(struct sim_task *t, void *arg)
{
	struct mixed_arg *m = arg;
	struct fh *h = m->h;
	loff_t pos = 100;

	(void)t;
	g_assert_cmpint(ext4_sim_read(&h->file, &pos, 2 * PAGE_SIZE, NULL,
				      NULL), ==, 2 * PAGE_SIZE);
	g_assert_cmpint(mm_sim_user_load(h->proc, m->vma->vm_start + 5000, 300,
					 NULL), ==, 0);
	g_assert_cmpint(mm_sim_user_store(h->proc,
					  m->vma->vm_start + 3 * PAGE_SIZE + 8,
					  16, m->st), ==, 0);
	/* the store is visible to read(2) and to loads */
	pos = 3 * PAGE_SIZE;
	g_assert_cmpint(ext4_sim_read(&h->file, &pos, 64, NULL, NULL), ==, 64);
	g_assert_cmpint(mm_sim_user_load(h->proc,
					 m->vma->vm_start + 3 * PAGE_SIZE, 64,
					 NULL), ==, 0);
}

static void test_oracle_reads(void)
{
	struct fh_opts o = { .file_blocks = 8 };
	struct fh *h = fh_new(&o);
	struct fs_oracle *oracle = fs_oracle_new(h->w, h->sb);
	struct mixed_arg m = { .h = h, .vma = fh_mmap(h, 8, true, true) };
	struct ext4_sim_disk *disk = EXT4_SB(h->sb)->s_disk;
	struct sim_contents junk;
	loff_t pos;

	/* the contents laid down at set-up */
	fs_oracle_add_inode(h->inode);
	for (uint32_t b = 0; b < 8; b++)
		fs_oracle_write(h->inode, (loff_t)b * PAGE_SIZE, PAGE_SIZE,
				FH_STAMP(b));
	m.st = sim_stamp_new(&disk->stamps, h->inode->i_ino,
			     3 * PAGE_SIZE + 8, 16, SIM_STAMP_MMAP, 1, 0);
	fh_spawn(h, "mixed", mixed_task, &m);
	fh_run(h);
	g_assert_cmpuint(fs_oracle_count(oracle, FS_ORACLE_STALE_READ), ==, 0);

	/* bytes nobody wrote appear in block 6 behind the oracle's back: a
	 * read of it returns them, and the oracle objects */
	sim_contents_init(&junk, PAGE_SIZE);
	sim_contents_set(&junk, 0, PAGE_SIZE, 999999, 0);
	ext4_sim_disk_write(disk, fh_pblk(h, 6), 0, PAGE_SIZE, &junk, 0,
			    (uint32_t)h->inode->i_ino, 6, NULL);
	sim_contents_destroy(&junk);
	pos = 6 * PAGE_SIZE;
	{
		struct read_arg r = { .h = h, .pos = pos, .count = 10 };

		/* page 6 may be cached by readahead already: drop it */
		truncate_inode_pages_range(h->inode->i_mapping, 6 * PAGE_SIZE,
					   7 * PAGE_SIZE - 1);
		r.sink.h = NULL;
		fh_spawn(h, "stale-read", read_task_nocheck, &r);
		fh_run(h);
		g_assert_cmpint(r.ret, ==, 10);
	}
	g_assert_cmpuint(fs_oracle_count(oracle, FS_ORACLE_STALE_READ), >=, 1);
	fs_oracle_free(oracle);
	fh_free(h);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/read/bytes", test_read_bytes);
	g_test_add_func("/read/past-eof-keeps-prev-pos",
			test_read_past_eof_keeps_prev_pos);
	g_test_add_func("/read/not-uptodate-page", test_read_not_uptodate_page);
	g_test_add_func("/read/readahead-window-growth",
			test_readahead_window_growth);
	g_test_add_func("/read/mmap-read-around", test_mmap_read_around);
	g_test_add_func("/read/willneed", test_willneed);
	g_test_add_func("/read/block-read-full-page", test_block_read_full_page);
	g_test_add_func("/read/v5.15-read-paths", test_v515_read_paths);
	g_test_add_func("/read/oracle", test_oracle_reads);
	return g_test_run();
}
