/* tests/fs/test-strategies.c — the locking strategies: the registry, and
 * per strategy which lock class each side takes, that the sides exclude
 * each other where the strategy says so, and that acquisitions are noted
 * at the kernel function that asked for them. */
#include "config.h"

#include <string.h>

#include "fs/workload/options.h"
#include "fs/oracle/oracle.h"
#include "fs/mm/fault.h"
#include "tests/fs/fixture/removes-harness.h"

/* ---- registry --------------------------------------------------------------- */

static void test_registry(void)
{
	unsigned n = 0;

	for (const struct ext4_lock_ops *const *s = ext4_lock_strategies; *s;
	     s++, n++) {
		/* the config's list of names is the registry's, in order */
		g_assert_nonnull(fs_strategy_names[n]);
		g_assert_cmpstr((*s)->name, ==, fs_strategy_names[n]);
		g_assert_true(ext4_lock_ops_find((*s)->name) == *s);
		g_assert_nonnull((*s)->summary);
		g_assert_cmpuint(strlen((*s)->summary), >, 10);
		/* both sides or neither, per side */
		g_assert_true(!(*s)->fault_lock == !(*s)->fault_unlock);
		g_assert_true(!(*s)->fault_lock == !(*s)->fault_trylock);
		g_assert_true(!(*s)->remove_lock == !(*s)->remove_unlock);
	}
	g_assert_null(fs_strategy_names[n]);
	g_assert_cmpuint(n, ==, EXT4_NR_LOCK_STRATEGIES);
	g_assert_null(ext4_lock_ops_find("nope"));

	g_assert_cmpint(ext4_lock_lockless.kver, ==, EXT4_KVER_4_4);
	g_assert_cmpint(ext4_lock_i_data_sem.kver, ==, EXT4_KVER_4_4);
	g_assert_cmpint(ext4_lock_i_data_sem_held.kver, ==, EXT4_KVER_4_4);
	g_assert_cmpint(ext4_lock_i_mmap_sem.kver, ==, EXT4_KVER_4_5);
	g_assert_cmpint(ext4_lock_invalidate_lock.kver, ==, EXT4_KVER_5_15);
	/* v4.4.1's second truncate belongs to lockless only */
	for (const struct ext4_lock_ops *const *s = ext4_lock_strategies; *s;
	     s++)
		g_assert_cmpint(!!((*s)->flags & EXT4_LOCK_PUNCH_SECOND_TRUNCATE),
				==, *s == &ext4_lock_lockless);
	g_assert_true(ext4_lock_invalidate_lock.flags & EXT4_LOCK_READ_PATHS);
	g_assert_true(ext4_lock_invalidate_lock.flags & EXT4_LOCK_BEFORE_ISIZE);
	g_assert_true(ext4_lock_i_data_sem_held.flags &
		      EXT4_LOCK_HOLD_DATA_SEM_ACROSS_JOURNAL);
	g_assert_false(ext4_lock_i_data_sem.flags &
		       EXT4_LOCK_HOLD_DATA_SEM_ACROSS_JOURNAL);
}

/* ---- the two sides against each other ------------------------------------------ */

#define HOLD (100 * SIM_USEC)
#define LATE (10 * SIM_USEC)

struct duel {
	bool fault_first;
	sim_time_t fault_got, remove_got;
	bool trylock_ok;
};

static void faulter(struct rh *h, void *arg)
{
	struct duel *d = arg;

	if (!d->fault_first)
		sim_task_sleep(current, LATE);
	ext4_sim_fault_lock(h->inode, 0, PAGE_SIZE - 1);
	d->fault_got = sim_task_now(current);
	if (d->fault_first)
		sim_task_sleep(current, HOLD);
	ext4_sim_fault_unlock(h->inode, 0, PAGE_SIZE - 1);
}

static void remover(struct rh *h, void *arg)
{
	struct duel *d = arg;

	if (d->fault_first)
		sim_task_sleep(current, LATE);
	ext4_sim_remove_lock(h->inode, 0, LLONG_MAX);
	d->remove_got = sim_task_now(current);
	if (!d->fault_first) {
		/* a trylock from a reader fails while the remover holds it */
		sim_task_sleep(current, HOLD);
	}
	ext4_sim_remove_unlock(h->inode, 0, LLONG_MAX);
}

static void trier(struct rh *h, void *arg)
{
	struct duel *d = arg;

	sim_task_sleep(current, 2 * LATE);
	d->trylock_ok = ext4_sim_fault_trylock(h->inode, 0, PAGE_SIZE - 1);
	if (d->trylock_ok)
		ext4_sim_fault_unlock(h->inode, 0, PAGE_SIZE - 1);
}

struct expect {
	const char *strategy;
	const char *fault_class;     /* NULL: none */
	const char *remove_class;
};

static const struct expect expects[] = {
	{ "lockless", NULL, NULL },
	{ "i_data_sem", "i_data_sem", NULL },
	{ "i_data_sem_held", "i_data_sem", "i_data_sem" },
	{ "i_mmap_sem", "i_mmap_sem", "i_mmap_sem" },
	{ "invalidate_lock", "invalidate_lock", "invalidate_lock" },
};

static const char *const classes[] = { "i_data_sem", "i_mmap_sem",
				       "invalidate_lock" };

static void check_duel(const struct expect *e, bool fault_first)
{
	struct rh_opts o = { .strategy = e->strategy };
	struct rh *h = rh_new(&o);
	struct duel d = { .fault_first = fault_first };
	uint64_t before[3];
	bool exclusive = e->fault_class && e->remove_class;
	struct rh_task *f, *r;

	for (unsigned i = 0; i < 3; i++)
		before[i] = rh_acquisitions(h, classes[i]);
	h->ntasks = 0;
	f = rh_spawn(h, "faulter", faulter, &d);
	r = rh_spawn(h, "remover", remover, &d);
	if (!fault_first)
		rh_spawn(h, "trier", trier, &d);
	rh_go_all(h);

	if (fault_first) {
		g_assert_cmpint(d.fault_got, ==, 0);
		g_assert_cmpint(d.remove_got, ==, exclusive ? HOLD : LATE);
	} else {
		g_assert_cmpint(d.remove_got, ==, 0);
		g_assert_cmpint(d.fault_got, ==, exclusive ? HOLD : LATE);
		g_assert_true(d.trylock_ok == !exclusive);
	}
	for (unsigned i = 0; i < 3; i++) {
		uint64_t want = 0;

		if (e->fault_class && !strcmp(e->fault_class, classes[i]))
			want += 1 + (!fault_first && d.trylock_ok);
		if (e->remove_class && !strcmp(e->remove_class, classes[i]))
			want++;
		g_assert_cmpuint(rh_acquisitions(h, classes[i]) - before[i], ==,
				 want);
	}
	/* acquisitions are noted at the caller's function */
	if (e->fault_class)
		g_assert_true(rh_noted(f, "faulter", NULL, e->fault_class,
				       NULL));
	if (e->remove_class)
		g_assert_true(rh_noted(r, "remover", NULL, e->remove_class,
				       NULL));
	g_assert_cmpuint(h->findings, ==, 0);
	rh_free(h);
}

static void test_duels(void)
{
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(expects); i++) {
		check_duel(&expects[i], true);
		check_duel(&expects[i], false);
	}
}

/* ---- end to end: real faults against a real punch -------------------------------------
 * A mapped file of 8 blocks; the punch removes blocks 2..5.  The faults go
 * through the whole fault path (__do_page_fault, ext4_filemap_fault or
 * page_mkwrite with the strategy's locks, readpage). */

#define BS 4096
#define NBLK 8

struct e2e {
	struct vm_area_struct *vma;
	sim_stamp_t stamp, store;
	long punch_ret;
	sim_time_t punch_end, fault_end;
	int fault_err;
	struct sim_contents got;
};

static void e2e_setup_fn(struct rh *h, void *arg)
{
	struct e2e *e = arg;

	rh_fill(h, 0, NBLK, e->stamp, false);
	e->vma = rh_mmap(h, NBLK);
}

static struct rh *e2e_new(const char *strategy, struct e2e *e)
{
	struct rh_opts o = { .strategy = strategy, .oracle = true };
	struct rh *h = rh_new(&o);

	e->stamp = rh_stamp(h, 0, NBLK * BS);
	e->store = rh_stamp(h, 3 * BS, 64);
	sim_contents_init(&e->got, 64);
	rh_run(h, e2e_setup_fn, e);
	return h;
}

static void e2e_free(struct rh *h, struct e2e *e)
{
	sim_contents_destroy(&e->got);
	rh_free(h);
}

static void commit_fn_e2e(struct rh *h, void *arg);

static void punch_at_1us(struct rh *h, void *arg)
{
	struct e2e *e = arg;

	sim_task_sleep(current, SIM_USEC);
	e->punch_ret = rh_fallocate(h, FALLOC_FL_PUNCH_HOLE |
				    FALLOC_FL_KEEP_SIZE, 2 * BS, 4 * BS);
	e->punch_end = sim_task_now(current);
}

/* A reader of i_data_sem keeps the punch inside its critical section
 * (waiting at down_write(i_data_sem), after the truncation). */
static void data_sem_reader(struct rh *h, void *arg)
{
	(void)arg;
	down_read(&EXT4_I(h->inode)->i_data_sem);
	sim_task_sleep(current, 300 * SIM_USEC);
	up_read(&EXT4_I(h->inode)->i_data_sem);
}

static void load_at_150us(struct rh *h, void *arg)
{
	struct e2e *e = arg;

	sim_task_sleep(current, 150 * SIM_USEC);
	e->fault_err = mm_sim_user_load(h->proc, e->vma->vm_start +
					3 * PAGE_SIZE, 64, &e->got);
	e->fault_end = sim_task_now(current);
}

/* i_mmap_sem and invalidate_lock make a fault wait for the punch in
 * progress and then see the hole; without a lock the fault reads the old
 * block while the punch waits, and v4.4.1's second truncate drops the page
 * afterwards. */
static void check_e2e_fault_waits(const char *strategy, bool waits)
{
	struct e2e e = { 0 };
	struct rh *h = e2e_new(strategy, &e);
	uint32_t origin;

	h->ntasks = 0;
	rh_spawn(h, "reader", data_sem_reader, NULL);
	rh_spawn(h, "puncher", punch_at_1us, &e);
	rh_spawn(h, "faulter", load_at_150us, &e);
	rh_go_all(h);
	g_assert_cmpint(e.punch_ret, ==, 0);
	g_assert_cmpint(e.fault_err, ==, 0);
	g_assert_cmpint(e.punch_end, >=, 300 * SIM_USEC);
	if (waits) {
		g_assert_cmpint(e.fault_end, >=, e.punch_end);
		g_assert_cmpuint(sim_contents_at(&e.got, 0, &origin), ==, 0);
		g_assert_cmpuint(rh_contentions(h, strategy), >=, 1);
	} else {
		g_assert_cmpint(e.fault_end, <, e.punch_end);
		g_assert_cmpuint(sim_contents_at(&e.got, 0, &origin), ==,
				 e.stamp);
		g_assert_null(page_cache_sim_peek(h->inode->i_mapping, 3));
	}
	rh_run(h, commit_fn_e2e, NULL);
	rh_oracle_assert_clean(h);
	e2e_free(h, &e);
}

static void test_e2e_fault_waits(void)
{
	check_e2e_fault_waits("i_mmap_sem", true);
	check_e2e_fault_waits("invalidate_lock", true);
	check_e2e_fault_waits("lockless", false);
}

/* FIDELITY 3.1 end to end: DIO in flight holds the punch in inode_dio_wait
 * (v4.4.1 order: after the truncation; v4.5+: before the lock); a mapped
 * store to block 3 arrives then.  Afterwards the commit makes the punched
 * blocks reusable: a buffer still mapping one is a stale_mapping. */
static void dio_100us(struct rh *h, void *arg)
{
	(void)arg;
	inode_dio_begin(h->inode);
	sim_task_sleep(current, 100 * SIM_USEC);
	inode_dio_end(h->inode);
}

static void store_at_50us(struct rh *h, void *arg)
{
	struct e2e *e = arg;

	sim_task_sleep(current, 50 * SIM_USEC);
	e->fault_err = mm_sim_user_store(h->proc, e->vma->vm_start +
					 3 * PAGE_SIZE, 64, e->store);
	e->fault_end = sim_task_now(current);
}

static void commit_fn_e2e(struct rh *h, void *arg)
{
	(void)arg;
	rh_commit(h);
}

static void check_e2e_window(const char *strategy, bool stale)
{
	struct e2e e = { 0 };
	struct rh *h = e2e_new(strategy, &e);

	h->ntasks = 0;
	rh_spawn(h, "dio", dio_100us, NULL);
	rh_spawn(h, "puncher", punch_at_1us, &e);
	rh_spawn(h, "faulter", store_at_50us, &e);
	rh_go_all(h);
	g_assert_cmpint(e.punch_ret, ==, 0);
	g_assert_cmpint(e.fault_err, ==, 0);
	rh_run(h, commit_fn_e2e, NULL);
	g_assert_cmpuint(rh_oracle_count(h, FS_ORACLE_STALE_MAPPING), ==,
			 stale ? 1 : 0);
	if (stale && g_test_verbose())
		g_printerr("%s", fs_oracle_explanation(h->oracle,
				FS_ORACLE_STALE_MAPPING, 0));
	e2e_free(h, &e);
}

static void test_e2e_window(void)
{
	check_e2e_window("lockless", false);     /* the second truncate */
	check_e2e_window("i_data_sem", true);    /* design B: the window */
	check_e2e_window("i_mmap_sem", false);
	check_e2e_window("invalidate_lock", false);
}

/* ---- the strategy as generic code sees it ----------------------------------------
 * Generic mm code never looks into ext4: it asks the superblock's
 * super_sim_operations (fs/fs.h), which ext4_sim_mount installs.  Per
 * strategy: the version generic code follows, and the generic paths that
 * take the v5.15 invalidate_lock; a strategy changed after the mount is
 * seen at once; DAX is a flag of the inode (S_DAX), set by ext4. */
static void test_superblock_ops(void)
{
	for (const struct ext4_lock_ops *const *s = ext4_lock_strategies; *s;
	     s++) {
		struct rh_opts o = { .strategy = (*s)->name };
		struct rh *h = rh_new(&o);
		struct address_space *mapping = h->inode->i_mapping;
		unsigned paths;

		g_assert_true(h->sb->s_sim_op == &ext4_sim_sops);
		g_assert_cmpint(sb_sim_kver(h->sb), ==, (int)(*s)->kver);
		paths = h->sb->s_sim_op->invalidate_lock_paths(h->sb);
		g_assert_cmpint(!!(paths & FS_SIM_INVALIDATE_FAULT), ==,
				!!((*s)->flags & EXT4_LOCK_FAULT_FAST_PATH));
		g_assert_cmpint(!!(paths & FS_SIM_INVALIDATE_READ), ==,
				!!((*s)->flags & EXT4_LOCK_READ_PATHS));
		g_assert_cmpint(filemap_sim_invalidate_lock_on(
					mapping, FS_SIM_INVALIDATE_READ), ==,
				*s == &ext4_lock_invalidate_lock);
		g_assert_false(IS_DAX(h->inode));
		/* no strategy: v4.4.1, no lock in the generic paths */
		EXT4_SB(h->sb)->s_lock_ops = NULL;
		g_assert_cmpint(sb_sim_kver(h->sb), ==, FS_SIM_KVER_4_4);
		g_assert_false(filemap_sim_invalidate_lock_on(
				       mapping, FS_SIM_INVALIDATE_FAULT |
						FS_SIM_INVALIDATE_READ));
		rh_free(h);
	}
	{
		struct rh_opts o = { .strategy = "invalidate_lock", .dax = true };
		struct rh *h = rh_new(&o);

		g_assert_true(IS_DAX(h->inode));
		g_assert_cmpint(sb_sim_kver(h->sb), ==, FS_SIM_KVER_5_15);
		rh_free(h);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/strategies/registry", test_registry);
	g_test_add_func("/strategies/duels", test_duels);
	g_test_add_func("/strategies/e2e-fault-waits", test_e2e_fault_waits);
	g_test_add_func("/strategies/e2e-window", test_e2e_window);
	g_test_add_func("/strategies/superblock-ops", test_superblock_ops);
	return g_test_run();
}
