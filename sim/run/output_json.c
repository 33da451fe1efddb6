/* sim/run/output_json.c — results.json and shard files (docs/results-json.md).
 *
 * Key order is fixed by the code below and arrays are in plan order, so a
 * file is a function of (config, seed) except its "host" object.  Times
 * are integer ns; means and standard deviations are rounded to integer ns;
 * other doubles use the writer's one fixed format (jsonw.h).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sim/engine/jsonw.h"
#include "sim/run/output.h"

static int64_t ns_round(double v)
{
	return isfinite(v) ? (int64_t)floor(v + 0.5) : 0;
}

static void put_config(struct sim_jw *j, const struct sim_plan *plan)
{
	unsigned i, k;

	sim_jw_key(j, "config");
	sim_jw_begin_object(j);
	for (i = 0; i < plan->n_sections; i++) {
		const struct sim_plan_section *s = &plan->sections[i];

		sim_jw_key(j, s->name);
		sim_jw_begin_object(j);
		sim_jw_kstring(j, "type", s->type);
		for (k = 0; k < s->n; k++)
			sim_jw_kstring(j, s->keys[k], s->values[k]);
		sim_jw_end_object(j);
	}
	sim_jw_end_object(j);
}

static void put_sweep_point(struct sim_jw *j, const struct sim_plan *plan,
			    const char *value)
{
	sim_jw_key(j, "sweep");
	if (!plan->sweep_key) {
		sim_jw_null(j);
		return;
	}
	sim_jw_begin_object(j);
	sim_jw_kstring(j, "key", plan->sweep_key);
	sim_jw_kstring(j, "value", value);
	sim_jw_end_object(j);
}

static void put_plan(struct sim_jw *j, const struct sim_plan *plan,
		     unsigned shard_k, unsigned shard_n)
{
	unsigned i;
	char shard[32];

	sim_jw_key(j, "plan");
	sim_jw_begin_object(j);
	sim_jw_key(j, "strategies");
	sim_jw_begin_array_inline(j);
	for (i = 0; i < plan->n_strategies; i++)
		sim_jw_string(j, plan->strategies[i]);
	sim_jw_end_array(j);
	sim_jw_kuint(j, "replicas", plan->replicas);
	sim_jw_key(j, "sweep");
	if (plan->sweep_key) {
		sim_jw_begin_object(j);
		sim_jw_kstring(j, "key", plan->sweep_key);
		sim_jw_key(j, "values");
		sim_jw_begin_array_inline(j);
		for (i = 0; i < plan->n_points; i++)
			sim_jw_string(j, plan->sweep_values[i]);
		sim_jw_end_array(j);
		sim_jw_end_object(j);
	} else {
		sim_jw_null(j);
	}
	sim_jw_kuint(j, "jobs", plan->n_jobs);
	g_snprintf(shard, sizeof(shard), "%u/%u", shard_k, shard_n);
	sim_jw_kstring(j, "shard", shard);
	sim_jw_end_object(j);
}

/* The jobs that ended with a model error; only when there are any (a
 * clean run's file has no such key). */
static void put_model_errors(struct sim_jw *j, const struct sim_plan *plan,
			     const struct sim_run *run)
{
	unsigned i;
	char replay[48];

	if (!run->model_errors)
		return;
	sim_jw_key(j, "model_errors");
	sim_jw_begin_array(j);
	for (i = 0; i < plan->n_jobs; i++) {
		const struct sim_model_error *e = run->errors[i];

		if (!e)
			continue;
		sim_jw_begin_object(j);
		sim_jw_kuint(j, "job", e->id.index);
		sim_jw_kstring(j, "strategy", plan->strategies[e->id.strategy]);
		sim_jw_kuint(j, "replica", e->id.replica);
		put_sweep_point(j, plan, plan->sweep_key ?
				plan->sweep_values[e->id.sweep_point] : NULL);
		sim_jw_kuint(j, "seed", e->id.seed);
		g_snprintf(replay, sizeof(replay), "%" G_GUINT64_FORMAT ":%u",
			   e->id.seed, e->id.index);
		sim_jw_kstring(j, "replay", replay);
		sim_jw_kstring(j, "phase", e->phase);
		sim_jw_kstring(j, "message", e->message);
		sim_jw_kstring(j, "file", e->file);
		sim_jw_kint(j, "line", e->line);
		sim_jw_kint(j, "time_ns", e->time);
		sim_jw_kstring(j, "task", e->task);
		sim_jw_kuint(j, "events", e->events);
		sim_jw_end_object(j);
	}
	sim_jw_end_array(j);
}

static void put_head(struct sim_jw *j, const char *schema,
		     const struct sim_plan *plan, const struct sim_run *run)
{
	sim_jw_kstring(j, "schema", schema);
	sim_jw_kint(j, "schema_version", 1);
	sim_jw_kstring(j, "version", SIM_OUT_VERSION);
	sim_jw_kstring(j, "config_file", plan->config_file);
	sim_jw_kuint(j, "seed", plan->seed);
	sim_jw_kbool(j, "interrupted", run->interrupted);
	put_model_errors(j, plan, run);
	put_config(j, plan);
}

static void put_host(struct sim_jw *j, const struct sim_run *run)
{
	sim_jw_key(j, "host");
	sim_jw_begin_object(j);
	sim_jw_kdouble(j, "wall_s", run->wall_s);
	sim_jw_kdouble(j, "events_per_s",
		       run->wall_s > 0 ? (double)run->events / run->wall_s : 0);
	sim_jw_kuint(j, "threads", run->threads);
	sim_jw_kuint(j, "peak_rss_bytes", run->peak_rss);
	sim_jw_kuint(j, "jobs_run", run->jobs_run);
	sim_jw_key(j, "job_heap_peak_bytes");
	if (run->job_heap_peak)
		sim_jw_uint(j, run->job_heap_peak);
	else
		sim_jw_null(j);
	sim_jw_kuint(j, "job_stack_bytes", run->job_stack_bytes);
	sim_jw_key(j, "job_peak_bytes");
	if (run->job_heap_peak)
		sim_jw_uint(j, run->job_heap_peak + run->job_stack_bytes);
	else
		sim_jw_null(j);
	sim_jw_kuint(j, "shards", run->shards);
	if (run->model_errors) {
		sim_jw_key(j, "set_aside_heap_bytes");
		if (run->set_aside_heap)
			sim_jw_uint(j, run->set_aside_heap);
		else
			sim_jw_null(j);
		sim_jw_kuint(j, "set_aside_stack_bytes", run->set_aside_stacks);
	}
	sim_jw_end_object(j);
}

/* ---- results.json ------------------------------------------------------------- */

static void put_buckets(struct sim_jw *j, const char *key,
			const struct sim_hist *h)
{
	unsigned i;

	sim_jw_key(j, key);
	sim_jw_begin_array_inline(j);
	sim_hist_for_each_bucket(h, i) {
		sim_jw_begin_array_inline(j);
		sim_jw_int(j, sim_hist_bucket_lo(i));
		sim_jw_int(j, sim_hist_bucket_hi(i));
		sim_jw_uint(j, h->counts[i]);
		sim_jw_end_array(j);
	}
	sim_jw_end_array(j);
}

static void put_latency(struct sim_jw *j, const struct sim_hist *h,
			uint64_t skipped, double rate)
{
	unsigned i;

	sim_jw_begin_object(j);
	sim_jw_kuint(j, "count", h->count);
	sim_jw_kuint(j, "skipped", skipped);
	sim_jw_kdouble(j, "throughput_ops_s", rate);
	sim_jw_kint(j, "min_ns", sim_hist_min(h));
	sim_jw_kint(j, "mean_ns", ns_round(sim_hist_mean(h)));
	sim_jw_kint(j, "max_ns", sim_hist_max(h));
	sim_jw_kint(j, "stddev_ns", ns_round(sim_hist_stddev(h)));
	sim_jw_key(j, "percentiles");
	sim_jw_begin_object(j);
	for (i = 0; i < SIM_OUT_NPCT; i++)
		sim_jw_kint(j, sim_out_pct_keys[i],
			    sim_hist_percentile(h, sim_out_pcts[i]));
	sim_jw_end_object(j);
	put_buckets(j, "buckets", h);
	sim_jw_end_object(j);
}

static void put_times(struct sim_jw *j, const char *key, const struct sim_hist *h)
{
	sim_jw_key(j, key);
	sim_jw_begin_object(j);
	sim_jw_kint(j, "min_ns", sim_hist_min(h));
	sim_jw_kint(j, "avg_ns", ns_round(sim_hist_mean(h)));
	sim_jw_kint(j, "max_ns", sim_hist_max(h));
	sim_jw_kint(j, "total_ns", ns_round(h->sum));
	sim_jw_end_object(j);
}

static void put_lock(struct sim_jw *j, const struct sim_out_lock *l)
{
	sim_jw_key(j, l->name);
	sim_jw_begin_object(j);
	sim_jw_kuint(j, "contentions", l->contentions);
	sim_jw_kuint(j, "acquisitions", l->acquisitions);
	sim_jw_kuint(j, "acquisitions_read", l->acquisitions_read);
	put_times(j, "waittime", l->wait);
	put_times(j, "holdtime", l->hold);
	put_buckets(j, "wait_buckets", l->wait);
	put_buckets(j, "hold_buckets", l->hold);
	sim_jw_end_object(j);
}

static void put_counts(struct sim_jw *j, const struct sim_out *out,
		       const char *key, bool total, uint64_t sum,
		       const uint64_t *v64, const unsigned *v32)
{
	unsigned k;

	sim_jw_key(j, key);
	sim_jw_begin_object(j);
	if (total)
		sim_jw_kuint(j, "total", sum);
	for (k = 0; k < out->kinds->len; k++)
		sim_jw_kuint(j, g_ptr_array_index(out->kinds, k),
			     v64 ? v64[k] : v32[k]);
	sim_jw_end_object(j);
}

/* --image: what became of the job's disk (docs/results-json.md). */
static void put_judge(struct sim_jw *j, const struct sim_rec_judge *jd)
{
	sim_jw_key(j, "image");
	sim_jw_begin_object(j);
	sim_jw_kstring(j, "file", jd->image);
	sim_jw_kbool(j, "clean_unmount", jd->clean);
	sim_jw_kstring(j, "note", jd->note);
	sim_jw_key(j, "model_fsck");
	sim_jw_begin_object(j);
	sim_jw_kuint(j, "count", jd->model_fsck);
	sim_jw_kstring(j, "findings", jd->model_fsck_findings);
	sim_jw_end_object(j);
	sim_jw_key(j, "e2fsck");
	sim_jw_begin_object(j);
	sim_jw_kint(j, "status", jd->fsck_status);
	sim_jw_kstring(j, "problems", jd->fsck_problems);
	sim_jw_end_object(j);
	sim_jw_key(j, "readback");
	sim_jw_begin_object(j);
	sim_jw_kstring(j, "via", jd->readback);
	sim_jw_kstring(j, "note", jd->readback_note);
	sim_jw_kuint(j, "bytes_compared", jd->bytes_compared);
	sim_jw_kuint(j, "bytes_differ", jd->bytes_differ);
	sim_jw_key(j, "first_diff");
	if (jd->first_diff < 0) {
		sim_jw_null(j);
	} else {
		sim_jw_begin_object(j);
		sim_jw_kstring(j, "file", jd->first_diff_file);
		sim_jw_kint(j, "offset", jd->first_diff);
		sim_jw_kstring(j, "what", jd->first_diff_what);
		sim_jw_end_object(j);
	}
	sim_jw_end_object(j);
	sim_jw_end_object(j);
}

/* --image: "e2fsck clean k/n" and the read-back over the group. */
static void put_judge_group(struct sim_jw *j, const struct sim_out_group *g)
{
	unsigned n = 0, clean = 0, corrupt = 0, rb = 0, agree = 0;

	for (unsigned r = 0; r < g->n_rep; r++) {
		const struct sim_rec_judge *jd = g->reps[r]->judge;

		if (!jd)
			continue;
		n++;
		clean += jd->fsck_status == 0;
		corrupt += jd->fsck_status > 0 && (jd->fsck_status & 4);
		rb += jd->readback != NULL;
		agree += jd->readback && !jd->bytes_differ;
	}
	if (!n)
		return;
	sim_jw_key(j, "images");
	sim_jw_begin_object(j);
	sim_jw_kuint(j, "images", n);
	sim_jw_kuint(j, "e2fsck_clean", clean);
	sim_jw_kuint(j, "e2fsck_corrupt", corrupt);
	sim_jw_kuint(j, "read_back", rb);
	sim_jw_kuint(j, "read_back_as_oracle", agree);
	sim_jw_end_object(j);
}

static void put_replica(struct sim_jw *j, const struct sim_out *out,
			const struct sim_out_group *g, unsigned r)
{
	const struct sim_job_rec *rec = g->reps[r];
	unsigned k, o;

	sim_jw_begin_object(j);
	sim_jw_kuint(j, "replica", rec->id.replica);
	sim_jw_kuint(j, "job", rec->id.index);
	sim_jw_kuint(j, "seed", rec->id.seed);
	sim_jw_kint(j, "sim_time_ns", rec->sim_time);
	sim_jw_kuint(j, "events", rec->events);
	sim_jw_kstring(j, "stop", sim_stop_name(rec->stop));
	sim_jw_key(j, "violations");
	sim_jw_begin_object(j);
	for (k = 0; k < out->kinds->len; k++) {
		const struct sim_rec_kind *rk =
			sim_job_rec_kind(rec, g_ptr_array_index(out->kinds, k));

		sim_jw_kuint(j, g_ptr_array_index(out->kinds, k),
			     rk ? rk->count : 0);
	}
	sim_jw_end_object(j);
	sim_jw_kdouble(j, "throughput_ops_s", g->throughput[r]);
	if (rec->judge)
		put_judge(j, rec->judge);
	sim_jw_key(j, "ops");
	sim_jw_begin_object(j);
	for (o = 0; o < out->ops->len; o++) {
		const struct sim_out_op *op = &g->ops[o];
		const struct sim_rec_op *ro =
			sim_job_rec_op(rec, g_ptr_array_index(out->ops, o));

		sim_jw_key(j, g_ptr_array_index(out->ops, o));
		sim_jw_begin_object(j);
		sim_jw_kuint(j, "count", op->count[r]);
		sim_jw_kuint(j, "skipped", ro ? ro->skipped : 0);
		sim_jw_kint(j, "p50_ns", (int64_t)op->pct[0][r]);
		sim_jw_kint(j, "p99_ns", (int64_t)op->pct[1][r]);
		sim_jw_kint(j, "p99.9_ns", (int64_t)op->pct[2][r]);
		sim_jw_end_object(j);
	}
	sim_jw_end_object(j);
	sim_jw_end_object(j);
}

static void put_span(struct sim_jw *j, const struct sim_rec_span *s)
{
	sim_jw_begin_object(j);
	sim_jw_kstring(j, "task", s->task);
	sim_jw_kstring(j, "lock", s->lock);
	sim_jw_kstring(j, "mode", s->write ? "w" : "r");
	sim_jw_kint(j, "begin_ns", s->begin);
	sim_jw_kint(j, "end_ns", s->end);
	sim_jw_kint(j, "wait_begin_ns", s->wait_begin);
	sim_jw_end_object(j);
}

static void put_group(struct sim_jw *j, const struct sim_out *out,
		      const struct sim_out_group *g)
{
	unsigned k, o, r, l;

	sim_jw_begin_object(j);
	sim_jw_kstring(j, "name", g->name);
	put_sweep_point(j, out->plan, g->sweep_value);
	sim_jw_kuint(j, "replicas", g->n_rep);
	sim_jw_kint(j, "sim_time_ns", g->sim_time);
	sim_jw_kuint(j, "events", g->events);
	put_counts(j, out, "violations", true, g->viol_total, g->viol, NULL);
	put_counts(j, out, "violations_replicas", false, 0, NULL, g->viol_reps);
	put_judge_group(j, g);

	sim_jw_key(j, "first_violations");
	sim_jw_begin_array(j);
	for (k = 0; k < out->kinds->len; k++) {
		const struct sim_job_rec *rec = g->first_rec[k];
		char replay[64];

		if (!rec)
			continue;
		g_snprintf(replay, sizeof(replay), "%" G_GUINT64_FORMAT ":%u",
			   rec->id.seed, rec->id.index);
		sim_jw_begin_object(j);
		sim_jw_kstring(j, "kind", g_ptr_array_index(out->kinds, k));
		sim_jw_kuint(j, "replica", rec->id.replica);
		sim_jw_kuint(j, "job", rec->id.index);
		sim_jw_kuint(j, "seed", rec->id.seed);
		sim_jw_kint(j, "time_ns", g->first[k]->first_time);
		sim_jw_kstring(j, "replay", replay);
		sim_jw_kstring(j, "explanation", g->first[k]->explanation ?
			       g->first[k]->explanation : "");
		sim_jw_end_object(j);
	}
	sim_jw_end_array(j);

	sim_jw_key(j, "ops");
	sim_jw_begin_object(j);
	for (o = 0; o < out->ops->len; o++) {
		sim_jw_key(j, g_ptr_array_index(out->ops, o));
		put_latency(j, g->ops[o].h, g->ops[o].skipped,
			    sim_out_op_rate(g, o));
	}
	sim_jw_end_object(j);

	sim_jw_key(j, "locks");
	sim_jw_begin_object(j);
	for (l = 0; l < g->n_locks; l++)
		put_lock(j, &g->locks[l]);
	sim_jw_end_object(j);

	sim_jw_key(j, "replica_results");
	sim_jw_begin_array(j);
	for (r = 0; r < g->n_rep; r++)
		put_replica(j, out, g, r);
	sim_jw_end_array(j);

	sim_jw_key(j, "timeline");
	sim_jw_begin_array(j);
	for (r = 0; g->timeline && r < g->timeline->n_spans; r++)
		put_span(j, &g->timeline->spans[r]);
	sim_jw_end_array(j);
	sim_jw_kint(j, "timeline_ns", g->timeline ? g->timeline->timeline_ns : 0);
	sim_jw_end_object(j);
}

static void put_diff(struct sim_jw *j, const char *key,
		     const struct sim_paired *p, bool ns)
{
	sim_jw_key(j, key);
	sim_jw_begin_object(j);
	sim_jw_kdouble(j, ns ? "value_ns" : "value", p->mean_a);
	sim_jw_kdouble(j, ns ? "baseline_ns" : "baseline", p->mean_b);
	sim_jw_kdouble(j, "diff", p->diff);
	sim_jw_kdouble(j, "diff_half", p->diff_half);
	sim_jw_kdouble(j, "rel_pct", p->rel);
	sim_jw_kdouble(j, "rel_half_pct", p->rel_half);
	sim_jw_end_object(j);
}

static void put_comparison(struct sim_jw *j, const struct sim_out *out,
			   const struct sim_out_group *g)
{
	unsigned o, c;

	sim_jw_begin_object(j);
	sim_jw_kstring(j, "strategy", g->name);
	sim_jw_kstring(j, "baseline", g->base->name);
	put_sweep_point(j, out->plan, g->sweep_value);
	sim_jw_kuint(j, "violation_free_replicas", g->n_rep - g->violating_reps);
	sim_jw_kuint(j, "replicas", g->n_rep);
	sim_jw_key(j, "ops");
	sim_jw_begin_object(j);
	for (o = 0; o < out->ops->len; o++) {
		sim_jw_key(j, g_ptr_array_index(out->ops, o));
		sim_jw_begin_object(j);
		for (c = 0; c < SIM_OUT_NCMP; c++)
			put_diff(j, sim_out_cmp_keys[c], &g->cmp[o].p[c], true);
		sim_jw_end_object(j);
	}
	sim_jw_end_object(j);
	put_diff(j, "throughput", &g->cmp_throughput, false);
	sim_jw_kstring(j, "verdict", g->verdict);
	sim_jw_end_object(j);
}

char *sim_out_json(const struct sim_out *out)
{
	GString *s = g_string_sized_new(1 << 16);
	struct sim_jw j;
	unsigned i;

	sim_jw_init(&j, s);
	sim_jw_begin_object(&j);
	put_head(&j, "faultline-results", out->plan, out->run);
	/* a results file always covers the whole plan (a merge of shards) */
	put_plan(&j, out->plan, 1, 1);
	sim_jw_key(&j, "strategies");
	sim_jw_begin_array(&j);
	for (i = 0; i < out->n_groups; i++)
		put_group(&j, out, &out->groups[i]);
	sim_jw_end_array(&j);
	sim_jw_key(&j, "comparison");
	sim_jw_begin_array(&j);
	for (i = 0; i < out->n_groups; i++)
		if (out->groups[i].base)
			put_comparison(&j, out, &out->groups[i]);
	sim_jw_end_array(&j);
	put_host(&j, out->run);
	sim_jw_end_object(&j);
	return g_string_free(s, FALSE);
}

/* ---- shard files: raw records ------------------------------------------------ */

static void put_raw_hist(struct sim_jw *j, const char *key,
			 const struct sim_hist_sparse *h)
{
	unsigned i;

	sim_jw_key(j, key);
	sim_jw_begin_object(j);
	sim_jw_kuint(j, "count", h->count);
	sim_jw_kuint(j, "overflow", h->overflow);
	sim_jw_kint(j, "min", h->min);
	sim_jw_kint(j, "max", h->max);
	sim_jw_key(j, "sum");
	sim_jw_double_exact(j, h->sum);
	sim_jw_key(j, "sumsq");
	sim_jw_double_exact(j, h->sumsq);
	sim_jw_key(j, "buckets");
	sim_jw_begin_array_inline(j);
	for (i = 0; i < h->n; i++) {
		sim_jw_begin_array_inline(j);
		sim_jw_uint(j, h->idx[i]);
		sim_jw_uint(j, h->cnt[i]);
		sim_jw_end_array(j);
	}
	sim_jw_end_array(j);
	sim_jw_end_object(j);
}

static void put_raw_job(struct sim_jw *j, const struct sim_job_rec *rec)
{
	unsigned i;

	sim_jw_begin_object(j);
	sim_jw_kuint(j, "job", rec->id.index);
	sim_jw_kint(j, "sim_time_ns", rec->sim_time);
	sim_jw_kuint(j, "events", rec->events);
	sim_jw_kstring(j, "stop", sim_stop_name(rec->stop));
	sim_jw_key(j, "ops");
	sim_jw_begin_array(j);
	for (i = 0; i < rec->n_ops; i++) {
		sim_jw_begin_object(j);
		sim_jw_kstring(j, "name", rec->ops[i].name);
		put_raw_hist(j, "latency", &rec->ops[i].lat);
		sim_jw_kuint(j, "skipped", rec->ops[i].skipped);
		sim_jw_end_object(j);
	}
	sim_jw_end_array(j);
	sim_jw_key(j, "kinds");
	sim_jw_begin_array(j);
	for (i = 0; i < rec->n_kinds; i++) {
		const struct sim_rec_kind *k = &rec->kinds[i];

		sim_jw_begin_object(j);
		sim_jw_kstring(j, "name", k->name);
		sim_jw_kuint(j, "count", k->count);
		sim_jw_kint(j, "first_time_ns", k->first_time);
		sim_jw_kstring(j, "explanation", k->explanation);
		sim_jw_end_object(j);
	}
	sim_jw_end_array(j);
	sim_jw_key(j, "locks");
	sim_jw_begin_array(j);
	for (i = 0; i < rec->n_locks; i++) {
		const struct sim_rec_lock *l = &rec->locks[i];

		sim_jw_begin_object(j);
		sim_jw_kstring(j, "name", l->name);
		sim_jw_kuint(j, "acquisitions", l->acquisitions);
		sim_jw_kuint(j, "acquisitions_read", l->acquisitions_read);
		sim_jw_kuint(j, "contentions", l->contentions);
		put_raw_hist(j, "wait", &l->wait);
		put_raw_hist(j, "hold", &l->hold);
		sim_jw_end_object(j);
	}
	sim_jw_end_array(j);
	sim_jw_kint(j, "timeline_ns", rec->timeline_ns);
	sim_jw_key(j, "timeline");
	sim_jw_begin_array(j);
	for (i = 0; i < rec->n_spans; i++)
		put_span(j, &rec->spans[i]);
	sim_jw_end_array(j);
	sim_jw_key(j, "host");
	sim_jw_begin_object(j);
	sim_jw_kdouble(j, "wall_s", rec->wall_s);
	sim_jw_kuint(j, "heap_peak_bytes", rec->heap_peak);
	sim_jw_kuint(j, "stack_bytes", rec->stack_bytes);
	sim_jw_end_object(j);
	sim_jw_end_object(j);
}

char *sim_out_job_json(const struct sim_job_rec *rec)
{
	GString *s = g_string_sized_new(1 << 12);
	struct sim_jw j;

	sim_jw_init(&j, s);
	put_raw_job(&j, rec);
	return g_string_free(s, FALSE);
}

char *sim_out_plan_ident(const struct sim_plan *plan)
{
	GString *s = g_string_sized_new(1 << 12);
	struct sim_jw j;
	char *sum;

	sim_jw_init(&j, s);
	sim_jw_begin_object(&j);
	sim_jw_kstring(&j, "version", SIM_OUT_VERSION);
	sim_jw_kuint(&j, "seed", plan->seed);
	put_config(&j, plan);
	put_plan(&j, plan, plan->shard_k, plan->shard_n);
	sim_jw_end_object(&j);
	sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, s->str,
					    (gssize)s->len);
	g_string_free(s, TRUE);
	return sum;
}

char *sim_out_shard_json(const struct sim_plan *plan, const struct sim_run *run)
{
	GString *s = g_string_sized_new(1 << 16);
	struct sim_jw j;
	unsigned i;

	sim_jw_init(&j, s);
	sim_jw_begin_object(&j);
	put_head(&j, "faultline-shard", plan, run);
	put_plan(&j, plan, plan->shard_k, plan->shard_n);
	sim_jw_key(&j, "jobs");
	sim_jw_begin_array(&j);
	for (i = 0; i < plan->n_jobs; i++)
		if (run->recs[i])
			put_raw_job(&j, run->recs[i]);
	sim_jw_end_array(&j);
	put_host(&j, run);
	sim_jw_end_object(&j);
	return g_string_free(s, FALSE);
}
