/* fs/oracle/internal.h — the oracle's private structures, shared by
 * fs/oracle/oracle.c (hooks, counting, end-of-job checks), fs/oracle/shadow.c (the
 * per-file shadow contents) and fs/oracle/explain.c (explanations).
 * Nothing outside fs/oracle*.c includes this.
 */
#ifndef FS_ORACLE_INTERNAL_H
#define FS_ORACLE_INTERNAL_H

#include <glib.h>

#include "fs/oracle/oracle.h"
#include "fs/block/extmap.h"

/* ---- the shadow of one file (shadow.c) ---------------------------------
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
	/* unchanged since fs_oracle_setup_done (then the record still says
	 * what the set-up laid down: the end-of-job check can skip it) */
	bool pristine;
};

/* Records are kept per run of blocks with equal records (fs/block/extmap.h):
 * an operation over a range changes each run's one record, so a write of
 * a 100 GiB file, or its set-up, costs a record per run, not per block.
 * A block no run covers has never been written: it reads zero. */
struct oracle_shadow {
	unsigned blocksize, blockbits;
	struct sim_extmap runs;       /* block -> struct oracle_blk */
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
	sim_time_t want_begin;        /* ... and when its operation began */
	uint64_t want_op;             /* that operation (0: set-up) */
	sim_time_t got_super;         /* when the returned value was superseded
				       * (if got_task; SIM_TIME_MAX: current) */
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
/* Values kept, counted per block (memory use; tests). */
uint64_t oracle_shadow_nvals(const struct oracle_shadow *s);
/* Every record becomes pristine (end of set-up). */
void oracle_shadow_mark_pristine(struct oracle_shadow *s);
/* The first run at or after block b (by its first block and length, in
 * blocks) whose record is not pristine; false if none. */
bool oracle_shadow_next_touched(const struct oracle_shadow *s, uint64_t b,
				uint64_t *start, uint64_t *len);

/* ---- operations in flight ------------------------------------------------------ */

struct oracle_file {
	struct inode *inode;
	uint64_t ino;
	struct oracle_shadow shadow;
	/* the file's extents when the set-up ended (fs_oracle_setup_done);
	 * NULL: not known, the end-of-job check reads every block */
	GArray *setup_exts;           /* struct ext4_extent */
	sim_time_t last_op_end;
	uint32_t last_remove_task;    /* +1: last punch/zero/collapse/... */
	unsigned inflight;            /* reported operations not yet ended */
};

enum oracle_op_kind { ORACLE_OP_WRITE = 100 };   /* below: enum fs_oracle_remove */

/* Step notes (not lock traffic) of an operation's task, gathered while it
 * runs at the oracle hooks it calls (block_free, bh_unmap, its end): the
 * task's note ring is short, and a long punch or zero_range pushes its
 * truncate_pagecache_range step out of it long before the race is seen. */
#define ORACLE_OP_STEPS 6
#define ORACLE_HARVEST 8              /* last notes looked at per hook */

struct oracle_op {
	uint64_t id;                  /* 0: free slot */
	struct oracle_file *f;
	int kind;                     /* ORACLE_OP_WRITE or fs_oracle_remove */
	uint64_t off, len;
	sim_stamp_t stamp;
	sim_time_t t_begin;
	uint32_t task;                /* +1 */
	bool torn;                    /* a shift split or removed its range */
	unsigned nsteps;
	struct sim_note steps[ORACLE_OP_STEPS];
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
	/* snapshots (seq, 0: none) of the mapping and the freeing task's
	 * notes taken when the block was freed while mapped */
	uint32_t map_snap, free_snap;
};

/* ---- what explanations keep (explain.c) -------------------------------------
 * An operation as explanations name it: "punch_hole [off, +len) of task N". */
struct oracle_opref {
	int kind;                     /* fs_oracle_remove, ORACLE_OP_WRITE; -1: none */
	uint64_t ino, off, len;
	sim_time_t t_begin, t_end;    /* t_end SIM_TIME_MAX: in flight */
	uint32_t task;                /* +1 */
};

/* A snapshot of a task's recent notes, taken at an event an explanation
 * will need (a block freed while still mapped; a zeroing operation ending
 * with a page in its range that was read from disk while it ran), with the
 * task's reported operation in flight then.  Only while explanations of
 * the kinds they serve are still wanted; a fixed pool of ORACLE_SNAPS
 * slots (allocated on first use), reference-counted by the records that
 * name them; with every slot in use the oldest snapshot is replaced (its
 * records then fall back to the task's live notes). */
#define ORACLE_SNAPS 32
struct oracle_snap {
	uint32_t seq;                 /* 0: free slot */
	uint32_t refs;
	uint32_t task;                /* +1 */
	sim_time_t time;
	struct oracle_opref op;
	unsigned nsteps;              /* op's steps gathered so far */
	struct sim_note steps[ORACLE_OP_STEPS];
	unsigned n;
	struct sim_note notes[SIM_NOTES];
};

/* A zeroing operation that ended with a page in its range read from disk
 * after it began: the page may keep the bytes the operation zeroed (the
 * stale_read race).  A ring of the last ORACLE_RACED. */
#define ORACLE_RACED 8
struct oracle_raced {
	uint64_t op;                  /* operation id; 0: free */
	struct oracle_opref what;
	uint64_t index;               /* the page */
	uint32_t read_task;           /* +1 */
	sim_time_t read_time;
	uint64_t read_pblk;
	uint32_t op_snap, read_snap;  /* snapshot seqs (0: none) */
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
	sim_time_t first_time[FS_ORACLE_NR_KINDS];  /* -1: none yet */
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
	struct oracle_snap *snaps;    /* ORACLE_SNAPS, or NULL until needed */
	uint32_t snap_seq;
	struct oracle_raced raced[ORACLE_RACED];
	unsigned raced_next;
};

void oracle_map_index_init(struct oracle_map_index *m);
void oracle_map_index_destroy(struct oracle_map_index *m);
struct oracle_map *oracle_map_insert(struct oracle_map_index *m,
				     uint64_t pblk);

/* visible.c */
unsigned oracle_visible_check(struct fs_oracle *o, struct oracle_file *f);
/* The file's extents now (struct ext4_extent, sorted; empty if the tree
 * cannot be walked). */
GArray *oracle_file_extents(struct oracle_file *f);
int64_t oracle_file_pblk(struct oracle_file *f, uint32_t lblk,
			 bool *unwritten);
unsigned oracle_scan_range(struct fs_oracle *o, uint64_t pblk, uint64_t count,
			   struct oracle_map *hit);
bool oracle_confirm_mapping(struct fs_oracle *o, const struct oracle_map *e);
unsigned oracle_index_audit(struct fs_oracle *o,
			    void (*report)(void *ctx, const char *msg),
			    void *ctx);

/* oracle.c */
/* "punch_hole", ... for enum fs_oracle_remove; "write" otherwise. */
const char *oracle_remove_name(int kind);
/* Counts a violation of kind k (the first of a kind also records the
 * simulated time of its detection); true if it should be explained. */
bool oracle_count(struct fs_oracle *o, enum fs_oracle_kind k);

static inline struct fs_oracle *oracle_of_inode(const struct inode *inode)
{
	return inode ? fs_oracle_of(inode->i_sb) : NULL;
}

static inline sim_time_t oracle_now(const struct fs_oracle *o)
{
	return o->w ? sim_world_now(o->w) : 0;
}

/* Whether explanations of kind k are still to be written. */
static inline bool oracle_explain_wanted(const struct fs_oracle *o,
					 enum fs_oracle_kind k)
{
	return o->explain[k]->len < o->explain_max;
}

/* files.c */
struct oracle_file *oracle_file_get(struct fs_oracle *o, struct inode *inode);
/* The registered file with inode number ino, or NULL. */
struct oracle_file *oracle_file_find(struct fs_oracle *o, uint64_t ino);
void oracle_file_free(struct oracle_file *f);

/* blockmap.c */
struct oracle_map *oracle_map_find(const struct oracle_map_index *m,
				   uint64_t pblk);
/* Drops e's snapshots once no explanation can use them any more. */
void oracle_map_done_snaps(struct fs_oracle *o, struct oracle_map *e);

/* ops.c */
/* The operation in flight with id, or NULL. */
struct oracle_op *oracle_op_find(struct fs_oracle *o, uint64_t id);
/* The running task's operation gathers its latest step notes. */
void oracle_harvest_current(struct fs_oracle *o);

/* findings.c */
/* No operation in flight on any file. */
bool oracle_quiescent(const struct fs_oracle *o);
/* Runs the model's fsck with FSCK_* flags (adjusted to what the state
 * allows); returns the number of findings. */
unsigned oracle_fsck_flags(struct fs_oracle *o, unsigned flags);

/* ---- explanations (explain.c) ------------------------------------------ */

#define ORACLE_EXPLAIN_TASKS 3

/* A decisive moment the oracle knows (a mapping established, a block
 * freed, a page read, an operation's begin or end, a read's begin): shown
 * as a row of its own ("** ...") in its task's column, and the table's
 * window is chosen to contain it.  `before`: the row goes before the
 * task's notes of the same time (an operation's begin). */
struct oracle_moment {
	uint32_t task;                /* +1; 0: none (no row) */
	sim_time_t time;
	bool before;
	char text[120];
};

#define ORACLE_MOMENTS 8
#define ORACLE_STORY_SNAPS 4

/* What one explanation shows beyond its headline: the involved tasks (the
 * detecting task is always the first column), the moments and the
 * snapshots (each shown in its task's column, before its live notes). */
struct oracle_story {
	uint32_t tasks[ORACLE_EXPLAIN_TASKS];   /* +1 */
	unsigned ntasks;
	struct oracle_moment m[ORACLE_MOMENTS];
	unsigned nm;
	uint32_t snaps[ORACLE_STORY_SNAPS];
	unsigned nsnaps;
};

/* Adds task (+1; 0 and duplicates ignored) as a column. */
void oracle_story_task(struct oracle_story *st, uint32_t task);
/* Adds a moment (its task becomes a column). */
void oracle_story_moment(struct oracle_story *st, uint32_t task, sim_time_t t,
			 bool before, const char *fmt, ...) G_GNUC_PRINTF(5, 6);
/* Adds snapshot seq (0 or stale: ignored) and its task as a column. */
void oracle_story_snap(struct fs_oracle *o, struct oracle_story *st,
		       uint32_t seq);
/* Appends the explanation: headline (one line, no newline), the race in
 * words (`race`, wrapped; may be NULL), the replay and detection lines,
 * detail (may be NULL) and the tasks' steps side by side. */
void oracle_explain_story(struct fs_oracle *o, enum fs_oracle_kind k,
			  const char *headline, const char *race,
			  const char *detail, const struct oracle_story *st);

/* Snapshots (see struct oracle_snap): take one of task's notes now, with
 * its operation in flight (0: skipped — no task, no free slot); get by seq
 * (NULL if gone); put drops a reference. */
uint32_t oracle_snap_take(struct fs_oracle *o, uint32_t task);
const struct oracle_snap *oracle_snap_get(const struct fs_oracle *o,
					  uint32_t seq);
void oracle_snap_put(struct fs_oracle *o, uint32_t seq);
/* The reported operation of task (+1) in flight now, or NULL.  Zeroing
 * and shifting kinds are preferred over writes. */
struct oracle_op *oracle_task_op(const struct fs_oracle *o, uint32_t task);
struct oracle_opref oracle_opref_of(const struct oracle_op *op);
/* Lock traffic (sim/engine/lock.h, the page lock) as opposed to a step. */
bool oracle_note_is_lock(const struct sim_note *n);
bool oracle_note_eq(const struct sim_note *a, const struct sim_note *b);
/* "task 4 (mapper/0)", "event context" for 0. */
void oracle_task_label(const struct fs_oracle *o, uint32_t task, char *buf,
		       size_t len);
/* "punch_hole [4096, +8192)" */
void oracle_fmt_op(char *buf, size_t len, const struct oracle_opref *op);
/* The step note of what (one of a NULL-terminated list) in the notes of
 * snapshot s and task's live notes, latest with time in [lo, hi] (last)
 * or earliest (!last); -1 if none. */
sim_time_t oracle_step_time(const struct fs_oracle *o, uint32_t snap,
			    uint32_t task, const char *const *what,
			    sim_time_t lo, sim_time_t hi, bool last);

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

/* ---- the explanation of each kind (explain_kinds.c) ----------------------------- */

void oracle_explain_stale_read(struct fs_oracle *o, struct oracle_file *f,
			       const struct oracle_mismatch *mm,
			       sim_time_t tb, const char *via,
			       const struct sim_contents *c);
/* How the mapping e came to be: fills st, the race line and details, and
 * returns the operation that freed its block. */
struct oracle_opref oracle_map_story(struct fs_oracle *o,
				     const struct oracle_map *e,
				     struct oracle_story *st, char *race,
				     size_t racelen, char *detail,
				     size_t detlen);
void oracle_explain_stale_mapping(struct fs_oracle *o, struct oracle_map *e);
void oracle_explain_visible(struct fs_oracle *o, struct oracle_file *f,
			    enum fs_oracle_kind k, uint64_t x,
			    sim_stamp_t got, uint32_t got_origin,
			    sim_stamp_t want, uint32_t want_origin,
			    uint32_t want_task);

#endif /* FS_ORACLE_INTERNAL_H */
