/* fs/block/block.h — block IO with device latency, and the block-device buffer
 * cache that holds metadata (subsets of include/linux/bio.h, blkdev.h and
 * buffer_head.h, v4.4).
 *
 * A device (struct block_device) serves at most queue_depth requests at
 * once; further bios wait in a FIFO.  A request's service time is
 *     latency(rw) + size / bandwidth(rw) [+ seek if not sequential]
 * (+ flush latency for REQ_FLUSH/REQ_FUA).  Completion is an engine event
 * that calls bio->bi_end_io in event context (the kernel's interrupt/softirq
 * context): end_io must not block.  submit_bio_wait() blocks the calling
 * task on a completion until the bio is done.
 */
#ifndef FS_BLOCK_H
#define FS_BLOCK_H

#include "fs/buffer_head.h"
#include "fs/mm/radix-tree.h"

#define SECTOR_SHIFT 9

/* bio rw flags (4.4 spelling: rw argument of submit_bio). */
#define READ       0
#define WRITE      1
#define REQ_SYNC   0x0100
#define REQ_FLUSH  0x0200   /* preflush the volatile cache */
#define REQ_FUA    0x0400   /* forced unit access */
#define REQ_META   0x0800

/* A device latency profile.  Parameters; later set from [global] device and
 * [costs].  Defaults and their rationale: block.c. */
struct blk_sim_profile {
	const char *name;
	sim_time_t read_lat;      /* per-request latency, excluding transfer */
	sim_time_t write_lat;
	uint64_t read_bw;         /* bytes per second, per request in service */
	uint64_t write_bw;
	sim_time_t seek;          /* added when a request is not sequential */
	sim_time_t flush_lat;     /* REQ_FLUSH / REQ_FUA cache flush */
	unsigned queue_depth;     /* requests in service at once */
};

/* The named built-in profile ("nvme", "ssd", "hdd", "pmem") or NULL. */
const struct blk_sim_profile *blk_sim_profile_lookup(const char *name);
/* NULL-terminated list of built-in names, for option help. */
extern const char *const blk_sim_profile_names[];

struct bio;
typedef void (bio_end_io_t)(struct bio *);

struct bvec_iter {
	uint64_t bi_sector;       /* device address in 512-byte sectors */
	unsigned int bi_size;     /* bytes */
};

/* A request.  Owned by the submitter (embedded in a page, a journal buffer,
 * or on the stack for submit_bio_wait); nothing is allocated per bio. */
struct bio {
	struct block_device *bi_bdev;
	struct bvec_iter bi_iter;
	int bi_rw;
	int bi_error;
	bio_end_io_t *bi_end_io;
	void *bi_private;
	/* model */
	sim_time_t sim_submitted, sim_started, sim_done;
	struct sim_list sim_node;  /* on the device's FIFO */
};

/* One service slot of a device: its completion event. */
struct blk_sim_slot {
	struct sim_event ev;
	struct block_device *bdev;
	struct bio *bio;
};

struct block_device {
	struct sim_world *world;
	struct blk_sim_profile prof;
	unsigned blocksize;
	struct blk_sim_slot *slots;   /* [prof.queue_depth] */
	unsigned *free_slots;         /* stack of idle slot indexes */
	unsigned nfree;
	struct sim_list queue;        /* FIFO of bios waiting for a slot */
	unsigned queued;
	uint64_t head;                /* sector after the last request started */
	/* statistics */
	uint64_t nr_reads, nr_writes, nr_flushes;
	uint64_t bytes_read, bytes_written;
	sim_time_t busy;              /* sum of service times */
	sim_time_t queue_wait;        /* sum of FIFO waits */
	unsigned max_queued;
	struct sim_hist read_lat;     /* submit -> completion, ns */
	struct sim_hist write_lat;
};

void blk_sim_bdev_init(struct sim_world *w, struct block_device *bdev,
		       const struct blk_sim_profile *prof, unsigned blocksize);
void blk_sim_bdev_destroy(struct block_device *bdev);

static inline void bio_init(struct bio *bio)
{
	*bio = (struct bio){ 0 };
	sim_list_init(&bio->sim_node);
}

/* Queue the bio; never blocks.  rw: READ/WRITE | REQ_* flags. */
void submit_bio(int rw, struct bio *bio);
/* Submit and sleep (current task) until it completes; returns bi_error. */
int submit_bio_wait(int rw, struct bio *bio);
/* Called by the device at completion: runs bi_end_io. */
void bio_endio(struct bio *bio);
/* Service time the profile gives a request (no queueing, no seek). */
sim_time_t blk_sim_service_time(const struct blk_sim_profile *p, int rw,
				unsigned bytes);

/* ---- block-device buffer cache (metadata) --------------------------------
 * One buffer per metadata block, b_data = blocksize bytes.  Simplification:
 * metadata buffers stay cached for the world's life (no memory pressure on
 * the buffer cache is modelled), so a metadata block is read from the device
 * at most once.  The cache is a radix tree indexed by block number (memory
 * follows the buffers, not the disk size).
 */
struct ext4_sim_meta {
	struct super_block *sb;
	struct block_device *bdev;
	uint64_t nblocks;
	struct radix_tree_root bh;    /* blk -> struct buffer_head * */
	struct radix_tree_pool pool;
	uint64_t nr_cached;
};

/* The cached buffer of the first block >= blk, or NULL (model-only walks:
 * set-up, teardown, tests). */
struct buffer_head *ext4_sim_meta_next(const struct ext4_sim_meta *m,
				       uint64_t blk);

struct ext4_sim_meta *ext4_sim_meta_new(struct super_block *sb,
					struct block_device *bdev,
					uint64_t nblocks);
void ext4_sim_meta_free(struct ext4_sim_meta *m);

/* The buffer for blk, created (not uptodate, zeroed) if not cached; takes a
 * reference.  Never blocks. */
struct buffer_head *sb_getblk(struct super_block *sb, uint64_t blk);
/* The cached buffer or NULL; takes a reference when found. */
struct buffer_head *sb_find_get_block(struct super_block *sb, uint64_t blk);
/* sb_getblk + read from the device if not uptodate (blocks current). */
struct buffer_head *sb_bread(struct super_block *sb, uint64_t blk);
void brelse(struct buffer_head *bh);
static inline void get_bh(struct buffer_head *bh) { bh->b_count++; }
static inline void put_bh(struct buffer_head *bh) { bh->b_count--; }
void mark_buffer_dirty(struct buffer_head *bh);
/* Write a dirty metadata buffer home now and wait (current task).  Records
 * the metadata write on the disk; returns 0 or -errno. */
int sync_dirty_buffer(struct buffer_head *bh);
/* bforget(): drop dirty state of a buffer whose block was freed, so it is
 * never written home (the block may have a new owner). */
void bforget(struct buffer_head *bh);
/* The physical block of a block-device buffer. */
static inline uint64_t bh_sim_blocknr(const struct buffer_head *bh)
{
	return bh->b_blocknr;
}

#endif /* FS_BLOCK_H */
