/* reports/plot-sweep.c — sweep curves, drawn only when plan.sweep is set:
 * p99 latency per op (one panel each), throughput, and the share of
 * replicas with a violation, each against the swept value, one line per
 * strategy.
 *
 * Swept values are text in the schema.  When all of them read as numbers
 * the x axis is numeric (logarithmic when they span 20x or more, as
 * numjobs = 1, 2, 4 ... 64 does); otherwise the points are evenly spaced
 * and labelled with the text.
 */
#include "config.h"

#include <math.h>

#include "reports/fmt.h"
#include "reports/plot.h"

struct sweep_axis {
	gboolean numeric, logx;
	double *x;              /* per point */
};

static void axis_init(struct sweep_axis *a, const struct rep_run *run)
{
	double lo = INFINITY, hi = -INFINITY;
	guint i;

	a->x = g_new(double, run->points->len);
	a->numeric = TRUE;
	for (i = 0; i < run->points->len; i++) {
		const char *v = ((struct rep_point *)run->points->pdata[i])->value;
		char *end;

		a->x[i] = v ? g_ascii_strtod(v, &end) : NAN;
		if (!v || end == v || *end || !isfinite(a->x[i]))
			a->numeric = FALSE;
		else {
			lo = MIN(lo, a->x[i]);
			hi = MAX(hi, a->x[i]);
		}
	}
	if (!a->numeric)
		for (i = 0; i < run->points->len; i++)
			a->x[i] = i;
	a->logx = a->numeric && lo > 0 && hi >= 20 * lo;
}

/* The x axis settings shared by every panel. */
static void gp_axis(GString *gp, const struct rep_run *run, const struct sweep_axis *a)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	guint i;

	g_string_append(gp, "    set xlabel ");
	report_gp_str(gp, run->sweep_key);
	g_string_append_c(gp, '\n');
	if (a->logx) {
		report_gp_line(gp, "set logscale x 2");
		report_gp_line(gp, "set format x '%%g'");
	}
	if (!a->numeric || a->logx || run->points->len <= 12) {
		/* tick exactly the swept values */
		g_string_append(gp, "    set xtics (");
		for (i = 0; i < run->points->len; i++) {
			g_string_append(gp, i ? ", " : "");
			report_gp_tic_label(gp, ((struct rep_point *)run->points->pdata[i])->value);
			g_string_append_printf(gp, " %s", report_num(buf, a->x[i]));
		}
		g_string_append(gp, ")\n");
	}
	if (!a->numeric || run->points->len == 1)
		report_gp_line(gp, "set offsets 0.3, 0.3, 0, 0");
	else if (!a->logx)
		report_gp_line(gp, "set offsets graph 0.03, graph 0.03, 0, 0");
}

/* Writes "x v1 v2 ...\n" rows per strategy name; get() gives column c of a
 * strategies[] entry (NaN: missing, written as '?'). */
typedef double (*sweep_get_fn)(const struct rep_run *run,
			       const struct rep_strategy *s, guint c);

static GString *sweep_dat(const struct rep_run *run, const struct sweep_axis *a,
			  const char *about, const char *columns,
			  guint ncols, sweep_get_fn get, GPtrArray *names)
{
	GString *dat = g_string_new(NULL);
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	guint n, pt, i, c, blk = 0;

	g_string_append_printf(dat, "# %s against %s\n"
			       "# one block per strategy; columns: %s\n",
			       about, run->sweep_key, columns);
	for (n = 0; n < run->plan_strategies->len; n++) {
		const char *name = run->plan_strategies->pdata[n];
		gboolean any = FALSE;

		for (pt = 0; pt < run->points->len; pt++) {
			const struct rep_point *p = run->points->pdata[pt];

			for (i = 0; i < p->strategies->len; i++) {
				const struct rep_strategy *s = p->strategies->pdata[i];

				if (g_strcmp0(s->name, name) != 0)
					continue;
				if (!any)
					g_string_append_printf(dat, "%s# index %u: %s\n",
							       blk ? "\n\n" : "", blk, name);
				any = TRUE;
				g_string_append(dat, report_num(buf, a->x[pt]));
				for (c = 0; c < ncols; c++) {
					double v = get(run, s, c);

					g_string_append_printf(dat, " %s",
						isnan(v) ? "?" : report_num(buf, v));
				}
				g_string_append_printf(dat, "   # %s\n", p->value);
			}
		}
		if (any) {
			g_ptr_array_add(names, (gpointer)name);
			blk++;
		}
	}
	return dat;
}

static double get_p99(const struct rep_run *run, const struct rep_strategy *s,
		      guint c)
{
	const struct rep_latency *l = rep_strategy_op(s, run->op_names->pdata[c]);
	double v = rep_latency_pct(l, 99);

	return v > 0 ? v : NAN;
}

static double get_throughput(const struct rep_run *run,
			     const struct rep_strategy *s, guint c)
{
	return s->throughput_ops_s;
}

static double get_violating(const struct rep_run *run,
			    const struct rep_strategy *s, guint c)
{
	guint n = s->replica_results->len;

	return s->violating_replicas >= 0 && n ?
		100.0 * (double)s->violating_replicas / n : NAN;
}

static guint strategy_color(const struct rep_run *run, const char *name)
{
	guint i;

	for (i = 0; i < run->plan_strategies->len; i++)
		if (g_strcmp0(run->plan_strategies->pdata[i], name) == 0)
			return i;
	return 0;
}

/* Whether any strategies[] entry called name has column c. */
static gboolean has_values(const struct rep_run *run, const char *name,
			   sweep_get_fn get, guint c)
{
	guint i;

	for (i = 0; i < run->strategies->len; i++) {
		const struct rep_strategy *s = run->strategies->pdata[i];

		if (g_strcmp0(s->name, name) == 0 && !isnan(get(run, s, c)))
			return TRUE;
	}
	return FALSE;
}

/* One line per strategy that has column c somewhere (a clause without a
 * valid point makes gnuplot complain). */
static void gp_lines(GString *gp, const struct rep_run *run, const char *dat,
		     GPtrArray *names, sweep_get_fn get, guint c, const char *ycol)
{
	gboolean first = TRUE;
	guint i;

	g_string_append(gp, "    plot ");
	for (i = 0; i < names->len; i++) {
		guint color = strategy_color(run, names->pdata[i]);

		if (!has_values(run, names->pdata[i], get, c))
			continue;
		g_string_append_printf(gp,
			"%s'%s.dat' index %u using 1:%s with linespoints lw 2 pt %d ps 1 lc rgb '%s' title ",
			first ? "" : ", \\\n         ", dat, i, ycol,
			report_strategy_point_type(color), report_strategy_color(color));
		report_gp_str(gp, names->pdata[i]);
		first = FALSE;
	}
	g_string_append_c(gp, '\n');
}

static gboolean plot_p99(struct report_plots *p, const struct sweep_axis *a, GError **err)
{
	const struct rep_run *run = p->run;
	guint nops = run->op_names->len, panels = 0, cols, rows, i, pt, k;
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	GPtrArray *names;
	struct report_plot *pl;
	GString *cols_text;
	GString *dat, *gp;
	gboolean ok;

	/* One panel per op that has a p99 somewhere. */
	for (i = 0; i < nops; i++)
		for (k = 0; k < run->plan_strategies->len; k++)
			if (has_values(run, run->plan_strategies->pdata[k], get_p99, i)) {
				panels++;
				break;
			}
	if (!panels)
		return TRUE;
	cols = panels > 1 ? 2 : 1;
	rows = (panels + cols - 1) / cols;
	names = g_ptr_array_new();
	cols_text = g_string_new("x");
	pl = report_plot_add(p, REPORT_SEC_SWEEP, "sweep-p99", -1,
			     g_strdup_printf("p99 latency per op against %s", run->sweep_key));
	for (i = 0; i < nops; i++)
		g_string_append_printf(cols_text, "  p99_%s_ns", (const char *)run->op_names->pdata[i]);
	dat = sweep_dat(run, a, "p99 latency per op", cols_text->str, nops, get_p99, names);
	g_string_free(cols_text, TRUE);
	if (!report_dat_write(p, pl, dat, err)) {
		g_ptr_array_unref(names);
		return FALSE;
	}

	gp = report_gp_begin(p, pl, "p99 latency per op against the swept value",
			     1000, (int)MIN(300 * rows + 60, 2400));
	g_string_append_printf(gp, "    set multiplot layout %u,%u title ", rows, cols);
	{
		char *t = g_strdup_printf("p99 latency against %s (all replicas merged)",
					  run->sweep_key);

		report_gp_str(gp, t);
		g_free(t);
	}
	g_string_append(gp, " font ',12'\n");
	gp_axis(gp, run, a);
	report_gp_line(gp, "set key outside right top vertical font ',9'");
	for (i = 0; i < nops; i++) {
		double min_ns = INFINITY, max_ns = 0;
		struct report_unit u;
		char *ycol;

		for (k = 0; k < run->plan_strategies->len; k++)
			if (has_values(run, run->plan_strategies->pdata[k], get_p99, i))
				break;
		if (k == run->plan_strategies->len)
			continue;
		for (pt = 0; pt < run->points->len; pt++) {
			const struct rep_point *rp = run->points->pdata[pt];

			for (k = 0; k < rp->strategies->len; k++) {
				double v = get_p99(run, rp->strategies->pdata[k], i);

				if (!isnan(v)) {
					min_ns = MIN(min_ns, v);
					max_ns = MAX(max_ns, v);
				}
			}
		}
		u = report_time_unit(max_ns);
		report_gp_title(gp, run->op_names->pdata[i]);
		report_gp_line(gp, "set ylabel 'p99 latency (%s, log scale)'", u.name);
		report_gp_log_axis(gp, "y", min_ns / u.div, max_ns / u.div);
		ycol = g_strdup_printf("($%u/%s)", i + 2, report_num(buf, u.div));
		gp_lines(gp, run, pl->name, names, get_p99, i, ycol);
		g_free(ycol);
	}
	report_gp_line(gp, "unset multiplot");
	ok = report_gp_end(p, pl, gp, err);
	g_ptr_array_unref(names);
	return ok;
}

static gboolean plot_simple(struct report_plots *p, const struct sweep_axis *a,
			    const char *base, const char *about, const char *column,
			    const char *ylabel, sweep_get_fn get, const char *extra,
			    GError **err)
{
	const struct rep_run *run = p->run;
	GPtrArray *names = g_ptr_array_new();
	struct report_plot *pl;
	GString *dat, *gp;
	char *title;
	gboolean ok;
	guint pt, k;

	/* Nothing to draw when every figure is missing. */
	for (pt = 0; pt < run->points->len; pt++) {
		const struct rep_point *rp = run->points->pdata[pt];

		for (k = 0; k < rp->strategies->len; k++)
			if (!isnan(get(run, rp->strategies->pdata[k], 0)))
				break;
		if (k < rp->strategies->len)
			break;
	}
	if (pt == run->points->len) {
		g_ptr_array_unref(names);
		return TRUE;
	}
	title = g_strdup_printf("%s against %s", about, run->sweep_key);
	pl = report_plot_add(p, REPORT_SEC_SWEEP, base, -1, g_strdup(title));
	dat = sweep_dat(run, a, about, column, 1, get, names);
	if (!report_dat_write(p, pl, dat, err)) {
		g_free(title);
		g_ptr_array_unref(names);
		return FALSE;
	}
	gp = report_gp_begin(p, pl, title, 900, 520);
	report_gp_title(gp, title);
	gp_axis(gp, run, a);
	g_string_append(gp, "    set ylabel ");
	report_gp_str(gp, ylabel);
	g_string_append_c(gp, '\n');
	report_gp_line(gp, "%s", extra);
	report_gp_line(gp, "set key outside right top vertical title 'strategy'");
	gp_lines(gp, run, pl->name, names, get, 0, "2");
	ok = report_gp_end(p, pl, gp, err);
	g_free(title);
	g_ptr_array_unref(names);
	return ok;
}

gboolean report_plot_sweep(struct report_plots *p, GError **err)
{
	struct sweep_axis a;
	gboolean ok;

	if (!p->run->sweep_key || !p->run->points->len)
		return TRUE;
	axis_init(&a, p->run);
	ok = plot_p99(p, &a, err) &&
	     plot_simple(p, &a, "sweep-throughput", "throughput",
			 "x  throughput_ops_s (mean over replicas)",
			 "throughput (ops per simulated second, mean over replicas)",
			 get_throughput, "set yrange [0:*]", err) &&
	     plot_simple(p, &a, "sweep-violations", "replicas with a violation",
			 "x  percent_of_replicas_with_violations",
			 "replicas with at least one violation (%)",
			 get_violating, "set yrange [-5:105]; set ytics 0, 20, 100", err);
	g_free(a.x);
	return ok;
}
