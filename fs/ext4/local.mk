# fs/ext4/ — ext4: extent tree, extent-status cache, mballoc, inode and
# file paths, the fallocate family, writeback, the locking strategies
# (locking.h, lock-*.c).
fs_libfs_a_SOURCES += \
	fs/ext4/balloc.c fs/ext4/dio.c fs/ext4/ext4.h fs/ext4/ext4_extents.h \
	fs/ext4/ext4_jbd2.c fs/ext4/ext4_jbd2.h fs/ext4/ext4_map.h \
	fs/ext4/extents.c fs/ext4/extents_check.c fs/ext4/extents_convert.c \
	fs/ext4/extents_csum.c fs/ext4/extents_internal.h \
	fs/ext4/extents_map.c fs/ext4/extents_remove.c \
	fs/ext4/extents_shift.c fs/ext4/extents_status.c \
	fs/ext4/extents_status.h fs/ext4/falloc.c fs/ext4/file.c \
	fs/ext4/file.h fs/ext4/file_write.c fs/ext4/fsync.c fs/ext4/ialloc.c \
	fs/ext4/inode.c fs/ext4/inode_write.c fs/ext4/lock-i_data_sem.c \
	fs/ext4/lock-i_data_sem_held.c fs/ext4/lock-i_mmap_sem.c \
	fs/ext4/lock-invalidate_lock.c fs/ext4/lock-lockless.c \
	fs/ext4/lock-range_lock.c fs/ext4/lock-compose.c \
	fs/ext4/locking.c fs/ext4/locking.h fs/ext4/mballoc.c \
	fs/ext4/mballoc.h fs/ext4/page-io.c fs/ext4/punch.c \
	fs/ext4/readpage.c fs/ext4/super.c fs/ext4/truncate.c \
	fs/ext4/truncate.h fs/ext4/writeback.c fs/ext4/writes_internal.h
