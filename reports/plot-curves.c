/* reports/plot-curves.c — the skeleton shared by the figures that draw one
 * curve per strategy for one subject at one sweep point (plot-latency.c:
 * an op kind's percentiles; plot-locks.c: a lock class's wait
 * distribution): picking the strategies, the .dat blocks with their
 * headers, and the script around the writer's axes and series.  See
 * reports/plot.h.
 */
#include "config.h"

#include <math.h>

#include "reports/plot.h"

static gboolean write_curves(struct report_plots *p,
			     const struct report_curves *c,
			     const GPtrArray *drawn, GError **err)
{
	const struct report_curve_ops *ops = c->ops;
	struct report_curve_range r = { INFINITY, 0 };
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	struct report_plot *pl;
	struct report_unit u;
	GString *dat, *gp;
	guint i;

	pl = report_plot_add(p, ops->section, c->base, (int)c->point,
			     g_strdup(c->caption));
	dat = g_string_new(c->dat_header);
	for (i = 0; i < drawn->len; i++) {
		const struct rep_strategy *s = drawn->pdata[i];

		g_string_append_printf(dat, "%s# index %u: %s (%" G_GINT64_FORMAT " %s)\n",
				       i ? "\n\n" : "", i, s->name,
				       ops->count(s, c->ctx), ops->count_unit);
		ops->rows(dat, s, c->ctx, &r);
	}
	if (!report_dat_write(p, pl, dat, err))
		return FALSE;

	u = report_time_unit(r.max_ns);
	gp = report_gp_begin(p, pl, c->title, 900, 560);
	report_gp_title(gp, c->title);
	ops->axes(gp, c->ctx, &r, u);
	report_gp_line(gp, "%s", ops->key);
	g_string_append(gp, "    plot ");
	for (i = 0; i < drawn->len; i++) {
		const struct rep_strategy *s = drawn->pdata[i];
		char *title = g_strdup_printf("%s (%" G_GINT64_FORMAT ")", s->name,
					      ops->count(s, c->ctx));

		g_string_append_printf(gp, "%s'%s.dat' index %u using ",
				       i ? ", \\\n         " : "", pl->name, i);
		ops->series(gp, s, report_num(buf, u.div), c->ctx);
		g_string_append(gp, "title ");
		report_gp_str(gp, title);
		g_free(title);
	}
	g_string_append_c(gp, '\n');
	return report_gp_end(p, pl, gp, err);
}

gboolean report_plot_curves(struct report_plots *p,
			    const struct report_curves *c, GError **err)
{
	const struct rep_point *pt = p->run->points->pdata[c->point];
	GPtrArray *drawn = g_ptr_array_new();
	gboolean ok = TRUE;
	guint i;

	for (i = 0; i < pt->strategies->len; i++)
		if (c->ops->drawn(pt->strategies->pdata[i], c->ctx))
			g_ptr_array_add(drawn, pt->strategies->pdata[i]);
	/* nothing to draw: no figure at all (not an empty one) */
	if (drawn->len)
		ok = write_curves(p, c, drawn, err);
	g_ptr_array_unref(drawn);
	return ok;
}
