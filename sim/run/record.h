/* sim/run/record.h — what the runner keeps of one finished job: a compact,
 * self-owned copy of struct sim_job_result that outlives the job's world.
 *
 * Histograms are kept sparse (the non-empty buckets only, a few hundred
 * for a latency distribution instead of 4 608): a plan of a few hundred
 * jobs with a dozen op kinds and lock classes would otherwise hold
 * hundreds of MB of mostly-zero counters until the merge.  A sparse
 * histogram expands back to the identical struct sim_hist, so merging
 * records in plan order gives bit-identical sums whatever the -j.
 *
 * Records are also what a shard writes and `sim merge` reads back
 * (output_json.c, merge.c): every field round-trips exactly.
 */
#ifndef SIM_RECORD_H
#define SIM_RECORD_H

#include "sim/engine/model.h"

struct sim_hist_sparse {
	uint64_t count, overflow;
	int64_t min, max;
	double sum, sumsq;
	unsigned n;                 /* non-empty buckets */
	uint32_t *idx;              /* their indices, ascending */
	uint64_t *cnt;              /* their counts */
};

void sim_hist_sparse_from(struct sim_hist_sparse *s, const struct sim_hist *h);
/* h = the histogram s was made from. */
void sim_hist_sparse_expand(const struct sim_hist_sparse *s, struct sim_hist *h);
void sim_hist_sparse_free(struct sim_hist_sparse *s);

struct sim_rec_op {
	char *name;
	struct sim_hist_sparse lat;
	struct sim_hist_sparse faults;  /* page faults inside the op (count 0:
					   none, or not reported) */
	uint64_t skipped;           /* drawn, not issued (not in lat) */
};

struct sim_rec_kind {
	char *name;
	uint64_t count;
	sim_time_t first_time;      /* -1: none */
	char *explanation;          /* NULL: none */
};

/* A call site whose acquisitions waited, and how often (site NULL: the
 * sites past the engine's SIM_LOCK_POINTS). */
struct sim_rec_lock_point {
	char *site;
	uint64_t count;
};

struct sim_rec_lock {
	char *name;
	uint64_t acquisitions, acquisitions_read, contentions;
	uint64_t contentions_read, acq_bounces, con_bounces;
	uint64_t acq_bounces_read, con_bounces_read;
	struct sim_hist_sparse wait, hold;
	struct sim_hist_sparse wait_read, hold_read;   /* shared side */
	unsigned n_points;
	struct sim_rec_lock_point *points;
};

struct sim_rec_span {
	char *task;                 /* "name/id", as lockdep prints tasks */
	char *lock;
	bool write;
	sim_time_t wait_begin, begin, end;
};

/* An outside judge of the job's final state (sim --image: judge/ exports
 * the job's disk as a real file system image, then e2fsck and the kernel
 * read it back).  Model-neutral words: a file system image, a checker's
 * exit status and problem lines, bytes read back and compared. */
struct sim_rec_judge {
	char *image;                /* the image file */
	bool clean;                 /* the model unmounted cleanly first */
	char *note;                 /* how the image was made, if not clean */
	uint64_t model_fsck;        /* the model's own fsck on the disk it
				       exported (after the unmount) */
	char *model_fsck_findings;  /* their headlines, a line each */
	int fsck_status;            /* e2fsck -fn exit status; -1: not run */
	char *fsck_problems;        /* what it reported, lines (NULL: none) */
	char *readback;             /* "kernel" (ro loop mount), "debugfs", or
				       NULL: not read back */
	char *readback_note;        /* why not, or what it could not read */
	uint64_t bytes_compared;    /* bytes the oracle allows one value for */
	uint64_t bytes_differ;
	int64_t first_diff;         /* file offset of the first; -1: none */
	char *first_diff_file;
	char *first_diff_what;      /* "image has X, the oracle says Y" */
};

void sim_rec_judge_free(struct sim_rec_judge *j);

struct sim_job_rec {
	struct sim_job_id id;
	sim_time_t sim_time;
	uint64_t events;
	enum sim_stop stop;
	unsigned n_ops;
	struct sim_rec_op *ops;
	unsigned n_kinds;
	struct sim_rec_kind *kinds;
	unsigned n_locks;
	struct sim_rec_lock *locks;
	unsigned n_spans;
	struct sim_rec_span *spans;
	sim_time_t timeline_ns;     /* window of spans; 0: none */
	struct sim_rec_judge *judge; /* --image only; NULL otherwise */
	sim_time_t timeline_asked_ns;   /* the window the model asked for: more
					   than timeline_ns when the span
					   limit (SIM_MAX_TIMELINE) cut it;
					   0: the same */
	unsigned n_vrecs;           /* violation records (when asked for) */
	struct sim_violation *vrecs;
	uint64_t vrecs_dropped;
	/* Host figures: never part of the deterministic output. */
	double wall_s;
	uint64_t heap_peak;         /* bytes (jemalloc thread.peak); 0 unknown */
	uint64_t stack_bytes;       /* tasks × mapped stack size */
};

/* A job that ended with a model error (SIM_BUG_ON, BUG_ON, a failed
 * SIM_CHECK): what the outputs list in place of its record.  Everything in
 * it is a function of (config, seed, job), like a record. */
struct sim_model_error {
	struct sim_job_id id;
	char *phase;                /* "create", "run" or "finish" */
	char *message;              /* the failed condition's text */
	char *file;                 /* source file (as compiled, without ../) */
	int line;
	sim_time_t time;            /* the world's clock then */
	char *task;                 /* "name/id", NULL: not in a task */
	uint64_t events;            /* events fired by then */
};

void sim_model_error_free(struct sim_model_error *e);

/* Copies everything of r except the timeline (the runner adds it, it needs
 * the world for task names). */
struct sim_job_rec *sim_job_rec_from_result(const struct sim_job_result *r);
void sim_job_rec_free(struct sim_job_rec *rec);

const struct sim_rec_op *sim_job_rec_op(const struct sim_job_rec *rec,
					const char *name);
const struct sim_rec_kind *sim_job_rec_kind(const struct sim_job_rec *rec,
					    const char *name);
/* Total violations over all kinds. */
uint64_t sim_job_rec_violations(const struct sim_job_rec *rec);
/* Ops completed, all kinds. */
uint64_t sim_job_rec_ops(const struct sim_job_rec *rec);

/* "time", "deadlock", "idle", "requested"; sim_stop_parse: -1 if unknown. */
const char *sim_stop_name(enum sim_stop s);
int sim_stop_parse(const char *name);

#endif /* SIM_RECORD_H */
