# fs/block/ — the block layer (bios) and the simulated device:
# per-block owners and byte-exact contents (model-only ground truth).
fs_libfs_a_SOURCES += \
	fs/block/block.c fs/block/block.h fs/block/contents.c \
	fs/block/contents.h fs/block/disk.c fs/block/disk.h fs/block/extmap.c fs/block/extmap.h
