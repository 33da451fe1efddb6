/* sim/run/explore.h — --explore N: per strategy (and sweep point), N
 * schedules of a PCT-style search (sim/engine/engine.h, "schedule
 * exploration"), what they found, and what finding nothing is worth.
 *
 * Schedule s of a group (sweep point, strategy) runs the workload of
 * replica s mod R (R = the plan's replicas: common random numbers, as
 * plain replicas) perturbed by schedule s's draws, which come from (run
 * seed, s) alone: schedule s is the same perturbation for every strategy.
 * Its replay key is SEED:JOB:s, JOB the plan index of that replica's job;
 * `--replay SEED:JOB:s` reruns it and explains it, byte for byte.
 *
 * Per group the search reports schedules run, schedules with a violation
 * (in all and by kind), the first violating schedule (lowest index: its
 * detection time, kind, replay key, explanation; and, host figures, when
 * it was found and how long the search had run), and when none violates
 * the rule of three: with 0 violations in N independent schedules, the
 * per-schedule violation probability is below 3/N at 95% confidence
 * (-ln 0.05 ~ 3) — under this exploration (depth, delay bound, horizon),
 * not in general.
 *
 * With stop_at_first a group stops at its first violation: its schedules
 * are run in index order (every group interleaved, schedule-major), a
 * schedule's world ends at its first violation (stop_on_violation), and
 * the group reports schedules 0..first whatever ran beyond on other
 * threads, so the output does not depend on -j.  Results never depend on
 * -j either way; only the host figures (wall times) do.
 */
#ifndef SIM_RUN_EXPLORE_H
#define SIM_RUN_EXPLORE_H

#include <stdio.h>

#include <glib.h>

#include "sim/run/plan.h"
#include "sim/run/record.h"
#include "sim/engine/jsonw.h"

/* sim_explore_run and sim_explore_replay: a schedule ended with a model
 * error (exit status 3; the message names the schedule and its replay
 * key).  Other errors are bad input. */
#define SIM_EXPLORE_ERROR (sim_explore_error_quark())
GQuark sim_explore_error_quark(void);
enum { SIM_EXPLORE_ERROR_MODEL };

struct sim_explore_opts {
	unsigned schedules;         /* N per group */
	unsigned depth;             /* change points per schedule */
	double delay;               /* delay bound, in cost scales */
	bool stop_at_first;         /* --explore-stop */
	unsigned threads;
	bool progress;              /* progress line on stderr */
	gint64 t_start;             /* g_get_monotonic_time() at process start */
};

struct sim_explore_first {
	unsigned schedule;
	unsigned job;               /* plan index of the workload's job */
	const char *kind;           /* kind detected first */
	sim_time_t time;            /* its detection, in the schedule */
	sim_time_t search_time;     /* simulated time of schedules 0..schedule-1
				       plus `time`: the search's simulated time
				       to it */
	char *replay;               /* "SEED:JOB:SCHEDULE[ options]" */
	char *explanation;          /* of that violation, or NULL */
	double found_wall_s;        /* host: since process start */
	double found_cpu_s;         /* host: process CPU time by then */
	double search_wall_s;       /* host: summed schedule wall time to it */
};

struct sim_explore_group {
	unsigned point, strategy;
	const char *name;           /* the plan's strategy name */
	const char *sweep_value;    /* NULL without a sweep */
	unsigned run;               /* schedules counted */
	unsigned violating;         /* ... with any violation */
	unsigned *viol_scheds;      /* per kind: schedules with it */
	uint64_t *viol_count;       /* per kind: violations */
	bool has_first;
	struct sim_explore_first first;
	sim_time_t sim_time;        /* summed over the counted schedules */
	uint64_t events;
	uint64_t delays;            /* delays injected */
	double wall_s;              /* host: summed schedule wall time */
};

struct sim_explore_run {
	const struct sim_plan *plan;
	struct sim_explore_opts o;
	sim_time_t horizon;         /* the jobs' duration (change points) */
	GPtrArray *kinds;           /* const char * (interned): the model's,
				       then first seen in (group, schedule)
				       order */
	unsigned n_groups;          /* plan order: point, strategy */
	struct sim_explore_group *groups;
	double wall_s;              /* host: the whole search */
	uint64_t schedules_run;     /* host: run, counted or not */
};

/* Runs the search over plan's groups; NULL with *err when a job could not
 * be set up. */
struct sim_explore_run *sim_explore_run(const struct sim_model_ops *ops,
					const struct sim_plan *plan,
					const struct sim_explore_opts *o,
					GError **err);
void sim_explore_run_free(struct sim_explore_run *x);

/* One schedule of job `job` as a full record (--replay SEED:JOB:SCHEDULE),
 * with its Chrome trace at trace_path if not NULL; NULL with *err. */
struct sim_job_rec *sim_explore_replay(const struct sim_model_ops *ops,
				       const struct sim_plan *plan,
				       unsigned job, uint64_t schedule,
				       unsigned depth, double delay,
				       const char *trace_path, GError **err);

/* "SEED:JOB" or "SEED:JOB:SCHEDULE"; *schedule = -1 for the first form. */
bool sim_explore_parse_key(const char *opt, const char *text, uint64_t *seed,
			   unsigned *job, int64_t *schedule, GError **err);

/* A verdict phrase for group g (point * n_strategies + strategy), for a
 * summary that wants one: "explored: 0 of 2000 schedules violate (p <=
 * 0.0015 at 95%)" or "explored: 37 of 2000 schedules violate, first
 * schedule 4 (--replay 1:4:4)".  g_free() the result. */
char *sim_explore_verdict(const struct sim_explore_run *x, unsigned g);

/* The text block (self-contained: a heading, one paragraph per group).
 * explain: the first violation's explanation in full. */
void sim_explore_text(const struct sim_explore_run *x, FILE *f, bool explain);
/* results.json: the "exploration" member (deterministic), and the host
 * figures, inside "host" as its "exploration" member. */
void sim_explore_json(struct sim_jw *j, const struct sim_explore_run *x);
void sim_explore_json_host(struct sim_jw *j, const struct sim_explore_run *x);

#endif /* SIM_RUN_EXPLORE_H */
