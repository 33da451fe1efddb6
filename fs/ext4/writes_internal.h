/* fs/ext4/writes_internal.h — what ext4's write-side files share and
 * nobody else should call: the writeback IO structures of
 * fs/ext4/page-io.c (ext4_io_end, ext4_io_submit, the per-fs pools and
 * conversion worker) and helpers static in the kernel's inode.c. */
#ifndef FS_EXT4_WRITES_INTERNAL_H
#define FS_EXT4_WRITES_INTERNAL_H

#include "fs/ext4/ext4_map.h"
#include "fs/block/block.h"

/* ---- inode.c / inode_write.c ---------------------------------------------------- */

int ext4_walk_page_buffers(handle_t *handle, struct buffer_head *head,
			   unsigned from, unsigned to, int *partial,
			   int (*fn)(handle_t *handle, struct buffer_head *bh));
void ext4_da_page_release_reservation(struct page *page, unsigned offset,
				      unsigned length);
/* Copy ext4's address_space_operations templates (ordered/writeback
 * without and with delalloc) into the per-fs tables. */
void ext4_sim_aops_init(struct address_space_operations *aops,
			struct address_space_operations *da_aops);

/* ---- page-io.c ----------------------------------------------------------------------- */

#define EXT4_IO_END_UNWRITTEN 0x0001

/* Blocks one write bio carries at most (BIO_MAX_PAGES of 4 KiB). */
#define EXT4_SIM_BIO_BLOCKS 256

struct ext4_sim_wbio;

/* One writeback IO unit: its bios, and for unwritten extents the range to
 * convert once they all completed.  Reference counted: the submitter holds
 * one, every bio one. */
typedef struct ext4_io_end {
	struct sim_list list;          /* the conversion worker's queue */
	struct inode *inode;
	unsigned int flag;             /* EXT4_IO_END_UNWRITTEN */
	int count;
	loff_t offset;                 /* file range to convert */
	ssize_t size;
	struct ext4_sim_wbio *bio;     /* completed bios awaiting conversion */
	struct ext4_io_end *next_free;
	/* Wait-for graph: the task that must still act before an unwritten
	 * io_end's pages can leave writeback — the submitter while it holds
	 * its reference (and converts, if it drops the last one), then the
	 * conversion worker once the io_end is queued.  NULL: only the device
	 * (bios in flight) is left. */
	struct sim_task *holder;
} ext4_io_end_t;

/* A write bio: the device request and the page buffers it writes, in
 * block order (physically contiguous from bio.bi_iter.bi_sector). */
struct ext4_sim_wbio {
	struct bio bio;
	ext4_io_end_t *io_end;
	struct ext4_sim_wbio *next;    /* free list, or io_end's chain */
	/* What its pages' writeback waits for (each page's wb_via points
	 * here): the task building the bio until ext4_io_submit, then the
	 * device, then for unwritten extents the io_end's holder. */
	struct sim_waitobj wo;
	struct sim_task *holder;       /* building it, not yet submitted */
	unsigned nr;
	struct buffer_head *bhs[EXT4_SIM_BIO_BLOCKS];
};

struct ext4_io_submit {
	struct writeback_control *io_wbc;
	struct ext4_sim_wbio *io_bio;
	ext4_io_end_t *io_end;
	uint64_t io_next_block;
};

/* Per filesystem (sbi->s_sim_io). */
struct ext4_sim_io {
	struct super_block *sb;
	struct ext4_sim_wbio *free_bios;
	ext4_io_end_t *free_ends;
	void **chunks;                 /* pool storage, freed at the end */
	unsigned nchunks, chunks_cap;
	/* rsv_conversion_wq: io_ends whose unwritten extents await
	 * conversion, and the kernel worker that converts them. */
	struct sim_list conversion_list;
	struct sim_task *worker;
	struct fs_task_state worker_ts;
	struct sim_waitq worker_wait;
	struct sim_waitobj worker_wo;
	bool stopping;
	/* ext4's address_space_operations; readpage/readpages are set by
	 * the read side (ext4_sim_set_read_aops). */
	struct address_space_operations aops, da_aops;
	struct ext4_sim_io_stats stats;
};

static inline struct ext4_sim_io *ext4_sim_io(struct super_block *sb)
{
	return EXT4_SB(sb)->s_sim_io;
}

ext4_io_end_t *ext4_init_io_end(struct inode *inode);
ext4_io_end_t *ext4_get_io_end(ext4_io_end_t *io_end);
/* Drop a reference from a task: the last one converts unwritten extents
 * right here (the writer's own handle). */
int ext4_put_io_end(ext4_io_end_t *io_end);
/* Drop a reference from IO completion (event context): the last one hands
 * unwritten conversion to the worker. */
void ext4_put_io_end_defer(ext4_io_end_t *io_end);
void ext4_io_submit_init(struct ext4_io_submit *io,
			 struct writeback_control *wbc);
void ext4_io_submit(struct ext4_io_submit *io);
/* Put a locked page under writeback: its dirty, mapped, neither delayed
 * nor unwritten buffers go into bios to their b_blocknr; unlocks the
 * page. */
int ext4_bio_write_page(struct ext4_io_submit *io, struct page *page,
			int len, struct writeback_control *wbc,
			bool keep_towrite);

int ext4_sim_io_init(struct super_block *sb);
void ext4_sim_io_stop(struct super_block *sb);
void ext4_sim_io_free(struct super_block *sb);

#endif /* FS_EXT4_WRITES_INTERNAL_H */
