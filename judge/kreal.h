/* judge/kreal.h — kcheck's kernel side: one fsx step as the system calls
 * fsx makes (ltp/fsx.c doread, domapread, dowrite, domapwrite, dotruncate,
 * do_preallocate, do_punch_hole, do_zero_range, do_collapse_range,
 * do_insert_range, fsync), and the block map through FIEMAP.  Kept apart
 * from kcheck.c because the kernel's uapi headers and the model's ext4
 * headers cannot share a translation unit (both define __le64).
 *
 * struct kc_op and struct kc_end are what either side records of a replay
 * (kcheck.c fills the model's through the replay observer).
 */
#ifndef JUDGE_KREAL_H
#define JUDGE_KREAL_H

#include <glib.h>

#include "fs/workload/fsx.h"

struct kc_op {
	struct fsx_step st;
	bool done;                  /* op_end seen (model) / issued (kernel) */
	sim_stamp_t stamp;          /* write data identity (the model's) */
	uint64_t size_after;
	GByteArray *data;           /* bytes a read returned, from data_off */
	uint64_t data_off;
	GByteArray *tail;           /* bytes past EOF in the mapped EOF page */
	uint64_t tail_off;
	char *error;                /* a call that failed */
};

struct kc_end {
	uint64_t size;
	GByteArray *bytes;          /* the whole file */
	GByteArray *map;            /* per block: 'h'ole 'u'nwritten 'w'ritten
				       'd'elalloc */
	uint64_t st_blocks;
	uint64_t extents_n;         /* extents listed (FIEMAP / the tree) */
	uint64_t node_blocks;       /* extent-tree blocks in st_blocks */
	GString *extents;           /* "lblk+len@pblk[u] ..." (-v output) */
};

void kc_op_free(struct kc_op *op);
void kc_end_free(struct kc_end *e);

/* Issues step st (not skipped) on fd the way fsx does; file_size is fsx's
 * size before it (for the mapped EOF page check); a write's data is
 * rendered from stamp (judge/stamp.h).  Failures go to o->error, reads to
 * o->data, the EOF page's tail to o->tail. */
void kreal_step(int fd, long pagesize, struct kc_op *o,
		const struct fsx_step *st, uint64_t file_size,
		sim_stamp_t stamp);
/* FIEMAP with FIEMAP_FLAG_SYNC over the whole file: per block 'h' 'u' 'w'
 * 'd' into map (grown as needed).  false with why on failure. */
bool kreal_map(int fd, unsigned bs, GByteArray *map, GString *extents,
	       uint64_t *n, char *why, size_t whylen);

/* Test hook (kcheck --corrupt-after): flips the byte at off, if the file
 * has one there. */
void kreal_corrupt(int fd, uint64_t off);

#endif /* JUDGE_KREAL_H */
