/* reports/html-tables.c — the tables of index.html: the comparison across
 * strategies, and per strategy its violations, latencies and a
 * lock_stat-style table per lock class.
 *
 * The comparison shows each strategy's merged percentiles (the figures of
 * the text summary) and under them the paired difference from the
 * baseline with its 95% interval, as comparison[] gives it; the colour
 * says whether the interval excludes zero (green better, red worse, grey
 * not distinguishable).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "reports/fmt.h"
#include "reports/html.h"

void html_printf(GString *h, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = g_markup_vprintf_escaped(fmt, ap);
	va_end(ap);
	g_string_append(h, s);
	g_free(s);
}

void html_text(GString *h, const char *text)
{
	char *s = g_markup_escape_text(text ? text : "", -1);

	g_string_append(h, s);
	g_free(s);
}

void html_take(GString *h, char *s)
{
	html_text(h, s);
	g_free(s);
}

const char *html_baseline(const struct rep_run *run)
{
	guint i;

	for (i = 0; i < run->comparisons->len; i++) {
		const struct rep_comparison *c = run->comparisons->pdata[i];

		if (c->baseline)
			return c->baseline;
	}
	return run->plan_strategies->len ? run->plan_strategies->pdata[0] : NULL;
}

char *html_strategy_label(const struct rep_run *run, const struct rep_strategy *s)
{
	if (run->sweep_key && s->sweep_value)
		return g_strdup_printf("%s (%s = %s)", s->name, run->sweep_key,
				       s->sweep_value);
	return g_strdup(s->name);
}

char *html_strategy_id(const struct rep_run *run, const struct rep_strategy *s)
{
	guint i;

	for (i = 0; i < run->strategies->len; i++)
		if (run->strategies->pdata[i] == s)
			break;
	return g_strdup_printf("strategy-%u", i + 1);
}

/* ---- the comparison ------------------------------------------------------- */

/* "+12.3% ± 4.5%" under a value; higher_is_better for throughput. */
static void diff_line(GString *h, const struct rep_diff *d, const char *baseline,
		      gint64 replicas, gboolean time, gboolean higher_is_better)
{
	char rel[G_ASCII_DTOSTR_BUF_SIZE], half[G_ASCII_DTOSTR_BUF_SIZE];
	const char *cls = "same";
	char *abs_diff, *abs_half;

	if (!d || !d->present || isnan(d->rel_pct))
		return;
	if (!isnan(d->rel_half_pct) && d->rel_pct - d->rel_half_pct > 0)
		cls = higher_is_better ? "better" : "worse";
	else if (!isnan(d->rel_half_pct) && d->rel_pct + d->rel_half_pct < 0)
		cls = higher_is_better ? "worse" : "better";
	abs_diff = time ? report_fmt_ns(d->diff) : report_fmt_real(d->diff);
	abs_half = time ? report_fmt_ns(d->diff_half) : report_fmt_real(d->diff_half);
	html_printf(h, "<small class=\"%s\" title=\"paired difference from %s over %"
		    G_GINT64_FORMAT " replicas: %s%s ± %s (95%% interval)\">",
		    cls, baseline ? baseline : "the baseline", replicas,
		    d->diff > 0 ? "+" : "", abs_diff, abs_half);
	html_printf(h, "%s%s%% ± %s%%</small>", d->rel_pct > 0 ? "+" : "",
		    g_ascii_formatd(rel, sizeof(rel), "%.1f", d->rel_pct),
		    g_ascii_formatd(half, sizeof(half), "%.1f",
				    isnan(d->rel_half_pct) ? 0.0 : d->rel_half_pct));
	g_free(abs_diff);
	g_free(abs_half);
}

static void comparison_row(GString *h, const struct rep_run *run,
			   const struct rep_strategy *s, const char *baseline)
{
	const struct rep_comparison *c = rep_run_comparison(run, s);
	gboolean is_base = g_strcmp0(s->name, baseline) == 0;
	gint64 nrep = s->replica_results->len ? (gint64)s->replica_results->len : s->replicas;
	char *id = html_strategy_id(run, s);
	guint i, k;
	int cols = 3 + 3 * (int)run->op_names->len;

	html_printf(h, "<tr><td class=\"l\"><a href=\"#%s\">%s</a>", id, s->name);
	if (is_base)
		g_string_append(h, "<small class=\"same\">baseline</small>");
	g_string_append(h, "</td><td>");
	html_take(h, report_fmt_count(s->violations_total));
	if (s->violating_replicas >= 0)
		html_printf(h, "<small>in %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
			    " replicas</small>", s->violating_replicas, nrep);
	g_string_append(h, "</td>");
	for (i = 0; i < run->op_names->len; i++) {
		const char *op = run->op_names->pdata[i];
		const struct rep_latency *l = rep_strategy_op(s, op);
		const struct rep_op_diff *od = rep_comparison_op(c, op);
		static const double ps[] = { 50, 99, 99.9 };

		for (k = 0; k < G_N_ELEMENTS(ps); k++) {
			g_string_append(h, "<td>");
			html_take(h, report_fmt_ns(rep_latency_pct(l, ps[k])));
			if (od)
				diff_line(h, k == 0 ? &od->p50 : k == 1 ? &od->p99 : &od->p999,
					  c->baseline, c->replicas, TRUE, FALSE);
			g_string_append(h, "</td>");
		}
	}
	g_string_append(h, "<td>");
	html_take(h, report_fmt_real(s->throughput_ops_s));
	if (c)
		diff_line(h, &c->throughput, c->baseline, c->replicas, FALSE, TRUE);
	g_string_append(h, "</td></tr>\n");
	if (c && c->verdict)
		html_printf(h, "<tr class=\"verdict\"><td colspan=\"%d\">%s vs %s: %s</td></tr>\n",
			    cols, s->name, c->baseline ? c->baseline : "baseline", c->verdict);
	g_free(id);
}

void html_comparison(GString *h, const struct rep_run *run)
{
	const char *baseline = html_baseline(run);
	int cols = 3 + 3 * (int)run->op_names->len;
	guint i, pt;

	g_string_append(h, "<table class=\"cmp\">\n<thead><tr><th class=\"l\" rowspan=\"2\">strategy</th>"
			   "<th rowspan=\"2\">violations</th>");
	for (i = 0; i < run->op_names->len; i++)
		html_printf(h, "<th colspan=\"3\">%s latency</th>",
			    (const char *)run->op_names->pdata[i]);
	g_string_append(h, "<th rowspan=\"2\">throughput<small>ops/s</small></th></tr>\n<tr>");
	for (i = 0; i < run->op_names->len; i++)
		g_string_append(h, "<th>p50</th><th>p99</th><th>p99.9</th>");
	g_string_append(h, "</tr></thead>\n<tbody>\n");
	for (pt = 0; pt < run->points->len; pt++) {
		const struct rep_point *p = run->points->pdata[pt];

		if (run->sweep_key)
			html_printf(h, "<tr class=\"point\"><th class=\"l\" colspan=\"%d\">%s = %s</th></tr>\n",
				    cols, run->sweep_key, p->value ? p->value : "?");
		for (i = 0; i < p->strategies->len; i++)
			comparison_row(h, run, p->strategies->pdata[i], baseline);
	}
	g_string_append(h, "</tbody></table>\n");
}

/* ---- per strategy -------------------------------------------------------------- */

static void violations_table(GString *h, const struct rep_run *run,
			     const struct rep_strategy *s)
{
	guint i, j;

	g_string_append(h, "<h4>Violations</h4>\n");
	g_string_append(h, "<table><thead><tr><th class=\"l\">violation kind</th><th>count</th>"
			   "<th>replicas affected</th><th>first detected</th></tr></thead><tbody>\n");
	for (i = 0; i < run->kind_names->len; i++) {
		const char *kind = run->kind_names->pdata[i];
		const struct rep_count *c = NULL;
		const struct rep_violation *f = NULL;

		for (j = 0; j < s->violations->len; j++)
			if (strcmp(g_array_index(s->violations, struct rep_count, j).kind, kind) == 0)
				c = &g_array_index(s->violations, struct rep_count, j);
		for (j = 0; j < s->first->len; j++) {
			const struct rep_violation *v = &g_array_index(s->first, struct rep_violation, j);

			if (v->kind && strcmp(v->kind, kind) == 0)
				f = v;
		}
		html_printf(h, "<tr class=\"%s\"><td class=\"l\">%s</td><td>",
			    c && c->count ? "" : "zero", kind);
		html_take(h, report_fmt_count(c ? c->count : 0));
		html_printf(h, "</td><td>%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT "</td><td>",
			    c ? c->replicas : 0, s->replicas);
		/* "replica R at T" (T: simulated time of the detection) */
		if (f && c && c->count) {
			html_printf(h, "replica %" G_GINT64_FORMAT, f->replica);
			if (f->time_ns >= 0) {
				g_string_append(h, " at ");
				html_take(h, report_fmt_ns((double)f->time_ns));
			}
		}
		g_string_append(h, "</td></tr>\n");
	}
	g_string_append(h, "<tr class=\"total\"><td class=\"l\">total</td><td>");
	html_take(h, report_fmt_count(s->violations_total));
	g_string_append(h, "</td><td>");
	if (s->violating_replicas >= 0)
		html_printf(h, "%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT,
			    s->violating_replicas, (gint64)s->replica_results->len);
	g_string_append(h, "</td><td></td></tr>\n</tbody></table>\n");
	if (s->images >= 0)
		html_printf(h, "<p>Images (<code>--image</code>): e2fsck clean %"
			    G_GINT64_FORMAT "/%" G_GINT64_FORMAT "; read back as "
			    "the oracle says %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
			    "</p>\n", s->images_e2fsck_clean, s->images,
			    s->images_as_oracle, s->images_read_back);
}

static void ns_cell(GString *h, double ns)
{
	g_string_append(h, "<td>");
	html_take(h, report_fmt_ns(ns));
	g_string_append(h, "</td>");
}

static void latency_table(GString *h, const struct rep_strategy *s)
{
	static const double ps[] = { 50, 90, 99, 99.9, 99.99 };
	static const char *const names[] = { "p50", "p90", "p99", "p99.9", "p99.99" };
	guint i, k;

	if (!s->ops->len)
		return;
	g_string_append(h, "<h4>Latency per op, all replicas merged</h4>\n");
	g_string_append(h, "<table><thead><tr><th class=\"l\">op</th><th>count</th>"
			   "<th>skipped<small>not issued</small></th>"
			   "<th>ops/s</th><th>min</th><th>mean</th>");
	for (k = 0; k < G_N_ELEMENTS(ps); k++)
		html_printf(h, "<th>%s</th>", names[k]);
	g_string_append(h, "<th>max</th><th>stddev</th></tr></thead><tbody>\n");
	for (i = 0; i < s->ops->len; i++) {
		const struct rep_latency *l = s->ops->pdata[i];

		html_printf(h, "<tr><td class=\"l\">%s</td><td>", l->op);
		html_take(h, report_fmt_count(l->count));
		g_string_append(h, "</td><td>");
		html_take(h, report_fmt_count(l->skipped));
		g_string_append(h, "</td><td>");
		html_take(h, report_fmt_real(l->throughput_ops_s));
		g_string_append(h, "</td>");
		ns_cell(h, l->min_ns);
		ns_cell(h, l->mean_ns);
		for (k = 0; k < G_N_ELEMENTS(ps); k++)
			ns_cell(h, rep_latency_pct(l, ps[k]));
		ns_cell(h, l->max_ns);
		ns_cell(h, l->stddev_ns);
		g_string_append(h, "</tr>\n");
	}
	g_string_append(h, "</tbody></table>\n");
}

static void times_cells(GString *h, const struct rep_times *t)
{
	ns_cell(h, t->min_ns);
	ns_cell(h, t->avg_ns);
	ns_cell(h, t->max_ns);
	ns_cell(h, t->total_ns);
}

/* Columns as lock_stat prints them (/proc/lock_stat), times adapted. */
static void locks_table(GString *h, const struct rep_strategy *s)
{
	guint i;

	if (!s->locks->len)
		return;
	g_string_append(h, "<h4>Lock classes (lock_stat; waits are of contended acquisitions)</h4>\n");
	g_string_append(h, "<table><thead><tr><th class=\"l\" rowspan=\"2\">class</th>"
			   "<th rowspan=\"2\">contentions</th><th colspan=\"4\">waittime</th>"
			   "<th rowspan=\"2\">acquisitions<small>(shared)</small></th>"
			   "<th colspan=\"4\">holdtime</th></tr>\n<tr>"
			   "<th>min</th><th>avg</th><th>max</th><th>total</th>"
			   "<th>min</th><th>avg</th><th>max</th><th>total</th></tr></thead><tbody>\n");
	for (i = 0; i < s->locks->len; i++) {
		const struct rep_lock *l = s->locks->pdata[i];

		html_printf(h, "<tr class=\"%s\"><td class=\"l\">%s</td><td>",
			    l->acquisitions ? "" : "zero", l->name);
		html_take(h, report_fmt_count(l->contentions));
		g_string_append(h, "</td>");
		times_cells(h, &l->wait);
		g_string_append(h, "<td>");
		html_take(h, report_fmt_count(l->acquisitions));
		g_string_append(h, "<small>(");
		html_take(h, report_fmt_count(l->acquisitions_read));
		g_string_append(h, ")</small></td>");
		times_cells(h, &l->hold);
		g_string_append(h, "</tr>\n");
	}
	g_string_append(h, "</tbody></table>\n");
}

void html_strategy_tables(GString *h, const struct rep_run *run,
			  const struct rep_strategy *s)
{
	char *label = html_strategy_label(run, s), *id = html_strategy_id(run, s);

	html_printf(h, "<h3 id=\"%s\">%s</h3>\n<p>", id, label);
	html_printf(h, "%" G_GINT64_FORMAT " replicas, ", s->replicas);
	html_take(h, report_fmt_ns((double)s->sim_time_ns));
	g_string_append(h, " of simulated time and ");
	html_take(h, report_fmt_count(s->events));
	g_string_append(h, " events in all.</p>\n");
	violations_table(h, run, s);
	latency_table(h, s);
	locks_table(h, s);
	g_free(label);
	g_free(id);
}
