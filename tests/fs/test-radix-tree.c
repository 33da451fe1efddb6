/* tests/fs/test-radix-tree.c — the page-cache index against a plain
 * reference (a sorted candidate array with presence and tag bits) under
 * random inserts, deletes and tag changes: lookup, ordered next (any entry
 * and per tag), tag queries, counts and the structural self-check. */
#include "config.h"

#include <errno.h>
#include <glib.h>

#include "sim/engine/sim.h"
#include "fs/mm/radix-tree.h"

#define NCAND 240

struct ref {
	uint64_t idx[NCAND];       /* sorted, distinct */
	bool present[NCAND];
	bool tag[NCAND][RADIX_TREE_MAX_TAGS];
	uintptr_t item[NCAND];
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool add_cand(struct ref *r, unsigned *n, uint64_t v)
{
	for (unsigned i = 0; i < *n; i++)
		if (r->idx[i] == v)
			return false;
	r->idx[(*n)++] = v;
	return true;
}

/* Candidates: dense small indices, sparse large ones, and the edges of
 * every tree level (63/64, 4095/4096, ..., UINT64_MAX). */
static void ref_init(struct ref *r, struct sim_rng *rng)
{
	unsigned n = 0;

	for (unsigned i = 0; i < 100; i++)
		add_cand(r, &n, i);
	for (unsigned sh = 6; sh < 64; sh += 6) {
		add_cand(r, &n, ((uint64_t)1 << sh) - 1);
		add_cand(r, &n, (uint64_t)1 << sh);
	}
	add_cand(r, &n, UINT64_MAX);
	while (n < NCAND)
		add_cand(r, &n, sim_rng_next(rng) >> (sim_rng_below(rng, 60) + 4));
	qsort(r->idx, NCAND, sizeof(uint64_t), cmp_u64);
	for (unsigned i = 0; i < NCAND; i++) {
		r->present[i] = false;
		for (unsigned t = 0; t < RADIX_TREE_MAX_TAGS; t++)
			r->tag[i][t] = false;
		r->item[i] = 0x1000 + 8 * i;
	}
}

/* Reference next: first present (and tagged) candidate >= start. */
static int ref_next(const struct ref *r, uint64_t start, int tag)
{
	for (unsigned i = 0; i < NCAND; i++)
		if (r->idx[i] >= start && r->present[i] &&
		    (tag < 0 || r->tag[i][tag]))
			return (int)i;
	return -1;
}

static void compare(const struct radix_tree_root *root, const struct ref *r,
		    struct sim_rng *rng)
{
	unsigned long count = 0;

	g_assert_true(radix_tree_sim_check(root));
	for (unsigned i = 0; i < NCAND; i++) {
		void *item = radix_tree_lookup(root, r->idx[i]);

		count += r->present[i];
		g_assert_true(item == (r->present[i] ? (void *)r->item[i] : NULL));
		for (unsigned t = 0; t < RADIX_TREE_MAX_TAGS; t++)
			g_assert_cmpint(radix_tree_tag_get(root, r->idx[i], t), ==,
					r->present[i] && r->tag[i][t]);
	}
	g_assert_cmpuint(root->count, ==, count);
	for (unsigned t = 0; t < RADIX_TREE_MAX_TAGS; t++) {
		bool any = false;

		for (unsigned i = 0; i < NCAND; i++)
			any |= r->present[i] && r->tag[i][t];
		g_assert_cmpint(radix_tree_tagged(root, t), ==, any);
	}
	/* next from candidates, their neighbours, and random points */
	for (unsigned k = 0; k < 64; k++) {
		uint64_t start;
		unsigned c = (unsigned)sim_rng_below(rng, NCAND);

		switch (k % 3) {
		case 0: start = r->idx[c]; break;
		case 1: start = r->idx[c] + 1; break;
		default: start = sim_rng_next(rng) >> sim_rng_below(rng, 64); break;
		}
		for (int tag = -1; tag < RADIX_TREE_MAX_TAGS; tag++) {
			uint64_t got_idx = 0;
			void *got = radix_tree_next(root, start, tag, &got_idx);
			int want = ref_next(r, start, tag);

			if (want < 0) {
				g_assert_null(got);
			} else {
				g_assert_true(got == (void *)r->item[want]);
				g_assert_cmpuint(got_idx, ==, r->idx[want]);
			}
		}
	}
}

static void test_random_ops(void)
{
	struct radix_tree_pool pool;
	struct radix_tree_root root;
	struct sim_rng rng;
	struct ref r;

	sim_rng_seed(&rng, 7, 0, 0, 0);
	radix_tree_pool_init(&pool);
	radix_tree_init(&root, &pool);
	ref_init(&r, &rng);
	for (unsigned step = 0; step < 6000; step++) {
		unsigned c = (unsigned)sim_rng_below(&rng, NCAND);
		unsigned t = (unsigned)sim_rng_below(&rng, RADIX_TREE_MAX_TAGS);
		unsigned op = (unsigned)sim_rng_below(&rng, 10);

		/* phases: grow, churn, drain */
		if (step > 4000 && op < 6)
			op = 9;
		if (op < 4) {
			int err = radix_tree_insert(&root, r.idx[c], (void *)r.item[c]);

			g_assert_cmpint(err, ==, r.present[c] ? -EEXIST : 0);
			r.present[c] = true;
		} else if (op < 7) {
			if (r.present[c]) {
				g_assert_cmpint(radix_tree_tag_set(&root, r.idx[c], t),
						==, r.tag[c][t]);
				r.tag[c][t] = true;
			}
		} else if (op < 8) {
			g_assert_cmpint(radix_tree_tag_clear(&root, r.idx[c], t), ==,
					r.present[c] && r.tag[c][t]);
			r.tag[c][t] = false;
		} else {
			void *item = radix_tree_delete(&root, r.idx[c]);

			g_assert_true(item == (r.present[c] ? (void *)r.item[c] : NULL));
			r.present[c] = false;
			for (unsigned u = 0; u < RADIX_TREE_MAX_TAGS; u++)
				r.tag[c][u] = false;
		}
		if (step % 97 == 0 || step > 5900)
			compare(&root, &r, &rng);
	}
	compare(&root, &r, &rng);
	/* empty it: every node goes back to the pool */
	for (unsigned i = 0; i < NCAND; i++)
		radix_tree_delete(&root, r.idx[i]);
	g_assert_null(root.rnode);
	g_assert_cmpuint(pool.nodes_in_use, ==, 0);
	radix_tree_destroy(&root);
	radix_tree_pool_destroy(&pool);
}

/* Dense pages 0..n-1: iteration visits each once, in order. */
static void test_dense_iteration(void)
{
	struct radix_tree_pool pool;
	struct radix_tree_root root;
	const uint64_t n = 5000;
	uint64_t idx = 0, seen = 0;
	void *item;

	radix_tree_pool_init(&pool);
	radix_tree_init(&root, &pool);
	for (uint64_t i = 0; i < n; i++) {
		g_assert_cmpint(radix_tree_insert(&root, i, (void *)(uintptr_t)(i + 1)),
				==, 0);
		if (i % 3 == 0)
			radix_tree_tag_set(&root, i, 1);
	}
	while ((item = radix_tree_next(&root, idx, -1, &idx))) {
		g_assert_cmpuint((uintptr_t)item, ==, idx + 1);
		g_assert_cmpuint(idx, ==, seen);
		seen++;
		idx++;
	}
	g_assert_cmpuint(seen, ==, n);
	seen = 0;
	idx = 0;
	while ((item = radix_tree_next(&root, idx, 1, &idx))) {
		g_assert_cmpuint(idx % 3, ==, 0);
		seen++;
		idx++;
	}
	g_assert_cmpuint(seen, ==, (n + 2) / 3);
	radix_tree_destroy(&root);
	g_assert_cmpuint(pool.nodes_in_use, ==, 0);
	radix_tree_pool_destroy(&pool);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/radix-tree/random-ops", test_random_ops);
	g_test_add_func("/radix-tree/dense-iteration", test_dense_iteration);
	return g_test_run();
}
