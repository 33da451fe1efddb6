/* reports/results.h — results.json (schema faultline-results v1, see
 * docs/results-json.md) as plain C structures for the plot and page writers.
 *
 * Only reports/results.c sees json-glib.  Strings point into the parsed
 * document, which struct rep_run keeps alive.  Everything is in file order
 * (which is plan order), never hash order, so a render is deterministic.
 */
#ifndef REPORT_RESULTS_H
#define REPORT_RESULTS_H

#include <glib.h>

struct rep_bucket {
	gint64 lo_ns, hi_ns, count;
};

struct rep_pct {
	double p;               /* 0 < p < 100 */
	double ns;
};

struct rep_latency {            /* one op kind, all replicas merged */
	const char *op;
	gint64 count;
	gint64 skipped;         /* drawn but not issued (0 when absent) */
	double throughput_ops_s, min_ns, mean_ns, max_ns, stddev_ns;
	GArray *pcts;           /* struct rep_pct, ascending p */
	GArray *buckets;        /* struct rep_bucket */
};

struct rep_times {
	double min_ns, avg_ns, max_ns, total_ns;
};

struct rep_lock {               /* one lock class, lock_stat columns */
	const char *name;
	gint64 contentions, acquisitions, acquisitions_read;
	struct rep_times wait, hold;
	GArray *wait_buckets;   /* struct rep_bucket: waits of contended grants */
	GArray *hold_buckets;
};

struct rep_violation {          /* first instance of one kind */
	const char *kind, *replay, *explanation;
	gint64 replica, job, seed, time_ns;
};

struct rep_count {              /* violations of one kind */
	const char *kind;
	gint64 count, replicas;
};

struct rep_replica {
	gint64 replica, job, seed, sim_time_ns, events;
	const char *stop;
	gint64 violations;      /* summed over kinds */
	double throughput_ops_s;
};

struct rep_hold {               /* one lock hold of the timeline */
	const char *task, *lock;
	gboolean write;
	gint64 wait_begin_ns, begin_ns, end_ns;
};

struct rep_strategy {           /* one strategies[] entry */
	const char *name;
	const char *sweep_value;        /* NULL without a sweep */
	guint point;                    /* index in rep_run.points */
	guint color;                    /* index of name among plan strategies */
	gint64 replicas, sim_time_ns, events;
	gint64 violations_total;
	GArray *violations;             /* struct rep_count, kinds in file order */
	GArray *first;                  /* struct rep_violation */
	GPtrArray *ops;                 /* struct rep_latency * */
	GPtrArray *locks;               /* struct rep_lock * */
	GArray *replica_results;        /* struct rep_replica */
	GArray *timeline;               /* struct rep_hold */
	gint64 timeline_ns;
	/* sim --image (docs/judge.md): images, e2fsck-clean ones, ones read
	 * back, ones read back as the oracle says; images = -1: none */
	gint64 images, images_e2fsck_clean, images_read_back,
	       images_as_oracle;
	/* Derived from replica_results (-1 / NaN when it is empty). */
	gint64 violating_replicas;
	double throughput_ops_s;        /* mean over replicas (else the sum
					 * of the ops' merged rates) */
};

struct rep_diff {               /* a paired difference, 95% interval */
	gboolean present;
	double value, baseline, diff, diff_half, rel_pct, rel_half_pct;
};

struct rep_op_diff {
	const char *op;
	struct rep_diff p50, p99, p999;
};

struct rep_comparison {
	const char *strategy, *baseline, *sweep_value, *verdict;
	gint64 violation_free_replicas, replicas;
	GArray *ops;                    /* struct rep_op_diff */
	struct rep_diff throughput;
};

struct rep_point {              /* one sweep point (the only one without a sweep) */
	const char *value;              /* NULL without a sweep */
	GPtrArray *strategies;          /* struct rep_strategy *, borrowed, plan order */
};

struct rep_host {
	gboolean present;
	double wall_s, events_per_s;
	gint64 threads, peak_rss_bytes, jobs_run;
};

struct rep_model_error {        /* a job that ended with a model error */
	gint64 job, replica, line, time_ns;
	const char *strategy, *replay, *phase, *message, *file;
	const char *task;               /* NULL: not in a task */
};

struct rep_run {
	char *path;                     /* of results.json, for messages */
	void *doc;                      /* the parsed document; owns the strings */
	const char *version, *config_file, *shard;
	gint64 seed, replicas, jobs;
	gboolean interrupted;
	GArray *model_errors;           /* struct rep_model_error */
	GPtrArray *plan_strategies;     /* const char * */
	const char *sweep_key;          /* NULL: no sweep */
	GPtrArray *points;              /* struct rep_point * */
	GPtrArray *strategies;          /* struct rep_strategy * */
	GPtrArray *comparisons;         /* struct rep_comparison * */
	struct rep_host host;
	GPtrArray *config;              /* "section", "key = value" text lines */
	/* Unions over all strategies, in first-seen order: what plots iterate. */
	GPtrArray *op_names, *lock_names, *kind_names;
};

/* NULL with REPORT_ERROR_INPUT set: one line naming path. */
struct rep_run *rep_run_load(const char *path, GError **err);
void rep_run_free(struct rep_run *run);

const struct rep_latency *rep_strategy_op(const struct rep_strategy *s,
					  const char *op);
const struct rep_lock *rep_strategy_lock(const struct rep_strategy *s,
					 const char *name);
/* The latency at percentile p (exact key match), NaN if absent. */
double rep_latency_pct(const struct rep_latency *l, double p);
const struct rep_comparison *rep_run_comparison(const struct rep_run *run,
						const struct rep_strategy *s);
const struct rep_op_diff *rep_comparison_op(const struct rep_comparison *c,
					    const char *op);

#endif /* REPORT_RESULTS_H */
