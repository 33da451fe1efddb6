/* fs/ext4/super.c — mount-time set-up of the ext4 model: geometry, the
 * mount options that matter, and the disk, buffer cache, allocator and
 * (later) journal of one world (model of mke2fs + ext4_fill_super, v4.4).
 *
 * Geometry follows mke2fs defaults: block size 4 KiB (1–64 KiB allowed;
 * page size is 4 KiB, so blocks may be smaller than a page), 8 x blocksize
 * blocks per group (one bitmap block), first data block 1 for 1 KiB blocks
 * else 0, one inode per 16 KiB (inode_ratio) of 256 bytes, sparse_super
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

#include <string.h>

#include <glib.h>

#include "fs/ext4/mballoc.h"

#define EXT4_SIM_INODE_RATIO 16384u
#define JBD2_MIN_JOURNAL_BLOCKS 1024u

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

static bool valid_opts(const struct ext4_sim_mount_opts *o)
{
	unsigned bs = o->blocksize;

	if (bs < 1024 || bs > 65536 || (bs & (bs - 1)))
		return false;
	if (o->blocks_per_group &&
	    (o->blocks_per_group > 8 * bs || o->blocks_per_group % 8 ||
	     o->blocks_per_group < 256))
		return false;
	if (o->journal && o->data == EXT4_SIM_DATA_JOURNAL &&
	    (o->delalloc || o->dax))
		return false;
	if (o->dax && bs != PAGE_SIZE)
		return false;
	if (o->commit_interval < 0)
		return false;
	return true;
}

/* Reserve the journal's blocks, contiguous where the groups allow. */
static int sim_journal_area(struct super_block *sb, uint64_t jblocks)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	ext4_fsblk_t goal = ext4_group_first_block_no(sb, sbi->s_groups_count / 2);
	uint64_t left = jblocks;

	while (left) {
		unsigned long got;
		ext4_fsblk_t blk = ext4_sim_mb_reserve(sb, goal, left, &got,
						       EXT4_SIM_OWN_JOURNAL);

		if (!blk)
			return -ENOSPC;
		if (sbi->s_sim_journal_nr &&
		    sbi->s_sim_journal_area[sbi->s_sim_journal_nr - 1].start +
				    sbi->s_sim_journal_area[sbi->s_sim_journal_nr - 1].len ==
			    blk) {
			sbi->s_sim_journal_area[sbi->s_sim_journal_nr - 1].len += got;
		} else {
			sbi->s_sim_journal_area = g_renew(
				struct ext4_sim_jextent, sbi->s_sim_journal_area,
				sbi->s_sim_journal_nr + 1);
			sbi->s_sim_journal_area[sbi->s_sim_journal_nr++] =
				(struct ext4_sim_jextent){ blk, got };
		}
		left -= got;
		goal = blk + got;
	}
	sbi->s_sim_journal_blocks = jblocks;
	return 0;
}

ext4_fsblk_t ext4_sim_journal_bmap(struct super_block *sb, uint64_t n)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);

	SIM_BUG_ON(n >= sbi->s_sim_journal_blocks);
	for (unsigned i = 0; i < sbi->s_sim_journal_nr; i++) {
		if (n < sbi->s_sim_journal_area[i].len)
			return sbi->s_sim_journal_area[i].start + n;
		n -= sbi->s_sim_journal_area[i].len;
	}
	BUG();
}

struct super_block *ext4_sim_mount(struct sim_world *w,
				   const struct ext4_sim_mount_opts *o)
{
	const struct blk_sim_profile *prof = o->profile;
	struct super_block *sb;
	struct ext4_sb_info *sbi;
	unsigned bs = o->blocksize, bpg, ipg, itable, gdt;
	uint64_t blocks, fdb, groups, jblocks = 0;

	if (!valid_opts(o))
		return ERR_PTR(-EINVAL);
	if (!prof)
		prof = blk_sim_profile_lookup(o->device ? o->device : "nvme");
	if (!prof)
		return ERR_PTR(-EINVAL);

	/* geometry (mke2fs) */
	blocks = o->size / bs;
	fdb = bs == 1024 ? 1 : 0;
	bpg = o->blocks_per_group ? o->blocks_per_group : 8 * bs;
	ipg = o->inodes_per_group;
	if (!ipg) {
		/* one inode per inode_ratio bytes, whole inode-table blocks */
		ipg = (unsigned)((uint64_t)bpg * bs / EXT4_SIM_INODE_RATIO);
		ipg = round_up(max(ipg, 16u), bs / 256);
	}
	itable = EXT4_SIM_ITABLE_BLOCKS(ipg, bs);
	if (blocks <= fdb)
		return ERR_PTR(-EINVAL);
	groups = DIV_ROUND_UP(blocks - fdb, bpg);
	gdt = (unsigned)DIV_ROUND_UP(groups, EXT4_SIM_DESC_PER_BLOCK(bs));
	/* drop a last group too small for its metadata + 50 blocks */
	if (groups > 1) {
		uint64_t last = blocks - fdb - (groups - 1) * bpg;

		if (last < group_overhead((ext4_group_t)groups - 1, gdt, itable) + 50) {
			blocks -= last;
			groups--;
		}
	}
	if (blocks - fdb < group_overhead(0, gdt, itable) + 50 ||
	    bpg < group_overhead(0, gdt, itable) + 50)
		return ERR_PTR(-EINVAL);
	if (o->journal) {
		jblocks = o->journal_blocks ? o->journal_blocks :
					      default_journal_blocks(blocks);
		if (jblocks < JBD2_MIN_JOURNAL_BLOCKS || jblocks > blocks / 2)
			return ERR_PTR(-EINVAL);
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

	sbi->s_disk = ext4_sim_disk_new(w, blocks, bs, prof);
	sbi->s_meta = ext4_sim_meta_new(sb, &sbi->s_disk->bdev, blocks);
	ext4_sim_mb_new(sb, ipg);
	/* ext4_calculate_resv_clusters: 2% or 4096, whichever is smaller */
	sbi->s_resv_clusters = min_t(uint64_t, blocks / 50, 4096);

	if (o->journal && sim_journal_area(sb, jblocks) < 0) {
		ext4_sim_unmount(sb);
		return ERR_PTR(-ENOSPC);
	}

	/* ---- [jbd2] journal creation goes here ---------------------------
	 * With o->journal: build sbi->s_journal over the blocks reserved
	 * above (ext4_sim_journal_bmap, s_sim_journal_blocks), start
	 * kjournald2 with s_commit_interval, and register the commit
	 * callback (ext4_journal_commit_callback -> ext4_sim_mb_release_tid).
	 * Without a journal s_journal stays NULL.
	 * ------------------------------------------------------------------- */

	return sb;
}

void ext4_sim_unmount(struct super_block *sb)
{
	struct ext4_sb_info *sbi;

	if (!sb)
		return;
	sbi = EXT4_SB(sb);
	/* ---- [jbd2] journal teardown goes here (before the disk goes) ---- */
	ext4_sim_mb_destroy(sbi->s_mb);
	ext4_sim_meta_free(sbi->s_meta);
	ext4_sim_disk_free(sbi->s_disk);
	g_free(sbi->s_sim_journal_area);
	g_free(sbi->s_sim_opts);
	g_free(sbi);
	g_free(sb);
}
