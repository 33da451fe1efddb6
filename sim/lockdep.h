/* sim/lockdep.h — private interface between the lock implementations
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

#include "sim/internal.h"

/* ---- lockdep.c ------------------------------------------------------------ */

/* t is about to acquire (class_id, instance).  Records the dependencies
 * held -> class_id and reports the first cycle of the world.  Trylocks add
 * no edge as the new lock (they cannot wait), like the kernel's. */
void sim_lockdep_check(struct sim_task *t, unsigned class_id,
		       const void *instance, bool shared, bool trylock,
		       const char *ip);

/* ---- lock.c: the held-lock stack ----------------------------------------- */

/* The most recent record of instance on t's stack, or NULL. */
struct sim_held_lock *sim_held_find(const struct sim_task *t,
				    const void *instance);

/* ---- lock.c: acquisition bookkeeping ------------------------------------- */

/* Makes t a holder of the lock: pushes the record (linked on `holders`
 * when not NULL), counts the acquisition.  `now` is the grant time. */
struct sim_held_lock *sim_lock_grant(struct sim_task *t, unsigned class_id,
				     const void *instance,
				     const struct sim_waitobj *wo, bool shared,
				     bool trylock, const char *ip,
				     struct sim_list *holders);

/* Grants the waiting task w (dequeued by the caller) and wakes it. */
struct sim_held_lock *sim_lock_handoff(struct sim_task *w, unsigned class_id,
				       const void *instance,
				       const struct sim_waitobj *wo,
				       struct sim_list *holders);

/* Notes and traces an uncontended grant made by the task itself. */
void sim_lock_acquired(struct sim_task *t, unsigned class_id, bool shared,
		       const char *ip, sim_time_t waited);

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
