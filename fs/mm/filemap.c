/* fs/mm/filemap.c — the page cache: per-mapping page index with tags,
 * insertion and deletion, lookups, and the page lock and writeback waits.
 * Mirrors mm/filemap.c (v4.4): add_to_page_cache_lru, delete_from_page_cache,
 * find_get_entry/find_get_page, find_lock_entry/find_lock_page,
 * pagecache_get_page, find_get_entries, find_get_pages(_tag),
 * __lock_page/unlock_page, __lock_page_or_retry, wait_on_page_bit
 * (writeback), end_page_writeback,
 * page_endio, try_to_release_page, filemap_fdatawait_range.
 *
 * Simplified (each also said where it happens):
 *  - no RCU/tree_lock: a world is single-threaded and nothing here yields
 *    between a check and the change it guards;
 *  - per-page FIFO wait lists (lockers, wait_on_page_locked sleepers,
 *    writeback sleepers; woken in the order they queued) instead of hashed
 *    bit wait queues, and the page lock is handed to the first waiter at
 *    unlock (no wake-and-retry, so no lock stealing by a trylock in
 *    between);
 *  - no shadow entries, cleancache, memcg or dirty accounting.
 *
 * Wait-for edges of IO waits: a page under writeback, or locked by read
 * IO, waits for the tasks its request names (page->wb_via, lock_io_via:
 * the task still holding an unsubmitted bio); with no request named, for
 * the device only, which needs no task — as the kernel's hung-task
 * detector would see it.
 *
 * Page lock states (PG_locked, lock_owner, lock_counted):
 *
 *   unlocked ──lock/trylock (task T)──► locked(T, counted)
 *   locked(T) ──page_sim_lock_hand_to_io──► locked(IO, not counted)
 *   locked(*) ──unlock, a locker queued──► locked(first waiter, counted)
 *   locked(*) ──unlock, nobody queued──► unlocked
 *
 * "counted": the holder's per-task page-lock count includes this lock;
 * the count going 0 -> 1 / 1 -> 0 is lockdep's acquire/release of the
 * "page lock" class.  A waiter counts itself before it sleeps (lockdep
 * checks order at the attempt, as the kernel's does).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/mm/internal.h"

enum {
	PW_LOCK,        /* lock_page: gets the lock handed over */
	PW_UNLOCKED,    /* wait_on_page_locked: woken at the next unlock */
	PW_WRITEBACK,   /* wait_on_page_writeback */
};

/* A sleeping task's entry on one of the page's wait lists (kind says
 * which); lives on its stack (the kernel's DEFINE_WAIT_BIT).  seq: when it
 * queued, for waking lockers and unlock sleepers in one queue's order. */
struct page_sim_waiter {
	struct sim_list node;
	struct sim_task *task;
	uint64_t seq;
	uint8_t kind;
	bool woken;
};

static void page_sim_queue(struct page *page, struct sim_list *list,
			   struct page_sim_waiter *w)
{
	w->seq = ++page->sim->next_waiter_seq;
	sim_list_add_tail(&w->node, list);
}

/* ---- page lock bookkeeping for lockdep --------------------------------------- */

static void page_lock_dep_inc(struct mm_sim *s, struct sim_task *t,
			      const char *ip)
{
	unsigned id = sim_task_id(t);

	if (id >= s->page_locks_cap) {
		unsigned cap = s->page_locks_cap ? s->page_locks_cap : 16;

		while (cap <= id)
			cap *= 2;
		s->page_locks_held = realloc(s->page_locks_held,
					     cap * sizeof(unsigned));
		SIM_BUG_ON(!s->page_locks_held);
		memset(s->page_locks_held + s->page_locks_cap, 0,
		       (cap - s->page_locks_cap) * sizeof(unsigned));
		s->page_locks_cap = cap;
	}
	if (s->page_locks_held[id]++ == 0)
		sim_lockdep_acquire(t, &s->page_lock_dep, &s->page_lock_dep,
				    false, ip);
}

static void page_lock_dep_dec(struct mm_sim *s, struct sim_task *t)
{
	unsigned id = sim_task_id(t);

	SIM_BUG_ON(id >= s->page_locks_cap || s->page_locks_held[id] == 0);
	if (--s->page_locks_held[id] == 0)
		sim_lockdep_release(t, &s->page_lock_dep);
}

/* ---- the wait-for graph ----------------------------------------------------- */

/* Every sleeper on the page lock waits for the holder — a locker also for
 * the lockers queued ahead of it (they get the lock first), but those need
 * not be named: each of them waits for nothing but the holder and the
 * lockers ahead of it, so whatever a locker ahead reaches the holder edge
 * reaches too, and a cycle through one passes through the holder.  The
 * detector therefore finds the same cycles, and reports the same ones (its
 * depth-first search pushed the lockers ahead after the holder, popped
 * them first and found nothing new under them), as when every locker
 * ahead was named — at one edge per block instead of O(queue), and with no
 * search of the queue for the waiter's own entry: with n tasks queued on
 * one page a block cost O(n) edges and each of them an O(n) expansion
 * (issue 11 finding 5: numjobs = 4096 on a small file ran for minutes per
 * simulated millisecond; sim/engine/mutex.c makes the same argument).  A
 * page held by IO waits for whatever its request names (lock_io_via: the
 * task still building an unsubmitted read bio), else for the device
 * alone. */
static void page_lock_for_each_blocker(const struct sim_waitobj *o,
				       const struct sim_task *waiter,
				       sim_blocker_fn fn, void *ctx)
{
	const struct page *page = container_of(o, struct page, lock_wo);

	if (page->lock_owner)
		fn(page->lock_owner, ctx);
	else if (PageLocked(page) && page->lock_io_via &&
		 page->lock_io_via->ops->for_each_blocker)
		page->lock_io_via->ops->for_each_blocker(page->lock_io_via,
							 waiter, fn, ctx);
}

static unsigned count_waiters(const struct sim_list *list)
{
	const struct sim_list *pos;
	unsigned n = 0;

	sim_list_for_each(pos, list)
		n++;
	return n;
}

/* ", in <request>" when the page's IO sits in a known request. */
static void page_io_via_describe(const struct sim_waitobj *via, char *buf,
				 size_t len)
{
	size_t n;

	if (!via || !len)
		return;
	n = strlen(buf);
	if (n + 6 >= len)
		return;
	memcpy(buf + n, ", in ", 6);
	n += 5;
	if (via->ops->describe)
		via->ops->describe(via, buf + n, len - n);
	else
		snprintf(buf + n, len - n, "%s", via->name ? via->name : "?");
}

static void page_lock_describe(const struct sim_waitobj *o, char *buf,
			       size_t len)
{
	const struct page *page = container_of(o, struct page, lock_wo);
	unsigned long ino = page->mapping && page->mapping->host ?
		page->mapping->host->i_ino : 0;

	if (!PageLocked(page))
		snprintf(buf, len, "page lock ino %lu index %llu: unlocked", ino,
			 (unsigned long long)page->index);
	else
		snprintf(buf, len,
			 "page lock ino %lu index %llu: held by %s, %u waiting",
			 ino, (unsigned long long)page->index,
			 page->lock_owner ? sim_task_name(page->lock_owner) :
					    "read IO",
			 count_waiters(&page->waiters));
	if (PageLocked(page) && !page->lock_owner)
		page_io_via_describe(page->lock_io_via, buf, len);
}

/* Writeback ends in an IO completion event, not in a task — once the
 * request is with the device.  Before that (and, for ext4's unwritten
 * extents, after it until the conversion) the request's waitobj names the
 * tasks that must act first: the page's wb_via. */
static void page_wb_for_each_blocker(const struct sim_waitobj *o,
				     const struct sim_task *waiter,
				     sim_blocker_fn fn, void *ctx)
{
	const struct page *page = container_of(o, struct page, wb_wo);
	const struct sim_waitobj *via = page->wb_via;

	if (PageWriteback(page) && via && via->ops->for_each_blocker)
		via->ops->for_each_blocker(via, waiter, fn, ctx);
}


static void page_wb_describe(const struct sim_waitobj *o, char *buf,
			     size_t len)
{
	const struct page *page = container_of(o, struct page, wb_wo);
	unsigned long ino = page->mapping && page->mapping->host ?
		page->mapping->host->i_ino : 0;

	snprintf(buf, len, "page writeback ino %lu index %llu: %s, %u waiting",
		 ino, (unsigned long long)page->index,
		 PageWriteback(page) ? "under IO" : "done",
		 count_waiters(&page->wb_waiters));
	if (PageWriteback(page))
		page_io_via_describe(page->wb_via, buf, len);
}

const struct sim_waitobj_ops page_lock_wo_ops = {
	.kind = "page lock",
	.for_each_blocker = page_lock_for_each_blocker,
	.describe = page_lock_describe,
};

const struct sim_waitobj_ops page_wb_wo_ops = {
	.kind = "page writeback",
	.for_each_blocker = page_wb_for_each_blocker,
	.describe = page_wb_describe,
};

/* ---- page lock ------------------------------------------------------------------ */

void lock_page_sim(struct page *page, const char *ip)
{
	struct sim_task *t = sim_current_task();
	struct mm_sim *s = page->sim;
	struct page_sim_waiter w;
	sim_time_t t0;

	SIM_BUG_ON(!t);
	SIM_BUG_ON(page->_count <= 0);   /* the caller holds a reference */
	page_lock_dep_inc(s, t, ip);
	if (!PageLocked(page)) {
		SetPageLocked(page);
		page->lock_owner = t;
		page->lock_counted = true;
		return;
	}
	/* __lock_page: queue FIFO and sleep until unlock_page hands the
	 * lock over. */
	w.task = t;
	w.kind = PW_LOCK;
	w.woken = false;
	page_sim_queue(page, &page->waiters, &w);
	t0 = sim_task_now(t);
	sim_task_note(t, ip, "wait", "page lock", (int64_t)page->index);
	sim_task_block(t, &page->lock_wo, ip);
	SIM_BUG_ON(!w.woken || page->lock_owner != t || !PageLocked(page));
	s->stats.lock_waits++;
	s->stats.lock_wait_ns += sim_task_now(t) - t0;
	sim_task_note(t, ip, "acquired", "page lock", (int64_t)page->index);
}

static bool trylock_page_common(struct page *page, const char *ip, bool dep)
{
	struct sim_task *t = sim_current_task();

	if (PageLocked(page))
		return false;
	SetPageLocked(page);
	page->lock_owner = t;
	page->lock_counted = false;
	if (t && dep) {
		page_lock_dep_inc(page->sim, t, ip);
		page->lock_counted = true;
	}
	return true;
}

bool trylock_page_sim(struct page *page, const char *ip)
{
	return trylock_page_common(page, ip, true);
}

bool trylock_page_sim_nodep(struct page *page)
{
	return trylock_page_common(page, "shrink_page_list", false);
}

static void page_sim_wake(struct page_sim_waiter *w)
{
	sim_list_del(&w->node);
	w->woken = true;
	sim_task_wake(w->task);
}

void unlock_page(struct page *page)
{
	struct sim_list *pos, *tmp;
	struct page_sim_waiter *next = NULL;

	SIM_BUG_ON(!PageLocked(page));
	if (page->lock_counted)
		page_lock_dep_dec(page->sim, page->lock_owner);
	page->lock_owner = NULL;
	page->lock_counted = false;
	page->lock_io_via = NULL;   /* whatever IO held it is over */
	/* The first locker now holds the lock (counted when it queued). */
	if (!sim_list_empty(&page->waiters)) {
		next = sim_list_entry(page->waiters.next,
				      struct page_sim_waiter, node);
		page->lock_owner = next->task;
		page->lock_counted = true;
	}
	/* Wake in queue order: every wait_on_page_locked sleeper, and that
	 * locker among them. */
	sim_list_for_each_safe(pos, tmp, &page->unlock_waiters) {
		struct page_sim_waiter *w =
			sim_list_entry(pos, struct page_sim_waiter, node);

		if (next && !next->woken && next->seq < w->seq)
			page_sim_wake(next);
		page_sim_wake(w);
	}
	if (next && !next->woken)
		page_sim_wake(next);
	if (!next)
		ClearPageLocked(page);
}

void wait_on_page_locked(struct page *page)
{
	struct sim_task *t = sim_current_task();
	struct page_sim_waiter w;

	if (!PageLocked(page))
		return;
	SIM_BUG_ON(!t);
	w.task = t;
	w.kind = PW_UNLOCKED;
	w.woken = false;
	page_sim_queue(page, &page->unlock_waiters, &w);
	sim_task_note(t, "wait_on_page_locked", "wait", "page lock",
		      (int64_t)page->index);
	sim_task_block(t, &page->lock_wo, "wait_on_page_locked");
	SIM_BUG_ON(!w.woken);
}

bool lock_page_or_retry_sim(struct page *page, struct mm_struct *mm,
			    unsigned int flags, const char *ip)
{
	if (trylock_page_sim(page, ip))
		return true;
	if (flags & FAULT_FLAG_ALLOW_RETRY) {
		/* mmap_sem is kept with RETRY_NOWAIT, dropped otherwise. */
		if (flags & FAULT_FLAG_RETRY_NOWAIT)
			return false;
		up_read(&mm->mmap_sem);
		wait_on_page_locked(page);
		return false;
	}
	lock_page_sim(page, ip);
	return true;
}

void page_sim_lock_hand_to_io(struct page *page)
{
	SIM_BUG_ON(!PageLocked(page));
	if (page->lock_counted)
		page_lock_dep_dec(page->sim, page->lock_owner);
	page->lock_owner = NULL;
	page->lock_counted = false;
}

/* ---- writeback waits -------------------------------------------------------------- */

void wait_on_page_writeback(struct page *page)
{
	struct sim_task *t;
	struct mm_sim *s = page->sim;
	sim_time_t t0;

	if (!PageWriteback(page))
		return;
	t = sim_current_task();
	SIM_BUG_ON(!t);
	t0 = sim_task_now(t);
	sim_task_note(t, "wait_on_page_writeback", "wait", "page writeback",
		      (int64_t)page->index);
	while (PageWriteback(page)) {
		struct page_sim_waiter w = { .task = t, .kind = PW_WRITEBACK };

		page_sim_queue(page, &page->wb_waiters, &w);
		sim_task_block(t, &page->wb_wo, "wait_on_page_writeback");
		SIM_BUG_ON(!w.woken);
	}
	s->stats.writeback_waits++;
	s->stats.writeback_wait_ns += sim_task_now(t) - t0;
}

void end_page_writeback(struct page *page)
{
	struct sim_list *pos, *tmp;

	if (!test_clear_page_writeback(page))
		BUG();
	page->wb_via = NULL;
	sim_list_for_each_safe(pos, tmp, &page->wb_waiters)
		page_sim_wake(sim_list_entry(pos, struct page_sim_waiter,
					     node));
}

void page_endio(struct page *page, int rw, int err)
{
	if (rw == READ) {
		if (!err) {
			SetPageUptodate(page);
		} else {
			ClearPageUptodate(page);
			SetPageError(page);
		}
		unlock_page(page);
	} else {
		/* Simplified: no AS_EIO on the mapping; PG_error carries it
		 * to filemap_fdatawait_range. */
		if (err)
			SetPageError(page);
		end_page_writeback(page);
	}
}

/* ---- tags ---------------------------------------------------------------------------- */

bool page_cache_sim_tag_set(struct address_space *mapping, pgoff_t index,
			    unsigned tag)
{
	bool was = radix_tree_tag_set(mapping_tree(mapping), index, tag);

	if (!was)
		mapping->tagged[tag]++;
	return was;
}

bool page_cache_sim_tag_clear(struct address_space *mapping, pgoff_t index,
			      unsigned tag)
{
	bool was = radix_tree_tag_clear(mapping_tree(mapping), index, tag);

	if (was)
		mapping->tagged[tag]--;
	return was;
}

/* ---- address_space set-up ------------------------------------------------------------ */

void address_space_sim_init(struct address_space *mapping, struct inode *host,
			    struct mm_sim *s)
{
	struct radix_tree_root *tree = malloc(sizeof(*tree));

	SIM_BUG_ON(!tree);
	radix_tree_init(tree, &s->tree_pool);
	mapping->host = host;
	mapping->page_tree = tree;
	mapping->nrpages = 0;
	memset(mapping->tagged, 0, sizeof(mapping->tagged));
	sim_rwsem_init(s->world, &mapping->i_mmap_rwsem, "i_mmap_rwsem");
	sim_list_init(&mapping->i_mmap);
	sim_rwsem_init(s->world, &mapping->invalidate_lock, "invalidate_lock");
	mapping->mm_sim = s;
	/* a_ops is the filesystem's to set. */
}

void address_space_sim_destroy(struct address_space *mapping)
{
	struct radix_tree_root *tree = mapping_tree(mapping);
	struct mm_sim *s = mapping->mm_sim;
	struct page *page;
	uint64_t index = 0;

	SIM_BUG_ON(!sim_list_empty(&mapping->i_mmap));
	while ((page = radix_tree_next(tree, index, -1, &index))) {
		bool idle = !PageLocked(page) && !PageWriteback(page) &&
			    !page_mapped(page) &&
			    page->_count == 1 + (int)PagePrivate(page);

		/* Busy pages (a world that ended mid-operation) are only
		 * detached; mm_sim_free reclaims their storage. */
		if (PageLRU(page)) {
			sim_list_del(&page->lru);
			ClearPageLRU(page);
		}
		page->mapping = NULL;
		mapping->nrpages--;
		s->nr_cache_pages--;
		if (idle) {
			if (PagePrivate(page))
				buffers_sim_drop(page);
			ClearPageDirty(page);
			put_page(page);
		}
		if (index == UINT64_MAX)
			break;
		index++;
	}
	radix_tree_destroy(tree);
	free(tree);
	mapping->page_tree = NULL;
	memset(mapping->tagged, 0, sizeof(mapping->tagged));
}

/* ---- insert and delete ------------------------------------------------------------------ */

int add_to_page_cache_lru(struct page *page, struct address_space *mapping,
			  pgoff_t index)
{
	struct mm_sim *s = mapping->mm_sim;
	int err;

	SIM_BUG_ON(PageLocked(page) || page->mapping || PageLRU(page));
	mm_sim_reclaim_for_insert(s);
	mm_sim_charge(s, mm_costs(s)->page_insert);
	/* __set_page_locked: nobody else can see the page yet. */
	trylock_page(page);
	get_page(page);
	page->mapping = mapping;
	page->index = index;
	err = radix_tree_insert(mapping_tree(mapping), index, page);
	if (err) {
		/* Someone inserted this index while we were charged. */
		page->mapping = NULL;
		put_page(page);
		unlock_page(page);
		return err;
	}
	mapping->nrpages++;
	s->nr_cache_pages++;
	sim_list_add(&page->lru, &s->lru);
	SetPageLRU(page);
	s->stats.pages_inserted++;
	return 0;
}

void __delete_from_page_cache(struct page *page)
{
	struct address_space *mapping = page->mapping;
	struct mm_sim *s = page->sim;
	void *item;

	SIM_BUG_ON(!PageLocked(page) || !mapping);
	for (unsigned tag = 0; tag < PAGECACHE_NR_TAGS; tag++)
		page_cache_sim_tag_clear(mapping, page->index, tag);
	item = radix_tree_delete(mapping_tree(mapping), page->index);
	SIM_BUG_ON(item != page);
	mapping->nrpages--;
	s->nr_cache_pages--;
	if (PageLRU(page)) {
		sim_list_del(&page->lru);
		ClearPageLRU(page);
	}
	page->mapping = NULL;   /* index stays: truncation relies on it */
	SIM_BUG_ON(page_mapped(page));
	/* The kernel WARNs: a dirty page leaving the cache is lost data.
	 * Every caller here cleans or refuses dirty pages first. */
	SIM_BUG_ON(PageDirty(page));
	s->stats.pages_deleted++;
	put_page(page);         /* the cache's reference */
}

void delete_from_page_cache(struct page *page)
{
	struct mm_sim *s = page->sim;

	SIM_BUG_ON(!PageLocked(page));
	mm_sim_charge(s, mm_costs(s)->page_delete);
	__delete_from_page_cache(page);
}

/* ---- lookups ------------------------------------------------------------------------------- */

struct page *find_get_page(struct address_space *mapping, pgoff_t index)
{
	struct mm_sim *s = mapping->mm_sim;
	struct page *page;

	mm_sim_charge(s, mm_costs(s)->page_lookup);
	page = radix_tree_lookup(mapping_tree(mapping), index);
	if (page)
		get_page(page);
	return page;
}

struct page *find_lock_page(struct address_space *mapping, pgoff_t index)
{
	struct page *page;

repeat:
	page = find_get_page(mapping, index);
	if (page) {
		lock_page(page);
		/* Has the page been truncated while we slept? */
		if (page->mapping != mapping) {
			unlock_page(page);
			put_page(page);
			goto repeat;
		}
		SIM_BUG_ON(page->index != index);
	}
	return page;
}

struct page *pagecache_get_page(struct address_space *mapping, pgoff_t index,
				int fgp_flags)
{
	struct page *page;

repeat:
	page = find_get_page(mapping, index);
	if (!page)
		goto no_page;
	if (fgp_flags & FGP_LOCK) {
		if (fgp_flags & FGP_NOWAIT) {
			if (!trylock_page(page)) {
				put_page(page);
				return NULL;
			}
		} else {
			lock_page(page);
		}
		if (page->mapping != mapping) {
			unlock_page(page);
			put_page(page);
			goto repeat;
		}
		SIM_BUG_ON(page->index != index);
	}
	if (fgp_flags & FGP_ACCESSED)
		mark_page_accessed(page);
no_page:
	if (!page && (fgp_flags & FGP_CREAT)) {
		int err;

		page = page_cache_alloc(mapping);
		if (fgp_flags & FGP_ACCESSED)
			SetPageReferenced(page);
		/* A created page is returned locked even without FGP_LOCK
		 * (the kernel WARNs and forces FGP_LOCK). */
		err = add_to_page_cache_lru(page, mapping, index);
		if (err) {
			put_page(page);
			page = NULL;
			if (err == -EEXIST)
				goto repeat;
		}
	}
	return page;
}

/* Shared by the gang lookups: entries in index order from start. */
static unsigned gang_lookup(struct address_space *mapping, pgoff_t start,
			    int tag, unsigned nr, struct page **pages,
			    pgoff_t *indices)
{
	struct mm_sim *s = mapping->mm_sim;
	struct radix_tree_root *tree = mapping_tree(mapping);
	unsigned ret = 0;
	uint64_t index = start;
	struct page *page;

	if (!nr)
		return 0;
	mm_sim_charge(s, mm_costs(s)->page_lookup);
	while (ret < nr && (page = radix_tree_next(tree, index, tag, &index))) {
		get_page(page);
		pages[ret] = page;
		if (indices)
			indices[ret] = index;
		ret++;
		if (index == UINT64_MAX)
			break;
		index++;
	}
	/* Charged after the walk: the pages are referenced, and callers
	 * re-check page->mapping under the page lock, as in the kernel. */
	if (ret > 1)
		mm_sim_charge(s, mm_costs(s)->page_lookup_next * (ret - 1));
	return ret;
}

unsigned find_get_entries(struct address_space *mapping, pgoff_t start,
			  unsigned nr, struct page **pages, pgoff_t *indices)
{
	return gang_lookup(mapping, start, -1, nr, pages, indices);
}

unsigned find_get_pages(struct address_space *mapping, pgoff_t start,
			unsigned nr, struct page **pages)
{
	return gang_lookup(mapping, start, -1, nr, pages, NULL);
}

unsigned find_get_pages_tag(struct address_space *mapping, pgoff_t *index,
			    int tag, unsigned nr, struct page **pages)
{
	unsigned ret = gang_lookup(mapping, *index, tag, nr, pages, NULL);

	if (ret)
		*index = pages[ret - 1]->index + 1;
	return ret;
}

unsigned pagevec_lookup(struct pagevec *pvec, struct address_space *mapping,
			pgoff_t start, unsigned nr)
{
	pvec->nr = find_get_pages(mapping, start, min(nr, PAGEVEC_SIZE),
				  pvec->pages);
	return pvec->nr;
}

unsigned pagevec_lookup_tag(struct pagevec *pvec,
			    struct address_space *mapping, pgoff_t *index,
			    int tag, unsigned nr)
{
	pvec->nr = find_get_pages_tag(mapping, index, tag,
				      min(nr, PAGEVEC_SIZE), pvec->pages);
	return pvec->nr;
}

void pagevec_release(struct pagevec *pvec)
{
	for (unsigned i = 0; i < pvec->nr; i++)
		put_page(pvec->pages[i]);
	pvec->nr = 0;
}

void mark_page_accessed(struct page *page)
{
	/* One LRU instead of active/inactive lists: an access moves the
	 * page to the head. */
	SetPageReferenced(page);
	if (PageLRU(page)) {
		sim_list_del(&page->lru);
		sim_list_add(&page->lru, &page->sim->lru);
	}
}

/* ---- model-only peeks ----------------------------------------------------------------------- */

struct page *page_cache_sim_peek(const struct address_space *mapping,
				 pgoff_t index)
{
	return radix_tree_lookup(mapping_tree(mapping), index);
}

struct page *page_cache_sim_next(const struct address_space *mapping,
				 pgoff_t start, int tag)
{
	uint64_t index;

	return radix_tree_next(mapping_tree(mapping), start, tag, &index);
}

bool page_cache_sim_tag_get(const struct address_space *mapping, pgoff_t index,
			    unsigned tag)
{
	return radix_tree_tag_get(mapping_tree(mapping), index, tag);
}

bool page_cache_sim_check(const struct address_space *mapping, char *why,
			  size_t len)
{
	const struct radix_tree_root *tree = mapping_tree(mapping);
	unsigned long n = 0, tagged[PAGECACHE_NR_TAGS] = { 0 };
	uint64_t index = 0;
	struct page *page;

#define FAIL(...) do { if (why) snprintf(why, len, __VA_ARGS__); return false; } while (0)
	if (!radix_tree_sim_check(tree))
		FAIL("radix tree structure broken");
	while ((page = radix_tree_next(tree, index, -1, &index))) {
		unsigned long long i = index;

		n++;
		for (unsigned t = 0; t < PAGECACHE_NR_TAGS; t++)
			tagged[t] += radix_tree_tag_get(tree, index, t);
		if (page->mapping != mapping || page->index != index)
			FAIL("index %llu: page says mapping %p index %llu", i,
			     (void *)page->mapping,
			     (unsigned long long)page->index);
		if (PageAnon(page) || !PageLRU(page))
			FAIL("index %llu: anon or off the LRU", i);
		if (page->_count < 1 + (int)PagePrivate(page) + page->_mapcount)
			FAIL("index %llu: count %d below cache+buffers+ptes", i,
			     page->_count);
		if (PageDirty(page) &&
		    !radix_tree_tag_get(tree, index, PAGECACHE_TAG_DIRTY))
			FAIL("index %llu: dirty but not tagged dirty", i);
		if (PageWriteback(page) !=
		    radix_tree_tag_get(tree, index, PAGECACHE_TAG_WRITEBACK))
			FAIL("index %llu: writeback flag and tag disagree", i);
		if (PagePrivate(page) != (page->private != NULL))
			FAIL("index %llu: PG_private and buffers disagree", i);
		if (PagePrivate(page)) {
			struct buffer_head *head = page->private, *bh = head;
			unsigned nb = 0;

			do {
				if (bh->b_page != page)
					FAIL("index %llu: buffer of another page", i);
				nb++;
				bh = bh->b_this_page;
			} while (bh != head && nb <= PAGE_SIZE);
			if (bh != head || nb * head->b_size != PAGE_SIZE)
				FAIL("index %llu: buffer ring broken", i);
		}
		if (index == UINT64_MAX)
			break;
		index++;
	}
	if (n != mapping->nrpages || n != tree->count)
		FAIL("nrpages %lu, tree %lu, found %lu", mapping->nrpages,
		     tree->count, n);
	for (unsigned t = 0; t < PAGECACHE_NR_TAGS; t++)
		if (tagged[t] != mapping->tagged[t])
			FAIL("tag %u: count %lu, found %lu", t,
			     mapping->tagged[t], tagged[t]);
#undef FAIL
	return true;
}

/* ---- releasing and waiting ---------------------------------------------------------------- */

bool try_to_release_page(struct page *page, gfp_t gfp)
{
	struct address_space *mapping = page->mapping;

	SIM_BUG_ON(!PageLocked(page));
	if (PageWriteback(page))
		return false;
	if (mapping && mapping->a_ops && mapping->a_ops->releasepage)
		return mapping->a_ops->releasepage(page, gfp);
	return try_to_free_buffers(page);
}

int filemap_fdatawait_range(struct address_space *mapping, loff_t start_byte,
			    loff_t end_byte)
{
	pgoff_t index = (pgoff_t)start_byte >> PAGE_SHIFT;
	pgoff_t end = (pgoff_t)end_byte >> PAGE_SHIFT;
	struct pagevec pvec;
	int ret = 0;

	if (end_byte < start_byte)
		return 0;
	pagevec_init(&pvec);
	while (index <= end &&
	       pagevec_lookup_tag(&pvec, mapping, &index,
				  PAGECACHE_TAG_WRITEBACK,
				  min(end - index, (pgoff_t)PAGEVEC_SIZE - 1) + 1)) {
		for (unsigned i = 0; i < pagevec_count(&pvec); i++) {
			struct page *page = pvec.pages[i];

			if (page->index > end)
				continue;
			wait_on_page_writeback(page);
			if (TestClearPageError(page))
				ret = -EIO;
		}
		pagevec_release(&pvec);
	}
	return ret;
}
