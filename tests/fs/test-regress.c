/* tests/fs/test-regress.c — the regression scenarios of workloads/regress/:
 * each .cfg is loaded with the fs schema, every strategy named in its
 * header's expect lines runs [global] replicas times through
 * ext4_model_ops directly (create -> sim_world_run for the duration ->
 * finish -> destroy; no runner, no thread pool), and the violation counts
 * are checked against the header.
 *
 * Header grammar: sim/run/expect.h (expect STRATEGY: TERM..., known: TEXT),
 * shared with sim/sim --expect and --check.  A failing scenario with a
 * known: line is reported as TAP TODO (automake XFAIL) instead of FAIL,
 * and a pass as a pass.
 * Every strategy of [global] strategies needs an expect line and every
 * expect line a strategy of that list.  Kinds are the model's (the
 * oracle's, plus fsx_mismatch).  Measured figures go to stderr ("# ..."
 * lines, in the test's log) so headers can quote them.
 *
 * A scenario whose ops have no kernel path in this build yet is a TAP skip
 * naming the op (never a pass).  Each scenario runs in a child process
 * (g_test_trap_subprocess), so a model bug that aborts fails only it.  FAULTLINE_REGRESS_REPLICAS=N overrides
 * the replica count (for measuring; not used by make check);
 * FAULTLINE_REGRESS_EXPLAIN=1 with --verbose prints every first
 * explanation, not only those of failed expectations.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fs/workload/model.h"
#include "sim/run/expect.h"

struct scenario {
	char *path, *name;
	struct sim_cfg *cfg;
	struct sim_expect_file ef;  /* expects: struct sim_expect * */
	bool keep_explanations;     /* some term matches explanation text */
};

static const char *kind_name(unsigned k)
{
	return k < FS_ORACLE_NR_KINDS ? fs_oracle_kind_name(k) : "fsx_mismatch";
}

static int kind_index(const char *name)
{
	for (unsigned k = 0; k <= FS_ORACLE_NR_KINDS; k++)
		if (strcmp(kind_name(k), name) == 0)
			return (int)k;
	return -1;
}

static const struct sim_expect *expect_at(const struct scenario *s, unsigned i)
{
	return s->ef.expects->pdata[i];
}

static struct scenario *scenario_load(const char *path)
{
	struct scenario *s = g_new0(struct scenario, 1);
	GError *err = NULL;
	const struct fs_global *g;

	s->path = g_strdup(path);
	s->name = g_path_get_basename(path);
	if (!sim_expect_file_load(&s->ef, path, NULL, ext4_model_ops.kinds, &err))
		g_error("%s", err->message);
	for (unsigned i = 0; i < s->ef.expects->len; i++)
		s->keep_explanations |= sim_expect_needs_headlines(expect_at(s, i));
	s->cfg = sim_cfg_load(&fs_schema, path, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(s->ef.expects->len, >, 0);
	/* the header covers exactly the strategies the file runs */
	g = sim_cfg_data(s->cfg, "global");
	for (char **st = g->strategies; *st; st++) {
		bool found = false;

		for (unsigned i = 0; i < s->ef.expects->len; i++)
			found |= strcmp(expect_at(s, i)->strategy, *st) == 0;
		if (!found)
			g_error("%s: no expect line for strategy %s", path, *st);
	}
	for (unsigned i = 0; i < s->ef.expects->len; i++) {
		bool found = false;

		for (char **st = g->strategies; *st; st++)
			found |= strcmp(expect_at(s, i)->strategy, *st) == 0;
		if (!found)
			g_error("%s:%d: strategy %s is not in [global] strategies",
				path, expect_at(s, i)->line,
				expect_at(s, i)->strategy);
	}
	return s;
}

static void scenario_free(struct scenario *s)
{
	sim_expect_file_clear(&s->ef);
	sim_cfg_free(s->cfg);
	g_free(s->path);
	g_free(s->name);
	g_free(s);
}

struct totals {
	uint64_t count[SIM_MAX_KINDS];
	unsigned replicas[SIM_MAX_KINDS];
	char *first[SIM_MAX_KINDS];
	uint64_t ops[SIM_MAX_OPS];
	unsigned deadlocked;
	uint64_t matched[8];      /* per term of the expect line: K~TEXT */
	unsigned matched_replicas[8];
};

/* The first line of an explanation (the headline) contains text? */
static bool headline_has(const char *ex, const char *text)
{
	const char *nl = strchr(ex, '\n');
	char *head = g_strndup(ex, nl ? (gsize)(nl - ex) : strlen(ex));
	bool yes = strstr(head, text) != NULL;

	g_free(head);
	return yes;
}

/* K~TEXT terms: count the explanations of K whose headline has TEXT. */
static void count_matches(const struct sim_expect *e, struct ext4_model *m,
			  struct totals *t)
{
	struct fs_oracle *o = ext4_model_oracle(m);

	for (unsigned i = 0; i < e->nterms; i++) {
		const struct sim_expect_term *tm = &e->terms[i];
		int k = kind_index(tm->kinds[0]);
		unsigned n;
		uint64_t c = 0;

		if (!tm->match || k < 0 || k >= FS_ORACLE_NR_KINDS)
			continue;
		n = fs_oracle_explained(o, (enum fs_oracle_kind)k);
		for (unsigned j = 0; j < n; j++)
			c += headline_has(fs_oracle_explanation(
				o, (enum fs_oracle_kind)k, j), tm->match);
		t->matched[i] += c;
		t->matched_replicas[i] += c > 0;
	}
}

/* One strategy x replicas.  Returns false (skip) when the config names an
 * op whose path is not in the build. */
static bool run_strategy(const struct scenario *s, const struct sim_expect *e,
			 unsigned strategy_index, unsigned replicas,
			 struct totals *t, char **skip_reason)
{
	const struct fs_global *g = sim_cfg_data(s->cfg, "global");

	for (unsigned r = 0; r < replicas; r++) {
		struct sim_job_id id = {
			.seed = (uint64_t)g->seed, .index = r,
			.strategy = strategy_index, .replica = r,
		};
		/* FAULTLINE_TIE_SHUFFLE=1: same-time events permuted (CI runs
		 * the scenarios once so: no expectation may rest on the order
		 * of events that share a time) */
		struct sim_world_params wp = {
			.seed = id.seed, .job = r,
			.tie_shuffle = g_getenv("FAULTLINE_TIE_SHUFFLE") != NULL,
		};
		struct sim_world *w = sim_world_new(&wp);
		struct sim_job_result res = { .id = id };
		GError *err = NULL;
		void *m = ext4_model_ops.create(w, s->cfg, e->strategy, &id,
						&err);

		if (!m) {
			g_assert_nonnull(err);
			if (strstr(err->message, "not modelled yet") ||
			    strstr(err->message, "not in this build")) {
				*skip_reason = g_strdup(err->message);
				g_error_free(err);
				sim_world_free(w);
				return false;
			}
			g_error("%s: %s", s->name, err->message);
		}
		/* every instance explained, not only the first of each kind
		 * (the world has not run yet: nothing was explained) */
		if (s->keep_explanations)
			fs_oracle_set_explain_max(ext4_model_oracle(m), UINT_MAX);
		res.stop = sim_world_run(w, ext4_model_ops.duration(m));
		res.sim_time = sim_world_now(w);
		res.events = sim_world_events(w);
		ext4_model_ops.finish(m, w, &res);
		count_matches(e, m, t);
		t->deadlocked += res.stop == SIM_STOP_DEADLOCK;
		for (unsigned k = 0; k < res.n_kinds; k++) {
			t->count[k] += res.violations[k];
			t->replicas[k] += res.violations[k] > 0;
			if (!t->first[k] && res.first_explanation[k])
				t->first[k] = g_strdup(res.first_explanation[k]);
		}
		for (unsigned i = 0; i < res.n_ops; i++)
			t->ops[i] += res.op_latency[i]->count;
		sim_job_result_free(&res);
		ext4_model_ops.destroy(m);
		sim_world_free(w);
	}
	return true;
}

/* The figures sim_expect_check judges: t's counts; K~TEXT terms by the
 * term's position (count_matches counted them per term). */
struct judged {
	const struct sim_expect *e;
	const struct totals *t;
};

static uint64_t judged_count(void *ctx, const char *kind)
{
	const struct judged *j = ctx;
	int k = kind_index(kind);

	return k >= 0 ? j->t->count[k] : 0;
}

static uint64_t judged_matched(void *ctx, const char *kind, const char *text)
{
	const struct judged *j = ctx;

	for (unsigned i = 0; i < j->e->nterms; i++)
		if (j->e->terms[i].match &&
		    strcmp(j->e->terms[i].kinds[0], kind) == 0 &&
		    strcmp(j->e->terms[i].match, text) == 0)
			return j->t->matched[i];
	return 0;
}

static bool check_expect(const struct sim_expect *e, const struct totals *t,
			 char **why)
{
	struct judged j = { e, t };
	struct sim_expect_figures f = {
		.count = judged_count, .matched = judged_matched,
		.kinds = ext4_model_ops.kinds, .ctx = &j,
	};

	return e->any || sim_expect_check(e, &f, why);
}

static void run_scenario(const char *path)
{
	struct scenario *s = scenario_load(path);
	const struct fs_global *g = sim_cfg_data(s->cfg, "global");
	const char *env = g_getenv("FAULTLINE_REGRESS_REPLICAS");
	unsigned replicas = env ? (unsigned)atoi(env) : (unsigned)g->replicas;
	GString *failures = g_string_new(NULL);

	for (unsigned i = 0; i < s->ef.expects->len; i++) {
		const struct sim_expect *e = expect_at(s, i);
		struct totals t = { 0 };
		char *skip = NULL, *why = NULL;
		bool ok;
		unsigned si = 0;
		GString *line = g_string_new(NULL);

		while (g->strategies[si] && strcmp(g->strategies[si], e->strategy))
			si++;
		if (!run_strategy(s, e, si, replicas, &t, &skip)) {
			char *msg = g_strdup_printf("%s: %s", s->name, skip);

			g_test_skip(msg);
			g_free(msg);
			g_free(skip);
			g_string_free(line, TRUE);
			g_string_free(failures, TRUE);
			scenario_free(s);
			return;
		}
		g_string_append_printf(line, "%s %s (%u replicas x %g ms):",
				       s->name, e->strategy, replicas,
				       (double)g->duration / SIM_MSEC);
		for (unsigned k = 0; k <= FS_ORACLE_NR_KINDS; k++)
			if (t.count[k])
				g_string_append_printf(line, " %s %" G_GUINT64_FORMAT
						       " (%u/%u)", kind_name(k),
						       t.count[k], t.replicas[k],
						       replicas);
		for (unsigned j = 0; j < e->nterms; j++)
			if (e->terms[j].match)
				g_string_append_printf(line, " %s~\"%s\" %" G_GUINT64_FORMAT
						       " (%u/%u)",
						       e->terms[j].kinds[0],
						       e->terms[j].match, t.matched[j],
						       t.matched_replicas[j], replicas);
		if (t.deadlocked)
			g_string_append_printf(line, " [%u replicas stopped on a deadlock]",
					       t.deadlocked);
		g_string_append(line, "; ops:");
		for (unsigned o = 0; o < FS_NR_OPS; o++)
			if (t.ops[o])
				g_string_append_printf(line, " %s %" G_GUINT64_FORMAT,
						       fs_op_names[o], t.ops[o]);
		/* the child's stdout is not the TAP stream: report on stderr */
		g_printerr("# %s\n", line->str);
		ok = check_expect(e, &t, &why);
		if (!ok)
			g_string_append_printf(failures, "%s:%d: %s: %s\n",
					       s->path, e->line, e->strategy, why);
		g_free(why);
		for (unsigned k = 0; k <= FS_ORACLE_NR_KINDS; k++)
			if (t.first[k] && g_getenv("FAULTLINE_REGRESS_EXPLAIN"))
				g_printerr("first %s:\n%s", kind_name(k),
					   t.first[k]);
		for (unsigned k = 0; k < SIM_MAX_KINDS; k++)
			g_free(t.first[k]);
		g_string_free(line, TRUE);
	}
	if (failures->len) {
		g_printerr("%s", failures->str);
		g_test_fail_printf("%s", failures->str);
	}
	g_string_free(failures, TRUE);
	scenario_free(s);
}

/* Is every op of the scenario in the build?  Asked in the parent, so a
 * scenario that cannot run is a skip, not a child's silent success. */
static char *scenario_unsupported(const char *path)
{
	struct scenario *s = scenario_load(path);
	const struct fs_global *g = sim_cfg_data(s->cfg, "global");
	struct sim_job_id id = { .seed = (uint64_t)g->seed };
	struct sim_world_params wp = { .seed = id.seed };
	struct sim_world *w = sim_world_new(&wp);
	GError *err = NULL;
	void *m = ext4_model_ops.create(w, s->cfg, expect_at(s, 0)->strategy,
					&id, &err);
	char *why = NULL;

	if (m)
		ext4_model_ops.destroy(m);
	else if (strstr(err->message, "not modelled yet") ||
		 strstr(err->message, "not in this build"))
		why = g_strdup_printf("%s: %s", s->name, err->message);
	else
		g_error("%s: %s", s->name, err->message);
	g_clear_error(&err);
	sim_world_free(w);
	scenario_free(s);
	return why;
}

/* Each scenario runs in a child process: a model bug (SIM_BUG_ON aborts)
 * fails that scenario, not the whole program. */
static void test_scenario(gconstpointer data)
{
	const char *path = data;
	char *skip;

	if (g_test_subprocess()) {
		run_scenario(path);
		return;
	}
	skip = scenario_unsupported(path);
	if (skip) {
		g_test_skip(skip);
		g_free(skip);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT |
				       G_TEST_SUBPROCESS_INHERIT_STDERR);
	if (!g_test_trap_has_passed()) {
		struct scenario *s = scenario_load(path);

		/* a documented, open model bug: TAP TODO (automake XFAIL),
		 * the expectations stay as FIDELITY predicts them */
		if (s->ef.known)
			g_test_incomplete_printf("%s: known: %s", s->name, s->ef.known);
		else
			g_test_fail_printf("%s: the scenario's run failed (see its output above)",
					   path);
		scenario_free(s);
	}
}

/* The expect grammar itself: quoted ~TEXT terms keep their blanks and
 * name one kind; plain terms still take K1|K2 sums. */
static void test_grammar(void)
{
	struct sim_expect *e;
	struct totals t = { 0 };
	GError *err = NULL;
	char *why = NULL;

	e = sim_expect_parse("x: foreign_write~\"owned by extent-node\">2 "
			     "fsck~clobber=1 stale_mapping|fsck>0",
			     ext4_model_ops.kinds, "grammar", &err);
	g_assert_no_error(err);
	g_assert_cmpstr(e->strategy, ==, "x");
	g_assert_cmpuint(e->nterms, ==, 3);
	g_assert_cmpstr(e->terms[0].match, ==, "owned by extent-node");
	g_assert_cmpint(e->terms[0].op, ==, '>');
	g_assert_cmpuint(e->terms[0].n, ==, 2);
	g_assert_cmpstr(e->terms[1].match, ==, "clobber");
	g_assert_cmpint(e->terms[1].op, ==, '=');
	g_assert_null(e->terms[2].match);
	g_assert_cmpstr(e->terms[2].kinds[1], ==, "fsck");
	g_assert_true(sim_expect_needs_headlines(e));
	/* ~ terms are judged on the matched counts, not the kind's total */
	t.count[FS_ORACLE_FOREIGN_WRITE] = 100;
	t.count[FS_ORACLE_FSCK] = 5;
	t.matched[0] = 2;
	t.matched[1] = 1;
	g_assert_false(check_expect(e, &t, &why));
	g_assert_cmpstr(why, ==, "term 1 (foreign_write~\"owned by extent-node\">2): got 2");
	g_free(why);
	t.matched[0] = 3;
	g_assert_true(check_expect(e, &t, &why));
	g_assert_true(headline_has("fsck: clobber: x\nowned by extent-node", "clobber"));
	g_assert_false(headline_has("fsck: x\nclobber", "clobber"));
	sim_expect_free(e);
	/* bad terms: an unknown kind, ~ over two kinds, no count */
	g_assert_null(sim_expect_parse("x: stale_reed>0", ext4_model_ops.kinds,
				       "grammar", &err));
	g_assert_nonnull(strstr(err->message, "unknown violation kind 'stale_reed'"));
	g_clear_error(&err);
	g_assert_null(sim_expect_parse("x: fsck|stale_read~a>0",
				       ext4_model_ops.kinds, "grammar", &err));
	g_clear_error(&err);
	g_assert_null(sim_expect_parse("x: fsck>", ext4_model_ops.kinds,
				       "grammar", &err));
	g_clear_error(&err);
	/* none names what it found */
	e = sim_expect_parse("x: none", ext4_model_ops.kinds, "grammar", &err);
	g_assert_false(check_expect(e, &t, &why));
	g_assert_cmpstr(why, ==, "expected none, got foreign_write 100, fsck 5");
	g_free(why);
	sim_expect_free(e);
}

static gint cmp_paths(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *src = g_getenv("FAULTLINE_SRCDIR");
	char *dir;
	GDir *d;
	GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	/* scenarios are independent: report every one (-k), not the first
	 * failure only */
	char **args = g_new0(char *, argc + 2);
	int nargs = 0;

	for (int i = 0; i < argc; i++) {
		args[nargs++] = argv[i];
		if (i == 0)
			args[nargs++] = (char *)"--keep-going";
	}
	g_test_init(&nargs, &args, NULL);
	dir = g_build_filename(src ? src : ".", "workloads", "regress", NULL);
	d = g_dir_open(dir, 0, NULL);
	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d)))
		if (g_str_has_suffix(name, ".cfg"))
			g_ptr_array_add(paths, g_build_filename(dir, name, NULL));
	g_dir_close(d);
	g_ptr_array_sort(paths, cmp_paths);
	g_test_add_func("/regress-grammar/terms", test_grammar);
	for (unsigned i = 0; i < paths->len; i++) {
		char *base = g_path_get_basename(paths->pdata[i]);
		char *tpath;

		base[strlen(base) - 4] = '\0';
		tpath = g_strdup_printf("/regress/%s", base);
		g_test_add_data_func(tpath, paths->pdata[i], test_scenario);
		g_free(tpath);
		g_free(base);
	}
	{
		int ret = g_test_run();

		g_ptr_array_free(paths, TRUE);
		g_free(dir);
		g_free(args);
		return ret;
	}
}
