/* fs/block/disk.c — per-block owners and contents of the simulated disk
 * (model-only; state machine and write rules in disk.h).
 *
 * Dense arrays indexed by block number: an owner (24 bytes) and a contents
 * run list (56 bytes, inline for up to three runs) per block, so a 1 GiB
 * disk of 4 KiB blocks costs about 20 MiB per world.  Lookups are O(1) and
 * iteration is in block order, which keeps every query deterministic.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "fs/block/disk.h"

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

struct ext4_sim_disk *ext4_sim_disk_new(struct sim_world *w, uint64_t nblocks,
					unsigned blocksize,
					const struct blk_sim_profile *prof)
{
	struct ext4_sim_disk *d = g_new0(struct ext4_sim_disk, 1);

	SIM_BUG_ON(nblocks == 0 || blocksize > SIM_CONTENTS_MAX_SIZE);
	d->nblocks = nblocks;
	d->blocksize = blocksize;
	d->owner = g_new0(struct ext4_sim_owner, nblocks);
	d->contents = g_new(struct sim_contents, nblocks);
	for (uint64_t b = 0; b < nblocks; b++)
		sim_contents_init(&d->contents[b], blocksize);
	d->count[EXT4_SIM_OWN_FREE] = nblocks;
	sim_stamp_table_init(&d->stamps);
	blk_sim_bdev_init(w, &d->bdev, prof, blocksize);
	return d;
}

void ext4_sim_disk_free(struct ext4_sim_disk *d)
{
	if (!d)
		return;
	for (uint64_t b = 0; b < d->nblocks; b++)
		sim_contents_destroy(&d->contents[b]);
	blk_sim_bdev_destroy(&d->bdev);
	sim_stamp_table_destroy(&d->stamps);
	g_free(d->contents);
	g_free(d->owner);
	g_free(d);
}

static inline struct ext4_sim_owner *own(struct ext4_sim_disk *d, uint64_t b)
{
	SIM_BUG_ON(b >= d->nblocks);
	return &d->owner[b];
}

static void set_owner(struct ext4_sim_disk *d, struct ext4_sim_owner *o,
		      const struct ext4_sim_owner *n)
{
	d->count[o->kind]--;
	*o = *n;
	d->count[o->kind]++;
}

static void check_range(const struct ext4_sim_disk *d, uint64_t blk,
			uint64_t count)
{
	SIM_BUG_ON(count == 0 || blk >= d->nblocks || count > d->nblocks - blk);
}

void ext4_sim_disk_alloc_data(struct ext4_sim_disk *d, uint64_t blk,
			      uint64_t count, uint32_t ino, uint32_t lblk)
{
	check_range(d, blk, count);
	for (uint64_t i = 0; i < count; i++) {
		struct ext4_sim_owner *o = own(d, blk + i);
		struct ext4_sim_owner n = {
			.kind = EXT4_SIM_OWN_DATA, .ino = ino,
			.lblk = lblk + (uint32_t)i,
		};

		SIM_BUG_ON(o->kind != EXT4_SIM_OWN_FREE);
		set_owner(d, o, &n);
	}
}

void ext4_sim_disk_alloc_node(struct ext4_sim_disk *d, uint64_t blk,
			      uint32_t ino)
{
	struct ext4_sim_owner *o = own(d, blk);
	struct ext4_sim_owner n = { .kind = EXT4_SIM_OWN_NODE, .ino = ino };

	SIM_BUG_ON(o->kind != EXT4_SIM_OWN_FREE);
	set_owner(d, o, &n);
}

void ext4_sim_disk_reserve(struct ext4_sim_disk *d, uint64_t blk,
			   uint64_t count, enum ext4_sim_owner_kind kind)
{
	SIM_BUG_ON(kind != EXT4_SIM_OWN_FSMETA && kind != EXT4_SIM_OWN_JOURNAL);
	check_range(d, blk, count);
	for (uint64_t i = 0; i < count; i++) {
		struct ext4_sim_owner *o = own(d, blk + i);
		struct ext4_sim_owner n = { .kind = (uint8_t)kind };

		SIM_BUG_ON(o->kind != EXT4_SIM_OWN_FREE);
		set_owner(d, o, &n);
	}
}

void ext4_sim_disk_relabel(struct ext4_sim_disk *d, uint64_t blk,
			   uint64_t count, uint32_t ino, uint32_t lblk)
{
	check_range(d, blk, count);
	for (uint64_t i = 0; i < count; i++) {
		struct ext4_sim_owner *o = own(d, blk + i);

		SIM_BUG_ON(o->kind != EXT4_SIM_OWN_DATA || o->ino != ino);
		o->lblk = lblk + (uint32_t)i;
	}
}

static void free_one(struct ext4_sim_disk *d, uint64_t b, bool pending,
		     uint32_t tid)
{
	struct ext4_sim_owner *o = own(d, b);
	struct ext4_sim_owner n = { .kind = EXT4_SIM_OWN_FREE };

	SIM_BUG_ON(o->kind != EXT4_SIM_OWN_DATA &&
		   o->kind != EXT4_SIM_OWN_NODE);
	if (pending) {
		n.kind = EXT4_SIM_OWN_PENDING_FREE;
		n.prev_kind = o->kind;
		n.ino = o->ino;
		n.lblk = o->lblk;
		n.tid = tid;
	}
	set_owner(d, o, &n);
}

void ext4_sim_disk_free_pending(struct ext4_sim_disk *d, uint64_t blk,
				uint64_t count, uint32_t tid)
{
	check_range(d, blk, count);
	for (uint64_t i = 0; i < count; i++)
		free_one(d, blk + i, true, tid);
}

void ext4_sim_disk_free_now(struct ext4_sim_disk *d, uint64_t blk,
			    uint64_t count)
{
	check_range(d, blk, count);
	for (uint64_t i = 0; i < count; i++)
		free_one(d, blk + i, false, 0);
}

void ext4_sim_disk_release(struct ext4_sim_disk *d, uint64_t blk,
			   uint64_t count, uint32_t tid)
{
	check_range(d, blk, count);
	for (uint64_t i = 0; i < count; i++) {
		struct ext4_sim_owner *o = own(d, blk + i);
		struct ext4_sim_owner n = { .kind = EXT4_SIM_OWN_FREE };

		SIM_BUG_ON(o->kind != EXT4_SIM_OWN_PENDING_FREE ||
			   o->tid != tid);
		set_owner(d, o, &n);
	}
}

static bool is_meta_kind(uint8_t k)
{
	return k == EXT4_SIM_OWN_NODE || k == EXT4_SIM_OWN_FSMETA ||
	       k == EXT4_SIM_OWN_JOURNAL;
}

/* Ownership verdict and clobber mark shared by the data-write paths. */
static bool note_data_write(struct ext4_sim_disk *d, uint64_t blk,
			    sim_stamp_t stamp, uint32_t ino, uint32_t lblk,
			    struct ext4_sim_owner *was)
{
	struct ext4_sim_owner *o = own(d, blk);
	bool foreign = !(o->kind == EXT4_SIM_OWN_DATA && o->ino == ino &&
			 o->lblk == lblk);

	if (was)
		*was = *o;
	if (foreign)
		d->foreign_writes++;
	if (is_meta_kind(o->kind)) {
		o->clobbered = 1;
		o->clobber = stamp;
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
	c = &d->contents[blk];
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
	sim_contents_zero(&d->contents[blk], off, len);
	return note_data_write(d, blk, 0, ino, lblk, was);
}

bool ext4_sim_disk_write_meta(struct ext4_sim_disk *d, uint64_t blk,
			      struct ext4_sim_owner *was)
{
	struct ext4_sim_owner *o = own(d, blk);
	bool foreign = !is_meta_kind(o->kind);

	if (was)
		*was = *o;
	/* Metadata bytes are kept in the buffer cache; on disk the block
	 * now holds "its metadata", recorded as zero contents. */
	sim_contents_zero(&d->contents[blk], 0, d->blocksize);
	if (foreign) {
		d->foreign_writes++;
		return true;
	}
	o->clobbered = 0;
	o->clobber = 0;
	return false;
}

void ext4_sim_disk_for_each(const struct ext4_sim_disk *d,
			    enum ext4_sim_owner_kind k,
			    ext4_sim_disk_block_fn fn, void *ctx)
{
	if (d->count[k] == 0)
		return;
	for (uint64_t b = 0; b < d->nblocks; b++)
		if (d->owner[b].kind == k && !fn(ctx, b, &d->owner[b]))
			return;
}

bool ext4_sim_disk_check(const struct ext4_sim_disk *d, char *why,
			 size_t len)
{
	uint64_t cnt[EXT4_SIM_OWN_NR_KINDS] = { 0 };
	char dummy[1];

	if (!why) {
		why = dummy;
		len = sizeof(dummy);
	}
	for (uint64_t b = 0; b < d->nblocks; b++) {
		const struct ext4_sim_owner *o = &d->owner[b];

		if (o->kind >= EXT4_SIM_OWN_NR_KINDS) {
			snprintf(why, len, "block %" PRIu64 ": bad kind %u", b,
				 o->kind);
			return false;
		}
		cnt[o->kind]++;
		if (o->kind == EXT4_SIM_OWN_FREE &&
		    (o->ino || o->lblk || o->tid || o->clobbered)) {
			snprintf(why, len, "block %" PRIu64 ": free with stale fields", b);
			return false;
		}
		if (o->clobbered && !is_meta_kind(o->kind)) {
			snprintf(why, len, "block %" PRIu64 ": clobbered %s", b,
				 ext4_sim_owner_kind_name(o->kind));
			return false;
		}
		if (!sim_contents_check(&d->contents[b], why, len))
			return false;
	}
	for (unsigned k = 0; k < EXT4_SIM_OWN_NR_KINDS; k++)
		if (cnt[k] != d->count[k]) {
			snprintf(why, len, "%s: counted %" PRIu64 ", kept %" PRIu64,
				 ext4_sim_owner_kind_name(k), cnt[k], d->count[k]);
			return false;
		}
	return true;
}
