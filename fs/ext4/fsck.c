/* fs/ext4/fsck.c — whole-model invariants (see fs/ext4/fsck.h).  First cut:
 * mballoc and disk-owner consistency only (tree, owners, page cache next). */
#include "config.h"

#include <stdio.h>

#include "fs/disk.h"
#include "fs/ext4/fsck.h"
#include "fs/ext4/mballoc.h"

unsigned ext4_sim_fsck(struct super_block *sb, struct inode *const *inodes,
		       unsigned ninodes, unsigned flags,
		       ext4_sim_fsck_report_fn report, void *ctx)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	char why[256];
	unsigned n = 0;

	(void)inodes; (void)ninodes; (void)flags;
	if (sbi->s_mb && !ext4_sim_mb_check(sb, why, sizeof(why))) {
		n++;
		if (report)
			report(ctx, "mballoc", false, why);
	}
	if (sbi->s_disk && !ext4_sim_disk_check(sbi->s_disk, why, sizeof(why))) {
		n++;
		if (report)
			report(ctx, "disk", false, why);
	}
	return n;
}
