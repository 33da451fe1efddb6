/* reports/plot-violations.c — violations per strategy: a clustered bar
 * chart, one cluster per violation kind, one bar per strategy (per sweep
 * point in a sweep).
 *
 * Bars are drawn with boxxyerror at computed offsets rather than gnuplot's
 * histogram style, so the same script works on a log axis: counts that
 * span two decades or more get a log y axis (bars from 0.5), and a zero is
 * labelled "0" at the base instead of vanishing.  No plot when no strategy
 * at the point has any violation (the page says so).
 */
#include "config.h"

#include <math.h>

#include "reports/fmt.h"
#include "reports/plot.h"

static gint64 count_of(const struct rep_strategy *s, const char *kind)
{
	guint i;

	for (i = 0; i < s->violations->len; i++) {
		const struct rep_count *c = &g_array_index(s->violations, struct rep_count, i);

		if (g_strcmp0(c->kind, kind) == 0)
			return c->count;
	}
	return 0;
}

static gboolean plot_point(struct report_plots *p, guint point, GError **err)
{
	const struct rep_run *run = p->run;
	const struct rep_point *pt = run->points->pdata[point];
	guint ns = pt->strategies->len, nk = run->kind_names->len;
	char buf[G_ASCII_DTOSTR_BUF_SIZE], buf2[G_ASCII_DTOSTR_BUF_SIZE];
	gint64 max = 0, min_pos = G_MAXINT64;
	double width = 0.8 / ns, base;
	struct report_plot *pl;
	gboolean logy;
	GString *dat, *gp;
	char *suffix, *what;
	guint i, k;

	for (i = 0; i < ns; i++)
		for (k = 0; k < nk; k++) {
			gint64 c = count_of(pt->strategies->pdata[i], run->kind_names->pdata[k]);

			max = MAX(max, c);
			if (c > 0)
				min_pos = MIN(min_pos, c);
		}
	if (max == 0)
		return TRUE;
	logy = max >= 100 * min_pos;
	base = logy ? 0.5 : 0;

	suffix = report_point_suffix(run, point);
	pl = report_plot_add(p, REPORT_SEC_VIOLATIONS, "violations", (int)point,
			     g_strdup_printf("violations by kind and strategy%s", suffix));
	dat = g_string_new(NULL);
	g_string_append_printf(dat,
		"# violations by kind, summed over replicas%s\n"
		"# one block per strategy; columns: kind_index  count  replicas_affected  # kind\n",
		suffix);
	for (i = 0; i < ns; i++) {
		const struct rep_strategy *s = pt->strategies->pdata[i];

		g_string_append_printf(dat, "%s# index %u: %s (%" G_GINT64_FORMAT " replicas)\n",
				       i ? "\n\n" : "", i, s->name, s->replicas);
		for (k = 0; k < nk; k++) {
			const char *kind = run->kind_names->pdata[k];
			gint64 rep = 0;
			guint j;

			for (j = 0; j < s->violations->len; j++)
				if (g_strcmp0(g_array_index(s->violations, struct rep_count, j).kind, kind) == 0)
					rep = g_array_index(s->violations, struct rep_count, j).replicas;
			g_string_append_printf(dat, "%u %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " # %s\n",
					       k, count_of(s, kind), rep, kind);
		}
	}
	if (!report_dat_write(p, pl, dat, err))
		goto fail;

	what = g_strdup_printf("Violations by kind, all replicas%s", suffix);
	gp = report_gp_begin(p, pl, what, 900, 520);
	report_gp_title(gp, what);
	g_free(what);
	report_gp_line(gp, "set ylabel 'violations (count%s)'", logy ? ", log scale" : "");
	report_gp_line(gp, "set xlabel 'violation kind (bar label: count)'");
	if (logy) {
		report_gp_line(gp, "set logscale y");
		report_gp_line(gp, "set yrange [0.5:%s]", report_num(buf, max * 3.0));
	} else {
		report_gp_line(gp, "set yrange [0:%s]", report_num(buf, ceil(max * 1.15 + 0.5)));
	}
	report_gp_line(gp, "set format y '%%g'");
	report_gp_line(gp, "set grid noxtics ytics");
	report_gp_line(gp, "set xrange [-0.6:%s]", report_num(buf, nk - 0.4));
	report_gp_line(gp, "set xtics scale 0");
	g_string_append(gp, "    set xtics (");
	for (k = 0; k < nk; k++) {
		g_string_append_printf(gp, "%s", k ? ", " : "");
		report_gp_tic_label(gp, run->kind_names->pdata[k]);
		g_string_append_printf(gp, " %u", k);
	}
	g_string_append(gp, ")\n");
	report_gp_line(gp, "set style fill solid 0.85 border rgb '#333333'");
	report_gp_line(gp, "set key top right title 'strategy'");
	g_string_append(gp, "    plot ");
	for (i = 0; i < ns; i++) {
		const struct rep_strategy *s = pt->strategies->pdata[i];
		double off = (i - (ns - 1) / 2.0) * width;

		report_num(buf, off);
		report_num(buf2, width / 2);
		g_string_append_printf(gp,
			"%s'%s.dat' index %u using ($1+%s):($2>0?$2:NaN):($1+%s-%s):($1+%s+%s):(%s):($2>0?$2:NaN) with boxxyerror lc rgb '%s' title ",
			i ? ", \\\n         " : "", pl->name, i, buf, buf, buf2, buf, buf2,
			base > 0 ? "0.5" : "0", report_strategy_color(s->color));
		report_gp_str(gp, s->name);
		g_string_append_printf(gp,
			", \\\n         '' index %u using ($1+%s):($2>0?$2:%s):(sprintf('%%d',$2)) with labels offset 0,0.7 font ',8' notitle",
			i, buf, base > 0 ? "0.5" : "0");
	}
	g_string_append_c(gp, '\n');
	g_free(suffix);
	return report_gp_end(p, pl, gp, err);
fail:
	g_free(suffix);
	return FALSE;
}

gboolean report_plot_violations(struct report_plots *p, GError **err)
{
	guint pt;

	for (pt = 0; pt < p->run->points->len; pt++)
		if (!plot_point(p, pt, err))
			return FALSE;
	return TRUE;
}
