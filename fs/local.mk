# fs/ — the modelled kernel (libfs.a).
noinst_LIBRARIES += fs/libfs.a
fs_libfs_a_SOURCES = fs/compat.h fs/fs.h fs/buffer_head.h fs/options.h fs/options.c

include fs/extents.mk
include fs/alloc.mk
include fs/mm.mk
include fs/jbd2.mk
include fs/oracle.mk
include fs/faults.mk
include fs/writes.mk
include fs/removes.mk
include fs/workload.mk
