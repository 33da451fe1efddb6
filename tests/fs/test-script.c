/* tests/fs/test-script.c — the `script` key (fs/workload/script.h): items
 * parse into ops, format back to text that parses to the same ops, and
 * bad items are errors that name the item; step names match with blanks
 * and '_' as one. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fs/workload/script.h"

static void assert_same(const struct fs_wl_script_op *a,
			const struct fs_wl_script_op *b)
{
	g_assert_cmpint(a->kind, ==, b->kind);
	g_assert_cmpuint(a->offset, ==, b->offset);
	g_assert_cmpuint(a->len, ==, b->len);
	g_assert_cmpint(a->at, ==, b->at);
	g_assert_cmpint(a->think, ==, b->think);
	g_assert_cmpuint(a->ndelays, ==, b->ndelays);
	for (unsigned i = 0; i < a->ndelays; i++) {
		g_assert_cmpstr(a->delays[i].where, ==, b->delays[i].where);
		g_assert_cmpuint(a->delays[i].nth, ==, b->delays[i].nth);
		g_assert_cmpint(a->delays[i].delay, ==, b->delays[i].delay);
	}
}

static void test_parse(void)
{
	struct fs_wl_script s;
	GError *err = NULL;

	g_assert_true(fs_wl_script_parse(
		"punch_hole 64K 16K at=2us delay=ext4_ext_remove_space:25us, "
		"fsync, mmap_write 8192 think=1500ns, "
		"zero_range 1M 4K delay=page_lock#3:1ms delay=start_this_handle:7ns",
		&s, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(s.n, ==, 4);
	g_assert_cmpint(s.ops[0].kind, ==, FS_OP_PUNCH_HOLE);
	g_assert_cmpuint(s.ops[0].offset, ==, 64 << 10);
	g_assert_cmpuint(s.ops[0].len, ==, 16 << 10);
	g_assert_cmpint(s.ops[0].at, ==, 2000);
	g_assert_cmpuint(s.ops[0].ndelays, ==, 1);
	g_assert_cmpstr(s.ops[0].delays[0].where, ==, "ext4_ext_remove_space");
	g_assert_cmpuint(s.ops[0].delays[0].nth, ==, 1);
	g_assert_cmpint(s.ops[0].delays[0].delay, ==, 25000);
	g_assert_cmpint(s.ops[1].kind, ==, FS_OP_FSYNC);
	g_assert_cmpint(s.ops[1].at, ==, -1);
	g_assert_cmpuint(s.ops[2].offset, ==, 8192);
	g_assert_cmpuint(s.ops[2].len, ==, 4096);      /* the default */
	g_assert_cmpint(s.ops[2].think, ==, 1500);
	g_assert_cmpuint(s.ops[3].ndelays, ==, 2);
	g_assert_cmpuint(s.ops[3].delays[0].nth, ==, 3);
	g_assert_cmpint(s.ops[3].delays[0].delay, ==, 1000000);
	g_assert_cmpint(s.ops[3].delays[1].delay, ==, 7);
	fs_wl_script_free(&s);
}

/* format(parse(x)) parses to the same ops. */
static void test_round_trip(void)
{
	const char *text = "punch_hole 1000 4097 at=1234567ns "
			   "delay=cond_resched#2:3us, truncate 12K, fsync at=0, "
			   "collapse_range 8K 8K think=2ms";
	struct fs_wl_script a, b;
	GString *s = g_string_new(NULL);
	GError *err = NULL;

	g_assert_true(fs_wl_script_parse(text, &a, &err));
	for (unsigned i = 0; i < a.n; i++) {
		if (i)
			g_string_append(s, ", ");
		fs_wl_script_op_format(s, &a.ops[i]);
	}
	g_assert_true(fs_wl_script_parse(s->str, &b, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(a.n, ==, b.n);
	for (unsigned i = 0; i < a.n; i++)
		assert_same(&a.ops[i], &b.ops[i]);
	g_assert_nonnull(strstr(s->str, "at=1234567ns"));
	g_assert_nonnull(strstr(s->str, "think=2ms"));
	g_assert_nonnull(strstr(s->str, "delay=cond_resched#2:3us"));
	fs_wl_script_free(&a);
	fs_wl_script_free(&b);
	g_string_free(s, TRUE);
}

static void test_errors(void)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "", "empty script" },
		{ "fsnyc", "item 1 'fsnyc': unknown operation 'fsnyc' (did you mean 'fsync'?)" },
		{ "fsync, punch_hole x", "item 2 'punch_hole x': offset" },
		{ "fsync at=-1us", "item 1" },
		{ "punch_hole 0 0", "length 0" },
		{ "punch_hole 0 4K delay=x", "expected STEP[#N]:TIME" },
		{ "punch_hole 0 4K delay=x#0:1us", "#N must be a count from 1" },
		{ "punch_hole 0 4K delay=x:0", "the time must be > 0" },
		{ "punch_hole 0 4K colour=red", "unknown word 'colour=red'" },
		{ "at=1us", "not an operation" },
		{ "fsync 1 2 3", "expected OP [OFFSET [LEN]]" },
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct fs_wl_script s;
		GError *err = NULL;

		g_assert_false(fs_wl_script_parse(bad[i].text, &s, &err));
		g_assert_nonnull(err);
		if (!strstr(err->message, bad[i].msg))
			g_error("'%s': got '%s', want '%s'", bad[i].text,
				err->message, bad[i].msg);
		g_error_free(err);
	}
}

static void test_step_names(void)
{
	g_assert_true(fs_wl_step_name_eq("page lock", "page_lock"));
	g_assert_true(fs_wl_step_name_eq("page_lock", "page lock"));
	g_assert_false(fs_wl_step_name_eq("page_lock", "page_locks"));
	g_assert_false(fs_wl_step_name_eq("i_mutex", "i_data_sem"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/script/parse", test_parse);
	g_test_add_func("/script/round-trip", test_round_trip);
	g_test_add_func("/script/errors", test_errors);
	g_test_add_func("/script/step-names", test_step_names);
	return g_test_run();
}
