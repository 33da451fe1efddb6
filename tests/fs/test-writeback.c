/* tests/fs/test-writeback.c — writeback: writepages writes mapped buffers
 * to b_blocknr without asking the extent tree (remapping the extent behind
 * its back sends the write to the old block: the stale-mapping race's
 * mechanism, reported as a foreign write); fsync waits for writeback and
 * the commit; the data=ordered commit flushes attached inodes' pages with
 * ->writepage, which skips delayed pages; writeback write-protects PTEs;
 * dioread_nolock writes unwritten extents and converts them at IO end;
 * the flusher writes old data after dirty_expire (not before) and kicks in
 * early over the background threshold, throttling writers over the dirty
 * threshold. */
#include "config.h"

#include "tests/fs/fixture/writes-harness.h"

#define BS 4096u

static struct wh *new_fs(bool delalloc)
{
	struct wh_opts o = wh_defaults();

	o.delalloc = delalloc;
	return wh_new(&o);
}

static int fsync_all(struct wh *h)
{
	return ext4_sim_sys_fsync(&h->file, 0, LLONG_MAX_SIM, false);
}

/* ---- stale buffer mappings ----------------------------------------------------------- */

struct remap {
	sim_stamp_t s1, s2;
	uint64_t old_blk, new_blk;
};

static void remap_task(struct wh *h, void *arg)
{
	struct remap *r = arg;
	struct ext4_inode_info *ei = EXT4_I(h->inode);
	struct ext4_map_blocks map = { .m_lblk = 0, .m_len = 1 };
	struct page *page;
	handle_t *handle;

	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, BS, false, false, 1,
					   &r->s1), ==, BS);
	g_assert_cmpint(fsync_all(h), ==, 0);
	r->old_blk = wh_lookup(h, 0, NULL);
	g_assert_cmpuint(r->old_blk, !=, 0);

	/* Dirty the page again: its buffer stays mapped to the old block
	 * (write_begin asks get_block only for unmapped buffers). */
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, BS, false, false, 2,
					   &r->s2), ==, BS);
	page = find_get_page(h->mapping, 0);
	g_assert_true(PageDirty(page));
	g_assert_cmpuint(wh_bh(page, 0)->b_blocknr, ==, r->old_blk);

	/* Behind the page cache's back: remove the block (as a punch would
	 * without truncating the page cache) and map lblk 0 anew. */
	handle = ext4_journal_start(h->inode, EXT4_HT_TRUNCATE,
				    ext4_writepage_trans_blocks(h->inode));
	down_write(&ei->i_data_sem);
	ext4_es_remove_extent(h->inode, 0, 1);
	g_assert_cmpint(ext4_ext_remove_space(h->inode, 0, 0), ==, 0);
	up_write(&ei->i_data_sem);
	g_assert_cmpint(ext4_map_blocks(handle, h->inode, &map,
					EXT4_GET_BLOCKS_CREATE), ==, 1);
	ext4_journal_stop(handle);
	r->new_blk = map.m_pblk;
	g_assert_cmpuint(r->new_blk, !=, r->old_blk);
	g_assert_cmpuint(wh_lookup(h, 0, NULL), ==, r->new_blk);
	g_assert_cmpuint(wh_bh(page, 0)->b_blocknr, ==, r->old_blk);
	put_page(page);

	/* Writeback trusts the buffer. */
	g_assert_cmpint(fsync_all(h), ==, 0);
}

static void test_writepages_trusts_mapped_buffers(void)
{
	struct wh *h = new_fs(true);
	struct remap r = { 0 };
	const struct ext4_sim_owner *o;

	wh_run(h, remap_task, &r);
	/* The new data went to the old (freed) block ... */
	wh_assert_block(h, r.old_blk, 0, BS, r.s2, 0);
	o = ext4_sim_disk_owner(h->sbi->s_disk, r.old_blk);
	g_assert_cmpuint(o->kind, !=, EXT4_SIM_OWN_DATA);
	/* ... not to the block the file now maps. */
	wh_assert_block(h, r.new_blk, 0, BS, 0, 0);
	g_assert_cmpuint(ext4_sim_io_stats(h->sb)->foreign_writes, ==, 1);
	g_assert_cmpuint(fs_oracle_count(h->oracle, FS_ORACLE_FOREIGN_WRITE),
			 ==, 1);
	g_assert_cmpuint(wh_free(h), >=, 1);
}

/* ---- fsync --------------------------------------------------------------------------- */

struct fs_res {
	sim_stamp_t stamp;
	uint64_t blk[2];
	tid_t before, after;
	sim_time_t t0, t1;
};

static void fsync_task(struct wh *h, void *arg)
{
	struct fs_res *f = arg;
	journal_t *j = h->sbi->s_journal;

	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, 2 * BS, false, false,
					   1, &f->stamp), ==, 2 * BS);
	f->before = j->j_commit_sequence;
	f->t0 = sim_task_now(current);
	g_assert_cmpint(fsync_all(h), ==, 0);
	f->t1 = sim_task_now(current);
	f->after = j->j_commit_sequence;
	for (pgoff_t i = 0; i < 2; i++) {
		struct page *page = find_get_page(h->mapping, i);

		g_assert_false(PageDirty(page));
		g_assert_false(PageWriteback(page));
		put_page(page);
		f->blk[i] = wh_lookup(h, (ext4_lblk_t)i, NULL);
	}
	/* The inode's last change is committed: nothing running or
	 * committing holds it. */
	g_assert_true(!j->j_running_transaction ||
		      !jbd2_sim_bufset_contains(&j->j_running_transaction->t_bufs,
				JBD2_SIM_INODE_KEY(h->inode->i_ino)));
}

static void check_fsync(bool delalloc)
{
	struct wh *h = new_fs(delalloc);
	struct fs_res f = { 0 };

	wh_run(h, fsync_task, &f);
	g_assert_true(tid_gt(f.after, f.before));
	/* Data IO and a commit (log + commit record) take device time. */
	g_assert_cmpint(f.t1 - f.t0, >, 0);
	wh_assert_block(h, f.blk[0], 0, BS, f.stamp, 0);
	wh_assert_block(h, f.blk[1], 0, BS, f.stamp, BS);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

static void test_fsync_delalloc(void)
{
	check_fsync(true);
}

static void test_fsync_nodelalloc(void)
{
	check_fsync(false);
}

/* ---- data=ordered ------------------------------------------------------------------------ */

struct ord {
	sim_stamp_t stamp;
	uint64_t blk;
	bool skipped_dirty;
};

static void ordered_commit_task(struct wh *h, void *arg)
{
	struct ord *o = arg;
	struct page *page;

	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, BS, false, false, 1,
					   &o->stamp), ==, BS);
	/* write_end attached the inode to the running transaction. */
	g_assert_nonnull(EXT4_I(h->inode)->jinode->i_transaction);
	o->blk = wh_lookup(h, 0, NULL);
	g_assert_cmpint(jbd2_journal_force_commit(h->sbi->s_journal), ==, 0);
	/* The commit wrote the page (no writepages, no flusher). */
	page = find_get_page(h->mapping, 0);
	g_assert_false(PageDirty(page));
	g_assert_false(PageWriteback(page));
	put_page(page);
	g_assert_cmpuint(ext4_sim_io_stats(h->sb)->pages_submitted, ==, 1);
	g_assert_cmpuint(h->sb->s_bdi_wb->stats.pages_written, ==, 0);
}

static void test_ordered_commit_flushes_inode(void)
{
	struct wh *h = new_fs(false);
	struct ord o = { 0 };

	wh_run(h, ordered_commit_task, &o);
	wh_assert_block(h, o.blk, 0, BS, o.stamp, 0);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

/* ->writepage never allocates: delayed pages are redirtied and skipped. */
static void writepage_skips_delayed_task(struct wh *h, void *arg)
{
	struct writeback_control wbc = { .sync_mode = WB_SYNC_ALL,
					 .nr_to_write = 100,
					 .range_end = LLONG_MAX_SIM };
	struct page *page;

	(void)arg;
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, 2 * BS, false, false,
					   1, NULL), ==, 2 * BS);
	g_assert_cmpint(generic_writepages(h->mapping, &wbc), ==, 0);
	g_assert_cmpint(wbc.pages_skipped, ==, 2);
	g_assert_cmpuint(ext4_sim_io_stats(h->sb)->writepage_skips, ==, 2);
	page = find_get_page(h->mapping, 1);
	g_assert_true(PageDirty(page));
	g_assert_true(buffer_delay(wh_bh(page, 0)));
	put_page(page);
	g_assert_cmpuint(wh_lookup(h, 0, NULL), ==, 0);
	g_assert_cmpint(fsync_all(h), ==, 0);
}

static void test_writepage_skips_delayed(void)
{
	struct wh *h = new_fs(true);

	wh_run(h, writepage_skips_delayed_task, NULL);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

/* ---- PTEs ------------------------------------------------------------------------------------ */

static void wrprotect_task(struct wh *h, void *arg)
{
	struct mm_struct *mm = mm_alloc(h->mm);
	struct vm_area_struct *vma = vm_mmap_sim(mm, &h->file, 0, 1,
						 VM_READ | VM_WRITE | VM_SHARED,
						 NULL);
	struct vm_fault vmf = { .flags = FAULT_FLAG_WRITE, .pgoff = 0 };
	struct page *page;
	pte_t *pte;

	(void)arg;
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, BS, false, false, 1,
					   NULL), ==, BS);
	g_assert_cmpint(fsync_all(h), ==, 0);
	page = find_get_page(h->mapping, 0);
	vmf.page = page;
	g_assert_cmpint(ext4_page_mkwrite(vma, &vmf), ==, VM_FAULT_LOCKED);
	/* do_shared_fault: a writable PTE, the page dirty. */
	pte = pte_offset_map(vma, vma->vm_start);
	get_page(page);
	do_set_pte(vma, vma->vm_start, page, pte, true, false);
	set_page_dirty(page);
	unlock_page(page);
	g_assert_true(pte_write(*pte));
	g_assert_cmpint(fsync_all(h), ==, 0);
	/* clear_page_dirty_for_io write-protected it: the next store
	 * faults into page_mkwrite again. */
	g_assert_false(pte_write(*pte));
	g_assert_false(PageDirty(page));
	put_page(page);
	vm_munmap_sim(vma);
	mmput(mm);
}

static void test_writeback_write_protects_ptes(void)
{
	struct wh *h = new_fs(true);

	wh_run(h, wrprotect_task, NULL);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

/* ---- dioread_nolock: unwritten extents, converted at IO end ------------------------------ */

struct unw {
	sim_stamp_t stamp;
	uint64_t blk;
};

static void unwritten_task(struct wh *h, void *arg)
{
	struct unw *u = arg;
	bool unwritten = true;

	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, 2 * BS, false, false,
					   1, &u->stamp), ==, 2 * BS);
	g_assert_cmpint(fsync_all(h), ==, 0);
	u->blk = wh_lookup(h, 0, &unwritten);
	g_assert_cmpuint(u->blk, !=, 0);
	g_assert_false(unwritten);
	g_assert_cmpuint(ext4_sim_io_stats(h->sb)->conversions, ==, 1);
}

static void test_dioread_nolock_writeback_converts(void)
{
	struct wh_opts o = wh_defaults();
	struct unw u = { 0 };
	struct wh *h;

	o.dioread_nolock = true;
	h = wh_new(&o);
	wh_run(h, unwritten_task, &u);
	wh_assert_block(h, u.blk, 0, BS, u.stamp, 0);
	wh_assert_block(h, u.blk + 1, 0, BS, u.stamp, BS);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

/* ---- the flusher ----------------------------------------------------------------------------- */

static void write_one_task(struct wh *h, void *arg)
{
	sim_stamp_t *s = arg;

	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, BS, false, false, 1,
					   s), ==, BS);
}

static void test_flusher_expires_old_data(void)
{
	struct wh *h = new_fs(true);
	sim_stamp_t stamp = 0;
	struct page *page;

	wh_spawn(h, "writer", write_one_task, &stamp);
	wh_run_until(h, 29 * SIM_SEC);
	page = page_cache_sim_peek(h->mapping, 0);
	g_assert_true(PageDirty(page));
	g_assert_cmpuint(h->sb->s_bdi_wb->stats.pages_written, ==, 0);
	wh_run_all(h);
	g_assert_false(PageDirty(page));
	g_assert_cmpuint(h->sb->s_bdi_wb->stats.pages_written, ==, 1);
	g_assert_cmpuint(h->sb->s_bdi_wb->stats.kupdate_passes, >=, 1);
	g_assert_cmpint(sim_world_now(h->w), >=, 30 * SIM_SEC);
	g_assert_true(sim_list_empty(&h->sb->s_bdi_wb->b_dirty));
	g_assert_cmpuint(wh_free(h), ==, 0);
}

struct bg {
	unsigned pages;
	sim_time_t end;
};

static void write_many_task(struct wh *h, void *arg)
{
	struct bg *b = arg;

	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, b->pages * BS, false,
					   false, 1, NULL), ==,
			(ssize_t)(b->pages * BS));
	b->end = sim_task_now(current);
}

static void test_flusher_background_threshold(void)
{
	struct wh *h = new_fs(true);
	struct bg b = { .pages = 15 };

	/* 100 pages of memory: background writeback over 10 dirty. */
	mm_sim_set_page_budget(h->mm, 100);
	wh_spawn(h, "writer", write_many_task, &b);
	wh_run_until(h, SIM_SEC);
	g_assert_cmpuint(h->sb->s_bdi_wb->stats.background_passes, >=, 1);
	g_assert_cmpuint(wb_sim_nr_dirty(h->sb->s_bdi_wb), <=, 10);
	g_assert_cmpuint(h->sb->s_bdi_wb->stats.throttled, ==, 0);
	wh_run_all(h);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

static void test_writer_throttled_over_dirty_ratio(void)
{
	struct wh *h = new_fs(true);
	struct bg b = { .pages = 40 };

	mm_sim_set_page_budget(h->mm, 100);
	wh_spawn(h, "writer", write_many_task, &b);
	wh_run_all(h);
	g_assert_cmpuint(h->sb->s_bdi_wb->stats.throttled, >, 0);
	/* It slept at least one dirty_pause (10 ms). */
	g_assert_cmpint(b.end, >=, 10 * SIM_MSEC);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/writeback/writepages-trusts-mapped-buffers",
			test_writepages_trusts_mapped_buffers);
	g_test_add_func("/writeback/fsync-delalloc", test_fsync_delalloc);
	g_test_add_func("/writeback/fsync-nodelalloc", test_fsync_nodelalloc);
	g_test_add_func("/writeback/ordered-commit-flushes-inode",
			test_ordered_commit_flushes_inode);
	g_test_add_func("/writeback/writepage-skips-delayed",
			test_writepage_skips_delayed);
	g_test_add_func("/writeback/write-protects-ptes",
			test_writeback_write_protects_ptes);
	g_test_add_func("/writeback/dioread-nolock-converts",
			test_dioread_nolock_writeback_converts);
	g_test_add_func("/writeback/flusher-expires-old-data",
			test_flusher_expires_old_data);
	g_test_add_func("/writeback/flusher-background-threshold",
			test_flusher_background_threshold);
	g_test_add_func("/writeback/writer-throttled",
			test_writer_throttled_over_dirty_ratio);
	return g_test_run();
}
