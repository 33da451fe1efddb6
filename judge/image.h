/* judge/image.h — writes an ext4 image of a model's disk through libext2fs
 * (e2fsprogs): never a hand-written superblock.
 *
 * Steps: ext2fs_initialize with the model's geometry and features
 * (judge/geom.h), the model's UUID and so its checksum seed;
 * ext2fs_allocate_tables, checked block for block against the model's
 * group layout; the journal inode (clean, lazily initialised) at the
 * model's journal blocks, checked likewise; the model's on-disk block
 * bitmaps and descriptor free counts; every raw block the model wrote
 * (judge/imgsrc.h); the root directory and lost+found in blocks no file
 * uses; each workload file's inode at its model inode number with the
 * model's extent root, linked into the root under its section name; the
 * descriptors', bitmaps' and inodes' checksums as libext2fs computes them;
 * finally the metadata blocks a data write clobbered.  The image file is
 * sparse: blocks never written read zero and take no space.
 */
#ifndef JUDGE_IMAGE_H
#define JUDGE_IMAGE_H

#include <glib.h>

#include "judge/imgsrc.h"

struct judge_image_stats {
	uint64_t raw_blocks;        /* data and tree blocks written raw */
	uint64_t clobbered_meta;    /* metadata blocks overwritten after */
};

bool judge_image_write(const struct judge_img_src *src, const char *path,
		       struct judge_image_stats *st, GError **err);

#endif /* JUDGE_IMAGE_H */
