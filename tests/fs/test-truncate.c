/* tests/fs/test-truncate.c — truncate(2) on a small mounted filesystem:
 * shrink (blocks past EOF freed pending the commit, the tail of the last
 * block zeroed, pages past EOF dropped), grow (no blocks, zeros), truncate
 * to the same size trims preallocated blocks past EOF, a shrink waits for
 * direct IO in flight; and per strategy the order of the steps: i_size is
 * lowered before the page cache is dropped in every version, invalidate_lock
 * is taken before the i_size update (v5.15), i_mmap_sem after it (v4.5). */
#include "config.h"

#include <string.h>

#include "fs/block/disk.h"
#include "tests/fs/fixture/removes-harness.h"

#define BS 4096

/* every strategy of the registry */
static const char *const strategies[] = {
	EXT4_LOCK_STRATEGIES(EXT4_LOCK_STRATEGY_NAME)
};

/* A file of nblk blocks (BS each), model alongside, room to grow by 16. */
static struct rh *file_new(const struct rh_opts *o, unsigned nblk,
			   const pgoff_t *cached, struct rh_model *m)
{
	return rh_file_new(o, nblk, cached, 16, m);
}

struct op {
	loff_t size;
	int ret;
	sim_time_t at, end;
};

static void truncate_fn(struct rh *h, void *arg)
{
	struct op *op = arg;

	sim_task_sleep(current, op->at);
	op->ret = rh_truncate(h, op->size);
	op->end = sim_task_now(current);
}

static void commit_fn(struct rh *h, void *arg)
{
	(void)arg;
	rh_commit(h);
}

static void check_shrink(const char *strategy)
{
	static const pgoff_t cached[] = { 4, 5, 10, (pgoff_t)-1 };
	struct rh_opts o = { .strategy = strategy };
	struct rh_model m;
	struct rh *h = file_new(&o, 16, cached, &m);
	struct op shrink = { .size = 5 * BS + 1000 };
	struct op grow = { .size = 8 * BS };
	ext4_fsblk_t pblk[16], p;
	bool unwritten;

	for (unsigned i = 0; i < 16; i++)
		g_assert_true(rh_lookup(h, i, &pblk[i], &unwritten));
	rh_run(h, truncate_fn, &shrink);
	g_assert_cmpint(shrink.ret, ==, 0);
	g_assert_cmpint(i_size_read(h->inode), ==, 5 * BS + 1000);
	g_assert_cmpint(EXT4_I(h->inode)->i_disksize, ==, 5 * BS + 1000);
	for (unsigned i = 0; i < 16; i++) {
		g_assert_cmpint(rh_lookup(h, i, &p, &unwritten), ==, i <= 5);
		if (i > 5)
			g_assert_cmpint(rh_owner(h, pblk[i]), ==,
					EXT4_SIM_OWN_PENDING_FREE);
	}
	g_assert_nonnull(page_cache_sim_peek(h->inode->i_mapping, 5));
	g_assert_null(page_cache_sim_peek(h->inode->i_mapping, 10));
	rh_model_truncate(&m, 5 * BS + 1000);
	rh_model_assert(h, &m);
	rh_check(h);
	rh_run(h, commit_fn, NULL);
	g_assert_cmpint(rh_owner(h, pblk[10]), ==, EXT4_SIM_OWN_FREE);

	/* growing again shows zeros where the tail was: it was zeroed */
	rh_run(h, truncate_fn, &grow);
	g_assert_cmpint(grow.ret, ==, 0);
	g_assert_cmpint(i_size_read(h->inode), ==, 8 * BS);
	g_assert_false(rh_lookup(h, 6, &p, &unwritten));
	rh_model_truncate(&m, 8 * BS);
	rh_model_assert(h, &m);
	rh_check(h);
	rh_model_free(&m);
	rh_free(h);
}

static void test_shrink_grow(void)
{
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(strategies); i++)
		check_shrink(strategies[i]);
}

/* Truncating to the current size still trims blocks preallocated past
 * EOF (v4.4: shrink is "<=", v5.15 calls ext4_truncate for any size not
 * above the old one). */
struct prealloc {
	long ret;
};

static void prealloc_fn(struct rh *h, void *arg)
{
	struct prealloc *pa = arg;

	pa->ret = rh_fallocate(h, FALLOC_FL_KEEP_SIZE, 4 * BS, 4 * BS);
}

static void test_same_size(void)
{
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(strategies); i++) {
		struct rh_opts o = { .strategy = strategies[i] };
		struct rh_model m;
		struct rh *h = file_new(&o, 4, NULL, &m);
		struct prealloc pa;
		struct op same = { .size = 4 * BS };
		ext4_fsblk_t p;
		bool unwritten;

		rh_run(h, prealloc_fn, &pa);
		g_assert_cmpint(pa.ret, ==, 0);
		g_assert_true(rh_lookup(h, 6, &p, &unwritten));
		rh_run(h, truncate_fn, &same);
		g_assert_cmpint(same.ret, ==, 0);
		g_assert_false(rh_lookup(h, 6, &p, &unwritten));
		g_assert_true(rh_lookup(h, 3, &p, &unwritten));
		rh_model_assert(h, &m);
		rh_model_free(&m);
		rh_free(h);
	}
}

/* ---- a shrink waits for DIO in flight ---------------------------------------------------- */

#define DIO_TIME (100 * SIM_USEC)

static void dio_fn(struct rh *h, void *arg)
{
	(void)arg;
	inode_dio_begin(h->inode);
	sim_task_sleep(current, DIO_TIME);
	inode_dio_end(h->inode);
}

static void test_dio_wait(void)
{
	static const char *const s[] = { "lockless", "i_mmap_sem",
					 "invalidate_lock" };

	for (unsigned i = 0; i < SIM_ARRAY_SIZE(s); i++) {
		struct rh_opts o = { .strategy = s[i] };
		struct rh_model m;
		struct rh *h = file_new(&o, 8, NULL, &m);
		struct op op = { .size = 2 * BS, .at = SIM_USEC };

		h->ntasks = 0;
		rh_spawn(h, "dio", dio_fn, NULL);
		rh_spawn(h, "truncate", truncate_fn, &op);
		rh_go_all(h);
		g_assert_cmpint(op.ret, ==, 0);
		g_assert_cmpint(op.end, >=, DIO_TIME);
		rh_model_free(&m);
		rh_free(h);
	}
}

/* ---- the order of the steps ------------------------------------------------------------------ */

static bool note_at(const struct rh_task *t, const char *func,
		    const char *what, const char *obj, unsigned *idx)
{
	unsigned from = 0;

	if (!rh_noted(t, func, what, obj, &from))
		return false;
	*idx = from - 1;
	return true;
}

static void test_order(void)
{
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(strategies); i++) {
		struct rh_opts o = { .strategy = strategies[i] };
		struct rh_model m;
		struct rh *h = file_new(&o, 8, NULL, &m);
		struct op op = { .size = 3 * BS };
		unsigned isize = 0, trunc = 0, lock = 0;
		struct rh_task *t;

		h->ntasks = 0;
		t = rh_spawn(h, "truncate", truncate_fn, &op);
		rh_go_all(h);
		g_assert_cmpint(op.ret, ==, 0);
		/* every version: i_size lowered before the page cache goes */
		g_assert_true(note_at(t, "ext4_setattr", "i_size_write", NULL,
				      &isize));
		g_assert_true(note_at(t, "ext4_setattr", "truncate_pagecache",
				      NULL, &trunc));
		g_assert_cmpuint(isize, <, trunc);
		if (!strcmp(strategies[i], "invalidate_lock") ||
		    !strcmp(strategies[i], "range_lock")) {
			g_assert_true(note_at(t, "ext4_setattr", "acquire",
					      strategies[i], &lock));
			g_assert_cmpuint(lock, <, isize);
		} else if (!strcmp(strategies[i], "i_mmap_sem")) {
			g_assert_true(note_at(t, "ext4_setattr", "acquire",
					      "i_mmap_sem", &lock));
			g_assert_cmpuint(lock, >, isize);
			g_assert_cmpuint(lock, <, trunc);
		} else {
			g_assert_false(note_at(t, NULL, "acquire", "i_mmap_sem",
					       &lock));
			g_assert_false(note_at(t, NULL, "acquire",
					       "invalidate_lock", &lock));
		}
		h->ntasks = 0;
		rh_model_truncate(&m, 3 * BS);
		rh_model_assert(h, &m);
		rh_model_free(&m);
		rh_free(h);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/truncate/shrink-grow", test_shrink_grow);
	g_test_add_func("/truncate/same-size", test_same_size);
	g_test_add_func("/truncate/dio-wait", test_dio_wait);
	g_test_add_func("/truncate/order", test_order);
	return g_test_run();
}
