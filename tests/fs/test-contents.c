/* tests/fs/test-contents.c — run-list contents against a plain byte-array
 * reference model: random set / zero / copy (also within one object,
 * overlapping) with random offsets and lengths, fixed seeds; after every
 * step the invariants hold and every byte's (stamp, origin) matches. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fs/block/contents.h"

struct ref {
	uint32_t size;
	sim_stamp_t *stamp;
	uint32_t *origin;
};

static void ref_init(struct ref *r, uint32_t size)
{
	r->size = size;
	r->stamp = g_new0(sim_stamp_t, size);
	r->origin = g_new0(uint32_t, size);
}

static void ref_free(struct ref *r)
{
	g_free(r->stamp);
	g_free(r->origin);
}

static void ref_set(struct ref *r, uint32_t off, uint32_t len, sim_stamp_t s,
		    uint32_t origin)
{
	for (uint32_t i = 0; i < len; i++) {
		r->stamp[off + i] = s;
		r->origin[off + i] = s ? origin + i : 0;
	}
}

static void ref_copy(struct ref *d, uint32_t doff, const struct ref *s,
		     uint32_t soff, uint32_t len)
{
	memmove(d->stamp + doff, s->stamp + soff, len * sizeof(*d->stamp));
	memmove(d->origin + doff, s->origin + soff, len * sizeof(*d->origin));
}

struct cmp_ctx {
	const struct ref *r;
	uint32_t next;
	bool ok;
};

static bool cmp_run(void *ctx, uint32_t start, uint32_t len, sim_stamp_t st,
		    uint32_t origin)
{
	struct cmp_ctx *c = ctx;

	if (start != c->next)
		c->ok = false;
	for (uint32_t i = 0; i < len && c->ok; i++)
		if (c->r->stamp[start + i] != st ||
		    c->r->origin[start + i] != (st ? origin + i : 0))
			c->ok = false;
	c->next = start + len;
	return c->ok;
}

static void assert_matches(const struct sim_contents *c, const struct ref *r)
{
	char why[128];
	struct cmp_ctx ctx = { .r = r, .ok = true };

	if (!sim_contents_check(c, why, sizeof(why)))
		g_error("invariant: %s", why);
	g_assert_cmpuint(c->size, ==, r->size);
	sim_contents_for_each_run(c, cmp_run, &ctx);
	g_assert_true(ctx.ok);
	g_assert_cmpuint(ctx.next, ==, r->size);
}

static uint32_t rand_len(GRand *g, uint32_t room)
{
	/* mostly small, sometimes whole-object: partial-block writes,
	 * sector-sized and block-sized operations all get exercised */
	uint32_t sectors;

	switch (g_rand_int_range(g, 0, 4)) {
	case 0:
		return (uint32_t)g_rand_int_range(g, 1, (gint32)MIN(room, 16u) + 1);
	case 1:
		sectors = (uint32_t)g_rand_int_range(g, 1, 9);  /* MIN evaluates twice */
		return MIN(room, 512u * sectors);
	default:
		return (uint32_t)g_rand_int_range(g, 1, (gint32)room + 1);
	}
}

static void run_random(guint32 seed, uint32_t size_a, uint32_t size_b,
		       unsigned steps)
{
	GRand *g = g_rand_new_with_seed(seed);
	struct sim_contents c[2];
	struct ref r[2];
	unsigned max_runs = 0;

	sim_contents_init(&c[0], size_a);
	sim_contents_init(&c[1], size_b);
	ref_init(&r[0], size_a);
	ref_init(&r[1], size_b);
	for (unsigned step = 0; step < steps; step++) {
		int k = g_rand_int_range(g, 0, 2), op = g_rand_int_range(g, 0, 10);
		uint32_t sz = c[k].size;
		uint32_t off = (uint32_t)g_rand_int_range(g, 0, (gint32)sz);
		uint32_t len = rand_len(g, sz - off);

		if (op < 4) {
			/* few distinct stamps so merges happen */
			sim_stamp_t s = (sim_stamp_t)g_rand_int_range(g, 1, 5);
			uint32_t origin = (uint32_t)g_rand_int_range(g, 0, 3) * 512;

			sim_contents_set(&c[k], off, len, s, origin);
			ref_set(&r[k], off, len, s, origin);
		} else if (op < 6) {
			sim_contents_zero(&c[k], off, len);
			ref_set(&r[k], off, len, 0, 0);
		} else {
			int src = g_rand_int_range(g, 0, 2);
			uint32_t ssz = c[src].size, soff;

			len = MIN(len, ssz);
			soff = (uint32_t)g_rand_int_range(g, 0, (gint32)(ssz - len) + 1);
			sim_contents_copy(&c[k], off, &c[src], soff, len);
			ref_copy(&r[k], off, &r[src], soff, len);
		}
		assert_matches(&c[k], &r[k]);
		max_runs = MAX(max_runs, c[k].nr);

		/* point queries and comparisons against the reference */
		{
			uint32_t p = (uint32_t)g_rand_int_range(g, 0, (gint32)sz), o;
			sim_stamp_t st = sim_contents_at(&c[k], p, &o);
			uint32_t l2 = MIN(size_a, size_b);
			uint32_t a0 = (uint32_t)g_rand_int_range(g, 0, (gint32)(size_a - l2) + 1);
			uint32_t b0 = (uint32_t)g_rand_int_range(g, 0, (gint32)(size_b - l2) + 1);
			uint32_t l = (uint32_t)g_rand_int_range(g, 1, (gint32)l2 + 1);
			int64_t want = -1, got;
			bool zero = true;

			g_assert_cmpuint(st, ==, r[k].stamp[p]);
			g_assert_cmpuint(o, ==, r[k].origin[p]);
			for (uint32_t i = 0; i < l; i++)
				if (r[0].stamp[a0 + i] != r[1].stamp[b0 + i] ||
				    r[0].origin[a0 + i] != r[1].origin[b0 + i]) {
					want = i;
					break;
				}
			got = sim_contents_first_diff(&c[0], a0, &c[1], b0, l);
			g_assert_cmpint(got, ==, want);
			for (uint32_t i = 0; i < l; i++)
				zero &= r[0].stamp[a0 + i] == 0;
			g_assert_cmpint(sim_contents_is_zero(&c[0], a0, l), ==, zero);
		}
	}
	/* the heap path was exercised */
	g_assert_cmpuint(max_runs, >, SIM_CONTENTS_INLINE);
	for (int k = 0; k < 2; k++) {
		sim_contents_destroy(&c[k]);
		ref_free(&r[k]);
	}
	g_rand_free(g);
}

static void test_random_same_size(void)
{
	run_random(1, 4096, 4096, 4000);
	run_random(2, 1024, 1024, 4000);
}

/* page (4K) <-> sub-page block (1K) and large block (64K) <-> page */
static void test_random_mixed_size(void)
{
	run_random(3, 4096, 1024, 4000);
	run_random(4, 65536, 4096, 3000);
	run_random(5, 2048, 4096, 4000);
}

static void test_merge_and_equal(void)
{
	struct sim_contents a, b;
	char buf[256];

	sim_contents_init(&a, 4096);
	sim_contents_init(&b, 4096);
	g_assert_true(sim_contents_equal(&a, &b));
	/* write 7 in two halves that continue each other: one run */
	sim_contents_set(&a, 0, 2048, 7, 0);
	sim_contents_set(&a, 2048, 2048, 7, 2048);
	g_assert_cmpuint(sim_contents_nr_runs(&a), ==, 1);
	/* same stamp but a non-continuing origin: two runs */
	sim_contents_set(&b, 0, 2048, 7, 0);
	sim_contents_set(&b, 2048, 2048, 7, 0);
	g_assert_cmpuint(sim_contents_nr_runs(&b), ==, 2);
	g_assert_false(sim_contents_equal(&a, &b));
	g_assert_cmpint(sim_contents_first_diff(&a, 0, &b, 0, 4096), ==, 2048);
	/* partial zeroing in the middle: three runs, exact format */
	sim_contents_zero(&a, 1000, 24);
	g_assert_cmpuint(sim_contents_nr_runs(&a), ==, 3);
	sim_contents_format(&a, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "[0,1000)=#7+0 [1000,1024)=0 [1024,4096)=#7+1024");
	/* a truncated format still terminates */
	g_assert_cmpint(sim_contents_format(&a, buf, 8), >, 8);
	g_assert_cmpuint(strlen(buf), ==, 7);
	/* shifted copy: page bytes [1024,2048) into a 1K block at 0 */
	{
		struct sim_contents blk;
		uint32_t o;

		sim_contents_init(&blk, 1024);
		sim_contents_copy(&blk, 0, &a, 1024, 1024);
		g_assert_cmpuint(sim_contents_at(&blk, 10, &o), ==, 7);
		g_assert_cmpuint(o, ==, 1034);
		sim_contents_destroy(&blk);
	}
	/* hand-built unmerged list is caught, then normalised */
	sim_contents_assign(&b, &a);
	g_assert_true(sim_contents_equal(&a, &b));
	sim_contents_destroy(&a);
	sim_contents_destroy(&b);
}

static void test_stamps(void)
{
	struct sim_stamp_table t;
	sim_stamp_t s1, s2;
	char buf[160];

	sim_stamp_table_init(&t);
	s1 = sim_stamp_new(&t, 12, 8192, 4096, SIM_STAMP_WRITE, 1, 1000);
	for (int i = 0; i < 2000; i++)  /* growth */
		s2 = sim_stamp_new(&t, 13, i, 1, SIM_STAMP_MMAP, 2 + i, 2000);
	g_assert_cmpuint(s1, ==, 1);
	g_assert_cmpuint(s2, ==, 2001);
	g_assert_null(sim_stamp_lookup(&t, 0));
	g_assert_null(sim_stamp_lookup(&t, 2002));
	g_assert_cmpuint(sim_stamp_lookup(&t, s1)->ino, ==, 12);
	g_assert_cmpint(sim_stamp_lookup(&t, s2)->offset, ==, 1999);
	sim_stamp_format(&t, s1, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "write #1 (ino 12 off 8192 len 4096, seq 1, t=1000ns)");
	sim_stamp_table_destroy(&t);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/contents/random-same-size", test_random_same_size);
	g_test_add_func("/contents/random-mixed-size", test_random_mixed_size);
	g_test_add_func("/contents/merge-equal-format", test_merge_and_equal);
	g_test_add_func("/contents/stamps", test_stamps);
	return g_test_run();
}
