/* fs/ext4/extents_convert.c — ext4_convert_unwritten_extents: after direct
 * IO into unwritten extents completes, the written byte range becomes
 * initialized, one extent (and, without a reserved handle, one handle) at
 * a time.  Mirrors fs/ext4/extents.c of v4.4.1.
 *
 * Kept apart from extents_map.c because it calls ext4_map_blocks
 * (fs/ext4/inode.c: es cache, i_data_sem, then ext4_ext_map_blocks with
 * EXT4_GET_BLOCKS_IO_CONVERT_EXT), so linking it needs inode.c.
 *
 * Simplification: no reserved handles (ext4_journal_start_reserved); a
 * caller passing a handle has it used for every extent.
 */
#include "config.h"

#include "fs/ext4/extents_internal.h"

int ext4_convert_unwritten_extents(handle_t *handle, struct inode *inode,
				   loff_t offset, ssize_t len)
{
	unsigned int blkbits = inode->i_sb->s_blocksize_bits;
	unsigned int max_blocks, credits;
	struct ext4_map_blocks map;
	int ret = 0, ret2 = 0;

	map.m_lblk = (ext4_lblk_t)(offset >> blkbits);
	/* whole blocks covering [offset, offset + len) */
	max_blocks = (unsigned int)((((uint64_t)offset + (uint64_t)len +
				      (1u << blkbits) - 1) >> blkbits) -
				    map.m_lblk);
	/* our own handle per extent unless the caller brought one */
	credits = handle ? 0 : (unsigned int)ext4_chunk_trans_blocks(inode,
							(int)max_blocks);
	while (ret >= 0 && (unsigned int)ret < max_blocks) {
		map.m_lblk += (ext4_lblk_t)ret;
		map.m_len = (max_blocks -= (unsigned int)ret);
		map.m_flags = 0;
		if (credits) {
			handle = ext4_journal_start(inode, EXT4_HT_MAP_BLOCKS,
						    (int)credits);
			if (IS_ERR(handle)) {
				ret = (int)PTR_ERR(handle);
				break;
			}
		}
		ret = ext4_map_blocks(handle, inode, &map,
				      EXT4_GET_BLOCKS_IO_CONVERT_EXT);
		ext4_mark_inode_dirty(handle, inode);
		if (credits)
			ret2 = ext4_journal_stop(handle);
		if (ret <= 0 || ret2)
			break;
	}
	return ret > 0 ? ret2 : ret;
}
