/* fs/block/disk.h — the simulated disk: per physical block an owner and byte-exact
 * contents (model-only; the oracle's ground truth, docs/design.md §5).
 *
 * Owner state machine (FIDELITY §5; transitions assert their source state):
 *
 *   FREE ──alloc──► DATA(ino, lblk) ──free──► PENDING_FREE(tid) ──commit──► FREE
 *     │             NODE(ino)         │                                     ▲
 *     │                               └──free (writeback data / no journal)─┘
 *     └─mount─► FSMETA, JOURNAL   (fixed for the life of the world)
 *   DATA(ino, l1) ──relabel──► DATA(ino, l2)     (collapse/insert shift)
 *
 * PENDING_FREE keeps the previous owner (prev_kind, ino, lblk) so a
 * violation can say whose block it was.
 *
 * Writes: ext4_sim_disk_write() records the contents a data write leaves in
 * a block whatever the owner (the bytes land on the medium anyway), and
 * reports the owner it found, so the oracle can flag a foreign write.  A
 * data write into a metadata block (NODE, FSMETA, JOURNAL) also sets the
 * block's "clobbered" mark with the data stamp: fsck later finds the node's
 * on-disk copy overwritten.  A metadata write-out (checkpoint,
 * sync_dirty_buffer) clears the mark: the on-disk copy is good again.
 */
#ifndef FS_DISK_H
#define FS_DISK_H

#include "fs/block/contents.h"
#include "fs/block/block.h"

enum ext4_sim_owner_kind {
	EXT4_SIM_OWN_FREE,
	EXT4_SIM_OWN_PENDING_FREE,  /* freed in transaction tid, not reusable yet */
	EXT4_SIM_OWN_DATA,          /* file data of (ino, lblk) */
	EXT4_SIM_OWN_NODE,          /* extent-tree node of ino */
	EXT4_SIM_OWN_JOURNAL,       /* the journal's blocks */
	EXT4_SIM_OWN_FSMETA,        /* superblock, descriptors, bitmaps, inode table */
	EXT4_SIM_OWN_NR_KINDS,
};

struct ext4_sim_owner {
	uint8_t kind;          /* enum ext4_sim_owner_kind */
	uint8_t prev_kind;     /* PENDING_FREE: what it was */
	uint8_t clobbered;     /* metadata block overwritten by a data write */
	uint8_t _pad;
	uint32_t ino;          /* DATA, NODE (and PENDING_FREE: previous) */
	uint32_t lblk;         /* DATA (and PENDING_FREE: previous) */
	uint32_t tid;          /* PENDING_FREE: freeing transaction */
	sim_stamp_t clobber;   /* last data stamp written into a metadata block */
};

struct ext4_sim_disk {
	uint64_t nblocks;
	unsigned blocksize;
	struct ext4_sim_owner *owner;      /* [nblocks] */
	struct sim_contents *contents;     /* [nblocks] */
	uint64_t count[EXT4_SIM_OWN_NR_KINDS];
	uint64_t foreign_writes;           /* data writes not into DATA(ino,lblk) */
	uint64_t clobbers;                 /* data writes into metadata */
	struct sim_stamp_table stamps;     /* the world's write ids */
	struct block_device bdev;          /* latency model of the device */
};

struct ext4_sim_disk *ext4_sim_disk_new(struct sim_world *w, uint64_t nblocks,
					unsigned blocksize,
					const struct blk_sim_profile *prof);
void ext4_sim_disk_free(struct ext4_sim_disk *d);

static inline const struct ext4_sim_owner *
ext4_sim_disk_owner(const struct ext4_sim_disk *d, uint64_t blk)
{
	SIM_BUG_ON(blk >= d->nblocks);
	return &d->owner[blk];
}

static inline const struct sim_contents *
ext4_sim_disk_contents(const struct ext4_sim_disk *d, uint64_t blk)
{
	SIM_BUG_ON(blk >= d->nblocks);
	return &d->contents[blk];
}

const char *ext4_sim_owner_kind_name(enum ext4_sim_owner_kind k);
/* "data ino 12 lblk 7", "pending-free tid 5 (was data ino 12 lblk 7)" ... */
int ext4_sim_owner_format(const struct ext4_sim_owner *o, char *buf,
			  size_t len);

/* ---- owner transitions (each asserts the source state) --------------------- */

/* FREE -> DATA(ino, lblk + i) for blk .. blk+count-1. */
void ext4_sim_disk_alloc_data(struct ext4_sim_disk *d, uint64_t blk,
			      uint64_t count, uint32_t ino, uint32_t lblk);
/* FREE -> NODE(ino). */
void ext4_sim_disk_alloc_node(struct ext4_sim_disk *d, uint64_t blk,
			      uint32_t ino);
/* FREE -> FSMETA / JOURNAL (mount time). */
void ext4_sim_disk_reserve(struct ext4_sim_disk *d, uint64_t blk,
			   uint64_t count, enum ext4_sim_owner_kind kind);
/* DATA(ino, old) -> DATA(ino, lblk + i): extent shifted or split. */
void ext4_sim_disk_relabel(struct ext4_sim_disk *d, uint64_t blk,
			   uint64_t count, uint32_t ino, uint32_t lblk);
/* DATA/NODE -> PENDING_FREE(tid). */
void ext4_sim_disk_free_pending(struct ext4_sim_disk *d, uint64_t blk,
				uint64_t count, uint32_t tid);
/* DATA/NODE -> FREE (data=writeback data, no journal). */
void ext4_sim_disk_free_now(struct ext4_sim_disk *d, uint64_t blk,
			    uint64_t count);
/* PENDING_FREE(tid) -> FREE. */
void ext4_sim_disk_release(struct ext4_sim_disk *d, uint64_t blk,
			   uint64_t count, uint32_t tid);

/* ---- writes --------------------------------------------------------------- */

/* A data write lands in block blk: bytes [off, off+len) of the block take
 * src[soff, soff+len).  *was (if non-NULL) receives the owner found.
 * Returns true when the write is foreign, i.e. the block is not
 * DATA(ino, lblk). */
bool ext4_sim_disk_write(struct ext4_sim_disk *d, uint64_t blk, uint32_t off,
			 uint32_t len, const struct sim_contents *src,
			 uint32_t soff, uint32_t ino, uint32_t lblk,
			 struct ext4_sim_owner *was);
/* Zeroes land in blk (sb_issue_zeroout, ext4_ext_zeroout): a write of zero
 * bytes, same ownership rules. */
bool ext4_sim_disk_write_zero(struct ext4_sim_disk *d, uint64_t blk,
			      uint32_t off, uint32_t len, uint32_t ino,
			      uint32_t lblk, struct ext4_sim_owner *was);
/* A metadata block is written to its home location (checkpoint, or
 * sync_dirty_buffer without a journal): clears the clobbered mark and the
 * block's contents (metadata bytes live in the buffer cache, not here).
 * Returns true (and counts a foreign write) if blk is not metadata (NODE,
 * FSMETA, JOURNAL) any more: e.g. a freed node written back over its next
 * owner.  *was (if non-NULL) receives the owner found. */
bool ext4_sim_disk_write_meta(struct ext4_sim_disk *d, uint64_t blk,
			      struct ext4_sim_owner *was);

/* ---- queries (oracle, fsck) ------------------------------------------------ */

static inline uint64_t ext4_sim_disk_count(const struct ext4_sim_disk *d,
					   enum ext4_sim_owner_kind k)
{
	return d->count[k];
}

/* Calls fn(ctx, blk, owner) for every block of kind k in block order;
 * stops when fn returns false. */
typedef bool (*ext4_sim_disk_block_fn)(void *ctx, uint64_t blk,
				       const struct ext4_sim_owner *o);
void ext4_sim_disk_for_each(const struct ext4_sim_disk *d,
			    enum ext4_sim_owner_kind k,
			    ext4_sim_disk_block_fn fn, void *ctx);
/* Recount owners and compare with count[]; checks field hygiene. */
bool ext4_sim_disk_check(const struct ext4_sim_disk *d, char *why,
			 size_t len);

#endif /* FS_DISK_H */
