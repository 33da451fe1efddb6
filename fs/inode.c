/* fs/inode.c — the VFS inode helper the write and fault paths share
 * (fs/inode.c, v4.4): file_update_time.  Simplified: no update_time
 * inode operation (ext4 has none) and no I_DIRTY_TIME (lazytime).
 */
#include "config.h"

#include "fs/writeback.h"

/* current_fs_time's resolution: a jiffy at HZ=250.  mtime changes (and the
 * inode is dirtied for it) at most once per tick. */
#define INODE_SIM_TIME_GRAN (4 * SIM_MSEC)

int file_update_time(struct file *file)
{
	struct inode *inode = file_inode(file);
	sim_time_t now = sim_world_now(inode->i_sb->s_world);

	now -= now % INODE_SIM_TIME_GRAN;
	if (inode->i_mtime == now && inode->i_ctime == now)
		return 0;
	inode->i_mtime = inode->i_ctime = now;
	/* update_time -> generic_update_time */
	__mark_inode_dirty(inode, I_DIRTY_SYNC);
	return 0;
}
