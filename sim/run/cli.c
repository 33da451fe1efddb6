/* sim/run/cli.c — the command line (see cli.h).  Composition only: loading
 * the workload (cfg.c), the plan (plan.c), the runner, the outputs. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sim/run/cli.h"
#include "sim/engine/jsonw.h"
#include "sim/run/merge.h"
#include "sim/run/output.h"
#include "sim/run/plan.h"
#include "sim/run/mpi.h"
#include "sim/run/runner.h"

struct opts {
	gboolean version, help_config, list_strategies, demo, dump_config;
	gboolean explain, quiet, resume;
	gchar *strategy, *replicas, *jobs, *seed, *duration;
	gchar **set, **sweep;
	gchar *output, *report, *trace, *replay, *shard, *image;
};

/* ---- signals after the run -------------------------------------------------------
 * While the outputs are written a SIGINT or SIGTERM is noted, not obeyed:
 * the files are written whole (each renamed into place) and then the
 * process exits 130; the report writer catches them itself while it
 * renders (it stops, removes its staging directory, and raises the signal
 * again, which lands here). */
static volatile sig_atomic_t late_signal;

static void on_late_signal(int sig)
{
	late_signal = sig;
}

static void defer_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_late_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int fail(const char *msg)
{
	fprintf(stderr, "sim: %s\n", msg);
	return 2;
}

static int fail_err(GError *err)
{
	int rc = fail(err->message);

	g_error_free(err);
	return rc;
}

/* FILE.cfg as given, else under the workloads directories. */
static char *find_config(const struct sim_cli_env *env, const char *path)
{
	const char *rel = path;
	unsigned i;

	if (g_file_test(path, G_FILE_TEST_EXISTS) || g_path_is_absolute(path))
		return g_strdup(path);
	if (g_str_has_prefix(rel, "workloads/"))
		rel += strlen("workloads/");
	for (i = 0; i < G_N_ELEMENTS(env->workloads_dirs); i++) {
		char *p;

		if (!env->workloads_dirs[i])
			continue;
		p = g_build_filename(env->workloads_dirs[i], rel, NULL);
		if (g_file_test(p, G_FILE_TEST_IS_REGULAR))
			return p;
		g_free(p);
	}
	return g_strdup(path);
}

/* Loads FILE, applies --set, -s, -r, --seed, --duration, re-checks. */
static struct sim_cfg *load_config(const struct sim_cli_env *env,
				   const struct opts *o, const char *path,
				   const char *seed_override, GError **err)
{
	const struct sim_model_ops *m = env->model;
	char *found = find_config(env, path);
	struct sim_cfg *cfg = sim_cfg_load(m->schema, found, err);
	const struct { const char *key, *value, *opt; } dedicated[] = {
		{ SIM_MODEL_KEY_STRATEGIES, o->strategy,
		  "-s/--strategy" },
		{ SIM_MODEL_KEY_REPLICAS, o->replicas,
		  "-r/--replicas" },
		{ SIM_MODEL_KEY_SEED,
		  seed_override ? seed_override : o->seed,
		  seed_override ? "--replay" : "--seed" },
		{ SIM_MODEL_KEY_DURATION, o->duration,
		  "--duration" },
	};
	unsigned i;

	g_free(found);
	if (!cfg)
		return NULL;
	for (gchar **s = o->set; s && *s; s++)
		if (!sim_cfg_set_assignment(cfg, *s, err))
			goto bad;
	for (i = 0; i < G_N_ELEMENTS(dedicated); i++)
		if (dedicated[i].value &&
		    !sim_cfg_set(cfg, dedicated[i].key, dedicated[i].value, err)) {
			/* name the option the user typed, not the key it sets */
			char *set = g_strdup_printf("--set %s: ",
						    dedicated[i].key);

			if (err && *err &&
			    g_str_has_prefix((*err)->message, set)) {
				char *msg = g_strdup_printf(
					"%s: %s", dedicated[i].opt,
					(*err)->message + strlen(set));

				g_free((*err)->message);
				(*err)->message = msg;
			}
			g_free(set);
			goto bad;
		}
	if (!sim_cfg_check(cfg, err))
		goto bad;
	/* messages and results name the file as given */
	g_free(cfg->file);
	cfg->file = g_strdup(path);
	return cfg;
bad:
	sim_cfg_free(cfg);
	return NULL;
}

static bool parse_jobs(const char *text, unsigned *jobs, GError **err)
{
	char *end;
	guint64 v;

	if (!text) {
		*jobs = (unsigned)MAX(g_get_num_processors(), 1);
		return true;
	}
	errno = 0;
	v = g_ascii_strtoull(text, &end, 10);
	if (!g_ascii_isdigit(*text) || *end || errno || v < 1 || v > 4096) {
		char *q = sim_option_quote(text, true);

		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "-j %s: expected a number of threads from 1 to 4096", q);
		g_free(q);
		return false;
	}
	*jobs = (unsigned)v;
	return true;
}

static bool mkdir_p(const char *dir, GError **err)
{
	if (g_mkdir_with_parents(dir, 0755) == 0)
		return true;
	g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno),
		    "--report %s: cannot create the directory: %s", dir,
		    g_strerror(errno));
	return false;
}

/* Writes results.json (and renders the report): -o and --report. */
static bool write_results(const struct sim_cli_env *env, const struct opts *o,
			  const struct sim_out *out, GError **err)
{
	char *json = sim_out_json(out);
	bool ok = true;

	if (o->output)
		ok = sim_write_file_atomic(o->output, json, strlen(json), err);
	if (ok && o->report) {
		char *path = g_build_filename(o->report, "results.json", NULL);

		ok = mkdir_p(o->report, err) &&
		     sim_write_file_atomic(path, json, strlen(json), err);
		g_free(path);
		if (ok && env->report && late_signal)
			fprintf(stderr, "sim: interrupted: %s/results.json "
				"written, the report not rendered (sim report "
				"%s renders it)\n", o->report, o->report);
		else if (ok && env->report &&
			 !env->report(o->report, o->quiet ? NULL : stderr, err)) {
			ok = false;
			if (late_signal) {
				/* interrupted while rendering */
				fprintf(stderr, "sim: interrupted: %s/results.json "
					"written, the report left as it was\n",
					o->report);
				g_clear_error(err);
				ok = true;
			}
		}
	}
	g_free(json);
	return ok;
}

/* The one stderr line of a run with model errors (exit status 3). */
static void report_model_errors(const struct sim_run *run)
{
	unsigned i, shown = 0;

	fprintf(stderr, "sim: %u job%s ended with a model error (job", run->model_errors,
		run->model_errors == 1 ? "" : "s");
	for (i = 0; i < run->plan->n_jobs && shown < 8; i++)
		if (run->errors[i])
			fprintf(stderr, "%s %u", shown++ ? "," : "", i);
	fprintf(stderr, "%s); the other jobs' results are complete\n",
		shown < run->model_errors ? ", ..." : "");
}

static void print_strategies(const struct sim_model_ops *m)
{
	for (const char *const *s = m->strategies; s && *s; s++) {
		const char *sum = m->strategy_summary ? m->strategy_summary(*s) : NULL;

		if (sum)
			printf("%-18s %s\n", *s, sum);
		else
			printf("%s\n", *s);
	}
}

/* ---- sim merge OUT.json SHARD... ------------------------------------------------ */

static int cmd_merge(const struct sim_cli_env *env, int argc, char **argv)
{
	struct opts o = { 0 };
	GOptionEntry entries[] = {
		{ "report", 0, 0, G_OPTION_ARG_FILENAME, &o.report,
		  "Also write DIR/results.json and render the report", "DIR" },
		{ "explain", 0, 0, G_OPTION_ARG_NONE, &o.explain,
		  "Print each first violation's explanation in full", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
		  "No text summary", NULL },
		{ NULL },
	};
	GOptionContext *ctx = g_option_context_new("OUT.json SHARD.json...");
	struct sim_plan *plan = NULL;
	struct sim_run *run = NULL;
	struct sim_out *out = NULL;
	GError *err = NULL;
	int rc = 0;

	g_option_context_set_summary(ctx, "Combine the outputs of --shard K/N "
		"runs of one plan into the results.json the whole run gives.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		rc = fail_err(err);
		goto out;
	}
	if (argc < 3) {
		rc = fail("merge: expected OUT.json and at least one shard file");
		goto out;
	}
	run = sim_merge_load(argv + 2, (unsigned)argc - 2, env->model, &plan, &err);
	if (!run) {
		rc = fail_err(err);
		goto out;
	}
	o.output = argv[1];
	defer_signals();
	out = sim_out_build(plan, run, env->model->kinds);
	if (!write_results(env, &o, out, &err)) {
		o.output = NULL;
		rc = fail_err(err);
		goto out;
	}
	if (!o.quiet)
		sim_out_text(out, stdout, o.explain);
	rc = run->model_errors ? 3 : run->interrupted || late_signal ? 130 : 0;
	if (run->model_errors)
		report_model_errors(run);
	o.output = NULL;
out:
	sim_out_free(out);
	sim_run_free(run);
	sim_plan_free(plan);
	g_free(o.report);
	g_option_context_free(ctx);
	return rc;
}

/* ---- sim [options] FILE.cfg ------------------------------------------------------- */

static void free_opts(struct opts *o)
{
	g_free(o->strategy);
	g_free(o->replicas);
	g_free(o->jobs);
	g_free(o->seed);
	g_free(o->duration);
	g_strfreev(o->set);
	g_strfreev(o->sweep);
	g_free(o->output);
	g_free(o->report);
	g_free(o->trace);
	g_free(o->replay);
	g_free(o->shard);
	g_free(o->image);
}

/* --image DIR: the directory exists (created), and the runner exports. */
static bool image_setup(const struct sim_cli_env *env, const struct opts *o,
			struct sim_runner_opts *ro, GError **err)
{
	if (!o->image)
		return true;
	if (g_mkdir_with_parents(o->image, 0755) != 0) {
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "--image %s: cannot create the directory: %s",
			    o->image, g_strerror(errno));
		return false;
	}
	ro->export_job = env->image->export_job;
	ro->export_ctx = o->image;
	return true;
}

/* After the run: e2fsck and the read-back of every image. */
static bool image_check(const struct sim_cli_env *env, const struct opts *o,
			const struct sim_plan *plan, struct sim_run *run,
			GError **err)
{
	if (!o->image)
		return true;
	return env->image->check(o->image, plan, run, o->quiet ? NULL : stderr,
				 err);
}

static int run_replay(const struct sim_cli_env *env, const struct opts *o,
		      struct sim_plan *plan, unsigned job)
{
	struct sim_runner_opts ro = SIM_RUNNER_OPTS_INIT;
	struct sim_run *run;
	GError *err = NULL;
	int rc = 0;

	if (job >= plan->n_jobs) {
		char msg[160];

		g_snprintf(msg, sizeof(msg), "--replay %s: the plan has %u "
			   "jobs (0 to %u)", o->replay, plan->n_jobs,
			   plan->n_jobs - 1);
		return fail(msg);
	}
	ro.only_job = (int)job;
	ro.catch_sigint = true;
	if (o->trace) {
		ro.trace_job = (int)job;
		ro.trace_path = o->trace;
	}
	if (!image_setup(env, o, &ro, &err))
		return fail_err(err);
	run = sim_runner_run(env->model, plan, &ro, &err);
	if (!run)
		return fail_err(err);
	defer_signals();
	if (!image_check(env, o, plan, run, &err)) {
		sim_run_free(run);
		return fail_err(err);
	}
	if (run->recs[job]) {
		sim_out_text_job(plan, run->recs[job], stdout);
	} else if (run->errors[job]) {
		printf("job %u of %u ended with a model error:\n", job,
		       plan->n_jobs);
		sim_out_text_model_error(plan, run->errors[job], stdout);
		rc = 3;
	} else {
		fprintf(stderr, "sim: interrupted: job %u did not finish\n", job);
		rc = 130;
	}
	sim_run_free(run);
	return rc;
}

/* GOption reads "-j 2" but not make's "-j2": split "-jN", "-rN", "-sL",
 * "-oF" before it parses.  The new vector borrows argv's strings. */
static char **split_short(int argc, char **argv, int *out_argc, char ***owned)
{
	GPtrArray *v = g_ptr_array_new();
	GPtrArray *own = g_ptr_array_new();
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (i > 0 && a[0] == '-' && strchr("jrso", a[1]) && a[1] &&
		    a[2] && strcmp(a, "--") != 0) {
			char *flag = g_strndup(a, 2);

			g_ptr_array_add(own, flag);
			g_ptr_array_add(v, flag);
			g_ptr_array_add(v, (char *)a + 2);
		} else {
			g_ptr_array_add(v, (char *)a);
		}
		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				g_ptr_array_add(v, argv[i]);
			break;
		}
	}
	*out_argc = (int)v->len;
	g_ptr_array_add(v, NULL);
	g_ptr_array_add(own, NULL);
	*owned = (char **)g_ptr_array_free(own, FALSE);
	return (char **)g_ptr_array_free(v, FALSE);
}

static int cli_main(const struct sim_cli_env *env, int argc, char **argv);

int sim_cli_main(const struct sim_cli_env *env, int argc, char **argv)
{
	char **owned, **v;
	int n, rc;

	v = split_short(argc, argv, &n, &owned);
	rc = cli_main(env, n, v);
	g_free(v);
	g_strfreev(owned);
	return rc;
}

static int cli_main(const struct sim_cli_env *env, int argc, char **argv)
{
	struct opts o = { 0 };
	GOptionEntry entries[] = {
		{ "strategy", 's', 0, G_OPTION_ARG_STRING, &o.strategy,
		  "Strategies to run (overrides the workload's list)", "LIST" },
		{ "replicas", 'r', 0, G_OPTION_ARG_STRING, &o.replicas,
		  "Replicas per strategy", "N" },
		{ "jobs", 'j', 0, G_OPTION_ARG_STRING, &o.jobs,
		  "Worker threads (default: the number of cores)", "N" },
		{ "seed", 0, 0, G_OPTION_ARG_STRING, &o.seed,
		  "Run seed", "N" },
		{ "duration", 0, 0, G_OPTION_ARG_STRING, &o.duration,
		  "Simulated time per job (e.g. 200ms)", "TIME" },
		{ "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.set,
		  "Override a workload key (repeatable)", "SECTION.KEY=VALUE" },
		{ "sweep", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.sweep,
		  "Run the plan once per value", "SECTION.KEY=V1,V2,..." },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
		  "Write results.json (with --shard: the shard's raw results)", "FILE" },
		{ "report", 0, 0, G_OPTION_ARG_FILENAME, &o.report,
		  "Write DIR/results.json and render the report there", "DIR" },
		{ "trace", 0, 0, G_OPTION_ARG_FILENAME, &o.trace,
		  "Chrome Trace Event JSON of one job (the first of the run, or "
		  "the --replay job), for Perfetto", "FILE" },
		{ "explain", 0, 0, G_OPTION_ARG_NONE, &o.explain,
		  "Print each first violation's interleaving in full", NULL },
		{ "replay", 0, 0, G_OPTION_ARG_STRING, &o.replay,
		  "Rerun one job of the plan and explain it", "SEED:JOB" },
		{ "resume", 0, 0, G_OPTION_ARG_NONE, &o.resume,
		  "Finish a run that died: rerun only the jobs its journal "
		  "(OUT.journal beside -o/--report) does not hold", NULL },
		{ "shard", 0, 0, G_OPTION_ARG_STRING, &o.shard,
		  "Run the jobs with index % N == K-1; write raw results for "
		  "'sim merge'", "K/N" },
		{ "image", 0, env->image ? 0 : G_OPTION_FLAG_HIDDEN,
		  G_OPTION_ARG_FILENAME, &o.image,
		  "Export every job's final disk as an ext4 image into DIR, "
		  "check it with e2fsck and read it back (docs/judge.md)", "DIR" },
		{ "list-strategies", 0, 0, G_OPTION_ARG_NONE, &o.list_strategies,
		  "List the locking strategies and exit", NULL },
		{ "help-config", 0, 0, G_OPTION_ARG_NONE, &o.help_config,
		  "Print every workload-file key (type, default, range, help) and exit", NULL },
		{ "dump-config", 0, 0, G_OPTION_ARG_NONE, &o.dump_config,
		  "Print the resolved workload (every key, defaults included) and exit", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
		  "No text summary and no progress line", NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &o.version,
		  "Print the version and exit", NULL },
		{ "demo", 0, env->demo ? 0 : G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE,
		  &o.demo, "Run the engine self-demo (M/M/1//N queue vs closed "
		  "form) and exit", NULL },
		{ NULL },
	};
	GOptionContext *ctx;
	struct sim_runner_opts ro = SIM_RUNNER_OPTS_INIT;
	struct sim_cfg *cfg = NULL;
	struct sim_plan *plan = NULL;
	struct sim_run *run = NULL;
	struct sim_out *out = NULL;
	GError *err = NULL;
	struct sim_journal *journal = NULL;
	struct sim_job_rec **preloaded = NULL;
	char *jpath = NULL;
	uint64_t replay_seed = 0;
	unsigned replay_job = 0, threads = 1, k, n, nloaded = 0;
	char seedbuf[32];
	int rc = 0;

	if (argc >= 2 && strcmp(argv[1], "merge") == 0)
		return cmd_merge(env, argc - 1, argv + 1);
	for (const struct sim_cli_command *c = env->commands; c && c->name; c++)
		if (argc >= 2 && strcmp(argv[1], c->name) == 0)
			return c->main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "report") == 0) {
		if (argc != 3)
			return fail("report: expected one run directory (sim report DIR)");
		if (!env->report)
			return fail("report: this build has no report writer");
		defer_signals();
		if (!env->report(argv[2], stderr, &err)) {
			if (late_signal) {
				g_clear_error(&err);
				fprintf(stderr, "sim: interrupted: %s left as it was\n",
					argv[2]);
				return 130;
			}
			return fail_err(err);
		}
		return 0;
	}

	ctx = g_option_context_new("FILE.cfg");
	g_option_context_set_summary(ctx,
		"faultline: simulate page faults and ext4 operations under locking\n"
		"strategies and report correctness violations and lock contention.");
	{
		GString *d = g_string_new(
			"Commands:\n"
			"  sim [options] FILE.cfg       run a workload\n"
			"  sim merge OUT.json SHARD...  combine --shard outputs\n"
			"  sim report DIR               render DIR/results.json again\n");

		for (const struct sim_cli_command *c = env->commands;
		     c && c->name; c++)
			g_string_append_printf(d, "  sim %-24s %s\n", c->synopsis,
					       c->summary);
		g_string_append(d, "\n"
			"Workload files are fio-like INI files; --help-config lists every key.\n"
			"FILE.cfg not found as given is looked up in the workloads/ directory.\n"
			"Exit status: 0 done, 2 bad input, 3 a job ended with a model error\n"
			"(the others ran; outputs written and list it), 130 interrupted\n"
			"(outputs written).");
		g_option_context_set_description(ctx, d->str);
		g_string_free(d, TRUE);
	}
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		rc = fail_err(err);
		goto out;
	}
	if (o.version) {
		printf("sim (faultline) %s\n", SIM_OUT_VERSION);
		goto out;
	}
	if (o.help_config) {
		if (env->help_config)
			env->help_config(stdout);
		else
			sim_option_print_help(stdout, env->model->schema);
		goto out;
	}
	if (o.list_strategies) {
		print_strategies(env->model);
		goto out;
	}
	if (o.demo && env->demo) {
		rc = env->demo(stdout, o.seed ? g_ascii_strtoull(o.seed, NULL, 10) : 1);
		goto out;
	}
	if (argc != 2) {
		rc = fail(argc < 2 ? "no workload file given (see sim --help)"
				   : "more than one workload file given");
		goto out;
	}
	/* command-line syntax first: cheap, and independent of the file */
	if (!parse_jobs(o.jobs, &threads, &err) ||
	    (o.shard && !sim_plan_parse_shard(o.shard, &k, &n, &err)) ||
	    (o.replay && !sim_plan_parse_replay(o.replay, &replay_seed,
						&replay_job, &err))) {
		rc = fail_err(err);
		goto out;
	}
	if (o.sweep && o.sweep[0] && o.sweep[1]) {
		rc = fail("--sweep given twice: a plan sweeps one key");
		goto out;
	}
	if (o.shard && !o.output) {
		rc = fail("--shard K/N needs -o FILE (the shard's raw results, "
			  "for 'sim merge')");
		goto out;
	}
	/* options that would be ignored are refused (or warned about) */
	if (o.dump_config && (o.output || o.report || o.trace || o.replay ||
			      o.shard || o.jobs || o.explain || o.resume)) {
		rc = fail(o.output ? "--dump-config runs nothing: -o has nothing to write" :
			  o.report ? "--dump-config runs nothing: --report has nothing to write" :
			  o.trace ? "--dump-config runs nothing: --trace has nothing to write" :
			  o.replay ? "--dump-config and --replay cannot be combined" :
			  o.shard ? "--dump-config runs nothing: --shard has nothing to run" :
			  o.jobs ? "--dump-config runs nothing: -j has nothing to run" :
			  o.resume ? "--dump-config runs nothing: --resume has nothing to finish" :
			  "--dump-config runs nothing: --explain has nothing to explain");
		goto out;
	}
	if (o.replay && o.resume) {
		rc = fail("--replay runs one job; --resume finishes a whole run");
		goto out;
	}
	if (o.replay && (o.output || o.report)) {
		rc = fail(o.output ? "--replay prints one job's results; -o writes a "
				     "whole run's (drop -o, or --replay)" :
			  "--replay prints one job's results; --report renders a "
			  "whole run's (drop --report, or --replay)");
		goto out;
	}
	if (o.replay && o.jobs)
		fprintf(stderr, "sim: warning: -j is ignored with --replay (it "
			"runs one job)\n");
	if (o.replay && o.explain)
		fprintf(stderr, "sim: warning: --explain is implied by --replay\n");
	if (o.quiet && o.explain && !o.replay)
		fprintf(stderr, "sim: warning: --explain is ignored with -q (no "
			"text summary)\n");
	if (o.image && !env->image) {
		rc = fail("--image: this build has no image exporter");
		goto out;
	}
	if (o.image && o.shard) {
		rc = fail("--image and --shard cannot be combined (images are "
			  "checked where the run ends)");
		goto out;
	}
	if (o.shard && (o.replay || o.report)) {
		rc = fail(o.replay ? "--shard and --replay cannot be combined"
				   : "--shard writes raw results: use --report "
				     "with 'sim merge'");
		goto out;
	}
	if (o.replay)
		g_snprintf(seedbuf, sizeof(seedbuf), "%" G_GUINT64_FORMAT,
			   replay_seed);
	cfg = load_config(env, &o, argv[1], o.replay ? seedbuf : NULL, &err);
	if (!cfg) {
		rc = fail_err(err);
		goto out;
	}
	plan = sim_plan_new(env->model, cfg, o.sweep ? o.sweep[0] : NULL, &err);
	if (!plan || (o.shard && !sim_plan_set_shard(plan, o.shard, &err)) ||
	    (o.dump_config && !sim_runner_check(env->model, plan, &err))) {
		rc = fail_err(err);
		goto out;
	}
	if (o.dump_config) {
		char *text = sim_cfg_dump(cfg);

		fputs(text, stdout);
		g_free(text);
		goto out;
	}
	if (o.replay) {
		rc = run_replay(env, &o, plan, replay_job);
		goto out;
	}

	if (sim_mpi_size() > 1 && o.trace) {
		rc = fail("--trace writes one job's trace: run it without mpirun");
		goto out;
	}
	if (sim_mpi_rank() != 0) {
		/* an MPI worker: runs jobs for rank 0, writes nothing */
		if (!sim_mpi_work(env->model, plan, threads, &err))
			rc = fail_err(err);
		goto out;
	}
	if (o.resume && !o.output && !o.report) {
		rc = fail("--resume continues the journal of an -o FILE or "
			  "--report DIR run: give the same outputs as the run "
			  "it resumes");
		goto out;
	}
	if (o.output || o.report) {
		char *res = o.output ? NULL : g_build_filename(o.report,
							       "results.json",
							       NULL);

		/* --report DIR: its directory must exist for the journal */
		jpath = sim_journal_path(o.output ? o.output : res);
		g_free(res);
		if (o.report && !o.output && !mkdir_p(o.report, &err)) {
			rc = fail_err(err);
			goto out;
		}
		preloaded = g_new0(struct sim_job_rec *, plan->n_jobs + 1);
		journal = sim_journal_open(jpath, plan, o.resume, preloaded,
					   &nloaded, &err);
		if (!journal) {
			rc = fail_err(err);
			goto out;
		}
		if (o.resume && !o.quiet)
			fprintf(stderr, "sim: resuming: %u of %u jobs already "
				"finished (%s)\n", nloaded, o.shard ?
				sim_plan_shard_jobs(plan) : plan->n_jobs, jpath);
	}

	ro.threads = threads;
	ro.progress = !o.quiet && isatty(STDERR_FILENO);
	ro.catch_sigint = true;
	ro.journal = journal;
	ro.preloaded = preloaded;
	if (o.trace) {
		/* the first job this process runs */
		ro.trace_job = (int)(plan->shard_k - 1);
		ro.trace_path = o.trace;
	}
	if (!image_setup(env, &o, &ro, &err)) {
		rc = fail_err(err);
		goto out;
	}
	run = sim_mpi_size() > 1 ? sim_mpi_run(env->model, plan, &ro, &err)
				 : sim_runner_run(env->model, plan, &ro, &err);
	if (!run) {
		rc = fail_err(err);
		goto out;
	}
	/* A second ^C (or a SIGTERM) while the outputs are written must not
	 * leave them half-done or temporaries behind. */
	defer_signals();
	if (!image_check(env, &o, plan, run, &err)) {
		rc = fail_err(err);
		goto out;
	}
	if (o.shard) {
		char *json = sim_out_shard_json(plan, run);
		bool ok = sim_write_file_atomic(o.output, json, strlen(json), &err);

		g_free(json);
		if (!ok) {
			rc = fail_err(err);
			goto out;
		}
		if (!o.quiet)
			fprintf(stderr, "sim: shard %u/%u: %u of %u jobs -> %s%s\n",
				plan->shard_k, plan->shard_n, run->jobs_run,
				sim_plan_shard_jobs(plan), o.output,
				run->interrupted ? " (interrupted)" : "");
	} else {
		out = sim_out_build(plan, run, env->model->kinds);
		/* files first: a closed stdout (| head) must not lose them */
		if (!write_results(env, &o, out, &err)) {
			rc = fail_err(err);
			goto out;
		}
		if (!o.quiet)
			sim_out_text(out, stdout, o.explain);
		fflush(stdout);
	}
	/* the outputs are written: the journal has done its job, unless the
	 * run was cut short (a --resume finishes it) */
	sim_journal_close(journal, !run->interrupted);
	journal = NULL;
	if (run->interrupted) {
		fprintf(stderr, "sim: interrupted: %u of %u jobs finished%s\n",
			run->jobs_run, o.shard ? sim_plan_shard_jobs(plan) :
			plan->n_jobs, o.output || o.report ?
			"; outputs written and marked interrupted" : "");
		rc = 130;
	}
	if (run->model_errors) {
		report_model_errors(run);
		rc = 3;
	}
	if (late_signal && !rc)
		rc = 130;
out:
	sim_journal_close(journal, false);
	if (preloaded && plan)
		for (unsigned i = 0; i < plan->n_jobs; i++)
			sim_job_rec_free(preloaded[i]);
	g_free(preloaded);
	g_free(jpath);
	sim_out_free(out);
	sim_run_free(run);
	sim_plan_free(plan);
	if (cfg)
		sim_cfg_free(cfg);
	free_opts(&o);
	g_option_context_free(ctx);
	return rc;
}
