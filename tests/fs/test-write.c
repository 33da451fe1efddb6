/* tests/fs/test-write.c — the write side at write time: delalloc write(2)
 * reserves and writeback allocates (disk contents == the written stamps);
 * nodelalloc allocates in write_begin; a partial write reads the block;
 * page_mkwrite on a hole reserves (delayed) and on an existing block maps
 * the buffer to it; mkwrite on a truncated page asks for a retry; the
 * strategy's fault and remove sides are called where v4.5 takes
 * i_mmap_sem; ext4_truncate_failed_write trims blocks past i_size. */
#include "config.h"

#include "tests/fs/fixture/writes-harness.h"

#define BS 4096u

static struct wh *new_fs(bool delalloc)
{
	struct wh_opts o = wh_defaults();

	o.delalloc = delalloc;
	return wh_new(&o);
}

/* ---- delalloc write, then writeback ---------------------------------------------- */

struct dw {
	sim_stamp_t stamp;
	uint64_t blk[4];
};

static void delalloc_write_task(struct wh *h, void *arg)
{
	struct dw *d = arg;
	ssize_t n;
	struct page *page;

	n = ext4_sim_sys_write(&h->file, 0, 3 * BS + 100, false, false, 1,
			       &d->stamp);
	g_assert_cmpint(n, ==, 3 * BS + 100);
	g_assert_cmpint(h->inode->i_size, ==, 3 * BS + 100);
	/* Nothing allocated yet: four delayed reservations. */
	g_assert_cmpint(h->sbi->s_dirtyclusters_counter, ==, 4);
	for (ext4_lblk_t l = 0; l < 4; l++)
		g_assert_cmpuint(wh_lookup(h, l, NULL), ==, 0);
	page = find_get_page(h->mapping, 1);
	g_assert_nonnull(page);
	g_assert_true(PageDirty(page));
	g_assert_true(buffer_delay(wh_bh(page, 0)));
	g_assert_true(buffer_mapped(wh_bh(page, 0)));
	put_page(page);
	/* i_disksize waits for the allocation. */
	g_assert_cmpint(EXT4_I(h->inode)->i_disksize, ==, 0);

	g_assert_cmpint(filemap_write_and_wait_range(h->mapping, 0,
						     LLONG_MAX_SIM), ==, 0);
	g_assert_cmpint(h->sbi->s_dirtyclusters_counter, ==, 0);
	g_assert_cmpint(EXT4_I(h->inode)->i_disksize, ==, 3 * BS + 100);
	for (ext4_lblk_t l = 0; l < 4; l++) {
		d->blk[l] = wh_lookup(h, l, NULL);
		g_assert_cmpuint(d->blk[l], !=, 0);
	}
	/* One extent: contiguous. */
	for (unsigned l = 1; l < 4; l++)
		g_assert_cmpuint(d->blk[l], ==, d->blk[0] + l);
	page = find_get_page(h->mapping, 2);
	g_assert_false(PageDirty(page));
	g_assert_false(PageWriteback(page));
	g_assert_false(buffer_delay(wh_bh(page, 0)));
	g_assert_cmpuint(wh_bh(page, 0)->b_blocknr, ==, d->blk[2]);
	put_page(page);
}

static void test_delalloc_write_writepages(void)
{
	struct wh *h = new_fs(true);
	struct dw d = { 0 };

	wh_run(h, delalloc_write_task, &d);
	for (unsigned l = 0; l < 3; l++)
		wh_assert_block(h, d.blk[l], 0, BS, d.stamp, l * BS);
	wh_assert_block(h, d.blk[3], 0, 100, d.stamp, 3 * BS);
	/* Past EOF in the last page: zeroed by writeback. */
	wh_assert_block(h, d.blk[3], 100, BS - 100, 0, 0);
	wh_check_consistency(h);
	g_assert_cmpuint(ext4_sim_io_stats(h->sb)->foreign_writes, ==, 0);
	g_assert_cmpuint(fs_oracle_count(h->oracle, FS_ORACLE_FOREIGN_WRITE),
			 ==, 0);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

/* ---- nodelalloc -------------------------------------------------------------------- */

static void nodelalloc_task(struct wh *h, void *arg)
{
	struct dw *d = arg;
	struct page *page;
	ssize_t n;

	n = ext4_sim_sys_write(&h->file, BS, 2 * BS, false, false, 7,
			       &d->stamp);
	g_assert_cmpint(n, ==, 2 * BS);
	/* Allocated in write_begin, inside its handle. */
	g_assert_cmpint(h->sbi->s_dirtyclusters_counter, ==, 0);
	g_assert_cmpuint(wh_lookup(h, 0, NULL), ==, 0);
	d->blk[1] = wh_lookup(h, 1, NULL);
	d->blk[2] = wh_lookup(h, 2, NULL);
	g_assert_cmpuint(d->blk[1], !=, 0);
	g_assert_cmpuint(d->blk[2], !=, 0);
	page = find_get_page(h->mapping, 1);
	g_assert_true(buffer_mapped(wh_bh(page, 0)));
	g_assert_false(buffer_delay(wh_bh(page, 0)));
	g_assert_cmpuint(wh_bh(page, 0)->b_blocknr, ==, d->blk[1]);
	put_page(page);
	/* i_disksize follows i_size at once (nothing delayed). */
	g_assert_cmpint(EXT4_I(h->inode)->i_disksize, ==, 3 * BS);
	/* The data is not on disk before writeback. */
	wh_assert_block(h, d->blk[1], 0, BS, 0, 0);
	g_assert_cmpint(ext4_sim_sys_fsync(&h->file, 0, LLONG_MAX_SIM, false),
			==, 0);
}

static void test_nodelalloc_allocates_at_write_begin(void)
{
	struct wh *h = new_fs(false);
	struct dw d = { 0 };

	wh_run(h, nodelalloc_task, &d);
	wh_assert_block(h, d.blk[1], 0, BS, d.stamp, 0);
	wh_assert_block(h, d.blk[2], 0, BS, d.stamp, BS);
	wh_check_consistency(h);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

/* ---- a partial write over a block that is not cached reads it ------------------- */

struct pw {
	sim_stamp_t s1, s2;
	uint64_t blk;
};

static void partial_write_task(struct wh *h, void *arg)
{
	struct pw *p = arg;
	uint64_t reads;

	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, BS, false, false, 1,
					   &p->s1), ==, BS);
	g_assert_cmpint(ext4_sim_sys_fsync(&h->file, 0, LLONG_MAX_SIM, false),
			==, 0);
	p->blk = wh_lookup(h, 0, NULL);
	/* Drop the cached page: the next partial write must read the block. */
	truncate_inode_pages(h->mapping, 0);
	g_assert_cmpuint(h->mapping->nrpages, ==, 0);
	reads = h->sbi->s_disk->bdev.nr_reads;
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 50, 100, false, false, 2,
					   &p->s2), ==, 100);
	g_assert_cmpuint(h->sbi->s_disk->bdev.nr_reads, ==, reads + 1);
	g_assert_cmpint(ext4_sim_sys_fsync(&h->file, 0, LLONG_MAX_SIM, false),
			==, 0);
	/* Overwrite in place: same block. */
	g_assert_cmpuint(wh_lookup(h, 0, NULL), ==, p->blk);
}

static void test_partial_write_reads_block(void)
{
	struct wh *h = new_fs(true);
	struct pw p = { 0 };

	wh_run(h, partial_write_task, &p);
	wh_assert_block(h, p.blk, 0, 50, p.s1, 0);
	wh_assert_block(h, p.blk, 50, 100, p.s2, 0);
	wh_assert_block(h, p.blk, 150, BS - 150, p.s1, 150);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

/* ---- page_mkwrite ------------------------------------------------------------------ */

struct mk {
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	int ret;
	uint64_t blk;
	struct page *page;
	bool truncate_first;
};

/* The page a read fault would hand to mkwrite: cached, uptodate, no
 * buffers (the fast readpage path attaches none). */
static struct page *fault_in_page(struct wh *h, pgoff_t index)
{
	struct page *page = find_or_create_page(h->mapping, index);

	if (!PageUptodate(page)) {
		bool unwritten;
		uint64_t blk = wh_lookup(h, (ext4_lblk_t)index, &unwritten);

		if (blk && !unwritten)
			sim_contents_copy_all(&page->contents,
					      ext4_sim_disk_contents(h->sbi->s_disk,
								     blk));
		SetPageUptodate(page);
	}
	unlock_page(page);
	return page;
}

static int do_mkwrite(struct mk *m, struct page *page)
{
	struct vm_fault vmf = { .flags = FAULT_FLAG_WRITE, .pgoff = page->index,
				.page = page };
	int ret = ext4_page_mkwrite(m->vma, &vmf);

	if (ret & VM_FAULT_LOCKED)
		unlock_page(page);
	return ret;
}

static void mkwrite_setup(struct wh *h, struct mk *m)
{
	m->mm = mm_alloc(h->mm);
	m->vma = vm_mmap_sim(m->mm, &h->file, 0, 8,
			     VM_READ | VM_WRITE | VM_SHARED, NULL);
}

static void mkwrite_teardown(struct mk *m)
{
	vm_munmap_sim(m->vma);
	mmput(m->mm);
}

static void mkwrite_hole_task(struct wh *h, void *arg)
{
	struct mk *m = arg;
	struct buffer_head *bh;
	struct extent_status es;
	struct page *page;

	mkwrite_setup(h, m);
	/* i_size covers page 1 (a hole). */
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 3 * BS, 10, false, false,
					   1, NULL), ==, 10);
	g_assert_cmpint(h->sbi->s_dirtyclusters_counter, ==, 1);
	page = fault_in_page(h, 1);
	m->ret = do_mkwrite(m, page);
	g_assert_cmpint(m->ret, ==, VM_FAULT_LOCKED);
	bh = wh_bh(page, 0);
	/* A delayed reservation, not a block. */
	g_assert_true(buffer_delay(bh));
	g_assert_true(buffer_mapped(bh));
	g_assert_true(PageDirty(page));
	g_assert_cmpint(h->sbi->s_dirtyclusters_counter, ==, 2);
	g_assert_cmpint(ext4_es_lookup_extent(h->inode, 1, &es), ==, 1);
	g_assert_true(ext4_es_is_delayed(&es));
	g_assert_cmpuint(wh_lookup(h, 1, NULL), ==, 0);
	put_page(page);
	mkwrite_teardown(m);
}

static void test_mkwrite_hole_delayed(void)
{
	struct wh *h = new_fs(true);
	struct mk m = { 0 };

	wh_run(h, mkwrite_hole_task, &m);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

static void mkwrite_existing_task(struct wh *h, void *arg)
{
	struct mk *m = arg;
	struct buffer_head *bh;
	struct page *page;

	mkwrite_setup(h, m);
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, 2 * BS, false, false,
					   1, NULL), ==, 2 * BS);
	g_assert_cmpint(ext4_sim_sys_fsync(&h->file, 0, LLONG_MAX_SIM, false),
			==, 0);
	m->blk = wh_lookup(h, 1, NULL);
	g_assert_cmpuint(m->blk, !=, 0);
	/* Drop the cache: the fault reads the page without buffers. */
	truncate_inode_pages(h->mapping, 0);
	page = fault_in_page(h, 1);
	g_assert_false(page_has_buffers(page));
	m->ret = do_mkwrite(m, page);
	g_assert_cmpint(m->ret, ==, VM_FAULT_LOCKED);
	bh = wh_bh(page, 0);
	/* Mapped to the existing block, not delayed, no reservation. */
	g_assert_true(buffer_mapped(bh));
	g_assert_false(buffer_delay(bh));
	g_assert_cmpuint(bh->b_blocknr, ==, m->blk);
	g_assert_cmpint(h->sbi->s_dirtyclusters_counter, ==, 0);
	g_assert_true(PageDirty(page));
	put_page(page);
	mkwrite_teardown(m);
}

static void test_mkwrite_existing_block_mapped(void)
{
	struct wh *h = new_fs(true);
	struct mk m = { 0 };

	wh_run(h, mkwrite_existing_task, &m);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

/* nodelalloc: a hole is allocated inside a handle; a second mkwrite on
 * the now fully mapped page takes the no-handle fast path. */
static void mkwrite_nodelalloc_task(struct wh *h, void *arg)
{
	struct mk *m = arg;
	uint64_t handles;
	struct page *page;

	mkwrite_setup(h, m);
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 3 * BS, 10, false, false,
					   1, NULL), ==, 10);
	page = fault_in_page(h, 0);
	g_assert_cmpint(do_mkwrite(m, page), ==, VM_FAULT_LOCKED);
	m->blk = wh_lookup(h, 0, NULL);
	g_assert_cmpuint(m->blk, !=, 0);
	g_assert_false(buffer_delay(wh_bh(page, 0)));
	g_assert_cmpuint(wh_bh(page, 0)->b_blocknr, ==, m->blk);
	/* Fast path: no handle at all (file_update_time's is skipped
	 * within the same jiffy). */
	handles = h->sbi->s_journal->j_stats.handles;
	g_assert_cmpint(do_mkwrite(m, page), ==, VM_FAULT_LOCKED);
	g_assert_cmpuint(h->sbi->s_journal->j_stats.handles, ==, handles);
	put_page(page);
	mkwrite_teardown(m);
}

static void test_mkwrite_nodelalloc(void)
{
	struct wh *h = new_fs(false);
	struct mk m = { 0 };

	wh_run(h, mkwrite_nodelalloc_task, &m);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

/* A page truncated (or punched) between ->fault and ->page_mkwrite: the
 * fault is retried (VM_FAULT_NOPAGE), nothing is mapped or reserved. */
static void mkwrite_truncated_task(struct wh *h, void *arg)
{
	struct mk *m = arg;
	struct page *page;

	mkwrite_setup(h, m);
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 3 * BS, 10, false, false,
					   1, NULL), ==, 10);
	page = fault_in_page(h, 1);
	truncate_inode_pages_range(h->mapping, BS, 2 * BS - 1);
	g_assert_null(page->mapping);
	g_assert_cmpint(do_mkwrite(m, page), ==, VM_FAULT_NOPAGE);
	g_assert_cmpint(h->sbi->s_dirtyclusters_counter, ==, 1);
	put_page(page);
	mkwrite_teardown(m);
}

static void test_mkwrite_truncated_nopage(void)
{
	struct wh *h = new_fs(true);
	struct mk m = { 0 };

	wh_run(h, mkwrite_truncated_task, &m);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

/* Design B (strategy i_data_sem): the fault side is i_data_sem (r), so
 * the delalloc lookups inside mkwrite must not take it again. */
static void mkwrite_design_b_task(struct wh *h, void *arg)
{
	struct mk *m = arg;
	struct page *page;

	mkwrite_setup(h, m);
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 3 * BS, 10, false, false,
					   1, NULL), ==, 10);
	page = fault_in_page(h, 1);
	g_assert_cmpint(do_mkwrite(m, page), ==, VM_FAULT_LOCKED);
	g_assert_true(buffer_delay(wh_bh(page, 0)));
	g_assert_false(fs_task_state_of(current)->i_data_sem_held_by_fault);
	g_assert_false(sim_rwsem_held_by(&EXT4_I(h->inode)->i_data_sem,
					 current));
	put_page(page);
	mkwrite_teardown(m);
}

static void test_mkwrite_design_b_lookups_unlocked(void)
{
	struct wh_opts o = wh_defaults();
	struct mk m = { 0 };
	struct wh *h;

	o.lock_ops = ext4_lock_ops_find("i_data_sem");
	g_assert_nonnull(o.lock_ops);
	h = wh_new(&o);
	wh_run(h, mkwrite_design_b_task, &m);
	/* The design's known inversion: page lock taken under i_data_sem
	 * here, i_data_sem under the page lock in write(2) (FIDELITY 3.4). */
	g_assert_cmpuint(fs_oracle_count(h->oracle, FS_ORACLE_LOCK_ORDER), ==,
			 1);
	g_assert_cmpuint(wh_free(h), ==, 1);
}

/* Truncating delalloc pages gives their reservations back and forgets
 * the delayed extents (ext4_da_invalidatepage). */
static void invalidate_reservation_task(struct wh *h, void *arg)
{
	struct extent_status es;

	(void)arg;
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, 3 * BS, false, false,
					   1, NULL), ==, 3 * BS);
	g_assert_cmpint(h->sbi->s_dirtyclusters_counter, ==, 3);
	truncate_inode_pages(h->mapping, BS);
	g_assert_cmpint(h->sbi->s_dirtyclusters_counter, ==, 1);
	g_assert_cmpint(ext4_es_lookup_extent(h->inode, 1, &es), ==, 0);
	g_assert_cmpint(ext4_es_lookup_extent(h->inode, 0, &es), ==, 1);
	g_assert_true(ext4_es_is_delayed(&es));
	truncate_inode_pages(h->mapping, 0);
	g_assert_cmpint(h->sbi->s_dirtyclusters_counter, ==, 0);
	/* i_size still covers them: they read as holes now. */
	i_size_write(h->inode, 0);
}

static void test_invalidate_releases_reservation(void)
{
	struct wh *h = new_fs(true);

	wh_run(h, invalidate_reservation_task, NULL);
	wh_check_consistency(h);
	wh_free(h);
}

/* ---- strategy hooks ------------------------------------------------------------------- */

/* A recording strategy: which side was taken, for which range, and
 * whether the page lock was free when it was (the fault side ranks above
 * the page lock). */
struct rec {
	unsigned fault_lock, fault_unlock, remove_lock, remove_unlock;
	loff_t start, end;
	bool inside;
};

/* One world per test and no threads: the recorder is reached through the
 * running task's private test state. */
static struct rec *rec_of(void)
{
	struct wh_task *wt = container_of(fs_task_state_of(current),
					  struct wh_task, ts);

	return wt->arg;
}

static void rec_fault_lock(struct inode *inode, loff_t start, loff_t end,
			   const char *ip)
{
	struct rec *r = rec_of();

	(void)inode;
	(void)ip;
	SIM_BUG_ON(r->inside);
	r->inside = true;
	r->fault_lock++;
	r->start = start;
	r->end = end;
}

static void rec_fault_unlock(struct inode *inode, loff_t start, loff_t end)
{
	struct rec *r = rec_of();

	(void)inode;
	SIM_BUG_ON(!r->inside || start != r->start || end != r->end);
	r->inside = false;
	r->fault_unlock++;
}

static void rec_remove_lock(struct inode *inode, loff_t start, loff_t end,
			    const char *ip)
{
	struct rec *r = rec_of();

	(void)inode;
	(void)ip;
	r->remove_lock++;
	r->start = start;
	r->end = end;
	r->inside = true;
}

static void rec_remove_unlock(struct inode *inode, loff_t start, loff_t end)
{
	struct rec *r = rec_of();

	(void)inode;
	(void)start;
	(void)end;
	r->inside = false;
	r->remove_unlock++;
}

static const struct ext4_lock_ops rec_ops = {
	.name = "recorder", .summary = "test", .kver = EXT4_KVER_4_5,
	.fault_lock = rec_fault_lock, .fault_unlock = rec_fault_unlock,
	.remove_lock = rec_remove_lock, .remove_unlock = rec_remove_unlock,
};

static void mkwrite_strategy_task(struct wh *h, void *arg)
{
	struct rec *r = arg;
	struct mk m = { 0 };
	struct page *page;

	mkwrite_setup(h, &m);
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 3 * BS, 10, false, false,
					   1, NULL), ==, 10);
	page = fault_in_page(h, 2);
	g_assert_cmpint(do_mkwrite(&m, page), ==, VM_FAULT_LOCKED);
	g_assert_cmpuint(r->fault_lock, ==, 1);
	g_assert_cmpuint(r->fault_unlock, ==, 1);
	g_assert_cmpint(r->start, ==, 2 * BS);
	g_assert_cmpint(r->end, ==, 3 * BS - 1);
	g_assert_cmpuint(r->remove_lock, ==, 0);
	put_page(page);
	mkwrite_teardown(&m);
}

static void test_mkwrite_strategy_fault_side(void)
{
	struct wh_opts o = wh_defaults();
	struct rec r = { 0 };
	struct wh *h;

	o.lock_ops = &rec_ops;
	h = wh_new(&o);
	wh_spawn(h, "mkwrite", mkwrite_strategy_task, &r);
	wh_run_all(h);
	/* The harness tasks have no recorder: drop the strategy. */
	h->sbi->s_lock_ops = NULL;
	g_assert_cmpuint(wh_free(h), ==, 0);
}

/* ---- ext4_truncate_failed_write ---------------------------------------------------------- */

static void failed_write_task(struct wh *h, void *arg)
{
	struct rec *r = arg;
	struct ext4_map_blocks map = { .m_lblk = 2, .m_len = 2 };
	struct page *page;
	handle_t *handle;
	uint64_t kept;

	/* One block inside i_size. */
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, BS, false, false, 1,
					   NULL), ==, BS);
	kept = wh_lookup(h, 0, NULL);
	g_assert_cmpuint(kept, !=, 0);
	mutex_lock(&h->inode->i_mutex);
	/* What a failing write_begin leaves: blocks past i_size, allocated
	 * in its handle, and a page there. */
	handle = ext4_journal_start(h->inode, EXT4_HT_WRITE_PAGE,
				    ext4_writepage_trans_blocks(h->inode));
	g_assert_false(IS_ERR(handle));
	g_assert_cmpint(ext4_map_blocks(handle, h->inode, &map,
					EXT4_GET_BLOCKS_CREATE), ==, 2);
	ext4_journal_stop(handle);
	g_assert_cmpuint(wh_lookup(h, 3, NULL), !=, 0);
	page = grab_cache_page_write_begin(h->mapping, 2, 0);
	unlock_page(page);
	put_page(page);
	g_assert_nonnull(page_cache_sim_peek(h->mapping, 2));

	ext4_truncate_failed_write(h->inode);
	mutex_unlock(&h->inode->i_mutex);

	g_assert_cmpuint(wh_lookup(h, 2, NULL), ==, 0);
	g_assert_cmpuint(wh_lookup(h, 3, NULL), ==, 0);
	g_assert_null(page_cache_sim_peek(h->mapping, 2));
	/* Inside i_size nothing changed. */
	g_assert_cmpuint(wh_lookup(h, 0, NULL), ==, kept);
	g_assert_nonnull(page_cache_sim_peek(h->mapping, 0));
	g_assert_cmpuint(r->remove_lock, ==, 1);
	g_assert_cmpuint(r->remove_unlock, ==, 1);
	g_assert_cmpint(r->start, ==, BS);
	g_assert_cmpint(r->end, ==, LLONG_MAX_SIM);
}

static void test_truncate_failed_write(void)
{
	struct wh_opts o = wh_defaults();
	struct rec r = { 0 };
	struct wh *h;

	o.delalloc = false;
	o.lock_ops = &rec_ops;
	h = wh_new(&o);
	wh_spawn(h, "failed-write", failed_write_task, &r);
	wh_run_all(h);
	h->sbi->s_lock_ops = NULL;
	wh_check_consistency(h);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/write/delalloc-write-writepages",
			test_delalloc_write_writepages);
	g_test_add_func("/write/nodelalloc-allocates-at-write-begin",
			test_nodelalloc_allocates_at_write_begin);
	g_test_add_func("/write/partial-write-reads-block",
			test_partial_write_reads_block);
	g_test_add_func("/write/mkwrite-hole-delayed", test_mkwrite_hole_delayed);
	g_test_add_func("/write/mkwrite-existing-block-mapped",
			test_mkwrite_existing_block_mapped);
	g_test_add_func("/write/mkwrite-nodelalloc", test_mkwrite_nodelalloc);
	g_test_add_func("/write/mkwrite-truncated-nopage",
			test_mkwrite_truncated_nopage);
	g_test_add_func("/write/mkwrite-design-b-lookups-unlocked",
			test_mkwrite_design_b_lookups_unlocked);
	g_test_add_func("/write/invalidate-releases-reservation",
			test_invalidate_releases_reservation);
	g_test_add_func("/write/mkwrite-strategy-fault-side",
			test_mkwrite_strategy_fault_side);
	g_test_add_func("/write/truncate-failed-write",
			test_truncate_failed_write);
	return g_test_run();
}
