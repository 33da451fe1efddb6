/* tests/fs/extents-harness.h — a world with one mounted filesystem and one
 * inode for the extent-tree tests and benchmark, plus the callers' side of
 * the tree operations written the way the kernel's callers do them
 * (ext4_map_blocks' es-cache bookkeeping, punch, collapse, insert range)
 * but without page cache or i_mutex: only handle + i_data_sem + es cache.
 *
 * Everything that takes i_data_sem or a handle must run inside a task:
 * xh_run() spawns one and runs the world until it is idle.
 */
#ifndef TESTS_FS_EXTENTS_HARNESS_H
#define TESTS_FS_EXTENTS_HARNESS_H

#include "fs/ext4/ext4_extents.h"
#include "fs/task_state.h"

struct xh_opts {
	unsigned int blocksize;       /* 1024 .. 65536 */
	uint64_t size;                /* device bytes */
	unsigned int blocks_per_group;/* 0: default */
	bool journal;
	unsigned long journal_blocks; /* 0: default for the size */
};

struct xh {
	struct sim_world *w;
	struct super_block *sb;
	struct inode *inode;
	bool journal;
	void (*fn)(struct xh *h, void *arg);
	void *arg;
	bool done;
	struct fs_task_state ts;   /* the running task's fs state */
	struct fs_task_state holder_ts;
	int holder_credits;
	sim_time_t holder_hold;
	struct fs_task_state extra_ts[4];
	unsigned nextra;
};

struct xh *xh_new(const struct xh_opts *o);
void xh_free(struct xh *h);
/* Runs fn(h, arg) in a fresh task until the world is idle; asserts the
 * task finished. */
void xh_run(struct xh *h, void (*fn)(struct xh *h, void *arg), void *arg);

/* From inside a task: spawn a second task that starts a handle of
 * `credits`, holds it for `hold` ns, then stops it — a transaction filled
 * by someone else, so that extends fail and restarts wait for the commit.
 * Yields so that the holder has its handle when this returns. */
void xh_spawn_holder(struct xh *h, int credits, sim_time_t hold);

/* From inside a task: spawn another task running fn(h, arg) (at most 4
 * per harness). */
void xh_spawn(struct xh *h, const char *name,
	      void (*fn)(struct sim_task *t, void *arg), void *arg);

/* ---- operations (inside a task) ------------------------------------------ */

/* ext4_map_blocks as inode.c does it, minus the es-cache fast path: handle
 * (when creating), i_data_sem, ext4_ext_map_blocks, then the result into
 * the es cache.  Returns what ext4_ext_map_blocks returned. */
int xh_map(struct xh *h, ext4_lblk_t lblk, unsigned int len, int flags,
	   struct ext4_map_blocks *out);
/* Punch [start, end] (ext4_punch_hole's tree part). */
int xh_punch(struct xh *h, ext4_lblk_t start, ext4_lblk_t end);
/* Collapse [start, start + len) (ext4_collapse_range's tree part). */
int xh_collapse(struct xh *h, ext4_lblk_t start, ext4_lblk_t len);
/* Insert len blocks of hole at start (ext4_insert_range's tree part). */
int xh_insert_range(struct xh *h, ext4_lblk_t start, ext4_lblk_t len);
/* Tree lookup of one block without the es cache: 1 mapped (*pblk,
 * *unwritten, *len = blocks left in the extent), 0 hole. */
int xh_lookup(struct xh *h, ext4_lblk_t lblk, ext4_fsblk_t *pblk,
	      bool *unwritten, unsigned int *len);

/* Checker + es-vs-tree + NODE-owned count == reachable nodes; g_error on
 * failure with the reason.  Returns the census.  flags: those of
 * ext4_sim_ext_check_tree, plus XH_CHECK_REFS (no buffer references left
 * anywhere: a scan of the whole buffer cache). */
#define XH_CHECK_REFS 0x100
struct ext4_sim_ext_census xh_check(struct xh *h, unsigned int flags);
/* The tree checker alone (no es-cache or ownership-count checks). */
struct ext4_sim_ext_census xh_check_tree_only(struct xh *h);

#endif /* TESTS_FS_EXTENTS_HARNESS_H */
