/* reports/plot-locks.c — lock wait-time distributions: one plot per lock
 * class (per sweep point in a sweep), one line per strategy.
 *
 * Drawn as the complementary CDF from the class's wait_buckets: y is the
 * fraction of contended acquisitions that waited at least t, both axes
 * logarithmic, so the common short waits and the rare long ones are both
 * readable (a histogram would flatten the tail).  The staircase takes each
 * bucket's lower edge; the buckets' 1% width bounds the error.  Buckets
 * with a lower edge of 0 cannot sit on a log axis and are left out of the
 * drawing (they still count in the fractions).
 */
#include "config.h"

#include <math.h>

#include "reports/fmt.h"
#include "reports/plot.h"

static gint64 bucket_total(const GArray *b)
{
	gint64 n = 0;
	guint i;

	for (i = 0; i < b->len; i++)
		n += g_array_index(b, struct rep_bucket, i).count;
	return n;
}

/* A strategy is drawn when its class has waits above 0 ns. */
static gboolean drawable(const struct rep_lock *l)
{
	guint i;

	for (i = 0; l && i < l->wait_buckets->len; i++)
		if (g_array_index(l->wait_buckets, struct rep_bucket, i).lo_ns > 0)
			return TRUE;
	return FALSE;
}

static gboolean plot_class(struct report_plots *p, guint point, const char *cls,
			   GError **err)
{
	const struct rep_run *run = p->run;
	const struct rep_point *pt = run->points->pdata[point];
	GPtrArray *drawn = g_ptr_array_new();
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	double min_ns = INFINITY, max_ns = 0, min_frac = 1;
	struct report_plot *pl;
	struct report_unit u;
	GString *dat, *gp;
	char *suffix, *what;
	guint i, j;

	for (i = 0; i < pt->strategies->len; i++)
		if (drawable(rep_strategy_lock(pt->strategies->pdata[i], cls)))
			g_ptr_array_add(drawn, pt->strategies->pdata[i]);
	if (!drawn->len) {
		g_ptr_array_unref(drawn);
		return TRUE;
	}

	suffix = report_point_suffix(run, point);
	what = g_strconcat("lockwait-", cls, NULL);
	pl = report_plot_add(p, REPORT_SEC_LOCKS, what, (int)point,
			     g_strdup_printf("%s: wait-time distribution%s", cls, suffix));
	g_free(what);

	dat = g_string_new(NULL);
	g_string_append_printf(dat,
		"# %s: wait times of contended acquisitions, all replicas%s\n"
		"# one block per strategy; columns: t_ns  fraction_of_waits_>=_t\n"
		"# (from wait_buckets: t is a bucket's lower edge; the last row closes\n"
		"# the staircase at the last bucket's upper edge)\n", cls, suffix);
	for (i = 0; i < drawn->len; i++) {
		const struct rep_strategy *s = drawn->pdata[i];
		const struct rep_lock *l = rep_strategy_lock(s, cls);
		gint64 total = bucket_total(l->wait_buckets), rest = total;
		const struct rep_bucket *b = NULL;
		double frac = 1;

		g_string_append_printf(dat, "%s# index %u: %s (%" G_GINT64_FORMAT " waits)\n",
				       i ? "\n\n" : "", i, s->name, total);
		for (j = 0; j < l->wait_buckets->len; j++) {
			b = &g_array_index(l->wait_buckets, struct rep_bucket, j);
			frac = (double)rest / (double)total;
			rest -= b->count;
			if (b->lo_ns <= 0)
				continue;
			g_string_append_printf(dat, "%" G_GINT64_FORMAT " %s\n",
					       b->lo_ns, report_num(buf, frac));
			min_ns = MIN(min_ns, (double)b->lo_ns);
			min_frac = MIN(min_frac, frac);
		}
		g_string_append_printf(dat, "%" G_GINT64_FORMAT " %s\n",
				       b->hi_ns + 1, report_num(buf, frac));
		max_ns = MAX(max_ns, (double)(b->hi_ns + 1));
	}
	if (!report_dat_write(p, pl, dat, err))
		goto fail;

	u = report_time_unit(max_ns);
	what = g_strdup_printf("%s: lock wait time of contended acquisitions%s", cls, suffix);
	gp = report_gp_begin(p, pl, what, 900, 560);
	report_gp_title(gp, what);
	g_free(what);
	report_gp_line(gp, "set xlabel 'wait time t (%s, log scale)'", u.name);
	report_gp_line(gp, "set ylabel 'fraction of waits lasting t or longer (log scale)'");
	report_gp_log_axis(gp, "x", min_ns / u.div, max_ns / u.div);
	report_gp_line(gp, "set logscale y");
	report_gp_line(gp, "set format y '%%g'");
	report_gp_line(gp, "set grid xtics ytics mxtics lt 1 lc rgb '#dddddd', lt 1 lc rgb '#f0f0f0'");
	report_gp_line(gp, "set yrange [%s:1.5]",
		       report_num(buf, pow(10, floor(log10(min_frac) - 0.01))));
	report_gp_line(gp, "set key top right title 'strategy (contended waits)'");
	g_string_append(gp, "    plot ");
	for (i = 0; i < drawn->len; i++) {
		const struct rep_strategy *s = drawn->pdata[i];
		char *title = g_strdup_printf("%s (%" G_GINT64_FORMAT ")", s->name,
			bucket_total(rep_strategy_lock(s, cls)->wait_buckets));

		g_string_append_printf(gp,
			"%s'%s.dat' index %u using ($1/%s):2 with steps lw 2 lc rgb '%s' title ",
			i ? ", \\\n         " : "", pl->name, i, report_num(buf, u.div),
			report_strategy_color(s->color));
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

gboolean report_plot_locks(struct report_plots *p, GError **err)
{
	const struct rep_run *run = p->run;
	guint pt, i;

	for (pt = 0; pt < run->points->len; pt++)
		for (i = 0; i < run->lock_names->len; i++)
			if (!plot_class(p, pt, run->lock_names->pdata[i], err))
				return FALSE;
	return TRUE;
}
