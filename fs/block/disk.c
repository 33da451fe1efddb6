/* fs/block/disk.c — per-block owners and contents of the simulated disk
 * (model-only; state machine and write rules in disk.h).
 *
 * Cost follows what was touched, not the size of the disk: owners are runs
 * (fs/extmap.h) over a default layout computed on demand (each group's
 * fixed metadata, free space elsewhere), contents are runs laid down at
 * set-up plus one record per block written since.  Lookups are O(log
 * runs); iteration is in block order, which keeps every query
 * deterministic.  (Before: dense per-block arrays of 80 bytes, 20 MiB per
 * GiB of disk in every world; a 1 TiB file system could not be allocated.)
 *
 * A transition rewrites the runs over its range: the source state is
 * asserted piece by piece, the range gets its new runs, and neighbours
 * that continue each other (same owner, lblk rising) merge again.  A block
 * that becomes FREE loses its run (the default layout says FREE there).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "fs/block/disk.h"

#define CONTENTS_CHUNK 256   /* contents records allocated at once */

static const char *const kind_names[EXT4_SIM_OWN_NR_KINDS] = {
	[EXT4_SIM_OWN_FREE] = "free",
	[EXT4_SIM_OWN_PENDING_FREE] = "pending-free",
	[EXT4_SIM_OWN_DATA] = "data",
	[EXT4_SIM_OWN_NODE] = "extent-node",
	[EXT4_SIM_OWN_JOURNAL] = "journal",
	[EXT4_SIM_OWN_FSMETA] = "fs-metadata",
};

const char *ext4_sim_owner_kind_name(enum ext4_sim_owner_kind k)
{
	return k < EXT4_SIM_OWN_NR_KINDS ? kind_names[k] : "?";
}

static int format_plain(uint8_t kind, uint32_t ino, uint32_t lblk, char *buf,
			size_t len)
{
	switch (kind) {
	case EXT4_SIM_OWN_DATA:
		return snprintf(buf, len, "data ino %u lblk %u", ino, lblk);
	case EXT4_SIM_OWN_NODE:
		return snprintf(buf, len, "extent-node ino %u", ino);
	default:
		return snprintf(buf, len, "%s", ext4_sim_owner_kind_name(kind));
	}
}

int ext4_sim_owner_format(const struct ext4_sim_owner *o, char *buf,
			  size_t len)
{
	char prev[64];
	int n;

	if (o->kind == EXT4_SIM_OWN_PENDING_FREE) {
		format_plain(o->prev_kind, o->ino, o->lblk, prev, sizeof(prev));
		return snprintf(buf, len, "pending-free tid %u (was %s)", o->tid,
				prev);
	}
	n = format_plain(o->kind, o->ino, o->lblk, buf, len);
	if (o->clobbered && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n,
			      ", clobbered by data #%" PRIu64, o->clobber);
	return n;
}

/* ---- owner runs ---------------------------------------------------------------- */

/* Does the owner's lblk rise along its run (one file block per block)? */
static inline bool lblk_rises(const struct ext4_sim_owner *o)
{
	return o->kind == EXT4_SIM_OWN_DATA ||
	       (o->kind == EXT4_SIM_OWN_PENDING_FREE &&
		o->prev_kind == EXT4_SIM_OWN_DATA);
}

static void own_split(void *dst, const void *src, uint64_t delta)
{
	struct ext4_sim_owner *r = dst;

	*r = *(const struct ext4_sim_owner *)src;
	if (lblk_rises(r))
		r->lblk += (uint32_t)delta;
}

static bool own_mergeable(const void *pa, uint64_t alen, const void *pb)
{
	const struct ext4_sim_owner *a = pa, *b = pb;

	if (a->kind != b->kind || a->prev_kind != b->prev_kind ||
	    a->ino != b->ino || a->tid != b->tid || a->clobbered ||
	    b->clobbered)
		return false;
	return lblk_rises(a) ? b->lblk == a->lblk + (uint32_t)alen
			     : b->lblk == a->lblk;
}

static const struct sim_extmap_ops owner_ops = {
	.vsize = sizeof(struct ext4_sim_owner),
	.split = own_split,
	.mergeable = own_mergeable,
};

/* ---- initial contents runs ---------------------------------------------------------- */

/* Blocks of a run hold bytes [origin + i * bs, ...) of stamp: the first
 * `len` bytes of the run (counted from its first block), zero after. */
struct initial_run {
	sim_stamp_t stamp;
	uint64_t len;
	uint32_t origin;
	uint32_t bs;
};

static void initial_split(void *dst, const void *src, uint64_t delta)
{
	struct initial_run *r = dst;

	*r = *(const struct initial_run *)src;
	r->origin += (uint32_t)(delta * r->bs);
	r->len -= delta * r->bs;
}

static const struct sim_extmap_ops initial_ops = {
	.vsize = sizeof(struct initial_run),
	.split = initial_split,
};

/* c = block i of run r */
static void initial_fill(struct sim_contents *c, const struct initial_run *r,
			 uint64_t i)
{
	uint64_t boff = i * r->bs;
	uint32_t in = (uint32_t)MIN((uint64_t)r->bs, r->len - boff);

	sim_contents_init(c, r->bs);
	sim_contents_set(c, 0, in, r->stamp, r->origin + (uint32_t)boff);
}

/* ---- life cycle ----------------------------------------------------------------------- */

struct ext4_sim_disk *ext4_sim_disk_new(struct sim_world *w, uint64_t nblocks,
					unsigned blocksize,
					const struct blk_sim_profile *prof)
{
	struct ext4_sim_disk *d = g_new0(struct ext4_sim_disk, 1);

	SIM_BUG_ON(nblocks == 0 || blocksize > SIM_CONTENTS_MAX_SIZE);
	d->nblocks = nblocks;
	d->blocksize = blocksize;
	sim_extmap_init(&d->owners, &owner_ops);
	sim_extmap_init(&d->initial, &initial_ops);
	radix_tree_pool_init(&d->written_pool);
	radix_tree_init(&d->written, &d->written_pool);
	d->count[EXT4_SIM_OWN_FREE] = nblocks;
	sim_stamp_table_init(&d->stamps);
	blk_sim_bdev_init(w, &d->bdev, prof, blocksize);
	return d;
}

void ext4_sim_disk_free(struct ext4_sim_disk *d)
{
	uint64_t idx = 0;
	struct sim_contents *c;

	if (!d)
		return;
	while ((c = radix_tree_next(&d->written, idx, -1, &idx))) {
		sim_contents_destroy(c);
		idx++;
	}
	radix_tree_destroy(&d->written);
	radix_tree_pool_destroy(&d->written_pool);
	for (unsigned i = 0; i < d->ncontents_chunks; i++)
		g_free(d->contents_chunks[i]);
	g_free(d->contents_chunks);
	sim_extmap_destroy(&d->owners);
	sim_extmap_destroy(&d->initial);
	blk_sim_bdev_destroy(&d->bdev);
	sim_stamp_table_destroy(&d->stamps);
	g_free(d);
}

void ext4_sim_disk_set_default(struct ext4_sim_disk *d,
			       ext4_sim_disk_default_fn fn, void *ctx,
			       uint64_t meta_blocks)
{
	SIM_BUG_ON(sim_extmap_count(&d->owners) != 0 || d->default_fn ||
		   meta_blocks > d->nblocks);
	d->default_fn = fn;
	d->default_ctx = ctx;
	d->count[EXT4_SIM_OWN_FREE] -= meta_blocks;
	d->count[EXT4_SIM_OWN_FSMETA] += meta_blocks;
}

/* The default owner kind of blk; *end: where the default may change. */
static enum ext4_sim_owner_kind dflt(const struct ext4_sim_disk *d,
				     uint64_t blk, uint64_t *end)
{
	enum ext4_sim_owner_kind k;

	if (!d->default_fn) {
		*end = d->nblocks;
		return EXT4_SIM_OWN_FREE;
	}
	k = d->default_fn(d->default_ctx, blk, end);
	SIM_BUG_ON(*end <= blk);
	if (*end > d->nblocks)
		*end = d->nblocks;
	return k;
}

/* ---- walking the owners -------------------------------------------------------------- */

/* fn(ctx, blk, n, owner, stored) for each piece of [lo, hi) with one owner
 * (a stored run, or a stretch of the default layout), in order; o->lblk is
 * that of blk.  Stops when fn returns false. */
typedef bool (*piece_fn)(void *ctx, uint64_t blk, uint64_t n,
			 const struct ext4_sim_owner *o, bool stored);

static void walk(const struct ext4_sim_disk *d, uint64_t lo, uint64_t hi,
		 piece_fn fn, void *ctx)
{
	uint64_t b = lo;

	while (b < hi) {
		uint64_t s = 0, n = 0, e;
		const struct ext4_sim_owner *v =
			sim_extmap_next(&d->owners, b, &s, &n);

		if (v && s <= b) {
			struct ext4_sim_owner o = *v;

			if (lblk_rises(&o))
				o.lblk += (uint32_t)(b - s);
			e = MIN(s + n, hi);
			if (!fn(ctx, b, e - b, &o, true))
				return;
			b = e;
			continue;
		}
		for (uint64_t gend = v ? MIN(s, hi) : hi; b < gend; b = e) {
			struct ext4_sim_owner o = { .kind = (uint8_t)dflt(d, b, &e) };

			e = MIN(e, gend);
			if (!fn(ctx, b, e - b, &o, false))
				return;
		}
	}
}

const struct ext4_sim_owner *ext4_sim_disk_owner(const struct ext4_sim_disk *d,
						 uint64_t blk)
{
	/* the peek ring is scratch, not state */
	struct ext4_sim_disk *dm = (struct ext4_sim_disk *)d;
	struct ext4_sim_owner *o =
		&dm->peek_owner[dm->peek_owner_next++ % EXT4_SIM_DISK_PEEKS];
	const struct ext4_sim_owner *v;
	uint64_t s, e;

	SIM_BUG_ON(blk >= d->nblocks);
	v = sim_extmap_find(&d->owners, blk, &s, NULL);
	if (v) {
		*o = *v;
		if (lblk_rises(o))
			o->lblk += (uint32_t)(blk - s);
	} else {
		*o = (struct ext4_sim_owner){ .kind = (uint8_t)dflt(d, blk, &e) };
	}
	return o;
}

/* Merge runs that continue each other at every run boundary in [lo, hi]. */
static void merge_range(struct ext4_sim_disk *d, uint64_t lo, uint64_t hi)
{
	uint64_t key = lo;

	for (;;) {
		uint64_t s, n;

		sim_extmap_merge_at(&d->owners, key);
		if (!sim_extmap_find(&d->owners, key, &s, &n)) {
			if (!sim_extmap_next(&d->owners, key, &s, &n) || s > hi)
				return;
			key = s;
			continue;
		}
		key = s + n;
		if (key > hi)
			return;
	}
}

/* [blk, blk + count) becomes owner n (its lblk that of blk): one stored
 * run, or none for FREE (the default layout must say FREE there). */
static void put_run(struct ext4_sim_disk *d, uint64_t blk, uint64_t count,
		    const struct ext4_sim_owner *n)
{
	sim_extmap_remove(&d->owners, blk, count);
	if (n->kind == EXT4_SIM_OWN_FREE) {
		for (uint64_t b = blk, e; b < blk + count; b = e)
			SIM_BUG_ON(dflt(d, b, &e) != EXT4_SIM_OWN_FREE);
	} else {
		*(struct ext4_sim_owner *)sim_extmap_insert(&d->owners, blk,
							    count) = *n;
	}
	merge_range(d, blk, blk + count);
}

static void check_range(const struct ext4_sim_disk *d, uint64_t blk,
			uint64_t count)
{
	SIM_BUG_ON(count == 0 || blk >= d->nblocks || count > d->nblocks - blk);
}

/* Pieces must be of kind `want` (or, with want2 != -1, want2); their
 * blocks leave the counts (and the clobbered total). */
struct take {
	struct ext4_sim_disk *d;
	int want, want2;
	uint32_t ino;        /* relabel: pieces must be DATA of ino */
	bool check_ino;
	uint32_t tid;        /* release: pieces must be pending in tid */
	bool check_tid;
};

static bool take_piece(void *ctx, uint64_t blk, uint64_t n,
		       const struct ext4_sim_owner *o, bool stored)
{
	struct take *t = ctx;

	(void)blk;
	(void)stored;
	SIM_BUG_ON(o->kind != t->want && o->kind != t->want2);
	SIM_BUG_ON(t->check_ino && o->ino != t->ino);
	SIM_BUG_ON(t->check_tid && o->tid != t->tid);
	t->d->count[o->kind] -= n;
	if (o->clobbered)
		t->d->nr_clobbered -= n;
	return true;
}

static void take(struct ext4_sim_disk *d, uint64_t blk, uint64_t count,
		 const struct take *t0)
{
	struct take t = *t0;

	t.d = d;
	walk(d, blk, blk + count, take_piece, &t);
}

void ext4_sim_disk_alloc_data(struct ext4_sim_disk *d, uint64_t blk,
			      uint64_t count, uint32_t ino, uint32_t lblk)
{
	struct ext4_sim_owner n = {
		.kind = EXT4_SIM_OWN_DATA, .ino = ino, .lblk = lblk,
	};

	check_range(d, blk, count);
	take(d, blk, count, &(struct take){ .want = EXT4_SIM_OWN_FREE,
					    .want2 = -1 });
	d->count[EXT4_SIM_OWN_DATA] += count;
	put_run(d, blk, count, &n);
}

void ext4_sim_disk_alloc_node(struct ext4_sim_disk *d, uint64_t blk,
			      uint32_t ino)
{
	struct ext4_sim_owner n = { .kind = EXT4_SIM_OWN_NODE, .ino = ino };

	check_range(d, blk, 1);
	take(d, blk, 1, &(struct take){ .want = EXT4_SIM_OWN_FREE,
					.want2 = -1 });
	d->count[EXT4_SIM_OWN_NODE]++;
	put_run(d, blk, 1, &n);
}

void ext4_sim_disk_reserve(struct ext4_sim_disk *d, uint64_t blk,
			   uint64_t count, enum ext4_sim_owner_kind kind)
{
	struct ext4_sim_owner n = { .kind = (uint8_t)kind };

	SIM_BUG_ON(kind != EXT4_SIM_OWN_FSMETA && kind != EXT4_SIM_OWN_JOURNAL);
	check_range(d, blk, count);
	take(d, blk, count, &(struct take){ .want = EXT4_SIM_OWN_FREE,
					    .want2 = -1 });
	d->count[kind] += count;
	put_run(d, blk, count, &n);
}

void ext4_sim_disk_relabel(struct ext4_sim_disk *d, uint64_t blk,
			   uint64_t count, uint32_t ino, uint32_t lblk)
{
	struct ext4_sim_owner n = {
		.kind = EXT4_SIM_OWN_DATA, .ino = ino, .lblk = lblk,
	};

	check_range(d, blk, count);
	take(d, blk, count, &(struct take){ .want = EXT4_SIM_OWN_DATA,
					    .want2 = -1, .ino = ino,
					    .check_ino = true });
	d->count[EXT4_SIM_OWN_DATA] += count;
	put_run(d, blk, count, &n);
}

void ext4_sim_disk_free_pending(struct ext4_sim_disk *d, uint64_t blk,
				uint64_t count, uint32_t tid)
{
	uint64_t key, s, n;

	check_range(d, blk, count);
	take(d, blk, count, &(struct take){ .want = EXT4_SIM_OWN_DATA,
					    .want2 = EXT4_SIM_OWN_NODE });
	d->count[EXT4_SIM_OWN_PENDING_FREE] += count;
	/* DATA and NODE blocks always have runs of their own: turn each run
	 * of the range into a pending free remembering it */
	sim_extmap_split(&d->owners, blk);
	sim_extmap_split(&d->owners, blk + count);
	for (key = blk; key < blk + count; key = s + n) {
		struct ext4_sim_owner *o = sim_extmap_find(&d->owners, key, &s,
							    &n);

		SIM_BUG_ON(!o || s != key);
		*o = (struct ext4_sim_owner){
			.kind = EXT4_SIM_OWN_PENDING_FREE, .prev_kind = o->kind,
			.ino = o->ino, .lblk = o->lblk, .tid = tid,
		};
	}
	merge_range(d, blk, blk + count);
}

void ext4_sim_disk_free_now(struct ext4_sim_disk *d, uint64_t blk,
			    uint64_t count)
{
	struct ext4_sim_owner n = { .kind = EXT4_SIM_OWN_FREE };

	check_range(d, blk, count);
	take(d, blk, count, &(struct take){ .want = EXT4_SIM_OWN_DATA,
					    .want2 = EXT4_SIM_OWN_NODE });
	d->count[EXT4_SIM_OWN_FREE] += count;
	put_run(d, blk, count, &n);
}

void ext4_sim_disk_release(struct ext4_sim_disk *d, uint64_t blk,
			   uint64_t count, uint32_t tid)
{
	struct ext4_sim_owner n = { .kind = EXT4_SIM_OWN_FREE };

	check_range(d, blk, count);
	take(d, blk, count, &(struct take){ .want = EXT4_SIM_OWN_PENDING_FREE,
					    .want2 = -1, .tid = tid,
					    .check_tid = true });
	d->count[EXT4_SIM_OWN_FREE] += count;
	put_run(d, blk, count, &n);
}

/* ---- contents --------------------------------------------------------------------------- */

static struct sim_contents *contents_new(struct ext4_sim_disk *d)
{
	if (!d->contents_pool_left) {
		d->contents_chunks = g_renew(void *, d->contents_chunks,
					     d->ncontents_chunks + 1);
		d->contents_pool = g_new(struct sim_contents, CONTENTS_CHUNK);
		d->contents_chunks[d->ncontents_chunks++] = d->contents_pool;
		d->contents_pool_left = CONTENTS_CHUNK;
	}
	d->contents_pool_left--;
	return d->contents_pool++;
}

const struct sim_contents *ext4_sim_disk_contents(const struct ext4_sim_disk *d,
						  uint64_t blk)
{
	struct ext4_sim_disk *dm = (struct ext4_sim_disk *)d;
	const struct initial_run *r;
	struct sim_contents *c;
	uint64_t s;

	SIM_BUG_ON(blk >= d->nblocks);
	c = radix_tree_lookup(&d->written, blk);
	if (c)
		return c;
	/* the peek ring holds one- or two-run lists: inline, nothing to free */
	c = &dm->peek_contents[dm->peek_contents_next++ % EXT4_SIM_DISK_PEEKS];
	r = sim_extmap_find(&d->initial, blk, &s, NULL);
	if (r)
		initial_fill(c, r, blk - s);
	else
		sim_contents_init(c, d->blocksize);
	return c;
}

struct sim_contents *ext4_sim_disk_contents_mut(struct ext4_sim_disk *d,
						uint64_t blk)
{
	struct sim_contents *c;
	const struct initial_run *r;
	uint64_t s;

	SIM_BUG_ON(blk >= d->nblocks);
	c = radix_tree_lookup(&d->written, blk);
	if (c)
		return c;
	c = contents_new(d);
	r = sim_extmap_find(&d->initial, blk, &s, NULL);
	if (r)
		initial_fill(c, r, blk - s);
	else
		sim_contents_init(c, d->blocksize);
	SIM_BUG_ON(radix_tree_insert(&d->written, blk, c) != 0);
	return c;
}

uint64_t ext4_sim_disk_next_written(const struct ext4_sim_disk *d,
				    uint64_t blk)
{
	uint64_t idx;

	return radix_tree_next(&d->written, blk, -1, &idx) ? idx : UINT64_MAX;
}

/* ---- writes ------------------------------------------------------------------------------ */

static bool is_meta_kind(uint8_t k)
{
	return k == EXT4_SIM_OWN_NODE || k == EXT4_SIM_OWN_FSMETA ||
	       k == EXT4_SIM_OWN_JOURNAL;
}

/* blk (metadata) carries the clobbered mark with stamp: a run of its own. */
static void set_clobber(struct ext4_sim_disk *d, uint64_t blk,
			const struct ext4_sim_owner *o, sim_stamp_t stamp)
{
	struct ext4_sim_owner n = *o;

	if (!o->clobbered)
		d->nr_clobbered++;
	n.clobbered = 1;
	n.clobber = stamp;
	sim_extmap_remove(&d->owners, blk, 1);
	*(struct ext4_sim_owner *)sim_extmap_insert(&d->owners, blk, 1) = n;
}

/* Ownership verdict and clobber mark shared by the data-write paths. */
static bool note_data_write(struct ext4_sim_disk *d, uint64_t blk,
			    sim_stamp_t stamp, uint32_t ino, uint32_t lblk,
			    struct ext4_sim_owner *was)
{
	const struct ext4_sim_owner *o = ext4_sim_disk_owner(d, blk);
	bool foreign = !(o->kind == EXT4_SIM_OWN_DATA && o->ino == ino &&
			 o->lblk == lblk);

	if (was)
		*was = *o;
	if (foreign)
		d->foreign_writes++;
	if (is_meta_kind(o->kind)) {
		set_clobber(d, blk, o, stamp);
		d->clobbers++;
	}
	return foreign;
}

bool ext4_sim_disk_write(struct ext4_sim_disk *d, uint64_t blk, uint32_t off,
			 uint32_t len, const struct sim_contents *src,
			 uint32_t soff, uint32_t ino, uint32_t lblk,
			 struct ext4_sim_owner *was)
{
	struct sim_contents *c;
	bool foreign;

	SIM_BUG_ON(blk >= d->nblocks || off + len > d->blocksize || len == 0);
	c = ext4_sim_disk_contents_mut(d, blk);
	sim_contents_copy(c, off, src, soff, len);
	/* The clobber mark names the stamp of the write's first byte (zeros
	 * written into metadata clobber it just the same). */
	foreign = note_data_write(d, blk,
				  sim_contents_at(src, soff, NULL), ino, lblk,
				  was);
	return foreign;
}

bool ext4_sim_disk_write_zero(struct ext4_sim_disk *d, uint64_t blk,
			      uint32_t off, uint32_t len, uint32_t ino,
			      uint32_t lblk, struct ext4_sim_owner *was)
{
	SIM_BUG_ON(blk >= d->nblocks || off + len > d->blocksize || len == 0);
	sim_contents_zero(ext4_sim_disk_contents_mut(d, blk), off, len);
	return note_data_write(d, blk, 0, ino, lblk, was);
}

bool ext4_sim_disk_write_meta(struct ext4_sim_disk *d, uint64_t blk,
			      struct ext4_sim_owner *was)
{
	const struct ext4_sim_owner *o = ext4_sim_disk_owner(d, blk);
	bool foreign = !is_meta_kind(o->kind);
	struct ext4_sim_owner *v;

	if (was)
		*was = *o;
	/* Metadata bytes are kept in the buffer cache; on disk the block
	 * now holds "its metadata", recorded as zero contents (a block that
	 * reads zero already needs no record). */
	if (radix_tree_lookup(&d->written, blk) ||
	    sim_extmap_find(&d->initial, blk, NULL, NULL))
		sim_contents_zero(ext4_sim_disk_contents_mut(d, blk), 0,
				  d->blocksize);
	if (foreign) {
		d->foreign_writes++;
		return true;
	}
	if (!o->clobbered)
		return false;
	v = sim_extmap_find(&d->owners, blk, NULL, NULL);
	SIM_BUG_ON(!v);
	v->clobbered = 0;
	v->clobber = 0;
	d->nr_clobbered--;
	/* a default FSMETA block needs no run of its own any more */
	if (v->kind == EXT4_SIM_OWN_FSMETA) {
		uint64_t e;

		if (dflt(d, blk, &e) == EXT4_SIM_OWN_FSMETA) {
			sim_extmap_remove(&d->owners, blk, 1);
			return false;
		}
	}
	merge_range(d, blk, blk + 1);
	return false;
}

void ext4_sim_disk_write_initial(struct ext4_sim_disk *d, uint64_t blk,
				 uint64_t count, sim_stamp_t stamp,
				 uint32_t origin, uint64_t len, uint32_t ino,
				 uint32_t lblk)
{
	struct initial_run *r;

	check_range(d, blk, count);
	SIM_BUG_ON(len == 0 || len > count * d->blocksize ||
		   len <= (count - 1) * d->blocksize);
	/* every block is the writer's own (not foreign, so nothing is
	 * counted or marked) and has never been written */
	SIM_BUG_ON(ext4_sim_disk_find_not_data(d, blk, count, ino, lblk) !=
		   UINT64_MAX);
	SIM_BUG_ON(ext4_sim_disk_next_written(d, blk) < blk + count);
	{
		uint64_t s;

		SIM_BUG_ON(sim_extmap_next(&d->initial, blk, &s, NULL) &&
			   s < blk + count);
	}
	r = sim_extmap_insert(&d->initial, blk, count);
	*r = (struct initial_run){ .stamp = stamp, .len = len, .origin = origin,
				   .bs = d->blocksize };
}

/* ---- queries --------------------------------------------------------------------------------- */

struct each_block {
	enum ext4_sim_owner_kind k;
	ext4_sim_disk_block_fn fn;
	void *ctx;
};

static bool each_block_piece(void *ctx, uint64_t blk, uint64_t n,
			     const struct ext4_sim_owner *o, bool stored)
{
	struct each_block *e = ctx;
	struct ext4_sim_owner b = *o;

	(void)stored;
	if (o->kind != e->k)
		return true;
	for (uint64_t i = 0; i < n; i++) {
		b.lblk = o->lblk + (lblk_rises(o) ? (uint32_t)i : 0);
		if (!e->fn(e->ctx, blk + i, &b))
			return false;
	}
	return true;
}

void ext4_sim_disk_for_each(const struct ext4_sim_disk *d,
			    enum ext4_sim_owner_kind k,
			    ext4_sim_disk_block_fn fn, void *ctx)
{
	struct each_block e = { .k = k, .fn = fn, .ctx = ctx };

	if (d->count[k] == 0)
		return;
	walk(d, 0, d->nblocks, each_block_piece, &e);
}

struct each_run {
	ext4_sim_disk_run_fn fn;
	void *ctx;
};

static bool each_run_piece(void *ctx, uint64_t blk, uint64_t n,
			   const struct ext4_sim_owner *o, bool stored)
{
	struct each_run *e = ctx;

	(void)stored;
	return e->fn(e->ctx, blk, n, o);
}

void ext4_sim_disk_for_each_run(const struct ext4_sim_disk *d, uint64_t lo,
				uint64_t hi, ext4_sim_disk_run_fn fn,
				void *ctx)
{
	struct each_run e = { .fn = fn, .ctx = ctx };

	if (hi > d->nblocks)
		hi = d->nblocks;
	walk(d, lo, hi, each_run_piece, &e);
}

void ext4_sim_disk_for_each_stored(const struct ext4_sim_disk *d,
				   ext4_sim_disk_run_fn fn, void *ctx)
{
	uint64_t key = 0, s, n;
	const struct ext4_sim_owner *v;

	for (; (v = sim_extmap_next(&d->owners, key, &s, &n)); key = s + n)
		if (!fn(ctx, s, n, v))
			return;
}

void ext4_sim_disk_for_each_clobbered(const struct ext4_sim_disk *d,
				      enum ext4_sim_owner_kind k,
				      ext4_sim_disk_block_fn fn, void *ctx)
{
	uint64_t key = 0, s, n;
	const struct ext4_sim_owner *v;

	if (!d->nr_clobbered)
		return;
	for (; (v = sim_extmap_next(&d->owners, key, &s, &n)); key = s + n) {
		if (!v->clobbered || v->kind != k)
			continue;
		for (uint64_t i = 0; i < n; i++)
			if (!fn(ctx, s + i, v))
				return;
	}
}

struct not_data {
	uint64_t blk;
	uint32_t ino, lblk;
	uint64_t found;
};

static bool not_data_piece(void *ctx, uint64_t blk, uint64_t n,
			   const struct ext4_sim_owner *o, bool stored)
{
	struct not_data *x = ctx;

	(void)n;
	(void)stored;
	if (o->kind == EXT4_SIM_OWN_DATA && o->ino == x->ino &&
	    o->lblk == x->lblk + (uint32_t)(blk - x->blk))
		return true;
	x->found = blk;
	return false;
}

uint64_t ext4_sim_disk_find_not_data(const struct ext4_sim_disk *d,
				     uint64_t blk, uint64_t count,
				     uint32_t ino, uint32_t lblk)
{
	struct not_data x = { .blk = blk, .ino = ino, .lblk = lblk,
			      .found = UINT64_MAX };

	walk(d, blk, blk + count, not_data_piece, &x);
	return x.found;
}

struct recount {
	uint64_t cnt[EXT4_SIM_OWN_NR_KINDS];
	uint64_t clobbered;
	char *why;
	size_t len;
	bool ok;
};

static bool recount_piece(void *ctx, uint64_t blk, uint64_t n,
			  const struct ext4_sim_owner *o, bool stored)
{
	struct recount *r = ctx;

	if (o->kind >= EXT4_SIM_OWN_NR_KINDS) {
		snprintf(r->why, r->len, "block %" PRIu64 ": bad kind %u", blk,
			 o->kind);
		return r->ok = false;
	}
	r->cnt[o->kind] += n;
	if (o->kind == EXT4_SIM_OWN_FREE &&
	    (stored || o->ino || o->lblk || o->tid || o->clobbered)) {
		snprintf(r->why, r->len, "block %" PRIu64 ": free with stale fields", blk);
		return r->ok = false;
	}
	if (o->clobbered && !is_meta_kind(o->kind)) {
		snprintf(r->why, r->len, "block %" PRIu64 ": clobbered %s", blk,
			 ext4_sim_owner_kind_name(o->kind));
		return r->ok = false;
	}
	if (o->clobbered)
		r->clobbered += n;
	return true;
}

bool ext4_sim_disk_check(const struct ext4_sim_disk *d, char *why,
			 size_t len)
{
	char dummy[1];
	struct recount r = { .ok = true };
	uint64_t idx = 0, s, n;
	const struct sim_contents *c;

	if (!why) {
		why = dummy;
		len = sizeof(dummy);
	}
	r.why = why;
	r.len = len;
	if (!sim_extmap_check(&d->owners) || !sim_extmap_check(&d->initial)) {
		snprintf(why, len, "run maps broken");
		return false;
	}
	if (sim_extmap_prev(&d->owners, UINT64_MAX, &s, &n) &&
	    s + n > d->nblocks) {
		snprintf(why, len, "owner run [%" PRIu64 ", +%" PRIu64
			 ") beyond the disk", s, n);
		return false;
	}
	walk(d, 0, d->nblocks, recount_piece, &r);
	if (!r.ok)
		return false;
	while ((c = radix_tree_next(&d->written, idx, -1, &idx))) {
		if (idx >= d->nblocks) {
			snprintf(why, len, "contents of block %" PRIu64
				 " beyond the disk", idx);
			return false;
		}
		if (!sim_contents_check(c, why, len))
			return false;
		idx++;
	}
	for (unsigned k = 0; k < EXT4_SIM_OWN_NR_KINDS; k++)
		if (r.cnt[k] != d->count[k]) {
			snprintf(why, len, "%s: counted %" PRIu64 ", kept %" PRIu64,
				 ext4_sim_owner_kind_name(k), r.cnt[k], d->count[k]);
			return false;
		}
	if (r.clobbered != d->nr_clobbered) {
		snprintf(why, len, "clobbered: counted %" PRIu64 ", kept %" PRIu64,
			 r.clobbered, d->nr_clobbered);
		return false;
	}
	return true;
}
