/* fs/oracle/shadow.c — the shadow contents of one file: which bytes a read
 * may legally return (model-only; the rules are in fs/oracle/internal.h).
 *
 * Layout: one record per file block (the fs block size), reached through a
 * table of 512-record chunks allocated on first touch, so sparse files cost
 * little and collapse/insert (block-aligned) move whole records.  A record
 * is a short array of candidate values, each over a byte range of the
 * block; a block written once by one operation holds one or two values.
 * Values are split where an operation covers part of them and merged back
 * when neighbours become equal, as fs/block/contents.c does with runs.
 *
 * Cost: begin/end/check walk the blocks of the range and the few values of
 * each; shift walks every record from the shift point to the end of the
 * file (collapse/insert are rare).  Nothing is allocated per operation once
 * the records exist (value arrays grow by doubling and never shrink).
 */
#include "config.h"

#include <string.h>

#include "fs/oracle/internal.h"

void oracle_shadow_init(struct oracle_shadow *s, unsigned blocksize)
{
	*s = (struct oracle_shadow){ .blocksize = blocksize };
	while ((1u << s->blockbits) < blocksize)
		s->blockbits++;
	SIM_BUG_ON((1u << s->blockbits) != blocksize);
}

void oracle_shadow_destroy(struct oracle_shadow *s)
{
	for (uint64_t c = 0; c < s->nchunks; c++) {
		if (!s->chunks[c])
			continue;
		for (unsigned i = 0; i < ORACLE_CHUNK; i++)
			g_free(s->chunks[c][i].v);
		g_free(s->chunks[c]);
	}
	g_free(s->chunks);
	g_free(s->scratch);
	*s = (struct oracle_shadow){ 0 };
}

/* ---- records -------------------------------------------------------------------- */

static struct oracle_blk *blk_peek(const struct oracle_shadow *s, uint64_t b)
{
	uint64_t c = b >> ORACLE_CHUNK_SHIFT;
	struct oracle_blk *r;

	if (c >= s->nchunks || !s->chunks[c])
		return NULL;
	r = &s->chunks[c][b & (ORACLE_CHUNK - 1)];
	return r->n ? r : NULL;
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

/* The record of block b, created (all zeros since time 0) if absent. */
static struct oracle_blk *blk_get(struct oracle_shadow *s, uint64_t b)
{
	uint64_t c = b >> ORACLE_CHUNK_SHIFT;
	struct oracle_blk *r;

	if (c >= s->nchunks) {
		uint64_t n = s->nchunks ? s->nchunks : 4;

		while (n <= c)
			n *= 2;
		s->chunks = g_renew(struct oracle_blk *, s->chunks, n);
		memset(&s->chunks[s->nchunks], 0,
		       (n - s->nchunks) * sizeof(s->chunks[0]));
		s->nchunks = n;
	}
	if (!s->chunks[c])
		s->chunks[c] = g_new0(struct oracle_blk, ORACLE_CHUNK);
	r = &s->chunks[c][b & (ORACLE_CHUNK - 1)];
	if (!r->n) {
		struct oracle_val z = {
			.t_super = SIM_TIME_MAX, .hi = s->blocksize,
		};

		blk_push(r, &z);
	}
	if (b + 1 > s->nblocks_hint)
		s->nblocks_hint = b + 1;
	return r;
}

static bool val_same(const struct oracle_val *a, const struct oracle_val *b)
{
	return a->stamp == b->stamp && (a->stamp == 0 || a->delta == b->delta) &&
	       a->t_begin == b->t_begin && a->t_end == b->t_end &&
	       a->t_super == b->t_super && a->op == b->op &&
	       a->task == b->task;
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

/* Calls fn for each block b touched by [off, off+len) with the byte window
 * [lo, hi) inside it. */
#define for_each_block(s, off, len, b, lo, hi)                                 \
	for (uint64_t b = (off) >> (s)->blockbits,                             \
		      _end = (off) + (len), _bs = (s)->blocksize,              \
		      _bstart;                                                 \
	     _bstart = b << (s)->blockbits, b << (s)->blockbits < _end; b++)  \
		for (uint32_t lo = (uint32_t)((off) > _bstart ? (off) - _bstart : 0), \
			      hi = (uint32_t)(_end - _bstart < _bs ? _end - _bstart : _bs), \
			      _once = 1; _once; _once = 0)

/* ---- operations ------------------------------------------------------------------ */

void oracle_shadow_begin(struct oracle_shadow *s, uint64_t off, uint64_t len,
			 sim_stamp_t stamp, int64_t delta, uint64_t op,
			 uint32_t task, sim_time_t now)
{
	for_each_block(s, off, len, b, lo, hi) {
		struct oracle_val v = {
			.stamp = stamp, .delta = stamp ? delta : 0,
			.t_begin = now, .t_end = SIM_TIME_MAX,
			.t_super = SIM_TIME_MAX, .op = op, .lo = lo, .hi = hi,
			.task = task,
		};

		blk_push(blk_get(s, b), &v);
	}
}

void oracle_shadow_end(struct oracle_shadow *s, uint64_t off, uint64_t len,
		       uint64_t op, sim_time_t t_begin, bool definite,
		       sim_time_t now)
{
	for_each_block(s, off, len, b, lo, hi) {
		struct oracle_blk *r = blk_peek(s, b);

		if (!r)
			continue;
		/* complete the operation's own values over [lo, hi) */
		for (uint32_t i = 0; i < r->n; i++) {
			if (r->v[i].op != op || r->v[i].t_end != SIM_TIME_MAX)
				continue;
			int k = val_isolate(r, i, lo, hi);

			if (k >= 0)
				r->v[k].t_end = now;
		}
		/* supersede what had completed before it began */
		for (uint32_t i = 0; definite && i < r->n; i++) {
			if (r->v[i].op == op || r->v[i].t_super != SIM_TIME_MAX ||
			    r->v[i].t_end > t_begin)
				continue;
			int k = val_isolate(r, i, lo, hi);

			if (k >= 0)
				r->v[k].t_super = now;
		}
		blk_normalize(r);
	}
}

void oracle_shadow_prune(struct oracle_shadow *s, uint64_t off, uint64_t len,
			 sim_time_t horizon)
{
	uint64_t first = off >> s->blockbits, last;

	if (len == UINT64_MAX || off + len > (s->nblocks_hint << s->blockbits))
		last = s->nblocks_hint;
	else
		last = (off + len + s->blocksize - 1) >> s->blockbits;
	for (uint64_t b = first; b < last; b++) {
		struct oracle_blk *r = blk_peek(s, b);

		for (uint32_t i = 0; r && i < r->n;) {
			if (r->v[i].t_super < horizon)
				r->v[i] = r->v[--r->n];
			else
				i++;
		}
		/* A record always keeps at least its current values, so n
		 * cannot drop to 0 here (0 would mean "never written"). */
		SIM_BUG_ON(r && r->n == 0);
	}
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

/* Position p gets the values moved from `src` (NULL: zeros laid at now)
 * and keeps its own, superseded. */
static void shift_one(struct oracle_shadow *s, uint64_t p,
		      const struct oracle_blk *src, int64_t shift,
		      sim_time_t now)
{
	struct oracle_blk *dst = blk_peek(s, p);
	uint32_t n = 0;

	if (!dst && !src)
		return;   /* zeros stay zeros */
	if (!dst)
		dst = blk_get(s, p);   /* implicit zeros become explicit */
	scratch_add(s, &n, dst, false, 0, now);
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
	blk_reserve(dst, n);
	memcpy(dst->v, s->scratch, n * sizeof(dst->v[0]));
	dst->n = n;
	blk_normalize(dst);
}

void oracle_shadow_shift(struct oracle_shadow *s, uint64_t from,
			 int64_t shift, sim_time_t now)
{
	uint64_t k = (uint64_t)(shift < 0 ? -shift : shift) >> s->blockbits;
	uint64_t fb = from >> s->blockbits, n = s->nblocks_hint;

	SIM_BUG_ON(from & (s->blocksize - 1));
	SIM_BUG_ON((uint64_t)(shift < 0 ? -shift : shift) & (s->blocksize - 1));
	if (!k)
		return;
	if (shift < 0) {
		/* collapse: p in [fb - k, n) takes p + k; src read before
		 * anything at or above it is rewritten (ascending). */
		SIM_BUG_ON(fb < k);
		for (uint64_t p = fb - k; p < n; p++)
			shift_one(s, p, p + k < n ? blk_peek(s, p + k) : NULL,
				  shift, now);
	} else {
		/* insert: p in [fb, n + k) takes p - k (descending) */
		for (uint64_t p = n + k; p-- > fb;)
			shift_one(s, p, p >= fb + k ? blk_peek(s, p - k) : NULL,
				  shift, now);
	}
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

bool oracle_shadow_check(const struct oracle_shadow *s, uint64_t off,
			 uint64_t len, sim_stamp_t stamp, uint32_t origin,
			 sim_time_t tb, sim_time_t te,
			 struct oracle_mismatch *mm)
{
	/* byte x of the read holds byte x - delta of the stamp */
	int64_t delta = (int64_t)off - (int64_t)origin;

	for_each_block(s, off, len, b, lo, hi) {
		const struct oracle_blk *r = blk_peek(s, b);
		uint32_t pos = lo;

		if (!r) {
			if (stamp == 0)
				continue;
			fill_mismatch(s, r, b, lo, stamp, delta, tb, te, mm);
			return false;
		}
		while (pos < hi) {
			uint32_t reach = pos;

			for (uint32_t i = 0; i < r->n; i++) {
				const struct oracle_val *v = &r->v[i];

				if (v->lo <= pos && pos < v->hi &&
				    v->hi > reach && val_matches(v, stamp, delta) &&
				    val_allowed(v, tb, te))
					reach = v->hi;
			}
			if (reach == pos) {
				fill_mismatch(s, r, b, pos, stamp, delta, tb, te,
					      mm);
				return false;
			}
			pos = reach;
		}
	}
	return true;
}

bool oracle_shadow_final(const struct oracle_shadow *s, uint64_t off,
			 sim_stamp_t *stamp, uint32_t *origin, uint32_t *run,
			 uint32_t *task)
{
	uint64_t b = off >> s->blockbits;
	uint32_t x = (uint32_t)(off & (s->blocksize - 1));
	const struct oracle_blk *r = blk_peek(s, b);
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
	uint64_t n = 0;

	for (uint64_t c = 0; c < s->nchunks; c++)
		for (unsigned i = 0; s->chunks[c] && i < ORACLE_CHUNK; i++)
			n += s->chunks[c][i].n;
	return n;
}
