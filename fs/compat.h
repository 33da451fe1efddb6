/* fs/compat.h — kernel vocabulary over sim primitives, so modelled paths
 * read like the kernel code they mirror (down_read, mutex_lock, BUG_ON,
 * ERR_PTR, ...).  Filled in as the fs/ model grows. */
#ifndef FS_COMPAT_H
#define FS_COMPAT_H

#include "sim/sim.h"

#endif /* FS_COMPAT_H */
