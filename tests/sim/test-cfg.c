/* tests/sim/test-cfg.c — workload files against the demo schema: a good
 * file with fio habits loads into the expected structs; every bad fixture
 * (tests/sim/cfg/bad-*.cfg, first line "; expect: MESSAGE" with FILE for
 * the path) fails with exactly its one-line message; hostile bytes never
 * crash; --set and --sweep; the canonical dump round-trips; and a seeded
 * mutation fuzzer checks "loads and round-trips, or one-line error".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "demo-schema.h"

/* libsim.a's distributions assert through sim_bug, which the engine
 * provides; weak, so a libsim.a that has it wins. */
__attribute__((weak)) _Noreturn void sim_bug(const char *file, int line,
					     const char *cond)
{
	g_printerr("BUG at %s:%d: %s\n", file, line, cond);
	abort();
}

static char *fixture(const char *name)
{
	const char *src = g_getenv("FAULTLINE_SRCDIR");

	if (src)
		return g_build_filename(src, "tests", "sim", "cfg", name, NULL);
	return g_test_build_filename(G_TEST_DIST, "cfg", name, NULL);
}

static struct sim_cfg *load_fixture(const char *name)
{
	char *path = fixture(name);
	GError *err = NULL;
	struct sim_cfg *cfg = sim_cfg_load(&demo_schema, path, &err);

	g_assert_no_error(err);
	g_assert_nonnull(cfg);
	g_free(path);
	return cfg;
}

static struct sim_cfg *load_text(const char *text, GError **err)
{
	return sim_cfg_load_data(&demo_schema, "t.cfg", text, strlen(text),
				 err);
}

/* Loads `text`, expecting failure with exactly `msg` and `code`. */
static void load_bad(const char *text, size_t len, int code, const char *msg)
{
	GError *err = NULL;
	struct sim_cfg *cfg = sim_cfg_load_data(&demo_schema, "t.cfg", text,
						len, &err);

	if (cfg)
		g_error("loaded, but should fail: %s", text);
	g_assert_nonnull(err);
	if (msg)
		g_assert_cmpstr(err->message, ==, msg);
	if (code >= 0)
		g_assert_error(err, SIM_CFG_ERROR, code);
	g_assert_null(strchr(err->message, '\n'));
	g_error_free(err);
}

#define LIT(s) s, sizeof(s) - 1

static bool cfg_equal(const struct sim_cfg *a, const struct sim_cfg *b)
{
	if (a->n_sections != b->n_sections)
		return false;
	for (unsigned i = 0; i < a->n_sections; i++) {
		const struct sim_cfg_section *x = a->sections[i];
		const struct sim_cfg_section *y = b->sections[i];

		if (strcmp(x->name, y->name) || x->type_index != y->type_index)
			return false;
		for (const struct sim_option *o = x->type->options; o->name;
		     o++)
			if (!sim_option_equal(o, x->data, y->data))
				return false;
		if (x->type_index == DEMO_GLOBAL &&
		    ((struct demo_global *)x->data)->init_marker !=
		    ((struct demo_global *)y->data)->init_marker)
			return false;
	}
	return true;
}

/* dump → load → equal structs, and the second dump is the same text. */
static void check_round_trip(const struct sim_cfg *cfg)
{
	char *text = sim_cfg_dump(cfg), *text2;
	GError *err = NULL;
	struct sim_cfg *again = sim_cfg_load_data(&demo_schema, cfg->file,
						  text, strlen(text), &err);

	if (!again)
		g_error("dump does not load: %s\n%s", err->message, text);
	g_assert_true(cfg_equal(cfg, again));
	text2 = sim_cfg_dump(again);
	g_assert_cmpstr(text, ==, text2);
	g_free(text);
	g_free(text2);
	sim_cfg_free(again);
}

/* ---- the good file ------------------------------------------------------- */

static void test_good(void)
{
	struct sim_cfg *cfg = load_fixture("good.cfg");
	struct sim_cfg_section *sec;
	struct demo_global *g;
	struct demo_costs *c;
	struct demo_file *f;
	struct demo_job *m, *p;

	/* the implicit [costs] first, then file order */
	g_assert_cmpuint(cfg->n_sections, ==, 5);
	g_assert_cmpstr(cfg->sections[0]->name, ==, "costs");
	g_assert_cmpint(cfg->sections[0]->line, ==, 0);
	g_assert_cmpstr(cfg->sections[1]->name, ==, "global");
	g_assert_cmpint(cfg->sections[1]->line, ==, 4);
	g_assert_cmpstr(cfg->sections[2]->name, ==, "data");
	g_assert_cmpuint(cfg->sections[2]->type_index, ==, DEMO_FILE);
	g_assert_cmpint(cfg->sections[2]->type_line, ==, 15);
	g_assert_cmpstr(cfg->sections[3]->name, ==, "mapper");
	g_assert_cmpuint(cfg->sections[3]->type_index, ==, DEMO_JOB);
	g_assert_cmpstr(cfg->sections[4]->name, ==, "puncher");
	g_assert_null(sim_cfg_lookup(cfg, "nope"));
	g_assert_null(sim_cfg_data(cfg, "nope"));

	g = sim_cfg_data(cfg, "global");
	g_assert_cmpint(g->init_marker, ==, 42);
	g_assert_cmpuint(g_strv_length(g->strategies), ==, 4);
	g_assert_cmpstr(g->strategies[3], ==, "invalidate_lock");
	g_assert_cmpint(g->replicas, ==, 16);
	g_assert_cmpint(g->duration, ==, 200 * SIM_MSEC);
	g_assert_cmpint(g->seed, ==, 1);
	g_assert_cmpint(g->device, ==, 0);
	g_assert_cmpstr(g->mount[0], ==, "data=ordered");
	g_assert_cmpstr(g->mount[1], ==, "delalloc");
	g_assert_true(g->verbose);                        /* bare flag */
	g_assert_cmpstr(g->label, ==, "demo;run#1");
	g_assert_cmpfloat(g->confidence, ==, 0.95);      /* default */
	g_assert_cmpuint(g->memory, ==, 1ull << 30);

	c = sim_cfg_data(cfg, "costs");
	g_assert_cmpint(c->page_fault, ==, 500);
	g_assert_cmpint(c->punch_base, ==, 2000);         /* bare = us */
	g_assert_cmpint(c->disk_read.kind, ==, SIM_DIST_NORMAL);

	f = sim_cfg_data(cfg, "data");
	g_assert_cmpuint(f->size, ==, 64ull << 20);
	g_assert_cmpint(f->layout, ==, 0);

	m = sim_cfg_data(cfg, "mapper");
	g_assert_cmpint(m->numjobs, ==, 6);
	g_assert_cmpstr(m->file, ==, "data");
	g_assert_cmpuint(m->ops.n, ==, 2);
	g_assert_cmpstr(m->ops.names[1], ==, "mmap_write");
	g_assert_cmpfloat(m->think.a, ==, 2000);
	g_assert_false(m->direct);

	p = sim_cfg_data(cfg, "puncher");
	g_assert_cmpint(p->numjobs, ==, 2);
	g_assert_cmpstr(p->file, ==, "data");
	g_assert_cmpuint(p->ops.n, ==, 4);
	g_assert_cmpint(p->ops.index[3], ==, 7);
	g_assert_cmpint(p->len.kind, ==, SIM_DIST_UNIFORM);
	g_assert_cmpfloat(p->len.b, ==, 262144);
	g_assert_true(p->direct);                         /* indented flag */

	sec = sim_cfg_lookup(cfg, "puncher");
	g_assert_true(sim_cfg_is_set(sec, "numjobs"));
	g_assert_false(sim_cfg_is_set(sec, "offset"));
	g_assert_false(sim_cfg_is_set(sec, "nosuchkey"));
	g_assert_cmpint(sec->origin[0], ==, 27);          /* numjobs=2 */

	check_round_trip(cfg);
	sim_cfg_free(cfg);
}

static void test_habits(void)
{
	static const char crlf[] =
		"\xef\xbb\xbf[data]\r\ntype=file\r\nsize =  8K \r\n\r\n"
		"[j]\r\n\tfile\t=\tdata\t# tabbed\r\ndirect\r\n";
	GError *err = NULL;
	struct sim_cfg *cfg = load_text(crlf, &err);
	struct demo_job *j;

	g_assert_no_error(err);
	g_assert_cmpuint(((struct demo_file *)sim_cfg_data(cfg, "data"))->size,
			 ==, 8192);
	j = sim_cfg_data(cfg, "j");
	g_assert_cmpstr(j->file, ==, "data");
	g_assert_true(j->direct);
	g_assert_cmpint(sim_cfg_lookup(cfg, "j")->origin[7], ==, 7);
	sim_cfg_free(cfg);

	/* empty and comment-only files: just the implicit sections */
	cfg = load_text("", &err);
	g_assert_no_error(err);
	g_assert_cmpuint(cfg->n_sections, ==, 2);
	g_assert_cmpstr(cfg->sections[0]->name, ==, "global");
	g_assert_cmpstr(cfg->sections[1]->name, ==, "costs");
	check_round_trip(cfg);
	sim_cfg_free(cfg);
	cfg = load_text("; nothing\n# here\n\n   ; at all", &err);
	g_assert_no_error(err);
	g_assert_cmpuint(cfg->n_sections, ==, 2);
	sim_cfg_free(cfg);

	/* no newline at the end; UTF-8 section name; spaces in a name */
	cfg = load_text("[donn\xc3\xa9" "es]\ntype = file\nsize=1M\n"
			"[my job]\nfile = donn\xc3\xa9" "es", &err);
	g_assert_no_error(err);
	g_assert_nonnull(sim_cfg_lookup(cfg, "my job"));
	check_round_trip(cfg);
	sim_cfg_free(cfg);

	/* bare flags and the three spellings of a boolean */
	cfg = load_text("[global]\nverbose = off\n", &err);
	g_assert_no_error(err);
	g_assert_false(((struct demo_global *)sim_cfg_data(cfg,
							   "global"))->verbose);
	sim_cfg_free(cfg);
}

/* ---- bad files ----------------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_bad_fixtures(void)
{
	char *dirname = fixture("");
	GDir *dir = g_dir_open(dirname, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	g_assert_nonnull(dir);
	while ((name = g_dir_read_name(dir)))
		if (g_str_has_prefix(name, "bad-") &&
		    g_str_has_suffix(name, ".cfg"))
			g_ptr_array_add(names, g_strdup(name));
	g_dir_close(dir);
	g_ptr_array_sort(names, cmp_names);                /* stable order */
	g_assert_cmpuint(names->len, >=, 30);

	for (unsigned i = 0; i < names->len; i++) {
		char *path = g_build_filename(dirname, names->pdata[i], NULL);
		char *text = NULL, *want, *nl;
		GError *err = NULL;
		struct sim_cfg *cfg;
		GString *expect;

		g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
		g_assert_true(g_str_has_prefix(text, "; expect: "));
		nl = strchr(text, '\n');
		want = g_strndup(text + 10, (gsize)(nl - text - 10));
		expect = g_string_new(want);
		g_string_replace(expect, "FILE", path, 1);

		cfg = sim_cfg_load(&demo_schema, path, &err);
		if (cfg)
			g_error("%s loaded but should fail", path);
		if (g_test_verbose())
			g_printerr("%s\n", err->message);
		g_assert_cmpstr(err->message, ==, expect->str);
		g_assert_true(err->domain == SIM_CFG_ERROR);
		g_error_free(err);
		g_string_free(expect, TRUE);
		g_free(want);
		g_free(text);
		g_free(path);
	}
	g_ptr_array_free(names, TRUE);
	g_free(dirname);
}

static void test_bad_codes(void)
{
	load_bad(LIT("[global]\nseed = 1\nseed = 2\n"),
		 SIM_CFG_ERROR_DUPLICATE,
		 "t.cfg:3: [global] seed: duplicate key (first at line 2)");
	load_bad(LIT("[global]\nsede = 1\n"), SIM_CFG_ERROR_KEY,
		 "t.cfg:2: [global] sede: unknown key 'sede' (did you mean "
		 "'seed'?)");
	load_bad(LIT("[global]\nreplicas = 0\n"), SIM_CFG_ERROR_RANGE,
		 "t.cfg:2: [global] replicas: 0 is out of range 1..10000");
	load_bad(LIT("[m]\nnumjobs = 1\n"), SIM_CFG_ERROR_MISSING, NULL);
	load_bad(LIT("[m]\nfile = x\n"), SIM_CFG_ERROR_INVALID,
		 "t.cfg:2: [m] file: no file section [x]");
	load_bad(LIT("[d]\ntype = nope\n"), SIM_CFG_ERROR_SECTION, NULL);
}

static void test_hostile(void)
{
	static const char nul[] = "[global]\nseed = 1\0 2\n";
	GString *big = g_string_new("[global]\nlabel = ");
	char *msg;

	load_bad(nul, sizeof(nul) - 1, SIM_CFG_ERROR_SYNTAX,
		 "t.cfg:2: NUL byte (is this a text file?)");
	load_bad(LIT("[global]\nlabel = \xff\xfe\n"), SIM_CFG_ERROR_SYNTAX,
		 "t.cfg:2: invalid UTF-8");
	load_bad(LIT("[global]\nlabel = a\x01" "b\n"), SIM_CFG_ERROR_SYNTAX,
		 "t.cfg:2: control character 0x01");
	load_bad(LIT("\x7f" "ELF\x02\x01\x01"), SIM_CFG_ERROR_SYNTAX, NULL);
	load_bad(LIT("["), SIM_CFG_ERROR_SYNTAX,
		 "t.cfg:1: unterminated section header '['");
	load_bad(LIT("]"), SIM_CFG_ERROR_SYNTAX, NULL);
	load_bad(LIT("="), SIM_CFG_ERROR_SYNTAX, NULL);
	load_bad(LIT("[a[b]]"), SIM_CFG_ERROR_SYNTAX, NULL);
	load_bad(LIT("[a=b]"), SIM_CFG_ERROR_SYNTAX, NULL);
	load_bad(LIT("[a\tb]"), SIM_CFG_ERROR_SYNTAX, NULL);  /* fuzz find */
	load_bad(LIT("[global]\nseed[de] = 1\n"), SIM_CFG_ERROR_KEY, NULL);
	load_bad(LIT("[global]\nsé = 1\n"), SIM_CFG_ERROR_KEY, NULL);
	load_bad(LIT("[global]\nseed = 1 2\n"), SIM_CFG_ERROR_VALUE,
		 "t.cfg:2: [global] seed: expected an integer, got '1 2'");
	load_bad(LIT("[global]\nmemory = 99999999999999999999999999999999999999"
		 "9999999999999999999T\n"), SIM_CFG_ERROR_RANGE, NULL);
	load_bad(LIT("[global]\nlabel=;x\n"), SIM_CFG_ERROR_VALUE,
		 "t.cfg:2: [global] label: ';' at the start of a value or "
		 "after a space begins a comment");

	/* a megabyte of value: the message stays short and on one line */
	for (int i = 0; i < (1 << 20) / 8; i++)
		g_string_append(big, "abcdefg ");
	g_string_append(big, "\n[global]\n");
	load_bad(big->str, big->len, SIM_CFG_ERROR_DUPLICATE, NULL);
	g_string_truncate(big, 0);
	g_string_append(big, "[global]\nseed = ");
	for (int i = 0; i < 100000; i++)
		g_string_append_c(big, '9');
	load_bad(big->str, big->len, SIM_CFG_ERROR_RANGE, NULL);
	{
		GError *err = NULL;

		g_assert_null(load_text(big->str, &err));
		g_assert_cmpuint(strlen(err->message), <, 200);
		g_error_free(err);
	}
	g_string_free(big, TRUE);

	/* an escape sequence is just text: GKeyFile's are not applied */
	{
		GError *err = NULL;
		struct sim_cfg *cfg = load_text("[global]\nlabel = a\\nb\\s\n",
						&err);

		g_assert_no_error(err);
		msg = ((struct demo_global *)sim_cfg_data(cfg, "global"))->label;
		g_assert_cmpstr(msg, ==, "a\\nb\\s");
		check_round_trip(cfg);
		sim_cfg_free(cfg);
	}
}

static void test_missing_file(void)
{
	GError *err = NULL;

	g_assert_null(sim_cfg_load(&demo_schema, "/nonexistent/x.cfg", &err));
	g_assert_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_OPEN);
	g_assert_cmpstr(err->message, ==, "cannot open /nonexistent/x.cfg: "
			"No such file or directory");
	g_clear_error(&err);
	g_assert_null(sim_cfg_load(&demo_schema, "/", &err));
	g_assert_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_OPEN);
	g_assert_cmpstr(err->message, ==, "cannot read /: Is a directory");
	g_clear_error(&err);
}

/* ---- overrides ----------------------------------------------------------- */

/* Messages name the file as given; use a short, fixed name. */
static struct sim_cfg *load_fixture_short(const char *name)
{
	struct sim_cfg *cfg = load_fixture(name);

	g_free(cfg->file);
	cfg->file = g_strdup(name);
	return cfg;
}

static void set_bad(struct sim_cfg *cfg, const char *sk, const char *v,
		    int code, const char *msg)
{
	GError *err = NULL;

	g_assert_false(sim_cfg_set(cfg, sk, v, &err));
	g_assert_error(err, SIM_CFG_ERROR, code);
	g_assert_cmpstr(err->message, ==, msg);
	g_error_free(err);
}

static void test_set(void)
{
	struct sim_cfg *cfg = load_fixture_short("good.cfg");
	struct demo_job *p = sim_cfg_data(cfg, "puncher");
	struct sim_cfg_section *sec = sim_cfg_lookup(cfg, "puncher");
	GError *err = NULL;

	g_assert_false(sim_cfg_is_set(sec, "offset"));
	g_assert_true(sim_cfg_set(cfg, "puncher.numjobs", "4", &err));
	g_assert_true(sim_cfg_set(cfg, "puncher.offset", "zipf", &err));
	g_assert_true(sim_cfg_set_assignment(cfg, "puncher.think=uniform:1us-"
					     "2us", &err));
	g_assert_true(sim_cfg_set_assignment(cfg, " global.seed = 7", &err));
	g_assert_true(sim_cfg_set(cfg, "costs.page_fault", "1us", &err));
	g_assert_no_error(err);
	g_assert_cmpint(p->numjobs, ==, 4);
	g_assert_cmpint(p->offset, ==, 2);
	g_assert_cmpint(p->think.kind, ==, SIM_DIST_UNIFORM);
	g_assert_cmpint(((struct demo_global *)sim_cfg_data(cfg,
							    "global"))->seed,
			==, 7);
	g_assert_true(sim_cfg_is_set(sec, "offset"));
	g_assert_cmpint(sec->origin[0], ==, SIM_CFG_ORIGIN_SET);

	set_bad(cfg, "puncher.numjobs", "30000", SIM_CFG_ERROR_RANGE,
		"--set puncher.numjobs: 30000 is out of range 1..4096");
	g_assert_cmpint(p->numjobs, ==, 4);               /* unchanged */
	set_bad(cfg, "punchre.numjobs", "3", SIM_CFG_ERROR_SECTION,
		"--set punchre.numjobs: no section [punchre] in "
		"good.cfg (--set cannot add one) (did you mean [puncher]?)");
	set_bad(cfg, "puncher.numjob", "3", SIM_CFG_ERROR_KEY,
		"--set puncher.numjob: unknown key 'numjob' (did you mean "
		"'numjobs'?)");
	set_bad(cfg, "data.seed", "3", SIM_CFG_ERROR_KEY,
		"--set data.seed: unknown key 'seed' in a file section (it "
		"belongs in [global])");
	set_bad(cfg, "numjobs", "3", SIM_CFG_ERROR_SYNTAX,
		"--set 'numjobs': expected section.key");
	set_bad(cfg, "puncher.", "3", SIM_CFG_ERROR_SYNTAX,
		"--set 'puncher.': expected section.key");
	set_bad(cfg, "data.type", "job", SIM_CFG_ERROR_KEY,
		"--set data.type: a section's type cannot be changed");
	set_bad(cfg, "global.label", "a\nb", SIM_CFG_ERROR_VALUE,
		"--set global.label: control character in value");
	g_assert_false(sim_cfg_set_assignment(cfg, "puncher.numjobs", &err));
	g_assert_cmpstr(err->message, ==, "--set 'puncher.numjobs': expected "
			"section.key=value");
	g_clear_error(&err);

	/* cross-key checks after overrides name the override */
	g_assert_true(sim_cfg_set(cfg, "mapper.file", "nodata", &err));
	g_assert_false(sim_cfg_check(cfg, &err));
	g_assert_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_INVALID);
	g_assert_cmpstr(err->message, ==,
			"--set mapper.file: no file section [nodata]");
	g_clear_error(&err);
	g_assert_true(sim_cfg_set(cfg, "mapper.file", "data", &err));
	g_assert_true(sim_cfg_check(cfg, &err));

	check_round_trip(cfg);
	sim_cfg_free(cfg);

	/* --set splits at the last '.': section names may hold dots */
	cfg = load_text("[d]\ntype = file\nsize = 4K\n[job.1]\nfile = d\n",
			&err);
	g_assert_no_error(err);
	g_assert_true(sim_cfg_set(cfg, "job.1.numjobs", "3", &err));
	g_assert_cmpint(((struct demo_job *)sim_cfg_data(cfg, "job.1"))->numjobs,
			==, 3);
	sim_cfg_free(cfg);
}

static void test_sweep(void)
{
	struct sim_cfg *cfg = load_fixture_short("good.cfg");
	struct sim_cfg_sweep *sw;
	GError *err = NULL;
	char *before = sim_cfg_dump(cfg), *after;

	sw = sim_cfg_parse_sweep(cfg, "puncher.numjobs=1, 2,4 ,8", &err);
	g_assert_no_error(err);
	g_assert_cmpstr(sw->section, ==, "puncher");
	g_assert_cmpstr(sw->key, ==, "numjobs");
	g_assert_cmpuint(sw->n, ==, 4);
	g_assert_cmpstr(sw->values[1], ==, "2");
	g_assert_cmpstr(sw->values[2], ==, "4");
	g_assert_null(sw->values[4]);
	sim_cfg_sweep_free(sw);

	sw = sim_cfg_parse_sweep(cfg, "global.strategies=lockless; i_mmap_sem,"
				 "invalidate_lock", &err);
	g_assert_no_error(err);
	g_assert_cmpuint(sw->n, ==, 2);
	g_assert_cmpstr(sw->values[1], ==, "i_mmap_sem,invalidate_lock");
	sim_cfg_sweep_free(sw);

	sw = sim_cfg_parse_sweep(cfg, "mapper.think=normal:1us,1ns;exp:3us",
				 &err);
	g_assert_no_error(err);
	g_assert_cmpuint(sw->n, ==, 2);
	sim_cfg_sweep_free(sw);

	g_assert_null(sim_cfg_parse_sweep(cfg, "puncher.numjobs=1,0,2", &err));
	g_assert_cmpstr(err->message, ==,
			"--sweep puncher.numjobs: 0 is out of range 1..4096");
	g_clear_error(&err);
	g_assert_null(sim_cfg_parse_sweep(cfg, "mapper.file=data,nodata",
					  &err));
	g_assert_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_INVALID);
	g_assert_cmpstr(err->message, ==,
			"--sweep mapper.file: no file section [nodata]");
	g_clear_error(&err);
	g_assert_null(sim_cfg_parse_sweep(cfg, "puncher.numjobs=1,,2", &err));
	g_assert_cmpstr(err->message, ==, "--sweep puncher.numjobs: empty "
			"value in 'puncher.numjobs=1,,2'");
	g_clear_error(&err);
	g_assert_null(sim_cfg_parse_sweep(cfg, "puncher.numjobs=", &err));
	g_assert_cmpstr(err->message, ==, "--sweep puncher.numjobs: no values");
	g_clear_error(&err);
	g_assert_null(sim_cfg_parse_sweep(cfg, "puncher.numjobs", &err));
	g_assert_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_SYNTAX);
	g_clear_error(&err);
	g_assert_null(sim_cfg_parse_sweep(cfg, "nosuch.numjobs=1", &err));
	g_assert_cmpstr(err->message, ==, "--sweep nosuch.numjobs: no section "
			"[nosuch] in good.cfg (--set cannot add one)");
	g_clear_error(&err);

	/* parsing a sweep never changes the config */
	after = sim_cfg_dump(cfg);
	g_assert_cmpstr(before, ==, after);
	g_free(before);
	g_free(after);
	sim_cfg_free(cfg);
}

/* ---- output -------------------------------------------------------------- */

static void pair_to_json(void *user, const struct sim_cfg_section *sec,
			 const struct sim_option *opt, const char *key,
			 const char *value, enum sim_opt_json kind)
{
	GString *s = user;

	g_string_append_printf(s, "%s\"%s\": ", s->len > 1 ? ", " : "", key);
	if (kind == SIM_JSON_STRING)
		g_string_append_printf(s, "\"%s\"", value);
	else
		g_string_append(s, kind == SIM_JSON_NULL ? "null" : value);
	g_assert_true(opt == NULL || strcmp(opt->name, key) == 0);
	g_assert_nonnull(sec);
}

static void test_dump_json(void)
{
	struct sim_cfg *cfg = load_fixture_short("good.cfg");
	GString *json = g_string_new("{");
	char *dump = sim_cfg_dump(cfg);

	sim_cfg_section_foreach(cfg, sim_cfg_lookup(cfg, "data"), pair_to_json,
				json);
	g_string_append_c(json, '}');
	g_assert_cmpstr(json->str, ==, "{\"type\": \"file\", \"size\": 67108864, "
			"\"layout\": \"dense\", \"direct\": false}");
	g_string_assign(json, "{");
	sim_cfg_section_foreach(cfg, sim_cfg_lookup(cfg, "mapper"),
				pair_to_json, json);
	g_string_append_c(json, '}');
	g_assert_cmpstr(json->str, ==, "{\"numjobs\": 6, \"file\": \"data\", "
			"\"ops\": \"mmap_read:60, mmap_write:40\", \"offset\": "
			"\"random\", \"think\": \"exp:2us\", \"len\": "
			"\"fixed:4K\", \"popularity\": null, \"direct\": "
			"false, \"ops_file\": null, \"rate\": 0}");

	/* the dump: defaults included, canonical units, type key when needed */
	g_assert_nonnull(strstr(dump, "\n[data]\ntype = file\nsize = 64M\n"
				"layout = dense\ndirect = false\n"));
	g_assert_nonnull(strstr(dump, "\n[global]\nstrategies = lockless, "
				"i_data_sem, i_mmap_sem, invalidate_lock\n"
				"replicas = 16\nduration = 200ms\n"));
	g_assert_nonnull(strstr(dump, "\n[mapper]\nnumjobs = 6\nfile = data\n"));
	g_assert_null(strstr(dump, "type = job"));
	g_assert_null(strstr(dump, "ops_file"));          /* unset, no default */
	if (g_test_verbose())
		g_printerr("%s", dump);
	g_free(dump);
	g_string_free(json, TRUE);
	sim_cfg_free(cfg);
}

static void test_copy(void)
{
	struct sim_cfg *cfg = load_fixture("good.cfg");
	struct sim_cfg *copy = sim_cfg_copy(cfg);

	g_assert_true(cfg_equal(cfg, copy));
	g_assert_true(sim_cfg_set(copy, "mapper.ops", "read:1", NULL));
	g_assert_false(cfg_equal(cfg, copy));
	g_assert_cmpuint(((struct demo_job *)sim_cfg_data(cfg, "mapper"))->ops.n,
			 ==, 2);
	sim_cfg_free(copy);
	sim_cfg_free(cfg);
}

static void test_error_at(void)
{
	struct sim_cfg *cfg = load_fixture_short("good.cfg");
	struct sim_cfg_section *m = sim_cfg_lookup(cfg, "mapper");
	GError *err = NULL;

	sim_cfg_error_at(cfg, m, "think", &err, SIM_CFG_ERROR_INVALID,
			 "too %s", "slow");
	g_assert_cmpstr(err->message, ==, "good.cfg:24: [mapper] think: too slow");
	g_clear_error(&err);
	sim_cfg_error_at(cfg, m, "len", &err, SIM_CFG_ERROR_INVALID, "x");
	g_assert_cmpstr(err->message, ==, "good.cfg:19: [mapper] len: x");
	g_clear_error(&err);
	sim_cfg_error_at(cfg, m, NULL, &err, SIM_CFG_ERROR_INVALID, "y");
	g_assert_cmpstr(err->message, ==, "good.cfg:19: [mapper]: y");
	g_clear_error(&err);
	sim_cfg_error_at(cfg, sim_cfg_lookup(cfg, "data"), "type", &err,
			 SIM_CFG_ERROR_INVALID, "z");
	g_assert_cmpstr(err->message, ==, "good.cfg:15: [data] type: z");
	g_clear_error(&err);
	sim_cfg_error_at(cfg, sim_cfg_lookup(cfg, "costs"), "page_fault", &err,
			 SIM_CFG_ERROR_INVALID, "w");
	g_assert_cmpstr(err->message, ==, "good.cfg: [costs] page_fault: w");
	g_clear_error(&err);
	sim_cfg_free(cfg);
}

/* ---- fuzz ------------------------------------------------------------------ */

static const char *const tokens[] = {
	"=", "[", "]", ";", "#", "\n", ",", ":", "-", ".", " ", "\t", "\r",
	"K", "T", "us", "e", "%", "\\", "\"", "9999999999999999999999",
	"18446744073709551615", "\xc3\xa9", "\xff", "\x01", "type = file\n",
	"[x]\n", "[global]\n", "size = 4K\n", "uniform:", "exp:", "zipf:",
	"normal:", "direct\n", "numjobs", "file = data\n", "0", "-1",
};

static void mutate(GString *s, GRand *r)
{
	unsigned n = (unsigned)g_rand_int_range(r, 1, 5);

	for (unsigned k = 0; k < n; k++) {
		gsize pos = s->len ? (gsize)g_rand_int_range(r, 0,
							     (gint32)s->len + 1)
				   : 0;

		switch (g_rand_int_range(r, 0, 6)) {
		case 0:                         /* flip a byte */
			if (pos < s->len)
				s->str[pos] = (char)g_rand_int_range(r, 0, 256);
			break;
		case 1: {                       /* insert a token */
			const char *t = tokens[g_rand_int_range(r, 0,
					(gint32)G_N_ELEMENTS(tokens))];

			g_string_insert(s, (gssize)pos, t);
			break;
		}
		case 2: {                       /* delete a run */
			gssize len = g_rand_int_range(r, 1, 40);

			g_string_erase(s, (gssize)pos,
				       MIN((gssize)(s->len - pos), len));
			break;
		}
		case 3: {                       /* duplicate a line */
			const char *start = s->str + pos, *end;
			char *line;

			while (start > s->str && start[-1] != '\n')
				start--;
			end = strchr(start, '\n');
			line = end ? g_strndup(start, (gsize)(end - start + 1))
				   : g_strconcat(start, "\n", NULL);
			g_string_insert(s, (gssize)pos, line);
			g_free(line);
			break;
		}
		case 4:                         /* truncate */
			g_string_truncate(s, pos);
			break;
		case 5:                         /* a NUL inside */
			g_string_insert_len(s, (gssize)pos, "\0", 1);
			break;
		}
	}
}

static void test_fuzz(void)
{
	char *path = fixture("good.cfg"), *good;
	gsize good_len;
	/* FAULTLINE_FUZZ_SEED / _ROUNDS explore further, by hand */
	const char *env_seed = g_getenv("FAULTLINE_FUZZ_SEED");
	const char *env_rounds = g_getenv("FAULTLINE_FUZZ_ROUNDS");
	GRand *r = g_rand_new_with_seed(env_seed ? (guint32)atol(env_seed)
					       : 20240607);
	const unsigned rounds = env_rounds ? (unsigned)atol(env_rounds) : 3000;
	unsigned loaded = 0, failed = 0;

	g_assert_true(g_file_get_contents(path, &good, &good_len, NULL));
	for (unsigned i = 0; i < rounds; i++) {
		GString *s = g_string_new_len(good, (gssize)good_len);
		GError *err = NULL;
		struct sim_cfg *cfg;

		mutate(s, r);
		cfg = sim_cfg_load_data(&demo_schema, "fuzz.cfg", s->str, s->len,
					&err);
		if (cfg) {
			g_assert_no_error(err);
			check_round_trip(cfg);
			sim_cfg_free(cfg);
			loaded++;
		} else {
			g_assert_nonnull(err);
			g_assert_true(err->domain == SIM_CFG_ERROR);
			if (g_test_verbose() && failed % 50 == 0)
				g_printerr("%s\n", err->message);
			if (!g_regex_match_simple("^fuzz\\.cfg:[0-9]+: ",
						  err->message, 0, 0))
				g_printerr("no line: %s\n--\n%s\n--\n",
					   err->message, s->str);
			/* every error in a file names its line */
			g_assert_true(g_regex_match_simple("^fuzz\\.cfg:[0-9]+: ",
							   err->message, 0, 0));
			g_assert_null(strchr(err->message, '\n'));
			g_assert_true(g_utf8_validate(err->message, -1, NULL));
			for (const char *p = err->message; *p; p++)
				g_assert_cmpint((unsigned char)*p, >=, 0x20);
			g_error_free(err);
			failed++;
		}
		g_string_free(s, TRUE);
	}
	if (g_test_verbose())
		g_printerr("fuzz: %u loaded, %u rejected\n", loaded, failed);
	/* the mutations must exercise both outcomes */
	g_assert_cmpuint(loaded, >, rounds / 20);
	g_assert_cmpuint(failed, >, rounds / 4);
	g_rand_free(r);
	g_free(good);
	g_free(path);
}

/* Files built from the schema's own keys and plausible values: reaches
 * deeper into the value parsers (and loads more often) than byte noise. */
static const char *const values[] = {
	"0", "1", "-1", "4K", "64M", "1.5K", "99999999999T", "2us", "1.5ms",
	"10", "exp:2us", "uniform:4K-256K", "uniform:", "normal:1ms,10us",
	"lognormal:1ms,1ms", "zipf:0.99", "pareto:1.5,4K", "fixed:", "exp:0",
	"mmap_read:60, mmap_write:40", "read", "read:0", "lockless",
	"lockless, i_mmap_sem", "data=ordered,delalloc", "nvme", "dense",
	"true", "off", "0.95", "1e-3", "nan", "data", "file", "job", "",
	"a,,b", "\xc3\xa9", "18446744073709551615", "9223372036854775808",
};
static const char *const sections[] = {
	"global", "costs", "data", "mapper", "puncher", "glbal", "d2",
};

static void test_fuzz_grammar(void)
{
	const char *env_seed = g_getenv("FAULTLINE_FUZZ_SEED");
	const char *env_rounds = g_getenv("FAULTLINE_FUZZ_ROUNDS");
	GRand *r = g_rand_new_with_seed(env_seed ? (guint32)atol(env_seed)
					       : 77);
	const unsigned rounds = env_rounds ? (unsigned)atol(env_rounds) : 2000;
	unsigned loaded = 0;

	for (unsigned i = 0; i < rounds; i++) {
		GString *s = g_string_new("[data]\ntype = file\nsize = 1M\n");
		unsigned lines = (unsigned)g_rand_int_range(r, 1, 12);
		GError *err = NULL;
		struct sim_cfg *cfg;

		unsigned cur = DEMO_FILE;

		for (unsigned l = 0; l < lines; l++) {
			/* mostly keys of the current section's type */
			const struct sim_section_type *t = &demo_types[
				g_rand_int_range(r, 0, 5) ? cur :
				(unsigned)g_rand_int_range(r, 0, DEMO_JOB + 1)];
			unsigned n = sim_option_count(t->options);
			unsigned sec;

			switch (g_rand_int_range(r, 0, 8)) {
			case 0:
				sec = (unsigned)g_rand_int_range(r, 0,
					(gint32)G_N_ELEMENTS(sections));
				g_string_append_printf(s, "[%s]\n",
						       sections[sec]);
				cur = sec < 2 ? sec : DEMO_JOB;
				if (cur == DEMO_JOB && g_rand_boolean(r))
					g_string_append(s, "file = data\n");
				break;
			case 1:
				g_string_append_printf(s, "%s\n",
					t->options[g_rand_int_range(r, 0,
						   (gint32)n)].name);
				break;
			case 2:
				g_string_append(s, "type = file\n");
				break;
			default:
				g_string_append_printf(s, "%s = %s\n",
					t->options[g_rand_int_range(r, 0,
						   (gint32)n)].name,
					values[g_rand_int_range(r, 0,
					       (gint32)G_N_ELEMENTS(values))]);
				break;
			}
		}
		cfg = sim_cfg_load_data(&demo_schema, "g.cfg", s->str, s->len,
					&err);
		if (cfg) {
			check_round_trip(cfg);
			sim_cfg_free(cfg);
			loaded++;
		} else {
			g_assert_true(g_regex_match_simple("^g\\.cfg:[0-9]+: ",
							   err->message, 0, 0));
			g_error_free(err);
		}
		g_string_free(s, TRUE);
	}
	if (g_test_verbose())
		g_printerr("grammar fuzz: %u of %u loaded\n", loaded, rounds);
	g_assert_cmpuint(loaded, >, rounds / 100);
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cfg/good", test_good);
	g_test_add_func("/cfg/habits", test_habits);
	g_test_add_func("/cfg/bad-fixtures", test_bad_fixtures);
	g_test_add_func("/cfg/bad-codes", test_bad_codes);
	g_test_add_func("/cfg/hostile", test_hostile);
	g_test_add_func("/cfg/missing-file", test_missing_file);
	g_test_add_func("/cfg/set", test_set);
	g_test_add_func("/cfg/sweep", test_sweep);
	g_test_add_func("/cfg/dump-json", test_dump_json);
	g_test_add_func("/cfg/copy", test_copy);
	g_test_add_func("/cfg/error-at", test_error_at);
	g_test_add_func("/cfg/fuzz", test_fuzz);
	g_test_add_func("/cfg/fuzz-grammar", test_fuzz_grammar);
	return g_test_run();
}
