/* tests/fs/test-results.c — the ext4 model's results carried through the
 * runner into the outputs (sim/run/record.h, sim/run/output.h), on a small plan
 * with violations and skipped ops:
 *   - each violation kind's first detection time is a simulated time
 *     inside the job (the oracle's clock at detection; the explained
 *     instance's "detected at" line shows the same), -1 for kinds that
 *     did not occur, the same for -j1 and -j2;
 *   - ops drawn but not issued (punches of an empty file) are counted per
 *     op kind, apart from the latency histogram;
 *   - results.json (host aside) is identical for -j1 and -j2 and fills
 *     first_violations[].time_ns and the ops' "skipped"; the text summary
 *     says "first in replica R at T" and "skipped=N";
 *   - a shard file of the run reads back (sim merge) to the same
 *     results.json: times and skips round-trip;
 *   - the lock-hold timeline is the runner's (the model only gives the
 *     window): replica 0 only, spans inside the window.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "fs/workload/model.h"
#include "sim/run/merge.h"
#include "sim/run/output.h"
#include "sim/run/plan.h"
#include "sim/run/runner.h"

static struct sim_cfg *cfg_from(const char *text)
{
	GError *err = NULL;
	struct sim_cfg *cfg = sim_cfg_load_data(&fs_schema, "t.cfg", text,
						strlen(text), &err);

	g_assert_no_error(err);
	return cfg;
}

/* Collapse/insert under mapped readers and writers (stale reads under
 * lockless within a few ms), and a job punching an empty file: every
 * punch is drawn and skipped (nothing to punch), never issued. */
static const char *const plan_cfg =
	"[global]\nstrategies = lockless, i_mmap_sem\nreplicas = 2\n"
	"duration = 3ms\ntimeline = 1ms\nfs_size = 64M\njournal_size = 4M\n"
	"[data]\ntype = file\nsize = 4M\n"
	"[hole]\ntype = file\nsize = 256K\nlayout = empty\n"
	"[mapper]\nfile = data\nnumjobs = 3\nops = mmap_read:50, mmap_write:50\n"
	"think = exp:2us\n"
	"[shifter]\nfile = data\nnumjobs = 1\n"
	"ops = collapse_range:50, insert_range:50\nlen = uniform:4K-64K\n"
	"think = exp:20us\n"
	"[idle]\nfile = hole\nnumjobs = 1\nops = punch_hole\nthink = exp:50us\n";

static struct sim_run *run_plan(const struct sim_plan *p, unsigned threads)
{
	struct sim_runner_opts o = SIM_RUNNER_OPTS_INIT;
	GError *err = NULL;
	struct sim_run *run;

	o.threads = threads;
	run = sim_runner_run(&ext4_model_ops, p, &o, &err);
	g_assert_no_error(err);
	g_assert_nonnull(run);
	g_assert_cmpuint(run->jobs_run, ==, p->n_jobs);
	return run;
}

/* results.json up to its host object (the last member). */
static char *json_minus_host(const struct sim_plan *p, const struct sim_run *run)
{
	struct sim_out *out = sim_out_build(p, run, ext4_model_ops.kinds);
	char *json = sim_out_json(out), *host = strstr(json, "\"host\"");

	g_assert_nonnull(host);
	*host = '\0';
	sim_out_free(out);
	return json;
}

static void test_plan_results(void)
{
	struct sim_cfg *cfg = cfg_from(plan_cfg);
	GError *err = NULL;
	struct sim_plan *p = sim_plan_new(&ext4_model_ops, cfg, NULL, &err);
	struct sim_run *r1, *r2;
	struct sim_out *out;
	char *j1, *j2, *text = NULL, *first;
	size_t len = 0;
	FILE *f;
	unsigned stale = 0, mmap_sem = 0;

	g_assert_no_error(err);
	sim_cfg_free(cfg);
	r1 = run_plan(p, 1);
	r2 = run_plan(p, 2);
	for (unsigned i = 0; i < p->n_jobs; i++) {
		const struct sim_job_rec *a = r1->recs[i], *b = r2->recs[i];
		const struct sim_rec_op *punch = sim_job_rec_op(a, "punch_hole");

		g_assert_cmpuint(a->n_kinds, ==, b->n_kinds);
		for (unsigned k = 0; k < a->n_kinds; k++) {
			const struct sim_rec_kind *ka = &a->kinds[k];

			/* a real simulated time inside the job, or none */
			if (ka->count) {
				g_assert_cmpint(ka->first_time, >=, 0);
				g_assert_cmpint(ka->first_time, <=, a->sim_time);
			} else {
				g_assert_cmpint(ka->first_time, ==, -1);
			}
			g_assert_cmpint(ka->first_time, ==, b->kinds[k].first_time);
			g_assert_cmpuint(ka->count, ==, b->kinds[k].count);
			if (strcmp(ka->name, "stale_read") == 0 && ka->count) {
				char when[64];

				stale++;
				/* the explained instance is the first: its
				 * detection line gives the same time */
				g_snprintf(when, sizeof(when),
					   "detected at %" PRId64 ".%03" PRId64 "us",
					   ka->first_time / 1000,
					   ka->first_time % 1000);
				g_assert_nonnull(strstr(ka->explanation, when));
			}
		}
		/* the empty file's punches: all drawn, none issued */
		g_assert_nonnull(punch);
		g_assert_cmpuint(punch->lat.count, ==, 0);
		g_assert_cmpuint(punch->skipped, >, 0);
		g_assert_cmpuint(punch->skipped, ==,
				 sim_job_rec_op(b, "punch_hole")->skipped);
		/* the runner's timeline: replica 0 only, spans in the window */
		if (a->id.replica == 0) {
			g_assert_cmpint(a->timeline_ns, ==, SIM_MSEC);
			g_assert_cmpuint(a->n_spans, >, 0);
			g_assert_cmpuint(a->n_spans, ==, b->n_spans);
		} else {
			g_assert_cmpuint(a->n_spans, ==, 0);
		}
		for (unsigned s = 0; s < a->n_spans; s++) {
			const struct sim_rec_span *sp = &a->spans[s];

			g_assert_cmpint(sp->wait_begin, <=, sp->begin);
			g_assert_cmpint(sp->begin, <=, sp->end);
			g_assert_cmpint(sp->wait_begin, <, SIM_MSEC);
			mmap_sem += strcmp(sp->lock, "mmap_sem") == 0 &&
				    !sp->write;
		}
	}
	g_assert_cmpuint(stale, >, 0);      /* lockless broke */
	g_assert_cmpuint(mmap_sem, >, 0);   /* faults hold it for read */
	/* results.json: the same for -j1 and -j2; times and skips filled */
	j1 = json_minus_host(p, r1);
	j2 = json_minus_host(p, r2);
	g_assert_cmpstr(j1, ==, j2);
	g_assert_null(strstr(j1, "\"time_ns\": -1"));
	first = strstr(j1, "\"first_violations\": [\n");
	g_assert_nonnull(first);
	g_assert_true(g_regex_match_simple(
		"\"kind\": \"stale_read\",[^}]*\"time_ns\": [0-9]+,", first, 0, 0));
	/* the punch_hole latency object: count 0, skipped > 0 */
	g_assert_true(g_regex_match_simple(
		"\"punch_hole\": \\{\\s*\"count\": 0,\\s*\"skipped\": [1-9]", j1, 0, 0));
	/* a shard of the whole plan merges back to the same results */
	{
		char *dir = g_dir_make_tmp("faultline-results-XXXXXX", &err);
		char *path = g_build_filename(dir ? dir : ".", "shard.json", NULL);
		char *shard = sim_out_shard_json(p, r1), *jm;
		struct sim_plan *mp = NULL;
		struct sim_run *mr;

		g_assert_no_error(err);
		g_assert_true(g_file_set_contents(path, shard, -1, &err));
		g_assert_no_error(err);
		mr = sim_merge_load(&path, 1, &ext4_model_ops, &mp, &err);
		g_assert_no_error(err);
		g_assert_nonnull(mr);
		jm = json_minus_host(mp, mr);
		g_assert_cmpstr(jm, ==, j1);
		g_free(jm);
		sim_run_free(mr);
		sim_plan_free(mp);
		g_free(shard);
		g_unlink(path);
		g_rmdir(dir);
		g_free(path);
		g_free(dir);
	}
	/* the text summary: "first in replica R at T", skips per op */
	out = sim_out_build(p, r1, ext4_model_ops.kinds);
	f = open_memstream(&text, &len);
	sim_out_text(out, f, false);
	fclose(f);
	g_assert_nonnull(strstr(text, "stale_read: "));
	g_assert_true(g_regex_match_simple(
		"stale_read: [0-9]+ in [0-9]/2 replicas, first in replica [01] at [0-9.]+ ms \\(--replay 1:[0-9]+\\)",
		text, 0, 0));
	g_assert_true(g_regex_match_simple(
		"punch_hole: count=0, rate=0.0 ops/s, skipped=[1-9][0-9]*\n",
		text, 0, 0));
	free(text);
	sim_out_free(out);
	g_free(j1);
	g_free(j2);
	sim_run_free(r1);
	sim_run_free(r2);
	sim_plan_free(p);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/results/plan", test_plan_results);
	return g_test_run();
}
