/* fs/workload/script.h — explicit per-task operation scripts (a job
 * section's `script` key) and the step hook that injects delays at named
 * step boundaries (model-only).
 *
 * A script is what --shrink writes: the operations one task issues, in
 * order, each once, with where and when they run and the delays injected
 * into them.  One line, items separated by commas:
 *
 *	script = punch_hole 64K 16K at=2us delay=ext4_ext_remove_space:25us,
 *	         ...
 *
 *	ITEM  = OP [OFFSET [LEN]] [at=TIME] [think=TIME] [delay=STEP[#N]:TIME]...
 *	OP      an operation name of the `ops` key (mmap_read, punch_hole, ...)
 *	OFFSET  bytes (4K, 1M; default 0), fitted to the file like a drawn op
 *	LEN     bytes (default 4K; truncate: OFFSET is the new size, LEN unused)
 *	at      do not start before this simulated time (from the job's start)
 *	think   pause after the operation (default 0)
 *	delay   at the N-th (default 1st) step boundary named STEP inside this
 *	        operation, the task is delayed TIME off-CPU.  STEP is what
 *	        the explanation shows as "STEP delayed": an ext4_sim_step name
 *	        (truncate_pagecache_range, ext4_ext_remove_space, ...), a lock
 *	        class (i_mutex, i_data_sem, page_lock for "page lock": blanks
 *	        are written '_'), lock_page, start_this_handle, or a completion
 *	        wait (submit_bio_wait).
 * The task runs the items once and exits.
 *
 * The step hook (fs_wl_steps_*) counts every step boundary of every
 * workload task by name within the operation in progress, injects the
 * scripted delays there, gives the engine each operation's cost scale
 * (what bounds an exploration delay, fs_wl_op_scale), and records where
 * the exploration's delays fell, as script delays (--shrink turns an
 * explored schedule into a script that way).
 */
#ifndef FS_WORKLOAD_SCRIPT_H
#define FS_WORKLOAD_SCRIPT_H

#include <glib.h>

#include "fs/workload/options.h"

#define FS_WL_SCRIPT_MAX_DELAYS 8     /* per item */
#define FS_WL_STEP_NAME 48

struct fs_wl_step_delay {
	char where[FS_WL_STEP_NAME];  /* step name, blanks as '_' */
	unsigned nth;                 /* 1-based occurrence within the op */
	sim_time_t delay;
};

struct fs_wl_script_op {
	enum fs_op kind;
	uint64_t offset, len;
	sim_time_t at;                /* -1: none */
	sim_time_t think;
	unsigned ndelays;
	struct fs_wl_step_delay delays[FS_WL_SCRIPT_MAX_DELAYS];
};

struct fs_wl_script {
	unsigned n;
	struct fs_wl_script_op *ops;
};

/* Parses a `script` value; the message names the item ("item 2 'fsync x':
 * ...") and carries no location (the caller prefixes file:line). */
bool fs_wl_script_parse(const char *text, struct fs_wl_script *s,
			GError **err);
void fs_wl_script_free(struct fs_wl_script *s);
/* One item as the grammar above (a parse of it gives it back). */
void fs_wl_script_op_format(GString *out, const struct fs_wl_script_op *op);
/* An exact, short time: "25us", "1500ns", "3ms". */
void fs_wl_time_format(GString *out, sim_time_t t);
/* Step names compare with blanks and '_' as one. */
bool fs_wl_step_name_eq(const char *a, const char *b);

#endif /* FS_WORKLOAD_SCRIPT_H */
