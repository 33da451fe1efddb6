/* fs/uio.h — the I/O request of a read/write system call: struct kiocb
 * (include/linux/fs.h) and struct iov_iter (include/linux/uio.h), v4.4,
 * reduced to what the model needs.
 *
 * The model carries no data bytes: what a write(2) or a DIO write puts into
 * the file is named by a stamp (fs/block/contents.h) issued once per system call;
 * byte k of the request is byte k ("origin") of that stamp.  So the source
 * iterator holds the stamp and how far it has been consumed, and copying
 * "from user" into a page is a sim_contents_set() of the next bytes.
 *
 * A read's destination is a sink: each piece of file data the read returns
 * is handed to it (file offset, the contents it came from), so the caller
 * (the workload, the oracle) sees exactly what the user would have read.
 * NULL sink: the data is dropped.
 *
 * Simplified: one user segment (ITER_IOVEC with nr_segs 1); the user buffer
 * is always mapped and readable (iov_iter_fault_in_readable is a cost, not a
 * fault that can fail); no AIO (every kiocb is synchronous).
 */
#ifndef FS_UIO_H
#define FS_UIO_H

#include <sys/types.h>

#include "fs/fs.h"
#include "fs/block/contents.h"

struct file;

#ifndef READ     /* also in fs/block/block.h and fs/mm.h */
#define READ 0
#define WRITE 1
#endif

/* ki_flags (4.4 values) */
#define IOCB_EVENTFD 0x0001
#define IOCB_APPEND  0x0002
#define IOCB_DIRECT  0x0004
#define IOCB_HIPRI   0x0008
#define IOCB_DSYNC   0x0010

struct kiocb {
	struct file *ki_filp;
	loff_t ki_pos;
	int ki_flags;
	void *private;         /* ext4: &overwrite between write_iter and DIO */
	uint64_t ki_sim_seq;   /* model: the workload's op id, for stamps */
};

typedef void (*iov_sim_sink_fn)(void *ctx, loff_t pos,
				const struct sim_contents *src, uint32_t soff,
				uint32_t len);

struct iov_iter {
	int rw;                /* WRITE: user data is the source; READ: sink */
	size_t count;          /* bytes left */
	size_t done;           /* bytes consumed so far */
	/* WRITE */
	sim_stamp_t stamp;     /* the data: byte k of the request = byte k of
				* this stamp (0: the user wrote zeros) */
	/* READ */
	iov_sim_sink_fn sink;
	void *sink_ctx;
};

static inline int iov_iter_rw(const struct iov_iter *i)
{
	return i->rw;
}

static inline size_t iov_iter_count(const struct iov_iter *i)
{
	return i->count;
}

static inline void iov_iter_advance(struct iov_iter *i, size_t bytes)
{
	SIM_BUG_ON(bytes > i->count);
	i->count -= bytes;
	i->done += bytes;
}

static inline void iov_iter_truncate(struct iov_iter *i, size_t count)
{
	if (i->count > count)
		i->count = count;
}

static inline void iov_iter_sim_init_write(struct iov_iter *i, size_t count,
					   sim_stamp_t stamp)
{
	*i = (struct iov_iter){ .rw = WRITE, .count = count,
				.stamp = stamp };
}

static inline void iov_iter_sim_init_read(struct iov_iter *i, size_t count,
					  iov_sim_sink_fn sink, void *ctx)
{
	*i = (struct iov_iter){ .rw = READ, .count = count,
				.sink = sink, .sink_ctx = ctx };
}

/* Hand len bytes of src (from soff) to a read's destination as file bytes
 * [pos, pos + len) and advance. */
static inline void iov_iter_sim_deliver(struct iov_iter *i, loff_t pos,
					const struct sim_contents *src,
					uint32_t soff, uint32_t len)
{
	if (i->sink)
		i->sink(i->sink_ctx, pos, src, soff, len);
	iov_iter_advance(i, len);
}

#endif /* FS_UIO_H */
