/* fs/jbd2/jbd2.h — the journal (include/linux/jbd2.h subset).  Contract
 * placeholder: the jbd2 module fills in journal_t, transaction_t and the
 * handle; ext4 code only relies on what is declared here. */
#ifndef FS_JBD2_H
#define FS_JBD2_H

#include "fs/fs.h"

typedef struct journal_s journal_t;
typedef struct transaction_s transaction_t;
typedef uint32_t tid_t;

/* A running handle (jbd2_journal_start .. stop).  h_buffer_credits is what
 * is left of the credits the handle reserved. */
typedef struct jbd2_handle {
	transaction_t *h_transaction;
	journal_t *h_journal;
	int h_buffer_credits;
	int h_requested_credits;
	int h_ref;                 /* nesting via current->journal_info */
	unsigned h_sync:1;
	unsigned h_aborted:1;
} handle_t;

#endif /* FS_JBD2_H */
