/* fs/workload/workload.h — job sections turned into tasks issuing operations
 * (docs/design.md §6): the offset generators, the rules that fit a drawn operation
 * to the file as it is now, and the task loop (fs/workload/workload.c).  The world
 * set-up that creates files, jobs and tasks is fs/model.c.
 *
 * Common random numbers: a task draws from four streams seeded from
 * (seed, replica, job section index << 32 | task index, purpose) with
 * purposes "op", "offset", "len" and "think" — never from the strategy — and
 * draws all four for every operation whether it runs, is clamped or is
 * skipped, so the k-th operation of a task is the same in every strategy.
 *
 * File sizes stay bounded: a file never grows past its cap (twice its
 * configured size; for an fsx replay, the size itself, fsx's maxfilelen).
 * Operations that must lie inside the file (mapped loads and stores, reads,
 * readahead, madvise, punch, zero, collapse, insert) take the drawn offset
 * modulo the current size and are cut at EOF; operations that may extend
 * it (write, dio_write, fallocate, truncate) use the drawn offset as it is
 * and are cut at the cap.  An operation that cannot be fitted (an empty
 * file, a collapse with nothing left behind it, an insert past the cap) is
 * skipped and counted, never retried with other draws.
 */
#ifndef FS_WORKLOAD_H
#define FS_WORKLOAD_H

#include "fs/workload/fsx.h"
#include "fs/workload/options.h"
#include "fs/task_state.h"

struct inode;
struct mm_struct;
struct vm_area_struct;
struct fs_oracle;
struct fs_wl_task;

/* ---- offsets -------------------------------------------------------------------
 *   random        uniform over the pages of the configured size
 *   sequential    byte-exact: each op starts where the task's previous one
 *                 ended; task i of n starts at i/n of the file; wraps at the
 *                 configured size
 *   zipf:THETA    page k drawn with P(k) ∝ (k+1)^-THETA: the hot pages are
 *                 at the start of the file, the same ones for every job, so
 *                 jobs meet there
 *   hot:F         the first F of the pages get 90% of the accesses (uniform
 *                 inside), the rest 10% (uniform)
 * Random, zipf and hot offsets are page-aligned.
 */
enum fs_wl_offset_kind {
	FS_WL_OFF_RANDOM,
	FS_WL_OFF_SEQUENTIAL,
	FS_WL_OFF_ZIPF,
	FS_WL_OFF_HOT,
};

#define FS_WL_HOT_SHARE 0.9   /* hot:F — the share of accesses the hot part gets */

struct fs_wl_offset {
	enum fs_wl_offset_kind kind;
	double param;             /* zipf theta, hot fraction */
	uint64_t size;            /* configured file size (bytes) */
	uint64_t pages;           /* pages of it (>= 1) */
	uint64_t hot_pages;       /* hot: pages in the hot part (>= 1) */
	struct sim_dist zipf;     /* prepared over `pages` */
	uint64_t cursor;          /* sequential: next offset */
};

/* Parses the `offset` key (already validated by fs/workload/options.c). */
bool fs_wl_offset_parse(const char *spec, enum fs_wl_offset_kind *kind,
			double *param);
/* A generator over a file of `size` bytes; task `task` of `ntasks` (the
 * sequential start). */
void fs_wl_offset_init(struct fs_wl_offset *g, enum fs_wl_offset_kind kind,
		       double param, uint64_t size, unsigned task,
		       unsigned ntasks);
/* The next offset; len advances a sequential cursor. */
uint64_t fs_wl_offset_next(struct fs_wl_offset *g, struct sim_rng *r,
			   uint64_t len);

/* ---- fitting an operation to the file ------------------------------------------ */

struct fs_wl_op {
	enum fs_op kind;
	uint64_t offset, len;      /* truncate: offset = the new size */
};

/* Fits op (as drawn) to a file of i_size bytes that may not grow past cap,
 * with file system block size bs.  Returns false when it must be skipped.
 * DIO is block-aligned (offset down, length down to whole blocks, at least
 * one); collapse and insert are block-aligned as the kernel requires
 * (collapse also needs offset + len < i_size, insert offset < i_size). */
bool fs_wl_op_fit(struct fs_wl_op *op, uint64_t i_size, uint64_t cap,
		  unsigned bs);

/* ---- world-level state the tasks share (owned by fs/workload/model.c) --------------------- */

/* Initial data of a file: bytes [off, off + len) are bytes [0, len) of
 * stamp (fs/workload/model.c lays them down). */
struct fs_wl_piece {
	uint64_t off, len;
	sim_stamp_t stamp;
};

struct fs_wl_file {
	const char *name;          /* section name (the config's string) */
	struct inode *inode;
	uint64_t size;             /* configured */
	uint64_t cap;              /* bound on i_size */
	uint64_t initial_size;     /* i_size after set-up */
	unsigned npieces;          /* initial data, in file order */
	const struct fs_wl_piece *pieces;
};

/* An observer of an fsx replay (judge/kcheck.c replays a log on the real
 * kernel and compares): called in the replaying task, never changes what
 * the replay does.  NULL members are not called. */
struct fs_wl_fsx_observer {
	/* Bytes [pos, pos + len) that log op `op` read (read, mapread) are
	 * src[soff, soff + len); for a mapread or mapwrite, the bytes past
	 * EOF in the mapped EOF page are reported the same way (pos = i_size). */
	void (*data)(void *ctx, unsigned op, loff_t pos,
		     const struct sim_contents *src, uint32_t soff,
		     uint32_t len);
	/* Log op `op` is done (or skipped by fsx's rules: st->skip); stamp:
	 * the identity of the data a write or mapwrite stored, else 0. */
	void (*op_end)(void *ctx, unsigned op, const struct fsx_step *st,
		       sim_stamp_t stamp);
	/* After the last op, still in the replaying task (it may block:
	 * fsync, read the file back). */
	void (*end)(void *ctx, struct fs_wl_task *t);
	void *ctx;
};

struct fs_wl_job {
	const char *name;          /* section name */
	unsigned index;            /* job section index: stream identity */
	const struct fs_job *cfg;
	struct fs_wl_file *file;
	unsigned nops;             /* the mix */
	enum fs_op ops[SIM_CHOICE_MAX];
	struct sim_choice mix;
	enum fs_wl_offset_kind off_kind;
	double off_param;
	bool uses_mmap;            /* the mix or the log has mapped ops */
	struct fsx_log *fsx;       /* ops_file, or NULL */
	bool fsx_check;            /* compare with fsx's model: nobody else
				      changes the file */
	const struct fs_wl_fsx_observer *fsx_obs;  /* NULL: none */
	bool stop;                 /* the tasks finish the op they are in and
				      exit (ext4_model_unmount) */
};

/* Statistics of one world (all jobs). */
struct fs_wl_stats {
	struct sim_hist lat[FS_NR_OPS];   /* begin -> end of each op, ns */
	uint64_t done[FS_NR_OPS];         /* ops issued (whatever they returned) */
	uint64_t failed[FS_NR_OPS];       /* ... that returned an error */
	uint64_t skipped[FS_NR_OPS];      /* drawn but not issued: did not fit,
					     or an fsx log op fsx skips */
	uint64_t fsx_skipped;             /* fsx log ops fsx itself skips */
	uint64_t fsx_ops;                 /* fsx log ops replayed */
	uint64_t fsx_mismatches;          /* reads or sizes that disagree with fsx */
	sim_time_t fsx_first_time;        /* -1: none */
	char *fsx_first;                  /* explanation of the first mismatch */
};

void fs_wl_stats_init(struct fs_wl_stats *s);
void fs_wl_stats_destroy(struct fs_wl_stats *s);

/* One workload task. */
struct fs_wl_task {
	struct fs_task_state ts;   /* attached as the task's private state */
	struct fs_wl_job *job;
	unsigned index;            /* within the job */
	struct sim_task *task;
	char *name;                 /* "job/index" (the task's name) */
	struct fs_wl_stats *stats;
	struct sim_rng rng_op, rng_off, rng_len, rng_think;
	struct fs_wl_offset off;
	struct file *file;          /* this task's open file */
	struct mm_struct *mm;       /* this task's address space */
	struct vm_area_struct *vma; /* the file mapped, cap bytes, or NULL */
	uint64_t seq;               /* ops issued, for stamps */
	bool exited;                /* the task function returned */
	/* An fsx replay's state (fsx's model of the file, a buffer for
	 * mapped reads): heap memory a task holds across blocking calls
	 * lives here, not in its stack frames, so a world that stops with
	 * the task blocked (the job's duration) frees it in
	 * fs_wl_task_destroy.  NULL when not replaying. */
	struct wl_fsx *fsx;
};

/* Seeds the streams and the offset generator of t (replica = the job's
 * replica number). */
void fs_wl_task_init(struct fs_wl_task *t, struct fs_wl_job *job,
		     unsigned index, unsigned ntasks, uint64_t seed,
		     uint64_t replica, struct fs_wl_stats *stats);
/* The task function (sim_task_fn): sleeps start_delay, opens and maps the
 * file, then runs the mix forever or replays the log once. */
void fs_wl_task_main(struct sim_task *task, void *arg);
/* Releases what the task allocated (its mm and file), after the world
 * stopped. */
void fs_wl_task_destroy(struct fs_wl_task *t);

/* Whether the model can issue op (its kernel path is in the build).  An
 * unsupported op in a mix or a log is a config error, never faked. */
bool fs_wl_op_supported(enum fs_op op);
/* The fs_op an fsx log op runs as (mapread -> mmap_read, ...). */
enum fs_op fs_wl_fsx_op(enum fsx_op_kind k);

#endif /* FS_WORKLOAD_H */
