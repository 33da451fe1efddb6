# fs/jbd2.mk — the journal (fs/jbd2/) and ext4's journalling wrappers.
fs_libfs_a_SOURCES += \
	fs/task_state.h \
	fs/jbd2/jbd2.h fs/jbd2/journal.c fs/jbd2/transaction.c \
	fs/jbd2/commit.c fs/jbd2/checkpoint.c \
	fs/ext4/ext4_jbd2.h fs/ext4/ext4_jbd2.c

check_PROGRAMS += tests/fs/test-jbd2
TESTS += tests/fs/test-jbd2
tests_fs_test_jbd2_SOURCES = tests/fs/test-jbd2.c
tests_fs_test_jbd2_LDADD = $(FS_TEST_LIBS)
