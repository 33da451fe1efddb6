/* fs/ext4/locking.c — the strategy registry (DESIGN §4): every strategy
 * file's ops, in the order --list-strategies prints them.  A new strategy
 * is one file fs/ext4/lock-NAME.c and one line here (and its name in
 * fs_strategy_names, fs/workload/options.c, so workload files may ask for it).
 * Also the strategy as generic code sees it (ext4_sim_sops, fs/fs.h). */
#include "config.h"

#include <string.h>

#include "fs/ext4/locking.h"

const struct ext4_lock_ops *const ext4_lock_strategies[] = {
	&ext4_lock_lockless,
	&ext4_lock_i_data_sem,
	&ext4_lock_i_data_sem_held,
	&ext4_lock_i_mmap_sem,
	&ext4_lock_invalidate_lock,
	NULL,
};

const struct ext4_lock_ops *ext4_lock_ops_find(const char *name)
{
	for (const struct ext4_lock_ops *const *s = ext4_lock_strategies; *s;
	     s++)
		if (strcmp((*s)->name, name) == 0)
			return *s;
	return NULL;
}

/* ---- the strategy as generic code sees it (ext4_sim_sops, fs/ext4/super.c) ----
 * Asked at every call, so a strategy set (or changed by a test) after the
 * mount is the one in force. */

enum fs_sim_kver ext4_sim_sb_kver(struct super_block *sb)
{
	return (enum fs_sim_kver)ext4_sim_sb_lock_ops(sb)->kver;
}

/* v5.15's generic mm paths: filemap_fault's slow path
 * (EXT4_LOCK_FAULT_FAST_PATH), read(2) and readahead
 * (EXT4_LOCK_READ_PATHS). */
unsigned ext4_sim_invalidate_lock_paths(struct super_block *sb)
{
	unsigned flags = ext4_sim_sb_lock_ops(sb)->flags;

	return (flags & EXT4_LOCK_FAULT_FAST_PATH ? FS_SIM_INVALIDATE_FAULT : 0) |
	       (flags & EXT4_LOCK_READ_PATHS ? FS_SIM_INVALIDATE_READ : 0);
}

/* filemap_invalidate_lock_shared at a generic call site: the strategy's
 * shared side, on behalf of the generic function ip. */
void ext4_sim_filemap_lock_shared(struct address_space *mapping,
				  loff_t start, loff_t end, const char *ip)
{
	ext4_sim__fault_lock(mapping->host, start, end, ip);
}

void ext4_sim_filemap_unlock_shared(struct address_space *mapping,
				    loff_t start, loff_t end)
{
	ext4_sim_fault_unlock(mapping->host, start, end);
}
