/* judge/imgsrc.h — what an exported image holds, read from a model at the
 * end of its job (judge/imgsrc.c), in words the image writer
 * (judge/image.c, libext2fs) needs: the two cannot share a translation
 * unit (libext2fs's and the model's ext4 headers both define __le32).
 *
 * On the image (docs/judge.md "What the image holds"):
 *  - geometry, bitmaps and the descriptors' free-block counts as the model
 *    keeps them on disk (the block bitmap buffers, bg_free);
 *  - one inode per workload file, at the model's inode number, with the
 *    model's extent-tree root in i_block verbatim, i_size, and i_blocks
 *    as the kernel counts it (data + tree blocks);
 *  - every block the model wrote, raw, where the model wrote it: extent-
 *    tree nodes (the buffer's bytes, or the data a stale write left over
 *    them), data blocks (stamp bytes, judge/stamp.h), stale bytes in free
 *    blocks; a metadata block (bitmap, inode table, GDT, journal) a data
 *    write clobbered gets those bytes over what libext2fs wrote.
 */
#ifndef JUDGE_IMGSRC_H
#define JUDGE_IMGSRC_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "judge/geom.h"

struct ext4_model;

struct judge_img_file {
	char *name;                 /* the file section: its directory entry */
	uint32_t ino;
	uint64_t size;
	uint8_t i_block[60];        /* the extent-tree root, on-disk bytes */
	uint64_t i_blocks;          /* 512-byte sectors: data + tree blocks */
};

struct judge_img_group {
	uint64_t block_bitmap, inode_bitmap, inode_table;
	uint32_t free_blocks;       /* the descriptor's bg_free */
	const uint8_t *bitmap;      /* the on-disk block bitmap (bit per
				       block of the group, 1 = in use) */
};

typedef void (*judge_img_block_fn)(void *ctx, uint64_t blk,
				   const uint8_t *buf);

struct judge_img_src {
	struct judge_geom geom;
	unsigned nfiles;
	struct judge_img_file *files;
	struct judge_img_group *groups;     /* geom.groups */
	GHashTable *referenced;             /* blocks a file's tree maps or
					       holds (key: blk + 1) */
	/* Every block to write raw before the directories are made: tree
	 * nodes, data blocks, stale bytes in free blocks (never a block of
	 * zeros: the image is sparse). */
	void (*data_blocks)(const struct judge_img_src *src,
			    judge_img_block_fn fn, void *ctx);
	/* Metadata blocks (superblock, GDT, bitmaps, inode table, journal)
	 * a data write clobbered, with the bytes it left: written over the
	 * finished image. */
	void (*clobbered_meta)(const struct judge_img_src *src,
			       judge_img_block_fn fn, void *ctx);
	struct ext4_model *model;
};

/* A model at the end of its job (after ext4_model_unmount, or as the run
 * left it).  The source borrows the model: free it first. */
struct judge_img_src *judge_img_src_new(struct ext4_model *m);
void judge_img_src_free(struct judge_img_src *src);

/* NAME.expect: per file, what the oracle says each byte must read
 * (judge/expect.h), and NAME.stamps: what each stamp was (kind, inode,
 * offset, length, op sequence, time).  false with *err. */
bool judge_img_write_expect(struct ext4_model *m, const char *path,
			    GError **err);
bool judge_img_write_stamps(struct ext4_model *m, const char *path,
			    GError **err);

#endif /* JUDGE_IMGSRC_H */
