/* fs/ext4/locking.c — the strategy registry (docs/design.md): every
 * strategy file's ops, in the order --list-strategies prints them,
 * generated from EXT4_LOCK_STRATEGIES (locking.h).  A new strategy is one
 * file fs/ext4/lock-NAME.c and one entry in that list.  Also the strategy's
 * face to generic code, ext4_sim_sops (fs/fs.h). */
#include "config.h"

#include <string.h>

#include "fs/ext4/locking.h"

const struct ext4_lock_ops *const ext4_lock_strategies[] = {
#define EXT4_LOCK_STRATEGY_OPS(n) &ext4_lock_##n,
	EXT4_LOCK_STRATEGIES(EXT4_LOCK_STRATEGY_OPS)
#undef EXT4_LOCK_STRATEGY_OPS
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
