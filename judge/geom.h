/* judge/geom.h — the model's file system geometry as the real tools spell
 * it: the mke2fs command line that makes its twin, the kernel's mount
 * options, read from a mounted model (fs/ext4/super.c ext4_sim_mount).
 *
 * The model lays out every group as mke2fs does without flex_bg and
 * without reserved GDT blocks: [superblock + GDT backup in groups 0, 1 and
 * powers of 3, 5, 7] block bitmap, inode bitmap, inode table, data.  32-byte
 * group descriptors (no 64bit), 256-byte inodes, the journal one contiguous
 * run from the first free block of the middle group.  docs/judge.md prints
 * the command for the default [global].
 */
#ifndef JUDGE_GEOM_H
#define JUDGE_GEOM_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

struct super_block;

struct judge_geom {
	unsigned blocksize;
	uint64_t blocks;              /* s_blocks_count */
	uint64_t first_data_block;    /* 1 for 1 KiB blocks */
	unsigned blocks_per_group;
	unsigned groups;
	unsigned inodes_per_group;
	unsigned inode_size;          /* 256 */
	uint64_t journal_start;       /* 0 and 0: no journal */
	uint64_t journal_blocks;
	const char *data;             /* "ordered", "writeback", "journal" */
	bool delalloc, dax;
	unsigned commit_s;            /* mount option commit= (seconds, >= 1) */
	uint8_t uuid[16];
};

void judge_geom_from_sb(struct super_block *sb, struct judge_geom *g);
/* The features the model's file systems have (mke2fs -O, after "none"). */
extern const char judge_geom_features[];
/* mke2fs's argv for an image file of g's size (NULL-terminated;
 * g_strfreev).  mke2fs: the program's path. */
char **judge_geom_mke2fs_argv(const struct judge_geom *g, const char *mke2fs,
			      const char *img);
/* "data=ordered,delalloc,commit=5" (the kernel's mount data). */
char *judge_geom_mount_data(const struct judge_geom *g);
/* "8f2...-..." */
void judge_geom_uuid_str(const uint8_t uuid[16], char out[37]);

/* A tool of e2fsprogs (mke2fs, e2fsck, debugfs) by name: on PATH, else in
 * /sbin or /usr/sbin.  NULL when not installed. */
char *judge_find_tool(const char *name);

#endif /* JUDGE_GEOM_H */
