/* sim/run/runner.h — runs a plan's jobs on a GThreadPool: one world per job,
 * results stored by plan index, a progress line, SIGINT.
 *
 * Results never depend on -j or on the order jobs complete in: each job's
 * world is a pure function of (config, seed, job), results are stored by
 * plan index and merged in plan order by the output code.  Only the host
 * figures (wall time, events/s, memory) vary.
 *
 * SIGINT (when catch_sigint): jobs not yet started are skipped and running
 * ones stop at their next slice boundary (a world runs its duration in 64
 * slices of simulated time, checking the stop flag between them; slicing
 * does not change what a world computes) and are discarded — a job is
 * reported whole or not at all.  The run is then marked interrupted.  We
 * stop running jobs rather than let them finish because one job of a
 * heavy workload can take minutes; sim_world_request_stop cannot be used
 * from the signal's thread (it is a plain store the world's thread reads).
 */
#ifndef SIM_RUNNER_H
#define SIM_RUNNER_H

#include <glib.h>

#include "sim/run/plan.h"
#include "sim/run/record.h"

struct sim_runner_opts {
	unsigned threads;           /* >= 1 */
	bool progress;              /* progress line on stderr */
	bool catch_sigint;          /* stop cleanly on SIGINT */
	int only_job;               /* run just this plan index (--replay); -1:
				       every job of the plan's shard */
	int trace_job;              /* write a Chrome trace of this index; -1.
				       With only_job < 0 it is an extra run
				       whose results are dropped. */
	const char *trace_path;
	bool reverse;               /* test hook: submit in reverse plan order */
};

#define SIM_RUNNER_OPTS_INIT { .threads = 1, .only_job = -1, .trace_job = -1 }

struct sim_run {
	const struct sim_plan *plan;
	struct sim_job_rec **recs;  /* plan->n_jobs; NULL: not run */
	unsigned jobs_run;
	bool interrupted;
	/* host figures */
	double wall_s;
	unsigned threads;
	uint64_t events;            /* summed over the jobs run */
	uint64_t peak_rss;          /* bytes, whole process (getrusage) */
	uint64_t job_heap_peak;     /* bytes, max over jobs; 0: unknown */
	uint64_t job_stack_bytes;   /* bytes, max over jobs */
	unsigned shards;            /* shard files merged (0: a direct run) */
};

/* NULL with *err when a job could not be set up (the first such job in
 * plan order is reported) or the trace file cannot be written. */
struct sim_run *sim_runner_run(const struct sim_model_ops *ops,
			       const struct sim_plan *plan,
			       const struct sim_runner_opts *o, GError **err);
/* An empty run of plan (merge fills it). */
struct sim_run *sim_run_new(const struct sim_plan *plan);
/* Adds a job's record to the run's totals (jobs run, events, memory). */
void sim_run_count(struct sim_run *run, const struct sim_job_rec *rec);
void sim_run_free(struct sim_run *run);

/* Keep the arenas' freed pages for the length of a series of jobs (on),
 * give them back (off): what sim_runner_run does around its jobs, for
 * other drivers (sim/run/explore.c).  Main thread only. */
void sim_runner_heap_hold(bool on);

/* Peak heap of the calling thread since the last reset (jemalloc's
 * thread.peak), 0 without jemalloc. */
void sim_runner_heap_peak_reset(void);
uint64_t sim_runner_heap_peak(void);

#endif /* SIM_RUNNER_H */
