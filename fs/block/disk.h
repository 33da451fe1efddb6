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
#include "fs/block/extmap.h"
#include "fs/mm/radix-tree.h"

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

/* The owner of a block no run covers: the file system's fixed layout
 * (FSMETA at the start of each group, FREE elsewhere).  Returns the kind
 * (FREE or FSMETA) of blk and sets *end to the first block after blk
 * where the default may change. */
typedef enum ext4_sim_owner_kind (*ext4_sim_disk_default_fn)(void *ctx,
							     uint64_t blk,
							     uint64_t *end);

#define EXT4_SIM_DISK_PEEKS 4

/* Storage (cost follows what was touched, not nblocks):
 *   owners   runs of blocks with one owner (a DATA run's lblk is that of
 *            its first block and rises along it); a block no run covers
 *            has the default owner (default_fn; FREE without one).  A
 *            100 GiB file laid down at set-up is a few hundred runs.
 *   initial  contents laid down at set-up, as runs of one stamp
 *            (ext4_sim_disk_write_initial);
 *   written  contents of every block written since (block -> struct
 *            sim_contents, a radix tree), taking precedence over initial.
 *   A block in neither reads zero. */
struct ext4_sim_disk {
	uint64_t nblocks;
	unsigned blocksize;
	struct sim_extmap owners;          /* struct ext4_sim_owner runs */
	ext4_sim_disk_default_fn default_fn;
	void *default_ctx;
	struct sim_extmap initial;         /* set-up contents runs */
	struct radix_tree_root written;    /* blk -> struct sim_contents * */
	struct radix_tree_pool written_pool;
	struct sim_contents *contents_pool; /* current chunk of records */
	unsigned contents_pool_left;
	void **contents_chunks;
	unsigned ncontents_chunks;
	uint64_t count[EXT4_SIM_OWN_NR_KINDS];
	uint64_t foreign_writes;           /* data writes not into DATA(ino,lblk) */
	uint64_t clobbers;                 /* data writes into metadata */
	uint64_t nr_clobbered;             /* blocks carrying the mark now */
	struct sim_stamp_table stamps;     /* the world's write ids */
	struct block_device bdev;          /* latency model of the device */
	/* what ext4_sim_disk_owner / _contents return for blocks that have
	 * no stored record of their own (a small ring) */
	struct ext4_sim_owner peek_owner[EXT4_SIM_DISK_PEEKS];
	struct sim_contents peek_contents[EXT4_SIM_DISK_PEEKS];
	unsigned peek_owner_next, peek_contents_next;
};

struct ext4_sim_disk *ext4_sim_disk_new(struct sim_world *w, uint64_t nblocks,
					unsigned blocksize,
					const struct blk_sim_profile *prof);
void ext4_sim_disk_free(struct ext4_sim_disk *d);

/* Mount: the fixed layout.  meta_blocks = how many blocks fn says are
 * FSMETA (they move from the FREE count); no run may exist yet. */
void ext4_sim_disk_set_default(struct ext4_sim_disk *d,
			       ext4_sim_disk_default_fn fn, void *ctx,
			       uint64_t meta_blocks);

/* The owner of blk.  The pointer is to a copy, valid until the disk
 * changes or EXT4_SIM_DISK_PEEKS more calls. */
const struct ext4_sim_owner *ext4_sim_disk_owner(const struct ext4_sim_disk *d,
						 uint64_t blk);
/* The contents of blk: stable for a block written since set-up, else a
 * copy valid until the disk changes or EXT4_SIM_DISK_PEEKS more calls. */
const struct sim_contents *ext4_sim_disk_contents(const struct ext4_sim_disk *d,
						  uint64_t blk);
/* Model-only (tests): the stored contents of blk, made a record of its own
 * (from what it reads now) if it has none. */
struct sim_contents *ext4_sim_disk_contents_mut(struct ext4_sim_disk *d,
						uint64_t blk);
/* The first block >= blk written since set-up, or UINT64_MAX. */
uint64_t ext4_sim_disk_next_written(const struct ext4_sim_disk *d,
				    uint64_t blk);

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
/* Set-up (ext4_sim_disk_write of every block, in bulk): blocks [blk,
 * blk + count), owned DATA(ino, lblk + i) and never written, take bytes
 * [origin + i * blocksize, ...) of write `stamp` — the first len bytes of
 * the run; the rest of the last block reads zero. */
void ext4_sim_disk_write_initial(struct ext4_sim_disk *d, uint64_t blk,
				 uint64_t count, sim_stamp_t stamp,
				 uint32_t origin, uint64_t len, uint32_t ino,
				 uint32_t lblk);

/* ---- queries (oracle, fsck) ------------------------------------------------ */

static inline uint64_t ext4_sim_disk_count(const struct ext4_sim_disk *d,
					   enum ext4_sim_owner_kind k)
{
	return d->count[k];
}

/* Calls fn(ctx, blk, owner) for every block of kind k in block order;
 * stops when fn returns false.  Visits every block of the kind: for
 * FREE and FSMETA that is most of the disk (tests). */
typedef bool (*ext4_sim_disk_block_fn)(void *ctx, uint64_t blk,
				       const struct ext4_sim_owner *o);
void ext4_sim_disk_for_each(const struct ext4_sim_disk *d,
			    enum ext4_sim_owner_kind k,
			    ext4_sim_disk_block_fn fn, void *ctx);
/* Calls fn(ctx, blk, count, owner) for each run of blocks with one owner
 * in [lo, hi) (o->lblk is that of blk, and rises along a DATA run; a run
 * without a record of its own has the layout's default owner), in block
 * order; stops when fn returns false. */
typedef bool (*ext4_sim_disk_run_fn)(void *ctx, uint64_t blk, uint64_t count,
				     const struct ext4_sim_owner *o);
void ext4_sim_disk_for_each_run(const struct ext4_sim_disk *d, uint64_t lo,
				uint64_t hi, ext4_sim_disk_run_fn fn,
				void *ctx);
/* Calls fn(ctx, blk, count, owner) for each run with a record of its own
 * (every DATA, NODE, PENDING_FREE and JOURNAL block, and metadata carrying
 * the clobbered mark), in block order; stops when fn returns false. */
void ext4_sim_disk_for_each_stored(const struct ext4_sim_disk *d,
				   ext4_sim_disk_run_fn fn, void *ctx);
/* Calls fn for every block of kind k carrying the clobbered mark, in block
 * order (only blocks with a record of their own can carry it). */
void ext4_sim_disk_for_each_clobbered(const struct ext4_sim_disk *d,
				      enum ext4_sim_owner_kind k,
				      ext4_sim_disk_block_fn fn, void *ctx);
/* The first block of [blk, blk + count) that is not DATA(ino, lblk + i),
 * or UINT64_MAX. */
uint64_t ext4_sim_disk_find_not_data(const struct ext4_sim_disk *d,
				     uint64_t blk, uint64_t count,
				     uint32_t ino, uint32_t lblk);
/* Recount owners and compare with count[]; checks field hygiene and every
 * stored contents record.  Time follows the records, not nblocks (the
 * default layout is counted a piece at a time). */
bool ext4_sim_disk_check(const struct ext4_sim_disk *d, char *why,
			 size_t len);

#endif /* FS_DISK_H */
