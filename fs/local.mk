# fs/ — the modelled kernel (libfs.a).  This folder holds what mirrors the
# kernel's fs/ top level (buffer heads, direct IO, the flusher) and the
# kernel vocabulary headers; each subfolder's local.mk adds its own
# sources to the same library: the block layer and simulated device
# (block/), ext4 (ext4/), the page cache and VM (mm/), the journal
# (jbd2/), and, outside the kernel mirror, the violation oracle (oracle/)
# and the workload driver (workload/).
noinst_LIBRARIES += fs/libfs.a
fs_libfs_a_SOURCES = \
	fs/buffer.c fs/buffer_head.h fs/buffer_read.c fs/buffer_write.c \
	fs/buffer_write.h fs/compat.h fs/costs.h fs/direct-io.c fs/fs-writeback.c \
	fs/fs.h fs/inode.c fs/mm.h fs/task_state.h fs/uio.h fs/writeback.h

include fs/block/local.mk
include fs/ext4/local.mk
include fs/mm/local.mk
include fs/jbd2/local.mk
include fs/oracle/local.mk
include fs/workload/local.mk

FS_TEST_LIBS = fs/libfs.a $(SIM_TEST_LIBS)
