/* bench/bench-alloc.c — cost per call of the ext4 model's storage layer:
 * contents run-list operations, mballoc alloc/free, the allocator checker,
 * and mounting a 1 GiB disk.  Wall-clock figures; `make bench` only. */
#include "config.h"

#include <stdio.h>

#include <glib.h>

#include "fs/ext4/mballoc.h"

static double now_s(void)
{
	return (double)g_get_monotonic_time() / 1e6;
}

static void bench_contents(void)
{
	GRand *g = g_rand_new_with_seed(1);
	struct sim_contents a, b;
	unsigned n = 2000000;
	double t0, t;

	sim_contents_init(&a, 4096);
	sim_contents_init(&b, 4096);
	t0 = now_s();
	for (unsigned i = 0; i < n; i++) {
		uint32_t off = (uint32_t)g_rand_int_range(g, 0, 4096);
		uint32_t len = (uint32_t)g_rand_int_range(g, 1, (gint32)(4096 - off) + 1);

		switch (i % 4) {
		case 0:
			sim_contents_set(&a, off, len, i % 7 + 1, 0);
			break;
		case 1:
			sim_contents_zero(&a, off, len);
			break;
		case 2:
			sim_contents_copy(&b, 0, &a, off, len);
			break;
		default:
			(void)sim_contents_first_diff(&a, 0, &b, 0, 4096);
		}
	}
	t = now_s() - t0;
	printf("contents: %u random set/zero/copy/compare on 4K: %.1f ns/op\n",
	       n, t / n * 1e9);
	sim_contents_destroy(&a);
	sim_contents_destroy(&b);
	g_rand_free(g);
}

static void bench_mballoc(void)
{
	struct sim_world_params p = { .seed = 1 };
	struct sim_world *w = sim_world_new(&p);
	struct ext4_sim_mount_opts o;
	struct super_block *sb;
	struct inode inode = { .i_ino = 12 };
	GRand *g = g_rand_new_with_seed(2);
	ext4_fsblk_t *live = g_new(ext4_fsblk_t, 65536);
	unsigned *lens = g_new(unsigned, 65536), nlive = 0, n = 400000;
	double t0, t;
	int err;

	ext4_sim_mount_opts_default(&o);
	o.journal = false;
	t0 = now_s();
	sb = ext4_sim_mount(w, &o);
	printf("mount 1 GiB / 4K (no journal): %.2f ms\n", (now_s() - t0) * 1e3);
	inode.i_sb = sb;
	t0 = now_s();
	for (unsigned i = 0; i < n; i++) {
		if (nlive < 65536 && (nlive < 1000 || g_rand_boolean(g))) {
			struct ext4_allocation_request ar = {
				.inode = &inode,
				.len = (unsigned)g_rand_int_range(g, 1, 17),
				.goal = (ext4_fsblk_t)g_rand_int_range(g, 0, 262144),
				.flags = EXT4_MB_DELALLOC_RESERVED,
			};
			ext4_fsblk_t b = ext4_mb_new_blocks(NULL, &ar, &err);

			if (b) {
				live[nlive] = b;
				lens[nlive++] = ar.len;
			}
		} else {
			unsigned k = (unsigned)g_rand_int_range(g, 0, (gint32)nlive);

			ext4_free_blocks(NULL, &inode, NULL, live[k], lens[k], 0);
			live[k] = live[--nlive];
			lens[k] = lens[nlive];
		}
	}
	t = now_s() - t0;
	printf("mballoc: %u random alloc (1-16 blocks, random goal) / free: %.1f ns/op\n",
	       n, t / n * 1e9);
	t0 = now_s();
	if (!ext4_sim_mb_check(sb, NULL, 0))
		printf("mballoc: CHECK FAILED\n");
	printf("ext4_sim_mb_check, 262144 blocks: %.2f ms\n", (now_s() - t0) * 1e3);
	ext4_sim_unmount(sb);
	sim_world_free(w);
	g_free(live);
	g_free(lens);
	g_rand_free(g);
}

int main(void)
{
	bench_contents();
	bench_mballoc();
	return 0;
}
