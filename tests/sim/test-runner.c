/* tests/sim/test-runner.c — the runner on the toy model: results do not
 * depend on -j or on completion order; paired intervals for a known
 * difference; --replay rebuilds a job byte for byte; shards merged equal
 * the whole run; an interrupted run writes valid, marked JSON and leaves
 * no temporary file; traces parse; the timeline is well formed. */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sim/engine/jsonw.h"
#include "sim/run/merge.h"
#include "sim/run/output.h"
#include "sim/run/runner.h"
#include "tests/sim/toy-model.h"

static const char toy_text[] =
	"[global]\nstrategies = mutex, mutex_long, racy\nreplicas = 4\n"
	"duration = 300us\nseed = 7\ntimeline = 10us\n"
	"[toy]\ntasks = 3\nrare = 0.002\n";

static struct sim_plan *toy_plan(const char *text, const char *sweep)
{
	GError *err = NULL;
	struct sim_cfg *cfg = sim_cfg_load_data(toy_model_ops.schema, "toy.cfg",
						text, strlen(text), &err);
	struct sim_plan *p;

	g_assert_no_error(err);
	p = sim_plan_new(&toy_model_ops, cfg, sweep, &err);
	g_assert_no_error(err);
	sim_cfg_free(cfg);      /* the plan keeps its own copies */
	return p;
}

static struct sim_run *run_plan(const struct sim_plan *p, unsigned threads,
				bool reverse)
{
	struct sim_runner_opts o = SIM_RUNNER_OPTS_INIT;
	GError *err = NULL;
	struct sim_run *run;

	o.threads = threads;
	o.reverse = reverse;
	run = sim_runner_run(&toy_model_ops, p, &o, &err);
	g_assert_no_error(err);
	g_assert_nonnull(run);
	return run;
}

/* results.json without its host object (the last member). */
static char *json_minus_host(const struct sim_plan *p, const struct sim_run *run)
{
	struct sim_out *out = sim_out_build(p, run, toy_model_ops.kinds);
	char *json = sim_out_json(out), *host;

	sim_out_free(out);
	host = strstr(json, ",\n  \"host\": {");
	g_assert_nonnull(host);
	*host = '\0';
	return json;
}

static JsonNode *parse(const char *text)
{
	JsonParser *parser = json_parser_new();
	GError *err = NULL;
	JsonNode *root;

	json_parser_load_from_data(parser, text, -1, &err);
	g_assert_no_error(err);
	root = json_node_copy(json_parser_get_root(parser));
	g_object_unref(parser);
	return root;
}

static void test_threads_and_order(void)
{
	struct sim_plan *p = toy_plan(toy_text, "toy.tasks=2,3");
	struct sim_run *r1 = run_plan(p, 1, false);
	struct sim_run *r2 = run_plan(p, 2, false);
	struct sim_run *r3 = run_plan(p, 2, true);
	char *a = json_minus_host(p, r1), *b = json_minus_host(p, r2);
	char *c = json_minus_host(p, r3), *full;
	struct sim_out *out;
	JsonNode *root;

	g_assert_cmpuint(r1->jobs_run, ==, 24);
	g_assert_false(r1->interrupted);
	g_assert_cmpstr(a, ==, b);
	g_assert_cmpstr(a, ==, c);
	g_assert_cmpuint(r2->threads, ==, 2);
#ifdef HAVE_JEMALLOC
	g_assert_cmpuint(r2->job_heap_peak, >, 0);
#endif
	/* the whole file parses and says what the schema says */
	out = sim_out_build(p, r2, toy_model_ops.kinds);
	full = sim_out_json(out);
	root = parse(full);
	{
		JsonObject *o = json_node_get_object(root);
		JsonArray *st = json_object_get_array_member(o, "strategies");
		JsonObject *s0 = json_array_get_object_element(st, 0);
		JsonObject *v = json_object_get_object_member(s0, "violations");
		JsonObject *lat = json_object_get_object_member(
			json_object_get_object_member(s0, "ops"), "lock");

		g_assert_cmpstr(json_object_get_string_member(o, "schema"), ==,
				"faultline-results");
		g_assert_cmpuint(json_array_get_length(st), ==, 6);
		g_assert_cmpuint(json_array_get_length(json_object_get_array_member(
					 o, "comparison")), ==, 4);
		g_assert_true(json_object_has_member(v, "overlap"));
		g_assert_true(json_object_has_member(v, "rare"));
		g_assert_cmpint(json_object_get_int_member(
					json_object_get_object_member(lat, "percentiles"),
					"99.99"), >, 0);
		g_assert_true(json_object_has_member(
				      json_object_get_object_member(o, "host"),
				      "peak_rss_bytes"));
	}
	json_node_unref(root);
	g_free(full);
	sim_out_free(out);
	g_free(a);
	g_free(b);
	g_free(c);
	sim_run_free(r1);
	sim_run_free(r2);
	sim_run_free(r3);
	sim_plan_free(p);
}

/* One task, a fixed number of ops: mutex_long's critical sections are
 * exactly long_extra = 50 ns longer with the same draws (common random
 * numbers), and holds stay below 256 ns where histogram buckets are exact,
 * so every paired difference of lock percentiles is exactly 50 with a
 * zero-width interval, while the strategies' own spreads are wide. */
static void test_paired_known(void)
{
	struct sim_plan *p = toy_plan(
		"[global]\nstrategies = mutex, mutex_long\nreplicas = 6\n"
		"duration = 10ms\n[toy]\ntasks = 1\nops = 101\nrare = 0\n"
		"hold = uniform:10-150\nthink = exp:1us\n", NULL);
	struct sim_run *run = run_plan(p, 2, false);
	struct sim_out *out = sim_out_build(p, run, toy_model_ops.kinds);
	const struct sim_out_group *base = &out->groups[0], *g = &out->groups[1];
	int lock = sim_out_op_index(out, "lock"), think = sim_out_op_index(out, "think");
	struct sim_ci ci;
	double thr_a[6], thr_b[6];
	struct sim_paired thr;
	unsigned c, r;

	g_assert_cmpint(lock, >=, 0);
	g_assert_cmpuint(g->n_pairs, ==, 6);
	for (c = 0; c < SIM_OUT_NCMP; c++) {
		const struct sim_paired *d = &g->cmp[lock].p[c];

		g_assert_cmpuint(d->n, ==, 6);
		g_assert_cmpfloat(d->diff, ==, 50);
		g_assert_cmpfloat(d->diff_half, ==, 0);
		g_assert_cmpfloat_with_epsilon(d->rel,
			100 * (d->mean_a / d->mean_b - 1), 1e-9);
		/* think times are the same draws: no difference at all */
		g_assert_cmpfloat(g->cmp[think].p[c].diff, ==, 0);
	}
	/* the unpaired spread of the baseline's p50 is far from zero */
	ci = sim_stats_ci95(base->ops[lock].pct[0], base->n_rep);
	g_assert_cmpfloat(ci.half, >, 1);
	/* throughput: the interval is the paired-t one of the replicas' rates */
	for (r = 0; r < 6; r++) {
		thr_a[r] = g->throughput[r];
		thr_b[r] = base->throughput[r];
		g_assert_cmpfloat(thr_a[r], <, thr_b[r]);
	}
	thr = sim_stats_paired95(thr_a, thr_b, 6);
	g_assert_cmpfloat(thr.diff, ==, g->cmp_throughput.diff);
	g_assert_cmpfloat(thr.diff_half, ==, g->cmp_throughput.diff_half);
	g_assert_true(sim_stats_paired_significant(&g->cmp_throughput));
	g_assert_nonnull(strstr(g->verdict, "no violation in 6/6 replicas"));
	g_assert_nonnull(strstr(g->verdict, "vs mutex"));
	sim_out_free(out);
	sim_run_free(run);
	sim_plan_free(p);
}

static void test_replay(void)
{
	struct sim_plan *p = toy_plan(toy_text, NULL);
	struct sim_run *run = run_plan(p, 2, false);
	unsigned i, k, explained = 0;

	for (i = 0; i < p->n_jobs; i++) {
		const struct sim_job_rec *rec = run->recs[i];
		struct sim_runner_opts o = SIM_RUNNER_OPTS_INIT;
		struct sim_run *one;
		const struct sim_job_rec *again;

		if (!sim_job_rec_violations(rec))
			continue;
		o.only_job = (int)i;
		one = sim_runner_run(&toy_model_ops, p, &o, NULL);
		g_assert_cmpuint(one->jobs_run, ==, 1);
		again = one->recs[i];
		g_assert_nonnull(again);
		g_assert_cmpuint(again->events, ==, rec->events);
		g_assert_cmpint(again->sim_time, ==, rec->sim_time);
		for (k = 0; k < rec->n_kinds; k++) {
			g_assert_cmpuint(again->kinds[k].count, ==, rec->kinds[k].count);
			g_assert_cmpint(again->kinds[k].first_time, ==,
					rec->kinds[k].first_time);
			g_assert_cmpstr(again->kinds[k].explanation, ==,
					rec->kinds[k].explanation);
			explained += rec->kinds[k].explanation != NULL;
		}
		sim_run_free(one);
	}
	g_assert_cmpuint(explained, >=, 4);   /* racy overlaps at least */
	sim_run_free(run);
	sim_plan_free(p);
}

static void test_shard_merge(void)
{
	struct sim_plan *p = toy_plan(toy_text, "toy.tasks=2,4");
	struct sim_run *whole = run_plan(p, 2, false);
	char *want = json_minus_host(p, whole), *got;
	char *dir = g_dir_make_tmp("faultline-shards-XXXXXX", NULL);
	char *paths[3];
	struct sim_plan *mp = NULL;
	struct sim_run *merged;
	GError *err = NULL;
	unsigned k;

	for (k = 1; k <= 3; k++) {
		struct sim_plan *sp = toy_plan(toy_text, "toy.tasks=2,4");
		char spec[8];
		struct sim_run *r;
		char *json;

		g_snprintf(spec, sizeof(spec), "%u/3", k);
		g_assert_true(sim_plan_set_shard(sp, spec, NULL));
		r = run_plan(sp, k == 2 ? 1 : 2, false);
		g_assert_cmpuint(r->jobs_run, ==, sim_plan_shard_jobs(sp));
		json = sim_out_shard_json(sp, r);
		/* given out of order on purpose */
		paths[3 - k] = g_strdup_printf("%s/shard%u.json", dir, k);
		g_assert_true(sim_write_file_atomic(paths[3 - k], json,
						    strlen(json), NULL));
		g_free(json);
		sim_run_free(r);
		sim_plan_free(sp);
	}
	merged = sim_merge_load(paths, 3, &toy_model_ops, &mp, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(merged->shards, ==, 3);
	got = json_minus_host(mp, merged);
	g_assert_cmpstr(got, ==, want);

	/* a shard twice, or one missing, is refused */
	g_free(paths[1]);
	paths[1] = paths[0];
	g_assert_null(sim_merge_load(paths, 3, &toy_model_ops, &mp, &err));
	g_assert_nonnull(strstr(err->message, "twice"));
	g_clear_error(&err);
	g_assert_null(sim_merge_load(paths, 1, &toy_model_ops, &mp, &err));
	g_assert_nonnull(strstr(err->message, "missing"));
	g_clear_error(&err);

	g_free(got);
	sim_run_free(merged);
	sim_plan_free(mp);
	for (k = 0; k < 3; k++) {
		char *f = g_strdup_printf("%s/shard%u.json", dir, k + 1);

		g_unlink(f);
		g_free(f);
	}
	g_free(paths[0]);
	g_free(paths[2]);
	g_rmdir(dir);
	g_free(dir);
	g_free(want);
	sim_run_free(whole);
	sim_plan_free(p);
}

static void test_interrupt(void)
{
	struct sim_plan *p = toy_plan(
		"[global]\nstrategies = mutex, racy\nreplicas = 20\n"
		"duration = 200us\n[toy]\nsigint_job = 1\n", NULL);
	struct sim_runner_opts o = SIM_RUNNER_OPTS_INIT;
	char *dir = g_dir_make_tmp("faultline-int-XXXXXX", NULL);
	char *path = g_build_filename(dir, "results.json", NULL);
	struct sim_out *out;
	struct sim_run *run;
	JsonNode *root;
	GError *err = NULL;
	GDir *d;
	const char *name;
	char *json;
	unsigned files = 0;

	o.catch_sigint = true;
	run = sim_runner_run(&toy_model_ops, p, &o, &err);
	g_assert_no_error(err);
	g_assert_true(run->interrupted);
	g_assert_cmpuint(run->jobs_run, >=, 2);     /* jobs 0 and 1 */
	g_assert_cmpuint(run->jobs_run, <, 40);
	g_assert_nonnull(run->recs[0]);
	g_assert_nonnull(run->recs[1]);
	out = sim_out_build(p, run, toy_model_ops.kinds);
	json = sim_out_json(out);
	g_assert_true(sim_write_file_atomic(path, json, strlen(json), &err));
	g_assert_no_error(err);
	g_free(json);
	g_assert_true(g_file_get_contents(path, &json, NULL, NULL));
	root = parse(json);
	g_assert_true(json_object_get_boolean_member(json_node_get_object(root),
						     "interrupted"));
	json_node_unref(root);
	g_free(json);
	/* only the file itself: no temporary left behind */
	d = g_dir_open(dir, 0, NULL);
	while ((name = g_dir_read_name(d))) {
		g_assert_cmpstr(name, ==, "results.json");
		files++;
	}
	g_dir_close(d);
	g_assert_cmpuint(files, ==, 1);
	/* the signal source is gone: SIGINT is back to its default */
	{
		struct sigaction sa;

		sigaction(SIGINT, NULL, &sa);
		g_assert_true(sa.sa_handler == SIG_DFL);
	}
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
	sim_out_free(out);
	sim_run_free(run);
	sim_plan_free(p);
}

static void test_trace_and_timeline(void)
{
	struct sim_plan *p = toy_plan(toy_text, NULL);
	struct sim_runner_opts o = SIM_RUNNER_OPTS_INIT;
	char *dir = g_dir_make_tmp("faultline-trace-XXXXXX", NULL);
	char *path = g_build_filename(dir, "trace.json", NULL);
	unsigned racy0 = sim_plan_index(p, 0, 2, 0), i;
	unsigned holds = 0, waits = 0, instants = 0, names = 0, reads = 0;
	const struct sim_job_rec *rec;
	struct sim_run *run;
	JsonParser *parser = json_parser_new();
	JsonArray *ev;
	GError *err = NULL;

	o.threads = 2;
	o.trace_job = (int)racy0;
	o.trace_path = path;
	run = sim_runner_run(&toy_model_ops, p, &o, &err);
	g_assert_no_error(err);
	json_parser_load_from_file(parser, path, &err);
	g_assert_no_error(err);
	ev = json_object_get_array_member(
		json_node_get_object(json_parser_get_root(parser)), "traceEvents");
	for (i = 0; i < json_array_get_length(ev); i++) {
		JsonObject *e = json_array_get_object_element(ev, i);
		const char *ph = json_object_get_string_member(e, "ph");

		if (strcmp(ph, "M") == 0) {
			names++;
			continue;
		}
		g_assert_true(json_object_has_member(e, "ts"));
		if (strcmp(ph, "i") == 0) {
			g_assert_cmpstr(json_object_get_string_member(e, "cat"), ==,
					"violation");
			instants++;
		} else {
			const char *cat = json_object_get_string_member(e, "cat");

			g_assert_cmpstr(ph, ==, "X");
			g_assert_cmpfloat(json_object_get_double_member(e, "dur"), >=, 0);
			holds += strcmp(cat, "lock-hold") == 0;
			waits += strcmp(cat, "lock-wait") == 0;
		}
	}
	g_assert_cmpuint(names, ==, 1 + 3);   /* process + 3 tasks */
	g_assert_cmpuint(holds, >, 0);
	g_assert_cmpuint(instants, >, 0);     /* racy overlaps */
	(void)waits;

	/* the trace was an extra run: results are those of a plain run */
	{
		struct sim_run *plain = run_plan(p, 1, false);
		char *a = json_minus_host(p, run), *b = json_minus_host(p, plain);

		g_assert_cmpstr(a, ==, b);
		g_free(a);
		g_free(b);
		sim_run_free(plain);
	}

	/* replica 0's timeline: inside the window, waits before grants */
	rec = run->recs[sim_plan_index(p, 0, 0, 0)];
	g_assert_cmpint(rec->timeline_ns, ==, 10000);
	g_assert_cmpuint(rec->n_spans, >, 0);
	for (i = 0; i < rec->n_spans; i++) {
		const struct sim_rec_span *s = &rec->spans[i];

		g_assert_cmpint(s->wait_begin, <=, s->begin);
		g_assert_cmpint(s->begin, <=, s->end);
		g_assert_cmpint(s->end, <=, 10000);
		g_assert_true(g_str_has_prefix(s->task, "worker/"));
		reads += !s->write;
		if (i)
			g_assert_cmpint(s->begin, >=, rec->spans[i - 1].begin);
	}
	g_assert_cmpuint(reads, >, 0);                 /* toy_rwsem, shared */
	g_assert_cmpuint(reads, <, rec->n_spans);      /* toy_mutex */
	/* replicas other than 0 keep no timeline */
	g_assert_cmpuint(run->recs[sim_plan_index(p, 0, 0, 1)]->n_spans, ==, 0);

	g_object_unref(parser);
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
	sim_run_free(run);
	sim_plan_free(p);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/runner/threads-and-order", test_threads_and_order);
	g_test_add_func("/runner/paired-known", test_paired_known);
	g_test_add_func("/runner/replay", test_replay);
	g_test_add_func("/runner/shard-merge", test_shard_merge);
	g_test_add_func("/runner/interrupt", test_interrupt);
	g_test_add_func("/runner/trace-and-timeline", test_trace_and_timeline);
	return g_test_run();
}
