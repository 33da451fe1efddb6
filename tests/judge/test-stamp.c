/* tests/judge/test-stamp.c — the stamp byte function (judge/stamp.c):
 * records, rendering at any origin, contents objects rendered run by run,
 * decoding a byte back to (stamp, origin); and the random fsx logs
 * (judge/fsxgen.c): they parse, cover every op kind, and are the same for
 * the same seed.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "judge/fsxgen.h"
#include "judge/stamp.h"
#include "fs/workload/fsx.h"

static void test_record(void)
{
	uint8_t buf[48];

	judge_stamp_render(0x2a, 0, buf, sizeof(buf));
	g_assert_cmpmem(buf, 16, "000002a:0000000\n", 16);
	g_assert_cmpmem(buf + 16, 16, "000002a:0000010\n", 16);
	g_assert_cmpmem(buf + 32, 16, "000002a:0000020\n", 16);
	/* from an unaligned origin: the same bytes as a slice of the whole */
	judge_stamp_render(0x2a, 5, buf, 20);
	g_assert_cmpmem(buf, 20, "2a:0000000\n000002a:0", 20);
	/* stamp 0 is zeros */
	judge_stamp_render(0, 7, buf, sizeof(buf));
	for (unsigned i = 0; i < sizeof(buf); i++)
		g_assert_cmpuint(buf[i], ==, 0);
	/* wide values wrap at 2^28 */
	judge_stamp_render(0x1234567890ull, 0x10000000ull + 0x20, buf, 16);
	g_assert_cmpmem(buf, 16, "4567890:0000020\n", 16);
}

static void test_never_zero(void)
{
	uint8_t buf[4096];

	for (sim_stamp_t s = 1; s < 300; s += 37) {
		judge_stamp_render(s, s * 3, buf, sizeof(buf));
		for (unsigned i = 0; i < sizeof(buf); i++)
			g_assert_cmpuint(buf[i], !=, 0);
	}
}

static void test_decode(void)
{
	uint8_t buf[200];
	sim_stamp_t s;
	uint64_t o;
	char text[64];

	memset(buf, 0, sizeof(buf));
	/* bytes 0x33.. of stamp 9 at buffer offset 10 */
	judge_stamp_render(9, 0x33, buf + 10, 100);
	for (unsigned at = 10; at < 110; at++) {
		bool whole = at >= 10 + (0x40 - 0x33) &&
			     at < 10 + (0x90 - 0x33);
		bool ok = judge_stamp_decode(buf, sizeof(buf), at, &s, &o);

		/* a byte inside a whole record decodes exactly */
		if (whole) {
			g_assert_true(ok);
			g_assert_cmpuint(s, ==, 9);
			g_assert_cmpuint(o, ==, 0x33 + (at - 10));
		}
		if (ok) {
			g_assert_cmpuint(s, ==, 9);
			g_assert_cmpuint(o, ==, 0x33 + (at - 10));
		}
	}
	g_assert_false(judge_stamp_decode(buf, sizeof(buf), 5, &s, &o));
	judge_stamp_describe(buf, sizeof(buf), 5, text, sizeof(text));
	g_assert_cmpstr(text, ==, "zero");
	judge_stamp_describe(buf, sizeof(buf), 10 + 0x40 - 0x33, text,
			     sizeof(text));
	g_assert_cmpstr(text, ==, "stamp #9 byte 0x40");
	/* a shifted copy names the wrong origin, so it is told apart */
	judge_stamp_render(9, 0x40 + 3, buf + 120, 40);
	g_assert_true(judge_stamp_decode(buf, sizeof(buf), 140, &s, &o));
	g_assert_cmpuint(o, !=, 0x40 + 20);
	g_assert_cmpuint(o, ==, 0x43 + 20);
}

static void test_contents(void)
{
	struct sim_contents c;
	uint8_t got[4096], want[4096];

	sim_contents_init(&c, 4096);
	sim_contents_set(&c, 100, 1000, 5, 7);
	sim_contents_set(&c, 2000, 50, 6, 0);
	sim_contents_set(&c, 3000, 1096, 5, 2000);
	memset(want, 0, sizeof(want));
	judge_stamp_render(5, 7, want + 100, 1000);
	judge_stamp_render(6, 0, want + 2000, 50);
	judge_stamp_render(5, 2000, want + 3000, 1096);
	judge_contents_render(&c, 0, 4096, got);
	g_assert_cmpmem(got, 4096, want, 4096);
	/* any window of it */
	for (uint32_t off = 0; off < 4096; off += 433) {
		uint32_t len = MIN(4096 - off, 777u);

		memset(got, 0xee, sizeof(got));
		judge_contents_render(&c, off, len, got);
		g_assert_cmpmem(got, len, want + off, len);
		g_assert_cmpuint(got[len], ==, 0xee);
	}
	sim_contents_destroy(&c);
}

static void test_fsxgen(void)
{
	unsigned seen[FSX_NR_OPS] = { 0 };
	unsigned keep = 0, grow = 0, shrink = 0, unaligned = 0;

	for (unsigned k = 0; k < 200; k++) {
		char *a = judge_fsxgen(1, k, 40, 256 * 1024, 4096);
		char *b = judge_fsxgen(1, k, 40, 256 * 1024, 4096);
		GError *err = NULL;
		struct fsx_log *log = fsx_log_parse("gen", a, strlen(a), &err);

		g_assert_cmpstr(a, ==, b);
		g_assert_no_error(err);
		g_assert_cmpuint(log->n, ==, 40);
		for (unsigned i = 0; i < log->n; i++) {
			const struct fsx_op *op = &log->ops[i];

			seen[op->kind]++;
			keep += (op->flags & FSX_FL_KEEP_SIZE) != 0;
			if (op->kind == FSX_TRUNCATE) {
				grow += op->length > op->size_before;
				shrink += op->length < op->size_before;
			}
			unaligned += op->offset % 4096 != 0 &&
				     op->length % 4096 != 0;
		}
		fsx_log_free(log);
		g_free(a);
		g_free(b);
	}
	for (unsigned k = 0; k < FSX_NR_OPS; k++)
		g_assert_cmpuint(seen[k], >, 50);
	g_assert_cmpuint(keep, >, 100);
	g_assert_cmpuint(grow, >, 30);
	g_assert_cmpuint(shrink, >, 50);
	g_assert_cmpuint(unaligned, >, 2000);
	/* another seed, another log */
	{
		char *a = judge_fsxgen(1, 0, 40, 256 * 1024, 4096);
		char *b = judge_fsxgen(2, 0, 40, 256 * 1024, 4096);

		g_assert_cmpstr(a, !=, b);
		g_free(a);
		g_free(b);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/judge/stamp/record", test_record);
	g_test_add_func("/judge/stamp/never-zero", test_never_zero);
	g_test_add_func("/judge/stamp/decode", test_decode);
	g_test_add_func("/judge/stamp/contents", test_contents);
	g_test_add_func("/judge/fsxgen", test_fsxgen);
	return g_test_run();
}
