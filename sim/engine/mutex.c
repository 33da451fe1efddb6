/* sim/engine/mutex.c — struct mutex: a sleeping lock with one owner.
 *
 * Mirrors v4.4 kernel/locking/mutex.c: mutex_lock, mutex_trylock,
 * mutex_unlock, mutex_is_locked (and lockdep's held test).
 *
 * Simplified: v4.4 mutexes let a running task steal the lock from queued
 * waiters and spin optimistically while the owner runs (MCS queue in
 * mutex_optimistic_spin); unlock only wakes the head waiter, which then
 * competes.  We hand the lock off FIFO to the head waiter at unlock
 * instead: deterministic, simple, and the queueing results of
 * tests/sim/test-queueing.c hold exactly.  Waiting always sleeps.
 *
 * Invariants (checked by sim_mutex_check in debug builds):
 *   M1  owner == NULL  =>  waiters is empty (a free mutex is handed off,
 *       never left free with sleepers)
 *   M2  owner != NULL  =>  the owner's held stack has a record of the mutex
 */
#include "config.h"

#include <stdio.h>

#include "sim/engine/lockdep.h"

static bool sim_mutex_check(const struct sim_mutex *m)
{
	if (!m->owner)
		return sim_list_empty(&m->waiters);                   /* M1 */
	return sim_held_find(m->owner, m) != NULL;                    /* M2 */
}

#ifdef SIM_DEBUG
#define sim_mutex_assert(m) SIM_BUG_ON(!sim_mutex_check(m))
#else
#define sim_mutex_assert(m) do { (void)sizeof(sim_mutex_check(m)); } while (0)
#endif

/* The owner blocks every waiter (itself too: re-locking a held mutex is a
 * self-deadlock), and so, in FIFO order, do the waiters queued ahead.  We
 * name the owner only: with hand-off a mutex that has waiters always has
 * an owner (M1), and every waiter ahead is blocked by nothing but that
 * owner and the waiters ahead of it, so everything a waiter ahead reaches
 * the owner edge reaches too, and a cycle through a waiter ahead always
 * passes through the owner.  The detector therefore finds the same cycles
 * (and, its search being depth-first from the owner, reports the same
 * ones) as if every predecessor were named, at one edge per block instead
 * of O(queue): naming each predecessor was a third of the cost of a
 * contended M/M/1 customer at rho = 0.9, and naming the head alone still
 * cost an expansion of the head (measured -95 instructions per customer
 * in bench-locks (c) without it).  Should the impossible "waiters but no
 * owner" ever happen, the head stands in for the owner. */
static void sim_mutex_for_each_blocker(const struct sim_waitobj *o,
				       const struct sim_task *waiter,
				       sim_blocker_fn fn, void *ctx)
{
	const struct sim_mutex *m = container_of(o, struct sim_mutex, wo);
	struct sim_task *head;

	if (sim_likely(m->owner)) {
		fn(m->owner, ctx);
		return;
	}
	if (sim_list_empty(&m->waiters))
		return;
	head = sim_lock_waiter(m->waiters.next);
	if (head != waiter)
		fn(head, ctx);
}

static void sim_mutex_describe(const struct sim_waitobj *o, char *buf,
			       size_t len)
{
	const struct sim_mutex *m = container_of(o, struct sim_mutex, wo);
	const struct sim_list *pos;
	const struct sim_held_lock *h;
	char owner[48];
	unsigned n = 0;

	if (!m->owner) {
		snprintf(buf, len, "mutex %s: unlocked", m->dep.name);
		return;
	}
	sim_list_for_each(pos, &m->waiters)
		n++;
	sim_lock_task_label(m->owner, owner, sizeof(owner));
	h = sim_held_find(m->owner, m);
	snprintf(buf, len, "mutex %s: owner %s since %lld ns (at %s), %u waiting",
		 m->dep.name, owner, (long long)m->acquired_at,
		 h ? h->ip : "?", n);
}

static const struct sim_waitobj_ops sim_mutex_ops = {
	.kind = "mutex",
	.for_each_blocker = sim_mutex_for_each_blocker,
	.describe = sim_mutex_describe,
};

void sim_mutex_init(struct sim_world *w, struct sim_mutex *m,
		    const char *class_name)
{
	sim_lockdep_map_init(w, &m->dep, class_name);
	m->wo.ops = &sim_mutex_ops;
	m->wo.name = m->dep.name;
	m->owner = NULL;
	sim_list_init(&m->waiters);
	m->acquired_at = 0;
}

static void sim_mutex_take(struct sim_task *t, struct sim_mutex *m,
			   bool trylock, const char *ip)
{
	m->owner = t;
	m->acquired_at = t->world->now;
	sim_lock_grant(t, m->dep.class_id, m, &m->wo, false, trylock, ip,
		       NULL);
	sim_lock_acquired(t, m->dep.class_id, false, ip, 0);
}

void sim_mutex_lock(struct sim_task *t, struct sim_mutex *m, const char *ip)
{
	/* a wait point: a step boundary (before queueing: the delay may
	 * let the owner go) */
	if (m->owner)
		sim_task_step_inline(t, m->dep.name);
	sim_lockdep_check(t, m->dep.class_id, m, false, false, ip);
	if (!m->owner) {
		sim_mutex_take(t, m, false, ip);
		return;
	}
	sim_lock_wait(t, &m->wo, &m->waiters, m->dep.class_id, true, ip);
	SIM_BUG_ON(m->owner != t);
	sim_mutex_assert(m);
}

bool sim_mutex_trylock(struct sim_task *t, struct sim_mutex *m,
		       const char *ip)
{
	if (m->owner) {
		sim_task_note(t, ip, "trylock-fail", m->dep.name, 0);
		return false;
	}
	/* As the kernel: lockdep hears of a trylock only when it succeeds. */
	sim_lockdep_check(t, m->dep.class_id, m, false, true, ip);
	sim_mutex_take(t, m, true, ip);
	return true;
}

void sim_mutex_unlock(struct sim_task *t, struct sim_mutex *m)
{
	struct sim_held_lock *h;
	struct sim_task *next;

	SIM_BUG_ON(m->owner != t);
	h = sim_held_find(t, m);
	SIM_BUG_ON(!h);
	sim_lock_release(t, h, "mutex_unlock");
	if (sim_list_empty(&m->waiters)) {
		m->owner = NULL;
		return;
	}
	/* Hand-off to the head waiter (see the top of the file). */
	next = sim_lock_waiter(m->waiters.next);
	m->owner = next;
	m->acquired_at = t->world->now;
	sim_lock_handoff(next, m->dep.class_id, m, &m->wo, NULL);
	sim_mutex_assert(m);
}

bool sim_mutex_is_locked(const struct sim_mutex *m)
{
	return m->owner != NULL;
}

bool sim_mutex_held_by(const struct sim_mutex *m, const struct sim_task *t)
{
	return m->owner == t;
}
