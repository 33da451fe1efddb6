/* sim/run/output_summary.c — the summary the text output opens with (after
 * the run header): the answer first.  Per sweep point one table, a row
 * per strategy:
 *
 *   strategy  violating  violations  [e2fsck]  throughput  worst p99  verdict
 *
 * violating replicas / replicas finished, the violations by kind (summed
 * over the replicas), throughput (ops per simulated second: the baseline's
 * mean ± 95% half-width, the others' mean and paired change vs the
 * baseline), the op whose p99 rose most vs the baseline with its paired
 * CI, and one verdict word (sim_out_word_name).  Then one line naming the
 * cheapest strategy that was safe in every replica: the safe one with the
 * highest throughput, and when the next safe one is within noise of it
 * (paired 95% CI of their difference includes 0) both are named.
 *
 * Columns are a table (struct col) so one that only some runs have can
 * say when it is present: the e2fsck column (images clean / images
 * checked) only when the run exported images (--image).
 */
#include "config.h"

#include <string.h>

#include "sim/run/output.h"
#include "sim/run/explore.h"

/* "1.75 M", "15.8 k", "912": three significant digits. */
static void fmt_rate(double v, char *buf, size_t len)
{
	if (v != v)
		g_snprintf(buf, len, "n/a");
	else if (v >= 1e6)
		g_snprintf(buf, len, "%.3g M", v / 1e6);
	else if (v >= 1e3)
		g_snprintf(buf, len, "%.3g k", v / 1e3);
	else
		g_snprintf(buf, len, "%.3g", v);
}

static void rel(const struct sim_paired *p, char *buf, size_t len)
{
	sim_stats_format_rel(p, buf, len);
	if (p->n >= 2 && p->rel == p->rel && !sim_stats_paired_significant(p))
		g_strlcat(buf, " (n.s.)", len);
}

typedef void (*cell_fn)(const struct sim_out *out,
			const struct sim_out_group *g, GString *s);

struct col {
	const char *title;
	/* Whether the column is shown for this run (NULL: always). */
	bool (*present)(const struct sim_out *out);
	cell_fn cell;
};

static void cell_strategy(const struct sim_out *out,
			  const struct sim_out_group *g, GString *s)
{
	(void)out;
	g_string_append(s, g->name);
}

static void cell_violating(const struct sim_out *out,
			   const struct sim_out_group *g, GString *s)
{
	(void)out;
	g_string_append_printf(s, "%u/%u", g->violating_reps, g->n_rep);
}

static void cell_kinds(const struct sim_out *out,
		       const struct sim_out_group *g, GString *s)
{
	unsigned k;

	for (k = 0; k < out->kinds->len; k++)
		if (g->viol[k])
			g_string_append_printf(s, "%s%s %" G_GUINT64_FORMAT,
					       s->len ? ", " : "",
					       (const char *)g_ptr_array_index(out->kinds, k),
					       g->viol[k]);
	if (g->deadlock_reps)
		g_string_append_printf(s, "%s%u stopped on a deadlock",
				       s->len ? "; " : "", g->deadlock_reps);
	if (!s->len)
		g_string_append(s, "-");
}

static void cell_throughput(const struct sim_out *out,
			    const struct sim_out_group *g, GString *s)
{
	char a[32], h[32], r[64];

	(void)out;
	if (!g->n_rep) {
		g_string_append(s, "-");
		return;
	}
	if (!g->base || !g->n_pairs) {
		struct sim_ci ci = sim_stats_ci95(g->throughput, g->n_rep);

		fmt_rate(ci.mean, a, sizeof(a));
		g_string_append(s, a);
		if (ci.half == ci.half) {
			fmt_rate(ci.half, h, sizeof(h));
			g_string_append_printf(s, " \u00b1%s", h);
		}
		return;
	}
	fmt_rate(g->cmp_throughput.mean_a, a, sizeof(a));
	rel(&g->cmp_throughput, r, sizeof(r));
	g_string_append_printf(s, "%s %s", a, r);
}

static void cell_worst(const struct sim_out *out,
		       const struct sim_out_group *g, GString *s)
{
	char r[64];

	if (!g->base) {
		g_string_append(s, out->plan->n_strategies > 1 ? "(baseline)" : "-");
		return;
	}
	if (g->worst_p99 < 0) {
		g_string_append(s, "-");
		return;
	}
	rel(&g->cmp[g->worst_p99].p[1], r, sizeof(r));
	g_string_append_printf(s, "%s %s",
			       (const char *)g_ptr_array_index(out->ops, g->worst_p99),
			       r);
}

/* --image: the images e2fsck -fn found clean, "clean 3/4"; "-" for a
 * strategy none of whose jobs was judged. */
static bool judged(const struct sim_out *out)
{
	for (unsigned i = 0; i < out->n_groups; i++)
		for (unsigned r = 0; r < out->groups[i].n_rep; r++)
			if (out->groups[i].reps[r]->judge)
				return true;
	return false;
}

static void cell_e2fsck(const struct sim_out *out,
			const struct sim_out_group *g, GString *s)
{
	unsigned n = 0, clean = 0;

	(void)out;
	for (unsigned r = 0; r < g->n_rep; r++) {
		const struct sim_rec_judge *j = g->reps[r]->judge;

		if (!j || j->fsck_status < 0)
			continue;
		n++;
		clean += j->fsck_status == 0;
	}
	if (n)
		g_string_append_printf(s, "clean %u/%u", clean, n);
	else
		g_string_append(s, "-");
}

static void cell_word(const struct sim_out *out,
		      const struct sim_out_group *g, GString *s)
{
	(void)out;
	g_string_append(s, sim_out_word_name(g->word));
}

static const struct col cols[] = {
	{ "strategy", NULL, cell_strategy },
	{ "violating", NULL, cell_violating },
	{ "violations", NULL, cell_kinds },
	/* when images are on (--image) */
	{ "e2fsck", judged, cell_e2fsck },
	{ "throughput (ops/s)", NULL, cell_throughput },
	{ "worst p99 vs baseline", NULL, cell_worst },
	{ "verdict", NULL, cell_word },
};
#define NCOLS G_N_ELEMENTS(cols)

static unsigned width(const char *s)
{
	return (unsigned)g_utf8_strlen(s, -1);
}

static void put_padded(FILE *f, const char *s, unsigned w, bool last)
{
	if (last)
		fprintf(f, "%s\n", s);
	else
		fprintf(f, "%s%*s", s, (int)(w - width(s) + 2), "");
}

/* "cheapest safe: invalidate_lock, throughput -36.2% ±1.4% vs lockless;
 * +25.3% ±2.1% over i_mmap_sem, the next safe" — or, when the two are
 * within noise, "cheapest safe: A or B (within noise of each other: +1.0%
 * ±2.3%), throughput ... vs lockless". */
static void print_cheapest(FILE *f, const struct sim_out *out,
			   const struct sim_out_group *gs,
			   const struct sim_out_cheapest *c)
{
	const struct sim_out_group *b;
	bool tie;
	char r[64], a[32], h[32];

	if (c->best < 0) {
		fprintf(f, "  cheapest safe: none (no strategy was free of "
			"violations in all %u replicas%s)\n", out->plan->replicas,
			out->explore ? " and every explored schedule" : "");
		return;
	}
	b = &gs[c->best];
	tie = c->next >= 0 && c->within_noise;
	fprintf(f, "  cheapest safe: %s", b->name);
	if (tie) {
		sim_stats_format_rel(&c->best_vs_next, r, sizeof(r));
		fprintf(f, " or %s (within noise of each other: %s)",
			gs[c->next].name, r);
	}
	if (b->base && b->n_pairs) {
		rel(&b->cmp_throughput, r, sizeof(r));
		fprintf(f, ", throughput %s vs %s", r, b->base->name);
	} else {
		struct sim_ci ci = sim_stats_ci95(b->throughput, b->n_rep);

		fmt_rate(ci.mean, a, sizeof(a));
		fprintf(f, ", %s ops/s", a);
		if (ci.half == ci.half) {
			fmt_rate(ci.half, h, sizeof(h));
			fprintf(f, " \u00b1%s", h);
		}
		if (out->plan->n_strategies > 1)
			fprintf(f, " (the baseline)");
	}
	if (c->next < 0) {
		fprintf(f, "%s\n", out->plan->n_strategies > 1 ?
			"; the only safe strategy" : "");
	} else if (!tie) {
		sim_stats_format_rel(&c->best_vs_next, r, sizeof(r));
		fprintf(f, "; %s over %s, the next safe\n", r,
			gs[c->next].name);
	} else {
		fprintf(f, "\n");
	}
}

void sim_out_text_summary(const struct sim_out *out, FILE *f)
{
	const struct sim_plan *plan = out->plan;
	bool shown[NCOLS];
	unsigned w[NCOLS], p, s, c, last = 0;
	GString *cell = g_string_new(NULL);

	fprintf(f, "\n== summary");
	if (plan->n_strategies > 1)
		fprintf(f, ": baseline %s; changes paired over replicas, 95%% CI",
			plan->strategies[0]);
	fprintf(f, "\n");
	for (c = 0; c < NCOLS; c++) {
		shown[c] = !cols[c].present || cols[c].present(out);
		w[c] = width(cols[c].title);
		if (shown[c])
			last = c;
	}
	for (s = 0; s < out->n_groups; s++)
		for (c = 0; c < NCOLS; c++) {
			if (!shown[c])
				continue;
			g_string_truncate(cell, 0);
			cols[c].cell(out, &out->groups[s], cell);
			w[c] = MAX(w[c], width(cell->str));
		}
	for (p = 0; p < plan->n_points; p++) {
		const struct sim_out_group *gs = &out->groups[p * plan->n_strategies];

		if (plan->sweep_key)
			fprintf(f, "  [%s=%s]\n", plan->sweep_key,
				plan->sweep_values[p]);
		fprintf(f, "  ");
		for (c = 0; c < NCOLS; c++)
			if (shown[c])
				put_padded(f, cols[c].title, w[c], c == last);
		for (s = 0; s < plan->n_strategies; s++) {
			fprintf(f, "  ");
			for (c = 0; c < NCOLS; c++) {
				if (!shown[c])
					continue;
				g_string_truncate(cell, 0);
				cols[c].cell(out, &gs[s], cell);
				put_padded(f, cell->str, w[c], c == last);
			}
		}
		print_cheapest(f, out, gs, &out->cheapest[p]);
		if (out->explore)
			for (s = 0; s < out->explore->n_groups; s++) {
				const struct sim_explore_group *eg =
					&out->explore->groups[s];
				char *v;

				if (eg->point != p)
					continue;
				v = sim_explore_verdict(out->explore, s);
				fprintf(f, "  %s %s\n", eg->name, v);
				g_free(v);
			}
	}
	g_string_free(cell, TRUE);
}
