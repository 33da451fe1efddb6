/* fs/ext4/locking.c — the strategy registry (docs/design.md): every
 * strategy file's ops, in the order --list-strategies prints them,
 * generated from EXT4_LOCK_STRATEGIES (locking.h).  A new strategy is one
 * file fs/ext4/lock-NAME.c and one entry in that list. */
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
