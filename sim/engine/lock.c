/* sim/engine/lock.c — lock classes with lock_stat figures, the per-task held-lock
 * stack, and the acquire/wait/grant/release bookkeeping every lock kind
 * (mutex.c, rwsem.c, lockdep pseudo-locks) shares.
 *
 * Mirrors the kernel's lock_stat (v4.4 kernel/locking/lockdep.c,
 * CONFIG_LOCK_STAT: lock_contended/lock_acquired/lock_release feeding
 * /proc/lock_stat), per class rather than per class+call-site, with wait
 * and hold times in log-linear histograms instead of min/max/total only.
 * Simplified: no cacheline "bounces" (there are no caches in the model).
 *
 * Waiting always sleeps: no lock in the model spins (v4.4 mutexes and
 * rwsems spin optimistically while the owner runs; we hand off FIFO
 * instead, see mutex.c and rwsem.c), so a wait is never CPU time.
 *
 * The held-lock stack is an array in the task (t->held), as lockdep's
 * held_locks.  Records of rwsem holders are also linked on the rwsem's
 * `holders` list (that is how the deadlock detector finds all readers), so
 * when a record below the top is released the records above it move down
 * one slot and their list links are re-pointed (sim_held_pop).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim/engine/lockdep.h"

/* ---- classes -------------------------------------------------------------- */

unsigned sim_lock_class(struct sim_world *w, const char *name)
{
	unsigned i;

	/* Linear: called when a lock is initialised, never per acquisition. */
	for (i = 0; i < w->nclasses; i++)
		if (w->classes[i].name == name ||
		    strcmp(w->classes[i].name, name) == 0)
			return i;
	/* lockdep's "BUG: MAX_LOCKDEP_KEYS too low!" */
	SIM_BUG_ON(w->nclasses >= SIM_MAX_LOCK_CLASSES);
	memset(&w->classes[i], 0, sizeof(w->classes[i]));
	w->classes[i].name = name;
	sim_hist_init(&w->classes[i].wait);
	sim_hist_init(&w->classes[i].hold);
	sim_hist_init(&w->classes[i].wait_read);
	sim_hist_init(&w->classes[i].hold_read);
	w->nclasses++;
	return i;
}

unsigned sim_lock_class_count(const struct sim_world *w)
{
	return w->nclasses;
}

const struct sim_lock_stats *sim_lock_class_stats(const struct sim_world *w,
						  unsigned id)
{
	SIM_BUG_ON(id >= w->nclasses);
	return &w->classes[id];
}

void sim_lockdep_map_init(struct sim_world *w, struct sim_lockdep_map *m,
			  const char *class_name)
{
	m->class_id = sim_lock_class(w, class_name);
	m->name = w->classes[m->class_id].name;
}

static void sim_lock_stat_line(FILE *out, const struct sim_lock_stats *c)
{
	const struct sim_hist *wt = &c->wait, *ht = &c->hold;

	fprintf(out, "%24s: %12" PRIu64 " %12" PRId64 " %12" PRId64
		" %16.0f %12.1f %12" PRIu64 " %12" PRId64 " %12" PRId64
		" %16.0f %12.1f\n",
		c->name, c->contentions,
		wt->count ? wt->min : 0, wt->count ? wt->max : 0, wt->sum,
		sim_hist_mean(wt), c->acquisitions,
		ht->count ? ht->min : 0, ht->count ? ht->max : 0, ht->sum,
		sim_hist_mean(ht));
}

void sim_lock_stat_print(const struct sim_world *w, FILE *out)
{
	unsigned i;

	fprintf(out, "lock_stat version 0.4 (faultline: ns, no bounces)\n");
	fprintf(out, "%24s  %12s %12s %12s %16s %12s %12s %12s %12s"
		" %16s %12s\n",
		"class name", "contentions", "waittime-min", "waittime-max",
		"waittime-total", "waittime-avg", "acquisitions",
		"holdtime-min", "holdtime-max", "holdtime-total",
		"holdtime-avg");
	for (i = 0; i < w->nclasses; i++)
		sim_lock_stat_line(out, &w->classes[i]);
}

/* ---- the held-lock stack --------------------------------------------------- */

struct sim_held_lock *sim_held_find_slow(const struct sim_task *t,
					 const void *instance)
{
	unsigned i = t->nheld;

	while (i-- > 0)
		if (t->held[i].instance == instance)
			return (struct sim_held_lock *)&t->held[i];
	return NULL;
}

static struct sim_held_lock *sim_held_push(struct sim_task *t)
{
	/* lockdep's "BUG: MAX_LOCK_DEPTH too low!" */
	SIM_BUG_ON(t->nheld >= SIM_MAX_HELD);
	return &t->held[t->nheld++];
}

/* Removes h (already unlinked) and closes the gap.  Records above it move
 * down one slot in increasing order; each moved record that is on a
 * holders list has its neighbours re-pointed at its new address.  The
 * neighbours' own links are current at that moment: records below were
 * moved (and fixed) before, records above have not moved yet. */
static void sim_held_pop(struct sim_task *t, struct sim_held_lock *h)
{
	unsigned i = (unsigned)(h - t->held), j;

	SIM_BUG_ON(i >= t->nheld);
	if (sim_likely(i == t->nheld - 1)) {   /* LIFO: the usual case */
		t->nheld--;
		return;
	}
	for (j = i + 1; j < t->nheld; j++) {
		struct sim_held_lock *src = &t->held[j], *dst = &t->held[j - 1];
		bool linked = src->node.next != &src->node;

		*dst = *src;
		if (linked) {
			dst->node.next->prev = &dst->node;
			dst->node.prev->next = &dst->node;
		} else {
			sim_list_init(&dst->node);
		}
	}
	t->nheld--;
}

/* ---- bookkeeping of one acquisition ------------------------------------------ */

struct sim_held_lock *sim_lock_grant(struct sim_task *t, unsigned class_id,
				     const void *instance,
				     const struct sim_waitobj *wo, bool shared,
				     bool trylock, const char *ip,
				     struct sim_list *holders)
{
	struct sim_world *w = t->world;
	struct sim_lock_stats *c = &w->classes[class_id];
	struct sim_held_lock *h = sim_held_push(t);

	h->instance = instance;
	h->wo = wo;
	h->class_id = class_id;
	h->shared = shared;
	h->trylock = trylock;
	h->ip = ip ? ip : "?";
	h->acquired_at = w->now;
	h->task = t;
	h->range_start = 0;
	h->range_end = -1;
	if (holders)
		sim_list_add_tail(&h->node, holders);
	else
		sim_list_init(&h->node);
	c->acquisitions++;
	if (shared)
		c->acquisitions_read++;
	if (c->last_task && c->last_task != t->id + 1) {
		c->acq_bounces++;
		c->acq_bounces_read += shared;
	}
	c->last_task = t->id + 1;
	return h;
}

struct sim_held_lock *sim_lock_handoff(struct sim_task *wt, unsigned class_id,
				       const void *instance,
				       const struct sim_waitobj *wo,
				       struct sim_list *holders)
{
	struct sim_held_lock *h;

	SIM_BUG_ON(wt->lock_granted);
	sim_list_del(&wt->lock_wait_node);
	wt->lock_wait_wo = NULL;
	h = sim_lock_grant(wt, class_id, instance, wo, !wt->lock_wait_write,
			   false, wt->lock_wait_ip, holders);
	if (wt->lock_wait_ranged) {
		h->range_start = wt->lock_wait_start;
		h->range_end = wt->lock_wait_end;
	}
	wt->lock_granted = true;
	sim_task_wake(wt);
	return h;
}

/* A contended acquisition from call site ip: its point's count (the
 * last slot takes every site that found no slot of its own). */
static void sim_lock_point_count(struct sim_lock_stats *c, const char *ip)
{
	unsigned i;

	for (i = 0; i < SIM_LOCK_POINTS - 1; i++) {
		struct sim_lock_point *p = &c->points[i];

		if (!p->ip) {
			p->ip = ip ? ip : "?";
			p->count = 1;
			return;
		}
		if (p->ip == ip || (ip && strcmp(p->ip, ip) == 0)) {
			p->count++;
			return;
		}
	}
	c->points[SIM_LOCK_POINTS - 1].count++;
}

void sim_lock_wait(struct sim_task *t, const struct sim_waitobj *wo,
		   struct sim_list *waiters, unsigned class_id, bool write,
		   const char *ip)
{
	struct sim_world *w = t->world;
	struct sim_lock_stats *c = &w->classes[class_id];
	struct sim_held_lock *h;
	sim_time_t waited;

	if (c->last_task && c->last_task != t->id + 1) {
		c->con_bounces++;       /* the holder's "CPU" is another one */
		c->con_bounces_read += !write;
	}
	t->lock_granted = false;
	t->lock_wait_write = write;
	t->lock_wait_ip = ip;
	t->lock_wait_wo = wo;
	t->wait_start = w->now;
	sim_list_add_tail(&t->lock_wait_node, waiters);
	sim_task_note_inline(t, ip, write ? "wait" : "wait-read", c->name,
			     0);
	sim_lock_trace_range(w, t, SIM_TRACE_BEGIN, "lock-wait", c->name,
			     t->lock_wait_ranged, t->lock_wait_start,
			     t->lock_wait_end);

	/* Only the releaser's hand-off wakes us; loop in case anything else
	 * ever does (the kernel's waiters loop on waiter.task the same way). */
	while (!t->lock_granted)
		sim_task_block(t, wo, ip);

	sim_lock_trace(w, t, SIM_TRACE_END, "lock-wait", c->name);
	/* The releaser pushed our record while we slept: it is on top. */
	SIM_BUG_ON(t->nheld == 0);
	h = &t->held[t->nheld - 1];
	SIM_BUG_ON(h->wo != wo);
	waited = h->acquired_at - t->wait_start;
	c->contentions++;
	sim_hist_record(&c->wait, waited);
	if (!write) {
		c->contentions_read++;
		sim_hist_record(&c->wait_read, waited);
	}
	sim_lock_point_count(c, ip);
	sim_lock_acquired(t, class_id, !write, ip, waited);
	t->lock_wait_ranged = false;
}

void sim_lock_release(struct sim_task *t, struct sim_held_lock *h,
		      const char *func)
{
	struct sim_world *w = t->world;
	struct sim_lock_stats *c = &w->classes[h->class_id];
	sim_time_t held = w->now - h->acquired_at;

	sim_hist_record(&c->hold, held);
	if (h->shared)
		sim_hist_record(&c->hold_read, held);
	sim_task_note_inline(t, func, h->shared ? "release-read" : "release",
			     c->name, held);
	sim_lock_trace(w, t, SIM_TRACE_END, "lock-hold", c->name);
	if (h->node.next != &h->node)
		sim_list_del(&h->node);
	sim_held_pop(t, h);
}

void sim_lock_task_label(const struct sim_task *t, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%u", t->name, t->id);
}
