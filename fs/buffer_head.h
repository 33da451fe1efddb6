/* fs/buffer_head.h — struct buffer_head, for both page-cache buffers (one per
 * block of a page: mapped/new/delay/unwritten + b_blocknr) and block-device
 * buffers holding metadata (extent-tree nodes: b_data).  Subset of
 * include/linux/buffer_head.h. */
#ifndef FS_BUFFER_HEAD_H
#define FS_BUFFER_HEAD_H

#include "fs/fs.h"

enum bh_state_bits {
	BH_Uptodate,
	BH_Dirty,
	BH_Lock,
	BH_Mapped,
	BH_New,
	BH_Delay,
	BH_Unwritten,
	BH_Boundary,
	BH_Async_Write,   /* under write IO (ext4_bio_write_page) */
};

struct buffer_head {
	unsigned long b_state;
	uint64_t b_blocknr;          /* physical block (valid when BH_Mapped) */
	unsigned int b_size;
	struct page *b_page;         /* page-cache buffers */
	struct buffer_head *b_this_page;  /* circular list of a page's buffers */
	uint8_t *b_data;             /* metadata buffers: the block's bytes */
	unsigned int b_count;
};

#define BH_FNS(bit, name)                                                   \
	static inline void set_buffer_##name(struct buffer_head *bh)        \
	{ bh->b_state |= 1ul << BH_##bit; }                                 \
	static inline void clear_buffer_##name(struct buffer_head *bh)      \
	{ bh->b_state &= ~(1ul << BH_##bit); }                              \
	static inline bool buffer_##name(const struct buffer_head *bh)      \
	{ return (bh->b_state >> BH_##bit) & 1; }

BH_FNS(Uptodate, uptodate)
BH_FNS(Dirty, dirty)
BH_FNS(Lock, locked)
BH_FNS(Mapped, mapped)
BH_FNS(New, new)
BH_FNS(Delay, delay)
BH_FNS(Unwritten, unwritten)
BH_FNS(Boundary, boundary)
BH_FNS(Async_Write, async_write)

#endif /* FS_BUFFER_HEAD_H */
