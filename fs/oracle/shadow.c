/* fs/oracle/shadow.c — the shadow contents of one file: which bytes a read
 * may legally return (model-only; the rules are in fs/oracle/internal.h).
 *
 * Layout: one record per file block (the fs block size, so collapse/insert
 * shift whole records), stored once per run of consecutive blocks whose
 * records are equal (fs/block/extmap.h).  A record is a short array of
 * candidate values, each over a byte range of the block; a block written
 * once by one operation holds one or two values.  Values are split where
 * an operation covers part of them and merged back when neighbours become
 * equal, as fs/block/contents.c does with runs.
 *
 * Runs, not blocks: every rule below is stated per block, and blocks with
 * equal records get equal treatment from an operation that covers them
 * alike (same byte window), so an operation splits the runs at its ends
 * (and where its first and last block are partial), applies itself once
 * to each run's record, and merges equal neighbours again.  A run is what
 * one operation laid down: the set-up's extents, a large write, a punch;
 * a 100 GiB file costs a few hundred records, not 26 M.  (Before: one
 * record per block in 512-block chunks.)
 *
 * Cost: begin/end/check/prune visit the runs of their range (O(log runs)
 * to find the first); shift visits every run from the shift point to the
 * end of the file (collapse/insert are rare).  Value arrays are allocated
 * when a run is split or a record created.
 */
#include "config.h"

#include <string.h>

#include "fs/oracle/internal.h"

/* ---- records ------------------------------------------------------------------ */

static bool val_same(const struct oracle_val *a, const struct oracle_val *b)
{
	return a->stamp == b->stamp && (a->stamp == 0 || a->delta == b->delta) &&
	       a->t_begin == b->t_begin && a->t_end == b->t_end &&
	       a->t_super == b->t_super && a->op == b->op &&
	       a->task == b->task;
}

static void rec_split(void *dst, const void *src, uint64_t delta)
{
	struct oracle_blk *d = dst;
	const struct oracle_blk *r = src;

	(void)delta;
	*d = (struct oracle_blk){ .n = r->n, .cap = r->n ? r->n : 2,
				  .pristine = r->pristine };
	d->v = g_new(struct oracle_val, d->cap);
	memcpy(d->v, r->v, r->n * sizeof(r->v[0]));
}

static void rec_destroy(void *p)
{
	g_free(((struct oracle_blk *)p)->v);
}

static bool rec_equal(const struct oracle_blk *a, const struct oracle_blk *b)
{
	if (a->n != b->n || a->pristine != b->pristine)
		return false;
	for (uint32_t i = 0; i < a->n; i++)
		if (!val_same(&a->v[i], &b->v[i]) || a->v[i].lo != b->v[i].lo ||
		    a->v[i].hi != b->v[i].hi ||
		    (a->v[i].stamp == 0 && a->v[i].delta != b->v[i].delta))
			return false;
	return true;
}

static bool rec_mergeable(const void *a, uint64_t alen, const void *b)
{
	(void)alen;
	return rec_equal(a, b);
}

static const struct sim_extmap_ops rec_ops = {
	.vsize = sizeof(struct oracle_blk),
	.split = rec_split,
	.destroy = rec_destroy,
	.mergeable = rec_mergeable,
};

void oracle_shadow_init(struct oracle_shadow *s, unsigned blocksize)
{
	*s = (struct oracle_shadow){ .blocksize = blocksize };
	while ((1u << s->blockbits) < blocksize)
		s->blockbits++;
	SIM_BUG_ON((1u << s->blockbits) != blocksize);
	sim_extmap_init(&s->runs, &rec_ops);
}

void oracle_shadow_destroy(struct oracle_shadow *s)
{
	sim_extmap_destroy(&s->runs);
	g_free(s->scratch);
	*s = (struct oracle_shadow){ 0 };
}

static void blk_reserve(struct oracle_blk *r, uint32_t n)
{
	if (n <= r->cap)
		return;
	while (r->cap < n)
		r->cap = r->cap ? 2 * r->cap : 2;
	r->v = g_renew(struct oracle_val, r->v, r->cap);
}

static struct oracle_val *blk_push(struct oracle_blk *r,
				   const struct oracle_val *v)
{
	blk_reserve(r, r->n + 1);
	r->v[r->n] = *v;
	return &r->v[r->n++];
}

/* A block never written: zeros since time 0. */
static void rec_zero(const struct oracle_shadow *s, struct oracle_blk *r)
{
	struct oracle_val z = { .t_super = SIM_TIME_MAX, .hi = s->blocksize };

	*r = (struct oracle_blk){ 0 };
	blk_push(r, &z);
}

/* Merge values that are equal and adjacent (or overlapping) in range. */
static void blk_normalize(struct oracle_blk *r)
{
	for (uint32_t i = 0; i < r->n; i++) {
		for (uint32_t j = i + 1; j < r->n;) {
			struct oracle_val *a = &r->v[i], *b = &r->v[j];

			if (val_same(a, b) && a->lo <= b->hi && b->lo <= a->hi) {
				a->lo = MIN(a->lo, b->lo);
				a->hi = MAX(a->hi, b->hi);
				r->v[j] = r->v[--r->n];
				j = i + 1;   /* a grew: look again */
			} else {
				j++;
			}
		}
	}
}

/* Split value i so that [lo, hi) is one value (if it overlaps); returns
 * the index of the overlapping piece, or -1 when there is no overlap.
 * May reallocate r->v. */
static int val_isolate(struct oracle_blk *r, uint32_t i, uint32_t lo,
		       uint32_t hi)
{
	struct oracle_val v = r->v[i];

	if (v.hi <= lo || hi <= v.lo)
		return -1;
	if (v.lo < lo) {
		struct oracle_val left = v;

		left.hi = lo;
		r->v[i].lo = lo;
		blk_push(r, &left);
	}
	if (r->v[i].hi > hi) {
		struct oracle_val right = r->v[i];

		right.lo = hi;
		r->v[i].hi = hi;
		blk_push(r, &right);
	}
	return (int)i;
}

/* ---- runs ----------------------------------------------------------------------- */

/* Merge equal neighbouring runs at every run boundary in [lo, hi]. */
static void merge_range(struct oracle_shadow *s, uint64_t lo, uint64_t hi)
{
	uint64_t key = lo;

	for (;;) {
		uint64_t st, n;

		sim_extmap_merge_at(&s->runs, key);
		if (!sim_extmap_find(&s->runs, key, &st, &n)) {
			if (!sim_extmap_next(&s->runs, key, &st, &n) || st > hi)
				return;
			key = st;
			continue;
		}
		key = st + n;
		if (key > hi)
			return;
	}
}

/* Blocks [b0, b1) get records where they have none (zeros since time 0). */
static void fill_gaps(struct oracle_shadow *s, uint64_t b0, uint64_t b1)
{
	uint64_t b = b0;

	while (b < b1) {
		uint64_t st, n, e;

		if (sim_extmap_next(&s->runs, b, &st, &n) && st <= b) {
			b = st + n;
			continue;
		}
		e = sim_extmap_next(&s->runs, b, &st, &n) ? MIN(st, b1) : b1;
		rec_zero(s, sim_extmap_insert(&s->runs, b, e - b));
		b = e;
	}
	if (b1 > s->nblocks_hint)
		s->nblocks_hint = b1;
}

/* A byte window [lo, hi) over blocks [b0, b1) (every block alike). */
struct seg {
	uint64_t b0, b1;
	uint32_t lo, hi;
};

/* Splits file bytes [off, off + len) into at most three windows: a partial
 * first block, whole blocks, a partial last block. */
static unsigned segments(const struct oracle_shadow *s, uint64_t off,
			 uint64_t len, struct seg seg[3])
{
	uint64_t end = off + len, fb = off >> s->blockbits,
		 lb = (end - 1) >> s->blockbits;
	uint32_t lo = (uint32_t)(off - (fb << s->blockbits));
	uint32_t hi = (uint32_t)(end - (lb << s->blockbits));
	unsigned n = 0;

	if (!len)
		return 0;
	if (fb == lb) {
		seg[0] = (struct seg){ fb, fb + 1, lo, hi };
		return 1;
	}
	if (lo) {
		seg[n++] = (struct seg){ fb, fb + 1, lo, s->blocksize };
		fb++;
	}
	if (hi < s->blocksize) {
		if (fb < lb)
			seg[n++] = (struct seg){ fb, lb, 0, s->blocksize };
		seg[n++] = (struct seg){ lb, lb + 1, 0, hi };
	} else {
		seg[n++] = (struct seg){ fb, lb + 1, 0, s->blocksize };
	}
	return n;
}

typedef void (*rec_fn)(struct oracle_shadow *s, struct oracle_blk *r,
		       const struct seg *g, void *arg);

/* fn on the record of every run over [g->b0, g->b1) (cut to fit; gaps get
 * zero records first with `create`, else are skipped), then equal
 * neighbours merge. */
static void apply(struct oracle_shadow *s, const struct seg *g, bool create,
		  rec_fn fn, void *arg)
{
	uint64_t key, st, n;
	struct oracle_blk *r;

	if (create)
		fill_gaps(s, g->b0, g->b1);
	sim_extmap_split(&s->runs, g->b0);
	sim_extmap_split(&s->runs, g->b1);
	for (key = g->b0; (r = sim_extmap_next(&s->runs, key, &st, &n)) &&
			  st < g->b1; key = st + n) {
		r->pristine = false;
		fn(s, r, g, arg);
	}
	merge_range(s, g->b0, g->b1);
}

/* ---- operations ------------------------------------------------------------------ */

struct begin_arg {
	struct oracle_val v;
};

static void rec_begin(struct oracle_shadow *s, struct oracle_blk *r,
		      const struct seg *g, void *arg)
{
	struct oracle_val v = ((struct begin_arg *)arg)->v;

	(void)s;
	v.lo = g->lo;
	v.hi = g->hi;
	blk_push(r, &v);
}

void oracle_shadow_begin(struct oracle_shadow *s, uint64_t off, uint64_t len,
			 sim_stamp_t stamp, int64_t delta, uint64_t op,
			 uint32_t task, sim_time_t now)
{
	struct begin_arg a = { .v = {
		.stamp = stamp, .delta = stamp ? delta : 0,
		.t_begin = now, .t_end = SIM_TIME_MAX,
		.t_super = SIM_TIME_MAX, .op = op, .task = task,
	} };
	struct seg seg[3];
	unsigned n = segments(s, off, len, seg);

	for (unsigned i = 0; i < n; i++)
		apply(s, &seg[i], true, rec_begin, &a);
}

struct end_arg {
	uint64_t op;
	sim_time_t t_begin, now;
	bool definite;
};

static void rec_end(struct oracle_shadow *s, struct oracle_blk *r,
		    const struct seg *g, void *arg)
{
	const struct end_arg *a = arg;
	uint32_t lo = g->lo, hi = g->hi;

	(void)s;
	/* complete the operation's own values over [lo, hi) */
	for (uint32_t i = 0; i < r->n; i++) {
		if (r->v[i].op != a->op || r->v[i].t_end != SIM_TIME_MAX)
			continue;
		int k = val_isolate(r, i, lo, hi);

		if (k >= 0)
			r->v[k].t_end = a->now;
	}
	/* supersede what had completed before it began */
	for (uint32_t i = 0; a->definite && i < r->n; i++) {
		if (r->v[i].op == a->op || r->v[i].t_super != SIM_TIME_MAX ||
		    r->v[i].t_end > a->t_begin)
			continue;
		int k = val_isolate(r, i, lo, hi);

		if (k >= 0)
			r->v[k].t_super = a->now;
	}
	blk_normalize(r);
}

void oracle_shadow_end(struct oracle_shadow *s, uint64_t off, uint64_t len,
		       uint64_t op, sim_time_t t_begin, bool definite,
		       sim_time_t now)
{
	struct end_arg a = { .op = op, .t_begin = t_begin, .now = now,
			     .definite = definite };
	struct seg seg[3];
	unsigned n = segments(s, off, len, seg);

	for (unsigned i = 0; i < n; i++)
		apply(s, &seg[i], false, rec_end, &a);
}

/* Drops values superseded before the horizon; true if any was. */
static bool rec_prune(struct oracle_blk *r, sim_time_t horizon)
{
	uint32_t n0 = r->n;

	for (uint32_t i = 0; i < r->n;) {
		if (r->v[i].t_super < horizon)
			r->v[i] = r->v[--r->n];
		else
			i++;
	}
	/* A record always keeps at least its current values, so n
	 * cannot drop to 0 here (0 would mean "never written"). */
	SIM_BUG_ON(r->n == 0);
	return r->n != n0;
}

void oracle_shadow_prune(struct oracle_shadow *s, uint64_t off, uint64_t len,
			 sim_time_t horizon)
{
	uint64_t first = off >> s->blockbits, last, key, st, n;
	struct oracle_blk *r;
	bool cut = false;

	if (len == UINT64_MAX || off + len > (s->nblocks_hint << s->blockbits))
		last = s->nblocks_hint;
	else
		last = (off + len + s->blocksize - 1) >> s->blockbits;
	if (first >= last)
		return;
	/* Only runs holding a value to drop are cut to the range. */
	for (key = first; (r = sim_extmap_next(&s->runs, key, &st, &n)) &&
			  st < last; key = st + n) {
		bool any = false;

		for (uint32_t i = 0; i < r->n && !any; i++)
			any = r->v[i].t_super < horizon;
		if (!any)
			continue;
		if (st < first || st + n > last) {
			sim_extmap_split(&s->runs, first);
			sim_extmap_split(&s->runs, last);
			r = sim_extmap_find(&s->runs, MAX(st, first), &st, &n);
		}
		/* pruning keeps the current values: a pristine record stays
		 * what the set-up laid down */
		rec_prune(r, horizon);
		cut = true;
	}
	if (cut)
		merge_range(s, first, last);
}

/* Append the values of `from` to the scratch record: moved ones (current
 * only, shifted by `shift` bytes) or the old ones of the destination
 * (superseded at now; no longer tied to an operation). */
static void scratch_add(struct oracle_shadow *s, uint32_t *n,
			const struct oracle_blk *from, bool moved,
			int64_t shift, sim_time_t now)
{
	for (uint32_t i = 0; from && i < from->n; i++) {
		struct oracle_val v = from->v[i];

		if (moved) {
			if (v.t_super != SIM_TIME_MAX)
				continue;
			if (v.stamp)
				v.delta += shift;
		} else {
			if (v.t_super == SIM_TIME_MAX)
				v.t_super = now;
			v.op = 0;
		}
		if (*n == s->scratch_cap) {
			s->scratch_cap = s->scratch_cap ? 2 * s->scratch_cap : 8;
			s->scratch = g_renew(struct oracle_val, s->scratch,
					     s->scratch_cap);
		}
		s->scratch[(*n)++] = v;
	}
}

/* The record a position gets from its own (dst; NULL: none) and the one
 * moving in (src; NULL: zeros laid at now): dst's values superseded, then
 * src's current ones.  Returns false when both are absent (zeros stay
 * zeros, no record). */
static bool shift_rec(struct oracle_shadow *s, struct oracle_blk *out,
		      const struct oracle_blk *dst, const struct oracle_blk *src,
		      int64_t shift, sim_time_t now)
{
	struct oracle_blk zero;
	uint32_t n = 0;

	if (!dst && !src)
		return false;
	if (!dst) {
		rec_zero(s, &zero);   /* implicit zeros become explicit */
		dst = &zero;
	}
	scratch_add(s, &n, dst, false, 0, now);
	if (dst == &zero)
		g_free(zero.v);
	if (src) {
		scratch_add(s, &n, src, true, shift, now);
	} else {
		struct oracle_val z = {
			.t_begin = now, .t_end = now, .t_super = SIM_TIME_MAX,
			.hi = s->blocksize,
		};

		scratch_add(s, &n, &(struct oracle_blk){ .n = 1, .v = &z },
			    true, 0, now);
	}
	*out = (struct oracle_blk){ .n = n, .cap = n };
	out->v = g_new(struct oracle_val, n);
	memcpy(out->v, s->scratch, n * sizeof(out->v[0]));
	blk_normalize(out);
	return true;
}

/* The run (record and its end) at block b, or the gap there (NULL and
 * where the next run starts, or UINT64_MAX). */
static const struct oracle_blk *run_at(const struct oracle_shadow *s,
				       uint64_t b, uint64_t *end)
{
	uint64_t st, n;
	const struct oracle_blk *r = sim_extmap_next(&s->runs, b, &st, &n);

	if (!r) {
		*end = UINT64_MAX;
		return NULL;
	}
	if (st > b) {
		*end = st;
		return NULL;
	}
	*end = st + n;
	return r;
}

struct piece {
	uint64_t start, len;
	struct oracle_blk rec;
};

void oracle_shadow_shift(struct oracle_shadow *s, uint64_t from,
			 int64_t shift, sim_time_t now)
{
	uint64_t k = (uint64_t)(shift < 0 ? -shift : shift) >> s->blockbits;
	uint64_t fb = from >> s->blockbits, n = s->nblocks_hint;
	uint64_t p0, p1, bound, hint = n;
	GArray *pieces;

	SIM_BUG_ON(from & (s->blocksize - 1));
	SIM_BUG_ON((uint64_t)(shift < 0 ? -shift : shift) & (s->blocksize - 1));
	if (!k)
		return;
	/* Position p takes its source q: collapse p in [fb - k, n) from
	 * q = p + k while q < n; insert p in [fb, n + k) from q = p - k
	 * while p >= fb + k.  Every position is computed from the records
	 * as they were before the shift, run by run. */
	if (shift < 0) {
		SIM_BUG_ON(fb < k);
		p0 = fb - k;
		p1 = n;
		bound = n > k ? n - k : 0;   /* p >= bound: no source */
	} else {
		p0 = fb;
		p1 = n + k;
		bound = fb + k;              /* p < bound: no source */
	}
	if (p0 >= p1)
		return;
	pieces = g_array_new(FALSE, FALSE, sizeof(struct piece));
	for (uint64_t p = p0; p < p1;) {
		uint64_t dend, send = UINT64_MAX, end;
		const struct oracle_blk *dst = run_at(s, p, &dend), *src = NULL;
		bool has_src = shift < 0 ? p < bound : p >= bound;
		struct piece pc;

		if (has_src) {
			uint64_t q = shift < 0 ? p + k : p - k, qend;

			src = run_at(s, q, &qend);
			if (qend != UINT64_MAX)
				send = shift < 0 ? qend - k : qend + k;
		}
		end = MIN(MIN(dend, send), p1);
		if (shift < 0 ? p < bound : p < bound)
			end = MIN(end, bound);
		pc.start = p;
		pc.len = end - p;
		if (shift_rec(s, &pc.rec, dst, src, shift, now)) {
			g_array_append_val(pieces, pc);
			if (end > hint)
				hint = end;
		}
		p = end;
	}
	sim_extmap_remove(&s->runs, p0, p1 - p0);
	for (unsigned i = 0; i < pieces->len; i++) {
		struct piece *pc = &g_array_index(pieces, struct piece, i);

		*(struct oracle_blk *)sim_extmap_insert(&s->runs, pc->start,
							pc->len) = pc->rec;
	}
	merge_range(s, p0 ? p0 - 1 : 0, p1);
	g_array_free(pieces, TRUE);
	s->nblocks_hint = hint;
}

/* ---- checks ------------------------------------------------------------------------ */

static bool val_allowed(const struct oracle_val *v, sim_time_t tb,
			sim_time_t te)
{
	return v->t_begin <= te && v->t_super >= tb;
}

static bool val_matches(const struct oracle_val *v, sim_stamp_t stamp,
			int64_t delta)
{
	return v->stamp == stamp && (stamp == 0 || v->delta == delta);
}

/* The current value of byte x of record r (latest completion wins). */
static const struct oracle_val *val_current(const struct oracle_blk *r,
					    uint32_t x)
{
	const struct oracle_val *best = NULL;

	for (uint32_t i = 0; r && i < r->n; i++) {
		const struct oracle_val *v = &r->v[i];

		if (v->lo > x || x >= v->hi || v->t_super != SIM_TIME_MAX)
			continue;
		if (!best || (v->t_end != SIM_TIME_MAX &&
			      (best->t_end == SIM_TIME_MAX ||
			       v->t_end > best->t_end)))
			best = v;
	}
	return best;
}

static void fill_mismatch(const struct oracle_shadow *s,
			  const struct oracle_blk *r, uint64_t b, uint32_t x,
			  sim_stamp_t stamp, int64_t delta, sim_time_t tb,
			  sim_time_t te, struct oracle_mismatch *mm)
{
	uint64_t fx = (b << s->blockbits) + x;
	const struct oracle_val *cur = val_current(r, x);

	*mm = (struct oracle_mismatch){
		.off = fx, .got = stamp,
		.got_origin = stamp ? (uint32_t)((int64_t)fx - delta) : 0,
	};
	if (cur) {
		mm->want = cur->stamp;
		mm->want_origin = cur->stamp ?
				  (uint32_t)((int64_t)fx - cur->delta) : 0;
		mm->want_task = cur->task;
		mm->want_end = cur->t_end;
		mm->want_begin = cur->t_begin;
		mm->want_op = cur->op;
	}
	for (uint32_t i = 0; r && i < r->n; i++) {
		const struct oracle_val *v = &r->v[i];

		if (v->lo > x || x >= v->hi)
			continue;
		if (val_allowed(v, tb, te))
			mm->nallowed++;
		if (val_matches(v, stamp, delta) && !mm->got_task) {
			mm->got_task = v->task;
			mm->got_super = v->t_super;
		}
	}
	if (!r)
		mm->nallowed = 1;   /* never written: zeros only */
}

/* The first byte of [lo, hi) in record r that the read may not have
 * returned (stamp, delta over [tb, te]), or hi. */
static uint32_t rec_check(const struct oracle_blk *r, uint32_t lo, uint32_t hi,
			  sim_stamp_t stamp, int64_t delta, sim_time_t tb,
			  sim_time_t te)
{
	uint32_t pos = lo;

	while (pos < hi) {
		uint32_t reach = pos;

		for (uint32_t i = 0; i < r->n; i++) {
			const struct oracle_val *v = &r->v[i];

			if (v->lo <= pos && pos < v->hi &&
			    v->hi > reach && val_matches(v, stamp, delta) &&
			    val_allowed(v, tb, te))
				reach = v->hi;
		}
		if (reach == pos)
			return pos;
		pos = reach;
	}
	return hi;
}

bool oracle_shadow_check(const struct oracle_shadow *s, uint64_t off,
			 uint64_t len, sim_stamp_t stamp, uint32_t origin,
			 sim_time_t tb, sim_time_t te,
			 struct oracle_mismatch *mm)
{
	/* byte x of the read holds byte x - delta of the stamp */
	int64_t delta = (int64_t)off - (int64_t)origin;
	struct seg seg[3];
	unsigned nseg = segments(s, off, len, seg);

	/* Blocks of one run get one verdict: the first block of a run (in a
	 * window) stands for the rest. */
	for (unsigned i = 0; i < nseg; i++) {
		const struct seg *g = &seg[i];

		for (uint64_t b = g->b0, end; b < g->b1; b = end) {
			const struct oracle_blk *r = run_at(s, b, &end);
			uint32_t bad;

			if (!r) {
				if (stamp == 0)
					continue;
				fill_mismatch(s, r, b, g->lo, stamp, delta, tb,
					      te, mm);
				return false;
			}
			bad = rec_check(r, g->lo, g->hi, stamp, delta, tb, te);
			if (bad < g->hi) {
				fill_mismatch(s, r, b, bad, stamp, delta, tb, te,
					      mm);
				return false;
			}
		}
	}
	return true;
}

bool oracle_shadow_final(const struct oracle_shadow *s, uint64_t off,
			 sim_stamp_t *stamp, uint32_t *origin, uint32_t *run,
			 uint32_t *task)
{
	uint64_t b = off >> s->blockbits, end;
	uint32_t x = (uint32_t)(off & (s->blocksize - 1));
	const struct oracle_blk *r = run_at(s, b, &end);
	const struct oracle_val *cur = NULL;
	uint32_t next = s->blocksize;
	bool single = true;

	*stamp = 0;
	*origin = 0;
	*task = 0;
	for (uint32_t i = 0; r && i < r->n; i++) {
		const struct oracle_val *v = &r->v[i];

		/* the run ends at the next boundary of any value */
		if (v->lo > x && v->lo < next)
			next = v->lo;
		if (v->hi > x && v->hi < next)
			next = v->hi;
		if (v->lo > x || x >= v->hi || v->t_super != SIM_TIME_MAX)
			continue;
		if (v->t_end == SIM_TIME_MAX)
			single = false;   /* still in flight */
		else if (cur && !val_matches(cur, v->stamp, v->delta))
			single = false;   /* concurrent writes: either may win */
		cur = cur ? cur : v;
	}
	*run = next - x;
	if (cur) {
		*stamp = cur->stamp;
		*origin = cur->stamp ? (uint32_t)((int64_t)off - cur->delta) : 0;
		*task = cur->task;
	}
	return single;
}

uint64_t oracle_shadow_nvals(const struct oracle_shadow *s)
{
	uint64_t n = 0, key = 0, st, len;
	const struct oracle_blk *r;

	for (; (r = sim_extmap_next(&s->runs, key, &st, &len)); key = st + len)
		n += (uint64_t)r->n * len;
	return n;
}

void oracle_shadow_mark_pristine(struct oracle_shadow *s)
{
	uint64_t key = 0, st, len;
	struct oracle_blk *r;

	for (; (r = sim_extmap_next(&s->runs, key, &st, &len)); key = st + len)
		r->pristine = true;
	merge_range(s, 0, s->nblocks_hint);
}

bool oracle_shadow_next_touched(const struct oracle_shadow *s, uint64_t b,
				uint64_t *start, uint64_t *len)
{
	uint64_t key = b, st, n;
	const struct oracle_blk *r;

	for (; (r = sim_extmap_next(&s->runs, key, &st, &n)); key = st + n)
		if (!r->pristine) {
			*start = st;
			*len = n;
			return true;
		}
	return false;
}
