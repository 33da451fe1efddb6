/* sim/engine/deadlock.c — the wait-for graph: cycle detection when a task blocks,
 * and the report of a dead world.
 *
 * Nodes are tasks; a blocked task has edges to the tasks its waitobj names
 * through ops->for_each_blocker (a lock's holders and the waiters queued
 * ahead; a completion's signaller; a journal's handle holders).  Waits are
 * AND-waits (every named blocker must act), so a cycle is a deadlock, not
 * just a possibility.  Two ways a world dies:
 *
 *   - sim_deadlock_check(): t is about to block on `on`; if t is reachable
 *     from on's blockers, t closes a cycle.  A depth-first search with an
 *     explicit work list (a task's 64 KiB stack is no place for recursion
 *     as deep as the number of tasks) and a per-search epoch mark, so each
 *     task is expanded at most once: linear in the graph.
 *   - the run loop finds no event left while tasks (not daemons) are blocked:
 *     nobody can ever wake them ("all tasks blocked"), whatever the graph
 *     says — this also catches waits with no known blocker.
 *
 * Either way the world stops (SIM_STOP_DEADLOCK, for good), the report is
 * kept (sim_world_deadlock_report) and handed to the finding hook as
 * "deadlock".  The report is written from the run loop, on the loop's own
 * stack, never on the blocking task's.
 *
 * This mirrors no kernel function: the kernel's closest relatives are
 * lockdep's circular-dependency check and the hung-task detector
 * (kernel/hung_task.c), whose per-task dump the report imitates.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include <glib.h>

#include "sim/engine/internal.h"

struct sim_dl_search {
	struct sim_world *w;
	struct sim_task *target;   /* the task about to block */
	struct sim_task *from;     /* whose blockers are being listed */
	struct sim_task *closer;   /* whose blocker list named target */
	uint64_t epoch;
};

static void sim_dl_grow(struct sim_world *w)
{
	w->dl_cap = w->dl_cap ? w->dl_cap * 2 : 64;
	w->dl_stack = g_renew(struct sim_task *, w->dl_stack, w->dl_cap);
}

/* A blocker that is not blocked (running, runnable, exited) can still act:
 * it has no edge out, so it can neither be on a cycle nor lead to one, and
 * is not even marked.  Only blocked blockers are pushed for expansion.
 * Skipping the others changes neither the answer nor the cycle reported:
 * every task on a reported cycle is blocked, and the blocked tasks are
 * pushed, marked and parented exactly as when every blocker was pushed
 * and the unblocked ones were dropped at pop time. */
static void sim_dl_visit(struct sim_task *b, void *ctx)
{
	struct sim_dl_search *s = ctx;
	struct sim_world *w;

	if (s->closer)
		return;
	if (b == s->target) {
		s->closer = s->from;
		return;
	}
	if (b->state != SIM_TASK_BLOCKED || b->visit_epoch == s->epoch)
		return;
	b->visit_epoch = s->epoch;
	b->dl_parent = s->from;
	w = s->w;
	if (sim_unlikely(w->dl_n == w->dl_cap))
		sim_dl_grow(w);
	w->dl_stack[w->dl_n++] = b;
}

static void sim_dl_expand(struct sim_dl_search *s, struct sim_task *t,
			  const struct sim_waitobj *on)
{
	if (!on || !on->ops || !on->ops->for_each_blocker)
		return;
	s->from = t;
	on->ops->for_each_blocker(on, t, sim_dl_visit, s);
}

/* Cost: one for_each_blocker call on `on`, plus one per blocked task
 * reachable from it; when none of on's blockers is blocked (an uncontended
 * chain: the owner runs) that first call is the whole check. */
bool sim_deadlock_check(struct sim_task *t, const struct sim_waitobj *on)
{
	struct sim_world *w = t->world;
	struct sim_dl_search s = { .w = w, .target = t };
	unsigned n;

	if (w->deadlocked)
		return true;
	s.epoch = ++w->visit_epoch;
	t->visit_epoch = s.epoch;
	w->dl_n = 0;
	sim_dl_expand(&s, t, on);
	while (!s.closer && w->dl_n) {
		struct sim_task *b = w->dl_stack[--w->dl_n];

		sim_dl_expand(&s, b, b->waiting_on);
	}
	if (!s.closer)
		return false;

	/* The cycle, in wait-for order: t waits for ..., which waits for
	 * closer, which waits for t.  Walk the DFS tree back from closer. */
	n = 1;
	for (struct sim_task *x = s.closer; x != t; x = x->dl_parent)
		n++;
	w->dl_cycle = g_new(struct sim_task *, n);
	w->dl_ncycle = n;
	w->dl_cycle[0] = t;
	for (struct sim_task *x = s.closer; x != t; x = x->dl_parent)
		w->dl_cycle[--n] = x;
	w->deadlocked = true;
	w->stop = true;
	w->stop_reason = SIM_STOP_DEADLOCK;
	return true;
}

/* ---- the report ---------------------------------------------------------- */

static void sim_dl_time(GString *s, sim_time_t t)
{
	g_string_append_printf(s, "%" PRId64 ".%09" PRId64 "s",
			       t / SIM_SEC, t % SIM_SEC);
}

static const char *sim_dl_class_name(const struct sim_world *w, unsigned id)
{
	if (id < w->nclasses && w->classes[id].name)
		return w->classes[id].name;
	return "?";
}

/* One blocked task, hung-task style: where it waits, on what, what it
 * holds. */
static void sim_dl_task(GString *s, const struct sim_task *t)
{
	const struct sim_world *w = t->world;
	const struct sim_waitobj *on = t->waiting_on;
	char desc[256];

	g_string_append_printf(s, "task %s/%u%s blocked in %s since ", t->name,
			       t->id, t->daemon ? " (daemon)" : "",
			       t->wait_where ? t->wait_where : "?");
	sim_dl_time(s, t->blocked_at);
	g_string_append_c(s, '\n');
	if (!on) {
		g_string_append(s, "  waits on nothing known\n");
	} else if (on->ops && on->ops->describe) {
		desc[0] = '\0';
		on->ops->describe(on, desc, sizeof(desc));
		g_string_append_printf(s, "  waits on %s\n", desc);
	} else {
		g_string_append_printf(s, "  waits on %s %s\n",
				       on->ops && on->ops->kind ? on->ops->kind : "object",
				       on->name ? on->name : "?");
	}
	if (t->nheld == 0) {
		g_string_append(s, "  holds no locks\n");
		return;
	}
	g_string_append_printf(s, "  holds %u lock%s:\n", t->nheld,
			       t->nheld == 1 ? "" : "s");
	for (unsigned i = 0; i < t->nheld && i < SIM_MAX_HELD; i++) {
		const struct sim_held_lock *h = &t->held[i];

		g_string_append_printf(s, "   #%u: %s (%s) at %s, since ", i,
				       sim_dl_class_name(w, h->class_id),
				       h->shared ? "r" : "w",
				       h->ip ? h->ip : "?");
		sim_dl_time(s, h->acquired_at);
		if (h->range_end >= h->range_start) {   /* a range lock's */
			g_string_append_printf(s, ", range [%" PRId64 ", ",
					       h->range_start);
			if (h->range_end == INT64_MAX)
				g_string_append(s, "EOF]");
			else
				g_string_append_printf(s, "%" PRId64 "]",
						       h->range_end);
		}
		g_string_append_c(s, '\n');
	}
}

static void sim_dl_headline(GString *s, const struct sim_world *w,
			    const char *what)
{
	g_string_append(s, "======================================================\n");
	g_string_append_printf(s, "DEADLOCK: %s\n", what);
	g_string_append(s, "at ");
	sim_dl_time(s, w->now);
	g_string_append_printf(s, " (seed %" PRIu64 ", job %" PRIu64,
			       w->params.seed, w->params.job);
	if (w->exploring)
		g_string_append_printf(s, ", schedule %" PRIu64, w->xp.schedule);
	g_string_append(s, ")\n");
	g_string_append(s, "------------------------------------------------------\n");
}

static void sim_dl_finish(struct sim_world *w, GString *s)
{
	g_free(w->deadlock_report);
	w->deadlock_report = g_string_free(s, FALSE);
	sim_world_finding(w, "deadlock", w->deadlock_report);
}

void sim_deadlock_report_cycle(struct sim_world *w)
{
	GString *s = g_string_new(NULL);
	char what[64];

	if (!w->dl_cycle)
		return;
	snprintf(what, sizeof(what), "wait-for cycle of %u task%s",
		 w->dl_ncycle, w->dl_ncycle == 1 ? "" : "s");
	sim_dl_headline(s, w, what);
	g_string_append(s, "cycle: ");
	for (unsigned i = 0; i < w->dl_ncycle; i++)
		g_string_append_printf(s, "%s/%u -> ", w->dl_cycle[i]->name,
				       w->dl_cycle[i]->id);
	g_string_append_printf(s, "%s/%u\n\n", w->dl_cycle[0]->name,
			       w->dl_cycle[0]->id);
	for (unsigned i = 0; i < w->dl_ncycle; i++)
		sim_dl_task(s, w->dl_cycle[i]);
	/* Others blocked behind the cycle, by id. */
	for (unsigned i = 0, first = 1; i < w->ntasks; i++) {
		const struct sim_task *t = w->tasks[i];
		bool in_cycle = false;

		if (t->state != SIM_TASK_BLOCKED)
			continue;
		for (unsigned k = 0; k < w->dl_ncycle; k++)
			in_cycle |= w->dl_cycle[k] == t;
		if (in_cycle)
			continue;
		if (first)
			g_string_append(s, "\nother blocked tasks:\n");
		first = 0;
		sim_dl_task(s, t);
	}
	g_free(w->dl_cycle);
	w->dl_cycle = NULL;
	sim_dl_finish(w, s);
}

void sim_deadlock_report_all_blocked(struct sim_world *w)
{
	GString *s = g_string_new(NULL);
	unsigned n = 0;
	char what[96];

	for (unsigned i = 0; i < w->ntasks; i++)
		n += w->tasks[i]->state == SIM_TASK_BLOCKED;
	snprintf(what, sizeof(what),
		 "no event pending, all %u live task%s blocked", n,
		 n == 1 ? "" : "s");
	sim_dl_headline(s, w, what);
	for (unsigned i = 0; i < w->ntasks; i++)
		if (w->tasks[i]->state == SIM_TASK_BLOCKED)
			sim_dl_task(s, w->tasks[i]);
	w->deadlocked = true;
	w->stop = true;
	w->stop_reason = SIM_STOP_DEADLOCK;
	sim_dl_finish(w, s);
}

void sim_world_dump_blocked(const struct sim_world *w, FILE *out)
{
	GString *s = g_string_new(NULL);

	for (unsigned i = 0; i < w->ntasks; i++)
		if (w->tasks[i]->state == SIM_TASK_BLOCKED)
			sim_dl_task(s, w->tasks[i]);
	fputs(s->str, out);
	g_string_free(s, TRUE);
}

void sim_deadlock_world_free(struct sim_world *w)
{
	g_free(w->deadlock_report);
	g_free(w->dl_stack);
	g_free(w->dl_cycle);
	w->deadlock_report = NULL;
	w->dl_stack = NULL;
	w->dl_cycle = NULL;
}
