/* fs/ext4/balloc.c — group arithmetic and free-space accounting (models
 * fs/ext4/balloc.c v4.4: ext4_get_group_no_and_offset,
 * ext4_group_first_block_no, ext4_bg_has_super, ext4_has_free_clusters,
 * ext4_claim_free_clusters, ext4_should_retry_alloc, ext4_new_meta_blocks).
 *
 * Simplifications: no bigalloc (a cluster is a block); the kernel's percpu
 * counters are exact integers; every task counts as root-capable, so the
 * root reservation (s_r_blocks_count) never binds and only s_resv_clusters
 * (2% or 4096 blocks, whichever is smaller) is held back from ordinary
 * allocations.
 */
#include "config.h"

#include "fs/ext4/mballoc.h"

void ext4_get_group_no_and_offset(struct super_block *sb, ext4_fsblk_t blocknr,
				  ext4_group_t *blockgrpp,
				  unsigned int *offsetp)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	ext4_fsblk_t rel;

	SIM_BUG_ON(blocknr < sbi->s_first_data_block ||
		   blocknr >= sbi->s_blocks_count);
	rel = blocknr - sbi->s_first_data_block;
	if (offsetp)
		*offsetp = (unsigned int)(rel % sbi->s_blocks_per_group);
	if (blockgrpp)
		*blockgrpp = (ext4_group_t)(rel / sbi->s_blocks_per_group);
}

ext4_fsblk_t ext4_group_first_block_no(struct super_block *sb,
				       ext4_group_t group_no)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);

	return (ext4_fsblk_t)group_no * sbi->s_blocks_per_group +
	       sbi->s_first_data_block;
}

static bool test_root(ext4_group_t a, unsigned int b)
{
	while (a > 1 && a % b == 0)
		a /= b;
	return a == 1;
}

bool ext4_bg_has_super(struct super_block *sb, ext4_group_t group)
{
	return group <= 1 || test_root(group, 3) || test_root(group, 5) ||
	       test_root(group, 7);
}

bool ext4_has_free_clusters(struct ext4_sb_info *sbi, int64_t nclusters,
			    unsigned int flags)
{
	int64_t free = sbi->s_freeclusters_counter;
	int64_t dirty = sbi->s_dirtyclusters_counter;
	int64_t resv = (int64_t)sbi->s_resv_clusters;

	/* Room after dirty (delalloc-reserved) clusters and the reserve. */
	if (free >= nclusters + dirty + resv)
		return true;
	/* EXT4_MB_USE_RESERVED may dip into the reserved pool (extent-tree
	 * splits during punch/conversion must not fail). */
	if ((flags & EXT4_MB_USE_RESERVED) && free >= nclusters + dirty)
		return true;
	return false;
}

int ext4_claim_free_clusters(struct ext4_sb_info *sbi, int64_t nclusters,
			     unsigned int flags)
{
	if (!ext4_has_free_clusters(sbi, nclusters, flags))
		return -ENOSPC;
	sbi->s_dirtyclusters_counter += nclusters;
	return 0;
}

void ext4_sim_release_dirty_clusters(struct ext4_sb_info *sbi, int64_t n)
{
	sbi->s_dirtyclusters_counter -= n;
	SIM_BUG_ON(sbi->s_dirtyclusters_counter < 0);
}

/* The free counter includes blocks pending free, so "free clusters left"
 * after an ENOSPC means a commit can make them allocatable. */
bool ext4_should_retry_alloc(struct super_block *sb, int *retries)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);

	if (!ext4_has_free_clusters(sbi, 1, 0) || (*retries)++ > 3 ||
	    !sbi->s_journal)
		return false;
	return ext4_sim_force_commit(sb) > 0;
}

ext4_fsblk_t ext4_new_meta_blocks(handle_t *handle, struct inode *inode,
				  ext4_fsblk_t goal, unsigned int flags,
				  unsigned long *count, int *errp)
{
	struct ext4_allocation_request ar = {
		.inode = inode,
		.goal = goal,
		.len = count ? (unsigned int)*count : 1,
		.flags = flags | EXT4_MB_SIM_NODE,
	};
	ext4_fsblk_t ret;

	ret = ext4_mb_new_blocks(handle, &ar, errp);
	if (count)
		*count = ar.len;
	return ret;
}
