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

static gboolean plot_op(struct report_plots *p, guint point, const char *op,
			GError **err)
{
	const struct rep_run *run = p->run;
	const struct rep_point *pt = run->points->pdata[point];
	GPtrArray *drawn = g_ptr_array_new();
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	double min_ns = INFINITY, max_ns = 0, max_nines = 0;
	struct report_plot *pl;
	struct report_unit u;
	GString *dat, *gp;
	char *suffix, *what;
	guint i, j, blk;

	for (i = 0; i < pt->strategies->len; i++) {
		const struct rep_latency *l =
			rep_strategy_op(pt->strategies->pdata[i], op);

		for (j = 0; l && j < l->pcts->len; j++)
			if (g_array_index(l->pcts, struct rep_pct, j).ns > 0)
				break;
		if (l && j < l->pcts->len)
			g_ptr_array_add(drawn, pt->strategies->pdata[i]);
	}
	if (!drawn->len) {      /* nothing positive to put on a log axis */
		g_ptr_array_unref(drawn);
		return TRUE;
	}

	suffix = report_point_suffix(run, point);
	pl = report_plot_add(p, REPORT_SEC_LATENCY,
			     (what = g_strconcat("latency-", op, NULL)),
			     (int)point,
			     g_strdup_printf("%s latency by percentile%s", op, suffix));
	g_free(what);

	dat = g_string_new(NULL);
	g_string_append_printf(dat,
		"# %s latency percentiles, all replicas merged%s\n"
		"# one block per strategy (gnuplot index 0, 1, ...); columns:\n"
		"# percentile  nines=-log10(1-p/100)  latency_ns\n", op, suffix);
	for (i = 0; i < drawn->len; i++) {
		const struct rep_strategy *s = drawn->pdata[i];
		const struct rep_latency *l = rep_strategy_op(s, op);

		g_string_append_printf(dat, "%s# index %u: %s (%" G_GINT64_FORMAT " ops)\n",
				       i ? "\n\n" : "", i, s->name, l->count);
		for (j = 0; j < l->pcts->len; j++) {
			const struct rep_pct *pc = &g_array_index(l->pcts, struct rep_pct, j);
			double n = report_nines(pc->p);

			if (!(pc->ns > 0))
				continue;
			g_string_append_printf(dat, "%s", report_num(buf, pc->p));
			g_string_append_printf(dat, " %s", report_num(buf, n));
			g_string_append_printf(dat, " %s\n", report_num(buf, pc->ns));
			min_ns = MIN(min_ns, pc->ns);
			max_ns = MAX(max_ns, pc->ns);
			max_nines = MAX(max_nines, n);
		}
	}
	if (!report_dat_write(p, pl, dat, err))
		goto fail;

	u = report_time_unit(max_ns);
	what = g_strdup_printf("%s latency by percentile%s", op, suffix);
	gp = report_gp_begin(p, pl, what, 900, 560);
	report_gp_title(gp, what);
	g_free(what);
	report_gp_line(gp, "set xlabel 'percentile (spaced by nines: -log10(1 - p/100))'");
	report_gp_line(gp, "set ylabel 'latency (%s, log scale)'", u.name);
	report_gp_log_axis(gp, "y", min_ns / u.div, max_ns / u.div);
	report_gp_line(gp, "set grid xtics ytics mytics lt 1 lc rgb '#dddddd', lt 1 lc rgb '#f0f0f0'");
	report_gp_line(gp, "set xrange [0:%s]", report_num(buf, ceil(max_nines * 10 + 1.5) / 10));
	g_string_append(gp, "    set xtics (");
	for (i = 0; i < G_N_ELEMENTS(ticks); i++) {
		if (report_nines(ticks[i].p) > max_nines + 0.05)
			break;
		g_string_append_printf(gp, "%s'%s' %s", i ? ", " : "", ticks[i].label,
				       report_num(buf, report_nines(ticks[i].p)));
	}
	g_string_append(gp, ")\n");
	report_gp_line(gp, "set key top left title 'strategy (ops)'");
	g_string_append(gp, "    plot ");
	for (blk = 0; blk < drawn->len; blk++) {
		const struct rep_strategy *s = drawn->pdata[blk];
		char *title = g_strdup_printf("%s (%" G_GINT64_FORMAT ")", s->name,
					      rep_strategy_op(s, op)->count);

		g_string_append_printf(gp,
			"%s'%s.dat' index %u using 2:($3/%s) with linespoints lw 2 pt %d ps 0.9 lc rgb '%s' title ",
			blk ? ", \\\n         " : "", pl->name, blk, report_num(buf, u.div),
			report_strategy_point_type(s->color), report_strategy_color(s->color));
		report_gp_str(gp, title);
		g_free(title);
	}
	g_string_append_c(gp, '\n');
	if (!report_gp_end(p, pl, gp, err))
		goto fail;
	g_free(suffix);
	g_ptr_array_unref(drawn);
	return TRUE;
fail:
	g_free(suffix);
	g_ptr_array_unref(drawn);
	return FALSE;
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
