/* tests/fs/fs-harness.h — the set-up the fs test harnesses share
 * (extents-harness, faults-harness, removes-harness, writes-harness): a
 * world with a small ext4 mounted on it, one regular inode (with its page
 * cache when there is an mm), the clean unmount and the release of it all,
 * the failure report of a world that stopped short, and a tree lookup
 * without side effects.
 *
 * The harnesses keep what differs between them: their options and
 * defaults, the order of the rest of their set-up (mm, write side, oracle:
 * some create tasks, so the order is part of each test's behaviour), and
 * their task runners (some stop when their tasks are done, some run the
 * world until it is idle).
 */
#ifndef TESTS_FS_FS_HARNESS_H
#define TESTS_FS_FS_HARNESS_H

#include <glib.h>

#include "fs/ext4/ext4_extents.h"
#include "fs/mm.h"

/* Mount options as harnesses state them: 0 / NULL is the default noted. */
struct fsh_opts {
	unsigned blocksize;            /* 0: 4096 */
	uint64_t size;                 /* device bytes; 0: 64 MiB */
	unsigned blocks_per_group;     /* 0: the mount's (8 * blocksize) */
	unsigned long journal_blocks;  /* 0: the mount's for the size */
	bool journal;
	enum ext4_sim_data_mode data;  /* 0: data=ordered */
	bool delalloc;
	bool dax;
	const char *device;            /* NULL: the mount's ("nvme") */
	uint64_t shuffle_seed;         /* 0: seed 1; else this seed, with
					* same-time events in seeded order */
	sim_finding_fn finding;        /* non-NULL: the world's finding
					* hook, set before the mount */
	void *finding_ctx;
};

/* A new world and ext4 mounted on it (asserting the mount succeeds). */
struct super_block *fsh_mount(const struct fsh_opts *o, struct sim_world **w);

/* A new regular inode on sb, and with an mm its page cache
 * (address_space_sim_init; the caller sets the aops).  The extent root is
 * the caller's: fsh_init_extents from a task. */
struct inode *fsh_new_inode(struct super_block *sb, struct mm_sim *mm);

/* From a task: __ext4_new_inode's extent root, under i_data_sem (w). */
void fsh_init_extents(struct inode *inode);

/* From a task: the clean unmount's share — with ext4's write side
 * (writes: ext4_sim_writes_init ran) the inode off the writeback lists,
 * the flusher and conversion worker stopped and the jbd2 inode released;
 * then the journal committed, checkpointed and destroyed. */
void fsh_detach(struct inode *inode, bool writes);

/* Outside tasks: release what fsh_mount and fsh_new_inode made (and
 * ext4's write side with writes), in the order that is safe: write side,
 * es cache, the mount (the journal and the disk's device events go before
 * the world), a jbd2 inode still attached (no fsh_detach, as in a world
 * that deadlocked: its journal is gone now), the world, the page cache
 * (mm non-NULL), the inode, the mm. */
void fsh_free(struct sim_world *w, struct inode *inode, struct mm_sim *mm,
	      bool writes);

/* A world run stopped short: g_error with what, why it stopped, and the
 * deadlock report if there is one. */
G_GNUC_NORETURN void fsh_stopped(struct sim_world *w, const char *what,
				 enum sim_stop stop);

/* Tree lookup of one block, no es cache, no locks taken (a caller in a
 * task holds i_data_sem as it needs): true when mapped, with *pblk,
 * *unwritten and *len (blocks left in the extent from lblk), each
 * optional. */
bool fsh_tree_lookup(struct inode *inode, ext4_lblk_t lblk,
		     ext4_fsblk_t *pblk, bool *unwritten, unsigned *len);

#endif /* TESTS_FS_FS_HARNESS_H */
