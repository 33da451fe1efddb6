/* tests/fs/faults-harness.h — a world with a mounted filesystem, its page
 * cache, one file with blocks allocated through the extent tree and
 * recognisable contents on disk (every byte of file block b is byte k of
 * stamp FH_STAMP(b)), an open struct file and a process (mm_struct), for
 * the fault and read tests.  Tasks run kernel paths; fh_spawn starts one
 * with fs task state, fh_run runs the world until it is idle.
 */
#ifndef TESTS_FS_FAULTS_HARNESS_H
#define TESTS_FS_FAULTS_HARNESS_H

#include <glib.h>

#include "fs/ext4/file.h"
#include "fs/ext4/ext4_extents.h"
#include "fs/task_state.h"

#define FH_STAMP(lblk) ((sim_stamp_t)(5000 + (lblk)))
#define FH_MAX_TASKS 16

struct fh_opts {
	unsigned blocksize;        /* 0: 4096 */
	bool dax;
	bool journal;
	uint64_t file_blocks;      /* i_size = file_blocks * blocksize */
	const struct ext4_lock_ops *lock_ops;  /* NULL: none (v4.4.1) */
	bool zero_costs;           /* all [costs] zero (default: defaults) */
	uint64_t shuffle_seed;     /* != 0: same-time events in seeded order */
};

struct fh {
	struct sim_world *w;
	struct super_block *sb;
	struct mm_sim *mm;
	struct fs_costs costs;
	struct inode *inode;
	struct file file;
	struct mm_struct *proc;
	struct address_space_operations aops;
	struct fs_task_state ts[FH_MAX_TASKS];
	struct sim_task *tasks[FH_MAX_TASKS];   /* slot users; exited: free */
	bool journal;
};

struct fh *fh_new(const struct fh_opts *o);
void fh_free(struct fh *h);
/* Spawn a task running fn(t, arg); runs when the world runs. */
struct sim_task *fh_spawn(struct fh *h, const char *name, sim_task_fn fn,
			  void *arg);
/* Run until idle; asserts the world did not deadlock. */
void fh_run(struct fh *h);
/* From set-up (a task runs it): allocate [lblk, lblk + len) written,
 * lay FH_STAMP contents on disk, grow i_size to cover it. */
void fh_alloc(struct fh *h, uint32_t lblk, uint32_t len);
/* Physical block of lblk (0: hole), looked up in the tree directly. */
uint64_t fh_pblk(struct fh *h, uint32_t lblk);
/* Every byte of c[coff, coff + len) is file byte (file offset off + i)
 * as laid down by fh_alloc. */
void fh_assert_file_bytes(struct fh *h, const struct sim_contents *c,
			  uint32_t coff, loff_t off, uint32_t len);
/* A shared or private mapping of the whole file (npages pages). */
struct vm_area_struct *fh_mmap(struct fh *h, unsigned long npages,
			       bool shared, bool writable);

#endif /* TESTS_FS_FAULTS_HARNESS_H */
