/* fs/ext4/extents_status.h — the extent-status cache (ext4_es_*).  Contract
 * placeholder: the extents module defines the tree. */
#ifndef FS_EXT4_EXTENTS_STATUS_H
#define FS_EXT4_EXTENTS_STATUS_H

#include "sim/types.h"

struct ext4_es_tree {
	void *root;
	unsigned long count;
};

#endif /* FS_EXT4_EXTENTS_STATUS_H */
