/* reports/plot-timeline.c — lock-hold timelines: who held i_mmap_sem,
 * i_data_sem, the journal ... when, in replica 0 of each strategy (each
 * strategies[] entry, so per sweep point in a sweep) over the first
 * timeline_ns of simulated time.
 *
 * One row per task (natural name order, top to bottom); inside a row one
 * lane per lock class, so nested holds (i_mmap_sem, then i_data_sem inside
 * it) show side by side instead of hiding each other.  Exclusive holds are
 * solid, shared ones pale, and the wait before a hold is a thin grey line in
 * the same lane.  Colours follow the class across all plots.  Holds shorter
 * than 1/1500 of the window are widened to stay visible (in the script; the
 * .dat keeps the true times).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "reports/fmt.h"
#include "reports/plot.h"

struct task_row {
	const char *name;
	char *key;                      /* collation key, natural order */
};

static int row_cmp(gconstpointer a, gconstpointer b)
{
	const struct task_row *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->name, y->name);
}

static int row_of(const GArray *rows, const char *task)
{
	guint i;

	for (i = 0; i < rows->len; i++)
		if (strcmp(g_array_index(rows, struct task_row, i).name, task) == 0)
			return (int)i;
	return -1;
}

static int index_of(const GPtrArray *names, const char *name)
{
	guint i;

	for (i = 0; i < names->len; i++)
		if (strcmp(names->pdata[i], name) == 0)
			return (int)i;
	return -1;
}

/* Outer locks get the upper lanes: a class scores a point for every hold
 * of another class nested inside one of its holds by the same task, and
 * loses one for every hold of its own nested inside another's, so
 * i_mmap_sem > i_data_sem > the journal handle, as the kernel takes them.
 * Quadratic, so only on timelines of moderate size (else plain order). */
struct lane_score {
	const char *name;
	gint64 score;
	guint order;
};

static int lane_cmp(gconstpointer a, gconstpointer b)
{
	const struct lane_score *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

static void order_lanes(const struct rep_strategy *s, GPtrArray *lanes)
{
	GArray *sc = g_array_new(FALSE, FALSE, sizeof(struct lane_score));
	guint i, j, n = s->timeline->len;

	if (n > 4000) {
		g_array_unref(sc);
		return;
	}
	for (i = 0; i < lanes->len; i++) {
		struct lane_score l = { lanes->pdata[i], 0, i };

		g_array_append_val(sc, l);
	}
	for (i = 0; i < n; i++) {
		const struct rep_hold *in = &g_array_index(s->timeline, struct rep_hold, i);

		for (j = 0; j < n; j++) {
			const struct rep_hold *out = &g_array_index(s->timeline, struct rep_hold, j);
			int a, b;

			if (i == j || strcmp(in->task, out->task) != 0 ||
			    strcmp(in->lock, out->lock) == 0 ||
			    in->begin_ns < out->begin_ns || in->end_ns > out->end_ns)
				continue;
			a = index_of(lanes, out->lock);
			b = index_of(lanes, in->lock);
			g_array_index(sc, struct lane_score, a).score++;
			g_array_index(sc, struct lane_score, b).score--;
		}
	}
	g_array_sort(sc, lane_cmp);
	for (i = 0; i < lanes->len; i++)
		lanes->pdata[i] = (gpointer)g_array_index(sc, struct lane_score, i).name;
	g_array_unref(sc);
}

static gboolean plot_strategy(struct report_plots *p, const struct rep_strategy *s,
			      GError **err)
{
	const struct rep_run *run = p->run;
	GArray *rows = g_array_new(FALSE, FALSE, sizeof(struct task_row));
	GPtrArray *lanes = g_ptr_array_new();   /* classes used, global order */
	char b1[G_ASCII_DTOSTR_BUF_SIZE], b2[G_ASCII_DTOSTR_BUF_SIZE];
	char *suffix = report_point_suffix(run, s->point), *what, *window;
	double lane_h;
	struct report_plot *pl;
	struct report_unit u;
	GString *dat, *gp;
	gboolean ok = FALSE, first = TRUE;
	guint i, j, blk = 0;
	int mode, height;

	for (i = 0; i < s->timeline->len; i++) {
		const struct rep_hold *h = &g_array_index(s->timeline, struct rep_hold, i);

		if (row_of(rows, h->task) < 0) {
			struct task_row r = { h->task,
				g_utf8_collate_key_for_filename(h->task, -1) };

			g_array_append_val(rows, r);
		}
	}
	g_array_sort(rows, row_cmp);
	for (i = 0; i < run->lock_names->len; i++)
		for (j = 0; j < s->timeline->len; j++)
			if (strcmp(g_array_index(s->timeline, struct rep_hold, j).lock,
				   run->lock_names->pdata[i]) == 0) {
				g_ptr_array_add(lanes, run->lock_names->pdata[i]);
				break;
			}
	order_lanes(s, lanes);
	lane_h = 0.8 / lanes->len;

	what = g_strconcat("timeline-", s->name, NULL);
	window = report_fmt_ns((double)s->timeline_ns);
	if (s->timeline_asked_ns > s->timeline_ns) {
		/* the span limit ended the data early: the title says where */
		char *asked = report_fmt_ns((double)s->timeline_asked_ns);
		char *w2 = g_strdup_printf("%s (of %s asked: the span limit "
					   "ends the data there)", window, asked);

		g_free(asked);
		g_free(window);
		window = w2;
	}
	pl = report_plot_add(p, REPORT_SEC_TIMELINE, what, (int)s->point,
			     g_strdup_printf("lock holds in replica 0 of %s, first %s%s",
					     s->name, window, suffix));
	g_free(what);

	dat = g_string_new(NULL);
	g_string_append_printf(dat,
		"# lock holds of replica 0 of %s during its first %" G_GINT64_FORMAT " ns%s\n"
		"# one block per (lock class, mode); columns:\n"
		"# wait_begin_ns  begin_ns  end_ns  lane_low  lane_high  # task\n"
		"# (rows: task i spans y in [i-0.4, i+0.4], one lane per class)\n",
		s->name, s->timeline_ns, suffix);
	for (i = 0; i < rows->len; i++)
		g_string_append_printf(dat, "# row %u: %s\n", i,
				       g_array_index(rows, struct task_row, i).name);
	for (i = 0; i < lanes->len; i++)
		for (mode = 1; mode >= 0; mode--) {
			gboolean any = FALSE;

			for (j = 0; j < s->timeline->len; j++) {
				const struct rep_hold *h =
					&g_array_index(s->timeline, struct rep_hold, j);
				double lo;

				if (h->write != mode || strcmp(h->lock, lanes->pdata[i]) != 0)
					continue;
				if (!any)
					g_string_append_printf(dat, "%s# index %u: %s %s\n",
							       blk ? "\n\n" : "", blk,
							       (const char *)lanes->pdata[i],
							       mode ? "exclusive" : "shared");
				any = TRUE;
				lo = row_of(rows, h->task) - 0.4 + i * lane_h;
				g_string_append_printf(dat, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT
						       " %" G_GINT64_FORMAT " %s",
						       h->wait_begin_ns, h->begin_ns, h->end_ns,
						       report_num(b1, lo));
				g_string_append_printf(dat, " %s # %s\n",
						       report_num(b2, lo + lane_h * 0.85), h->task);
			}
			blk += any;
		}
	if (!report_dat_write(p, pl, dat, err))
		goto out;

	u = report_time_unit((double)s->timeline_ns);
	what = g_strdup_printf("Lock holds in replica 0 of %s, first %s%s",
			       s->name, window, suffix);
	height = (int)CLAMP(170 + rows->len * MAX(26, 12 * lanes->len), 320, 2400);
	gp = report_gp_begin(p, pl, what, 1000, height);
	report_gp_title(gp, what);
	g_free(what);
	report_gp_line(gp, "U = %s   # ns per %s", report_num(b1, u.div), u.name);
	report_gp_line(gp, "minw = %s   # narrowest drawn hold, ns",
		       report_num(b1, MAX(1.0, s->timeline_ns / 1500.0)));
	report_gp_line(gp, "hi(b, e) = (e - b < minw) ? b + minw : e");
	report_gp_line(gp, "set xlabel 'simulated time since the start of the replica (%s)'", u.name);
	report_gp_line(gp, "set xrange [0:%s]", report_num(b1, s->timeline_ns / u.div));
	report_gp_line(gp, "set yrange [%s:-0.6] noreverse", report_num(b1, rows->len - 0.4));
	report_gp_line(gp, "set grid xtics noytics");
	report_gp_line(gp, "set ytics scale 0");
	g_string_append(gp, "    set ytics (");
	for (i = 0; i < rows->len; i++) {
		g_string_append(gp, i ? ", " : "");
		report_gp_tic_label(gp, g_array_index(rows, struct task_row, i).name);
		g_string_append_printf(gp, " %u", i);
	}
	g_string_append(gp, ")\n");
	/* Faint separators between task rows. */
	for (i = 1; i < rows->len; i++)
		report_gp_line(gp, "set arrow from graph 0, first %s to graph 1, first %s nohead lc rgb '#cccccc' lw 1 back",
			       report_num(b1, i - 0.5), report_num(b2, i - 0.5));
	report_gp_line(gp, "set key outside right top vertical");
	g_string_append(gp, "    plot ");
	blk = 0;
	for (i = 0; i < lanes->len; i++)
		for (mode = 1; mode >= 0; mode--) {
			const char *cls = lanes->pdata[i];
			const char *color = report_class_color((guint)index_of(run->lock_names, cls));
			char *title = g_strdup_printf("%s %s", cls, mode ? "exclusive" : "shared");

			for (j = 0; j < s->timeline->len; j++) {
				const struct rep_hold *h = &g_array_index(s->timeline, struct rep_hold, j);

				if (h->write == mode && strcmp(h->lock, cls) == 0)
					break;
			}
			if (j == s->timeline->len) {
				g_free(title);
				continue;
			}
			g_string_append_printf(gp,
				"%s'%s.dat' index %u using (($2+hi($2,$3))/2/U):(($4+$5)/2):($2/U):(hi($2,$3)/U):4:5 with boxxyerror fs solid %s border lc rgb '%s' lc rgb '%s' title ",
				first ? "" : ", \\\n         ", pl->name, blk,
				mode ? "0.9" : "0.3", color, color);
			report_gp_str(gp, title);
			g_free(title);
			first = FALSE;
			blk++;
		}
	for (j = 0; j < s->timeline->len; j++)
		if (g_array_index(s->timeline, struct rep_hold, j).wait_begin_ns <
		    g_array_index(s->timeline, struct rep_hold, j).begin_ns)
			break;
	if (j < s->timeline->len)       /* an empty clause would warn */
		g_string_append_printf(gp,
			", \\\n         '%s.dat' using ($2>$1 ? $1/U : NaN):(($4+$5)/2):(($2-$1)/U):(0) with vectors nohead lw 1.5 lc rgb '#555555' title 'waiting for the lock'",
			pl->name);
	g_string_append_c(gp, '\n');
	ok = report_gp_end(p, pl, gp, err);
out:
	for (i = 0; i < rows->len; i++)
		g_free(g_array_index(rows, struct task_row, i).key);
	g_array_unref(rows);
	g_ptr_array_unref(lanes);
	g_free(window);
	g_free(suffix);
	return ok;
}

gboolean report_plot_timeline(struct report_plots *p, GError **err)
{
	guint i;

	for (i = 0; i < p->run->strategies->len; i++) {
		const struct rep_strategy *s = p->run->strategies->pdata[i];

		if (s->timeline->len && s->timeline_ns > 0 &&
		    !plot_strategy(p, s, err))
			return FALSE;
	}
	return TRUE;
}
