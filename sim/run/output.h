/* sim/run/output.h — a run's results, aggregated for the text summary
 * (output_text.c) and results.json (output_json.c).
 *
 * Everything is merged in plan order (sweep point, strategy, replica), so
 * the figures are the same bits for any -j and any completion order.  A
 * group is one (sweep point, strategy): its replicas' records, histograms
 * merged, per-replica figures, and its paired comparison with the
 * baseline — the plan's first strategy at the same sweep point — over the
 * replicas both finished.
 */
#ifndef SIM_OUTPUT_H
#define SIM_OUTPUT_H

#include <stdio.h>

#include <glib.h>

#include "sim/run/runner.h"
#include "sim/engine/stats.h"

/* The percentile points of the latency block (fio's, plus 99.95/99.99). */
#define SIM_OUT_NPCT 17
extern const double sim_out_pcts[SIM_OUT_NPCT];
extern const char *const sim_out_pct_keys[SIM_OUT_NPCT];

/* The three latency points the comparison pairs. */
#define SIM_OUT_NCMP 3
extern const double sim_out_cmp_pcts[SIM_OUT_NCMP];
extern const char *const sim_out_cmp_keys[SIM_OUT_NCMP];   /* "p50", ... */

struct sim_out_op {
	struct sim_hist *h;         /* all replicas merged */
	uint64_t skipped;           /* drawn, not issued: summed */
	/* per replica (same order as group.reps) */
	uint64_t *count;
	double *pct[SIM_OUT_NCMP];  /* p50, p99, p99.9 of that replica */
};

struct sim_out_lock {
	const char *name;
	uint64_t acquisitions, acquisitions_read, contentions;
	struct sim_hist *wait, *hold;
};

struct sim_out_cmp_op {
	bool present;               /* some replica pair has the op */
	struct sim_paired p[SIM_OUT_NCMP];
};

struct sim_out_group {
	unsigned point, strategy;
	const char *name;
	const char *sweep_value;    /* NULL without a sweep */
	unsigned n_rep;             /* replicas finished */
	const struct sim_job_rec **reps;   /* replica order */
	sim_time_t sim_time;        /* summed */
	uint64_t events;
	double wall_s;              /* summed job wall time (host) */
	/* per kind of out->kinds */
	uint64_t *viol;
	unsigned *viol_reps;
	const struct sim_job_rec **first_rec;  /* NULL: none */
	const struct sim_rec_kind **first;
	uint64_t viol_total;
	unsigned violating_reps;    /* replicas with any violation */
	/* per op of out->ops */
	struct sim_out_op *ops;
	unsigned n_locks;
	struct sim_out_lock *locks;
	double *throughput;         /* per replica, ops per simulated s */
	const struct sim_job_rec *timeline;     /* replica 0, if finished */
	/* comparison with the baseline (not for the baseline itself) */
	const struct sim_out_group *base;
	unsigned n_pairs;
	struct sim_out_cmp_op *cmp; /* per op */
	struct sim_paired cmp_throughput;
	char *verdict;
};

struct sim_out {
	const struct sim_plan *plan;
	const struct sim_run *run;
	GPtrArray *kinds;           /* const char *: model's, then first-seen */
	GPtrArray *ops;             /* const char *: first-seen plan order */
	unsigned n_groups;          /* n_points × n_strategies, plan order */
	struct sim_out_group *groups;
};

struct sim_out *sim_out_build(const struct sim_plan *plan,
			      const struct sim_run *run,
			      const char *const *model_kinds);
void sim_out_free(struct sim_out *out);

/* Throughput of an op kind over the group, ops per simulated second. */
double sim_out_op_rate(const struct sim_out_group *g, unsigned op);
/* Index of name in out->ops / out->kinds, -1 if absent. */
int sim_out_op_index(const struct sim_out *out, const char *name);

/* ---- renderers ----------------------------------------------------------------- */

/* The summary (docs/design.md §7).  explain: print every first violation's
 * explanation in full. */
void sim_out_text(const struct sim_out *out, FILE *f, bool explain);
/* One job, as --replay prints it: header, violations with their
 * explanations in full, op latencies. */
void sim_out_text_job(const struct sim_plan *plan, const struct sim_job_rec *rec,
		      FILE *f);

/* One job's model error, two lines (what the summary lists, and --replay
 * prints for such a job). */
void sim_out_text_model_error(const struct sim_plan *plan,
			      const struct sim_model_error *e, FILE *f);

/* results.json (docs/results-json.md). g_free() the result. */
char *sim_out_json(const struct sim_out *out);
/* One job's raw record, as shard files hold it (the journal's records). */
char *sim_out_job_json(const struct sim_job_rec *rec);
/* A digest (SHA-256, hex) of what makes a plan: version, seed, resolved
 * config, strategies, replicas, sweep, shard.  Two runs with the same
 * digest run the same jobs with the same results. */
char *sim_out_plan_ident(const struct sim_plan *plan);
/* A shard's raw per-job results (docs/results-json.md, "Shard files"). */
char *sim_out_shard_json(const struct sim_plan *plan, const struct sim_run *run);

/* The simulator's version, written into results and shard files. */
#define SIM_OUT_VERSION PACKAGE_VERSION

#endif /* SIM_OUTPUT_H */
