/* bench/bench-extents.c — extent-tree lookups and inserts as the tree grows
 * from 10 to 10^6 extents.
 *
 * One inode, 4 KiB blocks (340 entries per node), no journal.  N one-block
 * extents at even logical blocks (gaps: nothing merges) are inserted in a
 * random order (fixed seed), each with ext4_find_extent +
 * ext4_ext_insert_extent, as ext4_ext_map_blocks does; physical blocks are
 * synthetic (the benchmark measures the tree, not mballoc), node blocks
 * come from mballoc.  At every decade n = 10, 100, ..., N the benchmark
 * reports:
 *   - insert ns/op: the average over the inserts that took the tree from
 *     n/10 to n extents;
 *   - lookup ns/op: ext4_find_extent of random blocks (mapped and holes)
 *     with a reused path array, at size n; and the same for an ascending
 *     sweep of the key space (hot nodes: the CPU-cache-independent cost);
 *   - the tree depth, and for both figures the growth relative to log(n):
 *     (t(n) / t(100)) / (log n / log 100) — about 1 or below means the cost
 *     grows no faster than the logarithm.
 * Lookups and inserts pass EXT4_EX_NOCACHE so that the es cache (a separate
 * structure, measured by its own tests) stays out of the figures.
 *
 * Wall-clock timing is fine here: a benchmark is not a world's result.
 *
 * Usage: bench-extents [N]   (default 1000000, rounded to a power of 10)
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <glib.h>

#include "tests/fs/fixture/extents-harness.h"

#define MAX_DECADES 8

struct bench {
	unsigned long n;                   /* final number of extents */
	ext4_lblk_t *order;                /* insertion order (keys) */
	double ins_ns[MAX_DECADES + 1];
	double look_ns[MAX_DECADES + 1];
	double seq_ns[MAX_DECADES + 1];
	unsigned depth[MAX_DECADES + 1];
	unsigned long size[MAX_DECADES + 1];
	int rows;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t xs(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* Random keys over the whole key space (cold nodes once the tree outgrows
 * the CPU caches), or an ascending sweep (each lookup still walks from
 * the root, but the nodes it meets are hot): the gap between the two is
 * memory latency, not the algorithm. */
static double lookups(struct xh *h, unsigned long n, bool sequential)
{
	struct ext4_ext_path *path = NULL;
	unsigned long k, iters = 200000;
	uint64_t s = 88172645463325252ull, t0, t1;
	volatile uint64_t sink = 0;

	t0 = now_ns();
	for (k = 0; k < iters; k++) {
		ext4_lblk_t l = sequential ?
			(ext4_lblk_t)((k * 2 * n / iters) % (2 * n)) :
			(ext4_lblk_t)(xs(&s) % (2 * n));

		path = ext4_find_extent(h->inode, l, &path, EXT4_EX_NOCACHE);
		if (IS_ERR(path))
			g_error("lookup failed");
		if (path[path->p_depth].p_ext)
			sink += path[path->p_depth].p_block;
	}
	t1 = now_ns();
	ext4_ext_path_free(path);
	(void)sink;
	return (double)(t1 - t0) / (double)iters;
}

static void bench_body(struct xh *h, void *arg)
{
	struct bench *b = arg;
	struct inode *inode = h->inode;
	struct ext4_ext_path *path = NULL;
	unsigned long i, next = 10, from = 0;
	uint64_t t0 = now_ns();
	ext4_fsblk_t base = EXT4_SB(h->sb)->s_blocks_count / 2;
	ext4_fsblk_t span = EXT4_SB(h->sb)->s_blocks_count / 2 - 16;

	down_write(&EXT4_I(inode)->i_data_sem);
	for (i = 0; i < b->n; i++) {
		struct ext4_extent ex = { 0 };
		ext4_lblk_t l = b->order[i];
		int err;

		ex.ee_block = cpu_to_le32(l);
		ex.ee_len = cpu_to_le16(1);
		ext4_ext_store_pblock(&ex, base + (ext4_fsblk_t)(l % span));
		path = ext4_find_extent(inode, l, &path, EXT4_EX_NOCACHE);
		if (IS_ERR(path))
			g_error("find failed");
		err = ext4_ext_insert_extent(NULL, inode, &path, &ex,
					     EXT4_EX_NOCACHE);
		if (err)
			g_error("insert failed: %d", err);

		if (i + 1 == next) {
			uint64_t t1 = now_ns();
			int r = b->rows++;

			b->size[r] = next;
			b->ins_ns[r] = (double)(t1 - t0) / (double)(next - from);
			b->look_ns[r] = lookups(h, b->n, false);
			b->seq_ns[r] = lookups(h, b->n, true);
			b->depth[r] = ext_depth(inode);
			from = next;
			next *= 10;
			t0 = now_ns();
		}
	}
	ext4_ext_path_free(path);
	up_write(&EXT4_I(inode)->i_data_sem);
}

int main(int argc, char **argv)
{
	struct xh_opts o = { .blocksize = 4096, .size = 4ull << 30 };
	struct bench b = { 0 };
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	uint64_t s = 2463534242ull;
	struct xh *h;
	char why[256];
	int base;

	for (b.n = 10; b.n < n && b.n < 100000000ul; b.n *= 10)
		;
	/* keys 0, 2, 4, ... in a random order (Fisher-Yates) */
	b.order = g_new(ext4_lblk_t, b.n);
	for (unsigned long i = 0; i < b.n; i++)
		b.order[i] = (ext4_lblk_t)(2 * i);
	for (unsigned long i = b.n - 1; i > 0; i--) {
		unsigned long j = (unsigned long)(xs(&s) % (i + 1));
		ext4_lblk_t t = b.order[i];

		b.order[i] = b.order[j];
		b.order[j] = t;
	}

	h = xh_new(&o);
	xh_run(h, bench_body, &b);
	if (ext4_sim_ext_check_tree(h->inode, 0, NULL, why, sizeof(why)))
		g_error("tree check after the benchmark: %s", why);

	printf("extent tree, 4 KiB blocks (340 entries/node), %lu one-block "
	       "extents inserted in random order\n", b.n);
	printf("%9s %5s %10s %10s %10s %12s %12s %12s\n", "extents", "depth",
	       "insert ns", "lookup ns", "sweep ns", "insert/logn",
	       "lookup/logn", "sweep/logn");
	base = b.rows > 1 ? 1 : 0;   /* normalise at n = 100 */
	for (int r = 0; r < b.rows; r++) {
		double lg = log((double)b.size[r]) / log((double)b.size[base]);

		printf("%9lu %5u %10.1f %10.1f %10.1f %12.2f %12.2f %12.2f\n",
		       b.size[r], b.depth[r], b.ins_ns[r], b.look_ns[r],
		       b.seq_ns[r], b.ins_ns[r] / b.ins_ns[base] / lg,
		       b.look_ns[r] / b.look_ns[base] / lg,
		       b.seq_ns[r] / b.seq_ns[base] / lg);
	}
	printf("(x/log(n) columns: cost relative to n=%lu divided by "
	       "log(n)/log(%lu); <= ~1 means logarithmic growth or better)\n",
	       b.size[base], b.size[base]);
	xh_free(h);
	g_free(b.order);
	return 0;
}
