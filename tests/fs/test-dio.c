/* tests/fs/test-dio.c — direct IO: an extending write allocates and lands
 * its stamp on disk; a write into a hole inside i_size goes through
 * unwritten extents converted after the IO; a sub-block write into a new
 * block zeroes the rest of it; reads return the data, zeros for holes,
 * nothing past EOF; inode_dio_wait blocks a waiter until the IO ends; the
 * v4.4 overwrite (dioread_nolock) drops i_mutex during the IO while the
 * allocating path keeps it; EXT4_STATE_DIOREAD_LOCK sends lockless readers
 * to the i_mutex path. */
#include "config.h"

#include "tests/fs/fixture/writes-harness.h"

#define BS 4096u

static struct wh *new_fs(bool dioread_nolock, const char *device)
{
	struct wh_opts o = wh_defaults();

	o.dioread_nolock = dioread_nolock;
	o.device = device;
	return wh_new(&o);
}

static int fsync_all(struct wh *h)
{
	return ext4_sim_sys_fsync(&h->file, 0, LLONG_MAX_SIM, false);
}

/* What a read returned, as file bytes [0, 64 KiB). */
struct rbuf {
	struct sim_contents c;
	uint64_t bytes;
};

static void rbuf_sink(void *ctx, loff_t pos, const struct sim_contents *src,
		      uint32_t soff, uint32_t len)
{
	struct rbuf *r = ctx;

	g_assert_cmpint(pos + len, <=, SIM_CONTENTS_MAX_SIZE);
	sim_contents_copy(&r->c, (uint32_t)pos, src, soff, len);
	r->bytes += len;
}

static void assert_range(const struct sim_contents *c, uint32_t off,
			 uint32_t len, sim_stamp_t stamp, uint32_t origin)
{
	for (uint32_t i = off; i < off + len; i += 128) {
		uint32_t o;
		sim_stamp_t s = sim_contents_at(c, i, &o);

		g_assert_cmpuint(s, ==, stamp);
		if (stamp)
			g_assert_cmpuint(o, ==, origin + (i - off));
	}
}

/* ---- writes -------------------------------------------------------------------------- */

struct dw {
	sim_stamp_t stamp, s2;
	uint64_t blk[4];
	bool unwritten;
};

static void extending_write_task(struct wh *h, void *arg)
{
	struct dw *d = arg;

	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, 2 * BS, true, false, 1,
					   &d->stamp), ==, 2 * BS);
	g_assert_cmpint(h->inode->i_size, ==, 2 * BS);
	g_assert_cmpint(EXT4_I(h->inode)->i_disksize, ==, 2 * BS);
	g_assert_cmpuint(h->mapping->nrpages, ==, 0);
	g_assert_cmpuint(h->inode->i_dio_count, ==, 0);
	d->blk[0] = wh_lookup(h, 0, &d->unwritten);
	g_assert_false(d->unwritten);
	d->blk[1] = wh_lookup(h, 1, NULL);
}

static void test_dio_extending_write(void)
{
	struct wh *h = new_fs(false, "nvme");
	struct dw d = { 0 };

	wh_run(h, extending_write_task, &d);
	wh_assert_block(h, d.blk[0], 0, BS, d.stamp, 0);
	wh_assert_block(h, d.blk[1], 0, BS, d.stamp, BS);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

static void hole_write_task(struct wh *h, void *arg)
{
	struct dw *d = arg;

	/* i_size 16K, blocks 0..2 holes. */
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 3 * BS, BS, false, false,
					   1, NULL), ==, BS);
	g_assert_cmpint(fsync_all(h), ==, 0);
	g_assert_cmpint(ext4_sim_sys_write(&h->file, BS, BS, true, false, 2,
					   &d->stamp), ==, BS);
	/* Allocated unwritten, converted after the IO. */
	d->blk[1] = wh_lookup(h, 1, &d->unwritten);
	g_assert_cmpuint(d->blk[1], !=, 0);
	g_assert_false(d->unwritten);
	g_assert_cmpuint(wh_lookup(h, 0, NULL), ==, 0);
	g_assert_cmpuint(wh_lookup(h, 2, NULL), ==, 0);
	g_assert_cmpint(h->inode->i_size, ==, 4 * BS);
}

static void test_dio_write_into_hole(void)
{
	struct wh *h = new_fs(false, "nvme");
	struct dw d = { 0 };

	wh_run(h, hole_write_task, &d);
	wh_assert_block(h, d.blk[1], 0, BS, d.stamp, 0);
	wh_check_consistency(h);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

static void subblock_task(struct wh *h, void *arg)
{
	struct dw *d = arg;

	g_assert_cmpint(ext4_sim_sys_write(&h->file, 1024, 512, true, false,
					   1, &d->stamp), ==, 512);
	g_assert_cmpint(h->inode->i_size, ==, 1536);
	d->blk[0] = wh_lookup(h, 0, NULL);
	/* Unaligned to 512: refused. */
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 100, 512, true, false,
					   2, NULL), ==, -EINVAL);
}

static void test_dio_subblock_write_zeroes_new_block(void)
{
	struct wh *h = new_fs(false, "nvme");
	struct dw d = { 0 };

	/* Old bytes in every free block: whichever one the allocator hands
	 * out, what the write does not cover must come back zero. */
	for (uint64_t b = 0; b < h->sbi->s_disk->nblocks; b++)
		if (ext4_sim_disk_owner(h->sbi->s_disk, b)->kind ==
		    EXT4_SIM_OWN_FREE)
			sim_contents_set(ext4_sim_disk_contents_mut(h->sbi->s_disk, b), 0, BS,
					 999999, 0);
	wh_run(h, subblock_task, &d);
	wh_assert_block(h, d.blk[0], 0, 1024, 0, 0);
	wh_assert_block(h, d.blk[0], 1024, 512, d.stamp, 0);
	wh_assert_block(h, d.blk[0], 1536, BS - 1536, 0, 0);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

/* ---- reads ------------------------------------------------------------------------------ */

static void read_task(struct wh *h, void *arg)
{
	struct dw *d = arg;
	struct rbuf r = { 0 };

	sim_contents_init(&r.c, SIM_CONTENTS_MAX_SIZE);
	/* 0: data, 1: hole, 2: data (dirty in the page cache: flushed by
	 * the read), EOF inside block 2. */
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, BS, true, false, 1,
					   &d->stamp), ==, BS);
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 2 * BS, 1000, false,
					   false, 2, &d->s2), ==, 1000);
	g_assert_cmpint(ext4_sim_sys_dio_read(&h->file, 0, 4 * BS, 3, rbuf_sink,
					      &r), ==, 2 * BS + 1000);
	g_assert_cmpuint(r.bytes, ==, 2 * BS + 1000);
	assert_range(&r.c, 0, BS, d->stamp, 0);
	assert_range(&r.c, BS, BS, 0, 0);
	assert_range(&r.c, 2 * BS, 1000, d->s2, 0);
	/* Past EOF: nothing. */
	g_assert_cmpint(ext4_sim_sys_dio_read(&h->file, 4 * BS, BS, 4,
					      rbuf_sink, &r), ==, 0);
	sim_contents_destroy(&r.c);
}

static void test_dio_read(void)
{
	struct wh *h = new_fs(false, "nvme");
	struct dw d = { 0 };

	wh_run(h, read_task, &d);
	g_assert_cmpuint(fs_oracle_count(h->oracle, FS_ORACLE_STALE_READ), ==,
			 0);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

/* ---- inode_dio_wait ------------------------------------------------------------------------ */

struct dwait {
	sim_stamp_t stamp;
	sim_time_t woke;
	bool data_there;
};

static void big_dio_writer(struct wh *h, void *arg)
{
	struct dwait *w = arg;

	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, 16 * BS, true, false,
					   1, &w->stamp), ==, 16 * BS);
}

static void dio_waiter(struct wh *h, void *arg)
{
	struct dwait *w = arg;
	bool unwritten;
	uint64_t blk;

	/* Let the writer get its bios in flight. */
	sim_task_sleep(current, 100 * SIM_USEC);
	g_assert_cmpuint(h->inode->i_dio_count, >, 0);
	inode_dio_wait(h->inode);
	w->woke = sim_task_now(current);
	g_assert_cmpuint(h->inode->i_dio_count, ==, 0);
	/* Every bio completed before the waiter woke. */
	blk = wh_lookup(h, 15, &unwritten);
	w->data_there = blk && sim_contents_at(ext4_sim_disk_contents(
				h->sbi->s_disk, blk), 0, NULL) == w->stamp;
}

static void test_inode_dio_wait(void)
{
	struct wh *h = new_fs(false, "hdd");
	struct dwait w = { 0 };

	wh_spawn(h, "dio-writer", big_dio_writer, &w);
	wh_spawn(h, "waiter", dio_waiter, &w);
	wh_run_all(h);
	/* hdd: at least a seek + 64 KiB at 150 MB/s. */
	g_assert_cmpint(w.woke, >, 4 * SIM_MSEC);
	g_assert_true(w.data_there);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

/* ---- overwrite vs allocating: i_mutex during the IO --------------------------------------- */

struct ow {
	sim_stamp_t old, stamp;
	bool new_data_seen_under_mutex;
	sim_time_t got_mutex;
};

static void ow_prepare(struct wh *h, void *arg)
{
	struct ow *o = arg;

	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, 16 * BS, false, false,
					   1, &o->old), ==, 16 * BS);
	g_assert_cmpint(fsync_all(h), ==, 0);
	/* No cached pages: the overwrite test requires nrpages == 0. */
	truncate_inode_pages(h->mapping, 0);
}

static void ow_writer(struct wh *h, void *arg)
{
	struct ow *o = arg;

	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, 16 * BS, true, false,
					   2, &o->stamp), ==, 16 * BS);
}

static void ow_locker(struct wh *h, void *arg)
{
	struct ow *o = arg;
	uint64_t blk;

	sim_task_sleep(current, 100 * SIM_USEC);
	mutex_lock(&h->inode->i_mutex);
	o->got_mutex = sim_task_now(current);
	blk = wh_lookup(h, 15, NULL);
	o->new_data_seen_under_mutex =
		sim_contents_at(ext4_sim_disk_contents(h->sbi->s_disk, blk), 0,
				NULL) == o->stamp;
	mutex_unlock(&h->inode->i_mutex);
}

static void check_overwrite(bool dioread_nolock)
{
	struct wh *h = new_fs(dioread_nolock, "hdd");
	struct ow o = { 0 };

	wh_run(h, ow_prepare, &o);
	wh_spawn(h, "dio-writer", ow_writer, &o);
	wh_spawn(h, "locker", ow_locker, &o);
	wh_run_all(h);
	/* Overwrite: i_mutex was free while the bios were in flight, so the
	 * locker saw the old data.  Otherwise it waited for the IO. */
	g_assert_cmpint(o.new_data_seen_under_mutex, ==, !dioread_nolock);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

static void test_dio_overwrite_drops_i_mutex(void)
{
	check_overwrite(true);
}

static void test_dio_allocating_path_keeps_i_mutex(void)
{
	check_overwrite(false);
}

/* ---- EXT4_STATE_DIOREAD_LOCK ---------------------------------------------------------------- */

struct drl {
	bool block_unlocked;
	sim_time_t reader_done;
};

static void drl_holder(struct wh *h, void *arg)
{
	struct drl *d = arg;

	mutex_lock(&h->inode->i_mutex);
	if (d->block_unlocked)
		ext4_inode_block_unlocked_dio(h->inode);
	inode_dio_wait(h->inode);
	sim_task_sleep(current, 10 * SIM_MSEC);
	if (d->block_unlocked)
		ext4_inode_resume_unlocked_dio(h->inode);
	mutex_unlock(&h->inode->i_mutex);
}

static void drl_reader(struct wh *h, void *arg)
{
	struct drl *d = arg;

	sim_task_sleep(current, SIM_USEC);
	g_assert_cmpint(ext4_sim_sys_dio_read(&h->file, 0, BS, 5, NULL, NULL),
			==, BS);
	d->reader_done = sim_task_now(current);
}

static void drl_prepare(struct wh *h, void *arg)
{
	(void)arg;
	g_assert_cmpint(ext4_sim_sys_write(&h->file, 0, BS, true, false, 1,
					   NULL), ==, BS);
}

static void check_dioread_lock(bool block_unlocked)
{
	struct wh *h = new_fs(true, "nvme");
	struct drl d = { .block_unlocked = block_unlocked };
	sim_time_t start;

	wh_run(h, drl_prepare, NULL);
	start = sim_world_now(h->w);
	wh_spawn(h, "holder", drl_holder, &d);
	wh_spawn(h, "reader", drl_reader, &d);
	wh_run_all(h);
	if (block_unlocked)
		/* Fell back to the locked path: waited for i_mutex. */
		g_assert_cmpint(d.reader_done - start, >=, 10 * SIM_MSEC);
	else
		/* Lockless: done long before the holder let go. */
		g_assert_cmpint(d.reader_done - start, <, SIM_MSEC);
	g_assert_cmpuint(wh_free(h), ==, 0);
}

static void test_dioread_lock_forces_locked_read(void)
{
	check_dioread_lock(true);
}

static void test_dioread_nolock_read_is_lockless(void)
{
	check_dioread_lock(false);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/dio/extending-write", test_dio_extending_write);
	g_test_add_func("/dio/write-into-hole", test_dio_write_into_hole);
	g_test_add_func("/dio/subblock-write-zeroes-new-block",
			test_dio_subblock_write_zeroes_new_block);
	g_test_add_func("/dio/read", test_dio_read);
	g_test_add_func("/dio/inode-dio-wait", test_inode_dio_wait);
	g_test_add_func("/dio/overwrite-drops-i_mutex",
			test_dio_overwrite_drops_i_mutex);
	g_test_add_func("/dio/allocating-keeps-i_mutex",
			test_dio_allocating_path_keeps_i_mutex);
	g_test_add_func("/dio/dioread-lock-forces-locked-read",
			test_dioread_lock_forces_locked_read);
	g_test_add_func("/dio/dioread-nolock-read-lockless",
			test_dioread_nolock_read_is_lockless);
	return g_test_run();
}
