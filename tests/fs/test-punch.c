/* tests/fs/test-punch.c — ext4_punch_hole on a small mounted filesystem:
 * exactly the whole blocks in the range go, partial edges are zeroed in the
 * page cache, i_size stays, freed blocks wait for the commit in
 * data=ordered (not in data=writeback), the hole is clamped at EOF; and per
 * strategy: the steps each version takes (v4.4.1's second truncate only in
 * lockless), a fault in the window between truncation and removal (what
 * each strategy makes of it), a fault waiting for a punch in progress
 * (i_mmap_sem), the extent-tree restarts (i_data_sem dropped or kept), and
 * design A's inversion reported (deadlock or lock_order) instead of a
 * hang.  Partial edges over unwritten extents leave the oracle's index of
 * mapped buffers without drift. */
#include "config.h"

#include <string.h>

#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"
#include "tests/fs/fixture/removes-harness.h"

#define BS 4096
#define NBLK 16
#define PUNCH (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)

/* every strategy of the registry */
static const char *const strategies[] = {
	EXT4_LOCK_STRATEGIES(EXT4_LOCK_STRATEGY_NAME)
};

/* A file of nblk blocks (BS each), one stamp, model alongside. */
static struct rh *file_new(const struct rh_opts *o, unsigned nblk,
			   const pgoff_t *cached, struct rh_model *m)
{
	return rh_file_new(o, nblk, cached, 8, m);
}

struct op {
	int mode;
	loff_t off, len;
	long ret;
	bool commit;
};

static void punch_fn(struct rh *h, void *arg)
{
	struct op *op = arg;

	op->ret = rh_fallocate(h, op->mode ? op->mode : PUNCH, op->off,
			       op->len);
	if (op->commit)
		rh_commit(h);
}

static void commit_fn(struct rh *h, void *arg)
{
	(void)arg;
	rh_commit(h);
}

/* ---- whole blocks ------------------------------------------------------------- */

static void check_whole_blocks(const char *strategy)
{
	static const pgoff_t cached[] = { 2, 3, 4, 5, 7, 8, (pgoff_t)-1 };
	struct rh_opts o = { .strategy = strategy, .oracle = true };
	struct rh_model m;
	struct rh *h = file_new(&o, NBLK, cached, &m);
	ext4_fsblk_t pblk[NBLK];
	struct op op = { .off = 4 * BS, .len = 4 * BS };
	bool unwritten;

	for (unsigned i = 0; i < NBLK; i++)
		g_assert_true(rh_lookup(h, i, &pblk[i], &unwritten));
	rh_run(h, punch_fn, &op);
	g_assert_cmpint(op.ret, ==, 0);

	/* exactly blocks 4..7 are gone; i_size is untouched */
	for (unsigned i = 0; i < NBLK; i++) {
		ext4_fsblk_t p;
		bool mapped = rh_lookup(h, i, &p, &unwritten);

		g_assert_cmpint(mapped, ==, i < 4 || i >= 8);
		if (mapped)
			g_assert_cmpuint(p, ==, pblk[i]);
		else /* data=ordered: reusable only after the commit */
			g_assert_cmpint(rh_owner(h, pblk[i]), ==,
					EXT4_SIM_OWN_PENDING_FREE);
	}
	g_assert_cmpint(i_size_read(h->inode), ==, NBLK * BS);
	/* the pages of the hole left the cache, the others stayed */
	for (pgoff_t i = 0; i < NBLK; i++) {
		bool want = (i == 2 || i == 3 || i == 8);

		g_assert_cmpint(page_cache_sim_peek(h->inode->i_mapping, i) !=
				NULL, ==, want);
	}
	rh_model_zero(&m, 4 * BS, 4 * BS);
	rh_model_assert(h, &m);
	rh_check(h);

	rh_run(h, commit_fn, NULL);
	for (unsigned i = 4; i < 8; i++)
		g_assert_cmpint(rh_owner(h, pblk[i]), ==, EXT4_SIM_OWN_FREE);
	/* design A inverts i_data_sem and transaction start: lockdep says so
	 * (rh_fill took them in the legal order earlier) */
	g_assert_cmpuint(rh_oracle_count(h, FS_ORACLE_LOCK_ORDER), ==,
			 !strcmp(strategy, "i_data_sem_held"));
	/* the oracle agrees with every step: nothing else to report */
	rh_oracle_assert_clean(h);
	rh_model_free(&m);
	rh_free(h);
}

static void test_whole_blocks(void)
{
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(strategies); i++)
		check_whole_blocks(strategies[i]);
}

/* ---- partial edges ---------------------------------------------------------- */

static void check_partial(bool edges_cached)
{
	static const pgoff_t with_edges[] = { 2, 5, (pgoff_t)-1 };
	struct rh_opts o = { 0 };
	struct rh_model m;
	struct rh *h = file_new(&o, NBLK, edges_cached ? with_edges : NULL,
				&m);
	struct op op = { .off = 2 * BS + 100, .len = 3 * BS + 100 };
	ext4_fsblk_t p;
	bool unwritten;

	rh_run(h, punch_fn, &op);
	g_assert_cmpint(op.ret, ==, 0);
	/* blocks 3 and 4 removed; the edge blocks stay, zeroed in part */
	g_assert_true(rh_lookup(h, 2, &p, &unwritten));
	g_assert_false(rh_lookup(h, 3, &p, &unwritten));
	g_assert_false(rh_lookup(h, 4, &p, &unwritten));
	g_assert_true(rh_lookup(h, 5, &p, &unwritten));
	rh_model_zero(&m, op.off, op.len);
	rh_model_assert(h, &m);
	/* the zeroing lives in dirty page-cache pages until writeback */
	for (pgoff_t i = 2; i <= 5; i += 3) {
		struct page *page = page_cache_sim_peek(h->inode->i_mapping, i);

		g_assert_nonnull(page);
		g_assert_true(PageDirty(page));
	}
	rh_check(h);
	rh_model_free(&m);
	rh_free(h);
}

static void test_partial_edges(void)
{
	check_partial(true);
	check_partial(false);
}

/* ---- partial edges over unwritten extents ---------------------------------------
 * The edge lookup finds an unwritten extent: the buffer stays unmapped
 * (nothing to zero: it reads zero already) and the oracle's index of
 * mapped blocks must not gain an entry for it — the end-of-job audit
 * against the page cache finds no drift. */
static void unwritten_fn(struct rh *h, void *arg)
{
	(void)arg;
	rh_fill(h, 0, NBLK, 0, true);
}

static void check_unwritten_edges(const char *strategy, int mode)
{
	struct rh_opts o = { .strategy = strategy, .oracle = true };
	struct rh *h = rh_new(&o);
	struct op op = { .mode = mode, .off = 2 * BS + 100,
			 .len = 3 * BS + 100 };
	ext4_fsblk_t p;
	bool unwritten = false;
	const char *first;

	rh_run(h, unwritten_fn, NULL);
	g_assert_true(rh_lookup(h, 2, &p, &unwritten));
	g_assert_true(unwritten);
	rh_run(h, punch_fn, &op);
	g_assert_cmpint(op.ret, ==, 0);
	/* the edge pages were read in for zeroing: their buffers unmapped */
	for (pgoff_t i = 2; i <= 5; i += 3) {
		struct page *page = page_cache_sim_peek(h->inode->i_mapping, i);

		g_assert_nonnull(page);
		g_assert_false(buffer_mapped(page_buffers(page)));
	}
	for (loff_t pos = op.off; pos < op.off + op.len; pos += 97) {
		uint32_t origin;

		g_assert_cmpuint(rh_byte(h, pos, &origin), ==, 0);
	}
	rh_oracle_assert_clean(h);
	g_assert_cmpuint(fs_oracle_index_drift(h->oracle, &first), ==, 0);
	g_assert_null(first);
	g_assert_cmpuint(fs_oracle_block_mappers(h->sb, p), ==, 0);
	rh_check(h);
	rh_free(h);
}

static void test_unwritten_edges(void)
{
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(strategies); i++) {
		check_unwritten_edges(strategies[i],
				      FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE);
		check_unwritten_edges(strategies[i], PUNCH);
	}
}

/* ---- EOF, data=writeback, no journal ------------------------------------------ */

static void test_eof(void)
{
	struct rh_opts o = { 0 };
	struct rh_model m;
	struct rh *h = rh_new(&o);
	struct rh_file s = { .nblk = 8, .isize = 7 * BS + 1000 };
	struct op past = { .off = 9 * BS, .len = BS };
	struct op across = { .off = 6 * BS, .len = 20 * BS };
	ext4_fsblk_t p;
	bool unwritten;

	s.stamp = rh_stamp(h, 0, 8 * BS);
	rh_run(h, rh_file_fill, &s);
	rh_model_init(&m, 16 * BS);
	rh_model_fill(&m, 0, 7 * BS + 1000, s.stamp);

	/* entirely past EOF: nothing */
	rh_run(h, punch_fn, &past);
	g_assert_cmpint(past.ret, ==, 0);
	for (unsigned i = 0; i < 8; i++)
		g_assert_true(rh_lookup(h, i, &p, &unwritten));

	/* across EOF: clamped to the end of the page holding EOF — block 7
	 * (which holds EOF) goes too, i_size stays */
	rh_run(h, punch_fn, &across);
	g_assert_cmpint(across.ret, ==, 0);
	for (unsigned i = 0; i < 8; i++)
		g_assert_cmpint(rh_lookup(h, i, &p, &unwritten), ==, i < 6);
	g_assert_cmpint(i_size_read(h->inode), ==, 7 * BS + 1000);
	rh_model_zero(&m, 6 * BS, BS + 1000);
	rh_model_assert(h, &m);
	rh_check(h);
	rh_model_free(&m);
	rh_free(h);
}

static void check_reuse(enum ext4_sim_data_mode data, bool nojournal)
{
	struct rh_opts o = { .data = data, .nojournal = nojournal };
	struct rh_model m;
	struct rh *h = file_new(&o, 8, NULL, &m);
	struct op op = { .off = 2 * BS, .len = 2 * BS };
	ext4_fsblk_t p2;
	bool unwritten;

	g_assert_true(rh_lookup(h, 2, &p2, &unwritten));
	rh_run(h, punch_fn, &op);
	g_assert_cmpint(op.ret, ==, 0);
	/* no commit to wait for: reusable at once */
	g_assert_cmpint(rh_owner(h, p2), ==, EXT4_SIM_OWN_FREE);
	rh_model_zero(&m, 2 * BS, 2 * BS);
	rh_model_assert(h, &m);
	rh_model_free(&m);
	rh_free(h);
}

static void test_reuse(void)
{
	check_reuse(EXT4_SIM_DATA_WRITEBACK, false);
	check_reuse(EXT4_SIM_DATA_ORDERED, true);
}

/* ---- steps per version ------------------------------------------------------------- */

static unsigned count_steps(const struct rh_task *t, const char *what)
{
	unsigned from = 0, n = 0;

	while (rh_noted(t, "ext4_punch_hole", what, NULL, &from))
		n++;
	return n;
}

static void test_second_truncate(void)
{
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(strategies); i++) {
		struct rh_opts o = { .strategy = strategies[i] };
		struct rh_model m;
		struct rh *h = file_new(&o, 8, NULL, &m);
		struct op op = { .off = 2 * BS, .len = 2 * BS };
		struct rh_task *t;

		h->ntasks = 0;
		t = rh_spawn(h, "puncher", punch_fn, &op);
		rh_go_all(h);
		g_assert_cmpuint(count_steps(t, "truncate_pagecache_range"), ==,
				 strcmp(strategies[i], "lockless") ? 1 : 2);
		g_assert_cmpuint(count_steps(t, "ext4_ext_remove_space"), ==, 1);
		h->ntasks = 0;
		rh_model_free(&m);
		rh_free(h);
	}
}

/* ---- a fault in the window between truncation and removal -----------------------------
 * A DIO in flight holds the punch in inode_dio_wait.  v4.4.1 order: the
 * page cache is already truncated then; v4.5/v5.15: the exclusive side is
 * not taken yet.  A "fault" (the strategy's fault lock around
 * instantiating the page, as ext4_filemap_fault does) arrives meanwhile. */

#define DIO_TIME (100 * SIM_USEC)
#define FAULT_AT (50 * SIM_USEC)

static void dio_fn(struct rh *h, void *arg)
{
	(void)arg;
	inode_dio_begin(h->inode);
	sim_task_sleep(current, DIO_TIME);
	inode_dio_end(h->inode);
}

struct fault {
	pgoff_t index;
	sim_time_t at, got, done;
};

static void fault_fn(struct rh *h, void *arg)
{
	struct fault *f = arg;
	loff_t pos = (loff_t)f->index << PAGE_SHIFT;

	sim_task_sleep(current, f->at);
	ext4_sim_fault_lock(h->inode, pos, pos + PAGE_SIZE - 1);
	f->got = sim_task_now(current);
	if (!page_cache_sim_peek(h->inode->i_mapping, f->index))
		rh_cache_page(h, f->index, false);
	ext4_sim_fault_unlock(h->inode, pos, pos + PAGE_SIZE - 1);
	f->done = sim_task_now(current);
}

static void late_punch_fn(struct rh *h, void *arg)
{
	sim_task_sleep(current, SIM_USEC);
	punch_fn(h, arg);
}

static void test_fault_window(void)
{
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(strategies); i++) {
		struct rh_opts o = { .strategy = strategies[i], .oracle = true };
		struct rh_model m;
		struct rh *h = file_new(&o, 8, NULL, &m);
		struct op op = { .off = 2 * BS, .len = 4 * BS };
		struct fault f = { .index = 3, .at = FAULT_AT };
		uint64_t stale;
		ext4_fsblk_t old3, p;
		bool unwritten;
		struct page *page;

		g_assert_true(rh_lookup(h, 3, &old3, &unwritten));
		h->ntasks = 0;
		rh_spawn(h, "dio", dio_fn, NULL);
		rh_spawn(h, "puncher", late_punch_fn, &op);
		rh_spawn(h, "faulter", fault_fn, &f);
		rh_go_all(h);
		g_assert_false(rh_lookup(h, 3, &p, &unwritten));
		page = page_cache_sim_peek(h->inode->i_mapping, 3);

		if (!strcmp(strategies[i], "lockless")) {
			/* the second truncate dropped the faulted page */
			g_assert_cmpint(f.got, ==, FAULT_AT);
			g_assert_null(page);
		} else if (!strcmp(strategies[i], "i_data_sem")) {
			/* design B: nothing held in the window — the page
			 * stays, its buffer mapped to the freed block */
			g_assert_cmpint(f.got, ==, FAULT_AT);
			g_assert_nonnull(page);
			g_assert_true(buffer_mapped(page_buffers(page)));
			g_assert_cmpuint(page_buffers(page)->b_blocknr, ==, old3);
			g_assert_cmpint(rh_owner(h, old3), ==,
					EXT4_SIM_OWN_PENDING_FREE);
		} else if (!strcmp(strategies[i], "i_data_sem_held")) {
			/* design A: the fault waits for the whole removal
			 * and instantiates a hole */
			g_assert_cmpint(f.got, >=, DIO_TIME);
			g_assert_nonnull(page);
			g_assert_false(buffer_mapped(page_buffers(page)));
		} else {
			/* v4.5/v5.15: the fault came before the lock was
			 * taken; the truncation under the lock dropped it */
			g_assert_cmpint(f.got, ==, FAULT_AT);
			g_assert_null(page);
		}
		/* the commit makes the punched blocks reusable: the oracle
		 * flags a page buffer still mapping one (design B only) */
		rh_run(h, commit_fn, NULL);
		stale = rh_oracle_count(h, FS_ORACLE_STALE_MAPPING);
		if (!strcmp(strategies[i], "i_data_sem")) {
			g_assert_cmpuint(stale, >=, 1);
			if (g_test_verbose())
				g_printerr("%s", fs_oracle_explanation(h->oracle,
					FS_ORACLE_STALE_MAPPING, 0));
		} else
			g_assert_cmpuint(stale, ==, 0);
		rh_model_free(&m);
		rh_free(h);
	}
}

/* ---- a fault waits for a punch in progress (i_mmap_sem) ---------------------------------
 * A reader holding i_data_sem (r) keeps the punch inside its critical
 * section (at down_write(i_data_sem), after the truncation); a fault
 * arriving then waits for the whole punch under i_mmap_sem and
 * invalidate_lock, and runs at once without a strategy lock. */

#define READER_HOLD (300 * SIM_USEC)
#define LATE_FAULT (150 * SIM_USEC)

static void data_sem_reader_fn(struct rh *h, void *arg)
{
	(void)arg;
	down_read(&EXT4_I(h->inode)->i_data_sem);
	sim_task_sleep(current, READER_HOLD);
	up_read(&EXT4_I(h->inode)->i_data_sem);
}

struct timed_op {
	struct op op;
	sim_time_t end;
};

static void timed_punch_fn(struct rh *h, void *arg)
{
	struct timed_op *t = arg;

	sim_task_sleep(current, SIM_USEC);
	punch_fn(h, &t->op);
	t->end = sim_task_now(current);
}

static void check_fault_waits(const char *strategy, bool waits)
{
	struct rh_opts o = { .strategy = strategy };
	struct rh_model m;
	struct rh *h = file_new(&o, 8, NULL, &m);
	struct timed_op t = { .op = { .off = 2 * BS, .len = 4 * BS } };
	struct fault f = { .index = 3, .at = LATE_FAULT };
	ext4_fsblk_t p;
	bool unwritten;

	h->ntasks = 0;
	rh_spawn(h, "reader", data_sem_reader_fn, NULL);
	rh_spawn(h, "puncher", timed_punch_fn, &t);
	rh_spawn(h, "faulter", fault_fn, &f);
	rh_go_all(h);
	g_assert_cmpint(t.end, >=, READER_HOLD);
	if (waits) {
		g_assert_cmpint(f.got, >=, t.end);
		g_assert_cmpuint(rh_contentions(h, strategy), >=, 1);
		/* it found the hole */
		g_assert_false(buffer_mapped(page_buffers(
			page_cache_sim_peek(h->inode->i_mapping, 3))));
	} else {
		g_assert_cmpint(f.got, ==, LATE_FAULT);
	}
	g_assert_false(rh_lookup(h, 3, &p, &unwritten));
	rh_model_free(&m);
	rh_free(h);
}

static void test_fault_waits(void)
{
	check_fault_waits("i_mmap_sem", true);
	check_fault_waits("invalidate_lock", true);
	check_fault_waits("lockless", false);
}

/* ---- restarts inside ext4_ext_remove_space ------------------------------------------------
 * 300 one-block extents spread over the groups of a 1K-block filesystem
 * (as the extents tests build them), a 1024-block journal (256 credits per
 * transaction) mostly held by another task: the punch's extends soon fail
 * and it restarts its handle.  Design B (and every kernel) drops i_data_sem
 * around each restart; design A keeps it. */

#define RBS 1024
#define RSTRIDE 256            /* blocks_per_group / 8 */
#define REXTENTS 300

struct holder {
	int credits;
	sim_time_t hold;
};

static void holder_fn(struct rh *h, void *arg)
{
	struct holder *ho = arg;
	handle_t *handle = ext4_journal_start(h->inode, EXT4_HT_MISC,
					      ho->credits);

	g_assert_false(IS_ERR(handle));
	sim_task_sleep(current, ho->hold);
	g_assert_cmpint(ext4_journal_stop(handle), ==, 0);
}

static void sparse_fn(struct rh *h, void *arg)
{
	sim_stamp_t *stamp = arg;

	for (unsigned i = 0; i < REXTENTS; i++)
		rh_fill(h, i * RSTRIDE, 1, *stamp, false);
	rh_commit(h);
}

static void check_restarts(const char *strategy)
{
	struct rh_opts o = { .strategy = strategy, .blocksize = RBS,
			     .size = 80u << 20, .blocks_per_group = 2048,
			     .journal_blocks = 1024 };
	struct rh *h = rh_new(&o);
	sim_stamp_t stamp = rh_stamp(h, 0, RBS);
	struct holder ho = { .credits = 200, .hold = SIM_MSEC };
	struct op op = { .off = 0, .len = (loff_t)REXTENTS * RSTRIDE * RBS };
	struct rh_task *t;
	uint64_t restarts, acq;
	unsigned from = 0, releases = 0;

	rh_run(h, sparse_fn, &stamp);
	restarts = EXT4_I(h->inode)->i_ext_stats.restarts;
	acq = rh_acquisitions(h, "i_data_sem");

	h->ntasks = 0;
	rh_spawn(h, "holder", holder_fn, &ho);
	t = rh_spawn(h, "puncher", late_punch_fn, &op);
	rh_go_all(h);
	g_assert_cmpint(op.ret, ==, 0);
	restarts = EXT4_I(h->inode)->i_ext_stats.restarts - restarts;
	g_assert_cmpuint(restarts, >=, 1);
	while (rh_noted(t, NULL, "release", "i_data_sem", &from))
		releases++;
	acq = rh_acquisitions(h, "i_data_sem") - acq;
	if (!strcmp(strategy, "i_data_sem_held")) {
		/* taken once, before the truncation, kept across restarts */
		g_assert_cmpuint(acq, ==, 1);
		g_assert_cmpuint(releases, ==, 1);
	} else {
		/* once for the removal plus once per restart */
		g_assert_cmpuint(acq, ==, 1 + restarts);
		g_assert_cmpuint(releases, ==, 1 + restarts);
	}
	for (unsigned i = 0; i < REXTENTS; i++) {
		ext4_fsblk_t p;
		bool unwritten;

		g_assert_false(rh_lookup(h, i * RSTRIDE, &p, &unwritten));
	}
	rh_check(h);
	rh_free(h);
}

static void test_restarts(void)
{
	check_restarts("i_data_sem");
	check_restarts("i_data_sem_held");
	check_restarts("lockless");
}

/* ---- design A: fault-vs-punch inversion, reported not hung -----------------------------------
 * R holds page 3 locked (a readpage) and then looks the block up
 * (i_data_sem (r), as ext4_map_blocks does under the page lock); the punch
 * under design A holds i_data_sem (w) and truncates, waiting for page 3. */

static void page_reader_fn(struct rh *h, void *arg)
{
	struct page *page = find_lock_page(h->inode->i_mapping, 3);

	(void)arg;
	g_assert_nonnull(page);
	sim_task_sleep(current, 50 * SIM_USEC);
	down_read(&EXT4_I(h->inode)->i_data_sem);
	up_read(&EXT4_I(h->inode)->i_data_sem);
	unlock_page(page);
	put_page(page);
}

static void check_inversion(const char *strategy, bool reported)
{
	static const pgoff_t cached[] = { 3, (pgoff_t)-1 };
	struct rh_opts o = { .strategy = strategy };
	struct rh_model m;
	struct rh *h = file_new(&o, 8, cached, &m);
	struct op op = { .off = 2 * BS, .len = 4 * BS };
	enum sim_stop stop;

	h->ntasks = 0;
	rh_spawn(h, "reader", page_reader_fn, NULL);
	rh_spawn(h, "puncher", late_punch_fn, &op);
	stop = rh_go(h);
	if (reported) {
		/* a deadlock ends the world; a lock_order report alone lets
		 * it run on — either way it never hangs */
		g_assert_cmpuint(h->findings, >=, 1);
		g_assert_true(!strcmp(h->kind, "deadlock") ||
			      !strcmp(h->kind, "lock_order"));
		if (stop == SIM_STOP_DEADLOCK)
			g_assert_false(rh_all_done(h));
	} else {
		g_assert_cmpint(stop, ==, SIM_STOP_REQUESTED);
		g_assert_true(rh_all_done(h));
		g_assert_cmpuint(h->findings, ==, 0);
	}
	h->ntasks = 0;
	rh_model_free(&m);
	rh_free(h);
}

static void test_inversion(void)
{
	check_inversion("i_data_sem_held", true);
	check_inversion("lockless", false);
	check_inversion("i_mmap_sem", false);
}

/* ---- lock order per strategy ----------------------------------------------------------
 * The puncher's own notes, reduced to its lock acquisitions and the page
 * cache truncation / block removal steps, in the order it took them. */

static void lock_sequence(const struct rh_task *t, char *buf, size_t len)
{
	static const char *const classes[] = { "i_mutex", "i_mmap_sem",
		"invalidate_lock", "i_data_sem", "jbd2_handle" };
	struct sim_note notes[SIM_NOTES];
	unsigned n = sim_task_notes(t->t, notes, SIM_NOTES);

	buf[0] = 0;
	for (unsigned i = 0; i < n; i++) {
		const char *word = NULL;

		if (notes[i].what && !strncmp(notes[i].what, "acquire", 7)) {
			for (unsigned k = 0; k < SIM_ARRAY_SIZE(classes); k++)
				if (notes[i].obj && !strcmp(notes[i].obj,
							    classes[k]))
					word = classes[k];
		} else if (notes[i].what &&
			   !strcmp(notes[i].what, "truncate_pagecache_range")) {
			word = "truncate";
		} else if (notes[i].what &&
			   !strcmp(notes[i].what, "ext4_ext_remove_space")) {
			word = "remove";
		}
		if (word) {
			if (buf[0])
				g_strlcat(buf, " ", len);
			g_strlcat(buf, word, len);
		}
	}
}

static void test_lock_order(void)
{
	static const struct { const char *s, *seq; } e[] = {
		{ "lockless",
		  "i_mutex truncate jbd2_handle i_data_sem remove truncate" },
		{ "i_data_sem",
		  "i_mutex truncate jbd2_handle i_data_sem remove" },
		{ "i_data_sem_held",
		  "i_mutex i_data_sem truncate jbd2_handle remove" },
		{ "i_mmap_sem",
		  "i_mutex i_mmap_sem truncate jbd2_handle i_data_sem remove" },
		{ "invalidate_lock",
		  "i_mutex invalidate_lock truncate jbd2_handle i_data_sem remove" },
	};

	for (unsigned i = 0; i < SIM_ARRAY_SIZE(e); i++) {
		struct rh_opts o = { .strategy = e[i].s };
		struct rh_model m;
		struct rh *h = file_new(&o, 8, NULL, &m);
		struct op op = { .off = 2 * BS, .len = 2 * BS };
		struct rh_task *t;
		char seq[256];

		h->ntasks = 0;
		t = rh_spawn(h, "puncher", punch_fn, &op);
		rh_go_all(h);
		lock_sequence(t, seq, sizeof(seq));
		if (strcmp(seq, e[i].seq))
			g_error("%s: '%s', want '%s'", e[i].s, seq, e[i].seq);
		rh_model_free(&m);
		rh_free(h);
	}
}

/* ---- design A against the journal (FIDELITY 3.4) -----------------------------------------
 * W holds a handle (writeback, or a non-delalloc page_mkwrite about to
 * allocate) and then wants i_data_sem (w), as ext4_map_blocks does inside
 * a handle; a commit is requested meanwhile, so the transaction locks down
 * and waits for W's handle.  A punch that starts its handle then waits for
 * the commit: harmless when it holds nothing W wants, a cycle under
 * design A (punch -> commit -> W -> punch). */

static void handle_user_fn(struct rh *h, void *arg)
{
	handle_t *handle = ext4_journal_start(h->inode, EXT4_HT_WRITE_PAGE, 8);

	(void)arg;
	g_assert_false(IS_ERR(handle));
	sim_task_sleep(current, 50 * SIM_USEC);
	down_write(&EXT4_I(h->inode)->i_data_sem);
	up_write(&EXT4_I(h->inode)->i_data_sem);
	ext4_journal_stop(handle);
}

static void committer_fn(struct rh *h, void *arg)
{
	(void)arg;
	sim_task_sleep(current, 5 * SIM_USEC);
	rh_commit(h);
}

static void later_punch_fn(struct rh *h, void *arg)
{
	sim_task_sleep(current, 20 * SIM_USEC);
	punch_fn(h, arg);
}

static void check_journal_cycle(const char *strategy, bool deadlock)
{
	struct rh_opts o = { .strategy = strategy };
	struct rh_model m;
	struct rh *h = file_new(&o, 8, NULL, &m);
	struct op op = { .off = 2 * BS, .len = 2 * BS };
	enum sim_stop stop;

	h->ntasks = 0;
	rh_spawn(h, "writeback", handle_user_fn, NULL);
	rh_spawn(h, "sync", committer_fn, NULL);
	rh_spawn(h, "puncher", later_punch_fn, &op);
	stop = rh_go(h);
	if (deadlock) {
		g_assert_cmpint(stop, ==, SIM_STOP_DEADLOCK);
		g_assert_cmpstr(h->kind, ==, "deadlock");
		g_assert_false(rh_all_done(h));
		if (g_test_verbose())
			g_printerr("%s\n", h->report);
	} else {
		g_assert_cmpint(stop, ==, SIM_STOP_REQUESTED);
		g_assert_true(rh_all_done(h));
		g_assert_cmpint(op.ret, ==, 0);
	}
	h->ntasks = 0;
	rh_model_free(&m);
	rh_free(h);
}

static void test_journal_cycle(void)
{
	check_journal_cycle("i_data_sem_held", true);
	check_journal_cycle("lockless", false);
	check_journal_cycle("i_data_sem", false);
	check_journal_cycle("i_mmap_sem", false);
}

/* ---- DAX: ext4_break_layouts ---------------------------------------------------------------
 * A DAX file mapped with PFN PTEs at pages 0 and 3; punch [2, 4).  The
 * range's PTE goes in every version (unmap in truncate_pagecache_range);
 * v5.15's ext4_break_layouts (dax_layout_busy_page) first zaps every PTE of
 * the file.  The partial edge is zeroed in place on the medium. */

struct dax {
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	ext4_fsblk_t pfn[8];
	struct op op;
};

static void dax_map_fn(struct rh *h, void *arg)
{
	struct dax *d = arg;

	d->mm = mm_alloc(h->mm);
	d->vma = vm_mmap_sim(d->mm, &h->file, 0, 8,
			     VM_READ | VM_SHARED | VM_MAYSHARE | VM_MIXEDMAP,
			     NULL);
	for (unsigned i = 0; i < 8; i += 3)
		g_assert_cmpint(vm_insert_mixed(d->vma, d->vma->vm_start +
						i * PAGE_SIZE, d->pfn[i]), ==, 0);
}

static void dax_punch_fn(struct rh *h, void *arg)
{
	struct dax *d = arg;

	punch_fn(h, &d->op);
}

static void dax_unmap_fn(struct rh *h, void *arg)
{
	struct dax *d = arg;

	(void)h;
	vm_munmap_sim(d->vma);
	mmput(d->mm);
}

static void check_dax(const char *strategy, bool zap_all)
{
	struct rh_opts o = { .strategy = strategy, .dax = true };
	struct rh_model m;
	struct rh *h = file_new(&o, 8, NULL, &m);
	struct dax d = { .op = { .off = 2 * BS, .len = 2 * BS + 100 } };
	bool unwritten;

	for (unsigned i = 0; i < 8; i++)
		g_assert_true(rh_lookup(h, i, &d.pfn[i], &unwritten));
	rh_run(h, dax_map_fn, &d);
	rh_run(h, dax_punch_fn, &d);
	g_assert_cmpint(d.op.ret, ==, 0);
	g_assert_true(pte_none((*vma_sim_pte(d.vma, 3))));
	g_assert_cmpint(pte_none((*vma_sim_pte(d.vma, 0))), ==, zap_all);
	g_assert_cmpint(pte_none((*vma_sim_pte(d.vma, 6))), ==, zap_all);
	/* no page cache involved: the edge's zeroes are on the medium */
	g_assert_null(page_cache_sim_peek(h->inode->i_mapping, 4));
	g_assert_true(sim_contents_is_zero(ext4_sim_disk_contents(
		EXT4_SB(h->sb)->s_disk, d.pfn[4]), 0, 100));
	rh_model_zero(&m, d.op.off, d.op.len);
	rh_model_assert(h, &m);
	rh_run(h, dax_unmap_fn, &d);
	rh_model_free(&m);
	rh_free(h);
}

static void test_dax(void)
{
	check_dax("invalidate_lock", true);
	check_dax("i_mmap_sem", false);
	check_dax("lockless", false);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/punch/whole-blocks", test_whole_blocks);
	g_test_add_func("/punch/partial-edges", test_partial_edges);
	g_test_add_func("/punch/unwritten-edges", test_unwritten_edges);
	g_test_add_func("/punch/eof", test_eof);
	g_test_add_func("/punch/reuse", test_reuse);
	g_test_add_func("/punch/second-truncate", test_second_truncate);
	g_test_add_func("/punch/fault-window", test_fault_window);
	g_test_add_func("/punch/fault-waits", test_fault_waits);
	g_test_add_func("/punch/restarts", test_restarts);
	g_test_add_func("/punch/inversion", test_inversion);
	g_test_add_func("/punch/lock-order", test_lock_order);
	g_test_add_func("/punch/journal-cycle", test_journal_cycle);
	g_test_add_func("/punch/dax", test_dax);
	return g_test_run();
}
