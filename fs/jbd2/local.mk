# fs/jbd2/ — the journal: transactions, commit, checkpoint.
fs_libfs_a_SOURCES += \
	fs/jbd2/checkpoint.c fs/jbd2/commit.c fs/jbd2/jbd2.h \
	fs/jbd2/journal.c fs/jbd2/transaction.c
