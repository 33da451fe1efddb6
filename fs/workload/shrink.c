/* fs/workload/shrink.c — --shrink (see shrink.h): a violating job, recorded
 * as per-task scripts, delta-debugged to a minimal workload file.
 *
 * A candidate is a `struct shr_case` (files, one script per task, a
 * duration); it is rendered as .cfg text, loaded with the fs schema and
 * run as job 0 of the strategy through ext4_model_ops — exactly what
 * `sim/sim -s STRATEGY FILE.cfg` runs — so the file written is the file
 * that was tested.  A candidate passes when the violation kind is still
 * reported.  Candidates of one step are independent: they are tried in
 * parallel in batches, and the first passing one in candidate order wins,
 * so the result does not depend on the thread count.
 *
 * Passes, repeated until a whole round changes nothing (each keeps a
 * reduction only if it passes):
 *   1. tasks      drop whole tasks, one at a time;
 *   2. window     drop every op that began more than W before the
 *                 detection, for W = 1 us, 10 us, ... (one try each);
 *   3. ops        ddmin on each task's script (chunks of the complement);
 *   4. delays     drop each injected delay; halve the ones left;
 *   5. lengths    each op down to one block, else halved;
 *   6. offsets    all ops on a file moved down by their lowest offset;
 *                 each op's offset halved (block-aligned);
 *   7. files      each file down to the smallest power of two holding
 *                 its ops (and unused files dropped);
 *   8. time       at= times moved down so the first op starts at 0; then
 *                 the duration cut to just past the detection.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "fs/workload/shrink.h"
#include "fs/workload/model.h"
#include "fs/workload/script.h"

#define SHR_MAX_ROUNDS 8
/* ddmin stops refining a task's script here: past 32 chunks a script
 * that still needs most of its ops is one whose ops matter in bulk
 * (timing, a journal to fill), and each finer step costs as many runs as
 * there are chunks; the other passes reduce it further. */
#define SHR_MAX_CHUNKS 32

struct shr_task {
	char *name;                  /* job section name */
	char *file;                  /* file section name */
	char *mmap;                  /* "private", or NULL (the default) */
	sim_time_t start_delay;
	GArray *ops;                 /* struct fs_wl_script_op */
};

struct shr_file {
	char *name;
	uint64_t size;
	char *layout;
};

struct shr_case {
	unsigned ntasks;
	struct shr_task *tasks;
	unsigned nfiles;
	struct shr_file *files;
	sim_time_t duration;
};

/* What a run of a candidate showed. */
struct shr_outcome {
	bool pass;                   /* the kind was reported */
	sim_time_t time;             /* its first detection */
	uint64_t count, events;
	bool at_end;                 /* detected after the last event */
	char *explanation;
	uint64_t other;              /* violations of other kinds */
};

/* A wait the job's ops were in at the detection, as a delay that can
 * stand in for whoever made them wait (pass_substitute). */
struct shr_gap {
	unsigned task;
	unsigned op;
	sim_time_t delay;            /* how long the op had lasted */
	unsigned nbounds;            /* its step boundaries, in order */
	struct fs_wl_step_delay bounds[FS_WL_OP_BOUNDS];
};

struct shr {
	const struct ext4_shrink_params *p;
	GArray *gaps;                /* struct shr_gap */
	const struct sim_cfg *cfg;
	char *kind;                  /* the violation kind to keep */
	int kind_index;              /* in a job result */
	char *base;                  /* config file's base name, no .cfg */
	unsigned tries, passes;
	unsigned model_errors;       /* candidates that hit a SIM_BUG */
	char *model_error;           /* the first one's message */
	GString *global_keys;        /* [global] lines (not the plan keys) */
	GString *costs_keys;         /* [costs] lines, or empty */
	FILE *out;
};

static sim_time_t round_to_us(sim_time_t t)
{
	return t >= SIM_USEC ? t / SIM_USEC * SIM_USEC : t;
}

static sim_time_t round_down_us(sim_time_t t)
{
	return t / SIM_USEC * SIM_USEC;
}

static sim_time_t round_up_us(sim_time_t t)
{
	return (t + SIM_USEC - 1) / SIM_USEC * SIM_USEC;
}

/* ---- cases ------------------------------------------------------------------- */

static void case_free(struct shr_case *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->ntasks; i++) {
		g_free(c->tasks[i].name);
		g_free(c->tasks[i].file);
		g_free(c->tasks[i].mmap);
		g_array_unref(c->tasks[i].ops);
	}
	for (unsigned i = 0; i < c->nfiles; i++) {
		g_free(c->files[i].name);
		g_free(c->files[i].layout);
	}
	g_free(c->tasks);
	g_free(c->files);
	g_free(c);
}

static struct shr_case *case_copy(const struct shr_case *c)
{
	struct shr_case *d = g_new0(struct shr_case, 1);

	*d = *c;
	d->tasks = g_new0(struct shr_task, c->ntasks + 1);
	for (unsigned i = 0; i < c->ntasks; i++) {
		const struct shr_task *t = &c->tasks[i];

		d->tasks[i] = (struct shr_task){
			.name = g_strdup(t->name), .file = g_strdup(t->file),
			.mmap = g_strdup(t->mmap), .start_delay = t->start_delay,
			.ops = g_array_copy(t->ops),
		};
	}
	d->files = g_new0(struct shr_file, c->nfiles + 1);
	for (unsigned i = 0; i < c->nfiles; i++)
		d->files[i] = (struct shr_file){
			.name = g_strdup(c->files[i].name),
			.size = c->files[i].size,
			.layout = g_strdup(c->files[i].layout),
		};
	return d;
}

static void case_drop_task(struct shr_case *c, unsigned i)
{
	g_free(c->tasks[i].name);
	g_free(c->tasks[i].file);
	g_free(c->tasks[i].mmap);
	g_array_unref(c->tasks[i].ops);
	memmove(&c->tasks[i], &c->tasks[i + 1],
		(c->ntasks - i - 1) * sizeof(c->tasks[0]));
	c->ntasks--;
}

static unsigned case_ops(const struct shr_case *c)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->ntasks; i++)
		n += c->tasks[i].ops->len;
	return n;
}

static unsigned case_delays(const struct shr_case *c)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->ntasks; i++)
		for (unsigned k = 0; k < c->tasks[i].ops->len; k++)
			n += g_array_index(c->tasks[i].ops,
					   struct fs_wl_script_op, k).ndelays;
	return n;
}

static struct fs_wl_script_op *case_op(const struct shr_case *c, unsigned t,
				       unsigned k)
{
	return &g_array_index(c->tasks[t].ops, struct fs_wl_script_op, k);
}

static bool file_used(const struct shr_case *c, const char *name)
{
	for (unsigned i = 0; i < c->ntasks; i++)
		if (strcmp(c->tasks[i].file, name) == 0)
			return true;
	return false;
}

/* ---- rendering ------------------------------------------------------------------- */

static void put_time_key(GString *s, const char *key, sim_time_t t)
{
	g_string_append_printf(s, "%s = ", key);
	fs_wl_time_format(s, t);
	g_string_append_c(s, '\n');
}

/* The case as a workload file.  strategies: the [global] list. */
static char *case_render(const struct shr *sh, const struct shr_case *c,
			 const char *strategies, const char *header)
{
	GString *s = g_string_new(header ? header : "");

	g_string_append_printf(s, "[global]\nstrategies = %s\nreplicas = 1\n"
			       "seed = %" PRIu64 "\n", strategies, sh->p->seed);
	put_time_key(s, "duration", c->duration);
	g_string_append(s, sh->global_keys->str);
	if (sh->costs_keys->len)
		g_string_append_printf(s, "\n[costs]\n%s", sh->costs_keys->str);
	for (unsigned i = 0; i < c->nfiles; i++) {
		const struct shr_file *f = &c->files[i];

		if (!file_used(c, f->name))
			continue;
		g_string_append_printf(s, "\n[%s]\ntype = file\nsize = %" PRIu64
				       "\nlayout = %s\n", f->name, f->size,
				       f->layout);
	}
	for (unsigned i = 0; i < c->ntasks; i++) {
		const struct shr_task *t = &c->tasks[i];

		g_string_append_printf(s, "\n[%s]\nfile = %s\n", t->name, t->file);
		if (t->mmap)
			g_string_append_printf(s, "mmap = %s\n", t->mmap);
		if (t->start_delay > 0)
			put_time_key(s, "start_delay", t->start_delay);
		g_string_append(s, "script = ");
		for (unsigned k = 0; k < t->ops->len; k++) {
			if (k)
				g_string_append(s, ", ");
			fs_wl_script_op_format(s, case_op(c, i, k));
		}
		g_string_append_c(s, '\n');
	}
	return g_string_free(s, FALSE);
}

/* ---- running a candidate ------------------------------------------------------------ */

/* Runs cfg as job 0 of `strategy` (what sim/sim runs first); kind: the
 * index to report on.  false with *err when the model refuses cfg. */
static bool run_cfg_in(const struct sim_cfg *cfg, const char *strategy,
		    uint64_t seed, int kind, struct shr_outcome *o,
		    GError **err)
{
	struct sim_job_id id = { .seed = seed };
	struct sim_world_params wp = { .seed = seed, .job = 0 };
	struct sim_world *w = sim_world_new(&wp);
	struct sim_job_result r = { .id = id };
	void *m = ext4_model_ops.create(w, cfg, strategy, &id, err);
	sim_time_t end;

	*o = (struct shr_outcome){ .time = -1 };
	if (!m) {
		sim_world_free(w);
		return false;
	}
	sim_world_run(w, ext4_model_ops.duration(m));
	end = sim_world_now(w);
	ext4_model_ops.finish(m, w, &r);
	o->events = sim_world_events(w);
	for (unsigned k = 0; k < r.n_kinds; k++) {
		if ((int)k == kind) {
			o->count = r.violations[k];
			o->pass = r.violations[k] > 0;
			o->time = r.first_time[k];
			o->at_end = o->pass && r.first_time[k] >= end;
			o->explanation = g_strdup(r.first_explanation[k]);
		} else {
			o->other += r.violations[k];
		}
	}
	sim_job_result_free(&r);
	ext4_model_ops.destroy(m);
	sim_world_free(w);
	return true;
}

static GQuark shr_model_error_quark(void);
G_DEFINE_QUARK(ext4-shrink-model-error-quark, shr_model_error)

/* run_cfg_in under a trap: a model error (SIM_BUG) in a candidate is
 * false with *err in shr_model_error_quark(); the world and the model it
 * left are set aside (never freed, as the runner does). */
static bool run_cfg(const struct sim_cfg *cfg, const char *strategy,
		    uint64_t seed, int kind, struct shr_outcome *o,
		    GError **err)
{
	struct sim_bug_trap trap;
	bool ok;

	*o = (struct shr_outcome){ .time = -1 };
	sim_bug_trap_push(&trap);
	if (setjmp(trap.jb) == 0) {
		ok = run_cfg_in(cfg, strategy, seed, kind, o, err);
		sim_bug_trap_pop(&trap);
		return ok;
	}
	g_clear_error(err);
	g_set_error(err, shr_model_error_quark(), 0,
		    "model error: BUG at %s:%d: %s%s%s",
		    trap.info.file ? trap.info.file : "?", trap.info.line,
		    trap.info.cond, trap.info.in_task ? " in task " : "",
		    trap.info.in_task ? trap.info.task : "");
	*o = (struct shr_outcome){ .time = -1 };
	return false;
}

static void outcome_clear(struct shr_outcome *o)
{
	g_free(o->explanation);
	o->explanation = NULL;
}

static bool shr_run_case(struct shr *sh, const struct shr_case *c,
			 const char *strategy, struct shr_outcome *o,
			 GError **err)
{
	char *text = case_render(sh, c, strategy, NULL);
	struct sim_cfg *cfg = sim_cfg_load_data(&fs_schema, "shrink.cfg", text,
						strlen(text), err);
	bool ok;

	g_free(text);
	if (!cfg)
		return false;
	ok = run_cfg(cfg, strategy, sh->p->seed, sh->kind_index, o, err);
	sim_cfg_free(cfg);
	return ok;
}

struct shr_job {
	struct shr *sh;
	struct shr_case *c;
	struct shr_outcome o;
	GError *err;
};

static void shr_job_fn(gpointer data, gpointer user)
{
	struct shr_job *j = data;

	(void)user;
	shr_run_case(j->sh, j->c, j->sh->p->strategy, &j->o, &j->err);
}

/* Tries the candidates (taking ownership); returns the index of the first
 * (in order) that passes, -1 if none; *best gets it (the others are
 * freed), with its outcome in *bo. */
static int shr_try(struct shr *sh, struct shr_case **cand, unsigned n,
		   struct shr_case **best, struct shr_outcome *bo)
{
	unsigned batch = MAX(sh->p->threads, 1u);
	int win = -1;

	for (unsigned b = 0; b < n && win < 0; b += batch) {
		unsigned m = MIN(batch, n - b);
		struct shr_job *jobs = g_new0(struct shr_job, m);

		for (unsigned i = 0; i < m; i++) {
			jobs[i].sh = sh;
			jobs[i].c = cand[b + i];
		}
		if (m == 1) {
			shr_job_fn(&jobs[0], NULL);
		} else {
			GThreadPool *pool = g_thread_pool_new(shr_job_fn, NULL,
							      (gint)m, TRUE, NULL);

			for (unsigned i = 0; i < m; i++)
				g_thread_pool_push(pool, &jobs[i], NULL);
			g_thread_pool_free(pool, FALSE, TRUE);
		}
		for (unsigned i = 0; i < m; i++) {
			/* counted as -j1 would run them: in order, up to
			 * the first that passes (the count is printed and
			 * written into the file, which must not depend on
			 * -j) */
			if (win < 0)
				sh->tries++;
			if (jobs[i].err) {
				/* a candidate the model refuses is no pass;
				 * one that hits a model error neither, but
				 * that is a finding: counted, said at the end */
				if (win < 0 && jobs[i].err->domain ==
				    shr_model_error_quark()) {
					sh->model_errors++;
					if (!sh->model_error)
						sh->model_error = g_strdup(
							jobs[i].err->message);
				}
				g_error_free(jobs[i].err);
				jobs[i].err = NULL;
			} else if (win < 0 && jobs[i].o.pass) {
				win = (int)(b + i);
				*bo = jobs[i].o;
				jobs[i].o.explanation = NULL;
				sh->passes++;
			}
			outcome_clear(&jobs[i].o);
		}
		g_free(jobs);
	}
	for (unsigned i = 0; i < n; i++) {
		if ((int)i == win)
			*best = cand[i];
		else
			case_free(cand[i]);
	}
	return win;
}

/* One candidate: keep it if it passes. */
static bool shr_keep(struct shr *sh, struct shr_case **cur,
		     struct shr_outcome *co, struct shr_case *cand)
{
	struct shr_case *best = NULL;
	struct shr_outcome o;

	if (shr_try(sh, &cand, 1, &best, &o) < 0)
		return false;
	case_free(*cur);
	*cur = best;
	outcome_clear(co);
	*co = o;
	return true;
}

/* ---- the passes ------------------------------------------------------------------- */

/* The waits the ops were in at the detection become delays: then the
 * tasks that made them wait (a journal filled by another file's churn, a
 * lock held) can go in pass_tasks, and pass_delays drops the delays that
 * turn out not to matter. */
/* A task goes, and in its place a delay at one step boundary of an op
 * that was waiting at the detection, as long as that op had lasted: the
 * wait the dropped task caused (a journal it filled, a lock it held),
 * made explicit.  pass_delays later drops or shortens it if less will
 * do.  The candidates of one task: without a delay first, then the delay
 * at each boundary, latest first. */
static bool pass_tasks(struct shr *sh, struct shr_case **cur,
		       struct shr_outcome *co)
{
	bool changed = false;

	for (unsigned i = (*cur)->ntasks; i-- > 0;) {
		GPtrArray *cand;
		struct shr_case *best = NULL, *c;
		struct shr_outcome o;

		if ((*cur)->ntasks <= 1)
			break;
		cand = g_ptr_array_new();
		c = case_copy(*cur);
		case_drop_task(c, i);
		g_ptr_array_add(cand, c);
		for (unsigned k = 0; k < sh->gaps->len; k++) {
			const struct shr_gap *g = &g_array_index(sh->gaps,
								 struct shr_gap, k);

			if (g->task == i || g->task >= (*cur)->ntasks ||
			    g->op >= (*cur)->tasks[g->task].ops->len)
				continue;
			for (unsigned b = g->nbounds; b-- > 0;) {
				struct fs_wl_script_op *op;

				c = case_copy(*cur);
				op = case_op(c, g->task, g->op);
				if (op->ndelays == FS_WL_SCRIPT_MAX_DELAYS) {
					case_free(c);
					continue;
				}
				op->delays[op->ndelays] = g->bounds[b];
				op->delays[op->ndelays++].delay = g->delay;
				c->duration += g->delay;
				case_drop_task(c, i);
				g_ptr_array_add(cand, c);
			}
		}
		if (shr_try(sh, (struct shr_case **)cand->pdata, cand->len,
			    &best, &o) >= 0) {
			case_free(*cur);
			*cur = best;
			outcome_clear(co);
			*co = o;
			changed = true;
			/* task indices above i moved down */
			for (unsigned k = sh->gaps->len; k-- > 0;) {
				struct shr_gap *g = &g_array_index(sh->gaps,
								   struct shr_gap, k);

				if (g->task == i)
					g_array_remove_index(sh->gaps, k);
				else if (g->task > i)
					g->task--;
			}
		}
		g_ptr_array_free(cand, TRUE);
	}
	/* ops get removed from here on: the gaps' op indices go stale */
	g_array_set_size(sh->gaps, 0);
	return changed;
}

/* Ops that began before `from` are dropped. */
static bool pass_window(struct shr *sh, struct shr_case **cur,
			struct shr_outcome *co)
{
	sim_time_t detect = co->at_end ? (*cur)->duration : co->time;

	for (sim_time_t w = SIM_USEC; w < detect; w *= 10) {
		struct shr_case *c = case_copy(*cur);
		bool dropped = false;

		for (unsigned i = 0; i < c->ntasks; i++) {
			GArray *ops = c->tasks[i].ops;

			for (unsigned k = ops->len; k-- > 0;)
				if (g_array_index(ops, struct fs_wl_script_op,
						  k).at < detect - w) {
					g_array_remove_index(ops, k);
					dropped = true;
				}
		}
		if (!dropped) {
			case_free(c);
			continue;
		}
		if (shr_keep(sh, cur, co, c))
			return true;
	}
	return false;
}

/* Every delay at the occurrence before (those at #1 stay); false if none
 * moved. */
static bool case_delays_earlier(struct shr_case *c)
{
	bool moved = false;

	for (unsigned t = 0; t < c->ntasks; t++)
		for (unsigned k = 0; k < c->tasks[t].ops->len; k++) {
			struct fs_wl_script_op *op = case_op(c, t, k);

			for (unsigned d = 0; d < op->ndelays; d++)
				if (op->delays[d].nth > 1) {
					op->delays[d].nth--;
					moved = true;
				}
		}
	return moved;
}

/* ddmin on task t's script: try the complement of each of n chunks (all
 * of them as one parallel batch), go finer when none passes. */
static bool pass_ddmin(struct shr *sh, struct shr_case **cur,
		       struct shr_outcome *co, unsigned t)
{
	unsigned n = 2;
	bool changed = false;

	while ((*cur)->tasks[t].ops->len >= 1) {
		unsigned len = (*cur)->tasks[t].ops->len;
		struct shr_case **cand;
		struct shr_case *best = NULL;
		struct shr_outcome o;
		unsigned nc;

		if (n > len)
			n = len;
		if (n > SHR_MAX_CHUNKS)
			break;   /* the rest is needed in bulk; other passes go on */
		/* each complement twice: as it is, and with every delay
		 * counted one occurrence earlier (an op gone may have been
		 * what made a step come round once more: dirty pages for a
		 * writeback's journal handles) */
		cand = g_new0(struct shr_case *, 2 * n);
		for (nc = 0; nc < n; nc++) {
			unsigned lo = (unsigned)((uint64_t)len * nc / n);
			unsigned hi = (unsigned)((uint64_t)len * (nc + 1) / n);

			cand[2 * nc] = case_copy(*cur);
			g_array_remove_range(cand[2 * nc]->tasks[t].ops, lo, hi - lo);
			cand[2 * nc + 1] = case_copy(cand[2 * nc]);
			if (!case_delays_earlier(cand[2 * nc + 1])) {
				case_free(cand[2 * nc + 1]);
				cand[2 * nc + 1] = NULL;
			}
		}
		for (unsigned i = nc = 0; i < 2 * n; i++)
			if (cand[i])
				cand[nc++] = cand[i];
		if (shr_try(sh, cand, nc, &best, &o) >= 0) {
			case_free(*cur);
			*cur = best;
			outcome_clear(co);
			*co = o;
			changed = true;
			n = MAX(n - 1, 2u);
		} else if (n >= len || n >= SHR_MAX_CHUNKS) {
			g_free(cand);
			break;
		} else {
			n = MIN(MIN(n * 2, len), (unsigned)SHR_MAX_CHUNKS);
		}
		g_free(cand);
	}
	return changed;
}

static bool pass_ops(struct shr *sh, struct shr_case **cur,
		     struct shr_outcome *co)
{
	bool changed = false;

	for (unsigned t = 0; t < (*cur)->ntasks; t++)
		changed |= pass_ddmin(sh, cur, co, t);
	/* a task whose script went empty: drop it */
	for (unsigned t = (*cur)->ntasks; t-- > 0;)
		if ((*cur)->tasks[t].ops->len == 0 && (*cur)->ntasks > 1) {
			struct shr_case *c = case_copy(*cur);

			case_drop_task(c, t);
			changed |= shr_keep(sh, cur, co, c);
		}
	return changed;
}

static bool pass_delays(struct shr *sh, struct shr_case **cur,
			struct shr_outcome *co)
{
	bool changed = false;

	for (unsigned t = 0; t < (*cur)->ntasks; t++)
		for (unsigned k = 0; k < (*cur)->tasks[t].ops->len; k++)
			for (unsigned d = case_op(*cur, t, k)->ndelays; d-- > 0;) {
				struct shr_case *c = case_copy(*cur);
				struct fs_wl_script_op *op = case_op(c, t, k);

				memmove(&op->delays[d], &op->delays[d + 1],
					(op->ndelays - d - 1) * sizeof(op->delays[0]));
				op->ndelays--;
				changed |= shr_keep(sh, cur, co, c);
			}
	/* the ones left: as short as they can be (halving, to 1 us) */
	for (unsigned t = 0; t < (*cur)->ntasks; t++)
		for (unsigned k = 0; k < (*cur)->tasks[t].ops->len; k++)
			for (unsigned d = 0; d < case_op(*cur, t, k)->ndelays; d++)
				for (;;) {
					struct shr_case *c;
					struct fs_wl_step_delay *sd;

					if (case_op(*cur, t, k)->delays[d].delay < 2 * SIM_USEC)
						break;
					c = case_copy(*cur);
					sd = &case_op(c, t, k)->delays[d];
					sd->delay = round_to_us(sd->delay / 2);
					if (!shr_keep(sh, cur, co, c))
						break;
					changed = true;
				}
	return changed;
}

static unsigned shr_align(const struct shr *sh)
{
	const struct fs_global *g = sim_cfg_data(sh->cfg, "global");

	return g && g->blocksize > 4096 ? (unsigned)g->blocksize : 4096;
}

/* Ops with an offset and a length worth shrinking. */
static bool op_has_range(const struct fs_wl_script_op *op)
{
	return op->kind != FS_OP_FSYNC && op->kind != FS_OP_TRUNCATE;
}

static bool pass_lengths(struct shr *sh, struct shr_case **cur,
			 struct shr_outcome *co)
{
	uint64_t a = shr_align(sh);
	bool changed = false;

	for (unsigned t = 0; t < (*cur)->ntasks; t++)
		for (unsigned k = 0; k < (*cur)->tasks[t].ops->len; k++) {
			uint64_t len = case_op(*cur, t, k)->len;
			struct shr_case *c;

			if (!op_has_range(case_op(*cur, t, k)) || len <= a)
				continue;
			/* one block first, then halves */
			c = case_copy(*cur);
			case_op(c, t, k)->len = a;
			if (shr_keep(sh, cur, co, c)) {
				changed = true;
				continue;
			}
			while ((len = case_op(*cur, t, k)->len) > 2 * a) {
				c = case_copy(*cur);
				case_op(c, t, k)->len = (len / 2 + a - 1) / a * a;
				if (!shr_keep(sh, cur, co, c))
					break;
				changed = true;
			}
		}
	return changed;
}

static bool pass_offsets(struct shr *sh, struct shr_case **cur,
			 struct shr_outcome *co)
{
	uint64_t a = shr_align(sh);
	bool changed = false;

	for (unsigned f = 0; f < (*cur)->nfiles; f++) {
		const char *name = (*cur)->files[f].name;
		uint64_t lo = UINT64_MAX;
		struct shr_case *c;

		for (unsigned t = 0; t < (*cur)->ntasks; t++)
			for (unsigned k = 0; k < (*cur)->tasks[t].ops->len; k++)
				if (strcmp((*cur)->tasks[t].file, name) == 0 &&
				    case_op(*cur, t, k)->kind != FS_OP_FSYNC)
					lo = MIN(lo, case_op(*cur, t, k)->offset);
		lo = lo == UINT64_MAX ? 0 : lo / a * a;
		if (!lo)
			continue;
		c = case_copy(*cur);
		for (unsigned t = 0; t < c->ntasks; t++)
			for (unsigned k = 0; k < c->tasks[t].ops->len; k++)
				if (strcmp(c->tasks[t].file, name) == 0 &&
				    case_op(c, t, k)->kind != FS_OP_FSYNC)
					case_op(c, t, k)->offset -= lo;
		changed |= shr_keep(sh, cur, co, c);
	}
	return changed;
}

static bool pass_files(struct shr *sh, struct shr_case **cur,
		       struct shr_outcome *co)
{
	uint64_t a = shr_align(sh);
	bool changed = false;

	for (unsigned f = 0; f < (*cur)->nfiles; f++) {
		const char *name = (*cur)->files[f].name;
		uint64_t need = a, size = a;
		struct shr_case *c;

		if (!file_used(*cur, name))
			continue;
		for (unsigned t = 0; t < (*cur)->ntasks; t++)
			for (unsigned k = 0; k < (*cur)->tasks[t].ops->len; k++) {
				const struct fs_wl_script_op *op = case_op(*cur, t, k);

				if (strcmp((*cur)->tasks[t].file, name) != 0 ||
				    op->kind == FS_OP_FSYNC)
					continue;
				need = MAX(need, op->offset +
					   (op->kind == FS_OP_TRUNCATE ? 0 : op->len));
			}
		while (size < need)
			size *= 2;
		if (size < (*cur)->files[f].size) {
			c = case_copy(*cur);
			c->files[f].size = size;
			if (shr_keep(sh, cur, co, c))
				changed = true;
		}
		if (strcmp((*cur)->files[f].layout, "dense") != 0) {
			c = case_copy(*cur);
			g_free(c->files[f].layout);
			c->files[f].layout = g_strdup("dense");
			changed |= shr_keep(sh, cur, co, c);
		}
	}
	return changed;
}

static bool pass_time(struct shr *sh, struct shr_case **cur,
		      struct shr_outcome *co)
{
	sim_time_t lo = SIM_TIME_MAX, want;
	bool changed = false;
	struct shr_case *c;

	for (unsigned t = 0; t < (*cur)->ntasks; t++)
		for (unsigned k = 0; k < (*cur)->tasks[t].ops->len; k++)
			lo = MIN(lo, case_op(*cur, t, k)->at);
	lo = lo < 0 || lo == SIM_TIME_MAX ? 0 : round_down_us(lo);
	if (lo > 0) {
		c = case_copy(*cur);
		for (unsigned t = 0; t < c->ntasks; t++)
			for (unsigned k = 0; k < c->tasks[t].ops->len; k++)
				case_op(c, t, k)->at -= lo;
		changed |= shr_keep(sh, cur, co, c);
	}
	/* just past the detection */
	if (!co->at_end) {
		want = round_up_us(co->time + 1);
		if (want < (*cur)->duration) {
			c = case_copy(*cur);
			c->duration = want;
			changed |= shr_keep(sh, cur, co, c);
		}
	} else {
		while ((*cur)->duration > 2 * SIM_USEC) {
			c = case_copy(*cur);
			c->duration = round_up_us((*cur)->duration / 2);
			if (!shr_keep(sh, cur, co, c))
				break;
			changed = true;
		}
	}
	return changed;
}

/* ---- the record of the job, as a case ------------------------------------------------- */

static const char *kind_of(unsigned k)
{
	return k < FS_ORACLE_NR_KINDS ? fs_oracle_kind_name((enum fs_oracle_kind)k)
				      : "fsx_mismatch";
}

static void keys_of(const struct sim_cfg *cfg, const char *section,
		    const char *const *skip, GString *out)
{
	const struct sim_cfg_section *sec = sim_cfg_lookup(cfg, section);

	if (!sec)
		return;
	for (const struct sim_option *opt = sec->type->options; opt->name; opt++) {
		bool skipped = false;
		char *v;

		for (const char *const *s = skip; s && *s; s++)
			skipped |= strcmp(*s, opt->name) == 0;
		if (skipped || !sim_cfg_is_set(sec, opt->name))
			continue;
		v = sim_option_format(opt, sec->data);
		if (v)
			g_string_append_printf(out, "%s = %s\n", opt->name, v);
		g_free(v);
	}
}

/* Runs the job as recorded; builds its case.  Returns false (and prints
 * why) when it shows no violation or cannot be scripted. */
static bool record_job(struct shr *sh, struct shr_case **out_case,
		       GError **err)
{
	const struct ext4_shrink_params *p = sh->p;
	struct sim_job_id id = {
		.seed = p->seed, .index = p->job, .replica = p->replica,
	};
	struct sim_explore xp = {
		.schedule = (uint64_t)p->schedule, .depth = p->depth,
		.delay = p->delay, .horizon = p->horizon,
	};
	struct sim_world_params wp = {
		.seed = p->seed, .job = p->job,
		.explore = p->schedule >= 0 ? &xp : NULL,
		.stop_on_violation = true,   /* ops in progress: at the detection */
	};
	struct sim_world *w = sim_world_new(&wp);
	struct sim_job_result r = { .id = id };
	struct ext4_model *m = ext4_model_create(w, p->cfg, p->strategy, &id,
						 EXT4_MODEL_RECORD, err);
	const GArray *delays;
	struct shr_case *c;
	sim_time_t detect, end, t0;
	bool during;
	int first = -1;

	if (!m) {
		sim_world_free(w);
		return false;
	}
	during = sim_world_run(w, ext4_model_ops.duration(m)) == SIM_STOP_REQUESTED;
	end = sim_world_now(w);
	ext4_model_ops.finish(m, w, &r);
	for (unsigned k = 0; k < r.n_kinds; k++)
		if (r.violations[k] &&
		    (first < 0 || r.first_time[k] < r.first_time[first]))
			first = (int)k;
	if (first < 0) {
		fprintf(sh->out, "shrink: job %u (%s) shows no violation: nothing to shrink\n",
			p->job, p->strategy);
		sim_job_result_free(&r);
		ext4_model_destroy(m);
		sim_world_free(w);
		return false;
	}
	sh->kind_index = first;
	sh->kind = g_strdup(kind_of((unsigned)first));
	detect = r.first_time[first];
	t0 = ext4_model_t0(m);
	c = g_new0(struct shr_case, 1);
	c->duration = during ? detect - t0 + SIM_USEC : end - t0;
	c->duration = round_up_us(c->duration);
	c->nfiles = ext4_model_nfiles(m);
	c->files = g_new0(struct shr_file, c->nfiles + 1);
	for (unsigned i = 0; i < c->nfiles; i++) {
		const struct fs_wl_file *f = ext4_model_file(m, i);
		const struct sim_cfg_section *sec = sim_cfg_lookup(p->cfg, f->name);
		const struct fs_file *fc = sec->data;

		c->files[i] = (struct shr_file){
			.name = g_strdup(f->name), .size = f->size,
			.layout = g_strdup(fc->layout),
		};
	}
	c->ntasks = ext4_model_ntasks(m);
	c->tasks = g_new0(struct shr_task, c->ntasks + 1);
	for (unsigned i = 0; i < c->ntasks; i++) {
		const struct fs_wl_task *t = ext4_model_task(m, i);
		const struct fs_job *jc = t->job->cfg;
		struct shr_task *st = &c->tasks[i];

		if (t->job->fsx) {
			fprintf(sh->out, "shrink: job section [%s] replays an fsx log: not supported\n",
				t->job->name);
			case_free(c);
			sim_job_result_free(&r);
			ext4_model_destroy(m);
			sim_world_free(w);
			return false;
		}
		st->name = jc->numjobs > 1 ? g_strdup_printf("%s_%u", t->job->name,
							     t->index)
					   : g_strdup(t->job->name);
		st->file = g_strdup(t->job->file->name);
		st->mmap = jc->mmap == FS_MMAP_PRIVATE ? g_strdup("private") : NULL;
		st->start_delay = jc->start_delay;
		st->ops = g_array_new(FALSE, FALSE, sizeof(struct fs_wl_script_op));
		/* the op in progress at the detection: how long it had
		 * lasted, and its step boundaries */
		if (t->op.scale > 0 && t->op.index > 0 && t->op.nbounds) {
			struct shr_gap g = {
				.task = i, .op = (unsigned)(t->op.index - 1),
				.delay = round_up_us(end - t->op.begin),
				.nbounds = t->op.nbounds,
			};

			memcpy(g.bounds, t->op.bounds, sizeof(g.bounds));
			if (g.delay >= 2 * SIM_USEC)
				g_array_append_val(sh->gaps, g);
		}
		for (unsigned k = 0; t->rec && k < t->rec->len; k++) {
			const struct fs_wl_rec_op *ro =
				&g_array_index(t->rec, struct fs_wl_rec_op, k);
			struct fs_wl_script_op so = {
				.kind = ro->kind, .offset = ro->offset,
				.len = ro->len ? ro->len : 4096, .at = ro->at,
			};

			/* an op that began after the detection did not
			 * cause it (and one that began at the end never ran) */
			if (t0 + ro->at > detect || (!during && t0 + ro->at >= end))
				break;
			g_array_append_val(st->ops, so);
		}
	}
	delays = ext4_model_rec_delays(m);
	for (unsigned i = 0; delays && i < delays->len; i++) {
		const struct fs_wl_rec_delay *d =
			&g_array_index(delays, struct fs_wl_rec_delay, i);
		struct fs_wl_script_op *op;

		if (d->task >= c->ntasks || d->op >= c->tasks[d->task].ops->len)
			continue;     /* after the detection */
		op = case_op(c, d->task, (unsigned)d->op);
		if (op->ndelays < FS_WL_SCRIPT_MAX_DELAYS)
			op->delays[op->ndelays++] = d->d;
	}
	for (unsigned i = c->ntasks; i-- > 0;)
		if (c->tasks[i].ops->len == 0 && c->ntasks > 1) {
			case_drop_task(c, i);
			for (unsigned k = sh->gaps->len; k-- > 0;) {
				struct shr_gap *g = &g_array_index(sh->gaps,
								   struct shr_gap, k);

				if (g->task == i)
					g_array_remove_index(sh->gaps, k);
				else if (g->task > i)
					g->task--;
			}
		}
	sim_job_result_free(&r);
	ext4_model_destroy(m);
	sim_world_free(w);
	*out_case = c;
	return true;
}

/* ---- driver ------------------------------------------------------------------------------ */

static void case_summary(GString *s, const struct shr_case *c)
{
	g_string_append_printf(s, "%u task%s, %u op%s, %u delay%s, duration ",
			       c->ntasks, c->ntasks == 1 ? "" : "s",
			       case_ops(c), case_ops(c) == 1 ? "" : "s",
			       case_delays(c), case_delays(c) == 1 ? "" : "s");
	fs_wl_time_format(s, c->duration);
}

static char *strategies_list(const char *strategy)
{
	const char *others[] = { "i_mmap_sem", "invalidate_lock" };
	GString *s = g_string_new(strategy);

	for (unsigned i = 0; i < G_N_ELEMENTS(others); i++)
		if (strcmp(others[i], strategy) != 0)
			g_string_append_printf(s, ", %s", others[i]);
	return g_string_free(s, FALSE);
}

static char *default_path(const struct shr *sh)
{
	return g_strdup_printf("%s-%s-%s-min.cfg", sh->base, sh->p->strategy,
			       sh->kind);
}

int ext4_shrink(const struct ext4_shrink_params *p, FILE *out, GError **err)
{
	static const char *const plan_keys[] = {
		"strategies", "replicas", "seed", "duration", NULL,
	};
	struct shr sh = { .p = p, .cfg = p->cfg, .out = out, .kind_index = -1 };
	struct shr_case *cur = NULL, *orig = NULL;
	struct shr_outcome co = { 0 };
	const char *others[] = { "i_mmap_sem", "invalidate_lock" };
	struct shr_outcome oo[2];
	bool ran_other[2] = { false, false };
	gint64 t0 = g_get_monotonic_time();
	GString *head = g_string_new(NULL), *from = g_string_new(NULL),
		*to = g_string_new(NULL);
	char *name, *path = NULL, *text = NULL, *list = NULL, *key;
	struct sim_cfg *mincfg = NULL;
	int rc = 1;

	name = g_path_get_basename(p->config_file ? p->config_file : "job.cfg");
	if (g_str_has_suffix(name, ".cfg"))
		name[strlen(name) - 4] = '\0';
	sh.base = name;
	sh.gaps = g_array_new(FALSE, FALSE, sizeof(struct shr_gap));
	sh.global_keys = g_string_new(NULL);
	sh.costs_keys = g_string_new(NULL);
	keys_of(p->cfg, "global", plan_keys, sh.global_keys);
	keys_of(p->cfg, "costs", NULL, sh.costs_keys);
	key = p->schedule >= 0 ?
	      g_strdup_printf("%" PRIu64 ":%u:%" PRId64, p->seed, p->job, p->schedule) :
	      g_strdup_printf("%" PRIu64 ":%u", p->seed, p->job);

	if (!record_job(&sh, &orig, err))
		goto out;
	case_summary(from, orig);
	fprintf(out, "shrink: job %s under %s: %s; recorded as scripts: %s\n",
		key, p->strategy, sh.kind, from->str);
	fflush(out);
	cur = case_copy(orig);
	if (!shr_run_case(&sh, cur, p->strategy, &co, err))
		goto out;
	sh.tries++;
	if (!co.pass) {
		fprintf(out, "shrink: the scripts do not reproduce %s (the recorded "
			"interleaving depends on something a script does not "
			"carry%s); nothing written\n", sh.kind,
			p->schedule >= 0 ? ", e.g. the schedule's order of "
			"same-time events" : "");
		goto out;
	}
	for (unsigned round = 0; round < SHR_MAX_ROUNDS; round++) {
		static const struct {
			const char *name;
			bool (*fn)(struct shr *, struct shr_case **,
				   struct shr_outcome *);
		} passes[] = {
			{ "tasks", pass_tasks },
			{ "old ops", pass_window },
			{ "ops", pass_ops },
			{ "delays", pass_delays },
			{ "lengths", pass_lengths },
			{ "offsets", pass_offsets },
			{ "files", pass_files },
			{ "time", pass_time },
		};
		bool changed = false;

		for (unsigned i = 0; i < G_N_ELEMENTS(passes); i++) {
			if (!passes[i].fn(&sh, &cur, &co))
				continue;
			changed = true;
			g_string_truncate(to, 0);
			case_summary(to, cur);
			fprintf(out, "shrink:   %s: %s\n", passes[i].name, to->str);
			fflush(out);
		}
		g_string_truncate(to, 0);
		case_summary(to, cur);
		fprintf(out, "shrink: round %u: %s (%u candidates tried)\n",
			round + 1, to->str, sh.tries);
		fflush(out);
		if (!changed)
			break;
	}
	if (sh.model_errors) {
		fprintf(out, "shrink: %u candidate(s) ended with a model error, "
			"counted as not reproducing (a finding: the model's, "
			"not the workload's); the first: %s\n", sh.model_errors,
			sh.model_error);
		fflush(out);
	}

	/* the same file under the strategies that should not show it */
	list = strategies_list(p->strategy);
	for (unsigned i = 0; i < G_N_ELEMENTS(others); i++) {
		GError *e = NULL;

		if (strcmp(others[i], p->strategy) == 0)
			continue;
		ran_other[i] = shr_run_case(&sh, cur, others[i], &oo[i], &e);
		if (e && e->domain == shr_model_error_quark())
			fprintf(out, "shrink: under %s the reproducer ends with "
				"a %s\n", others[i], e->message);
		g_clear_error(&e);
	}

	path = p->out_path ? g_strdup(p->out_path) : default_path(&sh);
	g_string_printf(head, "; %s — a minimal reproducer of %s under %s,\n"
			"; written by sim/sim -s %s --shrink %s %s\n"
			"; (shrunk from %s to %s: %u candidates, each run).\n"
			";\n; expect %s: %s>0\n",
			path, sh.kind, p->strategy, p->strategy, key,
			p->config_file ? p->config_file : "FILE.cfg", from->str,
			to->str, sh.tries, p->strategy, sh.kind);
	for (unsigned i = 0; i < G_N_ELEMENTS(others); i++)
		if (ran_other[i])
			g_string_append_printf(head, "; expect %s: %s\n", others[i],
					       oo[i].pass || oo[i].other ? "any" : "none");
	g_string_append(head, "\n");
	text = case_render(&sh, cur, list, head->str);
	/* what is written is what was tested: it must load */
	mincfg = sim_cfg_load_data(&fs_schema, path, text, strlen(text), err);
	if (!mincfg) {
		rc = -1;
		goto out;
	}
	if (!g_file_set_contents(path, text, -1, err)) {
		rc = -1;
		goto out;
	}
	fprintf(out, "shrink: wrote %s (%s) in %.2f s\n", path, to->str,
		(double)(g_get_monotonic_time() - t0) / 1e6);
	fprintf(out, "\n%s", text);
	/* the explanation of the file as written (its replay line names it) */
	{
		struct shr_outcome fo;
		GError *e = NULL;

		if (run_cfg(mincfg, p->strategy, p->seed, sh.kind_index, &fo, &e) &&
		    fo.pass) {
			outcome_clear(&co);
			co = fo;
		} else {
			outcome_clear(&fo);
			g_clear_error(&e);
		}
	}
	fprintf(out, "\n== %s under %s (sim/sim -s %s %s):\n%s", sh.kind,
		p->strategy, p->strategy, path,
		co.explanation ? co.explanation : "(no explanation kept)\n");
	for (unsigned i = 0; i < G_N_ELEMENTS(others); i++) {
		if (!ran_other[i])
			continue;
		if (!oo[i].pass && !oo[i].other)
			fprintf(out, "== under %s: no violation\n", others[i]);
		else
			fprintf(out, "== under %s: %" PRIu64 " %s and %" PRIu64
				" other violation(s): a finding (sim/sim -s %s --explain %s)\n",
				others[i], oo[i].count, sh.kind, oo[i].other,
				others[i], path);
		outcome_clear(&oo[i]);
	}
	rc = 0;
out:
	if (mincfg)
		sim_cfg_free(mincfg);
	outcome_clear(&co);
	case_free(cur);
	case_free(orig);
	g_string_free(head, TRUE);
	g_string_free(from, TRUE);
	g_string_free(to, TRUE);
	g_string_free(sh.global_keys, TRUE);
	g_array_unref(sh.gaps);
	g_string_free(sh.costs_keys, TRUE);
	g_free(sh.kind);
	g_free(sh.model_error);
	g_free(key);
	g_free(name);
	g_free(path);
	g_free(text);
	g_free(list);
	return rc;
}
