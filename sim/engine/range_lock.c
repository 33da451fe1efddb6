/* sim/engine/range_lock.c — a reader/writer range lock: shared and
 * exclusive holds of byte ranges of one object (a file's page cache).
 *
 * Nothing in mainline Linux has this (v4.4 through v6.x serialize faults
 * against hole punching with a whole-file rw_semaphore: ext4's i_mmap_sem,
 * then mapping->invalidate_lock).  It follows the proposals that were
 * posted and not merged [unverified: read from memory and from copies of
 * the 2017 patch in third-party trees, not from a kernel tree]:
 *   - Jan Kara, "[RFC] Implement range locks" (linux-fsdevel, 2013):
 *     lib/range_lock.c, an interval tree of locked and waiting ranges per
 *     mapping, meant to serialize page-cache filling against truncation
 *     and punching by range (the "mapping range lock");
 *   - Davidlohr Bueso (with Jan Kara), "locking: Introduce range
 *     reader/writer lock" (v1-v4, 2017), kernel/locking/range_lock.c:
 *     range_read_lock / range_write_lock / _trylock / _unlock over a
 *     range_lock_tree; a new request is inserted into the tree and counts
 *     the overlapping ranges already there that conflict with it
 *     ("blocking_ranges": for a reader, only writers), and sleeps until
 *     that count is zero; an unlock decrements the counts of the
 *     overlapping ranges and wakes those that reach zero.
 * Lustre's llite range_lock (libcfs interval tree) is the same idea in a
 * shipped filesystem.
 *
 * The rule reproduced (Bueso's, exactly): a request waits for every
 * overlapping conflicting range that was in the structure before it —
 * held or still waiting.  Two shared ranges never conflict; an exclusive
 * range conflicts with every range it overlaps.  Consequences, tested in
 * tests/sim/test-range-lock.c:
 *   - disjoint ranges never wait for each other, in any mode;
 *   - among overlapping requests grants follow arrival order, so a waiting
 *     writer blocks later overlapping readers and nobody starves;
 *   - a reader queued behind a waiting writer it does not overlap is
 *     granted at once (if no holder conflicts).
 *
 * Simplified, and why:
 *   - the interval tree is two lists (holders in grant order, waiters in
 *     arrival order) scanned linearly: O(holders + waiters) per request
 *     and O(waiters * (holders + waiters)) per release.  The model's locks
 *     have tens of holders at most; the cost of a real tree's bookkeeping
 *     is the caller's cost model's to charge (lock calls take no simulated
 *     time), not the data structure's;
 *   - no spinning on the tree's spinlock, no wake_q batching: a release
 *     hands every range it unblocks to its waiter directly, as the
 *     rwsem here does (rwsem.c);
 *   - lockdep sees one class per lock name (the range tree's dep_map in
 *     Bueso's patch); the instance is the lock, so taking a second range
 *     of the same lock while holding one is reported as recursive
 *     locking, as it would be there.
 *
 * Invariants (sim_range_lock_check, asserted in debug builds):
 *   L1  no two holders conflict
 *   L2  the holders list has nholders records, each of this lock, with
 *       start <= end
 *   L3  every waiter conflicts with a holder or with a waiter queued ahead
 *       of it (otherwise a release would have granted it)
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim/engine/lockdep.h"

/* L1 and L3 are quadratic: with more holders or waiters than this, only
 * L2 is checked (a debug build with thousands of faulting tasks). */
#define SIM_RANGE_CHECK_WALK 64

static bool sim_range_conflict(int64_t s1, int64_t e1, bool w1, int64_t s2,
			       int64_t e2, bool w2)
{
	return (w1 || w2) && s1 <= e2 && s2 <= e1;
}

static struct sim_held_lock *sim_range_holder(const struct sim_list *pos)
{
	return sim_list_entry((struct sim_list *)pos, struct sim_held_lock,
			      node);
}

/* Whether a holder conflicts with [start, end] in mode write. */
static bool sim_range_holder_conflicts(const struct sim_range_lock *l,
				       int64_t start, int64_t end, bool write)
{
	const struct sim_list *pos;

	sim_list_for_each(pos, &l->holders) {
		const struct sim_held_lock *h = sim_range_holder(pos);

		if (sim_range_conflict(h->range_start, h->range_end,
				       !h->shared, start, end, write))
			return true;
	}
	return false;
}

/* Whether a waiter queued before `upto` (the list head: any waiter)
 * conflicts with [start, end] in mode write. */
static bool sim_range_waiter_conflicts(const struct sim_range_lock *l,
				       const struct sim_list *upto,
				       int64_t start, int64_t end, bool write)
{
	const struct sim_list *pos;

	for (pos = l->waiters.next; pos != upto && pos != &l->waiters;
	     pos = pos->next) {
		const struct sim_task *w = sim_lock_waiter((struct sim_list *)pos);

		if (sim_range_conflict(w->lock_wait_start, w->lock_wait_end,
				       w->lock_wait_write, start, end, write))
			return true;
	}
	return false;
}

static bool sim_range_lock_check(const struct sim_range_lock *l)
{
	const struct sim_list *pos, *q;
	unsigned n = 0;

	sim_list_for_each(pos, &l->holders) {
		const struct sim_held_lock *h = sim_range_holder(pos);

		if (h->wo != &l->wo || h->range_start > h->range_end)  /* L2 */
			return false;
		n++;
	}
	if (n != l->nholders)                                         /* L2 */
		return false;
	if (n > SIM_RANGE_CHECK_WALK)
		return true;
	n = 0;
	sim_list_for_each(pos, &l->waiters)
		if (++n > SIM_RANGE_CHECK_WALK)
			return true;
	sim_list_for_each(pos, &l->holders) {
		const struct sim_held_lock *a = sim_range_holder(pos);

		for (q = pos->next; q != &l->holders; q = q->next) {
			const struct sim_held_lock *b = sim_range_holder(q);

			if (sim_range_conflict(a->range_start, a->range_end,
					       !a->shared, b->range_start,
					       b->range_end, !b->shared))
				return false;                         /* L1 */
		}
	}
	sim_list_for_each(pos, &l->waiters) {
		const struct sim_task *w = sim_lock_waiter((struct sim_list *)pos);

		if (!sim_range_holder_conflicts(l, w->lock_wait_start,
						w->lock_wait_end,
						w->lock_wait_write) &&
		    !sim_range_waiter_conflicts(l, pos, w->lock_wait_start,
						w->lock_wait_end,
						w->lock_wait_write))
			return false;                                 /* L3 */
	}
	return true;
}

#ifdef SIM_DEBUG
#define sim_range_lock_assert(l) SIM_BUG_ON(!sim_range_lock_check(l))
#else
#define sim_range_lock_assert(l) do { (void)sizeof(sim_range_lock_check(l)); } while (0)
#endif

/* A waiter is blocked by the holders it conflicts with and by the
 * conflicting waiters queued ahead of it — exactly the ranges that must
 * go before it is granted, so the detector's cycles are real ones.  A
 * task not queued here (a query from outside) gets every holder and the
 * head waiter. */
static void sim_range_for_each_blocker(const struct sim_waitobj *o,
				       const struct sim_task *waiter,
				       sim_blocker_fn fn, void *ctx)
{
	const struct sim_range_lock *l =
		container_of(o, struct sim_range_lock, wo);
	const struct sim_list *pos;

	if (!waiter || !sim_lock_queued_on(waiter, o)) {
		sim_list_for_each(pos, &l->holders)
			fn(sim_range_holder(pos)->task, ctx);
		if (!sim_list_empty(&l->waiters))
			fn(sim_lock_waiter(l->waiters.next), ctx);
		return;
	}
	sim_list_for_each(pos, &l->holders) {
		const struct sim_held_lock *h = sim_range_holder(pos);

		if (sim_range_conflict(h->range_start, h->range_end,
				       !h->shared, waiter->lock_wait_start,
				       waiter->lock_wait_end,
				       waiter->lock_wait_write))
			fn(h->task, ctx);
	}
	for (pos = l->waiters.next; pos != &waiter->lock_wait_node;
	     pos = pos->next) {
		struct sim_task *w = sim_lock_waiter((struct sim_list *)pos);

		if (sim_range_conflict(w->lock_wait_start, w->lock_wait_end,
				       w->lock_wait_write,
				       waiter->lock_wait_start,
				       waiter->lock_wait_end,
				       waiter->lock_wait_write))
			fn(w, ctx);
	}
}

/* "[4096, 8191]" or "[4096, EOF]" */
static int sim_range_fmt(char *buf, size_t len, int64_t start, int64_t end)
{
	if (end == SIM_RANGE_EOF)
		return snprintf(buf, len, "[%" PRId64 ", EOF]", start);
	return snprintf(buf, len, "[%" PRId64 ", %" PRId64 "]", start, end);
}

#define SIM_RANGE_APPEND(buf, len, n, ...)                                  \
	((n) += (size_t)snprintf((buf) + ((n) < (len) ? (n) : (len)),       \
				 (n) < (len) ? (len) - (n) : 0, __VA_ARGS__))

static void sim_range_describe(const struct sim_waitobj *o, char *buf,
			       size_t len)
{
	const struct sim_range_lock *l =
		container_of(o, struct sim_range_lock, wo);
	const struct sim_list *pos;
	char label[48], range[48];
	const char *sep = " (";
	size_t n = 0;
	unsigned shown = 0;

	SIM_RANGE_APPEND(buf, len, n, "range lock %s: ", l->dep.name);
	if (!l->nholders)
		SIM_RANGE_APPEND(buf, len, n, "unlocked");
	else
		SIM_RANGE_APPEND(buf, len, n, "%u holder%s", l->nholders,
				 l->nholders == 1 ? "" : "s");
	sim_list_for_each(pos, &l->holders) {
		const struct sim_held_lock *h = sim_range_holder(pos);

		if (shown++ == 4) {
			SIM_RANGE_APPEND(buf, len, n, " ...");
			break;
		}
		sim_lock_task_label(h->task, label, sizeof(label));
		sim_range_fmt(range, sizeof(range), h->range_start,
			      h->range_end);
		SIM_RANGE_APPEND(buf, len, n, "%s%s %s(%c)", sep, label, range,
				 h->shared ? 'r' : 'w');
		sep = ", ";
	}
	if (l->nholders)
		SIM_RANGE_APPEND(buf, len, n, ")");
	sep = "; waiting: ";
	shown = 0;
	sim_list_for_each(pos, &l->waiters) {
		const struct sim_task *w = sim_lock_waiter((struct sim_list *)pos);

		if (shown++ == 4) {
			SIM_RANGE_APPEND(buf, len, n, " ...");
			break;
		}
		sim_range_fmt(range, sizeof(range), w->lock_wait_start,
			      w->lock_wait_end);
		SIM_RANGE_APPEND(buf, len, n, "%s%c%s", sep,
				 w->lock_wait_write ? 'w' : 'r', range);
		sep = " ";
	}
}

static const struct sim_waitobj_ops sim_range_lock_ops = {
	.kind = "range_lock",
	.for_each_blocker = sim_range_for_each_blocker,
	.describe = sim_range_describe,
};

void sim_range_lock_init(struct sim_world *w, struct sim_range_lock *l,
			 const char *class_name)
{
	sim_lockdep_map_init(w, &l->dep, class_name);
	l->wo.ops = &sim_range_lock_ops;
	l->wo.name = l->dep.name;
	sim_list_init(&l->holders);
	sim_list_init(&l->waiters);
	l->nholders = 0;
}

/* ---- grants ------------------------------------------------------------------ */

static struct sim_held_lock *sim_range_take(struct sim_task *t,
					    struct sim_range_lock *l,
					    int64_t start, int64_t end,
					    bool write, bool trylock,
					    const char *ip)
{
	struct sim_held_lock *h = sim_lock_grant(t, l->dep.class_id, l, &l->wo,
						 !write, trylock, ip,
						 &l->holders);

	h->range_start = start;
	h->range_end = end;
	l->nholders++;
	sim_lock_acquired(t, l->dep.class_id, !write, ip, 0);
	return h;
}

/* After a release: grant, in arrival order, every waiter that conflicts
 * with no holder and no waiter still queued ahead of it.  A granted
 * waiter leaves the queue and joins the holders, so the waiters behind it
 * are checked against it as a holder. */
static void sim_range_wake(struct sim_range_lock *l)
{
	struct sim_list *pos = l->waiters.next;

	while (pos != &l->waiters) {
		struct sim_list *next = pos->next;
		struct sim_task *w = sim_lock_waiter(pos);

		if (!sim_range_holder_conflicts(l, w->lock_wait_start,
						w->lock_wait_end,
						w->lock_wait_write) &&
		    !sim_range_waiter_conflicts(l, pos, w->lock_wait_start,
						w->lock_wait_end,
						w->lock_wait_write)) {
			sim_lock_handoff(w, l->dep.class_id, l, &l->wo,
					 &l->holders);
			l->nholders++;
		}
		pos = next;
	}
}

static void sim_range_lock(struct sim_task *t, struct sim_range_lock *l,
			   int64_t start, int64_t end, bool write,
			   const char *ip)
{
	SIM_BUG_ON(start < 0 || start > end);
	sim_lockdep_check(t, l->dep.class_id, l, !write, false, ip);
	if (!sim_range_holder_conflicts(l, start, end, write) &&
	    !sim_range_waiter_conflicts(l, &l->waiters, start, end, write)) {
		sim_range_take(t, l, start, end, write, false, ip);
		sim_range_lock_assert(l);
		return;
	}
	t->lock_wait_ranged = true;
	t->lock_wait_start = start;
	t->lock_wait_end = end;
	sim_lock_wait(t, &l->wo, &l->waiters, l->dep.class_id, write, ip);
	sim_range_lock_assert(l);
}

static bool sim_range_trylock(struct sim_task *t, struct sim_range_lock *l,
			      int64_t start, int64_t end, bool write,
			      const char *ip)
{
	SIM_BUG_ON(start < 0 || start > end);
	if (sim_range_holder_conflicts(l, start, end, write) ||
	    sim_range_waiter_conflicts(l, &l->waiters, start, end, write)) {
		sim_task_note(t, ip, "trylock-fail", l->dep.name, 0);
		return false;
	}
	sim_lockdep_check(t, l->dep.class_id, l, !write, true, ip);
	sim_range_take(t, l, start, end, write, true, ip);
	sim_range_lock_assert(l);
	return true;
}

/* ---- the API (Bueso's names) ---------------------------------------------------- */

void sim_range_read_lock(struct sim_task *t, struct sim_range_lock *l,
			 int64_t start, int64_t end, const char *ip)
{
	sim_range_lock(t, l, start, end, false, ip);
}

void sim_range_write_lock(struct sim_task *t, struct sim_range_lock *l,
			  int64_t start, int64_t end, const char *ip)
{
	sim_range_lock(t, l, start, end, true, ip);
}

bool sim_range_read_trylock(struct sim_task *t, struct sim_range_lock *l,
			    int64_t start, int64_t end, const char *ip)
{
	return sim_range_trylock(t, l, start, end, false, ip);
}

bool sim_range_write_trylock(struct sim_task *t, struct sim_range_lock *l,
			     int64_t start, int64_t end, const char *ip)
{
	return sim_range_trylock(t, l, start, end, true, ip);
}

void sim_range_unlock(struct sim_task *t, struct sim_range_lock *l,
		      int64_t start, int64_t end)
{
	struct sim_held_lock *h = NULL;
	unsigned i = t->nheld;

	while (i-- > 0)
		if (t->held[i].instance == l &&
		    t->held[i].range_start == start &&
		    t->held[i].range_end == end) {
			h = &t->held[i];
			break;
		}
	/* Unlocking a range one does not hold (or another range than the
	 * one locked) is a bug of the caller. */
	SIM_BUG_ON(!h || l->nholders == 0);
	sim_lock_release(t, h, h->shared ? "range_read_unlock"
					 : "range_write_unlock");
	l->nholders--;
	if (!sim_list_empty(&l->waiters))
		sim_range_wake(l);
	sim_range_lock_assert(l);
}

unsigned sim_range_lock_holders(const struct sim_range_lock *l)
{
	return l->nholders;
}

unsigned sim_range_lock_waiters(const struct sim_range_lock *l)
{
	const struct sim_list *pos;
	unsigned n = 0;

	sim_list_for_each(pos, &l->waiters)
		n++;
	return n;
}

bool sim_range_held_by(const struct sim_range_lock *l,
		       const struct sim_task *t, int64_t start, int64_t end,
		       bool write)
{
	for (unsigned i = 0; i < t->nheld; i++) {
		const struct sim_held_lock *h = &t->held[i];

		if (h->instance == l && h->range_start <= start &&
		    end <= h->range_end && (!write || !h->shared))
			return true;
	}
	return false;
}
