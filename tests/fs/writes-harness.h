/* tests/fs/writes-harness.h — a small mounted ext4 with one regular file,
 * its page cache and ext4's write side wired up (ext4_sim_writes_init:
 * flusher, conversion worker, jbd2 ordered hooks), an oracle, and helpers
 * to run task functions to completion and check disk contents. */
#ifndef TESTS_FS_WRITES_HARNESS_H
#define TESTS_FS_WRITES_HARNESS_H

#include <inttypes.h>
#include <string.h>

#include <glib.h>

#include "fs/ext4/ext4_map.h"
#include "fs/ext4/writes_internal.h"
#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"
#include "fs/task_state.h"
#include "tests/fs/fs-harness.h"

struct wh_opts {
	bool journal;
	bool delalloc;
	bool dioread_nolock;
	enum ext4_sim_data_mode data;
	unsigned blocksize;
	const char *device;
	const struct ext4_lock_ops *lock_ops;
};

static inline struct wh_opts wh_defaults(void)
{
	return (struct wh_opts){ .journal = true, .delalloc = true,
				 .data = EXT4_SIM_DATA_ORDERED,
				 .blocksize = 4096, .device = "nvme" };
}

struct wh;
typedef void (*wh_fn)(struct wh *h, void *arg);

struct wh_task {
	struct wh *h;
	wh_fn fn;
	void *arg;
	bool done;
	sim_time_t end;
	struct fs_task_state ts;
};

#define WH_MAX_TASKS 8

struct wh {
	struct sim_world *w;
	struct super_block *sb;
	struct ext4_sb_info *sbi;
	struct mm_sim *mm;
	struct fs_oracle *oracle;
	struct inode *inode;
	struct address_space *mapping;
	struct file file;
	struct wh_task tasks[WH_MAX_TASKS];
	unsigned ntasks;
};

static void wh_task_fn(struct sim_task *t, void *arg)
{
	struct wh_task *wt = arg;

	wt->fn(wt->h, wt->arg);
	wt->done = true;
	wt->end = sim_task_now(t);
}

/* Spawn fn as a task (runs when the world runs). */
static inline struct wh_task *wh_spawn(struct wh *h, const char *name,
				       wh_fn fn, void *arg)
{
	struct wh_task *wt;

	g_assert_cmpuint(h->ntasks, <, WH_MAX_TASKS);
	wt = &h->tasks[h->ntasks++];
	*wt = (struct wh_task){ .h = h, .fn = fn, .arg = arg };
	fs_task_spawn(h->w, name, wh_task_fn, wt, &wt->ts);
	return wt;
}

static inline void wh_run_until(struct wh *h, sim_time_t until)
{
	enum sim_stop stop = sim_world_run(h->w, until);

	if (stop == SIM_STOP_DEADLOCK)
		fsh_stopped(h->w, "world deadlocked", stop);
}

/* Run every spawned task to completion (and the world to idle). */
static inline void wh_run_all(struct wh *h)
{
	wh_run_until(h, SIM_TIME_MAX);
	for (unsigned i = 0; i < h->ntasks; i++)
		g_assert_true(h->tasks[i].done);
	h->ntasks = 0;
}

/* Run one task function to completion. */
static inline void wh_run(struct wh *h, wh_fn fn, void *arg)
{
	wh_spawn(h, "test", fn, arg);
	wh_run_all(h);
}

static void wh_init_inode(struct wh *h, void *arg)
{
	(void)arg;
	fsh_init_extents(h->inode);
}

static inline struct wh *wh_new(const struct wh_opts *o)
{
	struct fsh_opts fo = {
		.blocksize = o->blocksize, .blocks_per_group = 8 * o->blocksize,
		.journal = o->journal, .data = o->data,
		.delalloc = o->delalloc, .device = o->device,
	};
	struct mm_sim_costs zero = { 0 };
	struct wh *h = g_new0(struct wh, 1);

	h->sb = fsh_mount(&fo, &h->w);
	h->sbi = EXT4_SB(h->sb);
	if (o->dioread_nolock)
		h->sbi->s_mount_opt |= EXT4_MOUNT_DIOREAD_NOLOCK;
	h->sbi->s_lock_ops = o->lock_ops;
	h->oracle = fs_oracle_new(h->w, h->sb);
	h->mm = mm_sim_new(h->w, &zero);
	g_assert_cmpint(ext4_sim_writes_init(h->sb), ==, 0);
	h->inode = fsh_new_inode(h->sb, h->mm);
	h->mapping = h->inode->i_mapping;
	ext4_set_aops(h->inode);
	fs_oracle_add_inode(h->inode);
	h->file.f_inode = h->inode;
	h->file.f_mapping = h->mapping;
	wh_run(h, wh_init_inode, NULL);
	return h;
}

static void wh_shutdown(struct wh *h, void *arg)
{
	(void)arg;
	fsh_detach(h->inode, true);
}

/* Tear down; returns the oracle's violation total. */
static inline uint64_t wh_free(struct wh *h)
{
	uint64_t violations;

	wh_run(h, wh_shutdown, NULL);
	fs_oracle_finish(h->oracle);
	if (g_test_verbose())
		fs_oracle_summary(h->oracle, stderr);
	violations = fs_oracle_total(h->oracle);
	fs_oracle_remove_inode(h->inode);
	fs_oracle_free(h->oracle);
	fsh_free(h->w, h->inode, h->mm, true);
	g_free(h);
	return violations;
}

/* ---- checks (from a task) ------------------------------------------------------------ */

/* The block lblk maps to (0: hole); *unwritten if it is an unwritten
 * extent. */
static inline uint64_t wh_lookup(struct wh *h, ext4_lblk_t lblk,
				 bool *unwritten)
{
	struct ext4_map_blocks map = { .m_lblk = lblk, .m_len = 1 };
	int ret = ext4_map_blocks(NULL, h->inode, &map, 0);

	g_assert_cmpint(ret, >=, 0);
	if (unwritten)
		*unwritten = map.m_flags & EXT4_MAP_UNWRITTEN;
	return ret > 0 ? map.m_pblk : 0;
}

/* Bytes [off, off+len) of block blk are bytes [origin, ...) of stamp (0:
 * zeros). */
static inline void wh_assert_block(struct wh *h, uint64_t blk, uint32_t off,
				   uint32_t len, sim_stamp_t stamp,
				   uint32_t origin)
{
	const struct sim_contents *c =
		ext4_sim_disk_contents(h->sbi->s_disk, blk);

	for (uint32_t i = off; i < off + len; i += 64) {
		uint32_t o;
		sim_stamp_t s = sim_contents_at(c, i, &o);

		if (s != stamp || (stamp && o != origin + (i - off))) {
			char buf[256];

			sim_contents_format(c, buf, sizeof(buf));
			g_error("block %" PRIu64 " byte %u: stamp %" PRIu64
				" origin %u, want %" PRIu64 " origin %u (%s)",
				blk, i, s, o, stamp, origin + (i - off), buf);
		}
	}
}

/* The page's buffer of block index i. */
static inline struct buffer_head *wh_bh(struct page *page, unsigned i)
{
	struct buffer_head *bh = page_buffers(page);

	while (i--)
		bh = bh->b_this_page;
	return bh;
}

static inline void wh_check_consistency(struct wh *h)
{
	char why[256] = "";

	if (!page_cache_sim_check(h->mapping, why, sizeof(why)))
		g_error("page cache: %s", why);
	if (!ext4_sim_disk_check(h->sbi->s_disk, why, sizeof(why)))
		g_error("disk: %s", why);
	if (ext4_sim_ext_check_tree(h->inode, EXT4_SIM_CHECK_DATA_OWNERS, NULL,
				    why, sizeof(why)))
		g_error("extent tree: %s", why);
}

#endif /* TESTS_FS_WRITES_HARNESS_H */
