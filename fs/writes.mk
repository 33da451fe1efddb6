# fs/writes.mk — block mapping, the write side and writeback (helper
# "writes"): ext4_map_blocks and get_block, write_begin/end, page_mkwrite,
# writepages/writepage and their IO, the flusher, fsync, direct IO,
# write(2).  See fs/local.mk.
fs_libfs_a_SOURCES += \
	fs/uio.h fs/writeback.h fs/buffer_write.h fs/buffer_write.c \
	fs/direct-io.c fs/fs-writeback.c fs/mm/write.c fs/mm/writeback.c \
	fs/ext4/ext4_map.h fs/ext4/writes_internal.h \
	fs/ext4/inode.c fs/ext4/inode_write.c fs/ext4/page-io.c \
	fs/ext4/writeback.c fs/ext4/fsync.c fs/ext4/dio.c \
	fs/ext4/file_write.c

check_PROGRAMS += tests/fs/test-write tests/fs/test-writeback tests/fs/test-dio
TESTS += tests/fs/test-write tests/fs/test-writeback tests/fs/test-dio
tests_fs_test_write_SOURCES = tests/fs/test-write.c tests/fs/writes-harness.h \
	tests/fs/fs-harness.c tests/fs/fs-harness.h
tests_fs_test_write_LDADD = $(FS_TEST_LIBS)
tests_fs_test_writeback_SOURCES = tests/fs/test-writeback.c tests/fs/writes-harness.h \
	tests/fs/fs-harness.c tests/fs/fs-harness.h
tests_fs_test_writeback_LDADD = $(FS_TEST_LIBS)
tests_fs_test_dio_SOURCES = tests/fs/test-dio.c tests/fs/writes-harness.h \
	tests/fs/fs-harness.c tests/fs/fs-harness.h
tests_fs_test_dio_LDADD = $(FS_TEST_LIBS)
