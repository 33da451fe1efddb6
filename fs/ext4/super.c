/* fs/ext4/super.c — mount-time set-up of the ext4 model: geometry, the
 * mount options that matter, and the disk, buffer cache, allocator and
 * (later) journal of one world (model of mke2fs + ext4_fill_super, v4.4).
 *
 * Geometry follows mke2fs defaults: block size 4 KiB (1–4 KiB allowed: the
 * kernel mounts only blocksize <= PAGE_SIZE — sb_set_blocksize ->
 * set_blocksize, v4.4.1 fs/block_dev.c, v5.15 block/bdev.c — and the
 * page size is 4 KiB, so blocks may be smaller than a page), 8 x blocksize
 * blocks per group (one bitmap block), first data block 1 for 1 KiB blocks
 * else 0, one 256-byte inode per 16 KiB of device (inode_ratio), sparse_super
 * backups, a last group too small for its metadata + 50 blocks dropped, and
 * the journal size of ext2fs_default_journal_size placed at the middle
 * group.  Not modelled: flex_bg packing, reserved GDT blocks for resize,
 * bigalloc, 64bit descriptors, quota.
 *
 * Option checks mirror ext4_fill_super: data=journal excludes delalloc
 * ("can't mount with both data=journal and delalloc") and dax; dax needs
 * blocksize == PAGE_SIZE.  Without a journal the data mode is writeback
 * (ext4_inode_journal_mode) and handles are NULL.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "fs/ext4/mballoc.h"
#include "fs/ext4/ext4_jbd2.h"
#include "fs/ext4/locking.h"
#include "fs/oracle/oracle.h"

#define EXT4_SIM_INODE_RATIO 16384u

/* fa17114e-0000-4000-8000-000000000001 */
const uint8_t ext4_sim_uuid[16] = {
	0xfa, 0x17, 0x11, 0x4e, 0x00, 0x00, 0x40, 0x00,
	0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};

void ext4_sim_mount_opts_default(struct ext4_sim_mount_opts *o)
{
	*o = (struct ext4_sim_mount_opts){
		.blocksize = 4096,
		.size = (uint64_t)1 << 30,
		.journal = true,
		.data = EXT4_SIM_DATA_ORDERED,
		.delalloc = true,
		.dax = false,
		.commit_interval = 5 * SIM_SEC,  /* JBD2_DEFAULT_MAX_COMMIT_AGE */
		.device = "nvme",
	};
}

/* ext2fs_default_journal_size (e2fsprogs 1.42/1.43, the v4.4 era). */
static uint64_t default_journal_blocks(uint64_t blocks)
{
	if (blocks < 2048)
		return 0;
	if (blocks < 32768)
		return 1024;
	if (blocks < 256 * 1024)
		return 4096;
	if (blocks < 512 * 1024)
		return 8192;
	if (blocks < 4096 * 1024)
		return 16384;
	return 32768;
}

static unsigned group_overhead(ext4_group_t g, unsigned gdt_blocks,
			       unsigned itable)
{
	bool super = g <= 1;

	/* ext4_bg_has_super without a super_block at hand */
	for (unsigned b = 3; !super && b <= 7; b += 2) {
		ext4_group_t a = g;

		while (a > 1 && a % b == 0)
			a /= b;
		super = a == 1;
	}
	return (super ? 1 + gdt_blocks : 0) + 2 + itable;
}

/* "64M", "7934K", "3000" (bytes): the largest unit that divides. */
static const char *sim_size_str(char *buf, size_t len, uint64_t bytes)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && bytes && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRIu64, bytes);
	else
		snprintf(buf, len, "%" PRIu64 "%c", bytes, units[u]);
	return buf;
}

G_GNUC_PRINTF(4, 5)
static int sim_mount_refuse(struct ext4_sim_mount_error *me, const char *key,
			    const char *key2, const char *fmt, ...)
{
	va_list ap;

	if (me) {
		me->key = key;
		me->key2 = key2;
		va_start(ap, fmt);
		vsnprintf(me->why, sizeof(me->why), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int valid_opts(const struct ext4_sim_mount_opts *o,
		      struct ext4_sim_mount_error *me)
{
	unsigned bs = o->blocksize;
	char b1[32];

	/* set_blocksize: a power of two, at most PAGE_SIZE (ext4: at least
	 * 1 KiB) */
	if (bs < 1024 || bs > PAGE_SIZE || (bs & (bs - 1)))
		return sim_mount_refuse(me, "blocksize", NULL,
			"blocksize %u: ext4 mounts a power of two from 1K to the page size (4K)",
			bs);
	if (o->blocks_per_group &&
	    (o->blocks_per_group > 8 * bs || o->blocks_per_group % 8 ||
	     o->blocks_per_group < 256))
		return sim_mount_refuse(me, "blocks_per_group", "blocksize",
			"blocks_per_group %u: a multiple of 8 from 256 to 8 x blocksize (one bitmap block per group: %u with %s blocks)",
			o->blocks_per_group, 8 * bs,
			sim_size_str(b1, sizeof(b1), bs));
	if (o->journal && o->data == EXT4_SIM_DATA_JOURNAL &&
	    (o->delalloc || o->dax))
		return sim_mount_refuse(me, "mount", NULL,
			"data=journal cannot be mounted with %s (ext4_fill_super)",
			o->delalloc ? "delalloc" : "dax");
	if (o->dax && bs != PAGE_SIZE)
		return sim_mount_refuse(me, "blocksize", "mount",
			"dax needs blocksize = the page size (4K), blocksize is %s",
			sim_size_str(b1, sizeof(b1), bs));
	if (o->commit_interval < 0)
		return sim_mount_refuse(me, "commit", NULL,
					"commit interval below zero");
	return 0;
}

/* Reserve the journal's blocks: one contiguous run from the middle group
 * on (jbd2 addresses the log as blk_offset + n). */
static int sim_journal_area(struct super_block *sb, uint64_t jblocks)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	ext4_fsblk_t goal = ext4_group_first_block_no(sb, sbi->s_groups_count / 2);
	unsigned long got;
	ext4_fsblk_t blk;

	blk = ext4_sim_mb_reserve(sb, goal, jblocks, &got, EXT4_SIM_OWN_JOURNAL);
	if (!blk)
		return -ENOSPC;
	if (got < jblocks)
		return -EINVAL;  /* no run long enough; the mount is undone */
	sbi->s_sim_journal_start = blk;
	sbi->s_sim_journal_blocks = jblocks;
	return 0;
}

ext4_fsblk_t ext4_sim_journal_bmap(struct super_block *sb, uint64_t n)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);

	SIM_BUG_ON(n >= sbi->s_sim_journal_blocks);
	return sbi->s_sim_journal_start + n;
}

/* The journal's IO hook (journal_t.j_sim_io): log, commit-record and
 * journal-superblock writes go to the journal's blocks; checkpoint writes
 * put metadata blocks home, recorded on the disk (a write over a block that
 * is no longer metadata counts as a foreign write).  The calling task
 * sleeps for the device time. */
static int ext4_sim_journal_io(journal_t *journal, enum jbd2_sim_io_kind kind,
			       uint64_t blocknr, unsigned count)
{
	struct super_block *sb = journal->j_private;
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	struct bio bio;
	uint64_t home = blocknr;
	int rw = WRITE, err;

	switch (kind) {
	case JBD2_SIM_IO_LOG:
		break;
	case JBD2_SIM_IO_COMMIT:
		/* barrier mode: preflush + FUA commit record */
		rw |= REQ_FLUSH | REQ_FUA;
		break;
	case JBD2_SIM_IO_SUPERBLOCK:
		rw |= REQ_FUA;
		break;
	case JBD2_SIM_IO_CHECKPOINT:
		rw |= REQ_META;
		break;
	}
	if (kind != JBD2_SIM_IO_CHECKPOINT) {
		SIM_BUG_ON(blocknr + count > sbi->s_sim_journal_blocks);
		home = ext4_sim_journal_bmap(sb, blocknr);
	}
	bio_init(&bio);
	bio.bi_bdev = &sbi->s_disk->bdev;
	bio.bi_iter.bi_sector = home * (sb->s_blocksize >> SECTOR_SHIFT);
	bio.bi_iter.bi_size = count * sb->s_blocksize;
	err = submit_bio_wait(rw, &bio);
	if (err)
		return err;
	for (unsigned i = 0; i < count; i++) {
		struct ext4_sim_owner was;
		bool foreign = ext4_sim_disk_write_meta(sbi->s_disk, home + i,
							&was);

		/* the oracle: a checkpoint written over a block's next owner */
		fs_oracle_disk_write(sb, NULL, 0, home + i, foreign, &was,
				     "meta");
	}
	return 0;
}

/* ext4_sops: what generic code asks of the filesystem (fs/fs.h). */
const struct super_sim_operations ext4_sim_sops = {
	.dirty_inode = ext4_dirty_inode,
	.kver = ext4_sim_sb_kver,
	.invalidate_lock_paths = ext4_sim_invalidate_lock_paths,
	.invalidate_lock_shared = ext4_sim_filemap_lock_shared,
	.invalidate_unlock_shared = ext4_sim_filemap_unlock_shared,
};

struct super_block *ext4_sim_mount(struct sim_world *w,
				   const struct ext4_sim_mount_opts *o)
{
	return ext4_sim_mount_why(w, o, NULL);
}

struct super_block *ext4_sim_mount_why(struct sim_world *w,
				       const struct ext4_sim_mount_opts *o,
				       struct ext4_sim_mount_error *me)
{
	const struct blk_sim_profile *prof = o->profile;
	struct super_block *sb;
	struct ext4_sb_info *sbi;
	unsigned bs = o->blocksize, bpg, ipg, itable, gdt;
	uint64_t blocks, fdb, groups, jblocks = 0;
	char b1[32], b2[32], b3[32];
	int err;

	err = valid_opts(o, me);
	if (err)
		return ERR_PTR(err);
	if (!prof)
		prof = blk_sim_profile_lookup(o->device ? o->device : "nvme");
	if (!prof)
		return ERR_PTR(sim_mount_refuse(me, "device", NULL,
				"no device profile '%s'",
				o->device ? o->device : "nvme"));

	/* geometry (mke2fs) */
	blocks = o->size / bs;
	fdb = bs == 1024 ? 1 : 0;
	bpg = o->blocks_per_group ? o->blocks_per_group : 8 * bs;
	if (blocks <= fdb)
		return ERR_PTR(sim_mount_refuse(me, "fs_size", "blocksize",
				"fs_size %s is not two blocks of %s",
				sim_size_str(b1, sizeof(b1), o->size),
				sim_size_str(b2, sizeof(b2), bs)));
	groups = DIV_ROUND_UP(blocks - fdb, bpg);
	ipg = o->inodes_per_group;
	if (!ipg) {
		/* one inode per inode_ratio bytes of the device, spread over
		 * the groups, in whole inode-table blocks */
		ipg = (unsigned)DIV_ROUND_UP(blocks * bs / EXT4_SIM_INODE_RATIO,
					     groups);
		ipg = round_up(max(ipg, 16u), bs / 256);
	}
	itable = EXT4_SIM_ITABLE_BLOCKS(ipg, bs);
	gdt = (unsigned)DIV_ROUND_UP(groups, EXT4_SIM_DESC_PER_BLOCK(bs));
	/* drop a last group too small for its metadata + 50 blocks */
	if (groups > 1) {
		uint64_t last = blocks - fdb - (groups - 1) * bpg;

		if (last < group_overhead((ext4_group_t)groups - 1, gdt, itable) + 50) {
			blocks -= last;
			groups--;
		}
	}
	if (blocks - fdb < group_overhead(0, gdt, itable) + 50)
		return ERR_PTR(sim_mount_refuse(me, "fs_size", "blocksize",
				"fs_size %s is %" PRIu64 " blocks of %s: fewer than the first group's metadata (%u blocks) + 50",
				sim_size_str(b1, sizeof(b1), o->size), blocks,
				sim_size_str(b2, sizeof(b2), bs),
				group_overhead(0, gdt, itable)));
	if (bpg < group_overhead(0, gdt, itable) + 50)
		return ERR_PTR(sim_mount_refuse(me, "blocks_per_group", "fs_size",
				"blocks_per_group %u is fewer than a group's metadata (%u blocks: bitmaps, %u inode-table blocks, super and descriptor copies) + 50",
				bpg, group_overhead(0, gdt, itable), itable));
	if (o->journal) {
		/* Without flex_bg every group starts with its bitmaps and
		 * inode table, so a contiguous journal fits in one group:
		 * the default is capped to that. */
		uint64_t fit = bpg - 2 - itable;

		jblocks = o->journal_blocks ? o->journal_blocks :
			  min(default_journal_blocks(blocks), fit);
		if (jblocks < JBD2_MIN_JOURNAL_BLOCKS)
			return ERR_PTR(sim_mount_refuse(me, "journal_size", "blocksize",
				"journal_size %s is %" PRIu64 " blocks of %s; jbd2 needs at least %u blocks (%s)",
				sim_size_str(b1, sizeof(b1), jblocks * bs), jblocks,
				sim_size_str(b2, sizeof(b2), bs),
				JBD2_MIN_JOURNAL_BLOCKS,
				sim_size_str(b3, sizeof(b3),
					     (uint64_t)JBD2_MIN_JOURNAL_BLOCKS * bs)));
		if (jblocks > blocks / 2)
			return ERR_PTR(sim_mount_refuse(me, "journal_size", "fs_size",
				"journal_size %s is more than half of fs_size %s",
				sim_size_str(b1, sizeof(b1), jblocks * bs),
				sim_size_str(b2, sizeof(b2), blocks * bs)));
		if (jblocks > fit)
			return ERR_PTR(sim_mount_refuse(me, "journal_size", "blocksize",
				"journal_size %s is %" PRIu64 " blocks of %s; without flex_bg the journal fits in one block group: at most %" PRIu64 " blocks (%s) with blocks_per_group %u",
				sim_size_str(b1, sizeof(b1), jblocks * bs), jblocks,
				sim_size_str(b2, sizeof(b2), bs), fit,
				sim_size_str(b3, sizeof(b3), fit * bs), bpg));
	}

	sb = g_new0(struct super_block, 1);
	sbi = g_new0(struct ext4_sb_info, 1);
	sb->s_blocksize = bs;
	sb->s_blocksize_bits = (unsigned)__builtin_ctz(bs);
	sb->s_fs_info = sbi;
	sb->s_world = w;
	sbi->s_sb = sb;
	sbi->s_world = w;
	sbi->s_blocks_count = blocks;
	sbi->s_blocks_per_group = bpg;
	sbi->s_groups_count = (ext4_group_t)groups;
	sbi->s_first_data_block = fdb;
	sbi->s_commit_interval = o->commit_interval;
	if (!o->journal)
		sbi->s_mount_opt = EXT4_MOUNT_NOJOURNAL | EXT4_MOUNT_WRITEBACK_DATA;
	else if (o->data == EXT4_SIM_DATA_JOURNAL)
		sbi->s_mount_opt = EXT4_MOUNT_JOURNAL_DATA;
	else if (o->data == EXT4_SIM_DATA_WRITEBACK)
		sbi->s_mount_opt = EXT4_MOUNT_WRITEBACK_DATA;
	else
		sbi->s_mount_opt = EXT4_MOUNT_ORDERED_DATA;
	if (o->delalloc)
		sbi->s_mount_opt |= EXT4_MOUNT_DELALLOC;
	if (o->dax)
		sbi->s_mount_opt |= EXT4_MOUNT_DAX;
	sbi->s_sim_opts = g_new(struct ext4_sim_mount_opts, 1);
	*sbi->s_sim_opts = *o;
	sbi->s_sim_opts->device = prof->name;  /* static: outlives o */
	sbi->s_sim_opts->profile = NULL;
	sbi->s_sim_next_ino = 12;  /* after EXT4_GOOD_OLD_FIRST_INO (lost+found) */
	/* Every world's file system has the same UUID (a world is a pure
	 * function of its inputs); the checksum seed derives from it as in
	 * ext4_fill_super, so node checksums are the ones a kernel or e2fsck
	 * computes for an image carrying this UUID (judge/image.c). */
	memcpy(sb->s_uuid, ext4_sim_uuid, sizeof(sb->s_uuid));
	sbi->s_csum_seed = ext4_sim_csum_seed(sb->s_uuid);

	sbi->s_disk = ext4_sim_disk_new(w, blocks, bs, prof);
	sbi->s_meta = ext4_sim_meta_new(sb, &sbi->s_disk->bdev, blocks);
	/* Generic code finds the device, ->dirty_inode and the strategy's
	 * version and lock through the superblock (fs/fs.h). */
	sb->s_disk = sbi->s_disk;
	sb->s_meta = sbi->s_meta;
	sb->s_sim_op = &ext4_sim_sops;
	ext4_sim_mb_new(sb, ipg);
	/* ext4_calculate_resv_clusters: 2% or 4096, whichever is smaller */
	sbi->s_resv_clusters = min_t(uint64_t, blocks / 50, 4096);

	if (o->journal) {
		err = sim_journal_area(sb, jblocks);
		if (err)
			sim_mount_refuse(me, "journal_size", "fs_size",
				"journal_size %s: no free run of %" PRIu64 " blocks from the middle block group on (fs_size %s, %" PRIu64 " groups of %u blocks)",
				sim_size_str(b1, sizeof(b1), jblocks * bs), jblocks,
				sim_size_str(b2, sizeof(b2), blocks * bs), groups,
				bpg);

		/* ---- [jbd2] the journal ---------------------------------------
		 * ext4_load_journal: a journal over the reserved blocks,
		 * kjournald2 started with s_commit_interval, the commit
		 * callback (ext4_journal_commit_callback ->
		 * ext4_sim_mb_release_tid) hooked, journal IO through the
		 * device.  Without a journal s_journal stays NULL. */
		if (!err)
			err = ext4_sim_journal_attach(sb, sbi->s_sim_journal_start,
						      (unsigned long)jblocks);
		if (err) {
			ext4_sim_unmount(sb);
			return ERR_PTR(err);
		}
		sbi->s_journal->j_sim_io = ext4_sim_journal_io;
		/* ------------------------------------------------------------- */
	}
	return sb;
}

void ext4_sim_unmount(struct super_block *sb)
{
	struct ext4_sb_info *sbi;

	if (!sb)
		return;
	sbi = EXT4_SB(sb);
	/* [jbd2] the journal's memory (before the disk and its events go).
	 * A clean unmount first runs ext4_sim_journal_detach from a task:
	 * commit, checkpoint, stop kjournald2. */
	if (sbi->s_journal)
		ext4_sim_journal_free(sb);
	sim_rbio_pool_destroy(sb);   /* read bios */
	ext4_sim_mb_destroy(sbi->s_mb);
	ext4_sim_meta_free(sbi->s_meta);
	ext4_sim_disk_free(sbi->s_disk);
	g_free(sbi->s_sim_opts);
	g_free(sbi);
	g_free(sb);
}
