/* bench/bench-pagecache.c — wall-clock cost of the page-cache primitives
 * (make bench only): insert, find_get_page, ordered iteration, tagged
 * walk, and truncate + unmap of a mapped 64 MiB file inside a task.
 * Radix tree vs sorted array: these figures are what the choice in
 * fs/mm/radix-tree.h rests on.
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>

#include "fs/mm.h"

#define NP (64u * 1024 * 1024 / PAGE_SIZE)   /* a 64 MiB file */

static void report(const char *what, gint64 t0, unsigned long n)
{
	double ns = (double)(g_get_monotonic_time() - t0) * 1000.0 / (double)n;

	printf("%-34s %8.1f ns/op  (%lu ops)\n", what, ns, n);
}

struct bench {
	struct sim_world *w;
	struct mm_sim *s;
	struct inode inode;
	struct address_space *mapping;
	struct file file;
	struct mm_struct *mm;
	struct vm_area_struct *vma;
};

static void truncate_all(struct sim_task *t, void *arg)
{
	struct bench *b = arg;
	gint64 t0 = g_get_monotonic_time();

	truncate_pagecache(&b->inode, 0);
	report("truncate_pagecache (mapped, /page)", t0, NP);
}

int main(void)
{
	struct sim_world_params p = { .seed = 1 };
	struct bench b = { 0 };
	struct sim_rng r;
	unsigned long found = 0;
	gint64 t0;

	b.w = sim_world_new(&p);
	b.s = mm_sim_new(b.w, NULL);
	b.inode.i_mapping = &b.inode.i_data;
	b.mapping = &b.inode.i_data;
	address_space_sim_init(b.mapping, &b.inode, b.s);
	b.file.f_inode = &b.inode;
	b.file.f_mapping = b.mapping;
	sim_rng_seed(&r, 1, 0, 0, 0);

	t0 = g_get_monotonic_time();
	for (unsigned i = 0; i < NP; i++) {
		struct page *page = page_cache_alloc(b.mapping);

		add_to_page_cache_lru(page, b.mapping, i);
		unlock_page(page);
		put_page(page);
	}
	report("alloc + add_to_page_cache_lru", t0, NP);

	t0 = g_get_monotonic_time();
	for (unsigned i = 0; i < 4 * NP; i++) {
		struct page *page = find_get_page(b.mapping,
						  sim_rng_below(&r, NP));

		found += page != NULL;
		put_page(page);
	}
	report("find_get_page (random)", t0, 4 * NP);

	for (unsigned i = 0; i < NP; i += 7)
		set_page_dirty(page_cache_sim_peek(b.mapping, i));
	t0 = g_get_monotonic_time();
	for (int rep = 0; rep < 4; rep++) {
		struct pagevec pvec;
		pgoff_t index = 0;

		pagevec_init(&pvec);
		while (pagevec_lookup_tag(&pvec, b.mapping, &index,
					  PAGECACHE_TAG_DIRTY, PAGEVEC_SIZE)) {
			found += pagevec_count(&pvec);
			pagevec_release(&pvec);
		}
	}
	report("DIRTY-tag walk (1 in 7, /page)", t0, 4 * (NP + 6) / 7);
	for (unsigned i = 0; i < NP; i += 7)
		cancel_dirty_page(page_cache_sim_peek(b.mapping, i));

	t0 = g_get_monotonic_time();
	for (int rep = 0; rep < 4; rep++) {
		struct page *pages[PAGEVEC_SIZE];
		pgoff_t indices[PAGEVEC_SIZE];
		pgoff_t index = 0;
		unsigned n;

		while ((n = find_get_entries(b.mapping, index, PAGEVEC_SIZE,
					     pages, indices))) {
			for (unsigned k = 0; k < n; k++)
				put_page(pages[k]);
			found += n;
			index = indices[n - 1] + 1;
		}
	}
	report("find_get_entries walk (/page)", t0, 4 * NP);

	/* map every page, then truncate (unmap + two passes) in a task */
	b.mm = mm_alloc(b.s);
	b.vma = vm_mmap_sim(b.mm, &b.file, 0, NP, VM_READ | VM_SHARED, NULL);
	for (unsigned i = 0; i < NP; i++) {
		struct page *page = page_cache_sim_peek(b.mapping, i);
		unsigned long a = b.vma->vm_start + ((unsigned long)i << PAGE_SHIFT);

		get_page(page);
		do_set_pte(b.vma, a, page, pte_offset_map(b.vma, a), false, false);
	}
	sim_task_spawn(b.w, "truncate", truncate_all, &b);
	sim_world_run(b.w, SIM_TIME_MAX);
	printf("(simulated time of that truncate: %.1f us; sink %lu)\n",
	       (double)sim_world_now(b.w) / 1000.0, found);

	mmput(b.mm);
	sim_world_free(b.w);
	address_space_sim_destroy(b.mapping);
	mm_sim_free(b.s);
	return 0;
}
