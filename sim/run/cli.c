/* sim/run/cli.c — the command line (see cli.h).  Composition only: loading
 * the workload (cfg.c), the plan (plan.c), the runner, the outputs. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sim/run/check.h"
#include "sim/run/cli.h"
#include "sim/run/explore.h"
#include "sim/engine/jsonw.h"
#include "sim/run/merge.h"
#include "sim/run/output.h"
#include "sim/run/plan.h"
#include "sim/run/mpi.h"
#include "sim/run/runner.h"

struct opts {
	gboolean version, help_config, list_strategies, demo, dump_config;
	gboolean verbose;
	gboolean explain, quiet, brief, check, resume;
	gchar *strategy, *replicas, *jobs, *seed, *duration;
	gchar **set, **sweep, **expect;
	gchar *fail_on;
	gchar *output, *report, *trace, *replay, *shard, *image;
	gchar *violations, *violations_max, *trace_window;
	/* --explore and --shrink (sim/run/explore.h, env->shrink) */
	gchar *explore, *explore_depth, *explore_delay, *shrink, *shrink_out;
	gboolean explore_stop, shrink_first;
};

/* When the process started, as far as we can tell: wall times of the
 * search count from here. */
static gint64 cli_t_start;

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
	/* a schedule of --explore or its --replay ended with a model error */
	int rc = g_error_matches(err, SIM_EXPLORE_ERROR, SIM_EXPLORE_ERROR_MODEL)
		 ? 3 : 2;

	fprintf(stderr, "sim: %s\n", err->message);

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

static void print_strategies(const struct sim_model_ops *m, bool verbose)
{
	for (const char *const *s = m->strategies; s && *s; s++) {
		const char *sum = m->strategy_summary ? m->strategy_summary(*s) : NULL;

		if (verbose && m->strategy_definition) {
			char *def = m->strategy_definition(*s);

			printf("%s; %s\n%s", s == m->strategies ? "" : "\n",
			       sum ? sum : *s, def ? def : "");
			g_free(def);
		} else if (sum)
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
		{ "brief", 0, 0, G_OPTION_ARG_NONE, &o.brief,
		  "Print the run header and the summary only", NULL },
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
		sim_out_text(out, stdout, o.explain, o.brief);
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
	g_strfreev(o->expect);
	g_free(o->fail_on);
	g_free(o->output);
	g_free(o->report);
	g_free(o->trace);
	g_free(o->replay);
	g_free(o->shard);
	g_free(o->explore);
	g_free(o->explore_depth);
	g_free(o->explore_delay);
	g_free(o->shrink);
	g_free(o->shrink_out);
	g_free(o->image);
	g_free(o->violations);
	g_free(o->violations_max);
	g_free(o->trace_window);
}

/* --trace-window FROM:TO (times with units; an empty TO: to the end). */
static bool parse_trace_window(const char *text, sim_time_t *from,
			       sim_time_t *to, GError **err)
{
	const char *colon = text ? strchr(text, ':') : NULL;
	char *a;
	bool ok;

	*from = 0;
	*to = -1;
	if (!text)
		return true;
	if (!colon) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--trace-window %s: expected FROM:TO (e.g. 2ms:3ms, "
			    "or 5ms: to the end)", text);
		return false;
	}
	a = g_strndup(text, (gsize)(colon - text));
	ok = (!*a || sim_option_parse_time(a, SIM_UNIT_NS, from, err)) &&
	     (!colon[1] || sim_option_parse_time(colon + 1, SIM_UNIT_NS, to,
						 err));
	g_free(a);
	if (ok && *to >= 0 && *to < *from) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--trace-window %s: TO is before FROM", text);
		ok = false;
	}
	if (!ok && err && *err && !g_str_has_prefix((*err)->message, "--trace-window")) {
		char *m = g_strdup_printf("--trace-window %s: %s", text,
					  (*err)->message);

		g_free((*err)->message);
		(*err)->message = m;
	}
	return ok;
}

/* --violations-max N (default SIM_VIOLATIONS_MAX). */
#define SIM_VIOLATIONS_MAX 10000
static bool parse_violations_max(const char *text, unsigned *max,
				 GError **err)
{
	char *end;
	guint64 v;

	*max = SIM_VIOLATIONS_MAX;
	if (!text)
		return true;
	errno = 0;
	v = g_ascii_strtoull(text, &end, 10);
	if (!g_ascii_isdigit(*text) || *end || errno || v < 1 || v > 100000000) {
		char *q = sim_option_quote(text, true);

		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--violations-max %s: expected a number of records "
			    "from 1 to 100000000", q);
		g_free(q);
		return false;
	}
	*max = (unsigned)v;
	return true;
}

/* --violations FILE.jsonl; a line on stderr when jobs dropped records. */
static bool write_violations(const struct opts *o, const struct sim_plan *plan,
			     const struct sim_run *run, unsigned max,
			     GError **err)
{
	uint64_t written, dropped;
	char *text;
	bool ok;

	if (!o->violations)
		return true;
	text = sim_out_violations_jsonl(plan, run, &written, &dropped);
	ok = sim_write_file_atomic(o->violations, text, strlen(text), err);
	g_free(text);
	if (ok && dropped)
		fprintf(stderr, "sim: --violations %s: %" G_GUINT64_FORMAT
			" records written, %" G_GUINT64_FORMAT " more dropped "
			"(at most %u per job: --violations-max)\n",
			o->violations, written, dropped, max);
	return ok;
}

/* --explore-depth, --explore-delay (defaults when not given). */
static bool explore_params(const struct opts *o, unsigned *depth,
			   double *delay, GError **err)
{
	char *end;

	*depth = SIM_EXPLORE_DEPTH;
	*delay = SIM_EXPLORE_DELAY;
	if (o->explore_depth) {
		guint64 v;

		errno = 0;
		v = g_ascii_strtoull(o->explore_depth, &end, 10);
		if (!g_ascii_isdigit(*o->explore_depth) || *end || errno ||
		    v > SIM_EXPLORE_MAX_DEPTH) {
			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    "--explore-depth %s: expected a number of change points from 0 to %u",
				    o->explore_depth, SIM_EXPLORE_MAX_DEPTH);
			return false;
		}
		*depth = (unsigned)v;
	}
	if (o->explore_delay) {
		errno = 0;
		*delay = g_ascii_strtod(o->explore_delay, &end);
		if (!*o->explore_delay || *end || errno || !(*delay >= 0) ||
		    *delay > 1e6) {
			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    "--explore-delay %s: expected a factor from 0 to 1e6 (the delay bound in cost scales of the op)",
				    o->explore_delay);
			return false;
		}
	}
	return true;
}

/* --replay SEED:JOB:SCHEDULE: one explored schedule, explained. */
static int run_replay_schedule(const struct sim_cli_env *env,
			       const struct opts *o, struct sim_plan *plan,
			       unsigned job, uint64_t schedule)
{
	struct sim_job_rec *rec;
	GError *err = NULL;
	unsigned depth;
	double delay;

	if (!explore_params(o, &depth, &delay, &err))
		return fail_err(err);
	rec = sim_explore_replay(env->model, plan, job, schedule, depth, delay,
				 o->trace, &err);
	if (!rec)
		return fail_err(err);
	sim_out_text_job(plan, rec, stdout);
	sim_job_rec_free(rec);
	return 0;
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
		      struct sim_plan *plan, unsigned job, int64_t schedule)
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
	if (schedule >= 0)
		return run_replay_schedule(env, o, plan, job,
					   (uint64_t)schedule);
	ro.only_job = (int)job;
	ro.catch_sigint = true;
	if (o->violations &&
	    !parse_violations_max(o->violations_max, &ro.violation_records, &err))
		return fail_err(err);
	if (o->trace) {
		ro.trace_job = (int)job;
		ro.trace_path = o->trace;
		if (!parse_trace_window(o->trace_window, &ro.trace_from,
					&ro.trace_to, &err))
			return fail_err(err);
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
	if (run->recs[job] && !write_violations(o, plan, run,
						ro.violation_records, &err)) {
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

/* ---- expectations: --expect, --fail-on-violation, --check ------------------------ */

static GPtrArray *parse_expects(const struct sim_cli_env *env,
				char **texts, GError **err)
{
	GPtrArray *a = g_ptr_array_new_with_free_func((GDestroyNotify)sim_expect_free);

	for (; *texts; texts++) {
		char *where = g_strdup_printf("--expect '%s'", *texts);
		struct sim_expect *e = sim_expect_parse(*texts, env->model->kinds,
							where, err);

		g_free(where);
		if (!e) {
			g_ptr_array_unref(a);
			return NULL;
		}
		g_ptr_array_add(a, e);
	}
	return a;
}

/* "lockless,i_data_sem" or "all": names checked against the plan. */
static char **parse_fail_on(const struct sim_plan *plan, const char *text,
			    GError **err)
{
	char **v = g_strsplit(text, ",", -1);
	unsigned i, s;

	for (i = 0; v[i]; i++) {
		bool found = strcmp(g_strstrip(v[i]), "all") == 0;

		for (s = 0; s < plan->n_strategies && !found; s++)
			found = strcmp(plan->strategies[s], v[i]) == 0;
		if (!found) {
			char *list = g_strjoinv(", ", (char **)plan->strategies);

			g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_VALUE,
				    "--fail-on-violation %s: '%s' is not a "
				    "strategy of the plan (%s, or all)", text,
				    v[i], list);
			g_free(list);
			g_strfreev(v);
			return NULL;
		}
	}
	if (!v[0]) {
		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_VALUE,
			    "--fail-on-violation: expected a list of strategies "
			    "or all");
		g_strfreev(v);
		return NULL;
	}
	return v;
}

static void print_lines(const char *prefix, const GString *s)
{
	char **lines = g_strsplit(s->str, "\n", -1);
	unsigned i;

	for (i = 0; lines[i]; i++)
		if (lines[i][0])
			fprintf(stderr, "sim: %s: %s\n", prefix, lines[i]);
	g_strfreev(lines);
}

/* Judges the run; failures go to stderr, one line each. */
static bool judge(const struct sim_out *out, GPtrArray *expects,
		  char **fail_on)
{
	GString *e = g_string_new(NULL), *v = g_string_new(NULL);
	bool ok = true;

	if (expects)
		ok &= sim_check_expects(out, expects, e);
	if (fail_on)
		ok &= sim_check_no_violation(out, (const char *const *)fail_on, v);
	print_lines("expectation failed", e);
	print_lines("--fail-on-violation", v);
	g_string_free(e, TRUE);
	g_string_free(v, TRUE);
	return ok;
}

/* --check: a scenario's failed expectations, indented under its line. */
static void print_check_lines(const GString *why, const char *known)
{
	char **lines = g_strsplit(why->str, "\n", -1);
	unsigned i;

	for (i = 0; lines[i]; i++)
		if (lines[i][0])
			printf("    %s\n", lines[i]);
	if (known)
		printf("    known: %s\n", known);
	g_strfreev(lines);
}

/* --check: one scenario file. */
struct scenario {
	char *path;                 /* as found */
	char *name;                 /* "regress/punch-write-fault" */
	struct sim_cfg *cfg;
	struct sim_plan *plan;
	struct sim_expect_file ef;
};

static void scenario_free(struct scenario *sc)
{
	g_free(sc->path);
	g_free(sc->name);
	sim_plan_free(sc->plan);
	if (sc->cfg)
		sim_cfg_free(sc->cfg);
	sim_expect_file_clear(&sc->ef);
}

/* Loads a scenario and checks its header against its plan: every
 * strategy it runs has an expect line, every expect line names one (with
 * -s, lines for strategies left out are skipped). */
static bool scenario_load(const struct sim_cli_env *env, const struct opts *o,
			  const char *arg, struct scenario *sc, GError **err)
{
	char *dir, *stem;
	unsigned s;
	guint i;

	sc->path = find_config(env, arg);
	stem = g_path_get_dirname(sc->path);
	dir = g_path_get_basename(stem);
	g_free(stem);
	stem = g_path_get_basename(sc->path);
	if (g_str_has_suffix(stem, ".cfg"))
		stem[strlen(stem) - 4] = '\0';
	sc->name = strcmp(dir, ".") ? g_strdup_printf("%s/%s", dir, stem)
				    : g_strdup(stem);
	g_free(dir);
	g_free(stem);
	if (!(sc->cfg = load_config(env, o, arg, NULL, err)) ||
	    !(sc->plan = sim_plan_new(env->model, sc->cfg,
				      o->sweep ? o->sweep[0] : NULL, err)) ||
	    !sim_expect_file_load(&sc->ef, sc->path, NULL, env->model->kinds,
				  err))
		return false;
	if (!sc->ef.expects->len) {
		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_MISSING,
			    "%s: no '; expect STRATEGY: TERM' lines: not a "
			    "scenario for --check", arg);
		return false;
	}
	for (s = 0; s < sc->plan->n_strategies; s++) {
		bool found = false;

		for (i = 0; i < sc->ef.expects->len && !found; i++)
			found = strcmp(((struct sim_expect *)
					sc->ef.expects->pdata[i])->strategy,
				       sc->plan->strategies[s]) == 0;
		if (!found) {
			g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_MISSING,
				    "%s: no expect line for strategy %s", arg,
				    sc->plan->strategies[s]);
			return false;
		}
	}
	for (i = 0; i < sc->ef.expects->len; ) {
		struct sim_expect *e = sc->ef.expects->pdata[i];
		bool found = false;

		for (s = 0; s < sc->plan->n_strategies && !found; s++)
			found = strcmp(e->strategy, sc->plan->strategies[s]) == 0;
		if (found) {
			i++;
		} else if (o->strategy) {
			g_ptr_array_remove_index(sc->ef.expects, i);
		} else {
			g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_VALUE,
				    "%s:%d: strategy %s is not in the scenario's "
				    "strategies", arg, e->line, e->strategy);
			return false;
		}
	}
	return true;
}

/* ---- --explore, --shrink ------------------------------------------------------------ */

/* --replay SEED:JOB or SEED:JOB:SCHEDULE. */
static bool parse_replay(const struct opts *o, uint64_t *seed, unsigned *job,
			 int64_t *schedule, GError **err)
{
	const char *p = strchr(o->replay, ':');

	*schedule = -1;
	/* the plain key keeps its own message */
	if (!p || !strchr(p + 1, ':'))
		return sim_plan_parse_replay(o->replay, seed, job, err);
	return sim_explore_parse_key("--replay", o->replay, seed, job,
				     schedule, err);
}

static bool explore_options(const struct opts *o,
			    struct sim_explore_opts *xo, GError **err)
{
	if (!o->explore && (o->explore_stop || o->shrink_first)) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "%s needs --explore N",
			    o->explore_stop ? "--explore-stop" : "--shrink-first");
		return false;
	}
	if (o->shrink) {
		uint64_t seed;
		unsigned job;
		int64_t schedule;

		if (!sim_explore_parse_key("--shrink", o->shrink, &seed, &job,
					   &schedule, err))
			return false;
	}
	if (!explore_params(o, &xo->depth, &xo->delay, err))
		return false;
	if (o->explore) {
		char *end;
		guint64 v;

		errno = 0;
		v = g_ascii_strtoull(o->explore, &end, 10);
		if (!g_ascii_isdigit(*o->explore) || *end || errno || v < 1 ||
		    v > 100000000) {
			char *q = sim_option_quote(o->explore, true);

			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    "--explore %s: expected a number of schedules from 1 to 100000000",
				    q);
			g_free(q);
			return false;
		}
		xo->schedules = (unsigned)v;
		xo->stop_at_first = o->explore_stop;
	}
	return true;
}

/* A set-up error that says the build cannot run the scenario (an op
 * without a kernel path yet): "not run", as xfstests says it. */
static bool not_runnable(const GError *err)
{
	return strstr(err->message, "not modelled yet") ||
	       strstr(err->message, "not in this build");
}

/* sim --check FILE.cfg...: every file loaded and checked first (bad input
 * exits 2 before anything runs), then each run and judged on its own
 * expect lines (a failing one with a known: line is a known failure, not
 * a failure), xfstests-like:
 *
 *	regress/punch-write-fault 4.1s
 *	regress/stale-hole        - expectation failed
 *	    lockless: stale_read>0: term 1 (stale_read>0): got 0 (8 replicas)
 *	regress/dax-thing         [not run] dax: not in this build
 *	regress/fsx-race          [known failure] 5.2s
 *	    lockless: none: expected none, got stale_read 3 (8 replicas)
 *	    known: TEXT
 *	Ran: regress/punch-write-fault regress/stale-hole ...
 *	Not run: regress/dax-thing
 *	Failures: regress/stale-hole
 *	Failed 1 of 3 tests          (or: Passed all 3 tests)
 */
static int cmd_check(const struct sim_cli_env *env, const struct opts *o,
		     int nfiles, char **files)
{
	struct scenario *sc = g_new0(struct scenario, nfiles + 1);
	GString *ran = g_string_new(NULL), *failed = g_string_new(NULL);
	GString *notrun = g_string_new(NULL);
	unsigned threads, nran = 0, nfailed = 0, w = 0;
	bool model_error = false;
	GError *err = NULL;
	int i, rc = 0;

	if (nfiles < 1) {
		rc = fail("--check: no scenario files given");
		goto out;
	}
	if (o->output || o->report || o->replay || o->shard || o->trace ||
	    o->expect || o->fail_on) {
		rc = fail("--check judges scenarios by their own expect lines: "
			  "-o, --report, --replay, --shard, --trace, --expect "
			  "and --fail-on-violation do not apply");
		goto out;
	}
	if (!parse_jobs(o->jobs, &threads, &err)) {
		rc = fail_err(err);
		goto out;
	}
	for (i = 0; i < nfiles; i++) {
		if (!scenario_load(env, o, files[i], &sc[i], &err)) {
			rc = fail_err(err);
			goto out;
		}
		w = MAX(w, (unsigned)strlen(sc[i].name));
	}
	for (i = 0; i < nfiles; i++) {
		struct sim_runner_opts ro = SIM_RUNNER_OPTS_INIT;
		struct sim_run *run;
		struct sim_out *out;
		GString *why;
		bool ok;

		ro.threads = threads;
		ro.progress = !o->quiet && isatty(STDERR_FILENO);
		ro.catch_sigint = true;
		sim_check_wants(sc[i].ef.expects, &ro);
		printf("%-*s ", (int)w, sc[i].name);
		fflush(stdout);
		run = sim_runner_run(env->model, sc[i].plan, &ro, &err);
		if (!run) {
			if (not_runnable(err)) {
				printf("[not run] %s\n", err->message);
				g_string_append_printf(notrun, " %s", sc[i].name);
			} else {
				printf("- failed: %s\n", err->message);
				g_string_append_printf(failed, " %s", sc[i].name);
				nfailed++;
				nran++;
				g_string_append_printf(ran, " %s", sc[i].name);
			}
			g_clear_error(&err);
			continue;
		}
		if (run->interrupted) {
			printf("[interrupted]\n");
			sim_run_free(run);
			rc = 130;
			break;
		}
		nran++;
		g_string_append_printf(ran, " %s", sc[i].name);
		if (run->model_errors) {
			/* a bug of the model, not a finding: the scenario
			 * fails, and the check exits 3 */
			printf("- model error in %u of %u jobs\n",
			       run->model_errors, sc[i].plan->n_jobs);
			for (unsigned j = 0; j < sc[i].plan->n_jobs; j++)
				if (run->errors[j])
					sim_out_text_model_error(sc[i].plan,
								 run->errors[j],
								 stdout);
			g_string_append_printf(failed, " %s", sc[i].name);
			nfailed++;
			model_error = true;
			sim_run_free(run);
			continue;
		}
		out = sim_out_build(sc[i].plan, run, env->model->kinds);
		why = g_string_new(NULL);
		ok = sim_check_expects(out, sc[i].ef.expects, why);
		if (ok) {
			printf("%.1fs\n", run->wall_s);
		} else if (sc[i].ef.known) {
			printf("[known failure] %.1fs\n", run->wall_s);
			print_check_lines(why, sc[i].ef.known);
		} else {
			printf("- expectation failed\n");
			print_check_lines(why, NULL);
			g_string_append_printf(failed, " %s", sc[i].name);
			nfailed++;
		}
		g_string_free(why, TRUE);
		sim_out_free(out);
		sim_run_free(run);
		fflush(stdout);
	}
	printf("Ran:%s\n", ran->str);
	if (notrun->len)
		printf("Not run:%s\n", notrun->str);
	if (nfailed) {
		printf("Failures:%s\n", failed->str);
		printf("Failed %u of %u tests\n", nfailed, nran);
	} else if (rc != 130) {
		printf("Passed all %u tests\n", nran);
	}
	if (!rc && nfailed)
		rc = model_error ? 3 : 1;
out:
	for (i = 0; i < nfiles; i++)
		scenario_free(&sc[i]);
	g_free(sc);
	g_string_free(ran, TRUE);
	g_string_free(failed, TRUE);
	g_string_free(notrun, TRUE);
	return rc;
}

static int call_shrink(const struct sim_cli_env *env, const struct opts *o,
		       const struct sim_plan *plan, unsigned job,
		       int64_t schedule, unsigned threads)
{
	struct sim_shrink_req req = {
		.plan = plan, .schedule = schedule, .out_path = o->shrink_out,
		.threads = threads,
	};
	GError *err = NULL;
	int rc;

	if (!env->shrink)
		return fail("--shrink: this build has no shrinker");
	if (job >= plan->n_jobs) {
		char msg[160];

		g_snprintf(msg, sizeof(msg), "--shrink: job %u: the plan has %u "
			   "jobs (0 to %u)", job, plan->n_jobs, plan->n_jobs - 1);
		return fail(msg);
	}
	req.id = sim_plan_job(plan, job);
	if (!explore_params(o, &req.depth, &req.delay, &err))
		return fail_err(err);
	fflush(stdout);
	rc = env->shrink(&req, stdout, &err);
	if (err)
		return fail_err(err);
	return rc;
}

static int run_shrink(const struct sim_cli_env *env, const struct opts *o,
		      const struct sim_plan *plan, unsigned job,
		      int64_t schedule, unsigned threads)
{
	return call_shrink(env, o, plan, job, schedule, threads);
}

/* --shrink-first: the first violating schedule of the first strategy (plan
 * order) that has one. */
static int shrink_first(const struct sim_cli_env *env, const struct opts *o,
			const struct sim_plan *plan,
			const struct sim_explore_run *x, unsigned threads)
{
	for (unsigned g = 0; g < x->n_groups; g++)
		if (x->groups[g].has_first) {
			int rc;

			printf("\n== shrinking %s's first violation (--replay %s)\n",
			       x->groups[g].name, x->groups[g].first.replay);
			rc = call_shrink(env, o, plan, x->groups[g].first.job,
					 x->groups[g].first.schedule, threads);
			if (rc != 1)
				return rc;
			/* a schedule whose scripts do not reproduce it (its
			 * order of same-time events matters): the plain job
			 * of the same workload, if that shows one */
			printf("\n== shrinking the plain job of that workload "
			       "(--replay %" G_GUINT64_FORMAT ":%u) instead\n",
			       plan->seed, x->groups[g].first.job);
			return call_shrink(env, o, plan, x->groups[g].first.job, -1,
					   threads);
		}
	printf("\n== nothing to shrink: no schedule showed a violation\n");
	return 0;
}

int sim_cli_main(const struct sim_cli_env *env, int argc, char **argv)
{
	char **owned, **v;
	int n, rc;

	cli_t_start = g_get_monotonic_time();
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
		{ "trace-window", 0, 0, G_OPTION_ARG_STRING, &o.trace_window,
		  "With --trace: only simulated time FROM to TO (e.g. 2ms:3ms, "
		  "5ms: to the end)", "FROM:TO" },
		{ "violations", 0, 0, G_OPTION_ARG_FILENAME, &o.violations,
		  "Write every violation as one JSON object per line", "FILE.jsonl" },
		{ "violations-max", 0, 0, G_OPTION_ARG_STRING, &o.violations_max,
		  "Records --violations keeps per job (default 10000; more are "
		  "counted as dropped)", "N" },
		{ "explain", 0, 0, G_OPTION_ARG_NONE, &o.explain,
		  "Print each first violation's interleaving in full", NULL },
		{ "expect", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.expect,
		  "Exit 1 unless STRATEGY's violations match TERM (repeatable; "
		  "TERM: none, any, KIND>N, KIND1|KIND2=N, KIND~\"TEXT\">N)",
		  "'STRATEGY: TERM...'" },
		{ "fail-on-violation", 0, 0, G_OPTION_ARG_STRING, &o.fail_on,
		  "Exit 1 when a listed strategy (or 'all') had any violation",
		  "LIST" },
		{ "check", 0, 0, G_OPTION_ARG_NONE, &o.check,
		  "Run each scenario FILE.cfg and judge it by its own '; expect' "
		  "lines (xfstests-like report)", NULL },
		{ "replay", 0, 0, G_OPTION_ARG_STRING, &o.replay,
		  "Rerun one job of the plan and explain it", "SEED:JOB" },
		{ "resume", 0, 0, G_OPTION_ARG_NONE, &o.resume,
		  "Finish a run that died: rerun only the jobs its journal "
		  "(OUT.journal beside -o/--report) does not hold", NULL },
		{ "shard", 0, 0, G_OPTION_ARG_STRING, &o.shard,
		  "Run the jobs with index % N == K-1; write raw results for "
		  "'sim merge'", "K/N" },
		{ "explore", 0, 0, G_OPTION_ARG_STRING, &o.explore,
		  "Also search N perturbed schedules per strategy for violations "
		  "(delays at step boundaries, ties permuted)", "N" },
		{ "explore-depth", 0, 0, G_OPTION_ARG_STRING, &o.explore_depth,
		  "Change points (injected delays) per schedule (default 3)", "D" },
		{ "explore-delay", 0, 0, G_OPTION_ARG_STRING, &o.explore_delay,
		  "Delay bound, in cost scales of the op delayed (default 4)", "F" },
		{ "explore-stop", 0, 0, G_OPTION_ARG_NONE, &o.explore_stop,
		  "Stop searching a strategy at its first violation", NULL },
		{ "shrink", 0, env->shrink ? 0 : G_OPTION_FLAG_HIDDEN,
		  G_OPTION_ARG_STRING, &o.shrink,
		  "Reduce a violating job to a minimal workload file "
		  "(SCHEDULE: an explored one)", "SEED:JOB[:SCHEDULE]" },
		{ "shrink-first", 0, env->shrink ? 0 : G_OPTION_FLAG_HIDDEN,
		  G_OPTION_ARG_NONE, &o.shrink_first,
		  "With --explore: shrink the first violating schedule found", NULL },
		{ "shrink-out", 0, env->shrink ? 0 : G_OPTION_FLAG_HIDDEN,
		  G_OPTION_ARG_FILENAME, &o.shrink_out,
		  "Where --shrink writes the minimal workload (default: a name "
		  "of its own in the current directory)", "FILE" },
		{ "image", 0, env->image ? 0 : G_OPTION_FLAG_HIDDEN,
		  G_OPTION_ARG_FILENAME, &o.image,
		  "Export every job's final disk as an ext4 image into DIR, "
		  "check it with e2fsck and read it back (docs/judge.md)", "DIR" },
		{ "list-strategies", 0, 0, G_OPTION_ARG_NONE, &o.list_strategies,
		  "List the locking strategies and exit", NULL },
		{ "verbose", 0, 0, G_OPTION_ARG_NONE, &o.verbose,
		  "With --list-strategies: print each as the [strategy] "
		  "section that would define it", NULL },
		{ "help-config", 0, 0, G_OPTION_ARG_NONE, &o.help_config,
		  "Print every workload-file key (type, default, range, help) and exit", NULL },
		{ "dump-config", 0, 0, G_OPTION_ARG_NONE, &o.dump_config,
		  "Print the resolved workload (every key, defaults included) and exit", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
		  "No text summary and no progress line", NULL },
		{ "brief", 0, 0, G_OPTION_ARG_NONE, &o.brief,
		  "Print the run header and the summary only (no detail blocks)",
		  NULL },
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
	struct sim_explore_run *xrun = NULL;
	struct sim_explore_opts xo = { 0 };
	GError *err = NULL;
	GPtrArray *expects = NULL;
	char **fail_on = NULL;
	struct sim_journal *journal = NULL;
	struct sim_job_rec **preloaded = NULL;
	char *jpath = NULL;
	uint64_t replay_seed = 0;
	unsigned replay_job = 0, threads = 1, k, n, nloaded = 0, vmax = 0;
	int64_t replay_schedule = -1;
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
			"  sim report DIR               render DIR/results.json again\n"
			"  sim --check FILE.cfg...      run scenarios, judge their expect lines\n");

		for (const struct sim_cli_command *c = env->commands;
		     c && c->name; c++)
			g_string_append_printf(d, "  sim %-24s %s\n", c->synopsis,
					       c->summary);
		g_string_append(d, "\n"
			"Workload files are fio-like INI files; --help-config lists every key.\n"
			"FILE.cfg not found as given is looked up in the workloads/ directory.\n"
			"Exit status: 0 done (expectations met), 1 an expectation failed (--expect,\n"
			"--fail-on-violation, --check), 2 bad input, 3 a job ended with a model\n"
			"error (the others ran; outputs written and list it), 130 interrupted\n"
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
		print_strategies(env->model, o.verbose);
		goto out;
	}
	if (o.demo && env->demo) {
		rc = env->demo(stdout, o.seed ? g_ascii_strtoull(o.seed, NULL, 10) : 1);
		goto out;
	}
	if (o.check) {
		rc = cmd_check(env, &o, argc - 1, argv + 1);
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
	    (o.replay && !parse_replay(&o, &replay_seed, &replay_job,
				       &replay_schedule, &err)) ||
	    !explore_options(&o, &xo, &err) ||
	    !parse_trace_window(o.trace_window, &ro.trace_from, &ro.trace_to,
				&err)) {
		rc = fail_err(err);
		goto out;
	}
	if (o.trace_window && !o.trace) {
		rc = fail("--trace-window FROM:TO cuts the --trace FILE: give "
			  "--trace too");
		goto out;
	}
	if (o.shrink && (o.replay || o.explore || o.shard)) {
		rc = fail("--shrink runs on its own (not with --replay, "
			  "--explore or --shard)");
		goto out;
	}
	if (o.shrink) {
		/* the key sets the seed, as --replay's does */
		SIM_BUG_ON(!sim_explore_parse_key("--shrink", o.shrink,
						  &replay_seed, &replay_job,
						  &replay_schedule, NULL));
		o.replay = g_strdup(o.shrink);
	}
	if (o.explore && (o.replay || o.shard)) {
		rc = fail(o.replay ? "--explore and --replay cannot be combined "
				     "(--replay SEED:JOB:SCHEDULE replays a schedule)"
				   : "--explore cannot be combined with --shard");
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
	if (o.shard && (o.expect || o.fail_on)) {
		rc = fail("--shard writes raw results: judge expectations on "
			  "the whole run");
		goto out;
	}
	if (o.resume && o.violations) {
		rc = fail("--violations records the jobs this process runs; "
			  "--resume reads the finished ones back without them");
		goto out;
	}
	if (o.shard && o.violations) {
		rc = fail("--shard writes raw results: --violations needs the "
			  "whole run (or --replay of one job)");
		goto out;
	}
	if (o.violations &&
	    !parse_violations_max(o.violations_max, &vmax, &err)) {
		rc = fail_err(err);
		goto out;
	}
	if (o.expect && !(expects = parse_expects(env, o.expect, &err))) {
		rc = fail_err(err);
		goto out;
	}
	/* options that would be ignored are refused (or warned about) */
	if (o.dump_config && (o.explore || o.shrink)) {
		rc = fail(o.explore ? "--dump-config runs nothing: --explore has nothing to search"
				    : "--dump-config runs nothing: --shrink has nothing to shrink");
		goto out;
	}
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
	if (o.replay && o.jobs && !o.shrink)
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
	if (o.image && (o.explore || o.shrink || replay_schedule >= 0)) {
		rc = fail("--image exports plain jobs' disks: not with --explore, "
			  "--shrink or a schedule's --replay");
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
	if (o.shrink) {
		rc = run_shrink(env, &o, plan, replay_job, replay_schedule,
				threads);
		goto out;
	}
	if (o.replay) {
		rc = run_replay(env, &o, plan, replay_job, replay_schedule);
		goto out;
	}
	if ((expects && !sim_check_strategies(plan, expects, &err)) ||
	    (o.fail_on && !(fail_on = parse_fail_on(plan, o.fail_on, &err)))) {
		rc = fail_err(err);
		goto out;
	}
	if (o.violations)
		ro.violation_records = vmax;
	sim_check_wants(expects, &ro);

	if (sim_mpi_size() > 1 && (o.trace || o.explore)) {
		rc = fail(o.trace ? "--trace writes one job's trace: run it without mpirun"
				  : "--explore searches on one machine: run it without mpirun");
		goto out;
	}
	if (sim_mpi_rank() != 0) {
		/* an MPI worker: runs jobs for rank 0, writes nothing */
		if (!sim_mpi_work(env->model, plan, threads, &err))
			rc = fail_err(err);
		goto out;
	}
	if (o.explore) {
		/* the search first: its time to a first violation counts
		 * from the start, not from after the plain replicas */
		xo.threads = threads;
		xo.progress = !o.quiet;
		xo.t_start = cli_t_start;
		xrun = sim_explore_run(env->model, plan, &xo, &err);
		if (!xrun) {
			rc = fail_err(err);
			goto out;
		}
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
		sim_out_set_explore(out, xrun);
		/* files first: a closed stdout (| head) must not lose them */
		if (!write_results(env, &o, out, &err) ||
		    !write_violations(&o, plan, run, ro.violation_records,
				      &err)) {
			rc = fail_err(err);
			goto out;
		}
		if (!o.quiet) {
			sim_out_text(out, stdout, o.explain, o.brief);
			if (xrun)
				sim_explore_text(xrun, stdout, o.explain);
		}
		fflush(stdout);
		if (!run->interrupted && !judge(out, expects, fail_on))
			rc = 1;
		if (xrun && o.shrink_first && !run->interrupted) {
			int src = shrink_first(env, &o, plan, xrun, threads);

			if (!rc)
				rc = src;
		}
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
	if (expects)
		g_ptr_array_unref(expects);
	g_strfreev(fail_on);
	sim_journal_close(journal, false);
	if (preloaded && plan)
		for (unsigned i = 0; i < plan->n_jobs; i++)
			sim_job_rec_free(preloaded[i]);
	g_free(preloaded);
	g_free(jpath);
	sim_out_free(out);
	sim_explore_run_free(xrun);
	sim_run_free(run);
	sim_plan_free(plan);
	if (cfg)
		sim_cfg_free(cfg);
	free_opts(&o);
	g_option_context_free(ctx);
	return rc;
}
