# fs/iowait.mk — tests of IO waits in the wait-for graph (helper
# "wbwait"): page writeback / read-IO page locks naming the task that holds
# their bio unsubmitted.  See fs/local.mk.
check_PROGRAMS += tests/fs/test-io-wait
TESTS += tests/fs/test-io-wait
tests_fs_test_io_wait_SOURCES = tests/fs/test-io-wait.c $(REMOVES_HARNESS)
tests_fs_test_io_wait_LDADD = $(FS_TEST_LIBS)
