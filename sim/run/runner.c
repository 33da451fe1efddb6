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
/* Any other item is this: "the next job" (struct sched); queue items
 * cannot be NULL. */
#define NEXT_JOB 1u

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

/* The next job to run; every call takes one (the caller makes exactly as
 * many calls as there are jobs). */
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
	SIM_BUG_ON(best == s->n);
	idx = g_array_index(s->g[best].jobs, guint, s->g[best].taken++);
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
	unsigned expected;          /* jobs submitted */
	gint done;                  /* atomic: jobs finished, skipped or failed */
	gint stop;                  /* atomic: SIGINT or a failed job */
	gint cut;                   /* atomic: a job was skipped or aborted */
	gsize events_done;          /* atomic: events of finished jobs */
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
 * matching END, or at the window's end if still open then.
 */
struct tl_wait {
	unsigned task;
	const char *lock;
	sim_time_t begin;
};

struct timeline {
	sim_time_t window;
	GArray *spans;              /* struct sim_timeline_span */
	GArray *open;               /* guint: indices of open spans */
	GArray *waits;              /* struct tl_wait: waiting or just granted */
};

static void timeline_init(struct timeline *tl, sim_time_t window)
{
	tl->window = window;
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
		if (tl->spans->len >= SIM_MAX_TIMELINE)
			return;
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
				gint *stop)
{
	sim_time_t slice = until / SIM_RUNNER_SLICES + 1, t = 0;
	enum sim_stop s = SIM_STOP_TIME;

	while (t < until) {
		if (stop && g_atomic_int_get(stop))
			return SIM_STOP_REQUESTED;
		t = until - t > slice ? t + slice : until;
		s = sim_world_run(w, t);
		if (s != SIM_STOP_TIME)
			break;
	}
	return s;
}

/* Runs job `index`; NULL when it failed (*err) or was cut short by *stop
 * (then *err stays NULL). */
static struct sim_job_rec *run_job(const struct sim_model_ops *ops,
				   const struct sim_plan *plan,
				   unsigned index, const char *trace_path,
				   gint *stop, GError **err)
{
	struct sim_job_id id = sim_plan_job(plan, index);
	/* job = the plan index (the replay key diagnostics print); models
	 * seed workload streams with id.replica (sim/engine/model.h) */
	struct sim_world_params params = { .seed = id.seed, .job = id.index };
	const char *strategy = plan->strategies[id.strategy];
	struct sim_job_result r;
	struct sim_job_rec *rec = NULL;
	struct tap tap = { 0 };
	gint64 t0 = g_get_monotonic_time();
	struct sim_world *w;
	enum sim_stop how;
	sim_time_t window = 0;
	void *m;

	SIM_BUG_ON(!plan->point_cfg);
	sim_runner_heap_peak_reset();
	w = sim_world_new(&params);
	m = ops->create(w, plan->point_cfg[id.sweep_point], strategy, &id, err);
	if (!m) {
		sim_world_free(w);
		return NULL;
	}
	tap.w = w;
	if (ops->timeline && id.replica == 0)
		window = ops->timeline(m);
	if (window > 0)
		timeline_init(&tap.tl, window);
	if (trace_path) {
		tap.tw = sim_trace_writer_new(trace_path, err);
		if (!tap.tw)
			goto out;
	}
	if (tap.tl.spans || tap.tw)
		sim_world_set_tracer(w, tap_fn, &tap);

	how = run_sliced(w, ops->duration(m), stop);
	if (how == SIM_STOP_REQUESTED && stop && g_atomic_int_get(stop))
		goto out;           /* interrupted: the job is dropped whole */

	memset(&r, 0, sizeof(r));
	r.id = id;
	ops->finish(m, w, &r);
	r.id = id;
	r.sim_time = sim_world_now(w);
	r.events = sim_world_events(w);
	r.stop = how;
	rec = sim_job_rec_from_result(&r);
	if (r.n_spans) {
		unsigned i;

		/* the model's own timeline; without a window from the
		 * model, the latest end bounds it */
		if (window <= 0)
			for (i = 0; i < r.n_spans; i++)
				window = MAX(window, r.spans[i].end);
		timeline_to_rec(rec, w, r.spans, r.n_spans, window);
	} else if (tap.tl.spans) {
		timeline_to_rec(rec, w, (void *)tap.tl.spans->data,
				tap.tl.spans->len, window);
	}
	sim_job_result_free(&r);
	rec->stack_bytes = (uint64_t)sim_world_task_count(w) * SIM_DEFAULT_STACK;
	if (tap.tw) {
		char *process = g_strdup_printf("faultline %s replica %u (job %u)",
						strategy, id.replica, index);
		bool ok;

		sim_world_set_tracer(w, NULL, NULL);
		ok = sim_trace_writer_finish(tap.tw, w, process, err);
		tap.tw = NULL;
		g_free(process);
		if (!ok) {
			sim_job_rec_free(rec);
			rec = NULL;
		}
	}
out:
	sim_world_set_tracer(w, NULL, NULL);
	sim_trace_writer_abort(tap.tw);
	timeline_free(&tap.tl);
	ops->destroy(m);
	sim_world_free(w);
	if (rec) {
		rec->wall_s = (double)(g_get_monotonic_time() - t0) / 1e6;
		rec->heap_peak = sim_runner_heap_peak();
	}
	return rec;
}

/* ---- the pool -------------------------------------------------------------------- */

static gboolean check_done(gpointer data)
{
	struct runner *rn = data;

	if ((unsigned)g_atomic_int_get(&rn->done) == rn->expected)
		g_main_loop_quit(rn->loop);
	return G_SOURCE_REMOVE;
}

static void worker(gpointer data, gpointer user)
{
	struct runner *rn = user;
	unsigned item = GPOINTER_TO_UINT(data);
	unsigned index;
	const char *trace;
	GError *err = NULL;
	GSource *src;

	tsan_acquire(rn);
	index = item & TRACE_ONLY ? (item & ~TRACE_ONLY) - 1
				  : sched_pick(&rn->sched);
	trace = (int)index == rn->o->trace_job ? rn->o->trace_path : NULL;
	if (item & TRACE_ONLY) {
		if (!g_atomic_int_get(&rn->stop))
			sim_job_rec_free(run_job(rn->ops, rn->plan, index,
						 trace, &rn->stop, &err));
		if (err) {
			rn->trace_err = err;
			g_atomic_int_set(&rn->stop, 1);
		}
	} else if (g_atomic_int_get(&rn->stop)) {
		g_atomic_int_set(&rn->cut, 1);
	} else {
		/* a plan run traces in a separate TRACE_ONLY run */
		double cpu0 = thread_cpu_s();
		struct sim_job_rec *rec = run_job(rn->ops, rn->plan, index,
						  rn->o->only_job >= 0 ? trace : NULL,
						  &rn->stop, &err);

		sched_done(&rn->sched, rn->plan, index, thread_cpu_s() - cpu0);

		/* Each slot has one writer; the main thread reads the slots
		 * only after g_thread_pool_free() has joined the workers. */
		rn->run->recs[index] = rec;
		if (rec)
			g_atomic_pointer_add(&rn->events_done,
					     (gssize)rec->events);
		if (err) {
			rn->errs[index] = err;
			g_atomic_int_set(&rn->stop, 1);
		} else if (!rec) {
			g_atomic_int_set(&rn->cut, 1);
		}
	}
	g_atomic_int_inc(&rn->done);
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

static gboolean progress(gpointer data)
{
	struct runner *rn = data;
	unsigned done = (unsigned)g_atomic_int_get(&rn->done);
	double el = (double)(g_get_monotonic_time() - rn->t0) / 1e6;
	double evs = el > 0 ? (double)(gsize)g_atomic_pointer_get(&rn->events_done) / el : 0;
	char eta[32] = "?";

	if (done) {
		unsigned s = (unsigned)(el * (rn->expected - done) / done + 0.5);

		g_snprintf(eta, sizeof(eta), "%u:%02u:%02u", s / 3600,
			   s / 60 % 60, s % 60);
	}
	clear_progress();
	fprintf(stderr, "sim: %u/%u jobs, %.1f M events/s, ETA %s%s", done,
		rn->expected, evs / 1e6, eta,
		g_atomic_int_get(&rn->stop) ? " (stopping)" : "");
	fflush(stderr);
	return G_SOURCE_CONTINUE;
}

struct sim_run *sim_run_new(const struct sim_plan *plan)
{
	struct sim_run *run = g_new0(struct sim_run, 1);

	run->plan = plan;
	run->recs = g_new0(struct sim_job_rec *, plan->n_jobs + 1);
	return run;
}

void sim_run_count(struct sim_run *run, const struct sim_job_rec *rec)
{
	run->jobs_run++;
	run->events += rec->events;
	run->job_heap_peak = MAX(run->job_heap_peak, rec->heap_peak);
	run->job_stack_bytes = MAX(run->job_stack_bytes, rec->stack_bytes);
}

void sim_run_free(struct sim_run *run)
{
	unsigned i;

	if (!run)
		return;
	for (i = 0; i < run->plan->n_jobs; i++)
		sim_job_rec_free(run->recs[i]);
	g_free(run->recs);
	g_free(run);
}

struct sim_run *sim_runner_run(const struct sim_model_ops *ops,
			       const struct sim_plan *plan,
			       const struct sim_runner_opts *o, GError **err)
{
	struct runner rn = { .ops = ops, .plan = plan, .o = o };
	struct sim_run *run = sim_run_new(plan);
	struct heap_policy hp;
	GSource *sig = NULL, *tick = NULL;
	GThreadPool *pool;
	GArray *todo = g_array_new(FALSE, FALSE, sizeof(guint));
	unsigned i;

	SIM_BUG_ON(o->threads < 1);
	rn.run = run;
	rn.errs = g_new0(GError *, plan->n_jobs + 1);
	for (i = 0; i < plan->n_jobs; i++)
		if (o->only_job >= 0 ? i == (unsigned)o->only_job
				     : sim_plan_in_shard(plan, i))
			g_array_append_val(todo, i);
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
	if (rn.expected > todo->len)        /* first: it is an extra job */
		g_thread_pool_push(pool, GUINT_TO_POINTER(
			((unsigned)o->trace_job + 1) | TRACE_ONLY), NULL);
	for (i = 0; i < todo->len; i++)     /* one per job: "the next one" */
		g_thread_pool_push(pool, GUINT_TO_POINTER(NEXT_JOB), NULL);
	if (rn.expected)
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
	}
	if (tick) {
		g_source_destroy(tick);
		g_source_unref(tick);
	}
	/* Idle sources still queued hold no reference we need. */
	g_main_loop_unref(rn.loop);
	g_main_context_unref(rn.mc);

	for (i = 0; i < plan->n_jobs; i++) {
		struct sim_job_rec *rec = run->recs[i];

		if (rn.errs[i] && err && !*err) {
			g_propagate_error(err, rn.errs[i]);
			rn.errs[i] = NULL;
		}
		g_clear_error(&rn.errs[i]);
		if (rec)
			sim_run_count(run, rec);
	}
	if (rn.trace_err && err && !*err)
		g_propagate_error(err, rn.trace_err);
	else
		g_clear_error(&rn.trace_err);
	g_free(rn.errs);
	sched_free(&rn.sched);
	run->interrupted = g_atomic_int_get(&rn.cut) &&
			   run->jobs_run < todo->len;
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
