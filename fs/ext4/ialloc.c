/* fs/ext4/ialloc.c — in-core inode creation for the model (the in-memory
 * half of __ext4_new_inode + ext4_alloc_inode + inode_init_once, v4.4).
 *
 * Simplification: no inode bitmap or inode table is updated — inodes are
 * numbered in creation order from 12 (after lost+found) and live in memory
 * only; the race under study never frees or reuses an inode.  The extent
 * root in i_data is left zeroed for the caller's ext4_ext_tree_init, as
 * __ext4_new_inode calls it after the generic set-up.
 */
#include "config.h"

#include <glib.h>

#include "fs/ext4/ext4.h"
#include "fs/ext4/extents_status.h"

struct inode *ext4_sim_new_inode(struct super_block *sb)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	struct sim_world *w = sb->s_world;
	struct ext4_inode_info *ei = g_new0(struct ext4_inode_info, 1);
	struct inode *inode = &ei->vfs_inode;

	/* ext4_alloc_inode / init_once */
	sim_rwsem_init(w, &ei->i_data_sem, "i_data_sem");
	sim_rwsem_init(w, &ei->i_mmap_sem, "i_mmap_sem");
	ei->i_disksize = 0;
	ei->i_state_flags = 0;
	ei->jinode = NULL;

	/* inode_init_always / inode_init_once */
	inode->i_ino = sbi->s_sim_next_ino++;
	inode->i_sb = sb;
	inode->i_size = 0;
	sim_mutex_init(w, &inode->i_mutex, "i_mutex");
	inode->i_dio_count = 0;
	sim_waitq_init(&inode->i_dio_wq);
	inode->i_data.host = inode;
	inode->i_data.page_tree = NULL;
	inode->i_data.nrpages = 0;
	sim_rwsem_init(w, &inode->i_data.i_mmap_rwsem, "i_mmap_rwsem");
	sim_list_init(&inode->i_data.i_mmap);
	sim_rwsem_init(w, &inode->i_data.invalidate_lock, "invalidate_lock");
	inode->i_data.a_ops = NULL;  /* the page cache sets ext4's a_ops */
	inode->i_mapping = &inode->i_data;
	inode->i_mtime = inode->i_ctime = sim_world_now(w);
	/* ext4_set_inode_flags: every regular file of a dax mount is DAX */
	inode->i_flags = (sbi->s_mount_opt & EXT4_MOUNT_DAX) ? S_DAX : 0;
	return inode;
}

void ext4_sim_free_inode(struct inode *inode)
{
	if (!inode)
		return;
	/* The es cache owns its nodes; release them with the inode. */
	ext4_sim_es_release(&EXT4_I(inode)->i_es_tree);
	g_free(EXT4_I(inode));
}
