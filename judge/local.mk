# judge/ — real ext4 as the judge of the model: the stamp byte function,
# the model's geometry for mke2fs, loop mounts, `sim kcheck` (differential
# replay of fsx logs on the running kernel), image export through
# libext2fs, e2fsck's verdict and the kernel's read-back (docs/judge.md).
noinst_LIBRARIES += judge/libjudge.a
judge_libjudge_a_SOURCES = \
	judge/stamp.h judge/stamp.c \
	judge/geom.h judge/geom.c \
	judge/loop.h judge/loop.c \
	judge/fsxgen.h judge/fsxgen.c \
	judge/kreal.h judge/kreal.c \
	judge/kmodel.h judge/kmodel.c \
	judge/imgsrc.h judge/imgsrc.c judge/image.h judge/image.c \
	judge/expect.h judge/expect.c judge/e2fsck.h judge/e2fsck.c \
	judge/readback.h judge/readback.c judge/export.h judge/export.c \
	judge/kcheck.h judge/kcheck.c
judge_libjudge_a_CPPFLAGS = $(AM_CPPFLAGS) $(EXT2FS_CFLAGS)

check_PROGRAMS += tests/judge/test-stamp
TESTS += tests/judge/test-stamp tests/judge/kcheck.sh tests/judge/image.sh \
	tests/judge/regress-images.sh
tests_judge_test_stamp_SOURCES = tests/judge/test-stamp.c
tests_judge_test_stamp_LDADD = judge/libjudge.a $(FS_TEST_LIBS)
EXTRA_DIST += tests/judge/kcheck.sh tests/judge/image.sh \
	tests/judge/regress-images.sh judge/render-expect.py
