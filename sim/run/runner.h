/* sim/run/runner.h — runs a plan's jobs on a GThreadPool: one world per job,
 * results stored by plan index, a progress line, SIGINT.
 *
 * Results never depend on -j or on the order jobs complete in: each job's
 * world is a pure function of (config, seed, job), results are stored by
 * plan index and merged in plan order by the output code.  Only the host
 * figures (wall time, events/s, memory) vary.
 *
 * SIGINT and SIGTERM (when catch_sigint): jobs not yet started are skipped
 * and running ones stop within 1 024 events (the world loop reads the stop
 * flag, sim_world_params.interrupt; a world also runs its duration in 64
 * slices of simulated time, checking it between them; neither changes what
 * a world computes) and are discarded — a job is reported whole or not at
 * all.  The run is then marked interrupted.  We
 * stop running jobs rather than let them finish because one job of a
 * heavy workload can take minutes; sim_world_request_stop cannot be used
 * from the signal's thread (it is a plain store the world's thread reads).
 *
 * A model error (SIM_BUG_ON and friends, sim/types.h) ends its job only:
 * the runner arms a trap around each job (sim_bug_trap_push), stores a
 * struct sim_model_error in run->errors[] instead of a record, sets the
 * job's world and model aside unfreed (they may be mid-update; the bytes
 * are counted in set_aside_*) and runs the other jobs on.
 *
 * Test hook (documented in docs/running.md as test-only): the environment
 * variable FAULTLINE_TEST_BUG=JOB makes plan job JOB hit a SIM_BUG_ON in a
 * task of its own at half its duration; JOB:loop from an event on the
 * loop's stack, JOB:finish in the model's finish step.
 */
#ifndef SIM_RUNNER_H
#define SIM_RUNNER_H

#include <glib.h>

#include "sim/run/journal.h"
#include "sim/run/plan.h"
#include "sim/run/record.h"

struct sim_runner_opts {
	unsigned threads;           /* >= 1 */
	bool progress;              /* progress line on stderr */
	bool catch_sigint;          /* stop cleanly on SIGINT and SIGTERM */
	int only_job;               /* run just this plan index (--replay); -1:
				       every job of the plan's shard */
	int trace_job;              /* write a Chrome trace of this index; -1.
				       With only_job < 0 it is an extra run
				       whose results are dropped. */
	const char *trace_path;
	/* --trace-window: only [trace_from, trace_to] of the traced job
	 * (simulated ns; trace_to < 0: to its end) */
	sim_time_t trace_from, trace_to;
	/* Violation records (sim_model_ops.record_violations): keep up to
	 * this many per job (0: none); explain_all: every violation gets its
	 * explanation (for headline matches). */
	unsigned violation_records;
	bool explain_all;
	bool reverse;               /* test hook: submit in reverse plan order */
	/* Finished jobs are appended to this journal as they complete
	 * (sim/run/journal.h); NULL: none. */
	struct sim_journal *journal;
	/* plan->n_jobs slots: records of jobs already finished (a resumed
	 * journal's); they are not run again, and the run takes them over
	 * (the slots are cleared).  NULL: none. */
	struct sim_job_rec **preloaded;
	/* sim --image: called for every job of the plan run (not the --trace
	 * extra run) after ops->finish(), on the job's thread, with the
	 * model and its world still alive: it may run the world further (the
	 * results are taken) and fills rec->judge.  NULL: none. */
	void (*export_job)(void *ctx, const struct sim_plan *plan,
			   unsigned index, void *model, struct sim_world *w,
			   struct sim_job_rec *rec);
	void *export_ctx;
};

#define SIM_RUNNER_OPTS_INIT { .threads = 1, .only_job = -1, .trace_job = -1, \
			       .trace_to = -1 }

struct sim_run {
	const struct sim_plan *plan;
	struct sim_job_rec **recs;  /* plan->n_jobs; NULL: not run */
	/* plan->n_jobs; non-NULL: the job ended with a model error (its
	 * recs[] slot is NULL) */
	struct sim_model_error **errors;
	unsigned jobs_run;
	unsigned model_errors;      /* non-NULL errors[] */
	bool interrupted;
	/* host figures */
	double wall_s;
	unsigned threads;
	uint64_t events;            /* summed over the jobs run */
	uint64_t peak_rss;          /* bytes, whole process (getrusage) */
	uint64_t job_heap_peak;     /* bytes, max over jobs; 0: unknown */
	uint64_t job_stack_bytes;   /* bytes, max over jobs */
	unsigned shards;            /* shard files merged (0: a direct run) */
	/* worlds of jobs that ended with a model error, kept unfreed (their
	 * state may be mid-update): heap bytes (0: unknown) and task stack
	 * bytes mapped; host figures */
	uint64_t set_aside_heap, set_aside_stacks;
};

/* NULL with *err when a job could not be set up (the first such job in
 * plan order is reported) or the trace file cannot be written. */
struct sim_run *sim_runner_run(const struct sim_model_ops *ops,
			       const struct sim_plan *plan,
			       const struct sim_runner_opts *o, GError **err);
/* Sets up (and frees) the first job of every (sweep point, strategy)
 * without running it: the config errors a run would give, in plan order
 * (what --dump-config checks). */
bool sim_runner_check(const struct sim_model_ops *ops,
		      const struct sim_plan *plan, GError **err);
/* An empty run of plan (merge fills it). */
struct sim_run *sim_run_new(const struct sim_plan *plan);
/* Adds a job's record to the run's totals (jobs run, events, memory). */
void sim_run_count(struct sim_run *run, const struct sim_job_rec *rec);
/* The world and model of a job that ended with a model error: kept
 * reachable, never run or freed again (a world in an impossible state is
 * not safe to free), so leak checkers stay quiet.  Thread-safe. */
void sim_runner_set_aside(struct sim_world *w, void *model);

/* Stores job e->id.index's model error (the run owns e). */
void sim_run_add_error(struct sim_run *run, struct sim_model_error *e);
void sim_run_free(struct sim_run *run);

/* Keep the arenas' freed pages for the length of a series of jobs (on),
 * give them back (off): what sim_runner_run does around its jobs, for
 * other drivers (sim/run/explore.c).  Main thread only. */
void sim_runner_heap_hold(bool on);
/* The runner's parts, for a runner over other transports (sim/run/mpi.c).
 * The job order of the thread pool: longest group first (runner.c, "job
 * order"); todo holds the plan indices (guint) to hand out, and every
 * pick takes one (as many picks as indices).  Thread-safe. */
struct sim_sched;
struct sim_sched *sim_sched_new(const struct sim_plan *plan, const GArray *todo);
guint sim_sched_pick(struct sim_sched *s);
/* A job's CPU seconds, which steer later picks. */
void sim_sched_done(struct sim_sched *s, guint index, double cpu_s);
void sim_sched_free(struct sim_sched *s);
/* Runs job index in the calling thread, as a worker of the pool does;
 * *cpu_s its CPU seconds.  NULL with *err when it could not be set up,
 * NULL with *merr when it ended with a model error (its world is set
 * aside), or NULL when *stop cut it short. */
struct sim_job_rec *sim_runner_run_job(const struct sim_model_ops *ops,
				       const struct sim_plan *plan,
				       unsigned index, gint *stop,
				       struct sim_model_error **merr,
				       double *cpu_s, GError **err);

/* Peak heap of the calling thread since the last reset (jemalloc's
 * thread.peak), 0 without jemalloc. */
void sim_runner_heap_peak_reset(void);
uint64_t sim_runner_heap_peak(void);

#endif /* SIM_RUNNER_H */
