# fs/mm/ — the page cache, faults, read and readahead, DAX, page
# writeback, VMAs and PTEs, memory pressure.
fs_libfs_a_SOURCES += \
	fs/mm/arch_fault.c fs/mm/dax.c fs/mm/dax.h fs/mm/dax_io.c fs/mm/fadvise.c \
	fs/mm/fault.c fs/mm/fault.h fs/mm/filemap.c fs/mm/filemap_fault.c \
	fs/mm/internal.h fs/mm/madvise.c fs/mm/memory_map.c fs/mm/mmap.c \
	fs/mm/page-writeback.c fs/mm/page_alloc.c fs/mm/radix-tree.c \
	fs/mm/radix-tree.h fs/mm/read.c fs/mm/read_bio.c fs/mm/readahead.c \
	fs/mm/rmap.c fs/mm/truncate.c fs/mm/vmscan.c fs/mm/write.c \
	fs/mm/writeback.c
