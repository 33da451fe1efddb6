/* sim/engine/event.c — the event list: registration of embedded events, and the
 * slow paths of the queue whose fast paths are inline in sim/event.h.
 *
 * Why a 4-ary heap plus a ring, and not a calendar queue (Brown 1988) or a
 * ladder queue: a calendar queue is O(1) only while its bucket width
 * matches the event-time distribution, and ours is anything but uniform —
 * zero-delay wake-ups, nanosecond lock hand-offs, microsecond CPU costs and
 * millisecond disk and journal timers all in one world — so it needs resize
 * heuristics that are themselves a source of slow corner cases.  The heap
 * is O(log4 n) with no tuning, its 16-byte entries put four siblings in one
 * cache line (3 compares per level, about log4(30 000) = 7.5 levels at the
 * largest workload we run), and the ring takes the most frequent event kind,
 * "wake now", off the heap entirely.
 *
 * Measured with bench/bench-engine (hold model, exponential delays of mean
 * 1 us; --disable-debug; figures per second of CPU time on the shared
 * 2-core AMD EPYC VM, best of several runs):
 *
 *                     event list alone       full event (pop, switch into
 *                     (bare events re-arm)   the task, push, switch back)
 *   T =      4            ~25 ns                 ~28-35 ns
 *   T =  1 000            ~55 ns                 ~70-100 ns
 *   T = 30 000           ~110 ns                 ~600-1000 ns
 *
 * The left column (pop, dispatch, re-arm, no switch) bounds the queue's
 * cost from above.  With few tasks an event is mostly fixed overhead; at
 * 30 000 tasks the queue is under a fifth of an event and the rest is
 * cache and TLB misses on the task's stack and struct, which no queue
 * structure removes.  A calendar queue could win back part of those
 * ~110 ns at best, at the price of its tuning; we did not build one to
 * compare.
 *
 * Tie-shuffle mode replaces seq in the key by a seeded bijection of seq, so
 * events that share a time fire in a pseudo-random but reproducible order,
 * while the time order is untouched.  Everything goes through the heap then
 * (the ring would keep FIFO order).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "sim/engine/event.h"

static uint64_t sim_eq_splitmix(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

struct sim_event_queue *sim_eq_new(bool shuffle, uint64_t seed)
{
	struct sim_event_queue *q = g_new0(struct sim_event_queue, 1);
	uint64_t s = seed ^ UINT64_C(0x7469652d73687566);  /* "tie-shuf" */

	q->shuffle = shuffle;
	q->shuffle_k[0] = sim_eq_splitmix(&s) & SIM_EQ_SEQ_MASK;
	q->shuffle_k[1] = sim_eq_splitmix(&s) | 1;   /* odd: invertible */
	q->shuffle_k[2] = sim_eq_splitmix(&s) | 1;
	q->ring_mask = 255;
	q->ring = g_new(struct sim_qent, q->ring_mask + 1);
	sim_eq_heap_grow(q);
	return q;
}

void sim_eq_free(struct sim_event_queue *q)
{
	if (!q)
		return;
	free(q->heap_mem);
	g_free(q->ring);
	g_free(q->tab);
	g_free(q->free_slots);
	g_free(q);
}

/* A bijection of the 39-bit seq space (xor, odd multiplies, xorshifts, all
 * invertible mod 2^39): keys stay unique, their order is scrambled.  Bit 39
 * is set so no key is 0 ("not armed"); 2^39 events is ~7 hours at our
 * fastest, far beyond any test that shuffles. */
uint64_t sim_eq_shuffle_seq(const struct sim_event_queue *q, uint64_t seq)
{
	const uint64_t mask = SIM_EQ_SEQ_MASK >> 1;
	uint64_t x = (seq ^ q->shuffle_k[0]) & mask;

	SIM_BUG_ON(seq > mask);
	x = (x * q->shuffle_k[1]) & mask;
	x ^= x >> 21;
	x = (x * q->shuffle_k[2]) & mask;
	x ^= x >> 19;
	return x | (mask + 1);
}

void sim_eq_heap_grow(struct sim_event_queue *q)
{
	size_t cap = q->cap ? q->cap * 2 : 1024;
	/* +4 entries: 3 of offset so sibling groups are cache-line aligned,
	 * rounded up to a whole line. */
	size_t bytes = (cap + 4) * sizeof(struct sim_qent);
	void *mem = aligned_alloc(64, (bytes + 63) & ~(size_t)63);

	if (!mem)
		g_error("event heap: out of memory (%zu entries)", cap);
	if (q->n)
		memcpy((struct sim_qent *)mem + 3, q->heap,
		       q->n * sizeof(struct sim_qent));
	free(q->heap_mem);
	q->heap_mem = mem;
	q->heap = (struct sim_qent *)mem + 3;
	q->cap = cap;
}

void sim_eq_ring_grow(struct sim_event_queue *q)
{
	size_t cap = (q->ring_mask + 1) * 2;
	struct sim_qent *r = g_new(struct sim_qent, cap);

	for (size_t i = 0; i < q->ring_n; i++)
		r[i] = q->ring[(q->ring_head + i) & q->ring_mask];
	g_free(q->ring);
	q->ring = r;
	q->ring_head = 0;
	q->ring_mask = cap - 1;
}

static bool sim_eq_live(const struct sim_event_queue *q,
			const struct sim_qent *e)
{
	const struct sim_event *ev = q->tab[e->key & SIM_EQ_SLOT_MASK];

	return ev && ev->armed == e->key;
}

static void sim_eq_sift_down(struct sim_event_queue *q, size_t i)
{
	struct sim_qent *h = q->heap, x = h[i];

	for (;;) {
		size_t c = 4 * i + 1, m = c;

		if (c >= q->n)
			break;
		for (size_t k = c + 1; k < c + 4 && k < q->n; k++)
			if (sim_qent_less(&h[k], &h[m]))
				m = k;
		if (!sim_qent_less(&h[m], &x))
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = x;
}

/* Drops every stale entry: lazy cancellation must not let a workload that
 * keeps re-arming a timer grow the heap without bound.  Entries are totally
 * ordered by (time, key), so the pop order does not depend on the heap's
 * shape and compaction cannot change a run. */
void sim_eq_compact(struct sim_event_queue *q)
{
	size_t n = 0, rn = 0;

	for (size_t i = 0; i < q->n; i++)
		if (sim_eq_live(q, &q->heap[i]))
			q->heap[n++] = q->heap[i];
	q->n = n;
	for (size_t i = n / 4 + 1; i-- > 0;)
		sim_eq_sift_down(q, i);
	for (size_t i = 0; i < q->ring_n; i++) {
		struct sim_qent e = q->ring[(q->ring_head + i) & q->ring_mask];

		if (sim_eq_live(q, &e))
			q->ring[(q->ring_head + rn++) & q->ring_mask] = e;
	}
	q->ring_n = rn;
	q->stale = 0;
}

bool sim_eq_idle(struct sim_event_queue *q)
{
	for (;;) {
		if (q->ring_n) {
			if (sim_eq_live(q, &q->ring[q->ring_head]))
				return false;
			q->ring_head = (q->ring_head + 1) & q->ring_mask;
			q->ring_n--;
		} else if (q->n) {
			if (sim_eq_live(q, &q->heap[0]))
				return false;
			sim_eq_heap_pop(q);
		} else {
			return true;
		}
		q->stale--;
	}
}

/* ---- the public event API ---------------------------------------------- */

void sim_event_init(struct sim_world *w, struct sim_event *ev, sim_event_fn fn)
{
	struct sim_event_queue *q = w->q;
	uint32_t slot;

	if (q->nfree) {
		slot = q->free_slots[--q->nfree];
	} else {
		SIM_BUG_ON(q->ntab > SIM_EQ_SLOT_MASK);
		if (q->ntab == q->tab_cap) {
			q->tab_cap = q->tab_cap ? q->tab_cap * 2 : 256;
			q->tab = g_renew(struct sim_event *, q->tab, q->tab_cap);
		}
		slot = q->ntab++;
	}
	q->tab[slot] = ev;
	ev->fn = fn;
	ev->armed = 0;
	ev->slot = slot;
	ev->flags = 0;
}

void sim_event_destroy(struct sim_world *w, struct sim_event *ev)
{
	struct sim_event_queue *q = w->q;

	SIM_BUG_ON(q->tab[ev->slot] != ev);
	sim_eq_cancel(q, ev);
	q->tab[ev->slot] = NULL;
	if (q->nfree == q->free_cap) {
		q->free_cap = q->free_cap ? q->free_cap * 2 : 64;
		q->free_slots = g_renew(uint32_t, q->free_slots, q->free_cap);
	}
	q->free_slots[q->nfree++] = ev->slot;
}

void sim_event_schedule(struct sim_world *w, struct sim_event *ev,
			sim_time_t delay)
{
	SIM_BUG_ON(delay < 0 || delay > SIM_TIME_MAX - w->now);
	sim_eq_schedule(w->q, ev, w->now, w->now + delay);
}

void sim_event_schedule_at(struct sim_world *w, struct sim_event *ev,
			   sim_time_t when)
{
	sim_eq_schedule(w->q, ev, w->now, when);
}

void sim_event_cancel(struct sim_world *w, struct sim_event *ev)
{
	sim_eq_cancel(w->q, ev);
}
