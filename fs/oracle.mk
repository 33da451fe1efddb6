# fs/oracle.mk — the violation oracle and fsck.  See fs/local.mk.
fs_libfs_a_SOURCES += \
	fs/oracle.c fs/oracle.h fs/oracle_internal.h \
	fs/oracle_shadow.c fs/oracle_explain.c fs/oracle_visible.c \
	fs/ext4/fsck.c fs/ext4/fsck.h
