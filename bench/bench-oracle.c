/* bench/bench-oracle.c — cost per hook of the oracle: random 4 KiB writes
 * (begin + end), reads checked against the shadow, punches and the buffer
 * index, on a 64 MiB file, inside one task that advances simulated time
 * 100 ns between operations (so superseded values are pruned as in a
 * run).  Wall-clock figures, including the engine's sleep events;
 * `make bench` only. */
#include "config.h"

#include <stdio.h>

#include <glib.h>

#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"
#include "tests/fs/fixture/extents-harness.h"

#define FILE_BLOCKS 16384u   /* 64 MiB of 4 KiB blocks */

struct bench {
	struct xh *h;
	struct fs_oracle *o;
	unsigned n;
	double wall;
};

static double now_s(void)
{
	return (double)g_get_monotonic_time() / 1e6;
}

static void run(struct sim_task *t, void *arg)
{
	struct bench *b = arg;
	struct inode *inode = b->h->inode;
	struct ext4_sim_disk *d = EXT4_SB(b->h->sb)->s_disk;
	GRand *g = g_rand_new_with_seed(1);
	struct sim_contents c;
	double t0 = now_s();

	sim_contents_init(&c, 4096);
	for (unsigned i = 0; i < b->n; i++) {
		uint32_t blk = (uint32_t)g_rand_int_range(g, 0, FILE_BLOCKS);
		loff_t off = (loff_t)blk << 12;

		switch (i % 8) {
		case 0: case 1: case 2: {
			sim_stamp_t s = sim_stamp_new(&d->stamps, inode->i_ino, off,
						      4096, SIM_STAMP_WRITE, i,
						      sim_task_now(t));
			uint64_t op = fs_oracle_write_begin(inode, off, 4096, s);

			sim_task_sleep(t, 100);
			fs_oracle_write_end(inode, op, 4096);
			break;
		}
		case 3: {
			uint64_t op = fs_oracle_remove_begin(inode, FS_ORACLE_PUNCH,
							     off, 16384);

			sim_task_sleep(t, 100);
			fs_oracle_remove_end(inode, op, 0);
			break;
		}
		case 4:
			fs_oracle_bh_map(inode, blk, 100000 + blk);
			fs_oracle_bh_unmap(inode, blk, 100000 + blk);
			break;
		default:
			/* a read that returns zeros: mostly wrong, always checked */
			fs_oracle_read(inode, 0, off, 4096, &c, 0, "read");
			break;
		}
		sim_task_sleep(t, 100);
	}
	b->wall = now_s() - t0;
	sim_contents_destroy(&c);
	g_rand_free(g);
}

static double bench_once(bool with_oracle, uint64_t *stale)
{
	struct xh_opts o = { .blocksize = 4096, .size = 256u << 20 };
	struct bench b = { .n = 400000 };

	b.h = xh_new(&o);
	b.o = with_oracle ? fs_oracle_new(b.h->w, b.h->sb) : NULL;
	sim_task_spawn(b.h->w, "bench", run, &b);
	sim_world_run(b.h->w, SIM_TIME_MAX);
	*stale = fs_oracle_count(b.o, FS_ORACLE_STALE_READ);
	fs_oracle_free(b.o);
	xh_free(b.h);
	return b.wall * 1e9 / b.n;
}

int main(void)
{
	uint64_t stale, none;
	double base = bench_once(false, &none);
	double with = bench_once(true, &stale);

	/* the same loop without an oracle (hooks are no-ops) is the engine's
	 * and the loop's own cost */
	printf("oracle hooks, random 4 KiB ops on a 64 MiB file: %.0f ns/op "
	       "with the oracle, %.0f without: %.0f ns/op for the oracle "
	       "(stale reads flagged: %" G_GUINT64_FORMAT ")\n",
	       with, base, with - base, stale);
	return 0;
}
