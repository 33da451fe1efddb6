/* fs/block/contents.h — byte-exact contents of a disk block or a page-cache page,
 * kept as a run list instead of bytes (model-only; no kernel counterpart).
 *
 * Every byte of an object is either zero or "byte k of write W": a run says
 * that bytes [start, next run's start) hold bytes [origin, origin + len) of
 * the write whose stamp is `stamp` (stamp 0 = zeros, origin then 0).  The
 * origin makes the record exact under shifted copies (page <-> sub-page
 * block, collapse/insert moving data between logical blocks): a byte carries
 * its identity with it, so "this file offset holds the wrong byte of the
 * right write" is still detectable.
 *
 * Invariants (checked by sim_contents_check):
 *   1. nr >= 1, runs[0].start == 0, starts strictly increase, all < size;
 *   2. a zero run has origin 0;
 *   3. no two adjacent runs are mergeable (same stamp and, for non-zero
 *      stamps, continuing origin) — so equal contents have equal run lists.
 *
 * Storage: up to SIM_CONTENTS_INLINE runs inline (1–3 is the common case: a
 * block written once, or partially written/zeroed), beyond that a heap array
 * that grows by doubling.  Objects are at most 64 KiB (largest ext4 block).
 *
 * The stamp table (per world) maps a stamp to what produced it: inode, file
 * byte offset of the write's first byte, length, kind, the caller's sequence
 * number and the simulated time.  Stamps are handed out in order from 1.
 */
#ifndef FS_CONTENTS_H
#define FS_CONTENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/engine/types.h"

typedef uint64_t sim_stamp_t;  /* write id; 0 = zero bytes */

#define SIM_CONTENTS_INLINE 3
#define SIM_CONTENTS_MAX_SIZE 65536u

struct sim_contents_run {
	sim_stamp_t stamp;
	uint32_t origin;   /* byte index within the write of the run's first byte */
	uint16_t start;    /* offset of the run in the object (< 64 KiB) */
	uint16_t _pad;
};

struct sim_contents {
	uint32_t size;     /* bytes covered: a block or a page */
	uint16_t nr;       /* runs in use */
	uint16_t cap;      /* 0: inline storage, else heap capacity */
	union {
		struct sim_contents_run in[SIM_CONTENTS_INLINE];
		struct sim_contents_run *heap;
	} u;
};

/* All zero.  size in [1, SIM_CONTENTS_MAX_SIZE]. */
void sim_contents_init(struct sim_contents *c, uint32_t size);
void sim_contents_destroy(struct sim_contents *c);
/* dst becomes a copy of src (sizes may differ only if dst is re-inited). */
void sim_contents_assign(struct sim_contents *dst, const struct sim_contents *src);

/* Bytes [off, off+len) become bytes [origin, origin+len) of write `stamp`. */
void sim_contents_set(struct sim_contents *c, uint32_t off, uint32_t len,
		      sim_stamp_t stamp, uint32_t origin);
void sim_contents_zero(struct sim_contents *c, uint32_t off, uint32_t len);
/* dst[doff, doff+len) = src[soff, soff+len).  dst == src is allowed
 * (overlapping ranges behave like memmove). */
void sim_contents_copy(struct sim_contents *dst, uint32_t doff,
		       const struct sim_contents *src, uint32_t soff,
		       uint32_t len);
/* Whole-object copy between objects of the same size. */
void sim_contents_copy_all(struct sim_contents *dst,
			   const struct sim_contents *src);

/* Byte identity at off: stamp and origin. */
sim_stamp_t sim_contents_at(const struct sim_contents *c, uint32_t off,
			    uint32_t *origin);
bool sim_contents_equal(const struct sim_contents *a,
			const struct sim_contents *b);
/* First offset i in [0, len) where a[aoff+i] differs from b[boff+i], or -1. */
int64_t sim_contents_first_diff(const struct sim_contents *a, uint32_t aoff,
				const struct sim_contents *b, uint32_t boff,
				uint32_t len);
bool sim_contents_is_zero(const struct sim_contents *c, uint32_t off,
			  uint32_t len);

static inline unsigned sim_contents_nr_runs(const struct sim_contents *c)
{
	return c->nr;
}

static inline const struct sim_contents_run *
sim_contents_runs(const struct sim_contents *c)
{
	return c->cap ? c->u.heap : c->u.in;
}

/* Length of run i. */
static inline uint32_t sim_contents_run_len(const struct sim_contents *c,
					    unsigned i)
{
	const struct sim_contents_run *r = sim_contents_runs(c);

	return (i + 1 < c->nr ? r[i + 1].start : c->size) - r[i].start;
}

/* Calls fn for each run in order; stops early when fn returns false. */
typedef bool (*sim_contents_run_fn)(void *ctx, uint32_t start, uint32_t len,
				    sim_stamp_t stamp, uint32_t origin);
void sim_contents_for_each_run(const struct sim_contents *c,
			       sim_contents_run_fn fn, void *ctx);

/* Merge adjacent mergeable runs.  Every mutator already leaves the list
 * merged; exposed for callers that build run lists by hand and for tests. */
void sim_contents_normalize(struct sim_contents *c);
/* Invariants 1–3; on failure writes the reason to why (if non-NULL). */
bool sim_contents_check(const struct sim_contents *c, char *why, size_t len);

/* "[0,1024)=#7+0 [1024,4096)=0" — stamps as #id+origin, zeros as 0.
 * Returns the length it wanted to write (snprintf style). */
int sim_contents_format(const struct sim_contents *c, char *buf, size_t len);

/* ---- the stamp table ------------------------------------------------------- */

enum sim_stamp_kind {
	SIM_STAMP_WRITE,      /* write(2) through the page cache */
	SIM_STAMP_MMAP,       /* store through a shared mapping */
	SIM_STAMP_DIO,        /* direct IO write */
	SIM_STAMP_DAX,        /* DAX store or write */
	SIM_STAMP_INITIAL,    /* contents laid down before the run starts */
	SIM_STAMP_NR_KINDS,
};

struct sim_stamp_info {
	uint64_t ino;
	int64_t offset;       /* file byte offset of the write's byte 0 */
	uint32_t len;
	uint8_t kind;         /* enum sim_stamp_kind */
	uint64_t seq;         /* caller's sequence number (op id) */
	sim_time_t time;      /* when the stamp was issued */
};

struct sim_stamp_table {
	struct sim_stamp_info *v;   /* v[id - 1] */
	uint64_t n, cap;
};

void sim_stamp_table_init(struct sim_stamp_table *t);
void sim_stamp_table_destroy(struct sim_stamp_table *t);
sim_stamp_t sim_stamp_new(struct sim_stamp_table *t, uint64_t ino,
			  int64_t offset, uint32_t len,
			  enum sim_stamp_kind kind, uint64_t seq,
			  sim_time_t now);
/* NULL for stamp 0 or an unknown stamp. */
const struct sim_stamp_info *sim_stamp_lookup(const struct sim_stamp_table *t,
					      sim_stamp_t s);
const char *sim_stamp_kind_name(enum sim_stamp_kind k);
/* "write #7 (ino 12 off 8192 len 4096, seq 3, t=1.250ms)"; a byte's origin
 * adds "byte 100 = file offset 8292".  Returns snprintf's result. */
int sim_stamp_format(const struct sim_stamp_table *t, sim_stamp_t s,
		     char *buf, size_t len);

#endif /* FS_CONTENTS_H */
