# fs/oracle/ — the violation oracle (model-only): hooks the kernel
# paths call (oracle.h), the shadow contents, the reverse block index, the
# detectors, explanations and the fsck of the model's ext4 structures.
fs_libfs_a_SOURCES += \
	fs/oracle/explain.c fs/oracle/fsck.c fs/oracle/fsck.h \
	fs/oracle/internal.h fs/oracle/oracle.c fs/oracle/oracle.h \
	fs/oracle/shadow.c fs/oracle/visible.c
