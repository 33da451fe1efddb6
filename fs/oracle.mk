# fs/oracle.mk — the violation oracle and fsck.  See fs/local.mk.
fs_libfs_a_SOURCES += \
	fs/oracle.c fs/oracle.h fs/oracle_internal.h \
	fs/oracle_shadow.c fs/oracle_explain.c fs/oracle_visible.c \
	fs/ext4/fsck.c fs/ext4/fsck.h

check_PROGRAMS += tests/fs/test-oracle tests/fs/test-fsck
TESTS += tests/fs/test-oracle tests/fs/test-fsck
tests_fs_test_oracle_SOURCES = tests/fs/test-oracle.c \
	tests/fs/extents-harness.c tests/fs/extents-harness.h \
	tests/fs/fs-harness.c tests/fs/fs-harness.h
tests_fs_test_oracle_LDADD = $(FS_TEST_LIBS)
tests_fs_test_fsck_SOURCES = tests/fs/test-fsck.c \
	tests/fs/extents-harness.c tests/fs/extents-harness.h \
	tests/fs/fs-harness.c tests/fs/fs-harness.h
tests_fs_test_fsck_LDADD = $(FS_TEST_LIBS)

EXTRA_PROGRAMS += bench/bench-oracle
BENCH_LIST += bench/bench-oracle
bench_bench_oracle_SOURCES = bench/bench-oracle.c \
	tests/fs/extents-harness.c tests/fs/extents-harness.h \
	tests/fs/fs-harness.c tests/fs/fs-harness.h
bench_bench_oracle_LDADD = $(FS_TEST_LIBS)

# The model's results through the runner and the outputs (first detection
# times, skipped ops): links the runner library too.
check_PROGRAMS += tests/fs/test-results
TESTS += tests/fs/test-results
tests_fs_test_results_SOURCES = tests/fs/test-results.c
tests_fs_test_results_LDADD = sim/librun.a $(FS_TEST_LIBS) $(JSON_GLIB_LIBS) -lm
