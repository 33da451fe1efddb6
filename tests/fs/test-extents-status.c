/* tests/fs/test-extents-status.c — the extent-status cache on its own:
 * insert / lookup / remove / cache semantics, merging rules (same status,
 * contiguous; delayed+unwritten never merges), splitting on removal with
 * the right physical block for the tail, the delayed-range search, and a
 * property test against a per-block reference under random operations
 * (fixed seeds), checking the AVL invariants after every step. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fs/ext4/ext4_extents.h"

#define W EXTENT_STATUS_WRITTEN
#define U EXTENT_STATUS_UNWRITTEN
#define D EXTENT_STATUS_DELAYED
#define H EXTENT_STATUS_HOLE

static struct inode *new_inode(void)
{
	struct ext4_inode_info *ei = g_new0(struct ext4_inode_info, 1);

	ext4_es_init_tree(&ei->i_es_tree);
	return &ei->vfs_inode;
}

static void free_inode(struct inode *inode)
{
	ext4_sim_es_release(&EXT4_I(inode)->i_es_tree);
	g_free(EXT4_I(inode));
}

static void check(struct inode *inode)
{
	char why[256];

	if (!ext4_sim_es_check(&EXT4_I(inode)->i_es_tree, why, sizeof(why)))
		g_error("es check: %s", why);
}

static void expect(struct inode *inode, ext4_lblk_t lblk, ext4_lblk_t l,
		   ext4_lblk_t len, unsigned status, ext4_fsblk_t pblk)
{
	struct extent_status es;

	g_assert_cmpint(ext4_es_lookup_extent(inode, lblk, &es), ==, 1);
	g_assert_cmpuint(es.es_lblk, ==, l);
	g_assert_cmpuint(es.es_len, ==, len);
	g_assert_cmpuint(ext4_es_status(&es), ==, status);
	if (status & (W | U))
		g_assert_cmpuint(ext4_es_pblock(&es), ==, pblk);
}

static unsigned long count(struct inode *inode)
{
	return EXT4_I(inode)->i_es_tree.count;
}

static void test_basic(void)
{
	struct inode *in = new_inode();
	struct extent_status es;

	g_assert_cmpint(ext4_es_lookup_extent(in, 5, &es), ==, 0);
	g_assert_cmpint(ext4_es_insert_extent(in, 10, 10, 1000, W), ==, 0);
	expect(in, 10, 10, 10, W, 1000);
	expect(in, 19, 10, 10, W, 1000);
	g_assert_cmpint(ext4_es_lookup_extent(in, 20, &es), ==, 0);
	g_assert_cmpint(ext4_es_lookup_extent(in, 9, &es), ==, 0);

	/* contiguous on both sides: one entry */
	ext4_es_insert_extent(in, 20, 5, 1010, W);
	ext4_es_insert_extent(in, 5, 5, 995, W);
	g_assert_cmpuint(count(in), ==, 1);
	expect(in, 7, 5, 20, W, 995);
	/* physically apart: separate */
	ext4_es_insert_extent(in, 25, 5, 2000, W);
	g_assert_cmpuint(count(in), ==, 2);
	/* different status: separate */
	ext4_es_insert_extent(in, 30, 5, 2005, U);
	g_assert_cmpuint(count(in), ==, 3);
	/* holes merge whatever their "pblk" */
	ext4_es_insert_extent(in, 100, 5, ~0ull, H);
	ext4_es_insert_extent(in, 105, 5, ~0ull, H);
	g_assert_cmpuint(count(in), ==, 4);
	expect(in, 107, 100, 10, H, 0);
	/* delayed merges, delayed+unwritten does not */
	ext4_es_insert_extent(in, 200, 1, ~0ull, D);
	ext4_es_insert_extent(in, 201, 1, ~0ull, D);
	g_assert_cmpuint(count(in), ==, 5);
	ext4_es_insert_extent(in, 300, 1, ~0ull, D | U);
	ext4_es_insert_extent(in, 301, 1, ~0ull, D | U);
	g_assert_cmpuint(count(in), ==, 7);

	/* insert replaces whatever overlapped */
	ext4_es_insert_extent(in, 8, 4, 5000, U);
	expect(in, 7, 5, 3, W, 995);
	expect(in, 8, 8, 4, U, 5000);
	expect(in, 12, 12, 13, W, 1002);
	check(in);
	free_inode(in);
}

static void test_remove(void)
{
	struct inode *in = new_inode();
	struct extent_status es;

	ext4_es_insert_extent(in, 0, 100, 1000, W);
	/* a hole in the middle: the tail keeps its physical offset */
	g_assert_cmpint(ext4_es_remove_extent(in, 40, 10), ==, 0);
	expect(in, 0, 0, 40, W, 1000);
	expect(in, 60, 50, 50, W, 1050);
	g_assert_cmpint(ext4_es_lookup_extent(in, 45, &es), ==, 0);
	/* across entries: trims both edges, drops what is inside */
	ext4_es_insert_extent(in, 200, 10, 3000, U);
	ext4_es_insert_extent(in, 300, 10, ~0ull, H);
	g_assert_cmpint(ext4_es_remove_extent(in, 30, 275), ==, 0);
	expect(in, 0, 0, 30, W, 1000);
	expect(in, 305, 305, 5, H, 0);
	g_assert_cmpuint(count(in), ==, 2);
	/* nothing there: no-op */
	g_assert_cmpint(ext4_es_remove_extent(in, 1000, 10), ==, 0);
	g_assert_cmpint(ext4_es_remove_extent(in, 0, EXT_MAX_BLOCKS), ==, 0);
	g_assert_cmpuint(count(in), ==, 0);
	check(in);
	free_inode(in);
}

static void test_cache_and_delayed(void)
{
	struct inode *in = new_inode();
	struct extent_status es;

	ext4_es_insert_extent(in, 10, 10, 1000, W);
	/* cache_extent never overrides what is known */
	ext4_es_cache_extent(in, 15, 10, 7000, U);
	expect(in, 15, 10, 10, W, 1000);
	g_assert_cmpint(ext4_es_lookup_extent(in, 22, &es), ==, 0);
	ext4_es_cache_extent(in, 20, 10, 1010, W);
	expect(in, 25, 10, 20, W, 1000);   /* and merges like insert */

	ext4_es_insert_extent(in, 50, 5, ~0ull, D);
	ext4_es_insert_extent(in, 80, 5, ~0ull, D);
	ext4_es_find_delayed_extent_range(in, 0, 100, &es);
	g_assert_cmpuint(es.es_lblk, ==, 50);
	ext4_es_find_delayed_extent_range(in, 52, 100, &es);
	g_assert_cmpuint(es.es_lblk, ==, 50);
	ext4_es_find_delayed_extent_range(in, 55, 100, &es);
	g_assert_cmpuint(es.es_lblk, ==, 80);
	ext4_es_find_delayed_extent_range(in, 55, 79, &es);
	g_assert_cmpuint(es.es_len, ==, 0);
	check(in);
	free_inode(in);
}

/* ---- property test ----------------------------------------------------------- */

#define PL 2048u

struct ref { unsigned status; ext4_fsblk_t pblk; };   /* status 0: unknown */

/* Two neighbouring blocks may share one cache entry. */
static bool same_entry_ok(const struct ref *a, const struct ref *b)
{
	if (a->status != b->status || !a->status)
		return false;
	return !(a->status & (W | U)) || a->pblk + 1 == b->pblk;
}

static void prop_run(guint32 seed, unsigned steps)
{
	struct inode *in = new_inode();
	struct ref *ref = g_new0(struct ref, PL);
	GRand *r = g_rand_new_with_seed(seed);
	static const unsigned statuses[] = { W, U, D, H, D | U };

	for (unsigned s = 0; s < steps; s++) {
		unsigned op = (unsigned)g_rand_int_range(r, 0, 10);
		ext4_lblk_t len = (ext4_lblk_t)g_rand_int_range(r, 1, 40);
		ext4_lblk_t l = (ext4_lblk_t)g_rand_int_range(r, 0, PL - len);
		unsigned st = statuses[g_rand_int_range(r, 0, 5)];
		/* physical starts that often continue a neighbour */
		ext4_fsblk_t p = 100000 + l + (g_rand_boolean(r) ? 0 : 5000);

		if (op < 5) {
			g_assert_cmpint(ext4_es_insert_extent(in, l, len, p, st), ==, 0);
			for (ext4_lblk_t i = 0; i < len; i++)
				ref[l + i] = (struct ref){ st, (st & (W | U)) ? p + i : 0 };
		} else if (op < 7) {
			bool known = false;

			for (ext4_lblk_t i = 0; i < len; i++)
				known |= ref[l + i].status != 0;
			ext4_es_cache_extent(in, l, len, p, st);
			/* the kernel only looks at whether something overlaps */
			/* added only when nothing in the range is known */
			if (!known)
				for (ext4_lblk_t i = 0; i < len; i++)
					ref[l + i] = (struct ref){ st,
						(st & (W | U)) ? p + i : 0 };
		} else {
			g_assert_cmpint(ext4_es_remove_extent(in, l, len), ==, 0);
			for (ext4_lblk_t i = 0; i < len; i++)
				ref[l + i] = (struct ref){ 0, 0 };
		}

		check(in);
		/* every block answers as the reference says; entries are
		 * maximal only where merging was possible at insert time,
		 * so lengths are checked as bounds */
		for (ext4_lblk_t b = 0; b < PL; b++) {
			struct extent_status es;
			int found = ext4_es_lookup_extent(in, b, &es);

			g_assert_cmpint(found, ==, ref[b].status != 0);
			if (!found)
				continue;
			g_assert_cmpuint(ext4_es_status(&es), ==, ref[b].status);
			if (ref[b].status & (W | U))
				g_assert_cmpuint(ext4_es_pblock(&es) + (b - es.es_lblk),
						 ==, ref[b].pblk);
			g_assert_cmpuint(es.es_lblk, <=, b);
			g_assert_cmpuint(es.es_lblk + es.es_len, >, b);
			/* an entry never spans unlike blocks */
			if (b > es.es_lblk)
				g_assert_true(same_entry_ok(&ref[b - 1], &ref[b]));
		}
	}
	g_rand_free(r);
	g_free(ref);
	free_inode(in);
}

static void test_property(void)
{
	for (guint32 seed = 1; seed <= 4; seed++)
		prop_run(seed, 1500);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/extents-status/basic", test_basic);
	g_test_add_func("/extents-status/remove", test_remove);
	g_test_add_func("/extents-status/cache-and-delayed", test_cache_and_delayed);
	g_test_add_func("/extents-status/property", test_property);
	return g_test_run();
}
