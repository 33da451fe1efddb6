/* fs/oracle_internal.h — the oracle's private structures, shared by
 * fs/oracle.c (hooks, counting, end-of-job checks), fs/oracle_shadow.c (the
 * per-file shadow contents) and fs/oracle_explain.c (explanations).
 * Nothing outside fs/oracle*.c includes this.
 */
#ifndef FS_ORACLE_INTERNAL_H
#define FS_ORACLE_INTERNAL_H

#include <glib.h>

#include "fs/oracle.h"

/* ---- the shadow of one file (oracle_shadow.c) ---------------------------------
 * Per file block (the fs block size, so collapse/insert shift whole
 * records), a list of candidate values, each over a byte range of the block:
 * a write's bytes (stamp, and the file offset `delta` where the write's
 * byte 0 now lies) or zeros (stamp 0), with the time window in which a read
 * may observe it:
 *   t_begin  the writing operation began;
 *   t_end    it completed (SIM_TIME_MAX while in flight);
 *   t_super  a later operation that began after t_end completed over these
 *            bytes (SIM_TIME_MAX: still current).
 * A read over [tb, te] may return the value iff t_begin <= te and
 * t_super >= tb: it is the last value completed before the read began, or
 * its write overlapped the read.  Concurrent writes do not supersede each
 * other (either may have been linearised last).  A block with no record has
 * never been written: it reads zero.  Values superseded before the oldest
 * read still in progress can never be returned again and are dropped.
 */
struct oracle_val {
	sim_stamp_t stamp;     /* 0 = zeros */
	int64_t delta;         /* file offset of the write's byte 0 (stamp != 0) */
	sim_time_t t_begin, t_end, t_super;
	uint64_t op;           /* operation that laid it down (0: set-up) */
	uint32_t lo, hi;       /* byte range inside the block */
	uint32_t task;         /* writer's task id + 1 (0: none / event) */
};

struct oracle_blk {
	uint32_t n, cap;
	struct oracle_val *v;
};

#define ORACLE_CHUNK_SHIFT 9                  /* 512 blocks per chunk */
#define ORACLE_CHUNK (1u << ORACLE_CHUNK_SHIFT)

struct oracle_shadow {
	unsigned blocksize, blockbits;
	struct oracle_blk **chunks;   /* chunk -> ORACLE_CHUNK records, or NULL */
	uint64_t nchunks;
	uint64_t nblocks_hint;        /* blocks below this may have records */
	struct oracle_val *scratch;   /* shift: a record being built */
	uint32_t scratch_cap;
};

void oracle_shadow_init(struct oracle_shadow *s, unsigned blocksize);
void oracle_shadow_destroy(struct oracle_shadow *s);
/* An operation lays a value over file bytes [off, off+len) at `now`,
 * still in flight (stamp 0: zeros). */
void oracle_shadow_begin(struct oracle_shadow *s, uint64_t off, uint64_t len,
			 sim_stamp_t stamp, int64_t delta, uint64_t op,
			 uint32_t task, sim_time_t now);
/* Operation op completed over [off, off+len): its values get t_end = now;
 * with `definite`, values over those bytes that completed before t_begin
 * are superseded at now. */
void oracle_shadow_end(struct oracle_shadow *s, uint64_t off, uint64_t len,
		       uint64_t op, sim_time_t t_begin, bool definite,
		       sim_time_t now);
/* Collapse (shift < 0: bytes [from + shift, from) vanish, the tail moves
 * left) or insert (shift > 0: the tail from `from` moves right, the gap
 * reads zero), block-aligned, completed at now.  Positions whose value
 * changes keep their old values, superseded at now. */
void oracle_shadow_shift(struct oracle_shadow *s, uint64_t from,
			 int64_t shift, sim_time_t now);
/* Drop values of the blocks over [off, off+len) superseded before
 * `horizon` (len UINT64_MAX: every block). */
void oracle_shadow_prune(struct oracle_shadow *s, uint64_t off, uint64_t len,
			 sim_time_t horizon);

/* A read [tb, te] returned run (stamp, origin) at file bytes [off, off+len):
 * 0 if legal, else the first illegal byte offset + 1 (and *why filled). */
struct oracle_mismatch {
	uint64_t off;                 /* file offset of the first bad byte */
	sim_stamp_t got, want;        /* want: the current value there */
	uint32_t got_origin, want_origin;
	uint32_t want_task;           /* writer of the current value (+1) */
	uint32_t got_task;            /* writer of the returned value if known (+1) */
	sim_time_t want_end;          /* when the current value completed */
	uint64_t nallowed;            /* candidate values there */
};
bool oracle_shadow_check(const struct oracle_shadow *s, uint64_t off,
			 uint64_t len, sim_stamp_t stamp, uint32_t origin,
			 sim_time_t tb, sim_time_t te,
			 struct oracle_mismatch *mm);
/* The value a read beginning now (after every op completed) must see at
 * file byte off: the single current value, or false if several concurrent
 * values are current (then no end-of-job verdict there). *task is its
 * writer (+1). */
bool oracle_shadow_final(const struct oracle_shadow *s, uint64_t off,
			 sim_stamp_t *stamp, uint32_t *origin, uint32_t *run,
			 uint32_t *task);
/* Values kept (memory use; tests). */
uint64_t oracle_shadow_nvals(const struct oracle_shadow *s);

/* ---- operations in flight ------------------------------------------------------ */

struct oracle_file {
	struct inode *inode;
	uint64_t ino;
	struct oracle_shadow shadow;
	sim_time_t last_op_end;
	uint32_t last_remove_task;    /* +1: last punch/zero/collapse/... */
	unsigned inflight;            /* reported operations not yet ended */
};

enum oracle_op_kind { ORACLE_OP_WRITE = 100 };   /* below: enum fs_oracle_remove */

struct oracle_op {
	uint64_t id;                  /* 0: free slot */
	struct oracle_file *f;
	int kind;                     /* ORACLE_OP_WRITE or fs_oracle_remove */
	uint64_t off, len;
	sim_stamp_t stamp;
	sim_time_t t_begin;
	uint32_t task;                /* +1 */
	bool torn;                    /* a shift split or removed its range */
};

struct oracle_read {
	uint64_t token;               /* 0: free slot */
	sim_time_t t_begin;
	uint32_t task;
};

/* ---- the reverse index: pblk -> mappings (open addressing) ---------------------- */
struct oracle_map {
	uint64_t pblk;                /* key; UINT64_MAX = empty */
	uint32_t nbh, npte;           /* buffers / DAX PTEs mapping it */
	uint32_t ino, lblk;           /* last mapping's file position */
	uint32_t map_task;            /* task that established the last one (+1) */
	uint32_t free_task;           /* task that freed the block while mapped (+1) */
	sim_time_t map_time, free_time;
};

struct oracle_map_index {
	struct oracle_map *v;
	uint64_t cap, n;              /* cap: power of two */
};

/* ---- the oracle ----------------------------------------------------------------- */

struct fs_oracle {
	struct sim_world *w;
	struct super_block *sb;
	char *cfg;
	bool paranoid;
	bool in_fsck;
	unsigned explain_max;
	uint64_t count[FS_ORACLE_NR_KINDS];
	GPtrArray *explain[FS_ORACLE_NR_KINDS];   /* char * */
	struct oracle_file **files;   /* sorted by ino */
	unsigned nfiles, files_cap;
	struct oracle_op *ops;
	unsigned nops_cap;
	uint64_t next_op;
	struct oracle_read *reads;
	unsigned nreads_cap;
	uint64_t next_read;
	struct oracle_map_index map;
	/* No bh/PTE hook has been called yet: the page cache does not report
	 * mappings, so block_reusable scans it instead of trusting the
	 * (empty) index. */
	bool map_hooked;
	uint64_t index_stale;         /* entries block_reusable could not confirm */
	uint64_t index_drift;         /* audit disagreements (end of job) */
	char *index_drift_first;
	uint64_t fsck_runs;
	GHashTable *fsck_seen;        /* fsck messages already counted */
};

void oracle_map_index_init(struct oracle_map_index *m);
void oracle_map_index_destroy(struct oracle_map_index *m);
struct oracle_map *oracle_map_insert(struct oracle_map_index *m,
				     uint64_t pblk);

/* oracle_visible.c */
unsigned oracle_visible_check(struct fs_oracle *o, struct oracle_file *f);
unsigned oracle_scan_range(struct fs_oracle *o, uint64_t pblk, uint64_t count,
			   struct oracle_map *hit);
bool oracle_confirm_mapping(struct fs_oracle *o, const struct oracle_map *e);
unsigned oracle_index_audit(struct fs_oracle *o,
			    void (*report)(void *ctx, const char *msg),
			    void *ctx);

/* oracle.c */
struct oracle_file *oracle_file_get(struct fs_oracle *o, struct inode *inode);
/* The registered file with inode number ino, or NULL. */
struct oracle_file *oracle_file_find(struct fs_oracle *o, uint64_t ino);
/* Counts a violation of kind k; true if it should be explained. */
bool oracle_count(struct fs_oracle *o, enum fs_oracle_kind k);
struct oracle_map *oracle_map_find(const struct oracle_map_index *m,
				   uint64_t pblk);

/* ---- explanations (oracle_explain.c) ------------------------------------------ */

#define ORACLE_EXPLAIN_TASKS 3

/* headline: one line saying what was found (no newline); detail: further
 * lines (may be NULL); tasks: involved task ids + 1 (0 entries skipped,
 * duplicates merged; the current task is added first).  Appends the text to
 * the explanations of kind k. */
void oracle_explain(struct fs_oracle *o, enum fs_oracle_kind k,
		    const char *headline, const char *detail,
		    const uint32_t *tasks, unsigned ntasks);
/* Task id + 1 of the running task, or 0 in event context. */
uint32_t oracle_task_now(void);
/* "12.345678us" — simulated time with ns precision. */
void oracle_fmt_time(char *buf, size_t len, sim_time_t t);

#endif /* FS_ORACLE_INTERNAL_H */
