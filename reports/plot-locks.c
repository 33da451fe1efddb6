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

struct lockwait_ctx {
	const char *cls;
	double min_frac;        /* the smallest fraction drawn */
};

static gboolean lockwait_drawn(const struct rep_strategy *s, void *ctx)
{
	return drawable(rep_strategy_lock(s, ((struct lockwait_ctx *)ctx)->cls));
}

static gint64 lockwait_count(const struct rep_strategy *s, void *ctx)
{
	return bucket_total(rep_strategy_lock(s, ((struct lockwait_ctx *)ctx)->cls)->wait_buckets);
}

static void lockwait_rows(GString *dat, const struct rep_strategy *s, void *ctx,
			  struct report_curve_range *r)
{
	struct lockwait_ctx *c = ctx;
	const struct rep_lock *l = rep_strategy_lock(s, c->cls);
	gint64 total = bucket_total(l->wait_buckets), rest = total;
	const struct rep_bucket *b = NULL;
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	double frac = 1;
	guint j;

	for (j = 0; j < l->wait_buckets->len; j++) {
		b = &g_array_index(l->wait_buckets, struct rep_bucket, j);
		frac = (double)rest / (double)total;
		rest -= b->count;
		if (b->lo_ns <= 0)
			continue;
		g_string_append_printf(dat, "%" G_GINT64_FORMAT " %s\n",
				       b->lo_ns, report_num(buf, frac));
		r->min_ns = MIN(r->min_ns, (double)b->lo_ns);
		c->min_frac = MIN(c->min_frac, frac);
	}
	g_string_append_printf(dat, "%" G_GINT64_FORMAT " %s\n",
			       b->hi_ns + 1, report_num(buf, frac));
	r->max_ns = MAX(r->max_ns, (double)(b->hi_ns + 1));
}

static void lockwait_axes(GString *gp, void *ctx, const struct report_curve_range *r,
			  struct report_unit u)
{
	const struct lockwait_ctx *c = ctx;
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	report_gp_line(gp, "set xlabel 'wait time t (%s, log scale)'", u.name);
	report_gp_line(gp, "set ylabel 'fraction of waits lasting t or longer (log scale)'");
	report_gp_log_axis(gp, "x", r->min_ns / u.div, r->max_ns / u.div);
	report_gp_line(gp, "set logscale y");
	report_gp_line(gp, "set format y '%%g'");
	report_gp_line(gp, "set grid xtics ytics mxtics lt 1 lc rgb '#dddddd', lt 1 lc rgb '#f0f0f0'");
	report_gp_line(gp, "set yrange [%s:1.5]",
		       report_num(buf, pow(10, floor(log10(c->min_frac) - 0.01))));
}

static void lockwait_series(GString *gp, const struct rep_strategy *s,
			    const char *div, void *ctx)
{
	(void)ctx;
	g_string_append_printf(gp, "($1/%s):2 with steps lw 2 lc rgb '%s' ", div,
			       report_strategy_color(s->color));
}

static const struct report_curve_ops lockwait_ops = {
	.section = REPORT_SEC_LOCKS,
	.count_unit = "waits",
	.key = "set key top right title 'strategy (contended waits)'",
	.drawn = lockwait_drawn,
	.count = lockwait_count,
	.rows = lockwait_rows,
	.axes = lockwait_axes,
	.series = lockwait_series,
};

static gboolean plot_class(struct report_plots *p, guint point, const char *cls,
			   GError **err)
{
	struct lockwait_ctx c = { .cls = cls, .min_frac = 1 };
	char *suffix = report_point_suffix(p->run, point);
	char *base = g_strconcat("lockwait-", cls, NULL);
	char *caption = g_strdup_printf("%s: wait-time distribution%s", cls, suffix);
	char *title = g_strdup_printf("%s: lock wait time of contended acquisitions%s",
				      cls, suffix);
	char *header = g_strdup_printf(
		"# %s: wait times of contended acquisitions, all replicas%s\n"
		"# one block per strategy; columns: t_ns  fraction_of_waits_>=_t\n"
		"# (from wait_buckets: t is a bucket's lower edge; the last row closes\n"
		"# the staircase at the last bucket's upper edge)\n", cls, suffix);
	struct report_curves rc = {
		.ops = &lockwait_ops, .ctx = &c, .point = point, .base = base,
		.caption = caption, .title = title, .dat_header = header,
	};
	gboolean ok = report_plot_curves(p, &rc, err);

	g_free(header);
	g_free(title);
	g_free(caption);
	g_free(base);
	g_free(suffix);
	return ok;
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
