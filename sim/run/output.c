/* sim/run/output.c — aggregates a run's records for the renderers (output.h).
 * Every merge and every sum runs in plan order. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sim/run/output.h"
#include "sim/run/explore.h"

const double sim_out_pcts[SIM_OUT_NPCT] = {
	1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95,
	99.99,
};
const char *const sim_out_pct_keys[SIM_OUT_NPCT] = {
	"1", "5", "10", "20", "30", "40", "50", "60", "70", "80", "90", "95",
	"99", "99.5", "99.9", "99.95", "99.99",
};
const double sim_out_cmp_pcts[SIM_OUT_NCMP] = { 50, 99, 99.9 };
const char *const sim_out_cmp_keys[SIM_OUT_NCMP] = { "p50", "p99", "p99.9" };

static int name_index(const GPtrArray *a, const char *name)
{
	guint i;

	for (i = 0; i < a->len; i++)
		if (strcmp(g_ptr_array_index(a, i), name) == 0)
			return (int)i;
	return -1;
}

int sim_out_op_index(const struct sim_out *out, const char *name)
{
	return name_index(out->ops, name);
}

static void add_name(GPtrArray *a, const char *name)
{
	if (name_index(a, name) < 0)
		g_ptr_array_add(a, (gpointer)name);
}

static struct sim_hist *hist_new(void)
{
	struct sim_hist *h = g_new(struct sim_hist, 1);

	sim_hist_init(h);
	return h;
}

const char *sim_out_word_name(enum sim_out_word w)
{
	switch (w) {
	case SIM_OUT_SAFE:
		return "safe";
	case SIM_OUT_UNSAFE:
		return "UNSAFE";
	case SIM_OUT_DEADLOCKS:
		return "deadlocks";
	case SIM_OUT_NO_RESULT:
		break;
	}
	return "-";
}

/* The engine's own findings (sim/deadlock.c, sim/lockdep.c): a cycle that
 * happened or one lockdep says can happen; every other kind is a model's
 * wrong result. */
bool sim_out_kind_is_lock_finding(const char *kind)
{
	return strcmp(kind, "deadlock") == 0 || strcmp(kind, "lock_order") == 0;
}

double sim_out_op_rate(const struct sim_out_group *g, unsigned op)
{
	return g->sim_time > 0 ? (double)g->ops[op].h->count /
				 ((double)g->sim_time / 1e9) : 0;
}

static void build_violations(struct sim_out *out, struct sim_out_group *g)
{
	unsigned nk = out->kinds->len, k, r;
	bool data = false;

	g->viol = g_new0(uint64_t, nk + 1);
	g->viol_reps = g_new0(unsigned, nk + 1);
	g->first_rec = g_new0(const struct sim_job_rec *, nk + 1);
	g->first = g_new0(const struct sim_rec_kind *, nk + 1);
	for (r = 0; r < g->n_rep; r++) {
		const struct sim_job_rec *rec = g->reps[r];

		if (sim_job_rec_violations(rec))
			g->violating_reps++;
		if (rec->stop == SIM_STOP_DEADLOCK)
			g->deadlock_reps++;
		for (k = 0; k < nk; k++) {
			const struct sim_rec_kind *rk =
				sim_job_rec_kind(rec, g_ptr_array_index(out->kinds, k));

			if (!rk || !rk->count)
				continue;
			g->viol[k] += rk->count;
			g->viol_total += rk->count;
			g->viol_reps[k]++;
			if (!sim_out_kind_is_lock_finding(
				    g_ptr_array_index(out->kinds, k)))
				data = true;
			/* the earliest instance; ties go to the lower replica,
			 * an unknown time (-1) comes after every known one */
			if (!g->first[k] ||
			    (rk->first_time >= 0 &&
			     (g->first[k]->first_time < 0 ||
			      rk->first_time < g->first[k]->first_time))) {
				g->first[k] = rk;
				g->first_rec[k] = rec;
			}
		}
	}
	if (!g->n_rep)
		g->word = SIM_OUT_NO_RESULT;
	else if (data)
		g->word = SIM_OUT_UNSAFE;
	else if (g->viol_total || g->deadlock_reps)
		g->word = SIM_OUT_DEADLOCKS;
	else
		g->word = SIM_OUT_SAFE;
}

static void build_ops(struct sim_out *out, struct sim_out_group *g,
		      struct sim_hist *tmp)
{
	unsigned no = out->ops->len, o, r, c;

	g->ops = g_new0(struct sim_out_op, no + 1);
	g->throughput = g_new0(double, g->n_rep + 1);
	for (o = 0; o < no; o++) {
		struct sim_out_op *op = &g->ops[o];

		op->h = hist_new();
		op->faults = hist_new();
		op->count = g_new0(uint64_t, g->n_rep + 1);
		for (c = 0; c < SIM_OUT_NCMP; c++)
			op->pct[c] = g_new0(double, g->n_rep + 1);
		for (r = 0; r < g->n_rep; r++) {
			const struct sim_rec_op *ro =
				sim_job_rec_op(g->reps[r],
					       g_ptr_array_index(out->ops, o));

			if (!ro)
				continue;
			sim_hist_sparse_expand(&ro->faults, tmp);
			sim_hist_merge(op->faults, tmp);
			sim_hist_sparse_expand(&ro->lat, tmp);
			sim_hist_merge(op->h, tmp);
			op->skipped += ro->skipped;
			op->count[r] = tmp->count;
			for (c = 0; c < SIM_OUT_NCMP; c++)
				op->pct[c][r] = (double)sim_hist_percentile(
					tmp, sim_out_cmp_pcts[c]);
		}
	}
	for (r = 0; r < g->n_rep; r++) {
		const struct sim_job_rec *rec = g->reps[r];

		g->throughput[r] = rec->sim_time > 0 ?
			(double)sim_job_rec_ops(rec) / ((double)rec->sim_time / 1e9) : 0;
	}
}

static void merge_points(struct sim_out_lock *ol, const struct sim_rec_lock *rl)
{
	unsigned p, q;

	for (p = 0; p < rl->n_points; p++) {
		const struct sim_rec_lock_point *rp = &rl->points[p];

		for (q = 0; q < ol->n_points; q++)
			if (g_strcmp0(ol->points[q].site, rp->site) == 0)
				break;
		if (q == ol->n_points) {
			ol->points = g_renew(struct sim_out_lock_point,
					     ol->points, ol->n_points + 1);
			ol->points[ol->n_points++] =
				(struct sim_out_lock_point){ rp->site, 0 };
		}
		ol->points[q].count += rp->count;
	}
}

/* Most contended first; the "other sites" bucket last; ties by site. */
static int point_cmp(const void *a, const void *b)
{
	const struct sim_out_lock_point *x = a, *y = b;

	if (!x->site != !y->site)
		return x->site ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return g_strcmp0(x->site, y->site);
}

static void build_locks(struct sim_out_group *g, struct sim_hist *tmp)
{
	GPtrArray *names = g_ptr_array_new();
	unsigned r, i, l;

	for (r = 0; r < g->n_rep; r++)
		for (i = 0; i < g->reps[r]->n_locks; i++)
			add_name(names, g->reps[r]->locks[i].name);
	g->n_locks = names->len;
	g->locks = g_new0(struct sim_out_lock, names->len + 1);
	for (l = 0; l < names->len; l++) {
		struct sim_out_lock *ol = &g->locks[l];

		ol->name = g_ptr_array_index(names, l);
		ol->wait = hist_new();
		ol->hold = hist_new();
		ol->wait_read = hist_new();
		ol->hold_read = hist_new();
		for (r = 0; r < g->n_rep; r++)
			for (i = 0; i < g->reps[r]->n_locks; i++) {
				const struct sim_rec_lock *rl = &g->reps[r]->locks[i];

				if (strcmp(rl->name, ol->name) != 0)
					continue;
				ol->acquisitions += rl->acquisitions;
				ol->acquisitions_read += rl->acquisitions_read;
				ol->contentions += rl->contentions;
				sim_hist_sparse_expand(&rl->wait, tmp);
				sim_hist_merge(ol->wait, tmp);
				sim_hist_sparse_expand(&rl->hold, tmp);
				sim_hist_merge(ol->hold, tmp);
				ol->contentions_read += rl->contentions_read;
				ol->acq_bounces += rl->acq_bounces;
				ol->con_bounces += rl->con_bounces;
				ol->acq_bounces_read += rl->acq_bounces_read;
				ol->con_bounces_read += rl->con_bounces_read;
				sim_hist_sparse_expand(&rl->wait_read, tmp);
				sim_hist_merge(ol->wait_read, tmp);
				sim_hist_sparse_expand(&rl->hold_read, tmp);
				sim_hist_merge(ol->hold_read, tmp);
				merge_points(ol, rl);
			}
		if (ol->n_points)
			qsort(ol->points, ol->n_points, sizeof(ol->points[0]),
			      point_cmp);
	}
	g_ptr_array_unref(names);
}

/* Replica pairs of g and its baseline: positions in each's reps. */
static unsigned pairs(const struct sim_out_group *g,
		      const struct sim_out_group *b, unsigned *ig, unsigned *ib)
{
	unsigned i = 0, j = 0, n = 0;

	while (i < g->n_rep && j < b->n_rep) {
		unsigned ra = g->reps[i]->id.replica, rb = b->reps[j]->id.replica;

		if (ra == rb) {
			ig[n] = i++;
			ib[n++] = j++;
		} else if (ra < rb) {
			i++;
		} else {
			j++;
		}
	}
	return n;
}

static void build_cmp(struct sim_out *out, struct sim_out_group *g)
{
	const struct sim_out_group *b = g->base;
	unsigned no = out->ops->len, o, c, k, n;
	unsigned *ig = g_new(unsigned, g->n_rep + 1);
	unsigned *ib = g_new(unsigned, g->n_rep + 1);
	double *va = g_new(double, g->n_rep + 1);
	double *vb = g_new(double, g->n_rep + 1);

	n = g->n_pairs = pairs(g, b, ig, ib);
	g->cmp = g_new0(struct sim_out_cmp_op, no + 1);
	for (o = 0; o < no; o++) {
		const struct sim_out_op *oa = &g->ops[o], *ob = &b->ops[o];

		for (c = 0; c < SIM_OUT_NCMP; c++) {
			unsigned m = 0;

			/* a replica without the op has no percentile */
			for (k = 0; k < n; k++) {
				if (!oa->count[ig[k]] || !ob->count[ib[k]])
					continue;
				va[m] = oa->pct[c][ig[k]];
				vb[m++] = ob->pct[c][ib[k]];
			}
			g->cmp[o].present = m > 0;
			g->cmp[o].p[c] = sim_stats_paired95(va, vb, m);
		}
	}
	for (k = 0; k < n; k++) {
		va[k] = g->throughput[ig[k]];
		vb[k] = b->throughput[ib[k]];
	}
	g->cmp_throughput = sim_stats_paired95(va, vb, n);
	/* the op whose p99 rose most (or fell least) */
	g->worst_p99 = -1;
	for (o = 0; o < no; o++) {
		const struct sim_paired *p = &g->cmp[o].p[1];

		if (g->cmp[o].present && p->rel == p->rel &&
		    (g->worst_p99 < 0 || p->rel > g->cmp[g->worst_p99].p[1].rel))
			g->worst_p99 = (int)o;
	}
	g_free(ig);
	g_free(ib);
	g_free(va);
	g_free(vb);
}

static void verdict_violations(const struct sim_out *out,
			       const struct sim_out_group *g, GString *s)
{
	unsigned k;
	bool first = true;

	if (g->n_rep == 0) {
		g_string_append(s, "no replica finished");
		return;
	}
	if (!g->viol_total) {
		g_string_append_printf(s, "no violation in %u/%u replicas",
				       g->n_rep, g->n_rep);
		return;
	}
	g_string_append_printf(s, "violations in %u/%u replicas (",
			       g->violating_reps, g->n_rep);
	for (k = 0; k < out->kinds->len; k++) {
		if (!g->viol[k])
			continue;
		g_string_append_printf(s, "%s%s %" G_GUINT64_FORMAT,
				       first ? "" : ", ",
				       (const char *)g_ptr_array_index(out->kinds, k),
				       g->viol[k]);
		first = false;
	}
	g_string_append_c(s, ')');
}

static void verdict_rel(GString *s, const struct sim_paired *p)
{
	char buf[64];

	sim_stats_format_rel(p, buf, sizeof(buf));
	g_string_append(s, buf);
	if (p->n >= 2 && !sim_stats_paired_significant(p))
		g_string_append(s, " (n.s.)");
}

/* "i_mmap_sem: no violation in 16/16 replicas; mmap_read p99 +38.0% ±4.1%
 * vs lockless; throughput -3.1% ±0.9%": the op whose p99 moved most. */
static void build_verdict(const struct sim_out *out, struct sim_out_group *g)
{
	GString *s = g_string_new(NULL);
	int best = -1;
	double best_abs = -1;
	unsigned o;

	g_string_append_printf(s, "%s: ", g->name);
	verdict_violations(out, g, s);
	if (!g->base) {
		if (out->plan->n_strategies > 1)
			g_string_append(s, "; baseline");
		g->verdict = g_string_free(s, FALSE);
		return;
	}
	for (o = 0; o < out->ops->len; o++) {
		const struct sim_paired *p = &g->cmp[o].p[1];

		if (g->cmp[o].present && p->rel == p->rel &&
		    fabs(p->rel) > best_abs) {
			best = (int)o;
			best_abs = fabs(p->rel);
		}
	}
	if (best >= 0) {
		g_string_append_printf(s, "; %s p99 ",
				       (const char *)g_ptr_array_index(out->ops, best));
		verdict_rel(s, &g->cmp[best].p[1]);
		g_string_append_printf(s, " vs %s", g->base->name);
	}
	if (g->n_pairs && g->cmp_throughput.rel == g->cmp_throughput.rel) {
		g_string_append(s, "; throughput ");
		verdict_rel(s, &g->cmp_throughput);
	}
	g->verdict = g_string_free(s, FALSE);
}

/* The safe strategies at point p (safe in every replica of the plan),
 * by mean throughput: the best and the next, compared paired. */
static void build_cheapest(struct sim_out *out, unsigned p)
{
	const struct sim_plan *plan = out->plan;
	const struct sim_out_group *gs = &out->groups[p * plan->n_strategies];
	struct sim_out_cheapest *c = &out->cheapest[p];
	double best = -1, next = -1;
	unsigned s, n, k;

	c->best = c->next = -1;
	for (s = 0; s < plan->n_strategies; s++) {
		const struct sim_out_group *g = &gs[s];
		double m;

		if (g->word != SIM_OUT_SAFE || g->n_rep < plan->replicas)
			continue;
		m = sim_stats_mean(g->throughput, g->n_rep);
		if (m > best) {
			c->next = c->best;
			next = best;
			c->best = (int)s;
			best = m;
		} else if (m > next) {
			c->next = (int)s;
			next = m;
		}
	}
	if (c->best < 0 || c->next < 0)
		return;
	{
		const struct sim_out_group *a = &gs[c->best], *b = &gs[c->next];
		unsigned *ia = g_new(unsigned, a->n_rep + 1);
		unsigned *ib = g_new(unsigned, a->n_rep + 1);
		double *va = g_new(double, a->n_rep + 1);
		double *vb = g_new(double, a->n_rep + 1);

		n = pairs(a, b, ia, ib);
		for (k = 0; k < n; k++) {
			va[k] = a->throughput[ia[k]];
			vb[k] = b->throughput[ib[k]];
		}
		c->best_vs_next = sim_stats_paired95(va, vb, n);
		c->within_noise = !sim_stats_paired_significant(&c->best_vs_next);
		g_free(ia);
		g_free(ib);
		g_free(va);
		g_free(vb);
	}
}

struct sim_out *sim_out_build(const struct sim_plan *plan,
			      const struct sim_run *run,
			      const char *const *model_kinds)
{
	struct sim_out *out = g_new0(struct sim_out, 1);
	struct sim_hist *tmp = hist_new();
	unsigned i, p, s, r;

	out->plan = plan;
	out->run = run;
	out->kinds = g_ptr_array_new();
	out->ops = g_ptr_array_new();
	for (i = 0; model_kinds && model_kinds[i]; i++)
		add_name(out->kinds, model_kinds[i]);
	for (i = 0; i < plan->n_jobs; i++) {
		const struct sim_job_rec *rec = run->recs[i];
		unsigned j;

		if (!rec)
			continue;
		for (j = 0; j < rec->n_kinds; j++)
			add_name(out->kinds, rec->kinds[j].name);
		for (j = 0; j < rec->n_ops; j++)
			add_name(out->ops, rec->ops[j].name);
	}

	out->n_groups = plan->n_points * plan->n_strategies;
	out->groups = g_new0(struct sim_out_group, out->n_groups + 1);
	for (p = 0; p < plan->n_points; p++)
		for (s = 0; s < plan->n_strategies; s++) {
			struct sim_out_group *g =
				&out->groups[p * plan->n_strategies + s];

			g->point = p;
			g->strategy = s;
			g->worst_p99 = -1;
			g->name = plan->strategies[s];
			g->sweep_value = plan->sweep_values ?
					 plan->sweep_values[p] : NULL;
			g->reps = g_new0(const struct sim_job_rec *,
					 plan->replicas + 1);
			for (r = 0; r < plan->replicas; r++) {
				const struct sim_job_rec *rec =
					run->recs[sim_plan_index(plan, p, s, r)];

				if (!rec)
					continue;
				g->reps[g->n_rep++] = rec;
				g->sim_time += rec->sim_time;
				g->events += rec->events;
				g->wall_s += rec->wall_s;
				if (r == 0)
					g->timeline = rec;
			}
			build_violations(out, g);
			build_ops(out, g, tmp);
			build_locks(g, tmp);
			if (s > 0) {
				g->base = &out->groups[p * plan->n_strategies];
				build_cmp(out, g);
			}
			build_verdict(out, g);
		}
	out->cheapest = g_new0(struct sim_out_cheapest, plan->n_points + 1);
	for (p = 0; p < plan->n_points; p++)
		build_cheapest(out, p);
	g_free(tmp);
	return out;
}

void sim_out_set_explore(struct sim_out *out, const struct sim_explore_run *x)
{
	const struct sim_plan *plan = out->plan;
	unsigned i, p;

	out->explore = x;
	if (!x)
		return;
	/* a schedule with a violation makes the strategy unsafe, however
	 * clean its replicas were */
	for (i = 0; i < x->n_groups; i++) {
		const struct sim_explore_group *eg = &x->groups[i];
		struct sim_out_group *g;

		if (eg->point >= plan->n_points ||
		    eg->strategy >= plan->n_strategies || !eg->violating)
			continue;
		g = &out->groups[eg->point * plan->n_strategies + eg->strategy];
		if (g->word == SIM_OUT_SAFE)
			g->word = SIM_OUT_UNSAFE;
	}
	for (p = 0; p < plan->n_points; p++)
		build_cheapest(out, p);
}

void sim_out_free(struct sim_out *out)
{
	unsigned i, o, c, l;

	if (!out)
		return;
	for (i = 0; i < out->n_groups; i++) {
		struct sim_out_group *g = &out->groups[i];

		for (o = 0; o < out->ops->len; o++) {
			g_free(g->ops[o].h);
			g_free(g->ops[o].faults);
			g_free(g->ops[o].count);
			for (c = 0; c < SIM_OUT_NCMP; c++)
				g_free(g->ops[o].pct[c]);
		}
		for (l = 0; l < g->n_locks; l++) {
			g_free(g->locks[l].wait);
			g_free(g->locks[l].hold);
			g_free(g->locks[l].wait_read);
			g_free(g->locks[l].hold_read);
			g_free(g->locks[l].points);
		}
		g_free(g->ops);
		g_free(g->locks);
		g_free(g->reps);
		g_free(g->viol);
		g_free(g->viol_reps);
		g_free(g->first_rec);
		g_free(g->first);
		g_free(g->throughput);
		g_free(g->cmp);
		g_free(g->verdict);
	}
	g_free(out->groups);
	g_free(out->cheapest);
	g_ptr_array_unref(out->kinds);
	g_ptr_array_unref(out->ops);
	g_free(out);
}
