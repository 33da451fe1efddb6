/* tests/fs/test-pagecache.c — the page cache: truncate removes exactly the
 * range (byte-granular edges zeroed exactly, buffers of covered blocks
 * discarded, everything else untouched), waits for locked pages and for
 * writeback (pass 1 skips, pass 2 completes), restarts until a lookup finds
 * the range empty and leaves pages inserted after that; the page lock
 * (FIFO hand-over, wait_on_page_locked, deadlocks visible to the engine,
 * lockdep order against i_data_sem, read IO holding the lock); tags; and
 * reclaim never taking dirty, locked, mapped, writeback or referenced
 * pages. */
#include "config.h"

#include "tests/fs/fixture/mm-test-util.h"

/* ---- truncate removes exactly the range --------------------------------------- */

#define NPAGES 24

struct trunc_job {
	struct mmt *m;
	loff_t lstart, lend;
	sim_time_t done_at;
	bool done;
};

static void truncate_task(struct sim_task *t, void *arg)
{
	struct trunc_job *j = arg;

	truncate_inode_pages_range(j->m->mapping, j->lstart, j->lend);
	j->done_at = sim_task_now(t);
	j->done = true;
}

static void check_one_range(struct sim_rng *rng, unsigned blocksize)
{
	struct mmt *m = mmt_new(NULL, blocksize);
	bool present[NPAGES], buffers[NPAGES];
	struct trunc_job j = { .m = m };
	loff_t lend_eff;

	for (unsigned i = 0; i < NPAGES; i++) {
		present[i] = sim_rng_below(rng, 10) < 7;
		buffers[i] = sim_rng_below(rng, 2);
		if (present[i])
			mmt_add_page(m, i, buffers[i]);
	}
	j.lstart = (loff_t)sim_rng_below(rng, (NPAGES + 2) * PAGE_SIZE);
	if (sim_rng_below(rng, 10) == 0)
		j.lend = -1;
	else
		j.lend = j.lstart + (loff_t)sim_rng_below(rng, 8 * PAGE_SIZE);
	/* aligned edges are the common case in callers: favour them */
	if (sim_rng_below(rng, 4) == 0)
		j.lstart &= ~(loff_t)(blocksize - 1);
	if (j.lend != -1 && sim_rng_below(rng, 4) == 0)
		j.lend = (j.lend | (loff_t)(blocksize - 1));
	lend_eff = j.lend == -1 ? INT64_MAX : j.lend;

	sim_task_spawn(m->w, "truncate", truncate_task, &j);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_true(j.done);
	mmt_check(m);

	for (unsigned i = 0; i < NPAGES; i++) {
		loff_t ps = (loff_t)i * PAGE_SIZE, pe = ps + PAGE_SIZE - 1;
		struct page *page = page_cache_sim_peek(m->mapping, i);
		loff_t zs, ze;

		if (!present[i]) {
			g_assert_null(page);
			continue;
		}
		if (j.lstart <= ps && pe <= lend_eff) {
			g_assert_null(page);   /* wholly inside: gone */
			continue;
		}
		g_assert_nonnull(page);
		zs = max(j.lstart, ps);
		ze = min(lend_eff, pe) + 1;   /* exclusive */
		if (zs >= ze) {
			mmt_assert_contents(page, i, 0, 0);
		} else {
			mmt_assert_contents(page, i, (unsigned)(zs - ps),
					    (unsigned)(ze - ps));
		}
		if (!buffers[i]) {
			g_assert_false(page_has_buffers(page));
			continue;
		}
		/* a partial page keeps its buffers (block_invalidatepage
		 * releases them only when the whole page goes) */
		g_assert_true(page_has_buffers(page));
		{
			struct buffer_head *head = page_buffers(page), *bh = head;
			unsigned k = 0;

			do {
				loff_t bs = ps + (loff_t)k * blocksize;
				loff_t be = bs + blocksize;   /* exclusive */
				bool covered = zs < ze && zs <= bs && be <= ze;

				g_assert_cmpint(buffer_mapped(bh), ==, !covered);
				g_assert_cmpuint(bh->b_blocknr, ==,
						 100000 + i * 16 + k);
				k++;
				bh = bh->b_this_page;
			} while (bh != head);
		}
	}
	mmt_free(m);
}

static void test_truncate_exact_range(void)
{
	struct sim_rng rng;

	sim_rng_seed(&rng, 11, 0, 0, 0);
	for (unsigned r = 0; r < 150; r++)
		check_one_range(&rng, r % 3 ? PAGE_SIZE : 1024);
}

/* ---- truncate waits for page locks and writeback ---------------------------------- */

struct wait_job {
	struct mmt *m;
	struct trunc_job tj;
	pgoff_t busy;          /* the page held locked / under writeback */
	sim_time_t hold;       /* how long */
	unsigned left_at_probe;
	bool busy_present_at_probe;
	bool partial_zero_at_probe;
	bool holder_saw_unlock;
};

static void lock_holder(struct sim_task *t, void *arg)
{
	struct wait_job *w = arg;
	struct page *page = find_lock_page(w->m->mapping, w->busy);

	g_assert_nonnull(page);
	sim_task_sleep(t, w->hold);
	unlock_page(page);
	put_page(page);
}

static void delayed_truncate(struct sim_task *t, void *arg)
{
	struct wait_job *w = arg;

	sim_task_sleep(t, 10);
	truncate_task(t, &w->tj);
}

static void probe(struct sim_task *t, void *arg)
{
	struct wait_job *w = arg;
	struct page *edge;

	sim_task_sleep(t, w->hold / 2);
	w->left_at_probe = (unsigned)w->m->mapping->nrpages;
	w->busy_present_at_probe =
		page_cache_sim_peek(w->m->mapping, w->busy) != NULL;
	edge = page_cache_sim_peek(w->m->mapping, w->busy);
	w->partial_zero_at_probe = edge &&
		sim_contents_is_zero(&edge->contents, 100, PAGE_SIZE - 100);
}

static void test_truncate_waits_for_lock(void)
{
	struct mmt *m = mmt_new(NULL, PAGE_SIZE);
	struct wait_job w = { .m = m, .busy = 5, .hold = 1000 };

	for (unsigned i = 0; i < 10; i++)
		mmt_add_page(m, i, true);
	w.tj = (struct trunc_job){ .m = m, .lstart = 0, .lend = -1 };
	sim_task_spawn(m->w, "holder", lock_holder, &w);
	sim_task_spawn(m->w, "truncate", delayed_truncate, &w);
	sim_task_spawn(m->w, "probe", probe, &w);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	/* pass 1 took every other page at once and skipped the locked one;
	 * pass 2 slept on it until the holder let go at t = 1000 */
	g_assert_cmpuint(w.left_at_probe, ==, 1);
	g_assert_true(w.busy_present_at_probe);
	g_assert_true(w.tj.done);
	g_assert_cmpint(w.tj.done_at, ==, 1000);
	g_assert_cmpuint(m->mapping->nrpages, ==, 0);
	g_assert_cmpuint(m->s->stats.lock_waits, ==, 1);
	g_assert_cmpint(m->s->stats.lock_wait_ns, ==, 1000 - 10);
	mmt_check(m);
	mmt_free(m);
}

static void writeback_ender(struct sim_task *t, void *arg)
{
	struct wait_job *w = arg;
	struct page *page = page_cache_sim_peek(w->m->mapping, w->busy);

	sim_task_sleep(t, w->hold);
	end_page_writeback(page);
}

static void test_truncate_waits_for_writeback(void)
{
	struct mmt *m = mmt_new(NULL, PAGE_SIZE);
	struct wait_job w = { .m = m, .busy = 3, .hold = 2000 };
	struct page *page;

	for (unsigned i = 0; i < 8; i++)
		mmt_add_page(m, i, false);
	page = page_cache_sim_peek(m->mapping, 3);
	g_assert_false(set_page_writeback(page));
	g_assert_true(page_cache_sim_tag_get(m->mapping, 3,
					     PAGECACHE_TAG_WRITEBACK));
	/* bytes 100.. of page 3 onwards: page 3 is the partial edge */
	w.tj = (struct trunc_job){ .m = m, .lstart = 3 * PAGE_SIZE + 100,
				   .lend = -1 };
	sim_task_spawn(m->w, "io", writeback_ender, &w);
	sim_task_spawn(m->w, "truncate", delayed_truncate, &w);
	sim_task_spawn(m->w, "probe", probe, &w);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	/* pages 4..7 went in pass 1; the edge page waited for its IO
	 * before being zeroed */
	g_assert_cmpuint(w.left_at_probe, ==, 4);
	g_assert_false(w.partial_zero_at_probe);
	g_assert_cmpint(w.tj.done_at, ==, 2000);
	g_assert_cmpuint(m->mapping->nrpages, ==, 4);
	mmt_assert_contents(page_cache_sim_peek(m->mapping, 3), 3, 100,
			    PAGE_SIZE);
	g_assert_cmpuint(m->s->stats.writeback_waits, ==, 1);
	mmt_check(m);
	mmt_free(m);
}

/* Writeback on a page wholly inside the range: pass 1 skips it, pass 2
 * waits, then it goes. */
static void test_truncate_pass2_writeback(void)
{
	struct mmt *m = mmt_new(NULL, PAGE_SIZE);
	struct wait_job w = { .m = m, .busy = 2, .hold = 700 };

	for (unsigned i = 0; i < 6; i++)
		mmt_add_page(m, i, false);
	set_page_writeback(page_cache_sim_peek(m->mapping, 2));
	w.tj = (struct trunc_job){ .m = m, .lstart = 0, .lend = 6 * PAGE_SIZE - 1 };
	sim_task_spawn(m->w, "io", writeback_ender, &w);
	sim_task_spawn(m->w, "truncate", delayed_truncate, &w);
	sim_task_spawn(m->w, "probe", probe, &w);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(w.left_at_probe, ==, 1);
	g_assert_true(w.busy_present_at_probe);
	g_assert_cmpint(w.tj.done_at, ==, 700);
	g_assert_cmpuint(m->mapping->nrpages, ==, 0);
	mmt_check(m);
	mmt_free(m);
}

/* ---- the final lookup decides ------------------------------------------------------- */

struct race_job {
	struct wait_job w;
	struct sim_completion truncated;
	bool outside;          /* also insert a page past the range */
};

static void truncate_then_signal(struct sim_task *t, void *arg)
{
	struct race_job *r = arg;

	delayed_truncate(t, &r->w);
	sim_complete(&r->truncated);
}

static void insert_page_task(struct mmt *m, pgoff_t index)
{
	struct page *page = page_cache_alloc(m->mapping);

	g_assert_cmpint(add_to_page_cache_lru(page, m->mapping, index), ==, 0);
	sim_contents_set(&page->contents, 0, PAGE_SIZE, STAMP(index), 0);
	SetPageUptodate(page);
	unlock_page(page);
	put_page(page);
}

static void inserter(struct sim_task *t, void *arg)
{
	struct race_job *r = arg;

	/* while truncate sleeps on page 5 in pass 2: one page behind its
	 * cursor, one ahead, one outside the range */
	sim_task_sleep(t, 500);
	insert_page_task(r->w.m, 2);
	insert_page_task(r->w.m, 8);
	if (r->outside)
		insert_page_task(r->w.m, 12);
	/* after truncate's last lookup: nothing will look again */
	sim_wait_for_completion(t, &r->truncated, "inserter");
	insert_page_task(r->w.m, 3);
}

/* With a page past the range, pass 2 restarts on meeting it ("restart
 * the punch"); without, on finding nothing after the cursor ("restart to
 * make sure").  Either way page 2, inserted behind the cursor, goes. */
static void final_lookup(bool outside, uint64_t shuffle_seed)
{
	struct mmt *m = mmt_new_shuffled(NULL, PAGE_SIZE, shuffle_seed);
	struct race_job r = { .w = { .m = m, .busy = 5, .hold = 1000 },
			      .outside = outside };
	struct sim_task *tt;

	for (unsigned i = 0; i < 10; i++)
		mmt_add_page(m, i, false);
	sim_completion_init(&r.truncated, "truncated");
	r.w.tj = (struct trunc_job){ .m = m, .lstart = 0,
				     .lend = 10 * PAGE_SIZE - 1 };
	sim_task_spawn(m->w, "holder", lock_holder, &r.w);
	tt = sim_task_spawn(m->w, "truncate", truncate_then_signal, &r);
	sim_completion_set_signaller(&r.truncated, tt);
	sim_task_spawn(m->w, "inserter", inserter, &r);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpint(r.w.tj.done_at, ==, 1000);
	/* 2 (behind the cursor: found by the restart) and 8 (ahead) went,
	 * 12 is outside, 3 came after the final lookup and stays */
	g_assert_null(page_cache_sim_peek(m->mapping, 2));
	g_assert_null(page_cache_sim_peek(m->mapping, 8));
	g_assert_cmpint(page_cache_sim_peek(m->mapping, 12) != NULL, ==, outside);
	g_assert_nonnull(page_cache_sim_peek(m->mapping, 3));
	g_assert_cmpuint(m->mapping->nrpages, ==, 1 + outside);
	mmt_check(m);
	mmt_free(m);
}

static void test_truncate_final_lookup(void)
{
	final_lookup(true, 0);
	final_lookup(false, 0);
}

/* The outcome does not hang on the order of same-time events. */
static void test_truncate_final_lookup_shuffled(void)
{
	for (uint64_t seed = 1; seed <= 16; seed++)
		final_lookup(seed & 1, seed);
}

/* ---- page lock ------------------------------------------------------------------------ */

struct lock_job {
	struct mmt *m;
	struct page *page, *page2;
	unsigned order[8];
	sim_time_t when[8];
	unsigned n;
	bool late_trylock;
	sim_time_t unlocked_seen_at;
};

static void fifo_locker(struct sim_task *t, void *arg)
{
	struct lock_job *l = arg;
	unsigned id = sim_task_id(t);

	sim_task_sleep(t, 10 * id);      /* arrive in id order */
	lock_page(l->page);
	l->order[l->n] = id;
	l->when[l->n++] = sim_task_now(t);
	sim_task_sleep(t, id == 0 ? 100 : 10);
	unlock_page(l->page);
}

static void late_trylocker(struct sim_task *t, void *arg)
{
	struct lock_job *l = arg;

	sim_task_sleep(t, 105);
	/* handed over at 100 to the first waiter: still locked */
	l->late_trylock = trylock_page(l->page);
}

static void unlock_watcher(struct sim_task *t, void *arg)
{
	struct lock_job *l = arg;

	sim_task_sleep(t, 50);
	wait_on_page_locked(l->page);
	l->unlocked_seen_at = sim_task_now(t);
}

static void test_lock_fifo(void)
{
	struct mmt *m = mmt_new(NULL, PAGE_SIZE);
	struct lock_job l = { .m = m };
	const unsigned n = 5;

	l.page = mmt_add_page(m, 0, false);
	for (unsigned i = 0; i < n; i++)
		sim_task_spawn(m->w, "locker", fifo_locker, &l);
	sim_task_spawn(m->w, "trylock", late_trylocker, &l);
	sim_task_spawn(m->w, "watcher", unlock_watcher, &l);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(l.n, ==, n);
	for (unsigned i = 0; i < n; i++) {
		g_assert_cmpuint(l.order[i], ==, i);
		g_assert_cmpint(l.when[i], ==, i == 0 ? 0 : 100 + 10 * (i - 1));
	}
	g_assert_false(l.late_trylock);
	g_assert_cmpint(l.unlocked_seen_at, ==, 100);
	g_assert_false(PageLocked(l.page));
	g_assert_cmpuint(m->s->stats.lock_waits, ==, n - 1);
	mmt_free(m);
}

/* One queue order across lockers and wait_on_page_locked sleepers: at
 * unlock every sleeper and the first locker resume, in the order they
 * queued; the other lockers stay queued, each named in the wait-for graph
 * by its one blocker, the holder — O(1) per block, not O(queue) (issue 11
 * finding 5). */
struct order_wake_job {
	struct page *page;
	struct sim_task *tasks[8];
	char log[16];
	unsigned n;
	unsigned edges[8];
};

static void count_edge(struct sim_task *b, void *ctx)
{
	(void)b;
	(*(unsigned *)ctx)++;
}

static void ow_holder(struct sim_task *t, void *arg)
{
	struct order_wake_job *j = arg;

	lock_page(j->page);
	sim_task_sleep(t, 100);
	/* everybody queued: how many blockers does each waiter name? */
	for (unsigned i = 1; i < 6; i++)
		j->page->lock_wo.ops->for_each_blocker(&j->page->lock_wo,
						       j->tasks[i], count_edge,
						       &j->edges[i]);
	unlock_page(j->page);
}

static void ow_waiter(struct sim_task *t, void *arg)
{
	struct order_wake_job *j = arg;
	unsigned id = sim_task_id(t);
	bool locker = id == 2 || id == 4;   /* 1 3 5 watch, 2 4 lock */

	sim_task_sleep(t, 10 * id);          /* queue in id order */
	if (locker)
		lock_page(j->page);
	else
		wait_on_page_locked(j->page);
	j->log[j->n++] = (char)('0' + id);
	if (locker) {
		sim_task_sleep(t, 50);
		unlock_page(j->page);
	}
}

static void test_lock_wake_order(void)
{
	struct mmt *m = mmt_new(NULL, PAGE_SIZE);
	struct order_wake_job j = { 0 };

	j.page = mmt_add_page(m, 0, false);
	j.tasks[0] = sim_task_spawn(m->w, "holder", ow_holder, &j);
	for (unsigned i = 1; i < 6; i++)
		j.tasks[i] = sim_task_spawn(m->w, "waiter", ow_waiter, &j);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	/* 100: watcher 1, locker 2, watchers 3 and 5; 150: locker 4 */
	g_assert_cmpstr(j.log, ==, "12354");
	for (unsigned i = 1; i < 6; i++)
		g_assert_cmpuint(j.edges[i], ==, 1);
	g_assert_false(PageLocked(j.page));
	mmt_free(m);
}

static void ab_locker(struct sim_task *t, void *arg)
{
	struct lock_job *l = arg;
	bool a_first = sim_task_id(t) == 0;
	struct page *first = a_first ? l->page : l->page2;
	struct page *second = a_first ? l->page2 : l->page;

	lock_page(first);
	sim_task_sleep(t, 10);
	lock_page(second);
	l->n++;   /* never reached */
	unlock_page(second);
	unlock_page(first);
}

static void test_lock_deadlock(void)
{
	struct mmt *m = mmt_new(NULL, PAGE_SIZE);
	struct lock_job l = { .m = m };
	const char *r;

	l.page = mmt_add_page(m, 1, false);
	l.page2 = mmt_add_page(m, 2, false);
	sim_task_spawn(m->w, "alpha", ab_locker, &l);
	sim_task_spawn(m->w, "beta", ab_locker, &l);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_DEADLOCK);
	g_assert_cmpuint(l.n, ==, 0);
	g_assert_cmpint(sim_world_now(m->w), ==, 10);
	r = sim_world_deadlock_report(m->w);
	g_assert_nonnull(r);
	g_assert_nonnull(strstr(r, "page lock ino 12 index 1: held by alpha"));
	g_assert_nonnull(strstr(r, "page lock ino 12 index 2: held by beta"));
	g_assert_cmpstr(m->kind, ==, "deadlock");
	mmt_free(m);
}

/* Lockdep sees "page lock > i_data_sem" in one task and the reverse in
 * another, without any actual deadlock. */
struct order_job {
	struct mmt *m;
	struct sim_rwsem i_data_sem;
	struct page *page;
};

static void page_then_data_sem(struct sim_task *t, void *arg)
{
	struct order_job *o = arg;

	lock_page(o->page);
	down_write(&o->i_data_sem);
	up_write(&o->i_data_sem);
	unlock_page(o->page);
}

static void data_sem_then_page(struct sim_task *t, void *arg)
{
	struct order_job *o = arg;

	sim_task_sleep(t, 100);
	down_write(&o->i_data_sem);
	lock_page(o->page);
	unlock_page(o->page);
	up_write(&o->i_data_sem);
}

static void test_lock_lockdep_order(void)
{
	struct mmt *m = mmt_new(NULL, PAGE_SIZE);
	struct order_job o = { .m = m };

	sim_rwsem_init(m->w, &o.i_data_sem, "i_data_sem");
	o.page = mmt_add_page(m, 0, false);
	sim_task_spawn(m->w, "fault", page_then_data_sem, &o);
	sim_task_spawn(m->w, "bad", data_sem_then_page, &o);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(m->findings, ==, 1);
	g_assert_cmpstr(m->kind, ==, "lock_order");
	g_assert_nonnull(strstr(m->report, "page lock"));
	g_assert_nonnull(strstr(m->report, "i_data_sem"));
	mmt_free(m);
}

/* Holding many page locks (writeback) is one lockdep entry. */
static void many_locks(struct sim_task *t, void *arg)
{
	struct order_job *o = arg;
	struct page *pages[64];

	for (unsigned i = 0; i < 64; i++) {
		pages[i] = find_lock_page(o->m->mapping, i);
		g_assert_nonnull(pages[i]);
	}
	g_assert_cmpuint(sim_lockdep_depth(t), ==, 1);
	down_read(&o->i_data_sem);
	g_assert_cmpuint(sim_lockdep_depth(t), ==, 2);
	up_read(&o->i_data_sem);
	for (unsigned i = 0; i < 64; i++) {
		unlock_page(pages[i]);
		put_page(pages[i]);
	}
	g_assert_cmpuint(sim_lockdep_depth(t), ==, 0);
}

static void test_lock_many_held(void)
{
	struct mmt *m = mmt_new(NULL, PAGE_SIZE);
	struct order_job o = { .m = m };

	sim_rwsem_init(m->w, &o.i_data_sem, "i_data_sem");
	for (unsigned i = 0; i < 64; i++)
		mmt_add_page(m, i, false);
	sim_task_spawn(m->w, "writeback", many_locks, &o);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(m->findings, ==, 0);
	mmt_free(m);
}

/* ---- lock_page_or_retry ------------------------------------------------------------------ */

struct retry_job {
	struct mmt *m;
	struct mm_struct *mm;
	struct page *page;
	unsigned flags;
	bool locked, sem_held;
	sim_time_t at;
};

static void retry_holder(struct sim_task *t, void *arg)
{
	struct retry_job *r = arg;

	lock_page(r->page);
	sim_task_sleep(t, 300);
	unlock_page(r->page);
}

static void retry_fault(struct sim_task *t, void *arg)
{
	struct retry_job *r = arg;

	sim_task_sleep(t, 10);
	down_read(&r->mm->mmap_sem);
	r->locked = lock_page_or_retry(r->page, r->mm, r->flags);
	r->at = sim_task_now(t);
	r->sem_held = sim_rwsem_held_by(&r->mm->mmap_sem, t);
	if (r->sem_held)
		up_read(&r->mm->mmap_sem);
	if (r->locked)
		unlock_page(r->page);
}

static void retry_case(unsigned flags, bool locked, bool sem_held,
		       sim_time_t at)
{
	struct mmt *m = mmt_new(NULL, PAGE_SIZE);
	struct retry_job r = { .m = m, .flags = flags };

	r.page = mmt_add_page(m, 0, false);
	r.mm = mm_alloc(m->s);
	sim_task_spawn(m->w, "holder", retry_holder, &r);
	sim_task_spawn(m->w, "fault", retry_fault, &r);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpint(r.locked, ==, locked);
	g_assert_cmpint(r.sem_held, ==, sem_held);
	g_assert_cmpint(r.at, ==, at);
	g_assert_false(PageLocked(r.page));
	mmput(r.mm);
	mmt_free(m);
}

static void test_lock_page_or_retry(void)
{
	/* no retry allowed: sleep for the lock, keep mmap_sem */
	retry_case(0, true, true, 300);
	/* retry: drop mmap_sem, wait for the unlock, come back empty */
	retry_case(FAULT_FLAG_ALLOW_RETRY, false, false, 300);
	/* retry without waiting: back at once, mmap_sem kept */
	retry_case(FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT, false,
		   true, 10);
}

/* ---- read IO completes with the page locked --------------------------------------------- */

struct read_job {
	struct mmt *m;
	struct sim_event ev;
	struct page *page;
	sim_time_t locked_at;
	bool uptodate;
};

static void read_end_io(struct sim_world *w, struct sim_event *ev)
{
	struct read_job *r = container_of(ev, struct read_job, ev);

	page_endio(r->page, READ, 0);
}

static void reader(struct sim_task *t, void *arg)
{
	struct read_job *r = arg;
	struct page *page = page_cache_alloc(r->m->mapping);

	/* page_cache_read: insert locked, ->readpage submits and returns */
	g_assert_cmpint(add_to_page_cache_lru(page, r->m->mapping, 4), ==, 0);
	r->page = page;
	page_sim_lock_hand_to_io(page);
	sim_event_schedule(sim_task_world(t), &r->ev, 500);
	/* filemap_fault: lock_page waits for the read */
	lock_page(page);
	r->locked_at = sim_task_now(t);
	r->uptodate = PageUptodate(page);
	unlock_page(page);
	put_page(page);
}

static void test_read_io_lock(void)
{
	struct mmt *m = mmt_new(NULL, PAGE_SIZE);
	struct read_job r = { .m = m };

	sim_event_init(m->w, &r.ev, read_end_io);
	sim_task_spawn(m->w, "reader", reader, &r);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpint(r.locked_at, ==, 500);
	g_assert_true(r.uptodate);
	g_assert_cmpuint(m->findings, ==, 0);
	sim_event_destroy(m->w, &r.ev);
	mmt_check(m);
	mmt_free(m);
}

/* ---- tags ------------------------------------------------------------------------------------ */

static void test_tags(void)
{
	struct mmt *m = mmt_new(NULL, PAGE_SIZE);
	struct page *pages[PAGEVEC_SIZE];
	pgoff_t index = 0;
	unsigned n;

	for (unsigned i = 0; i < 40; i++)
		mmt_add_page(m, i * 3, i % 2 == 0);
	for (unsigned i = 0; i < 40; i += 4)
		g_assert_true(set_page_dirty(page_cache_sim_peek(m->mapping, i * 3)));
	g_assert_false(set_page_dirty(page_cache_sim_peek(m->mapping, 0)));
	g_assert_cmpuint(m->mapping->tagged[PAGECACHE_TAG_DIRTY], ==, 10);
	/* dirtying a page with buffers dirties its buffers */
	g_assert_true(buffer_dirty(page_buffers(page_cache_sim_peek(m->mapping, 12))));
	mmt_check(m);

	/* writepages' walk: DIRTY pages in index order, in pagevec batches */
	n = find_get_pages_tag(m->mapping, &index, PAGECACHE_TAG_DIRTY, 4, pages);
	g_assert_cmpuint(n, ==, 4);
	for (unsigned i = 0; i < n; i++) {
		g_assert_cmpuint(pages[i]->index, ==, i * 12);
		put_page(pages[i]);
	}
	g_assert_cmpuint(index, ==, 37);

	tag_pages_for_writeback(m->mapping, 10, 60);   /* 12, 24, 36, 48, 60 */
	g_assert_cmpuint(m->mapping->tagged[PAGECACHE_TAG_TOWRITE], ==, 5);

	/* write one out: lock, clear dirty for IO, writeback, done */
	{
		struct page *page = page_cache_sim_peek(m->mapping, 24);

		g_assert_true(trylock_page(page));
		g_assert_true(clear_page_dirty_for_io(page));
		g_assert_true(page_cache_sim_tag_get(m->mapping, 24,
						     PAGECACHE_TAG_DIRTY));
		g_assert_false(set_page_writeback(page));
		g_assert_false(page_cache_sim_tag_get(m->mapping, 24,
						      PAGECACHE_TAG_DIRTY));
		g_assert_false(page_cache_sim_tag_get(m->mapping, 24,
						      PAGECACHE_TAG_TOWRITE));
		unlock_page(page);
		mmt_check(m);
		end_page_writeback(page);
		g_assert_cmpuint(m->mapping->tagged[PAGECACHE_TAG_WRITEBACK], ==, 0);
		g_assert_cmpuint(m->mapping->tagged[PAGECACHE_TAG_DIRTY], ==, 9);
		g_assert_cmpuint(m->mapping->tagged[PAGECACHE_TAG_TOWRITE], ==, 4);
	}
	mmt_check(m);

	/* truncation takes tags with the pages (dirty pages are cancelled) */
	{
		struct trunc_job j = { .m = m, .lstart = 0, .lend = -1 };

		sim_task_spawn(m->w, "truncate", truncate_task, &j);
		g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	}
	for (unsigned t = 0; t < PAGECACHE_NR_TAGS; t++)
		g_assert_cmpuint(m->mapping->tagged[t], ==, 0);
	mmt_check(m);
	mmt_free(m);
}

/* ---- reclaim ----------------------------------------------------------------------------------- */

struct reclaim_job {
	struct mmt *m;
	unsigned inserted;
};

static void reclaim_inserter(struct sim_task *t, void *arg)
{
	struct reclaim_job *r = arg;

	for (unsigned i = 0; i < 16; i++) {
		insert_page_task(r->m, 100 + i);
		r->inserted++;
	}
}

static void test_reclaim(void)
{
	struct mm_sim_costs costs;
	struct mmt *m;
	struct reclaim_job r;
	struct page *dirty, *locked, *wb, *ref, *busy_bh;
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	struct page *mapped;

	mm_sim_costs_default(&costs);
	m = mmt_new(&costs, 1024);
	r = (struct reclaim_job){ .m = m };
	mm_sim_set_page_budget(m->s, 12);
	/* oldest first on the LRU: the unreclaimable ones */
	dirty = mmt_add_page(m, 0, false);
	set_page_dirty(dirty);
	locked = mmt_add_page(m, 1, false);
	g_assert_true(trylock_page(locked));
	mapped = mmt_add_page(m, 2, false);
	mm = mm_alloc(m->s);
	vma = vm_mmap_sim(mm, &m->file, 0, 4, VM_READ | VM_SHARED, NULL);
	get_page(mapped);
	do_set_pte(vma, vma->vm_start + 2 * PAGE_SIZE, mapped,
		   pte_offset_map(vma, vma->vm_start + 2 * PAGE_SIZE), false,
		   false);
	wb = mmt_add_page(m, 3, false);
	set_page_writeback(wb);
	ref = mmt_add_page(m, 4, false);
	get_page(ref);
	busy_bh = mmt_add_page(m, 5, true);
	page_buffers(busy_bh)->b_count++;   /* someone holds the buffer */
	mmt_add_page(m, 6, true);   /* clean buffers: releasable */
	for (unsigned i = 7; i < 12; i++)
		mmt_add_page(m, i, false);
	g_assert_cmpuint(m->s->nr_cache_pages, ==, 12);

	sim_task_spawn(m->w, "inserter", reclaim_inserter, &r);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(r.inserted, ==, 16);
	/* the seven busy pages all stayed */
	g_assert_true(page_cache_sim_peek(m->mapping, 0) == dirty);
	g_assert_true(page_cache_sim_peek(m->mapping, 1) == locked);
	g_assert_true(page_cache_sim_peek(m->mapping, 2) == mapped);
	g_assert_true(page_cache_sim_peek(m->mapping, 3) == wb);
	g_assert_true(page_cache_sim_peek(m->mapping, 4) == ref);
	g_assert_true(page_cache_sim_peek(m->mapping, 5) == busy_bh);
	/* clean ones went, oldest first: the clean page with clean buffers
	 * lost them and was reclaimed among the first */
	for (unsigned i = 6; i < 12; i++)
		g_assert_null(page_cache_sim_peek(m->mapping, i));
	g_assert_cmpuint(m->s->nr_cache_pages, <=, 12);
	g_assert_cmpuint(m->s->stats.reclaimed, ==,
			 12 + 16 - m->s->nr_cache_pages);
	g_assert_cmpuint(m->s->stats.reclaim_failed, ==, 0);
	/* the newest inserts survive */
	g_assert_nonnull(page_cache_sim_peek(m->mapping, 115));
	mmt_check(m);

	/* tidy up so the world can be freed cleanly */
	page_buffers(busy_bh)->b_count--;
	put_page(ref);
	unlock_page(locked);
	end_page_writeback(wb);
	cancel_dirty_page(dirty);
	mmput(mm);
	mmt_free(m);
}

/* ---- invalidate_inode_pages2_range ----------------------------------------------------------- */

static void invalidate2_task(struct sim_task *t, void *arg)
{
	struct mmt *m = arg;

	g_assert_cmpint(invalidate_inode_pages2_range(m->mapping, 0, 9), ==, -EBUSY);
}

static void test_invalidate2(void)
{
	struct mmt *m = mmt_new(NULL, PAGE_SIZE);

	for (unsigned i = 0; i < 10; i++)
		mmt_add_page(m, i, i % 2);
	set_page_dirty(page_cache_sim_peek(m->mapping, 4));
	sim_task_spawn(m->w, "dio", invalidate2_task, m);
	g_assert_cmpint(sim_world_run(m->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	/* the dirty page refused to go; every clean one went */
	g_assert_cmpuint(m->mapping->nrpages, ==, 1);
	g_assert_nonnull(page_cache_sim_peek(m->mapping, 4));
	mmt_check(m);
	cancel_dirty_page(page_cache_sim_peek(m->mapping, 4));
	mmt_free(m);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pagecache/truncate/exact-range", test_truncate_exact_range);
	g_test_add_func("/pagecache/truncate/waits-for-lock", test_truncate_waits_for_lock);
	g_test_add_func("/pagecache/truncate/waits-for-writeback",
			test_truncate_waits_for_writeback);
	g_test_add_func("/pagecache/truncate/pass2-writeback", test_truncate_pass2_writeback);
	g_test_add_func("/pagecache/truncate/final-lookup", test_truncate_final_lookup);
	g_test_add_func("/pagecache/truncate/final-lookup-shuffled",
			test_truncate_final_lookup_shuffled);
	g_test_add_func("/pagecache/lock/fifo", test_lock_fifo);
	g_test_add_func("/pagecache/lock/deadlock", test_lock_deadlock);
	g_test_add_func("/pagecache/lock/wake-order", test_lock_wake_order);
	g_test_add_func("/pagecache/lock/lockdep-order", test_lock_lockdep_order);
	g_test_add_func("/pagecache/lock/many-held", test_lock_many_held);
	g_test_add_func("/pagecache/lock/read-io", test_read_io_lock);
	g_test_add_func("/pagecache/lock/or-retry", test_lock_page_or_retry);
	g_test_add_func("/pagecache/tags", test_tags);
	g_test_add_func("/pagecache/reclaim", test_reclaim);
	g_test_add_func("/pagecache/invalidate2", test_invalidate2);
	return g_test_run();
}
