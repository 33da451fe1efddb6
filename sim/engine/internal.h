/* sim/engine/internal.h — layouts shared by the engine's own modules (task, event,
 * waitq, lock, lockdep, deadlock).  Private to sim/: fs/ must not include it.
 *
 * Field groups are tagged with the module that owns them.
 */
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include "sim/engine/sim.h"
#include "sim/engine/context.h"

/* [lock.c, lockdep.c] one entry of a task's held-lock stack */
struct sim_held_lock {
	const void *instance;        /* the lock (or pseudo-lock) */
	const struct sim_waitobj *wo;  /* NULL for pseudo-locks */
	unsigned class_id;
	bool shared;
	bool trylock;                /* lockdep: adds no edge as the new lock */
	const char *ip;              /* acquiring function */
	sim_time_t acquired_at;
	struct sim_list node;        /* on the rwsem's holders list */
	struct sim_task *task;
	int64_t range_start;         /* [range_lock.c] the held byte range */
	int64_t range_end;           /* (inclusive); 0, -1 for other locks */
};

enum sim_task_state {
	SIM_TASK_RUNNABLE,   /* wake-up event pending */
	SIM_TASK_RUNNING,
	SIM_TASK_BLOCKED,
	SIM_TASK_EXITED,
};

struct sim_task {
	/* [task.c] the switch path touches world, ctx, wake and state: they
	 * come first, in one cache line (the struct is 64-byte aligned) */
	struct sim_world *world;
	struct sim_context ctx;
	struct sim_event wake;       /* resumes the task */
	enum sim_task_state state;
	unsigned id;
	char name[32];
	void *stack;                 /* usable stack (NULL once freed) */
	size_t stack_size;
	void *map;                   /* guard page, stack, this struct */
	size_t map_size;
	sim_task_fn fn;
	void *arg;
	sim_time_t busy;             /* CPU time */
	void *private;
	const struct sim_waitobj *waiting_on;  /* [deadlock.c] */
	const char *wait_where;
	sim_time_t blocked_at;       /* when it last blocked */
	bool daemon;                 /* a kernel thread idling is no deadlock */
	unsigned valgrind_stack_id;
	struct sim_list wq_node;     /* [waitq.c] on a sim_waitq while asleep */
	uint64_t visit_epoch;        /* [deadlock.c] DFS mark */
	struct sim_task *dl_parent;  /* [deadlock.c] DFS tree, for the cycle */
	struct sim_note notes[SIM_NOTES];
	uint64_t note_seq;           /* notes ever made; next slot = seq % SIM_NOTES */
	/* [lock.c, lockdep.c] */
	struct sim_held_lock held[SIM_MAX_HELD];
	unsigned nheld;
	/* [lock.c] per-wait bookkeeping of the lock being waited for */
	bool lock_granted;
	sim_time_t wait_start;
	struct sim_list lock_wait_node;   /* on a lock's waiters list */
	bool lock_wait_write;
	const char *lock_wait_ip;         /* for the record the releaser grants */
	const struct sim_waitobj *lock_wait_wo;  /* the lock queued on, or NULL */
	bool lock_wait_ranged;            /* [range_lock.c] the range asked for */
	int64_t lock_wait_start, lock_wait_end;
};

struct sim_lockdep;      /* lockdep.c */
struct sim_event_queue;  /* event.c */

struct sim_world {
	/* [world.c, event.c, task.c] */
	struct sim_world_params params;
	sim_time_t now;
	struct sim_event_queue *q;
	uint64_t events;
	uint64_t switches;
	uint64_t trace_hash;
	bool stop;                   /* leave the run loop after this event */
	enum sim_stop stop_reason;
	bool deadlocked;             /* sticky: a dead world runs no more */
	bool bugged;                 /* a task hit SIM_BUG_ON under a trap */
	unsigned nblocked;           /* blocked tasks that are not daemons */
	struct sim_task **tasks;     /* by id */
	unsigned ntasks, tasks_cap;
	struct sim_task *current;
	struct sim_context loop_ctx; /* the event loop's own context */
	void *model;
	sim_finding_fn finding_fn;
	void *finding_ctx;
	sim_trace_fn trace_fn;
	void *trace_ctx;
	/* [deadlock.c] */
	char *deadlock_report;
	uint64_t visit_epoch;
	struct sim_task **dl_stack;  /* DFS work list (never the task's stack) */
	size_t dl_n, dl_cap;
	struct sim_task **dl_cycle;  /* cycle found by sim_deadlock_check */
	unsigned dl_ncycle;
	/* [lock.c] */
	struct sim_lock_stats classes[SIM_MAX_LOCK_CLASSES];
	unsigned nclasses;
	/* [explore.c] step hook, change points, replay key */
	const struct sim_step_ops *step_ops;
	void *step_ctx;
	bool exploring;
	struct sim_explore xp;       /* a copy of params.explore */
	sim_time_t cp_time[SIM_EXPLORE_MAX_DEPTH];   /* ascending */
	double cp_u[SIM_EXPLORE_MAX_DEPTH];          /* delay fraction */
	unsigned cp_skip[SIM_EXPLORE_MAX_DEPTH];     /* eligible boundaries
							to pass first */
	bool cp_done[SIM_EXPLORE_MAX_DEPTH];
	unsigned cp_next;            /* change points fired */
	uint64_t delays;             /* delays injected (explored + scripted) */
	sim_time_t delay_total;
	uint64_t violations;         /* sim_world_violation calls */
	char *replay_key;
	char *label;
	/* [lockdep.c] */
	struct sim_lockdep *lockdep;
	uint64_t lockdep_used_write;  /* class bits: ever taken exclusive */
	uint64_t lockdep_used_read;   /* class bits: ever taken shared */
};

/* [world.c] the running task of this thread (fs/compat.h's `current`) */
extern __thread struct sim_task *sim_tls_task;

/* [world.c] the loop's half of a trapped SIM_BUG_ON in a task: jumps to
 * the trap (see sim_bug_trap_push in engine.h). */
_Noreturn void sim_bug_task_escaped(struct sim_world *w);

/* [task.c] */
void sim_task_free_all(struct sim_world *w);

/* [task.c] sim_task_note, inline for the engine's own callers (every lock
 * acquisition, wait and release notes): no call, no branch. */
static inline void sim_task_note_inline(struct sim_task *t, const char *func,
					const char *what, const char *obj,
					int64_t arg)
{
	struct sim_note *n = &t->notes[t->note_seq++ % SIM_NOTES];

	n->time = t->world->now;
	n->func = func;
	n->what = what;
	n->obj = obj;
	n->arg = arg;
}

/* [explore.c] */
void sim_explore_world_init(struct sim_world *w);
uint64_t sim_explore_tie_seed(uint64_t seed, const struct sim_explore *x);
void sim_explore_world_free(struct sim_world *w);
void sim_explore_step(struct sim_world *w, struct sim_task *t,
		      const char *where);

/* A step boundary inside the engine's own primitives (locks, completion
 * waits): one test and no call when no model hook is set. */
static inline void sim_task_step_inline(struct sim_task *t, const char *where)
{
	if (sim_unlikely(t->world->step_ops != NULL))
		sim_explore_step(t->world, t, where);
}

/* [deadlock.c] called by sim_task_block before switching out; returns true
 * (and has stopped the world with a report) if blocking t on `on` closes a
 * cycle in the wait-for graph. */
bool sim_deadlock_check(struct sim_task *t, const struct sim_waitobj *on);
/* [deadlock.c] run loop, on its own stack: writes the report of the cycle
 * sim_deadlock_check found and hands it to the finding hook. */
void sim_deadlock_report_cycle(struct sim_world *w);
/* [deadlock.c] run loop: no event left but tasks are blocked. */
void sim_deadlock_report_all_blocked(struct sim_world *w);
/* [deadlock.c] */
void sim_deadlock_world_free(struct sim_world *w);

/* [lockdep.c] */
void sim_lockdep_world_init(struct sim_world *w);
void sim_lockdep_world_free(struct sim_world *w);

#endif /* SIM_INTERNAL_H */
