/* tests/fs/test-fsx.c — the fsx log parser and fsx's model of the file
 * (fs/workload/fsx.c): error messages (one line, FILE:LINE), rejected ops and flags,
 * fsx's trimming and skip rules, and the byte model after each op against
 * hand-computed contents and against a plain byte-array reference under
 * random ops.  The xfstests logs in tests/data/fsx/ are parsed and run
 * through the model where that directory exists (TAP skip otherwise); the
 * replay of logs through the kernel paths is in test-workload.c.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fs/workload/fsx.h"
#include "tests/fs/fixture/fs-harness.h"

#define KB 1024u

static struct fsx_log *parse(const char *text, GError **err)
{
	return fsx_log_parse("t.fsxops", text, strlen(text), err);
}

/* ---- parser -------------------------------------------------------------------- */

static void test_parse_ok(void)
{
	GError *err = NULL;
	struct fsx_log *log = parse(
		"# comment\n"
		"\n"
		"   \t\n"
		"write 0x10 0x20 0\n"
		"  # indented comment\n"
		"skip mapread 16 010 0x30 *\n"
		"zero_range\t0x1000   0x2000 0x4000 keep_size close_open\n"
		"truncate 0x0 0x1f0d6 0x380e1\n"
		"fsync 0x0 0x0 0x1", &err);
	char buf[128];

	g_assert_no_error(err);
	g_assert_nonnull(log);
	g_assert_cmpuint(log->n, ==, 5);
	g_assert_cmpuint(log->ops[0].kind, ==, FSX_WRITE);
	g_assert_cmpuint(log->ops[0].line, ==, 4);
	g_assert_cmpuint(log->ops[0].offset, ==, 0x10);
	g_assert_cmpuint(log->ops[0].length, ==, 0x20);
	g_assert_cmpuint(log->ops[1].kind, ==, FSX_MAPREAD);
	g_assert_cmpuint(log->ops[1].flags, ==, FSX_FL_SKIPPED);
	g_assert_cmpuint(log->ops[1].length, ==, 8);  /* C octal literal */
	g_assert_cmpuint(log->ops[1].line, ==, 6);
	g_assert_cmpuint(log->ops[2].flags, ==,
			 FSX_FL_KEEP_SIZE | FSX_FL_CLOSE_OPEN);
	g_assert_cmpuint(log->ops[3].kind, ==, FSX_TRUNCATE);
	g_assert_cmpuint(log->ops[3].length, ==, 0x1f0d6);
	g_assert_cmpuint(log->ops[3].size_before, ==, 0x380e1);
	g_assert_cmpuint(log->ops[4].kind, ==, FSX_FSYNC);
	fsx_op_format(&log->ops[2], buf, sizeof(buf));
	g_assert_cmpstr(buf, ==,
			"zero_range 0x1000 0x2000 0x4000 keep_size close_open");
	fsx_log_free(log);
}

static const struct {
	const char *text;
	int code;
	const char *msg;  /* expected message, exactly */
} bad[] = {
	{ "frobnicate 1 2 3", FSX_ERROR_PARSE,
	  "t.fsxops:1: unknown fsx op 'frobnicate'" },
	{ "# x\n\nclone_range 0x0 0x1000 0x2000 0x4000", FSX_ERROR_UNSUPPORTED,
	  "t.fsxops:3: fsx op 'clone_range' is not supported: reflink (FICLONERANGE) is not supported by ext4" },
	{ "copy_range 0 1 2 3", FSX_ERROR_UNSUPPORTED,
	  "t.fsxops:1: fsx op 'copy_range' is not supported: copy_file_range is not modelled" },
	{ "dedupe_range 0 1 2 3", FSX_ERROR_UNSUPPORTED,
	  "t.fsxops:1: fsx op 'dedupe_range' is not supported: FIDEDUPERANGE is not supported by ext4" },
	{ "exchange_range 0 1 2 3", FSX_ERROR_UNSUPPORTED,
	  "t.fsxops:1: fsx op 'exchange_range' is not supported: XFS_IOC_EXCHANGE_RANGE is not supported by ext4" },
	{ "write_atomic 0 1 2", FSX_ERROR_UNSUPPORTED,
	  "t.fsxops:1: fsx op 'write_atomic' is not supported: RWF_ATOMIC writes are not modelled" },
	{ "read_dontcache 0 1 2", FSX_ERROR_UNSUPPORTED,
	  "t.fsxops:1: fsx op 'read_dontcache' is not supported: RWF_DONTCACHE reads are not modelled" },
	{ "write_dontcache 0 1 2", FSX_ERROR_UNSUPPORTED,
	  "t.fsxops:1: fsx op 'write_dontcache' is not supported: RWF_DONTCACHE writes are not modelled" },
	{ "write 1 2 3\nwrite 0x10 0x20", FSX_ERROR_PARSE,
	  "t.fsxops:2: write needs 3 numbers (OFFSET LENGTH SIZE), got 2" },
	{ "write 0x10 zz 0", FSX_ERROR_PARSE,
	  "t.fsxops:1: 'zz' is not a number" },
	{ "write 0x10 -1 0", FSX_ERROR_PARSE,
	  "t.fsxops:1: '-1' is not a number" },
	{ "write 0x10 0x10g 0", FSX_ERROR_PARSE,
	  "t.fsxops:1: '0x10g' is not a number" },
	{ "write 0x100000000 1 0", FSX_ERROR_PARSE,
	  "t.fsxops:1: 0x100000000 is out of range (fsx offsets and lengths are 32-bit)" },
	{ "fallocate 0 1 2 unshare", FSX_ERROR_UNSUPPORTED,
	  "t.fsxops:1: flag 'unshare' (FALLOC_FL_UNSHARE_RANGE) is not supported by ext4" },
	{ "punch_hole 0 1 2 keepsize", FSX_ERROR_PARSE,
	  "t.fsxops:1: unknown flag 'keepsize' (expected keep_size, close_open or *)" },
	{ "skip", FSX_ERROR_PARSE, "t.fsxops:1: 'skip' without an op" },
	{ "skip skip 0 1 2", FSX_ERROR_PARSE,
	  "t.fsxops:1: unknown fsx op 'skip'" },
	{ "Write 0 1 2", FSX_ERROR_PARSE, "t.fsxops:1: unknown fsx op 'Write'" },
};

static void test_parse_errors(void)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
		GError *err = NULL;
		struct fsx_log *log = parse(bad[i].text, &err);

		g_assert_null(log);
		g_assert_error(err, FSX_ERROR, bad[i].code);
		g_assert_cmpstr(err->message, ==, bad[i].msg);
		g_assert_null(strchr(err->message, '\n'));
		g_error_free(err);
	}
}

static void test_parse_nul_and_open(void)
{
	GError *err = NULL;
	static const char text[] = "write 0 1 2\nwr\0ite 0 1 2\n";
	struct fsx_log *log = fsx_log_parse("n.fsxops", text, sizeof(text) - 1,
					    &err);

	g_assert_null(log);
	g_assert_error(err, FSX_ERROR, FSX_ERROR_PARSE);
	g_assert_cmpstr(err->message, ==, "n.fsxops:2: NUL byte in line");
	g_clear_error(&err);
	log = fsx_log_load("/nonexistent/x.fsxops", &err);
	g_assert_null(log);
	g_assert_error(err, FSX_ERROR, FSX_ERROR_OPEN);
	g_assert_nonnull(strstr(err->message, "/nonexistent/x.fsxops"));
	g_error_free(err);
}

/* ---- the model against a byte array ------------------------------------------- */

struct ref {
	uint64_t size;
	uint64_t cap;
	sim_stamp_t *stamp;
	uint64_t *origin;
};

static void ref_init(struct ref *r, uint64_t cap)
{
	r->size = 0;
	r->cap = cap + 64 * KB;
	r->stamp = g_new0(sim_stamp_t, r->cap);
	r->origin = g_new0(uint64_t, r->cap);
}

static void ref_free(struct ref *r)
{
	g_free(r->stamp);
	g_free(r->origin);
}

static void ref_zero(struct ref *r, uint64_t off, uint64_t len)
{
	for (uint64_t i = off; i < off + len && i < r->cap; i++)
		r->stamp[i] = r->origin[i] = 0;
}

/* fsx's good_buf semantics, written as fsx writes them (memset/memmove over
 * a plain array), independently of the run-list model. */
static void ref_apply(struct ref *r, const struct fsx_step *st, sim_stamp_t s)
{
	uint64_t off = st->offset, len = st->length, fs = r->size;

	switch (st->kind) {
	case FSX_WRITE:
	case FSX_MAPWRITE:
		if (off > fs)
			ref_zero(r, fs, off - fs);
		for (uint64_t i = 0; i < len; i++) {
			r->stamp[off + i] = s;
			r->origin[off + i] = i;
		}
		if (off + len > fs)
			r->size = off + len;
		break;
	case FSX_TRUNCATE:
		if (len > fs)
			ref_zero(r, fs, len - fs);
		r->size = len;
		break;
	case FSX_FALLOCATE:
		if (st->size_after > fs) {
			ref_zero(r, fs, st->size_after - fs);
			r->size = st->size_after;
		}
		break;
	case FSX_PUNCH_HOLE:
		ref_zero(r, off, len);
		break;
	case FSX_ZERO_RANGE:
		if (st->size_after > fs) {
			ref_zero(r, fs, st->size_after - fs);
			r->size = st->size_after;
		}
		ref_zero(r, off, len);
		break;
	case FSX_COLLAPSE_RANGE:
		memmove(r->stamp + off, r->stamp + off + len,
			(fs - off - len) * sizeof(*r->stamp));
		memmove(r->origin + off, r->origin + off + len,
			(fs - off - len) * sizeof(*r->origin));
		r->size -= len;
		break;
	case FSX_INSERT_RANGE:
		memmove(r->stamp + off + len, r->stamp + off,
			(fs - off) * sizeof(*r->stamp));
		memmove(r->origin + off + len, r->origin + off,
			(fs - off) * sizeof(*r->origin));
		ref_zero(r, off, len);
		r->size += len;
		break;
	default:
		break;
	}
}

static void assert_model_eq_ref(const struct fsx_model *m, const struct ref *r)
{
	char why[128];

	g_assert_cmpuint(m->file_size, ==, r->size);
	g_assert_true(fsx_model_check(m, why, sizeof(why)));
	for (uint64_t i = 0; i < r->size; i++) {
		uint64_t o;
		sim_stamp_t s = fsx_model_at(m, i, &o);

		if (s != r->stamp[i] || o != r->origin[i])
			g_error("byte 0x%" G_GINT64_MODIFIER "x: model #%"
				G_GUINT64_FORMAT "+%" G_GUINT64_FORMAT
				", reference #%" G_GUINT64_FORMAT "+%"
				G_GUINT64_FORMAT, i, s, o, r->stamp[i],
				r->origin[i]);
	}
	/* past EOF reads zero */
	g_assert_cmpuint(fsx_model_at(m, r->size, NULL), ==, 0);
}

static uint64_t draw(GRand *g, uint64_t max)
{
	/* small and block-sized values are where the corner cases are */
	switch (g_rand_int_range(g, 0, 4)) {
	case 0:
		return (uint64_t)g_rand_int_range(g, 0, 3) * 4 * KB;
	case 1:
		return (uint64_t)g_rand_int_range(g, 0, 64);
	default:
		return (uint64_t)g_rand_int_range(g, 0, (gint32)max);
	}
}

static void test_model_random(void)
{
	GRand *g = g_rand_new_with_seed(42);
	const uint64_t max = 96 * KB;

	for (int round = 0; round < 60; round++) {
		struct fsx_model m;
		struct ref r;
		sim_stamp_t next = 1;

		fsx_model_init(&m, max, 4 * KB);
		ref_init(&r, max);
		for (int i = 0; i < 120; i++) {
			struct fsx_op op = {
				.kind = (uint8_t)g_rand_int_range(g, 0, FSX_NR_OPS),
				.offset = draw(g, max + 8 * KB),
				.length = draw(g, 32 * KB),
			};
			struct fsx_step st;

			if (g_rand_boolean(g))
				op.flags |= FSX_FL_KEEP_SIZE;
			fsx_model_plan(&m, &op, &st);
			/* fsx's invariants on what it calls */
			if (!st.skip && (op.kind == FSX_READ || op.kind == FSX_MAPREAD))
				g_assert_cmpuint(st.offset + st.length, <=, m.file_size);
			if (!st.skip && (op.kind == FSX_COLLAPSE_RANGE ||
					 op.kind == FSX_INSERT_RANGE)) {
				g_assert_cmpuint(st.offset % (4 * KB), ==, 0);
				g_assert_cmpuint(st.length % (4 * KB), ==, 0);
				g_assert_cmpuint(st.length, >, 0);
			}
			g_assert_cmpuint(st.size_after, <=, max);
			if (st.skip)
				continue;
			fsx_model_apply(&m, &st, next);
			ref_apply(&r, &st, next);
			next++;
			assert_model_eq_ref(&m, &r);
		}
		fsx_model_destroy(&m);
		ref_free(&r);
	}
	g_rand_free(g);
}

/* ---- own cases: hand-checked contents ---------------------------------------- */

static struct fsx_log *load_own(const char *name)
{
	char *path = g_build_filename(fsh_srcdir(), "tests/fs/fsx", name, NULL);
	GError *err = NULL;
	struct fsx_log *log = fsx_log_load(path, &err);

	g_assert_no_error(err);
	g_free(path);
	return log;
}

/* Run a log through the model; stamps are 1 + op index. */
static void run_model(struct fsx_model *m, const struct fsx_log *log,
		      unsigned *skipped)
{
	*skipped = 0;
	for (unsigned i = 0; i < log->n; i++) {
		struct fsx_step st;
		char why[128];

		fsx_model_plan(m, &log->ops[i], &st);
		if (st.skip) {
			(*skipped)++;
			continue;
		}
		fsx_model_apply(m, &st, i + 1);
		g_assert_true(fsx_model_check(m, why, sizeof(why)));
	}
}

static void assert_byte(const struct fsx_model *m, uint64_t off,
			sim_stamp_t stamp, uint64_t origin)
{
	uint64_t o;

	g_assert_cmpuint(fsx_model_at(m, off, &o), ==, stamp);
	g_assert_cmpuint(o, ==, origin);
}

static void test_own_shift(void)
{
	struct fsx_log *log = load_own("shift.fsxops");
	struct fsx_model m;
	unsigned skipped;

	fsx_model_init(&m, 256 * KB, 4 * KB);
	run_model(&m, log, &skipped);
	/* write A [0,64K); collapse [8K,20K); insert rounded to [4K,12K);
	 * collapse at EOF skipped; "insert at EOF" wraps to 0 then the
	 * collapse at 0 undoes it */
	g_assert_cmpuint(skipped, ==, 1);
	g_assert_cmpuint(m.file_size, ==, 0xf000);
	assert_byte(&m, 0x0fff, 1, 0x0fff);
	assert_byte(&m, 0x1000, 0, 0);
	assert_byte(&m, 0x2fff, 0, 0);
	assert_byte(&m, 0x3000, 1, 0x1000);
	assert_byte(&m, 0x3fff, 1, 0x1fff);
	assert_byte(&m, 0x4000, 1, 0x5000);
	assert_byte(&m, 0xefff, 1, 0xffff);
	fsx_model_destroy(&m);
	fsx_log_free(log);
}

static void test_own_punch_zero(void)
{
	struct fsx_log *log = load_own("punch-zero.fsxops");
	struct fsx_model m;
	unsigned skipped;

	fsx_model_init(&m, 256 * KB, 4 * KB);
	run_model(&m, log, &skipped);
	g_assert_cmpuint(skipped, ==, 1);   /* the "skip write" line */
	g_assert_cmpuint(m.file_size, ==, 0x9000);
	assert_byte(&m, 0x7fe, 1, 0x7fe);
	assert_byte(&m, 0x7ff, 0, 0);
	assert_byte(&m, 0x2000, 0, 0);
	assert_byte(&m, 0x2001, 1, 0x2001);
	assert_byte(&m, 0x3000, 1, 0x3000);
	assert_byte(&m, 0x3001, 0, 0);
	assert_byte(&m, 0x4000, 1, 0x4000);
	assert_byte(&m, 0x77ff, 1, 0x77ff);
	assert_byte(&m, 0x7800, 0, 0);
	assert_byte(&m, 0x8fff, 0, 0);
	fsx_model_destroy(&m);
	fsx_log_free(log);
}

static void test_own_rw_truncate(void)
{
	struct fsx_log *log = load_own("rw-eof.fsxops");
	struct fsx_model m;
	unsigned skipped;

	fsx_model_init(&m, 256 * KB, 4 * KB);
	run_model(&m, log, &skipped);
	g_assert_cmpuint(skipped, ==, 0);
	g_assert_cmpuint(m.file_size, ==, 0x4201);
	assert_byte(&m, 0x17ff, 1, 0x17ff);
	assert_byte(&m, 0x1800, 0, 0);
	assert_byte(&m, 0x2f00, 2, 0);
	assert_byte(&m, 0x31fe, 2, 0x2fe);
	assert_byte(&m, 0x31ff, 5, 0);
	assert_byte(&m, 0x4200, 5, 0x1001);
	fsx_model_destroy(&m);
	fsx_log_free(log);

	log = load_own("truncate.fsxops");
	fsx_model_init(&m, 256 * KB, 4 * KB);
	run_model(&m, log, &skipped);
	g_assert_cmpuint(m.file_size, ==, 1);
	assert_byte(&m, 0, 1, 0);
	g_assert_cmpuint(log->ops[log->n - 1].flags, ==, FSX_FL_CLOSE_OPEN);
	fsx_model_destroy(&m);
	/* before the last truncate: zeros from the regrow, then the
	 * mapwrite */
	fsx_model_init(&m, 256 * KB, 4 * KB);
	for (unsigned i = 0; i < 6; i++) {
		struct fsx_step st;

		fsx_model_plan(&m, &log->ops[i], &st);
		g_assert_false(st.skip);
		fsx_model_apply(&m, &st, i + 1);
	}
	g_assert_cmpuint(m.file_size, ==, 0x6010);
	assert_byte(&m, 0x2344, 1, 0x2344);
	assert_byte(&m, 0x2345, 0, 0);
	assert_byte(&m, 0x5fef, 0, 0);
	assert_byte(&m, 0x5ff0, 6, 0);
	fsx_model_destroy(&m);
	fsx_log_free(log);
}

static void test_compare(void)
{
	struct fsx_model m;
	struct fsx_op w = { .kind = FSX_WRITE, .offset = 100, .length = 5000 };
	struct fsx_step st;
	struct sim_contents c;

	fsx_model_init(&m, 64 * KB, 4 * KB);
	fsx_model_plan(&m, &w, &st);
	fsx_model_apply(&m, &st, 9);
	/* page 1 of the file: bytes 4096..5099 are write 9 bytes 3996.. */
	sim_contents_init(&c, 4096);
	sim_contents_set(&c, 0, 1004, 9, 3996);
	g_assert_cmpint(fsx_model_compare(&m, 4096, &c, 0, 4096), ==, -1);
	g_assert_cmpint(fsx_model_compare(&m, 4096, &c, 10, 20), !=, -1);
	sim_contents_set(&c, 1003, 1, 9, 4000);
	g_assert_cmpint(fsx_model_compare(&m, 4096, &c, 0, 4096), ==, 5099);
	sim_contents_zero(&c, 1003, 1);
	g_assert_cmpint(fsx_model_compare(&m, 4096, &c, 0, 4096), ==, 5099);
	sim_contents_destroy(&c);
	/* page 0: zeros, then the write */
	sim_contents_init(&c, 4096);
	sim_contents_set(&c, 100, 3996, 9, 0);
	g_assert_cmpint(fsx_model_compare(&m, 0, &c, 0, 4096), ==, -1);
	sim_contents_destroy(&c);
	fsx_model_destroy(&m);
}

/* ---- the xfstests logs -------------------------------------------------------- */

static gint sort_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_shared_logs(void)
{
	char *dir = fsh_fsx_dir();
	GDir *d;
	const char *name;
	unsigned nfiles = 0;
	GPtrArray *names;

	d = g_dir_open(dir, 0, NULL);
	g_assert_nonnull(d);
	names = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(d)))
		if (g_str_has_suffix(name, ".fsxops"))
			g_ptr_array_add(names, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(names, sort_names);
	for (unsigned i = 0; i < names->len; i++) {
		char *path = g_build_filename(dir, names->pdata[i], NULL);
		GError *err = NULL;
		struct fsx_log *log = fsx_log_load(path, &err);
		struct fsx_model m;
		unsigned skipped;

		g_assert_no_error(err);
		g_assert_cmpuint(log->n, >, 0);
		/* fsx's default maxfilelen and a 4 KiB block size */
		fsx_model_init(&m, 256 * KB, 4 * KB);
		run_model(&m, log, &skipped);
		g_test_message("%s: %u ops, %u skipped by fsx's rules, final size 0x%"
			       G_GINT64_MODIFIER "x", (char *)names->pdata[i],
			       log->n, skipped, m.file_size);
		fsx_model_destroy(&m);
		fsx_log_free(log);
		g_free(path);
		nfiles++;
	}
	g_assert_cmpuint(nfiles, >, 0);
	g_ptr_array_free(names, TRUE);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fsx/parse/ok", test_parse_ok);
	g_test_add_func("/fsx/parse/errors", test_parse_errors);
	g_test_add_func("/fsx/parse/nul-and-open", test_parse_nul_and_open);
	g_test_add_func("/fsx/model/random-vs-bytes", test_model_random);
	g_test_add_func("/fsx/model/compare", test_compare);
	g_test_add_func("/fsx/own/shift", test_own_shift);
	g_test_add_func("/fsx/own/punch-zero", test_own_punch_zero);
	g_test_add_func("/fsx/own/rw-truncate", test_own_rw_truncate);
	g_test_add_func("/fsx/shared-logs", test_shared_logs);
	return g_test_run();
}
