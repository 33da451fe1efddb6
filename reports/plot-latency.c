/* reports/plot-latency.c — latency percentile curves: one plot per op kind
 * (per sweep point in a sweep), one line per strategy.
 *
 * x is the "nines" of the percentile, -log10(1 - p/100), so 90%, 99%,
 * 99.9% and 99.99% are evenly spaced and the tail gets the room it needs;
 * y is latency on a log scale.  The points are the schema's percentiles
 * (those the text summary quotes), not a curve re-derived from buckets.
 */
#include "config.h"

#include <math.h>

#include "reports/fmt.h"
#include "reports/plot.h"

/* Percentiles that get a labelled tick (labels are gnuplot formats). */
static const struct { double p; const char *label; } ticks[] = {
	{ 0, "0%%" }, { 50, "50%%" }, { 90, "90%%" }, { 99, "99%%" },
	{ 99.9, "99.9%%" }, { 99.99, "99.99%%" }, { 99.999, "99.999%%" },
};

struct latency_ctx {
	const char *op;
	double max_nines;       /* the rightmost point's nines */
};

/* A strategy is drawn when the op has a positive percentile (the y axis
 * is logarithmic). */
static gboolean latency_drawn(const struct rep_strategy *s, void *ctx)
{
	const struct rep_latency *l = rep_strategy_op(s, ((struct latency_ctx *)ctx)->op);
	guint j;

	for (j = 0; l && j < l->pcts->len; j++)
		if (g_array_index(l->pcts, struct rep_pct, j).ns > 0)
			return TRUE;
	return FALSE;
}

static gint64 latency_count(const struct rep_strategy *s, void *ctx)
{
	return rep_strategy_op(s, ((struct latency_ctx *)ctx)->op)->count;
}

static void latency_rows(GString *dat, const struct rep_strategy *s, void *ctx,
			 struct report_curve_range *r)
{
	struct latency_ctx *c = ctx;
	const struct rep_latency *l = rep_strategy_op(s, c->op);
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	guint j;

	for (j = 0; j < l->pcts->len; j++) {
		const struct rep_pct *pc = &g_array_index(l->pcts, struct rep_pct, j);
		double n = report_nines(pc->p);

		if (!(pc->ns > 0))
			continue;
		g_string_append_printf(dat, "%s", report_num(buf, pc->p));
		g_string_append_printf(dat, " %s", report_num(buf, n));
		g_string_append_printf(dat, " %s\n", report_num(buf, pc->ns));
		r->min_ns = MIN(r->min_ns, pc->ns);
		r->max_ns = MAX(r->max_ns, pc->ns);
		c->max_nines = MAX(c->max_nines, n);
	}
}

static void latency_axes(GString *gp, void *ctx, const struct report_curve_range *r,
			 struct report_unit u)
{
	const struct latency_ctx *c = ctx;
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	guint i;

	report_gp_line(gp, "set xlabel 'percentile (spaced by nines: -log10(1 - p/100))'");
	report_gp_line(gp, "set ylabel 'latency (%s, log scale)'", u.name);
	report_gp_log_axis(gp, "y", r->min_ns / u.div, r->max_ns / u.div);
	report_gp_line(gp, "set grid xtics ytics mytics lt 1 lc rgb '#dddddd', lt 1 lc rgb '#f0f0f0'");
	report_gp_line(gp, "set xrange [0:%s]", report_num(buf, ceil(c->max_nines * 10 + 1.5) / 10));
	g_string_append(gp, "    set xtics (");
	for (i = 0; i < G_N_ELEMENTS(ticks); i++) {
		if (report_nines(ticks[i].p) > c->max_nines + 0.05)
			break;
		g_string_append_printf(gp, "%s'%s' %s", i ? ", " : "", ticks[i].label,
				       report_num(buf, report_nines(ticks[i].p)));
	}
	g_string_append(gp, ")\n");
}

static void latency_series(GString *gp, const struct rep_strategy *s,
			   const char *div, void *ctx)
{
	(void)ctx;
	g_string_append_printf(gp,
		"2:($3/%s) with linespoints lw 2 pt %d ps 0.9 lc rgb '%s' ", div,
		report_strategy_point_type(s->color), report_strategy_color(s->color));
}

static const struct report_curve_ops latency_ops = {
	.section = REPORT_SEC_LATENCY,
	.count_unit = "ops",
	.key = "set key top left title 'strategy (ops)'",
	.drawn = latency_drawn,
	.count = latency_count,
	.rows = latency_rows,
	.axes = latency_axes,
	.series = latency_series,
};

static gboolean plot_op(struct report_plots *p, guint point, const char *op,
			GError **err)
{
	struct latency_ctx c = { .op = op };
	char *suffix = report_point_suffix(p->run, point);
	char *base = g_strconcat("latency-", op, NULL);
	char *title = g_strdup_printf("%s latency by percentile%s", op, suffix);
	char *header = g_strdup_printf(
		"# %s latency percentiles, all replicas merged%s\n"
		"# one block per strategy (gnuplot index 0, 1, ...); columns:\n"
		"# percentile  nines=-log10(1-p/100)  latency_ns\n", op, suffix);
	struct report_curves rc = {
		.ops = &latency_ops, .ctx = &c, .point = point, .base = base,
		.caption = title, .title = title, .dat_header = header,
	};
	gboolean ok = report_plot_curves(p, &rc, err);

	g_free(header);
	g_free(title);
	g_free(base);
	g_free(suffix);
	return ok;
}

gboolean report_plot_latency(struct report_plots *p, GError **err)
{
	const struct rep_run *run = p->run;
	guint pt, i;

	for (pt = 0; pt < run->points->len; pt++)
		for (i = 0; i < run->op_names->len; i++)
			if (!plot_op(p, pt, run->op_names->pdata[i], err))
				return FALSE;
	return TRUE;
}
