/* sim/engine/result.c — what a job's result owns, freed; the lock classes
 * copied into it (the model.h functions a model's finish() and every
 * caller of finish() share). */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "sim/engine/lock.h"
#include "sim/engine/model.h"

void sim_job_result_free(struct sim_job_result *r)
{
	unsigned i;

	for (i = 0; i < r->n_ops; i++) {
		g_free(r->op_latency[i]);
		g_free(r->op_faults[i]);
	}
	for (i = 0; i < r->n_kinds; i++)
		g_free(r->first_explanation[i]);
	g_free(r->locks);
	g_free(r->spans);
	sim_violations_free(r->vrecs, r->n_vrecs, false);
	memset(r, 0, sizeof(*r));
}

void sim_violations_free(struct sim_violation *v, unsigned n, bool kind)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (kind)
			g_free((char *)v[i].kind);
		g_free(v[i].task);
		g_free(v[i].op);
		g_free(v[i].op_task);
		g_free(v[i].headline);
	}
	g_free(v);
}

void sim_job_result_copy_locks(struct sim_job_result *r,
			       const struct sim_world *w)
{
	unsigned i, n = sim_lock_class_count(w);

	g_free(r->locks);
	r->locks = g_new(struct sim_lock_stats, n ? n : 1);
	for (i = 0; i < n; i++)
		r->locks[i] = *sim_lock_class_stats(w, i);
	r->n_locks = n;
}
