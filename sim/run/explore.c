/* sim/run/explore.c — the --explore search over a plan (see explore.h).
 *
 * Threads meet in one place: `mu` guards the next item, the per-group
 * best (lowest violating schedule so far) and the first error; each
 * schedule's slot is written by the worker that ran it and read by the
 * main thread after the join.  A world never sees another thread.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/run/explore.h"
#include "sim/run/runner.h"
#include "sim/engine/trace.h"

struct xslot {
	bool ran;
	unsigned nk;
	const char *kind[SIM_MAX_KINDS];    /* interned */
	uint64_t count[SIM_MAX_KINDS];
	sim_time_t first_time[SIM_MAX_KINDS];
	const char *first_kind;             /* earliest detection, or NULL */
	sim_time_t first_at;
	char *explanation;
	char *key;
	sim_time_t sim_time;
	uint64_t events, delays;
	double wall_s, done_s;              /* host */
	double done_cpu_s;                  /* host: process CPU time then */
};

struct xsearch {
	const struct sim_model_ops *ops;
	const struct sim_plan *plan;
	const struct sim_explore_opts *o;
	sim_time_t *horizon;                /* per sweep point */
	unsigned n_groups;
	struct xslot *slots;                /* [schedule * n_groups + group] */
	GMutex mu;                          /* guards what follows */
	unsigned next, total, done;
	unsigned *best;                     /* per group; G_MAXUINT: none */
	GError *err;                        /* of the lowest item that failed */
	unsigned err_item;
};

/* ---- one schedule ------------------------------------------------------------ */

/* CPU seconds of the whole process so far (every thread): on a loaded
 * machine, what one idle core would have taken. */
static double process_cpu_s(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static sim_time_t horizon_of(const struct sim_plan *plan, unsigned point,
			     GError **err)
{
	const sim_time_t *d = sim_plan_cfg_value(plan->point_cfg[point],
						 SIM_MODEL_KEY_DURATION,
						 SIM_OPT_TIME, err);

	return d ? *d : -1;
}

struct xtrace {
	struct sim_trace_writer *tw;
	struct sim_world *w;
};

static void xtrace_fn(void *ctx, const struct sim_trace_rec *r)
{
	struct xtrace *x = ctx;

	sim_trace_writer_rec(x->tw, x->w, r);
}

G_DEFINE_QUARK(sim-explore-error-quark, sim_explore_error)

/* Test-only hook: FAULTLINE_TEST_BUG_SCHEDULE=S makes schedule S of every
 * job hit a SIM_BUG at half its duration, in a task of its own (the model
 * error path of tests/explore.sh; runner.c's FAULTLINE_TEST_BUG does the
 * same for plain jobs). */
static void test_bug_task(struct sim_task *t, void *arg)
{
	sim_task_sleep(t, *(const sim_time_t *)arg);
	sim_bug(__FILE__, __LINE__, "FAULTLINE_TEST_BUG_SCHEDULE (test-only hook)");
}

static bool test_bug_armed(uint64_t schedule)
{
	const char *v = g_getenv("FAULTLINE_TEST_BUG_SCHEDULE");
	char *end;

	return v && g_ascii_isdigit(*v) &&
	       g_ascii_strtoull(v, &end, 10) == schedule && !*end;
}

/* What a schedule that hit a model error leaves: its world and model,
 * for sim_runner_set_aside. */
struct xaside {
	struct sim_world *w;
	void *model;
};

/* Builds, runs and finishes the world of schedule s of job `job`; fills r
 * (the caller frees it).  NULL: create failed or the trace could not be
 * written (*err), or the schedule ended with a model error (*err in
 * SIM_EXPLORE_ERROR, SIM_EXPLORE_ERROR_MODEL; its world and model are
 * set aside, never freed, as the runner does: sim/run/runner.c). */
static struct sim_world *run_world_in(const struct sim_model_ops *ops,
				   const struct sim_plan *plan, unsigned job,
				   uint64_t schedule, unsigned depth,
				   double delay, sim_time_t horizon, bool stop,
				   const char *trace_path,
				   struct sim_job_result *r,
				   struct xaside *cur, GError **err)
{
	struct xtrace xt = { 0 };
	struct sim_job_id id = sim_plan_job(plan, job);
	struct sim_explore xp = {
		.schedule = schedule, .depth = depth, .delay = delay,
		.horizon = horizon,
	};
	struct sim_world_params p = {
		.seed = id.seed, .job = id.index, .explore = &xp,
		.stop_on_violation = stop,
	};
	struct sim_world *w = sim_world_new(&p);
	void *m;
	enum sim_stop how;
	sim_time_t bug_at;

	cur->w = w;
	m = ops->create(w, plan->point_cfg[id.sweep_point],
			plan->strategies[id.strategy], &id, err);
	cur->model = m;

	if (!m) {
		sim_world_free(w);
		return NULL;
	}
	bug_at = ops->duration(m) / 2;
	if (test_bug_armed(schedule))
		sim_task_spawn(w, "sim-test-bug", test_bug_task, &bug_at);
	if (trace_path) {
		xt.tw = sim_trace_writer_new(trace_path, err);
		xt.w = w;
		if (!xt.tw) {
			ops->destroy(m);
			sim_world_free(w);
			return NULL;
		}
		sim_world_set_tracer(w, xtrace_fn, &xt);
	}
	how = sim_world_run(w, ops->duration(m));
	memset(r, 0, sizeof(*r));
	r->id = id;
	ops->finish(m, w, r);
	r->id = id;
	r->sim_time = sim_world_now(w);
	r->events = sim_world_events(w);
	r->stop = how;
	if (xt.tw) {
		char *process = g_strdup_printf("faultline %s replica %u (job %u) schedule %" G_GUINT64_FORMAT,
						plan->strategies[id.strategy],
						id.replica, job, schedule);
		bool ok;

		sim_world_set_tracer(w, NULL, NULL);
		ok = sim_trace_writer_finish(xt.tw, w, process, err);
		g_free(process);
		if (!ok) {
			sim_job_result_free(r);
			ops->destroy(m);
			sim_world_free(w);
			return NULL;
		}
	}
	ops->destroy(m);
	return w;
}

static struct sim_world *run_world(const struct sim_model_ops *ops,
				   const struct sim_plan *plan, unsigned job,
				   uint64_t schedule, unsigned depth,
				   double delay, sim_time_t horizon, bool stop,
				   const char *trace_path,
				   struct sim_job_result *r, GError **err)
{
	struct sim_bug_trap trap;
	struct xaside cur = { 0 };
	struct sim_world *w;

	memset(r, 0, sizeof(*r));
	sim_bug_trap_push(&trap);
	if (setjmp(trap.jb) == 0) {
		w = run_world_in(ops, plan, job, schedule, depth, delay,
				 horizon, stop, trace_path, r, &cur, err);
		sim_bug_trap_pop(&trap);
		return w;
	}
	/* a model error (the trap is popped); what the world and the model
	 * hold stays allocated: freeing a world in an impossible state is
	 * not safe */
	sim_runner_set_aside(cur.w, cur.model);
	g_clear_error(err);
	g_set_error(err, SIM_EXPLORE_ERROR, SIM_EXPLORE_ERROR_MODEL,
		    "model error in schedule %" G_GUINT64_FORMAT " of job %u "
		    "(%s): BUG at %s:%d: %s%s%s at %.6f ms; replay with "
		    "--replay %" G_GUINT64_FORMAT ":%u:%" G_GUINT64_FORMAT,
		    schedule, job,
		    plan->strategies[sim_plan_job(plan, job).strategy],
		    trap.info.file ? trap.info.file : "?", trap.info.line,
		    trap.info.cond, trap.info.in_task ? " in task " : "",
		    trap.info.in_task ? trap.info.task : "",
		    trap.info.in_world ? (double)trap.info.time / 1e6 : 0.0,
		    sim_plan_job(plan, job).seed, job, schedule);
	memset(r, 0, sizeof(*r));
	return NULL;
}

static void run_slot(struct xsearch *xs, unsigned g, unsigned s,
		     struct xslot *sl)
{
	const struct sim_plan *plan = xs->plan;
	unsigned point = g / plan->n_strategies;
	unsigned strategy = g % plan->n_strategies;
	unsigned job = sim_plan_index(plan, point, strategy,
				      s % plan->replicas);
	struct sim_job_result r;
	gint64 t0 = g_get_monotonic_time();
	GError *err = NULL;
	struct sim_world *w;
	int first = -1;

	w = run_world(xs->ops, plan, job, s, xs->o->depth, xs->o->delay,
		      xs->horizon[point], xs->o->stop_at_first, NULL, &r, &err);
	if (!w) {
		g_mutex_lock(&xs->mu);
		/* items are handed out in order: the lowest that fails is
		 * among those handed out, whatever -j */
		if (!xs->err || s * xs->n_groups + g < xs->err_item) {
			g_clear_error(&xs->err);
			xs->err = err;
			xs->err_item = s * xs->n_groups + g;
		} else {
			g_error_free(err);
		}
		xs->next = xs->total;          /* no more items */
		g_mutex_unlock(&xs->mu);
		return;
	}
	sl->ran = true;
	sl->nk = MIN(r.n_kinds, (unsigned)SIM_MAX_KINDS);
	for (unsigned k = 0; k < sl->nk; k++) {
		sl->kind[k] = g_intern_string(r.kind_names[k]);
		sl->count[k] = r.violations[k];
		sl->first_time[k] = r.first_time[k];
		if (r.violations[k] &&
		    (first < 0 || r.first_time[k] < r.first_time[first]))
			first = (int)k;
	}
	sl->sim_time = r.sim_time;
	sl->events = r.events;
	sl->delays = sim_world_delays(w);
	sl->key = g_strdup(sim_world_replay_key(w));
	if (first >= 0) {
		bool keep;

		sl->first_kind = sl->kind[first];
		sl->first_at = r.first_time[first];
		g_mutex_lock(&xs->mu);
		keep = s <= xs->best[g];
		if (keep)
			xs->best[g] = s;
		g_mutex_unlock(&xs->mu);
		if (keep && r.first_explanation[first])
			sl->explanation = g_strdup(r.first_explanation[first]);
	}
	sim_job_result_free(&r);
	sim_world_free(w);
	sl->wall_s = (double)(g_get_monotonic_time() - t0) / 1e6;
	sl->done_s = (double)(g_get_monotonic_time() - xs->o->t_start) / 1e6;
	sl->done_cpu_s = process_cpu_s();
}

static gpointer worker(gpointer data)
{
	struct xsearch *xs = data;

	for (;;) {
		unsigned i, g, s;
		bool skip;

		g_mutex_lock(&xs->mu);
		if (xs->next >= xs->total) {
			g_mutex_unlock(&xs->mu);
			break;
		}
		i = xs->next++;
		g = i % xs->n_groups;
		s = i / xs->n_groups;
		/* past the group's first violation: not needed */
		skip = xs->o->stop_at_first && xs->best[g] != G_MAXUINT &&
		       s > xs->best[g];
		g_mutex_unlock(&xs->mu);
		if (!skip)
			run_slot(xs, g, s, &xs->slots[i]);
		g_mutex_lock(&xs->mu);
		xs->done++;
		g_mutex_unlock(&xs->mu);
	}
	return NULL;
}

/* ---- the search ------------------------------------------------------------------ */

static int kind_index(GPtrArray *kinds, const char *name)
{
	for (guint i = 0; i < kinds->len; i++)
		if (g_ptr_array_index(kinds, i) == name)
			return (int)i;
	return -1;
}

static void aggregate(struct sim_explore_run *x, struct xsearch *xs,
		      const char *const *model_kinds)
{
	const struct sim_plan *plan = x->plan;
	unsigned G = xs->n_groups, N = x->o.schedules;

	x->kinds = g_ptr_array_new();
	for (const char *const *k = model_kinds; k && *k; k++)
		g_ptr_array_add(x->kinds, (gpointer)g_intern_string(*k));
	/* kinds only some jobs report: first seen in (group, schedule) order */
	for (unsigned g = 0; g < G; g++)
		for (unsigned s = 0; s < N; s++) {
			const struct xslot *sl = &xs->slots[s * G + g];

			for (unsigned k = 0; sl->ran && k < sl->nk; k++)
				if (kind_index(x->kinds, sl->kind[k]) < 0)
					g_ptr_array_add(x->kinds,
							(gpointer)sl->kind[k]);
		}
	x->n_groups = G;
	x->groups = g_new0(struct sim_explore_group, G);
	for (unsigned g = 0; g < G; g++) {
		struct sim_explore_group *eg = &x->groups[g];
		unsigned last = N;
		sim_time_t before = 0;
		double wall_before = 0;

		eg->point = g / plan->n_strategies;
		eg->strategy = g % plan->n_strategies;
		eg->name = plan->strategies[eg->strategy];
		eg->sweep_value = plan->sweep_values ?
				  plan->sweep_values[eg->point] : NULL;
		eg->viol_scheds = g_new0(unsigned, x->kinds->len + 1);
		eg->viol_count = g_new0(uint64_t, x->kinds->len + 1);
		if (x->o.stop_at_first && xs->best[g] != G_MAXUINT)
			last = xs->best[g] + 1;
		for (unsigned s = 0; s < last; s++) {
			struct xslot *sl = &xs->slots[s * G + g];

			if (!sl->ran)
				continue;          /* an error ended the search */
			eg->run++;
			eg->sim_time += sl->sim_time;
			eg->events += sl->events;
			eg->delays += sl->delays;
			eg->wall_s += sl->wall_s;
			for (unsigned k = 0; k < sl->nk; k++) {
				int ki = kind_index(x->kinds, sl->kind[k]);

				if (!sl->count[k])
					continue;
				eg->viol_scheds[ki]++;
				eg->viol_count[ki] += sl->count[k];
			}
			if (sl->first_kind) {
				eg->violating++;
				if (!eg->has_first) {
					struct sim_explore_first *f = &eg->first;

					eg->has_first = true;
					f->schedule = s;
					f->job = sim_plan_index(plan, eg->point,
								eg->strategy,
								s % plan->replicas);
					f->kind = sl->first_kind;
					f->time = sl->first_at;
					f->search_time = before + sl->first_at;
					f->replay = g_strdup(sl->key);
					f->explanation = sl->explanation;
					sl->explanation = NULL;
					f->found_wall_s = sl->done_s;
					f->found_cpu_s = sl->done_cpu_s;
					f->search_wall_s = wall_before + sl->wall_s;
				}
			}
			before += sl->sim_time;
			wall_before += sl->wall_s;
		}
	}
}

struct sim_explore_run *sim_explore_run(const struct sim_model_ops *ops,
					const struct sim_plan *plan,
					const struct sim_explore_opts *o,
					GError **err)
{
	struct sim_explore_run *x = g_new0(struct sim_explore_run, 1);
	struct xsearch xs = { .ops = ops, .plan = plan, .o = o };
	unsigned threads, i;
	GThread **th;
	gint64 t0 = g_get_monotonic_time();
	bool tty = o->progress && isatty(STDERR_FILENO);

	SIM_BUG_ON(!plan->point_cfg || o->schedules == 0);
	x->plan = plan;
	x->o = *o;
	xs.horizon = g_new0(sim_time_t, plan->n_points);
	for (i = 0; i < plan->n_points; i++) {
		xs.horizon[i] = horizon_of(plan, i, err);
		if (xs.horizon[i] < 0) {
			g_free(xs.horizon);
			g_free(x);
			return NULL;
		}
	}
	x->horizon = xs.horizon[0];
	xs.n_groups = plan->n_points * plan->n_strategies;
	xs.total = xs.n_groups * o->schedules;
	xs.slots = g_new0(struct xslot, xs.total);
	xs.best = g_new(unsigned, xs.n_groups);
	for (i = 0; i < xs.n_groups; i++)
		xs.best[i] = G_MAXUINT;
	g_mutex_init(&xs.mu);
	threads = MAX(1u, MIN(o->threads, xs.total));
	sim_runner_heap_hold(true);
	th = g_new0(GThread *, threads);
	for (i = 0; i < threads; i++)
		th[i] = g_thread_new("explore", worker, &xs);
	while (tty) {
		unsigned done;

		g_mutex_lock(&xs.mu);
		done = xs.done;
		g_mutex_unlock(&xs.mu);
		if (done >= xs.total)
			break;
		fprintf(stderr, "\r\033[Ksim: explore: %u/%u schedules", done,
			xs.total);
		fflush(stderr);
		g_usleep(250000);
	}
	for (i = 0; i < threads; i++)
		g_thread_join(th[i]);
	if (tty)
		fputs("\r\033[K", stderr);
	g_free(th);
	sim_runner_heap_hold(false);
	x->wall_s = (double)(g_get_monotonic_time() - t0) / 1e6;
	for (i = 0; i < xs.total; i++)
		x->schedules_run += xs.slots[i].ran;
	if (xs.err) {
		g_propagate_error(err, xs.err);
		xs.err = NULL;
	} else {
		aggregate(x, &xs, ops->kinds);
	}
	for (i = 0; i < xs.total; i++) {
		g_free(xs.slots[i].explanation);
		g_free(xs.slots[i].key);
	}
	g_free(xs.slots);
	g_free(xs.best);
	g_free(xs.horizon);
	g_mutex_clear(&xs.mu);
	if (err && *err) {
		sim_explore_run_free(x);
		return NULL;
	}
	return x;
}

void sim_explore_run_free(struct sim_explore_run *x)
{
	if (!x)
		return;
	for (unsigned g = 0; g < x->n_groups; g++) {
		g_free(x->groups[g].viol_scheds);
		g_free(x->groups[g].viol_count);
		g_free(x->groups[g].first.replay);
		g_free(x->groups[g].first.explanation);
	}
	g_free(x->groups);
	if (x->kinds)
		g_ptr_array_free(x->kinds, TRUE);
	g_free(x);
}

struct sim_job_rec *sim_explore_replay(const struct sim_model_ops *ops,
				       const struct sim_plan *plan,
				       unsigned job, uint64_t schedule,
				       unsigned depth, double delay,
				       const char *trace_path, GError **err)
{
	struct sim_job_id id = sim_plan_job(plan, job);
	sim_time_t horizon = horizon_of(plan, id.sweep_point, err);
	struct sim_job_result r;
	struct sim_job_rec *rec;
	struct sim_world *w;
	gint64 t0 = g_get_monotonic_time();

	if (horizon < 0)
		return NULL;
	w = run_world(ops, plan, job, schedule, depth, delay, horizon, false,
		      trace_path, &r, err);
	if (!w)
		return NULL;
	rec = sim_job_rec_from_result(&r);
	rec->stack_bytes = (uint64_t)sim_world_task_count(w) * SIM_DEFAULT_STACK;
	sim_job_result_free(&r);
	sim_world_free(w);
	rec->wall_s = (double)(g_get_monotonic_time() - t0) / 1e6;
	return rec;
}

bool sim_explore_parse_key(const char *opt, const char *text, uint64_t *seed,
			   unsigned *job, int64_t *schedule, GError **err)
{
	char **f = g_strsplit(text, ":", 4);
	guint n = g_strv_length(f);
	uint64_t v[3];
	bool ok = n == 2 || n == 3;

	for (guint i = 0; ok && i < n; i++) {
		char *end;

		errno = 0;
		ok = g_ascii_isdigit(f[i][0]);
		v[i] = ok ? g_ascii_strtoull(f[i], &end, 10) : 0;
		ok = ok && !*end && !errno &&
		     v[i] <= (i == 0 ? (uint64_t)INT64_MAX :
			      i == 1 ? (uint64_t)G_MAXUINT : (uint64_t)G_MAXINT);
	}
	g_strfreev(f);
	if (!ok) {
		char *q = sim_option_quote(text, true);

		g_set_error(err, SIM_PLAN_ERROR, SIM_PLAN_ERROR_INVALID,
			    "%s %s: expected SEED:JOB or SEED:JOB:SCHEDULE "
			    "(non-negative integers, as printed after a "
			    "violation)", opt, q);
		g_free(q);
		return false;
	}
	*seed = v[0];
	*job = (unsigned)v[1];
	*schedule = n == 3 ? (int64_t)v[2] : -1;
	return true;
}

/* ---- text -------------------------------------------------------------------------- */

static void fmt_ms(char *buf, size_t len, sim_time_t t)
{
	g_snprintf(buf, len, "%.6f ms", (double)t / 1e6);
}

/* "depth 3, delay <= 1 x the op's cost scale": what a bound assumes. */
static void assumptions(char *buf, size_t len, const struct sim_explore_run *x)
{
	char h[32];

	fmt_ms(h, sizeof(h), x->horizon);
	g_snprintf(buf, len, "depth %u, delay <= %g x the op's cost scale, "
		   "change points over %s, ties permuted", x->o.depth,
		   x->o.delay, h);
}

void sim_explore_text(const struct sim_explore_run *x, FILE *f, bool explain)
{
	char as[160];

	assumptions(as, sizeof(as), x);
	fprintf(f, "\n== exploration: %u schedules per strategy%s (%s)\n",
		x->o.schedules, x->o.stop_at_first ?
		", each strategy stopping at its first violation" : "", as);
	for (unsigned g = 0; g < x->n_groups; g++) {
		const struct sim_explore_group *eg = &x->groups[g];
		char t1[32], t2[32];
		bool any = false;

		fprintf(f, "  %s", eg->name);
		if (eg->sweep_value)
			fprintf(f, " [%s=%s]", x->plan->sweep_key,
				eg->sweep_value);
		if (!eg->violating) {
			fprintf(f, ": 0 of %u schedules with a violation: "
				"per-schedule violation probability <= %.3g "
				"(3/%u) at 95%% confidence (rule of three), "
				"under this exploration (depth %u, delay <= %g "
				"x the op's cost scale)\n", eg->run,
				eg->run ? 3.0 / eg->run : 1.0, eg->run,
				x->o.depth, x->o.delay);
			continue;
		}
		fprintf(f, ": %u of %u schedules with a violation:", eg->violating,
			eg->run);
		for (guint k = 0; k < x->kinds->len; k++) {
			if (!eg->viol_scheds[k])
				continue;
			fprintf(f, "%s %s in %u", any ? "," : "",
				(const char *)g_ptr_array_index(x->kinds, k),
				eg->viol_scheds[k]);
			any = true;
		}
		fputc('\n', f);
		fmt_ms(t1, sizeof(t1), eg->first.time);
		fmt_ms(t2, sizeof(t2), eg->first.search_time);
		fprintf(f, "    first: schedule %u, %s at %s (--replay %s); "
			"found after %s simulated, %.3f s wall (%.3f s CPU) "
			"since start\n", eg->first.schedule, eg->first.kind, t1,
			eg->first.replay, t2, eg->first.found_wall_s,
			eg->first.found_cpu_s);
		if (explain && eg->first.explanation) {
			char **lines = g_strsplit(eg->first.explanation, "\n", -1);

			for (unsigned i = 0; lines[i]; i++)
				if (*lines[i])
					fprintf(f, "      %s\n", lines[i]);
			g_strfreev(lines);
		}
	}
	fprintf(f, "  search: %" G_GUINT64_FORMAT " schedules in %.2f s wall, "
		"%.1f schedules/s\n", x->schedules_run, x->wall_s,
		x->wall_s > 0 ? (double)x->schedules_run / x->wall_s : 0);
}

char *sim_explore_verdict(const struct sim_explore_run *x, unsigned g)
{
	const struct sim_explore_group *eg;

	if (!x || g >= x->n_groups)
		return NULL;
	eg = &x->groups[g];
	if (!eg->violating)
		return g_strdup_printf("explored: 0 of %u schedules violate "
				       "(p <= %.3g at 95%%)", eg->run,
				       eg->run ? 3.0 / eg->run : 1.0);
	return g_strdup_printf("explored: %u of %u schedules violate, first "
			       "schedule %u (--replay %s)", eg->violating,
			       eg->run, eg->first.schedule, eg->first.replay);
}

/* ---- JSON -------------------------------------------------------------------------- */

void sim_explore_json(struct sim_jw *j, const struct sim_explore_run *x)
{
	char as[160];

	assumptions(as, sizeof(as), x);
	sim_jw_key(j, "exploration");
	sim_jw_begin_object(j);
	sim_jw_kuint(j, "schedules", x->o.schedules);
	sim_jw_kuint(j, "depth", x->o.depth);
	sim_jw_kdouble(j, "delay_bound", x->o.delay);
	sim_jw_kint(j, "horizon_ns", x->horizon);
	sim_jw_kbool(j, "stop_at_first", x->o.stop_at_first);
	sim_jw_kstring(j, "assumes", as);
	sim_jw_key(j, "strategies");
	sim_jw_begin_array(j);
	for (unsigned g = 0; g < x->n_groups; g++) {
		const struct sim_explore_group *eg = &x->groups[g];

		sim_jw_begin_object(j);
		sim_jw_kstring(j, "name", eg->name);
		if (eg->sweep_value)
			sim_jw_kstring(j, "sweep_value", eg->sweep_value);
		sim_jw_kuint(j, "schedules_run", eg->run);
		sim_jw_kuint(j, "schedules_violating", eg->violating);
		sim_jw_key(j, "violations");
		sim_jw_begin_object(j);
		for (guint k = 0; k < x->kinds->len; k++)
			sim_jw_kuint(j, g_ptr_array_index(x->kinds, k),
				     eg->viol_scheds[k]);
		sim_jw_end_object(j);
		sim_jw_key(j, "violation_counts");
		sim_jw_begin_object(j);
		for (guint k = 0; k < x->kinds->len; k++)
			sim_jw_kuint(j, g_ptr_array_index(x->kinds, k),
				     eg->viol_count[k]);
		sim_jw_end_object(j);
		sim_jw_kint(j, "sim_time_ns", eg->sim_time);
		sim_jw_kuint(j, "events", eg->events);
		sim_jw_kuint(j, "delays_injected", eg->delays);
		sim_jw_key(j, "first");
		if (eg->has_first) {
			sim_jw_begin_object(j);
			sim_jw_kuint(j, "schedule", eg->first.schedule);
			sim_jw_kuint(j, "job", eg->first.job);
			sim_jw_kstring(j, "kind", eg->first.kind);
			sim_jw_kint(j, "time_ns", eg->first.time);
			sim_jw_kint(j, "search_time_ns", eg->first.search_time);
			sim_jw_kstring(j, "replay", eg->first.replay);
			sim_jw_kstring(j, "explanation", eg->first.explanation);
			sim_jw_end_object(j);
		} else {
			sim_jw_null(j);
		}
		/* rule of three: 0 in n => p < 3/n at 95% */
		sim_jw_key(j, "p95_bound");
		if (!eg->violating && eg->run)
			sim_jw_double(j, 3.0 / eg->run);
		else
			sim_jw_null(j);
		sim_jw_end_object(j);
	}
	sim_jw_end_array(j);
	sim_jw_end_object(j);
}

void sim_explore_json_host(struct sim_jw *j, const struct sim_explore_run *x)
{
	sim_jw_key(j, "exploration");
	sim_jw_begin_object(j);
	sim_jw_kdouble(j, "wall_s", x->wall_s);
	sim_jw_kuint(j, "schedules_run", x->schedules_run);
	sim_jw_kdouble(j, "schedules_per_s",
		       x->wall_s > 0 ? (double)x->schedules_run / x->wall_s : 0);
	sim_jw_key(j, "strategies");
	sim_jw_begin_array(j);
	for (unsigned g = 0; g < x->n_groups; g++) {
		const struct sim_explore_group *eg = &x->groups[g];

		sim_jw_begin_object(j);
		sim_jw_kstring(j, "name", eg->name);
		sim_jw_kdouble(j, "wall_s", eg->wall_s);
		sim_jw_key(j, "first_found_wall_s");
		if (eg->has_first)
			sim_jw_double(j, eg->first.found_wall_s);
		else
			sim_jw_null(j);
		sim_jw_key(j, "first_found_cpu_s");
		if (eg->has_first)
			sim_jw_double(j, eg->first.found_cpu_s);
		else
			sim_jw_null(j);
		sim_jw_key(j, "first_search_wall_s");
		if (eg->has_first)
			sim_jw_double(j, eg->first.search_wall_s);
		else
			sim_jw_null(j);
		sim_jw_end_object(j);
	}
	sim_jw_end_array(j);
	sim_jw_end_object(j);
}
