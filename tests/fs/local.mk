# tests/fs/ — tests of the modelled kernel, the oracle and the workload
# driver.  Every test links the fs test fixture (tests/fs/fixture/).
include tests/fs/fixture/local.mk

FS_TESTS = \
	tests/fs/test-contents tests/fs/test-dio tests/fs/test-disk \
	tests/fs/test-extents-status tests/fs/test-extents tests/fs/test-extmap \
	tests/fs/test-falloc tests/fs/test-fault tests/fs/test-fsck \
	tests/fs/test-fsx tests/fs/test-io-wait tests/fs/test-jbd2 \
	tests/fs/test-mballoc tests/fs/test-mm tests/fs/test-oracle \
	tests/fs/test-pagecache tests/fs/test-punch \
	tests/fs/test-radix-tree tests/fs/test-read tests/fs/test-regress \
	tests/fs/test-results tests/fs/test-strategies \
	tests/fs/test-truncate tests/fs/test-workload tests/fs/test-write \
	tests/fs/test-writeback
check_PROGRAMS += $(FS_TESTS)
TESTS += $(FS_TESTS)
tests_fs_test_contents_SOURCES = tests/fs/test-contents.c
tests_fs_test_contents_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_dio_SOURCES = tests/fs/test-dio.c
tests_fs_test_dio_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_disk_SOURCES = tests/fs/test-disk.c
tests_fs_test_disk_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_extents_status_SOURCES = tests/fs/test-extents-status.c
tests_fs_test_extents_status_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_extmap_SOURCES = tests/fs/test-extmap.c
tests_fs_test_extmap_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_extents_SOURCES = tests/fs/test-extents.c
tests_fs_test_extents_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_falloc_SOURCES = tests/fs/test-falloc.c
tests_fs_test_falloc_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_fault_SOURCES = tests/fs/test-fault.c
tests_fs_test_fault_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_fsck_SOURCES = tests/fs/test-fsck.c
tests_fs_test_fsck_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_fsx_SOURCES = tests/fs/test-fsx.c
tests_fs_test_fsx_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_io_wait_SOURCES = tests/fs/test-io-wait.c
tests_fs_test_io_wait_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_jbd2_SOURCES = tests/fs/test-jbd2.c
tests_fs_test_jbd2_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_mballoc_SOURCES = tests/fs/test-mballoc.c
tests_fs_test_mballoc_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_mm_SOURCES = tests/fs/test-mm.c
tests_fs_test_mm_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_oracle_SOURCES = tests/fs/test-oracle.c
tests_fs_test_oracle_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_pagecache_SOURCES = tests/fs/test-pagecache.c
tests_fs_test_pagecache_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_punch_SOURCES = tests/fs/test-punch.c
tests_fs_test_punch_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_radix_tree_SOURCES = tests/fs/test-radix-tree.c
tests_fs_test_radix_tree_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_read_SOURCES = tests/fs/test-read.c
tests_fs_test_read_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_regress_SOURCES = tests/fs/test-regress.c
tests_fs_test_regress_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_results_SOURCES = tests/fs/test-results.c
tests_fs_test_results_LDADD = sim/run/librun.a $(FS_FIXTURE_LIBS) $(JSON_GLIB_LIBS) -lm
tests_fs_test_strategies_SOURCES = tests/fs/test-strategies.c
tests_fs_test_strategies_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_truncate_SOURCES = tests/fs/test-truncate.c
tests_fs_test_truncate_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_workload_SOURCES = tests/fs/test-workload.c
tests_fs_test_workload_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_write_SOURCES = tests/fs/test-write.c
tests_fs_test_write_LDADD = $(FS_FIXTURE_LIBS)
tests_fs_test_writeback_SOURCES = tests/fs/test-writeback.c
tests_fs_test_writeback_LDADD = $(FS_FIXTURE_LIBS)

# Test data: fsx op logs (tests/fs/fsx/, tests/data/fsx/) and the regression
# scenarios the regress test runs.
EXTRA_DIST += tests/fs/fsx/*.fsxops tests/data/fsx/*.fsxops tests/data/fsx/README.md \
	workloads/regress/*.cfg
