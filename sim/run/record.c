/* sim/run/record.c — job results and their compact records (see record.h). */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "sim/run/record.h"

/* ---- sparse histograms ---------------------------------------------------- */

void sim_hist_sparse_from(struct sim_hist_sparse *s, const struct sim_hist *h)
{
	unsigned i, n = 0;

	s->count = h->count;
	s->overflow = h->overflow;
	s->min = h->min;
	s->max = h->max;
	s->sum = h->sum;
	s->sumsq = h->sumsq;
	sim_hist_for_each_bucket(h, i)
		n++;
	s->n = n;
	s->idx = n ? g_new(uint32_t, n) : NULL;
	s->cnt = n ? g_new(uint64_t, n) : NULL;
	n = 0;
	sim_hist_for_each_bucket(h, i) {
		s->idx[n] = i;
		s->cnt[n] = h->counts[i];
		n++;
	}
}

void sim_hist_sparse_expand(const struct sim_hist_sparse *s, struct sim_hist *h)
{
	unsigned i;

	sim_hist_init(h);
	h->count = s->count;
	h->overflow = s->overflow;
	h->min = s->min;
	h->max = s->max;
	h->sum = s->sum;
	h->sumsq = s->sumsq;
	for (i = 0; i < s->n; i++)
		h->counts[s->idx[i]] = s->cnt[i];
}

void sim_hist_sparse_free(struct sim_hist_sparse *s)
{
	g_free(s->idx);
	g_free(s->cnt);
	s->idx = NULL;
	s->cnt = NULL;
	s->n = 0;
}

/* ---- records ---------------------------------------------------------------- */

struct sim_job_rec *sim_job_rec_from_result(const struct sim_job_result *r)
{
	struct sim_job_rec *rec = g_new0(struct sim_job_rec, 1);
	unsigned i;

	SIM_BUG_ON(r->n_ops > SIM_MAX_OPS || r->n_kinds > SIM_MAX_KINDS);
	rec->id = r->id;
	rec->sim_time = r->sim_time;
	rec->events = r->events;
	rec->stop = r->stop;
	rec->n_ops = r->n_ops;
	rec->ops = g_new0(struct sim_rec_op, r->n_ops + 1);
	for (i = 0; i < r->n_ops; i++) {
		rec->ops[i].name = g_strdup(r->op_names[i]);
		rec->ops[i].skipped = r->op_skipped[i];
		if (r->op_latency[i] && r->op_faults[i]) {
			sim_hist_sparse_from(&rec->ops[i].lat, r->op_latency[i]);
			sim_hist_sparse_from(&rec->ops[i].faults, r->op_faults[i]);
		} else {
			struct sim_hist *h = g_new(struct sim_hist, 1);

			sim_hist_init(h);
			sim_hist_sparse_from(&rec->ops[i].lat,
					     r->op_latency[i] ? r->op_latency[i] : h);
			sim_hist_sparse_from(&rec->ops[i].faults,
					     r->op_faults[i] ? r->op_faults[i] : h);
			g_free(h);
		}
	}
	rec->n_kinds = r->n_kinds;
	rec->kinds = g_new0(struct sim_rec_kind, r->n_kinds + 1);
	for (i = 0; i < r->n_kinds; i++) {
		rec->kinds[i].name = g_strdup(r->kind_names[i]);
		rec->kinds[i].count = r->violations[i];
		rec->kinds[i].first_time = r->violations[i] ? r->first_time[i] : -1;
		rec->kinds[i].explanation = g_strdup(r->first_explanation[i]);
	}
	rec->n_locks = r->n_locks;
	rec->locks = g_new0(struct sim_rec_lock, r->n_locks + 1);
	for (i = 0; i < r->n_locks; i++) {
		const struct sim_lock_stats *l = &r->locks[i];

		rec->locks[i].name = g_strdup(l->name);
		rec->locks[i].acquisitions = l->acquisitions;
		rec->locks[i].acquisitions_read = l->acquisitions_read;
		rec->locks[i].contentions = l->contentions;
		sim_hist_sparse_from(&rec->locks[i].wait, &l->wait);
		sim_hist_sparse_from(&rec->locks[i].hold, &l->hold);
		rec->locks[i].contentions_read = l->contentions_read;
		rec->locks[i].acq_bounces = l->acq_bounces;
		rec->locks[i].con_bounces = l->con_bounces;
		rec->locks[i].acq_bounces_read = l->acq_bounces_read;
		rec->locks[i].con_bounces_read = l->con_bounces_read;
		sim_hist_sparse_from(&rec->locks[i].wait_read, &l->wait_read);
		sim_hist_sparse_from(&rec->locks[i].hold_read, &l->hold_read);
		rec->locks[i].points = g_new0(struct sim_rec_lock_point,
					      SIM_LOCK_POINTS + 1);
		for (unsigned p = 0; p < SIM_LOCK_POINTS; p++) {
			struct sim_rec_lock_point *d =
				&rec->locks[i].points[rec->locks[i].n_points];

			if (!l->points[p].count)
				continue;
			d->site = g_strdup(l->points[p].ip);
			d->count = l->points[p].count;
			rec->locks[i].n_points++;
		}
	}
	rec->n_vrecs = r->n_vrecs;
	rec->vrecs_dropped = r->vrecs_dropped;
	rec->vrecs = g_new0(struct sim_violation, r->n_vrecs + 1);
	for (i = 0; i < r->n_vrecs; i++) {
		struct sim_violation *v = &rec->vrecs[i];

		*v = r->vrecs[i];
		v->kind = g_strdup(v->kind);
		v->task = g_strdup(v->task);
		v->op = g_strdup(v->op);
		v->op_task = g_strdup(v->op_task);
		v->headline = g_strdup(v->headline);
	}
	return rec;
}

void sim_rec_judge_free(struct sim_rec_judge *j)
{
	if (!j)
		return;
	g_free(j->image);
	g_free(j->note);
	g_free(j->model_fsck_findings);
	g_free(j->fsck_problems);
	g_free(j->readback);
	g_free(j->readback_note);
	g_free(j->first_diff_file);
	g_free(j->first_diff_what);
	g_free(j);
}

void sim_job_rec_free(struct sim_job_rec *rec)
{
	unsigned i;

	if (!rec)
		return;
	sim_rec_judge_free(rec->judge);
	for (i = 0; i < rec->n_ops; i++) {
		g_free(rec->ops[i].name);
		sim_hist_sparse_free(&rec->ops[i].lat);
		sim_hist_sparse_free(&rec->ops[i].faults);
	}
	for (i = 0; i < rec->n_kinds; i++) {
		g_free(rec->kinds[i].name);
		g_free(rec->kinds[i].explanation);
	}
	for (i = 0; i < rec->n_locks; i++) {
		g_free(rec->locks[i].name);
		sim_hist_sparse_free(&rec->locks[i].wait);
		sim_hist_sparse_free(&rec->locks[i].hold);
		sim_hist_sparse_free(&rec->locks[i].wait_read);
		sim_hist_sparse_free(&rec->locks[i].hold_read);
		for (unsigned p = 0; p < rec->locks[i].n_points; p++)
			g_free(rec->locks[i].points[p].site);
		g_free(rec->locks[i].points);
	}
	for (i = 0; i < rec->n_spans; i++) {
		g_free(rec->spans[i].task);
		g_free(rec->spans[i].lock);
	}
	sim_violations_free(rec->vrecs, rec->n_vrecs, true);
	g_free(rec->ops);
	g_free(rec->kinds);
	g_free(rec->locks);
	g_free(rec->spans);
	g_free(rec);
}

void sim_model_error_free(struct sim_model_error *e)
{
	if (!e)
		return;
	g_free(e->phase);
	g_free(e->message);
	g_free(e->file);
	g_free(e->task);
	g_free(e);
}

const struct sim_rec_op *sim_job_rec_op(const struct sim_job_rec *rec,
					const char *name)
{
	unsigned i;

	for (i = 0; i < rec->n_ops; i++)
		if (strcmp(rec->ops[i].name, name) == 0)
			return &rec->ops[i];
	return NULL;
}

const struct sim_rec_kind *sim_job_rec_kind(const struct sim_job_rec *rec,
					    const char *name)
{
	unsigned i;

	for (i = 0; i < rec->n_kinds; i++)
		if (strcmp(rec->kinds[i].name, name) == 0)
			return &rec->kinds[i];
	return NULL;
}

uint64_t sim_job_rec_violations(const struct sim_job_rec *rec)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < rec->n_kinds; i++)
		n += rec->kinds[i].count;
	return n;
}

uint64_t sim_job_rec_ops(const struct sim_job_rec *rec)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < rec->n_ops; i++)
		n += rec->ops[i].lat.count;
	return n;
}

static const char *const stop_names[] = {
	[SIM_STOP_IDLE] = "idle",
	[SIM_STOP_TIME] = "time",
	[SIM_STOP_DEADLOCK] = "deadlock",
	[SIM_STOP_REQUESTED] = "requested",
};

const char *sim_stop_name(enum sim_stop s)
{
	return (unsigned)s < G_N_ELEMENTS(stop_names) ? stop_names[s] : "?";
}

int sim_stop_parse(const char *name)
{
	unsigned i;

	for (i = 0; i < G_N_ELEMENTS(stop_names); i++)
		if (strcmp(stop_names[i], name) == 0)
			return (int)i;
	return -1;
}
