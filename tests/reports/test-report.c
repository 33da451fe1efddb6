/* tests/reports/test-report.c — the report writer, from a synthetic
 * results.json (tests/reports/fixture.c) to files on disk.
 *
 * Checks: every expected .dat/.gp/.png/.svg exists and is non-empty and
 * nothing else is in plots/; PNGs carry the PNG signature; SVGs and
 * index.html are well-formed XML (GMarkup); the page has the comparison
 * rows, escaped explanations and replay commands; without gnuplot the
 * package message is printed and data, scripts and page are still
 * written; bad input (missing, malformed, wrong schema) fails with one
 * line naming the file, exit status 2 from sim-report, and leaves the run
 * directory as it was; a re-render replaces plots/ and leaves no staging
 * directory behind.  The two renders with gnuplot dominate the run time,
 * so the fixtures are small.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "reports/fmt.h"
#include "reports/report.h"
#include "tests/reports/fixture.h"

/* ---- helpers ------------------------------------------------------------ */

static char *make_run_dir(gboolean sweep)
{
	GError *err = NULL;
	char *dir = g_dir_make_tmp("faultline-report-XXXXXX", &err);
	char *json;

	g_assert_no_error(err);
	json = g_build_filename(dir, "results.json", NULL);
	report_fixture_write(json, sweep);
	g_free(json);
	return dir;
}

static void remove_tree(const char *path)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;

	if (d) {
		while ((name = g_dir_read_name(d))) {
			char *sub = g_build_filename(path, name, NULL);

			if (g_file_test(sub, G_FILE_TEST_IS_DIR) &&
			    !g_file_test(sub, G_FILE_TEST_IS_SYMLINK))
				remove_tree(sub);
			else
				g_unlink(sub);
			g_free(sub);
		}
		g_dir_close(d);
	}
	g_rmdir(path);
}

static int cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted "name size" lines of a directory, recursively: a snapshot to
 * compare before and after a failed render. */
static void listing_into(GString *out, const char *dir, const char *prefix)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	guint i;

	if (!d)
		return;
	while ((name = g_dir_read_name(d)))
		g_ptr_array_add(names, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(names, cmp_names);
	for (i = 0; i < names->len; i++) {
		char *path = g_build_filename(dir, names->pdata[i], NULL);
		GStatBuf st;

		g_assert_cmpint(g_lstat(path, &st), ==, 0);
		g_string_append_printf(out, "%s%s %lld\n", prefix, (char *)names->pdata[i],
				       S_ISDIR(st.st_mode) ? -1LL : (long long)st.st_size);
		if (S_ISDIR(st.st_mode)) {
			char *sub = g_strconcat(prefix, names->pdata[i], "/", NULL);

			listing_into(out, path, sub);
			g_free(sub);
		}
		g_free(path);
	}
	g_ptr_array_unref(names);
}

static char *listing(const char *dir)
{
	GString *s = g_string_new(NULL);

	listing_into(s, dir, "");
	return g_string_free(s, FALSE);
}

static char *read_file(const char *dir, const char *name, gsize *len)
{
	char *path = g_build_filename(dir, name, NULL);
	GError *err = NULL;
	char *text;

	g_file_get_contents(path, &text, len, &err);
	g_assert_no_error(err);
	g_free(path);
	return text;
}

static gboolean nonempty(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL);
	GStatBuf st;
	gboolean ok = g_stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;

	g_free(path);
	return ok;
}

static void assert_well_formed(const char *text, gsize len, const char *what)
{
	static const GMarkupParser nothing = { 0 };
	GMarkupParseContext *ctx = g_markup_parse_context_new(&nothing, 0, NULL, NULL);
	GError *err = NULL;

	if (!g_markup_parse_context_parse(ctx, text, (gssize)len, &err) ||
	    !g_markup_parse_context_end_parse(ctx, &err))
		g_error("%s is not well-formed XML: %s", what, err->message);
	g_markup_parse_context_free(ctx);
}

static void assert_png(const char *plots, const char *name)
{
	static const char sig[8] = "\x89PNG\r\n\x1a\n";
	char *file = g_strconcat(name, ".png", NULL);
	gsize len;
	char *data = read_file(plots, file, &len);

	g_assert_cmpuint(len, >, 100);
	g_assert_cmpmem(data, 8, sig, 8);
	g_free(data);
	g_free(file);
}

static void assert_svg(const char *plots, const char *name)
{
	char *file = g_strconcat(name, ".svg", NULL);
	gsize len;
	char *data = read_file(plots, file, &len);

	g_assert_nonnull(strstr(data, "<svg"));
	assert_well_formed(data, len, file);
	g_free(data);
	g_free(file);
}

/* A FILE * whose text the test can read afterwards. */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static void capture_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	g_assert_nonnull(c->f);
}

static char *capture_close(struct capture *c)
{
	fclose(c->f);
	return c->buf;
}

static gboolean have_gnuplot(void)
{
#ifdef SIM_GNUPLOT
	if (g_file_test(SIM_GNUPLOT, G_FILE_TEST_IS_EXECUTABLE))
		return TRUE;
#endif
	return g_find_program_in_path("gnuplot") != NULL;
}

static gboolean render(const char *dir, char **log, GError **err)
{
	struct capture c;
	gboolean ok;

	capture_open(&c);
	ok = report_render(dir, c.f, err);
	*log = capture_close(&c);
	return ok;
}

static const char *const fixture_plots[] = {
	"violations",
	"latency-mmap_read", "latency-punch_hole", "latency-mmap_write",
	"lockwait-i_data_sem", "lockwait-jbd2_handle", "lockwait-i_mmap_sem",
	"timeline-lockless", "timeline-i_data_sem", "timeline-i_mmap_sem",
};

/* plots/ holds exactly the named plots, each with the given extensions. */
static void assert_plot_files(const char *plots, const char *const *names, guint n,
			      gboolean images)
{
	static const char *const all_exts[] = { ".dat", ".gp", ".png", ".svg" };
	guint nexts = images ? 4 : 2, i, k, files = 0;
	GDir *d = g_dir_open(plots, 0, NULL);

	g_assert_nonnull(d);
	while (g_dir_read_name(d))
		files++;
	g_dir_close(d);
	for (i = 0; i < n; i++)
		for (k = 0; k < nexts; k++) {
			char *f = g_strconcat(names[i], all_exts[k], NULL);

			if (!nonempty(plots, f))
				g_error("%s/%s missing or empty", plots, f);
			g_free(f);
		}
	g_assert_cmpuint(files, ==, n * nexts);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		g_error("expected to find \"%s\"", needle);
}

/* ---- helpers' unit tests ------------------------------------------------ */

static void test_fmt(void)
{
	GString *s = g_string_new(NULL);
	char *t;

	g_assert_cmpfloat_with_epsilon(report_nines(90), 1, 1e-12);
	g_assert_cmpfloat_with_epsilon(report_nines(99.9), 3, 1e-9);
	g_assert_true(report_nines(0) == 0 && !signbit(report_nines(0)));
	g_assert_cmpstr(report_time_unit(9000).name, ==, "ns");
	g_assert_cmpstr(report_time_unit(12000).name, ==, "µs");
	g_assert_cmpstr(report_time_unit(5e7).name, ==, "ms");
	g_assert_cmpstr(report_time_unit(1e11).name, ==, "s");

	report_gp_quote(s, "it's\na %d");
	g_assert_cmpstr(s->str, ==, "'it''s a %d'");
	g_string_truncate(s, 0);
	report_gp_tic_label(s, "50%");
	g_assert_cmpstr(s->str, ==, "'50%%'");
	g_string_free(s, TRUE);

	t = report_sanitize("../a b/c");
	g_assert_cmpstr(t, ==, "_._a_b_c");
	g_free(t);
	t = report_fmt_ns(1234);
	g_assert_cmpstr(t, ==, "1.23 µs");
	g_free(t);
	t = report_fmt_ns(870);
	g_assert_cmpstr(t, ==, "870 ns");
	g_free(t);
	t = report_fmt_count(1234567);
	g_assert_cmpstr(t, ==, "1\u2009234\u2009567");
	g_free(t);
	t = report_shell_word("workloads/a.cfg");
	g_assert_cmpstr(t, ==, "workloads/a.cfg");
	g_free(t);
	t = report_shell_word("my file's.cfg");
	g_assert_cmpstr(t, ==, "'my file'\\''s.cfg'");
	g_free(t);
}

/* ---- renders ---------------------------------------------------------------- */

static void test_render(void)
{
	char *dir, *plots, *log, *html, *top;
	GError *err = NULL;
	gsize len;
	guint i;

	if (!have_gnuplot()) {
		g_test_skip("gnuplot not installed");
		return;
	}
	dir = make_run_dir(FALSE);
	g_assert_true(render(dir, &log, &err));
	g_assert_no_error(err);
	/* gnuplot said nothing: no warnings from any script */
	g_assert_cmpstr(log, ==, "");
	g_free(log);

	plots = g_build_filename(dir, "plots", NULL);
	assert_plot_files(plots, fixture_plots, G_N_ELEMENTS(fixture_plots), TRUE);
	for (i = 0; i < G_N_ELEMENTS(fixture_plots); i++) {
		assert_png(plots, fixture_plots[i]);
		assert_svg(plots, fixture_plots[i]);
	}
	top = listing(dir);
	g_assert_true(g_str_has_prefix(top, "index.html "));
	g_assert_nonnull(strstr(top, "\nplots -1\n"));
	g_assert_nonnull(strstr(top, "\nresults.json "));
	g_assert_null(strstr(top, ".report-"));   /* no staging left */
	g_free(top);

	html = read_file(dir, "index.html", &len);
	assert_well_formed(html, len, "index.html");
	/* comparison rows, with the paired intervals and verdicts */
	assert_contains(html, "<a href=\"#strategy-1\">lockless</a><small class=\"same\">baseline</small>");
	assert_contains(html, "<td class=\"l\"><a href=\"#strategy-2\">i_data_sem</a></td>");
	assert_contains(html, "<td class=\"l\"><a href=\"#strategy-3\">i_mmap_sem</a></td>");
	assert_contains(html, "% ± ");
	assert_contains(html, "i_mmap_sem vs lockless: no violations in any replica "
			      "(lockless: 4 of 4 replicas); p99 mmap_read &lt;slower&gt; &amp; throughput lower");
	/* explanations escaped, never raw; replay commands */
	assert_contains(html, FIXTURE_EXPLANATION_ESCAPED);
	g_assert_null(strstr(html, FIXTURE_EXPLANATION_RAW));
	assert_contains(html, "ext4_ext_remove_space frees blocks &lt;8192..8199&gt; &amp; journal");
	assert_contains(html, "<code>sim/sim --replay 42:2 workloads/punch_heavy.cfg</code>");
	/* first detections: the simulated time, or a note for -1 (never
	 * "-1 ns"); in the per-strategy table too */
	assert_contains(html, "<h4>stale_mapping — replica 0 (job 0, seed 42), "
			      "at 412 µs of simulated time</h4>");
	assert_contains(html, "<h4>foreign_write — replica 1 (job 1, seed 42), "
			      "detection time not recorded</h4>");
	g_assert_null(strstr(html, "-1 ns"));
	assert_contains(html, "<td>3 of 4</td><td>replica 0 at 412 µs</td>");
	assert_contains(html, "<td>2 of 4</td><td>replica 1</td>");
	/* ops skipped, beside the count */
	assert_contains(html, "<th>skipped<small>not issued</small></th>");
	assert_contains(html, "<td class=\"l\">punch_hole</td><td>1\u2009500</td><td>37</td>");
	/* plots, linked to their SVG */
	assert_contains(html, "<a href=\"plots/latency-mmap_read.svg\"><img src=\"plots/latency-mmap_read.png\"");
	assert_contains(html, "<img src=\"plots/timeline-i_mmap_sem.png\"");
	/* a timeline the span limit cut says where its data ends */
	assert_contains(html, "i_data_sem, first 2.00 ms (of 5.00 ms asked: the "
			      "span limit ends the data there)");
	g_assert_null(strstr(html, "i_mmap_sem, first 2.00 ms (of"));
	/* host figures marked as such; lock_stat table */
	assert_contains(html, "<b>Host-dependent</b>");
	assert_contains(html, "<th colspan=\"4\">waittime</th>");
	g_assert_null(strstr(html, "Plots are missing"));
	/* an op never run and a class never acquired: no column, row or plot */
	g_assert_null(strstr(html, FIXTURE_UNUSED_OP));
	g_assert_null(strstr(html, ">" FIXTURE_UNUSED_LOCK "<"));
	g_free(html);

	/* The scripts are kept and runnable alone: unit conversion in the
	 * script, nines on x, log y. */
	html = read_file(plots, "latency-mmap_read.gp", &len);
	assert_contains(html, "set logscale y");
	assert_contains(html, "'99.9%%' 3");
	assert_contains(html, "using 2:($3/1000)");
	g_free(html);

	g_free(plots);
	remove_tree(dir);
	g_free(dir);
}

static void test_render_sweep(void)
{
	static const char *const some[] = {
		"sweep-p99", "sweep-throughput", "sweep-violations",
		"latency-mmap_read-p1", "latency-punch_hole-p2", "violations-p2",
		"lockwait-i_mmap_sem-p2", "timeline-lockless-p1",
	};
	char *dir, *plots, *log, *html, *dat;
	GError *err = NULL;
	gsize len;
	guint i;

	if (!have_gnuplot()) {
		g_test_skip("gnuplot not installed");
		return;
	}
	dir = make_run_dir(TRUE);
	g_assert_true(render(dir, &log, &err));
	g_assert_no_error(err);
	g_assert_cmpstr(log, ==, "");
	g_free(log);
	plots = g_build_filename(dir, "plots", NULL);
	for (i = 0; i < G_N_ELEMENTS(some); i++) {
		char *f = g_strconcat(some[i], ".dat", NULL);

		g_assert_true(nonempty(plots, f));
		g_free(f);
		assert_png(plots, some[i]);
		assert_svg(plots, some[i]);
	}
	/* one block per strategy, one row per sweep point */
	dat = read_file(plots, "sweep-throughput.dat", &len);
	assert_contains(dat, "# index 0: lockless\n1 ");
	assert_contains(dat, "# index 1: i_mmap_sem\n1 ");
	assert_contains(dat, "\n4 ");
	g_free(dat);

	html = read_file(dir, "index.html", &len);
	assert_well_formed(html, len, "index.html");
	assert_contains(html, "<tr class=\"point\"><th class=\"l\" colspan=\"9\">puncher.numjobs = 4</th></tr>");
	assert_contains(html, "<img src=\"plots/sweep-p99.png\"");
	/* the config file name has a space: quoted for the shell */
	assert_contains(html, "sim/sim --replay 42:0 &apos;workloads/punch sweep.cfg&apos;");
	g_free(html);
	g_free(plots);
	remove_tree(dir);
	g_free(dir);
}

static void test_no_gnuplot(void)
{
	char *dir = make_run_dir(FALSE), *plots, *log, *html, *msg;
	GError *err = NULL;
	gsize len;

	g_setenv("FAULTLINE_GNUPLOT", "/nonexistent/gnuplot", TRUE);
	g_assert_true(render(dir, &log, &err));
	g_unsetenv("FAULTLINE_GNUPLOT");
	g_assert_no_error(err);
	msg = g_strdup_printf("%s: gnuplot not found: install it with 'apt-get install "
			      "gnuplot-nox'; data and scripts were written to %s/plots\n",
			      g_get_prgname(), dir);
	g_assert_cmpstr(log, ==, msg);
	g_free(msg);
	g_free(log);

	plots = g_build_filename(dir, "plots", NULL);
	assert_plot_files(plots, fixture_plots, G_N_ELEMENTS(fixture_plots), FALSE);
	html = read_file(dir, "index.html", &len);
	assert_well_formed(html, len, "index.html");
	assert_contains(html, "Plots are missing");
	assert_contains(html, "apt-get install gnuplot-nox");
	assert_contains(html, "<a href=\"plots/violations.gp\">script</a>");
	g_assert_null(strstr(html, "<img"));
	/* the tables are all there */
	assert_contains(html, "<a href=\"#strategy-3\">i_mmap_sem</a>");
	assert_contains(html, FIXTURE_EXPLANATION_ESCAPED);
	g_free(html);
	g_free(plots);
	remove_tree(dir);
	g_free(dir);
}

/* A second render replaces plots/ as a whole, leaves nothing behind, and
 * writes the same files. */
static void test_rerender(void)
{
	char *dir = make_run_dir(FALSE), *stale, *log, *top;
	GError *err = NULL;

	char *first_html, *first_gp, *html, *gp;
	gsize len;

	g_setenv("FAULTLINE_GNUPLOT", "", TRUE);    /* fast: no drawing */
	g_assert_true(render(dir, &log, &err));
	g_free(log);
	first_html = read_file(dir, "index.html", &len);
	first_gp = read_file(dir, "plots/timeline-i_mmap_sem.gp", &len);
	stale = g_build_filename(dir, "plots", "stale.dat", NULL);
	g_assert_true(g_file_set_contents(stale, "old", -1, NULL));
	g_assert_true(render(dir, &log, &err));
	g_assert_no_error(err);
	g_free(log);
	g_unsetenv("FAULTLINE_GNUPLOT");
	g_assert_false(g_file_test(stale, G_FILE_TEST_EXISTS));
	/* a render is a function of results.json */
	html = read_file(dir, "index.html", &len);
	gp = read_file(dir, "plots/timeline-i_mmap_sem.gp", &len);
	g_assert_cmpstr(html, ==, first_html);
	g_assert_cmpstr(gp, ==, first_gp);
	g_free(html);
	g_free(gp);
	g_free(first_html);
	g_free(first_gp);
	top = listing(dir);
	g_assert_null(strstr(top, ".report-"));
	g_assert_nonnull(strstr(top, "plots/violations.gp "));
	g_free(top);
	g_free(stale);
	remove_tree(dir);
	g_free(dir);
}

/* The bare minimum the schema checks demand renders: no figures (and so no
 * gnuplot run), tables of zeros and dashes, the interrupted-run warning. */
static void test_minimal(void)
{
	static const char json[] =
		"{ \"schema\": \"faultline-results\", \"schema_version\": 1, \"interrupted\": true,\n"
		"  \"plan\": { \"strategies\": [\"lockless\", \"i_mmap_sem\"] },\n"
		"  \"strategies\": [ { \"name\": \"lockless\" }, { \"name\": \"i_mmap_sem\",\n"
		"    \"ops\": { \"mmap_read\": { \"count\": 0, \"percentiles\": { \"50\": 0 } } } } ] }\n";
	char *dir, *path, *log, *html, *top;
	GError *err = NULL;
	gsize len;

	dir = g_dir_make_tmp("faultline-report-XXXXXX", &err);
	g_assert_no_error(err);
	path = g_build_filename(dir, "results.json", NULL);
	g_assert_true(g_file_set_contents(path, json, -1, NULL));
	g_setenv("FAULTLINE_GNUPLOT", "", TRUE);
	g_assert_true(render(dir, &log, &err));
	g_unsetenv("FAULTLINE_GNUPLOT");
	g_assert_no_error(err);
	g_free(log);
	top = listing(dir);
	g_assert_nonnull(strstr(top, "\nplots -1\nresults.json "));   /* plots/ empty */
	g_free(top);
	html = read_file(dir, "index.html", &len);
	assert_well_formed(html, len, "index.html");
	assert_contains(html, "This run was interrupted");
	assert_contains(html, "No violations in any replica of any strategy.");
	assert_contains(html, "<a href=\"#strategy-2\">i_mmap_sem</a>");
	g_free(html);
	g_free(path);
	remove_tree(dir);
	g_free(dir);
}

/* ---- bad input ------------------------------------------------------------------- */

struct bad_case {
	const char *name;
	const char *json;               /* NULL: no results.json at all */
	const char *message;            /* expected in the error */
};

static const struct bad_case bad_cases[] = {
	{ "missing", NULL, "results.json" },
	{ "malformed", "{ \"schema\": \"faultline-results\", \"schema_version\": 1,\n  \"plan\": {",
	  "results.json:" },
	{ "empty", "", "results.json" },
	{ "not-an-object", "[1, 2]", "not a faultline results file" },
	{ "other-schema", "{ \"schema\": \"fio-results\", \"schema_version\": 1 }",
	  "not a faultline results file (\"schema\" is \"fio-results\"" },
	{ "version-2", "{ \"schema\": \"faultline-results\", \"schema_version\": 2, "
	  "\"plan\": { \"strategies\": [] }, \"strategies\": [] }",
	  "schema version 2 is not supported" },
	{ "no-strategies", "{ \"schema\": \"faultline-results\", \"schema_version\": 1, "
	  "\"plan\": { \"strategies\": [\"a\"] }, \"strategies\": {} }",
	  "\"strategies\" is missing or not an array" },
	{ "nameless", "{ \"schema\": \"faultline-results\", \"schema_version\": 1, "
	  "\"plan\": { \"strategies\": [\"a\"] }, \"strategies\": [ { \"replicas\": 1 } ] }",
	  "strategies[0].name is missing" },
};

static void test_bad_input(gconstpointer data)
{
	const struct bad_case *bc = data;
	GError *err = NULL;
	char *dir, *json, *before, *after, *log, *index;

	dir = g_dir_make_tmp("faultline-report-XXXXXX", &err);
	g_assert_no_error(err);
	json = g_build_filename(dir, "results.json", NULL);
	if (bc->json)
		g_assert_true(g_file_set_contents(json, bc->json, -1, NULL));
	/* an earlier report must survive a failed render untouched */
	index = g_build_filename(dir, "index.html", NULL);
	g_assert_true(g_file_set_contents(index, "<p>earlier</p>", -1, NULL));
	before = listing(dir);

	g_assert_false(render(dir, &log, &err));
	g_assert_error(err, REPORT_ERROR, REPORT_ERROR_INPUT);
	g_assert_nonnull(strstr(err->message, json));
	g_assert_nonnull(strstr(err->message, bc->message));
	g_assert_null(strchr(err->message, '\n'));
	g_assert_cmpstr(log, ==, "");
	g_clear_error(&err);
	g_free(log);
	after = listing(dir);
	g_assert_cmpstr(before, ==, after);

	g_free(before);
	g_free(after);
	g_free(index);
	g_free(json);
	remove_tree(dir);
	g_free(dir);
}

/* The program: exit status 2 and one line on stderr naming the file. */
static void test_program(void)
{
	const char *build = g_getenv("FAULTLINE_BUILDDIR");
	char *prog = g_build_filename(build ? build : ".", "reports", "sim-report", NULL);
	char *dir, *json, *out = NULL, *errs = NULL, *before, *after;
	char *argv[] = { prog, NULL, NULL };
	GError *err = NULL;
	int status;

	if (!g_file_test(prog, G_FILE_TEST_IS_EXECUTABLE)) {
		g_test_skip("reports/sim-report not built");
		g_free(prog);
		return;
	}
	dir = g_dir_make_tmp("faultline-report-XXXXXX", &err);
	g_assert_no_error(err);
	json = g_build_filename(dir, "results.json", NULL);
	g_assert_true(g_file_set_contents(json, "{ \"schema\": ", -1, NULL));
	before = listing(dir);
	argv[1] = dir;
	g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL,
				   &out, &errs, &status, &err));
	g_assert_no_error(err);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 2);
	g_assert_cmpstr(out, ==, "");
	g_assert_true(g_str_has_prefix(errs, "sim-report: "));
	g_assert_nonnull(strstr(errs, json));
	g_assert_true(g_str_has_suffix(errs, "\n"));
	g_assert_true(strchr(errs, '\n') == errs + strlen(errs) - 1);    /* one line */
	after = listing(dir);
	g_assert_cmpstr(before, ==, after);
	g_free(out);
	g_free(errs);

	/* no argument: usage error, 2 */
	argv[1] = NULL;
	g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL,
				   &out, &errs, &status, &err));
	g_assert_cmpint(WEXITSTATUS(status), ==, 2);
	g_assert_true(g_str_has_prefix(errs, "sim-report: no run directory given"));
	g_free(out);
	g_free(errs);

	/* a good run dir without gnuplot: 0, the package message */
	report_fixture_write(json, FALSE);
	argv[1] = dir;
	{
		char **envp = g_environ_setenv(g_get_environ(), "FAULTLINE_GNUPLOT",
					       "/nonexistent/gnuplot", TRUE);

		g_assert_true(g_spawn_sync(NULL, argv, envp, G_SPAWN_STDIN_FROM_DEV_NULL,
					   NULL, NULL, &out, &errs, &status, &err));
		g_strfreev(envp);
	}
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
	g_assert_true(g_str_has_prefix(errs, "sim-report: gnuplot not found: install it with "
					     "'apt-get install gnuplot-nox'; data and scripts were "
					     "written to "));
	g_free(out);
	g_free(errs);

	g_free(before);
	g_free(after);
	g_free(json);
	remove_tree(dir);
	g_free(dir);
	g_free(prog);
}

static void test_unwritable(void)
{
	char *dir, *before, *after, *log;
	GError *err = NULL;

	if (geteuid() == 0) {
		g_test_skip("running as root: permissions do not stop writes");
		return;
	}
	dir = make_run_dir(FALSE);
	g_assert_cmpint(g_chmod(dir, 0555), ==, 0);
	before = listing(dir);
	g_assert_false(render(dir, &log, &err));
	g_assert_error(err, REPORT_ERROR, REPORT_ERROR_OUTPUT);
	g_assert_nonnull(strstr(err->message, dir));
	g_clear_error(&err);
	after = listing(dir);
	g_assert_cmpstr(before, ==, after);
	g_chmod(dir, 0755);
	g_free(log);
	g_free(before);
	g_free(after);
	remove_tree(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	guint i;

	g_test_init(&argc, &argv, NULL);
	/* The gnuplot found by configure or in PATH, whatever the caller's
	 * environment says. */
	g_unsetenv("FAULTLINE_GNUPLOT");
	g_test_add_func("/reports/fmt", test_fmt);
	g_test_add_func("/reports/render", test_render);
	g_test_add_func("/reports/render-sweep", test_render_sweep);
	g_test_add_func("/reports/no-gnuplot", test_no_gnuplot);
	g_test_add_func("/reports/rerender", test_rerender);
	g_test_add_func("/reports/minimal", test_minimal);
	for (i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
		char *path = g_strconcat("/reports/bad-input/", bad_cases[i].name, NULL);

		g_test_add_data_func(path, &bad_cases[i], test_bad_input);
		g_free(path);
	}
	g_test_add_func("/reports/program", test_program);
	g_test_add_func("/reports/unwritable", test_unwritable);
	return g_test_run();
}
