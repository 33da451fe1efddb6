/* tests/fs/test-mm.c — processes' mappings of a file: unmap_mapping_range
 * zaps exactly the PTEs of the range in every VMA (shared, private, DAX),
 * keeps private COW pages unless even_cows, carries dirt from PTEs to
 * pages and keeps mapcounts and references exact; truncate_pagecache vs
 * truncate_pagecache_range on COW pages; truncate zapping mapped pages on
 * its own; page_mkclean/clear_page_dirty_for_io write-protecting shared
 * PTEs; the PTE primitives (do_set_pte, pte_same, vm_insert_mixed, mkwrite,
 * zap, munmap); costs charged; mmap_sem against munmap. */
#include "config.h"

#include "tests/fs/fixture/mm-test-util.h"

#define NPAGES 16

/* The scene: NPAGES cached pages and four VMAs.
 *   A shared rw, pgoff 0, 16 pages: even pages writable+dirty, odd read-only
 *   B shared ro, pgoff 4, 8 pages: all read-only
 *   C private rw, pgoff 0, 16 pages: pages i % 3 == 0 COWed (anon),
 *     the others map the cache page read-only
 *   D DAX (VM_MIXEDMAP) shared, pgoff 2, 10 pages: pfn 5000 + file page */
struct scene {
	struct mmt *m;
	struct mm_struct *mm;
	struct vm_area_struct *vma[4];
	struct page *cache[NPAGES];
};

static unsigned long addr_of(const struct vm_area_struct *vma, pgoff_t f)
{
	return vma->vm_start + ((f - vma->vm_pgoff) << PAGE_SHIFT);
}

static void map_cache_page(struct vm_area_struct *vma, pgoff_t f,
			   struct page *page, bool write)
{
	unsigned long a = addr_of(vma, f);

	get_page(page);   /* the PTE's reference */
	do_set_pte(vma, a, page, pte_offset_map(vma, a), write, false);
}

static void scene_init(struct scene *sc, const struct mm_sim_costs *costs)
{
	struct vm_area_struct *a, *b, *c, *d;

	sc->m = mmt_new(costs, PAGE_SIZE);
	for (unsigned i = 0; i < NPAGES; i++)
		sc->cache[i] = mmt_add_page(sc->m, i, false);
	sc->mm = mm_alloc(sc->m->s);
	a = sc->vma[0] = vm_mmap_sim(sc->mm, &sc->m->file, 0, NPAGES,
				     VM_READ | VM_WRITE | VM_SHARED, NULL);
	b = sc->vma[1] = vm_mmap_sim(sc->mm, &sc->m->file, 4, 8,
				     VM_READ | VM_SHARED, NULL);
	c = sc->vma[2] = vm_mmap_sim(sc->mm, &sc->m->file, 0, NPAGES,
				     VM_READ | VM_WRITE, NULL);
	d = sc->vma[3] = vm_mmap_sim(sc->mm, &sc->m->file, 2, 10,
				     VM_READ | VM_WRITE | VM_SHARED | VM_MIXEDMAP,
				     NULL);
	for (pgoff_t f = 0; f < NPAGES; f++) {
		map_cache_page(a, f, sc->cache[f], f % 2 == 0);
		if (f >= 4 && f < 12)
			map_cache_page(b, f, sc->cache[f], false);
		if (f % 3 == 0) {
			unsigned long addr = addr_of(c, f);
			struct page *cow = alloc_page_vma(c, addr);

			copy_user_highpage(cow, sc->cache[f]);
			do_set_pte(c, addr, cow, pte_offset_map(c, addr), true,
				   true);
		} else {
			map_cache_page(c, f, sc->cache[f], false);
		}
		if (f >= 2 && f < 12)
			g_assert_cmpint(vm_insert_mixed(d, addr_of(d, f), 5000 + f),
					==, 0);
	}
}

/* Mapcounts and references agree with the PTEs that exist. */
static void scene_check_counts(struct scene *sc)
{
	unsigned long anon = 0;

	for (unsigned i = 0; i < NPAGES; i++) {
		struct page *page = page_cache_sim_peek(sc->m->mapping, i);
		int maps = 0;

		if (!page)
			continue;
		for (unsigned v = 0; v < 4; v++) {
			struct vm_area_struct *vma = sc->vma[v];

			for (unsigned long k = 0; k < vma_pages(vma); k++)
				maps += pte_page((*vma_sim_pte(vma, k))) == page;
		}
		g_assert_cmpint(page_mapcount(page), ==, maps);
		g_assert_cmpint(page_count(page), ==,
				1 + maps + (int)page_has_buffers(page));
	}
	for (unsigned long k = 0; k < vma_pages(sc->vma[2]); k++) {
		struct page *p = pte_page((*vma_sim_pte(sc->vma[2], k)));

		if (p && PageAnon(p)) {
			anon++;
			g_assert_cmpint(page_count(p), ==, 1);
			g_assert_cmpint(page_mapcount(p), ==, 1);
		}
	}
	g_assert_cmpuint(sc->m->s->nr_pages, ==, sc->m->s->nr_cache_pages + anon);
}

static void scene_free(struct scene *sc)
{
	mmput(sc->mm);
	g_assert_cmpuint(sc->m->s->nr_pages, ==, sc->m->s->nr_cache_pages);
	for (unsigned i = 0; i < NPAGES; i++) {
		struct page *page = page_cache_sim_peek(sc->m->mapping, i);

		if (page)
			cancel_dirty_page(page);
	}
	mmt_free(sc->m);
}

/* ---- unmap_mapping_range zaps exactly the range ------------------------------------- */

struct unmap_job {
	struct scene *sc;
	loff_t hb, hl;
	bool even_cows;
	sim_time_t took;
};

static void unmap_task(struct sim_task *t, void *arg)
{
	struct unmap_job *u = arg;
	sim_time_t t0 = sim_task_now(t);

	unmap_mapping_range(u->sc->m->mapping, u->hb, u->hl, u->even_cows);
	u->took = sim_task_now(t) - t0;
}

static void check_one_unmap(struct sim_rng *rng)
{
	struct scene sc;
	struct unmap_job u = { .sc = &sc };
	pte_t before[4][NPAGES];
	bool cow_before[4][NPAGES];   /* read now: a zapped COW page is freed */
	bool dirty_before[NPAGES];
	pgoff_t first, last;

	scene_init(&sc, NULL);
	for (unsigned v = 0; v < 4; v++)
		for (unsigned long k = 0; k < vma_pages(sc.vma[v]); k++) {
			struct page *p = pte_page((*vma_sim_pte(sc.vma[v], k)));

			before[v][k] = (*vma_sim_pte(sc.vma[v], k));
			cow_before[v][k] = p && PageAnon(p);
		}
	for (unsigned i = 0; i < NPAGES; i++)
		dirty_before[i] = PageDirty(sc.cache[i]);
	u.hb = (loff_t)sim_rng_below(rng, 18 * PAGE_SIZE);
	u.hl = sim_rng_below(rng, 8) == 0 ? 0 :
		(loff_t)sim_rng_below(rng, 10 * PAGE_SIZE);
	u.even_cows = sim_rng_below(rng, 2);
	/* the kernel's arithmetic: start rounded down, length rounded up */
	first = (pgoff_t)u.hb >> PAGE_SHIFT;
	last = first + (((pgoff_t)u.hl + PAGE_SIZE - 1) >> PAGE_SHIFT) - 1;
	if (u.hl == 0)
		last = (pgoff_t)-1;

	sim_task_spawn(sc.m->w, "unmap", unmap_task, &u);
	g_assert_cmpint(sim_world_run(sc.m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);

	for (unsigned v = 0; v < 4; v++) {
		struct vm_area_struct *vma = sc.vma[v];

		for (unsigned long k = 0; k < vma_pages(vma); k++) {
			pgoff_t f = vma->vm_pgoff + k;
			pte_t was = before[v][k], now = (*vma_sim_pte(vma, k));
			bool in = f >= first && f <= last;
			bool cow = cow_before[v][k];

			if (pte_none(was)) {
				g_assert_true(pte_none(now));
			} else if (in && (u.even_cows || !cow)) {
				g_assert_true(pte_none(now));
				g_assert_false(pte_same(was, now));
			} else {
				g_assert_true(pte_same(was, now));
				g_assert_cmpint(now.kind, ==, was.kind);
				g_assert_cmpint(now.write, ==, was.write);
				g_assert_cmpint(now.dirty, ==, was.dirty);
				if (was.kind == PTE_SIM_PFN)
					g_assert_cmpuint(pte_pfn(now), ==, pte_pfn(was));
				else
					g_assert_true(pte_page(now) == pte_page(was));
			}
		}
	}
	/* a zapped dirty PTE (A's even pages) dirtied its page */
	for (unsigned i = 0; i < NPAGES; i++) {
		bool zapped_dirty = i % 2 == 0 && i >= first && i <= last;

		g_assert_cmpint(PageDirty(sc.cache[i]), ==,
				dirty_before[i] || zapped_dirty);
	}
	scene_check_counts(&sc);
	mmt_check(sc.m);
	scene_free(&sc);
}

static void test_unmap_exact_range(void)
{
	struct sim_rng rng;

	sim_rng_seed(&rng, 5, 0, 0, 0);
	for (unsigned r = 0; r < 120; r++)
		check_one_unmap(&rng);
}

/* Costs: per VMA with zapped PTEs, one flush plus one zap per PTE. */
static void test_unmap_costs(void)
{
	struct mm_sim_costs costs;
	struct scene sc;
	struct unmap_job u = { .sc = &sc, .hb = 0, .hl = 4 * PAGE_SIZE };

	mm_sim_costs_default(&costs);
	scene_init(&sc, &costs);
	sim_task_spawn(sc.m->w, "unmap", unmap_task, &u);
	g_assert_cmpint(sim_world_run(sc.m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	/* A: pages 0-3; B: none; C: 1, 2 (0 and 3 are COW); D: 2, 3 */
	g_assert_cmpint(u.took, ==,
			(4 * costs.pte_zap + costs.vma_flush) +
			(2 * costs.pte_zap + costs.vma_flush) +
			(2 * costs.pte_zap + costs.vma_flush));
	g_assert_cmpuint(sc.m->s->stats.ptes_zapped, ==, 8);
	scene_free(&sc);
}

/* ---- truncate_pagecache_range vs truncate_pagecache ----------------------------------- */

static void truncate_both(struct sim_task *t, void *arg)
{
	struct scene *sc = arg;
	struct inode *inode = &sc->m->inode;

	/* punch pages 4..7 */
	truncate_pagecache_range(inode, 4 * PAGE_SIZE, 8 * PAGE_SIZE - 1);
	/* truncate to 10 pages + 100 bytes */
	i_size_write(inode, 10 * PAGE_SIZE + 100);
	truncate_pagecache(inode, 10 * PAGE_SIZE + 100);
}

static void test_truncate_cows(void)
{
	struct scene sc;
	struct vm_area_struct *c;

	scene_init(&sc, NULL);
	c = sc.vma[2];
	sim_task_spawn(sc.m->w, "truncate", truncate_both, &sc);
	g_assert_cmpint(sim_world_run(sc.m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	for (pgoff_t f = 0; f < NPAGES; f++) {
		bool punched = f >= 4 && f < 8, cut = f >= 11;
		struct page *page = page_cache_sim_peek(sc.m->mapping, f);
		pte_t pc = (*vma_sim_pte(c, f));

		g_assert_cmpint(page == NULL, ==, punched || cut);
		g_assert_cmpint(pte_none((*vma_sim_pte(sc.vma[0], f))), ==, punched || cut);
		if (f >= 2 && f < 12)
			g_assert_cmpint(pte_none((*vma_sim_pte(sc.vma[3], f - 2))), ==,
					punched || cut);
		if (f % 3 == 0) {
			/* COW pages: the punch left them, the truncate took
			 * those past the new size */
			g_assert_cmpint(pte_none(pc), ==, cut);
			if (!cut)
				g_assert_true(PageAnon(pte_page(pc)));
		} else {
			g_assert_cmpint(pte_none(pc), ==, punched || cut);
		}
	}
	/* the page straddling the new size keeps its mappings and its
	 * first 100 bytes; the rest is zero */
	mmt_assert_contents(page_cache_sim_peek(sc.m->mapping, 10), 10, 100,
			    PAGE_SIZE);
	g_assert_false(pte_none((*vma_sim_pte(sc.vma[0], 10))));
	scene_check_counts(&sc);
	mmt_check(sc.m);
	scene_free(&sc);
}

/* truncate_inode_pages_range alone: each mapped page is unmapped on its
 * own (truncate_inode_page), COW copies stay. */
static void truncate_only(struct sim_task *t, void *arg)
{
	struct scene *sc = arg;

	truncate_inode_pages_range(sc->m->mapping, 0, -1);
}

static void test_truncate_unmaps_mapped_pages(void)
{
	struct scene sc;

	scene_init(&sc, NULL);
	sim_task_spawn(sc.m->w, "truncate", truncate_only, &sc);
	g_assert_cmpint(sim_world_run(sc.m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(sc.m->mapping->nrpages, ==, 0);
	for (unsigned v = 0; v < 4; v++)
		for (unsigned long k = 0; k < vma_pages(sc.vma[v]); k++) {
			pte_t p = (*vma_sim_pte(sc.vma[v], k));

			/* DAX pfns have no page to check the mapping of:
			 * the per-page unmaps zap them too (as the kernel's
			 * zap_pte_range with details and no normal page) */
			if (v == 2 && (k % 3) == 0)
				g_assert_true(PageAnon(pte_page(p)));
			else
				g_assert_true(pte_none(p));
		}
	/* every truncated page was freed: no reference leaked */
	g_assert_cmpuint(sc.m->s->nr_pages, ==, (NPAGES + 2) / 3);
	scene_free(&sc);
}

/* ---- write-protect for writeback ----------------------------------------------------------- */

struct mkclean_job {
	struct scene *sc;
	bool dirty6, dirty7;
};

static void mkclean_task(struct sim_task *t, void *arg)
{
	struct mkclean_job *j = arg;
	struct page *p6 = j->sc->cache[6], *p7 = j->sc->cache[7];

	lock_page(p6);
	j->dirty6 = clear_page_dirty_for_io(p6);
	unlock_page(p6);
	lock_page(p7);
	j->dirty7 = clear_page_dirty_for_io(p7);
	unlock_page(p7);
}

static void test_page_mkclean(void)
{
	struct scene sc;
	struct mkclean_job j = { .sc = &sc };
	pte_t a6, b6, c6, a7;

	scene_init(&sc, NULL);
	a6 = (*vma_sim_pte(sc.vma[0], 6));
	b6 = (*vma_sim_pte(sc.vma[1], 2));
	c6 = (*vma_sim_pte(sc.vma[2], 6));
	a7 = (*vma_sim_pte(sc.vma[0], 7));
	g_assert_true(pte_write(a6) && pte_dirty(a6));
	g_assert_false(PageDirty(sc.cache[6]));   /* dirt only in the PTE */
	sim_task_spawn(sc.m->w, "writeback", mkclean_task, &j);
	g_assert_cmpint(sim_world_run(sc.m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	/* the PTE's dirt went to the page and was taken for IO */
	g_assert_true(j.dirty6);
	g_assert_false(j.dirty7);
	g_assert_false(PageDirty(sc.cache[6]));
	g_assert_true(page_cache_sim_tag_get(sc.m->mapping, 6, PAGECACHE_TAG_DIRTY));
	/* A's PTE is read-only and clean now: the next store faults */
	g_assert_false(pte_write((*vma_sim_pte(sc.vma[0], 6))));
	g_assert_false(pte_dirty((*vma_sim_pte(sc.vma[0], 6))));
	g_assert_false(pte_same(a6, (*vma_sim_pte(sc.vma[0], 6))));
	g_assert_true(pte_page((*vma_sim_pte(sc.vma[0], 6))) == sc.cache[6]);
	/* read-only shared, private COW and clean PTEs untouched */
	g_assert_true(pte_same(b6, (*vma_sim_pte(sc.vma[1], 2))));
	g_assert_true(pte_same(c6, (*vma_sim_pte(sc.vma[2], 6))));
	g_assert_true(pte_same(a7, (*vma_sim_pte(sc.vma[0], 7))));
	g_assert_cmpuint(sc.m->s->stats.ptes_wrprotected, ==, 1);
	scene_check_counts(&sc);
	mmt_check(sc.m);
	scene_free(&sc);
}

/* ---- PTE primitives -------------------------------------------------------------------------- */

static void test_pte_primitives(void)
{
	struct mmt *m = mmt_new(NULL, PAGE_SIZE);
	struct mm_struct *mm = mm_alloc(m->s);
	struct vm_area_struct *vma, *dax;
	struct page *page = mmt_add_page(m, 3, false);
	unsigned long addr;
	pte_t *pte, orig;

	vma = vm_mmap_sim(mm, &m->file, 2, 4, VM_READ | VM_WRITE | VM_SHARED, NULL);
	dax = vm_mmap_sim(mm, &m->file, 0, 2,
			  VM_READ | VM_WRITE | VM_SHARED | VM_MIXEDMAP, NULL);
	g_assert_true(vma_is_dax(dax) && !vma_is_dax(vma));
	g_assert_true(find_vma(mm, vma->vm_start + 5000) == vma);
	g_assert_true(find_vma(mm, dax->vm_end - 1) == dax);
	g_assert_null(find_vma(mm, vma->vm_end));   /* the guard gap */
	addr = vma->vm_start + PAGE_SIZE;           /* file page 3 */
	g_assert_cmpuint(linear_page_index(vma, addr), ==, 3);

	/* read fault: snapshot, install read-only */
	pte = pte_offset_map(vma, addr);
	orig = *pte;
	g_assert_true(pte_none(orig));
	g_assert_true(pte_same(orig, *pte));
	get_page(page);
	do_set_pte(vma, addr, page, pte, false, false);
	g_assert_false(pte_same(orig, *pte));
	g_assert_true(pte_page(*pte) == page && !pte_write(*pte));
	g_assert_cmpint(page_mapcount(page), ==, 1);
	/* write fault on the present PTE */
	orig = *pte;
	pte_sim_mkwrite(vma, addr, pte);
	g_assert_true(pte_write(*pte) && pte_dirty(*pte));
	g_assert_false(pte_same(orig, *pte));
	/* a store sets the dirty bit but does not change identity */
	orig = *pte;
	pte_sim_mark_dirty(pte);
	g_assert_true(pte_same(orig, *pte));
	/* zap carries the dirt to the page */
	pte_sim_zap(vma, addr, pte);
	g_assert_true(pte_none(*pte));
	g_assert_true(PageDirty(page));
	g_assert_cmpint(page_mapcount(page), ==, 0);
	g_assert_cmpint(page_count(page), ==, 1);

	/* DAX: pfn PTEs, read-only first, busy slot refused */
	g_assert_cmpint(vm_insert_mixed(dax, dax->vm_start, 77), ==, 0);
	g_assert_cmpint(vm_insert_mixed(dax, dax->vm_start, 78), ==, -EBUSY);
	pte = pte_offset_map(dax, dax->vm_start);
	g_assert_true(pte_sim_is_pfn(*pte) && !pte_write(*pte));
	g_assert_cmpuint(pte_pfn(*pte), ==, 77);
	g_assert_null(pte_page(*pte));
	pte_sim_mkwrite(dax, dax->vm_start, pte);
	g_assert_true(pte_write(*pte));
	zap_page_range(dax, dax->vm_start, 2 * PAGE_SIZE);
	g_assert_true(pte_none(*pte));

	/* munmap drops the rmap of what is still mapped */
	get_page(page);
	do_set_pte(vma, addr, page, pte_offset_map(vma, addr), true, false);
	g_assert_cmpint(page_mapcount(page), ==, 1);
	vm_munmap_sim(vma);
	g_assert_cmpint(page_mapcount(page), ==, 0);
	g_assert_cmpint(mm->map_count, ==, 1);
	g_assert_true(sim_list_empty(&m->mapping->i_mmap) == false);
	mmput(mm);
	g_assert_true(sim_list_empty(&m->mapping->i_mmap));
	cancel_dirty_page(page);
	mmt_free(m);
}

/* ---- mmap_sem ----------------------------------------------------------------------------------- */

struct sem_job {
	struct mmt *m;
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	sim_time_t unmapped_at;
};

static void fault_holder(struct sim_task *t, void *arg)
{
	struct sem_job *s = arg;

	down_read(&s->mm->mmap_sem);
	sim_task_sleep(t, 100);
	up_read(&s->mm->mmap_sem);
}

static void munmapper(struct sim_task *t, void *arg)
{
	struct sem_job *s = arg;

	sim_task_sleep(t, 10);
	vm_munmap_sim(s->vma);
	s->unmapped_at = sim_task_now(t);
}

static void test_mmap_sem(void)
{
	struct mmt *m = mmt_new(NULL, PAGE_SIZE);
	struct sem_job s = { .m = m };

	s.mm = mm_alloc(m->s);
	s.vma = vm_mmap_sim(s.mm, &m->file, 0, 4, VM_READ | VM_SHARED, NULL);
	sim_task_spawn(m->w, "fault", fault_holder, &s);
	sim_task_spawn(m->w, "munmap", munmapper, &s);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpint(s.unmapped_at, ==, 100);
	g_assert_cmpint(s.mm->map_count, ==, 0);
	mmput(s.mm);
	mmt_free(m);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/mm/unmap/exact-range", test_unmap_exact_range);
	g_test_add_func("/mm/unmap/costs", test_unmap_costs);
	g_test_add_func("/mm/truncate/cows", test_truncate_cows);
	g_test_add_func("/mm/truncate/unmaps-mapped-pages",
			test_truncate_unmaps_mapped_pages);
	g_test_add_func("/mm/page-mkclean", test_page_mkclean);
	g_test_add_func("/mm/pte-primitives", test_pte_primitives);
	g_test_add_func("/mm/mmap-sem", test_mmap_sem);
	return g_test_run();
}
