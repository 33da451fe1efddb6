/* sim/engine/lock.h — public API of the sleeping locks, lock classes with
 * lock_stat-style statistics, and lockdep.
 *
 * Kernel vocabulary (down_read, mutex_lock, ...) is provided over these by
 * fs/compat.h; here everything carries the sim_ prefix and an explicit task.
 * `ip` arguments name the acquiring function (callers pass __func__) the
 * way lockdep prints "at: ext4_punch_hole+0x...".
 *
 * Semantics in one paragraph (details atop mutex.c and rwsem.c): waiting
 * always sleeps (no optimistic spinning); a release hands the lock straight
 * to the head waiter(s) in FIFO order, so the order of grants is the queue
 * order; rwsems follow the v4.4 rules (a queued writer blocks later
 * readers; the head waiter decides who is woken).  Locks take no simulated
 * time themselves: costs belong to the callers' cost model.
 *
 * Each acquisition leaves per-task notes (sim_task_note): func = ip,
 * obj = class name, what = "wait" / "wait-read" (arg 0), "acquire" /
 * "acquire-read" (arg = ns waited), "trylock-fail"; a release leaves
 * "release" / "release-read" with func = the releasing kernel function
 * (mutex_unlock, up_read, up_write, lock_release) and arg = ns held;
 * downgrade_write leaves "downgrade".  With a tracer set, waits and holds
 * are spans of cat "lock-wait" / "lock-hold" named by the class.
 */
#ifndef SIM_LOCK_H
#define SIM_LOCK_H

#include "sim/engine/engine.h"
#include "sim/engine/hist.h"

/* ---- lock classes -------------------------------------------------------
 * A class is identified by its name within a world (like a lockdep key):
 * every inode's i_mmap_sem is one class.  Classes carry lock_stat figures.
 */
#define SIM_MAX_LOCK_CLASSES 64
#define SIM_MAX_HELD 32

/* A call site whose acquisitions of a class had to wait (lock_stat's
 * contention points). */
#define SIM_LOCK_POINTS 8
struct sim_lock_point {
	const char *ip;              /* NULL: every other site */
	uint64_t count;
};

struct sim_lock_stats {
	const char *name;
	uint64_t acquisitions;       /* all grants */
	uint64_t acquisitions_read;  /* of which shared */
	uint64_t contentions;        /* grants that had to wait */
	uint64_t contentions_read;   /* of which shared */
	/* lock_stat's bounces, with one CPU per task: acquisitions (and
	 * contended ones) by a task other than the class's last acquirer */
	uint64_t acq_bounces, con_bounces;
	uint64_t acq_bounces_read, con_bounces_read;    /* of which shared */
	unsigned last_task;          /* id + 1 of the last acquirer; 0: none */
	struct sim_hist wait;        /* wait time of contended grants, ns */
	struct sim_hist hold;        /* hold time, ns */
	struct sim_hist wait_read;   /* ... of the shared ones (also in wait) */
	struct sim_hist hold_read;   /* (also in hold) */
	/* the first SIM_LOCK_POINTS - 1 sites that waited, then the rest */
	struct sim_lock_point points[SIM_LOCK_POINTS];
};

/* Returns the class id for name, creating it on first use.  The name must
 * outlive the world (a string literal): notes and reports point at it. */
unsigned sim_lock_class(struct sim_world *w, const char *name);
unsigned sim_lock_class_count(const struct sim_world *w);
const struct sim_lock_stats *sim_lock_class_stats(const struct sim_world *w,
						  unsigned id);
/* Prints every class in the shape of /proc/lock_stat (times in ns):
 * class, contentions, wait min/max/total/avg, acquisitions, hold
 * min/max/total/avg.  Pseudo-locks count acquisitions and hold times only
 * (whoever makes them wait does its own accounting). */
void sim_lock_stat_print(const struct sim_world *w, FILE *out);

/* lockdep identity of one lock instance. */
struct sim_lockdep_map {
	unsigned class_id;
	const char *name;
};

void sim_lockdep_map_init(struct sim_world *w, struct sim_lockdep_map *m,
			  const char *class_name);

/* ---- mutex ----------------------------------------------------------------- */

struct sim_mutex {
	struct sim_waitobj wo;
	struct sim_lockdep_map dep;
	struct sim_task *owner;
	struct sim_list waiters;     /* FIFO */
	sim_time_t acquired_at;
};

void sim_mutex_init(struct sim_world *w, struct sim_mutex *m,
		    const char *class_name);
void sim_mutex_lock(struct sim_task *t, struct sim_mutex *m, const char *ip);
bool sim_mutex_trylock(struct sim_task *t, struct sim_mutex *m,
		       const char *ip);
void sim_mutex_unlock(struct sim_task *t, struct sim_mutex *m);
bool sim_mutex_is_locked(const struct sim_mutex *m);
bool sim_mutex_held_by(const struct sim_mutex *m, const struct sim_task *t);

/* ---- rw_semaphore (v4.4 semantics, see rwsem.c) ------------------------------ */

struct sim_rwsem {
	struct sim_waitobj wo;
	struct sim_lockdep_map dep;
	int readers;                 /* active readers */
	struct sim_task *writer;     /* active writer, or NULL */
	struct sim_list waiters;     /* FIFO of waiting readers and writers */
	struct sim_list holders;     /* held-lock records of current holders */
	sim_time_t write_acquired_at;
};

void sim_rwsem_init(struct sim_world *w, struct sim_rwsem *s,
		    const char *class_name);
void sim_down_read(struct sim_task *t, struct sim_rwsem *s, const char *ip);
void sim_down_write(struct sim_task *t, struct sim_rwsem *s, const char *ip);
bool sim_down_read_trylock(struct sim_task *t, struct sim_rwsem *s,
			   const char *ip);
bool sim_down_write_trylock(struct sim_task *t, struct sim_rwsem *s,
			    const char *ip);
void sim_up_read(struct sim_task *t, struct sim_rwsem *s);
void sim_up_write(struct sim_task *t, struct sim_rwsem *s);
void sim_downgrade_write(struct sim_task *t, struct sim_rwsem *s);
bool sim_rwsem_is_locked(const struct sim_rwsem *s);
bool sim_rwsem_is_write_locked(const struct sim_rwsem *s);
bool sim_rwsem_held_by(const struct sim_rwsem *s, const struct sim_task *t);

/* ---- range lock (see range_lock.c) -------------------------------------------
 * A reader/writer lock over byte ranges [start, end] (inclusive end; end =
 * SIM_RANGE_EOF: to the end of the file).  Shared holders may overlap;
 * an exclusive holder excludes every overlapping range; waiters are served
 * in arrival order among the ranges they overlap (a request waits for
 * every overlapping conflicting range that holds or queued before it), so
 * nobody starves; disjoint ranges never wait for each other.  One lockdep
 * class for all ranges of all instances; lock_stat per class; trace spans
 * carry the range (args.range). */
#define SIM_RANGE_EOF INT64_MAX

struct sim_range_lock {
	struct sim_waitobj wo;
	struct sim_lockdep_map dep;
	struct sim_list holders;     /* held-lock records (with their range),
					in grant order */
	struct sim_list waiters;     /* FIFO, each task's range in
					lock_wait_start/end */
	unsigned nholders;
};

void sim_range_lock_init(struct sim_world *w, struct sim_range_lock *l,
			 const char *class_name);
void sim_range_read_lock(struct sim_task *t, struct sim_range_lock *l,
			 int64_t start, int64_t end, const char *ip);
void sim_range_write_lock(struct sim_task *t, struct sim_range_lock *l,
			  int64_t start, int64_t end, const char *ip);
bool sim_range_read_trylock(struct sim_task *t, struct sim_range_lock *l,
			    int64_t start, int64_t end, const char *ip);
bool sim_range_write_trylock(struct sim_task *t, struct sim_range_lock *l,
			     int64_t start, int64_t end, const char *ip);
/* Releases t's hold of exactly [start, end] (either mode). */
void sim_range_unlock(struct sim_task *t, struct sim_range_lock *l,
		      int64_t start, int64_t end);
/* Holders and waiters now. */
unsigned sim_range_lock_holders(const struct sim_range_lock *l);
unsigned sim_range_lock_waiters(const struct sim_range_lock *l);
/* Whether t holds a range of l that covers [start, end] (in mode
 * `write`, or any mode when !write). */
bool sim_range_held_by(const struct sim_range_lock *l,
		       const struct sim_task *t, int64_t start, int64_t end,
		       bool write);

/* ---- lockdep ------------------------------------------------------------------
 * Held-lock stacks per task; acquiring class B while holding A records the
 * dependency A -> B with both call sites.  The first edge that closes a cycle
 * is reported once per world, in lockdep's shape, through the world's
 * finding hook (kind "lock_order").  Pseudo-locks (a jbd2 handle: shared by
 * handle holders, exclusive by the committer) use the calls below directly.
 */
void sim_lockdep_acquire(struct sim_task *t, struct sim_lockdep_map *m,
			 const void *instance, bool shared, const char *ip);
/* Releases the most recent acquisition of instance by t. */
void sim_lockdep_release(struct sim_task *t, const void *instance);
/* Whether t holds instance (any lock or pseudo-lock). */
bool sim_lockdep_held(const struct sim_task *t, const void *instance);
/* Number of locks (and pseudo-locks) the task holds. */
unsigned sim_lockdep_depth(const struct sim_task *t);
/* Writes "i_mutex, i_mmap_sem(w), jbd2_handle(r)" style list of held locks. */
void sim_lockdep_held_str(const struct sim_task *t, char *buf, size_t len);
/* The first inversion report of this world, or NULL. */
const char *sim_lockdep_report(const struct sim_world *w);

#endif /* SIM_LOCK_H */
