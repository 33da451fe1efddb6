/* fs/block/extmap.c — ordered map of disjoint key ranges (model-only; the
 * representation and its cost are in extmap.h).
 *
 * A position is (leaf, slot).  Leaves split in halves when full and are
 * dropped when empty, so every leaf holds at least one entry and the first
 * key of leaf i (firsts[i]) is a lower bound for every key in it and above
 * every key of leaf i - 1.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fs/block/extmap.h"
#include "sim/engine/types.h"

#define SIM_EXTMAP_LEAF 48

struct ent {
	uint64_t start, len;
	/* value follows (esize - sizeof(struct ent) bytes) */
};

struct sim_extmap_leaf {
	unsigned n;
	unsigned _pad;
	uint64_t data[];     /* SIM_EXTMAP_LEAF entries of esize bytes */
};

static inline struct ent *ent_at(const struct sim_extmap *m,
				 struct sim_extmap_leaf *l, unsigned i)
{
	return (struct ent *)(void *)((char *)l->data + (size_t)i * m->esize);
}

static inline void *val_of(struct ent *e)
{
	return e + 1;
}

void sim_extmap_init(struct sim_extmap *m, const struct sim_extmap_ops *ops)
{
	*m = (struct sim_extmap){ .ops = ops };
	m->esize = sizeof(struct ent) + ((ops->vsize + 7) & ~(size_t)7);
}

void sim_extmap_destroy(struct sim_extmap *m)
{
	for (unsigned i = 0; i < m->nleaves; i++) {
		struct sim_extmap_leaf *l = m->leaves[i];

		if (m->ops->destroy)
			for (unsigned k = 0; k < l->n; k++)
				m->ops->destroy(val_of(ent_at(m, l, k)));
		g_free(l);
	}
	g_free(m->leaves);
	g_free(m->firsts);
	*m = (struct sim_extmap){ .ops = m->ops, .esize = m->esize };
}

/* ---- positions -------------------------------------------------------------- */

/* Index of the last leaf whose first key is <= key; 0 if none (or no
 * leaf). */
static unsigned leaf_for(const struct sim_extmap *m, uint64_t key)
{
	unsigned lo = 0, hi = m->nleaves;   /* answer: last i with firsts[i] <= key */

	while (hi - lo > 1) {
		unsigned mid = lo + (hi - lo) / 2;

		if (m->firsts[mid] <= key)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Number of entries of l starting at or before key. */
static unsigned slots_le(const struct sim_extmap *m, struct sim_extmap_leaf *l,
			 uint64_t key)
{
	unsigned lo = 0, hi = l->n;   /* first slot with start > key */

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (ent_at(m, l, mid)->start <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Position of the last entry starting at or before key: false if none. */
static bool pos_le(const struct sim_extmap *m, uint64_t key, unsigned *li,
		   unsigned *si)
{
	unsigned L, s;

	if (!m->nleaves)
		return false;
	L = leaf_for(m, key);
	s = slots_le(m, m->leaves[L], key);
	if (s == 0) {
		if (L == 0)
			return false;
		L--;
		s = m->leaves[L]->n;
	}
	*li = L;
	*si = s - 1;
	return true;
}

/* The position after (li, si); false at the end. */
static bool pos_next(const struct sim_extmap *m, unsigned *li, unsigned *si)
{
	if (*si + 1 < m->leaves[*li]->n) {
		++*si;
		return true;
	}
	if (*li + 1 < m->nleaves) {
		++*li;
		*si = 0;
		return true;
	}
	return false;
}

static void *ret(struct ent *e, uint64_t *start, uint64_t *len)
{
	if (start)
		*start = e->start;
	if (len)
		*len = e->len;
	return val_of(e);
}

void *sim_extmap_find(const struct sim_extmap *m, uint64_t key,
		      uint64_t *start, uint64_t *len)
{
	unsigned li, si;
	struct ent *e;

	if (!pos_le(m, key, &li, &si))
		return NULL;
	e = ent_at(m, m->leaves[li], si);
	if (key - e->start >= e->len)
		return NULL;
	return ret(e, start, len);
}

void *sim_extmap_next(const struct sim_extmap *m, uint64_t key,
		      uint64_t *start, uint64_t *len)
{
	unsigned li, si;
	struct ent *e;

	if (!m->nleaves)
		return NULL;
	if (!pos_le(m, key, &li, &si)) {
		li = 0;
		si = 0;
		return ret(ent_at(m, m->leaves[0], 0), start, len);
	}
	e = ent_at(m, m->leaves[li], si);
	if (key - e->start < e->len)
		return ret(e, start, len);
	if (!pos_next(m, &li, &si))
		return NULL;
	return ret(ent_at(m, m->leaves[li], si), start, len);
}

void *sim_extmap_prev(const struct sim_extmap *m, uint64_t key,
		      uint64_t *start, uint64_t *len)
{
	unsigned li, si;

	if (key == 0 || !pos_le(m, key - 1, &li, &si))
		return NULL;
	return ret(ent_at(m, m->leaves[li], si), start, len);
}

/* ---- structure ---------------------------------------------------------------- */

static struct sim_extmap_leaf *leaf_new(const struct sim_extmap *m)
{
	struct sim_extmap_leaf *l =
		g_malloc(sizeof(*l) + SIM_EXTMAP_LEAF * m->esize);

	l->n = 0;
	return l;
}

/* Insert leaf l (not empty) at top index i. */
static void top_insert(struct sim_extmap *m, unsigned i,
		       struct sim_extmap_leaf *l)
{
	if (m->nleaves == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 4;
		m->leaves = g_renew(struct sim_extmap_leaf *, m->leaves, m->cap);
		m->firsts = g_renew(uint64_t, m->firsts, m->cap);
	}
	memmove(&m->leaves[i + 1], &m->leaves[i],
		(m->nleaves - i) * sizeof(m->leaves[0]));
	memmove(&m->firsts[i + 1], &m->firsts[i],
		(m->nleaves - i) * sizeof(m->firsts[0]));
	m->leaves[i] = l;
	m->firsts[i] = ent_at(m, l, 0)->start;
	m->nleaves++;
}

static void top_remove(struct sim_extmap *m, unsigned i)
{
	g_free(m->leaves[i]);
	memmove(&m->leaves[i], &m->leaves[i + 1],
		(m->nleaves - i - 1) * sizeof(m->leaves[0]));
	memmove(&m->firsts[i], &m->firsts[i + 1],
		(m->nleaves - i - 1) * sizeof(m->firsts[0]));
	m->nleaves--;
}

/* Room for one entry at slot si of leaf li (the caller writes it there);
 * splits a full leaf.  Returns the entry's storage; li and si are updated
 * to where it lives.  firsts[] is fixed by the caller via fix_first. */
static struct ent *make_room(struct sim_extmap *m, unsigned *li, unsigned *si)
{
	struct sim_extmap_leaf *l = m->leaves[*li];

	if (l->n == SIM_EXTMAP_LEAF) {
		struct sim_extmap_leaf *r = leaf_new(m);
		unsigned half = SIM_EXTMAP_LEAF / 2;

		memcpy(r->data, ent_at(m, l, half), (l->n - half) * m->esize);
		r->n = l->n - half;
		l->n = half;
		top_insert(m, *li + 1, r);
		if (*si > half) {
			*si -= half;
			++*li;
			l = r;
		}
	}
	memmove(ent_at(m, l, *si + 1), ent_at(m, l, *si),
		(l->n - *si) * m->esize);
	l->n++;
	return ent_at(m, l, *si);
}

static void fix_first(struct sim_extmap *m, unsigned li)
{
	m->firsts[li] = ent_at(m, m->leaves[li], 0)->start;
}

/* Remove the entry at (li, si) without destroying its value. */
static void drop_slot(struct sim_extmap *m, unsigned li, unsigned si)
{
	struct sim_extmap_leaf *l = m->leaves[li];

	memmove(ent_at(m, l, si), ent_at(m, l, si + 1),
		(l->n - si - 1) * m->esize);
	l->n--;
	if (!l->n)
		top_remove(m, li);
	else if (si == 0)
		fix_first(m, li);
}

void *sim_extmap_insert(struct sim_extmap *m, uint64_t start, uint64_t len)
{
	unsigned li, si;
	struct ent *e;

	SIM_BUG_ON(len == 0 || start + len < start);
	if (!m->nleaves) {
		struct sim_extmap_leaf *l = leaf_new(m);

		l->n = 1;
		e = ent_at(m, l, 0);
		e->start = start;
		e->len = len;
		top_insert(m, 0, l);
		goto done;
	}
	if (pos_le(m, start, &li, &si)) {
		e = ent_at(m, m->leaves[li], si);
		SIM_BUG_ON(start - e->start < e->len);   /* must be a gap */
		si++;
	} else {
		li = 0;
		si = 0;
	}
	/* the next entry must start at or after the new one's end */
	{
		unsigned nl = li, ns = si;

		if (ns >= m->leaves[nl]->n && nl + 1 < m->nleaves) {
			nl++;
			ns = 0;
		}
		if (ns < m->leaves[nl]->n)
			SIM_BUG_ON(ent_at(m, m->leaves[nl], ns)->start <
				   start + len);
	}
	e = make_room(m, &li, &si);
	e->start = start;
	e->len = len;
	if (si == 0)
		fix_first(m, li);
done:
	memset(val_of(e), 0, m->esize - sizeof(*e));
	m->n++;
	m->keys += len;
	return val_of(e);
}

void sim_extmap_split(struct sim_extmap *m, uint64_t key)
{
	unsigned li, si;
	struct ent *e, *r;
	uint64_t delta;

	if (!pos_le(m, key, &li, &si))
		return;
	e = ent_at(m, m->leaves[li], si);
	if (key == e->start || key - e->start >= e->len)
		return;
	delta = key - e->start;
	si++;
	r = make_room(m, &li, &si);
	/* make_room may have moved e (a leaf split) */
	{
		unsigned pl = li, ps = si;

		if (ps == 0) {
			pl--;
			ps = m->leaves[pl]->n;
		}
		e = ent_at(m, m->leaves[pl], ps - 1);
	}
	r->start = key;
	r->len = e->len - delta;
	e->len = delta;
	if (m->ops->split)
		m->ops->split(val_of(r), val_of(e), delta);
	else
		memcpy(val_of(r), val_of(e), m->ops->vsize);
	if (si == 0)
		fix_first(m, li);
	m->n++;
}

void sim_extmap_remove(struct sim_extmap *m, uint64_t start, uint64_t len)
{
	uint64_t end = start + len;
	unsigned li, si;

	if (!len || !m->nleaves)
		return;
	SIM_BUG_ON(end < start);
	sim_extmap_split(m, start);
	sim_extmap_split(m, end);
	/* every entry now lies either inside [start, end) or outside: drop
	 * those from the first starting at or after start */
	if (!pos_le(m, start, &li, &si)) {
		li = 0;
		si = 0;
	} else if (ent_at(m, m->leaves[li], si)->start < start &&
		   !pos_next(m, &li, &si)) {
		return;
	}
	while (li < m->nleaves) {
		struct sim_extmap_leaf *l = m->leaves[li];
		struct ent *e;
		bool gone;

		if (si >= l->n) {
			li++;
			si = 0;
			continue;
		}
		e = ent_at(m, l, si);
		if (e->start >= end)
			break;
		if (m->ops->destroy)
			m->ops->destroy(val_of(e));
		m->n--;
		m->keys -= e->len;
		gone = l->n == 1;
		drop_slot(m, li, si);
		if (gone)
			si = 0;   /* the next leaf moved into li */
	}
}

bool sim_extmap_merge_at(struct sim_extmap *m, uint64_t key)
{
	unsigned li, si, ri, rs;
	struct ent *a, *b;

	if (!m->ops->mergeable || key == 0 || !pos_le(m, key - 1, &li, &si))
		return false;
	a = ent_at(m, m->leaves[li], si);
	if (a->start + a->len != key)
		return false;
	ri = li;
	rs = si;
	if (!pos_next(m, &ri, &rs))
		return false;
	b = ent_at(m, m->leaves[ri], rs);
	if (b->start != key || !m->ops->mergeable(val_of(a), a->len, val_of(b)))
		return false;
	a->len += b->len;
	if (m->ops->destroy)
		m->ops->destroy(val_of(b));
	m->n--;
	drop_slot(m, ri, rs);
	return true;
}

void sim_extmap_shift(struct sim_extmap *m, uint64_t from, int64_t delta)
{
	unsigned li, si;

	if (!delta || !m->nleaves)
		return;
	if (!pos_le(m, from, &li, &si)) {
		li = 0;
		si = 0;
	} else if (ent_at(m, m->leaves[li], si)->start < from) {
		if (!pos_next(m, &li, &si))
			return;
	}
	for (unsigned L = li; L < m->nleaves; L++) {
		struct sim_extmap_leaf *l = m->leaves[L];

		for (unsigned s = L == li ? si : 0; s < l->n; s++)
			ent_at(m, l, s)->start += (uint64_t)delta;
		fix_first(m, L);
	}
}

bool sim_extmap_check(const struct sim_extmap *m)
{
	uint64_t n = 0, keys = 0, prev_end = 0;
	bool first = true;

	for (unsigned L = 0; L < m->nleaves; L++) {
		struct sim_extmap_leaf *l = m->leaves[L];

		if (l->n == 0 || l->n > SIM_EXTMAP_LEAF)
			return false;
		if (m->firsts[L] != ent_at(m, l, 0)->start)
			return false;
		for (unsigned s = 0; s < l->n; s++) {
			struct ent *e = ent_at(m, l, s);

			if (e->len == 0 || e->start + e->len < e->start)
				return false;
			if (!first && e->start < prev_end)
				return false;
			first = false;
			prev_end = e->start + e->len;
			n++;
			keys += e->len;
		}
	}
	return n == m->n && keys == m->keys;
}
