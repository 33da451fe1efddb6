/* sim/engine/lockdep.c — lock dependency graph over lock classes, and lockdep's
 * inversion reports.
 *
 * Mirrors v4.4 kernel/locking/lockdep.c: __lock_acquire's check_deadlock
 * (same instance re-acquired: "possible recursive locking detected") and
 * check_prevs_add / check_prev_add (acquiring class B while holding A adds
 * the dependency A -> B; if B already reaches A the new edge closes a
 * cycle: "possible circular locking dependency detected", printed as
 * print_circular_bug and print_circular_lock_scenario do, with the
 * headline of the v4.14+ format).  As in the kernel, edges are added from
 * the held locks top-down, stopping after the first one that was not
 * trylocked (the rest are implied transitively), a trylock adds no edge as
 * the new lock, and the first report turns reporting off for the world.
 *
 * Simplified:
 *   - no irq-safety states: every class is used in process context with
 *     irqs on, so the usage field prints "+" for ever-acquired-for-write /
 *     for-read and "." otherwise, in lockdep's 4-char {hardirq, softirq}
 *     shape ({+.+.} for a mutex, {++++} for an rwsem taken both ways);
 *   - no lock subclasses (mutex_lock_nested): two instances of one class
 *     nested (two inodes' i_data_sem) add no self-edge and are not reported;
 *     only re-acquiring the very same instance is;
 *   - shared acquisitions make edges like exclusive ones, as 4.4 lockdep
 *     does for rwsem readers (read == 1); no recursive-read handling;
 *   - a "stack trace" is the acquiring function (the ip argument), plus
 *     the held-lock summary and task at the time the edge was first seen.
 *
 * Cost when no new edge appears: one bit test per held lock considered
 * (a 64 x 64 adjacency bit matrix) and a scan of the held stack for the
 * same instance.  A new edge runs a BFS over at most 64 classes.
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "sim/engine/lockdep.h"

#define SIM_LOCKDEP_HELD_STR 192

/* One dependency from -> to, as first seen. */
struct sim_lockdep_edge {
	unsigned from, to;
	const char *from_ip;    /* where `from` had been acquired */
	const char *to_ip;      /* where `to` was acquired while holding it */
	sim_time_t time;
	char task[48];
	char held[SIM_LOCKDEP_HELD_STR];   /* held stack at that moment */
};

struct sim_lockdep {
	uint64_t adj[SIM_MAX_LOCK_CLASSES];   /* bit b of adj[a]: a -> b */
	uint16_t edge_of[SIM_MAX_LOCK_CLASSES][SIM_MAX_LOCK_CLASSES]; /* 1+idx */
	struct sim_lockdep_edge *edges;
	unsigned nedges, edges_cap;
	char *report;                         /* the first report, or NULL */
};

void sim_lockdep_world_init(struct sim_world *w)
{
	if (!w->lockdep)
		w->lockdep = g_new0(struct sim_lockdep, 1);
}

void sim_lockdep_world_free(struct sim_world *w)
{
	struct sim_lockdep *ld = w->lockdep;

	if (!ld)
		return;
	g_free(ld->edges);
	g_free(ld->report);
	g_free(ld);
	w->lockdep = NULL;
}

static struct sim_lockdep *sim_lockdep_of(struct sim_world *w)
{
	if (sim_unlikely(!w->lockdep))
		sim_lockdep_world_init(w);
	return w->lockdep;
}

const char *sim_lockdep_report(const struct sim_world *w)
{
	return w->lockdep ? w->lockdep->report : NULL;
}

/* ---- held-lock queries ------------------------------------------------------ */

unsigned sim_lockdep_depth(const struct sim_task *t)
{
	return t->nheld;
}

bool sim_lockdep_held(const struct sim_task *t, const void *instance)
{
	return sim_held_find(t, instance) != NULL;
}

static const char *sim_held_mode(const struct sim_held_lock *h)
{
	if (h->wo && strcmp(h->wo->ops->kind, "mutex") == 0)
		return "";
	return h->shared ? "(r)" : "(w)";
}

void sim_lockdep_held_str(const struct sim_task *t, char *buf, size_t len)
{
	size_t n = 0;
	unsigned i;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < t->nheld && n < len; i++) {
		const struct sim_held_lock *h = &t->held[i];
		n += (size_t)snprintf(buf + n, len - n, "%s%s%s",
				      i ? ", " : "",
				      t->world->classes[h->class_id].name,
				      sim_held_mode(h));
	}
}

/* ---- report text ------------------------------------------------------------- */

static const char *sim_class_name(const struct sim_world *w, unsigned c)
{
	return w->classes[c].name;
}

/* lockdep's usage field, see the top of the file. */
static void sim_usage_str(const struct sim_world *w, unsigned c, char out[5])
{
	uint64_t bit = UINT64_C(1) << c;
	char wr = (w->lockdep_used_write & bit) ? '+' : '.';
	char rd = (w->lockdep_used_read & bit) ? '+' : '.';

	out[0] = wr;
	out[1] = rd;
	out[2] = wr;
	out[3] = rd;
	out[4] = '\0';
}

static void sim_print_lock(GString *s, const struct sim_world *w, unsigned c,
			   const char *ip)
{
	char u[5];

	sim_usage_str(w, c, u);
	g_string_append_printf(s, " (%s){%s}, at: %s\n", sim_class_name(w, c),
			       u, ip ? ip : "?");
}

static void sim_print_header(GString *s, const struct sim_world *w,
			     const char *title, unsigned width)
{
	unsigned i;

	g_string_append_c(s, '\n');
	for (i = 0; i < width; i++)
		g_string_append_c(s, '=');
	g_string_append_printf(s, "\nWARNING: %s\nfaultline sim time %lld ns\n",
			       title, (long long)w->now);
	for (i = 0; i < width; i++)
		g_string_append_c(s, '-');
	g_string_append_c(s, '\n');
}

/* lockdep_print_held_locks */
static void sim_print_held_locks(GString *s, const struct sim_task *t)
{
	char label[48], u[5];
	unsigned i;

	sim_lock_task_label(t, label, sizeof(label));
	if (!t->nheld) {
		g_string_append_printf(s, "no locks held by %s.\n", label);
		return;
	}
	g_string_append_printf(s, "%u lock%s held by %s:\n", t->nheld,
			       t->nheld > 1 ? "s" : "", label);
	for (i = 0; i < t->nheld; i++) {
		const struct sim_held_lock *h = &t->held[i];

		sim_usage_str(t->world, h->class_id, u);
		g_string_append_printf(s, " #%u:  (%s){%s}, at: %s\n", i,
				       sim_class_name(t->world, h->class_id),
				       u, h->ip);
	}
}

static void sim_lockdep_deliver(struct sim_world *w, struct sim_lockdep *ld,
				GString *s)
{
	ld->report = g_string_free(s, FALSE);
	sim_world_finding(w, "lock_order", ld->report);
}

/* print_deadlock_bug */
static void sim_report_recursive(struct sim_task *t, struct sim_lockdep *ld,
				 const struct sim_held_lock *prev,
				 unsigned c, const char *ip)
{
	struct sim_world *w = t->world;
	GString *s = g_string_new(NULL);
	char label[48];
	const char *name = sim_class_name(w, c);

	sim_lock_task_label(t, label, sizeof(label));
	sim_print_header(s, w, "possible recursive locking detected", 44);
	g_string_append_printf(s, "%s is trying to acquire lock:\n", label);
	sim_print_lock(s, w, c, ip);
	g_string_append(s, "\nbut task is already holding lock:\n");
	sim_print_lock(s, w, prev->class_id, prev->ip);
	g_string_append_printf(s,
		"\nother info that might help us debug this:\n"
		" Possible unsafe locking scenario:\n\n"
		"       CPU0\n"
		"       ----\n"
		"  lock(%s);\n"
		"  lock(%s);\n\n"
		" *** DEADLOCK ***\n\n"
		" May be due to missing lock nesting notation\n\n",
		name, name);
	sim_print_held_locks(s, t);
	sim_lockdep_deliver(w, ld, s);
}

/* print_circular_bug + print_circular_lock_scenario.  The new dependency
 * is prev -> next (A -> B); path[0] = B ... path[k] = A is the existing
 * chain B -> ... -> A that it closes. */
static void sim_report_circular(struct sim_task *t, struct sim_lockdep *ld,
				const struct sim_held_lock *prev,
				unsigned next, const char *ip,
				const unsigned *path, unsigned k)
{
	struct sim_world *w = t->world;
	GString *s = g_string_new(NULL);
	char label[48], held[SIM_LOCKDEP_HELD_STR], u[5];
	const char *source = sim_class_name(w, next);
	const char *target = sim_class_name(w, prev->class_id);
	const char *parent = sim_class_name(w, path[k - 1]);
	unsigned j;

	sim_lock_task_label(t, label, sizeof(label));
	sim_print_header(s, w, "possible circular locking dependency detected",
			 54);
	g_string_append_printf(s, "%s is trying to acquire lock:\n", label);
	sim_print_lock(s, w, next, ip);
	g_string_append(s, "\nbut task is already holding lock:\n");
	sim_print_lock(s, w, prev->class_id, prev->ip);
	g_string_append(s, "\nwhich lock already depends on the new lock.\n\n"
			"\nthe existing dependency chain (in reverse order) "
			"is:\n");
	for (j = k; j >= 1; j--) {
		const struct sim_lockdep_edge *e =
			&ld->edges[ld->edge_of[path[j - 1]][path[j]] - 1];

		sim_usage_str(w, path[j], u);
		g_string_append_printf(s,
			"\n-> #%u (%s){%s}:\n"
			"       %s\n"
			"       (first seen in %s at %lld ns, holding %s "
			"taken at %s; held: %s)\n",
			j, sim_class_name(w, path[j]), u, e->to_ip, e->task,
			(long long)e->time, sim_class_name(w, e->from),
			e->from_ip, e->held);
	}
	sim_lockdep_held_str(t, held, sizeof(held));
	sim_usage_str(w, next, u);
	g_string_append_printf(s,
		"\n-> #0 (%s){%s}:\n"
		"       %s\n"
		"       (now in %s, holding %s taken at %s; held: %s)\n",
		source, u, ip ? ip : "?", label, target, prev->ip, held);

	g_string_append(s, "\nother info that might help us debug this:\n\n");
	if (k > 1)
		g_string_append_printf(s, "Chain exists of:\n  %s --> %s --> %s"
				       "\n\n", source, parent, target);
	g_string_append_printf(s,
		" Possible unsafe locking scenario:\n\n"
		"       CPU0                    CPU1\n"
		"       ----                    ----\n"
		"  lock(%s);\n"
		"                               lock(%s);\n"
		"                               lock(%s);\n"
		"  lock(%s);\n\n"
		" *** DEADLOCK ***\n\n",
		target, parent, target, source);
	sim_print_held_locks(s, t);
	sim_lockdep_deliver(w, ld, s);
}

/* ---- the graph --------------------------------------------------------------- */

/* BFS from `from` over the dependency edges (lowest class id first, so the
 * result is deterministic and, as lockdep's BFS, a shortest chain).  On
 * success path[0] = from ... path[*k] = to. */
static bool sim_lockdep_reaches(const struct sim_lockdep *ld, unsigned from,
				unsigned to, unsigned *path, unsigned *k)
{
	unsigned queue[SIM_MAX_LOCK_CLASSES], parent[SIM_MAX_LOCK_CLASSES];
	unsigned head = 0, tail = 0, n, c;
	uint64_t seen = UINT64_C(1) << from;

	queue[tail++] = from;
	while (head < tail) {
		unsigned u = queue[head++];
		uint64_t next = ld->adj[u] & ~seen;

		while (next) {
			unsigned v = (unsigned)__builtin_ctzll(next);

			next &= next - 1;
			seen |= UINT64_C(1) << v;
			parent[v] = u;
			if (v != to) {
				queue[tail++] = v;
				continue;
			}
			for (n = 0, c = v; c != from; c = parent[c])
				n++;
			*k = n;
			for (c = v; ; c = parent[c]) {
				path[n] = c;
				if (n-- == 0)
					break;
			}
			return true;
		}
	}
	return false;
}

static void sim_lockdep_add_edge(struct sim_task *t, struct sim_lockdep *ld,
				 const struct sim_held_lock *prev,
				 unsigned next, const char *ip)
{
	unsigned a = prev->class_id, path[SIM_MAX_LOCK_CLASSES], k;
	struct sim_lockdep_edge *e;

	if (!ld->report && sim_lockdep_reaches(ld, next, a, path, &k))
		sim_report_circular(t, ld, prev, next, ip, path, k);

	if (ld->nedges == ld->edges_cap) {
		ld->edges_cap = ld->edges_cap ? 2 * ld->edges_cap : 32;
		ld->edges = g_renew(struct sim_lockdep_edge, ld->edges,
				    ld->edges_cap);
	}
	e = &ld->edges[ld->nedges++];
	e->from = a;
	e->to = next;
	e->from_ip = prev->ip;
	e->to_ip = ip ? ip : "?";
	e->time = t->world->now;
	sim_lock_task_label(t, e->task, sizeof(e->task));
	sim_lockdep_held_str(t, e->held, sizeof(e->held));
	ld->edge_of[a][next] = (uint16_t)ld->nedges;
	ld->adj[a] |= UINT64_C(1) << next;
}

/* The slow half of sim_lockdep_check (lockdep.h): t holds locks. */
void sim_lockdep_check_held(struct sim_task *t, unsigned class_id,
			    const void *instance, const char *ip)
{
	struct sim_lockdep *ld = sim_lockdep_of(t->world);
	unsigned i;

	if (!ld->report) {
		const struct sim_held_lock *h = sim_held_find(t, instance);

		if (h)
			sim_report_recursive(t, ld, h, class_id, ip);
	}
	/* check_prevs_add: from the top, through trylocked entries, up to and
	 * including the first lock that was not trylocked. */
	for (i = t->nheld; i-- > 0;) {
		const struct sim_held_lock *prev = &t->held[i];

		/* the bit test is the whole cost of a known dependency */
		if (prev->class_id != class_id &&
		    !(ld->adj[prev->class_id] & (UINT64_C(1) << class_id)))
			sim_lockdep_add_edge(t, ld, prev, class_id, ip);
		if (!prev->trylock)
			break;
	}
}

/* ---- pseudo-locks --------------------------------------------------------------- */

void sim_lockdep_acquire(struct sim_task *t, struct sim_lockdep_map *m,
			 const void *instance, bool shared, const char *ip)
{
	sim_lockdep_check(t, m->class_id, instance, shared, false, ip);
	sim_lock_grant(t, m->class_id, instance, NULL, shared, false, ip, NULL);
	sim_lock_acquired(t, m->class_id, shared, ip, 0);
}

void sim_lockdep_release(struct sim_task *t, const void *instance)
{
	struct sim_held_lock *h = sim_held_find(t, instance);

	/* Real locks are released through their own API. */
	SIM_BUG_ON(!h || h->wo);
	sim_lock_release(t, h, "lock_release");
}
