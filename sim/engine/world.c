/* sim/engine/world.c — a world: its clock, its event loop, its hooks.
 *
 * A world is one deterministic, single-threaded simulation.  The run loop
 * pops the next event in (time, seq) order, advances the clock to it, folds
 * it into the trace hash and calls it; a task's wake event switches to the
 * task and returns when the task next suspends.  That is all the engine
 * does — everything else is an event or a task.
 *
 * Thread-locals: the world running on this thread and its running task, for
 * SIM_BUG_ON messages and fs/compat.h's `current`.  A world runs on one
 * thread at a time, so they are as deterministic as the world.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "sim/engine/task.h"

__thread struct sim_task *sim_tls_task;
static __thread struct sim_world *sim_tls_world;

/* Lockdep's per-world state belongs to sim/engine/lockdep.c.
 * Weak references: a program that links no lock code (the engine's own
 * tests) gets NULL here and the world simply has no lockdep; one that uses
 * locks pulls lockdep.o in and these resolve to it. */
extern void sim_lockdep_world_init(struct sim_world *w) __attribute__((weak));
extern void sim_lockdep_world_free(struct sim_world *w) __attribute__((weak));

struct sim_world *sim_world_new(const struct sim_world_params *p)
{
	struct sim_world *w = g_new0(struct sim_world, 1);

	w->params = *p;
	if (!w->params.stack_size)
		w->params.stack_size = SIM_DEFAULT_STACK;
	w->params.explore = NULL;    /* the caller's; w->xp is the copy */
	if (p->explore) {
		w->exploring = true;
		w->xp = *p->explore;
	}
	/* an explored schedule permutes ties by its own draw, the same for
	 * every job (strategy) that runs it */
	w->q = p->explore ? sim_eq_new(true, sim_explore_tie_seed(p->seed,
							    p->explore))
			  : sim_eq_new(p->tie_shuffle, p->seed ^ p->job);
	w->trace_hash = UINT64_C(0xcbf29ce484222325);
	w->stop_reason = SIM_STOP_IDLE;
	sim_explore_world_init(w);
	if (sim_lockdep_world_init)
		sim_lockdep_world_init(w);
	return w;
}

void sim_world_free(struct sim_world *w)
{
	if (!w)
		return;
	SIM_BUG_ON(w->current);  /* not from inside one of its tasks */
	if (sim_lockdep_world_free)
		sim_lockdep_world_free(w);
	sim_task_free_all(w);
	sim_deadlock_world_free(w);
	sim_explore_world_free(w);
	sim_eq_free(w->q);
	g_free(w);
}

/* Multiply-xorshift fold of one fired event: cheap, and any difference in
 * order, time or identity changes the result. */
static inline uint64_t sim_trace_fold(uint64_t h, sim_time_t time,
				      uint32_t slot)
{
	h = (h ^ (uint64_t)time) * UINT64_C(0x9e3779b97f4a7c15);
	h ^= h >> 32;
	h = (h ^ slot) * UINT64_C(0xd6e8feb86659fd93);
	return h ^ (h >> 29);
}

enum sim_stop sim_world_run(struct sim_world *w, sim_time_t until)
{
	struct sim_world *outer = sim_tls_world;
	struct sim_event_queue *q = w->q;
	struct sim_event *ev;
	sim_time_t time;

	SIM_BUG_ON(w->current);
	if (w->deadlocked)
		return SIM_STOP_DEADLOCK;
	sim_tls_world = w;
	w->stop = false;
	while ((ev = sim_eq_pop(q, until, &time))) {
		struct sim_event *next = sim_eq_peek(q);

		/* With many tasks the next event's owner is a cache (and TLB)
		 * miss; start fetching it while this one runs. */
		if (next)
			__builtin_prefetch(next);
		w->now = time;
		w->events++;
		w->trace_hash = sim_trace_fold(w->trace_hash, time, ev->slot);
		if (sim_likely(ev->fn == sim_task_resume))
			sim_task_resume_inline(w, ev);
		else
			ev->fn(w, ev);
		if (sim_unlikely(w->stop))
			goto stopped;
		/* every 1 024 events: a job whose clock stands still (a
		 * zero-time loop) still notices an interrupt */
		if (sim_unlikely((w->events & 1023) == 0) &&
		    w->params.interrupt &&
		    __atomic_load_n(w->params.interrupt, __ATOMIC_RELAXED)) {
			w->stop_reason = SIM_STOP_REQUESTED;
			goto stopped;
		}
	}
	if (!sim_eq_idle(q)) {
		/* the next event is at or after `until` */
		if (until > w->now)
			w->now = until;
		w->stop_reason = SIM_STOP_TIME;
	} else if (w->nblocked) {
		sim_deadlock_report_all_blocked(w);
	} else {
		w->stop_reason = SIM_STOP_IDLE;
	}
	sim_tls_world = outer;
	return w->stop_reason;

stopped:
	if (w->deadlocked)
		sim_deadlock_report_cycle(w);
	sim_tls_world = outer;
	return w->stop_reason;
}

void sim_world_request_stop(struct sim_world *w)
{
	w->stop = true;
	if (!w->deadlocked)
		w->stop_reason = SIM_STOP_REQUESTED;
}

sim_time_t sim_world_now(const struct sim_world *w)
{
	return w->now;
}

uint64_t sim_world_seed(const struct sim_world *w)
{
	return w->params.seed;
}

uint64_t sim_world_job(const struct sim_world *w)
{
	return w->params.job;
}

uint64_t sim_world_events(const struct sim_world *w)
{
	return w->events;
}

uint64_t sim_world_switches(const struct sim_world *w)
{
	return w->switches;
}

uint64_t sim_world_trace_hash(const struct sim_world *w)
{
	return w->trace_hash;
}

unsigned sim_world_task_count(const struct sim_world *w)
{
	return w->ntasks;
}

struct sim_task *sim_world_task(const struct sim_world *w, unsigned id)
{
	return id < w->ntasks ? w->tasks[id] : NULL;
}

void sim_world_set_model(struct sim_world *w, void *model)
{
	w->model = model;
}

void *sim_world_model(const struct sim_world *w)
{
	return w->model;
}

void sim_world_set_finding_hook(struct sim_world *w, sim_finding_fn fn,
				void *ctx)
{
	w->finding_fn = fn;
	w->finding_ctx = ctx;
}

void sim_world_finding(struct sim_world *w, const char *kind,
		       const char *report)
{
	if (w->finding_fn)
		w->finding_fn(w->finding_ctx, w, kind, report);
}

const char *sim_world_deadlock_report(const struct sim_world *w)
{
	return w->deadlock_report;
}

void sim_world_set_tracer(struct sim_world *w, sim_trace_fn fn, void *ctx)
{
	w->trace_fn = fn;
	w->trace_ctx = ctx;
}

void sim_trace(struct sim_world *w, const struct sim_trace_rec *r)
{
	if (w->trace_fn)
		w->trace_fn(w->trace_ctx, r);
}

/* ---- diagnostics ------------------------------------------------------------ */

struct sim_world *sim_current_world(void)
{
	return sim_tls_world;
}

struct sim_task *sim_current_task(void)
{
	return sim_tls_task;
}

static __thread struct sim_bug_trap *sim_tls_trap;

void sim_bug_trap_push(struct sim_bug_trap *trap)
{
	memset(&trap->info, 0, sizeof(trap->info));
	trap->prev = sim_tls_trap;
	trap->tls_world = sim_tls_world;
	trap->tls_task = sim_tls_task;
	sim_tls_trap = trap;
}

void sim_bug_trap_pop(struct sim_bug_trap *trap)
{
	SIM_BUG_ON(sim_tls_trap != trap);
	sim_tls_trap = trap->prev;
}

/* Back to the trap's frame, on the thread's own stack. */
static _Noreturn void sim_bug_escape(struct sim_bug_trap *trap)
{
	sim_tls_trap = trap->prev;
	sim_tls_world = trap->tls_world;
	sim_tls_task = trap->tls_task;
	longjmp(trap->jb, 1);
}

/* The loop's side of a trapped bug in a task (task.c calls it when the
 * task switched back with w->bugged set). */
void sim_bug_task_escaped(struct sim_world *w)
{
	SIM_BUG_ON(!sim_tls_trap);
	(void)w;
	sim_bug_escape(sim_tls_trap);
}

void sim_bug(const char *file, int line, const char *cond)
{
	struct sim_world *w = sim_tls_world;
	struct sim_task *t = sim_tls_task;
	struct sim_bug_trap *trap = sim_tls_trap;

	if (trap) {
		struct sim_bug_info *b = &trap->info;

		b->file = file;
		b->line = line;
		g_strlcpy(b->cond, cond, sizeof(b->cond));
		if (w) {
			b->in_world = true;
			b->time = w->now;
			b->seed = w->params.seed;
			b->job = w->params.job;
			b->events = w->events;
		}
		if (t) {
			b->in_task = true;
			g_snprintf(b->task, sizeof(b->task), "%s/%u", t->name,
				   t->id);
		}
		if (t && w && w->current == t) {
			/* on t's stack: leave it for good; the loop, back on
			 * its own stack, escapes (sim_bug_task_escaped) */
			w->bugged = true;
			t->state = SIM_TASK_EXITED;
			sim_context_exit_to(&t->ctx, &w->loop_ctx);
		}
		sim_bug_escape(trap);
	}
	fflush(stdout);
	fprintf(stderr, "BUG: %s:%d: %s\n", file, line, cond);
	if (w)
		fprintf(stderr, "  at sim time %" PRId64 " ns (seed %" PRIu64
			", job %" PRIu64 "), after %" PRIu64 " events\n",
			w->now, w->params.seed, w->params.job, w->events);
	if (t)
		fprintf(stderr, "  in task %s/%u\n", t->name, t->id);
	else if (w)
		fprintf(stderr, "  in the event loop\n");
	fflush(stderr);
	abort();
}
