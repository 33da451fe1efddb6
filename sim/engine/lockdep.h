/* sim/engine/lockdep.h — private interface between the lock implementations
 * (mutex.c, rwsem.c), the shared acquire/grant/release bookkeeping
 * (lock.c) and the dependency graph (lockdep.c).  Private to sim/.
 *
 * Life of one acquisition (every lock kind goes through the same steps):
 *
 *   sim_lockdep_check()   lockdep first, before any wait, as the kernel's
 *                         lock_acquire() runs before the slow path: an
 *                         inversion is reported even if it then deadlocks
 *   sim_lock_grant()      the lock is ours: held-lock record pushed on the
 *                         task's stack (and linked on the lock's holders
 *                         list if it keeps one); done by the acquirer when
 *                         uncontended, by the releaser on hand-off
 *   sim_lock_wait()       contended: queue FIFO, block until granted
 *   sim_lock_release()    hold time, notes, record popped
 */
#ifndef SIM_LOCKDEP_H
#define SIM_LOCKDEP_H

#include "sim/engine/internal.h"

/* ---- lockdep.c ------------------------------------------------------------ */

void sim_lockdep_check_held(struct sim_task *t, unsigned class_id,
			    const void *instance, const char *ip);

/* t is about to acquire (class_id, instance).  Records the dependencies
 * held -> class_id and reports the first cycle of the world.  Trylocks add
 * no edge as the new lock (they cannot wait), like the kernel's.  Inline:
 * with nothing held (the common case) it only sets a usage bit. */
static inline void sim_lockdep_check(struct sim_task *t, unsigned class_id,
				     const void *instance, bool shared,
				     bool trylock, const char *ip)
{
	struct sim_world *w = t->world;

	SIM_BUG_ON(class_id >= SIM_MAX_LOCK_CLASSES);
	if (shared)
		w->lockdep_used_read |= UINT64_C(1) << class_id;
	else
		w->lockdep_used_write |= UINT64_C(1) << class_id;
	if (trylock || t->nheld == 0)
		return;
	sim_lockdep_check_held(t, class_id, instance, ip);
}

/* ---- lock.c: the held-lock stack ----------------------------------------- */

struct sim_held_lock *sim_held_find_slow(const struct sim_task *t,
					 const void *instance);

/* The most recent record of instance on t's stack, or NULL.  Locks are
 * mostly released in LIFO order: look at the top first. */
static inline struct sim_held_lock *sim_held_find(const struct sim_task *t,
						  const void *instance)
{
	if (sim_likely(t->nheld && t->held[t->nheld - 1].instance == instance))
		return (struct sim_held_lock *)&t->held[t->nheld - 1];
	return sim_held_find_slow(t, instance);
}

/* ---- lock.c: acquisition bookkeeping ------------------------------------- */

/* Makes t a holder of the lock: pushes the record (linked on `holders`
 * when not NULL), counts the acquisition.  The world's now is the grant
 * time. */
struct sim_held_lock *sim_lock_grant(struct sim_task *t, unsigned class_id,
				     const void *instance,
				     const struct sim_waitobj *wo, bool shared,
				     bool trylock, const char *ip,
				     struct sim_list *holders);

/* Dequeues the waiting task w, grants it the lock and wakes it. */
struct sim_held_lock *sim_lock_handoff(struct sim_task *w, unsigned class_id,
				       const void *instance,
				       const struct sim_waitobj *wo,
				       struct sim_list *holders);

/* A range lock's records carry the byte range (range_lock.c). */
static inline void sim_lock_trace_range(struct sim_world *w,
					const struct sim_task *t,
					enum sim_trace_kind kind,
					const char *cat, const char *name,
					bool ranged, int64_t start,
					int64_t end)
{
	struct sim_trace_rec r;

	if (sim_likely(!w->trace_fn))
		return;
	r.time = w->now;
	r.task = t->id;
	r.kind = kind;
	r.cat = cat;
	r.name = name;
	r.ranged = ranged;
	r.start = start;
	r.end = end;
	sim_trace(w, &r);
}

static inline void sim_lock_trace(struct sim_world *w,
				  const struct sim_task *t,
				  enum sim_trace_kind kind, const char *cat,
				  const char *name)
{
	sim_lock_trace_range(w, t, kind, cat, name, false, 0, -1);
}

/* Notes and traces a grant, once the task holds the lock and runs.  The
 * hold is on top of t's stack (a range lock's with its range). */
static inline void sim_lock_acquired(struct sim_task *t, unsigned class_id,
				     bool shared, const char *ip,
				     sim_time_t waited)
{
	struct sim_world *w = t->world;
	const char *name = w->classes[class_id].name;
	const struct sim_held_lock *h = &t->held[t->nheld - 1];

	sim_task_note_inline(t, ip, shared ? "acquire-read" : "acquire", name,
			     waited);
	sim_lock_trace_range(w, t, SIM_TRACE_BEGIN, "lock-hold", name,
			     h->range_end >= h->range_start, h->range_start,
			     h->range_end);
}

/* Queues t at the tail of waiters and sleeps until a releaser has granted
 * it the lock (sim_lock_handoff); then accounts the contention. */
void sim_lock_wait(struct sim_task *t, const struct sim_waitobj *wo,
		   struct sim_list *waiters, unsigned class_id, bool write,
		   const char *ip);

/* Ends the hold described by h (hold time, note, trace), unlinks it from
 * its holders list and pops it.  func names the releasing kernel function
 * for the task's notes. */
void sim_lock_release(struct sim_task *t, struct sim_held_lock *h,
		      const char *func);

static inline struct sim_task *sim_lock_waiter(struct sim_list *node)
{
	return sim_list_entry(node, struct sim_task, lock_wait_node);
}

/* Whether w is queued on the lock whose wait object is wo. */
static inline bool sim_lock_queued_on(const struct sim_task *w,
				      const struct sim_waitobj *wo)
{
	return w->lock_wait_wo == wo;
}

/* Task label in reports: "name/id", as lockdep prints "comm/pid". */
void sim_lock_task_label(const struct sim_task *t, char *buf, size_t len);

#endif /* SIM_LOCKDEP_H */
