/* sim/engine/rwsem.c — struct rw_semaphore with the v4.4 rules.
 *
 * Mirrors v4.4 include/linux/rwsem.h and kernel/locking/rwsem.c,
 * rwsem-xadd.c (down_read, down_write, down_read_trylock,
 * down_write_trylock, up_read, up_write, downgrade_write, and the wake-up
 * policy of __rwsem_do_wake).
 *
 * Reproduced exactly:
 *   - one FIFO wait list of readers and writers;
 *   - down_read succeeds at once only if no writer holds the lock AND the
 *     wait list is empty (in xadd terms: count >= 0 after the increment
 *     means no active writer and no RWSEM_WAITING_BIAS) — so a queued
 *     writer blocks every reader that arrives after it;
 *   - down_write succeeds at once only if nobody holds the lock and
 *     nobody waits (count == 0);
 *   - down_read_trylock fails while a writer holds the lock or anyone
 *     waits; down_write_trylock succeeds only when free with no waiters;
 *   - when the last holder leaves, the head waiter decides
 *     (__rwsem_do_wake with RWSEM_WAKE_ANY): a writer at the head is woken
 *     alone; readers at the head are all woken, up to (not including) the
 *     first writer — readers queued behind that writer stay queued;
 *   - downgrade_write turns the writer into a reader and wakes the readers
 *     at the head up to the first writer (RWSEM_WAKE_READ_OWNED), nothing
 *     if a writer is at the head.
 *
 * Left out, and why:
 *   - optimistic spinning (rwsem_optimistic_spin on the owner, MCS
 *     osq_lock) and reader-owned spinning heuristics: waiting always sleeps
 *     here, so waits cost no CPU time;
 *   - writer lock stealing: v4.4 wakes the head writer and lets it retry
 *     (rwsem_try_write_lock), so a writer arriving in between, or a
 *     spinning one, can take the lock first.  We grant the lock to the
 *     woken writer directly (hand-off), like the readers, which v4.4 does
 *     grant before waking.  Deterministic, and the order of grants is then
 *     exactly the queue order;
 *   - the count arithmetic itself (RWSEM_ACTIVE_BIAS, WAITING_BIAS, the
 *     "writer stole it, undo our reader grant" retry): we keep the state
 *     explicitly (readers, writer, waiters), which is what the count
 *     encodes;
 *   - lockdep: a downgraded write keeps its dependencies (v4.4 had no
 *     lock_downgrade); the held record simply becomes shared.
 *
 * Invariants (sim_rwsem_check, asserted in debug builds):
 *   R1  writer != NULL  =>  readers == 0
 *   R2  the holders list has readers + (writer ? 1 : 0) records, shared
 *       ones for readers
 *   R3  waiters non-empty  =>  the lock is held (a release always hands
 *       the lock to the head waiter(s))
 *   R4  readers > 0 and waiters non-empty  =>  a writer is at the head
 *       (readers at the head are granted together with the readers
 *       holding it, or would not have queued)
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sim/engine/lockdep.h"

/* R2 walks the holders list, O(readers) per call: with thousands of
 * readers holding the lock at once (numjobs = 4096 faulting under one
 * rwsem, issue 11 finding 5) every down_read and up_read of a debug build
 * cost that much.  Longer lists are checked at both ends only. */
#define SIM_RWSEM_CHECK_WALK 64

static bool sim_rwsem_check(const struct sim_rwsem *s)
{
	const struct sim_list *pos;
	unsigned shared = 0, excl = 0;

	if (s->writer && s->readers)                                  /* R1 */
		return false;
	if (s->readers > SIM_RWSEM_CHECK_WALK) {
		const struct sim_held_lock *first = sim_list_entry(
			s->holders.next, struct sim_held_lock, node);
		const struct sim_held_lock *last = sim_list_entry(
			s->holders.prev, struct sim_held_lock, node);

		if (s->writer || !first->shared || !last->shared)     /* R2 */
			return false;
		goto waiters;
	}
	sim_list_for_each(pos, &s->holders) {
		const struct sim_held_lock *h =
			sim_list_entry(pos, struct sim_held_lock, node);
		if (h->shared)
			shared++;
		else if (h->task == s->writer)
			excl++;
		else
			return false;
	}
	if (shared != (unsigned)s->readers || excl != (s->writer ? 1u : 0u))
		return false;                                         /* R2 */
waiters:
	if (sim_list_empty(&s->waiters))
		return true;
	if (!s->writer && !s->readers)                                /* R3 */
		return false;
	if (s->readers &&
	    !sim_lock_waiter(s->waiters.next)->lock_wait_write)       /* R4 */
		return false;
	return true;
}

#ifdef SIM_DEBUG
#define sim_rwsem_assert(s) SIM_BUG_ON(!sim_rwsem_check(s))
#else
#define sim_rwsem_assert(s) do { (void)sizeof(sim_rwsem_check(s)); } while (0)
#endif

/* Nearest writer queued before pos (exclusive), or NULL. */
static struct sim_task *sim_rwsem_writer_before(const struct sim_rwsem *s,
						const struct sim_list *pos)
{
	for (pos = pos->prev; pos != &s->waiters; pos = pos->prev) {
		struct sim_task *w = sim_lock_waiter((struct sim_list *)pos);
		if (w->lock_wait_write)
			return w;
	}
	return NULL;
}

/* Holders block every waiter; in queue order, so do the waiters ahead.
 * A reader is blocked by the nearest writer queued ahead of it (readers
 * between that writer and it are granted in the same batch, so they do
 * not block it) — that is why a reader waits for a lock held only by
 * readers.  A writer is blocked by the head waiter when that is not
 * itself.  As for the mutex (see mutex.c), every waiter ahead is
 * blocked by nothing but the holders and waiters ahead of it, so naming
 * the head stands for the whole queue ahead at O(1) cost per block.  A
 * task not queued here (a query from outside) gets the holders and the
 * head waiter. */
static void sim_rwsem_for_each_blocker(const struct sim_waitobj *o,
				       const struct sim_task *waiter,
				       sim_blocker_fn fn, void *ctx)
{
	const struct sim_rwsem *s = container_of(o, struct sim_rwsem, wo);
	const struct sim_list *pos;
	struct sim_task *head = NULL;

	if (waiter && sim_lock_queued_on(waiter, o) &&
	    !waiter->lock_wait_write) {
		struct sim_task *wr =
			sim_rwsem_writer_before(s, &waiter->lock_wait_node);
		if (wr)
			fn(wr, ctx);
	} else if (!sim_list_empty(&s->waiters)) {
		head = sim_lock_waiter(s->waiters.next);
	}
	sim_list_for_each(pos, &s->holders)
		fn(sim_list_entry(pos, struct sim_held_lock, node)->task, ctx);
	if (head && head != waiter)
		fn(head, ctx);
}

static void sim_rwsem_describe(const struct sim_waitobj *o, char *buf,
			       size_t len)
{
	const struct sim_rwsem *s = container_of(o, struct sim_rwsem, wo);
	const struct sim_list *pos;
	char label[48], queue[40];
	size_t n = 0, q = 0;

	n += (size_t)snprintf(buf, len, "rwsem %s: ", s->dep.name);
	if (s->writer) {
		sim_lock_task_label(s->writer, label, sizeof(label));
		n += (size_t)snprintf(buf + (n < len ? n : len),
				      n < len ? len - n : 0, "writer %s",
				      label);
	} else if (s->readers) {
		const char *sep = " (";

		n += (size_t)snprintf(buf + (n < len ? n : len),
				      n < len ? len - n : 0, "%d reader%s",
				      s->readers, s->readers == 1 ? "" : "s");
		sim_list_for_each(pos, &s->holders) {
			sim_lock_task_label(sim_list_entry(pos,
				struct sim_held_lock, node)->task, label,
				sizeof(label));
			n += (size_t)snprintf(buf + (n < len ? n : len),
					      n < len ? len - n : 0, "%s%s",
					      sep, label);
			sep = " ";
		}
		n += (size_t)snprintf(buf + (n < len ? n : len),
				      n < len ? len - n : 0, ")");
	} else {
		n += (size_t)snprintf(buf + (n < len ? n : len),
				      n < len ? len - n : 0, "unlocked");
	}
	/* Queue shape, head first: "w r r". */
	sim_list_for_each(pos, &s->waiters) {
		if (q + 3 >= sizeof(queue)) {
			queue[q - 1] = '+';
			break;
		}
		queue[q++] = sim_lock_waiter((struct sim_list *)pos)
			->lock_wait_write ? 'w' : 'r';
		queue[q++] = ' ';
	}
	if (q) {
		queue[q - 1] = '\0';
		snprintf(buf + (n < len ? n : len), n < len ? len - n : 0,
			 "; waiting: %s", queue);
	}
}

static const struct sim_waitobj_ops sim_rwsem_ops = {
	.kind = "rwsem",
	.for_each_blocker = sim_rwsem_for_each_blocker,
	.describe = sim_rwsem_describe,
};

void sim_rwsem_init(struct sim_world *w, struct sim_rwsem *s,
		    const char *class_name)
{
	sim_lockdep_map_init(w, &s->dep, class_name);
	s->wo.ops = &sim_rwsem_ops;
	s->wo.name = s->dep.name;
	s->readers = 0;
	s->writer = NULL;
	sim_list_init(&s->waiters);
	sim_list_init(&s->holders);
	s->write_acquired_at = 0;
}

/* ---- grants ------------------------------------------------------------------ */

static void sim_rwsem_take_read(struct sim_task *t, struct sim_rwsem *s,
				bool trylock, const char *ip)
{
	s->readers++;
	sim_lock_grant(t, s->dep.class_id, s, &s->wo, true, trylock, ip,
		       &s->holders);
	sim_lock_acquired(t, s->dep.class_id, true, ip, 0);
}

static void sim_rwsem_take_write(struct sim_task *t, struct sim_rwsem *s,
				 bool trylock, const char *ip)
{
	s->writer = t;
	s->write_acquired_at = t->world->now;
	sim_lock_grant(t, s->dep.class_id, s, &s->wo, false, trylock, ip,
		       &s->holders);
	sim_lock_acquired(t, s->dep.class_id, false, ip, 0);
}

enum rwsem_wake_type {
	RWSEM_WAKE_ANY,        /* last holder left: writer or readers */
	RWSEM_WAKE_READ_OWNED, /* we are a reader (downgrade): readers only */
};

/* v4.4 __rwsem_do_wake: the head waiter decides.  Called with waiters
 * queued and no writer holding the lock. */
static void __rwsem_do_wake(struct sim_rwsem *s, enum rwsem_wake_type type)
{
	struct sim_task *w = sim_lock_waiter(s->waiters.next);

	if (w->lock_wait_write) {
		if (type != RWSEM_WAKE_ANY)
			return;
		/* v4.4 only wakes the writer, which then has to win the lock
		 * (rwsem_try_write_lock); we grant it, see the top. */
		s->writer = w;
		s->write_acquired_at = w->world->now;
		sim_lock_handoff(w, s->dep.class_id, s, &s->wo, &s->holders);
		return;
	}
	/* Grant every reader at the head, up to the first writer. */
	do {
		s->readers++;
		sim_lock_handoff(w, s->dep.class_id, s, &s->wo, &s->holders);
		if (sim_list_empty(&s->waiters))
			break;
		w = sim_lock_waiter(s->waiters.next);
	} while (!w->lock_wait_write);
}

/* ---- the API ----------------------------------------------------------------- */

void sim_down_read(struct sim_task *t, struct sim_rwsem *s, const char *ip)
{
	sim_lockdep_check(t, s->dep.class_id, s, true, false, ip);
	if (!s->writer && sim_list_empty(&s->waiters)) {
		sim_rwsem_take_read(t, s, false, ip);
		return;
	}
	/* A writer holds it, or someone (a writer at the head) waits. */
	sim_lock_wait(t, &s->wo, &s->waiters, s->dep.class_id, false, ip);
	sim_rwsem_assert(s);
}

void sim_down_write(struct sim_task *t, struct sim_rwsem *s, const char *ip)
{
	sim_lockdep_check(t, s->dep.class_id, s, false, false, ip);
	if (!s->writer && !s->readers && sim_list_empty(&s->waiters)) {
		sim_rwsem_take_write(t, s, false, ip);
		return;
	}
	sim_lock_wait(t, &s->wo, &s->waiters, s->dep.class_id, true, ip);
	SIM_BUG_ON(s->writer != t);
	sim_rwsem_assert(s);
}

bool sim_down_read_trylock(struct sim_task *t, struct sim_rwsem *s,
			   const char *ip)
{
	if (s->writer || !sim_list_empty(&s->waiters)) {
		sim_task_note(t, ip, "trylock-fail", s->dep.name, 0);
		return false;
	}
	/* lockdep hears of a trylock only when it succeeds (kernel too). */
	sim_lockdep_check(t, s->dep.class_id, s, true, true, ip);
	sim_rwsem_take_read(t, s, true, ip);
	return true;
}

bool sim_down_write_trylock(struct sim_task *t, struct sim_rwsem *s,
			    const char *ip)
{
	if (s->writer || s->readers || !sim_list_empty(&s->waiters)) {
		sim_task_note(t, ip, "trylock-fail", s->dep.name, 0);
		return false;
	}
	sim_lockdep_check(t, s->dep.class_id, s, false, true, ip);
	sim_rwsem_take_write(t, s, true, ip);
	return true;
}

void sim_up_read(struct sim_task *t, struct sim_rwsem *s)
{
	struct sim_held_lock *h = sim_held_find(t, s);

	SIM_BUG_ON(!h || !h->shared || s->readers <= 0);
	sim_lock_release(t, h, "up_read");
	s->readers--;
	if (s->readers == 0 && !sim_list_empty(&s->waiters))
		__rwsem_do_wake(s, RWSEM_WAKE_ANY);
	sim_rwsem_assert(s);
}

void sim_up_write(struct sim_task *t, struct sim_rwsem *s)
{
	struct sim_held_lock *h = sim_held_find(t, s);

	SIM_BUG_ON(s->writer != t || !h || h->shared);
	sim_lock_release(t, h, "up_write");
	s->writer = NULL;
	if (!sim_list_empty(&s->waiters))
		__rwsem_do_wake(s, RWSEM_WAKE_ANY);
	sim_rwsem_assert(s);
}

void sim_downgrade_write(struct sim_task *t, struct sim_rwsem *s)
{
	struct sim_held_lock *h = sim_held_find(t, s);

	SIM_BUG_ON(s->writer != t || !h || h->shared);
	/* The hold continues as a read hold: one hold-time sample from the
	 * write acquisition to up_read, counted as one (write) acquisition. */
	h->shared = true;
	s->writer = NULL;
	s->readers = 1;
	sim_task_note(t, "downgrade_write", "downgrade", s->dep.name, 0);
	if (!sim_list_empty(&s->waiters))
		__rwsem_do_wake(s, RWSEM_WAKE_READ_OWNED);
	sim_rwsem_assert(s);
}

bool sim_rwsem_is_locked(const struct sim_rwsem *s)
{
	return s->writer || s->readers;
}

bool sim_rwsem_is_write_locked(const struct sim_rwsem *s)
{
	return s->writer != NULL;
}

bool sim_rwsem_held_by(const struct sim_rwsem *s, const struct sim_task *t)
{
	return s->writer == t || sim_held_find(t, s) != NULL;
}
