/* tests/sim/test-rwsem.c — the v4.4 rw_semaphore rules, table-driven.
 *
 * Each row is a set of task scripts and the expected log of what each
 * task got and when.  Script tokens, run left to right by one task:
 *   @N   sleep until time N          +N  sleep N (hold time, think time)
 *   R W  down_read / down_write      r? w?  the trylocks
 *   U    release the task's most recent acquisition (up_read/up_write)
 *   D    downgrade_write
 * Log entries: "A:r@10" (A got it for read at 10), "A:w@10", "A:d@10"
 * (downgraded), "A:r?+@5" / "A:r?-@5" (trylock succeeded / failed).  The
 * log is sorted by (time, task, order within the task) so rows do not
 * depend on the order of same-time events; every row is also run with
 * the engine's tie-shuffle mode on.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "sim/engine/sim.h"

#define MAX_TASKS 6
#define MAX_LOG 64

struct script {
	const char *name;
	const char *ops;
};

struct row {
	const char *title;
	struct script tasks[MAX_TASKS];
	const char *expect;
};

static const struct row rows[] = {
	{ "readers share",
	  { { "A", "@0 R +10 U" }, { "B", "@1 R +10 U" } },
	  "A:r@0 B:r@1" },
	{ "writer waits for all readers",
	  { { "A", "@0 R +10 U" }, { "B", "@1 R +20 U" },
	    { "C", "@2 W +5 U" } },
	  "A:r@0 B:r@1 C:w@21" },
	{ "a queued writer blocks later readers",
	  { { "A", "@0 R +10 U" }, { "W", "@1 W +5 U" },
	    { "B", "@2 R +1 U" } },
	  "A:r@0 B:r@15 W:w@10" },
	{ "release wakes the writer at the head, alone",
	  { { "A", "@0 W +10 U" }, { "B", "@1 W +10 U" },
	    { "C", "@2 R +1 U" } },
	  "A:w@0 B:w@10 C:r@20" },
	{ "release wakes the head readers up to the first writer",
	  { { "A", "@0 W +10 U" }, { "B", "@1 R +5 U" },
	    { "C", "@2 R +5 U" }, { "D", "@3 W +5 U" },
	    { "E", "@4 R +5 U" } },
	  "A:w@0 B:r@10 C:r@10 D:w@15 E:r@20" },
	{ "readers behind a writer are not woken with the head readers",
	  { { "A", "@0 W +10 U" }, { "B", "@1 R +20 U" },
	    { "D", "@2 W +5 U" }, { "E", "@3 R +1 U" },
	    { "F", "@4 R +1 U" } },
	  "A:w@0 B:r@10 D:w@30 E:r@35 F:r@35" },
	{ "downgrade wakes the readers at the head",
	  { { "A", "@0 W +10 D +10 U" }, { "B", "@1 R +5 U" },
	    { "C", "@2 R +5 U" }, { "D", "@3 W +1 U" },
	    { "E", "@4 R +1 U" } },
	  "A:w@0 A:d@10 B:r@10 C:r@10 D:w@20 E:r@21" },
	{ "downgrade with a writer at the head wakes nobody",
	  { { "A", "@0 W +10 D +10 U" }, { "D", "@1 W +1 U" },
	    { "B", "@2 R +1 U" } },
	  "A:w@0 A:d@10 D:w@20 B:r@21" },
	{ "trylocks fail while a waiter is queued",
	  { { "A", "@0 R +10 U" }, { "W", "@1 W +1 U" },
	    { "B", "@2 r?" }, { "C", "@3 w?" } },
	  "A:r@0 B:r?-@2 C:w?-@3 W:w@10" },
	{ "read trylock shares with readers, write trylock does not",
	  { { "A", "@0 R +10 U" }, { "B", "@1 r? +1 U" },
	    { "C", "@3 w?" }, { "D", "@20 w? +1 U" } },
	  "A:r@0 B:r?+@1 C:w?-@3 D:w?+@20" },
	{ "read trylock fails while a writer holds",
	  { { "A", "@0 W +10 U" }, { "B", "@1 r?" },
	    { "C", "@11 r? +1 U" } },
	  "A:w@0 B:r?-@1 C:r?+@11" },
};

struct log_ent {
	sim_time_t time;
	unsigned task;
	unsigned seq;
	char text[24];
};

struct run {
	struct sim_rwsem sem;
	const struct row *row;
	struct log_ent log[MAX_LOG];
	unsigned nlog;
};

struct actor {
	struct run *run;
	unsigned idx;
};

static void logf_(struct run *r, struct sim_task *t, unsigned idx,
		  const char *what)
{
	struct log_ent *e;

	g_assert_cmpuint(r->nlog, <, MAX_LOG);
	e = &r->log[r->nlog];
	e->time = sim_task_now(t);
	e->task = idx;
	e->seq = r->nlog++;
	g_snprintf(e->text, sizeof(e->text), "%s:%s@%lld",
		   r->row->tasks[idx].name, what, (long long)e->time);
}

static void actor_fn(struct sim_task *t, void *arg)
{
	struct actor *a = arg;
	struct run *r = a->run;
	gchar **tok = g_strsplit(r->row->tasks[a->idx].ops, " ", -1);
	bool held_write[8];
	unsigned depth = 0, i;

	for (i = 0; tok[i]; i++) {
		const char *op = tok[i];

		if (op[0] == '@') {
			sim_time_t at = g_ascii_strtoll(op + 1, NULL, 10);
			if (at > sim_task_now(t))
				sim_task_sleep(t, at - sim_task_now(t));
		} else if (op[0] == '+') {
			sim_task_sleep(t, g_ascii_strtoll(op + 1, NULL, 10));
		} else if (strcmp(op, "R") == 0) {
			sim_down_read(t, &r->sem, "actor");
			held_write[depth++] = false;
			logf_(r, t, a->idx, "r");
		} else if (strcmp(op, "W") == 0) {
			sim_down_write(t, &r->sem, "actor");
			held_write[depth++] = true;
			logf_(r, t, a->idx, "w");
		} else if (strcmp(op, "r?") == 0) {
			bool ok = sim_down_read_trylock(t, &r->sem, "actor");
			if (ok)
				held_write[depth++] = false;
			logf_(r, t, a->idx, ok ? "r?+" : "r?-");
		} else if (strcmp(op, "w?") == 0) {
			bool ok = sim_down_write_trylock(t, &r->sem, "actor");
			if (ok)
				held_write[depth++] = true;
			logf_(r, t, a->idx, ok ? "w?+" : "w?-");
		} else if (strcmp(op, "U") == 0) {
			g_assert_cmpuint(depth, >, 0);
			if (held_write[--depth])
				sim_up_write(t, &r->sem);
			else
				sim_up_read(t, &r->sem);
		} else if (strcmp(op, "D") == 0) {
			g_assert_cmpuint(depth, >, 0);
			g_assert_true(held_write[depth - 1]);
			sim_downgrade_write(t, &r->sem);
			held_write[depth - 1] = false;
			logf_(r, t, a->idx, "d");
		} else {
			g_error("bad script token %s", op);
		}
	}
	g_assert_cmpuint(depth, ==, 0);
	g_strfreev(tok);
}

static int log_cmp(const void *pa, const void *pb)
{
	const struct log_ent *a = pa, *b = pb;

	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if (a->task != b->task)
		return a->task < b->task ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The same entries, sorted by (time, task as listed in the row). */
static char *expected_sorted(const struct row *row)
{
	gchar **ent = g_strsplit(row->expect, " ", -1);
	struct log_ent log[MAX_LOG];
	unsigned n, i, k;
	GString *s = g_string_new(NULL);

	for (n = 0; ent[n]; n++) {
		const char *at = strrchr(ent[n], '@');
		unsigned idx = MAX_TASKS;

		for (k = 0; k < MAX_TASKS && row->tasks[k].name; k++)
			if (strncmp(ent[n], row->tasks[k].name,
				    strlen(row->tasks[k].name)) == 0 &&
			    ent[n][strlen(row->tasks[k].name)] == ':')
				idx = k;
		g_assert_cmpuint(idx, <, MAX_TASKS);
		log[n].time = g_ascii_strtoll(at + 1, NULL, 10);
		log[n].task = idx;
		log[n].seq = n;
		g_strlcpy(log[n].text, ent[n], sizeof(log[n].text));
	}
	qsort(log, n, sizeof(log[0]), log_cmp);
	for (i = 0; i < n; i++)
		g_string_append_printf(s, "%s%s", i ? " " : "", log[i].text);
	g_strfreev(ent);
	return g_string_free(s, FALSE);
}

static void run_row(const struct row *row, bool shuffle)
{
	struct sim_world_params p = { .seed = 1, .job = 0,
				      .tie_shuffle = shuffle };
	struct sim_world *w = sim_world_new(&p);
	struct run *r = g_new0(struct run, 1);
	struct actor actors[MAX_TASKS];
	unsigned i;
	GString *got = g_string_new(NULL);
	char *want;

	r->row = row;
	sim_rwsem_init(w, &r->sem, "test_sem");
	for (i = 0; i < MAX_TASKS && row->tasks[i].name; i++) {
		actors[i].run = r;
		actors[i].idx = i;
		sim_task_spawn(w, row->tasks[i].name, actor_fn, &actors[i]);
	}
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);

	qsort(r->log, r->nlog, sizeof(r->log[0]), log_cmp);
	for (i = 0; i < r->nlog; i++)
		g_string_append_printf(got, "%s%s", i ? " " : "",
				       r->log[i].text);
	want = expected_sorted(row);
	if (g_test_verbose())
		g_test_message("%s%s: %s", row->title,
			       shuffle ? " (shuffled)" : "", got->str);
	g_assert_cmpstr(got->str, ==, want);
	g_assert_false(sim_rwsem_is_locked(&r->sem));

	g_free(want);
	g_string_free(got, TRUE);
	sim_world_free(w);
	g_free(r);
}

static void test_row(gconstpointer data)
{
	run_row(data, false);
	run_row(data, true);
}

/* ---- the wait-for edges a rwsem gives the deadlock detector ---------------- */

struct blockers {
	const struct sim_task *seen[8];
	unsigned n;
};

static void collect(struct sim_task *b, void *ctx)
{
	struct blockers *bl = ctx;

	g_assert_cmpuint(bl->n, <, 8);
	bl->seen[bl->n++] = b;
}

static bool has(const struct blockers *bl, const struct sim_task *t)
{
	unsigned i;

	for (i = 0; i < bl->n; i++)
		if (bl->seen[i] == t)
			return true;
	return false;
}

struct edges_world {
	struct sim_rwsem a, b, c;
	struct sim_task *r1, *r2, *w1, *r3, *w2;
	int phase_checked;
};

/* r1 and r2 hold a, b, c for read; w1 queues for write on c, then r3 for
 * read on c, then w2 for write on c.  r1 releases a and b out of order
 * (its records for b and c move down its held stack), which must keep the
 * holders lists intact. */
static void er_reader(struct sim_task *t, void *arg)
{
	struct edges_world *e = arg;

	sim_down_read(t, &e->a, "er_reader");
	sim_down_read(t, &e->b, "er_reader");
	sim_down_read(t, &e->c, "er_reader");
	sim_task_sleep(t, 10);
	if (t == e->r1) {
		sim_up_read(t, &e->a);       /* bottom of the stack first (10) */
		sim_task_sleep(t, 10);
		sim_up_read(t, &e->c);       /* then the top (20) */
		sim_task_sleep(t, 10);
		sim_up_read(t, &e->b);
		return;
	}
	sim_task_sleep(t, 30);
	sim_up_read(t, &e->c);
	sim_up_read(t, &e->b);
	sim_up_read(t, &e->a);
}

static void er_waiter(struct sim_task *t, void *arg)
{
	struct edges_world *e = arg;

	sim_task_sleep(t, 2 + sim_task_id(t));
	if (t == e->r3) {
		sim_down_read(t, &e->c, "er_waiter");
		sim_up_read(t, &e->c);
	} else {
		sim_down_write(t, &e->c, "er_waiter");
		sim_up_write(t, &e->c);
	}
}

static void er_checker(struct sim_task *t, void *arg)
{
	struct edges_world *e = arg;
	const struct sim_waitobj *o = &e->c.wo;
	struct blockers bl = { .n = 0 };
	char buf[256];

	sim_task_sleep(t, 15);   /* after r1 dropped a (records moved) */
	g_assert_cmpuint(sim_lockdep_depth(e->r1), ==, 2);
	sim_lockdep_held_str(e->r1, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "er_b(r), er_c(r)");

	/* w1: both readers hold c; nobody ahead. */
	o->ops->for_each_blocker(o, e->w1, collect, &bl);
	g_assert_cmpuint(bl.n, ==, 2);
	g_assert_true(has(&bl, e->r1) && has(&bl, e->r2));
	/* r3 (reader behind w1): holders and w1. */
	bl.n = 0;
	o->ops->for_each_blocker(o, e->r3, collect, &bl);
	g_assert_cmpuint(bl.n, ==, 3);
	g_assert_true(has(&bl, e->w1));
	/* w2 (writer behind r3): holders and the head waiter, w1, which
	 * stands for the queue ahead (r3 is blocked by nothing else) */
	bl.n = 0;
	o->ops->for_each_blocker(o, e->w2, collect, &bl);
	g_assert_cmpuint(bl.n, ==, 3);
	g_assert_true(has(&bl, e->w1) && !has(&bl, e->r3));

	o->ops->describe(o, buf, sizeof(buf));
	g_assert_nonnull(strstr(buf, "rwsem er_c: 2 readers"));
	g_assert_nonnull(strstr(buf, "waiting: w r w"));

	sim_task_sleep(t, 10);   /* 25: r1 dropped c, only r2 holds it */
	bl.n = 0;
	o->ops->for_each_blocker(o, e->w1, collect, &bl);
	g_assert_cmpuint(bl.n, ==, 1);
	g_assert_true(bl.seen[0] == e->r2);
	e->phase_checked = 1;
}

static void test_blockers(void)
{
	struct sim_world_params p = { .seed = 1 };
	struct sim_world *w = sim_world_new(&p);
	struct edges_world *e = g_new0(struct edges_world, 1);

	sim_rwsem_init(w, &e->a, "er_a");
	sim_rwsem_init(w, &e->b, "er_b");
	sim_rwsem_init(w, &e->c, "er_c");
	e->r1 = sim_task_spawn(w, "r1", er_reader, e);
	e->r2 = sim_task_spawn(w, "r2", er_reader, e);
	e->w1 = sim_task_spawn(w, "w1", er_waiter, e);   /* id 2: at 4 */
	e->r3 = sim_task_spawn(w, "r3", er_waiter, e);   /* id 3: at 5 */
	e->w2 = sim_task_spawn(w, "w2", er_waiter, e);   /* id 4: at 6 */
	sim_task_spawn(w, "checker", er_checker, e);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpint(e->phase_checked, ==, 1);
	g_assert_null(sim_lockdep_report(w));
	sim_world_free(w);
	g_free(e);
}

/* ---- lock_stat for an rwsem ------------------------------------------------- */

static void st_task(struct sim_task *t, void *arg)
{
	struct sim_rwsem *s = arg;

	/* ids 0, 1 read at 0 (hold 10); id 2 writes at 1 (waits 9, holds 5);
	 * id 3 reads at 2, queued behind the writer (waits 13, holds 1). */
	switch (sim_task_id(t)) {
	case 0:
	case 1:
		sim_down_read(t, s, "st_task");
		sim_task_sleep(t, 10);
		sim_up_read(t, s);
		break;
	case 2:
		sim_task_sleep(t, 1);
		sim_down_write(t, s, "st_task");
		sim_task_sleep(t, 5);
		sim_up_write(t, s);
		break;
	case 3:
		sim_task_sleep(t, 2);
		sim_down_read(t, s, "st_task");
		sim_task_sleep(t, 1);
		sim_up_read(t, s);
		break;
	}
}

static void test_stats(void)
{
	struct sim_world_params p = { .seed = 1 };
	struct sim_world *w = sim_world_new(&p);
	struct sim_rwsem *s = g_new0(struct sim_rwsem, 1);
	const struct sim_lock_stats *st;
	unsigned i;

	sim_rwsem_init(w, s, "st_sem");
	for (i = 0; i < 4; i++)
		sim_task_spawn(w, "st", st_task, s);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	st = sim_lock_class_stats(w, s->dep.class_id);
	g_assert_cmpstr(st->name, ==, "st_sem");
	g_assert_cmpuint(st->acquisitions, ==, 4);
	g_assert_cmpuint(st->acquisitions_read, ==, 3);
	g_assert_cmpuint(st->contentions, ==, 2);
	g_assert_cmpuint(st->wait.count, ==, 2);
	g_assert_cmpfloat(st->wait.sum, ==, 9 + 13);
	g_assert_cmpint(st->wait.max, ==, 13);
	g_assert_cmpuint(st->hold.count, ==, 4);
	g_assert_cmpfloat(st->hold.sum, ==, 10 + 10 + 5 + 1);
	sim_world_free(w);
	g_free(s);
}

int main(int argc, char **argv)
{
	unsigned i;

	g_test_init(&argc, &argv, NULL);
	for (i = 0; i < G_N_ELEMENTS(rows); i++) {
		char *path = g_strdup_printf("/rwsem/rules/%u", i);
		g_test_add_data_func(path, &rows[i], test_row);
		g_free(path);
	}
	g_test_add_func("/rwsem/blockers", test_blockers);
	g_test_add_func("/rwsem/lock_stat", test_stats);
	return g_test_run();
}
