/* tests/fs/test-extmap.c — the range map against a plain reference (one
 * value per key) under random inserts, removes, splits, merges and shifts,
 * and the lookups' answers at every key. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fs/block/extmap.h"

#define KEYS 600u

/* value: a base that rises with the key (like a DATA run's lblk) */
struct val {
	uint64_t base;
	uint32_t tag;
};

static unsigned nsplit, ndestroy;

static void v_split(void *dst, const void *src, uint64_t delta)
{
	struct val *d = dst;

	*d = *(const struct val *)src;
	d->base += delta;
	nsplit++;
}

static void v_destroy(void *v)
{
	(void)v;
	ndestroy++;
}

static bool v_mergeable(const void *a, uint64_t alen, const void *b)
{
	const struct val *x = a, *y = b;

	return x->tag == y->tag && y->base == x->base + alen;
}

static const struct sim_extmap_ops ops = {
	.vsize = sizeof(struct val),
	.split = v_split,
	.destroy = v_destroy,
	.mergeable = v_mergeable,
};

/* reference: tag 0 = gap; else value (tag, base) at each key */
struct ref {
	uint32_t tag[KEYS];
	uint64_t base[KEYS];
};

static void check_against(const struct sim_extmap *m, const struct ref *r)
{
	g_assert_true(sim_extmap_check(m));
	for (uint64_t k = 0; k < KEYS; k++) {
		uint64_t s, n;
		const struct val *v = sim_extmap_find(m, k, &s, &n);

		if (!r->tag[k]) {
			g_assert_null(v);
			continue;
		}
		g_assert_nonnull(v);
		g_assert_cmpuint(s, <=, k);
		g_assert_cmpuint(k, <, s + n);
		g_assert_cmpuint(v->tag, ==, r->tag[k]);
		g_assert_cmpuint(v->base + (k - s), ==, r->base[k]);
	}
	/* next/prev agree with find */
	for (uint64_t k = 0; k < KEYS; k++) {
		uint64_t s, n, want = UINT64_MAX;

		for (uint64_t j = k; j < KEYS; j++)
			if (r->tag[j]) {
				want = j;
				break;
			}
		if (sim_extmap_next(m, k, &s, &n))
			g_assert_cmpuint(MAX(s, k), ==, want);
		else
			g_assert_cmpuint(want, ==, UINT64_MAX);
		want = UINT64_MAX;
		for (uint64_t j = k; j-- > 0;)
			if (r->tag[j]) {
				want = j;
				break;
			}
		if (sim_extmap_prev(m, k, &s, &n)) {
			g_assert_cmpuint(s, <, k);
			g_assert_cmpuint(MIN(s + n, k) - 1, ==, want);
		} else {
			g_assert_cmpuint(want, ==, UINT64_MAX);
		}
	}
}

static void test_random(void)
{
	for (unsigned seed = 1; seed <= 40; seed++) {
		GRand *rng = g_rand_new_with_seed(seed);
		struct sim_extmap m;
		struct ref r;
		uint32_t next_tag = 1;

		memset(&r, 0, sizeof(r));
		sim_extmap_init(&m, &ops);
		for (unsigned step = 0; step < 400; step++) {
			uint64_t a = (uint64_t)g_rand_int_range(rng, 0, KEYS);
			uint64_t len = (uint64_t)g_rand_int_range(rng, 1, 40);
			int op = g_rand_int_range(rng, 0, 10);

			if (a + len > KEYS)
				len = KEYS - a;
			if (op < 4) {
				/* insert where the reference has a gap run */
				uint64_t e = a;

				while (e < a + len && !r.tag[e])
					e++;
				if (e == a)
					continue;
				struct val *v = sim_extmap_insert(&m, a, e - a);

				g_assert_cmpuint(v->tag, ==, 0);
				v->tag = g_rand_boolean(rng) ? 7 : next_tag++;
				v->base = (uint64_t)g_rand_int_range(rng, 0, 3) * 1000 + a;
				for (uint64_t k = a; k < e; k++) {
					r.tag[k] = v->tag;
					r.base[k] = v->base + (k - a);
				}
			} else if (op < 6) {
				sim_extmap_remove(&m, a, len);
				for (uint64_t k = a; k < a + len; k++)
					r.tag[k] = 0;
			} else if (op < 7) {
				sim_extmap_split(&m, a);
			} else if (op < 9) {
				sim_extmap_merge_at(&m, a);
			} else {
				/* shift everything from a up by len if the top
				 * is free, or down into a gap below a */
				uint64_t top = KEYS;

				while (top > 0 && !r.tag[top - 1])
					top--;
				if (g_rand_boolean(rng)) {
					if (top + len > KEYS)
						continue;
					sim_extmap_split(&m, a);
					sim_extmap_shift(&m, a, (int64_t)len);
					for (uint64_t k = KEYS; k-- > a + len;) {
						r.tag[k] = r.tag[k - len];
						r.base[k] = r.base[k - len];
					}
					for (uint64_t k = a; k < a + len; k++)
						r.tag[k] = 0;
				} else {
					bool gap = a >= len;

					for (uint64_t k = a - (gap ? len : 0);
					     gap && k < a; k++)
						gap = !r.tag[k];
					if (!gap)
						continue;
					sim_extmap_split(&m, a);
					sim_extmap_shift(&m, a, -(int64_t)len);
					for (uint64_t k = a - len; k + len < KEYS; k++) {
						r.tag[k] = r.tag[k + len];
						r.base[k] = r.base[k + len];
					}
					for (uint64_t k = KEYS - len; k < KEYS; k++)
						r.tag[k] = 0;
				}
			}
			if (step % 17 == 0)
				check_against(&m, &r);
		}
		check_against(&m, &r);
		ndestroy = 0;
		{
			uint64_t n = sim_extmap_count(&m);

			sim_extmap_destroy(&m);
			g_assert_cmpuint(ndestroy, ==, n);
		}
		g_rand_free(rng);
	}
	g_assert_cmpuint(nsplit, >, 0);
}

/* Many entries: leaves split and empty again, lookups stay right. */
static void test_many(void)
{
	struct sim_extmap m;

	sim_extmap_init(&m, &ops);
	for (uint64_t i = 0; i < 20000; i++) {
		struct val *v = sim_extmap_insert(&m, (i * 7919) % 20000 * 3, 2);

		v->tag = 1;
		v->base = (i * 7919) % 20000 * 1000;
	}
	g_assert_cmpuint(sim_extmap_count(&m), ==, 20000);
	g_assert_true(sim_extmap_check(&m));
	for (uint64_t k = 0; k < 60000; k++) {
		uint64_t s;
		struct val *v = sim_extmap_find(&m, k, &s, NULL);

		g_assert_true((v != NULL) == (k % 3 != 2));
		if (v)
			g_assert_cmpuint(s, ==, k / 3 * 3);
	}
	sim_extmap_remove(&m, 100, 59000);
	g_assert_true(sim_extmap_check(&m));
	g_assert_cmpuint(sim_extmap_count(&m), ==, 34 + 300);
	sim_extmap_destroy(&m);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/extmap/random", test_random);
	g_test_add_func("/extmap/many", test_many);
	return g_test_run();
}
