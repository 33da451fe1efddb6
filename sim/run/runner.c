/* sim/run/runner.c — the plan's jobs on a GThreadPool (see runner.h).
 *
 * Threads meet in three places only, all annotated below: the job queue
 * (GThreadPool), the per-index result slots (each written by one worker,
 * read by the main thread after the pool is joined), and a few atomics
 * (stop flag, jobs done, events done) the main thread's progress line and
 * SIGINT source touch.  A world never sees another thread.
 */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include <glib-unix.h>

#ifdef HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "sim/run/runner.h"
#include "sim/engine/trace.h"

/* GLib's GMutex and GCond are futex-based inside an uninstrumented
 * libglib, so ThreadSanitizer cannot see the happens-before edges of
 * GThreadPool's hand-offs.  We state them where our threads meet: the
 * main thread's set-up happens before every job; every job happens before
 * the main thread reads the results after the join. */
#ifdef SIM_TSAN
#include <sanitizer/tsan_interface.h>
#define tsan_release(addr) __tsan_release(addr)
#define tsan_acquire(addr) __tsan_acquire(addr)

/* What remains are GThreadPool's own queue nodes and thread records,
 * allocated on one side of its (invisible) futex hand-off and freed on the
 * other, inside libglib: allocator calls made from libglib are not ours to
 * check.  Everything our code touches stays checked. */
const char *__tsan_default_suppressions(void);
const char *__tsan_default_suppressions(void)
{
	return "called_from_lib:libglib-2.0.so.0\n";
}
#else
#define tsan_release(addr) ((void)(addr))
#define tsan_acquire(addr) ((void)(addr))
#endif

/* Slices of simulated time a job's run is cut into, to notice SIGINT. */
#define SIM_RUNNER_SLICES 64

/* A job pushed with this bit set is the --trace run of a plan run: an
 * extra run of that job whose results are dropped, so results.json never
 * depends on --trace (nor on a model's own tracer being displaced). */
#define TRACE_ONLY (1u << 31)
/* Any other item is this: a worker's loop, taking jobs (struct sched)
 * until none is left or the run stops; one per thread, so a stop is
 * noticed at once by every thread however many jobs the plan has (one
 * item per job made a 9.9 M-job plan take two minutes to stop: each
 * skipped item still went through the pool).  Queue items cannot be
 * NULL. */
#define WORKER_LOOP 1u

/* ---- job order ------------------------------------------------------------------
 * Jobs are independent and each result goes to its plan index, so the
 * order they run in changes nothing but the wall time -- through the
 * tail: the run ends with its last job, and a long job started last
 * leaves the other workers idle.  Longest first (LPT) shortens the tail.
 * A job's cost is not known up front, but jobs of one group (a strategy
 * at a sweep point: its replicas) cost alike, so a worker takes first one
 * job of every group not started yet (plan order: every group gets
 * measured early), then the next job of the group whose finished jobs
 * took the most CPU time on average (a group none of whose jobs has
 * finished counts as the mean over all finished ones).  Replaying the
 * per-job CPU times of a punch_heavy.cfg run on 2 workers, the idle tail
 * goes from 3.4% of the run (plan order) to 1.2% (ideal LPT: 0.8%).
 * Within a group, jobs go in plan order. */
struct sched_group {
	GArray *jobs;               /* guint: pending plan indices, in order */
	guint taken;                /* jobs handed out */
	guint n_done;
	double cpu_s;               /* CPU seconds of the n_done jobs */
};

struct sched {
	GMutex lock;                /* guards everything below */
	unsigned n;
	struct sched_group *g;
	bool reverse;               /* test hook: last group, last job first */
};

static void sched_init(struct sched *s, const struct sim_plan *plan,
		       const GArray *todo, bool reverse)
{
	unsigned i;

	g_mutex_init(&s->lock);
	s->reverse = reverse;
	s->n = plan->n_points * plan->n_strategies;
	s->g = g_new0(struct sched_group, s->n + 1);
	for (i = 0; i < s->n; i++)
		s->g[i].jobs = g_array_new(FALSE, FALSE, sizeof(guint));
	for (i = 0; i < todo->len; i++) {
		guint idx = g_array_index(todo, guint,
					  reverse ? todo->len - 1 - i : i);

		g_array_append_val(s->g[idx / plan->replicas].jobs, idx);
	}
}

static void sched_free(struct sched *s)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		g_array_unref(s->g[i].jobs);
	g_free(s->g);
	g_mutex_clear(&s->lock);
}

#define SCHED_NONE G_MAXUINT

/* The next job to run, SCHED_NONE when every job has been taken. */
static guint sched_pick(struct sched *s)
{
	unsigned i, best, first = s->n, n_done = 0;
	double cpu = 0, mean, best_cost = -1;
	guint idx;

	g_mutex_lock(&s->lock);
	tsan_acquire(&s->lock);
	for (i = 0; i < s->n; i++) {
		unsigned k = s->reverse ? s->n - 1 - i : i;

		n_done += s->g[k].n_done;
		cpu += s->g[k].cpu_s;
		if (first == s->n && s->g[k].taken == 0 && s->g[k].jobs->len)
			first = k;
	}
	best = first;
	mean = n_done ? cpu / n_done : 0;
	for (i = 0; first == s->n && i < s->n; i++) {
		unsigned k = s->reverse ? s->n - 1 - i : i;
		struct sched_group *g = &s->g[k];
		double cost = g->n_done ? g->cpu_s / g->n_done : mean;

		if (g->taken < g->jobs->len && cost > best_cost) {
			best = k;
			best_cost = cost;
		}
	}
	idx = best == s->n ? SCHED_NONE :
	      g_array_index(s->g[best].jobs, guint, s->g[best].taken++);
	tsan_release(&s->lock);
	g_mutex_unlock(&s->lock);
	return idx;
}

static void sched_done(struct sched *s, const struct sim_plan *plan,
		       guint idx, double cpu_s)
{
	struct sched_group *g = &s->g[idx / plan->replicas];

	g_mutex_lock(&s->lock);
	tsan_acquire(&s->lock);
	g->n_done++;
	g->cpu_s += cpu_s;
	tsan_release(&s->lock);
	g_mutex_unlock(&s->lock);
}

/* CPU seconds of the calling thread: what a job costs, whatever else the
 * machine runs. */
static double thread_cpu_s(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct runner {
	const struct sim_model_ops *ops;
	const struct sim_plan *plan;
	const struct sim_runner_opts *o;
	struct sim_run *run;
	struct sched sched;         /* which job a worker takes next */
	GError **errs;              /* per plan index; read after the join */
	GError *trace_err;          /* of the TRACE_ONLY job */
	unsigned expected;          /* jobs to run (the trace run included) */
	unsigned items;             /* pushed to the pool */
	gint items_done;            /* atomic: items finished */
	gint done;                  /* atomic: jobs finished, skipped or failed */
	gint stop;                  /* atomic: SIGINT or a failed job */
	gint cut;                   /* atomic: a job was skipped or aborted */
	gsize events_done;          /* atomic: events of finished jobs */
	gint slices;                /* atomic: slices of simulated time run
				       (SIM_RUNNER_SLICES per job) */
	GMutex aside_lock;          /* guards run->set_aside_* */
	gint journal_failed;        /* atomic: the journal could not be written */
	GMainContext *mc;
	GMainLoop *loop;
	gint64 t0;
};

/* ---- memory figures ---------------------------------------------------------- */

void sim_runner_heap_peak_reset(void)
{
#ifdef HAVE_JEMALLOC
	mallctl("thread.peak.reset", NULL, NULL, NULL, 0);
#endif
}

uint64_t sim_runner_heap_peak(void)
{
#ifdef HAVE_JEMALLOC
	uint64_t v = 0;
	size_t sz = sizeof(v);

	if (mallctl("thread.peak.read", &v, &sz, NULL, 0) == 0)
		return v;
#endif
	return 0;
}

/* ---- the allocator during a run --------------------------------------------------
 * Every job allocates the same ~50 MB (punch_heavy.cfg) and frees it all
 * at its end.  jemalloc hands freed pages back to the kernel as they decay
 * (10 s), those of an allocation over 8 MiB at once (its "oversize"
 * arena), and the thread's next job faults them in again page by page;
 * with -j > 1 each madvise/munmap also costs a TLB shoot-down IPI to the
 * CPUs the other workers run on.  So for the length of a run the arenas
 * keep what they free (dirty_decay_ms -1: measured on punch_heavy.cfg,
 * about half the page faults of a job go) and give it all back when the
 * run ends.  The footprint stays what the jobs peak at: one job's heap
 * per worker thread.  Results cannot change: no result depends on where
 * an allocation lands. */
struct heap_policy {
	bool set;
	ssize_t decay;              /* arenas.dirty_decay_ms before the run */
};

#ifdef HAVE_JEMALLOC
static void arenas_set_decay(ssize_t decay)
{
	unsigned i, n = 0;
	size_t sz = sizeof(n);

	if (mallctl("arenas.narenas", &n, &sz, NULL, 0) != 0)
		return;
	/* +1: the oversize arena, if created, may sit past narenas;
	 * arenas not created yet fail (EFAULT) and take the default */
	for (i = 0; i <= n; i++) {
		char name[64];

		g_snprintf(name, sizeof(name), "arena.%u.dirty_decay_ms", i);
		mallctl(name, NULL, NULL, &decay, sizeof(decay));
	}
}
#endif

static void heap_keep(struct heap_policy *hp)
{
	hp->set = false;
#ifdef HAVE_JEMALLOC
	ssize_t keep = -1;
	size_t sz = sizeof(hp->decay);

	/* the default first, so arenas created during the run (a new
	 * worker's, the oversize one) keep their pages too */
	if (mallctl("arenas.dirty_decay_ms", &hp->decay, &sz, &keep,
		    sizeof(keep)) != 0)
		return;
	hp->set = true;
	arenas_set_decay(keep);
#endif
}

static void heap_release(struct heap_policy *hp)
{
#ifdef HAVE_JEMALLOC
	char name[64];

	if (!hp->set)
		return;
	mallctl("arenas.dirty_decay_ms", NULL, NULL, &hp->decay,
		sizeof(hp->decay));
	arenas_set_decay(hp->decay);
	g_snprintf(name, sizeof(name), "arena.%u.purge", MALLCTL_ARENAS_ALL);
	mallctl(name, NULL, NULL, NULL, 0);
#endif
	hp->set = false;
}

static uint64_t peak_rss(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (uint64_t)ru.ru_maxrss * 1024;   /* Linux: KiB */
}

/* ---- the lock-hold timeline of one job ----------------------------------------
 * Collected from the engine's lock trace: a hold begins at "lock-hold"
 * BEGIN (its mode from the task's latest note), its wait began at the
 * task's "lock-wait" BEGIN of the same class just before; it ends at the
 * matching END, or at the window's end if still open then.  When the
 * SIM_MAX_TIMELINE-th span is kept, the window ends where the next one
 * began (the data ends there, and the record says so: timeline_ns is the
 * window the spans cover, timeline_asked_ns the one the model asked for).
 */
struct tl_wait {
	unsigned task;
	const char *lock;
	sim_time_t begin;
};

struct timeline {
	sim_time_t window;
	sim_time_t asked;           /* the model's window */
	GArray *spans;              /* struct sim_timeline_span */
	GArray *open;               /* guint: indices of open spans */
	GArray *waits;              /* struct tl_wait: waiting or just granted */
};

static void timeline_init(struct timeline *tl, sim_time_t window)
{
	tl->window = tl->asked = window;
	tl->spans = g_array_new(FALSE, FALSE, sizeof(struct sim_timeline_span));
	tl->open = g_array_new(FALSE, FALSE, sizeof(guint));
	tl->waits = g_array_new(FALSE, FALSE, sizeof(struct tl_wait));
}

static void timeline_free(struct timeline *tl)
{
	if (!tl->spans)
		return;
	g_array_unref(tl->spans);
	g_array_unref(tl->open);
	g_array_unref(tl->waits);
}

static bool same_lock(const char *a, const char *b)
{
	return a == b || strcmp(a, b) == 0;
}

static void timeline_rec(struct timeline *tl, struct sim_world *w,
			 const struct sim_trace_rec *r)
{
	bool wait = strcmp(r->cat, "lock-wait") == 0;
	guint i;

	if (!wait && strcmp(r->cat, "lock-hold") != 0)
		return;
	if (r->kind == SIM_TRACE_BEGIN && r->time >= tl->window)
		return;
	if (wait && r->kind == SIM_TRACE_BEGIN) {
		struct tl_wait wt = { r->task, r->name, r->time };

		g_array_append_val(tl->waits, wt);
	} else if (!wait && r->kind == SIM_TRACE_BEGIN) {
		struct sim_timeline_span s = {
			.task = r->task, .lock = r->name,
			.write = !sim_trace_hold_is_shared(w, r->task),
			.wait_begin = r->time, .begin = r->time, .end = -1,
		};
		guint idx;

		/* The wait this grant ends, if it was contended (lock-wait
		 * END comes just before lock-hold BEGIN). */
		for (i = 0; i < tl->waits->len; i++) {
			struct tl_wait *wt = &g_array_index(tl->waits,
							    struct tl_wait, i);

			if (wt->task == r->task && same_lock(wt->lock, r->name)) {
				s.wait_begin = wt->begin;
				g_array_remove_index(tl->waits, i);
				break;
			}
		}
		if (tl->spans->len >= SIM_MAX_TIMELINE) {
			/* full: the data ends here; open spans end with it */
			tl->window = r->time;
			return;
		}
		idx = tl->spans->len;
		g_array_append_val(tl->spans, s);
		g_array_append_val(tl->open, idx);
	} else if (!wait) {         /* hold END: the latest open one */
		i = tl->open->len;
		while (i-- > 0) {
			guint idx = g_array_index(tl->open, guint, i);
			struct sim_timeline_span *s =
				&g_array_index(tl->spans,
					       struct sim_timeline_span, idx);

			if (s->task == r->task && same_lock(s->lock, r->name)) {
				s->end = MIN(r->time, tl->window);
				g_array_remove_index(tl->open, i);
				break;
			}
		}
	}
	/* A wait END needs nothing: the grant's BEGIN follows it. */
}

/* Copies the timeline into rec, tasks by label (sim_task_label). */
static void timeline_to_rec(struct sim_job_rec *rec, const struct sim_world *w,
			    const struct sim_timeline_span *spans, unsigned n,
			    sim_time_t window)
{
	unsigned i, nt = sim_world_task_count(w);
	char **labels = g_new0(char *, nt + 1);

	rec->timeline_ns = window;
	rec->n_spans = n;
	rec->spans = g_new0(struct sim_rec_span, n + 1);
	for (i = 0; i < n; i++) {
		const struct sim_timeline_span *s = &spans[i];
		struct sim_rec_span *d = &rec->spans[i];

		if (s->task < nt && !labels[s->task])
			labels[s->task] = sim_task_label(w, s->task);
		d->task = s->task < nt ? g_strdup(labels[s->task])
				       : g_strdup_printf("?/%u", s->task);
		d->lock = g_strdup(s->lock);
		d->write = s->write;
		d->wait_begin = s->wait_begin;
		d->begin = s->begin;
		d->end = s->end < 0 || s->end > window ? window : s->end;
	}
	for (i = 0; i < nt; i++)     /* sparse: not a NULL-ended vector */
		g_free(labels[i]);
	g_free(labels);
}

/* ---- one job -------------------------------------------------------------------- */

struct tap {
	struct sim_world *w;
	struct timeline tl;         /* tl.spans NULL: not collecting */
	struct sim_trace_writer *tw;
};

static void tap_fn(void *ctx, const struct sim_trace_rec *r)
{
	struct tap *tap = ctx;

	if (tap->tl.spans)
		timeline_rec(&tap->tl, tap->w, r);
	if (tap->tw)
		sim_trace_writer_rec(tap->tw, tap->w, r);
}

/* Runs w to `until` in slices, checking *stop between them.  Returns the
 * world's stop reason, or SIM_STOP_REQUESTED if *stop cut it short. */
static enum sim_stop run_sliced(struct sim_world *w, sim_time_t until,
				gint *stop, gint *slices, unsigned *nslices)
{
	sim_time_t slice = until / SIM_RUNNER_SLICES + 1, t = 0;
	enum sim_stop s = SIM_STOP_TIME;

	while (t < until) {
		if (stop && g_atomic_int_get(stop))
			return SIM_STOP_REQUESTED;
		t = until - t > slice ? t + slice : until;
		s = sim_world_run(w, t);
		/* the progress line moves with simulated time */
		if (slices && *nslices < SIM_RUNNER_SLICES) {
			g_atomic_int_inc(slices);
			++*nslices;
		}
		if (s != SIM_STOP_TIME)
			break;
	}
	return s;
}

/* ---- model errors ----------------------------------------------------------------
 * A job whose model hits SIM_BUG_ON jumps back to run_job's trap.  Its
 * world and model may be mid-update (a list half-linked, a lock held by a
 * task that will never run again), so nothing of them is run or freed:
 * they are set aside here, reachable (so leak checkers stay quiet), and
 * their size is counted.  The runner's own state of the job (the result
 * being filled, timeline, trace writer) is freed as usual. */
struct aside {
	struct sim_world *w;
	void *model;
};

static GMutex aside_lock;
static GArray *aside_list;      /* struct aside [aside_lock] */

void sim_runner_set_aside(struct sim_world *w, void *model)
{
	struct aside a = { w, model };

	g_mutex_lock(&aside_lock);
	if (!aside_list)
		aside_list = g_array_new(FALSE, FALSE, sizeof(struct aside));
	g_array_append_val(aside_list, a);
	g_mutex_unlock(&aside_lock);
}

/* Heap bytes the calling thread holds (allocated - freed), 0 without
 * jemalloc. */
static uint64_t heap_live(void)
{
#ifdef HAVE_JEMALLOC
	uint64_t a = 0, d = 0;
	size_t sz = sizeof(a);

	if (mallctl("thread.allocated", &a, &sz, NULL, 0) != 0)
		return 0;
	sz = sizeof(d);
	if (mallctl("thread.deallocated", &d, &sz, NULL, 0) != 0)
		return 0;
	return a - d;
#else
	return 0;
#endif
}

/* __FILE__ as the build gave it, without the "../" of a VPATH build. */
static const char *source_name(const char *file)
{
	while (g_str_has_prefix(file, "../") || g_str_has_prefix(file, "./"))
		file += file[1] == '/' ? 2 : 3;
	return file;
}

/* ---- the test hook -------------------------------------------------------------- */

enum test_bug { TEST_BUG_TASK, TEST_BUG_LOOP, TEST_BUG_FINISH };

static struct test_bug_cfg {
	int job;                    /* -1: none */
	enum test_bug where;
} test_bug = { .job = -1 };

/* FAULTLINE_TEST_BUG=JOB[:loop|:finish] (runner.h). */
static void test_bug_read_env(void)
{
	const char *v = g_getenv("FAULTLINE_TEST_BUG");
	char *end;
	guint64 job;

	test_bug.job = -1;
	if (!v || !*v)
		return;
	job = g_ascii_strtoull(v, &end, 10);
	if (end == v || job > G_MAXINT)
		return;
	test_bug.job = (int)job;
	test_bug.where = strcmp(end, ":loop") == 0 ? TEST_BUG_LOOP :
			 strcmp(end, ":finish") == 0 ? TEST_BUG_FINISH :
			 TEST_BUG_TASK;
}

struct test_bug_state {
	sim_time_t at;
	struct sim_event ev;
};

static void test_bug_task(struct sim_task *t, void *arg)
{
	struct test_bug_state *tb = arg;

	sim_task_sleep(t, tb->at);
	sim_bug(__FILE__, __LINE__, "FAULTLINE_TEST_BUG (test-only hook)");
}

static void test_bug_event(struct sim_world *w, struct sim_event *ev)
{
	(void)w;
	(void)ev;
	sim_bug(__FILE__, __LINE__, "FAULTLINE_TEST_BUG (test-only hook)");
}

/* ---- one job -------------------------------------------------------------------- */

/* One job's state, in run_job's frame: what the trap's handler finds
 * there after a SIM_BUG_ON is what the job had reached. */
struct job {
	const struct sim_model_ops *ops;
	const struct sim_plan *plan;
	const struct sim_runner_opts *o;    /* NULL: defaults, no export */
	unsigned index;
	const char *trace_path;
	gint *stop;
	gint *slices;               /* atomic: the runner's slices done; NULL */
	unsigned nslices;           /* this job's share of them */
	struct sim_job_id id;
	const char *phase;          /* "create", "run", "finish" */
	struct sim_world *w;
	void *m;
	struct sim_job_result r;
	struct tap tap;
	struct sim_job_rec *rec;
	struct test_bug_state tb;
};

/* The job, start to end; NULL when it failed (*err) or was cut short by
 * *stop.  A SIM_BUG_ON anywhere in it jumps to run_job's trap instead. */
static struct sim_job_rec *job_run(struct job *j, GError **err)
{
	const struct sim_model_ops *ops = j->ops;
	const struct sim_plan *plan = j->plan;
	/* job = the plan index (the replay key diagnostics print); models
	 * seed workload streams with id.replica (sim/engine/model.h) */
	struct sim_world_params params = { .seed = j->id.seed,
					   .job = j->id.index,
					   .interrupt = j->stop };
	const char *strategy = plan->strategies[j->id.strategy];
	struct tap *tap = &j->tap;
	struct sim_job_rec *rec;
	enum sim_stop how;
	sim_time_t window = 0;

	j->phase = "create";
	j->w = sim_world_new(&params);
	j->m = ops->create(j->w, plan->point_cfg[j->id.sweep_point], strategy,
			   &j->id, err);
	if (!j->m)
		return NULL;
	tap->w = j->w;
	if (ops->record_violations && j->o &&
	    (j->o->violation_records || j->o->explain_all))
		ops->record_violations(j->m, j->o->violation_records,
				       j->o->explain_all);
	if (ops->timeline && j->id.replica == 0)
		window = ops->timeline(j->m);
	if (window > 0)
		timeline_init(&tap->tl, window);
	if (j->trace_path) {
		tap->tw = sim_trace_writer_new(j->trace_path, err);
		if (!tap->tw)
			return NULL;
		if (j->o)
			sim_trace_writer_set_window(tap->tw, j->o->trace_from,
						    j->o->trace_to);
	}
	if (tap->tl.spans || tap->tw)
		sim_world_set_tracer(j->w, tap_fn, tap);
	if (test_bug.job == (int)j->index) {
		j->tb.at = ops->duration(j->m) / 2;
		if (test_bug.where == TEST_BUG_TASK) {
			sim_task_spawn(j->w, "sim-test-bug", test_bug_task,
				       &j->tb);
		} else if (test_bug.where == TEST_BUG_LOOP) {
			sim_event_init(j->w, &j->tb.ev, test_bug_event);
			sim_event_schedule_at(j->w, &j->tb.ev, j->tb.at);
		}
	}

	j->phase = "run";
	how = run_sliced(j->w, ops->duration(j->m), j->stop, j->slices,
			 &j->nslices);
	if (how == SIM_STOP_REQUESTED && j->stop && g_atomic_int_get(j->stop))
		return NULL;        /* interrupted: the job is dropped whole */

	j->phase = "finish";
	j->r.id = j->id;
	ops->finish(j->m, j->w, &j->r);
	if (test_bug.job == (int)j->index && test_bug.where == TEST_BUG_FINISH)
		sim_bug(__FILE__, __LINE__, "FAULTLINE_TEST_BUG (test-only hook)");
	j->r.id = j->id;
	j->r.sim_time = sim_world_now(j->w);
	j->r.events = sim_world_events(j->w);
	j->r.stop = how;
	rec = j->rec = sim_job_rec_from_result(&j->r);
	if (j->r.n_spans) {
		unsigned i;

		/* the model's own timeline; without a window from the
		 * model, the latest end bounds it */
		if (window <= 0)
			for (i = 0; i < j->r.n_spans; i++)
				window = MAX(window, j->r.spans[i].end);
		timeline_to_rec(rec, j->w, j->r.spans, j->r.n_spans, window);
	} else if (tap->tl.spans) {
		timeline_to_rec(rec, j->w, (void *)tap->tl.spans->data,
				tap->tl.spans->len, tap->tl.window);
		rec->timeline_asked_ns = tap->tl.asked;
	}
	rec->stack_bytes = (uint64_t)sim_world_task_count(j->w) *
			   SIM_DEFAULT_STACK;
	if (tap->tw) {
		char *process = g_strdup_printf("faultline %s replica %u (job %u)",
						strategy, j->id.replica, j->index);
		bool ok;

		sim_world_set_tracer(j->w, NULL, NULL);
		ok = sim_trace_writer_finish(tap->tw, j->w, process, err);
		tap->tw = NULL;
		g_free(process);
		if (!ok) {
			sim_job_rec_free(rec);
			j->rec = NULL;
			return NULL;
		}
	}
	/* after the trace is written: the export may run the world on */
	sim_world_set_tracer(j->w, NULL, NULL);
	if (j->o && j->o->export_job) {
		j->phase = "export";
		j->o->export_job(j->o->export_ctx, j->plan, j->index, j->m, j->w,
				 rec);
	}
	return rec;
}

static struct sim_model_error *model_error_new(const struct job *j,
					       const struct sim_bug_info *b)
{
	struct sim_model_error *e = g_new0(struct sim_model_error, 1);

	e->id = j->id;
	e->phase = g_strdup(j->phase);
	e->message = g_strdup(b->cond);
	e->file = g_strdup(source_name(b->file ? b->file : "?"));
	e->line = b->line;
	e->time = b->in_world ? b->time : j->w ? sim_world_now(j->w) : 0;
	e->events = b->in_world ? b->events : j->w ? sim_world_events(j->w) : 0;
	e->task = b->in_task ? g_strdup(b->task) : NULL;
	return e;
}

/* Runs job `index`; NULL when it failed (*err), ended with a model error
 * (*merr, with the bytes it set aside added to *aside_heap and
 * *aside_stacks) or was cut short by *stop (then both stay NULL). */
static struct sim_job_rec *run_job(const struct sim_model_ops *ops,
				   const struct sim_plan *plan,
				   const struct sim_runner_opts *o,
				   unsigned index, const char *trace_path,
				   gint *stop, gint *slices,
				   struct sim_model_error **merr,
				   uint64_t *aside_heap, uint64_t *aside_stacks,
				   GError **err)
{
	struct job j = { .ops = ops, .plan = plan, .o = o, .index = index,
			 .trace_path = trace_path, .stop = stop,
			 .slices = slices };
	struct sim_bug_trap trap;
	gint64 t0 = g_get_monotonic_time();
	uint64_t live0;
	struct sim_job_rec *rec = NULL;

	SIM_BUG_ON(!plan->point_cfg);
	j.id = sim_plan_job(plan, index);
	sim_runner_heap_peak_reset();
	live0 = heap_live();
	sim_bug_trap_push(&trap);
	if (setjmp(trap.jb) == 0) {
		rec = job_run(&j, err);
		sim_bug_trap_pop(&trap);
	} else {
		/* a model error (the trap is popped): j is as the job left
		 * it; its world and model are set aside, not freed */
		uint64_t live = heap_live();

		*merr = model_error_new(&j, &trap.info);
		*aside_heap += live > live0 ? live - live0 : 0;
		if (j.w)
			*aside_stacks += (uint64_t)sim_world_task_count(j.w) *
					 SIM_DEFAULT_STACK;
		sim_job_rec_free(j.rec);
		j.rec = NULL;
		if (j.w) {
			sim_world_set_tracer(j.w, NULL, NULL);
			sim_runner_set_aside(j.w, j.m);
		}
		j.w = NULL;
		j.m = NULL;
		g_clear_error(err);
	}
	sim_job_result_free(&j.r);
	sim_trace_writer_abort(j.tap.tw);
	timeline_free(&j.tap.tl);
	if (j.w) {
		if (j.m)
			ops->destroy(j.m);
		sim_world_free(j.w);
	}
	if (rec) {
		rec->wall_s = (double)(g_get_monotonic_time() - t0) / 1e6;
		rec->heap_peak = sim_runner_heap_peak();
	}
	/* however it ended, the job has done its share of the progress */
	if (slices)
		g_atomic_int_add(slices, (gint)(SIM_RUNNER_SLICES - j.nslices));
	return rec;
}

/* ---- the pool -------------------------------------------------------------------- */

static gboolean check_done(gpointer data)
{
	struct runner *rn = data;

	if ((unsigned)g_atomic_int_get(&rn->items_done) == rn->items)
		g_main_loop_quit(rn->loop);
	return G_SOURCE_REMOVE;
}

/* Plan job `index`, its record or model error into its slot. */
static void worker_job(struct runner *rn, unsigned index)
{
	const char *trace = (int)index == rn->o->trace_job ? rn->o->trace_path
							   : NULL;
	struct sim_model_error *merr = NULL;
	uint64_t aside_heap = 0, aside_stacks = 0;
	GError *err = NULL;
	/* a plan run traces in a separate TRACE_ONLY run */
	double cpu0 = thread_cpu_s();
	struct sim_job_rec *rec = run_job(rn->ops, rn->plan, rn->o, index,
					  rn->o->only_job >= 0 ? trace : NULL,
					  &rn->stop, &rn->slices, &merr,
					  &aside_heap,
					  &aside_stacks, &err);

	sched_done(&rn->sched, rn->plan, index, thread_cpu_s() - cpu0);

	/* Each slot has one writer; the main thread reads the slots only
	 * after g_thread_pool_free() has joined the workers. */
	rn->run->recs[index] = rec;
	rn->run->errors[index] = merr;
	if (rec)
		g_atomic_pointer_add(&rn->events_done, (gssize)rec->events);
	if (rec && rn->o->journal) {
		GError *jerr = NULL;

		/* the run goes on: only a later --resume is lost */
		if (!sim_journal_append(rn->o->journal, rec, &jerr) &&
		    !g_atomic_int_exchange(&rn->journal_failed, 1))
			g_printerr("sim: %s\n", jerr->message);
		g_clear_error(&jerr);
	}
	if (err) {
		rn->errs[index] = err;
		g_atomic_int_set(&rn->stop, 1);
	} else if (!rec && !merr) {
		g_atomic_int_set(&rn->cut, 1);
	}
	if (aside_heap || aside_stacks) {
		g_mutex_lock(&rn->aside_lock);
		rn->run->set_aside_heap += aside_heap;
		rn->run->set_aside_stacks += aside_stacks;
		g_mutex_unlock(&rn->aside_lock);
	}
	g_atomic_int_inc(&rn->done);
}

static void worker(gpointer data, gpointer user)
{
	struct runner *rn = user;
	unsigned item = GPOINTER_TO_UINT(data);
	GSource *src;

	tsan_acquire(rn);
	if (item & TRACE_ONLY) {
		unsigned index = (item & ~TRACE_ONLY) - 1;
		struct sim_model_error *merr = NULL;
		uint64_t heap = 0, stacks = 0;
		GError *err = NULL;

		if (!g_atomic_int_get(&rn->stop)) {
			/* the extra --trace run: no image export */
			struct sim_runner_opts to = *rn->o;

			to.export_job = NULL;
			sim_job_rec_free(run_job(rn->ops, rn->plan, &to, index,
						 rn->o->trace_path, &rn->stop,
						 &rn->slices, &merr, &heap,
						 &stacks, &err));
		}
		/* the plan's own run of the job reports its model error */
		sim_model_error_free(merr);
		if (err) {
			rn->trace_err = err;
			g_atomic_int_set(&rn->stop, 1);
		}
		g_atomic_int_inc(&rn->done);
	} else {
		for (;;) {
			guint index;

			if (g_atomic_int_get(&rn->stop)) {
				/* jobs left untaken are cut */
				if (sched_pick(&rn->sched) != SCHED_NONE)
					g_atomic_int_set(&rn->cut, 1);
				break;
			}
			index = sched_pick(&rn->sched);
			if (index == SCHED_NONE)
				break;
			worker_job(rn, index);
		}
	}
	g_atomic_int_inc(&rn->items_done);
	/* Wake the main loop (attaching a source is thread-safe). */
	src = g_idle_source_new();
	g_source_set_callback(src, check_done, rn, NULL);
	g_source_attach(src, rn->mc);
	g_source_unref(src);
	tsan_release(rn);
}

static gboolean on_sigint(gpointer data)
{
	struct runner *rn = data;

	g_atomic_int_set(&rn->stop, 1);
	g_atomic_int_set(&rn->cut, 1);
	return G_SOURCE_CONTINUE;
}

static void clear_progress(void)
{
	fputs("\r\033[K", stderr);
}

/* "sim: 3/32 jobs, 41%, 0.8 M events/s, ETA 0:00:12": the share of the
 * simulated time run (every job's SIM_RUNNER_SLICES slices), so the line
 * moves, and the ETA means something, inside one long job too. */
static gboolean progress(gpointer data)
{
	struct runner *rn = data;
	unsigned done = (unsigned)g_atomic_int_get(&rn->done);
	double el = (double)(g_get_monotonic_time() - rn->t0) / 1e6;
	double evs = el > 0 ? (double)(gsize)g_atomic_pointer_get(&rn->events_done) / el : 0;
	double all = (double)rn->expected * SIM_RUNNER_SLICES;
	double frac = all > 0 ? MIN(1.0, g_atomic_int_get(&rn->slices) / all) : 0;
	char eta[32] = "?";

	if (frac > 0) {
		unsigned s = (unsigned)(el * (1 - frac) / frac + 0.5);

		g_snprintf(eta, sizeof(eta), "%u:%02u:%02u", s / 3600,
			   s / 60 % 60, s % 60);
	}
	clear_progress();
	fprintf(stderr, "sim: %u/%u jobs, %.0f%%", done, rn->expected,
		100 * frac);
	if (evs > 0)            /* known once a job finished */
		fprintf(stderr, ", %.1f M events/s", evs / 1e6);
	fprintf(stderr, ", ETA %s%s", eta,
		g_atomic_int_get(&rn->stop) ? " (stopping)" : "");
	fflush(stderr);
	return G_SOURCE_CONTINUE;
}

/* ---- for other runners (sim/run/mpi.c) ---------------------------------------- */

struct sim_sched {
	struct sched s;
	const struct sim_plan *plan;
};

struct sim_sched *sim_sched_new(const struct sim_plan *plan, const GArray *todo)
{
	struct sim_sched *ss = g_new0(struct sim_sched, 1);

	ss->plan = plan;
	sched_init(&ss->s, plan, todo, false);
	return ss;
}

guint sim_sched_pick(struct sim_sched *ss)
{
	return sched_pick(&ss->s);
}

void sim_sched_done(struct sim_sched *ss, guint index, double cpu_s)
{
	sched_done(&ss->s, ss->plan, index, cpu_s);
}

void sim_sched_free(struct sim_sched *ss)
{
	if (!ss)
		return;
	sched_free(&ss->s);
	g_free(ss);
}

struct sim_job_rec *sim_runner_run_job(const struct sim_model_ops *ops,
				       const struct sim_plan *plan,
				       unsigned index, gint *stop,
				       struct sim_model_error **merr,
				       double *cpu_s, GError **err)
{
	double cpu0 = thread_cpu_s();
	uint64_t aside_heap = 0, aside_stacks = 0;
	struct sim_job_rec *rec = run_job(ops, plan, NULL, index, NULL, stop,
					  NULL, merr,
					  &aside_heap, &aside_stacks, err);

	*cpu_s = thread_cpu_s() - cpu0;
	return rec;
}

struct sim_run *sim_run_new(const struct sim_plan *plan)
{
	struct sim_run *run = g_new0(struct sim_run, 1);

	run->plan = plan;
	run->recs = g_new0(struct sim_job_rec *, plan->n_jobs + 1);
	run->errors = g_new0(struct sim_model_error *, plan->n_jobs + 1);
	return run;
}

void sim_run_count(struct sim_run *run, const struct sim_job_rec *rec)
{
	run->jobs_run++;
	run->events += rec->events;
	run->job_heap_peak = MAX(run->job_heap_peak, rec->heap_peak);
	run->job_stack_bytes = MAX(run->job_stack_bytes, rec->stack_bytes);
}

void sim_run_add_error(struct sim_run *run, struct sim_model_error *e)
{
	SIM_BUG_ON(e->id.index >= run->plan->n_jobs || run->errors[e->id.index]);
	run->errors[e->id.index] = e;
	run->model_errors++;
}

void sim_run_free(struct sim_run *run)
{
	unsigned i;

	if (!run)
		return;
	for (i = 0; i < run->plan->n_jobs; i++) {
		sim_job_rec_free(run->recs[i]);
		sim_model_error_free(run->errors[i]);
	}
	g_free(run->recs);
	g_free(run->errors);
	g_free(run);
}

bool sim_runner_check(const struct sim_model_ops *ops,
		      const struct sim_plan *plan, GError **err)
{
	unsigned p, s;

	for (p = 0; p < plan->n_points; p++)
		for (s = 0; s < plan->n_strategies; s++) {
			struct sim_job_id id = sim_plan_job(plan,
				sim_plan_index(plan, p, s, 0));
			struct sim_world_params params = { .seed = id.seed,
							   .job = id.index };
			struct sim_world *w = sim_world_new(&params);
			void *m = ops->create(w, plan->point_cfg[p],
					      plan->strategies[s], &id, err);

			if (m)
				ops->destroy(m);
			sim_world_free(w);
			if (!m)
				return false;
		}
	return true;
}

static gint cmp_uint(gconstpointer a, gconstpointer b)
{
	guint x = *(const guint *)a, y = *(const guint *)b;

	return (x > y) - (x < y);
}

struct sim_run *sim_runner_run(const struct sim_model_ops *ops,
			       const struct sim_plan *plan,
			       const struct sim_runner_opts *o, GError **err)
{
	struct runner rn = { .ops = ops, .plan = plan, .o = o };
	struct sim_run *run = sim_run_new(plan);
	struct heap_policy hp;
	GSource *sig = NULL, *term = NULL, *tick = NULL;
	GThreadPool *pool;
	GArray *todo = g_array_new(FALSE, FALSE, sizeof(guint)), *taken;
	unsigned i, k, npre = 0;

	SIM_BUG_ON(o->threads < 1);
	test_bug_read_env();
	g_mutex_init(&rn.aside_lock);
	rn.run = run;
	rn.errs = g_new0(GError *, plan->n_jobs + 1);
	for (i = 0; i < plan->n_jobs; i++) {
		if (o->preloaded && o->preloaded[i]) {
			run->recs[i] = o->preloaded[i];
			o->preloaded[i] = NULL;
			/* counted here: the totals below cover the jobs run */
			sim_run_count(run, run->recs[i]);
			npre++;
		} else if (o->only_job >= 0 ? i == (unsigned)o->only_job
					    : sim_plan_in_shard(plan, i)) {
			g_array_append_val(todo, i);
		}
	}
	rn.expected = todo->len;
	sched_init(&rn.sched, plan, todo, o->reverse);
	run->threads = MIN(o->threads, MAX(rn.expected, 1u));
	if (o->trace_job >= 0 && o->only_job < 0 && o->trace_path &&
	    (unsigned)o->trace_job < plan->n_jobs)
		rn.expected++;

	rn.mc = g_main_context_new();
	rn.loop = g_main_loop_new(rn.mc, FALSE);
	if (o->catch_sigint) {
		sig = g_unix_signal_source_new(SIGINT);
		g_source_set_callback(sig, on_sigint, &rn, NULL);
		g_source_attach(sig, rn.mc);
		term = g_unix_signal_source_new(SIGTERM);
		g_source_set_callback(term, on_sigint, &rn, NULL);
		g_source_attach(term, rn.mc);
	}
	if (o->progress) {
		tick = g_timeout_source_new(250);
		g_source_set_callback(tick, progress, &rn, NULL);
		g_source_attach(tick, rn.mc);
	}
	heap_keep(&hp);
	rn.t0 = g_get_monotonic_time();
	/* exclusive: our threads, started now, none shared with GLib */
	tsan_release(&rn);
	pool = g_thread_pool_new(worker, &rn, (gint)run->threads, TRUE, NULL);
	if (rn.expected > todo->len) {      /* first: it is an extra job */
		rn.items++;
		g_thread_pool_push(pool, GUINT_TO_POINTER(
			((unsigned)o->trace_job + 1) | TRACE_ONLY), NULL);
	}
	for (i = 0; todo->len && i < run->threads; i++) {
		rn.items++;
		g_thread_pool_push(pool, GUINT_TO_POINTER(WORKER_LOOP), NULL);
	}
	if (rn.items)
		g_main_loop_run(rn.loop);
	g_thread_pool_free(pool, FALSE, TRUE);      /* joins the workers */
	tsan_acquire(&rn);
	run->wall_s = (double)(g_get_monotonic_time() - rn.t0) / 1e6;
	run->peak_rss = peak_rss();     /* before the arenas are purged */
	heap_release(&hp);
	if (o->progress)
		clear_progress();
	if (sig) {
		g_source_destroy(sig);
		g_source_unref(sig);
		g_source_destroy(term);
		g_source_unref(term);
	}
	if (tick) {
		g_source_destroy(tick);
		g_source_unref(tick);
	}
	/* Idle sources still queued hold no reference we need. */
	g_main_loop_unref(rn.loop);
	g_main_context_unref(rn.mc);

	/* the jobs taken, in plan order (an interrupted 10 M-job plan ran a
	 * few hundred: reading every slot would fault in 240 MB of zeros) */
	taken = g_array_new(FALSE, FALSE, sizeof(guint));
	for (i = 0; i < rn.sched.n; i++)
		g_array_append_vals(taken, rn.sched.g[i].jobs->data,
				    rn.sched.g[i].taken);
	g_array_sort(taken, cmp_uint);
	for (k = 0; k < taken->len; k++) {
		i = g_array_index(taken, guint, k);
		struct sim_job_rec *rec = run->recs[i];

		if (rn.errs[i] && err && !*err) {
			g_propagate_error(err, rn.errs[i]);
			rn.errs[i] = NULL;
		}
		g_clear_error(&rn.errs[i]);
		if (rec)
			sim_run_count(run, rec);
		if (run->errors[i])
			run->model_errors++;
	}
	g_array_unref(taken);
	g_mutex_clear(&rn.aside_lock);
	if (rn.trace_err && err && !*err)
		g_propagate_error(err, rn.trace_err);
	else
		g_clear_error(&rn.trace_err);
	g_free(rn.errs);
	sched_free(&rn.sched);
	run->interrupted = g_atomic_int_get(&rn.cut) &&
			   run->jobs_run + run->model_errors < todo->len + npre;
	g_array_unref(todo);
	if (err && *err) {
		sim_run_free(run);
		return NULL;
	}
	return run;
}

/* The allocator policy above, for other drivers of many jobs in a row
 * (sim/run/explore.c): on before the jobs, off after them. */
void sim_runner_heap_hold(bool on)
{
	static struct heap_policy hp;

	if (on)
		heap_keep(&hp);
	else
		heap_release(&hp);
}
