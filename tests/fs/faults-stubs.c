/* tests/fs/faults-stubs.c — TEMPORARY stand-ins for the functions helper
 * "writes" implements in fs/ext4/inode.c, fs/mm/writeback.c and
 * fs/ext4/inode.c (file_update_time), so the fault and read tests link
 * before that branch lands.  Kernel prototypes; minimal behaviour:
 * ext4_map_blocks without the es-cache fast path; ext4_get_block maps one
 * buffer; ext4_page_mkwrite re-checks the page and dirties it (no block
 * allocation: the tests fault only on allocated blocks).  Delete this file
 * (and its line in fs/faults.mk) when "writes" is merged.
 */
#include "config.h"

#include "fs/ext4/file.h"
#include "fs/ext4/ext4_extents.h"
#include "fs/writeback.h"

int ext4_map_blocks(handle_t *handle, struct inode *inode,
		    struct ext4_map_blocks *map, int flags)
{
	struct ext4_inode_info *ei = EXT4_I(inode);
	bool create = flags & EXT4_GET_BLOCKS_CREATE;
	int ret;

	map->m_flags = 0;
	if (create)
		down_write(&ei->i_data_sem);
	else
		down_read(&ei->i_data_sem);
	ret = ext4_ext_map_blocks(handle, inode, map, flags);
	if (create)
		up_write(&ei->i_data_sem);
	else
		up_read(&ei->i_data_sem);
	return ret;
}

int ext4_get_block(struct inode *inode, sector_t iblock,
		   struct buffer_head *bh, int create)
{
	struct ext4_map_blocks map = {
		.m_lblk = (ext4_lblk_t)iblock,
		.m_len = bh->b_size >> inode->i_sb->s_blocksize_bits,
	};
	int ret = ext4_map_blocks(NULL, inode, &map,
				  create ? EXT4_GET_BLOCKS_CREATE : 0);

	if (ret > 0) {
		map_bh(bh, inode->i_sb, map.m_pblk);
		bh->b_state = (bh->b_state & ~(unsigned long)EXT4_MAP_FLAGS) |
			      map.m_flags;
		bh->b_size = inode->i_sb->s_blocksize * map.m_len;
		ret = 0;
	}
	return ret;
}

int ext4_page_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct page *page = vmf->page;
	struct inode *inode = file_inode(vma->vm_file);
	const struct ext4_lock_ops *ops = EXT4_SB(inode->i_sb)->s_lock_ops;
	loff_t start = page_offset(page);
	int ret = VM_FAULT_LOCKED;

	if (ops && ops->fault_lock)
		ops->fault_lock(inode, start, start + PAGE_SIZE - 1);
	lock_page(page);
	if (page->mapping != inode->i_mapping ||
	    page_offset(page) >= i_size_read(inode)) {
		unlock_page(page);
		ret = VM_FAULT_NOPAGE;
	} else {
		set_page_dirty(page);
	}
	if (ops && ops->fault_unlock)
		ops->fault_unlock(inode, start, start + PAGE_SIZE - 1);
	return ret;
}

int file_update_time(struct file *file)
{
	(void)file;
	return 0;
}

int filemap_write_and_wait_range(struct address_space *mapping, loff_t lstart,
				 loff_t lend)
{
	(void)mapping;
	(void)lstart;
	(void)lend;
	return 0;
}
