# fs/alloc.mk — disk, block IO + buffer cache, mballoc, mount set-up.
# See fs/local.mk.
fs_libfs_a_SOURCES += \
	fs/contents.c fs/contents.h \
	fs/extmap.c fs/extmap.h \
	fs/disk.c fs/disk.h \
	fs/block.c fs/block.h \
	fs/ext4/mballoc.c fs/ext4/mballoc.h \
	fs/ext4/balloc.c \
	fs/ext4/super.c \
	fs/ext4/ialloc.c

check_PROGRAMS += tests/fs/test-contents tests/fs/test-extmap tests/fs/test-disk \
	tests/fs/test-mballoc
TESTS += tests/fs/test-contents tests/fs/test-extmap tests/fs/test-disk \
	tests/fs/test-mballoc
tests_fs_test_contents_SOURCES = tests/fs/test-contents.c
tests_fs_test_contents_LDADD = $(FS_TEST_LIBS)
tests_fs_test_extmap_SOURCES = tests/fs/test-extmap.c
tests_fs_test_extmap_LDADD = $(FS_TEST_LIBS)
tests_fs_test_disk_SOURCES = tests/fs/test-disk.c
tests_fs_test_disk_LDADD = $(FS_TEST_LIBS)
tests_fs_test_mballoc_SOURCES = tests/fs/test-mballoc.c
tests_fs_test_mballoc_LDADD = $(FS_TEST_LIBS)

EXTRA_PROGRAMS += bench/bench-alloc
BENCH_LIST += bench/bench-alloc
bench_bench_alloc_SOURCES = bench/bench-alloc.c
bench_bench_alloc_LDADD = $(FS_TEST_LIBS)
