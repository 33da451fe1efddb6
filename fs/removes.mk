# fs/removes.mk — the locking strategies and the block-removing paths
# (helper "removes"): fallocate family, punch, zero/collapse/insert range,
# truncate.  See fs/local.mk.
fs_libfs_a_SOURCES += \
	fs/ext4/locking.h fs/ext4/locking.c \
	fs/ext4/lock-lockless.c fs/ext4/lock-i_data_sem.c \
	fs/ext4/lock-i_data_sem_held.c fs/ext4/lock-i_mmap_sem.c \
	fs/ext4/lock-invalidate_lock.c \
	fs/ext4/truncate.h fs/ext4/punch.c fs/ext4/falloc.c fs/ext4/truncate.c

check_PROGRAMS += tests/fs/test-strategies tests/fs/test-punch \
	tests/fs/test-falloc tests/fs/test-truncate
TESTS += tests/fs/test-strategies tests/fs/test-punch \
	tests/fs/test-falloc tests/fs/test-truncate
REMOVES_HARNESS = tests/fs/removes-harness.c tests/fs/removes-harness.h \
	tests/fs/fs-harness.c tests/fs/fs-harness.h
tests_fs_test_strategies_SOURCES = tests/fs/test-strategies.c $(REMOVES_HARNESS)
tests_fs_test_strategies_LDADD = $(FS_TEST_LIBS)
tests_fs_test_punch_SOURCES = tests/fs/test-punch.c $(REMOVES_HARNESS)
tests_fs_test_punch_LDADD = $(FS_TEST_LIBS)
tests_fs_test_falloc_SOURCES = tests/fs/test-falloc.c $(REMOVES_HARNESS)
tests_fs_test_falloc_LDADD = $(FS_TEST_LIBS)
tests_fs_test_truncate_SOURCES = tests/fs/test-truncate.c $(REMOVES_HARNESS)
tests_fs_test_truncate_LDADD = $(FS_TEST_LIBS)
