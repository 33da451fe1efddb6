/* fs/ext4/locking.c — the strategy registry (DESIGN §4): every strategy
 * file's ops, in the order --list-strategies prints them.  A new strategy
 * is one file fs/ext4/lock-NAME.c and one line here (and its name in
 * fs_strategy_names, fs/workload/options.c, so workload files may ask for it). */
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
