# fs/oracle/ — the violation oracle (model-only): the hooks the kernel
# paths call (oracle.h), its life cycle and counts (oracle.c), the table of
# files (files.c), the data hooks and operations in flight (ops.c), the
# shadow contents (shadow.c), the reverse block index (blockmap.c), the
# engine's and fsck's findings (findings.c), the model's visible contents
# and lost writes (visible.c), explanations (explain.c, explain_kinds.c)
# and the fsck of the model's ext4 structures (fsck.c).
fs_libfs_a_SOURCES += \
	fs/oracle/oracle.h fs/oracle/internal.h \
	fs/oracle/oracle.c fs/oracle/files.c fs/oracle/ops.c \
	fs/oracle/shadow.c fs/oracle/blockmap.c fs/oracle/findings.c \
	fs/oracle/visible.c fs/oracle/explain.c fs/oracle/explain_kinds.c \
	fs/oracle/fsck.c fs/oracle/fsck.h
