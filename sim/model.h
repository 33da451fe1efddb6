/* sim/model.h — how a model plugs into the engine's runner (ROSS-style one
 * const ops struct).  The runner (sim/runner.c) builds one world per job
 * (strategy × replica × sweep point), asks the model to populate it, runs
 * it for the configured duration, and collects a struct sim_job_result.
 * Everything here is model-neutral: op kinds, violation kinds and
 * strategies are names the model supplies.
 */
#ifndef SIM_MODEL_H
#define SIM_MODEL_H

#include "sim/sim.h"
#include "sim/cfg.h"

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

/* What one job produced.  Histograms are owned by the result. */
struct sim_job_result {
	struct sim_job_id id;
	sim_time_t sim_time;
	uint64_t events;
	enum sim_stop stop;
	/* per op kind (names from the model, same order in every job) */
	unsigned n_ops;
	const char *op_names[SIM_MAX_OPS];
	struct sim_hist *op_latency[SIM_MAX_OPS];
	/* violations, per kind (names from the model) */
	unsigned n_kinds;
	const char *kind_names[SIM_MAX_KINDS];
	uint64_t violations[SIM_MAX_KINDS];
	sim_time_t first_time[SIM_MAX_KINDS];   /* -1: none */
	char *first_explanation[SIM_MAX_KINDS]; /* g_malloc'd, or NULL */
	/* lock classes (copied from the world's lock_stat) */
	unsigned n_locks;
	struct sim_lock_stats *locks;           /* n_locks, g_malloc'd */
	/* lock-hold timeline (first window of the job), may be empty */
	unsigned n_spans;
	struct sim_timeline_span *spans;
};

void sim_job_result_free(struct sim_job_result *r);

struct sim_model_ops {
	const char *name;
	const struct sim_schema *schema;
	/* The strategy names the model offers, NULL-terminated, and the key
	 * of the config that lists the ones to run ("global.strategies"). */
	const char *const *strategies;
	const char *(*strategy_summary)(const char *name);
	/* Populate world w for job id under `strategy` from the resolved
	 * config (sweep value already applied).  Returns the model's state or
	 * NULL with *err set (config problems only: a bug is SIM_BUG_ON). */
	void *(*create)(struct sim_world *w, const struct sim_cfg *cfg,
			const char *strategy, const struct sim_job_id *id,
			GError **err);
	/* How long to run (simulated ns) and the timeline window. */
	sim_time_t (*duration)(const void *model);
	/* After sim_world_run returns: end-of-job checks (fsck, lost writes)
	 * and fill r (everything but id, sim_time, events, stop). */
	void (*finish)(void *model, struct sim_world *w,
		       struct sim_job_result *r);
	void (*destroy)(void *model);
};

#endif /* SIM_MODEL_H */
