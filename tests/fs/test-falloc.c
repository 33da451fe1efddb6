/* tests/fs/test-falloc.c — the fallocate family on a small mounted
 * filesystem, against a byte-array model: zero range (whole blocks become
 * unwritten in place and read zero, edges zeroed, size extended unless
 * KEEP_SIZE), collapse and insert range (contents and i_size shift exactly;
 * collapsed blocks are freed, an extent is split at the insertion point),
 * plain allocation (unwritten extents, KEEP_SIZE), the VFS argument checks,
 * and per strategy that zero/collapse/insert take the exclusive side. */
#include "config.h"

#include <string.h>

#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"
#include "tests/fs/fixture/removes-harness.h"

#define BS 4096

/* every strategy of the registry */
static const char *const strategies[] = {
	EXT4_LOCK_STRATEGIES(EXT4_LOCK_STRATEGY_NAME)
};

/* A file of nblk blocks: block i carries its own stamp (so shifts are
 * visible), blocks of `holes` are left unallocated; pages of `cached`
 * (ended by (pgoff_t)-1) in the page cache. */
struct layout {
	unsigned nblk;
	const unsigned *holes;     /* ended by ~0u */
	const pgoff_t *cached;
	bool dirty_cached;         /* cached pages also get a dirty store */
	sim_stamp_t stamp[64];
	sim_stamp_t store;         /* stamp of those stores */
	bool one_extent;           /* one fill for all (no holes) */
};

static bool is_hole(const struct layout *l, unsigned i)
{
	for (const unsigned *p = l->holes; p && *p != ~0u; p++)
		if (*p == i)
			return true;
	return false;
}

static void layout_fn(struct rh *h, void *arg)
{
	struct layout *l = arg;

	if (l->one_extent) {
		rh_fill(h, 0, l->nblk, l->stamp[0], false);
	} else {
		for (unsigned i = 0; i < l->nblk; i++)
			if (!is_hole(l, i))
				rh_fill(h, i, 1, l->stamp[i], false);
	}
	/* a hole at the end still counts for i_size */
	i_size_write(h->inode, (loff_t)l->nblk * BS);
	for (const pgoff_t *p = l->cached; p && *p != (pgoff_t)-1; p++) {
		rh_cache_page(h, *p, false);
		if (l->dirty_cached)
			rh_store(h, *p, 100, 200, l->store);
	}
}

static struct rh *layout_new(const struct rh_opts *o, struct layout *l,
			     struct rh_model *m)
{
	struct rh *h = rh_new(o);

	rh_model_init(m, (loff_t)(l->nblk + 16) * BS);
	for (unsigned i = 0; i < l->nblk; i++) {
		l->stamp[i] = l->one_extent && i ? l->stamp[0]
						 : rh_stamp(h, (loff_t)i * BS, BS);
		if (l->one_extent) {
			rh_model_fill(m, 0, (loff_t)l->nblk * BS, l->stamp[0]);
			continue;
		}
		if (!is_hole(l, i))
			rh_model_fill(m, (loff_t)i * BS, BS, l->stamp[i]);
	}
	m->size = (loff_t)l->nblk * BS;
	if (l->dirty_cached) {
		l->store = rh_stamp(h, 0, 200);
		for (const pgoff_t *p = l->cached; p && *p != (pgoff_t)-1; p++)
			for (loff_t b = 0; b < 200; b++) {
				m->stamp[(loff_t)*p * BS + 100 + b] = l->store;
				m->origin[(loff_t)*p * BS + 100 + b] =
					(uint32_t)b;
			}
	}
	rh_run(h, layout_fn, l);
	return h;
}

struct op {
	int mode;
	loff_t off, len;
	long ret;
};

static void op_fn(struct rh *h, void *arg)
{
	struct op *op = arg;

	op->ret = rh_fallocate(h, op->mode, op->off, op->len);
}

static void commit_fn(struct rh *h, void *arg)
{
	(void)arg;
	rh_commit(h);
}

/* ---- zero range ---------------------------------------------------------------- */

static void check_zero_whole(const char *strategy)
{
	static const pgoff_t cached[] = { 3, 4, 6, 9, (pgoff_t)-1 };
	struct rh_opts o = { .strategy = strategy, .oracle = true };
	struct layout l = { .nblk = 12, .one_extent = true, .cached = cached };
	struct rh_model m;
	struct rh *h = layout_new(&o, &l, &m);
	struct op op = { .mode = FALLOC_FL_ZERO_RANGE, .off = 4 * BS,
			 .len = 4 * BS };
	ext4_fsblk_t before[12], p;
	bool unwritten;

	for (unsigned i = 0; i < 12; i++)
		g_assert_true(rh_lookup(h, i, &before[i], &unwritten));
	rh_run(h, op_fn, &op);
	g_assert_cmpint(op.ret, ==, 0);
	/* the same blocks, now unwritten inside the range; none freed */
	for (unsigned i = 0; i < 12; i++) {
		g_assert_true(rh_lookup(h, i, &p, &unwritten));
		g_assert_cmpuint(p, ==, before[i]);
		g_assert_cmpint(unwritten, ==, i >= 4 && i < 8);
		g_assert_cmpint(rh_owner(h, p), ==, EXT4_SIM_OWN_DATA);
	}
	/* pages of the range dropped, the others kept */
	g_assert_nonnull(page_cache_sim_peek(h->inode->i_mapping, 3));
	g_assert_null(page_cache_sim_peek(h->inode->i_mapping, 4));
	g_assert_null(page_cache_sim_peek(h->inode->i_mapping, 6));
	g_assert_nonnull(page_cache_sim_peek(h->inode->i_mapping, 9));
	g_assert_cmpint(i_size_read(h->inode), ==, 12 * BS);
	rh_model_zero(&m, 4 * BS, 4 * BS);
	rh_model_assert(h, &m);
	rh_check(h);
	rh_oracle_assert_clean(h);
	rh_model_free(&m);
	rh_free(h);
}

static void test_zero_whole(void)
{
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(strategies); i++)
		check_zero_whole(strategies[i]);
}

static void test_zero_partial(void)
{
	static const unsigned holes[] = { 6, ~0u };
	static const pgoff_t cached[] = { 1, (pgoff_t)-1 };
	struct rh_opts o = { 0 };
	struct layout l = { .nblk = 10, .holes = holes, .cached = cached };
	struct rh_model m;
	struct rh *h = layout_new(&o, &l, &m);
	/* from inside block 1 (cached) to inside block 6 (a hole) */
	struct op op = { .mode = FALLOC_FL_ZERO_RANGE, .off = BS + 300,
			 .len = 5 * BS + 100 };
	ext4_fsblk_t p;
	bool unwritten;

	rh_run(h, op_fn, &op);
	g_assert_cmpint(op.ret, ==, 0);
	/* edges: block 1 stays written (partly zeroed in the page), the hole
	 * at block 6 is preallocated unwritten; the middle unwritten */
	g_assert_true(rh_lookup(h, 1, &p, &unwritten));
	g_assert_false(unwritten);
	for (unsigned i = 2; i <= 6; i++) {
		g_assert_true(rh_lookup(h, i, &p, &unwritten));
		g_assert_true(unwritten || i == 6);
	}
	rh_model_zero(&m, op.off, op.len);
	rh_model_assert(h, &m);
	rh_check(h);
	rh_model_free(&m);
	rh_free(h);
}

static void test_zero_size(void)
{
	struct rh_opts o = { 0 };
	struct layout l = { .nblk = 4, .one_extent = true };
	struct rh_model m;
	struct rh *h = layout_new(&o, &l, &m);
	struct op keep = { .mode = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
			   .off = 3 * BS, .len = 3 * BS };
	struct op grow = { .mode = FALLOC_FL_ZERO_RANGE, .off = 3 * BS,
			   .len = 3 * BS + 10 };
	ext4_fsblk_t p;
	bool unwritten;

	rh_run(h, op_fn, &keep);
	g_assert_cmpint(keep.ret, ==, 0);
	g_assert_cmpint(i_size_read(h->inode), ==, 4 * BS);
	/* blocks past EOF preallocated (unwritten) all the same */
	g_assert_true(rh_lookup(h, 5, &p, &unwritten));
	g_assert_true(unwritten);

	rh_run(h, op_fn, &grow);
	g_assert_cmpint(grow.ret, ==, 0);
	g_assert_cmpint(i_size_read(h->inode), ==, 6 * BS + 10);
	rh_model_zero(&m, 3 * BS, BS);
	m.size = 6 * BS + 10;
	rh_model_assert(h, &m);
	rh_check(h);
	rh_model_free(&m);
	rh_free(h);
}

/* ---- collapse and insert ----------------------------------------------------------------- */

static void check_collapse(const char *strategy, bool dirty)
{
	static const unsigned holes[] = { 9, ~0u };
	static const pgoff_t cached[] = { 2, 5, 11, (pgoff_t)-1 };
	struct rh_opts o = { .strategy = strategy, .oracle = true };
	struct layout l = { .nblk = 14, .holes = holes, .cached = cached,
			    .dirty_cached = dirty };
	struct rh_model m;
	struct rh *h = layout_new(&o, &l, &m);
	struct op op = { .mode = FALLOC_FL_COLLAPSE_RANGE, .off = 4 * BS,
			 .len = 3 * BS };
	ext4_fsblk_t gone[3], moved, p;
	bool unwritten;

	for (unsigned i = 0; i < 3; i++)
		g_assert_true(rh_lookup(h, 4 + i, &gone[i], &unwritten));
	g_assert_true(rh_lookup(h, 10, &moved, &unwritten));
	rh_run(h, op_fn, &op);
	g_assert_cmpint(op.ret, ==, 0);
	g_assert_cmpint(i_size_read(h->inode), ==, 11 * BS);
	/* the collapsed blocks are freed (pending the commit); the tail
	 * moved left with its blocks (no copying) */
	for (unsigned i = 0; i < 3; i++)
		g_assert_cmpint(rh_owner(h, gone[i]), ==,
				EXT4_SIM_OWN_PENDING_FREE);
	g_assert_true(rh_lookup(h, 7, &p, &unwritten));
	g_assert_cmpuint(p, ==, moved);
	g_assert_false(rh_lookup(h, 6, &p, &unwritten));  /* the hole, 9 -> 6 */
	rh_model_collapse(&m, 4 * BS, 3 * BS);
	rh_model_assert(h, &m);
	rh_check(h);
	rh_run(h, commit_fn, NULL);
	g_assert_cmpint(rh_owner(h, gone[0]), ==, EXT4_SIM_OWN_FREE);
	rh_oracle_assert_clean(h);
	rh_model_free(&m);
	rh_free(h);
}

static void test_collapse(void)
{
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(strategies); i++)
		check_collapse(strategies[i], false);
	/* dirty pages past the range survive the shift: written back first
	 * (before i_mutex in v4.4.1, under the lock from v4.5) */
	check_collapse("lockless", true);
	check_collapse("i_mmap_sem", true);
	check_collapse("invalidate_lock", true);
}

static void check_insert(const char *strategy, bool one_extent)
{
	static const pgoff_t cached[] = { 3, 8, (pgoff_t)-1 };
	struct rh_opts o = { .strategy = strategy, .oracle = true };
	struct layout l = { .nblk = 10, .cached = cached,
			    .one_extent = one_extent };
	struct rh_model m;
	struct rh *h = layout_new(&o, &l, &m);
	struct op op = { .mode = FALLOC_FL_INSERT_RANGE, .off = 5 * BS,
			 .len = 2 * BS };
	ext4_fsblk_t before[10], p;
	bool unwritten;

	for (unsigned i = 0; i < 10; i++)
		g_assert_true(rh_lookup(h, i, &before[i], &unwritten));
	rh_run(h, op_fn, &op);
	g_assert_cmpint(op.ret, ==, 0);
	g_assert_cmpint(i_size_read(h->inode), ==, 12 * BS);
	for (unsigned i = 0; i < 12; i++) {
		bool mapped = rh_lookup(h, i, &p, &unwritten);

		g_assert_cmpint(mapped, ==, i < 5 || i >= 7);
		if (mapped)
			g_assert_cmpuint(p, ==, before[i < 5 ? i : i - 2]);
	}
	rh_model_insert(&m, 5 * BS, 2 * BS);
	rh_model_assert(h, &m);
	rh_check(h);
	rh_oracle_assert_clean(h);
	rh_model_free(&m);
	rh_free(h);
}

static void test_insert(void)
{
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(strategies); i++)
		check_insert(strategies[i], false);
	/* offset inside one extent: it is split there */
	check_insert("lockless", true);
	check_insert("invalidate_lock", true);
}

/* ---- plain allocation ----------------------------------------------------------------------- */

static void test_allocate(void)
{
	for (unsigned s = 0; s < SIM_ARRAY_SIZE(strategies); s++) {
		struct rh_opts o = { .strategy = strategies[s] };
		struct layout l = { .nblk = 4, .one_extent = true };
		struct rh_model m;
		struct rh *h = layout_new(&o, &l, &m);
		struct op keep = { .mode = FALLOC_FL_KEEP_SIZE, .off = 6 * BS,
				   .len = 2 * BS };
		struct op grow = { .mode = 0, .off = 3 * BS + 5,
				   .len = 5 * BS };
		ext4_fsblk_t p;
		bool unwritten;

		rh_run(h, op_fn, &keep);
		g_assert_cmpint(keep.ret, ==, 0);
		g_assert_cmpint(i_size_read(h->inode), ==, 4 * BS);
		for (unsigned i = 6; i < 8; i++) {
			g_assert_true(rh_lookup(h, i, &p, &unwritten));
			g_assert_true(unwritten);
		}
		g_assert_false(rh_lookup(h, 4, &p, &unwritten));

		rh_run(h, op_fn, &grow);
		g_assert_cmpint(grow.ret, ==, 0);
		g_assert_cmpint(i_size_read(h->inode), ==, 8 * BS + 5);
		/* existing written blocks untouched, the gap filled unwritten */
		g_assert_true(rh_lookup(h, 3, &p, &unwritten));
		g_assert_false(unwritten);
		g_assert_true(rh_lookup(h, 4, &p, &unwritten));
		g_assert_true(unwritten);
		m.size = 8 * BS + 5;
		rh_model_assert(h, &m);
		rh_check(h);
		/* allocation never takes the exclusive side */
		g_assert_cmpuint(rh_acquisitions(h, "i_mmap_sem"), ==, 0);
		g_assert_cmpuint(rh_acquisitions(h, "invalidate_lock"), ==, 0);
		rh_model_free(&m);
		rh_free(h);
	}
}

/* ---- argument checks ------------------------------------------------------------------------ */

static void test_checks(void)
{
	static const struct op cases[] = {
		{ FALLOC_FL_PUNCH_HOLE, 0, BS, -EOPNOTSUPP },   /* no KEEP_SIZE */
		{ FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE |
		  FALLOC_FL_KEEP_SIZE, 0, BS, -EOPNOTSUPP },
		{ FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_KEEP_SIZE, 0, BS, -EINVAL },
		{ FALLOC_FL_INSERT_RANGE | FALLOC_FL_KEEP_SIZE, 0, BS, -EINVAL },
		{ FALLOC_FL_NO_HIDE_STALE, 0, BS, -EOPNOTSUPP },
		{ 0, -1, BS, -EINVAL },
		{ 0, 0, 0, -EINVAL },
		{ FALLOC_FL_COLLAPSE_RANGE, 100, BS, -EINVAL },     /* unaligned */
		{ FALLOC_FL_COLLAPSE_RANGE, 2 * BS, 2 * BS, -EINVAL }, /* to EOF */
		{ FALLOC_FL_INSERT_RANGE, 4 * BS, BS, -EINVAL },    /* at EOF */
		{ FALLOC_FL_INSERT_RANGE, BS, 7, -EINVAL },          /* unaligned */
		{ FALLOC_FL_ZERO_RANGE, 0, (loff_t)1 << 62, -EFBIG },
	};
	struct rh_opts o = { 0 };
	struct layout l = { .nblk = 4, .one_extent = true };
	struct rh_model m;
	struct rh *h = layout_new(&o, &l, &m);

	for (unsigned i = 0; i < SIM_ARRAY_SIZE(cases); i++) {
		struct op op = cases[i];

		rh_run(h, op_fn, &op);
		if (op.ret != cases[i].ret)
			g_error("case %u: got %ld, want %ld", i, op.ret,
				cases[i].ret);
	}
	/* nothing changed */
	rh_model_assert(h, &m);
	rh_model_free(&m);
	rh_free(h);
}

/* ---- the exclusive side per strategy ------------------------------------------------------------ */

static void test_exclusive_side(void)
{
	static const struct { const char *s, *cls; } e[] = {
		{ "i_mmap_sem", "i_mmap_sem" },
		{ "invalidate_lock", "invalidate_lock" },
		{ "i_data_sem_held", "i_data_sem" },
	};
	static const int modes[] = { FALLOC_FL_ZERO_RANGE,
				     FALLOC_FL_COLLAPSE_RANGE,
				     FALLOC_FL_INSERT_RANGE };

	for (unsigned i = 0; i < SIM_ARRAY_SIZE(e); i++) {
		for (unsigned k = 0; k < SIM_ARRAY_SIZE(modes); k++) {
			struct rh_opts o = { .strategy = e[i].s };
			struct layout l = { .nblk = 8, .one_extent = true };
			struct rh_model m;
			struct rh *h = layout_new(&o, &l, &m);
			struct op op = { .mode = modes[k], .off = 2 * BS,
					 .len = 2 * BS };
			struct rh_task *t;

			h->ntasks = 0;
			t = rh_spawn(h, "op", op_fn, &op);
			rh_go_all(h);
			g_assert_cmpint(op.ret, ==, 0);
			/* taken for write, by the operation itself */
			g_assert_true(rh_noted(t, NULL, "acquire", e[i].cls,
					       NULL));
			h->ntasks = 0;
			rh_model_free(&m);
			rh_free(h);
		}
	}
}

/* Design A holds i_data_sem (w) through the conversion; a zero range that
 * grows the file updates i_disksize under it without taking it again. */
static void test_zero_grow_design_a(void)
{
	struct rh_opts o = { .strategy = "i_data_sem_held" };
	struct layout l = { .nblk = 8, .one_extent = true };
	struct rh_model m;
	struct rh *h = layout_new(&o, &l, &m);
	struct op op = { .mode = FALLOC_FL_ZERO_RANGE, .off = 6 * BS,
			 .len = 4 * BS };

	rh_run(h, op_fn, &op);
	g_assert_cmpint(op.ret, ==, 0);
	g_assert_cmpint(i_size_read(h->inode), ==, 10 * BS);
	g_assert_cmpint(EXT4_I(h->inode)->i_disksize, ==, 10 * BS);
	rh_model_zero(&m, 6 * BS, 2 * BS);
	m.size = 10 * BS;
	rh_model_assert(h, &m);
	rh_model_free(&m);
	rh_free(h);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/falloc/zero-whole", test_zero_whole);
	g_test_add_func("/falloc/zero-partial", test_zero_partial);
	g_test_add_func("/falloc/zero-size", test_zero_size);
	g_test_add_func("/falloc/collapse", test_collapse);
	g_test_add_func("/falloc/insert", test_insert);
	g_test_add_func("/falloc/allocate", test_allocate);
	g_test_add_func("/falloc/checks", test_checks);
	g_test_add_func("/falloc/exclusive-side", test_exclusive_side);
	g_test_add_func("/falloc/zero-grow-design-a", test_zero_grow_design_a);
	return g_test_run();
}
