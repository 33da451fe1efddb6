/* fs/jbd2/jbd2.h — the journal (subset of include/linux/jbd2.h, v4.4.1).
 *
 * One journal per filesystem: at most one running transaction (handles join
 * it) and one committing transaction (kjournald2 writes it to the log), then
 * committed transactions on the checkpoint list until their metadata is
 * written home.  States and transitions: fs/jbd2/commit.c (top comment).
 *
 * What the model keeps and what it drops (each simplification is commented
 * again where it is made):
 *  - buffers: a transaction records *which* metadata blocks it journals
 *    (t_bufs: a set of block keys, in first-dirtied order), not journal_heads
 *    with frozen copies, shadow lists and BJ_* lists.  A block is identified
 *    by its number, as the kernel's buffer cache does (one bh per block);
 *    an inode's on-disk copy counts as one block per inode.
 *  - no reserved handles (h_rsv_handle), no j_barrier_count
 *    (jbd2_journal_lock_updates), no revoke records, no journal abort, no
 *    recovery: the model never crashes.  Checksums and descriptor tags are
 *    only counted as log blocks.
 *  - locks: a world is single-threaded and nothing runs between two points
 *    of a task except where it blocks, so j_state_lock, j_list_lock and
 *    t_handle_lock have nothing to protect and are left out; fields keep the
 *    kernel's lock tags for the reader.  j_checkpoint_mutex is a real sim
 *    mutex (checkpointing blocks on IO while holding it).
 */
#ifndef FS_JBD2_H
#define FS_JBD2_H

#include "fs/fs.h"

struct buffer_head;

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
	/* model */
	int h_type;                /* EXT4_HT_* of the outermost start */
	struct sim_task *h_task;   /* the task holding it (= current) */
	struct sim_list h_tnode;   /* on h_transaction->t_handles */
	sim_time_t h_start;        /* when it joined its transaction */
} handle_t;

/* tid comparison with wrap-around (include/linux/jbd2.h). */
static inline bool tid_gt(tid_t x, tid_t y)
{
	return (int32_t)(x - y) > 0;
}

static inline bool tid_geq(tid_t x, tid_t y)
{
	return (int32_t)(x - y) >= 0;
}

/* Transaction states (v4.4.1: no T_SWITCH). */
enum jbd2_sim_tstate {
	T_RUNNING,
	T_LOCKED,
	T_FLUSH,
	T_COMMIT,
	T_COMMIT_DFLUSH,
	T_COMMIT_JFLUSH,
	T_COMMIT_CALLBACK,
	T_FINISHED,
};

/* Model: the set of metadata blocks a transaction journals — an array in
 * first-dirtied order (the commit and the checkpoint walk it, so the order is
 * deterministic) and an open-addressing index over it for the "already in
 * this transaction?" test.  Storage is kept when a transaction object is
 * recycled, so steady state allocates nothing.  Keys: physical block
 * numbers (48 bits) or JBD2_SIM_INODE_KEY(ino). */
struct jbd2_sim_bufset {
	uint64_t *keys;
	unsigned n, cap;
	uint32_t *index;           /* 0 = empty, else position in keys + 1 */
	unsigned index_size;       /* power of two, >= 2 * cap */
};

/* Model: block → tid of the committed transaction whose copy of the block
 * is the one to write home (checkpoint.c). */
struct jbd2_sim_cpslot {
	uint64_t key;
	tid_t tid;
	bool used;
};

struct jbd2_sim_cpmap {
	struct jbd2_sim_cpslot *slots;
	unsigned size, n;          /* size: power of two */
};

#define JBD2_SIM_INODE_KEY(ino) ((UINT64_C(1) << 63) | (uint64_t)(ino))
#define JBD2_SIM_KEY_IS_INODE(k) (((k) >> 63) != 0)

struct transaction_s {
	journal_t *t_journal;
	tid_t t_tid;
	enum jbd2_sim_tstate t_state;       /* [j_state_lock] */
	unsigned long t_log_start;          /* log block where its commit began */
	int t_nr_buffers;                   /* = t_bufs.n: blocks to log */
	int t_updates;                      /* handles attached (not stopped) */
	int t_outstanding_credits;          /* credits reserved + used */
	int t_handle_count;                 /* handles ever attached */
	unsigned t_synchronous_commit:1;
	sim_time_t t_start;                 /* created */
	sim_time_t t_expires;               /* commit timer deadline */
	sim_time_t t_requested;             /* commit requested (0: no) */
	sim_time_t t_locked_at;             /* entered T_LOCKED */
	struct sim_list t_inode_list;       /* jbd2_inodes: data=ordered */
	struct sim_list t_handles;          /* model: handles attached, for the
					     * deadlock detector's edges */
	struct jbd2_sim_bufset t_bufs;      /* model: journalled blocks */
	struct jbd2_sim_bufset t_forget;    /* model: blocks freed (forget /
					     * revoke): never written home */
	int t_log_blocks;                   /* model: log blocks it occupies */
	struct sim_list t_cpnode;           /* j_checkpoint_transactions or
					     * the journal's free pool */
};

/* An inode with data=ordered data attached to a transaction
 * (jbd2_journal_file_inode). */
struct jbd2_inode {
	transaction_t *i_transaction;       /* [j_list_lock] */
	transaction_t *i_next_transaction;  /* joined while i_transaction commits */
	struct sim_list i_list;             /* on i_transaction->t_inode_list */
	struct inode *i_vfs_inode;
	unsigned long i_flags;              /* JI_COMMIT_RUNNING */
};

#define JI_COMMIT_RUNNING 0x1

/* Journal flags (subset). */
#define JBD2_UNMOUNT 0x001
#define JBD2_ABORT   0x002   /* never set by the model (no IO errors) */

/* What the commit writes (for statistics and the IO hook). */
enum jbd2_sim_io_kind {
	JBD2_SIM_IO_LOG,          /* descriptor + metadata blocks */
	JBD2_SIM_IO_COMMIT,       /* commit record (preflush + FUA) */
	JBD2_SIM_IO_SUPERBLOCK,   /* journal superblock (tail update, FUA) */
	JBD2_SIM_IO_CHECKPOINT,   /* metadata written home */
};

/* Per-journal statistics (/proc/fs/jbd2/<dev>/info). */
struct jbd2_sim_stats {
	uint64_t commits;
	uint64_t commits_requested;        /* commit asked for before the timer */
	uint64_t handles;                  /* handles attached, over all tids */
	uint64_t blocks_logged;            /* log blocks written */
	uint64_t checkpoints;              /* transactions written home */
	uint64_t checkpoint_blocks;
	uint64_t locked_waits;             /* start_this_handle waits: T_LOCKED
					    * or transaction full */
	uint64_t space_waits;              /* ... for log space */
	struct sim_hist commit_time;       /* T_LOCKED .. T_FINISHED, ns */
	struct sim_hist locked_time;       /* T_LOCKED .. T_FLUSH (the drain) */
	struct sim_hist start_wait;        /* blocked time in start_this_handle */
};

/* Geometry and behaviour chosen at mount. */
struct jbd2_sim_params {
	unsigned long maxlen;         /* journal blocks (>= 1024) */
	unsigned int blocksize;
	sim_time_t commit_interval;   /* commit=; 0: JBD2_DEFAULT_MAX_COMMIT_AGE */
};

#define JBD2_DEFAULT_MAX_COMMIT_AGE (5 * SIM_SEC)
#define JBD2_MIN_JOURNAL_BLOCKS 1024u
#define JBD2_CONTROL_BLOCKS_SHIFT 5

/* Journal IO: write count blocks starting at journal block `blocknr` (a
 * home block for JBD2_SIM_IO_CHECKPOINT) and wait for completion; the
 * calling task sleeps for the device time.  The filesystem provides it
 * (ext4: bios to the journal area through fs/block/block.c).  Returns 0 or
 * -errno. */
typedef int (*jbd2_sim_io_fn)(journal_t *journal, enum jbd2_sim_io_kind kind,
			      uint64_t blocknr, unsigned count);

struct journal_s {
	struct super_block *j_private;      /* the filesystem */
	struct sim_world *j_world;
	unsigned long j_flags;              /* [j_state_lock] JBD2_* */

	/* [j_state_lock] */
	transaction_t *j_running_transaction;
	transaction_t *j_committing_transaction;
	struct sim_list j_checkpoint_transactions;   /* oldest first */
	tid_t j_tail_sequence;              /* oldest tid still in the log */
	tid_t j_transaction_sequence;       /* next tid to hand out */
	tid_t j_commit_sequence;            /* last committed tid */
	tid_t j_commit_request;             /* last tid asked to be committed */

	/* The log: blocks [j_first, j_last) used circularly. [j_state_lock] */
	unsigned int j_blocksize;
	unsigned long j_maxlen, j_first, j_last;
	unsigned long j_head, j_tail, j_free;
	int j_max_transaction_buffers;      /* j_maxlen / 4 */
	sim_time_t j_commit_interval;

	struct sim_task *j_task;            /* kjournald2 */
	struct sim_task *j_committer;       /* task inside the commit, if any
					     * (kjournald2, or the unmounting
					     * task in jbd2_journal_destroy) */

	/* Sync-handle batching (jbd2_journal_stop). */
	unsigned j_last_sync_writer;        /* task id + 1; 0: none */
	sim_time_t j_min_batch_time, j_max_batch_time;
	sim_time_t j_average_commit_time;

	struct sim_waitq j_wait_transaction_locked;  /* handles: T_LOCKED */
	struct sim_waitq j_wait_done_commit;         /* commit finished */
	struct sim_waitq j_wait_commit;              /* kjournald2 idle */
	struct sim_waitq j_wait_updates;             /* committer: t_updates */
	struct sim_waitq j_wait_inode;               /* JI_COMMIT_RUNNING */
	struct sim_waitobj j_wo_locked;     /* blocker: the committer */
	struct sim_waitobj j_wo_updates;    /* blockers: handle holders */
	struct sim_waitobj j_wo_commit;     /* blocker: the committer */
	struct sim_mutex j_checkpoint_mutex;
	struct sim_event j_commit_timer;
	struct sim_lockdep_map j_handle_map;  /* class "jbd2_handle" */

	/* Called in T_COMMIT_CALLBACK, after the commit record is on disk
	 * (ext4: release the transaction's pending frees). */
	void (*j_commit_callback)(journal_t *, transaction_t *);
	/* data=ordered: write out (submit) and wait for an attached inode's
	 * dirty pages during commit.  The page cache / writeback module
	 * provides them (kernel: journal_submit_inode_data_buffers →
	 * generic_writepages, filemap_fdatawait); NULL: nothing to flush. */
	int (*j_submit_inode_data_buffers)(journal_t *, struct jbd2_inode *);
	int (*j_finish_inode_data_buffers)(journal_t *, struct jbd2_inode *);
	/* Journal IO; NULL: instantaneous (state-machine unit tests). */
	jbd2_sim_io_fn j_sim_io;
	void *j_sim_io_ctx;

	struct sim_list j_free_transactions;  /* model: recycled objects */
	struct jbd2_sim_cpmap j_cp_owner;     /* model: checkpoint.c */
	uint64_t *j_cp_scratch;               /* checkpoint pass: sorted blocks */
	unsigned j_cp_scratch_cap;
	struct jbd2_sim_stats j_stats;
};

static inline bool is_journal_aborted(const journal_t *journal)
{
	return journal->j_flags & JBD2_ABORT;
}

static inline bool is_handle_aborted(const handle_t *handle)
{
	return handle->h_aborted ||
	       (handle->h_transaction &&
		is_journal_aborted(handle->h_transaction->t_journal));
}

/* jbd2_space_needed / jbd2_log_space_left (include/linux/jbd2.h). */
static inline int jbd2_space_needed(const journal_t *journal)
{
	int nblocks = journal->j_max_transaction_buffers;

	return nblocks + (nblocks >> JBD2_CONTROL_BLOCKS_SHIFT);
}

static inline long jbd2_log_space_left(const journal_t *journal)
{
	/* Allow for rounding errors */
	long free = (long)journal->j_free - 32;

	if (journal->j_committing_transaction) {
		long committing =
			journal->j_committing_transaction->t_outstanding_credits;

		/* Transaction + control blocks */
		free -= committing + (committing >> JBD2_CONTROL_BLOCKS_SHIFT);
	}
	return free;
}

/* ---- journal.c ----------------------------------------------------------- */
journal_t *jbd2_sim_journal_new(struct sim_world *w, struct super_block *sb,
				const struct jbd2_sim_params *p);
/* journal_reset + jbd2_journal_start_thread: spawns kjournald2. */
int jbd2_journal_load(journal_t *journal);
/* Commit what is running, stop kjournald2, checkpoint everything; from a
 * task.  Then jbd2_sim_journal_free. */
int jbd2_journal_destroy(journal_t *journal);
/* Frees the journal's memory without blocking (the world has stopped, or
 * jbd2_journal_destroy ran). */
void jbd2_sim_journal_free(journal_t *journal);

int jbd2_log_start_commit(journal_t *journal, tid_t tid);
int __jbd2_log_start_commit(journal_t *journal, tid_t tid);
int jbd2_log_wait_commit(journal_t *journal, tid_t tid);
int jbd2_complete_transaction(journal_t *journal, tid_t tid);
int jbd2_journal_start_commit(journal_t *journal, tid_t *ptid);
int jbd2_journal_force_commit(journal_t *journal);
int jbd2_journal_force_commit_nested(journal_t *journal);
unsigned long jbd2_journal_next_log_block(journal_t *journal);
bool jbd2_journal_get_log_tail(journal_t *journal, tid_t *tid,
			       unsigned long *block);
int __jbd2_update_log_tail(journal_t *journal, tid_t tid,
			   unsigned long block);
void jbd2_update_log_tail(journal_t *journal, tid_t tid, unsigned long block);
/* The model's journal IO entry: the j_sim_io hook, split at the log's wrap
 * point for log writes. */
int jbd2_sim_write(journal_t *journal, enum jbd2_sim_io_kind kind,
		   uint64_t blocknr, unsigned count);
/* Statistics in the shape of /proc/fs/jbd2/<dev>/info. */
void jbd2_sim_stats_print(const journal_t *journal, FILE *out);
/* Invariants of the journal's state (commit.c top comment); for assert(). */
bool jbd2_sim_check(const journal_t *journal);
/* The handle the running task holds (current->journal_info), or NULL. */
handle_t *journal_current_handle(void);

/* ---- transaction.c ------------------------------------------------------- */
handle_t *jbd2__journal_start(journal_t *journal, int nblocks, int type);
handle_t *jbd2_journal_start(journal_t *journal, int nblocks);
int jbd2_journal_extend(handle_t *handle, int nblocks);
int jbd2__journal_restart(handle_t *handle, int nblocks);
int jbd2_journal_restart(handle_t *handle, int nblocks);
int jbd2_journal_stop(handle_t *handle);
int jbd2_journal_get_write_access(handle_t *handle, struct buffer_head *bh);
/* Charges a credit the first time the block joins the transaction. */
int jbd2_journal_dirty_metadata(handle_t *handle, struct buffer_head *bh);
/* Model: same for a block given by key (an inode's on-disk copy). */
int jbd2_sim_dirty_key(handle_t *handle, uint64_t key);
/* jbd2_journal_forget / jbd2_journal_revoke, as far as the model needs
 * them: the block was freed in this transaction, so once it commits no
 * checkpoint may write an older copy of it home. */
int jbd2_sim_forget_key(handle_t *handle, uint64_t key);
int jbd2_journal_file_inode(handle_t *handle, struct jbd2_inode *jinode);
void jbd2_journal_init_jbd_inode(struct jbd2_inode *jinode,
				 struct inode *inode);
void jbd2_journal_release_jbd_inode(journal_t *journal,
				    struct jbd2_inode *jinode);
bool jbd2_sim_bufset_contains(const struct jbd2_sim_bufset *s, uint64_t key);

/* ---- commit.c ------------------------------------------------------------ */
void jbd2_journal_commit_transaction(journal_t *journal);
const char *jbd2_sim_tstate_name(enum jbd2_sim_tstate s);

/* ---- checkpoint.c -------------------------------------------------------- */
void __jbd2_log_wait_for_space(journal_t *journal);
int jbd2_log_do_checkpoint(journal_t *journal);
int jbd2_cleanup_journal_tail(journal_t *journal);
void __jbd2_journal_insert_checkpoint(journal_t *journal,
				      transaction_t *transaction);
void jbd2_sim_cpmap_free(struct jbd2_sim_cpmap *m);

/* ---- model-internal (journal.c) ------------------------------------------ */
transaction_t *jbd2_sim_transaction_alloc(journal_t *journal);
void jbd2_sim_transaction_free(journal_t *journal, transaction_t *t);
void jbd2_get_transaction(journal_t *journal, transaction_t *transaction);

#endif /* FS_JBD2_H */
