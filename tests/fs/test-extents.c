/* tests/fs/test-extents.c — the extent tree.
 *
 * Unit tests: the byte format and accessors, node capacities per block
 * size, merge length limits (32768 initialized / 32767 unwritten),
 * ext4_split_extent_at (halves keep or take the unwritten state per flags;
 * without PRE_IO the halves merge back), shift left with the gap check,
 * remove_space of a partial extent at the head, the tail and the middle,
 * an emptied tree resets the root to depth 0, merge-up, unwritten
 * conversions, journal credits and handle restarts, and the es-cache
 * window a restart opens (FIDELITY 3.5).
 *
 * Property test: thousands of random insert / punch / collapse / insert-
 * range / convert operations (fixed seeds, 1 KiB and 4 KiB blocks) against
 * a flat reference map lblk -> (pblk, unwritten).  After every step: every
 * block of the window maps in the tree exactly as in the reference (full
 * walk), lookups through ext4_find_extent agree at both ends of every run
 * of the reference and at random blocks, the checker passes (structure, keys, checksums, node and
 * data block owners), the es cache agrees with the tree, and the blocks
 * owned as extent-tree nodes are exactly the reachable nodes.  Depth >= 2
 * and merge-up must be observed.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "fs/block/disk.h"
#include "fs/ext4/mballoc.h"
#include "tests/fs/fixture/extents-harness.h"

/* ---- byte format ------------------------------------------------------------ */

static void test_format(void)
{
	struct ext4_extent ex;
	struct ext4_extent_idx ix;
	uint8_t *b = (uint8_t *)&ex;

	memset(&ex, 0, sizeof(ex));
	ex.ee_block = cpu_to_le32(0x01020304);
	ex.ee_len = cpu_to_le16(7);
	ext4_ext_store_pblock(&ex, 0xabcd12345678ull);
	/* little-endian layout: ee_block, ee_len, start_hi, start_lo */
	g_assert_cmpuint(b[0], ==, 0x04);
	g_assert_cmpuint(b[3], ==, 0x01);
	g_assert_cmpuint(b[4], ==, 7);
	g_assert_cmpuint(b[6], ==, 0xcd);
	g_assert_cmpuint(b[7], ==, 0xab);
	g_assert_cmpuint(b[8], ==, 0x78);
	g_assert_cmpuint(b[11], ==, 0x12);
	g_assert_cmpuint(ext4_ext_pblock(&ex), ==, 0xabcd12345678ull);
	/* 48 bits only */
	ext4_ext_store_pblock(&ex, 0xffff000000000001ull);
	g_assert_cmpuint(ext4_ext_pblock(&ex), ==, 1);

	memset(&ix, 0, sizeof(ix));
	ext4_idx_store_pblock(&ix, 0x123456789abull);
	g_assert_cmpuint(ext4_idx_pblock(&ix), ==, 0x123456789abull);

	/* length encoding */
	ex.ee_len = cpu_to_le16(EXT_INIT_MAX_LEN);
	g_assert_false(ext4_ext_is_unwritten(&ex));
	g_assert_cmpint(ext4_ext_get_actual_len(&ex), ==, 32768);
	ex.ee_len = cpu_to_le16(5);
	ext4_ext_mark_unwritten(&ex);
	g_assert_cmpuint(le16_to_cpu(ex.ee_len), ==, 32773);
	g_assert_true(ext4_ext_is_unwritten(&ex));
	g_assert_cmpint(ext4_ext_get_actual_len(&ex), ==, 5);
	ext4_ext_mark_initialized(&ex);
	g_assert_false(ext4_ext_is_unwritten(&ex));
	g_assert_cmpint(ext4_ext_get_actual_len(&ex), ==, 5);
	ex.ee_len = cpu_to_le16(EXT_UNWRITTEN_MAX_LEN);
	ext4_ext_mark_unwritten(&ex);
	g_assert_cmpuint(le16_to_cpu(ex.ee_len), ==, 0xffff);
	g_assert_cmpint(ext4_ext_get_actual_len(&ex), ==, 32767);
}

struct cap { unsigned bs; int node; };

static void test_capacities(void)
{
	static const struct cap caps[] = {
		/* (blocks above the page size do not mount: super.c) */
		{ 1024, 84 }, { 2048, 169 }, { 4096, 340 },
	};

	for (unsigned i = 0; i < SIM_ARRAY_SIZE(caps); i++) {
		struct xh_opts o = { .blocksize = caps[i].bs,
				     .size = (uint64_t)caps[i].bs * 16384,
				     .blocks_per_group = 8192 };
		struct xh *h = xh_new(&o);
		struct ext4_extent_header *eh = ext_inode_hdr(h->inode);

		g_assert_cmpint(ext4_ext_space_root(h->inode), ==, 4);
		g_assert_cmpint(ext4_ext_space_block(h->inode), ==, caps[i].node);
		/* the tail fits after eh_max entries */
		g_assert_cmpuint(12 + 12 * (unsigned)caps[i].node + 4, <=, caps[i].bs);
		g_assert_true(eh->eh_magic == EXT4_EXT_MAGIC);
		g_assert_cmpuint(le16_to_cpu(eh->eh_max), ==, 4);
		g_assert_cmpuint(ext_depth(h->inode), ==, 0);
		xh_check(h, 0);
		xh_free(h);
	}
}

/* ---- merge limits ---------------------------------------------------------------- */

static struct ext4_extent mkext(ext4_lblk_t l, unsigned len, ext4_fsblk_t p,
				bool unwritten)
{
	struct ext4_extent ex;

	memset(&ex, 0, sizeof(ex));
	ex.ee_block = cpu_to_le32(l);
	ex.ee_len = cpu_to_le16(len);
	ext4_ext_store_pblock(&ex, p);
	if (unwritten)
		ext4_ext_mark_unwritten(&ex);
	return ex;
}

static void test_merge_limits(void)
{
	struct xh_opts o = { .blocksize = 4096, .size = 64u << 20 };
	struct xh *h = xh_new(&o);
	struct inode *in = h->inode;
	struct ext4_extent a, b;

	a = mkext(0, 32767, 1000, false);
	b = mkext(32767, 1, 1000 + 32767, false);
	g_assert_true(ext4_can_extents_be_merged(in, &a, &b));   /* 32768 */
	a = mkext(0, 32768, 1000, false);
	b = mkext(32768, 1, 1000 + 32768, false);
	g_assert_false(ext4_can_extents_be_merged(in, &a, &b));  /* 32769 */
	a = mkext(0, 32766, 1000, true);
	b = mkext(32766, 1, 1000 + 32766, true);
	g_assert_true(ext4_can_extents_be_merged(in, &a, &b));   /* 32767 */
	a = mkext(0, 32767, 1000, true);
	b = mkext(32767, 1, 1000 + 32767, true);
	g_assert_false(ext4_can_extents_be_merged(in, &a, &b));  /* 32768 unwr */
	a = mkext(0, 10, 1000, false);
	b = mkext(10, 10, 1010, true);
	g_assert_false(ext4_can_extents_be_merged(in, &a, &b));  /* states */
	b = mkext(10, 10, 1011, false);
	g_assert_false(ext4_can_extents_be_merged(in, &a, &b));  /* physical gap */
	b = mkext(11, 10, 1010, false);
	g_assert_false(ext4_can_extents_be_merged(in, &a, &b));  /* logical gap */
	b = mkext(10, 10, 1010, false);
	g_assert_true(ext4_can_extents_be_merged(in, &a, &b));
	xh_free(h);
}

/* Insertion obeys the same limits: a merge that would overflow the length
 * leaves two extents.  Synthetic physical blocks far from anything the
 * allocator hands out; the tree is checked without data owners. */
static void merge_insert_body(struct xh *h, void *arg)
{
	struct inode *in = h->inode;
	struct ext4_ext_path *path = NULL;
	struct ext4_extent ex;
	ext4_fsblk_t P = 100000;
	struct ext4_sim_ext_census c;

	(void)arg;
	down_write(&EXT4_I(in)->i_data_sem);
#define INS(l, n, p, u) do {                                                  \
		ex = mkext((l), (n), (p), (u));                                  \
		path = ext4_find_extent(in, (l), &path, 0);                      \
		g_assert_false(IS_ERR(path));                                    \
		g_assert_cmpint(ext4_ext_insert_extent(NULL, in, &path, &ex, 0), \
				==, 0);                                          \
	} while (0)
	INS(0, 32000, P, false);
	INS(32000, 768, P + 32000, false);          /* merges: 32768 */
	c = xh_check(h, 0);
	g_assert_cmpuint(c.extents, ==, 1);
	INS(32768, 1, P + 32768, false);            /* cannot merge */
	c = xh_check(h, 0);
	g_assert_cmpuint(c.extents, ==, 2);

	INS(100000, 32000, P + 100000, true);
	INS(132000, 767, P + 132000, true);         /* merges: 32767 */
	c = xh_check(h, 0);
	g_assert_cmpuint(c.extents, ==, 3);
	INS(132767, 1, P + 132767, true);           /* cannot merge */
	c = xh_check(h, 0);
	g_assert_cmpuint(c.extents, ==, 4);
	/* prepend: a new extent right before an existing one merges into it */
	INS(200010, 10, P + 200010, false);
	INS(200000, 10, P + 200000, false);
	c = xh_check(h, 0);
	g_assert_cmpuint(c.extents, ==, 5);
#undef INS
	ext4_ext_path_free(path);
	up_write(&EXT4_I(in)->i_data_sem);
}

static void test_merge_insert(void)
{
	struct xh_opts o = { .blocksize = 4096, .size = 2ull << 30 };
	struct xh *h = xh_new(&o);

	xh_run(h, merge_insert_body, NULL);
	xh_free(h);
}

/* ---- helpers over the tree -------------------------------------------------------- */

struct run { ext4_lblk_t l; unsigned n; ext4_fsblk_t p; bool u; };

/* The tree's extents (up to max) in order. */
static unsigned tree_runs(struct xh *h, struct run *r, unsigned max)
{
	unsigned n = 0;
	ext4_lblk_t l = 0;

	for (;;) {
		struct ext4_ext_path *path;
		struct ext4_extent *ex;
		ext4_lblk_t next;

		path = ext4_find_extent(h->inode, l, NULL, 0);
		g_assert_false(IS_ERR(path));
		ex = path[path->p_depth].p_ext;
		if (!ex) {
			ext4_ext_path_free(path);
			return n;
		}
		if (le32_to_cpu(ex->ee_block) + (unsigned)ext4_ext_get_actual_len(ex) <= l) {
			next = ext4_ext_next_allocated_block(path);
			ext4_ext_path_free(path);
			if (next == EXT_MAX_BLOCKS)
				return n;
			l = next;
			continue;
		}
		g_assert_cmpuint(n, <, max);
		r[n].l = le32_to_cpu(ex->ee_block);
		r[n].n = (unsigned)ext4_ext_get_actual_len(ex);
		r[n].p = ext4_ext_pblock(ex);
		r[n].u = ext4_ext_is_unwritten(ex);
		l = r[n].l + r[n].n;
		n++;
		ext4_ext_path_free(path);
	}
}

#define ASSERT_RUN(r, L, N, U) do {                        \
		g_assert_cmpuint((r).l, ==, (L));          \
		g_assert_cmpuint((r).n, ==, (N));          \
		g_assert_cmpint((r).u, ==, (U));           \
	} while (0)

/* ---- split ----------------------------------------------------------------------- */

static void split_at(struct xh *h, ext4_lblk_t lblk, ext4_lblk_t at,
		     int split_flag, int flags)
{
	struct ext4_ext_path *path;

	down_write(&EXT4_I(h->inode)->i_data_sem);
	/* callers change the es cache; here nothing else does */
	ext4_es_remove_extent(h->inode, 0, EXT_MAX_BLOCKS);
	path = ext4_find_extent(h->inode, lblk, NULL, 0);
	g_assert_false(IS_ERR(path));
	g_assert_cmpint(ext4_split_extent_at(NULL, h->inode, &path, at,
					     split_flag, flags), ==, 0);
	ext4_ext_path_free(path);
	up_write(&EXT4_I(h->inode)->i_data_sem);
}

static void split_body(struct xh *h, void *arg)
{
	struct ext4_map_blocks m;
	struct run r[8];
	ext4_fsblk_t p;

	(void)arg;
	g_assert_cmpint(xh_map(h, 10, 20, EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT, &m),
			==, 20);
	p = m.m_pblk;
	/* first half stays unwritten, second half initialized */
	split_at(h, 10, 15, EXT4_EXT_MARK_UNWRIT1, 0);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 2);
	ASSERT_RUN(r[0], 10, 5, true);
	ASSERT_RUN(r[1], 15, 15, false);
	g_assert_cmpuint(r[0].p, ==, p);
	g_assert_cmpuint(r[1].p, ==, p + 5);
	/* both halves unwritten: the split [20, 30) stays apart (PRE_IO) */
	g_assert_cmpint(xh_map(h, 40, 20, EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT, &m),
			==, 20);
	split_at(h, 40, 50, EXT4_EXT_MARK_UNWRIT1 | EXT4_EXT_MARK_UNWRIT2,
		 EXT4_GET_BLOCKS_PRE_IO);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 4);
	ASSERT_RUN(r[2], 40, 10, true);
	ASSERT_RUN(r[3], 50, 10, true);
	/* without PRE_IO the insert of the second half merges back */
	split_at(h, 40, 45, EXT4_EXT_MARK_UNWRIT1 | EXT4_EXT_MARK_UNWRIT2, 0);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 3);
	ASSERT_RUN(r[2], 40, 20, true);
	/* split at the start only re-marks: second-half state */
	split_at(h, 40, 40, 0, 0);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 3);
	ASSERT_RUN(r[2], 40, 20, false);
	/* an initialized extent splits into initialized halves */
	split_at(h, 40, 52, 0, EXT4_GET_BLOCKS_PRE_IO);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 4);
	ASSERT_RUN(r[2], 40, 12, false);
	ASSERT_RUN(r[3], 52, 8, false);
	xh_check(h, EXT4_SIM_CHECK_DATA_OWNERS);
}

static void test_split(void)
{
	struct xh_opts o = { .blocksize = 4096, .size = 64u << 20 };
	struct xh *h = xh_new(&o);

	xh_run(h, split_body, NULL);
	xh_free(h);
}

/* ---- shift ------------------------------------------------------------------------ */

static int shift(struct xh *h, ext4_lblk_t start, ext4_lblk_t n,
		 enum SHIFT_DIRECTION dir)
{
	int ret;

	down_write(&EXT4_I(h->inode)->i_data_sem);
	ext4_es_remove_extent(h->inode, 0, EXT_MAX_BLOCKS);
	ret = ext4_ext_shift_extents(h->inode, NULL, start, n, dir);
	up_write(&EXT4_I(h->inode)->i_data_sem);
	return ret;
}

static void shift_body(struct xh *h, void *arg)
{
	struct ext4_map_blocks m;
	struct run r[8];
	ext4_fsblk_t p40;

	(void)arg;
	g_assert_cmpint(xh_map(h, 0, 10, EXT4_GET_BLOCKS_CREATE, &m), ==, 10);
	g_assert_cmpint(xh_map(h, 20, 10, EXT4_GET_BLOCKS_CREATE, &m), ==, 10);
	g_assert_cmpint(xh_map(h, 40, 10, EXT4_GET_BLOCKS_CREATE, &m), ==, 10);
	p40 = m.m_pblk;
	/* the hole before 40 is 10 blocks: 11 is refused, tree untouched */
	g_assert_cmpint(shift(h, 40, 11, SHIFT_LEFT), ==, -EINVAL);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 3);
	ASSERT_RUN(r[2], 40, 10, false);
	g_assert_cmpint(shift(h, 40, 10, SHIFT_LEFT), ==, 0);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 3);
	ASSERT_RUN(r[2], 30, 10, false);
	g_assert_cmpuint(r[2].p, ==, p40);
	/* the data block's owner followed it */
	g_assert_cmpuint(ext4_sim_disk_owner(EXT4_SB(h->sb)->s_disk, p40)->lblk,
			 ==, 30);
	/* from 20: both later extents move */
	g_assert_cmpint(shift(h, 20, 10, SHIFT_LEFT), ==, 0);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 3);
	ASSERT_RUN(r[1], 10, 10, false);
	ASSERT_RUN(r[2], 20, 10, false);
	/* no hole left before 10 */
	g_assert_cmpint(shift(h, 10, 1, SHIFT_LEFT), ==, -EINVAL);
	/* right shift opens a hole again */
	g_assert_cmpint(shift(h, 10, 100, SHIFT_RIGHT), ==, 0);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 3);
	ASSERT_RUN(r[0], 0, 10, false);
	ASSERT_RUN(r[1], 110, 10, false);
	ASSERT_RUN(r[2], 120, 10, false);
	xh_check(h, EXT4_SIM_CHECK_DATA_OWNERS);
}

static void test_shift(void)
{
	struct xh_opts o = { .blocksize = 4096, .size = 64u << 20 };
	struct xh *h = xh_new(&o);

	xh_run(h, shift_body, NULL);
	xh_free(h);
}

/* ---- remove_space -------------------------------------------------------------------- */

static void remove_body(struct xh *h, void *arg)
{
	struct ext4_sim_disk *d = EXT4_SB(h->sb)->s_disk;
	struct ext4_map_blocks m;
	struct run r[8];
	ext4_fsblk_t p;
	uint64_t free0;

	(void)arg;
	g_assert_cmpint(xh_map(h, 0, 100, EXT4_GET_BLOCKS_CREATE, &m), ==, 100);
	p = m.m_pblk;
	free0 = ext4_sim_disk_count(d, EXT4_SIM_OWN_FREE);
	/* head */
	g_assert_cmpint(xh_punch(h, 0, 9), ==, 0);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 1);
	ASSERT_RUN(r[0], 10, 90, false);
	g_assert_cmpuint(r[0].p, ==, p + 10);
	g_assert_cmpuint(ext4_sim_disk_owner(d, p)->kind, ==, EXT4_SIM_OWN_FREE);
	/* tail */
	g_assert_cmpint(xh_punch(h, 90, 99), ==, 0);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 1);
	ASSERT_RUN(r[0], 10, 80, false);
	/* middle: a split, then the tail of the first half goes */
	g_assert_cmpint(xh_punch(h, 40, 49), ==, 0);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 2);
	ASSERT_RUN(r[0], 10, 30, false);
	ASSERT_RUN(r[1], 50, 40, false);
	g_assert_cmpuint(r[1].p, ==, p + 50);
	g_assert_cmpuint(ext4_sim_disk_count(d, EXT4_SIM_OWN_FREE), ==, free0 + 30);
	/* a punch over holes and both extents' edges */
	g_assert_cmpint(xh_punch(h, 35, 54), ==, 0);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 2);
	ASSERT_RUN(r[0], 10, 25, false);
	ASSERT_RUN(r[1], 55, 35, false);
	/* unwritten extents keep their state when cut */
	g_assert_cmpint(xh_map(h, 200, 30, EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT, &m),
			==, 30);
	g_assert_cmpint(xh_punch(h, 210, 219), ==, 0);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 4);
	ASSERT_RUN(r[2], 200, 10, true);
	ASSERT_RUN(r[3], 220, 10, true);
	xh_check(h, EXT4_SIM_CHECK_DATA_OWNERS);
}

static void test_remove_partial(void)
{
	struct xh_opts o = { .blocksize = 4096, .size = 64u << 20 };
	struct xh *h = xh_new(&o);

	xh_run(h, remove_body, NULL);
	xh_free(h);
}

/* Many separate one-block extents: with 1 KiB blocks, 400 of them need a
 * depth-2 tree (4 * 84 = 336 fit in depth 1). */
static void build_sparse(struct xh *h, unsigned n, ext4_lblk_t stride,
			 int flags)
{
	struct ext4_map_blocks m;

	for (unsigned i = 0; i < n; i++)
		g_assert_cmpint(xh_map(h, i * stride, 1, flags, &m), ==, 1);
}

static void empty_body(struct xh *h, void *arg)
{
	struct ext4_extent_header *eh = ext_inode_hdr(h->inode);
	struct ext4_sim_ext_census c;

	(void)arg;
	build_sparse(h, 400, 2, EXT4_GET_BLOCKS_CREATE);
	c = xh_check(h, EXT4_SIM_CHECK_DATA_OWNERS);
	g_assert_cmpuint(c.depth, ==, 2);
	g_assert_cmpuint(c.extents, ==, 400);
	/* punch everything: all nodes go, the root is a leaf again */
	g_assert_cmpint(xh_punch(h, 0, 100000), ==, 0);
	c = xh_check(h, 0);
	g_assert_cmpuint(c.extents, ==, 0);
	g_assert_cmpuint(c.nodes, ==, 0);
	g_assert_cmpuint(ext_depth(h->inode), ==, 0);
	g_assert_cmpuint(le16_to_cpu(eh->eh_entries), ==, 0);
	g_assert_cmpuint(le16_to_cpu(eh->eh_max), ==, 4);
	g_assert_cmpuint(ext4_sim_disk_count(EXT4_SB(h->sb)->s_disk,
					     EXT4_SIM_OWN_NODE), ==, 0);
	/* and truncate to 0 does the same */
	build_sparse(h, 100, 3, EXT4_GET_BLOCKS_CREATE);
	g_assert_cmpuint(ext_depth(h->inode), ==, 1);
	down_write(&EXT4_I(h->inode)->i_data_sem);
	h->inode->i_size = 0;
	ext4_ext_truncate(NULL, h->inode);
	up_write(&EXT4_I(h->inode)->i_data_sem);
	c = xh_check(h, 0);
	g_assert_cmpuint(c.extents, ==, 0);
	g_assert_cmpuint(ext_depth(h->inode), ==, 0);
}

static void test_emptied_tree(void)
{
	struct xh_opts o = { .blocksize = 1024, .size = 16u << 20 };
	struct xh *h = xh_new(&o);

	xh_run(h, empty_body, NULL);
	xh_free(h);
}

static void merge_up_body(struct xh *h, void *arg)
{
	struct ext4_sim_ext_stats *st = &EXT4_I(h->inode)->i_ext_stats;
	struct ext4_map_blocks m;
	uint64_t ups = st->merge_ups;

	(void)arg;
	/* 5 extents: depth 1 */
	build_sparse(h, 5, 10, EXT4_GET_BLOCKS_CREATE);
	g_assert_cmpuint(ext_depth(h->inode), ==, 1);
	/* remove_space never merges up: 3 left, still depth 1 */
	g_assert_cmpint(xh_punch(h, 30, 49), ==, 0);
	g_assert_cmpuint(ext_depth(h->inode), ==, 1);
	g_assert_cmpuint(xh_check(h, 0).nodes, ==, 1);
	/* the next insert into the lone leaf folds it back into the inode */
	g_assert_cmpint(xh_map(h, 100, 1, EXT4_GET_BLOCKS_CREATE, &m), ==, 1);
	g_assert_cmpuint(ext_depth(h->inode), ==, 0);
	g_assert_cmpuint(st->merge_ups, ==, ups + 1);
	g_assert_cmpuint(xh_check(h, EXT4_SIM_CHECK_DATA_OWNERS).nodes, ==, 0);
	g_assert_cmpuint(xh_check(h, 0).extents, ==, 4);
}

static void test_merge_up(void)
{
	struct xh_opts o = { .blocksize = 1024, .size = 16u << 20 };
	struct xh *h = xh_new(&o);

	xh_run(h, merge_up_body, NULL);
	xh_free(h);
}

/* ---- unwritten conversion ------------------------------------------------------------ */

static void convert_body(struct xh *h, void *arg)
{
	struct ext4_map_blocks m;
	struct run r[8];
	ext4_fsblk_t p;

	(void)arg;
	g_assert_cmpint(xh_map(h, 0, 100, EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT, &m),
			==, 100);
	p = m.m_pblk;
	g_assert_true(m.m_flags & EXT4_MAP_UNWRITTEN);
	/* a read of unwritten space: mapped, flagged unwritten */
	g_assert_cmpint(xh_map(h, 5, 10, 0, &m), ==, 10);
	g_assert_true(m.m_flags & EXT4_MAP_UNWRITTEN);
	g_assert_cmpuint(m.m_pblk, ==, p + 5);
	/* buffered write in the middle: three extents */
	g_assert_cmpint(xh_map(h, 40, 10, EXT4_GET_BLOCKS_CREATE, &m), ==, 10);
	g_assert_false(m.m_flags & EXT4_MAP_UNWRITTEN);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 3);
	ASSERT_RUN(r[0], 0, 40, true);
	ASSERT_RUN(r[1], 40, 10, false);
	ASSERT_RUN(r[2], 50, 50, true);
	/* write at the start of the right one: moves into the left neighbour */
	g_assert_cmpint(xh_map(h, 50, 10, EXT4_GET_BLOCKS_CREATE, &m), ==, 10);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 3);
	ASSERT_RUN(r[1], 40, 20, false);
	ASSERT_RUN(r[2], 60, 40, true);
	g_assert_cmpuint(r[2].p, ==, p + 60);
	/* the whole left one: converts and merges */
	g_assert_cmpint(xh_map(h, 0, 40, EXT4_GET_BLOCKS_CREATE, &m), ==, 40);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 2);
	ASSERT_RUN(r[0], 0, 60, false);
	/* DIO: split before IO (nothing converts), convert on completion */
	g_assert_cmpint(xh_map(h, 90, 10, EXT4_GET_BLOCKS_IO_CREATE_EXT, &m), ==, 10);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 3);
	ASSERT_RUN(r[1], 60, 30, true);
	ASSERT_RUN(r[2], 90, 10, true);
	g_assert_cmpint(xh_map(h, 90, 10, EXT4_GET_BLOCKS_IO_CONVERT_EXT, &m), ==, 10);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 3);
	ASSERT_RUN(r[2], 90, 10, false);
	/* zero range: initialized back to unwritten */
	g_assert_cmpint(xh_map(h, 10, 10, EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT |
					  EXT4_GET_BLOCKS_CONVERT_UNWRITTEN, &m), ==, 10);
	g_assert_true(m.m_flags & EXT4_MAP_UNWRITTEN);
	g_assert_cmpuint(tree_runs(h, r, 8), ==, 5);
	ASSERT_RUN(r[0], 0, 10, false);
	ASSERT_RUN(r[1], 10, 10, true);
	ASSERT_RUN(r[2], 20, 40, false);
	xh_check(h, EXT4_SIM_CHECK_DATA_OWNERS);
}

static void test_convert(void)
{
	struct xh_opts o = { .blocksize = 4096, .size = 64u << 20 };
	struct xh *h = xh_new(&o);

	xh_run(h, convert_body, NULL);
	xh_free(h);
}

/* ---- journal credits and restarts ------------------------------------------------------- */

static void credits_body(struct xh *h, void *arg)
{
	struct ext4_sim_ext_stats *st = &EXT4_I(h->inode)->i_ext_stats;
	struct ext4_sb_info *sbi = EXT4_SB(h->sb);
	struct ext4_sim_ext_stats s0;
	struct ext4_map_blocks m;
	struct ext4_sim_ext_census c;
	unsigned n = 300;
	ext4_lblk_t l;

	(void)arg;
	/* one-block extents spread over the groups (the allocator's goal
	 * follows the logical distance) */
	build_sparse(h, n, sbi->s_blocks_per_group / 8, EXT4_GET_BLOCKS_CREATE);
	c = xh_check(h, EXT4_SIM_CHECK_DATA_OWNERS);
	g_assert_cmpuint(c.extents, ==, n);
	g_assert_cmpuint(st->credits_used, >, 0);

	/* a fresh transaction: an insert into a leaf with room dirties the
	 * leaf and the data group's bitmap and descriptor — 3 credits */
	g_assert_cmpint(ext4_sim_force_commit(h->sb), >=, 0);
	s0 = *st;
	/* (appending: the last leaf has room, the others are full) */
	l = n * (sbi->s_blocks_per_group / 8) + 7;
	g_assert_cmpint(xh_map(h, l, 1, EXT4_GET_BLOCKS_CREATE, &m), ==, 1);
	g_assert_cmpuint(st->credits_used - s0.credits_used, ==, 3);
	g_assert_cmpuint(st->restarts, ==, s0.restarts);
	/* into a full leaf: a split adds the new leaf, its bitmap bit and the
	 * index above (the root, in the inode) */
	g_assert_cmpint(ext4_sim_force_commit(h->sb), >=, 0);
	s0 = *st;
	g_assert_cmpint(xh_map(h, 1, 1, EXT4_GET_BLOCKS_CREATE, &m), ==, 1);
	g_assert_cmpuint(st->splits - s0.splits, ==, 1);
	g_assert_cmpuint(st->credits_used - s0.credits_used, >, 3);

	/* someone else holds most of the running transaction (256 credits
	 * for this 1024-block journal): the punch's extends soon fail, and
	 * each restart waits for the holder and the commit */
	g_assert_cmpint(ext4_sim_force_commit(h->sb), >=, 0);
	xh_spawn_holder(h, 200, 1 * SIM_MSEC);
	s0 = *st;
	g_assert_cmpint(xh_punch(h, 0, EXT_MAX_BLOCKS - 2), ==, 0);
	g_assert_cmpuint(st->extends - s0.extends, >, 0);
	g_assert_cmpuint(st->restarts - s0.restarts, >, 0);
	g_assert_cmpuint(st->credits_requested - s0.credits_requested, >=,
			 7 * (st->extends - s0.extends));
	g_assert_cmpuint(st->credits_used - s0.credits_used, >, 40);
	c = xh_check(h, 0);
	g_assert_cmpuint(c.extents, ==, 0);
	g_assert_cmpuint(ext_depth(h->inode), ==, 0);

	/* collapse over ~18 leaves: ext4_access_path tops the handle up as
	 * it runs low */
	build_sparse(h, 1500, 2, EXT4_GET_BLOCKS_CREATE);
	g_assert_cmpint(ext4_sim_force_commit(h->sb), >=, 0);
	s0 = *st;
	g_assert_cmpint(xh_collapse(h, 1, 1), ==, 0);
	c = xh_check(h, EXT4_SIM_CHECK_DATA_OWNERS);
	g_assert_cmpuint(c.extents, ==, 1500);
	g_assert_cmpuint(c.depth, ==, 2);
	g_assert_cmpuint(st->extends - s0.extends, >, 0);
	g_assert_cmpuint(st->credits_used - s0.credits_used, >, 18);
}

static void test_credits(void)
{
	/* 1024-block journal: at most 256 credits per transaction; 40
	 * groups of 2048 blocks */
	struct xh_opts o = { .blocksize = 1024, .size = 80u << 20,
			     .blocks_per_group = 2048,
			     .journal = true, .journal_blocks = 1024 };
	struct xh *h = xh_new(&o);

	xh_run(h, credits_body, NULL);
	xh_free(h);
}

/* FIDELITY 3.5 (an inference, tested here): the punch purges the es
 * cache first, then removes extents right to left; when a restart drops
 * i_data_sem, a lookup that runs meanwhile misses the cache, finds a
 * not-yet-removed extent in the tree and caches it — and nothing purges
 * that entry when the extent goes.  The model reproduces the window. */
struct window {
	struct xh *h;
	ext4_lblk_t lblk;
	int mapped;
	ext4_fsblk_t pblk;
};

static void window_reader(struct sim_task *t, void *arg)
{
	struct window *w = arg;
	struct ext4_map_blocks m;

	/* after the punch has begun waiting in its restart */
	sim_task_sleep(t, 500 * SIM_USEC);
	w->mapped = xh_map(w->h, w->lblk, 1, 0, &m);
	w->pblk = m.m_pblk;
}

static void window_body(struct xh *h, void *arg)
{
	struct ext4_sb_info *sbi = EXT4_SB(h->sb);
	struct ext4_sim_ext_stats *st = &EXT4_I(h->inode)->i_ext_stats;
	struct window w = { .h = h, .lblk = 0 };
	struct extent_status es;
	uint64_t restarts = st->restarts;
	char why[256];

	(void)arg;
	build_sparse(h, 300, sbi->s_blocks_per_group / 8, EXT4_GET_BLOCKS_CREATE);
	g_assert_cmpint(ext4_sim_force_commit(h->sb), >=, 0);
	xh_spawn_holder(h, 200, 1 * SIM_MSEC);
	xh_spawn(h, "reader", window_reader, &w);
	g_assert_cmpint(xh_punch(h, 0, EXT_MAX_BLOCKS - 1), ==, 0);
	g_assert_cmpuint(st->restarts, >, restarts);

	/* the reader found block 0 still mapped (removed last, right to
	 * left) while the punch waited with i_data_sem dropped ... */
	g_assert_cmpint(w.mapped, ==, 1);
	/* ... the tree is empty now, but the es cache still maps it */
	g_assert_cmpuint(xh_check_tree_only(h).extents, ==, 0);
	g_assert_cmpint(ext4_es_lookup_extent(h->inode, 0, &es), ==, 1);
	g_assert_true(ext4_es_is_written(&es));
	g_assert_cmpuint(ext4_es_pblock(&es), ==, w.pblk);
	g_assert_cmpint(ext4_sim_es_check_against_tree(h->inode, why,
						       sizeof(why)), !=, 0);
	g_test_message("stale es entry after the punch: %s", why);
	/* (clean up for the harness' own checks) */
	ext4_es_remove_extent(h->inode, 0, EXT_MAX_BLOCKS);
}

static void test_restart_window(void)
{
	struct xh_opts o = { .blocksize = 1024, .size = 80u << 20,
			     .blocks_per_group = 2048,
			     .journal = true, .journal_blocks = 1024 };
	struct xh *h = xh_new(&o);

	xh_run(h, window_body, NULL);
	xh_free(h);
}

/* ---- property test ---------------------------------------------------------------------- */


struct pt {
	struct xh *h;
	GRand *rng;
	unsigned L;                /* logical range the test works in */
	unsigned phase;            /* steps per phase */
	ext4_fsblk_t *ref;         /* [L] physical block, 0: hole */
	bool *unw;                 /* [L] */
	unsigned steps;
	unsigned max_depth;
	uint64_t merge_ups;
	unsigned counts[8];
	bool journal;
	char last[128];      /* the last operation, for failure messages */
};

static unsigned rnd(struct pt *t, unsigned n)
{
	return (unsigned)g_rand_int_range(t->rng, 0, (gint32)n);
}

/* A random range [l, l + n) inside the logical window. */
static void pick(struct pt *t, unsigned maxlen, ext4_lblk_t *l, unsigned *n)
{
	*n = 1 + rnd(t, maxlen);
	*l = rnd(t, t->L - *n);
}

static void ref_apply_map(struct pt *t, const struct ext4_map_blocks *m, int ret)
{
	for (int i = 0; i < ret; i++) {
		ext4_lblk_t l = m->m_lblk + (ext4_lblk_t)i;

		g_assert_cmpuint(l, <, t->L);
		t->ref[l] = m->m_pblk + (ext4_fsblk_t)i;
		t->unw[l] = (m->m_flags & EXT4_MAP_UNWRITTEN) != 0;
	}
}

/* Before a map call: what it must return, from the reference. */
static void ref_expect_existing(struct pt *t, ext4_lblk_t l,
				const struct ext4_map_blocks *m, int ret)
{
	/* a mapped block keeps its physical block whatever the conversion */
	for (int i = 0; i < ret; i++)
		if (t->ref[l + (ext4_lblk_t)i])
			g_assert_cmpuint(m->m_pblk + (ext4_fsblk_t)i, ==,
					 t->ref[l + (ext4_lblk_t)i]);
}

struct pt_cmp { struct pt *t; ext4_lblk_t next; };

/* The tree's extents against the reference, block by block. */
static void pt_cmp_extent(void *ctx, const struct ext4_extent *ex)
{
	struct pt_cmp *c = ctx;
	struct pt *t = c->t;
	ext4_lblk_t l = le32_to_cpu(ex->ee_block);
	unsigned n = (unsigned)ext4_ext_get_actual_len(ex);

	g_assert_cmpuint(l + n, <=, t->L);
	for (; c->next < l; c->next++)
		g_assert_cmpuint(t->ref[c->next], ==, 0);
	for (unsigned i = 0; i < n; i++) {
		g_assert_cmpuint(t->ref[l + i], ==, ext4_ext_pblock(ex) + i);
		g_assert_cmpint(t->unw[l + i], ==, ext4_ext_is_unwritten(ex));
	}
	c->next = l + n;
}

static void pt_verify(struct pt *t)
{
	struct pt_cmp cmp = { t, 0 };

	struct xh *h = t->h;
	struct ext4_sim_ext_census c;
	unsigned long extents = 0, blocks = 0;
	ext4_lblk_t l;

	c = xh_check(h, EXT4_SIM_CHECK_DATA_OWNERS |
			(t->steps % 64 == 0 ? XH_CHECK_REFS : 0));
	if (c.depth > t->max_depth)
		t->max_depth = c.depth;

	/* every block of the window: the tree says what the reference says */
	g_assert_cmpint(ext4_sim_ext_for_each_extent(h->inode, pt_cmp_extent,
						     &cmp), ==, 0);
	for (; cmp.next < t->L; cmp.next++)
		g_assert_cmpuint(t->ref[cmp.next], ==, 0);

	/* every run of the reference looks up alike at both ends, and the
	 * lookup reports the run's extent length */
	for (l = 0; l < t->L;) {
		ext4_lblk_t e = l + 1;
		ext4_fsblk_t pb;
		bool u;
		unsigned len;
		int mapped;

		if (t->ref[l]) {
			while (e < t->L && t->ref[e] == t->ref[e - 1] + 1 &&
			       t->unw[e] == t->unw[l] &&
			       e - l < (t->unw[l] ? EXT_UNWRITTEN_MAX_LEN :
						    EXT_INIT_MAX_LEN))
				e++;
			blocks += e - l;
		} else {
			while (e < t->L && !t->ref[e])
				e++;
		}
		mapped = xh_lookup(h, l, &pb, &u, &len);
		g_assert_cmpint(mapped, ==, t->ref[l] != 0);
		if (mapped) {
			g_assert_cmpuint(pb, ==, t->ref[l]);
			g_assert_cmpint(u, ==, t->unw[l]);
			/* the tree may split a run into several extents
			 * (PRE_IO splits, full leaves), never join two runs */
			g_assert_cmpuint(len, <=, e - l);
			mapped = xh_lookup(h, e - 1, &pb, &u, &len);
			g_assert_cmpint(mapped, ==, 1);
			g_assert_cmpuint(pb, ==, t->ref[e - 1]);
			g_assert_cmpint(u, ==, t->unw[e - 1]);
			extents++;
		} else if (e < t->L) {
			g_assert_cmpint(xh_lookup(h, e - 1, &pb, &u, &len), ==, 0);
		}
		l = e;
	}
	/* nothing mapped beyond the window */
	g_assert_cmpuint(c.blocks, ==, blocks);
	g_assert_cmpuint(c.extents, >=, extents);
	/* and a few random blocks */
	for (int i = 0; i < 16; i++) {
		ext4_fsblk_t pb;
		bool u;
		unsigned len;

		l = rnd(t, t->L);
		g_assert_cmpint(xh_lookup(h, l, &pb, &u, &len), ==, t->ref[l] != 0);
		if (t->ref[l]) {
			g_assert_cmpuint(pb, ==, t->ref[l]);
			g_assert_cmpint(u, ==, t->unw[l]);
		}
	}
}

static ext4_lblk_t ref_last(struct pt *t)
{
	ext4_lblk_t l = t->L;

	while (l > 0 && !t->ref[l - 1])
		l--;
	return l;   /* one past the last mapped block */
}

static void pt_step(struct pt *t)
{
	struct xh *h = t->h;
	struct ext4_map_blocks m;
	ext4_lblk_t l;
	unsigned n, op = rnd(t, 100);
	int ret;

	/* Phases: two that grow the tree, one that shrinks it
	 * (so that trees also empty out, drop to one small leaf and merge
	 * back into the inode). */
	if ((t->steps / t->phase) % 3 == 2) {
		if (op < 10) {
			/* truncate: to a random size, or right after the
			 * k-th mapped run (k <= 4: a lone leaf small enough
			 * to merge back into the inode on the next insert) */
			l = op < 2 ? 0 : rnd(t, t->L / 4);
			if (op >= 2 && op < 6) {
				unsigned k = 1 + rnd(t, 4);

				for (l = 0; l < t->L && k; l++)
					if (t->ref[l] && (l + 1 == t->L ||
					    t->ref[l + 1] != t->ref[l] + 1 ||
					    t->unw[l + 1] != t->unw[l]))
						k--;
			}
			snprintf(t->last, sizeof(t->last), "truncate %u", l);
			g_assert_cmpint(xh_punch(h, l, EXT_MAX_BLOCKS - 1), ==, 0);
			memset(&t->ref[l], 0, (t->L - l) * sizeof(t->ref[0]));
			memset(&t->unw[l], 0, (t->L - l) * sizeof(t->unw[0]));
			t->counts[7]++;
			return;
		}
		if (op < 60) {
			pick(t, 2048, &l, &n);
			snprintf(t->last, sizeof(t->last), "punch %u+%u", l, n);
			g_assert_cmpint(xh_punch(h, l, l + n - 1), ==, 0);
			memset(&t->ref[l], 0, n * sizeof(t->ref[0]));
			memset(&t->unw[l], 0, n * sizeof(t->unw[0]));
			t->counts[2]++;
			return;
		}
		op = rnd(t, 100);   /* otherwise the usual mix */
	} else if (op < 3) {
		/* a burst of one-block extents in holes: grows the tree
		 * wide quickly (4 KiB nodes need 1361 extents for depth 2) */
		snprintf(t->last, sizeof(t->last), "burst");
		for (int i = 0; i < 32; i++) {
			l = rnd(t, t->L);
			if (t->ref[l])
				continue;
			ret = xh_map(h, l, 1, EXT4_GET_BLOCKS_CREATE, &m);
			g_assert_cmpint(ret, ==, 1);
			ref_apply_map(t, &m, ret);
		}
		t->counts[0]++;
		return;
	}

	if (op < 40) {
		/* allocate (initialized or unwritten), mostly small ranges
		 * so that the tree grows wide */
		int flags = rnd(t, 3) ? EXT4_GET_BLOCKS_CREATE :
					EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT;

		if (rnd(t, 4) == 0)
			flags |= EXT4_GET_BLOCKS_PRE_IO;
		pick(t, rnd(t, 8) ? 4 : 64, &l, &n);
		snprintf(t->last, sizeof(t->last), "map %u+%u flags %#x", l, n, flags);
		ret = xh_map(h, l, n, flags, &m);
		g_assert_cmpint(ret, >, 0);
		g_assert_cmpuint(m.m_lblk, ==, l);
		ref_expect_existing(t, l, &m, ret);
		ref_apply_map(t, &m, ret);
		t->counts[0]++;
	} else if (op < 55) {
		/* conversions of whatever is at a random place */
		static const int convs[] = {
			EXT4_GET_BLOCKS_CREATE,               /* buffered write */
			EXT4_GET_BLOCKS_IO_CREATE_EXT,        /* DIO pre-split */
			EXT4_GET_BLOCKS_IO_CONVERT_EXT,       /* DIO completion */
			EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT |
				EXT4_GET_BLOCKS_CONVERT_UNWRITTEN, /* zero range */
		};
		int flags = convs[rnd(t, SIM_ARRAY_SIZE(convs))];

		pick(t, 32, &l, &n);
		snprintf(t->last, sizeof(t->last), "convert %u+%u flags %#x", l, n, flags);
		ret = xh_map(h, l, n, flags, &m);
		g_assert_cmpint(ret, >, 0);
		ref_expect_existing(t, l, &m, ret);
		ref_apply_map(t, &m, ret);
		t->counts[1]++;
	} else if (op < 80) {
		/* punch */
		pick(t, rnd(t, 4) ? 16 : 512, &l, &n);
		snprintf(t->last, sizeof(t->last), "punch %u+%u", l, n);
		g_assert_cmpint(xh_punch(h, l, l + n - 1), ==, 0);
		memset(&t->ref[l], 0, n * sizeof(t->ref[0]));
		memset(&t->unw[l], 0, n * sizeof(t->unw[0]));
		t->counts[2]++;
	} else if (op < 88) {
		/* collapse: punch and pull everything after it left */
		pick(t, 32, &l, &n);
		snprintf(t->last, sizeof(t->last), "collapse %u+%u", l, n);
		g_assert_cmpint(xh_collapse(h, l, n), ==, 0);
		memmove(&t->ref[l], &t->ref[l + n], (t->L - l - n) * sizeof(t->ref[0]));
		memmove(&t->unw[l], &t->unw[l + n], (t->L - l - n) * sizeof(t->unw[0]));
		memset(&t->ref[t->L - n], 0, n * sizeof(t->ref[0]));
		memset(&t->unw[t->L - n], 0, n * sizeof(t->unw[0]));
		t->counts[3]++;
	} else if (op < 96) {
		/* insert range: push everything from l right, if it fits */
		pick(t, 32, &l, &n);
		if (ref_last(t) + n > t->L)
			return;
		snprintf(t->last, sizeof(t->last), "insert-range %u+%u", l, n);
		g_assert_cmpint(xh_insert_range(h, l, n), ==, 0);
		memmove(&t->ref[l + n], &t->ref[l], (t->L - l - n) * sizeof(t->ref[0]));
		memmove(&t->unw[l + n], &t->unw[l], (t->L - l - n) * sizeof(t->unw[0]));
		memset(&t->ref[l], 0, n * sizeof(t->ref[0]));
		memset(&t->unw[l], 0, n * sizeof(t->unw[0]));
		t->counts[4]++;
	} else {
		/* shift left with only the gap check (no punch first).  The
		 * kernel's check presumes start follows a hole (collapse
		 * punches first) and start > 0: keep to that. */
		ext4_lblk_t gap_start;

		l = 1 + rnd(t, t->L - 1);
		if (t->ref[l - 1])
			return;
		n = 1 + rnd(t, 16);
		snprintf(t->last, sizeof(t->last), "shift-left %u by %u", l, n);
		gap_start = l;
		while (gap_start > 0 && !t->ref[gap_start - 1])
			gap_start--;
		down_write(&EXT4_I(h->inode)->i_data_sem);
		/* what collapse drops from the es cache: all from the
		 * destination on */
		ext4_es_remove_extent(h->inode, l > n ? l - n : 0,
				      EXT_MAX_BLOCKS - (l > n ? l - n : 0));
		ret = ext4_ext_shift_extents(h->inode, NULL, l, n, SHIFT_LEFT);
		up_write(&EXT4_I(h->inode)->i_data_sem);
		if (l - gap_start < n) {
			g_assert_cmpint(ret, ==, -EINVAL);
			t->counts[6]++;
			return;
		}
		g_assert_cmpint(ret, ==, 0);
		memmove(&t->ref[l - n], &t->ref[l], (t->L - l) * sizeof(t->ref[0]));
		memmove(&t->unw[l - n], &t->unw[l], (t->L - l) * sizeof(t->unw[0]));
		memset(&t->ref[t->L - n], 0, n * sizeof(t->ref[0]));
		memset(&t->unw[t->L - n], 0, n * sizeof(t->unw[0]));
		t->counts[5]++;
	}
}

struct pt_args {
	unsigned blocksize;
	guint32 seed;
	unsigned steps, L, phase;
	bool journal;
};

static void pt_body(struct xh *h, void *arg)
{
	struct pt_args *a = arg;
	struct pt *t = g_new0(struct pt, 1);

	t->h = h;
	t->L = a->L;
	t->phase = a->phase;
	t->ref = g_new0(ext4_fsblk_t, t->L);
	t->unw = g_new0(bool, t->L);
	t->rng = g_rand_new_with_seed(a->seed);
	t->journal = a->journal;
	for (t->steps = 0; t->steps < a->steps; t->steps++) {
		pt_step(t);
		if (g_getenv("XH_TRACE"))
			fprintf(stderr, "step %u: %s (depth %u, root entries %u, extents %lu)\n",
				t->steps, t->last, ext_depth(h->inode),
				le16_to_cpu(ext_inode_hdr(h->inode)->eh_entries),
				xh_check(h, 0).extents);
		pt_verify(t);
	}
	t->merge_ups = EXT4_I(h->inode)->i_ext_stats.merge_ups;
	g_test_message("bs %u seed %u%s: depth max %u, merge-ups %llu, splits %llu, "
		       "grows %llu, nodes alloc/free %llu/%llu; ops map %u conv %u "
		       "punch %u collapse %u insert %u shift %u (refused %u) truncate %u",
		       a->blocksize, a->seed, a->journal ? " journal" : "",
		       t->max_depth, (unsigned long long)t->merge_ups,
		       (unsigned long long)EXT4_I(h->inode)->i_ext_stats.splits,
		       (unsigned long long)EXT4_I(h->inode)->i_ext_stats.grows,
		       (unsigned long long)EXT4_I(h->inode)->i_ext_stats.nodes_allocated,
		       (unsigned long long)EXT4_I(h->inode)->i_ext_stats.nodes_freed,
		       t->counts[0], t->counts[1], t->counts[2], t->counts[3],
		       t->counts[4], t->counts[5], t->counts[6], t->counts[7]);
	g_assert_cmpuint(t->max_depth, >=, 2);
	g_assert_cmpuint(t->merge_ups, >=, 1);
	g_rand_free(t->rng);
	g_free(t->ref);
	g_free(t->unw);
	g_free(t);
}

static void run_property(unsigned blocksize, guint32 seed, unsigned steps,
			 unsigned L, unsigned phase, bool journal)
{
	struct xh_opts o = { .blocksize = blocksize,
			     .size = (uint64_t)blocksize * 4 * L,
			     .journal = journal };
	struct pt_args a = { blocksize, seed, steps, L, phase, journal };
	struct xh *h = xh_new(&o);

	xh_run(h, pt_body, &a);
	xh_free(h);
}

static void test_property_1k(void)
{
	for (guint32 seed = 1; seed <= 3; seed++)
		run_property(1024, seed, 3000, 12288, 400, false);
}

static void test_property_4k(void)
{
	for (guint32 seed = 11; seed <= 12; seed++)
		run_property(4096, seed, 3600, 32768, 600, false);
}

static void test_property_journal(void)
{
	run_property(1024, 21, 2400, 12288, 400, true);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/extents/format", test_format);
	g_test_add_func("/extents/capacities", test_capacities);
	g_test_add_func("/extents/merge-limits", test_merge_limits);
	g_test_add_func("/extents/merge-insert", test_merge_insert);
	g_test_add_func("/extents/split", test_split);
	g_test_add_func("/extents/shift", test_shift);
	g_test_add_func("/extents/remove-partial", test_remove_partial);
	g_test_add_func("/extents/emptied-tree", test_emptied_tree);
	g_test_add_func("/extents/merge-up", test_merge_up);
	g_test_add_func("/extents/convert", test_convert);
	g_test_add_func("/extents/credits", test_credits);
	g_test_add_func("/extents/restart-window", test_restart_window);
	g_test_add_func("/extents/property-1k", test_property_1k);
	g_test_add_func("/extents/property-4k", test_property_4k);
	g_test_add_func("/extents/property-journal", test_property_journal);
	return g_test_run();
}
