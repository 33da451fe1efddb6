/* tests/fs/test-fault.c — page faults on a mounted filesystem: a read
 * fault instantiates an uptodate page with the block's contents behind a
 * read-only PTE; shared write faults go through ->page_mkwrite and leave
 * the PTE writable and the page dirty; fault-around maps only cached,
 * uptodate, unlocked pages and instantiates none; truncate racing a fault
 * ends in SIGBUS through the i_size checks, while a punch-like page-cache
 * truncation (i_size unchanged) is simply refilled; COW faults leave the
 * page cache untouched; madvise(DONTNEED) zaps; under the i_mmap_sem
 * strategy a fault waits for a task holding the lock for write, under
 * invalidate_lock only when it must create a page; DAX faults map the disk
 * block itself, and a block allocated over a hole never shows its old
 * contents, even to a fault racing the allocation. */
#include "config.h"

#include "fs/block/disk.h"
#include "tests/fs/fixture/faults-harness.h"

#define NPAGES 8

/* ---- helpers ------------------------------------------------------------------------ */

static unsigned long page_addr(const struct vm_area_struct *vma, pgoff_t i)
{
	return vma->vm_start + i * PAGE_SIZE;
}

static pte_t *pte_of(struct vm_area_struct *vma, pgoff_t i)
{
	return pte_offset_map(vma, page_addr(vma, i));
}

struct access {
	struct fh *h;
	struct vm_area_struct *vma;
	pgoff_t page;
	uint32_t off, len;
	bool write;
	sim_stamp_t stamp;
	sim_time_t delay;          /* sleep before the access */
	struct sim_contents got;   /* loads: what was read */
	int err;
	sim_time_t done_at;
	bool done;
};

static void access_task(struct sim_task *t, void *arg)
{
	struct access *a = arg;
	unsigned long addr = page_addr(a->vma, a->page) + a->off;

	if (a->delay)
		sim_task_sleep(t, a->delay);
	if (a->write)
		a->err = mm_sim_user_store(a->h->proc, addr, a->len, a->stamp);
	else
		a->err = mm_sim_user_load(a->h->proc, addr, a->len, &a->got);
	a->done_at = sim_task_now(t);
	a->done = true;
}

/* Run one access in its own task to completion. */
static int do_access(struct fh *h, struct vm_area_struct *vma, pgoff_t page,
		     uint32_t off, uint32_t len, bool write, sim_stamp_t stamp,
		     struct sim_contents *got)
{
	struct access a = { .h = h, .vma = vma, .page = page, .off = off,
			    .len = len, .write = write, .stamp = stamp };

	sim_contents_init(&a.got, PAGE_SIZE);
	fh_spawn(h, write ? "store" : "load", access_task, &a);
	fh_run(h);
	g_assert_true(a.done);
	if (got)
		sim_contents_assign(got, &a.got);
	sim_contents_destroy(&a.got);
	return a.err;
}

/* A page-cache page inserted from set-up code with the block's contents. */
static struct page *add_cached(struct fh *h, pgoff_t index, bool uptodate)
{
	struct page *page = page_cache_alloc(h->inode->i_mapping);

	g_assert_cmpint(add_to_page_cache_lru(page, h->inode->i_mapping, index),
			==, 0);
	if (uptodate) {
		sim_contents_assign(&page->contents,
				    ext4_sim_disk_contents(EXT4_SB(h->sb)->s_disk,
							   fh_pblk(h, (uint32_t)index)));
		SetPageUptodate(page);
	}
	unlock_page(page);
	put_page(page);
	return page;
}

static sim_stamp_t new_stamp(struct fh *h, loff_t off, uint32_t len)
{
	return sim_stamp_new(&EXT4_SB(h->sb)->s_disk->stamps, h->inode->i_ino,
			     off, len, SIM_STAMP_MMAP, 0, sim_world_now(h->w));
}

/* ---- read fault ------------------------------------------------------------------------ */

static void test_read_fault(void)
{
	struct fh_opts o = { .file_blocks = NPAGES };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, NPAGES, true, false);
	struct sim_contents got;
	struct page *page;
	pte_t *pte;

	sim_contents_init(&got, PAGE_SIZE);
	g_assert_cmpint(do_access(h, vma, 3, 10, 100, false, 0, &got), ==, 0);
	/* the load saw the block's bytes */
	fh_assert_file_bytes(h, &got, 0, 3 * PAGE_SIZE + 10, 100);

	/* an uptodate cached page with the block's contents, read-only PTE */
	page = page_cache_sim_peek(h->inode->i_mapping, 3);
	g_assert_nonnull(page);
	g_assert_true(PageUptodate(page));
	g_assert_false(PageLocked(page));
	g_assert_false(PageDirty(page));
	g_assert_true(sim_contents_equal(&page->contents,
			ext4_sim_disk_contents(EXT4_SB(h->sb)->s_disk,
					       fh_pblk(h, 3))));
	/* fast readpage path: no buffers, blocks all mapped */
	g_assert_false(page_has_buffers(page));
	g_assert_true(PageMappedToDisk(page));
	pte = pte_of(vma, 3);
	g_assert_true(pte_present(*pte));
	g_assert_false(pte_write(*pte));
	g_assert_true(pte_page(*pte) == page);
	/* readahead read around the fault, fault-around mapped the rest */
	for (pgoff_t i = 0; i < NPAGES; i++) {
		g_assert_nonnull(page_cache_sim_peek(h->inode->i_mapping, i));
		g_assert_true(pte_present(*pte_of(vma, i)));
	}
	g_assert_true(page_cache_sim_check(h->inode->i_mapping, NULL, 0));
	sim_contents_destroy(&got);
	fh_free(h);
}

/* Beyond EOF: SIGBUS, nothing instantiated. */
static void test_fault_beyond_eof(void)
{
	struct fh_opts o = { .file_blocks = 2 };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, 4, true, false);

	g_assert_cmpint(do_access(h, vma, 3, 0, 8, false, 0, NULL), ==,
			VM_FAULT_SIGBUS);
	g_assert_null(page_cache_sim_peek(h->inode->i_mapping, 3));
	g_assert_false(pte_present(*pte_of(vma, 3)));
	fh_free(h);
}

/* ---- shared write fault and ->page_mkwrite --------------------------------------- */

static unsigned mkwrite_calls;

static int counting_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	mkwrite_calls++;
	g_assert_false(PageLocked(vmf->page));  /* called unlocked */
	return ext4_page_mkwrite(vma, vmf);
}

static const struct vm_operations_struct counting_vm_ops = {
	.fault = ext4_filemap_fault,
	.map_pages = filemap_map_pages,
	.page_mkwrite = counting_mkwrite,
};

static void test_shared_write_fault(void)
{
	struct fh_opts o = { .file_blocks = NPAGES };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, NPAGES, true, true);
	sim_stamp_t st = new_stamp(h, 2 * PAGE_SIZE + 100, 8);
	struct page *page;
	pte_t *pte;
	uint32_t origin;

	vma->vm_ops = &counting_vm_ops;
	mkwrite_calls = 0;
	/* no PTE: do_shared_fault -> ->fault, ->page_mkwrite, writable PTE */
	g_assert_cmpint(do_access(h, vma, 2, 100, 8, true, st, NULL), ==, 0);
	g_assert_cmpuint(mkwrite_calls, ==, 1);
	page = page_cache_sim_peek(h->inode->i_mapping, 2);
	pte = pte_of(vma, 2);
	g_assert_true(pte_present(*pte) && pte_write(*pte) && pte_dirty(*pte));
	g_assert_true(pte_page(*pte) == page);
	g_assert_true(PageDirty(page));
	g_assert_true(page_cache_sim_tag_get(h->inode->i_mapping, 2,
					     PAGECACHE_TAG_DIRTY));
	g_assert_cmpuint(sim_contents_at(&page->contents, 104, &origin), ==, st);
	g_assert_cmpuint(origin, ==, 4);
	fh_assert_file_bytes(h, &page->contents, 0, 2 * PAGE_SIZE, 100);

	/* read fault first (read-only PTE), then a store: do_wp_page ->
	 * wp_page_shared -> ->page_mkwrite again */
	g_assert_cmpint(do_access(h, vma, 5, 0, 4, false, 0, NULL), ==, 0);
	pte = pte_of(vma, 5);
	g_assert_true(pte_present(*pte) && !pte_write(*pte));
	page = pte_page(*pte);
	g_assert_false(PageDirty(page));
	st = new_stamp(h, 5 * PAGE_SIZE, 4);
	g_assert_cmpint(do_access(h, vma, 5, 0, 4, true, st, NULL), ==, 0);
	g_assert_cmpuint(mkwrite_calls, ==, 2);
	g_assert_true(pte_write(*pte) && pte_page(*pte) == page);
	g_assert_true(PageDirty(page));
	g_assert_cmpuint(sim_contents_at(&page->contents, 0, NULL), ==, st);
	g_assert_true(page_cache_sim_check(h->inode->i_mapping, NULL, 0));
	fh_free(h);
}

/* ---- fault-around ------------------------------------------------------------------------ */

static void test_fault_around(void)
{
	struct fh_opts o = { .file_blocks = 16 };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, 16, true, false);
	struct address_space *mapping = h->inode->i_mapping;
	struct page *locked;

	h->file.f_ra.ra_pages = 0;   /* no readahead: only the fault reads */
	for (pgoff_t i = 0; i < 16; i++) {
		if (i == 3 || i == 7 || i == 8)
			continue;                       /* not cached */
		add_cached(h, i, i != 4);               /* 4: not uptodate */
	}
	SetPageReadahead(page_cache_sim_peek(mapping, 5));
	locked = page_cache_sim_peek(mapping, 6);
	g_assert_true(trylock_page(locked));     /* somebody holds it */

	g_assert_cmpint(do_access(h, vma, 8, 0, 16, false, 0, NULL), ==, 0);
	for (pgoff_t i = 0; i < 16; i++) {
		bool want = !(i == 3 || i == 4 || i == 5 || i == 6 || i == 7);

		if (pte_present(*pte_of(vma, i)) != want)
			g_error("page %llu: PTE %s", (unsigned long long)i,
				want ? "missing" : "present");
	}
	/* only the faulting page was instantiated */
	g_assert_null(page_cache_sim_peek(mapping, 3));
	g_assert_null(page_cache_sim_peek(mapping, 7));
	g_assert_true(PageUptodate(page_cache_sim_peek(mapping, 8)));
	g_assert_false(PageUptodate(page_cache_sim_peek(mapping, 4)));
	unlock_page(locked);
	fh_free(h);
}

/* ---- truncate and punch racing a fault ------------------------------------------------ */

struct trunc_arg {
	struct fh *h;
	sim_time_t delay;
	loff_t newsize;          /* < 0: keep i_size (punch-like) */
	loff_t lstart, lend;
};

static void truncate_task(struct sim_task *t, void *arg)
{
	struct trunc_arg *a = arg;
	struct inode *inode = a->h->inode;

	sim_task_sleep(t, a->delay);
	if (a->newsize >= 0) {
		/* ext4_setattr order: i_size first, then the page cache. */
		i_size_write(inode, a->newsize);
		truncate_pagecache(inode, a->newsize);
	} else {
		truncate_pagecache_range(inode, a->lstart, a->lend);
	}
}

/* Truncate while the fault waits for its read IO: the retried fault sees
 * the new i_size and gets SIGBUS; nothing stays cached or mapped. */
static void truncate_during_read_io(uint64_t seed)
{
	struct fh_opts o = { .file_blocks = NPAGES, .shuffle_seed = seed };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, NPAGES, true, false);
	struct access a = { .h = h, .vma = vma, .page = 5, .len = 8 };
	struct trunc_arg t = { .h = h, .delay = 2 * SIM_USEC,
			       .newsize = PAGE_SIZE };

	h->file.f_ra.ra_pages = 0;
	sim_contents_init(&a.got, PAGE_SIZE);
	fh_spawn(h, "fault", access_task, &a);
	fh_spawn(h, "truncate", truncate_task, &t);
	fh_run(h);
	g_assert_true(a.done);
	g_assert_cmpint(a.err, ==, VM_FAULT_SIGBUS);
	g_assert_null(page_cache_sim_peek(h->inode->i_mapping, 5));
	g_assert_false(pte_present(*pte_of(vma, 5)));
	sim_contents_destroy(&a.got);
	fh_free(h);
}

/* The re-check under the page lock: the fault passed the first i_size
 * check and waits for the page lock; i_size drops meanwhile. */
struct locker_arg {
	struct fh *h;
	struct page *page;
};

static void locker_task(struct sim_task *t, void *arg)
{
	struct locker_arg *l = arg;

	lock_page(l->page);
	sim_task_sleep(t, 20 * SIM_USEC);
	i_size_write(l->h->inode, PAGE_SIZE);
	sim_task_sleep(t, 5 * SIM_USEC);
	unlock_page(l->page);
}

struct direct_fault {
	struct fh *h;
	struct vm_area_struct *vma;
	pgoff_t page;
	int ret;
};

static void direct_fault_task(struct sim_task *t, void *arg)
{
	struct direct_fault *d = arg;
	struct mm_struct *mm = d->h->proc;

	sim_task_sleep(t, SIM_USEC);
	down_read(&mm->mmap_sem);
	/* a second try (no ALLOW_RETRY): lock_page_or_retry sleeps */
	d->ret = handle_mm_fault(mm, d->vma, page_addr(d->vma, d->page),
				 FAULT_FLAG_USER | FAULT_FLAG_TRIED);
	up_read(&mm->mmap_sem);
}

static void isize_recheck_under_page_lock(uint64_t seed)
{
	struct fh_opts o = { .file_blocks = NPAGES, .shuffle_seed = seed };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, NPAGES, true, false);
	struct locker_arg l = { .h = h };
	struct direct_fault d = { .h = h, .vma = vma, .page = 5 };

	for (pgoff_t i = 0; i < NPAGES; i++)
		add_cached(h, i, true);
	l.page = page_cache_sim_peek(h->inode->i_mapping, 5);
	fh_spawn(h, "locker", locker_task, &l);
	fh_spawn(h, "fault", direct_fault_task, &d);
	fh_run(h);
	g_assert_cmpint(d.ret, ==, VM_FAULT_SIGBUS);
	g_assert_false(pte_present(*pte_of(vma, 5)));
	fh_free(h);
}

/* Nothing equivalent protects a punch (i_size unchanged): the fault that
 * waited for its read simply reads the page in again and maps it. */
static void punch_like_truncation_refilled(uint64_t seed)
{
	struct fh_opts o = { .file_blocks = NPAGES, .shuffle_seed = seed };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, NPAGES, true, false);
	struct access a = { .h = h, .vma = vma, .page = 5, .len = 8 };
	struct trunc_arg t = { .h = h, .delay = 2 * SIM_USEC, .newsize = -1,
			       .lstart = 5 * PAGE_SIZE,
			       .lend = 6 * PAGE_SIZE - 1 };
	struct page *page;

	h->file.f_ra.ra_pages = 0;
	sim_contents_init(&a.got, PAGE_SIZE);
	fh_spawn(h, "fault", access_task, &a);
	fh_spawn(h, "punch", truncate_task, &t);
	fh_run(h);
	g_assert_cmpint(a.err, ==, 0);
	fh_assert_file_bytes(h, &a.got, 0, 5 * PAGE_SIZE, 8);
	page = page_cache_sim_peek(h->inode->i_mapping, 5);
	g_assert_nonnull(page);
	g_assert_true(pte_present(*pte_of(vma, 5)));
	g_assert_true(pte_page(*pte_of(vma, 5)) == page);
	sim_contents_destroy(&a.got);
	fh_free(h);
}

/* The races again with same-time events in several seeded orders. */
static void test_truncate_during_read_io(void)
{
	for (uint64_t seed = 0; seed < 6; seed++)
		truncate_during_read_io(seed);
}

static void test_isize_recheck_under_page_lock(void)
{
	for (uint64_t seed = 0; seed < 6; seed++)
		isize_recheck_under_page_lock(seed);
}

static void test_punch_like_truncation_refilled(void)
{
	for (uint64_t seed = 0; seed < 6; seed++)
		punch_like_truncation_refilled(seed);
}

/* ---- COW --------------------------------------------------------------------------------- */

static void test_cow_faults(void)
{
	struct fh_opts o = { .file_blocks = NPAGES };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, NPAGES, false, true);
	struct address_space *mapping = h->inode->i_mapping;
	sim_stamp_t st = new_stamp(h, 2 * PAGE_SIZE, 16);
	const struct sim_contents *disk2 =
		ext4_sim_disk_contents(EXT4_SB(h->sb)->s_disk, fh_pblk(h, 2));
	struct page *cached, *anon;
	pte_t *pte;

	h->file.f_ra.ra_pages = 0;
	/* no PTE: do_cow_fault */
	g_assert_cmpint(do_access(h, vma, 2, 0, 16, true, st, NULL), ==, 0);
	pte = pte_of(vma, 2);
	anon = pte_page(*pte);
	g_assert_true(pte_write(*pte) && PageAnon(anon));
	g_assert_cmpuint(sim_contents_at(&anon->contents, 0, NULL), ==, st);
	fh_assert_file_bytes(h, &anon->contents, 16, 2 * PAGE_SIZE + 16,
			     PAGE_SIZE - 16);
	cached = page_cache_sim_peek(mapping, 2);
	g_assert_nonnull(cached);
	g_assert_false(PageDirty(cached));
	g_assert_false(page_mapped(cached));
	g_assert_true(sim_contents_equal(&cached->contents, disk2));

	/* read fault (file page, read-only), then a store: wp_page_copy */
	g_assert_cmpint(do_access(h, vma, 4, 0, 4, false, 0, NULL), ==, 0);
	pte = pte_of(vma, 4);
	cached = pte_page(*pte);
	g_assert_false(PageAnon(cached));
	st = new_stamp(h, 4 * PAGE_SIZE, 4);
	g_assert_cmpint(do_access(h, vma, 4, 0, 4, true, st, NULL), ==, 0);
	anon = pte_page(*pte);
	g_assert_true(PageAnon(anon) && anon != cached && pte_write(*pte));
	g_assert_false(PageDirty(cached));
	g_assert_false(page_mapped(cached));
	fh_assert_file_bytes(h, &cached->contents, 0, 4 * PAGE_SIZE, PAGE_SIZE);
	g_assert_false(mapping_tagged(mapping, PAGECACHE_TAG_DIRTY));
	g_assert_true(page_cache_sim_check(mapping, NULL, 0));
	fh_free(h);
}

/* ---- madvise(DONTNEED) ------------------------------------------------------------------ */

struct madv_arg {
	struct fh *h;
	unsigned long start;
	size_t len;
	int behavior;
	int ret;
};

static void madvise_task(struct sim_task *t, void *arg)
{
	struct madv_arg *m = arg;

	(void)t;
	m->ret = sys_madvise(m->h->proc, m->start, m->len, m->behavior);
}

static void test_madvise_dontneed(void)
{
	struct fh_opts o = { .file_blocks = NPAGES };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, NPAGES, true, false);
	struct madv_arg m = { .h = h, .start = page_addr(vma, 2),
			      .len = 4 * PAGE_SIZE, .behavior = MADV_DONTNEED };

	g_assert_cmpint(do_access(h, vma, 0, 0, 8, false, 0, NULL), ==, 0);
	for (pgoff_t i = 0; i < NPAGES; i++)
		g_assert_true(pte_present(*pte_of(vma, i)));
	fh_spawn(h, "madvise", madvise_task, &m);
	fh_run(h);
	g_assert_cmpint(m.ret, ==, 0);
	for (pgoff_t i = 0; i < NPAGES; i++) {
		g_assert_cmpint(pte_present(*pte_of(vma, i)), ==, i < 2 || i >= 6);
		/* the page cache keeps the pages */
		g_assert_nonnull(page_cache_sim_peek(h->inode->i_mapping, i));
		g_assert_cmpint(page_mapcount(page_cache_sim_peek(
					h->inode->i_mapping, i)), ==,
				i < 2 || i >= 6);
	}
	/* the next access faults the page back in */
	g_assert_cmpint(do_access(h, vma, 3, 0, 8, false, 0, NULL), ==, 0);
	g_assert_true(pte_present(*pte_of(vma, 3)));
	fh_free(h);
}

/* ---- strategies ------------------------------------------------------------------------------ */

struct holder_arg {
	struct fh *h;
	struct sim_rwsem *sem;
	sim_time_t hold;
};

static void holder_task(struct sim_task *t, void *arg)
{
	struct holder_arg *a = arg;

	down_write(a->sem);
	sim_task_sleep(t, a->hold);
	up_write(a->sem);
}

/* A load of page `page` at 1 us while a task holds sem (w) for 100 us;
 * returns when the load finished. */
static sim_time_t load_while_held(struct fh *h, struct vm_area_struct *vma,
				  struct sim_rwsem *sem, pgoff_t page)
{
	struct holder_arg ha = { .h = h, .sem = sem, .hold = 100 * SIM_USEC };
	struct access a = { .h = h, .vma = vma, .page = page, .len = 8,
			    .delay = SIM_USEC };
	sim_time_t t0 = sim_world_now(h->w);

	sim_contents_init(&a.got, PAGE_SIZE);
	fh_spawn(h, "holder", holder_task, &ha);
	fh_spawn(h, "fault", access_task, &a);
	fh_run(h);
	g_assert_cmpint(a.err, ==, 0);
	fh_assert_file_bytes(h, &a.got, 0, (loff_t)page * PAGE_SIZE, 8);
	sim_contents_destroy(&a.got);
	return a.done_at - t0;
}

static void test_fault_waits_for_i_mmap_sem(void)
{
	struct fh_opts o = { .file_blocks = NPAGES, .lock_ops = &ext4_lock_i_mmap_sem };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, NPAGES, true, false);
	struct sim_rwsem *sem = &EXT4_I(h->inode)->i_mmap_sem;

	g_assert_cmpint(load_while_held(h, vma, sem, 2), >=, 100 * SIM_USEC);
	fh_free(h);

	/* lockless (v4.4.1): the same fault does not wait */
	o.lock_ops = NULL;
	h = fh_new(&o);
	vma = fh_mmap(h, NPAGES, true, false);
	sem = &EXT4_I(h->inode)->i_mmap_sem;
	g_assert_cmpint(load_while_held(h, vma, sem, 2), <, 100 * SIM_USEC);
	fh_free(h);
}

/* Design B (i_data_sem strategy): the fault holds i_data_sem (r); a
 * writer queued behind it must not block the fault's own block lookups
 * (readpage inside the fault looks up without the lock), and a fault
 * waits for a task holding it (w). */
struct writer_arg {
	struct fh *h;
	sim_time_t delay, hold;
};

static void data_sem_writer(struct sim_task *t, void *arg)
{
	struct writer_arg *a = arg;

	sim_task_sleep(t, a->delay);
	down_write(&EXT4_I(a->h->inode)->i_data_sem);
	sim_task_sleep(t, a->hold);
	up_write(&EXT4_I(a->h->inode)->i_data_sem);
}

static void test_i_data_sem_design_fault(void)
{
	struct fh_opts o = { .file_blocks = 64,
			     .lock_ops = &ext4_lock_i_data_sem };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, 64, true, false);
	struct access a = { .h = h, .vma = vma, .page = 2, .len = 8 };
	struct writer_arg w = { .h = h, .delay = 500, .hold = SIM_USEC };

	g_assert_true(ext4_lock_i_data_sem.flags &
		      EXT4_LOCK_FAULT_HOLDS_DATA_SEM);
	/* an empty extent-status cache: lookups go to the tree, under
	 * i_data_sem unless the fault says it holds it */
	ext4_es_remove_extent(h->inode, 0, EXT_MAX_BLOCKS);
	sim_contents_init(&a.got, PAGE_SIZE);
	fh_spawn(h, "fault", access_task, &a);
	fh_spawn(h, "writer", data_sem_writer, &w);
	fh_run(h);   /* a self-deadlock would stop the world here */
	g_assert_cmpint(a.err, ==, 0);
	fh_assert_file_bytes(h, &a.got, 0, 2 * PAGE_SIZE, 8);
	sim_contents_destroy(&a.got);
	/* a page nobody cached yet */
	g_assert_null(page_cache_sim_peek(h->inode->i_mapping, 50));
	g_assert_cmpint(load_while_held(h, vma, &EXT4_I(h->inode)->i_data_sem,
					50), >=, 100 * SIM_USEC);
	fh_free(h);
}

static void test_v515_fault_fast_path(void)
{
	struct fh_opts o = { .file_blocks = NPAGES, .lock_ops = &ext4_lock_invalidate_lock };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, NPAGES, true, false);
	struct sim_rwsem *sem = &h->inode->i_mapping->invalidate_lock;

	h->file.f_ra.ra_pages = 0;
	/* a cached, uptodate page: mapped without the lock */
	add_cached(h, 1, true);
	g_assert_cmpint(load_while_held(h, vma, sem, 1), <, 100 * SIM_USEC);
	/* a missing page is created under the lock: waits */
	g_assert_cmpint(load_while_held(h, vma, sem, 6), >=, 100 * SIM_USEC);
	fh_free(h);
}

/* ---- DAX ---------------------------------------------------------------------------------------- */

static void test_dax_read_and_store(void)
{
	struct fh_opts o = { .file_blocks = NPAGES, .dax = true };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, NPAGES, true, true);
	struct ext4_sim_disk *disk = EXT4_SB(h->sb)->s_disk;
	struct sim_contents got;
	sim_stamp_t st;
	pte_t *pte;

	g_assert_true(vma->vm_ops == &ext4_dax_vm_ops);
	sim_contents_init(&got, PAGE_SIZE);
	g_assert_cmpint(do_access(h, vma, 3, 0, 64, false, 0, &got), ==, 0);
	fh_assert_file_bytes(h, &got, 0, 3 * PAGE_SIZE, 64);
	pte = pte_of(vma, 3);
	g_assert_true(pte_sim_is_pfn(*pte) && !pte_write(*pte));
	g_assert_cmpuint(pte_pfn(*pte), ==, fh_pblk(h, 3));
	g_assert_cmpuint(h->inode->i_mapping->nrpages, ==, 0);

	/* a store: pfn_mkwrite, then the bytes land in the block */
	st = new_stamp(h, 3 * PAGE_SIZE + 8, 8);
	g_assert_cmpint(do_access(h, vma, 3, 8, 8, true, st, NULL), ==, 0);
	g_assert_true(pte_write(*pte));
	g_assert_cmpuint(sim_contents_at(ext4_sim_disk_contents(disk,
							fh_pblk(h, 3)), 8, NULL),
			 ==, st);
	sim_contents_destroy(&got);
	fh_free(h);
}

static void test_dax_hole(void)
{
	struct fh_opts o = { .file_blocks = NPAGES, .dax = true };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma;
	struct ext4_sim_disk *disk = EXT4_SB(h->sb)->s_disk;
	struct sim_contents got;
	sim_stamp_t st;
	pte_t *pte;

	/* a hole after the allocated blocks, inside i_size */
	i_size_write(h->inode, (NPAGES + 4) * PAGE_SIZE);
	vma = fh_mmap(h, NPAGES + 4, true, true);
	sim_contents_init(&got, PAGE_SIZE);
	/* read: a zero page-cache page over the hole */
	g_assert_cmpint(do_access(h, vma, NPAGES + 1, 0, 32, false, 0, &got),
			==, 0);
	g_assert_true(sim_contents_is_zero(&got, 0, 32));
	pte = pte_of(vma, NPAGES + 1);
	g_assert_false(pte_sim_is_pfn(*pte));
	g_assert_nonnull(page_cache_sim_peek(h->inode->i_mapping, NPAGES + 1));
	g_assert_cmpuint(fh_pblk(h, NPAGES + 1), ==, 0);

	/* write: the block is allocated (unwritten, zeroed, converted), the
	 * hole page leaves the cache, the PTE maps the block */
	st = new_stamp(h, (NPAGES + 1) * PAGE_SIZE, 4);
	g_assert_cmpint(do_access(h, vma, NPAGES + 1, 0, 4, true, st, NULL),
			==, 0);
	g_assert_null(page_cache_sim_peek(h->inode->i_mapping, NPAGES + 1));
	g_assert_cmpuint(fh_pblk(h, NPAGES + 1), !=, 0);
	g_assert_true(pte_sim_is_pfn(*pte) && pte_write(*pte));
	g_assert_cmpuint(pte_pfn(*pte), ==, fh_pblk(h, NPAGES + 1));
	g_assert_cmpuint(sim_contents_at(ext4_sim_disk_contents(disk,
					fh_pblk(h, NPAGES + 1)), 0, NULL), ==, st);
	g_assert_true(sim_contents_is_zero(ext4_sim_disk_contents(disk,
					fh_pblk(h, NPAGES + 1)), 4, PAGE_SIZE - 4));
	sim_contents_destroy(&got);
	fh_free(h);
}

static void test_dax_fault_waits_for_i_mmap_sem(void)
{
	struct fh_opts o = { .file_blocks = NPAGES, .dax = true,
			     .lock_ops = &ext4_lock_i_mmap_sem };
	struct fh *h = fh_new(&o);
	struct vm_area_struct *vma = fh_mmap(h, NPAGES, true, false);

	g_assert_cmpint(load_while_held(h, vma, &EXT4_I(h->inode)->i_mmap_sem,
					4), >=, 100 * SIM_USEC);
	fh_free(h);
}

/* A DAX write fault into a hole whose new block held someone's data (a
 * punch freed it): no load may see those old bytes, not even one racing
 * the allocation — v4.4.1 clears the unwritten block before mapping it,
 * v4.5/v5.15 zero it in ext4_map_blocks before the es cache shows it.
 * The load starts at a sweep of delays so that one lands inside the
 * allocation whatever its length. */
static void dax_reused_hole_block(const struct ext4_lock_ops *ops)
{
	const pgoff_t pg = NPAGES + 1;

	for (sim_time_t d = 0; d <= 20 * SIM_USEC; d += SIM_USEC / 2) {
		struct fh_opts o = { .file_blocks = NPAGES, .dax = true,
				     .lock_ops = ops };
		struct fh *h = fh_new(&o);
		struct ext4_sim_disk *disk = EXT4_SB(h->sb)->s_disk;
		struct access store, load;
		struct vm_area_struct *vma;
		const struct sim_contents *blk;
		struct sim_contents old;
		uint64_t first = fh_pblk(h, NPAGES - 1) + 1;
		sim_stamp_t st, got;

		/* stale data in the free blocks the allocator will pick */
		sim_contents_init(&old, PAGE_SIZE);
		sim_contents_set(&old, 0, PAGE_SIZE, FH_STAMP(1000), 0);
		for (uint64_t b = first; b < first + 64; b++) {
			g_assert_cmpint(ext4_sim_disk_owner(disk, b)->kind, ==,
					EXT4_SIM_OWN_FREE);
			ext4_sim_disk_write(disk, b, 0, PAGE_SIZE, &old, 0, 0, 0,
					    NULL);
		}
		sim_contents_destroy(&old);
		i_size_write(h->inode, (NPAGES + 4) * PAGE_SIZE);
		vma = fh_mmap(h, NPAGES + 4, true, true);

		st = new_stamp(h, pg * PAGE_SIZE, 4);
		store = (struct access){ .h = h, .vma = vma, .page = pg,
					 .len = 4, .write = true, .stamp = st };
		load = (struct access){ .h = h, .vma = vma, .page = pg,
					.len = PAGE_SIZE, .delay = d };
		sim_contents_init(&store.got, PAGE_SIZE);
		sim_contents_init(&load.got, PAGE_SIZE);
		fh_spawn(h, "store", access_task, &store);
		fh_spawn(h, "load", access_task, &load);
		fh_run(h);
		g_assert_true(store.done && load.done);
		g_assert_cmpint(store.err, ==, 0);
		g_assert_cmpint(load.err, ==, 0);

		/* the load: the store's bytes or zeros, and zeros after */
		got = sim_contents_at(&load.got, 0, NULL);
		g_assert_true(got == 0 || got == st);
		g_assert_true(sim_contents_is_zero(&load.got, 4, PAGE_SIZE - 4));
		/* the block: zeros outside the stored bytes (v4.4.1 may lose
		 * the store itself to the racing fault's clear_pmem) */
		g_assert_cmpuint(fh_pblk(h, (uint32_t)pg), >=, first);
		blk = ext4_sim_disk_contents(disk, fh_pblk(h, (uint32_t)pg));
		g_assert_true(sim_contents_is_zero(blk, 4, PAGE_SIZE - 4));
		if (ops)
			g_assert_cmpuint(sim_contents_at(blk, 0, NULL), ==, st);
		sim_contents_destroy(&store.got);
		sim_contents_destroy(&load.got);
		fh_free(h);
	}
}

static void test_dax_reused_hole_block_v44(void)
{
	dax_reused_hole_block(NULL);
}

static void test_dax_reused_hole_block_v45(void)
{
	dax_reused_hole_block(&ext4_lock_i_mmap_sem);
}

static void test_dax_reused_hole_block_v515(void)
{
	dax_reused_hole_block(&ext4_lock_invalidate_lock);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fault/read", test_read_fault);
	g_test_add_func("/fault/beyond-eof", test_fault_beyond_eof);
	g_test_add_func("/fault/shared-write-mkwrite", test_shared_write_fault);
	g_test_add_func("/fault/fault-around", test_fault_around);
	g_test_add_func("/fault/truncate-during-read-io",
			test_truncate_during_read_io);
	g_test_add_func("/fault/isize-recheck-under-page-lock",
			test_isize_recheck_under_page_lock);
	g_test_add_func("/fault/punch-like-truncation-refilled",
			test_punch_like_truncation_refilled);
	g_test_add_func("/fault/cow", test_cow_faults);
	g_test_add_func("/fault/madvise-dontneed", test_madvise_dontneed);
	g_test_add_func("/fault/i_mmap_sem-waits", test_fault_waits_for_i_mmap_sem);
	g_test_add_func("/fault/v5.15-fast-path", test_v515_fault_fast_path);
	g_test_add_func("/fault/i_data_sem-design", test_i_data_sem_design_fault);
	g_test_add_func("/fault/dax/read-store", test_dax_read_and_store);
	g_test_add_func("/fault/dax/hole", test_dax_hole);
	g_test_add_func("/fault/dax/i_mmap_sem-waits",
			test_dax_fault_waits_for_i_mmap_sem);
	g_test_add_func("/fault/dax/reused-hole-block/v4.4.1",
			test_dax_reused_hole_block_v44);
	g_test_add_func("/fault/dax/reused-hole-block/v4.5",
			test_dax_reused_hole_block_v45);
	g_test_add_func("/fault/dax/reused-hole-block/v5.15",
			test_dax_reused_hole_block_v515);
	return g_test_run();
}
