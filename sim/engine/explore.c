/* sim/engine/explore.c — schedule exploration: the step hook, the change
 * points of a PCT-style schedule, and how a world names itself for --replay.
 *
 * PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010) runs a
 * program under random thread priorities and lowers the running thread's
 * priority at d - 1 change points drawn uniformly over the k steps of the
 * run: a bug of depth d is then found with probability at least
 * 1 / (n k^(d-1)) per run.  A world has time, not priorities, so a change
 * point here delays the task that reaches it: it falls behind the others
 * by a drawn fraction of the cost scale of the operation it is in (the
 * model says what that is), which is what a preemption, an interrupt or a
 * slow cache line does to a kernel path.  We do not know k before the run,
 * so change points are drawn uniformly over simulated time instead of over
 * steps; the first eligible step at or after each one takes it.  Steps that
 * come after a long stretch without one are therefore likelier to be hit
 * than in PCT proper — the step ending a long page-cache truncation, for
 * instance — which is the bias one wants when windows are what races
 * need.  Same-time events are permuted as in tie-shuffle mode, with the
 * permutation drawn from the schedule.
 *
 * Everything a schedule does is drawn from (run seed, schedule index)
 * alone: strategies running schedule i meet the same change points and the
 * same tie permutation (paired, as replicas share their workload), and the
 * replay key SEED:JOB:SCHEDULE reproduces a schedule exactly.
 */
#include "config.h"

#include <inttypes.h>

#include <glib.h>

#include "sim/engine/internal.h"

uint64_t sim_explore_tie_seed(uint64_t seed, const struct sim_explore *x)
{
	struct sim_rng r;

	sim_rng_seed(&r, seed, x->schedule, 0, sim_rng_purpose("explore-ties"));
	return sim_rng_next(&r);
}

void sim_explore_world_init(struct sim_world *w)
{
	const struct sim_world_params *p = &w->params;
	GString *key;

	if (!w->exploring) {
		w->replay_key = g_strdup_printf("%" PRIu64 ":%" PRIu64,
						p->seed, p->job);
		w->label = g_strdup_printf("seed %" PRIu64 " job %" PRIu64,
					   p->seed, p->job);
		return;
	}
	SIM_BUG_ON(w->xp.depth > SIM_EXPLORE_MAX_DEPTH);
	SIM_BUG_ON(!(w->xp.delay >= 0));
	if (w->xp.horizon > 0) {
		struct sim_rng r;
		sim_time_t times[SIM_EXPLORE_MAX_DEPTH];

		sim_rng_seed(&r, p->seed, w->xp.schedule, 0,
			     sim_rng_purpose("explore"));
		/* time and fraction drawn in pairs, so the first k change
		 * points of depth d are those of depth k */
		for (unsigned i = 0; i < w->xp.depth; i++) {
			times[i] = (sim_time_t)sim_rng_below(
				&r, (uint64_t)w->xp.horizon);
			w->cp_skip[i] = (unsigned)sim_rng_below(&r, SIM_EXPLORE_SPAN);
			w->cp_u[i] = 1.0 - sim_rng_double(&r);  /* (0, 1] */
		}
		/* sort by time, keeping each change point together */
		for (unsigned i = 0; i < w->xp.depth; i++)
			w->cp_time[i] = times[i];
		for (unsigned i = 1; i < w->xp.depth; i++) {
			sim_time_t t = w->cp_time[i];
			double u = w->cp_u[i];
			unsigned skip = w->cp_skip[i];
			unsigned j = i;

			for (; j > 0 && w->cp_time[j - 1] > t; j--) {
				w->cp_time[j] = w->cp_time[j - 1];
				w->cp_u[j] = w->cp_u[j - 1];
				w->cp_skip[j] = w->cp_skip[j - 1];
			}
			w->cp_time[j] = t;
			w->cp_u[j] = u;
			w->cp_skip[j] = skip;
		}
	} else {
		w->xp.depth = 0;
	}
	key = g_string_new(NULL);
	g_string_printf(key, "%" PRIu64 ":%" PRIu64 ":%" PRIu64, p->seed,
			p->job, w->xp.schedule);
	if (w->xp.depth != SIM_EXPLORE_DEPTH && w->xp.horizon > 0)
		g_string_append_printf(key, " --explore-depth %u", w->xp.depth);
	if (w->xp.delay != SIM_EXPLORE_DELAY)
		g_string_append_printf(key, " --explore-delay %g", w->xp.delay);
	w->replay_key = g_string_free(key, FALSE);
	w->label = g_strdup_printf("seed %" PRIu64 " job %" PRIu64
				   " schedule %" PRIu64, p->seed, p->job,
				   w->xp.schedule);
}

void sim_explore_world_free(struct sim_world *w)
{
	g_free(w->replay_key);
	g_free(w->label);
	w->replay_key = w->label = NULL;
}

const char *sim_world_replay_key(const struct sim_world *w)
{
	return w->replay_key;
}

const char *sim_world_label(const struct sim_world *w)
{
	return w->label;
}

void sim_world_violation(struct sim_world *w)
{
	w->violations++;
	if (w->params.stop_on_violation)
		sim_world_request_stop(w);
}

void sim_world_set_step_hook(struct sim_world *w,
			     const struct sim_step_ops *ops, void *ctx)
{
	w->step_ops = ops && ops->step ? ops : NULL;
	w->step_ctx = ctx;
}

const struct sim_explore *sim_world_explore(const struct sim_world *w)
{
	return w->exploring ? &w->xp : NULL;
}

unsigned sim_world_explore_fired(const struct sim_world *w)
{
	return w->cp_next;
}

uint64_t sim_world_delays(const struct sim_world *w)
{
	return w->delays;
}

sim_time_t sim_world_delay_total(const struct sim_world *w)
{
	return w->delay_total;
}

static void sim_explore_delay(struct sim_world *w, struct sim_task *t,
			      const char *where, sim_time_t d)
{
	if (d > SIM_TIME_MAX - w->now)
		d = SIM_TIME_MAX - w->now;
	w->delays++;
	w->delay_total += d;
	sim_task_note_inline(t, where, "delayed", NULL, d);
	sim_task_sleep(t, d);
}

void sim_explore_step(struct sim_world *w, struct sim_task *t,
		      const char *where)
{
	struct sim_step s = { 0, 0 };

	if (t != w->current || !w->step_ops)
		return;
	w->step_ops->step(w->step_ctx, t, where, &s);
	if (s.delay > 0)
		sim_explore_delay(w, t, where, s.delay);
	if (w->cp_next == w->xp.depth || s.scale <= 0)
		return;
	/* Every change point that is due counts this boundary; the first
	 * one whose count runs out takes it (one delay per boundary: a
	 * second one due takes a later boundary). */
	for (unsigned i = 0; i < w->xp.depth && w->cp_time[i] <= w->now; i++) {
		double d;
		sim_time_t ns;

		if (w->cp_done[i])
			continue;
		if (w->cp_skip[i]) {
			w->cp_skip[i]--;
			continue;
		}
		d = w->cp_u[i] * w->xp.delay * (double)s.scale;
		ns = d >= 1 ? (sim_time_t)(d + 0.5) : 1;
		w->cp_done[i] = true;
		w->cp_next++;
		for (i++; i < w->xp.depth && w->cp_time[i] <= w->now; i++)
			if (!w->cp_done[i] && w->cp_skip[i])
				w->cp_skip[i]--;
		if (w->step_ops->injected)
			w->step_ops->injected(w->step_ctx, t, where, ns);
		sim_explore_delay(w, t, where, ns);
		return;
	}
}

void sim_task_step(struct sim_task *t, const char *where)
{
	sim_task_step_inline(t, where);
}
