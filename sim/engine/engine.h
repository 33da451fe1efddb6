/* sim/engine/engine.h — public API of the engine core: worlds, events, tasks,
 * wait queues, completions, the wait-for graph and per-task step notes.
 *
 * A world is one deterministic, single-threaded simulation.  Everything in
 * it is ordered by (time, seq); nothing reads the wall clock.  Tasks are
 * coroutines: a task function is straight-line C that blocks by calling into
 * the engine, which switches back to the event loop and resumes the task
 * when its wake-up event fires.
 *
 * Included through sim/engine/sim.h; fs/ never includes the private sim headers.
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <setjmp.h>
#include <stdio.h>

#include "sim/engine/types.h"

struct sim_world;
struct sim_task;

/* ---- worlds ------------------------------------------------------------ */

struct sim_explore;

struct sim_world_params {
	uint64_t seed;       /* run seed */
	uint64_t job;        /* job identity: streams derive from (seed, job, ...) */
	size_t stack_size;   /* per task stack; 0 = SIM_DEFAULT_STACK */
	bool tie_shuffle;    /* test mode: permute events that share a time */
	/* Schedule exploration (see "schedule exploration" below); NULL:
	 * none.  Copied: the caller's struct may go after sim_world_new. */
	const struct sim_explore *explore;
	/* End the run at the first violation the model reports
	 * (sim_world_violation): a search wants the first, not the count. */
	bool stop_on_violation;
	/* Non-NULL: sim_world_run returns SIM_STOP_REQUESTED within 1 024
	 * events of *interrupt turning non-zero (it is read atomically; set
	 * from any thread: SIGINT, SIGTERM).  A world cut short this way is
	 * not to be trusted for results. */
	const int *interrupt;
};

#define SIM_DEFAULT_STACK ((size_t)64 * 1024)

enum sim_stop {
	SIM_STOP_IDLE,       /* no event left */
	SIM_STOP_TIME,       /* reached the time limit */
	SIM_STOP_DEADLOCK,   /* a wait-for cycle (or all tasks blocked) ended it */
	SIM_STOP_REQUESTED,  /* sim_world_request_stop() */
};

struct sim_world *sim_world_new(const struct sim_world_params *p);
/* Frees every task (blocked ones included: their stacks are simply dropped,
 * so anything a model allocates must be owned by the model, not a stack). */
void sim_world_free(struct sim_world *w);

/* Runs events with time < until (SIM_TIME_MAX: until idle or stopped). May
 * be called again to continue.  On SIM_STOP_TIME the clock is left at
 * `until`; on SIM_STOP_IDLE at the last event.  If the queue runs dry while
 * a task (not a daemon) is blocked, that is a deadlock.  A deadlocked world
 * stays stopped. */
enum sim_stop sim_world_run(struct sim_world *w, sim_time_t until);
void sim_world_request_stop(struct sim_world *w);

sim_time_t sim_world_now(const struct sim_world *w);
/* Tasks by id (0 .. count-1), in spawn order; exited ones included. */
unsigned sim_world_task_count(const struct sim_world *w);
struct sim_task *sim_world_task(const struct sim_world *w, unsigned id);
uint64_t sim_world_seed(const struct sim_world *w);
uint64_t sim_world_job(const struct sim_world *w);
uint64_t sim_world_events(const struct sim_world *w);    /* events fired */
uint64_t sim_world_switches(const struct sim_world *w);  /* task switches */
/* Rolling hash over (time, event identity) of every event fired: two runs
 * with the same inputs have the same hash. */
uint64_t sim_world_trace_hash(const struct sim_world *w);

/* One pointer for the model that lives in this world (fs/ keeps its root
 * here).  The engine never looks at it. */
void sim_world_set_model(struct sim_world *w, void *model);
void *sim_world_model(const struct sim_world *w);

/* Findings of the engine (deadlock, lock-order inversion) are handed to the
 * model through this hook, once per finding, with a report in the kernel's
 * shape.  kind is "deadlock" or "lock_order". */
typedef void (*sim_finding_fn)(void *ctx, struct sim_world *w,
			       const char *kind, const char *report);
void sim_world_set_finding_hook(struct sim_world *w, sim_finding_fn fn,
				void *ctx);
/* Hands a finding to the hook (if any): what lockdep and the deadlock
 * detector call. */
void sim_world_finding(struct sim_world *w, const char *kind,
		       const char *report);
/* Text of the deadlock that stopped the world, or NULL. */
const char *sim_world_deadlock_report(const struct sim_world *w);

/* Optional tracer (Chrome trace export, tests).  Called for spans and
 * instants; cheap when unset. */
enum sim_trace_kind { SIM_TRACE_BEGIN, SIM_TRACE_END, SIM_TRACE_INSTANT };
struct sim_trace_rec {
	sim_time_t time;
	unsigned task;          /* task id */
	enum sim_trace_kind kind;
	const char *cat;        /* "lock-wait", "lock-hold", "op", "violation" */
	const char *name;
	bool ranged;            /* a range lock's wait or hold: [start, end] */
	int64_t start, end;     /* bytes, inclusive; end INT64_MAX: to EOF */
};
/* A record's task outside any task (event context: IO completion, the
 * end-of-job checks); a trace puts such instants on the process. */
#define SIM_TRACE_NO_TASK UINT32_MAX
typedef void (*sim_trace_fn)(void *ctx, const struct sim_trace_rec *r);
void sim_world_set_tracer(struct sim_world *w, sim_trace_fn fn, void *ctx);
void sim_trace(struct sim_world *w, const struct sim_trace_rec *r);

/* The --replay key of this world: "SEED:JOB", or "SEED:JOB:SCHEDULE" for
 * an explored schedule (followed by the options that schedule needs beyond
 * the defaults, e.g. " --explore-depth 5").  Owned by the world. */
const char *sim_world_replay_key(const struct sim_world *w);
/* "seed S job J" or "seed S job J schedule K": how reports name the world. */
const char *sim_world_label(const struct sim_world *w);

/* The model counts a violation (any kind).  With params.stop_on_violation
 * the run stops after the current event. */
void sim_world_violation(struct sim_world *w);

/* ---- schedule exploration -----------------------------------------------
 * A step boundary is a point where a kernel path may be preempted: the
 * model marks its own (sim_task_step: "ext4_ext_remove_space", a page
 * lock), and the engine marks every sleeping lock acquisition (named by
 * the lock's class) and every completion wait (named by the waiting
 * function), before the task touches the lock or the completion.  Nothing
 * happens at a boundary unless the model sets a step hook.
 *
 * The hook tells the engine two things about the running task at a
 * boundary: whether it is inside an operation, and the cost scale of that
 * operation (what bounds an injected delay there; 0: not eligible, e.g.
 * a kernel thread or a task between operations), and a delay the model
 * injects there itself (a scripted one, 0: none).
 *
 * A world with params.explore runs one schedule of a PCT-style search
 * (Burckhardt et al., ASPLOS 2010): `depth` change points, each a time
 * drawn uniformly over [0, horizon), a count j uniform in
 * 1..SIM_EXPLORE_SPAN and a fraction u in (0, 1]; the task that reaches
 * the j-th eligible step boundary at or after the time (whichever task
 * it is) is delayed there off-CPU by max(1 ns, u x delay x its
 * operation's cost scale), so it falls behind the others; and events that
 * share a time fire in a permuted order (tie-shuffle) seeded by the
 * schedule.  (Why j, and why time: explore.c.)  Every draw comes from (run seed, schedule) alone, so
 * schedule i is the same perturbation for every strategy of a plan, and a
 * schedule is replayed exactly from its key.  Each injected delay leaves a
 * note on the task (func = the boundary, what = "delayed", arg = ns) and
 * is handed to the hook's `injected` op.
 */
struct sim_explore {
	uint64_t schedule;   /* with the world's seed: every draw of it */
	unsigned depth;      /* change points */
	double delay;        /* bound of a delay, in cost scales of its op */
	sim_time_t horizon;  /* change points fall in [0, horizon) */
};

#define SIM_EXPLORE_DEPTH 3          /* --explore-depth default */
#define SIM_EXPLORE_DELAY 4.0        /* --explore-delay default */
#define SIM_EXPLORE_SPAN 8           /* a change point's j: 1..SPAN */
#define SIM_EXPLORE_MAX_DEPTH 64

struct sim_step {
	sim_time_t scale;    /* > 0: in an operation of this cost scale */
	sim_time_t delay;    /* a delay the model injects here, or 0 */
};

struct sim_step_ops {
	void (*step)(void *ctx, struct sim_task *t, const char *where,
		     struct sim_step *out);
	/* An exploration delay fell at this boundary (may be NULL). */
	void (*injected)(void *ctx, struct sim_task *t, const char *where,
			 sim_time_t delay);
};

void sim_world_set_step_hook(struct sim_world *w, const struct sim_step_ops *ops,
			     void *ctx);
/* A step boundary of the running task t (no-op without a hook, and for a
 * task that is not the running one).  May sleep: call it only where the
 * task could block anyway, never between preparing a wait and waiting. */
void sim_task_step(struct sim_task *t, const char *where);
/* The exploration's change points (NULL when not exploring): the times
 * they were drawn at, ascending, and how many have fired. */
const struct sim_explore *sim_world_explore(const struct sim_world *w);
unsigned sim_world_explore_fired(const struct sim_world *w);
/* Delays injected so far (change points fired plus scripted ones) and
 * their sum. */
uint64_t sim_world_delays(const struct sim_world *w);
sim_time_t sim_world_delay_total(const struct sim_world *w);

/* ---- events -------------------------------------------------------------
 * Events are embedded in their owners and registered once; scheduling never
 * allocates.  Rescheduling a pending event moves it.
 */
struct sim_event;
typedef void (*sim_event_fn)(struct sim_world *w, struct sim_event *ev);

struct sim_event {
	sim_event_fn fn;
	uint64_t armed;   /* key of the pending queue entry; 0 = not pending */
	uint32_t slot;    /* index in the world's event table */
	uint32_t flags;
};

void sim_event_init(struct sim_world *w, struct sim_event *ev, sim_event_fn fn);
void sim_event_destroy(struct sim_world *w, struct sim_event *ev);
void sim_event_schedule(struct sim_world *w, struct sim_event *ev,
			sim_time_t delay);
void sim_event_schedule_at(struct sim_world *w, struct sim_event *ev,
			   sim_time_t when);
void sim_event_cancel(struct sim_world *w, struct sim_event *ev);

static inline bool sim_event_pending(const struct sim_event *ev)
{
	return ev->armed != 0;
}

/* ---- tasks ---------------------------------------------------------------
 * Task ids are assigned in spawn order from 0, so they are deterministic.
 * Every task runs on its own simulated CPU (cpu id = task id); CPU time is
 * what the task spends in sim_task_delay().
 */
typedef void (*sim_task_fn)(struct sim_task *t, void *arg);

struct sim_task *sim_task_spawn(struct sim_world *w, const char *name,
				sim_task_fn fn, void *arg);
struct sim_world *sim_task_world(const struct sim_task *t);
sim_time_t sim_task_now(const struct sim_task *t);
unsigned sim_task_id(const struct sim_task *t);
const char *sim_task_name(const struct sim_task *t);
bool sim_task_exited(const struct sim_task *t);

/* Run on the CPU for d ns (a cost from the cost model); 0 returns at once
 * without letting anyone else run. */
void sim_task_delay(struct sim_task *t, sim_time_t d);
/* Sleep off-CPU for d ns (a timer sleep, think time). */
void sim_task_sleep(struct sim_task *t, sim_time_t d);
/* Let every other event due now run first. */
void sim_task_yield(struct sim_task *t);
/* A task whose loop may run without time passing (ops that cost
 * nothing) calls this once per iteration: if the world's interrupt flag
 * (sim_world_params.interrupt) is set, the task parks for good and the
 * world stops (SIM_STOP_REQUESTED) at once; the world must then be
 * dropped.  Otherwise it costs a load and a branch. */
void sim_task_check_interrupt(struct sim_task *t);

/* CPU time consumed so far. */
sim_time_t sim_task_busy(const struct sim_task *t);
/* A daemon (kjournald2, the flusher) blocks waiting for work: when nothing
 * else is pending, a blocked daemon means the world is idle, not
 * deadlocked.  Set before the task first blocks. */
void sim_task_set_daemon(struct sim_task *t, bool daemon);

/* One pointer of per-task model state (fs/ keeps journal_info etc. here). */
void *sim_task_get_private(const struct sim_task *t);
void sim_task_set_private(struct sim_task *t, void *p);

/* ---- the wait-for graph ----------------------------------------------------
 * Everything a task can block on is a sim_waitobj.  for_each_blocker names
 * the tasks that must act before `waiter` can proceed (a lock's holders and
 * the waiters queued ahead of it; a completion's signaller; a journal's
 * handle holders).  The deadlock detector walks these edges whenever a task
 * blocks; a cycle ends the world with a report.
 */
struct sim_waitobj;
typedef void (*sim_blocker_fn)(struct sim_task *blocker, void *ctx);

struct sim_waitobj_ops {
	const char *kind;  /* "mutex", "rwsem", "completion", "journal", ... */
	void (*for_each_blocker)(const struct sim_waitobj *o,
				 const struct sim_task *waiter,
				 sim_blocker_fn fn, void *ctx);
	/* One line: what it is and its state ("rwsem i_mmap_sem: 2 readers,
	 * 1 writer waiting"). */
	void (*describe)(const struct sim_waitobj *o, char *buf, size_t len);
};

struct sim_waitobj {
	const struct sim_waitobj_ops *ops;
	const char *name;
};

/* Block the running task until sim_task_wake().  `on` (may be NULL: no known
 * blocker) is recorded for the deadlock detector; `where` names the kernel
 * function that waits.  If blocking closes a cycle, the world stops with a
 * deadlock and this call does not return to the task. */
void sim_task_block(struct sim_task *t, const struct sim_waitobj *on,
		    const char *where);
/* Make a blocked task runnable now (FIFO among equal-time wake-ups). */
void sim_task_wake(struct sim_task *t);
/* What a blocked task waits on (NULL when running or runnable). */
const struct sim_waitobj *sim_task_waiting_on(const struct sim_task *t);

/* ---- wait queues and completions ---------------------------------------- */

struct sim_waitq {
	struct sim_list head;
};

void sim_waitq_init(struct sim_waitq *q);
void sim_waitq_sleep(struct sim_task *t, struct sim_waitq *q,
		     const struct sim_waitobj *on, const char *where);
bool sim_waitq_wake_one(struct sim_waitq *q);
unsigned sim_waitq_wake_all(struct sim_waitq *q);
bool sim_waitq_active(const struct sim_waitq *q);

/* wait_event(): sleep on q until cond holds; cond is re-evaluated after
 * every wake-up, as in the kernel. */
#define sim_wait_event(t, q, on, cond)                           \
	do {                                                     \
		while (!(cond))                                  \
			sim_waitq_sleep((t), (q), (on), __func__); \
	} while (0)

struct sim_completion {
	struct sim_waitobj wo;
	unsigned done;
	struct sim_waitq wq;
	struct sim_task *signaller;  /* who will complete it, if known */
};

void sim_completion_init(struct sim_completion *c, const char *name);
void sim_completion_reinit(struct sim_completion *c);
void sim_completion_set_signaller(struct sim_completion *c,
				  struct sim_task *t);
void sim_wait_for_completion(struct sim_task *t, struct sim_completion *c,
			     const char *where);
void sim_complete(struct sim_completion *c);
void sim_complete_all(struct sim_completion *c);

/* ---- per-task step notes ----------------------------------------------------
 * A small ring of the task's most recent steps (kernel function, what
 * happened, on which object).  Locks note their acquisitions and waits;
 * model paths note their steps.  Violation explanations print them side by
 * side.  Strings must be static (or outlive the world).
 */
struct sim_note {
	sim_time_t time;
	const char *func;
	const char *what;
	const char *obj;
	int64_t arg;
};

#define SIM_NOTES 64

void sim_task_note(struct sim_task *t, const char *func, const char *what,
		   const char *obj, int64_t arg);
/* Copies the most recent notes (up to max), oldest first; returns how
 * many. */
unsigned sim_task_notes(const struct sim_task *t, struct sim_note *out,
			unsigned max);

/* ---- model errors ------------------------------------------------------------
 * SIM_BUG_ON (and BUG_ON, BUG, WARN_ON, SIM_CHECK) is an impossible state.
 * With no trap armed on the calling thread it prints and aborts.  A runner
 * arms a trap around one job: then the bug ends that world only.  From a
 * task it leaves the task's stack for the event loop's (the task never
 * runs again) and the loop jumps to the trap; from the loop, the model's
 * create/finish or a test, it jumps there at once.  The world and
 * whatever its model holds are left as they were, possibly mid-update:
 * the trap's owner must not run or free them (sim/runner.c sets them
 * aside).  Usage, in the frame that stays alive:
 *
 *	struct sim_bug_trap trap;
 *
 *	sim_bug_trap_push(&trap);
 *	if (setjmp(trap.jb) == 0)
 *		... run the job ...
 *	else
 *		... trap.info says what failed ...
 *	sim_bug_trap_pop(&trap);
 */
struct sim_bug_info {
	const char *file;            /* __FILE__ of the check */
	int line;
	char cond[160];              /* the condition's text, cut to fit */
	bool in_world;               /* fired while a world ran */
	sim_time_t time;             /* its clock (0 outside a world) */
	uint64_t seed, job, events;
	bool in_task;
	char task[48];               /* "name/id" of the running task */
};

struct sim_bug_trap {
	jmp_buf jb;
	struct sim_bug_info info;
	/* [world.c] */
	struct sim_bug_trap *prev;
	struct sim_world *tls_world;
	struct sim_task *tls_task;
};

void sim_bug_trap_push(struct sim_bug_trap *trap);
void sim_bug_trap_pop(struct sim_bug_trap *trap);

/* ---- diagnostics ------------------------------------------------------------ */

/* Thread-local: the world running on this thread and its running task (NULL
 * in the event loop).  fs/compat.h builds the kernel's `current` on
 * sim_current_task(); a world runs on one thread, so this is deterministic. */
struct sim_world *sim_current_world(void);
struct sim_task *sim_current_task(void);

/* Print every task that is blocked: where it waits, on what, and the locks
 * it holds.  Used by deadlock reports and SIM_BUG_ON. */
void sim_world_dump_blocked(const struct sim_world *w, FILE *out);

#endif /* SIM_ENGINE_H */
