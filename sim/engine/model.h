/* sim/engine/model.h — how a model plugs into the engine's runner (ROSS-style one
 * const ops struct).  The runner (sim/run/runner.c) builds one world per job
 * (strategy × replica × sweep point), asks the model to populate it, runs
 * it for the configured duration, and collects a struct sim_job_result.
 * Everything here is model-neutral: op kinds, violation kinds and
 * strategies are names the model supplies.
 *
 * Life of a job (one thread, start to end):
 *
 *	w = sim_world_new({ .seed = id.seed, .job = id.index })
 *	m = ops->create(w, cfg, strategy, &id, &err)
 *	sim_world_run(w, ops->duration(m))          (in slices, see runner.c)
 *	ops->finish(m, w, &r)                       (model fills r)
 *	ops->destroy(m); sim_world_free(w)
 *
 * The world's job is the plan index: what diagnostics (deadlock reports,
 * the oracle's explanations) print as the --replay SEED:JOB key.  A model
 * seeds its WORKLOAD streams with id->replica instead —
 * sim_rng_seed(&r, id->seed, id->replica, task, purpose) — so replica r
 * of every strategy (and of every sweep point) draws the same workload:
 * common random numbers, and strategy differences are paired.
 */
#ifndef SIM_MODEL_H
#define SIM_MODEL_H

#include "sim/engine/sim.h"
#include "sim/config/cfg.h"

#define SIM_MAX_OPS 32          /* op kinds a model may report */
#define SIM_MAX_KINDS 16        /* violation kinds */
#define SIM_MAX_TIMELINE 4096   /* lock-hold spans kept for the timeline */

/* Identity of one job of the plan.  seed is the run seed; the job's random
 * streams derive from (seed, replica, ...) — NOT from the strategy, so
 * replica r of every strategy draws the same workload (common random
 * numbers). */
struct sim_job_id {
	uint64_t seed;
	unsigned index;             /* position in the plan: the replay key */
	unsigned strategy;          /* index into the plan's strategy list */
	unsigned replica;
	unsigned sweep_point;       /* 0 without a sweep */
};

struct sim_timeline_span {
	unsigned task;
	const char *lock;           /* class name (static or world-lived) */
	bool write;
	sim_time_t wait_begin, begin, end;
};

/* One violation as a record (--violations FILE.jsonl, and --check's
 * K~TEXT terms, which match the headline).  Kept only when the runner
 * asks for records (sim_model_ops.record_violations).  Strings are
 * g_malloc'd and owned by the result; numbers are -1 when unknown. */
struct sim_violation {
	const char *kind;           /* one of the result's kind_names */
	sim_time_t time;            /* detection, simulated ns */
	char *task;                 /* detecting task's label; NULL: event
				       context (IO completion, end of job) */
	/* the operation the violation raced with (the block's freeing or
	 * zeroing operation, the write that was lost, ...) */
	char *op;                   /* "punch_hole", ...; NULL: none known */
	char *op_task;              /* its task's label */
	sim_time_t op_begin, op_end;    /* op_end -1: still running */
	int64_t ino, lblk, pblk;
	int64_t off, len;           /* the byte range concerned */
	int64_t stamp_seen, stamp_expected;   /* data stamps (0: zeros) */
	char *headline;             /* the explanation's first line; NULL: not
				       explained */
};

/* What one job produced.  Histograms are owned by the result.  Names
 * (op_names, kind_names, lock names) may point into the model or the
 * world: the runner copies what it keeps before either is freed. */
struct sim_job_result {
	struct sim_job_id id;
	sim_time_t sim_time;
	uint64_t events;
	enum sim_stop stop;
	/* per op kind (names from the model, same order in every job) */
	unsigned n_ops;
	const char *op_names[SIM_MAX_OPS];
	struct sim_hist *op_latency[SIM_MAX_OPS];  /* g_malloc'd */
	/* page faults taken inside each op kind, one sample per fault (its
	 * latency); g_malloc'd, NULL: the model reports none */
	struct sim_hist *op_faults[SIM_MAX_OPS];
	/* ops drawn but not issued (they did not apply to the file as it
	 * was: a collapse past EOF, an op on an empty file, ...); 0 for a
	 * model that never skips */
	uint64_t op_skipped[SIM_MAX_OPS];
	/* violations, per kind (names from the model) */
	unsigned n_kinds;
	const char *kind_names[SIM_MAX_KINDS];
	uint64_t violations[SIM_MAX_KINDS];
	sim_time_t first_time[SIM_MAX_KINDS];   /* -1: none */
	char *first_explanation[SIM_MAX_KINDS]; /* g_malloc'd, or NULL */
	/* lock classes (copied from the world's lock_stat) */
	unsigned n_locks;
	struct sim_lock_stats *locks;           /* n_locks, g_malloc'd */
	/* lock-hold timeline (first window of the job), may be empty.  When
	 * the model leaves it empty and ops->timeline gives a window, the
	 * runner records it itself from the engine's lock trace (replica 0
	 * only: that is the one results.json shows). */
	unsigned n_spans;
	struct sim_timeline_span *spans;        /* g_malloc'd */
	/* violation records, in detection order (only when asked for:
	 * sim_model_ops.record_violations); those past the cap are counted */
	unsigned n_vrecs;
	struct sim_violation *vrecs;            /* g_malloc'd */
	uint64_t vrecs_dropped;
};

/* Frees what the result owns (histograms, explanations, locks, spans,
 * violation records) and clears it; the struct itself is the caller's
 * (sim/engine/result.c). */
void sim_job_result_free(struct sim_job_result *r);
/* Frees n records' strings (and kind when it is owned) and v. */
void sim_violations_free(struct sim_violation *v, unsigned n, bool kind);

/* Fills the world-derived parts of r a model usually wants: the lock
 * classes (n_locks, locks) from the world's lock_stat.  Models call it
 * from finish(). */
void sim_job_result_copy_locks(struct sim_job_result *r,
			       const struct sim_world *w);

struct sim_model_ops {
	const char *name;
	const struct sim_schema *schema;
	/* The strategy names the model offers, NULL-terminated. */
	const char *const *strategies;
	const char *(*strategy_summary)(const char *name);  /* may be NULL */
	/* The workload-file text that would define strategy `name`, for
	 * --list-strategies --verbose; g_free() it.  May be NULL. */
	char *(*strategy_definition)(const char *name);
	/* The violation kinds the model reports, NULL-terminated, in the
	 * order results list them (every kind is listed, with zero counts,
	 * even when none occurred).  Kinds a job reports that are not here
	 * are appended in first-seen plan order. */
	const char *const *kinds;
	/* The op kinds the model reports, NULL-terminated (any order); NULL:
	 * unknown.  `sim merge` refuses a shard naming another. */
	const char *const *ops;
	/* Populate world w for job id under `strategy` from the resolved
	 * config (sweep value already applied).  Returns the model's state or
	 * NULL with *err set (config problems only: a bug is SIM_BUG_ON). */
	void *(*create)(struct sim_world *w, const struct sim_cfg *cfg,
			const char *strategy, const struct sim_job_id *id,
			GError **err);
	/* How long to run (simulated ns). */
	sim_time_t (*duration)(const void *model);
	/* The lock-hold timeline window (simulated ns from 0); 0 or a NULL
	 * op: no timeline.  The runner owns the world's tracer (it records
	 * the timeline and writes --trace): a model sets this op rather than
	 * a tracer of its own.  A model that fills r->spans itself anyway
	 * should still give the window here (without it the runner takes the
	 * latest span end). */
	sim_time_t (*timeline)(const void *model);
	/* Called after create when the run wants violation records
	 * (--violations, --check): keep up to max of them (more are counted
	 * as dropped), and with explain_all explain every violation, not
	 * only the first of each kind, so every record has its headline.
	 * NULL: the model keeps no records. */
	void (*record_violations)(void *model, unsigned max, bool explain_all);
	/* After sim_world_run returns: end-of-job checks (fsck, lost writes)
	 * and fill r (everything but id, sim_time, events, stop). */
	void (*finish)(void *model, struct sim_world *w,
		       struct sim_job_result *r);
	void (*destroy)(void *model);
};

/* The config keys ("section.key") the plan is built from, and that the
 * command line's -s, -r, --seed and --duration set: a LIST of strategy
 * names, an INT replica count, an INT run seed and a TIME.  Every model's
 * schema has them. */
#define SIM_MODEL_KEY_STRATEGIES "global.strategies"
#define SIM_MODEL_KEY_REPLICAS "global.replicas"
#define SIM_MODEL_KEY_SEED "global.seed"
#define SIM_MODEL_KEY_DURATION "global.duration"

#endif /* SIM_MODEL_H */
