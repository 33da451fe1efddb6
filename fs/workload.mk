# fs/workload.mk — the ext4 model's world set-up and workload driver
# (fs/model.c, fs/workload.c), fsx op-log replay (fs/fsx.c), the workload
# option tables (fs/options.c, listed in fs/local.mk) and the regression
# scenarios in workloads/regress/.  See fs/local.mk.
fs_libfs_a_SOURCES += \
	fs/fsx.c fs/fsx.h \
	fs/workload.c fs/workload.h \
	fs/model.c fs/model.h

check_PROGRAMS += tests/fs/test-fsx tests/fs/test-workload tests/fs/test-regress
TESTS += tests/fs/test-fsx tests/fs/test-workload tests/fs/test-regress
tests_fs_test_fsx_SOURCES = tests/fs/test-fsx.c
tests_fs_test_fsx_LDADD = $(FS_TEST_LIBS)
tests_fs_test_workload_SOURCES = tests/fs/test-workload.c
tests_fs_test_workload_LDADD = $(FS_TEST_LIBS)
tests_fs_test_regress_SOURCES = tests/fs/test-regress.c
tests_fs_test_regress_LDADD = sim/librun.a $(FS_TEST_LIBS) $(JSON_GLIB_LIBS)

EXTRA_DIST += tests/fs/fsx/*.fsxops workloads/regress/*.cfg
