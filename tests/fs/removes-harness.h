/* tests/fs/removes-harness.h — a world with one small mounted filesystem,
 * its page cache and one regular file, for the tests of the block-removing
 * paths and the locking strategies (test-punch, test-falloc,
 * test-truncate, test-strategies).
 *
 * Set-up code builds file state directly (extents through the extent code,
 * data on the disk, uptodate pages with mapped buffers) instead of running
 * write paths, so a test states exactly what the file looks like before the
 * operation under test.  Every byte a fill writes carries a stamp and its
 * offset within the fill ("origin"), so contents can be compared with a
 * byte-array model after shifts.
 *
 * Everything that takes a lock, a handle or waits runs inside a task:
 * rh_run() spawns one and runs the world until it is idle; rh_spawn() +
 * rh_go() run several concurrently.
 */
#ifndef TESTS_FS_REMOVES_HARNESS_H
#define TESTS_FS_REMOVES_HARNESS_H

#include <glib.h>

#include "fs/ext4/ext4_extents.h"
#include "fs/ext4/locking.h"
#include "fs/ext4/truncate.h"
#include "fs/mm.h"
#include "fs/task_state.h"

struct rh_opts {
	const char *strategy;          /* NULL: no strategy set (lockless) */
	unsigned blocksize;            /* 0: 4096 */
	uint64_t size;                 /* device bytes; 0: 64 MiB */
	bool nojournal;
	enum ext4_sim_data_mode data;  /* default data=ordered */
	bool nodelalloc;
	bool dax;
	unsigned long journal_blocks;  /* 0: default */
	unsigned blocks_per_group;     /* 0: default */
	bool oracle;                   /* attach an oracle */
};

#define RH_MAX_TASKS 8

struct rh;
typedef void (*rh_fn)(struct rh *h, void *arg);

struct rh_task {
	struct rh *h;
	rh_fn fn;
	void *arg;
	bool done;
	struct sim_task *t;
	struct fs_task_state ts;
};

struct rh {
	struct sim_world *w;
	struct super_block *sb;
	struct mm_sim *mm;
	struct inode *inode;
	struct file file;
	struct mm_struct *proc;        /* a process to mmap the file into */
	struct fs_oracle *oracle;
	struct rh_task tasks[RH_MAX_TASKS];
	unsigned ntasks;
	/* findings through the world's hook (when no oracle is attached) */
	unsigned findings;
	char kind[32];
	char *report;
};

struct rh *rh_new(const struct rh_opts *o);
void rh_free(struct rh *h);

/* Run fn in a fresh task until the world is idle; asserts it finished. */
void rh_run(struct rh *h, rh_fn fn, void *arg);
/* Queue a task (started at rh_go); returns its slot. */
struct rh_task *rh_spawn(struct rh *h, const char *name, rh_fn fn, void *arg);
/* Run the queued tasks until the world stops — right after the last of
 * them finishes, or at a deadlock; returns why.  Does not assert
 * completion (deadlock tests expect none). */
enum sim_stop rh_go(struct rh *h);
/* rh_go, asserting every queued task finished; resets the queue. */
void rh_go_all(struct rh *h);
/* All queued tasks finished (then the queue is reset for the next rh_go). */
bool rh_all_done(struct rh *h);

/* ---- file state (from a task) ---------------------------------------------- */

/* Allocate [lblk, lblk + n) as one initialized extent run (tree + es cache)
 * and write every byte with stamp (origin = byte offset from lblk's start);
 * i_size and i_disksize grow to cover it.  unwritten: allocate unwritten
 * extents and leave the disk bytes alone. */
void rh_fill(struct rh *h, ext4_lblk_t lblk, unsigned n, sim_stamp_t stamp,
	     bool unwritten);
/* Put page index in the page cache with the file's current visible
 * contents, uptodate, buffers mapped to the tree's blocks (holes
 * unmapped).  dirty: also mark it (and its buffers) dirty. */
struct page *rh_cache_page(struct rh *h, pgoff_t index, bool dirty);
/* Write the bytes [off, off+len) of the cached page index with stamp
 * (origin = file offset - off) and dirty it: a mapped store. */
void rh_store(struct rh *h, pgoff_t index, unsigned off, unsigned len,
	      sim_stamp_t stamp);

/* A fresh write stamp for [off, off+len) of the file (set-up data). */
sim_stamp_t rh_stamp(struct rh *h, loff_t off, uint32_t len);
/* From a task: the operations under test, and a forced journal commit
 * (pending frees become reusable). */
void rh_commit(struct rh *h);
/* (inline: test-strategies does not link the paths) */
static inline long rh_fallocate(struct rh *h, int mode, loff_t off,
				loff_t len)
{
	return vfs_fallocate(&h->file, mode, off, len);
}

static inline int rh_truncate(struct rh *h, loff_t size)
{
	return do_truncate(h->inode, size);
}

/* From a task: a MAP_SHARED, PROT_READ|PROT_WRITE mapping of the first
 * npages pages of the file in h->proc (ext4's vm_operations). */
struct vm_area_struct *rh_mmap(struct rh *h, unsigned long npages);

/* ---- inspection (outside tasks too: no cost, no locks) --------------------- */

/* Tree lookup of one block: true if mapped (*pblk, *unwritten). */
bool rh_lookup(struct rh *h, ext4_lblk_t lblk, ext4_fsblk_t *pblk,
	       bool *unwritten);
/* The byte at file offset pos as a reader would see it: the cached page if
 * any, else the block on disk through the tree (holes and unwritten
 * extents read zero); beyond i_size: zero. */
sim_stamp_t rh_byte(struct rh *h, loff_t pos, uint32_t *origin);
/* Extent tree + es cache + disk ownership checks (g_error on failure). */
void rh_check(struct rh *h);
/* Owner kind of physical block pblk. */
int rh_owner(struct rh *h, ext4_fsblk_t pblk);

/* lock_stat figures of a class ("i_mmap_sem", ...) in this world. */
uint64_t rh_acquisitions(struct rh *h, const char *class_name);
uint64_t rh_contentions(struct rh *h, const char *class_name);
/* Whether the task's notes contain (func, what, obj) — any NULL matches
 * anything — and the index of the first match at or after *from. */
bool rh_noted(const struct rh_task *t, const char *func, const char *what,
	      const char *obj, unsigned *from);

/* With an oracle: run its end-of-job checks (lost_write, fsck) now — from
 * outside a task, the world stopped — and return the count of kind k. */
uint64_t rh_oracle_count(struct rh *h, int kind);
/* Every kind but lock_order (design A's expected finding) is zero. */
void rh_oracle_assert_clean(struct rh *h);

/* A byte-array model of a file: per byte (stamp, origin). */
struct rh_model {
	loff_t size;
	sim_stamp_t *stamp;
	uint32_t *origin;
	loff_t cap;
};

void rh_model_init(struct rh_model *m, loff_t cap);
void rh_model_free(struct rh_model *m);
void rh_model_fill(struct rh_model *m, loff_t off, loff_t len,
		   sim_stamp_t stamp);
void rh_model_zero(struct rh_model *m, loff_t off, loff_t len);
void rh_model_collapse(struct rh_model *m, loff_t off, loff_t len);
void rh_model_insert(struct rh_model *m, loff_t off, loff_t len);
void rh_model_truncate(struct rh_model *m, loff_t size);
/* Compare every byte of the file (and i_size) with the model. */
void rh_model_assert(struct rh *h, const struct rh_model *m);

/* The file test-punch and test-truncate start from: blocks [0, nblk) in
 * one rh_fill of stamp, i_size isize (0: as the fill leaves it), the pages
 * of cached (ended by (pgoff_t)-1, may be NULL) clean in the page cache. */
struct rh_file {
	unsigned nblk;
	sim_stamp_t stamp;
	loff_t isize;
	const pgoff_t *cached;
};

/* From a task: lay down f (struct rh_file *). */
void rh_file_fill(struct rh *h, void *f);
/* rh_new, then a file of nblk blocks under one fresh stamp with the pages
 * of cached in the page cache, and its model m with room for spare blocks
 * more. */
struct rh *rh_file_new(const struct rh_opts *o, unsigned nblk,
		       const pgoff_t *cached, unsigned spare,
		       struct rh_model *m);

#endif /* TESTS_FS_REMOVES_HARNESS_H */
