# fs/mm.mk — the page cache, page buffers, processes' mm/VMAs/PTEs and
# memory pressure (fs/mm/, fs/buffer.c).  See fs/local.mk.
fs_libfs_a_SOURCES += \
	fs/mm.h \
	fs/mm/internal.h \
	fs/mm/radix-tree.h fs/mm/radix-tree.c \
	fs/mm/page_alloc.c \
	fs/mm/filemap.c \
	fs/mm/page-writeback.c \
	fs/mm/truncate.c \
	fs/mm/memory_map.c \
	fs/mm/rmap.c \
	fs/mm/mmap.c \
	fs/mm/vmscan.c \
	fs/buffer.c

check_PROGRAMS += tests/fs/test-radix-tree tests/fs/test-pagecache tests/fs/test-mm
TESTS += tests/fs/test-radix-tree tests/fs/test-pagecache tests/fs/test-mm
tests_fs_test_radix_tree_SOURCES = tests/fs/test-radix-tree.c
tests_fs_test_radix_tree_LDADD = $(FS_TEST_LIBS)
tests_fs_test_pagecache_SOURCES = tests/fs/test-pagecache.c tests/fs/mm-test-util.h
tests_fs_test_pagecache_LDADD = $(FS_TEST_LIBS)
tests_fs_test_mm_SOURCES = tests/fs/test-mm.c tests/fs/mm-test-util.h
tests_fs_test_mm_LDADD = $(FS_TEST_LIBS)

EXTRA_PROGRAMS += bench/bench-pagecache
BENCH_LIST += bench/bench-pagecache
bench_bench_pagecache_SOURCES = bench/bench-pagecache.c
bench_bench_pagecache_LDADD = $(FS_TEST_LIBS)
