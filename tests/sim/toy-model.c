/* tests/sim/toy-model.c — the toy model (see toy-model.h).
 *
 *	[global] strategies, replicas, duration, seed, timeline
 *	[toy]    tasks, ops (per task; 0: until the duration), think, hold,
 *	         long_extra (added to the hold by mutex_long), rare
 *	         (probability per op of a "rare" violation), sigint_job (test
 *	         hook: the process sends itself SIGINT when that job ends)
 *
 * Streams derive from (seed, replica, task, purpose), so replica r of
 * every strategy draws the same think times, holds and rare draws.
 */
#include "config.h"

#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "tests/sim/toy-model.h"

struct toy_global {
	char **strategies;
	int64_t replicas;
	sim_time_t duration;
	int64_t seed;
	sim_time_t timeline;
};

struct toy_opts {
	int64_t tasks;
	int64_t ops;
	struct sim_dist think;
	struct sim_dist hold;
	sim_time_t long_extra;
	double rare;
	int64_t sigint_job;
};

static const char *const toy_strategies[] = { "mutex", "mutex_long", "racy",
					      NULL };
static const char *const toy_kinds[] = { "overlap", "rare", NULL };

#define G(f) offsetof(struct toy_global, f)
static const struct sim_option toy_global_opts[] = {
	{ .name = "strategies", .type = SIM_OPT_LIST, .offset = G(strategies),
	  .def = "mutex, mutex_long", .allowed = toy_strategies,
	  .help = "strategies to compare" },
	{ .name = "replicas", .type = SIM_OPT_INT, .offset = G(replicas),
	  .min = "1", .max = "100000", .def = "4", .help = "replicas" },
	{ .name = "duration", .type = SIM_OPT_TIME, .offset = G(duration),
	  .unit = SIM_UNIT_MS, .min = "1us", .max = "1000s", .def = "2ms",
	  .help = "simulated time per job" },
	{ .name = "seed", .type = SIM_OPT_INT, .offset = G(seed), .min = "0",
	  .def = "1", .help = "run seed" },
	{ .name = "timeline", .type = SIM_OPT_TIME, .offset = G(timeline),
	  .unit = SIM_UNIT_US, .min = "0", .def = "20us",
	  .help = "lock-hold timeline window" },
	{ NULL }
};
#undef G

#define T(f) offsetof(struct toy_opts, f)
static const struct sim_option toy_opts_table[] = {
	{ .name = "tasks", .type = SIM_OPT_INT, .offset = T(tasks),
	  .min = "1", .max = "256", .def = "3", .help = "worker tasks" },
	{ .name = "ops", .type = SIM_OPT_INT, .offset = T(ops), .min = "0",
	  .def = "0", .help = "ops per task (0: until the duration)" },
	{ .name = "think", .type = SIM_OPT_DIST, .offset = T(think),
	  .unit = SIM_UNIT_NS, .min = "0", .def = "exp:200ns",
	  .help = "pause between ops" },
	{ .name = "hold", .type = SIM_OPT_DIST, .offset = T(hold),
	  .unit = SIM_UNIT_NS, .min = "0", .def = "uniform:10-100",
	  .help = "critical section length" },
	{ .name = "long_extra", .type = SIM_OPT_TIME, .offset = T(long_extra),
	  .unit = SIM_UNIT_NS, .min = "0", .def = "50ns",
	  .help = "extra hold under mutex_long" },
	{ .name = "rare", .type = SIM_OPT_DOUBLE, .offset = T(rare),
	  .min = "0", .max = "1", .def = "0.0005",
	  .help = "probability per op of a rare violation" },
	{ .name = "sigint_job", .type = SIM_OPT_INT, .offset = T(sigint_job),
	  .min = "-1", .def = "-1", .help = "test hook: SIGINT after this job" },
	{ NULL }
};
#undef T

static const char *const global_names[] = { "global", NULL };
static const char *const toy_names[] = { "toy", NULL };

static const struct sim_section_type toy_types[] = {
	{ .name = "global", .help = "run-wide settings",
	  .options = toy_global_opts, .size = sizeof(struct toy_global),
	  .flags = SIM_SECTION_IMPLICIT, .names = global_names },
	{ .name = "toy", .help = "the toy workload",
	  .options = toy_opts_table, .size = sizeof(struct toy_opts),
	  .flags = SIM_SECTION_IMPLICIT, .names = toy_names },
};

static const struct sim_schema toy_schema = {
	.types = toy_types,
	.n_types = SIM_ARRAY_SIZE(toy_types),
};

enum { OP_LOCK, OP_THINK, NOPS };
enum { K_OVERLAP, K_RARE, NKINDS };
static const char *const op_names[NOPS] = { "lock", "think" };
static const char *const toy_ops[] = { "lock", "think", NULL };

struct toy;

struct worker {
	struct toy *toy;
	struct sim_rng think, hold, rare;
};

struct toy {
	struct toy_global g;
	struct toy_opts o;
	struct sim_job_id id;
	bool use_mutex;
	sim_time_t extra;
	struct sim_mutex mutex;
	struct sim_rwsem rwsem;
	struct worker *workers;
	unsigned in_cs;
	struct sim_hist *lat[NOPS];
	uint64_t viol[NKINDS];
	sim_time_t first_time[NKINDS];
	char *explanation[NKINDS];
};

/* Every task's latest steps, oldest first: what explanations print. */
static char *explain(struct toy *m, struct sim_task *t, const char *kind)
{
	struct sim_world *w = sim_task_world(t);
	GString *s = g_string_new(NULL);
	struct sim_note notes[6];
	unsigned i, j, n;

	g_string_append_printf(s, "%s at t=%" G_GINT64_FORMAT " ns in %s/%u "
			       "(seed %" G_GUINT64_FORMAT ", job %u)\n", kind,
			       sim_task_now(t), sim_task_name(t), sim_task_id(t),
			       m->id.seed, m->id.index);
	for (i = 0; i < sim_world_task_count(w); i++) {
		struct sim_task *o = sim_world_task(w, i);

		n = sim_task_notes(o, notes, G_N_ELEMENTS(notes));
		for (j = 0; j < n; j++)
			g_string_append_printf(s, "  t=%-10" G_GINT64_FORMAT
					       " %s/%u  %-12s %-14s %s %" G_GINT64_FORMAT "\n",
					       notes[j].time, sim_task_name(o), i,
					       notes[j].func, notes[j].what,
					       notes[j].obj ? notes[j].obj : "-",
					       notes[j].arg);
	}
	return g_string_free(s, FALSE);
}

static void violation(struct toy *m, struct sim_task *t, unsigned k)
{
	struct sim_trace_rec r = { sim_task_now(t), sim_task_id(t),
				   SIM_TRACE_INSTANT, "violation", toy_kinds[k] };

	sim_trace(sim_task_world(t), &r);
	if (!m->viol[k]++) {
		m->first_time[k] = sim_task_now(t);
		m->explanation[k] = explain(m, t, toy_kinds[k]);
	}
}

static void op_span(struct sim_task *t, enum sim_trace_kind kind, unsigned op)
{
	struct sim_trace_rec r = { sim_task_now(t), sim_task_id(t), kind, "op",
				   op_names[op] };

	sim_trace(sim_task_world(t), &r);
}

static sim_time_t draw(const struct sim_dist *d, struct sim_rng *r)
{
	double v = sim_dist_sample(d, r);

	return v > 0 ? (sim_time_t)v : 0;
}

static void worker_fn(struct sim_task *t, void *arg)
{
	struct worker *wk = arg;
	struct toy *m = wk->toy;
	int64_t left = m->o.ops;

	for (;;) {
		sim_time_t start = sim_task_now(t), d;

		d = draw(&m->o.think, &wk->think);
		op_span(t, SIM_TRACE_BEGIN, OP_THINK);
		sim_task_note(t, "toy_think", "sleep", NULL, d);
		sim_task_sleep(t, d);
		op_span(t, SIM_TRACE_END, OP_THINK);
		sim_hist_record(m->lat[OP_THINK], sim_task_now(t) - start);

		start = sim_task_now(t);
		d = draw(&m->o.hold, &wk->hold) + m->extra;
		op_span(t, SIM_TRACE_BEGIN, OP_LOCK);
		sim_down_read(t, &m->rwsem, "toy_lock");
		if (m->use_mutex)
			sim_mutex_lock(t, &m->mutex, "toy_lock");
		if (m->in_cs++)
			violation(m, t, K_OVERLAP);
		sim_task_note(t, "toy_lock", "critical", NULL, d);
		sim_task_delay(t, d);
		m->in_cs--;
		if (m->use_mutex)
			sim_mutex_unlock(t, &m->mutex);
		sim_up_read(t, &m->rwsem);
		if (sim_rng_double(&wk->rare) < m->o.rare)
			violation(m, t, K_RARE);
		op_span(t, SIM_TRACE_END, OP_LOCK);
		sim_hist_record(m->lat[OP_LOCK], sim_task_now(t) - start);
		if (left && --left == 0)
			return;
	}
}

static void *toy_create(struct sim_world *w, const struct sim_cfg *cfg,
			const char *strategy, const struct sim_job_id *id,
			GError **err)
{
	struct toy *m = g_new0(struct toy, 1);
	const struct toy_global *g = sim_cfg_data(cfg, "global");
	const struct toy_opts *o = sim_cfg_data(cfg, "toy");
	unsigned i;

	/* plain copies: only scalars and dists are used */
	m->g.duration = g->duration;
	m->g.timeline = g->timeline;
	m->o = *o;
	m->id = *id;
	m->use_mutex = strcmp(strategy, "racy") != 0;
	m->extra = strcmp(strategy, "mutex_long") == 0 ? o->long_extra : 0;
	sim_mutex_init(w, &m->mutex, "toy_mutex");
	sim_rwsem_init(w, &m->rwsem, "toy_rwsem");
	for (i = 0; i < NOPS; i++) {
		m->lat[i] = g_new(struct sim_hist, 1);
		sim_hist_init(m->lat[i]);
	}
	for (i = 0; i < NKINDS; i++)
		m->first_time[i] = -1;
	m->workers = g_new0(struct worker, o->tasks);
	for (i = 0; i < o->tasks; i++) {
		struct worker *wk = &m->workers[i];

		wk->toy = m;
		/* streams from the replica, not the job: common random
		 * numbers across strategies and sweep points */
		sim_rng_seed(&wk->think, id->seed, id->replica, i,
			     sim_rng_purpose("think"));
		sim_rng_seed(&wk->hold, id->seed, id->replica, i,
			     sim_rng_purpose("hold"));
		sim_rng_seed(&wk->rare, id->seed, id->replica, i,
			     sim_rng_purpose("rare"));
		sim_task_spawn(w, "worker", worker_fn, wk);
	}
	sim_world_set_model(w, m);
	return m;
}

static sim_time_t toy_duration(const void *model)
{
	return ((const struct toy *)model)->g.duration;
}

static sim_time_t toy_timeline(const void *model)
{
	return ((const struct toy *)model)->g.timeline;
}

static void toy_finish(void *model, struct sim_world *w,
		       struct sim_job_result *r)
{
	struct toy *m = model;
	unsigned i;

	r->n_ops = NOPS;
	for (i = 0; i < NOPS; i++) {
		r->op_names[i] = op_names[i];
		r->op_latency[i] = m->lat[i];
		m->lat[i] = NULL;
	}
	r->n_kinds = NKINDS;
	for (i = 0; i < NKINDS; i++) {
		r->kind_names[i] = toy_kinds[i];
		r->violations[i] = m->viol[i];
		r->first_time[i] = m->first_time[i];
		r->first_explanation[i] = m->explanation[i];
		m->explanation[i] = NULL;
	}
	sim_job_result_copy_locks(r, w);
	if (m->o.sigint_job == (int64_t)m->id.index) {
		kill(getpid(), SIGINT);
		/* let the main thread see it before the next job starts */
		g_usleep(100000);
	}
}

static void toy_destroy(void *model)
{
	struct toy *m = model;
	unsigned i;

	for (i = 0; i < NOPS; i++)
		g_free(m->lat[i]);
	for (i = 0; i < NKINDS; i++)
		g_free(m->explanation[i]);
	g_free(m->workers);
	g_free(m);
}

static const char *toy_summary(const char *name)
{
	if (strcmp(name, "mutex") == 0)
		return "critical sections under a mutex";
	if (strcmp(name, "mutex_long") == 0)
		return "the same, each hold long_extra longer";
	return "no mutex: critical sections overlap";
}

const struct sim_model_ops toy_model_ops = {
	.name = "toy",
	.schema = &toy_schema,
	.strategies = toy_strategies,
	.strategy_summary = toy_summary,
	.kinds = toy_kinds,
	.ops = toy_ops,
	.create = toy_create,
	.duration = toy_duration,
	.timeline = toy_timeline,
	.finish = toy_finish,
	.destroy = toy_destroy,
};
