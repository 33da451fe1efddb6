/* tests/fs/test-disk.c — disk owner transitions and counts, data writes
 * (foreign-write verdicts, clobber marks on metadata), and block IO:
 * one request's latency per profile, queue-depth queueing, FIFO
 * completion order, submit_bio_wait from a task, the buffer cache. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fs/block/disk.h"
#include "fs/ext4/ext4.h"

static struct sim_world *new_world(void)
{
	struct sim_world_params p = { .seed = 1 };

	return sim_world_new(&p);
}

static void assert_disk_ok(const struct ext4_sim_disk *d)
{
	char why[200];

	if (!ext4_sim_disk_check(d, why, sizeof(why)))
		g_error("disk check: %s", why);
}

static void test_owner_transitions(void)
{
	struct sim_world *w = new_world();
	struct ext4_sim_disk *d = ext4_sim_disk_new(w, 100, 4096,
						    blk_sim_profile_lookup("nvme"));
	const struct ext4_sim_owner *o;
	char buf[128];

	g_assert_cmpuint(ext4_sim_disk_count(d, EXT4_SIM_OWN_FREE), ==, 100);
	ext4_sim_disk_reserve(d, 0, 4, EXT4_SIM_OWN_FSMETA);
	ext4_sim_disk_reserve(d, 90, 10, EXT4_SIM_OWN_JOURNAL);
	ext4_sim_disk_alloc_data(d, 10, 5, 12, 100);
	ext4_sim_disk_alloc_node(d, 20, 12);
	o = ext4_sim_disk_owner(d, 13);
	g_assert_cmpuint(o->kind, ==, EXT4_SIM_OWN_DATA);
	g_assert_cmpuint(o->lblk, ==, 103);
	/* collapse moved the extent: lblks relabelled */
	ext4_sim_disk_relabel(d, 10, 5, 12, 50);
	g_assert_cmpuint(ext4_sim_disk_owner(d, 13)->lblk, ==, 53);
	/* freed in tid 9: pending, remembers the previous owner */
	ext4_sim_disk_free_pending(d, 10, 3, 9);
	o = ext4_sim_disk_owner(d, 11);
	g_assert_cmpuint(o->kind, ==, EXT4_SIM_OWN_PENDING_FREE);
	g_assert_cmpuint(o->tid, ==, 9);
	g_assert_cmpuint(o->prev_kind, ==, EXT4_SIM_OWN_DATA);
	ext4_sim_owner_format(o, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "pending-free tid 9 (was data ino 12 lblk 51)");
	ext4_sim_disk_free_now(d, 13, 2);
	ext4_sim_disk_free_pending(d, 20, 1, 9);
	g_assert_cmpuint(ext4_sim_disk_count(d, EXT4_SIM_OWN_PENDING_FREE), ==, 4);
	g_assert_cmpuint(ext4_sim_disk_count(d, EXT4_SIM_OWN_DATA), ==, 0);
	assert_disk_ok(d);
	ext4_sim_disk_release(d, 10, 3, 9);
	ext4_sim_disk_release(d, 20, 1, 9);
	g_assert_cmpuint(ext4_sim_disk_count(d, EXT4_SIM_OWN_FREE), ==, 86);
	g_assert_cmpuint(ext4_sim_disk_count(d, EXT4_SIM_OWN_FSMETA), ==, 4);
	g_assert_cmpuint(ext4_sim_disk_count(d, EXT4_SIM_OWN_JOURNAL), ==, 10);
	assert_disk_ok(d);
	/* the corrupted count is caught */
	d->count[EXT4_SIM_OWN_FREE]++;
	g_assert_false(ext4_sim_disk_check(d, buf, sizeof(buf)));
	d->count[EXT4_SIM_OWN_FREE]--;
	ext4_sim_disk_free(d);
	sim_world_free(w);
}

struct iter_ctx {
	uint64_t n, last;
};

static bool count_blocks(void *ctx, uint64_t blk, const struct ext4_sim_owner *o)
{
	struct iter_ctx *c = ctx;

	g_assert_true(c->n == 0 || blk > c->last);   /* block order */
	c->last = blk;
	c->n++;
	return true;
}

static void test_writes(void)
{
	struct sim_world *w = new_world();
	struct ext4_sim_disk *d = ext4_sim_disk_new(w, 64, 4096,
						    blk_sim_profile_lookup("ssd"));
	struct sim_contents page;
	struct ext4_sim_owner was;
	struct iter_ctx it = { 0 };
	sim_stamp_t s1, s2;
	uint32_t origin;

	sim_contents_init(&page, 4096);
	s1 = sim_stamp_new(&d->stamps, 12, 0, 4096, SIM_STAMP_WRITE, 1, 0);
	s2 = sim_stamp_new(&d->stamps, 13, 0, 4096, SIM_STAMP_MMAP, 2, 0);
	sim_contents_set(&page, 0, 4096, s1, 0);
	ext4_sim_disk_alloc_data(d, 5, 1, 12, 0);
	ext4_sim_disk_alloc_node(d, 6, 13);
	ext4_sim_disk_reserve(d, 0, 2, EXT4_SIM_OWN_FSMETA);

	/* own block: not foreign, contents recorded */
	g_assert_false(ext4_sim_disk_write(d, 5, 0, 4096, &page, 0, 12, 0, &was));
	g_assert_cmpuint(was.kind, ==, EXT4_SIM_OWN_DATA);
	g_assert_true(sim_contents_equal(ext4_sim_disk_contents(d, 5), &page));
	/* partial write of another stamp at an offset */
	sim_contents_set(&page, 0, 4096, s2, 0);
	g_assert_true(ext4_sim_disk_write(d, 5, 1024, 512, &page, 100, 13, 0, &was));
	g_assert_cmpuint(sim_contents_at(ext4_sim_disk_contents(d, 5), 1024, &origin), ==, s2);
	g_assert_cmpuint(origin, ==, 100);
	g_assert_cmpuint(sim_contents_at(ext4_sim_disk_contents(d, 5), 1536, &origin), ==, s1);
	g_assert_cmpuint(origin, ==, 1536);
	/* free block: foreign, no clobber */
	g_assert_true(ext4_sim_disk_write(d, 7, 0, 4096, &page, 0, 13, 0, &was));
	g_assert_cmpuint(was.kind, ==, EXT4_SIM_OWN_FREE);
	/* wrong lblk of the right inode: foreign */
	g_assert_true(ext4_sim_disk_write(d, 5, 0, 10, &page, 0, 12, 1, NULL));
	/* extent-tree node: foreign and clobbered */
	g_assert_true(ext4_sim_disk_write(d, 6, 0, 4096, &page, 0, 12, 3, &was));
	g_assert_cmpuint(was.kind, ==, EXT4_SIM_OWN_NODE);
	g_assert_cmpuint(ext4_sim_disk_owner(d, 6)->clobbered, ==, 1);
	g_assert_cmpuint(ext4_sim_disk_owner(d, 6)->clobber, ==, s2);
	g_assert_cmpuint(d->clobbers, ==, 1);
	/* zeroes into fs metadata clobber too */
	g_assert_true(ext4_sim_disk_write_zero(d, 1, 0, 4096, 12, 9, NULL));
	g_assert_cmpuint(ext4_sim_disk_owner(d, 1)->clobbered, ==, 1);
	assert_disk_ok(d);
	/* the node written home again: mark cleared, not foreign */
	g_assert_false(ext4_sim_disk_write_meta(d, 6, NULL));
	g_assert_cmpuint(ext4_sim_disk_owner(d, 6)->clobbered, ==, 0);
	/* metadata write into a data block: foreign */
	g_assert_true(ext4_sim_disk_write_meta(d, 5, &was));
	g_assert_cmpuint(was.kind, ==, EXT4_SIM_OWN_DATA);
	g_assert_cmpuint(d->foreign_writes, ==, 6);
	ext4_sim_disk_for_each(d, EXT4_SIM_OWN_FREE, count_blocks, &it);
	g_assert_cmpuint(it.n, ==, 60);
	assert_disk_ok(d);
	sim_contents_destroy(&page);
	ext4_sim_disk_free(d);
	sim_world_free(w);
}

/* ---- block IO -------------------------------------------------------------- */

struct io_log {
	unsigned n;
	sim_time_t done[16];
	unsigned order[16];
};

struct io_req {
	struct bio bio;
	struct io_log *log;
	unsigned id;
};

static void log_endio(struct bio *bio)
{
	struct io_req *r = container_of(bio, struct io_req, bio);

	r->log->done[r->log->n] = bio->sim_done;
	r->log->order[r->log->n++] = r->id;
}

static void prep(struct io_req *r, struct block_device *bdev,
		 struct io_log *log, unsigned id, uint64_t sector,
		 unsigned bytes)
{
	bio_init(&r->bio);
	r->bio.bi_bdev = bdev;
	r->bio.bi_iter.bi_sector = sector;
	r->bio.bi_iter.bi_size = bytes;
	r->bio.bi_end_io = log_endio;
	r->log = log;
	r->id = id;
}

static void test_latency_per_profile(void)
{
	static const char *const names[] = { "nvme", "ssd", "hdd", "pmem" };
	/* 4K request: latency + 4096 / bandwidth (hdd: + seek, since the
	 * head starts at sector 0 and the request is elsewhere) */
	static const sim_time_t want_read[] = {
		8000 + 1365, 80000 + 7447, 100000 + 27306 + 4000000, 1000 + 682,
	};
	static const sim_time_t want_write[] = {
		13000 + 2048, 50000 + 7876, 100000 + 27306 + 4000000, 1000 + 2048,
	};

	for (unsigned i = 0; i < SIM_ARRAY_SIZE(names); i++) {
		struct sim_world *w = new_world();
		struct block_device bdev;
		struct io_log log = { 0 };
		struct io_req r;

		blk_sim_bdev_init(w, &bdev, blk_sim_profile_lookup(names[i]), 4096);
		prep(&r, &bdev, &log, 0, 800, 4096);
		submit_bio(READ, &r.bio);
		sim_world_run(w, SIM_TIME_MAX);
		g_assert_cmpuint(log.n, ==, 1);
		g_assert_cmpint(log.done[0], ==, want_read[i]);
		prep(&r, &bdev, &log, 1, 8000, 4096);
		submit_bio(WRITE, &r.bio);
		sim_world_run(w, SIM_TIME_MAX);
		g_assert_cmpint(log.done[1] - log.done[0], ==, want_write[i]);
		g_assert_cmpuint(bdev.nr_reads, ==, 1);
		g_assert_cmpuint(bdev.nr_writes, ==, 1);
		blk_sim_bdev_destroy(&bdev);
		sim_world_free(w);
	}
	/* flushes add the flush latency; an empty flush is only that */
	g_assert_cmpint(blk_sim_service_time(blk_sim_profile_lookup("ssd"),
					     WRITE | REQ_FLUSH, 0), ==, 1 * SIM_MSEC);
}

/* queue depth 1: N requests submitted at once complete at k x latency in
 * submission order; queue depth 4: four at a time. */
static void test_queue_depth(void)
{
	struct blk_sim_profile p = *blk_sim_profile_lookup("nvme");
	sim_time_t t1;

	p.read_bw = 0;  /* latency only */
	p.read_lat = 10 * SIM_USEC;
	for (unsigned qd = 1; qd <= 4; qd += 3) {
		struct sim_world *w = new_world();
		struct block_device bdev;
		struct io_log log = { 0 };
		struct io_req r[8];

		p.queue_depth = qd;
		blk_sim_bdev_init(w, &bdev, &p, 4096);
		for (unsigned i = 0; i < 8; i++) {
			prep(&r[i], &bdev, &log, i, 8 * i, 4096);
			submit_bio(READ, &r[i].bio);
		}
		g_assert_cmpuint(bdev.queued, ==, 8 - qd);
		sim_world_run(w, SIM_TIME_MAX);
		g_assert_cmpuint(log.n, ==, 8);
		for (unsigned k = 0; k < 8; k++) {
			g_assert_cmpuint(log.order[k], ==, k);   /* FIFO */
			t1 = (sim_time_t)(k / qd + 1) * 10 * SIM_USEC;
			g_assert_cmpint(log.done[k], ==, t1);
		}
		g_assert_cmpint(bdev.busy, ==, 80 * SIM_USEC);
		/* latency includes the FIFO wait */
		g_assert_cmpuint(bdev.read_lat.count, ==, 8);
		g_assert_cmpint(bdev.read_lat.max, ==, (sim_time_t)(7 / qd + 1) * 10 * SIM_USEC);
		g_assert_cmpint(bdev.queue_wait, ==,
				qd == 1 ? 280 * SIM_USEC : 40 * SIM_USEC);
		blk_sim_bdev_destroy(&bdev);
		sim_world_free(w);
	}
}

/* hdd: sequential requests pay no seek, a jump pays one */
static void test_hdd_seek(void)
{
	struct sim_world *w = new_world();
	struct block_device bdev;
	struct io_log log = { 0 };
	struct io_req r[3];
	const struct blk_sim_profile *p = blk_sim_profile_lookup("hdd");
	sim_time_t s = blk_sim_service_time(p, READ, 4096);

	blk_sim_bdev_init(w, &bdev, p, 4096);
	prep(&r[0], &bdev, &log, 0, 0, 4096);     /* head at 0: sequential */
	prep(&r[1], &bdev, &log, 1, 8, 4096);     /* follows on */
	prep(&r[2], &bdev, &log, 2, 1000, 4096);  /* seek */
	for (int i = 0; i < 3; i++)
		submit_bio(READ, &r[i].bio);
	sim_world_run(w, SIM_TIME_MAX);
	g_assert_cmpint(log.done[0], ==, s);
	g_assert_cmpint(log.done[1], ==, 2 * s);
	g_assert_cmpint(log.done[2], ==, 3 * s + p->seek);
	blk_sim_bdev_destroy(&bdev);
	sim_world_free(w);
}

struct waiter_arg {
	struct super_block *sb;
	sim_time_t t_read, t_again, t_sync;
	int err;
};

static void waiter_task(struct sim_task *t, void *argp)
{
	struct waiter_arg *a = argp;
	struct buffer_head *bh;

	/* an uncached metadata block is read once, then cached */
	bh = sb_bread(a->sb, 300);
	g_assert_nonnull(bh);
	g_assert_true(buffer_uptodate(bh));
	a->t_read = sim_task_now(t);
	brelse(bh);
	bh = sb_bread(a->sb, 300);
	a->t_again = sim_task_now(t);
	memset(bh->b_data, 0xab, 16);
	mark_buffer_dirty(bh);
	a->err = sync_dirty_buffer(bh);
	a->t_sync = sim_task_now(t);
	g_assert_false(buffer_dirty(bh));
	brelse(bh);
}

static void test_buffer_cache_and_wait(void)
{
	struct sim_world *w = new_world();
	struct ext4_sim_mount_opts o;
	struct super_block *sb;
	struct waiter_arg a = { 0 };
	const struct blk_sim_profile *p = blk_sim_profile_lookup("nvme");
	struct buffer_head *bh, *bh2;

	ext4_sim_mount_opts_default(&o);
	o.size = 16u << 20;
	o.journal = false;
	sb = ext4_sim_mount(w, &o);
	g_assert_false(IS_ERR(sb));
	/* sb_getblk: one buffer per block, blocksize bytes, counted refs */
	bh = sb_getblk(sb, 500);
	bh2 = sb_getblk(sb, 500);
	g_assert_true(bh == bh2);
	g_assert_cmpuint(bh->b_count, ==, 2);
	g_assert_cmpuint(bh->b_size, ==, 4096);
	g_assert_cmpuint(bh->b_blocknr, ==, 500);
	g_assert_false(buffer_uptodate(bh));
	brelse(bh);
	brelse(bh2);
	g_assert_null(sb_find_get_block(sb, 501));
	g_assert_true(sb_find_get_block(sb, 500) == bh);
	brelse(bh);

	a.sb = sb;
	sim_task_spawn(w, "waiter", waiter_task, &a);
	sim_world_run(w, SIM_TIME_MAX);
	g_assert_cmpint(a.t_read, ==, blk_sim_service_time(p, READ, 4096));
	g_assert_cmpint(a.t_again, ==, a.t_read);   /* cached: no IO */
	g_assert_cmpint(a.err, ==, 0);
	g_assert_cmpint(a.t_sync - a.t_again, ==,
			blk_sim_service_time(p, WRITE, 4096));
	ext4_sim_unmount(sb);
	sim_world_free(w);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/disk/owner-transitions", test_owner_transitions);
	g_test_add_func("/disk/writes", test_writes);
	g_test_add_func("/block/latency-per-profile", test_latency_per_profile);
	g_test_add_func("/block/queue-depth", test_queue_depth);
	g_test_add_func("/block/hdd-seek", test_hdd_seek);
	g_test_add_func("/block/buffer-cache-wait", test_buffer_cache_and_wait);
	return g_test_run();
}
