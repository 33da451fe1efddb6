# fs/faults.mk — page faults, read(2), readahead, madvise/fadvise, DAX
# faults and the read IO that fills pages (helper "faults").  See
# fs/local.mk.
fs_libfs_a_SOURCES += \
	fs/mm/fault.h fs/mm/fault.c \
	fs/mm/arch_fault.c \
	fs/mm/filemap_fault.c \
	fs/mm/readahead.c \
	fs/mm/read.c \
	fs/mm/madvise.c fs/mm/fadvise.c \
	fs/mm/dax.h fs/mm/dax.c fs/mm/dax_io.c \
	fs/mm/read_bio.c \
	fs/buffer_read.c \
	fs/ext4/file.h fs/ext4/file.c \
	fs/ext4/readpage.c

FAULTS_TEST_UTIL = tests/fs/faults-harness.c tests/fs/faults-harness.h \
	tests/fs/fs-harness.c tests/fs/fs-harness.h
check_PROGRAMS += tests/fs/test-fault
TESTS += tests/fs/test-fault
tests_fs_test_fault_SOURCES = tests/fs/test-fault.c $(FAULTS_TEST_UTIL)
tests_fs_test_fault_LDADD = $(FS_TEST_LIBS)
check_PROGRAMS += tests/fs/test-read
TESTS += tests/fs/test-read
tests_fs_test_read_SOURCES = tests/fs/test-read.c $(FAULTS_TEST_UTIL)
tests_fs_test_read_LDADD = $(FS_TEST_LIBS)

EXTRA_PROGRAMS += bench/bench-fault
BENCH_LIST += bench/bench-fault
bench_bench_fault_SOURCES = bench/bench-fault.c $(FAULTS_TEST_UTIL)
bench_bench_fault_LDADD = $(FS_TEST_LIBS)
