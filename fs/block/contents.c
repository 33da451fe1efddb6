/* fs/block/contents.c — run-list contents of blocks and pages, and the stamp
 * table (model-only; see contents.h for the representation and invariants).
 *
 * Every mutation is one splice: runs covering [off, off+len) are replaced
 * by a new sequence, the runs cut at either end keep their outer parts
 * (with the right part's origin advanced), and the result is re-merged.
 * Run lists are short (1–3 runs for almost every block), so the splice
 * moves a few entries in place; binary search only matters for the rare
 * long lists of byte-granular fsx workloads.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fs/block/contents.h"

typedef struct sim_contents_run run_t;

static inline run_t *runs_of(struct sim_contents *c)
{
	return c->cap ? c->u.heap : c->u.in;
}

static inline uint32_t run_end(const struct sim_contents *c, const run_t *r,
			       unsigned i)
{
	return i + 1 < c->nr ? r[i + 1].start : c->size;
}

/* Origin of the byte `delta` bytes into a run. */
static inline uint32_t origin_at(const run_t *r, uint32_t delta)
{
	return r->stamp ? r->origin + delta : 0;
}

/* b (starting right after a's len bytes) continues a. */
static inline bool mergeable(const run_t *a, uint32_t a_len, const run_t *b)
{
	return a->stamp == b->stamp &&
	       (a->stamp == 0 || b->origin == a->origin + a_len);
}

/* Index of the run containing byte off. */
static unsigned find_run(const struct sim_contents *c, uint32_t off)
{
	const run_t *r = sim_contents_runs(c);
	unsigned lo = 0, hi = c->nr;   /* answer in [lo, hi) */

	while (hi - lo > 1) {
		unsigned mid = lo + (hi - lo) / 2;

		if (r[mid].start <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void ensure_cap(struct sim_contents *c, unsigned need)
{
	unsigned cap = c->cap ? c->cap : SIM_CONTENTS_INLINE;
	run_t *n;

	if (need <= cap)
		return;
	while (cap < need)
		cap = cap < 8 ? 8 : cap * 2;
	SIM_BUG_ON(cap > UINT16_MAX);
	if (c->cap) {
		n = g_realloc(c->u.heap, cap * sizeof(*n));
	} else {
		n = g_malloc(cap * sizeof(*n));
		memcpy(n, c->u.in, c->nr * sizeof(*n));
	}
	c->u.heap = n;
	c->cap = (uint16_t)cap;
}

/* Back to inline storage once the list fits again (keeps the common
 * block at 56 bytes with no heap). */
static void maybe_shrink(struct sim_contents *c)
{
	run_t *h;

	if (!c->cap || c->nr > SIM_CONTENTS_INLINE)
		return;
	h = c->u.heap;
	memcpy(c->u.in, h, c->nr * sizeof(*h));
	c->cap = 0;
	g_free(h);
}

void sim_contents_normalize(struct sim_contents *c)
{
	run_t *r = runs_of(c);
	unsigned i, o = 0;

	for (i = 0; i < c->nr; i++) {
		if (r[i].stamp == 0)
			r[i].origin = 0;
		if (o > 0 && mergeable(&r[o - 1], r[i].start - r[o - 1].start,
				       &r[i]))
			continue;
		r[o++] = r[i];
	}
	c->nr = (uint16_t)o;
	maybe_shrink(c);
}

void sim_contents_init(struct sim_contents *c, uint32_t size)
{
	SIM_BUG_ON(size == 0 || size > SIM_CONTENTS_MAX_SIZE);
	memset(c, 0, sizeof(*c));
	c->size = size;
	c->nr = 1;
}

void sim_contents_destroy(struct sim_contents *c)
{
	if (c->cap)
		g_free(c->u.heap);
	c->cap = 0;
	c->nr = 0;
}

void sim_contents_assign(struct sim_contents *dst,
			 const struct sim_contents *src)
{
	if (dst == src)
		return;
	if (dst->cap && src->nr <= SIM_CONTENTS_INLINE) {
		g_free(dst->u.heap);
		dst->cap = 0;
	}
	dst->size = src->size;
	dst->nr = 0;
	ensure_cap(dst, src->nr);
	memcpy(runs_of(dst), sim_contents_runs(src), src->nr * sizeof(run_t));
	dst->nr = src->nr;
}

/* Replace bytes [off, off+len) by the n runs of `nw` (starts relative to
 * off, nw[0].start == 0).  nw must not point into c. */
static void splice(struct sim_contents *c, uint32_t off, uint32_t len,
		   const run_t *nw, unsigned n)
{
	uint32_t end = off + len;
	unsigned i, j, left, right, tail, nr;
	run_t rpiece = { 0 }, *r;

	SIM_BUG_ON(len == 0 || end > c->size || end < off);
	SIM_BUG_ON(n == 0 || nw[0].start != 0);
	i = find_run(c, off);
	j = find_run(c, end - 1);
	r = runs_of(c);
	left = r[i].start < off;
	right = end < run_end(c, r, j);
	if (right) {
		rpiece = r[j];
		rpiece.origin = origin_at(&r[j], end - r[j].start);
		rpiece.start = (uint16_t)end;
	}
	tail = c->nr - j - 1;
	nr = i + left + n + right + tail;
	ensure_cap(c, nr);
	r = runs_of(c);
	/* move the untouched tail into place, then fill the middle */
	memmove(&r[i + left + n + right], &r[j + 1], tail * sizeof(*r));
	for (unsigned k = 0; k < n; k++) {
		r[i + left + k] = nw[k];
		r[i + left + k].start = (uint16_t)(off + nw[k].start);
	}
	if (right)
		r[i + left + n] = rpiece;
	c->nr = (uint16_t)nr;
	sim_contents_normalize(c);
}

void sim_contents_set(struct sim_contents *c, uint32_t off, uint32_t len,
		      sim_stamp_t stamp, uint32_t origin)
{
	run_t one = { .stamp = stamp, .origin = stamp ? origin : 0 };

	if (len == 0)
		return;
	splice(c, off, len, &one, 1);
}

void sim_contents_zero(struct sim_contents *c, uint32_t off, uint32_t len)
{
	sim_contents_set(c, off, len, 0, 0);
}

/* Collect src's runs over [soff, soff+len), starts relative to soff. */
static unsigned extract(const struct sim_contents *src, uint32_t soff,
			uint32_t len, run_t *out)
{
	const run_t *r = sim_contents_runs(src);
	uint32_t end = soff + len;
	unsigned i = find_run(src, soff), n = 0;

	for (; i < src->nr && r[i].start < end; i++) {
		uint32_t s = r[i].start > soff ? r[i].start : soff;

		out[n] = r[i];
		out[n].origin = origin_at(&r[i], s - r[i].start);
		out[n].start = (uint16_t)(s - soff);
		n++;
	}
	return n;
}

void sim_contents_copy(struct sim_contents *dst, uint32_t doff,
		       const struct sim_contents *src, uint32_t soff,
		       uint32_t len)
{
	run_t stackbuf[16], *tmp = stackbuf;
	unsigned max;

	if (len == 0)
		return;
	SIM_BUG_ON(soff + len > src->size || soff + len < soff);
	max = src->nr;  /* upper bound on runs in the range */
	if (max > SIM_ARRAY_SIZE(stackbuf))
		tmp = g_malloc(max * sizeof(*tmp));
	max = extract(src, soff, len, tmp);
	splice(dst, doff, len, tmp, max);
	if (tmp != stackbuf)
		g_free(tmp);
}

void sim_contents_copy_all(struct sim_contents *dst,
			   const struct sim_contents *src)
{
	SIM_BUG_ON(dst->size != src->size);
	sim_contents_assign(dst, src);
}

sim_stamp_t sim_contents_at(const struct sim_contents *c, uint32_t off,
			    uint32_t *origin)
{
	const run_t *r = sim_contents_runs(c);
	unsigned i;

	SIM_BUG_ON(off >= c->size);
	i = find_run(c, off);
	if (origin)
		*origin = origin_at(&r[i], off - r[i].start);
	return r[i].stamp;
}

int64_t sim_contents_first_diff(const struct sim_contents *a, uint32_t aoff,
				const struct sim_contents *b, uint32_t boff,
				uint32_t len)
{
	const run_t *ra = sim_contents_runs(a), *rb = sim_contents_runs(b);
	unsigned ia, ib;
	uint32_t p = 0;

	if (len == 0)
		return -1;
	SIM_BUG_ON(aoff + len > a->size || boff + len > b->size);
	ia = find_run(a, aoff);
	ib = find_run(b, boff);
	while (p < len) {
		uint32_t pa = aoff + p, pb = boff + p, step;
		uint32_t ea = run_end(a, ra, ia), eb = run_end(b, rb, ib);

		if (ra[ia].stamp != rb[ib].stamp ||
		    origin_at(&ra[ia], pa - ra[ia].start) !=
			    origin_at(&rb[ib], pb - rb[ib].start))
			return p;
		step = ea - pa < eb - pb ? ea - pa : eb - pb;
		p += step;
		if (aoff + p >= ea)
			ia++;
		if (boff + p >= eb)
			ib++;
	}
	return -1;
}

bool sim_contents_equal(const struct sim_contents *a,
			const struct sim_contents *b)
{
	if (a->size != b->size)
		return false;
	return sim_contents_first_diff(a, 0, b, 0, a->size) < 0;
}

bool sim_contents_is_zero(const struct sim_contents *c, uint32_t off,
			  uint32_t len)
{
	const run_t *r = sim_contents_runs(c);
	uint32_t end = off + len;

	if (len == 0)
		return true;
	SIM_BUG_ON(end > c->size);
	for (unsigned i = find_run(c, off); i < c->nr && r[i].start < end; i++)
		if (r[i].stamp)
			return false;
	return true;
}

void sim_contents_for_each_run(const struct sim_contents *c,
			       sim_contents_run_fn fn, void *ctx)
{
	const run_t *r = sim_contents_runs(c);

	for (unsigned i = 0; i < c->nr; i++)
		if (!fn(ctx, r[i].start, run_end(c, r, i) - r[i].start,
			r[i].stamp, r[i].origin))
			return;
}

bool sim_contents_check(const struct sim_contents *c, char *why, size_t len)
{
	const run_t *r = sim_contents_runs(c);
	char dummy[1];

	if (!why) {
		why = dummy;
		len = sizeof(dummy);
	}
	if (c->size == 0 || c->size > SIM_CONTENTS_MAX_SIZE) {
		snprintf(why, len, "bad size %u", c->size);
		return false;
	}
	if (c->nr == 0 || r[0].start != 0) {
		snprintf(why, len, "no run at 0 (nr %u)", c->nr);
		return false;
	}
	if (c->cap && c->nr > c->cap) {
		snprintf(why, len, "nr %u > cap %u", c->nr, c->cap);
		return false;
	}
	if (!c->cap && c->nr > SIM_CONTENTS_INLINE) {
		snprintf(why, len, "nr %u inline", c->nr);
		return false;
	}
	for (unsigned i = 0; i < c->nr; i++) {
		if (r[i].start >= c->size ||
		    (i > 0 && r[i].start <= r[i - 1].start)) {
			snprintf(why, len, "run %u start %u out of order", i,
				 r[i].start);
			return false;
		}
		if (r[i].stamp == 0 && r[i].origin != 0) {
			snprintf(why, len, "zero run %u has origin %u", i,
				 r[i].origin);
			return false;
		}
		if (i > 0 && mergeable(&r[i - 1], r[i].start - r[i - 1].start,
				       &r[i])) {
			snprintf(why, len, "runs %u and %u not merged", i - 1,
				 i);
			return false;
		}
	}
	return true;
}

int sim_contents_format(const struct sim_contents *c, char *buf, size_t len)
{
	const run_t *r = sim_contents_runs(c);
	size_t used = 0;
	int total = 0;

	if (len)
		buf[0] = '\0';
	for (unsigned i = 0; i < c->nr; i++) {
		uint32_t e = run_end(c, r, i);
		int n;

		if (r[i].stamp)
			n = snprintf(buf + used, used < len ? len - used : 0,
				     "%s[%u,%u)=#%" PRIu64 "+%u", i ? " " : "",
				     r[i].start, e, r[i].stamp, r[i].origin);
		else
			n = snprintf(buf + used, used < len ? len - used : 0,
				     "%s[%u,%u)=0", i ? " " : "", r[i].start,
				     e);
		total += n;
		used += (size_t)n;
		if (used >= len)
			used = len;
	}
	return total;
}

/* ---- stamp table ----------------------------------------------------------- */

void sim_stamp_table_init(struct sim_stamp_table *t)
{
	memset(t, 0, sizeof(*t));
}

void sim_stamp_table_destroy(struct sim_stamp_table *t)
{
	g_free(t->v);
	memset(t, 0, sizeof(*t));
}

sim_stamp_t sim_stamp_new(struct sim_stamp_table *t, uint64_t ino,
			  int64_t offset, uint32_t len,
			  enum sim_stamp_kind kind, uint64_t seq,
			  sim_time_t now)
{
	struct sim_stamp_info *e;

	SIM_BUG_ON(kind >= SIM_STAMP_NR_KINDS);
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->v = g_realloc_n(t->v, t->cap, sizeof(*t->v));
	}
	e = &t->v[t->n++];
	*e = (struct sim_stamp_info){
		.ino = ino, .offset = offset, .len = len,
		.kind = (uint8_t)kind, .seq = seq, .time = now,
	};
	return t->n;  /* ids start at 1 */
}

const struct sim_stamp_info *sim_stamp_lookup(const struct sim_stamp_table *t,
					      sim_stamp_t s)
{
	if (s == 0 || s > t->n)
		return NULL;
	return &t->v[s - 1];
}

const char *sim_stamp_kind_name(enum sim_stamp_kind k)
{
	static const char *const names[SIM_STAMP_NR_KINDS] = {
		[SIM_STAMP_WRITE] = "write",
		[SIM_STAMP_MMAP] = "mmap store",
		[SIM_STAMP_DIO] = "dio write",
		[SIM_STAMP_DAX] = "dax store",
		[SIM_STAMP_INITIAL] = "initial",
	};

	return k < SIM_STAMP_NR_KINDS ? names[k] : "?";
}

int sim_stamp_format(const struct sim_stamp_table *t, sim_stamp_t s,
		     char *buf, size_t len)
{
	const struct sim_stamp_info *e = sim_stamp_lookup(t, s);

	if (s == 0)
		return snprintf(buf, len, "zeros");
	if (!e)
		return snprintf(buf, len, "#%" PRIu64 " (unknown)", s);
	return snprintf(buf, len,
			"%s #%" PRIu64 " (ino %" PRIu64 " off %" PRId64
			" len %u, seq %" PRIu64 ", t=%" PRId64 "ns)",
			sim_stamp_kind_name(e->kind), s, e->ino, e->offset,
			e->len, e->seq, (int64_t)e->time);
}
