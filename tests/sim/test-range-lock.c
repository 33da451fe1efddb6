/* tests/sim/test-range-lock.c — the range lock's rules (sim/engine/
 * range_lock.c), table-driven like test-rwsem.c.
 *
 * Each row is a set of task scripts and the expected log of what each
 * task got and when.  Script tokens, run left to right by one task:
 *   @N        sleep until time N          +N  sleep N
 *   R:S-E     range_read_lock [S, E]      W:S-E  range_write_lock [S, E]
 *   r?:S-E    w?:S-E  the trylocks        (E = "EOF": to the end)
 *   U         release the task's most recent acquisition
 * Log entries: "A:r@10" (A got its read range at 10), "A:w@10",
 * "A:r?+@5" / "A:r?-@5" (trylock succeeded / failed).  The log is sorted
 * by (time, task, order within the task); every row also runs with the
 * engine's tie-shuffle mode on.  Then: the deadlock detector's edges and
 * a cycle through two ranges, lockdep's one class, lock_stat, and the
 * ranges in the trace.
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
	{ "overlapping readers share",
	  { { "A", "@0 R:0-99 +10 U" }, { "B", "@1 R:50-150 +10 U" } },
	  "A:r@0 B:r@1" },
	{ "disjoint writers do not wait",
	  { { "A", "@0 W:0-99 +10 U" }, { "B", "@1 W:100-199 +10 U" } },
	  "A:w@0 B:w@1" },
	{ "adjacent pages do not overlap",
	  { { "A", "@0 W:0-4095 +10 U" }, { "B", "@1 W:4096-8191 +1 U" },
	    { "C", "@2 R:8191-8191 +1 U" } },
	  "A:w@0 B:w@1 C:r@2" },
	{ "one shared byte is an overlap",
	  { { "A", "@0 W:0-4096 +10 U" }, { "B", "@1 R:4096-8191 +1 U" } },
	  "A:w@0 B:r@10" },
	{ "an EOF range excludes everything after its start, nothing before",
	  { { "A", "@0 W:4096-EOF +10 U" }, { "B", "@1 R:0-4095 +1 U" },
	    { "C", "@2 R:1099511627776-1099511631871 +1 U" },
	    { "D", "@3 W:0-EOF +1 U" } },
	  "A:w@0 B:r@1 C:r@10 D:w@11" },
	{ "a writer waits for the overlapping readers only",
	  { { "A", "@0 R:0-99 +10 U" }, { "B", "@1 R:200-299 +30 U" },
	    { "W", "@2 W:50-60 +5 U" } },
	  "A:r@0 B:r@1 W:w@10" },
	{ "FIFO: a waiting writer blocks later overlapping readers",
	  { { "A", "@0 R:0-99 +10 U" }, { "W", "@1 W:0-99 +5 U" },
	    { "B", "@2 R:50-60 +1 U" } },
	  "A:r@0 W:w@10 B:r@15" },
	{ "a reader disjoint from the waiting writer goes ahead",
	  { { "A", "@0 R:0-99 +10 U" }, { "W", "@1 W:0-99 +5 U" },
	    { "B", "@2 R:100-199 +1 U" } },
	  "A:r@0 B:r@2 W:w@10" },
	{ "FIFO through a waiter: queued behind an overlapping waiter",
	  { { "A", "@0 R:0-99 +10 U" }, { "W1", "@1 W:50-150 +5 U" },
	    { "W2", "@2 W:120-199 +1 U" } },
	  "A:r@0 W1:w@10 W2:w@15" },
	{ "writer vs many readers: no starvation either way",
	  { { "A", "@0 R:0-EOF +10 U" }, { "W", "@1 W:0-EOF +5 U" },
	    { "B", "@2 R:0-4095 +10 U" }, { "C", "@3 R:4096-8191 +10 U" },
	    { "D", "@4 R:0-8191 +10 U" }, { "E", "@12 R:100-200 +1 U" } },
	  "A:r@0 W:w@10 B:r@15 C:r@15 D:r@15 E:r@15" },
	{ "a release grants every waiter it unblocks",
	  { { "A", "@0 W:0-199 +10 U" }, { "B", "@1 W:0-99 +5 U" },
	    { "C", "@2 W:100-199 +5 U" }, { "D", "@3 R:50-150 +1 U" } },
	  "A:w@0 B:w@10 C:w@10 D:r@15" },
	{ "trylocks: fail against a conflicting holder or waiter only",
	  { { "A", "@0 R:0-99 +10 U" }, { "W", "@1 W:0-99 +1 U" },
	    { "B", "@2 r?:0-9" }, { "C", "@3 r?:200-299 +1 U" },
	    { "D", "@4 w?:50-60" }, { "E", "@5 w?:300-399 +1 U" } },
	  "A:r@0 B:r?-@2 C:r?+@3 D:w?-@4 E:w?+@5 W:w@10" },
};

struct log_ent {
	sim_time_t time;
	unsigned task;
	unsigned seq;
	char text[24];
};

struct run {
	struct sim_range_lock lock;
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

/* "S-E" after the colon of op. */
static void parse_range(const char *op, int64_t *start, int64_t *end)
{
	const char *p = strchr(op, ':');
	char *dash;

	g_assert_nonnull(p);
	*start = g_ascii_strtoll(p + 1, &dash, 10);
	g_assert_true(*dash == '-');
	*end = strcmp(dash + 1, "EOF") == 0 ? SIM_RANGE_EOF
					    : g_ascii_strtoll(dash + 1, NULL, 10);
}

struct hold {
	int64_t start, end;
};

static void actor_fn(struct sim_task *t, void *arg)
{
	struct actor *a = arg;
	struct run *r = a->run;
	gchar **tok = g_strsplit(r->row->tasks[a->idx].ops, " ", -1);
	struct hold held[8];
	unsigned depth = 0, i;

	for (i = 0; tok[i]; i++) {
		const char *op = tok[i];
		int64_t s, e;

		if (op[0] == '@') {
			sim_time_t at = g_ascii_strtoll(op + 1, NULL, 10);
			if (at > sim_task_now(t))
				sim_task_sleep(t, at - sim_task_now(t));
		} else if (op[0] == '+') {
			sim_task_sleep(t, g_ascii_strtoll(op + 1, NULL, 10));
		} else if (op[0] == 'R' || op[0] == 'W') {
			parse_range(op, &s, &e);
			if (op[0] == 'R')
				sim_range_read_lock(t, &r->lock, s, e, "actor");
			else
				sim_range_write_lock(t, &r->lock, s, e, "actor");
			g_assert_true(sim_range_held_by(&r->lock, t, s, e,
							op[0] == 'W'));
			held[depth++] = (struct hold){ s, e };
			logf_(r, t, a->idx, op[0] == 'R' ? "r" : "w");
		} else if (op[1] == '?') {
			bool ok;

			parse_range(op, &s, &e);
			ok = op[0] == 'r' ?
				sim_range_read_trylock(t, &r->lock, s, e, "actor") :
				sim_range_write_trylock(t, &r->lock, s, e, "actor");
			if (ok)
				held[depth++] = (struct hold){ s, e };
			logf_(r, t, a->idx,
			      op[0] == 'r' ? (ok ? "r?+" : "r?-")
					   : (ok ? "w?+" : "w?-"));
		} else if (strcmp(op, "U") == 0) {
			g_assert_cmpuint(depth, >, 0);
			depth--;
			sim_range_unlock(t, &r->lock, held[depth].start,
					 held[depth].end);
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
	sim_range_lock_init(w, &r->lock, "test_range");
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
	g_assert_cmpuint(sim_range_lock_holders(&r->lock), ==, 0);
	g_assert_cmpuint(sim_range_lock_waiters(&r->lock), ==, 0);
	g_assert_null(sim_lockdep_report(w));

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

/* ---- the wait-for edges, and a cycle through two ranges ------------------- */

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
	for (unsigned i = 0; i < bl->n; i++)
		if (bl->seen[i] == t)
			return true;
	return false;
}

struct edges {
	struct sim_range_lock l;
	struct sim_task *a, *b, *w1, *w2, *r3;
	bool checked;
};

/* a holds [0, 99] (r), b holds [200, 299] (r); w1 waits for [50, 250]
 * (w), w2 for [280, 300] (w), r3 for [240, 260] (r: behind w1 only). */
static void ed_task(struct sim_task *t, void *arg)
{
	struct edges *e = arg;

	if (t == e->a || t == e->b) {
		int64_t s = t == e->a ? 0 : 200;

		sim_range_read_lock(t, &e->l, s, s + 99, "ed_task");
		sim_task_sleep(t, 20);
		sim_range_unlock(t, &e->l, s, s + 99);
		return;
	}
	sim_task_sleep(t, 2 + sim_task_id(t));
	if (t == e->w1) {
		sim_range_write_lock(t, &e->l, 50, 250, "ed_task");
		sim_range_unlock(t, &e->l, 50, 250);
	} else if (t == e->w2) {
		sim_range_write_lock(t, &e->l, 280, 300, "ed_task");
		sim_range_unlock(t, &e->l, 280, 300);
	} else {
		sim_range_read_lock(t, &e->l, 240, 260, "ed_task");
		sim_range_unlock(t, &e->l, 240, 260);
	}
}

static void ed_checker(struct sim_task *t, void *arg)
{
	struct edges *e = arg;
	const struct sim_waitobj *o = &e->l.wo;
	struct blockers bl = { .n = 0 };
	char buf[512];

	sim_task_sleep(t, 10);
	o->ops->for_each_blocker(o, e->w1, collect, &bl);
	g_assert_cmpuint(bl.n, ==, 2);
	g_assert_true(has(&bl, e->a) && has(&bl, e->b));
	bl.n = 0;
	o->ops->for_each_blocker(o, e->w2, collect, &bl);
	g_assert_cmpuint(bl.n, ==, 1);
	g_assert_true(has(&bl, e->b));
	bl.n = 0;
	o->ops->for_each_blocker(o, e->r3, collect, &bl);
	g_assert_cmpuint(bl.n, ==, 1);
	g_assert_true(has(&bl, e->w1));
	o->ops->describe(o, buf, sizeof(buf));
	g_assert_nonnull(strstr(buf, "range lock ed_range: 2 holders"));
	g_assert_nonnull(strstr(buf, "[0, 99](r)"));
	g_assert_nonnull(strstr(buf, "waiting: w[50, 250] w[280, 300] r[240, 260]"));
	e->checked = true;
}

static void test_blockers(void)
{
	struct sim_world_params p = { .seed = 1 };
	struct sim_world *w = sim_world_new(&p);
	struct edges *e = g_new0(struct edges, 1);

	sim_range_lock_init(w, &e->l, "ed_range");
	e->a = sim_task_spawn(w, "a", ed_task, e);
	e->b = sim_task_spawn(w, "b", ed_task, e);
	e->w1 = sim_task_spawn(w, "w1", ed_task, e);   /* id 2: at 4 */
	e->w2 = sim_task_spawn(w, "w2", ed_task, e);   /* id 3: at 5 */
	e->r3 = sim_task_spawn(w, "r3", ed_task, e);   /* id 4: at 6 */
	sim_task_spawn(w, "checker", ed_checker, e);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_true(e->checked);
	sim_world_free(w);
	g_free(e);
}

/* Two tasks each hold one range and want the other's: a real cycle,
 * found by the detector through the range lock's edges.  Each holds one
 * range of two different locks (same class): lockdep stays quiet about
 * order (one class) — the cycle is the detector's. */
struct cyc {
	struct sim_range_lock l;
};

static void cy_task(struct sim_task *t, void *arg)
{
	struct cyc *c = arg;
	int64_t mine = sim_task_id(t) == 0 ? 0 : 100;
	int64_t theirs = 100 - mine;

	sim_range_write_lock(t, &c->l, mine, mine + 99, "cy_task");
	sim_task_sleep(t, 10);
	/* A second range of the same lock: lockdep says "recursive". */
	sim_range_write_lock(t, &c->l, theirs, theirs + 99, "cy_task");
	g_assert_not_reached();
}

static void test_deadlock(void)
{
	struct sim_world_params p = { .seed = 1 };
	struct sim_world *w = sim_world_new(&p);
	struct cyc *c = g_new0(struct cyc, 1);
	const char *rep;

	sim_range_lock_init(w, &c->l, "cy_range");
	sim_task_spawn(w, "cy", cy_task, c);
	sim_task_spawn(w, "cy", cy_task, c);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_DEADLOCK);
	rep = sim_world_deadlock_report(w);
	g_assert_nonnull(rep);
	if (g_test_verbose())
		g_test_message("%s", rep);
	g_assert_nonnull(strstr(rep, "range lock cy_range"));
	g_assert_nonnull(sim_lockdep_report(w));
	g_assert_nonnull(strstr(sim_lockdep_report(w), "cy_range"));
	sim_world_free(w);
	g_free(c);
}

/* ---- lock_stat and the trace ------------------------------------------------ */

struct spans {
	char log[16][96];
	unsigned n;
};

static void tracer(void *ctx, const struct sim_trace_rec *r)
{
	struct spans *s = ctx;
	static const char *const kind[] = { "B", "E", "I" };

	if (strncmp(r->cat, "lock-", 5) != 0 || s->n >= G_N_ELEMENTS(s->log))
		return;
	if (r->ranged)
		g_snprintf(s->log[s->n++], sizeof(s->log[0]),
			   "%lld %u %s %s %s [%lld, %lld]", (long long)r->time,
			   r->task, kind[r->kind], r->cat, r->name,
			   (long long)r->start, (long long)r->end);
	else
		g_snprintf(s->log[s->n++], sizeof(s->log[0]),
			   "%lld %u %s %s %s", (long long)r->time, r->task,
			   kind[r->kind], r->cat, r->name);
}

static void st_task(struct sim_task *t, void *arg)
{
	struct sim_range_lock *l = arg;

	/* id 0 writes [0, 4095] at 0 for 10; id 1 reads [4096, EOF] at 1
	 * (no wait) for 10; id 2 reads [0, 8191] at 2: waits 8, holds 1. */
	switch (sim_task_id(t)) {
	case 0:
		sim_range_write_lock(t, l, 0, 4095, "st_task");
		sim_task_sleep(t, 10);
		sim_range_unlock(t, l, 0, 4095);
		break;
	case 1:
		sim_task_sleep(t, 1);
		sim_range_read_lock(t, l, 4096, SIM_RANGE_EOF, "st_task");
		sim_task_sleep(t, 10);
		sim_range_unlock(t, l, 4096, SIM_RANGE_EOF);
		break;
	case 2:
		sim_task_sleep(t, 2);
		sim_range_read_lock(t, l, 0, 8191, "st_task");
		sim_task_sleep(t, 1);
		sim_range_unlock(t, l, 0, 8191);
		break;
	}
}

static void test_stats_trace(void)
{
	struct sim_world_params p = { .seed = 1 };
	struct sim_world *w = sim_world_new(&p);
	struct sim_range_lock *l = g_new0(struct sim_range_lock, 1);
	struct spans *sp = g_new0(struct spans, 1);
	const struct sim_lock_stats *st;
	char ln[96];

	sim_range_lock_init(w, l, "st_range");
	sim_world_set_tracer(w, tracer, sp);
	for (unsigned i = 0; i < 3; i++)
		sim_task_spawn(w, "st", st_task, l);
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	st = sim_lock_class_stats(w, l->dep.class_id);
	g_assert_cmpstr(st->name, ==, "st_range");
	g_assert_cmpuint(st->acquisitions, ==, 3);
	g_assert_cmpuint(st->acquisitions_read, ==, 2);
	g_assert_cmpuint(st->contentions, ==, 1);
	g_assert_cmpfloat(st->wait.sum, ==, 8);
	g_assert_cmpfloat(st->hold.sum, ==, 10 + 10 + 1);

	g_assert_cmpuint(sp->n, ==, 8);
	g_assert_cmpstr(sp->log[0], ==, "0 0 B lock-hold st_range [0, 4095]");
	g_snprintf(ln, sizeof(ln), "1 1 B lock-hold st_range [4096, %lld]",
		   (long long)SIM_RANGE_EOF);
	g_assert_cmpstr(sp->log[1], ==, ln);
	g_assert_cmpstr(sp->log[2], ==, "2 2 B lock-wait st_range [0, 8191]");
	g_assert_cmpstr(sp->log[3], ==, "10 0 E lock-hold st_range");
	g_assert_cmpstr(sp->log[4], ==, "10 2 E lock-wait st_range");
	g_assert_cmpstr(sp->log[5], ==, "10 2 B lock-hold st_range [0, 8191]");
	sim_world_free(w);
	g_free(l);
	g_free(sp);
}

int main(int argc, char **argv)
{
	unsigned i;

	g_test_init(&argc, &argv, NULL);
	for (i = 0; i < G_N_ELEMENTS(rows); i++) {
		char *path = g_strdup_printf("/range-lock/rules/%u", i);
		g_test_add_data_func(path, &rows[i], test_row);
		g_free(path);
	}
	g_test_add_func("/range-lock/blockers", test_blockers);
	g_test_add_func("/range-lock/deadlock", test_deadlock);
	g_test_add_func("/range-lock/lock_stat-and-trace", test_stats_trace);
	return g_test_run();
}
