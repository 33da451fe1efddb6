/* tests/fs/test-strategies.c — the locking strategies: the registry, and
 * per strategy which lock class each side takes, that the sides exclude
 * each other where the strategy says so, and that acquisitions are noted
 * at the kernel function that asked for them. */
#include "config.h"

#include <string.h>

#include "fs/options.h"
#include "tests/fs/removes-harness.h"

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
	g_assert_cmpuint(n, ==, 5);
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

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/strategies/registry", test_registry);
	g_test_add_func("/strategies/duels", test_duels);
	return g_test_run();
}
