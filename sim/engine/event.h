/* sim/engine/event.h — the event list, private to the engine (world.c, task.c).
 *
 * Entries are 16 bytes, (time, key) with key = seq << 24 | slot: ordering by
 * (time, key) is ordering by (time, seq), and the slot finds the sim_event
 * in the world's event table.  Two structures hold them:
 *   - an implicit 4-ary min-heap for everything in the future;
 *   - a FIFO ring for events scheduled at exactly `now` (zero-delay
 *     wake-ups, the most common kind), which are already in (time, seq)
 *     order and need no sifting.
 * Pop takes whichever of heap top and ring head is smaller.  Cancellation
 * is lazy: ev->armed holds the key of the live entry, anything else popped
 * for that slot is stale and dropped.  See event.c for why this and not a
 * calendar queue.
 *
 * The push/pop fast paths are inline here so the run loop and the task
 * switch code compile into straight-line code without cross-file calls.
 */
#ifndef SIM_EVENT_H
#define SIM_EVENT_H

#include "sim/engine/internal.h"

/* The hot paths below must not become calls (gcc otherwise outlines
 * sim_eq_schedule, and the call shows in the hold-model benchmark). */
#define SIM_EQ_INLINE static inline __attribute__((always_inline))

#define SIM_EQ_SLOT_BITS 24
#define SIM_EQ_SLOT_MASK ((UINT64_C(1) << SIM_EQ_SLOT_BITS) - 1)
#define SIM_EQ_SEQ_BITS 40
#define SIM_EQ_SEQ_MASK ((UINT64_C(1) << SIM_EQ_SEQ_BITS) - 1)

struct sim_qent {
	sim_time_t time;
	uint64_t key;
};

struct sim_event_queue {
	/* 4-ary heap; heap[0] is the root, the children of i are 4i+1..4i+4.
	 * heap points 3 entries into a 64-byte aligned block so every group of
	 * four siblings shares one cache line. */
	struct sim_qent *heap;
	void *heap_mem;
	size_t n, cap;
	/* FIFO ring of entries due now; cap is a power of two */
	struct sim_qent *ring;
	size_t ring_head, ring_n, ring_mask;
	/* event table: slot -> event (NULL: free slot) */
	struct sim_event **tab;
	uint32_t ntab, tab_cap;
	uint32_t *free_slots;
	uint32_t nfree, free_cap;
	uint64_t seq;          /* last sequence number handed out */
	uint64_t stale;        /* entries left behind by cancel/reschedule */
	bool shuffle;          /* tie-shuffle mode: keys are a permutation of seq */
	uint64_t shuffle_k[3]; /* its seeded constants */
};

struct sim_event_queue *sim_eq_new(bool shuffle, uint64_t seed);
void sim_eq_free(struct sim_event_queue *q);
/* Slow paths of the inline functions below. */
void sim_eq_heap_grow(struct sim_event_queue *q);
void sim_eq_ring_grow(struct sim_event_queue *q);
void sim_eq_compact(struct sim_event_queue *q);
uint64_t sim_eq_shuffle_seq(const struct sim_event_queue *q, uint64_t seq);

SIM_EQ_INLINE bool sim_qent_less(const struct sim_qent *a,
				 const struct sim_qent *b)
{
	/* One 128-bit compare: cmp + sbb, no branch. */
	unsigned __int128 x = ((unsigned __int128)(uint64_t)a->time << 64) | a->key;
	unsigned __int128 y = ((unsigned __int128)(uint64_t)b->time << 64) | b->key;

	return x < y;
}

SIM_EQ_INLINE void sim_eq_heap_push(struct sim_event_queue *q,
				    sim_time_t time, uint64_t key)
{
	struct sim_qent e = { time, key };
	struct sim_qent *h;
	size_t i;

	if (sim_unlikely(q->n == q->cap))
		sim_eq_heap_grow(q);
	h = q->heap;
	i = q->n++;
	while (i > 0) {
		size_t p = (i - 1) >> 2;

		if (!sim_qent_less(&e, &h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = e;
}

/* Removes the root. */
SIM_EQ_INLINE void sim_eq_heap_pop(struct sim_event_queue *q)
{
	struct sim_qent *h = q->heap;
	size_t n = --q->n;
	struct sim_qent last = h[n];
	size_t i = 0;

	for (;;) {
		size_t c = 4 * i + 1, m;

		if (sim_likely(c + 3 < n)) {
			/* full group of four: a tournament of three compares */
			size_t a = c + sim_qent_less(&h[c + 1], &h[c]);
			size_t b = c + 2 + sim_qent_less(&h[c + 3], &h[c + 2]);

			m = sim_qent_less(&h[b], &h[a]) ? b : a;
		} else if (c < n) {
			m = c;
			for (size_t k = c + 1; k < n; k++)
				if (sim_qent_less(&h[k], &h[m]))
					m = k;
		} else {
			break;
		}
		if (!sim_qent_less(&h[m], &last))
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = last;
}

SIM_EQ_INLINE void sim_eq_ring_push(struct sim_event_queue *q,
				    sim_time_t time, uint64_t key)
{
	if (sim_unlikely(q->ring_n > q->ring_mask))
		sim_eq_ring_grow(q);
	q->ring[(q->ring_head + q->ring_n++) & q->ring_mask] =
		(struct sim_qent){ time, key };
}

/* Queues ev at `when` (>= now); a pending ev moves (its old entry goes
 * stale). */
SIM_EQ_INLINE void sim_eq_schedule(struct sim_event_queue *q,
				   struct sim_event *ev, sim_time_t now,
				   sim_time_t when)
{
	uint64_t seq = ++q->seq, key;

	SIM_BUG_ON(when < now);
	SIM_BUG_ON(seq > SIM_EQ_SEQ_MASK);
	if (ev->armed)
		q->stale++;
	if (sim_likely(!q->shuffle)) {
		key = seq << SIM_EQ_SLOT_BITS | ev->slot;
		ev->armed = key;
		if (when == now)
			sim_eq_ring_push(q, when, key);
		else
			sim_eq_heap_push(q, when, key);
	} else {
		key = sim_eq_shuffle_seq(q, seq) << SIM_EQ_SLOT_BITS | ev->slot;
		ev->armed = key;
		sim_eq_heap_push(q, when, key);
	}
	if (sim_unlikely(q->stale > 4096 && q->stale > (q->n + q->ring_n) / 2))
		sim_eq_compact(q);
}

SIM_EQ_INLINE void sim_eq_cancel(struct sim_event_queue *q,
				 struct sim_event *ev)
{
	if (ev->armed) {
		ev->armed = 0;
		q->stale++;
	}
}

/* Removes and returns the next live event if its time is < until (its time
 * in *time), else NULL with the queue untouched past dropped stale entries. */
SIM_EQ_INLINE struct sim_event *sim_eq_pop(struct sim_event_queue *q,
					   sim_time_t until, sim_time_t *time)
{
	for (;;) {
		struct sim_qent e;
		struct sim_event *ev;

		if (q->ring_n && (q->n == 0 ||
				  sim_qent_less(&q->ring[q->ring_head], &q->heap[0]))) {
			e = q->ring[q->ring_head];
			if (e.time >= until)
				return NULL;
			q->ring_head = (q->ring_head + 1) & q->ring_mask;
			q->ring_n--;
		} else if (q->n) {
			e = q->heap[0];
			if (e.time >= until)
				return NULL;
			sim_eq_heap_pop(q);
		} else {
			return NULL;
		}
		ev = q->tab[e.key & SIM_EQ_SLOT_MASK];
		if (sim_likely(ev && ev->armed == e.key)) {
			ev->armed = 0;
			*time = e.time;
			return ev;
		}
		q->stale--;
	}
}

/* The event due next, as a hint for prefetching (may be stale or NULL). */
SIM_EQ_INLINE struct sim_event *sim_eq_peek(const struct sim_event_queue *q)
{
	const struct sim_qent *e;

	if (q->ring_n)
		e = &q->ring[q->ring_head];
	else if (q->n)
		e = &q->heap[0];
	else
		return NULL;
	return q->tab[e->key & SIM_EQ_SLOT_MASK];
}

/* Number of queue entries (live and stale). */
static inline size_t sim_eq_size(const struct sim_event_queue *q)
{
	return q->n + q->ring_n;
}

/* True if no live event is pending (drops stale entries to find out). */
bool sim_eq_idle(struct sim_event_queue *q);

#endif /* SIM_EVENT_H */
