# fs/extents.mk — the ext4 extent tree and the extent-status cache
# (helper "extents"); see fs/local.mk.
fs_libfs_a_SOURCES += \
	fs/ext4/ext4_extents.h fs/ext4/extents_internal.h \
	fs/ext4/extents.c fs/ext4/extents_csum.c fs/ext4/extents_map.c \
	fs/ext4/extents_remove.c fs/ext4/extents_shift.c \
	fs/ext4/extents_convert.c fs/ext4/extents_check.c \
	fs/ext4/extents_status.h fs/ext4/extents_status.c

check_PROGRAMS += tests/fs/test-extents tests/fs/test-extents-status
TESTS += tests/fs/test-extents tests/fs/test-extents-status
tests_fs_test_extents_SOURCES = tests/fs/test-extents.c \
	tests/fs/extents-harness.c tests/fs/extents-harness.h \
	tests/fs/fs-harness.c tests/fs/fs-harness.h
tests_fs_test_extents_LDADD = $(FS_TEST_LIBS)
tests_fs_test_extents_status_SOURCES = tests/fs/test-extents-status.c
tests_fs_test_extents_status_LDADD = $(FS_TEST_LIBS)

EXTRA_PROGRAMS += bench/bench-extents
BENCH_LIST += bench/bench-extents
bench_bench_extents_SOURCES = bench/bench-extents.c \
	tests/fs/extents-harness.c tests/fs/extents-harness.h \
	tests/fs/fs-harness.c tests/fs/fs-harness.h
bench_bench_extents_LDADD = $(FS_TEST_LIBS) -lm
